"""Parts: how well the trained network does on the 10,000 test digits, what it gets wrong, and what
it says about pure noise. Every count, accuracy and activation is computed by gdcore."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, GrowFromEdge, Group, Rectangle, Scene,
                   VGroup, Write)

from gdcore import analysis, inputs, load_mnist
from scenes import settings
from scenes.camera import GdvizScene
from scenes.visuals import (fade_to_background, ACCURACY, COST, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, DigitImage, OutputBars,
                            Readout, arrive, cascade, caption, digit_rgba, step_through, text, title)
from scenes.weights import grow_bars, video_run


class ScoreOnTestSet:
    """Fast-forward through the full test set with a running count, then a gallery of mistakes."""

    name = "How well it does"

    def __init__(self, run, seconds: float = 6.0, gallery: int = 12):
        self.run, self.seconds, self.gallery = run, seconds, gallery
        self.shown = {"counted": [], "correct": [], "accuracy": None, "mistakes": []}

    def play(self, scene: Scene) -> None:
        data = load_mnist()
        net = self.run.network(-1)
        X = inputs(data.test_images)
        correct = analysis.running_correct(net, X, data.test_labels)
        predictions = net.predict(X)
        self.count_through_test_set(scene, data, correct, predictions)
        fade_to_background(scene)
        self.show_mistakes(scene, data, analysis.misclassified(net, X, data.test_labels))

    def count_through_test_set(self, scene, data, correct, predictions) -> None:
        n = len(correct)
        heading = title(f"The trained network on all {n:,} test images (never seen in training)")
        digit = DigitImage(data.test_images[0], height=2.6).shift(LEFT * 3.5 + DOWN * 0.2)
        guess = Readout("network says", predictions[0], TEXT, "{:d}").next_to(digit, DOWN, buff=0.3)
        seen = Readout("images seen", 1, TEXT, "{:,d}")
        right = Readout("correct", correct[0], ACCURACY, "{:,d}")
        acc = Readout("accuracy so far", correct[0] / 1, ACCURACY, "{:.2%}")
        board = VGroup(seen, right, acc).arrange(DOWN, aligned_edge=LEFT, buff=0.35).shift(RIGHT * 2.2)
        note = caption("Fast-forward: the counts are the network's real answers, image by image.", TINY_SIZE)
        scene.play(Write(heading), FadeIn(digit), Write(guess), Write(board), Write(note), run_time=1)

        def show_image(k):
            self.shown["counted"].append(k)
            self.shown["correct"].append(int(correct[k - 1]))
            digit.image.set_rgba(digit_rgba(data.test_images[k - 1]))
            guess.set_value(predictions[k - 1])
            guess.number.set_color(ACCURACY if predictions[k - 1] == data.test_labels[k - 1] else COST)
            seen.set_value(k)
            right.set_value(int(correct[k - 1]))
            acc.set_value(correct[k - 1] / k)

        # Slow for the first images, then faster and faster (a square-ish ramp over the test set).
        step_through(scene, 1, n, show_image, self.seconds, rate_func=lambda t: t ** 2.5)
        self.shown["accuracy"] = float(correct[-1] / n)
        final = caption(f"{int(correct[-1]):,} of {n:,} right: {correct[-1] / n:.2%} on images it never trained on.",
                        SMALL_SIZE)
        # the score gathers from the counts on the board
        scene.play(FadeOut(note), arrive([seen.number, right.number, acc.number], final), run_time=1)
        scene.wait(1)

    def show_mistakes(self, scene, data, wrong) -> None:
        k = min(self.gallery, len(wrong["indices"]))
        heading = title(f"Some of its {len(wrong['indices']):,} mistakes (the first {k} in the test set)")
        cells = Group()
        for index, guess, confidence in list(zip(wrong["indices"], wrong["guesses"], wrong["confidences"]))[:k]:
            image = DigitImage(data.test_images[index], height=1.5)
            label = VGroup(text(f"is {data.test_labels[index]}", TINY_SIZE, ACCURACY),
                           text(f"says {guess} ({confidence:.2f})", TINY_SIZE, COST)).arrange(DOWN, buff=0.06)
            cells.add(Group(image, label.next_to(image, DOWN, buff=0.1)))
            self.shown["mistakes"].append((int(index), int(guess), float(confidence)))
        cells.arrange_in_grid(2, (k + 1) // 2, buff=(0.35, 0.35)).next_to(heading, DOWN, buff=0.45)
        note = caption("'says d (c)': the network's guess d and its output activation c for that digit.", TINY_SIZE)
        scene.play(Write(heading), cascade([AnimationGroup(FadeIn(image), Write(label)) for image, label in cells]),
                   Write(note), run_time=1)
        scene.wait(2)


class ConfidentNonsense:
    """A seeded random-noise image through the trained network, then statistics over many."""

    name = "Confident nonsense"
    CONFIDENT = 0.5   # a mean largest output from which the answers on noise are called confident

    def __init__(self, run, seed: int = 0, samples: int = 1000):
        self.run, self.seed, self.samples = run, seed, samples
        self.shown = {}

    def play(self, scene: Scene) -> None:
        net = self.run.network(-1)
        noise = analysis.noise_inputs(self.samples, self.seed)
        stats = analysis.claims(net, noise)
        self.show_one_noise_image(scene, net, noise[0])
        fade_to_background(scene)
        self.show_statistics(scene, stats)

    def show_one_noise_image(self, scene, net, x) -> None:
        outputs = net.forward(x[None, :])[0]
        guess = int(outputs.argmax())
        self.shown.update({"outputs": outputs.tolist(), "guess": guess})
        heading = title("Feed it pure noise")
        image = DigitImage((x * 255).round().astype(np.uint8), height=3.0).shift(LEFT * 3.3 + DOWN * 0.3)
        label = text(f"random pixels (seed {self.seed})", TINY_SIZE, MUTED).next_to(image, DOWN, buff=0.15)
        bars = OutputBars(outputs, width=2.6).move_to(RIGHT * 2.9 + DOWN * 0.3)
        bars_label = text("output activations", SMALL_SIZE, MUTED).next_to(bars, UP, buff=0.25)
        note = caption(f"It answers '{guess}' with activation {outputs[guess]:.2f}: "
                       "it was never asked to say 'none of these'.", SMALL_SIZE)
        scene.play(Write(heading), FadeIn(image), Write(label), run_time=1)
        scene.play(Write(bars_label), grow_bars(bars), Write(note), run_time=1)
        scene.wait(1.5)

    def show_statistics(self, scene, stats) -> None:
        counts = stats["counts"]
        n = int(counts.sum())
        self.shown.update({"counts": counts.tolist(), "mean_top_activation": stats["mean_top_activation"]})
        heading = title(f"{n:,} noise images: which digit does it claim?")
        bars = VGroup()
        top = max(int(counts.max()), 1)
        for digit, count in enumerate(counts):
            bar = Rectangle(width=0.7, height=max(4.0 * count / top, 0.02), stroke_width=0,
                            fill_color=TEXT, fill_opacity=0.85)
            bar.move_to([(digit - 4.5) * 1.05, -2.4, 0], aligned_edge=DOWN)
            value = text(f"{count / n:.0%}", TINY_SIZE, TEXT).next_to(bar, UP, buff=0.08)
            name = text(str(digit), SMALL_SIZE, MUTED).next_to(bar, DOWN, buff=0.12)
            bars.add(VGroup(bar, value, name))
        bars.shift(UP * 0.1)
        mean_top = stats["mean_top_activation"]
        self.shown["confident"] = bool(round(mean_top, 2) >= self.CONFIDENT)     # as the caption shows it
        note = caption(f"Mean of its largest output over these images: {mean_top:.2f} — "
                       + ("confident about nonsense." if self.shown["confident"] else
                          "not confident, yet it names a digit for every one."), SMALL_SIZE)
        scene.play(Write(heading), cascade([AnimationGroup(GrowFromEdge(bar, DOWN), Write(value), Write(name))
                                            for bar, value, name in bars]), Write(note), run_time=1)
        scene.wait(2)


class HowWellItDoes(GdvizScene):
    """Standalone: the running count over the 10,000 test images and a gallery of mistakes."""

    def construct(self):
        self.part = ScoreOnTestSet(video_run())
        self.part.play(self)


class NoiseImages(GdvizScene):
    """Standalone: the network's answers to seeded random noise."""

    def construct(self):
        self.part = ConfidentNonsense(video_run(), seed=settings.or_exit(settings.seed))
        self.part.play(self)

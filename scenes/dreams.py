"""Part: what the trained network "thinks" a digit looks like. Gradient descent on the 784 pixels
(kept in [0, 1]) instead of the weights, to make the real network answer a digit: the images it
finds score as the digits asked for, yet look nothing like them: each is compared with its digit's
average training image (gdcore.analysis.dream, correlations)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, Group, Scene, VGroup, Write

from gdcore import analysis, load_mnist
from gdcore.data import inputs
from scenes.camera import GdvizScene
from scenes.visuals import (fade_to_background, ACCURACY, COST, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, DigitImage, OutputBars, Readout,
                            cascade, caption, digit_rgba, point_at, recaption, step_through, text, title)
from scenes.weights import grow_bars, video_run


def pixels(x: np.ndarray) -> np.ndarray:
    """(784,) input in [0, 1] -> (28, 28) uint8 image."""
    return np.round(np.asarray(x).reshape(28, 28) * 255).astype(np.uint8)


class WhatItThinks:
    """Projected gradient descent on the input of the trained network, towards ``digit``; then the
    same towards every digit, in a grid.

    ``eta``: the step size on the pixels; by default the largest of ``ETAS`` that gets the most digits
    answered (1.0 for the video's network; smaller for one whose large weights saturate at once), said on
    screen when it is not 1.

    ``shown``: the target, eta, steps, start, the recorded steps with the target's activation and
    the cost at each, and for every digit its final image's activation (all from analysis.dream).
    """

    name = "What the network thinks a digit looks like"

    ETAS = (1.0, 0.3, 0.1, 0.03, 0.01)   # the step sizes tried when none is given, largest first

    def __init__(self, run, digit: int = 5, steps: int = 200, eta: float | None = None, start: str = "blank",
                 seconds: float = 6.0):
        self.run, self.digit, self.seconds = run, digit, seconds
        net = run.network(-1)
        self.tried = [eta] if eta is not None else self.ETAS
        best = None
        for eta in self.tried:     # a network with large weights (N(0, 1) init) needs smaller steps on its pixels
            paths = {d: analysis.dream(net, d, steps=steps, eta=eta, start=start) for d in range(net.sizes[-1])}
            hits = sum(p["outputs"][-1].argmax() == d for d, p in paths.items())
            if eta == self.tried[0] or hits > best[0]:
                best = (hits, eta, paths)
            if hits == len(paths):
                break
        _, eta, self.paths = best
        path = self.paths[digit]
        self.shown = {"digit": digit, "eta": eta, "steps": steps, "start": start, "recorded": path["steps"].tolist(),
                      "activation": path["outputs"][:, digit].tolist(), "cost": path["costs"].tolist(),
                      "final": {d: float(p["outputs"][-1, d]) for d, p in self.paths.items()},
                      "final_answer": {d: int(p["outputs"][-1].argmax()) for d, p in self.paths.items()},
                      "likeness": self.likeness()}

    CONFIDENT = 0.5   # an answer is confident when the digit's own activation is at least this
    ALIKE = 0.5       # an image looks like its digit when its correlation with the digit's average reaches this

    def likeness(self) -> dict:
        """{digit: correlation of its final image with the average of the run's training images of that digit
        (their true labels)}."""
        data, n = load_mnist(), self.run.config.train_size
        means = analysis.digit_means(inputs(data.train_images[:n]), data.train_labels[:n], len(self.paths))
        finals = np.stack([p["images"][-1] for p in self.paths.values()])
        return dict(zip(self.paths, map(float, analysis.correlations(finals, means[list(self.paths)]))))

    def verdict(self) -> str:
        """The grid's caption, from the numbers: how many answers are the digit asked for and how sure, and
        how much the images look like their digits."""
        shown = self.shown
        right = sum(shown["final_answer"][d] == d for d in self.paths)
        lowest = np.floor(min(shown["final"].values()) * 100) / 100   # rounded down: '≥' stays true
        alike = max(shown["likeness"].values())
        if right == len(self.paths):
            answers = ("It answers each as the digit asked for " + (f"(activations ≥ {lowest:.2f})"
                       if lowest >= self.CONFIDENT else f"but unsure (activations down to {lowest:.2f})"))
        else:
            answers = f"It answers {right} of {len(self.paths)} as the digit asked for"
        if alike < self.ALIKE:
            return (f"{answers}, yet has no idea how to draw one: none is much like its digit's average training "
                    f"image (correlation ≤ {alike:.2f}).")
        return f"{answers}; some resemble their digit's average training image (correlation up to {alike:.2f})."

    def play(self, scene: Scene) -> None:
        stage = self.show_start(scene)
        self.descend(scene, stage)
        self.every_digit(scene)

    def show_start(self, scene):
        path = self.paths[self.digit]
        heading = title(f"What does the network think a {self.digit} looks like?")
        image = DigitImage(pixels(path["images"][0]), height=3.2).move_to(LEFT * 3.4 + DOWN * 0.25)
        image_label = text("the input: 784 pixels, each in [0, 1]", TINY_SIZE, MUTED).next_to(image, DOWN, buff=0.15)
        bars = OutputBars(path["outputs"][0], width=2.4, highlight=self.digit).move_to(RIGHT * 2.9 + DOWN * 0.45)
        bars_label = text("its output activations", SMALL_SIZE, MUTED).next_to(bars, UP, buff=0.2)
        step = Readout("step", 0, TEXT, "{:d}", TINY_SIZE)
        cost = Readout(f"cost (target {self.digit})", float(path["costs"][0]), COST, "{:.4f}", TINY_SIZE)
        reads = VGroup(step, cost).arrange(RIGHT, buff=0.5).next_to(bars_label, UP, buff=0.25)
        steps = "" if self.shown["eta"] == 1 else f", in steps of η = {self.shown['eta']:g}"
        note = caption("Gradient descent turned around: keep the trained weights, and move the 784 pixels downhill "
                       f"on the cost of answering {self.digit}{steps}.")
        scene.play(Write(heading), FadeIn(image), Write(image_label), Write(note), run_time=1)
        scene.play(Write(bars_label), grow_bars(bars), Write(reads), run_time=1)
        scene.wait(1)
        return type("Stage", (), {"image": image, "bars": bars, "step": step, "cost": cost, "note": note})

    def descend(self, scene, stage) -> None:
        path = self.paths[self.digit]

        def show(k):
            stage.image.image.set_rgba(digit_rgba(pixels(path["images"][k])))
            stage.bars.set_values(path["outputs"][k])
            stage.step.set_value(int(path["steps"][k]))
            stage.cost.set_value(float(path["costs"][k]))

        step_through(scene, 0, len(path["steps"]) - 1, show, self.seconds, host=stage.image)
        final = path["outputs"][-1]
        answer, steps = int(final.argmax()), int(path["steps"][-1])
        if answer == self.digit:
            line = (f"After {steps} steps it answers {self.digit} with activation {final[self.digit]:.2f}, and the "
                    f"picture is not a {self.digit}: it is noise that this network scores.")
        else:
            line = (f"After {steps} steps it answers {answer} with activation {final[answer]:.2f}, not {self.digit} "
                    f"({final[self.digit]:.2f}): these steps did not get it to answer {self.digit}.")
        stage.note = recaption(scene, stage.note, line, 0.4)
        scene.play(point_at(stage.bars[answer], color=ACCURACY if answer == self.digit else COST),
                   run_time=1)  # the activation the caption quotes
        scene.wait(1)

    def every_digit(self, scene) -> None:
        fade_to_background(scene)
        heading = title("The image each digit's output likes best")
        cells = Group()
        for d, path in self.paths.items():
            final = path["outputs"][-1]
            colour = ACCURACY if final.argmax() == d else COST
            cell = Group(DigitImage(pixels(path["images"][-1]), height=1.75),
                         text(f"{d}: activation {final[d]:.2f}", TINY_SIZE, colour))
            cells.add(cell.arrange(DOWN, buff=0.12))
        cells.arrange_in_grid(2, 5, buff=(0.35, 0.3)).next_to(heading, DOWN, buff=0.4)
        note = caption(self.verdict())
        scene.play(Write(heading), cascade([AnimationGroup(FadeIn(image), Write(label)) for image, label in cells]),
                   Write(note), run_time=1)
        scene.wait(2.5)


class WhatItThinksADigitIs(GdvizScene):
    """Standalone: gradient descent on the input of the trained 'video' network."""

    def construct(self):
        self.part = WhatItThinks(video_run())
        self.part.play(self)

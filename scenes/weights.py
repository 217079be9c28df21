"""Part: the 16 first-layer weight images of the real network evolving through training,
beside the falling cost and rising test accuracy (all read from a recorded run)."""
from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Create, Dot, FadeIn, FadeOut, GrowFromCenter,
                   GrowFromEdge, Group, ReplacementTransform, Scene, ShowPassingFlash, Transform, VGroup, VMobject,
                   Write, smooth, squish_rate_func)

from gdcore import analysis, load_mnist, runs
from scenes import network_words
from scenes.camera import GdvizScene
from scenes.visuals import (ACCURACY, COST, GRADIENT, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TEXT, TINY_SIZE,
                            ColumnVector, FunctionBox, LogEpochAxes, NetworkDiagram, OutputBars, PixelImage, Readout,
                            WeightImage, arrive, cascade, caption, recaption, rgb, step_through, text, title)


class EvolvingWeights:
    """The weight images of the first hidden layer's neurons (its first ``SHOWN`` when it has more, said
    on screen), snapshot by snapshot, with cost and accuracy.

    ``shown`` records what is put on screen: the neurons drawn and how many the layer has, the
    snapshot indices stepped through and, for each, the cost and test accuracy read from the run
    (tests compare them with gdcore).
    """

    name = "What the first layer learns"
    image_class = WeightImage  # one crisp ImageMobject per neuron (bench/render_speed.py swaps it)
    SHOWN = 16                 # a 4 x 4 grid

    def __init__(self, run, seconds: float = 10.0):
        self.run, self.seconds = run, seconds
        self.neurons = list(range(min(self.SHOWN, run.config.sizes[1])))
        self.shown = {"snapshots": [], "train_cost": [], "test_accuracy": [], "epoch": [],
                      "neurons": self.neurons, "layer_size": int(run.config.sizes[1])}
        self.shown["start_correlation"] = float(analysis.correlations(self.drawn(0), self.drawn(-1)).mean())

    def first_layer(self, i: int) -> np.ndarray:
        """(n, 784) first-layer weights at snapshot i, n = the layer's size."""
        n_hidden, n_in = self.run.config.sizes[1], self.run.config.sizes[0]
        return self.run.params[i, :n_hidden * n_in].reshape(n_hidden, n_in)

    def drawn(self, i: int) -> np.ndarray:
        """(len(self.neurons), 784): the weights of the neurons drawn, at snapshot i."""
        return self.first_layer(i)[self.neurons]

    def change_words(self) -> str:
        """How far the drawn images moved from their random start, as their mean correlation with it says."""
        c = self.shown["start_correlation"]
        if c >= 0.8:
            return f"yet the images still look much like their random start (correlation {c:.2f})."
        moved = "drifted" if c >= 0.5 else "moved far"
        return f"and the images have {moved} from their random start (correlation {c:.2f})."

    def _record(self, i: int) -> None:
        self.shown["snapshots"].append(i)
        self.shown["train_cost"].append(float(self.run.train_cost[i]))
        self.shown["test_accuracy"].append(float(self.run.test_accuracy[i]))
        self.shown["epoch"].append(float(self.run.epochs[i]))

    def build(self):
        run = self.run
        heading = title("The first hidden layer: each neuron's 784 weights as an image")
        images = Group(*[self.image_class(w, height=1.15) for w in self.drawn(0)])
        images.arrange_in_grid(4, 4, buff=0.1).to_edge(LEFT, buff=0.5).shift(DOWN * 0.1)
        key = VGroup(text("blue = positive weight", TINY_SIZE, POSITIVE),
                     text("red = negative weight", TINY_SIZE, NEGATIVE)).arrange(RIGHT, buff=0.4)
        key.next_to(images, DOWN, buff=0.12).align_to(images, LEFT)
        if len(self.neurons) < run.config.sizes[1]:      # a wider layer: which of its neurons these are
            key.add(text(f"its first {len(self.neurons)} of {run.config.sizes[1]:,} neurons", TINY_SIZE, MUTED)
                    .next_to(images, UP, buff=0.12).align_to(images, LEFT))

        epochs = run.epochs[1:]
        first, last = max(epochs[0], 1e-4), epochs[-1]
        cost_axes = LogEpochAxes(first, last, float(np.ceil(run.train_cost.max() * 2) / 2),
                                 f"cost (mean over the {run.config.train_size or 60000:,} training images)"
                                 if run.config.cost == "quadratic" else
                                 f"{cost_word(run.config)}, mean over {run.config.train_size or 60000:,} images",
                                 height=1.45)
        acc_axes = LogEpochAxes(first, last, 1.0, "accuracy on the 10,000 test images", height=1.45,
                                y_format="{:.0%}")
        VGroup(cost_axes, acc_axes).arrange(DOWN, buff=0.5).to_edge(RIGHT, buff=0.55).shift(DOWN * 0.25)
        cost_curve = cost_axes.curve(epochs, run.train_cost[1:], COST).set_stroke(opacity=0.35)
        acc_curve = acc_axes.curve(epochs, run.test_accuracy[1:], ACCURACY).set_stroke(opacity=0.35)
        return heading, images, key, cost_axes, acc_axes, cost_curve, acc_curve

    def play(self, scene: Scene) -> None:
        run = self.run
        heading, images, key, cost_axes, acc_axes, cost_curve, acc_curve = self.build()
        cost_dot = Dot(cost_axes.point(run.epochs[0], run.train_cost[0]), color=COST, radius=0.07)
        acc_dot = Dot(acc_axes.point(run.epochs[0], run.test_accuracy[0]), color=ACCURACY, radius=0.07)
        epoch_read = Readout("epoch", run.epochs[0], TEXT, "{:.3f}")
        cost_read = Readout("cost", run.train_cost[0], COST, "{:.3f}")
        acc_read = Readout("test accuracy", run.test_accuracy[0], ACCURACY, "{:.2%}")
        readouts = VGroup(epoch_read, cost_read, acc_read).arrange(RIGHT, buff=0.5)
        readouts.next_to(heading, DOWN, buff=0.3).align_to(cost_axes.y_name, RIGHT)
        note = caption("Every image, cost and accuracy is read from a real training run of the "
                       f"{'-'.join(map(str, run.config.sizes))} network on MNIST.", TINY_SIZE)

        scene.play(Write(heading), FadeIn(images, lag_ratio=0.1), Write(key), Write(note), run_time=1)
        cost_trace = VMobject(stroke_color=COST, stroke_width=3)
        acc_trace = VMobject(stroke_color=ACCURACY, stroke_width=3)
        scene.play(Write(cost_axes), Write(acc_axes), Create(cost_curve), Create(acc_curve), GrowFromCenter(cost_dot),
                   GrowFromCenter(acc_dot), Write(readouts), run_time=1)
        scene.add(cost_trace, acc_trace)
        self._record(0)

        def show_snapshot(i):
            self._record(i)
            for image, w in zip(images, self.drawn(i)):
                image.set_weights(w)
            cost_axes.trace(cost_trace, run.epochs[1:i + 1], run.train_cost[1:i + 1])
            acc_axes.trace(acc_trace, run.epochs[1:i + 1], run.test_accuracy[1:i + 1])
            cost_dot.move_to(cost_axes.point(run.epochs[i], run.train_cost[i]))
            acc_dot.move_to(acc_axes.point(run.epochs[i], run.test_accuracy[i]))
            epoch_read.set_value(run.epochs[i])
            cost_read.set_value(run.train_cost[i])
            acc_read.set_value(run.test_accuracy[i])

        step_through(scene, 0, len(run.steps) - 1, show_snapshot, self.seconds, host=images)
        final = caption(f"After {run.epochs[-1]:g} epoch{'' if run.epochs[-1] == 1 else 's'}: "
                        f"{run.test_accuracy[-1]:.2%} of test digits right, {self.change_words()}", TINY_SIZE)
        scene.play(FadeOut(note), arrive([epoch_read.number, acc_read.number], final), run_time=1)  # from the readouts
        scene.wait(2)


def cost_word(config) -> str:
    """The cost's name on an axis: 'cost' for the video's quadratic cost, 'cross-entropy cost' for another."""
    return "cost" if config.cost == "quadratic" else f"{network_words.cost_name(config.cost)} cost"


def video_run():
    """The lecture's run: the 'video' preset unless the teacher chose another preset or their own
    network (scenes/settings.py: ``preset``, ``network``); loaded from the cache, trained once if missing."""
    from scenes import settings

    return runs.get(settings.lecture_run_config()[0])


# --- animations the chapter-2 parts share (candidates for scenes/visuals/motion.py) --------------------
def draw_network(diagram: NetworkDiagram, labels=()):
    """The diagram drawn layer by layer: a layer's neurons pop up (its label is written), then the
    edges into the next layer are drawn. (Timed by windows, not listed in time order, so that every
    edge stays under every neuron, as in the diagram.)"""
    n = len(diagram.neurons)

    def window(l: float):
        return squish_rate_func(smooth, l / (n + 1), (l + 2) / (n + 1))
    edges = [Create(diagram.edges[l - 1], rate_func=window(l - 0.5)) for l in range(1, n)]
    neurons = [cascade([GrowFromCenter(c) for c in column], lag_ratio=0.05, rate_func=window(l))
               for l, column in enumerate(diagram.neurons)]
    names = [Write(label, rate_func=window(l)) for l, label in enumerate(labels)]
    return AnimationGroup(*edges, *neurons, Write(diagram.dots), *names)


def grow_bars(bars: OutputBars, sources=None):
    """Output bars row by row: the digit written, the bar grown from its left end, the value written,
    or (given ``sources``, one mobject per row) arriving from its source."""
    values = [arrive(s, line[2]) for s, line in zip(sources, bars)] if sources is not None else [
        Write(line[2]) for line in bars]
    return cascade([AnimationGroup(Write(line[0]), GrowFromEdge(line[1], LEFT), value)
                    for line, value in zip(bars, values)], lag_ratio=0.1)


def flash_edges(edges):
    """A pulse travelling along ``edges`` (each in its own colour, brighter): a signal passing through."""
    pulse = edges.copy()
    for edge in pulse:
        edge.set_stroke(width=2.5, opacity=min(1.0, 2 * edge.get_stroke_opacity()))
    return ShowPassingFlash(pulse, time_width=0.6)


def swap_column(old: ColumnVector, new: ColumnVector) -> list:
    """Animations from column ``old`` to ``new``: each entry morphs into its new value, the brackets follow."""
    return [ReplacementTransform(old.rows, new.rows), Transform(old.brackets, new.brackets)]


def morph_bars(old: OutputBars, new: OutputBars) -> list:
    """Animations from output bars ``old`` to ``new``: the bars stretch, the numbers morph."""
    pairs = list(zip(old, new))
    return [Transform(o[1], n[1]) for o, n in pairs] + [ReplacementTransform(o[2], n[2]) for o, n in pairs]


def draw_box(box: FunctionBox) -> list:
    """A function box drawn: its frame, then its name and detail written."""
    return [Create(box.frame), Write(box.label), *([Write(box.detail)] if box.detail.submobjects else [])]


def flow(pieces, y: float) -> Group:
    """``pieces`` laid out left to right at height y, the middle one centred on the frame, with arrows
    between them: Group(*pieces, *arrows)."""
    group = Group(*pieces).arrange(RIGHT, buff=1.0).set_y(y)
    group.shift(LEFT * pieces[len(pieces) // 2].get_x())
    arrows = [Arrow([a.get_right()[0], y, 0], [b.get_left()[0], y, 0], buff=0.15, color=MUTED, stroke_width=3)
              for a, b in zip(pieces, pieces[1:])]
    return Group(*pieces, *arrows)


def in_turn(groups, lag_ratio: float = 0.15) -> list:
    """Groups of animations played one after another like ``cascade``, each group starting before the
    last ends, but returned as plain animations timed by windows: a LaggedStart adds its mobjects to the
    scene as one new group, which lifts them above everything else; these keep their place."""
    from manim.animation.animation import prepare_animation

    span = 1 / (1 + lag_ratio * (len(groups) - 1))
    out = []
    for i, group in enumerate(groups):
        for animation in map(prepare_animation, group):
            animation.rate_func = squish_rate_func(animation.rate_func, i * lag_ratio * span,
                                                   i * lag_ratio * span + span)
            out.append(animation)
    return out


def fly(value, target):
    """A copy of ``value`` flies onto ``target`` (an edge, a neuron), shrinking into it."""
    return value.copy().animate(remover=True, rate_func=smooth).scale(0.7).move_to(target).set_opacity(0.25)


def falling_dot(source, goal, color, radius: float = 0.05) -> Dot:
    """A dot that starts on ``source`` and, as ``dot.fall(dt, seconds)`` is called each frame, glides onto
    the point ``goal`` (in ``seconds`` in all)."""
    dot, start, age = Dot(source.get_center(), radius=radius, color=color), source.get_center(), [0.0]

    def fall(dt: float, seconds: float) -> None:
        age[0] += dt
        dot.move_to(start + (np.asarray(goal) - start) * smooth(min(age[0] / seconds, 1.0)))
    dot.fall = fall
    return dot


class HiddenWeights(GdvizScene):
    """Standalone: the evolving first-layer weight images (from the 'video' run)."""

    def construct(self):
        self.part = EvolvingWeights(video_run())
        self.part.play(self)


class UntouchedPixels:
    """Why the weight images look so random: pixels that are blank in every training image never
    pass any gradient to their weights, which keep their random initial values."""

    name = "Why the weights look random"

    def __init__(self, run, neuron: int = 0):
        self.run, self.neuron = run, neuron
        self.shown = {}

    def play(self, scene: Scene) -> None:
        run = self.run
        data = load_mnist()
        n = run.config.train_size or len(data.train_labels)
        mask = analysis.always_zero_pixels(data.train_images[:n])
        first, last = EvolvingWeights(run).first_layer(0), EvolvingWeights(run).first_layer(-1)
        change = float(np.abs(last[:, mask] - first[:, mask]).max()) if mask.any() else 0.0
        ratios = last[:, mask] / first[:, mask]
        factor = float(np.median(ratios)) if mask.any() else 1.0
        self.shown = {"blank_pixels": int(mask.sum()), "training_images": n, "max_change": change,
                      "shrink_factor": factor, "shrink_spread": float(np.abs(ratios - factor).max())}

        heading = title(f"{int(mask.sum())} pixels are blank in all {n:,} training images")
        before = WeightImage(first[self.neuron], height=3.2)
        after = WeightImage(last[self.neuron], height=3.2)
        overlay = PixelImage(_mask_rgba(mask), height=3.2)
        pair = Group(Group(before, text("at initialisation", SMALL_SIZE, MUTED).next_to(before, DOWN)),
                     Group(after, text("after training", SMALL_SIZE, MUTED).next_to(after, DOWN)))
        pair.arrange(RIGHT, buff=1.2).shift(DOWN * 0.2)
        overlay.move_to(after.image)
        ring = overlay.copy()
        if change == 0:
            verdict = "so their weights never changed"
        elif run.config.weight_decay and self.shown["shrink_spread"] < 1e-3:
            verdict = f"only weight decay shrank them, all by the same factor {factor:.2g}"
        else:
            verdict = f"yet they changed by up to {change:.2g}"
        note = caption(f"A blank pixel feeds 0 into its weights: ∂C/∂w = 0 from every example — {verdict}.",
                       TINY_SIZE)
        scene.play(Write(heading), FadeIn(Group(before, after)), Write(VGroup(pair[0][1], pair[1][1])), run_time=1)
        scene.play(FadeIn(overlay), run_time=0.5)
        scene.play(ring.animate.move_to(before.image), run_time=0.5)  # the same pixels, blank before training too
        scene.play(Write(note), run_time=1)
        scene.wait(2)


def _mask_rgba(mask: np.ndarray) -> np.ndarray:
    """(784,) bool -> (28, 28, 4) RGBA: a translucent GRADIENT-coloured cell where the mask is set."""
    out = np.zeros((28, 28, 4), np.uint8)
    out[..., :3] = np.round(rgb(GRADIENT) * 255)
    out[..., 3] = np.where(mask.reshape(28, 28), 110, 0)
    return out


class BlankPixels(GdvizScene):
    """Standalone: the always-blank pixels and their untouched weights."""

    def construct(self):
        self.part = UntouchedPixels(video_run())
        self.part.play(self)


# --- part: what other networks' first layers learn -------------------------------------------------
class OtherFirstLayers:
    """The lecture asks what would make the first layer pick up edges and patterns: the first-layer
    weight images of real trained networks side by side. ``networks`` is [(run, name)]; a layer of
    more than 16 neurons shows its first 16, and says so.

    ``shown``: for each network, its sizes, the neurons shown, its test accuracy, and the largest
    difference between any two of the shown neurons' weights (0 when they are all alike).
    """

    name = "What other networks learn"
    SHOWN = 16

    def __init__(self, networks):
        self.networks = networks
        self.shown = {"networks": []}
        for run, label in networks:
            W = run.network(-1).weights[0]
            rows = W[:self.SHOWN]
            self.shown["networks"].append({
                "label": label, "sizes": list(run.config.sizes), "neurons": len(rows), "of": len(W),
                "test_accuracy": float(run.test_accuracy[-1]),
                "largest_difference": float(np.abs(rows - rows[0]).max())})

    def play(self, scene: Scene) -> None:
        heading = title("What do other networks' first layers learn?")
        panels = Group(*[self.panel(run, label, info) for (run, label), info in zip(self.networks,
                                                                                      self.shown["networks"])])
        panels.arrange(RIGHT, buff=0.45, aligned_edge=UP).next_to(heading, DOWN, buff=0.35)
        note = caption("Each image is one first-layer neuron's 784 weights (blue +, red −), after training.")
        scene.play(Write(heading), Write(note), run_time=1)
        for grid, words in panels:
            scene.play(FadeIn(grid, lag_ratio=0.02), Write(words), run_time=0.8)
        scene.wait(1.5)
        stuck = [i for i in self.shown["networks"] if i["largest_difference"] == 0]
        if stuck:
            line = (f"Started with all weights equal, every hidden neuron gets the same gradient and stays a copy of "
                    f"the others forever: {stuck[0]['test_accuracy']:.1%} on the test set.")
        else:
            line = "Different networks, different first layers: none of them is a tidy set of edge detectors."
        recaption(scene, note, line, 0.4)
        scene.wait(2.5)

    def panel(self, run, label: str, info: dict) -> Group:
        rows = run.network(-1).weights[0][:self.SHOWN]
        grid = Group(*[WeightImage(w, height=0.92) for w in rows]).arrange_in_grid(4, 4, buff=0.07)
        sizes = "-".join(map(str, info["sizes"]))
        lines = [label, sizes if info["of"] <= self.SHOWN else f"{sizes}: its first {info['neurons']} of {info['of']}",
                 f"test accuracy {info['test_accuracy']:.1%}"]
        words = VGroup(*[text(s, TINY_SIZE, c) for s, c in zip(lines, (TEXT, MUTED, ACCURACY))])
        words.arrange(DOWN, buff=0.08)
        return Group(grid, words.next_to(grid, DOWN, buff=0.15))


def other_networks() -> list:
    """[(run, name)] of the comparison: the lecture's network, the 'tweaked' one and the 'symmetric' one
    (trained once if missing: about 45 s and 5 s), leaving out a comparison network that is the lecture's
    own (``same_network``: one panel per network). The 'tweaked' one is named by what sets it apart
    from the lecture's network."""
    from gdcore.presets import preset

    lecture = video_run()
    chosen = [(lecture, "the lecture's network")]
    for name, label in (("tweaked", None), ("symmetric", "started with all weights equal")):
        if not same_network(preset(name), lecture.config):
            run = runs.get(name)
            chosen.append((run, label or unlike(run.config, lecture.config)))
    return chosen


def same_network(a, b) -> bool:
    """Whether configs ``a`` and ``b`` train the same network the same way, however long and on however
    many of the training images (one may be the other trained for fewer epochs, or on fewer images)."""
    a, b = a.validate(), b.validate()
    length = {"epochs": None, "steps": None, "log_snapshots": 0, "epoch_snapshots": 0, "snapshot_every": None,
              "train_size": None}
    return dataclasses.replace(a, **length) == dataclasses.replace(b, **length)


def unlike(config, lecture) -> str:
    """What sets network ``config`` apart from the lecture's, in a few words: 'wider, ReLU, cross-entropy'
    (its layer sizes are under its panel)."""
    widest, lectures = max(config.sizes[1:-1]), max(lecture.sizes[1:-1])
    words = ["wider" if widest > lectures else "narrower"] if widest != lectures else []
    if config.activation != lecture.activation:
        words.append(network_words.activation_name(config.activation))
    if config.cost != lecture.cost:
        words.append(network_words.cost_name(config.cost))
    return ", ".join(words) or "trained another way"


class OtherNetworks(GdvizScene):
    """Standalone: the first layers of the 'video', 'tweaked' and 'symmetric' networks."""

    def construct(self):
        self.part = OtherFirstLayers(other_networks())
        self.part.play(self)

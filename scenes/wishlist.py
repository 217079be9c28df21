"""Parts of chapter 3: one training example's wish list for the output layer, and the three ways to
raise one output. Every activation, target, slope, weight and arrow is computed by gdcore.wishes on
the running example (scenes/example.py: the lecture's run early in training, a "2" it gets wrong).

Either cost: with the quadratic cost (sigmoid outputs) each output's wish is on its activation,
2(y − a); with cross-entropy (softmax outputs) it is on its weighted input z, y − a, and the three
ways raise z. A hidden layer wider than 16 is drawn as 16 of its neurons, and the part says which;
a ReLU layer's activations (not in [0, 1]) fill their circles divided by the largest, and it says so."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, GrowFromCenter, Line, ReplacementTransform, Scene,
                   VGroup, Write)

from gdcore import wishes
from scenes.camera import GdvizScene
from scenes.example import MAX_SHOWN, activation_word, early_example, fill_scale
from scenes.nudges import signed
from scenes.visuals import (ACCURACY, GRADIENT, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, DigitImage, NeuronColumn,
                            arrive, caption, cascade, grow_arrows, point_at, recaption, signed_color, text, title,
                            wish_arrow)
from scenes.weights import video_run

ROW = 0.5          # spacing of the ten output neurons


def example_heading(example) -> str:
    """Where in training the running example is, in one line."""
    return f"After {example.step:,} training steps the network gets {example.accuracy:.0%} of the training set right"


def grow_out_of(arrow, point):
    """``arrow`` grows out of ``point`` into its place (GrowArrow grows from the arrow's own tail;
    GrowFromPoint would redraw its tip pointing the wrong way while it is small)."""
    seed = arrow.copy().scale(0, scale_tips=True).move_to(point)
    return ReplacementTransform(seed, arrow)


class OneExampleWishes:
    """The "2" through the network: the ten output activations, the targets, and on each output an
    arrow sized by the real -dC/da_j = 2(y_j - a_j) for this one example."""

    name = "One example's wish list"

    def __init__(self, example, pace: float = 1.0):
        self.example, self.pace = example, pace
        net, x = example.net, example.x
        self.outputs = net.forward(x[None, :])[0]
        self.wishes = wishes.output_wishes(net, x, example.label)
        self.on = wishes.wished_quantity(net)                 # "a" (quadratic cost) or "z" (softmax)
        self.shown = {"index": example.index, "label": example.label, "step": example.step,
                      "guess": int(self.outputs.argmax()), "wished": self.on,
                      "cost": float(net.example_costs(x[None, :], example.y[None, :])[0])}

    def play(self, scene: Scene) -> None:
        digit = self.show_example(scene)
        column, values = self.show_outputs(scene, digit)
        targets = self.show_targets(scene, column)
        self.show_wishes(scene, column, values, targets)
        self.rank_the_wishes(scene, column)

    def show_example(self, scene):
        e = self.example
        heading = title(f"One example's wish list: training image {e.index}, a {e.label}")
        digit = DigitImage(e.image, height=2.6).move_to(LEFT * 4.6 + DOWN * 0.2)
        label = text(f"labelled {e.label}", SMALL_SIZE, ACCURACY).next_to(digit, DOWN, buff=0.2)
        self.note = caption(example_heading(e) + f",\nbut calls this {e.label} a {self.shown['guess']}.")
        scene.play(Write(heading), FadeIn(digit), Write(label), Write(self.note), run_time=self.pace)
        scene.wait(2.5 * self.pace)
        return digit

    def show_outputs(self, scene, digit):
        column = NeuronColumn(self.outputs, spacing=ROW, labels=[str(j) for j in range(10)],
                              label_size=SMALL_SIZE).move_to(LEFT * 1.4 + DOWN * 0.2)
        values = VGroup(*[text(f"{a:.3f}", TINY_SIZE, TEXT).next_to(c, RIGHT, buff=0.25)
                          for c, a in zip(column.circles, self.outputs)])
        header = text("output a", TINY_SIZE, MUTED).next_to(values, UP, buff=0.3)
        self.shown["outputs"] = self.outputs.tolist()
        flow = Line(digit.get_right() + RIGHT * 0.2, column.get_left() + LEFT * 0.3, color=MUTED, stroke_width=2)
        scene.play(Create(flow), cascade([GrowFromCenter(c) for c in column.circles]), Write(column.labels),
                   Write(header), run_time=1.5 * self.pace)
        scene.play(arrive(column.circles, values), run_time=self.pace)
        guess = self.shown["guess"]
        scene.play(point_at(VGroup(column.circles[guess], values[guess])), run_time=self.pace)
        scene.wait(self.pace)
        return column, values

    def show_targets(self, scene, column):
        y = self.example.y
        targets = VGroup(*[text(f"{t:.0f}", TINY_SIZE, ACCURACY if t else MUTED).move_to(
            [column.get_right()[0] + 2.0, c.get_center()[1], 0]) for c, t in zip(column.circles, y)])
        header = text("target y", TINY_SIZE, MUTED).next_to(targets, UP, buff=0.3)
        self.shown["targets"] = y.tolist()
        self.note = recaption(scene, self.note, f"What we want from it: 1 for the {self.example.label}, "
                                                "0 for every other digit.", self.pace)
        scene.play(Write(header), cascade([Write(t) for t in targets], lag_ratio=0.05), run_time=self.pace)
        scene.wait(1.5 * self.pace)
        return targets

    def show_wishes(self, scene, column, values, targets):
        unit = 0.8 / max(float(np.abs(self.wishes).max()), 1e-12)   # the largest wish: 0.8 units
        x_arrow = targets.get_right()[0] + 0.9
        arrows = VGroup(*[wish_arrow(c, w, unit).move_to([x_arrow, c.get_center()[1], 0],
                                                         aligned_edge=DOWN if w > 0 else UP)
                          for c, w in zip(column.circles, self.wishes)])
        numbers = VGroup(*[text(signed(w, 2), TINY_SIZE, signed_color(w)).move_to(
            [x_arrow + 1.3, c.get_center()[1], 0]) for c, w in zip(column.circles, self.wishes)])
        formula, line = self.wish_words()
        header = text(f"wish {formula}", TINY_SIZE, GRADIENT).next_to(numbers, UP, buff=0.3)
        header.align_to(arrows, LEFT)
        self.shown.update(wishes=self.wishes.tolist(), arrows=[a.wish for a in arrows], arrow_unit=unit,
                          formula=formula, wish_line=line)
        self.note = recaption(scene, self.note, line, self.pace)
        scene.play(Write(header), run_time=0.6 * self.pace)
        scene.play(arrive([VGroup(v, t) for v, t in zip(values, targets)], numbers), run_time=1.2 * self.pace)
        # each arrow grows out of its number, the output's error
        scene.play(cascade([grow_out_of(a, n.get_left()) for a, n in zip(arrows, numbers)], lag_ratio=0.08),
                   run_time=1.5 * self.pace)
        scene.wait(1.5 * self.pace)

    def wish_words(self) -> tuple[str, str]:
        """(the wish's formula, the caption that introduces it), for the network's own cost."""
        if self.on == "a":
            return "−∂C/∂a = 2(y − a)", "Each output's wish: the cost's slope, −∂C/∂a = 2(y − a), for this one image."
        e = self.example
        return "−∂C/∂z = y − a", (f"This image's cost is −log a_{e.label} = {self.shown['cost']:.3f}. Softmax outputs "
                                  "move together, so each wish is on the output's z: −∂C/∂z = y − a.")

    def rank_the_wishes(self, scene, column):
        label, guess = self.example.label, self.shown["guess"]
        self.note = recaption(scene, self.note,
                              f"Up for the {label} ({signed(self.wishes[label], 2)}), down for the {guess} it picked "
                              f"({signed(self.wishes[guess], 2)}):\nthe further an output is from its target, "
                              "the more it wants to move.", self.pace)
        scene.play(point_at(column.circles[label]), point_at(column.circles[guess]), run_time=self.pace)
        scene.wait(3 * self.pace)


class ThreeWays:
    """Three ways to raise the "2" output: its bias, its incoming weights (in proportion to the
    activations they come from), the previous layer's activations (in proportion to the weights).
    With softmax outputs (cross-entropy cost) the output's wish is on its weighted input z, so the
    three ways raise z, with no slope in between. A layer before of more than 16 neurons is drawn
    as 16 of them, taken in turn from its most active and from those with the largest weights into
    the output (``pick_drawn``), and the part says so."""

    name = "Three ways to raise one output"

    def __init__(self, example, neuron: int | None = None, pace: float = 1.0, top: int = 4):
        self.example, self.pace, self.top = example, pace, top
        self.neuron = example.label if neuron is None else neuron
        self.layer = len(example.net.shapes)
        self.ways = wishes.ways_to_raise(example.net, example.x, self.layer, self.neuron)
        self.on = self.ways["raises"]                         # "a", or "z" for a softmax output
        self.drawn = self.pick_drawn()
        self.at = {k: i for i, k in enumerate(self.drawn)}    # neuron -> its place in the drawn column
        self.scale = fill_scale(self.ways["previous"])
        self.shown = {"neuron": self.neuron, "layer": self.layer, "a": self.ways["a"], "z": self.ways["z"],
                      "slope": self.ways["slope"], "raises": self.on, "drawn": self.drawn, "fill_scale": self.scale}

    def pick_drawn(self) -> list[int]:
        """The neurons of the layer before that are drawn: all, or 16 taken in turn from the most
        active and from those with the largest weights into the output (so both top fours are in)."""
        w = self.ways
        if len(w["previous"]) <= MAX_SHOWN:
            return list(range(len(w["previous"])))
        picked = []
        for pair in zip(np.argsort(-w["previous"]), np.argsort(-np.abs(w["incoming"]))):
            picked += [int(k) for k in dict.fromkeys(pair) if int(k) not in picked][:MAX_SHOWN - len(picked)]
        return sorted(picked)

    def play(self, scene: Scene) -> None:
        previous, target = self.show_neuron(scene)
        edges = self.connect(scene, previous, target)
        panel = self.raise_the_bias(scene, target)
        panel = self.raise_the_weights(scene, previous, edges, panel)
        self.change_the_previous_layer(scene, previous, edges, panel)

    def show_neuron(self, scene):
        w, j, L = self.ways, self.neuron, self.layer
        heading = title(f"Three ways to raise output {j} (now {w['a']:.3f})" if self.on == "a" else
                        f"Three ways to raise output {j}'s z (now {w['z']:.2f}, a = {w['a']:.3f})")
        cut = len(self.drawn) < len(w["previous"])
        previous = NeuronColumn(w["previous"][self.drawn] / self.scale, spacing=0.31, radius=0.12,
                                labels=[str(k) for k in self.drawn] if cut else None).move_to(LEFT * 5.4 + DOWN * 0.15)
        prev_label = self.previous_label().next_to(previous, UP, buff=0.2)
        target = NeuronColumn([w["a"]], radius=0.3).move_to(LEFT * 2.4 + DOWN * 0.15)
        target_label = text(f"output {j}", SMALL_SIZE, ACCURACY).next_to(target, UP, buff=0.25).shift(LEFT * 0.3)
        wish = float(wishes.output_wishes(self.example.net, self.example.x, self.example.label)[j])
        self.shown["wish"] = wish
        arrow = wish_arrow(target, wish, 0.8 / 2, most=0.8).move_to(target.get_right() + RIGHT * 0.3,
                                                                     aligned_edge=DOWN if wish > 0 else UP)
        wants = text(f"wants {signed(wish, 2)}", TINY_SIZE, signed_color(wish)).next_to(target, DOWN, buff=0.2)
        n = len(w["previous"])
        self.note = caption(f"a = σ(w·a⁽{L - 1}⁾ + b): its {n} weights, its bias, and the {n} activations "
                            "feeding it decide it." if self.on == "a" else
                            f"z = w·a⁽{L - 1}⁾ + b, and softmax turns the {len(self.example.y)} z's into the "
                            f"outputs: its {n} weights, its bias and the {n} activations feeding it decide z.")
        scene.play(Write(heading), cascade([GrowFromCenter(c) for c in previous.circles], lag_ratio=0.05),
                   *([Write(previous.labels)] if cut else []),
                   Write(prev_label), GrowFromCenter(target), Write(target_label), Write(self.note), run_time=self.pace)
        scene.play(grow_arrows([arrow]), Write(wants), run_time=0.8 * self.pace)
        lines = self.drawn_lines()
        for line in lines:
            self.note = recaption(scene, self.note, line, 0.6 * self.pace)
            scene.wait(max(len(line.split()) / 3.0, 1.5) * self.pace)
        self.shown["drawn_line"] = " ".join(lines)
        return previous, target

    def previous_label(self):
        """'layer 1' over the column, and what is drawn of it when not all, or not as it is."""
        n, L = len(self.ways["previous"]), self.layer
        rows = [f"layer {L - 1}" + (f": {len(self.drawn)} of {n} drawn" if len(self.drawn) < n else "")]
        if self.scale != 1.0:
            rows.append(f"fill: a ÷ {self.scale:.2f}")
        group = VGroup(*[text(r, TINY_SIZE, MUTED) for r in rows]).arrange(DOWN, buff=0.08)
        return group[0] if len(rows) == 1 else group

    def drawn_lines(self) -> list[str]:
        """The captions that say which neurons of a wide layer are drawn and how a fill reads (none if all
        are drawn as they are)."""
        n, L, parts = len(self.ways["previous"]), self.layer, []
        if len(self.drawn) < n:
            parts.append(f"Layer {L - 1} has {n} neurons; the {len(self.drawn)} drawn are its most active ones and "
                         f"those with the largest weights into output {self.neuron}.")
        if self.scale != 1.0:
            parts.append(f"{activation_word(self.example.net, L - 1)} activations exceed 1: a circle is filled by "
                         f"a ÷ {self.scale:.2f}, the largest.")
        return parts

    def connect(self, scene, previous, target):
        incoming = self.ways["incoming"]
        scale = float(np.abs(incoming).max()) or 1.0
        edges = VGroup(*[Line(c.get_right(), target.circles[0].get_left(), stroke_width=1 + 3 * abs(w) / scale,
                              stroke_color=signed_color(w), stroke_opacity=0.35 + 0.6 * abs(w) / scale)
                         for c, w in zip(previous.circles, incoming[self.drawn])])
        self.shown["incoming"] = incoming.tolist()
        scene.play(cascade([Create(e) for e in edges], lag_ratio=0.04), run_time=self.pace)
        scene.wait(2 * self.pace)
        return edges

    def panel(self, scene, heading: str, rows: list[str], colours, anchor, line: str, old=None):
        """The right-hand panel for one way, replacing ``old``: a heading and a few rows of numbers
        (arriving from ``anchor``, where they are computed), and a new caption; returns it."""
        group = VGroup(text(heading, SMALL_SIZE, GRADIENT),
                       *[text(r, TINY_SIZE, c) for r, c in zip(rows, colours)]).arrange(DOWN, aligned_edge=LEFT,
                                                                                        buff=0.16)
        group.move_to(RIGHT * 2.9 + DOWN * 0.15)
        if old is not None:
            scene.play(FadeOut(old), run_time=0.4 * self.pace)
        self.note = recaption(scene, self.note, line, 0.6 * self.pace)
        rows = VGroup(*group[1:])
        scene.play(Write(group[0]), arrive(anchor, rows), run_time=1.2 * self.pace)
        scene.wait(3.5 * self.pace)
        return VGroup(group[0], rows)

    def raise_the_bias(self, scene, target) -> None:
        w = self.ways
        self.shown["bias"] = w["bias"]
        if self.on == "z":
            return self.panel(scene, "1. Raise its bias b", ["∂z/∂b = 1", f"(z = {signed(w['z'], 3)})"],
                              [TEXT, MUTED], target,
                              "Its wish is on z itself, and z moves one for one with b: no slope stands in the way "
                              "of any handle.")
        return self.panel(scene, "1. Raise its bias b", [f"∂a/∂b = σ′(z) = {w['bias']:.4f}", f"(z = {signed(w['z'], 3)})"],
                   [TEXT, MUTED], target,
                   f"Every way goes through σ′(z) = {w['slope']:.4f}: this neuron is far from firing, "
                   "so each handle is weak." if w["slope"] < 0.1 else
                   f"Every way goes through σ′(z) = {w['slope']:.4f}, the slope of the sigmoid at z.")

    def raise_the_weights(self, scene, previous, edges, old):
        w, q = self.ways, self.on
        order = np.argsort(-w["previous"])[:self.top]
        self.shown["weights"] = w["weights"].tolist()
        self.shown["brightest"] = order.tolist()
        rows = [f"from neuron {k}: a = {w['previous'][k]:.2f}, ∂{q}/∂w = {w['weights'][k]:.4f}" for k in order]
        scene.play(*[edges[i].animate.set_stroke(color=GRADIENT, width=1 + 5 * w["previous"][k] / self.scale, opacity=1)
                     for i, k in enumerate(self.drawn)], run_time=self.pace)
        panel = self.panel(scene, "2. Raise its weights (∝ a)", rows, [TEXT] * len(rows),
                           VGroup(*[previous.circles[self.at[k]] for k in order]),
                           "The brightest neurons' weights matter most (loosely: \"neurons that fire together "
                           "wire together\").", old)
        scene.play(*[point_at(previous.circles[self.at[k]]) for k in order], run_time=self.pace)
        return panel

    def change_the_previous_layer(self, scene, previous, edges, old) -> None:
        w, q = self.ways, self.on
        unit = 0.4 / max(float(np.abs(w["activations"]).max()), 1e-12)
        # beside each circle, or left of the neuron numbers when a wide layer's circles carry them
        left = previous.labels.get_left()[0] - previous.circles[0].get_left()[0] if len(previous.labels) else 0.0
        arrows = VGroup(*[wish_arrow(c, v, unit, side=LEFT).move_to(
            c.get_left() + LEFT * 0.25 + RIGHT * left, aligned_edge=DOWN if v > 0 else UP)
            for c, v in zip(previous.circles, w["activations"][self.drawn])])
        order = np.argsort(-np.abs(w["incoming"]))[:self.top]
        self.shown["activations"] = w["activations"].tolist()
        self.shown["arrows"] = [a.wish for a in arrows]
        rows = [f"neuron {k}: w = {signed(w['incoming'][k], 2)}, ∂{q}/∂a_k = {signed(w['activations'][k], 2)}"
                for k in order]
        scene.play(*[e.animate.set_stroke(color=signed_color(v), width=1 + 3 * abs(v) / np.abs(w["incoming"]).max(),
                                          opacity=0.9) for e, v in zip(edges, w["incoming"][self.drawn])],
                   run_time=self.pace)
        self.panel(scene, f"3. Change layer {self.layer - 1}'s activations (∝ w)", rows,
                   [signed_color(w["incoming"][k]) for k in order], VGroup(*[edges[self.at[k]] for k in order]),
                   "Blue weights want their neuron brighter, red ones want it dimmer: "
                   "a wish for the layer before.", old)
        scene.play(grow_arrows(arrows), run_time=1.5 * self.pace)
        scene.wait(2 * self.pace)


class WishList(GdvizScene):
    """Standalone: the "2"'s wish list for the ten outputs."""

    def construct(self):
        self.part = OneExampleWishes(early_example(video_run()))
        self.part.play(self)


class ThreeWaysToRaiseAnOutput(GdvizScene):
    """Standalone: bias, weights, previous activations, for the "2" output."""

    def construct(self):
        self.part = ThreeWays(early_example(video_run()))
        self.part.play(self)

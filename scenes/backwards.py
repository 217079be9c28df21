"""Part of chapter 3: adding up the wishes, and going backwards. Every output neuron's wish for each
activation of the last hidden layer (its own -delta times the weight), summed over the ten into that
layer's desired nudges, times the slope of its activation (sigma', or a ReLU's 0 or 1), equal to
gdcore's backprop deltas; then the same one layer further back, down to layer 1, however many hidden
layers the network has. With one hidden layer the part goes back once and says that backpropagation
ends there. A layer of more than 16 neurons is drawn as 16 of them (rows: the largest summed wishes;
columns: the largest -delta), and the part says so. All of it from gdcore.wishes on the running
example (scenes/example.py)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, GrowFromCenter, Rectangle, Scene, VGroup, Write

from gdcore import wishes
from scenes.camera import GdvizScene
from scenes.example import activation_word, early_example, fill_scale, shown_neurons, slope_symbol
from scenes.nudges import signed
from scenes.visuals import (fade_to_background, ACCURACY, GRADIENT, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, NeuronColumn, arrive,
                            cascade, point_at, recaption, signed_color, text, title)
from scenes.weights import video_run

ROW = 0.27           # one row per neuron of the layer the wishes are for
GRID_LEFT = -5.9     # the grid's left edge
GRID_WIDTH = 5.0
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


class WishGrid(VGroup):
    """wishes (n_to, n_from) as a grid of cells, one row per neuron k of the earlier layer (top to
    bottom) and one column per neuron j of the later layer: blue for a wished rise, red for a fall,
    stronger for a larger wish (all scaled by the largest). ``column(j)``, ``row(k)``."""

    def __init__(self, values: np.ndarray, width: float = GRID_WIDTH, row: float = ROW, **kw):
        super().__init__(**kw)
        n_to, n_from = values.shape
        cell, scale = width / n_to, float(np.abs(values).max()) or 1.0
        self.values, self.cells = values, {}
        for j in range(n_to):
            for k in range(n_from):
                v = float(values[j, k])
                box = Rectangle(width=cell * 0.9, height=row * 0.85, stroke_width=0, fill_color=signed_color(v),
                                fill_opacity=0.08 + 0.92 * (abs(v) / scale) ** 0.5)
                self.cells[j, k] = box.move_to([cell * (j + 0.5), -row * k, 0])
                self.add(box)
        self.shape_ = values.shape

    def column(self, j: int) -> VGroup:
        return VGroup(*[self.cells[j, k] for k in range(self.shape_[1])])

    def row(self, k: int) -> VGroup:
        return VGroup(*[self.cells[j, k] for j in range(self.shape_[0])])


def compact(v: float, sign: bool = True) -> str:
    """At most 7 characters: '+0.098', '−0.0045', '+6.8e−5' (a true minus sign)."""
    if v == 0:
        return "0"                              # a ReLU that is off: exactly nothing
    if float(v).is_integer():                   # a ReLU's slope where it is on: exactly 1
        return f"{v:+.0f}".replace("-", "−") if sign else f"{v:.0f}".replace("-", "−")
    s = f"{v:+.3f}" if abs(v) >= 0.01 else f"{v:+.4f}" if abs(v) >= 0.001 else f"{v:+.1e}".replace("e-0", "e-")
    s = s.replace("-", "−")
    return s if sign else s.lstrip("+")


def number_column(values, x: float, rows, header: str, colour=None) -> VGroup:
    """``values`` as a column of numbers at ``x`` (signed and coloured by sign unless ``colour`` is
    given), level with the mobjects ``rows``, under a header."""
    numbers = VGroup(*[text(compact(v, sign=colour is None), TINY_SIZE, colour or signed_color(v)).move_to(
        [x, r.get_center()[1], 0]) for v, r in zip(values, rows)])
    head = text(header, TINY_SIZE, MUTED).move_to([x, rows[0].get_center()[1] + 0.42, 0])
    return VGroup(head, numbers)


class AddingUpWishes:
    """From the output layer back to the last hidden layer, wish by wish and summed; then each layer
    back to the one before it, down to layer 1 (with one hidden layer: once, and the part says so)."""

    name = "Adding up the wishes, going backwards"

    def __init__(self, example, pace: float = 1.0):
        self.example, self.pace = example, pace
        net, x = example.net, example.x
        self.layers = len(net.shapes)                       # L: the output layer's number
        self.backprop = wishes.deltas(net, x, example.label)
        self.outputs = net.forward(x[None, :])[0]
        self.activations = wishes.forward_one(net, x)[1]
        self.steps = {l: wishes.backward_step(net, x, example.label, l) for l in range(self.layers, 1, -1)}
        # what each step's grid draws: rows (neurons of layer l-1), columns (neurons of layer l)
        self.rows = {l: shown_neurons(len(s["summed"]), np.abs(s["summed"])) for l, s in self.steps.items()}
        self.columns = {l: shown_neurons(len(s["wishes"]), np.abs(self.backprop[l - 1])) for l, s in self.steps.items()}
        self.shown = {}

    def play(self, scene: Scene) -> None:
        self.note = VGroup()
        for n, layer in enumerate(self.steps):             # L, L-1, ..., 2
            if n:
                fade_to_background(scene, run_time=0.6 * self.pace)
            grid, column, header = self.lay_out(scene, layer)
            if n == 0:
                self.wish_by_wish(scene, layer, grid, header)
            else:
                self.all_wishes_at_once(scene, layer, grid, header)
            summed = self.sum_the_rows(scene, layer, grid, column)
            self.times_the_slope(scene, layer, column, summed)
        if self.layers == 2:
            self.nowhere_further(scene)

    # --- steps ------------------------------------------------------------------------------------
    def lay_out(self, scene, layer: int):
        """The earlier layer's neurons down the left, the later layer's numbers across the top."""
        step, before = self.steps[layer], layer - 1
        rows, cols = self.rows[layer], self.columns[layer]
        n_to, n_from = step["wishes"].shape
        who = "output" if layer == self.layers else f"layer {layer}"
        heading = title(f"Adding up the wishes: from the outputs back to layer {before}" if layer == self.layers
                        else f"One layer further: from layer {layer} back to layer {before}")
        activations = self.activations[before]
        cut = len(rows) < n_from
        column = NeuronColumn(activations[rows] / fill_scale(activations), spacing=ROW, radius=0.1,
                              labels=[str(k) for k in rows] if cut else None)
        column.move_to([GRID_LEFT - 0.35, -0.05, 0], aligned_edge=RIGHT)
        grid = WishGrid(step["wishes"][cols][:, rows])
        grid.move_to([GRID_LEFT, column.get_center()[1], 0], aligned_edge=LEFT)
        cell = GRID_WIDTH / len(cols)
        later = self.activations[layer]
        header = NeuronColumn(later[cols] / fill_scale(later), spacing=cell, radius=0.1).circles.rotate(np.pi / 2)
        header.move_to([grid.get_center()[0], grid.get_top()[1] + 0.3, 0])
        labels = VGroup()
        if n_to <= 10:
            labels = VGroup(*[text(str(j), TINY_SIZE, ACCURACY if j == self.example.label else MUTED).next_to(
                c, UP, buff=0.08) for j, c in zip(cols, header)])
        name = text(f"layer {before}", TINY_SIZE, MUTED).next_to(column, DOWN, buff=0.12)
        later_name = text("outputs" if layer == self.layers else f"layer {layer}", TINY_SIZE, MUTED)
        later_name.next_to(header, LEFT, buff=0.3)
        line = (f"Each {who} neuron j (a column) wants each neuron k of layer {before} (a row)\n"
                "to change by −δⱼ·wⱼₖ: its own wished nudge, times the weight between them.")
        scene.play(Write(heading), cascade([GrowFromCenter(c) for c in column.circles], lag_ratio=0.03), Write(name),
                   *([Write(column.labels)] if cut else []),
                   cascade([GrowFromCenter(c) for c in header], lag_ratio=0.03), Write(later_name),
                   *([Write(labels)] if len(labels) else []), run_time=self.pace)
        self.note = recaption(scene, self.note, line, 0.5 * self.pace)
        scene.wait(3 * self.pace)
        self.say_what_is_drawn(scene, layer)
        return grid, column, header

    def say_what_is_drawn(self, scene, layer: int) -> None:
        """When a layer is wider than 16, or a ReLU layer's activations exceed 1: a caption each for
        what the picture leaves out or scales."""
        lines = self.drawn_lines(layer)
        self.shown.setdefault("drawn_lines", {})[layer] = " ".join(lines)
        for line in lines:
            self.note = recaption(scene, self.note, line, 0.4 * self.pace)
            scene.wait(max(len(line.split()) / 3.0, 1.5) * self.pace)

    def drawn_lines(self, layer: int) -> list[str]:
        """The captions for what step ``layer``'s picture leaves out or scales (none: it draws all as is)."""
        step, before, parts = self.steps[layer], layer - 1, []
        n_to, n_from = step["wishes"].shape
        if len(self.rows[layer]) < n_from:
            parts.append(f"Layer {before} has {n_from} neurons: the rows are the {len(self.rows[layer])} "
                         "with the largest summed wishes.")
        if len(self.columns[layer]) < n_to:
            parts.append(f"Of layer {layer}'s {n_to}, the {len(self.columns[layer])} columns with the largest −δ; "
                         "each sum is over all of them.")
        scaled = [l for l in (before, layer) if fill_scale(self.activations[l]) != 1.0]
        if scaled:
            parts.append(f"{activation_word(self.example.net, scaled[0])} activations exceed 1: each circle "
                         "is filled by a ÷ its layer's largest.")
        return parts

    def wish_by_wish(self, scene, layer: int, grid, header) -> None:
        """The right digit's column, the wrongly picked digit's column, then the other outputs."""
        label, guess = self.example.label, int(self.outputs.argmax())
        delta, cols = self.backprop[layer - 1], self.columns[layer]
        for j, line in ((label, f"Output {label} wants to rise (−δ = {signed(-delta[label], 2)}): "
                                "blue weights ask their neuron for more, red for less."),
                        (guess, f"Output {guess}, which it picked, wants to fall (−δ = {signed(-delta[guess], 2)}): "
                                "the opposite asks.")):
            at = cols.index(j)
            self.note = recaption(scene, self.note, line, 0.4 * self.pace)
            scene.play(point_at(header[at]), run_time=0.6 * self.pace)
            scene.play(arrive(header[at], grid.column(at)), run_time=1.2 * self.pace)
            scene.wait(3 * self.pace)
        rest = [at for at, j in enumerate(cols) if j not in (label, guess)]
        others = len(delta) - 2
        self.note = recaption(scene, self.note, f"And the other {NUMBER_WORDS[others] if others < 11 else others} "
                                                "outputs, each with its own smaller wish.", 0.4 * self.pace)
        scene.play(cascade([arrive(header[j], grid.column(j)) for j in rest], lag_ratio=0.15),
                   run_time=2 * self.pace)
        scene.wait(1.5 * self.pace)

    def all_wishes_at_once(self, scene, layer: int, grid, header) -> None:
        n_to = len(self.steps[layer]["wishes"])
        self.note = recaption(scene, self.note, f"The same step, one layer further back: the {n_to} neurons of "
                                                f"layer {layer} now pass their nudges on.", 0.4 * self.pace)
        scene.play(cascade([arrive(header[j], grid.column(j)) for j in range(grid.shape_[0])], lag_ratio=0.1),
                   run_time=2.5 * self.pace)
        scene.wait(1.5 * self.pace)

    def sum_the_rows(self, scene, layer: int, grid, column) -> VGroup:
        step, rows = self.steps[layer], self.rows[layer]
        summed = number_column(step["summed"][rows], grid.get_right()[0] + 0.8, column.circles, "Σ wishes")
        who = f"all {len(step['wishes'])} outputs want" if layer == self.layers else f"all of layer {layer} wants"
        self.note = recaption(scene, self.note, f"Add up each row: what {who} from that neuron, −∂C/∂a. "
                                                "The wishes combine.", 0.4 * self.pace)
        scene.play(Write(summed[0]), run_time=0.4 * self.pace)
        scene.play(cascade([arrive(grid.row(k), summed[1][k]) for k in range(len(column))], lag_ratio=0.05),
                   run_time=2.5 * self.pace)
        scene.wait(2 * self.pace)
        return summed

    def times_the_slope(self, scene, layer: int, column, summed) -> None:
        step, before, rows = self.steps[layer], layer - 1, self.rows[layer]
        x = summed.get_center()[0]
        slope = number_column(step["slope"][rows], x + 1.3, column.circles, slope_symbol(self.example.net, before),
                              colour=TEXT)
        nudges = step["summed"] * step["slope"]               # the wished change of each z: -delta
        delta = number_column(nudges[rows], x + 2.6, column.circles, "= −δ")
        backprop = -self.backprop[before - 1]
        difference = float(np.abs(nudges - backprop).max())
        self.shown[before] = {"wishes": step["wishes"].tolist(), "summed": step["summed"].tolist(),
                              "slope": step["slope"].tolist(), "nudges": nudges.tolist(),
                              "backprop": backprop.tolist(), "difference": difference,
                              "rows": list(rows), "columns": list(self.columns[layer]),
                              "slope_header": slope[0].text}
        relu = activation_word(self.example.net, before) == "ReLU"
        self.note = recaption(scene, self.note, f"Times the sigmoid's slope: how each z of layer {before} should "
                                                "move. That column is −δ, which backprop computes." if not relu else
                              f"Times the ReLU's slope, 1 or 0: how each z of layer {before} should move (a neuron "
                              "that is off passes nothing back). That column is −δ, as backprop computes.",
                              0.4 * self.pace)
        scene.play(Write(slope[0]), arrive(column.circles, slope[1]), run_time=1.2 * self.pace)
        scene.play(Write(delta[0]), cascade([arrive([summed[1][k], slope[1][k]], delta[1][k])
                                              for k in range(len(column))], lag_ratio=0.05), run_time=1.5 * self.pace)
        check = VGroup(text("gdcore's backprop", TINY_SIZE, MUTED), text("gives the same", TINY_SIZE, MUTED),
                       text(f"{len(backprop)} numbers", SMALL_SIZE, GRADIENT),
                       # a bound, not the residual itself: its last bits depend on the BLAS kernel
                       text("(agree to within 1e−12)" if difference <= 1e-12 else
                            f"(largest difference {difference:.0e})".replace("-", "−"), TINY_SIZE, MUTED))
        check.arrange(DOWN, buff=0.15).next_to(delta, RIGHT, buff=0.4)
        scene.play(Write(check), point_at(delta[1]), run_time=self.pace)
        scene.wait(3 * self.pace)

    def nowhere_further(self, scene) -> None:
        """One hidden layer: the step back from layer 1 would reach the pixels, which are the image."""
        line = ("This network has one hidden layer: before layer 1 come the pixels, the image itself, "
                "with nothing to nudge. Backpropagation ends here.")
        self.shown["ending"] = line
        self.note = recaption(scene, self.note, line, 0.5 * self.pace)
        scene.wait(max(len(line.split()) / 3.0, 1.5) * self.pace + 1.0)


class GoingBackwards(GdvizScene):
    """Standalone: the summed wishes of the outputs for the last hidden layer, then back layer by layer to layer 1."""

    def construct(self):
        self.part = AddingUpWishes(early_example(video_run()))
        self.part.play(self)

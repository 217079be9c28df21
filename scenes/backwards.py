"""Part of chapter 3: adding up the wishes, and going backwards. Every output neuron's wish for each
layer-2 activation (its own -delta times the weight), summed over the ten into layer 2's desired
nudges, times sigma', equal to gdcore's backprop deltas; then the same from layer 2 to layer 1.
All of it from gdcore.wishes on the running example (scenes/example.py)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeOut, Group, GrowFromCenter, Rectangle, Scene, VGroup, Write

from gdcore import wishes
from scenes.camera import GdvizScene
from scenes.example import early_example
from scenes.nudges import signed
from scenes.visuals import (ACCURACY, GRADIENT, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, NeuronColumn, arrive,
                            cascade, point_at, recaption, signed_color, text, title)
from scenes.weights import video_run

ROW = 0.27           # one row per neuron of the layer the wishes are for
GRID_LEFT = -5.9     # the grid's left edge
GRID_WIDTH = 5.0


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
    """From the output layer back to layer 2, wish by wish and summed; then layer 2 back to layer 1."""

    name = "Adding up the wishes, going backwards"

    def __init__(self, example, pace: float = 1.0):
        self.example, self.pace = example, pace
        net, x = example.net, example.x
        self.layers = len(net.shapes)                       # L: the output layer's number
        self.backprop = wishes.deltas(net, x, example.label)
        self.outputs = net.forward(x[None, :])[0]
        self.steps = {l: wishes.backward_step(net, x, example.label, l) for l in range(self.layers, 1, -1)}
        self.shown = {}

    def play(self, scene: Scene) -> None:
        first, second = self.layers, self.layers - 1
        self.note = VGroup()
        grid, column, header = self.lay_out(scene, first)
        self.wish_by_wish(scene, first, grid, header)
        summed = self.sum_the_rows(scene, first, grid, column)
        self.times_the_slope(scene, first, column, summed)
        scene.play(FadeOut(Group(*scene.mobjects)), run_time=0.6 * self.pace)
        grid, column, header = self.lay_out(scene, second)
        self.all_wishes_at_once(scene, second, grid, header)
        summed = self.sum_the_rows(scene, second, grid, column)
        self.times_the_slope(scene, second, column, summed)

    # --- steps ------------------------------------------------------------------------------------
    def lay_out(self, scene, layer: int):
        """The earlier layer's neurons down the left, the later layer's numbers across the top."""
        step, before = self.steps[layer], layer - 1
        n_to, n_from = step["wishes"].shape
        who = "output" if layer == self.layers else f"layer {layer}"
        heading = title(f"Adding up the wishes: from the outputs back to layer {before}" if layer == self.layers
                        else f"One layer further: from layer {layer} back to layer {before}")
        activations = wishes.forward_one(self.example.net, self.example.x)[1][before]
        column = NeuronColumn(activations, spacing=ROW, radius=0.1).move_to([GRID_LEFT - 0.35, -0.05, 0],
                                                                              aligned_edge=RIGHT)
        grid = WishGrid(step["wishes"]).move_to([GRID_LEFT, column.get_center()[1], 0], aligned_edge=LEFT)
        cell = GRID_WIDTH / n_to
        later = wishes.forward_one(self.example.net, self.example.x)[1][layer]
        header = NeuronColumn(later, spacing=cell, radius=0.1).circles.rotate(np.pi / 2)
        header.move_to([grid.get_center()[0], grid.get_top()[1] + 0.3, 0])
        labels = VGroup()
        if n_to <= 10:
            labels = VGroup(*[text(str(j), TINY_SIZE, ACCURACY if j == self.example.label else MUTED).next_to(
                c, UP, buff=0.08) for j, c in enumerate(header)])
        name = text(f"layer {before}", TINY_SIZE, MUTED).next_to(column, DOWN, buff=0.12)
        later_name = text("outputs" if layer == self.layers else f"layer {layer}", TINY_SIZE, MUTED)
        later_name.next_to(header, LEFT, buff=0.3)
        line = (f"Each {who} neuron j (a column) wants each neuron k of layer {before} (a row)\n"
                "to change by −δⱼ·wⱼₖ: its own wished nudge, times the weight between them.")
        scene.play(Write(heading), cascade([GrowFromCenter(c) for c in column.circles], lag_ratio=0.03), Write(name),
                   cascade([GrowFromCenter(c) for c in header], lag_ratio=0.03), Write(later_name),
                   *([Write(labels)] if len(labels) else []), run_time=self.pace)
        self.note = recaption(scene, self.note, line, 0.5 * self.pace)
        scene.wait(3 * self.pace)
        return grid, column, header

    def wish_by_wish(self, scene, layer: int, grid, header) -> None:
        """The right digit's column, the wrongly picked digit's column, then the other eight."""
        label, guess = self.example.label, int(self.outputs.argmax())
        delta = self.backprop[layer - 1]
        for j, line in ((label, f"Output {label} wants to rise (−δ = {signed(-delta[label], 2)}): "
                                "blue weights ask their neuron for more, red for less."),
                        (guess, f"Output {guess}, which it picked, wants to fall (−δ = {signed(-delta[guess], 2)}): "
                                "the opposite asks.")):
            self.note = recaption(scene, self.note, line, 0.4 * self.pace)
            scene.play(point_at(header[j]), run_time=0.6 * self.pace)
            scene.play(arrive(header[j], grid.column(j)), run_time=1.2 * self.pace)
            scene.wait(3 * self.pace)
        rest = [j for j in range(grid.shape_[0]) if j not in (label, guess)]
        self.note = recaption(scene, self.note, "And the other eight outputs, each with its own smaller wish.",
                              0.4 * self.pace)
        scene.play(cascade([arrive(header[j], grid.column(j)) for j in rest], lag_ratio=0.15),
                   run_time=2 * self.pace)
        scene.wait(1.5 * self.pace)

    def all_wishes_at_once(self, scene, layer: int, grid, header) -> None:
        n_to = grid.shape_[0]
        self.note = recaption(scene, self.note, f"The same step, one layer further back: the {n_to} neurons of "
                                                f"layer {layer} now pass their nudges on.", 0.4 * self.pace)
        scene.play(cascade([arrive(header[j], grid.column(j)) for j in range(n_to)], lag_ratio=0.1),
                   run_time=2.5 * self.pace)
        scene.wait(1.5 * self.pace)

    def sum_the_rows(self, scene, layer: int, grid, column) -> VGroup:
        step = self.steps[layer]
        summed = number_column(step["summed"], grid.get_right()[0] + 0.8, column.circles, "Σ wishes")
        who = f"all {len(step['wishes'])} outputs want" if layer == self.layers else f"all of layer {layer} wants"
        self.note = recaption(scene, self.note, f"Add up each row: what {who} from that neuron, −∂C/∂a. "
                                                "The wishes combine.", 0.4 * self.pace)
        scene.play(Write(summed[0]), run_time=0.4 * self.pace)
        scene.play(cascade([arrive(grid.row(k), summed[1][k]) for k in range(len(column))], lag_ratio=0.05),
                   run_time=2.5 * self.pace)
        scene.wait(2 * self.pace)
        return summed

    def times_the_slope(self, scene, layer: int, column, summed) -> None:
        step, before = self.steps[layer], layer - 1
        x = summed.get_center()[0]
        slope = number_column(step["slope"], x + 1.3, column.circles, "σ′(z)", colour=TEXT)
        nudges = step["summed"] * step["slope"]               # the wished change of each z: -delta
        delta = number_column(nudges, x + 2.6, column.circles, "= −δ")
        backprop = -self.backprop[before - 1]
        difference = float(np.abs(nudges - backprop).max())
        self.shown[before] = {"wishes": step["wishes"].tolist(), "summed": step["summed"].tolist(),
                              "slope": step["slope"].tolist(), "nudges": nudges.tolist(),
                              "backprop": backprop.tolist(), "difference": difference}
        self.note = recaption(scene, self.note, f"Times the sigmoid's slope: how each z of layer {before} should "
                                                "move. That column is −δ, which backprop computes.", 0.4 * self.pace)
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


class GoingBackwards(GdvizScene):
    """Standalone: the summed wishes of the outputs for layer 2, then of layer 2 for layer 1."""

    def construct(self):
        self.part = AddingUpWishes(early_example(video_run()))
        self.part.play(self)

"""Part: what one entry of the gradient means. Two real entries of the full-batch gradient at the
running example's snapshot, one large and one about 50 times smaller; the ratio of their sizes; and
the check on screen: nudge each weight by the same small eps, recompute the cost over the whole
training set, and the two real changes come out in (almost) the same ratio. Every number is
computed by gdcore.

``Narration`` (the caption on screen, each held long enough to read, with a log of how long) is
shared with scenes/averaging.py.
"""
from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, Create, FadeIn, Line, MathTex, Scene, VGroup, Write

from gdcore import analysis, load_mnist, wishes
from scenes.camera import GdvizScene
from scenes.example import early_example
from scenes.nudges import signed
from scenes.visuals import (MUTED, SMALL_SIZE, TINY_SIZE, arrive, caption, cascade, point_at, signed_color,
                            text, title)
from scenes.weights import video_run

WORDS_PER_SECOND = 3.0
SHORTEST_CAPTION = 1.5      # seconds


class Narration:
    """The one caption at the bottom of the frame. ``say`` replaces it and plays any animations
    with it; ``hold`` waits until it has been on screen long enough to read (SHORTEST_CAPTION
    seconds, and WORDS_PER_SECOND). ``log`` is [(line, seconds on screen)], complete after ``end``."""

    def __init__(self, scene: Scene, size: int = SMALL_SIZE):
        self.scene, self.size = scene, size
        self.current, self.started, self.line, self.log = None, 0.0, None, []

    def now(self) -> float:
        return float(self.scene.renderer.time)

    @staticmethod
    def reading_time(line: str) -> float:
        return max(SHORTEST_CAPTION, len(line.split()) / WORDS_PER_SECOND)

    def say(self, line: str, *animations, run_time: float = 1.0):
        """Show ``line`` (fading in, with ``animations``); the old caption goes when this one comes."""
        self.hold()
        self._close()
        new = caption(line, self.size)
        if self.current is not None:
            self.scene.remove(self.current)
        self.current, self.line, self.started = new, line, self.now()
        self.scene.play(FadeIn(new), *animations, run_time=run_time)
        return new

    def hold(self, extra: float = 0.0) -> None:
        """Wait until the caption has been read, plus ``extra`` seconds."""
        if self.line is None:
            return
        left = self.reading_time(self.line) - (self.now() - self.started) + extra
        if left > 0.02:
            self.scene.wait(left)

    def _close(self) -> None:
        if self.line is not None:
            self.log.append((self.line, self.now() - self.started))

    def end(self, extra: float = 1.0) -> None:
        """Hold the last caption (and ``extra`` seconds more) and close the log."""
        self.hold(extra)
        self._close()
        self.line = None


def sensitivity_pair(gradient: np.ndarray, ratio: float = 50.0) -> tuple[int, int]:
    """(large, small) flat indices into ``gradient`` (num_params,): the entry of largest |value|, and
    the largest entry that is at least ``ratio`` times smaller in size (so their size ratio is just
    above ``ratio``)."""
    size = np.abs(np.asarray(gradient, np.float64))
    large = int(size.argmax())
    smaller = np.flatnonzero((size > 0) & (size * ratio <= size[large]))
    if not len(smaller):
        raise ValueError(f"no entry of the gradient is {ratio:g} times smaller than the largest")
    return large, int(smaller[size[smaller].argmax()])


def round_sig(x: float, digits: int = 1) -> float:
    """``x`` rounded to ``digits`` significant digits (0.00193 -> 0.002)."""
    return float(f"{x:.{digits - 1}e}")


class GradientEntryMeaning:
    """Two entries of the example's full-batch gradient, the ratio of their sizes, and the check by
    nudging each weight by the same ``eps`` and recomputing the training cost.

    ``ratio``: the small entry is the largest one at least ``ratio`` times smaller than the largest
    (``sensitivity_pair``). ``eps`` (default): the change that moves the cost, by the large entry's
    slope, by ``relative_change`` of itself, rounded to one significant digit (small enough that the
    cost is very nearly linear in it). ``shown`` holds every number put on screen.
    """

    name = "What a gradient entry means"

    def __init__(self, example, ratio: float = 50.0, relative_change: float = 1e-4, eps: float | None = None,
                 data=None):
        self.example, self.ratio, self.relative_change, self.eps, self.data = example, ratio, relative_change, eps, data
        self.net = example.net
        self.gradient = np.asarray(example.gradient, np.float64)
        self.shown = {}

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        narration = Narration(scene)
        X, Y = analysis.training_set(self.example.run.config, self.data if self.data is not None else load_mnist())
        large, small = sensitivity_pair(self.gradient, self.ratio)
        cost = self.net.cost(X, Y)
        self.nudge_size(cost)
        table = self.entries_table(large, small)
        self.show_two_entries(scene, narration, table, large, small)
        self.compare_sizes(scene, narration, table)
        self.check_by_nudging(scene, narration, table, X, Y, cost)
        narration.end(1.5)
        self.shown["captions"] = narration.log

    def show_two_entries(self, scene, narration, table, large, small) -> None:
        """The two entries by name, their values arriving from the gradient's symbol."""
        n = self.net.num_params
        scene.play(Write(title(self.name)), run_time=0.8)
        narration.say(f"The gradient at step {self.example.step:,} has {n:,} entries, one for each weight and bias. "
                      "Here are two of them.", Write(table.head[:2]), Write(table.names), run_time=1.2)
        scene.play(cascade([arrive(table.head[1], v) for v in table.values], lag_ratio=0.3), run_time=1.5)
        narration.hold()
        narration.say(f"The largest of all {n:,}: the cost reacts most to this {kind(self.net, large)}.",
                      point_at(table.rows[0], run_time=1.5), run_time=1.5)
        narration.hold()
        narration.say(f"A {kind(self.net, small)} whose entry is about {self.ratio:g} times smaller.",
                      point_at(table.rows[1], run_time=1.5), run_time=1.5)
        self.shown.update(step=self.example.step, indices=(large, small),
                          names=(self.net.param_name(large), self.net.param_name(small)),
                          gradient=(float(self.gradient[large]), float(self.gradient[small])))

    def compare_sizes(self, scene, narration, table) -> None:
        """N = |first| / |second| arrives from the two values."""
        g_large, g_small = self.shown["gradient"]
        sensitivity = abs(g_large) / abs(g_small)
        self.shown["N"] = sensitivity
        narration.hold()
        scene.play(Create(table.rule), Write(table.ratio_label), run_time=0.6)
        narration.say(f"So the cost is {sensitivity:.1f} times as sensitive to the first as to the second.",
                      arrive(list(table.values), table.ratios[0], run_time=1.5), run_time=1.5)
        scene.play(point_at(table.ratios[0]), run_time=1.0)

    def check_by_nudging(self, scene, narration, table, X, Y, cost) -> None:
        """Nudge each by the same eps, recompute the cost on the whole training set: the real changes
        arrive from the cost, and their ratio from them, beside N."""
        large, small = self.shown["indices"]
        eps = self.nudge_size(cost)
        changes = [wishes.nudged_cost_change(self.net, X, Y, i, eps) for i in (large, small)]
        measured = abs(changes[0]) / abs(changes[1])
        self.shown.update(eps=eps, cost=cost, train_size=len(X), changes=tuple(changes), measured_ratio=measured,
                          change_unit=self.change_unit())
        value = text(f"{cost:.5f}", SMALL_SIZE)
        setup = VGroup(VGroup(text(f"cost over all {len(X):,} training images:", SMALL_SIZE), value)
                       .arrange(RIGHT, buff=0.25),
                       text(f"nudge each one up by ε = {eps:g}, recompute it", SMALL_SIZE, MUTED))
        setup.arrange(DOWN, buff=0.18).move_to([0, -2.0, 0])
        narration.hold()
        narration.say(f"Check it: nudge each one by the same ε = {eps:g} and recompute the cost "
                      f"over all {len(X):,} training images.", Write(setup), run_time=1.5)
        narration.hold()
        cells = table.change_cells(changes)
        scene.play(Write(table.head[2]), run_time=0.6)
        scene.play(cascade([arrive(value, c) for c in cells], lag_ratio=0.4), run_time=1.8)
        cells_ratio = table.ratio_cell(measured, 2)
        narration.say(f"The real changes are in the ratio {measured:.1f}, against {self.shown['N']:.1f} "
                      "from the gradient: that is what an entry means.",
                      arrive(list(cells), cells_ratio, run_time=1.5), run_time=1.5)
        scene.play(point_at(VGroup(table.ratios[0], cells_ratio)), run_time=1.2)
        narration.hold()
        moves = ["lowers" if c < 0 else "raises" for c in changes]
        sign_line = f"Signs too: nudging the first up {moves[0]} the cost; nudging the second up {moves[1]} it."
        narration.say(sign_line, point_at(cells[1]), run_time=1.2)
        self.shown["sign_line"] = sign_line

    # --- the numbers ------------------------------------------------------------------------------
    def nudge_size(self, cost: float) -> float:
        """eps: given, or the nudge by which the largest entry's slope moves ``cost`` by
        ``relative_change`` of itself, rounded to one significant digit."""
        if self.eps is None:
            self.eps = round_sig(self.relative_change * cost / float(np.abs(self.gradient).max()))
        return self.eps

    def change_unit(self) -> float:
        """The power of ten the cost changes are shown in: about eps * |largest entry| / 10, so the
        larger change reads as two digits before the point."""
        return 10.0 ** math.floor(math.log10(self.eps * float(np.abs(self.gradient).max())) - 1)

    # --- the picture --------------------------------------------------------------------------------
    def entries_table(self, large, small) -> VGroup:
        """Names | dC/dtheta | cost change, two rows and a ratio row (change cells are added later)."""
        x_name, x_value, x_change = -6.3, 2.8, 5.5
        y_head, y_rows, y_ratio = 2.3, (1.3, 0.5), -0.75
        head = VGroup(text("weight or bias", SMALL_SIZE, MUTED).move_to([x_name, y_head, 0], aligned_edge=LEFT),
                      MathTex(r"\partial C / \partial \theta", font_size=40).move_to([x_value, y_head, 0]),
                      VGroup(text("cost change after + ε", TINY_SIZE, MUTED),
                             text(f"in units of {unit_name(self.change_unit())}", TINY_SIZE, MUTED))
                      .arrange(DOWN, buff=0.08).move_to([x_change, y_head, 0]))
        names, values = VGroup(), VGroup()
        for i, y in zip((large, small), y_rows):
            v = float(self.gradient[i])
            values.add(text(signed(v, 4), SMALL_SIZE, signed_color(v)).move_to([x_value, y, 0]))
            names.add(entry_name(self.net.param_name(i), values[-1].get_left()[0] - 0.3 - x_name)
                      .move_to([x_name, y, 0], aligned_edge=LEFT))
        rule = Line([x_name, -0.1, 0], [6.7, -0.1, 0], stroke_color=MUTED, stroke_width=1.5)
        ratio_label = text("size of first ÷ second", SMALL_SIZE, MUTED).move_to([x_name, y_ratio, 0],
                                                                                   aligned_edge=LEFT)
        table = VGroup(head, names, values, rule, ratio_label)
        table.head, table.names, table.values, table.rule, table.ratio_label = head, names, values, rule, ratio_label
        table.rows = [VGroup(names[k], values[k]) for k in range(2)]
        table.ratios = [None, None]

        def ratio_cell(r, column):
            cell = text(f"{r:.1f} ×", SMALL_SIZE).move_to([(x_value, x_change)[column - 1], y_ratio, 0])
            table.ratios[column - 1] = cell
            return cell

        def change_cells(changes):
            unit = self.change_unit()
            return VGroup(*[text(signed(c / unit, 3), SMALL_SIZE, signed_color(c)).move_to([x_change, y, 0])
                            for c, y in zip(changes, y_rows)])

        table.ratio_cell, table.change_cells = ratio_cell, change_cells
        ratio_cell(abs(self.gradient[large]) / abs(self.gradient[small]), 1)
        return table


def unit_name(unit: float) -> str:
    """1e-06 -> '10⁻⁶' (a power of ten in superscript digits)."""
    return "10" + str(round(math.log10(unit))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def entry_name(name: str, room: float):
    """gdcore's name of an entry on one line, or on two (broken before 'weight from') if one line
    would be wider than ``room`` units (a wide layer's neuron numbers have more digits)."""
    line = text(name, SMALL_SIZE)
    if line.width <= room or ", weight from" not in name:
        return line
    first, rest = name.split(", weight from", 1)
    return VGroup(text(first + ",", SMALL_SIZE), text("weight from" + rest, SMALL_SIZE)).arrange(
        DOWN, aligned_edge=LEFT, buff=0.08)


def kind(net, i: int) -> str:
    """'weight' or 'bias', from gdcore's name of entry ``i``."""
    return "bias" if net.param_name(i).endswith("bias") else "weight"


class WhatAGradientEntryMeans(GdvizScene):
    """Standalone: two entries of the full-batch gradient, their ratio, and the check by nudging."""

    def construct(self):
        self.part = GradientEntryMeaning(early_example(video_run()))
        self.part.play(self)

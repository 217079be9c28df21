"""Parts: the gradient as one nudge per weight and bias (real values, real names, one real step), and
learning (scenes/learning.py: the recorded cost falling step by step, then epoch by epoch). Every number
is read from a run or computed by gdcore. Both parts' standalone scenes live here.

    .venv/bin/manim -ql scenes/nudges.py GradientAsNudges      # or Learning
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeOut, GrowFromEdge, MathTex, ReplacementTransform, Scene, VGroup, Write

from gdcore import analysis, load_mnist
from scenes import network_words
from scenes.camera import GdvizScene
from scenes.learning import LearningCurve
from scenes.visuals import (COST, GRADIENT, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TINY_SIZE, ColumnVector,
                            NetworkDiagram, arrive, caption, cascade, signed_bar, signed_color, text, title)
from scenes.weights import draw_network, fly, in_turn, video_run

__all__ = ["NudgeVector", "LearningCurve", "GradientAsNudges", "Learning", "signed"]

MIDDLE_PIXEL = 14 * 28 + 14


def signed(v: float, digits: int = 3) -> str:
    """A signed value with ``digits`` significant digits and a true minus sign, fixed-point unless
    tiny: '+0.224', '−0.000935', '+1.20e−06'."""
    if v == 0:
        return "0"
    if abs(v) < 1e-5:
        return f"{v:+.{digits - 1}e}".replace("-", "−")
    decimals = max(digits - 1 - int(np.floor(np.log10(abs(v)))), 0)
    return f"{v:+.{decimals}f}".replace("-", "−")


class NudgeVector:
    """All weights and biases as one column beside -grad C (full training set, one early snapshot),
    the largest nudges by name and on the network, then one step theta - eta grad C and its cost.

    ``gradient_index`` picks one of ``run.gradient_steps`` (default: the first after step 0);
    ``eta`` defaults to the run's learning rate; ``pace`` scales every run time and wait.
    ``shown`` holds every number put on screen.
    """

    name = "The gradient as nudges"

    def __init__(self, run, gradient_index: int | None = None, eta: float | None = None, top: int = 6,
                 pace: float = 1.0, data=None):
        steps = np.asarray(run.gradient_steps)
        self.gradient_index = int(np.flatnonzero(steps > 0)[0]) if gradient_index is None else gradient_index
        self.step = int(steps[self.gradient_index])
        self.snapshot = int(np.flatnonzero(run.steps == self.step)[0])
        self.run, self.top, self.pace, self.data = run, top, pace, data
        self.eta = float(run.config.eta if eta is None else eta)
        self.net = run.network(self.snapshot)
        self.sizes = list(run.config.sizes)
        self.gradient = np.asarray(run.gradients[self.gradient_index], np.float64)
        self.shown = {}

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        heading = title(f"The gradient: one nudge for each of the {self.net.num_params:,} weights and biases")
        scene.play(Write(heading), run_time=self.pace)
        table, note = self.show_vectors(scene)
        listing = self.show_largest_nudges(scene, table)
        self.take_one_step(scene, listing, note)

    def show_vectors(self, scene):
        """theta and -grad C side by side: real names, real values, sign as colour, size as a bar."""
        rows = self.table_rows()
        theta = self.net.params
        table = self.vector_table(rows, theta)
        table.next_to(UP * 3.05, DOWN, buff=0)
        note = caption(f"−∇C computed over all {self.run.config.train_size or 60000:,} training images, at step "
                       f"{self.step:,} of the training run.", TINY_SIZE)
        self.shown.update(rows=[i for i in rows if i is not None], step=self.step, snapshot=self.snapshot,
                          names=[self.net.param_name(i) for i in rows if i is not None],
                          theta=[float(theta[i]) for i in rows if i is not None],
                          nudges=[float(-self.gradient[i]) for i in rows if i is not None])
        scene.play(Write(table.left), Write(table.names), run_time=self.pace)
        bars, head = table.bars
        scene.play(Write(table.right), cascade([GrowFromEdge(b, LEFT) for b in bars]), Write(head), Write(table.key),
                   Write(note), run_time=self.pace)
        scene.wait(2 * self.pace)
        return table, note

    def show_largest_nudges(self, scene, table):
        """The biggest entries of -grad C by name and value, lit up on the network diagram."""
        diagram = self.diagram()
        top, among_shown = self.largest_visible(diagram.shown)
        listing = self.largest_listing(top, among_shown)
        listing.to_corner(UP + LEFT, buff=0.5).shift(DOWN * 0.75)
        diagram.to_edge(RIGHT, buff=0.45).shift(DOWN * 0.2)
        self.shown.update(largest=[int(i) for i in top], largest_nudges=[float(-self.gradient[i]) for i in top],
                          largest_names=[self.net.param_name(i) for i in top], among_shown=among_shown)
        # the largest nudges come out of -grad C (the column's head), then fly onto their edges (or neurons);
        # the table fades out over the network being drawn (so each edge, once drawn, is drawn only once)
        table.set_z_index(1)
        scene.play(FadeOut(table), Write(listing[0]), arrive(table.right[1][0], listing[1]), draw_network(diagram),
                   Write(diagram.names), run_time=self.pace)
        scene.play(*in_turn([(fly(line[0], target), lit) for line, (target, lit) in
                             zip(listing[1], self.light_up(diagram, top))]), run_time=1.5 * self.pace)
        scene.wait(2 * self.pace)
        return listing

    def take_one_step(self, scene, listing, note):
        """theta - eta grad C with the stated eta, and the full training cost before and after."""
        X, Y = analysis.training_set(self.run.config, self.data if self.data is not None else load_mnist())
        result = analysis.gradient_step(self.net, X, Y, self.gradient, self.eta)
        self.shown.update(eta=self.eta, cost_before=result["cost_before"], cost_after=result["cost_after"],
                          train_size=len(X))
        formula = MathTex(r"\theta \;\longrightarrow\; \theta - \eta\,\nabla C(\theta)",
                          r"\qquad \eta = " + f"{self.eta:g}", font_size=40)
        formula[1].set_color(MUTED)
        before, after = (f"{result['cost_before']:.4f}", f"{result['cost_after']:.4f}")
        named = "" if self.net.cost_name == "quadratic" else f"{network_words.cost_name(self.net.cost_name)} "
        costs = VGroup(text(f"the {named}cost over all {len(X):,} training images", TINY_SIZE, MUTED),
                       text(f"before the step:  {before}", SMALL_SIZE, t2c={before: COST}),
                       text(f"after one step:  {after}", SMALL_SIZE, t2c={after: COST}))
        costs.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block = VGroup(formula, costs).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        block.next_to(listing, DOWN, buff=0.55, aligned_edge=LEFT)
        rate = "at the run's own η" if self.eta == self.run.config.eta else "for illustration"
        final = caption(f"One full-batch step from step {self.step:,}, {rate} ({self.how_the_run_stepped()}).",
                        TINY_SIZE)
        self.shown["step_caption"] = final.subcaption
        scene.play(Write(formula), run_time=1.5 * self.pace)
        scene.play(Write(costs[:2]), run_time=self.pace)
        # the cost after the step comes out of the step and the cost before it
        scene.play(arrive([formula, costs[1]], costs[2]), ReplacementTransform(note, final), run_time=self.pace)
        scene.wait(2 * self.pace)

    def how_the_run_stepped(self) -> str:
        """How the run's own steps differ from the full-batch step shown (mini-batches, momentum)."""
        c = self.run.config
        if c.batch_size is None:
            return "as the run itself did: it used all its images at every step"
        return f"the run used mini-batches, momentum {c.momentum:g}" if c.momentum else "the run itself stepped on mini-batches"

    # --- the numbers ----------------------------------------------------------------------------------
    def table_rows(self) -> list:
        """Flat indices to show, in order, with None where rows are skipped (a '⋮' row).

        The first two entries, two weights from the middle pixel, the first weight of each later
        layer, the largest entry of the gradient and the very last entry.
        """
        picks = {0, 1, analysis.param_index(self.sizes, 1, 0, MIDDLE_PIXEL),
                 analysis.param_index(self.sizes, 1, 0, MIDDLE_PIXEL + 1), self.net.num_params - 1,
                 int(analysis.largest_entries(self.gradient, 1)[0])}
        picks.update(analysis.param_index(self.sizes, layer, 0, 0) for layer in range(2, len(self.sizes)))
        rows = []
        for i in sorted(picks):
            if rows and rows[-1] != i - 1:
                rows.append(None)
            rows.append(i)
        return rows

    def largest_visible(self, shown):
        """(indices, among_shown): the ``top`` largest |dC/dtheta|, restricted to the weights and
        biases drawn on a diagram showing neurons ``shown[layer]`` if any of the overall largest is not."""
        top = analysis.largest_entries(self.gradient, self.top)
        visible = self.visible_params(shown)
        if set(top.tolist()) <= set(visible.tolist()):
            return top, False
        return visible[analysis.largest_entries(self.gradient[visible], self.top)], True

    def visible_params(self, shown) -> np.ndarray:
        """Flat indices of the weights (edges) and biases (neurons) drawn on a diagram showing ``shown``."""
        out = []
        for layer in range(1, len(self.sizes)):
            for j in shown[layer]:
                out.extend(analysis.param_index(self.sizes, layer, j, k) for k in shown[layer - 1])
                out.append(analysis.param_index(self.sizes, layer, j))
        return np.array(sorted(out))

    # --- the pictures ---------------------------------------------------------------------------------
    def vector_table(self, rows, theta) -> VGroup:
        """Names | theta column | -grad C column | bars, one row per entry of ``rows``."""
        row = 0.35
        g_max = float(np.abs(self.gradient).max()) or 1.0
        left = ColumnVector([("⋮" if i is None else f"{theta[i]:+.3f}".replace("-", "−")) for i in rows],
                            size=TINY_SIZE, row=row)
        right = ColumnVector([("⋮" if i is None else signed(-self.gradient[i])) for i in rows],
                             colors=[MUTED if i is None else signed_color(-self.gradient[i]) for i in rows],
                             size=TINY_SIZE, row=row)
        right.next_to(left, RIGHT, buff=0.9)
        names, bars = VGroup(), VGroup()
        for i, entry, nudge in zip(rows, left.rows, right.rows):
            if i is None:
                continue
            names.add(text(self.net.param_name(i), TINY_SIZE, MUTED).next_to(left, LEFT, buff=0.25)
                      .set_y(entry.get_y()))
            bars.add(signed_bar(-self.gradient[i] / g_max, 1.8, row * 0.55).next_to(right, RIGHT, buff=0.3)
                     .set_y(nudge.get_y()))
        for name in names:
            name.align_to(names, RIGHT)
        n = self.net.num_params
        left_head = VGroup(MathTex(r"\theta", font_size=40), text(f"{n:,} weights\nand biases", TINY_SIZE, MUTED))
        right_head = VGroup(MathTex(r"-\nabla C(\theta)", font_size=40, color=GRADIENT),
                            text(f"{n:,}\nnudges", TINY_SIZE, MUTED))
        bar_head = text("how much\nit matters", TINY_SIZE, MUTED)
        for head, column in ((left_head, left), (right_head, right)):
            head.arrange(DOWN, buff=0.08).next_to(column, UP, buff=0.15)
        left_head[0].set_y(right_head[0].get_y())
        bar_head.align_to(right_head, DOWN).align_to(bars, LEFT)
        key = VGroup(text("blue: nudge up", TINY_SIZE, POSITIVE), text("red: nudge down", TINY_SIZE, NEGATIVE),
                     text("0: no nudge at all", TINY_SIZE, MUTED)).arrange(RIGHT, buff=0.5)
        key.next_to(VGroup(left, right), DOWN, buff=0.2)
        table = VGroup(VGroup(left, left_head), names, VGroup(right, right_head), VGroup(bars, bar_head), key)
        table.left, table.names, table.right, table.bars, table.key = table
        return table

    def largest_listing(self, top, among_shown) -> VGroup:
        """The largest nudges, one line each: the value of -dC/dtheta, then the entry's name."""
        n = self.net.num_params
        head = text(f"The {len(top)} largest nudges among the connections drawn" if among_shown
                    else f"The {len(top)} largest of the {n:,} nudges", SMALL_SIZE)
        lines = VGroup()
        for i in top:
            v = -self.gradient[i]
            lines.add(VGroup(text(signed(v), TINY_SIZE, signed_color(v)), text(self.net.param_name(i), TINY_SIZE)))
        width = max(line[0].width for line in lines)
        for line in lines:
            line[1].next_to(line[0].get_left() + RIGHT * width, RIGHT, buff=0.3)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        return VGroup(head, lines).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    def diagram(self) -> NetworkDiagram:
        """The network at this snapshot, edges dimmed (so lit ones stand out), layers and digits named; over
        a layer of neurons drawn in part, how many of its neurons are drawn."""
        diagram = NetworkDiagram(self.sizes, weights=self.net.weights, layer_gap=1.35, height=5.0, radius=0.1)
        diagram.edges.set_stroke(opacity=0.12)
        self.shown["layer_names"] = ["pixels" if l == 0 else f"layer {l}" for l in range(len(self.sizes))]
        self.shown["drawn_notes"] = {l: f"{len(diagram.shown[l])} of {self.sizes[l]:,} drawn" for l in diagram.cut if l}
        names = VGroup(*[text(s, TINY_SIZE, MUTED).next_to(diagram.neurons[l], DOWN, buff=0.2)
                         for l, s in enumerate(self.shown["layer_names"])],
                       *[text(s, TINY_SIZE, MUTED).next_to(diagram.neurons[l], UP, buff=0.15)
                         for l, s in self.shown["drawn_notes"].items()])
        last = len(self.sizes) - 1
        digits = VGroup(*[text(str(j), TINY_SIZE, MUTED).next_to(diagram.neuron(last, j), RIGHT, buff=0.1)
                          for j in diagram.shown[last]])
        diagram.names = VGroup(names, digits)
        return diagram.add(diagram.names)

    def light_up(self, diagram, indices) -> list:
        """[(where, animation)]: each chosen weight's edge, or bias's neuron, lit in the colour of its nudge."""
        g_max = float(np.abs(self.gradient[indices]).max()) or 1.0
        animations = []
        for i in indices:
            layer, j, k = analysis.param_location(self.sizes, int(i))
            colour = signed_color(-self.gradient[i])
            width = 2 + 4 * abs(self.gradient[i]) / g_max
            if k is None:
                where = diagram.neuron(layer, j)
                animations.append((where, where.animate.set_stroke(colour, width=width + 1)))
            else:
                where = diagram.edge(layer - 1, j, k)
                animations.append((where, where.animate.set_stroke(colour, width=width, opacity=1)))
        return animations


class GradientAsNudges(GdvizScene):
    """Standalone: the gradient as nudges to all weights and biases (from the lecture's run)."""

    def construct(self):
        self.part = NudgeVector(video_run())
        self.part.play(self)


class Learning(GdvizScene):
    """Standalone: the cost falling, step by step and epoch by epoch (from the lecture's run)."""

    def construct(self):
        self.part = LearningCurve(video_run())
        self.part.play(self)

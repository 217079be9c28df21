"""Parts: the gradient as 13,002 nudges (real values, real names, one real step), and learning (the
recorded cost falling step by step, then epoch by epoch). Every number is read from a run or
computed by gdcore."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Dot, FadeIn, FadeOut, MathTex, Scene, Transform, ValueTracker, VGroup,
                   VMobject, Write, linear)

from gdcore import analysis, load_mnist
from gdcore.train import steps_per_epoch
from scenes.visuals import (COST, GRADIENT, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TEXT, TINY_SIZE, ColumnVector,
                            NetworkDiagram, PlainAxes, Readout, axes_polyline, caption, fit_width, nice_step,
                            signed_bar, signed_color, text, title)
from scenes.weights import video_run

MIDDLE_PIXEL = 14 * 28 + 14


def signed(v: float) -> str:
    """A signed value with 3 significant digits, fixed-point unless tiny: '+0.224', '-0.000935'."""
    if v == 0:
        return "0"
    if abs(v) < 1e-5:
        return f"{v:+.2e}"
    return np.format_float_positional(v, precision=3, unique=False, fractional=False, trim="k", sign=True)


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
        scene.play(FadeIn(heading), run_time=self.pace)
        table = self.show_vectors(scene)
        listing, diagram = self.show_largest_nudges(scene, table)
        self.take_one_step(scene, listing, diagram)

    def show_vectors(self, scene):
        """theta and -grad C side by side: real names, real values, sign as colour, size as a bar."""
        rows = self.table_rows()
        theta = self.net.params
        table = self.vector_table(rows, theta)
        table.next_to(UP * 3.1, DOWN, buff=0).shift(RIGHT * 0.6)
        fit_width(table)
        note = caption(f"−∇C over all {self.train_size():,} training images, at step {self.step:,} of the run "
                       f"(epoch {self.run.epochs[self.snapshot]:.4g}). Blue: nudge up; red: nudge down; "
                       "bar: how much the cost cares.", TINY_SIZE)
        self.shown.update(rows=[i for i in rows if i is not None], step=self.step, snapshot=self.snapshot,
                          names=[self.net.param_name(i) for i in rows if i is not None],
                          theta=[float(theta[i]) for i in rows if i is not None],
                          nudges=[float(-self.gradient[i]) for i in rows if i is not None])
        scene.play(FadeIn(table.left), FadeIn(table.names), run_time=self.pace)
        scene.play(FadeIn(table.right), FadeIn(table.bars), FadeIn(note), run_time=self.pace)
        scene.wait(2 * self.pace)
        self.note = note
        return table

    def show_largest_nudges(self, scene, table):
        """The biggest entries of -grad C by name and value, lit up on the network diagram."""
        diagram = self.diagram()
        top, among_shown = self.largest_visible()
        listing = self.largest_listing(top, among_shown)
        listing.to_corner(UP + LEFT, buff=0.5).shift(DOWN * 0.75)
        diagram.to_edge(RIGHT, buff=0.45).shift(DOWN * 0.2)
        self.shown.update(largest=[int(i) for i in top], largest_nudges=[float(-self.gradient[i]) for i in top],
                          largest_names=[self.net.param_name(i) for i in top], among_shown=among_shown)
        scene.play(FadeOut(table), FadeIn(listing), FadeIn(diagram), run_time=self.pace)
        scene.play(*self.light_up(diagram, top), run_time=1.5 * self.pace)
        scene.wait(2 * self.pace)
        return listing, diagram

    def take_one_step(self, scene, listing, diagram):
        """theta - eta grad C with the stated eta, and the full training cost before and after."""
        X, Y = analysis.training_set(self.run.config, self.data if self.data is not None else load_mnist())
        result = analysis.gradient_step(self.net, X, Y, self.gradient, self.eta)
        self.shown.update(eta=self.eta, cost_before=result["cost_before"], cost_after=result["cost_after"],
                          train_size=len(X))
        formula = MathTex(r"\theta \;\longrightarrow\; \theta - \eta\,\nabla C(\theta)",
                          r"\qquad \eta = " + f"{self.eta:g}", font_size=40)
        formula[1].set_color(MUTED)
        before = Readout("cost before:", result["cost_before"], COST, "{:.4f}")
        after = Readout("cost after one step:", result["cost_after"], COST, "{:.4f}")
        costs = VGroup(text(f"full cost over all {len(X):,} training images", TINY_SIZE, MUTED), before, after)
        costs.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block = VGroup(formula, costs).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        block.next_to(listing, DOWN, buff=0.55, aligned_edge=LEFT)
        final = caption(f"One full-batch step from step {self.step:,}, for illustration "
                        f"(the run itself stepped on mini-batches).", TINY_SIZE)
        scene.play(Write(formula), run_time=1.5 * self.pace)
        scene.play(FadeIn(costs[0]), FadeIn(before), run_time=self.pace)
        scene.play(FadeIn(after), Transform(self.note, final), run_time=self.pace)
        scene.wait(2 * self.pace)

    # --- the numbers ----------------------------------------------------------------------------------
    def train_size(self) -> int:
        return self.run.config.train_size or 60000

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

    def largest_visible(self):
        """(indices, among_shown): the ``top`` largest |dC/dtheta|, restricted to the weights and
        biases the diagram draws if any of the overall largest is not drawn."""
        top = analysis.largest_entries(self.gradient, self.top)
        visible = self.visible_params()
        if set(top.tolist()) <= set(visible.tolist()):
            return top, False
        return visible[analysis.largest_entries(self.gradient[visible], self.top)], True

    def visible_params(self) -> np.ndarray:
        """Flat indices of the weights (edges) and biases (neurons) drawn on the diagram."""
        shown = self.diagram_shown()
        out = []
        for layer in range(1, len(self.sizes)):
            for j in shown[layer]:
                out.extend(analysis.param_index(self.sizes, layer, j, k) for k in shown[layer - 1])
                out.append(analysis.param_index(self.sizes, layer, j))
        return np.array(sorted(out))

    def diagram_shown(self):
        return self.diagram(weights=False).shown

    # --- the pictures ---------------------------------------------------------------------------------
    def vector_table(self, rows, theta) -> VGroup:
        """Names | theta column | -grad C column | bars, one row per entry of ``rows``."""
        row = 0.36
        g_max = float(np.abs(self.gradient).max()) or 1.0
        left = ColumnVector([("⋮" if i is None else f"{theta[i]:+.3f}") for i in rows], size=TINY_SIZE, row=row)
        right = ColumnVector([("⋮" if i is None else signed(-self.gradient[i])) for i in rows],
                             colors=[MUTED if i is None else signed_color(-self.gradient[i]) for i in rows],
                             size=TINY_SIZE, row=row)
        right.next_to(left, RIGHT, buff=0.5)
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
        left_head = VGroup(MathTex(r"\theta", font_size=40), text(f"all {n:,} weights and biases", TINY_SIZE, MUTED))
        right_head = VGroup(MathTex(r"-\nabla C(\theta)", font_size=40, color=GRADIENT),
                            text(f"{n:,} nudges", TINY_SIZE, MUTED))
        bar_head = text("size of the nudge", TINY_SIZE, MUTED)
        for head, column in ((left_head, left), (right_head, right)):
            head.arrange(DOWN, buff=0.08).next_to(column, UP, buff=0.15)
        bar_head.next_to(bars, UP, buff=0).align_to(right_head[1], DOWN).align_to(bars, LEFT)
        table = VGroup(VGroup(left, left_head), names, VGroup(right, right_head), VGroup(bars, bar_head))
        table.left, table.names, table.right, table.bars = table
        return table

    def largest_listing(self, top, among_shown) -> VGroup:
        """The largest nudges, one line each: name and value of -dC/dtheta, with a size bar."""
        g_max = float(np.abs(self.gradient).max()) or 1.0
        where = " drawn on the right" if among_shown else ""
        head = text(f"The {len(top)} largest of the {self.net.num_params:,} nudges{where}", SMALL_SIZE)
        lines = VGroup()
        for i in top:
            v = -self.gradient[i]
            lines.add(VGroup(text(self.net.param_name(i), TINY_SIZE, TEXT), text(signed(v), TINY_SIZE, signed_color(v)),
                             signed_bar(v / g_max, 1.0, 0.16)))
        width = max(line[0].width for line in lines)
        for line in lines:
            line[1].next_to(line[0].get_left() + RIGHT * width, RIGHT, buff=0.3)
            line[2].next_to(line[1].get_left() + RIGHT * 1.05, RIGHT, buff=0.15)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        listing = VGroup(head, lines).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        return fit_width(listing, 8.0)

    def diagram(self, weights: bool = True) -> NetworkDiagram:
        net = self.net
        diagram = NetworkDiagram(self.sizes, weights=net.weights if weights else None, layer_gap=1.45,
                                 height=5.0, radius=0.1)
        if weights:
            diagram.edges.set_stroke(opacity=0.1)
            names = VGroup(*[text("pixels" if l == 0 else f"layer {l}", TINY_SIZE, MUTED)
                             .next_to(diagram.neurons[l], DOWN, buff=0.2) for l in range(len(self.sizes))])
            digits = VGroup(*[text(str(j), TINY_SIZE, MUTED).next_to(diagram.neuron(len(self.sizes) - 1, j), RIGHT,
                                                                     buff=0.1)
                              for j in diagram.shown[-1]])
            diagram.add(names, digits)
        return diagram

    def light_up(self, diagram, indices) -> list:
        """Animations: each chosen weight's edge, or bias's neuron, in the colour of its nudge."""
        g_max = float(np.abs(self.gradient[indices]).max()) or 1.0
        animations = []
        for i in indices:
            layer, j, k = analysis.param_location(self.sizes, int(i))
            colour = signed_color(-self.gradient[i])
            width = 2 + 4 * abs(self.gradient[i]) / g_max
            if k is None:
                animations.append(diagram.neuron(layer, j).animate.set_stroke(colour, width=width + 1))
            else:
                animations.append(diagram.edge(layer - 1, j, k).animate.set_stroke(colour, width=width, opacity=1))
        return animations


class LearningCurve:
    """The recorded cost falling: each step's mini-batch cost over the first ``first_steps`` steps
    (raw, faint, and the mean of each ``bin_width`` steps), then the full training cost at every
    recorded epoch end. ``pace`` scales every run time and wait; ``shown`` holds what is on screen.
    """

    name = "Learning: the cost falls"

    def __init__(self, run, first_steps: int | None = None, bin_width: int = 100, pace: float = 1.0):
        config = run.config
        self.per_epoch = steps_per_epoch(config.train_size or 60000, config.batch_size)
        first = self.per_epoch if first_steps is None else first_steps
        self.first_steps = min(first, len(run.step_cost))
        self.run, self.bin_width, self.pace = run, bin_width, pace
        self.shown = {}

    def play(self, scene: Scene) -> None:
        heading = title("Learning: the cost falls, step by step and epoch by epoch")
        scene.play(FadeIn(heading), FadeIn(self.batch_note()), run_time=self.pace)
        self.show_steps(scene)
        self.show_epochs(scene)
        scene.wait(2 * self.pace)

    def batch_note(self):
        c = self.run.config
        n = c.train_size or 60000
        if c.batch_size is None or c.batch_size >= n:
            return caption(f"Each step used all {n:,} training images.", TINY_SIZE)
        return caption(f"Each step used one mini-batch of {c.batch_size} images; {self.per_epoch:,} steps make "
                       f"one epoch (one pass over all {n:,} training images).", TINY_SIZE)

    def show_steps(self, scene) -> None:
        """The first steps: every mini-batch cost faintly, the mean of each bin boldly."""
        raw = np.asarray(self.run.step_cost[:self.first_steps], np.float64)
        ends, means = analysis.bin_means(raw, self.bin_width)
        self.shown.update(step_cost=raw, bin_ends=ends, bin_means=means, bin_width=self.bin_width)
        axes = cost_axes(self.first_steps, float(raw.max()), "step", "{:,g}")
        heading = text(f"The first {self.first_steps:,} steps", SMALL_SIZE)
        legend = VGroup(text("faint: cost of each step's mini-batch", TINY_SIZE, MUTED),
                        text(f"bold: mean over each {self.bin_width} steps", TINY_SIZE, COST))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        step_read = Readout("step", 0, TEXT, "{:,.0f}", TINY_SIZE)
        epoch_read = Readout("epoch", 0, TEXT, "{:.2f}", TINY_SIZE)
        cost_read = Readout(f"mean cost, last {self.bin_width} steps", means[0] if len(means) else 0, COST, "{:.3f}",
                            TINY_SIZE)
        readouts = VGroup(step_read, epoch_read, cost_read).arrange(RIGHT, buff=0.35)
        panel = VGroup(heading, readouts, axes, legend).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        panel.to_corner(LEFT + UP, buff=0.45).shift(DOWN * 0.75)
        legend.next_to(axes.x_axis, UP, buff=0.15).align_to(axes.x_axis, RIGHT)
        scene.play(FadeIn(panel), run_time=self.pace)

        faint, bold = VMobject(), VMobject()
        scene.add(faint, bold)
        tracker = ValueTracker(0)
        state = {"s": 0}
        self.shown["steps_drawn"] = []

        def update(_):
            s = int(round(tracker.get_value()))
            if s == state["s"]:
                return
            state["s"] = s
            b = int(np.searchsorted(ends, s, side="right"))
            faint.become(axes_polyline(axes, np.arange(1, s + 1), raw[:s], COST, width=1, opacity=0.3))
            bold.become(axes_polyline(axes, ends[:b], means[:b], COST, width=4))
            step_read.set_value(s)
            epoch_read.set_value(s / self.per_epoch)
            if b:
                cost_read.set_value(means[b - 1])
            self.shown["steps_drawn"].append(s)

        readouts.add_updater(update)
        scene.play(tracker.animate.set_value(self.first_steps), run_time=6 * self.pace, rate_func=linear)
        readouts.remove_updater(update)
        self.shown["step_readout"] = (step_read.value, epoch_read.value, cost_read.value)

    def show_epochs(self, scene) -> None:
        """The full training cost at each recorded epoch end, one epoch at a time."""
        run = self.run
        ends = analysis.epoch_ends(run.epochs)
        epochs, costs = np.asarray(run.epochs[ends]), np.asarray(run.train_cost[ends], np.float64)
        self.shown.update(epoch_snapshots=ends, epochs=epochs, train_cost=costs)
        if not len(ends):
            return
        n = run.config.train_size or 60000
        axes = cost_axes(float(epochs[-1]), float(costs.max()), "epoch", "{:g}")
        heading = text(f"Epoch by epoch: the cost over all {n:,} training images", SMALL_SIZE)
        epoch_read = Readout("epoch", epochs[0], TEXT, "{:.0f}", TINY_SIZE)
        cost_read = Readout("full training cost", costs[0], COST, "{:.4f}", TINY_SIZE)
        readouts = VGroup(epoch_read, cost_read).arrange(RIGHT, buff=0.35)
        panel = VGroup(heading, readouts, axes).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        panel.to_corner(RIGHT + UP, buff=0.45).shift(DOWN * 0.75)
        fit_width(heading, panel[2].width + 0.6)
        scene.play(FadeIn(panel), run_time=self.pace)
        line, dots = VMobject(), VGroup()
        scene.add(line, dots)
        tracker = ValueTracker(0)
        state = {"k": 0}

        def update(_):
            k = int(round(tracker.get_value()))
            if k == state["k"]:
                return
            state["k"] = k
            line.become(axes_polyline(axes, epochs[:k], costs[:k], COST, width=3))
            while len(dots) < k:
                dots.add(Dot(axes.c2p(epochs[len(dots)], costs[len(dots)]), radius=0.05, color=COST))
            epoch_read.set_value(epochs[k - 1])
            cost_read.set_value(costs[k - 1])

        readouts.add_updater(update)
        scene.play(tracker.animate.set_value(len(ends)), run_time=5 * self.pace, rate_func=linear)
        readouts.remove_updater(update)
        self.shown["epoch_readout"] = (epoch_read.value, cost_read.value)


def cost_axes(x_max: float, y_max: float, x_name: str, x_format: str) -> PlainAxes:
    """Axes from 0 to x_max (rounded up to a tick) and 0 to y_max, for a cost curve."""
    x_step, y_step = nice_step(x_max), nice_step(y_max)
    return PlainAxes([0, np.ceil(x_max / x_step - 1e-9) * x_step, x_step],
                     [0, np.ceil(y_max / y_step - 1e-9) * y_step, y_step], 5.6, 3.4, x_name, "cost",
                     x_format=x_format)


class GradientAsNudges(Scene):
    """Standalone: the gradient as nudges to all weights and biases (from the 'video' run)."""

    def construct(self):
        self.part = NudgeVector(video_run())
        self.part.play(self)


class Learning(Scene):
    """Standalone: the cost falling, step by step and epoch by epoch (from the 'video' run)."""

    def construct(self):
        self.part = LearningCurve(video_run())
        self.part.play(self)

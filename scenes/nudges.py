"""Parts: the gradient as 13,002 nudges (real values, real names, one real step), and learning (the
recorded cost falling step by step, then epoch by epoch). Every number is read from a run or
computed by gdcore."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, FadeOut, GrowFromEdge, MathTex, ReplacementTransform,
                   Scene, VGroup, VMobject, Write)

from gdcore import analysis, load_mnist
from gdcore.train import steps_per_epoch
from scenes.camera import GdvizScene
from scenes.visuals import (COST, GRADIENT, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TEXT, TINY_SIZE, ColumnVector,
                            NetworkDiagram, PlainAxes, Readout, axes_polyline, caption, fit_width, nice_step,
                            arrive, cascade, signed_bar, signed_color, step_through, text, title)
from scenes.weights import draw_network, falling_dot, fly, in_turn, video_run

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
        # the largest nudges come out of -grad C (the column's head), then fly onto their edges (or neurons)
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
        costs = VGroup(text(f"the cost over all {len(X):,} training images", TINY_SIZE, MUTED),
                       text(f"before the step:  {before}", SMALL_SIZE, t2c={before: COST}),
                       text(f"after one step:  {after}", SMALL_SIZE, t2c={after: COST}))
        costs.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block = VGroup(formula, costs).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        block.next_to(listing, DOWN, buff=0.55, aligned_edge=LEFT)
        rate = "at the run's own η" if self.eta == self.run.config.eta else "for illustration"
        final = caption(f"One full-batch step from step {self.step:,}, {rate} "
                        "(the run itself stepped on mini-batches).", TINY_SIZE)
        scene.play(Write(formula), run_time=1.5 * self.pace)
        scene.play(Write(costs[:2]), run_time=self.pace)
        # the cost after the step comes out of the step and the cost before it
        scene.play(arrive([formula, costs[1]], costs[2]), ReplacementTransform(note, final), run_time=self.pace)
        scene.wait(2 * self.pace)

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
        """The network at this snapshot, edges dimmed (so lit ones stand out), layers and digits named."""
        diagram = NetworkDiagram(self.sizes, weights=self.net.weights, layer_gap=1.35, height=5.0, radius=0.1)
        diagram.edges.set_stroke(opacity=0.12)
        names = VGroup(*[text("pixels" if l == 0 else f"layer {l}", TINY_SIZE, MUTED)
                         .next_to(diagram.neurons[l], DOWN, buff=0.2) for l in range(len(self.sizes))])
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
        scene.play(Write(heading), Write(self.batch_note()), run_time=self.pace)
        self.show_steps(scene)
        self.show_epochs(scene)
        scene.wait(2 * self.pace)

    def batch_note(self):
        c = self.run.config
        n = c.train_size or 60000
        if c.batch_size is None or c.batch_size >= n:
            return caption(f"Each step used all {n:,} training images.", TINY_SIZE)
        return caption(f"One step = one mini-batch of {c.batch_size} images; {self.per_epoch:,} steps = one epoch "
                       f"(all {n:,} training images).", TINY_SIZE)

    def show_steps(self, scene) -> None:
        """The first steps: every mini-batch cost faintly, the mean of each bin boldly."""
        raw = np.asarray(self.run.step_cost[:self.first_steps], np.float64)
        ends, means = analysis.bin_means(raw, self.bin_width)
        # The axis covers the bin means and 99 % of the single costs, with headroom for a note.
        top = 1.2 * max(float(means.max()) if len(means) else 0.0, float(np.quantile(raw, 0.99)))
        axes = place(cost_axes(self.first_steps, top, "step", "{:,g}"), ORIGINS[0])
        y_top = axes.y_range[1]
        clipped = raw > y_top
        self.shown.update(step_cost=raw, bin_ends=ends, bin_means=means, bin_width=self.bin_width,
                          clipped=int(clipped.sum()))
        heading = text(f"The first {self.first_steps:,} steps, one by one", SMALL_SIZE)
        step_read = Readout("step", 0, TEXT, "{:,.0f}", TINY_SIZE)
        epoch_read = Readout("epoch", 0.0, TEXT, "{:.2f}", TINY_SIZE)
        cost_read = Readout(f"mean cost of the last {self.bin_width} steps", means[0] if len(means) else 0.0, COST,
                            "{:.3f}", TINY_SIZE)
        readouts = VGroup(side_by_side([step_read, epoch_read], [self.first_steps, self.first_steps / self.per_epoch]),
                          cost_read)
        legend = VGroup(text("faint: the cost of each step's own mini-batch", TINY_SIZE, MUTED),
                        text(f"bold: the mean over each {self.bin_width} steps", TINY_SIZE, COST))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        label_panel(axes, heading, readouts, legend)
        if clipped.any():  # said inside the plot, by the top edge where those costs are drawn
            legend.add(text(f"{int(clipped.sum())} costs above {y_top:g} cut off (max {raw.max():.2f})",
                            TINY_SIZE, MUTED).next_to(axes.c2p(self.first_steps, y_top), DOWN + LEFT, buff=0.05))
        scene.play(Write(axes), Write(heading), Write(readouts[0]), Write(legend), run_time=self.pace)

        faint, bold = VMobject(), VMobject()
        scene.add(faint, bold)
        chunk = max(1, self.first_steps // 600)  # about a pixel column at 1080p: drawn as its min and max
        def show_step(s):
            b = int(np.searchsorted(ends, s, side="right"))
            faint.become(axes_polyline(axes, *analysis.envelope(np.minimum(raw[:s], y_top), chunk), COST, width=1,
                                       opacity=0.3))
            bold.become(axes_polyline(axes, ends[:b], means[:b], COST, width=4))
            step_read.set_value(s)
            epoch_read.set_value(s / self.per_epoch)
            if b:  # the mean-cost readout appears once the first bin of steps is complete
                cost_read.set_value(means[b - 1])
                if cost_read not in scene.mobjects:
                    scene.add(cost_read)

        step_through(scene, 0, self.first_steps, show_step, 6 * self.pace, host=readouts[0])
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
        axes = place(cost_axes(float(epochs[-1]), float(costs.max()), "epoch", "{:g}"), ORIGINS[1])
        heading = text("Then epoch by epoch", SMALL_SIZE)
        epoch_read = Readout("epoch", epochs[0], TEXT, "{:.0f}", TINY_SIZE)
        cost_read = Readout(f"cost over all {n:,} training images", costs[0], COST, "{:.4f}", TINY_SIZE)
        readouts = VGroup(epoch_read, cost_read)
        legend = VGroup(text("dots: the full training cost at the end of each epoch", TINY_SIZE, COST),
                        text("the cost axis here has its own scale", TINY_SIZE, MUTED)).arrange(DOWN, aligned_edge=LEFT,
                                                                                         buff=0.08)
        label_panel(axes, heading, readouts, legend)
        scene.play(Write(axes), Write(heading), Write(readouts), Write(legend), run_time=self.pace)
        line, dots = VMobject(), VGroup()
        scene.add(line, dots)
        def show_epoch(k):
            line.become(axes_polyline(axes, epochs[:k], costs[:k], COST, width=2, opacity=0.6))
            epoch_read.set_value(epochs[k - 1])
            cost_read.set_value(costs[k - 1])
            while len(dots) < k:  # each epoch's dot drops out of the cost readout onto the curve
                dots.add(falling_dot(cost_read.number, axes.c2p(epochs[len(dots)], costs[len(dots)]), COST))

        dots.add_updater(lambda group, dt: [dot.fall(dt, 0.4 * self.pace) for dot in group])
        step_through(scene, 0, len(ends), show_epoch, 5 * self.pace, host=readouts)
        dots.update(np.inf).clear_updaters()  # every dot on its place
        self.shown["epoch_readout"] = (epoch_read.value, cost_read.value)


# Where the origins of the two learning plots sit (left: steps, right: epochs).
ORIGINS = (np.array([-6.1, -1.8, 0]), np.array([1.1, -1.8, 0]))


def place(axes, origin):
    """Shift ``axes`` so that its (0, 0) lands on ``origin``."""
    return axes.shift(origin - axes.c2p(0, 0))


def side_by_side(readouts, widest, buff: float = 0.4) -> VGroup:
    """Readouts left to right, each with room for the text of its ``widest`` value (a Readout's number
    grows to the right as it changes), labels on one line."""
    x = 0.0
    for readout, value in zip(readouts, widest):
        readout.shift(RIGHT * (x - readout.get_left()[0]) - UP * readout.label.get_y())
        x += readout.label.width + 0.15 + text(readout.fmt.format(value), readout.size).width + buff
    return VGroup(*readouts)


def label_panel(axes, heading, readouts, legend) -> None:
    """Heading and readouts above a plot, the legend below it, all left-aligned with its labels."""
    left = axes.labels.get_left()[0]
    fit_width(heading, 6.3).move_to([left, 2.9, 0], aligned_edge=LEFT)
    readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(heading, DOWN, buff=0.2, aligned_edge=LEFT)
    legend.next_to(axes.x_name, DOWN, buff=0.15).align_to(heading, LEFT)


def cost_axes(x_max: float, y_max: float, x_name: str, x_format: str) -> PlainAxes:
    """Axes from 0 to x_max (rounded up to a tick) and 0 to y_max, for a cost curve."""
    x_step, y_step = nice_step(x_max), nice_step(y_max)
    return PlainAxes([0, np.ceil(x_max / x_step - 1e-9) * x_step, x_step],
                     [0, np.ceil(y_max / y_step - 1e-9) * y_step, y_step], 5.1, 3.1, x_name, "cost",
                     x_format=x_format)


class GradientAsNudges(GdvizScene):
    """Standalone: the gradient as nudges to all weights and biases (from the 'video' run)."""

    def construct(self):
        self.part = NudgeVector(video_run())
        self.part.play(self)


class Learning(GdvizScene):
    """Standalone: the cost falling, step by step and epoch by epoch (from the 'video' run)."""

    def construct(self):
        self.part = LearningCurve(video_run())
        self.part.play(self)

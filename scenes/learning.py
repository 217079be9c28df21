"""Part 7 of chapter 2: learning -- the recorded cost falling, step by step (each mini-batch's cost and
the mean of each bin of steps), then epoch by epoch (the full training cost). Every number is read from the run.
(Its standalone scene is scenes/nudges.py's Learning.)"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Scene, VGroup, VMobject, Write

from gdcore import analysis
from gdcore.train import steps_per_epoch
from scenes import network_words
from scenes.visuals import (COST, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, PlainAxes, Readout, axes_polyline, caption,
                            fit_width, nice_step, step_through, text, title)
from scenes.weights import falling_dot


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

    def cost_label(self) -> str:
        """The plots' cost axis: 'cost' for the lesson's quadratic cost, else the cost named."""
        cost = self.run.config.cost
        self.shown["cost_axis"] = "cost" if cost == "quadratic" else f"{network_words.cost_name(cost)} cost"
        return self.shown["cost_axis"]

    def show_steps(self, scene) -> None:
        """The first steps: every mini-batch cost faintly, the mean of each bin boldly."""
        raw = np.asarray(self.run.step_cost[:self.first_steps], np.float64)
        ends, means = analysis.bin_means(raw, self.bin_width)
        # The axis covers the bin means and 99 % of the single costs, with headroom for a note.
        top = 1.2 * max(float(means.max()) if len(means) else 0.0, float(np.quantile(raw, 0.99)))
        axes = place(cost_axes(self.first_steps, top, "step", "{:,g}", self.cost_label()), ORIGINS[0])
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
            count = int(clipped.sum())    # by the axes' top right corner, clear of the y-axis labels
            legend.add(text(f"{count} cost{'' if count == 1 else 's'} above {y_top:g} cut off (max {raw.max():.2f})",
                            TINY_SIZE, MUTED).next_to(axes.c2p(axes.x_range[1], y_top), DOWN + LEFT, buff=0.05))
        scene.play(Write(axes), Write(heading), Write(readouts[0]), Write(legend), run_time=self.pace)

        faint, bold = VMobject(), VMobject()
        scene.add(faint, bold)
        chunk = max(1, self.first_steps // 600)  # about a pixel column at 1080p: drawn as its min and max
        def show_step(s):
            b = int(np.searchsorted(ends, s, side="right"))
            axes_polyline(axes, *analysis.envelope(np.minimum(raw[:s], y_top), chunk), COST, width=1, opacity=0.3,
                          into=faint)
            axes_polyline(axes, ends[:b], means[:b], COST, width=4, into=bold)
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
        axes = place(cost_axes(float(epochs[-1]), float(costs.max()), "epoch", "{:g}", self.cost_label()), ORIGINS[1])
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
            axes_polyline(axes, epochs[:k], costs[:k], COST, width=2, opacity=0.6, into=line)
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


def cost_axes(x_max: float, y_max: float, x_name: str, x_format: str, y_name: str = "cost") -> PlainAxes:
    """Axes from 0 to x_max (rounded up to a tick) and 0 to y_max, for a cost curve."""
    x_step, y_step = nice_step(x_max), nice_step(y_max)
    return PlainAxes([0, np.ceil(x_max / x_step - 1e-9) * x_step, x_step],
                     [0, np.ceil(y_max / y_step - 1e-9) * y_step, y_step], 5.1, 3.1, x_name, y_name,
                     x_format=x_format)

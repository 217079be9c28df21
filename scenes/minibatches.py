"""Part: the training images shuffled as training shuffled them and dealt into mini-batches, one
step per batch with its recorded cost, then a whole pass.

    .venv/bin/manim -ql scenes/minibatches.py MiniBatches
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Create, FadeIn, FadeOut, Group, MathTex, Scene,
                   SurroundingRectangle, VGroup, Write, linear)

from gdcore import analysis, load_mnist, runs
from scenes.camera import GdvizScene
from scenes.visuals import (COST, GRADIENT, MINI_BATCH, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, DigitImage, PlainAxes,
                            arrive, axes_polyline, caption, cascade, nice_step, recaption, swatch, text, title)


# --- dealing the data into mini-batches ----------------------------------------------------
class DealMiniBatches:
    """The training images of ``run`` (a mini-batch run), shuffled exactly as training shuffled them
    (analysis.minibatch_order), dealt into mini-batches; one step per batch, each with the recorded
    cost of its own images (run.step_cost), then the whole pass.

    ``shown``: image indices on screen, the batches, their costs, the pass's numbers.
    """

    name = "Splitting the data into mini-batches"
    RIGHT_COLUMN = 0.9   # x where the right-hand column starts

    def __init__(self, run, rows: int = 6, stepped: int = 4, pace: float = 1.0, data=None):
        if run.config.batch_size is None:
            raise ValueError("a full-batch run has no mini-batches")
        self.run, self.rows, self.stepped, self.pace = run, rows, stepped, pace
        self.data = data if data is not None else load_mnist()
        self.b = run.config.batch_size
        self.n = run.config.train_size or len(self.data.train_labels)
        self.order = analysis.minibatch_order(run.config, 0)
        self.shown = {"n": self.n, "batch_size": self.b}

    def play(self, scene: Scene) -> None:
        stage = self.show_data(scene)
        self.shuffle(scene, stage)
        self.deal(scene, stage)
        self.whole_pass(scene, stage)

    def say(self, scene, stage, line: str, wait: float = 1.0) -> None:
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        scene.wait(wait * self.pace)

    def thumbnails(self, indices) -> Group:
        grid = Group(*[DigitImage(self.data.train_images[i], height=0.5) for i in indices])
        return grid.arrange_in_grid(self.rows, self.b, buff=0.07)

    def show_data(self, scene) -> SimpleNamespace:
        heading = title("Splitting the data into mini-batches")
        shown = np.arange(self.rows * self.b)
        self.shown["first_images"] = shown.tolist()
        grid = self.thumbnails(shown).to_edge(LEFT, buff=0.5).shift(DOWN * 0.3)
        label = text(f"the first {len(shown)} of the {self.n:,} training images", SMALL_SIZE, MUTED)
        label.next_to(grid, UP, buff=0.2).align_to(grid, LEFT)
        note = caption(f"Computing the true gradient means running all {self.n:,} images for every single step.")
        scene.play(Write(heading), FadeIn(grid, lag_ratio=0.01), Write(label), Write(note), run_time=self.pace)
        scene.wait(1.5 * self.pace)
        return SimpleNamespace(grid=grid, label=label, note=note)

    def shuffle(self, scene, stage) -> None:
        shown = self.order[:self.rows * self.b]
        self.shown["shuffled_images"] = shown.tolist()
        new = self.thumbnails(shown).move_to(stage.grid)
        label = text(f"shuffled: the first {len(shown)} of all {self.n:,}", SMALL_SIZE, MUTED)
        label.move_to(stage.label, aligned_edge=LEFT)
        rng = np.random.default_rng(0)      # only how the old thumbnails scatter away
        scatter = [FadeOut(m, shift=rng.normal(0, 0.6, 3) * [1, 1, 0]) for m in stage.grid]
        scene.play(*scatter, FadeOut(stage.label), Write(label), run_time=0.8 * self.pace)
        stage.label = label
        scene.play(FadeIn(new, lag_ratio=0.01), run_time=0.8 * self.pace)
        stage.grid = new
        self.say(scene, stage, f"Shuffle (seeded: the very order this training run used), then deal into "
                               f"mini-batches of {self.b}.")

    def deal(self, scene, stage) -> None:
        costs = np.asarray(self.run.step_cost, np.float64)
        boxes = VGroup()
        for k in range(self.rows):
            row = Group(*stage.grid[k * self.b:(k + 1) * self.b])
            box = SurroundingRectangle(row, color=MINI_BATCH, buff=0.04, stroke_width=2)
            tag = text(f"mini-batch {k + 1}", TINY_SIZE, MINI_BATCH).next_to(box, RIGHT, buff=0.15)
            boxes.add(VGroup(box, tag))
        scene.play(cascade([AnimationGroup(Create(box), Write(tag)) for box, tag in boxes], lag_ratio=0.2),
                   run_time=self.pace)
        self.shown["batches"] = [self.order[k * self.b:(k + 1) * self.b].tolist() for k in range(self.rows)]
        self.shown["stepped_costs"] = []
        rule = MathTex(r"\theta \;\leftarrow\; \theta - \eta\, \nabla C_{\text{mini-batch}}", font_size=36, color=TEXT)
        rule.move_to([self.RIGHT_COLUMN, stage.label.get_y(), 0], aligned_edge=LEFT)
        lines = VGroup()
        scene.play(Write(rule), run_time=0.4 * self.pace)
        for k in range(min(self.stepped, self.rows)):
            cost = float(costs[k])
            self.shown["stepped_costs"].append(cost)
            line = text(f"step {k + 1}: mini-batch {k + 1}'s cost = {cost:.3f}", TINY_SIZE, TEXT)
            line.next_to(rule if not len(lines) else lines[-1], DOWN, buff=0.25 if not len(lines) else 0.15)
            line.align_to(rule, LEFT)
            lines.add(line)
            flash = boxes[k][0].copy().set_stroke(color=GRADIENT, width=5)
            images = stage.grid[k * self.b:(k + 1) * self.b]       # the cost of this batch's images
            scene.play(Create(flash), arrive([image.frame for image in images], line), run_time=0.35 * self.pace)
            scene.play(FadeOut(flash), run_time=0.35 * self.pace)
        self.say(scene, stage, f"One step per mini-batch: each step follows the gradient of its own {self.b} "
                               "images' cost.",
                 wait=1.0)
        stage.rule, stage.lines, stage.boxes = rule, lines, boxes

    def whole_pass(self, scene, stage) -> None:
        run = self.run
        steps = len(run.step_cost)
        per_epoch = -(-self.n // self.b)
        costs = np.asarray(run.step_cost, np.float64)
        shown_steps = min(steps, per_epoch)
        snaps = np.asarray(run.steps) <= shown_steps
        top = float(np.ceil(max(costs[:shown_steps].max(), run.train_cost[snaps].max())))
        axes = PlainAxes([0, shown_steps, nice_step(shown_steps, 4)], [0, top, nice_step(top, 4)], width=5.0,
                         height=2.2, x_name="step", y_name="cost", x_format="{:,.0f}")
        key = VGroup(swatch(MINI_BATCH, f"each step's mini-batch cost ({self.b} images)", TINY_SIZE),
                     swatch(COST, f"cost over all {self.n:,} images", TINY_SIZE))
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        key.next_to(stage.rule, DOWN, buff=0.3).align_to(stage.rule, LEFT)
        axes.next_to(key, DOWN, buff=0.3).to_edge(RIGHT, buff=0.5)
        raw = axes_polyline(axes, np.arange(1, shown_steps + 1), costs[:shown_steps], MINI_BATCH, width=1, opacity=0.7)
        full = axes_polyline(axes, run.steps[snaps], run.train_cost[snaps], COST, width=3)
        self.shown["pass"] = {"steps": shown_steps, "first_full_cost": float(run.train_cost[0]),
                              "last_full_cost": float(run.train_cost[snaps][-1]),
                              "mini_batch_cost_range": [float(costs[shown_steps // 2:shown_steps].min()),
                                                        float(costs[shown_steps // 2:shown_steps].max())]}
        scene.play(FadeOut(stage.lines), Create(axes), Write(key), run_time=0.5 * self.pace)
        scene.play(Create(raw), Create(full), run_time=3 * self.pace, rate_func=linear)
        p = self.shown["pass"]
        self.say(scene, stage, f"{shown_steps:,} steps of {self.b} make one pass over all {self.n:,} images: the cost "
                               f"over all of them fell from {p['first_full_cost']:.2f} to {p['last_full_cost']:.2f}. "
                               "Then shuffle and deal again.",
                 wait=2.0)


class MiniBatches(GdvizScene):
    """Standalone: the training images shuffled and dealt into mini-batches (the 'stumble-sgd' run)."""

    def construct(self):
        self.part = DealMiniBatches(runs.get("stumble-sgd"))
        self.part.play(self)

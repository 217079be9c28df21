"""Part: momentum on a toy ravine (gdcore.toys): plain descent zigzags, the heavy ball rolls on.

    .venv/bin/manim -ql scenes/momentum.py Momentum
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, GrowFromCenter, MathTex, Scene, ValueTracker, VGroup, Write, linear

from gdcore import toys
from scenes.camera import GdvizScene
from scenes.sgd import ShowsReadouts, lerp_path, on_baseline
from scenes.visuals import (COST, FULL_BATCH, MINI_BATCH, SMALL_SIZE, TINY_SIZE, Ball, CostMap, Readout, caption,
                            point_at, recaption, swatch, text, title)


# --- momentum --------------------------------------------------------------------------------
class HeavyBall(ShowsReadouts):
    """Plain gradient descent and the heavy-ball method (momentum) from the same start on a toy ravine
    (gdcore.toys.ravine), with the same learning rate: GD zigzags across the ravine and crawls along it;
    the heavy ball builds up speed along it (and overshoots a little, as a rolling ball does).

    ``shown``: eta, beta, both paths and their costs, and the readouts.
    """

    name = "Momentum: a heavy ball rolls on"
    MAP = {"x_range": [-10, 2, 2], "y_range": [-2, 2, 1], "width": 10.5, "height": 3.2}

    def __init__(self, start=(-9.0, 1.5), eta: float = 0.95, beta: float = 0.5, steps: int = 40, pace: float = 1.0):
        self.start, self.eta, self.beta, self.steps, self.pace = np.asarray(start, np.float64), eta, beta, steps, pace
        self.paths = {"gd": toys.descend_momentum(toys.ravine_gradient, self.start, eta, 0.0, steps),
                      "momentum": toys.descend_momentum(toys.ravine_gradient, self.start, eta, beta, steps)}
        self.costs = {k: toys.ravine(p[:, 0], p[:, 1]) for k, p in self.paths.items()}
        self.shown = {"eta": eta, "beta": beta, "steps": steps, "paths": {k: p.tolist() for k, p in self.paths.items()},
                      "costs": {k: c.tolist() for k, c in self.costs.items()}, "readouts": {}}

    def play(self, scene: Scene) -> None:
        heading = title("Momentum: a heavy ball keeps rolling")
        xs = np.linspace(*self.MAP["x_range"][:2], 141)
        ys = np.linspace(*self.MAP["y_range"][:2], 41)
        grid = toys.ravine(*np.meshgrid(xs, ys, indexing="ij"))
        cmap = CostMap(grid, **self.MAP, lo=0.0, hi=float(grid.max()), levels=np.arange(0.25, grid.max(), 0.5),
                       x_name="x", y_name="y").next_to(heading, DOWN, buff=0.75)
        label = text("a 2-D toy ravine:  C(x, y) = 0.02 x² + y²", SMALL_SIZE, COST).next_to(cmap.frame, UP, buff=0.15)
        label.align_to(cmap.frame, LEFT)
        rules = VGroup(
            VGroup(swatch(FULL_BATCH, "gradient descent", SMALL_SIZE),
                   MathTex(r"\theta \leftarrow \theta - \eta \nabla C", font_size=34, color=FULL_BATCH)
                   ).arrange(DOWN, aligned_edge=LEFT),
            VGroup(swatch(MINI_BATCH, f"momentum (β = {self.beta:g})", SMALL_SIZE),
                   MathTex(r"v \leftarrow \beta v - \eta \nabla C,\;\; \theta \leftarrow \theta + v", font_size=34,
                           color=MINI_BATCH)).arrange(DOWN, aligned_edge=LEFT),
        ).arrange(RIGHT, buff=1.0, aligned_edge=UP).next_to(cmap.x_name, DOWN, buff=0.25)
        reads = {}
        for key, block, colour in (("gd", rules[0], FULL_BATCH), ("momentum", rules[1], MINI_BATCH)):
            step = Readout("step", 0, colour, "{:d}", TINY_SIZE)
            cost = Readout("C", float(self.costs[key][0]), colour, "{:.4f}", TINY_SIZE)
            step.next_to(block, DOWN, buff=0.15).align_to(block, LEFT)
            on_baseline(cost.move_to(step.get_left() + RIGHT * 1.3, aligned_edge=LEFT), step)
            block.add(step, cost)
            reads[key] = (step, cost)
        note = caption(f"Same start, same η = {self.eta:g}: plain descent zigzags across the ravine, crawling along it.")
        scene.play(Write(heading), FadeIn(cmap.image), Create(cmap.frame), Write(cmap.labels),
                   Write(VGroup(cmap.x_name, cmap.y_name)), Write(label), Write(note), run_time=self.pace)
        balls = {k: Ball(radius=0.12).move_to(cmap.c2p(*self.start)) for k in self.paths}
        trails = {k: cmap.polyline(self.start[None], c, 3) for k, c in (("gd", FULL_BATCH), ("momentum", MINI_BATCH))}
        scene.play(Write(rules), *[GrowFromCenter(b) for b in balls.values()], run_time=0.6 * self.pace)
        scene.add(*trails.values(), *balls.values())
        tracker = ValueTracker(0.0)

        def update(_):
            k = tracker.get_value()
            for key, path in self.paths.items():
                i = min(int(np.floor(k + 1e-9)), len(path) - 1)
                here = lerp_path(path, min(k, len(path) - 1))
                cmap.trace(trails[key], np.vstack([path[:i + 1], here[None]]))
                balls[key].move_to(cmap.c2p(*here))
                self.show(f"{key} step", reads[key][0], i)
                self.show(f"{key} cost", reads[key][1], float(self.costs[key][i]))

        rules.add_updater(update)
        scene.play(tracker.animate.set_value(self.steps), run_time=8 * self.pace, rate_func=linear)
        rules.remove_updater(update)
        update(None)
        gd, mom = self.costs["gd"][-1], self.costs["momentum"][-1]
        note = recaption(scene, note, f"After {self.steps} steps: C = {gd:.4f} without momentum, {mom:.4f} with it: "
                                      "speed piles up.", 0.4 * self.pace)
        scene.play(*[point_at(reads[key][1]) for key in self.paths], run_time=self.pace)   # the two costs
        scene.wait(1.5 * self.pace)


class Momentum(GdvizScene):
    """Standalone: gradient descent against the heavy-ball method on a toy ravine."""

    def construct(self):
        self.part = HeavyBall()
        self.part.play(self)

"""Part: stochastic against full-batch descent where a 2-D picture is exact: one sigmoid neuron with
two parameters on two digits (gdcore.exact2d), batch 1, 10 and the full batch, per step and per
example processed.

    .venv/bin/manim -ql scenes/exact_sgd.py ExactTwoParameterSGD
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Create, AnimationGroup, DashedLine, FadeIn, FadeOut, Group, GrowArrow, GrowFromCenter,
                   MathTex, Scene, ValueTracker, VGroup, Write, linear)

from gdcore import exact2d, load_mnist
from scenes.camera import GdvizScene
from scenes.sgd import ShowsReadouts, lerp_path, on_baseline
from scenes.visuals import (COST, FULL_BATCH, MINI_BATCH, MUTED, ONE_EXAMPLE, SMALL_SIZE, TEXT, TINY_SIZE, Ball,
                            CostMap, DigitImage, Readout, arrive, caption, nice_step, recaption, swatch, text, title)


# --- the exact 2-D picture ----------------------------------------------------------------
class ExactStumble(ShowsReadouts):
    """One sigmoid neuron with one weight and one bias tells 9s from 6s by its ink balance
    (gdcore.exact2d). Two parameters: its cost surface is exact. On it, from the same start: full-batch,
    10-per-step and 1-per-step descent step for step; then, zoomed in where the full batch got to,
    why the mini-batches stumble (each has its own surface, and its step goes downhill on that one);
    then the three again, image for image (the same number of examples processed).

    ``shown`` holds every number put on screen: the two example digits' balances, the data set size,
    the paths, and every readout value in the order it was displayed.
    """

    name = "An exact picture: full batch versus mini-batches"
    MAP = {"x_range": [-8, 48, 8], "y_range": [-8, 12, 4], "width": 7.9, "height": 4.0}
    COLOURS = {None: FULL_BATCH, 10: MINI_BATCH, 1: ONE_EXAMPLE}

    def __init__(self, data=None, start=(-4.0, 2.5), eta: float = 10.0, steps: int = 100,
                 batch_sizes=(None, 10, 1), epochs: float = 1.0, shown_batches: int = 3, seed: int = 0,
                 first: int = exact2d.FIRST, grid: tuple = (113, 81), pace: float = 1.0):
        self.data = data if data is not None else load_mnist()
        self.start, self.eta, self.steps, self.batch_sizes = np.asarray(start, np.float64), eta, steps, batch_sizes
        self.epochs, self.shown_batches, self.seed, self.first, self.pace = epochs, shown_batches, seed, first, pace
        self.s, self.y, self.index = exact2d.dataset(self.data, first)
        self.n = len(self.s)
        self.ws = np.linspace(*self.MAP["x_range"][:2], grid[0])
        self.bs = np.linspace(*self.MAP["y_range"][:2], grid[1])
        self.costs = exact2d.cost_grid(self.ws, self.bs, self.s, self.y)
        self.shown = {"n": self.n, "first": first, "eta": eta, "start": self.start.tolist(), "readouts": {}}

    def descend(self, batch_size, steps: int) -> dict:
        return exact2d.descend(self.start, self.s, self.y, self.eta, batch_size, steps, self.seed)

    def label(self, batch_size) -> str:
        if batch_size is None or batch_size >= self.n:
            return f"full batch: {self.n:,} images per step"
        return f"mini-batch: {batch_size} image{'s' if batch_size > 1 else ''} per step"

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        stage = self.show_model_and_surface(scene)
        at = self.step_for_step(scene, stage)
        self.why_they_stumble(scene, stage, at)
        self.example_for_example(scene, stage)

    def say(self, scene, stage, line: str) -> None:
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)

    def show_model_and_surface(self, scene) -> SimpleNamespace:
        heading = title("An exact picture: one neuron, two parameters")
        cmap = CostMap(self.costs, **self.MAP, lo=0.07, hi=0.52, levels=np.arange(0.1, 0.5, 0.05),
                       x_name="w (the weight)", y_name="b")
        cmap.to_edge(RIGHT, buff=0.35).shift(DOWN * 0.15)
        model = self.model_panel().to_edge(LEFT, buff=0.4).align_to(cmap.frame, UP).shift(UP * 0.1)
        note = caption(f"Only two parameters, so this map of C(w, b) is exact: {len(self.ws) * len(self.bs):,} "
                       f"points, each the mean over all {self.n:,} images.")
        pics, rows = model
        digits = Group(*[pic[0] for pic in pics])
        scene.play(Write(heading), FadeIn(digits), *[Create(pic[1]) for pic in pics], Write(note), run_time=self.pace / 2)
        # each balance is computed from the image's two halves (split by the dashed line)
        scene.play(*[arrive(pic[1], pic[2]) for pic in pics], Write(rows), run_time=self.pace / 2)
        scene.play(self.draw_map(cmap), run_time=self.pace)
        scene.wait(4 * self.pace)
        return SimpleNamespace(map=cmap, model=model, note=note, heading=heading, panel=None)

    @staticmethod
    def draw_map(cmap: CostMap) -> AnimationGroup:
        """The map's picture fades in (an image), its frame and ticks are drawn, its names written."""
        return AnimationGroup(FadeIn(cmap.image), Create(cmap.frame), Write(cmap.labels),
                              Write(VGroup(cmap.x_name, cmap.y_name)))

    def model_panel(self) -> Group:
        six, nine = (self.typical(v) for v in (0.0, 1.0))
        self.shown["examples"] = {"index": [int(self.index[six]), int(self.index[nine])],
                                  "balance": [float(self.s[six]), float(self.s[nine])]}
        pics = Group()
        for i in (six, nine):
            digit = DigitImage(self.data.train_images[self.index[i]], height=1.25)
            mid = DashedLine(digit.get_left(), digit.get_right(), stroke_color=MUTED, stroke_width=1.5,
                             dash_length=0.06)
            pics.add(Group(digit, mid, text(f"s = {self.s[i]:+.2f}".replace("-", "−"), TINY_SIZE, TEXT)
                           .next_to(digit, DOWN, buff=0.1)))
        pics.arrange(RIGHT, buff=0.5)
        rows = VGroup(
            text("s = ink balance of the image:", TINY_SIZE, TEXT),
            text("(top half − bottom half) / all ink", TINY_SIZE, MUTED),
            MathTex(r"a = \sigma(w\,s + b)", font_size=34, color=TEXT),
            text("wanted output y: 1 for a 9, 0 for a 6", TINY_SIZE, TEXT),
            MathTex(r"C(w, b) = \mathrm{mean}\,(a - y)^2", font_size=34, color=COST),
            text(f"over the {self.n:,} sixes and nines among", TINY_SIZE, MUTED),
            text(f"the first {self.first:,} training images", TINY_SIZE, MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        return Group(pics, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    def typical(self, target: float) -> int:
        """The first example of class ``target`` whose balance is within 0.02 of its class's median."""
        members = np.flatnonzero(self.y == target)
        median = np.median(self.s[members])
        return int(members[np.abs(self.s[members] - median) <= 0.02][0])

    def why_they_stumble(self, scene, stage, at: np.ndarray) -> None:
        """At ``at`` (where the full batch got to), zoomed in with equal scales on w and b: the full-batch
        step, then the first mini-batches of 10, each on its own cost surface with its real step."""
        rows_list = exact2d.batches(self.n, 10, self.shown_batches, self.seed)
        compared = [exact2d.step_comparison(at, self.s, self.y, self.eta, rows) for rows in rows_list]
        self.shown["why"] = {"at": at.tolist(), "batches": [r.tolist() for r in rows_list],
                             "steps": [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in c.items()}
                                       for c in compared]}
        zoom = self.zoomed_map(stage.map, at, [c["batch_step"] for c in compared] + [compared[0]["full_step"]],
                               rows_list)
        ball = Ball(radius=0.11).move_to(zoom.c2p(*at))
        full_arrow = self.step_arrow(zoom, at, compared[0]["full_step"], FULL_BATCH)
        scene.play(FadeOut(stage.map), self.draw_map(zoom), GrowFromCenter(ball), run_time=0.6 * self.pace)
        self.say(scene, stage, f"Zoomed in on the full batch's ball: the valley floor is almost flat here; "
                               f"its next step (length {compared[0]['full_length']:.3f}) runs along it.")
        scene.play(GrowArrow(full_arrow), run_time=0.5 * self.pace)
        scene.wait(self.pace)
        card, arrow = Group(), VGroup()
        for k, (rows, c) in enumerate(zip(rows_list, compared)):
            zoom.set_costs(zoom.batch_costs[k])
            scene.remove(card, arrow)
            card = self.batch_card(k, rows, c).align_to(zoom.frame, UP)
            arrow = self.step_arrow(zoom, at, c["batch_step"], MINI_BATCH)
            title_line, images, (own, full, length, angle) = card
            scene.add(title_line, images)
            # its cost comes from its images, the full cost from where the ball is, its step from its arrow
            scene.play(GrowArrow(arrow), arrive([image.frame for image in images], own), arrive(ball, full),
                       arrive(arrow, VGroup(length, angle)), run_time=0.5 * self.pace)
            scene.add(card)
            if k == 0:
                self.say(scene, stage, "A mini-batch of 10 has its own cost surface (now shown); "
                                       "its step goes downhill on that one.")
            scene.wait(1.2 * self.pace)
        lengths, angles = [c["batch_length"] for c in compared], [c["angle"] for c in compared]
        self.say(scene, stage, f"Each pulls its own way: steps {min(lengths):.2f} to {max(lengths):.2f} long, "
                               f"{min(angles):.0f}° to {max(angles):.0f}° off the full-batch step.")
        scene.wait(1.5 * self.pace)
        scene.play(FadeOut(card), FadeOut(arrow), FadeOut(full_arrow), FadeOut(ball), FadeOut(zoom),
                   self.draw_map(stage.map), run_time=0.5 * self.pace)

    def zoomed_map(self, cmap, at, steps, rows_list) -> CostMap:
        """A map the size of ``cmap`` around ``at`` (2,) holding at + every step, with the same length
        per unit of w and of b (so angles on screen are true angles). Its colours span the lowest to the
        highest cost of the full surface and of the mini-batches' surfaces in that window, so the
        surfaces can be compared; ``zoom.batch_costs[k]`` is mini-batch k's own grid."""
        ends = np.vstack([at, at + np.asarray(steps)])
        centre, need = (ends.min(0) + ends.max(0)) / 2, (ends.max(0) - ends.min(0)) * 1.35 + 1e-3
        unit = max(need[0] / cmap.frame.width, need[1] / cmap.frame.height)    # parameter units per frame unit
        half = np.array([cmap.frame.width, cmap.frame.height]) * unit / 2
        lo, hi = centre - half, centre + half
        tick = nice_step(hi[0] - lo[0], 5)
        fmt = "{:.%df}" % max(0, -int(np.floor(np.log10(tick))))
        ws, bs = np.linspace(lo[0], hi[0], 97), np.linspace(lo[1], hi[1], 49)
        full = exact2d.cost_grid(ws, bs, self.s, self.y)
        batch_costs = [exact2d.cost_grid(ws, bs, self.s[rows], self.y[rows]) for rows in rows_list]
        c_lo, c_hi = min(g.min() for g in [full] + batch_costs), max(g.max() for g in [full] + batch_costs)
        zoom = CostMap(full, [lo[0], hi[0], tick], [lo[1], hi[1], tick], cmap.frame.width, cmap.frame.height,
                       lo=c_lo, hi=c_hi, levels=np.linspace(c_lo, c_hi, 16)[1:-1],
                       x_name="w, zoomed in (the same scale on w and b)", y_name="b", x_format=fmt, y_format=fmt)
        zoom.shift(cmap.frame.get_center() - zoom.frame.get_center())
        zoom.batch_costs = batch_costs
        return zoom

    @staticmethod
    def step_arrow(cmap, at, step, color) -> Arrow:
        a, b = cmap.c2p(*at), cmap.c2p(*(at + step))
        return Arrow(a, b, buff=0, color=color, stroke_width=5, tip_length=0.16, max_tip_length_to_length_ratio=0.35)

    def batch_card(self, k: int, rows, c: dict) -> Group:
        """Mini-batch k's 10 images, with its own cost and step against the full ones (``c`` from
        exact2d.step_comparison)."""
        images = Group(*[DigitImage(self.data.train_images[self.index[r]], height=0.62) for r in rows])
        images.arrange_in_grid(2, 5, buff=0.08)
        lines = VGroup(text(f"mini-batch {k + 1}: these 10 images", SMALL_SIZE, MINI_BATCH),
                       text(f"their cost here: {c['batch_cost']:.3f}", TINY_SIZE, MINI_BATCH),
                       text(f"(all {self.n:,} images: {c['full_cost']:.3f})", TINY_SIZE, COST),
                       text(f"their step: {c['batch_length']:.2f} long,", TINY_SIZE, MINI_BATCH),
                       text(f"{c['angle']:.0f}° off the full-batch step", TINY_SIZE, MINI_BATCH))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        return Group(lines[0], images, lines[1:]).arrange(DOWN, aligned_edge=LEFT, buff=0.2).to_edge(LEFT, buff=0.4)

    def race_panel(self, stage, first_line: str) -> tuple:
        """The legend with a step and a cost readout per batch size, in place of the model panel."""
        rows, reads = VGroup(text(first_line, SMALL_SIZE, TEXT)), {}
        for bs in self.batch_sizes:
            colour = self.COLOURS.get(bs, TEXT)
            steps = Readout("steps", 0, colour, "{:,d}", TINY_SIZE)
            cost = Readout("cost", 0.0, colour, "{:.3f}", TINY_SIZE)
            reads[bs] = (steps, cost)
            legend = swatch(colour, self.label(bs), TINY_SIZE)
            steps.next_to(legend, DOWN, buff=0.12).align_to(legend[1], LEFT)
            on_baseline(cost.move_to(steps.get_left() + RIGHT * 1.9, aligned_edge=LEFT), steps)
            rows.add(VGroup(legend, steps, cost))
            steps.set_value(0)
            cost.set_value(float(exact2d.cost(self.start, self.s, self.y)))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3).to_edge(LEFT, buff=0.4).align_to(stage.map.frame, UP)
        return rows, reads

    def race(self, scene, stage, runs: dict, index_at, total: float, key: str, seconds: float) -> dict:
        """Balls and trails along ``runs`` {batch size: descend() result}; ``index_at(bs, t)`` gives
        the (fractional) step of each at tracker time t in [0, total]."""
        cmap = stage.map
        balls = {bs: Ball(radius=0.11).move_to(cmap.c2p(*self.start)) for bs in runs}
        trails = {bs: cmap.polyline(self.start[None], self.COLOURS.get(bs, TEXT), 2.5 if bs != 1 else 1.5,
                                    1.0 if bs != 1 else 0.7) for bs in runs}
        scene.add(*reversed(trails.values()), *balls.values())     # the full batch's path on top
        tracker = ValueTracker(0.0)

        def update(_):
            t = tracker.get_value()
            for bs, run in runs.items():
                k = index_at(bs, t)
                i = int(np.floor(k + 1e-9))
                here = lerp_path(run["params"], k)
                cmap.trace(trails[bs], np.vstack([run["params"][:i + 1], here[None]]))
                balls[bs].move_to(cmap.c2p(*here))
                steps, cost = stage.reads[bs]
                self.show(f"{key} steps {bs}", steps, i)
                self.show(f"{key} cost {bs}", cost, float(run["cost"][i]))

        update(None)
        # The updater sits on the panel: it was added before the trails and balls, and Cairo redraws
        # every mobject from the first one with an updater onwards (the map stays a static picture).
        stage.panel.add_updater(update)
        scene.play(tracker.animate.set_value(total), run_time=seconds * self.pace, rate_func=linear)
        stage.panel.remove_updater(update)
        update(None)
        return {"balls": balls, "trails": trails}

    def step_for_step(self, scene, stage) -> np.ndarray:
        """The race step for step; returns where the full batch ended."""
        runs = {bs: self.descend(bs, self.steps) for bs in self.batch_sizes}
        self.shown["per_step"] = {str(bs): {"params": r["params"].tolist(), "cost": r["cost"].tolist()}
                                  for bs, r in runs.items()}
        panel, stage.reads = self.race_panel(stage, f"{self.steps} steps each, η = {self.eta:g}")
        stage.panel = panel
        scene.play(FadeOut(stage.model), Write(panel), run_time=0.5 * self.pace)
        self.say(scene, stage, "Step for step: the full batch walks straight; the mini-batches stumble, "
                               "one image per step worst of all.")
        drawn = self.race(scene, stage, runs, lambda bs, t: t, self.steps, "per step", 6.0)
        costs = {bs: r["cost"][-1] for bs, r in runs.items()}
        best = min(costs, key=costs.get)
        self.say(scene, stage, f"After {self.steps} steps the lowest cost is the "
                               f"{'full batch' if best is None else self.label(best)}'s ({costs[best]:.3f}), "
                               f"but its steps each cost {self.n:,} images of work.")
        scene.wait(self.pace)
        scene.play(FadeOut(VGroup(*drawn["trails"].values())), FadeOut(Group(*drawn["balls"].values())),
                   FadeOut(panel), run_time=0.4 * self.pace)
        return runs[self.batch_sizes[0]]["params"][-1]

    def example_for_example(self, scene, stage) -> None:
        budget = int(round(self.epochs * self.n))
        runs = {}
        for bs in self.batch_sizes:
            run = self.descend(bs, int(np.ceil(self.epochs * exact2d.steps_per_epoch(self.n, bs))))
            runs[bs] = run
        self.shown["per_example"] = {str(bs): {"params": r["params"].tolist(), "cost": r["cost"].tolist(),
                                               "examples": r["examples"].tolist(),
                                               "steps_at_budget": exact2d.steps_within(r["examples"], budget)}
                                     for bs, r in runs.items()}
        self.shown["budget"] = budget
        panel, stage.reads = self.race_panel(stage, f"equal work: {budget:,} images each")
        counter = Readout("images processed", 0, TEXT, "{:,d}", SMALL_SIZE)
        counter.next_to(panel, DOWN, buff=0.35).align_to(panel, LEFT)
        panel.add(counter)
        stage.panel = panel
        scene.play(Write(panel), run_time=0.5 * self.pace)
        self.say(scene, stage, f"Now count work, not steps: each ball may look at {budget:,} images "
                               f"({'one pass' if budget == self.n else f'{self.epochs:g} passes'} over the data).")

        def index_at(bs, t):
            self.show("images processed", counter, int(t))
            return exact2d.steps_within(runs[bs]["examples"], t)

        self.race(scene, stage, runs, index_at, budget, "per example", 7.0)
        ends = {bs: exact2d.steps_within(r["examples"], budget) for bs, r in runs.items()}
        full, few = ends[self.batch_sizes[0]], ends[self.batch_sizes[1]]
        self.say(scene, stage, f"For the same work: {full} careful step{'s' if full != 1 else ''} against {few:,} "
                               "quick, drunken ones, which get much further downhill.")
        scene.wait(2 * self.pace)


class ExactTwoParameterSGD(GdvizScene):
    """Standalone: full-batch versus mini-batch descent on an exact 2-D cost (a real neuron on MNIST)."""

    def construct(self):
        self.part = ExactStumble()
        self.part.play(self)

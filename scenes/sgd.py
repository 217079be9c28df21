"""Parts: stochastic gradient descent -- "a drunk man stumbling down a hill, but taking quick steps" --
against full-batch descent, "a carefully calculating man". First where a 2-D picture is exact (one
neuron with two parameters, gdcore.exact2d), then on the real 784-16-16-10 network seen on a plane
through its 13,002-D parameter space (gdcore.landscape); how the data is dealt into mini-batches;
momentum on a toy ravine (gdcore.toys); and a learning rate so large that training blows up.

    .venv/bin/manim -ql scenes/sgd.py ExactTwoParameterSGD
    .venv/bin/manim -ql scenes/sgd.py RealNetworkStumble
    .venv/bin/manim -ql scenes/sgd.py MiniBatches
    .venv/bin/manim -ql scenes/sgd.py Momentum
    .venv/bin/manim -ql scenes/sgd.py TooLargeLearningRate
"""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Create, DashedLine, FadeIn, FadeOut, Group, MathTex, Scene,
                   SurroundingRectangle, Triangle, ValueTracker, VGroup, linear)

from gdcore import analysis, exact2d, landscape, load_mnist, runs, toys
from scenes.camera import GdvizScene
from scenes.visuals import (COST, FULL_BATCH, GRADIENT, MINI_BATCH, MUTED, ONE_EXAMPLE, SMALL_SIZE, TEXT,
                            TINY_SIZE, Ball, CostMap, DigitImage, PlainAxes, Readout, axes_polyline, caption,
                            cost_legend, nice_step, recaption, swatch, text, title)


# --- small helpers --------------------------------------------------------------------------------
def lerp_path(path: np.ndarray, k: float) -> np.ndarray:
    """The point a fraction k - floor(k) of the way from iterate floor(k) to the next one of path (m, 2)."""
    if len(path) == 1:
        return path[0]
    i = min(int(np.floor(k)), len(path) - 2)
    return path[i] + (k - i) * (path[i + 1] - path[i])


def on_baseline(readout: Readout, other: Readout) -> Readout:
    """Shift ``readout`` vertically so its text sits on the same baseline as ``other``'s."""
    return readout.shift(UP * (other._anchor.get_bottom()[1] - readout._anchor.get_bottom()[1]))


class ShowsReadouts:
    """For parts: ``self.show(key, readout, value)`` sets a Readout and records every value it shows in
    ``self.shown["readouts"][key]`` (in order, only when it changes), for the tests."""

    def show(self, key: str, readout: Readout, value) -> None:
        seen = self.shown["readouts"].setdefault(key, [])
        if not seen or seen[-1] != value:
            seen.append(value)
            readout.set_value(value)


# --- part 1: the exact 2-D picture ----------------------------------------------------------------
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
        scene.play(FadeIn(heading), FadeIn(model), FadeIn(note), run_time=self.pace)
        scene.play(FadeIn(cmap), run_time=self.pace)
        scene.wait(4 * self.pace)
        return SimpleNamespace(map=cmap, model=model, note=note, heading=heading, panel=None)

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
        scene.play(FadeOut(stage.map), FadeIn(zoom), FadeIn(ball), run_time=0.6 * self.pace)
        self.say(scene, stage, f"Zoomed in on the full batch's ball: the valley floor is almost flat here; "
                               f"its next step (length {compared[0]['full_length']:.3f}) runs along it.")
        scene.play(FadeIn(full_arrow), run_time=0.5 * self.pace)
        scene.wait(self.pace)
        card, arrow = Group(), VGroup()
        for k, (rows, c) in enumerate(zip(rows_list, compared)):
            zoom.set_costs(zoom.batch_costs[k])
            scene.remove(card, arrow)
            card = self.batch_card(k, rows, c).align_to(zoom.frame, UP)
            arrow = self.step_arrow(zoom, at, c["batch_step"], MINI_BATCH)
            scene.add(card)
            scene.play(FadeIn(arrow), run_time=0.5 * self.pace)
            if k == 0:
                self.say(scene, stage, "A mini-batch of 10 has its own cost surface (now shown); "
                                       "its step goes downhill on that one.")
            scene.wait(1.2 * self.pace)
        lengths, angles = [c["batch_length"] for c in compared], [c["angle"] for c in compared]
        self.say(scene, stage, f"Each pulls its own way: steps {min(lengths):.2f} to {max(lengths):.2f} long, "
                               f"{min(angles):.0f}° to {max(angles):.0f}° off the full-batch step.")
        scene.wait(1.5 * self.pace)
        scene.play(FadeOut(card), FadeOut(arrow), FadeOut(full_arrow), FadeOut(ball), FadeOut(zoom), FadeIn(stage.map),
                   run_time=0.5 * self.pace)

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
        scene.play(FadeOut(stage.model), FadeIn(panel), run_time=0.5 * self.pace)
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
        scene.play(FadeIn(panel), run_time=0.5 * self.pace)
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


def stumble_runs():
    """The two runs of the comparison (presets 'stumble-gd' and 'stumble-sgd'): loaded from the cache,
    trained once if missing (about 3 s each)."""
    return runs.get("stumble-gd"), runs.get("stumble-sgd")


# --- part 2: the real network on a plane through its parameter space -------------------------------
class RealStumble(ShowsReadouts):
    """Full-batch descent (``gd_run``) and mini-batch SGD (``sgd_run``) from the same initialisation of
    the real network, both paths projected on the plane through the full-batch end that best fits
    both (PCA, gdcore.landscape). The surface is the full-batch cost over the first ``eval_images``
    training images on that plane; each ball's readouts give its TRUE cost and its distance from the
    plane. Then (``closer_look``) single steps replayed from the middle of each run, their length in
    13,002-D against their length within the plane; and (``contrast``) random planes through the same
    point, for comparison. ``contrast=False`` makes a shorter version (about 30 s) for the lecture.

    ``shown`` holds every number put on screen (explained variance, grid, paths, readouts...).
    """

    name = "The real network: the drunk man and the careful one"

    def __init__(self, gd_run, sgd_run, eval_images: int = 10000, cells: int = 62, random_cells: int = 31,
                 random_seed: int = 0, other_seeds: int = 4, closer_look: bool = True, window: int = 50,
                 contrast: bool = True, pace: float = 1.0, data=None):
        if gd_run.config.train_size != sgd_run.config.train_size or gd_run.params.shape[1] != sgd_run.params.shape[1]:
            raise ValueError("the two runs must train the same network on the same images")
        self.gd, self.sgd, self.eval_images, self.cells = gd_run, sgd_run, eval_images, cells
        self.random_cells, self.random_seed, self.other_seeds = random_cells, random_seed, other_seeds
        self.closer_look, self.window, self.contrast, self.pace = closer_look, window, contrast, pace
        self.data = data if data is not None else load_mnist()
        self.shown = {"readouts": {}}
        self.prepare()

    # --- numbers (all from gdcore) ------------------------------------------------------------------
    def prepare(self) -> None:
        gd, sgd = self.gd, self.sgd
        self.X, self.Y = landscape.evaluation_set(gd.config, self.eval_images, self.data)
        self.net = gd.network()
        self.plane = landscape.pca_plane([gd.params, sgd.params])
        self.paths = {name: self.path(run, self.plane) for name, run in (("gd", gd), ("sgd", sgd))}
        coords = np.vstack([p["coords"] for p in self.paths.values()])
        self.alphas, self.betas = self.grid_axes(coords.min(0), coords.max(0), self.cells)
        self.grid = landscape.cached_cost_grid(self.net, self.X, self.Y, self.plane, self.alphas, self.betas,
                                               spec={"scene": "sgd.RealStumble", "runs": [gd.key, sgd.key],
                                                     "eval_images": self.eval_images})
        self.shown.update(explained=self.plane.explained.tolist(), eval_images=len(self.X),
                          num_params=self.net.num_params, grid_min=float(self.grid.costs.min()),
                          grid_max=float(self.grid.costs.max()),
                          paths={k: {kk: vv.tolist() for kk, vv in p.items()} for k, p in self.paths.items()})

    def path(self, run, plane) -> dict:
        """The run's snapshots on ``plane``: steps, coords (k, 2), distance (k,) and true cost (k,)
        over the evaluation set (the run's own recorded training cost when that is the same set)."""
        coords, distance = landscape.project(run.params, plane)
        if len(self.X) == (run.config.train_size or 60000):
            cost = np.asarray(run.train_cost, np.float64)      # computed over exactly these images
        else:
            cost = landscape.path_costs(self.net, self.X, self.Y, run.params)
        return {"steps": np.asarray(run.steps), "coords": coords, "distance": distance, "cost": cost}

    @staticmethod
    def grid_axes(lo, hi, cells: int):
        """Grid coordinates covering [lo, hi] (2,) with a margin, square cells, ``cells`` along the longer side."""
        margin = 0.1 * (hi - lo).max()
        lo, hi = lo - margin, hi + margin
        cell = (hi - lo).max() / (cells - 1)
        counts = np.maximum(np.ceil((hi - lo) / cell).astype(int) + 1, 2)
        centre = (lo + hi) / 2
        return [centre[i] + (np.arange(counts[i]) - (counts[i] - 1) / 2) * cell for i in (0, 1)]

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        stage = self.show_plane(scene)
        self.race(scene, stage, 0, int(self.gd.steps[-1]), 7.0,
                  "Same start, one step each at a time: the full batch walks carefully; the mini-batch stumbles.")
        self.say(scene, stage, "Each mini-batch step goes downhill on its own 10 images' cost: "
                               "a different surface every step, not this one.", wait=2.0)
        self.race(scene, stage, int(self.gd.steps[-1]), int(self.sgd.steps[-1]), 6.0,
                  f"The full batch has stopped after {int(self.gd.steps[-1])} steps; the mini-batch goes on "
                  f"to {int(self.sgd.steps[-1]):,}: one pass over the images.")
        self.conclude(scene, stage)
        if self.closer_look:
            self.sideways(scene, stage)
        if self.contrast:
            self.random_plane(scene, stage)

    def say(self, scene, stage, line: str, wait: float = 0.0) -> None:
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        if wait:
            scene.wait(wait * self.pace)

    def pca_map(self, max_width: float, max_height: float, short: bool = False) -> CostMap:
        """The PCA-plane map, as large as fits in max_width x max_height with the same scale on both
        directions (so distances and angles on it are true ones)."""
        a, b = self.alphas, self.betas
        scale = min(max_width / (a[-1] - a[0]), max_height / (b[-1] - b[0]))
        width, height = scale * (a[-1] - a[0]), scale * (b[-1] - b[0])
        tick = nice_step(a[-1] - a[0], 6)
        e1, e2 = self.plane.explained
        return CostMap(self.grid.costs, [a[0], a[-1], tick], [b[0], b[-1], tick], width, height,
                       lo=self.grid.costs.min(), hi=self.grid.costs.max(), levels=self.levels(),
                       x_name=f"PCA directions 1 ({e1:.0%}) and 2 ({e2:.0%})" if short else
                       f"PCA direction 1: {e1:.0%} of the paths' spread",
                       y_name="dir. 2" if short else f"dir. 2: {e2:.0%}")

    def levels(self):
        lo, hi = self.grid.costs.min(), self.grid.costs.max()
        return np.arange(np.ceil(lo * 10) / 10, hi, 0.1)

    def show_plane(self, scene) -> SimpleNamespace:
        e1, e2 = self.plane.explained
        heading = title(f"The real network: {self.net.num_params:,} parameters, seen on a plane")
        sub = VGroup(text(f"Surface: the full-batch cost over {len(self.X):,} training images on a 2-D slice through "
                          f"{self.net.num_params:,}-D space,", TINY_SIZE, MUTED),
                     text(f"the plane through the full batch's end that best fits both paths (PCA: {e1:.0%} + {e2:.0%} "
                          "of their spread)", TINY_SIZE, MUTED)).arrange(DOWN, buff=0.08)
        sub.next_to(heading, DOWN, buff=0.15)
        cmap = self.pca_map(9.0, 3.0)
        cmap.shift([-0.6 - cmap.frame.get_x(), 2.1 - cmap.frame.get_top()[1], 0])
        legend = cost_legend(cmap.lo, cmap.hi, height=cmap.frame.height, ticks=self.legend_ticks(cmap),
                             label="cost").next_to(cmap.frame, RIGHT, buff=0.3)
        panel, reads = self.readout_panel()
        panel.move_to([0, -1.9, 0], aligned_edge=UP)
        note = caption("Both runs start from the same random network; the balls' costs are their true costs.")
        scene.play(FadeIn(heading), FadeIn(sub), run_time=0.6 * self.pace)
        scene.play(FadeIn(cmap), FadeIn(legend), FadeIn(note), run_time=self.pace)
        scene.play(FadeIn(panel), run_time=0.5 * self.pace)
        stage = SimpleNamespace(map=cmap, legend=legend, panel=panel, reads=reads, note=note, heading=heading, sub=sub)
        stage.balls = {k: Ball(radius=0.11) for k in self.paths}
        stage.trails = {k: cmap.polyline(self.paths[k]["coords"][:1], colour, width)   # the full batch on top
                        for k, colour, width in (("sgd", MINI_BATCH, 2.5), ("gd", FULL_BATCH, 3.5))}
        stage.marks = {k: Triangle(fill_color=colour, fill_opacity=1, stroke_width=0).scale(0.09).rotate(-np.pi / 2)
                       for k, colour in (("gd", FULL_BATCH), ("sgd", MINI_BATCH))}
        self.place(stage, 0.0)
        scene.play(FadeIn(Group(*stage.trails.values(), *stage.balls.values(), *stage.marks.values())),
                   run_time=0.4 * self.pace)
        scene.wait(2 * self.pace)
        return stage

    @staticmethod
    def legend_ticks(cmap) -> list:
        step = nice_step(cmap.hi - cmap.lo, 3)
        return list(np.arange(np.ceil(cmap.lo / step) * step, cmap.hi + 1e-9, step))

    def readout_panel(self):
        cols, reads = VGroup(), {}
        labels = {"gd": f"full batch: all {len(self.X):,} images per step",
                  "sgd": f"mini-batch: {self.sgd.config.batch_size} images per step"}
        for key, colour in (("gd", FULL_BATCH), ("sgd", MINI_BATCH)):
            label = labels[key]
            rows = [Readout("step", 0, colour, "{:,d}", TINY_SIZE),
                    Readout("images used", 0, colour, "{:,d}", TINY_SIZE),
                    Readout("true cost", 0.0, colour, "{:.3f}", TINY_SIZE),
                    Readout("distance from the plane", 0.0, colour, "{:.2f}", TINY_SIZE)]
            reads[key] = rows
            head = swatch(colour, label, TINY_SIZE)
            block = VGroup(head, *rows)
            rows[0].next_to(head, DOWN, buff=0.12).align_to(head[1], LEFT)
            rows[1].move_to(rows[0].get_left() + RIGHT * 2.25, aligned_edge=LEFT)
            on_baseline(rows[1], rows[0])
            rows[2].next_to(rows[0], DOWN, buff=0.12).align_to(rows[0], LEFT)
            rows[3].move_to(rows[2].get_left() + RIGHT * 2.25, aligned_edge=LEFT)
            on_baseline(rows[3], rows[2])
            cols.add(block)
        cols.arrange(RIGHT, buff=0.8, aligned_edge=UP)
        return cols, reads

    def state(self, key: str, step: float) -> dict:
        """Where run ``key`` is at (fractional) step ``step``: between its two nearest snapshots."""
        p = self.paths[key]
        steps = p["steps"]
        step = min(step, steps[-1])
        i = int(np.searchsorted(steps, step, side="right") - 1)
        j = min(i + 1, len(steps) - 1)
        f = 0.0 if j == i else (step - steps[i]) / (steps[j] - steps[i])
        return {"i": i, "here": p["coords"][i] + f * (p["coords"][j] - p["coords"][i]),
                "step": int(steps[i]), "cost": float(p["cost"][i]), "distance": float(p["distance"][i])}

    def place(self, stage, step: float) -> None:
        for key, run in (("gd", self.gd), ("sgd", self.sgd)):
            s = self.state(key, step)
            coords = np.vstack([self.paths[key]["coords"][:s["i"] + 1], s["here"][None]])
            stage.map.trace(stage.trails[key], coords)
            stage.balls[key].move_to(stage.map.c2p(*s["here"]))
            batch = run.config.batch_size or len(self.X)
            values = (s["step"], s["step"] * min(batch, len(self.X)), s["cost"], s["distance"])
            for name, readout, value in zip(("step", "images", "cost", "distance"), stage.reads[key], values):
                self.show(f"{key} {name}", readout, value)
            y = stage.legend.y_of(s["cost"])
            stage.marks[key].move_to([stage.legend[1].get_left()[0] - 0.1, y, 0])

    def race(self, scene, stage, start: int, end: int, seconds: float, line: str) -> None:
        self.say(scene, stage, line)
        tracker = ValueTracker(start)
        update = lambda _: self.place(stage, tracker.get_value())  # noqa: E731
        stage.panel.add_updater(update)      # added before the balls: Cairo redraws from it onwards
        scene.add(*stage.trails.values(), *stage.balls.values(), *stage.marks.values())
        scene.play(tracker.animate.set_value(end), run_time=seconds * self.pace, rate_func=linear)
        stage.panel.remove_updater(update)
        self.place(stage, end)

    def conclude(self, scene, stage) -> None:
        gd, sgd = self.paths["gd"], self.paths["sgd"]
        n = len(self.X)
        used = {"gd": int(gd["steps"][-1]) * n, "sgd": int(sgd["steps"][-1]) * min(self.sgd.config.batch_size, n)}
        self.shown["conclusion"] = {"gd_cost": float(gd["cost"][-1]), "sgd_cost": float(sgd["cost"][-1]), **used}
        self.say(scene, stage, f"Full batch: cost {gd['cost'][-1]:.3f} after {used['gd']:,} image-gradients. "
                               f"Mini-batch: {sgd['cost'][-1]:.3f} after {used['sgd']:,}.", wait=3.0)

    # --- a closer look: the mini-batch's steps go mostly sideways --------------------------------------
    def step_lengths(self, run, steps: int) -> dict:
        """Single steps replayed from the snapshot nearest the run's middle (analysis.replay_steps):
        their lengths in the full parameter space and within the plane (medians over ``steps`` steps)."""
        snapshot = int(np.abs(run.steps - run.steps[-1] / 2).argmin())
        X, Y = analysis.training_set(run.config, self.data)
        path = analysis.replay_steps(run, snapshot, steps, X, Y)
        coords, _ = landscape.project(path, self.plane)
        return {"from": int(run.steps[snapshot]), "steps": steps,
                "length": float(np.median(np.linalg.norm(np.diff(path, axis=0), axis=1))),
                "in_plane": float(np.median(np.linalg.norm(np.diff(coords, axis=0), axis=1)))}

    def sideways(self, scene, stage) -> None:
        gd, sgd = self.step_lengths(self.gd, 1), self.step_lengths(self.sgd, self.window)
        self.shown["sideways"] = {"gd": gd, "sgd": sgd}
        widths = [5.3, 3.0, 2.2]
        names = ("a single step", f"its length in {self.net.num_params:,}-D", "within this plane")
        head = BlowUp.row([text(s, TINY_SIZE, MUTED) for s in names], widths)
        rows = VGroup(head)
        for d, colour, label in ((gd, FULL_BATCH, f"full batch (step {gd['from'] + 1})"),
                                 (sgd, MINI_BATCH,
                                  f"mini-batch (median of steps {sgd['from'] + 1}–{sgd['from'] + sgd['steps']})")):
            rows.add(BlowUp.row([text(label, TINY_SIZE, colour), text(f"{d['length']:.3f}", TINY_SIZE, colour),
                                 text(f"{d['in_plane']:.3f}", TINY_SIZE, colour)], widths))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15).move_to(stage.panel)
        scene.play(FadeOut(stage.panel), FadeIn(rows), run_time=0.5 * self.pace)
        ratio = sgd["length"] / gd["length"]
        share = sgd["in_plane"] / sgd["length"]
        self.say(scene, stage, f"A mini-batch step is {ratio:.0f} times longer, but only {share:.0%} of it lies in "
                               "this plane: it stumbles sideways, out of the picture.", wait=3.5)
        stage.panel = rows

    # --- contrast: a random plane -------------------------------------------------------------------
    def random_plane(self, scene, stage) -> None:
        theta = self.plane.origin
        sizes = self.net.sizes
        shares = [self.share(landscape.random_plane(sizes, theta, self.random_seed + k))
                  for k in range(1 + self.other_seeds)]
        plane = landscape.random_plane(sizes, theta, self.random_seed)
        paths = {k: landscape.project(run.params, plane) for k, run in (("gd", self.gd), ("sgd", self.sgd))}
        coords = np.vstack([c for c, _ in paths.values()])
        span = max(1.0, float(np.ceil(np.abs(coords).max() * 1.15 * 2) / 2))    # Li et al.'s units: at least +-1
        ticks = np.linspace(-span, span, self.random_cells)
        grid = landscape.cached_cost_grid(self.net, self.X, self.Y, plane, ticks, ticks,
                                          spec={"scene": "sgd.RealStumble random", "seed": self.random_seed})
        self.shown["random"] = {"seed": self.random_seed, "share": shares[0], "other_shares": shares[1:],
                                "pca_share": float(self.plane.explained.sum()),   # = share(self.plane)
                                "max_abs_coord": float(np.abs(coords).max()),
                                "max_distance": float(max(d.max() for _, d in paths.values())), "span": span,
                                "grid_min": float(grid.costs.min()), "grid_max": float(grid.costs.max())}
        r = self.shown["random"]
        small = self.pca_map(5.4, 2.4, short=True)
        small.shift([-2.95 - small.frame.get_x(), 0.3 - small.frame.get_y(), 0])
        drawn = Group(*[small.polyline(self.paths[k]["coords"], colour, width)
                        for k, colour, width in (("sgd", MINI_BATCH, 2.5), ("gd", FULL_BATCH, 3.5))],
                      *[Ball(radius=0.09).move_to(small.c2p(*self.paths[k]["coords"][-1])) for k in ("sgd", "gd")])
        tick = nice_step(2 * span, 3)
        rmap = CostMap(grid.costs, [-span, span, tick], [-span, span, tick], 3.3, 3.3, lo=stage.map.lo,
                       hi=max(stage.map.hi, float(grid.costs.max())), levels=self.levels(),
                       x_name="random direction 1", y_name="dir. 2")
        rmap.shift([3.9 - rmap.frame.get_x(), 0.3 - rmap.frame.get_y(), 0])
        trails = VGroup(*[rmap.polyline(c, colour, width) for (c, _), colour, width in
                          zip(paths.values(), (FULL_BATCH, MINI_BATCH), (3.5, 2.5))][::-1])
        labels = VGroup(text(f"PCA plane: {r['pca_share']:.1%} of the paths' spread", SMALL_SIZE, TEXT),
                        text(f"random plane (seed {self.random_seed}): {r['share']:.1%}", SMALL_SIZE, TEXT))
        labels[0].next_to(small, DOWN, buff=0.25)
        labels[1].next_to(rmap, DOWN, buff=0.2)
        others = ", ".join(f"{s:.1%}" for s in r["other_shares"])
        more = text(f"{self.other_seeds} more random planes: {others}", TINY_SIZE, MUTED)
        more.next_to(labels[1], DOWN, buff=0.12)
        old = Group(stage.map, *stage.trails.values(), *stage.balls.values(), stage.panel, stage.legend,
                    *stage.marks.values())
        scene.play(FadeOut(old), FadeIn(small), FadeIn(drawn), run_time=0.8 * self.pace)
        scene.play(FadeIn(rmap), FadeIn(trails), FadeIn(labels), FadeIn(more), run_time=self.pace)
        shares = [r["share"], *r["other_shares"]]
        self.say(scene, stage, f"Random planes through the same point hold {min(shares):.1%} to {max(shares):.1%} "
                               f"of the paths' spread; the paths run up to {r['max_distance']:.1f} away from this one.",
                 wait=3.0)

    def share(self, plane) -> float:
        """The share of both paths' squared displacement from the plane's origin lying in the plane."""
        P = np.vstack([self.gd.params, self.sgd.params]).astype(np.float64)
        coords, distance = landscape.project(P, plane)
        total = ((P - plane.origin) ** 2).sum()
        return float(1 - (distance ** 2).sum() / total)


class RealNetworkStumble(GdvizScene):
    """Standalone: full-batch descent and mini-batch SGD on the real network, on the PCA plane of both
    paths (presets 'stumble-gd' and 'stumble-sgd'), then a random plane for contrast."""

    def construct(self):
        self.part = RealStumble(*stumble_runs())
        self.part.play(self)


# --- part 3: dealing the data into mini-batches ----------------------------------------------------
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
        scene.play(FadeIn(heading), FadeIn(grid), FadeIn(label), FadeIn(note), run_time=self.pace)
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
        scene.play(*scatter, FadeOut(stage.label), FadeIn(label), run_time=0.8 * self.pace)
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
        scene.play(FadeIn(boxes, lag_ratio=0.2), run_time=self.pace)
        self.shown["batches"] = [self.order[k * self.b:(k + 1) * self.b].tolist() for k in range(self.rows)]
        self.shown["stepped_costs"] = []
        rule = MathTex(r"\theta \;\leftarrow\; \theta - \eta\, \nabla C_{\text{mini-batch}}", font_size=36, color=TEXT)
        rule.move_to([self.RIGHT_COLUMN, stage.label.get_y(), 0], aligned_edge=LEFT)
        lines = VGroup()
        scene.play(FadeIn(rule), run_time=0.4 * self.pace)
        for k in range(min(self.stepped, self.rows)):
            cost = float(costs[k])
            self.shown["stepped_costs"].append(cost)
            line = text(f"step {k + 1}: mini-batch {k + 1}'s cost = {cost:.3f}", TINY_SIZE, TEXT)
            line.next_to(rule if not len(lines) else lines[-1], DOWN, buff=0.25 if not len(lines) else 0.15)
            line.align_to(rule, LEFT)
            lines.add(line)
            flash = boxes[k][0].copy().set_stroke(color=GRADIENT, width=5)
            scene.play(FadeIn(flash), FadeIn(line), run_time=0.35 * self.pace)
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
        scene.play(FadeOut(stage.lines), FadeIn(axes), FadeIn(key), run_time=0.5 * self.pace)
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


# --- part 4: momentum --------------------------------------------------------------------------------
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
        scene.play(FadeIn(heading), FadeIn(cmap), FadeIn(label), FadeIn(note), run_time=self.pace)
        scene.play(FadeIn(rules), run_time=0.6 * self.pace)
        balls = {k: Ball(radius=0.12).move_to(cmap.c2p(*self.start)) for k in self.paths}
        trails = {k: cmap.polyline(self.start[None], c, 3) for k, c in (("gd", FULL_BATCH), ("momentum", MINI_BATCH))}
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
        scene.wait(2.5 * self.pace)


class Momentum(GdvizScene):
    """Standalone: gradient descent against the heavy-ball method on a toy ravine."""

    def construct(self):
        self.part = HeavyBall()
        self.part.play(self)


# --- part 5: a learning rate that is far too large ----------------------------------------------------
def sci(v: float) -> str:
    """7.3e+07 -> '7.3 × 10⁷' (plain numbers below 10,000 stay as they are)."""
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else "∞"
    if abs(v) < 1e4:
        return f"{v:,.1f}"
    mantissa, exponent = f"{v:.1e}".split("e")
    superscript = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mantissa} × 10" + str(int(exponent)).translate(superscript)


class BlowUp:
    """A learning rate far too large, on real runs. Left: the lecture's network (``good`` at its
    normal eta, ``stuck`` at a huge one): the cost per step; the huge one sticks at 1.000, since
    sigmoid outputs keep the cost bounded. Right: a ReLU / cross-entropy network (``overflow``) whose
    weights grow step by step until float32 overflows and training stops (run.divergence); then what
    the same learning rate does with ``other_seeds`` (``other_steps`` steps each): overflow is luck,
    the explosion is not.

    ``shown``: the curves' numbers, the rows of the table, the divergence step, the other seeds.
    """

    name = "A learning rate that is far too large"

    def __init__(self, good, stuck, overflow, other_seeds=(1, 2, 3, 4), other_steps: int = 100, pace: float = 1.0,
                 data=None):
        if overflow.divergence is None:
            raise ValueError("the 'overflow' run did not diverge")
        self.good, self.stuck, self.overflow, self.pace = good, stuck, overflow, pace
        self.others = [runs.get(dataclasses.replace(overflow.config, seed=s, steps=other_steps, log_snapshots=1))
                       for s in other_seeds]
        self.data = data if data is not None else load_mnist()
        self.shown = {}

    def play(self, scene: Scene) -> None:
        heading = title("A learning rate that is far too large")
        scene.play(FadeIn(heading), run_time=0.6 * self.pace)
        stage = SimpleNamespace(note=caption("Real runs: the same images, the same start; only the learning rate "
                                            "η differs."))
        scene.play(FadeIn(stage.note), run_time=0.4 * self.pace)
        left = self.stuck_panel(scene, stage)
        self.overflow_table(scene, stage, left)

    def stuck_panel(self, scene, stage) -> VGroup:
        good, stuck = self.good, self.stuck
        steps = min(len(good.step_cost), len(stuck.step_cost))
        top = float(np.ceil(max(good.step_cost[:steps].max(), stuck.step_cost[:steps].max())))
        axes = PlainAxes([0, steps, nice_step(steps, 4)], [0, top, 1], width=5.0, height=2.6, x_name="step",
                         y_name="cost of each step's mini-batch", x_format="{:,.0f}")
        axes.move_to([-3.4, 0.2, 0])
        head = text(f"the lecture's network ({'-'.join(map(str, good.config.sizes))},\nsigmoid, quadratic cost)",
                    SMALL_SIZE, TEXT).next_to(axes.y_name, UP, buff=0.25).align_to(axes.y_name, LEFT)
        curves = [axes_polyline(axes, np.arange(1, steps + 1), run.step_cost[:steps], colour, width=1.5)
                  for run, colour in ((good, TEXT), (stuck, COST))]
        outputs = self.largest_output(stuck)
        key = VGroup(swatch(TEXT, f"η = {good.config.eta:g}: train accuracy {good.train_accuracy[-1]:.1%}", TINY_SIZE),
                     swatch(COST, f"η = {stuck.config.eta:g}: train accuracy {stuck.train_accuracy[-1]:.1%};",
                            TINY_SIZE),
                     text(f"every output at most {outputs:.1g}", TINY_SIZE, COST))
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.1).next_to(axes.x_name, DOWN, buff=0.15).align_to(axes, LEFT)
        key[2].align_to(key[1][1], LEFT)
        tail = np.asarray(stuck.step_cost[steps // 2:steps], np.float64)
        self.shown["stuck"] = {"steps": steps, "good_eta": good.config.eta, "stuck_eta": stuck.config.eta,
                               "good_accuracy": float(good.train_accuracy[-1]),
                               "stuck_accuracy": float(stuck.train_accuracy[-1]), "largest_output": outputs,
                               "stuck_tail": [float(tail.min()), float(tail.max())]}
        scene.play(FadeIn(axes), FadeIn(head), FadeIn(key), run_time=0.6 * self.pace)
        scene.play(*[Create(c) for c in curves], run_time=3 * self.pace, rate_func=linear)
        lo, hi = f"{tail.min():.3f}", f"{tail.max():.3f}"
        line = (f"η = {stuck.config.eta:g}: every output dies to about 0 and the cost sticks at "
                f"{lo if lo == hi else lo + '–' + hi}. Sigmoids cannot overflow.")
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        scene.wait(2 * self.pace)
        return VGroup(axes, head, key, *curves)

    def largest_output(self, run) -> float:
        """The largest output activation of the run's final network over its training images."""
        X, _ = analysis.training_set(run.config, self.data)
        return float(run.network().forward(X).max())

    def overflow_table(self, scene, stage, left) -> None:
        run = self.overflow
        stop = run.divergence["step"]
        costs = np.asarray(run.step_cost, np.float64)
        rows = []
        for k in range(1, stop + 1):
            i = np.flatnonzero(run.steps == k)
            weights = run.params[i[0]] if len(i) else None
            finite = None if weights is None else np.isfinite(weights)
            rows.append({"step": k, "cost": float(costs[k - 1]),
                         "largest": (None if weights is None or not finite.any()
                                     else float(np.abs(weights[finite]).max())),
                         "not_finite": None if weights is None else int((~finite).sum())})
        cap = float(-np.log(np.finfo(np.float32).tiny))
        self.shown["overflow"] = {"eta": run.config.eta, "stop": stop, "rows": rows, "cap": cap,
                                  "initial_largest": float(np.abs(run.params[0]).max())}
        sizes = "-".join(map(str, run.config.sizes))
        head = text(f"a ReLU network ({sizes},\ncross-entropy cost), η = {run.config.eta:g}", SMALL_SIZE, TEXT)
        widths = [0.75, 2.35, 2.6]
        names = ("step", "its mini-batch's\ncost", "largest weight\nafter it")
        table = VGroup(self.row([text(c, TINY_SIZE, MUTED) for c in names], widths))
        for r in rows:
            after = ("—" if r["not_finite"] is None else
                     f"{r['not_finite']:,} are NaN" if r["not_finite"] else sci(r["largest"]))
            bad = not np.isfinite(r["cost"]) or bool(r["not_finite"])
            cost = "NaN: stopped" if not np.isfinite(r["cost"]) else f"{r['cost']:.3f}"
            table.add(self.row([text(str(r["step"]), TINY_SIZE, COST if bad else TEXT),
                                text(cost, TINY_SIZE, COST if bad else TEXT),
                                text(after, TINY_SIZE, COST if bad else TEXT)], widths))
        table.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        start = text(f"before step 1 the largest weight is {self.shown['overflow']['initial_largest']:.2f}",
                     TINY_SIZE, MUTED)
        block = VGroup(head, table, start).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.move_to([0.45, 0, 0], aligned_edge=LEFT).align_to(left[1], UP)
        scene.play(FadeIn(head), FadeIn(table[0]), FadeIn(start), run_time=0.5 * self.pace)
        for line in table[1:]:
            scene.play(FadeIn(line), run_time=0.6 * self.pace)
        line = (f"In this run the weights explode until float32 overflows: step {stop}'s cost is NaN (not a number) "
                "and training stops.")
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        scene.wait(2 * self.pace)
        self.other_seeds(scene, stage, block, cap)

    def other_seeds(self, scene, stage, block, cap: float) -> None:
        """The same learning rate from other random starts: what happens there."""
        others = []
        for run in self.others:
            weights = np.abs(np.asarray(run.params[-1], np.float64))
            tail = np.asarray(run.step_cost[len(run.step_cost) // 2:], np.float64)
            others.append({"seed": run.config.seed, "steps": len(run.step_cost), "diverged": run.divergence,
                           "largest": float(np.nanmax(weights)),
                           "cost_range": [float(np.nanmin(tail)), float(np.nanmax(tail))]})
        self.shown["others"] = others
        if not others:
            return
        calm = [o for o in others if o["diverged"] is None]
        overflowed = len(others) - len(calm)
        lines = [f"{len(others)} other random starts, {others[0]['steps']} steps each:",
                 f"{overflowed or 'none'} overflowed" + (", but the largest weights reached" if calm else "")]
        if calm:
            lines.append(f"{sci(min(o['largest'] for o in calm))} to {sci(max(o['largest'] for o in calm))}, the cost "
                         f"{min(o['cost_range'][0] for o in calm):.0f} to {max(o['cost_range'][1] for o in calm):.0f}")
        footnote = VGroup(*[text(s, TINY_SIZE, MUTED) for s in lines]).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        footnote.next_to(block, DOWN, buff=0.25).align_to(block, LEFT)
        scene.play(FadeIn(footnote), run_time=0.5 * self.pace)
        line = (f"Overflow is luck; the explosion is not. ({cap:.2f}: the most this cost can report per image "
                "in float32.)")
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        scene.wait(2.5 * self.pace)

    @staticmethod
    def row(cells, widths) -> VGroup:
        """Table cells left-aligned in columns of the given widths, top-aligned."""
        for j, cell in enumerate(cells):
            cell.move_to([sum(widths[:j]), 0, 0], aligned_edge=LEFT + UP)
        return VGroup(*cells)


class TooLargeLearningRate(GdvizScene):
    """Standalone: real runs with far too large a learning rate (presets 'stumble-sgd', 'too-large-eta',
    'overflow')."""

    def construct(self):
        self.part = BlowUp(runs.get("stumble-sgd"), runs.get("too-large-eta"), runs.get("overflow"))
        self.part.play(self)

"""Part: the real 784-16-16-10 network, full-batch descent ("a carefully calculating man") against
mini-batch SGD ("a drunk man stumbling down a hill, but taking quick steps") from one start, seen on
the PCA plane of both paths through its 13,002-D parameter space (gdcore.landscape), with a random
plane for contrast.

    .venv/bin/manim -ql scenes/stumble.py RealNetworkStumble
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Group, Scene, Triangle, ValueTracker, VGroup, linear

from gdcore import analysis, landscape, load_mnist, runs
from scenes.camera import GdvizScene
from scenes.sgd import ShowsReadouts, on_baseline, table_row
from scenes.visuals import (FULL_BATCH, MINI_BATCH, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, Ball, CostMap, Readout, caption,
                            cost_legend, nice_step, recaption, swatch, text, title)


def stumble_runs():
    """The two runs of the comparison (presets 'stumble-gd' and 'stumble-sgd'): loaded from the cache,
    trained once if missing (about 3 s each)."""
    return runs.get("stumble-gd"), runs.get("stumble-sgd")


# --- the real network on a plane through its parameter space -------------------------------
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
        head = table_row([text(s, TINY_SIZE, MUTED) for s in names], widths)
        rows = VGroup(head)
        for d, colour, label in ((gd, FULL_BATCH, f"full batch (step {gd['from'] + 1})"),
                                 (sgd, MINI_BATCH,
                                  f"mini-batch (median of steps {sgd['from'] + 1}–{sgd['from'] + sgd['steps']})")):
            rows.add(table_row([text(label, TINY_SIZE, colour), text(f"{d['length']:.3f}", TINY_SIZE, colour),
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

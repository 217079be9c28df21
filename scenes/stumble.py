"""Part: the lecture's real network (the video's 784-16-16-10, or the teacher's: stumble_runs), full-batch
descent ("a carefully calculating man") against mini-batch SGD ("a drunk man stumbling down a hill, but
taking quick steps") from one start, seen on the PCA plane of both paths through its parameter space
(13,002-D for the video's network; gdcore.landscape): the plane's cost
seen from above, then stood up as a landscape (visuals.CostSurface) with both balls at their true costs;
then a random plane for contrast.

    .venv/bin/manim -ql scenes/stumble.py RealNetworkStumble
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, GrowFromCenter, GrowFromEdge, Line, Scene, Triangle,
                   ValueTracker, VGroup, VMobject, Write, linear)

from gdcore import landscape, load_mnist, presets, runs
from scenes import network_words, settings
from scenes.camera import GdvizScene
from scenes.sgd import ShowsReadouts, on_baseline
from scenes.stumble_asides import StumbleAsides
from scenes.visuals import (FULL_BATCH, MINI_BATCH, MUTED, TINY_SIZE, Ball, CostSurface, Readout, caption, cascade,
                            cost_legend, nice_step, recaption, swatch, text, title)
from scenes.weights import cost_word


def stumble_runs():
    """The two runs of the comparison, made with the lecture's network: the presets 'stumble-gd' and
    'stumble-sgd' for the video's network, else the same experiment (its steps, batches, images and
    snapshots) with the teacher's network (gdcore.presets.experiment). Loaded from the cache, trained
    once if missing (about 3 s each for the video's network, 15-40 s for a 784-256-10 one)."""
    network = settings.lecture_run_config()[0]
    return tuple(runs.get(presets.experiment(name, network)) for name in ("stumble-gd", "stumble-sgd"))


# --- the real network on a plane through its parameter space -------------------------------
class RealStumble(StumbleAsides, ShowsReadouts):
    """Full-batch descent (``gd_run``) and mini-batch SGD (``sgd_run``) from the same initialisation of
    the real network, both paths projected on the plane through the full-batch end that best fits
    both (PCA, gdcore.landscape). The surface is the full-batch cost over the first ``eval_images``
    training images on that plane, shown from above and then as a landscape; each ball sits at its TRUE
    cost (a stalk drops to the surface below it) and its readouts give that cost and its distance from
    the plane. The balls appear at the first recorded step both runs' costs are within the surface's
    range (``first_shown``; the random start is said on screen). Then (``closer_look``) single steps
    replayed from the middle of each run, their length in 13,002-D against their length within the plane; and (``contrast``) random planes through the same
    point, for comparison. ``contrast=False`` makes a shorter version (about 60 s) for the lecture.

    ``shown`` holds every number put on screen (explained variance, grid, paths, readouts...).
    """

    name = "The real network: the drunk man and the careful one"
    VIEW = (28, -24)     # the landscape's elevation and azimuth, degrees
    RELIEF = 0.34        # the surface's cost range rises this much of the plane's longer side

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
        self.first_shown = self.first_in_view()
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
        self.stand_up(scene, stage)
        self.drop_in(scene, stage)
        self.race(scene, stage, self.first_shown, int(self.gd.steps[-1]), 7.0,
                  f"Then one step each at a time{self.step_words()}: the full batch walks carefully; "
                  "the mini-batch stumbles.")
        self.say(scene, stage, f"Each mini-batch step goes downhill on its own {self.sgd.config.batch_size} images' "
                               "cost: a different surface every step, not this one.", wait=2.0)
        self.race(scene, stage, int(self.gd.steps[-1]), int(self.sgd.steps[-1]), 6.0,
                  f"The full batch has stopped after {int(self.gd.steps[-1])} steps; the mini-batch goes on "
                  f"to {int(self.sgd.steps[-1]):,}: one pass over the images.")
        self.conclude(scene, stage)
        if self.closer_look:
            self.sideways(scene, stage)
        if self.contrast:
            self.random_plane(scene, stage)

    # --- words that name the network (the video's needs none: its lecture introduced it) -------------
    def videos_network(self) -> bool:
        """Whether the runs train the video's network (784-16-16-10, sigmoid, quadratic cost)."""
        c, v = self.gd.config, presets.VIDEO
        return (tuple(c.sizes), c.activation, c.cost) == (tuple(v.sizes), v.activation, v.cost)

    def network_name(self) -> str:
        return "real" if self.videos_network() else network_words.shape(self.net.sizes)

    def step_words(self) -> str:
        """How both runs step, for another network than the video's: ' (plain steps of η = 0.5)'."""
        return "" if self.videos_network() else f" (plain steps of η = {self.gd.config.eta:g} for both)"

    def say(self, scene, stage, line: str, wait: float = 0.0) -> None:
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        if wait:
            scene.wait(wait * self.pace)

    def first_in_view(self) -> int:
        """The first recorded step at which both runs' true costs are within the surface's cost range
        (a random start costs far more than anywhere on the plane)."""
        top = self.grid.costs.max()
        steps = self.paths["gd"]["steps"]
        inside = [s for s in steps if all(self.state(k, s)["cost"] <= top for k in self.paths)]
        return int(inside[0]) if inside else int(steps[-1])

    def surface(self) -> CostSurface:
        lo, hi = self.grid.costs.min(), self.grid.costs.max()
        return CostSurface(self.grid.costs, self.alphas, self.betas, lo, hi, 9.6, 3.8, elevation=90, azimuth=0,
                           relief=self.RELIEF, ticks=self.legend_ticks(lo, hi), fmt="{:.1f}")

    def show_plane(self, scene) -> SimpleNamespace:
        e1, e2 = self.plane.explained
        heading = title(f"The {self.network_name()} network: {self.net.num_params:,} parameters, seen on a plane")
        sub = VGroup(text(f"Surface: the full-batch {cost_word(self.gd.config)} over {len(self.X):,} training images "
                          "on a 2-D slice through "
                          f"{self.net.num_params:,}-D space,", TINY_SIZE, MUTED),
                     text(f"the plane through the full batch's end that best fits both paths (PCA: {e1:.0%} + {e2:.0%} "
                          "of their spread)", TINY_SIZE, MUTED)).arrange(DOWN, buff=0.08)
        sub.next_to(heading, DOWN, buff=0.15)
        land = self.surface()
        land.shift([-0.5, 2.1 - 3.8 / 2, 0])
        legend = cost_legend(land.lo, land.hi, height=3.0, ticks=self.legend_ticks(land.lo, land.hi),
                             label="cost").move_to([5.6, 0.15, 0])
        panel, reads = self.readout_panel()
        panel.move_to([0, -1.9, 0], aligned_edge=UP)
        note = caption("The full-batch cost on this plane, seen from above: the darker, the lower.")
        scene.play(Write(heading), FadeIn(sub, shift=DOWN * 0.2), run_time=0.6 * self.pace)
        scene.play(cascade([Create(quad) for quad in land.quads], lag_ratio=0.4 / len(land.quads)),
                   GrowFromEdge(legend, DOWN), Write(note), run_time=self.pace)
        scene.add(land)
        stage = SimpleNamespace(map=land, legend=legend, panel=panel, reads=reads, note=note, heading=heading, sub=sub)
        stage.balls = {k: Ball(radius=0.11) for k in self.paths}
        stage.stalks = {k: Line(stroke_color=colour, stroke_width=2, stroke_opacity=0.8)
                        for k, colour in (("gd", FULL_BATCH), ("sgd", MINI_BATCH))}
        stage.trails = {k: VMobject(stroke_color=colour, stroke_width=width)     # the full batch on top
                        for k, colour, width in (("sgd", MINI_BATCH, 2.5), ("gd", FULL_BATCH, 3.5))}
        stage.marks = {k: Triangle(fill_color=colour, fill_opacity=1, stroke_width=0).scale(0.09).rotate(-np.pi / 2)
                       for k, colour in (("gd", FULL_BATCH), ("sgd", MINI_BATCH))}
        return stage

    def stand_up(self, scene, stage) -> None:
        """The map tilts into a landscape: height is the cost."""
        self.say(scene, stage, "Now stand the map up: the height of the surface is the cost.")
        scene.play(stage.map.turn(*self.VIEW, run_time=2.0 * self.pace))

    def drop_in(self, scene, stage) -> None:
        """Both runs' first steps fall onto the picture from far above it."""
        start, first = self.state("gd", 0), self.first_shown
        self.shown["start"] = {"cost": start["cost"], "distance": start["distance"], "first_in_view": first}
        self.place(stage, first)
        line = f"Both runs start from one random network: cost {start['cost']:.2f}, {start['distance']:.1f} from this plane"
        self.say(scene, stage, line + (f", far above the picture. By step {first} both have fallen into it." if first
                                       else "."))
        things = [*stage.trails.values(), *stage.stalks.values(), *stage.balls.values()]
        scene.play(FadeIn(stage.panel, shift=UP * 0.2), *[GrowFromCenter(b) for b in stage.balls.values()],
                   *[Create(s) for s in stage.stalks.values()], *[GrowFromCenter(m) for m in stage.marks.values()],
                   run_time=0.6 * self.pace)
        scene.add(*things, *stage.marks.values())
        self.say(scene, stage, "Each ball sits at its true cost; its stalk drops to the surface, the cost where "
                               "the plane passes closest to it.", wait=1.0)

    @staticmethod
    def legend_ticks(lo: float, hi: float) -> list:
        step = nice_step(hi - lo, 3)
        return list(np.arange(np.ceil(lo / step) * step, hi + 1e-9, step))

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
                "height": float(p["cost"][i] + f * (p["cost"][j] - p["cost"][i])),
                "step": int(steps[i]), "cost": float(p["cost"][i]), "distance": float(p["distance"][i])}

    def place(self, stage, step: float) -> None:
        """Balls, stalks, trails, readouts and legend marks at (fractional) ``step`` of both runs."""
        land = stage.map
        for key, run in (("gd", self.gd), ("sgd", self.sgd)):
            s, p = self.state(key, step), self.paths[key]
            first = int(np.searchsorted(p["steps"], self.first_shown))
            xyc = np.vstack([np.column_stack([p["coords"], p["cost"]])[first:s["i"] + 1], [*s["here"], s["height"]]])
            pts = land.screen(xyc)
            stage.trails[key].set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
            stage.balls[key].move_to(pts[-1])
            stage.stalks[key].put_start_and_end_on(land.c2p(*s["here"], land.height_at(*s["here"])), pts[-1] + 1e-6)
            batch = run.config.batch_size or len(self.X)
            values = (s["step"], s["step"] * min(batch, len(self.X)), s["cost"], s["distance"])
            for name, readout, value in zip(("step", "images", "cost", "distance"), stage.reads[key], values):
                self.show(f"{key} {name}", readout, value)
            stage.marks[key].move_to([stage.legend[1].get_left()[0] - 0.1, stage.legend.y_of(s["cost"]), 0])

    def race(self, scene, stage, start: int, end: int, seconds: float, line: str) -> None:
        self.say(scene, stage, line)
        tracker = ValueTracker(start)
        update = lambda _: self.place(stage, tracker.get_value())  # noqa: E731
        stage.panel.add_updater(update)      # added after the surface: Cairo redraws from it onwards
        scene.add(*stage.trails.values(), *stage.stalks.values(), *stage.balls.values(), *stage.marks.values())
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

class RealNetworkStumble(GdvizScene):
    """Standalone: full-batch descent and mini-batch SGD on the real network, on the PCA plane of both
    paths (presets 'stumble-gd' and 'stumble-sgd'), then a random plane for contrast."""

    def construct(self):
        self.part = RealStumble(*stumble_runs())
        self.part.play(self)

"""The asides of the real-network comparison (scenes/stumble.py): a closer look at single steps (the
mini-batch's go mostly sideways, out of the plane), and random planes through the same point for
contrast, drawn as flat cost maps. A mixin of RealStumble: it uses the part's runs, plane, grid and paths."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, FadeIn, FadeOut, Group, VGroup

from gdcore import analysis, landscape
from scenes.sgd import table_row
from scenes.visuals import (FULL_BATCH, MINI_BATCH, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, Ball, CostMap, nice_step,
                            text)


class StumbleAsides:
    """RealStumble's closer look (``sideways``) and contrast (``random_plane``)."""

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

"""Part: a learning rate so large that training blows up: real runs that stick at chance or overflow.

    .venv/bin/manim -ql scenes/blowup.py TooLargeLearningRate
"""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
from manim import DOWN, LEFT, UP, Create, Scene, VGroup, Write, linear

from gdcore import analysis, load_mnist, runs
from scenes.camera import GdvizScene
from scenes.sgd import table_row
from scenes.visuals import (COST, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, PlainAxes, arrive, axes_polyline, caption,
                            nice_step, recaption, swatch, text, title)


# --- a learning rate that is far too large ----------------------------------------------------
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
        scene.play(Write(heading), run_time=0.6 * self.pace)
        stage = SimpleNamespace(note=caption("Real runs: the same images, the same start; only the learning rate "
                                            "η differs."))
        scene.play(Write(stage.note), run_time=0.4 * self.pace)
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
        scene.play(Create(axes), Write(head), Write(key), run_time=0.6 * self.pace)
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
        table = VGroup(table_row([text(c, TINY_SIZE, MUTED) for c in names], widths))
        for r in rows:
            after = ("—" if r["not_finite"] is None else
                     f"{r['not_finite']:,} are NaN" if r["not_finite"] else sci(r["largest"]))
            bad = not np.isfinite(r["cost"]) or bool(r["not_finite"])
            cost = "NaN: stopped" if not np.isfinite(r["cost"]) else f"{r['cost']:.3f}"
            table.add(table_row([text(str(r["step"]), TINY_SIZE, COST if bad else TEXT),
                                text(cost, TINY_SIZE, COST if bad else TEXT),
                                text(after, TINY_SIZE, COST if bad else TEXT)], widths))
        table.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        initial = f"{self.shown['overflow']['initial_largest']:.2f}"
        start = text(f"before step 1 the largest weight is {initial}", TINY_SIZE, MUTED)
        block = VGroup(head, table, start).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.move_to([0.45, 0, 0], aligned_edge=LEFT).align_to(left[1], UP)
        scene.play(Write(head), Write(table[0]), Write(start), run_time=0.5 * self.pace)
        before = start[-len(initial):]    # its number
        for line in table[1:]:       # the weights after each step grow out of the weights before it
            scene.play(Write(line[:2]), arrive(before, line[2]), run_time=0.6 * self.pace)
            before = line[2]
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
        scene.play(Write(footnote), run_time=0.5 * self.pace)
        line = (f"Overflow is luck; the explosion is not. ({cap:.2f}: the most this cost can report per image "
                "in float32.)")
        stage.note = recaption(scene, stage.note, line, 0.4 * self.pace)
        scene.wait(2.5 * self.pace)


class TooLargeLearningRate(GdvizScene):
    """Standalone: real runs with far too large a learning rate (presets 'stumble-sgd', 'too-large-eta',
    'overflow')."""

    def construct(self):
        self.part = BlowUp(runs.get("stumble-sgd"), runs.get("too-large-eta"), runs.get("overflow"))
        self.part.play(self)

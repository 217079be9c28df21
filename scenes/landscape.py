"""Part: gradient descent on a 1-D toy cost and on a real 1-D slice of the network's cost. The toy
cost comes from gdcore.toys (and says so on screen); the real slice is computed by gdcore.analysis on
MNIST from the lecture's run ('video' unless the teacher chose another network). The small helpers
here (graph points, polylines, panels) serve scenes/bowl.py too.

    .venv/bin/manim -ql scenes/landscape.py OneDimensionalDescent
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Create, Dot, FadeOut, Group, GrowArrow, GrowFromCenter, Line, MathTex,
                   Scene, Transform, ValueTracker, VGroup, VMobject, Write, linear)

from gdcore import inputs, load_mnist, one_hot
from gdcore.analysis import gradient_slice
from gdcore.toys import BUMPY_RANGE, bumpy, bumpy_slope, descend, first_outside, valleys_reached
from scenes import network_words
from scenes.camera import GdvizScene
from scenes.visuals import (COST, GRADIENT, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, Ball, PlainAxes, Readout, arrive, caption,
                            cascade, nice_step, text, title)
from scenes.weights import video_run


# --- small helpers --------------------------------------------------------------------------------
def graph_point(axes, f, x: float, lift: float = 0.0) -> np.ndarray:
    """The screen point of (x, f(x)) on ``axes``, moved ``lift`` units along the curve's upward normal
    (so a ball of radius ``lift`` rests on the curve instead of sinking into it)."""
    h = 1e-4
    a, b = axes.c2p(x - h, float(f(x - h))), axes.c2p(x + h, float(f(x + h)))
    tangent = (b - a) / np.linalg.norm(b - a)
    normal = np.array([-tangent[1], tangent[0], 0.0])
    return axes.c2p(x, float(f(x))) + lift * normal


def tangent_line(axes, x: float, y: float, slope: float, length: float = 1.8) -> Line:
    """A GRADIENT-coloured segment through (x, y) with data slope ``slope``, ``length`` units long."""
    direction = axes.c2p(x + 1, y + slope) - axes.c2p(x, y)
    direction = direction / np.linalg.norm(direction) * length / 2
    centre = axes.c2p(x, y)
    return Line(centre - direction, centre + direction, color=GRADIENT, stroke_width=4)


def polyline(points, color, width: float = 4) -> VMobject:
    line = VMobject(stroke_color=color, stroke_width=width)
    line.set_points_as_corners(list(points))
    return line


def panel(*rows, buff: float = 0.28) -> VGroup:
    """Rows stacked left-aligned, placed in the right-hand column of the frame."""
    return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)


def fmt_w(w: float) -> str:
    """An iterate for a list on screen: 2 decimals, a typographic minus."""
    return f"{w:.2f}".replace("-", "−")


# --- numbers arriving from their sources ------------------------------------------------------------
def readout_arrives(read: Readout, sources) -> list:
    """Animations that bring ``read`` (not yet on screen): its label written, its number grown out of
    copies of ``sources`` (what it is computed from)."""
    return [Write(read.label), arrive(sources, read.number)]


def renumber(scene, changes, *also, run_time: float) -> None:
    """Play ``also`` while Readouts on screen change value, each new number growing out of copies of
    its sources: ``changes`` = [(readout, value, sources)], in order (a later change may take its
    sources from an earlier one's new number). The old digits leave at once."""
    flights, held = [], []
    for read, value, sources in changes:
        sources = [m.copy().clear_updaters() for m in sources]   # now: a number may feed itself
        read.set_value(value)
        flights.append(arrive(sources, read.number.copy()))
        held.append((read.number, list(read.number.submobjects)))
    for number, _ in held:                             # hidden while their copies fly in
        number.submobjects = []
    scene.play(*flights, *also, run_time=run_time)
    scene.remove(*[f.result for f in flights])
    for number, glyphs in held:
        number.submobjects = glyphs


# --- descent in one dimension ------------------------------------------------------------
class DescentInOneDimension:
    """A ball rolling down a 1-D toy cost by true gradient-descent iterates, balls settling in different
    valleys, a too-large learning rate diverging, then the same picture on a real slice of the network's
    cost: C(theta_s + t d) along d = -grad C / |grad C| at step ``slice_step`` of ``run`` (named on
    screen as "the '``run_name``' run", by default the run's preset or its layer sizes), over its first
    ``slice_images`` training images. ``slice_ts`` (default: t from -10 to 30, or, where one gradient step
    of the run would land outside [0.4, 30], a range of the same shape around that step) are the t drawn.

    ``shown`` holds every number put on screen: iterates, slopes and steps of the single ball; starts,
    final positions and valleys of the row of balls; the diverging iterates; and the slice (t grid, costs,
    slope at t = 0, where one gradient step lands, the lowest grid point, the run's cost).
    """

    name = "Rolling downhill: gradient descent in one dimension"
    LIMIT = 1e6   # |w| beyond this counts as diverged
    PLOT = {"x_range": [-4, 4, 1], "y_range": [0, 3.5, 1], "width": 8.6, "height": 4.1}
    SLICE_TS = (-10.0, 30.0, 81)   # the slice's t grid, unless the step lands outside STEP_IN
    STEP_IN = (0.4, 30.0)           # (a step under 1/100 of the line drawn would not show)

    def __init__(self, run, start: float = -1.9, eta: float = 0.1, steps: int = 8,
                 starts=tuple(np.linspace(-4, 4, 11)), settle_steps: int = 25, big_start: float = 2.3,
                 big_eta: float = 1.7, slice_step: int = 0, slice_images: int = 10000,
                 slice_ts=None, run_name: str | None = None, step_time: float = 0.7, pause: float = 1.5):
        self.run, self.start, self.eta, self.steps = run, start, eta, steps
        self.run_label = f"the '{run_name}' run" if run_name else network_words.run_label(run.config)
        self.starts, self.settle_steps, self.big_start, self.big_eta = np.asarray(starts), settle_steps, big_start, big_eta
        self.slice_step, self.slice_images = slice_step, slice_images
        self.slice_ts = None if slice_ts is None else np.asarray(slice_ts)
        self.step_time, self.pause = step_time, pause
        self.shown = {}

    def play(self, scene: Scene) -> None:
        toy = self.show_toy_cost(scene)
        self.roll_one_ball(scene, toy)
        self.settle_in_valleys(scene, toy)
        self.overshoot(scene, toy)
        scene.play(FadeOut(toy.group), run_time=self.pause / 2)
        self.show_real_slice(scene)

    def say(self, scene, toy, line: str) -> None:
        """Replace the caption under the toy plot."""
        scene.play(Transform(toy.note, caption(line)), run_time=self.pause / 3)

    # --- the toy -------------------------------------------------------------------------------
    def show_toy_cost(self, scene):
        heading = title("Finding a minimum: roll downhill")
        axes = PlainAxes(**self.PLOT, x_name="w (the one input)", y_name="cost C(w)")
        axes.to_edge(LEFT, buff=0.9).shift(UP * 0.05)
        xs = np.linspace(*BUMPY_RANGE, 241)
        curve = polyline([axes.c2p(x, y) for x, y in zip(xs, bumpy(xs))], COST)
        label = text("a 1-D toy cost", SMALL_SIZE, COST).next_to(axes.c2p(-4, 3.5), DOWN + RIGHT, buff=0.1)
        label.shift(RIGHT * 0.35)
        formula = caption("the toy: C(w) = 0.025 w⁴ − 0.35 w² + 0.5 sin(3.2 w) + 0.1 w + 2")
        scene.play(Write(heading), Create(axes), Write(label), Write(formula), run_time=self.pause / 2)
        scene.play(Create(curve), run_time=self.pause)
        return SimpleNamespace(axes=axes, note=formula, group=Group(heading, axes, curve, label, formula))

    def roll_one_ball(self, scene, toy):
        axes = toy.axes
        path = descend(bumpy_slope, self.start, self.eta, self.steps)
        slopes = bumpy_slope(path)
        moves = -self.eta * slopes                      # the move computed at each iterate
        self.shown["toy"] = {"start": self.start, "eta": self.eta, "w": path.tolist(), "cost": bumpy(path).tolist(),
                             "slope": slopes.tolist(), "move": moves.tolist()}
        rule = MathTex(r"w \;\leftarrow\; w - \eta\, C'(w)", color=TEXT, font_size=40)
        reads = [Readout("η =", self.eta, TEXT, "{:g}"), Readout("step", 0, MUTED, "{:d}"),
                 Readout("w =", path[0], TEXT, "{:.3f}"), Readout("slope C′(w) =", slopes[0], GRADIENT, "{:+.3f}"),
                 Readout("move −η·C′(w) =", moves[0], GRADIENT, "{:+.4f}")]
        column = panel(rule, *reads).to_edge(RIGHT, buff=0.45).shift(UP * 0.5)
        ball = Ball()
        ball.move_to(graph_point(axes, bumpy, path[0], ball.width / 2))
        w_now = ValueTracker(path[0])
        touch = tangent_line(axes, path[0], bumpy(path[0]), slopes[0])
        eta, count, w, slope, move = reads
        # the slope is read off the tangent; the move is computed from eta and the slope
        scene.play(cascade([AnimationGroup(Write(rule), Write(eta), Write(count), Write(w), GrowFromCenter(ball),
                                           Create(touch), Write(move.label)),
                            AnimationGroup(*readout_arrives(slope, touch)), arrive([eta.number, slope.number], move.number)],
                           lag_ratio=0.35), run_time=self.pause / 2)
        scene.add(slope, move)                         # each whole again (label and number arrived apart)
        touch.add_updater(lambda m: m.become(tangent_line(axes, w_now.get_value(), bumpy(w_now.get_value()),
                                                          bumpy_slope(w_now.get_value()))))
        ball.add_updater(lambda m: m.move_to(graph_point(axes, bumpy, w_now.get_value(), m.width / 2)))
        self.say(scene, toy, "Check the slope, step against it, repeat: each move is −η times the slope.")
        marks = VGroup()
        scene.add(marks)
        for k in range(len(path) - 1):
            arrow = Arrow(axes.c2p(path[k], 0), axes.c2p(path[k + 1], 0), buff=0, color=GRADIENT, stroke_width=5,
                          max_tip_length_to_length_ratio=0.45, tip_length=0.16)
            marks.add(Line(axes.c2p(path[k], 0) + DOWN * 0.08, axes.c2p(path[k], 0) + UP * 0.08, color=TEXT,
                           stroke_width=2))
            # the slope at the new iterate and its move (from step 1 on), while the move's arrow grows
            read_off = [(slope, slopes[k], [touch]), (move, moves[k], [eta.number, slope.number])] if k else []
            renumber(scene, read_off, GrowArrow(arrow), run_time=self.step_time * 0.35)
            # the new iterate: the old one plus its move
            renumber(scene, [(w, path[k + 1], [w.number, move.number])], w_now.animate.set_value(path[k + 1]),
                     FadeOut(arrow), run_time=self.step_time * 0.65)
            count.set_value(k + 1)
        renumber(scene, [(slope, slopes[-1], [touch]), (move, moves[-1], [eta.number, slope.number])],
                 Transform(toy.note, caption(f"As the slope flattens the steps shrink: {abs(moves[0]):.3f}, "
                                             f"{abs(moves[1]):.3f}, {abs(moves[2]):.3f}, … {abs(moves[-1]):.4f}, "
                                             "without overshooting.")), run_time=self.pause / 3)
        scene.wait(self.pause)
        for m in (ball, touch):
            m.clear_updaters()
        scene.play(FadeOut(VGroup(ball, touch, marks, column)), run_time=self.pause / 3)

    def settle_in_valleys(self, scene, toy):
        axes = toy.axes
        paths = [descend(bumpy_slope, w0, self.eta, self.settle_steps) for w0 in self.starts]
        finals = np.array([p[-1] for p in paths])
        valleys = valleys_reached(finals)
        self.shown["valleys"] = {"starts": self.starts.tolist(), "eta": self.eta, "steps": self.settle_steps,
                                 "finals": finals.tolist(), "valleys": valleys.tolist(),
                                 "valley_costs": bumpy(valleys).tolist()}
        balls = VGroup(*[Ball(radius=0.11) for _ in paths])
        k_now = ValueTracker(0)

        def place(group):
            k = k_now.get_value()
            i, frac = min(int(k), self.settle_steps - 1), k - min(int(k), self.settle_steps - 1)
            for b, p in zip(group, paths):
                b.move_to(graph_point(axes, bumpy, p[i] + frac * (p[i + 1] - p[i]), b.width / 2))

        place(balls)
        scene.play(cascade([GrowFromCenter(b) for b in balls], lag_ratio=0.08), run_time=self.pause / 3)
        self.say(scene, toy, f"{len(paths)} balls from evenly spaced starts, each taking its own gradient-descent "
                             f"steps (η = {self.eta:g}).")
        balls.add_updater(place)
        scene.play(k_now.animate.set_value(self.settle_steps), run_time=self.step_time * 5, rate_func=linear)
        balls.clear_updaters()
        costs = bumpy(valleys)
        self.say(scene, toy, f"They settle in {len(valleys)} different valleys, costs from {costs.min():.3f} to "
                             f"{costs.max():.3f}: which one depends on the start.")
        scene.wait(self.pause)
        scene.play(FadeOut(balls), run_time=self.pause / 3)

    def overshoot(self, scene, toy):
        axes = toy.axes
        path = descend(bumpy_slope, self.big_start, self.big_eta, 40, limit=self.LIMIT)
        exit_k = first_outside(path)
        exit_k = len(path) - 1 if exit_k is None else exit_k
        self.shown["overshoot"] = {"start": self.big_start, "eta": self.big_eta, "w": path.tolist(), "left_plot_at": exit_k,
                                   "diverged": len(path) < 41, "steps_before_divergence": len(path)}
        eta_read = text(f"η = {self.big_eta:g}: far too large", SMALL_SIZE, GRADIENT)
        trail = text("step 0:  " + fmt_w(path[0]), TINY_SIZE, TEXT)
        column = panel(eta_read, text("w after each step:", TINY_SIZE, MUTED), trail, buff=0.12)
        column.next_to(axes, RIGHT, buff=0.45).align_to(axes.c2p(0, self.PLOT["y_range"][1]), UP)
        ball = Ball().move_to(graph_point(axes, bumpy, path[0], 0.14))
        scene.play(GrowFromCenter(ball), Write(column), run_time=self.pause / 3)
        self.say(scene, toy, "A learning rate that is too large: every step jumps past the valley floor.")
        lines = [trail]
        for k in range(1, exit_k + 1):
            target = graph_point(axes, bumpy, path[k], 0.14)
            jump = ball.animate(path_arc=-np.sign(path[k] - path[k - 1]) * 1.2).move_to(target)
            if k == exit_k:
                jump = jump.set_opacity(0)
            lines.append(text(f"step {k}:  {fmt_w(path[k])}", TINY_SIZE, TEXT if k < exit_k else GRADIENT))
            lines[-1].next_to(lines[-2], DOWN, aligned_edge=LEFT, buff=0.12)
            scene.play(jump, arrive(lines[-2], lines[-1]), run_time=self.step_time * 0.8)   # from the last iterate
        rest = ", ".join(fmt_w(w) for w in path[exit_k + 1:])
        tail = text(f"then {rest},\nthen past ±{self.LIMIT:,.0f}" if len(path) < 41 else f"then {rest}", TINY_SIZE, GRADIENT)
        tail.next_to(lines[-1], DOWN, aligned_edge=LEFT, buff=0.12)
        scene.play(arrive(lines[-1], tail), run_time=self.pause / 3)
        self.say(scene, toy, f"Step {exit_k} leaves the plot (w = {fmt_w(path[exit_k])}); the steps keep growing: "
                             "it diverges.")
        scene.wait(self.pause)
        toy.group.add(ball, column, *lines[1:], tail)

    # --- the real slice ------------------------------------------------------------------------
    def ts_for(self, step_t: float) -> np.ndarray:
        """The t drawn on the slice: ``slice_ts`` if given; else SLICE_TS, unless one gradient step
        (t = ``step_t``) lands outside STEP_IN: then the same shape, from -u to 3u, u a round number near
        ``step_t`` (so the step lands about a third of the way ahead, and u is the tick)."""
        if self.slice_ts is not None:
            return self.slice_ts
        lo, hi, count = self.SLICE_TS
        if self.STEP_IN[0] <= step_t <= self.STEP_IN[1]:
            return np.linspace(lo, hi, count)
        unit = nice_step(4 * step_t)
        return np.linspace(-unit, 3 * unit, count)

    def slice_data(self) -> dict:
        """The real slice at snapshot ``slice_step`` (computed by gdcore on MNIST)."""
        run = self.run
        g_row = int(np.flatnonzero(run.gradient_steps == self.slice_step)[0])
        snapshot = int(np.flatnonzero(run.steps == self.slice_step)[0])
        if run.config.shuffle_labels:
            raise ValueError("the slice uses the real MNIST labels; this run learned shuffled ones")
        data = load_mnist()
        n = min(self.slice_images, run.config.train_size or len(data.train_labels))
        X, Y = inputs(data.train_images[:n]), one_hot(data.train_labels[:n])
        net = run.network(snapshot)
        ts = self.ts_for(float(run.config.eta) * float(np.linalg.norm(run.gradients[g_row])))
        s = gradient_slice(net, X, Y, run.gradients[g_row], ts, run.config.eta)
        low = int(np.argmin(s["costs"]))
        return {"step": self.slice_step, "snapshot": snapshot, "images": n, "num_params": net.num_params,
                "cost": net.cost_name,
                "eta": float(run.config.eta), "ts": s["ts"].tolist(), "costs": s["costs"].tolist(),
                "cost_at_0": float(net.cost(X, Y)), "slope": s["slope"], "step_t": s["step_t"],
                "step_cost": s["step_cost"], "lowest_t": float(s["ts"][low]), "lowest_cost": float(s["costs"][low])}

    def show_real_slice(self, scene):
        d = self.shown["slice"] = self.slice_data()
        ts, costs = np.array(d["ts"]), np.array(d["costs"])
        heading, axes, curve, note = self.slice_plot(d)
        here, step, lowest = self.slice_readouts(d)
        scene.play(Write(heading), Create(axes), Write(note), run_time=self.pause / 2)
        scene.play(Create(curve), run_time=self.pause)

        def f(t):
            return np.interp(t, ts, costs)

        t_now = ValueTracker(0.0)
        ball = Ball().move_to(graph_point(axes, f, 0.0, 0.14))
        touch = tangent_line(axes, 0.0, d["cost_at_0"], d["slope"], length=1.6)
        # the cost is read where the ball sits, the slope off the tangent
        scene.play(cascade([AnimationGroup(GrowFromCenter(ball), Create(touch), Write(here[0])),
                            AnimationGroup(*readout_arrives(here[1], ball), *readout_arrives(here[2], touch))],
                           lag_ratio=0.4), run_time=self.pause / 2)
        scene.add(here)
        scene.wait(self.pause / 2)
        ball.add_updater(lambda m: m.move_to(graph_point(axes, f, t_now.get_value(), 0.14)))
        # one step of length eta * |grad C| (= eta * |slope|), then the cost where it lands
        scene.play(t_now.animate.set_value(d["step_t"]), FadeOut(touch), Write(step[0]), Write(step[2].label),
                   *readout_arrives(step[1], [step[0], here[2].number]), run_time=self.step_time * 1.3)
        ball.clear_updaters()
        scene.play(arrive(ball, step[2].number), run_time=self.step_time * 0.7)
        scene.add(step)
        mark = Dot(axes.c2p(d["lowest_t"], d["lowest_cost"]), color=TEXT, radius=0.06)
        scene.play(cascade([AnimationGroup(GrowFromCenter(mark), Write(lowest[0])),
                            AnimationGroup(*readout_arrives(lowest[1], mark), *readout_arrives(lowest[2], mark))],
                           lag_ratio=0.4), run_time=self.pause / 2)
        scene.add(lowest)
        scene.wait(self.pause)

    def slice_plot(self, d):
        """Title, axes, the cost curve and the caption saying exactly what the slice is."""
        ts, costs = np.array(d["ts"]), np.array(d["costs"])
        heading = title("A real slice: the network's cost along one line")
        y_step = 2.0 if costs.max() <= 10 else nice_step(float(costs.max()))
        named = "" if d["cost"] == "quadratic" else f"{network_words.cost_name(d['cost'])} "
        axes = PlainAxes([ts[0], ts[-1], nice_step(ts[-1] - ts[0])], [0, float(np.ceil(costs.max() / y_step) * y_step), y_step],
                         width=7.8, height=4.1, x_name="t: how far along −∇C",
                         y_name=f"{named}cost on the first {d['images']:,} training images")
        axes.to_edge(LEFT, buff=0.9).shift(DOWN * 0.15)
        curve = polyline([axes.c2p(t, c) for t, c in zip(ts, costs)], COST)
        note = caption(f"The real cost C(θ + t·d) of {self.run_label} at step {d['step']:,} "
                       f"({self.where(d)}), at {len(ts)} values of t,\nalong d = −∇C/|∇C|: one line through the "
                       f"{d['num_params']:,}-dimensional space of weights and biases.", TINY_SIZE)
        return heading, axes, curve, note

    @staticmethod
    def where(d) -> str:
        return "untrained" if d["step"] == 0 else f"after {d['step']:,} steps"

    def slice_readouts(self, d):
        """Three stacked groups in the right column: the snapshot, one gradient step, the lowest point."""
        here = panel(text(f"step {d['step']:,} ({self.where(d)})", SMALL_SIZE, TEXT),
                     Readout("cost at t = 0:", d["cost_at_0"], COST, "{:.3f}"),
                     Readout("slope dC/dt:", d["slope"], GRADIENT, "{:+.3f}"), buff=0.2)
        step = panel(text(f"one gradient step (η = {d['eta']:g})", SMALL_SIZE, TEXT),
                     Readout("t = η·|∇C| =", d["step_t"], GRADIENT, "{:.2f}"),
                     Readout("cost there:", d["step_cost"], COST, "{:.3f}"), buff=0.2)
        lowest = panel(text("lowest on this line:", SMALL_SIZE, TEXT),
                       Readout("t =", d["lowest_t"], MUTED, "{:g}"),
                       Readout("cost", d["lowest_cost"], COST, "{:.3f}"), buff=0.2)
        panel(here, step, lowest, buff=0.45).to_edge(RIGHT, buff=0.45).shift(UP * 0.35)
        return here, step, lowest


class OneDimensionalDescent(GdvizScene):
    """Standalone: gradient descent on a 1-D toy cost, then on a real slice of the lecture's run's cost."""

    def construct(self):
        self.part = DescentInOneDimension(video_run())
        self.part.play(self)

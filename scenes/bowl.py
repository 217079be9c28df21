"""Part: gradient descent on a 2-D toy cost surface, the bowl C(x, y) = 3/2 x^2 + 1/2 y^2 (gdcore.toys, and
said on screen): the gradient and minus the gradient at a point, the (3, 1) reading, and a ball
descending by true gradient-descent iterates, in 3-D.

    .venv/bin/manim -ql scenes/bowl.py TwoDimensionalDescent
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DEGREES, DOWN, LEFT, OUT, RIGHT, UP, Arrow, Create, FadeOut, GrowArrow, GrowFromCenter, Line, MathTex,
                   Surface, ThreeDAxes, ThreeDScene, Transform, VGroup, Write)

from gdcore.toys import bowl, bowl_gradient, descend
from scenes.camera import GdvizThreeDScene
from scenes.landscape import panel, polyline
from scenes.visuals import COST, GRADIENT, MUTED, SMALL_SIZE, TEXT, TINY_SIZE, Ball, arrive, cascade, caption, text, title


# --- descent in two dimensions -----------------------------------------------------------
DEFAULT_CAMERA = {"phi": 0.0, "theta": -90 * DEGREES, "gamma": 0.0, "zoom": 1.0}  # ThreeDCamera's defaults


def level_curve(axes, c: float, span: float) -> VGroup:
    """The level curve 3/2 x^2 + 1/2 y^2 = c of the toy bowl on the floor (z = 0), clipped to |x|, |y| <= span."""
    s = np.linspace(0, 2 * np.pi, 241)
    x, y = np.sqrt(2 * c / 3) * np.cos(s), np.sqrt(2 * c) * np.sin(s)
    inside = (np.abs(x) <= span) & (np.abs(y) <= span)
    pieces = VGroup()
    edges = np.flatnonzero(np.diff(np.r_[0, inside.astype(int), 0]))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a > 1:
            pieces.add(polyline([axes.c2p(x[i], y[i], 0) for i in range(a, b)], COST, 2))
    return pieces


def shade_axes_once(axes: ThreeDAxes) -> ThreeDAxes:
    """``axes`` with the same shading, computed once per change of an axis instead of twice per
    piece and frame. ThreeDAxes gives every piece of an axis a sheen running between the axis' two
    ends along the light, which manim finds from every point of the whole axis, for each piece's
    fill and stroke: a tenth of this part's render. Returns ``axes``."""
    for axis in axes.axes:
        pieces = axis.family_members_with_points()
        ends = pieces[0].get_gradient_start_and_end_points        # ThreeDAxes' function of the axis
        memo = {}

        def shared(axis=axis, ends=ends, memo=memo):
            key = b"".join(m.points.tobytes() for m in axis.family_members_with_points())
            if memo.get("key") != key:
                memo.update(key=key, ends=ends())
            return memo["ends"]

        for piece in pieces:
            piece.get_gradient_start_and_end_points = shared
    return axes


class DescentInTwoDimensions:
    """The 2-D toy cost C(x, y) = 3/2 x^2 + 1/2 y^2 as a surface; at ``point`` its gradient (uphill) and
    minus its gradient (downhill); a ball descending by gradient-descent iterates from ``point`` with
    learning rate ``eta``; the loop as text; the (3, 1) reading.

    Needs a ThreeDScene. The camera tilts at once (while nothing is on screen); at the end it swings back
    to ThreeDScene's default orientation (looking straight down) while the surface gives way to level
    curves and the path drops onto the x-y plane -- so the final picture (the path on a contour map)
    stays on screen and the lecture can go on with 2-D parts. Text is fixed in the frame.
    ``shown``: the gradient at ``point`` and the ratio of its entries, the iterates with their
    gradients and costs, the level values drawn.
    """

    name = "Downhill in two dimensions: the gradient"
    TILT = {"phi": 60 * DEGREES, "theta": -105 * DEGREES}

    def __init__(self, point=(1.0, 1.0), eta: float = 0.2, steps: int = 8, span: float = 1.5,
                 levels=(0.125, 0.5, 1.125, 2.0), resolution: int = 18, step_time: float = 0.8, pause: float = 1.5):
        self.point, self.eta, self.steps, self.span = np.asarray(point, np.float64), eta, steps, span
        self.levels, self.resolution, self.step_time, self.pause = tuple(levels), resolution, step_time, pause
        self.shown = {}

    def play(self, scene: ThreeDScene) -> None:
        if not isinstance(scene, ThreeDScene):
            raise TypeError("DescentInTwoDimensions draws a surface: play it in a ThreeDScene")
        stage = self.show_surface(scene)
        self.show_gradient(scene, stage)
        self.descend(scene, stage)
        self.look_from_above(scene, stage)

    def lift(self, axes, p, floor: bool = False) -> np.ndarray:
        """The point of the surface above input p = (x, y) (or p itself on the floor)."""
        return axes.c2p(p[0], p[1], 0.0 if floor else float(bowl(p[0], p[1])))

    @staticmethod
    def pin(scene, mobject):
        """``mobject`` pinned to the frame but not yet on screen: an entrance animation brings it."""
        scene.renderer.camera.add_fixed_in_frame_mobjects(mobject)
        return mobject

    def arrive(self, scene, sources, result):
        """``arrive`` for text pinned to the frame: the copies that fly are pinned too (every piece they
        will have once aligned with ``result``), or the 3-D camera would project them."""
        flight = arrive(sources, result)
        self.pin(scene, flight.mobject)
        self.pin(scene, flight.target_mobject)
        self.pin(scene, result)
        return flight

    def show_surface(self, scene) -> SimpleNamespace:
        scene.set_camera_orientation(**self.TILT)
        s = self.span
        axes = shade_axes_once(ThreeDAxes(x_range=[-s, s, 1], y_range=[-s, s, 1], z_range=[0, float(bowl(s, s)), 1],
                                          x_length=4.6, y_length=4.6, z_length=2.4, tips=False,
                                          axis_config={"color": MUTED, "stroke_width": 2}))
        theta = self.TILT["theta"]    # shift down and 0.45 to the screen's left, clear of the right column
        axes.shift(OUT * -1.1 - 0.45 * np.array([np.cos(theta + np.pi / 2), np.sin(theta + np.pi / 2), 0]))
        surface = Surface(lambda u, v: self.lift(axes, (u, v)), u_range=[-s, s], v_range=[-s, s],
                          resolution=(self.resolution, self.resolution), fill_opacity=0.6,
                          checkerboard_colors=["#7a2a2a", "#8f3434"], stroke_color="#c05050", stroke_width=0.4)
        names = VGroup(text("x", SMALL_SIZE, MUTED).move_to(axes.c2p(s * 1.15, 0, 0)),
                       text("y", SMALL_SIZE, MUTED).move_to(axes.c2p(0, s * 1.15, 0)))
        scene.renderer.camera.add_fixed_orientation_mobjects(*names)
        heading = self.pin(scene, title("Two inputs: which way is downhill?"))
        label = self.pin(scene, VGroup(text("a 2-D toy cost", SMALL_SIZE, COST),
                                         MathTex(r"C(x, y) = \tfrac{3}{2}x^2 + \tfrac{1}{2}y^2", color=COST,
                                                 font_size=36)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
                           .to_corner(UP + LEFT, buff=0.45).shift(DOWN * 0.85))
        note = self.pin(scene, caption("The input space is the x-y plane; the cost is the height of the surface."))
        scene.play(Write(heading), Write(label), Write(note), Create(axes), Write(names), run_time=self.pause / 2)
        scene.play(Create(surface), run_time=self.pause)
        return SimpleNamespace(axes=axes, surface=surface, note=note, right=label, ball=None, trail=None)

    def show_gradient(self, scene, stage):
        axes, g = stage.axes, bowl_gradient(self.point)
        ratio = float(g[0] / g[1])
        self.shown.update(point=self.point.tolist(), gradient=g.tolist(), ratio=ratio)
        here = self.lift(axes, self.point)
        reach = 0.5 / np.linalg.norm(g)    # the arrows cover 0.5 in the x-y plane, along the tangent plane
        ends = [here + sign * (axes.c2p(*(reach * np.r_[g, g @ g])) - axes.c2p(0, 0, 0)) for sign in (1, -1)]
        arrows = VGroup(*[Arrow(here, end, buff=0, color=GRADIENT, stroke_width=5, tip_length=0.2) for end in ends])
        tags = VGroup(text("∇C", SMALL_SIZE, GRADIENT).move_to(ends[0] + RIGHT * 0.35),
                      text("−∇C", SMALL_SIZE, GRADIENT).move_to(ends[1] + LEFT * 0.45))
        scene.renderer.camera.add_fixed_orientation_mobjects(*tags)
        stage.ball = Ball().move_to(here)
        scene.renderer.camera.add_fixed_orientation_mobjects(stage.ball)
        reading = self.pin(scene, panel(
            text(f"at (x, y) = ({self.point[0]:g}, {self.point[1]:g}):", SMALL_SIZE, TEXT),
            text(f"∇C = ({g[0]:g}, {g[1]:g})  steepest uphill", SMALL_SIZE, GRADIENT),
            text("−∇C: steepest downhill", SMALL_SIZE, GRADIENT),
            text(f"a nudge to x changes C {ratio:g} times", TINY_SIZE, TEXT),
            text("as much as the same nudge to y", TINY_SIZE, TEXT), buff=0.16).to_edge(RIGHT, buff=0.35).shift(UP * 1.6))
        scene.play(GrowFromCenter(stage.ball), run_time=self.pause / 3)
        # the gradient computed from the formula at the point; the ratio from the gradient's entries
        scene.play(GrowArrow(arrows[0]), Write(tags[0]), Write(reading[0]),
                   self.arrive(scene, [stage.right[1], reading[0]], reading[1]), run_time=self.pause / 2)
        scene.play(GrowArrow(arrows[1]), Write(tags[1]), Write(reading[2]), run_time=self.pause / 2)
        scene.play(self.arrive(scene, reading[1], reading[3]), Write(reading[4]), run_time=self.pause / 3)
        scene.wait(self.pause)
        scene.play(FadeOut(arrows), FadeOut(tags), run_time=self.pause / 3)
        stage.right = reading

    def descend(self, scene, stage):
        axes = stage.axes
        path = descend(bowl_gradient, self.point, self.eta, self.steps)
        grads, costs = bowl_gradient(path), bowl(path[:, 0], path[:, 1])
        self.shown.update(eta=self.eta, path=path.tolist(), path_gradients=grads.tolist(), path_costs=costs.tolist())
        loop = self.pin(scene, panel(text("gradient descent:", SMALL_SIZE, TEXT), text("1. compute ∇C", SMALL_SIZE, TEXT),
                                       text(f"2. step −η∇C   (η = {self.eta:g})", SMALL_SIZE, GRADIENT),
                                       text("3. repeat", SMALL_SIZE, TEXT), buff=0.14)
                          .to_corner(DOWN + LEFT, buff=0.45).shift(UP * 0.5))
        status = self.pin(scene, self.status(0, path[0], grads[0], costs[0], stage.right))
        scene.play(Write(loop), Write(status), run_time=self.pause / 3)
        stage.trail = VGroup()
        scene.add(stage.trail)
        for k in range(len(path) - 1):
            a, b = self.lift(axes, path[k]), self.lift(axes, path[k + 1])
            step = Arrow(a, b, buff=0, color=GRADIENT, stroke_width=5, tip_length=0.16, max_tip_length_to_length_ratio=0.4)
            scene.play(GrowArrow(step), run_time=self.step_time * 0.4)
            scene.play(stage.ball.animate.move_to(b), run_time=self.step_time * 0.6)
            # the new iterate from the old one and its gradient; the new gradient and cost from the new iterate
            new = self.pin(scene, self.status(k + 1, path[k + 1], grads[k + 1], costs[k + 1], stage.right))
            flights = [self.arrive(scene, status[:2], new[0]), self.arrive(scene, new[0], new[1]),
                       self.arrive(scene, new[0], new[2])]
            scene.remove(step, status)
            scene.play(cascade(flights, lag_ratio=0.15), run_time=self.step_time * 0.3)
            scene.add(new)            # one group again (its rows arrived apart), so that it can be removed
            stage.trail.add(Line(a, b, color=GRADIENT, stroke_width=3, stroke_opacity=0.8))
            status = new
        stage.status = status

    def status(self, k, p, g, c, above) -> VGroup:
        """Three lines under ``above``: the iterate, its gradient, its cost."""
        rows = panel(text(f"step {k}:  (x, y) = ({p[0]:.3f}, {p[1]:.3f})", TINY_SIZE, TEXT),
                     text(f"∇C = ({g[0]:.3f}, {g[1]:.3f})", TINY_SIZE, GRADIENT),
                     text(f"C = {c:.4f}", TINY_SIZE, COST), buff=0.12)
        return rows.next_to(above, DOWN, aligned_edge=LEFT, buff=0.4)

    def look_from_above(self, scene, stage):
        """Swing the camera back to the default (top) view: the surface gives way to level curves of C
        and the path drops onto the x-y plane, where the steps really live."""
        axes, path = stage.axes, np.array(self.shown["path"])
        self.shown["levels"] = list(self.levels)
        contours = VGroup(*[level_curve(axes, c, self.span) for c in self.levels])
        floor = VGroup(*[Line(self.lift(axes, path[k], True), self.lift(axes, path[k + 1], True), color=GRADIENT,
                              stroke_width=3) for k in range(len(path) - 1)])
        end = self.pin(scene, caption(f"From above, on level curves of C: after {len(path) - 1} steps x = "
                                        f"{path[-1, 0]:.4f} but y = {path[-1, 1]:.3f}; the steeper x settled first."))
        scene.remove(stage.note)
        scene.move_camera(**DEFAULT_CAMERA, added_anims=[
            FadeOut(stage.surface), Create(contours), Transform(stage.trail, floor), Write(end),
            stage.ball.animate.move_to(self.lift(axes, path[-1], True))], run_time=self.pause)
        scene.wait(self.pause)


class TwoDimensionalDescent(GdvizThreeDScene):
    """Standalone: gradient descent on the 2-D toy cost surface (ends looking straight down)."""

    def construct(self):
        self.part = DescentInTwoDimensions()
        self.part.play(self)

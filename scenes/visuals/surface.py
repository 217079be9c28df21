"""A cost grid as a landscape: height is the cost, seen from any elevation and azimuth.

Drawn as flat 2-D polygons projected in NumPy (orthographic, painter's order), not as a manim
``Surface`` under a 3-D camera: a static landscape then costs one draw per animation, and turning the
view moves points instead of re-shading a 3-D mesh every frame.
"""
from __future__ import annotations

import numpy as np
from manim import Line, ManimColor, Polygon, UpdateFromAlphaFunc, VGroup

from scenes.visuals.palette import COST, MUTED
from scenes.visuals.plots import cost_colours
from scenes.visuals.typography import TINY_SIZE, text


def resample(costs: np.ndarray, xs: np.ndarray, ys: np.ndarray, cells: int):
    """The grid costs (nx, ny) at xs (nx,), ys (ny,) resampled bilinearly to ``cells`` points along its longer
    side (the same spacing along both): (costs, xs, ys)."""
    from scipy.ndimage import map_coordinates

    step = max(xs[-1] - xs[0], ys[-1] - ys[0]) / (cells - 1)
    nx, ny = (max(int(round((v[-1] - v[0]) / step)) + 1, 2) for v in (xs, ys))
    fx, fy = np.linspace(0, len(xs) - 1, nx), np.linspace(0, len(ys) - 1, ny)
    fine = map_coordinates(np.asarray(costs, np.float64), np.meshgrid(fx, fy, indexing="ij"), order=1)
    return fine, np.linspace(xs[0], xs[-1], nx), np.linspace(ys[0], ys[-1], ny)


class CostSurface(VGroup):
    """The cost grid ``costs`` (nx, ny) over data coordinates xs (nx,), ys (ny,) as a shaded landscape
    fitted into a ``width`` x ``height`` box: the data plane keeps its true aspect, the cost ``lo`` .. ``hi``
    rises ``relief`` times the plane's longer side. A cost axis with ``ticks`` stands at the back-left.

    ``elevation`` is the viewing angle above the plane in degrees (90: straight from above, like a cost
    map), ``azimuth`` turns the plane about the vertical. ``screen(xyc (k, 3))`` maps (x, y, cost) to frame
    points in the current view; ``height_at(x, y)`` is the grid's (bilinear) cost; ``turn(...)`` returns the
    animation of the view turning, moving the ``followers`` (callables re-placing what sits on the surface).
    """

    HEADROOM = 0.35     # room above the box for the axis name

    def __init__(self, costs, xs, ys, lo: float, hi: float, width: float, height: float, elevation: float = 90,
                 azimuth: float = 0, relief: float = 0.3, cells: int = 40, ticks=(), fmt: str = "{:.1f}", **kw):
        super().__init__(**kw)
        self.grid = (np.asarray(costs, np.float64), np.asarray(xs, np.float64), np.asarray(ys, np.float64))
        self.lo, self.hi, self.box = lo, hi, (width, height)
        self.centre_data = np.array([(xs[0] + xs[-1]) / 2, (ys[0] + ys[-1]) / 2])
        self.rise = relief * max(xs[-1] - xs[0], ys[-1] - ys[0])
        fine, fx, fy = resample(costs, self.grid[1], self.grid[2], cells)
        X, Y = np.meshgrid(fx, fy, indexing="ij")
        P = np.stack([X, Y, fine], -1)                                          # (nx, ny, 3)
        corners = np.stack([P[:-1, :-1], P[1:, :-1], P[1:, 1:], P[:-1, 1:]], axis=2)  # (nx-1, ny-1, 4, 3)
        self.corners = corners.reshape(-1, 4, 3)
        shade = self._shading(self.corners)
        colours = cost_colours(self.corners[:, :, 2].mean(1), lo, hi) * shade[:, None]
        self.quads = [Polygon(*c, fill_color=ManimColor(np.clip(col, 0, 1)), fill_opacity=1, stroke_color=MUTED, stroke_width=0.6,
                              stroke_opacity=0.35) for c, col in zip(self.corners, colours)]
        self.axis = Line(stroke_color=MUTED, stroke_width=1.5)
        self.ticks = [(t, text(fmt.format(t), TINY_SIZE, MUTED)) for t in ticks]
        self.axis_name = text("cost", TINY_SIZE, COST)
        self.anchor = np.zeros(3)
        self.set_view(elevation, azimuth)

    # --- geometry -----------------------------------------------------------------------------------
    def _shading(self, corners) -> np.ndarray:
        """Lambert shading of each quad (n,) in [0.55, 1], lit from the upper left, in data space."""
        p = self._world(corners.reshape(-1, 3)).reshape(corners.shape)
        normal = np.cross(p[:, 1] - p[:, 0], p[:, 3] - p[:, 0])
        normal /= np.linalg.norm(normal, axis=1, keepdims=True)
        light = np.array([-0.5, 0.4, 0.75]) / np.linalg.norm([-0.5, 0.4, 0.75])
        return 0.55 + 0.45 * np.clip(normal @ light, 0, 1)

    def _world(self, xyc) -> np.ndarray:
        """(k, 3) data (x, y, cost) -> world (x, y, up) with the plane centred, up in data units."""
        xyc = np.atleast_2d(np.asarray(xyc, np.float64))
        up = (xyc[:, 2] - self.lo) / (self.hi - self.lo) * self.rise
        return np.column_stack([xyc[:, 0] - self.centre_data[0], xyc[:, 1] - self.centre_data[1], up])

    def _raw(self, xyc):
        """(k, 3) data -> (screen x, screen y, depth) before fitting; depth grows away from the viewer."""
        w = self._world(xyc)
        phi, theta = np.radians(self.view)
        x = w[:, 0] * np.cos(theta) - w[:, 1] * np.sin(theta)
        d = w[:, 0] * np.sin(theta) + w[:, 1] * np.cos(theta)
        return np.column_stack([x, d * np.sin(phi) + w[:, 2] * np.cos(phi), d * np.cos(phi) - w[:, 2] * np.sin(phi)])

    def screen(self, xyc) -> np.ndarray:
        """(k, 3) data points (x, y, cost) -> (k, 3) frame points in the current view."""
        raw = self._raw(xyc)
        out = np.zeros((len(raw), 3))
        out[:, :2] = (raw[:, :2] - self.fit[0]) * self.fit[1] + self.anchor[:2] - [0, self.HEADROOM / 2]
        return out

    def c2p(self, x: float, y: float, cost: float) -> np.ndarray:
        return self.screen([[x, y, cost]])[0]

    def height_at(self, x: float, y: float) -> float:
        """The grid's cost at data point (x, y), bilinear (clamped to the grid)."""
        from scipy.ndimage import map_coordinates

        costs, xs, ys = self.grid
        fx = np.interp(x, xs, np.arange(len(xs)))
        fy = np.interp(y, ys, np.arange(len(ys)))
        return float(map_coordinates(costs, [[fx], [fy]], order=1)[0])

    # --- view -------------------------------------------------------------------------------------------
    def set_view(self, elevation: float, azimuth: float) -> "CostSurface":
        """Look from ``elevation`` degrees above the plane, turned ``azimuth`` degrees; the landscape is
        refitted into its box about its current centre, far quads drawn first."""
        self.view = (float(elevation), float(azimuth))
        flat = self.corners.reshape(-1, 3)
        raw = self._raw(flat)
        drawn = np.vstack([raw, self._raw([self._back_corner(self.lo), self._back_corner(self.hi)])])
        (x0, y0), (x1, y1) = drawn[:, :2].min(0), drawn[:, :2].max(0)     # the quads and the axis
        scale = min(self.box[0] / (x1 - x0), (self.box[1] - self.HEADROOM) / (y1 - y0))
        self.fit = (np.array([(x0 + x1) / 2, (y0 + y1) / 2]), scale)
        pts = self.screen(flat).reshape(self.corners.shape)
        depth = raw[:, 2].reshape(-1, 4).mean(1)
        for quad, corner in zip(self.quads, pts):
            quad.set_points_as_corners([*corner, corner[0]])
        order = np.argsort(-depth, kind="stable")
        self._place_axis()
        # the axis first: it stands at the far corner, so the surface hides what of it is below the surface
        self.submobjects = [self.axis, *(t for _, t in self.ticks), self.axis_name] + [self.quads[i] for i in order]
        return self

    def _plane_corners(self) -> np.ndarray:
        """(4, 3) the plane's corners at cost ``lo``."""
        _, xs, ys = self.grid
        return np.array([[x, y, self.lo] for x in (xs[0], xs[-1]) for y in (ys[0], ys[-1])])

    def _back_corner(self, cost: float) -> np.ndarray:
        """(3,) the data point at ``cost`` above the plane's corner farthest from the viewer (leftmost of a tie)."""
        corners = self._plane_corners()
        raw = self._raw(corners)
        x, y, _ = corners[np.argmax(raw[:, 2] - 1e-3 * raw[:, 0])]
        return np.array([x, y, cost])

    def _place_axis(self) -> None:
        """The cost axis at the back-left corner of the plane (the one farthest from the viewer)."""
        bottom, top = self.screen([self._back_corner(self.lo), self._back_corner(self.hi)])
        back = self._back_corner(self.lo)
        self.axis.put_start_and_end_on(bottom, top + 1e-6 * (top - bottom + 1))
        for value, label in self.ticks:
            label.next_to(self.c2p(back[0], back[1], value), np.array([-1.0, 0, 0]), buff=0.08)
        self.axis_name.next_to(top, np.array([0, 1.0, 0]), buff=0.1)
        length = float(np.linalg.norm(top - bottom))     # seen from above the axis is a point: no labels
        self.axis.set_stroke(opacity=float(np.clip(length / 0.3, 0, 1)))
        for m in (*(t for _, t in self.ticks), self.axis_name):
            m.set_opacity(float(np.clip((length - 1.0) / 0.5, 0, 1)))

    def shift(self, *vectors):
        """Move the landscape (its box keeps the new place when the view turns)."""
        self.anchor = self.anchor + sum(np.asarray(v, np.float64) for v in vectors)
        return super().shift(*vectors)

    def turn(self, elevation: float, azimuth: float, followers=(), **kw):
        """The animation of the view turning to (``elevation``, ``azimuth``); each of ``followers`` is
        called after every frame's update (to re-place balls and paths on the surface)."""
        start = np.array(self.view)
        end = np.array([elevation, azimuth], np.float64)

        def update(mob, alpha):
            mob.set_view(*(start + alpha * (end - start)))
            for follow in followers:
                follow()

        return UpdateFromAlphaFunc(self, update, **kw)

"""Plots: axes labelled in the project's font, curves, signed bars, cost maps seen from above."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Group, ImageMobject, Line, Rectangle, VGroup, VMobject

from scenes.visuals.palette import BACKGROUND, COST, MUTED, rgb, signed_color
from scenes.visuals.typography import SMALL_SIZE, TINY_SIZE, text


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = span / ticks
    power = 10 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


class LogEpochAxes(Axes):
    """Axes whose x is the epoch on a log scale, from ``first`` to ``last`` epochs.

    ``point(epoch, y)`` maps data to the frame; x ticks are labelled at powers of ten.
    """

    def __init__(self, first: float, last: float, y_max: float, y_label: str, width=5.6, height=1.8,
                 y_format="{:g}", color=MUTED):
        self.lo = np.floor(np.log10(first))
        span = np.log10(last) - self.lo
        step = nice_step(y_max)
        super().__init__(x_range=[0, span, 1], y_range=[0, y_max, step], x_length=width, y_length=height,
                         tips=False, axis_config={"color": color, "stroke_width": 2})
        labels = VGroup()
        for k in range(int(np.floor(span)) + 1):
            labels.add(text(f"{10.0 ** (k + self.lo):g}", TINY_SIZE, MUTED).next_to(self.c2p(k, 0), DOWN, buff=0.12))
        for y in np.arange(step, y_max + 1e-9, step):
            labels.add(text(y_format.format(y), TINY_SIZE, MUTED).next_to(self.c2p(0, y), LEFT, buff=0.12))
        self.labels = labels
        self.y_name = text(y_label, SMALL_SIZE, MUTED).next_to(self, UP, buff=0.12).align_to(self, LEFT)
        self.x_name = text("epochs (log scale)", TINY_SIZE, MUTED).next_to(self.c2p(span, 0), DOWN, buff=0.45)
        self.x_name.align_to(self, RIGHT)
        self.add(labels, self.y_name, self.x_name)

    def point(self, epoch: float, y: float) -> np.ndarray:
        return self.c2p(max(np.log10(max(epoch, 1e-300)) - self.lo, 0.0), y)

    def curve(self, epochs, ys, color) -> VMobject:
        """The polyline through the (epoch, y) points with epoch > 0."""
        return self.trace(VMobject(stroke_color=color, stroke_width=3), epochs, ys)

    def trace(self, curve: VMobject, epochs, ys) -> VMobject:
        """Set ``curve``'s points to the polyline through the (epoch, y) points with epoch > 0."""
        points = [self.point(e, y) for e, y in zip(epochs, ys) if e > 0]
        if points:
            curve.set_points_as_corners(points if len(points) > 1 else points * 2)
        return curve



class PlainAxes(Axes):
    """Linear axes labelled in the project's font (no LaTeX). ``x_range``/``y_range`` are [lo, hi, step].

    x tick labels sit under the x axis, y tick labels along the left edge of the plot (so they never
    cross a curve); ``x_name`` goes under the right end, ``y_name`` above the left edge.
    """

    def __init__(self, x_range, y_range, width: float, height: float, x_name: str = "", y_name: str = "",
                 color=MUTED, x_format: str = "{:g}", y_format: str = "{:g}"):
        super().__init__(x_range=x_range, y_range=y_range, x_length=width, y_length=height, tips=False,
                         axis_config={"color": color, "stroke_width": 2})
        y_axis_at = min(max(0.0, y_range[0]), y_range[1])
        self.labels = VGroup()
        for x in np.arange(x_range[0], x_range[1] + 1e-9, x_range[2]):
            self.labels.add(text(x_format.format(x + 0.0), TINY_SIZE, color).next_to(self.c2p(x, y_axis_at), DOWN, buff=0.12))
        for y in np.arange(y_range[0], y_range[1] + 1e-9, y_range[2]):
            self.labels.add(text(y_format.format(y + 0.0), TINY_SIZE, color).next_to(self.c2p(x_range[0], y), LEFT, buff=0.15))
        self.x_name = text(x_name, TINY_SIZE, color).next_to(self.labels[:1], DOWN, buff=0.12).align_to(self, RIGHT)
        self.y_name = text(y_name, SMALL_SIZE, color).next_to(self, UP, buff=0.15).align_to(self.labels, LEFT)
        self.add(self.labels, self.x_name, self.y_name)


# --- long curves on linear axes, signed bars ------------------------------------------------------
def axes_polyline(axes, xs, ys, color, width: float = 3, opacity: float = 1.0, into: VMobject | None = None) -> VMobject:
    """The polyline through the points (xs[i], ys[i]) of linear ``axes``, mapped in one vectorized step
    (cheap for thousands of points, so it can be rebuilt every frame). With ``into``, that VMobject
    takes the new points and style in place: far cheaper than ``into.become(...)``, which first aligns
    the old path's points with the new one's (in a Python loop of ``np.allclose`` calls; it was most of
    the training-curve part's render time)."""
    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    origin = axes.c2p(0, 0)
    points = origin + np.outer(xs, axes.c2p(1, 0) - origin) + np.outer(ys, axes.c2p(0, 1) - origin)
    curve = into if into is not None else VMobject()
    curve.set_stroke(color=color, width=width, opacity=opacity)
    if len(points):
        curve.set_points_as_corners(points if len(points) > 1 else np.vstack([points, points]))
    else:
        curve.clear_points()
    return curve



def signed_bar(fraction: float, width: float, height: float) -> Rectangle:
    """A horizontal bar |fraction| * ``width`` long, coloured by ``signed_color(fraction)``."""
    return Rectangle(width=max(abs(float(fraction)) * width, 0.005), height=height, stroke_width=0,
                     fill_color=signed_color(fraction), fill_opacity=0.9)



def cost_colours(costs, lo: float, hi: float, gamma: float = 0.6, strength: float = 0.7) -> np.ndarray:
    """costs (...) -> RGB (..., 3) in [0, 1], the colour scale of every cost map, surface and legend:
    BACKGROUND where the cost is ``lo`` or less, ``strength`` of the way to COST where it is ``hi`` or more
    (in between ``strength * ((c - lo) / (hi - lo)) ** gamma``)."""
    blend = strength * np.clip((np.asarray(costs, np.float64) - lo) / (hi - lo), 0, 1) ** gamma
    return rgb(BACKGROUND) + blend[..., None] * (rgb(COST) - rgb(BACKGROUND))


def cost_map_rgba(costs: np.ndarray, lo: float, hi: float, pixels: tuple = (720, 360), levels=None,
                  gamma: float = 0.6, strength: float = 0.7) -> np.ndarray:
    """A cost grid seen from above -> (pixels[1], pixels[0], 4) uint8 RGBA in ``cost_colours``, with thin
    MUTED level curves wherever the cost crosses one of ``levels``.

    ``costs`` (nx, ny): costs[i, j] at the i-th x (left to right) and j-th y (bottom to top), as
    gdcore's grids are laid out. It is resampled bilinearly to ``pixels`` (width, height).
    """
    from scipy.ndimage import map_coordinates

    costs = np.asarray(costs, np.float64)
    width, height = pixels
    gx = np.linspace(0, costs.shape[0] - 1, width)
    gy = np.linspace(costs.shape[1] - 1, 0, height)                  # image rows run top to bottom
    fine = map_coordinates(costs, np.meshgrid(gx, gy), order=1)          # (height, width)
    colour = cost_colours(fine, lo, hi, gamma, strength)
    if levels is not None and len(levels):
        band = np.searchsorted(np.sort(np.asarray(levels, np.float64)), fine)
        edge = np.zeros(fine.shape, bool)
        edge[1:] |= band[1:] != band[:-1]
        edge[:, 1:] |= band[:, 1:] != band[:, :-1]
        colour[edge] = 0.35 * colour[edge] + 0.65 * rgb(MUTED)
    out = np.empty(fine.shape + (4,), np.uint8)
    out[..., :3] = np.round(np.clip(colour, 0, 1) * 255)
    out[..., 3] = 255
    return out


def _multiples(value_range) -> np.ndarray:
    """The multiples of value_range[2] (the tick step) within [value_range[0], value_range[1]]."""
    if len(value_range) < 3:
        return np.array([])
    lo, hi, step = value_range
    return np.arange(np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9) + 1) * step


class CostMap(Group):
    """A cost grid drawn from above as one image, ``width`` x ``height`` units, with a frame and tick
    labels: x runs ``x_range`` = [lo, hi, tick step] left to right, y runs ``y_range`` bottom to top
    (ticks at the multiples of the step).

    ``c2p(x, y)`` / ``frame_points(xy (k, 2))`` map data coordinates to the frame; ``set_costs`` swaps the
    picture (same extent). Tick labels and axis names are plain text, outside the image.
    """

    def __init__(self, costs, x_range, y_range, width: float, height: float, lo: float, hi: float,
                 levels=None, x_name: str = "", y_name: str = "", x_format: str = "{:g}", y_format: str = "{:g}",
                 pixels: tuple | None = None, **kw):
        self.x_range, self.y_range, self.lo, self.hi, self.levels = x_range, y_range, lo, hi, levels
        self.pixels = pixels or (int(round(width * 80)), int(round(height * 80)))
        self.image = ImageMobject(cost_map_rgba(costs, lo, hi, self.pixels, levels))
        self.image.stretch_to_fit_width(width).stretch_to_fit_height(height)
        self.frame = Rectangle(width=width, height=height, stroke_color=MUTED, stroke_width=1.5)
        self.labels = VGroup()
        for x in _multiples(x_range):
            tick = Line(UP * 0.07, DOWN * 0.07, stroke_color=MUTED, stroke_width=1.5)
            self.labels.add(tick.move_to(self._raw(x, y_range[0]) + DOWN * 0.07),
                            text(x_format.format(x + 0.0).replace("-", "−"), TINY_SIZE, MUTED)
                            .next_to(self._raw(x, y_range[0]), DOWN, buff=0.14))
        for y in _multiples(y_range):
            tick = Line(LEFT * 0.07, RIGHT * 0.07, stroke_color=MUTED, stroke_width=1.5)
            self.labels.add(tick.move_to(self._raw(x_range[0], y) + LEFT * 0.07),
                            text(y_format.format(y + 0.0).replace("-", "−"), TINY_SIZE, MUTED)
                            .next_to(self._raw(x_range[0], y), LEFT, buff=0.14))
        self.x_name = text(x_name, SMALL_SIZE, MUTED).next_to(self.frame, DOWN, buff=0.5) if x_name else VGroup()
        self.y_name = text(y_name, SMALL_SIZE, MUTED).next_to(self.frame, LEFT, buff=0.55) if y_name else VGroup()
        super().__init__(self.image, self.frame, self.labels, self.x_name, self.y_name, **kw)

    def _raw(self, x: float, y: float) -> np.ndarray:
        """Data -> frame point while the map still sits at the origin (used while building)."""
        w, h = self.frame.width, self.frame.height
        fx = (x - self.x_range[0]) / (self.x_range[1] - self.x_range[0])
        fy = (y - self.y_range[0]) / (self.y_range[1] - self.y_range[0])
        return np.array([(fx - 0.5) * w, (fy - 0.5) * h, 0.0])

    def frame_points(self, xy) -> np.ndarray:
        """(k, 2) data points -> (k, 3) frame points (vectorized)."""
        xy = np.atleast_2d(np.asarray(xy, np.float64))
        corner, w, h = self.frame.get_corner(DOWN + LEFT), self.frame.width, self.frame.height
        out = np.zeros((len(xy), 3))
        out[:, 0] = corner[0] + (xy[:, 0] - self.x_range[0]) / (self.x_range[1] - self.x_range[0]) * w
        out[:, 1] = corner[1] + (xy[:, 1] - self.y_range[0]) / (self.y_range[1] - self.y_range[0]) * h
        return out

    def c2p(self, x: float, y: float) -> np.ndarray:
        return self.frame_points([[x, y]])[0]

    def set_costs(self, costs) -> "CostMap":
        """Show another grid of the same extent (e.g. one mini-batch's own cost)."""
        self.image.pixel_array = cost_map_rgba(costs, self.lo, self.hi, self.pixels, self.levels)
        return self

    def polyline(self, xy, color, width: float = 3, opacity: float = 1.0) -> VMobject:
        """The path through the data points xy (k, 2), drawn over the map."""
        line = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
        return self.trace(line, xy)

    def trace(self, line: VMobject, xy) -> VMobject:
        """Set ``line``'s points to the polyline through the data points xy (k, 2)."""
        pts = self.frame_points(xy)
        line.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
        return line


def cost_legend(lo: float, hi: float, height: float = 3.0, width: float = 0.28, ticks=(), fmt: str = "{:.2f}",
                label: str = "cost") -> Group:
    """A vertical colour bar for ``cost_map_rgba``: ``lo`` at the bottom, ``hi`` at the top, with text
    ticks at the values ``ticks``. ``legend.y_of(c)`` is the frame height of cost c on the bar."""
    bar = ImageMobject(cost_map_rgba(np.tile(np.linspace(lo, hi, 200), (2, 1)), lo, hi, (4, 200)))
    bar.stretch_to_fit_width(width).stretch_to_fit_height(height)
    frame = Rectangle(width=width, height=height, stroke_color=MUTED, stroke_width=1)
    marks = VGroup(*[text(fmt.format(t), TINY_SIZE, MUTED).move_to(
        [width / 2 + 0.1, -height / 2 + height * (t - lo) / (hi - lo), 0], aligned_edge=LEFT) for t in ticks])
    name = text(label, TINY_SIZE, COST).next_to(frame, UP, buff=0.12)
    legend = Group(bar, frame, marks, name)
    legend.y_of = lambda c: frame.get_bottom()[1] + frame.height * float(np.clip((c - lo) / (hi - lo), 0, 1))
    return legend


def swatch(color, label: str, size: int = SMALL_SIZE) -> VGroup:
    """A short line of ``color`` followed by ``label``: a legend entry for a path."""
    line = Line(LEFT * 0.22, RIGHT * 0.22, stroke_color=color, stroke_width=5)
    return VGroup(line, text(label, size, color)).arrange(RIGHT, buff=0.15)

"""The shared look of every gdviz scene: palette, type scale, and reusable mobjects.

Colour always means the same thing: POSITIVE (blue) and NEGATIVE (red) for signed numbers such as
weights, COST for the cost, GRADIENT for gradient arrows, ACCURACY for accuracy.
"""
from __future__ import annotations

import numpy as np
from manim import (BLUE, DOWN, GREEN, GREY_B, LEFT, RED, RIGHT, UP, WHITE, YELLOW, Axes, Group, ImageMobject,
                   ManimColor, Rectangle, Text, VGroup, VMobject)
from manim.constants import RESAMPLING_ALGORITHMS

# --- palette ----------------------------------------------------------------------------------
POSITIVE = BLUE
NEGATIVE = RED
COST = RED
GRADIENT = YELLOW
ACCURACY = GREEN
TEXT = WHITE
MUTED = GREY_B

# --- type scale (font sizes in manim units of Text) ---------------------------------------------
FONT = "DejaVu Sans"
TITLE_SIZE = 40
BODY_SIZE = 28
SMALL_SIZE = 22
TINY_SIZE = 18


def text(s: str, size: int = BODY_SIZE, color=TEXT, **kw) -> Text:
    """Text in the project's font."""
    return Text(s, font=FONT, font_size=size, color=color, **kw)


def title(s: str) -> Text:
    return fit_width(text(s, TITLE_SIZE)).to_edge(UP, buff=0.3)


def fit_width(mobject, width: float = 13.2):
    """Shrink ``mobject`` to at most ``width`` units wide (the frame is 14.2)."""
    if mobject.width > width:
        mobject.scale_to_fit_width(width)
    return mobject


def caption(s: str, size: int = SMALL_SIZE) -> Text:
    """A caption line at the bottom edge of the frame (shrunk to fit if long)."""
    return fit_width(text(s, size, MUTED)).to_edge(DOWN, buff=0.25)


def rgb(color) -> np.ndarray:
    """A manim colour as three floats in [0, 1]."""
    return np.array(ManimColor(color).to_rgb())


# --- images -----------------------------------------------------------------------------------
def signed_rgba(values: np.ndarray, scale: float | None = None, gamma: float = 0.5) -> np.ndarray:
    """(h, w) signed values -> (h, w, 4) uint8 RGBA: blue where positive, red where negative.

    Opacity is (|v| / scale) ** gamma, with ``scale`` the largest |v| unless given.
    """
    values = np.asarray(values, np.float64)
    scale = float(np.abs(values).max()) if scale is None else float(scale)
    strength = np.clip(np.abs(values) / (scale or 1.0), 0, 1) ** gamma
    out = np.empty(values.shape + (4,), np.uint8)
    colour = np.where(values[..., None] >= 0, rgb(POSITIVE), rgb(NEGATIVE))
    out[..., :3] = np.round(colour * 255)
    out[..., 3] = np.round(strength * 255)
    return out


class PixelImage(ImageMobject):
    """A small image (e.g. 28x28) drawn with crisp, nearest-neighbour pixels, ``height`` units tall."""

    def __init__(self, rgba: np.ndarray, height: float = 1.0, **kw):
        super().__init__(rgba, **kw)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.height = height

    def set_rgba(self, rgba: np.ndarray) -> "PixelImage":
        self.pixel_array = np.asarray(rgba, np.uint8)
        return self


class WeightImage(Group):
    """The 784 incoming weights of one first-layer neuron as a 28x28 blue/red image, with a frame."""

    def __init__(self, weights: np.ndarray, height: float = 1.2, **kw):
        self.image = PixelImage(signed_rgba(np.reshape(weights, (28, 28))), height)
        self.frame = Rectangle(width=height, height=height, stroke_color=MUTED, stroke_width=1)
        super().__init__(self.image, self.frame, **kw)

    def set_weights(self, weights: np.ndarray) -> "WeightImage":
        self.image.set_rgba(signed_rgba(np.reshape(weights, (28, 28))))
        return self


def digit_rgba(image: np.ndarray) -> np.ndarray:
    """A (28, 28) uint8 MNIST image -> white-on-transparent RGBA."""
    out = np.full(image.shape + (4,), 255, np.uint8)
    out[..., 3] = image
    return out


# --- plots ------------------------------------------------------------------------------------
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
        points = [self.point(e, y) for e, y in zip(epochs, ys) if e > 0]
        curve = VMobject(stroke_color=color, stroke_width=3)
        if points:
            curve.set_points_as_corners(points if len(points) > 1 else points * 2)
        return curve


class Readout(VGroup):
    """'label value' in the project's font; ``set_value`` rewrites the number (cheap, no LaTeX)."""

    def __init__(self, label: str, value: float, color, fmt: str = "{:.3f}", size: int = SMALL_SIZE):
        self.fmt, self.size, self.color_ = fmt, size, color
        self.label = text(label, size, color)
        self.number = text(fmt.format(value), size, color)
        super().__init__(self.label, self.number)
        self.number.next_to(self.label, RIGHT, buff=0.15)
        self.value = value

    def set_value(self, value: float) -> "Readout":
        new = text(self.fmt.format(value), self.size, self.color_)
        new.next_to(self.label, RIGHT, buff=0.15)
        self.number.become(new)
        self.value = value
        return self

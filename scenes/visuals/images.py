"""Images: weights and digits as one crisp ImageMobject each (never one square per pixel)."""
from __future__ import annotations

import numpy as np
from manim import Group, ImageMobject, Rectangle
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.visuals.palette import MUTED, NEGATIVE, POSITIVE, TEXT, rgb


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


class FramedImage(Group):
    """A 28x28 picture with crisp pixels and a thin frame, ``height`` units tall. Subclasses say how
    values become the picture (``rgba_of``: (28, 28) -> (28, 28, 4) uint8)."""

    rgba_of = None

    def __init__(self, values: np.ndarray, height: float, **kw):
        self.image = PixelImage(self.rgba_of(np.reshape(values, (28, 28))), height)
        self.frame = Rectangle(width=height, height=height, stroke_color=MUTED, stroke_width=1)
        super().__init__(self.image, self.frame, **kw)

    def set_values(self, values: np.ndarray) -> "FramedImage":
        self.image.set_rgba(self.rgba_of(np.reshape(values, (28, 28))))
        return self


def digit_rgba(image: np.ndarray) -> np.ndarray:
    """A (28, 28) uint8 MNIST image -> ink in the TEXT colour on a transparent background (RGBA)."""
    out = np.empty(image.shape + (4,), np.uint8)
    out[..., :3] = np.round(rgb(TEXT) * 255)
    out[..., 3] = image
    return out


class WeightImage(FramedImage):
    """The 784 incoming weights of one first-layer neuron as a 28x28 blue/red image, with a frame."""

    rgba_of = staticmethod(signed_rgba)

    def __init__(self, weights: np.ndarray, height: float = 1.2, **kw):
        super().__init__(weights, height, **kw)

    def set_weights(self, weights: np.ndarray) -> "WeightImage":
        return self.set_values(weights)


class DigitImage(FramedImage):
    """A 28x28 MNIST image, white on the background, crisp pixels, with a thin frame."""

    rgba_of = staticmethod(digit_rgba)

    def __init__(self, image: np.ndarray, height: float = 2.0, **kw):
        super().__init__(image, height, **kw)

"""The cameras and scene bases of every gdviz scene: images drawn the same on every machine, and fast.

manim's Cairo camera draws an ImageMobject by solving an 8x8 linear system (``np.linalg.solve``,
LAPACK) for a perspective map, then alpha-compositing a frame-sized copy of the image onto the frame.
Two costs follow:

- The solve's last bits depend on the BLAS kernel (AVX-512 or not), and so does every output pixel
  whose centre falls exactly on a source-pixel boundary: with our round-number layouts that happens
  along whole image edges (a 28-pixel digit 0.5 units tall, at 480p, has its top edge on a
  half-pixel). A fresh AVX-512 machine drew 123 values differently from this one.
- Compositing the full frame once per image: 16 weight images at 1080p mean 16 frame-sized copies
  per frame.

``StableImages`` draws an axis-aligned image (every image gdviz shows) by an affine map computed
from corner coordinates rounded to 1/1024 pixel, with plain arithmetic (no LAPACK), and composites
only the box the image covers. The same mobject positions give the same pixels on every CPU; images
that are rotated, skewed or seen in perspective fall back to manim's own drawing.

Videos are written by ``scenes/encoding.py``'s ``QuickFileWriter``.
"""
from __future__ import annotations

import numpy as np
from manim import Scene, ThreeDScene, config
from manim.camera.camera import Camera
from manim.camera.three_d_camera import ThreeDCamera
from manim.constants import RendererType
from PIL import Image

from scenes.encoding import QuickFileWriter
from scenes.reading import ReadingPace
from scenes.redraw import RedrawLess, RedrawLessRenderer

SUBPIXEL = 1024.0   # corner coordinates are rounded to 1/SUBPIXEL of a pixel


class StableImages:
    """Camera mixin: machine-independent, box-sized drawing of axis-aligned ImageMobjects."""

    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        corners = np.round(self.points_to_subpixel_coords(image_mobject, image_mobject.points) * SUBPIXEL) / SUBPIXEL
        (x0, y0), (x1, y1b), (x0b, y1), (x1c, y1c) = corners          # up-left, up-right, down-left, down-right
        if not (x0 == x0b and x1 == x1c and y0 == y1b and y1 == y1c and x1 > x0 and y1 > y0):
            return super().display_image_mobject(image_mobject, pixel_array)
        if x1 - x0 < 0.5 or y1 - y0 < 0.5:                          # thinner than half a pixel: nothing to draw
            return None
        height, width = pixel_array.shape[:2]
        left, top = max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0)
        right, bottom = min(int(np.ceil(x1)), width), min(int(np.ceil(y1)), height)
        if right <= left or bottom <= top:                           # entirely off the frame
            return None
        source = Image.fromarray(image_mobject.get_pixel_array(), mode="RGBA")
        sx, sy = source.width / (x1 - x0), source.height / (y1 - y0)
        # output pixel (u, v) of the box samples the source at ((left + u + 0.5 - x0) sx, (top + v + 0.5 - y0) sy)
        placed = source.transform((right - left, bottom - top), Image.Transform.AFFINE,
                                  data=(sx, 0.0, (left - x0) * sx, 0.0, sy, (top - y0) * sy),
                                  resample=image_mobject.resampling_algorithm)
        box = pixel_array[top:bottom, left:right]
        box[:] = np.asarray(Image.alpha_composite(Image.fromarray(box, mode="RGBA"), placed), np.uint8)
        return None


class FlatView:
    """ThreeDCamera mixin: while the camera looks straight down (manim's default orientation: every
    part of a lecture but the two 3-D ones, since a lecture is a ThreeDScene), a mobject whose
    points all have d / (d - z) = 1 exactly (focal distance d; z = 0, or the 1e-17 of a glyph) is
    projected by a shift and the zoom. manim's ``project_points`` rotates by the identity and scales
    by that 1, which give exactly the same numbers at several times the cost: the projection was a
    fifth of the Recap part's render inside the lecture."""

    def transform_points_pre_display(self, mobject, points):
        rotation = self.rotation_matrix               # a new array at each frame (reset_rotation_matrix)
        if getattr(self, "_flat_view", (None,))[0] is not rotation:
            distance = self.get_focal_distance()
            self._flat_view = (rotation, bool(np.array_equal(rotation, np.eye(3)) and distance > 0
                                              and not self.exponential_projection), distance)
        if not self._flat_view[1] or mobject in self.fixed_in_frame_mobjects \
                or mobject in self.fixed_orientation_mobjects:
            return super().transform_points_pre_display(mobject, points)
        if not np.isfinite(points).all():             # what Camera.transform_points_pre_display does
            points = np.zeros((1, 3))
        shifted = points - self.frame_center
        zs, distance = shifted[:, 2], self._flat_view[2]
        if zs.any() and not (distance - zs == distance).all():    # perspective does change them
            return super().transform_points_pre_display(mobject, points)
        zoom = self.get_zoom()
        if zoom != 1:
            shifted[:, :2] *= zoom
        return shifted


class StableCamera(RedrawLess, StableImages, Camera):
    """manim's Cairo camera with stable, fast images, drawing unchanged mobjects once a play
    (scenes/redraw.py)."""


class StableThreeDCamera(RedrawLess, StableImages, FlatView, ThreeDCamera):
    """manim's 3-D Cairo camera with stable, fast images (images facing the camera), drawing
    unchanged mobjects once a play (scenes/redraw.py), flat ones quickly while it looks straight down."""


class StableCameraScene:
    """Scene mixin: the camera class is ``CAMERA`` unless one is passed, and videos are written by
    the QuickFileWriter."""

    CAMERA = StableCamera

    def __init__(self, **kwargs):
        kwargs.setdefault("camera_class", self.CAMERA)
        if kwargs.get("renderer") is None and config.renderer == RendererType.CAIRO:
            kwargs["renderer"] = RedrawLessRenderer(file_writer_class=QuickFileWriter, camera_class=kwargs["camera_class"],
                                               skip_animations=kwargs.get("skip_animations", False))
        super().__init__(**kwargs)


class GdvizScene(ReadingPace, StableCameraScene, Scene):
    """The base of every 2-D gdviz scene: a Scene with the StableCamera, whose texts stay on screen
    long enough to read (scenes/reading.py)."""


class GdvizThreeDScene(ReadingPace, StableCameraScene, ThreeDScene):
    """The base of every 3-D gdviz scene (and of the lectures): a ThreeDScene with StableThreeDCamera,
    whose texts stay on screen long enough to read."""

    CAMERA = StableThreeDCamera

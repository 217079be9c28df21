"""Draw once what does not change during an animation: the same pixels, fewer Cairo calls.

manim's Cairo renderer draws a play's static mobjects once into a background, but it counts as
moving *every* mobject after the first one that is animated or has an updater (in drawing order):
``Scene.get_moving_mobjects`` returns the rest of the list from there on. A step_through updater on
the weight images (second on screen) makes the key, the caption, both axes with their tick labels
and both curves after it "moving": HiddenWeights at 1080p60 drew about 340 VMobjects a frame, and
Cairo's path building and filling was 22 of its 52 profiled seconds (set_cairo_context_path alone
15 s for 265,000 calls).

``RedrawLess`` (a camera mixin) finds, while a play runs, the mobjects among those "moving" ones
that did not change since the previous frame, and draws them once more into a background of its
own. It may do so only where that cannot change a pixel: drawing is a sequence of operations on
one uint8 pixel array, so a mobject may move into the background only if it commutes with every
mobject still drawn each frame that comes before it, i.e. their pixel footprints are disjoint.
A footprint is the box of the projected points (Bezier curves lie in their control points' hull),
widened by the miter join of the widest stroke (Cairo's default miter limit 10: 5 stroke widths)
and 3 pixels of antialiasing; an image drawn by manim's own code (not axis-aligned) covers the
whole frame. Cached mobjects keep their order among themselves.

Each frame, a cached mobject is checked against what it looked like (its points, colours, stroke
widths, sheen, image pixels; the camera's frame and 3-D angles). A mobject that has changed, that a
moving one overlapped, or that first appears after the cache was built (a readout's new digits) is
drawn every frame until it has been still for STILL_FRAMES frames; then it comes back into the
cache, but only once enough of them wait (MIN_RETURNING, or RETURNING_SHARE of what the cache holds)
and at most MAX_RETURNS times a play, so the cache is rebuilt only a few times a play (letting new
digits in at once rebuilt it at every step: 1.05x instead of 1.44x). A Create of a network's 672
edges one after another, under the table fading out: GradientAsNudges 25.7 s -> 24.0 s at 1080p60.
Anything this module does not model (non-default line joins or caps, which Cairo keeps as context
state from one mobject to the next; background-image colouring; point clouds; a 3-D camera's
fixed-orientation mobjects) makes a mobject, or the whole frame, be drawn as manim draws it.

A curve shrunk to one point (what ``Create``, ``Write`` and ``ShowPassingFlash`` leave of a piece
before it starts or after it ends) is not drawn at all while the Cairo context strokes with butt caps,
its default: it fills no area and strokes nothing (with round caps it would be a dot). The recap's
light-up of the network's edges took 578 profiled samples, 374 after.

``REDRAW_LESS = False`` (or the environment variable ``GDVIZ_REDRAW_ALL=1``) turns it off, for
bench/render_speed.py's side-by-side comparison.
"""
from __future__ import annotations

import itertools as it
import os

import numpy as np
from manim.camera.three_d_camera import ThreeDCamera
from manim.constants import CapStyleType, LineJointType
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.mobject.types.vectorized_mobject import VMobject
from manim.renderer.cairo_renderer import CairoRenderer

REDRAW_LESS = os.environ.get("GDVIZ_REDRAW_ALL", "") not in ("1", "true", "yes")
MITER_HALF_WIDTHS = 10          # Cairo's default miter limit, in half stroke widths
AA_PIXELS = 3                   # antialiasing margin around every footprint, in pixels
EVERYWHERE = (-np.inf, -np.inf, np.inf, np.inf)
STILL_FRAMES = 2                # a mobject that changed may be cached again after this many still frames
MIN_RETURNING, RETURNING_SHARE = 8, 0.25   # ... once this many (or this share of the cache) are waiting
MAX_RETURNS = 2                 # ... and at most this many times a play


def _vm_signature(m: VMobject):
    """Everything the Cairo camera reads to draw ``m`` (vectorized_mobject / camera.display_vectorized)."""
    try:                  # the attributes themselves: the getters cost a third more, 300,000 times a part
        return (m.points.tobytes(), m.points.shape, m.fill_rgbas.tobytes(), m.stroke_rgbas.tobytes(),
                m.background_stroke_rgbas.tobytes(), m.stroke_width, m.background_stroke_width,
                m.sheen_factor, m.sheen_direction.tobytes(), m.shade_in_3d, m.n_points_per_cubic_curve)
    except AttributeError:
        return (m.points.tobytes(), m.points.shape,
                np.asarray(m.get_fill_rgbas()).tobytes(), np.asarray(m.get_stroke_rgbas()).tobytes(),
                np.asarray(m.get_stroke_rgbas(True)).tobytes(), float(m.get_stroke_width()),
                float(m.get_stroke_width(True)), m.sheen_factor, np.asarray(m.sheen_direction).tobytes(),
                m.shade_in_3d, m.n_points_per_cubic_curve)


def _draws_nothing(m) -> bool:
    """Whether ``m`` is a VMobject shrunk to one point: a curve not yet drawn (``Create``, ``Write``,
    ``ShowPassingFlash`` before a piece starts or after it ends make it one cubic of four equal points).
    Cairo fills no area there, and strokes nothing with butt caps (its default), so skipping it changes
    no pixel."""
    if not isinstance(m, VMobject):
        return False
    points = m.points
    if len(points) != m.n_points_per_cubic_curve:
        return False
    raw = points.tobytes()
    first = raw[:len(raw) // len(points)]
    return raw == first * len(points)


def _image_signature(m: AbstractImageMobject):
    pixels = m.get_pixel_array()
    return (m.points.tobytes(), pixels.shape, pixels.tobytes(), m.resampling_algorithm)


class RedrawLess:
    """Camera mixin: during a play, unchanged 'moving' mobjects are drawn once into a cached frame
    (see the module docstring for when that is exact)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.redraw_less_active = False   # set by RedrawLessRenderer around a play's frames
        self.new_play()
        self._base = None

    # --- bookkeeping the renderer drives ----------------------------------------------------------
    def new_play(self) -> None:
        """Forget everything: a play begins (its static frame is a new one)."""
        self._seen = {}        # id -> (mobject, signature, footprint) as last drawn
        self._banned = {}      # ids drawn every frame (for now) -> footprint computable
        self._waiting = {}     # banned ids that changed or came late -> [mobject, signature, frames still]
        self._returns = {}     # id -> how many times it came back from waiting this play
        self._cache = None     # (base, camera signature, cached ids, pixels)
        self._admitting = True  # until the cache is first built: later arrivals wait (see _ban)

    def set_frame_to_background(self, background) -> None:
        self._base = background
        super().set_frame_to_background(background)

    def reset(self):
        self._base = None
        return super().reset()

    # --- the frame ---------------------------------------------------------------------------------
    def capture_mobjects(self, mobjects, **kwargs) -> None:
        if not (REDRAW_LESS and self.redraw_less_active):
            return super().capture_mobjects(mobjects, **kwargs)
        if isinstance(self, ThreeDCamera):
            self.reset_rotation_matrix()          # what ThreeDCamera.capture_mobjects does first
        order = self.get_mobjects_to_display(mobjects, **kwargs)
        if any(isinstance(m, VMobject) and (m.joint_type != LineJointType.AUTO or m.cap_style != CapStyleType.AUTO)
               for m in order):
            self._cache = None                    # line joins and caps persist in the Cairo context
            return self._draw(order)
        if self._butt_caps():
            order = [m for m in order if not _draws_nothing(m)]
        camera_sig = self._camera_signature()
        if self._cache is not None and self._cache[1] != camera_sig:
            self.new_play()                       # every footprint and projection may have changed
        self._let_still_ones_back(order)          # once a frame: it counts still frames
        cached, live = self._split(order)
        key = (self._base, camera_sig, tuple(id(m) for m in cached))
        if cached and self._cache is not None and self._cache[0] is key[0] and self._cache[1:3] == key[1:] \
                and self._cache[3] is not None:
            self.pixel_array[:] = self._cache[3]
        elif cached:
            self._draw(cached)
            self._cache = (*key, self.pixel_array.copy())
            self._admitting = False
        else:
            self._cache = (self._base, camera_sig, (), None)
        self._draw(live)

    def _butt_caps(self) -> bool:
        """Whether the Cairo context strokes with butt caps (its default; a mobject with a cap style of
        its own leaves that style in the context for every later one)."""
        import cairo

        return self.get_cairo_context(self.pixel_array).get_line_cap() == cairo.LINE_CAP_BUTT

    def _draw(self, mobjects) -> None:
        """manim's Camera.capture_mobjects after get_mobjects_to_display: runs of one type, in order."""
        for group_type, group in it.groupby(mobjects, self.type_or_raise):
            self.display_funcs[group_type](list(group), self.pixel_array)

    def _split(self, order):
        """(cached, live): the mobjects that may be drawn from the cache, and the rest, both in order."""
        seen, banned = self._seen, self._banned
        candidates, cached_index, live_index = [], [], []
        for i, m in enumerate(order):
            key = id(m)
            if key not in banned:                   # a banned one is drawn: no need to compare it
                sig = self._signature(m)
                before = seen.get(key)
                if sig is None or (before is not None and (before[0] is not m or before[1] != sig)) or (
                        before is None and not self._admitting):
                    self._ban(m, sig)
                elif before is None:
                    seen[key] = (m, sig, None)      # its footprint is computed if it is ever cached
                else:
                    candidates.append(m)
                    cached_index.append(i)
                    continue
            live_index.append(i)
        if not candidates:
            return [], list(order)
        ok = np.ones(len(candidates), bool)
        if live_index:
            live = np.array([self._footprint(order[i]) if banned.get(id(order[i]), True) else EVERYWHERE
                             for i in live_index])
            mine = np.array([self._cached_footprint(m) for m in candidates])
            overlap = ((mine[:, None, 0] <= live[None, :, 2]) & (live[None, :, 0] <= mine[:, None, 2])
                       & (mine[:, None, 1] <= live[None, :, 3]) & (live[None, :, 1] <= mine[:, None, 3]))
            earlier = np.array(live_index)[None, :] < np.array(cached_index)[:, None]
            ok = ~(overlap & earlier).any(axis=1)
        for m, good in zip(candidates, ok):
            if not good:
                self._ban(m, seen[id(m)][1])
        if not ok.all():                # the overlapped ones are drawn each frame (for now)
            return self._split(order)
        return candidates, [order[i] for i in live_index]

    def _ban(self, m, sig) -> None:
        """Draw ``m`` every frame: until it has been still for a while (it changed, came late, or a
        moving mobject drawn before it overlaps it), or for the rest of the play (no signature)."""
        key = id(m)
        self._banned[key] = sig is not None           # whether its footprint can be computed
        if sig is not None and self._returns.get(key, 0) < MAX_RETURNS:
            self._waiting[key] = [m, sig, 0]

    def _let_still_ones_back(self, order) -> None:
        """Un-ban the waiting mobjects that have not changed for STILL_FRAMES frames, once there are
        enough of them to be worth rebuilding the cache for (a share of what it holds: a Create of
        672 edges one after another rebuilds it a few times, not once an edge)."""
        waiting = self._waiting
        if not waiting:
            return
        still = []
        for m in order:
            entry = waiting.get(id(m))
            if entry is None or entry[0] is not m:
                continue
            sig = self._signature(m)
            if sig == entry[1]:
                entry[2] += 1
                if entry[2] >= STILL_FRAMES:
                    still.append(entry)
            else:
                entry[1], entry[2] = sig, 0
        cached = len(self._cache[2]) if self._cache is not None else 0
        if len(still) < max(MIN_RETURNING, RETURNING_SHARE * cached):
            return
        for m, sig, _ in still:
            key = id(m)
            del self._banned[key], waiting[key]
            self._seen[key] = (m, sig, None)
            self._returns[key] = self._returns.get(key, 0) + 1

    def _cached_footprint(self, m):
        """The footprint of ``m``, unchanged since it was seen (or came back) this play: computed once."""
        m_, sig, box = self._seen[id(m)]
        if box is None:
            box = self._footprint(m)
            self._seen[id(m)] = (m_, sig, box)
        return box

    def _signature(self, m):
        if isinstance(self, ThreeDCamera) and m in self.fixed_orientation_mobjects:
            return None                   # projected about a centre that other mobjects may move
        if isinstance(m, VMobject):
            return None if m.get_background_image() else _vm_signature(m)
        if isinstance(m, AbstractImageMobject):
            return _image_signature(m)
        return None

    def _footprint(self, m):
        """(x0, y0, x1, y1) in scene units: every pixel drawing ``m`` can touch lies inside."""
        points = self.transform_points_pre_display(m, m.points)
        if len(points) == 0:
            return (np.inf, np.inf, -np.inf, -np.inf)      # draws nothing, overlaps nothing
        pixel = self.frame_width / self.pixel_width
        margin = AA_PIXELS * pixel
        if isinstance(m, VMobject):
            widest = max(m.get_stroke_width(), m.get_stroke_width(True))
            margin += MITER_HALF_WIDTHS * 0.5 * widest * self.cairo_line_width_multiple
        elif not self._image_in_box(m, points):
            return EVERYWHERE
        low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        return (low[0] - margin, low[1] - margin, high[0] + margin, high[1] + margin)

    def _image_in_box(self, m, points) -> bool:
        """Whether the camera draws image ``m`` inside the box of its corners (scenes/camera.py's
        StableImages does, for an axis-aligned image)."""
        from scenes.camera import SUBPIXEL, StableImages

        if not isinstance(self, StableImages) or len(points) != 4:
            return False
        corners = np.round(self.points_to_subpixel_coords(m, m.points) * SUBPIXEL) / SUBPIXEL
        (x0, y0), (x1, y1b), (x0b, y1), (x1c, y1c) = corners       # the same test as StableImages'
        return bool(x0 == x0b and x1 == x1c and y0 == y1b and y1 == y1c and x1 > x0 and y1 > y0)

    def _camera_signature(self):
        frame = (tuple(np.asarray(self.frame_center, float)), self.frame_width, self.frame_height,
                 self.pixel_width, self.pixel_height)
        if not isinstance(self, ThreeDCamera):
            return frame
        return (frame, tuple(t.get_value() for t in self.get_value_trackers()),
                tuple(self.light_source.points[0]), self.should_apply_shading,
                tuple(map(id, self.fixed_in_frame_mobjects)))


class RedrawLessRenderer(CairoRenderer):
    """manim's Cairo renderer that tells a RedrawLess camera when a play starts and which frames
    are a play's frames (the static frame of a play and still images are drawn as manim draws them)."""

    def play(self, scene, *args, **kwargs):
        if isinstance(self.camera, RedrawLess):
            self.camera.new_play()
        return super().play(scene, *args, **kwargs)

    def render(self, scene, time, moving_mobjects=None):
        camera = self.camera
        if not isinstance(camera, RedrawLess):
            return super().render(scene, time, moving_mobjects)
        camera.redraw_less_active = True
        try:
            return super().render(scene, time, moving_mobjects)
        finally:
            camera.redraw_less_active = False

"""Reusable motion: animations that several parts play."""
from __future__ import annotations

import numpy as np
from manim import (RESAMPLING_ALGORITHMS, Animation, FadeIn, FadeOut, Group, ImageMobject, Rectangle,
                   ReplacementTransform, VMobject)
from manim.camera.three_d_camera import ThreeDCamera
from manim.renderer.cairo_renderer import CairoRenderer

from scenes.visuals.typography import caption


def step_through(scene, start: int, end: int, on_step, run_time: float, rate_func=None, host=None) -> None:
    """Animate an integer k from ``start`` to ``end`` over ``run_time`` seconds, calling ``on_step(k)``
    once for every new k (frames where k did not change cost nothing).

    The updater sits on ``host`` (default: the first mobject on screen), which must come before
    whatever ``on_step`` changes: manim redraws at each frame only the mobjects from the first one
    with an updater onwards. (scenes/redraw.py then draws the unchanged ones among those only once,
    so a host early on screen no longer costs a redraw of everything after it.)
    """
    from manim import ValueTracker, linear

    host = host if host is not None else scene.mobjects[0]
    tracker = ValueTracker(start)
    state = {"k": start}

    def update(_):
        k = int(round(tracker.get_value()))
        if k != state["k"]:
            state["k"] = k
            on_step(k)

    host.add_updater(update)
    scene.play(tracker.animate.set_value(end), run_time=run_time, rate_func=rate_func or linear)
    host.remove_updater(update)
    scene.remove(tracker)



def recaption(scene, old, line: str, run_time: float):
    """Replace the caption ``old`` by a new one saying ``line``, fading in; returns the new caption.
    (Not a Transform: morphing one sentence into another reads worse and costs far more to set up.)"""
    new = caption(line)
    scene.remove(old)
    scene.play(FadeIn(new), run_time=run_time)
    return new


def fade_to_background(scene, run_time: float = 1.0) -> None:
    """Clear the screen as a film fades to black: once the texts on it have had their reading time,
    the frame as drawn dims into the background (black, or white in the light theme).

    It is one full-frame image fading, not every mobject fading on its own: that redrew every
    mobject at every frame, and the fade after the Recap part (a whole network of edges) had been a
    quarter of that part's render. Overlapping translucent mobjects also no longer show through
    each other while they fade. With animations skipped (a dry run) nothing is drawn either way."""
    renderer = scene.renderer
    leaving = list(scene.mobjects)
    if not isinstance(renderer, CairoRenderer) or renderer.skip_animations or not leaving:
        scene.play(FadeOut(Group(*leaving)), run_time=run_time)
        return
    if hasattr(scene, "hold_until_read"):   # a gdviz scene (scenes/reading.py)
        scene.hold_until_read(leaving)
    renderer.static_image = None            # draw the screen as it is now, from scratch
    renderer.update_frame(scene)
    camera = renderer.camera
    frame = ImageMobject(renderer.get_frame(), resampling_algorithm=RESAMPLING_ALGORITHMS["nearest"])
    frame.stretch_to_fit_width(camera.frame_width).stretch_to_fit_height(camera.frame_height)
    frame.move_to(camera.frame_center)
    scene.remove(*leaving)
    if isinstance(camera, ThreeDCamera):
        scene.add_fixed_in_frame_mobjects(frame)       # not seen through a tilted 3-D camera
    scene.add(frame)
    scene.play(_Dimming(frame), run_time=run_time)
    if isinstance(camera, ThreeDCamera):
        camera.remove_fixed_in_frame_mobjects(frame)


class _Dimming(Animation):
    """An opaque image fades to transparent (its alpha channel scaled down), then leaves the scene."""

    def __init__(self, image, **kw):
        self.opaque = image.pixel_array[..., 3].astype(float)
        super().__init__(image, remover=True, **kw)

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.pixel_array[..., 3] = np.round(self.opaque * (1 - self.rate_func(alpha))).astype(np.uint8)


# --- a value travels from where it is computed to where it is used ---------------------------------
def arrive(sources, result, run_time: float = 1.0, **kw):
    """``result`` (a mobject not yet on screen) grows out of copies of ``sources`` (one mobject, or a
    list of them: a sum gathering its terms). The sources stay where they are; at the end ``result``
    itself is on screen (``animation.result``). Use it for every number the narration derives (a sum,
    an average, a step). An image among the sources lends its outline (a picture cannot morph into text)."""
    sources = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    return _Arrival(_outline(sources), _outline([result]), result, run_time=run_time, **kw)


def _outline(mobjects):
    """One VMobject with every curve of ``mobjects`` (an image: its frame), in the first one's style.

    Morphing one path into one path only moves points; morphing a line of glyphs into another aligns
    them glyph by glyph, which copies every glyph many times (seconds per number, even with animations
    skipped)."""
    pieces = []
    for m in mobjects:
        drawn = [p for p in m.family_members_with_points() if isinstance(p, VMobject)]
        pieces += drawn or [Rectangle(width=m.width, height=m.height, stroke_width=2, stroke_opacity=0.6).move_to(m)]
    flat = VMobject()
    flat.match_style(pieces[0], family=False)
    for piece in pieces:
        flat.append_points(piece.points)
    return flat


class _Arrival(ReplacementTransform):
    """A copy of the sources' outline morphs into ``result``'s outline, then ``result`` takes its place.
    (Not TransformFromCopy: that morphs ``result`` itself and leaves it carrying every point of the
    sources, so that a column of numbers costs seconds a frame to draw.)"""

    def __init__(self, source, outline, result, **kw):
        self.result = result
        super().__init__(source, outline, **kw)

    def clean_up_from_scene(self, scene):
        super().clean_up_from_scene(scene)
        scene.remove(self.target_mobject)
        scene.add(self.result)


def cascade(animations, lag_ratio: float = 0.12, **kw):
    """Play ``animations`` one after another, each starting before the last ends (layer by layer,
    row by row)."""
    from manim import LaggedStart

    return LaggedStart(*animations, lag_ratio=lag_ratio, **kw)


def grow_arrows(arrows, lag_ratio: float = 0.08, **kw):
    """Each arrow grows from its tail, in a cascade."""
    from manim import GrowArrow

    return cascade([GrowArrow(a) for a in arrows], lag_ratio=lag_ratio, **kw)


def point_at(mobject, **kw):
    """Draw the eye to ``mobject`` (what the caption is talking about): a brief flash of emphasis."""
    from manim import Indicate

    return Indicate(mobject, scale_factor=1.1, **kw)

"""Reusable motion: animations that several parts play."""
from __future__ import annotations

from manim import FadeIn

from scenes.visuals.typography import caption


def step_through(scene, start: int, end: int, on_step, run_time: float, rate_func=None, host=None) -> None:
    """Animate an integer k from ``start`` to ``end`` over ``run_time`` seconds, calling ``on_step(k)``
    once for every new k (frames where k did not change cost nothing).

    The updater sits on ``host`` (default: the first mobject on screen). Cairo redraws every frame
    only the mobjects from the first one with an updater onwards, so ``host`` must come before
    whatever ``on_step`` changes.
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


# --- a value travels from where it is computed to where it is used ---------------------------------
def arrive(sources, result, run_time: float = 1.0, **kw):
    """``result`` (a mobject not yet on screen) grows out of copies of ``sources`` (one mobject, or a
    list of them: a sum gathering its terms). The sources stay where they are; at the end ``result``
    itself is on screen. Use it for every number the narration derives (a sum, an average, a step).
    An image among the sources lends its outline (a picture cannot morph into text)."""
    from manim import Rectangle, ReplacementTransform, VGroup, VMobject

    def shape(m):
        if isinstance(m, VMobject):
            return m.copy()
        return Rectangle(width=m.width, height=m.height, stroke_width=2, stroke_opacity=0.6).move_to(m)

    source = VGroup(*map(shape, sources)) if isinstance(sources, (list, tuple)) else shape(sources)
    # Not TransformFromCopy: that morphs ``result`` itself and leaves it carrying every point of the
    # sources (a column of numbers then costs seconds a frame to draw). Here a copy morphs and is
    # replaced by the untouched ``result``.
    return ReplacementTransform(source, result, run_time=run_time, **kw)


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

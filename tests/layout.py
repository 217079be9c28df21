"""The layout check: after every animation of a part, what is on screen must read at 854x480.

``check_layout(scene)`` returns the problems on screen now (empty when the layout is fine):

- two pieces of text overlap (Text, MarkupText, MathTex, Tex, Readouts, Paragraphs and so Code), unless both were marked
  with the same reason by ``scenes.visuals.may_overlap`` at the call site;
- an image or a network diagram covers a piece of text that is not its own (same exception);
- a piece of text sticks out of the frame;
- a piece of text is smaller than ``MIN_TEXT_SIZE`` (the type scale's smallest size: at 854x480 its
  lowercase letters are 8 px tall; see the README).

``LayoutChecked`` is a scene mixin that runs the check after every ``play`` and ``wait`` and records
each step's problems.
"""
from __future__ import annotations

import numpy as np
from manim import ImageMobject, MarkupText, Paragraph, SingleStringMathTex, Text, config

from scenes.visuals import MIN_TEXT_SIZE, NetworkDiagram, Readout

TEXTS = (Text, MarkupText, Paragraph, SingleStringMathTex, Readout)   # Paragraph: also Code's lines
COVERS = (ImageMobject, NetworkDiagram)
SLACK = 0.01        # units (0.6 px at 480p) by which boxes may touch or graze the frame's edge


class Piece:
    """A text, image or diagram on screen: its box (x0, y0, x1, y1), its family, its exceptions."""

    def __init__(self, mob, reasons: frozenset):
        self.mob, self.reasons = mob, reasons
        (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
        self.box = (x0, y0, x1, y1)
        self.family = {id(m) for m in mob.get_family()}

    def name(self) -> str:
        label = getattr(self.mob, "text", None) or getattr(self.mob, "tex_string", None)
        if isinstance(self.mob, Readout):
            label = "".join(getattr(g, "text", "") for g in self.mob.label) or f"Readout {self.mob.value}"
        return f"{type(self.mob).__name__} {label!r}" if label else type(self.mob).__name__

    def overlaps(self, other: "Piece") -> bool:
        a, b = self.box, other.box
        return min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(a[1], b[1]) > SLACK


def visible(mob) -> bool:
    """Drawn at all: it has points somewhere in its family, and some of them are not transparent."""
    for m in mob.get_family():
        if isinstance(m, ImageMobject):
            return m.get_pixel_array()[..., 3].any() and getattr(m, "opacity", 1) != 0
        if len(getattr(m, "points", ())) and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0):
            return True
    return False


def pieces(scene) -> tuple[list, list]:
    """(texts, covers) on screen: text units (not looked into further) and images/diagrams."""
    texts, covers = [], []

    def walk(mob, reasons):
        reasons = reasons | getattr(mob, "may_overlap", frozenset())
        if isinstance(mob, TEXTS):
            if visible(mob) and mob.width > 0:
                texts.append(Piece(mob, reasons))
            return
        if isinstance(mob, COVERS) and visible(mob):
            covers.append(Piece(mob, reasons))
        for sub in mob.submobjects:
            walk(sub, reasons)

    for mob in scene.mobjects:
        walk(mob, frozenset())
    return texts, covers


def drawn_size(mob) -> float:
    """The font size a text is drawn at now, after any scaling (a Paragraph keeps the Text it was cut
    from, unscaled, in ``lines_text``)."""
    if isinstance(mob, Paragraph):
        return float(mob.lines_text.font_size) * mob.height / mob.lines_text.height
    return float(mob.font_size)


def check_layout(scene) -> list[str]:
    """The layout problems on screen now (see the module's docstring)."""
    texts, covers = pieces(scene)
    w, h = config.frame_width / 2 + SLACK, config.frame_height / 2 + SLACK
    problems = []
    for t in texts:
        x0, y0, x1, y1 = t.box
        if x0 < -w or x1 > w or y0 < -h or y1 > h:
            problems.append(f"{t.name()} sticks out of the frame: box {np.round(t.box, 2).tolist()}")
        size = drawn_size(t.mob)
        if size < MIN_TEXT_SIZE - 0.05:
            problems.append(f"{t.name()} is too small: font size {size:.1f} < {MIN_TEXT_SIZE}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a.overlaps(b) and not a.reasons & b.reasons:
                problems.append(f"{a.name()} overlaps {b.name()}")
    for c in covers:
        for t in texts:
            if id(t.mob) not in c.family and c.overlaps(t) and not c.reasons & t.reasons:
                problems.append(f"{c.name()} covers {t.name()}")
    return problems


class LayoutChecked:
    """Scene mixin: check the layout after every play and wait; ``layout_log`` is [(step, problems)]."""

    def setup(self):
        super().setup()
        self.layout_log, self.layout_steps = [], 0

    def play(self, *args, **kwargs):          # manim's wait() is a play() too
        super().play(*args, **kwargs)
        self.layout_steps += 1
        problems = check_layout(self)
        if problems:
            self.layout_log.append((f"step {self.layout_steps}", problems))


def layout_report(scene) -> str:
    """The problems a LayoutChecked scene met, one line each ('' when none)."""
    return "\n".join(f"{step}: {p}" for step, problems in scene.layout_log for p in problems)

"""The type scale and text: one font, four sizes, and nothing drawn below MIN_TEXT_SIZE.

MIN_TEXT_SIZE is the smallest size at which text still reads in the 854x480 GIFs teachers put on
slides: at font size 18 DejaVu Sans has capitals 10.9 px and lowercase letters 8.2 px tall at 480p
(at 14 they are 8.5 and 6.4 px, and the e, a and s close up). Titles may shrink to fit the frame,
never below it; captions that do not fit wrap onto a second line instead (and a caption that needs
a third line says too much). The layout check in the tests holds every part to this.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Text, VGroup, config
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from scenes.visuals.palette import MUTED, TEXT


# --- every glyph forgets its SVG path once its points are made -------------------------------------
def _points_then_forget_path(self):
    """manim's VMobjectFromSVGPath.generate_points, then ``path_obj = None``.

    Every glyph of a Text or MathTex keeps the svgelements Path it was built from, and every copy of
    the glyph deep-copies it: 645 us of a glyph copy's 663 (measured on a digit of SMALL_SIZE). manim
    copies glyphs at every turn: a cached SVG is copied into each new Text, every Write, FadeIn and
    Transform copies its mobjects, a Readout copies digits every frame. The path is read only here,
    to make the points, so the points and every frame stay the same (tests/test_typography.py).
    """
    _generate_points(self)
    self.path_obj = None
    return self


if VMobjectFromSVGPath.generate_points.__name__ != _points_then_forget_path.__name__:   # once per process
    _generate_points = VMobjectFromSVGPath.generate_points
    VMobjectFromSVGPath.generate_points = _points_then_forget_path

# --- type scale (font sizes in manim units of Text) ---------------------------------------------
FONT = "DejaVu Sans"
TITLE_SIZE = 40
BODY_SIZE = 28
SMALL_SIZE = 22
TINY_SIZE = 18
MIN_TEXT_SIZE = TINY_SIZE
LINE_WIDTH = 13.2       # units: the widest a line of text may be (the frame is 14.2)


def text(s: str, size: int = BODY_SIZE, color=TEXT, **kw) -> Text:
    """Text in the project's font, always on one line.

    Pango wraps a Text at the frame's width in *pixels*, and manim caches the SVG under a name that
    ignores that width: a tiny render (GIF, smoke test) would wrap titles and then poison later
    1080p renders. Laying text out as if the frame were 8K wide avoids both.
    """
    width = config.pixel_width
    config.pixel_width = max(width, 7680)
    try:
        return Text(s, font=FONT, font_size=size, color=color, **kw)
    finally:
        config.pixel_width = width


def title(s: str) -> Text:
    return fit_width(text(s, TITLE_SIZE)).to_edge(UP, buff=0.3)


def fit_width(mobject, width: float = LINE_WIDTH, smallest: float = MIN_TEXT_SIZE):
    """Shrink ``mobject`` to at most ``width`` units wide, unless that would draw any of its text
    below ``smallest``: then it is too long for the space (ValueError: wrap it or say less)."""
    if mobject.width > width:
        factor = width / mobject.width
        sizes = [m.font_size for m in mobject.get_family() if isinstance(m, Text)]
        if sizes and min(sizes) * factor < smallest - 1e-6:
            words = " / ".join(m.text for m in mobject.get_family() if isinstance(m, Text))
            raise ValueError(f"{words!r} is {mobject.width:.1f} units wide, more than {width:.1f}: shrinking it "
                             f"would draw it at font size {min(sizes) * factor:.1f} < {smallest}; wrap it or say less")
        mobject.scale(factor)
    return mobject


def lines(s: str, size: int, color=TEXT, width: float = LINE_WIDTH, most: int = 2) -> VGroup:
    """``s`` as centred lines of text at ``size``, each at most ``width`` units wide: broken where
    ``s`` has a newline, and a line that is too long wrapped at spaces into lines of about equal
    length, up to ``most`` lines in all. ValueError if that does not fit (say less)."""
    given = s.split("\n")
    for extra in range(most - len(given) + 1):
        rows = []
        for k, line in enumerate(given):
            rows += balanced(line, 1 + (extra if k == max(range(len(given)), key=lambda i: len(given[i])) else 0))
        group = VGroup(*[text(r, size, color) for r in rows]).arrange(DOWN, buff=0.12)
        if group.width <= width:
            group.reading_words = len(s.split())   # read as one: the reading-time test times it whole
            return group
    raise ValueError(f"{s!r} does not fit on {most} lines {width:.1f} units wide at font size {size}: say less")


def balanced(line: str, count: int) -> list[str]:
    """``line`` broken at spaces into ``count`` (or fewer) pieces of about equal length."""
    target, rows = len(line) / count, [[]]
    for word in line.split(" "):
        if rows[-1] and len(rows) < count and len(" ".join(rows[-1] + [word])) > target + len(word) / 2:
            rows.append([])
        rows[-1].append(word)
    return [" ".join(r) for r in rows]


def caption(s: str, size: int = SMALL_SIZE) -> VGroup:
    """A caption at the bottom edge of the frame: one line, or two if it is long (never shrunk). Its
    text is also the video's subtitle while it is on screen (``subcaption``, see scenes/reading.py)."""
    group = lines(s, size, MUTED).to_edge(DOWN, buff=0.25)
    group.subcaption = " ".join(s.split())
    return group


def may_overlap(*mobjects, reason: str):
    """Mark ``mobjects`` as deliberately stacked (a value drawn on its bar, a label on its image):
    the layout check lets them overlap each other, and nothing else. ``reason`` names why."""
    for m in mobjects:
        m.may_overlap = getattr(m, "may_overlap", frozenset()) | {reason}
    return mobjects[0] if len(mobjects) == 1 else mobjects



class _Glyphs:
    """Characters of the project font, rendered once per size and then copied.

    Measured from one line "0c0d0...": every glyph sits between zeros, which gives its pen advance
    and its offset from the baseline; digits share one advance (the font's digits are tabular).
    Positions are in "zero coordinates": a '0' at pen x has its ink's left edge at x.
    """

    CHARS = "123456789.,%−+:/"
    _cache: dict = {}

    @classmethod
    def table(cls, size: int) -> dict:
        """{char: (glyph, ink offset from the pen, advance, rise above the baseline)}."""
        if size not in cls._cache:
            line = text("0" + "0".join(cls.CHARS) + "0", size)
            zeros, glyphs = line[0::2], line[1::2]
            pairs = {c: zeros[k + 1].get_left()[0] - zeros[k].get_left()[0] for k, c in enumerate(cls.CHARS)}
            digit = pairs["1"] / 2
            table = {"0": (zeros[0], 0.0, digit, 0.0)}
            for k, c in enumerate(cls.CHARS):
                offset = glyphs[k].get_left()[0] - zeros[k].get_left()[0] - digit
                rise = glyphs[k].get_bottom()[1] - zeros[k].get_bottom()[1]
                table[c] = (glyphs[k], offset, digit if c.isdigit() else pairs[c] - digit, rise)
            cls._cache[size] = table
        return cls._cache[size]

    @classmethod
    def compose(cls, string: str, size: int, color, pen: float, baseline: float) -> VGroup | None:
        """Glyph copies spelling ``string`` from ``pen`` on ``baseline``; None if a char is unknown."""
        table = cls.table(size)
        if any(c not in table for c in string):
            return None
        out = VGroup()
        for c in string:
            glyph, offset, advance, rise = table[c]
            g = glyph.copy().set_color(color)
            g.shift(np.array([pen + offset - g.get_left()[0], baseline + rise - g.get_bottom()[1], 0.0]))
            out.add(g)
            pen += advance
        return out


class Readout(VGroup):
    """'label value' in the project's font. ``set_value`` re-spells the number from cached glyphs
    (a new Text for every frame would cost tens of milliseconds)."""

    def __init__(self, label: str, value: float, color, fmt: str = "{:.3f}", size: int = SMALL_SIZE):
        self.fmt, self.size, self.color_, self.label_text = fmt, size, color, label
        probe = text(label + " 0", size, color)           # the '0' marks where the number starts
        self.label = VGroup(*probe[:-1])
        self._zero_height = probe[-1].height
        self._anchor = probe[-1].set_opacity(0)          # invisible, but moves with the group
        self.number = VGroup()
        super().__init__(self.label, self.number, self._anchor)
        self.set_value(value)

    def set_value(self, value: float) -> "Readout":
        spelled = self.fmt.format(value).replace("-", "−")  # a true minus sign
        x, y = self._anchor.get_left()[0], self._anchor.get_bottom()[1]
        new = _Glyphs.compose(spelled, self.size, self.color_, x, y)
        if new is None:  # a character the cache does not hold: fall back to a Text
            new = text(spelled, self.size, self.color_)
            new.shift([x - new.get_left()[0], y - new.get_bottom()[1], 0])
        for old in self.number.submobjects:  # during a play Cairo still draws the glyphs it listed at
            old.clear_points()               # its start: empty the replaced ones, or they stay on screen
        self.number.submobjects = list(new.submobjects)
        self.value = value
        return self

    @property
    def font_size(self) -> float:
        """The size it is drawn at now (``size``, times any scaling since)."""
        return self.size * self._anchor.height / self._zero_height


"""The shared look of every gdviz scene: palette, type scale, and reusable mobjects.

Colour always means the same thing: POSITIVE (blue) and NEGATIVE (red) for signed numbers such as
weights, COST for the cost, GRADIENT for gradient arrows, ACCURACY for accuracy.

Two themes: "dark" (the lecture look; default) and "light" (white background, for printed
handouts and bright rooms). Choose in one place: ``theme = light`` under ``[gdviz]`` in manim.cfg,
or the environment variable ``GDVIZ_THEME=light`` (which wins). ``seed`` (``GDVIZ_SEED``) seeds the
noise images the same way.
"""
from __future__ import annotations

import configparser
import os

import numpy as np
from manim import (BLUE, DOWN, GREEN, GREY_B, LEFT, ORIGIN, RED, RIGHT, UP, WHITE, YELLOW, Axes, Circle, Group,
                   ImageMobject, Line, ManimColor, Rectangle, Text, VGroup, VMobject, config)
from manim.constants import RESAMPLING_ALGORITHMS

# --- palette ----------------------------------------------------------------------------------
THEMES = {
    "dark": {"BACKGROUND": "#000000", "TEXT": WHITE, "MUTED": GREY_B, "POSITIVE": BLUE, "NEGATIVE": RED,
             "COST": RED, "GRADIENT": YELLOW, "ACCURACY": GREEN, "BALL": "#F2F2F2"},
    "light": {"BACKGROUND": "#FFFFFF", "TEXT": "#1A1A1A", "MUTED": "#5A5A5A", "POSITIVE": "#1F6FB4",
              "NEGATIVE": "#C0392B", "COST": "#C0392B", "GRADIENT": "#C77700", "ACCURACY": "#2E7D32",
              "BALL": "#3A3A3A"},
}


def setting(key: str, default: str) -> str:
    """A teacher's setting: $GDVIZ_<KEY>, else ``key`` under ``[gdviz]`` in ./manim.cfg, else default."""
    value = os.environ.get(f"GDVIZ_{key.upper()}")
    if not value:
        cfg = configparser.ConfigParser()
        cfg.read("manim.cfg")
        value = cfg.get("gdviz", key, fallback=default)
    return value


def noise_seed() -> int:
    """The seed of the noise images (setting ``seed``; default 0)."""
    value = setting("seed", "0")
    if not value.isdigit():
        raise ValueError(f"gdviz seed must be a non-negative integer, got {value!r}")
    return int(value)


def theme_name() -> str:
    """The theme (setting ``theme``): "dark" unless set."""
    name = setting("theme", "dark")
    if name not in THEMES:
        raise ValueError(f"unknown gdviz theme {name!r}; choose from {', '.join(THEMES)}")
    return name


THEME = theme_name()
_palette = THEMES[THEME]
BACKGROUND = _palette["BACKGROUND"]
POSITIVE = _palette["POSITIVE"]
NEGATIVE = _palette["NEGATIVE"]
COST = _palette["COST"]
GRADIENT = _palette["GRADIENT"]
ACCURACY = _palette["ACCURACY"]
TEXT = _palette["TEXT"]
MUTED = _palette["MUTED"]
BALL = _palette["BALL"]
if THEME != "dark":
    config.background_color = BACKGROUND
    # manim draws in white unless told otherwise: make plain lines, arrows and formulas readable.
    from manim import MathTex, SingleStringMathTex, Tex
    for _cls in (VMobject, MathTex, SingleStringMathTex, Tex, Text):
        _cls.set_default(color=TEXT)

# --- type scale (font sizes in manim units of Text) ---------------------------------------------
FONT = "DejaVu Sans"
TITLE_SIZE = 40
BODY_SIZE = 28
SMALL_SIZE = 22
TINY_SIZE = 18


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
    """A (28, 28) uint8 MNIST image -> ink in the TEXT colour on a transparent background (RGBA)."""
    out = np.empty(image.shape + (4,), np.uint8)
    out[..., :3] = np.round(rgb(TEXT) * 255)
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
        return self.trace(VMobject(stroke_color=color, stroke_width=3), epochs, ys)

    def trace(self, curve: VMobject, epochs, ys) -> VMobject:
        """Set ``curve``'s points to the polyline through the (epoch, y) points with epoch > 0."""
        points = [self.point(e, y) for e, y in zip(epochs, ys) if e > 0]
        if points:
            curve.set_points_as_corners(points if len(points) > 1 else points * 2)
        return curve


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
        self.fmt, self.size, self.color_ = fmt, size, color
        probe = text(label + " 0", size, color)           # the '0' marks where the number starts
        self.label = VGroup(*probe[:-1])
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


# --- the ball, digits, bars -----------------------------------------------------------------------
class Ball(VGroup):
    """The ball that rolls down every cost landscape: one look everywhere."""

    def __init__(self, radius: float = 0.14, **kw):
        body = Circle(radius=radius, fill_color=BALL, fill_opacity=1, stroke_color=MUTED, stroke_width=2)
        shine = Circle(radius=radius * 0.35, fill_color=WHITE, fill_opacity=0.9, stroke_width=0)
        shine.move_to(body.get_center() + radius * 0.35 * (UP + LEFT))
        super().__init__(body, shine, **kw)


class DigitImage(Group):
    """A 28x28 MNIST image, white on the background, crisp pixels, with a thin frame."""

    def __init__(self, image: np.ndarray, height: float = 2.0, **kw):
        self.image = PixelImage(digit_rgba(np.reshape(image, (28, 28))), height)
        self.frame = Rectangle(width=height, height=height, stroke_color=MUTED, stroke_width=1)
        super().__init__(self.image, self.frame, **kw)


class OutputBars(VGroup):
    """The 10 output activations as horizontal bars labelled 0..9, with their values.

    ``highlight`` (a digit) is drawn in ``ACCURACY``; the rest in ``TEXT``.
    """

    def __init__(self, values, width: float = 2.5, row: float = 0.36, highlight: int | None = None,
                 decimals: int = 2, **kw):
        super().__init__(**kw)
        self.values = np.asarray(values, np.float64)
        for j, v in enumerate(self.values):
            colour = ACCURACY if j == highlight else TEXT
            label = text(str(j), SMALL_SIZE, MUTED)
            bar = Rectangle(width=max(width * float(v), 0.01), height=row * 0.7, stroke_width=0,
                            fill_color=colour, fill_opacity=0.85)
            value = text(f"{v:.{decimals}f}", TINY_SIZE, colour)
            line = VGroup(label, bar, value)
            label.move_to(ORIGIN)
            bar.next_to(label, RIGHT, buff=0.15, aligned_edge=LEFT)
            bar.align_to(label.get_right() + RIGHT * 0.15, LEFT)
            value.next_to(label.get_right() + RIGHT * (0.3 + width), RIGHT, buff=0.05)
            line.shift(DOWN * row * j)
            self.add(line)


class ColumnVector(VGroup):
    """A tall column of text entries between square brackets (rows may be '⋮')."""

    def __init__(self, entries, colors=None, size: int = SMALL_SIZE, row: float = 0.38, **kw):
        super().__init__(**kw)
        colors = colors or [TEXT] * len(entries)
        rows = VGroup(*[text(e, size, c) for e, c in zip(entries, colors)])
        for i, r in enumerate(rows):
            r.move_to(DOWN * row * i)
        rows.center()
        h, w = rows.height + 0.25, rows.width + 0.3
        left = VMobject(stroke_color=MUTED, stroke_width=2).set_points_as_corners(
            [[-w / 2 + 0.12, h / 2, 0], [-w / 2, h / 2, 0], [-w / 2, -h / 2, 0], [-w / 2 + 0.12, -h / 2, 0]])
        right = left.copy().flip(UP).move_to([w / 2 - 0.06, 0, 0])
        self.rows, self.brackets = rows, VGroup(left, right)
        self.add(rows, left, right)


class NetworkDiagram(VGroup):
    """Layers of neurons as circles joined by edges, 3b1b style.

    Layers larger than ``max_shown`` show ``max_shown`` of their neurons around a '⋮': for a
    784-pixel input, pixels down the middle column of the image (corner pixels are always blank);
    otherwise the first and last ones. ``shown[l]`` lists which neuron indices are drawn. Edge colour: sign of the weight
    (blue +, red -); opacity: |w| / max |w| of that layer. ``set_activations`` fills neurons.
    """

    def __init__(self, sizes, weights=None, max_shown: int = 16, layer_gap: float = 2.2,
                 radius: float = 0.12, height: float = 6.0, edge_width: float = 1.0, **kw):
        super().__init__(**kw)
        self.sizes = list(sizes)
        self.shown, self.neurons, self.dots = [], VGroup(), VGroup()
        for l, n in enumerate(self.sizes):
            if n == 784 and l == 0:
                idx = [r * 28 + 14 for r in range(14 - max_shown // 2, 14 + max_shown - max_shown // 2)]
            elif n > max_shown:
                half = max_shown // 2
                idx = list(range(half)) + list(range(n - half, n))
            else:
                idx = list(range(n))
            self.shown.append(idx)
            count = len(idx) + (1 if n > max_shown else 0)
            spacing = min(height / max(count - 1, 1), 3.2 * radius)
            column = VGroup()
            slots = [i * spacing for i in range(count)]
            x = l * layer_gap
            ys = [height / 2 - s - (height - slots[-1]) / 2 for s in slots]
            k = 0
            for slot, y in enumerate(ys):
                if n > max_shown and slot == len(idx) // 2:
                    dots = text("⋮", SMALL_SIZE, MUTED).move_to([x, y, 0])
                    self.dots.add(dots)
                    continue
                c = Circle(radius=radius, stroke_color=TEXT, stroke_width=1.5, fill_color=TEXT, fill_opacity=0)
                c.move_to([x, y, 0])
                column.add(c)
                k += 1
            self.neurons.add(column)
        self.edges = VGroup()
        for l in range(len(self.sizes) - 1):
            layer_edges = VGroup()
            W = None if weights is None else np.asarray(weights[l])
            scale = 1.0 if W is None else float(np.abs(W).max()) or 1.0
            for j_pos, j in enumerate(self.shown[l + 1]):
                for k_pos, k in enumerate(self.shown[l]):
                    a, b = self.neurons[l][k_pos], self.neurons[l + 1][j_pos]
                    w = 0.0 if W is None else float(W[j, k])
                    colour = POSITIVE if w >= 0 else NEGATIVE
                    opacity = 0.25 if W is None else 0.08 + 0.9 * (abs(w) / scale) ** 0.7
                    edge = Line(a.get_right(), b.get_left(), stroke_width=edge_width, stroke_color=colour,
                                stroke_opacity=opacity if W is not None else 0.25)
                    if W is None:
                        edge.set_stroke(color=MUTED)
                    edge.weight_index = (l, j, k)
                    layer_edges.add(edge)
            self.edges.add(layer_edges)
        self.add(self.edges, self.neurons, self.dots)
        self.center()

    def neuron(self, layer: int, index: int):
        """The circle of neuron ``index`` of ``layer`` (it must be one of the shown ones)."""
        return self.neurons[layer][self.shown[layer].index(index)]

    def edge(self, layer: int, j: int, k: int):
        """The edge carrying weight W_{layer+1}[j, k] (from neuron k of ``layer`` to j of the next)."""
        return self.edges[layer][self.shown[layer + 1].index(j) * len(self.shown[layer]) + self.shown[layer].index(k)]

    def set_activations(self, activations) -> "NetworkDiagram":
        """Fill each shown neuron with its activation in [0, 1] (``activations[l]`` has sizes[l] values)."""
        for column, idx, acts in zip(self.neurons, self.shown, activations):
            for circle, i in zip(column, idx):
                circle.set_fill(TEXT, opacity=float(np.clip(acts[i], 0, 1)))
        return self


# --- cost (scenes/cost.py): a network lighting up, functions drawn as boxes -----------------------
def light_layer(diagram: NetworkDiagram, layer: int, activations) -> list:
    """Animations filling the shown neurons of ``layer`` with ``activations`` (sizes[layer],) in [0, 1]."""
    return [circle.animate.set_fill(TEXT, opacity=float(np.clip(activations[i], 0, 1)))
            for circle, i in zip(diagram.neurons[layer], diagram.shown[layer])]


class FunctionBox(VGroup):
    """A function drawn as a box: its name, and what it depends on in small print, inside a frame."""

    def __init__(self, name: str, detail: str = "", width: float = 3.6, height: float = 1.4, color=TEXT, **kw):
        super().__init__(**kw)
        self.frame = Rectangle(width=width, height=height, stroke_color=color, stroke_width=2.5)
        self.label = text(name, BODY_SIZE, color)
        self.detail = text(detail, TINY_SIZE, MUTED) if detail else VGroup()
        VGroup(self.label, self.detail).arrange(DOWN, buff=0.15).move_to(self.frame)
        self.add(self.frame, self.label, self.detail)


# --- landscape (scenes/landscape.py): plain linear axes with text tick labels ---------------------
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


# --- nudges (scenes/nudges.py): long curves on linear axes, signed bars ---------------------------
def axes_polyline(axes, xs, ys, color, width: float = 3, opacity: float = 1.0) -> VMobject:
    """The polyline through the points (xs[i], ys[i]) of linear ``axes``, mapped in one vectorized step
    (cheap for thousands of points, so it can be rebuilt every frame)."""
    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    origin = axes.c2p(0, 0)
    points = origin + np.outer(xs, axes.c2p(1, 0) - origin) + np.outer(ys, axes.c2p(0, 1) - origin)
    curve = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
    if len(points):
        curve.set_points_as_corners(points if len(points) > 1 else np.vstack([points, points]))
    return curve


def signed_color(value: float):
    """POSITIVE for a value above 0, NEGATIVE below 0, MUTED for exactly 0."""
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else MUTED


def signed_bar(fraction: float, width: float, height: float) -> Rectangle:
    """A horizontal bar |fraction| * ``width`` long, coloured by ``signed_color(fraction)``."""
    return Rectangle(width=max(abs(float(fraction)) * width, 0.005), height=height, stroke_width=0,
                     fill_color=signed_color(fraction), fill_opacity=0.9)


# --- sgd (scenes/sgd.py): cost maps seen from above, and the paths drawn on them --------------------
FULL_BATCH = GRADIENT                                           # the true gradient, every example
MINI_BATCH = {"dark": "#5CD0B3", "light": "#00796B"}[THEME]     # a mini-batch of examples per step
ONE_EXAMPLE = {"dark": "#EE8CEE", "light": "#8E24AA"}[THEME]    # a single example per step


def cost_map_rgba(costs: np.ndarray, lo: float, hi: float, pixels: tuple = (720, 360), levels=None,
                  gamma: float = 0.6, strength: float = 0.7) -> np.ndarray:
    """A cost grid seen from above -> (pixels[1], pixels[0], 4) uint8 RGBA: BACKGROUND where the cost
    is ``lo`` or less, ``strength`` of the way to COST where it is ``hi`` or more (in between
    ``strength * ((c - lo) / (hi - lo)) ** gamma``),
    with thin MUTED level curves wherever the cost crosses one of ``levels``.

    ``costs`` (nx, ny): costs[i, j] at the i-th x (left to right) and j-th y (bottom to top), as
    gdcore's grids are laid out. It is resampled bilinearly to ``pixels`` (width, height).
    """
    from scipy.ndimage import map_coordinates

    costs = np.asarray(costs, np.float64)
    width, height = pixels
    gx = np.linspace(0, costs.shape[0] - 1, width)
    gy = np.linspace(costs.shape[1] - 1, 0, height)                  # image rows run top to bottom
    fine = map_coordinates(costs, np.meshgrid(gx, gy), order=1)          # (height, width)
    blend = strength * np.clip((fine - lo) / (hi - lo), 0, 1) ** gamma
    colour = rgb(BACKGROUND) + blend[..., None] * (rgb(COST) - rgb(BACKGROUND))
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

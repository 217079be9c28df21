"""Part: the code that computed all of this. gdcore's own backpropagation (``Network._deltas`` and
``Network.backprop``), read with ``inspect.getsource`` when the scene is built, so the listing can
never drift from the code, lit one group of lines at a time as the lecture recaps.

What is left out is marked, never hidden: a docstring becomes ``\"\"\"…\"\"\"``, the body of the
branch that does not run for the example's network becomes ``…`` (``branches``: for a sigmoid
network with the quadratic cost, the ``else:`` bodies, which are the cross-entropy and ReLU ones;
for a ReLU / cross-entropy network the ``if`` bodies instead, and the lit lines and captions are
those of its own branches), a trailing comment that does not fit becomes ``# …`` and a statement that still
does not fit becomes ``…``. Every other line is verbatim, numbered as in gdcore/network.py.
The groups are found by searching the source for their key statements: a refactor that drops or
renames one fails loudly (``LookupError``) instead of lighting the wrong line.
"""
from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Code, FadeOut, GrowFromEdge, Paragraph, Rectangle, Scene, VGroup, Write, config

from gdcore import wishes
from gdcore.network import Network
from scenes.camera import GdvizScene
from scenes.example import early_example, shown_neurons
from scenes.visuals import (COST, GRADIENT, MUTED, THEME, TINY_SIZE, ColumnVector, Readout, arrive, caption,
                            recaption, signed_color, text, title)
from scenes.weights import video_run

CODE_FONT, CODE_SIZE = "DejaVu Sans Mono", TINY_SIZE
STYLE = {"dark": "one-dark", "light": "friendly"}[THEME]   # each draws its own background (monokai, dracula: Pango drops a glyph)
WIDTH = 66          # characters: the widest line kept whole (room for the example's numbers beside it)
DIM = 0.3           # opacity of the lines not being talked about


@dataclass(frozen=True)
class Group:
    """Lines of one function lit together: from the line holding ``keys[0]`` to the line holding
    ``keys[-1]``, each key searched for after the previous one's line."""

    name: str
    keys: tuple
    words: str


@dataclass(frozen=True)
class Screen:
    """One listing: ``function``'s lines from the one holding ``start`` (None: the ``def``) to the one
    holding ``stop`` (None: the end), and the groups lit on it, in order."""

    function: object
    start: str | None
    stop: str | None
    groups: tuple
    width: int = WIDTH      # characters: the widest line kept whole on this screen
    taken: dict | None = None   # which branches run (``branches``); None: the video network's


def source_lines(function) -> tuple[list[str], int]:
    """(lines dedented, file line number of the first) of ``function``, read now."""
    lines, first = inspect.getsourcelines(function)
    return textwrap.dedent("".join(lines)).splitlines(), first


def find(lines: list[str], key: str, after: int = 0) -> int:
    """Index of the first of ``lines`` from ``after`` on that contains ``key`` (LookupError if none)."""
    for i in range(after, len(lines)):
        if key in lines[i]:
            return i
    raise LookupError(f"no line containing {key!r} in the source (from line {after}): has the code changed?")


def group_span(lines: list[str], group: Group, after: int = 0) -> tuple[int, int]:
    """(first, last) source-line indices of ``group``: every key found, in order."""
    first = last = find(lines, group.keys[0], after)
    for key in group.keys[1:]:
        last = find(lines, key, last)
    return first, last


def branches(net=None) -> dict:
    """{an ``if`` line of gdcore's backprop (stripped): whether its body runs for ``net``} (no net: the
    video's sigmoid network with the quadratic cost, where every such ``if`` body runs)."""
    return {'if self.cost_name == "quadratic":': net is None or net.cost_name == "quadratic",
            'if self.activation == "sigmoid":': net is None or net.activation == "sigmoid"}


def block_end(lines: list[str], i: int, last: int) -> int:
    """The index just past the body of the block opened by ``lines[i]`` (blank lines included)."""
    indent, j = len(lines[i]) - len(lines[i].lstrip()), i + 1
    while j <= last and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
        j += 1
    return j


def elide(lines: list[str], first: int, last: int, width: int = WIDTH,
          taken: dict | None = None) -> list[tuple[str, int | None]]:
    """[(shown text, source-line index or None for an elision)] for ``lines[first..last]`` under the
    rules of the module's docstring (docstrings, the branch not taken, long comments, long statements).
    ``taken`` ({stripped ``if`` line: does its body run}, see ``branches``): an ``if`` whose body does
    not run shows ``…`` for it and its ``else:`` body whole; any other ``else:`` body is ``…``."""
    taken = branches() if taken is None else taken
    out, i, kept_else = [], first, set()
    while i <= last:
        line = lines[i]
        indent = line[:len(line) - len(line.lstrip())]
        stripped = line.strip()
        if stripped.startswith('"""'):
            end = i if stripped.count('"""') >= 2 else find(lines, '"""', i + 1)
            out.append((indent + '"""…"""', None))
            i = end + 1
            continue
        if taken.get(stripped) is False:
            j = block_end(lines, i, last)
            out += [(line, i), (indent + "    …", None)]
            kept_else.add(j)
            i = j
            continue
        if stripped == "else:" and i not in kept_else:
            out.append((line, i))
            out.append((indent + "    …", None))
            i = block_end(lines, i, last)
            continue
        if len(line) > width and "  #" in line:
            line = line[:line.index("  #")].rstrip() + "  # …"
        out.append((line if len(line) <= width else indent + "…", i if len(line) <= width else None))
        i += 1
    return out


def default_screens(deltas=Network._deltas, backprop=Network.backprop, net=None) -> tuple:
    """The three listings and their groups, for ``net``'s own branches (no net: the video's)."""
    taken = branches(net)
    forward = Group("forward pass", ("self.feedforward(X", "activations[-1]"),
                    "First the forward pass: every layer's weighted inputs z and activations a.")
    if taken['if self.cost_name == "quadratic":']:
        error = Group("output error", ("np.subtract(a, Y", "slope *= a", "delta *= slope", "delta *= 2 * scale"),
                      "The output error: a − y, times σ′(z) = a(1 − a), times 2 (and the scale).")
    else:
        error = Group("output error", ("np.subtract(a, Y", "delta *= scale"),
                      "The output error: with softmax outputs and the cross-entropy cost it is just a − y "
                      "(times the scale).")
    if taken['if self.activation == "sigmoid":']:
        chain = Group("chain back", ("for l in range(", "np.matmul(delta, self.weights[l]", "slope *= a",
                                     "delta *= slope", "deltas.append(delta)"),
                      "Back through the layers: delta @ W (each neuron's summed wishes), times σ′.")
    else:
        chain = Group("chain back", ("for l in range(", "np.matmul(delta, self.weights[l]",
                                     "weighted_inputs[l - 1] > 0", "delta *= slope", "deltas.append(delta)"),
                      "Back through the layers: delta @ W (each neuron's summed wishes), times ReLU′: 1 where "
                      "z > 0, else 0.")
    average = Group("average over the batch", ("1.0 / n", "np.matmul(delta.T, activations[l]",
                                               "np.add.reduce(delta, axis=0"),
                    "Average over the batch: scale = 1/n, then a matmul and column sums give every weight and bias.")
    return (Screen(deltas, None, "deltas = [delta]", (forward, error), taken=taken),
            Screen(deltas, "for l in range(", None, (chain,), width=76, taken=taken),
            Screen(backprop, None, None, (average,), width=84, taken=taken))        # its numbers go below it


def fade(mobject, to: float | None, start: float | None = None):
    """Animate the opacity of every drawn piece of ``mobject`` to ``to`` (None: to what it is now),
    from ``start`` (None: from what it is now). Unlike FadeIn or ``.animate`` it copies nothing: a
    listing is hundreds of glyphs, and copying them for every step cost a minute per play-through."""
    from manim import UpdateFromAlphaFunc

    pieces = [m for m in mobject.get_family() if m.has_points()]
    now = [(m.get_fill_opacity(), m.get_stroke_opacity()) for m in pieces]
    ends = now if to is None else [(to * (f > 0), to * (s > 0)) if to > 0 else (0.0, 0.0) for f, s in now]
    begins = now if start is None else [(start, start)] * len(pieces)

    def update(_, alpha):
        for m, (f0, s0), (f1, s1) in zip(pieces, begins, ends):
            m.set_fill(opacity=f0 + (f1 - f0) * alpha, family=False)
            m.set_stroke(opacity=s0 + (s1 - s0) * alpha, family=False)

    update(None, 0.0)
    return UpdateFromAlphaFunc(mobject, update)


def unwrapped(make):
    """``make()`` laid out on an 8K canvas: Pango wraps text at the frame's width in pixels and drops
    what falls below its height, which at 480p breaks a line of code in two and at a test's 160x90
    loses the last lines (``scenes.visuals.text`` explains the width)."""
    width, height = config.pixel_width, config.pixel_height
    config.pixel_width, config.pixel_height = max(width, 7680), max(height, 4320)
    try:
        return make()
    finally:
        config.pixel_width, config.pixel_height = width, height


class TheCode:
    """gdcore's backprop source on screen, its lines lit group by group with a caption each, and
    (given ``example``, a ``scenes.example.Example``) the real values a group computes for it.

    ``screens`` (see ``default_screens``) names the functions and groups; ``pace`` scales every wait.
    ``shown`` records every listing, lit line and number put on screen.
    """

    name = "The code that computed all of this"

    def __init__(self, deltas=Network._deltas, backprop=Network.backprop, example=None, pace: float = 1.0):
        self.screens = default_screens(deltas, backprop, None if example is None else example.net)
        self.example, self.pace = example, pace
        self.shown = {"listings": [], "groups": [], "values": {}}

    def play(self, scene: Scene) -> None:
        heading = title(self.name)
        note = caption("gdcore's own backpropagation, read from gdcore/network.py as this scene is drawn.")
        scene.play(Write(heading), Write(note), run_time=self.pace)
        scene.wait(1.2 * self.pace)
        for k, screen in enumerate(self.screens):
            listing = self.show_listing(scene, screen, heading)
            for group in screen.groups:
                note = self.light(scene, listing, group, note)
            if k < len(self.screens) - 1:                   # the last listing stays: the part ends on it
                scene.play(fade(listing, 0.0), *[FadeOut(m) for m in [listing.marker, *listing.values]],
                           run_time=0.6 * self.pace)
                scene.remove(listing)

    # --- steps ------------------------------------------------------------------------------------
    def show_listing(self, scene, screen: Screen, heading):
        listing = self.listing(screen)
        listing.next_to(heading, DOWN, buff=0.35).to_edge(LEFT, buff=0.35)
        scene.play(fade(listing, None, start=0.0), run_time=0.8 * self.pace)
        return listing

    def light(self, scene, listing, group: Group, note):
        """Dim every line but ``group``'s, mark them in the gutter, caption them, show their values."""
        rows = [r for r, (_, i) in enumerate(listing.rows) if i is not None and listing.span[group.name][0]
                <= i <= listing.span[group.name][1]]
        lines = listing.code.code_lines
        lit = VGroup(*[lines[r] for r in rows])
        marker = Rectangle(width=0.08, height=lit.height + 0.1, stroke_width=0, fill_color=GRADIENT, fill_opacity=1)
        marker.next_to(listing.numbers, LEFT, buff=0.12).set_y(lit.get_y())
        self.shown["groups"].append({"name": group.name, "lines": [listing.rows[r][0] for r in rows],
                                     "file_lines": [listing.first + listing.rows[r][1] for r in rows],
                                     "caption": group.words})
        dims = [fade(line, 1.0 if r in rows else DIM) for r, line in enumerate(lines)]
        old = listing.marker
        scene.play(*dims, GrowFromEdge(marker, UP), *([FadeOut(old)] if old is not None else []), run_time=0.6 * self.pace)
        listing.marker = marker
        note = recaption(scene, note, group.words, run_time=0.5 * self.pace)
        values = self.values(group.name, listing)
        if values is not None:
            # from the group's last line; both flattened to their glyphs (aligning nested groups costs seconds)
            leaves = VGroup(*[m for m in values.get_family() if m.has_points()])
            scene.play(arrive(VGroup(*[g for g in lines[rows[-1]] if g.has_points()]), leaves), run_time=1.2 * self.pace)
            scene.remove(leaves)
            scene.add(values)
            listing.values.append(values)
        scene.wait(max(len(group.words.split()) / 3.0, 2.0) * self.pace)
        return note

    # --- the listing ------------------------------------------------------------------------------
    def listing(self, screen: Screen) -> VGroup:
        """The Code of ``screen``'s lines with the file's line numbers in a gutter; attributes
        ``code``, ``numbers``, ``rows`` [(text, source index)], ``span`` {group: (first, last)}, ``first``."""
        lines, first = source_lines(screen.function)
        start = 0 if screen.start is None else find(lines, screen.start)
        stop = len(lines) - 1 if screen.stop is None else find(lines, screen.stop, start)
        span, after = {}, start
        for group in screen.groups:
            span[group.name] = group_span(lines, group, after)
            after = span[group.name][1]
            if span[group.name][1] > stop:
                raise LookupError(f"group {group.name!r} runs past the end of its screen ({screen.stop!r})")
        rows = elide(lines, start, stop, screen.width, screen.taken)
        kept = {i for _, i in rows if i is not None}
        for group in screen.groups:
            for key in group.keys:
                if find(lines, key, span[group.name][0]) not in kept:
                    raise LookupError(f"the line holding {key!r} is too long to show whole: widen the screen")
        if start > 0:
            rows = [(lines[0], 0), ("    …", None)] + rows
        code = unwrapped(lambda: Code(
            code_string="\n".join(r[0] for r in rows), language="python", formatter_style=STYLE,
            add_line_numbers=False, background="rectangle",
            background_config={"stroke_color": MUTED, "corner_radius": 0.1, "buff": 0.2},
            paragraph_config={"font": CODE_FONT, "font_size": CODE_SIZE, "line_spacing": 0.45}))
        for (shown, i), line in zip(rows, code.code_lines):
            if i is None:                                     # an elision: muted, whatever the lexer said
                line.set_color(MUTED)
        # Code drops the ascender/descender probe it laid its lines out with, so the layout check (which
        # compares the drawn height with the laid-out one) measures it up to 0.5 % small: make that up.
        factor = max(1.0, code.code_lines.lines_text.height / code.code_lines.height)
        code.scale(factor)
        # The file's line numbers, blank beside an elision: a Paragraph in the same font and spacing,
        # so its baselines match the code's; both first lines start with a glyph on the baseline.
        numbers = unwrapped(lambda: Paragraph(*[("" if i is None else str(first + i)) for _, i in rows], font=CODE_FONT,
                            font_size=CODE_SIZE, line_spacing=0.45, alignment="right", color=MUTED))
        numbers.scale(factor).next_to(code.background, LEFT, buff=0.15)
        numbers.shift(UP * (code.code_lines[0][0].get_bottom()[1] - numbers[0][0].get_bottom()[1]))
        gutter = Rectangle(width=numbers.width + 0.3, height=code.background.height, stroke_width=0)
        gutter.next_to(code.background, LEFT, buff=0).set_opacity(0)
        listing = VGroup(gutter, numbers, code)
        listing.code, listing.numbers, listing.rows, listing.span, listing.first = code, numbers, rows, span, first
        listing.values, listing.marker = [], None
        name = f"Network.{screen.function.__name__}"
        self.shown["listings"].append({"function": name, "source": inspect.getsource(screen.function),
                                       "rows": rows, "first_line": first})
        return listing

    # --- the example's numbers --------------------------------------------------------------------
    def values(self, group: str, listing):
        """The example's values that ``group`` computes, as a column beside the listing (or None)."""
        ex = self.example
        if ex is None:
            return None
        net = ex.net
        if group == "forward pass":
            a = wishes.forward_one(net, ex.x)[1][-1]
            return self.column(listing, "a", [f"{v:.3f}" for v in a], None, "forward a", a)
        if group == "output error":
            d = wishes.deltas(net, ex.x, ex.y)[-1]
            return self.column(listing, "delta", [f"{v:+.3f}".replace("-", "−") for v in d],
                               [signed_color(v) for v in d], "output delta", d, beside=listing.values[-1])
        if group == "chain back":
            d = wishes.deltas(net, ex.x, ex.y)[-2]
            drawn = shown_neurons(len(d))                     # a wide layer: its first and last 8, '⋮' between
            self.shown["values"]["layer delta drawn"] = drawn
            # exactly 0: a ReLU that is off
            entries = ["0" if d[k] == 0 else f"{d[k]:+.3f}".replace("-", "−") for k in drawn]
            colors = [signed_color(d[k]) for k in drawn]
            if len(drawn) < len(d):
                entries.insert(len(drawn) // 2, "⋮")
                colors.insert(len(drawn) // 2, MUTED)
            head = f"delta\nlayer {len(net.sizes) - 2}" + (f"\n{len(drawn)} of {len(d)}" if len(drawn) < len(d) else "")
            return self.column(listing, head, entries, colors, "layer delta", d)
        if group == "average over the batch":
            _, cost = net.backprop(ex.x[None], ex.y[None])
            self.shown["values"]["cost"] = float(cost)
            board = VGroup(text(f"the '{ex.label}' alone: n = 1", TINY_SIZE, MUTED),
                           Readout("cost / n", cost, COST, "{:.4f}", size=TINY_SIZE)).arrange(DOWN, buff=0.2)
            return board.next_to(listing, DOWN, buff=0.45)
        return None

    def column(self, listing, head, entries, colors, key, values, beside=None):
        self.shown["values"][key] = np.asarray(values, float).tolist()
        vector = ColumnVector(entries, colors, size=TINY_SIZE, row=0.3 if len(entries) <= 10 else 0.265)
        heads = VGroup(*[text(h, TINY_SIZE, MUTED) for h in head.split("\n")]).arrange(DOWN, buff=0.08)
        block = VGroup(heads, vector).arrange(DOWN, buff=0.15)
        return block.next_to(beside if beside is not None else listing, RIGHT, buff=0.25).align_to(listing, UP)


class BackpropCode(GdvizScene):
    """Standalone: gdcore's backprop source, lit group by group, with the running '2''s values."""

    def construct(self):
        self.part = TheCode(example=early_example(video_run()))
        self.part.play(self)

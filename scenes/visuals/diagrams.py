"""Diagrams: the ball, output bars, column vectors, the network, functions as boxes."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, WHITE, Circle, Line, Rectangle, VGroup, VMobject

from scenes.visuals.palette import ACCURACY, BALL, MUTED, NEGATIVE, POSITIVE, TEXT
from scenes.visuals.typography import BODY_SIZE, SMALL_SIZE, TINY_SIZE, text


class Ball(VGroup):
    """The ball that rolls down every cost landscape: one look everywhere."""

    def __init__(self, radius: float = 0.14, **kw):
        body = Circle(radius=radius, fill_color=BALL, fill_opacity=1, stroke_color=MUTED, stroke_width=2)
        shine = Circle(radius=radius * 0.35, fill_color=WHITE, fill_opacity=0.9, stroke_width=0)
        shine.move_to(body.get_center() + radius * 0.35 * (UP + LEFT))
        super().__init__(body, shine, **kw)



class OutputBars(VGroup):
    """The 10 output activations as horizontal bars labelled 0..9, with their values.

    ``highlight`` (a digit) is drawn in ``ACCURACY``; the rest in ``TEXT``.
    """

    def __init__(self, values, width: float = 2.5, row: float = 0.36, highlight: int | None = None,
                 decimals: int = 2, **kw):
        super().__init__(**kw)
        self.values, self.bar_width, self.decimals = np.asarray(values, np.float64), width, decimals
        self.colours = [ACCURACY if j == highlight else TEXT for j in range(len(self.values))]
        for j, (v, colour) in enumerate(zip(self.values, self.colours)):
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

    def set_values(self, values) -> "OutputBars":
        """Show other activations (10,) in place: bars grow from their left ends, numbers re-spelled."""
        self.values = np.asarray(values, np.float64)
        for (label, bar, value), v, colour in zip(self, self.values, self.colours):
            left = bar.get_left()
            bar.stretch_to_fit_width(max(self.bar_width * float(v), 0.01)).move_to(left, aligned_edge=LEFT)
            value.become(text(f"{v:.{self.decimals}f}", TINY_SIZE, colour).move_to(value, aligned_edge=LEFT))
        return self


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
    otherwise the first and last ones. ``shown[l]`` lists which neuron indices are drawn; ``cut`` the layers
    drawn in part (more than ``max_shown`` neurons). Edge colour: sign of the weight (blue +, red -);
    opacity: |w| / max |w| of that layer. ``set_activations`` fills neurons.
    """

    def __init__(self, sizes, weights=None, max_shown: int = 16, layer_gap: float = 2.2,
                 radius: float = 0.12, height: float = 6.0, edge_width: float = 1.0, **kw):
        super().__init__(**kw)
        self.sizes, self.max_shown = list(sizes), max_shown
        self.cut = [l for l, n in enumerate(self.sizes) if n > max_shown]
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

    def set_activations(self, activations, scales=None) -> "NetworkDiagram":
        """Fill each shown neuron with its activation in [0, 1] (``activations[l]`` has sizes[l] values),
        or with its activation / ``scales[l]`` (activations without an upper limit, such as ReLU's)."""
        scales = scales or [1.0] * len(self.neurons)
        for column, idx, acts, scale in zip(self.neurons, self.shown, activations, scales):
            for circle, i in zip(column, idx):
                circle.set_fill(TEXT, opacity=neuron_fill(acts[i], scale))
        return self


# --- a network lighting up, functions drawn as boxes ---------------------------------------------
def neuron_fill(activation: float, scale: float = 1.0) -> float:
    """A neuron's fill opacity: its activation / ``scale``, clipped to [0, 1] (``scale`` 1 for activations
    in [0, 1]; e.g. the layer's largest activation for ReLU's, which have no upper limit)."""
    return float(np.clip(activation / scale, 0, 1)) if scale != 1.0 else float(np.clip(activation, 0, 1))


def light_layer(diagram: NetworkDiagram, layer: int, activations, scale: float = 1.0) -> list:
    """Animations filling the shown neurons of ``layer`` with ``activations`` (sizes[layer],) in [0, 1],
    or divided by ``scale`` (see ``neuron_fill``)."""
    return [circle.animate.set_fill(TEXT, opacity=neuron_fill(activations[i], scale))
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



# --- chapter 3: neurons that want to change ------------------------------------------------------
class NeuronColumn(VGroup):
    """One layer as a column of circles filled by their activations (n,) in [0, 1] (or divided by
    ``scale``, see ``neuron_fill``), top to bottom, ``spacing`` units apart; ``labels`` (optional strings) sit to
    the left of each."""

    def __init__(self, activations, spacing: float = 0.5, radius: float = 0.17, labels=None,
                 label_size: int = TINY_SIZE, scale: float = 1.0, **kw):
        super().__init__(**kw)
        self.circles, self.labels = VGroup(), VGroup()
        for i, a in enumerate(np.asarray(activations, np.float64)):
            c = Circle(radius=radius, stroke_color=TEXT, stroke_width=1.5, fill_color=TEXT,
                       fill_opacity=neuron_fill(a, scale))
            self.circles.add(c.move_to(DOWN * spacing * i))
            if labels is not None:
                self.labels.add(text(labels[i], label_size, MUTED).next_to(c, LEFT, buff=0.12))
        self.add(self.circles, self.labels)
        self.center()

    def __len__(self):
        return len(self.circles)


def wish_arrow(anchor, value: float, unit: float, side=RIGHT, buff: float = 0.12, most: float = 0.9):
    """A vertical arrow beside ``anchor`` (a mobject) for a wished change ``value``: up and POSITIVE
    for a rise, down and NEGATIVE for a fall, ``unit`` units long per unit of value (at most
    ``most``; a zero wish is a flat stub)."""
    from manim import Arrow

    length = min(abs(value) * unit, most)
    colour = POSITIVE if value > 0 else NEGATIVE
    base = anchor.get_critical_point(side) + side * buff
    tip = base + (UP if value > 0 else DOWN) * max(length, 0.02)
    arrow = Arrow(base, tip, buff=0, stroke_width=6, color=colour, max_tip_length_to_length_ratio=0.45,
                  max_stroke_width_to_length_ratio=40, tip_length=min(0.16, max(length, 0.02) * 0.45))
    arrow.wish = float(value)
    return arrow

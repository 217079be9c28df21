"""The shared look of every gdviz scene: palette, type scale, and reusable mobjects, re-exported here
so that scenes import from one place (``from scenes.visuals import text, Readout, POSITIVE``).

- ``palette``: colours, the two themes, the teacher's settings (theme, seed)
- ``typography``: the font and type scale, text, titles, captions, Readout
- ``images``: weight and digit images
- ``diagrams``: the ball, output bars, column vectors, the network, function boxes, neuron columns and wish arrows
- ``plots``: axes, curves, signed bars, cost maps
- ``surface``: a cost grid as a shaded landscape, seen from any angle
- ``motion``: animations several parts play (a value arriving from its sources, cascades, arrows)
"""

from scenes.visuals.palette import (
    ACCURACY,
    BACKGROUND,
    BALL,
    COST,
    FULL_BATCH,
    GRADIENT,
    MINI_BATCH,
    MUTED,
    NEGATIVE,
    ONE_EXAMPLE,
    POSITIVE,
    SHUFFLED_LABELS,
    TEXT,
    THEME,
    THEMES,
    TRUE_LABELS,
    rgb,
    signed_color,
)
from scenes.visuals.typography import (
    BODY_SIZE,
    FONT,
    LINE_WIDTH,
    MIN_TEXT_SIZE,
    Readout,
    SMALL_SIZE,
    TINY_SIZE,
    TITLE_SIZE,
    caption,
    fit_width,
    lines,
    may_overlap,
    text,
    title,
)
from scenes.visuals.images import DigitImage, FramedImage, PixelImage, WeightImage, digit_rgba, signed_rgba
from scenes.visuals.diagrams import (Ball, ColumnVector, FunctionBox, NetworkDiagram, NeuronColumn, OutputBars, light_layer,
                                     wish_arrow)
from scenes.visuals.plots import (
    CostMap,
    LogEpochAxes,
    PlainAxes,
    axes_polyline,
    cost_legend,
    cost_map_rgba,
    nice_step,
    signed_bar,
    swatch,
)
from scenes.visuals.surface import CostSurface
from scenes.visuals.motion import arrive, cascade, grow_arrows, point_at, recaption, step_through

__all__ = [
    "ACCURACY",
    "BACKGROUND",
    "BALL",
    "COST",
    "FULL_BATCH",
    "GRADIENT",
    "MINI_BATCH",
    "MUTED",
    "NEGATIVE",
    "ONE_EXAMPLE",
    "POSITIVE",
    "SHUFFLED_LABELS",
    "TEXT",
    "THEME",
    "THEMES",
    "TRUE_LABELS",
    "rgb",
    "signed_color",
    "BODY_SIZE",
    "FONT",
    "LINE_WIDTH",
    "MIN_TEXT_SIZE",
    "Readout",
    "SMALL_SIZE",
    "TINY_SIZE",
    "TITLE_SIZE",
    "caption",
    "fit_width",
    "lines",
    "may_overlap",
    "text",
    "title",
    "DigitImage",
    "FramedImage",
    "PixelImage",
    "WeightImage",
    "digit_rgba",
    "signed_rgba",
    "Ball",
    "ColumnVector",
    "FunctionBox",
    "NetworkDiagram",
    "NeuronColumn",
    "OutputBars",
    "light_layer",
    "wish_arrow",
    "CostMap",
    "LogEpochAxes",
    "PlainAxes",
    "axes_polyline",
    "cost_legend",
    "cost_map_rgba",
    "nice_step",
    "signed_bar",
    "swatch",
    "CostSurface",
    "arrive",
    "cascade",
    "grow_arrows",
    "point_at",
    "recaption",
    "step_through",
]

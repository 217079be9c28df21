"""Shared pieces of the stochastic-gradient-descent parts (scenes/exact_sgd.py, stumble.py,
minibatches.py, momentum.py, blowup.py): paths between iterates, readouts on one baseline, and
parts that record what their readouts showed."""
from __future__ import annotations

import numpy as np
from manim import LEFT, UP, VGroup

from scenes.visuals import Readout


# --- small helpers --------------------------------------------------------------------------------
def lerp_path(path: np.ndarray, k: float) -> np.ndarray:
    """The point a fraction k - floor(k) of the way from iterate floor(k) to the next one of path (m, 2)."""
    if len(path) == 1:
        return path[0]
    i = min(int(np.floor(k)), len(path) - 2)
    return path[i] + (k - i) * (path[i + 1] - path[i])


def on_baseline(readout: Readout, other: Readout) -> Readout:
    """Shift ``readout`` vertically so its text sits on the same baseline as ``other``'s."""
    return readout.shift(UP * (other._anchor.get_bottom()[1] - readout._anchor.get_bottom()[1]))


class ShowsReadouts:
    """For parts: ``self.show(key, readout, value)`` sets a Readout and records every value it shows in
    ``self.shown["readouts"][key]`` (in order, only when it changes), for the tests."""

    def show(self, key: str, readout: Readout, value) -> None:
        seen = self.shown["readouts"].setdefault(key, [])
        if not seen or seen[-1] != value:
            seen.append(value)
            readout.set_value(value)


def table_row(cells, widths) -> VGroup:
    """Table cells left-aligned in columns of the given widths, top-aligned."""
    for j, cell in enumerate(cells):
        cell.move_to([sum(widths[:j]), 0, 0], aligned_edge=LEFT + UP)
    return VGroup(*cells)

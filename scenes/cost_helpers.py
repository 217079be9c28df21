"""Small helpers of the cost parts (scenes/cost.py, scenes/two_functions.py): value lines, counts for
LaTeX, the training set's size, captions written in turn."""
from __future__ import annotations

from manim import RIGHT, FadeOut, Scene, VGroup, Write

from scenes.visuals import BODY_SIZE, COST, MUTED, SMALL_SIZE, caption, text


def value_line(label: str, value: str, color=COST) -> VGroup:
    """'label  value': a muted label and a number in ``color``."""
    return VGroup(text(label, SMALL_SIZE, MUTED), text(value, BODY_SIZE, color)).arrange(RIGHT)


def tex_count(n: int) -> str:
    """12345 -> '12{,}345' (a thousands separator that LaTeX does not space out)."""
    return f"{int(n):,}".replace(",", "{,}")


def training_size(run, data) -> int:
    """How many training images the run's costs average over (its first ``train_size``, or all)."""
    return int(run.config.train_size or len(data.train_labels))


def new_caption(scene: Scene, old, s: str, run_time: float):
    """Write a new caption line as caption ``old`` (or nothing) fades out; return the new line."""
    line = caption(s)
    scene.play(Write(line), *([FadeOut(old)] if old is not None else []), run_time=run_time)
    return line



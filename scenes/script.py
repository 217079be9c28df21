"""A lecture's narration script, for a teacher to record a voiceover against or to translate: each part
with its start time, the captions it shows (with their times) and the numbers it shows (with where they
come from), as Markdown.

    python -m scenes.export script [--chapter 2|3] [--out gallery/script]

The lecture is played with every animation skipped (nothing is drawn; a few minutes per lecture), so
the times are the rendered video's: captions are timed by the same bookkeeping that writes the
video's subtitles (scenes/reading.py).
"""
from __future__ import annotations

import inspect
import sys

import numpy as np

SKIPPED = {"captions"}
TITLES = {2: "Gradient descent, how neural networks learn", 3: "Backpropagation, intuitively"}


def clock(seconds: float) -> str:
    """m:ss.s"""
    minutes, rest = divmod(max(float(seconds), 0.0), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def numbers(shown, prefix: str = "") -> list[tuple[str, str]]:
    """(name, value) lines for everything in a part's ``shown``: scalars as they are (4 significant
    digits), lists of up to 10 in full, longer ones as their count and their first and last values (the
    captions a part records are left out: the script's table has them, timed)."""
    out = []
    if isinstance(shown, dict):
        for key, value in shown.items():
            if key not in SKIPPED:
                out += numbers(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(shown, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(shown, dtype=np.float64)
        except (TypeError, ValueError):               # a list of records or of words
            if len(shown) > 12:
                return [(prefix, f"{len(shown)} entries")]
            return [line for i, value in enumerate(shown) for line in numbers(value, f"{prefix}[{i}]")]
        values = [value_text(v) for v in (shown if array.ndim == 1 else array.ravel())]
        if array.size <= 10:
            return [(prefix, ", ".join(values))]
        size = "×".join(map(str, array.shape))
        return [(prefix, f"{size} values, from {values[0]} to {values[-1]}")]
    return [(prefix, value_text(shown))] if shown is not None else []


def value_text(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


def source_note(part) -> str:
    """Where a part's numbers come from: the first paragraph of its class's docstring."""
    doc = inspect.getdoc(type(part)) or ""
    return " ".join(doc.split("\n\n")[0].split())


def play_lecture(chapter: int, numbered_builders):
    """Play the parts on the lecture's own scene class with every animation skipped; ([(number, part,
    start s)], subtitles, end s)."""
    from manim import tempconfig

    from scenes.catalog import CATALOG
    from scenes.chapters import play_parts

    starts = []
    lecture = next(e for e in CATALOG if e.lecture and e.chapter == chapter).load()

    class ScriptScene(lecture):
        def construct(self):
            play_parts(self, numbered_builders, self.begin_part)

        def begin_part(self, number, part):
            starts.append((number, part, self.renderer.time))
            print(f"  part {number}: {part.name} (at {clock(self.renderer.time)})", file=sys.stderr, flush=True)

    config = {"dry_run": True, "disable_caching": True, "frame_rate": 60, "pixel_width": 160, "pixel_height": 90,
              "progress_bar": "none", "verbosity": "ERROR"}
    with tempconfig(config):
        scene = ScriptScene(skip_animations=True)
        scene.setup()
        scene.construct()
        scene.tear_down()
    return starts, sorted(scene.subtitles, key=lambda sub: sub[1]), scene.renderer.time


def lecture_script(chapter: int, numbered_builders, run_name: str = "video") -> str:
    """The Markdown narration script of the lecture of ``chapter`` made of ``numbered_builders``
    ((number, build) pairs, as scenes.chapters.select gives)."""
    from scenes import settings

    starts, subtitles, end = play_lecture(chapter, numbered_builders)
    out = [f"# Chapter {chapter}: {TITLES.get(chapter, '')}, narration script", "",
           f"Running time {clock(end)}. Every number comes from gdcore's '{run_name}' run (theme "
           f"{settings.theme()}, seed {settings.seed()}); times are the rendered video's, from its start "
           "(a part's captions are also the video's subtitles, the .srt beside it).", ""]
    bounds = [s for _, _, s in starts[1:]] + [end]
    for (number, part, start), stop in zip(starts, bounds):
        out += [f"## Part {number} ({clock(start)}–{clock(stop)}): {part.name}", ""]
        note = source_note(part)
        if note:
            out += [f"*Where its numbers come from:* {note}", ""]
        said = [(text, begin, end) for text, begin, end in subtitles if start - 1e-6 <= begin < stop - 1e-6]
        if said:
            out += ["| from | to | on screen |", "|---|---|---|"]
            out += [f"| {clock(begin)} | {clock(end)} | {text.replace('|', '/')} |" for text, begin, end in said]
            out.append("")
        shown = numbers(getattr(part, "shown", {}))
        if shown:
            out += ["Numbers it shows (`part.shown`):", ""] + [f"- `{k}`: {v}" for k, v in shown] + [""]
    return "\n".join(out)

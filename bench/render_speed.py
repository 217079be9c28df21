"""Frames rendered per second for every part of the lecture, and the weight images vs 784 squares.

    .venv/bin/python bench/render_speed.py                      # every part at -ql
    .venv/bin/python bench/render_speed.py --quality l h        # at -ql and -qh (1080p60: slow)
    .venv/bin/python bench/render_speed.py --parts HiddenWeights --json
    .venv/bin/python bench/render_speed.py --quality h --lecture --chapter 2 3 --no-squares --no-cameras
                                                                # every part, then both lectures: see below

Each scene is rendered in this process (manim's Cairo renderer, caching off, written to a temporary
media dir); fps = frames in the written video / wall-clock seconds of ``scene.render()``, which
includes loading the cached run. The 'squares' comparison renders the evolving-weights part twice,
interleaved: with gdcore's one-ImageMobject-per-neuron WeightImage and with each image built from
784 coloured Squares, as the 2017 original did. The 'cameras' comparison renders the same part with
gdviz's StableCamera (scenes/camera.py: images composited only where they are) and with manim's own
Camera (a frame-sized composite per image), interleaved.

``--redraw`` renders each selected part (``--parts``, default the 12 parts issue 13 lists as below
40 fps) with scenes/redraw.py's RedrawLess on and off (``scenes.redraw.REDRAW_LESS``), interleaved
``--repeats`` times, and prints both frame rates and their ratio (the frames themselves are the same:
tests/test_cameras.py).

``--lecture`` times, side by side in this one run, the lecture(s) of ``--chapter`` at each quality: the plain
``manim`` render (the lecture file in this process), the parallel build (``python -m scenes.build``,
a subprocess, into an empty media dir) cold and again with nothing changed (warm), each against the
lecture's running time, and the plain render against the sum of its parts rendered standalone above
(when they were: no --parts; the standalone RealNetworkStumble also plays the random-plane contrast
the lecture leaves out).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
from manim import Square, VGroup, tempconfig
from manim.camera.camera import Camera

from scenes import redraw, visuals
from scenes.camera import GdvizScene, StableCamera
from scenes.catalog import CATALOG, parts
from scenes.weights import EvolvingWeights, video_run

QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality"}
SLOW_PARTS = ["HiddenWeights", "TwoDimensionalDescent", "GradientAsNudges", "Learning", "ExactTwoParameterSGD",
              "HowWellItDoes", "RealNetworkStumble", "Recap", "ShuffledLabels", "WhatItThinksADigitIs",
              "MiniBatchesAgain", "Momentum"]     # below 40 fps at 1080p60 before scenes/redraw.py (issue 13)


class SquaresWeightImage(VGroup):
    """The 2017 way: a 28x28 weight image made of 784 Squares (for comparison only)."""

    def __init__(self, weights, height: float = 1.2):
        super().__init__()
        side = height / 28
        for k in range(784):
            r, c = divmod(k, 28)
            self.add(Square(side, stroke_width=0).move_to([(c - 13.5) * side, (13.5 - r) * side, 0]))
        self.image = self
        self.set_weights(weights)

    def set_weights(self, weights):
        rgba = visuals.signed_rgba(np.reshape(weights, (28, 28))).reshape(784, 4) / 255.0
        for square, (r, g, b, a) in zip(self, rgba):
            square.set_fill(rgb_to_hex(r, g, b), opacity=a)
        return self


def rgb_to_hex(r, g, b) -> str:
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


class SquaresWeights(EvolvingWeights):
    image_class = SquaresWeightImage


def part_scene(part_class, camera=StableCamera):
    """A scene class playing ``part_class`` on the 'video' run with ``camera`` (for the comparisons)."""
    class PartScene(GdvizScene):
        CAMERA = camera

        def construct(self):
            part_class(video_run()).play(self)
    PartScene.__name__ = part_class.__name__ + "Scene"
    return PartScene


def render(cls, quality: str) -> dict:
    """Render ``cls`` once; {seconds, frames, fps}."""
    with tempfile.TemporaryDirectory() as media, tempconfig({"quality": QUALITIES[quality], "media_dir": media,
                                                             "disable_caching": True, "verbosity": "ERROR",
                                                             "progress_bar": "none"}):
        scene = cls()
        start = time.perf_counter()
        scene.render()
        seconds = time.perf_counter() - start
        # the rendered video only: manim also leaves each animation's partial movie beside it (counting
        # those too, as this bench did until 2026-12-01, doubled every frame count and fps figure)
        videos = [v for v in Path(media).rglob("*.mp4") if not {"partial_movie_files", "sections"} & set(v.parts)]
        frames = 0
        for v in videos:
            with av.open(str(v)) as container:
                frames += sum(1 for _ in container.decode(video=0))
    return {"seconds": seconds, "frames": frames, "fps": frames / seconds}


def lecture_parts(chapter: int) -> list[str]:
    """The standalone scene names of the lecture's parts, in lecture order."""
    from scenes.chapters import chapter_three, chapter_two

    count = len(chapter_two() if chapter == 2 else chapter_three())
    return [e.scene for e in parts() if e.chapter == chapter][:count]


def build_seconds(chapter: int, quality: str, media: str) -> float:
    """Wall-clock seconds of ``python -m scenes.build`` for the lecture into ``media``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scenes.build", "--chapter", str(chapter), "-q", quality,
                    "--media_dir", media], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - start


def lecture_times(chapter: int, quality: str, part_results: list, all_parts: bool, quiet: bool) -> dict:
    """The lecture of ``chapter`` at ``quality``: plain render, build cold and warm, sum of its parts."""
    lecture = next(e for e in CATALOG if e.lecture and e.chapter == chapter).load()
    r = render(lecture, quality)
    r = {"chapter": chapter, "quality": quality, "plain_seconds": r["seconds"], "frames": r["frames"],
         "running_seconds": r["frames"] / {"l": 15, "m": 30, "h": 60}[quality]}
    with tempfile.TemporaryDirectory() as media:
        r["build_cold_seconds"] = build_seconds(chapter, quality, media)
        r["build_warm_seconds"] = build_seconds(chapter, quality, media)
    names = lecture_parts(chapter)
    mine = [p for p in part_results if p["quality"] == quality and p["scene"] in names]
    r["parts_seconds"] = sum(p["seconds"] for p in mine) if all_parts and len(mine) == len(names) else None
    if not quiet:
        run = r["running_seconds"]
        print(f"\nchapter-{chapter} lecture at -q{quality}, {run:.0f} s of video ({r['frames']:,} frames):")
        print(f"  plain manim       {r['plain_seconds']:7.0f} s  {r['plain_seconds'] / run:5.2f}x running time")
        print(f"  build, cold       {r['build_cold_seconds']:7.0f} s  {r['build_cold_seconds'] / run:5.2f}x")
        print(f"  build, unchanged  {r['build_warm_seconds']:7.1f} s")
        if r["parts_seconds"] is not None:
            print(f"  its {len(names)} parts standalone, one after another: {r['parts_seconds']:.0f} s "
                  f"(plain lecture / sum of parts = {r['plain_seconds'] / r['parts_seconds']:.2f})")
    return r


def redraw_comparison(args) -> int:
    """fps of each part with RedrawLess on and off, interleaved (on, off, on, off, ...)."""
    found = {e.scene: e for e in parts()}
    rows = []
    for name in args.parts or SLOW_PARTS:
        cls = found[name].load()
        for q in args.quality:
            fps = {"on": [], "off": []}
            for _ in range(args.repeats):
                for mode in ("on", "off"):
                    previous, redraw.REDRAW_LESS = redraw.REDRAW_LESS, mode == "on"
                    try:
                        fps[mode].append(render(cls, q)["fps"])
                    finally:
                        redraw.REDRAW_LESS = previous
            row = {"scene": name, "quality": q, "on_fps": statistics.median(fps["on"]),
                   "off_fps": statistics.median(fps["off"])}
            row["ratio"] = row["on_fps"] / row["off_fps"]
            rows.append(row)
            if not args.json:
                print(f"  {name:24s} -q{q}  before {row['off_fps']:6.1f} fps  after {row['on_fps']:6.1f} fps  "
                      f"{row['ratio']:5.2f}x", flush=True)
    if args.json:
        print(json.dumps({"redraw": rows}))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Frames per second of every lecture part (see module docstring).")
    p.add_argument("--quality", nargs="+", default=["l"], choices=sorted(QUALITIES), help="l, m and/or h")
    p.add_argument("--parts", nargs="*", help="scene class names (default: all)")
    p.add_argument("--repeats", type=int, default=1, help="interleaved repeats of the squares comparison")
    p.add_argument("--no-squares", action="store_true", help="skip the WeightImage vs 784 squares comparison")
    p.add_argument("--no-cameras", action="store_true", help="skip the StableCamera vs manim's Camera comparison")
    p.add_argument("--redraw", action="store_true", help="only compare scenes/redraw.py on and off, interleaved, "
                                                         "on --parts (default: the parts below 40 fps)")
    p.add_argument("--lecture", action="store_true", help="also time the whole lecture: plain manim, the parallel "
                                                          "build cold and warm (see the module docstring)")
    p.add_argument("--chapter", type=int, nargs="+", default=[2], choices=(2, 3),
                   help="the lecture(s) of --lecture (default 2)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = p.parse_args(argv)
    video_run()  # train or load once, outside every timing

    if args.redraw:
        return redraw_comparison(args)
    results = {"parts": [], "squares": None, "cameras": [], "lecture": None}
    wanted = args.parts
    for entry in parts():
        name = entry.scene
        if wanted and name not in wanted:
            continue
        try:
            cls = entry.load()
        except (ImportError, AttributeError):
            if not args.json:
                print(f"  {name}: not in {entry.path}, skipped")
            continue
        for q in args.quality:
            r = {"scene": name, "quality": q, **render(cls, q)}
            results["parts"].append(r)
            if not args.json:
                slow = "  below 40 fps" if q == "h" and r["fps"] < 40 else ""
                print(f"  {name:24s} -q{q}  {r['frames']:5d} frames  {r['seconds']:7.1f} s  {r['fps']:6.1f} fps{slow}",
                      flush=True)

    if not args.no_squares:
        times = {"image": [], "squares": []}
        q = args.quality[0]
        for _ in range(args.repeats):
            times["image"].append(render(part_scene(EvolvingWeights), q)["fps"])
            times["squares"].append(render(part_scene(SquaresWeights), q)["fps"])
        image_fps, squares_fps = statistics.median(times["image"]), statistics.median(times["squares"])
        results["squares"] = {"quality": q, "image_fps": image_fps, "squares_fps": squares_fps,
                              "ratio": image_fps / squares_fps}
        if not args.json:
            print(f"\nweight images at -q{q}: ImageMobject {image_fps:.1f} fps vs 784 squares {squares_fps:.1f} fps "
                  f"-> {image_fps / squares_fps:.1f}x (target >= 5x)")

    if not args.no_cameras:
        times = {"stable": [], "manim": []}
        for q in args.quality:
            for _ in range(args.repeats):
                times["stable"].append(render(part_scene(EvolvingWeights), q)["fps"])
                times["manim"].append(render(part_scene(EvolvingWeights, Camera), q)["fps"])
            stable = statistics.median(times["stable"][-args.repeats:])
            manim_fps = statistics.median(times["manim"][-args.repeats:])
            results["cameras"].append({"quality": q, "stable_fps": stable, "manim_fps": manim_fps,
                                                      "ratio": stable / manim_fps})
            if not args.json:
                print(f"weight images at -q{q}: StableCamera {stable:.1f} fps vs manim's Camera {manim_fps:.1f} fps "
                      f"-> {stable / manim_fps:.2f}x")

    if args.lecture:
        results["lecture"] = [lecture_times(chapter, q, results["parts"], not args.parts, args.json)
                              for chapter in args.chapter for q in args.quality]
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

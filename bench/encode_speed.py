"""How fast the lecture's 1080p60 frames are encoded by manim's own writer and by gdviz's.

    .venv/bin/python bench/encode_speed.py                 # 400 frames of a part, 2 interleaved repeats
    .venv/bin/python bench/encode_speed.py --scene HowWellItDoes --frames 300 --repeats 3

Renders the part at -qh into a temporary folder (or reads ``--video``), decodes ``--frames`` of its
frames (every second one; a run of equal frames is sent once with its count, as manim sends a
``wait``), and encodes them again and again, interleaved, three ways (libx264, yuv420p, crf 23):
manim 0.21's writer (each frame copied into a new RGBA frame and converted by PyAV, x264's
``medium`` preset), the same with scenes/encoding.py's ``X264_PRESET``, and scenes/encoding.py's
``encode_frames`` (wrapped without a copy, converted once per still). Prints frames per second of
wall-clock time and of CPU time (all threads), file size, and the ratios. Encoding runs beside the
drawing in manim (its own thread), so a part cannot render faster than this.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from scenes.encoding import X264_PRESET, encode_frames
from scenes.catalog import find

ROOT = Path(__file__).resolve().parent.parent


def decoded(video: Path, count: int) -> list[tuple[np.ndarray, int]]:
    """Every second frame of ``video`` as RGBA, up to ``count``, as (frame, times) runs of equal ones."""
    frames: list[list] = []
    with av.open(str(video)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % 2 == 0:
                array = frame.to_ndarray(format="rgba")
                if frames and np.array_equal(frames[-1][0], array):
                    frames[-1][1] += 1
                else:
                    frames.append([array, 1])
            if sum(times for _, times in frames) >= count:
                break
    return [(array, times) for array, times in frames]


def manims_frames(stream, container, pixels: np.ndarray, count: int) -> None:
    """What manim 0.21's ``_PartialMovieEncodeJob._encode_and_write_frame`` does."""
    for _ in range(count):
        for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgba")):
            container.mux(packet)


def encode(frames: list, write, preset: str | None, target: Path) -> tuple[float, float, int]:
    """(frames per wall second, frames per CPU second, bytes) of encoding ``frames`` with ``write``
    and x264 ``preset``."""
    height, width = frames[0][0].shape[:2]
    options = {"crf": "23", **({"preset": preset} if preset else {})}
    wall, cpu = time.perf_counter(), time.process_time()
    with av.open(str(target), mode="w") as out:
        stream = out.add_stream("libx264", rate=60, options=options)
        stream.pix_fmt, stream.width, stream.height = "yuv420p", width, height
        for array, times in frames:
            write(stream, out, array, times)
        out.mux(stream.encode())
    total = sum(times for _, times in frames)
    return total / (time.perf_counter() - wall), total / (time.process_time() - cpu), target.stat().st_size


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scene", default="GradientAsNudges", help="the part whose frames are encoded")
    p.add_argument("--video", type=Path, help="encode this video's frames instead of rendering a part")
    p.add_argument("--frames", type=int, default=400)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="gdviz-encode-") as tmp:
        video = args.video
        if video is None:
            entry = find(args.scene)
            subprocess.run([sys.executable, "-m", "manim", "render", "-qh", "--media_dir", tmp, entry.path, entry.scene],
                           cwd=ROOT, check=True, capture_output=True, stdin=subprocess.DEVNULL)
            video = next(p for p in Path(tmp).rglob(f"{entry.scene}.mp4") if "partial" not in str(p))
        frames = decoded(video, args.frames)
        ways = {"manim's writer, medium": (manims_frames, None),
                f"manim's writer, {X264_PRESET}": (manims_frames, X264_PRESET),
                f"gdviz's writer, {X264_PRESET}": (encode_frames, X264_PRESET)}
        results = {name: [] for name in ways}
        for _ in range(args.repeats):
            for name, (write, preset) in ways.items():
                results[name].append(encode(frames, write, preset, Path(tmp) / "encoded.mp4"))
    total = sum(times for _, times in frames)
    print(f"{total} frames ({len(frames)} different) of {video.name}, {frames[0][0].shape[1]}x{frames[0][0].shape[0]}, "
          f"{args.repeats} repeats:")
    wall = {}
    for name, runs in results.items():
        wall[name] = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"  {name:28s} {wall[name]:6.1f} fps  {cpu:6.1f} frames per CPU second  {runs[0][2] / 1024:8.0f} KB")
    slow = wall["manim's writer, medium"]
    print("  wall-clock ratios to manim's:", ", ".join(f"{name} {fps / slow:.2f}x" for name, fps in wall.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

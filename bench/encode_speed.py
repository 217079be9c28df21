"""How fast H.264 encodes the lecture's 1080p60 frames with manim's x264 preset and with gdviz's.

    .venv/bin/python bench/encode_speed.py                 # 400 frames of a part, 2 interleaved repeats
    .venv/bin/python bench/encode_speed.py --scene HowWellItDoes --frames 300 --repeats 3

Renders the part at -qh into a temporary folder (or reads ``--video``), decodes ``--frames`` of its
frames (every second one), and encodes them again and again, interleaved, as manim writes them
(libx264, yuv420p, crf 23): with manim's default preset (``medium``) and with scenes/camera.py's
``X264_PRESET``. Prints frames per second and file size of each, and their ratio. Encoding runs
beside the drawing in manim (its own thread), so a part cannot render faster than this.
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

from scenes.camera import X264_PRESET
from scenes.catalog import find

ROOT = Path(__file__).resolve().parent.parent


def decoded(video: Path, count: int) -> list:
    frames = []
    with av.open(str(video)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % 2 == 0:
                frames.append(frame.to_ndarray(format="rgb24"))
            if len(frames) >= count:
                break
    return frames


def encode(frames: list, preset: str | None, target: Path) -> tuple[float, int]:
    """(frames per second, bytes) of encoding ``frames`` as manim does, with x264 ``preset``."""
    height, width = frames[0].shape[:2]
    options = {"crf": "23", **({"preset": preset} if preset else {})}
    start = time.perf_counter()
    with av.open(str(target), mode="w") as out:
        stream = out.add_stream("libx264", rate=60, options=options)
        stream.pix_fmt, stream.width, stream.height = "yuv420p", width, height
        for array in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")))
        out.mux(stream.encode())
    return len(frames) / (time.perf_counter() - start), target.stat().st_size


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
        results = {"medium (manim's)": [], f"{X264_PRESET} (gdviz's)": []}
        for _ in range(args.repeats):
            for (name, runs), preset in zip(results.items(), (None, X264_PRESET)):
                runs.append(encode(frames, preset, Path(tmp) / "encoded.mp4"))
    print(f"{len(frames)} frames of {video.name}, {frames[0].shape[1]}x{frames[0].shape[0]}, {args.repeats} repeats:")
    fps = {}
    for name, runs in results.items():
        fps[name] = statistics.median(r[0] for r in runs)
        print(f"  {name:20s} {fps[name]:6.1f} fps  {runs[0][1] / 1024:8.0f} KB")
    slow, quick = fps.values()
    print(f"  ratio {quick / slow:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

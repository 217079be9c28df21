"""Render the project's scenes for teachers: every part as MP4, GIF or PNG, in parallel.

    python -m scenes.export render [--quality l|m|h|p|k] [--jobs N] [--out DIR] [SCENE ...]
    python -m scenes.export gifs   [--width 854] [--fps 10] [--out gallery/gifs]   # looping GIFs
    python -m scenes.export stills [--quality m] [--transparent] [--out gallery/stills]   # the key frame of each part
    python -m scenes.export slides [--quality l] [--chapter 2|3] [--parts 1-3] [--out gallery/slides]  # HTML + PDF decks
    python -m scenes.export script [--chapter 2|3] [--out gallery/script]   # Markdown narration scripts

Each scene is one ``manim render`` process; ``--jobs`` of them run at once (default: every core).
A table of scene, seconds, frames per second, size and output path is printed; the exit code is 1
(naming the scenes) if any scene failed, 2 for bad arguments.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scenes.catalog import CATALOG, Entry, find, label, parts

ROOT = Path(__file__).resolve().parent.parent
FRAME_RATES = {"l": 15, "m": 30, "h": 60, "p": 60, "k": 60}


@dataclass
class Result:
    entry: Entry
    ok: bool
    seconds: float
    frames: int = 0
    output: Path | None = None
    error: str = ""

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def count_frames(path: Path) -> int:
    """Frames in a video or GIF (1 for a PNG)."""
    if path.suffix == ".png":
        return 1
    import av
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


# Every frame as a PNG: manim 0.22 calls it "png-sequence" ("png" is now one still); 0.21 "png".
PNG_FRAMES = "png-sequence" if importlib.util.find_spec("manim._config.output") else "png"


def manim_command(entry: Entry, quality: str, fmt: str, media: Path, extra=()) -> list[str]:
    cmd = [sys.executable, "-m", "manim", "render", f"-q{quality}", "--media_dir", str(media)]
    if fmt == "png":
        cmd.append("-s")
    elif fmt == "gif":  # lossless frames, assembled by write_gif (smaller and crisper than manim's GIF)
        cmd += ["--format", PNG_FRAMES]
    elif fmt != "mp4":
        cmd += ["--format", fmt]
    return cmd + list(extra) + [entry.path, entry.scene]


def write_gif(frames: list[Path], target: Path, fps: float) -> None:
    """Frames (PNG paths) -> a looping GIF with one shared palette and no dithering.

    Exact frames keep static areas identical from frame to frame, so the GIF stores only what
    changed; no dithering keeps flat colours flat (dithered backgrounds cost megabytes).
    """
    from PIL import Image

    images = [Image.open(f).convert("RGB") for f in frames]
    sample = images[:: max(1, len(images) // 16)]
    mosaic = Image.new("RGB", (images[0].width, images[0].height * len(sample)))
    for i, im in enumerate(sample):
        mosaic.paste(im, (0, im.height * i))
    palette = mosaic.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    indexed = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    indexed[0].save(target, save_all=True, append_images=indexed[1:], duration=round(1000 / fps), loop=0)


def render_one(entry: Entry, quality: str, fmt: str, out: Path, extra=(), fps: float = 15) -> Result:
    """Render ``entry`` in its own manim process and copy the result to ``out``."""
    with tempfile.TemporaryDirectory(prefix="gdviz-render-") as media:
        start = time.perf_counter()
        proc = subprocess.run(manim_command(entry, quality, fmt, Path(media), extra), cwd=ROOT,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        suffix = {"png": ".png", "gif": ".png"}.get(fmt, f".{fmt}")
        made = sorted(p for p in Path(media).rglob(f"{entry.scene}*{suffix}")
                      if not {"partial_movie_files", "sections"} & set(p.parts))
        if fmt == "gif" and not made:     # manim 0.22 writes the frames as <Scene>/0000.png ...
            made = sorted(p for p in Path(media).rglob("*.png") if p.parent.name == entry.scene)
        if proc.returncode != 0 or not made:
            lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
            return Result(entry, False, seconds, error=(lines[-1] if lines else f"exit code {proc.returncode}")[:200])
        if fmt == "gif":
            target = out / f"{label(entry)}.gif"
            write_gif(made, target, fps)
        else:
            target = out / f"{label(entry)}{suffix}"
            shutil.copyfile(made[-1], target)
            if made[-1].with_suffix(".srt").exists():        # its captions as subtitles
                shutil.copyfile(made[-1].with_suffix(".srt"), target.with_suffix(".srt"))
        seconds = time.perf_counter() - start
        sections = Path(media).rglob("sections")
        for folder in sections:
            dest = out / f"{label(entry)}-sections"
            shutil.copytree(folder, dest, dirs_exist_ok=True)
        return Result(entry, True, seconds, count_frames(target), target)


def render_many(entries, quality: str, fmt: str, out: Path, jobs: int, extra=(), fps: float = 15) -> list[Result]:
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:  # each worker drives one manim process
        futures = [pool.submit(render_one, e, quality, fmt, out, extra, fps) for e in entries]
        return [f.result() for f in futures]


def print_table(results: list[Result]) -> None:
    print(f"{'scene':26s} {'seconds':>8s} {'frames':>7s} {'fps':>6s} {'size':>9s}  output")
    for r in results:
        if r.ok:
            size = r.output.stat().st_size
            print(f"{r.entry.scene:26s} {r.seconds:8.1f} {r.frames:7d} {r.fps:6.1f} {size / 1024:8.0f}K  {r.output}")
        else:
            print(f"{r.entry.scene:26s} {r.seconds:8.1f} {'-':>7s} {'-':>6s} {'-':>9s}  FAILED: {r.error}")


REVEAL_VERSION = "6.0.1"
REVEAL_FILES = {"reveal.css": "dist/reveal.css", "reveal.js": "dist/reveal.js", "black.css": "dist/theme/black.css",
                "zenburn.css": "dist/plugin/highlight/zenburn.css", "notes.js": "dist/plugin/notes.js"}


def reveal_cache() -> Path:
    """Put the Reveal.js files manim-slides links from a CDN into its cache (from the npm registry),
    so that ``convert --offline`` works without internet access. Returns the cache folder."""
    import tarfile

    from platformdirs import user_cache_path

    folder = user_cache_path("manim-slides") / f"revealjs{REVEAL_VERSION}"
    if all((folder / name).exists() for name in REVEAL_FILES):
        return folder
    if not shutil.which("npm"):
        raise RuntimeError("npm is needed once to fetch reveal.js for the offline slide deck (apt-get install npm)")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"reveal.js@{REVEAL_VERSION}", "--silent"], cwd=tmp, check=True,
                       capture_output=True, timeout=300)
        with tarfile.open(next(Path(tmp).glob("reveal.js-*.tgz"))) as tar:
            for name, member in REVEAL_FILES.items():
                data = tar.extractfile(f"package/{member}").read()
                (folder / name).write_bytes(data)
    return folder


DECKS = {2: ("GradientDescentSlides", "chapter2"), 3: ("BackpropagationSlides", "chapter3")}


def make_slides(quality: str, out: Path, parts: str, chapters=(2, 3)) -> list[Path]:
    """Render each chapter's deck with manim-slides, then convert it to one offline HTML file and a
    PDF (chapterN.html, chapterN.pdf in ``out``); progress on stderr."""
    reveal_cache()
    out.mkdir(parents=True, exist_ok=True)
    slides = [sys.executable, "-m", "manim_slides"]
    env = dict(os.environ, GDVIZ_PARTS=parts)
    written = []
    with tempfile.TemporaryDirectory(prefix="gdviz-slides-") as work:
        shutil.copyfile(ROOT / "manim.cfg", Path(work) / "manim.cfg")  # same look and theme
        for chapter in chapters:
            deck, stem = DECKS[chapter]
            steps = [
                ("rendering", slides + ["render", f"-q{quality}", str(ROOT / "scenes" / "slides.py"), deck]),
                ("writing the HTML", slides + ["convert", "--one-file", "--offline", deck, str(out / f"{stem}.html")]),
                ("writing the PDF", slides + ["convert", "--to", "pdf", deck, str(out / f"{stem}.pdf")]),
            ]
            for what, cmd in steps:
                print(f"chapter {chapter} deck: {what}...", file=sys.stderr, flush=True)
                proc = subprocess.run(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
                if proc.returncode != 0:
                    lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
                    raise RuntimeError(f"{' '.join(cmd[2:4])} {deck} failed: {lines[-1] if lines else proc.returncode}")
            written += [out / f"{stem}.html", out / f"{stem}.pdf"]
    return written


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit code 2, like gdcore's CLI
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def network_options(parser) -> None:
    """--preset / --network: the network the lectures are made from (scenes/settings.py)."""
    parser.add_argument("--preset", help="make the lectures from this gdcore preset (default: video, or the "
                                         "preset setting of manim.cfg)")
    parser.add_argument("--network", help="... or from your own network: a TOML file of gdcore train's settings")


def build_parser(prog: str = "python -m scenes.export") -> argparse.ArgumentParser:
    p = _Parser(prog=prog, description=__doc__.split("\n\n")[0])
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=_Parser)
    common = _Parser(add_help=False)
    network_options(common)
    common.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="scenes rendered at once (default: all cores)")
    common.add_argument("--out", type=Path, help="output folder")
    common.add_argument("scenes", nargs="*", help="scene class names (default: every part; see scenes/catalog.py)")
    r = verbs.add_parser("render", parents=[common], help="render scenes as videos (MP4) in parallel")
    r.add_argument("--quality", "-q", default="l", choices=sorted(FRAME_RATES), help="manim quality flag (default l)")
    r.add_argument("--format", default="mp4", choices=["mp4", "webm", "mov", "gif", "png"], help="default mp4")
    r.add_argument("--all", action="store_true", help="also the whole lectures (with one clip per section)")
    r.add_argument("--transparent", "-t", action="store_true",
                   help="no background, for compositing over your own slides (a .mov with alpha)")
    g = verbs.add_parser("gifs", parents=[common], help="every part as a looping GIF for slides")
    g.add_argument("--width", type=int, default=854, help="pixels wide, 16:9 (default 854: legible on a slide)")
    g.add_argument("--fps", type=float, default=10, help="frames per second (default 10)")
    s = verbs.add_parser("stills", parents=[common], help="the key (last) frame of every part as PNG")
    s.add_argument("--quality", "-q", default="m", choices=sorted(FRAME_RATES), help="default m (1280x720)")
    s.add_argument("--transparent", "-t", action="store_true", help="no background: PNGs with alpha")
    d = verbs.add_parser("slides", help="the lectures' slide decks: one offline HTML file and a PDF each")
    network_options(d)
    d.add_argument("--chapter", type=int, choices=sorted(DECKS), action="append",
                   help="only this chapter's deck (repeatable; default: every chapter)")
    d.add_argument("--quality", "-q", default="l", choices=sorted(FRAME_RATES), help="default l")
    d.add_argument("--parts", default="", help="part numbers to include in each deck, e.g. 1-3 (default: all)")
    d.add_argument("--out", type=Path, help="output folder (default gallery/slides)")
    t = verbs.add_parser("script", help="each lecture's narration script (Markdown): parts, times, captions, numbers")
    network_options(t)
    t.add_argument("--chapter", type=int, choices=sorted(DECKS), action="append",
                   help="only this chapter's script (repeatable; default: every chapter)")
    t.add_argument("--out", type=Path, help="output folder (default gallery/script)")
    return p


def write_scripts(chapters, out: Path) -> list[Path]:
    """chapterN.md in ``out`` for each chapter (scenes/script.py), written atomically."""
    from scenes.chapters import chapter_three, chapter_two, select
    from scenes.script import lecture_script

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in chapters:
        print(f"chapter {chapter} script: playing the lecture without drawing it...", file=sys.stderr, flush=True)
        builders = select(chapter_two() if chapter == 2 else chapter_three(), "")
        target = out / f"chapter{chapter}.md"
        partial = target.with_name(target.name + ".partial")
        partial.write_text(lecture_script(chapter, builders), encoding="utf-8")
        os.replace(partial, target)
        written.append(target)
    return written


def check_settings(parts_spec: str | None, chapters=(2,)) -> None:
    """The teacher's settings (theme, seed, and the part list of each deck), checked before any
    rendering starts: one line and exit code 2 if one is bad."""
    from scenes import settings
    from scenes.chapters import chapter_three, chapter_two

    settings.or_exit(settings.theme)
    settings.or_exit(settings.seed)
    settings.or_exit(settings.lecture_run_config)
    if parts_spec is not None:
        for chapter in chapters:
            settings.or_exit(settings.parts, len(chapter_two() if chapter == 2 else chapter_three()), parts_spec)


def main(argv=None, prog: str = "python -m scenes.export") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    from scenes import settings

    settings.choose_network(args.preset, args.network)
    chapters = tuple(sorted(set(getattr(args, "chapter", None) or DECKS)))
    check_settings(args.parts if args.verb == "slides" else None, chapters)
    if args.verb == "script":
        start = time.perf_counter()
        for f in write_scripts(chapters, args.out or ROOT / "gallery" / "script"):
            print(f"{f}  {f.stat().st_size / 1024:.0f}K")
        print(f"narration scripts written in {time.perf_counter() - start:.0f} s")
        return 0
    if args.verb == "slides":
        out = args.out or ROOT / "gallery" / "slides"
        try:
            start = time.perf_counter()
            files = make_slides(args.quality, out, args.parts, chapters)
        except (RuntimeError, subprocess.SubprocessError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for f in files:
            print(f"{f}  {f.stat().st_size / 1024:.0f}K")
        print(f"slide decks written in {time.perf_counter() - start:.0f} s")
        return 0
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        entries = [find(s) for s in args.scenes] if args.scenes else parts()
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    fmt = {"gifs": "gif", "stills": "png"}.get(args.verb) or args.format
    if args.verb == "render" and args.all and not args.scenes:
        entries = CATALOG
    if fmt == "gif":
        if args.width < 64 or args.fps <= 0:
            parser.error("--width must be at least 64 and --fps positive")
        extra = ("--resolution", f"{args.width},{round(args.width * 9 / 16 / 2) * 2}", "--fps", f"{args.fps:g}")
        args.quality = "l"
    else:
        extra = ("--save_sections",) if fmt != "png" else ()
    if getattr(args, "transparent", False):
        if fmt not in ("mp4", "mov", "png"):
            parser.error(f"--transparent needs --format mov (a video with alpha) or stills, not {fmt}")
        fmt, extra = ("mov" if fmt == "mp4" else fmt), extra + ("--transparent",)
    out = args.out or ROOT / "gallery" / {"gif": "gifs", "png": "stills"}.get(fmt, f"videos-{args.quality}")
    results = render_many(entries, args.quality, fmt, out, args.jobs, extra, getattr(args, "fps", 15))
    print_table(results)
    failed = [r.entry.scene for r in results if not r.ok]
    if failed:
        print(f"error: {len(failed)} scene(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    total = sum(r.output.stat().st_size for r in results)
    print(f"{len(results)} file(s), {total / 1024 / 1024:.1f} MB in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build a lecture video from its parts: each part rendered on its own (in parallel, one manim
process per part), cached by everything it depends on, and joined without re-encoding.

    python -m scenes.build                      # chapter 2 at 1080p60 (what `make video` runs)
    python -m scenes.build --chapter 3 -q l     # chapter 3 as a quick 480p15 draft
    python -m scenes.build --jobs 1 --parts 4   # one part, one process

The result is where ``manim -q<Q> --save_sections scenes/<lecture>.py`` writes it, with the same
frames: ``media/videos/<lecture>/<res>/<Scene>.mp4`` and its subtitles ``<Scene>.srt``, and
``sections/`` beside it with one clip per part (each with its own .srt) and ``<Scene>.json`` naming
them. Each part is rendered by the lecture file itself (``GDVIZ_PARTS=N GDVIZ_FRAGMENT=1``: part N followed by its fade to black, unless it is the last),
so the joined fragments are the lecture.

A rendered part is kept in ``media/parts/<lecture>/<res>/`` under a key that hashes the quality,
the theme and seed, the lecture's network (its preset or file, as a config), the manim and gdcore
versions, manim.cfg, the source of the lecture file (with scenes/chapters.py, settings.py, camera.py),
of every gdcore module and of every scenes module the part's module imports (directly or not), and
the code of the part's own module without the lecture's other parts in it (their part classes and
standalone scenes). A kept part is used only while the gdcore cache files it was made from (runs,
grids, data: listed by the fragment's render) are unchanged: a run retrained under another BLAS kernel,
or after ``make clean-cache``, renders the part again. So an unchanged lecture is only joined again,
and a changed caption re-renders that part alone.
Progress goes to stderr; a bad argument or setting is one line and exit code 2.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READS = "gdcore-reads.json"     # a fragment's list of the gdcore cache files it read (scenes.chapters.play_parts)
LECTURES = {2: ("descent", "GradientDescentLecture"), 3: ("backprop", "BackpropagationLecture")}
QUALITY_FLAGS = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "p": "production_quality",
                 "k": "fourk_quality"}


def resolution(flag: str) -> str:
    """manim's folder name for a quality flag: 'h' -> '1080p60'."""
    from manim.constants import QUALITIES

    q = QUALITIES[QUALITY_FLAGS[flag]]
    return f"{q['pixel_height']}p{q['frame_rate']}"


def scenes_imports(module: str, seen: set | None = None) -> set:
    """``module`` (a name under scenes/, or a package like 'visuals') and every scenes module it
    imports, directly or through others, read from the sources (nothing is imported)."""
    seen = set() if seen is None else seen
    if module in seen:
        return seen
    seen.add(module)
    path = ROOT / "scenes" / f"{module.replace('.', '/')}.py"
    files = [path] if path.exists() else sorted((ROOT / "scenes" / module.replace(".", "/")).glob("*.py"))
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scenes"):
                names = [node.module[len("scenes."):]] if node.module != "scenes" else [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name[len("scenes."):] for a in node.names if a.name.startswith("scenes.")]
            for name in names:
                name = name.split(".")[0] if (ROOT / "scenes" / name.split(".")[0]).is_dir() else name
                scenes_imports(name, seen)
    return seen


def part_key(chapter: int, number: int, module: str, flag: str) -> str:
    """What part ``number`` of ``chapter`` (its scenes ``module``) looks like at quality ``flag``
    depends on, hashed (see the module docstring)."""
    import gdcore
    import manim

    from scenes import settings

    lecture = LECTURES[chapter][0]
    digest = hashlib.sha256()
    digest.update(json.dumps([chapter, number, flag, settings.theme(), settings.seed(), manim.__version__,
                              gdcore.__version__, settings.lecture_run_config()[0].to_dict()]).encode())
    sources = [ROOT / "manim.cfg", *sorted((ROOT / "gdcore").glob("*.py"))]
    # the lecture's own files, but not everything chapters.py imports (that is every part)
    sources += [ROOT / "scenes" / f"{name}.py" for name in (lecture, "chapters", "settings")]
    for name in sorted((scenes_imports(module) | scenes_imports("camera")) - {module}):
        path = ROOT / "scenes" / f"{name}.py"
        sources += [path] if path.exists() else sorted((ROOT / "scenes" / name).glob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(own_code(ROOT / "scenes" / f"{module}.py", other_parts(chapter, number, module)).encode())
    return digest.hexdigest()[:16]


def other_parts(chapter: int, number: int, module: str) -> set:
    """The classes of ``module`` that belong to the lecture's other parts: their part classes and their
    standalone scenes (the catalog's rows, in lecture order)."""
    from scenes.catalog import parts

    scenes = [e.scene for e in parts() if e.chapter == chapter]
    return {name for n, ((cls, where), scene) in enumerate(zip(part_classes(chapter), scenes), start=1)
            if n != number and where == module for name in (cls, scene)}


def part_classes(chapter: int) -> list[tuple[str, str]]:
    """(class, module) of each part of the lecture, in order, read from scenes/chapters.py: the class
    each builder in ``chapter_two()`` / ``chapter_three()`` constructs (nothing is imported)."""
    tree = ast.parse((ROOT / "scenes" / "chapters.py").read_text())
    where = {alias.asname or alias.name: node.module[len("scenes."):] for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scenes.") for alias in node.names}
    function = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                    and node.name == ("chapter_two" if chapter == 2 else "chapter_three"))
    builders = next(node.value for node in ast.walk(function) if isinstance(node, ast.Return)).elts
    return [(b.body.func.id, where.get(b.body.func.id, "")) for b in builders]


def own_code(path: Path, others: set) -> str:
    """The code of ``path`` that a part depends on: all of it except the classes named in ``others``
    (the module's other lecture parts) that nothing left in it refers to. Comments do not count."""
    body = ast.parse(path.read_text()).body
    while True:
        kept = [node for node in body if not (isinstance(node, ast.ClassDef) and node.name in others)]
        used = {n.id for node in kept for n in ast.walk(node) if isinstance(n, ast.Name)}
        if not others & used:
            return "\n".join(ast.dump(node) for node in kept)
        others = others - used


def part_modules(chapter: int, count: int) -> list[str]:
    """The scenes module of each of the lecture's ``count`` parts, from the catalog (which lists a
    lecture's parts first, in lecture order)."""
    from scenes.catalog import parts

    modules = [e.module for e in parts() if e.chapter == chapter][:count]
    if len(modules) != count:
        raise RuntimeError(f"the catalog lists {len(modules)} parts of chapter {chapter}, the lecture {count}")
    return modules


def render_part(chapter: int, number: int, flag: str, target: Path) -> float:
    """Render part ``number`` as a fragment of the lecture into ``target`` (atomically); seconds taken."""
    lecture, scene = LECTURES[chapter]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gdviz-part-") as media:
        env = dict(os.environ, GDVIZ_PARTS=str(number), GDVIZ_FRAGMENT="1")
        proc = subprocess.run([sys.executable, "-m", "manim", "render", f"-q{flag}", "--disable_caching",
                               "--save_sections", "--media_dir", media, f"scenes/{lecture}.py"], cwd=ROOT, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        made = Path(media) / "videos" / lecture / resolution(flag) / f"{scene}.mp4"
        if proc.returncode != 0 or not made.exists():
            lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
            raise RuntimeError(f"part {number} of chapter {chapter} failed: {lines[-1] if lines else proc.returncode}")
        sections = json.loads((made.parent / "sections" / f"{scene}.json").read_text())
        reads = {name: cache_file_digest(name) for name in json.loads((Path(media) / READS).read_text())}
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target.with_suffix(".json"), json.dumps({"section": sections[-1]["name"], "reads": reads}).encode())
        subtitles = made.with_suffix(".srt")          # none when the part shows no caption
        write_atomically(target.with_suffix(".srt"), subtitles.read_bytes() if subtitles.exists() else b"")
        partial = target.with_suffix(".partial.mp4")
        shutil.move(made, partial)
        os.replace(partial, target)
    return time.perf_counter() - start


def cache_file_digest(name: str) -> str | None:
    """sha256 of gdcore cache file ``name`` (None if it is gone)."""
    from gdcore.cache import cache_dir

    path = cache_dir() / name
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def is_kept(clip: Path, digests: dict) -> bool:
    """Whether the rendered part ``clip`` is complete (video, section, subtitles) and was made from the
    gdcore cache files that are there now: a run retrained (another BLAS kernel, a cleaned cache) means
    its numbers may differ, so the part is rendered again. ``digests`` memoizes the files' digests."""
    if not all(clip.with_suffix(x).exists() for x in (".mp4", ".json", ".srt")):
        return False
    try:
        reads = json.loads(clip.with_suffix(".json").read_text())["reads"]
    except (ValueError, KeyError, TypeError):
        return False
    for name, digest in reads.items():
        if name not in digests:
            digests[name] = cache_file_digest(name)
        if digests[name] is None or digests[name] != digest:
            return False
    return True


def join(clips: list[Path], output: Path) -> None:
    """Concatenate MP4 clips of one codec and size into ``output`` (atomically), copying packets."""
    import av

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".partial.mp4")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("".join(f"file 'file:{c.resolve().as_posix()}'\n" for c in clips))
    try:
        with av.open(listing.name, format="concat", options={"safe": "0"}) as source, \
                av.open(str(partial), mode="w") as sink:
            stream = source.streams.video[0]
            out = sink.add_stream_from_template(template=stream)
            for packet in source.demux(stream):
                if packet.dts is None:        # the demuxer's flushing packets
                    continue
                packet.dts = None             # let libav number them across clips
                packet.stream = out
                sink.mux(packet)
        os.replace(partial, output)
    finally:
        os.unlink(listing.name)


def joined_subtitles(clips: list[Path], entries: list[dict]) -> str:
    """The clips' subtitles (their .srt files) as one .srt for the joined video: each clip's shifted by
    the running time of the clips before it (frames / frame rate, from its section entry)."""
    import datetime
    from fractions import Fraction

    import srt

    joined, start = [], Fraction(0)
    for clip, entry in zip(clips, entries):
        shift = datetime.timedelta(seconds=float(start))
        for sub in srt.parse(clip.with_suffix(".srt").read_text(encoding="utf-8")):
            joined.append(srt.Subtitle(len(joined) + 1, sub.start + shift, sub.end + shift, sub.content))
        start += int(entry["nb_frames"]) / Fraction(entry["avg_frame_rate"])
    return srt.compose(joined, reindex=False)


def section_entry(name: str, clip: Path) -> dict:
    """The entry manim's --save_sections writes for a clip (as in <Scene>.json)."""
    import av

    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        frames = stream.frames or sum(1 for _ in container.demux(stream) if _.dts is not None)
        return {"name": name, "type": "default.normal", "video": clip.name, "width": stream.width,
                "height": stream.height, "nb_frames": str(frames),
                "duration": f"{float(stream.duration * stream.time_base):.6f}" if stream.duration else "",
                "avg_frame_rate": str(stream.average_rate), "codec_name": stream.codec_context.name,
                "pix_fmt": stream.codec_context.pix_fmt}


def build(chapter: int, flag: str, jobs: int, spec: str | None = None, media: Path = ROOT / "media") -> Path:
    """Render the lecture of ``chapter`` at quality ``flag`` from its parts into ``media`` (manim's
    media dir: the parts' cache is its parts/ folder); returns the video."""
    from scenes import settings
    from scenes.chapters import chapter_three, chapter_two

    lecture_parts = chapter_two() if chapter == 2 else chapter_three()
    numbers = settings.parts(len(lecture_parts), spec)
    lecture, scene = LECTURES[chapter]
    modules = part_modules(chapter, len(lecture_parts))
    cache = Path(media) / "parts" / lecture / resolution(flag)
    clips = {n: cache / f"{n:02d}-{part_key(chapter, n, modules[n - 1], flag)}.mp4" for n in numbers}
    digests: dict = {}
    missing = [n for n in numbers if not is_kept(clips[n], digests)]
    say(f"chapter {chapter} at -q{flag}: {len(numbers) - len(missing)} of {len(numbers)} parts cached, "
        f"rendering {len(missing)} ({jobs} at a time)")
    started = time.perf_counter()
    if missing:
        prepare_runs(chapter)
    timings = read_timings(cache)
    rendering = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:    # the longest parts first (last time's)
        order = sorted(missing, key=lambda n: -timings.get(modules[n - 1] + f"#{n}", float("inf")))
        futures = {pool.submit(render_part, chapter, n, flag, clips[n]): n for n in order}
        for done, future in enumerate(as_completed(futures), start=1):
            n = futures[future]
            timings[modules[n - 1] + f"#{n}"] = future.result()
            say(f"  part {n} rendered in {future.result():.0f} s ({done} of {len(missing)}, "
                f"{time.perf_counter() - started:.0f} s so far)")
    if missing:
        write_atomically(cache / TIMINGS, json.dumps(timings, indent=1, sort_keys=True).encode())
        say(f"rendering: {time.perf_counter() - rendering:.1f} s")
    folder = Path(media) / "videos" / lecture / resolution(flag)
    video = folder / f"{scene}.mp4"
    join([clips[n] for n in numbers], video)
    sections = folder / "sections"
    sections.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, n in enumerate(numbers):
        name = json.loads(clips[n].with_suffix(".json").read_text())["section"]
        clip = sections / f"{scene}_{i:04d}_{name}.mp4"
        write_atomically(clip, clips[n].read_bytes())
        write_atomically(clip.with_suffix(".srt"), clips[n].with_suffix(".srt").read_bytes())
        entries.append(section_entry(name, clip))
    write_atomically(sections / f"{scene}.json", json.dumps(entries, indent=4).encode())
    write_atomically(video.with_suffix(".srt"), joined_subtitles([clips[n] for n in numbers], entries).encode())
    say(f"wrote {video} in {time.perf_counter() - started:.1f} s")
    return video


TIMINGS = "timings.json"      # seconds each part took to render last time: the longest go first


def read_timings(cache: Path) -> dict:
    try:
        timings = json.loads((cache / TIMINGS).read_text())
        return {k: float(v) for k, v in timings.items()} if isinstance(timings, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def prepare_runs(chapter: int) -> None:
    """Load (training what is missing) every run the lecture's parts are made from, timed: on a fresh
    machine this is the training phase, before the parts are rendered in parallel."""
    from scenes.chapters import lecture_runs

    start = time.perf_counter()
    say("loading the lecture's runs (training any that are not cached)")
    for load in lecture_runs(chapter):
        load()
    say(f"runs: {time.perf_counter() - start:.1f} s")


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv=None, prog: str = "python -m scenes.build") -> int:
    from scenes.export import _Parser, network_options      # errors: one line and exit code 2

    p = _Parser(prog=prog, description=__doc__.split("\n\n")[0])
    p.add_argument("--chapter", type=int, default=2, choices=sorted(LECTURES), help="which lecture (default 2)")
    p.add_argument("--quality", "-q", default="h", choices=sorted(QUALITY_FLAGS), help="manim quality (default h)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parts rendered at once (default: cores)")
    p.add_argument("--parts", default=None, help="only these parts, e.g. 1-3,8 (default: $GDVIZ_PARTS or all); "
                   "a selection ends with its last part's fade")
    p.add_argument("--media_dir", type=Path, default=ROOT / "media", help="manim's media folder (default media/)")
    network_options(p)
    args = p.parse_args(argv)
    from scenes import settings

    settings.choose_network(args.preset, args.network)

    try:
        settings.theme(), settings.seed(), settings.lecture_run_config()
        build(args.chapter, args.quality, args.jobs, args.parts, args.media_dir)
    except settings.SettingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

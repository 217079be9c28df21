"""The teacher's export commands, run for real at the smallest settings on one or two parts."""
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from scenes.accuracy import ConfidentNonsense
from scenes.catalog import CATALOG, parts
from scenes.chapters import select
from scenes.weights import UntouchedPixels

ROOT = Path(__file__).resolve().parent.parent


def numbered(scene: str, suffix: str) -> str:
    """The export's file name for ``scene``: its chapter, its number in its lecture, then its name."""
    from scenes.catalog import find, label

    return f"{label(find(scene))}{suffix}"


def test_exported_files_are_named_by_chapter_and_part_number():
    from scenes.catalog import find, label

    assert [label(find(s)) for s in ("Recap", "OtherNetworks", "MiniBatches", "WhatAGradientEntryMeans",
                                     "ChainRule", "BackpropagationLecture")] == [
        "2-01-Recap", "2-15-OtherNetworks", "2-extra-MiniBatches", "3-01-WhatAGradientEntryMeans", "3-08-ChainRule",
        "3-lecture-BackpropagationLecture"]
    names = [label(e) for e in CATALOG]
    assert len(set(names)) == len(names)
    lecture_order = [label(e) for e in CATALOG if not e.lecture and e.chapter == 3]
    assert sorted(lecture_order) == lecture_order


def export(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "scenes.export", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def test_gifs_loop_and_are_small(tmp_path):
    result = export("gifs", "--width", "160", "--fps", "5", "--out", str(tmp_path), "BlankPixels")
    assert result.returncode == 0, result.stderr[-2000:]
    gif = tmp_path / numbered("BlankPixels", ".gif")
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.size == (160, 90)
        assert im.n_frames > 3 and im.info.get("loop") == 0
    assert gif.stat().st_size < 200_000
    assert "BlankPixels" in result.stdout and str(gif) in result.stdout


def test_stills_are_pngs_of_the_last_frame(tmp_path):
    result = export("stills", "-q", "l", "--out", str(tmp_path), "NoiseImages", "BlankPixels")
    assert result.returncode == 0, result.stderr[-2000:]
    for name in (numbered("NoiseImages", ".png"), numbered("BlankPixels", ".png")):
        with Image.open(tmp_path / name) as im:
            assert im.size == (854, 480)
            assert max(im.convert("L").getextrema()) > 100  # not a blank frame


def test_transparent_stills_keep_their_images_and_text_over_no_background(tmp_path):
    result = export("stills", "-q", "l", "--transparent", "--out", str(tmp_path / "t"), "BlankPixels")
    assert result.returncode == 0, result.stderr[-2000:]
    opaque = export("stills", "-q", "l", "--out", str(tmp_path / "o"), "BlankPixels")
    assert opaque.returncode == 0, opaque.stderr[-2000:]
    clear = np.asarray(Image.open(tmp_path / "t" / numbered("BlankPixels", ".png")))
    solid = np.asarray(Image.open(tmp_path / "o" / numbered("BlankPixels", ".png")).convert("RGB")).astype(int)
    assert clear.shape == (480, 854, 4)
    alpha = clear[..., 3]
    assert alpha[:5, :5].max() == 0 and (alpha == 0).mean() > 0.3      # the background is gone ...
    drawn = alpha == 255                                              # ... what is drawn is all there
    assert drawn.mean() > 0.005
    assert np.abs(clear[..., :3][drawn].astype(int) - solid[drawn]).max() <= 2
    assert (alpha[solid.max(axis=2) > 60] > 0).all()                  # every bright pixel (text, images)


def test_render_all_writes_videos_with_the_expected_frames(tmp_path):
    result = export("render", "-q", "l", "--jobs", "2", "--out", str(tmp_path), "BlankPixels", "NoiseImages")
    assert result.returncode == 0, result.stderr[-2000:]
    table = result.stdout.splitlines()
    assert table[0].split()[:4] == ["scene", "seconds", "frames", "fps"]
    for scene in ("BlankPixels", "NoiseImages"):
        with av.open(str(tmp_path / numbered(scene, ".mp4"))) as video:
            stream = video.streams.video[0]
            frames = sum(1 for _ in video.decode(video=0))
            assert (stream.width, stream.height) == (854, 480) and frames > 30
        row = next(line for line in table if line.split()[0] == scene)
        assert int(row.split()[2]) == frames
    subtitles = (tmp_path / numbered("NoiseImages", ".srt")).read_text()   # its captions, as subtitles
    assert subtitles.count(" --> ") >= 2 and "Mean of its largest output over these images" in subtitles


def test_a_failing_scene_is_named_and_exits_non_zero(tmp_path):
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("a file where the run cache should be")
    result = export("stills", "--out", str(tmp_path), "BlankPixels", env={"GDCORE_CACHE": str(not_a_folder)})
    assert result.returncode == 1
    assert "BlankPixels" in result.stderr and "failed" in result.stderr


def test_bad_arguments_exit_2():
    assert export("render", "NoSuchScene").returncode == 2
    assert export("gifs", "--fps", "0", "BlankPixels").returncode == 2


def test_lecture_sections_are_named_for_a_teacher(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--resolution", "160,90", "--save_sections",
         "--media_dir", str(tmp_path), "scenes/descent.py"], cwd=ROOT, capture_output=True, text=True,
        timeout=600, env={**os.environ, "GDVIZ_PARTS": "10,12"}, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    index = json.loads(next(tmp_path.rglob("sections/GradientDescentLecture.json")).read_text())
    names = [section["name"] for section in index]
    assert names == [f"10 {UntouchedPixels.name}", f"12 {ConfidentNonsense.name}"]
    for section in index:
        assert (next(tmp_path.rglob("sections")) / section["video"]).stat().st_size > 1000


def test_slide_deck_converts_to_offline_html_and_pdf(tmp_path):
    result = export("slides", "-q", "l", "--chapter", "2", "--parts", "10,12", "--out", str(tmp_path), timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "chapter2.html").read_text()
    assert html.count("<section") >= 2 and "data:video/mp4;base64" in html
    assert "cdn.jsdelivr" not in html and 'src="http' not in html and 'href="http' not in html
    pdf = (tmp_path / "chapter2.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
    # The handout pages are each slide's last frame: the part's key frame, not the black of a fade.
    pages = pdf_page_images(pdf)
    assert len(pages) == 2
    for page in pages:
        assert (page.max(axis=2) > 100).mean() > 0.01, "a handout page is (nearly) black"


def pdf_page_images(pdf: bytes) -> list:
    """The JPEG page images manim-slides' PDF holds, as arrays (one per page)."""
    import io
    import re

    from PIL import Image

    pages = []
    for match in re.finditer(rb"\xff\xd8\xff", pdf):
        end = pdf.index(b"endstream", match.start())
        pages.append(np.asarray(Image.open(io.BytesIO(pdf[match.start():end])).convert("RGB")))
    return pages


def test_catalog_lists_every_scene_class_once():
    names = [e.scene for e in CATALOG]
    assert len(names) == len(set(names))
    for entry in CATALOG:
        assert entry.load().__name__ == entry.scene
    assert sum(e.lecture for e in CATALOG) >= 1 and len(parts()) >= 11


def test_part_selection():
    assert [n for n, _ in select(list("abcdefghijk"), "1-3,8")] == [1, 2, 3, 8]
    assert len(select(list("abc"))) == 3
    with pytest.raises(ValueError):
        select(list("abc"), "2-5")


def test_noise_seed_is_a_teacher_setting(tmp_path):
    """GDVIZ_SEED changes the noise image; the same seed gives the same still."""
    stills = {}
    for seed in ("0", "7", "7"):
        out = tmp_path / f"seed-{seed}-{len(stills)}"
        result = export("stills", "-q", "l", "--out", str(out), "NoiseImages", env={"GDVIZ_SEED": seed})
        assert result.returncode == 0, result.stderr[-2000:]
        stills[(seed, len(stills))] = (out / numbered("NoiseImages", ".png")).read_bytes()
    a, b, c = stills.values()
    assert b == c and a != b

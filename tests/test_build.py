"""scenes/build.py: a lecture built from parts rendered apart, cached by what they depend on."""
import re
import shutil

import av
import numpy as np
import pytest

from scenes import build


def test_a_part_s_dependencies_are_read_from_its_imports():
    needs = build.scenes_imports("wishlist")
    assert {"wishlist", "nudges", "example", "visuals", "camera", "weights"} <= needs
    assert "stumble" not in needs and "backwards" not in needs
    assert {"minibatches", "stumble"} <= build.scenes_imports("sgd_recap")


def test_a_caption_change_changes_only_the_key_of_its_part(tmp_path, monkeypatch):
    for folder in ("scenes", "gdcore"):
        shutil.copytree(build.ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(build.ROOT / "manim.cfg", tmp_path / "manim.cfg")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    assert [m for _, m in build.part_classes(3)][:4] == ["sensitivity", "wishlist", "wishlist", "backwards"]

    def keys():
        return {n: build.part_key(3, n, m, "l") for n, m in enumerate(["sensitivity", "wishlist", "wishlist", "backwards"], 1)}

    before = keys()
    source = tmp_path / "scenes" / "wishlist.py"
    code = source.read_text()
    source.write_text(re.sub(r"(class OneExampleWishes\b[^\n]*:\n)", r'\1    CAPTION = "changed"\n', code))
    after = keys()
    assert after[2] != before[2]
    assert after[1] == before[1] and after[3] == before[3] and after[4] == before[4]   # part 3 shares the module
    source.write_text(code + "\n# a comment\n")
    assert keys() == before                                            # comments do not count
    source.write_text(code + "\nSHARED = 1\n")
    changed = keys()                                                   # code outside the parts: both may use it
    assert changed[2] != before[2] and changed[3] != before[3] and changed[1] == before[1]
    assert build.part_key(3, 2, "wishlist", "h") != after[2]            # and the quality is in the key


def test_a_kept_part_is_used_only_while_the_runs_it_was_made_from_are_unchanged(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("GDCORE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    run = tmp_path / "cache" / "run-abc.npz"
    run.write_bytes(b"the numbers")
    clip = tmp_path / "01-key.mp4"
    for suffix in (".mp4", ".srt"):
        clip.with_suffix(suffix).write_bytes(b"")
    clip.with_suffix(".json").write_text(json.dumps({"section": "01", "reads": {"run-abc.npz": build.cache_file_digest("run-abc.npz")}}))
    assert build.is_kept(clip, {})
    run.write_bytes(b"the numbers, retrained under another BLAS kernel")
    assert not build.is_kept(clip, {})
    run.unlink()                                                       # make clean-cache
    assert not build.is_kept(clip, {})
    clip.with_suffix(".json").write_text(json.dumps({"section": "01"}))   # written before reads were kept
    assert not build.is_kept(clip, {})


def frames(path):
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_built_lecture_is_the_sequential_render_and_an_unchanged_one_is_only_joined(tmp_path, capfd):
    import json
    import os
    import subprocess
    import sys

    video = build.build(3, "l", 2, "2-3", media=tmp_path / "built")
    sequential = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--disable_caching", "--media_dir", str(tmp_path / "seq"),
         "scenes/backprop.py"], cwd=build.ROOT, env={**os.environ, "GDVIZ_PARTS": "2-3"},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert sequential.returncode == 0, sequential.stderr[-2000:]     # no scene name: no prompt (one scene)
    assert "You are using manim version" not in sequential.stdout + sequential.stderr   # manim.cfg
    made, wanted = frames(video), frames(next((tmp_path / "seq").rglob("BackpropagationLecture.mp4")))
    # the same frames (decoded: the clips are joined without re-encoding), then part 3's own fade
    assert len(made) == len(wanted) + 15
    assert all(np.array_equal(a, b) for a, b in zip(made, wanted))
    assert made[-1].max() < 10
    index = json.loads((video.parent / "sections" / "BackpropagationLecture.json").read_text())
    assert [s["name"][:2] for s in index] == ["02", "03"]
    assert sum(int(s["nb_frames"]) for s in index) == len(made)
    check_subtitles(video, made, next((tmp_path / "seq").rglob("BackpropagationLecture.srt")), index)
    from gdcore import runs
    from scenes import settings

    kept = sorted((tmp_path / "built" / "parts").rglob("02-*.json"))
    assert runs.run_path(settings.lecture_run_config()[0]).name in json.loads(kept[0].read_text())["reads"]
    capfd.readouterr()
    build.build(3, "l", 2, "2-3", media=tmp_path / "built")
    assert "2 of 2 parts cached, rendering 0" in capfd.readouterr().err
    assert frames(video)[-1].shape == made[-1].shape


def check_subtitles(video, made, sequential_srt, index):
    """The built video's subtitles are the sequential render's (the last one ends later: part 3's fade),
    each within the video and over a frame with its caption in the bottom band; the sections' add up."""
    import srt

    subs = list(srt.parse(video.with_suffix(".srt").read_text()))
    wanted = list(srt.parse(sequential_srt.read_text()))
    assert len(subs) == len(wanted) > 3 and [s.content for s in subs] == [s.content for s in wanted]
    frame = 1 / 15
    for a, b in zip(subs, wanted):
        assert abs((a.start - b.start).total_seconds()) < frame
    for a, b in zip(subs[:-1], wanted[:-1]):
        assert abs((a.end - b.end).total_seconds()) < frame
    for sub in subs:
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        assert 0 <= start < end <= len(made) * frame + 1e-6
        middle = made[int((start + end) / 2 / frame)]
        assert middle[-middle.shape[0] // 8:].max() > 60, f"no caption on screen for {sub.content!r}"
    per_section = [list(srt.parse((video.parent / "sections" / s["video"]).with_suffix(".srt").read_text()))
                   for s in index]
    assert sum(map(len, per_section)) == len(subs)


def test_bad_arguments_are_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        build.main(["--chapter", "4"])
    assert stop.value.code == 2

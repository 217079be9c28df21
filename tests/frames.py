"""Frame comparisons that survive another machine but catch a real change.

``@frame_test`` (or ``@frame_test(base_scene=..., **config)``) replaces manim's ``frames_comparison``
for gdviz: the test function receives a scene, plays a part on it, and the last frame (854x480, the
project's cameras) is compared with ``tests/control_data/<__module_test__>/<name>.npz``
(``pytest --set_test`` writes it).

The comparison (``frame_mismatch``) forgives what another CPU can legitimately change and nothing
else. A different BLAS kernel moves geometry by a few ulps; where an edge sits exactly on a pixel
boundary that flips a whole row of pixels by one position (seen: 123 values along the edges of a
digit grid). So a pixel passes when its value lies within ``LEVELS`` of the range of the control's
values in its 3x3 neighbourhood, *and* the control's value lies within the range of the new frame's
neighbourhood (both ways, so a label that vanished fails as surely as one that appeared). A
one-pixel shift of an edge passes; a missing label, a changed digit, a panel moved by two pixels or
more, or a wrong colour fails (``tests/test_frames.py`` shows each).
"""
from __future__ import annotations

import functools
import inspect
import os
from pathlib import Path

import numpy as np
from manim import tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.testing._test_class_makers import DummySceneFileWriter
from manim.utils.testing.frames_comparison import _config_test
from PIL import Image
from scipy.ndimage import maximum_filter, minimum_filter

from scenes.camera import GdvizScene

ROOT = Path(__file__).resolve().parent.parent
CONTROL = Path(__file__).resolve().parent / "control_data"
LEVELS = 3          # colour levels of slack (antialiasing of edges that moved by a few ulps)
MAX_PIXELS = 0      # pixels allowed to fail even that
# Text and formulas are cached under media/ (git-ignored) and shared by every test of a process
# (one folder per xdist worker: manim writes them non-atomically): building each Text or MathTex
# anew is most of a frame test's time.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEXT_DIRS = {"text_dir": str(ROOT / "media" / f"texts-{_WORKER}"), "tex_dir": str(ROOT / "media" / f"Tex-{_WORKER}")}


def frame_mismatch(frame: np.ndarray, control: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """(h, w) bool: the pixels of ``frame`` that no one-pixel shift of an edge and no ``levels`` of
    antialiasing explain, checked both ways. Both arrays (h, w, channels) uint8."""
    if frame.shape != control.shape:
        raise AssertionError(f"frame shape {frame.shape} != control shape {control.shape}")
    a, b = frame.astype(np.int16), control.astype(np.int16)
    size = (3, 3, 1)

    def outside(values, around):
        return (values < minimum_filter(around, size=size) - levels) | (values > maximum_filter(around, size=size) + levels)

    return (outside(a, b) | outside(b, a)).any(axis=-1)


def assert_frames_match(frame: np.ndarray, control: np.ndarray, where: str, diff_path: Path | None = None) -> None:
    """Fail with the count and the box of the pixels that differ (and save a diff picture)."""
    bad = frame_mismatch(frame, control)
    if bad.sum() <= MAX_PIXELS:
        return
    ys, xs = np.nonzero(bad)
    message = (f"{where}: {bad.sum()} pixels differ from the control frame beyond a one-pixel shift and "
               f"{LEVELS} levels, in rows {ys.min()}-{ys.max()}, columns {xs.min()}-{xs.max()}")
    if diff_path is not None:
        picture = np.concatenate([control[..., :3], frame[..., :3], np.where(bad[..., None], 255, 0).repeat(3, -1)
                                  .astype(np.uint8)], axis=0)
        Image.fromarray(picture).save(diff_path)
        message += f" (control / new / differing pixels: {diff_path})"
    raise AssertionError(message)


def render_last_frame(play, base_scene=GdvizScene, **config) -> np.ndarray:
    """(480, 854, 4) uint8: the last frame of ``play(scene)`` on a fresh ``base_scene``, rendered as
    manim's own frame tests do (the test defaults, one frame per second, animations skipped)."""

    class Tested(base_scene):
        def construct(self):
            play(self)
            if self.animations is not None:          # render the very end of the last animation
                self.update_to_time(self.get_run_time(self.animations))
                self.renderer.render(self, 1, self.moving_mobjects)

    settings = {**_config_test(True), "frame_rate": 1, "dry_run": True, **TEXT_DIRS, **config}
    with tempconfig(settings):
        renderer = CairoRenderer(file_writer_class=DummySceneFileWriter, camera_class=base_scene.CAMERA,
                                 skip_animations=True)
        scene = Tested(renderer=renderer, skip_animations=True)
        scene.render()
        return np.array(scene.renderer.get_frame())


def frame_test(func=None, *, base_scene=GdvizScene, **config):
    """Decorator: the test (which takes ``scene``) is played and its last frame compared with the
    control data of ``__module_test__``; ``pytest --set_test`` writes the control data instead."""

    def decorate(test):
        module = test.__globals__["__module_test__"]
        name = test.__name__[len("test_"):]
        signature = inspect.signature(test)
        others = [p for p in signature.parameters.values() if p.name != "scene"]

        @functools.wraps(test)
        def wrapper(*args, request, tmp_path, **kwargs):
            frame = render_last_frame(lambda scene: test(*args, scene=scene, **kwargs), base_scene, **config)
            path = CONTROL / module / f"{name}.npz"
            if request.config.getoption("--set_test"):
                path.parent.mkdir(parents=True, exist_ok=True)
                np.savez_compressed(path, frame_data=frame[None].astype(np.uint8))
                return
            if not path.is_file():
                raise AssertionError(f"no control frame {path}: run pytest with --set_test to write it")
            with np.load(path, allow_pickle=False) as data:
                control = data["frame_data"][-1]
            assert_frames_match(frame, control, f"{module}/{name}", tmp_path / f"{name}-diff.png")

        keyword = inspect.Parameter.KEYWORD_ONLY
        wrapper.__signature__ = signature.replace(parameters=others + [
            inspect.Parameter("request", keyword), inspect.Parameter("tmp_path", keyword)])
        return wrapper

    return decorate(func) if callable(func) else decorate

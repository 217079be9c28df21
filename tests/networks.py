"""The lectures' parts played with other networks than the video's 784-16-16-10 (issue 14).

Two teachers' networks, each given the way a teacher gives one (a network file, ``$GDVIZ_NETWORK``):

- ``book``: Nielsen's 784-30-10, sigmoid, quadratic cost (one hidden layer, wider than 16);
- ``tweaked``: the ``tweaked`` preset (ReLU, cross-entropy with softmax outputs, He initialisation)
  narrowed to 784-32-10 (still wider than the 16 neurons a diagram draws).

Both are the presets' own settings except that they train for fewer epochs (3 and 1) on the first
10,000 training images, and that ``tweaked`` is narrower (32 hidden neurons instead of 256: its
experiments, which train it again, took 150 s of a test session), so that a test session trains them
in seconds and the parts' full-batch numbers (costs over the training set) are quick: the kind of
network (one hidden layer wider than a diagram draws), the activation and the cost are what the parts
must adapt to, and those are the presets'. (A training set of 10,000 also checks that
the parts say how many images the run trained on.)

    scene = played("book", Recap)       # the standalone scene, played once per test process
    assert_plays_well(scene)            # the layout holds at every step, every text can be read
    scene = played_well("book", Recap)  # played, asserted to play well, and its last frame drawn
    run = network_run("book")           # the run the part was made from, to check scene.part.shown
    still = last_frame(scene)           # its last frame, (90, 160, 4) uint8, checked not blank
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

NETWORKS = {"book": 'preset = "book"\nepochs = 3\ntrain-size = 10000\n',
            "tweaked": 'preset = "tweaked"\nsizes = [784, 32, 10]\nepochs = 1\ntrain-size = 10000\n'}


@lru_cache(maxsize=None)
def network_file(name: str) -> Path:
    """The teacher's network file of ``name`` (written once per test process)."""
    folder = Path(tempfile.mkdtemp(prefix=f"gdviz-network-{name}-"))
    path = folder / f"{name}.toml"
    path.write_text(NETWORKS[name])
    return path


@contextlib.contextmanager
def lecturing_with(name: str):
    """The lectures' network is ``name`` (as ``$GDVIZ_NETWORK``) inside the block."""
    saved = {k: os.environ.get(k) for k in ("GDVIZ_NETWORK", "GDVIZ_PRESET")}
    os.environ.pop("GDVIZ_PRESET", None)
    os.environ["GDVIZ_NETWORK"] = str(network_file(name))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def network_run(name: str):
    """The run the lectures read when their network is ``name`` (trained once into the test cache)."""
    from scenes.weights import video_run

    with lecturing_with(name):
        return video_run()


@lru_cache(maxsize=None)
def played(name: str, scene_class):
    """``scene_class`` (a standalone part scene) played with the network ``name``, animations skipped to
    their end, its layout checked at every step and its texts timed (see tests/test_layout.py)."""
    from layout import LayoutChecked
    from reading import ReadingTimed
    from scene_data import play_skipped

    with lecturing_with(name):
        return play_skipped(scene_class, LayoutChecked, ReadingTimed)


def played_well(name: str, scene_class):
    """``played(name, scene_class)``, checked: it plays well (``assert_plays_well``) and its last frame
    is drawn and not blank (``last_frame``)."""
    scene = played(name, scene_class)
    assert_plays_well(scene)
    last_frame(scene)
    return scene


def assert_plays_well(scene) -> None:
    """What tests/test_layout.py asks of every part with the video's network."""
    from layout import layout_report

    assert scene.layout_steps > 3
    assert not scene.layout_log, f"{type(scene).__name__}, {scene.layout_steps} steps:\n{layout_report(scene)}"
    too_short = scene.too_short()
    assert not too_short, "texts that left before they could be read:\n" + "\n".join(too_short)


def last_frame(scene) -> np.ndarray:
    """The scene's last frame drawn at the test size (160x90): a still of the part, checked not blank."""
    from manim import tempconfig

    from scene_data import TINY

    with tempconfig({**TINY, "dry_run": False}):
        scene.renderer.camera.reset()
        scene.renderer.camera.capture_mobjects(scene.mobjects)
        frame = np.array(scene.renderer.camera.pixel_array)
    assert frame[..., :3].max() > 100, f"the last frame of {type(scene).__name__} is blank"
    return frame

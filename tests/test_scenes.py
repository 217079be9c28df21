"""Scenes: frame comparisons, values on screen equal gdcore's, smoke renders of the real files."""
import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
from frames import frame_test

from gdcore import inputs, load_mnist, one_hot
from scenes.weights import EvolvingWeights

import scene_data

__module_test__ = "scenes"
ROOT = Path(__file__).resolve().parent.parent


@frame_test
def test_evolving_weights_last_frame(scene):
    EvolvingWeights(scene_data.small_run(), seconds=1).play(scene)


def test_evolving_weights_shows_gdcore_values(small_run):
    from manim import Scene, tempconfig

    part = EvolvingWeights(small_run, seconds=2)
    with tempconfig({"dry_run": True, "frame_rate": 15, "pixel_width": 160, "pixel_height": 90}):
        scene = Scene()
        part.play(scene)
    shown = part.shown
    assert shown["snapshots"][0] == 0 and shown["snapshots"][-1] == len(small_run.steps) - 1
    data = load_mnist()
    n = small_run.config.train_size
    X, Y = inputs(data.train_images[:n]), one_hot(data.train_labels[:n])
    X_test = inputs(data.test_images)
    for k in range(0, len(shown["snapshots"]), max(1, len(shown["snapshots"]) // 5)):
        i = shown["snapshots"][k]
        net = small_run.network(i)
        assert abs(shown["train_cost"][k] - net.cost(X, Y)) < 1e-9
        assert shown["test_accuracy"][k] == net.accuracy(X_test, data.test_labels)
        weights = part.first_layer(i)
        assert np.array_equal(weights, net.weights[0])


def test_lecture_file_holds_exactly_one_scene():
    tree = ast.parse((ROOT / "scenes" / "descent.py").read_text())
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes == ["GradientDescentLecture"]


def test_lecture_renders_without_prompt(tmp_path):
    """The real command path: `manim scenes/descent.py` with no scene name, tiny and last frame only.
    The last two parts only (GDVIZ_PARTS, so a part change and the fade between parts are covered):
    every part is played and checked on its own in test_layout.py."""
    import os
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-s", "-ql", "--resolution", "160,90", "--media_dir",
         str(tmp_path), "scenes/descent.py"], cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=600, env={**os.environ, "GDVIZ_PARTS": "11-12"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    pngs = list(tmp_path.rglob("GradientDescentLecture*.png"))
    assert pngs, "no still written"
    from PIL import Image
    image = np.asarray(Image.open(pngs[0]))
    assert image.shape[:2] == (90, 160)
    assert image[..., :3].max() > 100, "the last frame is blank"

"""scenes/landscape.py (1-D) and scenes/bowl.py (2-D): frame comparisons, values on screen equal gdcore's,
the camera is reset, smoke renders of the standalone scenes through the real manim command."""

import numpy as np
import pytest
from manim import tempconfig
from frames import frame_test
from scenes.camera import GdvizScene, GdvizThreeDScene

from gdcore import inputs, load_mnist, one_hot
from gdcore.toys import bowl, bumpy, bumpy_slope
from scenes.bowl import DescentInTwoDimensions
from scenes.landscape import DescentInOneDimension

import scene_data

__module_test__ = "landscape"
FAST = {"step_time": 0.1, "pause": 0.2}
SLICE = {"slice_images": 500, "slice_ts": np.linspace(-10, 30, 21), "run_name": "small test"}


def dry_play(part, scene_class=GdvizScene):
    """Play ``part`` without writing anything, jumping to the end of each animation."""
    with tempconfig({"dry_run": True, "pixel_width": 160, "pixel_height": 90}):
        scene = scene_class(skip_animations=True)
        part.play(scene)
    return scene


@frame_test
def test_one_dimensional_descent_last_frame(scene):
    DescentInOneDimension(scene_data.small_run(), **SLICE, **FAST).play(scene)


@frame_test(base_scene=GdvizThreeDScene)
def test_two_dimensional_descent_last_frame(scene):
    DescentInTwoDimensions(**FAST).play(scene)


def test_one_dimensional_descent_shows_gdcore_values(small_run):
    part = DescentInOneDimension(small_run, steps=5, settle_steps=25, **SLICE, **FAST)
    dry_play(part, GdvizThreeDScene)             # a 2-D part also plays in the lecture's ThreeDScene
    toy = part.shown["toy"]
    w = [-1.9]
    for _ in range(5):                      # the iterates, recomputed by hand
        w.append(w[-1] - 0.1 * float(bumpy_slope(w[-1])))
    assert np.allclose(toy["w"], w, rtol=0, atol=1e-12)
    assert np.allclose(toy["slope"], bumpy_slope(np.array(w)))
    assert np.allclose(toy["move"], -0.1 * bumpy_slope(np.array(w)))     # each move is -eta * slope
    assert np.allclose(np.diff(w), toy["move"][:-1])
    assert np.all(np.diff(np.abs(toy["move"])) < 0)                       # the steps shrink

    valleys = part.shown["valleys"]
    assert len(valleys["valleys"]) == 4 and len(valleys["finals"]) == 11
    assert np.all(np.abs(bumpy_slope(np.array(valleys["valleys"]))) < 1e-3)
    assert np.allclose(valleys["valley_costs"], bumpy(np.array(valleys["valleys"])))

    over = part.shown["overshoot"]
    assert over["diverged"] and abs(over["w"][over["left_plot_at"]]) > 4
    assert all(abs(x) <= 4 for x in over["w"][:over["left_plot_at"]])
    assert np.allclose(np.diff(over["w"]), -1.7 * bumpy_slope(np.array(over["w"][:-1])))

    s = part.shown["slice"]
    assert s["step"] == 0 and s["images"] == 500
    data = load_mnist()
    X, Y = inputs(data.train_images[:500]), one_hot(data.train_labels[:500])
    net = small_run.network(s["snapshot"])
    g = small_run.gradients[0].astype(np.float64)
    assert small_run.steps[s["snapshot"]] == 0 and small_run.gradient_steps[0] == 0
    d = -g / np.linalg.norm(g)
    theta = net.params
    for k in (0, 7, 20):
        net.params = theta + s["ts"][k] * d
        assert abs(net.cost(X, Y) - s["costs"][k]) < 1e-12
    net.params = theta
    assert abs(s["cost_at_0"] - net.cost(X, Y)) < 1e-12
    assert abs(s["slope"] - net.gradient(X, Y) @ d) < 1e-12
    assert abs(s["step_t"] - small_run.config.eta * np.linalg.norm(g)) < 1e-9
    net.params = theta - small_run.config.eta * g            # one real gradient-descent step
    assert abs(s["step_cost"] - net.cost(X, Y)) < 1e-9
    assert s["lowest_cost"] == min(s["costs"]) and s["num_params"] == 13002


def test_two_dimensional_descent_shows_gdcore_values_and_resets_the_camera():
    part = DescentInTwoDimensions(steps=4, **FAST)
    scene = dry_play(part, GdvizThreeDScene)
    assert part.shown["gradient"] == [3.0, 1.0] and part.shown["ratio"] == 3.0
    p, path = np.array([1.0, 1.0]), [[1.0, 1.0]]
    for _ in range(4):
        p = p - 0.2 * np.array([3 * p[0], p[1]])
        path.append(p.tolist())
    assert np.allclose(part.shown["path"], path, rtol=0, atol=1e-15)
    assert np.allclose(part.shown["path_gradients"], np.array(path) * [3, 1])
    assert np.allclose(part.shown["path_costs"], bowl(np.array(path)[:, 0], np.array(path)[:, 1]))
    camera = scene.renderer.camera
    with tempconfig({"dry_run": True}):
        fresh = GdvizThreeDScene().renderer.camera
    assert camera.get_phi() == pytest.approx(fresh.get_phi(), abs=1e-9)
    assert camera.get_theta() == pytest.approx(fresh.get_theta(), abs=1e-9)
    assert camera.get_gamma() == pytest.approx(fresh.get_gamma(), abs=1e-9)
    assert camera.get_zoom() == pytest.approx(fresh.get_zoom(), abs=1e-9)


def test_two_dimensional_descent_needs_a_three_d_scene():
    with pytest.raises(TypeError):
        dry_play(DescentInTwoDimensions(**FAST))


@pytest.mark.parametrize("module, scene_name", [("landscape", "OneDimensionalDescent"), ("bowl", "TwoDimensionalDescent")])
def test_standalone_scene_renders(tmp_path, module, scene_name):
    scene_data.render_stills(tmp_path, module, scene_name)

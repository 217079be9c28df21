"""Parts 6-7: the gradient as nudges, and learning (scenes/nudges.py)."""

import numpy as np
import pytest
from manim import Scene, Text, config, tempconfig
from frames import frame_test

import scene_data
from gdcore import inputs, load_mnist, one_hot
from scenes.nudges import LearningCurve, NudgeVector
from scenes.visuals import TINY_SIZE

__module_test__ = "nudges"


def dry_play(part):
    """Play ``part`` without writing anything; check its final picture; return what it showed."""
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_rate": 15, "pixel_width": 160,
                     "pixel_height": 90}):
        scene = Scene()
        part.play(scene)
    check_final_picture(scene)
    return part.shown


def check_final_picture(scene):
    """Everything on screen lies inside the frame, and no text was shrunk below TINY_SIZE."""
    w, h = config.frame_width / 2, config.frame_height / 2
    for mob in scene.mobjects:
        assert -w <= mob.get_left()[0] and mob.get_right()[0] <= w, mob
        assert -h <= mob.get_bottom()[1] and mob.get_top()[1] <= h, mob
        for part in mob.get_family():
            if isinstance(part, Text):
                assert part.font_size >= TINY_SIZE - 0.01, part.text


def training_set(run):
    data = load_mnist()
    n = run.config.train_size
    return inputs(data.train_images[:n]), one_hot(data.train_labels[:n])


@frame_test
def test_nudges_last_frame(scene):
    NudgeVector(scene_data.small_run(), pace=0.1).play(scene)


@frame_test
def test_learning_last_frame(scene):
    LearningCurve(scene_data.small_run(), bin_width=20, pace=0.1).play(scene)


def test_nudges_show_gdcore_values():
    run = scene_data.small_run()
    shown = dry_play(NudgeVector(run, eta=2.0, top=5, pace=0.05))
    X, Y = training_set(run)
    assert shown["step"] == 1 == run.steps[shown["snapshot"]]
    net = run.network(shown["snapshot"])
    assert np.array_equal(net.params, run.params[shown["snapshot"]])
    gradient = net.gradient(X, Y)  # recomputed on the run's whole training set
    rows = shown["rows"]
    assert shown["names"] == [net.param_name(i) for i in rows]
    assert shown["theta"] == net.params[rows].tolist()
    assert shown["nudges"] == pytest.approx((-gradient[rows]).tolist(), rel=1e-9, abs=1e-15)
    assert 0 in rows and net.num_params - 1 in rows
    largest = np.argsort(-np.abs(gradient))[:5]
    if not shown["among_shown"]:
        assert shown["largest"] == largest.tolist()
    assert shown["largest_nudges"] == pytest.approx((-gradient[shown["largest"]]).tolist(), rel=1e-9)
    assert shown["largest_names"] == [net.param_name(i) for i in shown["largest"]]
    assert shown["eta"] == 2.0 and shown["train_size"] == len(X)
    assert shown["cost_before"] == pytest.approx(net.cost(X, Y), rel=1e-12)
    net.params = net.params - 2.0 * gradient
    assert shown["cost_after"] == pytest.approx(net.cost(X, Y), rel=1e-9)
    assert shown["cost_after"] < shown["cost_before"]


def test_learning_shows_gdcore_values():
    run = scene_data.small_run()
    shown = dry_play(LearningCurve(run, bin_width=20, pace=0.05))
    per_epoch = run.config.train_size // run.config.batch_size
    assert np.array_equal(shown["step_cost"], run.step_cost[:per_epoch])
    assert shown["bin_ends"].tolist() == list(range(20, per_epoch + 1, 20))
    raw = run.step_cost[:per_epoch].astype(np.float64)  # recorded as float32
    assert shown["bin_means"] == pytest.approx(raw.reshape(-1, 20).mean(axis=1), rel=1e-12)
    assert shown["step_readout"][0] == per_epoch and shown["step_readout"][1] == 1.0
    assert shown["step_readout"][2] == shown["bin_means"][-1]
    assert shown["epochs"].tolist() == [1.0, 2.0]
    X, Y = training_set(run)
    for i, cost in zip(shown["epoch_snapshots"], shown["train_cost"]):
        assert run.steps[i] % per_epoch == 0
        assert cost == pytest.approx(run.network(i).cost(X, Y), rel=1e-9)
    assert shown["epoch_readout"] == (2.0, shown["train_cost"][-1])


def test_standalone_scenes_render(tmp_path):
    scenes = ["GradientAsNudges", "Learning"]
    scene_data.render_stills(tmp_path, "nudges", *scenes)


def test_vector_table_fits_without_shrinking():
    part = NudgeVector(scene_data.small_run())
    table = part.vector_table(part.table_rows(), part.net.params)
    assert table.width <= 13.2 and table.height <= 6.4


def test_largest_nudges_fall_back_to_the_drawn_connections():
    part = NudgeVector(scene_data.small_run(), top=3)
    everything = [list(range(n)) for n in part.sizes]
    top, among_shown = part.largest_visible(everything)
    assert not among_shown and top.tolist() == np.argsort(-np.abs(part.gradient))[:3].tolist()
    few = [[406], [0], [0], [0]]  # one pixel, one neuron per layer: W1[0, 406], b1[0], W2[0, 0], ...
    top, among_shown = part.largest_visible(few)
    drawn = [406, 12544, 12560, 12816, 12832, 12992]
    assert among_shown and sorted(drawn, key=lambda i: -abs(part.gradient[i]))[:3] == top.tolist()

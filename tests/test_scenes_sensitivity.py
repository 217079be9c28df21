"""Chapter 3: what a gradient entry means. The two entries shown are real entries of the stored
gradient, chosen by the stated rule; the ratio of their sizes agrees with the ratio of the real
cost changes when each is nudged (recomputed here independently); the captions can be read."""
import numpy as np
import pytest
from frames import frame_test
from layout import LayoutChecked, layout_report

import scene_data
from gdcore import ConfigError, Network, analysis, inputs, load_mnist, one_hot, wishes
from scenes.example import early_example
from scenes.sensitivity import GradientEntryMeaning, sensitivity_pair

__module_test__ = "sensitivity"


def dry_play(part):
    """(shown, seconds of running time, scene), the layout checked after every step (tests/layout.py)."""
    return scene_data.dry_play_part(part, LayoutChecked)


@pytest.fixture(scope="module")
def played():
    example = early_example(scene_data.small_run())
    shown, seconds, scene = dry_play(GradientEntryMeaning(example))
    X, Y = analysis.training_set(example.run.config, load_mnist())
    return example, shown, seconds, X, Y, scene


@frame_test
def test_entry_meaning_last_frame(scene):
    GradientEntryMeaning(early_example(scene_data.small_run())).play(scene)


def test_the_two_entries_are_the_largest_and_one_about_fifty_times_smaller(played):
    example, shown, *_ = played
    g = np.asarray(example.gradient, np.float64)
    size = np.abs(g)
    large, small = shown["indices"]
    assert size[large] == size.max()
    assert size[small] * 50 <= size[large]
    assert not ((size > size[small]) & (size * 50 <= size[large])).any()   # the largest such entry
    assert shown["gradient"] == (g[large], g[small])
    assert shown["names"] == (example.net.param_name(large), example.net.param_name(small))
    assert shown["N"] == pytest.approx(size[large] / size[small], rel=1e-12) and shown["N"] >= 50
    assert shown["step"] == example.step


def test_the_nudge_ratio_agrees_with_the_gradient_ratio(played):
    example, shown, _, X, Y, _ = played
    net, eps = example.net, shown["eps"]
    cost = float(((net.forward(X) - Y) ** 2).sum(axis=1).mean())
    assert shown["cost"] == pytest.approx(cost, rel=1e-12) and shown["train_size"] == len(X)
    changes = []
    for i in shown["indices"]:               # the nudged cost, recomputed by hand
        theta = net.params
        theta[i] += eps
        nudged = Network(net.sizes, init="fan_in")
        nudged.params = theta
        changes.append(float(((nudged.forward(X) - Y) ** 2).sum(axis=1).mean()) - cost)
    np.testing.assert_allclose(shown["changes"], changes, rtol=1e-6)
    assert shown["measured_ratio"] == pytest.approx(abs(changes[0] / changes[1]), rel=1e-6)
    assert shown["measured_ratio"] == pytest.approx(shown["N"], rel=0.03)
    assert np.sign(shown["changes"]).tolist() == np.sign(shown["gradient"]).tolist()
    # eps: the large entry's predicted change is about 1e-4 of the cost (eps rounded to one digit)
    assert 0.5e-4 < eps * abs(shown["gradient"][0]) / cost < 2e-4
    assert f"{eps:.0e}" == f"{eps:.1e}".replace(".0e", "e")


def test_the_part_runs_25_to_60_seconds_and_every_caption_can_be_read(played):
    _, shown, seconds, *_ = played
    assert 25 <= seconds <= 60          # the reading pace (scenes/reading.py) may hold captions longer
    for line, on_screen in shown["captions"]:
        assert on_screen >= max(1.5, len(line.split()) / 3) - 1e-6, line


def test_the_layout_holds_at_every_step(played):
    scene = played[-1]
    assert scene.layout_steps > 10 and not scene.layout_log, layout_report(scene)


def test_sensitivity_pair_follows_its_rule():
    g = np.array([0.0, -2.0, 0.05, 0.03, -0.039, 1.0])
    assert sensitivity_pair(g, 50) == (1, 4)          # 0.039 <= 2 / 50 < 0.05: the largest such
    with pytest.raises(ValueError):
        sensitivity_pair(np.array([1.0, 0.5]), 50)


def test_nudged_cost_change_is_the_real_change_and_leaves_the_net_alone():
    data = load_mnist()
    X, Y = inputs(data.train_images[:50]), one_hot(data.train_labels[:50])
    net = Network([784, 16, 16, 10], init="fan_in", seed=4)
    before = net.params
    g = net.gradient(X, Y)
    for i in (5, 12600, 13001):
        change = wishes.nudged_cost_change(net, X, Y, i, 1e-6)
        assert change == pytest.approx(1e-6 * g[i], rel=1e-3, abs=1e-14)
        theta = before.copy()
        theta[i] -= 0.3
        moved = net.copy()
        moved.params = theta
        assert wishes.nudged_cost_change(net, X, Y, i, -0.3) == pytest.approx(moved.cost(X, Y) - net.cost(X, Y),
                                                                              abs=1e-15)
    np.testing.assert_array_equal(net.params, before)
    assert wishes.nudged_cost_change(net, X, Y, 7, 0.0) == 0.0
    with pytest.raises(ConfigError):
        wishes.nudged_cost_change(net, X, Y, net.num_params, 1e-3)

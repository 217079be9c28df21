"""Chapter 3: from one example to the gradient. The table holds real per-example wishes, the row
means are their means, the mean over the whole training set is minus the full gradient (and the
run's stored one), and the step uses the run's learning rate at that snapshot."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
from frames import frame_test
from layout import LayoutChecked, layout_report

import scene_data
from gdcore import analysis, load_mnist
from scenes.averaging import FromOneExampleToTheGradient, learning_rate_at
from scenes.example import early_example

__module_test__ = "averaging"


def dry_play(part):
    """(shown, seconds of running time, scene), the layout checked after every step (tests/layout.py)."""
    return scene_data.dry_play_part(part, LayoutChecked)


@pytest.fixture(scope="module")
def played():
    example = early_example(scene_data.small_run())
    shown, seconds, scene = dry_play(FromOneExampleToTheGradient(example))
    X, Y = analysis.training_set(example.run.config, load_mnist())
    return example, shown, seconds, X, Y, scene


@frame_test
def test_averaging_last_frame(scene):
    FromOneExampleToTheGradient(early_example(scene_data.small_run())).play(scene)


def test_the_entries_are_each_layers_largest_weight_and_bias(played):
    example, shown, *_ = played
    net, g = example.net, np.abs(np.asarray(example.gradient, np.float64))
    locations = [analysis.param_location(net.sizes, i) for i in range(net.num_params)]
    expected = []
    for layer in (1, 2, 3):
        for is_weight in (True, False):
            mine = [i for i, (l, _, k) in enumerate(locations) if l == layer and (k is not None) == is_weight]
            expected.append(mine[int(np.argmax(g[mine]))])
    assert shown["indices"] == expected
    assert shown["names"] == [net.param_name(i) for i in expected]


def test_the_table_holds_each_examples_wishes_and_their_row_means(played):
    example, shown, _, X, Y, _ = played
    assert shown["examples"] == [example.index, 0, 1, 2, 3, 4] and example.index not in range(5)
    rows = shown["examples"]
    per_example = example.net.per_example_gradients(X[rows], Y[rows])[:, shown["indices"]]
    np.testing.assert_allclose(shown["table"], -per_example.T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(shown["row_means"], -per_example.mean(axis=0), rtol=1e-12, atol=1e-15)


def test_the_mean_over_all_examples_is_minus_the_full_gradient(played):
    example, shown, _, X, Y, _ = played
    indices = shown["indices"]
    assert shown["train_size"] == len(X) == example.run.config.train_size
    np.testing.assert_allclose(shown["all_means"], -example.net.gradient(X, Y)[indices], rtol=0, atol=1e-12)
    stored = np.asarray(example.gradient, np.float64)[indices]
    np.testing.assert_allclose(shown["stored"], -stored, rtol=0, atol=0)
    np.testing.assert_allclose(shown["all_means"], -stored, rtol=1e-4)
    assert shown["same_digits"] and shown["max_relative_difference"] < 1e-4


def test_the_step_uses_the_runs_learning_rate(played):
    example, shown, *_ = played
    c = example.run.config
    assert c.schedule == "constant" and shown["eta"] == c.eta
    np.testing.assert_allclose(shown["step_changes"], -shown["eta"] * np.asarray(example.gradient)[shown["indices"]],
                               rtol=1e-15)
    assert shown["notes"] == [f"used mini-batches of {c.batch_size} images"]   # no weight decay


def test_learning_rate_at_follows_the_cosine_schedule():
    config = SimpleNamespace(eta=1.0, schedule="cosine", epochs=40.0, steps=None, train_size=None, batch_size=10)
    run = SimpleNamespace(config=config, epochs=np.array([0.0, 1000 / 6000, 20.0, 40.0]))
    expected = [1.0, 0.5 * (1 + math.cos(math.pi * (1000 / 6000) / 40)), 0.5, 0.0]
    assert [learning_rate_at(run, s) for s in range(4)] == pytest.approx(expected, abs=1e-15)


def test_the_part_runs_25_to_60_seconds_and_every_caption_can_be_read(played):
    _, shown, seconds, *_ = played
    assert 25 <= seconds <= 60          # the reading pace (scenes/reading.py) may hold captions longer
    for line, on_screen in shown["captions"]:
        assert on_screen >= max(1.5, len(line.split()) / 3) - 1e-6, line


def test_the_layout_holds_at_every_step(played):
    scene = played[-1]
    assert scene.layout_steps > 10 and not scene.layout_log, layout_report(scene)

"""gdcore.train (through gdcore.runs.record): learning, divergence, momentum, schedules, determinism."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gdcore import runs
from gdcore.data import inputs, load_mnist, one_hot
from gdcore.errors import ConfigError
from gdcore.network import Network
from gdcore.runs import RunConfig, record
from gdcore.train import Divergence, parse_schedule, train

from helpers import assert_same_arrays, isolated_cache  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)

# The video's network on the first 2,000 images, 10 epochs of mini-batch SGD (2,000 steps).
REAL = RunConfig(train_size=2000, epochs=10, batch_size=10, eta=1.5, log_snapshots=20, epoch_snapshots=10)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
        return record(REAL, progress=False)


def _tiny_problem(n=60, seed=0):
    """The first n MNIST training images as float64 inputs and one-hot targets."""
    data = load_mnist()
    return inputs(data.train_images[:n]), one_hot(data.train_labels[:n]), np.asarray(data.train_labels[:n])


def test_short_training_beats_80_percent(real_run):
    run = real_run
    assert run.divergence is None
    assert run.test_accuracy[0] < 0.3          # untrained: about chance
    assert run.test_accuracy[-1] > 0.80        # the whole 10k test set
    assert run.train_accuracy[-1] > 0.80
    assert run.train_cost[-1] < 0.5 * run.train_cost[0]
    assert run.steps[-1] == 2000 and run.epochs[-1] == pytest.approx(10.0)
    assert run.step_cost.shape == (2000,) and np.all(np.isfinite(run.step_cost))
    assert np.all(np.isfinite(run.params))
    assert 0 < run.meta["train_seconds"] < 15, run.meta["train_seconds"]
    assert run.meta["num_params"] == 13002


@pytest.mark.parametrize("config", [
    RunConfig(train_size=300, epochs=1, batch_size=10, eta=1e300, log_snapshots=5),
    RunConfig(sizes=(784, 32, 10), activation="relu", cost="cross_entropy", init="he", train_size=300,
              epochs=1, batch_size=10, eta=1e300, log_snapshots=5),
    RunConfig(sizes=(784, 32, 10), activation="relu", cost="cross_entropy", init="he", train_size=300,
              epochs=3, batch_size=None, eta=1e300, log_snapshots=5, dtype="float64"),
], ids=["sigmoid-quadratic", "relu-cross-entropy", "relu-full-batch-float64"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_is_recorded_not_raised(config, capsys):
    run = record(config, progress=False)
    div = run.divergence
    assert div is not None, "eta=1e300 must diverge"
    step, last = div["step"], div["last_finite_cost"]
    assert 1 <= step <= config.total_steps
    assert len(run.step_cost) == step
    assert np.all(np.isfinite(run.step_cost[:step - 1]))
    if step >= 2:
        assert last is not None and math.isfinite(last)
        assert run.step_cost[step - 2] == pytest.approx(last, rel=1e-6)
    assert run.steps[-1] < step  # no snapshot after the divergence
    assert "diverged" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_train_returns_a_divergence():
    X, Y, _ = _tiny_problem()
    # float32, as in every recorded run (in float64 the saturated sigmoid keeps the cost finite).
    net = Network([784, 16, 16, 10], init="fan_in", seed=0, dtype=np.float32)
    seen = []
    result = train(net, X, Y, eta=1e300, batch_size=10, epochs=2, seed=0,
                   on_step=lambda step, epoch, cost, net: seen.append((step, cost)))
    assert isinstance(result, Divergence)
    assert result.step >= 2
    # on_step saw every completed step, then the step whose cost was not finite stopped training.
    assert [s for s, _ in seen] == list(range(result.step))
    assert seen[-1][1] == result.last_finite_cost
    assert math.isfinite(result.last_finite_cost)


def test_train_without_divergence_returns_none():
    X, Y, _ = _tiny_problem()
    net = Network([784, 16, 16, 10], init="fan_in", seed=0)
    assert train(net, X, Y, eta=0.5, batch_size=10, epochs=1) is None


@pytest.mark.parametrize("momentum,schedule,eta", [
    (0.8, "constant", 0.3), (0.0, "cosine", 3.0), (0.0, "step:2:0.5", 3.0), (0.5, "step:2:0.5", 1.5),
])
def test_momentum_and_schedules_learn(momentum, schedule, eta):
    config = RunConfig(train_size=1000, epochs=6, batch_size=10, eta=eta, momentum=momentum,
                       schedule=schedule, log_snapshots=5, epoch_snapshots=4)
    run = record(config, progress=False)
    assert run.divergence is None
    assert np.all(np.isfinite(run.step_cost))
    assert run.test_accuracy[-1] > run.test_accuracy[0] + 0.3
    assert run.train_cost[-1] < 0.5 * run.train_cost[0]


def _replay(net, X, Y, rates, momentum=0.0, weight_decay=0.0):
    """Full-batch gradient descent written out by hand, one rate per step."""
    theta = net.params
    velocity = np.zeros_like(theta)
    for rate in rates:
        net.params = theta
        g = net.gradient(X, Y) + weight_decay * theta
        velocity = momentum * velocity - rate * g
        theta = theta + velocity
    return theta


@pytest.mark.parametrize("schedule,momentum,weight_decay,multipliers", [
    ("constant", 0.0, 0.0, [1, 1, 1, 1]),
    ("constant", 0.9, 0.0, [1, 1, 1, 1]),
    ("step:2:0.5", 0.0, 0.0, [1, 1, 0.5, 0.5]),
    ("step:1:0.1", 0.5, 0.0, [1, 0.1, 0.01, 0.001]),
    ("cosine", 0.0, 0.0, [0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(4)]),
    ("constant", 0.0, 0.01, [1, 1, 1, 1]),
])
def test_update_rule_matches_hand_written_descent(schedule, momentum, weight_decay, multipliers):
    """Full batch, 4 steps (= 4 epochs): train() must do exactly the documented update."""
    X, Y, _ = _tiny_problem(40)
    eta = 0.7
    net = Network([784, 8, 10], init="fan_in", seed=1)
    expected = _replay(net.copy(), X, Y, [eta * m for m in multipliers], momentum, weight_decay)
    assert train(net, X, Y, eta=eta, batch_size=None, steps=4, momentum=momentum, schedule=schedule,
                 weight_decay=weight_decay) is None
    np.testing.assert_allclose(net.params, expected, rtol=1e-9, atol=1e-12)


def test_parse_schedule_values():
    assert parse_schedule("constant")(3.7, 10) == 1.0
    cos = parse_schedule("cosine")
    assert cos(0, 10) == pytest.approx(1.0)
    assert cos(5, 10) == pytest.approx(0.5)
    assert cos(10, 10) == pytest.approx(0.0, abs=1e-12)
    step = parse_schedule("step:2:0.5")
    assert [step(e, 10) for e in (0, 1.99, 2, 3.5, 4, 6)] == [1, 1, 0.5, 0.5, 0.25, 0.125]


@pytest.mark.parametrize("schedule", [
    "", "linear", "Cosine", "step", "step:2", "step:0:0.5", "step:-1:0.5", "step:2:0", "step:2:-0.5",
    "step:a:b", "step:2:0.5:1", "exp:2:0.5",
])
def test_parse_schedule_errors(schedule):
    with pytest.raises(ConfigError):
        parse_schedule(schedule)
    with pytest.raises(ConfigError):
        RunConfig(train_size=100, epochs=1, schedule=schedule).validate()


@pytest.mark.parametrize("kwargs", [
    {"eta": 0}, {"eta": -1.0}, {"eta": float("inf")}, {"eta": float("nan")},
    {"batch_size": 0}, {"batch_size": 61}, {"momentum": 1.0}, {"momentum": -0.1},
    {"epochs": -1}, {"epochs": None, "steps": -2}, {"epochs": None},
])
def test_train_rejects_bad_arguments(kwargs):
    X, Y, _ = _tiny_problem()
    net = Network([784, 16, 10], init="fan_in", seed=0)
    before = net.params
    args = dict(eta=1.0, batch_size=10, epochs=1) | kwargs
    with pytest.raises(ConfigError):
        train(net, X, Y, **args)
    np.testing.assert_array_equal(net.params, before)


def test_full_batch_is_one_step_per_epoch_and_cost_decreases():
    config = RunConfig(train_size=1000, batch_size=None, epochs=15, eta=0.5, log_snapshots=5)
    run = record(config, progress=False)
    assert run.divergence is None
    assert len(run.step_cost) == 15
    assert run.steps[-1] == 15
    np.testing.assert_allclose(run.epochs, run.steps)  # a step is an epoch
    assert np.all(np.diff(run.step_cost) < 0), run.step_cost
    # Step 1's cost is measured on all 1,000 images before the first update: the step-0 train cost.
    assert run.step_cost[0] == pytest.approx(run.train_cost[0], rel=1e-5)


def test_full_batch_on_step_calls():
    X, Y, _ = _tiny_problem(50)
    net = Network([784, 16, 10], init="fan_in", seed=0)
    calls = []
    train(net, X, Y, eta=0.5, batch_size=None, epochs=3,
          on_step=lambda step, epoch, cost, n: calls.append((step, epoch, cost)))
    assert [(s, e) for s, e, _ in calls] == [(0, 0.0), (1, 1.0), (2, 2.0), (3, 3.0)]
    assert calls[0][2] is None
    # batch_size >= n is full batch too.
    net2 = Network([784, 16, 10], init="fan_in", seed=0)
    calls2 = []
    train(net2, X, Y, eta=0.5, batch_size=50, epochs=3,
          on_step=lambda step, epoch, cost, n: calls2.append((step, epoch, cost)))
    assert calls2 == calls
    np.testing.assert_array_equal(net2.params, net.params)


def test_minibatch_epoch_covers_every_example_once():
    X, Y, _ = _tiny_problem(25)
    net = Network([784, 16, 10], init="fan_in", seed=0)
    calls = []
    train(net, X, Y, eta=0.5, batch_size=10, epochs=2,
          on_step=lambda step, epoch, cost, n: calls.append((step, epoch)))
    # ceil(25 / 10) = 3 steps per epoch (the last batch has 5 examples).
    assert calls == [(0, 0.0)] + [(s, s / 3) for s in range(1, 7)]


def _assert_runs_identical(a, b):
    assert_same_arrays(a, b)
    meta_a = {k: v for k, v in a.meta.items() if k != "train_seconds"}
    meta_b = {k: v for k, v in b.meta.items() if k != "train_seconds"}
    assert meta_a == meta_b


@pytest.mark.parametrize("config", [
    RunConfig(train_size=500, epochs=2, batch_size=10, log_snapshots=10),
    RunConfig(sizes=(784, 32, 10), activation="relu", cost="cross_entropy", init="he", eta=0.05,
              momentum=0.9, schedule="cosine", weight_decay=1e-4, train_size=500, epochs=2, batch_size=16,
              log_snapshots=10, shuffle_labels=True),
], ids=["video", "tweaked-like"])
def test_record_is_deterministic(config):
    first = record(config, progress=False)
    second = record(config, progress=False)
    _assert_runs_identical(first, second)
    import dataclasses
    other = record(dataclasses.replace(config, seed=1), progress=False)
    assert not np.array_equal(other.params[0], first.params[0])
    assert not np.array_equal(other.params[-1], first.params[-1])
    assert other.meta["key"] != first.meta["key"]


def test_shuffle_labels_permutes_the_labels():
    data = load_mnist()
    config = RunConfig(train_size=2000, epochs=1, shuffle_labels=True).validate()
    _, Y, labels, _, _ = runs._data_arrays(config, data)
    original = np.asarray(data.train_labels[:2000])
    np.testing.assert_array_equal(np.sort(labels), np.sort(original))  # same multiset
    assert np.mean(labels == original) < 0.3                            # but mostly moved
    np.testing.assert_array_equal(Y.argmax(1), labels)                  # the targets follow them
    # Seeded: the same seed gives the same permutation, another seed another one.
    again = runs._data_arrays(config, data)[2]
    np.testing.assert_array_equal(again, labels)
    import dataclasses
    other = runs._data_arrays(dataclasses.replace(config, seed=3), data)[2]
    assert not np.array_equal(other, labels)


def test_random_labels_generalise_to_chance(real_run):
    import dataclasses
    shuffled = record(dataclasses.replace(REAL, shuffle_labels=True), progress=False)
    assert shuffled.divergence is None
    assert shuffled.test_accuracy[-1] < 0.2            # chance is 0.1
    assert real_run.test_accuracy[-1] > 0.8
    assert real_run.train_accuracy[-1] > shuffled.train_accuracy[-1] + 0.4
    assert not np.array_equal(shuffled.params[-1], real_run.params[-1])

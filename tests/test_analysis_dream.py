"""gdcore.analysis for the input and memorisation scenes: gradient descent on the input (``dream``)
and the epoch at which a run's training accuracy reaches a level (``epochs_to_reach``)."""
import numpy as np
import pytest
from scipy.special import expit

from gdcore import analysis, inputs, load_mnist, one_hot, runs
from gdcore.errors import ConfigError
from gdcore.network import Network
from gdcore.train import train

from helpers import isolated_cache  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)


@pytest.fixture(scope="module")
def net():
    return Network([784, 16, 16, 10], activation="sigmoid", cost="quadratic", init="fan_in", seed=0)


def _input_gradient_by_hand(net, x, y):
    """dC/dx for one example x (784,), C = sum_j (a_j - y_j)^2, written out layer by layer (sigmoid)."""
    activations = [x]
    for W, b in zip(net.weights, net.biases):
        activations.append(expit(W @ activations[-1] + b))
    delta = 2 * (activations[-1] - y) * activations[-1] * (1 - activations[-1])
    for W, a in zip(net.weights[:0:-1], activations[-2:0:-1]):
        delta = (W.T @ delta) * a * (1 - a)
    return net.weights[0].T @ delta


@pytest.mark.parametrize("start", ["blank", "noise"])
def test_dream_is_projected_gradient_descent_on_the_input(net, start):
    path = analysis.dream(net, 3, steps=30, eta=0.5, start=start, seed=2, record=100)
    y = np.eye(10)[3]
    x = np.zeros(784) if start == "blank" else np.random.default_rng(2).random(784)
    assert np.array_equal(path["steps"], np.arange(31))      # record > steps: every step
    for k in range(31):
        np.testing.assert_allclose(path["images"][k], x, rtol=0, atol=1e-12)
        x = np.clip(x - 0.5 * _input_gradient_by_hand(net, x, y), 0, 1)
    a = expit(net.weights[2] @ expit(net.weights[1] @ expit(net.weights[0] @ path["images"][-1] + net.biases[0])
                                     + net.biases[1]) + net.biases[2])
    np.testing.assert_allclose(path["outputs"][-1], a, rtol=1e-12)
    np.testing.assert_allclose(path["costs"], ((path["outputs"] - y) ** 2).sum(axis=1), rtol=1e-12)
    assert (path["digit"], path["start"], path["eta"]) == (3, start, 0.5)


@pytest.fixture(scope="module")
def trained():
    """The lecture's network after 3 epochs on 3,000 images (85 % of them right; 0.3 s)."""
    data = load_mnist()
    net = Network([784, 16, 16, 10], activation="sigmoid", cost="quadratic", init="fan_in", seed=0)
    train(net, inputs(data.train_images[:3000]), one_hot(data.train_labels[:3000]), eta=1.5, batch_size=10,
          epochs=3, seed=0)
    return net


def test_dream_path_shapes_and_range(trained):
    path = analysis.dream(trained, 7, steps=300, eta=1.0, record=40)
    k = len(path["steps"])
    assert 20 <= k <= 40 and path["steps"][0] == 0 and path["steps"][-1] == 300
    assert np.all(np.diff(path["steps"]) > 0) and path["steps"][10] < 20    # log-spaced: dense early
    assert path["images"].shape == (k, 784) and path["images"].dtype == np.float64
    assert path["outputs"].shape == (k, 10) and path["costs"].shape == (k,)
    assert path["images"].min() >= 0 and path["images"].max() <= 1
    assert path["images"].min() == 0 and 0 < path["images"][-1].mean() < 0.5  # clipping at work


@pytest.mark.parametrize("digit", range(10))
def test_dream_cost_falls_at_every_step(trained, digit):
    path = analysis.dream(trained, digit, steps=300, eta=0.3, record=301)
    assert np.all(np.diff(path["costs"]) < 0)
    assert path["costs"][-1] < 0.15 < 0.8 < path["costs"][0]
    assert path["outputs"][-1].argmax() == digit


def test_dream_zero_steps_and_bad_input(net):
    still = analysis.dream(net, 0, steps=0)
    assert np.array_equal(still["steps"], [0]) and not still["images"].any()
    for kwargs, message in (({"digit": 10}, r"digit must be a whole number in \[0, 9\]"),
                            ({"digit": 1.5}, r"digit must be a whole number"),
                            ({"digit": 1, "eta": 0}, r"eta \(learning rate\) must be greater than 0"),
                            ({"digit": 1, "steps": -1}, r"steps must be a whole number at least 0"),
                            ({"digit": 1, "start": "grey"}, r"unknown start 'grey'; choose from blank, noise"),
                            ({"digit": 1, "record": 1}, r"record \(snapshots kept\) must be a whole number at least 2")):
        with pytest.raises(ConfigError, match=message):
            analysis.dream(net, **kwargs)


# --- epochs_to_reach ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def every_epoch_run():
    """6 epochs of 300 images, a snapshot at every epoch end (as the memorise presets record)."""
    config = runs.RunConfig(eta=1.5, batch_size=10, epochs=6, train_size=300, epoch_snapshots=6, log_snapshots=5)
    return runs.get(config, progress=False)


def test_epochs_to_reach_is_the_first_epoch_end_at_the_level(every_epoch_run):
    run = every_epoch_run
    ends = analysis.epoch_ends(run.epochs)
    assert np.array_equal(run.epochs[ends], np.arange(1, 7))          # every epoch end is recorded
    by_epoch = np.concatenate([[run.train_accuracy[0]], run.train_accuracy[ends]])
    for level in (0.0, 0.3, 0.5, 0.7, 0.8, float(by_epoch.max())):
        expected = next((e for e, acc in enumerate(by_epoch) if acc >= level), None)
        assert analysis.epochs_to_reach(run, level) == expected
    assert analysis.epochs_to_reach(run, 0.0) == 0
    assert analysis.epochs_to_reach(run, 1.0) is None
    with pytest.raises(ConfigError, match=r"train accuracy \(a fraction\) must be in \[0, 1\]"):
        analysis.epochs_to_reach(run, 70)


def test_epochs_to_reach_refuses_a_run_that_skips_epoch_ends():
    sparse = runs.get(runs.RunConfig(eta=1.5, batch_size=10, epochs=6, train_size=100, epoch_snapshots=3,
                                     log_snapshots=3), progress=False)
    with pytest.raises(ConfigError, match=r"records only some epoch ends"):
        analysis.epochs_to_reach(sparse, 0.5)


def test_correlations_are_pearsons_row_by_row_and_digit_means_average_each_digit():
    from gdcore.analysis import correlations, digit_means
    rng = np.random.default_rng(3)
    a, b = rng.random((4, 784)), rng.random((4, 784))
    b[1] = 2 * a[1] + 1                                      # the same picture, brighter: correlation 1
    expected = [np.corrcoef(x, y)[0, 1] for x, y in zip(a, b)]
    assert correlations(a, b) == pytest.approx(expected, abs=1e-12) and correlations(a, b)[1] == pytest.approx(1)
    assert correlations(np.ones((1, 784)), a[:1]) == [0.0]   # a blank picture is like nothing
    labels = np.array([0, 1, 0, 1])
    assert np.allclose(digit_means(a, labels, 2), [(a[0] + a[2]) / 2, (a[1] + a[3]) / 2])

"""gdcore.analysis helpers behind the nudges and learning parts (scenes/nudges.py)."""
import numpy as np
import pytest

from gdcore import Network, analysis, inputs, load_mnist, one_hot
from gdcore.runs import RunConfig

SIZES = [784, 16, 16, 10]


def test_param_location_and_index_agree_with_the_network_order():
    net = Network(SIZES, seed=0)
    theta = net.params
    for i in [0, 1, 783, 784, 12543, 12544, 12559, 12560, 12815, 12816, 12991, 12992, 13001]:
        layer, j, k = analysis.param_location(SIZES, i)
        expected = net.biases[layer - 1][j] if k is None else net.weights[layer - 1][j, k]
        assert theta[i] == expected
        assert analysis.param_index(SIZES, layer, j, k) == i
        assert (k is None) == net.param_name(i).endswith("bias")
    assert analysis.param_location(SIZES, 12996) == (3, 4, None)
    with pytest.raises(IndexError):
        analysis.param_location(SIZES, 13002)
    with pytest.raises(IndexError):
        analysis.param_index(SIZES, 3, 10)


def test_gradient_step_costs_and_leaves_the_network_alone():
    data = load_mnist()
    X, Y = inputs(data.train_images[:500]), one_hot(data.train_labels[:500])
    net = Network(SIZES, init="fan_in", seed=1)
    before = net.params
    g = net.gradient(X, Y)
    step = analysis.gradient_step(net, X, Y, g, 0.5)
    assert np.array_equal(net.params, before)
    assert np.allclose(step["params"], before - 0.5 * g)
    assert step["cost_before"] == net.cost(X, Y)
    moved = net.copy()
    moved.params = before - 0.5 * g
    assert step["cost_after"] == moved.cost(X, Y) < step["cost_before"]


def test_bin_means_drops_the_incomplete_bin():
    ends, means = analysis.bin_means(np.arange(1, 11, dtype=float), 3)
    assert ends.tolist() == [3, 6, 9]
    assert means.tolist() == [2.0, 5.0, 8.0]


def test_epoch_ends_picks_whole_epochs_after_the_start():
    epochs = np.array([0, 0.001, 0.5, 1.0, 1.5, 2.0, 2.0000001, 3.0])
    assert analysis.epoch_ends(epochs).tolist() == [3, 5, 7]


def test_training_set_is_the_runs_own_set():
    data = load_mnist()
    X, Y = analysis.training_set(RunConfig(train_size=300, epochs=1), data)
    assert X.dtype == Y.dtype == np.float64
    assert np.array_equal(X, inputs(data.train_images[:300]))
    assert np.array_equal(Y, one_hot(data.train_labels[:300]))
    _, Y_shuffled = analysis.training_set(RunConfig(train_size=300, epochs=1, shuffle_labels=True), data)
    assert not np.array_equal(Y_shuffled, Y)
    assert np.array_equal(Y_shuffled.sum(axis=0), Y.sum(axis=0))


def test_envelope_keeps_each_chunks_extremes_in_order():
    values = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 0.0, 6.0])
    xs, ys = analysis.envelope(values, 3)
    assert xs.tolist() == [1, 2, 4, 6, 7, 7]
    assert ys.tolist() == [3.0, 1.0, 5.0, 0.0, 6.0, 6.0]
    noisy = np.random.default_rng(0).random(1000)
    xs, ys = analysis.envelope(noisy, 10)
    assert len(xs) == 200 and np.all(np.diff(xs) >= 0)
    for k in range(100):
        chunk = noisy[k * 10:(k + 1) * 10]
        assert set(ys[2 * k:2 * k + 2]) == {chunk.min(), chunk.max()}
    assert analysis.envelope(noisy[:5], 1)[1].tolist() == noisy[:5].tolist()

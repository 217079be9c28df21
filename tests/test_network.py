"""gdcore.network: backprop against finite differences, the parameter layout, costs, init."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from gdcore.errors import ConfigError
from gdcore.network import ACTIVATIONS, COSTS, EQUAL_VALUE, Network
from gdcore.train import train

from helpers import isolated_cache  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)

SMALL_SIZES = [784, 5, 4, 10]


def _data(n, n_in=784, n_out=10, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.random((n, n_in))
    labels = rng.integers(0, n_out, n)
    Y = np.zeros((n, n_out))
    Y[np.arange(n), labels] = 1.0
    return X, Y, labels


def _numerical_gradient(net, X, Y, h=1e-5):
    theta = net.params
    grad = np.empty_like(theta)
    for i in range(len(theta)):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += h
        minus[i] -= h
        net.params = plus
        c_plus = net.cost(X, Y)
        net.params = minus
        c_minus = net.cost(X, Y)
        grad[i] = (c_plus - c_minus) / (2 * h)
    net.params = theta
    return grad


@pytest.mark.parametrize("activation,cost", list(itertools.product(ACTIVATIONS, COSTS)))
def test_gradient_matches_centred_finite_differences(activation, cost):
    assert set(ACTIVATIONS) == {"sigmoid", "relu"} and set(COSTS) == {"quadratic", "cross_entropy"}
    net = Network(SMALL_SIZES, activation=activation, cost=cost, init="fan_in", seed=3, dtype=np.float64)
    X, Y, _ = _data(3)
    analytic = net.gradient(X, Y)
    assert analytic.shape == (net.num_params,)
    numeric = _numerical_gradient(net, X, Y)
    rel = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert rel < 1e-6, f"relative error {rel:.3g}"
    # Every layer's block must be right on its own, not just the (first-layer dominated) whole.
    i = 0
    for n_out, n_in in net.shapes:
        for size in (n_out * n_in, n_out):
            a, b = analytic[i:i + size], numeric[i:i + size]
            assert np.linalg.norm(a - b) <= 1e-6 * (np.linalg.norm(a) + np.linalg.norm(b)) + 1e-12
            i += size


@pytest.mark.parametrize("activation,cost", list(itertools.product(ACTIVATIONS, COSTS)))
def test_backprop_cost_is_the_mean_cost(activation, cost):
    net = Network(SMALL_SIZES, activation=activation, cost=cost, init="fan_in", seed=4)
    X, Y, _ = _data(7)
    grad, c = net.backprop(X, Y)
    assert c == pytest.approx(net.cost(X, Y), rel=1e-12)
    np.testing.assert_array_equal(grad, net.gradient(X, Y))


@pytest.mark.parametrize("activation,cost", list(itertools.product(ACTIVATIONS, COSTS)))
def test_per_example_gradients(activation, cost):
    net = Network(SMALL_SIZES, activation=activation, cost=cost, init="fan_in", seed=5)
    X, Y, _ = _data(6, seed=2)
    per = net.per_example_gradients(X, Y)
    assert per.shape == (6, net.num_params)
    np.testing.assert_allclose(per.mean(axis=0), net.gradient(X, Y), rtol=1e-10, atol=1e-14)
    for i in range(len(X)):
        np.testing.assert_allclose(per[i], net.gradient(X[i:i + 1], Y[i:i + 1]), rtol=1e-10, atol=1e-14)
    # Rows really differ (it is not the batch gradient repeated).
    assert not np.allclose(per[0], per[1])


def test_video_network_has_13002_parameters():
    net = Network([784, 16, 16, 10])
    expected = (784 * 16 + 16) + (16 * 16 + 16) + (16 * 10 + 10)
    assert expected == 13002
    assert net.num_params == 13002
    assert len(net.params) == 13002
    assert net.params.shape == (13002,)
    assert [W.shape for W in net.weights] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in net.biases] == [(16,), (16,), (10,)]


def test_params_setter_round_trip_and_views():
    net = Network([784, 16, 16, 10], seed=0)
    theta = np.random.default_rng(9).standard_normal(net.num_params)
    net.params = theta
    np.testing.assert_array_equal(net.params, theta)
    # The weight/bias views see the new values, in the documented order (W1 row-major, b1, W2, ...).
    np.testing.assert_array_equal(net.weights[0].ravel(), theta[:784 * 16])
    np.testing.assert_array_equal(net.biases[0], theta[784 * 16:784 * 16 + 16])
    np.testing.assert_array_equal(net.biases[-1], theta[-10:])
    assert net.weights[0][3, 14 * 28 + 6] == theta[3 * 784 + 14 * 28 + 6]
    # params is a copy: editing it does not change the network.
    p = net.params
    p[0] += 1.0
    assert net.params[0] == theta[0]
    # A different network computes something different; after setting its params, the same thing.
    other = Network([784, 16, 16, 10], seed=1)
    X, _, _ = _data(4)
    assert not np.allclose(other.forward(X), net.forward(X))
    other.params = net.params
    np.testing.assert_array_equal(other.forward(X), net.forward(X))


@pytest.mark.parametrize("shape", [(13001,), (13003,), (1, 13002), (0,), ()])
def test_params_setter_rejects_wrong_shape(shape):
    net = Network([784, 16, 16, 10])
    before = net.params
    with pytest.raises(ConfigError):
        net.params = np.zeros(shape)
    np.testing.assert_array_equal(net.params, before)


def test_param_names():
    net = Network([784, 16, 16, 10])
    assert net.param_name(0) == "layer 1, neuron 0, weight from pixel (0, 0)"
    assert net.param_name(3 * 784 + 14 * 28 + 6) == "layer 1, neuron 3, weight from pixel (14, 6)"
    assert net.param_name(784 - 1) == "layer 1, neuron 0, weight from pixel (27, 27)"
    assert net.param_name(784) == "layer 1, neuron 1, weight from pixel (0, 0)"
    assert net.param_name(16 * 784) == "layer 1, neuron 0, bias"
    assert net.param_name(16 * 784 + 15) == "layer 1, neuron 15, bias"
    start2 = 16 * 784 + 16
    for k in range(16):
        assert net.param_name(start2 + k) == f"layer 2, neuron 0, weight from layer 1 neuron {k}"
    assert net.param_name(start2 + 2 * 16 + 5) == "layer 2, neuron 2, weight from layer 1 neuron 5"
    start3 = start2 + 16 * 16 + 16
    assert net.param_name(start3 - 1) == "layer 2, neuron 15, bias"
    assert net.param_name(start3 + 7 * 16 + 4) == "layer 3, output neuron 7, weight from layer 2 neuron 4"
    assert net.param_name(net.num_params - 1) == "layer 3, output neuron 9, bias"
    names = net.param_names()
    assert len(names) == net.num_params
    assert len(set(names)) == net.num_params
    for bad in (-1, net.num_params):
        with pytest.raises(IndexError):
            net.param_name(bad)


def test_param_names_follow_the_flat_layout():
    """The name of entry i describes exactly the weight that entry i of params controls."""
    net = Network([784, 16, 16, 10], seed=0)
    rng = np.random.default_rng(0)
    for i in rng.choice(net.num_params, 40, replace=False).tolist() + [0, net.num_params - 1]:
        theta = np.zeros(net.num_params)
        theta[i] = 1.0
        net.params = theta
        name = net.param_name(i)
        layer = int(name.split(",")[0].split()[1])
        neuron = int(name.split(",")[1].split()[-1])
        if name.endswith("bias"):
            assert net.biases[layer - 1][neuron] == 1.0, name
        elif "pixel" in name:
            r, c = (int(v) for v in name.split("(")[1].rstrip(")").split(","))
            assert net.weights[0][neuron, r * 28 + c] == 1.0, name
        else:
            k = int(name.split()[-1])
            assert net.weights[layer - 1][neuron, k] == 1.0, name


def test_quadratic_cost_is_mean_of_sum_of_squares():
    net = Network([784, 16, 16, 10], cost="quadratic", init="fan_in", seed=2)
    X, Y, _ = _data(25)
    a = net.forward(X)
    assert a.shape == (25, 10)
    assert np.all((a > 0) & (a < 1))  # sigmoid outputs
    direct = np.mean(np.sum((a - Y) ** 2, axis=1))
    assert net.cost(X, Y) == pytest.approx(direct, rel=1e-12)
    np.testing.assert_allclose(net.example_costs(X, Y), np.sum((a - Y) ** 2, axis=1), rtol=1e-12)


def test_cross_entropy_outputs_are_probabilities():
    net = Network([784, 16, 16, 10], activation="relu", cost="cross_entropy", init="he", seed=2)
    X, Y, labels = _data(25)
    a = net.forward(X)
    assert np.all(a > 0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)
    direct = -np.mean(np.log(a[np.arange(25), labels]))
    assert net.cost(X, Y) == pytest.approx(direct, rel=1e-12)
    np.testing.assert_array_equal(net.predict(X), a.argmax(axis=1))
    assert net.accuracy(X, labels) == pytest.approx(np.mean(a.argmax(axis=1) == labels))


def test_forward_matches_the_layer_equations():
    net = Network([784, 16, 16, 10], activation="sigmoid", cost="quadratic", init="fan_in", seed=6)
    X, _, _ = _data(5)
    a = X
    for W, b in zip(net.weights, net.biases):
        a = 1 / (1 + np.exp(-(W @ a.T).T - b))
    np.testing.assert_allclose(net.forward(X), a, rtol=1e-12)


@pytest.mark.parametrize("init,scale", [("fan_in", 784 ** -0.5), ("he", (2 / 784) ** 0.5), ("normal", 1.0)])
def test_init_scales(init, scale):
    net = Network([784, 16, 16, 10], init=init, seed=0)
    W1 = net.weights[0]
    # 12,544 samples: the sample std is within ~1 % of the true one; allow 5 %.
    assert abs(W1.mean()) < 0.05 * scale
    assert W1.std() == pytest.approx(scale, rel=0.05)
    second = {"fan_in": 16 ** -0.5, "he": (2 / 16) ** 0.5, "normal": 1.0}[init]
    assert net.weights[1].std() == pytest.approx(second, rel=0.2)


def test_same_seed_same_params_different_seed_different():
    a, b, c = Network(seed=11), Network(seed=11), Network(seed=12)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_dtype_is_respected():
    net = Network([784, 16, 16, 10], dtype=np.float32)
    X, Y, _ = _data(3)
    assert net.params.dtype == np.float32
    assert net.forward(X).dtype == np.float32
    assert net.gradient(X, Y).dtype == np.float32


def test_copy_is_independent():
    net = Network(seed=0)
    twin = net.copy()
    np.testing.assert_array_equal(twin.params, net.params)
    twin.weights[0][0, 0] += 1.0
    assert twin.params[0] == net.params[0] + 1.0


@pytest.mark.parametrize("kwargs", [
    {"activation": "tanh"}, {"activation": "Sigmoid"},
    {"cost": "hinge"}, {"cost": "crossentropy"},
    {"init": "xavier"}, {"init": ""},
    {"sizes": [784]}, {"sizes": [784, 0, 10]},
])
def test_bad_config_raises_config_error(kwargs):
    with pytest.raises(ConfigError):
        Network(**kwargs)
    assert issubclass(ConfigError, ValueError)


# --- the gradient with respect to the input ----------------------------------------------------
def _numerical_input_gradient(net, x, y, h=1e-5):
    """(784,) central differences of one example's own cost C(x) = example_costs([x], [y])."""
    steps = h * np.eye(len(x))
    plus = net.example_costs(x + steps, np.tile(y, (len(x), 1)))
    minus = net.example_costs(x - steps, np.tile(y, (len(x), 1)))
    return (plus - minus) / (2 * h)


@pytest.mark.parametrize("activation,cost", list(itertools.product(ACTIVATIONS, COSTS)))
def test_input_gradient_matches_centred_finite_differences(activation, cost):
    net = Network(SMALL_SIZES, activation=activation, cost=cost, init="fan_in", seed=7, dtype=np.float64)
    X, Y, _ = _data(3, seed=4)
    analytic = net.input_gradient(X, Y)
    assert analytic.shape == (3, 784) and analytic.dtype == np.float64
    for i in range(len(X)):   # row i is example i's own cost (not divided by n, not mixed with the others)
        numeric = _numerical_input_gradient(net, X[i], Y[i])
        rel = np.linalg.norm(analytic[i] - numeric) / (np.linalg.norm(analytic[i]) + np.linalg.norm(numeric))
        assert rel < 1e-7, f"example {i}: relative error {rel:.3g}"
    np.testing.assert_allclose(net.input_gradient(X[1:2], Y[1:2])[0], analytic[1], rtol=1e-12, atol=1e-15)


def test_input_gradient_checks_shapes():
    net = Network(SMALL_SIZES, seed=0)
    X, Y, _ = _data(2)
    with pytest.raises(ConfigError, match=r"inputs must have shape"):
        net.input_gradient(X[:, :100], Y)
    with pytest.raises(ConfigError, match=r"n targets"):
        net.input_gradient(X, Y[:1])


# --- init="equal": the symmetry that gradient descent cannot break ------------------------------
def test_equal_init_sets_every_weight_and_bias_to_one_value():
    net = Network([784, 16, 16, 10], init="equal", seed=3)
    assert np.all(net.params == EQUAL_VALUE)
    np.testing.assert_array_equal(net.params, Network([784, 16, 16, 10], init="equal", seed=4).params)


def test_equal_init_neurons_stay_identical_under_gradient_descent():
    net = Network([784, 16, 16, 10], init="equal", dtype=np.float64)
    X, Y, _ = _data(40, seed=5)
    train(net, X, Y, eta=1.0, batch_size=10, epochs=20, weight_decay=1e-4, seed=0)
    W1, W2, W3 = net.weights
    assert np.abs(W1).max() > 1e-3 and np.abs(W2).max() > 1e-3     # the hidden layers did learn
    for rows in (W1, W2, net.biases[0][:, None], net.biases[1][:, None]):
        assert np.abs(rows - rows[0]).max() < 1e-12                  # but every neuron the same
    assert np.abs(W3 - W3[:, :1]).max() < 1e-12                      # and seen the same by the outputs

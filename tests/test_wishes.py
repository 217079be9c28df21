"""gdcore.wishes (chapter 3's wish lists) against finite differences and gdcore's backprop."""
import numpy as np
import pytest

from gdcore import ConfigError, Network, inputs, load_mnist, one_hot, wishes

SIZES = [784, 16, 16, 10]
H = 1e-6


@pytest.fixture(scope="module")
def example():
    data = load_mnist()
    net = Network(SIZES, init="fan_in", seed=3)
    return net, inputs(data.train_images[5:6])[0], int(data.train_labels[5])


def cost_of(net, x, y):
    return float(net.example_costs(x[None, :], one_hot(np.array([y]), 10))[0])


def test_output_wishes_are_minus_the_cost_slope_in_each_output(example):
    net, x, y = example
    a = net.forward(x[None, :])[0]
    target = one_hot(np.array([y]), 10)[0]
    numeric = np.array([-(((a + H * e - target) ** 2).sum() - ((a - H * e - target) ** 2).sum()) / (2 * H)
                        for e in np.eye(10)])
    got = wishes.output_wishes(net, x, y)
    np.testing.assert_allclose(got, numeric, atol=1e-8)
    assert got[y] > 0 and (np.delete(got, y) < 0).all()   # up for the right digit, down for the others


def test_three_ways_to_raise_an_output_are_its_partial_derivatives(example):
    net, x, _ = example
    j = 2
    ways = wishes.ways_to_raise(net, x, 3, j)
    zs, acts = wishes.forward_one(net, x)
    W, b, prev = net.weights[2], net.biases[2], acts[2]

    def a_j(W=W, b=b, prev=prev):
        return 1 / (1 + np.exp(-(W[j] @ prev + b[j])))

    assert ways["a"] == pytest.approx(a_j(), abs=1e-15)
    db = np.zeros_like(b); db[j] = H
    assert ways["bias"] == pytest.approx((a_j(b=b + db) - a_j(b=b - db)) / (2 * H), rel=1e-6)
    for k in (0, 7, 15):
        dW = np.zeros_like(W); dW[j, k] = H
        assert ways["weights"][k] == pytest.approx((a_j(W=W + dW) - a_j(W=W - dW)) / (2 * H), rel=1e-5, abs=1e-12)
        da = np.zeros_like(prev); da[k] = H
        assert ways["activations"][k] == pytest.approx((a_j(prev=prev + da) - a_j(prev=prev - da)) / (2 * H),
                                                       rel=1e-5, abs=1e-12)
    np.testing.assert_array_equal(ways["previous"], prev)


def test_summed_wishes_are_backprop_deltas_and_the_bias_slopes(example):
    net, x, y = example
    backprop = wishes.deltas(net, x, y)
    for layer in (3, 2):
        step = wishes.backward_step(net, x, y, layer)
        np.testing.assert_allclose(step["summed"], step["wishes"].sum(axis=0), atol=0)
        np.testing.assert_allclose(step["delta"], backprop[layer - 2], rtol=0, atol=1e-12)
        for k in (0, 9):   # delta_k = dC/db_k of the layer before, by finite differences
            nudged = [net.copy(), net.copy()]
            nudged[0].biases[layer - 2][k] += H
            nudged[1].biases[layer - 2][k] -= H
            numeric = (cost_of(nudged[0], x, y) - cost_of(nudged[1], x, y)) / (2 * H)
            assert step["delta"][k] == pytest.approx(numeric, rel=1e-5, abs=1e-10)


def test_example_gradient_means_equal_the_full_gradient():
    data = load_mnist()
    X, Y = inputs(data.train_images[:700]), one_hot(data.train_labels[:700])
    net = Network(SIZES, init="fan_in", seed=1)
    picked = [3, 500, 12600, 13001]
    np.testing.assert_allclose(wishes.example_gradient_means(net, X, Y, picked, chunk=300),
                               net.gradient(X, Y)[picked], rtol=1e-10, atol=1e-15)


def test_first_wrong_and_refusals(example):
    net, x, y = example
    data = load_mnist()
    k = wishes.first_wrong(net, data.train_images[:200], data.train_labels[:200], 2)
    assert data.train_labels[k] == 2 and net.predict(inputs(data.train_images[k:k + 1]))[0] != 2
    with pytest.raises(ConfigError, match="layer"):
        wishes.neuron_wishes(net, x, y, 1)
    with pytest.raises(ConfigError, match="neuron"):
        wishes.ways_to_raise(net, x, 3, 10)
    relu = Network([784, 8, 10], activation="relu", cost="cross_entropy", seed=0)
    with pytest.raises(ConfigError, match="sigmoid"):
        wishes.output_wishes(relu, x, y)

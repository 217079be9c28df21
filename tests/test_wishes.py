"""gdcore.wishes (chapter 3's wish lists) against finite differences and gdcore's backprop."""
import numpy as np
import pytest

from gdcore import ConfigError, Network, inputs, load_mnist, one_hot, wishes
from gdcore.network import example_costs

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
    softmax = Network([784, 8, 10], activation="relu", cost="cross_entropy", seed=0)
    with pytest.raises(ConfigError, match="softmax"):
        wishes.slope(softmax, 2, np.zeros(10), np.full(10, 0.1))


# --- every activation with every cost, any number of hidden layers ---------------------------------
KINDS = [(a, c) for a in ("sigmoid", "relu") for c in ("quadratic", "cross_entropy")]


@pytest.fixture(scope="module", params=KINDS, ids=[f"{a}-{c}" for a, c in KINDS])
def any_net(request):
    """A 784-12-9-10 network of each kind, a little trained so that its ReLUs are partly off."""
    activation, cost = request.param
    data = load_mnist()
    X, Y = inputs(data.train_images[:300]), one_hot(data.train_labels[:300])
    net = Network([784, 12, 9, 10], activation=activation, cost=cost,
                  init="he" if activation == "relu" else "fan_in", seed=2)
    for _ in range(20):
        net.params = net.params - 0.1 * net.gradient(X, Y)
    return net, inputs(data.train_images[7:8])[0], int(data.train_labels[7])


def pre_softmax(net, x):
    """(z^L, a^{L-1}) of one example: the last layer's weighted inputs and the activations into it."""
    zs, acts = wishes.forward_one(net, x)
    return zs[-1], acts[-2]


def cost_of_outputs(net, z, y):
    """The example's cost as a function of its output weighted inputs z (10,)."""
    a = 1 / (1 + np.exp(-z)) if net.cost_name == "quadratic" else np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return float(example_costs(a[None], one_hot(np.array([y]), 10), net.cost_name)[0])


def test_output_wishes_of_any_network_are_minus_the_slope_of_its_cost(any_net):
    net, x, y = any_net
    got = wishes.output_wishes(net, x, y)
    a = net.forward(x[None])[0]
    target = one_hot(np.array([y]), 10)[0]
    if net.cost_name == "quadratic":        # on the activations
        assert wishes.wished_quantity(net) == "a"
        numeric = [-(((a + H * e - target) ** 2).sum() - ((a - H * e - target) ** 2).sum()) / (2 * H)
                   for e in np.eye(10)]
    else:                                   # on the weighted inputs: the softmax's outputs move together
        assert wishes.wished_quantity(net) == "z"
        z, _ = pre_softmax(net, x)
        numeric = [-(cost_of_outputs(net, z + H * e, y) - cost_of_outputs(net, z - H * e, y)) / (2 * H)
                   for e in np.eye(10)]
        np.testing.assert_allclose(got, target - a, atol=1e-15)
    np.testing.assert_allclose(got, numeric, atol=1e-7)
    assert got[y] > 0 and (np.delete(got, y) < 0).all()


def raised(net, x, layer, j, W=None, b=None, prev=None):
    """What ``ways_to_raise`` raises for neuron j of ``layer``, recomputed from (W, b, previous a)."""
    zs, acts = wishes.forward_one(net, x)
    W = net.weights[layer - 1] if W is None else W
    b = net.biases[layer - 1] if b is None else b
    prev = acts[layer - 1] if prev is None else prev
    z = W[j] @ prev + b[j]
    if layer == len(net.shapes) and net.cost_name == "cross_entropy":
        return z
    if layer == len(net.shapes) or net.activation == "sigmoid":
        return 1 / (1 + np.exp(-z))
    return max(z, 0.0)


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_ways_to_raise_any_neuron_are_its_partial_derivatives(any_net, layer):
    net, x, _ = any_net
    zs, acts = wishes.forward_one(net, x)
    for j in range(net.sizes[layer]):
        ways = wishes.ways_to_raise(net, x, layer, j)
        W, b, prev = net.weights[layer - 1], net.biases[layer - 1], acts[layer - 1]
        softmax_output = layer == 3 and net.cost_name == "cross_entropy"
        assert ways["raises"] == ("z" if softmax_output else "a")
        assert ways[ways["raises"]] == pytest.approx(raised(net, x, layer, j), abs=1e-12)
        if abs(ways["z"]) < 1e-4:
            continue                                   # too near a ReLU's kink for finite differences
        db = np.zeros_like(b)
        db[j] = H
        numeric = (raised(net, x, layer, j, b=b + db) - raised(net, x, layer, j, b=b - db)) / (2 * H)
        assert ways["bias"] == pytest.approx(numeric, rel=1e-5, abs=1e-10)
        if net.activation == "relu" and layer < 3:
            assert ways["slope"] == float(ways["z"] > 0)   # an off neuron cannot be raised at all
        for k in (0, 3, len(prev) - 1):
            dW = np.zeros_like(W)
            dW[j, k] = H
            numeric = (raised(net, x, layer, j, W=W + dW) - raised(net, x, layer, j, W=W - dW)) / (2 * H)
            assert ways["weights"][k] == pytest.approx(numeric, rel=1e-5, abs=1e-10)
            da = np.zeros_like(prev)
            da[k] = H
            numeric = (raised(net, x, layer, j, prev=prev + da) - raised(net, x, layer, j, prev=prev - da)) / (2 * H)
            assert ways["activations"][k] == pytest.approx(numeric, rel=1e-5, abs=1e-10)


def test_backward_steps_of_any_network_are_its_backprop(any_net):
    net, x, y = any_net
    backprop = wishes.deltas(net, x, y)
    a = net.forward(x[None])[0]
    rate = 1.0 if net.cost_name == "cross_entropy" else a * (1 - a)      # the wish on z, or on a times sigma'
    np.testing.assert_allclose(-wishes.output_wishes(net, x, y) * rate, backprop[-1], atol=1e-15)
    off_seen = 0
    for layer in (3, 2):
        step = wishes.backward_step(net, x, y, layer)
        np.testing.assert_allclose(step["delta"], backprop[layer - 2], rtol=0, atol=1e-12)
        zs, _ = wishes.forward_one(net, x)
        for k in range(net.sizes[layer - 1]):       # delta_k = dC/db_k of the layer before
            if abs(zs[layer - 2][k]) < 1e-4:
                continue
            nudged = [net.copy(), net.copy()]
            nudged[0].biases[layer - 2][k] += H
            nudged[1].biases[layer - 2][k] -= H
            numeric = (cost_of(nudged[0], x, y) - cost_of(nudged[1], x, y)) / (2 * H)
            assert step["delta"][k] == pytest.approx(numeric, rel=1e-5, abs=1e-10)
        if net.activation == "relu":                # an off neuron passes no wish back
            off = zs[layer - 2] <= 0
            off_seen += int(off.sum())
            assert (step["delta"][off] == 0).all() and (step["slope"][off] == 0).all()
    assert off_seen or net.activation == "sigmoid"


def test_one_hidden_layer_goes_back_once():
    data = load_mnist()
    net = Network([784, 30, 10], activation="relu", cost="cross_entropy", init="he", seed=5)
    x, y = inputs(data.train_images[:1])[0], int(data.train_labels[0])
    step = wishes.backward_step(net, x, y, 2)
    assert step["wishes"].shape == (10, 30)
    np.testing.assert_allclose(step["delta"], wishes.deltas(net, x, y)[0], atol=1e-12)
    with pytest.raises(ConfigError, match="layer"):
        wishes.backward_step(net, x, y, 1)


@pytest.mark.parametrize("kind", ["relu-cross_entropy", "sigmoid-quadratic"])
def test_example_gradient_means_of_other_networks(kind):
    activation, cost = kind.split("-")
    data = load_mnist()
    X, Y = inputs(data.train_images[:500]), one_hot(data.train_labels[:500])
    net = Network([784, 40, 10], activation=activation, cost=cost, seed=1)
    picked = [0, 784 * 40 + 3, net.num_params - 11, net.num_params - 1]
    np.testing.assert_allclose(wishes.example_gradient_means(net, X, Y, picked, chunk=128),
                               net.gradient(X, Y)[picked], rtol=1e-10, atol=1e-15)

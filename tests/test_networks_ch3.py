"""Chapter 3's eight parts played with the teachers' other networks (issue 14): ``book`` (784-30-10,
sigmoid, quadratic cost) and ``tweaked`` (784-32-10, ReLU, softmax with cross-entropy). Both have ONE
hidden layer, wider than the 16 neurons a column draws.

Each part is played once per network (tests/networks.py caches it), its layout and reading times
checked, its last frame drawn, and what it shows (``scene.part.shown``) compared with the run's own
numbers recomputed here: by hand from the weights (forward passes, the cost written out), by gdcore's
backprop, or by finite differences.
"""
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pytest
from networks import network_run, played_well

from gdcore import analysis, load_mnist, one_hot
from gdcore.train import steps_per_epoch
from scenes.averaging import AveragingWishes
from scenes.backprop_code import BackpropCode
from scenes.backwards import GoingBackwards
from scenes.chain_rule import ChainRule
from scenes.example import early_example
from scenes.sensitivity import WhatAGradientEntryMeans
from scenes.sgd_recap import MiniBatchesAgain, MiniBatchSteps
from scenes.weights import video_run
from scenes.wishlist import ThreeWaysToRaiseAnOutput, WishList

NETWORKS = ["book", "tweaked"]
H = 1e-6


@lru_cache(maxsize=None)
def example(name):
    return early_example(network_run(name))


def trained_on(name):
    """How many training images the run learned from (its config's train_size, else all 60,000)."""
    return network_run(name).config.train_size or 60000


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def by_hand(net, x):
    """(zs, activations) of one example, written out from the weights: sigmoid or ReLU hidden layers,
    a sigmoid (quadratic cost) or softmax (cross-entropy) output layer."""
    zs, acts = [], [x]
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = W @ acts[-1] + b
        last = l == len(net.weights) - 1
        if last:
            a = softmax(z) if net.cost_name == "cross_entropy" else 1 / (1 + np.exp(-z))
        else:
            a = 1 / (1 + np.exp(-z)) if net.activation == "sigmoid" else np.maximum(z, 0)
        zs.append(z)
        acts.append(a)
    return zs, acts


def cost_by_hand(net, outputs, labels):
    """The mean cost, written out: sum of squared differences, or minus the log of the right output."""
    if net.cost_name == "cross_entropy":
        return float(-np.log(outputs[np.arange(len(labels)), labels]).mean())
    return float(((outputs - one_hot(labels, 10)) ** 2).sum(axis=1).mean())


def delta_by_hand(net, x, y):
    """(delta^1, delta^2) of a one-hidden-layer network, by the chain rule written out."""
    zs, acts = by_hand(net, x)
    target = np.eye(10)[y]
    if net.cost_name == "cross_entropy":
        out = acts[2] - target
    else:
        out = 2 * (acts[2] - target) * acts[2] * (1 - acts[2])
    slope = acts[1] * (1 - acts[1]) if net.activation == "sigmoid" else (zs[0] > 0).astype(float)
    return (net.weights[1].T @ out) * slope, out


# --- the running example ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_the_running_example_is_a_real_mistake_of_that_network(name):
    run, ex = network_run(name), example(name)
    assert ex.step in run.gradient_steps and run.steps[ex.snapshot] == ex.step
    assert ex.accuracy >= 0.5 and ex.label == 2
    assert ex.net.sizes == list(run.config.sizes)
    earlier = [s for s in run.gradient_steps if s < ex.step]
    assert all(run.train_accuracy[list(run.steps).index(s)] < 0.5 for s in earlier)   # the first such step
    data = load_mnist()
    assert ex.index < trained_on(name)                                 # one of the images it learned from
    twos = np.flatnonzero(data.train_labels[:ex.index + 1] == 2)
    guesses = [int(np.argmax(by_hand(ex.net, x)[1][-1])) for x in data.train_images[twos].reshape(-1, 784) / 255]
    assert guesses[-1] != 2 and all(g == 2 for g in guesses[:-1])     # the first 2 it gets wrong


# --- 1. what a gradient entry means -----------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_gradient_entry_meaning(name):
    scene = played_well(name, WhatAGradientEntryMeans)
    shown, ex = scene.part.shown, example(name)
    net, g = ex.net, np.abs(np.asarray(ex.gradient, np.float64))
    large, small = shown["indices"]
    assert shown["step"] == ex.step and large == int(g.argmax())
    assert g[small] * 50 <= g[large] and not ((g > g[small]) & (g * 50 <= g[large])).any()
    assert shown["names"] == (net.param_name(large), net.param_name(small))
    X, Y = analysis.training_set(ex.run.config, load_mnist())
    labels = Y.argmax(axis=1)
    cost = cost_by_hand(net, net.forward(X), labels)
    assert shown["cost"] == pytest.approx(cost, rel=1e-9) and shown["train_size"] == len(X) == trained_on(name)
    assert f"over all {len(X):,} training images" in " ".join(line for line, _ in shown["captions"])
    for i, change in zip((large, small), shown["changes"]):       # the nudged cost, recomputed by hand
        nudged = net.copy()
        theta = nudged.params
        theta[i] += shown["eps"]
        nudged.params = theta
        assert change == pytest.approx(cost_by_hand(net, nudged.forward(X), labels) - cost, rel=1e-4)
    assert shown["measured_ratio"] == pytest.approx(shown["N"], rel=0.05)
    assert f"{net.num_params:,} entries" in shown["captions"][0][0]
    assert f"{net.num_params:,}" == {"book": "23,860", "tweaked": "25,450"}[name]


# --- 2. one example's wish list ---------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_wish_list(name):
    scene = played_well(name, WishList)
    shown, ex = scene.part.shown, example(name)
    zs, acts = by_hand(ex.net, ex.x)
    a, y = acts[-1], np.eye(10)[2]
    np.testing.assert_allclose(shown["outputs"], a, atol=1e-12)
    assert shown["index"] == ex.index and shown["guess"] == int(a.argmax()) != 2
    if name == "book":       # quadratic: the wish is on a, -dC/da = 2(y - a), by central differences
        numeric = [-(((a + H * e - y) ** 2).sum() - ((a - H * e - y) ** 2).sum()) / (2 * H) for e in np.eye(10)]
        assert shown["wished"] == "a" and shown["formula"] == "−∂C/∂a = 2(y − a)"
        assert shown["cost"] == pytest.approx(((a - y) ** 2).sum(), rel=1e-12)
    else:                    # softmax + cross-entropy: the wish is on z, -dC/dz = y - a
        z = zs[-1]
        numeric = [(np.log(softmax(z + H * e)[2]) - np.log(softmax(z - H * e)[2])) / (2 * H) for e in np.eye(10)]
        assert shown["wished"] == "z" and shown["formula"] == "−∂C/∂z = y − a"
        assert shown["cost"] == pytest.approx(-np.log(a[2]), rel=1e-12)
        assert f"−log a_2 = {-np.log(a[2]):.3f}" in shown["wish_line"] and "2(y − a)" not in shown["wish_line"]
    np.testing.assert_allclose(shown["wishes"], numeric, atol=1e-7)
    assert shown["arrows"] == shown["wishes"]


# --- 3. three ways to raise an output ----------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_three_ways(name):
    scene = played_well(name, ThreeWaysToRaiseAnOutput)
    shown, ex = scene.part.shown, example(name)
    net = ex.net
    zs, acts = by_hand(net, ex.x)
    prev, W, b = acts[1], net.weights[1], net.biases[1]
    assert shown["layer"] == 2 and shown["neuron"] == 2 and len(prev) == net.sizes[1] > 16

    def raised(W=W, b=b, prev=prev):
        z = W[2] @ prev + b[2]
        return z if name == "tweaked" else 1 / (1 + np.exp(-z))

    assert shown["raises"] == {"book": "a", "tweaked": "z"}[name]
    db = H * np.eye(10)[2]
    assert shown["bias"] == pytest.approx((raised(b=b + db) - raised(b=b - db)) / (2 * H), rel=1e-5)
    for k in range(len(prev)):
        dW = np.zeros_like(W)
        dW[2, k] = H
        assert shown["weights"][k] == pytest.approx((raised(W=W + dW) - raised(W=W - dW)) / (2 * H), rel=1e-5,
                                                    abs=1e-9)
    np.testing.assert_allclose(shown["activations"], shown["slope"] * W[2], rtol=1e-12)
    # 16 drawn of the wider layer, the ones the part points at among them, and a caption that says so
    drawn = shown["drawn"]
    assert len(drawn) == 16 == len(set(drawn)) and drawn == sorted(drawn)
    assert set(shown["brightest"]) <= set(drawn) and shown["brightest"] == np.argsort(-prev)[:4].tolist()
    assert set(np.argsort(-np.abs(W[2]))[:4].tolist()) <= set(drawn)
    assert f"has {len(prev)} neurons" in shown["drawn_line"]
    assert shown["arrows"] == [shown["activations"][k] for k in drawn]
    if name == "tweaked":    # ReLU activations above 1: the fill is divided by the largest, and it says so
        assert shown["fill_scale"] == pytest.approx(prev.max()) and prev.max() > 1
        assert f"a ÷ {prev.max():.2f}" in shown["drawn_line"]
    else:
        assert shown["fill_scale"] == 1.0 and "÷" not in shown["drawn_line"]


# --- 4. adding up the wishes, going backwards --------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_going_backwards(name):
    scene = played_well(name, GoingBackwards)
    shown, ex = scene.part.shown, example(name)
    net = ex.net
    assert 2 not in shown and 1 in shown          # one hidden layer: one step back, no layer 2
    s = shown[1]
    delta_1, delta_2 = delta_by_hand(net, ex.x, 2)
    wishes = np.array(s["wishes"])
    assert wishes.shape == (10, net.sizes[1])
    np.testing.assert_allclose(wishes, -delta_2[:, None] * net.weights[1], atol=1e-12)
    np.testing.assert_allclose(s["summed"], wishes.sum(axis=0), atol=1e-12)
    np.testing.assert_allclose(s["nudges"], -delta_1, atol=1e-12)
    assert s["difference"] <= 1e-12
    zs, acts = by_hand(net, ex.x)
    slope = acts[1] * (1 - acts[1]) if name == "book" else (zs[0] > 0).astype(float)
    np.testing.assert_allclose(s["slope"], slope, atol=1e-12)
    assert s["slope_header"] == {"book": "σ′(z)", "tweaked": "ReLU′(z)"}[name]
    if name == "tweaked":                          # off neurons pass nothing back
        assert (slope == 0).any() and (np.array(s["nudges"])[slope == 0] == 0).all()
    # the 16 rows drawn: the largest summed wishes; every output a column; said on screen
    assert s["rows"] == sorted(np.argsort(-np.abs(wishes.sum(axis=0)))[:16].tolist())
    assert s["columns"] == list(range(10))
    assert f"has {net.sizes[1]} neurons" in shown["drawn_lines"][2]
    assert "one hidden layer" in shown["ending"] and "ends here" in shown["ending"]


# --- 5. from one example to the gradient -------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_averaging_wishes(name):
    scene = played_well(name, AveragingWishes)
    shown, ex = scene.part.shown, example(name)
    net, run = ex.net, ex.run
    g = np.abs(np.asarray(ex.gradient, np.float64))
    n_1, n_0 = net.sizes[1], 784
    blocks = [(0, n_1 * n_0), (n_1 * n_0, n_1 * n_0 + n_1), (n_1 * n_0 + n_1, n_1 * n_0 + n_1 + 10 * n_1),
              (n_1 * n_0 + n_1 + 10 * n_1, net.num_params)]
    assert shown["indices"] == [lo + int(g[lo:hi].argmax()) for lo, hi in blocks]     # 4 entries: 2 layers
    assert any(f"for 4 of the {net.num_params:,} weights" in line for line, _ in shown["captions"])
    data = load_mnist()
    for col, index in enumerate(shown["examples"]):       # each image's wishes, from the chain rule by hand
        x = data.train_images[index].reshape(784) / 255
        d1, d2 = delta_by_hand(net, x, int(data.train_labels[index]))
        _, acts = by_hand(net, x)
        grad = np.concatenate([np.outer(d1, x).ravel(), d1, np.outer(d2, acts[1]).ravel(), d2])
        np.testing.assert_allclose(shown["table"][:, col], -grad[shown["indices"]], rtol=1e-7, atol=1e-12)
    stored = -np.asarray(ex.gradient, np.float64)[shown["indices"]]
    np.testing.assert_allclose(shown["all_means"], stored, rtol=1e-4)
    assert shown["train_size"] == trained_on(name)
    c = run.config
    expected_notes = 1 + bool(c.weight_decay) + bool(c.momentum)
    assert len(shown["notes"]) == expected_notes and ("momentum" in " ".join(shown["notes"])) == bool(c.momentum)
    for r, k in shown["off"]:                             # a zero wish said to be a ReLU that is off
        assert name == "tweaked" and shown["table"][r, k] == 0
    for k in shown["blank"]:                              # a zero wish said to be a blank pixel
        assert shown["table"][0, k] == 0
    x = analysis.param_location(net.sizes, shown["indices"][0])[2]
    assert shown["blank"] == [k for k, i in enumerate(shown["examples"]) if data.train_images[i].reshape(784)[x] == 0]


# --- 6. mini-batches again ---------------------------------------------------------------------------
class MiniBatchesWithoutTheStumble(MiniBatchesAgain):
    """MiniBatchesAgain without its last third, the drunk and careful men (scenes/stumble.py, played with
    these networks by tests/test_networks_ch2_second.py): the deal and the card are this part's own."""

    def construct(self):
        self.part = MiniBatchSteps(video_run(), SimpleNamespace(shown={}))
        self.part.deal.play(self)
        self.part.clear(self)
        self.part.what_a_step_costs(self)


@pytest.mark.parametrize("name", NETWORKS)
def test_mini_batches_again(name):
    scene = played_well(name, MiniBatchesWithoutTheStumble)
    run = network_run(name)
    c, shown = run.config, scene.part.shown
    assert c.batch_size == {"book": 10, "tweaked": 32}[name]
    assert shown["cost_of_a_step"] == {"n": trained_on(name), "batch_size": c.batch_size,
                                       "steps_per_pass": steps_per_epoch(trained_on(name), c.batch_size)}
    deal = shown["deal"]
    order = analysis.minibatch_order(c, 0)
    assert deal["batch_size"] == c.batch_size and deal["batches"][0] == order[:c.batch_size].tolist()
    assert len(deal["batches"]) == 6 and all(len(b) == c.batch_size for b in deal["batches"])
    np.testing.assert_allclose(deal["stepped_costs"], run.step_cost[:4], rtol=1e-6)
    X, Y = analysis.training_set(c, load_mnist())
    first = run.network(0)                         # step 1's cost is the first batch's, at the start
    assert deal["stepped_costs"][0] == pytest.approx(cost_by_hand(first, first.forward(X[order[:c.batch_size]]),
                                                                  Y[order[:c.batch_size]].argmax(1)), rel=1e-4)


# --- 7. the code --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_backprop_code(name):
    scene = played_well(name, BackpropCode)
    shown, ex = scene.part.shown, example(name)
    groups = {g["name"]: g for g in shown["groups"]}
    error, chain = " ".join(groups["output error"]["lines"]), " ".join(groups["chain back"]["lines"])
    if name == "book":                    # its own branches: the quadratic cost and sigmoid layers
        assert "delta *= 2 * scale" in error and "σ′(z)" in groups["output error"]["caption"]
        assert "slope *= a" in chain
    else:                                 # softmax + cross-entropy, ReLU: the other branches are lit
        assert "delta *= scale" in error and "2 * scale" not in error
        assert "σ′" not in groups["output error"]["caption"]
        assert "weighted_inputs[l - 1] > 0" in chain and "slope *= a" not in chain
        shown_text = "\n".join(t for t, _ in shown["listings"][0]["rows"])
        assert "delta *= 2 * scale" not in shown_text          # the branch that does not run is elided
    zs, acts = by_hand(ex.net, ex.x)
    delta_1, delta_2 = delta_by_hand(ex.net, ex.x, 2)
    values = shown["values"]
    np.testing.assert_allclose(values["forward a"], acts[-1], atol=1e-12)
    np.testing.assert_allclose(values["output delta"], delta_2, atol=1e-12)
    np.testing.assert_allclose(values["layer delta"], delta_1, atol=1e-12)
    n = ex.net.sizes[1]
    assert values["layer delta drawn"] == list(range(8)) + list(range(n - 8, n))
    assert values["cost"] == pytest.approx(cost_by_hand(ex.net, acts[-1][None], np.array([2])), rel=1e-12)


# --- 8. the chain rule in symbols ---------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_chain_rule(name):
    scene = played_well(name, ChainRule)
    shown, ex = scene.part.shown, example(name)
    net = ex.net
    zs, acts = by_hand(net, ex.x)
    j, k = shown["j"], shown["k"]
    assert j == 2 and k == int(np.argmax(acts[1]))
    a, y = acts[2], np.eye(10)[2]
    error = a - y if name == "tweaked" else 2 * (a - y) * a * (1 - a)      # dC/dz of each output
    assert shown["wished"] == {"book": "a", "tweaked": "z"}[name]
    w = shown["weight"]
    assert w["product"] == pytest.approx(acts[1][k] * error[j], rel=1e-12)
    assert w["gdcore"] == pytest.approx(w["product"], rel=1e-9)
    assert w["index"] == analysis.param_index(net.sizes, 2, j, k) and ("slope" in w) == (name == "book")
    assert shown["bias"]["product"] == pytest.approx(error[j], rel=1e-12) == shown["bias"]["gdcore"]
    act = shown["activation"]
    np.testing.assert_allclose(act["terms"], net.weights[1][:, k] * error, rtol=1e-12)
    assert act["sum"] == pytest.approx(-act["summed_wish"], rel=1e-9) and len(act["terms"]) == 10

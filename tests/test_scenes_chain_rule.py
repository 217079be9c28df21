"""Part: the same in symbols (scenes/chain_rule.py)."""
import numpy as np
import pytest
from manim import Scene, tempconfig
from frames import frame_test

import scene_data
from gdcore import analysis, wishes
from scenes.chain_rule import ChainRuleInSymbols
from scenes.example import early_example

__module_test__ = "chain_rule"


def dry_play(part):
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_rate": 15, "pixel_width": 160,
                     "pixel_height": 90}):
        scene = Scene()
        part.play(scene)
    return part.shown, scene


@pytest.fixture(scope="module")
def example():
    return early_example(scene_data.small_run())


@pytest.fixture(scope="module")
def played(example):
    return dry_play(ChainRuleInSymbols(example, pace=0.2))


@frame_test
def test_chain_rule_last_frame(scene):
    ChainRuleInSymbols(early_example(scene_data.small_run()), pace=0.2).play(scene)


def forward(example):
    """Independent forward pass of the one example: (zs, activations) as lists of 1-D arrays."""
    a, zs, acts = example.x, [], [example.x]
    for W, b in zip(example.net.weights, example.net.biases):
        z = W @ a + b
        a = 1 / (1 + np.exp(-z))
        zs.append(z)
        acts.append(a)
    return zs, acts


def cost(net, x, y):
    return float(((net.forward(x[None])[0] - y) ** 2).sum())


def test_the_weight_is_chosen_by_the_rule(played, example):
    shown, _ = played
    _, acts = forward(example)
    assert shown["j"] == example.label
    assert shown["k"] == int(np.argmax(acts[-2]))
    i = analysis.param_index(example.net.sizes, 3, shown["j"], shown["k"])
    assert shown["weight"]["index"] == i and shown["weight"]["name"] == example.net.param_name(i)


def test_factors_are_the_forward_pass(played, example):
    w = played[0]["weight"]
    _, acts = forward(example)
    j, k = played[0]["j"], played[0]["k"]
    assert w["a_k"] == pytest.approx(acts[2][k], rel=1e-12)
    assert w["a_j"] == pytest.approx(acts[3][j], rel=1e-12)
    assert w["slope"] == pytest.approx(acts[3][j] * (1 - acts[3][j]), rel=1e-12)
    assert w["y_j"] == example.y[j] == 1.0


def test_product_is_backprops_entry_and_a_finite_difference(played, example):
    w = played[0]["weight"]
    assert w["product"] == pytest.approx(w["a_k"] * w["slope"] * 2 * (w["a_j"] - w["y_j"]), rel=1e-15)
    entry = example.net.per_example_gradients(example.x[None], example.y[None])[0][w["index"]]
    assert w["gdcore"] == entry
    assert w["product"] == pytest.approx(entry, abs=1e-12)
    net, h = example.net.copy(), 1e-6
    theta = net.params
    net.params = theta + h * np.eye(1, len(theta), w["index"])[0]
    up = cost(net, example.x, example.y)
    net.params = theta - h * np.eye(1, len(theta), w["index"])[0]
    down = cost(net, example.x, example.y)
    assert w["product"] == pytest.approx((up - down) / (2 * h), rel=1e-5)


def test_bias_is_the_same_without_a_k(played, example):
    b = played[0]["bias"]
    j = played[0]["j"]
    assert b["index"] == analysis.param_index(example.net.sizes, 3, j)
    assert b["product"] == pytest.approx(b["slope"] * 2 * (b["a_j"] - b["y_j"]), rel=1e-15)
    entry = example.net.per_example_gradients(example.x[None], example.y[None])[0][b["index"]]
    assert b["product"] == pytest.approx(entry, abs=1e-12) and b["gdcore"] == entry


def test_activation_is_minus_the_summed_wish(played, example):
    s = played[0]["activation"]
    k = played[0]["k"]
    _, acts = forward(example)
    a = acts[3]
    terms = example.net.weights[2][:, k] * a * (1 - a) * 2 * (a - example.y)
    assert s["terms"] == pytest.approx(terms.tolist(), rel=1e-10, abs=1e-15)
    assert s["sum"] == pytest.approx(terms.sum(), rel=1e-10)
    summed = wishes.backward_step(example.net, example.x, example.y, 3)["summed"][k]
    assert s["summed_wish"] == summed and s["sum"] == pytest.approx(-summed, abs=1e-12)
    assert s["largest"] == np.argsort(-np.abs(terms))[:3].tolist()


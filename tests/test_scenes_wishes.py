"""Chapter 3, parts 2-4: the wish list, three ways to raise an output, adding up the wishes.
What each part shows is checked against independent computations: finite differences of the
example's cost, and gdcore's backprop."""
import numpy as np
import pytest
from manim import Scene, tempconfig
from frames import frame_test

import scene_data
from gdcore import inputs, load_mnist, one_hot
from scenes.backwards import AddingUpWishes, compact
from scenes.example import early_example
from scenes.wishlist import OneExampleWishes, ThreeWays

__module_test__ = "wishes"
H = 1e-6


def dry_play(part):
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_rate": 15, "pixel_width": 160,
                     "pixel_height": 90}):
        part.play(Scene())
    return part.shown


@pytest.fixture(scope="module")
def example():
    return early_example(scene_data.small_run())


def example_cost(net, x, label):
    return float(net.example_costs(x[None, :], one_hot(np.array([label]), 10))[0])


def test_the_running_example_is_a_real_mistake(example):
    run = scene_data.small_run()
    assert example.step in run.gradient_steps and run.steps[example.snapshot] == example.step
    assert example.accuracy >= 0.5 and example.label == 2
    assert example.net.predict(example.x[None, :])[0] != 2
    data = load_mnist()
    earlier = [i for i in range(example.index) if data.train_labels[i] == 2]   # every earlier 2 is right
    assert (example.net.predict(inputs(data.train_images[earlier])) == 2).all()


def test_wish_list_arrows_are_minus_the_cost_slope(example):
    shown = dry_play(OneExampleWishes(example, pace=0.2))
    net, x = example.net, example.x
    a = net.forward(x[None, :])[0]
    assert shown["outputs"] == a.tolist() and shown["targets"] == example.y.tolist()
    # -dC/da_j by central differences of C = sum (a - y)^2 in each output
    y = example.y
    numeric = [-(((a + H * e - y) ** 2).sum() - ((a - H * e - y) ** 2).sum()) / (2 * H) for e in np.eye(10)]
    np.testing.assert_allclose(shown["wishes"], numeric, atol=1e-8)
    assert shown["arrows"] == shown["wishes"]                         # each arrow is its own wish, signed
    assert shown["wishes"][2] > 0 and all(w < 0 for j, w in enumerate(shown["wishes"]) if j != 2)
    assert shown["guess"] == int(a.argmax()) != 2


def test_three_ways_are_the_real_partial_derivatives(example):
    shown = dry_play(ThreeWays(example, pace=0.2))
    net, x = example.net, example.x
    W, b = net.weights[-1], net.biases[-1]
    zs, acts = net.feedforward(x[None, :])
    prev = acts[-2][0]

    def a2(W=W, b=b, prev=prev):
        return 1 / (1 + np.exp(-(W[2] @ prev + b[2])))

    assert shown["a"] == pytest.approx(a2(), abs=1e-15)
    assert shown["bias"] == pytest.approx((a2(b=b + H * np.eye(10)[2]) - a2(b=b - H * np.eye(10)[2])) / (2 * H), rel=1e-6)
    for k in range(16):
        dW = np.zeros_like(W)
        dW[2, k] = H
        assert shown["weights"][k] == pytest.approx((a2(W=W + dW) - a2(W=W - dW)) / (2 * H), rel=1e-5, abs=1e-12)
        da = H * np.eye(16)[k]
        assert shown["activations"][k] == pytest.approx((a2(prev=prev + da) - a2(prev=prev - da)) / (2 * H),
                                                        rel=1e-5, abs=1e-12)
    assert shown["brightest"] == np.argsort(-prev)[:4].tolist()          # the weights that matter most
    assert shown["incoming"] == W[2].tolist() and shown["arrows"] == shown["activations"]
    assert shown["wish"] == pytest.approx(2 * (1 - a2()), abs=1e-14)


def test_summed_wishes_are_the_backprop_deltas(example):
    shown = dry_play(AddingUpWishes(example, pace=0.2))
    net, x = example.net, example.x
    _, deltas, _ = net._deltas(x[None, :], example.y[None, :])
    for layer in (2, 1):
        s = shown[layer]
        wishes = np.array(s["wishes"])
        assert wishes.shape == (net.sizes[layer + 1], net.sizes[layer])
        np.testing.assert_allclose(wishes, -deltas[layer][0][:, None] * net.weights[layer], rtol=0, atol=0)
        np.testing.assert_allclose(s["summed"], wishes.sum(axis=0), rtol=0, atol=0)
        np.testing.assert_allclose(s["nudges"], -deltas[layer - 1][0], rtol=0, atol=1e-12)   # the 1e-12
        assert s["difference"] <= 1e-12
        # and -delta_k is minus the slope of the example's cost in the bias of neuron k (finite differences)
        for k in (0, 7):
            up, down = net.copy(), net.copy()
            up.biases[layer - 1][k] += H
            down.biases[layer - 1][k] -= H
            numeric = -(example_cost(up, x, 2) - example_cost(down, x, 2)) / (2 * H)
            assert s["nudges"][k] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_compact_numbers_stay_short():
    assert [compact(v) for v in (0.098, -0.0045, 6.8e-5, -0.22)] == ["+0.098", "−0.0045", "+6.8e−5", "−0.220"]
    assert compact(0.049, sign=False) == "0.049"


@frame_test
def test_wish_list_last_frame(scene):
    OneExampleWishes(early_example(scene_data.small_run()), pace=0.3).play(scene)


@frame_test
def test_three_ways_last_frame(scene):
    ThreeWays(early_example(scene_data.small_run()), pace=0.3).play(scene)


@frame_test
def test_going_backwards_last_frame(scene):
    AddingUpWishes(early_example(scene_data.small_run()), pace=0.3).play(scene)


def test_what_a_mini_batch_step_costs_is_counted_from_the_run():
    from types import SimpleNamespace

    from scenes.sgd_recap import MiniBatchSteps

    run = scene_data.small_run()
    part = MiniBatchSteps(run, SimpleNamespace(shown={}, play=lambda scene: None), pace=0.2)
    assert part.shown["cost_of_a_step"] == {"n": 2000, "batch_size": 10, "steps_per_pass": 200}


@frame_test
def test_what_a_step_costs_card(scene):
    from types import SimpleNamespace

    from scenes.sgd_recap import MiniBatchSteps

    MiniBatchSteps(scene_data.small_run(), SimpleNamespace(shown={}), pace=0.3).what_a_step_costs(scene)

"""Chapter 2's ending (parts 13-15): frame comparisons, values on screen equal an independent
computation, and the standalone scenes through the real manim command."""
from functools import lru_cache

import numpy as np
import pytest

import scene_data
from frames import TEXT_DIRS, frame_test
from gdcore import inputs, load_mnist, one_hot, runs
from scenes.dreams import WhatItThinks
from scenes.memorise import TrueAgainstShuffled
from scenes.weights import OtherFirstLayers

__module_test__ = "ending"
SMALL = {"sizes": (784, 16, 16, 10), "eta": 1.5, "batch_size": 10, "schedule": "constant", "train_size": 300,
         "epochs": 12, "dtype": "float64", "seed": 0}


@lru_cache(maxsize=None)
def small(kind: str):
    configs = {"true": runs.RunConfig(**SMALL), "shuffled": runs.RunConfig(**SMALL, shuffle_labels=True),
               "equal": runs.RunConfig(**{**SMALL, "epochs": 2}, init="equal")}
    return runs.get(configs[kind], progress=False)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def input_gradient_by_hand(net, x, y):
    """dC/dx of C = sum (a - y)^2 for a sigmoid network, by the chain rule written out here."""
    activations = [x]
    for W, b in zip(net.weights, net.biases):
        activations.append(sigmoid(W @ activations[-1] + b))
    delta = 2 * (activations[-1] - y) * activations[-1] * (1 - activations[-1])
    for W, a in zip(reversed(net.weights[1:]), reversed(activations[1:-1])):
        delta = (W.T @ delta) * a * (1 - a)
    return net.weights[0].T @ delta


def dream_part():
    return WhatItThinks(scene_data.small_run(), steps=40, eta=1.0, seconds=1)


@frame_test
def test_what_it_thinks(scene):
    dream_part().play(scene)


def test_what_it_thinks_shows_real_input_descent():
    part = dream_part()
    shown, net = part.shown, scene_data.small_run().network(-1)
    y = np.eye(10)[shown["digit"]]
    x, path = np.zeros(784), {0: np.zeros(784)}
    for step in range(1, shown["steps"] + 1):                # projected gradient descent, by hand
        x = np.clip(x - shown["eta"] * input_gradient_by_hand(net, x, y), 0, 1)
        path[step] = x
    for k, step in enumerate(shown["recorded"]):
        a = net.forward(path[step][None])[0]
        assert shown["activation"][k] == pytest.approx(a[shown["digit"]], abs=1e-9)
        assert shown["cost"][k] == pytest.approx(((a - y) ** 2).sum(), abs=1e-9)
    assert shown["recorded"][0] == 0 and shown["recorded"][-1] == shown["steps"]
    assert shown["cost"][-1] < shown["cost"][0]


def memorise_part():
    return TrueAgainstShuffled(small("true"), small("shuffled"), seconds=1)


@frame_test
def test_true_against_shuffled(scene):
    memorise_part().play(scene)


def test_true_against_shuffled_shows_the_runs_epoch_by_epoch():
    part = memorise_part()
    shown = part.shown
    data = load_mnist()
    X = inputs(data.train_images[:300])
    labels = {"true": data.train_labels[:300],
              "shuffled": np.random.default_rng([0, 1]).permutation(data.train_labels[:300])}   # the recipe, by hand
    for key in ("true", "shuffled"):
        run, curve = small(key), shown["curves"][key]
        assert curve["epoch"] == list(range(13))            # epoch 0 and every epoch end
        for e in (0, 5, 12):
            net = run.network(int(np.flatnonzero(np.isclose(run.epochs, e))[0]))
            assert curve["train_accuracy"][e] == pytest.approx(np.mean(net.predict(X) == labels[key]), abs=1e-12)
            assert curve["train_cost"][e] == pytest.approx(net.cost(X, one_hot(labels[key])), rel=1e-9)
        hits = [e for e, a in enumerate(curve["train_accuracy"]) if a >= shown["level"]]
        assert shown["reached"][key] == (hits[0] if hits else None)
    assert shown["level"] == np.floor(shown["curves"]["shuffled"]["train_accuracy"][-1] * 10) / 10
    assert shown["test_accuracy"]["true"] == small("true").test_accuracy[-1]


def others_part():
    return OtherFirstLayers([(scene_data.small_run(), "a small run"), (small("equal"), "started equal")])


@frame_test
def test_other_first_layers(scene):
    others_part().play(scene)


def test_other_first_layers_shows_real_weights():
    shown = others_part().shown["networks"]
    for info, run in zip(shown, (scene_data.small_run(), small("equal"))):
        W = run.params[-1][:16 * 784].reshape(16, 784)
        assert info["largest_difference"] == np.abs(W - W[0]).max()
        assert info["test_accuracy"] == run.test_accuracy[-1] and info["of"] == 16
    assert shown[1]["largest_difference"] == 0.0             # symmetry never broken
    assert shown[0]["largest_difference"] > 0.1


def test_standalone_scenes_render(tmp_path):
    cfg = tmp_path / "test.cfg"
    cfg.write_text("[CLI]\n" + "".join(f"{k} = {v}\n" for k, v in TEXT_DIRS.items()))
    for module, scene in (("dreams", "WhatItThinksADigitIs"), ("memorise", "ShuffledLabels"),
                          ("weights", "OtherNetworks")):
        scene_data.render_stills(tmp_path / module, module, scene, extra=("--config_file", str(cfg)))

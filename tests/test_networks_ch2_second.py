"""Chapter 2's parts 8-15 played with the teacher's networks of tests/networks.py (issue 14): ``book``
(784-30-10, sigmoid, quadratic cost) and ``tweaked`` (784-32-10, ReLU, softmax + cross-entropy). Each part
plays with its layout held and its texts readable, its last frame is drawn, and what it shows is that
network's own numbers, computed again here from the run's parameters (the forward pass and both costs
written out below), not the video's."""
import dataclasses

import numpy as np
import pytest

from gdcore import load_mnist, runs
from gdcore.presets import preset
from networks import network_run, played_well
from scenes.accuracy import HowWellItDoes, NoiseImages
from scenes.dreams import WhatItThinksADigitIs
from scenes.memorise import ShuffledLabels
from scenes.stumble import RealNetworkStumble
from scenes.weights import BlankPixels, HiddenWeights, OtherNetworks, same_network

NETWORKS = ["book", "tweaked"]
SIZES = {"book": (784, 30, 10), "tweaked": (784, 32, 10)}
NETWORK = ("sizes", "activation", "cost", "init", "seed", "dtype")


# --- the network, written out here ------------------------------------------------------------------
def outputs_by_hand(config, theta, X) -> np.ndarray:
    """(n, 10) outputs of the network of ``config`` with flat parameters ``theta`` (layer by layer, W row-major
    then b): hidden layers f(W a + b), the output layer sigmoid (quadratic cost) or softmax (cross-entropy)."""
    a, i, sizes = np.asarray(X, np.float64), 0, config.sizes
    theta = np.asarray(theta, np.float64)
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W = theta[i:i + n_in * n_out].reshape(n_out, n_in)
        b = theta[i + n_in * n_out:i + n_in * n_out + n_out]
        i += n_in * n_out + n_out
        z = a @ W.T + b
        if layer == len(sizes) - 1 and config.cost == "cross_entropy":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        elif layer == len(sizes) - 1 or config.activation == "sigmoid":
            with np.errstate(over="ignore"):
                a = 1 / (1 + np.exp(-z))
        else:
            a = np.maximum(z, 0)
    assert i == len(theta)
    return a


def costs_by_hand(config, outputs, labels) -> np.ndarray:
    """(n,) the cost of each example: -log a_y (cross-entropy), or sum_j (a_j - y_j)^2."""
    labels = np.asarray(labels)
    if config.cost == "cross_entropy":
        return -np.log(outputs[np.arange(len(labels)), labels])
    return ((outputs - np.eye(10)[labels]) ** 2).sum(axis=1)


def parameters_by_hand(sizes) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def pixels(images) -> np.ndarray:
    return np.asarray(images, np.float64).reshape(len(images), -1) / 255


def said(scene) -> str:
    """Every text the scene put on screen, one a line."""
    return "\n".join(what for _, what in scene.reading_said.values())


def correlation(a, b) -> float:
    """Pearson's correlation of two pictures, by numpy."""
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def played_well_with_run(name, scene_class):
    return played_well(name, scene_class), network_run(name)


def test_the_networks_are_the_teachers():
    for name in NETWORKS:
        config = network_run(name).config
        assert tuple(config.sizes) == SIZES[name]
        assert (config.activation, config.cost) == {"book": ("sigmoid", "quadratic"),
                                                     "tweaked": ("relu", "cross_entropy")}[name]


# --- part 8: the stumble, done with the teacher's network -------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_stumble_is_the_experiment_on_the_teachers_network(name):
    scene, run = played_well_with_run(name, RealNetworkStumble)
    part, shown, words = scene.part, scene.part.shown, said(scene)
    network = run.config
    for key, experiment in (("gd", part.gd), ("sgd", part.sgd)):
        c = experiment.config
        assert [getattr(c, f) for f in NETWORK] == [getattr(network, f) for f in NETWORK], key
        assert c.eta == pytest.approx(network.eta / (1 - network.momentum))       # the network's own step size
        assert (c.momentum, c.weight_decay, c.schedule, c.train_size) == (0, 0, "constant", 10000)
        assert experiment.params.shape[1] == parameters_by_hand(network.sizes)
    assert (part.gd.config.batch_size, part.gd.config.steps) == (None, 100)        # the experiment's own
    assert (part.sgd.config.batch_size, part.sgd.config.steps) == (10, 1000)
    assert shown["num_params"] == parameters_by_hand(network.sizes)
    data = load_mnist()
    X, labels = pixels(data.train_images[:10000]), data.train_labels[:10000]
    for key, experiment in (("gd", part.gd), ("sgd", part.sgd)):                  # the balls' true costs
        cost = costs_by_hand(network, outputs_by_hand(network, experiment.params[-1], X), labels).mean()
        assert shown["conclusion"][f"{key}_cost"] == pytest.approx(cost, rel=1e-4)
        assert shown["readouts"][f"{key} cost"][-1] == pytest.approx(cost, rel=1e-4)
    start = costs_by_hand(network, outputs_by_hand(network, part.gd.params[0], X), labels).mean()
    assert shown["start"]["cost"] == pytest.approx(start, rel=1e-4)
    assert f"The {'-'.join(map(str, SIZES[name]))} network: {parameters_by_hand(SIZES[name]):,} parameters" in words
    assert f"plain steps of η = {part.gd.config.eta:g} for both" in words
    assert "its own 10 images' cost" in words
    assert ("full-batch cross-entropy cost over" in words) == (name == "tweaked")
    assert "13,002" not in words


# --- part 9: the first layer's weight images -----------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_hidden_weights_show_sixteen_of_the_layer_and_say_so(name):
    scene, run = played_well_with_run(name, HiddenWeights)
    part, shown, words = scene.part, scene.part.shown, said(scene)
    width = SIZES[name][1]
    assert shown["layer_size"] == width and shown["neurons"] == list(range(16))
    assert f"its first 16 of {width} neurons" in words
    images = [m for m in scene.mobjects if type(m).__name__ == "Group" and len(m) == 16]
    assert len(images) == 1 and all(hasattr(image, "set_weights") for image in images[0])
    last = shown["snapshots"][-1]
    assert last == len(run.steps) - 1
    W = run.params[last][:width * 784].reshape(width, 784)
    assert np.array_equal(part.drawn(last), W[:16])
    data, n = load_mnist(), run.config.train_size or 60000          # the run's own training images
    outputs = outputs_by_hand(run.config, run.params[last], pixels(data.train_images[:n]))
    assert shown["train_cost"][-1] == pytest.approx(costs_by_hand(run.config, outputs, data.train_labels[:n]).mean(),
                                                    rel=1e-4)
    test = outputs_by_hand(run.config, run.params[last], pixels(data.test_images)).argmax(axis=1)
    assert shown["test_accuracy"][-1] == pytest.approx(np.mean(test == data.test_labels), abs=1e-4)
    assert f"{np.mean(test == data.test_labels):.2%} of test digits right" in words
    start = np.mean([correlation(a, b) for a, b in zip(run.params[0][:width * 784].reshape(width, 784)[:16], W[:16])])
    assert shown["start_correlation"] == pytest.approx(start, abs=1e-9)
    assert (f"yet the images still look much like their random start (correlation {start:.2f})." if start >= 0.8
            else f"and the images have {'drifted' if start >= 0.5 else 'moved far'} from their random start "
                 f"(correlation {start:.2f}).") in words
    cost_axis = (f"cross-entropy cost, mean over {n:,} images" if name == "tweaked" else
                 f"\ncost (mean over the {n:,} training images)")
    assert cost_axis in "\n" + words
    assert f"training run of the {'-'.join(map(str, SIZES[name]))} network" in words


# --- part 10: the blank pixels ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_blank_pixels_of_the_teachers_network(name):
    scene, run = played_well_with_run(name, BlankPixels)
    shown, words = scene.part.shown, said(scene)
    n = run.config.train_size or 60000                              # blank in every image the run saw
    images = load_mnist().train_images[:n].reshape(n, -1)
    blank = images.max(axis=0) == 0
    width = SIZES[name][1]
    first = run.params[0][:width * 784].reshape(width, 784)[:, blank].astype(np.float64)
    last = run.params[-1][:width * 784].reshape(width, 784)[:, blank].astype(np.float64)
    assert shown["blank_pixels"] == blank.sum() >= 67                 # 67 are blank in all 60,000
    assert shown["max_change"] == pytest.approx(np.abs(last - first).max(), abs=1e-7)
    if run.config.weight_decay:             # tweaked: decay (through momentum too) shrinks them all alike
        ratios = last / first
        assert shown["shrink_factor"] == pytest.approx(np.median(ratios), rel=1e-6) and np.median(ratios) < 1
        assert np.abs(ratios - np.median(ratios)).max() < 1e-3
        assert f"all by the same factor {np.median(ratios):.2g}" in words
    else:                                   # book: no decay, so not a bit of them moved
        assert shown["max_change"] == 0 and "so their weights never changed" in words


# --- parts 11 and 12: the score, the mistakes, the noise ----------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_score_on_the_test_set(name):
    scene, run = played_well_with_run(name, HowWellItDoes)
    shown, words = scene.part.shown, said(scene)
    data = load_mnist()
    outputs = outputs_by_hand(run.config, run.params[-1], pixels(data.test_images))
    right = outputs.argmax(axis=1) == data.test_labels
    assert shown["accuracy"] == right.mean()
    assert f"{int(right.sum()):,} of 10,000 right: {right.mean():.2%}" in words
    assert shown["counted"][-1] == 10000 and shown["correct"][-1] == right.sum()
    assert len(shown["mistakes"]) == 12 and [m[0] for m in shown["mistakes"]] == np.flatnonzero(~right)[:12].tolist()
    for index, guess, confidence in shown["mistakes"]:
        assert guess != data.test_labels[index]
        assert confidence == pytest.approx(outputs[index, guess], abs=1e-5)
        assert f"says {guess} ({confidence:.2f})" in words


@pytest.mark.parametrize("name", NETWORKS)
def test_confident_nonsense(name):
    scene, run = played_well_with_run(name, NoiseImages)
    shown, words = scene.part.shown, said(scene)
    noise = np.random.default_rng(0).random((1000, 784))
    outputs = outputs_by_hand(run.config, run.params[-1], noise)
    assert shown["counts"] == np.bincount(outputs.argmax(axis=1), minlength=10).tolist()
    top = outputs.max(axis=1).mean()
    assert shown["mean_top_activation"] == pytest.approx(top, abs=1e-5)
    assert shown["outputs"] == pytest.approx(outputs[0].tolist(), abs=1e-5)
    assert f"It answers '{outputs[0].argmax()}' with activation {outputs[0].max():.2f}" in words
    assert f"Mean of its largest output over these images: {top:.2f}" in words
    assert ("confident about nonsense" in words) == (round(top, 2) >= 0.5) == shown["confident"]
    assert ("not confident, yet it names a digit for every one" in words) == (round(top, 2) < 0.5)


# --- part 13: descent on the pixels, on the network's own cost -----------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_what_it_thinks_descends_the_networks_own_cost(name):
    scene, run = played_well_with_run(name, WhatItThinksADigitIs)
    part, shown, words = scene.part, scene.part.shown, said(scene)
    digit = shown["digit"]
    for d, path in part.paths.items():
        outputs = outputs_by_hand(run.config, run.params[-1], path["images"])
        costs = costs_by_hand(run.config, outputs, [d] * len(outputs))     # -log a_5 for cross-entropy
        assert path["costs"] == pytest.approx(costs, rel=1e-6, abs=1e-9)
        assert shown["final"][d] == pytest.approx(outputs[-1, d], abs=1e-9)
        assert shown["final_answer"][d] == outputs[-1].argmax()
    assert shown["cost"] == pytest.approx(part.paths[digit]["costs"].tolist())
    assert shown["cost"][-1] < shown["cost"][0]
    answer = shown["final_answer"][digit]
    assert f"it answers {answer} with activation" in words
    hits = sum(shown["final_answer"][d] == d for d in range(10))
    data, n = load_mnist(), run.config.train_size or 60000
    X, labels = pixels(data.train_images[:n]), data.train_labels[:n]
    alike = [correlation(part.paths[d]["images"][-1], X[labels == d].mean(axis=0)) for d in range(10)]
    assert list(shown["likeness"].values()) == pytest.approx(alike, abs=1e-9)
    lowest = min(shown["final"].values())
    if hits == 10:
        assert "It answers each as the digit asked for " + (
            f"(activations ≥ {np.floor(lowest * 100) / 100:.2f})" if lowest >= 0.5 else "but unsure") in words
    else:
        assert f"It answers {hits} of 10 as the digit asked for" in words
    assert (f"yet has no idea how to draw one: none is much like its digit's average training image (correlation ≤ "
            f"{max(alike):.2f})" if max(alike) < 0.5 else f"some resemble their digit's average training image "
            f"(correlation up to {max(alike):.2f})") in words


# --- part 14: memorisation, done with the teacher's network ----------------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_memorisation_is_the_experiment_on_the_teachers_network(name):
    scene, run = played_well_with_run(name, ShuffledLabels)
    part, shown, words = scene.part, scene.part.shown, said(scene)
    network = run.config
    for key, memo in part.runs.items():
        c = memo.config
        assert [getattr(c, f) for f in NETWORK] == [getattr(network, f) for f in NETWORK], key
        assert (c.train_size, c.batch_size, c.epochs, c.momentum, c.weight_decay) == (1000, 10, 300, 0, 0)
        assert c.shuffle_labels == (key == "shuffled")
    data = load_mnist()
    X = pixels(data.train_images[:1000])
    labels = {"true": data.train_labels[:1000],
              "shuffled": np.random.default_rng([0, 1]).permutation(data.train_labels[:1000])}
    for key, memo in part.runs.items():
        curve = shown["curves"][key]
        assert curve["epoch"] == list(range(301))
        for e in (0, 10, 300):
            i = int(np.flatnonzero(np.isclose(memo.epochs, e))[0])
            outputs = outputs_by_hand(network, memo.params[i], X)
            assert curve["train_accuracy"][e] == pytest.approx(np.mean(outputs.argmax(1) == labels[key]), abs=1e-9)
            assert curve["train_cost"][e] == pytest.approx(costs_by_hand(network, outputs, labels[key]).mean(),
                                                           rel=1e-4, abs=1e-6)      # float32 runs
        hits = [e for e, a in enumerate(curve["train_accuracy"]) if a >= shown["level"]]
        assert shown["reached"][key] == (hits[0] if hits else None)
    assert f"The lecture's network ({'-'.join(map(str, SIZES[name]))})" in words
    assert f"(η = {part.runs['true'].config.eta:g})" in words
    assert f"{shown['test_accuracy']['shuffled']:.1%} with shuffled ones" in words
    memorised, learned = shown["curves"]["shuffled"]["train_accuracy"][-1], shown["test_accuracy"]["shuffled"]
    verdict = ("." if learned > 0.15 else ": memorised, not learned." if memorised >= 0.9 else
               f": not learned, and only {memorised:.0%} of its labels memorised.")
    assert f"(chance is 10%){verdict}" in words
    true, shuffled = shown["reached"]["true"], shown["reached"]["shuffled"]
    if true is not None and shown["level"] >= 0.1:
        later = "only " if shuffled > true else ""
        assert f"the true labels by epoch {true}, the shuffled ones {later}by epoch {shuffled}." in words


# --- part 15: other networks' first layers, the lecture's shown once -----------------------------------------------
@pytest.mark.parametrize("name", NETWORKS)
def test_other_networks_compare_the_lectures_with_the_others(name, monkeypatch):
    # The 'tweaked' panel is the preset's network (784-256-10) trained for 1 epoch on 10,000 images, not 20 on
    # 60,000: the same network, made in seconds.
    get, quick = runs.get, runs.get(dataclasses.replace(preset("tweaked"), epochs=1, train_size=10000), progress=False)
    monkeypatch.setattr(runs, "get", lambda what, *a, **kw: quick if what == "tweaked" else get(what, *a, **kw))
    scene, run = played_well_with_run(name, OtherNetworks)
    panels, words = scene.part.shown["networks"], said(scene)
    assert panels[0]["label"] == "the lecture's network" and panels[0]["sizes"] == list(SIZES[name])
    assert [p["sizes"] for p in panels] == [list(SIZES[name]), [784, 256, 10], list(preset("symmetric").sizes)]
    assert [p["label"] for p in panels][1:] == ["wider, ReLU, cross-entropy" if name == "book" else "wider",
                                                "started with all weights equal"]
    assert panels[1]["test_accuracy"] == quick.test_accuracy[-1]
    width = SIZES[name][1]
    assert (panels[0]["neurons"], panels[0]["of"]) == (16, width)
    assert f"{'-'.join(map(str, SIZES[name]))}: its first 16 of {width}" in words
    W = run.params[-1][:width * 784].reshape(width, 784)[:16].astype(np.float64)
    assert panels[0]["largest_difference"] == pytest.approx(np.abs(W - W[0]).max(), rel=1e-6)
    assert panels[0]["test_accuracy"] == run.test_accuracy[-1]
    symmetric = panels[-1]
    assert symmetric["sizes"] == list(preset("symmetric").sizes) and symmetric["largest_difference"] == 0
    assert f"stays a copy of the others forever: {symmetric['test_accuracy']:.1%}" in words


def test_a_comparison_network_that_is_the_lectures_own_is_shown_once():
    tweaked = preset("tweaked")
    assert same_network(dataclasses.replace(tweaked, epochs=1, train_size=10000), tweaked)
    assert not same_network(dataclasses.replace(tweaked, sizes=(784, 32, 10)), tweaked)
    assert not same_network(dataclasses.replace(tweaked, eta=tweaked.eta / 2), tweaked)

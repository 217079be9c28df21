"""Chapter 2's parts 1-7 played with the teachers' networks (issue 14; tests/networks.py): 'book'
(784-30-10, sigmoid, quadratic cost) and 'tweaked' (784-32-10, ReLU, softmax + cross-entropy). Each part
plays once per network (layout and reading time checked at every step, last frame drawn), and what it
shows must be that network's own numbers, recomputed here from gdcore or by hand."""
import numpy as np
import pytest
from networks import network_run, played_well

from gdcore import inputs, load_mnist, one_hot
from gdcore.analysis import first_with_label, training_set
from gdcore.toys import bowl, bowl_gradient, descend
from gdcore.train import steps_per_epoch
from scenes.bowl import TwoDimensionalDescent
from scenes.cost import CostOfOneExample, Recap, TwoFunctions
from scenes.landscape import OneDimensionalDescent
from scenes.nudges import GradientAsNudges, Learning

NETWORKS = ["book", "tweaked"]
SIZES = {"book": [784, 30, 10], "tweaked": [784, 32, 10]}
PARAMETERS = {"book": 784 * 30 + 30 + 30 * 10 + 10, "tweaked": 784 * 32 + 32 + 32 * 10 + 10}
by_network = pytest.mark.parametrize("name", NETWORKS)


def said(scene) -> str:
    """Every text the scene put on screen, joined (tests/reading.py records them)."""
    return " | ".join(what for _, what in scene.reading_said.values())


def by_hand(net, x):
    """The activations of every layer for one input x (784,), computed without gdcore's feedforward."""
    layers, a = [x], x
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = W.astype(np.float64) @ a + b
        if l == len(net.weights) - 1 and net.cost_name == "cross_entropy":
            a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        elif l == len(net.weights) - 1 or net.activation == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        else:
            a = np.maximum(z, 0)
        layers.append(a)
    return layers


def full_training_set(run):
    return training_set(run.config, load_mnist())


def drawn(n: int) -> list:
    """The neurons a diagram draws of a hidden layer of n > 16: the first 8 and the last 8."""
    return list(range(8)) + list(range(n - 8, n))


@by_network
def test_recap(name):
    scene = played_well(name, Recap)
    shown, run = scene.part.shown, network_run(name)
    net, sizes = run.network(-1), SIZES[name]
    assert list(net.sizes) == sizes
    assert shown["parameter_terms"] == list(zip(sizes[:-1], sizes[1:]))
    assert shown["num_params"] == net.num_params == PARAMETERS[name]
    # the diagram draws the real layers: 16 of the hidden layer's neurons, and says so under it
    assert shown["neurons"][1] == drawn(sizes[1]) and shown["neurons"][2] == list(range(10))
    assert shown["layer_labels"] == [["784 pixels"], [f"{sizes[1]} neurons", "16 drawn"], ["10 outputs"]]
    data = load_mnist()
    layers = by_hand(net, inputs(data.test_images[:1])[0])
    for idx, values, expected in zip(shown["neurons"], shown["activations"], layers):
        assert np.allclose(values, expected[idx], rtol=1e-5, atol=1e-6)
    assert np.allclose(shown["outputs"], layers[-1], rtol=1e-5, atol=1e-6)
    assert shown["answer"] == int(np.argmax(layers[-1]))
    words = said(scene)
    if name == "tweaked":      # ReLU: the hidden fill is scaled by the layer's largest activation, and said
        assert shown["fill_scales"] == pytest.approx([1.0, float(layers[1].max()), 1.0], rel=1e-5)
        assert "ReLU" in words and f"{layers[1].max():.2f}" in words
    else:
        assert shown["fill_scales"] == [1.0, 1.0, 1.0] and "ReLU" not in words


@by_network
def test_cost_of_one_example(name):
    scene = played_well(name, CostOfOneExample)
    shown, run = scene.part.shown, network_run(name)
    data = load_mnist()
    index = first_with_label(data.train_labels, 3)
    assert shown["image_index"] == index and shown["label"] == 3
    x, y = inputs(data.train_images[index:index + 1])[0], one_hot([3])[0]
    for key, snapshot in (("random", 0), ("trained", -1)):
        net = run.network(snapshot)
        a = by_hand(net, x)[-1]
        assert np.allclose(shown[key]["outputs"], a, rtol=1e-5, atol=1e-6)
        if name == "tweaked":    # cross-entropy: only the right digit's term, -log a_3
            expected = np.where(y > 0, -np.log(a), 0.0)
            assert np.count_nonzero(shown[key]["terms"]) == 1
        else:
            expected = (a - y) ** 2
        assert np.allclose(shown[key]["terms"], expected, rtol=1e-4, atol=1e-6)
        assert shown[key]["cost"] == pytest.approx(net.cost(x[None], y[None]), rel=1e-5)
    assert shown["cost"] == run.config.cost
    words = said(scene)
    if name == "tweaked":
        assert shown["formula"] == r"C = -\sum_{j=0}^{9} y_j \log a_j" and shown["term"] == r"-y_j \log a_j"
        assert "Square" not in words and "minus its log" in words and "−log a₃" in words
        assert shown["trained"]["cost"] == pytest.approx(-np.log(shown["trained"]["outputs"][3]), rel=1e-6)
    else:
        assert shown["formula"] == r"C = \sum_{j=0}^{9} (a_j - y_j)^2" and shown["term"] == "(a_j - y_j)^2"
        assert "Square each difference" in words and "no ½" in words
    X, Y = full_training_set(run)
    assert shown["examples"] == len(X) == run.config.train_size
    for key, snapshot in (("average_random", 0), ("average_trained", -1)):
        assert shown[key] == pytest.approx(run.network(snapshot).cost(X, Y), rel=1e-5)


@by_network
def test_two_functions(name):
    scene = played_well(name, TwoFunctions)
    shown, run = scene.part.shown, network_run(name)
    net = run.network(-1)
    assert np.allclose(shown["outputs"], by_hand(net, inputs(load_mnist().test_images[:1])[0])[-1], rtol=1e-5, atol=1e-6)
    assert shown["num_params"] == PARAMETERS[name]
    for snapshot, entries in shown["parameters"].items():
        assert entries and all(run.params[snapshot][k] == v for k, v in entries.items())
    X, Y = full_training_set(run)
    assert shown["cost_random"] == pytest.approx(run.network(0).cost(X, Y), rel=1e-5)
    assert shown["cost_trained"] == pytest.approx(net.cost(X, Y), rel=1e-5)
    words = said(scene)
    assert f"{PARAMETERS[name]:,} parameters" in words
    if name == "tweaked":     # the cost box names the network's own cost
        assert shown["cost"] == "cross_entropy" and "cross-entropy" in shown["cost_detail"]
        assert "−log(the label's output)" in words
    else:
        assert shown["cost"] == "quadratic" and shown["cost_detail"] == "" and "cross-entropy" not in words


@by_network
def test_one_dimensional_descent(name):
    scene = played_well(name, OneDimensionalDescent)
    d, run = scene.part.shown["slice"], network_run(name)
    net = run.network(d["snapshot"])
    g = np.asarray(run.gradients[list(run.gradient_steps).index(d["step"])], np.float64)
    direction = -g / np.linalg.norm(g)
    assert d["step_t"] == pytest.approx(run.config.eta * np.linalg.norm(g), rel=1e-9)
    ts = np.array(d["ts"])
    assert ts[0] < 0 < d["step_t"] < ts[-1]        # the step lands on the drawn line, well inside it
    assert d["step_t"] > (ts[-1] - ts[0]) / 100
    data = load_mnist()
    X, Y = inputs(data.train_images[:d["images"]]), one_hot(data.train_labels[:d["images"]])
    probe = net.copy()
    for i in (0, len(ts) // 2, len(ts) - 1):       # a few of the drawn costs, recomputed
        probe.params = net.params + ts[i] * direction
        assert d["costs"][i] == pytest.approx(probe.cost(X, Y), rel=1e-4)
    probe.params = net.params + d["step_t"] * direction
    assert d["step_cost"] == pytest.approx(probe.cost(X, Y), rel=1e-4)
    assert d["cost_at_0"] == pytest.approx(net.cost(X, Y), rel=1e-9)
    assert d["slope"] == pytest.approx(float(net.gradient(X, Y) @ direction), rel=1e-4)
    assert d["num_params"] == PARAMETERS[name] and d["cost"] == run.config.cost
    words = said(scene)
    assert f"the {'-'.join(map(str, SIZES[name]))} run" in words and "'video'" not in words
    assert f"{PARAMETERS[name]:,}-dimensional" in words
    assert ("cross-entropy cost on the first" in words) == (name == "tweaked")


def test_two_dimensional_descent_is_a_toy():
    # The toy reads nothing from the run, so one teacher's network (the one least like the video's) will do.
    scene = played_well("tweaked", TwoDimensionalDescent)
    shown = scene.part.shown
    assert shown["gradient"] == list(bowl_gradient(np.array([1.0, 1.0]))) == [3.0, 1.0] and shown["ratio"] == 3
    path = descend(bowl_gradient, np.array([1.0, 1.0]), shown["eta"], 8)
    assert np.allclose(shown["path"], path) and np.allclose(shown["path_costs"], bowl(path[:, 0], path[:, 1]))
    words = said(scene)
    assert "a 2-D toy cost" in words          # nothing in it names the real network
    assert not any(s in words for s in ("neurons", "hidden", "13,002", "cross-entropy", "MNIST"))


@by_network
def test_gradient_as_nudges(name):
    scene = played_well(name, GradientAsNudges)
    shown, run = scene.part.shown, network_run(name)
    net = run.network(shown["snapshot"])
    g = np.asarray(run.gradients[list(run.gradient_steps).index(shown["step"])], np.float64)
    assert shown["names"] == [net.param_name(i) for i in shown["rows"]]
    assert np.allclose(shown["theta"], net.params[shown["rows"]]) and np.allclose(shown["nudges"], -g[shown["rows"]])
    top = np.argsort(-np.abs(g))[:6]
    if not shown["among_shown"]:
        assert sorted(shown["largest"]) == sorted(top.tolist())
    assert all(abs(g[i]) >= abs(g[j]) for i, j in zip(shown["largest"], shown["largest"][1:]))
    hidden = SIZES[name][1]
    assert shown["layer_names"] == ["pixels", "layer 1", "layer 2"] and shown["drawn_notes"] == {1: f"16 of {hidden} drawn"}
    X, Y = full_training_set(run)
    assert shown["eta"] == run.config.eta and shown["train_size"] == len(X) == run.config.train_size
    assert shown["cost_before"] == pytest.approx(net.cost(X, Y), rel=1e-6)
    stepped = net.copy()
    stepped.params = net.params - run.config.eta * g
    assert shown["cost_after"] == pytest.approx(stepped.cost(X, Y), rel=1e-6)
    words = said(scene)
    assert f"each of the {PARAMETERS[name]:,} weights and biases" in words
    if name == "tweaked":
        assert "(the run used mini-batches, momentum 0.9)" in shown["step_caption"] and "the cross-entropy cost over all" in words
    else:
        assert shown["step_caption"].endswith("(the run itself stepped on mini-batches).")
        assert "cross-entropy" not in words


@by_network
def test_learning(name):
    scene = played_well(name, Learning)
    shown, run = scene.part.shown, network_run(name)
    per_epoch = steps_per_epoch(run.config.train_size, run.config.batch_size)
    assert per_epoch == -(-run.config.train_size // {"book": 10, "tweaked": 32}[name])
    assert np.array_equal(shown["step_cost"], np.asarray(run.step_cost[:per_epoch], np.float64))
    assert np.allclose(shown["bin_means"], np.asarray(run.step_cost[:per_epoch // 100 * 100]).reshape(-1, 100).mean(1))
    ends = [i for i, e in enumerate(run.epochs) if e >= 1 and float(e).is_integer()]
    assert list(shown["epoch_snapshots"]) == ends and np.allclose(shown["train_cost"], run.train_cost[ends])
    assert shown["epoch_readout"][1] == pytest.approx(run.train_cost[ends[-1]])
    words = said(scene)
    assert f"one mini-batch of {run.config.batch_size} images; {per_epoch:,} steps = one epoch" in words
    assert shown["cost_axis"] == ("cross-entropy cost" if name == "tweaked" else "cost")


def test_network_words():
    from gdcore.presets import preset
    from scenes import network_words as w

    book, tweaked, video = (preset(n).validate() for n in ("book", "tweaked", "video"))
    assert w.shape(book.sizes) == "784-30-10" and w.hidden_layers(book.sizes) == "one hidden layer of 30 neurons"
    assert w.hidden_layers(video.sizes) == "two hidden layers of 16 neurons"
    assert w.hidden_layers((784, 128, 64, 32, 10)) == "three hidden layers of 128, 64 and 32 neurons"
    assert [w.layer_name(l, book.sizes) for l in range(3)] == ["the input layer", "the hidden layer", "the output layer"]
    assert w.layer_name(2, video.sizes) == "hidden layer 2"
    assert w.parameter_count(video.sizes) == 13002 and w.parameter_count(tweaked.sizes) == 784 * 256 + 256 + 256 * 10 + 10
    assert w.describe(tweaked) == "784-256-10, ReLU, softmax outputs, cross-entropy cost"
    assert w.describe(book) == "784-30-10, sigmoid, quadratic cost"
    assert w.training(book) == "η = 1.5, mini-batches of 10, 30 epochs"
    assert w.training(tweaked) == "η = 0.05, mini-batches of 32, momentum 0.9, 20 epochs"
    assert w.run_label(video) == "the 'video' run" and w.run_label(network_run("book").config) == "the 784-30-10 run"
    assert w.drawn_note(video.sizes) == "" and w.cut_layers(tweaked.sizes) == [1]
    assert w.drawn_note(tweaked.sizes) == "the layer of 256 neurons: 16 of them drawn, ⋮ for the rest"
    assert w.cost_formula_tex("quadratic") == r"C = \sum_{j=0}^{9} (a_j - y_j)^2"
    assert w.output_kind("cross_entropy") == "softmax" and w.cost_name("cross_entropy") == "cross-entropy"

"""scenes/cost.py: last frames, values on screen equal gdcore's, smoke render of the three scenes."""

import numpy as np
from frames import frame_test

from gdcore import inputs, load_mnist, one_hot
from gdcore.analysis import first_with_label
from scenes.cost import NetworkAndCost, NetworkRecap, OneExampleCost
from scenes.weights import video_run

import scene_data

__module_test__ = "cost"
TEST_IMAGE = 0


def first_three(run):
    """Index of the first '3' among the run's training images."""
    data = load_mnist()
    return first_with_label(data.train_labels[:run.config.train_size or len(data.train_labels)], 3)


def training_set(run):
    data = load_mnist()
    n = run.config.train_size or len(data.train_labels)
    return inputs(data.train_images[:n]), one_hot(data.train_labels[:n])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# Each test plays a part once on the small run: its last frame is compared with the control data, and
# every number it put on screen (part.shown) with gdcore's computation.
def play_small(scene, part_class, **kw):
    """(run, shown): play ``part_class`` on the small run, quickly, in ``scene``."""
    run = scene_data.small_run()
    part = part_class(run, run_time=0.1, **kw)
    part.play(scene)
    return run, part.shown


def outputs_on_test_image(net):
    """(10,) the network's outputs on test image TEST_IMAGE."""
    return net.forward(inputs(load_mnist().test_images[TEST_IMAGE:TEST_IMAGE + 1]))[0]


@frame_test
def test_recap(scene):
    run, shown = play_small(scene, NetworkRecap, index=TEST_IMAGE)
    data, net = load_mnist(), run.network(-1)
    a = data.test_images[TEST_IMAGE].reshape(-1) / 255.0
    layers = [a]
    for W, b in zip(net.weights, net.biases):      # by hand, not through net.feedforward
        a = sigmoid(W @ a + b)
        layers.append(a)
    assert shown["image_index"] == TEST_IMAGE and shown["label"] == data.test_labels[TEST_IMAGE]
    for drawn, idx, expected in zip(shown["activations"], shown["neurons"], layers):
        assert np.allclose(drawn, expected[idx], rtol=0, atol=1e-12)
    assert np.allclose(shown["outputs"], outputs_on_test_image(net), rtol=0, atol=1e-12)
    assert shown["answer"] == int(np.argmax(layers[-1]))
    assert shown["parameter_terms"] == [(784, 16), (16, 16), (16, 10)]
    assert shown["num_params"] == net.num_params == sum(i * o + o for i, o in shown["parameter_terms"]) == 13002


@frame_test
def test_cost_of_one_example(scene):
    index = first_three(scene_data.small_run())
    run, shown = play_small(scene, OneExampleCost, index=index)
    data = load_mnist()
    assert shown["label"] == 3 and data.train_labels[shown["image_index"]] == 3
    x, y = inputs(data.train_images[index:index + 1]), one_hot([3])
    for key, snapshot in (("random", 0), ("trained", -1)):
        net = run.network(snapshot)
        a = net.forward(x)[0]
        assert np.allclose(shown[key]["outputs"], a, rtol=0, atol=1e-12)
        assert np.array_equal(shown[key]["target"], y[0])
        assert np.allclose(shown[key]["terms"], (a - y[0]) ** 2, rtol=0, atol=1e-12)
        assert abs(shown[key]["cost"] - net.cost(x, y)) < 1e-12
    assert shown["random"]["cost"] > shown["trained"]["cost"]
    X, Y = training_set(run)
    assert shown["examples"] == len(X) == 2000
    assert abs(shown["average_random"] - run.network(0).cost(X, Y)) < 1e-9
    assert abs(shown["average_trained"] - run.network(-1).cost(X, Y)) < 1e-9


@frame_test
def test_two_functions(scene):
    run, shown = play_small(scene, NetworkAndCost, index=TEST_IMAGE)
    net = run.network(-1)
    assert np.allclose(shown["outputs"], outputs_on_test_image(net), rtol=0, atol=1e-12)
    assert shown["num_params"] == net.num_params
    assert set(shown["parameters"]) == {0, -1}
    for snapshot, entries in shown["parameters"].items():
        assert entries and all(run.params[snapshot][k] == v for k, v in entries.items())
    X, Y = training_set(run)
    assert shown["examples"] == len(X)
    assert abs(shown["cost_random"] - run.network(0).cost(X, Y)) < 1e-9
    assert abs(shown["cost_trained"] - net.cost(X, Y)) < 1e-9


def test_video_average_costs_are_the_full_training_set_costs():
    """The lecture's numbers: the float32 'video' run's recorded costs, recomputed on all 60,000 images
    (only the panel that shows them is built: playing the part is tested above)."""
    run = video_run()
    part = OneExampleCost(run, index=first_three(run))
    part.build_panel()
    X, Y = training_set(run)
    assert part.shown["examples"] == len(X) == 60000
    for key, snapshot in (("average_random", 0), ("average_trained", -1)):
        expected = run.network(snapshot).cost(X, Y)
        assert abs(part.shown[key] - expected) <= 1e-5 * expected, (key, part.shown[key], expected)


def test_standalone_scenes_render(tmp_path):
    """The real command, all three scenes in one call: tiny, last frame only, no prompt."""
    scenes = ["Recap", "CostOfOneExample", "TwoFunctions"]
    scene_data.render_stills(tmp_path, "cost", *scenes)

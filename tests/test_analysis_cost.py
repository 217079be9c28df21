"""gdcore.analysis helpers used by scenes/cost.py: picking an example, counting parameters, costs."""
import numpy as np
import pytest

from gdcore import Network, inputs, load_mnist, one_hot
from gdcore.analysis import cost_breakdown, first_with_label, parameter_breakdown


def test_first_with_label_finds_the_first_match():
    labels = np.array([5, 0, 4, 1, 9, 2, 1, 3, 1, 3])
    assert first_with_label(labels, 3) == 7
    assert first_with_label(labels, 5) == 0
    with pytest.raises(ValueError):
        first_with_label(labels, 8)


def test_first_training_three_is_labelled_three():
    labels = load_mnist().train_labels
    i = first_with_label(labels, 3)
    assert labels[i] == 3 and not np.any(labels[:i] == 3)


@pytest.mark.parametrize("sizes", [(784, 16, 16, 10), (784, 30, 10), (3, 2)])
def test_parameter_breakdown_adds_up_to_num_params(sizes):
    terms = parameter_breakdown(sizes)
    assert [(t["inputs"], t["neurons"]) for t in terms] == list(zip(sizes[:-1], sizes[1:]))
    assert all(t["weights"] == t["inputs"] * t["neurons"] and t["biases"] == t["neurons"] for t in terms)
    assert sum(t["weights"] + t["biases"] for t in terms) == Network(sizes).num_params


def test_lecture_network_has_13002_parameters():
    assert sum(t["weights"] + t["biases"] for t in parameter_breakdown([784, 16, 16, 10])) == 13002


def test_cost_breakdown_sums_to_the_example_cost():
    data = load_mnist()
    net = Network([784, 16, 16, 10], seed=3)
    x, y = inputs(data.train_images[:1])[0], one_hot(data.train_labels[:1])[0]
    parts = cost_breakdown(net, x, y)
    a = net.forward(x[None])[0]
    assert np.allclose(parts["terms"], (a - y) ** 2, rtol=0, atol=1e-15)
    assert abs(parts["cost"] - net.cost(x[None], y[None])) < 1e-12

"""Facts about the data and a trained network that the lecture states on screen, computed.

All functions are pure: they take arrays and a Network and return arrays or numbers.
"""
from __future__ import annotations

import numpy as np


def always_zero_pixels(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) uint8 images -> (784,) bool: pixels that are 0 in every image.

    Their first-layer weights never receive gradient (the input is 0), so they keep their
    initial values for the whole of training.
    """
    return ~np.asarray(images).reshape(len(images), -1).any(axis=0)


def noise_inputs(n: int, seed: int = 0) -> np.ndarray:
    """(n, 784) seeded uniform random noise in [0, 1): images of nothing."""
    return np.random.default_rng(seed).random((n, 784))


def claims(net, X: np.ndarray) -> dict:
    """What the network says about the rows of X (n, 784).

    Returns {"predictions": (n,), "counts": (10,) how often each digit is claimed,
    "top_activation": (n,) the largest output, "mean_top_activation": float}.
    """
    outputs = net.forward(X)
    predictions = outputs.argmax(axis=1)
    top = outputs.max(axis=1)
    return {"predictions": predictions, "counts": np.bincount(predictions, minlength=outputs.shape[1]),
            "top_activation": top, "mean_top_activation": float(top.mean())}


def misclassified(net, X: np.ndarray, labels: np.ndarray) -> dict:
    """The rows of X (n, 784) that the network gets wrong: {"indices", "guesses", "confidences"}
    (confidence = the guessed digit's output activation), in test-set order."""
    outputs = net.forward(X)
    guesses = outputs.argmax(axis=1)
    wrong = np.flatnonzero(guesses != labels)
    return {"indices": wrong, "guesses": guesses[wrong], "confidences": outputs[wrong, guesses[wrong]]}


def running_correct(net, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n,) number of the first k+1 examples classified correctly, for k = 0..n-1."""
    return np.cumsum(net.predict(X) == labels)


def cost_breakdown(net, x: np.ndarray, y: np.ndarray) -> dict:
    """The cost of one example, term by term: x (784,), y (10,) one-hot.

    {"outputs": (10,), "target": (10,), "terms": (10,) (a_j - y_j)^2, "cost": their sum} for the
    quadratic cost (for cross-entropy, terms are -y_j log a_j).
    """
    outputs = net.forward(np.asarray(x)[None, :])[0]
    y = np.asarray(y, np.float64)
    if net.cost_name == "quadratic":
        terms = (outputs - y) ** 2
    else:
        terms = -y * np.log(np.maximum(outputs, np.finfo(np.float64).tiny))
    return {"outputs": outputs, "target": y, "terms": terms, "cost": float(terms.sum())}


def cost_along(net, X: np.ndarray, Y: np.ndarray, direction: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """(len(ts),) the real cost C(theta + t * direction) over X, Y, for each t (theta = net.params)."""
    probe = net.copy()
    theta = net.params
    costs = np.empty(len(ts))
    for i, t in enumerate(ts):
        probe.params = theta + t * direction
        costs[i] = probe.cost(X, Y)
    return costs


def largest_entries(vector: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k entries of ``vector`` with the largest absolute value, largest first."""
    vector = np.asarray(vector)
    top = np.argpartition(-np.abs(vector), min(k, len(vector) - 1))[:k]
    return top[np.argsort(-np.abs(vector[top]), kind="stable")]

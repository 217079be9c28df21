"""An exact 2-D cost landscape: one sigmoid neuron with one weight and one bias, fit to real MNIST.

The neuron tells 9s from 6s by where the ink is. Its one input is a summary feature of the image,
    s = (ink in the top half - ink in the bottom half) / (ink in the whole image)     in [-1, 1]
(the "ink balance": a 6 keeps its loop low, s about -0.21 on average; a 9 carries it on top of a
long stem, s about 0), and its output is a = sigmoid(w s + b), with target y = 1 for a 9 and
y = 0 for a 6. Its cost is the video's quadratic cost, averaged over examples:
    C(w, b) = mean_x (sigmoid(w s_x + b) - y_x)^2
It has exactly two parameters (w, b), so a picture of C over the (w, b) plane hides nothing, and
full-batch and mini-batch descent can be drawn on it exactly. The balances are small (|s| is
mostly below 0.3), so C changes far more along b than along w: a long valley that runs along w.

    s, y, index = dataset(load_mnist())            # the 6s and 9s among the first 10,000 images
    C = cost_grid(ws, bs, s, y)                     # (len(ws), len(bs))
    run = descend((-4.0, 2.5), s, y, eta=10, batch_size=10, steps=200, seed=0)
    run["params"]                                  # (201, 2) iterates (w, b)

Mini-batches are dealt as gdcore.train deals them: every epoch a fresh seeded permutation of the n
examples, cut into consecutive batches (the last one smaller if batch_size does not divide n).
No manim here.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from .errors import ConfigError

DIGITS = (6, 9)   # (y = 0, y = 1)
FIRST = 10000     # the examples are the 6s and 9s among the first FIRST training images


def ink_balance(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) images -> (n,) float64 in [-1, 1]: (ink in rows 0-13 - ink in rows 14-27) / all ink.

    +1: all ink in the top half; -1: all in the bottom half; an image with no ink at all gives 0.
    """
    images = np.asarray(images, np.float64).reshape(-1, 28, 28)
    total = images.sum(axis=(1, 2))
    difference = images[:, :14].sum(axis=(1, 2)) - images[:, 14:].sum(axis=(1, 2))
    return np.divide(difference, total, out=np.zeros(len(images)), where=total > 0)


def dataset(data, first: int = FIRST, digits=DIGITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The neuron's training set from a loaded MNIST ``data``: the images among the first ``first``
    training images whose label is one of ``digits`` (two digits), in their original order.

    Returns (s (n,) float64 ink balances, y (n,) float64: 1.0 for digits[1], 0.0 for digits[0],
    index (n,) int: where each example sits in ``data.train_images``).
    """
    if len(digits) != 2 or digits[0] == digits[1]:
        raise ConfigError(f"the neuron tells two different digits apart, got {digits}")
    labels = np.asarray(data.train_labels[:first])
    index = np.flatnonzero((labels == digits[0]) | (labels == digits[1]))
    if len(index) == 0:
        raise ConfigError(f"no {digits[0]}s or {digits[1]}s among the first {first} training images")
    return ink_balance(data.train_images[index]), (labels[index] == digits[1]).astype(np.float64), index


def _params(params) -> np.ndarray:
    params = np.asarray(params, np.float64)
    if params.shape[-1:] != (2,):
        raise ConfigError(f"params must be (w, b) pairs with shape (..., 2), got {params.shape}")
    return params


def outputs(params, s: np.ndarray) -> np.ndarray:
    """params (..., 2) as (w, b), s (n,) -> (..., n) the neuron's outputs sigmoid(w s + b)."""
    params = _params(params)
    return expit(params[..., :1] * np.asarray(s, np.float64) + params[..., 1:])


def cost(params, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """params (..., 2), s (n,), y (n,) -> (...): C(w, b) = mean over the n examples of (a - y)^2."""
    return ((outputs(params, s) - np.asarray(y, np.float64)) ** 2).mean(axis=-1)


def gradient(params, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """params (..., 2), s (n,), y (n,) -> (..., 2): (dC/dw, dC/db) of ``cost``, by the chain rule:
    dC/dz_x = 2 (a_x - y_x) a_x (1 - a_x); dC/dw = mean_x dC/dz_x s_x; dC/db = mean_x dC/dz_x."""
    a = outputs(params, s)
    dz = 2 * (a - np.asarray(y, np.float64)) * a * (1 - a)
    return np.stack([(dz * np.asarray(s, np.float64)).mean(axis=-1), dz.mean(axis=-1)], axis=-1)


def accuracy(params, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """params (..., 2) -> (...): share of examples on the right side of a = 0.5."""
    return ((outputs(params, s) > 0.5) == (np.asarray(y) > 0.5)).mean(axis=-1)


def cost_grid(ws, bs, s: np.ndarray, y: np.ndarray, chunk: int = 64) -> np.ndarray:
    """(len(ws), len(bs)): costs[i, j] = C(ws[i], bs[j]) over all n examples (exact, float64).

    Computed ``chunk`` rows of ws at a time so memory stays at chunk * len(bs) * n floats.
    """
    ws, bs = np.asarray(ws, np.float64).ravel(), np.asarray(bs, np.float64).ravel()
    out = np.empty((len(ws), len(bs)))
    for i in range(0, len(ws), chunk):
        grid = np.stack(np.meshgrid(ws[i:i + chunk], bs, indexing="ij"), axis=-1)
        out[i:i + chunk] = cost(grid, s, y)
    return out


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    """Mini-batch steps in one pass over n examples (1 for full batch: batch_size None or >= n)."""
    return 1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size)


def batches(n: int, batch_size: int | None, steps: int, seed=0) -> list[np.ndarray]:
    """The example indices of each of ``steps`` steps: every epoch a seeded permutation of range(n)
    (``np.random.default_rng(seed)``, one ``permutation`` per epoch) cut into consecutive batches of
    ``batch_size`` (the last one of an epoch smaller when it does not divide n). Full batch
    (None or >= n): every step uses all n examples in order."""
    if batch_size is not None and batch_size < 1:
        raise ConfigError(f"batch size must be at least 1, got {batch_size}")
    if batch_size is None or batch_size >= n:
        return [np.arange(n)] * steps
    rng, out = np.random.default_rng(seed), []
    while len(out) < steps:
        order = rng.permutation(n)
        out.extend(order[k:k + batch_size] for k in range(0, n, batch_size))
    return out[:steps]


def descend(params0, s: np.ndarray, y: np.ndarray, eta: float, batch_size: int | None, steps: int,
            seed=0) -> dict:
    """Gradient descent on the neuron from params0 = (w, b): each step uses the gradient of the cost
    of one mini-batch (see ``batches``): params <- params - eta * gradient over that batch.

    Returns {"params": (steps + 1, 2) the iterates (row 0 is params0), "batches": list of the steps'
    index arrays, "batch_cost": (steps,) each batch's own cost before its step, "cost": (steps + 1,)
    the full cost C over all n examples at each iterate, "examples": (steps + 1,) int, examples
    processed after each step (cumulative)}.
    """
    s, y = np.asarray(s, np.float64), np.asarray(y, np.float64)
    if not eta > 0:
        raise ConfigError(f"eta must be positive, got {eta}")
    chosen = batches(len(s), batch_size, steps, seed)
    p = _params(params0).copy()
    path, batch_cost = [p], []
    for rows in chosen:
        batch_cost.append(float(cost(p, s[rows], y[rows])))
        p = p - eta * gradient(p, s[rows], y[rows])
        path.append(p)
    path = np.array(path).reshape(-1, 2)
    return {"params": path, "batches": chosen, "batch_cost": np.array(batch_cost), "cost": cost(path, s, y),
            "examples": np.concatenate([[0], np.cumsum([len(r) for r in chosen])]).astype(int)}


def steps_within(examples: np.ndarray, budget: int) -> int:
    """The number of steps taken once ``budget`` examples have been processed: the last k with
    examples[k] <= budget (``examples`` (steps + 1,) cumulative, as ``descend`` returns)."""
    return int(np.searchsorted(np.asarray(examples), budget, side="right") - 1)


def step_comparison(params, s: np.ndarray, y: np.ndarray, eta: float, rows) -> dict:
    """One mini-batch step against the full-batch step from the same point params (2,).

    ``rows``: the mini-batch's example indices. Returns {"full_step": (2,) -eta grad C over all n,
    "batch_step": (2,) -eta grad of the batch's own cost, "full_length", "batch_length" (floats),
    "angle": the angle in degrees (0..180) between the two steps, "batch_cost", "full_cost"}.
    """
    s, y, rows = np.asarray(s, np.float64), np.asarray(y, np.float64), np.asarray(rows)
    full = -eta * gradient(params, s, y)
    batch = -eta * gradient(params, s[rows], y[rows])
    cosine = float(full @ batch / (np.linalg.norm(full) * np.linalg.norm(batch)))
    return {"full_step": full, "batch_step": batch, "full_length": float(np.linalg.norm(full)),
            "batch_length": float(np.linalg.norm(batch)), "angle": float(np.degrees(np.arccos(np.clip(cosine, -1, 1)))),
            "batch_cost": float(cost(params, s[rows], y[rows])), "full_cost": float(cost(params, s, y))}

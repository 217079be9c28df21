"""Toy cost functions that the lecture draws (each scene says on screen that they are toys), and
plain gradient descent on them. The real network's costs are in network.py and landscape.py.

    w = descend(bumpy_slope, w0=-3.8, eta=0.1, steps=40)     # (41,) iterates w_k
    p = descend(bowl_gradient, w0=(1.0, 1.0), eta=0.2, steps=20)   # (21, 2)
"""
from __future__ import annotations

import numpy as np

BUMPY_RANGE = (-4.0, 4.0)


def bumpy(w):
    """A 1-D toy cost with four valleys on [-4, 4]: 0.025 w^4 - 0.35 w^2 + 0.5 sin(3.2 w) + 0.1 w + 2."""
    w = np.asarray(w, np.float64)
    return 0.025 * w ** 4 - 0.35 * w ** 2 + 0.5 * np.sin(3.2 * w) + 0.1 * w + 2


def bumpy_slope(w):
    """dC/dw of ``bumpy``."""
    w = np.asarray(w, np.float64)
    return 0.1 * w ** 3 - 0.7 * w + 1.6 * np.cos(3.2 * w) + 0.1


def bowl(x, y):
    """The lecture's 2-D toy cost C(x, y) = 3/2 x^2 + 1/2 y^2 (gradient at (1, 1) is (3, 1))."""
    return 1.5 * np.asarray(x, np.float64) ** 2 + 0.5 * np.asarray(y, np.float64) ** 2


def bowl_gradient(p):
    """(..., 2) points -> (..., 2) gradients (3x, y) of ``bowl``."""
    p = np.asarray(p, np.float64)
    return p * np.array([3.0, 1.0])


def descend(gradient, w0, eta: float, steps: int, limit: float = 1e6) -> np.ndarray:
    """Gradient-descent iterates w_{k+1} = w_k - eta * gradient(w_k), k = 0..steps.

    Returns (steps + 1,) for scalar w0, (steps + 1, d) for vector w0. Stops early (fewer rows) once
    an iterate leaves [-limit, limit] or stops being finite: that is divergence.
    """
    w = np.asarray(w0, np.float64)
    path = [w]
    for _ in range(steps):
        w = w - eta * gradient(w)
        if not np.all(np.isfinite(w)) or np.any(np.abs(w) > limit):
            break
        path.append(w)
    return np.array(path)


def valleys_reached(finals, tol: float = 1e-2) -> np.ndarray:
    """Sorted distinct values of ``finals`` (n,) (e.g. where balls settled): a new value starts
    wherever the sorted values jump by more than ``tol``; each group is represented by its first."""
    w = np.sort(np.asarray(finals, np.float64))
    return w[np.r_[True, np.diff(w) > tol]] if len(w) else w


def first_outside(path, bounds=BUMPY_RANGE) -> int | None:
    """Index of the first iterate of ``path`` (k,) outside [lo, hi] = ``bounds``, or None."""
    outside = np.flatnonzero((np.asarray(path) < bounds[0]) | (np.asarray(path) > bounds[1]))
    return int(outside[0]) if len(outside) else None


# --- momentum (scenes/momentum.py): a ravine, and the heavy-ball method on it --------------------------
def ravine(x, y):
    """A 2-D toy cost shaped like a long narrow ravine along x: C(x, y) = 0.02 x^2 + y^2."""
    return 0.02 * np.asarray(x, np.float64) ** 2 + np.asarray(y, np.float64) ** 2


def ravine_gradient(p):
    """(..., 2) points -> (..., 2) gradients (0.04 x, 2 y) of ``ravine``."""
    p = np.asarray(p, np.float64)
    return p * np.array([0.04, 2.0])


def descend_momentum(gradient, w0, eta: float, beta: float, steps: int, limit: float = 1e6) -> np.ndarray:
    """Heavy-ball iterates, as gdcore.train does momentum:
        v_{k+1} = beta v_k - eta * gradient(w_k),   w_{k+1} = w_k + v_{k+1},   v_0 = 0.
    beta = 0 is plain gradient descent (``descend``). Returns (steps + 1,) or (steps + 1, d) like
    ``descend``, stopping early once an iterate leaves [-limit, limit] or stops being finite.
    """
    w = np.asarray(w0, np.float64)
    v = np.zeros_like(w)
    path = [w]
    for _ in range(steps):
        v = beta * v - eta * gradient(w)
        w = w + v
        if not np.all(np.isfinite(w)) or np.any(np.abs(w) > limit):
            break
        path.append(w)
    return np.array(path)

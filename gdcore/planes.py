"""Planes through parameter space: an origin theta0 (P,) and two directions d1, d2 (P,).

    plane = pca_plane(run.params)                 # or random_plane, gradient_plane, plane_through
    plane.point(a, b)                             # (P,) theta0 + a d1 + b d2
    coords, distance = project(run.params, plane) # where recorded parameters sit relative to it

Vectors are flat, in ``Network.params`` order (layer by layer, W_l row-major, then b_l). The
directions on offer:
    gradient_direction   -grad C / |grad C|: straight downhill from theta0 (unit length)
    random_direction     Li et al. 2018 "filter-wise" normalised Gaussian: each row of each W_l
                         (one neuron's incoming weights) scaled to the norm of that row of the
                         trained W_l; bias entries 0. Not unit length: a = 1 moves every neuron
                         by as much as its own weights.
    pca_directions       the top two principal directions of recorded paths, relative to a centre
    plane_through        start, full-batch end, SGD end: Gram-Schmidt, origin at the first point
``gdcore.landscape`` evaluates the real cost on such planes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ConfigError
from .network import Network


@dataclass(frozen=True)
class Plane:
    """origin (P,) and directions (2, P): the point (a, b) is origin + a d1 + b d2.

    ``kind`` says how it was made ("pca", "random", "gradient", "three-points");
    ``explained`` (2,) is the share of the paths' spread each PCA direction captures (else None).
    """

    origin: np.ndarray
    directions: np.ndarray
    kind: str
    explained: np.ndarray | None = None

    def point(self, a: float, b: float) -> np.ndarray:
        """(P,) the parameter vector at plane coordinates (a, b)."""
        return self.origin + a * self.directions[0] + b * self.directions[1]


# --- directions through parameter space ----------------------------------------------------------
def unit(v: np.ndarray) -> np.ndarray:
    """v / |v| (float64); a ConfigError for the zero vector, which has no direction."""
    v = np.asarray(v, np.float64)
    norm = float(np.linalg.norm(v))
    if not norm > 0 or not np.isfinite(norm):
        raise ConfigError("cannot normalise a zero (or non-finite) vector to a direction")
    return v / norm


def gradient_direction(gradient: np.ndarray) -> np.ndarray:
    """(P,) unit vector pointing downhill: -gradient / |gradient|."""
    return -unit(gradient)


def random_direction(sizes, theta: np.ndarray, seed=0) -> np.ndarray:
    """(P,) a seeded Gaussian direction, normalised neuron by neuron (Li et al. 2018, "filter-wise").

    For every layer, row j of the direction's W_l block (neuron j's incoming weights) is scaled to
    |row j of theta's W_l|; the bias entries are 0. ``sizes`` e.g. [784, 16, 16, 10]; ``theta``
    (P,) the trained parameters; ``seed`` anything ``np.random.default_rng`` takes.
    """
    theta = np.asarray(theta, np.float64)
    shape_of = Network(sizes, seed=0)
    if theta.shape != (shape_of.num_params,):
        raise ConfigError(f"theta must have shape ({shape_of.num_params},) for a {shape_of.sizes} network, "
                          f"got {theta.shape}")
    d = np.random.default_rng(seed).standard_normal(shape_of.num_params)
    d_weights, d_biases = shape_of._views(d)
    t_weights, _ = shape_of._views(theta)
    for D, W in zip(d_weights, t_weights):
        D *= np.linalg.norm(W, axis=1, keepdims=True) / np.linalg.norm(D, axis=1, keepdims=True)
    for db in d_biases:
        db[...] = 0.0
    return d


def _paths(trajectories) -> list[np.ndarray]:
    """One path (k, P) (an array or a list of (P,) vectors), or a list of paths -> a list of
    float64 (k_i, P) arrays."""
    if np.ndim(trajectories[0]) == 1:
        return [np.asarray(trajectories, np.float64).reshape(len(trajectories), -1)]
    return [np.asarray(t, np.float64) for t in trajectories]


def pca_directions(trajectories, centre: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The two directions that best explain where recorded paths went, seen from ``centre``.

    ``trajectories``: one (k, P) array of parameter vectors, or a list of them (stacked).
    ``centre`` (P,): default the last point of the first trajectory (the trained parameters).
    Principal directions of the displacements theta_t - centre (not re-centred on their mean, so
    the plane passes through ``centre``, where the landscape is drawn); every snapshot weighs the
    same, so a schedule dense early gives the early path more weight.
    Returns (directions (2, P) orthonormal, explained (2,)): the share of sum_t |theta_t - centre|^2
    that each direction captures. Signs: the first path's first point has coordinates >= 0.
    """
    paths = _paths(trajectories)
    centre = paths[0][-1] if centre is None else np.asarray(centre, np.float64)
    M = np.concatenate(paths) - centre                       # (k_total, P), k_total << P
    # The (k, k) Gram matrix has the same top eigenvectors as M's SVD and is ~100x faster here.
    variances, u = np.linalg.eigh(M @ M.T)                   # ascending
    total = float(variances.sum())
    if len(variances) < 2 or not variances[-2] > 1e-12 * total:
        raise ConfigError(f"the recorded path ({len(M)} point{'s' if len(M) != 1 else ''}) spans fewer than two directions around the centre, "
                          "so PCA finds no plane: record a longer run or choose another plane (random, gradient)")
    directions = gram_schmidt(M.T @ u[:, -1], M.T @ u[:, -2])
    start = (paths[0][0] - centre) @ directions.T
    directions[start < 0] *= -1
    return directions, variances[[-1, -2]] / total


def gram_schmidt(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(2, P) orthonormal basis of span(u, v): u / |u|, then v without its u part, normalised."""
    e1 = unit(u)
    v = np.asarray(v, np.float64)
    return np.stack([e1, unit(v - (v @ e1) * e1)])


# --- planes --------------------------------------------------------------------------------------
def plane_through(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> Plane:
    """The plane through three points (P,) each, e.g. start, full-batch end, SGD end.

    Origin ``a``; d1 = (b - a) / |b - a|; d2 = the part of c - a orthogonal to d1, unit length.
    So a sits at (0, 0), b at (|b - a|, 0) and c at ((c - a).d1, > 0).
    """
    a = np.asarray(a, np.float64)
    return Plane(a, gram_schmidt(np.asarray(b, np.float64) - a, np.asarray(c, np.float64) - a), "three-points")


def pca_plane(trajectories, centre: np.ndarray | None = None) -> Plane:
    """The PCA plane (see ``pca_directions``) through ``centre`` (default: the first path's end)."""
    directions, explained = pca_directions(trajectories, centre)
    origin = _paths(trajectories)[0][-1] if centre is None else np.asarray(centre, np.float64)
    return Plane(origin, directions, "pca", explained)


def random_plane(sizes, theta: np.ndarray, seed=0) -> Plane:
    """Two filter-normalised random directions (seeds [seed, 0] and [seed, 1]) through ``theta``.

    Not orthogonalised (in 13,002-D they are nearly orthogonal anyway), as in Li et al. 2018.
    """
    theta = np.asarray(theta, np.float64)
    return Plane(theta, np.stack([random_direction(sizes, theta, [seed, i]) for i in (0, 1)]), "random")


def gradient_plane(sizes, theta: np.ndarray, gradient: np.ndarray, seed=0) -> Plane:
    """Through ``theta``: d1 = downhill (-gradient, unit), d2 = a filter-normalised random direction
    (seed [seed, 1]) made orthogonal to d1, unit length."""
    theta = np.asarray(theta, np.float64)
    return Plane(theta, gram_schmidt(gradient_direction(gradient), random_direction(sizes, theta, [seed, 1])),
                 "gradient")


# --- where parameters sit relative to a plane -------------------------------------------------
def project(params: np.ndarray, plane: Plane) -> tuple[np.ndarray, np.ndarray]:
    """Where parameter vectors params (k, P) sit relative to ``plane``.

    Returns (coords (k, 2), distance (k,)): the plane point origin + a d1 + b d2 nearest to each
    theta_t (least squares, so d1, d2 need not be orthonormal) and |theta_t - that point|.
    """
    params = np.atleast_2d(np.asarray(params, np.float64))
    D = plane.directions
    offsets = params - plane.origin                           # (k, P)
    try:
        coords = np.linalg.solve(D @ D.T, D @ offsets.T).T   # (k, 2)
    except np.linalg.LinAlgError:
        raise ConfigError("the plane's two directions are parallel (or zero): they span no plane") from None
    return coords, np.linalg.norm(offsets - coords @ D, axis=1)

"""Real cost landscapes: the true cost of the network on a 2-D slice of its 13,002-D parameter space.

    plane = pca_plane(run.params)                      # or random_plane, gradient_plane, plane_through
    grid = cached_cost_grid(net, X, Y, plane, alphas, betas)
    grid.costs                                         # (len(alphas), len(betas)) C(origin + a d1 + b d2)
    path = path_on_plane(net, X, Y, run.params, plane) # where the recorded path sits on that slice

A *plane* is an origin theta0 (P,) and two directions d1, d2 (P,), flat vectors in ``net.params``
order (layer by layer, W_l row-major, then b_l). Its point (a, b) is theta0 + a d1 + b d2. The
directions on offer:
    gradient_direction   -grad C / |grad C|: straight downhill from theta0 (unit length)
    random_direction     Li et al. 2018 "filter-wise" normalised Gaussian: each row of each W_l
                         (one neuron's incoming weights) scaled to the norm of that row of the
                         trained W_l; bias entries 0. Not unit length: a = 1 moves every neuron
                         by as much as its own weights.
    pca_directions       the top two principal directions of recorded paths, relative to a centre
    plane_through        start, full-batch end, SGD end: Gram-Schmidt, origin at the first point

The cost on the plane is the real cost (``net.cost``) over a fixed evaluation set X (n, 784),
Y (n, 10): the full-batch cost of that set. ``cost_grid`` is fast because the first layer is
linear in (a, b):
    z_1 = X (W_1 + a D_1 + b E_1)^T + (b_1 + a db_1 + b eb_1)
        = [X W_1^T + b_1] + a [X D_1^T + db_1] + b [X E_1^T + eb_1]
The three (n, 16) brackets are computed once; each grid point then costs only the small later
layers. ``cost_grid_naive`` builds the network at every point and calls ``net.cost``; the two
agree to rounding (float64). Grids are cached like runs: ``landscape-<key>.npz`` in the cache dir.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from . import __version__
from .cache import atomic_write, cache_dir, file_lock
from .errors import ConfigError
from .network import Network, example_costs, softmax

FORMAT = 1
PLANES = ("pca", "random", "gradient")


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
        raise ConfigError("the paths span fewer than two directions around the centre; PCA needs more points")
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


# --- the true cost on a grid ---------------------------------------------------------------------
def _activate(z: np.ndarray, activation: str, cost: str, last: bool) -> np.ndarray:
    """The network's activation of weighted inputs z, in place where possible (as Network.feedforward).

    Sigmoid is computed as 0.5 tanh(z / 2) + 0.5 (the same function, ~3x faster than expit here).
    """
    if last and cost == "cross_entropy":
        return softmax(z)
    if last or activation == "sigmoid":
        z *= 0.5
        np.tanh(z, out=z)
        z *= 0.5
        z += 0.5
        return z
    return np.maximum(z, 0, out=z)


def _as_float64(net, X, Y):
    X, Y = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or Y.shape != (len(X), net.sizes[-1]) or not len(X):
        raise ConfigError(f"evaluation set must be X (n, {net.sizes[0]}) and Y (n, {net.sizes[-1]}) with n >= 1, "
                          f"got {X.shape} and {Y.shape}")
    return X, Y


def _check_plane(net, plane: Plane):
    if plane.origin.shape != (net.num_params,) or plane.directions.shape != (2, net.num_params):
        raise ConfigError(f"plane must have origin ({net.num_params},) and directions (2, {net.num_params}), "
                          f"got {plane.origin.shape} and {plane.directions.shape}")


def cost_grid(net, X, Y, plane: Plane, alphas, betas, threads: int | None = 1) -> np.ndarray:
    """(len(alphas), len(betas)): costs[i, j] = C(origin + alphas[i] d1 + betas[j] d2) over X, Y.

    ``net`` gives the architecture (sizes, activation, cost; its parameters are not used);
    X (n, 784), Y (n, 10). Float64 throughout. Fast: the first layer's matrix products are done
    once (see the module docstring). ``threads``: BLAS threads while computing (None: leave as is;
    1 is fastest for these small matrices).
    """
    X, Y = _as_float64(net, X, Y)
    _check_plane(net, plane)
    alphas, betas = np.asarray(alphas, np.float64).ravel(), np.asarray(betas, np.float64).ravel()
    (W, b), (D, db), (E, eb) = (net._views(np.asarray(v, np.float64))
                                for v in (plane.origin, *plane.directions))
    L, n = len(W), len(X)
    last = [l == L - 1 for l in range(L)]
    costs = np.empty((len(alphas), len(betas)))
    with threadpool_limits(limits=threads, user_api="blas"):
        xw, xd, xe = X @ W[0].T + b[0], X @ D[0].T + db[0], X @ E[0].T + eb[0]   # (n, sizes[1]) each
        z1 = np.empty_like(xw)
        for i, a in enumerate(alphas):
            za = xw + a * xd
            Wa = [W[l] + a * D[l] for l in range(1, L)]
            ba = [b[l] + a * db[l] for l in range(1, L)]
            for j, c in enumerate(betas):
                np.multiply(xe, c, out=z1)
                z1 += za
                act = _activate(z1, net.activation, net.cost_name, last[0])
                for l in range(1, L):
                    z = act @ (Wa[l - 1] + c * E[l]).T
                    z += ba[l - 1] + c * eb[l]
                    act = _activate(z, net.activation, net.cost_name, last[l])
                if net.cost_name == "quadratic":
                    act -= Y
                    costs[i, j] = float(np.vdot(act, act)) / n
                else:
                    costs[i, j] = float(example_costs(act, Y, net.cost_name).sum()) / n
    return costs


def cost_grid_naive(net, X, Y, plane: Plane, alphas, betas, threads: int | None = 1) -> np.ndarray:
    """The same as ``cost_grid``, the plain way: set the parameters at every grid point and call
    ``net.cost`` (a float64 copy of the architecture; ``net`` itself is untouched)."""
    X, Y = _as_float64(net, X, Y)
    _check_plane(net, plane)
    probe = Network(net.sizes, net.activation, net.cost_name, seed=0)
    alphas, betas = np.asarray(alphas, np.float64).ravel(), np.asarray(betas, np.float64).ravel()
    costs = np.empty((len(alphas), len(betas)))
    with threadpool_limits(limits=threads, user_api="blas"):
        for i, a in enumerate(alphas):
            for j, c in enumerate(betas):
                probe.params = plane.point(a, c)
                costs[i, j] = probe.cost(X, Y)
    return costs


def cost_line(net, X, Y, origin: np.ndarray, direction: np.ndarray, ts, threads: int | None = 1) -> np.ndarray:
    """(len(ts),) the 1-D slice C(origin + t direction) over X, Y (fast path, as ``cost_grid``)."""
    direction = np.asarray(direction, np.float64)
    line = Plane(np.asarray(origin, np.float64), np.stack([direction, np.zeros_like(direction)]), "line")
    return cost_grid(net, X, Y, line, ts, [0.0], threads)[:, 0]


# --- cached grids --------------------------------------------------------------------------------
@dataclass
class Grid:
    """A computed landscape: costs (len(alphas), len(betas)) on ``plane``, costs[i, j] at
    (alphas[i], betas[j]). ``seconds``: time the computation took (when it was computed);
    ``cached``: loaded from ``path`` instead of computed now; ``spec``: the caller's description."""

    alphas: np.ndarray
    betas: np.ndarray
    costs: np.ndarray
    plane: Plane
    key: str
    seconds: float
    spec: dict
    path: Path | None = None
    cached: bool = False


def grid_key(net, X, Y, plane: Plane, alphas, betas) -> str:
    """Hash of everything that determines a grid: architecture, the plane's arrays, the grid
    coordinates and the evaluation set itself (as float64 bytes), gdcore's version."""
    h = hashlib.sha256(json.dumps({"format": FORMAT, "gdcore": __version__, "sizes": list(net.sizes),
                                   "activation": net.activation, "cost": net.cost_name}, sort_keys=True).encode())
    for array in (plane.origin, plane.directions, alphas, betas, X, Y):
        a = np.ascontiguousarray(array, np.float64)
        h.update(repr(a.shape).encode())
        h.update(a.data)
    return h.hexdigest()[:20]


def grid_path(key: str) -> Path:
    return cache_dir() / f"landscape-{key}.npz"


def save_grid(grid: Grid, path: Path) -> None:
    """Write ``grid`` to ``path`` (.npz, JSON 'meta' string inside), atomically."""
    meta = {"key": grid.key, "format": FORMAT, "gdcore": __version__, "kind": grid.plane.kind,
            "seconds": grid.seconds, "spec": grid.spec}
    explained = np.array([]) if grid.plane.explained is None else np.asarray(grid.plane.explained)
    arrays = {"alphas": grid.alphas, "betas": grid.betas, "costs": grid.costs, "origin": grid.plane.origin,
              "directions": grid.plane.directions, "explained": explained,
              "meta": np.array(json.dumps(meta, sort_keys=True))}
    atomic_write(Path(path), lambda f: np.savez(f, **arrays))


def load_grid(path: Path, key: str | None = None) -> Grid:
    """Read a grid file (never unpickles). Raises on damage, or if it holds another grid than ``key``."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("format") != FORMAT or (key is not None and meta.get("key") != key):
        raise ValueError(f"landscape file holds {meta.get('key')}, not {key}")
    alphas, betas, costs = arrays["alphas"], arrays["betas"], arrays["costs"]
    origin, directions = arrays["origin"], arrays["directions"]
    if costs.shape != (len(alphas), len(betas)) or directions.shape != (2, len(origin)):
        raise ValueError("landscape file arrays have inconsistent shapes")
    explained = arrays["explained"] if len(arrays["explained"]) else None
    plane = Plane(origin, directions, meta["kind"], explained)
    return Grid(alphas, betas, costs, plane, meta["key"], meta["seconds"], meta["spec"], Path(path), cached=True)


def cached_cost_grid(net, X, Y, plane: Plane, alphas, betas, spec: dict | None = None,
                     threads: int | None = 1) -> Grid:
    """``cost_grid`` through the cache: loaded from ``landscape-<key>.npz`` if it is there, else
    computed and saved. ``spec`` (JSON-able) is stored with it for humans (run key, subset...);
    the key itself hashes the actual arrays (``grid_key``). A damaged file is recomputed with a
    one-line warning on stderr."""
    X, Y = _as_float64(net, X, Y)
    alphas, betas = np.asarray(alphas, np.float64).ravel(), np.asarray(betas, np.float64).ravel()
    key = grid_key(net, X, Y, plane, alphas, betas)
    path = grid_path(key)
    with file_lock(path.with_suffix(".lock")):
        if path.exists():
            try:
                return load_grid(path, key)
            except Exception as exc:  # damaged or foreign: discard and recompute
                print(f"warning: discarding unreadable landscape file {path} ({type(exc).__name__}: {exc}); "
                      "recomputing", file=sys.stderr)
                path.unlink(missing_ok=True)
        started = time.perf_counter()
        costs = cost_grid(net, X, Y, plane, alphas, betas, threads)
        grid = Grid(alphas, betas, costs, plane, key, round(time.perf_counter() - started, 4), dict(spec or {}))
        save_grid(grid, path)
        grid.path = path
        return grid


# --- recorded paths on a plane -------------------------------------------------------------------
def project(params: np.ndarray, plane: Plane) -> tuple[np.ndarray, np.ndarray]:
    """Where parameter vectors params (k, P) sit relative to ``plane``.

    Returns (coords (k, 2), distance (k,)): the plane point origin + a d1 + b d2 nearest to each
    theta_t (least squares, so d1, d2 need not be orthonormal) and |theta_t - that point|.
    """
    params = np.atleast_2d(np.asarray(params, np.float64))
    D = plane.directions
    offsets = params - plane.origin                           # (k, P)
    coords = np.linalg.solve(D @ D.T, D @ offsets.T).T       # (k, 2)
    return coords, np.linalg.norm(offsets - coords @ D, axis=1)


def path_costs(net, X, Y, params: np.ndarray) -> np.ndarray:
    """(k,) the true cost over X, Y at each parameter vector of params (k, P)."""
    X, Y = _as_float64(net, X, Y)
    probe = Network(net.sizes, net.activation, net.cost_name, seed=0)
    costs = []
    for theta in np.atleast_2d(np.asarray(params, np.float64)):
        probe.params = theta
        costs.append(probe.cost(X, Y))
    return np.array(costs)


def path_on_plane(net, X, Y, params: np.ndarray, plane: Plane) -> dict:
    """A recorded path params (k, P) seen on ``plane``: {"coords": (k, 2), "distance": (k,) from the
    plane, "cost": (k,) its true cost over X, Y} -- draw the ball at "cost", not at the surface."""
    coords, distance = project(params, plane)
    return {"coords": coords, "distance": distance, "cost": path_costs(net, X, Y, params)}


# --- a run's landscape (the CLI verb) ------------------------------------------------------------
def evaluation_set(config, n: int, data) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 784), Y (n, 10)) float64: the first n examples a run with ``config`` trained on
    (its labels shuffled if the config says so), so the surface is that run's own cost."""
    n_train = config.train_size or len(data.train_labels)
    if not 1 <= n <= n_train:
        raise ConfigError(f"evaluation subset must be between 1 and the run's {n_train} training examples, got {n}")
    from .data import inputs, one_hot
    from .runs import training_labels  # the run's own labels (permuted for random labels)
    return inputs(data.train_images[:n], np.float64), one_hot(training_labels(config, data)[:n], dtype=np.float64)


def plane_for_run(run, kind: str, X, Y, seed=0) -> Plane:
    """The ``kind`` plane ("pca", "random" or "gradient") through a run's last snapshot: PCA of the
    run's own recorded path; random directions seeded with ``seed``; or the downhill gradient
    over X, Y with one random direction."""
    net = run.network()
    theta = net.params
    if kind == "pca":
        return pca_plane(run.params, theta)
    if kind == "random":
        return random_plane(net.sizes, theta, seed)
    if kind == "gradient":
        return gradient_plane(net.sizes, theta, net.gradient(*_as_float64(net, X, Y)), seed)
    raise ConfigError(f"unknown plane {kind!r}; choose from {', '.join(PLANES)}")


def default_span(run, plane: Plane) -> float:
    """Half-width of the grid: 1 for a random plane (Li et al.'s units: a = 1 moves each neuron by
    its own weights' norm); else 1.1 x the farthest snapshot's distance from the centre."""
    if plane.kind == "random":
        return 1.0
    return 1.1 * float(np.linalg.norm(np.asarray(run.params, np.float64) - plane.origin, axis=1).max())

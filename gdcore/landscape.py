"""Real cost landscapes: the true cost of the network on a 2-D slice of its 13,002-D parameter space.

    plane = pca_plane(run.params)                      # or random_plane, gradient_plane, plane_through
    grid = cached_cost_grid(net, X, Y, plane, alphas, betas)
    grid.costs                                         # (len(alphas), len(betas)) C(origin + a d1 + b d2)
    path = path_on_plane(net, X, Y, run.params, plane) # where the recorded path sits on that slice

A plane is an origin theta0 (P,) and two directions d1, d2 (P,); its point (a, b) is
theta0 + a d1 + b d2. Planes and the directions that make them live in ``gdcore.planes``; their
names are importable from here too.

The cost on the plane is the real cost (``net.cost``) over a fixed evaluation set X (n, 784),
Y (n, 10): the full-batch cost of that set. ``cost_grid`` is fast because the first layer is
linear in (a, b):
    z_1 = X (W_1 + a D_1 + b E_1)^T + (b_1 + a db_1 + b eb_1)
        = [X W_1^T + b_1] + a [X D_1^T + db_1] + b [X E_1^T + eb_1]
The three (n, 16) brackets are computed once; each grid point then costs only the small later
layers. ``cost_grid_naive`` builds the network at every point and calls ``net.cost``; the two
agree to rounding (float64). Grids are cached like runs: ``landscape-<key>.npz`` in the cache dir.
Grid coordinates must be finite and within +-MAX_SPAN (1e6), planes finite (ConfigError).
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from . import __version__
from .cache import cache_dir, load_or_make
from .errors import ConfigError
from .network import Network, example_costs, softmax
from .planes import (Plane, gradient_direction, gradient_plane, gram_schmidt, pca_directions, pca_plane,  # noqa: F401
                     plane_through, project, random_direction, random_plane, unit)
from .store import read_npz, write_npz

FORMAT = 2  # 2: arrays carry their SHA-256
PLANES = ("pca", "random", "gradient")
MAX_SPAN = 1e6  # grid half-widths beyond this only measure float overflow, not the cost


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
    if not (np.all(np.isfinite(plane.origin)) and np.all(np.isfinite(plane.directions))):
        raise ConfigError("the plane has non-finite entries (made from a run that diverged?): a landscape "
                          "needs finite parameters")


def _ticks(values, name: str) -> np.ndarray:
    """Grid coordinates as a flat float64 array, each finite and within +-MAX_SPAN."""
    values = np.asarray(values, np.float64).ravel()
    if not len(values) or not np.all(np.abs(values) <= MAX_SPAN):
        raise ConfigError(f"{name} must be one or more finite numbers within +-{MAX_SPAN:g}, got "
                          f"{values[~(np.abs(values) <= MAX_SPAN)][:3] if len(values) else 'none'}")
    return values


def cost_grid(net, X, Y, plane: Plane, alphas, betas, threads: int | None = 1) -> np.ndarray:
    """(len(alphas), len(betas)): costs[i, j] = C(origin + alphas[i] d1 + betas[j] d2) over X, Y.

    ``net`` gives the architecture (sizes, activation, cost; its parameters are not used);
    X (n, 784), Y (n, 10). Float64 throughout. Fast: the first layer's matrix products are done
    once (see the module docstring). ``threads``: BLAS threads while computing (None: leave as is;
    1 is fastest for these small matrices).
    """
    X, Y = _as_float64(net, X, Y)
    _check_plane(net, plane)
    alphas, betas = _ticks(alphas, "alphas"), _ticks(betas, "betas")
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
    alphas, betas = _ticks(alphas, "alphas"), _ticks(betas, "betas")
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
    """Write ``grid`` to ``path`` (.npz, JSON 'meta' string with the arrays' SHA-256 inside), atomically."""
    meta = {"key": grid.key, "format": FORMAT, "gdcore": __version__, "kind": grid.plane.kind,
            "seconds": grid.seconds, "spec": grid.spec}
    explained = np.array([]) if grid.plane.explained is None else np.asarray(grid.plane.explained)
    write_npz(Path(path), {"alphas": grid.alphas, "betas": grid.betas, "costs": grid.costs,
                           "origin": grid.plane.origin, "directions": grid.plane.directions,
                           "explained": explained}, meta)


def load_grid(path: Path, key: str | None = None) -> Grid:
    """Read a grid file (never unpickles). Raises on damage (arrays that differ from their stored
    SHA-256, inconsistent shapes), or if it holds another grid than ``key``."""
    arrays, meta = read_npz(path)
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
    alphas, betas = _ticks(alphas, "alphas"), _ticks(betas, "betas")
    key = grid_key(net, X, Y, plane, alphas, betas)

    def compute() -> Grid:
        started = time.perf_counter()
        costs = cost_grid(net, X, Y, plane, alphas, betas, threads)
        return Grid(alphas, betas, costs, plane, key, round(time.perf_counter() - started, 4), dict(spec or {}))

    grid, _ = load_or_make(grid_path(key), lambda p: load_grid(p, key), compute, save_grid,
                           what="landscape file", redo="recomputing")
    grid.path = grid_path(key)
    return grid


# --- recorded paths on a plane -------------------------------------------------------------------
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
    over X, Y with one random direction. A ConfigError for a run whose snapshots are not finite."""
    if not np.all(np.isfinite(run.params)):
        raise ConfigError(f"the run's recorded parameters are not all finite (it diverged at step "
                          f"{(run.divergence or {}).get('step')}): a landscape needs a run that stayed finite")
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
    its own weights' norm); else 1.1 x the farthest snapshot's distance from the centre. A
    ConfigError when that distance is 0 (a run with one snapshot has no path to size the grid by)."""
    if plane.kind == "random":
        return 1.0
    farthest = float(np.linalg.norm(np.asarray(run.params, np.float64) - plane.origin, axis=1).max())
    fix = f"give the grid's half-width yourself (--span S, 0 < S <= {MAX_SPAN:g})"
    if not farthest > 0:
        raise ConfigError(f"all {len(run.params)} snapshot(s) of the run sit at the plane's centre (a run of "
                          f"{int(run.steps[-1])} steps), so they cannot size the grid: {fix}")
    if not 1.1 * farthest <= MAX_SPAN:
        raise ConfigError(f"the run's snapshots lie up to {farthest:g} from the plane's centre, farther than a grid "
                          f"can span: {fix}")
    return 1.1 * farthest

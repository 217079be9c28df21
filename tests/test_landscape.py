"""gdcore.landscape: directions, PCA, the fast grid against naive evaluation, projections, the grid
cache, and ``python -m gdcore landscape``."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from gdcore import Network, cli, landscape, load_mnist, runs
from gdcore.analysis import training_set
from gdcore.errors import ConfigError
from gdcore.landscape import Plane
from gdcore.runs import RunConfig

from helpers import assert_one_line_error, cache, decoded_mnist, isolated_cache, run_cli  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)

SIZES = [784, 16, 16, 10]


@pytest.fixture(scope="module")
def small():
    """A real float64 run (1 epoch on 1,000 images, recorded without the cache) and its first 300
    training examples as the evaluation set."""
    run = runs.record(RunConfig(train_size=1000, epochs=1, dtype="float64"), progress=False)
    X, Y = landscape.evaluation_set(run.config, 300, load_mnist())
    return run, X, Y


def _orthonormal(P, k, seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((P, k)))
    return q.T                                                    # (k, P), orthonormal rows


# --- directions ------------------------------------------------------------------------------------
def test_random_direction_is_filter_normalised_and_seeded(small):
    run, _, _ = small
    theta = run.params[-1].copy()
    theta[:784] = 0.0                          # neuron 0 of layer 1 has no incoming weights at all
    d = landscape.random_direction(SIZES, theta, seed=3)
    shape_of = Network(SIZES)
    (d_w, d_b), (t_w, _) = shape_of._views(d), shape_of._views(theta)
    assert d.shape == (13002,) and np.all(np.isfinite(d))
    for D, W in zip(d_w, t_w):
        np.testing.assert_allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1), rtol=1e-12, atol=0)
    assert not d_w[0][0].any()                 # a zero row stays zero (no 0/0)
    for b in d_b:
        assert not b.any()                     # biases are left out
    weights = np.concatenate([D.ravel() for D in d_w])
    assert 0.45 < (weights[weights != 0] > 0).mean() < 0.55   # signs mixed: Gaussian, not uniform [0, 1]
    assert np.array_equal(d, landscape.random_direction(SIZES, theta, seed=3))
    assert not np.allclose(d, landscape.random_direction(SIZES, theta, seed=4))


def test_gradient_direction_is_unit_and_downhill(small):
    run, X, Y = small
    net = run.network()
    g = net.gradient(X, Y)
    d = landscape.gradient_direction(g)
    assert abs(np.linalg.norm(d) - 1) < 1e-12
    assert np.allclose(d, -g / np.linalg.norm(g))
    probe = net.copy()
    probe.params = net.params + 1e-3 * d
    assert probe.cost(X, Y) < net.cost(X, Y)
    with pytest.raises(ConfigError):
        landscape.gradient_direction(np.zeros(5))


def _synthetic_path(P=60, K=40, noise=1e-7, seed=0):
    """K points centre + 3 cos(t) u + sin(t) v + 0.5 cos(2t) w (+ noise), t evenly around a circle,
    then the centre itself. The three terms are uncorrelated, so the principal directions are u, v, w
    with squared-distance shares 9 : 1 : 0.25 (sums over the circle: K/2 x 3^2, 1^2, 0.5^2)."""
    rng = np.random.default_rng(seed)
    u, v, w = _orthonormal(P, 3, seed)
    centre = rng.standard_normal(P)
    t = 2 * np.pi * np.arange(K) / K + 0.3
    points = (centre + np.outer(3 * np.cos(t), u) + np.outer(np.sin(t), v) + np.outer(0.5 * np.cos(2 * t), w)
              + noise * rng.standard_normal((K, P)))
    return np.vstack([points, centre]), centre, u, v, 0.5 * np.abs(np.cos(2 * t))


def test_pca_recovers_a_known_plane_and_its_explained_variance():
    path, centre, u, v, off_plane = _synthetic_path()
    directions, explained = landscape.pca_directions(path)      # default centre: the last point
    assert directions.shape == (2, 60)
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)
    assert abs(abs(directions[0] @ u) - 1) < 1e-9 and abs(abs(directions[1] @ v) - 1) < 1e-9
    np.testing.assert_allclose(explained, [9 / 10.25, 1 / 10.25], atol=1e-6)
    assert np.all((path[0] - centre) @ directions.T >= 0)       # sign convention: the start at >= 0
    plane = landscape.pca_plane(path)
    assert np.array_equal(plane.origin, path[-1]) and plane.kind == "pca"
    np.testing.assert_allclose(plane.explained, explained)
    _, distance = landscape.project(path[:-1], plane)
    np.testing.assert_allclose(distance, off_plane, atol=1e-5)  # only the w part is off the plane


def test_pca_of_several_paths_and_an_explicit_centre():
    path, centre, u, v, _ = _synthetic_path()
    together, explained = landscape.pca_directions(path[:-1], centre=centre)
    parts, explained_parts = landscape.pca_directions([path[:15], path[15:-1]], centre=centre)  # ragged list
    np.testing.assert_allclose(np.abs(together @ parts.T), np.eye(2), atol=1e-9)
    np.testing.assert_allclose(explained_parts, explained, atol=1e-12)
    as_rows, _ = landscape.pca_directions(list(path))           # one path given as a list of vectors
    np.testing.assert_allclose(as_rows, landscape.pca_directions(path)[0], atol=1e-12)
    shifted, _ = landscape.pca_directions(path, centre=centre + 5 * _orthonormal(60, 3, 1)[2])
    assert abs(abs(shifted[0] @ u) - 1) > 1e-3                  # the centre matters: not re-centred on the mean
    with pytest.raises(ConfigError):
        landscape.pca_directions(np.vstack([centre, centre]))


def test_pca_of_the_recorded_path_explains_most_of_it(small):
    run, _, _ = small
    plane = landscape.pca_plane(run.params)
    assert 0.5 < plane.explained[0] <= 1 and plane.explained.sum() <= 1 + 1e-12
    assert plane.explained[0] >= plane.explained[1] > 0


# --- planes and projections ------------------------------------------------------------------------
def test_plane_through_three_points():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 30))
    plane = landscape.plane_through(a, b, c)
    assert np.array_equal(plane.origin, a) and plane.kind == "three-points"
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    coords, distance = landscape.project(np.stack([a, b, c]), plane)
    np.testing.assert_allclose(coords[0], [0, 0], atol=1e-12)
    np.testing.assert_allclose(coords[1], [np.linalg.norm(b - a), 0], atol=1e-12)
    assert coords[2, 1] > 0
    np.testing.assert_allclose(distance, 0, atol=1e-12)
    np.testing.assert_allclose(plane.point(*coords[2]), c, atol=1e-12)


@pytest.mark.parametrize("orthonormal", [True, False], ids=["orthonormal", "skewed"])
def test_projection_recovers_coordinates_and_distance(orthonormal):
    P = 40
    d1, d2, normal = _orthonormal(P, 3, 2)
    directions = np.stack([d1, d2]) if orthonormal else np.stack([2.5 * d1, 0.8 * d1 + 1.7 * d2])
    plane = Plane(np.random.default_rng(3).standard_normal(P), directions, "test")
    on = plane.point(1.5, -2.0)
    off = plane.point(-0.25, 3.0) + 0.7 * normal
    coords, distance = landscape.project(np.stack([on, off, plane.origin]), plane)
    np.testing.assert_allclose(coords, [[1.5, -2.0], [-0.25, 3.0], [0, 0]], atol=1e-12)
    np.testing.assert_allclose(distance, [0, 0.7, 0], atol=1e-12)


def test_path_on_plane_costs_are_the_runs_own_training_costs(small):
    run, _, _ = small
    X, Y = landscape.evaluation_set(run.config, 1000, load_mnist())    # the whole training set of the run
    plane = landscape.pca_plane(run.params)
    path = landscape.path_on_plane(run.network(), X, Y, run.params, plane)
    k = len(run.steps)
    assert path["coords"].shape == (k, 2) and path["distance"].shape == (k,) and path["cost"].shape == (k,)
    np.testing.assert_allclose(path["cost"], run.train_cost, rtol=1e-10)
    assert path["distance"][-1] < 1e-12                        # the centre is on its own plane


# --- the grid: fast == naive -----------------------------------------------------------------------
ARCHITECTURES = {
    "video-like": ([784, 16, 16, 10], "sigmoid", "quadratic"),
    "relu-cross-entropy": ([784, 12, 8, 10], "relu", "cross_entropy"),
    "sigmoid-cross-entropy": ([784, 16, 10], "sigmoid", "cross_entropy"),
    "one-layer": ([784, 10], "sigmoid", "quadratic"),
}


@pytest.mark.parametrize("name", list(ARCHITECTURES), ids=list(ARCHITECTURES))
def test_fast_grid_equals_naive_grid(name, small):
    _, X, Y = small
    sizes, activation, cost = ARCHITECTURES[name]
    net = Network(sizes, activation, cost, init="fan_in", seed=1)
    rng = np.random.default_rng(5)
    plane = Plane(net.params, 0.3 * rng.standard_normal((2, net.num_params)), "test")  # biases move too
    alphas, betas = np.linspace(-2, 1.5, 5), np.array([-1.0, 0.0, 0.4, 3.0])           # not square: catches a transpose
    fast = landscape.cost_grid(net, X, Y, plane, alphas, betas)
    naive = landscape.cost_grid_naive(net, X, Y, plane, alphas, betas)
    assert fast.shape == (5, 4)
    assert np.abs(fast - naive).max() <= 1e-6
    probe = net.copy()
    probe.params = plane.origin + alphas[3] * plane.directions[0] + betas[1] * plane.directions[1]
    assert abs(fast[3, 1] - probe.cost(X, Y)) <= 1e-6                  # costs[i, j] is at (alphas[i], betas[j])
    line = landscape.cost_line(net, X, Y, plane.origin, plane.directions[0], alphas)
    assert np.abs(line - naive[:, 1]).max() <= 1e-6                     # betas[1] == 0


@pytest.mark.parametrize("kind", landscape.PLANES)
def test_fast_grid_equals_naive_on_a_runs_planes(kind, small):
    run, X, Y = small
    net = run.network()
    plane = landscape.plane_for_run(run, kind, X, Y, seed=2)
    assert np.array_equal(plane.origin, run.params[-1]) and plane.kind == kind
    ticks = np.linspace(-1, 1, 4) * landscape.default_span(run, plane)
    fast = landscape.cost_grid(net, X, Y, plane, ticks, ticks)
    assert np.abs(fast - landscape.cost_grid_naive(net, X, Y, plane, ticks, ticks)).max() <= 1e-6
    assert np.array_equal(net.params, run.params[-1])                    # the net is not touched
    if kind == "gradient":
        g = net.gradient(X, Y)
        assert np.allclose(plane.directions[0], -g / np.linalg.norm(g))
        np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)


def test_grid_rejects_a_wrong_evaluation_set_or_plane(small):
    run, X, Y = small
    net = run.network()
    plane = landscape.pca_plane(run.params)
    with pytest.raises(ConfigError):
        landscape.cost_grid(net, X[:, :700], Y, plane, [0.0], [0.0])
    with pytest.raises(ConfigError):
        landscape.cost_grid(net, X, Y[:10], plane, [0.0], [0.0])
    with pytest.raises(ConfigError):
        landscape.cost_grid(net, X, Y, Plane(plane.origin[:-1], plane.directions[:, :-1], "x"), [0.0], [0.0])


def test_evaluation_set_is_the_runs_training_set():
    data = load_mnist()
    for config in (RunConfig(train_size=500, epochs=1), RunConfig(train_size=500, epochs=1, shuffle_labels=True)):
        X, Y = landscape.evaluation_set(config, 120, data)
        X_all, Y_all = training_set(config, data)
        assert X.dtype == np.float64 and np.array_equal(X, X_all[:120]) and np.array_equal(Y, Y_all[:120])
    with pytest.raises(ConfigError):
        landscape.evaluation_set(RunConfig(train_size=500, epochs=1), 501, data)


# --- the grid cache --------------------------------------------------------------------------------
def _cache_case(small):
    run, X, Y = small
    net = run.network()
    plane = landscape.pca_plane(run.params)
    return net, X, Y, plane, np.linspace(-3, 3, 4), np.linspace(-2, 2, 3)


def test_grid_cache_round_trip(small, isolated_cache):  # noqa: F811
    net, X, Y, plane, alphas, betas = _cache_case(small)
    first = landscape.cached_cost_grid(net, X, Y, plane, alphas, betas, spec={"run": "small"})
    assert first.cached is False and first.path == isolated_cache / f"landscape-{first.key}.npz"
    assert first.path.exists() and first.seconds >= 0
    np.testing.assert_array_equal(first.costs, landscape.cost_grid(net, X, Y, plane, alphas, betas))
    second = landscape.cached_cost_grid(net, X, Y, plane, alphas, betas)
    assert second.cached is True and second.key == first.key and second.spec == {"run": "small"}
    for name in ("alphas", "betas", "costs"):
        assert getattr(second, name).tobytes() == getattr(first, name).tobytes(), name
    assert np.array_equal(second.plane.origin, plane.origin)
    assert np.array_equal(second.plane.directions, plane.directions)
    np.testing.assert_array_equal(second.plane.explained, plane.explained)
    with np.load(first.path, allow_pickle=False) as z:
        assert {"costs", "alphas", "betas", "origin", "directions", "meta"} <= set(z.files)
    # Everything that changes the numbers changes the key.
    keys = {first.key,
            landscape.grid_key(net, X, Y, plane, alphas, betas[:2]),
            landscape.grid_key(net, X[:200], Y[:200], plane, alphas, betas),
            landscape.grid_key(net, X, Y, landscape.random_plane(SIZES, plane.origin), alphas, betas),
            landscape.grid_key(Network(SIZES, cost="cross_entropy"), X, Y, plane, alphas, betas)}
    assert len(keys) == 5


def _garbage(path):
    path.write_bytes(b"this is not an npz file")


def _truncated(path):
    path.write_bytes(path.read_bytes()[:300])


def _pickled(path):
    np.savez(path.open("wb"), costs=np.array([{"evil": 1}], dtype=object), meta=np.array("{}"))


def _foreign(path):
    other = path.with_name("other.npz")
    shutil.copyfile(path, other)
    with np.load(other, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    meta["key"] = "0" * 20
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path.open("wb"), **arrays)


def _wrong_shape(path):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["costs"] = arrays["costs"][:-1]
    np.savez(path.open("wb"), **arrays)


@pytest.mark.parametrize("damage", [_garbage, _truncated, _pickled, _foreign, _wrong_shape],
                         ids=["garbage", "truncated", "pickled", "foreign-key", "wrong-shape"])
def test_damaged_grid_file_is_recomputed_with_one_warning(damage, small, capsys):
    net, X, Y, plane, alphas, betas = _cache_case(small)
    good = landscape.cached_cost_grid(net, X, Y, plane, alphas, betas)
    capsys.readouterr()
    damage(good.path)
    again = landscape.cached_cost_grid(net, X, Y, plane, alphas, betas)
    err = capsys.readouterr().err
    assert again.cached is False
    np.testing.assert_array_equal(again.costs, good.costs)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning:") and str(good.path) in lines[0], err
    assert landscape.cached_cost_grid(net, X, Y, plane, alphas, betas).cached is True   # rewritten whole


# --- python -m gdcore landscape --------------------------------------------------------------------
TINY = ["--preset", "video", "--train-size", "500", "--epochs", "1"]


def test_landscape_help_is_listed_and_true(cache):
    top = run_cli(["--help"], cache)
    assert top.returncode == 0 and "landscape" in top.stdout
    proc = run_cli(["landscape", "--help"], cache)
    assert proc.returncode == 0, proc.stderr
    for flag in ("--preset", "--plane", "--grid", "--span", "--subset", "--compare-naive", "--json"):
        assert flag in proc.stdout, flag
    for plane in landscape.PLANES:
        assert plane in proc.stdout


def test_landscape_json_then_cached(cache):
    args = ["landscape", *TINY, "--plane", "pca", "--grid", "5", "--subset", "200", "--compare-naive", "--json"]
    first = run_cli(args, cache)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip().splitlines()) == 1, first.stdout
    result = json.loads(first.stdout)
    assert result["grid"] == 5 and result["subset"] == 200 and result["preset"] == "video"
    assert isinstance(result["seconds"], float) and result["seconds"] >= 0
    assert isinstance(result["seconds_naive"], float) and result["seconds_naive"] > 0
    assert 0 <= result["max_abs_diff"] <= 1e-6
    assert 0 < result["cost_min"] <= result["cost_centre"] + 1e-12 <= result["cost_max"] + 2e-12  # centre on the grid
    explained = result["plane"]["explained_variance"]
    assert result["plane"]["kind"] == "pca" and len(explained) == 2 and 0 < sum(explained) <= 1 + 1e-9
    assert result["cached"] is False
    path = Path(result["landscape_file"])
    assert path.exists() and path.parent == cache and Path(result["run_file"]).parent == cache
    with np.load(path, allow_pickle=False) as z:
        assert z["costs"].shape == (5, 5)
        assert np.isclose(z["costs"].min(), result["cost_min"]) and np.isclose(z["costs"].max(), result["cost_max"])

    second = run_cli(args[:-2] + ["--json"], cache)                     # cached, and no naive comparison
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["cached"] is True and again["landscape_file"] == result["landscape_file"]
    assert again["cost_min"] == result["cost_min"] and again["cost_max"] == result["cost_max"]
    assert "seconds_naive" not in again and "max_abs_diff" not in again


@pytest.mark.parametrize("plane", ["random", "gradient"])
def test_landscape_other_planes_in_process(plane, cache, capsys):
    assert cli.main(["landscape", *TINY, "--plane", plane, "--grid", "3", "--subset", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["plane"]["kind"] == plane and result["plane"]["explained_variance"] is None
    assert result["grid"] == 3 and result["cached"] is False
    if plane == "random":
        assert result["span"] == 1.0
    else:
        assert abs(result["plane"]["direction_norms"][0] - 1) < 1e-12 and abs(result["plane"]["cosine"]) < 1e-12


def test_landscape_text_output(cache, capsys):
    assert cli.main(["landscape", *TINY, "--plane", "pca", "--grid", "2", "--subset", "50"]) == 0
    out = capsys.readouterr().out
    assert "pca plane" in out and "explaining" in out and "landscape file:" in out


LANDSCAPE_ERRORS = {
    "grid-one": ["--plane", "pca", "--grid", "1"],
    "grid-zero": ["--plane", "pca", "--grid", "0"],
    "grid-negative": ["--plane", "pca", "--grid", "-5"],
    "grid-huge": ["--plane", "pca", "--grid", "5000"],
    "grid-not-int": ["--plane", "pca", "--grid", "ten"],
    "grid-missing": ["--plane", "pca"],
    "plane-unknown": ["--plane", "hessian", "--grid", "5"],
    "plane-missing": ["--grid", "5"],
    "span-zero": ["--plane", "pca", "--grid", "5", "--span", "0"],
    "span-negative": ["--plane", "pca", "--grid", "5", "--span=-2"],
    "span-nan": ["--plane", "pca", "--grid", "5", "--span", "nan"],
    "span-inf": ["--plane", "pca", "--grid", "5", "--span", "inf"],
    "subset-zero": ["--plane", "pca", "--grid", "5", "--subset", "0"],
    "subset-larger-than-run": ["--plane", "pca", "--grid", "5", "--subset", "501"],
    "direction-seed-negative": ["--plane", "random", "--grid", "5", "--direction-seed", "-1"],
    "epochs-negative": ["--plane", "pca", "--grid", "5", "--epochs", "-1"],
}


@pytest.mark.parametrize("args", list(LANDSCAPE_ERRORS.values()), ids=list(LANDSCAPE_ERRORS))
def test_landscape_errors_are_one_line_exit_2(args, cache, capsys):
    argv = ["landscape", *TINY, *args]
    try:
        code = cli.main(argv)
    except SystemExit as exc:                  # argparse errors exit from inside parse_args
        code = exc.code
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error:"), captured
    assert captured.out == ""
    assert not list(cache.glob("run-*.npz")) and not list(cache.glob("landscape-*.npz")), "nothing computed"


def test_landscape_error_from_the_command_line(cache):
    assert_one_line_error(run_cli(["landscape", "--preset", "nope", "--plane", "pca", "--grid", "5"], cache))
    assert_one_line_error(run_cli(["landscape", *TINY, "--plane", "pca", "--grid", "1", "--json"], cache))

"""The SGD parts (scenes/exact_sgd.py, stumble.py, minibatches.py, momentum.py, blowup.py): frame comparisons, values on screen equal gdcore's (recomputed independently), every
picture inside the frame with legible text, and the standalone scenes through the real manim command."""
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from manim import Text, ValueTracker, config, tempconfig
from frames import TEXT_DIRS, frame_test
from scenes.camera import GdvizScene, GdvizThreeDScene
from scipy.special import expit

import scene_data
from gdcore import analysis, landscape, load_mnist, runs
from scenes.blowup import BlowUp
from scenes.exact_sgd import ExactStumble
from scenes.minibatches import DealMiniBatches
from scenes.momentum import HeavyBall
from scenes.stumble import RealStumble
from scenes.visuals import TINY_SIZE

__module_test__ = "sgd"
ROOT = Path(__file__).resolve().parent.parent

SMALL = {"sizes": (784, 16, 16, 10), "epochs": None, "train_size": 500, "seed": 0}


# --- small real runs (a second or two each, trained once per session) ---------------------------------
@lru_cache(maxsize=None)
def small(kind: str):
    configs = {
        "gd": runs.RunConfig(**SMALL, eta=1.5, batch_size=None, steps=20, snapshot_every=2, dtype="float64"),
        "sgd": runs.RunConfig(**SMALL, eta=1.5, batch_size=10, steps=100, snapshot_every=5, dtype="float64"),
        "stuck": runs.RunConfig(**SMALL, eta=30.0, batch_size=10, steps=100),
    }
    if kind == "overflow":     # the real preset: it overflows at step 7, so it trains in about a second
        return runs.get("overflow", progress=False)
    return runs.get(configs[kind], progress=False)


def exact_part(**kw):
    return ExactStumble(steps=12, epochs=0.25, grid=(29, 21), shown_batches=2, pace=0.05, **kw)


def real_part(**kw):
    return RealStumble(small("gd"), small("sgd"), eval_images=500, cells=15, random_cells=7, other_seeds=2, window=5,
                       pace=0.05, **kw)


PARTS = {
    "exact": exact_part,
    "real": real_part,
    "deal": lambda: DealMiniBatches(small("sgd"), pace=0.05),
    "momentum": lambda: HeavyBall(steps=12, pace=0.05),
    "blow_up": lambda: BlowUp(small("sgd"), small("stuck"), small("overflow"), other_seeds=(1,), other_steps=20,
                              pace=0.05),
}


class CheckedScene(GdvizScene):
    """A Scene that checks the picture after every animation and wait: everything inside the frame, no
    text shrunk below TINY_SIZE."""

    def play(self, *args, **kw):
        super().play(*args, **kw)
        check_picture(self)

    def wait(self, *args, **kw):
        super().wait(*args, **kw)
        check_picture(self)


def check_picture(scene):
    w, h = config.frame_width / 2 + 1e-6, config.frame_height / 2 + 1e-6
    for mob in scene.mobjects:
        if isinstance(mob, ValueTracker):       # a number stored as a point, not drawn
            continue
        if mob.has_points() or mob.get_family()[1:]:
            assert -w <= mob.get_left()[0] and mob.get_right()[0] <= w, mob
            assert -h <= mob.get_bottom()[1] and mob.get_top()[1] <= h, mob
        for part in mob.get_family():
            if isinstance(part, Text) and part.height > 0:
                assert part.font_size >= TINY_SIZE - 0.01, part.text


def dry_play(part, scene_class=CheckedScene):
    with tempconfig({"dry_run": True, "disable_caching": True, "frame_rate": 15, "pixel_width": 160,
                     "pixel_height": 90}):
        part.play(scene_class())
    return part.shown


# --- each part: its last frame, its picture after every animation, and its values equal gdcore's -------------
def sixes_and_nines():
    """The neuron's data, recomputed from the raw MNIST arrays."""
    data = load_mnist()
    labels = data.train_labels[:10000]
    index = np.flatnonzero((labels == 6) | (labels == 9))
    images = data.train_images[index].astype(np.float64)
    s = (images[:, :14].sum((1, 2)) - images[:, 14:].sum((1, 2))) / images.sum((1, 2))
    return s, (labels[index] == 9).astype(np.float64)


def neuron_cost(p, s, y):
    return float(np.mean((expit(p[0] * s + p[1]) - y) ** 2))


def neuron_gradient(p, s, y):
    a = expit(p[0] * s + p[1])
    dz = 2 * (a - y) * a * (1 - a)
    return np.array([np.mean(dz * s), np.mean(dz)])


@frame_test(base_scene=CheckedScene)
def test_exact_part(scene):
    """The last frame, the picture after every animation, and the values shown equal gdcore's."""
    part = exact_part()
    part.play(scene)
    shown = part.shown
    s, y = sixes_and_nines()
    assert shown["n"] == len(s) == 1992 and shown["eta"] == 10.0
    data = load_mnist()
    for i, balance in zip(shown["examples"]["index"], shown["examples"]["balance"]):
        image = data.train_images[i].astype(float)
        assert balance == pytest.approx((image[:14].sum() - image[14:].sum()) / image.sum(), abs=1e-12)
    full = shown["per_step"]["None"]["params"]
    p = np.array(shown["start"])
    for k in range(1, len(full)):                          # full-batch descent by hand
        p = p - 10.0 * neuron_gradient(p, s, y)
        assert np.allclose(full[k], p, rtol=0, atol=1e-12)
    for key, path in shown["per_step"].items():
        costs = [neuron_cost(q, s, y) for q in path["params"]]
        assert np.allclose(path["cost"], costs, rtol=0, atol=1e-14)
        assert set(shown["readouts"][f"per step cost {key}"]) <= set(path["cost"])
        assert shown["readouts"][f"per step cost {key}"][-1] == path["cost"][-1]
        assert shown["readouts"][f"per step steps {key}"][-1] == len(path["params"]) - 1
    one = shown["per_step"]["1"]["params"]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(s))
    p = np.array(shown["start"])
    for k in range(len(one) - 1):                          # one image per step, the seeded shuffle by hand
        p = p - 10.0 * neuron_gradient(p, s[order[k:k + 1]], y[order[k:k + 1]])
        assert np.allclose(one[k + 1], p, rtol=0, atol=1e-12)

    why = shown["why"]
    at = np.array(why["at"])
    assert np.allclose(at, full[-1])
    for rows, c in zip(why["batches"], why["steps"]):
        rows = np.array(rows)
        assert np.allclose(c["batch_step"], -10.0 * neuron_gradient(at, s[rows], y[rows]), rtol=1e-12)
        assert c["batch_cost"] == pytest.approx(neuron_cost(at, s[rows], y[rows]), rel=1e-12)
        assert c["full_cost"] == pytest.approx(neuron_cost(at, s, y), rel=1e-12)

    budget = shown["budget"]
    assert budget == round(0.25 * len(s))
    steps = {k: v["steps_at_budget"] for k, v in shown["per_example"].items()}
    assert steps == {"None": 0, "10": budget // 10, "1": budget}
    assert shown["readouts"]["images processed"][-1] == budget
    for key, path in shown["per_example"].items():
        assert shown["readouts"][f"per example cost {key}"][-1] == pytest.approx(
            neuron_cost(path["params"][steps[key]], s, y), abs=1e-14)


@frame_test(base_scene=CheckedScene)
def test_real_network_part(scene):
    gd, sgd = small("gd"), small("sgd")
    part = real_part()
    part.play(scene)
    shown = part.shown
    X, Y = analysis.training_set(gd.config, load_mnist())
    # PCA of both paths around the full batch's end, independently by SVD
    centre = gd.params[-1]
    M = np.vstack([gd.params, sgd.params]) - centre
    sv = np.linalg.svd(M, compute_uv=False) ** 2
    assert np.allclose(shown["explained"], sv[:2] / sv.sum(), rtol=1e-9)
    plane = part.plane
    net = gd.network()
    for i, j in ((0, 0), (len(part.alphas) - 1, 3), (5, len(part.betas) - 1)):
        net.params = plane.origin + part.alphas[i] * plane.directions[0] + part.betas[j] * plane.directions[1]
        assert part.grid.costs[i, j] == pytest.approx(net.cost(X, Y), rel=1e-10)
    final = {}
    for key, run in (("gd", gd), ("sgd", sgd)):
        path = shown["paths"][key]
        offsets = run.params - plane.origin
        coords = offsets @ plane.directions.T                 # the PCA directions are orthonormal
        assert np.allclose(path["coords"], coords, atol=1e-9)
        assert np.allclose(path["distance"], np.linalg.norm(offsets - coords @ plane.directions, axis=1), atol=1e-9)
        true = []
        for theta in run.params:
            net.params = theta
            true.append(net.cost(X, Y))
        assert np.allclose(path["cost"], true, rtol=1e-9)
        final[key] = true[-1]
        assert set(shown["readouts"][f"{key} cost"]) <= set(path["cost"])
        assert shown["readouts"][f"{key} cost"][-1] == path["cost"][-1]
        assert shown["readouts"][f"{key} step"][-1] == run.steps[-1]
        assert shown["readouts"][f"{key} images"][-1] == run.steps[-1] * min(run.config.batch_size or 500, 500)
    top = part.grid.costs.max()                # the landscape starts at the first step both runs are inside it
    inside = [k for k, step in enumerate(gd.steps) if max(shown["paths"][r]["cost"][k] for r in ("gd", "sgd")) <= top]
    assert shown["start"] == {"cost": shown["paths"]["gd"]["cost"][0], "distance": shown["paths"]["gd"]["distance"][0],
                              "first_in_view": int(gd.steps[inside[0]])}
    assert shown["conclusion"]["gd_cost"] == pytest.approx(final["gd"], rel=1e-9)
    assert shown["conclusion"]["sgd_cost"] == pytest.approx(final["sgd"], rel=1e-9)
    assert (shown["conclusion"]["gd"], shown["conclusion"]["sgd"]) == (20 * 500, 100 * 10)
    for key, run, steps in (("gd", gd, 1), ("sgd", sgd, 5)):
        side = shown["sideways"][key]
        start = int(np.flatnonzero(run.steps == side["from"])[0])
        path = analysis.replay_steps(run, start, steps, X, Y)
        assert np.allclose(path[-1], run.params[np.flatnonzero(run.steps == side["from"] + steps)[0]], atol=1e-10)
        moved = np.diff(path, axis=0)
        assert side["length"] == pytest.approx(np.median(np.linalg.norm(moved, axis=1)), rel=1e-12)
        in_plane = np.linalg.norm(moved @ plane.directions.T, axis=1)
        assert side["in_plane"] == pytest.approx(np.median(in_plane), rel=1e-9)
    random = shown["random"]
    rp = landscape.random_plane(net.sizes, plane.origin, 0)
    c, d = landscape.project(np.vstack([gd.params, sgd.params]), rp)
    total = ((np.vstack([gd.params, sgd.params]) - plane.origin) ** 2).sum()
    assert random["share"] == pytest.approx(1 - (d ** 2).sum() / total, rel=1e-9)
    assert random["max_distance"] == pytest.approx(d.max())
    assert random["max_abs_coord"] == pytest.approx(np.abs(c).max())
    assert random["pca_share"] == pytest.approx(sum(shown["explained"]), rel=1e-9)
    _, pd = landscape.project(np.vstack([gd.params, sgd.params]), plane)      # the PCA plane's own share
    assert random["pca_share"] == pytest.approx(1 - (pd ** 2).sum() / total, rel=1e-9)


@frame_test(base_scene=CheckedScene)
def test_mini_batches_part(scene):
    run = small("sgd")
    part = PARTS["deal"]()
    part.play(scene)
    shown = part.shown
    X, Y = analysis.training_set(run.config, load_mnist())
    order = np.random.default_rng([0, 2]).permutation(500)     # the training loop's seed, by hand
    assert shown["shuffled_images"] == order[:60].tolist()
    assert shown["batches"][1] == order[10:20].tolist()
    for k, cost in enumerate(shown["stepped_costs"]):
        net = run.network(int(np.flatnonzero(run.steps == k)[0]))
        rows = order[k * 10:(k + 1) * 10]
        assert cost == pytest.approx(net.cost(X[rows], Y[rows]), rel=1e-6)   # step_cost is float32
    assert shown["pass"]["steps"] == 50
    end_of_pass = run.network(int(np.flatnonzero(run.steps == 50)[0]))
    assert shown["pass"]["last_full_cost"] == pytest.approx(end_of_pass.cost(X, Y))


@frame_test(base_scene=CheckedScene)
def test_momentum_part(scene):
    part = PARTS["momentum"]()
    part.play(scene)
    shown = part.shown
    for key, beta in (("gd", 0.0), ("momentum", 0.5)):
        w, v = np.array([-9.0, 1.5]), np.zeros(2)
        for k in range(12):
            v = beta * v - 0.95 * np.array([0.04, 2.0]) * w
            w = w + v
            assert np.allclose(shown["paths"][key][k + 1], w, rtol=0, atol=1e-13)
        assert shown["readouts"][f"{key} cost"][-1] == pytest.approx(0.02 * w[0] ** 2 + w[1] ** 2)
    assert shown["costs"]["momentum"][-1] < shown["costs"]["gd"][-1]


@frame_test(base_scene=CheckedScene)
def test_blow_up_part(scene):
    stuck, overflow = small("stuck"), small("overflow")
    part = PARTS["blow_up"]()
    part.play(scene)
    shown = part.shown
    over = shown["overflow"]
    assert over["stop"] == overflow.divergence["step"] and not np.isfinite(over["rows"][-1]["cost"])
    for row in over["rows"][:-1]:
        assert row["cost"] == overflow.step_cost[row["step"] - 1] and np.isfinite(row["cost"])
        weights = overflow.params[row["step"]]
        finite = np.isfinite(weights)
        assert row["not_finite"] == (~finite).sum()
        if finite.all():
            assert row["largest"] == np.abs(weights).max()
    assert over["cap"] == pytest.approx(-np.log(np.finfo(np.float32).tiny))
    X, _ = analysis.training_set(stuck.config, load_mnist())
    assert shown["stuck"]["largest_output"] == pytest.approx(stuck.network().forward(X).max())
    assert shown["stuck"]["stuck_accuracy"] == stuck.train_accuracy[-1]
    other = runs.get(runs.RunConfig(**{**overflow.config.to_dict(), "sizes": (784, 16, 16, 10), "seed": 1, "steps": 20,
                                       "log_snapshots": 1}), progress=False)
    assert shown["others"][0]["seed"] == 1 and shown["others"][0]["steps"] == len(other.step_cost)
    assert shown["others"][0]["largest"] == np.nanmax(np.abs(other.params[-1].astype(np.float64)))


def test_a_cost_surface_is_the_grid_seen_from_any_angle():
    from scenes.visuals import CostSurface

    xs, ys = np.linspace(-3, 5, 9), np.linspace(-1, 1, 3)
    costs = np.add.outer(xs ** 2, 2 * ys)                         # a bowl along x, a slope along y
    land = CostSurface(costs, xs, ys, costs.min(), costs.max(), 8.0, 4.0, elevation=90, azimuth=0, cells=9)
    land.shift([1.0, -0.5, 0])
    corners = land.screen([[xs[0], ys[0], 0], [xs[-1], ys[-1], 99]])     # from above: a map, the height unseen
    assert np.allclose(corners[1] - corners[0], [8.0, 2.0, 0])          # fitted to the width, the true aspect kept
    assert np.allclose((corners[0] + corners[1]) / 2, [1.0, -0.5 - land.HEADROOM / 2, 0])   # where it was moved to
    assert land.height_at(2.0, 1.0) == pytest.approx(4 + 2) and land.height_at(2.5, 0.5) == pytest.approx((4 + 9) / 2 + 1)
    land.set_view(30, -20)                                      # tilted: a higher cost is higher on screen
    low, high = land.screen([[1, 0, costs.min()], [1, 0, costs.max()]])
    assert high[1] > low[1] and high[0] == pytest.approx(low[0])
    assert np.allclose((land.get_left()[0] + land.get_right()[0]) / 2, 1.0, atol=1e-6)
    assert land.width <= 8.0 + 1e-6 and land.height <= 4.0 + 1e-6
    far, near = land.screen([[1, ys[-1], 0], [1, ys[0], 0]])    # and the far side of the plane above the near one
    assert far[1] > near[1]


def test_a_part_plays_in_the_lecture_s_three_d_scene():
    shown = dry_play(HeavyBall(steps=3, pace=0.05), GdvizThreeDScene)
    assert len(shown["paths"]["gd"]) == 4


# --- the standalone scenes, through the real command (trains the real presets once) -----------------------
def test_standalone_scenes_render(tmp_path):
    from scenes.catalog import CATALOG

    modules = {"exact_sgd": "ExactTwoParameterSGD", "stumble": "RealNetworkStumble", "minibatches": "MiniBatches",
               "momentum": "Momentum", "blowup": "TooLargeLearningRate"}
    assert {e.module: e.scene for e in CATALOG if e.module in modules} == modules
    cfg = tmp_path / "test.cfg"
    cfg.write_text("[CLI]\n" + "".join(f"{k} = {v}\n" for k, v in TEXT_DIRS.items()))
    for module, scene in modules.items():
        scene_data.render_stills(tmp_path / module, module, scene, extra=("--config_file", str(cfg)))

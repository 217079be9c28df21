"""gdcore.runs: the run cache (get/save/load), snapshot schedule, recorded gradients, races, safety."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from gdcore import cache, runs
from gdcore.data import inputs, load_mnist, one_hot
from gdcore.errors import ConfigError
from gdcore.network import example_costs
from gdcore.runs import RunConfig, snapshot_schedule
from gdcore.train import steps_per_epoch

from helpers import ROOT, assert_same_arrays, isolated_cache  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)

SMALL = RunConfig(train_size=500, epochs=2, batch_size=10, log_snapshots=10, epoch_snapshots=10)


def test_get_trains_saves_then_loads(isolated_cache):  # noqa: F811
    first = runs.get(SMALL, progress=False)
    assert first.cached is False
    assert first.path == runs.run_path(SMALL)
    assert first.path.parent == isolated_cache and first.path.exists()
    assert first.path.name == f"run-{first.key}.npz"
    started = time.perf_counter()
    second = runs.get(SMALL, progress=False)
    elapsed = time.perf_counter() - started
    assert second.cached is True
    assert elapsed < 0.5, f"cached get took {elapsed:.3f} s"
    assert_same_arrays(first, second)
    assert second.meta == first.meta
    assert second.config == first.config
    np.testing.assert_array_equal(second.network().params, first.params[-1].astype(np.float64))
    # The file is a plain .npz readable without pickle.
    with np.load(first.path, allow_pickle=False) as z:
        assert "meta" in z.files and "params" in z.files
    assert len(list(isolated_cache.glob("run-*.npz"))) == 1


def test_get_with_a_preset_config_and_override():
    from gdcore.presets import preset
    config = preset("video", train_size=300, epochs=1, log_snapshots=5)
    run = runs.get(config, progress=False)
    assert run.config.schedule == "cosine" and run.config.train_size == 300
    assert run.key != runs.get(SMALL, progress=False).key


def test_snapshot_schedule_small():
    config = RunConfig(train_size=2000, batch_size=10, epochs=5)
    total, per_epoch = config.total_steps, steps_per_epoch(2000, 10)
    assert (total, per_epoch) == (1000, 200)
    steps, grad_steps = snapshot_schedule(config)
    assert steps.dtype.kind == "i" and grad_steps.dtype.kind == "i"
    assert np.all(np.diff(steps) > 0)  # sorted and unique
    assert steps[0] == 0 and steps[-1] == total
    for s in [0, 1, 10, 100, 1000] + [e * per_epoch for e in range(1, 6)]:
        assert s in steps, s
    assert grad_steps.tolist() == [0, 1, 10, 100, 1000]
    assert set(grad_steps) <= set(steps)
    # Dense early: log-spaced steps put several snapshots in the first epoch.
    assert np.sum(steps < per_epoch) >= 10


@pytest.mark.parametrize("config", [
    RunConfig(train_size=2000, batch_size=10, epochs=300),                      # 60,000 steps, 300 epochs
    RunConfig(train_size=10000, batch_size=None, epochs=None, steps=1000, epoch_snapshots=200),
    RunConfig(batch_size=10, epochs=3.5),                                       # 21,000 steps
    RunConfig(train_size=100, batch_size=30, epochs=7, log_snapshots=3, epoch_snapshots=2),
])
def test_snapshot_schedule_properties(config):
    config = config.validate()
    total = config.total_steps
    per_epoch = steps_per_epoch(config.train_size or 60000, config.batch_size)
    steps, grad_steps = snapshot_schedule(config)
    assert np.all(np.diff(steps) > 0) and np.all(np.diff(grad_steps) > 0)
    assert steps[0] == 0 and steps[-1] == total and grad_steps[0] == 0 and grad_steps[-1] == total
    powers = [10 ** k for k in range(12) if 10 ** k <= total]
    assert set(powers) <= set(steps.tolist())
    assert grad_steps.tolist() == sorted(set(powers) | {0, total})
    n_epochs = total // per_epoch
    epoch_ends = [s for s in steps.tolist() if s and s % per_epoch == 0]
    assert len(epoch_ends) >= min(n_epochs, config.epoch_snapshots)
    if n_epochs <= config.epoch_snapshots:
        assert set(range(per_epoch, n_epochs * per_epoch + 1, per_epoch)) <= set(steps.tolist())
    assert steps.max() <= total


def test_snapshot_schedule_zero_steps():
    steps, grad_steps = snapshot_schedule(RunConfig(train_size=100, epochs=0).validate())
    assert steps.tolist() == [0] and grad_steps.tolist() == [0]


def test_recorded_run_follows_its_schedule_and_its_numbers_recompute():
    run = runs.get(SMALL, progress=False)
    steps, grad_steps = snapshot_schedule(SMALL)
    np.testing.assert_array_equal(run.steps, steps)
    np.testing.assert_array_equal(run.gradient_steps, grad_steps)
    per_epoch = steps_per_epoch(500, 10)
    np.testing.assert_allclose(run.epochs, run.steps / per_epoch)
    n = len(steps)
    assert run.params.shape == (n, 13002) and run.params.dtype == np.float32
    assert run.train_cost.shape == run.train_accuracy.shape == run.test_accuracy.shape == (n,)
    assert run.step_cost.shape == (SMALL.total_steps,)
    assert run.gradients.shape == (len(grad_steps), 13002)

    data = load_mnist()
    X, Y = inputs(data.train_images[:500]), one_hot(data.train_labels[:500])
    X_test = inputs(data.test_images)
    for i, s in enumerate(run.gradient_steps):
        k = int(np.flatnonzero(run.steps == s)[0])
        net = run.network(k)  # float64, from the stored float32 params
        g = net.gradient(X, Y)
        recorded = run.gradients[i].astype(np.float64)
        rel = np.linalg.norm(recorded - g) / np.linalg.norm(g)
        assert rel < 1e-4, f"gradient at step {s}: relative error {rel:.2e}"
        np.testing.assert_allclose(recorded, g, rtol=1e-2, atol=1e-4 * np.abs(g).max())
    for k in (0, n // 2, n - 1):
        net = run.network(k)
        outputs = net.forward(X)
        assert run.train_cost[k] == pytest.approx(example_costs(outputs, Y).mean(), rel=1e-4)
        assert run.train_accuracy[k] == pytest.approx(np.mean(outputs.argmax(1) == data.train_labels[:500]),
                                                      abs=0.005)
        assert run.test_accuracy[k] == pytest.approx(net.accuracy(X_test, data.test_labels), abs=0.002)


def test_snapshot_at_epoch():
    run = runs.get(SMALL, progress=False)
    assert run.epochs[run.snapshot_at_epoch(1.0)] == pytest.approx(1.0)
    assert run.snapshot_at_epoch(-5) == 0
    assert run.snapshot_at_epoch(1e9) == len(run.steps) - 1


def test_half_written_run_file_is_discarded_and_retrained(capsys):
    first = runs.get(SMALL, progress=False)
    path = first.path
    blob = path.read_bytes()
    path.write_bytes(blob[:len(blob) // 2])
    capsys.readouterr()
    second = runs.get(SMALL, progress=False)
    err = capsys.readouterr().err
    assert "warning" in err and path.name in err
    assert second.cached is False
    assert_same_arrays(first, second)
    third = runs.get(SMALL, progress=False)  # the rewritten file is whole again
    assert third.cached is True
    assert capsys.readouterr().err == ""


def _rewrite_meta(path, edit):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    edit(meta)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("edit", [
    lambda m: m["config"].__setitem__("eta", 3.0),           # config no longer matches the key
    lambda m: m.__setitem__("key", "0" * 20),                # key no longer matches the config
    lambda m: m["data"].__setitem__("fingerprint", "f" * 16),
    lambda m: m.__setitem__("format", 999),
    lambda m: m.__setitem__("num_params", 12),
    lambda m: m["config"].__setitem__("colour", "blue"),      # unknown config key
], ids=["config", "key", "data", "format", "num_params", "unknown-key"])
def test_tampered_meta_is_discarded(edit, capsys):
    first = runs.get(SMALL, progress=False)
    _rewrite_meta(first.path, edit)
    with pytest.raises(Exception):
        runs.load(first.path)
    capsys.readouterr()
    second = runs.get(SMALL, progress=False)
    assert "warning" in capsys.readouterr().err
    assert second.cached is False
    assert second.config == SMALL.validate()
    assert_same_arrays(first, second)


def test_run_file_of_another_config_is_not_trusted(capsys):
    """A whole, self-consistent run file sitting under the wrong name (its key is not the one asked
    for) must not be returned as the requested run."""
    other = runs.get(SMALL, progress=False)
    wanted = dataclasses.replace(SMALL, seed=7)
    path = runs.run_path(wanted)
    assert path != other.path
    shutil.copyfile(other.path, path)
    run = runs.get(wanted, progress=False)
    assert run.config == wanted.validate(), f"got the run of {run.config} for {wanted}"
    assert run.key == path.name[len("run-"):-len(".npz")]
    assert not np.array_equal(run.params[0], other.params[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergent_run_round_trips_through_the_cache(capsys):
    config = RunConfig(train_size=200, epochs=1, eta=1e300, log_snapshots=5)
    first = runs.get(config, progress=False)
    assert first.divergence is not None
    second = runs.get(config, progress=False)
    assert second.cached is True
    assert second.divergence == first.divergence
    assert len(second.step_cost) == first.divergence["step"]


def test_atomic_write_leaves_no_temp_files(isolated_cache):  # noqa: F811
    runs.get(SMALL, progress=False)
    runs.get(dataclasses.replace(SMALL, seed=1), progress=False)
    leftovers = [p.name for p in isolated_cache.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == []
    assert len(list(isolated_cache.glob("run-*.npz"))) == 2


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    folder = tmp_path / "atomic"
    folder.mkdir()
    target = folder / "file.bin"
    target.write_bytes(b"old contents")

    def half_then_crash(f):
        f.write(b"new con")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        cache.atomic_write(target, half_then_crash)
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in folder.iterdir()) == ["file.bin"]
    cache.atomic_write(target, lambda f: f.write(b"new contents"))
    assert target.read_bytes() == b"new contents"
    assert sorted(p.name for p in folder.iterdir()) == ["file.bin"]


_RACER = textwrap.dedent("""
    import hashlib, json, os, sys, time
    from pathlib import Path
    from gdcore import runs
    from gdcore.data import load_mnist
    from gdcore.runs import RunConfig
    load_mnist()
    Path(sys.argv[1]).touch()                  # ready
    go = Path(sys.argv[2])
    deadline = time.time() + 60
    while not go.exists() and time.time() < deadline:
        time.sleep(0.001)
    config = RunConfig(**json.loads(sys.argv[3]))
    run = runs.get(config, progress=False)
    h = hashlib.sha256()
    for k in sorted(run.arrays):
        h.update(k.encode()); h.update(run.arrays[k].tobytes())
    print(json.dumps({"cached": run.cached, "hash": h.hexdigest(), "path": str(run.path)}))
""")


def test_two_processes_racing_train_once(tmp_path, isolated_cache):  # noqa: F811
    config = dict(train_size=1000, epochs=2, batch_size=10, log_snapshots=10, epoch_snapshots=2)
    go = tmp_path / "go"
    env = dict(os.environ, GDCORE_CACHE=str(isolated_cache))
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, str(tmp_path / f"ready{i}"), str(go), json.dumps(config)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    try:
        deadline = time.time() + 60
        while not all((tmp_path / f"ready{i}").exists() for i in range(2)):
            assert time.time() < deadline, "racers never got ready"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.005)
        go.touch()  # both start runs.get at the same moment
        outputs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    results = [json.loads(out) for out, _ in outputs]
    assert sorted(r["cached"] for r in results) == [False, True], results
    assert results[0]["hash"] == results[1]["hash"]
    assert results[0]["path"] == results[1]["path"]
    assert len(list(isolated_cache.glob("run-*.npz"))) == 1
    assert not [p for p in isolated_cache.iterdir() if p.name.endswith(".tmp")]
    # ... and it is the same run this process would get from the cache.
    run = runs.get(RunConfig(**config), progress=False)
    assert run.cached is True


class _Evil:
    """Unpickling this creates ``marker`` (proof that a loader unpickled)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("key", ["params", "meta"])
def test_object_arrays_are_never_unpickled(tmp_path, key, capsys):
    good = runs.get(SMALL, progress=False)
    path = good.path
    marker = tmp_path / "unpickled"
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays[key] = np.array([_Evil(marker)], dtype=object)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    # The payload is live: loading it with pickle allowed would run it (checked on a copy).
    probe = tmp_path / "probe.npz"
    shutil.copyfile(path, probe)
    with np.load(probe, allow_pickle=True) as z:
        z[key]
    assert marker.exists()
    marker.unlink()

    with pytest.raises(ValueError):
        runs.load(path)
    assert not marker.exists()
    capsys.readouterr()
    again = runs.get(SMALL, progress=False)
    assert not marker.exists(), "runs.get unpickled a run file"
    assert "warning" in capsys.readouterr().err
    assert again.cached is False
    assert_same_arrays(good, again)


def test_zero_step_run():
    run = runs.get(RunConfig(train_size=100, epochs=None, steps=0), progress=False)
    assert run.divergence is None
    assert run.steps.tolist() == [0] and run.gradient_steps.tolist() == [0]
    assert run.step_cost.shape == (0,)
    assert run.params.shape == (1, 13002)


@pytest.mark.parametrize("overrides", [
    {"sizes": (100, 10)}, {"sizes": (784, 16, 9)}, {"sizes": (784,)}, {"sizes": (784, 0, 10)},
    {"activation": "tanh"}, {"cost": "hinge"}, {"init": "xavier"}, {"dtype": "float16"},
    {"eta": 0.0}, {"eta": -1.0}, {"eta": float("nan")}, {"eta": float("inf")},
    {"train_size": 0}, {"train_size": 60001}, {"batch_size": 0}, {"batch_size": 101},
    {"momentum": 1.0}, {"momentum": -0.1}, {"weight_decay": -1e-4},
    {"epochs": None}, {"steps": 5}, {"epochs": -1}, {"epochs": None, "steps": -1},
    {"schedule": "linear"},
])
def test_invalid_configs_raise_config_error(overrides):
    config = dataclasses.replace(RunConfig(train_size=100, epochs=1), **overrides)
    with pytest.raises(ConfigError):
        config.validate()
    with pytest.raises(ConfigError):
        runs.get(config, progress=False)


@pytest.mark.parametrize("overrides", [
    {"seed": -1}, {"epochs": float("nan")}, {"epochs": float("inf")},
], ids=["seed-negative", "epochs-nan", "epochs-inf"])
def test_configs_that_cannot_train_fail_validation(overrides):
    """Values that pass validate() today but crash later inside numpy or int(round(...))."""
    config = dataclasses.replace(RunConfig(train_size=100, epochs=1), **overrides)
    with pytest.raises(ConfigError):
        runs.get(config, progress=False)


@pytest.mark.parametrize("other", [
    {"epochs": 2.0}, {"eta": 1.5}, {"seed": np.int64(0)}, {"train_size": 500.0}, {"batch_size": 10.0},
    {"log_snapshots": 10.0},
], ids=["epochs-float", "eta-int-like", "seed-numpy", "train-size-float", "batch-float", "snapshots-float"])
def test_one_run_in_two_spellings_has_one_key(other):
    """epochs=2 and epochs=2.0 (and the like) are the same numbers: one key, one run file, trained once."""
    assert runs.run_path(dataclasses.replace(SMALL, **other)) == runs.run_path(SMALL)
    assert runs.run_path(dataclasses.replace(SMALL, epochs=3)) != runs.run_path(SMALL)


@pytest.mark.parametrize("a,b", [
    ({"schedule": "step:2:0.5"}, {"schedule": "step:2.0:0.50"}),
    ({"train_size": None}, {"train_size": 60000}),
    ({"batch_size": None}, {"batch_size": 500}),       # a batch of the whole training set is full batch
], ids=["schedule-spelling", "all-images", "full-batch"])
def test_configs_that_train_the_same_numbers_share_a_key(a, b):
    base = dataclasses.replace(SMALL, epochs=1)
    assert runs.run_path(dataclasses.replace(base, **a)) == runs.run_path(dataclasses.replace(base, **b))


def test_stale_temp_files_are_removed_when_the_cache_is_opened(isolated_cache):  # noqa: F811
    now = time.time()
    dead = isolated_cache / ".run-dead.npz.k2j3h4g5.tmp"       # its lock is free: the writer is gone
    (isolated_cache / "run-dead.lock").touch()
    busy = isolated_cache / ".run-busy.npz.zzzzzzzz.tmp"       # its lock is held: being written now
    old = isolated_cache / ".other.npz.a1b2c3d4.tmp"           # no lock file, untouched for 10 minutes
    young = isolated_cache / ".young.npz.a1b2c3d4.tmp"         # no lock file, just written
    for p in (dead, busy, old, young):
        p.write_bytes(b"half a file")
    os.utime(old, (now - 600, now - 600))
    keep = isolated_cache / "run-keep.npz"
    keep.write_bytes(b"a whole file")
    with cache.file_lock(isolated_cache / "run-busy.lock"):
        cache._cleaned.discard(isolated_cache)
        cache.cache_dir()
    assert not dead.exists() and not old.exists()
    assert busy.exists() and young.exists() and keep.exists()


_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gdcore import cache
    path = Path(sys.argv[1])
    def write(f):
        f.write(b"half a run file")
        f.flush()
        print("writing", flush=True)
        time.sleep(60)
    with cache.file_lock(path.with_suffix(".lock")):
        cache.atomic_write(path, write)
""")


def test_temp_file_of_a_killed_save_is_cleaned_up(isolated_cache):  # noqa: F811
    target = isolated_cache / "run-killed.npz"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, GDCORE_CACHE=str(isolated_cache)))
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.kill()
        proc.wait()
    [tmp] = isolated_cache.glob(".run-killed.npz.*.tmp")
    cache._cleaned.discard(isolated_cache)
    cache.cache_dir()                       # the next process to open the cache
    assert not tmp.exists() and not target.exists()

"""Bad inputs, one row each: the input (CLI args, a Python call, or a damaged file first) and the one
line it must end in. Nothing is lost: no traceback, nothing half-trained, no file left half-written.

Row kinds (``Bad``):
- ``cli``: ``python -m gdcore ARGS`` in a subprocess ("{cache}" in an arg is the test's cache dir).
  outcome "error": exit 2, one stderr line 'error: ...' matching ``expect``, nothing on stdout.
  outcome "warning": exit 0, one stderr line 'warning: ...' matching ``expect``; with --json, stdout
  is one strict JSON object (no NaN).
- ``call``: a Python call ``call(cache)`` that must raise ``raises`` with a message matching ``expect``.
- ``damage(cache, monkeypatch)`` runs first (a file corruption, a full disk); ``after(cache)`` checks
  what must still be true (the old file intact, no temp file left).
- ``inprocess``: run the CLI row through ``cli.main`` in this process (so a monkeypatch applies).
Unless a row ``trains`` (a good run, then a bad landscape of it), an error row trains nothing.
"""
from __future__ import annotations

import errno
import json
import re
import resource
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytest

from gdcore import Network, cli, inputs, landscape, load_mnist, one_hot, runs
from gdcore.errors import CacheError, ConfigError, DataError
from gdcore.landscape import Plane
from gdcore.presets import preset
from gdcore.runs import RunConfig
from gdcore.train import parse_schedule, train

from helpers import (assert_one_line_error, cache, copy_mnist, decoded_mnist, isolated_cache,  # noqa: F401
                     run_cli)

S = ["--train-size", "300", "--epochs", "1"]   # a 0.3 s run
SMALL = preset("video", train_size=300, epochs=1.0, steps=None)   # the run `train *S` trains


@dataclass(frozen=True)
class Bad:
    """One bad input and how it must end (see the module docstring)."""

    name: str
    expect: str
    cli: tuple = ()
    call: object = None
    raises: type = ConfigError
    outcome: str = "error"
    damage: object = None
    after: object = None
    ulimit_bytes: int | None = None
    inprocess: bool = False
    trains: bool = False   # the (good) run is trained before the bad part is found


# --- helpers the rows use ----------------------------------------------------------------------
@lru_cache(maxsize=None)
def _xy(n=20):
    data = load_mnist()
    return inputs(data.train_images[:n]), one_hot(data.train_labels[:n]), np.asarray(data.train_labels[:n])


def _net():
    return Network([784, 16, 10], init="fan_in", seed=0)


def _train(**kwargs):
    X, Y, _ = _xy()
    return train(_net(), X, Y, **{"eta": 1.0, "batch_size": 10, "epochs": 1, **kwargs})


def _mnist_cache(cache):
    return next(cache.glob("mnist-*.npz"))


def _replace(path, make):
    """Write ``make()``'s arrays over ``path`` as a plain .npz (unlinked first: the fixture hard-links it)."""
    path.unlink()
    with open(path, "wb") as f:
        np.savez(f, **make())


def _zeros_same_shape(cache, monkeypatch):
    path = _mnist_cache(cache)
    _replace(path, lambda: {"train_images": np.zeros((60000, 28, 28), np.uint8),
                            "train_labels": np.zeros(60000, np.uint8),
                            "test_images": np.zeros((10000, 28, 28), np.uint8),
                            "test_labels": np.zeros(10000, np.uint8)})


def _edit_arrays_keep_meta(path, name):
    """Zero one array of a gdcore .npz, keeping its metadata (and its stored hash) as they were."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays[name] = np.zeros_like(arrays[name])
    _replace(path, lambda: arrays)


def _zeroed_mnist_images(cache, monkeypatch):
    _edit_arrays_keep_meta(_mnist_cache(cache), "test_images")


def _mnist_loads_right(cache):
    data = load_mnist()
    assert data.train_images.max() == 255 and data.test_images.max() == 255
    assert np.bincount(data.test_labels).min() > 800


def _run_file(cache):
    return runs.run_path(SMALL)


def _edited_run(cache, monkeypatch):
    runs.get(SMALL, progress=False)
    _edit_arrays_keep_meta(_run_file(cache), "params")


def _run_file_whole(cache):
    run = runs.load(_run_file(cache))
    assert np.abs(run.params).max() > 0


def _mkdir_run_file(cache, monkeypatch):
    _run_file(cache).mkdir()
    (_run_file(cache) / "precious.txt").write_text("keep me")


def _run_dir_untouched(cache):
    assert (_run_file(cache) / "precious.txt").read_text() == "keep me"
    assert not list(cache.glob("run-*.npz.*")) and not list(cache.glob(".*.tmp"))


def _mkdir_mnist_cache(cache, monkeypatch):
    path = _mnist_cache(cache)
    path.unlink()
    path.mkdir()


def _mnist_dir_untouched(cache):
    assert _mnist_cache(cache).is_dir()
    assert not list(cache.glob(".*.tmp"))


LANDSCAPE = ["landscape", *S, "--plane", "pca", "--grid", "3", "--subset", "50"]


def _edited_landscape(cache, monkeypatch):
    assert cli.main(LANDSCAPE + ["--json"]) == 0
    _edit_arrays_keep_meta(next(cache.glob("landscape-*.npz")), "costs")


def _disk_full(monkeypatch):
    """np.savez writes some bytes and then the disk is full."""
    import gdcore.store

    def full(f, **arrays):
        f.write(b"PK\x03\x04 half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gdcore.store.np, "savez", full)


def _trained_then_disk_full(cache, monkeypatch):
    runs.get(SMALL, progress=False)
    _run_file(cache).with_suffix(".bytes").write_bytes(_run_file(cache).read_bytes())
    _disk_full(monkeypatch)


def _old_run_file_intact(cache):
    path = _run_file(cache)
    assert path.read_bytes() == path.with_suffix(".bytes").read_bytes(), "the previous run file changed"
    assert not list(cache.glob(".*.tmp")), "the partial temp file is still there"


def _no_mnist_cache_and_disk_full(cache, monkeypatch):
    import gdcore.data
    _mnist_cache(cache).unlink()
    gdcore.data._load_cached.cache_clear()
    _disk_full(monkeypatch)


def _nothing_half_written(cache):
    assert not list(cache.glob(".*.tmp")) and not list(cache.glob("mnist-*.npz"))


def _file(cache, monkeypatch):
    (cache / "not-a-folder.txt").write_text("hello")


def _mnist_copy_with(part):
    def damage(cache, monkeypatch):
        folder = copy_mnist(cache / "mnist-copy")
        (folder / part).unlink()
        (folder / part).mkdir()
    return damage


def _plane(origin_fill=None, parallel=False):
    P = _net().num_params
    d = np.zeros((2, P))
    d[0, 0] = 1.0
    d[1, 0 if parallel else 1] = 1.0
    return Plane(np.full(P, np.nan) if origin_fill == "nan" else np.zeros(P), d, "test")


def _grid(alphas=(0.0,), plane=None):
    X, Y, _ = _xy()
    return landscape.cost_grid(_net(), X, Y, plane or _plane(), list(alphas), [0.0])


FLOAT_FLAGS = [(flag, value) for flag in ("--eta", "--momentum", "--weight-decay", "--epochs")
               for value in ("nan", "inf", "-inf", "1e999")]

BAD = [
    # --- float flags: non-finite and out-of-range values, for every one of them ------------------
    *[Bad(f"{flag[2:]}={value}", rf"argument {flag}: must be a finite number, got '{re.escape(value)}'",
          cli=("train", "--train-size", "300", f"{flag}={value}") + (("--epochs", "1") if flag != "--epochs" else ()))
      for flag, value in FLOAT_FLAGS],
    Bad("weight-decay-negative", r"weight decay must be at least 0, got -0\.001", cli=("train", *S, "--weight-decay=-1e-3")),
    Bad("momentum-above-one", r"momentum must be in \[0, 1\), got 1\.5", cli=("train", *S, "--momentum", "1.5")),
    Bad("span-nan-like-huge", r"span must be a number in \(0, 1e\+06\]", cli=(*LANDSCAPE, "--span", "1e308")),
    Bad("span-non-finite", r"argument --span: must be a finite number", cli=(*LANDSCAPE, "--span=-inf")),
    # --- schedules --------------------------------------------------------------------------------
    Bad("schedule-tiny-interval", r"schedule 'step:5e-324:0\.5': EPOCHS .* at least one step .* got 4\.94066e-324",
        cli=("train", *S, "--schedule", "step:5e-324:0.5")),
    Bad("schedule-growing", r"schedule 'step:0\.5:10': FACTOR .* in \(0, 1\], got 10", cli=("train", *S, "--schedule", "step:0.5:10")),
    Bad("schedule-sub-step", r"EPOCHS .* 1/30 epoch here", cli=("train", *S, "--schedule", "step:0.001:0.5")),
    Bad("schedule-inf", r"EPOCHS .* must be a finite number, got inf", cli=("train", *S, "--schedule", "step:inf:0.5")),
    Bad("schedule-api", r"FACTOR .* got 1\.5", call=lambda c: parse_schedule("step:2:1.5")),
    # --- sizes ------------------------------------------------------------------------------------
    Bad("sizes-negative", r"every layer needs at least one neuron, got '784,-5,10'", cli=("train", *S, "--sizes", "784,-5,10")),
    Bad("sizes-empty-layer", r"no empty .* got '784,,10'", cli=("train", *S, "--sizes", "784,,10")),
    Bad("sizes-fraction", r"whole numbers .* got '784,16\.7,10'", cli=("train", *S, "--sizes", "784,16.7,10")),
    Bad("network-fraction", r"layer 1 size must be a whole number, got 16\.7", call=lambda c: Network([784, 16.7, 10])),
    Bad("network-negative", r"layer 1 size must be a whole number at least 1, got -5", call=lambda c: Network([784, -5, 10])),
    Bad("network-bool", r"layer 1 size must be a whole number, got True", call=lambda c: Network([784, True, 10])),
    Bad("network-string", r"list of layer sizes", call=lambda c: Network("784,16,10")),
    Bad("network-seed", r"seed must be a non-negative integer", call=lambda c: Network([784, 10], seed=-1)),
    Bad("config-fraction", r"train size must be a whole number, got 100\.5",
        call=lambda c: RunConfig(train_size=100.5, epochs=1).validate()),
    Bad("config-weight-decay-inf", r"weight decay must be a finite number, got inf",
        call=lambda c: RunConfig(train_size=100, epochs=1, weight_decay=float("inf")).validate()),
    Bad("config-shuffle-not-bool", r"shuffle_labels must be True or False",
        call=lambda c: RunConfig(train_size=100, epochs=1, shuffle_labels="yes").validate()),
    Bad("config-log-snapshots", r"log_snapshots must be a whole number in \[0, 1e\+06\], got -1",
        call=lambda c: RunConfig(train_size=100, epochs=1, log_snapshots=-1).validate()),
    # --- more memory than there is: refused before allocating ---------------------------------------
    Bad("steps-1e14", r"run of 100,000,000,000,000 steps .* needs about 400\.0 TB of memory",
        cli=("train", "--train-size", "300", "--steps", "100000000000000")),
    Bad("epochs-1e15", r"run of 30,000,000,000,000,000 steps .* needs about 120\.0 PB of memory",
        cli=("train", "--train-size", "300", "--epochs", "1e15")),
    Bad("epochs-1e308", r"epochs=1e\+308 at 30 steps per epoch is no number of steps; give fewer epochs", cli=("train", *S[:2], "--epochs", "1e308")),
    Bad("sizes-1e8", r"79,500,000,010 parameters needs about .* of memory", cli=("train", *S, "--sizes", "784,100000000,10")),
    Bad("sizes-1e5-ulimit", r"79,500,010 parameters needs about .* GB of memory, more than the .* this process can have",
        cli=("train", *S, "--sizes", "784,100000,10"), ulimit_bytes=3_000_000 * 1024),
    Bad("network-1e8", r"a 784-100000000-10 network \(79,500,000,010 parameters\) needs about [\d.]+ TB",
        call=lambda c: Network([784, 100000000, 10])),
    Bad("runs-get-1e14-steps", r"100,000,000,000,000 steps .* of memory",
        call=lambda c: runs.get(RunConfig(train_size=100, epochs=None, steps=10 ** 14), progress=False)),
    # --- labels, images, shapes ---------------------------------------------------------------------
    Bad("one-hot-minus-one", r"labels must be whole numbers 0\.\.9, got -1", raises=DataError, call=lambda c: one_hot([-1])),
    Bad("one-hot-ten", r"labels must be whole numbers 0\.\.9, got 10", raises=DataError, call=lambda c: one_hot([3, 10])),
    Bad("one-hot-fraction", r"whole numbers 0\.\.9, got dtype float64", raises=DataError, call=lambda c: one_hot([1.5])),
    Bad("one-hot-bool", r"got dtype bool", raises=DataError, call=lambda c: one_hot([True, False])),
    Bad("one-hot-2d", r"1-D array .* got shape \(1, 2\)", raises=DataError, call=lambda c: one_hot([[1, 2]])),
    Bad("inputs-floats", r"integer pixel values 0\.\.255 .* already network inputs", raises=DataError,
        call=lambda c: inputs(np.zeros((2, 28, 28)))),
    Bad("inputs-300", r"pixel values must be in 0\.\.255, got 0\.\.300", raises=DataError,
        call=lambda c: inputs(np.array([[0] * 783 + [300]]))),
    Bad("inputs-shape", r"shape \(n, 28, 28\) or \(n, 784\), got \(2, 27, 27\)", raises=DataError,
        call=lambda c: inputs(np.zeros((2, 27, 27), np.uint8))),
    Bad("cost-with-labels", r"targets must have shape \(20, 10\) .* got \(20,\)", call=lambda c: _net().cost(_xy()[0], _xy()[2])),
    Bad("cost-longer-targets", r"n >= 1 inputs and n targets, got 10 and 20", call=lambda c: _net().cost(_xy()[0][:10], _xy()[1])),
    Bad("forward-700-pixels", r"inputs must have shape \(n, 784\), got \(20, 700\)", call=lambda c: _net().forward(_xy()[0][:, :700])),
    Bad("accuracy-short-labels", r"got 20 inputs and labels of shape \(5,\)", call=lambda c: _net().accuracy(_xy()[0], _xy()[2][:5])),
    Bad("param-name-fraction", r"parameter index must be a whole number", raises=IndexError, call=lambda c: _net().param_name(2.5)),
    # --- train() itself -------------------------------------------------------------------------------
    Bad("train-weight-decay-nan", r"weight decay must be a finite number, got nan", call=lambda c: _train(weight_decay=float("nan"))),
    Bad("train-epochs-nan", r"epochs must be a finite number, got nan", call=lambda c: _train(epochs=float("nan"))),
    Bad("train-epochs-and-steps", r"exactly one of epochs and steps", call=lambda c: _train(steps=5)),
    Bad("train-fractional-steps", r"steps must be a whole number, got 2\.5", call=lambda c: _train(epochs=None, steps=2.5)),
    Bad("train-fractional-batch", r"batch size must be a whole number, got 10\.5", call=lambda c: _train(batch_size=10.5)),
    Bad("train-schedule-overflow", r"at least one step", call=lambda c: _train(schedule="step:5e-324:0.5")),
    Bad("train-labels-as-targets", r"n >= 1 inputs and n targets|targets must have shape",
        call=lambda c: train(_net(), _xy()[0], _xy()[2], eta=1.0, batch_size=10, epochs=1)),
    # --- divergence: strict JSON, and a message that blames nothing ------------------------------------
    Bad("json-divergence-eta", r"^warning: training diverged: the cost became non-finite at step \d+ .*eta=1e\+300",
        cli=("train", *S, "--eta", "1e300", "--json"), outcome="warning"),
    Bad("divergence-by-weight-decay", r"^(?!.*too large).*non-finite at step \d+ .*eta=1, .*weight decay=1000",
        cli=("train", *S, "--eta", "1", "--weight-decay", "1000", "--json"), outcome="warning"),
    # --- landscapes -------------------------------------------------------------------------------------
    Bad("landscape-one-snapshot", r"all 1 snapshot\(s\) of the run sit at the plane's centre .*--span S",
        cli=("landscape", "--train-size", "300", "--epochs", "0", "--plane", "gradient", "--grid", "3", "--subset", "50"),
        trains=True),
    Bad("landscape-pca-one-snapshot", r"spans fewer than two directions .* choose another plane",
        cli=("landscape", "--train-size", "300", "--epochs", "0", "--plane", "pca", "--grid", "3", "--subset", "50"),
        trains=True),
    Bad("grid-nan-ticks", r"alphas must be one or more finite numbers within \+-1e\+06", call=lambda c: _grid([0.0, np.nan])),
    Bad("grid-huge-ticks", r"alphas must be .* within \+-1e\+06", call=lambda c: _grid([1e308])),
    Bad("grid-nan-plane", r"non-finite entries", call=lambda c: _grid(plane=_plane("nan"))),
    Bad("project-parallel", r"parallel", call=lambda c: landscape.project(np.zeros(_net().num_params), _plane(parallel=True))),
    Bad("random-direction-length", r"theta must have shape \(12730,\)",
        call=lambda c: landscape.random_direction([784, 16, 10], np.zeros(5))),
    # --- damaged or edited cache files: discarded with one warning line, rebuilt -------------------------
    Bad("mnist-cache-zeroed", r"warning: discarding unreadable decoded-MNIST cache file .*mnist-.*\.npz .*decoding",
        cli=("data",), damage=_zeros_same_shape, outcome="warning", after=lambda c: _mnist_loads_right(c)),
    Bad("mnist-cache-arrays-edited", r"warning: discarding .*mnist-.*\.npz \(ValueError: its arrays do not match the SHA-256",
        cli=("data", "--json"), damage=_zeroed_mnist_images, outcome="warning", after=lambda c: _mnist_loads_right(c)),
    Bad("run-arrays-edited", r"warning: discarding unreadable run file .*run-.*\.npz .*SHA-256.*; retraining",
        cli=("train", *S, "--json"), damage=_edited_run, outcome="warning", after=_run_file_whole),
    Bad("landscape-arrays-edited", r"warning: discarding unreadable landscape file .*SHA-256.*; recomputing",
        cli=(*LANDSCAPE, "--json"), damage=_edited_landscape, outcome="warning"),
    # --- a folder where a cache file should be: one line naming it, before any work; nothing removed ------
    Bad("run-file-is-a-folder", r"the run file .*run-.*\.npz is a folder, .*move it away .*GDCORE_CACHE",
        cli=("train", *S), damage=_mkdir_run_file, after=_run_dir_untouched),
    Bad("run-file-is-a-folder-api", r"run-.*\.npz is a folder", raises=CacheError,
        call=lambda c: runs.get(SMALL, progress=False), damage=_mkdir_run_file, after=_run_dir_untouched),
    Bad("mnist-cache-is-a-folder", r"the decoded-MNIST cache file .*mnist-.*\.npz is a folder",
        cli=("data",), damage=_mkdir_mnist_cache, after=_mnist_dir_untouched),
    Bad("data-dir-is-a-file", r"not-a-folder\.txt is not a folder", cli=("data", "--dir", "{cache}/not-a-folder.txt"),
        damage=_file),
    Bad("load-mnist-file", r"not-a-folder\.txt is not a folder", raises=DataError,
        call=lambda c: load_mnist(c / "not-a-folder.txt"), damage=_file),
    Bad("data-gz-is-a-folder", r"cannot read .*train-labels-idx1-ubyte\.gz \(Is a directory\)",
        cli=("data", "--dir", "{cache}/mnist-copy"), damage=_mnist_copy_with("train-labels-idx1-ubyte.gz")),
    Bad("data-sums-is-a-folder", r"cannot read .*SHA256SUMS \(Is a directory\)", raises=DataError,
        call=lambda c: load_mnist(c / "mnist-copy"), damage=_mnist_copy_with("SHA256SUMS")),
    # --- disk full while saving: one line naming the path; the old file intact, no temp file left ---------
    Bad("disk-full-retrain", r"no space left on device writing .*run-.*\.npz: free some space or set GDCORE_CACHE "
                             r"to another disk", cli=("train", *S, "--retrain"), inprocess=True,
        damage=_trained_then_disk_full, after=_old_run_file_intact),
    Bad("disk-full-api", r"no space left on device writing .*run-.*\.npz", raises=CacheError,
        call=lambda c: runs.get(SMALL, progress=False, retrain=True), damage=_trained_then_disk_full,
        after=_old_run_file_intact),
    Bad("disk-full-mnist-cache", r"no space left on device writing .*mnist-.*\.npz", raises=CacheError,
        call=lambda c: load_mnist(), damage=_no_mnist_cache_and_disk_full, after=_nothing_half_written),
]


def _strict(constant):
    raise AssertionError(f"stdout is not strict JSON: it holds {constant}")


def _check_cli(bad, cache, capsys):
    args = [a.replace("{cache}", str(cache)) for a in bad.cli]
    if bad.inprocess:
        code = cli.main(args)
        out, err = capsys.readouterr()
    else:
        limit = bad.ulimit_bytes
        preexec = (lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))) if limit else None
        proc = run_cli(args, cache, timeout=120, preexec_fn=preexec)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
        if bad.outcome == "error":
            return assert_one_line_error(proc)
    lines = [line for line in err.splitlines() if line.strip()]
    detail = f"rc={code}\nstdout:\n{out}\nstderr:\n{err}"
    assert "Traceback" not in err + out and len(lines) == 1, detail
    if bad.outcome == "error":
        assert code == 2 and lines[0].startswith("error:") and not out.strip(), detail
    else:
        assert code == 0 and lines[0].startswith("warning:"), detail
        if "--json" in args:
            assert len(out.strip().splitlines()) == 1, detail
            json.loads(out, parse_constant=_strict)
    return lines[0]


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_input_ends_in_one_clear_line(bad, cache, monkeypatch, capsys):  # noqa: F811
    if bad.damage:
        bad.damage(cache, monkeypatch)
    capsys.readouterr()
    if bad.cli:
        line = _check_cli(bad, cache, capsys)
        assert re.search(bad.expect, line), f"{line!r} does not match {bad.expect!r}"
    else:
        with pytest.raises(bad.raises) as info:
            bad.call(cache)
        assert re.search(bad.expect, str(info.value)), f"{info.value!r} does not match {bad.expect!r}"
        assert "\n" not in str(info.value)
    if bad.after:
        bad.after(cache)
    if bad.outcome == "error" and not bad.damage and not bad.trains:
        assert not list(cache.glob("run-*.npz")), "a bad input must not train"


def test_every_error_is_documented():
    """The exceptions the table expects are gdcore's own (ValueError or OSError where they should be)."""
    assert issubclass(ConfigError, ValueError) and issubclass(DataError, ValueError) and issubclass(CacheError, OSError)

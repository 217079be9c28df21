"""``python -m gdcore``: help, presets, train --json, and one-line errors (exit 2) for every bad input."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from gdcore.presets import PRESETS

from helpers import assert_one_line_error, cache, decoded_mnist, isolated_cache, run_cli  # noqa: F401

PRESET_NAMES = ["video", "tweaked", "full-batch", "random-labels"]
SMALL = ["--train-size", "1000", "--epochs", "1"]


def _num_params(sizes):
    return sum(n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def test_help_lists_the_verbs(cache):
    proc = run_cli(["--help"], cache)
    assert proc.returncode == 0, proc.stderr
    for verb in ("train", "presets", "data", "landscape"):
        assert verb in proc.stdout


@pytest.mark.parametrize("verb", ["train", "presets", "data", "landscape"])
def test_each_verb_has_help(verb, cache):
    proc = run_cli([verb, "--help"], cache)
    assert proc.returncode == 0, proc.stderr
    assert "usage" in proc.stdout.lower() and verb in proc.stdout
    assert "--json" in proc.stdout


def test_presets_json(cache):
    proc = run_cli(["presets", "--json"], cache)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1
    result = json.loads(proc.stdout)
    assert isinstance(result, dict)
    assert set(result) == set(PRESETS) >= set(PRESET_NAMES)  # the four of the design notes, and more
    for name, info in result.items():
        assert info["description"]
        assert info["config"] == PRESETS[name][0].to_dict()
        assert info["config"]["sizes"][0] == 784 and info["config"]["sizes"][-1] == 10
    assert result["full-batch"]["config"]["batch_size"] is None
    assert result["random-labels"]["config"]["shuffle_labels"] is True


def test_presets_text(cache):
    proc = run_cli(["presets"], cache)
    assert proc.returncode == 0, proc.stderr
    for name in PRESET_NAMES:
        assert name in proc.stdout


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_train_json_then_cached(name, cache):
    first = run_cli(["train", "--preset", name, *SMALL, "--json"], cache)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert len(first.stdout.strip().splitlines()) == 1, first.stdout
    result = json.loads(first.stdout)
    assert isinstance(result, dict)
    assert result["preset"] == name
    assert isinstance(result["params"], int)
    assert result["params"] == _num_params(PRESETS[name][0].sizes)
    for key in ("test_accuracy", "train_accuracy"):
        assert isinstance(result[key], float) and 0.0 <= result[key] <= 1.0, key
    assert isinstance(result["train_seconds"], (int, float)) and result["train_seconds"] >= 0
    assert result["epochs"] == pytest.approx(1.0)
    run_file = Path(result["run_file"])
    assert run_file.exists() and run_file.parent == cache
    assert result["cached"] is False
    assert result["config"]["train_size"] == 1000

    second = run_cli(["train", "--preset", name, *SMALL, "--json"], cache)
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["cached"] is True
    assert again["run_file"] == result["run_file"]
    for key in ("test_accuracy", "train_accuracy", "params", "epochs", "train_seconds"):
        assert again[key] == result[key], key


def test_train_text_output_and_retrain(cache):
    args = ["train", "--preset", "video", "--train-size", "300", "--epochs", "1"]
    proc = run_cli(args, cache)
    assert proc.returncode == 0, proc.stderr
    assert "test accuracy" in proc.stdout and "run file:" in proc.stdout
    proc = run_cli(args, cache)
    assert "(cached)" in proc.stdout
    proc = run_cli(args + ["--retrain", "--json"], cache)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["cached"] is False


def test_train_steps_and_full_batch_flags(cache):
    proc = run_cli(["train", "--train-size", "200", "--steps", "7", "--batch-size", "full", "--json"], cache)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["steps"] == 7 and result["epochs"] == pytest.approx(7.0)
    assert result["config"]["batch_size"] is None and result["config"]["epochs"] is None


ERROR_CASES = {
    "unknown-preset": ["train", "--preset", "nope", *SMALL],
    "sizes-not-784": ["train", *SMALL, "--sizes", "100,10"],
    "sizes-not-10": ["train", *SMALL, "--sizes", "784,16,9"],
    "sizes-one-layer": ["train", *SMALL, "--sizes", "784"],
    "sizes-zero-layer": ["train", *SMALL, "--sizes", "784,0,10"],
    "sizes-not-int": ["train", *SMALL, "--sizes", "784,a,10"],
    "eta-zero": ["train", *SMALL, "--eta", "0"],
    "eta-negative": ["train", *SMALL, "--eta", "-1.5"],
    "eta-negative-equals": ["train", *SMALL, "--eta=-2"],
    "eta-nan": ["train", *SMALL, "--eta", "nan"],
    "eta-inf": ["train", *SMALL, "--eta", "inf"],
    "eta-not-a-number": ["train", *SMALL, "--eta", "fast"],
    "batch-size-zero": ["train", *SMALL, "--batch-size", "0"],
    "batch-size-negative": ["train", *SMALL, "--batch-size", "-3"],
    "batch-size-not-int": ["train", *SMALL, "--batch-size", "ten"],
    "batch-larger-than-data": ["train", "--train-size", "100", "--epochs", "1", "--batch-size", "500"],
    "epochs-negative": ["train", "--train-size", "1000", "--epochs", "-1"],
    "steps-negative": ["train", "--train-size", "1000", "--steps", "-3"],
    "epochs-and-steps": ["train", *SMALL, "--steps", "5"],
    "train-size-zero": ["train", "--train-size", "0", "--epochs", "1"],
    "train-size-too-big": ["train", "--train-size", "70000", "--epochs", "1"],
    "momentum-one": ["train", *SMALL, "--momentum", "1"],
    "momentum-negative": ["train", *SMALL, "--momentum", "-0.5"],
    "activation": ["train", *SMALL, "--activation", "tanh"],
    "cost": ["train", *SMALL, "--cost", "hinge"],
    "init": ["train", *SMALL, "--init", "xavier"],
    "schedule-unknown": ["train", *SMALL, "--schedule", "linear"],
    "schedule-step-zero": ["train", *SMALL, "--schedule", "step:0:0.5"],
    "schedule-step-garbage": ["train", *SMALL, "--schedule", "step:a:b"],
    "unknown-flag": ["train", *SMALL, "--colour", "blue"],
    "unknown-flag-top": ["--frobnicate"],
    "unknown-verb": ["render"],
    "no-verb": [],
    "presets-unknown-flag": ["presets", "--all"],
    "data-unknown-flag": ["data", "--fast"],
}


@pytest.mark.parametrize("args", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
def test_error_is_one_line_exit_2(args, cache):
    proc = run_cli(args, cache, timeout=60)
    assert_one_line_error(proc)
    assert not list(cache.glob("run-*.npz")), "an invalid config must not train"


# Values that slip past validation into numpy / range(): they must still be a one-line error.
LATE_ERROR_CASES = {
    "seed-negative": ["train", *SMALL, "--seed", "-1"],
    "epochs-nan": ["train", "--train-size", "1000", "--epochs", "nan"],
    "epochs-inf": ["train", "--train-size", "1000", "--epochs", "inf"],
}


@pytest.mark.parametrize("args", list(LATE_ERROR_CASES.values()), ids=list(LATE_ERROR_CASES))
def test_values_that_escape_validation_are_one_line_errors(args, cache):
    proc = run_cli(args, cache, timeout=60)
    assert_one_line_error(proc)


def _cache_is_regular_file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


def _cache_under_regular_file(tmp_path):
    return _cache_is_regular_file(tmp_path) / "cache"


def _cache_under_read_only_dir(tmp_path):
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return parent / "cache"


def _cache_read_only_itself(tmp_path):
    path = tmp_path / "read-only-cache"
    path.mkdir()
    path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return path


CACHE_CASES = {
    "regular-file": _cache_is_regular_file,
    "under-regular-file": _cache_under_regular_file,
    "under-read-only-dir": _cache_under_read_only_dir,
    "read-only-dir": _cache_read_only_itself,
}


@pytest.mark.parametrize("verb", [["train", "--train-size", "200", "--epochs", "1"], ["data"]], ids=["train", "data"])
@pytest.mark.parametrize("case", list(CACHE_CASES), ids=list(CACHE_CASES))
def test_unusable_cache_dir_is_one_line_error(case, verb, tmp_path):
    if "read-only" in case and os.geteuid() == 0:
        pytest.skip("root can write into read-only folders")
    bad = CACHE_CASES[case](tmp_path)
    try:
        proc = run_cli(verb, bad, timeout=60)
    finally:
        for p in tmp_path.iterdir():
            if p.is_dir():
                p.chmod(stat.S_IRWXU)
    line = assert_one_line_error(proc)
    assert "GDCORE_CACHE" in line or str(bad) in line


def test_cli_epochs_and_the_api_share_one_run(cache):
    """--epochs 1 (a float on the command line) is the run preset('video', epochs=1) of the API."""
    from gdcore import runs
    from gdcore.presets import preset

    proc = run_cli(["train", "--train-size", "300", "--epochs", "1", "--json"], cache)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["run_file"] == str(runs.run_path(preset("video", train_size=300, epochs=1)))


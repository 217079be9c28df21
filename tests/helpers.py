"""Shared helpers for the gdcore tests (imported by the test modules; not a conftest).

``isolated_cache`` is autouse in every module that imports it: GDCORE_CACHE points to a fresh
tmp folder for each test, so no test ever reads or writes the user's cache.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets" / "mnist"
GZ_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty GDCORE_CACHE for this test (returned)."""
    cache = tmp_path / "gdcore-cache"
    cache.mkdir()
    monkeypatch.setenv("GDCORE_CACHE", str(cache))
    return cache


def copy_mnist(dst: Path) -> Path:
    """Copy the four shipped .gz files and SHA256SUMS into ``dst`` (created); return it."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in GZ_NAMES + ("SHA256SUMS",):
        shutil.copyfile(ASSETS / name, dst / name)
    return dst


def read_sums(folder: Path) -> dict:
    """{file name: sha256} parsed from folder/SHA256SUMS (independently of gdcore)."""
    table = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            table[name.lstrip("*")] = digest
    return table


def rewrite_gz(folder: Path, name: str, edit, update_sums: bool) -> bytes:
    """Decompress folder/name, apply ``edit(bytearray) -> bytes``, gzip it back in place.

    With ``update_sums`` the matching SHA256SUMS line is rewritten to the new content's hash.
    Returns the new decompressed bytes.
    """
    path = folder / name
    raw = bytearray(gzip.decompress(path.read_bytes()))
    new = bytes(edit(raw))
    path.write_bytes(gzip.compress(new, compresslevel=1, mtime=0))
    if update_sums:
        stem = name[:-3]
        lines = []
        for line in (folder / "SHA256SUMS").read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].lstrip("*") == stem:
                line = f"{hashlib.sha256(new).hexdigest()}  {stem}"
            lines.append(line)
        (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return new


def run_cli(args, cache: Path | str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """``python -m gdcore ARGS`` in a subprocess with GDCORE_CACHE=cache; text output captured."""
    env = dict(os.environ, GDCORE_CACHE=str(cache))
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run([sys.executable, "-m", "gdcore", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def assert_one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The CLI failed cleanly: exit 2, exactly one stderr line starting 'error:', no traceback."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    detail = f"rc={proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr + proc.stdout, detail
    assert proc.returncode == 2, detail
    assert len(lines) == 1, detail
    assert lines[0].startswith("error:"), detail
    assert proc.stdout.strip() == "", detail
    return lines[0]


@pytest.fixture(scope="module")
def decoded_mnist(tmp_path_factory) -> Path:
    """The decoded-array cache file, made once per module by the CLI itself in a tmp cache."""
    cache = tmp_path_factory.mktemp("mnist-cache")
    proc = run_cli(["data"], cache)
    assert proc.returncode == 0, proc.stderr
    [npz] = cache.glob("mnist-*.npz")
    return npz


@pytest.fixture
def cache(isolated_cache, decoded_mnist) -> Path:
    """This test's fresh tmp cache holding only the decoded MNIST arrays (saves ~0.2 s per CLI call)."""
    target = isolated_cache / decoded_mnist.name
    try:
        os.link(decoded_mnist, target)
    except OSError:
        shutil.copyfile(decoded_mnist, target)
    return isolated_cache


def assert_same_arrays(a, b) -> None:
    """Two runs hold bitwise-identical arrays (same names, dtypes, shapes, bytes)."""
    assert a.arrays.keys() == b.arrays.keys()
    for k in a.arrays:
        x, y = a.arrays[k], b.arrays[k]
        assert x.dtype == y.dtype and x.shape == y.shape, k
        assert x.tobytes() == y.tobytes(), f"{k} differs"

"""gdcore.data: the shipped MNIST files, checksums, splits, corrupt inputs and the decoded-array cache."""
from __future__ import annotations

import gzip
import hashlib
import os
import time
from pathlib import Path

import numpy as np
import pytest

import gdcore.data
from gdcore.data import inputs, load_mnist, one_hot
from gdcore.errors import DataError, GdcoreError

from helpers import (ASSETS, GZ_NAMES, assert_one_line_error, copy_mnist, isolated_cache,  # noqa: F401
                     read_sums, rewrite_gz, run_cli)


@pytest.fixture
def fresh_lru():
    """Forget decoded datasets held in memory, before and after the test."""
    gdcore.data._load_cached.cache_clear()
    yield
    gdcore.data._load_cached.cache_clear()


@pytest.fixture
def mnist_copy(tmp_path) -> Path:
    return copy_mnist(tmp_path / "mnist")


def _idx_payload(name: str) -> bytes:
    """Decompressed bytes of a shipped file, read without gdcore."""
    return gzip.decompress((ASSETS / name).read_bytes())


# --- the shipped data ---------------------------------------------------------------------------

def test_load_mnist_shapes_dtypes_and_labels():
    data = load_mnist()
    assert data.train_images.shape == (60000, 28, 28) and data.train_images.dtype == np.uint8
    assert data.test_images.shape == (10000, 28, 28) and data.test_images.dtype == np.uint8
    assert data.train_labels.shape == (60000,) and data.train_labels.dtype == np.int64
    assert data.test_labels.shape == (10000,) and data.test_labels.dtype == np.int64
    for labels in (data.train_labels, data.test_labels):
        assert labels.min() == 0 and labels.max() == 9
        assert set(np.unique(labels).tolist()) == set(range(10))
    assert data.train_images.max() == 255 and data.train_images.min() == 0
    # Read-only: a scene cannot corrupt the shared arrays.
    with pytest.raises(ValueError):
        data.train_images[0, 0, 0] = 1


def test_arrays_are_the_idx_payloads():
    """Decode the IDX files by hand (16-byte image header, 8-byte label header) and compare."""
    data = load_mnist()
    for attr, name, header, shape in [
        ("train_images", "train-images-idx3-ubyte.gz", 16, (60000, 28, 28)),
        ("train_labels", "train-labels-idx1-ubyte.gz", 8, (60000,)),
        ("test_images", "t10k-images-idx3-ubyte.gz", 16, (10000, 28, 28)),
        ("test_labels", "t10k-labels-idx1-ubyte.gz", 8, (10000,)),
    ]:
        raw = _idx_payload(name)
        assert len(raw) == header + int(np.prod(shape))
        expected = np.frombuffer(raw, np.uint8, offset=header).reshape(shape)
        np.testing.assert_array_equal(getattr(data, attr), expected)


def test_sha256_of_shipped_files_matches_sha256sums():
    sums = read_sums(ASSETS)
    assert set(sums) == {name[:-3] for name in GZ_NAMES}
    data = load_mnist()
    for name in GZ_NAMES:
        with gzip.open(ASSETS / name, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        assert digest == sums[name[:-3]], name
        assert data.checksums[name[:-3]] == digest
    assert len(data.fingerprint) == 16


def test_book_and_official_splits():
    data = load_mnist()
    train, validation, test = data.split("book")
    assert (len(train), len(validation), len(test)) == (50000, 10000, 10000)
    np.testing.assert_array_equal(train.images, data.train_images[:50000])
    np.testing.assert_array_equal(validation.images, data.train_images[50000:])
    np.testing.assert_array_equal(validation.labels, data.train_labels[50000:])
    np.testing.assert_array_equal(test.labels, data.test_labels)
    official = data.split("official")
    assert [len(s) for s in official] == [60000, 10000]
    assert [len(s) for s in data.split()] == [60000, 10000]
    with pytest.raises(DataError):
        data.split("nielsen")


def test_inputs_range_shape_and_layout():
    data = load_mnist()
    images = data.train_images[:500]
    X = inputs(images)
    assert X.shape == (500, 784) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X.reshape(500, 28, 28) * 255, images, atol=1e-9)
    X32 = inputs(images, np.float32)
    assert X32.dtype == np.float32
    np.testing.assert_allclose(X32, X, rtol=1e-6)


def test_one_hot():
    labels = np.array([3, 0, 9, 3, 7])
    Y = one_hot(labels)
    assert Y.shape == (5, 10) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)
    assert set(np.unique(Y).tolist()) == {0.0, 1.0}
    assert one_hot([1, 2], classes=4, dtype=np.float32).tolist() == [[0, 1, 0, 0], [0, 0, 1, 0]]
    assert one_hot(labels, dtype=np.float32).dtype == np.float32


# --- corrupt data folders -----------------------------------------------------------------------

def test_intact_copy_loads(mnist_copy):
    """The copied folder itself is fine (so the failures below come from the damage alone)."""
    data = load_mnist(mnist_copy)
    np.testing.assert_array_equal(data.test_labels, load_mnist().test_labels)
    assert data.fingerprint == load_mnist().fingerprint


@pytest.mark.parametrize("name", GZ_NAMES)
def test_missing_file_names_the_file(mnist_copy, name):
    (mnist_copy / name).unlink()
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        load_mnist(mnist_copy)


@pytest.mark.parametrize("name", GZ_NAMES)
def test_truncated_gzip_names_the_file(mnist_copy, name):
    path = mnist_copy / name
    blob = path.read_bytes()
    path.write_bytes(blob[:len(blob) // 2])
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        load_mnist(mnist_copy)


@pytest.mark.parametrize("name", ["t10k-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])
def test_altered_content_fails_the_checksum(mnist_copy, name):
    def flip_one_byte(raw):
        i = len(raw) - 100  # in the data, past the header
        raw[i] = (raw[i] + 1) % 10 if "labels" in name else 255 - raw[i]
        return raw

    rewrite_gz(mnist_copy, name, flip_one_byte, update_sums=False)
    with pytest.raises(DataError, match="SHA256SUMS") as info:
        load_mnist(mnist_copy)
    assert name in str(info.value)


def test_altered_content_without_local_sums_uses_the_shipped_ones(mnist_copy):
    rewrite_gz(mnist_copy, "t10k-labels-idx1-ubyte.gz", lambda raw: raw[:-1] + bytes([(raw[-1] + 1) % 10]),
               update_sums=False)
    (mnist_copy / "SHA256SUMS").unlink()
    with pytest.raises(DataError, match="SHA256SUMS"):
        load_mnist(mnist_copy)


def _set(raw, i, value):
    raw[i] = value
    return raw


@pytest.mark.parametrize("name,edit,match", [
    # magic 0x00 0x00 0x08 ndim: type byte 0x09 (signed bytes) and a wrong ndim
    ("t10k-labels-idx1-ubyte.gz", lambda raw: _set(raw, 2, 0x09), "magic"),
    ("t10k-images-idx3-ubyte.gz", lambda raw: _set(raw, 3, 2), "magic"),
    ("train-labels-idx1-ubyte.gz", lambda raw: _set(raw, 0, 1), "magic"),
    # header dimension 10000 -> 9999
    ("t10k-labels-idx1-ubyte.gz", lambda raw: raw[:4] + (9999).to_bytes(4, "big") + raw[8:], "shape"),
    # one data byte too many / too few, header untouched
    ("t10k-labels-idx1-ubyte.gz", lambda raw: raw + b"\x00", "data bytes"),
    ("t10k-labels-idx1-ubyte.gz", lambda raw: raw[:-1], "data bytes"),
    # a label outside 0..9
    ("t10k-labels-idx1-ubyte.gz", lambda raw: _set(raw, 8, 10), "labels"),
])
def test_malformed_idx_with_matching_checksum(mnist_copy, name, edit, match):
    rewrite_gz(mnist_copy, name, edit, update_sums=True)
    with pytest.raises(DataError, match=match):
        load_mnist(mnist_copy)


def test_missing_sums_line_is_an_error(mnist_copy):
    lines = (mnist_copy / "SHA256SUMS").read_text().splitlines()
    (mnist_copy / "SHA256SUMS").write_text("\n".join(l for l in lines if "t10k-images" not in l) + "\n")
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte"):
        load_mnist(mnist_copy)


def test_data_errors_are_gdcore_errors():
    assert issubclass(DataError, GdcoreError)


@pytest.mark.parametrize("damage", ["missing", "truncated", "altered", "magic", "no-folder"])
def test_cli_data_with_bad_dir_is_one_error_line(tmp_path, isolated_cache, damage):  # noqa: F811
    folder = copy_mnist(tmp_path / "bad")
    name = "train-labels-idx1-ubyte.gz"
    if damage == "missing":
        (folder / name).unlink()
    elif damage == "truncated":
        (folder / name).write_bytes((folder / name).read_bytes()[:1000])
    elif damage == "altered":
        rewrite_gz(folder, name, lambda raw: _set(raw, 100, (raw[100] + 1) % 10), update_sums=False)
    elif damage == "magic":
        rewrite_gz(folder, name, lambda raw: _set(raw, 2, 0x0C), update_sums=True)
    else:
        folder = tmp_path / "does-not-exist"
    proc = run_cli(["data", "--dir", folder], isolated_cache)
    line = assert_one_line_error(proc)
    if damage != "no-folder":
        assert "train-labels-idx1-ubyte" in line


def test_cli_data_ok(isolated_cache):  # noqa: F811
    proc = run_cli(["data", "--json"], isolated_cache)
    assert proc.returncode == 0, proc.stderr
    import json
    result = json.loads(proc.stdout)
    assert result["train"] == 60000 and result["test"] == 10000
    assert result["book_split"] == [50000, 10000, 10000]
    assert result["sha256"] == read_sums(ASSETS)


# --- the decoded-array cache --------------------------------------------------------------------

def test_second_load_comes_from_the_cache(isolated_cache, fresh_lru, monkeypatch):  # noqa: F811
    first = load_mnist()
    files = list(isolated_cache.glob("mnist-*.npz"))
    assert len(files) == 1
    assert not list(isolated_cache.glob("*.tmp"))
    gdcore.data._load_cached.cache_clear()

    def no_decode(*args, **kwargs):
        raise AssertionError("the second load decoded the .gz files instead of reading the cache")

    monkeypatch.setattr(gdcore.data, "_decode", no_decode)
    started = time.perf_counter()
    second = load_mnist()
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"second load took {elapsed:.3f} s"
    for attr in ("train_images", "train_labels", "test_images", "test_labels"):
        a, b = getattr(first, attr), getattr(second, attr)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert second.checksums == first.checksums


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-shapes", "pickled"])
def test_damaged_decoded_cache_is_rebuilt(isolated_cache, fresh_lru, tmp_path, damage):  # noqa: F811
    reference = load_mnist()
    [path] = isolated_cache.glob("mnist-*.npz")
    marker = tmp_path / "unpickled"
    if damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "wrong-shapes":
        np.savez(path, train_images=np.zeros((5, 28, 28), np.uint8), train_labels=np.zeros(5, np.int64),
                 test_images=np.zeros((5, 28, 28), np.uint8), test_labels=np.zeros(5, np.int64))
    else:
        np.savez(path, train_images=np.array([_Evil(marker)], dtype=object),
                 train_labels=np.zeros(60000, np.uint8),
                 test_images=np.zeros((10000, 28, 28), np.uint8), test_labels=np.zeros(10000, np.uint8))
    gdcore.data._load_cached.cache_clear()
    data = load_mnist()
    assert not marker.exists(), "the cache file was unpickled"
    for attr in ("train_images", "train_labels", "test_images", "test_labels"):
        np.testing.assert_array_equal(getattr(data, attr), getattr(reference, attr))
    # ... and the file was rewritten with the real arrays.
    with np.load(path, allow_pickle=False) as z:
        assert z["train_images"].shape == (60000, 28, 28)
        np.testing.assert_array_equal(z["test_labels"], reference.test_labels)


class _Evil:
    """Unpickling this creates ``marker`` (proof that a loader unpickled)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_evil_payload_would_be_detected(tmp_path):
    """Sanity check of the test above: loading the payload *with* pickle does create the marker."""
    marker = tmp_path / "unpickled"
    np.savez(tmp_path / "x.npz", a=np.array([_Evil(marker)], dtype=object))
    with np.load(tmp_path / "x.npz", allow_pickle=True) as z:
        z["a"]
    assert marker.exists()

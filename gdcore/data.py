"""MNIST: parse the IDX files, check them against SHA256SUMS, cache the decoded arrays.

    data = load_mnist()                  # the files shipped in assets/mnist/
    data.train_images                    # (60000, 28, 28) uint8
    data.train_labels                    # (60000,) int64, digits 0..9
    data.test_images, data.test_labels   # (10000, 28, 28), (10000,)
    train, validation, test = data.split("book")   # 50k / 10k / 10k, as in Nielsen's book

``inputs(images)`` turns images into the network's input matrix (n, 784) of floats in [0, 1],
``one_hot(labels)`` turns digits into target vectors (n, 10).
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .cache import cache_dir, load_or_make, require_disk
from .checks import whole
from .errors import DataError
from .store import read_npz, write_npz

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "mnist"
FILES = {
    "train_images": ("train-images-idx3-ubyte", (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte", (60000,)),
    "test_images": ("t10k-images-idx3-ubyte", (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte", (10000,)),
}
DECODED_BYTES = sum(int(np.prod(shape)) for _, shape in FILES.values())   # 47 MB of uint8
CACHE_FORMAT = 2  # 2: the decoded arrays carry their SHA-256
_IDX_UBYTE = 0x08  # IDX type code for unsigned bytes
_FIX = "restore the original from git (git checkout -- assets/mnist) or copy it again from the MNIST distribution"


@dataclass(frozen=True)
class Split:
    """One part of a split: images (n, 28, 28) uint8 and labels (n,) int64."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays (read-only) and the SHA-256 of the decompressed files."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    checksums: dict

    def split(self, name: str = "official") -> tuple[Split, ...]:
        """``"official"``: (train 60k, test 10k). ``"book"``: (train 50k, validation 10k, test 10k)."""
        test = Split(self.test_images, self.test_labels)
        if name == "official":
            return Split(self.train_images, self.train_labels), test
        if name == "book":
            return (Split(self.train_images[:50000], self.train_labels[:50000]),
                    Split(self.train_images[50000:], self.train_labels[50000:]), test)
        raise DataError(f"unknown split {name!r}; use 'official' or 'book'")

    @property
    def fingerprint(self) -> str:
        """One short hash of all four files: part of every run's cache key."""
        joined = "".join(self.checksums[k] for k in sorted(self.checksums))
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


def inputs(images: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Images (n, 28, 28) (or (n, 784)) of integer pixel values 0..255, e.g. uint8 -> input
    activations (n, 784) in [0, 1]. A DataError for anything else (floats may already be inputs)."""
    images = np.asarray(images)
    if images.ndim < 2 or images[0].size != 784:
        raise DataError(f"images must have shape (n, 28, 28) or (n, 784), got {images.shape}")
    if images.dtype.kind not in "ui":
        raise DataError(f"images must hold integer pixel values 0..255 (uint8), got dtype {images.dtype}; "
                        "floats in [0, 1] are already network inputs")
    if images.dtype != np.uint8 and images.size and (images.min() < 0 or images.max() > 255):
        raise DataError(f"pixel values must be in 0..255, got {images.min()}..{images.max()}")
    return (images.reshape(len(images), -1) / np.asarray(255.0, dtype)).astype(dtype, copy=False)


def one_hot(labels: np.ndarray, classes: int = 10, dtype=np.float64) -> np.ndarray:
    """Digits (n,), whole numbers 0..classes-1 -> desired output activations (n, classes): 1 at the
    digit, 0 elsewhere. A DataError for labels that are not such digits (-1, 10, 2.5, True...)."""
    classes = whole(classes, "the number of classes", low=1, error=DataError)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise DataError(f"labels must be a 1-D array (n,), got shape {labels.shape}")
    if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "ui":
        raise DataError(f"labels must be whole numbers 0..{classes - 1}, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise DataError(f"labels must be whole numbers 0..{classes - 1}, got {bad}")
    y = np.zeros((len(labels), classes), dtype)
    y[np.arange(len(labels)), labels] = 1
    return y


def parse_idx(raw: bytes, name: str, shape: tuple) -> np.ndarray:
    """Decode one decompressed IDX file (magic 0x0000 08 ndim, big-endian dims, then bytes)."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != _IDX_UBYTE or raw[3] != len(shape):
        raise DataError(f"{name}: not an IDX file of {len(shape)}-D unsigned bytes (bad magic number); {_FIX}")
    header = 4 + 4 * len(shape)
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(len(shape)))
    if dims != shape:
        raise DataError(f"{name}: header says shape {dims}, expected {shape}; {_FIX}")
    if len(raw) != header + int(np.prod(shape)):
        raise DataError(f"{name}: {len(raw) - header} data bytes, expected {int(np.prod(shape))} (truncated?); {_FIX}")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape)


def expected_checksums(folder: Path = ASSETS) -> dict:
    """{file name: sha256} read from ``SHA256SUMS`` in ``folder``."""
    sums = Path(folder) / "SHA256SUMS"
    try:
        lines = sums.read_text().splitlines()
    except FileNotFoundError:
        raise DataError(f"{sums} is missing; {_FIX}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {sums} ({getattr(exc, 'strerror', None) or exc}); {_FIX}") from None
    table = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            table[parts[1].lstrip("*")] = parts[0].lower()
    return table


def _read_gz(path: Path) -> bytes:
    """The decompressed bytes of one IDX .gz file (a DataError naming it if it cannot be read)."""
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise DataError(f"{path} is missing; {_FIX}") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path} is not a readable gzip file ({exc}); {_FIX}") from None


def _decode(folder: Path, expected: dict) -> dict:
    arrays = {}
    for key, (name, shape) in FILES.items():
        raw = _read_gz(folder / f"{name}.gz")
        digest = hashlib.sha256(raw).hexdigest()
        if name not in expected:
            raise DataError(f"SHA256SUMS has no line for {name}; {_FIX}")
        if digest != expected[name]:
            raise DataError(f"{folder / (name + '.gz')} does not match SHA256SUMS (got {digest[:12]}..., "
                            f"expected {expected[name][:12]}...); {_FIX}")
        arrays[key] = parse_idx(raw, name, shape)
    if arrays["train_labels"].max() > 9 or arrays["test_labels"].max() > 9:
        raise DataError("labels outside 0..9; " + _FIX)
    return arrays


def _gz_fingerprint(folder: Path, expected: dict) -> str:
    """Hash of the compressed files plus the expected checksums: the key of the decoded-array cache."""
    h = hashlib.sha256(repr((CACHE_FORMAT, sorted(expected.items()))).encode())
    for name, _ in FILES.values():
        path = folder / f"{name}.gz"
        try:
            h.update(path.read_bytes())
        except FileNotFoundError:
            raise DataError(f"{path} is missing; {_FIX}") from None
        except OSError as exc:
            raise DataError(f"cannot read {path} ({exc.strerror or exc}); {_FIX}") from None
    return h.hexdigest()[:24]


def load_mnist(folder: str | Path | None = None) -> Mnist:
    """Load MNIST from ``folder`` (default: the project's ``assets/mnist``), verified against SHA256SUMS.

    The folder must hold the four IDX ``.gz`` files. Checksums come from the folder's own
    ``SHA256SUMS`` if it has one, else from the shipped one. The first load decodes and checks
    (about a second); later loads read the decoded arrays from the cache dir (a few tens of ms),
    checked against the SHA-256 of the arrays stored with them (a damaged or edited cache file is
    discarded with a one-line warning and decoded again).
    Raises ``DataError`` naming the file for anything missing, unreadable, truncated or altered,
    and ``CacheError`` if the cache file cannot be written (a folder in its place, disk full).
    """
    folder = Path(folder) if folder is not None else ASSETS
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder (it should hold the four MNIST .gz files); "
                        "give the folder that holds them")
    sums = folder / "SHA256SUMS" if (folder / "SHA256SUMS").exists() else ASSETS / "SHA256SUMS"
    expected = expected_checksums(sums.parent)
    return _load_cached(str(folder.resolve()), _gz_fingerprint(folder, expected), tuple(sorted(expected.items())))


def _read_cache(path: Path) -> dict:
    """The four decoded arrays from a cache file, verified against their stored SHA-256."""
    arrays, meta = read_npz(path)
    if meta.get("format") != CACHE_FORMAT or set(arrays) != set(FILES):
        raise ValueError("not a decoded-MNIST cache file of this gdcore")
    for key, (_, shape) in FILES.items():
        if arrays[key].shape != shape or arrays[key].dtype != np.uint8:
            raise ValueError(f"{key} has shape {arrays[key].shape} and dtype {arrays[key].dtype}")
    return arrays


@lru_cache(maxsize=4)
def _load_cached(folder: str, fingerprint: str, expected_items: tuple) -> Mnist:
    expected = dict(expected_items)
    path = cache_dir() / f"mnist-{fingerprint}.npz"

    def decode() -> dict:
        require_disk(path.parent, DECODED_BYTES, f"the decoded-MNIST cache file {path.name}")
        return _decode(Path(folder), expected)

    arrays, _ = load_or_make(path, _read_cache, decode, lambda arrays, p: write_npz(p, arrays, {"format": CACHE_FORMAT}),
                             what="decoded-MNIST cache file", redo="decoding the .gz files again")
    # A cache hit was written only after these very checksums were verified (they are in its key),
    # and its arrays are byte for byte the ones written then (their SHA-256 is checked on load).
    checksums = {name: expected[name] for name, _ in FILES.values()}
    arrays = {k: (v.astype(np.int64) if k.endswith("labels") else v) for k, v in arrays.items()}
    for v in arrays.values():
        v.flags.writeable = False
    return Mnist(checksums=checksums, **arrays)

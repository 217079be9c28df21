"""Where gdcore keeps what it computed once, and how it writes files safely.

Cache dir: ``$GDCORE_CACHE``, else ``$XDG_CACHE_HOME/gdcore``, else ``~/.cache/gdcore``.
Every file is written to a unique temporary name in the same directory and then
``os.replace``-d into place, so a reader sees either nothing or a whole file.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from .errors import GdcoreError


def cache_dir() -> Path:
    """The cache directory (created if missing); a GdcoreError if it cannot be used."""
    if os.environ.get("GDCORE_CACHE"):
        path = Path(os.environ["GDCORE_CACHE"])
    elif os.environ.get("XDG_CACHE_HOME"):
        path = Path(os.environ["XDG_CACHE_HOME"]) / "gdcore"
    else:
        path = Path.home() / ".cache" / "gdcore"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GdcoreError(f"cannot create cache dir {path} ({exc.strerror}); set GDCORE_CACHE to a writable folder") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise GdcoreError(f"cache dir {path} is not writable; set GDCORE_CACHE to a writable folder")
    return path


def atomic_write(path: Path, write) -> None:
    """Call ``write(file_object)`` on a unique temp file next to ``path``, then rename it over ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive advisory lock on ``path`` (a ``.lock`` file), held for the ``with`` block."""
    with open(path, "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)

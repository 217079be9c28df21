"""Where gdcore keeps what it computed once, and how it writes files safely.

Cache dir: ``$GDCORE_CACHE``, else ``$XDG_CACHE_HOME/gdcore``, else ``~/.cache/gdcore``.
Every file is written to a unique temporary name in the same directory and then
``os.replace``-d into place, so a reader sees either nothing or a whole file. A temporary file
that a killed writer left behind is removed the first time a process opens the cache.

    value, cached = load_or_make(path, load, make, save, what="run file", redo="retraining")

is the one way a cache entry is used: under the entry's lock, load it if it is there, else make it
and save it; a damaged file is discarded with a one-line warning and made again. Problems with the
cache itself (a folder in the way, no space left, no permission) are a CacheError naming the path.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .errors import CacheError
from .memory import size

STALE_SECONDS = 300   # a temp file with no lock to ask, untouched this long, belongs to a dead writer
_FIX = "set GDCORE_CACHE to another folder"
_cleaned: set = set()
_used: dict = {}      # the entries this process loaded or made, in first-use order (a dict as an ordered set)


def cache_dir() -> Path:
    """The cache directory (created if missing, stale temp files removed once per process);
    a CacheError if it cannot be used."""
    if os.environ.get("GDCORE_CACHE"):
        path = Path(os.environ["GDCORE_CACHE"])
    elif os.environ.get("XDG_CACHE_HOME"):
        path = Path(os.environ["XDG_CACHE_HOME"]) / "gdcore"
    else:
        path = Path.home() / ".cache" / "gdcore"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot create cache dir {path} ({exc.strerror}); {_FIX} that is writable") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise CacheError(f"cache dir {path} is not writable; {_FIX} that is writable")
    if path not in _cleaned:
        _cleaned.add(path)
        clean_stale_temps(path)
    return path


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove the temp files ``.NAME.XXXXXXXX.tmp`` in ``folder`` whose writer is gone: NAME's lock
    (``NAME`` with suffix ``.lock``) is free, or, with no lock file, untouched for STALE_SECONDS.
    Returns what was removed."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(".") and entry.name.endswith(".tmp")) or not entry.is_file(follow_symlinks=False):
                continue
            name = entry.name[1:-len(".tmp")].rsplit(".", 1)[0]   # ".run-K.npz.x1y2z3.tmp" -> "run-K.npz"
            if name and _writer_gone((Path(folder) / name).with_suffix(".lock"), entry):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _writer_gone(lock: Path, entry) -> bool:
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:  # no lock file: judge by age
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True  # nobody holds it (released when fd closes)
    except OSError:
        return False
    finally:
        os.close(fd)


def write_error(path: Path, exc: OSError) -> CacheError:
    """A CacheError for an OSError while writing ``path``: names the path and what to do."""
    if exc.errno == errno.ENOSPC:
        return CacheError(f"no space left on device writing {path}: free some space or set GDCORE_CACHE "
                          "to another disk")
    if exc.errno == errno.EDQUOT:
        return CacheError(f"disk quota exceeded writing {path}: free some space or {_FIX}")
    if exc.errno == errno.EISDIR or Path(path).is_dir():
        return not_a_file(path, "cache file")
    return CacheError(f"cannot write {path} ({exc.strerror or exc}): check that its folder is writable, or {_FIX}")


def not_a_file(path: Path, what: str) -> CacheError:
    kind = "a folder" if Path(path).is_dir() else "not a regular file"
    return CacheError(f"the {what} {path} is {kind}, so gdcore can neither read nor replace it: "
                      f"move it away (or delete it), or {_FIX}")


def atomic_write(path: Path, write) -> None:
    """Call ``write(file_object)`` on a unique temp file next to ``path``, then rename it over ``path``.

    On any failure the temp file is removed and ``path`` keeps its old contents; an OSError
    (disk full, no permission, a folder at ``path``) becomes a CacheError naming ``path``.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, CacheError):
            raise write_error(path, exc) from None
        raise


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive advisory lock on ``path`` (a ``.lock`` file), held for the ``with`` block."""
    try:
        f = open(path, "a+b")
    except OSError as exc:
        raise CacheError(f"cannot open the lock file {path} ({exc.strerror or exc}): move it away, or {_FIX}") from None
    with f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def require_disk(folder: Path, nbytes: float, what: str) -> None:
    """A CacheError, before any work, if ``folder``'s disk has less than ``nbytes`` free for ``what``."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if nbytes > free:
        raise CacheError(f"{what} needs about {size(nbytes)} on disk but only {size(free)} is free in {folder}: "
                         "free some space or set GDCORE_CACHE to another disk")


def used_entries() -> list[Path]:
    """Every cache file this process has loaded or made with ``load_or_make``, in first-use order:
    what its results were computed from (scenes/build.py keys a rendered part on them)."""
    return list(_used)


def load_or_make(path: Path, load, make, save, *, what: str, redo: str, reuse: bool = True):
    """(value, cached): ``load(path)`` if the file is there (and ``reuse``), else ``value = make()``
    and ``save(value, path)``, all under ``path``'s lock (two processes make it once).

    A file that fails to load is discarded with one warning line on stderr ('warning: discarding
    unreadable {what} {path} (...); {redo}'). Before any work, a CacheError if something other than
    a regular file sits at ``path``. (``make`` should check what it needs, e.g. ``require_disk``.)
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        raise not_a_file(path, what)
    with file_lock(path.with_suffix(".lock")):
        _used[path] = None
        if reuse and path.exists():
            try:
                return load(path), True
            except MemoryError:
                raise
            except Exception as exc:  # damaged or foreign: discard and make again
                print(f"warning: discarding unreadable {what} {path} ({type(exc).__name__}: {exc}); {redo}",
                      file=sys.stderr)
                try:
                    path.unlink(missing_ok=True)
                except OSError as err:
                    raise CacheError(f"cannot remove the damaged {what} {path} ({err.strerror}): remove it by "
                                     f"hand, or {_FIX}") from None
        value = make()
        save(value, path)
        return value, False

"""How much memory this process may still use, and a refusal *before* allocating what cannot fit.

    require(nbytes, "a 784-100000000-10 network (79,500,000,010 parameters)", "use smaller layers")

raises a ConfigError naming the number of bytes needed and the limit when ``nbytes`` is more than
the machine's memory (RAM + swap) or what ``ulimit -v`` / ``ulimit -d`` still leaves this process.
It is a bound on what is *impossible*, not a promise that what passes will fit next to other
programs; a MemoryError that still happens is reported by the CLI as one line.
"""
from __future__ import annotations

import resource

from .errors import ConfigError


def _meminfo(path="/proc/self/status") -> dict:
    """{field: bytes} from a /proc file of 'Name:   123 kB' lines ({} where there is none)."""
    fields = {}
    try:
        with open(path) as f:
            for line in f:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    fields[name] = int(parts[0]) * 1024
    except OSError:
        pass
    return fields


def limit() -> int | None:
    """Bytes this process may allocate at most (None if nothing says): the machine's RAM + swap,
    and the soft address-space and data-segment limits minus what the process already uses."""
    bounds = []
    machine = _meminfo("/proc/meminfo")
    if "MemTotal" in machine:
        bounds.append(machine["MemTotal"] + machine.get("SwapTotal", 0))
    used = _meminfo()
    for kind, in_use in ((resource.RLIMIT_AS, "VmSize"), (resource.RLIMIT_DATA, "VmData")):
        soft, _ = resource.getrlimit(kind)
        if soft != resource.RLIM_INFINITY:
            bounds.append(max(soft - used.get(in_use, 0), 0))
    return min(bounds) if bounds else None


def size(nbytes: float) -> str:
    """1234567 -> '1.2 MB' (decimal units, as disks and ``free -h`` nearly say)."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB", "EB"):
        if abs(nbytes) < 1000 or unit == "EB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1000
    raise AssertionError("unreachable")


def require(nbytes: float, what: str, fix: str) -> None:
    """A ConfigError if ``what`` (needing about ``nbytes``) cannot fit in memory; ``fix``: what to do."""
    available = limit()
    if available is not None and nbytes > available:
        raise ConfigError(f"{what} needs about {size(nbytes)} of memory, more than the {size(available)} "
                          f"this process can have; {fix}")


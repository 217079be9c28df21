"""Value checks shared by the Python API and the CLI.

    whole(16.0, "layer size", low=1)         -> 16       (an int, or a float with no fraction)
    number("nan", ...)                        -> ConfigError: ... must be a finite number, got nan
    number(0.9, "momentum", 0, 1, high_open=True) -> 0.9

Each raises ``error`` (default ConfigError) with a message that names the value, what is allowed
and what was given. Booleans are not numbers here (True is not a layer size).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import ConfigError


def _bounds(low, high, low_open=False, high_open=False) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'greater than' if low_open else 'at least'} {low:g}"
    return f"{'less than' if high_open else 'at most'} {high:g}"


def whole(value, name: str, low=None, high=None, error=ConfigError) -> int:
    """``value`` as an int: a whole number (int, numpy integer, or an integral float) in [low, high]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise error(f"{name} must be a whole number, got {value!r}")
    if not isinstance(value, numbers.Integral) and (not math.isfinite(value) or value != math.floor(value)):
        raise error(f"{name} must be a whole number, got {value!r}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise error(f"{name} must be a whole number {_bounds(low, high)}, got {v}")
    return v


def number(value, name: str, low=None, high=None, low_open=False, high_open=False, error=ConfigError) -> float:
    """``value`` as a finite float within the bounds (``low_open``: low itself is not allowed)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise error(f"{name} must be a finite number, got {value!r}")
    v = float(value)
    if ((low is not None and (v < low or (low_open and v == low)))
            or (high is not None and (v > high or (high_open and v == high)))):
        raise error(f"{name} must be {_bounds(low, high, low_open, high_open)}, got {v:g}")
    return v


def optional(check, value, *args, **kwargs):
    """None stays None; anything else goes through ``check`` (``whole`` or ``number``)."""
    return None if value is None else check(value, *args, **kwargs)


def choice(value, name: str, allowed, error=ConfigError):
    """``value`` if it is one of ``allowed`` (strings), else an error listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise error(f"unknown {name} {value!r}; choose from {', '.join(allowed)}")
    return value


def same_rows(X, Y) -> int:
    """n = len(X), checked to be >= 1 and len(Y): a mean over examples needs examples."""
    if not len(X) or len(Y) != len(X):
        raise ConfigError(f"a mean over examples needs n >= 1 inputs and n targets, got {len(X)} and {len(Y)}")
    return len(X)


def generator(seed) -> np.random.Generator:
    """np.random.default_rng(seed), with a ConfigError for a seed it does not take (-1, 1.5, "a")."""
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"seed must be a non-negative integer (or a list of them), got {seed!r} ({exc})") from None

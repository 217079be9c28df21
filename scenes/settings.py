"""The teacher's settings, read and checked once, before anything is trained or drawn.

Each is ``$GDVIZ_<KEY>`` if set, else ``key`` under ``[gdviz]`` in ./manim.cfg, else its default:

- ``theme``: ``dark`` (default) or ``light``
- ``seed``: the seed of the noise images, a whole number 0 to 2**32 - 1 (default 0)
- ``parts``: which parts of a lecture to render, e.g. ``1-3,8`` (default: all)
- ``preset``: the run the lectures are made from, a gdcore preset (default ``video``), or
- ``network``: a teacher's own network, a TOML file of ``gdcore train``'s settings (gdcore/netfile.py)

and one that only scenes/build.py sets: ``$GDVIZ_FRAGMENT=1`` renders the chosen parts as a
fragment of the lecture (each followed by its fade to black unless it is the lecture's last).

A bad value raises ``SettingError``; ``or_exit`` turns that into one line, ``error: ...``, and exit
code 2, which is what a scene module does at import, so ``manim`` stops before any run is loaded.
"""
from __future__ import annotations

import configparser
import os
import sys

THEMES = ("dark", "light")


class SettingError(ValueError):
    """A teacher's setting that cannot be used (the message says which and what would work)."""


def setting(key: str, default: str) -> tuple[str, str]:
    """(value, where it came from) of setting ``key``."""
    name = f"GDVIZ_{key.upper()}"
    if os.environ.get(name, "").strip():
        return os.environ[name].strip(), name
    cfg = configparser.ConfigParser()
    try:
        cfg.read("manim.cfg")
    except configparser.Error as exc:
        raise SettingError(f"manim.cfg cannot be read: {str(exc).splitlines()[0]}") from None
    value = cfg.get("gdviz", key, fallback="").strip()
    return (value, f"{key} in manim.cfg [gdviz]") if value else (default, "default")


def theme() -> str:
    value, where = setting("theme", "dark")
    if value.lower() not in THEMES:
        raise SettingError(f"{where} is {value!r}: the theme is one of {', '.join(THEMES)}")
    return value.lower()


def seed() -> int:
    value, where = setting("seed", "0")
    if not (value.isascii() and value.isdigit()) or int(value) >= 2 ** 32:
        raise SettingError(f"{where} is {value!r}: the seed is a whole number from 0 to 4294967295")
    return int(value)


def choose_network(preset: str | None = None, network: str | None = None) -> None:
    """The ``--preset`` / ``--network`` options of the commands: set for this process and the renders it
    starts, as if given as $GDVIZ_PRESET / $GDVIZ_NETWORK."""
    for key, value in (("GDVIZ_PRESET", preset), ("GDVIZ_NETWORK", network)):
        if value is not None:
            os.environ[key] = value


def lecture_run_config():
    """(RunConfig, name) of the run every lecture part reads: the ``network`` file if one is set, else
    the ``preset``. Checked here, before anything trains (a SettingError says what is wrong). Any
    activation, cost and number of hidden layers (at least one) will do: the parts draw and caption the
    network they are given."""
    from gdcore.errors import ConfigError
    from gdcore.netfile import read_network
    from gdcore.presets import PRESETS, preset

    name, where = setting("preset", "video")
    path, file_where = setting("network", "")
    try:
        if path:
            if where != "default":
                raise SettingError(f"both {where} and {file_where} are set: choose one")
            config, name = read_network(path), path
        elif name not in PRESETS:
            raise SettingError(f"{where} is {name!r}: choose a preset from {', '.join(PRESETS)}, "
                               "or name your own network file (network = my-network.toml)")
        else:
            config = preset(name).validate()
    except ConfigError as exc:
        raise SettingError(str(exc)) from None
    hidden = len(config.sizes) - 2
    if hidden < 1:
        raise SettingError(f"{name} has no hidden layer ({'-'.join(map(str, config.sizes))}): the lectures are about "
                           "what hidden layers learn and how backpropagation reaches them; give it at least one")
    return config, name


def fragment() -> bool:
    """Whether this render is a fragment of a lecture ($GDVIZ_FRAGMENT, set by scenes/build.py)."""
    value = os.environ.get("GDVIZ_FRAGMENT", "").strip()
    if value not in ("", "0", "1"):
        raise SettingError(f"GDVIZ_FRAGMENT is {value!r}: it is 1 (set by scenes/build.py) or unset")
    return value == "1"


def parts(count: int, spec: str | None = None) -> list[int]:
    """The part numbers (1..count, in the order given) chosen by ``spec`` (default: the ``parts``
    setting); all of them if it is empty. ``spec`` is like ``1-3,8``."""
    where = "the part list"
    if spec is None:
        spec, where = setting("parts", "")
    if not spec.strip():
        return list(range(1, count + 1))
    chosen = []
    for item in spec.split(","):
        lo, dash, hi = item.strip().partition("-")
        if not (lo.isdigit() and (hi.isdigit() if dash else True)):
            raise SettingError(f"{where} {spec!r} is not a list of numbers and ranges like 1-3,8 "
                               f"(parts are numbered 1 to {count})")
        first, last = int(lo), int(hi or lo)
        if first > last:
            raise SettingError(f"{where} {spec!r} has the range {item.strip()!r} backwards: write {last}-{first}")
        if not 1 <= first <= last <= count:
            raise SettingError(f"{where} {spec!r} asks for part {last if last > count else first}, "
                               f"but the parts are numbered 1 to {count}")
        chosen += range(first, last + 1)
    return chosen


def or_exit(read, *args):
    """``read(*args)``, or one line ``error: ...`` on stderr and exit code 2 if the setting is bad."""
    try:
        return read(*args)
    except SettingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

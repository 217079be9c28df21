"""A teacher's own network, as a small TOML file with the settings of ``gdcore train``'s flags:

    # my-network.toml
    preset = "video"        # what the other settings start from (default: video)
    sizes = [784, 30, 10]   # or "784,30,10"
    activation = "sigmoid"  # sigmoid or relu
    cost = "quadratic"      # quadratic or cross_entropy
    eta = 1.5
    batch-size = 10         # or "full"
    epochs = 30

Keys may be spelled with - or _ (``batch-size``, ``batch_size``). ``read_network(path)`` returns the
checked RunConfig, or raises a ConfigError naming the file and what is wrong with it.
"""
from __future__ import annotations

from pathlib import Path

from .config import RunConfig
from .errors import ConfigError
from .presets import PRESETS, preset

KEYS = ("preset", "epochs", "steps", "seed", "eta", "momentum", "weight_decay", "schedule", "sizes", "activation",
        "cost", "init", "train_size", "batch_size")


def read_network(path) -> RunConfig:
    """The RunConfig a network file describes (validated)."""
    try:
        import tomllib
    except ModuleNotFoundError:                       # Python 3.10
        import tomli as tomllib
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"network file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"network file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"network file {path} is not valid TOML: {exc}") from None
    settings = {key.replace("-", "_"): value for key, value in table.items()}
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise ConfigError(f"network file {path}: unknown setting {unknown[0]!r}; the settings are "
                          f"{', '.join(k.replace('_', '-') for k in KEYS)}")
    base = settings.pop("preset", "video")
    if base not in PRESETS:
        raise ConfigError(f"network file {path}: unknown preset {base!r}; choose from {', '.join(PRESETS)}")
    if isinstance(settings.get("sizes"), str):
        try:
            settings["sizes"] = tuple(int(n) for n in settings["sizes"].split(","))
        except ValueError:
            raise ConfigError(f"network file {path}: sizes are whole numbers like 784,30,10, "
                              f"got {settings['sizes']!r}") from None
    if settings.get("batch_size") == "full":
        settings["batch_size"] = None
    if "steps" in settings and "epochs" not in settings:
        settings["epochs"] = None
    try:
        return preset(base, **settings).validate()
    except (ConfigError, TypeError, ValueError) as exc:
        raise ConfigError(f"network file {path}: {exc}") from None

"""What a run is: its RunConfig, checked and in one spelling, its snapshot schedule, and what it costs.

    config = RunConfig(sizes=(784, 16, 16, 10), eta=1.5, batch_size=10, epochs=30).validate()
    config.total_steps                 # 180000 mini-batch steps
    snapshot_schedule(config)          # (snapshot steps, gradient steps), sorted int arrays
    memory_bytes(config), disk_bytes(config)   # upper bounds, checked before training

``validate`` raises a ConfigError naming the first bad field, and returns the config with every
value in one spelling (epochs=1 and epochs=1.0 are the same run, so they get the same cache key;
train_size=60000 is None; a batch as large as the training set is None, full-batch descent).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import memory
from .checks import choice, optional, whole
from .errors import ConfigError
from .network import ACTIVATIONS, COSTS, INITS, layer_sizes
from .train import check_settings, steps_per_epoch

MAX_SNAPSHOTS = 10 ** 6   # log_snapshots and epoch_snapshots at most (each is a (P,) vector kept)
TEST_IMAGES = 10000


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines a run's numbers. ``batch_size=None`` is full-batch descent."""

    sizes: tuple = (784, 16, 16, 10)
    activation: str = "sigmoid"
    cost: str = "quadratic"
    init: str = "fan_in"
    seed: int = 0
    eta: float = 1.5
    batch_size: int | None = 10
    momentum: float = 0.0
    schedule: str = "constant"
    weight_decay: float = 0.0
    epochs: float | None = 30
    steps: int | None = None
    train_size: int | None = None  # the first N training images; None = all 60,000
    shuffle_labels: bool = False   # the random-labels experiment: labels permuted with the seed
    dtype: str = "float32"
    log_snapshots: int = 60
    epoch_snapshots: int = 100
    snapshot_every: int | None = None  # also every N steps (dense paths for landscape pictures)

    def validate(self, n_available: int = 60000) -> "RunConfig":
        """This config checked (a ConfigError naming the first bad field) and in one spelling."""
        sizes = tuple(layer_sizes(self.sizes))
        if sizes[0] != 784 or sizes[-1] != 10:
            raise ConfigError(f"sizes must start at 784 (pixels) and end at 10 (digits) for MNIST, got {list(sizes)}")
        for name, value, allowed in (("activation", self.activation, ACTIVATIONS), ("cost", self.cost, COSTS),
                                     ("init", self.init, INITS), ("dtype", self.dtype, ("float32", "float64"))):
            choice(value, name, allowed)
        train_size = optional(whole, self.train_size, "train size", 1, n_available)
        n = n_available if train_size is None else train_size
        settings = check_settings(n, eta=self.eta, batch_size=self.batch_size, epochs=self.epochs, steps=self.steps,
                                  momentum=self.momentum, weight_decay=self.weight_decay, schedule=self.schedule)
        if not isinstance(self.shuffle_labels, (bool, np.bool_)):
            raise ConfigError(f"shuffle_labels must be True or False, got {self.shuffle_labels!r}")
        batch_size = settings["batch_size"]
        return dataclasses.replace(
            self, sizes=sizes, seed=whole(self.seed, "seed", low=0), eta=settings["eta"],
            batch_size=None if batch_size is not None and batch_size >= n else batch_size,
            momentum=settings["momentum"], schedule=settings["schedule"], weight_decay=settings["weight_decay"],
            epochs=settings["epochs"], steps=settings["steps"], train_size=None if n == n_available else n,
            shuffle_labels=bool(self.shuffle_labels),
            log_snapshots=whole(self.log_snapshots, "log_snapshots", 0, MAX_SNAPSHOTS),
            epoch_snapshots=whole(self.epoch_snapshots, "epoch_snapshots", 0, MAX_SNAPSHOTS),
            snapshot_every=optional(whole, self.snapshot_every, "snapshot_every (steps)", low=1))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["sizes"] = list(self.sizes)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "RunConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}")
        return cls(**{**d, "sizes": tuple(d.get("sizes", cls.sizes))})

    @property
    def total_steps(self) -> int:
        if self.steps is not None:
            return self.steps
        return int(round(self.epochs * steps_per_epoch(self.train_size or 60000, self.batch_size)))

    @property
    def num_params(self) -> int:
        return sum(n_in * n_out + n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))


def _powers(total: int) -> set:
    return {10 ** k for k in range(0, 12) if 10 ** k <= total}


def snapshot_schedule(config: RunConfig) -> tuple[np.ndarray, np.ndarray]:
    """(snapshot steps, gradient steps): sorted int arrays, both include 0 and the last step."""
    total = config.total_steps
    per_epoch = steps_per_epoch(config.train_size or 60000, config.batch_size)
    steps = {0, total}
    if total > 0:
        steps.update(np.unique(np.round(np.logspace(0, np.log10(total), config.log_snapshots))).astype(int))
        n_epochs = total // per_epoch
        if n_epochs:
            epochs = np.unique(np.round(np.linspace(1, n_epochs, min(n_epochs, config.epoch_snapshots))))
            steps.update((epochs * per_epoch).astype(int))
    if config.snapshot_every:
        steps.update(range(0, total + 1, config.snapshot_every))
    powers = _powers(total)
    steps.update(powers)
    return np.array(sorted(steps)), np.array(sorted(powers | {0, total}))


def snapshot_counts(config: RunConfig) -> tuple[int, int]:
    """(snapshots, gradients): upper bounds on ``snapshot_schedule``'s lengths, without building it."""
    total = config.total_steps
    per_epoch = steps_per_epoch(config.train_size or 60000, config.batch_size)
    powers = len(_powers(total))
    every = total // config.snapshot_every + 1 if config.snapshot_every else 0
    snaps = 2 + min(total, config.log_snapshots) + min(total // per_epoch, config.epoch_snapshots) + powers + every
    return min(snaps, total + 1), powers + 2


def memory_bytes(config: RunConfig) -> int:
    """About the most memory ``runs.record(config)`` holds at once (an upper bound, in bytes)."""
    item = np.dtype(config.dtype).itemsize
    n = config.train_size or 60000
    width = sum(config.sizes[1:])                       # activations per example, all layers
    P, (snaps, grads) = config.num_params, snapshot_counts(config)
    kept = 2 * (snaps + grads) * P * item               # the lists of vectors, then their arrays
    data = (n + TEST_IMAGES) * (784 + 10) * (8 + item)  # float64 pixels, then the run's dtype
    chunk = min(max(n, TEST_IMAGES), 10000)             # forward passes go 10,000 examples at a time (z, a),
    passes = (2 * chunk + 4 * n) * width * item         # the full-batch gradient all at once (z, a, delta, scratch)
    largest = max(a * b for a, b in zip(config.sizes[:-1], config.sizes[1:]))
    return kept + data + passes + 4 * P * item + 16 * largest + 4 * config.total_steps


def disk_bytes(config: RunConfig) -> int:
    """About the size of the run's file (an upper bound, in bytes: .npz is not compressed)."""
    snaps, grads = snapshot_counts(config)
    return (snaps + grads) * config.num_params * np.dtype(config.dtype).itemsize + 4 * config.total_steps + 65536


def require_memory(config: RunConfig) -> None:
    """A ConfigError, before anything is allocated, if training ``config`` cannot fit in memory."""
    snaps, _ = snapshot_counts(config)
    memory.require(memory_bytes(config),
                   f"a {'-'.join(map(str, config.sizes))} run of {config.total_steps:,} steps keeping up to {snaps:,} "
                   f"snapshots of {config.num_params:,} parameters",
                   "use fewer steps or epochs, smaller layers, or fewer snapshots")

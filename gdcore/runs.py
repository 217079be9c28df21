"""Runs: train once, record everything the scenes need, cache it in one .npz file.

    run = runs.get("video")          # a preset name or a RunConfig: loads from cache, or trains
    run.steps, run.epochs            # (k,) the snapshot schedule: step number, epoch (float)
    run.params                       # (k, num_params) parameter vector at each snapshot
    run.train_cost, run.train_accuracy, run.test_accuracy   # (k,) at each snapshot
    run.step_cost                    # (steps,) mini-batch cost of every step
    run.gradient_steps, run.gradients  # full training-set gradients at a few snapshots
    run.network(i)                   # a float64 Network holding snapshot i (default: the last)

Snapshots: step 0, log-spaced steps (dense early), every power of ten, and up to
``epoch_snapshots`` evenly spaced epoch ends (always the last step), and every ``snapshot_every``
steps if set. Full-batch gradients at
step 0, at every power of ten and at the last step.

The file is ``run-<key>.npz`` in the cache dir; ``key`` hashes everything that changes the
numbers (config, data checksums, gdcore version). It is written atomically under a lock, so two
renders racing on one run train it once; a file that fails to load or whose key disagrees is
discarded with a one-line warning and trained again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .cache import atomic_write, cache_dir, file_lock
from .data import inputs, load_mnist, one_hot
from .errors import ConfigError
from .network import ACTIVATIONS, COSTS, INITS, Network, example_costs
from .train import parse_schedule, steps_per_epoch, train

FORMAT = 1


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
        sizes = tuple(int(s) for s in self.sizes)
        if len(sizes) < 2 or sizes[0] != 784 or sizes[-1] != 10:
            raise ConfigError(f"sizes must start at 784 (pixels) and end at 10 (digits) for MNIST, got {list(sizes)}")
        if min(sizes) < 1:
            raise ConfigError(f"every layer needs at least one neuron, got {list(sizes)}")
        for name, value, allowed in (("activation", self.activation, ACTIVATIONS), ("cost", self.cost, COSTS),
                                     ("init", self.init, INITS), ("dtype", self.dtype, ("float32", "float64"))):
            if value not in allowed:
                raise ConfigError(f"unknown {name} {value!r}; choose from {', '.join(allowed)}")
        if not self.eta > 0 or not np.isfinite(self.eta):
            raise ConfigError(f"eta (learning rate) must be a positive number, got {self.eta}")
        n = n_available if self.train_size is None else self.train_size
        if not 1 <= n <= n_available:
            raise ConfigError(f"train size must be between 1 and {n_available}, got {self.train_size}")
        if self.batch_size is not None and not 1 <= self.batch_size <= n:
            raise ConfigError(f"batch size must be between 1 and the number of training examples ({n}), got {self.batch_size}")
        if not 0 <= self.momentum < 1:
            raise ConfigError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.snapshot_every is not None and self.snapshot_every < 1:
            raise ConfigError(f"snapshot_every must be a positive number of steps, got {self.snapshot_every}")
        if self.weight_decay < 0:
            raise ConfigError(f"weight decay must be zero or more, got {self.weight_decay}")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool) or self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed}")
        if self.epochs is not None and not np.isfinite(self.epochs):
            raise ConfigError(f"epochs must be a finite number, got {self.epochs}")
        if (self.epochs is None) == (self.steps is None):
            raise ConfigError("give exactly one of epochs and steps")
        if (self.epochs is not None and self.epochs < 0) or (self.steps is not None and self.steps < 0):
            raise ConfigError(f"epochs and steps must be zero or more, got epochs={self.epochs}, steps={self.steps}")
        parse_schedule(self.schedule)
        return dataclasses.replace(self, sizes=sizes)

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


@dataclass
class Run:
    """A recorded training run (arrays read-only). See the module docstring for the fields."""

    config: RunConfig
    meta: dict
    arrays: dict
    path: Path | None = None
    cached: bool = False
    _networks: dict = field(default_factory=dict, repr=False)

    def __getattr__(self, name):
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        raise AttributeError(name)

    @property
    def key(self) -> str:
        return self.meta["key"]

    @property
    def divergence(self) -> dict | None:
        """None, or {"step": s, "last_finite_cost": c} if the cost stopped being finite."""
        return self.meta["divergence"]

    def network(self, i: int = -1) -> Network:
        """A float64 Network holding snapshot ``i``'s parameters (a fresh copy each call)."""
        i = range(len(self.steps))[i]
        if i not in self._networks:
            c = self.config
            net = Network(c.sizes, c.activation, c.cost, c.init, seed=c.seed)
            net.params = self.params[i].astype(np.float64)
            self._networks[i] = net
        return self._networks[i].copy()

    def snapshot_at_epoch(self, epoch: float) -> int:
        """Index of the snapshot whose epoch is closest to ``epoch``."""
        return int(np.abs(self.epochs - epoch).argmin())


def run_key(config: RunConfig, data_fingerprint: str) -> str:
    blob = json.dumps({"config": config.to_dict(), "data": data_fingerprint, "gdcore": __version__,
                       "format": FORMAT}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


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
    powers = {10 ** k for k in range(0, 12) if 10 ** k <= total}
    steps.update(powers)
    return np.array(sorted(steps)), np.array(sorted(powers | {0, total}))


def training_labels(config: RunConfig, data) -> np.ndarray:
    """(n,) the labels a run with ``config`` learns: those of its first ``train_size`` images,
    permuted with its seed for the random-labels experiment."""
    n = config.train_size or len(data.train_labels)
    labels = np.array(data.train_labels[:n])
    if config.shuffle_labels:
        labels = np.random.default_rng([config.seed, 1]).permutation(labels)
    return labels


def _data_arrays(config: RunConfig, data):
    dtype = np.dtype(config.dtype)
    labels = training_labels(config, data)
    n = len(labels)
    return (inputs(data.train_images[:n], dtype), one_hot(labels, dtype=dtype), labels,
            inputs(data.test_images, dtype), np.asarray(data.test_labels))


def record(config: RunConfig, data=None, progress: bool = True) -> Run:
    """Train ``config`` from scratch and record it (no cache involved)."""
    data = data if data is not None else load_mnist()
    config = config.validate(len(data.train_labels))
    X, Y, labels, X_test, test_labels = _data_arrays(config, data)
    snap_steps, grad_steps = snapshot_schedule(config)
    snap_set, grad_set = set(snap_steps.tolist()), set(grad_steps.tolist())
    net = Network(config.sizes, config.activation, config.cost, config.init, seed=config.seed,
                  dtype=np.dtype(config.dtype))
    total = config.total_steps
    rec = {"steps": [], "epochs": [], "params": [], "train_cost": [], "train_accuracy": [],
           "test_accuracy": [], "gradient_steps": [], "gradients": []}
    step_cost = np.full(total, np.nan, np.float32)
    bar = _progress(total, config) if progress else None

    def on_step(step, epoch, cost, net):
        if step:
            step_cost[step - 1] = cost
        if step in snap_set:
            outputs = np.concatenate([net.forward(X[i:i + 10000]) for i in range(0, len(X), 10000)])
            rec["steps"].append(step)
            rec["epochs"].append(epoch)
            rec["params"].append(net.params)
            rec["train_cost"].append(float(example_costs(outputs, Y, net.cost_name).mean()))
            rec["train_accuracy"].append(float((outputs.argmax(1) == labels).mean()))
            rec["test_accuracy"].append(net.accuracy(X_test, test_labels))
            if step in grad_set:
                rec["gradient_steps"].append(step)
                rec["gradients"].append(net.gradient(X, Y))
        if bar is not None and (step % max(1, total // 200) == 0 or step == total):
            bar[0].update(bar[1], completed=step)

    started = time.perf_counter()
    try:
        divergence = train(net, X, Y, eta=config.eta, batch_size=config.batch_size, epochs=config.epochs,
                           steps=config.steps, momentum=config.momentum, schedule=config.schedule,
                           weight_decay=config.weight_decay, seed=[config.seed, 2], on_step=on_step)
    finally:
        if bar is not None:
            bar[0].stop()
    seconds = time.perf_counter() - started
    if divergence is not None:
        step_cost = step_cost[:divergence.step]
        print(f"warning: training diverged at step {divergence.step} (last finite cost "
              f"{divergence.last_finite_cost}); eta={config.eta} is too large", file=sys.stderr)
    dtype = np.dtype(config.dtype)
    arrays = {
        "steps": np.array(rec["steps"], np.int64), "epochs": np.array(rec["epochs"], np.float64),
        "params": np.array(rec["params"], dtype).reshape(-1, net.num_params),
        "train_cost": np.array(rec["train_cost"]), "train_accuracy": np.array(rec["train_accuracy"]),
        "test_accuracy": np.array(rec["test_accuracy"]), "step_cost": step_cost,
        "gradient_steps": np.array(rec["gradient_steps"], np.int64),
        "gradients": np.array(rec["gradients"], dtype).reshape(-1, net.num_params),
    }
    meta = {"key": run_key(config, data.fingerprint), "config": config.to_dict(), "gdcore": __version__,
            "format": FORMAT, "data": {"fingerprint": data.fingerprint, "sha256": data.checksums},
            "num_params": net.num_params, "train_seconds": round(seconds, 3),
            "divergence": None if divergence is None else dataclasses.asdict(divergence)}
    for a in arrays.values():
        a.flags.writeable = False
    return Run(config, meta, arrays)


def _progress(total, config):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("training {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = prog.add_task("-".join(map(str, config.sizes)), total=total)
    prog.start()
    return prog, task


def save(run: Run, path: Path) -> None:
    """Write ``run`` to ``path`` (.npz with a JSON 'meta' string), atomically."""
    arrays = dict(run.arrays, meta=np.array(json.dumps(run.meta, sort_keys=True)))
    atomic_write(Path(path), lambda f: np.savez(f, **arrays))


def load(path: Path, key: str | None = None) -> Run:
    """Read a run file (never unpickles). Raises on any damage (ValueError, OSError, KeyError...)
    and, when ``key`` is given, if the file holds a different run."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")))
    config = RunConfig.from_dict(meta["config"])
    if meta.get("format") != FORMAT or run_key(config, meta["data"]["fingerprint"]) != meta["key"]:
        raise ValueError("run file metadata does not match its key")
    if key is not None and meta["key"] != key:
        raise ValueError(f"run file holds run {meta['key']}, not {key}")
    n = len(arrays["steps"])
    if arrays["params"].shape != (n, meta["num_params"]) or len(arrays["test_accuracy"]) != n:
        raise ValueError("run file arrays have inconsistent shapes")
    for a in arrays.values():
        a.flags.writeable = False
    return Run(config, meta, arrays, Path(path), cached=True)


def resolve(preset_or_config) -> RunConfig:
    if isinstance(preset_or_config, RunConfig):
        return preset_or_config
    from .presets import preset
    return preset(preset_or_config)


def run_path(config: RunConfig, data=None) -> Path:
    """Where the run of ``config`` is cached."""
    data = data if data is not None else load_mnist()
    return cache_dir() / f"run-{run_key(config.validate(len(data.train_labels)), data.fingerprint)}.npz"


def get(preset_or_config, progress: bool = True, data=None) -> Run:
    """The run for a preset name or RunConfig: loaded from the cache, or trained once and saved."""
    config = resolve(preset_or_config)
    data = data if data is not None else load_mnist()
    config = config.validate(len(data.train_labels))
    key = run_key(config, data.fingerprint)
    path = cache_dir() / f"run-{key}.npz"
    with file_lock(path.with_suffix(".lock")):
        if path.exists():
            try:
                return load(path, key)
            except Exception as exc:  # damaged or foreign: discard and retrain
                print(f"warning: discarding unreadable run file {path} ({type(exc).__name__}: {exc}); retraining",
                      file=sys.stderr)
                path.unlink(missing_ok=True)
        run = record(config, data, progress=progress)
        save(run, path)
        run.path = path
        return run

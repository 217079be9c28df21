"""Runs: train once, record everything the scenes need, cache it in one .npz file.

    run = runs.get("video")          # a preset name or a RunConfig: loads from cache, or trains
    run.steps, run.epochs            # (k,) the snapshot schedule: step number, epoch (float)
    run.params                       # (k, num_params) parameter vector at each snapshot
    run.train_cost, run.train_accuracy, run.test_accuracy   # (k,) at each snapshot
    run.step_cost                    # (steps,) mini-batch cost of every step
    run.gradient_steps, run.gradients  # full training-set gradients at a few snapshots
    run.network(i)                   # a float64 Network holding snapshot i (default: the last)

Snapshots (``gdcore.config.snapshot_schedule``): step 0, log-spaced steps (dense early), every
power of ten, and up to ``epoch_snapshots`` evenly spaced epoch ends (always the last step), and
every ``snapshot_every`` steps if set. Full-batch gradients at step 0, at every power of ten and at
the last step.

The file is ``run-<key>.npz`` in the cache dir; ``key`` hashes everything that changes the
numbers (the validated config, data checksums, gdcore version). It is written atomically under a
lock, so two renders racing on one run train it once, and it holds the SHA-256 of its arrays: a
file that fails to load, whose arrays differ from that hash or whose key disagrees is discarded
with a one-line warning and trained again. A run that cannot fit in memory or on the cache's disk
is refused (ConfigError, CacheError) before training.
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
from .cache import cache_dir, load_or_make, require_disk
from .config import RunConfig, disk_bytes, require_memory, snapshot_schedule
from .data import inputs, load_mnist, one_hot
from .network import Network, example_costs
from .store import read_npz, write_npz
from .train import divergence_message, train

FORMAT = 2  # 2: arrays carry their SHA-256; configs in one spelling
__all__ = ["RunConfig", "Run", "snapshot_schedule", "training_labels", "record", "save", "load", "get", "run_key",
           "run_path"]


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
    """The cache key of a *validated* config (``validate`` puts every value in one spelling)."""
    blob = json.dumps({"config": config.to_dict(), "data": data_fingerprint, "gdcore": __version__,
                       "format": FORMAT}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


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
    require_memory(config)
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
        print("warning: " + divergence_message(divergence, eta=config.eta, schedule=config.schedule,
                                               momentum=config.momentum, weight_decay=config.weight_decay),
              file=sys.stderr)
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
    """(progress bar, task) on stderr, or None when stderr is not a terminal (there it would only
    leave a blank line behind)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    prog = Progress(TextColumn("training {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                    TimeRemainingColumn(), console=console, transient=True)
    task = prog.add_task("-".join(map(str, config.sizes)), total=total)
    prog.start()
    return prog, task


def save(run: Run, path: Path) -> None:
    """Write ``run`` to ``path`` (.npz with a JSON 'meta' string holding the arrays' SHA-256), atomically."""
    write_npz(Path(path), run.arrays, run.meta)


def load(path: Path, key: str | None = None) -> Run:
    """Read a run file (never unpickles). Raises ValueError (or KeyError, OSError...) on any damage:
    arrays that differ from their stored SHA-256, metadata that does not match its key, and, when
    ``key`` is given, a file that holds a different run."""
    arrays, meta = read_npz(path)
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


def get(preset_or_config, progress: bool = True, data=None, retrain: bool = False) -> Run:
    """The run for a preset name or RunConfig: loaded from the cache, or trained once and saved.

    ``retrain``: train again even if it is cached; the old file is replaced only once the new one
    is written. Raises ConfigError for a config that cannot be trained (before any training, also
    when it would need more memory than there is) and CacheError when the cache cannot hold it (a
    folder where the run file should be, not enough free disk for it, no space left while saving).
    """
    config = resolve(preset_or_config)
    data = data if data is not None else load_mnist()
    config = config.validate(len(data.train_labels))
    key = run_key(config, data.fingerprint)
    path = cache_dir() / f"run-{key}.npz"

    def train_and_check() -> Run:  # refuse what cannot fit before training, not after
        require_memory(config)
        require_disk(path.parent, disk_bytes(config), f"the run file {path.name}")
        return record(config, data, progress=progress)

    run, _ = load_or_make(path, lambda p: load(p, key), train_and_check, save, what="run file", redo="retraining",
                          reuse=not retrain)
    run.path = path
    return run

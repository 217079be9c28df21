"""``python -m gdcore``: train presets, list them, check the data, map cost landscapes.
Errors: one line, exit code 2."""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

from . import __version__, runs
from .errors import ConfigError, GdcoreError
from .landscape import MAX_SPAN, PLANES
from .presets import PRESETS, describe, preset


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's default prints the usage too)
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def _sizes(text: str) -> tuple:
    """'784,30,10' or '784-30-10' -> (784, 30, 10); every layer a whole number >= 1, none left out."""
    parts = text.split("," if "," in text or "-" not in text.strip().lstrip("-") else "-")
    try:
        sizes = tuple(int(s) for s in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers like 784,16,16,10 (no empty or non-numeric "
                                         f"layer), got {text!r}") from None
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"every layer needs at least one neuron, got {text!r}")
    return sizes


def _number(text: str) -> float:
    """A finite float ('nan', 'inf' and '1e999' are not settings)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _batch(text: str):
    if text == "full":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"batch size must be an integer or 'full', got {text!r}") from None


def build_parser(prog: str = "python -m gdcore") -> argparse.ArgumentParser:
    p = _Parser(prog=prog, description="gdcore: train the lecture's MNIST network and record runs for the scenes.")
    p.add_argument("--version", action="version", version=f"gdcore {__version__}")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True

    t = verbs.add_parser("train", help="train a preset (or load it from the cache) and report its accuracy",
                         description="Train a preset, or load its cached run; report accuracy and where the run file is.")
    t.add_argument("--preset", default="video", help=f"one of: {', '.join(PRESETS)} (default: video)")
    t.add_argument("--epochs", type=_number, help="number of epochs (overrides the preset)")
    t.add_argument("--steps", type=int, help="number of gradient steps instead of epochs")
    t.add_argument("--seed", type=int, help="seed for initialisation, shuffling and label noise")
    t.add_argument("--eta", type=_number, help="learning rate (a finite number > 0)")
    t.add_argument("--batch-size", type=_batch, default=argparse.SUPPRESS, help="mini-batch size, or 'full' for full-batch gradient descent")
    t.add_argument("--momentum", type=_number, help="heavy-ball momentum in [0, 1)")
    t.add_argument("--weight-decay", type=_number, help="L2 weight decay >= 0 (added to the gradient as decay * theta)")
    t.add_argument("--schedule", help="learning-rate schedule: constant, cosine or step:EPOCHS:FACTOR (eta times FACTOR, in (0, 1], every EPOCHS epochs, at least one step)")
    t.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 784,30,10")
    t.add_argument("--activation", help="hidden activation: sigmoid or relu")
    t.add_argument("--cost", help="quadratic or cross_entropy")
    t.add_argument("--init", help="normal (N(0,1)), fan_in (N(0,1/n_in)), he (N(0,2/n_in)) or equal (all 0)")
    t.add_argument("--train-size", type=int, help="train on the first N training images")
    t.add_argument("--retrain", action="store_true", help="train again even if the run is cached (the cached file is replaced only once the new one is written)")
    t.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    pr = verbs.add_parser("presets", help="list the named presets and their configs",
                          description="List the named presets and their configs.")
    pr.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    d = verbs.add_parser("data", help="check the MNIST files against SHA256SUMS and show the splits",
                         description="Load MNIST from assets/mnist (or --dir), verify checksums, print counts.")
    d.add_argument("--dir", help="folder holding the four IDX .gz files (default: assets/mnist)")
    d.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    ls = verbs.add_parser("landscape", help="the real cost on a 2-D plane through a preset's trained parameters",
                          description="Compute the true cost on an N x N grid of a plane through the last snapshot "
                                      "of a preset's run (trained first if not cached), on the first training "
                                      "examples of that run. Grids are cached.")
    ls.add_argument("--preset", default="video", help=f"one of: {', '.join(PRESETS)} (default: video)")
    ls.add_argument("--plane", required=True, choices=PLANES,
                    help="pca: top two principal directions of the run's recorded path (relative to its end); "
                         "random: two filter-normalised Gaussian directions (Li et al. 2018); "
                         "gradient: downhill gradient plus one random direction orthogonal to it")
    ls.add_argument("--grid", type=int, required=True, metavar="N", help="N: the grid has N x N points (2 to 1001)")
    ls.add_argument("--span", type=_number, metavar="S",
                    help="the grid covers -S..S along both directions, 0 < S <= 1e6 (default: 1 for random, else 1.1 x the "
                         "farthest snapshot's distance from the centre)")
    ls.add_argument("--subset", type=int, metavar="N",
                    help="evaluate the cost on the run's first N training examples (default: 10000, or all if fewer)")
    ls.add_argument("--direction-seed", type=int, default=0, metavar="S",
                    help="seed of the random directions (default: 0)")
    ls.add_argument("--epochs", type=_number, metavar="E", help="train the preset for this many epochs instead")
    ls.add_argument("--train-size", type=int, metavar="N",
                    help="train the preset on its first N training images instead")
    ls.add_argument("--compare-naive", action="store_true",
                    help="also evaluate every grid point the plain way (network rebuilt, full forward pass; "
                         "much slower) and report its time and the largest difference")
    ls.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    return p


OVERRIDES = ("epochs", "steps", "seed", "eta", "momentum", "weight_decay", "schedule", "sizes", "activation", "cost",
             "init")


def cmd_train(args) -> dict:
    overrides = {k: getattr(args, k) for k in OVERRIDES if getattr(args, k) is not None}
    if hasattr(args, "batch_size"):
        overrides["batch_size"] = args.batch_size
    if args.train_size is not None:
        overrides["train_size"] = args.train_size
    if "steps" in overrides and "epochs" not in overrides:
        overrides["epochs"] = None
    if "epochs" in overrides and "steps" not in overrides:
        overrides["steps"] = None
    config = preset(args.preset, **overrides)
    run = runs.get(config, progress=not args.json or sys.stderr.isatty(), retrain=args.retrain)
    result = {
        "preset": args.preset, "params": int(run.meta["num_params"]),
        "test_accuracy": float(run.test_accuracy[-1]), "train_accuracy": float(run.train_accuracy[-1]),
        "train_cost": float(run.train_cost[-1]), "train_seconds": run.meta["train_seconds"],
        "epochs": float(run.epochs[-1]), "steps": int(run.steps[-1]), "run_file": str(run.path),
        "cached": run.cached, "divergence": run.divergence, "config": run.meta["config"],
    }
    if not args.json:
        c = run.config
        print(f"{args.preset}: {'-'.join(map(str, c.sizes))} {c.activation}/{c.cost}, {result['params']:,} params, "
              f"{result['epochs']:g} epochs ({result['steps']:,} steps) in {result['train_seconds']:.1f} s"
              f"{' (cached)' if run.cached else ''}")
        print(f"  test accuracy {result['test_accuracy']:.2%} (full 10k test set), "
              f"train accuracy {result['train_accuracy']:.2%}, train cost {result['train_cost']:.4f}")
        if run.divergence:
            print(f"  diverged at step {run.divergence['step']}")
        print(f"  run file: {run.path}")
    return result


def cmd_presets(args) -> dict:
    result = {name: {"description": describe(name), "config": preset(name).to_dict()} for name in PRESETS}
    if not args.json:
        width = max(map(len, result)) + 1
        for name, info in result.items():
            c = info["config"]
            batch = "full batch" if c["batch_size"] is None else f"batch {c['batch_size']}"
            length = f"{c['epochs']:g} epochs" if c["epochs"] is not None else f"{c['steps']} steps"
            print(f"{name:{width}s} {info['description']}")
            print(f"{'':{width}s} {'-'.join(map(str, c['sizes']))} {c['activation']}/{c['cost']}, init {c['init']}, "
                  f"eta {c['eta']:g} ({c['schedule']}), {batch}, momentum {c['momentum']:g}, "
                  f"weight decay {c['weight_decay']:g}, {length}"
                  f"{', first %d images' % c['train_size'] if c['train_size'] else ''}"
                  f"{', shuffled labels' if c['shuffle_labels'] else ''}"
                  f"{', ' + c['dtype'] if c['dtype'] != 'float32' else ''}")
    return result


def cmd_data(args) -> dict:
    from .data import load_mnist
    data = load_mnist(args.dir)
    result = {"train": len(data.train_labels), "test": len(data.test_labels), "sha256": data.checksums,
              "book_split": [len(s) for s in data.split("book")]}
    if not args.json:
        print(f"MNIST OK: {result['train']:,} training and {result['test']:,} test images, checksums verified")
        print(f"  book split: {result['book_split'][0]:,} train / {result['book_split'][1]:,} validation / "
              f"{result['book_split'][2]:,} test")
    return result


def _finite(x):
    """float(x), or None when it is not finite (JSON has no NaN)."""
    x = float(x)
    return x if math.isfinite(x) else None


def strict_json(value):
    """``value`` with every non-finite float replaced by None, so ``json.dumps(allow_nan=False)`` works."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def _landscape_config(args):
    """(RunConfig, subset): the run and evaluation set ``landscape`` asks for, checked before any work."""
    overrides = {k: v for k, v in (("epochs", args.epochs), ("train_size", args.train_size)) if v is not None}
    if "epochs" in overrides:
        overrides["steps"] = None
    config = preset(args.preset, **overrides).validate()
    if not 2 <= args.grid <= 1001:
        raise ConfigError(f"grid must be between 2 and 1001 points per side, got {args.grid}")
    if args.span is not None and not 0 < args.span <= MAX_SPAN:
        raise ConfigError(f"span must be a number in (0, {MAX_SPAN:g}] (the grid's half-width along each "
                          f"direction), got {args.span:g}")
    if args.direction_seed < 0:
        raise ConfigError(f"direction seed must be a non-negative integer, got {args.direction_seed}")
    n_train = config.train_size or 60000
    subset = min(10000, n_train) if args.subset is None else args.subset
    if not 1 <= subset <= n_train:
        raise ConfigError(f"subset must be between 1 and the run's {n_train} training examples, got {subset}")
    return config, subset


def cmd_landscape(args) -> dict:
    import numpy as np

    from . import landscape
    from .data import load_mnist
    config, subset = _landscape_config(args)
    data = load_mnist()
    run = runs.get(config, progress=not args.json or sys.stderr.isatty(), data=data)
    X, Y = landscape.evaluation_set(run.config, subset, data)
    net = run.network()
    plane = landscape.plane_for_run(run, args.plane, X, Y, seed=args.direction_seed)
    span = args.span if args.span is not None else landscape.default_span(run, plane)
    ticks = np.linspace(-span, span, args.grid)
    spec = {"run": run.key, "preset": args.preset, "plane": args.plane, "direction_seed": args.direction_seed,
            "subset": f"first {subset} training examples of the run", "span": span, "grid": args.grid}
    started = time.perf_counter()
    grid = landscape.cached_cost_grid(net, X, Y, plane, ticks, ticks, spec=spec)
    seconds = time.perf_counter() - started
    coords, distance = landscape.project(run.params, plane)
    d1, d2 = plane.directions
    result = {
        "preset": args.preset, "grid": args.grid, "span": span, "subset": subset, "seconds": round(seconds, 4),
        "compute_seconds": grid.seconds, "cached": grid.cached, "landscape_file": str(grid.path),
        "run_file": str(run.path),
        **_cost_range(grid.costs),
        "cost_centre": _finite(landscape.path_costs(net, X, Y, plane.origin)[0]),
        "plane": {"kind": plane.kind,
                  "centre": f"last snapshot (step {int(run.steps[-1])}, epoch {float(run.epochs[-1]):g})",
                  "direction_norms": [float(np.linalg.norm(d1)), float(np.linalg.norm(d2))],
                  "cosine": float(d1 @ d2 / (np.linalg.norm(d1) * np.linalg.norm(d2))),
                  "explained_variance": None if plane.explained is None else [float(v) for v in plane.explained]},
        "path": {"snapshots": len(run.steps), "start_coords": [float(c) for c in coords[0]],
                 "start_distance_from_plane": float(distance[0]), "max_distance_from_plane": float(distance.max())},
    }
    if args.compare_naive:  # both timed now, in this process (a cached grid's own time may be from elsewhere)
        started = time.perf_counter()
        landscape.cost_grid(net, X, Y, plane, ticks, ticks)
        result["compute_seconds"] = round(time.perf_counter() - started, 4)
        started = time.perf_counter()
        naive = landscape.cost_grid_naive(net, X, Y, plane, ticks, ticks)
        result["seconds_naive"] = round(time.perf_counter() - started, 4)
        result["max_abs_diff"] = _finite(np.abs(naive - grid.costs).max())
        result["speedup"] = round(result["seconds_naive"] / max(result["compute_seconds"], 1e-9), 2)
    if not args.json:
        _print_landscape(result)
    return result


def _cost_range(costs) -> dict:
    """min and max over the grid's finite costs (None if there are none), and how many are not finite."""
    import numpy as np

    finite = costs[np.isfinite(costs)]
    return {"cost_min": float(finite.min()) if finite.size else None,
            "cost_max": float(finite.max()) if finite.size else None,
            "non_finite_points": int(costs.size - finite.size)}


def _print_landscape(r: dict) -> None:
    number = lambda x: "n/a" if x is None else f"{x:.4g}"  # noqa: E731  (a diverged run has no finite cost)
    explained = r["plane"]["explained_variance"]
    share = "" if explained is None else f", explaining {explained[0]:.1%} + {explained[1]:.1%} of the path"
    print(f"{r['preset']}: {r['plane']['kind']} plane through the {r['plane']['centre']}{share}")
    print(f"  {r['grid']} x {r['grid']} grid over -{r['span']:.4g}..{r['span']:.4g}, cost on the first "
          f"{r['subset']:,} training examples: {number(r['cost_min'])} .. {number(r['cost_max'])} "
          f"(centre {number(r['cost_centre'])})"
          f"{'; %d points not finite' % r['non_finite_points'] if r['non_finite_points'] else ''}")
    loaded = f" (cached: loaded in {r['seconds']:.2f} s)" if r["cached"] else ""
    print(f"  computed in {r['compute_seconds']:.2f} s{loaded}")
    if "seconds_naive" in r:
        print(f"  naive evaluation: {r['seconds_naive']:.2f} s ({r['speedup']:g}x slower), "
              f"largest difference {number(r['max_abs_diff'])}")
    path = r["path"]
    print(f"  path: {path['snapshots']} snapshots, at most {path['max_distance_from_plane']:.3g} from the plane")
    print(f"  landscape file: {r['landscape_file']}")


def main(argv=None, prog: str = "python -m gdcore") -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        result = {"train": cmd_train, "presets": cmd_presets, "data": cmd_data,
                  "landscape": cmd_landscape}[args.verb](args)
    except GdcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MemoryError as exc:  # the estimates refuse what cannot fit; this is the last resort
        print(f"error: out of memory ({str(exc) or 'MemoryError'}): try smaller --sizes, fewer --steps or --epochs, "
              "or a smaller --train-size", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(strict_json(result), allow_nan=False))
    return 0

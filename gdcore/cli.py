"""``python -m gdcore``: train presets, list them, check the data. Errors: one line, exit code 2."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__, runs
from .errors import GdcoreError
from .presets import PRESETS, describe, preset


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's default prints the usage too)
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def _sizes(text: str) -> tuple:
    try:
        return tuple(int(s) for s in text.replace("-", ",").split(",") if s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be integers like 784,16,16,10, got {text!r}") from None


def _batch(text: str):
    if text == "full":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"batch size must be an integer or 'full', got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m gdcore", description="gdcore: train the lecture's MNIST network and record runs for the scenes.")
    p.add_argument("--version", action="version", version=f"gdcore {__version__}")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True

    t = verbs.add_parser("train", help="train a preset (or load it from the cache) and report its accuracy",
                         description="Train a preset, or load its cached run; report accuracy and where the run file is.")
    t.add_argument("--preset", default="video", help=f"one of: {', '.join(PRESETS)} (default: video)")
    t.add_argument("--epochs", type=float, help="number of epochs (overrides the preset)")
    t.add_argument("--steps", type=int, help="number of gradient steps instead of epochs")
    t.add_argument("--seed", type=int, help="seed for initialisation, shuffling and label noise")
    t.add_argument("--eta", type=float, help="learning rate")
    t.add_argument("--batch-size", type=_batch, default=argparse.SUPPRESS, help="mini-batch size, or 'full' for full-batch gradient descent")
    t.add_argument("--momentum", type=float, help="heavy-ball momentum in [0, 1)")
    t.add_argument("--weight-decay", type=float, help="L2 weight decay (added to the gradient as decay * theta)")
    t.add_argument("--schedule", help="learning-rate schedule: constant, cosine or step:EPOCHS:FACTOR")
    t.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 784,30,10")
    t.add_argument("--activation", help="hidden activation: sigmoid or relu")
    t.add_argument("--cost", help="quadratic or cross_entropy")
    t.add_argument("--init", help="normal (N(0,1)), fan_in (N(0,1/n_in)) or he (N(0,2/n_in))")
    t.add_argument("--train-size", type=int, help="train on the first N training images")
    t.add_argument("--retrain", action="store_true", help="ignore a cached run and train again")
    t.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    pr = verbs.add_parser("presets", help="list the named presets and their configs",
                          description="List the named presets and their configs.")
    pr.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    d = verbs.add_parser("data", help="check the MNIST files against SHA256SUMS and show the splits",
                         description="Load MNIST from assets/mnist (or --dir), verify checksums, print counts.")
    d.add_argument("--dir", help="folder holding the four IDX .gz files (default: assets/mnist)")
    d.add_argument("--json", action="store_true", help="print one JSON object on stdout")
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
    if args.retrain:
        from .data import load_mnist
        runs.run_path(config, load_mnist()).unlink(missing_ok=True)
    run = runs.get(config, progress=not args.json or sys.stderr.isatty())
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
        for name, info in result.items():
            c = info["config"]
            batch = "full batch" if c["batch_size"] is None else f"batch {c['batch_size']}"
            length = f"{c['epochs']:g} epochs" if c["epochs"] is not None else f"{c['steps']} steps"
            print(f"{name:14s} {info['description']}")
            print(f"{'':14s} {'-'.join(map(str, c['sizes']))} {c['activation']}/{c['cost']}, init {c['init']}, "
                  f"eta {c['eta']:g} ({c['schedule']}), {batch}, momentum {c['momentum']:g}, "
                  f"weight decay {c['weight_decay']:g}, {length}"
                  f"{', first %d images' % c['train_size'] if c['train_size'] else ''}"
                  f"{', shuffled labels' if c['shuffle_labels'] else ''}")
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


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = {"train": cmd_train, "presets": cmd_presets, "data": cmd_data}[args.verb](args)
    except GdcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or ''})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(result))
    return 0

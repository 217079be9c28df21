"""True labels against shuffled labels: the memorise-true and memorise-shuffled presets over seeds.

For each seed, trains both presets (nothing is cached: ``runs.record``) and reports the final
training and test accuracy and, from the accuracy recorded at every epoch end, the first epoch at
which the training accuracy reaches 50, 70 and 80 % (``gdcore.analysis.epochs_to_reach``).
Prints a table of mean and range per preset (``--json``: one JSON object).

    .venv/bin/python bench/memorisation.py                  # seeds 0-4, about 1-2 minutes
    .venv/bin/python bench/memorisation.py --seeds 0 --json
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from gdcore import analysis, load_mnist, runs
from gdcore.presets import preset

PRESETS = ("memorise-true", "memorise-shuffled")
LEVELS = (0.5, 0.7, 0.8)


def measure(name: str, seed: int, data) -> dict:
    """One run of preset ``name`` with ``seed``: its final accuracies and its epochs to each of LEVELS."""
    started = time.perf_counter()
    run = runs.record(preset(name, seed=seed), data, progress=False)
    return {"preset": name, "seed": seed, "seconds": round(time.perf_counter() - started, 1),
            "train_accuracy": float(run.train_accuracy[-1]), "test_accuracy": float(run.test_accuracy[-1]),
            **{f"epochs_to_{round(100 * lvl)}": analysis.epochs_to_reach(run, lvl) for lvl in LEVELS}}


def summary(rows: list[dict]) -> dict:
    """{column: {"mean", "min", "max" over the runs that got there, "never": how many did not}}."""
    out = {}
    for key in [k for k in rows[0] if k not in ("preset", "seed")]:
        values = [r[key] for r in rows if r[key] is not None]
        out[key] = {"mean": float(np.mean(values)) if values else None, "min": min(values, default=None),
                    "max": max(values, default=None), "never": len(rows) - len(values)}
    return out


def cell(s: dict) -> str:
    text = "-" if s["mean"] is None else f"{s['mean']:.4g} ({s['min']:.4g}-{s['max']:.4g})"
    return text + (f", never in {s['never']} runs" if s["never"] else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = load_mnist()
    rows = [measure(name, seed, data) for seed in args.seeds for name in PRESETS]
    table = {name: summary([r for r in rows if r["preset"] == name]) for name in PRESETS}
    if args.json:
        print(json.dumps({"runs": rows, "summary": table}))
        return
    for r in rows:
        print(json.dumps(r))
    for name, cols in table.items():
        print(f"{name}: " + "; ".join(f"{k} {cell(v)}" for k, v in cols.items()))


if __name__ == "__main__":
    main()

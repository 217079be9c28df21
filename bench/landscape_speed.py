"""How long a real cost landscape takes: gdcore.landscape's fast grid vs naive evaluation.

    .venv/bin/python bench/landscape_speed.py              # 51 x 51 grid, 10k examples, video run
    .venv/bin/python bench/landscape_speed.py --json       # one JSON object on stdout
    .venv/bin/python bench/landscape_speed.py --quick      # 11 x 11 grid on 2,000 examples (smoke run)

Both compute C(theta + a d1 + b d2) on the same grid of the same plane (PCA of the preset's
recorded path, through its last snapshot) over the run's first N training examples, float64:
  fast   ``landscape.cost_grid``: X W_1^T, X D_1^T, X E_1^T once, then only the small later layers
  naive  ``landscape.cost_grid_naive``: set the parameters and call ``net.cost`` at every point
Naive evaluation is slow, so it is timed on an evenly spread sub-grid (every k-th point both ways)
and scaled by (grid points) / (sub-grid points); its values there are also checked against the fast
grid (largest |difference| must be <= 1e-6, else exit 1). Repeats are interleaved (fast, naive,
fast, ...) and the medians are compared. BLAS threads are pinned (default 1: these matrices are
small, and a second thread made them slower on this machine); the pin is reported.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info

from gdcore import landscape, load_mnist, runs

TARGET_SECONDS = 10.0   # wanted: the full fast grid in at most this long
TARGET_RATIO = 5.0      # wanted: naive / fast at least this
TOLERANCE = 1e-6


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="video", help="run whose landscape is mapped (default: video)")
    p.add_argument("--grid", type=int, default=51, help="N: an N x N grid (default 51)")
    p.add_argument("--subset", type=int, default=10000, help="examples the cost is averaged over (default 10000)")
    p.add_argument("--every", type=int, default=5, help="naive sub-grid: every k-th point both ways (default 5)")
    p.add_argument("--repeats", type=int, default=2, help="interleaved repeats (default 2)")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads for both (default 1)")
    p.add_argument("--quick", action="store_true", help="11 x 11 grid on 2,000 examples, one repeat")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = p.parse_args(argv)
    if args.quick:
        args.grid, args.subset, args.every, args.repeats = 11, 2000, 2, 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    data = load_mnist()
    run = runs.get(args.preset, progress=sys.stderr.isatty(), data=data)
    X, Y = landscape.evaluation_set(run.config, args.subset, data)
    net = run.network()
    plane = landscape.plane_for_run(run, "pca", X, Y)
    span = landscape.default_span(run, plane)
    ticks = np.linspace(-span, span, args.grid)
    sub = ticks[::args.every]

    fast_times, naive_times, fast, naive = [], [], None, None
    for _ in range(args.repeats):
        started = time.perf_counter()
        fast = landscape.cost_grid(net, X, Y, plane, ticks, ticks, threads=args.threads)
        fast_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        naive = landscape.cost_grid_naive(net, X, Y, plane, sub, sub, threads=args.threads)
        naive_times.append(time.perf_counter() - started)

    points, sub_points = args.grid ** 2, len(sub) ** 2
    fast_s = statistics.median(fast_times)
    naive_sub_s = statistics.median(naive_times)
    naive_s = naive_sub_s * points / sub_points
    diff = float(np.abs(fast[::args.every, ::args.every] - naive).max())
    blas = [{"library": i.get("internal_api"), "default_threads": i.get("num_threads")}
            for i in threadpool_info() if i.get("user_api") == "blas"]
    result = {
        "preset": args.preset, "run": run.key, "grid": args.grid, "subset": args.subset, "span": span,
        "plane": "pca", "explained_variance": [float(v) for v in plane.explained], "points": points,
        "seconds": round(fast_s, 3), "seconds_per_point_ms": round(1e3 * fast_s / points, 3),
        "seconds_naive": round(naive_s, 3), "naive_sub_grid": [len(sub), len(sub)],
        "seconds_naive_sub_grid": round(naive_sub_s, 3), "naive_scaled": True,
        "seconds_naive_per_point_ms": round(1e3 * naive_sub_s / sub_points, 3),
        "ratio": round(naive_s / fast_s, 2), "max_abs_diff": diff, "repeats": args.repeats,
        "fast_times": [round(t, 3) for t in fast_times], "naive_sub_times": [round(t, 3) for t in naive_times],
        "blas_threads": args.threads, "blas": blas, "cpus": os.cpu_count(),
        "targets": {"seconds_at_most": TARGET_SECONDS, "ratio_at_least": TARGET_RATIO, "max_abs_diff": TOLERANCE},
        "meets_targets": bool(fast_s <= TARGET_SECONDS and naive_s / fast_s >= TARGET_RATIO),
        "cost_min": float(fast.min()), "cost_max": float(fast.max()),
    }
    if args.json:
        print(json.dumps(result))
    else:
        share = f"{plane.explained[0]:.1%} + {plane.explained[1]:.1%}"
        print(f"{args.preset} run, PCA plane (explains {share} of the path), "
              f"{args.grid} x {args.grid} grid over -{span:.3g}..{span:.3g}, cost on {args.subset:,} examples, "
              f"float64, {args.threads} BLAS thread(s), {args.repeats} interleaved repeat(s)")
        print(f"  fast  : {fast_s:7.2f} s  ({result['seconds_per_point_ms']:.2f} ms per point)   "
              f"target <= {TARGET_SECONDS:g} s")
        print(f"  naive : {naive_s:7.2f} s  ({result['seconds_naive_per_point_ms']:.2f} ms per point; timed on a "
              f"{len(sub)} x {len(sub)} sub-grid, {naive_sub_s:.2f} s, scaled x{points / sub_points:.1f})")
        print(f"  ratio : {naive_s / fast_s:7.1f}x  target >= {TARGET_RATIO:g}x")
        print(f"  largest |fast - naive| on the sub-grid: {diff:.2e}  (must be <= {TOLERANCE:g})")
    return 0 if diff <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())

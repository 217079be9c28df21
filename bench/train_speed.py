"""How long one epoch of mini-batch SGD takes: gdcore vs the book's way vs PyTorch (CPU).

    .venv/bin/python bench/train_speed.py               # 3 interleaved repeats, human-readable
    .venv/bin/python bench/train_speed.py --repeats 5 --json
    .venv/bin/python bench/train_speed.py --quick       # tiny smoke run (numbers mean little)

All three train the 784-16-16-10 sigmoid network with the quadratic cost C = sum_j (a_j - y_j)^2,
plain SGD, batch size 10, eta 1.5, from the same initial weights, on one CPU thread each:
  gdcore     the real ``gdcore.train.train`` (float32, whole mini-batch at once)
  reference  bench/book_network.py, the book's per-example loop (float64, as in the book)
  torch      nn.Sequential + autograd + a manual SGD update (float32), if torch is installed
Repeats are interleaved (gdcore, reference, torch, gdcore, ...) so machine noise hits all alike.
Each time is reported per 60,000-example epoch; the slow ones are timed on a subset and scaled.
Ratios use the median of the repeats. Before timing, a check confirms that the reference and
gdcore compute the same gradient and the same SGD step on one mini-batch (float64).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

import book_network  # bench/ is the script's folder, so Python finds it first
from gdcore import Network, inputs, load_mnist, one_hot
from gdcore.train import train

SIZES = [784, 16, 16, 10]
BATCH = 10
ETA = 1.5
EPOCH = 60000
TARGETS = {"reference": 20.0, "torch": 1.5}  # wanted: (their epoch time) / (gdcore's) at least this
# Examples timed per repeat: (full run, --quick run). gdcore and torch are fast enough for full epochs.
TIMED = {"gdcore": (60000, 2000), "reference": (10000, 500), "torch": (60000, 2000)}
WARMUP = {"gdcore": 1000, "reference": 200, "torch": 1000}
CHECK_BATCH = 10


# --- the three contenders ---------------------------------------------------------------------------
def gdcore_net(dtype) -> Network:
    """The benchmark's network, freshly initialised (same weights every time)."""
    return Network(SIZES, activation="sigmoid", cost="quadratic", init="fan_in", seed=0, dtype=dtype)


def book_net_from(net: Network) -> book_network.Network:
    """A reference network holding the same weights and biases as gdcore's ``net`` (as float64)."""
    return book_network.Network(SIZES, weights=[w.astype(np.float64) for w in net.weights],
                                biases=[b.astype(np.float64) for b in net.biases])


def book_pairs(X, Y) -> list:
    """Rows of X, Y -> the book's training data: a list of (x (784, 1), y (10, 1)) float64 columns."""
    return [(x.reshape(-1, 1), y.reshape(-1, 1))
            for x, y in zip(X.astype(np.float64), Y.astype(np.float64))]


def run_gdcore(X, Y):
    """One epoch of ``gdcore.train`` over X, Y (float32) -> (seconds, trained net)."""
    net = gdcore_net(np.float32)
    start = time.perf_counter()
    train(net, X, Y, eta=ETA, batch_size=BATCH, epochs=1, seed=0)
    return time.perf_counter() - start, net


def run_reference(pairs):
    """One epoch of the book-style network over ``pairs`` -> (seconds, trained net)."""
    net = book_net_from(gdcore_net(np.float64))
    pairs = list(pairs)  # SGD shuffles in place; every repeat starts from the same order
    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        net.SGD(pairs, epochs=1, mini_batch_size=BATCH, eta=ETA, seed=0)
        return time.perf_counter() - start, net


def torch_model(torch, net: Network):
    """nn.Sequential of Linear + Sigmoid layers holding the weights of gdcore's ``net``."""
    layers = []
    for W, b in zip(net.weights, net.biases):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear, torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers)


def run_torch(torch, X, Y):
    """One epoch of plain SGD in PyTorch over tensors X, Y -> (seconds, trained model).

    Same shuffle as gdcore (a NumPy permutation with seed 0, then one gather), same cost.
    """
    model = torch_model(torch, gdcore_net(np.float32))
    params = list(model.parameters())
    start = time.perf_counter()
    order = torch.from_numpy(np.random.default_rng(0).permutation(len(X)))
    Xs, Ys = X[order], Y[order]
    for i in range(0, len(X), BATCH):
        loss = ((model(Xs[i:i + BATCH]) - Ys[i:i + BATCH]) ** 2).sum(dim=1).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-ETA)
    return time.perf_counter() - start, model


def load_torch():
    """(torch module, None), or (None, why it is skipped). torch is never a project dependency."""
    try:
        import torch
    except ImportError as exc:
        return None, f"torch is not installed ({exc})"
    torch.set_num_threads(1)
    return torch, None


def make_runners(data, torch, counts: dict) -> dict:
    """{name: zero-argument function timing one epoch on the first counts[name] examples}."""
    X, Y = data["X"], data["Y"]
    pairs = book_pairs(X[:counts["reference"]], Y[:counts["reference"]])
    runners = {
        "gdcore": lambda: run_gdcore(X[:counts["gdcore"]], Y[:counts["gdcore"]]),
        "reference": lambda: run_reference(pairs),
    }
    if torch is not None:
        Xt, Yt = torch.from_numpy(X[:counts["torch"]]), torch.from_numpy(Y[:counts["torch"]])
        runners["torch"] = lambda: run_torch(torch, Xt, Yt)
    return runners


# --- checks -----------------------------------------------------------------------------------------
def flat(weights, biases) -> np.ndarray:
    """Weights and biases in gdcore's parameter order: per layer, W (row-major) then b."""
    return np.concatenate([p.ravel() for w, b in zip(weights, biases) for p in (w, b)])


def relative_difference(a, b) -> float:
    """max |a - b| / max |b|."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def gradient_check(X, Y) -> dict:
    """Reference vs gdcore on one mini-batch, same float64 weights: the mean-cost gradient and one
    SGD step (the book's ``update_mini_batch`` vs gdcore's ``train`` with one full-batch step)."""
    Xb, Yb = X[:CHECK_BATCH].astype(np.float64), Y[:CHECK_BATCH].astype(np.float64)
    net = gdcore_net(np.float64)
    ref = book_net_from(net)
    pairs = book_pairs(Xb, Yb)
    sum_b = [np.zeros_like(b) for b in ref.biases]
    sum_w = [np.zeros_like(w) for w in ref.weights]
    for x, y in pairs:
        nabla_b, nabla_w = ref.backprop(x, y)
        sum_b = [s + nb for s, nb in zip(sum_b, nabla_b)]
        sum_w = [s + nw for s, nw in zip(sum_w, nabla_w)]
    grad_ref = flat(sum_w, sum_b) / CHECK_BATCH
    grad_diff = relative_difference(grad_ref, net.gradient(Xb, Yb))

    theta0 = net.params
    train(net, Xb, Yb, eta=ETA, batch_size=CHECK_BATCH, steps=1)
    ref.update_mini_batch(pairs, ETA)
    step_diff = relative_difference(flat(ref.weights, ref.biases) - theta0, net.params - theta0)
    return {"batch": CHECK_BATCH, "gradient_max_rel_diff": grad_diff,
            "step_max_rel_diff": step_diff, "ok": max(grad_diff, step_diff) < 1e-10}


def test_accuracy(name, model, data, torch) -> float:
    """Fraction of the 10,000 test digits that a trained contender classifies right."""
    Xt, labels = data["X_test"], data["test_labels"]
    if name == "gdcore":
        return model.accuracy(Xt, labels)
    if name == "reference":
        pairs = [(x.reshape(-1, 1), int(d)) for x, d in zip(Xt.astype(np.float64), labels)]
        return model.evaluate(pairs) / len(pairs)
    with torch.no_grad():
        predicted = model(torch.from_numpy(Xt)).argmax(dim=1).numpy()
    return float((predicted == labels).mean())


# --- the benchmark ----------------------------------------------------------------------------------
def load_data() -> dict:
    """MNIST as float32 inputs and one-hot targets (train), plus the test set."""
    d = load_mnist()
    return {"X": inputs(d.train_images, np.float32), "Y": one_hot(d.train_labels, dtype=np.float32),
            "X_test": inputs(d.test_images, np.float32), "test_labels": d.test_labels}


def benchmark(repeats: int, quick: bool) -> dict:
    """Run the check, a warm-up, then ``repeats`` interleaved timed epochs; return all results."""
    data = load_data()
    torch, torch_skipped = load_torch()
    check = gradient_check(data["X"], data["Y"])
    for run in make_runners(data, torch, WARMUP).values():
        run()
    counts = {name: TIMED[name][1 if quick else 0] for name in TIMED}
    runners = make_runners(data, torch, counts)
    seconds = {name: [] for name in runners}
    trained = {}
    for _ in range(repeats):
        for name, run in runners.items():
            elapsed, trained[name] = run()
            seconds[name].append(elapsed * EPOCH / counts[name])
    medians = {name: statistics.median(s) for name, s in seconds.items()}
    return {
        "network": "784-16-16-10 sigmoid, quadratic cost sum_j (a_j - y_j)^2, plain SGD",
        "batch_size": BATCH, "eta": ETA, "repeats": repeats, "quick": quick,
        "threads": "1 (BLAS pinned to one thread" + ("; torch.set_num_threads(1))" if torch else ")"),
        "epoch_examples": EPOCH,
        "torch_version": torch.__version__ if torch else None,
        "torch_skipped": torch_skipped,
        "gradient_check": check,
        "seconds_per_epoch": {
            name: {"median": medians[name], "runs": seconds[name], "examples_timed": counts[name],
                   "dtype": "float64" if name == "reference" else "float32"}
            for name in runners},
        "ratios": {f"{name}/gdcore": medians[name] / medians["gdcore"] for name in runners if name != "gdcore"},
        "targets": {f"{name}/gdcore": t for name, t in TARGETS.items()},
        "test_accuracy_after_last_repeat": {name: test_accuracy(name, m, data, torch) for name, m in trained.items()},
    }


def report(r: dict) -> str:
    """The results as text for a person."""
    c = r["gradient_check"]
    lines = [
        f"Training speed: {r['network']}, batch {r['batch_size']}, eta {r['eta']}",
        f"threads: {r['threads']}; {r['repeats']} interleaved repeats" + (" (--quick smoke run)" if r["quick"] else ""),
        f"check, float64, same weights, one batch of {c['batch']}: reference vs gdcore max relative difference "
        f"{c['gradient_max_rel_diff']:.1e} (gradient), {c['step_max_rel_diff']:.1e} (one SGD step) -> "
        + ("OK (< 1e-10)" if c["ok"] else "MISMATCH (>= 1e-10): the comparison below is not like for like"),
        "",
        f"seconds per {r['epoch_examples']:,}-example epoch (median; all runs):",
    ]
    names = {"gdcore": "gdcore", "reference": "reference (book-style)", "torch": f"torch {r['torch_version']}"}
    for name, s in r["seconds_per_epoch"].items():
        runs = ", ".join(f"{t:.3f}" for t in s["runs"])
        how = ("full epoch" if s["examples_timed"] == r["epoch_examples"] else
               f"timed on {s['examples_timed']:,} examples, scaled x{r['epoch_examples'] / s['examples_timed']:g}")
        lines.append(f"  {names[name]:<24} {s['dtype']}  {s['median']:7.3f} s   ({runs})   {how}")
    if r["torch_skipped"]:
        lines.append(f"  torch: skipped, {r['torch_skipped']}")
    lines += ["", "ratios (median epoch time / gdcore's):"]
    for key, ratio in r["ratios"].items():
        target = r["targets"][key]
        verdict = "meets target" if ratio >= target else "BELOW TARGET"
        lines.append(f"  {key:<18} {ratio:6.2f}x   (target >= {target:g}x: {verdict})")
    acc = ", ".join(f"{name} {a:.2%}" for name, a in r["test_accuracy_after_last_repeat"].items())
    lines += ["", f"test accuracy after one (possibly partial) epoch, last repeat: {acc}"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per contender (default 3; 1 with --quick)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run on a few thousand examples")
    args = parser.parse_args(argv)
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    if repeats < 1:
        parser.error("--repeats must be at least 1")
    results = benchmark(repeats, args.quick)
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0 if results["gradient_check"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

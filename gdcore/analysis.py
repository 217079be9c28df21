"""Facts about the data and a trained network that the lecture states on screen, computed.

All functions are pure: they take arrays and a Network and return arrays or numbers.
"""
from __future__ import annotations

import numpy as np

from .checks import choice, generator, number, whole
from .data import inputs, one_hot
from .errors import ConfigError
from .network import example_costs


def always_zero_pixels(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) uint8 images -> (784,) bool: pixels that are 0 in every image.

    Their first-layer weights never receive gradient (the input is 0), so they keep their
    initial values for the whole of training.
    """
    return ~np.asarray(images).reshape(len(images), -1).any(axis=0)


def correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n,) Pearson correlation of each row of ``a`` (n, d) with the same row of ``b`` (n, d): 1 for the
    same picture up to brightness and contrast, about 0 for unrelated ones (0 where a row is constant)."""
    a = np.asarray(a, np.float64) - np.mean(a, axis=1, keepdims=True)
    b = np.asarray(b, np.float64) - np.mean(b, axis=1, keepdims=True)
    scale = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    return np.divide((a * b).sum(axis=1), scale, out=np.zeros(len(a)), where=scale > 0)


def digit_means(X: np.ndarray, labels: np.ndarray, digits: int = 10) -> np.ndarray:
    """(digits, 784): the average image of each digit among the rows of X (n, 784) with ``labels`` (n,)."""
    labels = np.asarray(labels)
    return np.stack([np.asarray(X, np.float64)[labels == d].mean(axis=0) for d in range(digits)])


def noise_inputs(n: int, seed: int = 0) -> np.ndarray:
    """(n, 784) seeded uniform random noise in [0, 1): images of nothing."""
    return generator(seed).random((n, 784))


def claims(net, X: np.ndarray) -> dict:
    """What the network says about the rows of X (n, 784).

    Returns {"predictions": (n,), "counts": (10,) how often each digit is claimed,
    "top_activation": (n,) the largest output, "mean_top_activation": float}.
    """
    outputs = net.forward(X)
    predictions = outputs.argmax(axis=1)
    top = outputs.max(axis=1)
    return {"predictions": predictions, "counts": np.bincount(predictions, minlength=outputs.shape[1]),
            "top_activation": top, "mean_top_activation": float(top.mean())}


def misclassified(net, X: np.ndarray, labels: np.ndarray) -> dict:
    """The rows of X (n, 784) that the network gets wrong: {"indices", "guesses", "confidences"}
    (confidence = the guessed digit's output activation), in test-set order."""
    outputs = net.forward(X)
    guesses = outputs.argmax(axis=1)
    wrong = np.flatnonzero(guesses != labels)
    return {"indices": wrong, "guesses": guesses[wrong], "confidences": outputs[wrong, guesses[wrong]]}


def running_correct(net, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n,) number of the first k+1 examples classified correctly, for k = 0..n-1."""
    return np.cumsum(net.predict(X) == labels)


def cost_breakdown(net, x: np.ndarray, y: np.ndarray) -> dict:
    """The cost of one example, term by term: x (784,), y (10,) one-hot.

    {"outputs": (10,), "target": (10,), "terms": (10,) (a_j - y_j)^2, "cost": their sum} for the
    quadratic cost (for cross-entropy, terms are -y_j log a_j).
    """
    outputs = net.forward(np.asarray(x)[None, :])[0]
    y = np.asarray(y, np.float64)
    if net.cost_name == "quadratic":
        terms = (outputs - y) ** 2
    else:
        terms = -y * np.log(np.maximum(outputs, np.finfo(np.float64).tiny)) + 0.0   # + 0.0: never a -0.0 on screen
    return {"outputs": outputs, "target": y, "terms": terms, "cost": float(terms.sum())}


def cost_along(net, X: np.ndarray, Y: np.ndarray, direction: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """(len(ts),) the real cost C(theta + t * direction) over X, Y, for each t (theta = net.params)."""
    probe = net.copy()
    theta = net.params
    costs = np.empty(len(ts))
    for i, t in enumerate(ts):
        probe.params = theta + t * direction
        costs[i] = probe.cost(X, Y)
    return costs


def largest_entries(vector: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k entries of ``vector`` with the largest absolute value, largest first."""
    vector = np.asarray(vector)
    top = np.argpartition(-np.abs(vector), min(k, len(vector) - 1))[:k]
    return top[np.argsort(-np.abs(vector[top]), kind="stable")]


def first_with_label(labels: np.ndarray, digit: int) -> int:
    """Index of the first entry of ``labels`` (n,) equal to ``digit`` (ValueError if there is none)."""
    hits = np.flatnonzero(np.asarray(labels) == digit)
    if not len(hits):
        raise ValueError(f"no example is labelled {digit}")
    return int(hits[0])


def parameter_breakdown(sizes) -> list[dict]:
    """What each layer adds to the parameter count, for layer sizes such as [784, 16, 16, 10].

    One dict per layer l = 1..L: {"inputs": sizes[l-1], "neurons": sizes[l],
    "weights": sizes[l-1] * sizes[l], "biases": sizes[l]}. The weights and biases of all layers
    add up to ``Network(sizes).num_params`` (13,002 for the lecture's network).
    """
    sizes = [int(s) for s in sizes]
    return [{"inputs": n_in, "neurons": n_out, "weights": n_in * n_out, "biases": n_out}
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


# --- the gradient as nudges, and learning curves (scenes/nudges.py) ------------------------------
def training_set(config, data) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 784) float64 in [0, 1], Y (n, 10) one-hot float64): the training examples a run with
    ``config`` (a RunConfig) learned from -- its first ``train_size`` images of ``data`` (a loaded
    MNIST), labels shuffled when the config says so. Exactly the set its ``train_cost`` is over."""
    from .runs import training_labels  # the run's own recipe (train_size, shuffled labels)

    labels = training_labels(config, data)
    return inputs(data.train_images[:len(labels)]), one_hot(labels)


def param_location(sizes, i: int) -> tuple[int, int, int | None]:
    """Where entry ``i`` of the flat parameter vector sits, for layer sizes such as [784, 16, 16, 10].

    Returns (layer, j, k): the weight W_layer[j, k] (from neuron k of layer-1 into neuron j of
    ``layer``; layers count from 1), or (layer, j, None) for the bias b_layer[j]. Same order as
    ``Network.params``: layer by layer, W (row-major) then b.
    """
    sizes = [int(s) for s in sizes]
    if not 0 <= i < sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])):
        raise IndexError(f"parameter index {i} outside the network's parameters")
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        if i < n_out * n_in:
            j, k = divmod(i, n_in)
            return layer, j, k
        i -= n_out * n_in
        if i < n_out:
            return layer, i, None
        i -= n_out
    raise AssertionError("unreachable")


def param_index(sizes, layer: int, j: int, k: int | None = None) -> int:
    """The inverse of ``param_location``: the flat index of W_layer[j, k] (or of b_layer[j] if k is None)."""
    sizes = [int(s) for s in sizes]
    start = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:layer - 1], sizes[1:layer]))
    n_in, n_out = sizes[layer - 1], sizes[layer]
    if not 0 <= j < n_out or (k is not None and not 0 <= k < n_in):
        raise IndexError(f"no parameter ({layer}, {j}, {k}) in a {sizes} network")
    return start + (n_out * n_in + j if k is None else j * n_in + k)


def gradient_step(net, X: np.ndarray, Y: np.ndarray, gradient: np.ndarray, eta: float) -> dict:
    """One gradient-descent step theta - eta * gradient from ``net``'s parameters (net is unchanged).

    X (n, 784), Y (n, 10); gradient (num_params,). Returns {"params": (num_params,) the stepped
    parameters, "cost_before": net.cost(X, Y), "cost_after": the cost at the stepped parameters}.
    """
    stepped = net.copy()
    stepped.params = net.params - eta * np.asarray(gradient, np.float64)
    return {"params": stepped.params, "cost_before": net.cost(X, Y), "cost_after": stepped.cost(X, Y)}


def bin_means(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each run of ``width`` consecutive values (n,), dropping an incomplete last bin.

    Returns (ends (m,), means (m,)) with m = n // width: bin b covers values[b*width:(b+1)*width],
    i.e. steps b*width + 1 .. ends[b] = (b+1)*width when values[s-1] belongs to step s.
    """
    values = np.asarray(values, np.float64)
    m = len(values) // int(width)
    means = values[:m * width].reshape(m, width).mean(axis=1)
    return np.arange(1, m + 1) * int(width), means


def epoch_ends(epochs: np.ndarray) -> np.ndarray:
    """Indices of the snapshots taken at the end of a whole epoch (1, 2, ...), from a run's (k,) epochs."""
    epochs = np.asarray(epochs, np.float64)
    return np.flatnonzero((epochs >= 1 - 1e-9) & np.isclose(epochs, np.round(epochs), rtol=0, atol=1e-9))


def epochs_to_reach(run, train_accuracy: float) -> int | None:
    """The first epoch at whose end ``run``'s training accuracy is at least ``train_accuracy`` (a
    fraction in [0, 1]; 0 if the untrained network already is), or None if it never gets there.

    Needs a run that records every epoch end (``epoch_snapshots`` >= its epochs), else ConfigError.
    """
    level = number(train_accuracy, "train accuracy (a fraction)", 0, 1)
    ends = epoch_ends(run.epochs)
    if not np.array_equal(np.round(run.epochs[ends]), np.arange(1, len(ends) + 1)):
        raise ConfigError("this run records only some epoch ends; epochs_to_reach needs all of them "
                          "(train it with epoch_snapshots at least its number of epochs)")
    at = np.concatenate([[0], ends])   # snapshot 0 is epoch 0, the untrained network
    hits = np.flatnonzero(run.train_accuracy[at] >= level)
    return int(round(run.epochs[at[hits[0]]])) if len(hits) else None


# --- the input that the network likes best ----------------------------------------------------
DREAM_STARTS = ("blank", "noise")


def dream(net, digit: int, steps: int = 200, eta: float = 1.0, start: str = "blank", seed=0, record: int = 50) -> dict:
    """Gradient descent on the input instead of the weights: the image the network finds most like ``digit``.

    From x_0 (784,), step x <- clip(x - eta * dC/dx, 0, 1) ``steps`` times (projected gradient
    descent: pixels stay in [0, 1]), C the network's cost of x against the one-hot target of ``digit``
    (``net.input_gradient``). ``start``: "blank" is all 0.0, the black background of MNIST (a grey
    0.5 or noise image is four times brighter than a digit: it saturates the first layer, whose
    slopes then let almost no gradient through, and several digits stall); "noise" is
    ``noise_inputs(1, seed)``. The path is recorded at most ``record`` (>= 2) times, log-spaced
    (dense early), always at step 0 and the last step; every step if ``record`` > ``steps``.

    Returns {"steps": (k,) int, "images": (k, 784) float64 in [0, 1], "outputs": (k, 10),
    "costs": (k,) the cost of each image, "digit", "start", "eta"}.
    """
    digit = whole(digit, "digit", 0, net.sizes[-1] - 1)
    steps = whole(steps, "steps", low=0)
    eta = number(eta, "eta (learning rate)", low=0, low_open=True)
    choice(start, "start", DREAM_STARTS)
    record = whole(record, "record (snapshots kept)", low=2)
    kept = set(np.round(np.geomspace(1, max(steps, 1), record - 1)).astype(int)) | {0, steps}
    if record > steps:
        kept = set(range(steps + 1))
    x = np.zeros((1, net.sizes[0])) if start == "blank" else noise_inputs(1, seed)
    y = np.eye(net.sizes[-1])[[digit]]
    images = []
    for step in range(steps + 1):
        if step in kept:
            images.append(x[0].copy())
        if step < steps:
            x = np.clip(x - eta * net.input_gradient(x, y), 0.0, 1.0)
    images = np.array(images)
    outputs = np.asarray(net.forward(images), np.float64)
    return {"steps": np.array(sorted(kept)), "images": images, "outputs": outputs,
            "costs": example_costs(outputs, np.repeat(y, len(images), axis=0), net.cost_name),
            "digit": digit, "start": start, "eta": eta}


# --- landscape (scenes/landscape.py): a real 1-D slice of the cost -------------------------------
def gradient_slice(net, X: np.ndarray, Y: np.ndarray, gradient: np.ndarray, ts: np.ndarray, eta: float) -> dict:
    """The real cost along the downhill line through ``net.params`` (theta, (p,)).

    The line is theta + t * d with d = -gradient / |gradient| (``gradient`` (p,), e.g. a run's
    full-batch gradient at that snapshot); costs are ``net.cost`` over X (n, 784), Y (n, 10).
    Returns {"direction": d (p,), "ts": (m,), "costs": (m,) C(theta + t d),
    "slope": dC/dt at t = 0 over X, Y (= grad C . d), "step_t": eta * |gradient| (where one
    gradient-descent step theta - eta * gradient lands on the line), "step_cost": C there}.
    """
    gradient = np.asarray(gradient, np.float64)
    norm = float(np.linalg.norm(gradient))
    direction = -gradient / norm
    ts = np.asarray(ts, np.float64)
    step_t = float(eta) * norm
    return {"direction": direction, "ts": ts, "costs": cost_along(net, X, Y, direction, ts),
            "slope": float(net.gradient(X, Y) @ direction), "step_t": step_t,
            "step_cost": float(cost_along(net, X, Y, direction, np.array([step_t]))[0])}


def envelope(values: np.ndarray, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """A lighter polyline that looks the same as the one through all of ``values`` (n,) when a
    ``chunk`` of consecutive points is narrower than a pixel: for each chunk, its smallest and
    largest value, in the order they occur. Returns (xs, ys), xs the 1-based positions (steps).

    Chunks start at 0, chunk, 2*chunk..., so a growing prefix keeps its earlier points.
    """
    values = np.asarray(values, np.float64)
    n, chunk = len(values), max(int(chunk), 1)
    if chunk == 1 or n <= 2:
        return np.arange(1, n + 1), values
    m = -(-n // chunk)
    starts = np.arange(m) * chunk
    padded = np.full(m * chunk, np.inf)
    padded[:n] = values
    i_lo = padded.reshape(m, chunk).argmin(axis=1) + starts
    padded[n:] = -np.inf
    i_hi = padded.reshape(m, chunk).argmax(axis=1) + starts
    order = np.column_stack([np.minimum(i_lo, i_hi), np.maximum(i_lo, i_hi)]).ravel()
    return order + 1, values[order]


# --- mini-batches (scenes/minibatches.py, stumble.py) ---------------------------------------------------------------
def minibatch_order(config, epoch: int = 0) -> np.ndarray:
    """(n,) int: the order in which a mini-batch run with ``config`` (a RunConfig) visits its n
    training examples during epoch ``epoch`` (0-based). Step k of that epoch (k = 0, 1, ...) learns
    from examples order[k * b:(k + 1) * b], b = config.batch_size.

    It replays the training loop's shuffling: runs.record seeds gdcore.train with [config.seed, 2],
    and train draws one permutation of range(n) per epoch from np.random.default_rng(that seed).
    (tests/test_scenes_sgd.py checks it against a run's recorded mini-batch costs.)
    """
    if config.batch_size is None:
        raise ValueError("a full-batch run has no mini-batches: every step uses all examples")
    n = config.train_size or 60000
    rng = np.random.default_rng([config.seed, 2])
    for _ in range(epoch):
        rng.permutation(n)
    return rng.permutation(n)


def replay_steps(run, snapshot: int, k: int, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(k + 1, num_params) float64: snapshot ``snapshot`` of ``run`` and the next k training steps,
    recomputed step by step (float64) with the run's own mini-batches (``minibatch_order``) or, for a
    full-batch run, the whole set. X (n, 784), Y (n, 10): the run's training set (``training_set``).

    So the steps between two recorded snapshots can be looked at one by one. Only for plain runs:
    constant learning rate, no momentum, no weight decay.
    """
    c = run.config
    if c.schedule != "constant" or c.momentum or c.weight_decay:
        raise ValueError("replay_steps only replays constant-rate runs without momentum or weight decay")
    net = run.network(snapshot)
    step = int(run.steps[snapshot])
    n = len(X)
    out = [net.params]
    for s in range(step, step + k):
        if c.batch_size is None or c.batch_size >= n:
            Xb, Yb = X, Y
        else:
            per_epoch = -(-n // c.batch_size)
            epoch, j = divmod(s, per_epoch)
            rows = minibatch_order(c, epoch)[j * c.batch_size:(j + 1) * c.batch_size]
            Xb, Yb = X[rows], Y[rows]
        net.params = net.params - c.eta * net.gradient(Xb, Yb)
        out.append(net.params)
    return np.array(out)

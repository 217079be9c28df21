"""The network of the lecture: layers of neurons, a ∘ (W a + b), and its cost.

    net = Network([784, 16, 16, 10], activation="sigmoid", cost="quadratic", seed=0)
    net.forward(X)          # X (n, 784) -> output activations (n, 10)
    net.cost(X, Y)          # mean over examples of sum_j (a_j - y_j)^2
    net.gradient(X, Y)      # (num_params,) gradient of net.cost, same order as net.params
    net.input_gradient(X, Y)  # (n, 784) gradient of each example's cost with respect to its pixels

Layer l (1..L) has weights W_l of shape (sizes[l], sizes[l-1]) and biases b_l of shape (sizes[l],):
    weighted_inputs z_l = a_{l-1} W_l^T + b_l   (one row per example)
    activations     a_l = f(z_l)
Hidden layers use ``activation`` (sigmoid or relu). The output layer is sigmoid for the
"quadratic" cost (outputs in [0, 1], as in the video) and softmax for "cross_entropy".

Costs, per example, averaged over the n examples:
    quadratic      C = sum_j (a_j - y_j)^2   -- the video's cost: no 1/2. Nielsen's book uses
                   1/2 sum_j (...)^2, so its gradients are half of ours: the book's eta = 3.0 is
                   eta = 1.5 here.
    cross_entropy  C = -sum_j y_j log a_j    with softmax outputs.

Flat parameter order (``net.params``, ``net.gradient``): layer by layer, W_l (row-major:
neuron, then input) then b_l. ``net.param_name(i)`` names entry i in words.
All weights and biases are views into one flat vector, so a gradient step is one operation.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from . import memory
from .checks import choice, generator, same_rows, whole
from .errors import ConfigError

ACTIVATIONS = ("sigmoid", "relu")
COSTS = ("quadratic", "cross_entropy")
INITS = ("normal", "fan_in", "he", "equal")
# init="equal": every weight and bias starts at this one value. The neurons of a layer then compute
# the same thing, receive the same gradient and stay identical for ever (the symmetry is never
# broken). 0 is the natural "why not start from nothing?" choice: every sigmoid neuron starts at
# 0.5, and the output layer learns first (the error reaches the hidden layers once its weights move).
# A ReLU network started here never learns anything but its output biases (relu'(0) is taken as 0).
# Exactly so in float64; in float32 the BLAS rounds the neurons' identical sums differently by their
# position, which broke the symmetry in the last bit after 3 steps of the video's training.
EQUAL_VALUE = 0.0


def sigmoid(z):
    """1 / (1 + e^-z), elementwise (scipy's expit: one pass, no overflow warnings)."""
    return expit(z)


def relu(z):
    return np.maximum(z, 0)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _float_dtype(dtype):
    """np.float32 or np.float64 as a numpy dtype, else None."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        return None
    return dtype if dtype in (np.float32, np.float64) else None


def layer_sizes(sizes) -> list[int]:
    """``sizes`` as a list of ints: at least two layers, each a whole number of neurons >= 1
    (a ConfigError for 16.7, -5, "16", a missing layer...)."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise ConfigError(f"sizes must be a list of layer sizes such as [784, 16, 16, 10], got {sizes!r}")
    if len(sizes) < 2:
        raise ConfigError(f"sizes must have at least two layers (inputs and outputs), got {list(sizes)}")
    return [whole(n, f"layer {i} size", low=1) for i, n in enumerate(sizes)]


class Network:
    """A fully connected network; see the module docstring for the math and the parameter order."""

    def __init__(self, sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic",
                 init="normal", seed=0, dtype=np.float64):
        sizes = layer_sizes(sizes)
        choice(activation, "activation", ACTIVATIONS)
        choice(cost, "cost", COSTS)
        choice(init, "init", INITS)
        if _float_dtype(dtype) is None:
            raise ConfigError(f"dtype must be float32 or float64, got {dtype!r}")
        dtype = _float_dtype(dtype)
        shapes = [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        num_params = sum(o * i + o for o, i in shapes)
        largest = max(o * i for o, i in shapes)   # its N(0, 1) draw is float64, scaled into a copy
        memory.require(num_params * dtype.itemsize + 16 * largest,
                       f"a {'-'.join(map(str, sizes))} network ({num_params:,} parameters)", "use smaller layers")
        rng = generator(seed)
        self.sizes, self.activation, self.cost_name, self.init = sizes, activation, cost, init
        self.dtype, self.shapes, self.num_params = dtype, shapes, num_params
        self._theta = np.empty(self.num_params, self.dtype)
        self.weights, self.biases = self._views(self._theta)
        for W, b in zip(self.weights, self.biases):
            if init == "equal":
                W[...], b[...] = EQUAL_VALUE, EQUAL_VALUE
                continue
            scale = {"normal": 1.0, "fan_in": W.shape[1] ** -0.5, "he": (2.0 / W.shape[1]) ** 0.5}[init]
            W[...] = rng.standard_normal(W.shape) * scale
            b[...] = rng.standard_normal(b.shape)

    # --- the flat parameter vector -------------------------------------------------------------
    def _views(self, flat):
        """Split a flat (num_params,) vector into lists of W_l (n_out, n_in) and b_l (n_out,) views."""
        weights, biases, i = [], [], 0
        for n_out, n_in in self.shapes:
            weights.append(flat[i:i + n_out * n_in].reshape(n_out, n_in))
            i += n_out * n_in
            biases.append(flat[i:i + n_out])
            i += n_out
        return weights, biases

    @property
    def params(self) -> np.ndarray:
        """A copy of all weights and biases as one flat (num_params,) vector."""
        return self._theta.copy()

    @params.setter
    def params(self, theta):
        theta = np.asarray(theta)
        if theta.shape != (self.num_params,):
            raise ConfigError(f"params must have shape ({self.num_params},), got {theta.shape}")
        self._theta[...] = theta

    def copy(self) -> "Network":
        net = Network.__new__(Network)
        net.__dict__.update(self.__dict__)
        net._work = net._out_views = None
        net._theta = self._theta.copy()
        net.weights, net.biases = net._views(net._theta)
        return net

    def param_name(self, i: int) -> str:
        """Entry i of the flat vector in words, e.g. 'layer 1, neuron 3, weight from pixel (14, 6)'.

        Layers count from 1 (the input is layer 0); neurons, pixels (row, column) and digits from 0.
        """
        i = whole(i, "parameter index", error=IndexError)
        if not 0 <= i < self.num_params:
            raise IndexError(f"parameter index {i} outside 0..{self.num_params - 1}")
        for layer, (n_out, n_in) in enumerate(self.shapes, start=1):
            neuron_word = "output neuron" if layer == len(self.shapes) else "neuron"
            if i < n_out * n_in:
                j, k = divmod(i, n_in)
                if layer == 1 and n_in == 784:
                    source = f"pixel ({k // 28}, {k % 28})"
                elif layer == 1:
                    source = f"input {k}"
                else:
                    source = f"layer {layer - 1} neuron {k}"
                return f"layer {layer}, {neuron_word} {j}, weight from {source}"
            i -= n_out * n_in
            if i < n_out:
                return f"layer {layer}, {neuron_word} {i}, bias"
            i -= n_out
        raise AssertionError("unreachable")

    def param_names(self) -> list[str]:
        return [self.param_name(i) for i in range(self.num_params)]

    # --- forward ----------------------------------------------------------------------------------
    def feedforward(self, X, work=None):
        """X (n, sizes[0]) -> (weighted_inputs, activations): lists of (n, sizes[l]) arrays.

        ``activations[0]`` is X itself; ``weighted_inputs[l-1]`` is z_l for layer l = 1..L.
        With ``work`` (from ``_workspace(n)``) the results are written into its reused buffers.
        """
        X = self._inputs(X)
        weighted_inputs, activations = [], [X]
        last = len(self.weights) - 1
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = np.matmul(activations[-1], W.T, out=None if work is None else work["z"][l])
            z += b
            a = None if work is None else work["a"][l]
            if l == last and self.cost_name == "cross_entropy":
                a = softmax(z)
            elif l == last or self.activation == "sigmoid":
                a = expit(z, out=a)
            else:
                a = np.maximum(z, 0, out=a)
            weighted_inputs.append(z)
            activations.append(a)
        return weighted_inputs, activations

    def _inputs(self, X) -> np.ndarray:
        """X as an (n, sizes[0]) array of this network's dtype (a ConfigError for another shape)."""
        X = np.asarray(X, self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ConfigError(f"inputs must have shape (n, {self.sizes[0]}), got {X.shape}")
        return X

    def _targets(self, Y, n: int) -> np.ndarray:
        """Y as an (n, sizes[-1]) array (a ConfigError for labels (n,) or another shape)."""
        Y = np.asarray(Y, self.dtype)
        if Y.shape != (n, self.sizes[-1]):
            raise ConfigError(f"targets must have shape ({n}, {self.sizes[-1]}) (one-hot, see one_hot), got {Y.shape}")
        return Y

    def forward(self, X):
        """X (n, sizes[0]) -> output activations (n, sizes[-1])."""
        return self.feedforward(X)[1][-1]

    def predict(self, X):
        """X (n, sizes[0]) -> (n,) the index of the most active output neuron."""
        return self.forward(X).argmax(axis=1)

    def accuracy(self, X, labels, batch=10000) -> float:
        """Fraction of rows of X whose prediction equals ``labels`` (n,)."""
        labels = np.asarray(labels)
        if not len(X) or labels.shape != (len(X),):
            raise ConfigError(f"accuracy needs n >= 1 inputs and n labels (n,), got {len(X)} inputs and labels "
                              f"of shape {labels.shape}")
        hits = sum(int((self.predict(X[i:i + batch]) == labels[i:i + batch]).sum())
                   for i in range(0, len(X), batch))
        return hits / len(X)

    # --- cost -------------------------------------------------------------------------------------
    def example_costs(self, X, Y):
        """(n,) cost of each example (see the module docstring)."""
        outputs = self.forward(X)
        return example_costs(outputs, self._targets(Y, len(outputs)), self.cost_name)

    def cost(self, X, Y, batch=10000) -> float:
        """Mean cost over the n rows of X (n, 784) with targets Y (n, 10)."""
        same_rows(X, Y)
        total = sum(float(self.example_costs(X[i:i + batch], Y[i:i + batch]).sum())
                    for i in range(0, len(X), batch))
        return total / len(X)

    # --- backpropagation --------------------------------------------------------------------------
    def _workspace(self, n: int) -> dict:
        """Reusable buffers for a batch of n: z, a, delta and scratch per layer (training's hot path)."""
        if getattr(self, "_work", None) is None or self._work["n"] != n:
            make = lambda: [np.empty((n, n_out), self.dtype) for n_out, _ in self.shapes]  # noqa: E731
            self._work = {"n": n, "z": make(), "a": make(), "delta": make(), "scratch": make()}
        return self._work

    def _deltas(self, X, Y, scale=1.0, work=None):
        """Backpropagate: (activations, deltas, cost). deltas[l-1] = scale * dC_x/dz_l, (n, sizes[l]).

        With scale = 1/n, column sums of the deltas are derivatives of the mean cost; ``cost`` is
        the sum of the n example costs. ``work`` as in ``feedforward``.
        """
        weighted_inputs, activations = self.feedforward(X, work)
        L = len(self.weights) - 1
        a, Y = activations[-1], self._targets(Y, len(X))
        buf = (lambda name, l: None) if work is None else (lambda name, l: work[name][l])  # noqa: E731
        delta = np.subtract(a, Y, out=buf("delta", L))     # softmax + cross-entropy: dC/dz = a - y
        if self.cost_name == "quadratic":
            cost = float(np.vdot(delta, delta))               # sum_x sum_j (a_j - y_j)^2
            slope = np.subtract(1, a, out=buf("scratch", L))  # sigma'(z) = a (1 - a)
            slope *= a
            delta *= slope
            delta *= 2 * scale
        else:
            cost = -float(np.vdot(Y, np.log(np.maximum(a, np.finfo(a.dtype).tiny))))
            if scale != 1.0:
                delta *= scale
        deltas = [delta]
        for l in range(L, 0, -1):
            delta = np.matmul(delta, self.weights[l], out=buf("delta", l - 1))
            a = activations[l]
            if self.activation == "sigmoid":
                slope = np.subtract(1, a, out=buf("scratch", l - 1))
                slope *= a
            else:
                slope = weighted_inputs[l - 1] > 0
            delta *= slope
            deltas.append(delta)
        return activations, deltas[::-1], cost

    def backprop(self, X, Y, out=None, work=None):
        """(gradient, cost): the (num_params,) gradient of the mean cost over X (n, 784), Y (n, 10),
        written into ``out`` if given, and that mean cost (from the same forward pass)."""
        n = same_rows(X, Y)
        activations, deltas, cost = self._deltas(X, Y, 1.0 / n, work)
        grad = np.empty(self.num_params, self.dtype) if out is None else out
        nabla_w, nabla_b = self._views(grad) if out is None else self._grad_views(out)
        for l, delta in enumerate(deltas):
            np.matmul(delta.T, activations[l], out=nabla_w[l])
            np.add.reduce(delta, axis=0, out=nabla_b[l])
        return grad, cost / n

    def _grad_views(self, out):
        """``_views(out)``, remembered for the last ``out`` (the training loop passes the same buffer)."""
        if getattr(self, "_out_views", (None,))[0] is not out:
            self._out_views = (out, self._views(out))
        return self._out_views[1]

    def gradient(self, X, Y) -> np.ndarray:
        """(num_params,) gradient of ``cost(X, Y)`` (the mean over examples), in params order."""
        return self.backprop(X, Y)[0]

    def per_example_gradients(self, X, Y) -> np.ndarray:
        """(n, num_params): row i is the gradient of example i's own cost (no Python loop per example).

        Their mean over the rows equals ``gradient(X, Y)``.
        """
        n = len(X)
        activations, deltas, _ = self._deltas(X, Y)
        grads = np.empty((n, self.num_params), self.dtype)
        i = 0
        for l, delta in enumerate(deltas):
            n_out, n_in = self.shapes[l]
            grads[:, i:i + n_out * n_in] = np.einsum("nj,nk->njk", delta, activations[l]).reshape(n, -1)
            i += n_out * n_in
            grads[:, i:i + n_out] = delta
            i += n_out
        return grads

    def input_gradient(self, X, Y) -> np.ndarray:
        """(n, sizes[0]): row i is dC_i/dx_i, the gradient of example i's own cost (not divided by n)
        with respect to its input x_i (a row of X (n, 784); Y (n, 10) one-hot targets).

        Backprop one step past the first layer: z_1 = x W_1^T + b_1, so dC/dx = delta_1 W_1.
        """
        same_rows(X, Y)
        _, deltas, _ = self._deltas(X, Y)
        return deltas[0] @ self.weights[0]


def example_costs(outputs, Y, cost="quadratic"):
    """(n,) per-example cost of output activations (n, 10) against targets Y (n, 10)."""
    if cost == "quadratic":
        return ((outputs - Y) ** 2).sum(axis=1)
    with np.errstate(divide="ignore"):
        return -(Y * np.log(np.maximum(outputs, np.finfo(outputs.dtype).tiny))).sum(axis=1)

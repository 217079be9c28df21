"""Backpropagation one example at a time: chapter 3's "wish lists", computed.

For one training example x (784,) with one-hot target y (10,), a network with sigmoid outputs and
the quadratic cost C_x = sum_j (a_j - y_j)^2 (no 1/2):

- ``output_wishes``: -dC_x/da^L = 2 (y - a^L), (10,): how much, and which way, each output
  activation "wants" to move (up for the right digit, down for the others; more the further off).
- ``ways_to_raise``: the three handles on one neuron j of layer l, each as d a_j / d(handle):
  its bias sigma'(z_j); its incoming weights sigma'(z_j) a_k; the previous activations sigma'(z_j) w_jk.
- ``neuron_wishes``: (n_l, n_{l-1}): row j is neuron j's wish for each activation of the layer
  before, -delta_j w_jk; the column sums (summed over j) are -dC_x/da^{l-1}, which times
  sigma'(z^{l-1}) is that layer's -delta: backpropagation, one step back.
- ``deltas``: delta^l = dC_x/dz^l for every layer, from gdcore's own backprop (``Network._deltas``).
- ``nudged_cost_change``: the real change of the full cost when one weight or bias moves by eps
  (what a gradient entry predicts: about eps * dC/dtheta_i).

Layers count from 1 (the input is layer 0), as in ``Network.param_name``. Everything is a pure
function of a Network and one example; scenes use them, tests compare them with backprop.
"""
from __future__ import annotations

import numpy as np

from .checks import whole
from .data import inputs, one_hot
from .errors import ConfigError
from .network import Network


def _one(net: Network, x, y) -> tuple[np.ndarray, np.ndarray]:
    """x as (1, 784) and y as (1, 10) in the network's dtype; y may be a label or a one-hot row."""
    x = np.asarray(x, net.dtype).reshape(1, -1)
    y = np.asarray(y)
    y = one_hot(np.array([int(y)]), net.sizes[-1]) if y.ndim == 0 else y.reshape(1, -1)
    return x, np.asarray(y, net.dtype)


def _layer(net: Network, layer, lowest: int = 1) -> int:
    layer = whole(layer, "layer")
    if not lowest <= layer <= len(net.shapes):
        raise ConfigError(f"layer must be {lowest}..{len(net.shapes)} for a {'-'.join(map(str, net.sizes))} network, "
                          f"got {layer}")
    return layer


def _require_sigmoid_quadratic(net: Network, what: str) -> None:
    if net.cost_name != "quadratic" or net.activation != "sigmoid":
        raise ConfigError(f"{what} is the lecture's sigmoid / quadratic-cost story; this network is "
                          f"{net.activation} with {net.cost_name} cost")


def forward_one(net: Network, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(weighted_inputs, activations) of one example x (784,): lists of 1-D arrays, activations[0] = x."""
    zs, activations = net.feedforward(_one(net, x, 0)[0])
    return [z[0] for z in zs], [a[0] for a in activations]


def deltas(net: Network, x, y) -> list[np.ndarray]:
    """delta^l = dC_x/dz^l for l = 1..L (list of (sizes[l],) arrays), from ``Network._deltas``."""
    X, Y = _one(net, x, y)
    return [d[0].copy() for d in net._deltas(X, Y)[1]]


def output_wishes(net: Network, x, y) -> np.ndarray:
    """(10,) -dC_x/da^L = 2 (y - a^L): the output layer's wish list for example x."""
    _require_sigmoid_quadratic(net, "the output wish list")
    X, Y = _one(net, x, y)
    return 2 * (Y[0] - net.forward(X)[0])


def ways_to_raise(net: Network, x, layer: int, j: int) -> dict:
    """The three ways to change a_j, neuron j of ``layer`` (1..L), for input x (784,).

    {"z": z_j, "a": a_j, "slope": sigma'(z_j), "bias": d a_j/d b_j = sigma'(z_j),
     "weights": (n_{l-1},) d a_j/d w_jk = sigma'(z_j) a_k, "previous": (n_{l-1},) the a_k,
     "activations": (n_{l-1},) d a_j/d a_k = sigma'(z_j) w_jk, "incoming": (n_{l-1},) the w_jk}
    """
    layer = _layer(net, layer)
    if layer < len(net.shapes) and net.activation != "sigmoid" or layer == len(net.shapes) and net.cost_name != "quadratic":
        raise ConfigError("ways_to_raise explains a sigmoid neuron; this layer is not sigmoid")
    j = whole(j, "neuron", low=0, high=net.sizes[layer] - 1)
    zs, activations = forward_one(net, x)
    z, a = float(zs[layer - 1][j]), float(activations[layer][j])
    slope = a * (1 - a)
    previous, incoming = activations[layer - 1], net.weights[layer - 1][j]
    return {"z": z, "a": a, "slope": slope, "bias": slope, "weights": slope * previous, "previous": previous.copy(),
            "activations": slope * incoming, "incoming": incoming.copy()}


def neuron_wishes(net: Network, x, y, layer: int) -> np.ndarray:
    """(sizes[layer], sizes[layer-1]) for ``layer`` 2..L: entry (j, k) = -delta_j w_jk, what neuron j
    of ``layer`` wishes activation k of the layer before would do (its sum over j is -dC_x/da_k)."""
    layer = _layer(net, layer, lowest=2)
    delta = deltas(net, x, y)[layer - 1]
    return -delta[:, None] * net.weights[layer - 1]


def backward_step(net: Network, x, y, layer: int) -> dict:
    """One step of backpropagation from ``layer`` (2..L) to the layer before, spelled out:
    {"wishes": neuron_wishes (n_l, n_{l-1}), "summed": (n_{l-1},) their column sums = -dC_x/da^{l-1},
     "slope": (n_{l-1},) the derivative of the activation at z^{l-1}, "delta": (n_{l-1},) -summed * slope,
     which is backprop's delta^{l-1}}."""
    wishes = neuron_wishes(net, x, y, layer)
    zs, activations = forward_one(net, x)
    a, z = activations[layer - 1], zs[layer - 2]
    slope = a * (1 - a) if net.activation == "sigmoid" else (z > 0).astype(a.dtype)
    summed = wishes.sum(axis=0)
    return {"wishes": wishes, "summed": summed, "slope": slope, "delta": -summed * slope}


def first_wrong(net: Network, images: np.ndarray, labels: np.ndarray, digit: int) -> int:
    """Index of the first of ``images`` (n, 28, 28) labelled ``digit`` that the network gets wrong
    (a ConfigError if it gets all of them right)."""
    labels = np.asarray(labels)
    candidates = np.flatnonzero(labels == digit)
    guesses = net.predict(inputs(np.asarray(images)[candidates]))
    wrong = candidates[guesses != digit]
    if not len(wrong):
        raise ConfigError(f"the network gets every {digit} right; pick an earlier snapshot")
    return int(wrong[0])


def example_gradient_means(net: Network, X: np.ndarray, Y: np.ndarray, indices, chunk: int = 2000) -> np.ndarray:
    """(len(indices),) the mean over all rows of X (n, 784), Y (n, 10) of the per-example gradient
    entries ``indices``: the average of every example's wish, chunk by chunk (it equals those
    entries of ``net.gradient(X, Y)``)."""
    indices = np.asarray(indices, int)
    total = np.zeros(len(indices))
    for i in range(0, len(X), chunk):
        total += net.per_example_gradients(X[i:i + chunk], Y[i:i + chunk])[:, indices].sum(axis=0)
    return total / len(X)


def nudged_cost_change(net: Network, X: np.ndarray, Y: np.ndarray, i: int, eps: float) -> float:
    """C(theta + eps e_i) - C(theta): the real change of the mean cost over X (n, 784), Y (n, 10) when
    entry ``i`` of the flat (num_params,) parameter vector alone moves by ``eps`` (``net`` itself is
    unchanged). For small eps it is about eps * dC/dtheta_i: what a gradient entry predicts."""
    i = whole(i, "parameter index", low=0, high=net.num_params - 1)
    nudged = net.copy()
    theta = nudged.params
    theta[i] += eps
    nudged.params = theta
    return nudged.cost(X, Y) - net.cost(X, Y)

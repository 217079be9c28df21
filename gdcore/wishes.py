"""Backpropagation one example at a time: chapter 3's "wish lists", computed.

For one training example x (784,) with one-hot target y (10,), for any gdcore network (any number
of hidden layers, sigmoid or ReLU hidden layers, either cost):

- ``output_wishes``: the output layer's wish list, minus the slope of the example's cost in what
  each output neuron controls. With the quadratic cost C_x = sum_j (a_j - y_j)^2 (sigmoid outputs,
  no 1/2) it is -dC_x/da^L = 2 (y - a^L) on the activations. With the cross-entropy cost
  C_x = -log a_y (softmax outputs) it is -dC_x/dz^L = y - a^L on the weighted inputs: a softmax's
  outputs move together (raising one z lowers every other a), so the wish that stands on its own is
  the one on z. ``wished_quantity`` says which ("a" or "z"). Up for the right digit, down for the
  others, more the further off, either way.
- ``ways_to_raise``: the three handles on one neuron j of layer l, each as the derivative of what
  is raised (its activation a_j, or z_j for a softmax output): its bias; its incoming weights (times
  the a_k they carry); the previous activations (times the w_jk). Each goes through the neuron's
  slope: sigma'(z_j) for a sigmoid, 0 or 1 for a ReLU (a neuron that is off, z <= 0, cannot be raised
  through any of them), 1 for a softmax output's z.
- ``neuron_wishes``: (n_l, n_{l-1}): row j is neuron j's wish for each activation of the layer
  before, -delta_j w_jk; the column sums (summed over j) are -dC_x/da^{l-1}, which times the slope
  of layer l-1's activation is that layer's -delta: backpropagation, one step back.
- ``deltas``: delta^l = dC_x/dz^l for every layer, from gdcore's own backprop (``Network._deltas``).
- ``nudged_cost_change``: the real change of the full cost when one weight or bias moves by eps
  (what a gradient entry predicts: about eps * dC/dtheta_i).

Layers count from 1 (the input is layer 0), as in ``Network.param_name``. Everything is a pure
function of a Network and one example; scenes use them, tests compare them with backprop and with
finite differences.
"""
from __future__ import annotations

import numpy as np

from .analysis import param_location
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


def wished_quantity(net: Network) -> str:
    """What the output layer's wishes are for: "a" (the activations: quadratic cost, sigmoid outputs)
    or "z" (the weighted inputs: cross-entropy cost, softmax outputs)."""
    return "z" if net.cost_name == "cross_entropy" else "a"


def slope(net: Network, layer: int, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The derivative of ``layer``'s own activation function at its weighted inputs z (same shape as
    z and a = f(z)): a (1 - a) for a sigmoid layer, 1 where z > 0 else 0 for a ReLU layer (gdcore's
    relu'(0) is 0). A softmax output layer has no slope of its own (each output depends on every z):
    its wishes are on z (``wished_quantity``), so a ConfigError here."""
    if layer == len(net.shapes) and net.cost_name == "cross_entropy":
        raise ConfigError("a softmax output has no slope of its own: its wishes are on z")
    if layer == len(net.shapes) or net.activation == "sigmoid":
        return a * (1 - a)
    return (np.asarray(z) > 0).astype(np.asarray(a).dtype)


def forward_one(net: Network, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(weighted_inputs, activations) of one example x (784,): lists of 1-D arrays, activations[0] = x."""
    zs, activations = net.feedforward(_one(net, x, 0)[0])
    return [z[0] for z in zs], [a[0] for a in activations]


def deltas(net: Network, x, y) -> list[np.ndarray]:
    """delta^l = dC_x/dz^l for l = 1..L (list of (sizes[l],) arrays), from ``Network._deltas``."""
    X, Y = _one(net, x, y)
    return [d[0].copy() for d in net._deltas(X, Y)[1]]


def output_wishes(net: Network, x, y) -> np.ndarray:
    """(10,) the output layer's wish list for example x: -dC_x/da^L = 2 (y - a^L) with the quadratic
    cost, -dC_x/dz^L = y - a^L with cross-entropy and softmax outputs (``wished_quantity``)."""
    X, Y = _one(net, x, y)
    a = net.forward(X)[0]
    return Y[0] - a if wished_quantity(net) == "z" else 2 * (Y[0] - a)


def ways_to_raise(net: Network, x, layer: int, j: int) -> dict:
    """The three ways to raise neuron j of ``layer`` (1..L), for input x (784,).

    {"raises": "a" (its activation) or "z" (its weighted input: a softmax output, whose wish is on z),
     "z": z_j, "a": a_j, "slope": d(raised)/dz_j (sigma'(z_j); 0 or 1 for a ReLU; 1 for z itself),
     "bias": d(raised)/d b_j = slope, "weights": (n_{l-1},) d(raised)/d w_jk = slope * a_k,
     "previous": (n_{l-1},) the a_k, "activations": (n_{l-1},) d(raised)/d a_k = slope * w_jk,
     "incoming": (n_{l-1},) the w_jk}
    """
    layer = _layer(net, layer)
    j = whole(j, "neuron", low=0, high=net.sizes[layer] - 1)
    zs, activations = forward_one(net, x)
    z, a = zs[layer - 1][j:j + 1], activations[layer][j:j + 1]
    raises = wished_quantity(net) if layer == len(net.shapes) else "a"
    rate = 1.0 if raises == "z" else float(slope(net, layer, z, a)[0])
    previous, incoming = activations[layer - 1], net.weights[layer - 1][j]
    return {"raises": raises, "z": float(z[0]), "a": float(a[0]), "slope": rate, "bias": rate,
            "weights": rate * previous, "previous": previous.copy(), "activations": rate * incoming,
            "incoming": incoming.copy()}


def neuron_wishes(net: Network, x, y, layer: int) -> np.ndarray:
    """(sizes[layer], sizes[layer-1]) for ``layer`` 2..L: entry (j, k) = -delta_j w_jk, what neuron j
    of ``layer`` wishes activation k of the layer before would do (its sum over j is -dC_x/da_k)."""
    layer = _layer(net, layer, lowest=2)
    delta = deltas(net, x, y)[layer - 1]
    return -delta[:, None] * net.weights[layer - 1]


def backward_step(net: Network, x, y, layer: int) -> dict:
    """One step of backpropagation from ``layer`` (2..L) to the layer before, spelled out:
    {"wishes": neuron_wishes (n_l, n_{l-1}), "summed": (n_{l-1},) their column sums = -dC_x/da^{l-1},
     "slope": (n_{l-1},) the derivative of layer l-1's activation at z^{l-1} (``slope``),
     "delta": (n_{l-1},) -summed * slope,
     which is backprop's delta^{l-1}}."""
    wishes = neuron_wishes(net, x, y, layer)
    zs, activations = forward_one(net, x)
    rate = slope(net, layer - 1, zs[layer - 2], activations[layer - 1])
    summed = wishes.sum(axis=0)
    return {"wishes": wishes, "summed": summed, "slope": rate, "delta": -summed * rate}


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
    entries of ``net.gradient(X, Y)``). Example x's entry for W_l[j, k] is delta_j^l(x) a_k^{l-1}(x),
    for b_l[j] it is delta_j^l(x): only the picked entries are formed (a wide network's
    per-example gradients would be n x num_params)."""
    where = [param_location(net.sizes, int(i)) for i in np.asarray(indices, int)]
    total = np.zeros(len(where))
    for i in range(0, len(X), chunk):
        activations, deltas, _ = net._deltas(X[i:i + chunk], Y[i:i + chunk])
        for n, (layer, j, k) in enumerate(where):
            d = deltas[layer - 1][:, j]
            total[n] += float(d.sum() if k is None else d @ activations[layer - 1][:, k])
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

"""Chapter 3's running example: one real training digit that the network, early in training, still
gets wrong, at a snapshot where the run also recorded the full-batch gradient. Every part of the
lecture that talks about "the 2" takes one of these.

Also the few words and choices chapter 3's parts share about the example's network, whatever it is
(any number of hidden layers, sigmoid or ReLU, quadratic or cross-entropy cost): what a layer's
activation is called and its slope's symbol, which neurons of a wide layer a column draws
(``shown_neurons``: at most 16, and the parts say so), and how activations that are not in [0, 1]
fill a circle (``fill_scale``)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gdcore import ConfigError, inputs, load_mnist, one_hot, wishes


@dataclass(frozen=True)
class Example:
    """Training image ``index`` (label ``label``) through snapshot ``snapshot`` (training step ``step``)
    of ``run``; ``gradient`` is the run's recorded full-batch gradient at that step."""

    run: object
    snapshot: int
    step: int
    index: int
    label: int

    @cached_property
    def net(self):
        return self.run.network(self.snapshot)

    @property
    def image(self) -> np.ndarray:
        return load_mnist().train_images[self.index]

    @property
    def x(self) -> np.ndarray:
        """(784,) the input."""
        return inputs(self.image[None])[0]

    @property
    def y(self) -> np.ndarray:
        """(10,) the one-hot target."""
        return one_hot(np.array([self.label]), self.net.sizes[-1])[0]

    @property
    def gradient(self) -> np.ndarray:
        return self.run.gradients[list(self.run.gradient_steps).index(self.step)]

    @property
    def accuracy(self) -> float:
        """Training accuracy of the snapshot."""
        return float(self.run.train_accuracy[self.snapshot])


def early_example(run, digit: int = 2, accuracy: float = 0.5) -> Example:
    """The first recorded full-batch-gradient step at which the run's training accuracy reaches
    ``accuracy`` (the network has learned something), and the first of its training images of
    ``digit`` it still gets wrong there. For the 'video' run: step 1,000 (81.7 %) and training image 28, called a 3.
    A ConfigError that says why if the run has no such step or gets every such digit right there."""
    steps = list(run.steps)
    recorded = [int(s) for s in run.gradient_steps]
    for step in recorded:
        snapshot = steps.index(step)
        if run.train_accuracy[snapshot] >= accuracy:
            data = load_mnist()
            try:
                n = run.config.train_size or len(data.train_labels)       # the images the run learned from
                index = wishes.first_wrong(run.network(snapshot), data.train_images[:n], data.train_labels[:n], digit)
            except ConfigError:
                raise ConfigError(f"chapter 3's running example is a training {digit} the network still gets wrong "
                                  f"early in training, but at step {step:,} ({run.train_accuracy[snapshot]:.1%} "
                                  f"right) it gets every {digit} right") from None
            return Example(run, snapshot, step, index, digit)
    best = max(range(len(recorded)), key=lambda i: run.train_accuracy[steps.index(recorded[i])])
    raise ConfigError(f"chapter 3's running example needs a recorded full-batch gradient (steps "
                      f"{', '.join(f'{s:,}' for s in recorded)}) where training accuracy reaches {accuracy:.0%}; "
                      f"this run's best there is {run.train_accuracy[steps.index(recorded[best])]:.1%} "
                      f"(step {recorded[best]:,}): train it longer")


# --- the example's network, in words and pictures ----------------------------------------------------
MAX_SHOWN = 16          # a column draws at most this many neurons of a layer (as visuals.NetworkDiagram)


def activation_word(net, layer: int) -> str:
    """The function of ``layer`` (1..L): 'sigmoid' or 'ReLU' for a hidden layer; the output layer is
    'sigmoid' with the quadratic cost and 'softmax' with cross-entropy (gdcore's Network)."""
    if layer == len(net.shapes):
        return "softmax" if net.cost_name == "cross_entropy" else "sigmoid"
    return {"relu": "ReLU"}.get(net.activation, net.activation)


def slope_symbol(net, layer: int) -> str:
    """The symbol of ``layer``'s slope: 'σ′(z)' for a sigmoid layer, 'ReLU′(z)' for a ReLU one."""
    return "σ′(z)" if activation_word(net, layer) == "sigmoid" else f"{activation_word(net, layer)}′(z)"


def shown_neurons(n: int, importance=None, most: int = MAX_SHOWN) -> list[int]:
    """Which of a layer's ``n`` neurons a column draws, in index order: all of them if n <= ``most``;
    else the ``most`` with the largest ``importance`` (n,) (default: the first and last most/2)."""
    if n <= most:
        return list(range(n))
    if importance is None:
        return list(range(most // 2)) + list(range(n - most + most // 2, n))
    order = np.argsort(-np.asarray(importance, np.float64), kind="stable")[:most]
    return sorted(int(i) for i in order)


def fill_scale(activations) -> float:
    """What a circle's fill divides a layer's activations by: 1 when they lie in [0, 1] (sigmoid,
    softmax, a quiet ReLU layer), else the largest of them (a ReLU layer's a can exceed 1)."""
    top = float(np.max(activations)) if len(activations) else 0.0
    return top if top > 1 else 1.0

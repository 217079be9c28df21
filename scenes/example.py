"""Chapter 3's running example: one real training digit that the network, early in training, still
gets wrong, at a snapshot where the run also recorded the full-batch gradient. Every part of the
lecture that talks about "the 2" takes one of these."""
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
    ``accuracy`` (the network has learned something), and the first training ``digit`` it still
    gets wrong there. For the 'video' run: step 1,000 (81.7 %) and training image 28, called a 3."""
    steps = list(run.steps)
    for step in run.gradient_steps:
        snapshot = steps.index(step)
        if run.train_accuracy[snapshot] >= accuracy:
            data = load_mnist()
            index = wishes.first_wrong(run.network(snapshot), data.train_images, data.train_labels, digit)
            return Example(run, snapshot, int(step), index, digit)
    raise ConfigError(f"no recorded gradient step where training accuracy reaches {accuracy:.0%}")

"""A per-example reference network, written "the book's way".

This follows the style of the simple ``network.py`` from Michael Nielsen's book *Neural Networks
and Deep Learning*: every example is its own column vector of shape (n, 1), ``update_mini_batch``
loops over the examples of a mini-batch in Python, and ``backprop`` handles one example at a time
with ``np.dot``. Hidden and output layers are sigmoid and the cost is quadratic.

It exists only as a yardstick for ``bench/train_speed.py``: gdcore does the same arithmetic on a
whole mini-batch at once. It is not used by gdcore or the scenes.

One deliberate difference from the book: the cost convention is gdcore's (and the video's),
C_x = sum_j (a_j - y_j)^2 with no 1/2, so the output error is 2 (a - y) * sigma'(z), and the
book's eta = 3.0 corresponds to eta = 1.5 here.

    net = Network([784, 16, 16, 10], seed=0)
    net.SGD(training_data, epochs=1, mini_batch_size=10, eta=1.5)
    # training_data: list of (x, y) with x of shape (784, 1) and y of shape (10, 1)
"""
from __future__ import annotations

import random

import numpy as np


def sigmoid(z):
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the sigmoid at z."""
    s = sigmoid(z)
    return s * (1 - s)


class Network:
    """Fully connected sigmoid network; weights[l] has shape (sizes[l+1], sizes[l]).

    ``weights`` and ``biases`` may be given (lists of arrays, biases as columns (n, 1)) to start
    from known values; otherwise weights are drawn as N(0, 1/n_in) and biases as N(0, 1).
    """

    def __init__(self, sizes, seed=0, weights=None, biases=None):
        self.num_layers = len(sizes)
        self.sizes = list(sizes)
        rng = np.random.default_rng(seed)
        if weights is None:
            weights = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
                       for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        if biases is None:
            biases = [rng.standard_normal((n_out, 1)) for n_out in sizes[1:]]
        self.weights = [np.array(w, dtype=float) for w in weights]
        self.biases = [np.array(b, dtype=float).reshape(-1, 1) for b in biases]

    def feedforward(self, a):
        """The network's output for the input column a (sizes[0], 1)."""
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, seed=0):
        """Stochastic gradient descent: each epoch, shuffle and step through the mini-batches.

        ``training_data`` is a list of (x, y) column pairs; it is shuffled in place. With
        ``test_data`` (a list of (x, digit) pairs) the accuracy is printed after each epoch.
        """
        shuffler = random.Random(seed)
        n = len(training_data)
        for epoch in range(epochs):
            shuffler.shuffle(training_data)
            mini_batches = [training_data[k:k + mini_batch_size]
                            for k in range(0, n, mini_batch_size)]
            for mini_batch in mini_batches:
                self.update_mini_batch(mini_batch, eta)
            if test_data:
                print(f"Epoch {epoch}: {self.evaluate(test_data)} / {len(test_data)}")

    def update_mini_batch(self, mini_batch, eta):
        """One gradient-descent step on the mean cost of ``mini_batch``, one example at a time."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        step = eta / len(mini_batch)
        self.weights = [w - step * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - step * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        """(nabla_b, nabla_w): the gradient of the single example's cost C_x, layer by layer."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # Forward pass, keeping every weighted input z and activation.
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # Backward pass: the output error, then back through the layers.
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sigmoid_prime(zs[-l])
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def evaluate(self, test_data):
        """How many (x, digit) pairs the network gets right (most active output neuron)."""
        return sum(int(np.argmax(self.feedforward(x)) == digit) for x, digit in test_data)

    def cost_derivative(self, output_activations, y):
        """dC_x/da for C_x = sum_j (a_j - y_j)^2 (gdcore's convention: no 1/2)."""
        return 2 * (output_activations - y)

"""Named run configurations. Every scene asks for one of these by name."""
from __future__ import annotations

import dataclasses

from .config import RunConfig
from .errors import ConfigError

VIDEO = RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                  eta=1.0, batch_size=10, momentum=0.0, schedule="cosine", weight_decay=5e-5, epochs=40)
MEMORISE = RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                     eta=1.5, batch_size=10, epochs=300, train_size=1000, epoch_snapshots=300)

PRESETS: dict[str, tuple[RunConfig, str]] = {
    # Measured on the full 10k test set (all 60k training images, 2 shared cores): seed 0 -> 96.29 %,
    # seeds 0-4 -> mean 96.00 % (95.85-96.29 %), 16-23 s of training. Without weight decay: ~94.6-95.2 %.
    "video": (VIDEO,
              "the lecture's network: 784-16-16-10, sigmoid, quadratic cost, mini-batch SGD "
              "(batch 10, fan-in init, cosine learning-rate decay, L2 weight decay 5e-5)"),
    # Measured: seeds 0, 1, 2 -> 98.46 / 98.26 / 98.46 % test accuracy, 44-47 s of training.
    "tweaked": (RunConfig(sizes=(784, 256, 10), activation="relu", cost="cross_entropy", init="he",
                          eta=0.05, batch_size=32, momentum=0.9, schedule="cosine", weight_decay=1e-4, epochs=20),
                "the '98 %' network: one wide ReLU hidden layer (256, He init), softmax + cross-entropy, "
                "momentum 0.9, cosine schedule, weight decay"),
    "full-batch": (RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                             eta=1.5, batch_size=None, epochs=None, steps=1000, train_size=10000,
                             epoch_snapshots=200),
                   "the 'carefully calculating man': full-batch gradient descent on the first 10,000 images"),
    # --- memorisation: true against shuffled labels on the same first 1,000 training images, same seed,
    # same schedule (eta 1.5 constant, no weight decay: decay works against memorising), a snapshot at
    # every epoch end. Measured (seed 0, about 6 s each): true labels 98.8 % train (70 % in epoch 5),
    # 84.35 % test; shuffled 86.2 % train (70 % in epoch 75), 12.23 % test (chance: seeds 0-4 give
    # 7.2-12.2 %). bench/memorisation.py measures seeds 0-4.
    "memorise-true": (MEMORISE,
                      "memorisation, the control: the video's network on the first 1,000 training images "
                      "and their true labels, 300 epochs"),
    "memorise-shuffled": (dataclasses.replace(MEMORISE, shuffle_labels=True),
                          "memorisation: the same 1,000 images, network, seed and schedule, with the labels "
                          "shuffled among them"),
    "random-labels": (dataclasses.replace(MEMORISE, shuffle_labels=True),
                      "memorization: the same run as memorise-shuffled (the design notes' name for it)"),
    # --- symmetry: every weight and bias starts equal (0), so the 16 neurons of a layer stay identical.
    # float64: in float32 the BLAS rounds identical dot products differently by position, which breaks
    # the symmetry by one ulp at step 3 (spread 0.77 by epoch 10). Measured in float64: rows identical
    # to the bit for the whole run; test accuracy 35.46 % (train 35.20 %), about 14 s of training.
    "symmetric": (dataclasses.replace(VIDEO, init="equal", epochs=5, dtype="float64"),
                  "the video's network and training with every weight and bias started at 0: the neurons of "
                  "a layer stay identical, so it learns like a 784-1-1-10 network"),
    # --- scenes/stumble.py: the drunk man and the calculating man, from the same initialisation (seed 0).
    # Measured: 100 full-batch steps reach cost 0.863 (about 3 s of training); 1,000 SGD steps (one
    # pass over the 10,000 images) reach 0.212 (about 3 s). PCA of both paths: 93 % + 4 %.
    "stumble-gd": (RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                             eta=1.5, batch_size=None, epochs=None, steps=100, train_size=10000, snapshot_every=2),
                   "the careful walker: 100 full-batch gradient-descent steps on the first 10,000 images "
                   "(a snapshot every 2 steps)"),
    "stumble-sgd": (RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                              eta=1.5, batch_size=10, epochs=None, steps=1000, train_size=10000, snapshot_every=10),
                    "the drunk man: 1,000 mini-batch steps of 10 (one pass) over the same 10,000 images, "
                    "same start (a snapshot every 10 steps)"),
    # Measured: the cost drops to 1.000 after a step or two and stays there: every output is 0
    # (train accuracy 9.8 %). Sigmoid outputs keep the cost below 10, so it never overflows.
    "too-large-eta": (RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                                eta=30.0, batch_size=10, epochs=None, steps=1000, train_size=10000, log_snapshots=10),
                      "the lecture's network with a learning rate 20 times too large (eta 30): stuck at cost 1"),
    # Measured: the largest weight grows 2.3 -> 237 -> 7e7 -> 7e13 -> 5e16 -> 7e31, then the float32
    # arithmetic overflows: the 7th step's cost is NaN and training stops (run.divergence). Overflow is
    # luck: with seeds 1-4 the weights explode (1e8-1e15) and the cost stays near its cap, no NaN.
    "overflow": (RunConfig(sizes=(784, 16, 16, 10), activation="relu", cost="cross_entropy", init="he",
                           eta=300.0, batch_size=10, epochs=None, steps=1000, train_size=10000),
                 "a ReLU / cross-entropy network with an absurd learning rate (eta 300): overflows within a few steps"),
    # Nielsen's network.py, chapter 1 of Neural Networks and Deep Learning: weights and biases N(0, 1),
    # batch 10, 30 epochs, eta 3.0 with his cost (1/2)|a - y|^2, which is eta 1.5 with gdcore's |a - y|^2.
    "book": (RunConfig(sizes=(784, 30, 10), activation="sigmoid", cost="quadratic", init="normal", eta=1.5,
                       batch_size=10, epochs=30),
             "Nielsen's book network (network.py): 784-30-10 sigmoid, quadratic cost, N(0,1) init, batch 10, "
             "30 epochs, eta 3.0 in the book's convention (1.5 here); the book reports about 95 %"),
}


def preset(name: str, **overrides) -> RunConfig:
    """The RunConfig of preset ``name``, with ``overrides`` (RunConfig fields) replaced."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    try:
        return dataclasses.replace(PRESETS[name][0], **overrides)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None


def describe(name: str) -> str:
    return PRESETS[name][1]


# --- the lecture's experiments on a teacher's network (issue 14) ---------------------------------------
EXPERIMENTS = ("stumble-gd", "stumble-sgd", "memorise-true", "memorise-shuffled")
NETWORK_FIELDS = ("sizes", "activation", "cost", "init", "seed", "dtype")   # what "the network" is


def experiment(name: str, network: RunConfig) -> RunConfig:
    """Experiment preset ``name`` (one of EXPERIMENTS) done with the network of ``network`` (a RunConfig).

    For the video's own network: the preset, unchanged. For any other: the network's sizes, activation,
    cost, initialisation, seed and dtype, trained the experiment's way (its steps or epochs, batch size,
    training images, labels and snapshots; plain SGD: constant rate, no momentum, no weight decay) at
    the network's own step size, eta / (1 - momentum) (the step that momentum settles at on a steady
    slope: the teacher's eta 0.05 with momentum 0.9 is a plain eta of 0.5).
    """
    if name not in EXPERIMENTS:
        raise ConfigError(f"{name!r} is not an experiment; choose from {', '.join(EXPERIMENTS)}")
    base, network = preset(name), network.validate()
    if network == VIDEO.validate():
        return base
    return dataclasses.replace(base, **{f: getattr(network, f) for f in NETWORK_FIELDS},
                               eta=round(network.eta / (1 - network.momentum), 12))

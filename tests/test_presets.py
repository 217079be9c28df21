"""The presets of the memorisation and symmetry experiments: what they share, what they record, and
(on small, fast versions of them) what they show."""
import dataclasses

import numpy as np
import pytest

from gdcore import analysis, load_mnist, runs
from gdcore.config import snapshot_schedule
from gdcore.presets import PRESETS, preset

from helpers import isolated_cache  # noqa: F401  (autouse: GDCORE_CACHE -> tmp)


def test_memorise_pair_differs_only_in_the_labels():
    true, shuffled = preset("memorise-true"), preset("memorise-shuffled")
    assert dataclasses.replace(shuffled, shuffle_labels=False) == true and shuffled.shuffle_labels
    video = preset("video")
    network = lambda c: (c.sizes, c.activation, c.cost, c.init)  # noqa: E731
    assert network(true) == network(video)
    assert 1000 <= true.train_size <= 5000
    data = load_mnist()
    (X_true, Y_true), (X_shuffled, Y_shuffled) = (analysis.training_set(c, data) for c in (true, shuffled))
    assert np.array_equal(X_true, X_shuffled)                                   # the same images
    labels_true, labels_shuffled = Y_true.argmax(1), Y_shuffled.argmax(1)
    assert np.array_equal(np.sort(labels_true), np.sort(labels_shuffled))       # the same labels, dealt anew
    assert (labels_true != labels_shuffled).mean() > 0.8


def test_random_labels_is_the_memorise_shuffled_run():
    data = load_mnist()
    assert runs.run_path(preset("random-labels"), data) == runs.run_path(preset("memorise-shuffled"), data)


@pytest.mark.parametrize("name", ["memorise-true", "memorise-shuffled"])
def test_memorise_presets_record_every_epoch_end(name):
    config = preset(name).validate()
    steps, _ = snapshot_schedule(config)
    per_epoch = config.train_size // config.batch_size
    assert set(range(0, config.total_steps + 1, per_epoch)) <= set(steps.tolist())


def test_a_small_memorise_run_records_cost_and_accuracy_at_every_epoch_end():
    config = preset("memorise-shuffled", train_size=200, epochs=4, epoch_snapshots=4, log_snapshots=3)
    run = runs.get(config, progress=False)
    X, Y = analysis.training_set(run.config, load_mnist())
    ends = analysis.epoch_ends(run.epochs)
    assert np.array_equal(run.epochs[ends], [1, 2, 3, 4])
    for i in ends:
        net = run.network(i)
        assert run.train_accuracy[i] == pytest.approx(net.accuracy(X, Y.argmax(1)), abs=1e-9)
        assert run.train_cost[i] == pytest.approx(net.cost(X, Y), rel=1e-5)
    assert analysis.epochs_to_reach(run, 0.0) == 0


def test_symmetric_is_the_video_run_started_equal():
    symmetric, video = preset("symmetric"), preset("video")
    assert symmetric.init == "equal" and 5 <= symmetric.epochs <= 10
    assert dataclasses.replace(symmetric, init=video.init, epochs=video.epochs, dtype=video.dtype) == video


def test_a_small_symmetric_run_keeps_its_neurons_identical():
    run = runs.get(preset("symmetric", train_size=600, epochs=2, log_snapshots=5), progress=False)
    for i in range(len(run.steps)):
        net = run.network(i)
        for W, b in zip(net.weights[:2], net.biases[:2]):                     # the 16 + 16 hidden neurons
            assert np.abs(W - W[0]).max() < 1e-12 and np.abs(b - b[0]).max() < 1e-12
        assert np.abs(net.weights[2] - net.weights[2][:, :1]).max() < 1e-12
    assert all(np.abs(W).max() > 1e-3 for W in net.weights)                  # yet every layer did learn


def test_every_preset_validates():
    for name in PRESETS:
        preset(name).validate()

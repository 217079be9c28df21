"""gdcore functions for the SGD parts (scenes/stumble.py, minibatches.py): the order of a run's mini-batches, replaying its steps one by
one, and the heavy-ball method on the toy ravine."""
import numpy as np
import pytest

from gdcore import analysis, load_mnist, runs, toys


@pytest.fixture(scope="module")
def dense_run():
    """float64, batch 10 on 300 images, a snapshot at every step (so every mini-batch can be checked)."""
    config = runs.RunConfig(eta=1.5, batch_size=10, epochs=None, steps=45, train_size=300, dtype="float64",
                            snapshot_every=1)
    return runs.get(config, progress=False)


def test_minibatch_order_is_the_order_training_used(dense_run):
    X, Y = analysis.training_set(dense_run.config, load_mnist())
    assert np.array_equal(dense_run.steps, np.arange(46))
    for step in (0, 1, 7, 29, 30, 31, 44):                # epoch 0 is steps 0-29, epoch 1 from step 30
        epoch, j = divmod(step, 30)
        rows = analysis.minibatch_order(dense_run.config, epoch)[j * 10:(j + 1) * 10]
        net = dense_run.network(step)
        assert net.cost(X[rows], Y[rows]) == pytest.approx(dense_run.step_cost[step], rel=1e-12)
    orders = [analysis.minibatch_order(dense_run.config, e) for e in (0, 1)]
    assert sorted(orders[0]) == list(range(300)) and not np.array_equal(*orders)


def test_minibatch_order_needs_mini_batches():
    with pytest.raises(ValueError):
        analysis.minibatch_order(runs.RunConfig(batch_size=None, epochs=None, steps=3))


def test_replay_steps_reproduces_the_recorded_snapshots(dense_run):
    X, Y = analysis.training_set(dense_run.config, load_mnist())
    replayed = analysis.replay_steps(dense_run, 25, 10, X, Y)   # crosses the epoch boundary at step 30
    assert replayed.shape == (11, dense_run.params.shape[1])
    assert np.allclose(replayed, dense_run.params[25:36], rtol=0, atol=1e-10)


def test_replay_steps_of_a_full_batch_run():
    config = runs.RunConfig(eta=1.5, batch_size=None, epochs=None, steps=4, train_size=200, dtype="float64")
    run = runs.get(config, progress=False)
    X, Y = analysis.training_set(config, load_mnist())
    assert np.allclose(analysis.replay_steps(run, 0, 4, X, Y), run.params, rtol=0, atol=1e-12)
    momentum = runs.get(runs.RunConfig(eta=0.5, momentum=0.5, batch_size=None, epochs=None, steps=1, train_size=200,
                                       dtype="float64"), progress=False)
    with pytest.raises(ValueError):
        analysis.replay_steps(momentum, 0, 1, X, Y)


def test_descend_momentum_is_the_heavy_ball_method():
    path = toys.descend_momentum(toys.ravine_gradient, (-9.0, 1.5), eta=0.95, beta=0.5, steps=6)
    w, v = np.array([-9.0, 1.5]), np.zeros(2)
    for k in range(6):
        v = 0.5 * v - 0.95 * np.array([0.04 * w[0], 2 * w[1]])
        w = w + v
        assert np.allclose(path[k + 1], w, rtol=0, atol=1e-14)
    plain = toys.descend_momentum(toys.ravine_gradient, (-9.0, 1.5), eta=0.95, beta=0.0, steps=6)
    assert np.allclose(plain, toys.descend(toys.ravine_gradient, (-9.0, 1.5), 0.95, 6))
    assert toys.ravine(3.0, 0.5) == pytest.approx(0.02 * 9 + 0.25)
    assert len(toys.descend_momentum(toys.ravine_gradient, (1.0, 1.0), eta=5.0, beta=0.9, steps=500, limit=1e3)) < 501

"""gdcore helpers used by scenes/landscape.py: toy descent facts and the real 1-D cost slice."""
import numpy as np

from gdcore import Network
from gdcore.analysis import gradient_slice
from gdcore.toys import bowl_gradient, bumpy, bumpy_slope, descend, first_outside, valleys_reached


def test_valleys_reached_merges_close_values():
    assert np.allclose(valleys_reached([1.0, -2.5, 1.004, -2.5, 3.2]), [-2.5, 1.0, 3.2])
    assert len(valleys_reached([0.0, 0.02, 0.04], tol=0.03)) == 1
    assert len(valleys_reached([0.0, 0.05], tol=0.03)) == 2


def test_balls_from_even_starts_settle_in_the_toy_minima():
    finals = [descend(bumpy_slope, w0, 0.1, 60)[-1] for w0 in np.linspace(-4, 4, 11)]
    valleys = valleys_reached(finals)
    assert len(valleys) == 4
    assert np.all(np.abs(bumpy_slope(valleys)) < 1e-6)
    h = 1e-4
    assert np.all(bumpy(valleys - h) > bumpy(valleys)) and np.all(bumpy(valleys + h) > bumpy(valleys))


def test_first_outside():
    assert first_outside(np.array([0.0, 3.9, -4.0, 4.5, 1.0])) == 3
    assert first_outside(np.array([0.0, 1.0])) is None
    assert first_outside(np.array([0.0, -2.0]), bounds=(-1, 1)) == 1


def test_too_large_eta_overshoots_and_diverges():
    path = descend(bumpy_slope, 2.3, 1.7, 40)
    assert len(path) < 41                       # stopped: left [-1e6, 1e6]
    steps = np.diff(path[:first_outside(path) + 1])
    assert np.all(np.sign(steps[1:]) != np.sign(steps[:-1]))   # overshoots back and forth


def test_bowl_gradient_at_one_one_is_three_one():
    assert np.allclose(bowl_gradient([1.0, 1.0]), [3.0, 1.0])
    path = descend(bowl_gradient, (1.0, 1.0), 0.2, 5)
    assert np.allclose(path[1], [1 - 0.2 * 3, 1 - 0.2 * 1])


def test_gradient_slice_is_the_real_cost_on_the_downhill_line():
    rng = np.random.default_rng(0)
    net = Network([6, 4, 3], seed=1)
    X = rng.random((20, 6))
    Y = np.eye(3)[rng.integers(0, 3, 20)]
    g = net.gradient(X, Y)
    ts = np.linspace(-2, 3, 6)
    s = gradient_slice(net, X, Y, g, ts, eta=0.7)
    assert np.allclose(s["direction"], -g / np.linalg.norm(g))
    probe = net.copy()
    for t, c in zip(ts, s["costs"]):
        probe.params = net.params - t * g / np.linalg.norm(g)
        assert abs(probe.cost(X, Y) - c) < 1e-12
    assert abs(s["slope"] + np.linalg.norm(g)) < 1e-12      # along -g/|g| the slope is -|g|
    h = 1e-5
    probe.params = net.params + h * s["direction"]
    up = probe.cost(X, Y)
    probe.params = net.params - h * s["direction"]
    assert abs((up - probe.cost(X, Y)) / (2 * h) - s["slope"]) < 1e-7
    probe.params = net.params - 0.7 * g
    assert abs(s["step_t"] - 0.7 * np.linalg.norm(g)) < 1e-12
    assert abs(s["step_cost"] - probe.cost(X, Y)) < 1e-12
    assert np.array_equal(net.params, Network([6, 4, 3], seed=1).params)  # net untouched

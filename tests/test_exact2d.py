"""gdcore.exact2d: the one-neuron, two-parameter model whose cost surface is exact."""
import numpy as np
import pytest

from gdcore import ConfigError, exact2d, load_mnist


@pytest.fixture(scope="module")
def sixes_and_nines():
    return exact2d.dataset(load_mnist())


def test_ink_balance_of_simple_images():
    top, bottom, blank, half = (np.zeros((28, 28)) for _ in range(4))
    top[3, 5] = 200
    bottom[20, 5] = 10
    half[5, :], half[22, :] = 100, 100
    assert exact2d.ink_balance(np.stack([top, bottom, blank, half])).tolist() == [1.0, -1.0, 0.0, 0.0]


def test_dataset_is_the_sixes_and_nines_of_the_first_images(sixes_and_nines):
    s, y, index = sixes_and_nines
    labels = load_mnist().train_labels[:10000]
    assert np.array_equal(index, np.flatnonzero((labels == 6) | (labels == 9)))
    assert np.array_equal(y, (labels[index] == 9).astype(float))
    image = load_mnist().train_images[index[0]].astype(float)
    assert s[0] == pytest.approx((image[:14].sum() - image[14:].sum()) / image.sum())
    assert s[y == 1].mean() > s[y == 0].mean() + 0.15     # 6s are bottom-heavy, 9s less so
    with pytest.raises(ConfigError):
        exact2d.dataset(load_mnist(), digits=(3, 3))


def test_cost_is_the_mean_squared_error_of_the_neuron():
    s, y = np.array([-0.5, 0.1, 0.3]), np.array([0.0, 1.0, 1.0])
    w, b = 2.0, -0.4
    a = 1 / (1 + np.exp(-(w * s + b)))
    assert exact2d.cost([w, b], s, y) == pytest.approx(np.mean((a - y) ** 2), abs=1e-15)
    grid = exact2d.cost_grid([1.0, w], [b, 0.0, 3.0], s, y, chunk=1)
    assert grid.shape == (2, 3) and grid[1, 0] == pytest.approx(np.mean((a - y) ** 2), abs=1e-15)


@pytest.mark.parametrize("point", [(-4.0, 2.5), (0.0, 0.0), (9.8, 1.05), (30.0, 3.0), (-6.0, -3.0)])
def test_gradient_matches_finite_differences(sixes_and_nines, point):
    s, y, _ = sixes_and_nines
    p, h = np.array(point), 1e-6
    numeric = [(exact2d.cost(p + h * e, s, y) - exact2d.cost(p - h * e, s, y)) / (2 * h) for e in np.eye(2)]
    assert np.allclose(exact2d.gradient(p, s, y), numeric, rtol=1e-6, atol=1e-10)


def test_gradient_of_a_grid_of_points_and_of_a_mini_batch(sixes_and_nines):
    s, y, _ = sixes_and_nines
    points = np.array([[[1.0, 2.0], [3.0, -1.0]]])
    grads = exact2d.gradient(points, s[:10], y[:10])
    assert grads.shape == (1, 2, 2)
    assert np.allclose(grads[0, 1], exact2d.gradient(points[0, 1], s[:10], y[:10]))


def test_batches_deal_each_epoch_once():
    bs = exact2d.batches(23, 10, 7, seed=3)
    assert [len(b) for b in bs] == [10, 10, 3, 10, 10, 3, 10]
    assert sorted(np.concatenate(bs[:3]).tolist()) == list(range(23))
    assert sorted(np.concatenate(bs[3:6]).tolist()) == list(range(23))
    rng = np.random.default_rng(3)
    assert np.array_equal(bs[0], rng.permutation(23)[:10])
    assert all(np.array_equal(b, np.arange(23)) for b in exact2d.batches(23, None, 3))
    assert exact2d.steps_per_epoch(23, 10) == 3 and exact2d.steps_per_epoch(23, None) == 1


def test_descend_full_batch_and_mini_batch(sixes_and_nines):
    s, y, _ = sixes_and_nines
    full = exact2d.descend((-4, 2.5), s, y, eta=10, batch_size=None, steps=3)
    p = np.array([-4.0, 2.5])
    for k in range(3):
        p = p - 10 * exact2d.gradient(p, s, y)
        assert np.allclose(full["params"][k + 1], p, rtol=0, atol=1e-13)
    assert full["examples"].tolist() == [0, len(s), 2 * len(s), 3 * len(s)]
    assert np.allclose(full["cost"], exact2d.cost(full["params"], s, y))

    mini = exact2d.descend((-4, 2.5), s, y, eta=10, batch_size=10, steps=4, seed=1)
    rows = exact2d.batches(len(s), 10, 4, seed=1)
    p = np.array([-4.0, 2.5])
    for k, r in enumerate(rows):
        assert mini["batch_cost"][k] == pytest.approx(float(exact2d.cost(p, s[r], y[r])))
        p = p - 10 * exact2d.gradient(p, s[r], y[r])
    assert np.allclose(mini["params"][-1], p, rtol=0, atol=1e-13)
    assert exact2d.steps_within(mini["examples"], 25) == 2 and exact2d.steps_within(mini["examples"], 40) == 4


def test_step_comparison(sixes_and_nines):
    s, y, _ = sixes_and_nines
    at, rows = np.array([9.8, 1.05]), np.arange(10)
    c = exact2d.step_comparison(at, s, y, 10.0, rows)
    assert np.allclose(c["full_step"], -10 * exact2d.gradient(at, s, y))
    assert np.allclose(c["batch_step"], -10 * exact2d.gradient(at, s[rows], y[rows]))
    u, v = c["full_step"], c["batch_step"]
    assert c["angle"] == pytest.approx(np.degrees(np.arctan2(abs(u[0] * v[1] - u[1] * v[0]), u @ v)))
    assert c["full_length"] == pytest.approx(np.hypot(*u)) and c["batch_length"] == pytest.approx(np.hypot(*v))

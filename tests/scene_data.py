"""Quick, real runs for scene tests (trained once per test session into the session's cache)."""
from functools import lru_cache


@lru_cache(maxsize=None)
def small_run():
    """float64, 2 epochs on the first 2,000 training images: real numbers in about a second."""
    from gdcore import runs

    config = runs.RunConfig(sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic", init="fan_in",
                            eta=1.5, batch_size=10, schedule="constant", epochs=2, train_size=2000,
                            dtype="float64", seed=0)
    return runs.get(config, progress=False)

"""gdcore: the numbers behind gdviz — MNIST, the 784-16-16-10 network, backprop, training, runs.

No manim here: scenes read what gdcore computes.
"""
__version__ = "0.1.0"

from .data import inputs, load_mnist, one_hot
from .errors import CacheError, ConfigError, DataError, GdcoreError
from .network import Network

__all__ = ["Network", "load_mnist", "inputs", "one_hot", "GdcoreError", "ConfigError", "DataError", "CacheError",
           "__version__"]

"""The one exception family gdcore raises for bad input (the CLI prints it as one line).

    GdcoreError                      every error below: the message says what is wrong and what to do
    ├── ConfigError (ValueError)     a setting that cannot be trained or computed (sizes, eta, ...)
    ├── DataError (ValueError)       a missing, truncated or altered MNIST file; labels or images
    │                                that are not what the function takes
    └── CacheError (OSError)         the cache dir or a file in it cannot be used (not writable, a
                                     folder where a file should be, disk full)
"""


class GdcoreError(Exception):
    """Bad data, an impossible config or an unusable cache: the message says what to do."""


class DataError(GdcoreError, ValueError):
    """A missing, truncated or altered MNIST file, or labels / images outside what is allowed."""


class ConfigError(GdcoreError, ValueError):
    """A configuration that cannot be trained (wrong sizes, eta <= 0, more memory than there is...)."""


class CacheError(GdcoreError, OSError):
    """The cache dir, or a file in it, cannot be read or written; the message names the path."""

"""The one exception family gdcore raises for bad input (the CLI prints it as one line)."""


class GdcoreError(Exception):
    """Bad data, an impossible config or an unusable cache: the message says what to do."""


class DataError(GdcoreError):
    """A missing, truncated or altered MNIST file."""


class ConfigError(GdcoreError, ValueError):
    """A configuration that cannot be trained (wrong sizes, eta <= 0, ...)."""

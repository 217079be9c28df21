"""Test set-up: manim's frame-comparison options, Debian's cairo, and a private cache dir."""
import os
import shutil
import tempfile

import pytest
from manim.utils.testing import frames_comparison

# Debian 12 ships cairo 1.16; manim would silently *skip* every graphical test below 1.18.
frames_comparison.MIN_CAIRO_VERSION = 11600


def pytest_addoption(parser):
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write frames_comparison control data instead of comparing")
    parser.addoption("--show_diff", action="store_true", default=False,
                     help="show a diff image when a frame comparison fails")


def pytest_configure(config):
    # Never touch the user's cache: one fresh cache dir per test session (tests that need their
    # own set GDCORE_CACHE again with monkeypatch).
    config._gdcore_cache = os.environ["GDCORE_CACHE"] = tempfile.mkdtemp(prefix="gdcore-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_gdcore_cache", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def small_run():
    from scene_data import small_run as make

    return make()

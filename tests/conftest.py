"""Test set-up: the --set_test option of the frame comparisons (tests/frames.py), a private run
cache per test session, and text caches per worker."""
import os
import shutil
import tempfile

import pytest


def pytest_addoption(parser):
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write the frame comparisons' control data instead of comparing")


def pytest_configure(config):
    # Never touch the user's cache: one fresh cache dir per test session, shared by the session's
    # xdist workers (runs are trained once under a lock; tests that need their own cache set
    # GDCORE_CACHE again with monkeypatch).
    shared = os.environ.get("GDVIZ_TEST_CACHE")
    if shared and os.environ.get("PYTEST_XDIST_WORKER"):
        config._gdcore_cache = None
        os.environ["GDCORE_CACHE"] = shared
    else:
        config._gdcore_cache = tempfile.mkdtemp(prefix="gdcore-test-cache-")
        os.environ["GDCORE_CACHE"] = os.environ["GDVIZ_TEST_CACHE"] = config._gdcore_cache
    # Rendered text and formulas: one cache folder per worker (manim writes them non-atomically).
    from manim import config as manim_config

    from frames import TEXT_DIRS
    manim_config.text_dir, manim_config.tex_dir = TEXT_DIRS["text_dir"], TEXT_DIRS["tex_dir"]


def pytest_unconfigure(config):
    if getattr(config, "_gdcore_cache", None):
        shutil.rmtree(config._gdcore_cache, ignore_errors=True)


@pytest.fixture(scope="session")
def small_run():
    from scene_data import small_run as make

    return make()

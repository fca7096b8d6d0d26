"""Shared pytest configuration.

Hypothesis profiles: ``default`` for local runs and ``ci`` (more examples,
derandomized so CI runs are reproducible).  Select one with the
``HYPOTHESIS_PROFILE`` environment variable, e.g.
``HYPOTHESIS_PROFILE=ci python -m pytest``.

The tests directory has no ``__init__.py``, so pytest's default ``prepend``
import mode puts it on ``sys.path`` and test modules can use
``from strategies import ...``.

Shared fixtures: ``default`` and ``zero_downtime``, the shipped example scenarios (loaded
once per session), and ``ROOT``/``EXAMPLES``, paths that do not depend on the working
directory the tests run from.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

#: the repository root and its examples, wherever pytest runs from
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("ci", deadline=None, max_examples=200, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def default():
    """The shipped default scenario (``examples/default.toml``)."""
    from rtocalc import load_scenario

    return load_scenario(EXAMPLES / "default.toml")


@pytest.fixture(scope="session")
def zero_downtime():
    """The shipped zero-downtime example (``examples/zero_downtime.toml``)."""
    from rtocalc import load_scenario

    return load_scenario(EXAMPLES / "zero_downtime.toml")

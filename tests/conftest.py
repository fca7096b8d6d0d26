"""Shared pytest configuration.

Hypothesis profiles: ``default`` for local runs and ``ci`` (more examples,
derandomized so CI runs are reproducible).  Select one with the
``HYPOTHESIS_PROFILE`` environment variable, e.g.
``HYPOTHESIS_PROFILE=ci python -m pytest``.

The tests directory has no ``__init__.py``, so pytest's default ``prepend``
import mode puts it on ``sys.path`` and test modules can use
``from strategies import ...``.
"""

import os

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("ci", deadline=None, max_examples=200, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

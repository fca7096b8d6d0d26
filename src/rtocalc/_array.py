"""Array helpers shared by the formula modules (private module, public names:
the formula modules import them as ``_f`` and ``_out``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float(x: ArrayLike) -> NDArray[np.float64]:
    """Return ``x`` as a float array (no copy when it already is one)."""
    return np.asarray(x, dtype=float)


def scalar_out(value: Any) -> Any:
    """Return a Python float for 0-d results (scalar in, scalar out), else the array."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr

"""Seeds: where rtocalc takes a seed it also takes a ``numpy.random.Generator``.

A simulation draws its samples from ``numpy.random.default_rng(seed)``, and the robust
search simulates every candidate with the same seed (common random numbers: the
candidates are compared on the same draws). A generator cannot be reused that way, so
one integer is drawn from it and used as the seed: the result records that integer, and
passing it back repeats the run.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["SeedLike", "as_seed"]

#: what a ``seed`` parameter accepts (a string, so that importing it does not load
#: numpy.random, about 25 ms, in commands that draw nothing)
SeedLike: TypeAlias = "int | np.random.Generator | None"

_ACCEPTED = "use an integer >= 0, a numpy.random.Generator or None"


def as_seed(seed: SeedLike, name: str = "seed") -> int | None:
    """The integer seed (or None) that ``seed`` stands for.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An integer >= 0 is returned as is; a generator gives one integer drawn from it
        (advancing it); None stays None (fresh entropy on every draw).
    name : str
        The parameter's name, for the error message.

    Returns
    -------
    int or None

    Raises
    ------
    ValueError
        For a negative integer or anything else, naming the value and the accepted forms.
    """
    if seed is None:
        return None
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        shown = repr(seed)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise ValueError(f"{name}: {shown} is not a seed; {_ACCEPTED}")
    if int(seed) < 0:
        raise ValueError(f"{name}: {int(seed)} is negative; {_ACCEPTED}")
    return int(seed)

"""Evaluations of disjoint row sets put back together.

The counterpart of :func:`rtocalc.space.take_rows`: the exact search
(:func:`rtocalc.optimize._search`) evaluates the rows of a space in disjoint batches, and
when no row is feasible the reasons need the evaluation of the whole space. Every metric
of a row depends on that row alone, so placing the batches' rows at their positions gives
the evaluation of the whole space without evaluating any row twice.

Private module: it belongs beside ``take_rows`` in :mod:`rtocalc.space`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .space import _PER_SCENARIO, DesignSpace, Evaluation, IntArray

__all__ = ["gather_rows"]


def _placed(values: list[Any], order: IntArray) -> Any:
    """The parts' values end to end along the row axis (the last), rows put in ``order``."""
    return np.take(np.concatenate(values, axis=-1), order, axis=-1)


def gather_rows(parts: Sequence[tuple[IntArray, Evaluation]]) -> Evaluation:
    """The evaluation of the union of disjoint row sets, in the order of the rows.

    Parameters
    ----------
    parts : sequence of (rows, Evaluation)
        At least one. Row indices into one space (no row in two parts) and the
        evaluation of those rows, in that order, all with the same requirements, impact
        and catalog (the per-scenario fields are taken from the first).

    Returns
    -------
    Evaluation
        Of the rows of every part, sorted by row index: with parts covering every row of a
        space, equal to evaluating that space at once.
    """
    if not parts:
        raise ValueError("gather_rows: no evaluation to gather")
    if len(parts) == 1 and bool(np.all(parts[0][0][1:] > parts[0][0][:-1])):
        return parts[0][1]
    order = np.argsort(np.concatenate([rows for rows, _ in parts]), kind="stable")

    def gather(name: str, values: list[Any]) -> Any:
        first = values[0]
        if name in _PER_SCENARIO:
            return first
        if isinstance(first, dict):
            return {k: gather(k, [v[k] for v in values]) for k in first}
        if isinstance(first, np.ndarray):
            return _placed(values, order)
        return first

    evs = [ev for _, ev in parts]
    fields = {
        f: gather(f, [getattr(ev, f) for ev in evs])
        for f in evs[0].__dataclass_fields__
        if f != "space"
    }
    spaces = [ev.space for ev in evs]
    intervals = [s.interval for s in spaces]
    if any(iv is None for iv in intervals) and any(iv is not None for iv in intervals):
        raise ValueError("gather_rows: every part needs given intervals, or none")
    columns = {
        name: _placed([getattr(s, name) for s in spaces], order)
        for name in ("target", "scheme", "offsite", "longterm", "replication", "link", "strategy")
    }
    fields["space"] = DesignSpace(
        keys=spaces[0].keys,
        **columns,
        interval=None if intervals[0] is None else _placed(intervals, order),
    )
    return Evaluation(**fields)

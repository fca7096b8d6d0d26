"""Many systems at once: one row per system, each with its own design and workload.

Private helpers of :mod:`rtocalc.policy`. :func:`evaluate_systems` gives, for every
system, what :func:`rtocalc.evaluate` gives for it alone, in one broadcast call of
:func:`rtocalc.space.evaluate_space`: the rows of the space are the systems' declared
designs and :class:`~rtocalc.space.WorkloadColumns` holds their workloads.
:func:`cheapest_plans` runs the search of :func:`rtocalc.cheapest` for many workloads
side by side, one evaluation call per round for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .models import BusinessImpact, Catalog, Design, Requirements, Workload
from .optimize import _FIRST_BATCH, make_plan
from .results import Plan
from .space import (
    DesignSpace,
    Evaluation,
    FloatArray,
    IntArray,
    Keys,
    WorkloadColumns,
    build_space,
    evaluate_space,
    has_immutable,
    has_offsite,
    row_costs,
    space_of,
    take_rows,
)
from .units import HOURS_PER_DAY


def stack_designs(designs: Sequence[Design], catalog: Catalog) -> DesignSpace:
    """A space whose row ``i`` is ``designs[i]`` (intervals as declared).

    Each distinct design is checked against the catalog once, by
    :func:`rtocalc.space.space_of` (which raises ``ValueError`` naming the field).
    """
    position: dict[Design, int] = {}
    unique: list[DesignSpace] = []
    index = np.empty(len(designs), dtype=np.int64)
    for i, design in enumerate(designs):
        k = position.get(design)
        if k is None:
            k = position[design] = len(unique)
            unique.append(space_of(catalog, design))
        index[i] = k

    def col(name: str) -> IntArray:
        return np.asarray(np.concatenate([getattr(s, name) for s in unique])[index])

    return DesignSpace(
        Keys.of(catalog),
        col("target"),
        col("scheme"),
        col("offsite"),
        col("longterm"),
        col("replication"),
        col("link"),
        col("strategy"),
        col("protection"),
        np.asarray(col("interval"), dtype=float),
    )


def evaluate_systems(
    workloads: Sequence[Workload],
    designs: Sequence[Design],
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    limits: tuple[FloatArray, FloatArray] | None = None,
) -> Evaluation:
    """Evaluate system ``i`` (``workloads[i]``, ``designs[i]``) as row ``i``.

    Row ``i`` holds what ``rtocalc.evaluate(workloads[i], designs[i], requirements,
    impact=impact, catalog=catalog)`` reports, with the RPO and RTO limits of ``limits``
    (per scenario) when given.
    """
    space = stack_designs(designs, catalog)
    columns = WorkloadColumns.of(workloads)
    return evaluate_space(space, columns, requirements, impact, catalog, limits=limits)


def cheapest_plans(
    workloads: Sequence[Workload],
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    space: DesignSpace | None = None,
) -> list[Plan | None]:
    """The plan of ``rtocalc.cheapest(w, requirements, ...)`` for every workload ``w``.

    The search is that of :func:`rtocalc.optimize._search` (objective ``"outlay"``), run
    for all workloads side by side: each workload keeps its own candidate order (by its
    own lower bound) and its own batch size, and every round evaluates the current
    batches of all workloads not yet settled in one call of
    :func:`rtocalc.space.evaluate_space`, one workload per row. None where no design
    meets the ask (call :func:`rtocalc.cheapest` for the reasons).
    """
    space = space if space is not None else build_space(catalog, requirements.retention)
    ret = requirements.retention
    keep = np.ones(len(space), bool)
    if requirements.offsite:
        keep &= has_offsite(space, catalog, ret)
    if requirements.immutable:
        keep &= has_immutable(space, catalog, ret)
    cand0 = np.flatnonzero(keep)
    i_max = np.full(len(space), HOURS_PER_DAY)
    bounds, cands = [], []
    for w in workloads:
        bound = row_costs(space, i_max, w, ret, catalog).outlay
        bounds.append(bound)
        cands.append(cand0[np.lexsort((cand0, bound[cand0]))])
    columns = WorkloadColumns.of(workloads)
    k = {i: min(len(cand0), _FIRST_BATCH) for i in range(len(workloads)) if len(cand0)}
    found: list[Plan | None] = [None] * len(workloads)
    while k:
        active = sorted(k)
        blocks = [np.sort(cands[i][: k[i]]) for i in active]
        rows = np.concatenate(blocks)
        owner = np.repeat(np.asarray(active, dtype=np.int64), [len(b) for b in blocks])
        ev = evaluate_space(space.take(rows), columns.take(owner), requirements, impact, catalog)
        start = 0
        for i, block in zip(active, blocks, strict=True):
            sl = np.arange(start, start + len(block))
            start += len(block)
            done = k[i] == len(cands[i])
            feasible = ev.feasible[sl]
            if feasible.any():
                # optimize.order on the block: outlay, worst RTO, worst RPO, outlay, row order
                outlay = ev.outlay[sl]
                ranked = np.lexsort(
                    (np.arange(len(sl)), outlay, ev.worst_rpo[sl], ev.worst_rto[sl], outlay)
                )
                best = int(ranked[feasible[ranked]][0])
                cost = float(outlay[best])
                if done or bounds[i][cands[i][k[i]]] > cost * (1 + 1e-12) + 1e-9:
                    one = take_rows(ev, np.array([sl[best]]))
                    found[i] = make_plan(one, 0, workloads[i], requirements, impact, catalog)
                    del k[i]
                    continue
            if done:
                del k[i]  # nothing feasible
            else:
                k[i] = min(len(cands[i]), 4 * k[i])
    return found

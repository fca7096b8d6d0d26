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

from ._search import Job, bound, search
from .models import BusinessImpact, Catalog, Design, Requirements, Workload
from .optimize import make_plan
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
    space_of,
)


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

    One job of :func:`rtocalc._search.search` per workload (objective ``"outlay"``),
    searched side by side: every round evaluates the current batches of all workloads
    not yet settled in one call of :func:`rtocalc.space.evaluate_space`, one workload per
    row. None where no design meets the ask (call :func:`rtocalc.cheapest` for the
    reasons).
    """
    space = space if space is not None else build_space(catalog, requirements.retention)
    ret = requirements.retention
    jobs = [Job(w, requirements, bound(space, w, ret, catalog)) for w in workloads]
    found = search(space, jobs, impact, catalog)
    return [
        None if f.best is None else make_plan(*f.best, w, requirements, impact, catalog)
        for f, w in zip(found, workloads, strict=True)
    ]

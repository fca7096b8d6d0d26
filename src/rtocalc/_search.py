"""The exact search of a design space: one ask, or many side by side.

Internal module: :func:`rtocalc.cheapest`, the cost curves and negotiation
(:mod:`rtocalc.tradeoff`) and the policy fixes (:mod:`rtocalc._batch`) all call
:func:`search`, so there is one search with one stopping rule.

A *job* is one exact minimum: a workload, an ask (its per-scenario RPO and RTO limits
may be replaced, as a cost curve's steps replace the RTO), and the rows that may be
feasible. Outlay never rises with the backup interval, so each row's outlay at the
longest interval (:func:`bound`) is a lower bound of its outlay (and of its TCO, since
expected losses are >= 0) at any interval the ask solves for. Each job takes its rows
in the order of that bound, in growing disjoint batches (512, then up to 2,048, 8,192,
... rows in all; a job with a tighter bound may start smaller), until the best feasible
objective it has found is below the bound of every row it has not evaluated: the rows
left cannot win, not even a tie. Every round evaluates the current batches of all
unsettled jobs in one call of :func:`rtocalc.space.evaluate_space`: one row per (job,
design), each row with its job's workload and limits. Every figure of a row depends on
that row alone, so a job's answer is the one a search of its own would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from .models import BusinessImpact, Catalog, Design, Requirements, Retention, Workload
from .space import (
    DesignSpace,
    Evaluation,
    FloatArray,
    IntArray,
    WorkloadColumns,
    build_space,
    detection_binds,
    evaluate_space,
    figures_of,
    has_immutable,
    has_offsite,
    row_costs,
    take_rows,
)
from .units import HOURS_PER_DAY, TOL

Objective = Literal["outlay", "tco"]

#: rows in each job's first batch; later batches grow fourfold
FIRST_BATCH = 512


@dataclass(frozen=True)
class Bound:
    """Each row's outlay lower bound, from which the search takes rows in (outlay, row)
    order (:class:`Ranking`)."""

    #: outlay at the longest backup interval, 24 h [currency/month], per row
    outlay: FloatArray


def bound(space: DesignSpace, workload: Workload, retention: Retention, catalog: Catalog) -> Bound:
    """Each row's outlay at the longest backup interval, 24 h.

    Outlay never rises with the interval, and no interval is longer, so this is a lower
    bound of each row's outlay (and TCO) at any interval the ask may solve for. It does
    not depend on the ask, so it is remembered for the last few (space, workload,
    retention, catalog), as the kernel remembers a workload's figures: another ask of the
    same workload (a planning tool's next question) does not compute it again.
    """

    def compute() -> Bound:
        i_max = np.full(len(space), HOURS_PER_DAY)
        outlay = row_costs(space, i_max, workload, retention, catalog).outlay
        outlay.flags.writeable = False  # shared by the calls that remember it
        return Bound(outlay)

    objects = (space, workload, retention, catalog)
    return figures_of(("bound", *map(id, objects)), objects, compute)  # type: ignore[no-any-return]


class Ranking:
    """The candidate rows of a search in the order it takes them: by (outlay bound, row).

    The search usually stops after its first batch or two, so only the prefix it reaches
    is sorted: :meth:`upto` selects the ``m`` least bounds with a partition (linear in the
    candidates) and sorts those alone, instead of sorting every row of the space on
    every call. Rows tied with the ``m``-th bound are all selected before sorting, so the
    prefix is the one a full sort by (bound, row) gives.
    """

    def __init__(self, outlay: FloatArray, rows: IntArray) -> None:
        self._outlay = outlay
        self._rows = rows  # the candidates, ascending
        self._prefix: IntArray = rows[:0]

    def __len__(self) -> int:
        return len(self._rows)

    def upto(self, m: int) -> IntArray:
        """The first ``m`` candidates in order (all of them when ``m`` exceeds their number)."""
        m = min(m, len(self._rows))
        if m > len(self._prefix):
            self._prefix = self._first(min(len(self._rows), max(m + 1, 4 * len(self._prefix))))
        return self._prefix[:m]

    def _first(self, m: int) -> IntArray:
        rows, value = self._rows, self._outlay[self._rows]
        if m < len(rows):
            kth = np.partition(value, m - 1)[m - 1]
            if not np.isnan(kth):  # NaN sorts last: then every row is needed
                keep = value <= kth
                rows, value = rows[keep], value[keep]
        # rows ascending: a stable sort by bound breaks ties by row, as (bound, row) does
        return rows[np.argsort(value, kind="stable")[:m]]


def cannot_win(bound: float, best: float) -> bool:
    """The stopping rule: a row whose outlay lower bound is ``bound`` can neither beat
    nor tie the best objective found, ``best`` (both [currency/month]), beyond rounding
    (a relative 1e-12 and the model's tolerance :data:`rtocalc.units.TOL`)."""
    return bound > best * (1 + 1e-12) + TOL


def keys(ev: Evaluation, objective: Objective) -> tuple[FloatArray, ...]:
    """The keys of :func:`order` but the row, least significant first (as for
    :func:`numpy.lexsort`): outlay, worst RPO, worst RTO, objective."""
    primary = ev.outlay if objective == "outlay" else ev.tco
    return ev.outlay, ev.worst_rpo, ev.worst_rto, primary


def order(ev: Evaluation, objective: Objective) -> IntArray:
    """Row indices sorted by the documented key.

    Key: objective (outlay or TCO), then worst RTO, then worst RPO, then outlay, then
    row order (catalog order of target, scheme, off-site, long-term, replication, link,
    strategy).
    """
    k = keys(ev, objective)
    return np.lexsort((np.arange(len(k[0])), *k))


def first(ev: Evaluation, objective: Objective) -> int | None:
    """The feasible row that :func:`order` ranks first, or None when no row is feasible.

    Only the feasible rows with the least objective are sorted (all feasible rows if an
    objective is NaN, which sorts last): the key ends with the row, so their order among
    themselves is the one :func:`order` gives.
    """
    rows = np.flatnonzero(ev.feasible)
    if not rows.size:
        return None
    k = keys(ev, objective)
    primary = k[-1][rows]
    least = primary.min()
    if not np.isnan(least):
        rows = rows[primary == least]
    return int(rows[np.lexsort((rows, *(x[rows] for x in k)))[0]])


def scenario_limits(
    requirements: Requirements, impact: BusinessImpact
) -> tuple[FloatArray, FloatArray]:
    """The ask's RPO and RTO limits per scenario of ``impact`` [h] (``inf``: none)."""
    scopes = [x.scope for x in impact.scenarios]
    return (
        np.array([requirements.limit("rpo", s) for s in scopes], dtype=float),
        np.array([requirements.limit("rto", s) for s in scopes], dtype=float),
    )


@dataclass(frozen=True)
class Job:
    """One exact search: a workload, an ask, and the rows that may be feasible."""

    workload: Workload
    requirements: Requirements
    #: :func:`bound` of the space for this workload and the ask's retention
    bound: Bound
    #: rows the caller has proven infeasible are False (the answer is the same without)
    where: np.ndarray | None = None
    #: rows in the job's first batch: fewer where ``bound`` is close to the outlay itself
    #: (the best row is then among the first few, and a batch's rows cost time)
    first_batch: int = FIRST_BATCH


@dataclass(frozen=True)
class Searched:
    """What :func:`search` found for one job, and the rows it evaluated on the way."""

    #: the best row's evaluation (of its batch, with the job's limits) and its index
    #: there; None: no row is feasible
    best: tuple[Evaluation, int] | None
    #: rows of the space (sorted) and their evaluation at the ask (longest interval),
    #: each row in one batch only (kept when ``keep_batches``)
    evaluated: tuple[tuple[IntArray, Evaluation], ...]


def _winner(found: list[tuple[Evaluation, int, int]], objective: Objective) -> int:
    """Which of the batches' best rows :func:`order` ranks first over their union."""
    k = [np.array([keys(ev, objective)[i][row] for ev, row, _ in found]) for i in range(4)]
    return int(np.lexsort((np.array([here for _, _, here in found]), *k))[0])


def both_ends(
    ev: Evaluation,
    space: DesignSpace,
    workload: Workload | WorkloadColumns,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    limits: tuple[FloatArray, FloatArray] | None = None,
) -> Evaluation:
    """Evaluate each row at its longest and shortest feasible interval; keep the better TCO."""
    short = evaluate_space(
        space, workload, requirements, impact, catalog, interval_rule="shortest", limits=limits
    )
    n = len(space)
    twice = np.tile(np.arange(n), 2)
    both = replace(space.take(twice), interval=np.concatenate([ev.interval, short.interval]))
    load = workload.take(twice) if isinstance(workload, WorkloadColumns) else workload
    lim2 = None if limits is None else tuple(_tile_limits(x, twice) for x in limits)
    ev2 = evaluate_space(both, load, requirements, impact, catalog, limits=lim2)  # type: ignore[arg-type]
    key = np.where(ev2.feasible, ev2.tco, np.inf)
    pick = np.where(key[n:] < key[:n], np.arange(n) + n, np.arange(n))
    return take_rows(ev2, pick)


def _tile_limits(limit: FloatArray, rows: IntArray) -> FloatArray:
    return limit[:, rows] if limit.ndim == 2 else limit


def _own(
    ev: Evaluation,
    part: IntArray,
    jobs: int,
    limits: tuple[FloatArray, FloatArray],
    mixed: bool,
) -> Evaluation:
    """One job's rows of a shared evaluation, with that job's limits per scenario.

    A job's rows are one contiguous range of the shared evaluation, so they are taken as
    views of its columns (a slice), not copies: the evaluations are never written to.
    """
    rows = slice(int(part[0]), int(part[-1]) + 1) if part.size else slice(0, 0)
    mine = ev if jobs == 1 else take_rows(ev, rows)
    return replace(mine, rpo_limit=limits[0], rto_limit=limits[1]) if mixed else mine


def _group(jobs: Sequence[Job]) -> list[list[int]]:
    """Jobs that can share one evaluation: the same ask but for its RPO and RTO limits
    (which go per row), and the same workload or not (workload columns)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for j, job in enumerate(jobs):
        r = job.requirements
        key = (r.retention, r.offsite, r.immutable, r.incident)
        groups.setdefault(key, []).append(j)
    return list(groups.values())


def search(
    space: DesignSpace,
    jobs: Sequence[Job],
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective = "outlay",
    *,
    keep_batches: bool = False,
) -> list[Searched]:
    """The exact minimum of every job over ``space``, side by side (module docstring).

    Yes/no asks (off-site, immutable) are checked before any evaluation, and an RTO
    shorter than a scenario's detection time (:func:`rtocalc.space.detection_binds`)
    settles a job before it starts. The best row of a job is the first by :func:`order`
    among its feasible rows (ties broken by row index in ``space``).
    """
    out: list[Searched] = [Searched(None, ())] * len(jobs)
    for members in _group(jobs):
        for j, found in zip(
            members,
            _search_group(
                space, [jobs[j] for j in members], impact, catalog, objective, keep_batches
            ),
            strict=True,
        ):
            out[j] = found
    return out


def yes_no_rows(space: DesignSpace, requirements: Requirements, catalog: Catalog) -> np.ndarray:
    """Rows that meet the ask's yes/no parts (off-site, immutable), which no backup
    interval or RPO/RTO target changes: every other row is infeasible at any target."""
    ret = requirements.retention
    ok = np.ones(len(space), bool)
    if requirements.offsite:
        ok &= has_offsite(space, catalog, ret)
    if requirements.immutable:
        ok &= has_immutable(space, catalog, ret)
    return ok


def yes_no_space(
    space: DesignSpace, requirements: Requirements, catalog: Catalog
) -> tuple[IntArray, DesignSpace]:
    """The rows of :func:`yes_no_rows` and their sub-space, remembered by the space
    (:meth:`~rtocalc.space.DesignSpace.subset`): they depend on the yes/no asks alone."""
    rows, sub = space.subset(*_yes_no_key(space, requirements, catalog))
    assert sub is not None  # taken
    return rows, sub


def yes_no_mask(space: DesignSpace, requirements: Requirements, catalog: Catalog) -> np.ndarray:
    """:func:`yes_no_rows` from the rows the space remembers (no sub-space taken)."""
    rows, _ = space.subset(*_yes_no_key(space, requirements, catalog), take=False)
    mask = np.zeros(len(space), bool)
    mask[rows] = True
    return mask


def _yes_no_key(
    space: DesignSpace, requirements: Requirements, catalog: Catalog
) -> tuple[tuple[Any, ...], tuple[Any, ...], Callable[[], IntArray]]:
    r = requirements
    return (
        ("yes_no", id(catalog), r.retention, r.offsite, r.immutable),
        (catalog,),
        lambda: np.flatnonzero(yes_no_rows(space, r, catalog)),
    )


def _search_group(
    space: DesignSpace,
    jobs: list[Job],
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective,
    keep_batches: bool,
) -> list[Searched]:
    base = jobs[0].requirements
    yes_no = yes_no_mask(space, base, catalog)
    limits = [scenario_limits(job.requirements, impact) for job in jobs]
    cand: dict[int, Ranking] = {}
    for j, job in enumerate(jobs):
        if detection_binds(job.requirements, impact, catalog):
            continue  # no design recovers before it notices
        keep = yes_no if job.where is None else yes_no & np.asarray(job.where, dtype=bool)
        cand[j] = Ranking(job.bound.outlay, np.flatnonzero(keep))  # by (bound, row)
    span = {j: (0, min(len(c), jobs[j].first_batch)) for j, c in cand.items() if len(c)}
    found: dict[int, list[tuple[Evaluation, int, int]]] = {j: [] for j in span}
    evaluated: dict[int, list[tuple[IntArray, Evaluation]]] = {j: [] for j in span}
    best: dict[int, tuple[Evaluation, int]] = {}
    same_workload = all(job.workload is jobs[0].workload for job in jobs)
    same_limits = all(
        np.array_equal(lim[0], limits[0][0]) and np.array_equal(lim[1], limits[0][1])
        for lim in limits
    )
    columns = None if same_workload else WorkloadColumns.of([job.workload for job in jobs])

    def evaluate(active: list[int]) -> None:
        """One evaluation of the current batches of ``active``, and each job's verdict."""
        blocks = [np.sort(cand[j].upto(span[j][1])[span[j][0] :]) for j in active]
        rows = np.concatenate(blocks)
        owner = np.repeat(np.asarray(active, dtype=np.int64), [len(b) for b in blocks])
        sub = space.take(rows)
        load: Workload | WorkloadColumns = (
            jobs[0].workload if columns is None else columns.take(owner)
        )
        mixed = not same_limits and len(active) > 1
        if not mixed:
            lim = limits[active[0]]
        else:
            at = np.searchsorted(active, owner)
            lim = (
                np.stack([limits[j][0] for j in active], axis=1)[:, at],
                np.stack([limits[j][1] for j in active], axis=1)[:, at],
            )
        ev = evaluate_space(sub, load, base, impact, catalog, limits=lim)
        # the tco objective ranks each row at the better of its two interval ends; the
        # batches kept are the evaluation at the ask (longest interval), for the reasons
        at_best = both_ends(ev, sub, load, base, impact, catalog, lim) if objective == "tco" else ev
        start = 0
        for j, block in zip(active, blocks, strict=True):
            part = np.arange(start, start + len(block))
            start += len(block)
            if keep_batches:
                evaluated[j].append((block, _own(ev, part, len(active), limits[j], mixed)))
            mine = _own(at_best, part, len(active), limits[j], mixed)
            row = first(mine, objective)
            if row is not None:
                found[j].append((mine, row, int(block[row])))
            hi = span[j][1]
            if found[j]:
                ev_j, row_j, _ = found[j][_winner(found[j], objective)]
                top = float(keys(ev_j, objective)[-1][row_j])
                if hi == len(cand[j]) or cannot_win(
                    float(jobs[j].bound.outlay[cand[j].upto(hi + 1)[hi]]), top
                ):
                    best[j] = (ev_j, row_j)
                    del span[j]
                    continue
            if hi == len(cand[j]):
                del span[j]  # nothing feasible
            else:
                span[j] = (hi, min(len(cand[j]), 4 * hi))

    while span:
        # first batches side by side (an evaluation's fixed cost dominates small
        # batches); a larger batch alone, where the ask's figures per catalog choice
        # are computed once for the ask rather than once per row
        small = [j for j in sorted(span) if span[j][0] == 0]
        if small:
            evaluate(small)
        for j in sorted(span):
            if j not in small:
                evaluate([j])
    return [Searched(best.get(j), tuple(evaluated.get(j, ()))) for j in range(len(jobs))]


def cheapest_design(
    workload: Workload, requirements: Requirements, impact: BusinessImpact, catalog: Catalog
) -> Design | None:
    """The design of least outlay that meets the ask (with its interval), or None.

    The design :func:`rtocalc.cheapest` chooses for these inputs (objective ``"outlay"``),
    without building its :class:`~rtocalc.Plan` or explaining infeasibility: the robust
    search (:mod:`rtocalc.uncertainty`) needs the design at the median inputs only, and
    this keeps it below :mod:`rtocalc.optimize` in the layers.
    """
    space = build_space(catalog, requirements.retention, database=workload.kind == "database")
    job = Job(workload, requirements, bound(space, workload, requirements.retention, catalog))
    found = search(space, [job], impact, catalog, "outlay")[0].best
    if found is None:
        return None
    ev, row = found
    return ev.space.design(row, float(ev.interval[row]))

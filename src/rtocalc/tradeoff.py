"""Trade-offs: the Pareto frontier over (cost, RTO, RPO) and cost curves along one target.

Both are computed from the same numpy columns as :func:`rtocalc.cheapest` (one broadcast
evaluation of the design space, no per-design Python loop) and only gather what the
optimiser already computes: they add no model of their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ._renamed import renamed
from ._render import Column, Document, Table, describe_design
from ._search import Bound as _Bound
from ._search import Job, search, yes_no_mask, yes_no_space
from ._search import bound as _bound
from ._space_kernel import solved_intervals
from .models import SCOPES, BusinessImpact, Catalog, Design, Requirements, Retention, Workload
from .optimize import (
    OPEN_LIMIT,
    cheapest_plan,
    check_type,
    make_plan,
    with_defaults,
)
from .results import Plan, ResultModel, csv_text
from .space import (
    INTERVAL_DEPENDENT,
    DesignSpace,
    Evaluation,
    IntArray,
    Path,
    build_space,
    check_interval,
    evaluate_space,
    row_costs,
)
from .units import TOL, parse_money

__all__ = ["CostCurve", "CostStep", "Frontier", "cost_curve", "frontier"]

#: the design's variables, in the DataFrame only (the text shows the design in words)
_DESIGN_COLUMNS = (
    Column("interval", "interval", "hours", show=False),
    Column("scheme", "scheme", show=False),
    Column("target", "target", show=False),
    Column("offsite", "off-site copy", show=False),
    Column("longterm", "long-term target", show=False),
    Column("replication", "replication", show=False),
    Column("link", "link", show=False),
    Column("strategy", "strategy", show=False),
)


def _design_values(plan: Plan) -> tuple[Any, ...]:
    d = plan.design
    return (
        d.interval, d.scheme, d.target, d.offsite, d.longterm, d.replication, d.link,
        d.strategy,
    )  # fmt: skip


#: Backup intervals the frontier tries for every design [h]: schedules people run.
DEFAULT_INTERVALS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0)
KNEE_FACTOR = 1.5  # default cost ratio that makes a knee of a cost curve [-]


def scopes_in(requirements: Requirements, metric: str | None = None) -> list[str]:
    """Scopes the ask limits on ``metric`` ("rpo", "rto", or either when None); every
    scope when the ask gives one value for all, or no limit at all."""
    keys: set[str] = set()
    for name in ("rpo", "rto") if metric is None else (metric,):
        value = getattr(requirements, name)
        if not isinstance(value, dict):
            return list(SCOPES)
        keys |= set(value)
    return [s for s in SCOPES if s in keys] or list(SCOPES)


def _relaxed(requirements: Requirements, *, rpo: bool, rto: bool) -> Requirements:
    """The ask with its RPO and/or RTO limits lifted (scopes kept in scope)."""
    update: dict[str, Any] = {}
    if rpo:
        update["rpo"] = dict.fromkeys(scopes_in(requirements, "rpo"), OPEN_LIMIT)
    if rto:
        update["rto"] = dict.fromkeys(scopes_in(requirements, "rto"), OPEN_LIMIT)
        update["mtd"] = None
    return requirements.model_copy(update=update)


def pareto_mask(cost: np.ndarray, rto: np.ndarray, rpo: np.ndarray) -> np.ndarray:
    """Points no other point beats on all of (cost, RTO, RPO); duplicates kept once.

    Points are sorted by cost (ties by RTO, RPO, then index); a point is kept when no
    point before it has RTO and RPO both at most its own. Small fronts are peeled: the
    first remaining point is kept and every point it dominates dropped, one vectorised
    pass per front point. After :data:`_PEEL` front points the rest is checked in
    vectorised blocks (256 points, doubling up to 4,096): against the staircase (the
    (RTO, RPO) front) of the points kept so far by binary search, then within the block
    among the points that pass.
    """
    order = np.lexsort((rpo, rto, cost))  # stable: full ties stay in index order
    a, b = rto[order], rpo[order]
    rest = np.arange(len(order))  # positions in sorted order not yet settled
    peeled: list[int] = []
    while rest.size and len(peeled) < _PEEL:
        i = int(rest[0])  # no earlier point dominates it: those are dropped or kept
        peeled.append(i)
        rest = rest[1:]
        rest = rest[(a[rest] < a[i]) | (b[rest] < b[i])]
    kept = [np.asarray(peeled, dtype=np.int64)]
    # staircase of the points kept so far: RTO ascending, RPO strictly descending; a point
    # is dominated by a kept one iff the last step at or below its RTO has RPO <= its own
    stair_a, stair_b = _staircase(a[kept[0]], b[kept[0]])
    start, block = 0, 256
    while start < len(rest):
        pos = rest[start : start + block]
        ab, bb = a[pos], b[pos]
        dom = np.zeros(len(ab), bool)
        if stair_a.size:
            step = np.searchsorted(stair_a, ab, side="right") - 1
            dom = (step >= 0) & (stair_b[np.maximum(step, 0)] <= bb)
        cand = np.flatnonzero(~dom)
        ca, cb = ab[cand], bb[cand]
        earlier = np.arange(len(cand))[None, :] < np.arange(len(cand))[:, None]
        within = ((ca[None, :] <= ca[:, None]) & (cb[None, :] <= cb[:, None]) & earlier).any(1)
        new = cand[~within]
        if new.size:
            kept.append(pos[new])
            stair_a, stair_b = _staircase(
                np.concatenate([stair_a, ab[new]]), np.concatenate([stair_b, bb[new]])
            )
        # few points of a later block pass the staircase: larger blocks, fewer rounds
        start, block = start + block, min(2 * block, 4096)
    mask = np.zeros(len(cost), bool)
    mask[order[np.concatenate(kept)]] = True
    return mask


#: front points :func:`pareto_mask` peels one at a time before checking in blocks
_PEEL = 8


def _staircase(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of (a, b) that no other has both at most, one per value: a ascending,
    b strictly descending."""
    if a.size == 0:
        return a, b
    o = np.lexsort((b, a))
    a, b = a[o], b[o]
    lowest = np.minimum.accumulate(b)
    step = np.concatenate([[True], b[1:] < lowest[:-1]])
    return a[step], b[step]


class Frontier(ResultModel):
    """Pareto-optimal plans over (monthly cost, worst RTO, worst RPO), cheapest first.

    Iterating yields the :class:`Plan` of each point; :attr:`cost`, :attr:`rto` and
    :attr:`rpo` are numpy arrays for plotting; :meth:`to_csv`, :meth:`to_dataframe` and
    ``model_dump_json()`` export it.
    """

    plans: tuple[Plan, ...] = Field(description="Pareto-optimal plans, by monthly cost.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    intervals: tuple[float, ...] = Field(description="Backup intervals tried per design [h].")
    space_size: int = Field(description="Designs in the space [-].")

    def __iter__(self) -> Iterator[Plan]:  # type: ignore[override]
        return iter(self.plans)

    def __len__(self) -> int:
        return len(self.plans)

    @property
    def monthly_cost(self) -> np.ndarray:
        """Monthly outlay of each point, its plan's ``monthly_cost`` [currency/month]."""
        return np.array([p.monthly_cost for p in self.plans])

    @property
    def cost(self) -> np.ndarray:
        """Deprecated name of :attr:`monthly_cost`; removed in the next release."""
        return np.asarray(renamed(self, "cost", "monthly_cost"))

    @property
    def rto(self) -> np.ndarray:
        """Worst RTO over the scenarios in scope of each point [h]."""
        return np.array([p.rto for p in self.plans])

    @property
    def rpo(self) -> np.ndarray:
        """Worst RPO over the scenarios in scope of each point [h]."""
        return np.array([p.rpo for p in self.plans])

    def _document_(self) -> Document:
        columns = (
            Column("monthly_cost", "per month", "money"),
            Column("rto", "RTO", "hours"),
            Column("rpo", "RPO", "hours"),
            *_DESIGN_COLUMNS,
            Column("design", "design"),
        )
        rows = tuple(
            (
                p.monthly_cost, p.rto, p.rpo, *_design_values(p),
                describe_design(p.design, None, p.chain_offsite),
            )
            for p in self.plans
        )
        title = f"{len(self.plans)} Pareto-optimal designs over cost, RTO and RPO (worst case):"
        return Document("", (Table(columns, rows, title),), self.currency)

    def to_csv(self) -> str:
        """The points as CSV text (one row per point, header first; the header alone
        when no point fits)."""
        if not self.plans:  # the columns of rows(), so that readers see the schema
            head = [f"monthly_cost_{self.currency}", "rto_h", "rpo_h", *Design.model_fields]
            return ",".join(head) + "\n"
        return csv_text(self.rows())


def frontier(
    workload: Workload,
    requirements: Requirements | None = None,
    *,
    impact: BusinessImpact | None = None,
    catalog: Catalog | None = None,
    intervals: Sequence[float] = DEFAULT_INTERVALS,
    max_cost: float | str | None = None,
) -> Frontier:
    """The Pareto-optimal designs over (monthly cost, worst RTO, worst RPO).

    Parameters
    ----------
    workload : Workload
        The protected system.
    requirements : Requirements, optional
        Its retention, off-site and immutable asks bind; its RPO and RTO limits do not
        (they are the axes), but the scopes they name decide which scenarios count for
        the worst case. Default: 14 daily points, every scope.
    impact : BusinessImpact, optional
        Scenarios (and costs, for the plans' expected losses).
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    intervals : sequence of float, default (15 min, 30 min, 1, 2, 4, 8, 12, 24 h)
        Backup intervals tried for every design [h], none shorter than the catalog's
        shortest schedule (``[schedules] backup``); with ``requirements``, each design
        is also tried at the schedule that the ask solves for it.
    max_cost : float or str, optional
        Keep only points costing at most this [currency/month], a number or a money
        text in the catalog's currency (``"$500/mo"``); designs whose outlay
        lower bound exceeds it are not evaluated at all (fast when a budget is tight).

    Returns
    -------
    Frontier

    Notes
    -----
    Every design is evaluated at every interval in one broadcast evaluation; a point is
    Pareto-optimal when no other is at most as expensive, at most as slow to recover and
    at most as lossy, and better in one (exact duplicates are kept once).

    Examples
    --------
    >>> from rtocalc import Workload, frontier
    >>> f = frontier(Workload(data_size="2 TB"))
    >>> bool((np.diff(f.monthly_cost) >= 0).all()), len(f) > 3
    (True, True)
    """
    check_type("workload", workload, Workload)
    impact, catalog = with_defaults(impact, catalog)
    req = requirements if requirements is not None else Requirements(rpo={}, rto={})
    check_type("requirements", req, Requirements)
    grid = interval_grid(intervals)
    check_interval(catalog, "intervals", float(grid[0]))
    cap = None if max_cost is None else parse_money(max_cost, "max_cost", currency=catalog.currency)
    space = build_space(catalog, req.retention, database=workload.kind == "database")
    ev, points = frontier_points(
        space, workload, req, impact, catalog, grid, cap, asked=requirements is not None
    )
    plans = tuple(make_plan(ev, int(i), workload, None, impact, catalog) for i in points)
    return Frontier(
        plans=plans, currency=catalog.currency, intervals=tuple(grid), space_size=len(space)
    )


def interval_grid(intervals: Sequence[float]) -> np.ndarray:
    """The distinct backup intervals of the frontier, ascending (checked) [h]."""
    grid = np.asarray(sorted({float(i) for i in intervals}), dtype=float)
    if grid.size == 0 or not np.all(np.isfinite(grid)) or grid.min() <= 0:
        raise ValueError(
            f"intervals: {list(intervals)!r} must be positive durations in hours; "
            "use e.g. (0.25, 1, 4, 24)"
        )
    return grid


def frontier_points(
    space: DesignSpace,
    workload: Workload,
    req: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    grid: np.ndarray,
    max_cost: float | None,
    *,
    asked: bool,
    bound: _Bound | None = None,
    evaluated: Sequence[tuple[IntArray, Evaluation]] = (),
) -> tuple[Evaluation, IntArray]:
    """The evaluation behind :func:`frontier` and its points, before any plan is built.

    Parameters
    ----------
    space : DesignSpace
        ``build_space(catalog, req.retention)``.
    workload, impact, catalog
        As for :func:`frontier` (defaults applied).
    req : Requirements
        The ask (its retention, off-site and immutable asks bind; RPO and RTO are axes).
    grid : ndarray
        :func:`interval_grid` of the intervals.
    max_cost : float or None
        As for :func:`frontier`.
    asked : bool
        Also try each design at the interval that ``req`` solves for it.
    bound : _Bound, optional
        :func:`rtocalc.optimize._bound` of ``space``, when the caller has it.
    evaluated : sequence of (rows, Evaluation), optional
        Rows of ``space`` already evaluated at ``req``: their solved intervals (and link
        checks) are reused.

    Returns
    -------
    ev : Evaluation
        Of the (design, interval) pairs tried.
    points : ndarray of int
        Rows of ``ev`` on the frontier, by (cost, RTO, RPO, row).

    Notes
    -----
    Designs that fail the off-site or immutable ask, whose outlay lower bound exceeds
    ``max_cost``, or (with ``asked``) whose link cannot carry their traffic, are
    infeasible (or too dear) at every interval, so they are not evaluated; the pairs left
    keep their order, so the points are the same.
    """
    open_req = _relaxed(req, rpo=True, rto=True)
    keep = yes_no_mask(space, req, catalog)  # the off-site and immutable asks
    if max_cost is not None:
        bound = bound if bound is not None else _bound(space, workload, req.retention, catalog)
        keep &= bound.outlay <= max_cost + TOL
    designs = np.flatnonzero(keep)
    if asked:
        # each design also at the interval the ask itself solves for, so that the
        # cheapest design for the ask is on (or dominated within) the frontier; a design
        # whose traffic exceeds its link fails at every interval (the traffic is a daily
        # average: it does not depend on the interval)
        solved, link_ok = _asked(space, designs, workload, req, impact, catalog, evaluated)
        designs, solved = designs[link_ok], solved[link_ok]
    rows = np.repeat(designs, grid.size)
    intervals_col = np.tile(grid, len(designs))
    if asked:
        rows = np.concatenate([rows, designs])
        intervals_col = np.concatenate([intervals_col, solved])
    big = replace(space.take(rows), interval=intervals_col)
    ev = evaluate_space(big, workload, open_req, impact, catalog)
    ok = ev.feasible & np.isfinite(ev.worst_rpo) & np.isfinite(ev.worst_rto)
    if max_cost is not None:
        ok &= ev.outlay <= max_cost + TOL
    cand = np.flatnonzero(ok)
    mask = pareto_mask(ev.outlay[cand], ev.worst_rto[cand], ev.worst_rpo[cand])
    points = cand[mask]
    points = points[
        np.lexsort((points, ev.worst_rpo[points], ev.worst_rto[points], ev.outlay[points]))
    ]
    return ev, points


def _asked(
    space: DesignSpace,
    rows: IntArray,
    workload: Workload,
    req: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    evaluated: Sequence[tuple[IntArray, Evaluation]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``rows``, the backup interval that ``req`` solves for it [h] and
    whether its link carries its traffic; rows already in ``evaluated`` (evaluations at
    ``req``) are not evaluated again."""
    interval = np.full(len(space), np.nan)
    link_ok = np.zeros(len(space), bool)
    known = np.zeros(len(space), bool)
    for done, ev in evaluated:
        interval[done], link_ok[done], known[done] = ev.interval, ev.link_ok, True
    todo = rows[~known[rows]]
    if todo.size:  # the intervals and links only
        interval[todo], link_ok[todo] = solved_intervals(
            space.take(todo), workload, req, impact, catalog
        )
    return interval[rows], link_ok[rows]


# --- cost curves ---------------------------------------------------------------------------


class CostStep(ResultModel):
    """One step of a cost curve: the cheapest design while the target is in a range."""

    target: float = Field(description="Tightest target of the step [h or days of retention].")
    looser_than: float | None = Field(
        description="The step holds for targets from `target` up to (excluding) this one."
    )
    monthly_cost: float = Field(description="Cheapest outlay on the step [currency/month].")
    plan: Plan = Field(description="The cheapest plan on the step.")

    def _document_(self) -> Document:
        doc = self.plan._document_()
        cost = Column("", "", "money").cell(self.monthly_cost, doc.currency)
        return Document(f"From {self.target:g}: {cost}", doc.blocks, doc.currency)


class CostCurve(ResultModel):
    """The cheapest monthly cost as one target of the ask moves, the others held.

    ``steps`` run from the tightest target to the loosest; the cost never rises as the
    target relaxes. ``knees`` are the targets where tightening one step more costs at
    least ``knee_factor`` times the step before.
    """

    axis: Literal["rto", "rpo", "retention"] = Field(description="The target that moves.")
    unit: str = Field(description="Unit of the targets: 'h' or 'days'.")
    steps: tuple[CostStep, ...] = Field(description="Steps, tightest target first.")
    knees: tuple[float, ...] = Field(description="Targets where the cost jumps [unit].")
    knee_factor: float = Field(description="Cost ratio that makes a knee [-].")
    ask: float | None = Field(description="The ask's own value on this axis [unit].")
    budget: float | None = Field(description="The ask's budget [currency/month].")
    currency: str = Field(description="ISO 4217 code of every amount.")
    infeasible_below: float | None = Field(
        description=(
            "The loosest target searched that no design meets [unit]: no design meets "
            "it or any tighter target. None when every target searched is met."
        )
    )

    @property
    def targets(self) -> np.ndarray:
        """Tightest target of every step [unit]."""
        return np.array([s.target for s in self.steps])

    @property
    def monthly_cost(self) -> np.ndarray:
        """Monthly cost of every step, its ``monthly_cost`` [currency/month]."""
        return np.array([s.monthly_cost for s in self.steps])

    @property
    def costs(self) -> np.ndarray:
        """Deprecated name of :attr:`monthly_cost`; removed in the next release."""
        return np.asarray(renamed(self, "costs", "monthly_cost"))

    def _document_(self) -> Document:
        days = self.unit == "days"
        kind: Any = "days" if days else "hours"
        columns = (
            Column("target", f"{self.axis.upper()} target", kind, infinite="-"),
            Column("looser_than", "looser than", kind, infinite="-", show=False),
            Column("monthly_cost", "cheapest per month", "money"),
            Column("knee", "", "flag", words=("knee", "")),
            Column("rto", "RTO", "hours", show=False),
            Column("rpo", "RPO", "hours", show=False),
            *_DESIGN_COLUMNS,
            Column("design", "design"),
        )
        rows = tuple(
            (
                st.target, st.looser_than, st.monthly_cost, st.target in self.knees,
                st.plan.rto, st.plan.rpo, *_design_values(st.plan),
                describe_design(st.plan.design, None, st.plan.chain_offsite),
            )
            for st in self.steps
        )  # fmt: skip
        title = f"Cheapest monthly cost as the {self.axis.upper()} target moves ({self.unit}):"
        return Document("", (Table(columns, rows, title),), self.currency)

    def cost_at(self, target: float) -> float:
        """Monthly cost of the cheapest step that meets ``target`` [currency/month].

        A step meets every target at least as loose as its own. The answer is exact at
        each step's target and an upper bound between them: along RPO (and retention) a
        design's interval, and so its cost, moves with the target, so a target between
        two steps may be met for a little less than the tighter step costs (cents on the
        default example); search it (:func:`rtocalc.cheapest`, or ``targets=``) for the
        exact figure.

        Parameters
        ----------
        target : float
            A target on this axis [unit].

        Returns
        -------
        float
            The cost [currency/month]; ``inf`` when the target is at least as tight as
            :attr:`infeasible_below` (no design meets it).

        Raises
        ------
        ValueError
            When the target is tighter than every step but looser than
            :attr:`infeasible_below` (or there is none): the curve does not know whether
            a design meets it.
        """
        sign = -1.0 if self.axis == "retention" else 1.0  # more days is tighter

        def tighter(a: float, b: float) -> bool:
            """Whether target ``a`` is at least as tight as ``b``."""
            return sign * a <= sign * b + 1e-12

        best = math.inf
        for s in self.steps:
            if tighter(s.target, target):
                best = min(best, s.monthly_cost)
        if math.isfinite(best):
            return best
        known = self.infeasible_below
        if known is not None and tighter(target, known):
            return math.inf
        first = f"{self.steps[0].target:g} {self.unit}" if self.steps else "no target"
        below = "nothing" if known is None else f"{known:g} {self.unit}"
        raise ValueError(
            f"target: {target:g} {self.unit} is tighter than every step (the tightest met: "
            f"{first}) and looser than the loosest target met by none ({below}); search it "
            "with rtocalc.cheapest() or cost_curve(targets=[...])"
        )


def _path_rtos(ev: Evaluation, scope_mask: np.ndarray) -> dict[Path, np.ndarray]:
    """Each path's RTO in the scenarios in scope, shape (S in scope, N) [h]: what
    :func:`_rto_need` and :func:`_rto_floor` both read, computed once."""
    s = np.flatnonzero(scope_mask)
    return {p: ev.rto_of(p, s) for p in Path}


def _rto_need(
    ev: Evaluation, scope_mask: np.ndarray, rtos: dict[Path, np.ndarray] | None = None
) -> np.ndarray:
    """Per row, the RTO target it can meet: worst over scenarios in scope of the fastest
    surviving path that meets the RPO limit (``rtos``: :func:`_path_rtos`, if at hand)."""
    # only the scenarios in scope: the others count as 0 in the maximum
    s = np.flatnonzero(scope_mask)
    if not s.size:
        return np.zeros(len(ev.space))
    rtos = _path_rtos(ev, scope_mask) if rtos is None else rtos
    limit = ev.rpo_limit[s, None] + TOL
    fastest = np.full((len(s), len(ev.space)), np.inf)  # (S in scope, N)
    for p in Path:
        ok = ev.paths.alive[p][s] & (ev.rpo_rows[p] <= limit)
        # a selection, then a plain minimum: a masked minimum branches on each element
        # (twice the time on rows whose masks alternate); the same values either way
        np.minimum(fastest, np.where(ok, rtos[p], np.inf), out=fastest)
    return np.asarray(fastest.max(axis=0, initial=0.0), dtype=float)


#: Relative margin (at least 1e-6 h) by which an RTO target may undercut a row's
#: :func:`_rto_floor` before the row is ruled out: far above rounding, far below any target
#: that matters.
_FLOOR_SLACK = 1e-6


def _rto_floor(
    ev: Evaluation,
    workload: Workload,
    scope_mask: np.ndarray,
    rtos: dict[Path, np.ndarray] | None = None,
) -> np.ndarray:
    """Per row, a lower bound of every RTO target it can meet, at any backup interval [h].

    Parameters
    ----------
    ev : Evaluation
        Of the rows, at any requirements and intervals: only what does not depend on
        them is read (which copies survive, failover times, restore throughputs).
    workload : Workload
        The workload ``ev`` was evaluated for.
    scope_mask : ndarray of bool
        Scenarios whose RTO limit is the target, shape (S,).
    rtos : dict, optional
        :func:`_path_rtos` of ``ev`` and ``scope_mask``, when the caller has them: the
        paths whose RTO does not depend on the interval take their floor from there.

    Returns
    -------
    ndarray
        Worst over the scenarios in scope of the fastest surviving path, each path at the
        least RTO it can have: failover as evaluated (it does not depend on the interval),
        a restore without its chain replay (:func:`rtocalc.space.path_rto`: detection,
        decision, provisioning, retrieval delay and moving the scenario's share of the
        data, or instant recovery; the replay only adds). ``inf``
        where a scenario in scope has no surviving copy.

    Notes
    -----
    A row whose floor exceeds a target by more than :data:`_FLOOR_SLACK` meets that
    target at no interval, so an exact search may skip it.
    """
    x = ev.paths
    s = np.flatnonzero(scope_mask)
    alive = x.alive[:, s, :]  # (P, S in scope, N)
    fastest = np.full(alive.shape[1:], np.inf)
    for p in Path:
        # without its chain replay (the interval's part); the other paths' RTOs have none
        floor = (
            rtos[p]
            if rtos is not None and p not in INTERVAL_DEPENDENT
            else ev.rto_of(p, s, replay=False)
        )
        np.minimum(fastest, np.where(alive[p], floor, np.inf), out=fastest)  # (_rto_need)
    return np.asarray(fastest.max(axis=0, initial=0.0), dtype=float)


def _rto_relaxed(requirements: Requirements, scopes: Sequence[str]) -> Requirements:
    """The ask with the RTO of ``scopes`` lifted (and ``mtd`` dropped); the other scopes
    keep their effective limits."""
    held = {
        s: requirements.limit("rto", s)
        for s in scopes_in(requirements, "rto")
        if s not in scopes and math.isfinite(requirements.limit("rto", s))
    }
    return requirements.model_copy(
        update={"rto": {**held, **dict.fromkeys(scopes, OPEN_LIMIT)}, "mtd": None}
    )


def _rto_candidates(
    ev: Evaluation,
    scope_mask: np.ndarray,
    ask: float,
    *,
    round_values: bool = True,
    rtos: dict[Path, np.ndarray] | None = None,
) -> list[float]:
    """RTO targets where the cheapest design may change, from one evaluation.

    ``ev`` is the evaluation of the space at :func:`_rto_relaxed` of the ask (the RTO of
    the moving scopes, ``scope_mask``, lifted); the RTO each design can meet
    (:func:`_rto_need`) at that interval, for the designs that are cheapest for some
    target (a running minimum of cost over designs sorted by that RTO), are the
    candidate breakpoints. Each is then checked by an exact search, so a breakpoint that
    the one evaluation misplaces costs precision of the steps, never correctness.
    """
    need = _rto_need(ev, scope_mask, rtos)
    # a design infeasible for the lifted ask (it breaks a held limit, the window, the
    # link, the off-site or immutable ask) is infeasible at every target: it must not
    # enter the running minimum, where it would hide the breakpoints of dearer designs
    cand = np.flatnonzero(ev.feasible & np.isfinite(need))
    found: set[float] = {5 / 60, 0.25, 1.0, 4.0, 24.0, 72.0, 168.0} if round_values else set()
    if math.isfinite(ask):
        found.add(ask)
    if cand.size:
        by_need = cand[np.argsort(need[cand], kind="stable")]
        running = np.minimum.accumulate(ev.outlay[by_need])
        new_min = np.concatenate([[True], running[1:] < running[:-1] - TOL])
        found |= {float(x) for x in need[by_need[new_min]]}
    return sorted(found)


def cost_curve(
    workload: Workload,
    requirements: Requirements,
    *,
    axis: Literal["rto", "rpo", "retention"] = "rto",
    targets: Sequence[float] | None = None,
    impact: BusinessImpact | None = None,
    catalog: Catalog | None = None,
    knee_factor: float = KNEE_FACTOR,
    scopes: Sequence[str] | None = None,
) -> CostCurve:
    """The cheapest monthly cost as one target moves, the rest of the ask held.

    Parameters
    ----------
    workload : Workload
        The protected system.
    requirements : Requirements
        The ask; every part but ``axis`` is held.
    axis : {"rto", "rpo", "retention"}
        The target that moves: RTO [h] or RPO [h], applied to every scope in scope, or
        the days of short-term restore points (GFS counts held).
    targets : sequence of float, optional
        Targets to evaluate. For ``"rto"`` the default is the candidate breakpoints (see
        Notes); for ``"rpo"`` a grid from 5 minutes to a week plus the ask; for
        ``"retention"`` 1, 7, 14, 30, 60, 90, 180 and 365 days.
    impact : BusinessImpact, optional
        As for :func:`rtocalc.cheapest`.
    catalog : Catalog, optional
        As for :func:`rtocalc.cheapest`.
    knee_factor : float, default 1.5
        A step that costs at least this multiple of the looser step before it is a knee.
    scopes : sequence of str, optional
        Scenario scopes the moving RTO or RPO target applies to; the other scopes keep
        the ask's limits. Default: every scope the ask limits on that axis.

    Returns
    -------
    CostCurve

    Notes
    -----
    Every target is an exact search (:func:`rtocalc.cheapest`), so each step's cost is
    the true cheapest for its target. Along RTO the default targets are the candidate
    breakpoints that one evaluation of the space with the RTO lifted finds (where the
    cheapest design changes), plus a few round values and the ask. That evaluation also
    spares each search the designs that can meet its target at no interval, which
    changes no answer.

    Examples
    --------
    >>> from rtocalc import Workload, Requirements, cost_curve
    >>> curve = cost_curve(Workload(data_size="2 TB"), Requirements(rpo="4 h", rto="8 h"))
    >>> bool((np.diff(curve.monthly_cost) <= 1e-9).all())  # never rises as the target loosens
    True
    """
    check_type("workload", workload, Workload)
    check_type("requirements", requirements, Requirements)
    if axis not in ("rto", "rpo", "retention"):
        raise ValueError(f"axis: {axis!r} is not an axis; use 'rto', 'rpo' or 'retention'")
    if not (knee_factor > 1.0 and math.isfinite(knee_factor)):
        raise ValueError(f"knee_factor: {knee_factor!r} must be a finite number > 1; use e.g. 1.5")
    impact, catalog = with_defaults(impact, catalog)
    if axis != "retention" and scopes is not None:
        bad = [s for s in scopes if s not in SCOPES]
        if bad or not scopes:
            raise ValueError(
                f"scopes: {list(scopes)!r} must name scenario scopes; use some of "
                + ", ".join(repr(s) for s in SCOPES)
            )
    return build_cost_curve(
        workload, requirements, axis, targets, impact, catalog, knee_factor, scopes
    )


def build_cost_curve(
    workload: Workload,
    requirements: Requirements,
    axis: Literal["rto", "rpo", "retention"],
    targets: Sequence[float] | None,
    impact: BusinessImpact,
    catalog: Catalog,
    knee_factor: float,
    scopes: Sequence[str] | None,
    *,
    round_values: bool = True,
    space: DesignSpace | None = None,
    bound: _Bound | None = None,
) -> CostCurve:
    """:func:`cost_curve` once its arguments are checked (and defaulted).

    Parameters
    ----------
    workload, requirements, axis, targets, impact, catalog, knee_factor, scopes
        As for :func:`cost_curve`.
    round_values : bool, default True
        Along RTO with default targets, add the round values to the candidate breakpoints.
    space : DesignSpace, optional
        ``build_space(catalog, requirements.retention)``, when the caller has it (RTO and
        RPO axes).
    bound : _Bound, optional
        :func:`rtocalc.optimize._bound` of that space, when the caller has it (the RPO
        axis; along RTO the searches are bounded by the outlay with the RTO lifted).

    Returns
    -------
    CostCurve
    """
    if axis == "retention":
        ask = float(requirements.retention.daily)
        grid = (
            targets
            if targets is not None
            else sorted({1, 7, 14, 30, 60, 90, 180, 365, requirements.retention.daily})
        )
        raw: list[tuple[float, Plan | _Found | None]] = [
            (
                float(t),
                cheapest_plan(workload, _at(requirements, axis, {}, [], t), impact, catalog),
            )
            for t in grid
        ]
        return _curve(raw, axis, ask, requirements, catalog, knee_factor)
    limited = scopes_in(requirements, axis)
    held = {s: requirements.limit(axis, s) for s in limited}
    held = {s: v for s, v in held.items() if math.isfinite(v)}
    moving = limited if scopes is None else [s for s in SCOPES if s in scopes]
    ask = max(requirements.limit(axis, s) for s in moving)
    if space is None:
        space = build_space(
            catalog, requirements.retention, database=workload.kind == "database"
        )
    if axis == "rto":  # its searches are bounded by the outlay with the RTO lifted
        raw = _rto_steps(
            workload,
            requirements,
            moving,
            held,
            impact,
            catalog,
            targets,
            ask,
            round_values=round_values,
            space=space,
        )
    else:
        if bound is None:
            bound = _bound(space, workload, requirements.retention, catalog)
        grid = (
            targets
            if targets is not None
            else sorted(
                {
                    5 / 60,
                    0.25,
                    0.5,
                    1,
                    2,
                    4,
                    8,
                    12,
                    24,
                    48,
                    168,
                    *([ask] if math.isfinite(ask) else []),
                }
            )
        )
        raw = [
            (
                float(t),
                cheapest_plan(
                    workload,
                    _at(requirements, axis, held, moving, t),
                    impact,
                    catalog,
                    space,
                    bound=bound,
                ),
            )
            for t in grid
        ]
    return _curve(raw, axis, ask, requirements, catalog, knee_factor)


def _at(
    requirements: Requirements,
    axis: Literal["rto", "rpo", "retention"],
    held: dict[str, float],
    scopes: Sequence[str],
    target: float,
) -> Requirements:
    """The ask with the target of ``axis`` set to ``target`` (in ``scopes``; the others
    ``held``), as each step of a cost curve searches it."""
    if axis == "retention":
        retention = {**requirements.retention.model_dump(), "daily": int(target)}
        return requirements.model_copy(update={"retention": Retention.model_validate(retention)})
    table = {**held, **dict.fromkeys(scopes, float(target))}
    req = requirements.model_copy(update={axis: table})
    return req.model_copy(update={"mtd": None}) if axis == "rto" else req


#: the first batch of a cost curve's exact search, whose bound is the outlay with the RTO
#: lifted (:func:`_rto_steps`): the cheapest row at the target is then mostly among the
#: first few (64 measured no slower than 512 on either shipped example, and half the rows)
TIGHT_FIRST_BATCH = 64


def _rto_steps(
    workload: Workload,
    requirements: Requirements,
    scopes: list[str],
    held: dict[str, float],
    impact: BusinessImpact,
    catalog: Catalog,
    targets: Sequence[float] | None,
    ask: float,
    *,
    round_values: bool,
    space: DesignSpace,
) -> list[tuple[float, Plan | _Found | None]]:
    """The cheapest plan at each RTO target, all from one evaluation with the RTO lifted.

    The rows that meet the ask's yes/no parts (off-site, immutable) are evaluated once at
    :func:`_rto_relaxed` of the ask, without the figures only costs need, and the rows
    feasible there are priced (their outlay). That evaluation gives the default targets
    (:func:`_rto_candidates`), a lower bound of each row's outlay at every target (its
    outlay there), and proves rows infeasible: a row infeasible with the RTO lifted (a
    held limit, the backup window, the link, a yes/no ask: a tighter target only adds to
    these), or whose :func:`_rto_floor` exceeds the target, is left out of that target's
    exact search. Every answer is the one an exact search of the whole space gives.
    """
    relaxed = _rto_relaxed(requirements, scopes)
    # a row that fails the yes/no asks fails every target: only the others are evaluated
    # (``rows`` of ``space``; the evaluation's row i is row rows[i] of the space). Only
    # the outlay of the rows feasible there is read (the candidates' running minimum, the
    # searches' bound), so the evaluation leaves the costs out (a quarter of its time)
    # and those rows alone are priced: each row's costs are its own, the same bits. Nor
    # are the chosen paths' RPO and RTO read (the need and the floor read every path's).
    rows, sub = yes_no_space(space, requirements, catalog)
    ev = evaluate_space(sub, workload, relaxed, impact, catalog, priced=False, outcomes=False)
    feasible = np.flatnonzero(ev.feasible)
    outlay = np.full(len(sub), np.nan)
    outlay[feasible] = row_costs(
        sub.take(feasible),
        ev.interval[feasible],
        workload,
        relaxed.retention,
        catalog,
        relaxed.isolated(catalog),
    ).outlay
    ev = replace(ev, outlay=outlay)
    scope_mask = np.isin(np.array([s.scope for s in impact.scenarios]), scopes)
    rtos = _path_rtos(ev, scope_mask)
    grid = (
        targets
        if targets is not None
        else _rto_candidates(ev, scope_mask, ask, round_values=round_values, rtos=rtos)
    )
    floor = _rto_floor(ev, workload, scope_mask, rtos)
    # each row's outlay with the RTO lifted bounds its outlay at every target from below
    # (a tighter target solves for an interval no longer, and outlay never falls as the
    # interval shortens), far closer than the outlay at 24 h: the exact searches below
    # take rows in its order and stop as soon as no row left can win. Only the rows the
    # searches may reach (feasible with the RTO lifted) read it.
    lifted = np.full(len(space), np.inf)
    lifted[rows] = ev.outlay
    tight = _Bound(lifted)
    raw: list[tuple[float, Plan | _Found | None]] = []
    jobs: list[tuple[int, Requirements, Job]] = []  # targets left to an exact search
    for target in grid:
        t = float(target)
        req = _at(requirements, "rto", held, scopes, t)
        # a row infeasible with the RTO lifted is infeasible at every target too (the
        # lifted target itself is searched as well: the plan needs the costs)
        reach = np.zeros(len(space), bool)
        reach[rows] = ev.feasible & (floor <= t + _FLOOR_SLACK * max(1.0, abs(t)))
        jobs.append((len(raw), req, Job(workload, req, tight, reach, TIGHT_FIRST_BATCH)))
        raw.append((t, None))
    # the targets' exact searches side by side, one evaluation per round
    found = search(space, [job for _, _, job in jobs], impact, catalog)
    for (i, req, _), f in zip(jobs, found, strict=True):
        if f.best is not None:
            raw[i] = (raw[i][0], _Found(*f.best, workload, req, impact, catalog))
    return raw


@dataclass(frozen=True)
class _Found:
    """A step's cheapest row, whose plan is built only if the curve keeps the step
    (:func:`_curve` drops a step that costs what the tighter one does): its cost is the
    row's outlay, as the plan's ``monthly_cost`` is (:func:`rtocalc.optimize.make_plan`)."""

    ev: Evaluation
    row: int
    workload: Workload
    requirements: Requirements
    impact: BusinessImpact
    catalog: Catalog

    @property
    def monthly_cost(self) -> float:
        return float(self.ev.outlay[self.row])

    def plan(self) -> Plan:
        return make_plan(
            self.ev, self.row, self.workload, self.requirements, self.impact, self.catalog
        )


def _curve(
    raw: Sequence[tuple[float, Plan | _Found | None]],
    axis: Literal["rto", "rpo", "retention"],
    ask: float,
    requirements: Requirements,
    catalog: Catalog,
    knee_factor: float,
) -> CostCurve:
    unit = "days" if axis == "retention" else "h"
    tighter_is_smaller = axis != "retention"
    pts = sorted(raw, key=lambda tp: tp[0], reverse=not tighter_is_smaller)
    feasible = [(t, p) for t, p in pts if p is not None]
    infeasible = [t for t, p in pts if p is None]
    kept: list[tuple[float, Plan]] = []
    for t, p in feasible:
        assert p is not None
        if kept and abs(kept[-1][1].monthly_cost - p.monthly_cost) <= TOL:
            continue  # same cost as the tighter step: the tighter one covers it
        kept.append((t, p if isinstance(p, Plan) else p.plan()))
    steps = [
        CostStep(
            target=t,
            looser_than=kept[i + 1][0] if i + 1 < len(kept) else None,
            monthly_cost=p.monthly_cost,
            plan=p,
        )
        for i, (t, p) in enumerate(kept)
    ]
    knees = tuple(
        steps[i].target
        for i in range(len(steps) - 1)
        if steps[i].monthly_cost >= knee_factor * steps[i + 1].monthly_cost
    )
    # the loosest target met by none: every target at least as tight is met by none too
    # (an ask only gets harder as its target tightens)
    if axis == "retention":
        infeasible_below = min(infeasible) if infeasible else None
    else:
        infeasible_below = max(infeasible) if infeasible else None
    return CostCurve(
        axis=axis,
        unit=unit,
        steps=tuple(steps),
        knees=knees,
        knee_factor=knee_factor,
        ask=ask if math.isfinite(ask) else None,
        budget=requirements.budget,
        currency=catalog.currency,
        infeasible_below=infeasible_below,
    )

"""Portfolios: many systems under one budget, one shared link and one restore pipe.

Each system is pruned to its Pareto candidates (from the same numpy columns as
:func:`rtocalc.cheapest`), then one design per system is chosen exactly with
:func:`scipy.optimize.milp` (HiGHS) as a multiple-choice problem: minimise total outlay
(or total TCO) subject to the budget and the shared link capacity. After a site loss the
systems that restore share the restore pipe; :func:`recovery_order` orders them by
weighted shortest restore first (Smith's rule), which minimises total weighted downtime.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import physics
from ._render import Column, Document, Lines, Rendered, Table, describe_design
from .models import (
    BusinessImpact,
    Catalog,
    GBPerHour,
    MbitPerSecond,
    MoneyPerHour,
    MoneyPerMonth,
    Requirements,
    Workload,
)
from .optimize import _check_type, _inputs, cheapest, make_plan
from .results import Plan, _csv
from .space import Evaluation, build_space, evaluate_space, take_rows
from .tradeoff import pareto_mask

__all__ = [
    "Binding",
    "PortfolioPlan",
    "PortfolioSystem",
    "SystemPlan",
    "greedy",
    "load_portfolio",
    "optimize",
    "recovery_order",
    "settings_json_schema",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Objective = Literal["outlay", "tco"]
_MBPS = float(physics.link_throughput(1.0))  # GB/h carried by 1 Mbit/s
_TOL = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")


class PortfolioSystem(_Model):
    """One system of a portfolio: its workload, its hard limits and its business impact.

    Examples
    --------
    >>> from rtocalc import Requirements, Workload
    >>> s = PortfolioSystem(name="crm", workload=Workload(data_size="1 TB"),
    ...                     requirements=Requirements(rpo="1 d", rto="1 d"))
    >>> s.impact is None
    True
    """

    name: str = Field(min_length=1, description="Unique name of the system.")
    workload: Workload = Field(description="The protected data.")
    requirements: Requirements = Field(
        description="Hard limits (RPO, RTO, retention, off-site, immutable, budget per system)."
    )
    impact: BusinessImpact | None = Field(
        None,
        description=(
            "Downtime and data-loss costs and scenarios; None uses the portfolio's default impact."
        ),
    )
    priority: int | None = Field(
        None,
        description=(
            "Pinned restore priority after a site loss (lower restores first, before every "
            "unpinned system); None leaves the place to Smith's rule."
        ),
    )


class SystemPlan(Rendered, _Model):
    """The design chosen for one system, and how it fares when the restore pipe is shared."""

    name: str = Field(description="The system's name.")
    plan: Plan = Field(description="The chosen design, evaluated against the system's limits.")
    candidates: int = Field(description="Pareto candidates the solver chose from [-].")
    restore_time: float | None = Field(
        description=(
            "Time the system's site restore occupies the shared pipe [h]: data size at the "
            "horizon / restore capacity (0 for a failover); None without restore capacity."
        )
    )
    restore_wait: float | None = Field(
        description="Time it waits for systems restored before it [h]; None without capacity."
    )
    rto_alone: float | None = Field(
        description="Its worst site-scope RTO restoring alone [h]; None without a site scenario."
    )
    effective_rto: float | None = Field(
        description="Its site-scope RTO under contention: rto_alone + restore_wait [h]."
    )
    rto_limit: float | None = Field(
        description="Its site-scope RTO limit [h] (inf for none); None without a site scenario."
    )
    missed_under_contention: bool = Field(
        description="Its RTO limit is met restoring alone but missed under contention."
    )
    fix: str = Field(description="What would meet the limit again, in words ('' when none).")

    def _document_(self) -> Document:
        doc = self.plan._document_()
        blocks = (*doc.blocks, Lines((self.fix,))) if self.fix else doc.blocks
        return Document(self.name, blocks, doc.currency, doc.table())


class Binding(Rendered, _Model):
    """A shared constraint of the portfolio and what relaxing it is worth."""

    constraint: Literal["budget", "link"] = Field(description="'budget' or 'link'.")
    limit: float = Field(description="Its capacity [currency/month] or [Mbit/s].")
    used: float = Field(description="How much the chosen designs use [currency/month] or [Mbit/s].")
    slack: float = Field(description="limit - used, same unit.")
    binding: bool = Field(
        description="Whether it limits the choice (slack ~ 0 or a non-zero shadow price)."
    )
    shadow_price: float = Field(
        description=(
            "Objective saved by one more unit of capacity [currency/month per currency/month "
            "of budget, or per Mbit/s], from the duals of the LP relaxation (HiGHS "
            "marginals): exact for a small change when the LP optimum is integral, an "
            "estimate otherwise."
        )
    )

    def _document_(self) -> Document:
        columns = (
            Column("constraint", "constraint"),
            Column("limit", "limit", "number"),
            Column("used", "used", "number"),
            Column("slack", "slack", "number"),
            Column("binding", "binding", "flag"),
            Column("shadow_price", "one more unit is worth", "number"),
        )
        row = (self.constraint, self.limit, self.used, self.slack, self.binding, self.shadow_price)
        state = "binding" if self.binding else "not binding"
        title = (
            f"{self.constraint}: {self.used:,.2f} of {self.limit:,.2f} (slack {self.slack:,.2f}), "
            f"{state}; one more unit is worth {self.shadow_price:,.4g}"
        )
        return Document(title, frame=Table(columns, (row,)))


class PortfolioPlan(Rendered, _Model):
    """One design per system under a shared budget and link, with the shared recovery.

    ``str(plan)``, :meth:`to_markdown`, ``_repr_html_``, :meth:`to_csv`,
    :meth:`to_dataframe` and ``model_dump_json()`` render it; iterating yields the
    :class:`SystemPlan` of each system.
    """

    feasible: bool = Field(description="Whether one design per system fits every limit.")
    status: str = Field(
        description="'optimal', 'infeasible' or the solver's message when it stopped early."
    )
    objective: Objective = Field(description="What was minimised: 'outlay' or 'tco'.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    systems: tuple[SystemPlan, ...] = Field(description="Per-system plans, in input order.")
    budget: float | None = Field(description="Total budget [currency/month]; None for none.")
    total_outlay: float = Field(description="Sum of the chosen outlays [currency/month].")
    total_expected_annual_loss: float = Field(
        description="Sum of the chosen expected annual losses [currency/year]."
    )
    total_tco: float = Field(description="total_outlay + total_expected_annual_loss / 12.")
    objective_value: float = Field(description="The minimised total [currency/month].")
    budget_slack: float | None = Field(description="budget - total_outlay [currency/month].")
    link_capacity: float | None = Field(description="Shared link capacity [Mbit/s].")
    link_traffic: float = Field(
        description="Average replication and off-site traffic of the chosen designs [Mbit/s]."
    )
    shared: tuple[Binding, ...] = Field(description="The shared constraints and their prices.")
    gap: float = Field(
        description="Relative optimality gap proven by HiGHS [-] (0 proves optimality)."
    )
    reasons: tuple[str, ...] = Field(description="Why no plan fits, naming systems and limits.")
    smallest_budget: float | None = Field(
        description=(
            "The sum of every system's cheapest feasible outlay [currency/month]: the smallest "
            "budget that can work (None when some system has no feasible design)."
        )
    )
    restore_capacity: float | None = Field(description="Shared restore pipe [GB/h].")
    restore_order: tuple[str, ...] = Field(description="Order systems restore after a site loss.")
    weighted_downtime: float | None = Field(
        description="Sum over systems of downtime cost x effective site RTO [currency]."
    )
    candidates: int = Field(description="Pareto candidates over all systems [-].")
    solve_seconds: float = Field(description="Wall time of the whole optimisation [s].")

    def __iter__(self) -> Iterator[SystemPlan]:  # type: ignore[override]
        return iter(self.systems)

    def __len__(self) -> int:
        return len(self.systems)

    @property
    def binding(self) -> tuple[Binding, ...]:
        """The shared constraints that bind."""
        return tuple(b for b in self.shared if b.binding)

    @property
    def contention(self) -> tuple[SystemPlan, ...]:
        """Systems that meet their site RTO alone but miss it under contention."""
        return tuple(s for s in self.systems if s.missed_under_contention)

    def _document_(self) -> Document:
        summary = self._summary()
        columns = (
            Column("system", "system"),
            Column("monthly_cost", "outlay", "money"),
            Column("expected_annual_loss", "expected loss", "money", per="yr"),
            Column("tco_monthly", "TCO", "money", show=False),
            Column("rpo", "RPO", "hours"),
            Column("rto", "RTO", "hours"),
            Column("site_rto_alone", "site RTO alone", "hours", show=False),
            Column("site_rto_effective", "site RTO shared", "hours"),
            Column("site_rto_limit", "site RTO limit", "hours", infinite="-", show=False),
            Column("missed_under_contention", "missed under contention", "flag", show=False),
            Column("interval", "interval", "hours", show=False),
            Column("target", "target", show=False),
            Column("offsite", "off-site copy", show=False),
            Column("replication", "replication", show=False),
            Column("strategy", "strategy", show=False),
            Column("choice", "target/off-site/replication/strategy"),
            Column("design", "design", show=False),
        )
        rows = tuple(
            (
                s.name, s.plan.monthly_cost, s.plan.expected_annual_loss, s.plan.tco_monthly,
                s.plan.rpo, s.plan.rto, s.rto_alone, s.effective_rto, s.rto_limit,
                s.missed_under_contention, s.plan.design.interval, s.plan.design.target,
                s.plan.design.offsite, s.plan.design.replication, s.plan.design.strategy,
                f"{s.plan.design.target}/{s.plan.design.offsite or '-'}/"
                f"{s.plan.design.replication}/{s.plan.design.strategy}",
                describe_design(s.plan.design),
            )
            for s in self.systems
        )  # fmt: skip
        blocks: list[Lines | Table] = [Lines(tuple(summary[1:]))] if summary[1:] else []
        if self.systems:
            blocks.append(Table(columns, rows))
        return Document(summary[0], tuple(blocks), self.currency, Table(columns, rows))

    def to_csv(self) -> str:
        """The per-system rows as CSV text (header first)."""
        return _csv(self.rows())

    def _summary(self) -> list[str]:
        cur = self.currency
        if not self.feasible:
            return [f"Portfolio: no plan ({self.status})", *self.reasons]
        lines = [
            f"Portfolio of {len(self.systems)} systems: {self.status}, minimising "
            f"{self.objective} (gap {self.gap:.2g})",
            f"Total outlay {_money(self.total_outlay, cur)}/month, expected loss "
            f"{_money(self.total_expected_annual_loss, cur)}/year, TCO "
            f"{_money(self.total_tco, cur)}/month",
        ]
        for b in self.shared:
            unit = f"{cur}/month" if b.constraint == "budget" else "Mbit/s"
            state = "binding" if b.binding else "not binding"
            lines.append(
                f"{b.constraint}: {b.used:,.2f} of {b.limit:,.2f} {unit} (slack {b.slack:,.2f}), "
                f"{state}; one more unit is worth {b.shadow_price:,.4g} {cur}/month"
            )
        for s in self.contention:
            lines.append(f"contention: {s.name}: {s.fix}")
        return lines


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


# --- candidates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidates:
    """Pareto candidates of one system: an evaluation of their rows and their figures."""

    ev: Evaluation | None
    outlay: FloatArray  # [currency/month]
    tco: FloatArray  # [currency/month]
    traffic: FloatArray  # [Mbit/s]


def _candidates(
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective,
) -> _Candidates:
    """Designs no other feasible design beats on (outlay, objective, link traffic).

    Each design is evaluated at the longest and the shortest backup interval that meet
    the ask (as :func:`rtocalc.cheapest` does for TCO). A design dominated on all three
    by another cannot be in an optimal portfolio (swapping it in keeps every constraint
    and does not raise the objective), so the MILP over the candidates is exact over these
    evaluated designs.
    """
    space = build_space(catalog, requirements.retention)
    long = evaluate_space(space, workload, requirements, impact, catalog)
    # a design meets the ask at some interval iff it does at the longest one, where its
    # outlay is least: other rows can be dropped before the second evaluation
    ok = long.feasible.copy()
    if requirements.budget is not None:
        ok &= long.outlay <= requirements.budget + _TOL
    if objective == "tco" and ok.any():
        sub = space.take(np.flatnonzero(ok))
        n = len(sub)
        short = evaluate_space(
            sub, workload, requirements, impact, catalog, interval_rule="shortest"
        )
        both = replace(
            sub.take(np.tile(np.arange(n), 2)),
            interval=np.concatenate([long.interval[ok], short.interval]),
        )
        ev = evaluate_space(both, workload, requirements, impact, catalog)
        ok = ev.feasible.copy()
        if requirements.budget is not None:
            ok &= ev.outlay <= requirements.budget + _TOL
    else:
        # outlay never rises with the interval and traffic does not depend on it, so the
        # longest interval weakly dominates every other for the outlay objective
        ev = long
    if objective == "tco" and (ok & np.isfinite(ev.tco)).any():
        # an unbounded expected loss (no copy survives a costed scenario) never wins
        # while the system has a design with a finite one
        ok &= np.isfinite(ev.tco)
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        empty = np.empty(0)
        return _Candidates(None, empty, empty, empty)
    traffic = ev.extra["traffic"][rows] / _MBPS
    second = (
        np.nan_to_num(ev.tco[rows], posinf=1e300) if objective == "tco" else np.zeros(rows.size)
    )
    keep = rows[pareto_mask(ev.outlay[rows], second, traffic)]
    keep = keep[np.lexsort((keep, ev.tco[keep], ev.outlay[keep]))]
    chosen = take_rows(ev, keep)
    return _Candidates(
        chosen,
        np.asarray(chosen.outlay, dtype=np.float64),
        np.asarray(chosen.tco, dtype=np.float64),
        np.asarray(chosen.extra["traffic"] / _MBPS, dtype=np.float64),
    )


# --- the multiple-choice solver -------------------------------------------------------------


@dataclass(frozen=True)
class _Solution:
    status: str  # "optimal", "infeasible" or the solver's message
    choice: IntArray | None  # candidate index per system
    objective: float
    gap: float
    prices: dict[str, float]  # constraint -> objective saved per unit of capacity


def _solve(
    outlay: Sequence[FloatArray],
    objective: Sequence[FloatArray],
    budget: float | None,
    traffic: Sequence[FloatArray] | None = None,
    capacity: float | None = None,
    *,
    mip_rel_gap: float = 1e-9,
    time_limit: float | None = None,
    duals: bool = True,
) -> _Solution:
    """Choose one candidate per system: min sum objective, sum outlay <= budget, sum
    traffic <= capacity (each row only when its limit is given)."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csr_matrix, vstack

    sizes = np.array([len(o) for o in outlay], dtype=np.int64)
    m, nvar = len(sizes), int(sizes.sum())
    if m == 0:
        return _Solution("optimal", np.empty(0, np.int64), 0.0, 0.0, {})
    if (sizes == 0).any():
        return _Solution("infeasible", None, math.inf, math.inf, {})
    c = np.nan_to_num(np.concatenate([np.asarray(o, dtype=float) for o in objective]), posinf=1e15)
    owner = np.repeat(np.arange(m), sizes)
    a_eq = csr_matrix((np.ones(nvar), (owner, np.arange(nvar))), shape=(m, nvar))
    rows: list[Any] = []
    ub: list[float] = []
    names: list[str] = []
    if budget is not None:
        rows.append(csr_matrix(np.concatenate([np.asarray(o, dtype=float) for o in outlay])))
        ub.append(float(budget) + _TOL)
        names.append("budget")
    if capacity is not None and traffic is not None:
        rows.append(csr_matrix(np.concatenate([np.asarray(t, dtype=float) for t in traffic])))
        ub.append(float(capacity) + _TOL)
        names.append("link")
    constraints = [LinearConstraint(a_eq, 1.0, 1.0)]
    if rows:
        constraints.append(LinearConstraint(vstack(rows).tocsr(), -np.inf, np.array(ub)))
    options: dict[str, Any] = {"mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        c,
        integrality=np.ones(nvar),
        bounds=Bounds(0.0, 1.0),
        constraints=constraints,
        options=options,
    )
    if res.x is None:
        status = "infeasible" if res.status == 2 else str(res.message)
        return _Solution(status, None, math.inf, math.inf, {})
    x = np.asarray(res.x)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    choice = np.array(
        [int(np.argmax(x[s : s + k])) for s, k in zip(starts, sizes, strict=True)], dtype=np.int64
    )
    value = float(sum(np.asarray(objective[i])[choice[i]] for i in range(m)))
    gap = float(res.mip_gap) if getattr(res, "mip_gap", None) is not None else 0.0
    prices: dict[str, float] = {}
    if duals and rows:
        lp = linprog(
            c,
            A_ub=vstack(rows).tocsr(),
            b_ub=np.array(ub),
            A_eq=a_eq,
            b_eq=np.ones(m),
            bounds=(0.0, 1.0),
            method="highs",
        )
        if lp.status == 0:
            marg = np.asarray(lp.ineqlin.marginals, dtype=float)
            prices = {name: float(-marg[k]) for k, name in enumerate(names)}
    status = "optimal" if res.status == 0 else str(res.message)
    return _Solution(status, choice, value, gap, prices)


def _brute_force(
    outlay: Sequence[FloatArray],
    objective: Sequence[FloatArray],
    budget: float | None,
    traffic: Sequence[FloatArray] | None = None,
    capacity: float | None = None,
) -> float:
    """The optimal objective by trying every combination (inf when none fits); for tests."""
    best = math.inf
    for combo in itertools.product(*(range(len(o)) for o in outlay)):
        cost = sum(float(outlay[i][j]) for i, j in enumerate(combo))
        if budget is not None and cost > budget + _TOL:
            continue
        if (
            capacity is not None
            and traffic is not None
            and sum(float(traffic[i][j]) for i, j in enumerate(combo)) > capacity + _TOL
        ):
            continue
        best = min(best, sum(float(objective[i][j]) for i, j in enumerate(combo)))
    return best


def greedy(
    outlay: Sequence[FloatArray],
    objective: Sequence[FloatArray],
    budget: float | None,
    traffic: Sequence[FloatArray] | None = None,
    capacity: float | None = None,
) -> tuple[IntArray | None, float]:
    """A greedy heuristic for the same multiple-choice problem, for comparison.

    Parameters
    ----------
    outlay : sequence of ndarray
        Per system, the outlay of each candidate [currency/month].
    objective : sequence of ndarray
        Per system, the objective of each candidate [currency/month].
    budget : float or None
        Total outlay allowed [currency/month].
    traffic : sequence of ndarray, optional
        Per system, the link traffic of each candidate [Mbit/s].
    capacity : float, optional
        Shared link capacity [Mbit/s].

    Returns
    -------
    choice : ndarray or None
        Candidate index per system (None when the start does not fit).
    value : float
        Its total objective [currency/month] (inf when None).

    Notes
    -----
    Start from each system's cheapest candidate (least outlay, then least objective),
    then take upgrades along each system's lower convex hull of (outlay, objective) in
    order of objective saved per currency unit, while budget and link allow.
    """
    m = len(outlay)
    choice = np.zeros(m, dtype=np.int64)
    moves: list[tuple[float, int, int]] = []
    for i in range(m):
        o, f = np.asarray(outlay[i], float), np.asarray(objective[i], float)
        if o.size == 0:
            return None, math.inf
        idx = np.lexsort((f, o))
        hull = [int(idx[0])]
        for j in idx[1:]:
            j = int(j)
            if f[j] >= f[hull[-1]] - _TOL:
                continue
            while len(hull) >= 2:
                a, b = hull[-2], hull[-1]
                # b is above the segment a-j: not on the lower hull
                if (f[b] - f[a]) * (o[j] - o[a]) >= (f[j] - f[a]) * (o[b] - o[a]):
                    hull.pop()
                else:
                    break
            hull.append(j)
        choice[i] = hull[0]
        for a, b in itertools.pairwise(hull):
            do = o[b] - o[a]
            ratio = (f[a] - f[b]) / do if do > 0 else math.inf
            moves.append((-ratio, i, b))
    spend = sum(float(outlay[i][choice[i]]) for i in range(m))
    use = sum(float(traffic[i][choice[i]]) for i in range(m)) if traffic is not None else 0.0
    if (budget is not None and spend > budget + _TOL) or (
        capacity is not None and use > capacity + _TOL
    ):
        return None, math.inf
    moves.sort(key=lambda t: (t[0], t[1]))
    stuck = np.zeros(m, bool)
    for _, i, b in moves:
        if stuck[i]:
            continue
        a = int(choice[i])
        d_spend = float(outlay[i][b] - outlay[i][a])
        d_use = float(traffic[i][b] - traffic[i][a]) if traffic is not None else 0.0
        if (budget is not None and spend + d_spend > budget + _TOL) or (
            capacity is not None and use + d_use > capacity + _TOL
        ):
            stuck[i] = True  # later moves of this system build on this one
            continue
        choice[i], spend, use = b, spend + d_spend, use + d_use
    value = float(sum(float(objective[i][choice[i]]) for i in range(m)))
    return choice, value


# --- shared recovery ------------------------------------------------------------------------


def recovery_order(
    restore_time: Sequence[float] | FloatArray,
    weight: Sequence[float] | FloatArray,
    priority: Sequence[int | None] | None = None,
) -> IntArray:
    """Order in which systems restore over one shared pipe: weighted shortest first.

    Parameters
    ----------
    restore_time : array_like of float
        Time each system's restore occupies the pipe [h].
    weight : array_like of float
        Cost of each hour each system waits, e.g. its downtime cost [currency/h].
    priority : sequence of int or None, optional
        Pinned priorities: pinned systems restore first, lower values first; ``None``
        entries are ordered by Smith's rule after them.

    Returns
    -------
    ndarray of int
        System indices in restore order.

    Notes
    -----
    Smith's rule: sort by :math:`p_i / w_i` ascending (ties by index; zero weight last).
    With completion times :math:`C_i = \\sum_{j \\preceq i} p_j` it minimises
    :math:`\\sum_i w_i C_i` over all orders, and so the total weighted wait
    :math:`\\sum_i w_i (C_i - p_i)`.

    References
    ----------
    .. [1] W. E. Smith, "Various optimizers for single-stage production", Naval Research
       Logistics Quarterly 3(1-2), 59-66, 1956. https://doi.org/10.1002/nav.3800030106

    Examples
    --------
    >>> recovery_order([4.0, 1.0, 2.0], [1.0, 1.0, 10.0]).tolist()
    [2, 1, 0]
    """
    p = np.asarray(restore_time, dtype=float)
    w = np.asarray(weight, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(w > 0, p / np.where(w > 0, w, 1.0), np.inf)
    # zero-time restores (failovers) never delay anyone: first, whatever their weight
    ratio = np.where(p <= 0, -1.0, ratio)
    pinned = np.full(p.size, np.inf)
    if priority is not None:
        pinned = np.array([np.inf if q is None else float(q) for q in priority])
    return np.asarray(np.lexsort((np.arange(p.size), p, ratio, pinned)), dtype=np.int64)


def _site_figures(plan: Plan) -> tuple[float, float, bool] | None:
    """Worst site-scope RTO, its limit, and whether that recovery restores over the pipe."""
    site = [oc for oc in plan.by_scenario if oc.scope == "site"]
    if not site:
        return None
    worst = max(site, key=lambda oc: oc.rto)
    limit = min(oc.rto_limit for oc in site)
    return worst.rto, limit, worst.path.startswith("restore")


def _recovery(
    systems: Sequence[PortfolioSystem],
    plans: Sequence[Plan],
    impacts: Sequence[BusinessImpact],
    capacity: float | None,
) -> tuple[list[dict[str, Any]], tuple[str, ...], float | None]:
    """Per-system shared-recovery fields, the restore order and the weighted downtime."""
    m = len(systems)
    figs = [_site_figures(p) for p in plans]
    if capacity is None or m == 0:
        blank = {
            "restore_time": None,
            "restore_wait": None,
            "effective_rto": None,
            "missed_under_contention": False,
            "fix": "",
        }
        out = [
            {**blank, "rto_alone": f[0] if f else None, "rto_limit": f[1] if f else None}
            for f in figs
        ]
        return out, (), None
    if capacity <= 0:
        raise ValueError(f"restore_capacity: {capacity!r} must be positive [GB/h], e.g. 2000")
    p = np.array(
        [
            s.workload.final_size / capacity if f is not None and f[2] else 0.0
            for s, f in zip(systems, figs, strict=True)
        ]
    )
    w = np.array([imp.downtime_cost for imp in impacts])
    seq = recovery_order(p, w, [s.priority for s in systems])
    wait = np.zeros(m)
    wait[seq] = np.concatenate([[0.0], np.cumsum(p[seq])[:-1]])
    out = []
    total = 0.0
    for i, f in enumerate(figs):
        alone: float | None = None
        limit: float | None = None
        eff: float | None = None
        missed, fix = False, ""
        if f is not None:
            a, lim, _ = f
            e = a + float(wait[i])
            total += w[i] * e if math.isfinite(e) else 0.0
            missed = a <= lim + _TOL and e > lim + _TOL
            if missed:
                fix = (
                    f"site RTO {a:.3g} h alone but {e:.3g} h after waiting {wait[i]:.3g} h "
                    f"for the restore pipe (limit {lim:.3g} h): its restore must start within "
                    f"{max(lim - a, 0.0):.3g} h; use a standby (failover needs no restore), "
                    "a faster tier, or pin it earlier (priority)"
                )
            alone, limit, eff = a, lim, e
        out.append(
            {
                "restore_time": float(p[i]),
                "restore_wait": float(wait[i]),
                "rto_alone": alone,
                "effective_rto": eff,
                "rto_limit": limit,
                "missed_under_contention": missed,
                "fix": fix,
            }
        )
    return out, tuple(systems[int(i)].name for i in seq), float(total)


# --- the portfolio optimiser ---------------------------------------------------------------


def _key(system: PortfolioSystem, impact: BusinessImpact) -> str:
    return (
        system.workload.model_dump_json()
        + system.requirements.model_dump_json()
        + impact.model_dump_json()
    )


def _all_candidates(
    systems: Sequence[PortfolioSystem],
    impacts: Sequence[BusinessImpact],
    catalog: Catalog,
    objective: Objective,
) -> list[_Candidates]:
    """Candidates of every system, computed once per distinct (workload, limits, impact)."""
    cache: dict[str, _Candidates] = {}
    cands: list[_Candidates] = []
    for s, imp in zip(systems, impacts, strict=True):
        key = _key(s, imp)
        if key not in cache:
            cache[key] = _candidates(s.workload, s.requirements, imp, catalog, objective)
        cands.append(cache[key])
    return cands


def optimize(
    systems: Sequence[PortfolioSystem],
    *,
    budget: float | None,
    links: float | None = None,
    restore_capacity: float | None = None,
    impact: BusinessImpact | None = None,
    catalog: Catalog | None = None,
    objective: Objective = "tco",
    mip_rel_gap: float = 1e-6,
    time_limit: float | None = None,
) -> PortfolioPlan:
    """Choose one design per system under a shared budget and link, exactly.

    Parameters
    ----------
    systems : sequence of PortfolioSystem
        The systems, each with its workload, hard limits and (optional) impact.
    budget : float or None
        Total outlay allowed over all systems [currency/month]; None for no budget.
    links : float, optional
        Capacity of the shared WAN link [Mbit/s]: the average replication and off-site
        copy traffic of the chosen designs must fit in it.
    restore_capacity : float, optional
        Shared restore pipe after a site loss [GB/h]: systems that restore (rather than
        fail over) go one after another, in the order of :func:`recovery_order`.
    impact : BusinessImpact, optional
        Impact of the systems that bring none (default: shipped scenarios, zero costs).
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    objective : {"tco", "outlay"}
        Minimise total outlay plus expected loss / 12, or total outlay alone.
    mip_rel_gap : float, default 1e-6
        Relative gap at which HiGHS stops [-].
    time_limit : float, optional
        Seconds HiGHS may run; the plan then reports the gap it proved.

    Returns
    -------
    PortfolioPlan
        The chosen plans with totals and shadow prices, or the reasons no plan fits.

    Notes
    -----
    Each system's candidates are the designs that meet its limits and that no other such
    design beats on (outlay, objective, link traffic); a dominated design can be swapped
    for its dominator in any portfolio without breaking a constraint or raising the
    objective, so the problem over candidates has the same optimum. It is solved as the
    multiple-choice problem

    .. math:: \\min \\sum_{ij} c_{ij} x_{ij} \\;\\text{s.t.}\\; \\sum_j x_{ij} = 1,\\;
              \\sum_{ij} o_{ij} x_{ij} \\le B,\\; \\sum_{ij} t_{ij} x_{ij} \\le L,\\;
              x_{ij} \\in \\{0, 1\\}

    with :func:`scipy.optimize.milp` (HiGHS, branch and cut). Systems with identical
    (workload, limits, impact) share one candidate computation. Shadow prices are the
    duals of the LP relaxation (:func:`scipy.optimize.linprog`, HiGHS marginals). The
    shared restore after a site loss is analysed for the chosen designs; it is not a
    constraint of the MILP.

    References
    ----------
    .. [1] P. Sinha, A. A. Zoltners, "The multiple-choice knapsack problem", Operations
       Research 27(3), 503-515, 1979. https://doi.org/10.1287/opre.27.3.503

    Examples
    --------
    >>> from rtocalc import Requirements, Workload
    >>> ask = Requirements(rpo="1 d", rto="2 d")
    >>> sys = [PortfolioSystem(name=n, workload=Workload(data_size=s), requirements=ask)
    ...        for n, s in (("a", "1 TB"), ("b", "500 GB"))]
    >>> plan = optimize(sys, budget=5000, objective="outlay")
    >>> plan.feasible, plan.total_outlay <= 5000
    (True, True)
    """
    start = time.perf_counter()
    if objective not in ("outlay", "tco"):
        raise ValueError(f"objective: {objective!r} is not an objective; use 'outlay' or 'tco'")
    for i, s in enumerate(systems):
        _check_type(f"systems[{i}]", s, PortfolioSystem)
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"systems: names {dup} appear twice; give each system a unique name")
    default_impact, catalog = _inputs(impact, catalog)
    impacts = [s.impact if s.impact is not None else default_impact for s in systems]
    cands = _all_candidates(systems, impacts, catalog, objective)
    outlay = [c.outlay for c in cands]
    obj = [c.tco if objective == "tco" else c.outlay for c in cands]
    traffic = [c.traffic for c in cands]
    reasons: list[str] = []
    cur = catalog.currency
    empty = [i for i, c in enumerate(cands) if c.outlay.size == 0]
    for i in empty:
        s = systems[i]
        res = cheapest(s.workload, s.requirements, impact=impacts[i], catalog=catalog)
        if res.plan is not None and s.requirements.budget is not None:
            reasons.append(
                f"{s.name}: its cheapest design that meets its limits costs "
                f"{_money(res.plan.monthly_cost, cur)}/month, more than its own maximum "
                f"{_money(s.requirements.budget, cur)}/month"
            )
        else:
            why = "; ".join(r.message for r in res.reasons)
            reasons.append(f"{s.name}: no design meets its limits: {why}")
    smallest = None if empty else float(sum(float(o.min()) for o in outlay))
    if not empty:
        if budget is not None and smallest is not None and smallest > budget + _TOL:
            worst = sorted(range(len(systems)), key=lambda i: -float(outlay[i].min()))[:5]
            reasons.append(
                f"budget: the cheapest design of every system costs {_money(smallest, cur)}/month "
                f"in total, more than the budget {_money(budget, cur)}/month; the smallest budget "
                f"that works is {_money(smallest, cur)}/month (largest minima: "
                + ", ".join(f"{names[i]} {_money(float(outlay[i].min()), cur)}" for i in worst)
                + ")"
            )
        if links is not None:
            least = float(sum(float(t.min()) for t in traffic))
            if least > links + _TOL:
                reasons.append(
                    f"link: the least traffic of every system is {least:,.2f} Mbit/s in total, "
                    f"more than the link's {links:,.2f} Mbit/s"
                )
    sol = None
    if not reasons:
        sol = _solve(
            outlay,
            obj,
            budget,
            traffic,
            links,
            mip_rel_gap=mip_rel_gap,
            time_limit=time_limit,
        )
        if sol.choice is None:
            reasons.append(
                "budget and link together: each fits alone with the cheapest designs, but no "
                "choice fits both; raise the budget or the link capacity"
                if sol.status == "infeasible"
                else f"solver: {sol.status}"
            )
    n_cand = int(sum(len(o) for o in outlay))
    if sol is None or sol.choice is None:
        return PortfolioPlan(
            feasible=False,
            status="infeasible" if sol is None else sol.status,
            objective=objective,
            currency=cur,
            systems=(),
            budget=budget,
            total_outlay=0.0,
            total_expected_annual_loss=0.0,
            total_tco=0.0,
            objective_value=math.inf,
            budget_slack=None,
            link_capacity=links,
            link_traffic=0.0,
            shared=(),
            gap=math.inf,
            reasons=tuple(reasons),
            smallest_budget=smallest,
            restore_capacity=restore_capacity,
            restore_order=(),
            weighted_downtime=None,
            candidates=n_cand,
            solve_seconds=time.perf_counter() - start,
        )
    plans = []
    made: dict[tuple[int, int], Plan] = {}  # systems of one kind on one design share a plan
    for i, s in enumerate(systems):
        ev = cands[i].ev
        assert ev is not None
        key = (id(cands[i]), int(sol.choice[i]))
        if key not in made:
            made[key] = make_plan(ev, key[1], s.workload, s.requirements, impacts[i], catalog)
        plans.append(made[key])
    rec, seq, weighted = _recovery(systems, plans, impacts, restore_capacity)
    sys_plans = tuple(
        SystemPlan(name=s.name, plan=p, candidates=len(outlay[i]), **rec[i])
        for i, (s, p) in enumerate(zip(systems, plans, strict=True))
    )
    total_outlay = float(sum(p.monthly_cost for p in plans))
    eal = float(sum(p.expected_annual_loss for p in plans))
    used_link = float(sum(float(traffic[i][sol.choice[i]]) for i in range(len(systems))))
    shared = []
    for name, limit, used in (("budget", budget, total_outlay), ("link", links, used_link)):
        if limit is None:
            continue
        price = sol.prices.get(name, 0.0)
        slack = float(limit) - used
        shared.append(
            Binding(
                constraint=name,
                limit=float(limit),
                used=used,
                slack=slack,
                binding=abs(price) > 1e-9 or slack <= 1e-6 * max(1.0, abs(float(limit))),
                shadow_price=price,
            )
        )
    return PortfolioPlan(
        feasible=True,
        status=sol.status,
        objective=objective,
        currency=cur,
        systems=sys_plans,
        budget=budget,
        total_outlay=total_outlay,
        total_expected_annual_loss=eal,
        total_tco=total_outlay + eal / 12.0,
        objective_value=sol.objective,
        budget_slack=None if budget is None else float(budget) - total_outlay,
        link_capacity=links,
        link_traffic=used_link,
        shared=tuple(shared),
        gap=sol.gap,
        reasons=(),
        smallest_budget=smallest,
        restore_capacity=restore_capacity,
        restore_order=seq,
        weighted_downtime=weighted,
        candidates=n_cand,
        solve_seconds=time.perf_counter() - start,
    )


def systems_from(
    inventory: Any,
    policy: Any,
    impacts: Mapping[str, BusinessImpact] | None = None,
) -> list[PortfolioSystem]:
    """Portfolio systems of an inventory: requirements from each system's policy tier.

    Parameters
    ----------
    inventory : Inventory
        The systems (their declared designs are ignored).
    policy : Policy
        The tiers and scenarios.
    impacts : mapping of str to BusinessImpact, optional
        Impact per system name (default: the policy's scenarios, zero costs).

    Returns
    -------
    list of PortfolioSystem
    """
    out = []
    for s in inventory.systems:
        tier = policy.tiers[s.tier]
        ret = s.retention if s.retention is not None else tier.retention
        imp = (impacts or {}).get(s.name) or BusinessImpact(scenarios=policy.scenarios)
        out.append(
            PortfolioSystem(
                name=s.name,
                workload=s.workload,
                requirements=tier.requirements(policy.scenarios, retention=ret),
                impact=imp,
            )
        )
    return out


# --- inventory files ------------------------------------------------------------------------


class _SystemImpact(_Model):
    downtime_cost: MoneyPerHour = 0.0
    data_loss_cost: MoneyPerHour = 0.0
    priority: int | None = None


class _Settings(_Model):
    policy: str | None = None
    budget: MoneyPerMonth | None = None
    links: MbitPerSecond | None = None
    restore_capacity: GBPerHour | None = None
    objective: Objective = "tco"
    impacts: dict[str, _SystemImpact] = Field(default_factory=dict)


_SETTINGS = frozenset(_Settings.model_fields)


def settings_json_schema() -> dict[str, Any]:
    """JSON Schema of the portfolio fields an inventory file may add (``policy``, ...).

    Returns
    -------
    dict
        An object schema whose ``properties`` are the top-level fields of
        :func:`load_portfolio` beside ``[[systems]]`` and ``[catalog]``.
    """
    schema = _Settings.model_json_schema()
    descriptions = {
        "policy": "Policy file with the tiers, relative to the inventory.",
        "budget": "Total budget of the portfolio, e.g. '$40,000/mo'.",
        "links": "Shared link capacity, e.g. '1 Gbps'.",
        "restore_capacity": "Shared restore pipe after a site loss, e.g. '2 TB/h'.",
        "objective": "What to minimise: 'tco' or 'outlay'.",
        "impacts": "Per system name: downtime_cost, data_loss_cost and priority.",
    }
    for name, text in descriptions.items():
        schema["properties"][name]["description"] = text
    return schema


@dataclass(frozen=True)
class PortfolioFile:
    """A portfolio read from an inventory file: systems and shared limits."""

    systems: list[PortfolioSystem]
    budget: float | None  # [currency/month]
    links: float | None  # [Mbit/s]
    restore_capacity: float | None  # [GB/h]
    objective: Objective
    catalog: Catalog


def load_portfolio(path: str | Path, policy: str | Path | None = None) -> PortfolioFile:
    """Read an inventory file (the format of ``rtocalc check``) as a portfolio.

    Parameters
    ----------
    path : str or Path
        Inventory TOML file. Besides ``[[systems]]`` and ``[catalog]`` it may hold the
        top-level fields ``policy`` (policy file, relative to the inventory), ``budget``
        (e.g. "$40,000/mo"), ``links`` (e.g. "1 Gbps"), ``restore_capacity`` (e.g.
        "2 TB/h"), ``objective`` ("tco" or "outlay") and ``[impacts.NAME]`` tables with
        ``downtime_cost``, ``data_loss_cost`` and ``priority`` per system.
    policy : str or Path, optional
        Policy file with the tiers; overrides the file's ``policy`` field.

    Returns
    -------
    PortfolioFile
        Requirements come from each system's tier; declared designs are ignored.

    Raises
    ------
    InputError
        With every problem of the files, one line each.
    """
    from .files import InputError, format_validation_error, read_toml
    from .policy import inventory_from_dict, load_policy

    p = Path(path)
    raw = read_toml(p)
    try:
        settings = _Settings.model_validate({k: v for k, v in raw.items() if k in _SETTINGS})
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(p))) from None
    pol_path = Path(policy) if policy is not None else None
    if pol_path is None and settings.policy is not None:
        pol_path = p.parent / settings.policy
    if pol_path is None:
        raise InputError(
            [f"{p}: policy: is required for the tiers; add policy = 'policy.toml' or --policy"]
        )
    pol = load_policy(pol_path)
    inv = inventory_from_dict(
        {k: v for k, v in raw.items() if k not in _SETTINGS},
        source=str(p),
        base=p.parent,
        policy=pol,
    )
    unknown = sorted(set(settings.impacts) - {s.name for s in inv.systems})
    if unknown:
        raise InputError([f"{p}: impacts: {unknown} are not names of systems"])
    systems = []
    for s in systems_from(inv, pol):
        own = settings.impacts.get(s.name)
        if own is not None:
            imp = BusinessImpact(
                downtime_cost=own.downtime_cost,
                data_loss_cost=own.data_loss_cost,
                scenarios=pol.scenarios,
            )
            s = s.model_copy(update={"impact": imp, "priority": own.priority})
        systems.append(s)
    return PortfolioFile(
        systems=systems,
        budget=settings.budget,
        links=settings.links,
        restore_capacity=settings.restore_capacity,
        objective=settings.objective,
        catalog=inv.catalog,
    )


def run_cli(args: Any) -> int:
    """Run ``rtocalc portfolio`` with parsed arguments; returns the exit status."""
    from .files import InputError, format_validation_error

    f = load_portfolio(args.inventory, args.policy)
    given = {
        k: v
        for k, v in (
            ("budget", args.budget),
            ("links", args.links),
            ("restore_capacity", args.restore_capacity),
        )
        if v is not None
    }
    try:
        opts = _Settings.model_validate(given, context={"currency": f.catalog.currency})
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, "command line")) from None
    plan = optimize(
        f.systems,
        budget=opts.budget if args.budget is not None else f.budget,
        links=opts.links if args.links is not None else f.links,
        restore_capacity=(
            opts.restore_capacity if args.restore_capacity is not None else f.restore_capacity
        ),
        catalog=f.catalog,
        objective=args.objective or f.objective,
    )
    if args.format == "json":
        print(plan.model_dump_json(indent=2))
    elif args.format == "markdown":
        print(plan.to_markdown())
    elif args.format == "csv":
        print(plan.to_csv() if plan.feasible else str(plan), end="" if plan.feasible else "\n")
    else:
        print(plan)
    return 0

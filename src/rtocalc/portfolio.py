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
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field, ValidationError, model_validator

from . import physics
from ._frozen import RESULT_CONFIG
from ._portfolio_milp import SystemType as _Type
from ._portfolio_milp import solve_types as _solve_types
from ._renamed import accept_old_names, renamed
from ._render import (
    Column,
    Document,
    Lines,
    Rendered,
    Table,
    describe_design,
    hours_words,
    money_words,
)
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
from .optimize import cheapest, check_type, make_plan, with_defaults
from .results import Plan, csv_text
from .space import Evaluation, build_space, evaluate_space, take_rows
from .tradeoff import pareto_mask
from .units import TOL, FieldError, format_money

__all__ = [
    "Binding",
    "PortfolioPlan",
    "PortfolioSystem",
    "SharedLink",
    "SystemPlan",
    "greedy",
    "load_portfolio",
    "plan_portfolio",
    "recovery_order",
    "settings_json_schema",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Objective = Literal["outlay", "tco"]
_MBPS = float(physics.link_throughput(1.0))  # GB/h carried by 1 Mbit/s


class _Model(BaseModel):
    model_config = RESULT_CONFIG


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
        description=(
            "Time it waits for systems restored before it [h] (0 for a failover: only "
            "restores share the pipe); None without capacity."
        )
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


class SharedLink(_Model):
    """A WAN link the portfolio buys once and its systems share: its port and circuit."""

    link: str = Field(description="The catalog's key of the link, e.g. 'wan_100m'.")
    label: str = Field(description="The catalog's label of the link ('' when none).")
    port: float = Field(description="The provider's port [currency/month].")
    circuit: float = Field(description="The carrier circuit to it [currency/month].")
    monthly_cost: float = Field(description="port + circuit, paid once [currency/month].")
    systems: tuple[str, ...] = Field(description="The systems whose designs use it.")

    @model_validator(mode="after")
    def _sum_of_its_parts(self) -> SharedLink:
        # stored for readers of the JSON, so it must be what its parts say
        parts = self.port + self.circuit
        if not abs(self.monthly_cost - parts) <= TOL * max(1.0, abs(parts)):
            raise ValueError(
                f"monthly_cost={self.monthly_cost!r} must equal port + circuit "
                f"({self.port!r} + {self.circuit!r} = {parts!r})"
            )
        return self


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
    total_monthly_cost: float = Field(
        description=(
            "Sum of the chosen plans' monthly_cost plus the shared links' monthly_cost "
            "[currency/month]."
        )
    )
    links_bought: tuple[SharedLink, ...] = Field(
        (),
        description=(
            "The WAN links the chosen designs use, each paid once (port and circuit); the "
            "systems' plans leave these charges out."
        ),
    )
    total_expected_annual_loss: float = Field(
        description="Sum of the chosen expected annual losses [currency/year]."
    )
    total_tco: float = Field(description="total_monthly_cost + total_expected_annual_loss / 12.")
    objective_value: float = Field(description="The minimised total [currency/month].")
    budget_slack: float | None = Field(description="budget - total_monthly_cost [currency/month].")
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
            "The least total outlay of any choice of one feasible design per system, the "
            "shared links paid once [currency/month]: the smallest budget that can work "
            "(None when some system has no feasible design)."
        )
    )
    restore_capacity: float | None = Field(description="Shared restore pipe [GB/h].")
    restore_order: tuple[str, ...] = Field(description="Order systems restore after a site loss.")
    weighted_downtime: float | None = Field(
        description="Sum over systems of downtime cost x effective site RTO [currency]."
    )
    candidates: int = Field(description="Pareto candidates over all systems [-].")
    solve_seconds: float = Field(description="Wall time of the whole optimisation [s].")

    @property
    def total_outlay(self) -> float:
        """Deprecated name of :attr:`total_monthly_cost`; removed in the next release."""
        return float(renamed(self, "total_outlay", "total_monthly_cost"))

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        return accept_old_names(data, "PortfolioPlan", {"total_outlay": "total_monthly_cost"})

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
                describe_design(s.plan.design, None, s.plan.chain_offsite),
            )
            for s in self.systems
        ) + tuple(
            (
                f"link {x.link}", x.monthly_cost, 0.0, x.monthly_cost, None, None, None, None,
                None, False, None, None, None, None, None, f"shared by {len(x.systems)}", x.label,
            )
            for x in self.links_bought
        )  # fmt: skip
        blocks: list[Lines | Table] = [Lines(tuple(summary[1:]))] if summary[1:] else []
        if self.systems:
            blocks.append(Table(columns, rows))
        return Document(summary[0], tuple(blocks), self.currency, Table(columns, rows))

    def to_csv(self) -> str:
        """The per-system rows as CSV text (header first)."""
        return csv_text(self.rows())

    def _summary(self) -> list[str]:
        cur = self.currency
        if not self.feasible:
            return [f"Portfolio: no plan ({self.status})", *self.reasons]
        lines = [
            f"Portfolio of {len(self.systems)} systems: {self.status}, minimising "
            f"{self.objective} (gap {self.gap:.2g})",
            f"Total outlay {money_words(self.total_monthly_cost, cur)}, expected loss "
            f"{money_words(self.total_expected_annual_loss, cur, 'yr')}, TCO "
            f"{money_words(self.total_tco, cur)}",
        ]
        for x in self.links_bought:
            lines.append(
                f"shared link {x.link}: {money_words(x.monthly_cost, cur)} once (port "
                f"{money_words(x.port, cur)}, circuit {money_words(x.circuit, cur)}) for "
                f"{len(x.systems)} system{'s' if len(x.systems) != 1 else ''}"
            )
        for b in self.shared:
            state = "binding" if b.binding else "not binding"
            if b.constraint == "budget":
                used, limit, slack = (money_words(v, cur) for v in (b.used, b.limit, b.slack))
            else:
                used, limit, slack = (f"{_number(v)} Mbit/s" for v in (b.used, b.limit, b.slack))
            lines.append(
                f"{b.constraint}: {used} of {limit} (slack {slack}), "
                f"{state}; one more unit is worth {b.shadow_price:,.4g} {cur}/month"
            )
        for s in self.contention:
            lines.append(f"contention: {s.name}: {s.fix}")
        return lines


def _number(value: float) -> str:
    """An amount in a table whose header names the currency (never ``inf``)."""
    return f"{value:,.2f}" if math.isfinite(value) else format_money(value, per=None)


# --- candidates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidates:
    """The candidate options of one system type and the evaluation of their rows.

    Option ``k`` is a design at its longest feasible interval (row ``long[k]`` of ``ev``)
    or, when ``mix[k]``, that design at any interval between its longest and its shortest
    (row ``short[k]``): outlay, TCO and traffic are linear in the interval between the
    two (checked at the midpoint), so a mix of the two ends with weight ``w`` on the long
    one is the design at the interval ``w I_long + (1 - w) I_short``. An option that
    cannot mix has ``short[k] == long[k]`` (its one end may be the shortest interval).
    """

    ev: Evaluation | None
    long: IntArray  # (K,) row of each option's long end in ev
    short: IntArray  # (K,) row of its short end (== long when it cannot mix)
    outlay: FloatArray  # (K, 2) [currency/month] at the long and the short end
    tco: FloatArray  # (K, 2) [currency/month]
    traffic: FloatArray  # (K,) [Mbit/s], the same at every interval
    mix: NDArray[np.bool_]  # (K,)
    link: IntArray  # (K,) the shared link each option uses (catalog order), -1 none

    def __len__(self) -> int:
        return int(self.long.size)


def _empty_candidates() -> _Candidates:
    i, f = np.empty(0, np.int64), np.empty((0, 2))
    return _Candidates(None, i, i, f, f, np.empty(0), np.empty(0, bool), i)


def _link_charges(catalog: Catalog) -> FloatArray:
    """The fixed monthly charge of each catalog link, port plus carrier circuit
    [currency/month], in catalog order, then 0 for no link (index -1)."""
    return np.array(
        [*(x.price_per_month + x.circuit_price_per_month for x in catalog.links.values()), 0.0],
        dtype=np.float64,
    )


def _by_link(link: IntArray) -> list[IntArray]:
    """The positions of each link's options (one group per link, no link a group too)."""
    return [np.flatnonzero(link == v) for v in np.unique(link)]


def _linear_between(
    end_l: FloatArray, end_s: FloatArray, mid: FloatArray, tol: float = TOL
) -> NDArray[np.bool_]:
    """Whether the figure at the midpoint interval is the mean of the two ends."""
    with np.errstate(invalid="ignore"):
        chord = 0.5 * (end_l + end_s)
        ok = np.abs(mid - chord) <= tol * np.maximum(1.0, np.abs(chord))
    return np.asarray(ok & np.isfinite(end_l) & np.isfinite(end_s) & np.isfinite(mid))


def _segment_dominates(
    g_o: FloatArray, g_f: FloatArray, g_t: float, p_o: FloatArray, p_f: FloatArray, p_t: FloatArray
) -> NDArray[np.bool_]:
    """Whether some point of the segment ``g`` (its ends ``g_o[0], g_f[0]`` long and
    ``g_o[1], g_f[1]`` short, traffic ``g_t``) is at most each point ``p`` on outlay,
    objective and traffic."""
    lo = np.zeros(p_o.shape)
    hi = np.ones(p_o.shape)
    for ends, p in ((g_o, p_o), (g_f, p_f)):
        # value at weight w on the long end: ends[1] + w (ends[0] - ends[1]) <= p
        base, slope = float(ends[1]), float(ends[0] - ends[1])
        room = p + TOL - base
        if slope > 0:
            hi = np.minimum(hi, room / slope)
        elif slope < 0:
            lo = np.maximum(lo, room / slope)
        else:
            hi = np.where(room >= 0, hi, -1.0)
    return np.asarray((lo <= hi) & (g_t <= p_t + TOL))


def _candidates(
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective,
) -> _Candidates:
    """The options of one system type that an optimal portfolio may need.

    For the outlay objective each design that meets the ask is offered at its longest
    feasible interval, where its outlay is least (outlay never rises with the interval and
    the traffic does not depend on it). For TCO each design is evaluated at its longest
    and its shortest feasible interval and at their midpoint. Where the midpoint is
    feasible and its outlay, TCO and traffic are the means of the ends', the figures are
    linear in the interval between the ends (they are piecewise linear, convex or concave
    in it, so a midpoint on the chord proves the whole segment lies on it) and the design
    is offered as the segment; otherwise its two ends are offered as two points.

    An option is dropped when one point (a point option) or one segment beats it on
    outlay, objective and traffic at every point; swapping it for that point keeps every
    constraint and does not raise the objective, so the problem over the options has the
    same optimum.
    """
    space = build_space(catalog, requirements.retention)
    long = evaluate_space(space, workload, requirements, impact, catalog)
    # a design meets the ask at some interval iff it does at the longest one, where its
    # outlay is least: other rows can be dropped before the second evaluation
    ok = long.feasible.copy()
    if requirements.budget is not None:
        ok &= long.outlay <= requirements.budget + TOL
    if not ok.any():
        return _empty_candidates()
    # the shared link's port and circuit are paid once per link by the portfolio, not by
    # each system: options carry their outlay and TCO without that charge, and are pruned
    # only against options on the same link (decision in docs/decisions.md)
    charge = _link_charges(catalog)
    if objective == "outlay":
        rows = np.flatnonzero(ok)
        net = long.outlay[rows] - charge[long.space.link[rows]]
        keep = np.concatenate(
            [
                rows[g[pareto_mask(net[g], np.zeros(g.size), long.paths.traffic[rows[g]])]]
                for g in _by_link(long.space.link[rows])
            ]
        )
        keep = keep[np.lexsort((keep, long.tco[keep], long.outlay[keep]))]
        ev = take_rows(long, keep)
        lk = np.asarray(ev.space.link, dtype=np.int64)
        o = np.asarray(ev.outlay - charge[lk], dtype=np.float64)
        f = np.asarray(ev.tco - charge[lk], dtype=np.float64)
        idx = np.arange(keep.size, dtype=np.int64)
        return _Candidates(
            ev,
            idx,
            idx,
            np.column_stack([o, o]),
            np.column_stack([f, f]),
            np.asarray(ev.paths.traffic / _MBPS, dtype=np.float64),
            np.zeros(keep.size, bool),
            lk,
        )
    sub = space.take(np.flatnonzero(ok))
    n = len(sub)
    short = evaluate_space(sub, workload, requirements, impact, catalog, interval_rule="shortest")
    i_long, i_short = long.interval[ok], short.interval
    mid = evaluate_space(
        replace(sub, interval=0.5 * (i_long + i_short)), workload, requirements, impact, catalog
    )
    # the figures of every design at its long end, its short end and their midpoint
    # (rows 0..n-1, n..2n-1, 2n..3n-1); only the kept options are evaluated again below
    evs = (short, mid)
    paid = np.tile(charge[sub.link], 3)  # every row's link charge, left out of its figures
    outlay = np.concatenate([long.outlay[ok], *(e.outlay for e in evs)]) - paid
    tco_all = np.concatenate([long.tco[ok], *(e.tco for e in evs)]) - paid
    fits = np.concatenate([long.feasible[ok], *(e.feasible for e in evs)])
    if requirements.budget is not None:
        fits &= outlay + paid <= requirements.budget + TOL
    if (fits & np.isfinite(tco_all)).any():
        # an unbounded expected loss (no copy survives a costed scenario) never wins
        # while the system has a design with a finite one
        fits &= np.isfinite(tco_all)
    traffic = np.concatenate([long.paths.traffic[ok], *(e.paths.traffic for e in evs)])
    traffic = traffic / _MBPS
    d = np.arange(n)
    lo_r, sh_r, mid_r = d, d + n, d + 2 * n
    mix = fits[lo_r] & fits[sh_r] & fits[mid_r] & (i_short < i_long)
    for col in (outlay, tco_all, traffic):
        mix &= _linear_between(col[lo_r], col[sh_r], col[mid_r])
    # options: a segment per mixable design, else a point per end that fits (the short
    # end only where it differs from the long one)
    point_l = fits[lo_r] & ~mix
    point_s = fits[sh_r] & ~mix & (i_short < i_long)
    opt_long = np.concatenate([lo_r[mix], lo_r[point_l], sh_r[point_s]])
    opt_short = np.concatenate([sh_r[mix], lo_r[point_l], sh_r[point_s]])
    opt_mix = np.concatenate(
        [np.ones(int(mix.sum()), bool), np.zeros(opt_long.size - int(mix.sum()), bool)]
    )
    if opt_long.size == 0:
        return _empty_candidates()
    tco = np.nan_to_num(tco_all, posinf=1e300)
    alive = np.zeros(opt_long.size, bool)
    for grp in _by_link(sub.link[opt_long % n]):  # pruned within each link's options
        # an option survives when one of its ends is on the Pareto front of every end ...
        g_mix = grp[opt_mix[grp]]
        ends = np.concatenate([opt_long[grp], opt_short[g_mix]])
        owner = np.concatenate([grp, g_mix])
        front = np.zeros(opt_long.size, bool)
        front[owner[pareto_mask(outlay[ends], tco[ends], traffic[ends])]] = True
        # ... or when no single option (point or segment) beats each of its ends
        alive |= front
        rest = grp[~front[grp]]
        for g in np.flatnonzero(front):
            if rest.size == 0:
                break
            go = outlay[[opt_long[g], opt_short[g]]]
            gf = tco[[opt_long[g], opt_short[g]]]
            gt = float(traffic[opt_long[g]])
            beaten = np.ones(rest.size, bool)
            for rows in (opt_long[rest], opt_short[rest]):
                beaten &= _segment_dominates(go, gf, gt, outlay[rows], tco[rows], traffic[rows])
            rest = rest[~beaten]
        alive[rest] = True
    k = np.flatnonzero(alive)
    k = k[np.lexsort((opt_long[k], tco[opt_long[k]], outlay[opt_long[k]]))]
    rows = np.unique(np.concatenate([opt_long[k], opt_short[k]]))
    intervals = np.concatenate([i_long, i_short])
    chosen = evaluate_space(
        replace(sub.take(rows % n), interval=intervals[rows]),
        workload,
        requirements,
        impact,
        catalog,
    )
    pos = np.searchsorted(rows, opt_long[k]), np.searchsorted(rows, opt_short[k])
    lk = np.asarray(chosen.space.link[pos[0]], dtype=np.int64)
    return _Candidates(
        chosen,
        pos[0].astype(np.int64),
        pos[1].astype(np.int64),
        (np.column_stack([chosen.outlay[pos[0]], chosen.outlay[pos[1]]]) - charge[lk, None]).astype(
            np.float64
        ),
        (np.column_stack([chosen.tco[pos[0]], chosen.tco[pos[1]]]) - charge[lk, None]).astype(
            np.float64
        ),
        np.asarray(chosen.paths.traffic[pos[0]] / _MBPS, dtype=np.float64),
        opt_mix[k],
        lk,
    )


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
            if f[j] >= f[hull[-1]] - TOL:
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
    if (budget is not None and spend > budget + TOL) or (
        capacity is not None and use > capacity + TOL
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
        if (budget is not None and spend + d_spend > budget + TOL) or (
            capacity is not None and use + d_use > capacity + TOL
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
    memo: dict[int, tuple[float, float, bool] | None] = {}
    figs = []
    for plan in plans:  # systems of one type on one option share a plan
        if id(plan) not in memo:
            memo[id(plan)] = _site_figures(plan)
        figs.append(memo[id(plan)])
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
        raise FieldError("restore_capacity", f"{capacity!r} must be positive [GB/h], e.g. 2000")
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
    # only restores share the pipe: a system that fails over waits for no one
    wait[p <= 0] = 0.0
    site = np.array([f is not None for f in figs], dtype=bool)
    alone = np.array([f[0] if f is not None else np.nan for f in figs])
    limit = np.array([f[1] if f is not None else np.nan for f in figs])
    eff = alone + wait
    with np.errstate(invalid="ignore"):
        missed = site & (alone <= limit + TOL) & (eff > limit + TOL)
        counted = site & np.isfinite(eff)
    total = float(np.sum(w[counted] * eff[counted]))
    out = []
    for i in range(m):
        fix = ""
        if missed[i]:
            a, lim, e = float(alone[i]), float(limit[i]), float(eff[i])
            fix = (
                f"site RTO {hours_words(a)} alone but {hours_words(e)} after waiting "
                f"{hours_words(float(wait[i]))} for the restore pipe "
                f"(limit {hours_words(lim)}): its "
                f"restore must start within {hours_words(max(lim - a, 0.0))}; use a standby "
                "(failover needs no restore), a faster tier, or pin it earlier (priority)"
            )
        on = bool(site[i])
        out.append(
            {
                "restore_time": float(p[i]),
                "restore_wait": float(wait[i]),
                "rto_alone": float(alone[i]) if on else None,
                "effective_rto": float(eff[i]) if on else None,
                "rto_limit": float(limit[i]) if on else None,
                "missed_under_contention": bool(missed[i]),
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


def _types(
    systems: Sequence[PortfolioSystem], impacts: Sequence[BusinessImpact]
) -> tuple[IntArray, list[int]]:
    """Each system's type and the first system of each type.

    Systems with equal workload, limits and impact are interchangeable: they have the
    same options, and any assignment of options to them has the same totals. (Name and
    restore priority do not enter the choice of designs.)
    """
    seen: dict[tuple[int, int, int], str] = {}  # the same objects are serialised once
    index: dict[str, int] = {}
    kind = np.empty(len(systems), dtype=np.int64)
    first: list[int] = []
    for i, (s, imp) in enumerate(zip(systems, impacts, strict=True)):
        ids = (id(s.workload), id(s.requirements), id(imp))
        key = seen.get(ids)
        if key is None:
            key = seen[ids] = _key(s, imp)
        t = index.get(key)
        if t is None:
            t = index[key] = len(first)
            first.append(i)
        kind[i] = t
    return kind, first


def _assign(
    systems: Sequence[PortfolioSystem],
    impacts: Sequence[BusinessImpact],
    kind: IntArray,
    first: Sequence[int],
    cands: Sequence[_Candidates],
    counts: Sequence[IntArray],
    weights: Sequence[FloatArray],
    catalog: Catalog,
) -> list[Plan]:
    """The plan of every system: a type's systems take its options in input order.

    The ``z`` systems of a type on a mixable option share its long-end weight ``w``
    equally: each runs the design at ``I_short + (w / z)(I_long - I_short)``, whose
    figures are the same mix of the ends' (linear in the interval), so the totals are
    the solver's. Systems of one type on one option share one plan.
    """
    plans: list[Plan | None] = [None] * len(systems)
    for t, c in enumerate(cands):
        members = np.flatnonzero(kind == t)
        if members.size == 0:
            continue
        rep = systems[first[t]]
        at = 0
        for k in np.flatnonzero(counts[t]):
            z = int(counts[t][k])
            ev = c.ev
            assert ev is not None
            lam = float(weights[t][k]) / z if c.mix[k] else 1.0
            if lam >= 1.0 - 1e-9:
                ev_k, row = ev, int(c.long[k])
            elif lam <= 1e-9:
                ev_k, row = ev, int(c.short[k])
            else:
                i_l, i_s = ev.interval[c.long[k]], ev.interval[c.short[k]]
                one = ev.space.take(np.array([c.long[k]]))
                one = replace(one, interval=np.array([i_s + lam * (i_l - i_s)]))
                ev_k = evaluate_space(
                    one, rep.workload, rep.requirements, impacts[first[t]], catalog
                )
                row = 0
            plan = _without_link(
                make_plan(ev_k, row, rep.workload, rep.requirements, impacts[first[t]], catalog)
            )
            for i in members[at : at + z]:
                plans[int(i)] = plan
            at += z
    assert all(p is not None for p in plans)
    return [p for p in plans if p is not None]


def _without_link(plan: Plan) -> Plan:
    """The plan with its WAN port and circuit left out: the portfolio pays them once per
    link (:class:`SharedLink`), not per system."""
    items = dict(plan.cost_breakdown)
    charge = items.get("link", 0.0) + items.get("circuit", 0.0)
    if charge == 0.0:
        return plan
    items["link"] = items["circuit"] = 0.0
    note = (
        f"The WAN port and circuit of '{plan.design.link}' "
        f"({money_words(charge, plan.currency)}) are paid once by the portfolio for every "
        "system that uses the link, so they are left out of this plan's monthly cost."
    )
    return plan.model_copy(
        update={
            "cost_breakdown": items,
            "monthly_cost": plan.monthly_cost - charge,
            "tco_monthly": plan.tco_monthly - charge,
            "assumptions": (*plan.assumptions, note),
        }
    )


def plan_portfolio(
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
    >>> ask = Requirements(rpo="1 d", rto="1 w")  # a week: ransomware takes days
    >>> sys = [PortfolioSystem(name=n, workload=Workload(data_size=s), requirements=ask)
    ...        for n, s in (("a", "1 TB"), ("b", "500 GB"))]
    >>> plan = plan_portfolio(sys, budget=5000, objective="outlay")
    >>> plan.feasible, plan.total_monthly_cost <= 5000
    (True, True)
    """
    start = time.perf_counter()
    if objective not in ("outlay", "tco"):
        raise FieldError("objective", f"{objective!r} is not an objective; use 'outlay' or 'tco'")
    for i, s in enumerate(systems):
        check_type(f"systems[{i}]", s, PortfolioSystem)
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise FieldError("systems", f"names {dup} appear twice; give each system a unique name")
    default_impact, catalog = with_defaults(impact, catalog)
    impacts = [s.impact if s.impact is not None else default_impact for s in systems]
    kind, first = _types(systems, impacts)
    counts = np.bincount(kind, minlength=len(first)) if len(systems) else np.zeros(0, np.int64)
    cands = [
        _candidates(systems[i].workload, systems[i].requirements, impacts[i], catalog, objective)
        for i in first
    ]
    reasons: list[str] = []
    cur = catalog.currency
    low = [float(c.outlay.min()) if len(c) else math.inf for c in cands]
    empty = [t for t, c in enumerate(cands) if len(c) == 0]
    for t in empty:
        for j in np.flatnonzero(kind == t):
            s = systems[int(j)]
            res = cheapest(s.workload, s.requirements, impact=impacts[int(j)], catalog=catalog)
            if res.plan is not None and s.requirements.budget is not None:
                reasons.append(
                    f"{s.name}: its cheapest design that meets its limits costs "
                    f"{money_words(res.plan.monthly_cost, cur)}, more than its own "
                    f"maximum {money_words(s.requirements.budget, cur)}"
                )
            else:
                why = "; ".join(r.message for r in res.reasons)
                reasons.append(f"{s.name}: no design meets its limits: {why}")
    charges = _link_charges(catalog)[:-1]
    smallest = None
    if not empty:
        # the least outlay: each system's cheapest design, the links it uses paid once (a
        # small fixed-charge problem of its own when a link has a charge)
        least_sol = _solve_types(
            [
                _Type(int(n), c.outlay, c.outlay, c.traffic, c.mix, c.link)
                for n, c in zip(counts, cands, strict=True)
            ],
            None,
            duals=False,
            charges=charges,
        )
        smallest = least_sol.objective if least_sol.counts is not None else None
    if not empty and smallest is not None:
        if budget is not None and smallest is not None and smallest > budget + TOL:
            worst = sorted(range(len(systems)), key=lambda i: (-low[kind[i]], i))[:5]
            reasons.append(
                "budget: the cheapest designs, their shared links paid once, cost "
                f"{money_words(smallest, cur)} in total, more than the budget "
                f"{money_words(budget, cur)}; the smallest budget that works is "
                f"{money_words(smallest, cur)} (largest minima, shared links aside: "
                + ", ".join(f"{names[i]} {money_words(low[kind[i]], cur)}" for i in worst)
                + ")"
            )
        if links is not None:
            least = float(
                sum(n * float(c.traffic.min()) for n, c in zip(counts, cands, strict=True))
            )
            if least > links + TOL:
                reasons.append(
                    f"link: the least traffic of every system is {least:,.2f} Mbit/s in total, "
                    f"more than the link's {links:,.2f} Mbit/s"
                )
    sol = None
    if not reasons:
        types = [
            _Type(
                int(n),
                c.outlay,
                c.tco if objective == "tco" else c.outlay,
                c.traffic,
                c.mix,
                c.link,
            )
            for n, c in zip(counts, cands, strict=True)
        ]
        sol = _solve_types(
            types,
            budget,
            links,
            mip_rel_gap=mip_rel_gap,
            time_limit=time_limit,
            charges=charges,
        )
        if sol.counts is None:
            reasons.append(
                "budget and link together: each fits alone with the cheapest designs, but no "
                "choice fits both; raise the budget or the link capacity"
                if sol.status == "infeasible"
                else f"solver: {sol.status}"
            )
    n_cand = int(sum(n * len(c) for n, c in zip(counts, cands, strict=True)))
    if sol is None or sol.counts is None or sol.weights is None:
        return PortfolioPlan(
            feasible=False,
            status="infeasible" if sol is None else sol.status,
            objective=objective,
            currency=cur,
            systems=(),
            budget=budget,
            total_monthly_cost=0.0,
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
    plans = _assign(systems, impacts, kind, first, cands, sol.counts, sol.weights, catalog)
    rec, seq, weighted = _recovery(systems, plans, impacts, restore_capacity)
    sizes = [len(c) for c in cands]
    sys_plans = tuple(
        SystemPlan(name=s.name, plan=p, candidates=sizes[kind[i]], **rec[i])
        for i, (s, p) in enumerate(zip(systems, plans, strict=True))
    )
    keys = list(catalog.links)
    bought = []
    for li in sorted({p.design.link for p in plans if p.design.link is not None}, key=keys.index):
        spec = catalog.links[li]
        bought.append(
            SharedLink(
                link=li,
                label=spec.label,
                port=spec.price_per_month,
                circuit=spec.circuit_price_per_month,
                monthly_cost=spec.price_per_month + spec.circuit_price_per_month,
                systems=tuple(
                    s.name for s, p in zip(systems, plans, strict=True) if p.design.link == li
                ),
            )
        )
    total = float(sum(p.monthly_cost for p in plans)) + float(sum(x.monthly_cost for x in bought))
    eal = float(sum(p.expected_annual_loss for p in plans))
    used_link = float(
        sum(float(np.dot(z, c.traffic)) for z, c in zip(sol.counts, cands, strict=True))
    )
    shared = []
    for name, limit, used in (("budget", budget, total), ("link", links, used_link)):
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
        total_monthly_cost=total,
        links_bought=tuple(bought),
        total_expected_annual_loss=eal,
        total_tco=total + eal / 12.0,
        objective_value=sol.objective,
        budget_slack=None if budget is None else float(budget) - total,
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


class Settings(_Model):
    policy: str | None = None
    budget: MoneyPerMonth | None = None
    links: MbitPerSecond | None = None
    restore_capacity: GBPerHour | None = None
    objective: Objective = "tco"
    impacts: dict[str, _SystemImpact] = Field(default_factory=dict)


_SETTINGS = frozenset(Settings.model_fields)


def settings_json_schema() -> dict[str, Any]:
    """JSON Schema of the portfolio fields an inventory file may add (``policy``, ...).

    Returns
    -------
    dict
        An object schema whose ``properties`` are the top-level fields of
        :func:`load_portfolio` beside ``[[systems]]`` and ``[catalog]``.
    """
    schema = Settings.model_json_schema()
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


def load_portfolio(
    path: str | Path, policy: str | Path | None = None, *, allow_outside: bool = False
) -> PortfolioFile:
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
    allow_outside : bool, default False
        Let the file's ``policy`` and ``catalog.file`` name files outside its directory.

    Returns
    -------
    PortfolioFile
        Requirements come from each system's tier; declared designs are ignored.

    Raises
    ------
    InputError
        With every problem of the files, one line each.
    """
    from .files import (
        InputError,
        base_of,
        format_validation_error,
        read_toml,
        resolve_reference,
    )
    from .policy import inventory_from_dict, load_policy

    p = Path(path)
    raw = read_toml(p)
    try:
        settings = Settings.model_validate({k: v for k, v in raw.items() if k in _SETTINGS})
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(p))) from None
    pol_path = Path(policy) if policy is not None else None
    if pol_path is None and settings.policy is not None:
        pol_path = resolve_reference(
            settings.policy, base_of(p), field="policy", source=str(p), allow_outside=allow_outside
        )
    if pol_path is None:
        raise InputError(
            [f"{p}: policy: is required for the tiers; add policy = 'policy.toml' or --policy"]
        )
    pol = load_policy(pol_path)
    inv = inventory_from_dict(
        {k: v for k, v in raw.items() if k not in _SETTINGS},
        source=str(p),
        base=base_of(p),
        policy=pol,
        allow_outside=allow_outside,
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


def optimize(*args: Any, **kwargs: Any) -> PortfolioPlan:
    """Deprecated name of :func:`plan_portfolio` (same arguments); removed in the next
    release. It shared its name with the module :mod:`rtocalc.optimize`."""
    warnings.warn(
        "rtocalc.portfolio.optimize is deprecated; use rtocalc.portfolio.plan_portfolio "
        "(same arguments)",
        DeprecationWarning,
        stacklevel=2,
    )
    return plan_portfolio(*args, **kwargs)

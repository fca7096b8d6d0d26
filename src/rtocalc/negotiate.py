"""The negotiation: the business ask against the budget, answered like a good IT lead.

:func:`negotiate` gathers what :func:`rtocalc.cheapest`, :func:`rtocalc.frontier` and
:func:`rtocalc.cost_curve` compute into one answer: the verdict, the binding physical
limits, the cheapest design that meets the ask, the counter-offers that fit the budget,
what zero downtime costs, and the questions the business must answer. It adds no model.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import Field, PrivateAttr

from ._render import Column, Document, Items, Table, describe_design
from .models import SCOPES, BusinessImpact, Catalog, Requirements, Retention, Workload
from .optimize import (
    _Bound,
    _bound,
    _cheapest,
    _cheapest_plan,
    _check_type,
    _inputs,
    clock_words,
    make_plan,
)
from .results import Plan, Reason, _Result
from .space import DesignSpace, Evaluation, IntArray, build_space
from .tradeoff import (
    _KNEE_FACTOR,
    _OPEN_LIMIT,
    DEFAULT_INTERVALS,
    CostCurve,
    _cost_curve,
    _frontier,
    _grid,
    _scopes_in,
)
from .units import HOURS_PER_YEAR, format_duration, format_money

__all__ = [
    "CounterOffer",
    "Negotiation",
    "Question",
    "Round",
    "ZeroDowntime",
    "negotiate",
]

Verdict = Literal["fits_budget", "over_budget", "no_budget", "impossible"]


_VERDICTS = {
    "impossible": "the ask cannot be met: no design in the catalog reaches it.",
    "over_budget": "the ask can be met, but not within the budget.",
    "fits_budget": "the ask fits the budget.",
    "no_budget": "the ask can be met; no budget was given.",
}


def _d(hours: float) -> str:
    return format_duration(hours, digits=3) if math.isfinite(hours) else "no recovery"


def _lim(hours: float) -> str:
    return format_duration(hours, digits=3) if math.isfinite(hours) else "-"


def _money(amount: float, currency: str, per: str | None = "mo") -> str:
    return format_money(amount, currency, per=per) if math.isfinite(amount) else "unbounded"


def _ask_words(ask: Requirements, currency: str | None) -> str:
    def limits(metric: str) -> str:
        value = getattr(ask, metric)
        if isinstance(value, dict):
            return ", ".join(f"{k} {_lim(v)}" for k, v in value.items()) or "none"
        return _lim(float(value))

    parts = [f"RPO {limits('rpo')}", f"RTO {limits('rto')}", f"retention {ask.retention}"]
    if ask.offsite:
        parts.append("off-site copy")
    if ask.immutable:
        parts.append("immutable copy")
    if ask.budget is not None:
        budget = _money(ask.budget, currency) if currency else f"{ask.budget:,.2f}/mo"
        parts.append(f"budget {budget}")
    return "; ".join(parts)


class CounterOffer(_Result):
    """A relaxation of the ask that fits the budget, and what the business gives up."""

    kind: Literal["rto_rpo", "retention", "offsite", "immutable"] = Field(
        description="What is relaxed."
    )
    rto: float = Field(description="Worst RTO over the scenarios in scope [h].")
    rpo: float = Field(description="Worst RPO over the scenarios in scope [h].")
    monthly_cost: float = Field(description="Outlay of the plan [currency/month].")
    gives_up: tuple[str, ...] = Field(description="What the business gives up, in words.")
    plan: Plan = Field(description="The plan behind the offer.")

    def _document_(self) -> Document:
        title = (
            f"{_money(self.monthly_cost, self.plan.currency)}: "
            + "; ".join(self.gives_up or ("the ask as is",))
        )
        plan = self.plan._document_()
        return Document(title, plan.blocks, plan.currency, plan.table())


class ZeroDowntime(_Result):
    """What the last hours of downtime cost, against the budget and the losses avoided."""

    rto_floor: float = Field(description="Smallest RTO any design reaches [h].")
    cost_at_floor: float = Field(description="Cheapest outlay at that RTO [currency/month].")
    knee_rto: float | None = Field(
        description="Tightest RTO before the costs jump (the cheap side of the loosest knee) [h]."
    )
    cost_at_knee: float | None = Field(description="Outlay at that RTO [currency/month].")
    cost_at_ask: float | None = Field(description="Outlay at the ask [currency/month].")
    multiple: float | None = Field(
        description="Cost at the RTO floor over cost at the knee (or the ask) [-]."
    )
    downtime_per_year: float = Field(
        description="Expected downtime per year at the RTO floor [h/year]."
    )
    availability: float = Field(description="1 - downtime per year / 8760 h [-].")
    break_even_rto: float | None = Field(
        description=(
            "RTO where total cost of ownership is lowest: tighter than this, extra spend "
            "no longer pays for the losses it avoids [h] (None without impact costs)."
        )
    )
    break_even_cost: float | None = Field(description="Outlay at the break-even [currency/month].")
    note: str = Field(description="The finding in words.")

    def _document_(self) -> Document:
        return Document(self.note)


class Question(_Result):
    """A question the business must answer, mapped to the parameters it sets."""

    question: str = Field(description="The question, as the business would ask it.")
    parameters: tuple[str, ...] = Field(description="Parameters the answer sets.")
    current: str = Field(description="Their current values, in words.")

    def _document_(self) -> Document:
        return Document(f"{self.question} Sets {', '.join(self.parameters)}; now {self.current}.")


class Round(_Result):
    """One round of a negotiation, for the history."""

    ask: Requirements = Field(description="The ask in that round.")
    verdict: Verdict = Field(description="The verdict in that round.")
    monthly_cost: float | None = Field(description="Cheapest outlay meeting it [currency/month].")

    def _document_(self) -> Document:
        return Document(f"{_ask_words(self.ask, None)} -> {self.verdict.replace('_', ' ')}")


class Negotiation(_Result):
    """The answer to an ask: verdict, limits, cost, counter-offers, zero downtime."""

    verdict: Verdict = Field(description="fits_budget, over_budget, no_budget or impossible.")
    ask: Requirements = Field(description="The ask of this round.")
    workload: Workload = Field(description="The protected system.")
    impact: BusinessImpact = Field(description="Costs and scenarios used.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    budget: float | None = Field(description="Budget [currency/month].")
    plan: Plan | None = Field(description="Cheapest plan that meets the ask, if any.")
    limits: tuple[Reason, ...] = Field(description="Binding limits when impossible.")
    best_rto_in_budget: CounterOffer | None = Field(
        description="The plan with the smallest RTO the budget buys (ask's hard asks kept)."
    )
    best_rpo_in_budget: CounterOffer | None = Field(
        description="The plan with the smallest RPO the budget buys (ask's hard asks kept)."
    )
    counter_offers: tuple[CounterOffer, ...] = Field(
        description="Pareto-minimal relaxations that fit the budget, cheapest first."
    )
    zero_downtime: ZeroDowntime | None = Field(description="What zero downtime costs.")
    questions: tuple[Question, ...] = Field(description="Questions for the business.")
    history: tuple[Round, ...] = Field(description="Earlier rounds, oldest first.")

    _catalog: Catalog | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # the catalog is kept only so that revise() needs no argument: it is not part of
        # the value (JSON does not carry it), so a negotiation read back equals itself
        if not isinstance(other, Negotiation):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__


    def revise(self, catalog: Catalog | None = None, **changes: Any) -> Negotiation:
        """The next round: the same system with the ask changed.

        Parameters
        ----------
        catalog : Catalog, optional
            The catalog; needed only for a negotiation read back from JSON (which does
            not carry its catalog), otherwise the one of this round.
        **changes : Any
            Fields of :class:`Requirements` to change, e.g. ``rto="4 h"`` or
            ``budget="$5,000/mo"``; strings with units are parsed as usual.

        Returns
        -------
        Negotiation
            With this round appended to ``history``.
        """
        unknown = sorted(set(changes) - set(Requirements.model_fields))
        if unknown:
            raise TypeError(
                f"revise: {unknown} are not fields of the ask; use any of "
                + ", ".join(sorted(Requirements.model_fields))
            )
        data = {**self.ask.model_dump(), **changes}
        ask = Requirements.model_validate(data, context={"currency": self.currency})
        this = Round(
            ask=self.ask,
            verdict=self.verdict,
            monthly_cost=None if self.plan is None else self.plan.monthly_cost,
        )
        catalog = catalog if catalog is not None else self._catalog
        if catalog is None:
            raise ValueError(
                "revise: this negotiation was read back from JSON and carries no catalog; "
                "pass it, e.g. revise(catalog=Catalog.default(), rto='4 h')"
            )
        return negotiate(
            self.workload,
            ask,
            impact=self.impact,
            catalog=catalog,
            _history=(*self.history, this),
        )

    @property
    def rounds(self) -> tuple[Round, ...]:
        """Every round including this one, oldest first."""
        return (
            *self.history,
            Round(
                ask=self.ask,
                verdict=self.verdict,
                monthly_cost=None if self.plan is None else self.plan.monthly_cost,
            ),
        )

    def _sections(self) -> list[Items]:
        cur = self.currency
        out = [Items("The ask", (_ask_words(self.ask, cur),))]
        if self.limits:
            why = tuple(r.message for r in self.limits)
            out.append(Items("Why not: the limits that bind", why))
        if self.plan is not None:
            gap = ""
            if self.budget is not None:
                diff = self.plan.monthly_cost - self.budget
                gap = (
                    f", {_money(diff, cur)} over the budget"
                    if diff > 0
                    else f", {_money(-diff, cur)} under the budget"
                )
            out.append(
                Items(
                    "Cheapest design that meets the ask",
                    (
                        f"{_money(self.plan.monthly_cost, cur)}{gap}: "
                        f"{describe_design(self.plan.design)}.",
                    ),
                )
            )
        best = []
        if self.best_rto_in_budget is not None:
            o = self.best_rto_in_budget
            best.append(
                f"shortest RTO: {_d(o.rto)} (RPO {_d(o.rpo)}) for {_money(o.monthly_cost, cur)}"
            )
        if self.best_rpo_in_budget is not None:
            o = self.best_rpo_in_budget
            best.append(
                f"smallest RPO: {_d(o.rpo)} (RTO {_d(o.rto)}) for {_money(o.monthly_cost, cur)}"
            )
        if best:
            out.append(
                Items("What the budget buys (worst case over the scenarios in scope)", tuple(best))
            )
        if self.counter_offers:
            offers = tuple(
                f"{_money(o.monthly_cost, cur)}: "
                + "; ".join(o.gives_up or ("the ask as is",))
                + f" ({describe_design(o.plan.design)})"
                for o in self.counter_offers
            )
            out.append(Items("Counter-offers that fit the budget", offers, numbered=True))
        elif self.budget is not None and self.verdict != "fits_budget":
            out.append(
                Items("Counter-offers that fit the budget", ("none: no design fits the budget",))
            )
        if self.zero_downtime is not None:
            out.append(Items("Zero downtime", (self.zero_downtime.note,)))
        out.append(
            Items(
                "Questions for the business",
                tuple(
                    f"{q.question} Sets {', '.join(q.parameters)}; now {q.current}."
                    for q in self.questions
                ),
            )
        )
        if self.history:
            out.append(
                Items(
                    "Earlier rounds",
                    tuple(
                        f"round {i}: {_ask_words(r.ask, cur)} -> {r.verdict.replace('_', ' ')}"
                        + (
                            f" ({_money(r.monthly_cost, cur)})"
                            if r.monthly_cost is not None
                            else ""
                        )
                        for i, r in enumerate(self.history, 1)
                    ),
                )
            )
        return out

    def _document_(self) -> Document:
        columns = (
            Column("offer", "offer", "count"),
            Column("kind", "relaxes"),
            Column("monthly_cost", "per month", "money"),
            Column("rto", "RTO", "hours"),
            Column("rpo", "RPO", "hours"),
            Column("gives_up", "gives up"),
            Column("design", "design"),
        )
        rows = tuple(
            (
                i, o.kind, o.monthly_cost, o.rto, o.rpo, "; ".join(o.gives_up),
                describe_design(o.plan.design),
            )
            for i, o in enumerate(self.counter_offers, 1)
        )  # fmt: skip
        title = f"Verdict: {_VERDICTS[self.verdict]}"
        return Document(title, tuple(self._sections()), self.currency, Table(columns, rows))



def _worst_limit(requirements: Requirements, metric: Literal["rpo", "rto"]) -> float:
    return max(requirements.limit(metric, s) for s in _scopes_in(requirements, metric))


def _gives_up(ask: Requirements, plan: Plan) -> tuple[str, ...]:
    """Each limit of the ask the plan misses, scope by scope: 'site RTO 1 d -> 5.01 d'."""
    out = []
    uniform = {m: not isinstance(getattr(ask, m), dict) for m in ("rpo", "rto")}
    for metric in ("rto", "rpo"):
        worst: dict[str, float] = {}
        for o in plan.by_scenario:
            worst[o.scope] = max(worst.get(o.scope, 0.0), getattr(o, metric))
        missed = [
            (s, ask.limit(metric, s), worst[s])
            for s in SCOPES
            if s in worst and worst[s] > ask.limit(metric, s) + 1e-9
        ]
        if uniform[metric] and missed:  # one limit for every scope: name the worst miss
            s, lim, got = max(missed, key=lambda m: m[2])
            out.append(f"{metric.upper()} {_dur(lim)} -> {_dur(got)} ({s})")
        else:
            out += [f"{s} {metric.upper()} {_dur(lim)} -> {_dur(got)}" for s, lim, got in missed]
    return tuple(out)


def _dur(hours: float) -> str:
    return format_duration(hours, digits=3)


def _offer(kind: Any, plan: Plan, gives_up: tuple[str, ...]) -> CounterOffer:
    return CounterOffer(
        kind=kind,
        rto=plan.rto,
        rpo=plan.rpo,
        monthly_cost=plan.monthly_cost,
        gives_up=gives_up,
        plan=plan,
    )


def _frontier_offers(
    ev: Evaluation,
    points: IntArray,
    ask: Requirements,
    budget: float,
    workload: Workload,
    impact: BusinessImpact,
    catalog: Catalog,
) -> tuple[list[CounterOffer], CounterOffer | None, CounterOffer | None]:
    """Pareto-minimal (RTO, RPO) points of the frontier that fit the budget.

    ``ev`` and ``points`` are the frontier before its plans are built
    (:func:`rtocalc.tradeoff._frontier`): the points are chosen on their cost, RTO and RPO,
    and plans are built for the chosen ones only.
    """
    cost, rto, rpo = (getattr(ev, f)[points].tolist() for f in ("outlay", "worst_rto", "worst_rpo"))
    fits = [i for i in range(len(points)) if cost[i] <= budget + 1e-9]
    if not fits:
        return [], None, None
    # beaten: another fitting point at most as slow and as lossy, and not the same pair
    a, b = np.array([rto[i] for i in fits]), np.array([rpo[i] for i in fits])
    at_most = (a[None, :] <= a[:, None]) & (b[None, :] <= b[:, None])
    beaten = (at_most & ((a[None, :] != a[:, None]) | (b[None, :] != b[:, None]))).any(axis=1)
    chosen: list[int] = []
    for i, lost in zip(fits, beaten.tolist(), strict=True):
        if lost or any(abs(rto[j] - rto[i]) < 1e-9 and abs(rpo[j] - rpo[i]) < 1e-9 for j in chosen):
            continue
        chosen.append(i)
    best_rto = min(fits, key=lambda i: (rto[i], rpo[i], cost[i]))
    best_rpo = min(fits, key=lambda i: (rpo[i], rto[i], cost[i]))
    plans = {
        i: make_plan(ev, int(points[i]), workload, None, impact, catalog)
        for i in (*chosen, best_rto, best_rpo)
    }

    def offer(i: int) -> CounterOffer:
        return _offer("rto_rpo", plans[i], _gives_up(ask, plans[i]))

    return [offer(i) for i in chosen], offer(best_rto), offer(best_rpo)


def _hard_offers(
    workload: Workload,
    ask: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    budget: float,
    space: DesignSpace,
    bound: _Bound,
) -> list[CounterOffer]:
    """Relaxing retention, off-site or immutable, where that alone makes the ask fit.

    ``space`` and ``bound`` are those of the ask's retention (shared by the off-site and
    immutable relaxations). Each search skips the designs whose outlay lower bound exceeds
    the budget: the cheapest design is among the others whenever it fits the budget, and
    an offer is made only then.
    """
    ret = ask.retention
    trials: list[tuple[Any, Requirements, str]] = []
    if ret.yearly:
        trials.append(
            (
                "retention",
                ask.model_copy(update={"retention": ret.model_copy(update={"yearly": 0})}),
                f"the {ret.yearly} yearly points",
            )
        )
    if ret.monthly or ret.quarterly or ret.yearly:
        short = Retention(daily=ret.daily, weekly=ret.weekly, **ret.calendar)
        trials.append(
            (
                "retention",
                ask.model_copy(update={"retention": short}),
                "the monthly, quarterly and yearly points"
                if ret.quarterly
                else "the monthly and yearly points",
            )
        )
    if ret.daily > 7:
        trials.append(
            (
                "retention",
                ask.model_copy(update={"retention": ret.model_copy(update={"daily": 7})}),
                f"daily points beyond 7 days (asked {ret.daily})",
            )
        )
    if ask.offsite:
        trials.append(
            (
                "offsite",
                ask.model_copy(update={"offsite": False}),
                "the off-site copy (a site loss then loses the data)",
            )
        )
    if ask.immutable:
        trials.append(
            (
                "immutable",
                ask.model_copy(update={"immutable": False}),
                "the immutable copy (ransomware can then reach every copy)",
            )
        )
    offers = []
    for kind, req, words in trials:
        if req.retention == ask.retention:
            sp, lower = space, bound
        else:
            sp = build_space(catalog, req.retention)
            lower = _bound(sp, workload, req.retention, catalog)
        plan = _cheapest_plan(
            workload, req, impact, catalog, sp, bound=lower, where=lower.outlay <= budget + 1e-9
        )
        if plan is not None and plan.monthly_cost <= budget + 1e-9:
            offers.append(_offer(kind, plan, (f"gives up {words}",)))
    return offers


def _zero_downtime(
    curve: CostCurve,
    plan: Plan | None,
    ask: Requirements,
    impact: BusinessImpact,
    currency: str,
    moving: list[str],
) -> ZeroDowntime | None:
    scope_words = {
        "logical": "corruption or deletion",
        "ransomware": "ransomware",
        "hardware": "a storage failure",
        "site": "a site loss",
        "region": "a regional disaster",
    }
    if not curve.steps:
        return None
    floor = curve.steps[0]
    ask_rto = _worst_limit(ask, "rto")
    cost_at_ask = None if plan is None else plan.monthly_cost
    # the loosest knee: tightening past it is where the last hours start to cost; the
    # multiple compares the floor with the cheap side of that knee (or with the ask)
    knee = cost_at_knee = None
    if curve.knees:
        i = max(j for j, st in enumerate(curve.steps) if st.target in curve.knees)
        knee, cost_at_knee = curve.steps[i + 1].target, curve.steps[i + 1].monthly_cost
    base = cost_at_knee if cost_at_knee else cost_at_ask
    # a multiple of or by an unbounded cost (a price near the float limit) means nothing
    multiple = (
        floor.monthly_cost / base
        if base and math.isfinite(base) and math.isfinite(floor.monthly_cost)
        else None
    )
    rates = {o.name: o.rate for o in floor.plan.by_scenario}
    downtime = sum(rates[o.name] * o.rto for o in floor.plan.by_scenario if math.isfinite(o.rto))
    availability = max(0.0, 1.0 - downtime / HOURS_PER_YEAR)
    has_costs = impact.downtime_cost + impact.data_loss_cost > 0
    be_rto = be_cost = None
    if has_costs:
        best = min(curve.steps, key=lambda s: (s.plan.tco_monthly, -s.target))
        be_rto, be_cost = best.target, best.monthly_cost

    def money(x: float) -> str:
        return format_money(x, currency)

    which = " and ".join(scope_words.get(x, x) for x in moving)
    # how the floor recovers the moving scopes: the slowest of them, part by part
    by_scope = [o for o in floor.plan.by_scenario if o.scope in moving]
    slowest = max(by_scope, key=lambda o: o.rto, default=None)
    how = (
        f" ({slowest.recovered_from}: {clock_words(slowest.clock)})"
        if slowest is not None and slowest.clock
        else ""
    )
    parts = [
        f"After {which} the fastest recovery any design reaches is "
        f"{format_duration(floor.target, digits=3)}{how}; it costs "
        f"{money(floor.monthly_cost)}"
    ]
    if multiple is not None and base:
        at = knee if cost_at_knee else ask_rto
        parts.append(
            f"{multiple:.1f}x the {money(base)} that an RTO of "
            f"{format_duration(at or 0.0, digits=3)} costs"
            + (", the last step before the costs jump" if cost_at_knee else ", the ask")
        )
    parts.append(
        f"with it, expected downtime is {format_duration(downtime, digits=3)} a year "
        f"(availability {availability:.4%})"
    )
    if be_rto is not None and be_cost is not None:
        parts.append(
            f"spending pays for itself down to RTO {format_duration(be_rto, digits=3)} "
            f"({money(be_cost)}); tighter, the extra spend exceeds the losses it avoids"
        )
    else:
        parts.append(
            "where extra spend stops paying for avoided losses needs downtime and data-loss "
            "costs (impact)"
        )
    # the other half: damage a standby carries needs an earlier point in time, and a
    # disaster wider than the standby's reach needs a copy beyond it
    def took(outcomes: list[Any]) -> str:
        return " and ".join(
            f"{format_duration(o.rto, digits=3)} after {scope_words.get(o.scope, o.scope)}"
            for o in outcomes
        )

    others = [o for o in floor.plan.by_scenario if o.scope not in moving and o.rate > 0]
    carried = [o for o in others if o.scope in ("logical", "ransomware")]
    wider = [o for o in others if o not in carried]
    if carried:
        parts.append(
            "no standby helps against "
            + " and ".join(scope_words.get(o.scope, o.scope) for o in carried)
            + ": a replica carries the damage, so recovery needs an earlier, surviving point "
            f"in time, and the same design takes {took(carried)}"
        )
    if wider:
        parts.append(f"the standby is lost too in a wider disaster: {took(wider)}")
    return ZeroDowntime(
        rto_floor=floor.target,
        cost_at_floor=floor.monthly_cost,
        knee_rto=knee,
        cost_at_knee=cost_at_knee,
        cost_at_ask=cost_at_ask,
        multiple=multiple,
        downtime_per_year=downtime,
        availability=availability,
        break_even_rto=be_rto,
        break_even_cost=be_cost,
        note="; ".join(parts) + ".",
    )


def _questions(
    ask: Requirements, plan: Plan | None, impact: BusinessImpact
) -> tuple[Question, ...]:
    def limits(metric: Literal["rpo", "rto"]) -> str:
        value = getattr(ask, metric)
        if isinstance(value, dict):
            return (
                ", ".join(
                    f"{s} {format_duration(value[s], digits=3)}" for s in SCOPES if s in value
                )
                or "none"
            )
        return format_duration(float(value), digits=3)

    interval = (
        f"; the plan backs up every {format_duration(plan.design.interval, digits=3)}"
        if plan is not None
        else ""
    )
    costs = (
        f"; downtime costs {format_money(impact.downtime_cost, per='h')}"
        if impact.downtime_cost
        else "; no downtime cost given"
    )
    return (
        Question(
            question="How much recent work can we afford to lose (how often must backups run)?",
            parameters=("requirements.rpo", "design.interval"),
            current=f"RPO {limits('rpo')}{interval}",
        ),
        Question(
            question="How long must data be kept?",
            parameters=("requirements.retention",),
            current=str(ask.retention),
        ),
        Question(
            question="How long can we afford to be down?",
            parameters=("requirements.rto", "requirements.mtd", "impact.downtime_cost"),
            current=f"RTO {limits('rto')}{costs}",
        ),
    )


def _possible(ask: Requirements, reasons: tuple[Reason, ...]) -> Requirements:
    """The ask without the RPO and RTO limits that no design meets, so that the
    zero-downtime curve shows what recovery time costs where a design exists. (Raising
    each to its own floor is not enough: the floors are often reached by different
    designs.)"""
    update: dict[str, Any] = {}
    for metric in ("rpo", "rto"):
        impossible = {r.constraint[4:-1] for r in reasons if r.constraint.startswith(f"{metric}[")}
        if impossible:
            update[metric] = {
                x: (_OPEN_LIMIT if x in impossible else ask.limit(metric, x))
                for x in _scopes_in(ask, metric)
            }
    if "rto" in update:
        update["mtd"] = None
    return ask.model_copy(update=update) if update else ask


def negotiate(
    workload: Workload,
    ask: Requirements,
    *,
    impact: BusinessImpact | None = None,
    catalog: Catalog | None = None,
    _history: tuple[Round, ...] = (),
) -> Negotiation:
    """Answer an ask against its budget, like a good IT lead in the meeting.

    Parameters
    ----------
    workload : Workload
        The protected system.
    ask : Requirements
        The business ask, with its budget.
    impact : BusinessImpact, optional
        Downtime and data-loss costs and the scenarios (the break-even point needs the
        costs).
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    _history : tuple of Round, optional
        Earlier rounds (used by :meth:`Negotiation.revise`).

    Returns
    -------
    Negotiation

    Notes
    -----
    The verdict is ``impossible`` when no design meets the ask (the binding limits say
    why, in numbers), ``over_budget`` when the cheapest design that meets it costs more
    than the budget, ``fits_budget`` when it does not, ``no_budget`` without a budget.
    Counter-offers are the frontier points (:func:`rtocalc.frontier`, the ask's
    retention, off-site and immutable asks kept) that fit the budget and that no other
    fitting point beats on both RTO and RPO, plus the single relaxations of retention,
    off-site or immutable that make the ask itself fit.

    Examples
    --------
    >>> from rtocalc import Workload, Requirements, negotiate
    >>> ask = Requirements(rpo="5 min", rto="5 min", offsite=True, budget="$1,000/mo")
    >>> n = negotiate(Workload(data_size="2 TB", compute_cost="$5,000/mo"), ask)
    >>> n.verdict, all(o.monthly_cost <= 1000 for o in n.counter_offers)
    ('over_budget', True)
    """
    _check_type("workload", workload, Workload)
    _check_type("ask", ask, Requirements)
    impact, catalog = _inputs(impact, catalog)
    # one space and one outlay bound for every search below: they depend on the retention
    # only, which no search but the retention counter-offers changes
    space = build_space(catalog, ask.retention)
    bound = _bound(space, workload, ask.retention, catalog)
    res, evaluated = _cheapest(space, workload, ask, impact, catalog, "outlay", bound=bound)
    budget = ask.budget
    if not res.feasible:
        verdict: Verdict = "impossible"
    elif budget is None:
        verdict = "no_budget"
    elif res.plan is not None and res.plan.monthly_cost <= budget + 1e-9:
        verdict = "fits_budget"
    else:
        verdict = "over_budget"
    offers: list[CounterOffer] = []
    best_rto = best_rpo = None
    if budget is not None and verdict != "fits_budget":
        # the designs evaluated for the ask give their solved intervals to the frontier
        ev, points = _frontier(
            space,
            workload,
            ask,
            impact,
            catalog,
            _grid(DEFAULT_INTERVALS),
            budget,
            asked=True,
            bound=bound,
            evaluated=evaluated,
        )
        offers, best_rto, best_rpo = _frontier_offers(
            ev, points, ask, budget, workload, impact, catalog
        )
        if verdict == "over_budget":
            offers += _hard_offers(workload, ask, impact, catalog, budget, space, bound)
        offers.sort(key=lambda o: (o.monthly_cost, o.rto, o.rpo))
    # zero downtime is a question of failover: the RTO moves for the scopes some standby
    # of the catalog survives (hardware, site); the others keep the ask, or their floor
    # where it is impossible
    standby_scopes = {sc for x in catalog.strategies.values() if x.replica for sc in x.survives}
    failover_scopes: list[str] = [
        x for x in SCOPES if x in standby_scopes and x in _scopes_in(ask, "rto")
    ]
    possible = _possible(ask, res.reasons)
    curve = _cost_curve(
        workload,
        possible,
        "rto",
        None,
        impact,
        catalog,
        _KNEE_FACTOR,
        failover_scopes or None,
        round_values=False,
        space=space,
        bound=bound,
    )
    out = Negotiation(
        verdict=verdict,
        ask=ask,
        workload=workload,
        impact=impact,
        currency=catalog.currency,
        budget=budget,
        plan=res.plan,
        limits=res.reasons,
        best_rto_in_budget=best_rto,
        best_rpo_in_budget=best_rpo,
        counter_offers=tuple(offers),
        zero_downtime=_zero_downtime(
            curve,
            res.plan,
            ask,
            impact,
            catalog.currency,
            failover_scopes or _scopes_in(ask, "rto"),
        ),
        questions=_questions(ask, res.plan, impact),
        history=_history,
    )
    out._catalog = catalog
    return out

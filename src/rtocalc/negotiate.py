"""The negotiation: the business ask against the budget, answered like a good IT lead.

:func:`negotiate` gathers what :func:`rtocalc.cheapest`, :func:`rtocalc.frontier` and
:func:`rtocalc.cost_curve` compute into one answer: the verdict, the binding physical
limits, the cheapest design that meets the ask, the counter-offers that fit the budget,
what zero downtime costs, and the questions the business must answer. It adds no model.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import Field, PrivateAttr, model_validator

from ._renamed import accept_old_names, renamed
from ._render import (
    NO_LIMIT,
    Column,
    Document,
    Items,
    Lines,
    Table,
    availability_words,
    clock_words,
    describe_design,
    duration_words,
    hours_words,
    money_words,
    plain_design,
    rate_words,
    svg_cost_chart,
    to_html,
    to_markdown,
    to_page,
    to_text,
)
from ._search import Bound as _Bound
from ._search import bound as _bound
from .meeting import Agreement, RecordedRound, agreement_of, recorded_round
from .models import (
    SCOPES,
    BusinessImpact,
    Catalog,
    CatalogInfo,
    Requirements,
    Retention,
    Workload,
)
from .optimize import (
    OPEN_LIMIT,
    cheapest_on_space,
    cheapest_plan,
    check_type,
    make_plan,
    with_defaults,
)
from .results import Plan, Reason, ResultModel
from .space import DesignSpace, Evaluation, IntArray, build_space
from .tradeoff import (
    DEFAULT_INTERVALS,
    KNEE_FACTOR,
    CostCurve,
    build_cost_curve,
    frontier_points,
    interval_grid,
    scopes_in,
)
from .units import HOURS_PER_YEAR, TOL, format_duration, format_money, parse_duration

__all__ = [
    "CounterOffer",
    "FailureOutcome",
    "Negotiation",
    "Option",
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
    return hours_words(hours)


def _lim(hours: float) -> str:
    return hours_words(hours, infinite=NO_LIMIT)


#: a kind of failure in words, by scope
SCOPE_WORDS = {
    "logical": "deletion or corruption",
    "ransomware": "ransomware",
    "hardware": "hardware failure",
    "site": "loss of the site",
    "region": "regional disaster",
}

#: how a recovery path recovers, in words
_PATH_WORDS = {
    "failover": "switch to the standby",
    "restore:primary": "restore from the backups",
    "restore:offsite": "restore from the off-site copy",
    "restore:longterm": "restore from the long-term copy",
    # a protection mechanism, by its catalog kind (FailureOutcome.path)
    "protection:snapshot": "revert or copy from a snapshot",
    "protection:journal": "rewind the replication journal",
    "protection:log_backup": "restore the database to a point in time",
    "protection:replica": "switch to the delayed replica",
    "none": "nothing survives",
}


def _limit_words(ask: Requirements, metric: str, empty: str) -> str:
    """An ask's RPO or RTO in plain words: one duration, or one per scope ("4 hours
    after a site loss, ..."); ``empty`` for a per-scope ask that limits no scope."""
    value = getattr(ask, metric)
    if isinstance(value, dict):
        return (
            ", ".join(
                f"{duration_words(value[x])} after {SCOPE_WORDS.get(x, x)}"
                for x in SCOPES
                if x in value
            )
            or empty
        )
    return duration_words(float(value))


def _ask_plain(ask: Requirements, currency: str) -> str:
    """The ask for a business reader: work lost, downtime, keeping, copies, budget."""

    def limits(metric: str) -> str:
        return _limit_words(ask, metric, "no limit")

    parts = [
        f"lose at most {limits('rpo')} of work",
        f"be down at most {limits('rto')}",
        f"keep {ask.retention}",
    ]
    if ask.wrt:
        parts.append(f"then {duration_words(ask.wrt)} to catch up on work")
    if ask.offsite:
        parts.append("a copy off site")
    if ask.immutable:
        parts.append("a copy ransomware cannot change")
    if ask.budget is not None:
        parts.append(f"budget {money_words(ask.budget, currency)}")
    return "; ".join(parts)


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
        budget = money_words(ask.budget, currency) if currency else f"{ask.budget:,.2f}/mo"
        parts.append(f"budget {budget}")
    return "; ".join(parts)


class CounterOffer(ResultModel):
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
            f"{money_words(self.monthly_cost, self.plan.currency)}: "
            + "; ".join(self.gives_up or ("the ask as is",))
        )
        plan = self.plan._document_()
        return Document(title, plan.blocks, plan.currency, plan.table())


class ZeroDowntime(ResultModel):
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
    scopes: tuple[str, ...] = Field(
        (), description="The failures whose recovery time moves along the curve (scopes)."
    )
    curve: tuple[tuple[float, float], ...] = Field(
        (),
        description=(
            "The cost curve: (tightest recovery time of a step [h], cheapest outlay on it "
            "[currency/month]), tightest first."
        ),
    )

    def _document_(self) -> Document:
        return Document(self.note)


class Question(ResultModel):
    """A question the business must answer, mapped to the parameters it sets."""

    question: str = Field(description="The question, as the business would ask it.")
    parameters: tuple[str, ...] = Field(description="Parameters the answer sets.")
    current: str = Field(description="Their current values, in words.")

    def _document_(self) -> Document:
        return Document(f"{self.question} Sets {', '.join(self.parameters)}; now {self.current}.")


class Round(ResultModel):
    """One round of a negotiation, for the history."""

    ask: Requirements = Field(description="The ask in that round.")
    verdict: Verdict = Field(description="The verdict in that round.")
    monthly_cost: float | None = Field(description="Cheapest outlay meeting it [currency/month].")

    def _document_(self) -> Document:
        return Document(f"{_ask_words(self.ask, None)} -> {self.verdict.replace('_', ' ')}")


class FailureOutcome(ResultModel):
    """One kind of failure under one option: downtime and work lost, typical and worst."""

    failure: str = Field(description="The scenario's name.")
    scope: str = Field(description="The scenario's scope (what it destroys).")
    rate: float = Field(description="Occurrences per year [1/year].")
    downtime: float = Field(
        description="Downtime after a typical incident (its share of the data) [h]; inf if none."
    )
    downtime_worst: float = Field(
        description="Downtime after the worst incident (its share_worst of the data) [h]."
    )
    work_recovery: float = Field(
        description="Work recovery time after systems are back, from the ask [h]."
    )
    work_lost: float = Field(description="Work lost in a typical incident (mean data loss) [h].")
    work_lost_worst: float = Field(description="Work lost in the worst incident [h].")
    downtime_limit: float = Field(description="The ask's downtime limit [h]; inf if none.")
    work_lost_limit: float = Field(description="The ask's limit on work lost [h]; inf if none.")
    path: str = Field(
        description="Recovery path (as ScenarioOutcome.path; a protection mechanism's with "
        "its kind, e.g. 'protection:snapshot')."
    )
    recovered_from: str = Field(description="The copy recovered from, in words.")
    meets: bool = Field(description="Whether the ask's limits are met.")

    def _document_(self) -> Document:
        return Document(
            f"{self.failure}: down {duration_words(self.downtime)} (worst "
            f"{duration_words(self.downtime_worst)}), lose {duration_words(self.work_lost)} "
            f"of work (worst {duration_words(self.work_lost_worst)}); {rate_words(self.rate)}",
            frame=_failure_table([("", None, None, self)]),
        )


Tier = Literal["", "good", "better", "best"]

#: where an option comes from: the cheapest design meeting the ask, a counter-offer by what
#: it relaxes (as CounterOffer.kind), or the plan with the shortest downtime / least work
#: lost the budget buys
OptionOrigin = Literal[
    "meets_ask",
    "relaxed_rto_rpo",
    "relaxed_retention",
    "relaxed_offsite",
    "relaxed_immutable",
    "shortest_downtime",
    "least_work_lost",
]
#: the counter-offers that relax something other than the RTO and RPO (kept in a handout)
_RELAXED_ASKS: frozenset[OptionOrigin] = frozenset(
    ("relaxed_retention", "relaxed_offsite", "relaxed_immutable")
)
_BUDGET_BUYS: frozenset[OptionOrigin] = frozenset(("shortest_downtime", "least_work_lost"))


class Option(ResultModel):
    """An option for the meeting: a plan, its cost, and how it fares in each failure."""

    number: int = Field(description="Its number in the meeting (what `agree --option` takes).")
    name: str = Field(description="What the option is, in words.")
    tier: Tier = Field(
        description=(
            "good, better or best among the options that fit the budget, cheapest to the "
            "one nearest the budget ('' otherwise)."
        )
    )
    monthly_cost: float = Field(description="Outlay of the plan [currency/month].")
    one_time_cost: float = Field(
        0.0,
        description=(
            "One-off purchases of the plan (Plan.one_time_cost), amortised into "
            "monthly_cost [currency]."
        ),
    )
    cost_breakdown: dict[str, float] = Field(
        description="Outlay by item, as Plan.cost_breakdown [currency/month]."
    )
    meets_ask: bool = Field(description="Whether the plan meets the whole ask.")
    origins: tuple[OptionOrigin, ...] = Field(
        description=(
            "Where the option comes from, as fields to read (name says it in words): "
            "'meets_ask', 'relaxed_<kind>' of a counter-offer, 'shortest_downtime' or "
            "'least_work_lost'; two when one plan is both."
        )
    )
    gives_up: tuple[str, ...] = Field(description="What the business gives up, in words.")
    design: str = Field(description="The design, in plain words.")
    outcomes: tuple[FailureOutcome, ...] = Field(description="One per kind of failure.")
    plan: Plan = Field(description="The plan behind the option.")

    @property
    def one_off_cost(self) -> float:
        """Deprecated name of :attr:`one_time_cost`; removed in the next release."""
        return float(renamed(self, "one_off_cost", "one_time_cost"))

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        return accept_old_names(data, "Option", {"one_off_cost": "one_time_cost"})

    def _document_(self) -> Document:
        title = f"{self.number}. {self.name}: {money_words(self.monthly_cost, self.plan.currency)}"
        cost: float | None = self.monthly_cost
        table = _failure_table(
            [(str(self.number), cost, self.one_time_cost, o) for o in self.outcomes]
        )
        return Document(title, (Lines((self.design + ".",)), table), self.plan.currency)


def _failure_columns() -> tuple[Column, ...]:
    """The options table: one row per kind of failure and option (and the ask)."""
    return (
        Column("failure", "failure"),
        Column("how_often", "how often"),
        Column("rate", "rate", "rate", show=False),
        Column("option", "option"),
        Column("downtime", "down (typical)", "hours", digits=2),
        Column("downtime_worst", "down (worst)", "hours", digits=2),
        Column("work_recovery", "then catching up", "hours", digits=2, show=False),
        Column("work_lost", "work lost (typical)", "hours", digits=2),
        Column("work_lost_worst", "work lost (worst)", "hours", digits=2),
        Column("recovery", "recovery"),
        Column("monthly_cost", "per month", "money"),
        Column("one_time_cost", "one-off", "money", per=None),
        Column("meets", "meets the ask", "flag", show=False),
    )


def _limit_cell(hours: float) -> float | None:
    return hours if math.isfinite(hours) else None


def _failure_table(
    rows: Sequence[tuple[str, float | None, float | None, FailureOutcome]],
    ask: Requirements | None = None,
    budget: float | None = None,
) -> Table:
    """``rows`` are (option, its monthly cost, its one-off purchases, outcome), grouped by
    failure; with ``ask`` each failure starts with a row of the ask's limits (and the
    budget)."""
    out: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    # a failure is named by its kind when it is the only scenario of that kind
    kinds: dict[str, set[str]] = {}
    for *_, o in rows:
        kinds.setdefault(o.scope, set()).add(o.failure)
    for option, cost, one_off, o in rows:
        if o.failure not in seen:
            seen.add(o.failure)
            name = (
                SCOPE_WORDS.get(o.scope, o.failure).capitalize()
                if len(kinds[o.scope]) == 1
                else o.failure
            )
            head: tuple[Any, ...] = (name, rate_words(o.rate), o.rate)
            if ask is not None:
                worst_rto = ask.incident == "worst"
                rto_lim = _limit_cell(o.downtime_limit)
                out.append(
                    (
                        *head, "the ask",
                        None if worst_rto else rto_lim, rto_lim if worst_rto else None,
                        ask.wrt, None, _limit_cell(o.work_lost_limit), "", budget, None, None,
                    )
                )  # fmt: skip
                head = ("", "", o.rate)
        else:
            head = ("", "", o.rate)
        out.append(
            (
                *head, option, o.downtime, o.downtime_worst, o.work_recovery, o.work_lost,
                o.work_lost_worst, _PATH_WORDS.get(o.path, o.path), cost, one_off, o.meets,
            )
        )  # fmt: skip
    return Table(_failure_columns(), tuple(out))


class Negotiation(ResultModel):
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
    options: tuple[Option, ...] = Field(
        (),
        description=(
            "The options for the meeting, numbered: the cheapest plan that meets the ask (if "
            "any), then the counter-offers and what the budget buys, cheapest first."
        ),
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "The catalog's labels of the designs' parts, by 'targets.KEY', 'offsite.KEY', "
            "'links.KEY' and 'strategies.KEY'."
        ),
    )
    price_list: CatalogInfo = Field(
        default_factory=CatalogInfo,
        description="The catalog's name, date and description (where the prices come from).",
    )

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

    def rto_curve(self, catalog: Catalog | None = None) -> CostCurve:
        """The RTO cost curve behind ``zero_downtime``, computed again.

        A negotiation does not carry its curve (each step holds a plan); this computes it
        as :func:`negotiate` does, with the same ask, impact and failover scopes, in
        about the time of the negotiation itself.

        Parameters
        ----------
        catalog : Catalog, optional
            Needed only for a negotiation read back from JSON (which does not carry its
            catalog; default then :meth:`rtocalc.Catalog.default`), otherwise the one of
            this negotiation.

        Returns
        -------
        CostCurve
            Cheapest plan per RTO step, tightest first.
        """
        if catalog is None:
            catalog = self._catalog if self._catalog is not None else Catalog.default()
        return rto_cost_curve(self.workload, self.ask, self.limits, self.impact, catalog)

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

    def _sections(self, detail: bool = False) -> list[Items | Table | Lines]:
        cur = self.currency
        out: list[Items | Table | Lines] = [Items("The ask", (_ask_plain(self.ask, cur),))]
        if self.limits:
            why = tuple(_why(r) for r in self.limits)
            out.append(Items("Why not: the limits that bind", why))
        if self.plan is not None and self.budget is not None:
            diff = self.plan.monthly_cost - self.budget
            gap = (
                f"{money_words(diff, cur)} over the budget"
                if diff > 0
                else f"{money_words(-diff, cur)} under the budget"
            )
            out.append(
                Lines(
                    (
                        f"The cheapest design that meets the ask costs "
                        f"{money_words(self.plan.monthly_cost, cur)}, {gap}.",
                    )
                )
            )
        if self.options:
            out.append(
                Items(
                    "Options",
                    tuple(
                        f"{o.name}, {money_words(o.monthly_cost, cur)}"
                        + (f" ({o.tier})" if o.tier else "")
                        + (": " + "; ".join(o.gives_up) if o.gives_up else "")
                        + f". Design: {o.design}."
                        for o in self.options
                    ),
                    numbered=True,
                )
            )
            out.append(self._table())
        elif self.budget is not None and self.verdict != "fits_budget":
            out.append(Items("Options", ("none: no design fits the budget",)))
        if self.zero_downtime is not None:
            out.append(Items("Zero downtime", (self.zero_downtime.note,)))
        out.append(
            Items(
                "Questions for the business",
                tuple(f"{q.question} Now: {q.current}." for q in self.questions),
            )
        )
        if self.history:
            out.append(
                Items(
                    "Earlier rounds",
                    tuple(
                        f"round {i}: {_ask_plain(r.ask, cur)} -> {r.verdict.replace('_', ' ')}"
                        + (
                            f" ({money_words(r.monthly_cost, cur)})"
                            if r.monthly_cost is not None
                            else ""
                        )
                        for i, r in enumerate(self.history, 1)
                    ),
                )
            )
        if detail:
            out += self._appendix()
        return out

    def _appendix(self) -> list[Items | Table | Lines]:
        """The technical appendix: parameter names, catalog keys, worst cases."""
        cur = self.currency
        out: list[Items | Table | Lines] = []
        if self.limits:
            out.append(
                Items(
                    "Technical appendix: the limits that bind, part by part",
                    tuple(r.message for r in self.limits),
                )
            )
        out += [
            Items(
                "Technical appendix: what each question sets",
                tuple(
                    f"{q.question} Sets {', '.join(q.parameters)}; now {q.current}."
                    for q in self.questions
                ),
            )
        ]
        if self.options:
            out.append(
                Items(
                    "Technical appendix: the options' designs (catalog keys)",
                    tuple(
                        f"{o.number}. "
                        f"{describe_design(o.plan.design, None, o.plan.chain_offsite)}; cost "
                        + ", ".join(
                            f"{k} {money_words(v, cur)}" for k, v in o.cost_breakdown.items() if v
                        )
                        for o in self.options
                    ),
                )
            )
        best = []
        if self.best_rto_in_budget is not None:
            o = self.best_rto_in_budget
            best.append(
                f"shortest RTO: {_d(o.rto)} (RPO {_d(o.rpo)}) "
                f"for {money_words(o.monthly_cost, cur)}"
            )
        if self.best_rpo_in_budget is not None:
            o = self.best_rpo_in_budget
            best.append(
                f"smallest RPO: {_d(o.rpo)} (RTO {_d(o.rto)}) "
                f"for {money_words(o.monthly_cost, cur)}"
            )
        if best:
            out.append(
                Items(
                    "Technical appendix: what the budget buys (worst case over the scenarios "
                    "in scope)",
                    tuple(best),
                )
            )
        out.append(Items("Technical appendix: the ask", (_ask_words(self.ask, cur),)))
        return out

    def _table(self) -> Table:
        """The options table: one row per kind of failure and option (the DataFrame)."""
        rows = [
            (f"{o.number}" + (f" ({o.tier})" if o.tier else ""), o.monthly_cost, o.one_time_cost, f)
            for name in dict.fromkeys(x.failure for o in self.options for x in o.outcomes)
            for o in self.options
            for f in o.outcomes
            if f.failure == name
        ]
        table = _failure_table(rows, self.ask, self.budget)
        return Table(table.columns, table.rows, "Options by kind of failure")

    def _document_(self, detail: bool = False) -> Document:
        title = f"Verdict: {_VERDICTS[self.verdict]}"
        frame = self._table() if self.options else Table(_failure_columns(), ())
        return Document(title, tuple(self._sections(detail)), self.currency, frame)

    def _shortlist(self) -> tuple[Option, ...]:
        """The options a handout shows: the one that meets the ask, good / better / best,
        and what the budget buys; all of them when there are at most five."""
        if len(self.options) <= 5:
            return self.options
        keep = [
            o
            for o in self.options
            if o.tier
            or o.meets_ask
            or not _BUDGET_BUYS.isdisjoint(o.origins)
            or not _RELAXED_ASKS.isdisjoint(o.origins)
        ]
        return tuple(keep[:6]) or self.options[:5]

    def _pivot(self, options: tuple[Option, ...]) -> Table:
        """One row per kind of failure, one column per option (and the ask)."""
        cur = self.currency

        def cell(f: FailureOutcome) -> str:
            down = duration_words(f.downtime)
            if f.downtime_worst > f.downtime * 1.05:
                down += f" (worst {duration_words(f.downtime_worst)})"
            if f.work_recovery:
                down += f" + {duration_words(f.work_recovery)} catching up"
            lost = duration_words(f.work_lost_worst)
            return f"down {down}; up to {lost} of work lost" + ("" if f.meets else " ✗")

        columns = [Column("failure", "failure"), Column("how_often", "how often")]
        columns.append(Column("ask", "the ask"))
        columns += [
            Column(f"option_{o.number}", f"{o.number}" + (f" ({o.tier})" if o.tier else ""))
            for o in options
        ]
        rows: list[tuple[Any, ...]] = [
            (
                "cost per month",
                "",
                "budget " + money_words(self.budget, cur) if self.budget is not None else "",
                *(money_words(o.monthly_cost, cur) for o in options),
            ),
            (
                "one-off purchases (in the monthly cost, amortised)",
                "",
                "",
                *(money_words(o.one_time_cost, cur, None) for o in options),
            ),
        ]
        if options:
            first = options[0].outcomes
            kinds = [f.scope for f in first]
            for k, f in enumerate(first):
                name = (
                    SCOPE_WORDS.get(f.scope, f.failure).capitalize()
                    if kinds.count(f.scope) == 1
                    else f.failure
                )
                asked = (
                    f"down {duration_words(f.downtime_limit)}"
                    if math.isfinite(f.downtime_limit)
                    else "down: no limit"
                ) + (
                    f"; {duration_words(f.work_lost_limit)} of work lost"
                    if math.isfinite(f.work_lost_limit)
                    else ""
                )
                rows.append(
                    (name, rate_words(f.rate), asked, *(cell(o.outcomes[k]) for o in options))
                )
        return Table(tuple(columns), tuple(rows), "Options by kind of failure")

    def _risks(self, options: tuple[Option, ...]) -> tuple[str, ...]:
        """The residual risks in plain words, from the options' outcomes and the catalog."""
        out = [
            "All times are modelled from catalog figures until a restore test proves them; "
            "plan a restore test of the chosen option and record its times.",
            "How often each failure happens is an estimate per system from published surveys, "
            "not a promise; a failure can happen twice in one year.",
        ]
        for o in options:
            lost = [f for f in o.outcomes if f.path == "none" or not math.isfinite(f.downtime)]
            if lost:
                out.append(
                    f"Option {o.number}: after "
                    + " and ".join(SCOPE_WORDS.get(f.scope, f.scope) for f in lost)
                    + " no copy survives: the data is lost."
                )
        worst = [
            (o.number, f)
            for o in options
            for f in o.outcomes
            if math.isfinite(f.downtime_worst) and f.downtime_worst > 1.5 * f.downtime
        ]
        if worst:
            n, f = max(worst, key=lambda nf: nf[1].downtime_worst / max(nf[1].downtime, 1e-9))
            out.append(
                f"A worst incident takes longer than a typical one: under option {n} a "
                f"{SCOPE_WORDS.get(f.scope, f.scope)} that touches all the data keeps systems "
                f"down {duration_words(f.downtime_worst)} instead of "
                f"{duration_words(f.downtime)}."
            )
        if self.zero_downtime is not None:
            out.append(self.zero_downtime.note)
        return tuple(out)

    def _chart(self, options: tuple[Option, ...]) -> tuple[str, Table] | None:
        """The cost-against-recovery-time chart (SVG) and the same points as a table."""
        z = self.zero_downtime
        if z is None or not z.curve:
            return None
        scopes = set(z.scopes)
        marks = []
        for o in options:
            times = [f.downtime for f in o.outcomes if f.scope in scopes]
            if times:
                marks.append((max(times), o.monthly_cost, str(o.number)))
        ask = max((self.ask.limit("rto", x) for x in scopes), default=math.inf)
        which = " and ".join(SCOPE_WORDS.get(x, x) for x in z.scopes)
        title = f"Cost per month against recovery time after {which}"
        svg = svg_cost_chart(
            z.curve,
            currency=self.currency,
            budget=self.budget,
            ask=ask if math.isfinite(ask) else None,
            markers=marks,
            title=title,
        )
        table = Table(
            (
                Column("rto", "recovery time from", "hours", digits=2),
                Column("monthly_cost", "cheapest per month", "money"),
            ),
            tuple(z.curve),
            title,
        )
        return svg, table

    def _handout(
        self, detail: bool
    ) -> tuple[Document, list[tuple[str, list[Any]]], Any, int, int | None]:
        """The handout's document, its sections, the chart, where the chart goes (before
        the options' descriptions) and where the technical appendix starts (None without
        ``detail``), as positions in the sections rather than by their headings' words."""
        cur = self.currency
        options = self._shortlist()
        sections: list[tuple[str, list[Any]]] = [
            ("The ask", [Lines((_ask_plain(self.ask, cur).capitalize() + ".",))])
        ]
        listed: tuple[str, ...] = ()
        if options:
            listed = tuple(
                f"Option {o.number}" + (f" ({o.tier})" if o.tier else "")
                + f", {money_words(o.monthly_cost, cur)}: {o.name}"
                + (". Gives up: " + "; ".join(o.gives_up) if o.gives_up else "")
                + f". Design: {o.design}."
                for o in options
            )
            sections.append(("Options", [self._pivot(options)]))
        more = len(self.options) - len(options)
        if more:
            listed += (f"{more} further counter-offers are in the full report.",)
        chart_at = len(sections)
        if listed:
            sections.append(("What each option is", [Items("", listed)]))
        if self.limits:
            sections.append(
                ("Why the ask cannot be met", [Items("", tuple(_why(r) for r in self.limits))])
            )
        chart = self._chart(options)
        risks = self._risks(options)
        sections.append(("Residual risks", [Items("", risks)]))
        info = self.price_list
        sections.append(
            (
                "Prices",
                [
                    Lines(
                        (
                            f"Catalog {info.name}, dated {info.date or 'undated'}, in "
                            f"{cur}: {info.description or 'no description given'}",
                        )
                    )
                ],
            )
        )
        sections.append(
            (
                "Agreement",
                [
                    Lines(
                        (
                            "Agreed option: ______   Limits agreed: downtime ______ ; work "
                            "lost ______ ; budget ______",
                        )
                    )
                ],
            )
        )
        appendix_at = len(sections) if detail else None
        if detail:
            sections += [("", [b]) for b in self._appendix()]
        doc = Document(f"Verdict: {_VERDICTS[self.verdict]}", currency=cur)
        return doc, sections, chart, chart_at, appendix_at

    def handout(self, format: Literal["html", "markdown"] = "html", *, detail: bool = False) -> str:
        """The one-page handout for the meeting.

        The verdict, the ask, the options by kind of failure (downtime and work lost,
        typical and worst, how often, the cost per month), a chart of cost against
        recovery time with the budget and the ask, the residual risks, the date and
        source of the prices, and signature lines.

        Parameters
        ----------
        format : {"html", "markdown"}, default "html"
            ``html``: a self-contained page (inline CSS and SVG, no external reference,
            print CSS for A4 or Letter). ``markdown``: the same content for a wiki, the
            chart as a table of its points.
        detail : bool, default False
            Add the technical appendix (parameter names, catalog keys, worst cases).

        Returns
        -------
        str
        """
        if format not in ("html", "markdown"):
            raise ValueError(f"handout: format {format!r} is not 'html' or 'markdown'")
        doc, sections, chart, at, appendix_at = self._handout(detail)
        if chart is not None:
            svg, table = chart
            sections.insert(at, ("What recovery time costs", [svg if format == "html" else table]))
            if appendix_at is not None:
                appendix_at += 1
        if format == "html":
            pages = [
                (h, [b for b in blocks]) for h, blocks in sections
            ]
            page = to_page(doc, pages, title="rtocalc: " + doc.title, appendix_at=appendix_at)
            return page.replace(
                "</body>",
                '<div class="signatures"><div>Business owner: name, date, signature</div>'
                "<div>IT: name, date, signature</div></div></body>",
            )
        parts = [f"# {doc.title}"]
        for heading, blocks in sections:
            if heading:
                parts.append(f"## {heading}")
            parts.append(to_markdown(Document("", tuple(blocks), self.currency)))
        parts.append(
            "Business owner: name, date, signature ______________________\n\n"
            "IT: name, date, signature ______________________"
        )
        return "\n\n".join(parts) + "\n"

    def record(self, *, date: str = "") -> RecordedRound:
        """This round as a meeting record keeps it (:mod:`rtocalc.meeting`).

        Parameters
        ----------
        date : str, optional
            When it was answered (ISO 8601); default now, in UTC, to the second.

        Returns
        -------
        RecordedRound
            The ask, the verdict, the options with the limits each reaches per scope
            (downtime for the ask's incident, work lost in the worst case), the catalog's
            name and date, and the scenarios assumed.
        """
        worst = self.ask.incident == "worst"
        options = []
        for o in self.options:
            rto: dict[str, float] = {}
            rpo: dict[str, float] = {}
            for f in o.outcomes:
                down = f.downtime_worst if worst else f.downtime
                rto[f.scope] = max(rto.get(f.scope, 0.0), down)
                rpo[f.scope] = max(rpo.get(f.scope, 0.0), f.work_lost_worst)
            options.append((o.number, o.name, o.monthly_cost, o.plan.design, rto, rpo))
        return recorded_round(
            date=date or _now(),
            catalog=self.price_list.name,
            catalog_date=self.price_list.date,
            verdict=self.verdict,
            monthly_cost=None if self.plan is None else self.plan.monthly_cost,
            ask=self.ask,
            scenarios=tuple(self.impact.scenarios),
            options=options,
        )

    def agree(self, option: int, *, by: str = "", date: str = "") -> Agreement:
        """The agreement on option ``option`` of this round.

        Parameters
        ----------
        option : int
            The option's number (as the handout shows it).
        by : str, optional
            Who agreed.
        date : str, optional
            When (ISO 8601); default now, in UTC.

        Returns
        -------
        Agreement
            The option's design and cost, and the limits it reaches per scope rounded
            up to two significant digits; :meth:`Agreement.policy_toml` writes them as a
            policy tier for ``rtocalc check``.

        Raises
        ------
        ValueError
            When the round has no such option.
        """
        rnd = self.record(date=date)
        chosen = next((o for o in rnd.options if o.number == option), None)
        if chosen is None:
            known = [o.number for o in rnd.options]
            raise ValueError(
                f"agree: this round has no option {option}; its options are {known or 'none'}"
            )
        return agreement_of(chosen, rnd, by=by, date=rnd.date)

    def _repr_html_(self) -> str:
        """Jupyter: the verdict, the ask and the options table, the reasons and the
        options' descriptions folded (``<details>``), long tables cut as pandas cuts them."""
        blocks = self._sections()
        folded = {"Why not: the limits that bind", "Options"}
        out = [f"<p><b>{html.escape('Verdict: ' + _VERDICTS[self.verdict])}</b></p>"]
        for b in blocks:
            if isinstance(b, Items) and b.title in folded:
                inner = to_html(Document("", (Items("", b.items, b.numbered),), self.currency))
                out.append(
                    f"<details><summary>{html.escape(b.title)} ({len(b.items)})</summary>"
                    f"{inner}</details>"
                )
            else:
                out.append(to_html(Document("", (b,), self.currency)))
        return "".join(out)

    def text(self, *, detail: bool = False) -> str:
        """Plain text for the meeting; ``detail`` adds the technical appendix.

        Parameters
        ----------
        detail : bool, default False
            Add the parameter names behind each question, the catalog keys of each
            option's design and the worst cases over the scenarios in scope.

        Returns
        -------
        str
        """
        return to_text(self._document_(detail))

    def markdown(self, *, detail: bool = False) -> str:
        """Markdown, as :meth:`text` (``to_markdown()`` is this without the appendix).

        Parameters
        ----------
        detail : bool, default False
            Add the technical appendix.

        Returns
        -------
        str
        """
        return to_markdown(self._document_(detail))


def _now() -> str:
    """Now, in UTC, to the second (ISO 8601)."""
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _why(reason: Reason) -> str:
    """A binding limit in plain words, from its fields (the message is technical)."""
    metric, scope = reason.limit_kind, reason.scope
    if (
        metric in ("rto", "rpo")
        and scope is not None
        and reason.limit is not None
        and reason.best is not None
    ):
        what = "be down" if metric == "rto" else "lose work"
        best = (
            "no design recovers at all"
            if not math.isfinite(reason.best)
            else f"the best any design reaches is {duration_words(reason.best)}"
        )
        return (
            f"After {SCOPE_WORDS.get(scope, scope)}: asked to {what} at most "
            f"{duration_words(reason.limit)}; {best}."
        )
    return reason.message


def _outcomes(
    ask: Requirements, plan: Plan, kinds: Mapping[str, str]
) -> tuple[FailureOutcome, ...]:
    """The plan's outcome per scenario, from its fields, against the ask's limits;
    ``kinds`` gives each protection mechanism's kind by catalog key."""
    out = []
    mechanism = plan.design.protection
    for o in plan.by_scenario:
        worst = max(o.rto_worst, o.rto)
        rto_lim, rpo_lim = ask.limit("rto", o.scope), ask.limit("rpo", o.scope)
        down = worst if ask.incident == "worst" else o.rto
        out.append(
            FailureOutcome(
                failure=o.name,
                scope=o.scope,
                rate=o.rate,
                downtime=o.rto,
                downtime_worst=worst,
                work_recovery=ask.wrt,
                work_lost=o.rpo_mean,
                work_lost_worst=o.rpo,
                downtime_limit=rto_lim,
                work_lost_limit=rpo_lim,
                path=(
                    f"protection:{kinds[mechanism]}"
                    if o.path == "protection" and mechanism is not None and mechanism in kinds
                    else o.path
                ),
                recovered_from=o.recovered_from,
                meets=bool(down <= rto_lim + TOL and o.rpo <= rpo_lim + TOL),
            )
        )
    return tuple(out)


def _gives_up_plain(ask: Requirements, plan: Plan) -> tuple[str, ...]:
    """What a plan gives up against the ask, in plain words: for a limit that is the same
    for every failure the worst miss, for limits per failure each miss."""
    out = []
    plain: tuple[tuple[Literal["rpo", "rto"], str, str], ...] = (
        ("rto", "down for up to", ""),
        ("rpo", "lose up to", " of work"),
    )
    for metric, words, what in plain:
        missed = [
            (o, ask.limit(metric, o.scope), getattr(o, metric))
            for o in plan.by_scenario
            if getattr(o, metric) > ask.limit(metric, o.scope) + TOL
        ]
        if not isinstance(getattr(ask, metric), dict) and missed:
            missed = [max(missed, key=lambda m: m[2])]
        out += [
            f"{words} {duration_words(got)}{what} after {SCOPE_WORDS.get(o.scope, o.scope)} "
            f"(asked {duration_words(lim)})"
            for o, lim, got in missed
        ]
    return tuple(out)


def _tiers(costs: list[float], budget: float | None) -> list[Tier]:
    """good / better / best among the options that fit the budget: the cheapest, the one
    nearest the middle, and the one nearest the budget (the dearest that fits)."""
    tiers: list[Tier] = [""] * len(costs)
    if budget is None:
        return tiers
    fit = sorted((c, i) for i, c in enumerate(costs) if c <= budget + TOL)
    if len(fit) < 2:
        return tiers
    tiers[fit[0][1]] = "good"
    tiers[fit[-1][1]] = "best"
    if len(fit) >= 3:
        mid = (fit[0][0] + fit[-1][0]) / 2
        _, i = min(fit[1:-1], key=lambda ci: (abs(ci[0] - mid), ci[0]))
        tiers[i] = "better"
    return tiers


def _options(
    ask: Requirements,
    plan: Plan | None,
    offers: list[CounterOffer],
    best_rto: CounterOffer | None,
    best_rpo: CounterOffer | None,
    labels: dict[str, str],
    kinds: Mapping[str, str],
) -> tuple[Option, ...]:
    """The numbered options: the plan that meets the ask, the offers, what the budget buys.

    Built from the plans' fields only (outcomes, clock, cost breakdown), so what the
    model adds to them shows up here.
    """
    # (kind of option, origins, plan, what it gives up); the names are written last
    entries: list[tuple[str, tuple[OptionOrigin, ...], Plan, tuple[str, ...]]] = []
    if plan is not None:
        entries.append(("The cheapest design that meets the ask", ("meets_ask",), plan, ()))
    for o in offers:
        words = _gives_up_plain(ask, o.plan) if o.kind == "rto_rpo" else o.gives_up
        entries.append(("Counter-offer", (_RELAXED[o.kind],), o.plan, words))
    extras: tuple[tuple[CounterOffer | None, OptionOrigin], ...] = (
        (best_rto, "shortest_downtime"),
        (best_rpo, "least_work_lost"),
    )
    for extra, origin in extras:
        if extra is None:
            continue
        same = [j for j, e in enumerate(entries) if e[2].design == extra.plan.design]
        if same:
            j = same[0]
            kind, origins, p, words = entries[j]
            entries[j] = (kind, (*origins, origin), p, words)
        else:
            entries.append(("", (origin,), extra.plan, _gives_up_plain(ask, extra.plan)))
    outcomes = [_outcomes(ask, p, kinds) for _, _, p, _ in entries]
    beaten = _dominated_by(
        [
            (p.monthly_cost, p.one_time_cost, bool(p.meets_requirements), origins, out)
            for (_, origins, p, _), out in zip(entries, outcomes, strict=True)
        ]
    )
    for i, by in enumerate(beaten):
        if by is None:
            continue
        # what the budget buys is as true of the option that beats it on every shown figure
        kind, origins, p, words = entries[by]
        for origin in entries[i][1]:
            if origin in _BUDGET_BUYS and origin not in origins:
                origins = (*origins, origin)
        entries[by] = (kind, origins, p, words)
    kept = [i for i, by in enumerate(beaten) if by is None]
    entries, outcomes = [entries[i] for i in kept], [outcomes[i] for i in kept]
    tiers = _tiers([p.monthly_cost for _, _, p, _ in entries], ask.budget)
    plans = [p for _, _, p, _ in entries]
    relaxed = [any(o in _HARD_RELAXED for o in origins) for _, origins, _, _ in entries]
    return tuple(
        Option(
            number=i,
            name=_option_name(kind, origins, p, plans, relaxed, ask.budget),
            tier=tier,
            monthly_cost=p.monthly_cost,
            one_time_cost=p.one_time_cost,
            cost_breakdown=p.cost_breakdown,
            meets_ask=bool(p.meets_requirements),
            origins=origins,
            gives_up=words,
            design=plain_design(p.design, labels, p.chain_offsite),
            outcomes=out,
            plan=p,
        )
        for i, ((kind, origins, p, words), out, tier) in enumerate(
            zip(entries, outcomes, tiers, strict=True), 1
        )
    )


#: origins of the options that give up a hard ask (retention, off site, immutable)
_HARD_RELAXED: frozenset[OptionOrigin] = frozenset(
    ("relaxed_retention", "relaxed_offsite", "relaxed_immutable")
)


def _option_name(
    kind: str,
    origins: tuple[OptionOrigin, ...],
    plan: Plan,
    plans: Sequence[Plan],
    relaxed: Sequence[bool],
    budget: float | None,
) -> str:
    """An option's name: its kind (``""`` for an option that is only what the budget
    buys), then what the budget buys that it is.

    The shortest downtime and the least work lost the budget buys are the best worst-case
    RTO and RPO with the ask's retention and copies kept (:func:`_frontier_offers`). Where
    an option on the list that gives one of those up, within the budget, shows a shorter
    worst downtime or less work lost, the unqualified words would be false on the page:
    the name then says "keeping the retention and copies asked".
    """
    buys = [o for o in ("shortest_downtime", "least_work_lost") if o in origins]
    if not buys:
        return kind
    words = {
        ("shortest_downtime",): "the shortest downtime",
        ("least_work_lost",): "the least work lost",
        ("shortest_downtime", "least_work_lost"): "the shortest downtime and the least work lost",
    }[tuple(buys)] + " the budget buys"
    within = budget if budget is not None else math.inf
    beaten = any(
        gave_up
        and other.monthly_cost <= within + TOL
        and (
            ("shortest_downtime" in buys and other.rto < plan.rto)
            or ("least_work_lost" in buys and other.rpo < plan.rpo)
        )
        for other, gave_up in zip(plans, relaxed, strict=True)
    )
    if beaten:
        words += " keeping the retention and copies asked"
    return f"{kind}, {words}" if kind else words[0].upper() + words[1:]


def _dominated_by(
    options: Sequence[
        tuple[float, float, bool, tuple[OptionOrigin, ...], Sequence[FailureOutcome]]
    ],
) -> list[int | None]:
    """For each option, the index of an offered option that dominates it, or None.

    An option is ``(monthly cost, one-off cost, meets the ask, origins, outcomes)``. Its figures are
    those the meeting shows, as displayed: both costs rounded as :func:`format_money`
    writes them, and per failure the downtime and the work lost, typical and worst, as
    :func:`format_duration` writes them to 2 significant digits (the options table and
    the plain words), plus whether it meets the ask and which hard asks (retention,
    off site, immutable) it keeps. Option ``j`` dominates option ``i`` when every figure
    of ``j`` is at most that of ``i`` and either one is smaller or ``j`` comes first (two
    options that read the same are one offer). The relation is transitive, so the
    returned dominator is one that nothing dominates.
    """

    def money(x: float) -> float:
        if not math.isfinite(x):
            return x
        return float(format_money(x, "USD", per=None).lstrip("-$").replace(",", ""))

    def hours(x: float) -> float:
        return parse_duration(format_duration(x, digits=2)) if math.isfinite(x) else x

    shown = [
        np.array(
            [
                money(cost),
                money(one_off),
                float(not meets),
                *(float(f"relaxed_{k}" in origins) for k in ("retention", "offsite", "immutable")),
                *(
                    hours(x)
                    for o in outcomes
                    for x in (o.downtime, o.downtime_worst, o.work_lost, o.work_lost_worst)
                ),
            ]
        )
        for cost, one_off, meets, origins, outcomes in options
    ]

    def beats(j: int, i: int) -> bool:
        a, b = shown[j], shown[i]
        return bool(np.all(a <= b) and (np.any(a < b) or j < i))

    n = len(shown)
    free = [not any(beats(k, j) for k in range(n) if k != j) for j in range(n)]
    return [
        None if free[i] else next(j for j in range(n) if free[j] and beats(j, i))
        for i in range(n)
    ]


#: a counter-offer's origin by what it relaxes (CounterOffer.kind)
_RELAXED: dict[str, OptionOrigin] = {
    "rto_rpo": "relaxed_rto_rpo",
    "retention": "relaxed_retention",
    "offsite": "relaxed_offsite",
    "immutable": "relaxed_immutable",
}


def _labels(catalog: Catalog) -> dict[str, str]:
    """The catalog's labels by 'section.key' (entries without a label are left out)."""
    out: dict[str, str] = {}
    for section in ("targets", "offsite", "links", "strategies", "protection"):
        for key, entry in getattr(catalog, section).items():
            if entry.label:
                out[f"{section}.{key}"] = entry.label
    return out


def _worst_limit(requirements: Requirements, metric: Literal["rpo", "rto"]) -> float:
    return max(requirements.limit(metric, s) for s in scopes_in(requirements, metric))


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
            if s in worst and worst[s] > ask.limit(metric, s) + TOL
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
    (:func:`rtocalc.tradeoff.frontier_points`): the points are chosen on their cost, RTO and RPO,
    and plans are built for the chosen ones only.
    """
    cost, rto, rpo = (getattr(ev, f)[points].tolist() for f in ("outlay", "worst_rto", "worst_rpo"))
    fits = [i for i in range(len(points)) if cost[i] <= budget + TOL]
    if not fits:
        return [], None, None
    # beaten: another fitting point at most as slow and as lossy, and not the same pair
    a, b = np.array([rto[i] for i in fits]), np.array([rpo[i] for i in fits])
    at_most = (a[None, :] <= a[:, None]) & (b[None, :] <= b[:, None])
    beaten = (at_most & ((a[None, :] != a[:, None]) | (b[None, :] != b[:, None]))).any(axis=1)
    chosen: list[int] = []
    for i, lost in zip(fits, beaten.tolist(), strict=True):
        if lost or any(abs(rto[j] - rto[i]) < TOL and abs(rpo[j] - rpo[i]) < TOL for j in chosen):
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
    #: when the relaxed plan still recovers that scope, it gives up only where the older
    #: (long-term) points live: the ask requires every retained point off site / immutable
    partly = {
        "offsite": (
            "site",
            "off-site long-term points (they stay on site: a site loss takes them)",
        ),
        "immutable": (
            "ransomware",
            "immutable long-term points (ransomware can reach the older points)",
        ),
    }
    offers = []
    for kind, req, words in trials:
        if req.retention == ask.retention:
            sp, lower = space, bound
        else:
            sp = build_space(catalog, req.retention, database=workload.kind == "database")
            lower = _bound(sp, workload, req.retention, catalog)
        plan = cheapest_plan(
            workload, req, impact, catalog, sp, bound=lower, where=lower.outlay <= budget + TOL
        )
        if plan is not None and plan.monthly_cost <= budget + TOL:
            if kind in partly:
                scope, part = partly[kind]
                kept = [o for o in plan.by_scenario if o.scope == scope]
                if kept and all(math.isfinite(o.rpo) for o in kept):
                    words = part
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
        f"{duration_words(floor.target)}{how}; it costs "
        f"{money(floor.monthly_cost)}"
    ]
    if multiple is not None and base:
        at = knee if cost_at_knee else ask_rto
        parts.append(
            f"{multiple:.1f}x the {money(base)} that a recovery time of "
            f"{duration_words(at or 0.0)} costs"
            + (", the last step before the costs jump" if cost_at_knee else ", the ask")
        )
    parts.append(f"with it, {availability_words(availability, downtime)}")
    if be_rto is not None and be_cost is not None:
        parts.append(
            f"spending pays for itself down to a recovery time of {duration_words(be_rto)} "
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
            f"{duration_words(o.rto)} after {scope_words.get(o.scope, o.scope)}"
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
        scopes=tuple(moving),
        curve=tuple((st.target, st.monthly_cost) for st in curve.steps),
    )


def _questions(
    ask: Requirements, plan: Plan | None, impact: BusinessImpact
) -> tuple[Question, ...]:
    def limits(metric: Literal["rpo", "rto"]) -> str:
        return _limit_words(ask, metric, "none")

    interval = (
        f"; the plan backs up every {duration_words(plan.design.interval)}"
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
            current=f"at most {limits('rpo')}{interval}",
        ),
        Question(
            question="How long must data be kept?",
            parameters=("requirements.retention",),
            current=str(ask.retention),
        ),
        Question(
            question="How long can we afford to be down?",
            parameters=("requirements.rto", "requirements.mtd", "impact.downtime_cost"),
            current=f"at most {limits('rto')}{costs}",
        ),
    )


def possible_ask(ask: Requirements, reasons: tuple[Reason, ...]) -> Requirements:
    """The ask without the RPO and RTO limits that no design meets, so that the
    zero-downtime curve shows what recovery time costs where a design exists. (Raising
    each to its own floor is not enough: the floors are often reached by different
    designs.)"""
    update: dict[str, Any] = {}
    for metric in ("rpo", "rto"):
        impossible = {r.scope for r in reasons if r.limit_kind == metric}
        if impossible:
            update[metric] = {
                x: (OPEN_LIMIT if x in impossible else ask.limit(metric, x))
                for x in scopes_in(ask, metric)
            }
    if "rto" in update:
        update["mtd"] = None
    return ask.model_copy(update=update) if update else ask


def failover_scopes_of(ask: Requirements, catalog: Catalog) -> list[str]:
    """The scopes whose RTO the zero-downtime curve moves: zero downtime is a question of
    failover, so the scopes some standby of the catalog survives (hardware, site) that
    the ask limits; the others keep the ask, or their floor where it is impossible."""
    standby_scopes = {sc for x in catalog.strategies.values() if x.replica for sc in x.survives}
    return [x for x in SCOPES if x in standby_scopes and x in scopes_in(ask, "rto")]


def rto_cost_curve(
    workload: Workload,
    ask: Requirements,
    reasons: tuple[Reason, ...],
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    space: DesignSpace | None = None,
    bound: _Bound | None = None,
) -> CostCurve:
    """The RTO cost curve behind a negotiation's ``zero_downtime`` (and its plot).

    The ask without the limits no design meets (:func:`possible_ask`, ``reasons`` being
    the negotiation's ``limits``), its RTO moved on :func:`failover_scopes_of`; ``space``
    and ``bound`` are the negotiation's, when it has them.
    """
    return build_cost_curve(
        workload,
        possible_ask(ask, reasons),
        "rto",
        None,
        impact,
        catalog,
        KNEE_FACTOR,
        failover_scopes_of(ask, catalog) or None,
        round_values=False,
        space=space,
        bound=bound,
    )


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
    off-site or immutable that make the ask itself fit. An option that another option
    beats on every figure the meeting shows, as displayed (cost, and downtime and work
    lost per failure to 2 significant digits), is not offered.

    Examples
    --------
    Five minutes of downtime after a hardware failure or a site loss, four hours after a
    deletion (a restore must wait for someone to notice it), on $1,000 a month:

    >>> from rtocalc import Workload, Requirements, negotiate
    >>> rto = {"hardware": "5 min", "site": "5 min", "logical": "4 h"}
    >>> ask = Requirements(rpo="30 min", rto=rto, offsite=True, budget="$1,000/mo")
    >>> n = negotiate(Workload(data_size="2 TB", compute_cost="$5,000/mo"), ask)
    >>> n.verdict, all(o.monthly_cost <= 1000 for o in n.counter_offers)
    ('over_budget', True)
    """
    check_type("workload", workload, Workload)
    check_type("ask", ask, Requirements)
    impact, catalog = with_defaults(impact, catalog)
    # one space and one outlay bound for every search below: they depend on the retention
    # only, which no search but the retention counter-offers changes
    space = build_space(catalog, ask.retention, database=workload.kind == "database")
    bound = _bound(space, workload, ask.retention, catalog)
    res, evaluated = cheapest_on_space(space, workload, ask, impact, catalog, "outlay", bound=bound)
    budget = ask.budget
    if not res.feasible:
        verdict: Verdict = "impossible"
    elif budget is None:
        verdict = "no_budget"
    elif res.plan is not None and res.plan.monthly_cost <= budget + TOL:
        verdict = "fits_budget"
    else:
        verdict = "over_budget"
    offers: list[CounterOffer] = []
    best_rto = best_rpo = None
    if budget is not None and verdict != "fits_budget":
        # the designs evaluated for the ask give their solved intervals to the frontier
        ev, points = frontier_points(
            space,
            workload,
            ask,
            impact,
            catalog,
            interval_grid(DEFAULT_INTERVALS),
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
    failover_scopes = failover_scopes_of(ask, catalog)
    curve = rto_cost_curve(workload, ask, res.reasons, impact, catalog, space=space, bound=bound)
    labels = _labels(catalog)
    options = _options(
        ask,
        res.plan,
        offers,
        best_rto,
        best_rpo,
        labels,
        {k: m.kind for k, m in catalog.protection.items()},
    )
    # a counter-offer that another option beats on every figure shown is not offered
    offered = [o.plan.design for o in options]
    offers = [o for o in offers if o.plan.design in offered]
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
            failover_scopes or scopes_in(ask, "rto"),
        ),
        questions=_questions(ask, res.plan, impact),
        history=_history,
        options=options,
        labels=labels,
        price_list=catalog.catalog,
    )
    out._catalog = catalog
    return out

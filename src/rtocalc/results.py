"""Results of the model: an evaluated design (``Plan``) and an optimisation (``Result``).

Results are frozen pydantic models, separate from the inputs that made them, with every
field described and its unit named. ``str(result)`` is a plain-text rendering for a
business reader, ``result.to_markdown()`` a Markdown one, ``result._repr_html_()`` shows
it in Jupyter and ``result.model_dump_json()`` serialises it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from ._frozen import RESULT_CONFIG
from ._render import (
    Column,
    Document,
    Items,
    Lines,
    Rendered,
    Table,
    clock_words,
    describe_design,
    hours_words,
    money_words,
)
from .models import Design, Requirements, Scope
from .units import format_duration, format_size

__all__ = ["Plan", "Reason", "Result", "ScenarioOutcome"]


def csv_text(rows: list[dict[str, Any]]) -> str:
    """``rows`` (one flat record each) as CSV text, header first; empty without rows."""
    import csv
    import io

    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


class ResultModel(Rendered, BaseModel):
    """Base of the result models: frozen, no unknown fields, inf and nan as strings."""

    model_config = RESULT_CONFIG


_ITEMS = {
    "storage": "storage",
    "requests": "storage requests",
    "link": "WAN port",
    "circuit": "WAN circuit",
    "standby": "standby",
    "licences": "software licences",
    "offsite_fees": "off-site fees",
    "drills": "restore drills",
    "one_time": "one-off purchases (amortised)",
    "protection": "protection mechanism (snapshots, journal, database)",
    "isolated_recovery": "isolated recovery environment (clean room)",
}

#: items of the monthly bill that are not run costs (one-off purchases, amortised)
_ONE_OFF = frozenset({"one_time"})

#: the table of a plan: one row per scenario
_SCENARIO_COLUMNS = (
    Column("scenario", "scenario"),
    Column("scope", "scope", show=False),
    Column("rate", "per year", "rate"),
    Column("rpo", "RPO", "hours"),
    Column("rpo_mean", "mean RPO", "hours", show=False),
    Column("rpo_limit", "RPO limit", "hours", infinite="-"),
    Column("rto", "RTO", "hours"),
    Column("rto_limit", "RTO limit", "hours", infinite="-"),
    Column("path", "path", show=False),
    Column("recovered_from", "recovered from"),
    Column("survivors", "surviving copies", show=False),
    Column("restore_cost", "restore charges", "money", per=None),
    Column("meets", "meets", "flag", words=("yes", "NO")),
)


class ScenarioOutcome(ResultModel):
    """How a design fares in one disruption scenario."""

    name: str = Field(description="Scenario name.")
    scope: str = Field(description="Scenario scope (what it destroys).")
    rate: float = Field(description="Occurrences per year [1/year].")
    rpo: float = Field(description="Worst-case data loss [h]; inf when no copy survives.")
    rpo_mean: float = Field(description="Mean-case data loss [h].")
    rto: float = Field(description="Downtime until the system serves again [h]; inf if none.")
    rpo_limit: float = Field(description="The ask's RPO limit for this scope [h]; inf if none.")
    rto_limit: float = Field(description="The ask's RTO limit for this scope [h]; inf if none.")
    path: str = Field(
        description=(
            "Recovery path that gives these figures: 'failover', 'restore:primary', "
            "'restore:offsite', 'restore:longterm', 'protection' (the design's protection "
            "mechanism: snapshots, journal, database) or 'none'."
        )
    )
    recovered_from: str = Field(description="The copy recovered from, in words.")
    survivors: tuple[str, ...] = Field(description="Copies that survive this scenario.")
    meets: bool = Field(description="Whether both limits are met.")
    clock: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "The parts of the RTO in order [h]: detection, decision (a person declares the "
            "disaster) or health_check (automatic failover), failover; for a restore "
            "provisioning, retrieval, transfer (the incident's share of the data), replay, "
            "or instant_recovery with restore_complete (when the data has moved behind it, "
            "counted from the incident like the RTO)."
        ),
    )
    rto_worst: float = Field(
        0.0,
        description=(
            "Downtime after the scenario's worst incident (its share_worst of the data) on "
            "the fastest surviving path [h]; inf if none."
        ),
    )
    restore_cost: float = Field(
        0.0,
        description=(
            "Provider charges of one recovery on this path [currency per occurrence]: "
            "retrieval, egress and read requests of the data restored from a cloud copy "
            "(0 for a failover or an on-premises copy). Times the rate, it is part of the "
            "expected loss."
        ),
    )

    def _document_(self) -> Document:
        title = (
            f"{self.name}: RPO {hours_words(self.rpo)}, RTO {hours_words(self.rto)} from the "
            f"{self.recovered_from}" + ("" if self.meets else " (misses the ask)")
        )
        row = (
            self.name, self.scope, self.rate, self.rpo, self.rpo_mean, self.rpo_limit,
            self.rto, self.rto_limit, self.path, self.recovered_from,
            ", ".join(self.survivors), self.restore_cost, self.meets,
        )  # fmt: skip
        return Document(title, frame=Table(_SCENARIO_COLUMNS, (row,)))


class Plan(ResultModel):
    """A design evaluated: what it achieves in every scenario and what it costs."""

    design: Design = Field(description="The design evaluated.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    monthly_cost: float = Field(description="Outlay [currency/month].")
    cost_breakdown: dict[str, float] = Field(
        description=(
            "Outlay by item [currency/month]: storage, requests (object-storage requests), "
            "link (the provider's port), circuit (the carrier circuit to it), standby, "
            "licences (backup software), offsite_fees, drills, protection (the protection "
            "mechanism, its setup amortised), and one_time (one-off purchases amortised over "
            "amortisation_years; every other item is run cost)."
        )
    )
    one_time_cost: float = Field(
        0.0,
        description=(
            "One-off purchases (appliances, tape library and drives) [currency], amortised "
            "into monthly_cost as cost_breakdown['one_time']."
        ),
    )
    amortisation_years: float = Field(
        0.0, description="Period over which one-off purchases are amortised [year]."
    )
    assumptions: tuple[str, ...] = Field(
        (), description="Assumptions behind cost items the user can change, in words."
    )
    warnings: tuple[str, ...] = Field(
        (), description="Inputs that make the figures doubtful, naming the field to set."
    )
    rpo: float = Field(description="Worst data loss over the scenarios in scope [h].")
    rto: float = Field(description="Worst downtime over the scenarios in scope [h].")
    by_scenario: tuple[ScenarioOutcome, ...] = Field(description="Outcome per scenario.")
    storage_gb: dict[str, float] = Field(
        description="Data stored per target tier at the worst moment [GB, decimal 10^9 B]."
    )
    backup_duration: float = Field(description="Duration of one backup job [h].")
    expected_annual_loss: float = Field(
        description="Worst-case expected loss from the scenarios [currency/year]."
    )
    expected_annual_loss_mean: float = Field(
        description="Mean-case expected loss (mean data loss) [currency/year]."
    )
    tco_monthly: float = Field(
        description="Total cost of ownership: outlay + expected loss / 12 [currency/month]."
    )
    meets_requirements: bool | None = Field(
        description="Whether the design meets the ask (None when evaluated without one)."
    )
    violations: tuple[str, ...] = Field(description="Limits the design misses, in words.")
    link_ok: bool = Field(
        True,
        description=(
            "Whether the link carries what the design sends over it within its bandwidth "
            "(the average replication traffic, or a protection mechanism's peak writes)."
        ),
    )
    requirements: Requirements | None = Field(description="The ask it was checked against.")
    chain_offsite: bool = Field(
        False,
        description=(
            "Whether the backup chain's own target is away from the primary site (a cloud "
            "region, a tape vault or the organisation's second site): the design then keeps "
            "an off-site copy without a copy job, and its text says so."
        ),
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "The catalog's labels of the design's parts and of the targets that hold its "
            "data, by 'targets.KEY', 'offsite.KEY', 'links.KEY', 'strategies.KEY' and "
            "'protection.KEY': the plan's text names them so (a part without a label by "
            "its key; the keys are in design)."
        ),
    )

    def _lines(self) -> tuple[str, ...]:
        """The plan in sentences: design, monthly cost, worst case, storage, losses.

        Returns
        -------
        tuple of str
        """
        cur = self.currency
        run = {k: v for k, v in self.cost_breakdown.items() if k not in _ONE_OFF}
        costs = ", ".join(f"{_ITEMS.get(k, k)} {money_words(v, cur)}" for k, v in run.items() if v)
        storage = "; ".join(  # labels have commas of their own
            f"{self.labels.get(f'targets.{k}') or k} {format_size(v, digits=3)}"
            for k, v in self.storage_gb.items()
        )
        monthly = f"Monthly cost: {money_words(self.monthly_cost, cur)}"
        amortised = sum(v for k, v in self.cost_breakdown.items() if k in _ONE_OFF)
        if amortised:
            monthly += (
                f" = run cost {money_words(sum(run.values()), cur)} ({costs}) + one-off purchases "
                f"of {money_words(self.one_time_cost, cur, None)} amortised over "
                f"{self.amortisation_years:g} years ({money_words(amortised, cur)})."
            )
        else:
            monthly += f", all run cost ({costs}); no one-off purchases."
        lines = [
            *(f"WARNING: {w}" for w in self.warnings),
            f"Design: {describe_design(self.design, self.labels, self.chain_offsite)}.",
            monthly,
            *(f"Assumption: {a}" for a in self.assumptions),
            f"Worst case over the scenarios in scope: RPO {hours_words(self.rpo)}, RTO "
            f"{hours_words(self.rto)}; one backup job takes "
            f"{format_duration(self.backup_duration, digits=3)}.",
            f"Storage (decimal units, 1 TB = 10^12 bytes): {storage or 'none'}.",
        ]
        if self.expected_annual_loss > 0:
            charges = sum(o.rate * o.restore_cost for o in self.by_scenario)
            within = (
                f" (of which {money_words(charges, cur, 'yr')} provider charges for restores)"
                if charges > 0
                else ""
            )
            lines.append(
                "Expected loss from disruptions: "
                f"{money_words(self.expected_annual_loss, cur, 'yr')} "
                f"worst case{within}, {money_words(self.expected_annual_loss_mean, cur, 'yr')} "
                f"mean case; total cost of ownership {money_words(self.tco_monthly, cur)}."
            )
        return tuple(lines)

    def _table(self) -> Table:
        """The outcome per scenario as a table (the rows of :meth:`to_dataframe`).

        Returns
        -------
        Table
        """
        rows = tuple(
            (
                o.name, o.scope, o.rate, o.rpo, o.rpo_mean, o.rpo_limit, o.rto, o.rto_limit,
                o.path, o.recovered_from, ", ".join(o.survivors), o.restore_cost, o.meets,
            )
            for o in self.by_scenario
        )  # fmt: skip
        return Table(_SCENARIO_COLUMNS, rows)

    def _recoveries(self) -> Items:
        """How each scenario recovers: the copy or mechanism, the parts of its outage
        clock, and the worst incident's RTO where the typical one is checked."""
        incident = self.requirements.incident if self.requirements is not None else "typical"
        points = []
        for o in self.by_scenario:
            if not o.clock:
                points.append(f"{o.name}: no copy survives")
                continue
            point = f"{o.name}: {o.recovered_from}: {clock_words(o.clock)}"
            point += f"; RTO {hours_words(o.rto)}"
            if incident == "typical" and o.rto_worst > o.rto * (1.0 + 1e-9):
                point += f"; the worst incident {hours_words(o.rto_worst)}"
            points.append(point)
        return Items(
            f"How each scenario recovers (RTO for its {incident} incident, which the RTO "
            "limit is checked against)",
            tuple(points),
        )

    def _blocks(self) -> tuple[Lines | Items | Table, ...]:
        """The plan's blocks: its sentences, its scenario table, how each scenario
        recovers and what it misses.

        Returns
        -------
        tuple
        """
        out: list[Lines | Items | Table] = [
            Lines(self._lines()),
            self._table(),
            self._recoveries(),
        ]
        if self.violations:
            out.append(Items("Misses the ask", self.violations))
        return tuple(out)

    def _document_(self) -> Document:
        return Document("", self._blocks(), self.currency)


#: what binds in a :class:`Reason`: an RTO or RPO limit of one scope, a yes/no ask, no
#: single design meeting every limit at once, or the confidence of a robust search
ReasonKind = Literal["rto", "rpo", "offsite", "immutable", "combination", "confidence"]


class Reason(ResultModel):
    """Why an ask cannot be met: which constraint binds, and by how much."""

    constraint: str = Field(description="The constraint, e.g. 'rto[site]', 'immutable'.")
    limit: float | None = Field(description="The ask's limit [h] (None for yes/no asks).")
    best: float | None = Field(description="The best any design in the space achieves [h].")
    shortfall: float | None = Field(description="best - limit [h] (None for yes/no asks).")
    message: str = Field(description="The reason in words, with its numbers.")
    limit_kind: ReasonKind | None = Field(
        None,
        description=(
            "Which part of the ask binds, as a field to read (constraint is the same in a "
            "label); None only for reasons made before the field existed."
        ),
    )
    scope: Scope | None = Field(
        None, description="The failure scope of an 'rto' or 'rpo' limit (None otherwise)."
    )

    @model_validator(mode="after")
    def _constraint_agrees(self) -> Reason:
        """The label ``constraint`` says what ``limit_kind`` and ``scope`` say."""
        if self.limit_kind is None:
            if self.scope is not None:
                raise ValueError(f"scope: {self.scope!r} given without limit_kind")
            return self
        scoped = self.limit_kind in ("rto", "rpo")
        if scoped != (self.scope is not None):
            raise ValueError(
                f"scope: {self.scope!r} with limit_kind {self.limit_kind!r}; a scope is "
                "required for 'rto' and 'rpo' and accepted for no other kind"
            )
        label = f"{self.limit_kind}[{self.scope}]" if scoped else self.limit_kind
        if self.constraint != label:
            raise ValueError(
                f"constraint: {self.constraint!r} disagrees with limit_kind and scope; "
                f"expected {label!r}"
            )
        return self

    def _document_(self) -> Document:
        columns = (
            Column("constraint", "constraint"),
            Column("limit", "limit", "hours", infinite="-"),
            Column("best", "best", "hours"),
            Column("shortfall", "shortfall", "hours"),
            Column("message", "message", show=False),
        )
        row = (self.constraint, self.limit, self.best, self.shortfall, self.message)
        return Document(self.message, frame=Table(columns, (row,)))


class Result(ResultModel):
    """The cheapest design that meets an ask, or the reasons none does."""

    feasible: bool = Field(description="Whether some design meets every limit.")
    plan: Plan | None = Field(description="The cheapest feasible plan, or None.")
    reasons: tuple[Reason, ...] = Field(description="Why the ask cannot be met (when infeasible).")
    objective: Literal["outlay", "tco"] = Field(description="What was minimised.")
    budget: float | None = Field(description="The ask's budget [currency/month], if any.")
    within_budget: bool | None = Field(
        description="Whether the plan's outlay fits the budget (None without plan or budget)."
    )
    space_size: int = Field(description="Designs in the space searched [-].")
    currency: str = Field(description="ISO 4217 code of every amount.")
    probability: float | None = Field(
        None,
        description=(
            "Fraction of samples meeting the ask [-] (robust search with uncertain inputs; "
            "None for a deterministic search)."
        ),
    )
    confidence: float | None = Field(
        None,
        description="Required fraction of samples meeting the ask [-] (None: deterministic).",
    )
    samples: int | None = Field(
        None, description="Monte Carlo samples of the robust search [-] (None: deterministic)."
    )

    def verdict(self) -> str:
        """The verdict in one sentence, against the budget.

        Returns
        -------
        str
        """
        cur = self.currency
        if not self.feasible or self.plan is None:
            return "Verdict: the ask cannot be met by any design in the catalog."
        cost = self.plan.monthly_cost
        if self.budget is None:
            return f"Verdict: the ask can be met for {money_words(cost, cur)}; no budget was given."
        gap = self.budget - cost
        if gap >= 0:
            return (
                f"Verdict: fits the budget. The cheapest design that meets the ask costs "
                f"{money_words(cost, cur)} against a budget of {money_words(self.budget, cur)} "
                f"({money_words(gap, cur)} to spare)."
            )
        return (
            f"Verdict: meets the ask but over budget. The cheapest design that meets it costs "
            f"{money_words(cost, cur)}, {money_words(-gap, cur)} more than the budget of "
            f"{money_words(self.budget, cur)}."
        )

    def _document_(self) -> Document:
        blocks: list[Lines | Items | Table] = []
        if self.plan is not None:
            blocks += self.plan._blocks()
        else:
            blocks.append(Items("Why", tuple(r.message for r in self.reasons)))
        blocks.append(
            Lines((f"(exact over {self.space_size:,} designs; minimised {self.objective}.)",))
        )
        frame = self.plan._table() if self.plan is not None else Table(_SCENARIO_COLUMNS, ())
        return Document(self.verdict(), tuple(blocks), self.currency, frame)

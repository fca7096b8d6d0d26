"""Results of the model: an evaluated design (``Plan``) and an optimisation (``Result``).

Results are frozen pydantic models, separate from the inputs that made them, with every
field described and its unit named. ``str(result)`` is a plain-text rendering for a
business reader, ``result.to_markdown()`` a Markdown one, ``result._repr_html_()`` shows
it in Jupyter and ``result.model_dump_json()`` serialises it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .models import Design, Requirements

__all__ = ["Plan", "Reason", "Result", "ScenarioOutcome"]


def _csv(rows: list[dict[str, Any]]) -> str:
    """``rows`` (one flat record each) as CSV text, header first; empty without rows."""
    import csv
    import io

    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


def _dataframe(rows: list[dict[str, Any]], owner: str) -> Any:
    """``rows`` as a pandas DataFrame; ``owner`` names the method in the install hint."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            f'{owner}() needs pandas; install it with pip install "rtocalc[pandas]"'
        ) from exc
    return pd.DataFrame(rows)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    def to_markdown(self) -> str:
        """Markdown rendering."""
        from .report import to_markdown

        return to_markdown(self)

    def _repr_html_(self) -> str:
        from .report import to_html

        return to_html(self)

    def __str__(self) -> str:
        from .report import to_text

        return to_text(self)


class ScenarioOutcome(_Result):
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
            "'restore:offsite', 'restore:longterm' or 'none'."
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
            "or instant_recovery with restore_complete (when the data has moved behind it)."
        ),
    )
    rto_worst: float = Field(
        0.0,
        description=(
            "Downtime after the scenario's worst incident (its share_worst of the data) on "
            "the fastest surviving path [h]; inf if none."
        ),
    )


class Plan(_Result):
    """A design evaluated: what it achieves in every scenario and what it costs."""

    design: Design = Field(description="The design evaluated.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    monthly_cost: float = Field(description="Outlay [currency/month].")
    cost_breakdown: dict[str, float] = Field(
        description=(
            "Outlay by item [currency/month]: storage, link, standby, offsite_fees, one_time "
            "(amortised), drills."
        )
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
    requirements: Requirements | None = Field(description="The ask it was checked against.")

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per scenario: rate, RPO and RTO with their limits, the path.

        Returns
        -------
        list of dict
            Keys end in their unit: ``rate_per_year``, ``rpo_h``, ``rto_h``, ...
        """
        return [
            {
                "scenario": o.name,
                "scope": o.scope,
                "rate_per_year": o.rate,
                "rpo_h": o.rpo,
                "rpo_mean_h": o.rpo_mean,
                "rto_h": o.rto,
                "rpo_limit_h": o.rpo_limit,
                "rto_limit_h": o.rto_limit,
                "meets": o.meets,
                "path": o.path,
                "recovered_from": o.recovered_from,
                "survivors": ", ".join(o.survivors),
            }
            for o in self.by_scenario
        ]

    def to_dataframe(self) -> Any:
        """The outcome per scenario (:meth:`rows`) as a pandas DataFrame.

        Needs ``pip install "rtocalc[pandas]"``.

        Returns
        -------
        pandas.DataFrame
            One row per scenario of ``by_scenario``.
        """
        return _dataframe(self.rows(), "Plan.to_dataframe")


class Reason(_Result):
    """Why an ask cannot be met: which constraint binds, and by how much."""

    constraint: str = Field(description="The constraint, e.g. 'rto[site]', 'immutable'.")
    limit: float | None = Field(description="The ask's limit [h] (None for yes/no asks).")
    best: float | None = Field(description="The best any design in the space achieves [h].")
    shortfall: float | None = Field(description="best - limit [h] (None for yes/no asks).")
    message: str = Field(description="The reason in words, with its numbers.")


class Result(_Result):
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

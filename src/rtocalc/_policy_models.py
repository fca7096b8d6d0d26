"""The inputs of a policy check: tiers and their limits, the policy, systems, the inventory.

Private module of :mod:`rtocalc.policy`, which re-exports its public classes (their
public home is ``rtocalc.policy`` and, for some, ``rtocalc``). The helpers that collect
errors found outside pydantic (:func:`name_errors`, :func:`design_errors`,
:func:`tier_errors`, :func:`error_lines`) are shared with the file loaders.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

import numpy as np
from pydantic import (
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import units
from ._frozen import FrozenDict, FrozenMap
from .models import (
    SCOPES,
    BusinessImpact,
    Catalog,
    Design,
    Hours,
    InputModel,
    MoneyPerMonth,
    PerScope,
    Requirements,
    Retention,
    Scenario,
    Workload,
    raise_errors,
    wrt_beyond_mtd,
)
from .space import FloatArray, space_of
from .units import FieldError

_CURRENCY_FORM = "use e.g. 'USD', 'EUR'"


# --- the policy -------------------------------------------------------------------------


class ScenarioLimits(InputModel):
    """Limits for one named scenario; each replaces the tier's limit for its scope.

    Examples
    --------
    >>> ScenarioLimits(rto="3 d").rto
    72.0
    """

    rpo: Hours | None = Field(
        None,
        description=(
            "Largest tolerated data loss in this scenario [h], e.g. '1 h'; None keeps the "
            "tier's RPO for the scenario's scope."
        ),
    )
    rto: Hours | None = Field(
        None,
        description=(
            "Longest tolerated downtime in this scenario [h], e.g. '3 d'; None keeps the "
            "tier's RTO for the scenario's scope."
        ),
    )


class Tier(InputModel):
    """A tier of systems and the limits every system in it must meet.

    ``rpo`` and ``rto`` are one duration for every scenario, or a table by scenario scope
    (a scope missing from the table has no limit: its scenarios are out of scope for the
    tier). ``scenarios`` replaces them for named scenarios of the policy.

    Examples
    --------
    >>> t = Tier(rpo="15 min", rto={"hardware": "1 h", "site": "4 h"}, offsite=True)
    >>> t.requirements().limit("rto", "site"), t.requirements().limit("rto", "region")
    (4.0, inf)
    """

    description: str = Field("", description="What the tier is for, in words.")
    rpo: PerScope = Field(
        description="Largest tolerated data loss [h], e.g. '15 min', or a table by scope."
    )
    rto: PerScope = Field(
        description="Longest tolerated downtime [h], e.g. '1 h', or a table by scope."
    )
    retention: Retention = Field(
        default_factory=Retention,
        description=(
            "Restore points every system of the tier must keep at least (GFS), e.g. "
            "'14 daily, 8 weekly, 12 monthly'."
        ),
    )
    offsite: bool = Field(False, description="Every system needs an off-site copy.")
    immutable: bool = Field(
        False, description="Every system needs an immutable (ransomware-proof) copy."
    )
    max_monthly_cost: MoneyPerMonth | None = Field(
        None,
        description=(
            "Most a system of the tier may cost [currency/month], e.g. '$2,000/mo'; a "
            "design above it is a violation. None for no maximum."
        ),
    )
    mtd: Hours | None = Field(
        None,
        description=(
            "Maximum tolerable downtime [h] (NIST SP 800-34); the RTO limit becomes "
            "min(rto, mtd - wrt)."
        ),
    )
    wrt: Hours = Field(0.0, description="Work recovery time after systems are back [h].")
    isolated_recovery: str | None = Field(
        None,
        description=(
            "Key of the catalog's isolated recovery environment (clean room) the tier's "
            "systems restore into after ransomware, or None for none."
        ),
    )
    scenarios: FrozenMap[str, ScenarioLimits] = Field(
        default_factory=FrozenDict,
        description=(
            "Limits for named scenarios of the policy, replacing the tier's limits for "
            "their scope, e.g. a longer RTO for a regional disaster."
        ),
    )

    @model_validator(mode="after")
    def _check_mtd(self) -> Self:
        problem = wrt_beyond_mtd(self.wrt, self.mtd)
        if problem is not None:
            raise_errors(type(self).__name__, [(("wrt",), problem, self.wrt)])
        return self

    def requirements(
        self,
        scenarios: Sequence[Scenario] | None = None,
        *,
        retention: Retention | None = None,
    ) -> Requirements:
        """The tier as the ask of :func:`rtocalc.cheapest` and :func:`rtocalc.evaluate`.

        Parameters
        ----------
        scenarios : sequence of Scenario, optional
            The policy's scenarios. Limits set for named scenarios are folded into the
            limit of their scope, the tightest over the scenarios of that scope (exact
            when each scope has one scenario, as in the shipped scenarios).
        retention : Retention, optional
            Retention of the ask (default: the tier's).

        Returns
        -------
        Requirements
            With ``budget`` set to ``max_monthly_cost``.
        """
        rpo: Any = self.rpo
        rto: Any = self.rto
        if scenarios is not None and self.scenarios:
            per: dict[str, dict[str, float]] = {"rpo": {}, "rto": {}}
            for sc in scenarios:
                own = self.scenarios.get(sc.name)
                for metric in ("rpo", "rto"):
                    value = getattr(own, metric) if own is not None else None
                    raw = _raw_limit(getattr(self, metric), sc.scope) if value is None else value
                    if math.isfinite(raw):
                        per[metric][sc.scope] = min(per[metric].get(sc.scope, math.inf), raw)
            # scopes without a scenario keep the tier's own limit
            for metric in ("rpo", "rto"):
                for scope in SCOPES:
                    if not any(sc.scope == scope for sc in scenarios):
                        raw = _raw_limit(getattr(self, metric), scope)
                        if math.isfinite(raw):
                            per[metric][scope] = raw
            rpo, rto = per["rpo"], per["rto"]
        return Requirements.model_validate(
            {
                "rpo": rpo,
                "rto": rto,
                "retention": retention if retention is not None else self.retention,
                "offsite": self.offsite,
                "immutable": self.immutable,
                "budget": self.max_monthly_cost,
                "mtd": self.mtd,
                "wrt": self.wrt,
                "isolated_recovery": self.isolated_recovery,
            }
        )

    def _base(self) -> Requirements:
        return Requirements.model_validate(
            {"rpo": self.rpo, "rto": self.rto, "mtd": self.mtd, "wrt": self.wrt}
        )

    def limits(self, scenarios: Sequence[Scenario]) -> tuple[FloatArray, FloatArray]:
        """RPO and RTO limits [h] per scenario (``inf`` where the tier sets none).

        Parameters
        ----------
        scenarios : sequence of Scenario
            The policy's scenarios.

        Returns
        -------
        rpo, rto : ndarray
            Arrays of shape (S,), in the order of ``scenarios``; ``rto`` includes the
            ``mtd - wrt`` cap.
        """
        base = self._base()
        rpo = np.empty(len(scenarios))
        rto = np.empty(len(scenarios))
        for s, sc in enumerate(scenarios):
            own = self.scenarios.get(sc.name)
            rpo[s] = (
                own.rpo if own is not None and own.rpo is not None else base.limit("rpo", sc.scope)
            )
            if own is not None and own.rto is not None:
                cap = self.mtd - self.wrt if self.mtd is not None else math.inf
                rto[s] = min(own.rto, cap)
            else:
                rto[s] = base.limit("rto", sc.scope)
        return rpo, rto


def _raw_limit(value: float | dict[str, float], scope: str) -> float:
    if isinstance(value, dict):
        return float(value.get(scope, math.inf))
    return float(value)


def unknown_scenario(key: str, names: Sequence[str]) -> str:
    return f"{key!r} is not a scenario of the policy; use one of " + ", ".join(
        repr(n) for n in names
    )


def default_scenarios() -> tuple[Scenario, ...]:
    return BusinessImpact().scenarios


class Policy(InputModel):
    """A disaster-recovery policy: named tiers and the scenarios they are checked in.

    Examples
    --------
    >>> p = Policy(tiers={"tier-1": {"rpo": "15 min", "rto": "4 h", "offsite": True}})
    >>> sorted(p.tiers), len(p.scenarios)
    (['tier-1'], 5)
    """

    name: str = Field("", description="Name of the policy, e.g. 'Example Corp DR policy'.")
    description: str = Field("", description="Free text: owner, approval, review date.")
    currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description=(
            "ISO 4217 code of every amount in the policy; it must be the catalog's currency."
        ),
    )
    scenarios: tuple[Scenario, ...] = Field(
        default_factory=default_scenarios,
        description=(
            "Disruptions every system is checked in (default: the shipped scenarios, one "
            "per scope); give them as [[scenarios]] tables."
        ),
    )
    tiers: FrozenMap[str, Tier] = Field(
        description="Tiers by name, e.g. [tiers.tier-1]; at least one.", min_length=1
    )

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v: Any) -> Any:
        if not (isinstance(v, str) and len(v) == 3 and v.isalpha() and v.isupper()):
            raise FieldError(
                "currency", f"{units.excerpt(v)} is not an ISO 4217 code; {_CURRENCY_FORM}"
            )
        return v

    @field_validator("scenarios")
    @classmethod
    def _scenarios(cls, v: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        return BusinessImpact(scenarios=v).scenarios  # non-empty, unique names

    @field_validator("tiers", mode="before")
    @classmethod
    def _not_empty(cls, v: Any) -> Any:
        if isinstance(v, Mapping) and not v:
            raise FieldError(
                "tiers", "{} is empty; name at least one tier, e.g. [tiers.tier-1] with rpo and rto"
            )
        return v

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Self:
        if isinstance(info.context, Mapping) and info.context.get("references_checked"):
            return self
        names = [s.name for s in self.scenarios]
        errors = [
            (("tiers", tier, "scenarios", key), unknown_scenario(key, names), key)
            for tier, t in self.tiers.items()
            for key in t.scenarios
            if key not in names
        ]
        if errors:
            raise_errors(type(self).__name__, errors)
        return self

    @property
    def impact(self) -> BusinessImpact:
        """The policy's scenarios as a :class:`~rtocalc.BusinessImpact` (no costs)."""
        return BusinessImpact(scenarios=self.scenarios)


# --- the inventory ----------------------------------------------------------------------


class System(InputModel):
    """One protected system: its tier, its workload and the design actually deployed.

    Examples
    --------
    >>> s = System(name="crm", tier="tier-2", workload={"data_size": "500 GB"},
    ...            design={"interval": "4 h", "scheme": "synthetic_full",
    ...                    "target": "local_hardened"})
    >>> s.design.interval, s.retention is None
    (4.0, True)
    """

    name: str = Field(min_length=1, description="Unique name of the system, e.g. 'erp'.")
    tier: str = Field(min_length=1, description="Name of its tier in the policy.")
    description: str = Field("", description="What the system is, in words.")
    owner: str = Field("", description="Who answers for it (team, person).")
    workload: Workload = Field(description="The protected data: size, change, growth, cost.")
    design: Design = Field(
        description=(
            "The design deployed: interval, scheme, target, off-site method, long-term "
            "target, replication, link and recovery strategy (catalog keys)."
        )
    )
    retention: Retention | None = Field(
        None,
        description=(
            "Restore points the deployed backup jobs keep, e.g. '14 daily, 4 weekly'; "
            "None: exactly what the tier requires."
        ),
    )


def _catalog_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": (
            "Catalog overrides for the whole inventory, merged into the default catalog "
            "(e.g. [catalog.targets.object_hot] price_per_gb_month = 0.02), or file = "
            "'my-catalog.toml' (relative to the inventory) to start from a catalog file."
        ),
        "properties": {"file": {"type": "string"}},
        "additionalProperties": True,
    }


class Inventory(InputModel):
    """The systems a policy applies to, with their declared designs.

    Examples
    --------
    >>> inv = Inventory(systems=[{"name": "crm", "tier": "tier-2",
    ...     "workload": {"data_size": "500 GB"},
    ...     "design": {"interval": "4 h", "scheme": "synthetic_full",
    ...                "target": "local_hardened"}}])
    >>> [s.name for s in inv.systems]
    ['crm']
    """

    name: str = Field("", description="Name of the inventory, e.g. 'production'.")
    description: str = Field("", description="Free text.")
    systems: tuple[System, ...] = Field(
        min_length=1, description="The systems, as [[systems]] tables; names are unique."
    )
    catalog: Annotated[Catalog, WithJsonSchema(_catalog_schema())] = Field(
        default_factory=Catalog.default,
        description="Priced options the designs choose from (the default catalog).",
    )

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Self:
        if isinstance(info.context, Mapping) and info.context.get("references_checked"):
            return self
        errors = name_errors([s.name for s in self.systems])
        errors += design_errors(list(enumerate(self.systems)), self.catalog)
        if errors:
            raise_errors(type(self).__name__, errors)
        return self


Error = tuple[tuple[str | int, ...], str, Any]


def name_errors(names: Sequence[object]) -> list[Error]:
    """Each repeated system name, at its later occurrences."""
    first: dict[str, int] = {}
    errors: list[Error] = []
    for i, name in enumerate(names):
        if not isinstance(name, str):
            continue
        if name in first:
            errors.append(
                (
                    ("systems", i, "name"),
                    f"{name!r} is already the name of systems[{first[name]}]; give each "
                    "system a unique name",
                    name,
                )
            )
        else:
            first[name] = i
    return errors


def design_errors(systems: Sequence[tuple[int, System]], catalog: Catalog) -> list[Error]:
    """Designs whose keys are not in the catalog or do not fit together."""
    seen: dict[Design, tuple[str, str] | None] = {}
    errors: list[Error] = []
    for i, system in systems:
        design = system.design
        if design not in seen:
            try:
                space_of(catalog, design)
                seen[design] = None
            except FieldError as exc:
                # space_of names the field: "design.target", "'x' is not in the catalog; ..."
                seen[design] = (exc.field.removeprefix("design."), exc.detail)
        problem = seen[design]
        if problem is not None:
            field, message = problem
            errors.append((("systems", i, "design", field), message, getattr(design, field, None)))
    return errors


def tier_errors(tiers: Sequence[object], known: Sequence[str]) -> list[Error]:
    use = ", ".join(repr(t) for t in known)
    return [
        (
            ("systems", i, "tier"),
            f"{tier!r} is not a tier of the policy; use one of {use}",
            tier,
        )
        for i, tier in enumerate(tiers)
        if isinstance(tier, str) and tier not in known
    ]


def error_lines(source: str, errors: Sequence[Error]) -> list[str]:
    """``source: path: message`` lines for errors found outside pydantic."""
    out = []
    for loc, message, _ in errors:
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + part
        out.append(f"{source}: {path}: {message}")
    return out

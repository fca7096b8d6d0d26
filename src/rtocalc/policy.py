"""Policy as code: tiers of disaster-recovery limits, an inventory of systems, and a check.

A *policy* file (TOML) names tiers of systems with their limits (RPO and RTO, one value
or per scenario scope, retention, off-site and immutable copies, a maximum monthly
cost per system, optional limits for named scenarios) and may list the disruption
scenarios to plan for. An *inventory* file lists systems: each with its tier, its
workload and the design actually deployed (and an optional catalog override for the
whole inventory). :func:`check` evaluates every system's declared design as
:func:`rtocalc.evaluate` does and compares it with its tier; ``rtocalc check`` is its
command line, and :mod:`rtocalc.testing` gives the same check as a pytest assertion.

Results (:class:`CheckReport`) are frozen pydantic models: ``str(report)`` gives one
line per violation, ``report.to_markdown()`` a table, ``report.model_dump_json()`` JSON
and ``report.to_junit()`` JUnit XML for CI systems.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import physics, units
from ._batch import cheapest_plans, evaluate_systems
from ._frozen import RESULT_CONFIG, FrozenDict, FrozenMap
from ._render import (
    Column,
    Document,
    Items,
    Lines,
    Rendered,
    Table,
    hours_words,
    money_words,
)
from .files import InputError, base_of, format_validation_error, read_toml, scenario_catalog
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
from .optimize import cheapest
from .results import Plan, Result
from .space import DesignSpace, Evaluation, FloatArray, build_space, space_of
from .units import TOL, FieldError, format_duration, format_throughput

__all__ = [
    "CheckReport",
    "Finding",
    "Fix",
    "Inventory",
    "Policy",
    "ScenarioLimits",
    "System",
    "SystemCheck",
    "Tier",
    "check",
    "check_files",
    "inventory_from_dict",
    "iter_check",
    "load_inventory",
    "load_policy",
    "policy_from_dict",
]

#: Top-level fields of an inventory that ``rtocalc portfolio`` reads and ``check`` ignores.
PORTFOLIO_FIELDS = ("policy", "budget", "links", "restore_capacity", "objective", "impacts")
_RETENTION_KEYS = ("daily", "weekly", "monthly", "quarterly", "yearly")
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


def _unknown_scenario(key: str, names: Sequence[str]) -> str:
    return f"{key!r} is not a scenario of the policy; use one of " + ", ".join(
        repr(n) for n in names
    )


def _default_scenarios() -> tuple[Scenario, ...]:
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
        default_factory=_default_scenarios,
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
            (("tiers", tier, "scenarios", key), _unknown_scenario(key, names), key)
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
        errors = _name_errors([s.name for s in self.systems])
        errors += _design_errors(list(enumerate(self.systems)), self.catalog)
        if errors:
            raise_errors(type(self).__name__, errors)
        return self


_Error = tuple[tuple[str | int, ...], str, Any]


def _name_errors(names: Sequence[object]) -> list[_Error]:
    """Each repeated system name, at its later occurrences."""
    first: dict[str, int] = {}
    errors: list[_Error] = []
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


def _design_errors(systems: Sequence[tuple[int, System]], catalog: Catalog) -> list[_Error]:
    """Designs whose keys are not in the catalog or do not fit together."""
    seen: dict[Design, tuple[str, str] | None] = {}
    errors: list[_Error] = []
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


def _tier_errors(tiers: Sequence[object], known: Sequence[str]) -> list[_Error]:
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


def _lines(source: str, errors: Sequence[_Error]) -> list[str]:
    """``source: path: message`` lines for errors found outside pydantic."""
    out = []
    for loc, message, _ in errors:
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + part
        out.append(f"{source}: {path}: {message}")
    return out


# --- loading files ----------------------------------------------------------------------


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file.

    Parameters
    ----------
    path : str or Path
        TOML file with ``[tiers.<name>]`` tables and optional ``[[scenarios]]``.

    Returns
    -------
    Policy

    Raises
    ------
    InputError
        With every problem of the file, one line each, naming the file, the path of the
        field, the value and the accepted form.
    """
    p = Path(path)
    return policy_from_dict(read_toml(p), source=str(p))


def policy_from_dict(data: Mapping[str, Any], *, source: str = "<policy>") -> Policy:
    """Validate a policy given as nested mappings (the TOML schema).

    Parameters
    ----------
    data : Mapping
        The parsed file.
    source : str
        Name of the file, for error messages.

    Returns
    -------
    Policy

    Raises
    ------
    InputError
        With every problem, one line each.
    """
    raw = dict(data)
    currency = raw.get("currency", "USD")
    valid_currency = isinstance(currency, str) and len(currency) == 3 and currency.isupper()
    names = _raw_scenario_names(raw.get("scenarios"))
    errors: list[str] = []
    tiers = raw.get("tiers")
    if isinstance(tiers, Mapping):
        refs: list[_Error] = []
        for tier, body in tiers.items():
            own = body.get("scenarios") if isinstance(body, Mapping) else None
            if isinstance(own, Mapping):
                refs += [
                    (
                        ("tiers", str(tier), "scenarios", str(key)),
                        _unknown_scenario(key, names),
                        key,
                    )
                    for key in own
                    if key not in names
                ]
        errors += _lines(source, refs)
    try:
        policy = Policy.model_validate(
            raw,
            context={
                "currency": currency if valid_currency else None,
                "references_checked": True,
            },
        )
    except ValidationError as exc:
        errors = format_validation_error(exc, source) + errors
        raise InputError(errors) from None
    if errors:
        raise InputError(errors)
    return policy


def _raw_scenario_names(value: Any) -> list[str]:
    if value is None:
        return [s.name for s in _default_scenarios()]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [
            s["name"] for s in value if isinstance(s, Mapping) and isinstance(s.get("name"), str)
        ]
    return []


def load_inventory(
    path: str | Path,
    policy: Policy | Collection[str] | None = None,
    *,
    allow_outside: bool = False,
) -> Inventory:
    """Load and validate an inventory file.

    Parameters
    ----------
    path : str or Path
        TOML file with ``[[systems]]`` tables and an optional ``[catalog]`` table of
        overrides (or ``catalog.file``, relative to the inventory); ``"-"`` reads
        standard input.
    policy : Policy or collection of str, optional
        When given, every system's tier must be one of its tiers (or one of the names).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside the inventory file's directory.

    Returns
    -------
    Inventory

    Raises
    ------
    InputError
        With every problem of the file, one line each.
    """
    p = Path(path)
    return inventory_from_dict(
        read_toml(p), source=str(p), base=base_of(p), policy=policy, allow_outside=allow_outside
    )


def inventory_from_dict(
    data: Mapping[str, Any],
    *,
    source: str = "<inventory>",
    base: Path | None = None,
    policy: Policy | Collection[str] | None = None,
    allow_outside: bool = False,
) -> Inventory:
    """Validate an inventory given as nested mappings (the TOML schema).

    Parameters
    ----------
    data : Mapping
        The parsed file.
    source : str
        Name of the file, for error messages.
    base : Path, optional
        Directory that ``catalog.file`` is relative to (default: the working directory).
    policy : Policy or collection of str, optional
        When given, every system's tier must be one of its tiers (or one of the names).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside ``base``.

    Returns
    -------
    Inventory

    Raises
    ------
    InputError
        With every problem, one line each: each system is validated on its own, so the
        problems of all systems are reported together.
    """
    raw = dict(data)
    errors: list[str] = []
    allowed = {"name", "description", "systems", "catalog", *PORTFOLIO_FIELDS}
    for key in sorted(set(raw) - allowed):
        errors.append(
            f"{source}: {key}: {units.excerpt(key)} is not a known field; use [[systems]], "
            "[catalog], name or description (or the portfolio's "
            + ", ".join(PORTFOLIO_FIELDS)
            + ")"
        )
    catalog, catalog_errors = scenario_catalog(
        raw.get("catalog", {}), source=source, base=base, allow_outside=allow_outside
    )
    errors += catalog_errors
    currency = catalog.currency if catalog is not None else None
    raw_systems = raw.get("systems")
    if raw_systems is None:
        errors.append(f"{source}: systems: is required; add a [[systems]] table per system")
        raw_systems = []
    elif not isinstance(raw_systems, list) or not raw_systems:
        errors.append(
            f"{source}: systems: {units.excerpt(raw_systems)} is not a list of tables; add a "
            "[[systems]] "
            "table per system"
        )
        raw_systems = []
    names = [item.get("name") if isinstance(item, Mapping) else None for item in raw_systems]
    per_system: list[tuple[int, str]] = []  # (system index, line), reported by index

    def which(i: int) -> str:
        return f" (system {names[i]!r})" if isinstance(names[i], str) else ""

    systems: list[tuple[int, System]] = []
    for i, item in enumerate(raw_systems):
        try:
            systems.append((i, System.model_validate(item, context={"currency": currency})))
        except ValidationError as exc:
            per_system += [
                (i, line + which(i))
                for line in format_validation_error(exc, source, under=f"systems[{i}]")
            ]
    cross = _name_errors(names)
    if policy is not None:
        known = list(policy.tiers) if isinstance(policy, Policy) else list(policy)
        tiers = [item.get("tier") if isinstance(item, Mapping) else None for item in raw_systems]
        cross += _tier_errors(tiers, known)
    if catalog is not None:
        cross += _design_errors(systems, catalog)
    for error in cross:
        i = int(error[0][1])
        suffix = "" if error[0][-1] == "name" else which(i)
        per_system += [(i, line + suffix) for line in _lines(source, [error])]
    errors += [line for _, line in sorted(per_system, key=lambda x: x[0])]
    for key in ("name", "description"):
        if not isinstance(raw.get(key, ""), str):
            errors.append(
                f"{source}: {key}: {units.excerpt(raw[key])} is not a text; use a quoted string"
            )
    if errors:
        raise InputError(errors)
    assert catalog is not None
    return Inventory.model_validate(
        {
            "name": raw.get("name", ""),
            "description": raw.get("description", ""),
            "systems": [s for _, s in systems],
            "catalog": catalog,
        },
        context={"references_checked": True},
    )


# --- results ----------------------------------------------------------------------------

Metric = Literal[
    "rpo",
    "rto",
    "offsite",
    "immutable",
    "retention",
    "monthly_cost",
    "backup_window",
    "link",
    "out_of_scope",
]


class _CheckResult(Rendered, BaseModel):
    model_config = RESULT_CONFIG

    def _document_(self) -> Document:
        # a finding, a fix or a system is its lines; the report defines a table
        return Document("", (Lines(tuple(str(self).splitlines())),))


class Finding(_CheckResult):
    """One limit a system misses (a violation) or passes only by a gap (a warning)."""

    severity: Literal["violation", "warning"] = Field(
        description="'violation' fails the check; 'warning' fails it only with --strict."
    )
    metric: Metric = Field(
        description=(
            "What is checked: 'rpo', 'rto' (per scenario), 'offsite', 'immutable', "
            "'retention', 'monthly_cost', 'backup_window', 'link', or 'out_of_scope' "
            "(no copy survives a scenario the tier sets no limit for)."
        )
    )
    scenario: str | None = Field(description="Scenario name (None for system-wide limits).")
    scope: str | None = Field(description="Scenario scope (None for system-wide limits).")
    achieved: float | None = Field(
        description=(
            "What the design achieves, in ``unit`` (inf when no copy survives; None for "
            "yes/no limits)."
        )
    )
    limit: float | None = Field(description="The tier's limit, in ``unit`` (None for yes/no).")
    unit: str = Field(
        description=(
            "Unit of achieved and limit: 'h', 'GB/h', 'points' (retention), the currency "
            "code per month for monthly_cost, or '' for yes/no."
        )
    )
    message: str = Field(description="The finding in words, with its numbers.")

    def __str__(self) -> str:
        return self.message


class Fix(_CheckResult):
    """The cheapest design that meets the tier, as a change to the declared design."""

    feasible: bool = Field(description="Whether any design in the catalog meets the tier.")
    design: Design | None = Field(description="The cheapest compliant design, or None.")
    retention: Retention = Field(
        description="Retention it keeps: the system's, raised to the tier's where short."
    )
    monthly_cost: float | None = Field(description="Its outlay [currency/month], or None.")
    cost_change: float | None = Field(
        description="Its outlay minus the declared design's [currency/month], or None."
    )
    within_max_cost: bool | None = Field(
        description="Whether it fits the tier's maximum monthly cost (None without one)."
    )
    changes: tuple[str, ...] = Field(
        description="What to change, field by field, e.g. 'interval 24 h -> 4 h'."
    )
    summary: str = Field(description="The fix in words, as printed after each violation.")

    def __str__(self) -> str:
        return self.summary


class SystemCheck(_CheckResult):
    """How one system's declared design fares against its tier."""

    name: str = Field(description="System name.")
    tier: str = Field(description="Its tier.")
    status: Literal["pass", "warn", "fail"] = Field(
        description="'fail' with any violation, 'warn' with warnings only, else 'pass'."
    )
    monthly_cost: float = Field(description="Outlay of the declared design [currency/month].")
    rpo: float = Field(description="Worst data loss over the tier's scenarios in scope [h].")
    rto: float = Field(description="Worst downtime over the tier's scenarios in scope [h].")
    findings: tuple[Finding, ...] = Field(description="Violations, then warnings.")
    fix: Fix | None = Field(description="Cheapest compliant design (failing systems only).")

    def lines(self, *, warnings: bool = True, violations: bool = True) -> list[str]:
        """One line per finding: ``system [tier]: finding; cheapest fix``.

        Parameters
        ----------
        warnings : bool
            Include warning lines (``system [tier]: warning: finding``).
        violations : bool
            Include violation lines.

        Returns
        -------
        list of str
            Violations first, then warnings (findings are stored in that order).
        """
        out = []
        for f in self.findings:
            if f.severity == "violation" and violations:
                fix = f"; {self.fix.summary}" if self.fix is not None else ""
                out.append(f"{self.name} [{self.tier}]: {f.message}{fix}")
            elif f.severity == "warning" and warnings:
                out.append(f"{self.name} [{self.tier}]: warning: {f.message}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) or f"{self.name} [{self.tier}]: pass"


class CheckReport(_CheckResult):
    """Every system of an inventory checked against its tier of a policy."""

    policy: str = Field(description="Name of the policy (may be empty).")
    inventory: str = Field(description="Name of the inventory (may be empty).")
    currency: str = Field(description="ISO 4217 code of every amount.")
    strict: bool = Field(description="Whether warnings fail the check.")
    scenarios: tuple[str, ...] = Field(description="Scenarios every system was checked in.")
    systems: tuple[SystemCheck, ...] = Field(description="One result per system, in order.")
    passed: int = Field(description="Systems without findings [-].")
    warned: int = Field(description="Systems with warnings only [-].")
    failed: int = Field(description="Systems with violations [-].")
    violations: int = Field(description="Violations over all systems [-].")
    warnings: int = Field(description="Warnings over all systems [-].")
    ok: bool = Field(description="Whether the check passes (no violation; no warning if strict).")
    exit_code: int = Field(description="Exit status of ``rtocalc check``: 0 pass, 1 fail.")

    @classmethod
    def of(
        cls,
        systems: Sequence[SystemCheck],
        *,
        policy: str = "",
        inventory: str = "",
        currency: str = "USD",
        strict: bool = False,
        scenarios: Sequence[str] = (),
    ) -> CheckReport:
        """Build a report, counting the results of ``systems``.

        Parameters
        ----------
        systems : sequence of SystemCheck
            One result per system.
        policy : str
            Name of the policy.
        inventory : str
            Name of the inventory.
        currency : str
            ISO 4217 code of every amount.
        strict : bool
            Whether warnings fail the check.
        scenarios : sequence of str
            Names of the scenarios checked.

        Returns
        -------
        CheckReport
        """
        violations = sum(f.severity == "violation" for s in systems for f in s.findings)
        warnings = sum(f.severity == "warning" for s in systems for f in s.findings)
        ok = violations == 0 and not (strict and warnings)
        return cls(
            policy=policy,
            inventory=inventory,
            currency=currency,
            strict=strict,
            scenarios=tuple(scenarios),
            systems=tuple(systems),
            passed=sum(s.status == "pass" for s in systems),
            warned=sum(s.status == "warn" for s in systems),
            failed=sum(s.status == "fail" for s in systems),
            violations=violations,
            warnings=warnings,
            ok=ok,
            exit_code=0 if ok else 1,
        )

    def _document_(self) -> Document:
        """The verdict, a table of the systems, then the findings; the DataFrame's table
        (:meth:`rows`) adds the counts, the findings and the fix of each system."""
        cur = self.currency
        shown = (
            Column("system", "system"),
            Column("tier", "tier"),
            Column("status", "status"),
            Column("monthly_cost", "monthly cost", "money"),
            Column("rpo", "worst RPO", "hours"),
            Column("rto", "worst RTO", "hours"),
            Column("findings", "findings", "count"),
        )
        table = Table(
            shown,
            tuple(
                (s.name, s.tier, s.status.upper() if s.status != "pass" else "pass",
                 s.monthly_cost, s.rpo, s.rto, len(s.findings))
                for s in self.systems
            ),
        )  # fmt: skip
        frame = Table(
            (
                *shown[:6],
                Column("violations", "violations", "count"),
                Column("warnings", "warnings", "count"),
                Column("findings", "findings"),
                Column("fix_monthly_cost", "fix: monthly cost", "money"),
                Column("fix_changes", "fix: changes"),
            ),
            tuple(
                (
                    s.name, s.tier, s.status, s.monthly_cost, s.rpo, s.rto,
                    sum(f.severity == "violation" for f in s.findings),
                    sum(f.severity == "warning" for f in s.findings),
                    "; ".join(f.message for f in s.findings),
                    None if s.fix is None else s.fix.monthly_cost,
                    "" if s.fix is None else "; ".join(s.fix.changes),
                )
                for s in self.systems
            ),
        )  # fmt: skip
        found = self.lines()
        blocks: tuple[Table | Items, ...] = (table, Items("Findings", tuple(found)))
        return Document(self.summary(), blocks if found else (table,), cur, frame)

    def lines(self) -> list[str]:
        """Violation lines, then warning lines, system by system in inventory order.

        Returns
        -------
        list of str
        """
        out = [line for s in self.systems if s.findings for line in s.lines(warnings=False)]
        return out + [
            line for s in self.systems if s.findings for line in s.lines(violations=False)
        ]

    def summary(self) -> str:
        """One line: how many systems passed, failed and warned, and the verdict.

        Returns
        -------
        str
        """
        return summary_line(
            systems=len(self.systems),
            passed=self.passed,
            failed=self.failed,
            warned=self.warned,
            violations=self.violations,
            warnings=self.warnings,
            strict=self.strict,
        )

    def __str__(self) -> str:
        return "\n".join([*self.lines(), self.summary()])

    def render(self, fmt: Literal["text", "markdown", "json", "junit"] = "text") -> str:
        """The report in one of the formats of ``rtocalc check``, ending in a newline.

        Parameters
        ----------
        fmt : {"text", "markdown", "json", "junit"}
            Plain text (one line per violation, then warnings and a summary), Markdown,
            JSON (``model_dump_json``) or JUnit XML (:meth:`to_junit`).

        Returns
        -------
        str
        """
        if fmt == "json":
            return self.model_dump_json(indent=2) + "\n"
        if fmt == "junit":
            return self.to_junit()
        if fmt == "markdown":
            return self.to_markdown() + "\n"
        if fmt == "text":
            return str(self) + "\n"
        raise FieldError("fmt", f"{fmt!r} is not a format; use 'text', 'markdown', 'json', 'junit'")

    def to_junit(self) -> str:
        """JUnit XML: one testsuite, one testcase per system, failures with their lines.

        Warnings are failures when the report is strict, else they go to the testcase's
        ``system-out``. The output has no timestamps, so it is the same on every run.

        Returns
        -------
        str
            An XML document (UTF-8 declaration included).
        """
        failures = sum(
            1 for s in self.systems if s.status == "fail" or (self.strict and s.status == "warn")
        )
        suites = ET.Element(
            "testsuites",
            name="rtocalc check",
            tests=str(len(self.systems)),
            failures=str(failures),
            errors="0",
        )
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"rtocalc check: {self.policy or 'policy'}",
            tests=str(len(self.systems)),
            failures=str(failures),
            errors="0",
            skipped="0",
        )
        for s in self.systems:
            case = ET.SubElement(suite, "testcase", classname=f"rtocalc.{s.tier}", name=s.name)
            bad = s.lines(warnings=self.strict)
            if s.status == "fail" or (self.strict and s.status == "warn"):
                v = sum(f.severity == "violation" for f in s.findings)
                w = len(s.findings) - v
                what = _n(v, "violation") if v else _n(w, "warning")
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{s.name}: {what}",
                    type="violation" if v else "warning",
                )
                failure.text = "\n".join(bad)
            elif s.findings:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(s.lines())
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def summary_line(
    *,
    systems: int,
    passed: int,
    failed: int,
    warned: int,
    violations: int,
    warnings: int,
    strict: bool,
) -> str:
    """The verdict of a check from its counts (:meth:`CheckReport.summary`)."""
    ok = violations == 0 and not (strict and warnings)
    verdict = "PASS" if ok else "FAIL"
    tail = " (strict: warnings fail)" if strict else ""
    return (
        f"{verdict}: {_n(systems, 'system')} checked: {passed} passed, "
        f"{failed} failed ({_n(violations, 'violation')}), {warned} with "
        f"warnings only ({_n(warnings, 'warning')}){tail}."
    )


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _hours(h: float) -> str:
    return hours_words(h) + ("" if math.isfinite(h) else " (no copy survives)")


# --- the check --------------------------------------------------------------------------


def check(
    policy: Policy,
    inventory: Inventory,
    *,
    strict: bool = False,
    fixes: bool = True,
) -> CheckReport:
    """Check every system's declared design against its tier.

    Parameters
    ----------
    policy : Policy
        The tiers and the scenarios to check in.
    inventory : Inventory
        The systems, their workloads and declared designs, and the catalog.
    strict : bool
        Warnings fail the check too (a scenario out of scope that no copy survives).
    fixes : bool
        Find the cheapest compliant design of every failing system (one
        :func:`rtocalc.cheapest` per distinct workload and tier).

    Returns
    -------
    CheckReport

    Raises
    ------
    InputError
        When a system names a tier the policy lacks, or the currencies differ.

    Notes
    -----
    Each system's design is evaluated as :func:`rtocalc.evaluate` evaluates it (the
    design as declared, its interval as given, the system's retention or the tier's),
    all systems of a tier in one broadcast evaluation. A scenario violates an RPO or RTO
    limit when no surviving copy meets both of its limits (within 1e-9 h, the model's
    tolerance): the line then gives what the recovery path chosen by the model achieves.
    A cost above the tier's maximum is a violation.

    Examples
    --------
    >>> policy = Policy(tiers={"gold": {"rpo": "4 h", "rto": {"hardware": "8 h"}}})
    >>> inv = Inventory(systems=[{"name": "crm", "tier": "gold",
    ...     "workload": {"data_size": "500 GB"},
    ...     "design": {"interval": "24 h", "target": "local_disk"}}])
    >>> report = check(policy, inv)
    >>> report.exit_code, report.systems[0].findings[0].metric
    (1, 'rpo')
    """
    systems = list(iter_check(policy, inventory, fixes=fixes))
    return CheckReport.of(
        systems,
        policy=policy.name,
        inventory=inventory.name,
        currency=inventory.catalog.currency,
        strict=strict,
        scenarios=[s.name for s in policy.impact.scenarios],
    )


#: Systems evaluated, and fixed, together: bounds the memory of a check [systems].
CHECK_BATCH = 64
_FIX_CACHE = 1024  # fixes remembered across batches, for systems with the same workload


def iter_check(
    policy: Policy,
    inventory: Inventory,
    *,
    fixes: bool = True,
    batch: int = CHECK_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[SystemCheck]:
    """Check the systems batch by batch, yielding each result in inventory order.

    The memory a check needs is that of one batch (plus the results kept by the
    caller), whatever the number of systems: ``rtocalc check`` prints each system's
    lines as its batch is done.

    Parameters
    ----------
    policy : Policy
        The tiers and the scenarios to check in.
    inventory : Inventory
        The systems, their workloads and declared designs, and the catalog.
    fixes : bool
        Find the cheapest compliant design of every failing system.
    batch : int
        Systems evaluated (and fixed) together [systems].
    progress : callable, optional
        Called as ``progress(done, total)`` after each batch [systems].

    Returns
    -------
    iterator of SystemCheck
        One result per system, in inventory order.

    Raises
    ------
    InputError
        When a system names a tier the policy lacks, or the currencies differ (raised
        by this call, before any system is checked).

    See Also
    --------
    check : The same results gathered in a :class:`CheckReport`.
    """
    if not isinstance(policy, Policy) or not isinstance(inventory, Inventory):
        raise TypeError(
            "check(policy, inventory): expected a rtocalc.policy.Policy and Inventory; load "
            "them with load_policy(path) and load_inventory(path)"
        )
    if batch < 1:
        raise FieldError("batch", f"{batch!r} is not a number of systems; use e.g. 64")
    errors = _lines(
        "inventory", _tier_errors([s.tier for s in inventory.systems], list(policy.tiers))
    )
    catalog = inventory.catalog
    if catalog.currency != policy.currency:
        errors.append(
            f"policy: currency: {policy.currency!r} differs from the catalog's "
            f"{catalog.currency!r}; give the policy's amounts in {catalog.currency}"
        )
    if errors:
        raise InputError(errors)
    return _stream(policy, inventory, fixes=fixes, batch=batch, progress=progress)


def _stream(
    policy: Policy,
    inventory: Inventory,
    *,
    fixes: bool,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[SystemCheck]:
    systems = inventory.systems
    cache: dict[tuple[str, Retention, Workload], Plan | Result | None] = {}
    for start in range(0, len(systems), batch):
        chunk = systems[start : start + batch]
        yield from _check_batch(policy, chunk, inventory.catalog, fixes=fixes, cache=cache)
        if progress is not None:
            progress(start + len(chunk), len(systems))


def _check_batch(
    policy: Policy,
    systems: Sequence[System],
    catalog: Catalog,
    *,
    fixes: bool,
    cache: dict[tuple[str, Retention, Workload], Plan | Result | None],
) -> list[SystemCheck]:
    """The results of a batch of systems, in order; see :func:`check`."""
    impact = policy.impact
    scenarios = impact.scenarios
    groups: dict[tuple[str, Retention], list[int]] = {}
    for i, s in enumerate(systems):
        tier = policy.tiers[s.tier]
        groups.setdefault((s.tier, s.retention or tier.retention), []).append(i)
    results: dict[int, SystemCheck] = {}
    failing: list[tuple[int, Retention]] = []  # (system, its retention)
    for (tier_name, retention), rows in groups.items():
        tier = policy.tiers[tier_name]
        limits = tier.limits(scenarios)
        req = tier.requirements(scenarios, retention=retention)
        ev = evaluate_systems(
            [systems[i].workload for i in rows],
            [systems[i].design for i in rows],
            req,
            impact,
            catalog,
            limits=limits,
        )
        suspect = _suspects(ev, tier, retention, limits).tolist()
        costs, rpos, rtos = ev.outlay.tolist(), ev.worst_rpo.tolist(), ev.worst_rto.tolist()
        for j, i in enumerate(rows):
            if suspect[j]:
                findings = tier_findings(
                    Achieved.of(ev, j), tier, retention, limits, scenarios, catalog
                )
                result = _result(systems[i].name, tier_name, findings, costs[j], rpos[j], rtos[j])
                results[i] = result
                if result.status == "fail":
                    failing.append((i, retention))
            else:  # nothing to report: skip the per-scenario look
                results[i] = SystemCheck(
                    name=systems[i].name,
                    tier=tier_name,
                    status="pass",
                    monthly_cost=costs[j],
                    rpo=rpos[j],
                    rto=rtos[j],
                    findings=(),
                    fix=None,
                )
    if fixes and failing:
        found = cheapest_fixes(
            [
                (systems[i], policy.tiers[systems[i].tier], retention, results[i].monthly_cost)
                for i, retention in failing
            ],
            impact,
            catalog,
            cache,
        )
        for (i, _), fix in zip(failing, found, strict=True):
            results[i] = results[i].model_copy(update={"fix": fix})
    return [results[i] for i in range(len(systems))]


def _suspects(
    ev: Evaluation, tier: Tier, retention: Retention, limits: tuple[FloatArray, FloatArray]
) -> NDArray[np.bool_]:
    """Rows that may have a finding (every row with one is included), vectorised."""
    in_scope = (np.isfinite(limits[0]) | np.isfinite(limits[1]))[:, None]  # (S, 1)
    dead = ~ev.paths.alive.any(axis=0)  # (S, N): no copy survives
    out = np.asarray(((~ev.meets_scenario & in_scope) | (dead & ~in_scope)).any(axis=0))
    out |= ~ev.window_ok | ~ev.link_ok
    if tier.offsite:
        out |= ~ev.has_offsite
    if tier.immutable:
        out |= ~ev.has_immutable
    if tier.max_monthly_cost is not None:
        out |= ev.outlay > tier.max_monthly_cost
    if any(getattr(retention, k) < getattr(tier.retention, k) for k in _RETENTION_KEYS):
        out[:] = True
    return out


def check_files(
    policy: str | Path,
    inventory: str | Path,
    *,
    strict: bool = False,
    fixes: bool = True,
    allow_outside: bool = False,
) -> CheckReport:
    """Load a policy and an inventory file and check one against the other.

    Parameters
    ----------
    policy : str or Path
        Policy TOML file (``"-"`` for standard input).
    inventory : str or Path
        Inventory TOML file (``"-"`` for standard input).
    strict : bool
        Warnings fail the check too.
    fixes : bool
        Find the cheapest compliant design of every failing system.
    allow_outside : bool, default False
        Let the inventory's ``catalog.file`` name a file outside its directory.

    Returns
    -------
    CheckReport

    Raises
    ------
    InputError
        With every problem of both files, one line each.
    """
    pol, inv = load_check_files(policy, inventory, allow_outside=allow_outside)
    return check(pol, inv, strict=strict, fixes=fixes)


def load_check_files(
    policy: str | Path, inventory: str | Path, *, allow_outside: bool = False
) -> tuple[Policy, Inventory]:
    """The policy and the inventory of :func:`check_files`, validated together."""
    if str(policy) == str(inventory) == "-":
        raise InputError(["POLICY and INVENTORY cannot both be '-' (standard input)"])
    errors: list[str] = []
    pol: Policy | None = None
    inv: Inventory | None = None
    tiers: Collection[str] | None = None
    try:
        pol = load_policy(policy)
        tiers = list(pol.tiers)
    except InputError as exc:
        errors += exc.errors
        tiers = _raw_tier_names(policy)
    try:
        inv = load_inventory(inventory, tiers, allow_outside=allow_outside)
    except InputError as exc:
        errors += exc.errors
    if pol is not None and inv is not None and pol.currency != inv.catalog.currency:
        errors.append(
            f"{policy}: currency: {pol.currency!r} differs from the currency of the catalog of "
            f"{inventory} ({inv.catalog.currency!r}); give the policy's amounts in "
            f"{inv.catalog.currency}"
        )
    if errors or pol is None or inv is None:
        raise InputError(errors)
    return pol, inv


def _raw_tier_names(path: str | Path) -> list[str] | None:
    """Tier names of a policy file that failed validation (None if unreadable)."""
    try:
        tiers = read_toml(path).get("tiers")
    except InputError:
        return None
    return [str(k) for k in tiers] if isinstance(tiers, Mapping) else None


def _result(
    name: str, tier: str, findings: list[Finding], cost: float, rpo: float, rto: float
) -> SystemCheck:
    violations = any(f.severity == "violation" for f in findings)
    status: Literal["pass", "warn", "fail"] = (
        "fail" if violations else ("warn" if findings else "pass")
    )
    return SystemCheck(
        name=name,
        tier=tier,
        status=status,
        monthly_cost=cost,
        rpo=rpo,
        rto=rto,
        findings=tuple(findings),
        fix=None,
    )


@dataclass(frozen=True)
class Achieved:
    """What one evaluated design achieves, as plain values (one entry per scenario)."""

    rpo: list[float]  # [h]
    rto: list[float]  # [h]
    meets: list[bool]  # some surviving copy meets both limits
    survives: list[bool]  # some copy survives
    has_offsite: bool
    has_immutable: bool
    monthly_cost: float  # [currency/month]
    backup_duration: float  # [h]
    interval: float  # [h]
    window_ok: bool
    link_ok: bool
    traffic: float | None  # [GB/h], None when unknown
    link: str | None

    @classmethod
    def of(cls, ev: Evaluation, j: int) -> Achieved:
        return cls(
            rpo=ev.rpo[:, j].tolist(),
            rto=ev.rto[:, j].tolist(),
            meets=ev.meets_scenario[:, j].tolist(),
            survives=[bool(x) for x in np.any(ev.paths.alive[:, :, j], axis=0).tolist()],
            has_offsite=bool(ev.has_offsite[j]),
            has_immutable=bool(ev.has_immutable[j]),
            monthly_cost=float(ev.outlay[j]),
            backup_duration=float(ev.backup_duration[j]),
            interval=float(ev.interval[j]),
            window_ok=bool(ev.window_ok[j]),
            link_ok=bool(ev.link_ok[j]),
            traffic=float(ev.paths.traffic[j]),
            link=ev.space.keys.links[li] if (li := int(ev.space.link[j])) >= 0 else None,
        )


def tier_findings(
    row: Achieved,
    tier: Tier,
    retention: Retention,
    limits: tuple[FloatArray, FloatArray],
    scenarios: Sequence[Scenario],
    catalog: Catalog,
) -> list[Finding]:
    """Violations of one evaluated design (then warnings), in a fixed order."""
    rpo_lim, rto_lim = limits[0].tolist(), limits[1].tolist()
    found: list[Finding] = []
    warnings: list[Finding] = []
    for s, sc in enumerate(scenarios):
        where = f"'{sc.name}' ({sc.scope})"
        if math.isinf(rpo_lim[s]) and math.isinf(rto_lim[s]):
            if not row.survives[s]:
                warnings.append(
                    _finding(
                        "warning",
                        "out_of_scope",
                        sc,
                        math.inf,
                        None,
                        "h",
                        f"{where}: no copy survives; passes only because the tier sets no "
                        f"RPO or RTO for {sc.scope} scenarios",
                    )
                )
            continue
        if row.meets[s]:
            continue
        checks: tuple[tuple[Metric, float, float], ...] = (
            ("rpo", row.rpo[s], rpo_lim[s]),
            ("rto", row.rto[s], rto_lim[s]),
        )
        for metric, achieved, limit in checks:
            if achieved > limit + TOL:
                found.append(
                    _finding(
                        "violation",
                        metric,
                        sc,
                        achieved,
                        limit,
                        "h",
                        f"{where}: {metric.upper()} {_hours(achieved)} > limit "
                        f"{format_duration(limit, digits=3)}",
                    )
                )
    if tier.offsite and not row.has_offsite:
        found.append(
            _finding(
                "violation",
                "offsite",
                None,
                None,
                None,
                "",
                "not every retained point has an off-site copy (GFS points count only "
                "where they live); the tier requires one",
            )
        )
    if tier.immutable and not row.has_immutable:
        found.append(
            _finding(
                "violation",
                "immutable",
                None,
                None,
                None,
                "",
                "not every retained point has an immutable copy (GFS points count only "
                "where they live); the tier requires one",
            )
        )
    for key in _RETENTION_KEYS:
        kept, needed = getattr(retention, key), getattr(tier.retention, key)
        if kept < needed:
            found.append(
                _finding(
                    "violation",
                    "retention",
                    None,
                    float(kept),
                    float(needed),
                    "points",
                    f"retention: keeps {kept} {key} points < limit {needed} {key}",
                )
            )
    cost, cur = row.monthly_cost, catalog.currency
    if tier.max_monthly_cost is not None and cost > tier.max_monthly_cost:
        found.append(
            _finding(
                "violation",
                "monthly_cost",
                None,
                cost,
                tier.max_monthly_cost,
                f"{cur}/month",
                f"monthly cost {money_words(cost, cur)} > limit "
                f"{money_words(tier.max_monthly_cost, cur)}",
            )
        )
    if not row.window_ok:
        found.append(
            _finding(
                "violation",
                "backup_window",
                None,
                row.backup_duration,
                row.interval,
                "h",
                f"backup job takes {_hours(row.backup_duration)} > limit "
                f"{_hours(row.interval)}, the interval: backups cannot finish between runs",
            )
        )
    if not row.link_ok:
        link = row.link or ""
        capacity = (
            float(physics.link_throughput(catalog.links[link].bandwidth))
            if link in catalog.links
            else 0.0
        )
        traffic = row.traffic
        found.append(
            _finding(
                "violation",
                "link",
                None,
                traffic,
                capacity,
                "GB/h",
                f"link {link}: average traffic "
                + (format_throughput(traffic) if traffic is not None else "")
                + f" > limit {format_throughput(capacity)}, its bandwidth",
            )
        )
    return found + warnings


def _finding(
    severity: Literal["violation", "warning"],
    metric: Metric,
    scenario: Scenario | None,
    achieved: float | None,
    limit: float | None,
    unit: str,
    message: str,
) -> Finding:
    return Finding(
        severity=severity,
        metric=metric,
        scenario=scenario.name if scenario is not None else None,
        scope=scenario.scope if scenario is not None else None,
        achieved=achieved,
        limit=limit,
        unit=unit,
        message=message,
    )


def cheapest_fixes(
    requests: Sequence[tuple[System, Tier, Retention, float]],
    impact: BusinessImpact,
    catalog: Catalog,
    cache: dict[tuple[str, Retention, Workload], Plan | Result | None] | None = None,
) -> list[Fix]:
    """The cheapest design meeting the tier, for each (system, tier, retention, cost).

    Searched once per distinct (workload, tier, retention kept) not in ``cache``, all
    workloads of a tier together (:func:`rtocalc._batch.cheapest_plans`);
    :func:`rtocalc.cheapest` gives the reasons when no design meets the tier. ``cache``
    keeps up to ``_FIX_CACHE`` searches across batches (oldest dropped first).
    """
    cache = {} if cache is None else cache
    keeps = [
        Retention(
            **r.calendar,  # the deployed job's calendar, with the counts the tier needs
            **{k: max(getattr(r, k), getattr(t.retention, k)) for k in _RETENTION_KEYS},
        )
        for _, t, r, _ in requests
    ]
    # one search per tier (by name) and retention kept, over its distinct workloads
    groups: dict[tuple[str, Retention], tuple[Tier, dict[Workload, Plan | Result | None]]] = {}
    got: dict[tuple[str, Retention, Workload], Plan | Result | None] = {}
    for (system, tier, _, _), keep in zip(requests, keeps, strict=True):
        key = (system.tier, keep, system.workload)
        if key in cache:
            got[key] = cache[key]
        else:
            _, plans = groups.setdefault((system.tier, keep), (tier, {}))
            plans[system.workload] = None
    spaces: dict[Retention, DesignSpace] = {}
    for (name, keep), (tier, plans) in groups.items():
        req = tier.requirements(impact.scenarios, retention=keep)
        space = spaces.get(keep)
        if space is None:
            space = spaces[keep] = build_space(catalog, keep)
        workloads = list(plans)
        for w, plan in zip(
            workloads, cheapest_plans(workloads, req, impact, catalog, space), strict=True
        ):
            found = plan if plan is not None else cheapest(w, req, impact=impact, catalog=catalog)
            got[(name, keep, w)] = found
            while len(cache) >= _FIX_CACHE:
                del cache[next(iter(cache))]
            cache[(name, keep, w)] = found
    return [
        _fix(system, t, retention, keep, cost, got[(system.tier, keep, system.workload)], catalog)
        for (system, t, retention, cost), keep in zip(requests, keeps, strict=True)
    ]


def _fix(
    system: System,
    tier: Tier,
    retention: Retention,
    keep: Retention,
    declared_cost: float,
    found: Plan | Result | None,
    catalog: Catalog,
) -> Fix:
    """The cheapest compliant design ``found`` (or why there is none), as a change."""
    if not isinstance(found, Plan):
        reasons = found.reasons if isinstance(found, Result) else ()
        why = reasons[0].message if reasons else "no design meets every limit"
        return Fix(
            feasible=False,
            design=None,
            retention=keep,
            monthly_cost=None,
            cost_change=None,
            within_max_cost=None,
            changes=(),
            summary=f"fix: none, no design in the catalog meets {system.tier} for this "
            f"workload ({why})",
        )
    plan = found
    changes = _changes(system.design, plan.design)
    changes += [
        f"keep {getattr(keep, k)} {k} points (now {getattr(retention, k)})"
        for k in _RETENTION_KEYS
        if getattr(keep, k) != getattr(retention, k)
    ]
    cur = catalog.currency
    delta = plan.monthly_cost - declared_cost
    sign = "+" if delta >= 0 else "-"
    within = None if tier.max_monthly_cost is None else plan.monthly_cost <= tier.max_monthly_cost
    what = ", ".join(changes) if changes else "nothing"
    summary = (
        f"fix: the cheapest compliant design changes {what} "
        f"({money_words(plan.monthly_cost, cur)}, "
        f"{sign}{money_words(abs(delta), cur)})"
    )
    if within is False:
        summary += (
            f", above the tier's maximum of {money_words(tier.max_monthly_cost or 0.0, cur)}: "
            "no compliant design fits it"
        )
    return Fix(
        feasible=True,
        design=plan.design,
        retention=keep,
        monthly_cost=plan.monthly_cost,
        cost_change=delta,
        within_max_cost=within,
        changes=tuple(changes),
        summary=summary,
    )


def _changes(old: Design, new: Design) -> list[str]:
    """Fields that differ, ``name old -> new``, in the order of :class:`Design`."""
    out = []
    for name in Design.model_fields:
        a, b = getattr(old, name), getattr(new, name)
        if name == "interval":
            if not math.isclose(a, b, rel_tol=1e-6):
                out.append(
                    f"interval {format_duration(a, digits=3)} -> {format_duration(b, digits=3)}"
                )
        elif a != b:
            out.append(f"{name} {a or 'none'} -> {b or 'none'}")
    return out

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
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from . import physics
from ._batch import cheapest_plans, evaluate_systems
from ._policy_files import (
    PORTFOLIO_FIELDS as PORTFOLIO_FIELDS,
)
from ._policy_files import (
    inventory_from_dict,
    isolated_recovery_errors,
    load_inventory,
    load_policy,
    policy_from_dict,
)
from ._policy_models import Inventory, Policy, ScenarioLimits, System, Tier
from ._policy_models import error_lines as _lines
from ._policy_models import tier_errors as _tier_errors
from ._policy_results import CheckReport, Finding, Fix, Metric, SystemCheck
from ._policy_results import hours_text as _hours
from ._policy_results import summary_line as summary_line
from ._render import (
    money_words,
)
from .files import InputError, read_toml
from .models import (
    BusinessImpact,
    Catalog,
    Design,
    Retention,
    Scenario,
    Workload,
)
from .optimize import cheapest
from .results import Plan, Result
from .space import DesignSpace, Evaluation, FloatArray, build_space
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

_RETENTION_KEYS = ("daily", "weekly", "monthly", "quarterly", "yearly")


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
    if pol is not None and inv is not None:
        errors += isolated_recovery_errors(pol, inv.catalog, str(policy), str(inventory))
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

"""Test helpers: the check of ``rtocalc check`` as a pytest assertion.

Keep the disaster-recovery ask next to the code that deploys a design, and let the
test suite fail when a change breaks it::

    from rtocalc import Design, Requirements, Workload
    from rtocalc.testing import assert_meets

    def test_crm_backups_meet_tier_2():
        workload = Workload(data_size="1.5 TB", daily_change="2%/day")
        design = Design(interval="3 h", target="local_hardened",
                        offsite="cloud_copy_infrequent", link="wan_500m")
        assert_meets(design, Requirements(rpo="4 h", rto="1 d", offsite=True),
                     workload=workload)

On failure the message holds the same lines as ``rtocalc check``: one per violation
(scenario, metric, achieved, limit) and the cheapest compliant design. The helper
hides its own frame from pytest tracebacks (``__tracebackhide__``), so ``pytest -q``
shows the failing test line and the message only. It needs no pytest import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._batch import evaluate_systems
from .models import BusinessImpact, Catalog, Design, Requirements, Retention, Scenario, Workload
from .policy import (
    Achieved,
    CheckReport,
    Fix,
    System,
    SystemCheck,
    Tier,
    cheapest_fixes,
    tier_findings,
)
from .results import Plan
from .space import has_immutable, has_offsite, space_of
from .units import TOL

__all__ = ["assert_meets"]


def assert_meets(
    plan_or_design: Plan | Design,
    tier_or_requirements: Tier | Requirements | Mapping[str, Any],
    *,
    workload: Workload | None = None,
    catalog: Catalog | None = None,
    impact: BusinessImpact | None = None,
    strict: bool = False,
    name: str = "design",
    label: str | None = None,
) -> SystemCheck:
    """Assert that a design or plan meets a policy tier or an ask.

    Parameters
    ----------
    plan_or_design : Plan or Design
        A :class:`~rtocalc.Design` (evaluated here with ``workload``, as
        :func:`rtocalc.evaluate` does), or a :class:`~rtocalc.Plan` already evaluated
        (checked by its own figures, or re-evaluated when ``workload`` is given).
    tier_or_requirements : Tier, Requirements or mapping
        The limits: a :class:`~rtocalc.policy.Tier`, a :class:`~rtocalc.Requirements`
        (its ``budget`` is the maximum monthly cost), or a mapping validated as a Tier.
    workload : Workload, optional
        The protected system; required for a Design. With it, a failure message also
        gives the cheapest compliant design.
    catalog : Catalog, optional
        Priced options (default :meth:`Catalog.default`).
    impact : BusinessImpact, optional
        The scenarios to check in (default: the shipped scenarios).
    strict : bool
        Fail on warnings too (a scenario out of scope that no copy survives).
    name : str
        Name of the system in the message.
    label : str, optional
        Name of the tier in the message, e.g. ``"tier-2"`` (default ``"tier"``, or
        ``"requirements"`` for a Requirements).

    Returns
    -------
    SystemCheck
        The result, when it passes (its warnings included).

    Raises
    ------
    AssertionError
        With one line per violation, as ``rtocalc check`` prints them.
    TypeError
        When a Design comes without a workload, or an argument has the wrong type.

    Notes
    -----
    A Plan without ``workload`` is checked by the figures it reports: the RPO and RTO
    of the recovery path chosen when it was evaluated, its cost, its backup duration
    and the link check of its own violations. Pass ``workload`` to re-evaluate its
    design against the tier exactly (another path may then meet a limit).

    Examples
    --------
    >>> from rtocalc import Design, Requirements, Workload
    >>> w = Workload(data_size="500 GB")
    >>> ask = Requirements(rpo={"logical": "4 h", "hardware": "4 h"}, rto={"hardware": "8 h"})
    >>> result = assert_meets(Design(interval="2 h", target="local_disk"), ask, workload=w)
    >>> result.status  # passes; no copy survives a site loss, out of scope for this ask
    'warn'
    >>> assert_meets(Design(interval="24 h", target="local_disk"), ask, workload=w)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: design [requirements] misses its limits (2 violations):
      design [requirements]: 'Accidental deletion or corruption' (logical): RPO 1 d > limit 4 h; ...
    """
    __tracebackhide__ = True
    tier, default_label = _as_tier(tier_or_requirements)
    label = label if label is not None else default_label
    impact = impact if impact is not None else BusinessImpact()
    catalog = catalog if catalog is not None else Catalog.default()
    if not isinstance(impact, BusinessImpact) or not isinstance(catalog, Catalog):
        raise TypeError("assert_meets: impact and catalog must be a BusinessImpact and a Catalog")
    if workload is not None and not isinstance(workload, Workload):
        raise TypeError(f"workload: expected a rtocalc.Workload, got {type(workload).__name__}")
    scenarios = impact.scenarios
    unknown = [k for k in tier.scenarios if k not in {s.name for s in scenarios}]
    if unknown:
        raise ValueError(
            f"tier.scenarios: {unknown[0]!r} is not a scenario of the impact; use one of "
            + ", ".join(repr(s.name) for s in scenarios)
        )
    limits = tier.limits(scenarios)
    if isinstance(plan_or_design, Plan):
        plan = plan_or_design
        design = plan.design
        retention = plan.requirements.retention if plan.requirements is not None else Retention()
        if workload is None:
            row = _plan_row(plan, scenarios, limits, catalog)
    elif isinstance(plan_or_design, Design):
        design = plan_or_design
        retention = tier.retention
        if workload is None:
            raise TypeError(
                "assert_meets: a Design needs workload=rtocalc.Workload(...) to be evaluated"
            )
    else:
        raise TypeError(
            "plan_or_design: expected a rtocalc.Plan or rtocalc.Design, got "
            f"{type(plan_or_design).__name__}"
        )
    if workload is not None:
        req = tier.requirements(scenarios, retention=retention)
        ev = evaluate_systems([workload], [design], req, impact, catalog, limits=limits)
        row = Achieved.of(ev, 0)
    findings = tier_findings(row, tier, retention, limits, scenarios, catalog)
    violations = [f for f in findings if f.severity == "violation"]
    fix: Fix | None = None
    if violations and workload is not None:
        system = System(name=name, tier=label, workload=workload, design=design)
        (fix,) = cheapest_fixes([(system, tier, retention, row.monthly_cost)], impact, catalog)
    result = SystemCheck(
        name=name,
        tier=label,
        status="fail" if violations else ("warn" if findings else "pass"),
        monthly_cost=row.monthly_cost,
        rpo=_worst(row.rpo, limits),
        rto=_worst(row.rto, limits),
        findings=tuple(findings),
        fix=fix,
    )
    report = CheckReport.of([result], strict=strict)
    if not report.ok:
        counted = report.violations if report.violations else report.warnings
        what = "violation" if report.violations else "warning"
        lines = result.lines(warnings=strict)
        raise AssertionError(
            f"{name} [{label}] misses its limits ({counted} {what}{'s' if counted != 1 else ''}):\n"
            + "\n".join(f"  {line}" for line in lines)
        )
    return result


def _as_tier(value: object) -> tuple[Tier, str]:
    if isinstance(value, Tier):
        return value, "tier"
    if isinstance(value, Requirements):
        return (
            Tier.model_validate(
                {
                    "rpo": value.rpo,
                    "rto": value.rto,
                    "retention": value.retention,
                    "offsite": value.offsite,
                    "immutable": value.immutable,
                    "max_monthly_cost": value.budget,
                    "mtd": value.mtd,
                    "wrt": value.wrt,
                }
            ),
            "requirements",
        )
    if isinstance(value, Mapping):
        return Tier.model_validate(value), "tier"
    raise TypeError(
        "tier_or_requirements: expected a rtocalc.policy.Tier, rtocalc.Requirements or a "
        f"mapping, got {type(value).__name__}"
    )


def _worst(values: list[float], limits: tuple[Any, Any]) -> float:
    """Worst value over the scenarios the tier limits (all scenarios when none)."""
    scoped = [
        v
        for v, a, b in zip(values, limits[0].tolist(), limits[1].tolist(), strict=True)
        if math.isfinite(a) or math.isfinite(b)
    ]
    return max(scoped or values or [0.0])


def _plan_row(
    plan: Plan, scenarios: tuple[Scenario, ...], limits: tuple[Any, Any], catalog: Catalog
) -> Achieved:
    """The figures a Plan reports, matched to the scenarios by name."""
    by_name = {o.name: o for o in plan.by_scenario}
    missing = [s.name for s in scenarios if s.name not in by_name]
    if missing:
        raise ValueError(
            f"plan: it was evaluated without scenario {missing[0]!r}; pass the impact it "
            "was evaluated with, or workload= to re-evaluate its design"
        )
    outcomes = [by_name[s.name] for s in scenarios]
    rpo_lim, rto_lim = limits[0].tolist(), limits[1].tolist()
    space = space_of(catalog, plan.design)
    # the GFS points count where they live (the retention the plan was evaluated with)
    kept = plan.requirements.retention if plan.requirements is not None else None
    return Achieved(
        rpo=[o.rpo for o in outcomes],
        rto=[o.rto for o in outcomes],
        meets=[
            o.path != "none" and o.rpo <= a + TOL and o.rto <= b + TOL
            for o, a, b in zip(outcomes, rpo_lim, rto_lim, strict=True)
        ],
        survives=[o.path != "none" for o in outcomes],
        has_offsite=bool(has_offsite(space, catalog, kept)[0]),
        has_immutable=bool(has_immutable(space, catalog, kept)[0]),
        monthly_cost=plan.monthly_cost,
        backup_duration=plan.backup_duration,
        interval=plan.design.interval,
        window_ok=plan.backup_duration <= plan.design.interval + TOL,
        link_ok=plan.link_ok,
        traffic=None,
        link=plan.design.link,
    )

"""The cheapest design that meets an ask, exact over the whole design space.

The design space of one system is small (10^4 to 10^5 rows), so it is evaluated
exhaustively as numpy columns (:mod:`rtocalc.space`), infeasible rows are masked, and
the minimum is taken with a deterministic tie-break. The backup interval, the one
continuous variable, is solved as a boundary per row rather than sampled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from . import physics, units
from ._random import SeedLike
from ._render import clock_words
from ._search import Bound as _Bound
from ._search import Job, Objective, Searched, search
from ._search import bound as _bound
from ._search import order as order
from ._space_kernel import explaining_rows
from ._space_tables import Tables, offsite_rule
from .models import BusinessImpact, Catalog, Design, Requirements, Workload
from .results import Plan, Reason, Result, ScenarioOutcome
from .space import (
    DesignSpace,
    Evaluation,
    IntArray,
    Path,
    build_space,
    evaluate_space,
    gather_rows,
    has_immutable,
    has_offsite,
    path_clock,
    protection_words,
    space_of,
    unmet_points,
)
from .units import TOL, format_throughput

if TYPE_CHECKING:
    from .uncertainty import UncertainImpact, UncertainWorkload

__all__ = ["cheapest", "evaluate"]


def format_duration(hours: float) -> str:
    """Durations in messages: 3 significant digits, as people read them."""
    return units.format_duration(hours, digits=3)


def format_size(gb: float) -> str:
    """Sizes in messages: 3 significant digits (decimal units)."""
    return units.format_size(gb, digits=3)


_OPEN = Requirements(rpo={}, rto={})


def with_defaults(
    impact: BusinessImpact | None, catalog: Catalog | None
) -> tuple[BusinessImpact, Catalog]:
    return impact if impact is not None else BusinessImpact(), (
        catalog if catalog is not None else Catalog.default()
    )


def check_type(name: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(
            f"{name}: expected a rtocalc.{kind.__name__}, got {type(value).__name__}; build one "
            f"with rtocalc.{kind.__name__}(...) or {kind.__name__}.model_validate(dict)"
        )


def cheapest(
    workload: Workload | UncertainWorkload,
    requirements: Requirements,
    *,
    impact: BusinessImpact | UncertainImpact | None = None,
    catalog: Catalog | None = None,
    objective: Objective = "outlay",
    confidence: float | None = None,
    samples: int = 10_000,
    seed: SeedLike = None,
    prices: Mapping[str, Any] | None = None,
) -> Result:
    """Find the cheapest design that meets the ask.

    Parameters
    ----------
    workload : Workload or UncertainWorkload
        The protected system; with an :class:`~rtocalc.UncertainWorkload` (numeric
        fields as distributions) the search is robust (see ``confidence``).
    requirements : Requirements
        The ask: RPO, RTO (per scope or for all), retention, off-site, immutable, budget.
    impact : BusinessImpact or UncertainImpact, optional
        Downtime and data-loss costs and the scenarios; default: the shipped scenarios
        with zero costs. An :class:`~rtocalc.UncertainImpact` makes the search robust.
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    objective : {"outlay", "tco"}
        Minimise monthly outlay, or outlay plus expected loss / 12 (deterministic search
        only; the robust search minimises outlay at the median inputs).
    confidence : float, optional
        Required fraction of Monte Carlo samples meeting the whole ask, in (0, 1] [-].
        Given (or with uncertain inputs, default 0.9), the result is the robust choice
        of :func:`rtocalc.robust_cheapest`.
    samples : int, default 10000
        Monte Carlo samples of the robust search [-].
    seed : int or numpy.random.Generator, optional
        Seed of :func:`numpy.random.default_rng` for the robust search (a generator gives
        one integer seed drawn from it).
    prices : mapping, optional
        Uncertain catalog prices by ``"<table>.<key>.<field>"``, as for
        :func:`rtocalc.simulate`; given, the search is robust and minimises outlay at
        their medians.

    Returns
    -------
    Result
        ``feasible`` with the cheapest ``plan``, or ``reasons`` naming each binding
        constraint with numbers. An ask that cannot be met is a result, not an error.
        For a robust search ``plan`` is the chosen design evaluated at the median
        inputs, and ``probability``, ``confidence`` and ``samples`` are set.

    Notes
    -----
    Exact over the design space: every design is either evaluated or proven unable to
    win (its outlay at the longest backup interval, a lower bound, exceeds the best found).
    Each design's backup interval is solved, not sampled: for ``"outlay"`` the longest
    interval that meets the ask (outlay never rises with the interval); for ``"tco"`` the
    longest and the shortest are both evaluated and the better kept (between changes of
    recovery path, TCO is linear in the interval, so an end is optimal). Ties are broken
    by worst RTO, worst RPO, outlay, then catalog order, so the result is deterministic.
    The robust search (``confidence`` given, or uncertain inputs) is
    :func:`rtocalc.robust_cheapest`: the cheapest design by outlay at the median inputs
    that meets the ask in at least ``confidence`` of the samples.

    Examples
    --------
    >>> from rtocalc import Workload, Requirements, cheapest
    >>> ask = Requirements(rpo="24 h", rto={"logical": "4 h", "site": "1 d"}, offsite=True)
    >>> res = cheapest(Workload(data_size="2 TB"), ask)
    >>> res.feasible, res.plan.design.offsite is not None
    (True, True)
    """
    uncertain = False
    if not isinstance(workload, Workload) or not (
        impact is None or isinstance(impact, BusinessImpact)
    ):  # the uncertainty module is imported only for inputs that may be uncertain
        from . import uncertainty

        uncertain = isinstance(workload, uncertainty.UncertainWorkload) or isinstance(
            impact, uncertainty.UncertainImpact
        )
    if confidence is not None or uncertain or prices:
        check_type("requirements", requirements, Requirements)
        if objective != "outlay":
            raise ValueError(
                f"objective: {objective!r} is not supported by the robust search (confidence "
                "or uncertain inputs); use 'outlay'"
            )
        return _robust(
            workload,
            requirements,
            impact,
            catalog if catalog is not None else Catalog.default(),
            0.9 if confidence is None else confidence,
            samples,
            seed,
            prices,
        )
    check_type("workload", workload, Workload)
    check_type("requirements", requirements, Requirements)
    if objective not in ("outlay", "tco"):
        raise ValueError(f"objective: {objective!r} is not an objective; use 'outlay' or 'tco'")
    assert isinstance(workload, Workload)  # checked above; narrows for mypy
    if impact is not None:
        check_type("impact", impact, BusinessImpact)
    assert impact is None or isinstance(impact, BusinessImpact)  # narrows for mypy
    impact, catalog = with_defaults(impact, catalog)
    space = build_space(catalog, requirements.retention, database=workload.kind == "database")
    return cheapest_on_space(space, workload, requirements, impact, catalog, objective)[0]


def cheapest_on_space(
    space: DesignSpace,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective,
    *,
    bound: _Bound | None = None,
) -> tuple[Result, tuple[tuple[IntArray, Evaluation], ...]]:
    """The deterministic :func:`cheapest` on a built space, and the rows it evaluated.

    Parameters
    ----------
    space : DesignSpace
        ``build_space(catalog, requirements.retention)``.
    workload, requirements, impact, catalog
        As for :func:`cheapest` (checked, defaults applied).
    objective : {"outlay", "tco"}
        As for :func:`cheapest`.
    bound : _Bound, optional
        :func:`_bound` of ``space``, when the caller has it.

    Returns
    -------
    result : Result
        As :func:`cheapest` returns it.
    evaluated : tuple of (rows, Evaluation)
        Rows of ``space`` and their evaluation at ``requirements`` (longest interval), each
        row at most once: the search's batches, or, when nothing is feasible, the rows the
        reasons were read from (:func:`_impossible`: the first row of each kind of each
        path's rows, or every row).
    """
    searched = _search(space, workload, requirements, impact, catalog, objective, bound=bound)
    budget = requirements.budget
    evaluated = searched.evaluated
    if searched.best is not None:
        ev, row = searched.best
        plan: Plan | None = make_plan(ev, row, workload, requirements, impact, catalog)
        reasons: tuple[Reason, ...] = ()
    else:
        plan = None
        rows, ev, reasons = _impossible(space, evaluated, workload, requirements, impact, catalog)
        evaluated = ((rows, ev),)
    result = Result(
        feasible=plan is not None,
        plan=plan,
        reasons=reasons,
        objective=objective,
        budget=budget,
        within_budget=None if plan is None or budget is None else plan.monthly_cost <= budget,
        space_size=len(space),
        currency=catalog.currency,
    )
    return result, evaluated


def _impossible(
    space: DesignSpace,
    evaluated: tuple[tuple[IntArray, Evaluation], ...],
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> tuple[IntArray, Evaluation, tuple[Reason, ...]]:
    """Why no row of ``space`` meets ``requirements``: the rows explained, their
    evaluation at ``requirements`` and the reasons (:func:`explain`).

    The rows :func:`~rtocalc._space_kernel.explaining_rows` picks (the first row of each
    kind of each path's rows) give every limit's best value and the row reaching it, so
    the reasons are those of the whole space; where no limit binds alone (the reason
    names the closest design, which may be any row) or the rows are not grouped, every
    row is evaluated (``evaluated``: rows the search has evaluated already).
    """
    rows = explaining_rows(space, workload, requirements, impact, catalog)
    if rows is not None:
        ret = requirements.retention
        sub = space.take(rows)
        ev = evaluate_space(
            sub, workload, requirements, impact, catalog, fastest=True, priced=False
        )
        # a yes/no ask is offered if a row explained offers it, else if any row does
        offered = (
            not requirements.offsite
            or bool(ev.has_offsite.any())
            or bool(has_offsite(space, catalog, ret).any()),
            not requirements.immutable
            or bool(ev.has_immutable.any())
            or bool(has_immutable(space, catalog, ret).any()),
        )
        reasons = explain(ev, workload, requirements, impact, catalog, offered=offered)
        if reasons:
            return rows, ev, reasons
    ev = _whole_space(space, evaluated, workload, requirements, impact, catalog)
    return np.arange(len(space)), ev, explain(ev, workload, requirements, impact, catalog)


def _whole_space(
    space: DesignSpace,
    evaluated: tuple[tuple[IntArray, Evaluation], ...],
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> Evaluation:
    """The evaluation of the whole space at ``requirements``, given some rows' evaluations.

    Only the rows not in ``evaluated`` are evaluated; every metric of a row depends on
    that row alone, so the result equals ``evaluate_space(space, ...)``.
    """
    done = np.zeros(len(space), bool)
    for rows, _ in evaluated:
        done[rows] = True
    rest = np.flatnonzero(~done)
    # each part with its paths' fastest recoveries (what explain reads): the rest's kept
    # by the kernel, the search's batches (few rows) computed from their RTOs; the rest
    # without costs, which neither the reasons nor a frontier read (explain prices the
    # closest rows itself where it needs them)
    parts = [(rows, replace(ev, fastest=ev.fastest_paths())) for rows, ev in evaluated]
    if rest.size or not parts:
        # nothing evaluated yet (an ask no row can meet on its face): the space as it is,
        # with the figures it remembers, rather than a copy of every row
        sub = space if rest.size == len(space) else space.take(rest)
        ev = evaluate_space(
            sub, workload, requirements, impact, catalog, fastest=True, priced=False
        )
        parts.append((rest, ev))
    return gather_rows(parts)


def _robust(
    workload: Workload | UncertainWorkload,
    requirements: Requirements,
    impact: BusinessImpact | UncertainImpact | None,
    catalog: Catalog,
    confidence: float,
    samples: int,
    seed: SeedLike,
    prices: Mapping[str, Any] | None,
) -> Result:
    """The robust choice (:func:`rtocalc.robust_cheapest`) as a :class:`Result`."""
    from . import uncertainty

    choice = uncertainty.robust_cheapest(
        workload,
        requirements,
        confidence=confidence,
        samples=samples,
        seed=seed,
        impact=impact,
        catalog=catalog,
        prices=prices,
    )
    uw, ui = uncertainty.as_uncertain(workload, impact)
    catalog = uncertainty.median_catalog(catalog, uncertainty.parse_prices(prices, catalog))
    med_w, med_i = uw.median(), ui.median()
    budget = requirements.budget
    plan: Plan | None = None
    reasons: tuple[Reason, ...] = ()
    if choice.design is not None:
        plan = evaluate(med_w, choice.design, requirements, impact=med_i, catalog=catalog)
    else:
        if choice.median_design is None:  # not even the median inputs can be met
            reasons = cheapest(med_w, requirements, impact=med_i, catalog=catalog).reasons
        best = choice.best_probability
        got = (
            "no candidate meets it in any sample"
            if not best
            else f"the best candidate meets it in {best:.1%}"
        )
        reasons += (
            Reason(
                constraint="confidence",
                limit_kind="confidence",
                limit=None,
                best=None,
                shortfall=None,
                message=(
                    f"confidence: no design meets the ask in at least {confidence:.1%} of "
                    f"{samples} samples; {got} ({choice.candidates} candidates); lower the "
                    "confidence, narrow the input ranges or relax the ask"
                ),
            ),
        )
    return Result(
        feasible=plan is not None,
        plan=plan,
        reasons=reasons,
        objective="outlay",
        budget=budget,
        within_budget=None if plan is None or budget is None else plan.monthly_cost <= budget,
        space_size=len(build_space(catalog, requirements.retention)),
        currency=catalog.currency,
        probability=choice.probability,
        confidence=float(confidence),
        samples=samples,
    )


def cheapest_plan(
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    space: DesignSpace | None = None,
    *,
    bound: _Bound | None = None,
    where: np.ndarray | None = None,
) -> Plan | None:
    """The cheapest plan (outlay), or None, without explaining infeasibility.

    ``space``, ``bound`` and ``where`` are passed on to :func:`_search` (``space``
    defaults to the space of the ask's retention).
    """
    space = (
        space
        if space is not None
        else build_space(catalog, requirements.retention, database=workload.kind == "database")
    )
    found = _search(
        space, workload, requirements, impact, catalog, "outlay", bound=bound, where=where
    ).best
    if found is None:
        return None
    ev, row = found
    return make_plan(ev, row, workload, requirements, impact, catalog)


def _search(
    space: DesignSpace,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    objective: Objective,
    *,
    bound: _Bound | None = None,
    where: np.ndarray | None = None,
) -> Searched:
    """Exact minimum over the space for one ask (:func:`rtocalc._search.search`).

    ``bound`` is :func:`_bound` of ``space`` when the caller has it (it depends on the
    retention); ``where`` marks the rows that may be feasible (the caller has proven
    every other row infeasible; the result is the same with or without it). The batches
    evaluated are kept, for the reasons when nothing is feasible.
    """
    if bound is None:
        bound = _bound(space, workload, requirements.retention, catalog)
    job = Job(workload, requirements, bound, where)
    return search(space, [job], impact, catalog, objective, keep_batches=True)[0]


def evaluate(
    workload: Workload,
    design: Design,
    requirements: Requirements | None = None,
    *,
    impact: BusinessImpact | None = None,
    catalog: Catalog | None = None,
) -> Plan:
    """Evaluate one given design: what it achieves per scenario and what it costs.

    Parameters
    ----------
    workload : Workload
        The protected system.
    design : Design
        The design (its interval is used as given).
    requirements : Requirements, optional
        The ask to check against (retention sizes the storage); without it the default
        retention (14 daily) is used and ``meets_requirements`` is None.
    impact : BusinessImpact, optional
        As for :func:`cheapest`.
    catalog : Catalog, optional
        As for :func:`cheapest`.

    Returns
    -------
    Plan

    Examples
    --------
    >>> from rtocalc import Workload, Design, evaluate
    >>> plan = evaluate(Workload(data_size="2 TB"), Design(interval="24 h", target="local_disk"))
    >>> round(plan.rpo, 2) > 24
    True
    """
    check_type("workload", workload, Workload)
    check_type("design", design, Design)
    if requirements is not None:
        check_type("requirements", requirements, Requirements)
    impact, catalog = with_defaults(impact, catalog)
    space = space_of(catalog, design)
    mechanism = catalog.protection.get(design.protection or "")
    if mechanism is not None and mechanism.database_only and workload.kind != "database":
        raise ValueError(
            f"design.protection: {design.protection!r} is database-native and the workload's "
            f"kind is {workload.kind!r}; use kind = 'database' or one of "
            + ", ".join(repr(k) for k, x in catalog.protection.items() if not x.database_only)
        )
    req = requirements if requirements is not None else _OPEN
    ev = evaluate_space(space, workload, req, impact, catalog)
    return make_plan(ev, 0, workload, requirements, impact, catalog)


# --- turning a row into a Plan ------------------------------------------------------------


def _copy_words(
    ev: Evaluation, row: int, path: int, catalog: Catalog, home: bool = False
) -> str:
    """A copy in words, and where a restore from it runs (``home``: the restore goes back
    to production on premises whatever the strategy, ``_space_paths.HOME_SCOPES``)."""
    sp = ev.space
    k = sp.keys
    if path == Path.FAILOVER:
        key = k.strategies[int(sp.strategy[row])]
        strategy = catalog.strategies[key]
        mode = ("", "asynchronous", "synchronous")[int(sp.replication[row])]
        site = "at the primary site" if strategy.replica_site == "primary" else "at a second site"
        how = "automatic" if strategy.automatic else "manual"
        return f"{strategy.label or key} ({mode} replica {site}, {how} failover)"
    strategy = catalog.strategies[k.strategies[int(sp.strategy[row])]]

    def placed(target: str) -> str:
        """How a restore from ``target`` runs where that is not on premises."""
        if home:
            return ""
        if strategy.recovers_in_cloud and catalog.targets[target].location == "cloud":
            return ", restored in the cloud region on servers launched there"
        return ""

    if path == Path.PRIMARY:
        key = k.targets[int(sp.target[row])]
        return f"backup chain on {catalog.targets[key].label or key}{placed(key)}"
    if path == Path.OFFSITE:
        m = catalog.offsite[k.offsite[int(sp.offsite[row])]]
        return f"off-site copy on {catalog.targets[m.target].label or m.target}{placed(m.target)}"
    if path == Path.PROTECTION:
        key = k.protection[int(sp.protection[row])]
        return protection_words(catalog.protection[key], key)
    key = k.targets[int(sp.longterm[row])]
    return f"long-term (GFS) points on {catalog.targets[key].label or key}{placed(key)}"


#: Limits at or above this [h] only keep a scope in scope (see rtocalc.tradeoff); plans
#: show them as no limit.
OPEN_LIMIT = 1e9


def _shown_limit(limit: float) -> float:
    return math.inf if limit >= OPEN_LIMIT else limit


def make_plan(
    ev: Evaluation,
    row: int,
    workload: Workload,
    requirements: Requirements | None,
    impact: BusinessImpact,
    catalog: Catalog,
) -> Plan:
    """Build the :class:`Plan` of one evaluated row."""
    sp = ev.space
    outcomes = []
    violations: list[str] = []
    rpo_mean = ev.rpo_mean_of(row)
    rto_worst = ev.rto_worst_of(row, [x.share_worst for x in impact.scenarios])
    # each copy's words once (a copy survives several scenarios), where the systems are
    # recovered and where the restore goes back to production (HOME_SCOPES)
    survives = ev.paths.alive[:, :, row]  # (P, S)
    at_home = ev.paths.clock.home
    words = {
        (q, bool(home)): _copy_words(ev, row, q, catalog, bool(home))
        for q in Path
        for home in set(at_home[survives[q]].tolist())
    }
    for s, scen in enumerate(impact.scenarios):
        p = int(ev.path[s, row])
        alive = survives[:, s]
        home = bool(at_home[s])
        survivors = tuple(words[q, home] for q in Path if alive[q])
        none = not alive.any()
        oc = ScenarioOutcome(
            name=scen.name,
            scope=scen.scope,
            rate=scen.rate,
            rpo=float(ev.rpo[s, row]),
            rpo_mean=float(rpo_mean[s]),
            rto=float(ev.rto[s, row]),
            rpo_limit=_shown_limit(float(ev.rpo_limit[s])),
            rto_limit=_shown_limit(float(ev.rto_limit[s])),
            path="none" if none else Path(p).label,
            recovered_from="no copy survives" if none else words[Path(p), home],
            survivors=survivors,
            meets=bool(ev.meets_scenario[s, row]),
            clock={} if none else path_clock(ev, row, s, p),
            rto_worst=float(rto_worst[s]),
            restore_cost=float(ev.restore_cost[s, row]),
        )
        outcomes.append(oc)
        if requirements is not None and not oc.meets:
            if oc.rpo > oc.rpo_limit:
                violations.append(
                    f"{scen.name}: RPO {format_duration(oc.rpo)} exceeds "
                    f"{format_duration(oc.rpo_limit)}"
                )
            if oc.rto > oc.rto_limit:
                violations.append(
                    f"{scen.name}: RTO {format_duration(oc.rto)} exceeds "
                    f"{format_duration(oc.rto_limit)}"
                )
    if requirements is not None:
        for kind, asked, ok in (
            ("offsite", requirements.offsite, ev.has_offsite),
            ("immutable", requirements.immutable, ev.has_immutable),
        ):
            if asked and not ok[row]:
                violations.append(
                    unmet_points(ev.space, row, catalog, requirements.retention, kind)
                )
    if not ev.window_ok[row]:
        violations.append(
            f"backups need {format_duration(float(ev.min_interval[row]))} between runs to "
            f"finish, longer than the interval {format_duration(float(ev.interval[row]))}"
        )
    if not ev.link_ok[row]:
        k = int(sp.protection[row])
        mech = catalog.protection[sp.keys.protection[k]] if k >= 0 else None
        if mech is not None and not math.isfinite(float(ev.rpo_rows[Path.PROTECTION, row])):
            peak = workload.peak_rate * physics.growth_factor(
                workload.annual_growth, workload.horizon
            )
            violations.append(
                f"the link cannot carry the peak writes ({format_throughput(peak)}) that "
                f"{mech.label or sp.keys.protection[k]} ships to the other site"
            )
        else:
            violations.append(
                f"the link carries {format_throughput(float(ev.paths.traffic[row]))} on "
                "average, more than its bandwidth"
            )
    keys = sp.keys
    storage: dict[str, float] = {}
    for role, idx in (
        ("primary", int(sp.target[row])),
        (
            "offsite",
            -1
            if sp.offsite[row] < 0
            else list(catalog.targets).index(
                catalog.offsite[keys.offsite[int(sp.offsite[row])]].target
            ),
        ),
        ("longterm", int(sp.longterm[row])),
    ):
        gb = float(ev.storage[role][row])
        if idx >= 0 and gb > 0:
            name = keys.targets[idx]
            storage[name] = storage.get(name, 0.0) + gb
    design = sp.design(row, float(ev.interval[row]))
    breakdown = {k: float(v[row]) for k, v in ev.breakdown.items()}
    return Plan(
        design=design,
        currency=catalog.currency,
        monthly_cost=float(ev.outlay[row]),
        cost_breakdown=breakdown,
        one_time_cost=float(ev.purchases[row]),
        amortisation_years=catalog.catalog.amortisation_years,
        assumptions=_assumptions(breakdown, design, workload, catalog),
        warnings=_warnings(design, workload, catalog),
        rpo=float(ev.worst_rpo[row]),
        rto=float(ev.worst_rto[row]),
        by_scenario=tuple(outcomes),
        storage_gb=storage,
        backup_duration=float(ev.backup_duration[row]),
        expected_annual_loss=float(ev.eal[row]),
        expected_annual_loss_mean=ev.eal_mean_of(row, rpo_mean),
        tco_monthly=float(ev.tco[row]),
        meets_requirements=None if requirements is None else not violations,
        violations=tuple(violations),
        link_ok=bool(ev.link_ok[row]),
        requirements=requirements,
        # the off-site rule of has_offsite for the chain alone (no copy job: -1)
        chain_offsite=bool(offsite_rule(Tables.of(catalog), sp.target[row], -1)),
        labels=_plan_labels(design, storage, catalog),
    )


def _plan_labels(design: Design, storage: Mapping[str, float], catalog: Catalog) -> dict[str, str]:
    """The catalog's labels of a design's parts and of the targets holding its data, by
    'section.KEY' (parts without a label are left out)."""
    parts = [
        ("targets", design.target),
        ("targets", design.longterm),
        ("offsite", design.offsite),
        ("links", design.link),
        ("strategies", design.strategy),
        ("protection", design.protection),
        *(("targets", k) for k in storage),
    ]
    out: dict[str, str] = {}
    for section, key in parts:
        entry = getattr(catalog, section).get(key) if key else None
        if entry is not None and entry.label:
            out[f"{section}.{key}"] = entry.label
    return out


def _assumptions(
    breakdown: Mapping[str, float], design: Design, workload: Workload, catalog: Catalog
) -> tuple[str, ...]:
    """The cost items that rest on an assumption the user can change, in words."""
    cur = catalog.currency
    out = []
    drills = breakdown.get("drills", 0.0)
    if drills:
        ops = catalog.operations
        target = catalog.targets[design.target]
        read = target.retrieval_price_per_gb + target.egress_price_per_gb
        full = workload.final_size / workload.data_reduction
        reading = (
            f" + reading back {units.format_size(full, digits=3)} at "
            f"{units.format_money(read, cur, per=None)}/GB"
            if read
            else ""
        )
        out.append(
            f"restore drills {units.format_money(drills, cur, per='mo')} = "
            f"{ops.drills_per_year:g} drills a year x ({ops.drill_hours:g} staff hours at "
            f"{units.format_money(ops.labor_rate, cur, per=None)}/h{reading}) / 12, from the "
            "catalog's 'operations' (NIST SP 800-34 asks for tests at least yearly); change "
            "drills_per_year, drill_hours or labor_rate there, e.g. "
            "catalog.override({'operations': {'drills_per_year': 1}})."
        )
    licences = breakdown.get("licences", 0.0)
    if licences:
        lic = catalog.licences
        per_tb = (
            f" + {units.format_money(lic.per_tb_per_year, cur, per=None)} per protected TB a year"
            if lic.per_tb_per_year
            else ""
        )
        price = units.format_money(lic.per_workload_per_year, cur, per=None)
        parts = [f"backup software for one protected workload at {price} a year{per_tb}"]
        if design.replication != "none":
            if workload.kind == "database":
                step = units.format_money(lic.database_replica_per_core_per_year, cur, per=None)
                parts.append(
                    f"the database replica's edition at {step} per core a year x "
                    f"{lic.database_replica_cores:g} cores (database_replica_per_core_per_year,"
                    " database_replica_cores)"
                )
            else:
                rep = units.format_money(lic.replication_per_workload_per_year, cur, per=None)
                parts.append(
                    f"replication to the standby at {rep} a year "
                    "(replication_per_workload_per_year)"
                )
        mechanism = catalog.protection.get(design.protection or "")
        if mechanism is not None and (
            mechanism.licence_per_month or mechanism.licence_per_tb_month
        ):
            parts.append(
                f"the {mechanism.label or design.protection}'s licence (its "
                "licence_per_month and licence_per_tb_month)"
            )
        out.append(
            f"software licences {units.format_money(licences, cur, per='mo')} = "
            + " + ".join(parts)
            + " (catalog 'licences'); set them to your contract prices."
        )
    return tuple(out)


def _warnings(design: Design, workload: Workload, catalog: Catalog) -> tuple[str, ...]:
    """Inputs that make the plan's figures doubtful, naming the field to set."""
    strategy = catalog.strategies[design.strategy]
    if strategy.standby_fraction > 0 and workload.compute_cost == 0:
        return (
            f"workload.compute_cost is 0, so the standby of '{design.strategy}' "
            f"({strategy.standby_fraction:.0%} of production compute) is priced with no "
            "compute at all and looks cheaper than it is; set workload.compute_cost to the "
            "production compute cost per month (e.g. compute_cost = \"$8,000/mo\").",
        )
    return ()


# --- reasons when nothing is feasible --------------------------------------------------------


def _path_words(
    ev: Evaluation, row: int, s: int, p: int, workload: Workload, catalog: Catalog
) -> str:
    """One path's RTO, part by part (:func:`rtocalc.space.path_clock`)."""
    transfer = None
    if p in ev.paths.read:  # a restore moves the scenario's share of the data
        size = float(ev.paths.clock.share[s]) * workload.final_size
        home = bool(ev.paths.clock.home[s])  # to the systems on premises
        read = float((ev.paths.read_home if home else ev.paths.read)[Path(p)][row])
        transfer = f"moving {format_size(size)} at {format_throughput(read)}"
    if p == Path.PROTECTION:  # the item path moves the share at its own throughput
        k = int(ev.space.protection[row])
        mech = catalog.protection[ev.space.keys.protection[k]]
        size = float(ev.paths.clock.share[s]) * workload.final_size
        transfer = f"copying {format_size(size)} at {format_throughput(mech.item_throughput)}"
    how = {Path.FAILOVER: "failing over to the", Path.PROTECTION: "recovering from the"}.get(
        Path(p), "restoring from the"
    )
    home = bool(ev.paths.clock.home[s])
    return f"{how} {_copy_words(ev, row, p, catalog, home)}: " + clock_words(
        path_clock(ev, row, s, p), transfer
    )


def explain(
    ev: Evaluation,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    offered: tuple[bool, bool] | None = None,
) -> tuple[Reason, ...]:
    """Why no row is feasible: each binding constraint with the best any design achieves.

    ``ev`` is the evaluation of every row at the ask, or (``offered`` given) of rows
    that reach every limit's best (:func:`~rtocalc._space_kernel.explaining_rows`);
    ``offered`` then says whether the whole space offers the off-site and the immutable
    asks (True where not asked), and no reason is given where no limit binds alone (the
    closest design needs every row).
    """
    reasons: list[Reason] = []
    rpo_floor: Any = None  # each path's least RPO per row (P, N), when needed
    floor_words: str | None = None  # why no design reaches a smaller RPO, when needed
    fastest = ev.fastest_paths() if np.isfinite(ev.rto_limit).any() else None
    for s, scen in enumerate(impact.scenarios):
        label = f"'{scen.name}' ({scen.scope})"
        rto_lim, rpo_lim = float(ev.rto_limit[s]), float(ev.rpo_limit[s])
        # each path's fastest recovery over the rows (P,), and the first row reaching it
        path_best = fastest.rto[:, s] if fastest is not None and np.isfinite(rto_lim) else None
        if path_best is not None and path_best.min() > rto_lim:
            assert fastest is not None  # narrows for mypy
            p = int(np.argmin(path_best))  # the first path reaching the least
            best = float(path_best[p])
            row = int(fastest.row[p, s])
            if not np.isfinite(best):
                # after an intrusion, a clean point lies its dwell and detection back
                intrusion = scen.dwell + scen.detection if scen.dwell > 0.0 else 0.0
                msg = (
                    f"RTO {format_duration(rto_lim)} for {label}: no copy in any design "
                    "survives this scenario" + _why_none(scen.scope, intrusion)
                )
            else:
                how = _path_words(ev, row, s, p, workload, catalog)
                msg = (
                    f"RTO {format_duration(rto_lim)} for {label} cannot be met: the fastest "
                    f"recovery any design achieves takes {format_duration(best)} ({how})"
                )
                standby = bool(ev.paths.alive[Path.FAILOVER, s].any())
                if p != Path.FAILOVER and standby:
                    fo = float(path_best[Path.FAILOVER])
                    msg += (
                        f"; a standby replica would fail over in {format_duration(fo)}"
                        if np.isfinite(fo) and fo <= rto_lim
                        else ""
                    )
                elif not standby:
                    msg += "; a standby replica does not help here" + _why_none(scen.scope)
                if "decision" in path_clock(ev, row, s, p) and p == Path.FAILOVER:
                    msg += (
                        "; automatic failover (health checks and a third-site witness) "
                        "removes the wait for a person's decision"
                    )
            reasons.append(
                Reason(
                    constraint=f"rto[{scen.scope}]",
                    limit_kind="rto",
                    scope=scen.scope,
                    limit=rto_lim,
                    best=best,
                    shortfall=best - rto_lim,
                    message=msg,
                )
            )
        if np.isfinite(rpo_lim):
            if rpo_floor is None:
                rpo_floor = _rpo_floors(ev, workload, catalog)
            best = _best_rpo(ev, s, rpo_floor)
            if best > rpo_lim + TOL:
                if floor_words is None:
                    floor_words = _rpo_floor_words(ev, workload, catalog)
                reasons.append(
                    Reason(
                        constraint=f"rpo[{scen.scope}]",
                        limit_kind="rpo",
                        scope=scen.scope,
                        limit=rpo_lim,
                        best=best,
                        shortfall=best - rpo_lim,
                        message=(
                            f"RPO {format_duration(rpo_lim)} for {label} cannot be met: the "
                            f"smallest data loss any design achieves is {format_duration(best)}"
                            + floor_words
                        ),
                    )
                )
    whole = offered is None
    for asked, some, what, missing in (
        (
            requirements.offsite,
            bool(ev.has_offsite.any()) if offered is None else offered[0],
            "offsite",
            "an off-site target or method",
        ),
        (
            requirements.immutable,
            bool(ev.has_immutable.any()) if offered is None else offered[1],
            "immutable",
            "an immutable target",
        ),
    ):
        if asked and not some:
            reasons.append(
                Reason(
                    constraint=what,
                    limit_kind=what,
                    limit=None,
                    best=None,
                    shortfall=None,
                    message=f"the catalog has no {missing}",
                )
            )
    if not reasons and whole:
        reasons.append(_closest(ev, workload, requirements, impact, catalog))
    return tuple(reasons)


def _why_none(scope: str, intrusion: float = 0.0) -> str:
    """Why no copy survives a scenario of ``scope``; ``intrusion`` [h]: how far back a
    clean point lies after ransomware (its dwell and detection; 0: the newest point)."""
    clean = (
        f", and only where they keep a restore point from before the intrusion, "
        f"{format_duration(intrusion)} back (daily points for that long, long-term points "
        "or a snapshot window reaching it)"
        if intrusion > 0.0
        else ""
    )
    return {
        "logical": " (replicas copy the corruption; only point-in-time backups help)",
        "ransomware": (
            " (replicas and mutable backups are encrypted too; only immutable copies help"
            + clean
            + ")"
        ),
        "region": " (only copies in another region, a cloud region or a tape vault survive)",
        "site": " (only off-site copies or a standby at a second site survive)",
    }.get(scope, "")


def _floor_schedule(ev: Evaluation, catalog: Catalog) -> Any:
    """Per row, the shortest schedule of the catalog that its backup job fits [h] (``inf``
    where none does): the shortest interval the interval solve ever gives it."""
    v = np.asarray(catalog.schedules.backup, dtype=float)
    j = np.searchsorted(v, ev.min_interval - 1e-9, side="left")
    return np.where(j < v.size, v[np.minimum(j, v.size - 1)], np.inf)


def _rpo_floors(ev: Evaluation, workload: Workload, catalog: Catalog) -> Any:
    """Each path's smallest RPO per row [h], (P, N) in :class:`Path` order, backups on
    their shortest schedule (a path that does not depend on the interval: its RPO).

    The shortest schedule :math:`I_f` is the first of the catalog's ``[schedules]`` that
    the job fits (:func:`_floor_schedule`, the interval solve's floor). A job's duration
    is affine in the interval below 24 h (:func:`rtocalc.physics.backup_duration` of
    :func:`rtocalc.physics.increment_size`) and equals it at :math:`I_{min}`, so
    :math:`T_b(I_f)` follows from the evaluation's own interval and job duration; the
    chain's RPO is :math:`I_f + T_b(I_f)` and the off-site copy's adds its lag and the
    copy time of one increment (:func:`rtocalc.physics.rpo_backup`). They do not depend
    on the scenario, so :func:`explain` computes them once for all scenarios.
    """
    i_min, i_ev, t_ev = ev.min_interval, ev.interval, ev.backup_duration
    f = _floor_schedule(ev, catalog)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(np.abs(i_ev - i_min) > 1e-9, (t_ev - i_min) / (i_ev - i_min), 0.0)
        t_b = np.where(np.abs(f - i_ev) <= 1e-9, t_ev, i_min + slope * (f - i_min))
    inc = physics.increment_size(workload.final_size, workload.daily_change, f)
    copy = np.where(ev.space.offsite >= 0, physics.transfer_time(inc, ev.paths.rc), 0.0)
    # paths that do not depend on the interval reach their own RPO at any interval
    best = np.array(ev.rpo_rows[: len(Path)], dtype=float)
    best[Path.PRIMARY] = physics.rpo_backup(f, t_b)
    best[Path.OFFSITE] = physics.rpo_backup(f, t_b + copy, ev.paths.lag)
    return best


def _best_rpo(ev: Evaluation, s: int, floors: Any) -> float:
    """Smallest RPO any row reaches in scenario s [h]: the least floor
    (:func:`_rpo_floors`) of a path whose copy survives, over the paths and rows."""
    return float(np.min(floors, where=ev.paths.alive[:, s, :], initial=np.inf))


def _rpo_floor_words(ev: Evaluation, workload: Workload, catalog: Catalog) -> str:
    """Why no design reaches a smaller RPO: the shortest schedule any backup job fits
    (the same for every scenario)."""
    i = float(_floor_schedule(ev, catalog).min())
    change = workload.final_size * workload.daily_change
    shortest = catalog.schedules.minimum
    limit = (
        f"the catalog's shortest schedule is every {format_duration(shortest)}"
        if i <= shortest + 1e-9
        else f"the job does not fit the catalog's shorter schedules, from every "
        f"{format_duration(shortest)}"
    )
    when = f"every {format_duration(i)}" if np.isfinite(i) else "nightly"
    return (
        f" (backups of {format_size(change)}/day of change cannot run more often than "
        f"{when} at the fastest target: {limit}; and no replica survives this "
        "scenario or keeps up with the writes)"
    )


def _closest(
    ev: Evaluation,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> Reason:
    """Every limit can be met alone but not together: name the closest design's misses."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lim_rpo, lim_rto = ev.rpo_limit[:, None], ev.rto_limit[:, None]
        over_rpo = np.where(np.isfinite(lim_rpo), ev.rpo / np.maximum(lim_rpo, 1e-9), 0)
        over_rto = np.where(np.isfinite(lim_rto), ev.rto / np.maximum(lim_rto, 1e-9), 0)
    worst = np.maximum(over_rpo.max(axis=0), over_rto.max(axis=0))
    penalty = (
        (~ev.window_ok)
        | (~ev.link_ok)
        | (requirements.offsite & ~ev.has_offsite)
        | (requirements.immutable & ~ev.has_immutable)
    )
    worst = np.where(penalty, np.inf, worst)
    if ev.priced:
        row = int(np.lexsort((ev.outlay, worst))[0])
        plan = make_plan(ev, row, workload, requirements, impact, catalog)
    else:  # the outlay breaks ties among the least misses: those rows alone are priced
        least = worst[int(np.lexsort((worst,))[0])]
        tied = np.flatnonzero((worst == least) | (np.isnan(worst) & np.isnan(least)))
        priced = evaluate_space(ev.space.take(tied), workload, requirements, impact, catalog)
        row = int(np.argmin(priced.outlay))  # the first row of the least outlay
        plan = make_plan(priced, row, workload, requirements, impact, catalog)
    return Reason(
        constraint="combination",
        limit_kind="combination",
        limit=None,
        best=None,
        shortfall=None,
        message=(
            "each limit can be met on its own, but no design meets all of them at once; the "
            "closest design misses: " + "; ".join(plan.violations)
        ),
    )

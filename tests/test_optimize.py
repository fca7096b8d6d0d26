"""The optimiser: feasibility, exactness against brute force, monotonicity, physics."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Mapping
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    Requirements,
    Scenario,
    UncertainImpact,
    Uniform,
    Workload,
    _search,
    cheapest,
    evaluate,
    negotiate,
    simulate,
)
from rtocalc._search import both_ends as _both_ends
from rtocalc.models import SCHEMES, SCOPES, Retention
from rtocalc.optimize import _closest, cheapest_on_space, explain, make_plan, order
from rtocalc.space import Evaluation, build_space, evaluate_space, take_rows, unmet_points
from strategies import asks, small_catalogs, workloads

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_default_scenario_is_feasible_and_consistent(default):
    res = cheapest(
        default.workload, default.requirements, impact=default.impact, catalog=default.catalog
    )
    assert res.feasible and res.plan is not None
    plan = res.plan
    assert plan.meets_requirements and not plan.violations
    assert plan.monthly_cost == pytest.approx(sum(plan.cost_breakdown.values()))
    assert res.within_budget == (plan.monthly_cost <= default.requirements.budget)
    # the off-site and immutable asks are honoured by the chosen design
    assert plan.design.offsite is not None or plan.design.target.startswith("object")
    # evaluating the chosen design again gives the same plan
    again = evaluate(
        default.workload,
        plan.design,
        default.requirements,
        impact=default.impact,
        catalog=default.catalog,
    )
    assert again.monthly_cost == pytest.approx(plan.monthly_cost, rel=1e-12)
    assert again.rpo == pytest.approx(plan.rpo) and again.rto == pytest.approx(plan.rto)
    # by_scenario says which copy gives each outcome; a site loss needs an off-site copy
    site = next(o for o in plan.by_scenario if o.scope == "site")
    assert "off-site" in site.recovered_from or "replica" in site.recovered_from


def test_search_equals_full_evaluation(default):
    """The lower-bound search returns the row a full evaluation ranks first."""
    w, req, imp, cat = default.workload, default.requirements, default.impact, default.catalog
    space = build_space(cat, req.retention)
    longest = evaluate_space(space, w, req, imp, cat)
    for objective in ("outlay", "tco"):
        # for TCO each design is judged at both ends of its feasible interval range
        ev = longest if objective == "outlay" else _both_ends(longest, space, w, req, imp, cat)
        ranked = order(ev, objective)
        best = int(ranked[ev.feasible[ranked]][0])
        res = cheapest(w, req, impact=imp, catalog=cat, objective=objective)
        assert res.plan is not None
        assert res.plan.design == space.design(best, float(ev.interval[best]))


#: the fields an evaluation without costs (evaluate_space(priced=False)) leaves out
COST_FIELDS = ("outlay", "breakdown", "storage", "eal", "tco", "restore_cost", "purchases")


def _same_evaluation(a: Evaluation, b: Evaluation, skip: tuple[str, ...] = ()) -> None:
    """Every field of two evaluations but ``skip`` equal, bit for bit (NaN equal to NaN)."""

    def same(x, y, name):
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                if not f.name.startswith("_"):  # a memo (Clock._scans) is no output
                    same(getattr(x, f.name), getattr(y, f.name), f"{name}.{f.name}")
        elif isinstance(x, dict):
            assert x.keys() == y.keys(), name
            for k in x:
                same(x[k], y[k], f"{name}[{k}]")
        elif isinstance(x, np.ndarray):
            assert x.shape == y.shape and x.dtype == y.dtype, name
            assert x.tobytes() == y.tobytes(), name
        else:
            assert x == y, name

    for name in a.__dataclass_fields__:
        if name != "space" and name not in skip and not name.startswith("_"):
            same(getattr(a, name), getattr(b, name), name)
    for name in (
        "target", "scheme", "offsite", "longterm", "replication", "link", "strategy", "protection"
    ):
        same(getattr(a.space, name), getattr(b.space, name), f"space.{name}")


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(ransomware_in_reach=True),
    objective=st.sampled_from(["outlay", "tco"]),
    costs=st.sampled_from([(0.0, 0.0), (5000.0, 2000.0)]),
    first=st.integers(1, 8),
)
def test_search_in_disjoint_batches_is_exact(catalog, workload, ask, objective, costs, first):
    """Batches of a few rows: each row is evaluated once, the answer is the row that
    ranking the whole evaluated space gives, and when nothing is feasible the rows
    explained (every row, or the first row of each kind of each path's rows) are the
    whole evaluation's rows, bit for bit, and so are the reasons."""
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    longest = evaluate_space(space, workload, ask, impact, catalog)
    ev = (
        longest
        if objective == "outlay"
        else _both_ends(longest, space, workload, ask, impact, catalog)
    )
    ranked = order(ev, objective)
    feasible = ranked[ev.feasible[ranked]]
    expected = (
        make_plan(ev, int(feasible[0]), workload, ask, impact, catalog) if feasible.size else None
    )
    with mock.patch.object(_search, "FIRST_BATCH", first):
        res, evaluated = cheapest_on_space(space, workload, ask, impact, catalog, objective)
    rows = np.concatenate([r for r, _ in evaluated])
    assert len(np.unique(rows)) == len(rows)  # no row evaluated twice
    assert res.plan == expected
    if expected is None:
        ((rows, part),) = evaluated
        assert rows.size and np.all(np.diff(rows) > 0)
        # the rows the search did not reach are evaluated without costs (nan there), and
        # the reasons are those of the whole, priced evaluation
        skip = ("fastest",) if part.priced else ("fastest", *COST_FIELDS, "priced")
        _same_evaluation(part, take_rows(longest, rows), skip)
        # the summary explain reads (kept or gathered) is the one computed from the RTOs:
        # each path's fastest over the rows explained is the whole space's, at its row
        fast, every = part.fastest_paths(), longest.fastest_paths()
        assert fast.rto.tobytes() == every.rto.tobytes()
        reached = np.isfinite(every.rto)
        assert (rows[fast.row][reached] == every.row[reached]).all()
        assert res.reasons == explain(longest, workload, ask, impact, catalog)


def _designs(catalog: Catalog, gfs: bool, database: bool = False):
    """Every design of a catalog, enumerated independently of build_space."""
    mechanisms = [None] + [
        k for k, x in catalog.protection.items() if database or not x.database_only
    ]
    prim = [k for k, t in catalog.targets.items() if "primary" in t.roles]
    lterm = [k for k, t in catalog.targets.items() if "longterm" in t.roles] if gfs else []
    for tgt, scheme, off, lt, strat in itertools.product(
        prim, SCHEMES, [None, *catalog.offsite], [None, *lterm], catalog.strategies
    ):
        if lt == tgt:
            continue
        # the vendor support rules: the scheme on the chain's and the off-site copy's target
        on = [tgt] + ([catalog.offsite[off].target] if off is not None else [])
        if any(scheme not in catalog.targets[k].schemes for k in on):
            continue
        strategy = catalog.strategies[strat]
        modes = strategy.replication_modes if strategy.replica else ("none",)
        # a same-site pair mirrors over the LAN; a second site replicates over the WAN
        wan = strategy.replica and strategy.replica_site == "secondary"
        for rep, mech in itertools.product(modes, mechanisms):
            where = [tgt, lt, catalog.offsite[off].target if off is not None else None]
            cloud = any(k is not None and catalog.targets[k].location == "cloud" for k in where)
            if strategy.recovers_in_cloud and not cloud:
                continue  # a recovery into the cloud restores from a copy there
            # a mechanism at another site sends every change over the WAN
            remote = mech is not None and catalog.protection[mech].placement in (
                "secondary_site",
                "other_region",
            )
            for link in catalog.links if (cloud or wan or remote) else [None]:
                yield dict(
                    scheme=scheme,
                    target=tgt,
                    offsite=off,
                    longterm=lt,
                    replication=rep,
                    link=link,
                    strategy=strat,
                    protection=mech,
                )


def _brute_force_best(catalog, workload, ask, impact) -> float:
    """The cheapest outlay of any design at any of the catalog's schedules, by a Python loop
    over evaluate() (math.inf: none meets the ask). Not the grid (0.25, 1, 3, 8, 24 h) of
    before: the optimiser's intervals are schedules (docs/decisions.md, section 40), and a
    design met only at 3 h (between two schedules) is not a plan it may return."""
    database = workload.kind == "database"
    space = build_space(catalog, ask.retention, database=database)
    designs = list(_designs(catalog, ask.retention.gfs, database))
    assert len(designs) == len(space)  # same enumeration, independently written
    best = math.inf
    for d in designs:
        for interval in catalog.schedules.backup:
            plan = evaluate(
                workload, Design(interval=interval, **d), ask, impact=impact, catalog=catalog
            )
            if plan.meets_requirements:
                best = min(best, plan.monthly_cost)
    return best


def _agrees_with_brute_force(res, best, catalog, workload, ask, impact) -> None:
    """The optimiser's answer ``res`` against the brute-force minimum ``best``: never dearer,
    feasible whenever brute force is, its plan meets the ask when evaluated again, and an
    infeasible answer carries reasons."""
    if math.isfinite(best):
        assert res.feasible and res.plan is not None
        assert res.plan.monthly_cost <= best * (1 + 1e-9) + 1e-9
    if res.feasible:
        assert res.plan is not None and res.plan.meets_requirements
        again = evaluate(workload, res.plan.design, ask, impact=impact, catalog=catalog)
        assert again.meets_requirements
        assert again.monthly_cost == pytest.approx(res.plan.monthly_cost, rel=1e-9)
    else:
        assert res.reasons and all(r.message for r in res.reasons)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(offsite_methods=1, links=1, standby=1, protection=2),
    workload=workloads(kinds=("server", "database")),
    ask=asks(ransomware_in_reach=True),
)
def test_optimiser_equals_brute_force(catalog, workload, ask):
    """Per-design Python loop over every design and a grid of intervals, via evaluate().

    The optimiser solves the interval as a boundary; outlay and RTO never rise with the
    interval, so no grid interval can beat it: the brute-force minimum is never cheaper,
    and whenever brute force finds a feasible design the optimiser does too. The random
    catalogs carry protection mechanisms (the design's extra axis), database-native ones
    offered to database workloads only.
    """
    impact = BusinessImpact()
    res = cheapest(workload, ask, impact=impact, catalog=catalog)
    best = _brute_force_best(catalog, workload, ask, impact)
    _agrees_with_brute_force(res, best, catalog, workload, ask, impact)


# one primary target (the brute force's cost grows with the designs; a second primary adds
# nothing to the ransomware clock: whether a copy survives is drawn per target)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(primary=1, offsite_methods=1, links=1, standby=1, protection=1),
    workload=workloads(),
    ask=asks(),
    past_containment=st.floats(-24.0, 120.0),
    room=st.none() | st.fixed_dictionaries(
        {"containment": st.floats(0.0, 72.0), "provisioning_time": st.floats(0.0, 24.0)}
    ),
)
def test_optimiser_equals_brute_force_after_ransomware(
    catalog, workload, ask, past_containment, room
):
    """As test_optimiser_equals_brute_force, with the ransomware clock in play: the ask's
    limit after ransomware within reach of the containment that applies (the scenario's
    for the ask's incident, 5 d typical or 28 d worst, or the isolated recovery
    environment's, which also shortens provisioning) or up to a day short of it. Only
    ransomware is in scope (test_optimiser_equals_brute_force checks every scope at once):
    with five flat limits on a random catalog hardly any example had a design to compare."""
    impact = BusinessImpact()
    isolated = None
    if room is not None:
        entry = {**room, "price_per_month": 50.0, "source": "test", "date": "2026-12-05"}
        catalog = catalog.override({"isolated_recovery": {"room": entry}})
        isolated = catalog.isolated_recovery["room"]
    (x,) = (x for x in impact.scenarios if x.scope == "ransomware")
    contained = x.detection + x.containment_for(ask.incident == "worst", isolated)
    ask = ask.model_copy(
        update={
            "rpo": {"ransomware": ask.rpo},
            "rto": {"ransomware": max(contained + past_containment, 0.0)},
            "isolated_recovery": None if room is None else "room",
        }
    )
    res = cheapest(workload, ask, impact=impact, catalog=catalog)
    best = _brute_force_best(catalog, workload, ask, impact)
    event("a design meets the ask" if math.isfinite(best) else "no design meets the ask")
    _agrees_with_brute_force(res, best, catalog, workload, ask, impact)


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(ransomware_in_reach=True))
def test_chosen_design_is_cheapest_feasible_row(catalog, workload, ask):
    """No feasible row of the fully evaluated space is cheaper than the answer."""
    res = cheapest(workload, ask, catalog=catalog)
    space = build_space(catalog, ask.retention)
    ev = evaluate_space(space, workload, ask, BusinessImpact(), catalog)
    assert res.feasible == bool(ev.feasible.any())
    if res.plan is not None:
        assert res.plan.monthly_cost == pytest.approx(ev.outlay[ev.feasible].min(), rel=1e-12)


@example(  # found by hypothesis: a yearly GFS point beyond 10 monthly ones paid a year's
    # change, so 12 monthly points (covering the yearly one) cost less
    workload=Workload(
        data_size=50.0, daily_change=0.03125, annual_growth=0.0, compute_cost=0.0, horizon=0.0
    ),
    ask=Requirements(rpo=1.0, rto=25.0, retention="1 daily, 10 monthly, 1 yearly"),
    factor=0.25,
    which="monthly",
)
@example(  # found by hypothesis: archive minimum storage duration once billed less
    workload=Workload(data_size=50.0, daily_change=0.0625, horizon=0.0),
    ask=Requirements(rpo=25.0, rto=25.0, retention="1 daily"),
    factor=0.5,
    which="daily",
)
@SLOW
@given(
    workload=workloads(),
    # a flat RTO of at most 4 d is never met after ransomware (issue 13 item 5): with it
    # no ask was feasible and the monotonicity went unchecked
    ask=asks(ransomware_in_reach=True),
    factor=st.floats(0.1, 0.95),
    which=st.sampled_from(
        ["rpo", "rto", "daily", "weekly", "monthly", "quarterly", "yearly", "offsite", "immutable"]
    ),
)
def test_tighter_ask_never_costs_less(default, workload, ask, factor, which):
    """Monotonicity: tightening any part of the ask never lowers the cheapest cost."""
    if which == "rto":  # a limit per scope: each tightened alike
        rto = {s: ask.limit("rto", s) * factor for s in SCOPES}
        tight = ask.model_copy(update={"rto": Requirements(rpo=ask.rpo, rto=rto).rto})
    elif which == "rpo":
        tight = ask.model_copy(update={which: getattr(ask, which) * factor})
    elif which in ("offsite", "immutable"):
        tight = ask.model_copy(update={which: True})
    else:
        ret = ask.retention.model_copy(
            update={which: getattr(ask.retention, which) + max(1, round(10 * factor))}
        )
        tight = ask.model_copy(update={"retention": ret})
    loose_res = cheapest(workload, ask, catalog=default.catalog)
    tight_res = cheapest(workload, tight, catalog=default.catalog)
    if tight_res.feasible:
        assert loose_res.feasible and loose_res.plan and tight_res.plan
        assert tight_res.plan.monthly_cost >= loose_res.plan.monthly_cost * (1 - 1e-9) - 1e-9


@SLOW
@given(workload=workloads(), ask=asks(ransomware_in_reach=True))
def test_no_plan_beats_physics(default, workload, ask):
    """No restore-path RTO is below its lead (with ransomware's containment) plus data /
    throughput; no sync replica without capacity. The ask's ransomware limit is within
    reach of its containment (5 d typical, 28 d worst; issue 13 item 5): one flat RTO of
    at most 4 d is never met after ransomware, so no plan would be left to check."""
    res = cheapest(workload, ask, catalog=default.catalog)
    # an infeasible answer is checked for its reasons, not filtered out: at the minimum
    # hypothesis version, assume() here tripped the filter health check (about one ask in
    # ten has a plan)
    event("a plan" if res.plan is not None else "no plan")
    if res.plan is None:
        assert res.reasons and all(r.message for r in res.reasons)
        return
    plan = res.plan
    cat = default.catalog
    impact = BusinessImpact()
    for oc, scen in zip(plan.by_scenario, impact.scenarios, strict=True):
        if oc.path.startswith("restore"):
            role = oc.path.split(":")[1]
            key = {
                "primary": plan.design.target,
                "offsite": cat.offsite[plan.design.offsite].target if plan.design.offsite else "",
                "longterm": plan.design.longterm or "",
            }[role]
            target = cat.targets[key]
            # containment (ransomware) comes before any restore
            worst = ask.incident == "worst"
            lead = scen.detection + scen.decision + scen.containment_for(worst)
            if "instant_recovery" in oc.clock:
                # serving from the backup files: only where the target allows it, and no
                # sooner than its instant recovery time after the lead
                assert target.instant_recovery
                assert oc.rto >= (lead + target.instant_recovery_time) * (1 - 1e-12)
                continue
            rate = target.read_throughput
            # a cloud copy restores over the link, or in the region where the strategy
            # recovers into the cloud (at the copy's own read rate)
            in_region = cat.strategies[plan.design.strategy].recovers_in_cloud
            if target.location == "cloud" and not in_region:
                link = cat.links[plan.design.link].bandwidth * 0.45 * workload.data_reduction
                rate = min(rate, link)
            share = scen.share_worst if ask.incident == "worst" else scen.share
            moved = share * workload.final_size / rate + target.retrieval_delay
            assert oc.rto >= (lead + moved) * (1 - 1e-12)
        if oc.path == "failover" and plan.design.replication == "sync":
            link = cat.links[plan.design.link].bandwidth * 0.45
            assert link >= workload.peak_rate * (1 + workload.annual_growth) ** workload.horizon


def test_interval_is_the_boundary(default):
    """The solved interval is the longest schedule meeting the RPO.

    It used to be the continuous boundary (some scenario's RPO exactly 2 h, 1.001 times
    longer failing). On the catalog's schedules (docs/decisions.md, section 40) the
    boundary, about 1.9 h, falls between 1 h and 2 h: every 2 h would lose 2 h plus the
    job, so the plan runs every 1 h, with RPOs below 2 h, and the next schedule fails."""
    w = default.workload
    ask = default.requirements.model_copy(update={"rpo": 2.0})
    plan = cheapest(w, ask, catalog=default.catalog).plan
    assert plan is not None
    interval = plan.design.interval
    assert interval == 1.0
    assert all(o.rpo < 2.0 for o in plan.by_scenario)
    longer = plan.design.model_copy(update={"interval": 2.0})
    assert not evaluate(w, longer, ask, catalog=default.catalog).meets_requirements


def test_infeasible_rto_names_the_restore_physics():
    """A 40 TB restore cannot meet 4 h without a standby: the reason says why, in numbers."""
    w = Workload(data_size="40 TB", daily_change="2%/day")
    impact = BusinessImpact(
        scenarios=[Scenario(name="Corruption", scope="logical", rate=1, detection="0 h")]
    )
    # a database restored, not booted from its backup files: no instant recovery
    no_ir = Catalog.default().override(
        {"targets": {k: {"instant_recovery": False} for k in Catalog.default().targets}}
    )
    # and no snapshots (a volume revert would take minutes)
    no_ir = Catalog.from_dict({**no_ir.model_dump(), "protection": {}})
    res = cheapest(w, Requirements(rpo="24 h", rto="4 h"), impact=impact, catalog=no_ir)
    assert not res.feasible and res.plan is None
    (reason,) = res.reasons
    assert reason.constraint == "rto[logical]"
    assert reason.limit == 4.0 and reason.best is not None and reason.best > 4.0
    # 40 TB at the fastest default target (1 GB/s = 3600 GB/h) takes 11.1 h
    assert "40 TB" in reason.message and "11.1" in reason.message
    assert "replica does not help" in reason.message
    assert reason.shortfall == pytest.approx(reason.best - 4.0)


def test_infeasible_ransomware_without_immutable_copy():
    cat = Catalog.default()
    mutable = {k: {"immutable": False} for k in cat.targets}
    # tamperproof snapshots survive ransomware too: make them mutable as well
    locked = {k: {"immutable": False} for k in cat.protection}
    cat = cat.override({"targets": mutable, "protection": locked})
    impact = BusinessImpact(scenarios=[Scenario(name="Ransomware", scope="ransomware", rate=0.2)])
    res = cheapest(
        Workload(data_size="1 TB"), Requirements(rpo="1 d", rto="3 d"), impact=impact, catalog=cat
    )
    assert not res.feasible
    assert any("no copy in any design survives" in r.message for r in res.reasons)
    assert any("immutable" in r.message for r in res.reasons)


def test_zero_downtime_needs_a_standby(default):
    """RTO near zero after a site loss is only met by failover, and costs a standby."""
    impact = BusinessImpact(
        scenarios=[Scenario(name="Fire", scope="site", rate=0.02, detection="0 h")]
    )
    res = cheapest(default.workload, Requirements(rpo="5 min", rto="5 min"), impact=impact)
    assert res.feasible and res.plan is not None
    (oc,) = res.plan.by_scenario
    assert oc.path == "failover"
    assert res.plan.cost_breakdown["standby"] > 0


def test_scope_decides_survivors(default):
    """Replicas never help against logical damage; only off-site copies survive a site loss."""
    design = Design(
        interval="4 h",
        target="local_disk",
        replication="async",
        link="wan_1g",
        strategy="hot_standby",
    )
    plan = evaluate(default.workload, design, catalog=default.catalog)
    by = {o.scope: o for o in plan.by_scenario}
    assert by["logical"].path == "restore:primary"
    assert by["hardware"].path == "failover"
    assert by["site"].path == "failover"  # the replica at the secondary site survives
    assert by["region"].path == "none" and math.isinf(by["region"].rto)
    assert by["ransomware"].path == "none"  # local_disk is mutable, the replica is encrypted
    assert not any("replica" in s for s in by["logical"].survivors)


def test_tco_objective_trades_outlay_for_expected_loss(default):
    w, req, cat = default.workload, default.requirements, default.catalog
    costly = BusinessImpact(downtime_cost="$200,000/h", data_loss_cost="$50,000/h")
    by_outlay = cheapest(w, req, impact=costly, catalog=cat, objective="outlay").plan
    by_tco = cheapest(w, req, impact=costly, catalog=cat, objective="tco").plan
    assert by_outlay is not None and by_tco is not None
    assert by_tco.tco_monthly <= by_outlay.tco_monthly
    assert by_tco.monthly_cost >= by_outlay.monthly_cost


def test_deterministic(default):
    a = cheapest(default.workload, default.requirements, catalog=default.catalog)
    b = cheapest(default.workload, default.requirements, catalog=default.catalog)
    assert a.model_dump_json() == b.model_dump_json()


def test_evaluate_rejects_unknown_keys(default):
    w = default.workload
    with pytest.raises(
        ValueError, match=re.escape("design.target: 'nas' is not in the catalog; use one of")
    ):
        evaluate(w, Design(interval=1, target="nas"))
    with pytest.raises(
        ValueError, match=re.escape("design.target: 'tape' cannot hold the main backup")
    ):
        evaluate(w, Design(interval=1, target="tape"))
    with pytest.raises(
        ValueError, match=re.escape("design.replication: 'none' does not fit strategy")
    ):
        evaluate(w, Design(interval=1, target="local_disk", strategy="hot_standby"))
    with pytest.raises(ValueError, match=re.escape("design.link: None")):
        evaluate(w, Design(interval=1, target="object_hot"))
    with pytest.raises(
        TypeError, match=re.escape("workload: expected a rtocalc.Workload, got dict")
    ):
        cheapest({"data_size": 1}, Requirements(rpo=1, rto=1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("objective: 'cost' is not an objective")):
        cheapest(w, Requirements(rpo=1, rto=1), objective="cost")  # type: ignore[arg-type]


def test_space_size_and_columns(default):
    space = build_space(default.catalog, default.requirements.retention)
    assert 10_000 <= len(space) <= 100_000
    rows = np.arange(len(space))
    sub = space.take(rows[:10])
    assert len(sub) == 10


def test_scope_without_limits_does_not_constrain(default):
    """A scenario whose scope the ask does not limit is out of scope: a design that no copy
    of survives it is still feasible, and evaluate() agrees with cheapest()."""
    ask = Requirements(rpo={"logical": "24 h"}, rto={"logical": "8 h"})
    res = cheapest(default.workload, ask, catalog=default.catalog)
    assert res.feasible and res.plan is not None
    local = Design(interval="12 h", target="local_disk")
    plan = evaluate(default.workload, local, ask, catalog=default.catalog)
    assert plan.meets_requirements
    region = next(o for o in plan.by_scenario if o.scope == "region")
    assert region.path == "none" and region.meets


def test_unbounded_restore_is_still_a_surviving_path(default):
    """With downtime free and a copy that cannot be read (0 throughput), the plan names that
    copy with an unbounded RTO rather than a copy the design does not have."""
    cat = default.catalog.override({"targets": {"local_disk": {"read_throughput": 0}}})
    impact = BusinessImpact(downtime_cost=0, data_loss_cost="$1,000/h")
    plan = evaluate(
        default.workload, Design(interval="24 h", target="local_disk"), impact=impact, catalog=cat
    )
    logical = next(o for o in plan.by_scenario if o.scope == "logical")
    assert logical.path == "restore:primary"
    assert math.isinf(logical.rto)


def test_unrecoverable_scenario_with_only_a_downtime_cost():
    """Issue 19, item 2: with downtime at $1,000/h and lost data at $0/h, a local-only
    design survives no site loss, so its expected loss is inf (it was $1,922.89/yr with
    the site, regional and ransomware scenarios dropped); the TCO search then picks a
    design that recovers from every scenario."""
    w = Workload(data_size="2 TB")
    impact = BusinessImpact(downtime_cost="$1,000/h", data_loss_cost=0)
    local = evaluate(w, Design(interval="24 h", target="local_disk"), impact=impact)
    assert math.isinf(local.expected_annual_loss) and math.isinf(local.tco_monthly)
    ask = Requirements(rpo={"logical": "1 d"}, rto={"logical": "1 d"})
    res = cheapest(w, ask, impact=impact, objective="tco")
    assert res.plan is not None and math.isfinite(res.plan.tco_monthly)
    assert all(math.isfinite(o.rto) for o in res.plan.by_scenario)


def _hand_tco(plan, down: float, loss: float) -> float:
    """TCO by hand from a plan's outcomes: outlay + sum rate x (RTO x c_down + RPO x
    c_loss + restore charges) / 12, each product 0 when a factor is 0 (NIST SP 800-30
    ALE; the provider's restore charges per incident, issue 13)."""

    def times(a: float, b: float) -> float:
        return 0.0 if a == 0.0 or b == 0.0 else a * b

    eal = sum(
        times(o.rate, times(o.rto, down) + times(o.rpo, loss) + o.restore_cost)
        for o in plan.by_scenario
    )
    return plan.monthly_cost + eal / 12.0


def _small_default_catalog() -> Catalog:
    """The default catalog cut to local chains, a copy to the infrequent-access cloud
    tier, a 100 Mbit/s link and restore-to-new (the object tier holds GFS points)."""
    data = Catalog.default().model_dump()
    keep = ("local_disk", "local_hardened", "object_infrequent")
    data["targets"] = {k: data["targets"][k] for k in keep}
    data["offsite"] = {"cloud_copy_infrequent": data["offsite"]["cloud_copy_infrequent"]}
    data["links"] = {"wan_100m": data["links"]["wan_100m"]}
    data["strategies"] = {"restore": data["strategies"]["restore"]}
    return Catalog.from_dict(data)


@pytest.mark.slow
@example(  # a local-only design dropped the site loss from its loss when one cost was 0
    catalog=_small_default_catalog(),
    workload=Workload(data_size="2 TB"),
    ask=Requirements(rpo="1 d", rto="1 d"),
    which="downtime",
    price=1000.0,
    scopes=("logical",),
)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(offsite_methods=1, links=1, standby=1),
    workload=workloads(),
    ask=asks(ransomware_in_reach=True),
    which=st.sampled_from(["downtime", "data_loss"]),
    price=st.sampled_from([10.0, 5000.0]),
    scopes=st.sampled_from([("logical",), ("logical", "hardware"), SCOPES]),
)
def test_tco_objective_equals_brute_force_with_one_cost_zero(
    catalog, workload, ask, which, price, scopes
):
    """Issue 19 oracle: ``cheapest(objective="tco")`` against every design at a grid of
    intervals, via evaluate() and the TCO by hand, with one impact cost zero.

    With only a downtime cost the ask keeps its RTO limits and drops its RPO limits (with
    only a data-loss cost, the reverse): each scenario's loss is then the least over the
    surviving paths of a quantity linear in the interval, so TCO is concave in it and an
    end of each design's interval range is optimal: no grid interval beats the search.
    The kept limit applies to ``scopes`` only: a design need not recover from the others,
    and their loss must still count.
    """
    down, loss = (price, 0.0) if which == "downtime" else (0.0, price)
    kept = "rto" if which == "downtime" else "rpo"
    # each scope's own limit: ransomware's is within reach of its containment
    limits = {k: {s: ask.limit(k, s) for s in scopes} if k == kept else {} for k in ("rpo", "rto")}
    limit = Requirements(**limits)
    ask = ask.model_copy(update={"rpo": limit.rpo, "rto": limit.rto})
    impact = BusinessImpact(downtime_cost=down, data_loss_cost=loss)
    res = cheapest(workload, ask, impact=impact, catalog=catalog, objective="tco")
    best = math.inf
    feasible = False
    for d in _designs(catalog, ask.retention.gfs):
        # the catalog's schedules, not the grid (0.25, 1, 3, 8, 24 h) of before: the
        # search's intervals are schedules now (docs/decisions.md, section 40)
        for interval in catalog.schedules.backup:
            plan = evaluate(
                workload, Design(interval=interval, **d), ask, impact=impact, catalog=catalog
            )
            if plan.meets_requirements:
                feasible = True
                best = min(best, _hand_tco(plan, down, loss))
    assert res.feasible == feasible or (res.feasible and not feasible)
    if res.plan is not None:
        got = _hand_tco(res.plan, down, loss)
        assert res.plan.tco_monthly == pytest.approx(got, rel=1e-9) or got == res.plan.tco_monthly
        assert got <= best * (1 + 1e-9) + 1e-9


def _nan_fields(obj, where: str = "") -> list[str]:
    """Every float reachable from a result's fields that is NaN."""
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _nan_fields(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            found += _nan_fields(value, f"{where}[{key!r}]")
    elif isinstance(obj, tuple | list):
        for i, value in enumerate(obj):
            found += _nan_fields(value, f"{where}[{i}]")
    elif isinstance(obj, float) and math.isnan(obj):
        found.append(where)
    return found


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(),
    costs=st.sampled_from([(0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0), (0.01, 5000.0)]),
    scopes=st.sampled_from([("logical",), ("logical", "site"), SCOPES]),
)
def test_no_result_carries_nan(catalog, workload, ask, costs, scopes):
    """Issue 19: a result never carries NaN, whichever impact cost is zero and whichever
    scenarios no copy survives: plans, results, negotiations and simulations."""
    ask = ask.model_copy(
        update={"rpo": dict.fromkeys(scopes, ask.rpo), "rto": dict.fromkeys(scopes, ask.rto)}
    )
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    results: list[BaseModel] = [
        cheapest(workload, ask, impact=impact, catalog=catalog, objective=objective)
        for objective in ("outlay", "tco")
    ]
    target = next(k for k, t in catalog.targets.items() if "primary" in t.roles)
    local = Design(interval=24, target=target, link=next(iter(catalog.links)))
    results.append(evaluate(workload, local, ask, impact=impact, catalog=catalog))
    results.append(negotiate(workload, ask, impact=impact, catalog=catalog))
    uncertain = UncertainImpact(
        downtime_cost=costs[0], data_loss_cost=Uniform(low=0.0, high=costs[1] + 1.0)
    )
    results.append(
        simulate(workload, local, samples=16, seed=1, impact=uncertain, catalog=catalog)
    )
    for res in results:
        assert not _nan_fields(res), type(res).__name__


def test_quarterly_points_and_calendar_reach_the_optimiser(default):
    # Issue 14: quarterly points and the GFS calendar flow from Retention into the design
    # space's storage tables, so cheapest() prices them. 1 TB, 12 monthly points hold a
    # year; 8 quarterly points reach two years, 4 of them beyond the monthly ones, and
    # monthly points on the 1st share none of the 8 Sunday weeklies.
    w = Workload(data_size="1 TB", daily_change="5%/day", horizon=0.0)

    # 3 d for every scope but ransomware, whose survey-derived containment (5 d before
    # restores may start, issue 13 item 5) no design shortens: a week there
    rto = {s: "3 d" for s in ("logical", "hardware", "site", "region")} | {"ransomware": "1 w"}

    def plan(retention):
        res = cheapest(w, Requirements(rpo="1 d", rto=rto, retention=retention))
        assert res.plan is not None
        return res.plan

    base = plan("14 daily, 12 monthly")
    more = plan("14 daily, 12 monthly, 8 quarterly")
    assert more.monthly_cost > base.monthly_cost
    assert sum(more.storage_gb.values()) > sum(base.storage_gb.values())
    nested = plan({"daily": 14, "weekly": 8, "monthly": 3})
    apart = plan({"daily": 14, "weekly": 8, "monthly": 3, "monthly_on": "day 1"})
    assert apart.monthly_cost >= nested.monthly_cost
    assert sum(apart.storage_gb.values()) > sum(nested.storage_gb.values())
    assert "4 quarterly" in unmet_points_text("14 daily, 4 quarterly")


def unmet_points_text(retention: str) -> str:
    """unmet_points of a design whose GFS points stay on the primary site."""
    cat = Catalog.default()
    ret = Retention.model_validate(retention)
    space = build_space(cat, ret)
    offsite_ok = ~np.asarray(space.longterm >= 0) & (space.offsite >= 0)
    row = int(np.flatnonzero(offsite_ok)[0])
    return unmet_points(space, row, cat, ret, "offsite")


@pytest.mark.parametrize(
    "update",
    [
        {"rto": 0.05},  # every row misses: the least miss breaks ties by outlay
        {"rpo": 0.25, "rto": {"logical": 1.0, "hardware": 0.5, "site": 4.0}},
        {"rpo": 24.0, "rto": 24.0},  # many rows meet it: ties among the least misses
    ],
)
def test_the_closest_design_with_or_without_costs(default, update):
    """explain's closest design is the same whether the evaluation it is given has costs
    or not (then only the rows tied on the least miss are priced, for the outlay that
    breaks the tie)."""
    sc = default
    ask = sc.requirements.model_copy(update=update)
    space = build_space(sc.catalog, ask.retention)
    args = (sc.workload, ask, sc.impact, sc.catalog)
    priced = evaluate_space(space, *args)
    bare = evaluate_space(space, *args, priced=False)
    assert _closest(bare, *args) == _closest(priced, *args)


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=st.one_of(asks(), asks(ransomware_in_reach=True)),
    costs=st.tuples(st.sampled_from([0.0, 5000.0]), st.sampled_from([0.0, 3000.0])),
    grouped=st.booleans(),
)
def test_impossible_asks_are_explained_from_the_first_rows_of_each_kind(
    catalog, workload, ask, costs, grouped
):
    """An ask no design meets is explained from the first row of each kind of each
    path's rows (rtocalc._space_kernel.explaining_rows) with exactly the reasons the
    whole space gives: the same limits, best values, rows named and words. Kinds are
    forced on (every space grouped) or left to the default rule."""
    from rtocalc import _space_figures, optimize

    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    share = 1.0 if grouped else _space_figures.KIND_SHARE
    with mock.patch.object(_space_figures, "KIND_SHARE", share):
        res = cheapest(workload, ask, impact=impact, catalog=catalog)
        with mock.patch.object(optimize, "explaining_rows", return_value=None):
            whole = cheapest(workload, ask, impact=impact, catalog=catalog)
    assert res.feasible == whole.feasible
    assert res.reasons == whole.reasons


def test_explaining_rows_are_few_on_the_shipped_examples(default, zero_downtime):
    """On both shipped examples' impossible asks, the rows explained are about a tenth of
    the space, and the reasons are those of every row."""
    from rtocalc import optimize
    from rtocalc._space_kernel import explaining_rows

    for sc in (default, zero_downtime):
        ask = sc.requirements.model_copy(update={"rto": 1 / 60, "mtd": None})
        space = build_space(sc.catalog, ask.retention)
        rows = explaining_rows(space, sc.workload, ask, sc.impact, sc.catalog)
        assert rows is not None and 0 < rows.size < len(space) / 5
        assert np.all(np.diff(rows) > 0)
        res = cheapest(sc.workload, ask, impact=sc.impact, catalog=sc.catalog)
        with mock.patch.object(optimize, "explaining_rows", return_value=None):
            whole = cheapest(sc.workload, ask, impact=sc.impact, catalog=sc.catalog)
        assert not res.feasible and res.reasons == whole.reasons

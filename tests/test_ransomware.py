"""Ransomware as its own clock: survey-derived containment, the clean-point search, the clean room.

Reference values are computed by hand from the cited surveys (the sources are in
``src/rtocalc/data/scenarios.toml`` and ``catalog.toml``): Sophos 'The State of
Ransomware 2024' (35% of victims fully recovered within a week, 66% within a month) and
2025 (53% within a week), Mandiant 'M-Trends 2024' (global median dwell time 10 days).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtocalc import BusinessImpact, Catalog, Design, Requirements, Scenario, Workload, evaluate
from rtocalc import ransomware as rw
from strategies import small_catalogs, workloads

DAY = 24.0


def _ransomware(impact: BusinessImpact) -> Scenario:
    return next(x for x in impact.scenarios if x.scope == "ransomware")


def _outcome(plan, scope: str):
    return next(o for o in plan.by_scenario if o.scope == scope)


# --- the formulas, from the surveys ---------------------------------------------------------


def test_survey_median_of_sophos_2024_is_about_18_days():
    # 35% within a week (168 h), 66% within a month (720 h): the median lies in the second
    # bracket, 168 + (0.50 - 0.35) / (0.66 - 0.35) x (720 - 168) = 435.1 h = 18.1 d
    t = rw.survey_quantile([168.0, 720.0], [0.35, 0.66], 0.5)
    assert t == pytest.approx(168.0 + 0.15 / 0.31 * 552.0)
    assert t / DAY == pytest.approx(18.13, abs=0.01)
    # the one-month mark is the 66% quantile; above the last share the survey says nothing
    assert rw.survey_quantile([168.0, 720.0], [0.35, 0.66], 0.66) == pytest.approx(720.0)
    assert rw.survey_quantile([168.0, 720.0], [0.35, 0.66], 0.9) == math.inf
    # below the first bracket: linear from 0 h (Sophos 2025: 53% within a week)
    assert rw.survey_quantile([168.0], [0.53], 0.5) == pytest.approx(0.5 / 0.53 * 168.0)


def test_shipped_containment_is_the_survey_time_less_the_restore():
    """Containment (typical): Sophos 2025's median of at most 7 d less 2 d of restoring the
    estate; worst: Sophos 2024's one-month mark (the 2/3 quantile) less the same 2 d; the
    dwell is M-Trends 2024's global median."""
    x = _ransomware(BusinessImpact())
    assert x.containment == rw.time_before_restore(7 * DAY, 2 * DAY) == 5 * DAY
    assert x.containment_worst == rw.time_before_restore(30 * DAY, 2 * DAY) == 28 * DAY
    assert x.dwell == 10 * DAY
    assert x.scan_rate == 500.0
    assert x.detection == 1.0 and x.decision == 0.0
    # a survey time shorter than the restore leaves no containment, not a negative one
    assert rw.time_before_restore(1.0, 2.0) == 0.0


def test_clean_point_time_scans_the_share_only_after_a_dwell():
    # the whole of 6 TB at 500 GB/h: 12 h; a 2% item restore: 0.24 h; no dwell or no scan: 0
    assert rw.clean_point_time(1.0, 6000.0, 500.0, 240.0) == 12.0
    assert rw.clean_point_time(0.02, 6000.0, 500.0, 240.0) == pytest.approx(0.24)
    assert rw.clean_point_time(1.0, 6000.0, 500.0, 0.0) == 0.0
    assert rw.clean_point_time(1.0, 6000.0, math.inf, 240.0) == 0.0


def test_holds_clean_point_needs_points_older_than_the_intrusion():
    # 14 days of dailies reach past a 10-day dwell found after 1 h; a 7-day window does not
    assert rw.holds_clean_point(14 * DAY, 10 * DAY, 1.0)
    assert not rw.holds_clean_point(7 * DAY, 10 * DAY, 1.0)
    assert rw.holds_clean_point(10 * DAY + 1.0, 10 * DAY, 1.0)


def test_clean_room_cost_by_hand():
    # USD 300/month standing + 20 USD/TB-month x 6 TB + USD 20,000 over 5 years (60 months)
    got = rw.clean_room_cost(300.0, 20.0, 6000.0, 20_000.0, 5.0)
    assert got == pytest.approx(300.0 + 120.0 + 20_000.0 / 60.0)


def test_survey_quantile_refuses_brackets_that_are_not_a_survey():
    with pytest.raises(ValueError, match="bounds, shares"):
        rw.survey_quantile([720.0, 168.0], [0.35, 0.66], 0.5)
    with pytest.raises(ValueError, match="non-decreasing"):
        rw.survey_quantile([168.0, 720.0], [0.66, 0.35], 0.5)


# --- in a plan ------------------------------------------------------------------------------

W = Workload(data_size="6 TB", daily_change="3%", compute_cost="$8,000/mo")
# a hardened (immutable) chain on disk, restore strategy: instant recovery in 10 min
HARDENED = Design(interval=4.0, scheme="synthetic_full", target="local_hardened")
CAT = Catalog.default()


def test_ransomware_clock_by_hand():
    """The clock of a ransomware restore from the immutable chain, part by part: detection
    1 h, containment 5 d (survey median), provisioning 4 h (restore strategy), the scan of
    the whole 6 TB at 500 GB/h (12 h), instant recovery 10 min."""
    plan = evaluate(W, HARDENED, Requirements(rpo=24, rto=24 * 30))
    o = _outcome(plan, "ransomware")
    prov = CAT.strategies["restore"].provisioning_time
    ir = CAT.targets["local_hardened"].instant_recovery_time
    assert o.clock["detection"] == 1.0
    assert o.clock["containment"] == 5 * DAY
    assert o.clock["scan"] == pytest.approx(12.0)
    assert o.clock["provisioning"] == prov
    assert o.rto == pytest.approx(1.0 + 5 * DAY + prov + 12.0 + ir)
    # the worst incident waits for the worst containment (28 d)
    assert o.rto_worst == pytest.approx(1.0 + 28 * DAY + prov + 12.0 + ir)
    # checked against the worst incident, the RTO is the worst one
    worst = evaluate(W, HARDENED, Requirements(rpo=24, rto=24 * 30, incident="worst"))
    assert _outcome(worst, "ransomware").rto == pytest.approx(o.rto_worst)
    # other scenarios have no containment and no scan
    for other in plan.by_scenario:
        if other.scope != "ransomware":
            assert "containment" not in other.clock and "scan" not in other.clock


def test_clean_room_shortens_the_ransomware_clock_and_costs_its_price():
    """With the cloud clean room: containment 1 d, provisioning 4 h (its own), the same
    scan; its run cost USD 50/month and its setup USD 2,000 with the one-off purchases
    (the system's share of the environment)."""
    ask = Requirements(rpo=24, rto=24 * 30)
    room = ask.model_copy(update={"isolated_recovery": "cloud_clean_room"})
    base, with_room = evaluate(W, HARDENED, ask), evaluate(W, HARDENED, room)
    o = _outcome(with_room, "ransomware")
    ir = CAT.targets["local_hardened"].instant_recovery_time
    assert o.clock["containment"] == DAY
    assert o.rto == pytest.approx(1.0 + DAY + 4.0 + 12.0 + ir)
    assert o.rto_worst == pytest.approx(o.rto)  # the clean room does not wait for forensics
    assert with_room.cost_breakdown["isolated_recovery"] == pytest.approx(50.0)
    years = CAT.catalog.amortisation_years
    assert with_room.one_time_cost - base.one_time_cost == pytest.approx(2_000.0)
    assert with_room.monthly_cost - base.monthly_cost == pytest.approx(
        rw.clean_room_cost(50.0, 0.0, W.final_size, 2_000.0, years)
    )
    assert with_room.monthly_cost - base.monthly_cost == pytest.approx(50.0 + 2_000.0 / 60)
    # it serves ransomware only
    for a, b in zip(base.by_scenario, with_room.by_scenario, strict=True):
        if a.scope != "ransomware":
            assert a.rto == b.rto and a.clock == b.clock


def test_explanation_names_the_parts():
    """An unmeetable ransomware RTO is an answer whose reason names each part."""
    from rtocalc import cheapest

    res = cheapest(W, Requirements(rpo=24, rto={"ransomware": 24.0}, immutable=True))
    assert not res.feasible
    text = " ".join(r.message for r in res.reasons)
    assert "containment and forensics before any restore: 5 d" in text
    assert "scanning the restore point for the attacker's foothold" in text


def test_a_design_needs_a_surviving_point_older_than_the_intrusion():
    """7 days of dailies on an immutable chain do not reach past a 10-day dwell found after
    1 h; 14 do. Immutable snapshots kept 7 days serve the data (their newest point) only
    where some surviving copy keeps a point from before the intrusion to rebuild from."""
    ask7 = Requirements(rpo=24, rto=24 * 60, retention="7 daily")
    ask14 = Requirements(rpo=24, rto=24 * 60, retention="14 daily")
    assert _outcome(evaluate(W, HARDENED, ask7), "ransomware").rto == math.inf
    assert math.isfinite(_outcome(evaluate(W, HARDENED, ask14), "ransomware").rto)
    # long-term points on an immutable target hold one too
    gfs = Requirements(rpo=24, rto=24 * 60, retention="7 daily, 4 weekly")
    with_lt = HARDENED.model_copy(update={"longterm": "object_archive", "link": "wan_1g"})
    assert math.isfinite(_outcome(evaluate(W, with_lt, gfs), "ransomware").rto)
    # snapshots alone (a mutable chain): nothing older than the intrusion survives
    snap = Design(
        interval=24.0, target="local_disk", scheme="synthetic_full", protection="snapshot_immutable"
    )
    assert _outcome(evaluate(W, snap, ask14), "ransomware").rto == math.inf
    # beside an immutable chain of 14 days, the snapshot's newest point serves (1 h lost)
    both = HARDENED.model_copy(update={"protection": "snapshot_immutable"})
    o = _outcome(evaluate(W, both, ask14), "ransomware")
    assert o.path == "protection" and o.rpo == pytest.approx(1.0)
    # with no dwell, the snapshots serve on their own
    no_dwell = [
        x.model_copy(update={"dwell": 0.0, "scan_rate": None}) if x.scope == "ransomware" else x
        for x in BusinessImpact().scenarios
    ]
    plan = evaluate(W, snap, ask14, impact=BusinessImpact(scenarios=no_dwell))
    o = _outcome(plan, "ransomware")
    assert o.path == "protection" and math.isfinite(o.rto)


def test_the_reason_names_the_clean_point_a_short_retention_misses():
    """The catalog has immutable copies, so when 7 days of points cannot reach past a
    10-day dwell found after 1 h (241 h, written to 3 digits as people write it: 10 d, not
    1.43 w), the reason says that, not only that immutable copies are needed (it once said
    only the latter, which misled)."""
    from rtocalc import cheapest

    short = Requirements(rpo="1 d", rto={"ransomware": "1 w"}, retention="7 daily")
    res = cheapest(Workload(data_size="1 TB"), short)
    assert not res.feasible
    (why,) = (r for r in res.reasons if r.constraint == "rto[ransomware]")
    assert "only immutable copies help" in why.message
    assert "a restore point from before the intrusion, 10 d back" in why.message
    longer = Requirements(rpo="1 d", rto={"ransomware": "1 w"}, retention="14 daily")
    assert cheapest(Workload(data_size="1 TB"), longer).feasible
    # without a dwell, the newest point is clean: the reason does not mention the intrusion
    no_dwell = [
        x.model_copy(update={"dwell": 0.0, "scan_rate": None}) if x.scope == "ransomware" else x
        for x in BusinessImpact().scenarios
    ]
    # and no copy is immutable: no target, no protection mechanism
    mutable = Catalog.default().override(
        {"targets": {k: {"immutable": False} for k in Catalog.default().targets}}
    )
    mutable = Catalog.from_dict({**mutable.model_dump(), "protection": {}})
    impact = BusinessImpact(scenarios=no_dwell)
    res = cheapest(Workload(data_size="1 TB"), short, impact=impact, catalog=mutable)
    (why,) = (r for r in res.reasons if r.constraint == "rto[ransomware]")
    assert why.message.endswith("only immutable copies help)")


# --- properties -------------------------------------------------------------------------------


def _impact(dwell: float, scan: float | None = 500.0) -> BusinessImpact:
    base = BusinessImpact(downtime_cost=1000.0, data_loss_cost=100.0)
    return BusinessImpact(
        downtime_cost=1000.0,
        data_loss_cost=100.0,
        scenarios=[
            x.model_copy(update={"dwell": dwell, "scan_rate": scan if dwell > 0 else None})
            if x.scope == "ransomware"
            else x
            for x in base.scenarios
        ],
    )


def _immutable(catalog: Catalog) -> Catalog:
    """``catalog`` with its first primary target immutable: a copy that may survive."""
    first = next(k for k, t in catalog.targets.items() if "primary" in t.roles)
    return catalog.override({"targets": {first: {"immutable": True}}})


def _designs(catalog: Catalog):
    """Every chain on every primary target with every strategy (with the catalog's first
    link and a strategy's first replication mode); a recovery into the cloud only from a
    target there, the design's one copy."""
    prim = [k for k, t in catalog.targets.items() if "primary" in t.roles]
    link = next(iter(catalog.links))
    for tgt in prim:
        for scheme in catalog.targets[tgt].schemes:
            for key, strat in catalog.strategies.items():
                if strat.recovers_in_cloud and catalog.targets[tgt].location != "cloud":
                    continue
                rep = strat.replication_modes[0] if strat.replica else "none"
                yield Design(
                    interval=8.0,
                    scheme=scheme,
                    target=tgt,
                    strategy=key,
                    replication=rep,
                    link=link,
                )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(offsite_methods=0, links=1, standby=1),
    workload=workloads(),
    dwells=st.lists(st.floats(0.0, 60 * DAY), min_size=2, max_size=2).map(sorted),
    daily=st.integers(1, 30),
)
def test_a_longer_dwell_never_shortens_recovery(catalog, workload, dwells, daily):
    ask = Requirements(rpo=24, rto=24 * 90, retention={"daily": daily, "weekly": 4})
    catalog = _immutable(catalog)
    for design in _designs(catalog):
        short, long = (
            _outcome(
                evaluate(workload, design, ask, impact=_impact(d), catalog=catalog), "ransomware"
            )
            for d in dwells
        )
        assert long.rto >= short.rto - 1e-9
        assert long.rto_worst >= short.rto_worst - 1e-9


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(offsite_methods=0, links=1, standby=1),
    workload=workloads(),
    containment=st.floats(0.0, 30 * DAY),
    provisioning=st.floats(0.0, 48.0),
    incident=st.sampled_from(["typical", "worst"]),
)
def test_an_isolated_environment_never_slows_recovery(
    catalog, workload, containment, provisioning, incident
):
    room = {
        "containment": containment,
        "provisioning_time": provisioning,
        "price_per_month": 100.0,
        "source": "test",
        "date": "2026-12-05",
    }
    cat = _immutable(catalog).override({"isolated_recovery": {"room": room}})
    ask = Requirements(rpo=24, rto=24 * 90, incident=incident)
    with_room = ask.model_copy(update={"isolated_recovery": "room"})
    impact = _impact(10 * DAY)
    for design in _designs(cat):
        a = evaluate(workload, design, ask, impact=impact, catalog=cat)
        b = evaluate(workload, design, with_room, impact=impact, catalog=cat)
        for x, y in zip(a.by_scenario, b.by_scenario, strict=True):
            assert y.rto <= x.rto + 1e-9 and y.rto_worst <= x.rto_worst + 1e-9
            if x.scope != "ransomware":
                assert y.rto == x.rto
        assert b.monthly_cost >= a.monthly_cost


# --- error paths ------------------------------------------------------------------------------


def test_containment_worst_below_containment_is_refused():
    with pytest.raises(ValueError, match=r"containment_worst: .* is below containment"):
        Scenario(name="r", scope="ransomware", rate=0.1, containment="5 d", containment_worst="1 d")


def test_scan_rate_without_dwell_is_refused():
    with pytest.raises(ValueError, match=r"scan_rate: .* dwell = 0"):
        Scenario(name="r", scope="ransomware", rate=0.1, scan_rate="500 GB/h")


def test_bad_containment_and_dwell_name_the_field():
    with pytest.raises(ValueError, match="containment"):
        Scenario(name="r", scope="ransomware", rate=0.1, containment="soon")
    with pytest.raises(ValueError, match="dwell"):
        Scenario(name="r", scope="ransomware", rate=0.1, dwell="-3 d")


def test_unknown_isolated_recovery_key_is_refused_with_the_keys():
    ask = Requirements(rpo=24, rto=24 * 30, isolated_recovery="bunker")
    with pytest.raises(ValueError, match=r"isolated_recovery: 'bunker' is not a key.*cloud_clean"):
        evaluate(W, HARDENED, ask)


def test_isolated_recovery_entry_needs_its_containment():
    with pytest.raises(ValueError, match="containment"):
        CAT.override({"isolated_recovery": {"x": {"source": "s", "date": "2026-12-05"}}})

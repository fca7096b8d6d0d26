"""Recovery as shops run it: the outage clock in parts, automatic failover, same-site and
stretched standbys, partial and instant restores (docs/model.md, "The outage clock")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    Requirements,
    Scenario,
    Workload,
    cheapest,
    evaluate,
    negotiate,
    physics,
)
from rtocalc.space import build_space, evaluate_space, space_of
from strategies import asks, small_catalogs, workloads

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the formulas, by hand ------------------------------------------------------------------


def test_rto_restore_of_a_share_by_hand():
    """A deleted folder of 200 GB in a 200 TB archive, read at 1 GB/s (3,600 GB/h):
    1 h detection + 200 GB / 3,600 GB/h = 1 h + 3.33 min (NIST SP 800-34 Rev. 1 sec.
    3.4.2: restore time is the data moved over the restore rate)."""
    got = physics.rto_restore(200_000.0, 3600.0, detection=1.0, share=0.001)
    assert got == pytest.approx(1.0 + 200.0 / 3600.0, rel=1e-12)
    # the whole archive: 55.6 h of data movement
    assert physics.rto_restore(200_000.0, 3600.0, detection=1.0) == pytest.approx(
        1.0 + 200_000.0 / 3600.0, rel=1e-12
    )


def test_rto_restore_instant_recovery_by_hand():
    """Instant recovery (Veeam User Guide, "Instant Recovery to VMware vSphere": the VM
    starts from the backup file) serves after its own time whatever the size: 15 min
    detection + 15 min decision + 10 min, against 4 h provisioning + 6 TB at 1 GB/s."""
    full = physics.rto_restore(
        6000.0, 3600.0, detection=0.25, decision=0.25, provisioning=4.0
    )
    assert full == pytest.approx(0.5 + 4.0 + 6000.0 / 3600.0, rel=1e-12)
    instant = physics.rto_restore(
        6000.0, 3600.0, detection=0.25, decision=0.25, provisioning=4.0, instant_recovery=1 / 6
    )
    assert instant == pytest.approx(0.5 + 1 / 6, rel=1e-12)


def test_rto_failover_automatic_by_hand():
    """SQL Server Always On: health check timeout 30 s by default (Microsoft, "Availability
    group lease, health check timeout"), a failover of 1 min: 1.5 min, whatever the
    scenario's detection (15 min) and decision (1 h), which a manual failover waits for."""
    auto = physics.rto_failover(0.25, 1 / 60, decision=1.0, automatic=True, health_check=30 / 3600)
    assert auto == pytest.approx(1.5 / 60, rel=1e-12)
    manual = physics.rto_failover(0.25, 1 / 60, decision=1.0)
    assert manual == pytest.approx(1.25 + 1 / 60, rel=1e-12)


@given(
    detection=st.floats(0.0, 48.0),
    decision=st.floats(0.0, 48.0),
    failover=st.floats(0.0, 2.0),
    fraction=st.floats(0.0, 1.0),
)
def test_automatic_failover_never_slower_than_manual(detection, decision, failover, fraction):
    """With health checks no slower than noticing and deciding, automatic failover never
    recovers later than the same failover ordered by a person."""
    check = fraction * (detection + decision)
    auto = physics.rto_failover(
        detection, failover, decision=decision, automatic=True, health_check=check
    )
    manual = physics.rto_failover(detection, failover, decision=decision)
    assert auto <= manual


@given(
    size=st.floats(1.0, 1e6),
    rate=st.floats(10.0, 1e5),
    share=st.floats(1e-6, 1.0),
    lead=st.floats(0.0, 24.0),
    instant=st.none() | st.floats(0.0, 2.0),
)
def test_no_restore_beats_its_share_or_instant_recovery(size, rate, share, lead, instant):
    """Physics: a restore takes at least its share of the data over the rate, unless
    instant recovery serves first, and then no less than its instant recovery time."""
    ir = math.inf if instant is None else instant
    got = physics.rto_restore(size, rate, detection=lead, share=share, instant_recovery=ir)
    assert got >= lead + min(share * size / rate, ir) - 1e-9 * (1 + got)
    bigger = physics.rto_restore(size, rate, detection=lead, share=1.0, instant_recovery=ir)
    assert bigger >= got  # moving more data never recovers sooner


# --- the kernel ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog():
    return Catalog.default()


@pytest.fixture(scope="module")
def erp():
    """The shipped example's workload: 6 TB, 3 %/day, 2:1, $8,000/mo of compute."""
    return Workload(
        data_size="6 TB", daily_change="3%/day", data_reduction="2:1", compute_cost="$8,000/mo"
    )


def test_same_site_pair_absorbs_hardware_only(erp, catalog):
    """A same-site HA pair (synchronous mirror over the LAN, automatic failover) recovers a
    storage failure in health check + failover, but not a site loss; it needs no WAN."""
    design = Design(interval="4 h", target="local_disk", replication="sync", strategy="ha_pair")
    plan = evaluate(erp, design, catalog=catalog)
    by = {o.scope: o for o in plan.by_scenario}
    pair = catalog.strategies["ha_pair"]
    assert by["hardware"].path == "failover"
    assert by["hardware"].rto == pytest.approx(pair.health_check + pair.failover_time)
    assert by["hardware"].rpo == 0.0  # synchronous over the LAN
    assert by["hardware"].clock == {
        "health_check": pair.health_check,
        "failover": pair.failover_time,
    }
    assert by["site"].path != "failover"
    assert by["logical"].path != "failover" and by["ransomware"].path != "failover"
    assert plan.cost_breakdown["link"] == 0.0
    assert plan.cost_breakdown["standby"] == pytest.approx(
        pair.standby_fraction * erp.compute_cost
        + erp.final_size * catalog.replication.replica_price_per_gb_month
        + pair.witness_price_per_month
    )


def test_stretched_cluster_absorbs_a_site_loss_in_minutes(erp, catalog):
    """A stretched cluster within the synchronous distance limit: no data lost and HA
    restart in minutes after a site loss (vSphere HA: 15 s heartbeat timeout)."""
    design = Design(
        interval="4 h",
        target="local_disk",
        replication="sync",
        link="wan_10g",
        strategy="stretched_cluster",
    )
    plan = evaluate(erp, design, catalog=catalog)
    by = {o.scope: o for o in plan.by_scenario}
    sc = catalog.strategies["stretched_cluster"]
    for scope in ("hardware", "site"):
        assert by[scope].path == "failover"
        assert by[scope].rpo == 0.0
        assert by[scope].rto == pytest.approx(sc.health_check + sc.failover_time)
    assert by["region"].path == "none"
    with pytest.raises(ValueError, match="does not fit strategy 'stretched_cluster'"):
        evaluate(erp, design.model_copy(update={"replication": "async"}), catalog=catalog)


def test_manual_failover_waits_for_the_decision(erp, catalog):
    """Warm standby is ordered by a person: detection and decision come first."""
    design = Design(
        interval="4 h", target="local_disk", replication="async", link="wan_1g",
        strategy="warm_standby",
    )
    plan = evaluate(erp, design, catalog=catalog)
    site = next(o for o in plan.by_scenario if o.scope == "site")
    scen = next(x for x in BusinessImpact().scenarios if x.scope == "site")
    warm = catalog.strategies["warm_standby"]
    assert site.rto == pytest.approx(scen.detection + scen.decision + warm.failover_time)
    assert list(site.clock) == ["detection", "decision", "failover"]


def test_deleted_folder_in_a_200_tb_archive(catalog):
    """A typical deletion (a small share) in a 200 TB archive restores in minutes from a
    disk or object copy, and no sooner than the retrieval delay from archive or tape."""
    archive = Workload(data_size="200 TB", daily_change="0.5%/day")
    impact = BusinessImpact(
        scenarios=[
            Scenario(
                name="Deleted folder", scope="logical", rate=2, detection="15 min",
                share="0.05%", share_worst="100%",
            )
        ]
    )
    disk = evaluate(
        archive,
        Design(interval="24 h", target="local_disk", scheme="reverse"),
        impact=impact,
        catalog=catalog,
    )
    (oc,) = disk.by_scenario
    # 100 GB at 1 GB/s is 1.7 min (a reverse chain replays nothing), or instant recovery
    # (10 min): the restore wins
    assert oc.rto == pytest.approx(0.25 + 100.0 / 3600.0, rel=1e-9)
    assert oc.rto < 0.5
    # the whole archive would take more than two days
    assert oc.rto_worst == pytest.approx(0.25 + 1 / 6, rel=1e-9)  # instant recovery
    # only an archive copy: at least the 12 h thaw of Glacier Deep Archive
    cold = catalog.override(
        {
            "targets": {
                "object_archive": {
                    "roles": ["primary", "offsite", "longterm"],
                    "schemes": ["synthetic_full"],
                }
            }
        }
    )
    plan = evaluate(
        archive,
        Design(interval="24 h", scheme="synthetic_full", target="object_archive", link="wan_10g"),
        impact=impact,
        catalog=cold,
    )
    (oc,) = plan.by_scenario
    assert oc.rto >= 0.25 + cold.targets["object_archive"].retrieval_delay


def test_incident_worst_checks_the_whole_data_set(catalog):
    """The ask says which incident its RTO is checked against: the worst one moves all
    of a 40 TB estate, which 1 h cannot hold; the typical one (2 %) can."""
    estate = Workload(data_size="40 TB", daily_change="2%/day")
    impact = BusinessImpact(
        scenarios=[
            Scenario(name="Bad change", scope="logical", rate=1, detection="15 min",
                     share="1%", share_worst="100%")
        ]
    )
    typical = Requirements(rpo="4 h", rto="1 h")
    assert cheapest(estate, typical, impact=impact, catalog=catalog).feasible
    # instant recovery is off here: a database estate restored, not booted from backup
    # and no snapshots either (they revert the whole volume in minutes: see below)
    no_ir = catalog.override(
        {"targets": {k: {"instant_recovery": False} for k in catalog.targets}}
    )
    snapshots = no_ir
    no_ir = Catalog.from_dict({**no_ir.model_dump(), "protection": {}})
    assert cheapest(estate, typical, impact=impact, catalog=no_ir).feasible
    worst = typical.model_copy(update={"incident": "worst"})
    res = cheapest(estate, worst, impact=impact, catalog=no_ir)
    assert not res.feasible
    assert any("moving 40 TB" in r.message for r in res.reasons)
    # corruption of the whole estate, found within the snapshots' retention: a volume
    # revert (NetApp SnapRestore) takes minutes whatever the size
    res = cheapest(estate, worst, impact=impact, catalog=snapshots)
    assert res.feasible and res.plan is not None
    (outcome,) = res.plan.by_scenario
    assert outcome.path == "protection" and "revert" in outcome.clock


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks())
def test_instant_recovery_never_recovers_later(catalog, workload, ask):
    """Adding a mechanism (instant recovery on every target) never makes any surviving
    path of any design slower, in any scenario."""
    faster = catalog.override(
        {
            "targets": {
                k: {"instant_recovery": True, "instant_recovery_time": 0.1}
                for k, t in catalog.targets.items()
                if not t.instant_recovery
            }
        }
    )
    impact = BusinessImpact()
    space = build_space(catalog, ask.retention)
    space2 = build_space(faster, ask.retention)
    a = evaluate_space(space, workload, ask, impact, catalog)
    b = evaluate_space(space2, workload, ask, impact, faster)
    for s in range(len(impact.scenarios)):
        ra = np.where(a.paths.alive[:, s], a.rto_in(s), np.inf).min(axis=0)
        rb = np.where(b.paths.alive[:, s], b.rto_in(s), np.inf).min(axis=0)
        # at the same interval the fastest path is no slower (the intervals are solved per
        # ask, so compare rows where they agree)
        same = a.interval == b.interval
        assert np.all(rb[same] <= ra[same] * (1 + 1e-9) + 1e-9)


def test_detection_binds_counts_automatic_failover(catalog):
    """An RTO below the manual lead is still reachable after a site loss by automatic
    failover; below every lead (health checks included) nothing is evaluated."""
    from rtocalc.space import detection_binds

    impact = BusinessImpact()
    site_only = Requirements(rpo="1 h", rto={"site": "5 min"})
    assert not detection_binds(site_only, impact, catalog)
    too_tight = Requirements(rpo="1 h", rto={"site": "10 s"})
    assert detection_binds(too_tight, impact, catalog)
    manual_only = catalog.override(
        {"strategies": {k: {"automatic": False} for k in catalog.strategies}}
    )
    assert detection_binds(site_only, impact, manual_only)


def test_zero_downtime_after_a_site_loss_offers_automatic_failover(erp, catalog):
    """With a large compute cost, the zero-downtime answer after a site loss is an
    automatic failover of minutes (active/active or a stretched cluster), and the other
    half says logical damage and ransomware still need an earlier point in time."""
    ask = Requirements(rpo="1 min", rto="1 min", offsite=True, budget="$2,500/mo")
    n = negotiate(erp, ask, catalog=catalog)
    zd = n.zero_downtime
    assert zd is not None
    assert zd.rto_floor < 5 / 60  # minutes, not the hour a person takes to decide
    assert "automatic failover" in zd.note
    assert "earlier, surviving point in time" in zd.note
    text = " ".join(r.message for r in n.limits)
    assert "a person declares the disaster" in text


def test_explain_names_the_decision_that_binds(erp):
    """Without automatic strategies the site-loss floor is the person's decision, and the
    reason says that automatic failover removes it."""
    manual = Catalog.default().override(
        {"strategies": {k: {"automatic": False} for k in Catalog.default().strategies}}
    )
    res = cheapest(erp, Requirements(rpo="1 h", rto={"site": "30 min"}), catalog=manual)
    assert not res.feasible
    (reason,) = [r for r in res.reasons if r.constraint == "rto[site]"]
    assert "a person declares the disaster: 1 h" in reason.message
    assert "automatic failover" in reason.message


# --- bad input -------------------------------------------------------------------------------


def test_share_above_worst_is_an_error():
    with pytest.raises(ValidationError, match=r"share: 0\.5 must be above 0 and at most"):
        Scenario(name="x", scope="logical", rate=1, share="50%", share_worst="10%")


def test_standby_cannot_survive_logical_damage():
    with pytest.raises(ValidationError, match=r"survives: \['logical'\] cannot be survived"):
        Catalog.default().override({"strategies": {"hot_standby": {"survives": ["logical"]}}})


def test_same_site_standby_cannot_survive_a_site_loss():
    with pytest.raises(ValidationError, match="destroy the primary site"):
        Catalog.default().override({"strategies": {"ha_pair": {"survives": ["site"]}}})


def test_same_site_standby_mirrors_synchronously():
    with pytest.raises(ValidationError, match="use \\['sync'\\]"):
        Catalog.default().override({"strategies": {"ha_pair": {"replication_modes": ["async"]}}})


def test_space_of_rejects_async_for_a_sync_only_strategy(catalog):
    design = Design(
        interval="1 h", target="local_disk", replication="async", strategy="ha_pair"
    )
    with pytest.raises(ValueError, match="use 'sync'"):
        space_of(catalog, design)

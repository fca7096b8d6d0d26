"""Recovery into the cloud (issue 12, item 3): compute provisioned on demand in the cloud
region, restores from object storage in the region without crossing the WAN, the
compute and volumes paid per incident while the systems run there, egress at failback."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtocalc import BusinessImpact, Catalog, Design, Requirements, Workload, evaluate
from strategies import workloads

CATALOG = Catalog.default()
W = Workload(data_size="10 TB", daily_change="2%/day", annual_growth=0.0)
ON_PREM = Design(
    interval="24 h",
    target="local_disk",
    scheme="synthetic_full",
    offsite="cloud_copy_hot",
    link="wan_1g",
    strategy="restore",
)
IN_CLOUD = ON_PREM.model_copy(update={"strategy": "cloud_recovery"})
ASK = Requirements(rpo="1 d", rto="1 d")
IMPACT = BusinessImpact(downtime_cost="$1,000/h")


def _by_scope(plan):
    return {x.scope: x for x in plan.by_scenario}


def test_site_loss_restores_in_the_region_at_the_copy_rate():
    # S3 Standard reads at 500 MB/s = 1,800 GB/h (catalog object_hot): 10,000 GB in
    # 5.556 h in the region, against 1 Gbit/s over the WAN
    # (rtocalc.physics.link_throughput: 450 GB/h, 22.22 h) when restoring on premises
    onprem = _by_scope(evaluate(W, ON_PREM, ASK, impact=IMPACT))["site"]
    cloud = _by_scope(evaluate(W, IN_CLOUD, ASK, impact=IMPACT))["site"]
    assert onprem.path == cloud.path == "restore:offsite"
    assert cloud.clock["transfer"] == pytest.approx(10_000.0 / 1_800.0, rel=1e-12)
    assert onprem.clock["transfer"] == pytest.approx(10_000.0 / 450.0, rel=1e-12)
    # provisioning: the strategy's 1 h in the cloud against 4 h of new infrastructure
    assert cloud.clock["provisioning"] == pytest.approx(1.0)
    assert onprem.clock["provisioning"] == pytest.approx(4.0)
    assert cloud.rto == pytest.approx(sum(cloud.clock.values()), rel=1e-12)
    # the explanation names where the restore runs
    assert cloud.recovered_from.endswith("restored in the cloud region on servers launched there")
    assert "cloud region" not in onprem.recovered_from


def test_regional_disaster_provisions_in_the_cloud_region():
    # the cloud region lies outside: its own 1 h, not the restore strategy's 4 h
    region = _by_scope(evaluate(W, IN_CLOUD, ASK, impact=IMPACT))["region"]
    assert region.clock["provisioning"] == pytest.approx(1.0)
    assert region.clock["decision"] == pytest.approx(2.0)


def test_storage_failure_recovers_on_premises():
    # production compute survives a storage failure: the recovery stays on premises,
    # provisioned as the restore strategy (4 h), from the local chain
    hw = _by_scope(evaluate(W, IN_CLOUD, ASK, impact=IMPACT))["hardware"]
    base = _by_scope(evaluate(W, ON_PREM, ASK, impact=IMPACT))["hardware"]
    assert hw.path == base.path == "restore:primary"
    assert hw.rto == base.rto
    assert hw.restore_cost == base.restore_cost == 0.0


def test_compute_and_volumes_are_paid_per_incident_by_hand():
    # catalog strategies.cloud_recovery: 0.80 USD/h for 14 d (336 h), and 10 TB on EBS
    # gp3 at 0.08 USD/GB-month ([replication]) for 336 of 730 h a month:
    # 268.80 + 10,000 x 0.08 x 336 / 730 = 268.80 + 368.22 = 637.02 per recovery; the
    # egress (0.09 USD/GB) is the same, paid at failback instead of at the restore
    onprem = _by_scope(evaluate(W, ON_PREM, ASK, impact=IMPACT))
    cloud = _by_scope(evaluate(W, IN_CLOUD, ASK, impact=IMPACT))
    extra = 0.80 * 336.0 + 10_000.0 * 0.08 * 336.0 / 730.0
    for scope in ("ransomware", "site", "region"):
        assert cloud[scope].restore_cost == pytest.approx(
            onprem[scope].restore_cost + extra, rel=1e-9
        )
    assert onprem["site"].restore_cost == pytest.approx(
        10_000.0 * 0.09 + 10_000.0 * 1e9 / (512 * 1024) / 1000 * 0.0004, rel=1e-9
    )  # 0.09 USD/GB egress + GETs of 512 KiB objects at 0.0004 USD per 1,000


def test_expected_loss_carries_the_cloud_run():
    plan = evaluate(W, IN_CLOUD, ASK, impact=BusinessImpact())  # no downtime price
    charges = sum(x.rate * x.restore_cost for x in plan.by_scenario)
    assert plan.expected_annual_loss == pytest.approx(charges, rel=1e-9)
    run = 0.80 * 336.0 + 10_000.0 * 0.08 * 336.0 / 730.0
    assert charges >= run * (0.15 + 0.02 + 0.005)  # ransomware, site, region rates


def test_drills_run_the_cloud_compute():
    # 2 drills a year of 8 h at 0.80 USD/h: 2 x 8 x 0.80 / 12 = 1.0667 USD a month
    plan = evaluate(W, IN_CLOUD, ASK)
    assert plan.cost_breakdown["standby"] == pytest.approx(2 * 8 * 0.80 / 12, rel=1e-12)
    assert evaluate(W, ON_PREM, ASK).cost_breakdown["standby"] == 0.0


def test_cloud_recovery_with_a_replica_is_refused_by_name():
    with pytest.raises(ValueError, match="recovers_in_cloud: true with replica = true"):
        CATALOG.override(
            {"strategies": {"pilot_light": {"recovers_in_cloud": True}}}
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workload=workloads(),
    target=st.sampled_from(["local_disk", "object_hot", "object_infrequent"]),
    offsite=st.sampled_from([None, "cloud_copy_hot", "tape_vault_weekly", "second_site_copy"]),
    interval=st.sampled_from([1.0, 4.0, 24.0]),
)
def test_recovering_into_the_cloud_never_recovers_later(workload, target, offsite, interval):
    """With downtime priced alone, a design that recovers into the cloud instead of on
    new infrastructure recovers every scenario no later: its provisioning is no longer
    and its reads from cloud copies no slower."""
    cloud_copy = target != "local_disk" or offsite == "cloud_copy_hot"
    link = "wan_1g" if cloud_copy else None
    base = Design(
        interval=interval,
        target=target,
        scheme="synthetic_full",
        offsite=offsite,
        link=link,
        strategy="restore",
    )
    cloud = base.model_copy(update={"strategy": "cloud_recovery"})
    if not cloud_copy:  # nothing to restore in the cloud from: refused by name
        with pytest.raises(ValueError, match=r"design\.strategy: 'cloud_recovery' recovers"):
            evaluate(workload, cloud, impact=IMPACT)
        return
    before = evaluate(workload, base, impact=IMPACT)
    after = evaluate(workload, cloud, impact=IMPACT)
    for b, a in zip(before.by_scenario, after.by_scenario, strict=True):
        assert a.rto <= b.rto * (1 + 1e-12) or (math.isinf(a.rto) and math.isinf(b.rto))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workload=workloads(), interval=st.sampled_from([1.0, 4.0, 24.0]))
def test_no_cloud_restore_beats_its_share_and_throughput(workload, interval):
    """Physics bound: a restore into the cloud takes at least the lead, the strategy's
    provisioning and the share of the data at the copy's read rate (1,800 GB/h)."""
    plan = evaluate(workload, IN_CLOUD.model_copy(update={"interval": interval}), impact=IMPACT)
    scen = {x.name: x for x in IMPACT.scenarios}
    for x in plan.by_scenario:
        if x.path != "restore:offsite":
            continue
        s = scen[x.name]
        floor = s.detection + s.decision + 1.0 + s.share * workload.final_size / 1_800.0
        assert x.rto >= floor * (1 - 1e-12)


CLOUD_CHAIN = Design(
    interval="24 h", target="object_hot", scheme="synthetic_full", link="wan_1g",
    strategy="restore",
)  # fmt: skip


def test_a_deleted_folder_goes_back_on_premises_through_the_link_by_hand():
    """Logical damage: production runs on, so a restore from a cloud copy brings the
    items back to it through the link, whatever the strategy; recovering into the cloud
    changes nothing there. By hand: the default logical incident touches 2 % of 10 TB =
    200 GB (data/scenarios.toml), read through 1 Gbit/s = 450 GB/h
    (rtocalc.physics.link_throughput): 0.444 h, not 200 GB at S3 Standard's 1,800 GB/h
    in the region (0.111 h); the charges are the copy's own (0.09 USD/GB egress and GETs
    of 512 KiB objects at 0.0004 USD per 1,000), no cloud compute or volumes."""
    base = _by_scope(evaluate(W, CLOUD_CHAIN, ASK, impact=IMPACT))
    cloud = _by_scope(
        evaluate(W, CLOUD_CHAIN.model_copy(update={"strategy": "cloud_recovery"}), ASK,
                 impact=IMPACT)
    )  # fmt: skip
    logical = cloud["logical"]
    assert logical.path == "restore:primary"
    assert logical.clock["transfer"] == pytest.approx(200.0 / 450.0, rel=1e-12)
    assert logical.clock == base["logical"].clock
    assert logical.rto == base["logical"].rto
    assert logical.restore_cost == pytest.approx(
        200.0 * 0.09 + 200.0 * 1e9 / (512 * 1024) / 1000 * 0.0004, rel=1e-9
    )
    assert logical.restore_cost == base["logical"].restore_cost
    assert "cloud region" not in logical.recovered_from
    # a site loss still restores in the region at the copy's rate: 10,000 GB / 1,800 GB/h
    assert cloud["site"].clock["transfer"] == pytest.approx(10_000.0 / 1_800.0, rel=1e-12)
    assert cloud["site"].recovered_from.endswith("on servers launched there")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workload=workloads(),
    target=st.sampled_from(["object_hot", "object_infrequent"]),
    offsite=st.sampled_from([None, "cloud_copy_hot", "tape_vault_weekly"]),
    interval=st.sampled_from([1.0, 4.0, 24.0]),
    link=st.sampled_from(["wan_100m", "wan_1g", "wan_10g"]),
)
def test_a_logical_restore_does_not_depend_on_recovering_into_the_cloud(
    workload, target, offsite, interval, link
):
    """Whatever the workload, copies, interval and link: after logical damage the
    restore goes to production on premises, so its RTO, its clock and its charges are
    the same with a strategy that recovers into the cloud as without, and no faster than
    the link carries its share of the data."""
    base = Design(
        interval=interval, target=target, scheme="synthetic_full", offsite=offsite,
        link=link, strategy="restore",
    )  # fmt: skip
    cloud = base.model_copy(update={"strategy": "cloud_recovery"})
    b = _by_scope(evaluate(workload, base, impact=IMPACT))["logical"]
    a = _by_scope(evaluate(workload, cloud, impact=IMPACT))["logical"]
    assert (a.path, a.rto, a.clock, a.restore_cost) == (b.path, b.rto, b.clock, b.restore_cost)
    if a.path == "restore:primary":  # the chain in the cloud: through the link
        wire = {"wan_100m": 45.0, "wan_1g": 450.0, "wan_10g": 4_500.0}[link]
        share = IMPACT.scenarios[0].share
        assert a.clock["transfer"] >= share * workload.final_size / (
            wire * workload.data_reduction
        ) * (1 - 1e-12)

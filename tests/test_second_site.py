"""A backup copy to the organisation's own second site (issue 12, item 3): hardware
amortised, space and power, restore there at LAN speed, survival by where the catalog
places the site, and the copy over the site's own circuit."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    Requirements,
    Workload,
    cost,
    evaluate,
    physics,
)
from rtocalc.files import load_scenario
from rtocalc.space import build_space
from strategies import workloads

CATALOG = Catalog.default()
#: no instant recovery at the second site: every restore moves the data
NO_INSTANT = CATALOG.override(
    {"targets": {"second_site_hardened": {"instant_recovery": False}}}
)
W = Workload(data_size="10 TB", daily_change="2%/day", annual_growth=0.0)
DESIGN = Design(
    interval="24 h",
    target="local_disk",
    scheme="synthetic_full",
    offsite="second_site_copy",
    strategy="restore",
)
ASK = Requirements(rpo="1 d", rto="1 d")


def _outcome(plan, scope):
    return next(x for x in plan.by_scenario if x.scope == scope)


def test_own_site_prices_by_hand():
    # catalog targets.second_site_hardened.own_site: a 24,000 USD storage server of
    # 180 TB usable over 5 years, 0.4 kW at 275 USD/kW-month (TeleGeography median North
    # American colocation price per kW, space included): 24,000/60 + 0.4 x 275 = 510 USD
    # a month, 510 / 180,000 GB = 0.002833 USD/GB-month
    site = CATALOG.targets["second_site_hardened"]
    assert site.storage_price == pytest.approx(510.0 / 180_000.0, rel=1e-12)
    # the restore host: 20,000/60 + 0.5 x 275 = 333.33 + 137.50 = 470.83 USD a month
    assert site.own_site.host_price_per_month == pytest.approx(470.8333333, rel=1e-9)
    plan = evaluate(W, DESIGN, ASK)
    # the copy's fee: the 1,250 USD/month circuit plus the restore host
    assert plan.cost_breakdown["offsite_fees"] == pytest.approx(1250.0 + 470.8333333, rel=1e-9)


def test_second_site_storage_price_follows_the_hardware():
    """Doubling the server's list price adds its amortisation to every stored GB."""
    dear = CATALOG.override(
        {"targets": {"second_site_hardened": {"own_site": {"server_price": 48_000.0}}}}
    )
    extra = cost.own_site_cost(24_000.0, 5, 0.0, 0.0) / 180_000.0  # 400 USD / 180 TB
    assert dear.targets["second_site_hardened"].storage_price == pytest.approx(
        CATALOG.targets["second_site_hardened"].storage_price + extra, rel=1e-12
    )


def test_site_loss_restores_at_the_second_site_at_lan_speed():
    # 10 TB at the repository's 1 GB/s (3,600 GB/h) read, not over the 1 Gbit/s circuit
    # (at most 450 GB/h): transfer 10,000 / 3,600 = 2.778 h, after 15 min detection, the
    # 1 h declaration and the restore strategy's 4 h of provisioning
    plan = evaluate(W, DESIGN, ASK, catalog=NO_INSTANT)
    site = _outcome(plan, "site")
    assert site.path == "restore:offsite"
    assert site.clock["transfer"] == pytest.approx(10_000.0 / 3_600.0, rel=1e-12)
    lead = 0.25 + 1.0 + 4.0
    assert site.rto == pytest.approx(lead + sum(
        v for k, v in site.clock.items() if k in ("transfer", "replay", "retrieval")
    ), rel=1e-12)


def test_instant_recovery_at_the_second_site_after_a_site_loss():
    # Veeam instant recovery from the hardened repository there: 10 min after the lead
    site = _outcome(evaluate(W, DESIGN, ASK), "site")
    assert site.rto == pytest.approx(0.25 + 1.0 + 4.0 + 10.0 / 60.0, rel=1e-12)
    assert site.clock["instant_recovery"] == pytest.approx(10.0 / 60.0)


def test_copy_over_the_own_circuit_sets_the_off_site_rpo():
    # RPO after a site loss: the interval plus the backup and the copy of one increment,
    # the copy at the circuit's throughput (rtocalc.physics.link_throughput of 1 Gbit/s
    # and 100 Mbit/s, the repository's 1 GB/s write caps neither)
    inc = physics.increment_size(W.final_size, W.daily_change, 24.0)
    t_b = physics.backup_duration(inc, 3_600.0, 5.0 / 60.0)
    for mbps in (1000.0, 100.0):
        catalog = CATALOG.override({"offsite": {"second_site_copy": {"bandwidth": mbps}}})
        rc = min(3_600.0, physics.link_throughput(mbps, W.data_reduction))
        site = _outcome(evaluate(W, DESIGN, ASK, catalog=catalog), "site")
        expected = physics.rpo_backup(24.0, t_b + physics.transfer_time(inc, rc))
        assert site.rpo == pytest.approx(expected, rel=1e-9)


def test_a_second_site_in_the_region_dies_with_it_unless_placed_outside():
    plan = evaluate(W, DESIGN, ASK)
    assert _outcome(plan, "site").survivors  # the copy lives through a site loss
    region = _outcome(plan, "region")
    assert region.path == "none" and math.isinf(region.rto)
    outside = CATALOG.override({"targets": {"second_site_hardened": {"outside_region": True}}})
    region = _outcome(evaluate(W, DESIGN, ASK, catalog=outside), "region")
    assert region.path == "restore:offsite"
    # regional disaster: 15 min detection, 2 h declaration, 4 h provisioning, instant
    assert region.rto == pytest.approx(0.25 + 2.0 + 4.0 + 10.0 / 60.0, rel=1e-12)


def test_second_site_copy_counts_as_off_site_and_immutable():
    plan = evaluate(W, DESIGN, Requirements(rpo="1 d", rto="1 d", offsite=True, immutable=True))
    assert not any("off-site" in v or "immutable" in v for v in plan.violations)
    ransom = _outcome(plan, "ransomware")
    assert ransom.path == "restore:offsite"  # the hardened repository there survives


def test_default_space_with_the_second_site_and_the_cloud_recovery():
    # 65,244 designs before the second-site copy (one off-site method more: 75,588) and
    # the recovery into the cloud (one strategy more: 81,468)
    retention = load_scenario(EXAMPLES / "default.toml").requirements.retention
    assert len(build_space(CATALOG, retention)) == 81_468
    no_cloud = CATALOG.model_copy(
        update={
            "strategies": {k: v for k, v in CATALOG.strategies.items() if k != "cloud_recovery"}
        }
    )
    assert len(build_space(no_cloud, retention)) == 75_588
    before = no_cloud.model_copy(
        update={"offsite": {k: v for k, v in CATALOG.offsite.items() if k != "second_site_copy"}}
    )
    assert len(build_space(before, retention)) == 65_244


def test_own_site_on_a_cloud_target_is_refused_by_name():
    with pytest.raises(ValueError, match="own_site: given for a target at location 'cloud'"):
        CATALOG.override(
            {
                "targets": {
                    "object_hot": {
                        "own_site": {"server_price": 1.0, "server_usable_gb": "1 TB"}
                    }
                }
            }
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("server_usable_gb", 0.0, "server_usable_gb: 0 must be above 0"),
        ("amortisation_years", 0.0, "amortisation_years: 0 must be above 0"),
    ],
)
def test_own_site_bad_figures_are_named(field, value, message):
    with pytest.raises(ValueError, match=message):
        CATALOG.override(
            {"targets": {"second_site_hardened": {"own_site": {field: value}}}}
        )


_SPACE = build_space(CATALOG, load_scenario(EXAMPLES / "default.toml").requirements.retention)
_PLAIN = [i for i in range(0, len(_SPACE), 97) if _SPACE.design(i, 24.0).offsite is None]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workload=workloads(),
    row=st.sampled_from(_PLAIN),
    interval=st.sampled_from([1.0, 4.0, 24.0]),
)
def test_adding_the_second_site_copy_never_recovers_later(workload, row, interval):
    """With downtime priced alone and no limits the kernel takes the fastest surviving
    path; the copy at the second site only adds one (the chain's scheme set to one the
    hardened repository takes, in both designs)."""
    base = _SPACE.design(row, interval).model_copy(update={"scheme": "synthetic_full"})
    added = base.model_copy(update={"offsite": "second_site_copy"})
    impact = BusinessImpact(downtime_cost="$1,000/h")
    before = evaluate(workload, base, impact=impact)
    after = evaluate(workload, added, impact=impact)
    for b, a in zip(before.by_scenario, after.by_scenario, strict=True):
        assert a.rto <= b.rto * (1 + 1e-12) or (math.isinf(a.rto) and math.isinf(b.rto))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workload=workloads(), interval=st.sampled_from([1.0, 4.0, 24.0]))
def test_no_restore_at_the_second_site_beats_its_share_and_throughput(workload, interval):
    """Physics bound: without instant recovery, a restore there takes at least the lead
    and the scenario's share of the data at the repository's read rate."""
    plan = evaluate(
        workload,
        DESIGN.model_copy(update={"interval": interval}),
        catalog=NO_INSTANT,
        impact=BusinessImpact(),
    )
    scen = {x.name: x for x in BusinessImpact().scenarios}
    for x in plan.by_scenario:
        if x.path != "restore:offsite":
            continue
        s = scen[x.name]
        floor = s.detection + s.decision + s.share * workload.final_size / 3_600.0
        assert x.rto >= floor * (1 - 1e-12)

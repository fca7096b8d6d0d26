"""Protection mechanisms (snapshots, journals, database-native): reference values by hand,
properties, the catalog entries and the input errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from rtocalc import Catalog, Design, Workload, protection
from rtocalc.models import Protection
from strategies import durations, sizes, throughputs

fractions = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)
changes = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


# --- RPO -----------------------------------------------------------------------------------


def test_rpo_of_hourly_local_snapshots_is_the_interval():
    # NetApp ONTAP snapshot schedule: a local snapshot taken every hour loses at most the
    # hour since the last one; nothing crosses a link.
    assert protection.protection_rpo(1.0, 500.0, 0.0, False) == 1.0


def test_rpo_of_a_journal_is_seconds_while_the_link_keeps_up():
    # Zerto VPG overview: a checkpoint every few seconds (10 s here). Peak 50 GB/h over a
    # 1 Gbit/s link (450 GB/h): the newest checkpoint arrives 10 s x 50/450 = 1.11 s later,
    # RPO = 10 x (1 + 1/9) = 11.11 s.
    rpo = protection.protection_rpo(10 / 3600, 50.0, 450.0, True)
    assert rpo * 3600 == pytest.approx(100 / 9)


def test_rpo_of_replicated_snapshots_adds_the_transfer():
    # SnapMirror hourly: a peak hour's change of 225 GB crosses 450 GB/h in 0.5 h,
    # so the newest point at the destination is up to 1.5 h old.
    assert protection.protection_rpo(1.0, 225.0, 450.0, True) == pytest.approx(1.5)


def test_rpo_is_unbounded_where_the_link_cannot_carry_the_peak():
    # Peak 500 GB/h over 450 GB/h: the journal falls behind without bound (Zerto raises RPO
    # alerts); a synchronous replica with a dead link as well.
    assert math.isinf(protection.protection_rpo(10 / 3600, 500.0, 450.0, True))
    assert math.isinf(protection.protection_rpo(0.0, 1.0, 0.0, True))
    assert protection.protection_rpo(0.0, 0.0, 0.0, True) == 0.0  # no writes: no lag


@given(durations(), throughputs(), throughputs())
def test_rpo_never_below_the_interval_and_remote_never_better(interval, peak, link):
    local = protection.protection_rpo(interval, peak, link, False)
    remote = protection.protection_rpo(interval, peak, link, True)
    assert local == interval
    assert remote >= local


def test_rpo_broadcasts():
    out = protection.protection_rpo([1.0, 0.25], [10.0, 900.0], 450.0, [True, True])
    assert out.shape == (2,)
    assert out[0] == pytest.approx(1.0 + 10 / 450) and math.isinf(out[1])


# --- RTO -----------------------------------------------------------------------------------


def test_deleted_folder_in_a_200tb_archive_restores_in_minutes_from_a_snapshot():
    # docs/model.md worked example: 200 TB archive, a deleted 2 GB folder (share 1e-5).
    # A volume revert (SnapRestore) would discard every later write of the archive, so the
    # item path serves: mount 5 min + 2 GB / 1800 GB/h (500 MB/s) = 5 + 0.0667 min.
    rto = protection.protection_rto(1e-5, 200_000.0, 0.01, 2 / 60, 5 / 60, 1800.0, 0.0, 0.0)
    assert rto * 60 == pytest.approx(5.0 + 2.0 / 1800.0 * 60)


def test_whole_volume_corruption_reverts_in_minutes():
    # NetApp 'volume snapshot restore': the volume is replaced in place, the time does not
    # depend on its size: 2 min whatever the 200 TB.
    rto = protection.protection_rto(1.0, 200_000.0, 0.01, 2 / 60, 5 / 60, 1800.0, 0.0, 0.0)
    assert rto == pytest.approx(2 / 60)


def test_one_database_of_a_40tb_estate_to_a_point_in_time():
    # docs/model.md worked example: 40 TB SQL estate, one 400 GB database (share 1%)
    # damaged. SQL Server point-in-time restore: the nightly full of the database
    # (400 GB at 1800 GB/h = 0.2222 h) then up to 24 h of its log (400 GB x 2%/day x 1 d
    # = 8 GB at 180 GB/h = 0.0444 h), after a 10 min start: 0.1667 + 0.2222 + 0.0444 h.
    rto = protection.protection_rto(0.01, 40_000.0, 0.02, np.inf, 1 / 6, 1800.0, 24.0, 180.0)
    assert rto == pytest.approx(1 / 6 + 400 / 1800 + 8 / 180)
    assert rto < 0.5


def test_delayed_replica_replays_its_held_back_log():
    # Data Guard DelayMins 240 / log shipping restore_delay 240 min: the replica holds 4 h
    # of log; 40 TB x 2%/day x 4/24 d = 133.3 GB at 180 GB/h = 0.7407 h, plus 15 min to
    # recover and redirect. It has no item path, so a partial incident takes the same time.
    for share in (0.01, 1.0):
        rto = protection.protection_rto(share, 40_000.0, 0.02, 0.25, np.inf, 0.0, 4.0, 180.0)
        assert rto == pytest.approx(0.25 + 40_000 * 0.02 * 4 / 24 / 180)


def test_no_path_gives_inf_and_a_partial_incident_never_reverts_the_volume():
    assert math.isinf(protection.protection_rto(1.0, 10.0, 0.1, np.inf, np.inf, 1.0, 0.0, 0.0))
    # the item path exists but its pipe is dead: reverting would discard the other
    # items' writes, so the partial incident does not recover that way
    assert math.isinf(protection.protection_rto(0.5, 10.0, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0))
    assert protection.protection_rto(1.0, 10.0, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0) == 0.1


@given(fractions, sizes(), changes, durations(), durations(), throughputs())
def test_item_path_never_faster_than_its_share_allows(share, size, change, revert, mount, item):
    # physics bound: the item path moves share x data at the item throughput
    rto = protection.protection_rto(share, size, change, revert, mount, item, 0.0, 0.0)
    if share < 1.0 and item > 0.0:
        assert rto >= mount + share * size / item * (1 - 1e-12)
    assert rto >= min(revert, mount)


@given(fractions, fractions, sizes(), changes, durations(), durations(), throughputs())
def test_a_larger_share_never_restores_faster(a, b, size, change, revert, mount, item):
    lo, hi = sorted((a, b))
    if hi >= 1.0:
        return  # the whole-data path may be faster for the whole data: not monotone at 1
    f = protection.protection_rto
    assert f(lo, size, change, revert, mount, item, 1.0, 100.0) <= f(
        hi, size, change, revert, mount, item, 1.0, 100.0
    )


# --- survival ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "placement", "immutable", "window", "detection", "expected"),
    [
        # hourly local snapshots kept 7 d: a deletion found after 1 h is covered
        ("logical", "same_storage", False, 168.0, 1.0, True),
        # ... corruption found after 10 days is older than every snapshot
        ("logical", "same_storage", False, 168.0, 240.0, False),
        # the array fails: its snapshots with it
        ("hardware", "same_storage", False, 168.0, 0.1, False),
        # SnapMirror destination at the secondary site: lives through hardware and site
        ("hardware", "secondary_site", False, 168.0, 0.1, True),
        ("site", "secondary_site", False, 168.0, 0.25, True),
        ("region", "secondary_site", False, 168.0, 0.25, False),
        ("region", "other_region", False, 168.0, 0.25, True),
        # log backups on the backup share: the database's storage failing spares them
        ("hardware", "other_storage", False, 168.0, 0.1, True),
        ("site", "other_storage", False, 168.0, 0.1, False),
        # ransomware found after 1 d: only locked points within their window
        ("ransomware", "same_storage", True, 168.0, 24.0, True),
        ("ransomware", "same_storage", True, 12.0, 24.0, False),
        ("ransomware", "secondary_site", False, 720.0, 24.0, False),
        # a replica without delay carries logical damage; a 4 h delay covers damage
        # found within 4 h, not after 5 h
        ("logical", "secondary_site", False, 0.0, 0.0, False),
        ("logical", "secondary_site", False, 4.0, 1.0, True),
        ("logical", "secondary_site", False, 4.0, 5.0, False),
    ],
)
def test_survival_table(scope, placement, immutable, window, detection, expected):
    assert (
        protection.protection_survives(scope, placement, immutable, window, detection)
        is expected
    )


def test_survival_broadcasts_over_scopes():
    scopes = np.array(["logical", "ransomware", "hardware", "site", "region"])
    out = protection.protection_survives(scopes, "secondary_site", False, 24.0, 1.0)
    assert out.tolist() == [True, False, True, True, False]


@given(durations(), durations(), durations())
def test_a_longer_window_never_covers_less(d, w1, w2):
    lo, hi = sorted((w1, w2))
    if protection.window_covers(d, lo):
        assert protection.window_covers(d, hi)


# --- cost ----------------------------------------------------------------------------------


def test_cost_of_a_journal_by_hand():
    # Zerto-like journal on 10 TB, 3%/day, 1 d history at 0.08 USD/GB-month: journal
    # 10,000 x 0.03 x 1 = 300 GB, mirror disks 10,000 GB -> 10,300 x 0.08 = 824 USD/month.
    # Its licence (ESTIMATE 31.25 USD/TB-month x 10 TB = 312.5 USD) is a licence, costed
    # by cost.licence_cost (tests/test_vendor_costs.py), not here.
    cost = protection.protection_cost(10_000.0, 0.03, 24.0, 0.08, True, 0.0, 0.0)
    assert cost == pytest.approx(824.0)


def test_cost_of_a_delayed_replica_includes_its_server():
    # 1 TB database, 2%/day, 4 h delay: 1000 x 0.02 x 4/24 = 3.333 GB of held log plus the
    # 1000 GB copy at 0.08 = 80.267 USD; half of 4,000 USD/month compute = 2,000 USD.
    cost = protection.protection_cost(1000.0, 0.02, 4.0, 0.08, True, 4000.0, 0.5)
    assert cost == pytest.approx((1000 + 1000 * 0.02 * 4 / 24) * 0.08 + 2000.0)


@given(sizes(), changes, durations(), durations())
def test_a_longer_window_never_costs_less(size, change, w1, w2):
    lo, hi = sorted((w1, w2))
    f = protection.protection_cost
    args = (0.08, False, 0.0, 0.0)
    assert f(size, change, lo, *args) <= f(size, change, hi, *args)


# --- the models and the catalog ------------------------------------------------------------


def test_default_catalog_entries_survive_what_their_data_says():
    cat = Catalog.default()
    p = cat.protection
    assert set(p) == {
        "snapshot_local",
        "snapshot_replicated",
        "snapshot_immutable",
        "journal_cdp",
        "sql_log_backup",
        "db_delayed_replica",
    }
    for key, entry in p.items():
        assert entry.source and entry.date, key
    j = p["journal_cdp"]
    assert j.interval * 3600 == pytest.approx(10.0) and j.window == 24.0  # Zerto 1 h..30 d
    assert 1.0 <= j.window <= 30 * 24
    assert p["db_delayed_replica"].window == 4.0 and p["db_delayed_replica"].database_only
    assert not p["snapshot_local"].database_only


def test_workload_kind_and_design_protection_round_trip():
    w = Workload(data_size="40 TB", kind="database")
    assert w.kind == "database" and Workload(data_size="1 TB").kind == "server"
    d = Design(interval="24 h", target="local_disk", protection="snapshot_local")
    assert Design.model_validate_json(d.model_dump_json()) == d
    assert Design(interval="24 h", target="local_disk").protection is None


def test_bad_workload_kind_is_named():
    with pytest.raises(ValidationError, match="kind"):
        Workload(data_size="1 TB", kind="mainframe")


def _entry(**changes):
    base = {
        "kind": "snapshot",
        "interval": "1 h",
        "window": "7 d",
        "placement": "same_storage",
        "revert_time": "2 min",
        "source": "test",
        "date": "2026-12-05",
    }
    return {**base, **changes}


def test_protection_needs_a_path():
    with pytest.raises(ValidationError, match="revert_time and mount_time are both None"):
        Protection.model_validate(_entry(revert_time=None))


def test_item_path_needs_a_throughput():
    with pytest.raises(ValidationError, match=r"item_throughput: 0\.0 must be positive"):
        Protection.model_validate(_entry(mount_time="5 min"))


def test_replay_needs_a_rate():
    with pytest.raises(ValidationError, match="replay_rate"):
        Protection.model_validate(_entry(replay_span="1 d"))


def test_database_native_entries_must_say_so():
    with pytest.raises(ValidationError, match="database_only: False for a 'log_backup'"):
        Protection.model_validate(_entry(kind="log_backup"))


def test_immutable_needs_a_window():
    with pytest.raises(ValidationError, match="immutable: True with window = 0"):
        Protection.model_validate(_entry(immutable=True, window="0 h"))


def test_bad_placement_is_named():
    with pytest.raises(ValidationError, match="placement"):
        Protection.model_validate(_entry(placement="moon"))


def test_catalog_override_adds_an_entry():
    cat = Catalog.default().override({"protection": {"snap_30d": _entry(window="30 d")}})
    assert cat.protection["snap_30d"].window == 720.0


@given(fractions, sizes(), changes, durations(), durations(), throughputs(), durations())
def test_rto_parts_add_up_and_name_one_path(share, size, change, revert, mount, item, span):
    args = (share, size, change, revert, mount, item, span, 180.0)
    parts = protection.protection_rto_parts(*args)
    total = protection.protection_rto(*args)
    assert sum(parts.values()) == total or math.isinf(total)
    assert parts["revert"] == 0.0 or (parts["mount"] == 0.0 and parts["transfer"] == 0.0)


def test_journal_typical_incident_takes_longer_than_the_worst():
    """docs/model.md section 15 (issue 12, item 6): journal_cdp on 10 TB, a 2 % incident
    copies 200 GB at 100 MB/s (360 GB/h) after a 10 min mount: 10 + 33.3 min; the whole
    data rewinds the journal in 10 min, which a partial incident must not (it would
    discard every later write of everything else)."""
    j = Catalog.default().protection["journal_cdp"]
    args = (10_000.0, 0.03, j.revert_time, j.mount_time, j.item_throughput, 0.0, 0.0)
    typical = protection.protection_rto(0.02, *args)
    worst = protection.protection_rto(1.0, *args)
    assert typical == pytest.approx(10 / 60 + 200 / 360, rel=1e-12)
    assert worst == pytest.approx(10 / 60, rel=1e-12)
    assert typical > worst

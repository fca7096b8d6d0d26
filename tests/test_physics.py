"""Reference values for the recovery physics, computed by hand from their sources."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtocalc import physics

finite = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


def test_restore_2tb_over_1gbit():
    # 2 TB = 2000 GB (decimal, IEC 80000-13); 1 Gbit/s = 1000 Mbit/s x 0.45 GB/h per Mbit/s
    # = 450 GB/h; NIST SP 800-34 Rev.1 sec. 3.4.2: restore time = data / throughput
    # -> 2000 / 450 = 4.444 h (4 h 27 min).
    rate = physics.link_throughput(1000.0)
    assert rate == pytest.approx(450.0)
    assert physics.rto_restore(2000.0, rate) == pytest.approx(4.4444444, rel=1e-6)


def test_archive_retrieval_delay_adds_to_restore():
    # AWS S3 User Guide, "Archive retrieval options": Glacier Deep Archive standard
    # retrieval completes within 12 hours. 1 TB read at 500 MB/s = 1800 GB/h after the
    # thaw: 12 h + 1000/1800 h + detection 15 min = 12.8056 h.
    rto = physics.rto_restore(1000.0, 1800.0, detection=0.25, retrieval_delay=12.0)
    assert rto == pytest.approx(12.0 + 1000.0 / 1800.0 + 0.25)


def test_rpo_backup_worst_and_mean():
    # NIST SP 800-34: worst loss = interval + time until the point is usable
    assert physics.rpo_backup(4.0, 0.5) == 4.5
    assert physics.rpo_backup(4.0, 0.5, 168.0) == 172.5
    assert physics.rpo_backup(4.0, 0.5, case="mean") == 2.5
    with pytest.raises(ValueError, match="case: 'best'"):
        physics.rpo_backup(4.0, 0.5, case="best")


def test_async_replication_backlog_by_hand():
    # 4 TB at 3 %/day = 120 GB/day; peak 15 GB/h (120 GB within 8 h); a 10 GB/h link:
    # backlog after the burst (15 - 10) x 120 / 15 = 40 GB, drained in 40 / 10 = 4 h.
    assert physics.rpo_async_replication(120.0, 15.0, 10.0, 0.0) == pytest.approx(4.0)
    # a link faster than the peak only has the base lag
    assert physics.rpo_async_replication(120.0, 15.0, 20.0, 0.01) == pytest.approx(0.01)
    # slower than the 5 GB/h average: unbounded
    assert math.isinf(physics.rpo_async_replication(120.0, 15.0, 4.9))
    # no change at all needs no link
    assert physics.rpo_async_replication(0.0, 0.0, 0.0, 0.0) == 0.0


def test_sync_replication_needs_peak_and_distance():
    assert physics.rpo_sync_replication(50.0, 450.0, 40.0, 100.0) == 0.0
    assert math.isinf(physics.rpo_sync_replication(50.0, 450.0, 140.0, 100.0))
    assert math.isinf(physics.rpo_sync_replication(500.0, 450.0, 40.0, 100.0))


def test_min_interval_and_boundary_by_hand():
    # D = 4000 GB, c = 3 %/day, R = 1800 GB/h, overhead 0.1 h:
    # k c / 24 = (4000/1800) x 0.03 / 24 = 0.0027778 -> I_min = 0.1 / (1 - 0.0027778)
    i_min = physics.min_backup_interval(4000.0, 0.03, 1800.0, 0.1)
    assert i_min == pytest.approx(0.1 / (1 - 4000 / 1800 * 0.03 / 24))
    # at I_min the job exactly fills the interval
    dur = physics.backup_duration(physics.increment_size(4000.0, 0.03, i_min), 1800.0, 0.1)
    assert dur == pytest.approx(i_min)
    # the boundary for RPO 4 h: I (1 + 0.0027778) + 0.1 = 4
    i_star = physics.max_interval_for_rpo(4.0, 4000.0, 0.03, 1 / 1800.0, 0.1)
    assert i_star == pytest.approx(3.9 / (1 + 4000 * 0.03 / 24 / 1800))


def test_scalar_in_scalar_out_and_broadcast():
    assert isinstance(physics.transfer_time(1.0, 2.0), float)
    out = physics.transfer_time([0.0, 10.0, 10.0], [0.0, 0.0, 5.0])
    np.testing.assert_array_equal(out, [0.0, np.inf, 2.0])
    grid = physics.rto_restore(np.array([[1000.0], [2000.0]]), np.array([100.0, 200.0]))
    assert grid.shape == (2, 2)


@given(rpo=positive, d=positive, c=st.floats(0.0, 1.0), r=positive, o=st.floats(0.0, 2.0))
def test_boundary_meets_rpo_exactly(rpo, d, c, r, o):
    """The solved interval reaches the RPO target (or no interval can)."""
    i_star = physics.max_interval_for_rpo(rpo, d, c, 1.0 / r, o)
    if i_star <= 0:
        # only a job overhead that alone exceeds the target leaves no interval
        assert o >= rpo * (1 - 1e-9)
        return
    dur = physics.backup_duration(physics.increment_size(d, c, i_star), r, o)
    assert physics.rpo_backup(i_star, dur) == pytest.approx(rpo, rel=1e-9, abs=1e-9)


@given(d=positive, r=positive, extra=positive)
def test_no_restore_beats_physics(d, r, extra):
    """Whatever is added, a restore never takes less than data / throughput."""
    assert physics.rto_restore(d, r, detection=extra) >= d / r * (1 - 1e-12)


@given(d=finite, c=st.floats(0.0, 1.0), i1=positive, i2=positive)
def test_increment_monotone_in_interval(d, c, i1, i2):
    lo, hi = sorted((i1, i2))
    assert physics.increment_size(d, c, lo) <= physics.increment_size(d, c, hi) + 1e-9


# --- issue 13 item 6: tape drive hours and library slots -----------------------------------


def test_tape_drives_by_hand():
    # LTO-9 full-height drive: 400 MB/s native (itjungle.com 2021-09-08) = 1,440 GB/h.
    # A 5,184 GB full takes 3.6 drive hours: one drive in a 12 h window.
    assert physics.tape_drives(5184.0, 1440.0, 12.0) == 1.0
    # 4.96 PB in one 84 h week of nightly windows needs 4,960,000 / 1,440 = 3,444 drive
    # hours -> ceil(3,444.4 / 84) = 42 drives, not the one drive of an autoloader (issue 13)
    assert physics.tape_drives(4.96e6, 1440.0, 84.0) == 42.0
    # exactly a window's worth needs exactly one drive (no rounding up past it)
    assert physics.tape_drives(1440.0 * 12.0, 1440.0, 12.0) == 1.0
    # nothing to write still needs the one drive that reads restores
    assert physics.tape_drives(0.0, 1440.0, 12.0) == 1.0


def test_tape_slots_by_hand():
    # LTO-9: 18 TB native per cartridge (LTO Program, 2020-09-09); 105 TB -> 6 cartridges
    assert physics.tape_slots(105000.0, 18000.0) == 6.0
    assert physics.tape_slots(36000.0, 18000.0) == 2.0  # exactly two cartridges
    assert physics.tape_slots(0.0, 18000.0, spare=2) == 2.0


def test_growth_factor_by_hand():
    # compound growth (1 + g)^T: 20 % a year for 3 years is 1.2^3 = 1.728 (the default
    # example's 6 TB are sized at 10.368 TB at the horizon)
    assert physics.growth_factor(0.2, 3.0) == pytest.approx(1.728, rel=1e-15)
    assert physics.growth_factor(0.0, 40.0) == 1.0


@given(
    g=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    years=st.floats(min_value=0.0, max_value=30.0, allow_nan=False),  # 50 GB stays < 1e6 PB
)
def test_growth_factor_gives_a_scalar_the_bits_of_each_element(g, years):
    """One workload and the same workload on every row size the data alike, bit for bit,
    on every SIMD target: a test of the space (one workload or one per row) found numpy's
    AVX-512 power and Python's ``**`` one ulp apart (50 GB at 1 %/year for 3 years)."""
    from rtocalc import Workload
    from rtocalc.space import WorkloadColumns

    many = physics.growth_factor(np.full(5, g), np.full(5, years))
    assert np.all(many == physics.growth_factor(g, years))
    w = Workload(data_size="50 GB", annual_growth=g, horizon=years)
    assert WorkloadColumns.of([w, w]).final_size.tolist() == [w.final_size] * 2

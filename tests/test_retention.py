"""Retention storage: hand-computed references, a literal day-by-day simulator, properties.

The closed form in :mod:`rtocalc.retention` is checked three ways:

1. reference values computed by hand from the Veeam user guide and from the logic of
   Timothy Dewin's Restore Point Simulator (https://github.com/tdewin/rps,
   ``pureengine.js``), with the arithmetic in the comments;
2. ``tests/data/retention_reference.csv``, a table of cases produced by the independent
   simulator below (and a few by hand);
3. hypothesis properties, the most important being that the literal simulator agrees with
   the closed form for random (scheme, points, full period, weekly GFS, change) designs.

Block-cloned GFS fulls store the unique change since the next newer kept point,
:func:`rtocalc.retention.unique_change`. The library defaults to RPS's empirical ReFS
table (``gfs_change_method="rps"``); the block-level simulator below changes random,
independent blocks, so every comparison with it uses ``gfs_change_method="independent"``
(the model of that simulator); those comparisons check the counting logic.

The simulator (:func:`simulate`) is test-only code. It steps one restore point at a
time and applies the rules literally: a forward chain is deleted only when every point
in it is out of retention (retention checked after each job); forever forward merges the
oldest increment into the full; reverse drops its oldest reverse increment; weekly GFS
flags go on the first full of each week (periodic schemes) or on the point of the GFS
day (forever schemes, RPS's backup-copy model) and live ``7 * weekly`` days; a flagged
full whose chain is deleted stays as a long-term file. With ``blocks > 0`` it also tracks
every block version on a block-clone target and measures the union of the versions that
the kept files reference.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rtocalc.retention import (
    GFS_CHANGE_METHODS,
    SCHEMES,
    StorageEstimate,
    gfs_nesting,
    retention_columns,
    retention_storage,
    unique_change,
)
from strategies import gfs_calendars, retention_policies

REFERENCE_CSV = Path(__file__).parent / "data" / "retention_reference.csv"

# ---------------------------------------------------------------------------------------
# Literal simulator (test-only)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worst:
    """Worst moment found by the simulator, sizes in fulls (one full = 1.0)."""

    stored: float
    fulls: int
    increments: int
    extras: int


def simulate(
    scheme: str,
    points: int,
    full_every: int = 7,
    weekly: int = 0,
    change: float = 0.05,
    *,
    week: int = 7,
    blocks: int = 0,
    seed: int = 0,
) -> Worst:
    """Run a retention policy point by point and return its worst moment.

    ``full_every`` and ``week`` are in restore points (``week`` = points per 7 days).
    Sizes are in units of one full; an increment is ``change`` of a full. With
    ``blocks > 0`` and a scheme other than active_full, storage is the number of distinct
    block versions referenced by the kept files (block-clone target), divided by
    ``blocks``; each point changes ``round(change * blocks)`` blocks chosen at random.
    """
    periodic = scheme in ("synthetic_full", "active_full")
    if scheme == "backup_copy":  # a forever forward chain; GFS fulls outside it (RPS style 3)
        scheme = "forever_forward"
    f = full_every if periodic else 1
    cycle = math.lcm(week, f)
    horizon = week * weekly + points + f + 2 * cycle + week + 2
    clone = blocks > 0 and scheme != "active_full"

    rng = np.random.default_rng(seed)
    m = round(change * blocks)
    state = np.arange(blocks, dtype=np.int64)
    next_id = blocks
    snap: dict[int, np.ndarray] = {}
    new_ids: dict[int, np.ndarray] = {}
    changed: dict[int, np.ndarray] = {}

    chain: list[tuple[int, str, int]] = []  # (point, kind F/I/R, chain id), oldest first
    flags: dict[int, int] = {}  # flagged point -> time of flag assignment
    flagged_weeks: set[int] = set()
    extras: set[int] = set()  # long-term fulls kept outside the chain
    left: list[int] = []  # flagged points merged out of a forever chain, oldest first
    best: tuple[float, int, Worst] | None = None

    for t in range(horizon):
        if clone and t > 0:
            idx = rng.choice(blocks, size=m, replace=False)
            ids = np.arange(next_id, next_id + m, dtype=np.int64)
            next_id += m
            state[idx] = ids
            new_ids[t], changed[t] = ids, idx
        if clone:
            snap[t] = state.copy()

        # 1. the job creates the restore point of time t
        if scheme == "forever_forward":
            chain.append((t, "F" if t == 0 else "I", 0))
        elif scheme == "reverse":
            chain = [(d, "R", 0) for d, _, _ in chain] + [(t, "F", 0)]
        else:
            chain.append((t, "F" if t % f == 0 else "I", t // f))

        # 2. weekly GFS flag
        if weekly:
            if periodic:
                if t % f == 0 and t // week not in flagged_weeks:
                    flags[t] = t
                    flagged_weeks.add(t // week)
            elif t % week == 0:
                flags[t] = t

        def alive(d: int, now: int = t) -> bool:
            return d in flags and now - flags[d] < week * weekly

        # 3. retention, checked after the job
        if scheme == "forever_forward":
            while len(chain) > points:  # merge the oldest increment into the full
                if chain[0][0] in flags:
                    left.append(chain[0][0])  # GFS copy left behind (RPS mergeVBK)
                chain[0:2] = [(chain[1][0], "F", 0)]
        elif scheme == "reverse":
            while len(chain) > points:  # drop the oldest reverse increment
                d = chain.pop(0)[0]
                if d in flags:
                    left.append(d)
        else:  # a chain goes only when none of its points is in retention
            kept_chains = {cid for _, _, cid in chain[-points:]}
            survivors = []
            for d, kind, cid in chain:
                if cid in kept_chains:
                    survivors.append((d, kind, cid))
                elif kind == "F" and alive(d):
                    extras.add(d)  # flagged full outlives its increments
            chain = survivors
        if periodic:
            extras = {d for d in extras if alive(d)}
        else:  # RPS recalcPointIDs: the W newest GFS fulls outside the chain are kept
            extras = set(left[-weekly:]) if weekly else set()

        # 4. measure
        fulls = sum(kind == "F" for _, kind, _ in chain)
        incs = len(chain) - fulls
        if clone:
            used = np.zeros(next_id, dtype=bool)
            for d, kind, _ in chain:
                if kind == "F":
                    used[snap[d]] = True
                elif kind == "I":
                    used[new_ids[d]] = True
                else:  # reverse increment: old versions of the blocks changed next point
                    used[snap[d][changed[d + 1]]] = True
            for d in extras:
                used[snap[d]] = True
            stored = float(used.sum()) / blocks
        else:
            stored = fulls + incs * change + len(extras)
        key = (round(stored, 12), len(chain))
        if best is None or key > best[:2]:
            best = (*key, Worst(stored, fulls, incs, len(extras)))
    assert best is not None
    return best[2]


def closed(
    scheme: str,
    points: int,
    full_every: int = 7,
    weekly: int = 0,
    change: float = 0.05,
    *,
    week: int = 7,
    block_clone: bool = False,
) -> StorageEstimate:
    """The closed form for the simulator's inputs (D = r = 1, so one full = 1 GB).

    Block-cloned GFS fulls use ``gfs_change_method="independent"``: the simulator changes
    random blocks independently, which is what that model describes.
    """
    interval = 168.0 / week
    return retention_storage(
        1.0,
        daily_change=change * 24.0 / interval,
        scheme=scheme,
        points=points,
        interval=interval,
        full_every=full_every * interval / 24.0,
        weekly=weekly,
        block_clone=block_clone,
        gfs_change_method="independent",
    )


def exact_case(scheme: str, full_every: int, weekly: int, week: int) -> bool:
    """Cases the closed form reproduces exactly (else it is a conservative bound)."""
    return (
        weekly == 0
        or scheme in ("forever_forward", "reverse", "backup_copy")
        or full_every in (1, week)
    )


# ---------------------------------------------------------------------------------------
# 1. Hand-computed references
# ---------------------------------------------------------------------------------------


def test_weekly_full_14_daily_points_peaks_at_3_fulls_17_increments():
    # Veeam UG "Forward Incremental Backup Retention Policy": a chain is removed only
    # after its last increment is outdated. RPS pureengine.js recalcPointIDs: points
    # beyond simplePoints are kept while they share the parent full of the oldest kept
    # point. Worst moment: the 14th newest point is the last of a 7-point chain, so
    # N = 14 + 7 - 1 = 20 points, F = ceil(20/7) = 3 fulls, 17 increments.
    # 1 TB, 5 %/day, 2:1 -> full 500 GB, increment 25 GB: 3*500 + 17*25 = 1925 GB.
    for scheme in ("synthetic_full", "active_full"):
        est = retention_storage(
            1000.0, daily_change=0.05, data_reduction=2.0, scheme=scheme, points=14
        )
        assert (est.fulls, est.increments) == (3.0, 17.0)
        assert est.stored_gb == pytest.approx(1925.0)
        assert est.long_term_gb == 0.0
        assert simulate(scheme, 14, 7) == pytest.approx(Worst(3.85, 3, 17, 0))


def test_veeam_user_guide_example_three_points_chain_of_four():
    # Veeam UG "Forward Incremental Backup Retention Policy" example: 3 restore points,
    # full on Sunday, increments Mon-Wed, next full Thursday; the first chain is deleted
    # on Saturday, so on Friday the disk holds Sun..Fri = 6 points, 2 fulls + 4 incs.
    # As a periodic chain of 4 points: N = 3 + 4 - 1 = 6, F = ceil(6/4) = 2.
    # 1 TB, 5 %, 2:1: 2*500 + 4*25 = 1100 GB.
    est = retention_storage(
        1000.0,
        daily_change=0.05,
        data_reduction=2.0,
        scheme="synthetic_full",
        points=3,
        full_every=4.0,
    )
    assert (est.fulls, est.increments, est.stored_gb) == (2.0, 4.0, pytest.approx(1100.0))


def test_forever_forward_keeps_one_full():
    # Veeam UG "Forever Forward Incremental Backup Retention Policy" and RPS mergeVBK:
    # the oldest increment is merged into the full, so 14 points = 1 full + 13 incs.
    # 500 + 13*25 = 825 GB.
    est = retention_storage(1000.0, daily_change=0.05, data_reduction=2.0, points=14)
    assert (est.fulls, est.increments, est.stored_gb) == (1.0, 13.0, pytest.approx(825.0))


def test_reverse_incremental_keeps_newest_full():
    # Veeam UG "Reverse Incremental Backup Retention Policy": the earliest reverse
    # increment is deleted as soon as it is outdated; RPS style 2 keeps one vbk (the
    # newest point) + vrb files sized like increments. 14 points: 500 + 13*25 = 825 GB.
    est = retention_storage(
        1000.0, daily_change=0.05, data_reduction=2.0, scheme="reverse", points=14
    )
    assert (est.fulls, est.increments, est.stored_gb) == (1.0, 13.0, pytest.approx(825.0))


def test_gfs_total_without_block_clone():
    # 1 TB, 5 %, 2:1, 14 daily, weekly synthetic full, GFS 4 weekly, 12 monthly, 7 yearly.
    # Veeam UG "Long-Term Retention Policy (GFS)": GFS flags go on fulls of the chain and
    # one file carries several flags. Short-term: 3*500 + 17*25 = 1925 GB (above).
    # Weekly: 3 of the 4 weekly fulls are the chain's fulls -> 1 extra.
    # Monthly: lower tiers reach L_W = max(14, 7*4) = 28 days < one month (30.42 d):
    #   at the worst phase no monthly is also a weekly -> 12 extra.
    # Yearly: L_M = max(28, 12 * 365/12) = 365 d -> floor(365/365) = 1 yearly is also a
    #   monthly -> 6 extra.  Long-term: (1 + 12 + 6) * 500 = 9500 GB; total 11425 GB.
    est = retention_storage(
        1000.0,
        daily_change=0.05,
        data_reduction=2.0,
        scheme="synthetic_full",
        points=14,
        weekly=4,
        monthly=12,
        yearly=7,
    )
    assert est.gfs_points == 19.0
    assert est.long_term_gb == pytest.approx(9500.0)
    assert est.stored_gb == pytest.approx(11425.0)


GFS_POLICY = dict(
    daily_change=0.05,
    data_reduction=2.0,
    scheme="synthetic_full",
    points=14,
    weekly=4,
    monthly=12,
    yearly=7,
    block_clone=True,
)


def test_gfs_total_with_block_clone_rps_table():
    # Same policy on ReFS/XFS Fast Clone (Veeam UG "Fast Clone": synthetic fulls and GFS
    # fulls reference blocks already on disk). RPS LinkReFS links a fast-cloned synthetic
    # full to the previous restore point, so it costs one increment:
    #   chain = 500 * (1 + (N - 1) * 0.05).
    # A cloned GFS full holds the blocks changed since the next kept point; RPS
    # pureengine.js refsdiffperct (refsMethod 4, the default), c = 5 %: d = 7 < 14 -> 3c
    # = 0.15; d = 365/12 < 38 -> 5c = 0.25; d = 365 < 379 -> 18c = 0.90.
    # Junction rule (docs/retention.md): the first monthly point beyond the weekly cover
    # (28 d) is g = 365/12 - 28 = 2.417 d older than the oldest weekly point; it costs
    # min(u(m), g * u(7)/7), the finer tier's cost per day over the gap: 0.0517857.
    # The first yearly point beyond the monthly cover (365 d) is a year older than it:
    # min(u(365), 365 * u(m)/m) = 0.9.
    # Phase j = f (N=20, F=3, 1 weekly extra):
    #   975 + 500 * (0.15 + 0.0517857 + 11*0.25 + 6*0.9) = 975 + 4175.893 = 5150.893 GB
    # Phase just before the 3rd full (N=14, F=2, 2 weekly extras):
    #   825 + 500 * (0.30 + 0.0517857 + 2.75 + 5.4) = 825 + 4250.893 = 5075.893 GB
    # The weekly point (3c = 0.15 of a full) costs less than the six increments it
    # replaces (6c = 0.30), so the longest chain is the worst moment.
    first_monthly = (365 / 12 - 28) * 0.15 / 7
    expected = 975 + 500 * (0.15 + first_monthly + 11 * 0.25 + 6 * 0.9)
    assert expected == pytest.approx(5150.8929, abs=1e-4)
    est = retention_storage(1000.0, **GFS_POLICY)
    assert est.stored_gb == pytest.approx(expected, rel=1e-12)
    assert (est.fulls, est.increments, est.gfs_points) == (3.0, 17.0, 19.0)
    assert est.short_term_gb == pytest.approx(975.0)
    assert est.long_term_gb == pytest.approx(expected - 975.0)
    assert retention_storage(1000.0, gfs_change_method="rps", **GFS_POLICY) == est


def test_gfs_total_with_block_clone_independent_changes():
    # The same policy with independent daily block changes, u(k) = 1 - 0.95**k:
    #   u(7) = 0.3016627, u(365/12) = 0.78984, u(365) = 1 - 7.4e-9; the first monthly
    #   point beyond the weekly cover costs (365/12 - 28) * u(7) / 7 = 0.104151.
    # Phase j = f (N=20, F=3, 1 weekly extra):
    #   975 + 500 * (u7 + u_first + 11 u_M + 6 u_Y)
    # Phase just before the 3rd full (N=14, F=2, 2 weekly extras):
    #   825 + 500 * (2 u7 + u_first + 11 u_M + 6 u_Y)   <- larger by 500 u7 - 150 = 0.83 GB
    u7 = 1 - 0.95**7
    first = (365 / 12 - 28) * u7 / 7
    um = 1 - 0.95 ** (365 / 12)
    uy = 1 - 0.95**365
    expected = 825 + 500 * (2 * u7 + first + 11 * um + 6 * uy)
    assert expected == pytest.approx(8523.18, abs=0.01)
    est = retention_storage(1000.0, gfs_change_method="independent", **GFS_POLICY)
    assert est.stored_gb == pytest.approx(expected, rel=1e-12)
    assert (est.fulls, est.increments, est.gfs_points) == (2.0, 12.0, 20.0)
    assert est.short_term_gb == pytest.approx(825.0)


def test_gfs_change_method_matters_only_with_block_clone():
    # Without Fast Clone every GFS full costs a whole full whatever the change model;
    # active fulls are never cloned either.
    plain = {**GFS_POLICY, "block_clone": False}
    a = retention_storage(1000.0, gfs_change_method="rps", **plain)
    b = retention_storage(1000.0, gfs_change_method="independent", **plain)
    assert a == b
    assert a.stored_gb == pytest.approx(11425.0)
    active = {**GFS_POLICY, "scheme": "active_full"}
    a = retention_storage(1000.0, gfs_change_method="rps", **active)
    b = retention_storage(1000.0, gfs_change_method="independent", **active)
    assert a == b


def test_core_gfs_change_defaults_follow_the_method():
    # The core's default gfs_change_* are unique_change over each tier's period: 7,
    # 365/12, 3 * 365/12 and 365 days. Explicit fractions equal to them give the same
    # storage; a larger weekly fraction costs more on every weekly point outside the
    # chain (1 here: 3 of 4 weekly points are the chain's fulls) and raises the finer
    # tier's rate that prices the first monthly point beyond the weekly cover.
    kw = dict(
        data_reduction=2.0,
        scheme_code="synthetic_full",
        points=14,
        weekly=4,
        monthly=12,
        quarterly=2,
        yearly=7,
        block_clone=True,
    )
    for method in GFS_CHANGE_METHODS:
        explicit = retention_columns(
            1000.0,
            0.05,
            gfs_change_weekly=unique_change(7.0, 0.05, method=method),
            gfs_change_monthly=unique_change(365.0 / 12.0, 0.05, method=method),
            gfs_change_quarterly=unique_change(365.0 / 4.0, 0.05, method=method),
            gfs_change_yearly=unique_change(365.0, 0.05, method=method),
            gfs_change_method=method,
            **kw,
        )
        default = retention_columns(1000.0, 0.05, gfs_change_method=method, **kw)
        assert float(explicit.stored_gb) == pytest.approx(float(default.stored_gb), rel=1e-12)
        assert np.array_equal(default.fulls, explicit.fulls)
    base = retention_columns(1000.0, 0.05, gfs_change_weekly=0.15, **kw)
    more = retention_columns(1000.0, 0.05, gfs_change_weekly=0.20, **kw)
    # weekly extra +0.05 of 500 GB; first monthly (365/12 - 28) days at +0.05/7 per day
    added = 500.0 * (0.05 + (365.0 / 12.0 - 28.0) * 0.05 / 7.0)
    assert float(more.stored_gb - base.stored_gb) == pytest.approx(added)


def test_active_fulls_are_not_cloned():
    # Veeam UG "Fast Clone" lists merges, synthetic fulls (incl. GFS), reverse transforms
    # and compacts; an active full reads all data from production into a new file. So an
    # active-full chain on ReFS/XFS stores as much as on NTFS: 1925 GB + 1 weekly 500.
    kw = dict(daily_change=0.05, data_reduction=2.0, scheme="active_full", points=14, weekly=4)
    assert retention_storage(1000.0, block_clone=True, **kw) == retention_storage(1000.0, **kw)
    assert retention_storage(1000.0, block_clone=True, **kw).stored_gb == pytest.approx(2425.0)


def test_growth_sizes_every_point_at_its_date():
    # 1 TB growing 20 %/year for 3 years: G = 1.2**3 = 1.728 at the end of the horizon; a
    # point a days older is 1.728 * 1.2**(-a/365) (RPS getSourceSize compounds
    # (1 + growth)^(days/365) from the start date; issue 14 G1). Forever forward, 14
    # points: the full is merged up to the oldest point (13 days old), the increments are
    # 0..12 days old: 500 * 1.728 * (rho**13 + 0.05 * sum(rho**a, a = 0..12)).
    rho = 1.2 ** (-1 / 365)
    chain = 500 * 1.728 * (rho**13 + 0.05 * sum(rho**a for a in range(13)))
    assert chain == pytest.approx(1418.328, abs=1e-3)
    kw = dict(daily_change=0.05, data_reduction=2.0, points=14, annual_growth=0.2, years=3.0)
    est = retention_storage(1000.0, **kw)
    assert est.stored_gb == pytest.approx(chain, rel=1e-12)
    # + 7 yearly GFS fulls outside the chain; yearly point j is aged (j + 1) years plus
    # the finer periods (7 + 365/12 + 365/4 days) plus one interval, counted from the
    # newest point: its place on the GFS ladder, which the chain's length never ages
    # (docs/retention.md, *Growth*; RPS would put it behind the chain's 14 points),
    # extrapolated backwards past the start of the horizon (issue 14 G3).
    m = 365 / 12
    yearly = 500 * 1.728 * sum(rho ** (365 * (j + 1) + 7 + m + 3 * m + 1) for j in range(7))
    est = retention_storage(1000.0, yearly=7, **kw)
    assert est.long_term_gb == pytest.approx(yearly, rel=1e-12)
    assert est.stored_gb == pytest.approx(chain + yearly, rel=1e-12)
    # reverse incremental: the newest full at the end size, reverse increments 1..13 days
    rev = 500 * 1.728 * (1 + 0.05 * sum(rho**a for a in range(1, 14)))
    assert retention_storage(1000.0, scheme="reverse", **kw).stored_gb == pytest.approx(rev)


def test_points_equal_to_one_and_daily_fulls():
    # p = 1, weekly full: the chain holds its whole week: N = 7, F = 1 -> 500 + 6*25.
    est = retention_storage(
        1000.0, daily_change=0.05, data_reduction=2.0, scheme="synthetic_full", points=1
    )
    assert (est.fulls, est.increments, est.stored_gb) == (1.0, 6.0, pytest.approx(650.0))
    # full every day: every point is a full, N = p -> 10 * 500.
    est = retention_storage(
        1000.0,
        daily_change=0.05,
        data_reduction=2.0,
        scheme="active_full",
        points=10,
        full_every=1.0,
    )
    assert (est.fulls, est.increments, est.stored_gb) == (10.0, 0.0, pytest.approx(5000.0))
    # forever schemes ignore full_every
    a = retention_storage(1000.0, daily_change=0.05, points=5, full_every=1.0)
    b = retention_storage(1000.0, daily_change=0.05, points=5, full_every=30.0)
    assert a == b


def test_interval_sets_points_per_full_and_change_per_point():
    # 12-hour points: change per point 0.05 * 12/24 = 0.025; weekly full = 14 points.
    # 28 points: N = 28 + 14 - 1 = 41, F = ceil(41/14) = 3 -> 3*500 + 38*12.5 = 1975 GB.
    est = retention_storage(
        1000.0,
        daily_change=0.05,
        data_reduction=2.0,
        scheme="synthetic_full",
        points=28,
        interval=12.0,
    )
    assert (est.fulls, est.increments, est.stored_gb) == (3.0, 38.0, pytest.approx(1975.0))


# ---------------------------------------------------------------------------------------
# 2. Cross-check table
# ---------------------------------------------------------------------------------------


def _reference_rows() -> list[dict[str, str]]:
    with REFERENCE_CSV.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _run_row(row: dict[str, str]) -> StorageEstimate:
    return retention_storage(
        float(row["data_size"]),
        daily_change=float(row["daily_change"]),
        data_reduction=float(row["data_reduction"]),
        scheme=row["scheme"],
        points=int(row["points"]),
        interval=float(row["interval"]),
        full_every=(
            row["full_every"]
            if row["full_every"] in ("weekly", "monthly")
            else float(row["full_every"])
        ),
        weekly=int(row["weekly"]),
        monthly=int(row["monthly"]),
        yearly=int(row["yearly"]),
        block_clone=row["block_clone"] == "true",
        annual_growth=float(row["annual_growth"]),
        years=float(row["years"]),
        gfs_change_method=row["gfs_change_method"],
    )


def test_reference_table_has_enough_cases():
    rows = _reference_rows()
    assert len(rows) >= 8
    assert sum(r["source"].startswith("simulator") for r in rows) >= 8


@pytest.mark.parametrize("row", _reference_rows(), ids=lambda r: r["case"])
def test_reference_table(row: dict[str, str]):
    est = _run_row(row)
    assert est.stored_gb == pytest.approx(float(row["stored_gb"]), rel=1e-9)
    assert est.fulls == float(row["fulls"])
    assert est.increments == float(row["increments"])


@pytest.mark.parametrize(
    "row",
    [r for r in _reference_rows() if r["source"].startswith("simulator")],
    ids=lambda r: r["case"],
)
def test_reference_table_simulator_rows_reproduce(row: dict[str, str]):
    # the table's simulator rows are regenerated here, so the table cannot drift
    week = round(168.0 / float(row["interval"]))
    per_point = float(row["daily_change"]) * float(row["interval"]) / 24.0
    worst = simulate(
        row["scheme"],
        int(row["points"]),
        max(1, round(float(row["full_every"]) * 24.0 / float(row["interval"]))),
        int(row["weekly"]),
        per_point,
        week=week,
    )
    full = float(row["data_size"]) / float(row["data_reduction"])
    assert worst.stored * full == pytest.approx(float(row["stored_gb"]), rel=1e-9)
    assert (worst.fulls, worst.increments) == (int(row["fulls"]), int(row["increments"]))


# ---------------------------------------------------------------------------------------
# 3. Simulator vs closed form (the most valuable test)
# ---------------------------------------------------------------------------------------

changes = st.sampled_from([0.0, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0])


@given(
    scheme=st.sampled_from(SCHEMES),
    points=st.integers(1, 40),
    full_every=st.integers(1, 21),
    weekly=st.integers(0, 8),
    change=changes,
    week=st.sampled_from([7, 14]),
)
def test_simulator_agrees_with_closed_form(scheme, points, full_every, weekly, change, week):
    change = min(change, 7.0 / week)  # daily change = change * week / 7 must stay <= 1
    sim = simulate(scheme, points, full_every, weekly, change, week=week)
    est = closed(scheme, points, full_every, weekly, change, week=week)
    if exact_case(scheme, full_every, weekly, week):
        assert est.stored_gb == pytest.approx(sim.stored, rel=1e-9, abs=1e-12)
        assert (est.fulls, est.increments) == (sim.fulls, sim.increments)
        assert est.gfs_points == sim.extras
    else:  # fulls not on the weekly grid: conservative, never below the simulator
        assert est.stored_gb >= sim.stored - 1e-12


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("points", [1, 2, 6, 7, 8, 13, 14, 15, 20, 21, 22, 30])
@pytest.mark.parametrize("full_every", [1, 2, 3, 5, 6, 7, 8, 14])
def test_simulator_chain_grid(scheme, points, full_every):
    # exhaustive small grid of chains without GFS: counts and sizes must match exactly
    sim = simulate(scheme, points, full_every, 0, 0.05)
    est = closed(scheme, points, full_every, 0, 0.05)
    assert (est.fulls, est.increments) == (sim.fulls, sim.increments)
    assert est.stored_gb == pytest.approx(sim.stored, rel=1e-12)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("points", [1, 6, 7, 13, 14, 15, 16, 29])
@pytest.mark.parametrize("weekly", [1, 2, 3, 4, 6, 10])
def test_simulator_weekly_gfs_grid(scheme, points, weekly):
    # weekly GFS on the canonical weekly-full schedule, exact for every scheme
    sim = simulate(scheme, points, 7, weekly, 0.05)
    est = closed(scheme, points, 7, weekly, 0.05)
    assert est.stored_gb == pytest.approx(sim.stored, rel=1e-12)
    assert (est.fulls, est.increments, est.gfs_points) == (sim.fulls, sim.increments, sim.extras)


@settings(max_examples=25)
@given(
    scheme=st.sampled_from(SCHEMES),
    points=st.integers(1, 24),
    full_every=st.sampled_from([1, 3, 7, 10]),
    weekly=st.integers(0, 5),
    change=st.sampled_from([0.0, 0.01, 0.05, 0.1, 0.25, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_simulator_block_clone(scheme, points, full_every, weekly, change, seed):
    # Block-level simulation of a Fast Clone target: 4000 blocks, round(c * 4000) random
    # blocks change per point; storage = distinct block versions referenced by kept files.
    blocks = 4000
    sim = simulate(scheme, points, full_every, weekly, change, blocks=blocks, seed=seed)
    est = closed(scheme, points, full_every, weekly, change, block_clone=True)
    # the chain part is deterministic; each GFS full adds a random unique fraction whose
    # mean is u(7): allow 4 standard deviations per GFS full
    tol = 1e-9 + 4.0 * weekly * math.sqrt(0.25 / blocks)
    exact = (
        weekly == 0
        or (scheme == "active_full" and exact_case(scheme, full_every, weekly, 7))
        or (scheme == "synthetic_full" and full_every == 7)
    )
    if exact:
        assert est.stored_gb == pytest.approx(sim.stored, abs=tol)
    else:
        # GFS fulls closer than a week to the chain (forever schemes, daily fulls) or
        # fulls off the weekly grid: the closed form is an upper bound
        assert est.stored_gb >= sim.stored - tol
    if weekly == 0:
        assert (est.fulls, est.increments) == (sim.fulls, sim.increments)


def test_block_clone_chain_costs_one_increment_per_synthetic_full():
    # Without GFS the block-level union is deterministic: 1 full + (N - 1) increments.
    sim = simulate("synthetic_full", 14, 7, 0, 0.05, blocks=2000)
    assert sim.stored == pytest.approx(1.0 + 19 * 0.05)
    assert closed("synthetic_full", 14, 7, 0, 0.05, block_clone=True).stored_gb == pytest.approx(
        1.95
    )


def test_block_clone_worst_moment_is_before_the_new_full():
    # p = 16, weekly synthetic full, 4 weekly GFS, 5 %: at j = f the chain has 22 points and
    # all 4 weekly fulls (1 + 21 c = 2.05 fulls); one point earlier it has 21 points, 3
    # fulls and 1 weekly outside: 1 + 20 c + u(7) = 2.3017 with independent changes
    # (closed() uses that model, as the simulator does). The simulator agrees.
    est = closed("synthetic_full", 16, 7, 4, 0.05, block_clone=True)
    assert est.stored_gb == pytest.approx(1 + 20 * 0.05 + (1 - 0.95**7))
    assert (est.fulls, est.increments) == (3.0, 18.0)
    sim = simulate("synthetic_full", 16, 7, 4, 0.05, blocks=20000, seed=1)
    assert sim.stored == pytest.approx(est.stored_gb, abs=0.02)


def test_block_clone_worst_moment_before_the_new_full_with_rps_table():
    # Same policy with the RPS table (refsMethod 4: 7-day gap < 14 -> 3c): one point
    # before the new full the chain has 21 points and 1 weekly outside,
    # 1 + 20 c + 3c = 2.15 fulls, against 1 + 21 c = 2.05 at j = f (the weekly point,
    # 3c, costs more than the one synthetic full, c, that would absorb it).
    est = retention_storage(
        1.0,
        daily_change=0.05,
        scheme="synthetic_full",
        points=16,
        weekly=4,
        block_clone=True,
    )
    assert est.stored_gb == pytest.approx(1 + 20 * 0.05 + 3 * 0.05)
    assert (est.fulls, est.increments, est.gfs_points) == (3.0, 18.0, 1.0)


# ---------------------------------------------------------------------------------------
# 3b. Unique change between block-cloned points
# ---------------------------------------------------------------------------------------


# RPS pureengine.js, VeeamBackupConfigurationObject.refsdiffperct, refsMethod 4 (default):
#   d < 2: c; d < 14: 3c; d < 38: 5c; d < 100: 9c; d < 193: 12c; d < 286: 15c;
#   d < 379: 18c; else 100 %; then > 100 % -> 100 %, > injectlimit = max(d, 1) c ->
#   injectlimit, < c -> c.  At c = 1 % no step reaches 100 % and the inject limit only
#   binds below 3 days (3c > d c).
@pytest.mark.parametrize(
    ("days", "factor"),
    [
        (0.0, 1.0),  # d < 1: inject limit max(d, 1) c = c
        (1.0, 1.0),
        (1.999, 1.0),
        (2.0, 2.0),  # step 3c, inject limit 2c
        (2.5, 2.5),  # inject limit 2.5c (RPS counts whole days; see unique_change)
        (3.0, 3.0),
        (7.0, 3.0),
        (13.999, 3.0),
        (14.0, 5.0),
        (365.0 / 12.0, 5.0),
        (37.999, 5.0),
        (38.0, 9.0),
        (99.999, 9.0),
        (100.0, 12.0),
        (192.999, 12.0),
        (193.0, 15.0),
        (285.999, 15.0),
        (286.0, 18.0),
        (365.0, 18.0),
        (378.999, 18.0),
        (379.0, 100.0),  # 100 %
        (10_000.0, 100.0),
    ],
)
def test_unique_change_rps_steps(days, factor):
    c = 0.01
    got = unique_change(days, c)
    assert type(got) is float
    assert got == pytest.approx(factor * c, rel=1e-12)


def test_unique_change_rps_caps():
    # 100 % cap: 12c = 120 % at c = 10 % and d = 100 -> 100 %; 9c = 90 % at d = 38 stays.
    assert unique_change(100.0, 0.10) == 1.0
    assert unique_change(38.0, 0.10) == pytest.approx(0.9)
    assert unique_change(7.0, 0.50) == 1.0  # 3c = 150 % -> 100 % (independent: 99.2 %)
    # inject limit for small gaps: never more than the change written in the gap, d c
    assert unique_change(2.0, 0.05) == pytest.approx(0.10)  # 3c -> 2c
    assert unique_change(2.5, 0.05) == pytest.approx(0.125)  # 3c -> 2.5c
    # ... and beyond 379 days, when 100 % exceeds d c: 0.1 %/day for 400 days -> 40 %
    assert unique_change(400.0, 0.001) == pytest.approx(0.4)
    assert unique_change(2000.0, 0.001) == 1.0
    # floor at c: a gap under a day still costs one day's change (independent: less);
    # with c <= 1 every step is >= c and the inject limit >= c, so it binds only here.
    assert unique_change(0.0, 0.05) == 0.05
    assert unique_change(0.25, 0.05) == 0.05
    assert unique_change(0.0, 0.05, method="independent") == 0.0
    assert unique_change(0.25, 0.05, method="independent") < 0.05 * 0.26
    # no change, or everything changes
    assert unique_change([0.0, 7.0, 400.0], 0.0).tolist() == [0.0, 0.0, 0.0]
    assert unique_change([0.0, 7.0, 400.0], 1.0).tolist() == [1.0, 1.0, 1.0]


def test_unique_change_infinite_gap():
    # no newer point (e.g. a tier without GFS): every block is unique, unless none changed
    for method in GFS_CHANGE_METHODS:
        got = unique_change(np.inf, np.array([0.0, 1e-6, 0.05, 1.0]), method=method)
        assert got.tolist() == [0.0, 1.0, 1.0, 1.0]


def test_unique_change_doc_values_and_independent_model():
    assert unique_change(7, 0.05) == pytest.approx(0.15, rel=1e-12)
    assert unique_change(365 / 12, 0.05) == pytest.approx(0.25, rel=1e-12)
    assert unique_change(365, 0.05) == pytest.approx(0.9, rel=1e-12)
    assert unique_change(7, 0.05, method="independent") == pytest.approx(1 - 0.95**7)
    assert unique_change(7, 0.05, method="independent") == pytest.approx(0.30166, abs=5e-6)
    assert unique_change(1, 0.05, method="independent") == pytest.approx(0.05)
    assert unique_change(1, 0.05, method="rps") == 0.05


def test_unique_change_broadcasts():
    days = np.array([1.0, 7.0, 365.0 / 12.0, 365.0])
    rates = np.array([[0.01], [0.05], [0.2]])
    for method in GFS_CHANGE_METHODS:
        got = unique_change(days, rates, method=method)
        assert isinstance(got, np.ndarray)
        assert got.shape == (3, 4)
        assert not got.flags.writeable
        for i, c in enumerate(rates[:, 0]):
            for j, d in enumerate(days):
                assert got[i, j] == unique_change(float(d), float(c), method=method)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(days=-1.0), "days: -1.0 is not a non-negative gap; use a gap in days >= 0"),
        (dict(days=float("nan")), "days: nan is not a non-negative gap"),
        (dict(days=[7.0, -0.5]), "days: -0.5 is not a non-negative gap"),
        (dict(days="week"), "days: 'week' is not a number"),
        (dict(daily_change=1.5), "daily_change: 1.5 is not a fraction in [0, 1]"),
        (dict(daily_change=[0.1, -0.1]), "daily_change: -0.1 is not a fraction in [0, 1]"),
        (
            dict(method="refs"),
            "method: 'refs' is not a GFS change model; use one of 'rps', 'independent'",
        ),
    ],
)
def test_unique_change_validation(kwargs, message):
    args = dict(days=7.0, daily_change=0.05)
    args.update(kwargs)
    with pytest.raises(ValueError, match="use") as info:
        unique_change(args.pop("days"), args.pop("daily_change"), **args)
    assert str(info.value).startswith(message)


@given(
    method=st.sampled_from(GFS_CHANGE_METHODS),
    d1=st.floats(1.0, 5000.0),
    d2=st.floats(1.0, 5000.0),
    c=st.floats(0.0, 1.0, allow_nan=False),
)
def test_unique_change_monotone_and_bounded(method, d1, d2, c):
    # Both models are non-decreasing in the gap and, for gaps of a day or more, lie in
    # [min(c, 1), 1]; neither exceeds the change written in the gap, d c.
    lo, hi = sorted((d1, d2))
    u_lo = unique_change(lo, c, method=method)
    u_hi = unique_change(hi, c, method=method)
    assert u_lo <= u_hi + 1e-15
    for u, d in ((u_lo, lo), (u_hi, hi)):
        assert min(c, 1.0) - 1e-12 <= u <= 1.0
        assert u <= d * c * (1 + 1e-12) + 1e-15
    vec = unique_change(np.array([lo, hi]), c, method=method)
    assert vec.tolist() == [u_lo, u_hi]


# ---------------------------------------------------------------------------------------
# 4. Properties
# ---------------------------------------------------------------------------------------

sizes = st.floats(0.0, 1e5, allow_nan=False)
fractions = st.floats(0.0, 1.0, allow_nan=False)


RETENTION_COUNTS = ("points", "weekly", "monthly", "quarterly", "yearly")


@pytest.mark.slow
@settings(max_examples=300)
@given(policy=retention_policies(), count=st.sampled_from(RETENTION_COUNTS))
def test_one_more_kept_point_never_stores_less(policy, count):
    # Issue 14: monotone by construction in every retention count, whatever the scheme,
    # schedule, block clone, GFS change model or growth (docs/retention.md, *Monotone*).
    a = retention_storage(100.0, **policy)
    b = retention_storage(100.0, **{**policy, count: policy[count] + 1})
    assert b.stored_gb >= a.stored_gb * (1.0 - 1e-12)


def test_one_more_point_along_every_count_of_a_grid():
    # The same property swept on whole ranges of each count (vectorised): every scheme,
    # both GFS change models, block clone, sub-daily points, calendar fulls and growth.
    _assert_one_more_point_never_stores_less(np.random.default_rng(14), 4000)


def _assert_one_more_point_never_stores_less(rng, n, **calendar):
    """One more point of any count, over a random grid of ``n`` policies (``calendar``
    settings for all), never stores less, in both GFS change models."""
    # every interval from 15 minutes to two years (72 h and 168 h with periodic fulls were
    # where one more daily point used to store less, and 96 h to a month with growth,
    # issue 14), growth at every interval (docs/retention.md, *Monotone by construction*)
    interval = np.where(
        rng.random(n) < 0.5,
        rng.choice(
            [1.0, 4.0, 12.0, 24.0, 48.0, 72.0, 96.0, 120.0, 168.0, 336.0, 720.0, 744.0, 8760.0], n
        ),
        np.where(
            rng.random(n) < 0.5,
            np.round(rng.uniform(0.25, 168.0, n), 2),
            np.round(np.exp(rng.uniform(np.log(0.25), np.log(17520.0), n)), 2),
        ),
    )
    growth = rng.choice([0.0, 0.05, 0.3, 1.0, 3.0], n)
    policy = dict(
        daily_change=rng.choice([0.0, 0.001, 0.01, 0.05, 0.1, 0.4, 1.0], n),
        scheme=np.array(SCHEMES)[rng.integers(0, len(SCHEMES), n)],
        points=rng.integers(1, 90, n),
        interval=interval,
        full_every=np.array(["weekly", "monthly", "1", "3", "10", "30", "12.5"])[
            rng.integers(0, 7, n)
        ],
        weekly=rng.integers(0, 70, n),
        monthly=rng.integers(0, 40, n),
        quarterly=rng.integers(0, 12, n),
        yearly=rng.integers(0, 10, n),
        block_clone=rng.integers(0, 2, n),
        annual_growth=growth,
        years=rng.choice([0.0, 1.0, 3.0], n),
        **calendar,
    )
    for method in GFS_CHANGE_METHODS:
        base = np.asarray(retention_storage(100.0, gfs_change_method=method, **policy).stored_gb)
        for count in RETENTION_COUNTS:
            more = {**policy, count: policy[count] + 1}
            up = np.asarray(retention_storage(100.0, gfs_change_method=method, **more).stored_gb)
            assert np.all(up >= base * (1.0 - 1e-12)), (method, count)


@given(
    scheme=st.sampled_from(["synthetic_full", "active_full"]),
    points=st.integers(1, 60),
    f=st.integers(1, 30),
    change=fractions,
)
def test_longer_full_period_never_more_fulls(scheme, points, f, change):
    # F = ceil((p + f - 1) / f) = 1 + ceil((p - 1) / f) is non-increasing in f, and so
    # is the GB held in fulls (F x full).
    a = retention_storage(100.0, daily_change=change, scheme=scheme, points=points, full_every=f)
    b = retention_storage(
        100.0, daily_change=change, scheme=scheme, points=points, full_every=f + 1
    )
    assert b.fulls <= a.fulls
    assert b.fulls * 100.0 <= a.fulls * 100.0


@given(
    scheme=st.sampled_from(SCHEMES),
    points=st.integers(1, 60),
    full_every=st.floats(0.5, 30.0),
    change=fractions,
    reduction=st.floats(1.0, 10.0),
    weekly=st.integers(0, 12),
    monthly=st.integers(0, 24),
    yearly=st.integers(0, 10),
    growth=st.floats(0.0, 1.0),
    years=st.floats(0.0, 10.0),
)
def test_block_clone_never_stores_more(
    scheme, points, full_every, change, reduction, weekly, monthly, yearly, growth, years
):
    kw = dict(
        daily_change=change,
        data_reduction=reduction,
        scheme=scheme,
        points=points,
        full_every=full_every,
        weekly=weekly,
        monthly=monthly,
        yearly=yearly,
        annual_growth=growth,
        years=years,
    )
    plain = retention_storage(1000.0, **kw)
    cloned = retention_storage(1000.0, block_clone=True, **kw)
    assert cloned.stored_gb <= plain.stored_gb * (1 + 1e-12)
    if (cloned.fulls, cloned.increments) == (plain.fulls, plain.increments):  # same moment
        assert cloned.short_term_gb <= plain.short_term_gb * (1 + 1e-12) + 1e-9


@given(
    scheme=st.sampled_from(SCHEMES),
    points=st.integers(1, 60),
    full_every=st.floats(0.5, 30.0),
    change=fractions,
    weekly=st.integers(0, 12),
    monthly=st.integers(0, 24),
    yearly=st.integers(0, 10),
    block_clone=st.booleans(),
    growth=st.floats(0.0, 1.0),
    years=st.floats(0.0, 10.0),
)
def test_invariants(
    scheme, points, full_every, change, weekly, monthly, yearly, block_clone, growth, years
):
    est = retention_storage(
        1000.0,
        daily_change=change,
        data_reduction=2.0,
        scheme=scheme,
        points=points,
        full_every=full_every,
        weekly=weekly,
        monthly=monthly,
        yearly=yearly,
        block_clone=block_clone,
        annual_growth=growth,
        years=years,
    )
    assert est.stored_gb == pytest.approx(est.short_term_gb + est.long_term_gb)
    assert est.fulls >= 1
    assert est.increments >= 0
    assert est.fulls + est.increments >= points  # never fewer points than retained
    assert 0 <= est.gfs_points <= weekly + monthly + yearly
    full_now = 500.0 * (1 + growth) ** years
    # every long-term full costs at most a full at the horizon size
    assert est.long_term_gb <= est.gfs_points * full_now * (1 + 1e-9) + 1e-9
    # at least one full at the horizon size is always on disk
    assert est.stored_gb >= full_now * (1 - 1e-12)
    if scheme in ("forever_forward", "reverse"):
        assert (est.fulls, est.increments) == (1.0, points - 1.0)


@pytest.mark.slow
@given(
    data=st.lists(
        st.tuples(
            sizes,
            fractions,
            st.floats(1.0, 5.0),
            st.sampled_from(SCHEMES),
            st.integers(1, 50),
            st.sampled_from([1.0, 6.0, 12.0, 24.0, 168.0]),
            st.floats(0.5, 30.0),
            st.integers(0, 10),
            st.integers(0, 24),
            st.integers(0, 10),
            st.booleans(),
            st.floats(0.0, 0.5),
            st.floats(0.0, 5.0),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_vectorised_equals_scalar(data):
    cols = list(zip(*data, strict=True))
    names = [
        "data_size",
        "daily_change",
        "data_reduction",
        "scheme",
        "points",
        "interval",
        "full_every",
        "weekly",
        "monthly",
        "yearly",
        "block_clone",
        "annual_growth",
        "years",
    ]
    kw = dict(zip(names, cols, strict=True))
    arrays = {k: np.array(v) for k, v in kw.items()}
    vec = retention_storage(arrays.pop("data_size"), **arrays)
    for i, row in enumerate(data):
        one = dict(zip(names, row, strict=True))
        est = retention_storage(one.pop("data_size"), **one)
        for field in StorageEstimate.model_fields:
            assert getattr(vec, field)[i] == pytest.approx(getattr(est, field), rel=1e-12, abs=1e-9)


def test_core_takes_integer_codes_and_matches_public():
    # the optimiser's call: integer scheme codes, points per full period, columns
    code = np.array([0, 1, 2, 3, 2, 3])
    pts = np.array([14, 14, 14, 14, 30, 3])
    fe = np.array([7, 7, 7, 7, 7, 4])
    bc = np.array([False, False, True, True, False, False])
    core = retention_columns(
        1000.0,
        0.05,
        data_reduction=2.0,
        scheme_code=code,
        points=pts,
        full_every=fe,
        weekly=4,
        monthly=12,
        block_clone=bc,
    )
    for i in range(len(code)):
        est = retention_storage(
            1000.0,
            daily_change=0.05,
            data_reduction=2.0,
            scheme=SCHEMES[code[i]],
            points=int(pts[i]),
            full_every=float(fe[i]),
            weekly=4,
            monthly=12,
            block_clone=bool(bc[i]),
        )
        got = [
            getattr(core, f)[i]
            for f in ("stored_gb", "fulls", "increments", "short_term_gb", "long_term_gb")
        ]
        want = [est.stored_gb, est.fulls, est.increments, est.short_term_gb, est.long_term_gb]
        assert got == pytest.approx(want, rel=1e-12)
    detail = retention_columns(1000.0, 0.05, scheme_code="synthetic_full", points=14, weekly=4)
    assert detail.gfs_points == 1.0


def test_core_vectorises_1e5_designs():
    rng = np.random.default_rng(0)
    n = 100_000
    core = retention_columns(
        rng.uniform(10, 1e5, n),
        rng.uniform(0, 0.2, n),
        data_reduction=rng.uniform(1, 4, n),
        scheme_code=rng.integers(0, 4, n),
        points=rng.integers(1, 60, n),
        full_every=rng.integers(1, 30, n),
        weekly=rng.integers(0, 10, n),
        monthly=rng.integers(0, 24, n),
        yearly=rng.integers(0, 10, n),
        block_clone=rng.random(n) < 0.5,
        growth_factor=rng.uniform(1, 3, n),
        annual_growth=0.1,
    )
    stored, short, long_ = core.stored_gb, core.short_term_gb, core.long_term_gb
    assert stored.shape == (n,)
    assert np.all(np.isfinite(stored))
    assert np.all(stored >= short)
    assert np.allclose(stored, short + long_)


def test_scalar_in_float_out_and_str():
    est = retention_storage(1000.0, daily_change=0.05, points=14)
    assert all(type(getattr(est, k)) is float for k in StorageEstimate.model_fields)
    assert str(est) == (
        "1,650.0 GB at the worst moment (1 full + 13 incremental = 1,650.0 GB; 0 GFS full = 0.0 GB)"
    )
    vec = retention_storage([1000.0, 2000.0], daily_change=0.05, points=14)
    assert isinstance(vec.stored_gb, np.ndarray)
    assert not vec.stored_gb.flags.writeable
    assert str(vec) == "StorageEstimate for 2 designs: 1,650.0 to 3,300.0 GB at the worst moment"
    assert vec.model_dump()["stored_gb"] == [1650.0, 3300.0]
    assert '"fulls":[1.0,1.0]' in vec.model_dump_json()
    with pytest.raises(ValidationError, match="frozen"):
        est.stored_gb = 1.0  # type: ignore[misc]
    for name, field in StorageEstimate.model_fields.items():
        assert field.description, name
        assert "[" in field.description, name  # every description names its unit


def test_zero_change_and_zero_data():
    # no change: increments are empty and cloned GFS fulls share every block
    est = retention_storage(
        1000.0,
        daily_change=0.0,
        scheme="synthetic_full",
        points=14,
        weekly=4,
        block_clone=True,
    )
    assert est.stored_gb == pytest.approx(1000.0)
    assert retention_storage(0.0, daily_change=0.5, points=3, yearly=3).stored_gb == 0.0


# ---------------------------------------------------------------------------------------
# 5. Validation at the public boundary
# ---------------------------------------------------------------------------------------


def test_block_clone_as_zero_one_and_full_periods_by_name():
    # Issue 14: the simulator takes block clone as 0/1 (and 0/1 arrays); "weekly" is a
    # 7-day full period, and names and numbers mix in one array.
    kw = dict(daily_change=0.05, data_reduction=2.0, scheme="synthetic_full", points=14, weekly=4)
    assert retention_storage(1000.0, block_clone=1, **kw) == retention_storage(
        1000.0, block_clone=True, **kw
    )
    arr = retention_storage(1000.0, block_clone=np.array([0, 1]), **kw).stored_gb
    assert arr.tolist() == [
        retention_storage(1000.0, block_clone=False, **kw).stored_gb,
        retention_storage(1000.0, block_clone=True, **kw).stored_gb,
    ]
    assert retention_storage(1000.0, full_every="weekly", **kw) == retention_storage(
        1000.0, full_every=7.0, **kw
    )
    mixed = retention_storage(1000.0, full_every=["weekly", "7", "monthly"], **kw).stored_gb
    monthly = retention_storage(1000.0, full_every="monthly", **kw).stored_gb
    assert mixed[0] == mixed[1] and mixed[2] == monthly


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(scheme="forward"),
            "scheme: 'forward' is not a chain scheme; use one of "
            "'forever_forward', 'reverse', 'synthetic_full', 'active_full', 'backup_copy'",
        ),
        (dict(scheme=["reverse", "gfs"]), "scheme: 'gfs' is not a chain scheme"),
        (dict(points=14.5), "points: 14.5 is not a whole number >= 1"),
        (dict(points=0), "points: 0.0 is not a whole number >= 1"),
        (dict(daily_change=1.5), "daily_change: 1.5 is not a fraction in [0, 1]"),
        (dict(daily_change=float("nan")), "daily_change: nan is not a fraction in [0, 1]"),
        (dict(data_reduction=0.5), "data_reduction: 0.5 is not a ratio >= 1"),
        (dict(data_size=-1.0), "data_size: -1.0 is not a non-negative size"),
        (dict(data_size=float("inf")), "data_size: inf is not a non-negative size"),
        (dict(data_size="big"), "data_size: 'big' is not a number"),
        (dict(interval=0.0), "interval: 0.0 is not a positive duration"),
        (dict(full_every=-7.0), "full_every: -7.0 is not a positive duration"),
        (dict(weekly=-1), "weekly: -1.0 is not a whole number >= 0"),
        (dict(monthly=1.5), "monthly: 1.5 is not a whole number >= 0"),
        (dict(yearly=[1, 2.5]), "yearly: 2.5 is not a whole number >= 0"),
        (dict(block_clone="yes"), "block_clone: 'yes' is not a bool or 0/1"),
        (dict(block_clone=2), "block_clone: 2 is not a bool or 0/1; use True, False, 1 or 0"),
        (dict(block_clone=[0, 1, 0.5]), "block_clone: 0.5 is not a bool or 0/1"),
        (dict(quarterly=-2), "quarterly: -2.0 is not a whole number >= 0"),
        (
            dict(full_every="fortnightly"),
            "full_every: 'fortnightly' is not a full period; use 'weekly', 'monthly' or days",
        ),
        (dict(full_every=["weekly", "0"]), "full_every: 0.0 is not a positive duration"),
        (dict(annual_growth=-0.1), "annual_growth: -0.1 is not a non-negative rate"),
        (dict(years=float("nan")), "years: nan is not a non-negative horizon"),
        (
            dict(gfs_change_method="linear"),
            "gfs_change_method: 'linear' is not a GFS change model; use one of "
            "'rps', 'independent'",
        ),
        (dict(gfs_change_method=None), "gfs_change_method: None is not a GFS change model"),
    ],
)
def test_validation_messages(kwargs, message):
    args = dict(data_size=1000.0, daily_change=0.05, points=14)
    args.update(kwargs)
    with pytest.raises(ValueError, match="use") as info:
        retention_storage(args.pop("data_size"), **args)
    assert str(info.value).startswith(message)


# ---------------------------------------------------------------------------------------
# 5. GFS calendar settings (issue 14, last part)
# ---------------------------------------------------------------------------------------

CALENDAR_KEYS = (
    "weekly_on", "monthly_on", "quarterly_on", "quarterly_month", "yearly_on", "yearly_month",
)  # fmt: skip

def _pairs(nest):
    """The (coarser, finer) tier pairs that nest, as letters."""
    return {"WMQY"[i] + "WMQY"[j] for i in range(4) for j in range(i) if nest[i, j]}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        # pureengine.js defaults (GFSWeeklyDay 6 = Sunday, first Sunday of the month, the
        # quarter's first month, January): every tier nests in every finer one
        ({}, {"MW", "QW", "QM", "YW", "YM", "YQ"}),
        # weeklies on Monday: no Sunday point is a weekly one; the others still nest
        (dict(weekly_on="monday"), {"QM", "YM", "YQ"}),
        # monthly on the 1st: not a weekday rule, and no longer the quarterly's or
        # yearly's day (they stay first Sundays, so they nest in the weekly and each other)
        (dict(monthly_on="day 1"), {"QW", "YW", "YQ"}),
        # quarterly on the second Sunday: on Sunday, but not the monthly's or yearly's day
        (dict(quarterly_on="second sunday"), {"MW", "QW", "YW", "YM"}),
        # the quarter's last month: January is not one of March, June, September, December
        (dict(quarterly_month="last"), {"MW", "QW", "QM", "YW", "YM"}),
        (
            dict(quarterly_month="last", yearly_month="december"),
            {"MW", "QW", "QM", "YW", "YM", "YQ"},
        ),
        # yearly in July (a quarter's first month) keeps nesting; in June it does not
        (dict(yearly_month=7), {"MW", "QW", "QM", "YW", "YM", "YQ"}),
        (dict(yearly_month="June"), {"MW", "QW", "QM", "YW", "YM"}),
        # the same day of the month in every tier nests in each other, not in the weekly
        (dict(monthly_on="day 15", quarterly_on="day 15", yearly_on="Day  15"), {"QM", "YM", "YQ"}),
        # 'fourth' and 'last' differ in months with five such weekdays
        (dict(monthly_on="fourth sunday", yearly_on="last sunday"), {"MW", "QW", "YW"}),
    ],
)
def test_gfs_nesting_table(settings, expected):
    assert _pairs(gfs_nesting(**settings)) == expected


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("weekly_on", "sun", "not a weekday"),
        ("weekly_on", 6, "not a weekday"),
        ("monthly_on", "fifth sunday", "not a day of the month"),
        ("monthly_on", "day 32", "not a day of the month"),
        ("monthly_on", "day 0", "not a day of the month"),
        ("quarterly_on", "", "not a day of the month"),
        ("yearly_on", None, "not a day of the month"),
        ("quarterly_month", "middle", "not a month of a quarter"),
        ("yearly_month", 13, "not a month"),
        ("yearly_month", "sept", "not a month"),
        ("yearly_month", True, "not a month"),
    ],
)
def test_calendar_settings_errors_name_the_setting(name, value, accepted):
    with pytest.raises(ValueError, match=rf"^{name}: .*{accepted}; use "):
        retention_storage(100.0, daily_change=0.05, points=14, weekly=4, **{name: value})
    with pytest.raises(ValueError, match=rf"^{name}: "):
        gfs_nesting(**{name: value})


def test_calendar_without_gfs_points_changes_nothing():
    # The settings only say where GFS points fall: without them the chain is unchanged.
    kw = dict(daily_change=0.05, data_reduction=2.0, scheme="synthetic_full", points=14)
    moved = dict(weekly_on="monday", monthly_on="day 1", yearly_on="day 3", yearly_month=5)
    assert retention_storage(1000.0, **kw, **moved).stored_gb == 1925.0


@settings(max_examples=200)
@given(policy=retention_policies(), cal=gfs_calendars())
def test_a_calendar_that_shares_fewer_points_never_stores_less(policy, cal):
    # Moving a tier off its finer tiers' days only removes shared points: every calendar
    # stores at least what the simulator's default calendar stores, never less.
    default = {k: v for k, v in policy.items() if k not in CALENDAR_KEYS}
    a = retention_storage(100.0, **default)
    b = retention_storage(100.0, **default, **cal)
    assert b.stored_gb >= a.stored_gb * (1.0 - 1e-12)


@pytest.mark.parametrize(
    "cal",
    [
        dict(weekly_on="monday"),
        dict(monthly_on="day 1"),
        dict(quarterly_on="second sunday", yearly_month="june"),
        dict(monthly_on="last friday", quarterly_on="day 28", yearly_on="day 28"),
    ],
)
def test_one_more_point_on_calendars_that_share_fewer_points(cal):
    # The grid sweep of test_one_more_point_along_every_count_of_a_grid on calendars
    # where some tiers nest in no finer tier: still monotone in every count.
    _assert_one_more_point_never_stores_less(np.random.default_rng(141), 2000, **cal)


def test_one_more_point_never_takes_over_two_tiers_at_once():
    # Issue 14 residue (decision 39), by hand: 100 GB, 5 %/day, 72 h points with a full
    # at each (active, every 3 days), 26 W, 8 M, 7 Q, 7 Y on the default calendar. The
    # chain's weekly cover is (F - 1) x 3 days (fulls 3 days apart fall unevenly on the
    # weeks). 61 points: 180 days hold 25 weekly points (1 outside), the weekly span is
    # 26 x 7 = 182 days, so floor(182 / 30.42) = 5 monthly (3 outside), 243.3 days hold
    # 2 quarterly (5 outside), 638.75 days 1 yearly (6 outside): 6100 + 15 x 100 = 7600.
    # 62 points: 183 days hold all 26 weekly points; the span stays 26 whole weeks (182
    # days), so the monthly tier is unchanged: 6200 + 14 x 100 = 7600 (7500 before, when
    # the 183 days also took over a monthly point). 63 points: 6300 + 1400 = 7700.
    kw = dict(daily_change=0.05, scheme="active_full", interval=72.0, full_every=3.0)
    tiers = dict(weekly=26, monthly=8, quarterly=7, yearly=7)
    got = [retention_storage(100.0, points=p, **kw, **tiers).stored_gb for p in (61, 62, 63)]
    assert got == pytest.approx([7600.0, 7600.0, 7700.0], rel=1e-12)


def test_monthly_fulls_on_fast_clone_cover_the_days_their_points_pay_for():
    # Decision 39, by hand: 100 GB, 1 %/day, weekly points (c = 7 % per point), monthly
    # synthetic fulls on Fast Clone (f_lo = 4 points: 28 days), 8 monthly and 4 quarterly
    # points. 41 points: the worst phase holds 11 fulls and 34 increments (408 GB) and
    # covers 11 x 28 = 308 days: every monthly point, and floor(308 / 91.25) = 3
    # quarterly points; the fourth is 4 x 91.25 - 308 = 57 days beyond, priced at the
    # monthly tier's cost per day, min(u(30.4) = 5c, 30.4 days x 1 %) / 30.4 = 1 %/day:
    # 0.57 x 100 = 57 GB; total 465 GB. With 365/12 days per full the cover grew by
    # 30.4 days for 4 points (28 GB) and 42 points stored 2.4 GB less than 41.
    kw = dict(
        daily_change=0.01, scheme="synthetic_full", interval=168.0, full_every="monthly",
        monthly=8, quarterly=4, block_clone=True,
    )  # fmt: skip
    est = retention_storage(100.0, points=41, **kw)
    assert (est.fulls, est.increments) == (11.0, 34.0)
    assert est.short_term_gb == pytest.approx(408.0, rel=1e-12)
    assert est.long_term_gb == pytest.approx(57.0, rel=1e-12)
    totals = np.array([retention_storage(100.0, points=p, **kw).stored_gb for p in range(38, 50)])
    assert np.all(totals[1:] >= totals[:-1] * (1.0 - 1e-12))


def test_growth_faster_than_change_keeps_one_more_point_at_weekly_intervals():
    # Issue 14 residue, by hand: 100 GB growing 300 %/year (G = 1, years = 0), 0.1 %/day
    # changed, weekly restore points (168 h: Δ = 7 d, c = 0.7 %), backup copy job with 3
    # weekly GFS fulls. One point is rho = 4**(-7/365) of the next newer one, so the
    # growth per point, 1 - rho = 2.62 %, outpaces the change: an increment holds at
    # least the data the source grew by since the previous point (c_g = 1 - rho, RPS
    # writes new data as changed blocks). The chain then telescopes to the newest size:
    # rho**(p-1) + (1 - rho) * sum(rho**a, a = 0..p-2) = 1, 100 GB for every p. The GFS
    # fulls sit on their ladder, (j + 1) weeks plus one interval old (14, 21, 28 days),
    # whatever the chain's length; before, they were pushed behind the chain (p + j + 1
    # weeks), so that 5 points stored less than 4.
    rho_day = 4.0 ** (-1 / 365)
    gfs = 100.0 * sum(rho_day ** (7 * j + 14) for j in range(3))
    kw = dict(daily_change=0.001, scheme="backup_copy", interval=168.0, weekly=3)
    for p in (4, 5, 9):
        est = retention_storage(100.0, points=p, annual_growth=3.0, **kw)
        assert est.short_term_gb == pytest.approx(100.0, rel=1e-12)
        assert est.long_term_gb == pytest.approx(gfs, rel=1e-12)


def test_gfs_points_of_a_primary_job_are_at_least_a_full_period_apart():
    # Issue 14 residue, by hand: active fulls every 14 days at 14-day points (336 h: every
    # point a full, f = 1), 8 weekly GFS points, 100 GB growing 100 %/year. A primary job
    # flags only its fulls, so two weekly points are 14 days apart, not 7: the weekly
    # period is max(7, f_lo Δ) = 14 days, in the cover (each full one weekly point) and
    # in the ages. p points: the chain holds p fulls at ages 0, 14, .. 14 (p - 1) days
    # and p weekly points; the other 8 - p are aged (j + 1) 14 + 14 days (j = p .. 7).
    # From 5 to 6 points the chain adds a full 70 days old and gives up the weekly point
    # 98 days old, so storage grows (with a 7-day ladder that point was 56 days old and
    # larger than the full taking it over: 6 points stored less than 5).
    rho_day = 2.0 ** (-1 / 365)
    kw = dict(daily_change=0.01, scheme="active_full", interval=336.0, full_every=14.0)
    got = []
    for p in (5, 6):
        chain = 100.0 * sum(rho_day ** (14 * a) for a in range(p))
        gfs = 100.0 * sum(rho_day ** ((j + 1) * 14 + 14) for j in range(p, 8))
        est = retention_storage(100.0, points=p, weekly=8, annual_growth=1.0, **kw)
        assert (est.fulls, est.gfs_points) == (p, 8 - p)
        assert est.stored_gb == pytest.approx(chain + gfs, rel=1e-12)
        got.append(est.stored_gb)
    assert got[1] > got[0]

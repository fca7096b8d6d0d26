"""Retention storage against a literal calendar simulator (issue 14).

:func:`calendar_simulate` is test-only code that steps one restore point at a time
through a real calendar and applies the rules of the Restore Point Simulator
(T. Dewin, https://github.com/tdewin/rps, ``pureengine.js``) as they are written in
``docs/retention.md``; it is written from those rules, not from the simulator's code:

* R1 a backup copy job is a forever forward chain; a GFS-flagged point leaves a full
  behind when the merge passes it, and only those fulls count toward a tier
  (``recalcPointIDs`` counts the ``GFS`` list, newest first);
* R2 monthly fulls fall on the first Sunday of the month (28 or 35 days apart);
* R5 a primary job with GFS flags its (active) fulls, and every flagged full, in the
  chain or not, counts toward its tier;
* R8 a fast-cloned file costs its size minus the unchanged part of the file it clones,
  the change taken from ``refsdiffperct`` on the change per run;
* G1 every file has the data size of its own date.

GFS moments follow the calendar settings (``weekly_on`` .. ``yearly_month`` of
:func:`rtocalc.retention_storage`), by default the simulator's: weekly on Sunday,
monthly on the first Sunday of the month, quarterly on the first Sunday of the first
month of a quarter, yearly on the first Sunday of January, all at 22:00 (``GFSWeeklyDay``,
``GFSMonthlyMonthWeek``, ``GFSMonthlyDayOfMonth``, ``GFSQuarterlyMonth``,
``GFSYearlyMonth``); a day of the month beyond the month's length is its last day.
Points are taken at 22:00 and every ``hours`` after; periodic fulls fall on the weekly
day (weekly fulls) or on the first such day of the month (monthly fulls).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtocalc import retention_storage
from rtocalc.retention import unique_change
from rtocalc.units import GFS_CALENDAR_DEFAULTS, MONTHS, WEEKDAYS, WEEKS

TIERS = ("W", "M", "Q", "Y")


def day_of_month(year: int, month: int, rule: str) -> int:
    """The day a rule (``'first sunday'``, ``'last friday'``, ``'day 31'``) picks."""
    last = calendar.monthrange(year, month)[1]
    what, which = rule.split()
    if what == "day":
        return min(int(which), last)
    weekday = WEEKDAYS.index(which)
    days = [d for d in range(1, last + 1) if datetime(year, month, d).weekday() == weekday]
    return days[-1] if what == "last" else days[WEEKS.index(what)]


def gfs_moments(t: datetime, cal: dict | None = None) -> set[str]:
    """GFS tiers whose moment is the day of ``t`` at 22:00 on the calendar ``cal``."""
    cal = {**GFS_CALENDAR_DEFAULTS, **(cal or {})}
    if t.hour != 22:
        return set()
    tiers = set()
    if t.weekday() == WEEKDAYS.index(cal["weekly_on"]):
        tiers.add("W")
    if t.day == day_of_month(t.year, t.month, cal["monthly_on"]):
        tiers.add("M")
    q_month = (t.month - 1) % 3 == (0 if cal["quarterly_month"] == "first" else 2)
    if q_month and t.day == day_of_month(t.year, t.month, cal["quarterly_on"]):
        tiers.add("Q")
    y_month = cal["yearly_month"]
    y_month = MONTHS.index(y_month) + 1 if isinstance(y_month, str) else y_month
    if t.month == y_month and t.day == day_of_month(t.year, t.month, cal["yearly_on"]):
        tiers.add("Y")
    return tiers


@dataclass
class File:
    """A backup file: the restore point it holds, its kind and its GFS flags."""

    when: datetime
    kind: str  # F full, I increment, R reverse increment
    chain: int = 0
    flags: set[str] = field(default_factory=set)


def calendar_simulate(
    scheme: str,
    points: int,
    *,
    hours: int = 24,
    fulls: str = "weekly",
    weekly: int = 0,
    monthly: int = 0,
    quarterly: int = 0,
    yearly: int = 0,
    change: float = 0.1,
    clone: bool = False,
    growth: float = 0.0,
    start: datetime = datetime(2027, 1, 4, 22),
    cal: dict | None = None,
) -> float:
    """Worst stored size, in fulls of the data size of the worst moment.

    ``scheme``: ``backup_copy``, ``forever_forward``, ``reverse``, ``synthetic_full``
    or ``active_full``; the periodic schemes take fulls on Sunday (``fulls="weekly"``)
    or on the first Sunday of the month (``"monthly"``) and flag them with their GFS
    tiers. ``change`` is the change per restore point. The run is long enough for every
    tier to fill, and the worst moment is taken over its last 400 days relative to the
    data size of that moment: the steady state that the closed form sizes at the end of
    the horizon.
    """
    counts = dict(zip(TIERS, (weekly, monthly, quarterly, yearly), strict=True))
    periodic = scheme in ("synthetic_full", "active_full")
    step = timedelta(hours=hours)
    span = 7 * weekly + 31 * monthly + 92 * quarterly + 366 * yearly + 70 * 2
    span += math.ceil(points * hours / 24) + 36
    warmup = timedelta(days=span)
    end = start + warmup + timedelta(days=400)
    dt_days = hours / 24.0

    def size(t: datetime) -> float:
        return (1.0 + growth) ** ((t - end).total_seconds() / 86400.0 / 365.0)

    def u(gap_days: float) -> float:
        return min(
            float(unique_change(math.floor(gap_days + 1e-9), change)),
            max(change, gap_days * change / dt_days),
        )

    chain: list[File] = []
    kept: list[File] = []  # GFS fulls outside the chain, oldest first
    worst = 0.0
    t = start
    chain_id = 0
    prev = start - step
    while t <= end:
        flags = gfs_moments(t, cal) if any(counts.values()) else set()
        # 1. the job creates the restore point of time t (and its flags)
        if scheme == "reverse":
            for f in chain:
                if f.kind == "F":
                    f.kind = "R"
            chain.append(File(t, "F", 0, set(flags)))
        elif periodic:
            weekday = WEEKDAYS.index({**GFS_CALENDAR_DEFAULTS, **(cal or {})}["weekly_on"])
            full_day = t.weekday() == weekday and t.hour == 22
            if fulls == "monthly":
                full_day = full_day and t.day <= 7
            if not chain or full_day:
                chain_id += 1
                chain.append(File(t, "F", chain_id, set(flags) if full_day else set()))
            else:
                chain.append(File(t, "I", chain_id))
        else:
            chain.append(File(t, "F" if not chain else "I", 0, set(flags)))

        # 2. retention, checked after the job
        if scheme in ("forever_forward", "backup_copy"):
            while len(chain) > points:  # merge the oldest increment into the full
                old = chain.pop(0)
                if old.flags:
                    kept.append(File(old.when, "F", 0, old.flags))
                chain[0] = File(chain[0].when, "F", 0, chain[0].flags)
        elif scheme == "reverse":
            while len(chain) > points:
                old = chain.pop(0)
                if old.flags:
                    kept.append(File(old.when, "F", 0, old.flags))
        else:
            live = {f.chain for f in chain[-points:]}
            for f in chain:
                if f.chain not in live and f.kind == "F" and f.flags:
                    kept.append(File(f.when, "F", 0, f.flags))
            chain = [f for f in chain if f.chain in live]
        # GFS counters, newest first: a primary job counts its flagged fulls in the
        # chain too (R5); a backup copy job only the fulls outside it (R1).
        seen = dict.fromkeys(TIERS, 0)
        if periodic:
            for f in reversed(chain):
                for tier in f.flags:
                    seen[tier] += 1
        keep = []
        for f in reversed(kept):
            ok = False
            for tier in f.flags:
                seen[tier] += 1
                ok = ok or seen[tier] <= counts[tier]
            if ok:
                keep.append(f)
        kept = keep[::-1]

        # 3. measure
        if t >= end - timedelta(days=400):
            stored = 0.0
            files = sorted(kept + chain, key=lambda f: f.when)
            older_full: File | None = None
            older_point: File | None = None
            for f in files:
                s = size(f.when)
                if f.kind in ("I", "R"):
                    stored += change * s
                elif not clone or scheme == "active_full":
                    stored += s
                else:
                    # a cloned full shares the unchanged blocks of the file it clones:
                    # a synthetic full in the chain the previous point, any other full
                    # the next older full kept (the oldest full on disk costs a full)
                    in_chain = periodic and f in chain and f is not chain[0]
                    base = older_point if in_chain else older_full
                    if base is None:
                        stored += s
                    else:
                        gap = (f.when - base.when).total_seconds() / 86400.0
                        stored += s - (1.0 - u(gap)) * size(base.when)
                if f.kind == "F":
                    older_full = f
                older_point = f
            # in fulls of the data size of the moment: the worst phase of the steady
            # state, which the closed form places at the end of the horizon
            worst = max(worst, stored / size(t))
        prev = t
        t += step
    assert prev <= end
    return worst


def closed(scheme: str, points: int, **kw: object) -> float:
    """The closed form in fulls of the end-of-horizon data size."""
    hours = int(kw.pop("hours", 24))  # type: ignore[call-overload]
    change = float(kw.pop("change", 0.1))  # type: ignore[arg-type]
    growth = float(kw.pop("growth", 0.0))  # type: ignore[arg-type]
    fulls = kw.pop("fulls", "weekly")
    clone = bool(kw.pop("clone", False))
    cal: dict = kw.pop("cal", None) or {}  # type: ignore[assignment]
    est = retention_storage(
        1.0,
        daily_change=change * 24.0 / hours,
        scheme=scheme,
        points=points,
        interval=float(hours),
        full_every=fulls,  # type: ignore[arg-type]
        block_clone=clone,
        annual_growth=growth,
        years=1.0,
        **cal,
        **kw,  # type: ignore[arg-type]
    )
    return float(est.stored_gb) / (1.0 + growth)


# ---------------------------------------------------------------------------------------
# Reference values by hand (issue 14 examples: 1000 GiB, 2:1, 10 %/day, pureengine.js)
# ---------------------------------------------------------------------------------------

ISSUE_EXAMPLES = [
    # R1: GFS fulls outside the chain: 500 + 13*50 + 4*500 = 3150
    ("backup_copy", 14, dict(weekly=4), 3150.0),
    # R1: 500 + 59*50 + 4*500 = 5450
    ("backup_copy", 60, dict(weekly=4), 5450.0),
    # R1: 500 + 44*50 + 12*500 = 8700
    ("backup_copy", 45, dict(monthly=12), 8700.0),
    # R2: first-Saturday fulls 35 days apart: 2 fulls + (14 + 35 - 1 - 2) = 46 incs
    ("active_full", 14, dict(full_every="monthly"), 3300.0),
    # R2: 64 points (30 + 35 - 1), 3 fulls, 61 increments
    ("active_full", 30, dict(full_every="monthly"), 4550.0),
    # R5: 36 points, 6 weekly fulls (one also monthly), 8 monthly fulls outside
    ("active_full", 30, dict(weekly=3, monthly=9), 8500.0),
    # R5: monthly fulls, 46 points with 2 fulls (both monthly), 10 monthly outside
    ("active_full", 12, dict(monthly=12, full_every="monthly"), 8200.0),
    # R8: 12-hour points, c = 5 % per run: weekly clone 3c = 15 % of 500 -> 75 each
    ("backup_copy", 14, dict(weekly=4, interval=12.0, block_clone=1), 1125.0),
    # R1 + Fast Clone: oldest GFS a full, the others and the chain's full 3c = 150:
    # 500 + 13*50 + 4*150 = 1750 (the simulator: 500 + 3*150 + 150 + 650)
    ("backup_copy", 14, dict(weekly=4, block_clone=True), 1750.0),
]


@pytest.mark.parametrize(("scheme", "points", "kw", "expected"), ISSUE_EXAMPLES)
def test_issue_examples(scheme, points, kw, expected):
    est = retention_storage(
        1000.0, daily_change=0.1, data_reduction=2.0, scheme=scheme, points=points, **kw
    )
    assert est.stored_gb == pytest.approx(expected, rel=1e-12)


def test_growth_forever_forward_formula():
    # G1: D/r G [(1+g)^-(p-1)/365 + c sum_{a=0}^{p-2} (1+g)^-a/365], 1000 GB, 2:1,
    # 10 %/day, 14 points, 25 %/year over 2 years.
    G = 1.25**2
    expected = 500 * G * (1.25 ** (-13 / 365) + 0.1 * sum(1.25 ** (-a / 365) for a in range(13)))
    est = retention_storage(
        1000.0, daily_change=0.1, data_reduction=2.0, points=14, annual_growth=0.25, years=2.0
    )
    assert est.stored_gb == pytest.approx(expected, rel=1e-12)


def test_calendar_simulator_reproduces_issue_examples():
    # the literal simulator, in fulls of 500 GiB, on the same examples
    assert calendar_simulate("backup_copy", 14, weekly=4) * 500 == pytest.approx(3150.0)
    assert calendar_simulate("backup_copy", 45, monthly=12) * 500 == pytest.approx(8700.0)
    sim = calendar_simulate("active_full", 30, fulls="monthly")
    assert sim * 500 == pytest.approx(4550.0)
    sim = calendar_simulate("active_full", 30, weekly=3, monthly=9)
    assert sim * 500 == pytest.approx(8500.0)
    sim = calendar_simulate("backup_copy", 14, weekly=4, clone=True)
    assert sim * 500 == pytest.approx(1750.0)
    sim = calendar_simulate("backup_copy", 14, weekly=4, clone=True, hours=12, change=0.05)
    assert sim * 500 == pytest.approx(1125.0)


# ---------------------------------------------------------------------------------------
# The closed form against the simulator on random policies
# ---------------------------------------------------------------------------------------


def random_policy(rng: np.random.Generator, family: str) -> tuple[str, int, dict]:
    """A random policy of a scheme family, as calendar_simulate's arguments."""
    p = int(rng.integers(1, 50))
    kw: dict = dict(
        hours=int(rng.choice([24, 24, 12])),
        change=float(rng.choice([0.01, 0.03, 0.05, 0.1, 0.2])),
        clone=bool(rng.integers(0, 2)),
        growth=float(rng.choice([0.0, 0.0, 0.1, 0.3])),
    )
    if family == "backup_copy":
        kw.update(
            weekly=int(rng.integers(0, 9)),
            monthly=int(rng.integers(0, 13)) * int(rng.integers(0, 2)),
            quarterly=int(rng.integers(0, 5)) * int(rng.integers(0, 2)),
            yearly=int(rng.integers(0, 3)) * int(rng.integers(0, 2)),
        )
        return "backup_copy", p, kw
    if family == "primary_gfs":
        kw["clone"] = False
        if rng.integers(0, 2):
            kw.update(fulls="weekly", weekly=int(rng.integers(1, 9)))
            kw["monthly"] = int(rng.integers(0, 13)) * int(rng.integers(0, 2))
        else:
            kw.update(fulls="monthly", monthly=int(rng.integers(1, 13)))
        return "active_full", p, kw
    if family == "monthly_fulls":
        return str(rng.choice(["active_full", "synthetic_full"])), p, dict(kw, fulls="monthly")
    if family == "weekly_fulls":
        return str(rng.choice(["active_full", "synthetic_full"])), p, dict(kw, fulls="weekly")
    return family, p, kw


FAMILIES = ("forever_forward", "reverse", "weekly_fulls", "monthly_fulls", "backup_copy")


def _relative_errors(family: str, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        scheme, p, kw = random_policy(rng, family)
        sim = calendar_simulate(scheme, p, **kw)
        tiers = {k: kw.get(k, 0) for k in ("weekly", "monthly", "quarterly", "yearly")}
        rest = {k: v for k, v in kw.items() if k not in tiers}
        out.append(closed(scheme, p, **rest, **tiers) / sim - 1.0)
    return np.array(out)


@pytest.mark.parametrize("family", ["forever_forward", "reverse", "weekly_fulls"])
def test_closed_form_equals_calendar_simulator(family):
    # chains without GFS, block clone, sub-daily points and growth: exact (G1, R8)
    err = _relative_errors(family, 12, seed=FAMILIES.index(family))
    assert np.max(np.abs(err)) < 1e-9


def test_monthly_fulls_against_calendar_simulator():
    # R2: exact on the calendar as long as the chain spans at most two monthly periods
    err = _relative_errors("monthly_fulls", 10, seed=3)
    assert np.max(np.abs(err)) < 1e-9


@pytest.mark.slow
def test_backup_copy_against_calendar_simulator():
    # R1, quarterly and yearly tiers, Fast Clone, growth: the worst-phase counts and the
    # junction rule keep the closed form within a few percent of the calendar
    err = _relative_errors("backup_copy", 12, seed=4)
    assert np.max(np.abs(err)) < 0.05


def test_primary_gfs_against_calendar_simulator():
    # R5: flagged fulls in the chain count toward their tier
    err = _relative_errors("primary_gfs", 10, seed=5)
    assert np.max(np.abs(err)) < 0.05


@settings(max_examples=15, deadline=None)
@given(
    points=st.integers(1, 40),
    weekly=st.integers(0, 6),
    monthly=st.integers(0, 6),
    change=st.sampled_from([0.02, 0.05, 0.1]),
)
def test_backup_copy_without_clone_matches_calendar(points, weekly, monthly, change):
    # Without Fast Clone a backup copy job stores its chain and the union of its tiers:
    # the closed form never falls below the calendar and is at most one full above it
    # (the worst-phase overlap of the weekly and monthly tiers).
    sim = calendar_simulate("backup_copy", points, weekly=weekly, monthly=monthly, change=change)
    est = closed("backup_copy", points, change=change, weekly=weekly, monthly=monthly)
    assert sim - 1e-9 <= est <= sim + 1.0 + 1e-9


# ---------------------------------------------------------------------------------------
# GFS calendar settings (issue 14, last part)
# ---------------------------------------------------------------------------------------

CALENDAR_EXAMPLES = [
    # Backup copy job, 14 points, 1000 GiB, 2:1, 10 %/day: chain 500 + 13*50 = 1150 GiB,
    # every GFS point outside it a 500 GiB full (R1). The simulator (pureengine.js,
    # markforGFS with GFSMonthlyDayOfMonth, GFSMonthlyDay/MonthWeek, GFSQuarterly*,
    # GFSYearly*) gave the same figures run side by side.
    # 8 weekly + 3 monthly on the first Sunday: the newest monthly within the weekly
    # window is a weekly point: 1150 + (8 + 3 - 1)*500 = 6150
    (dict(weekly=8, monthly=3), {}, 6150.0),
    # monthly on the 1st, or on the first Saturday: no shared point: 1150 + 11*500 = 6650
    (dict(weekly=8, monthly=3), dict(monthly_on="day 1"), 6650.0),
    (dict(weekly=8, monthly=3), dict(monthly_on="first saturday"), 6650.0),
    # the last Sunday is still a Sunday: 6150
    (dict(weekly=8, monthly=3), dict(monthly_on="last sunday"), 6150.0),
    # 6 monthly + 4 quarterly: 2 quarterlies within the 6 months: 1150 + 8*500 = 5150,
    # whichever month of the quarter; on the second Sunday none: 1150 + 10*500 = 6150
    (dict(monthly=6, quarterly=4), {}, 5150.0),
    (dict(monthly=6, quarterly=4), dict(quarterly_month="last"), 5150.0),
    (dict(monthly=6, quarterly=4), dict(quarterly_on="second sunday"), 6150.0),
    # 12 monthly + 2 yearly: 1 yearly within the 12 months: 1150 + 13*500 = 7650, in any
    # month; on the 1st against monthly first Sundays: 1150 + 14*500 = 8150, unless the
    # monthly points are on the 1st too
    (dict(monthly=12, yearly=2), {}, 7650.0),
    (dict(monthly=12, yearly=2), dict(yearly_month="june"), 7650.0),
    (dict(monthly=12, yearly=2), dict(yearly_on="day 1"), 8150.0),
    (dict(monthly=12, yearly=2), dict(yearly_on="day 1", monthly_on="day 1"), 7650.0),
    (dict(monthly=12, yearly=2), dict(yearly_on="last sunday"), 8150.0),
    (dict(monthly=12, yearly=2), dict(yearly_on="last sunday", monthly_on="last sunday"), 7650.0),
]


@pytest.mark.parametrize(("tiers", "cal", "expected"), CALENDAR_EXAMPLES)
def test_calendar_examples(tiers, cal, expected):
    est = retention_storage(
        1000.0, daily_change=0.1, data_reduction=2.0, scheme="backup_copy", points=14,
        **tiers, **cal,
    )  # fmt: skip
    assert est.stored_gb == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("tiers", "cal", "expected"), CALENDAR_EXAMPLES[::2])
def test_calendar_simulator_reproduces_calendar_examples(tiers, cal, expected):
    sim = calendar_simulate("backup_copy", 14, cal=cal, **tiers)
    assert sim * 500 == pytest.approx(expected)


def random_calendar(rng: np.random.Generator) -> dict:
    """Random GFS calendar settings: the default, or a day that moves with a coin."""

    def day() -> str:
        if rng.integers(0, 3) == 0:
            return f"day {int(rng.integers(1, 32))}"
        return f"{rng.choice(WEEKS)} {rng.choice(['sunday', 'sunday', 'saturday', 'monday'])}"

    cal: dict = {}
    if rng.integers(0, 2):
        cal["weekly_on"] = str(rng.choice(["sunday", "saturday", "wednesday"]))
    for key in ("monthly_on", "quarterly_on", "yearly_on"):
        if rng.integers(0, 2):
            cal[key] = day()
    cal["quarterly_month"] = str(rng.choice(["first", "last"]))
    cal["yearly_month"] = int(rng.integers(1, 13))
    return cal


def _calendar_errors(n: int, seed: int, *, clone: bool, growth: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        _, p, kw = random_policy(rng, "backup_copy")
        kw.update(clone=clone and kw["clone"], cal=random_calendar(rng))
        if not growth:
            kw["growth"] = 0.0
        sim = calendar_simulate("backup_copy", p, **kw)
        out.append(closed("backup_copy", p, **kw) / sim - 1.0)
    return np.array(out)


def test_calendar_settings_against_calendar_simulator():
    # Which tiers share points follows the calendar (gfs_nesting): without Fast Clone
    # and growth the closed form is the literal simulator's worst moment, or above it
    # where a tier nests in some finer tiers with points but not all (it is then given
    # no shared points, docs/retention.md, Calendar); never below it.
    err = _calendar_errors(10, seed=14, clone=False, growth=False)
    assert np.min(err) > -1e-9 and np.max(err) < 0.5
    assert np.mean(np.abs(err) < 1e-9) >= 0.5


def test_calendar_settings_with_clone_and_growth_against_calendar_simulator():
    # With Fast Clone a tier that shares no points prices each of its points at its own
    # period's change, where the simulator clones a point that falls between a finer
    # tier's points from its nearer neighbour: the closed form is on the safe side
    # (docs/retention.md, Calendar); growth adds the few percent of the default calendar.
    err = _calendar_errors(10, seed=15, clone=True, growth=True)
    assert np.min(err) > -0.05 and np.max(err) < 0.5


@pytest.mark.parametrize(
    "moved",
    [
        dict(monthly_on="last sunday", quarterly_on="last sunday", yearly_on="last sunday"),
        dict(quarterly_month="last", yearly_month="march"),
        dict(yearly_month="july"),
        dict(
            weekly_on="wednesday",
            monthly_on="third wednesday",
            quarterly_on="third wednesday",
            yearly_on="third wednesday",
        ),
    ],
)
def test_week_and_month_of_nested_tiers_do_not_change_storage(moved):
    # The claim of gfs_nesting and docs/retention.md: the week of the month, the month of
    # the quarter or year and the weekday (all tiers together) leave the tiers nested and
    # their points a period apart, so the literal simulator's worst moment is unchanged.
    rng = np.random.default_rng(16)
    for _ in range(4):
        _, p, kw = random_policy(rng, "backup_copy")
        kw["growth"] = 0.0
        base = calendar_simulate("backup_copy", p, **kw)
        assert calendar_simulate("backup_copy", p, cal=moved, **kw) == pytest.approx(
            base, rel=1e-9
        )
        assert closed("backup_copy", p, cal=moved, **kw) == pytest.approx(
            closed("backup_copy", p, **kw), rel=1e-12
        )

"""Hypothesis strategies shared by the test suite.

One section per library module, headed ``# --- <module> ---``.  Import with
``from strategies import ...`` (``tests/`` is on ``sys.path`` under pytest).
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

# --- units ---

#: Spellings of duration units accepted by ``parse_duration``, in hours.
DURATION_UNIT_HOURS: dict[str, float] = {
    "s": 1 / 3600,
    "sec": 1 / 3600,
    "seconds": 1 / 3600,
    "m": 1 / 60,
    "min": 1 / 60,
    "minutes": 1 / 60,
    "h": 1.0,
    "hr": 1.0,
    "hours": 1.0,
    "d": 24.0,
    "day": 24.0,
    "days": 24.0,
    "w": 168.0,
    "wk": 168.0,
    "weeks": 168.0,
    "mo": 730.0,
    "month": 730.0,
    "months": 730.0,
    "y": 8760.0,
    "yr": 8760.0,
    "years": 8760.0,
}

#: Size units accepted by ``parse_size``, in decimal GB.
SIZE_UNIT_GB: dict[str, float] = {
    "B": 1e-9,
    "kB": 1e-6,
    "MB": 1e-3,
    "GB": 1.0,
    "TB": 1e3,
    "PB": 1e6,
    "KiB": 1024 / 1e9,
    "MiB": 1024**2 / 1e9,
    "GiB": 1024**3 / 1e9,
    "TiB": 1024**4 / 1e9,
    "PiB": 1024**5 / 1e9,
}

#: Currencies used in money round trips: with a symbol ($, €, £) and without.
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "CHF", "JPY", "SEK")

#: Period labels accepted by ``format_money`` (None: no suffix).
MONEY_PERIOD_LABELS: tuple[str | None, ...] = (None, "h", "d", "mo", "yr")


def _non_negative(max_value: float) -> st.SearchStrategy[float]:
    # Subnormals are excluded: they carry too few digits for relative tolerances.
    return st.floats(
        min_value=0.0,
        max_value=max_value,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )


def durations() -> st.SearchStrategy[float]:
    """Durations in hours, from 0 to about 1000 years."""
    return _non_negative(1e7)


def sizes() -> st.SearchStrategy[float]:
    """Sizes in GB, from 0 to 1000 EB."""
    return _non_negative(1e12)


def throughputs() -> st.SearchStrategy[float]:
    """Data throughputs in GB/h."""
    return _non_negative(1e9)


def bandwidths() -> st.SearchStrategy[float]:
    """Link bandwidths in Mbit/s."""
    return _non_negative(1e9)


def money_amounts() -> st.SearchStrategy[float]:
    """Amounts of money, from 0 to 10**12."""
    return _non_negative(1e12)


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes, with and without a currency symbol."""
    return st.sampled_from(CURRENCIES)


def money_period_labels() -> st.SearchStrategy[str | None]:
    """Period labels for ``format_money``."""
    return st.sampled_from(MONEY_PERIOD_LABELS)


@st.composite
def decimal_texts(draw: st.DrawFn, max_value: int = 10**6) -> tuple[str, float]:
    """A non-negative decimal number as text (maybe with thousands commas), and its value."""
    number = draw(
        st.decimals(
            min_value=0, max_value=max_value, places=3, allow_nan=False, allow_infinity=False
        )
    )
    text = draw(st.sampled_from([f"{number:f}", f"{number:,f}"]))
    return text, float(number)


def _spellings(unit: str) -> st.SearchStrategy[str]:
    return st.sampled_from([unit, unit.lower(), unit.upper(), unit.title()])


@st.composite
def duration_texts(draw: st.DrawFn) -> tuple[str, float]:
    """A duration string such as ``" 1,500.25 Hours"`` and its value in hours."""
    number, value = draw(decimal_texts())
    unit = draw(st.sampled_from(sorted(DURATION_UNIT_HOURS)))
    gap, pad = draw(st.sampled_from(["", " "])), draw(st.sampled_from(["", " ", "\t"]))
    return f"{pad}{number}{gap}{draw(_spellings(unit))}{pad}", value * DURATION_UNIT_HOURS[unit]


@st.composite
def size_texts(draw: st.DrawFn) -> tuple[str, float]:
    """A size string such as ``"12.5 tib"`` and its value in GB."""
    number, value = draw(decimal_texts())
    unit = draw(st.sampled_from(sorted(SIZE_UNIT_GB)))
    gap = draw(st.sampled_from(["", " "]))
    return f"{number}{gap}{draw(_spellings(unit))}", value * SIZE_UNIT_GB[unit]


def unit_junk() -> st.SearchStrategy[str]:
    """Arbitrary text, and near misses built from the characters of valid inputs."""
    near_miss = st.text(alphabet="0123456789.,:%$€£ -+/PTeEkKmMgGbBiIhHdDsSwxyro", max_size=16)
    return st.one_of(st.text(max_size=24), near_miss)


# --- models / catalogs ---

from rtocalc import BusinessImpact, Catalog, Requirements, Workload  # noqa: E402
from rtocalc.models import PLACEMENTS  # noqa: E402

_SOURCE = {"source": "test fixture", "date": "2026-11-27"}


def _target(
    location: str,
    roles: list[str],
    price: float,
    write: float,
    read: float,
    delay: float,
    immutable: bool,
    clone: bool,
    instant: float | None = None,
) -> dict[str, object]:
    return {
        "instant_recovery": instant is not None,
        "instant_recovery_time": instant or 0.0,
        "label": "",
        "location": location,
        "roles": roles,
        "price_per_gb_month": price,
        "write_throughput": write,
        "read_throughput": read,
        "retrieval_delay": delay,
        "immutable": immutable,
        "block_clone": clone,
        "job_overhead": 0.05,
        **_SOURCE,
    }


@st.composite
def small_catalogs(
    draw: st.DrawFn,
    primary: int = 2,
    offsite_methods: int = 2,
    links: int = 2,
    standby: int = 2,
    protection: int = 0,
) -> Catalog:
    """Random catalogs with a handful of options: design spaces of tens to hundreds of rows.

    ``protection`` > 0 adds up to that many protection mechanisms (snapshots, journals,
    database log backups and replicas) with random figures.
    """
    price = st.floats(0.001, 0.05)
    rate = st.floats(100.0, 5000.0)
    targets: dict[str, object] = {}
    for i in range(draw(st.integers(1, primary))):
        targets[f"p{i}"] = _target(
            draw(st.sampled_from(["primary", "cloud"])),
            ["primary", "longterm"],
            draw(price),
            draw(rate),
            draw(rate),
            0.0,
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.none() | st.floats(0.0, 0.5)),
        )
    offsite: dict[str, object] = {}
    for i in range(draw(st.integers(0, offsite_methods))):
        loc = draw(st.sampled_from(["cloud", "vault", "second_site"]))
        targets[f"o{i}"] = _target(
            loc,
            ["offsite", "longterm"],
            draw(price),
            draw(rate),
            draw(rate),
            draw(st.floats(0.0, 12.0)),
            draw(st.booleans()),
            False,
        )
        offsite[f"m{i}"] = {
            "target": f"o{i}",
            "lag": draw(st.sampled_from([0.0, 24.0, 168.0])),
            "price_per_month": draw(st.floats(0.0, 500.0)),
            **_SOURCE,
        }
        if loc == "second_site":  # own hardware, its own circuit, in or outside the region
            targets[f"o{i}"]["outside_region"] = draw(st.booleans())
            targets[f"o{i}"]["own_site"] = {
                "server_price": draw(st.floats(1_000.0, 50_000.0)),
                "server_usable_gb": draw(st.floats(10_000.0, 500_000.0)),
                "server_power_kw": draw(st.floats(0.0, 1.0)),
                "host_price": draw(st.floats(0.0, 30_000.0)),
                "amortisation_years": draw(st.sampled_from([3.0, 5.0])),
                "price_per_kw_month": draw(st.floats(0.0, 400.0)),
            }
            offsite[f"m{i}"]["bandwidth"] = draw(st.sampled_from([0.0, 100.0, 1000.0]))
    link_table = {
        f"l{i}": {"bandwidth": bw, "price_per_month": bw * draw(st.floats(0.1, 1.0)), **_SOURCE}
        for i, bw in enumerate(
            draw(
                st.lists(
                    st.sampled_from([50.0, 200.0, 1000.0, 10000.0]),
                    min_size=1,
                    max_size=links,
                    unique=True,
                )
            )
        )
    }
    strategies: dict[str, object] = {
        "restore": {"provisioning_time": draw(st.floats(0.0, 8.0)), **_SOURCE}
    }
    for i in range(draw(st.integers(0, standby))):
        local = draw(st.booleans())  # a same-site pair, or a standby at a second site
        strategies[f"s{i}"] = {
            "failover_time": draw(st.floats(0.0, 1.0)),
            "provisioning_time": draw(st.floats(0.0, 2.0)),
            "standby_fraction": draw(st.floats(0.05, 1.0)),
            "replica": True,
            "replica_storage": draw(st.booleans()),
            "automatic": draw(st.booleans()),
            "health_check": draw(st.floats(0.0, 0.1)),
            "replica_site": "primary" if local else "secondary",
            "survives": ["hardware"] if local else ["hardware", "site"],
            "replication_modes": ["sync"]
            if local
            else draw(st.sampled_from([["async", "sync"], ["sync"], ["async"]])),
            "witness_price_per_month": draw(st.floats(0.0, 50.0)),
            **_SOURCE,
        }
    if draw(st.booleans()):  # a recovery into the cloud, compute on demand
        strategies["cloud"] = {
            "provisioning_time": draw(st.floats(0.0, 4.0)),
            "recovers_in_cloud": True,
            "compute_price_per_hour": draw(st.floats(0.0, 5.0)),
            "cloud_run_time": draw(st.floats(0.0, 720.0)),
            **_SOURCE,
        }
    mechanisms = {
        f"x{i}": _protection_entry(draw, price, rate)
        for i in range(draw(st.integers(0, protection)))
    }
    return Catalog.from_dict(
        {
            "catalog": {"name": "random", "currency": "USD", "amortisation_years": 3},
            "targets": targets,
            "offsite": offsite,
            "links": link_table,
            "strategies": strategies,
            "protection": mechanisms,
            "replication": {
                "async_lag": 0.01,
                "sync_max_distance_km": 100.0,
                "replica_price_per_gb_month": draw(price),
                **_SOURCE,
            },
            "operations": {"drills_per_year": 2, "drill_hours": 8, "labor_rate": 100, **_SOURCE},
        }
    )


def _protection_entry(
    draw: st.DrawFn, price: st.SearchStrategy[float], rate: st.SearchStrategy[float]
) -> dict[str, object]:
    """One random protection mechanism (catalog entry as a mapping)."""
    kind = draw(st.sampled_from(["snapshot", "journal", "log_backup", "replica"]))
    immutable = draw(st.booleans())
    window = draw(st.sampled_from([0.0, 4.0, 24.0, 168.0]))
    if immutable and window == 0.0:
        window = 24.0
    revert = draw(st.none() | st.floats(0.005, 1.0))
    mount = draw(st.floats(0.01, 1.0) if revert is None else st.none() | st.floats(0.01, 1.0))
    span = draw(st.sampled_from([0.0, 0.0, 4.0, 24.0]))
    return {
        "kind": kind,
        "interval": draw(st.sampled_from([0.0, 10 / 3600, 0.25, 1.0])),
        "window": window,
        "placement": draw(st.sampled_from(PLACEMENTS)),
        "immutable": immutable,
        "database_only": kind in ("log_backup", "replica"),
        "revert_time": revert,
        "mount_time": mount,
        "item_throughput": draw(rate) if mount is not None else 0.0,
        "replay_span": span,
        "replay_rate": draw(rate) if span else 0.0,
        "automatic": draw(st.booleans()),
        "health_check": draw(st.floats(0.0, 0.05)),
        "price_per_gb_month": draw(price),
        "full_copy": draw(st.booleans()),
        "licence_per_month": draw(st.floats(0.0, 200.0)),
        "licence_per_tb_month": draw(st.floats(0.0, 50.0)),
        "compute_fraction": draw(st.floats(0.0, 1.0)),
        "setup_cost": draw(st.floats(0.0, 10_000.0)),
        **_SOURCE,
    }


@st.composite
def workloads(draw: st.DrawFn, kinds: tuple[str, ...] = ("server",)) -> Workload:
    """Workloads from 50 GB to 50 TB (of one of ``kinds``: 'server', 'database')."""
    return Workload(
        kind=draw(st.sampled_from(kinds)),
        data_size=draw(st.floats(50.0, 50_000.0)),
        daily_change=draw(st.floats(0.001, 0.2)),
        annual_growth=draw(st.floats(0.0, 0.5)),
        data_reduction=draw(st.floats(1.0, 4.0)),
        compute_cost=draw(st.floats(0.0, 20_000.0)),
        horizon=draw(st.sampled_from([0.0, 1.0, 3.0])),
    )


@st.composite
def asks(draw: st.DrawFn, ransomware_in_reach: bool = False) -> Requirements:
    """Business asks: RPO from minutes to a day, RTO from minutes to days.

    The RTO is one duration for every scope, which the shipped ransomware scenario never
    meets (its containment, 5 d typical and 28 d worst, precedes every recovery: issue 13
    item 5). With ``ransomware_in_reach`` the ransomware scope's limit is that duration
    plus the shipped scenario's containment for the ask's incident, the others keep it.
    """
    ask = Requirements(
        rpo=draw(st.floats(0.05, 30.0)),
        rto=draw(st.floats(0.05, 96.0)),
        retention={
            "daily": draw(st.integers(1, 30)),
            "weekly": draw(st.integers(0, 8)),
            "monthly": draw(st.integers(0, 12)),
            "quarterly": draw(st.sampled_from([0, 0, 4])),
            "yearly": draw(st.integers(0, 3)),
        },
        offsite=draw(st.booleans()),
        immutable=draw(st.booleans()),
        incident=draw(st.sampled_from(["typical", "worst"])),
    )
    if not ransomware_in_reach:
        return ask
    (x,) = (x for x in BusinessImpact().scenarios if x.scope == "ransomware")
    rto = float(ask.rto)  # type: ignore[arg-type]
    reach = rto + x.containment_for(worst=ask.incident == "worst")
    limits = {sc: reach if sc == "ransomware" else rto for sc in SCOPES}
    return ask.model_copy(update={"rto": Requirements(rpo=ask.rpo, rto=limits).rto})


# --- models json ---

from rtocalc.models import SCOPES  # noqa: E402


@st.composite
def workload_models(draw: st.DrawFn) -> Workload:
    """Workloads over the whole valid range of every field, as canonical floats.

    The horizon is cut where growth would take the data beyond 1e12 GB (a zettabyte), the
    largest final size a workload accepts.
    """
    size = draw(sizes())
    growth = draw(_non_negative(10.0))
    horizon = draw(_non_negative(50.0))
    if growth > 0.0 and horizon > 0.0:
        room = math.log(1e12 / size) / math.log1p(growth) if size > 0.0 else math.inf
        horizon = min(horizon, max(room * (1.0 - 1e-9), 0.0))
        if size * (1.0 + growth) ** horizon > 1e12:  # rounding at the very edge of the cap
            horizon = 0.0
    return Workload(
        data_size=size,
        daily_change=draw(_non_negative(1.0)),
        annual_growth=growth,
        data_reduction=draw(st.floats(1.0, 100.0)),
        peak_write_rate=draw(st.none() | throughputs()),
        compute_cost=draw(money_amounts()),
        secondary_distance_km=draw(_non_negative(1e5)),
        horizon=horizon,
    )


def per_scope_limits() -> st.SearchStrategy[float | dict[str, float]]:
    """One duration for every scope, or a table of durations by (some) scopes."""
    return durations() | st.dictionaries(st.sampled_from(SCOPES), durations(), max_size=5)


@st.composite
def requirement_models(draw: st.DrawFn) -> Requirements:
    """Business asks over the valid ranges, with per-scope tables, mtd/wrt and budget."""
    mtd = draw(st.none() | durations())
    wrt = draw(_non_negative(mtd)) if mtd is not None else draw(durations())
    return Requirements(
        rpo=draw(per_scope_limits()),
        rto=draw(per_scope_limits()),
        retention={
            "daily": draw(st.integers(1, 3650)),
            "weekly": draw(st.integers(0, 520)),
            "monthly": draw(st.integers(0, 1200)),
            "quarterly": draw(st.integers(0, 400)),
            "yearly": draw(st.integers(0, 100)),
            **draw(gfs_calendars()),
        },
        offsite=draw(st.booleans()),
        immutable=draw(st.booleans()),
        budget=draw(st.none() | money_amounts()),
        mtd=mtd,
        wrt=wrt,
        incident=draw(st.sampled_from(["typical", "worst"])),
    )


@st.composite
def gfs_calendars(draw: st.DrawFn) -> dict[str, Any]:
    """GFS calendar settings of a retention (some of them, in any accepted spelling)."""
    from rtocalc.units import MONTHS, WEEKDAYS, WEEKS

    weekday = st.sampled_from(WEEKDAYS)
    day = st.builds(lambda w, d: f"{w} {d}", st.sampled_from(WEEKS), weekday) | st.builds(
        lambda n: f"day {n}", st.integers(1, 31)
    )
    # the defaults often, so that tiers nest in some draws and not in others
    settings = {
        "weekly_on": st.just("sunday") | weekday,
        "monthly_on": st.just("first sunday") | day,
        "quarterly_on": st.just("first sunday") | day,
        "quarterly_month": st.sampled_from(["first", "last"]),
        "yearly_on": st.just("first sunday") | day,
        "yearly_month": st.sampled_from(MONTHS) | st.integers(1, 12),
    }
    keys = draw(st.lists(st.sampled_from(sorted(settings)), unique=True, max_size=6))
    return {key: draw(settings[key]) for key in keys}


@st.composite
def retention_policies(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments of :func:`rtocalc.retention_storage` (without ``data_size``).

    Every scheme, full period (days, ``"weekly"`` or ``"monthly"``), interval, GFS tier,
    block clone as a bool or 0/1, both GFS change models, and growth over a horizon.
    Intervals are any from 15 minutes to two years (the usual ones often: hours, days,
    a week, a month, a year), with growth at every interval (docs/retention.md,
    *Monotone by construction*).
    """
    from rtocalc.retention import GFS_CHANGE_METHODS, SCHEMES

    usual = st.sampled_from(
        [1.0, 4.0, 12.0, 24.0, 48.0, 72.0, 96.0, 120.0, 168.0, 336.0, 720.0, 744.0, 8760.0]
    )
    interval = draw(usual | st.floats(0.25, 168.0) | st.floats(0.25, 17520.0))
    growth = [0.0, 0.0, 0.05, 0.3, 1.0, 3.0]
    return dict(
        daily_change=draw(st.sampled_from([0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 1.0])),
        data_reduction=draw(st.sampled_from([1.0, 2.0])),
        scheme=draw(st.sampled_from(SCHEMES)),
        points=draw(st.integers(1, 90)),
        interval=interval,
        full_every=draw(
            st.sampled_from(["weekly", "monthly", 1.0, 2.0, 3.0, 7.0, 10.0, 30.0])
            | st.floats(0.1, 60.0, allow_nan=False)
        ),
        weekly=draw(st.integers(0, 70)),
        monthly=draw(st.integers(0, 40)),
        quarterly=draw(st.integers(0, 12)),
        yearly=draw(st.integers(0, 10)),
        block_clone=draw(st.sampled_from([False, True, 0, 1])),
        gfs_change_method=draw(st.sampled_from(GFS_CHANGE_METHODS)),
        annual_growth=draw(st.sampled_from(growth)),
        years=draw(st.sampled_from([0.0, 1.0, 3.0])),
        **draw(gfs_calendars()),
    )

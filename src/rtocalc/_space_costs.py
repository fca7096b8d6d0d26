"""Storage and monthly outlay of every row of a space.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import _space_protection as _protection
from . import cost, physics, ransomware
from ._space_design import DesignSpace, WorkloadColumns
from ._space_tables import TABLES_LOCK, FloatArray, IntArray, Tables, finest_gfs_period
from .models import SCHEMES, Catalog, IsolatedRecovery, Retention, Workload
from .retention import gfs_nesting, retention_columns, unique_change
from .units import DAYS_PER_WEEK, GB_PER_TB, HOURS_PER_DAY, HOURS_PER_MONTH, MONTHS_PER_YEAR


@dataclass
class RowCosts:
    """Monthly outlay of every row and the storage behind it."""

    outlay: FloatArray  # (N,) [currency/month]
    breakdown: dict[str, FloatArray]  # item -> (N,) [currency/month]
    storage: dict[str, FloatArray]  # role (primary, offsite, longterm) -> (N,) [GB]
    purchases: FloatArray  # (N,) one-off purchases before amortisation [currency]


def row_costs(
    space: DesignSpace,
    interval: FloatArray,
    workload: Workload | WorkloadColumns,
    ret: Retention,
    catalog: Catalog,
    isolated: IsolatedRecovery | None = None,
) -> RowCosts:
    """Storage and monthly outlay of every row at the given backup intervals (with the
    cost item ``isolated_recovery`` where the ask names a clean room, ``isolated``).

    Outlay is non-increasing in the interval (only the increments of the current day
    depend on it), so the costs at the longest interval are a lower bound: the optimiser
    uses that to evaluate the cheapest rows first.

    Every other figure depends on a row's catalog choices alone (:func:`_choice_costs`).
    With one workload they are computed once per combination of target, scheme, off-site
    method and long-term target (:func:`_choice_tables`) and gathered per row by one
    code, which gives the same numbers as computing them per row (elementwise IEEE
    operations do not care where they run) for a fraction of the column operations; with
    one workload per row they are computed per row.
    """
    tab = Tables.of(catalog)
    D = workload.final_size  # [GB], before data reduction
    full = D / workload.data_reduction  # a full backup [GB]
    if isinstance(workload, WorkloadColumns):
        t, scheme, o, lt = space.target, space.scheme, space.offsite, space.longterm
        fig = _choice_costs(tab, catalog, workload, ret, full, t, scheme, o, lt)

        def pick(name: str) -> FloatArray:
            return np.asarray(fig[name], dtype=float)

        standby = _standby_costs(tab, catalog, workload.compute_cost, D, space.strategy)
    else:
        tables, standby_table = _choice_tables(tab, catalog, workload, ret)
        code = _choice_code(space, tab)

        def pick(name: str) -> FloatArray:
            # codes are in range by construction, and "clip" saves the default mode's
            # bounds check, a third of the cost of the gather
            return np.take(tables[name], code, mode="clip")

        standby = standby_table[space.strategy]

    # Storage is sized as for one restore point a day (the restore-point simulators'
    # schedule): with the linear change model, sub-daily points hold the same changed
    # blocks, plus the increments of the current, incomplete day, c (1 - I/24) of a full.
    # They go on the chain and on the off-site copy before the floor of the minimum
    # storage durations is applied to the bill, so they are added per row.
    c = workload.daily_change
    intraday = full * c * (1.0 - np.minimum(interval, HOURS_PER_DAY) / HOURS_PER_DAY)
    primary = pick("short_p") + intraday
    primary += pick("long_chain")
    offsite = pick("short_o") + intraday
    np.putmask(offsite, space.offsite < 0, 0.0)  # no off-site copy
    storage = np.asarray(
        cost.storage_cost(
            primary,
            pick("price_p"),
            min_storage_days=pick("min_days_p"),
            ingest_per_day=pick("ingest_p"),
        )
        + cost.storage_cost(
            offsite,
            pick("price_o"),
            min_storage_days=pick("min_days_o"),
            ingest_per_day=pick("ingest_o"),
        ),
        dtype=float,
    )
    storage += pick("storage_l")
    breakdown = {
        "storage": storage,
        "requests": pick("requests"),
        "link": tab.link_price[space.link],
        "circuit": tab.circuit[space.link],
        "standby": np.asarray(standby, dtype=float),
        # backup software per workload; replication software where the design replicates
        # to a standby; the protection mechanism's licence
        "licences": pick("licences")
        + _replication_licence(catalog, workload, space.replication)
        + _protection.licences(catalog, space.protection, workload),
        "offsite_fees": pick("fees"),
        "drills": pick("drills"),
        "one_time": pick("one_time"),
        # the design's protection mechanism: storage, licences, a replica's server, setup
        "protection": _protection.monthly(catalog, space.protection, workload),
    }
    purchases = pick("purchases")
    if isolated is not None:  # the ask's clean room: the same for every row of a workload
        # its run cost here, its setup with the one-off purchases (amortised)
        years = catalog.catalog.amortisation_years
        room = ransomware.clean_room_cost(
            isolated.price_per_month, isolated.price_per_tb_month, D, 0.0, years
        )
        breakdown["isolated_recovery"] = np.broadcast_to(
            np.asarray(room, dtype=float), (len(space),)
        ).copy()
        breakdown["one_time"] = breakdown["one_time"] + cost.amortised_cost(
            isolated.setup_cost, years
        )
        purchases = purchases + isolated.setup_cost
    items = iter(breakdown.values())
    outlay = next(items).copy()
    for item in items:
        outlay += item
    return RowCosts(
        outlay=outlay,
        breakdown=breakdown,
        storage={"primary": primary, "offsite": offsite, "longterm": pick("long_sep")},
        purchases=purchases,
    )


def _replication_licence(
    catalog: Catalog, workload: Workload | WorkloadColumns, replication: IntArray
) -> FloatArray:
    """Monthly licence of the replication to a standby per row [currency/month]
    (:func:`rtocalc.cost.licence_cost`): a database workload's replica per licensed core
    (an availability group's edition), a server's replication software per workload
    (columns of several workloads are taken as servers); 0 without replication."""
    lic = catalog.licences
    if isinstance(workload, Workload) and workload.kind == "database":
        per = cost.licence_cost(lic.database_replica_cores, lic.database_replica_per_core_per_year)
    else:
        per = cost.licence_cost(1.0, lic.replication_per_workload_per_year)
    return np.where(replication > 0, float(per), 0.0)


def _choice_costs(
    tab: Tables,
    catalog: Catalog,
    workload: Workload | WorkloadColumns,
    ret: Retention,
    full: Any,
    t: Any,
    scheme: Any,
    o: Any,
    lt: Any,
) -> dict[str, Any]:
    """Every figure of :func:`row_costs` that does not depend on the backup interval.

    Storage [GB] without the current day's increments; the chain's and the off-site
    copy's price, minimum storage duration and daily ingest (their bills need those
    increments first); the bill of a separate long-term tier; off-site fees, one-time
    costs and drills.

    The choices, target ``t``, ``scheme``, off-site method ``o`` and long-term target
    ``lt`` (-1 none), broadcast: per-row columns give per-row figures (``workload`` may
    then have one workload per row), the axes of :func:`_choice_grid` one figure per
    combination. ``full`` is the workload's full backup [GB].
    """
    c = workload.daily_change
    off_t = tab.off_target[o]
    pairs = None
    if isinstance(workload, WorkloadColumns):
        # per-row tables only for the (scheme, block clone) pairs the rows read: the
        # chain's target, the off-site copy's and the long-term one's (a Monte Carlo
        # block of one design reads one or two of the ten)
        pairs = np.unique(
            np.concatenate(
                [np.ravel(scheme * 2 + tab.clone[x] + np.zeros_like(t)) for x in (t, off_t, lt)]
            )
        )
    short_tab, long_tab, which = _storage_tables(workload, ret, pairs)

    def at(table: FloatArray, targets: Any) -> Any:
        """Each choice's entry for its scheme on ``targets`` (block clone or not)."""
        idx = scheme * 2 + tab.clone[targets]
        if which is None:
            return table[idx]
        n_w, w, slot = which
        return table[slot[idx] * n_w + w]

    # a chain writes a day's change, plus a full a week for periodic fulls unless they are
    # fast-cloned synthetic fulls; a separate GFS tier receives one point per period of its
    # finest tier, a full or (block clone) the blocks changed since the previous point.
    clone_b = tab.clone.astype(bool)
    weekly_full = (scheme >= 2) & ~((scheme == 2) & clone_b[t])
    weekly_full_o = (scheme >= 2) & ~((scheme == 2) & clone_b[off_t])
    long_sep = np.where(lt >= 0, at(long_tab, lt), 0.0)
    if ret.gfs:
        period_days = finest_gfs_period(ret) / HOURS_PER_DAY
        gfs_point = np.where(
            clone_b[lt] & (scheme != 3), full * unique_change(period_days, c), full
        )
        ingest_l = np.where(lt >= 0, gfs_point / period_days, 0.0)
    else:
        ingest_l = np.zeros(np.shape(long_sep))
    ops = catalog.operations
    ingest_p = full * c + np.where(weekly_full, full / DAYS_PER_WEEK, 0.0)
    ingest_o = full * c + np.where(weekly_full_o, full / DAYS_PER_WEEK, 0.0)
    # object-storage requests: a month of each copy's writes, and the drills' reads
    days = HOURS_PER_MONTH / HOURS_PER_DAY
    put, kib = tab.put_price, tab.obj_kib
    requests = (
        cost.request_cost(ingest_p * days, put[t], kib[t])
        + np.where(o >= 0, cost.request_cost(ingest_o * days, put[off_t], kib[off_t]), 0.0)
        + np.where(lt >= 0, cost.request_cost(ingest_l * days, put[lt], kib[lt]), 0.0)
        + cost.request_cost(
            ops.drills_per_year / MONTHS_PER_YEAR * full, tab.get_price[t], kib[t]
        )
    )
    # one-off purchases: each target's setup, paid once when it plays two roles; a tape
    # library sized for the week's writes of the roles it plays
    week_o = np.where(o >= 0, DAYS_PER_WEEK * ingest_o, 0.0)
    week_l = np.where(lt >= 0, DAYS_PER_WEEK * ingest_l, 0.0)
    purchases = (
        _purchase(tab, t, 0.0)
        + np.where(
            off_t != t, _purchase(tab, off_t, week_o + np.where(lt == off_t, week_l, 0.0)), 0.0
        )
        + np.where((lt != t) & (lt != off_t), _purchase(tab, lt, week_l), 0.0)
    )
    lic = catalog.licences
    return {
        "short_p": at(short_tab, t),
        "long_chain": np.where(lt >= 0, 0.0, at(long_tab, t)),
        "short_o": np.where(o >= 0, at(short_tab, off_t), 0.0),
        "long_sep": long_sep,
        "price_p": tab.price[t],
        "min_days_p": tab.min_days[t],
        "ingest_p": ingest_p,
        "price_o": tab.price[off_t],
        "min_days_o": tab.min_days[off_t],
        "ingest_o": ingest_o,
        "storage_l": cost.storage_cost(
            long_sep, tab.price[lt], min_storage_days=tab.min_days[lt], ingest_per_day=ingest_l
        ),
        "fees": tab.off_price[o],
        "requests": requests,
        "licences": cost.licence_cost(
            1.0,
            lic.per_workload_per_year,
            full * workload.data_reduction / GB_PER_TB,
            lic.per_tb_per_year,
        ),
        "purchases": purchases,
        "one_time": cost.amortised_cost(purchases, catalog.catalog.amortisation_years),
        "drills": cost.drill_cost(
            ops.drills_per_year,
            ops.drill_hours,
            ops.labor_rate,
            full,
            tab.read_price[t],
        ),
    }


def _purchase(tab: Tables, target: Any, week_gb: Any) -> Any:
    """One-off purchase of ``target`` [currency]: its setup cost, or for a tape library
    the library with the drives and slots that ``week_gb`` written a week needs
    (:func:`rtocalc.physics.tape_drives`, :func:`rtocalc.physics.tape_slots`)."""
    cart = tab.cartridge[target]
    tape = cart > 0.0
    if not np.any(tape):
        return tab.setup[target]
    lib = tab.lib[target]  # (..., 7)
    d0, n0, p_d, p_m, n_m, spare, window = np.moveaxis(lib, -1, 0)
    drives = physics.tape_drives(week_gb, tab.write[target], window)
    slots = physics.tape_slots(week_gb, np.where(tape, cart, 1.0), spare)
    library = cost.tape_library_cost(drives, slots, tab.setup[target], d0, n0, p_d, p_m, n_m)
    return np.where(tape, library, tab.setup[target])


def _standby_costs(
    tab: Tables, catalog: Catalog, compute: Any, final_size: Any, st: IntArray
) -> Any:
    """Standby cost of strategies ``st`` (-1 none) [currency/month].

    ``compute`` (production compute [currency/month]) and ``final_size`` [GB] broadcast
    with ``st``: per-row columns, or one workload's figures with every strategy.
    """
    ops = catalog.operations
    return cost.standby_cost(
        compute,
        tab.standby_fraction[st],
        np.where(tab.replica_storage[st], final_size, 0.0),
        catalog.replication.replica_price_per_gb_month,
        witness=tab.witness[st],
    ) + cost.drill_cost(
        # a recovery into the cloud is drilled there: its compute runs for each drill's
        # hours (the drill formula at the compute's hourly price; 0 for other strategies)
        ops.drills_per_year,
        ops.drill_hours,
        tab.compute_hour[st],
    )


def _choice_grid(tab: Tables) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Every (target, scheme, off-site, long-term) choice as broadcasting axes, none (-1) first.

    Entry ``k`` of the tables built on it, flattened in C order, is the combination whose
    :func:`_choice_code` is ``k``.
    """
    n_targets, n_offsite = len(tab.price) - 1, len(tab.off_price) - 1
    return (
        np.arange(n_targets)[:, None, None, None],
        np.arange(len(SCHEMES))[None, :, None, None],
        np.arange(-1, n_offsite)[None, None, :, None],
        np.arange(-1, n_targets)[None, None, None, :],
    )


def _choice_code(space: DesignSpace, tab: Tables) -> IntArray:
    """Each row's entry in the flattened tables of :func:`_choice_tables` (remembered)."""
    n_targets, n_offsite = len(tab.price) - 1, len(tab.off_price) - 1
    return space.code(
        ("target", "scheme", "offsite", "longterm"),
        (n_targets, len(SCHEMES), n_offsite + 1, n_targets + 1),
    )


def _choice_tables(
    tab: Tables, catalog: Catalog, workload: Workload, ret: Retention
) -> tuple[dict[str, FloatArray], FloatArray]:
    """:func:`_choice_costs` of every choice, flattened, and the standby cost of every strategy.

    Remembered for the last few (catalog, workload, retention): the optimiser costs the
    same ones again for every batch of rows it evaluates, and building the tables costs
    about as much as gathering them for the whole space.
    """
    w = workload
    key = (
        id(catalog),
        ret,
        (w.data_size, w.daily_change, w.data_reduction, w.annual_growth, w.horizon),
        w.compute_cost,
    )
    hit = _CHOICE_TABLES.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    grid = _choice_grid(tab)
    D = workload.final_size
    figures = _choice_costs(tab, catalog, workload, ret, D / workload.data_reduction, *grid)
    values = np.empty((len(figures), *(axis.size for axis in grid)))
    for row, value in zip(values, figures.values(), strict=True):
        row[...] = value
    values = values.reshape(len(figures), -1)
    standby = np.asarray(
        _standby_costs(
            tab, catalog, workload.compute_cost, D, np.arange(len(tab.standby_fraction))
        ),
        dtype=float,
    )
    values.setflags(write=False)
    standby.setflags(write=False)
    tables = (dict(zip(figures, values, strict=True)), standby)
    with TABLES_LOCK:  # evaluations may run in threads
        while len(_CHOICE_TABLES) >= 16:
            _CHOICE_TABLES.pop(next(iter(_CHOICE_TABLES)))
        _CHOICE_TABLES[key] = (catalog, tables)
    return tables


#: (catalog id, retention, workload figures) -> (catalog, its choice tables)
_CHOICE_TABLES: dict[Any, tuple[Catalog, tuple[dict[str, FloatArray], FloatArray]]] = {}


def _storage_tables(
    workload: Workload | WorkloadColumns, ret: Retention, pairs: IntArray | None = None
) -> tuple[FloatArray, FloatArray, tuple[int, IntArray, IntArray] | None]:
    """Short- and long-term storage [GB] per (scheme, block clone), flattened.

    Entry ``scheme * 2 + clone`` for one workload. With one workload per row, only the
    pairs ``pairs`` (codes ``scheme * 2 + clone``; default all) are computed: entry
    ``slot[scheme * 2 + clone] * W + w`` for workload ``w`` of ``W``, and the third value
    is ``(W, w of each row, slot)`` (``slot`` -1 for a pair not computed). Each entry is
    the same number whichever pairs are computed (the core is elementwise).
    """
    if not isinstance(workload, WorkloadColumns):
        w = workload
        return (
            *_storage_table(
                w.data_size, w.daily_change, w.data_reduction, w.annual_growth, w.horizon, ret
            ),
            None,
        )
    base, which = workload, np.arange(len(workload.data_size))
    if workload.source is not None:  # rows of fewer workloads: tables per workload
        base, which = workload.source
    n_pairs = 2 * len(SCHEMES)
    codes = np.arange(n_pairs) if pairs is None else np.asarray(pairs, dtype=np.int64)
    slot = np.full(n_pairs, -1, dtype=np.int64)
    slot[codes] = np.arange(len(codes))
    short, long = _retention_tables(
        base.data_size[None, :],
        base.daily_change[None, :],
        base.data_reduction[None, :],
        base.annual_growth[None, :],
        base.horizon[None, :],
        ret,
        scheme=(codes // 2)[:, None],
        clone=(codes % 2).astype(bool)[:, None],
    )
    short, long = short.ravel(), long.ravel()
    return short, long, (len(base.data_size), which, slot)


@lru_cache(maxsize=256)
def _storage_table(
    size: float, change: float, reduction: float, annual: float, horizon: float, ret: Retention
) -> tuple[FloatArray, FloatArray]:
    """:func:`_storage_tables` of one workload, remembered (a pure function of numbers)."""
    short, long = _retention_tables(size, change, reduction, annual, horizon, ret)
    short, long = short.ravel(), long.ravel()
    short.setflags(write=False)
    long.setflags(write=False)
    return short, long


def _retention_tables(
    size: Any,
    change: Any,
    reduction: Any,
    annual: Any,
    horizon: Any,
    ret: Retention,
    *,
    scheme: Any = None,
    clone: Any = None,
) -> tuple[FloatArray, FloatArray]:
    """Storage [GB] of schemes ``scheme`` on targets with block clone ``clone``.

    The arguments broadcast; by default every (scheme, block clone) pair, shape (4, 2).
    """
    cols = retention_columns(
        size,
        change,
        data_reduction=reduction,
        scheme_code=np.arange(len(SCHEMES))[:, None] if scheme is None else scheme,
        points=ret.daily,
        full_every=7,
        weekly=ret.weekly,
        monthly=ret.monthly,
        quarterly=ret.quarterly,
        yearly=ret.yearly,
        nesting=gfs_nesting(**ret.calendar),
        block_clone=np.array([False, True])[None, :] if clone is None else clone,
        point_days=1.0,
        daily_change=change,
        growth_factor=physics.growth_factor(annual, horizon),
        annual_growth=annual,
    )
    return np.asarray(cols.short_term_gb, dtype=float), np.asarray(cols.long_term_gb, dtype=float)

"""Catalog figures as arrays (one entry per catalog item, then the value "none" takes).

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import cost
from .models import SCHEMES, SCOPES, Catalog, Retention
from .units import HOURS_PER_MONTH, HOURS_PER_WEEK, HOURS_PER_YEAR

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


REPLICATION: tuple[str, ...] = ("none", "async", "sync")
LOC = {"primary": 0, "cloud": 1, "vault": 2, "second_site": 3}



def finest_gfs_period(retention: Retention) -> float:
    """Spacing of the finest long-term points [h] (inf without GFS)."""
    if retention.weekly:
        return HOURS_PER_WEEK
    if retention.monthly:
        return HOURS_PER_MONTH
    if retention.quarterly:
        return 3.0 * HOURS_PER_MONTH
    if retention.yearly:
        return HOURS_PER_YEAR
    return float("inf")


def gfs_span(retention: Retention) -> float:
    """How far back the long-term points reach [h]: the oldest tier's count times its
    period (0 without long-term points)."""
    r = retention
    return max(
        r.weekly * HOURS_PER_WEEK,
        r.monthly * HOURS_PER_MONTH,
        r.quarterly * 3.0 * HOURS_PER_MONTH,
        r.yearly * HOURS_PER_YEAR,
    )


@dataclass(frozen=True)
class Tables:
    """Catalog figures as arrays: one entry per item, then the value index -1 (none) takes."""

    loc: IntArray  # targets: location code, -1
    write: FloatArray  # targets: write throughput [GB/h], inf
    read: FloatArray  # targets: read throughput [GB/h], inf
    overhead: FloatArray  # targets: job overhead [h], 0
    retrieval: FloatArray  # targets: retrieval delay [h], 0
    immutable: NDArray[np.bool_]  # targets: immutable, False
    outside_region: NDArray[np.bool_]  # targets: off site and outside the region, False
    off_target: IntArray  # off-site methods: target index, -1
    lag: FloatArray  # off-site methods: copy lag [h], 0
    bandwidth: FloatArray  # links: bandwidth [Mbit/s], 0
    price: FloatArray  # targets: storage price [currency/GB/month], 0
    min_days: FloatArray  # targets: minimum storage duration [day], 0
    setup: FloatArray  # targets: one-time setup cost [currency], 0
    read_price: FloatArray  # targets: retrieval + egress price [currency/GB], 0
    clone: IntArray  # targets: block clone (0/1), 0
    off_price: FloatArray  # off-site methods: fee, with an own site's hosts [currency/month], 0
    off_bandwidth: FloatArray  # off-site methods: own circuit [Mbit/s], 0 (none: no cap)
    link_price: FloatArray  # links: price [currency/month], 0
    provisioning: FloatArray  # strategies: provisioning time [h]
    failover: FloatArray  # strategies: failover time [h]
    standby_fraction: FloatArray  # strategies: standby cost / production compute [-]
    replica_storage: NDArray[np.bool_]  # strategies: keeps a replica of the data
    automatic: NDArray[np.bool_]  # strategies: fails over by itself
    health_check: FloatArray  # strategies: automatic detection and decision [h]
    survives: NDArray[np.bool_]  # strategies x SCOPES: the standby lives through the scope
    local: NDArray[np.bool_]  # strategies: the standby runs at the primary site
    modes: NDArray[np.bool_]  # strategies x REPLICATION: replication modes allowed
    witness: FloatArray  # strategies: third-site witness [currency/month]
    in_cloud: NDArray[np.bool_]  # strategies: restores from cloud copies run in the cloud
    run_hours: FloatArray  # strategies: recovered systems run in the cloud [h], 0
    compute_hour: FloatArray  # strategies: cloud compute while they run [currency/h], 0
    instant: FloatArray  # targets: instant recovery time [h], inf where not allowed
    supports: NDArray[np.bool_]  # targets (+ none) x SCHEMES: the vendor supports the chain
    put_price: FloatArray  # targets: PUT requests [currency/1000], 0
    get_price: FloatArray  # targets: GET requests [currency/1000], 0
    obj_kib: FloatArray  # targets: stored object size [KiB], 0 (no requests)
    restore_per_gb: FloatArray  # targets: provider charges of a restore [currency/GB], 0
    circuit: FloatArray  # links: carrier circuit [currency/month], 0
    cartridge: FloatArray  # targets: tape cartridge [GB], 0 (not a tape library)
    schedule: FloatArray  # backup schedules people run [h], ascending (catalog.schedules)
    lib: FloatArray  # targets x (drives, slots, drive price, module price, module slots,
    #                  spare slots, window [h/week]) of a tape library; last row: none

    @classmethod
    def of(cls, catalog: Catalog) -> Tables:
        """The tables of ``catalog`` (remembered for the last few catalogs: they are frozen)."""
        hit = _TABLES.get(id(catalog))
        if hit is not None and hit[0] is catalog:
            return hit[1]
        tables = cls._build(catalog)
        with TABLES_LOCK:  # evaluations may run in threads (numpy releases the GIL)
            while len(_TABLES) >= 16:
                _TABLES.pop(next(iter(_TABLES)))
            _TABLES[id(catalog)] = (catalog, tables)
        return tables

    @classmethod
    def _build(cls, catalog: Catalog) -> Tables:
        tg = list(catalog.targets.values())
        offs = list(catalog.offsite.values())
        sts = list(catalog.strategies.values())
        tkeys = list(catalog.targets)

        def arr(values: list[Any], fill: Any, dtype: Any = float) -> Any:
            return np.array([*values, fill], dtype=dtype)

        return cls(
            loc=arr([LOC[x.location] for x in tg], -1, np.int64),
            write=arr([x.write_throughput for x in tg], np.inf),
            read=arr([x.read_throughput for x in tg], np.inf),
            overhead=arr([x.job_overhead for x in tg], 0.0),
            retrieval=arr([x.retrieval_delay for x in tg], 0.0),
            immutable=arr([x.immutable for x in tg], False, bool),
            outside_region=arr(
                [x.location != "primary" and x.outside_region for x in tg], False, bool
            ),
            off_target=arr([tkeys.index(m.target) for m in offs], -1, np.int64),
            lag=arr([m.lag for m in offs], 0.0),
            bandwidth=arr([x.bandwidth for x in catalog.links.values()], 0.0),
            price=arr([x.storage_price for x in tg], 0.0),
            min_days=arr([x.min_storage_days for x in tg], 0.0),
            setup=arr([x.setup_cost for x in tg], 0.0),
            read_price=arr([x.retrieval_price_per_gb + x.egress_price_per_gb for x in tg], 0.0),
            clone=arr([x.block_clone for x in tg], 0, np.int64),
            # the restore hosts at an own second site are paid with the copy kept there
            off_price=arr(
                [
                    m.price_per_month + _host_fee(catalog.targets[m.target].own_site)
                    for m in offs
                ],
                0.0,
            ),
            off_bandwidth=arr([m.bandwidth for m in offs], 0.0),
            link_price=arr([x.price_per_month for x in catalog.links.values()], 0.0),
            provisioning=arr([x.provisioning_time for x in sts], 0.0),
            failover=arr([x.failover_time for x in sts], 0.0),
            standby_fraction=arr([x.standby_fraction for x in sts], 0.0),
            replica_storage=arr([x.replica_storage > 0 for x in sts], False, bool),
            automatic=arr([x.replica and x.automatic for x in sts], False, bool),
            health_check=arr([x.health_check for x in sts], 0.0),
            survives=np.array(
                [[x.replica and sc in x.survives for sc in SCOPES] for x in sts]
                + [[False] * len(SCOPES)],
                dtype=bool,
            ),
            local=arr([x.replica_site == "primary" for x in sts], False, bool),
            modes=np.array(
                [
                    [(m == "none") != x.replica and m in (*x.replication_modes, "none")
                     for m in REPLICATION]
                    for x in sts
                ]
                + [[True, False, False]],
                dtype=bool,
            ),
            witness=arr([x.witness_price_per_month if x.automatic else 0.0 for x in sts], 0.0),
            in_cloud=arr([x.recovers_in_cloud for x in sts], False, bool),
            run_hours=arr([x.cloud_run_time if x.recovers_in_cloud else 0.0 for x in sts], 0.0),
            compute_hour=arr(
                [x.compute_price_per_hour if x.recovers_in_cloud else 0.0 for x in sts], 0.0
            ),
            # running from the backup files needs them readable
            instant=arr(
                [
                    x.instant_recovery_time
                    if x.instant_recovery and x.read_throughput > 0
                    else np.inf
                    for x in tg
                ],
                np.inf,
            ),
            supports=np.array(
                [[sc in x.schemes for sc in SCHEMES] for x in tg] + [[True] * len(SCHEMES)],
                dtype=bool,
            ),
            put_price=arr([x.put_price_per_1000 for x in tg], 0.0),
            get_price=arr([x.get_price_per_1000 for x in tg], 0.0),
            obj_kib=arr([x.object_size_kib for x in tg], 0.0),
            restore_per_gb=np.asarray(
                cost.restore_cost(
                    1.0,
                    arr([x.retrieval_price_per_gb for x in tg], 0.0),
                    arr([x.egress_price_per_gb for x in tg], 0.0),
                    arr([x.get_price_per_1000 for x in tg], 0.0),
                    arr([x.object_size_kib for x in tg], 0.0),
                ),
                dtype=float,
            ),
            circuit=arr([x.circuit_price_per_month for x in catalog.links.values()], 0.0),
            cartridge=arr([x.cartridge_gb for x in tg], 0.0),
            schedule=np.array(catalog.schedules.backup, dtype=float),
            lib=np.array(
                [
                    [x.library_drives, x.library_slots, x.drive_price, x.module_price,
                     x.module_slots, x.spare_slots, x.tape_window]
                    for x in tg
                ]
                + [[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 168.0]],
                dtype=float,
            ),
        )


def _host_fee(site: Any) -> float:
    """Monthly cost of the restore hosts at an own second site (0 elsewhere)."""
    return 0.0 if site is None else float(site.host_price_per_month)


#: catalog id -> (catalog, its tables); the catalog is kept so that its id stays its own
_TABLES: dict[int, tuple[Catalog, Tables]] = {}
TABLES_LOCK = threading.Lock()

#: scopes that destroy the primary site, so only copies away from it survive
OFF_SITE_SCOPES = frozenset({"site", "region"})


def gfs_home(target: Any, longterm: Any) -> Any:
    """The target that holds a row's GFS points: the long-term target, else the chain's."""
    return np.where(np.asarray(longterm) >= 0, longterm, target)


def offsite_rule(tab: Tables, target: Any, offsite: Any) -> NDArray[np.bool_]:
    """The short-term off-site rule of :func:`has_offsite`, on broadcasting choice columns."""
    return np.asarray((offsite >= 0) | (tab.loc[target] != LOC["primary"]))


def immutable_rule(tab: Tables, target: Any, offsite: Any) -> NDArray[np.bool_]:
    """The short-term immutability rule of :func:`has_immutable`, on broadcasting columns."""
    imm = tab.immutable
    return np.asarray(imm[target] | imm[tab.off_target[offsite]])

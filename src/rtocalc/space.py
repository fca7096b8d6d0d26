"""The design space as columns: one row per design, every metric evaluated at once.

A design space is a struct of numpy integer arrays (one per decision variable) indexing
into the catalog's entries. :func:`evaluate_space` gathers the catalog figures for every
row and calls the formula functions of :mod:`rtocalc.physics`, :mod:`rtocalc.retention`
and :mod:`rtocalc.cost` once, on whole columns: there is no per-design Python loop.

Private module: the public entry points are :func:`rtocalc.cheapest` and
:func:`rtocalc.evaluate`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import cost, physics
from .models import SCHEMES, BusinessImpact, Catalog, Design, Requirements, Retention, Workload
from .retention import _retention_columns, unique_change
from .units import HOURS_PER_DAY, HOURS_PER_MONTH, HOURS_PER_WEEK, HOURS_PER_YEAR

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Recovery paths, in tie-break order.
PATHS: tuple[str, ...] = ("failover", "restore:primary", "restore:offsite", "restore:longterm")
REPLICATION: tuple[str, ...] = ("none", "async", "sync")
_LOC = {"primary": 0, "cloud": 1, "vault": 2}
_FAILOVER, _PRIMARY, _OFFSITE, _LONGTERM = range(4)
_TOL = 1e-9


@dataclass(frozen=True)
class Keys:
    """Catalog keys in the order the integer columns index them."""

    targets: tuple[str, ...]
    offsite: tuple[str, ...]
    links: tuple[str, ...]
    strategies: tuple[str, ...]

    @classmethod
    def of(cls, catalog: Catalog) -> Keys:
        return cls(
            tuple(catalog.targets),
            tuple(catalog.offsite),
            tuple(catalog.links),
            tuple(catalog.strategies),
        )


@dataclass(frozen=True)
class DesignSpace:
    """Decision variables as integer columns (``-1`` means none)."""

    keys: Keys
    target: IntArray
    scheme: IntArray
    offsite: IntArray
    longterm: IntArray
    replication: IntArray
    link: IntArray
    strategy: IntArray
    interval: FloatArray | None = None

    def __len__(self) -> int:
        return int(self.target.shape[0])

    def take(self, rows: IntArray) -> DesignSpace:
        """The sub-space of the given rows."""
        iv = None if self.interval is None else self.interval[rows]
        return DesignSpace(
            self.keys,
            self.target[rows],
            self.scheme[rows],
            self.offsite[rows],
            self.longterm[rows],
            self.replication[rows],
            self.link[rows],
            self.strategy[rows],
            iv,
        )

    def design(self, row: int, interval: float) -> Design:
        """The :class:`~rtocalc.Design` of one row."""
        k = self.keys
        return Design(
            interval=interval,
            scheme=SCHEMES[int(self.scheme[row])],
            target=k.targets[int(self.target[row])],
            offsite=k.offsite[o] if (o := int(self.offsite[row])) >= 0 else None,
            longterm=k.targets[t] if (t := int(self.longterm[row])) >= 0 else None,
            replication=REPLICATION[int(self.replication[row])],
            link=k.links[li] if (li := int(self.link[row])) >= 0 else None,
            strategy=k.strategies[int(self.strategy[row])],
        )


def build_space(catalog: Catalog, retention: Retention) -> DesignSpace:
    """Every valid combination of the decision variables, as columns.

    Rules: the chain target has the 'primary' role; a separate long-term target exists
    only when GFS points are kept and differs from the chain's; strategies that need a
    replica go with async or sync replication, restore-type strategies with none; a link
    is chosen only when something uses it (a cloud target, replication), else ``-1``.
    Rows are ordered by target, scheme, off-site, long-term, replication, link and
    strategy, each in catalog order: this order is the last tie-break of the optimiser.
    """
    keys = Keys.of(catalog)
    targets = list(catalog.targets.values())
    primary = [i for i, t in enumerate(targets) if "primary" in t.roles]
    longterm = [-1]
    if retention.gfs:
        longterm += [i for i, t in enumerate(targets) if "longterm" in t.roles]
    offsite = [-1, *range(len(keys.offsite))]
    links = [-1, *range(len(keys.links))]
    strategies = range(len(keys.strategies))
    grids = np.meshgrid(
        np.array(primary),
        np.arange(len(SCHEMES)),
        np.array(offsite),
        np.array(longterm),
        np.arange(len(REPLICATION)),
        np.array(links),
        np.array(strategies),
        indexing="ij",
    )
    t, s, o, lt, rep, li, st = (g.ravel().astype(np.int64) for g in grids)
    loc = np.array([_LOC[x.location] for x in targets])
    off_loc = np.array([_LOC[catalog.targets[m.target].location] for m in catalog.offsite.values()])
    needs_replica = np.array([x.replica for x in catalog.strategies.values()])
    uses_link = (loc[t] == _LOC["cloud"]) | (rep > 0)
    uses_link |= (lt >= 0) & (loc[np.maximum(lt, 0)] == _LOC["cloud"])
    if len(off_loc):
        uses_link |= (o >= 0) & (off_loc[np.maximum(o, 0)] == _LOC["cloud"])
    ok = (lt != t) & (needs_replica[st] == (rep > 0)) & ((li >= 0) == uses_link)
    rows = np.flatnonzero(ok)
    return DesignSpace(keys, t[rows], s[rows], o[rows], lt[rows], rep[rows], li[rows], st[rows])


def space_of(catalog: Catalog, design: Design) -> DesignSpace:
    """A one-row space holding ``design`` (keys checked against the catalog)."""
    keys = Keys.of(catalog)

    def index(kind: str, key: str | None, options: tuple[str, ...]) -> int:
        if key is None:
            return -1
        if key not in options:
            raise ValueError(
                f"design.{kind}: {key!r} is not in the catalog; use one of "
                + ", ".join(repr(k) for k in options)
            )
        return options.index(key)

    t = index("target", design.target, keys.targets)
    if "primary" not in catalog.targets[design.target].roles:
        raise ValueError(
            f"design.target: {design.target!r} cannot hold the main backup chain; use a target "
            "with the 'primary' role: "
            + ", ".join(repr(k) for k, v in catalog.targets.items() if "primary" in v.roles)
        )
    lt = index("longterm", design.longterm, keys.targets)
    if lt >= 0 and "longterm" not in catalog.targets[design.longterm or ""].roles:
        raise ValueError(
            f"design.longterm: {design.longterm!r} cannot hold GFS points; use a target with "
            "the 'longterm' role"
        )
    strategy = catalog.strategies.get(design.strategy)
    st = index("strategy", design.strategy, keys.strategies)
    rep = REPLICATION.index(design.replication)
    if strategy is not None and strategy.replica != (rep > 0):
        raise ValueError(
            f"design.replication: {design.replication!r} does not fit strategy "
            f"{design.strategy!r}; standby strategies need 'async' or 'sync', restore needs 'none'"
        )
    li = index("link", design.link, keys.links)
    needs_link = (
        catalog.targets[design.target].location == "cloud"
        or rep > 0
        or (lt >= 0 and catalog.targets[keys.targets[lt]].location == "cloud")
        or (
            design.offsite is not None
            and design.offsite in catalog.offsite
            and catalog.targets[catalog.offsite[design.offsite].target].location == "cloud"
        )
    )
    if needs_link and li < 0:
        raise ValueError(
            "design.link: None, but the design sends data over the WAN (a cloud target or "
            "replication); use one of " + ", ".join(repr(k) for k in keys.links)
        )

    def col(v: int) -> IntArray:
        return np.array([v], dtype=np.int64)

    return DesignSpace(
        keys,
        col(t),
        col(SCHEMES.index(design.scheme)),
        col(index("offsite", design.offsite, keys.offsite)),
        col(lt if lt != t else -1),
        col(rep),
        col(li),
        col(st),
        np.array([design.interval]),
    )


@dataclass(frozen=True)
class WorkloadColumns:
    """The figures of many :class:`~rtocalc.Workload` objects, one value per row.

    :func:`evaluate_space` and :func:`row_costs` accept it in place of one workload, so a
    space whose rows are different systems (each with its own design and workload) is
    evaluated in one broadcast call. Every field is a float array of shape (N,), with the
    unit of the :class:`~rtocalc.Workload` field of the same name.
    """

    data_size: FloatArray  # [GB]
    daily_change: FloatArray  # [1/day]
    annual_growth: FloatArray  # [1/year]
    data_reduction: FloatArray  # [-]
    peak_rate: FloatArray  # today's peak write rate, given or defaulted [GB/h]
    compute_cost: FloatArray  # [currency/month]
    secondary_distance_km: FloatArray  # [km]
    horizon: FloatArray  # [year]
    #: (columns, rows) when these are rows of other columns (:meth:`take`): figures that
    #: depend on the workload alone are then computed once per row of the source
    source: tuple[WorkloadColumns, IntArray] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, workloads: Sequence[Workload]) -> WorkloadColumns:
        """The columns of ``workloads``, in order."""

        def col(values: list[float]) -> FloatArray:
            return np.array(values, dtype=float)

        return cls(
            data_size=col([w.data_size for w in workloads]),
            daily_change=col([w.daily_change for w in workloads]),
            annual_growth=col([w.annual_growth for w in workloads]),
            data_reduction=col([w.data_reduction for w in workloads]),
            peak_rate=col([w.peak_rate for w in workloads]),
            compute_cost=col([w.compute_cost for w in workloads]),
            secondary_distance_km=col([w.secondary_distance_km for w in workloads]),
            horizon=col([w.horizon for w in workloads]),
        )

    @property
    def final_size(self) -> FloatArray:
        """Data size at the end of each row's planning horizon [GB]."""
        return np.asarray(self.data_size * (1.0 + self.annual_growth) ** self.horizon)

    def take(self, rows: IntArray) -> WorkloadColumns:
        """The columns of the given rows (remembering where they come from)."""
        base, idx = (self, rows) if self.source is None else (self.source[0], self.source[1][rows])
        return WorkloadColumns(
            **{
                name: getattr(self, name)[rows]
                for name in self.__dataclass_fields__
                if name != "source"
            },
            source=(base, idx),
        )


@dataclass
class Evaluation:
    """Every metric of every row of a space.

    Rows are always the last axis (``N`` rows, ``S`` scenarios, ``P`` recovery paths in
    the order of :data:`PATHS`), so reductions over paths and scenarios run over leading
    axes, which numpy does fast. Per-path figures are kept per row (:attr:`rpo_rows`,
    :attr:`rto_rows`); a path's RTO in given scenarios comes from :meth:`rto_of` and
    :meth:`rto_in`, so no (P, S, N) array is ever built.
    """

    space: DesignSpace
    interval: FloatArray  # (N,) [h]
    backup_duration: FloatArray  # (N,) [h]
    min_interval: FloatArray  # (N,) [h]
    rpo_rows: FloatArray  # (P, N) [h] worst-case RPO of each path, before survival
    rto_rows: FloatArray  # (P, N) [h] failover time / restore time without T_d and T_p
    path_rpo_mean: FloatArray  # (P, N) [h], mean case, before survival
    path: IntArray  # (S, N) chosen path
    rpo: FloatArray  # (S, N) [h]
    rpo_mean: FloatArray  # (S, N) [h]
    rto: FloatArray  # (S, N) [h]
    rpo_limit: FloatArray  # (S,) [h]
    rto_limit: FloatArray  # (S,) [h]
    meets_scenario: NDArray[np.bool_]  # (S, N)
    has_offsite: NDArray[np.bool_]  # (N,)
    has_immutable: NDArray[np.bool_]  # (N,)
    link_ok: NDArray[np.bool_]  # (N,)
    window_ok: NDArray[np.bool_]  # (N,)
    feasible: NDArray[np.bool_]  # (N,)
    outlay: FloatArray  # (N,) [currency/month]
    breakdown: dict[str, FloatArray]  # item -> (N,)
    storage: dict[str, FloatArray]  # tier role -> (N,) [GB]
    eal: FloatArray  # (N,) [currency/year]
    eal_mean: FloatArray  # (N,)
    tco: FloatArray  # (N,) [currency/month]
    worst_rpo: FloatArray  # (N,) over scenarios with a limit
    worst_rto: FloatArray  # (N,)
    extra: dict[str, Any] = field(default_factory=dict)

    def rto_of(self, path: int, scenarios: Any = slice(None)) -> FloatArray:
        """(S, N) RTO of one path in the given scenarios [h], whether its copy survives or not.

        Detection plus the failover time, or detection plus provisioning plus the restore
        time (:func:`rtocalc.physics.rto_restore`, summed in this order by the kernel too).
        ``scenarios`` indexes the scenario axis (a slice or a sequence of indices).
        """
        det = self.extra["detection"][scenarios][:, None]
        if path == _FAILOVER:
            return np.asarray(det + self.rto_rows[path], dtype=float)
        prov = self.extra["prov"][scenarios]
        return np.asarray((det + prov) + self.rto_rows[path], dtype=float)

    def rto_in(self, scenario: int) -> FloatArray:
        """(P, N) RTO of every path in one scenario [h], inf where its copy does not survive."""
        rto = np.concatenate([self.rto_of(p, [scenario]) for p in range(len(PATHS))])
        rto[~self.extra["alive"][:, scenario]] = np.inf
        return rto


def _gfs_period(retention: Retention) -> float:
    """Spacing of the finest long-term points [h] (inf without GFS)."""
    if retention.weekly:
        return HOURS_PER_WEEK
    if retention.monthly:
        return HOURS_PER_MONTH
    if retention.yearly:
        return HOURS_PER_YEAR
    return float("inf")


@dataclass(frozen=True)
class _Tables:
    """Catalog figures as arrays: one entry per item, then the value index -1 (none) takes."""

    loc: IntArray  # targets: location code, -1
    write: FloatArray  # targets: write throughput [GB/h], inf
    read: FloatArray  # targets: read throughput [GB/h], inf
    overhead: FloatArray  # targets: job overhead [h], 0
    retrieval: FloatArray  # targets: retrieval delay [h], 0
    immutable: NDArray[np.bool_]  # targets: immutable, False
    off_target: IntArray  # off-site methods: target index, -1
    lag: FloatArray  # off-site methods: copy lag [h], 0
    bandwidth: FloatArray  # links: bandwidth [Mbit/s], 0
    price: FloatArray  # targets: storage price [currency/GB/month], 0
    min_days: FloatArray  # targets: minimum storage duration [day], 0
    setup: FloatArray  # targets: one-time setup cost [currency], 0
    read_price: FloatArray  # targets: retrieval + egress price [currency/GB], 0
    clone: IntArray  # targets: block clone (0/1), 0
    off_price: FloatArray  # off-site methods: fee [currency/month], 0
    link_price: FloatArray  # links: price [currency/month], 0
    provisioning: FloatArray  # strategies: provisioning time [h]
    failover: FloatArray  # strategies: failover time [h]
    standby_fraction: FloatArray  # strategies: standby cost / production compute [-]
    replica_storage: NDArray[np.bool_]  # strategies: keeps a replica of the data

    @classmethod
    def of(cls, catalog: Catalog) -> _Tables:
        """The tables of ``catalog`` (remembered for the last few catalogs: they are frozen)."""
        hit = _TABLES.get(id(catalog))
        if hit is not None and hit[0] is catalog:
            return hit[1]
        tables = cls._build(catalog)
        with _TABLES_LOCK:  # evaluations may run in threads (numpy releases the GIL)
            while len(_TABLES) >= 16:
                _TABLES.pop(next(iter(_TABLES)))
            _TABLES[id(catalog)] = (catalog, tables)
        return tables

    @classmethod
    def _build(cls, catalog: Catalog) -> _Tables:
        tg = list(catalog.targets.values())
        offs = list(catalog.offsite.values())
        sts = list(catalog.strategies.values())
        tkeys = list(catalog.targets)

        def arr(values: list[Any], fill: Any, dtype: Any = float) -> Any:
            return np.array([*values, fill], dtype=dtype)

        return cls(
            loc=arr([_LOC[x.location] for x in tg], -1, np.int64),
            write=arr([x.write_throughput for x in tg], np.inf),
            read=arr([x.read_throughput for x in tg], np.inf),
            overhead=arr([x.job_overhead for x in tg], 0.0),
            retrieval=arr([x.retrieval_delay for x in tg], 0.0),
            immutable=arr([x.immutable for x in tg], False, bool),
            off_target=arr([tkeys.index(m.target) for m in offs], -1, np.int64),
            lag=arr([m.lag for m in offs], 0.0),
            bandwidth=arr([x.bandwidth for x in catalog.links.values()], 0.0),
            price=arr([x.price_per_gb_month for x in tg], 0.0),
            min_days=arr([x.min_storage_days for x in tg], 0.0),
            setup=arr([x.setup_cost for x in tg], 0.0),
            read_price=arr([x.retrieval_price_per_gb + x.egress_price_per_gb for x in tg], 0.0),
            clone=arr([x.block_clone for x in tg], 0, np.int64),
            off_price=arr([m.price_per_month for m in offs], 0.0),
            link_price=arr([x.price_per_month for x in catalog.links.values()], 0.0),
            provisioning=arr([x.provisioning_time for x in sts], 0.0),
            failover=arr([x.failover_time for x in sts], 0.0),
            standby_fraction=arr([x.standby_fraction for x in sts], 0.0),
            replica_storage=arr([x.replica_storage > 0 for x in sts], False, bool),
        )


#: catalog id -> (catalog, its tables); the catalog is kept so that its id stays its own
_TABLES: dict[int, tuple[Catalog, _Tables]] = {}
_TABLES_LOCK = threading.Lock()

#: scopes in which a replica survives (DESIGN.md section 5)
_REPLICA_LIVES = frozenset({"hardware", "site"})
#: scopes that destroy the primary site, so only copies away from it survive
_OFF_SITE_SCOPES = frozenset({"site", "region"})


def evaluate_space(
    space: DesignSpace,
    workload: Workload | WorkloadColumns,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    interval_rule: str = "longest",
    limits: tuple[FloatArray, FloatArray] | None = None,
) -> Evaluation:
    """Evaluate every row of ``space`` at once.

    When ``space.interval`` is None, each row's backup interval is solved from the ask
    (:func:`_solve_interval`): the longest interval (``interval_rule="longest"``, the
    cheapest: outlay never rises with the interval) or the shortest
    (``"shortest"``, the least expected data loss) at which every scenario has a
    surviving copy meeting both its RPO and its RTO, never shorter than the backup
    window allows (:func:`rtocalc.physics.min_backup_interval`) nor longer than 24 h.

    ``workload`` is one workload for every row, or :class:`WorkloadColumns` with one
    workload per row. ``limits`` replaces the ask's RPO and RTO limits per scenario
    (two arrays of shape (S,) [h], ``inf`` for none): policy tiers may set a limit for a
    named scenario rather than for its scope. The rest of ``requirements`` (retention,
    off-site, immutable) applies as usual.

    Every temporary is a column of one value per row: the scenarios and paths are short
    loops over such columns, so the working set stays in cache and no large array is
    allocated (and page-faulted) for intermediate results.
    """
    if interval_rule not in ("longest", "shortest"):
        raise ValueError(
            f"interval_rule: {interval_rule!r} is not a rule; use 'longest' or 'shortest'"
        )
    tab = _Tables.of(catalog)
    rep_cfg = catalog.replication
    ret = requirements.retention
    t, o, lt, li = space.target, space.offsite, space.longterm, space.link
    st, rep, scheme = space.strategy, space.replication, space.scheme
    n = len(space)

    D = workload.final_size
    c = workload.daily_change
    r = workload.data_reduction
    peak = workload.peak_rate * (1.0 + workload.annual_growth) ** workload.horizon

    # --- per-row catalog figures ------------------------------------------------------
    off_t = tab.off_target[o]
    bw = tab.bandwidth[li]
    wire = physics.link_throughput(bw, r)  # reduced data over the link [GB/h]
    raw_link = physics.link_throughput(bw)
    p_loc, o_loc, l_loc = tab.loc[t], tab.loc[off_t], tab.loc[lt]
    cloud = _LOC["cloud"]

    def rate(figure: FloatArray, idx: IntArray, locs: IntArray) -> FloatArray:
        base = figure[idx]
        return np.where(locs == cloud, np.minimum(base, wire), base)

    rb = rate(tab.write, t, p_loc)  # backup rate [GB/h]
    rc = rate(tab.write, off_t, o_loc)  # off-site copy rate
    # primary chain, off-site copy, long-term points: read rate and retrieval delay
    read = (rate(tab.read, t, p_loc), rate(tab.read, off_t, o_loc), rate(tab.read, lt, l_loc))
    retr = (tab.retrieval[t], tab.retrieval[off_t], tab.retrieval[lt])
    overhead = tab.overhead[t]
    lag = tab.lag[o]

    # --- scenarios ----------------------------------------------------------------------
    scen = impact.scenarios
    S = len(scen)
    scopes = [x.scope for x in scen]
    if limits is None:
        rpo_lim = np.array([requirements.limit("rpo", sc) for sc in scopes], dtype=float)
        rto_lim = np.array([requirements.limit("rto", sc) for sc in scopes], dtype=float)
    else:
        rpo_lim, rto_lim = (np.asarray(x, dtype=float).reshape(S) for x in limits)
    rpo_lim_c, rto_lim_c = rpo_lim + _TOL, rto_lim + _TOL
    det = np.array([x.detection for x in scen], dtype=float)

    # survival (P, S, N): the scope decides which copies survive
    alive = np.empty((4, S, n), bool)
    backups = (
        (True, p_loc, tab.immutable[t]),
        (o >= 0, o_loc, tab.immutable[off_t]),
        ((lt >= 0) & ret.gfs, l_loc, tab.immutable[lt]),
    )
    for s, scope in enumerate(scopes):
        alive[_FAILOVER, s] = (rep > 0) & (scope in _REPLICA_LIVES)
        for k, (exists, locs, immutable) in enumerate(backups, start=_PRIMARY):
            alive[k, s] = exists
            if scope == "ransomware":
                alive[k, s] &= immutable
            if scope in _OFF_SITE_SCOPES:
                alive[k, s] &= locs != 0
    alive_any: NDArray[np.bool_] = np.asarray(alive.any(axis=2))  # (P, S)

    # --- replication --------------------------------------------------------------------
    rpo_rep = np.full(n, np.inf)
    daily_gb = D * c
    is_async, is_sync = rep == 1, rep == 2
    if is_async.any():
        rpo_rep = np.where(
            is_async,
            physics.rpo_async_replication(daily_gb, peak, raw_link, rep_cfg.async_lag),
            rpo_rep,
        )
    if is_sync.any():
        rpo_rep = np.where(
            is_sync,
            physics.rpo_sync_replication(
                peak, raw_link, workload.secondary_distance_km, rep_cfg.sync_max_distance_km
            ),
            rpo_rep,
        )

    # --- interval-independent parts of every recovery path ------------------------------
    # provisioning (S, N): none after logical damage, the strategy's after a loss of
    # infrastructure, a new environment (restore strategy) after a regional disaster
    prov_strategy = tab.provisioning[st]
    prov = np.empty((S, n))
    for s, scope in enumerate(scopes):
        if scope == "region":
            prov[s] = catalog.strategies["restore"].provisioning_time
        else:
            prov[s] = prov_strategy if scope != "logical" else 0.0
    base = det[:, None] + prov  # (S, N) detection + provisioning of every restore
    failover = tab.failover[st]
    # restore time of each backup copy without detection, provisioning and chain replay
    fixed = [
        np.asarray(physics.rto_restore(D, read[k], retrieval_delay=retr[k]), dtype=float)
        for k in range(3)
    ]
    rpo_long = _gfs_period(ret) + np.asarray(
        physics.backup_duration(physics.increment_size(D, c, HOURS_PER_DAY), rb, overhead)
    )
    # days of points a restore of the newest point replays (forward chains)
    chain_days = np.select([scheme == 0, scheme == 1], [float(ret.daily), 0.0], 7.0)

    # --- backup interval: solved boundary or given --------------------------------------
    i_max = HOURS_PER_DAY  # daily restore points are always kept (retention.daily >= 1)
    i_min = np.asarray(physics.min_backup_interval(D, c, rb, overhead), dtype=float)
    if space.interval is None:
        interval = _solve_interval(
            _interval_windows(
                rpo_lim,
                alive,
                fixed_ok=[
                    # interval-independent paths: failover to the replica, long-term points
                    (
                        (alive[_FAILOVER, s] & (rpo_rep <= rpo_lim_c[s]))
                        & (det[s] + failover <= rto_lim_c[s])
                        if alive_any[_FAILOVER, s]
                        else np.zeros(n, bool)
                    )
                    | (
                        alive[_LONGTERM, s]
                        & (rpo_long <= rpo_lim_c[s])
                        & (base[s] + fixed[2] <= rto_lim_c[s])
                    )
                    for s in range(S)
                ],
                # RPO boundary of the chain and of the off-site copy, per RPO limit
                hi=lambda limit: (
                    physics.max_interval_for_rpo(limit, D, c, 1.0 / rb, overhead),
                    physics.max_interval_for_rpo(limit, D, c, 1.0 / rb + 1.0 / rc, overhead + lag),
                ),
                # RTO boundary of the same copies: chain replay shrinks as the interval
                # grows; (S, N) per copy, from the slack detection and provisioning leave
                lo=lambda k, s: np.maximum(
                    physics.min_interval_for_rto(
                        (rto_lim[s] - base[s]) - fixed[k], D, c, read[k], chain_days
                    ),
                    i_min,
                ),
                i_max=i_max,
            ),
            i_min,
            i_max,
            rule=interval_rule,
        )
    else:
        interval = np.broadcast_to(space.interval, (n,)).astype(float)
    window_ok = interval >= i_min - _TOL

    inc = np.asarray(physics.increment_size(D, c, interval), dtype=float)
    t_b = np.asarray(physics.backup_duration(inc, rb, overhead), dtype=float)
    t_copy = np.where(o >= 0, physics.transfer_time(inc, rc), 0.0)

    # replay: increments applied after the full when restoring the newest point (forward
    # chains: every point of the chain's days, at the real interval; reverse: none)
    replay_n = np.maximum(chain_days * HOURS_PER_DAY / interval - 1.0, 0.0)

    # --- RPO and RTO per path and row ---------------------------------------------------
    # RPOs depend on the path and row only; survival on the scenario's scope. A path's RTO
    # in scenario s is T_d(s) + failover time, or T_d(s) + T_p(s) + its restore time.
    rpo_rows = np.empty((4, n))
    rpo_rows[_FAILOVER] = rpo_rep
    rpo_rows[_PRIMARY] = physics.rpo_backup(interval, t_b)
    rpo_rows[_OFFSITE] = physics.rpo_backup(interval, t_b + t_copy, lag)
    rpo_rows[_LONGTERM] = rpo_long
    mean_rows = rpo_rows.copy()
    mean_rows[_PRIMARY] = physics.rpo_backup(interval, t_b, case="mean")
    mean_rows[_OFFSITE] = physics.rpo_backup(interval, t_b + t_copy, lag, case="mean")
    if ret.gfs:
        mean_rows[_LONGTERM] -= _gfs_period(ret) / 2.0
    rto_rows = np.empty((4, n))
    rto_rows[_FAILOVER] = failover
    for k in range(2):  # chain and off-site copy replay their chain
        rto_rows[_PRIMARY + k] = fixed[k] + physics.chain_replay_time(replay_n, inc, read[k])
    rto_rows[_LONGTERM] = fixed[2]

    # --- choose a recovery path per scenario ------------------------------------------------
    # the path meeting both limits with the smallest loss score (downtime and data-loss
    # cost per hour as weights; 1 and 1 without costs); if none meets, the surviving path
    # with the smallest score; ties go to the earlier path in PATHS; a copy that does not
    # survive is never chosen. A missing limit is met by any value, even an unbounded
    # one; a scenario without limits is out of scope and met whatever survives it.
    w_down, w_loss = impact.downtime_cost, impact.data_loss_cost
    if w_down + w_loss <= 0.0:
        w_down = w_loss = 1.0
    # score of each path without the scenario's detection and provisioning
    key = [
        (w_down * rto_rows[k] if w_down else 0.0) + (w_loss * rpo_rows[k] if w_loss else 0.0)
        for k in range(4)
    ]
    path = np.empty((S, n), np.int64)
    rpo = np.full((S, n), np.inf)  # inf where no copy survives
    rto = np.full((S, n), np.inf)
    rpo_mean = np.full((S, n), np.inf)
    meets_scenario = np.empty((S, n), bool)
    rates = np.array([x.rate for x in scen], dtype=float)
    dc, lc = impact.downtime_cost, impact.data_loss_cost
    eal = np.zeros(n)
    eal_mean = np.zeros(n)
    best = np.empty(n)  # score of the path chosen so far
    met = np.empty(n, bool)  # some path meets the limits (then the chosen one does)
    for s in range(S):
        chosen = path[s]
        chosen.fill(0)
        best.fill(np.inf)
        met.fill(False)
        lead = w_down * base[s]
        for k in range(3, -1, -1):  # earlier paths win ties: they are tried last
            if not alive_any[k, s]:
                continue
            rto_k = det[s] + rto_rows[k] if k == _FAILOVER else base[s] + rto_rows[k]
            meets = alive[k, s] & (rpo_rows[k] <= rpo_lim_c[s])
            meets &= rto_k <= rto_lim_c[s]
            score = key[k] + (w_down * det[s] if k == _FAILOVER else lead)
            # order (meets, then smaller score): better when it meets and the path so far
            # does not, or when both are alike and it scores no more
            other = ~met
            better = meets & other
            better |= score <= best
            other |= meets
            better &= other
            better &= alive[k, s]
            np.copyto(best, score, where=better)
            np.copyto(chosen, k, where=better)
            np.copyto(rpo[s], rpo_rows[k], where=better)
            np.copyto(rto[s], rto_k, where=better)
            np.copyto(rpo_mean[s], mean_rows[k], where=better)
            met |= meets
        meets_scenario[s] = met
        if np.isinf(rpo_lim[s]) and np.isinf(rto_lim[s]):
            meets_scenario[s] = True  # out of scope: met whatever survives it
        eal += cost.expected_annual_loss(rates[s], rto[s], rpo[s], dc, lc, axis=None)
        eal_mean += cost.expected_annual_loss(rates[s], rto[s], rpo_mean[s], dc, lc, axis=None)

    # --- other constraints ------------------------------------------------------------------
    offsite_ok = has_offsite(space, catalog)
    immutable_ok = has_immutable(space, catalog)
    avg = daily_gb / HOURS_PER_DAY
    gfs_period = _gfs_period(ret)
    traffic = (
        np.where(rep > 0, avg, 0.0)
        + np.where(p_loc == cloud, avg / r, 0.0)
        + np.where(o_loc == cloud, avg / r, 0.0)
        + np.where(l_loc == cloud, D / r / gfs_period, 0.0)  # a reduced full per GFS period
    )
    link_ok = (li < 0) | (traffic <= bw * physics.link_throughput(1.0) + _TOL)
    feasible = meets_scenario.all(axis=0) & window_ok & link_ok
    if requirements.offsite:
        feasible &= offsite_ok
    if requirements.immutable:
        feasible &= immutable_ok

    costs = row_costs(space, interval, workload, ret, catalog)
    outlay, breakdown = costs.outlay, costs.breakdown
    in_scope = np.isfinite(rpo_lim) | np.isfinite(rto_lim)
    scope_mask = in_scope if in_scope.any() else np.ones(S, bool)
    worst_rpo = np.zeros(n)
    worst_rto = np.zeros(n)
    for j in np.flatnonzero(scope_mask):
        np.maximum(worst_rpo, rpo[j], out=worst_rpo)
        np.maximum(worst_rto, rto[j], out=worst_rto)

    return Evaluation(
        space=space,
        interval=interval,
        backup_duration=t_b,
        min_interval=i_min * np.ones(n),
        rpo_rows=rpo_rows,
        rto_rows=rto_rows,
        path_rpo_mean=mean_rows,
        path=path,
        rpo=rpo,
        rpo_mean=rpo_mean,
        rto=rto,
        rpo_limit=rpo_lim,
        rto_limit=rto_lim,
        meets_scenario=meets_scenario,
        has_offsite=offsite_ok,
        has_immutable=immutable_ok,
        link_ok=link_ok,
        window_ok=window_ok,
        feasible=feasible,
        outlay=outlay,
        breakdown=breakdown,
        storage=costs.storage,
        eal=np.asarray(eal, dtype=float) * np.ones(n),
        eal_mean=np.asarray(eal_mean, dtype=float) * np.ones(n),
        tco=np.asarray(cost.total_cost_of_ownership(outlay, eal), dtype=float),
        worst_rpo=worst_rpo,
        worst_rto=worst_rto,
        extra={
            "replay_n": replay_n,
            "read": dict(zip((_PRIMARY, _OFFSITE, _LONGTERM), read, strict=True)),
            "inc": inc,
            "rc": rc,
            "lag": lag,
            "traffic": traffic,
            "retrieval": dict(zip((_PRIMARY, _OFFSITE, _LONGTERM), retr, strict=True)),
            "prov": prov,
            "alive": alive,
            "detection": det,
        },
    )


@dataclass(frozen=True)
class _Windows:
    """Where each interval-dependent copy meets each scenario, for :func:`_solve_interval`.

    ``fixed_ok[s]`` marks rows where an interval-independent copy meets scenario ``s``;
    ``usable[s][k]`` rows where copy ``k`` (chain, off-site copy) meets it at some
    interval in ``[lo[s][k], hi[s][k]]`` (clipped to the allowed range);
    ``rpo_bound[s]`` is the longest interval any copy allows by RPO alone (inf when the
    scenario does not constrain the interval).
    """

    fixed_ok: list[NDArray[np.bool_]]
    usable: list[tuple[NDArray[np.bool_], NDArray[np.bool_]]]
    lo: list[tuple[FloatArray, FloatArray]]
    hi: list[tuple[FloatArray, FloatArray]]
    rpo_bound: FloatArray  # (N,) min over scenarios


def _interval_windows(
    rpo_lim: FloatArray,
    alive: NDArray[np.bool_],
    *,
    fixed_ok: list[NDArray[np.bool_]],
    hi: Any,
    lo: Any,
    i_max: float,
) -> _Windows:
    """The interval window of every (scenario, copy) pair, one column per pair.

    ``hi(limit)`` gives the RPO boundaries (chain, off-site) for one RPO limit; it is
    evaluated once per distinct limit. ``lo(k, s)`` gives copy ``k``'s RTO boundary in
    scenario ``s``, already raised to the shortest allowed interval.
    """
    n = alive.shape[2]
    his: dict[float, tuple[FloatArray, FloatArray]] = {}
    usable, los, hi_c = [], [], []
    bound = np.full(n, np.inf)
    for s in range(len(rpo_lim)):
        limit = float(rpo_lim[s])
        if limit not in his:
            h_chain, h_copy = hi(limit)
            his[limit] = (np.minimum(h_chain, i_max), np.minimum(h_copy, i_max))
        pair_hi = his[limit]
        pair_lo = (lo(0, s), lo(1, s))
        usable.append(
            (
                alive[_PRIMARY, s] & (pair_lo[0] <= pair_hi[0] + _TOL),
                alive[_OFFSITE, s] & (pair_lo[1] <= pair_hi[1] + _TOL),
            )
        )
        los.append(pair_lo)
        hi_c.append(pair_hi)
        if np.isfinite(limit):
            # boundary of the RPO alone (rows infeasible at any interval get it)
            raw = np.maximum(
                np.where(alive[_PRIMARY, s], pair_hi[0], -np.inf),
                np.where(alive[_OFFSITE, s], pair_hi[1], -np.inf),
            )
            np.minimum(bound, np.where(fixed_ok[s], np.inf, raw), out=bound)
    return _Windows(fixed_ok=fixed_ok, usable=usable, lo=los, hi=hi_c, rpo_bound=bound)


def _solve_interval(
    win: _Windows,
    i_min: FloatArray,
    i_max: float,
    *,
    rule: str,
) -> FloatArray:
    """Longest (or shortest) interval at which every scenario has a copy meeting the ask.

    Each interval-dependent copy ``k`` (chain, off-site copy) meets scenario ``s`` for
    intervals in ``[lo, hi]``: its RPO grows with the interval
    (:func:`rtocalc.physics.max_interval_for_rpo`) and its chain replay shrinks
    (:func:`rtocalc.physics.min_interval_for_rto`). A scenario met by an
    interval-independent copy (``win.fixed_ok``) constrains nothing. The feasible set is
    an intersection of unions of closed intervals, so its supremum (infimum) is one of
    the ``hi`` (``lo``) endpoints or a bound of ``[i_min, i_max]``. Candidates are tried
    best first, each round only on the rows not yet settled; rows where some scenario
    has no usable copy at any interval are settled at once. Rows with no feasible
    candidate get the RPO boundary alone, clipped to ``[i_min, i_max]`` (they are
    infeasible).
    """
    S = len(win.fixed_ok)
    possible = np.ones(i_min.shape, bool)
    for s in range(S):
        possible &= win.fixed_ok[s] | win.usable[s][0] | win.usable[s][1]
    bound = win.rpo_bound
    result = np.clip(np.where(np.isfinite(bound), bound, i_max), i_min, i_max)
    # First the best candidate no feasible interval can pass: the least (longest rule)
    # of each scenario's highest usable window end, or the greatest (shortest rule) of its
    # lowest start. Where it is feasible it is the answer; it almost always is, so the
    # candidate search below runs on the few rows where a window's other end excludes it.
    if rule == "longest":
        guess = np.full(i_min.shape, i_max)
        for s in range(S):
            (u0, u1), (h0, h1) = win.usable[s], win.hi[s]
            top = np.maximum(np.where(u0, h0, -np.inf), np.where(u1, h1, -np.inf))
            top[win.fixed_ok[s]] = np.inf
            np.minimum(guess, top, out=guess)
    else:
        guess = i_min.copy()
        for s in range(S):
            (u0, u1), (l0, l1) = win.usable[s], win.lo[s]
            low = np.minimum(np.where(u0, l0, np.inf), np.where(u1, l1, np.inf))
            low[win.fixed_ok[s]] = -np.inf
            np.maximum(guess, low, out=guess)
    settled = possible.copy()
    upper, lower = guess + _TOL, guess - _TOL
    for s in range(S):
        (u0, u1), (l0, l1), (h0, h1) = win.usable[s], win.lo[s], win.hi[s]
        ok = u0 & (l0 <= upper) & (lower <= h0)
        ok |= u1 & (l1 <= upper) & (lower <= h1)
        ok |= win.fixed_ok[s]
        settled &= ok
    result[settled] = guess[settled]
    rows = np.flatnonzero(possible & ~settled)
    if rows.size == 0:
        return np.asarray(result, dtype=float)
    # (2S, R) windows of the settled-later rows, pair j = (scenario j // 2, copy j % 2)
    use = np.stack([u[rows] for pair in win.usable for u in pair])
    lo = np.stack([x[rows] for pair in win.lo for x in pair])
    hi = np.stack([x[rows] for pair in win.hi for x in pair])
    fixed = np.stack([f[rows] for f in win.fixed_ok])  # (S, R)
    # candidates in the order they are tried, best first: (K, R)
    if rule == "longest":
        ends = np.where(use, hi, -np.inf)
        cand = -np.sort(-np.concatenate([np.full((1, rows.size), i_max), ends]), axis=0)
    else:
        ends = np.where(use, lo, np.inf)
        cand = np.sort(np.concatenate([i_min[None, rows], ends]), axis=0)
    todo = np.arange(rows.size)
    for k in range(cand.shape[0]):
        i_k = cand[k, todo]
        within = use[:, todo] & (lo[:, todo] <= i_k + _TOL) & (i_k <= hi[:, todo] + _TOL)
        within = within.reshape(S, 2, -1).any(axis=1)
        good = (fixed[:, todo] | within).all(axis=0) & np.isfinite(i_k)
        result[rows[todo[good]]] = i_k[good]
        todo = todo[~good]
        if todo.size == 0:
            break
    return np.asarray(result, dtype=float)


_PER_SCENARIO = frozenset({"rpo_limit", "rto_limit", "detection"})


def take_rows(ev: Evaluation, rows: IntArray) -> Evaluation:
    """The evaluation of the given rows only (per-scenario fields kept whole)."""

    def sub(name: str, value: Any) -> Any:
        if name in _PER_SCENARIO:
            return value
        if isinstance(value, dict):
            return {k: sub(k, v) for k, v in value.items()}
        if isinstance(value, np.ndarray):
            return value[..., rows]  # rows are the last axis
        return value

    fields = {f: sub(f, getattr(ev, f)) for f in ev.__dataclass_fields__ if f != "space"}
    return Evaluation(space=ev.space.take(rows), **fields)


# --- evaluations of disjoint row sets put back together ----------------------------------
# The counterpart of take_rows: the exact search (rtocalc.optimize._search) evaluates the
# rows of a space in disjoint batches, and when no row is feasible the reasons need the
# evaluation of the whole space. Every metric of a row depends on that row alone, so
# placing the batches' rows at their positions gives the evaluation of the whole space
# without evaluating any row twice.


def _placed(values: list[Any], where: list[IntArray], n: int) -> Any:
    """The parts' values scattered along the row axis (the last) to positions ``where``."""
    first = np.asarray(values[0])
    out = np.empty((*first.shape[:-1], n), dtype=first.dtype)
    for value, pos in zip(values, where, strict=True):
        out[..., pos] = value
    return out


def gather_rows(parts: Sequence[tuple[IntArray, Evaluation]]) -> Evaluation:
    """The evaluation of the union of disjoint row sets, in the order of the rows.

    Parameters
    ----------
    parts : sequence of (rows, Evaluation)
        At least one. Row indices into one space (no row in two parts) and the
        evaluation of those rows, in that order, all with the same requirements, impact
        and catalog (the per-scenario fields are taken from the first).

    Returns
    -------
    Evaluation
        Of the rows of every part, sorted by row index: with parts covering every row of a
        space, equal to evaluating that space at once.
    """
    if not parts:
        raise ValueError("gather_rows: no evaluation to gather")
    if len(parts) == 1 and bool(np.all(parts[0][0][1:] > parts[0][0][:-1])):
        return parts[0][1]
    union = np.sort(np.concatenate([rows for rows, _ in parts]))
    where = [np.searchsorted(union, rows) for rows, _ in parts]  # positions in the union

    def gather(name: str, values: list[Any]) -> Any:
        first = values[0]
        if name in _PER_SCENARIO:
            return first
        if isinstance(first, dict):
            return {k: gather(k, [v[k] for v in values]) for k in first}
        if isinstance(first, np.ndarray):
            return _placed(values, where, union.size)
        return first

    evs = [ev for _, ev in parts]
    fields = {
        f: gather(f, [getattr(ev, f) for ev in evs])
        for f in evs[0].__dataclass_fields__
        if f != "space"
    }
    spaces = [ev.space for ev in evs]
    intervals = [s.interval for s in spaces]
    if any(iv is None for iv in intervals) and any(iv is not None for iv in intervals):
        raise ValueError("gather_rows: every part needs given intervals, or none")
    columns = {
        name: _placed([getattr(s, name) for s in spaces], where, union.size)
        for name in ("target", "scheme", "offsite", "longterm", "replication", "link", "strategy")
    }
    fields["space"] = DesignSpace(
        keys=spaces[0].keys,
        **columns,
        interval=None if intervals[0] is None else _placed(intervals, where, union.size),
    )
    return Evaluation(**fields)


@dataclass
class RowCosts:
    """Monthly outlay of every row and the storage behind it."""

    outlay: FloatArray  # (N,) [currency/month]
    breakdown: dict[str, FloatArray]  # item -> (N,) [currency/month]
    storage: dict[str, FloatArray]  # role (primary, offsite, longterm) -> (N,) [GB]


def row_costs(
    space: DesignSpace,
    interval: FloatArray,
    workload: Workload | WorkloadColumns,
    ret: Retention,
    catalog: Catalog,
) -> RowCosts:
    """Storage and monthly outlay of every row at the given backup intervals.

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
    tab = _Tables.of(catalog)
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
        "link": tab.link_price[space.link],
        "standby": np.asarray(standby, dtype=float),
        "offsite_fees": pick("fees"),
        "one_time": pick("one_time"),
        "drills": pick("drills"),
    }
    items = iter(breakdown.values())
    outlay = next(items).copy()
    for item in items:
        outlay += item
    return RowCosts(
        outlay=outlay,
        breakdown=breakdown,
        storage={"primary": primary, "offsite": offsite, "longterm": pick("long_sep")},
    )


def _choice_costs(
    tab: _Tables,
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
    short_tab, long_tab, which = _storage_tables(workload, ret)

    def at(table: FloatArray, targets: Any) -> Any:
        """Each choice's entry for its scheme on ``targets`` (block clone or not)."""
        idx = scheme * 2 + tab.clone[targets]
        return table[idx if which is None else idx * which[0] + which[1]]

    off_t = tab.off_target[o]
    # a chain writes a day's change, plus a full a week for periodic fulls unless they are
    # fast-cloned synthetic fulls; a separate GFS tier receives one point per period of its
    # finest tier, a full or (block clone) the blocks changed since the previous point.
    clone_b = tab.clone.astype(bool)
    weekly_full = (scheme >= 2) & ~((scheme == 2) & clone_b[t])
    weekly_full_o = (scheme >= 2) & ~((scheme == 2) & clone_b[off_t])
    long_sep = np.where(lt >= 0, at(long_tab, lt), 0.0)
    if ret.gfs:
        period_days = _gfs_period(ret) / HOURS_PER_DAY
        gfs_point = np.where(
            clone_b[lt] & (scheme != 3), full * unique_change(period_days, c), full
        )
        ingest_l = np.where(lt >= 0, gfs_point / period_days, 0.0)
    else:
        ingest_l = np.zeros(np.shape(long_sep))
    ops = catalog.operations
    return {
        "short_p": at(short_tab, t),
        "long_chain": np.where(lt >= 0, 0.0, at(long_tab, t)),
        "short_o": np.where(o >= 0, at(short_tab, off_t), 0.0),
        "long_sep": long_sep,
        "price_p": tab.price[t],
        "min_days_p": tab.min_days[t],
        "ingest_p": full * c + np.where(weekly_full, full / 7.0, 0.0),
        "price_o": tab.price[off_t],
        "min_days_o": tab.min_days[off_t],
        "ingest_o": full * c + np.where(weekly_full_o, full / 7.0, 0.0),
        "storage_l": cost.storage_cost(
            long_sep, tab.price[lt], min_storage_days=tab.min_days[lt], ingest_per_day=ingest_l
        ),
        "fees": tab.off_price[o],
        "one_time": cost.amortised_cost(
            tab.setup[t]
            + np.where(off_t != t, tab.setup[off_t], 0.0)
            + np.where((lt != t) & (lt != off_t), tab.setup[lt], 0.0),
            catalog.catalog.amortisation_years,
        ),
        "drills": cost.drill_cost(
            ops.drills_per_year,
            ops.drill_hours,
            ops.labor_rate,
            full,
            tab.read_price[t],
        ),
    }


def _standby_costs(
    tab: _Tables, catalog: Catalog, compute: Any, final_size: Any, st: IntArray
) -> Any:
    """Standby cost of strategies ``st`` (-1 none) [currency/month].

    ``compute`` (production compute [currency/month]) and ``final_size`` [GB] broadcast
    with ``st``: per-row columns, or one workload's figures with every strategy.
    """
    return cost.standby_cost(
        compute,
        tab.standby_fraction[st],
        np.where(tab.replica_storage[st], final_size, 0.0),
        catalog.replication.replica_price_per_gb_month,
    )


def _choice_grid(tab: _Tables) -> tuple[IntArray, IntArray, IntArray, IntArray]:
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


def _choice_code(space: DesignSpace, tab: _Tables) -> IntArray:
    """Each row's entry in the flattened tables of :func:`_choice_tables`."""
    # in place, by Horner's rule: one allocation
    code = space.target * len(SCHEMES)
    code += space.scheme
    code *= len(tab.off_price)
    code += space.offsite
    code *= len(tab.price)
    code += space.longterm
    code += len(tab.price) + 1  # off-site and long-term count from -1 (none)
    return code


def _choice_tables(
    tab: _Tables, catalog: Catalog, workload: Workload, ret: Retention
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
    with _TABLES_LOCK:  # evaluations may run in threads
        while len(_CHOICE_TABLES) >= 16:
            _CHOICE_TABLES.pop(next(iter(_CHOICE_TABLES)))
        _CHOICE_TABLES[key] = (catalog, tables)
    return tables


#: (catalog id, retention, workload figures) -> (catalog, its choice tables)
_CHOICE_TABLES: dict[Any, tuple[Catalog, tuple[dict[str, FloatArray], FloatArray]]] = {}


def _storage_tables(
    workload: Workload | WorkloadColumns, ret: Retention
) -> tuple[FloatArray, FloatArray, tuple[int, IntArray] | None]:
    """Short- and long-term storage [GB] per (scheme, block clone), flattened.

    Entry ``scheme * 2 + clone`` for one workload; with one workload per row, entry
    ``(scheme * 2 + clone) * W + w`` for workload ``w`` of ``W``, and the third value is
    ``(W, w of each row)``.
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
    short, long = _retention_tables(
        base.data_size[None, None, :],
        base.daily_change[None, None, :],
        base.data_reduction[None, None, :],
        base.annual_growth[None, None, :],
        base.horizon[None, None, :],
        ret,
        per_row=True,
    )
    return short.ravel(), long.ravel(), (len(base.data_size), which)


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
    per_row: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Storage of every (scheme, block clone) pair [GB], shape (4, 2) or (4, 2, W)."""

    def axes(x: Any) -> Any:
        return x[..., None] if per_row else x

    cols = _retention_columns(
        size,
        change,
        data_reduction=reduction,
        scheme_code=axes(np.arange(len(SCHEMES))[:, None]),
        points=ret.daily,
        full_every=7,
        weekly=ret.weekly,
        monthly=ret.monthly,
        yearly=ret.yearly,
        block_clone=axes(np.array([False, True])[None, :]),
        point_days=1.0,
        daily_change=change,
        growth_factor=(1.0 + annual) ** horizon,
        annual_growth=annual,
    )
    return np.asarray(cols.short_term_gb, dtype=float), np.asarray(cols.long_term_gb, dtype=float)


def has_offsite(space: DesignSpace, catalog: Catalog) -> NDArray[np.bool_]:
    """Rows with a copy away from the primary site (an off-site copy or a cloud chain)."""
    loc = _Tables.of(catalog).loc
    return np.asarray((space.offsite >= 0) | (loc[space.target] != _LOC["primary"]))


def has_immutable(space: DesignSpace, catalog: Catalog) -> NDArray[np.bool_]:
    """Rows with at least one immutable copy (chain, off-site copy or GFS points)."""
    tab = _Tables.of(catalog)
    imm = tab.immutable
    return np.asarray(imm[space.target] | imm[tab.off_target[space.offsite]] | imm[space.longterm])

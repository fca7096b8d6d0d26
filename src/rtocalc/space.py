"""The design space as columns: one row per design, every metric evaluated at once.

A design space is a struct of numpy integer arrays (one per decision variable) indexing
into the catalog's entries. :func:`evaluate_space` gathers the catalog figures for every
row and calls the formula functions of :mod:`rtocalc.physics`, :mod:`rtocalc.retention`
and :mod:`rtocalc.cost` once, on whole columns: there is no per-design Python loop.

Private module: the public entry points are :func:`rtocalc.cheapest` and
:func:`rtocalc.evaluate`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import cost, physics
from .models import (
    SCHEMES,
    SCOPES,
    BusinessImpact,
    Catalog,
    Design,
    Requirements,
    Retention,
    Workload,
)
from .retention import _retention_columns, gfs_nesting, unique_change
from .units import HOURS_PER_DAY, HOURS_PER_MONTH, HOURS_PER_WEEK, HOURS_PER_YEAR

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Recovery paths, in tie-break order.
PATHS: tuple[str, ...] = ("failover", "restore:primary", "restore:offsite", "restore:longterm")
REPLICATION: tuple[str, ...] = ("none", "async", "sync")
_LOC = {"primary": 0, "cloud": 1, "vault": 2}
_FAILOVER, _PRIMARY, _OFFSITE, _LONGTERM = range(4)
_TOL = 1e-9
#: grids of catalog choices up to this many entries hold a workload's figures even for
#: spaces with fewer rows (they are remembered, and gathered to each space's rows)
_GRID_CELLS = 50_000

#: decision variables a figure may depend on, and the offset that maps their values to
#: grid indices ("none", -1, to index 0)
_CHOICES = {
    "target": 0,
    "offsite": 1,
    "longterm": 1,
    "link": 1,
    "scheme": 0,
    "strategy": 0,
    "replication": 0,
}


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
    #: each row's index in the grid of some choices, by (choices, grid sizes): see code()
    _codes: dict[tuple[Any, ...], IntArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __len__(self) -> int:
        return int(self.target.shape[0])

    def code(self, names: tuple[str, ...], sizes: tuple[int, ...]) -> IntArray:
        """Each row's index in the C-ordered grid of the named choices (remembered).

        A choice's value ``v`` has grid index ``v + 1`` for those that may be none (-1),
        ``v`` for the others; ``sizes`` are the grid's extents.
        """
        hit = self._codes.get((names, sizes))
        if hit is None:
            hit = np.zeros(len(self), np.int64)
            for name, size in zip(names, sizes, strict=True):
                hit *= size
                hit += getattr(self, name)
                if _CHOICES[name]:
                    hit += _CHOICES[name]
            self._codes[names, sizes] = hit
        return hit

    def take(self, rows: IntArray) -> DesignSpace:
        """The sub-space of the given rows."""
        iv = None if self.interval is None else self.interval[rows]
        sub = DesignSpace(
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
        sub._codes.update({k: v[rows] for k, v in self._codes.items()})
        return sub

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
    """Every valid combination of the decision variables, as columns (read-only).

    Remembered for the last few (catalog, retention) pairs: both are frozen, and the
    space only depends on them, so every search of a catalog shares one space (and the
    grid codes :meth:`DesignSpace.code` keeps for it).

    Rules: the chain target has the 'primary' role; a separate long-term target exists
    only when GFS points are kept and differs from the chain's; strategies that need a
    replica go with async or sync replication, restore-type strategies with none; a link
    is chosen only when something uses it (a cloud target, replication), else ``-1``.
    Rows are ordered by target, scheme, off-site, long-term, replication, link and
    strategy, each in catalog order: this order is the last tie-break of the optimiser.
    """
    hit = _SPACES.get((id(catalog), id(retention)))
    if hit is not None and hit[0] is catalog and hit[1] is retention:
        return hit[2]
    space = _build_space(catalog, retention)
    for col in (space.target, space.scheme, space.offsite, space.longterm):
        col.setflags(write=False)
    for col in (space.replication, space.link, space.strategy):
        col.setflags(write=False)
    with _TABLES_LOCK:
        while len(_SPACES) >= 8:
            _SPACES.pop(next(iter(_SPACES)))
        _SPACES[id(catalog), id(retention)] = (catalog, retention, space)
    return space


#: (catalog id, retention id) -> (catalog, retention, space)
_SPACES: dict[tuple[int, int], tuple[Catalog, Retention, DesignSpace]] = {}


def _build_space(catalog: Catalog, retention: Retention) -> DesignSpace:
    """:func:`build_space`, computed."""
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
    tab = _Tables.of(catalog)
    # a standby at a second site replicates over the WAN; a same-site pair over the LAN
    uses_link = (loc[t] == _LOC["cloud"]) | ((rep > 0) & ~tab.local[st])
    uses_link |= (lt >= 0) & (loc[np.maximum(lt, 0)] == _LOC["cloud"])
    if len(off_loc):
        uses_link |= (o >= 0) & (off_loc[np.maximum(o, 0)] == _LOC["cloud"])
    ok = (lt != t) & tab.modes[st, rep] & ((li >= 0) == uses_link)
    # vendor support rules (catalog data): the chain's scheme on its target and on the
    # off-site copy's target; a long-term target only needs the 'longterm' role (GFS fulls)
    ok &= tab.supports[t, s] & tab.supports[tab.off_target[o], s]
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
    _check_scheme(catalog, "target", design.target, design.scheme)
    if design.offsite is not None and design.offsite in catalog.offsite:
        _check_scheme(catalog, "offsite", catalog.offsite[design.offsite].target, design.scheme)
    lt = index("longterm", design.longterm, keys.targets)
    if lt >= 0 and "longterm" not in catalog.targets[design.longterm or ""].roles:
        raise ValueError(
            f"design.longterm: {design.longterm!r} cannot hold GFS points; use a target with "
            "the 'longterm' role"
        )
    strategy = catalog.strategies.get(design.strategy)
    st = index("strategy", design.strategy, keys.strategies)
    rep = REPLICATION.index(design.replication)
    if strategy is not None and not _Tables.of(catalog).modes[st, rep]:
        modes = strategy.replication_modes if strategy.replica else ("none",)
        raise ValueError(
            f"design.replication: {design.replication!r} does not fit strategy "
            f"{design.strategy!r}; use " + " or ".join(repr(m) for m in modes)
        )
    li = index("link", design.link, keys.links)
    needs_link = (
        catalog.targets[design.target].location == "cloud"
        or (rep > 0 and strategy is not None and strategy.replica_site == "secondary")
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


def _check_scheme(catalog: Catalog, kind: str, target: str, scheme: str) -> None:
    """Raise if the vendor does not support chain ``scheme`` on ``target`` (catalog data)."""
    accepted = catalog.targets[target].schemes
    if scheme in accepted:
        return
    where = (
        f"design.target: {target!r}"
        if kind == "target"
        else f"design.offsite: its target {target!r}"
    )
    if not accepted:
        raise ValueError(
            f"{where} holds GFS fulls only and takes no {scheme!r} chain (the catalog's "
            "schemes = [] for it, see its source); use it as the long-term target"
        )
    raise ValueError(
        f"{where} does not support scheme {scheme!r} (see the catalog's source for it); "
        "use one of " + ", ".join(repr(x) for x in accepted)
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
    axes, which numpy does fast. Per-path RPOs are kept per row (:attr:`rpo_rows`); a
    path's RTO in given scenarios comes from :meth:`rto_of` and :meth:`rto_in`
    (:func:`path_rto`), so no (P, S, N) array is ever built.
    """

    space: DesignSpace
    interval: FloatArray  # (N,) [h]
    backup_duration: FloatArray  # (N,) [h]
    min_interval: FloatArray  # (N,) [h]
    rpo_rows: FloatArray  # (P, N) [h] worst-case RPO of each path, before survival
    path: NDArray[np.int8]  # (S, N) chosen path
    rpo: FloatArray  # (S, N) [h]
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
        if isinstance(scenarios, int | np.integer):
            scenarios = [scenarios]
        return path_rto(self.extra, path, scenarios)

    def provisioning(self, scenarios: Any = slice(None)) -> FloatArray:
        """(S, N) provisioning time of a restore in the given scenarios [h].

        It depends on the scenario and the row's strategy only (the kernel keeps it per
        strategy, :class:`_Clock`).
        """
        clock: _Clock = self.extra["clock"]
        return np.asarray(clock.provisioning[scenarios][:, self.space.strategy])

    def rpo_mean_of(self, row: int) -> FloatArray:
        """(S,) mean-case RPO of one row's chosen path in each scenario [h] (inf: none survives).

        The mean case of :func:`rtocalc.physics.rpo_backup` for the chain and the off-site
        copy, half a GFS period less for long-term points, the replica's RPO as it is;
        computed for the row alone (it is only ever reported for the rows shown), by the
        same operations the worst case takes.
        """
        x = self.extra
        interval, t_b = self.interval[row], self.backup_duration[row]
        t_off = t_b + physics.transfer_time(x["inc"][row], x["rc"][row])
        means = np.array(
            [
                self.rpo_rows[_FAILOVER, row],
                physics.rpo_backup(interval, t_b, case="mean"),
                physics.rpo_backup(interval, t_off, x["lag"][row], case="mean"),
                self.rpo_rows[_LONGTERM, row] - x["gfs_half"]
                if x["gfs_half"]
                else self.rpo_rows[_LONGTERM, row],
            ],
            dtype=float,
        )
        rpo = means[self.path[:, row]]
        rpo[~x["alive"][:, :, row].any(axis=0)] = np.inf
        return np.asarray(rpo, dtype=float)

    def eal_mean_of(self, row: int) -> float:
        """Expected annual loss of one row with mean-case RPOs [currency/year].

        :func:`rtocalc.cost.expected_annual_loss` per scenario, summed in scenario order
        as the kernel sums :attr:`eal`; the mean case is only ever reported for the rows
        shown, so it is computed for them alone.
        """
        rates = self.extra["rates"]
        dc, lc = self.extra["costs"]
        loss = cost.expected_annual_loss(
            rates, self.rto[:, row], self.rpo_mean_of(row), dc, lc, axis=None
        )
        total = 0.0
        for x in np.asarray(loss, dtype=float):
            total += x
        return total

    def rto_worst_of(self, row: int, shares: Sequence[float]) -> FloatArray:
        """(S,) RTO of one row after each scenario's worst incident [h] (inf: none survives).

        The fastest surviving path when the incident touches ``shares`` of the data (the
        scenarios' ``share_worst``); computed for the row alone, as it is only reported
        for the rows shown.
        """
        at = slice(row, row + 1)

        def view(name: str, value: Any) -> Any:  # the row's figures, as views
            if name in _PER_SCENARIO or not isinstance(value, dict | np.ndarray):
                return value
            if isinstance(value, dict):
                return {k: view(k, v) for k, v in value.items()}
            return value[..., at]

        x = {k: view(k, v) for k, v in self.extra.items()}
        x["clock"] = replace(x["clock"], share=np.asarray(shares, dtype=float))
        S = len(shares)
        rto = np.stack([path_rto(x, p, list(range(S)))[:, 0] for p in range(len(PATHS))])
        rto[~x["alive"][:, :, 0]] = np.inf
        return np.asarray(rto.min(axis=0), dtype=float)

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
    if retention.quarterly:
        return 3.0 * HOURS_PER_MONTH
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
    automatic: NDArray[np.bool_]  # strategies: fails over by itself
    health_check: FloatArray  # strategies: automatic detection and decision [h]
    survives: NDArray[np.bool_]  # strategies x SCOPES: the standby lives through the scope
    local: NDArray[np.bool_]  # strategies: the standby runs at the primary site
    modes: NDArray[np.bool_]  # strategies x REPLICATION: replication modes allowed
    witness: FloatArray  # strategies: third-site witness [currency/month]
    instant: FloatArray  # targets: instant recovery time [h], inf where not allowed
    supports: NDArray[np.bool_]  # targets (+ none) x SCHEMES: the vendor supports the chain

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
        )


#: catalog id -> (catalog, its tables); the catalog is kept so that its id stays its own
_TABLES: dict[int, tuple[Catalog, _Tables]] = {}
_TABLES_LOCK = threading.Lock()

#: scopes that destroy the primary site, so only copies away from it survive
_OFF_SITE_SCOPES = frozenset({"site", "region"})


@dataclass(frozen=True)
class _Domain:
    """The entries on which figures that depend on a few catalog choices are computed.

    With one workload for every row, a figure that depends only on some of a row's
    choices (its target and link, say) is computed once per combination of those
    choices and gathered to the rows by ``code``, one index per figure: far fewer
    operations than computing it on every row. The choices are axes of a grid (each
    column has extent 1 on the other axes), so each term is computed at the shape of the
    choices it depends on, and only the figures gathered are spread over the whole grid
    (a few thousand entries). Otherwise (one workload per row; figures of an ask on a
    space smaller than the grid) the entries are the rows themselves (``code`` is None).
    Either way the same formula functions run on the same numbers, so the figures are
    identical.
    """

    col: dict[str, IntArray]  # choice -> its value in each entry (-1: none)
    shape: tuple[int, ...]  # of the grid (N,) for rows
    code: IntArray | None  # (N,) entry of each row

    @classmethod
    def of(
        cls, space: DesignSpace, names: tuple[str, ...], sizes: tuple[int, ...], grid: bool
    ) -> _Domain:
        if grid:
            return cls(_grid(names, sizes), sizes, space.code(names, sizes))
        return cls({name: getattr(space, name) for name in names}, (len(space),), None)

    def rows(self, figure: Any, rows: IntArray | None = None, *, out: Any = None) -> Any:
        """Each row's value of a figure of the entries (of the given rows only).

        Written to ``out`` when given; else a new array, except for the whole figure on
        rows (which is returned as it is).
        """
        figure = np.asarray(figure)
        if self.code is not None and figure.shape != self.shape:
            code = self.code if rows is None else self.code[rows]
            return _spread(figure, self.shape).take(code, mode="clip", out=out)
        if figure.shape != self.shape:
            figure = np.broadcast_to(figure, self.shape)
        if self.code is None:
            value = figure if rows is None else figure[rows]
            if out is None:
                return value
            np.copyto(out, value)
            return out
        # codes are in range by construction: 'clip' skips the bounds check
        code = self.code if rows is None else self.code[rows]
        return figure.reshape(-1).take(code, mode="clip", out=out)


@lru_cache(maxsize=64)
def _grid(names: tuple[str, ...], sizes: tuple[int, ...]) -> dict[str, IntArray]:
    """The axes of the grid of the named choices, in the order of :meth:`DesignSpace.code`."""
    cols = {}
    for i, (name, size) in enumerate(zip(names, sizes, strict=True)):
        shape = [1] * len(sizes)
        shape[i] = size
        col = (np.arange(size) - _CHOICES[name]).reshape(shape)
        col.setflags(write=False)
        cols[name] = col
    return cols


def _spread(figure: Any, shape: tuple[int, ...]) -> Any:
    """A figure over a whole grid of ``shape``, flat (remembered for the figure object).

    Figures per catalog choice are kept at the shape of the choices they depend on and
    are remembered per ask, so their spread copies are too: gathers then index a
    contiguous table without building it again each evaluation.
    """
    key = (id(figure), shape)
    hit = _SPREAD.get(key)
    if hit is not None and hit[0] is figure:
        return hit[1]
    flat = np.ascontiguousarray(np.broadcast_to(figure, shape)).reshape(-1)
    with _TABLES_LOCK:
        if len(_SPREAD) >= 256:
            _SPREAD.clear()
        _SPREAD[key] = (figure, flat)
    return flat


#: (figure id, grid shape) -> (figure, its spread copy); the figure is kept so that its
#: id stays its own
_SPREAD: dict[tuple[int, tuple[int, ...]], tuple[Any, Any]] = {}


class _Arena:
    """Arrays carved from one allocation.

    The outputs of an evaluation (and of :func:`gather_rows`) go in one block instead of
    some sixty column-sized arrays: the allocator (glibc's, at least) then keeps that
    memory for the next evaluation instead of handing it back to the system and
    page-faulting it in again, which cost a third of the kernel's time.
    """

    def __init__(self, nbytes: int) -> None:
        self._buf = np.empty(-(-nbytes // 8), np.float64).view(np.uint8)
        self._used = 0

    @staticmethod
    def size(shape: tuple[int, ...], dtype: Any = float) -> int:
        """Bytes an array takes here (8-byte aligned)."""
        return int(-(-math.prod(shape) * np.dtype(dtype).itemsize // 8) * 8)

    def empty(self, shape: tuple[int, ...], dtype: Any = float, value: Any = None) -> Any:
        """The next array of ``shape`` and ``dtype``, filled with ``value`` if given."""
        dt = np.dtype(dtype)
        nbytes = math.prod(shape) * dt.itemsize
        start = self._used
        self._used += -(-nbytes // 8) * 8
        if self._used > self._buf.size:
            raise RuntimeError("arena too small: count its arrays again")
        out = self._buf[start : start + nbytes].view(dt).reshape(shape)
        if value is not None:
            np.copyto(out, value)
        return out


def _survives(
    scope: str, exists: Any, locations: IntArray, immutable: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Whether a backup copy survives damage of ``scope`` (DESIGN.md section 5)."""
    alive = np.asarray(exists, dtype=bool)
    if scope == "ransomware":
        alive = alive & immutable
    if scope in _OFF_SITE_SCOPES:
        alive = alive & (locations != 0)
    return alive


def _choice_figures(
    A: _Domain,
    B: _Domain,
    catalog: Catalog,
    workload: Workload | WorkloadColumns,
    ret: Retention,
    scopes: Sequence[str],
) -> _ChoiceFigures:
    """The figures of :func:`evaluate_space` that depend on neither the interval nor the
    ask's limits.

    Computed on the entries of ``A`` (the chain and the off-site copy: target, off-site
    method, link, scheme, strategy) and ``B`` (replica and long-term points: target,
    long-term target, link, replication, strategy). On a grid these include combinations
    no design has (a cloud target with no link, say): their figures may be infinite or
    undefined, and are never gathered.
    """
    tab = _Tables.of(catalog)
    rep_cfg = catalog.replication
    D = workload.final_size
    c = workload.daily_change
    r = workload.data_reduction
    peak = workload.peak_rate * (1.0 + workload.annual_growth) ** workload.horizon
    daily_gb = D * c
    gfs_period = _gfs_period(ret)
    cloud = _LOC["cloud"]

    survival: dict[tuple[int, bool, bool], NDArray[np.bool_]] = {}

    def survives(
        k: int, scope: str, exists: Any, locs: IntArray, immutable: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Survival of backup copy ``k`` in ``scope``, one table per kind of damage."""
        kind = (k, scope == "ransomware", scope in _OFF_SITE_SCOPES)
        if kind not in survival:
            survival[kind] = _survives(scope, exists, locs, immutable)
        return survival[kind]

    def rate(figure: FloatArray, idx: IntArray, wire: FloatArray) -> FloatArray:
        """A target's throughput, capped by the link when the target is in the cloud."""
        base = figure[idx]
        return np.where(tab.loc[idx] == cloud, np.minimum(base, wire), base)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t_a, li_a = A.col["target"], A.col["link"]
        o_a, scheme_a = A.col["offsite"], A.col["scheme"]
        off_a = tab.off_target[o_a]
        wire_a = physics.link_throughput(tab.bandwidth[li_a], r)  # reduced data [GB/h]
        rb_a = rate(tab.write, t_a, wire_a)  # backup rate [GB/h]
        rc_a = rate(tab.write, off_a, wire_a)  # off-site copy rate
        read_a = (rate(tab.read, t_a, wire_a), rate(tab.read, off_a, wire_a))
        retr_a = (tab.retrieval[t_a], tab.retrieval[off_a])
        overhead_a, lag_a = tab.overhead[t_a], tab.lag[o_a]
        i_min_a = np.asarray(physics.min_backup_interval(D, c, rb_a, overhead_a), dtype=float)
        # moving the whole data set from the chain and the off-site copy, and their
        # instant recovery times
        move_a = [np.asarray(physics.transfer_time(D, read_a[k]), dtype=float) for k in range(2)]
        ir_a = (tab.instant[t_a], tab.instant[off_a])
        # days of points a restore of the newest point replays (forward chains)
        chain_days_a = np.array([float(ret.daily), 0.0, 7.0, 7.0])[scheme_a]
        locs_a = (tab.loc[t_a], tab.loc[off_a])
        exists_a = (True, o_a >= 0)
        imm_a = (tab.immutable[t_a], tab.immutable[off_a])
        alive_a = [
            [survives(k, scope, exists_a[k], locs_a[k], imm_a[k]) for scope in scopes]
            for k in range(2)
        ]
        tg_b, lt_b, li_b = B.col["target"], B.col["longterm"], B.col["link"]
        rep_b, st_b = B.col["replication"], B.col["strategy"]
        wire_b = physics.link_throughput(tab.bandwidth[li_b], r)
        raw_link_b = physics.link_throughput(tab.bandwidth[li_b])
        read_lt_b = rate(tab.read, lt_b, wire_b)
        retr_lt_b = tab.retrieval[lt_b]
        move_lt_b = np.asarray(physics.transfer_time(D, read_lt_b), dtype=float)
        rpo_long_b = gfs_period + np.asarray(
            physics.backup_duration(
                physics.increment_size(D, c, HOURS_PER_DAY),
                rate(tab.write, tg_b, wire_b),
                tab.overhead[tg_b],
            )
        )
        local_b = tab.local[st_b]  # a same-site pair mirrors over the LAN: nothing is lost
        rpo_rep_b = np.where(
            local_b & (rep_b == 2),
            0.0,
            np.where(
            rep_b == 1,
            physics.rpo_async_replication(daily_gb, peak, raw_link_b, rep_cfg.async_lag),
            np.where(
                rep_b == 2,
                physics.rpo_sync_replication(
                    peak, raw_link_b, workload.secondary_distance_km, rep_cfg.sync_max_distance_km
                ),
                np.inf,
            ),
            ),
        )
        failover_b = tab.failover[st_b]
        replica = rep_b > 0
        alive_b = (
            [replica & tab.survives[st_b, SCOPES.index(scope)] for scope in scopes],
            [
                survives(2, scope, (lt_b >= 0) & ret.gfs, tab.loc[lt_b], tab.immutable[lt_b])
                for scope in scopes
            ],
        )
        # WAN traffic: replication and cloud chains carry the day's change (reduced for
        # backups), a cloud GFS tier a reduced full per GFS period; summed in this order
        avg = daily_gb / HOURS_PER_DAY
        traffic_b = (
            np.where(replica & ~local_b, avg, 0.0)
            + np.where(tab.loc[tg_b] == cloud, avg / r, 0.0),
            np.where(tab.loc[lt_b] == cloud, D / r / gfs_period, 0.0),
        )
        traffic_a = np.where(locs_a[1] == cloud, avg / r, 0.0)
        capacity_b = tab.bandwidth[li_b] * physics.link_throughput(1.0) + _TOL

    return _ChoiceFigures(
        rb=rb_a,
        rc=rc_a,
        read=(read_a[0], read_a[1], read_lt_b),
        retrieval=(retr_a[0], retr_a[1], retr_lt_b),
        overhead=overhead_a,
        lag=lag_a,
        i_min=i_min_a,
        move=(move_a[0], move_a[1], move_lt_b),
        instant=(ir_a[0], ir_a[1], tab.instant[lt_b]),
        chain_hours=chain_days_a * HOURS_PER_DAY,
        immutable=_immutable(tab, t_a, o_a),  # the GFS points' part is per row
        offsite=_offsite(tab, t_a, o_a),
        alive=(alive_b[0], alive_a[0], alive_a[1], alive_b[1]),
        chain_days=chain_days_a,
        rpo_long=rpo_long_b,
        rpo_rep=rpo_rep_b,
        failover=failover_b,
        traffic=(traffic_b[0], traffic_a, traffic_b[1]),
        capacity=capacity_b,
    )


@dataclass(frozen=True)
class _ChoiceFigures:
    """Figures per entry of a :class:`_Domain` (A: chain and off-site copy; B: replica
    and long-term points), as :func:`_choice_figures` computes them."""

    rb: FloatArray  # A: backup rate [GB/h]
    rc: FloatArray  # A: off-site copy rate [GB/h] (inf: no off-site copy)
    read: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: read rate per copy [GB/h]
    retrieval: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: retrieval delay [h]
    overhead: FloatArray  # A: job overhead [h]
    lag: FloatArray  # A: off-site copy lag [h]
    i_min: FloatArray  # A: shortest interval the backup window allows [h]
    move: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: moving the whole data [h]
    instant: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: instant recovery [h]
    chain_hours: FloatArray  # A: hours of points a restore replays
    immutable: NDArray[np.bool_]  # A: the chain or off-site copy is immutable
    offsite: NDArray[np.bool_]  # A: a copy away from the primary site
    alive: tuple[list[Any], list[Any], list[Any], list[Any]]  # per path (B, A, A, B), scenario
    chain_days: FloatArray  # A: days of points a restore replays
    rpo_long: FloatArray  # B: RPO of the long-term points [h]
    rpo_rep: FloatArray  # B: RPO of the replica [h]
    failover: FloatArray  # B: failover time [h]
    traffic: tuple[FloatArray, FloatArray, FloatArray]  # B, A, B: WAN traffic terms [GB/h]
    capacity: FloatArray  # B: link capacity [GB/h] plus tolerance

    def on_rows(self, A: _Domain, B: _Domain) -> _ChoiceFigures:
        """These figures gathered to the rows of ``A`` and ``B`` (grids of one space)."""
        gathered: dict[int, Any] = {}

        def rows(dom: _Domain, x: Any) -> Any:
            if id(x) not in gathered:  # tables shared between scopes stay shared
                gathered[id(x)] = dom.rows(x)
            return gathered[id(x)]

        def a(x: Any) -> Any:
            return rows(A, x)

        def b(x: Any) -> Any:
            return rows(B, x)

        doms = (B, A, A, B)
        return _ChoiceFigures(
            rb=a(self.rb),
            rc=a(self.rc),
            read=(a(self.read[0]), a(self.read[1]), b(self.read[2])),
            retrieval=(a(self.retrieval[0]), a(self.retrieval[1]), b(self.retrieval[2])),
            overhead=a(self.overhead),
            lag=a(self.lag),
            i_min=a(self.i_min),
            move=(a(self.move[0]), a(self.move[1]), b(self.move[2])),
            instant=(a(self.instant[0]), a(self.instant[1]), b(self.instant[2])),
            chain_hours=a(self.chain_hours),
            immutable=a(self.immutable),
            offsite=a(self.offsite),
            alive=tuple(  # type: ignore[arg-type]
                [rows(doms[k], x) for x in self.alive[k]] for k in range(4)
            ),
            chain_days=a(self.chain_days),
            rpo_long=b(self.rpo_long),
            rpo_rep=b(self.rpo_rep),
            failover=b(self.failover),
            traffic=(b(self.traffic[0]), a(self.traffic[1]), b(self.traffic[2])),
            capacity=b(self.capacity),
        )


@dataclass(frozen=True, eq=False)
class _Clock:
    """The parts of the outage clock per scenario (DESIGN.md section 10).

    ``manual[s]`` comes before any manual recovery in scenario ``s``: detection and a
    person's decision. ``provisioning[s, st]`` comes before a restore with strategy
    ``st``, ``instant_provisioning[s, st]`` before an instant recovery (none where the
    production compute survives: logical damage, a storage failure).
    ``lead_failover[s, st]`` comes before a failover: the manual lead, or the health
    checks of an automatic strategy. ``share[s]`` is the share of the data the incident
    checked against touches.
    """

    detection: FloatArray  # (S,) [h]
    decision: FloatArray  # (S,) [h]
    manual: FloatArray  # (S,) [h]
    share: FloatArray  # (S,) [-]
    provisioning: FloatArray  # (S, strategies) [h]
    instant_provisioning: FloatArray  # (S, strategies) [h]
    lead_failover: FloatArray  # (S, strategies) [h]
    compute_lives: NDArray[np.bool_]  # (S,) production compute survives

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Clock):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f), getattr(other, f)) for f in self.__dataclass_fields__
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def of(
        cls, impact: BusinessImpact, catalog: Catalog, incident: str, tab: _Tables
    ) -> _Clock:
        scen = impact.scenarios
        det = np.array([x.detection for x in scen], dtype=float)
        dec = np.array([x.decision for x in scen], dtype=float)
        worst = incident == "worst"
        share = np.array([x.share_worst if worst else x.share for x in scen], dtype=float)
        n_st = len(catalog.strategies)
        # provisioning (S, strategies): none after logical damage, the strategy's after a
        # loss of infrastructure, a new environment (restore strategy) after a regional
        # disaster; an instant recovery needs none where production compute survives
        prov = np.empty((len(scen), n_st))
        compute_lives = np.array([x.scope in _COMPUTE_LIVES for x in scen])
        for s, x in enumerate(scen):
            if x.scope == "region":
                prov[s] = catalog.strategies["restore"].provisioning_time
            else:
                prov[s] = tab.provisioning[:n_st] if x.scope != "logical" else 0.0
        # the lead of a failover (its failover time is added per row)
        lead_f = physics.rto_failover(
            det[:, None],
            0.0,
            decision=dec[:, None],
            automatic=tab.automatic[:n_st],
            health_check=tab.health_check[:n_st],
        )
        return cls(
            detection=det,
            decision=dec,
            manual=det + dec,
            share=share,
            provisioning=prov,
            instant_provisioning=np.where(compute_lives[:, None], 0.0, prov),
            lead_failover=np.asarray(lead_f, dtype=float),
            compute_lives=compute_lives,
        )


#: scopes in which the production compute survives (logical damage, a storage failure):
#: an instant recovery runs there without provisioning
_COMPUTE_LIVES = frozenset({"logical", "hardware"})


def _solve_inputs(
    fig: _ChoiceFigures,
    A: _Domain,
    B: _Domain,
    workload: Workload | WorkloadColumns,
    limits: tuple[FloatArray, FloatArray],
    clock: _Clock,
) -> tuple[_Windows, list[NDArray[np.bool_]]]:
    """What the interval solve needs from the ask: the interval windows of the chain and
    the off-site copy (on ``A``) and, per scenario, where it is met whatever the interval
    (on ``B``); ``fig`` holds the figures of the same entries."""
    D = workload.final_size
    c = workload.daily_change
    rpo_lim, rto_lim = limits
    rpo_lim_c, rto_lim_c = rpo_lim + _TOL, rto_lim + _TOL
    S = len(rpo_lim)
    lead = (1,) * len(A.shape)

    def per_s(x: FloatArray) -> FloatArray:
        """Per-scenario values on a leading scenario axis."""
        return np.asarray(x).reshape((S, *lead))

    st_a, st_b = A.col["strategy"], B.col["strategy"]
    rb_a, rc_a, overhead_a, lag_a, i_min_a = fig.rb, fig.rc, fig.overhead, fig.lag, fig.i_min
    read_a, chain_days_a = fig.read[:2], fig.chain_days
    rpo_rep_b, rpo_long_b, failover_b = fig.rpo_rep, fig.rpo_long, fig.failover
    alive_a = (fig.alive[_PRIMARY], fig.alive[_OFFSITE])
    alive_b = (fig.alive[_FAILOVER], fig.alive[_LONGTERM])
    share = per_s(clock.share)
    manual = per_s(clock.manual)
    prov_a, ir_prov_a = clock.provisioning[:, st_a], clock.instant_provisioning[:, st_a]
    i_max = HOURS_PER_DAY
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # the RTO boundary of each copy: its chain replay (a share of the chain's, as the
        # data moved) shrinks as the interval grows, within the slack that every other
        # term leaves; instant recovery within the limit lifts it
        lo = []
        for k in range(2):
            # measured from the limit the "meets" test uses (with its tolerance): at a
            # limit equal to the copy's RTO the raw slack can round to -1e-15, which
            # would rule the copy out
            slack = ((per_s(rto_lim_c) - manual) - prov_a) - fig.retrieval[k]
            slack = slack - share * fig.move[k]
            bound = physics.min_interval_for_rto(slack, D, c, read_a[k], chain_days_a, share)
            instant = manual + (fig.instant[k] + ir_prov_a) <= per_s(rto_lim_c)
            lo.append(np.maximum(np.where(instant, -np.inf, bound), i_min_a))
        # interval windows of the chain and the off-site copy in each scenario
        win = _windows(
            rpo_lim,
            [_stacked(alive_a[k]) for k in range(2)],
            # RPO boundaries (chain, off-site copy)
            hi=(
                physics.max_interval_for_rpo(per_s(rpo_lim), D, c, 1.0 / rb_a, overhead_a),
                physics.max_interval_for_rpo(
                    per_s(rpo_lim), D, c, 1.0 / rb_a + 1.0 / rc_a, overhead_a + lag_a
                ),
            ),
            lo=lo,
            i_max=i_max,
        )

        # scenarios met whatever the interval: failover to the replica, long-term points
        restore_lt = physics.rto_restore(
            D,
            fig.read[2],
            detection=per_s(clock.manual),
            provisioning=clock.provisioning[:, st_b],
            retrieval_delay=fig.retrieval[2],
            share=per_s(clock.share),
            instant_recovery=fig.instant[2] + clock.instant_provisioning[:, st_b],
        )
        fixed_ok_b = list(
            (
                _stacked(alive_b[0])
                & (rpo_rep_b <= per_s(rpo_lim_c))
                & (clock.lead_failover[:, st_b] + failover_b <= per_s(rto_lim_c))
            )
            | (
                _stacked(alive_b[1])
                & (rpo_long_b <= per_s(rpo_lim_c))
                & (restore_lt <= per_s(rto_lim_c))
            )
        )
    # a scenario without limits is out of scope: met whatever survives it (as the kernel
    # says), so it constrains no interval
    out_of_scope = np.isinf(rpo_lim) & np.isinf(rto_lim)
    fixed_ok_b = [ok | out_of_scope[s] for s, ok in enumerate(fixed_ok_b)]
    return win, fixed_ok_b


#: (catalog, workload, requirements, impact, limits) ids -> (those objects, figures)
_FIGURES: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
_FIGURES_LOCK = threading.Lock()


def _figures_of(key: tuple[Any, ...], objects: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered for the last few keys (every input is frozen).

    The exact search evaluates one ask on batch after batch of rows, negotiation
    evaluates several asks of one workload on one space, and the figures per catalog
    choice (of the workload; of the ask) are the same each time. ``key`` holds the ids of
    ``objects``, which are kept so that the ids stay theirs.
    """
    hit = _FIGURES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=True)):
        return hit[1]
    figures = compute()
    with _FIGURES_LOCK:
        while len(_FIGURES) >= 8:
            _FIGURES.pop(next(iter(_FIGURES)))
        _FIGURES[key] = (objects, figures)
    return figures


def path_rto(
    x: Mapping[str, Any], path: int, scenarios: Any, *, replay: bool = True
) -> FloatArray:
    """RTO of one recovery path in the given scenarios [h], whether its copy survives or not.

    ``x`` holds an evaluation's per-row figures (:attr:`Evaluation.extra`);
    ``scenarios`` is one scenario index (rows out, shape (N,)) or an index of several
    (shape (S', N)). A failover takes its lead (detection and a person's decision, or
    an automatic strategy's health checks: :func:`rtocalc.physics.rto_failover`) plus
    the strategy's failover time; a restore its lead (detection, decision,
    provisioning) plus moving the scenario's share of the data, or instant recovery
    where its copy allows it (:func:`rtocalc.physics.rto_restore`). The kernel and every
    explanation read path RTOs from here, so they cannot disagree. ``replay=False``
    leaves out the chain replay: the least RTO a path can have at any backup interval.
    """
    clock: _Clock = x["clock"]
    if path == _FAILOVER:
        lead = clock.lead_failover[scenarios]
        lead = lead.take(x["strategy"], axis=-1)  # (N,) or (S', N)
        return np.asarray(lead + x["failover"], dtype=float)
    share = np.asarray(clock.share[scenarios], dtype=float)
    manual = np.asarray(clock.manual[scenarios], dtype=float)
    prov = x["provisioning"][scenarios]
    instant = x["instant"][path]
    if np.isposinf(instant).all():  # no row of this path can run from its backup files
        instant = np.inf
    elif share.ndim:
        instant = instant + np.where(clock.compute_lives[scenarios][:, None], 0.0, prov)
    elif not clock.compute_lives[scenarios]:  # an instant recovery needs provisioning
        instant = instant + prov
    if share.ndim:
        share, manual = share[:, None], manual[:, None]
    return np.asarray(
        physics.rto_restore(
            0.0,
            0.0,
            detection=manual,
            provisioning=prov,
            retrieval_delay=x["retrieval"][path],
            replay=x["replay"][path] if replay else 0.0,
            share=share,
            instant_recovery=instant,
            transfer=x["transfer"][path],
        ),
        dtype=float,
    )


def path_clock(ev: Evaluation, row: int, s: int, path: int) -> dict[str, float]:
    """The parts of one path's RTO for one row in scenario ``s``, in order [h].

    Keys: ``detection``, ``decision``, ``health_check`` (automatic failover, in place of
    both), ``failover``; for a restore ``provisioning``, ``retrieval``, ``transfer``
    (moving the scenario's share of the data), ``replay`` (its share of the chain) or,
    where instant recovery serves first, ``instant_recovery`` (the transfer and replay
    then complete behind it: ``restore_complete`` gives when). Zero parts are left out
    except detection. The parts add up to :func:`path_rto` (up to rounding).
    """
    x = ev.extra
    clock: _Clock = x["clock"]
    st = int(ev.space.strategy[row])
    parts: dict[str, float] = {}
    if path == _FAILOVER:
        if x["automatic"][row]:
            parts["health_check"] = float(clock.lead_failover[s, st])
        else:
            parts["detection"] = float(clock.detection[s])
            parts["decision"] = float(clock.decision[s])
        parts["failover"] = float(x["failover"][row])
        return {k: v for k, v in parts.items() if v or k == "detection"}
    def at_row(value: Any) -> float:
        return float(value[row] if np.ndim(value) else value)

    share = float(clock.share[s])
    move = share * at_row(x["transfer"][path])
    replay = share * at_row(x["replay"][path])
    retr = float(x["retrieval"][path][row])
    parts["detection"] = float(clock.detection[s])
    parts["decision"] = float(clock.decision[s])
    restore = float(clock.provisioning[s, st]) + retr + (move + replay)
    instant = float(x["instant"][path][row]) + float(clock.instant_provisioning[s, st])
    if instant < restore:
        parts["provisioning"] = float(clock.instant_provisioning[s, st])
        parts["instant_recovery"] = float(x["instant"][path][row])
        parts["restore_complete"] = parts["detection"] + parts["decision"] + restore
    else:
        parts["provisioning"] = float(clock.provisioning[s, st])
        parts["retrieval"] = retr
        parts["transfer"] = move
        parts["replay"] = replay
    return {k: v for k, v in parts.items() if v or k == "detection"}


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

    Figures that do not depend on the interval are computed per combination of the
    catalog choices they depend on (:class:`_Domain`) and gathered to the rows; the rest
    are columns of one value per row, with the scenarios and paths as short loops, so no
    large temporary is allocated.
    """
    if interval_rule not in ("longest", "shortest"):
        raise ValueError(
            f"interval_rule: {interval_rule!r} is not a rule; use 'longest' or 'shortest'"
        )
    tab = _Tables.of(catalog)
    ret = requirements.retention
    n = len(space)
    keys = space.keys
    D = workload.final_size
    c = workload.daily_change

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
    clock = _Clock.of(impact, catalog, requirements.incident, tab)
    n_st = len(keys.strategies)
    i_max = HOURS_PER_DAY  # daily restore points are always kept (retention.daily >= 1)
    gfs_period = _gfs_period(ret)

    # --- figures per catalog choice ------------------------------------------------------
    # A: the chain and the off-site copy (target, off-site method, link, scheme, strategy);
    # B: replica and long-term points (target, long-term target, link, replication,
    # strategy). On a grid these include combinations no design has (a cloud target with
    # no link, say): their figures may be infinite or undefined, and are never gathered.
    n_t, n_l = len(keys.targets), len(keys.links) + 1
    a_sizes = (n_t, len(keys.offsite) + 1, n_l, len(SCHEMES), n_st)
    b_sizes = (n_t, n_t + 1, n_l, len(REPLICATION), n_st)
    # the workload's figures go on grids of the catalog choices (one workload, grids of
    # reasonable size), the ask's on the same grids when the space is at least as large,
    # else on the rows (the workload's figures gathered to them)
    scalar = not isinstance(workload, WorkloadColumns)
    cells = max(int(np.prod(a_sizes)), int(np.prod(b_sizes)))
    names_a = ("target", "offsite", "link", "scheme", "strategy")
    names_b = ("target", "longterm", "link", "replication", "strategy")
    on_grid = scalar and cells <= max(n, _GRID_CELLS)
    A = _Domain.of(space, names_a, a_sizes, on_grid)
    B = _Domain.of(space, names_b, b_sizes, on_grid)
    if on_grid:
        fig = _figures_of(
            ("workload", id(catalog), id(workload), id(ret), id(impact), A.shape, B.shape),
            (catalog, workload, ret, impact),
            lambda: _choice_figures(A, B, catalog, workload, ret, scopes),
        )
    else:
        fig = _choice_figures(A, B, catalog, workload, ret, scopes)
    ask_on_grid = on_grid and cells <= n
    if on_grid and not ask_on_grid:
        fig = fig.on_rows(A, B)
        A = _Domain.of(space, names_a, a_sizes, False)
        B = _Domain.of(space, names_b, b_sizes, False)

    def solve_inputs() -> tuple[_Windows, list[NDArray[np.bool_]]]:
        limit_pair = (rpo_lim, rto_lim)
        compute = partial(_solve_inputs, fig, A, B, workload, limit_pair, clock)
        if not ask_on_grid:
            return compute()
        ids = (
            "ask",
            id(catalog),
            id(workload),
            id(requirements),
            id(impact),
            A.shape,
            B.shape,
            None if limits is None else (rpo_lim.tobytes(), rto_lim.tobytes()),
        )
        return _figures_of(ids, (catalog, workload, requirements, impact), compute)  # type: ignore[no-any-return]

    # --- each row's figures ----------------------------------------------------------------
    # the domain of each figure: A for the chain and off-site copy, B for the others
    dom_of = (B, A, A, B)
    arena = _Arena((28 + 2 * S) * _Arena.size((n,)))

    def col(k: int = 0, value: Any = None) -> FloatArray:
        """The next output column (``k`` > 0: the next ``k`` of them, shape (k, N))."""
        return arena.empty((k, n) if k else (n,), float, value)  # type: ignore[no-any-return]

    rb, rc = A.rows(fig.rb), A.rows(fig.rc, out=col())
    read = tuple(dom_of[k + 1].rows(fig.read[k], out=col()) for k in range(3))
    retr = tuple(dom_of[k + 1].rows(fig.retrieval[k], out=col()) for k in range(3))
    overhead, lag = A.rows(fig.overhead), A.rows(fig.lag, out=col())
    i_min = A.rows(fig.i_min, out=col())
    instant = tuple(dom_of[k + 1].rows(fig.instant[k]) for k in range(3))
    chain_hours = A.rows(fig.chain_hours)
    # what comes before a restore (detection, decision, provisioning) and before a
    # failover (detection and decision, or health checks), (S, N), from tables per strategy
    prov = np.take(clock.provisioning, space.strategy, axis=1, mode="clip")
    # survival (P, S, N); scopes alike for a copy (the same table) share one gather
    alive = np.empty((4, S, n), bool)
    seen: dict[int, int] = {}
    for s in range(S):
        for k in range(4):
            table = fig.alive[k][s]
            if id(table) in seen:
                alive[k, s] = alive[k, seen[id(table)]]
                continue
            seen[id(table)] = s
            if not table.any() or table.all():
                alive[k, s] = bool(table.flat[0]) if table.size else False
            else:
                alive[k, s] = dom_of[k].rows(table)
    alive_any: NDArray[np.bool_] = np.asarray(alive.any(axis=2))  # (P, S)

    # --- backup interval: solved boundary or given --------------------------------------
    interval = col()
    if space.interval is None:
        win, fixed_ok_tables = solve_inputs()
        fixed_ok = [B.rows(x) for x in fixed_ok_tables]
        _solve_interval(win, A, fixed_ok, i_min, i_max, rule=interval_rule, out=interval)
    else:
        interval[:] = space.interval
    window_ok = interval >= i_min - _TOL

    inc = col(value=physics.increment_size(D, c, interval))
    t_b = col(value=physics.backup_duration(inc, rb, overhead))
    t_copy = physics.transfer_time(inc, rc)  # rc is infinite without an off-site copy

    # replay: increments applied after the full when restoring the newest point (forward
    # chains: every point of the chain's days, at the real interval; reverse: none)
    replay_n = col(value=np.maximum(chain_hours / interval - 1.0, 0.0))

    # --- RPO and RTO per path and row ---------------------------------------------------
    # RPOs depend on the path and row only; survival on the scenario's scope. A path's RTO
    # in scenario s is the lead before a failover plus its failover time, or the lead
    # before a restore plus the restore of the scenario's share of the data
    # (:func:`_path_rto`). Row 4 of the RPO table stands for "no copy survives": infinite.
    rpo_all = col(5)
    rpo_all[4] = np.inf
    rpo_rows = rpo_all[:4]
    B.rows(fig.rpo_rep, out=rpo_rows[_FAILOVER])
    t_off = t_b + t_copy  # the newest point is off site once copied
    rpo_rows[_PRIMARY] = physics.rpo_backup(interval, t_b)
    rpo_rows[_OFFSITE] = physics.rpo_backup(interval, t_off, lag)
    B.rows(fig.rpo_long, out=rpo_rows[_LONGTERM])
    failover = B.rows(fig.failover, out=col())
    # chain replay of the whole data set (the chain and the off-site copy; none for the
    # long-term points, each a full)
    replay = (
        col(value=physics.chain_replay_time(replay_n, inc, read[0])),
        col(value=physics.chain_replay_time(replay_n, inc, read[1])),
        0.0,
    )
    restores = (_PRIMARY, _OFFSITE, _LONGTERM)
    x = {
        "strategy": space.strategy,
        "failover": failover,
        "read": dict(zip(restores, read, strict=True)),
        "retrieval": dict(zip(restores, retr, strict=True)),
        "replay": dict(zip(restores, replay, strict=True)),
        # moving the whole data set, once per evaluation (each scenario moves a share)
        "transfer": {k: physics.transfer_time(D, r) for k, r in zip(restores, read, strict=True)},
        "instant": dict(zip(restores, instant, strict=True)),
        "provisioning": prov,
        "clock": clock,
        "automatic": tab.automatic[space.strategy],
    }

    # --- choose a recovery path per scenario ------------------------------------------------
    # the path meeting both limits with the smallest loss score (downtime and data-loss
    # cost per hour as weights; 1 and 1 without costs); if none meets, the surviving path
    # with the smallest score; ties go to the earlier path in PATHS; a copy that does not
    # survive is never chosen. A missing limit is met by any value, even an unbounded
    # one; a scenario without limits is out of scope and met whatever survives it.
    w_down, w_loss = impact.downtime_cost, impact.data_loss_cost
    if w_down + w_loss <= 0.0:
        w_down = w_loss = 1.0
    loss_key = [w_loss * rpo_rows[k] if w_loss else None for k in range(4)]
    path = np.empty((S, n), np.int8)
    rpo, rto = col(S), col(S)
    meets_scenario = np.empty((S, n), bool)
    chosen = np.empty(n, np.int8)  # path chosen so far, 4 for none
    best = np.empty(n)  # its score
    score = np.empty(n)
    met = np.empty(n, bool)  # some path meets the limits (then the chosen one does)
    at = np.empty(n, np.int64)  # position of the chosen path's figure in the flat tables
    rto_s = np.empty((5, n))  # each path's RTO in the scenario; row 4: none survives
    rto_s[4] = np.inf
    rows = np.arange(n)
    rpo_met: dict[tuple[int, float], NDArray[np.bool_]] = {}
    rates = np.array([x.rate for x in scen], dtype=float)
    dc, lc = impact.downtime_cost, impact.data_loss_cost
    eal = col(value=0.0)
    for s in range(S):
        chosen.fill(4)
        best.fill(np.inf)
        met.fill(False)
        tried = [k for k in range(3, -1, -1) if alive_any[k, s]]  # earlier paths win ties
        for k in tried:
            rto_k = rto_s[k]  # a path not tried here is never chosen here
            rto_k[:] = path_rto(x, k, s)
            rpo_ok = rpo_met.get((k, rpo_lim_c[s]))
            if rpo_ok is None:  # scenarios often share an RPO limit
                rpo_ok = rpo_met[k, rpo_lim_c[s]] = rpo_rows[k] <= rpo_lim_c[s]
            meets = rto_k <= rto_lim_c[s]
            meets &= rpo_ok
            meets &= alive[k, s]
            if w_down:  # a zero weight ignores the term (never 0 x inf)
                np.multiply(rto_k, w_down, out=score)
            else:
                score.fill(0.0)
            loss = loss_key[k]
            if loss is not None:
                score += loss
            # order (meets, then smaller score): better when it meets and the path so far
            # does not, or when both are alike and it scores no more
            other = ~met
            better = meets & other
            better |= score <= best
            other |= meets
            better &= other
            better &= alive[k, s]
            if k != tried[-1]:  # the last path tried is compared with nothing after it
                np.copyto(best, score, where=better)
            np.copyto(chosen, k, where=better)
            met |= meets
        np.bitwise_and(chosen, 3, out=path[s])  # none -> 0
        np.multiply(chosen, n, out=at, dtype=np.int64)
        at += rows
        rpo_all.reshape(-1).take(at, out=rpo[s], mode="clip")
        rto_s.reshape(-1).take(at, out=rto[s], mode="clip")
        meets_scenario[s] = met
        if np.isinf(rpo_lim[s]) and np.isinf(rto_lim[s]):
            meets_scenario[s] = True  # out of scope: met whatever survives it

    # the loss of every scenario at once, summed over scenarios in order (rows add up
    # one scenario after the other, as a loop would)
    np.sum(cost.expected_annual_loss(rates[:, None], rto, rpo, dc, lc, axis=None), 0, out=eal)

    # --- other constraints ------------------------------------------------------------------
    # as has_offsite() and has_immutable() say: the short-term points on the chain and its
    # off-site copy, and the GFS points where they live (the long-term target, else the chain)
    offsite_ok = A.rows(fig.offsite)
    immutable_ok = A.rows(fig.immutable)
    if ret.gfs:
        home = _gfs_home(space.target, space.longterm)
        offsite_ok = offsite_ok & (tab.loc[home] != _LOC["primary"])
        immutable_ok = immutable_ok & tab.immutable[home]
    traffic = col(value=B.rows(fig.traffic[0]) + A.rows(fig.traffic[1]))
    traffic += B.rows(fig.traffic[2])
    link_ok = (space.link < 0) | (traffic <= B.rows(fig.capacity))
    feasible = meets_scenario.all(axis=0) & window_ok & link_ok
    if requirements.offsite:
        feasible &= offsite_ok
    if requirements.immutable:
        feasible &= immutable_ok

    costs = row_costs(space, interval, workload, ret, catalog)
    outlay, breakdown = costs.outlay, costs.breakdown
    in_scope = np.isfinite(rpo_lim) | np.isfinite(rto_lim)
    scope_mask = in_scope if in_scope.any() else np.ones(S, bool)
    worst_rpo, worst_rto = col(), col()
    every = bool(scope_mask.all())
    np.max(rpo if every else rpo[scope_mask], axis=0, initial=0.0, out=worst_rpo)
    np.max(rto if every else rto[scope_mask], axis=0, initial=0.0, out=worst_rto)

    return Evaluation(
        space=space,
        interval=interval,
        backup_duration=t_b,
        min_interval=i_min,
        rpo_rows=rpo_rows,
        path=path,
        rpo=rpo,
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
        eal=eal,
        tco=col(value=cost.total_cost_of_ownership(outlay, eal)),
        worst_rpo=worst_rpo,
        worst_rto=worst_rto,
        extra={
            **x,
            "replay_n": replay_n,
            "inc": inc,
            "rc": rc,
            "lag": lag,
            "traffic": traffic,
            "gfs_half": gfs_period / 2.0 if ret.gfs else 0.0,
            "alive": alive,
            "rates": rates,
            "costs": (dc, lc),
        },
    )


@dataclass(frozen=True)
class _Windows:
    """Where each interval-dependent copy meets each scenario, per entry of its domain.

    Copy ``k`` (chain, off-site copy) meets scenario ``s`` at intervals in
    ``[lo[s][k], hi[s][k]]``; ``lo`` is ``inf`` and ``hi`` ``-inf`` where it never does
    (it does not survive, or its RTO and RPO boundaries cross). ``rpo_bound[s]`` is the
    longest interval the RPO alone allows any surviving copy (None for a scenario with
    no RPO limit).
    """

    lo: list[tuple[FloatArray, FloatArray]]
    hi: list[tuple[FloatArray, FloatArray]]
    rpo_bound: list[FloatArray | None]
    _best: dict[str, list[Any]] = field(default_factory=dict, repr=False, compare=False)

    def best(self, rule: str) -> list[tuple[FloatArray, FloatArray, NDArray[np.bool_]]]:
        """Per scenario: the best candidate of ``rule`` (the highest window end for
        "longest", the lowest start for "shortest"), the other end of the window that gives
        it, and where some copy is usable at all (remembered: windows are kept per ask)."""
        if rule not in self._best:
            out = []
            for (l0, l1), (h0, h1) in zip(self.lo, self.hi, strict=True):
                if rule == "longest":
                    end, other = np.maximum(h0, h1), np.where(h0 >= h1, l0, l1)
                    out.append((end, other, end != -np.inf))
                else:
                    end, other = np.minimum(l0, l1), np.where(l0 <= l1, h0, h1)
                    out.append((end, other, end != np.inf))
            self._best[rule] = out
        return self._best[rule]


def _stacked(tables: list[Any]) -> NDArray[np.bool_]:
    """Per-scenario tables on a leading scenario axis, at their common shape."""
    shape = np.broadcast_shapes(*(np.shape(x) for x in tables))
    out = np.empty((len(tables), *shape), bool)
    for s, x in enumerate(tables):
        out[s] = x
    return out


def _windows(
    rpo_lim: FloatArray,
    alive: list[NDArray[np.bool_]],
    *,
    hi: tuple[FloatArray, FloatArray],
    lo: list[FloatArray],
    i_max: float,
) -> _Windows:
    """The interval window of every (scenario, copy) pair.

    ``hi`` holds the RPO boundaries (chain, off-site copy), ``lo`` each copy's RTO
    boundary already raised to the shortest allowed interval, and ``alive[k]`` where copy
    ``k`` survives; all with a leading scenario axis.
    """
    h = [np.minimum(x, i_max) for x in hi]
    usable = [alive[k] & (lo[k] <= h[k] + _TOL) for k in range(2)]
    los = [np.where(usable[k], lo[k], np.inf) for k in range(2)]
    his = [np.where(usable[k], h[k], -np.inf) for k in range(2)]
    # boundary of the RPO alone (rows infeasible at any interval get it)
    bound = np.maximum(np.where(alive[0], h[0], -np.inf), np.where(alive[1], h[1], -np.inf))
    S = len(rpo_lim)
    return _Windows(
        lo=[(los[0][s], los[1][s]) for s in range(S)],
        hi=[(his[0][s], his[1][s]) for s in range(S)],
        rpo_bound=[bound[s] if np.isfinite(rpo_lim[s]) else None for s in range(S)],
    )


def _solve_interval(
    win: _Windows,
    dom: _Domain,
    fixed_ok: list[NDArray[np.bool_]],
    i_min: FloatArray,
    i_max: float,
    *,
    rule: str,
    out: FloatArray,
) -> FloatArray:
    """Longest (or shortest) interval at which every scenario has a copy meeting the ask.

    Each interval-dependent copy ``k`` (chain, off-site copy) meets scenario ``s`` for
    intervals in ``[lo, hi]`` (``win``, on the entries of ``dom``): its RPO grows with
    the interval (:func:`rtocalc.physics.max_interval_for_rpo`) and its chain replay
    shrinks (:func:`rtocalc.physics.min_interval_for_rto`). A scenario met by an
    interval-independent copy (``fixed_ok``, per row) constrains nothing. The feasible
    set is an intersection of unions of closed intervals, so its supremum (infimum) is
    one of the ``hi`` (``lo``) endpoints or a bound of ``[i_min, i_max]``.

    The best candidate no feasible interval can pass comes first: the least (longest
    rule) of each scenario's highest window end, or the greatest (shortest rule) of its
    lowest start. Where it lies in the window that gives it in every scenario it is the
    answer, and it almost always does; the other rows check every window, then try the
    candidates best first. Rows where some scenario has no usable copy, or no candidate
    is feasible, get the RPO boundary alone, clipped to ``[i_min, i_max]`` (they are
    infeasible). The answer is written to ``out``.
    """
    S = len(fixed_ok)
    n = i_min.shape[0]
    longest = rule == "longest"
    none = -np.inf if longest else np.inf  # the best candidate where no copy is usable
    best = win.best(rule)
    possible = np.ones(n, bool)
    for s in range(S):
        possible &= fixed_ok[s] | dom.rows(best[s][2])
    # the rest only on the rows where every scenario has a usable copy: often few
    rows = np.flatnonzero(possible)
    guess = np.full(rows.size, i_max) if longest else i_min[rows]
    far = []
    for s in range(S):
        end = dom.rows(best[s][0], rows)
        np.copyto(end, -none, where=fixed_ok[s][rows])
        (np.minimum if longest else np.maximum)(guess, end, out=guess)
        far.append(dom.rows(best[s][1], rows))
    settled = np.ones(rows.size, bool)
    edge = guess + _TOL if longest else guess - _TOL
    for s in range(S):
        ok = far[s] <= edge if longest else edge <= far[s]
        ok |= fixed_ok[s][rows]
        settled &= ok
    # rows where the best candidate's own window does not hold it: every window
    check = np.flatnonzero(~settled)
    if check.size:
        g, at = guess[check], rows[check]
        upper, lower = g + _TOL, g - _TOL
        good = np.ones(check.size, bool)
        for s in range(S):
            (l0, l1), (h0, h1) = win.lo[s], win.hi[s]
            ok = (dom.rows(l0, at) <= upper) & (lower <= dom.rows(h0, at))
            ok |= (dom.rows(l1, at) <= upper) & (lower <= dom.rows(h1, at))
            ok |= fixed_ok[s][at]
            good &= ok
        settled[check[good]] = True
    out[rows[settled]] = guess[settled]
    settled_rows = rows[settled]
    settled = np.zeros(n, bool)
    settled[settled_rows] = True
    if settled.all():
        return out
    # the RPO boundary alone, clipped (rows infeasible at any interval keep it)
    bound = np.full(n, np.inf)
    raw = np.empty(n)
    for s in range(S):
        if win.rpo_bound[s] is not None:
            dom.rows(win.rpo_bound[s], out=raw)
            np.copyto(raw, np.inf, where=fixed_ok[s])
            np.minimum(bound, raw, out=bound)
    np.copyto(bound, i_max, where=~np.isfinite(bound))
    np.maximum(bound, i_min, out=bound)
    np.minimum(bound, i_max, out=bound)
    np.copyto(out, bound, where=~settled)
    rows = np.flatnonzero(possible & ~settled)
    if rows.size == 0:
        return out
    # (2S, R) windows of the rows left, pair j = (scenario j // 2, copy j % 2)
    lo = np.stack([dom.rows(x, rows) for pair in win.lo for x in pair])
    hi = np.stack([dom.rows(x, rows) for pair in win.hi for x in pair])
    fixed = np.stack([f[rows] for f in fixed_ok])  # (S, R)
    # candidates in the order they are tried, best first: (K, R)
    if longest:
        cand = -np.sort(-np.concatenate([np.full((1, rows.size), i_max), hi]), axis=0)
    else:
        cand = np.sort(np.concatenate([i_min[None, rows], lo]), axis=0)
    todo = np.arange(rows.size)
    for k in range(cand.shape[0]):
        i_k = cand[k, todo]
        within = (lo[:, todo] <= i_k + _TOL) & (i_k <= hi[:, todo] + _TOL)
        within = within.reshape(S, 2, -1).any(axis=1)
        good = (fixed[:, todo] | within).all(axis=0) & np.isfinite(i_k)
        out[rows[todo[good]]] = i_k[good]
        todo = todo[~good]
        if todo.size == 0:
            break
    return out


_PER_SCENARIO = frozenset({"rpo_limit", "rto_limit", "rates"})


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


def _placed(values: list[Any], where: list[IntArray], n: int, arena: _Arena | None = None) -> Any:
    """The parts' values scattered along the row axis (the last) to positions ``where``."""
    first = np.asarray(values[0])
    shape = (*first.shape[:-1], n)
    out = np.empty(shape, first.dtype) if arena is None else arena.empty(shape, first.dtype)
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
    n = union.size
    evs = [ev for _, ev in parts]
    spaces = [ev.space for ev in evs]
    intervals = [s.interval for s in spaces]
    if any(iv is None for iv in intervals) and any(iv is not None for iv in intervals):
        raise ValueError("gather_rows: every part needs given intervals, or none")
    names = [f for f in evs[0].__dataclass_fields__ if f != "space"]
    columns = ("target", "scheme", "offsite", "longterm", "replication", "link", "strategy")

    def gather(name: str, values: list[Any], arena: _Arena | None) -> Any:
        """The gathered value, or (arena None) the bytes it needs."""
        first = values[0]
        if name in _PER_SCENARIO or not isinstance(first, dict | np.ndarray):
            return 0 if arena is None else first
        if isinstance(first, dict):
            items = {k: gather(k, [v[k] for v in values], arena) for k in first}
            return sum(items.values()) if arena is None else items
        if arena is None:
            return _Arena.size((*first.shape[:-1], n), first.dtype)
        return _placed(values, where, n, arena)

    def place(arena: _Arena | None) -> Any:
        fields = {f: gather(f, [getattr(ev, f) for ev in evs], arena) for f in names}
        cols = {c: gather(c, [getattr(s, c) for s in spaces], arena) for c in columns}
        iv = None if intervals[0] is None else gather("interval", intervals, arena)
        if arena is None:
            return sum(fields.values()) + sum(cols.values()) + (iv or 0)
        fields["space"] = DesignSpace(keys=spaces[0].keys, **cols, interval=iv)
        return Evaluation(**fields)

    return place(_Arena(place(None)))  # type: ignore[no-any-return]


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
        witness=tab.witness[st],
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
    """Each row's entry in the flattened tables of :func:`_choice_tables` (remembered)."""
    n_targets, n_offsite = len(tab.price) - 1, len(tab.off_price) - 1
    return space.code(
        ("target", "scheme", "offsite", "longterm"),
        (n_targets, len(SCHEMES), n_offsite + 1, n_targets + 1),
    )


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
        quarterly=ret.quarterly,
        yearly=ret.yearly,
        nesting=gfs_nesting(**ret.calendar),
        block_clone=axes(np.array([False, True])[None, :]),
        point_days=1.0,
        daily_change=change,
        growth_factor=(1.0 + annual) ** horizon,
        annual_growth=annual,
    )
    return np.asarray(cols.short_term_gb, dtype=float), np.asarray(cols.long_term_gb, dtype=float)


def detection_binds(requirements: Requirements, impact: BusinessImpact, catalog: Catalog) -> bool:
    """Whether some scenario's RTO limit is shorter than every recovery path's lead.

    Every recovery path's RTO starts with a lead that no design choice shortens: a
    restore or a manual failover with the scenario's detection and a person's decision,
    an automatic failover with its strategy's health checks (only strategies whose
    standby survives the scenario count). The other terms are never negative, so no
    design meets an ask below the shortest lead: :func:`evaluate_space` finds every row
    failing that scenario, with the same comparison.
    """
    tab = _Tables.of(catalog)
    n_st = len(catalog.strategies)
    for x in impact.scenarios:
        lead = x.detection + x.decision
        auto = tab.automatic[:n_st] & tab.survives[:n_st, SCOPES.index(x.scope)]
        if auto.any():
            lead = min(lead, float(tab.health_check[:n_st][auto].min()))
        if lead > requirements.limit("rto", x.scope) + _TOL:
            return True
    return False


def has_offsite(
    space: DesignSpace, catalog: Catalog, retention: Retention | None = None
) -> NDArray[np.bool_]:
    """Rows whose retained points are all away from the primary site.

    The short-term points count when there is an off-site copy or the chain lives away
    from the primary site; the GFS points (when ``retention`` keeps them) only where they
    live: on the long-term target, else on the chain's target (the off-site copy holds the
    short-term chain only). Without ``retention`` the GFS points are not checked.
    """
    tab = _Tables.of(catalog)
    ok = _offsite(tab, space.target, space.offsite)
    if retention is not None and retention.gfs:
        ok &= tab.loc[_gfs_home(space.target, space.longterm)] != _LOC["primary"]
    return ok


def has_immutable(
    space: DesignSpace, catalog: Catalog, retention: Retention | None = None
) -> NDArray[np.bool_]:
    """Rows whose retained points all have an immutable copy.

    The short-term points count when the chain or its off-site copy is immutable; the GFS
    points (when ``retention`` keeps them) only when the target they live on is (the
    long-term target, else the chain's). Without ``retention`` the GFS points are not
    checked.
    """
    tab = _Tables.of(catalog)
    ok = _immutable(tab, space.target, space.offsite)
    if retention is not None and retention.gfs:
        ok &= tab.immutable[_gfs_home(space.target, space.longterm)]
    return ok


def unmet_points(
    space: DesignSpace, row: int, catalog: Catalog, retention: Retention, kind: str
) -> str:
    """Which retained points of ``row`` fail the ask's ``kind`` ('offsite' or 'immutable')."""
    tab, keys = _Tables.of(catalog), space.keys
    t, o, lt = int(space.target[row]), int(space.offsite[row]), int(space.longterm[row])
    short_ok = bool(
        _offsite(tab, t, o) if kind == "offsite" else _immutable(tab, t, o)
    )
    what = "off site" if kind == "offsite" else "immutable"
    if not short_ok:
        return (
            f"the short-term points on {keys.targets[t]!r} have no {what} copy, "
            "but the ask requires one"
        )
    home = lt if lt >= 0 else t
    gfs = ", ".join(
        f"{n} {name}"
        for n, name in (
            (retention.weekly, "weekly"),
            (retention.monthly, "monthly"),
            (retention.quarterly, "quarterly"),
            (retention.yearly, "yearly"),
        )
        if n
    )
    where = "at the primary site" if kind == "offsite" else "on mutable storage"
    return (
        f"the GFS points ({gfs}) stay {where} on {keys.targets[home]!r}, "
        f"but the ask requires every retained point {what}"
    )


def _gfs_home(target: Any, longterm: Any) -> Any:
    """The target that holds a row's GFS points: the long-term target, else the chain's."""
    return np.where(np.asarray(longterm) >= 0, longterm, target)


def _offsite(tab: _Tables, target: Any, offsite: Any) -> NDArray[np.bool_]:
    """The short-term off-site rule of :func:`has_offsite`, on broadcasting choice columns."""
    return np.asarray((offsite >= 0) | (tab.loc[target] != _LOC["primary"]))


def _immutable(tab: _Tables, target: Any, offsite: Any) -> NDArray[np.bool_]:
    """The short-term immutability rule of :func:`has_immutable`, on broadcasting columns."""
    imm = tab.immutable
    return np.asarray(imm[target] | imm[tab.off_target[offsite]])

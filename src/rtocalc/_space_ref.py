"""The design space as columns: one row per design, every metric evaluated at once.

A design space is a struct of numpy integer arrays (one per decision variable) indexing
into the catalog's entries. :func:`evaluate_space` gathers the catalog figures for every
row and calls the formula functions of :mod:`rtocalc.physics`, :mod:`rtocalc.retention`
and :mod:`rtocalc.cost` once, on whole columns: there is no per-design Python loop.

Private module: the public entry points are :func:`rtocalc.cheapest` and
:func:`rtocalc.evaluate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
_HUGE = 1e300


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
    axes, which numpy does fast.
    """

    space: DesignSpace
    interval: FloatArray  # (N,) [h]
    backup_duration: FloatArray  # (N,) [h]
    min_interval: FloatArray  # (N,) [h]
    path_rpo: FloatArray  # (P, S, N) [h], inf where the copy does not survive
    path_rpo_mean: FloatArray  # (P, N) [h], mean case, before survival
    path_rto: FloatArray  # (P, S, N) [h]
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


def _col(values: list[Any], idx: IntArray, fill: float = 0.0) -> FloatArray:
    """Gather ``values[idx]`` as floats, ``fill`` where ``idx`` is -1."""
    arr = np.append(np.asarray(values, dtype=float), fill)
    return arr[np.where(idx >= 0, idx, len(values))]


def _gfs_period(retention: Retention) -> float:
    """Spacing of the finest long-term points [h] (inf without GFS)."""
    if retention.weekly:
        return HOURS_PER_WEEK
    if retention.monthly:
        return HOURS_PER_MONTH
    if retention.yearly:
        return HOURS_PER_YEAR
    return float("inf")


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
    """
    tg = list(catalog.targets.values())
    offs = list(catalog.offsite.values())
    lks = list(catalog.links.values())
    sts = list(catalog.strategies.values())
    rep_cfg = catalog.replication
    ret = requirements.retention
    t, o, lt, li = space.target, space.offsite, space.longterm, space.link
    st, rep, scheme = space.strategy, space.replication, space.scheme
    n = len(space)

    D = workload.final_size
    c = workload.daily_change
    r = workload.data_reduction
    peak = workload.peak_rate * (1.0 + workload.annual_growth) ** workload.horizon
    loc = np.array([_LOC[x.location] for x in tg])

    # --- per-row catalog figures ------------------------------------------------------
    off_t = _offsite_target(space, catalog)
    bw = _col([x.bandwidth for x in lks], li)
    wire = physics.link_throughput(bw, r)  # reduced data over the link [GB/h]
    raw_link = physics.link_throughput(bw)
    p_loc, o_loc = loc[t], np.where(off_t >= 0, loc[np.maximum(off_t, 0)], -1)
    l_loc = np.where(lt >= 0, loc[np.maximum(lt, 0)], -1)
    cloud = _LOC["cloud"]

    def rate(kind: str, idx: IntArray, locs: IntArray) -> FloatArray:
        base = _col([getattr(x, kind) for x in tg], idx, np.inf)
        return np.where(locs == cloud, np.minimum(base, wire), base)

    rb = rate("write_throughput", t, p_loc)  # backup rate [GB/h]
    rc = rate("write_throughput", off_t, o_loc)  # off-site copy rate
    read = {
        _PRIMARY: rate("read_throughput", t, p_loc),
        _OFFSITE: rate("read_throughput", off_t, o_loc),
    }
    read[_LONGTERM] = rate("read_throughput", lt, l_loc)
    overhead = _col([x.job_overhead for x in tg], t)
    lag = _col([m.lag for m in offs], o)
    imm = np.array([x.immutable for x in tg])
    imm_p = imm[t]
    imm_o = (off_t >= 0) & imm[np.maximum(off_t, 0)]
    imm_l = (lt >= 0) & imm[np.maximum(lt, 0)]

    # --- scenarios ----------------------------------------------------------------------
    scen = impact.scenarios
    S = len(scen)
    scopes = [x.scope for x in scen]
    if limits is None:
        rpo_lim = np.array([requirements.limit("rpo", sc) for sc in scopes])
        rto_lim = np.array([requirements.limit("rto", sc) for sc in scopes])
    else:
        rpo_lim, rto_lim = (np.asarray(x, dtype=float).reshape(S) for x in limits)
    rpo_lim_c, rto_lim_c = (rpo_lim + _TOL)[:, None], (rto_lim + _TOL)[:, None]
    det = np.array([x.detection for x in scen])
    sc_arr = np.array(scopes)
    infra_lost = sc_arr != "logical"
    replica_lives = np.isin(sc_arr, ["hardware", "site"])
    ransom = (sc_arr == "ransomware")[:, None]
    off_site = np.isin(sc_arr, ["site", "region"])[:, None]

    # survival (P, S, N): scope decides which copies survive
    def backup_survives(exists: Any, locs: Any, immutable: Any) -> NDArray[np.bool_]:
        return np.asarray(
            exists & np.where(ransom, immutable, True) & np.where(off_site, locs != 0, True)
        )

    alive = np.empty((4, S, n), bool)
    alive[_FAILOVER] = (rep > 0) & replica_lives[:, None]
    alive[_PRIMARY] = backup_survives(True, p_loc, imm_p)
    alive[_OFFSITE] = backup_survives(o >= 0, o_loc, imm_o)
    gfs_period = _gfs_period(ret)
    alive[_LONGTERM] = backup_survives((lt >= 0) & ret.gfs, l_loc, imm_l)

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
    prov_strategy = _col([x.provisioning_time for x in sts], st)
    prov_restore = catalog.strategies["restore"].provisioning_time
    prov = np.where(
        (sc_arr == "region")[:, None],
        prov_restore,
        np.where(infra_lost[:, None], prov_strategy, 0.0),
    )  # (S, N)
    failover = _col([x.failover_time for x in sts], st)
    retr = {
        _PRIMARY: _col([x.retrieval_delay for x in tg], t),
        _OFFSITE: _col([x.retrieval_delay for x in tg], off_t),
        _LONGTERM: _col([x.retrieval_delay for x in tg], lt),
    }
    read3 = np.stack([read[_PRIMARY], read[_OFFSITE], read[_LONGTERM]])  # (3, N)
    retr3 = np.stack([retr[_PRIMARY], retr[_OFFSITE], retr[_LONGTERM]])
    # restore time without chain replay, (3, S, N) for primary, off-site, long-term
    rto_fixed = np.asarray(
        physics.rto_restore(
            D,
            read3[:, None, :],
            detection=det[None, :, None],
            provisioning=prov[None, :, :],
            retrieval_delay=retr3[:, None, :],
        ),
        dtype=float,
    )
    rto_fail = np.asarray(physics.rto_failover(det[:, None], failover), dtype=float)  # (S, N)
    rpo_long = gfs_period + np.asarray(
        physics.backup_duration(physics.increment_size(D, c, HOURS_PER_DAY), rb, overhead)
    )
    # days of points a restore of the newest point replays (forward chains)
    chain_days = np.select([scheme == 0, scheme == 1], [float(ret.daily), 0.0], 7.0)

    # --- backup interval: solved boundary or given --------------------------------------
    i_max = HOURS_PER_DAY  # daily restore points are always kept (retention.daily >= 1)
    i_min = np.asarray(physics.min_backup_interval(D, c, rb, overhead), dtype=float)
    if space.interval is None:
        interval = _solve_interval(
            rpo_lim,
            alive,
            i_min,
            i_max,
            # interval-independent paths: failover to the replica and long-term points
            fixed_ok=(alive[_FAILOVER] & (rpo_rep <= rpo_lim_c) & (rto_fail <= rto_lim_c))
            | (alive[_LONGTERM] & (rpo_long <= rpo_lim_c) & (rto_fixed[2] <= rto_lim_c)),
            # RPO boundary of the chain and the off-site copy, (2, S, N)
            hi=np.stack(
                [
                    physics.max_interval_for_rpo(rpo_lim[:, None], D, c, 1.0 / rb, overhead),
                    physics.max_interval_for_rpo(
                        rpo_lim[:, None], D, c, 1.0 / rb + 1.0 / rc, overhead + lag
                    ),
                ]
            ),
            # RTO boundary of the same copies: chain replay shrinks as the interval grows
            lo=np.asarray(
                physics.min_interval_for_rto(
                    rto_lim[None, :, None] - rto_fixed[:2], D, c, read3[:2, None, :], chain_days
                ),
                dtype=float,
            ),
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

    # --- RPO and RTO per (path, scenario, row) ---------------------------------------------
    # RPOs depend on the path and row only; survival on the scenario's scope.
    rpo_rows = np.empty((4, n))
    rpo_rows[_FAILOVER] = rpo_rep
    rpo_rows[_PRIMARY] = physics.rpo_backup(interval, t_b)
    rpo_rows[_OFFSITE] = physics.rpo_backup(interval, t_b + t_copy, lag)
    rpo_rows[_LONGTERM] = rpo_long
    mean_rows = rpo_rows.copy()
    mean_rows[_PRIMARY] = physics.rpo_backup(interval, t_b, case="mean")
    mean_rows[_OFFSITE] = physics.rpo_backup(interval, t_b + t_copy, lag, case="mean")
    if np.isfinite(gfs_period):
        mean_rows[_LONGTERM] -= gfs_period / 2.0

    replay2 = physics.chain_replay_time(replay_n, inc, read3[:2])  # (2, N)
    raw_rto = np.empty((4, S, n))  # as if every copy survived
    raw_rto[_FAILOVER] = rto_fail
    raw_rto[1:] = rto_fixed
    raw_rto[1:3] += replay2[:, None, :]

    # --- choose a recovery path per scenario ------------------------------------------------
    # the path meeting both limits with the smallest loss score (downtime and data-loss
    # cost per hour as weights; 1 and 1 without costs); if none meets, the smallest score;
    # ties go to the earlier path in PATHS; a copy that does not survive is never chosen.
    # Masks are applied arithmetically (a dead copy adds a huge penalty), which numpy runs
    # several times faster than masked selections.
    # (in place where possible: fresh large arrays cost page faults)
    dead = np.multiply(~alive, _HUGE)  # (P, S, N): 0 alive, 1e300 dead
    w_down, w_loss = impact.downtime_cost, impact.data_loss_cost
    if w_down + w_loss <= 0.0:
        w_down = w_loss = 1.0
    score = np.multiply(raw_rto, w_down) if w_down else np.zeros_like(raw_rto)
    if w_loss:
        score += rpo_rows[:, None, :] * w_loss
    np.minimum(score, _HUGE, out=score)  # alive but unbounded ranks before any dead copy
    for _ in range(4):
        score += dead
    path_rto = raw_rto
    path_rto += dead
    path_rpo = np.add(rpo_rows[:, None, :], dead, out=dead)
    # a surviving copy meets a scenario when it is within both limits (a missing limit is
    # met by any value, even an unbounded one); a scenario without limits is out of scope
    # and met whatever survives it
    no_rpo, no_rto = np.isinf(rpo_lim)[:, None], np.isinf(rto_lim)[:, None]
    meets = (path_rpo <= rpo_lim_c) | no_rpo
    meets &= (path_rto <= rto_lim_c) | no_rto
    meets &= alive
    any_meets: NDArray[np.bool_] = np.asarray(
        meets[0] | meets[1] | meets[2] | meets[3] | (no_rpo & no_rto)
    )
    best_any = _first_min(score)
    np.logical_not(meets, out=meets)
    score += meets * 1e306  # a path that misses ranks after every path that meets
    path = np.where(any_meets, _first_min(score), best_any)
    rpo = _pick(path_rpo, path)
    rto = _pick(path_rto, path)
    rpo_mean = _pick(mean_rows, path) + (rpo >= 1e299) * _HUGE
    rpo[rpo >= 1e299] = np.inf  # no surviving copy
    rto[rto >= 1e299] = np.inf
    rpo_mean[rpo_mean >= 1e299] = np.inf
    meets_scenario = any_meets
    path_rpo_mean = mean_rows
    path_rpo[path_rpo >= 1e299] = np.inf
    path_rto[path_rto >= 1e299] = np.inf

    # --- other constraints ------------------------------------------------------------------
    offsite_ok = has_offsite(space, catalog)
    immutable_ok = has_immutable(space, catalog)
    avg = daily_gb / HOURS_PER_DAY
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
    rates = np.array([x.rate for x in scen])[:, None]
    dc, lc = impact.downtime_cost, impact.data_loss_cost
    eal = cost.expected_annual_loss(rates, rto, rpo, dc, lc, axis=0)
    eal_mean = cost.expected_annual_loss(rates, rto, rpo_mean, dc, lc, axis=0)
    in_scope = np.isfinite(rpo_lim) | np.isfinite(rto_lim)
    scope_mask = in_scope if in_scope.any() else np.ones(S, bool)
    worst_rpo = np.where(scope_mask[:, None], rpo, 0.0).max(axis=0)
    worst_rto = np.where(scope_mask[:, None], rto, 0.0).max(axis=0)

    return Evaluation(
        space=space,
        interval=interval,
        backup_duration=t_b,
        min_interval=i_min * np.ones(n),
        path_rpo=path_rpo,
        path_rpo_mean=path_rpo_mean,
        path_rto=path_rto,
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
            "read": read,
            "inc": inc,
            "rb": rb,
            "rc": rc,
            "lag": lag,
            "traffic": traffic,
            "wire": wire,
            "retrieval": retr,
            "prov": prov,
            "alive": alive,
            "in_scope": scope_mask,
            "detection": det,
        },
    )


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
    """
    tg = list(catalog.targets.values())
    offs = list(catalog.offsite.values())
    sts = list(catalog.strategies.values())
    t, o, lt, li, st, scheme = (
        space.target,
        space.offsite,
        space.longterm,
        space.link,
        space.strategy,
        space.scheme,
    )
    n = len(space)
    c, r = workload.daily_change, workload.data_reduction
    D = workload.final_size
    off_t = _offsite_target(space, catalog)
    rep_cfg, ops = catalog.replication, catalog.operations

    # --- retention: chain shape and storage ----------------------------------------------
    # Storage is sized as for one restore point a day (the restore-point simulators'
    # schedule): with the linear change model, sub-daily points hold the same changed
    # blocks, plus the increments of the current, incomplete day, c (1 - I/24) of a full.
    # It is evaluated once per (scheme, block clone) pair and gathered per row; with one
    # workload per row, once per (scheme, block clone, distinct workload): rows last.
    growth = (1.0 + workload.annual_growth) ** workload.horizon
    per_row = isinstance(workload, WorkloadColumns)
    figures = [workload.data_size, c, r, growth, workload.annual_growth]
    which: IntArray | None = None
    if isinstance(workload, WorkloadColumns):
        which = np.arange(n)
        if workload.source is not None:  # rows of fewer workloads: tables per workload
            base, which = workload.source
            g = base.annual_growth
            figures = [
                base.data_size,
                base.daily_change,
                base.data_reduction,
                (1.0 + g) ** base.horizon,
                g,
            ]
        figures = [np.asarray(x)[None, None, :] for x in figures]

    def table_axes(x: IntArray | NDArray[np.bool_]) -> Any:
        return x[..., None] if per_row else x

    size_f, change_f, reduction_f, growth_f, annual_f = figures
    _, _, _, short_tab, long_tab = _retention_columns(
        size_f,
        change_f,
        data_reduction=reduction_f,
        scheme_code=table_axes(np.arange(len(SCHEMES))[:, None]),
        points=ret.daily,
        full_every=7,
        weekly=ret.weekly,
        monthly=ret.monthly,
        yearly=ret.yearly,
        block_clone=table_axes(np.array([False, True])[None, :]),
        point_days=1.0,
        daily_change=change_f,
        growth_factor=growth_f,
        annual_growth=annual_f,
    )

    def at(tab: FloatArray, sch: IntArray, cl: IntArray) -> FloatArray:
        return np.asarray(tab[sch, cl] if which is None else tab[sch, cl, which], dtype=float)

    clone = np.array([x.block_clone for x in tg], dtype=np.int64)
    intraday = (
        workload.data_size
        * growth
        / r
        * c
        * (1.0 - np.minimum(interval, HOURS_PER_DAY) / HOURS_PER_DAY)
    )
    short_p = at(short_tab, scheme, clone[t]) + intraday
    short_o = np.where(o >= 0, at(short_tab, scheme, clone[np.maximum(off_t, 0)]) + intraday, 0.0)
    long_on_chain = np.where(lt >= 0, 0.0, at(long_tab, scheme, clone[t]))
    long_sep = np.where(lt >= 0, at(long_tab, scheme, clone[np.maximum(lt, 0)]), 0.0)

    # --- what each tier ingests per day (for minimum storage durations) -------------------
    # a chain writes a day's change, plus a full a week for periodic fulls unless they are
    # fast-cloned synthetic fulls; a separate GFS tier receives one point per period of its
    # finest tier, a full or (block clone) the blocks changed since the previous point.
    full = workload.data_size * growth / r
    clone_b = clone.astype(bool)
    weekly_full = (scheme >= 2) & ~((scheme == 2) & clone_b[t])
    ingest_p = full * c + np.where(weekly_full, full / 7.0, 0.0)
    weekly_full_o = (scheme >= 2) & ~((scheme == 2) & clone_b[np.maximum(off_t, 0)])
    ingest_o = full * c + np.where(weekly_full_o, full / 7.0, 0.0)
    if ret.gfs:
        period_days = _gfs_period(ret) / HOURS_PER_DAY
        gfs_point = np.where(
            clone_b[np.maximum(lt, 0)] & (scheme != 3), full * unique_change(period_days, c), full
        )
        ingest_l = np.where(lt >= 0, gfs_point / period_days, 0.0)
    else:
        ingest_l = np.zeros(n)

    # --- money ---------------------------------------------------------------------------------
    price = [x.price_per_gb_month for x in tg]
    mind = [x.min_storage_days for x in tg]
    c_chain = cost.storage_cost(
        short_p + long_on_chain,
        _col(price, t),
        min_storage_days=_col(mind, t),
        ingest_per_day=ingest_p,
    )
    c_off = cost.storage_cost(
        short_o, _col(price, off_t), min_storage_days=_col(mind, off_t), ingest_per_day=ingest_o
    )
    c_long = cost.storage_cost(
        long_sep, _col(price, lt), min_storage_days=_col(mind, lt), ingest_per_day=ingest_l
    )
    strat_frac = _col([x.standby_fraction for x in sts], st)
    replica_gb = np.where(_col([x.replica_storage for x in sts], st) > 0, D, 0.0)
    setup = [x.setup_cost for x in tg]
    one_time = (
        _col(setup, t)
        + np.where(off_t != t, _col(setup, off_t), 0.0)
        + np.where((lt != t) & (lt != off_t), _col(setup, lt), 0.0)
    )
    read_price = [x.retrieval_price_per_gb + x.egress_price_per_gb for x in tg]
    breakdown = {
        "storage": np.asarray(c_chain + c_off + c_long, dtype=float),
        "link": _col([x.price_per_month for x in catalog.links.values()], li),
        "standby": np.asarray(
            cost.standby_cost(
                workload.compute_cost, strat_frac, replica_gb, rep_cfg.replica_price_per_gb_month
            ),
            dtype=float,
        )
        * np.ones(n),
        "offsite_fees": _col([m.price_per_month for m in offs], o),
        "one_time": np.asarray(
            cost.amortised_cost(one_time, catalog.catalog.amortisation_years), dtype=float
        ),
        "drills": np.asarray(
            cost.drill_cost(
                ops.drills_per_year, ops.drill_hours, ops.labor_rate, D / r, _col(read_price, t)
            ),
            dtype=float,
        )
        * np.ones(n),
    }
    outlay = sum(breakdown.values(), np.zeros(n))
    return RowCosts(
        outlay=outlay,
        breakdown=breakdown,
        storage={"primary": short_p + long_on_chain, "offsite": short_o, "longterm": long_sep},
    )


def _offsite_target(space: DesignSpace, catalog: Catalog) -> IntArray:
    """Target index of each row's off-site copy (-1 without one)."""
    tkeys = list(catalog.targets)
    per_method = [tkeys.index(m.target) for m in catalog.offsite.values()]
    return _col(per_method, space.offsite, -1).astype(np.int64)


def has_offsite(space: DesignSpace, catalog: Catalog) -> NDArray[np.bool_]:
    """Rows with a copy away from the primary site (an off-site copy or a cloud chain)."""
    loc = np.array([_LOC[x.location] for x in catalog.targets.values()])
    return np.asarray((space.offsite >= 0) | (loc[space.target] != _LOC["primary"]))


def has_immutable(space: DesignSpace, catalog: Catalog) -> NDArray[np.bool_]:
    """Rows with at least one immutable copy (chain, off-site copy or GFS points)."""
    imm = np.append(np.array([x.immutable for x in catalog.targets.values()]), False)
    off_t = _offsite_target(space, catalog)
    return np.asarray(imm[space.target] | imm[off_t] | imm[space.longterm])


def _first_min(key: FloatArray) -> IntArray:
    """Index along axis 0 (of length 4) of the first minimum, without a masked argmin."""
    best = key.min(axis=0)
    idx = np.full(best.shape, 3, dtype=np.int64)
    for p in (2, 1, 0):
        idx[key[p] == best] = p
    return idx


def _pick(values: FloatArray, idx: IntArray) -> FloatArray:
    """``values[idx[s, n], s, n]`` for (P, S, N) or (P, N) values and (S, N) indices."""
    if values.ndim == 2:
        return np.asarray(np.take_along_axis(values, idx, 0), dtype=float)
    return np.asarray(np.take_along_axis(values, idx[None], 0)[0], dtype=float)


def _solve_interval(
    rpo_lim: FloatArray,
    alive: NDArray[np.bool_],
    i_min: FloatArray,
    i_max: float,
    *,
    fixed_ok: NDArray[np.bool_],
    hi: FloatArray,
    lo: FloatArray,
    rule: str,
) -> FloatArray:
    """Longest (or shortest) interval at which every scenario has a copy meeting the ask.

    Each interval-dependent copy ``p`` (chain, off-site copy) meets scenario ``s`` for
    intervals in ``[lo[p, s], hi[p, s]]``: its RPO grows with the interval
    (:func:`rtocalc.physics.max_interval_for_rpo`) and its chain replay shrinks
    (:func:`rtocalc.physics.min_interval_for_rto`). A scenario met by an
    interval-independent copy (``fixed_ok``, shape (S, N)) constrains nothing. The
    feasible set is an intersection of unions of closed intervals, so its supremum
    (infimum) is one of the ``hi`` (``lo``) endpoints or a bound of ``[i_min, i_max]``.
    Candidates are tried best first, each round only on the rows not yet settled; rows
    where some scenario has no usable copy at any interval are settled at once. Rows
    with no feasible candidate get the RPO boundary alone, clipped to ``[i_min, i_max]``
    (they are infeasible).
    """
    if rule not in ("longest", "shortest"):
        raise ValueError(f"interval_rule: {rule!r} is not a rule; use 'longest' or 'shortest'")
    ok_copy = alive[1:3]  # (2, S, N)
    lo_c = np.maximum(lo, i_min)
    hi_c = np.minimum(hi, i_max)
    usable = ok_copy & (lo_c <= hi_c + _TOL)  # copies that meet the scenario at some interval
    possible = (fixed_ok | usable[0] | usable[1]).all(axis=0)
    bound = np.maximum(np.where(ok_copy[0], hi[0], -np.inf), np.where(ok_copy[1], hi[1], -np.inf))
    bound = np.where(fixed_ok | np.isinf(rpo_lim)[:, None], np.inf, bound).min(axis=0)
    result = np.clip(np.where(np.isfinite(bound), bound, i_max), i_min, i_max)
    rows = np.flatnonzero(possible)
    if rows.size == 0:
        return np.asarray(result, dtype=float)
    # candidates in the order they are tried, best first: (K, R)
    if rule == "longest":
        ends = np.where(usable[:, :, rows], hi_c[:, :, rows], -np.inf).reshape(-1, rows.size)
        cand = -np.sort(-np.concatenate([np.full((1, rows.size), i_max), ends]), axis=0)
    else:
        ends = np.where(usable[:, :, rows], lo_c[:, :, rows], np.inf).reshape(-1, rows.size)
        cand = np.sort(np.concatenate([i_min[None, rows], ends]), axis=0)
    todo = np.arange(rows.size)
    for k in range(cand.shape[0]):
        r = rows[todo]
        i_k = cand[k, todo]
        within = usable[:, :, r] & (lo_c[:, :, r] <= i_k + _TOL) & (i_k <= hi_c[:, :, r] + _TOL)
        good = (fixed_ok[:, r] | within[0] | within[1]).all(axis=0) & np.isfinite(i_k)
        result[r[good]] = i_k[good]
        todo = todo[~good]
        if todo.size == 0:
            break
    return np.asarray(result, dtype=float)


_PER_SCENARIO = frozenset({"rpo_limit", "rto_limit", "in_scope", "detection"})


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

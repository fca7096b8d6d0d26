"""Figures per combination of catalog choices (the kernel's inputs that depend on
neither the backup interval nor the ask's limits).

Private module of the kernel (:mod:`rtocalc._space_kernel`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _space_protection as _protection
from . import physics, ransomware
from ._space_design import CHOICES, DesignSpace, WorkloadColumns
from ._space_paths import Path
from ._space_tables import (
    LOC,
    OFF_SITE_SCOPES,
    TABLES_LOCK,
    FloatArray,
    IntArray,
    Tables,
    finest_gfs_period,
    gfs_span,
    immutable_rule,
    offsite_rule,
)
from .models import SCOPES, Catalog, Retention, Workload
from .units import DAYS_PER_WEEK, HOURS_PER_DAY, TOL

#: the domain each path's figures live on: "A" (the chain and the off-site copy: target,
#: off-site method, link, scheme, strategy) or "B" (replica and long-term points: target,
#: long-term target, link, replication, strategy)
PATH_DOMAIN: dict[Path, str] = {
    Path.FAILOVER: "B",
    Path.PRIMARY: "A",
    Path.OFFSITE: "A",
    Path.LONGTERM: "B",
    Path.PROTECTION: "B",
}


@dataclass(frozen=True)
class Domain:
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
    ) -> Domain:
        if grid:
            return cls(_grid(names, sizes), sizes, space.code(names, sizes))
        return cls({name: getattr(space, name) for name in names}, (len(space),), None)

    def at(self, rows: IntArray) -> Callable[[Any], Any]:
        """``figure -> self.rows(figure, rows)`` for several figures of the same rows: the
        rows' codes are taken once (the same values as each call taking them)."""
        if self.code is None:
            return partial(self.rows, rows=rows)
        return Domain(self.col, self.shape, self.code[rows]).rows

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


#: keys below this bound are counted in a table of that size (else rows are not grouped)
KIND_KEYS = 1 << 22
#: rows are grouped where there are at most this share as many kinds as rows
KIND_SHARE = 0.5


@dataclass(frozen=True)
class Kinds:
    """Rows grouped by a key that fixes some figures: computed once per kind, gathered.

    A figure computed only from figures of the rows' grid entries (and from per-scenario
    values) is the same for two rows with the same entries. :meth:`of` groups rows by an
    integer key of those entries; a figure is then computed on ``first`` (a row of each
    kind) and spread to every row by ``which``: the same operations on the same numbers,
    so the same bits, with as many operations as there are kinds.
    """

    first: IntArray  # (K,) a row of each kind
    which: IntArray  # (N,) each row's kind: an index into ``first``

    @classmethod
    def of(cls, key: IntArray, size: int) -> Kinds | None:
        """The kinds of rows by ``key`` (values in ``[0, size)``), or None where grouping
        would save little: more kinds than :data:`KIND_SHARE` of the rows, a key range
        above :data:`KIND_KEYS`, fewer than two rows."""
        n = key.size
        if n < 2 or size > KIND_KEYS:
            return None
        seen = np.zeros(size, bool)
        seen[key] = True
        kinds = np.flatnonzero(seen)
        if kinds.size > KIND_SHARE * n:
            return None
        index = np.empty(size, np.intp)
        index[kinds] = np.arange(kinds.size)
        which = index.take(key)
        first = np.empty(kinds.size, np.intp)
        first[which] = np.arange(n)  # a row of each kind (which one does not matter)
        return cls(first, which)

    def spread(self, values: Any, out: Any = None) -> Any:
        """Each row's value of a figure per kind (trailing axis: the kinds)."""
        return np.asarray(values).take(self.which, axis=-1, out=out, mode="clip")


@lru_cache(maxsize=64)
def _grid(names: tuple[str, ...], sizes: tuple[int, ...]) -> dict[str, IntArray]:
    """The axes of the grid of the named choices, in the order of :meth:`DesignSpace.code`."""
    cols = {}
    for i, (name, size) in enumerate(zip(names, sizes, strict=True)):
        shape = [1] * len(sizes)
        shape[i] = size
        col = (np.arange(size) - CHOICES[name]).reshape(shape)
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
    with TABLES_LOCK:
        if len(_SPREAD) >= 256:
            _SPREAD.clear()
        _SPREAD[key] = (figure, flat)
    return flat


#: (figure id, grid shape) -> (figure, its spread copy); the figure is kept so that its
#: id stays its own
_SPREAD: dict[tuple[int, tuple[int, ...]], tuple[Any, Any]] = {}


def hold_clean_points(
    alive: NDArray[np.bool_],
    scopes: Sequence[str],
    reach: Sequence[float],
    ret: Retention,
    window: FloatArray,
) -> dict[int, NDArray[np.bool_]]:
    """After ransomware, a design recovers only if some surviving copy keeps a point older
    than the intrusion (to rebuild compromised systems from;
    :func:`rtocalc.ransomware.holds_clean_point`); where none does, no path serves the
    scenario. ``alive`` (P, S, N) is changed in place; ``reach`` per scenario is its dwell
    plus detection [h]; ``window`` (N,) each row's protection window [h] (0: none). The
    chain and its off-site copy reach back ``Retention.daily`` days, the long-term points
    their oldest tier's age. Whether a design holds one does not depend on the interval.
    Returns, per ransomware scenario index, the rows that hold one (``held``)."""
    spans = {
        Path.PRIMARY: ret.daily * HOURS_PER_DAY,
        Path.OFFSITE: ret.daily * HOURS_PER_DAY,
        Path.LONGTERM: gfs_span(ret),
    }
    out: dict[int, NDArray[np.bool_]] = {}
    for s, (scope, tau) in enumerate(zip(scopes, reach, strict=True)):
        if scope != "ransomware":
            continue
        held = alive[Path.PROTECTION, s] & np.asarray(
            ransomware.holds_clean_point(window, tau), dtype=bool
        )
        for p, span in spans.items():
            if ransomware.holds_clean_point(span, tau):
                held = held | alive[p, s]
        alive[:, s] &= held
        out[s] = held
    return out


def _survives(
    scope: str,
    exists: Any,
    locations: IntArray,
    immutable: NDArray[np.bool_],
    outside_region: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Whether a backup copy survives damage of ``scope`` (DESIGN.md section 5): a site
    loss spares copies away from the primary site, a regional disaster only those the
    catalog places outside the region (``Target.outside_region``: a second site in the
    same metro area dies with it)."""
    alive = np.asarray(exists, dtype=bool)
    if scope == "ransomware":
        alive = alive & immutable
    if scope in OFF_SITE_SCOPES:
        alive = alive & (locations != 0)
    if scope == "region":
        alive = alive & outside_region
    return alive


def choice_figures(
    A: Domain,
    B: Domain,
    catalog: Catalog,
    workload: Workload | WorkloadColumns,
    ret: Retention,
    scopes: Sequence[str],
    detection: Sequence[float],
) -> ChoiceFigures:
    """The figures of :func:`evaluate_space` that depend on neither the interval nor the
    ask's limits.

    Computed on the entries of ``A`` (the chain and the off-site copy: target, off-site
    method, link, scheme, strategy) and ``B`` (replica, long-term points and the
    protection mechanism: target, long-term target, link, replication, strategy,
    protection). On a grid these include combinations
    no design has (a cloud target with no link, say): their figures may be infinite or
    undefined, and are never gathered.
    """
    tab = Tables.of(catalog)
    rep_cfg = catalog.replication
    D = workload.final_size
    c = workload.daily_change
    r = workload.data_reduction
    peak = workload.peak_rate * physics.growth_factor(workload.annual_growth, workload.horizon)
    daily_gb = D * c
    gfs_period = finest_gfs_period(ret)
    cloud = LOC["cloud"]

    survival: dict[tuple[int, bool, bool, bool], NDArray[np.bool_]] = {}

    def survives(
        k: int, scope: str, exists: Any, idx: IntArray
    ) -> NDArray[np.bool_]:
        """Survival of backup copy ``k`` (on targets ``idx``) in ``scope``, one table per
        kind of damage."""
        kind = (k, scope == "ransomware", scope in OFF_SITE_SCOPES, scope == "region")
        if kind not in survival:
            survival[kind] = _survives(
                scope, exists, tab.loc[idx], tab.immutable[idx], tab.outside_region[idx]
            )
        return survival[kind]

    def rate(figure: FloatArray, idx: IntArray, wire: FloatArray) -> FloatArray:
        """A target's throughput, capped by the link when the target is in the cloud."""
        base = figure[idx]
        return np.where(tab.loc[idx] == cloud, np.minimum(base, wire), base)

    def read_rate(
        idx: IntArray, wire: FloatArray, strategy: IntArray
    ) -> tuple[FloatArray, FloatArray]:
        """A restore's throughput where the systems are recovered, and where they run on
        premises: capped by the link from a cloud copy, unless the strategy recovers into
        the cloud, where it reads in the region at the copy's own rate
        (``Strategy.recovers_in_cloud``); on premises (after logical damage, where the
        restore goes back to production: ``_space_paths.HOME_SCOPES``) always through the
        link."""
        home = rate(tab.read, idx, wire)
        there = np.where(tab.in_cloud[strategy], tab.read[idx], home)
        # one array where no entry differs (no strategy recovers into the cloud from a
        # cloud copy): what reads both then works once (rtocalc._space_paths.at_home)
        return there, there if np.array_equal(there, home) else home

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t_a, li_a = A.col["target"], A.col["link"]
        o_a, scheme_a = A.col["offsite"], A.col["scheme"]
        off_a = tab.off_target[o_a]
        wire_a = physics.link_throughput(tab.bandwidth[li_a], r)  # reduced data [GB/h]
        rb_a = rate(tab.write, t_a, wire_a)  # backup rate [GB/h]
        # off-site copy rate; a copy to an own second site crosses its own circuit
        rc_a = rate(tab.write, off_a, wire_a)
        own_bw = tab.off_bandwidth[o_a]
        rc_a = np.where(
            own_bw > 0.0, np.minimum(rc_a, physics.link_throughput(own_bw, r)), rc_a
        )
        st_a = A.col["strategy"]
        (read_t_a, home_t_a), (read_o_a, home_o_a) = (
            read_rate(t_a, wire_a, st_a),
            read_rate(off_a, wire_a, st_a),
        )
        read_a, read_home_a = (read_t_a, read_o_a), (home_t_a, home_o_a)
        retr_a = (tab.retrieval[t_a], tab.retrieval[off_a])
        overhead_a, lag_a = tab.overhead[t_a], tab.lag[o_a]
        i_min_a = np.asarray(physics.min_backup_interval(D, c, rb_a, overhead_a), dtype=float)
        # moving the whole data set from the chain and the off-site copy, and their
        # instant recovery times
        move_a = [np.asarray(physics.transfer_time(D, read_a[k]), dtype=float) for k in range(2)]
        move_home_a = [
            move_a[k]
            if read_home_a[k] is read_a[k]
            else np.asarray(physics.transfer_time(D, read_home_a[k]), dtype=float)
            for k in range(2)
        ]
        ir_a = (tab.instant[t_a], tab.instant[off_a])
        # days of points a restore of the newest point replays (forward chains)
        chain_days_a = np.array([float(ret.daily), 0.0, DAYS_PER_WEEK, DAYS_PER_WEEK])[scheme_a]
        locs_a = (tab.loc[t_a], tab.loc[off_a])
        exists_a = (True, o_a >= 0)
        idx_a = (t_a, off_a)
        alive_a = [
            [survives(k, scope, exists_a[k], idx_a[k]) for scope in scopes]
            for k in range(2)
        ]
        tg_b, lt_b, li_b = B.col["target"], B.col["longterm"], B.col["link"]
        rep_b, st_b = B.col["replication"], B.col["strategy"]
        wire_b = physics.link_throughput(tab.bandwidth[li_b], r)
        raw_link_b = physics.link_throughput(tab.bandwidth[li_b])
        read_lt_b, read_home_lt_b = read_rate(lt_b, wire_b, B.col["strategy"])
        retr_lt_b = tab.retrieval[lt_b]
        move_lt_b = np.asarray(physics.transfer_time(D, read_lt_b), dtype=float)
        move_home_lt_b = (
            move_lt_b
            if read_home_lt_b is read_lt_b
            else np.asarray(physics.transfer_time(D, read_home_lt_b), dtype=float)
        )
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
                survives(2, scope, (lt_b >= 0) & ret.gfs, lt_b)
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
        capacity_b = tab.bandwidth[li_b] * physics.link_throughput(1.0) + TOL
        # the design's protection mechanism (its figures do not depend on the interval)
        prot_b = _protection.choice_figures(
            catalog, B.col["protection"], li_b, workload, scopes, detection
        )

    return ChoiceFigures(
        rb=rb_a,
        rc=rc_a,
        read=(read_a[0], read_a[1], read_lt_b),
        read_home=(read_home_a[0], read_home_a[1], read_home_lt_b),
        retrieval=(retr_a[0], retr_a[1], retr_lt_b),
        overhead=overhead_a,
        lag=lag_a,
        i_min=i_min_a,
        move=(move_a[0], move_a[1], move_lt_b),
        move_home=(move_home_a[0], move_home_a[1], move_home_lt_b),
        instant=(ir_a[0], ir_a[1], tab.instant[lt_b]),
        chain_hours=chain_days_a * HOURS_PER_DAY,
        immutable=immutable_rule(tab, t_a, o_a),  # the GFS points' part is per row
        offsite=offsite_rule(tab, t_a, o_a),
        alive=(alive_b[0], alive_a[0], alive_a[1], alive_b[1], prot_b.alive),
        chain_days=chain_days_a,
        rpo_long=rpo_long_b,
        rpo_rep=rpo_rep_b,
        failover=failover_b,
        traffic=(traffic_b[0] + prot_b.traffic, traffic_a, traffic_b[1]),
        capacity=capacity_b,
        rpo_prot=prot_b.rpo,
        prot_link_ok=prot_b.link_ok,
        catalog=catalog,
    )


@dataclass(frozen=True)
class ChoiceFigures:
    """Figures per entry of a :class:`Domain` (A: chain and off-site copy; B: replica
    and long-term points), as :func:`choice_figures` computes them."""

    rb: FloatArray  # A: backup rate [GB/h]
    rc: FloatArray  # A: off-site copy rate [GB/h] (inf: no off-site copy)
    read: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: read rate per copy [GB/h]
    #: A, A, B: read rate per copy where the systems run on premises [GB/h] (the scopes
    #: of ``_space_paths.HOME_SCOPES``; ``read`` elsewhere)
    read_home: tuple[FloatArray, FloatArray, FloatArray]
    retrieval: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: retrieval delay [h]
    overhead: FloatArray  # A: job overhead [h]
    lag: FloatArray  # A: off-site copy lag [h]
    i_min: FloatArray  # A: shortest interval the backup window allows [h]
    move: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: moving the whole data [h]
    move_home: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: the same on premises [h]
    instant: tuple[FloatArray, FloatArray, FloatArray]  # A, A, B: instant recovery [h]
    chain_hours: FloatArray  # A: hours of points a restore replays
    immutable: NDArray[np.bool_]  # A: the chain or off-site copy is immutable
    offsite: NDArray[np.bool_]  # A: a copy away from the primary site
    alive: tuple[list[Any], ...]  # per path (domain PATH_DOMAIN[path]), per scenario
    chain_days: FloatArray  # A: days of points a restore replays
    rpo_long: FloatArray  # B: RPO of the long-term points [h]
    rpo_rep: FloatArray  # B: RPO of the replica [h]
    failover: FloatArray  # B: failover time [h]
    traffic: tuple[FloatArray, FloatArray, FloatArray]  # B, A, B: WAN traffic terms [GB/h]
    capacity: FloatArray  # B: link capacity [GB/h] plus tolerance
    rpo_prot: FloatArray  # B: RPO of the protection mechanism [h]
    prot_link_ok: NDArray[np.bool_]  # B: the link carries the mechanism's peak
    catalog: Catalog  # whose entries the figures are of

    def on_rows(self, A: Domain, B: Domain) -> ChoiceFigures:
        """These figures gathered to the rows of ``A`` and ``B`` (grids of one space)."""
        gathered: dict[int, Any] = {}

        def rows(dom: Domain, x: Any) -> Any:
            if id(x) not in gathered:  # tables shared between scopes stay shared
                gathered[id(x)] = dom.rows(x)
            return gathered[id(x)]

        def a(x: Any) -> Any:
            return rows(A, x)

        def b(x: Any) -> Any:
            return rows(B, x)

        doms = {p: A if PATH_DOMAIN[p] == "A" else B for p in Path}
        return ChoiceFigures(
            rb=a(self.rb),
            rc=a(self.rc),
            read=(a(self.read[0]), a(self.read[1]), b(self.read[2])),
            read_home=(a(self.read_home[0]), a(self.read_home[1]), b(self.read_home[2])),
            retrieval=(a(self.retrieval[0]), a(self.retrieval[1]), b(self.retrieval[2])),
            overhead=a(self.overhead),
            lag=a(self.lag),
            i_min=a(self.i_min),
            move=(a(self.move[0]), a(self.move[1]), b(self.move[2])),
            move_home=(a(self.move_home[0]), a(self.move_home[1]), b(self.move_home[2])),
            instant=(a(self.instant[0]), a(self.instant[1]), b(self.instant[2])),
            chain_hours=a(self.chain_hours),
            immutable=a(self.immutable),
            offsite=a(self.offsite),
            alive=tuple(
                [rows(doms[k], x) for x in self.alive[k]] for k in Path
            ),
            chain_days=a(self.chain_days),
            rpo_long=b(self.rpo_long),
            rpo_rep=b(self.rpo_rep),
            failover=b(self.failover),
            traffic=(b(self.traffic[0]), a(self.traffic[1]), b(self.traffic[2])),
            capacity=b(self.capacity),
            rpo_prot=b(self.rpo_prot),
            prot_link_ok=b(self.prot_link_ok),
            catalog=self.catalog,
        )


#: (catalog, workload, requirements, impact, limits) ids -> (those objects, figures)
_FIGURES: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
_FIGURES_LOCK = threading.Lock()


def figures_of(key: tuple[Any, ...], objects: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
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

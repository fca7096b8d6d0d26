"""The kernel: every metric of every row of a design space at once.

:func:`evaluate_space` gathers the catalog figures for every row
(:mod:`rtocalc._space_figures`), solves the backup interval
(:mod:`rtocalc._space_interval`), and picks the best surviving recovery path per
scenario and row, calling the formula functions of :mod:`rtocalc.physics` and
:mod:`rtocalc.cost` once on whole columns: there is no per-design Python loop.

A path is a unit
----------------
The choice of a recovery path iterates over :func:`path_units`: one
:class:`PathUnit` per member of :class:`~rtocalc._space_paths.Path`, holding

- ``rpo`` (N,): the path's worst-case RPO per row [h], before survival;
- ``alive`` (S, N): whether the path's copy survives each scenario;
- ``rto(s)`` (N,): its RTO in scenario ``s`` [h], from the path's one function in
  :data:`~rtocalc._space_paths.RTO_OF` (through :func:`~rtocalc._space_paths.path_rto`,
  which every explanation reads too);
- ``interval_dependent``: whether its RPO and RTO depend on the backup interval (the
  chain and its off-site copy); every other path is met or not whatever the interval,
  and the interval solve only asks whether it meets each scenario
  (:func:`rtocalc._space_interval.fixed_paths`).

The choosing code (meets both limits, then the smaller loss score, ties to the earlier
path) and the output arena (sized from ``len(Path)``) know no path by name. It compares
one unsigned key per path and row (:func:`~rtocalc._space_paths.order_key`), computed per
kind of rows where the rows are grouped (:class:`~rtocalc._space_figures.Kinds`: rows
alike in every figure the path reads), and reads the chosen path's figures from one
table per kind (:class:`KindTables`). Adding a path
whose figures do not depend on the backup interval is: a :class:`Path` member and its
label; its RTO function in ``RTO_OF``; its per-row figures in
:class:`~rtocalc._space_paths.PathFigures` and here (its row of ``rpo_rows`` and of
``alive``, from :class:`~rtocalc._space_figures.ChoiceFigures`); and its entry in
``fixed_paths``. An interval-dependent path also needs its windows in the interval solve.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _space_protection as _protection
from . import cost, physics
from ._space_costs import RowCosts, row_costs
from ._space_design import DesignSpace, WorkloadColumns
from ._space_evaluation import Arena, Evaluation, Fastest
from ._space_figures import (
    KIND_KEYS,
    PATH_DOMAIN,
    Domain,
    Kinds,
    choice_figures,
    figures_of,
    hold_clean_points,
)
from ._space_interval import Windows, alike_rows, solve_inputs, solve_interval
from ._space_paths import (
    DEAD,
    INTERVAL_DEPENDENT,
    NO_PATH,
    RESTORES,
    RTO_OF,
    SURVIVES,
    Clock,
    Path,
    PathFigures,
    order_key,
    restore_prices,
)
from ._space_tables import (
    LOC,
    REPLICATION,
    FloatArray,
    IntArray,
    Tables,
    finest_gfs_period,
    gfs_home,
)
from .models import SCHEMES, BusinessImpact, Catalog, Requirements, Workload
from .units import HOURS_PER_DAY, TOL

#: output columns of one value per row that are not per path: rc, lag, i_min, interval,
#: inc, t_b, replay_n, failover, traffic, eal, tco, worst_rpo, worst_rto
ROW_COLUMNS = 13
#: grids of catalog choices up to this many entries hold a workload's figures even for
#: spaces with fewer rows (they are remembered, and gathered to each space's rows)
GRID_CELLS = 50_000
#: the ask's figures (its interval windows) go on the grid when it has at most this many
#: cells per row of the space, else on the rows: a new ask on the default catalog's grid
#: (30,870 cells) costs about 3.5 ms, on rows about as much at 2,000 rows and 2.5 times
#: as much at 16,000 (CPU medians, 2026-12-05); a repeated ask is remembered on the grid
ASK_GRID_ROWS = 8
#: from this many rows on, each scenario's expected loss is computed and added up inside
#: the choice loop, while its columns are in the cache (2 ms of the default space's 47);
#: below, at once after it (a 512-row batch saves about 0.6 ms of Python calls)
LOSS_IN_LOOP_ROWS = 8192


@dataclass(frozen=True, slots=True)
class PathUnit:
    """One recovery path's figures for the choice (see the module docstring)."""

    path: Path
    rpo: FloatArray  # (N,) [h] worst-case RPO, before survival
    alive: NDArray[np.bool_]  # (S, N) its copy survives the scenario
    rto: Callable[[Any], FloatArray]  # scenario index -> (N,) [h], or (K,) per kind;
    # an index array of S' scenarios -> (S', N) or (S', K)
    interval_dependent: bool
    kinds: Kinds | None = None  # rows alike for the RTO: ``rto`` gives one per kind
    kind_rpo: FloatArray | None = None  # (K,) [h] ``rpo`` of each kind
    kind_alive: NDArray[np.bool_] | None = None  # (S, K) survival of each kind, before
    # the clean-point hold (which is per row)

    def rto_into(self, s: int, out: FloatArray) -> None:
        """The path's RTO in scenario ``s`` on every row, written to ``out``."""
        if self.kinds is None:
            out[:] = self.rto(s)
        else:
            self.kinds.spread(self.rto(s), out=out)


@dataclass(frozen=True)
class KindTables:
    """Every path's figures per kind of its rows in one flat table, and each row's place
    in it for the path chosen (a path's kinds: rows alike in every figure it reads).

    Row ``i`` with chosen path ``p`` reads entry ``offset[p] + which[g][i]``, where ``g``
    is ``group[p]``, the kinds the path uses (the A-kinds of the chain and its off-site
    copy, or the B-kinds of the others; at most two). The last block, "none survives",
    is as long as group 0's kinds, so that its entries read the same way: RTO and RPO
    ``inf``, charges 0. The values are the ones the rows would read, so the gathers give
    the same bits.
    """

    offset: IntArray  # (P + 1,) first entry of each path's kinds; last: none survives
    group: IntArray  # (P + 1,) 0 or 1: the kinds of each path
    base: IntArray  # (N,) each row's kind in group 0
    step: IntArray  # (N,) its kind in group 1 less its kind in group 0
    rto: FloatArray  # (S, T) [h]
    rpo: FloatArray  # (T,) [h]
    per_gb: FloatArray | None  # (T,) charges of a recovery per GB restored
    per_incident: FloatArray | None  # (T,) per incident
    per_gb_home: FloatArray | None  # (T,) per GB where the restore goes on premises

    @classmethod
    def of(
        cls,
        units: list[PathUnit],
        per_kind: dict[int, tuple[FloatArray, NDArray[np.uint64]]],
        prices: Any,
    ) -> KindTables | None:
        """The tables, or None unless every path has kinds and RTOs per kind (and, with
        charges, their entries per (path, row): ``prices.code``)."""
        groups: list[Kinds] = []
        for u in units:
            if u.kinds is None or u.kind_rpo is None or int(u.path) not in per_kind:
                return None
            if all(u.kinds is not g for g in groups):
                groups.append(u.kinds)
        if len(groups) > 2 or (prices is not None and prices.code is None):
            return None
        group = [next(i for i, g in enumerate(groups) if g is u.kinds) for u in units] + [0]
        sizes = [u.kinds.first.size for u in units if u.kinds is not None]
        none = groups[0].first.size
        offset = np.cumsum([0, *sizes])
        rto = np.concatenate(
            [per_kind[int(u.path)][0] for u in units]
            + [np.full((per_kind[int(units[0].path)][0].shape[0], none), np.inf)],
            axis=1,
        )
        rpo = np.concatenate(
            [u.kind_rpo for u in units if u.kind_rpo is not None] + [np.full(none, np.inf)]
        )
        per_gb = per_incident = per_gb_home = None
        if prices is not None:
            free = prices.per_gb.size - 1  # the tables' last entry: 0 (a failover, none)
            code = prices.code
            entry = np.concatenate(
                [code[int(u.path)].take(u.kinds.first) for u in units if u.kinds is not None]
                + [np.full(none, free)]
            )
            per_gb = prices.per_gb.take(entry)
            if prices.per_incident is not None:
                per_incident = prices.per_incident.take(entry)
            per_gb_home = (
                per_gb if prices.per_gb_home is prices.per_gb else prices.per_gb_home.take(entry)
            )
        base = groups[0].which
        step = groups[1].which - base if len(groups) > 1 else np.zeros_like(base)
        return cls(
            offset, np.asarray(group), base, step, rto, rpo, per_gb, per_incident, per_gb_home
        )

    def position(self, chosen: NDArray[np.int8], out: IntArray) -> IntArray:
        """Each row's entry for its chosen path (``NO_PATH``: none survives)."""
        c = chosen.astype(np.intp)
        np.take(self.offset, c, out=out)
        out += self.base
        g = self.group.take(c)
        g *= self.step
        out += g
        return out

    def charges(self, pos: IntArray, home: bool = False) -> tuple[FloatArray, FloatArray | None]:
        """The charges per GB and per incident at ``pos`` (as ``RestorePrices.chosen``),
        on premises where ``home``."""
        assert self.per_gb is not None and self.per_gb_home is not None  # narrows for mypy
        if home:
            return self.per_gb_home.take(pos), None
        fixed = None if self.per_incident is None else self.per_incident.take(pos)
        return self.per_gb.take(pos), fixed


def path_units(
    x: PathFigures,
    rpo_rows: FloatArray,
    kinds: dict[Path, Kinds] | None = None,
    kind_alive: dict[Path, NDArray[np.bool_]] | None = None,
) -> list[PathUnit]:
    """Every recovery path as a unit, in :class:`Path` order (the one place the choice
    reads a path's figures from). A path given ``kinds`` (rows alike in every figure it
    reads) computes its RTO once per kind, from the figures of a row of each, and carries
    its RPO and its survival per kind (``kind_alive``, before the clean-point hold)."""
    kinds = kinds or {}
    kind_alive = kind_alive or {}
    of_kinds: dict[int, PathFigures] = {}
    units = []
    for p in Path:
        k = kinds.get(p)
        figures = x
        if k is not None:
            if id(k) not in of_kinds:
                of_kinds[id(k)] = x.for_rto(k.first)
            figures = of_kinds[id(k)]
        units.append(
            PathUnit(
                path=p,
                rpo=rpo_rows[p],
                alive=x.alive[p],
                rto=partial(RTO_OF[p], figures, p),
                interval_dependent=p in INTERVAL_DEPENDENT,
                kinds=k,
                kind_rpo=None if k is None else rpo_rows[p].take(k.first),
                kind_alive=kind_alive.get(p) if k is not None else None,
            )
        )
    return units


def evaluate_space(
    space: DesignSpace,
    workload: Workload | WorkloadColumns,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    interval_rule: str = "longest",
    limits: tuple[FloatArray, FloatArray] | None = None,
    fastest: bool = False,
    priced: bool = True,
    outcomes: bool = True,
) -> Evaluation:
    """Evaluate every row of ``space`` at once.

    When ``space.interval`` is None, each row's backup interval is solved from the ask
    (:func:`solve_interval`): the longest schedule of the catalog's ``[schedules]``
    (``interval_rule="longest"``, the cheapest: outlay never rises with the interval) or
    the shortest (``"shortest"``, the least expected data loss) at which every scenario
    has a surviving copy meeting both its RPO and its RTO, never shorter than the backup
    window allows (:func:`rtocalc.physics.min_backup_interval`) while a schedule fits.

    ``workload`` is one workload for every row, or :class:`WorkloadColumns` with one
    workload per row. ``limits`` replaces the ask's RPO and RTO limits per scenario
    (two arrays of shape (S,) [h], ``inf`` for none): policy tiers may set a limit for a
    named scenario rather than for its scope. The rest of ``requirements`` (retention,
    off-site, immutable) applies as usual. ``fastest=True`` keeps each path's fastest
    recovery per scenario (:class:`~rtocalc._space_evaluation.Fastest`, what an
    explanation of an impossible RTO reads) from the RTOs the choice computes anyway.
    ``priced=False`` leaves out what only costs need (the outlay and its breakdown, the
    restore charges, the expected loss: about a quarter of the time) for callers that read
    none of them, the explanation of an impossible ask and the intervals a frontier
    starts from: those fields are then ``nan`` (``{}`` for the breakdown and storage) and
    ``Evaluation.priced`` is False. ``outcomes=False`` (with ``priced=False``: the
    expected loss reads them) also leaves out the chosen path's RPO and RTO per scenario
    and their worst (``nan``) for a caller that reads only which rows are feasible, which
    path each scenario takes and the paths' own figures (a cost curve's evaluation with
    the RTO lifted: the outcomes were an eighth of its time).

    Figures that do not depend on the interval are computed per combination of the
    catalog choices they depend on (:class:`Domain`) and gathered to the rows; the rest
    are columns of one value per row, with the scenarios and paths as short loops, so no
    large temporary is allocated.
    """
    if not outcomes and priced:
        raise ValueError(
            "outcomes: False needs priced=False (the expected loss and the restore "
            "charges read the chosen path's RPO and RTO); pass both"
        )
    if interval_rule not in ("longest", "shortest"):
        raise ValueError(
            f"interval_rule: {interval_rule!r} is not a rule; use 'longest' or 'shortest'"
        )
    tab = Tables.of(catalog)
    ret = requirements.retention
    n = len(space)
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
        rpo_lim, rto_lim = (
            np.asarray(x, dtype=float).reshape((S, n) if np.ndim(x) == 2 else S) for x in limits
        )
    per_row = rpo_lim.ndim == 2 or rto_lim.ndim == 2
    if per_row:  # limits per row: both (S, N)
        rpo_lim, rto_lim = (np.broadcast_to(x.reshape(S, -1), (S, n)) for x in (rpo_lim, rto_lim))
    rpo_lim_c, rto_lim_c = rpo_lim + TOL, rto_lim + TOL
    isolated = requirements.isolated(catalog)
    clock = Clock.of(impact, catalog, requirements.incident, tab, isolated)
    gfs_period = finest_gfs_period(ret)

    A, B, fig, ask_inputs = _domains(
        space, workload, requirements, impact, catalog, clock, (rpo_lim, rto_lim)
    )

    # --- each row's figures ----------------------------------------------------------------
    # the domain of each figure: A for the chain and off-site copy, B for the others
    dom_of = {p: A if PATH_DOMAIN[p] == "A" else B for p in Path}
    # the output columns: those of every row, each path's RPO (and the none row), each
    # restore path's read rate and retrieval delay, each interval-dependent path's replay
    # (and on premises, where the restore goes back there: read rate and replay)
    n_cols = (
        ROW_COLUMNS + 2 * S + (len(Path) + 1) + 3 * len(RESTORES) + 2 * len(INTERVAL_DEPENDENT)
    )
    arena = Arena(n_cols * Arena.size((n,)))

    def col(k: int = 0, value: Any = None) -> FloatArray:
        """The next output column (``k`` > 0: the next ``k`` of them, shape (k, N))."""
        return arena.empty((k, n) if k else (n,), float, value)  # type: ignore[no-any-return]

    # the rows' figures that the ask does not change (remembered by the space on a grid)
    rf = _rows_of(space, workload, catalog, ret, fig, A, B, col)
    rb, rc, read, retr, overhead, lag = rf.rb, rf.rc, rf.read, rf.retr, rf.overhead, rf.lag
    i_min, instant, chain_hours = rf.i_min, rf.instant, rf.chain_hours
    # what comes before a restore (detection, decision, provisioning) and before a
    # failover (detection and decision, or health checks), (S, N), from tables per strategy
    prov = np.take(clock.provisioning, space.strategy, axis=1, mode="clip")
    alive = _alive(space, fig, A, B, dom_of, impact)  # (P, S, N)
    # --- backup interval: solved boundary or given --------------------------------------
    interval = col()
    # rows alike for the RTO of a path (its figures depend on its domain's entry, and the
    # interval-dependent ones on the interval): computed once per kind (Kinds)
    kinds: dict[Path, Kinds] = {}
    if B.code is not None:
        b_kinds = _b_kinds(space, B)
        if b_kinds is not None:
            kinds.update(dict.fromkeys((p for p in Path if PATH_DOMAIN[p] == "B"), b_kinds))
    if space.interval is None:
        a_kinds = _solve(A, B, ask_inputs, i_min, interval_rule, tab.schedule, interval)
        if a_kinds is not None:
            kinds.update(dict.fromkeys(INTERVAL_DEPENDENT, a_kinds))
    else:
        interval[:] = space.interval
        a_kinds = _given_kinds(A, interval)
        if a_kinds is not None:
            kinds.update(dict.fromkeys(INTERVAL_DEPENDENT, a_kinds))
    window_ok = interval >= i_min - TOL
    # each path's survival per kind of its rows (alike in its domain's entry), before the
    # clean-point hold below, which is per row and applied to the choice as a whole
    kind_alive = {p: alive[p].take(k.first, axis=-1) for p, k in kinds.items()}
    # after ransomware, some surviving copy must keep a point from before the intrusion
    held = _hold(alive, space, impact, catalog, ret)
    alive_any: NDArray[np.bool_] = np.asarray(alive.any(axis=2))  # (P, S)

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
    # (:func:`path_rto`). Row NO_PATH of the RPO table stands for "no copy survives":
    # infinite.
    rpo_all = col(NO_PATH + 1)
    rpo_all[NO_PATH] = np.inf
    rpo_rows = rpo_all[:NO_PATH]
    B.rows(fig.rpo_rep, out=rpo_rows[Path.FAILOVER])
    t_off = t_b + t_copy  # the newest point is off site once copied
    rpo_rows[Path.PRIMARY] = physics.rpo_backup(interval, t_b)
    rpo_rows[Path.OFFSITE] = physics.rpo_backup(interval, t_off, lag)
    B.rows(fig.rpo_long, out=rpo_rows[Path.LONGTERM])
    B.rows(fig.rpo_prot, out=rpo_rows[Path.PROTECTION])
    failover = rf.failover
    # chain replay of the whole data set (the chain and the off-site copy; none for the
    # long-term points, each a full), where the systems are recovered and on premises
    replay: tuple[Any, ...] = (
        col(value=physics.chain_replay_time(replay_n, inc, read[0])),
        col(value=physics.chain_replay_time(replay_n, inc, read[1])),
        0.0,
    )
    read_home = rf.read_home
    replay_home: tuple[Any, ...] = (
        *(
            r if h is f else col(value=physics.chain_replay_time(replay_n, inc, h))
            for r, h, f in zip(replay[:2], read_home[:2], read[:2], strict=True)
        ),
        0.0,
    )
    traffic = rf.traffic
    rates = np.array([x.rate for x in scen], dtype=float)
    dc, lc = impact.downtime_cost, impact.data_loss_cost
    # moving the whole data set, once per evaluation (each scenario moves a share), and
    # with the chain replay (the sum rtocalc.physics.rto_restore forms first)
    transfer, transfer_home = rf.transfer, rf.transfer_home
    move = {
        k: transfer[k] + r if np.ndim(r) else transfer[k]  # replay 0: no chain
        for k, r in zip(RESTORES, replay, strict=True)
    }
    move_home = {}
    for k, r, f in zip(RESTORES, replay_home, replay, strict=True):
        if transfer_home[k] is transfer[k] and r is f:  # no row differs: the same array
            move_home[k] = move[k]
        else:
            move_home[k] = transfer_home[k] + r if np.ndim(r) else transfer_home[k]
    x = PathFigures(
        strategy=space.strategy,
        automatic=tab.automatic[space.strategy],
        failover=failover,
        provisioning=prov,
        clock=clock,
        read=dict(zip(RESTORES, read, strict=True)),
        retrieval=dict(zip(RESTORES, retr, strict=True)),
        replay=dict(zip(RESTORES, replay, strict=True)),
        transfer=transfer,
        move=move,
        read_home=dict(zip(RESTORES, read_home, strict=True)),
        replay_home=dict(zip(RESTORES, replay_home, strict=True)),
        transfer_home=transfer_home,
        move_home=move_home,
        instant=dict(zip(RESTORES, instant, strict=True)),
        alive=alive,
        replay_n=replay_n,
        inc=inc,
        rc=rc,
        lag=lag,
        traffic=traffic,
        gfs_half=gfs_period / 2.0 if ret.gfs else 0.0,
        rates=rates,
        costs=(dc, lc),
        protection=space.protection,
        catalog=catalog,
        # one workload: read-only views of one value (the protection RTO then works per
        # catalog choice, _space_paths.protection_rto_path)
        data_size=np.broadcast_to(np.asarray(D, dtype=float), (n,)),
        daily_change=np.broadcast_to(np.asarray(c, dtype=float), (n,)),
    )
    units = path_units(x, rpo_rows, kinds, kind_alive)

    # --- choose a recovery path per scenario ------------------------------------------------
    # the path meeting both limits with the smallest loss score (downtime and data-loss
    # cost per hour as weights; 1 and 1 without costs); if none meets, the surviving path
    # with the smallest score; ties go to the earlier path in PATHS; a copy that does not
    # survive is never chosen. A missing limit is met by any value, even an unbounded
    # one; a scenario without limits is out of scope and met whatever survives it.
    w_down, w_loss = impact.downtime_cost, impact.data_loss_cost
    if w_down + w_loss <= 0.0:
        w_down = w_loss = 1.0
    path = np.empty((S, n), np.int8)
    rpo, rto = (col(S), col(S)) if outcomes else (col(S, value=np.nan), col(S, value=np.nan))
    meets_scenario = np.empty((S, n), bool)
    chosen = np.empty(n, np.int8)  # path chosen so far, NO_PATH for none
    step = np.empty(n, np.int8)  # the change of chosen where a path is better
    best = np.empty(n, np.uint64)  # the least order key so far (order_key)
    key_rows = np.empty(n, np.uint64)
    better = np.empty(n, bool)
    score = np.empty(n) if fastest else None
    met = np.empty(n, bool)  # some path meets the limits (then the chosen one does)
    some = np.empty(n, bool)  # some path survives
    at = np.empty(n, np.int64)  # position of the chosen path's figure in the flat tables
    rto_s = np.empty((NO_PATH + 1, n))  # each path's RTO in the scenario; last: none survives
    rto_s[NO_PATH] = np.inf
    rows = np.arange(n)
    # each path's RPO met (by limit) and its loss term, on the rows
    rpo_met: dict[tuple[int, Any], NDArray[np.bool_]] = {}
    losses: dict[int, Any] = {}
    eal = col(value=0.0)
    # provider charges of the recovery each scenario's path takes [currency per incident]:
    # the scenario's share of the reduced data times the copy's restore price per GB
    # (cost.restore_cost, linear in the data), plus per incident the compute of a recovery
    # into the cloud (restore_prices); a failover and "none survives" cost 0
    full = D / workload.data_reduction
    prices = (
        restore_prices(
            tab, space, workload.data_reduction, catalog.replication.replica_price_per_gb_month
        )
        if priced
        else None
    )
    restore = np.empty((S, n)) if priced else np.full((S, n), np.nan)
    # the worst RPO and RTO of a row are over the scenarios in scope (with limits; all
    # where none has one); with limits per row, over each row's own (after the choice)
    in_scope = np.isfinite(rpo_lim) | np.isfinite(rto_lim)
    worst = 0.0 if outcomes else np.nan
    worst_rpo, worst_rto = col(value=worst), col(value=worst)
    worst_of = (
        np.zeros(S, bool) if per_row else in_scope if in_scope.any() else np.ones(S, bool)
    )
    # the expected loss per scenario in the loop pays where the rows' columns no longer
    # fit in the cache; a small batch computes it at once after the loop (one call, not
    # one per scenario: the same additions in the same order)
    loss_in_loop = n >= LOSS_IN_LOOP_ROWS
    fast_rto = np.full((len(Path), S), np.inf) if fastest else None
    fast_row = np.zeros((len(Path), S), np.int64)
    # a path with kinds of rows (alike in every figure it reads): its RTO and its key in
    # every scenario at once, per kind, spread to the rows below (limits per row differ
    # within a kind: then keys are per row)
    per_kind: dict[int, tuple[FloatArray, NDArray[np.uint64]]] = {}
    for u in units if not per_row else ():
        if u.kinds is not None and u.kind_rpo is not None and u.kind_alive is not None:
            r = np.asarray(u.rto(np.arange(S)))  # (S, K)
            ok = u.kind_rpo <= rpo_lim_c[:, None]
            loss = w_loss * u.kind_rpo if w_loss else None  # a zero weight ignores the term
            key = order_key(r, loss, rto_lim_c[:, None], ok, u.kind_alive, w_down)
            per_kind[int(u.path)] = (r, key)
    # every path by kind: the chosen path's RTO, RPO and charges are then one gather per
    # scenario from one table, not a spread of each path's RTO to the rows and a gather
    flat = None if fastest or not outcomes else KindTables.of(units, per_kind, prices)
    pos = np.empty(n, np.intp) if flat is not None else None
    home = clock.home  # the restore goes to the systems on premises: charges there
    for s in range(S):
        chosen.fill(NO_PATH)
        best.fill(DEAD)
        # the surviving paths in order; a path is kept where its key is strictly smaller,
        # so earlier paths win ties (order_key)
        for u in units:
            pk = int(u.path)  # a plain int: numpy converts an IntEnum operand slowly (77 us)
            if not alive_any[pk, s]:
                continue  # a path not tried here is never chosen here
            rto_k = rto_s[pk]
            kind = per_kind.get(pk)
            # (with the flat tables, the chosen path's RTO comes from them below; without
            # outcomes only a path without kinds needs its RTO on the rows, for its key)
            if flat is None and (kind is None or outcomes or fast_rto is not None):
                if kind is not None:
                    assert u.kinds is not None  # narrows for mypy
                    u.kinds.spread(kind[0][s], out=rto_k)
                else:
                    u.rto_into(s, rto_k)
            if fast_rto is not None:  # the path's fastest over the rows its copy survives
                assert score is not None  # narrows for mypy
                np.copyto(score, np.inf)
                np.copyto(score, rto_k, where=u.alive[s])
                fast_rto[pk, s], fast_row[pk, s] = Fastest.of_rows(score)
            if kind is not None:
                assert u.kinds is not None  # narrows for mypy
                key = u.kinds.spread(kind[1][s], out=key_rows)
            else:  # on the rows
                rpo_key = (pk, s if per_row else rpo_lim_c[s])
                rpo_ok = rpo_met.get(rpo_key)
                if rpo_ok is None:  # scenarios often share an RPO limit
                    rpo_ok = rpo_met[rpo_key] = u.rpo <= rpo_lim_c[s]
                loss = losses.get(pk)
                if loss is None and w_loss:  # a zero weight ignores the term (never 0 x inf)
                    loss = losses[pk] = w_loss * u.rpo
                key = order_key(rto_k, loss, rto_lim_c[s], rpo_ok, u.alive[s], w_down)
            np.less(key, best, out=better)
            np.minimum(best, key, out=best)
            # chosen = pk where better: as integer arithmetic, chosen - (chosen - pk) * better
            # (exact; a masked copy of a mask that changes from row to row costs ten times
            # this in mispredicted branches)
            np.subtract(chosen, pk, out=step)
            np.multiply(step, better, out=step)
            chosen -= step
        np.less(best, SURVIVES, out=met)
        hold = held.get(s)
        if hold is not None:  # no clean point kept: nothing serves the row (keys per kind
            # do not see the hold)
            met &= hold
            np.subtract(chosen, NO_PATH, out=step)
            np.multiply(step, hold, out=step)
            np.add(step, NO_PATH, out=chosen)
        # none -> 0 (an integer remainder would cost ten times this)
        np.not_equal(chosen, NO_PATH, out=some)
        np.multiply(chosen, some, out=path[s])
        if not outcomes:  # rpo, rto and the worst figures stay nan
            charges = None
        elif flat is not None:  # the chosen path's kind of each row, in the flat tables
            assert pos is not None  # narrows for mypy
            flat.position(chosen, out=pos)
            flat.rpo.take(pos, out=rpo[s], mode="clip")
            flat.rto[s].take(pos, out=rto[s], mode="clip")
            charges = None if prices is None else flat.charges(pos, bool(home[s]))
        else:
            np.multiply(chosen, n, out=at, dtype=np.int64)
            at += rows
            rpo_all.reshape(-1).take(at, out=rpo[s], mode="clip")
            rto_s.reshape(-1).take(at, out=rto[s], mode="clip")
            charges = None if prices is None else prices.chosen(at, bool(home[s]))
        if charges is not None:
            per_gb, per_incident = charges
            np.multiply(per_gb, full * scen[s].share, out=restore[s])
            if per_incident is not None:
                restore[s] += per_incident
            if loss_in_loop:  # the scenario's expected loss, added to the rows' sum one
                # scenario after the other (while its figures are in the cache)
                eal += cost.expected_annual_loss(
                    rates[s], rto[s], rpo[s], dc, lc, incident_cost=restore[s], axis=None
                )
        if worst_of[s] and outcomes:  # the worst RPO and RTO over the scenarios in scope
            np.maximum(worst_rpo, rpo[s], out=worst_rpo)
            np.maximum(worst_rto, rto[s], out=worst_rto)
        meets_scenario[s] = met
        if per_row:  # out of scope: met whatever survives it
            meets_scenario[s] |= np.isinf(rpo_lim[s]) & np.isinf(rto_lim[s])
        elif np.isinf(rpo_lim[s]) and np.isinf(rto_lim[s]):
            meets_scenario[s] = True

    if not priced:
        eal.fill(np.nan)
    elif not loss_in_loop:  # every scenario's loss at once, summed in scenario order
        np.sum(
            cost.expected_annual_loss(
                rates[:, None], rto, rpo, dc, lc, incident_cost=restore, axis=None
            ),
            0,
            out=eal,
        )

    # --- other constraints ------------------------------------------------------------------
    # as has_offsite() and has_immutable() say: the short-term points on the chain and its
    # off-site copy, and the GFS points where they live (the long-term target, else the chain)
    offsite_ok, immutable_ok, link_ok = rf.offsite_ok, rf.immutable_ok, rf.link_ok
    feasible = meets_scenario.all(axis=0) & window_ok & link_ok
    # database-native mechanisms protect a database only (not in other workloads' spaces;
    # a design given with one is refused here)
    feasible &= rf.kind_ok
    if requirements.offsite:
        feasible &= offsite_ok
    if requirements.immutable:
        feasible &= immutable_ok

    if priced:
        costs = row_costs(space, interval, workload, ret, catalog, isolated)
    else:  # nothing of the costs is read (the docstring): none is computed
        none = np.full(n, np.nan)
        costs = RowCosts(outlay=none, breakdown={}, storage={}, purchases=none.copy())
    outlay, breakdown = costs.outlay, costs.breakdown
    if per_row and outcomes:  # the scenarios in scope of each row's limits (all where none is)
        scope_rows = in_scope | ~in_scope.any(axis=0)
        np.max(np.where(scope_rows, rpo, 0.0), axis=0, initial=0.0, out=worst_rpo)
        np.max(np.where(scope_rows, rto, 0.0), axis=0, initial=0.0, out=worst_rto)

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
        restore_cost=restore,
        purchases=costs.purchases,
        paths=x,
        fastest=None if fast_rto is None else Fastest(fast_rto, fast_row),
        priced=priced,
        _kinds={int(p): k for p, k in kinds.items()} or None,
    )


def _domains(
    space: DesignSpace,
    workload: Workload | WorkloadColumns,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    clock: Clock,
    limit_pair: tuple[FloatArray, FloatArray],
) -> tuple[Domain, Domain, Any, Callable[[], tuple[Windows, list[NDArray[np.bool_]]]]]:
    """The domains A and B of the rows, their figures per catalog choice, and the ask's
    interval inputs (a thunk, remembered per ask on the grid) for :func:`evaluate_space`.

    A: the chain and the off-site copy (target, off-site method, link, scheme, strategy);
    B: replica and long-term points (target, long-term target, link, replication,
    strategy, protection). On a grid these include combinations no design has (a cloud
    target with no link, say): their figures may be infinite or undefined, and are never
    gathered. The workload's figures go on grids of the catalog choices (one workload,
    grids of reasonable size), the ask's on the same grids unless the space has far fewer
    rows than they have cells (ASK_GRID_ROWS), else on the rows (the workload's figures
    gathered to them).
    """
    keys, ret, n = space.keys, requirements.retention, len(space)
    rpo_lim, rto_lim = limit_pair
    per_row = rpo_lim.ndim == 2 or rto_lim.ndim == 2
    scopes = [x.scope for x in impact.scenarios]
    detection = [x.detection for x in impact.scenarios]
    n_t, n_l, n_st = len(keys.targets), len(keys.links) + 1, len(keys.strategies)
    a_sizes = (n_t, len(keys.offsite) + 1, n_l, len(SCHEMES), n_st)
    b_sizes = (n_t, n_t + 1, n_l, len(REPLICATION), n_st, len(keys.protection) + 1)
    scalar = not isinstance(workload, WorkloadColumns)
    cells = max(int(np.prod(a_sizes)), int(np.prod(b_sizes)))
    names_a = ("target", "offsite", "link", "scheme", "strategy")
    names_b = ("target", "longterm", "link", "replication", "strategy", "protection")
    on_grid = scalar and cells <= max(n, GRID_CELLS)
    A = Domain.of(space, names_a, a_sizes, on_grid)
    B = Domain.of(space, names_b, b_sizes, on_grid)
    if on_grid:
        fig = figures_of(
            ("workload", id(catalog), id(workload), id(ret), id(impact), A.shape, B.shape),
            (catalog, workload, ret, impact),
            lambda: choice_figures(A, B, catalog, workload, ret, scopes, detection),
        )
    else:
        fig = choice_figures(A, B, catalog, workload, ret, scopes, detection)
    ask_on_grid = on_grid and cells <= ASK_GRID_ROWS * n and not per_row
    if on_grid and not ask_on_grid:
        fig = fig.on_rows(A, B)
        A = Domain.of(space, names_a, a_sizes, False)
        B = Domain.of(space, names_b, b_sizes, False)

    def ask_inputs() -> tuple[Windows, list[NDArray[np.bool_]]]:
        compute = partial(solve_inputs, fig, A, B, workload, limit_pair, clock)
        if not ask_on_grid:
            return compute()
        # what the inputs read of the ask: its limits, and the clock's incident and
        # clean room (another ask object with the same values, such as a cost curve's
        # ask with the RTO lifted in each round of a negotiation, finds them)
        isolated = requirements.isolated(catalog)
        ids = (
            "ask",
            id(fig),
            id(workload),
            id(impact),
            id(catalog),
            id(isolated),
            requirements.incident,
            A.shape,
            B.shape,
            rpo_lim.tobytes(),
            rto_lim.tobytes(),
        )
        kept = (fig, workload, impact, catalog, isolated)
        return figures_of(ids, kept, compute)  # type: ignore[no-any-return]

    return A, B, fig, ask_inputs


def _ask_domains(
    space: DesignSpace,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> tuple[Domain, Domain, Any, Callable[[], tuple[Windows, list[NDArray[np.bool_]]]]]:
    """:func:`_domains` for the ask's own limits per scenario (and its clock)."""
    scopes = [x.scope for x in impact.scenarios]
    limit_pair = (
        np.array([requirements.limit("rpo", sc) for sc in scopes], dtype=float),
        np.array([requirements.limit("rto", sc) for sc in scopes], dtype=float),
    )
    tab = Tables.of(catalog)
    clock = Clock.of(impact, catalog, requirements.incident, tab, requirements.isolated(catalog))
    return _domains(space, workload, requirements, impact, catalog, clock, limit_pair)


@dataclass(frozen=True)
class _RowFigures:
    """Each row's figures that depend on its catalog choices and the workload alone,
    not on the ask or the interval: gathered from the figures per choice."""

    rb: Any  # (N,) [GB/h] backup rate
    rc: FloatArray  # (N,) [GB/h] off-site copy rate (inf: none)
    read: tuple[FloatArray, ...]  # per restore path (N,) [GB/h]
    read_home: tuple[FloatArray, ...]  # the same where the systems run on premises
    retr: tuple[FloatArray, ...]  # per restore path (N,) [h] retrieval delay
    overhead: Any  # (N,) [h] a job's fixed overhead
    lag: FloatArray  # (N,) [h] off-site copy lag
    i_min: FloatArray  # (N,) [h] shortest interval the schedule allows
    instant: tuple[Any, ...]  # per restore path (N,) [h] instant recovery (inf: none)
    chain_hours: Any  # (N,) [h] the chain's span
    failover: FloatArray  # (N,) [h]
    traffic: FloatArray  # (N,) [GB/h] average WAN traffic
    transfer: dict[Path, Any]  # restore path -> (N,) [h] moving the whole data set
    transfer_home: dict[Path, Any]  # the same where the systems run on premises
    offsite_ok: NDArray[np.bool_]  # (N,) a copy off site
    immutable_ok: NDArray[np.bool_]  # (N,) a copy ransomware cannot change
    link_ok: NDArray[np.bool_]  # (N,) the link carries the traffic
    kind_ok: NDArray[np.bool_]  # (N,) the protection mechanism protects this workload


def _rows_of(
    space: DesignSpace,
    workload: Workload | WorkloadColumns,
    catalog: Catalog,
    ret: Any,
    fig: Any,
    A: Domain,
    B: Domain,
    col: Callable[[], FloatArray],
) -> _RowFigures:
    """The rows' :class:`_RowFigures`, remembered by a space kept for later asks
    (:attr:`~rtocalc.space.DesignSpace.remembers`) for the workload's figures on the grid
    (``fig`` is then the one :func:`figures_of` keeps for the workload, catalog,
    retention and scenarios): the asks of a planning session gather them once. Shared
    read-only; else (rows taken for one evaluation, or the ask's figures on the rows)
    computed into ``col``, the evaluation's arena."""

    def gather(col: Callable[[], FloatArray]) -> _RowFigures:
        tab = Tables.of(catalog)
        dom_of = {p: A if PATH_DOMAIN[p] == "A" else B for p in Path}
        read = tuple(dom_of[p].rows(fig.read[k], out=col()) for k, p in enumerate(RESTORES))
        # on premises: the same arrays where no entry differs (fig shares them then)
        read_home = tuple(
            read[k]
            if fig.read_home[k] is fig.read[k]
            else dom_of[p].rows(fig.read_home[k], out=col())
            for k, p in enumerate(RESTORES)
        )
        traffic = _traffic(fig, A, B, col())
        offsite_ok = A.rows(fig.offsite)
        immutable_ok = A.rows(fig.immutable)
        if ret.gfs:
            home = gfs_home(space.target, space.longterm)
            offsite_ok = offsite_ok & (tab.loc[home] != LOC["primary"])
            immutable_ok = immutable_ok & tab.immutable[home]
        D = workload.final_size
        transfer = {k: physics.transfer_time(D, r) for k, r in zip(RESTORES, read, strict=True)}
        return _RowFigures(
            rb=A.rows(fig.rb),
            rc=A.rows(fig.rc, out=col()),
            read=read,
            retr=tuple(dom_of[p].rows(fig.retrieval[k], out=col()) for k, p in enumerate(RESTORES)),
            overhead=A.rows(fig.overhead),
            lag=A.rows(fig.lag, out=col()),
            i_min=A.rows(fig.i_min, out=col()),
            instant=tuple(dom_of[p].rows(fig.instant[k]) for k, p in enumerate(RESTORES)),
            chain_hours=A.rows(fig.chain_hours),
            failover=B.rows(fig.failover, out=col()),
            traffic=traffic,
            transfer=transfer,
            read_home=read_home,
            transfer_home={
                k: transfer[k] if h is r else physics.transfer_time(D, h)
                for k, r, h in zip(RESTORES, read, read_home, strict=True)
            },
            offsite_ok=np.asarray(offsite_ok),
            immutable_ok=np.asarray(immutable_ok),
            link_ok=_links_carry(space, fig, B, traffic),
            # database-native mechanisms protect a database only (not in other workloads'
            # spaces; a design given with one is refused)
            kind_ok=np.asarray(_protection.kind_ok(catalog, space.protection, workload)),
        )

    if A.code is None or B.code is None or not space.remembers:
        return gather(col)  # into the evaluation's arena
    n = len(space)

    def compute() -> _RowFigures:
        rows = gather(lambda: np.empty(n))
        for a in _arrays(rows):
            a.setflags(write=False)
        return rows

    key = ("rows", id(fig), id(catalog), A.shape, B.shape)
    return space.remember(key, (fig, catalog), compute)  # type: ignore[no-any-return]


def _arrays(rows: _RowFigures) -> list[np.ndarray]:
    """Every array of ``rows`` (in tuples and dicts too)."""
    out = []
    for f in dataclasses.fields(rows):
        value = getattr(rows, f.name)
        parts = value.values() if isinstance(value, dict) else value
        for a in parts if isinstance(value, (dict, tuple)) else (value,):
            if isinstance(a, np.ndarray):
                out.append(a)
    return out


def _b_kinds(space: DesignSpace, B: Domain) -> Kinds | None:
    """The kinds of rows alike on B (the same entry: :meth:`Kinds.of` of B's codes),
    remembered by the space: they depend on its rows and B's grid alone."""
    code = B.code
    assert code is not None  # on a grid
    return space.remember(  # type: ignore[no-any-return]
        ("b_kinds", B.shape), (), lambda: Kinds.of(code, int(np.prod(B.shape)))
    )


def _alive(
    space: DesignSpace,
    fig: Any,
    A: Domain,
    B: Domain,
    dom_of: dict[Path, Domain],
    impact: BusinessImpact,
) -> NDArray[np.bool_]:
    """:func:`_survival` of every scenario, remembered by the space for the workload's
    figures on the grid (which survive depends on the rows and those figures, not on the
    ask). The clean-point hold after ransomware changes its scenarios in place, so the
    rows get a copy where there is one; else the remembered array, read-only."""
    n = len(space)
    if A.code is None or B.code is None or not space.remembers:  # (figures on the rows:
        return _survival(fig, dom_of, n)  # the ask's; or rows taken for one evaluation)

    def compute() -> NDArray[np.bool_]:
        alive = _survival(fig, dom_of, n)
        alive.setflags(write=False)
        return alive

    shared = space.remember(("alive", id(fig), A.shape, B.shape), (fig,), compute)
    if any(x.scope == "ransomware" for x in impact.scenarios):
        return np.array(shared)  # a copy, writable
    return shared  # type: ignore[no-any-return]


def _survival(
    fig: Any, dom_of: dict[Path, Domain], n: int, scenarios: list[int] | None = None
) -> NDArray[np.bool_]:
    """Whether each path's copy survives each scenario, per row (P, S, N); scopes alike
    for a copy (the same table) share one gather. Only the given ``scenarios`` (default
    all) are filled; the others are False."""
    shape = (len(Path), len(fig.alive[0]), n)
    alive = np.empty(shape, bool) if scenarios is None else np.zeros(shape, bool)
    seen: dict[int, int] = {}
    for s in range(shape[1]) if scenarios is None else scenarios:
        for k in Path:
            table = fig.alive[k][s]
            if id(table) in seen:
                alive[k, s] = alive[k, seen[id(table)]]
                continue
            seen[id(table)] = s
            if not table.any() or table.all():
                alive[k, s] = bool(table.flat[0]) if table.size else False
            else:
                alive[k, s] = dom_of[k].rows(table)
    return alive


def _hold(
    alive: NDArray[np.bool_],
    space: DesignSpace,
    impact: BusinessImpact,
    catalog: Catalog,
    ret: Any,
) -> dict[int, NDArray[np.bool_]]:
    """After ransomware, some surviving copy must keep a point from before the intrusion
    (:func:`~rtocalc._space_figures.hold_clean_points`, ``alive`` changed in place): the
    rows that hold one, per ransomware scenario with a dwell time."""
    scen = impact.scenarios
    if not any(x.scope == "ransomware" and x.dwell > 0 for x in scen):
        return {}
    window = _protection.ProtectionTables.of(catalog).window[space.protection]  # none: 0
    reach = [x.detection + x.dwell for x in scen]
    return hold_clean_points(alive, [x.scope for x in scen], reach, ret, window)


def explaining_rows(
    space: DesignSpace,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> IntArray | None:
    """Rows of ``space`` enough to explain an ask that no row meets (sorted), or None
    where the rows are not grouped (then every row is needed).

    Everything :func:`rtocalc.optimize.explain` reads of a path in a scenario (its RTO,
    its smallest RPO, whether its copy survives, the shortest schedule of its job) is the
    same for every row of one kind of that path's rows (:class:`Kinds`: the chain and its
    off-site copy by their entry of A and the scenarios met whatever the interval,
    :func:`~rtocalc._space_interval.alike_rows`; the other paths by their entry of B),
    except survival after ransomware, which is per row (a clean point held). So the least
    of each figure over the rows where the copy survives, and the first row reaching it,
    are among the first row of each kind and, per ransomware scenario, the first row of
    each kind that holds a clean point; evaluating those rows (far fewer than the space's)
    gives the same reasons, each naming the same row.
    """
    if space.interval is not None or not len(space):
        return None
    A, B, fig, ask_inputs = _ask_domains(space, workload, requirements, impact, catalog)
    if A.code is None or B.code is None:
        return None
    a_kinds = alike_rows(A, B, ask_inputs()[1])
    b_kinds = _b_kinds(space, B)
    if a_kinds is None or b_kinds is None:
        return None
    n = len(space)
    rows = np.arange(n)
    picks = [_first_rows(k, rows) for k in (a_kinds, b_kinds)]
    ransomware = [s for s, x in enumerate(impact.scenarios) if x.scope == "ransomware"]
    if ransomware:  # survival is needed there only, for the hold
        dom_of = {p: A if PATH_DOMAIN[p] == "A" else B for p in Path}
        alive = _survival(fig, dom_of, n, ransomware)
        for h in _hold(alive, space, impact, catalog, requirements.retention).values():
            picks += [_first_rows(k, rows, h) for k in (a_kinds, b_kinds)]
    chosen = np.zeros(n + 1, bool)  # the last: kinds with no row
    chosen[np.concatenate(picks)] = True
    return np.flatnonzero(chosen[:n])


def _first_rows(
    kinds: Kinds, rows: IntArray, where: NDArray[np.bool_] | None = None
) -> IntArray:
    """The first row of each kind (of the rows ``where`` marks), ``len(rows)`` for a kind
    with none."""
    first = np.full(kinds.first.size, rows.size)
    # a row not marked counts as len(rows), which every real row is below
    np.minimum.at(first, kinds.which, rows if where is None else np.where(where, rows, rows.size))
    return first


def _solve(
    A: Domain,
    B: Domain,
    ask_inputs: Callable[[], tuple[Windows, list[NDArray[np.bool_]]]],
    i_min: FloatArray,
    rule: str,
    schedule: FloatArray,
    out: FloatArray,
) -> Kinds | None:
    """Each row's backup interval solved from the ask (:func:`solve_interval`, at most a
    day: daily restore points are always kept, ``Retention.daily`` >= 1), written to
    ``out``; the kinds of rows alike for it (:func:`alike_rows`), solved once each and
    spread, or None where rows are not grouped."""
    win, fixed_ok = ask_inputs()
    kinds = alike_rows(A, B, fixed_ok)
    solve = partial(solve_interval, win, rule=rule, schedule=schedule)
    if kinds is None:
        solve(A, [B.rows(x) for x in fixed_ok], i_min, HOURS_PER_DAY, out=out)
        return None
    # a row of each kind, the answers spread: the same for rows alike
    first = kinds.first
    part = np.empty(first.size)
    alike = Domain(A.col, A.shape, A.code[first])  # type: ignore[index]
    solve(alike, [B.rows(x, first) for x in fixed_ok], i_min[first], HOURS_PER_DAY, out=part)
    kinds.spread(part, out=out)
    return kinds


def _given_kinds(A: Domain, interval: FloatArray) -> Kinds | None:
    """Rows alike for the interval-dependent paths at given intervals: the same entry of
    ``A`` and the same interval. None where A is on the rows or grouping saves little."""
    if A.code is None:
        return None
    values, which = np.unique(interval, return_inverse=True)
    size = int(np.prod(A.shape)) * values.size
    if size > KIND_KEYS:
        return None
    return Kinds.of(A.code * values.size + which.reshape(-1), size)


def _traffic(fig: Any, A: Domain, B: Domain, out: FloatArray) -> FloatArray:
    """Each row's average traffic on its link [GB/h] (replica, chain copy, long-term
    copy), written to ``out``."""
    np.add(B.rows(fig.traffic[0]), A.rows(fig.traffic[1]), out=out)
    out += B.rows(fig.traffic[2])
    return out


def _links_carry(
    space: DesignSpace, fig: Any, B: Domain, traffic: FloatArray
) -> NDArray[np.bool_]:
    """Whether each row's link carries its traffic (no link: yes), and a mechanism at
    another site the peak writes it ships (else it is not offered)."""
    ok = (space.link < 0) | (traffic <= B.rows(fig.capacity))
    ok &= B.rows(fig.prot_link_ok)
    return np.asarray(ok)


def solved_intervals(
    space: DesignSpace,
    workload: Workload,
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Each row's backup interval solved from the ask (the longest that meets it) and
    whether its link carries its traffic: :func:`evaluate_space`'s ``interval`` and
    ``link_ok``, the same values, without the paths, the choice or the costs (what a
    frontier reads of the designs at the ask)."""
    tab = Tables.of(catalog)
    A, B, fig, ask_inputs = _ask_domains(space, workload, requirements, impact, catalog)
    n = len(space)
    interval = np.empty(n)
    _solve(A, B, ask_inputs, A.rows(fig.i_min), "longest", tab.schedule, interval)
    return interval, _links_carry(space, fig, B, _traffic(fig, A, B, np.empty(n)))

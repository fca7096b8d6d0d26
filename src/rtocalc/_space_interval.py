"""The backup interval solve: the longest (or shortest) interval meeting the ask.

Private module of the kernel (:mod:`rtocalc._space_kernel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _space_protection as _protection
from . import physics
from ._space_design import WorkloadColumns
from ._space_figures import KIND_KEYS, ChoiceFigures, Domain, Kinds
from ._space_paths import INTERVAL_DEPENDENT, Clock, Path, at_home, scan_time
from ._space_tables import FloatArray
from .models import Workload
from .units import HOURS_PER_DAY, TOL


def solve_inputs(
    fig: ChoiceFigures,
    A: Domain,
    B: Domain,
    workload: Workload | WorkloadColumns,
    limits: tuple[FloatArray, FloatArray],
    clock: Clock,
) -> tuple[Windows, list[NDArray[np.bool_]]]:
    """What the interval solve needs from the ask: the interval windows of the chain and
    the off-site copy (on ``A``) and, per scenario, where it is met whatever the interval
    (on ``B``); ``fig`` holds the figures of the same entries."""
    D = workload.final_size
    c = workload.daily_change
    rpo_lim, rto_lim = limits
    rpo_lim_c, rto_lim_c = rpo_lim + TOL, rto_lim + TOL
    S = len(rpo_lim)
    lead = (1,) * len(A.shape)

    def per_s(x: FloatArray) -> FloatArray:
        """Per-scenario values on a leading scenario axis (limits per row stay (S, N))."""
        x = np.asarray(x)
        return x if x.ndim == 2 else x.reshape((S, *lead))

    st_a = A.col["strategy"]
    rb_a, rc_a, overhead_a, lag_a, i_min_a = fig.rb, fig.rc, fig.overhead, fig.lag, fig.i_min
    chain_days_a = fig.chain_days
    alive_a = (fig.alive[Path.PRIMARY], fig.alive[Path.OFFSITE])
    share = per_s(clock.share)
    # after logical damage the restore goes back to production on premises: a copy's read
    # rate and move there (fig.read_home, fig.move_home), else where the strategy recovers
    home = clock.home.reshape((S, *lead))
    read_a, move_a = (
        [at_home(home, fig.read_home[k], fig.read[k]) for k in range(2)],
        [at_home(home, fig.move_home[k], fig.move[k]) for k in range(2)],
    )
    # the lead before a restore: detection, decision, containment and the clean-point scan
    manual = per_s(clock.manual) + scan_time(clock, slice(None), share, D)
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
            slack = slack - share * move_a[k]
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

        # scenarios met whatever the interval: by some path that does not depend on it
        fixed: Any = None
        paths = fixed_paths(fig, B, workload, clock)
        if {x[0] for x in paths} != set(Path) - INTERVAL_DEPENDENT:  # the path contract
            raise RuntimeError("fixed_paths: every path not in INTERVAL_DEPENDENT needs its entry")
        lead_b = (1,) * len(B.shape)  # B may have other axes than A
        rpo_b, rto_b = (  # limits per row (S, N) stay as they are: B is on the rows then
            x if np.ndim(x) == 2 else np.asarray(x).reshape((S, *lead_b))
            for x in (rpo_lim_c, rto_lim_c)
        )
        for _path, alive, rpo, rto in paths:
            ok = _stacked(alive) & (rpo <= rpo_b) & (rto <= rto_b)
            fixed = ok if fixed is None else fixed | ok
        fixed_ok_b = list(fixed)
    # a scenario without limits is out of scope: met whatever survives it (as the kernel
    # says), so it constrains no interval
    out_of_scope = np.isinf(rpo_lim) & np.isinf(rto_lim)  # (S,) or per row (S, N)
    fixed_ok_b = [ok | out_of_scope[s] for s, ok in enumerate(fixed_ok_b)]
    return win, fixed_ok_b


def fixed_paths(
    fig: ChoiceFigures, B: Domain, workload: Workload | WorkloadColumns, clock: Clock
) -> list[tuple[Path, list[Any], FloatArray, FloatArray]]:
    """The recovery paths whose figures do not depend on the backup interval, on the
    entries of ``B``: (path, survival table per scenario, RPO [h], RTO per scenario on a
    leading scenario axis [h]).

    A failover to the replica takes its lead plus the strategy's failover time
    (:func:`rtocalc._space_paths.failover_rto`); a restore of a long-term point (a full:
    no chain replay) the lead before a restore plus moving the scenario's share
    (:func:`rtocalc.physics.rto_restore`). The interval solve treats a scenario one of
    these meets as met whatever the interval. Every path that is not in
    :data:`~rtocalc._space_paths.INTERVAL_DEPENDENT` has its entry here.
    """
    S = len(clock.share)
    lead = (1,) * len(B.shape)

    def per_s(x: FloatArray) -> FloatArray:
        return np.asarray(x).reshape((S, *lead))

    st_b = B.col["strategy"]
    scan = scan_time(clock, slice(None), per_s(clock.share), workload.final_size)
    restore_lt = physics.rto_restore(
        workload.final_size,
        at_home(clock.home.reshape((S, *lead)), fig.read_home[2], fig.read[2]),
        detection=per_s(clock.manual) + scan,
        provisioning=clock.provisioning[:, st_b],
        retrieval_delay=fig.retrieval[2],
        share=per_s(clock.share),
        instant_recovery=fig.instant[2] + clock.instant_provisioning[:, st_b],
    )
    # the protection mechanism: its lead and revert, failover or item restore
    # (rtocalc._space_paths.protection_rto_path computes the same per row)
    rto_prot = _protection.rto(
        fig.catalog,
        B.col["protection"],
        per_s(clock.share),
        workload.final_size,
        workload.daily_change,
        per_s(clock.manual),
        clock.instant_provisioning[:, st_b],
        per_s(clock.containment),
    )
    rto_prot = rto_prot + scan
    return [
        (
            Path.FAILOVER,
            fig.alive[Path.FAILOVER],
            fig.rpo_rep,
            clock.lead_failover[:, st_b] + fig.failover,
        ),
        (Path.LONGTERM, fig.alive[Path.LONGTERM], fig.rpo_long, np.asarray(restore_lt)),
        (Path.PROTECTION, fig.alive[Path.PROTECTION], fig.rpo_prot, rto_prot),
    ]


@dataclass(frozen=True)
class Windows:
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
) -> Windows:
    """The interval window of every (scenario, copy) pair.

    ``hi`` holds the RPO boundaries (chain, off-site copy), ``lo`` each copy's RTO
    boundary already raised to the shortest allowed interval, and ``alive[k]`` where copy
    ``k`` survives; all with a leading scenario axis.
    """
    h = [np.minimum(x, i_max) for x in hi]
    usable = [alive[k] & (lo[k] <= h[k] + TOL) for k in range(2)]
    los = [np.where(usable[k], lo[k], np.inf) for k in range(2)]
    his = [np.where(usable[k], h[k], -np.inf) for k in range(2)]
    # boundary of the RPO alone (rows infeasible at any interval get it)
    bound = np.maximum(np.where(alive[0], h[0], -np.inf), np.where(alive[1], h[1], -np.inf))
    S = len(rpo_lim)
    per_row = np.ndim(rpo_lim) == 2  # limits per row (S, N)
    return Windows(
        lo=[(los[0][s], los[1][s]) for s in range(S)],
        hi=[(his[0][s], his[1][s]) for s in range(S)],
        rpo_bound=[
            (np.where(np.isfinite(rpo_lim[s]), bound[s], np.inf) if per_row else bound[s])
            if np.isfinite(rpo_lim[s]).any()
            else None
            for s in range(S)
        ],
    )


def solve_interval(
    win: Windows,
    dom: Domain,
    fixed_ok: list[NDArray[np.bool_]],
    i_min: FloatArray,
    i_max: float,
    *,
    rule: str,
    out: FloatArray,
    schedule: FloatArray | None = None,
) -> FloatArray:
    """Longest (or shortest) schedule at which every scenario has a copy meeting the ask.

    The boundary is solved exactly (:func:`solve_boundary`), then moved onto the
    ``schedule`` people run (:func:`on_schedule`; None: the boundary itself). The answer
    is written to ``out``.

    A row's answer depends only on its entry of ``dom`` (its windows and ``i_min``) and
    on which scenarios ``fixed_ok`` meets: the kernel solves a row of each kind
    (:func:`alike_rows`) and spreads the answers.
    """
    possible = solve_boundary(win, dom, fixed_ok, i_min, i_max, rule=rule, out=out)
    if schedule is not None:
        on_schedule(win, dom, fixed_ok, i_min, schedule, possible, rule=rule, out=out)
    return out


def alike_rows(A: Domain, B: Domain, fixed_ok: list[Any]) -> Kinds | None:
    """Rows alike for the interval solve (and for every figure of the interval-dependent
    paths, :data:`~rtocalc._space_paths.INTERVAL_DEPENDENT`): the same entry of ``A`` and
    the same scenarios met whatever the interval (``fixed_ok``, per scenario on ``B``'s
    entries, as :func:`solve_inputs` gives them). None where a domain is on the rows or
    grouping saves little (:meth:`Kinds.of`)."""
    S = len(fixed_ok)
    size = int(np.prod(A.shape)) << S
    if A.code is None or B.code is None or size > KIND_KEYS:
        return None
    # which scenarios are met, as S bits per entry of B, gathered to the rows once
    met = np.zeros(B.shape, np.int64)
    for s, ok in enumerate(fixed_ok):
        met += np.broadcast_to(ok, B.shape).astype(np.int64) << s
    key = A.code << S
    key += B.rows(met)
    return Kinds.of(key, size)


def on_schedule(
    win: Windows,
    dom: Domain,
    fixed_ok: list[NDArray[np.bool_]],
    i_min: FloatArray,
    schedule: FloatArray,
    possible: NDArray[np.bool_],
    *,
    rule: str,
    out: FloatArray,
) -> FloatArray:
    r"""Move each row's solved boundary ``out`` onto the schedules people run.

    ``schedule`` holds the schedules [h], ascending. For the "longest" rule each row
    takes the longest schedule :math:`v \le I^*` (the solved boundary, the supremum of
    the feasible intervals) at which every scenario has a copy meeting the ask, i.e. for
    each scenario ``s`` some copy ``k`` with :math:`lo_{s,k} \le v \le hi_{s,k}`, or a
    path that does not depend on the interval (``fixed_ok``), and which the backup job
    fits (:math:`v \ge I_{min}`, the job's duration). The "shortest" rule takes the
    shortest such :math:`v \ge I^*` (the infimum). A schedule past the boundary is never
    feasible, so the first feasible one, tried in that order, is the answer. Rows where
    no schedule is feasible (the ask cannot be met on a schedule) take the longest
    schedule at most the boundary (the shortest at least it) that the job fits, else
    the shortest that it fits, else the longest schedule: their evaluation then reports
    why. ``possible`` marks the rows where every scenario has a usable copy at some
    interval (only those are searched). The answer is written to ``out``.

    References
    ----------
    Veeam Backup & Replication PowerShell reference, ``VBRPeriodicallyOptions``: a job
    runs every 1, 2, 3, 4, 6, 8, 12 or 24 hours or a number of minutes; the catalog's
    ``[schedules]`` holds the list (docs/decisions.md, "Operable schedules").
    """
    longest = rule == "longest"
    g = out.copy()
    v_all = np.asarray(schedule, dtype=float)
    if longest:  # the schedule just at or below the boundary, and above it
        j = np.searchsorted(v_all, g + TOL, side="right") - 1
    else:
        j = np.searchsorted(v_all, g - TOL, side="left")
    at_j = v_all[np.clip(j, 0, v_all.size - 1)]
    # a boundary on a schedule is its own answer (feasible rows: the best point; the
    # others: their fallback), so only the rows between schedules are searched
    on = (j >= 0) & (j < v_all.size) & (np.abs(at_j - g) <= TOL) & (at_j >= i_min - TOL)
    todo = np.flatnonzero(~on & possible)
    order = range(v_all.size - 1, -1, -1) if longest else range(v_all.size)
    settled = on.copy()
    for k in order:
        if todo.size == 0:
            break
        v = float(v_all[k])
        # candidates: on the right side of the boundary, and the job fits
        side = v <= g[todo] + TOL if longest else v >= g[todo] - TOL
        at = todo[side & (v >= i_min[todo] - TOL)]
        if at.size == 0:
            continue
        good = np.ones(at.size, bool)
        get = dom.at(at)
        for s in range(len(fixed_ok)):
            (l0, l1), (h0, h1) = win.lo[s], win.hi[s]
            ok = (get(l0) <= v + TOL) & (v <= get(h0) + TOL)
            ok |= (get(l1) <= v + TOL) & (v <= get(h1) + TOL)
            ok |= fixed_ok[s][at]
            good &= ok
        out[at[good]] = v
        settled[at[good]] = True
        todo = todo[~settled[todo]]
    # no schedule meets the ask: the fallback (the evaluation says what fails)
    rest = np.flatnonzero(~settled)
    if rest.size:
        fits = v_all[None, :] >= i_min[rest, None] - TOL
        if longest:  # the longest that fits at most the boundary
            pick = fits & (v_all[None, :] <= g[rest, None] + TOL)
            best = v_all.size - 1 - np.argmax(pick[:, ::-1], axis=1)
        else:  # the shortest that fits at least the boundary
            pick = fits & (v_all[None, :] >= g[rest, None] - TOL)
            best = np.argmax(pick, axis=1)
        # else the shortest that fits, else the longest schedule (the job fits none)
        other = np.where(fits.any(axis=1), np.argmax(fits, axis=1), v_all.size - 1)
        out[rest] = v_all[np.where(pick.any(axis=1), best, other)]
    return out


def solve_boundary(
    win: Windows,
    dom: Domain,
    fixed_ok: list[NDArray[np.bool_]],
    i_min: FloatArray,
    i_max: float,
    *,
    rule: str,
    out: FloatArray,
) -> NDArray[np.bool_]:
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
    infeasible). The answer is written to ``out``; the rows where every scenario has a
    usable copy at some interval are returned.
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
    get = dom.at(rows)
    for s in range(S):
        end = get(best[s][0])
        np.copyto(end, -none, where=fixed_ok[s][rows])
        (np.minimum if longest else np.maximum)(guess, end, out=guess)
        far.append(get(best[s][1]))
    settled = np.ones(rows.size, bool)
    edge = guess + TOL if longest else guess - TOL
    for s in range(S):
        ok = far[s] <= edge if longest else edge <= far[s]
        ok |= fixed_ok[s][rows]
        settled &= ok
    # rows where the best candidate's own window does not hold it: every window
    check = np.flatnonzero(~settled)
    if check.size:
        g, at = guess[check], rows[check]
        upper, lower = g + TOL, g - TOL
        good = np.ones(check.size, bool)
        get = dom.at(at)
        for s in range(S):
            (l0, l1), (h0, h1) = win.lo[s], win.hi[s]
            ok = (get(l0) <= upper) & (lower <= get(h0))
            ok |= (get(l1) <= upper) & (lower <= get(h1))
            ok |= fixed_ok[s][at]
            good &= ok
        settled[check[good]] = True
    out[rows[settled]] = guess[settled]
    settled_rows = rows[settled]
    settled = np.zeros(n, bool)
    settled[settled_rows] = True
    if settled.all():
        return possible
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
        return possible
    # (2S, R) windows of the rows left, pair j = (scenario j // 2, copy j % 2)
    get = dom.at(rows)
    lo = np.stack([get(x) for pair in win.lo for x in pair])
    hi = np.stack([get(x) for pair in win.hi for x in pair])
    fixed = np.stack([f[rows] for f in fixed_ok])  # (S, R)
    # candidates in the order they are tried, best first: (K, R)
    if longest:
        cand = -np.sort(-np.concatenate([np.full((1, rows.size), i_max), hi]), axis=0)
    else:
        cand = np.sort(np.concatenate([i_min[None, rows], lo]), axis=0)
    todo = np.arange(rows.size)
    for k in range(cand.shape[0]):
        i_k = cand[k, todo]
        within = (lo[:, todo] <= i_k + TOL) & (i_k <= hi[:, todo] + TOL)
        within = within.reshape(S, 2, -1).any(axis=1)
        good = (fixed[:, todo] | within).all(axis=0) & np.isfinite(i_k)
        out[rows[todo[good]]] = i_k[good]
        todo = todo[~good]
        if todo.size == 0:
            break
    return possible

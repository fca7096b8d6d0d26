"""An evaluation of a space: every metric of every row, and row subsets of it.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import _space_protection as _protection
from . import cost, physics
from ._space_design import DesignSpace
from ._space_paths import PER_SCENARIO_FIGURES, Clock, Path, PathFigures, path_rto
from ._space_tables import FloatArray, IntArray

if TYPE_CHECKING:
    from ._space_figures import Kinds


@dataclass(frozen=True)
class Fastest:
    """Each recovery path's fastest recovery over the rows, per scenario: what an
    explanation of an impossible RTO reads (:meth:`Evaluation.fastest_paths`).

    ``rto[p, s]`` is the least RTO of path ``p`` in scenario ``s`` over the rows where its
    copy survives [h] (``inf`` where it survives in none), ``row[p, s]`` the first row
    reaching it (0 where none survives): the per-path minimum and ``argmin`` of
    :meth:`Evaluation.rto_in`, without the (P, N) array per scenario.
    """

    rto: FloatArray  # (P, S) [h]
    row: IntArray  # (P, S)

    @staticmethod
    def of_rows(rto: FloatArray) -> tuple[float, int]:
        """The least value of one path's (N,) RTOs, inf where its copy does not survive,
        and its first row (0 where all are inf: ``argmin``'s answer)."""
        i = int(np.argmin(rto)) if rto.size else 0
        return (float(rto[i]) if rto.size else np.inf), i


@dataclass
class Evaluation:
    """Every metric of every row of a space.

    Rows are always the last axis (``N`` rows, ``S`` scenarios, ``P`` recovery paths in
    the order of :class:`Path`), so reductions over paths and scenarios run over leading
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
    restore_cost: FloatArray  # (S, N) [currency] provider charges of each scenario's recovery
    purchases: FloatArray  # (N,) [currency] one-off purchases, before amortisation
    paths: PathFigures  # per-row figures of the recovery paths
    #: each path's fastest recovery per scenario, when the kernel was asked to keep it
    #: (``evaluate_space(fastest=True)``); None: :meth:`fastest_paths` computes it
    fastest: Fastest | None = None
    #: False where the kernel left out the costs (``evaluate_space(priced=False)``):
    #: ``outlay``, ``eal``, ``tco``, ``restore_cost`` and ``purchases`` are then nan and
    #: ``breakdown`` and ``storage`` empty
    priced: bool = True
    #: each path's kinds of rows (alike in every figure its RTO reads), where the kernel
    #: grouped them: :meth:`rto_of` then computes the path's RTO once per kind and
    #: spreads it (the same values). Not an output: dropped when rows are taken or
    #: gathered.
    _kinds: dict[int, Kinds] | None = None

    def fastest_paths(self) -> Fastest:
        """Each path's fastest recovery over the rows per scenario (:class:`Fastest`):
        kept by the kernel when asked, else computed from :meth:`rto_in`."""
        if self.fastest is not None:
            return self.fastest
        P, S = self.paths.alive.shape[:2]
        rto = np.full((P, S), np.inf)
        row = np.zeros((P, S), np.int64)
        for s in range(S):
            rto_s = self.rto_in(s)  # (P, N)
            if rto_s.shape[1]:  # as Fastest.of_rows, every path at once
                row[:, s] = rto_s.argmin(axis=1)
                rto[:, s] = rto_s[np.arange(P), row[:, s]]
        return Fastest(rto, row)

    def rto_of(
        self, path: int, scenarios: Any = slice(None), *, replay: bool = True
    ) -> FloatArray:
        """(S, N) RTO of one path in the given scenarios [h], whether its copy survives or not.

        Detection plus the failover time, or detection plus provisioning plus the restore
        time (:func:`rtocalc.physics.rto_restore`, summed in this order by the kernel too).
        ``scenarios`` indexes the scenario axis (a slice or a sequence of indices);
        ``replay=False`` leaves out the chain replay (:func:`path_rto`). Where the kernel
        grouped the path's rows by kind, it is computed per kind and spread.
        """
        if isinstance(scenarios, int | np.integer):
            scenarios = [scenarios]
        kinds = None if self._kinds is None else self._kinds.get(int(path))
        if kinds is None:
            return path_rto(self.paths, path, scenarios, replay=replay)
        # the figures of a row of each kind, taken once per kinds (a memo, not a field)
        memo: dict[int, tuple[Kinds, PathFigures]] = vars(self).setdefault("_by_kind", {})
        hit = memo.get(id(kinds))
        if hit is None or hit[0] is not kinds:
            hit = memo[id(kinds)] = (kinds, self.paths.for_rto(kinds.first))
        return np.asarray(kinds.spread(path_rto(hit[1], path, scenarios, replay=replay)))

    def provisioning(self, scenarios: Any = slice(None)) -> FloatArray:
        """(S, N) provisioning time of a restore in the given scenarios [h].

        It depends on the scenario and the row's strategy only (the kernel keeps it per
        strategy, :class:`Clock`).
        """
        clock: Clock = self.paths.clock
        return np.asarray(clock.provisioning[scenarios][:, self.space.strategy])

    def rpo_mean_of(self, row: int) -> FloatArray:
        """(S,) mean-case RPO of one row's chosen path in each scenario [h] (inf: none survives).

        The mean case of :func:`rtocalc.physics.rpo_backup` for the chain and the off-site
        copy, half a GFS period less for long-term points, the replica's RPO as it is,
        half its interval less for a protection mechanism;
        computed for the row alone (it is only ever reported for the rows shown), by the
        same operations the worst case takes.
        """
        x = self.paths
        interval, t_b = self.interval[row], self.backup_duration[row]
        t_off = t_b + physics.transfer_time(x.inc[row], x.rc[row])
        mean = {
            Path.FAILOVER: self.rpo_rows[Path.FAILOVER, row],
            Path.PRIMARY: physics.rpo_backup(interval, t_b, case="mean"),
            Path.OFFSITE: physics.rpo_backup(interval, t_off, x.lag[row], case="mean"),
            Path.LONGTERM: self.rpo_rows[Path.LONGTERM, row] - x.gfs_half
            if x.gfs_half
            else self.rpo_rows[Path.LONGTERM, row],
            # points every interval: on average half an interval is lost (as for backups)
            Path.PROTECTION: _protection.mean_rpo(
                x.catalog, int(x.protection[row]), float(self.rpo_rows[Path.PROTECTION, row])
            ),
        }
        means = np.array([mean[p] for p in Path], dtype=float)
        rpo = means[self.path[:, row]]
        rpo[~x.alive[:, :, row].any(axis=0)] = np.inf
        return np.asarray(rpo, dtype=float)

    def eal_mean_of(self, row: int, rpo_mean: FloatArray | None = None) -> float:
        """Expected annual loss of one row with mean-case RPOs [currency/year].

        :func:`rtocalc.cost.expected_annual_loss` per scenario, summed in scenario order
        as the kernel sums :attr:`eal`; the mean case is only ever reported for the rows
        shown, so it is computed for them alone. ``rpo_mean``: :meth:`rpo_mean_of` of the
        row, when the caller has it.
        """
        rates = self.paths.rates
        dc, lc = self.paths.costs
        loss = cost.expected_annual_loss(
            rates,
            self.rto[:, row],
            self.rpo_mean_of(row) if rpo_mean is None else rpo_mean,
            dc,
            lc,
            incident_cost=self.restore_cost[:, row],
            axis=None,
        )
        total = 0.0
        for x in np.asarray(loss, dtype=float):
            total += x
        return total

    def rto_worst_of(self, row: int, shares: Sequence[float]) -> FloatArray:
        """(S,) RTO of one row after each scenario's worst incident [h] (inf: none survives).

        The fastest surviving path when the incident touches ``shares`` of the data (the
        scenarios' ``share_worst``) and containment takes the worst incident's
        (``Clock.containment_worst``); computed for the row alone, as it is only reported
        for the rows shown.
        """
        x = self.paths.for_rto(np.array([row]))  # the row's figures the RTOs read
        x = replace(x, clock=x.clock.worst(shares))
        S = len(shares)
        rto = np.stack([path_rto(x, p, list(range(S)))[:, 0] for p in Path])
        rto[~self.paths.alive[:, :, row]] = np.inf
        return np.asarray(rto.min(axis=0), dtype=float)

    def rto_in(self, scenario: int) -> FloatArray:
        """(P, N) RTO of every path in one scenario [h], inf where its copy does not survive."""
        alive = self.paths.alive[:, scenario]
        rto = np.full(alive.shape, np.inf)
        for p in Path:  # a path whose copy survives in no row is inf throughout
            if alive[p].any():
                rto[p] = self.rto_of(p, [scenario])[0]
        rto[~alive] = np.inf
        return rto


class Arena:
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


def path_clock(ev: Evaluation, row: int, s: int, path: int) -> dict[str, float]:
    """The parts of one path's RTO for one row in scenario ``s``, in order [h].

    Keys: ``detection``, ``decision``, ``health_check`` (automatic failover, in place of
    both), ``containment`` (ransomware: before any recovery), ``failover``; for the
    protection mechanism ``provisioning``, ``scan``, ``revert`` (a volume revert,
    failover or rewind), or ``mount`` and ``transfer`` (an item restore), and
    ``log_replay`` (the database log applied); for a restore ``provisioning``, ``scan``
    (the clean-point scan of the restore point, where the intrusion preceded the damage),
    ``retrieval``, ``transfer`` (moving the scenario's share of the data), ``replay``
    (its share of the chain) or, where instant recovery serves first,
    ``instant_recovery`` (the transfer and replay then complete behind it:
    ``restore_complete`` gives when). Zero parts are left out except detection. The
    parts add up to :func:`path_rto` (up to rounding).
    """
    x = ev.paths
    clock: Clock = x.clock
    st = int(ev.space.strategy[row])
    parts: dict[str, float] = {}
    path = Path(path)
    if path == Path.FAILOVER:
        if x.automatic[row]:
            parts["health_check"] = float(clock.lead_failover[s, st])
        else:
            parts["detection"] = float(clock.detection[s])
            parts["decision"] = float(clock.decision[s])
        parts["containment"] = float(clock.containment[s])
        parts["failover"] = float(x.failover[row])
        return {k: v for k, v in parts.items() if v or k == "detection"}
    if path == Path.PROTECTION:
        k = int(x.protection[row])
        prov = float(clock.instant_provisioning[s, st])
        parts.update(
            _protection.clock_parts(
                x.catalog,
                k,
                float(clock.share[s]),
                float(x.data_size[row]),
                float(x.daily_change[row]),
                float(clock.detection[s]),
                float(clock.decision[s]),
                prov,
                float(clock.containment[s]),
                float(clock.scan(s, float(x.data_size[row]))),
            )
        )
        return {k: v for k, v in parts.items() if v or k == "detection"}
    def at_row(value: Any) -> float:
        return float(value[row] if np.ndim(value) else value)

    share = float(clock.share[s])
    home = bool(clock.home[s])  # the data moves to the systems on premises
    move = share * at_row((x.transfer_home if home else x.transfer)[path])
    replay = share * at_row((x.replay_home if home else x.replay)[path])
    retr = float(x.retrieval[path][row])
    parts["detection"] = float(clock.detection[s])
    parts["decision"] = float(clock.decision[s])
    parts["containment"] = float(clock.containment[s])
    scan = float(clock.scan(s, at_row(x.data_size)))
    restore = float(clock.provisioning[s, st]) + retr + (move + replay)
    instant = float(x.instant[path][row]) + float(clock.instant_provisioning[s, st])
    if instant < restore:
        parts["provisioning"] = float(clock.instant_provisioning[s, st])
        parts["scan"] = scan
        parts["instant_recovery"] = float(x.instant[path][row])
        parts["restore_complete"] = float(clock.manual[s]) + scan + restore
    else:
        parts["provisioning"] = float(clock.provisioning[s, st])
        parts["scan"] = scan
        parts["retrieval"] = retr
        parts["transfer"] = move
        parts["replay"] = replay
    return {k: v for k, v in parts.items() if v or k == "detection"}


#: Evaluation fields that are per scenario: kept whole when rows are taken or gathered
PER_SCENARIO = frozenset({"rpo_limit", "rto_limit"})


def take_rows(ev: Evaluation, rows: IntArray | slice) -> Evaluation:
    """The evaluation of the given rows only (per-scenario fields kept whole).

    ``rows`` is an index array (the columns are copied) or a slice (they are views of
    ``ev``'s: neither may then be written to).
    """

    def sub(name: str, value: Any) -> Any:
        if name in ("fastest", "_kinds"):  # of all rows: not of a subset
            return None
        if name in PER_SCENARIO:
            return value
        if isinstance(value, PathFigures):
            return value.map(lambda v: v[..., rows])
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


def _placed(values: list[Any], where: list[IntArray], n: int, arena: Arena | None = None) -> Any:
    """The parts' values scattered along the row axis (the last) to positions ``where``."""
    first = np.asarray(values[0])
    shape = (*first.shape[:-1], n)
    out = np.empty(shape, first.dtype) if arena is None else arena.empty(shape, first.dtype)
    for value, pos in zip(values, where, strict=True):
        out[..., pos] = value
    return out


def _gather_fastest(values: list[Fastest | None], where: list[IntArray]) -> Fastest | None:
    """The parts' :class:`Fastest` summaries as one of the union (None unless every part
    has one): the least RTO over the parts, ties to the first position in the union,
    position 0 where no copy survives, as :meth:`Evaluation.fastest_paths` of the union
    gives."""
    if any(v is None for v in values):
        return None
    rto = np.full(values[0].rto.shape, np.inf)  # type: ignore[union-attr]
    row = np.zeros(rto.shape, np.int64)
    for value, pos in zip(values, where, strict=True):
        assert value is not None
        at = pos[value.row] if pos.size else np.zeros_like(value.row)
        better = (value.rto < rto) | ((value.rto == rto) & (at < row))
        rto = np.where(better, value.rto, rto)
        row = np.where(better, at, row)
    return Fastest(rto, np.where(np.isinf(rto), 0, row))


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
    priced = all(ev.priced for ev in evs)  # else the cost columns hold nan in places
    columns = (
        "target", "scheme", "offsite", "longterm", "replication", "link", "strategy", "protection"
    )

    def gather(name: str, values: list[Any], arena: Arena | None) -> Any:
        """The gathered value, or (arena None) the bytes it needs."""
        first = values[0]
        if name == "fastest":
            return 0 if arena is None else _gather_fastest(values, where)
        if name == "_kinds":  # of each part's rows: not of the union
            return 0 if arena is None else None
        if name == "priced":
            return 0 if arena is None else priced
        if name in ("breakdown", "storage") and not priced:  # a part without costs
            return 0 if arena is None else {}
        if isinstance(first, PathFigures):  # per-scenario figures from the first part
            items: dict[str, Any] = {
                f.name: (0 if arena is None else getattr(first, f.name))
                if f.name in PER_SCENARIO_FIGURES
                else gather(f.name, [getattr(v, f.name) for v in values], arena)
                for f in fields(PathFigures)
            }
            return sum(items.values()) if arena is None else PathFigures(**items)
        if name in PER_SCENARIO or not isinstance(first, dict | np.ndarray):
            return 0 if arena is None else first
        if isinstance(first, dict):
            items = {k: gather(k, [v[k] for v in values], arena) for k in first}
            return sum(items.values()) if arena is None else items
        if arena is None:
            return Arena.size((*first.shape[:-1], n), first.dtype)
        return _placed(values, where, n, arena)

    def place(arena: Arena | None) -> Any:
        fields = {f: gather(f, [getattr(ev, f) for ev in evs], arena) for f in names}
        cols = {c: gather(c, [getattr(s, c) for s in spaces], arena) for c in columns}
        iv = None if intervals[0] is None else gather("interval", intervals, arena)
        if arena is None:
            return sum(fields.values()) + sum(cols.values()) + (iv or 0)
        fields["space"] = DesignSpace(keys=spaces[0].keys, **cols, interval=iv)
        return Evaluation(**fields)

    return place(Arena(place(None)))  # type: ignore[no-any-return]

"""Recovery paths as units: their names, the outage clock, and one RTO function each.

A recovery path is a way a scenario is recovered: failing over to a replica, or restoring
from one of the backup copies. Each is a member of :class:`Path`; the kernel
(:mod:`rtocalc._space_kernel`) chooses among them per scenario and row from figures that
come from one place per path (rpo, survival, :func:`path_rto`, whether it depends on the
backup interval), so adding a path is adding a member here, its RTO function in
:data:`RTO_OF`, and its figures: the choosing code does not change.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _space_protection as _protection
from . import cost, physics, ransomware
from ._space_design import DesignSpace
from ._space_tables import LOC, FloatArray, IntArray, Tables, gfs_home
from .models import BusinessImpact, Catalog, IsolatedRecovery


class Path(IntEnum):
    """Recovery paths, in tie-break order (an earlier path wins a tie).

    The values index the leading path axis of every per-path array (``rpo_rows``,
    ``alive``); :data:`NO_PATH` (one past the last member) stands for "no copy survives".
    """

    FAILOVER = 0  #: fail over to the replica (standby strategies)
    PRIMARY = 1  #: restore from the chain on the primary target
    OFFSITE = 2  #: restore from the off-site copy of the chain
    LONGTERM = 3  #: restore from a long-term (GFS) point
    PROTECTION = 4  #: the design's protection mechanism (snapshots, journal, database)

    @property
    def label(self) -> str:
        """The path's name in plans and explanations (:data:`PATHS`)."""
        return _LABELS[self]


_LABELS = {
    Path.FAILOVER: "failover",
    Path.PRIMARY: "restore:primary",
    Path.OFFSITE: "restore:offsite",
    Path.LONGTERM: "restore:longterm",
    Path.PROTECTION: "protection",
}

#: Recovery path names, in tie-break order (index = :class:`Path` value).
PATHS: tuple[str, ...] = tuple(p.label for p in Path)
#: the "no copy survives" sentinel of the kernel's choice (one past the last path)
NO_PATH: int = len(Path)
#: paths restored from a backup copy (:func:`restore_rto`), with per-path read figures
RESTORES: tuple[Path, ...] = (Path.PRIMARY, Path.OFFSITE, Path.LONGTERM)
#: paths whose RPO and chain replay depend on the backup interval (the interval solve
#: gives them windows, :mod:`rtocalc._space_interval`); every other path is met or not
#: whatever the interval
INTERVAL_DEPENDENT: frozenset[Path] = frozenset({Path.PRIMARY, Path.OFFSITE})

#: the tiers of :func:`order_key`: the path meets both limits; it only survives; its copy
#: does not survive (or its score is not a number), the largest key of all
MEETS, SURVIVES, DEAD = np.uint64(0), np.uint64(1 << 63), np.uint64((1 << 64) - 1)
#: each tier's bits, by ``survives + meets`` (0 dead, 1 survives, 2 meets)
_TIER_BITS = np.array([DEAD, SURVIVES, MEETS], np.uint64)


def order_key(
    rto: FloatArray,
    loss: FloatArray | None,
    rto_limit: Any,
    rpo_ok: NDArray[np.bool_],
    alive: Any,
    w_down: float,
) -> NDArray[np.uint64]:
    """How well a recovery path serves a scenario, one unsigned integer per entry (smaller
    is better): what the kernel compares to choose a path.

    The kernel's rule (docs/model.md section 6): among the paths whose copy survives, the one
    that meets both limits with the least score, else the one with the least score, where

    .. math:: score = w_d \\, RTO + w_l \\, RPO

    with :math:`w_d` the downtime and :math:`w_l` the data-loss cost per hour (currency/h;
    1 and 1 without costs), RTO and RPO in hours; ``loss`` is :math:`w_l RPO` (None for
    :math:`w_l = 0`, which ignores the term). The key orders (tier, score)
    lexicographically in one comparison:

    .. math:: key = \\begin{cases} bits(score) & \\text{meets both limits} \\\\
              2^{63} + bits(score) & \\text{survives only} \\\\
              2^{64} - 1 & \\text{does not survive, or the score is NaN} \\end{cases}

    where :math:`bits` reads the IEEE 754 double as an unsigned 64-bit integer. For a
    non-negative double (scores are: costs, hours and weights are) those bits are below
    :math:`2^{63}` and order as the numbers do, infinity included, so keys compare as
    (tier, score) pairs. The kernel takes the paths in :class:`Path` order and keeps a
    path only where its key is strictly smaller, so ties go to the earlier path. A NaN
    score compares with nothing, so such a path is never chosen, as a dead one.

    Parameters
    ----------
    rto : ndarray
        The path's RTO per entry (rows, or kinds of rows) [h].
    loss : ndarray or None
        :math:`w_l` times the path's RPO per entry [currency], or None.
    rto_limit : float or ndarray
        The scenario's RTO limit plus the tolerance [h] (per entry, or one).
    rpo_ok : ndarray of bool
        Whether the path's RPO meets the scenario's limit, per entry.
    alive : bool or ndarray of bool
        Whether the path's copy survives the scenario, per entry.
    w_down : float
        :math:`w_d` [currency/h]; 0 ignores the term.

    Returns
    -------
    ndarray of uint64

    References
    ----------
    .. [1] IEEE Std 754-2019, *IEEE Standard for Floating-Point Arithmetic*, section 3.4
       (binary interchange formats: sign, then biased exponent, then significand, so the
       encodings of non-negative numbers are ordered as their values).
    """
    rto = np.asarray(rto, dtype=float)
    score = rto * w_down if w_down else np.zeros(rto.shape)
    if loss is not None:
        score += loss
    score += 0.0  # a -0.0 (sign bit set) becomes +0.0; every other value is unchanged
    meets = rto <= rto_limit
    meets &= rpo_ok
    meets &= alive
    tier = np.add(meets, alive, dtype=np.int8)
    key: NDArray[np.uint64] = _TIER_BITS.take(tier)
    key |= score.view(np.uint64)
    nan = np.isnan(score)
    if nan.any():
        key[nan] = DEAD
    return key


@dataclass(frozen=True, eq=False)
class Clock:
    """The parts of the outage clock per scenario (DESIGN.md section 10).

    ``manual[s]`` comes before any manual recovery in scenario ``s``: detection and a
    person's decision. ``provisioning[s, st]`` comes before a restore with strategy
    ``st``, ``instant_provisioning[s, st]`` before an instant recovery (none where the
    production compute survives: logical damage, a storage failure).
    ``lead_failover[s, st]`` comes before a failover: the manual lead, or the health
    checks of an automatic strategy. ``share[s]`` is the share of the data the incident
    checked against touches. ``containment[s]`` (ransomware: containment, forensics, a
    clean environment) comes after the decision and before any restore; ``manual``
    includes it. ``scan_rate[s]`` scans the restore point where the intrusion preceded
    the damage (``inf``: no scan; :func:`scan_time`). ``home[s]``: a restore in scenario
    ``s`` brings the data back to the systems on premises (:data:`HOME_SCOPES`), read
    through the link from a cloud copy whatever the strategy.
    """

    detection: FloatArray  # (S,) [h]
    decision: FloatArray  # (S,) [h]
    manual: FloatArray  # (S,) [h] detection + decision + containment
    share: FloatArray  # (S,) [-]
    containment: FloatArray  # (S,) [h]
    containment_worst: FloatArray  # (S,) [h] the worst incident's
    dwell: FloatArray  # (S,) [h]
    scan_rate: FloatArray  # (S,) [GB/h], inf: no scan
    provisioning: FloatArray  # (S, strategies) [h]
    instant_provisioning: FloatArray  # (S, strategies) [h]
    lead_failover: FloatArray  # (S, strategies) [h]
    compute_lives: NDArray[np.bool_]  # (S,) production compute survives
    #: (S,) a restore goes to the systems on premises, which run on (:data:`HOME_SCOPES`)
    home: NDArray[np.bool_]
    #: :meth:`scan` per data size (not an init field: a replaced clock starts empty)
    _scans: dict[float, FloatArray] = field(default_factory=dict, init=False, repr=False)

    def scan(self, scenarios: Any, data_size: Any) -> Any:
        """:func:`scan_time` of the given scenarios at this clock's own shares, for one
        ``data_size``, computed once per size for every scenario (the same operations on
        the same numbers); per-row sizes are computed as they come."""
        if np.ndim(data_size):
            share = self.share[scenarios]
            share = share[:, None] if np.ndim(share) else share
            return scan_time(self, scenarios, share, data_size)
        size = float(data_size)
        every = self._scans.get(size)
        if every is None:
            every = self._scans[size] = scan_time(self, slice(None), self.share, size)
        return every[scenarios]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Clock):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f), getattr(other, f))
            for f in self.__dataclass_fields__
            if not f.startswith("_")  # a memo
        )

    __hash__ = None  # type: ignore[assignment]

    def worst(self, shares: Any) -> Clock:
        """This clock for each scenario's worst incident: ``shares`` of the data touched
        and the worst incident's containment."""
        extra = self.containment_worst - self.containment
        return replace(
            self,
            share=np.asarray(shares, dtype=float),
            containment=self.containment_worst,
            manual=self.manual + extra,
            lead_failover=self.lead_failover + extra[:, None],
        )

    @classmethod
    def of(
        cls,
        impact: BusinessImpact,
        catalog: Catalog,
        incident: str,
        tab: Tables,
        isolated: IsolatedRecovery | None = None,
    ) -> Clock:
        """The clock of ``impact``'s scenarios; ``isolated`` (an isolated recovery
        environment) shortens containment and provisioning after ransomware."""
        scen = impact.scenarios
        det = np.array([x.detection for x in scen], dtype=float)
        dec = np.array([x.decision for x in scen], dtype=float)
        worst = incident == "worst"
        share = np.array([x.share_worst if worst else x.share for x in scen], dtype=float)
        cont = np.array([x.containment_for(worst, isolated) for x in scen], dtype=float)
        cont_worst = np.array([x.containment_for(True, isolated) for x in scen], dtype=float)
        dwell = np.array([x.dwell for x in scen], dtype=float)
        scan = np.array(
            [np.inf if x.scan_rate is None else x.scan_rate for x in scen], dtype=float
        )
        n_st = len(catalog.strategies)
        # provisioning (S, strategies): none after logical damage, the strategy's after a
        # loss of infrastructure, a new environment (restore strategy) after a regional
        # disaster, except where the strategy recovers into the cloud (its region lies
        # outside, its compute is provisioned there on demand); an instant recovery needs
        # none where production compute survives
        prov = np.empty((len(scen), n_st))
        compute_lives = np.array([x.scope in COMPUTE_LIVES for x in scen])
        for s, x in enumerate(scen):
            if x.scope == "region":
                prov[s] = np.where(
                    tab.in_cloud[:n_st],
                    tab.provisioning[:n_st],
                    catalog.strategies["restore"].provisioning_time,
                )
            elif x.scope in COMPUTE_LIVES and x.scope != "logical":
                # production compute survives: recovery stays on premises, so a strategy
                # that recovers into the cloud provisions as the restore strategy does
                prov[s] = np.where(
                    tab.in_cloud[:n_st],
                    catalog.strategies["restore"].provisioning_time,
                    tab.provisioning[:n_st],
                )
            else:
                prov[s] = tab.provisioning[:n_st] if x.scope != "logical" else 0.0
            if isolated is not None and x.scope == "ransomware":  # restores go to the clean room
                prov[s] = np.minimum(prov[s], isolated.provisioning_time)
        # the lead of a failover (its failover time is added per row); containment comes
        # before any recovery, an automatic one included
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
            manual=det + dec + cont,
            share=share,
            containment=cont,
            containment_worst=np.maximum(cont_worst, cont),
            dwell=dwell,
            scan_rate=scan,
            provisioning=prov,
            instant_provisioning=np.where(compute_lives[:, None], 0.0, prov),
            lead_failover=np.asarray(lead_f, dtype=float) + cont[:, None],
            compute_lives=compute_lives,
            home=np.array([x.scope in HOME_SCOPES for x in scen]),
        )


def scan_time(clock: Clock, scenarios: Any, share: Any, data_size: Any) -> FloatArray:
    """Scanning the restore point in the given scenarios [h]
    (:func:`rtocalc.ransomware.clean_point_time`): ``share`` of ``data_size`` at the
    scenario's scan rate where its intrusion preceded the damage; shapes as ``share``
    times ``data_size`` broadcast (a leading scenario axis where ``share`` has one)."""
    rate = np.asarray(clock.scan_rate[scenarios], dtype=float)
    dwell = np.asarray(clock.dwell[scenarios], dtype=float)
    if np.ndim(share):
        rate, dwell = rate.reshape(np.shape(share)), dwell.reshape(np.shape(share))
    return np.asarray(ransomware.clean_point_time(share, data_size, rate, dwell), dtype=float)


#: scopes in which the production compute survives (logical damage, a storage failure):
#: an instant recovery runs there without provisioning
COMPUTE_LIVES = frozenset({"logical", "hardware"})

#: scopes in which production runs on and a restore brings the damaged data back to it,
#: on premises, whatever the strategy (through the link from a cloud copy, nothing run in
#: the cloud): logical damage (a deleted folder goes back to the file server: Veeam
#: PowerShell Reference, Restore-VBRUnstructuredBackupFLRItem, "restores specific files
#: and folders ... to original file shares", helpcenter.veeam.com, 2026-08-20). A storage
#: failure is not one: a strategy that recovers into the cloud reads a cloud copy in the
#: region there, after the restore strategy's provisioning (docs/limits.md).
HOME_SCOPES = frozenset({"logical"})


def at_home(home: Any, home_value: Any, value: Any) -> Any:
    """``home_value`` where ``home`` (the scenario's restore goes to the systems on
    premises: :data:`HOME_SCOPES`), else ``value``: the figure of a restore from a copy
    where the systems run. Broadcasts as :func:`numpy.where`; returns ``value`` itself
    where no scenario is at home or both figures are one object."""
    if home_value is value or not np.any(home):
        return value
    return np.where(home, home_value, value)


#: PathFigures fields that are per scenario (or scalars): kept whole when rows are taken
PER_SCENARIO_FIGURES = frozenset({"clock", "rates", "costs", "gfs_half", "catalog"})


@dataclass(frozen=True, slots=True, eq=False)
class PathFigures:
    """The per-row figures of an evaluation's recovery paths (``Evaluation.paths``).

    Rows are the last axis of every array; per-path figures are dicts keyed by
    :class:`Path` (e.g. ``ev.paths.transfer[Path.PRIMARY]``), ``alive`` has a leading
    path axis in :class:`Path` order. :func:`path_rto` reads a path's RTO from these, so
    the kernel and every explanation agree.
    """

    strategy: IntArray  # (N,) strategy index
    automatic: NDArray[np.bool_]  # (N,) the strategy fails over by itself
    failover: FloatArray  # (N,) [h] the strategy's failover time
    provisioning: FloatArray  # (S, N) [h] before a restore
    clock: Clock  # the parts of the outage clock per scenario
    read: dict[Path, FloatArray]  # restore path -> (N,) read rate [GB/h]
    retrieval: dict[Path, FloatArray]  # restore path -> (N,) retrieval delay [h]
    replay: dict[Path, Any]  # restore path -> (N,) chain replay of the whole data [h] (or 0)
    transfer: dict[Path, FloatArray]  # restore path -> (N,) moving the whole data [h]
    move: dict[Path, FloatArray]  # restore path -> (N,) transfer plus replay [h]
    #: the same four where the restore goes to the systems on premises (HOME_SCOPES: a
    #: cloud copy is read through the link whatever the strategy); the same arrays where
    #: no row differs
    read_home: dict[Path, FloatArray]
    replay_home: dict[Path, Any]
    transfer_home: dict[Path, FloatArray]
    move_home: dict[Path, FloatArray]
    instant: dict[Path, FloatArray]  # restore path -> (N,) instant recovery [h], inf: none
    alive: NDArray[np.bool_]  # (P, S, N) the path's copy survives the scenario
    replay_n: FloatArray  # (N,) increments replayed after the full
    inc: FloatArray  # (N,) [GB] one increment
    rc: FloatArray  # (N,) [GB/h] off-site copy rate (inf: none)
    lag: FloatArray  # (N,) [h] off-site copy lag
    traffic: FloatArray  # (N,) [GB/h] average WAN traffic
    gfs_half: float  # [h] half the finest GFS period (0 without GFS)
    rates: FloatArray  # (S,) [1/year] scenario rates
    costs: tuple[float, float]  # downtime [currency/h], data loss [currency/h]
    protection: IntArray  # (N,) the design's protection mechanism, -1: none
    catalog: Catalog  # whose protection entries ``protection`` indexes
    data_size: FloatArray  # (N,) [GB] the data at the horizon
    daily_change: FloatArray  # (N,) [1/day]

    def __eq__(self, other: object) -> bool:
        """Equal when every figure is, bit for bit (arrays: shape, dtype and bytes)."""
        if not isinstance(other, PathFigures):
            return NotImplemented

        def same(x: Any, y: Any) -> bool:
            if isinstance(x, dict):
                return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
            if isinstance(x, np.ndarray):
                return (
                    isinstance(y, np.ndarray)
                    and x.shape == y.shape
                    and x.dtype == y.dtype
                    and x.tobytes() == y.tobytes()
                )
            return bool(x == y)

        return all(same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    __hash__ = None  # type: ignore[assignment]

    def map(self, fn: Callable[[Any], Any]) -> PathFigures:
        """These figures with ``fn`` applied to every per-row array (per-scenario kept)."""
        fn = _shared(fn)
        return PathFigures(
            **{
                f.name: getattr(self, f.name)
                if f.name in PER_SCENARIO_FIGURES
                else _each_array(getattr(self, f.name), fn)
                for f in fields(self)
            }
        )

    def for_rto(self, rows: IntArray) -> PathFigures:
        """The figures :data:`RTO_READS` of the given rows, for the RTO functions only:
        every other per-row figure is left as it is, for all rows."""

        def take(a: Any) -> Any:
            return a.take(rows, axis=-1)

        once = _shared(take)
        return replace(self, **{name: _each_array(getattr(self, name), once) for name in RTO_READS})

    def arrays(self) -> list[Any]:
        """Every per-row array, in field order (what :meth:`map` transforms)."""
        out: list[Any] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in PER_SCENARIO_FIGURES:
                continue
            for v in value.values() if isinstance(value, dict) else (value,):
                if isinstance(v, np.ndarray):
                    out.append(v)
        return out


def _shared(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn`` applied once per array object: arrays that two figures share (the figures
    on premises where no row differs) stay one object in the result."""
    done: dict[int, tuple[Any, Any]] = {}

    def once(a: Any) -> Any:
        hit = done.get(id(a))
        if hit is None:
            hit = done[id(a)] = (a, fn(a))  # the input is kept so that its id stays its own
        return hit[1]

    return once


def _each_array(value: Any, fn: Callable[[Any], Any]) -> Any:
    """``fn`` applied to an array, or to each array of a dict of them; others as they are."""
    if isinstance(value, dict):
        return {k: _each_array(v, fn) for k, v in value.items()}
    return fn(value) if isinstance(value, np.ndarray) else value


def failover_rto(
    x: PathFigures, path: Path, scenarios: Any, *, replay: bool = True
) -> FloatArray:
    """RTO of a failover [h]: its lead (detection and a person's decision, or an
    automatic strategy's health checks: :func:`rtocalc.physics.rto_failover`) plus the
    strategy's failover time. ``replay`` does not apply (no chain)."""
    lead = x.clock.lead_failover[scenarios]
    lead = lead.take(x.strategy, axis=-1)  # (N,) or (S', N)
    return np.asarray(lead + x.failover, dtype=float)


def restore_rto(
    x: PathFigures, path: Path, scenarios: Any, *, replay: bool = True
) -> FloatArray:
    """RTO of a restore from ``path``'s copy [h]: its lead (detection, decision,
    provisioning) plus moving the scenario's share of the data, or instant recovery where
    its copy allows it (:func:`rtocalc.physics.rto_restore`). ``replay=False`` leaves
    out the chain replay."""
    clock = x.clock
    share = np.asarray(clock.share[scenarios], dtype=float)
    manual = np.asarray(clock.manual[scenarios], dtype=float)
    prov = x.provisioning[scenarios]
    instant: Any = x.instant[path]
    if not instant.size or instant.min() == np.inf:  # no row can run from its backup files
        instant = np.inf
    elif share.ndim:
        instant = instant + np.where(clock.compute_lives[scenarios][:, None], 0.0, prov)
    elif not clock.compute_lives[scenarios]:  # an instant recovery needs provisioning
        instant = instant + prov
    size = one_value(x.data_size)
    scan = clock.scan(scenarios, size)
    home = clock.home[scenarios]
    if share.ndim:
        share, manual, home = share[:, None], manual[:, None], home[:, None]
        if not np.ndim(size):
            scan = scan[:, None]
    # the clean-point scan comes before the data returns (a restore or an instant recovery)
    manual = manual + scan
    # the chain replay is added once per path (x.move), not per scenario; after logical
    # damage the data moves back to production on premises (x.move_home, HOME_SCOPES)
    moved = (x.move_home, x.move) if replay else (x.transfer_home, x.transfer)
    return np.asarray(
        physics.rto_restore(
            0.0,
            0.0,
            detection=manual,
            provisioning=prov,
            retrieval_delay=x.retrieval[path],
            share=share,
            instant_recovery=instant,
            transfer=at_home(home, moved[0][path], moved[1][path]),
        ),
        dtype=float,
    )


def one_value(a: FloatArray) -> Any:
    """``a``'s one value where all its values are that one (the kernel's ``data_size``
    of one workload, a broadcast, and any rows taken from it), else ``a``: a term of
    identical values is then computed once, with the same operations on the same
    numbers (the same bits)."""
    if not a.size:
        return a
    first = a.flat[0]
    return first if a.strides == (0,) or bool((a == first).all()) else a


#: the last (protection, strategy, entries, strategies, code) of :func:`_entry_code`
_CODE: list[tuple[Any, ...]] = [()]


def _entry_code(protection: IntArray, strategy: IntArray, entries: int, n_st: int) -> IntArray:
    """Each row's (mechanism, strategy) entry: ``(protection % entries) * n_st +
    strategy``. The kernel asks once per scenario with the same read-only columns (a
    space's), so the last answer is kept for them (one tuple, replaced whole: safe across
    threads; the columns are held, so their ids stay theirs)."""
    hit = _CODE[0]
    if hit and hit[0] is protection and hit[1] is strategy and hit[2:4] == (entries, n_st):
        return hit[4]  # type: ignore[no-any-return]
    code = (protection % entries) * n_st + strategy
    if not (protection.flags.writeable or strategy.flags.writeable):
        _CODE[0] = (protection, strategy, entries, n_st, code)
    return code


def protection_rto_path(
    x: PathFigures, path: Path, scenarios: Any, *, replay: bool = True
) -> FloatArray:
    """RTO of recovery from the design's protection mechanism [h]: the scenario's
    detection and a person's decision (or the mechanism's health checks), provisioning
    where the scenario takes the production compute (as before an instant recovery), and
    :func:`rtocalc.protection.protection_rto` for the scenario's share (a revert,
    failover or rewind, or an item restore and log replay); ``inf`` without a mechanism.
    ``replay`` does not apply (its figures do not depend on the backup interval)."""
    clock = x.clock
    share = np.asarray(clock.share[scenarios], dtype=float)
    manual = np.asarray(clock.manual[scenarios], dtype=float)
    entries = len(x.catalog.protection) + 1  # the last: none (index -1)
    n_st = clock.instant_provisioning.shape[-1]
    size, change = one_value(x.data_size), one_value(x.daily_change)
    if np.ndim(size) == 0 and np.ndim(change) == 0 and x.data_size.size > entries * n_st:
        # one workload (the kernel's broadcast views of one value, or the rows of a kind
        # taken from them): the RTO depends on the mechanism and the strategy only, so it
        # is computed per (mechanism, strategy) pair and gathered (the same operations on
        # the same numbers, far fewer of them, where there are more rows than pairs: a
        # plan's one row, or no row, is computed as it is)
        k = np.arange(entries)[:, None]
        prov_table = clock.instant_provisioning[scenarios]  # (strategies,) or (S', strategies)
        code = _entry_code(x.protection, x.strategy, entries, n_st)
        one = np.ndim(share) == 0
        out = []
        cont = np.atleast_1d(np.asarray(clock.containment[scenarios], dtype=float))
        scan = np.atleast_1d(clock.scan(scenarios, size))
        for sh, man, pv, ct, sc in zip(
            np.atleast_1d(share),
            np.atleast_1d(manual),
            np.atleast_2d(prov_table),
            cont,
            scan,
            strict=True,
        ):
            table = _protection.rto(x.catalog, k, sh, size, change, man, pv[None, :], ct)
            # the scan added per entry, then gathered: the same sum as per row
            out.append(np.asarray((table.reshape(-1) + sc).take(code), dtype=float))
        if one:
            return out[0]
        return np.stack(out) if out else np.empty((0, len(x.protection)))
    prov = clock.instant_provisioning[scenarios].take(x.strategy, axis=-1)
    cont = np.asarray(clock.containment[scenarios], dtype=float)
    scan = clock.scan(scenarios, size)
    if share.ndim:
        share, manual, cont = share[:, None], manual[:, None], cont[:, None]
        if not np.ndim(size):
            scan = scan[:, None]
    rto = _protection.rto(
        x.catalog, x.protection, share, x.data_size, x.daily_change, manual, prov, cont
    )
    return np.asarray(rto + scan, dtype=float)


@dataclass(frozen=True)
class RestorePrices:
    """Provider charges of a recovery per restore path and row (:func:`restore_prices`).

    Per GB of the reduced data restored [currency/GB] and per incident [currency]; a
    failover and "none survives" (paths ``FAILOVER`` and ``NO_PATH``) cost 0. With one
    workload the charges are tables per (target, strategy) pair, each row's entry per
    path in ``code`` (shape (``NO_PATH`` + 1, N), the tables' last entry: 0); with one
    data reduction per row they are per (path, row) arrays. ``per_incident`` is None
    when no strategy runs recovered systems in the cloud. ``per_gb_home`` (as
    ``per_gb``, the same object where they agree) is the charge where the restore goes
    back to production on premises (:data:`HOME_SCOPES`): nothing runs in the cloud, and
    nothing is charged per incident.
    """

    per_gb: FloatArray  # (entries + 1,) table, or (NO_PATH + 1, N)
    per_incident: FloatArray | None  # as per_gb
    code: IntArray | None  # (NO_PATH + 1, N) entry of each (path, row); None: per row
    per_gb_home: FloatArray  # as per_gb, on premises

    def chosen(
        self, at: IntArray, home: bool = False
    ) -> tuple[FloatArray, FloatArray | None]:
        """The charges at flat (path, row) positions ``at`` (``path * N + row``), on
        premises where ``home``."""
        per_gb = self.per_gb_home if home else self.per_gb
        per_incident = None if home else self.per_incident
        if self.code is None:
            gb = per_gb.reshape(-1).take(at, mode="clip")
            fixed = per_incident
            return gb, None if fixed is None else fixed.reshape(-1).take(at, mode="clip")
        entry = self.code.reshape(-1).take(at, mode="clip")
        fixed = None if per_incident is None else per_incident.take(entry)
        return per_gb.take(entry), fixed


def restore_prices(
    tab: Tables, space: DesignSpace, data_reduction: Any, volume_price: float
) -> RestorePrices:
    """Provider charges of a recovery per restore path and row (:class:`RestorePrices`).

    Per GB: :func:`rtocalc.cost.restore_cost` of the copy's target (retrieval, egress,
    reads). Where the strategy recovers into the cloud and the copy is in the cloud, the
    restore stays in the region and the same egress is paid at failback, and the recovered
    systems run there until failback (:func:`rtocalc.cost.cloud_recovery_cost`: compute per
    incident, volumes per GB).
    """
    # each figure depends on the copy's target and the row's strategy only: it is
    # computed per (target, strategy) pair and gathered when read (the same operations on
    # the same numbers as per row); an index of -1 means the last entry, as numpy
    # indexing does
    n = len(space)
    st = space.strategy
    n_tg, n_st = len(tab.restore_per_gb), len(tab.run_hours)
    used = np.bincount(st, minlength=n_st) > 0 if n else np.zeros(n_st, bool)
    hours = tab.run_hours

    def home() -> dict[Path, Any]:
        return {
            Path.PRIMARY: space.target,
            Path.OFFSITE: tab.off_target[space.offsite],
            Path.LONGTERM: gfs_home(space.target, space.longterm),
        }

    if np.ndim(data_reduction) and n_tg and hours[used].any():  # one workload per row
        homes = home()
        per_gb = np.zeros((NO_PATH + 1, n))
        per_gb_home = np.zeros((NO_PATH + 1, n))
        for p, idx in homes.items():
            per_gb_home[p] = tab.restore_per_gb[idx]
        return RestorePrices(
            *_restore_prices_rows(tab, st, homes, data_reduction, volume_price, per_gb),
            None,
            per_gb_home,
        )
    runs = bool(n and n_tg and hours[used].any())
    if runs:
        compute = np.asarray(
            cost.cloud_recovery_cost(0.0, hours, tab.compute_hour, volume_price, data_reduction)
        )
        volumes = np.asarray(
            cost.cloud_recovery_cost(1.0, hours, 0.0, volume_price, data_reduction)
        )
        there = tab.in_cloud[None, :] & (tab.loc[:, None] == LOC["cloud"])  # (target, strategy)
        gb_table = (tab.restore_per_gb[:, None] + np.where(there, volumes, 0.0)).reshape(-1)
        fixed_table: FloatArray | None = np.append(np.where(there, compute, 0.0).reshape(-1), 0.0)
        # on premises: the target's price alone, per (target, strategy) as the table
        home_table = np.append(np.repeat(tab.restore_per_gb, n_st), 0.0)
    else:  # no recovered system runs in the cloud: the target's price alone
        gb_table, fixed_table = tab.restore_per_gb, None
    stride = n_st if runs else 1

    def entries() -> IntArray:
        # the entry of a failover and of "none survives": the last, 0
        code = np.full((NO_PATH + 1, n), gb_table.size, np.int64)
        if n_tg:
            for p, idx in home().items():
                np.remainder(idx, n_tg, out=code[p])
                if runs:
                    code[p] *= n_st
                    code[p] += st
        return code

    # the entries depend on the space and the catalog's targets and strategies alone
    key = ("restore prices", n_tg, stride, tab.off_target.tobytes())
    code = space.remembered(key, entries)
    table = np.append(gb_table, 0.0)
    return RestorePrices(table, fixed_table, code, home_table if runs else table)


def _restore_prices_rows(
    tab: Tables,
    st: IntArray,
    homes: dict[Path, Any],
    data_reduction: Any,
    volume_price: float,
    per_gb: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """:func:`restore_prices` computed on the rows (``data_reduction`` per row)."""
    fixed = np.zeros_like(per_gb)
    hours = tab.run_hours[st]
    compute = np.asarray(
        cost.cloud_recovery_cost(0.0, hours, tab.compute_hour[st], volume_price, data_reduction)
    )
    volumes = np.asarray(cost.cloud_recovery_cost(1.0, hours, 0.0, volume_price, data_reduction))
    for p, idx in homes.items():
        there = tab.in_cloud[st] & (tab.loc[idx] == LOC["cloud"])
        per_gb[p] = tab.restore_per_gb[idx] + np.where(there, volumes, 0.0)
        fixed[p] = np.where(there, compute, 0.0)
    return per_gb, fixed


#: each path's RTO function (one per path; paths of one kind share theirs)
RTO_OF: dict[Path, Callable[..., FloatArray]] = {
    Path.FAILOVER: failover_rto,
    Path.PRIMARY: restore_rto,
    Path.OFFSITE: restore_rto,
    Path.LONGTERM: restore_rto,
    Path.PROTECTION: protection_rto_path,
}


#: the per-row figures the functions of :data:`RTO_OF` read (the kernel computes RTOs
#: once per kind of row from these alone, :func:`rtocalc._space_kernel.path_units`)
RTO_READS: frozenset[str] = frozenset(
    {
        "strategy",
        "failover",
        "provisioning",
        "retrieval",
        "transfer",
        "move",
        "transfer_home",
        "move_home",
        "instant",
        "protection",
        "data_size",
        "daily_change",
    }
)


def path_rto(x: PathFigures, path: int, scenarios: Any, *, replay: bool = True) -> FloatArray:
    """RTO of one recovery path in the given scenarios [h], whether its copy survives or not.

    ``x`` holds an evaluation's per-row figures (:attr:`Evaluation.paths`);
    ``scenarios`` is one scenario index (rows out, shape (N,)) or an index of several
    (shape (S', N)). Dispatches to the path's function in :data:`RTO_OF`
    (:func:`failover_rto`, :func:`restore_rto`). The kernel and every explanation read
    path RTOs from here, so they cannot disagree. ``replay=False`` leaves out the chain
    replay: the least RTO a path can have at any backup interval.
    """
    p = path if isinstance(path, Path) else Path(path)
    return RTO_OF[p](x, p, scenarios, replay=replay)

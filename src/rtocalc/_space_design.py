"""The design space: decision variables as integer columns, and support checks.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import physics
from ._space_protection import ProtectionTables, offered
from ._space_tables import (
    LOC,
    REPLICATION,
    TABLES_LOCK,
    FloatArray,
    IntArray,
    Tables,
    gfs_home,
    immutable_rule,
    offsite_rule,
)
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
from .units import TOL, FieldError, format_duration

#: decision variables a figure may depend on, and the offset that maps their values to
#: grid indices ("none", -1, to index 0)
CHOICES = {
    "target": 0,
    "offsite": 1,
    "longterm": 1,
    "link": 1,
    "scheme": 0,
    "strategy": 0,
    "replication": 0,
    "protection": 1,
}


#: sub-spaces a space remembers (:meth:`DesignSpace.subset`)
SUBSETS_KEPT = 4
#: figures a space remembers (:meth:`DesignSpace.remember`): its kinds on B, and each
#: row's survival and ask-independent figures for two workloads (about 12 MB each on the
#: default space of 81,468 rows)
FIGURES_KEPT = 5


@dataclass(frozen=True)
class Keys:
    """Catalog keys in the order the integer columns index them."""

    targets: tuple[str, ...]
    offsite: tuple[str, ...]
    links: tuple[str, ...]
    strategies: tuple[str, ...]
    protection: tuple[str, ...] = ()

    @classmethod
    def of(cls, catalog: Catalog) -> Keys:
        return cls(
            tuple(catalog.targets),
            tuple(catalog.offsite),
            tuple(catalog.links),
            tuple(catalog.strategies),
            tuple(catalog.protection),
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
    protection: IntArray
    interval: FloatArray | None = None
    #: each row's index in the grid of some choices, by (choices, grid sizes): see code();
    #: other integer figures of the rows by their key: see remembered()
    _codes: dict[tuple[Any, ...], IntArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: figures of the rows by a key, with the objects the key names: see remember()
    _figures: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: a space kept for later asks (built, or a remembered subset): see remembers
    _kept: bool = field(default=False, init=False, repr=False, compare=False)
    #: sub-spaces of rows chosen by a key, with the objects the key names: see subset()
    _subsets: dict[tuple[Any, ...], tuple[tuple[Any, ...], IntArray, DesignSpace | None]] = field(
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
                if CHOICES[name]:
                    hit += CHOICES[name]
            self._codes[names, sizes] = hit
        return hit

    def remembered(self, key: tuple[Any, ...], compute: Callable[[], IntArray]) -> IntArray:
        """An integer figure of the rows (rows on its last axis) that depends on the
        space and ``key`` alone, computed once (sub-spaces take their rows of it)."""
        hit = self._codes.get(key)
        if hit is None:
            hit = self._codes[key] = compute()
            hit.setflags(write=False)
        return hit

    @property
    def remembers(self) -> bool:
        """Whether this space is kept for later asks (:func:`build_space`'s spaces and the
        sub-spaces :meth:`subset` keeps), so that remembering its figures can pay; the
        rows a search or a frontier takes for one evaluation are not."""
        return self._kept

    def remember(
        self, key: tuple[Any, ...], kept: tuple[Any, ...], compute: Callable[[], Any]
    ) -> Any:
        """``compute()``, a figure of this space's rows, remembered for the last few
        ``key`` (which holds the ids of ``kept``, kept so that the ids stay theirs) where
        the space :attr:`remembers`; else computed each time.

        For figures of the rows that depend on the space and on the workload's figures
        per catalog choice alone, not on the ask (which copies survive, the kinds of rows
        alike on B): the asks of a planning session compute them once. The figure is
        shared: callers must not write to it. A sub-space has its own.
        """
        if not self._kept:
            return compute()
        hit = self._figures.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], kept, strict=True)):
            return hit[1]
        value = compute()
        while len(self._figures) >= FIGURES_KEPT:
            self._figures.pop(next(iter(self._figures)))
        self._figures[key] = (kept, value)
        return value

    def subset(
        self,
        key: tuple[Any, ...],
        kept: tuple[Any, ...],
        rows: Callable[[], IntArray],
        *,
        take: bool = True,
    ) -> tuple[IntArray, DesignSpace | None]:
        """The rows ``rows()`` picks (ascending) and, with ``take``, their sub-space (this
        space where they are all of its rows), remembered for the last few ``key``.

        ``key`` holds the ids of ``kept``, which are kept so that the ids stay theirs. A
        sub-space carries what was computed about its rows (the grid codes), so the asks
        of a planning session that pick the same rows (a cost curve's, a negotiation's
        with the same yes/no asks) take them, and gather the codes, once; a caller that
        needs the rows alone (a search's candidates) does not take them.
        """
        hit = self._subsets.get(key)
        if hit is None or not all(a is b for a, b in zip(hit[0], kept, strict=True)):
            picked = np.asarray(rows(), dtype=np.intp)
            picked.setflags(write=False)
            while len(self._subsets) >= SUBSETS_KEPT:
                self._subsets.pop(next(iter(self._subsets)))
            hit = self._subsets[key] = (kept, picked, None)
        picked, sub = hit[1], hit[2]
        if take and sub is None:
            if picked.size == len(self):
                sub = self
            else:
                sub = self.take(picked)
                object.__setattr__(sub, "_kept", True)  # kept with this space: remembers
            self._subsets[key] = (kept, picked, sub)
        return picked, sub

    def take(self, rows: IntArray | slice) -> DesignSpace:
        """The sub-space of the given rows (an index array, or a slice: views)."""
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
            self.protection[rows],
            iv,
        )
        sub._codes.update({k: v[..., rows] for k, v in self._codes.items()})
        # read-only as a built space's are (figures remembered per column rely on it)
        for col in (sub.target, sub.scheme, sub.offsite, sub.longterm):
            col.setflags(write=False)
        for col in (sub.replication, sub.link, sub.strategy, sub.protection):
            col.setflags(write=False)
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
            protection=k.protection[p] if (p := int(self.protection[row])) >= 0 else None,
        )


def build_space(catalog: Catalog, retention: Retention, *, database: bool = False) -> DesignSpace:
    """Every valid combination of the decision variables, as columns (read-only).

    Remembered for the last few (catalog, retention, database) triples: all are frozen,
    and the space only depends on them, so every search of a catalog shares one space
    (and the grid codes :meth:`DesignSpace.code` keeps for it). ``database``: the
    workload is a database, so database-native protection mechanisms are offered too.

    Rules: the chain target has the 'primary' role; a separate long-term target exists
    only when GFS points are kept and differs from the chain's; strategies that need a
    replica go with async or sync replication, restore-type strategies with none; a link
    is chosen only when something uses it (a cloud target, replication, a protection
    mechanism at another site), else ``-1``. A design adds at most one protection
    mechanism (``-1``: none). Rows are ordered by target, scheme, off-site, long-term,
    replication, link, strategy and protection, each in catalog order: this order is the
    last tie-break of the optimiser.
    """
    hit = _SPACES.get((id(catalog), id(retention), database))
    if hit is not None and hit[0] is catalog and hit[1] is retention:
        return hit[2]
    space = _build_space(catalog, retention, database)
    object.__setattr__(space, "_kept", True)  # shared by every ask: see remembers
    for col in (space.target, space.scheme, space.offsite, space.longterm):
        col.setflags(write=False)
    for col in (space.replication, space.link, space.strategy, space.protection):
        col.setflags(write=False)
    with TABLES_LOCK:
        while len(_SPACES) >= 8:
            _SPACES.pop(next(iter(_SPACES)))
        _SPACES[id(catalog), id(retention), database] = (catalog, retention, space)
    return space


#: (catalog id, retention id, database) -> (catalog, retention, space)
_SPACES: dict[tuple[int, int, bool], tuple[Catalog, Retention, DesignSpace]] = {}


def _build_space(catalog: Catalog, retention: Retention, database: bool) -> DesignSpace:
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
    mechanisms = offered(catalog, database)
    grids = np.meshgrid(
        np.array(primary),
        np.arange(len(SCHEMES)),
        np.array(offsite),
        np.array(longterm),
        np.arange(len(REPLICATION)),
        np.array(links),
        np.array(strategies),
        np.array(mechanisms),
        indexing="ij",
    )
    t, s, o, lt, rep, li, st, pr = (g.ravel().astype(np.int64) for g in grids)
    loc = np.array([LOC[x.location] for x in targets])
    off_loc = np.array([LOC[catalog.targets[m.target].location] for m in catalog.offsite.values()])
    tab = Tables.of(catalog)
    # a standby at a second site replicates over the WAN; a same-site pair over the LAN
    uses_link = (loc[t] == LOC["cloud"]) | ((rep > 0) & ~tab.local[st])
    uses_link |= (lt >= 0) & (loc[np.maximum(lt, 0)] == LOC["cloud"])
    uses_link |= ProtectionTables.of(catalog).remote[pr]  # its changes cross the WAN
    # a copy in the cloud: the chain, the GFS points or the off-site copy
    in_cloud = (loc[t] == LOC["cloud"]) | ((lt >= 0) & (loc[np.maximum(lt, 0)] == LOC["cloud"]))
    if len(off_loc):
        in_cloud |= (o >= 0) & (off_loc[np.maximum(o, 0)] == LOC["cloud"])
    uses_link |= in_cloud
    ok = (lt != t) & tab.modes[st, rep] & ((li >= 0) == uses_link)
    # a recovery into the cloud restores from a copy there
    ok &= ~tab.in_cloud[st] | in_cloud
    # vendor support rules (catalog data): the chain's scheme on its target and on the
    # off-site copy's target; a long-term target only needs the 'longterm' role (GFS fulls)
    ok &= tab.supports[t, s] & tab.supports[tab.off_target[o], s]
    rows = np.flatnonzero(ok)
    return DesignSpace(
        keys, t[rows], s[rows], o[rows], lt[rows], rep[rows], li[rows], st[rows], pr[rows]
    )


def space_of(catalog: Catalog, design: Design) -> DesignSpace:
    """A one-row space holding ``design`` (keys checked against the catalog)."""
    keys = Keys.of(catalog)

    def index(kind: str, key: str | None, options: tuple[str, ...]) -> int:
        if key is None:
            return -1
        if key not in options:
            raise FieldError(
                f"design.{kind}",
                f"{key!r} is not in the catalog; use one of "
                + ", ".join(repr(k) for k in options)
            )
        return options.index(key)

    t = index("target", design.target, keys.targets)
    if "primary" not in catalog.targets[design.target].roles:
        raise FieldError(
            "design.target", f"{design.target!r} cannot hold the main backup chain; use a target "
            "with the 'primary' role: "
            + ", ".join(repr(k) for k, v in catalog.targets.items() if "primary" in v.roles)
        )
    scheme: str = design.scheme
    if "scheme" not in design.model_fields_set:
        scheme = _default_scheme(catalog, design)
    _check_scheme(catalog, "target", design.target, scheme)
    if design.offsite is not None and design.offsite in catalog.offsite:
        _check_scheme(catalog, "offsite", catalog.offsite[design.offsite].target, scheme)
    lt = index("longterm", design.longterm, keys.targets)
    if lt >= 0 and "longterm" not in catalog.targets[design.longterm or ""].roles:
        raise FieldError(
            "design.longterm", f"{design.longterm!r} cannot hold GFS points; use a target with "
            "the 'longterm' role"
        )
    strategy = catalog.strategies.get(design.strategy)
    st = index("strategy", design.strategy, keys.strategies)
    rep = REPLICATION.index(design.replication)
    if strategy is not None and not Tables.of(catalog).modes[st, rep]:
        modes = strategy.replication_modes if strategy.replica else ("none",)
        raise FieldError(
            "design.replication", f"{design.replication!r} does not fit strategy "
            f"{design.strategy!r}; use " + " or ".join(repr(m) for m in modes)
        )
    li = index("link", design.link, keys.links)
    pr = index("protection", design.protection, keys.protection)
    needs_link = (
        catalog.targets[design.target].location == "cloud"
        or (rep > 0 and strategy is not None and strategy.replica_site == "secondary")
        or (lt >= 0 and catalog.targets[keys.targets[lt]].location == "cloud")
        or (
            design.offsite is not None
            and design.offsite in catalog.offsite
            and catalog.targets[catalog.offsite[design.offsite].target].location == "cloud"
        )
        or (pr >= 0 and bool(ProtectionTables.of(catalog).remote[pr]))
    )
    cloud_copy = (
        catalog.targets[design.target].location == "cloud"
        or (lt >= 0 and catalog.targets[keys.targets[lt]].location == "cloud")
        or (
            design.offsite is not None
            and design.offsite in catalog.offsite
            and catalog.targets[catalog.offsite[design.offsite].target].location == "cloud"
        )
    )
    if strategy is not None and strategy.recovers_in_cloud and not cloud_copy:
        raise FieldError(
            "design.strategy", f"{design.strategy!r} recovers into the cloud from a copy there, "
            "but the design keeps none; add a cloud target, off-site copy or long-term "
            "target, or use 'restore'"
        )
    if needs_link and li < 0:
        raise FieldError(
            "design.link", "None, but the design sends data over the WAN (a cloud target, "
            "replication or a protection mechanism at another site); use one of "
            + ", ".join(repr(k) for k in keys.links)
        )

    check_interval(catalog, "design.interval", design.interval)

    def col(v: int) -> IntArray:
        return np.array([v], dtype=np.int64)

    return DesignSpace(
        keys,
        col(t),
        col(SCHEMES.index(scheme)),
        col(index("offsite", design.offsite, keys.offsite)),
        col(lt if lt != t else -1),
        col(rep),
        col(li),
        col(st),
        col(pr),
        np.array([design.interval]),
    )


def check_interval(catalog: Catalog, name: str, interval: float) -> None:
    """Raise if a backup ``interval`` [h] given by the user is shorter than the catalog's
    shortest schedule (``[schedules] backup``, its first entry)."""
    shortest = catalog.schedules.minimum
    if not interval >= shortest - TOL:
        raise FieldError(
            name, f"{format_duration(interval)} is shorter than the shortest backup "
            f"schedule of the catalog, {format_duration(shortest)} ([schedules] backup); "
            f"use at least '{format_duration(shortest)}'"
        )


def _default_scheme(catalog: Catalog, design: Design) -> str:
    """The scheme of a design that names none: ``Design``'s default where the vendor
    supports it on the chain's target (and the off-site copy's), else the first scheme
    both support, in the order of :data:`SCHEMES`; else the default (then reported)."""
    accepted = set(catalog.targets[design.target].schemes)
    method = catalog.offsite.get(design.offsite or "")
    if method is not None and method.target in catalog.targets:
        accepted &= set(catalog.targets[method.target].schemes)
    if design.scheme in accepted:
        return design.scheme
    return next((x for x in SCHEMES if x in accepted), design.scheme)


def _check_scheme(catalog: Catalog, kind: str, target: str, scheme: str) -> None:
    """Raise if the vendor does not support chain ``scheme`` on ``target`` (catalog data)."""
    accepted = catalog.targets[target].schemes
    if scheme in accepted:
        return
    field = "design.target" if kind == "target" else "design.offsite"
    where = f"{target!r}" if kind == "target" else f"its target {target!r}"
    if not accepted:
        raise FieldError(
            field,
            f"{where} holds GFS fulls only and takes no {scheme!r} chain (the catalog's "
            "schemes = [] for it, see its source); use it as the long-term target"
        )
    raise FieldError(
        field,
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
        return np.asarray(self.data_size * physics.growth_factor(self.annual_growth, self.horizon))

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


def detection_binds(requirements: Requirements, impact: BusinessImpact, catalog: Catalog) -> bool:
    """Whether some scenario's RTO limit is shorter than every recovery path's lead.

    Every recovery path's RTO starts with a lead that no design choice shortens: a
    restore or a manual failover with the scenario's detection and a person's decision
    (and its containment, which precedes every recovery),
    an automatic failover with its strategy's health checks (only strategies whose
    standby survives the scenario count), an automatic protection mechanism with its
    health checks. The other terms are never negative, so no
    design meets an ask below the shortest lead: :func:`evaluate_space` finds every row
    failing that scenario, with the same comparison.
    """
    tab = Tables.of(catalog)
    n_st = len(catalog.strategies)
    # an automatic protection mechanism starts with its health checks too (the kernel's
    # lead of Path.PROTECTION); counted whatever it survives, which only errs towards
    # searching (a lead too short never rules out a design that meets the ask)
    auto_protection = [p.health_check for p in catalog.protection.values() if p.automatic]
    worst = requirements.incident == "worst"
    isolated = requirements.isolated(catalog)
    for x in impact.scenarios:
        lead = x.detection + x.decision
        auto = tab.automatic[:n_st] & tab.survives[:n_st, SCOPES.index(x.scope)]
        if auto.any():
            lead = min(lead, float(tab.health_check[:n_st][auto].min()))
        if auto_protection:
            lead = min(lead, min(auto_protection))
        # containment precedes every recovery, an automatic one included
        lead += x.containment_for(worst, isolated)
        if lead > requirements.limit("rto", x.scope) + TOL:
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
    tab = Tables.of(catalog)
    ok = offsite_rule(tab, space.target, space.offsite)
    if retention is not None and retention.gfs:
        ok &= tab.loc[gfs_home(space.target, space.longterm)] != LOC["primary"]
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
    tab = Tables.of(catalog)
    ok = immutable_rule(tab, space.target, space.offsite)
    if retention is not None and retention.gfs:
        ok &= tab.immutable[gfs_home(space.target, space.longterm)]
    return ok


def unmet_points(
    space: DesignSpace, row: int, catalog: Catalog, retention: Retention, kind: str
) -> str:
    """Which retained points of ``row`` fail the ask's ``kind`` ('offsite' or 'immutable')."""
    tab, keys = Tables.of(catalog), space.keys
    t, o, lt = int(space.target[row]), int(space.offsite[row]), int(space.longterm[row])
    short_ok = bool(
        offsite_rule(tab, t, o) if kind == "offsite" else immutable_rule(tab, t, o)
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

"""The protection axis of the design space: the figures of the design's mechanism.

A design adds at most one protection mechanism (``Design.protection``, a catalog entry of
``[protection.<key>]``: snapshots, a journal, database log backups or a replica). Its
figures come from :mod:`rtocalc.protection` and do not depend on the backup interval;
this module turns the catalog entries into arrays and computes, for the kernel's
recovery path ``Path.PROTECTION``, its RPO and survival per entry of a domain of catalog
choices, its RTO (with the lead the kernel's clock gives), whether the design's link
carries it, and its monthly cost.

Private module: re-exported by :mod:`rtocalc.space`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import cost, physics, protection
from .models import Catalog, Protection, Workload
from .units import GB_PER_TB, HOURS_PER_DAY, MONTHS_PER_YEAR, format_duration

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: placements whose points live at another site: every change crosses the design's link
REMOTE = frozenset({"secondary_site", "other_region"})


@dataclass(frozen=True)
class ProtectionTables:
    """Catalog figures of the protection entries as arrays: one value per entry, then
    the value index -1 (no mechanism) takes."""

    keys: tuple[str, ...]
    labels: tuple[str, ...]
    kind: tuple[str, ...]
    interval: FloatArray  # [h], inf
    window: FloatArray  # [h], 0
    placement: NDArray[np.str_]  # placement, "none"
    remote: NDArray[np.bool_]  # its points live at another site, False
    immutable: NDArray[np.bool_]  # False
    database_only: NDArray[np.bool_]  # False
    revert: FloatArray  # whole-data path [h], inf
    mount: FloatArray  # item path start [h], inf
    item: FloatArray  # item path throughput [GB/h], 0
    span: FloatArray  # log replayed on recovery [h], 0
    replay: FloatArray  # log replay throughput [GB/h], 0
    automatic: NDArray[np.bool_]  # fails over by itself, False
    health_check: FloatArray  # [h], 0
    price: FloatArray  # [currency/(GB month)], 0
    full_copy: NDArray[np.bool_]  # False
    licence: FloatArray  # [currency/month], 0
    licence_tb: FloatArray  # [currency/(TB month)], 0
    compute_fraction: FloatArray  # [-], 0
    setup: FloatArray  # [currency], 0

    @classmethod
    def of(cls, catalog: Catalog) -> ProtectionTables:
        """The tables of ``catalog`` (remembered per catalog object)."""
        hit = _TABLES.get(id(catalog))
        if hit is not None and hit[0] is catalog:
            return hit[1]
        entries = list(catalog.protection.values())

        def arr(values: list[Any], none: Any, dtype: Any = float) -> Any:
            out = np.array([*values, none], dtype=dtype)
            out.setflags(write=False)
            return out

        def opt(value: float | None) -> float:
            return np.inf if value is None else value

        tables = cls(
            keys=tuple(catalog.protection),
            labels=tuple(x.label or k for k, x in catalog.protection.items()),
            kind=tuple(x.kind for x in entries),
            interval=arr([x.interval for x in entries], np.inf),
            window=arr([x.window for x in entries], 0.0),
            placement=arr([x.placement for x in entries], "none", str),
            remote=arr([x.placement in REMOTE for x in entries], False, bool),
            immutable=arr([x.immutable for x in entries], False, bool),
            database_only=arr([x.database_only for x in entries], False, bool),
            revert=arr([opt(x.revert_time) for x in entries], np.inf),
            mount=arr([opt(x.mount_time) for x in entries], np.inf),
            item=arr([x.item_throughput for x in entries], 0.0),
            span=arr([x.replay_span for x in entries], 0.0),
            replay=arr([x.replay_rate for x in entries], 0.0),
            automatic=arr([x.automatic for x in entries], False, bool),
            health_check=arr([x.health_check for x in entries], 0.0),
            price=arr([x.price_per_gb_month for x in entries], 0.0),
            full_copy=arr([x.full_copy for x in entries], False, bool),
            licence=arr([x.licence_per_month for x in entries], 0.0),
            licence_tb=arr([x.licence_per_tb_month for x in entries], 0.0),
            compute_fraction=arr([x.compute_fraction for x in entries], 0.0),
            setup=arr([x.setup_cost for x in entries], 0.0),
        )
        with _LOCK:
            while len(_TABLES) >= 8:
                _TABLES.pop(next(iter(_TABLES)))
            _TABLES[id(catalog)] = (catalog, tables)
        return tables

    def paths(self, k: Any) -> tuple[Any, ...]:
        """Mechanism ``k``'s recovery paths, in the order of
        :func:`rtocalc.protection.protection_rto` after the data: revert, mount, item,
        span, replay."""
        return self.revert[k], self.mount[k], self.item[k], self.span[k], self.replay[k]


_LOCK = threading.Lock()
_TABLES: dict[int, tuple[Catalog, ProtectionTables]] = {}


def offered(catalog: Catalog, database: bool) -> list[int]:
    """The protection choices of a design space: -1 (none) and every entry the workload
    may have (database-native entries only for a database)."""
    tab = ProtectionTables.of(catalog)
    return [-1, *(i for i, only in enumerate(tab.database_only[:-1]) if database or not only)]


def peak_rate(workload: Any) -> Any:
    """Peak write rate at the end of the horizon [GB/h] (the link must carry it then)."""
    return workload.peak_rate * physics.growth_factor(workload.annual_growth, workload.horizon)


@dataclass(frozen=True, slots=True)
class ProtectionFigures:
    """The mechanism's figures per entry of a domain of catalog choices."""

    rpo: FloatArray  # worst-case RPO [h]; inf: none, or the link cannot carry the peak
    link_ok: NDArray[np.bool_]  # the design's link carries it (True when it needs none)
    alive: list[NDArray[np.bool_]]  # per scenario: its points survive
    traffic: FloatArray  # average WAN traffic of its changes [GB/h]


def choice_figures(
    catalog: Catalog,
    k: IntArray,
    link: IntArray,
    workload: Workload | Any,
    scopes: Sequence[str],
    detection: Sequence[float],
) -> ProtectionFigures:
    """The figures of mechanism ``k`` (-1: none) with the design's ``link`` (-1: none):
    :func:`rtocalc.protection.protection_rpo` over the link's raw throughput (replication
    sends blocks as written), :func:`rtocalc.protection.protection_survives` per scenario,
    and the average traffic of its changes over the WAN."""
    tab = ProtectionTables.of(catalog)
    bandwidth = np.array([*(x.bandwidth for x in catalog.links.values()), 0.0])
    rate = physics.link_throughput(bandwidth[link])
    remote = tab.remote[k]
    rpo = np.asarray(
        protection.protection_rpo(tab.interval[k], peak_rate(workload), rate, remote),
        dtype=float,
    )
    link_ok = np.asarray(~remote | np.isfinite(rpo), dtype=bool)
    rpo = np.where(k < 0, np.inf, rpo)
    alive = []
    for scope, det in zip(scopes, detection, strict=True):
        per_entry = np.asarray(
            protection.protection_survives(scope, tab.placement, tab.immutable, tab.window, det),
            dtype=bool,
        )
        per_entry[-1] = False  # no mechanism: nothing survives through it
        alive.append(per_entry[k])
    daily = workload.final_size * workload.daily_change
    traffic = np.where(remote, daily / HOURS_PER_DAY, 0.0)
    return ProtectionFigures(rpo=rpo, link_ok=link_ok, alive=alive, traffic=traffic)


def rto(
    catalog: Catalog,
    k: IntArray,
    share: Any,
    data_size: Any,
    daily_change: Any,
    manual: Any,
    provisioning: Any,
    containment: Any = 0.0,
) -> FloatArray:
    """RTO of recovery from mechanism ``k`` [h]: the lead (``manual``: detection, a
    person's decision and ``containment``, or the mechanism's health checks plus
    ``containment`` where it fails over by itself; plus ``provisioning`` where the
    scenario takes the production compute) plus
    :func:`rtocalc.protection.protection_rto` of the scenario's ``share``; ``inf`` for
    no mechanism."""
    tab = ProtectionTables.of(catalog)
    auto = tab.health_check[k] + containment
    lead = np.where(tab.automatic[k], auto, manual) + provisioning
    t = protection.protection_rto(share, data_size, daily_change, *tab.paths(k))
    return np.asarray(lead + t, dtype=float)


def monthly(catalog: Catalog, k: IntArray, workload: Workload | Any) -> FloatArray:
    """Monthly cost of mechanism ``k`` per row [currency/month]: storage, a replica's
    server (:func:`rtocalc.protection.protection_cost`) and the setup amortised over the
    catalog's period (:func:`rtocalc.cost.amortised_cost`); 0 for none. Its licence is
    :func:`licences` (the plan's licences item)."""
    tab = ProtectionTables.of(catalog)
    setup = np.asarray(cost.amortised_cost(tab.setup, catalog.catalog.amortisation_years))
    scalar = isinstance(workload, Workload)
    at = slice(None) if scalar else k  # one workload: per entry, then gathered
    per = (
        np.asarray(
            protection.protection_cost(
                workload.final_size,
                workload.daily_change,
                tab.window[at],
                tab.price[at],
                tab.full_copy[at],
                workload.compute_cost,
                tab.compute_fraction[at],
            ),
            dtype=float,
        )
        + setup[at]
    )
    if scalar:
        per = np.array(per)
        per[-1] = 0.0
        return np.asarray(per[k], dtype=float)
    return np.asarray(np.where(k < 0, 0.0, per), dtype=float)


def licences(catalog: Catalog, k: IntArray, workload: Workload | Any) -> FloatArray:
    """Monthly licence of mechanism ``k`` per row [currency/month], per protected
    workload and per TB of protected data (:func:`rtocalc.cost.licence_cost`, the
    entry's monthly prices as yearly ones); 0 for none."""
    tab = ProtectionTables.of(catalog)
    scalar = isinstance(workload, Workload)
    at = slice(None) if scalar else k
    per = np.asarray(
        cost.licence_cost(
            1.0,
            tab.licence[at] * MONTHS_PER_YEAR,
            workload.final_size / GB_PER_TB,
            tab.licence_tb[at] * MONTHS_PER_YEAR,
        ),
        dtype=float,
    )
    if scalar:
        per = np.array(per)
        per[-1] = 0.0
        return np.asarray(per[k], dtype=float)
    return np.asarray(np.where(k < 0, 0.0, per), dtype=float)


def kind_ok(catalog: Catalog, k: IntArray, workload: Workload | Any) -> NDArray[np.bool_]:
    """Whether each row's workload may have its mechanism: database-native entries
    (``database_only``) need a workload of kind 'database' (columns of several workloads
    are taken as servers)."""
    tab = ProtectionTables.of(catalog)
    database = isinstance(workload, Workload) and workload.kind == "database"
    return np.asarray(~tab.database_only[k] | database, dtype=bool)


def mean_rpo(catalog: Catalog, k: int, worst: float) -> float:
    """Mean-case RPO of mechanism ``k`` [h] given its worst case: its points come every
    interval, so on average half an interval less is lost (the mean case of
    :func:`rtocalc.physics.rpo_backup`); ``inf`` for none."""
    if k < 0 or not np.isfinite(worst):
        return float("inf")
    return float(worst - 0.5 * ProtectionTables.of(catalog).interval[k])


def clock_parts(
    catalog: Catalog,
    k: int,
    share: float,
    data_size: float,
    daily_change: float,
    detection: float,
    decision: float,
    provisioning: float,
    containment: float = 0.0,
    scan: float = 0.0,
) -> dict[str, float]:
    """The parts of the RTO of mechanism ``k`` in one scenario, in order [h]: its lead
    (``detection`` and ``decision``, or ``health_check``; then ``containment``),
    ``provisioning``, ``scan`` (the clean-point scan), and the parts of
    :func:`rtocalc.protection.protection_rto_parts` (its ``replay`` named
    ``log_replay``); they add up to :func:`rto` plus the scan."""
    tab = ProtectionTables.of(catalog)
    parts: dict[str, float] = {}
    if tab.automatic[k]:
        parts["health_check"] = float(tab.health_check[k])
    else:
        parts["detection"] = detection
        parts["decision"] = decision
    parts["containment"] = containment
    parts["provisioning"] = provisioning
    parts["scan"] = scan
    rto = protection.protection_rto_parts(share, data_size, daily_change, *tab.paths(k))
    # the database log, not the backup chain's increments: its own name in the clock
    names = {"replay": "log_replay"}
    parts.update({names.get(name, name): float(v) for name, v in rto.items()})
    return parts


_KIND_WORDS = {
    "snapshot": "snapshots",
    "journal": "journal",
    "log_backup": "log backups",
    "replica": "database replica",
}
_PLACE_WORDS = {
    "same_storage": "on the production storage",
    "other_storage": "on other storage",
    "secondary_site": "at a second site",
    "other_region": "in another region",
}


def protection_words(entry: Protection, key: str) -> str:
    """How a plan names a protection mechanism: its catalog label, what it is, where its
    points live and how far back they reach."""
    reach = f"kept {format_duration(entry.window)}" if entry.window > 0 else "no delay"
    if entry.kind == "replica" and entry.window > 0:
        reach = f"applying the log {format_duration(entry.window)} late"
    every = (
        "synchronous" if entry.interval <= 0 else f"points every {format_duration(entry.interval)}"
    )
    lock = ", immutable" if entry.immutable else ""
    return (
        f"{entry.label or key} ({_KIND_WORDS[entry.kind]} {_PLACE_WORDS[entry.placement]}, "
        f"{every}, {reach}{lock})"
    )

"""Protection mechanisms beside the backups: snapshots, journals, database-native protection.

Formula module: each public function is one pure, vectorised, cited equation.

A mechanism (a catalog entry :class:`rtocalc.models.Protection`) keeps recovery points of
its own: storage snapshots (local, replicated, immutable), journal-based continuous
replication (Zerto-like), database log backups (point-in-time restore) and database
replicas (synchronous, asynchronous, delayed apply). Its figures do not depend on the
backup interval of the design; they come from the five functions here:

- :func:`protection_rpo`: the age of its newest point [h];
- :func:`protection_rto`: the time from the start of recovery until the data serves [h],
  the faster of a whole-data path (revert, failover, rewind) and an item path (mount, copy
  the share, replay the log); the kernel adds the lead (detection and decision, or the
  automatic health check);
- :func:`window_covers` and :func:`protection_survives`: which scenarios it lives through;
- :func:`protection_cost`: what it costs per month (the one-off setup is amortised with
  :func:`rtocalc.cost.amortised_cost`).

Every function is pure and ufunc-like (scalars and arrays broadcast; scalar in, scalar
out). Units: hours [h], GB, GB/h, fractions per day [1/day], currency per month.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._array import as_float as _f
from ._array import scalar_out as _out
from .units import HOURS_PER_DAY

__all__ = [
    "protection_cost",
    "protection_rpo",
    "protection_rto",
    "protection_rto_parts",
    "protection_survives",
    "window_covers",
]



def _bool_out(value: Any) -> Any:
    """A Python bool for 0-d results, else the boolean array."""
    arr = np.asarray(value, dtype=bool)
    return bool(arr) if arr.ndim == 0 else arr


def protection_rpo(
    interval: ArrayLike, peak_rate: ArrayLike, link_rate: ArrayLike, remote: ArrayLike
) -> Any:
    r"""Data lost when recovering from a protection mechanism (its RPO).

    Parameters
    ----------
    interval : array_like
        Time between its recovery points [h]: snapshot or log-backup interval, journal
        checkpoint interval, a replica's shipping lag (0 for a synchronous replica).
    peak_rate : array_like
        Peak write rate of the workload [GB/h].
    link_rate : array_like
        Throughput of the link that carries its changes to the other site [GB/h].
    remote : array_like of bool
        Its points live at another site, so every change crosses the link.

    Returns
    -------
    float or ndarray
        RPO [h]; ``inf`` where a remote mechanism's link cannot carry the peak write rate
        (it falls behind without bound during the peak: such a design is not offered).

    Notes
    -----
    A local mechanism loses at most one interval:

    .. math:: \mathrm{RPO} = \Delta

    A remote one ships each interval's change over the link; the newest point arrives one
    transfer after it is taken, and the transfer of a peak interval's change takes
    :math:`\Delta P / L`:

    .. math:: \mathrm{RPO} = \Delta \left(1 + \frac{P}{L}\right) \quad (P \le L),
              \qquad \infty \quad (P > L)

    The peak rate, not the daily mean, is the test: Zerto reports an RPO alert when the
    journal falls behind and SQL Server marks a synchronous replica NOT SYNCHRONIZING when
    it cannot keep up, so a link below the peak gives no bounded RPO.

    References
    ----------
    .. [1] Zerto Virtual Replication, "VPG Overview" (checkpoints every few seconds),
       https://s3.amazonaws.com/zertodownload_docs/6.0_Latest/ (VPG_Overview_VC.05.5.html)
    .. [2] Microsoft, "Differences between availability modes for an Always On
       availability group", https://learn.microsoft.com/sql/database-engine/
       availability-groups/windows/availability-modes-always-on-availability-groups
    .. [3] Microsoft, "Transaction log backups (SQL Server)": log backups every 15 to 30
       minutes, https://learn.microsoft.com/sql/relational-databases/backup-restore/
       transaction-log-backups-sql-server

    Examples
    --------
    >>> protection_rpo(1.0, 50.0, 450.0, False)  # hourly local snapshots
    1.0
    >>> round(protection_rpo(10 / 3600, 50.0, 450.0, True) * 3600, 2)  # journal, seconds
    11.11
    >>> protection_rpo(10 / 3600, 500.0, 450.0, True)  # the link cannot keep up
    inf
    """
    d, p, r = _f(interval), _f(peak_rate), _f(link_rate)
    far = np.asarray(remote, dtype=bool)
    keeps_up = ~far | (p <= r)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(far & keeps_up & (p > 0.0), p / r, 0.0)
        rpo = d * (1.0 + ratio)
    return _out(np.where(keeps_up, rpo, np.inf))


def protection_rto(
    share: ArrayLike,
    data_size: ArrayLike,
    daily_change: ArrayLike,
    revert_time: ArrayLike,
    mount_time: ArrayLike,
    item_throughput: ArrayLike,
    replay_span: ArrayLike,
    replay_rate: ArrayLike,
) -> Any:
    r"""Recovery time from a protection mechanism, excluding detection and decision.

    Parameters
    ----------
    share : array_like
        Share of the data the incident touches and the item path moves [-].
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day as a fraction of the data [1/day].
    revert_time : array_like
        Whole-data path: volume revert, failover or journal rewind [h]; ``inf`` where the
        mechanism has none.
    mount_time : array_like
        Item path: from its start until data moves [h]; ``inf`` where it has none.
    item_throughput : array_like
        Item path: copy throughput [GB/h].
    replay_span : array_like
        Log replayed on recovery, as the time it covers [h]: since the base (full) backup
        for log backups, the apply delay for a delayed replica; 0 for none.
    replay_rate : array_like
        Log replay (redo apply) throughput in changed data [GB/h].

    Returns
    -------
    float or ndarray
        RTO [h] of the faster path; ``inf`` where neither path exists.

    Notes
    -----
    With :math:`S` the data, :math:`c` the daily change, :math:`s` the share and the
    log of :math:`\tau` hours to replay, :math:`V(\tau) = S c \tau / 24`:

    .. math::
        T_\mathrm{whole} = t_\mathrm{revert} + \frac{V(\tau)}{R_\mathrm{replay}}, \qquad
        T_\mathrm{item} = t_\mathrm{mount} + \frac{s S}{R_\mathrm{item}}
                          + \frac{s V(\tau)}{R_\mathrm{replay}}

    .. math::
        \mathrm{RTO} = \begin{cases} \min(T_\mathrm{whole}, T_\mathrm{item}) & s = 1 \\
        T_\mathrm{item} & s < 1,\ t_\mathrm{mount} < \infty \\
        T_\mathrm{whole} & \text{otherwise} \end{cases}

    A snapshot revert swaps metadata and discards every later write (SnapRestore), so it
    takes minutes whatever the size; an item restore (``volume snapshot restore-file``,
    a Zerto file-level restore) copies only the touched share and keeps the rest. So an
    incident that touches part of the data takes the item path where there is one: the
    revert would throw away every other item's later writes. Only where the whole data is
    damaged, or the mechanism has no item path (a replica), does the whole-data path serve. A log
    backup restore moves the share's base backup and replays the log since it (SQL Server
    RESTORE ... STOPAT); a delayed replica applies its held-back log before it opens.

    References
    ----------
    .. [1] NetApp, "volume snapshot restore" (ONTAP 9.11.1 command reference): replaces
       the volume with the snapshot, losing all later changes,
       https://docs.netapp.com/us-en/ontap-cli-9111/volume-snapshot-restore.html
    .. [2] NetApp, "Restore a single file from an ONTAP snapshot",
       https://docs.netapp.com/us-en/ontap/data-protection/restore-single-file-snapshot-task.html
    .. [3] Microsoft, "Restore a SQL Server database to a point in time (full recovery
       model)", https://learn.microsoft.com/sql/relational-databases/backup-restore/
       restore-a-sql-server-database-to-a-point-in-time-full-recovery-model
    .. [4] Oracle, "DelayMins" (Data Guard Broker), https://docs.oracle.com/en/database/
       oracle/oracle-database/26/dgbkr/delaymins.html

    Examples
    --------
    A 2 GB folder of a 200 TB archive from a snapshot: a 2 min revert would discard the
    later writes of the rest of the archive, so the item path serves, a 5 min mount and
    2 GB at 500 GB/h (0.24 min); when the whole volume is corrupt, the revert serves:

    >>> round(protection_rto(1e-5, 200_000.0, 0.01, 2 / 60, 5 / 60, 500.0, 0.0, 0.0) * 60, 2)
    5.24
    >>> round(protection_rto(1.0, 200_000.0, 0.01, 2 / 60, 5 / 60, 500.0, 0.0, 0.0) * 60, 2)
    2.0

    One 400 GB database restored from its nightly full and replayed for 24 h of log
    (2% change per day, 100 GB/h replay) at 1 TB/h:

    >>> round(protection_rto(0.01, 40_000.0, 0.02, np.inf, 0.1, 1000.0, 24.0, 100.0), 3)
    0.58
    """
    parts = protection_rto_parts(
        share,
        data_size,
        daily_change,
        revert_time,
        mount_time,
        item_throughput,
        replay_span,
        replay_rate,
    )
    return _out(parts["revert"] + parts["mount"] + parts["transfer"] + parts["replay"])


def protection_rto_parts(
    share: ArrayLike,
    data_size: ArrayLike,
    daily_change: ArrayLike,
    revert_time: ArrayLike,
    mount_time: ArrayLike,
    item_throughput: ArrayLike,
    replay_span: ArrayLike,
    replay_rate: ArrayLike,
) -> dict[str, Any]:
    r"""The parts of :func:`protection_rto` on the path it takes: revert, mount, transfer,
    replay.

    Parameters
    ----------
    share : array_like
        Share of the data the incident touches and the item path moves [-].
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day as a fraction of the data [1/day].
    revert_time : array_like
        Whole-data path: volume revert, failover or journal rewind [h]; ``inf``: none.
    mount_time : array_like
        Item path: from its start until data moves [h]; ``inf``: none.
    item_throughput : array_like
        Item path: copy throughput [GB/h].
    replay_span : array_like
        Log replayed on recovery, as the time it covers [h].
    replay_rate : array_like
        Log replay (redo apply) throughput in changed data [GB/h].

    Returns
    -------
    dict of str to float or ndarray
        ``revert`` [h] (the whole-data path's revert or failover; 0 on the item path),
        ``mount`` and ``transfer`` [h] (the item path's start and copy; 0 on the whole-data
        path) and ``replay`` [h] (the log applied on the path taken). They add up to
        :func:`protection_rto`.

    Notes
    -----
    The path is chosen as in :func:`protection_rto`:

    .. math::
        \mathrm{item} \iff (s < 1 \wedge t_\mathrm{mount} < \infty) \vee
        T_\mathrm{item} < T_\mathrm{whole}

    References
    ----------
    .. [1] NetApp, "volume snapshot restore" and "Restore a single file from an ONTAP
       snapshot", https://docs.netapp.com/us-en/ontap-cli-9111/volume-snapshot-restore.html

    Examples
    --------
    >>> p = protection_rto_parts(0.01, 40_000.0, 0.02, np.inf, 0.1, 1000.0, 24.0, 100.0)
    >>> {k: round(v, 3) for k, v in p.items()}
    {'revert': 0.0, 'mount': 0.1, 'transfer': 0.4, 'replay': 0.08}
    """
    s, S, c = _f(share), _f(data_size), _f(daily_change)
    revert, mount = _f(revert_time), _f(mount_time)
    item, span, replay = _f(item_throughput), _f(replay_span), _f(replay_rate)
    log = S * c * span / HOURS_PER_DAY  # [GB] of log to replay for the whole data
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        apply_all = np.where(log > 0.0, log / replay, 0.0)
        copy = np.where(s * S > 0.0, s * S / item, 0.0)
        whole = revert + apply_all
        part = mount + copy + s * apply_all
    # an absent path (inf) stays unbounded; 0/0 never arises (masked above)
    whole = np.where(np.isnan(whole), np.inf, whole)
    part = np.where(np.isnan(part), np.inf, part)
    # a partial incident takes the item path where there is one: a revert would discard
    # the later writes of everything else
    on_item = ((s < 1.0) & np.isfinite(mount)) | (part < whole)
    return {
        "revert": _out(np.where(on_item, 0.0, revert)),
        "mount": _out(np.where(on_item, mount, 0.0)),
        "transfer": _out(np.where(on_item, copy, 0.0)),
        "replay": _out(np.where(on_item, s * apply_all, apply_all)),
    }


def window_covers(detection: ArrayLike, window: ArrayLike) -> Any:
    r"""Whether a mechanism's history still holds a point from before the damage.

    Parameters
    ----------
    detection : array_like
        Time from the damage until it is found [h].
    window : array_like
        How far back the mechanism's points reach [h] (snapshot retention, journal
        history, log-backup retention, replica apply delay).

    Returns
    -------
    bool or ndarray of bool
        True where the window is positive and reaches back past the damage.

    Notes
    -----
    .. math:: \mathrm{covers} = (W > 0) \wedge (t_\mathrm{detect} \le W)

    Damage found later than the window is older than the oldest point: every point the
    mechanism holds already carries it. A replica with no delay (:math:`W = 0`) carries
    logical damage at once.

    References
    ----------
    .. [1] Zerto, "Journal history": 1 to 23 hours or 1 to 30 days; recovery to any
       point within it, https://s3.amazonaws.com/zertodownload_docs/8.0_Latest/
       (ManageJournalvCD.htm)
    .. [2] Microsoft, "log_shipping_secondary_databases": restore_delay, the minutes the
       secondary waits before restoring a log backup, https://learn.microsoft.com/sql/
       relational-databases/system-tables/log-shipping-secondary-databases-transact-sql

    Examples
    --------
    >>> window_covers(1.0, 24.0), window_covers(48.0, 24.0), window_covers(0.0, 0.0)
    (True, False, False)
    """
    d, w = _f(detection), _f(window)
    return _bool_out((w > 0.0) & (d <= w))


_REACH = {"same_storage": 0, "other_storage": 1, "secondary_site": 2, "other_region": 3}
_NEEDS = {"hardware": 1, "site": 2, "region": 3}


def protection_survives(
    scope: ArrayLike,
    placement: ArrayLike,
    immutable: ArrayLike,
    window: ArrayLike,
    detection: ArrayLike,
) -> Any:
    r"""Whether a mechanism's points survive a scenario of the given scope.

    Parameters
    ----------
    scope : array_like of str
        Scenario scope: 'logical', 'ransomware', 'hardware', 'site' or 'region'.
    placement : array_like of str
        Where its points live: 'same_storage', 'other_storage', 'secondary_site' or
        'other_region'.
    immutable : array_like of bool
        Its points are immutable or isolated from the attacker's credentials.
    window : array_like
        How far back its points reach [h].
    detection : array_like
        Time from the damage until it is found [h].

    Returns
    -------
    bool or ndarray of bool
        True where the mechanism holds a usable point after the scenario.

    Notes
    -----
    With :math:`C` = :func:`window_covers` and the reach of the placement
    (same storage 0, other storage 1, secondary site 2, other region 3):

    .. math::
        \mathrm{logical}: C, \quad \mathrm{ransomware}: C \wedge \mathrm{immutable},
        \quad \mathrm{hardware}: \mathrm{reach} \ge 1, \quad \mathrm{site}:
        \mathrm{reach} \ge 2, \quad \mathrm{region}: \mathrm{reach} \ge 3

    Snapshots on the production array die with it; a SnapMirror destination or a journal
    at the recovery site lives through the loss of the primary; only points outside the
    region live through a regional disaster. Logical damage and encryption replicate:
    only a point from before them helps, and encryption spares only points the attacker
    cannot delete (tamperproof snapshots, SafeMode).

    References
    ----------
    .. [1] NetApp, "Maximum number of snapshots supported by ONTAP" (snapshots live in
       the volume), https://kb.netapp.com/onprem/ontap/os/
       Maximum_number_of_snapshots_supported_by_ONTAP
    .. [2] NetApp, "Lock a snapshot for protection against ransomware attacks"
       (tamperproof snapshots, ONTAP 9.12.1), https://docs.netapp.com/us-en/ontap/
       snaplock/snapshot-lock-concept.html
    .. [3] AWS, "Disaster Recovery of Workloads on AWS" (replication carries corruption;
       point-in-time copies are needed), https://docs.aws.amazon.com/whitepapers/latest/
       disaster-recovery-workloads-on-aws/

    Examples
    --------
    >>> protection_survives("logical", "same_storage", False, 168.0, 1.0)
    True
    >>> protection_survives("hardware", "same_storage", False, 168.0, 0.1)
    False
    >>> protection_survives("ransomware", "secondary_site", False, 24.0, 1.0)
    False
    """
    sc = np.asarray(scope, dtype=str)
    pl = np.asarray(placement, dtype=str)
    reach = np.select([pl == k for k in _REACH], list(_REACH.values()), -1)
    needed = np.select([sc == k for k in _NEEDS], list(_NEEDS.values()), 9)
    covers = np.asarray(window_covers(detection, window), dtype=bool)
    locked = np.asarray(immutable, dtype=bool)
    out = np.where(
        sc == "logical",
        covers,
        np.where(sc == "ransomware", covers & locked, reach >= needed),
    )
    return _bool_out(out)


def protection_cost(
    data_size: ArrayLike,
    daily_change: ArrayLike,
    window: ArrayLike,
    price_per_gb_month: ArrayLike,
    full_copy: ArrayLike,
    compute_cost: ArrayLike,
    compute_fraction: ArrayLike,
) -> Any:
    r"""Monthly cost of a protection mechanism, before its licence and amortised setup.

    Parameters
    ----------
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day as a fraction of the data [1/day].
    window : array_like
        How far back its points reach [h]; their change data is kept that long.
    price_per_gb_month : array_like
        Storage price of its change data and copy [currency/(GB month)].
    full_copy : array_like of bool
        It keeps a full copy of the data on other storage (mirror, journal target, replica).
    compute_cost : array_like
        Production compute cost of the workload [currency/month].
    compute_fraction : array_like
        Standby server compute as a fraction of production [-].

    Returns
    -------
    float or ndarray
        Monthly cost [currency/month].

    Notes
    -----
    .. math::
        C = p \left(S c \frac{W}{24} + [\mathrm{full}]\, S\right) + f\, C_\mathrm{compute}

    Snapshots and journals keep the changed blocks of their window (the same unique-change
    model as incremental backups); a mirror, journal target or replica also keeps a full
    copy; a replica runs a server of its own. Its licence (per workload and per TB) is
    costed by :func:`rtocalc.cost.licence_cost`, the one home of software licences, and
    shown with them.

    References
    ----------
    .. [1] NetApp, "Snapshot copies" (copy-on-write: a snapshot consumes space only for
       blocks changed after it), https://docs.netapp.com/us-en/ontap/concepts/
       snapshot-copies-concept.html
    .. [2] Zerto, "Journal size": the journal holds the writes of its history window,
       https://s3.amazonaws.com/zertodownload_docs/8.0_Latest/ (ManageJournalvCD.htm)

    Examples
    --------
    7 days of hourly snapshots of 10 TB changing 3%/day at 0.02 per GB-month:
    10,000 x 0.03 x 7 x 0.02 = 42 per month:

    >>> round(protection_cost(10_000.0, 0.03, 168.0, 0.02, False, 0.0, 0.0), 6)
    42.0
    """
    S, c, w = _f(data_size), _f(daily_change), _f(window)
    kept = S * c * w / HOURS_PER_DAY + np.where(np.asarray(full_copy, dtype=bool), S, 0.0)
    monthly = (
        _f(price_per_gb_month) * kept + _f(compute_fraction) * _f(compute_cost)
    )
    return _out(monthly)

"""Recovery physics: how long backups, copies and restores take, and what they lose.

Formula module: each public function is one pure, vectorised, cited equation.

Every function here is pure and ufunc-like: scalars, lists and arrays broadcast with numpy
rules, a scalar input gives a scalar output, and degenerate cases (zero change, zero
bandwidth) are handled by masks, not branches. Units are the canonical ones of the
library: hours [h], gigabytes [GB] (10^9 bytes), throughput [GB/h], link bandwidth
[Mbit/s], fractions per day [1/day]. Nothing here knows about pydantic or the catalog.

The storage needed for a retention policy lives in :mod:`rtocalc.retention`; money lives
in :mod:`rtocalc.cost`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._array import as_float as _f
from ._array import scalar_out as _out
from .units import GBPH_PER_MBITPS, HOURS_PER_DAY

__all__ = [
    "backup_duration",
    "chain_replay_time",
    "growth_factor",
    "increment_size",
    "link_throughput",
    "max_interval_for_rpo",
    "min_backup_interval",
    "min_interval_for_rto",
    "rpo_async_replication",
    "rpo_backup",
    "rpo_sync_replication",
    "rto_failover",
    "rto_restore",
    "tape_drives",
    "tape_slots",
    "transfer_time",
]


def transfer_time(size: ArrayLike, throughput: ArrayLike) -> Any:
    r"""Time to move a volume of data at a sustained throughput.

    Parameters
    ----------
    size : array_like
        Data to move [GB].
    throughput : array_like
        Sustained throughput [GB/h].

    Returns
    -------
    float or ndarray
        Transfer time [h]; 0 where ``size`` is 0, ``inf`` where ``throughput`` is 0 and
        there is data to move.

    Notes
    -----
    .. math:: t = \frac{S}{R}

    The elementary relation time = volume / rate; every restore and copy time in the
    model is built on it so that no design can move data faster than its pipe allows
    (NIST SP 800-34 Rev. 1, section 3.4.2, asks recovery strategies to be checked against
    the time needed to restore the data).

    References
    ----------
    .. [1] M. Swanson et al., "Contingency Planning Guide for Federal Information
       Systems", NIST SP 800-34 Rev. 1, 2010, sec. 3.4.2.
       https://doi.org/10.6028/NIST.SP.800-34r1

    Examples
    --------
    >>> transfer_time(2000.0, 450.0)  # 2 TB over 1 Gbit/s = 450 GB/h
    4.444444444444445
    """
    s, r = _f(size), _f(throughput)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = s / r
    # nothing to move takes no time; a dead pipe (or no number for one) never finishes
    none, dead = s <= 0.0, ~(r > 0.0)
    if none.any() or dead.any():
        t = np.where(none, 0.0, np.where(dead, np.inf, t))
    return _out(t)


def link_throughput(bandwidth: ArrayLike, data_reduction: ArrayLike = 1.0) -> Any:
    r"""Effective data throughput of a network link carrying reduced backup data.

    Parameters
    ----------
    bandwidth : array_like
        Link bandwidth [Mbit/s].
    data_reduction : array_like, default 1.0
        Data reduction ratio (compression x deduplication) of the data on the wire [-], >= 1.

    Returns
    -------
    float or ndarray
        Throughput in source (logical) data [GB/h].

    Notes
    -----
    .. math:: R = B \cdot 0.45 \cdot r

    1 Mbit/s = 10^6 bit/s = 0.125 MB/s = 0.45 GB/h (decimal units, IEC 80000-13). Backup
    products send compressed, deduplicated blocks, so one byte on the wire carries ``r``
    bytes of source data. Protocol overhead is not modelled; use a smaller bandwidth in
    the catalog to account for it.

    References
    ----------
    .. [1] IEC 80000-13:2008, Quantities and units - Part 13: Information science and
       technology (decimal prefixes for bit and byte).

    Examples
    --------
    >>> link_throughput(1000.0)
    450.0
    >>> link_throughput(100.0, data_reduction=2.0)
    90.0
    """
    return _out(_f(bandwidth) * GBPH_PER_MBITPS * _f(data_reduction))


def growth_factor(annual_growth: ArrayLike, years: ArrayLike) -> Any:
    r"""How many times the data grows in ``years`` of compound growth.

    Parameters
    ----------
    annual_growth : array_like
        Compound growth per year [1/year], e.g. 0.2 for 20 %.
    years : array_like
        Time [year].

    Returns
    -------
    float or ndarray
        The factor :math:`G` [-].

    Notes
    -----
    .. math:: G = (1 + g)^{T}

    Computed with :func:`numpy.power` for scalars and arrays alike: numpy's vectorised
    power (its AVX-512 loops) and the C library's ``pow``, which Python's ``**`` calls,
    differ in the last bits for about one input in twenty, so one workload and the same
    workload on every row of :class:`rtocalc.space.WorkloadColumns` would size their data
    differently. numpy gives a scalar the same bits as each element of an array.

    References
    ----------
    .. [1] R. A. Brealey, S. C. Myers, F. Allen, *Principles of Corporate Finance*, 13th
       ed., McGraw-Hill, 2020, ch. 2 (compound growth, the future value factor
       :math:`(1 + r)^t`).

    Examples
    --------
    >>> round(growth_factor(0.2, 3.0), 6)
    1.728
    >>> growth_factor(0.0, 5.0)
    1.0
    """
    return _out(np.power(1.0 + _f(annual_growth), _f(years)))


def increment_size(data_size: ArrayLike, daily_change: ArrayLike, interval: ArrayLike) -> Any:
    r"""Source data changed between two backups (size of one incremental backup).

    Parameters
    ----------
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day as a fraction of the data [1/day].
    interval : array_like
        Time between backups [h].

    Returns
    -------
    float or ndarray
        Changed source data per backup [GB], before data reduction.

    Notes
    -----
    .. math:: \Delta = D \cdot \min\left(1, c \frac{I}{24}\right)

    The linear per-restore-point change of the standard sizing tools (the daily change
    rate scaled to the interval), capped at the whole data set.

    References
    ----------
    .. [1] Veeam Software, "Veeam Backup & Replication Best Practices: Repository sizing",
       change rate per restore point. https://bp.veeam.com/vbr/2_Design_Structures/D_Veeam_Components/D_backup_repositories/
    .. [2] T. Dewin, "Restore Point Simulator", https://rps.dewin.me (increment = data x
       change rate per point).

    Examples
    --------
    >>> increment_size(4000.0, 0.03, 24.0)
    120.0
    >>> increment_size(4000.0, 0.03, 1.0)
    5.0
    """
    return _out(_f(data_size) * np.minimum(1.0, _f(daily_change) * _f(interval) / HOURS_PER_DAY))


def backup_duration(
    change_size: ArrayLike, throughput: ArrayLike, overhead: ArrayLike = 0.0
) -> Any:
    r"""Duration of one backup job.

    Parameters
    ----------
    change_size : array_like
        Source data the job must read and send [GB].
    throughput : array_like
        Sustained backup throughput [GB/h] (the slowest of source read, target write and,
        for a remote target, the link).
    overhead : array_like, default 0.0
        Fixed time per job: snapshot, metadata, tape mount [h].

    Returns
    -------
    float or ndarray
        Job duration [h].

    Notes
    -----
    .. math:: T_b = T_0 + \frac{\Delta}{R_b}

    References
    ----------
    .. [1] W. C. Preston, "Backup & Recovery", O'Reilly, 2007, ch. 1 ("the backup
       window": a job takes its fixed overhead plus the data over the throughput).

    Examples
    --------
    >>> backup_duration(120.0, 1800.0, overhead=1 / 12)
    0.15
    """
    return _out(_f(overhead) + _f(transfer_time(change_size, throughput)))


def rpo_backup(
    interval: ArrayLike,
    duration: ArrayLike,
    lag: ArrayLike = 0.0,
    *,
    case: str = "worst",
) -> Any:
    r"""Data lost when recovering from scheduled point-in-time backups.

    Parameters
    ----------
    interval : array_like
        Time between backup starts [h].
    duration : array_like
        Time from a backup's start until its restore point is usable at the copy's
        location [h]: the job duration, plus for an off-site copy its transfer time.
    lag : array_like, default 0.0
        Further delay before the copy exists where it survives [h]: the schedule lag of a
        backup copy job or the pickup interval of tape vaulting.
    case : {"worst", "mean"}
        ``"worst"``: the disruption strikes just before the next point is usable;
        ``"mean"``: uniformly distributed disruption time.

    Returns
    -------
    float or ndarray
        Recovery point actually achieved [h] of lost committed data.

    Notes
    -----
    A restore point captures the data at the start of its job. Worst case, the
    disruption strikes just before the next point becomes usable:

    .. math:: \mathrm{RPO}_{worst} = I + T_b + L

    and with the disruption uniformly distributed over the cycle the mean loss is

    .. math:: \mathrm{RPO}_{mean} = \frac{I}{2} + T_b + L

    References
    ----------
    .. [1] NIST SP 800-34 Rev. 1, sec. 3.2.1 (RPO: the point in time to which data must
       be recovered); Appendix C glossary. https://doi.org/10.6028/NIST.SP.800-34r1
    .. [2] ISO/IEC 27031:2011, sec. 3 (recovery point objective).

    Examples
    --------
    >>> rpo_backup(24.0, 0.5)
    24.5
    >>> rpo_backup(24.0, 0.5, lag=168.0)
    192.5
    >>> rpo_backup(24.0, 0.5, case="mean")
    12.5
    """
    if case == "worst":
        factor = 1.0
    elif case == "mean":
        factor = 0.5
    else:
        raise ValueError(f"case: {case!r} is not a case; use 'worst' or 'mean'")
    return _out(factor * _f(interval) + _f(duration) + _f(lag))


def rpo_async_replication(
    daily_write: ArrayLike,
    peak_write_rate: ArrayLike,
    throughput: ArrayLike,
    base_lag: ArrayLike = 0.0,
) -> Any:
    r"""Worst-case data lost with asynchronous replication.

    Parameters
    ----------
    daily_write : array_like
        Unique data written per day that must be replicated [GB/day].
    peak_write_rate : array_like
        Peak write rate [GB/h].
    throughput : array_like
        Replication link throughput [GB/h].
    base_lag : array_like, default 0.0
        Steady-state lag of the replication product when the link keeps up [h].

    Returns
    -------
    float or ndarray
        Replication lag [h]; ``inf`` where the link is slower than the average write rate
        (the backlog grows without bound).

    Notes
    -----
    With average write rate :math:`\bar w = W/24` and the day's change :math:`W` written in
    one burst at the peak rate :math:`p` (the worst case for a given day), a link of
    throughput :math:`R` builds a backlog :math:`(p - R)\,W/p` by the end of the burst,
    which the link drains in :math:`(p - R) W / (p R)` hours:

    .. math::

        \mathrm{RPO}_{async} = \begin{cases}
            L_0 & R \ge p \\
            L_0 + \frac{(p - R)\,W}{p\,R} & \bar w \le R < p \\
            \infty & R < \bar w
        \end{cases}

    References
    ----------
    .. [1] VMware, "vSphere Replication: RPO and bandwidth", which sizes the link from the
       data change rate per RPO window.
       https://docs.vmware.com/en/vSphere-Replication/index.html
    .. [2] L. Kleinrock, "Queueing Systems, Vol. 1", Wiley, 1975, sec. 2.1 (fluid
       backlog of a server slower than its arrivals).

    Examples
    --------
    >>> rpo_async_replication(120.0, 15.0, 45.0, base_lag=0.01)  # link faster than peak
    0.01
    >>> round(rpo_async_replication(120.0, 15.0, 10.0), 3)  # (15-10)*120/(15*10)
    4.0
    >>> rpo_async_replication(120.0, 15.0, 4.0)  # slower than 5 GB/h average
    inf
    """
    w, p, r, lag0 = _f(daily_write), _f(peak_write_rate), _f(throughput), _f(base_lag)
    avg = w / HOURS_PER_DAY
    with np.errstate(divide="ignore", invalid="ignore"):
        backlog = np.where(r >= p, 0.0, (p - r) * w / np.where(p > 0, p, 1.0))
        drain = np.where(backlog > 0.0, backlog / np.where(r > 0, r, 1.0), 0.0)
    keeps_up = (r >= avg) & ((r > 0.0) | (w <= 0.0))
    return _out(np.where(keeps_up, lag0 + drain, np.inf))


def rpo_sync_replication(
    peak_write_rate: ArrayLike,
    throughput: ArrayLike,
    distance: ArrayLike,
    max_distance: ArrayLike,
) -> Any:
    r"""Data lost with synchronous replication: zero, where it can work at all.

    Parameters
    ----------
    peak_write_rate : array_like
        Peak write rate [GB/h].
    throughput : array_like
        Replication link throughput [GB/h].
    distance : array_like
        Distance between the sites [km].
    max_distance : array_like
        Largest distance at which synchronous replication is offered [km].

    Returns
    -------
    float or ndarray
        0 where the link carries the peak write rate and the sites are close enough,
        ``inf`` otherwise (synchronous replication cannot be run).

    Notes
    -----
    .. math:: \mathrm{RPO}_{sync} = 0 \iff R \ge p \wedge d \le d_{max}

    Every write waits for the remote acknowledgement, so the link must carry the peak
    rate and the round-trip time (about 1 ms per 100 km of fibre) must stay small.

    References
    ----------
    .. [1] NetApp, "SnapMirror Synchronous: requirements" (round-trip latency limits).
       https://docs.netapp.com/us-en/ontap/data-protection/snapmirror-synchronous-disaster-recovery-basics-concept.html
    .. [2] ITU-T G.652 fibre propagation delay of about 5 us/km.

    Examples
    --------
    >>> rpo_sync_replication(50.0, 450.0, 40.0, 100.0)
    0.0
    >>> rpo_sync_replication(500.0, 450.0, 40.0, 100.0)
    inf
    """
    p, r, d, dmax = np.broadcast_arrays(
        _f(peak_write_rate), _f(throughput), _f(distance), _f(max_distance)
    )
    return _out(np.where((r >= p) & (d <= dmax), 0.0, np.inf))


def chain_replay_time(increments: ArrayLike, increment: ArrayLike, throughput: ArrayLike) -> Any:
    r"""Extra restore time to apply the incremental backups of a chain after its full.

    Parameters
    ----------
    increments : array_like
        Number of incremental backups to apply after the full [-].
    increment : array_like
        Source size of one incremental backup [GB].
    throughput : array_like
        Restore throughput [GB/h].

    Returns
    -------
    float or ndarray
        Replay time [h].

    Notes
    -----
    .. math:: T_{replay} = n \frac{\Delta}{R}

    Restoring the newest point of a forward chain restores the full and then each
    increment in order; a reverse-incremental chain keeps its newest point as the full
    (n = 0). Longer chains store less but restore slower.

    References
    ----------
    .. [1] W. C. Preston, "Backup & Recovery", O'Reilly, 2007, ch. 2 (restoring a full
       followed by every incremental since).
    .. [2] Veeam Backup & Replication User Guide, "Reverse Incremental Backup": the most
       recent restore point is always a full backup.
       https://helpcenter.veeam.com/docs/backup/vsphere/reverse_incremental_backup.html

    Examples
    --------
    >>> chain_replay_time(6, 120.0, 1800.0)
    0.4
    """
    return _out(_f(increments) * _f(transfer_time(increment, throughput)))


def rto_restore(
    data_size: ArrayLike,
    throughput: ArrayLike,
    *,
    detection: ArrayLike = 0.0,
    decision: ArrayLike = 0.0,
    provisioning: ArrayLike = 0.0,
    retrieval_delay: ArrayLike = 0.0,
    replay: ArrayLike = 0.0,
    share: ArrayLike = 1.0,
    instant_recovery: ArrayLike = np.inf,
    transfer: ArrayLike | None = None,
) -> Any:
    r"""Time to recover a system by restoring its data from a backup copy.

    Parameters
    ----------
    data_size : array_like
        The whole data set [GB] (source size).
    throughput : array_like
        Restore throughput [GB/h]: the smaller of the copy's read throughput and, for a
        remote copy, the link.
    detection : array_like, default 0.0
        From the disruption until the alarm is raised [h].
    decision : array_like, default 0.0
        From the alarm until a person invokes recovery [h] (declaring a disaster).
    provisioning : array_like, default 0.0
        Time to provision infrastructure to restore onto [h].
    retrieval_delay : array_like, default 0.0
        Time before the first byte can be read: archive-tier thaw, tape recall [h].
    replay : array_like, default 0.0
        Time to apply the increments of the chain for the whole data set [h], see
        :func:`chain_replay_time`.
    share : array_like, default 1.0
        Share of the data the incident touches and the restore moves [-], in (0, 1].
    instant_recovery : array_like, default inf
        From the decision until the system serves from the backup files themselves
        (instant recovery, at reduced performance while the data moves behind it) [h],
        with any provisioning it needs; ``inf`` where the copy's target does not allow it.
    transfer : array_like, optional
        :math:`D/R` [h] when the caller has it (:func:`transfer_time`): it then replaces
        ``data_size / throughput``, so evaluations of many scenarios divide once.

    Returns
    -------
    float or ndarray
        Recovery time actually achieved [h]: until the system serves again.

    Notes
    -----
    .. math:: \mathrm{RTO}_{restore} = T_d + T_{dec}
              + \min\left(T_p + T_r + s\left(\frac{D}{R} + T_{replay}\right),\; T_{ir}\right)

    A restore moves the share :math:`s` of the data an incident touches (a file, a
    mailbox, one database: item-level and per-volume restores) and replays that share's
    increments. Instant recovery (Veeam vPower: the system boots from the backup
    repository) serves after :math:`T_{ir}` whatever the data size (where production
    compute survives it needs no provisioning); the full move still completes behind
    it. Without instant recovery no design can beat the data term: it is physics, not a
    choice.

    References
    ----------
    .. [1] NIST SP 800-34 Rev. 1, sec. 3.2.1 and 3.4.2 (RTO; restore from backup) and
       sec. 4.1 (activation phase: outage assessment before the plan is invoked).
       https://doi.org/10.6028/NIST.SP.800-34r1
    .. [2] Amazon Web Services, "Disaster Recovery of Workloads on AWS: Recovery in the
       Cloud", 2021, "Backup and restore".
       https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html
    .. [3] Veeam Backup & Replication User Guide, "Instant Recovery to VMware vSphere":
       the VM starts directly from the compressed and deduplicated backup file, and
       Storage vMotion or Quick Migration moves it to production storage afterwards.
       https://helpcenter.veeam.com/docs/backup/vsphere/instant_recovery.html

    Examples
    --------
    >>> rto_restore(2000.0, 450.0)  # 2 TB over 1 Gbit/s
    4.444444444444445
    >>> rto_restore(2000.0, 450.0, detection=0.25, retrieval_delay=12.0)
    16.694444444444443
    >>> rto_restore(200_000.0, 3600.0, detection=1.0, share=0.001)  # 200 GB of 200 TB
    1.0555555555555556
    >>> rto_restore(6000.0, 3600.0, detection=1.0, instant_recovery=0.1)
    1.1
    """
    # the kernel evaluates this for every row, scenario and path: terms that are the
    # scalar identity of their operation (0 added, 1 multiplied, inf in a minimum) are
    # left out, which changes no result
    move = _f(transfer_time(data_size, throughput) if transfer is None else transfer)
    if not _is(replay, 0.0):
        move = move + _f(replay)
    if not _is(share, 1.0):
        move = _f(share) * move
    before = _f(provisioning) + _f(retrieval_delay)
    if not _is(before, 0.0):
        move = before + move
    if not _is(instant_recovery, np.inf):
        move = np.minimum(move, _f(instant_recovery))
    lead = _f(detection) + _f(decision)
    return _out(lead + move)


def _is(x: ArrayLike, value: float) -> bool:
    """Whether ``x`` is the scalar ``value`` (a 0-d array or a Python number)."""
    return np.ndim(x) == 0 and float(x) == value  # type: ignore[arg-type]


def rto_failover(
    detection: ArrayLike,
    failover_time: ArrayLike,
    *,
    decision: ArrayLike = 0.0,
    automatic: ArrayLike = False,
    health_check: ArrayLike = 0.0,
) -> Any:
    r"""Time to recover a system by failing over to a standby that holds a replica.

    Parameters
    ----------
    detection : array_like
        From the disruption until the alarm is raised [h].
    failover_time : array_like
        The strategy's switch-over time once started [h].
    decision : array_like, default 0.0
        From the alarm until a person orders the failover [h] (declaring a disaster).
    automatic : array_like of bool, default False
        The standby fails over by itself (health checks and a witness decide).
    health_check : array_like, default 0.0
        Time the automatic failover's health checks take to detect and decide [h].

    Returns
    -------
    float or ndarray
        Recovery time [h].

    Notes
    -----
    .. math:: \mathrm{RTO}_{failover} = \begin{cases}
              T_{hc} + T_f & \text{automatic} \\
              T_d + T_{dec} + T_f & \text{manual}
              \end{cases}

    Automatic failover needs a witness (file share, cloud witness, observer) at a third
    site so that the survivor can tell a dead partner from a broken link.

    References
    ----------
    .. [1] Amazon Web Services, "Disaster Recovery of Workloads on AWS", pilot light,
       warm standby and multi-site active/active.
       https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html
    .. [2] Microsoft, "Availability group lease, health check timeout" (health check
       timeout 30 s by default; automatic failover needs synchronous commit).
       https://learn.microsoft.com/sql/database-engine/availability-groups/windows/availability-group-lease-healthcheck-timeout
    .. [3] Oracle, "Data Guard Broker: FastStartFailoverThreshold" (30 s by default; an
       observer decides).
       https://docs.oracle.com/en/database/oracle/oracle-database/26/dgbkr/faststartfailoverthreshold.html

    Examples
    --------
    >>> rto_failover(0.25, 0.5)
    0.75
    >>> rto_failover(0.25, 0.5, decision=1.0)
    1.75
    >>> rto_failover(0.25, 1 / 60, decision=1.0, automatic=True, health_check=0.5 / 60)
    0.025
    """
    manual = (_f(detection) + _f(decision)) + _f(failover_time)
    auto = _f(health_check) + _f(failover_time)
    return _out(np.where(np.asarray(automatic, dtype=bool), auto, manual))


def min_backup_interval(
    data_size: ArrayLike,
    daily_change: ArrayLike,
    throughput: ArrayLike,
    overhead: ArrayLike = 0.0,
) -> Any:
    r"""Shortest backup interval at which each job finishes before the next starts.

    Parameters
    ----------
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day [1/day].
    throughput : array_like
        Backup throughput [GB/h].
    overhead : array_like, default 0.0
        Fixed time per job [h].

    Returns
    -------
    float or ndarray
        Smallest interval :math:`I` with :math:`T_b(I) \le I` [h]; ``inf`` where the
        throughput is zero and there is change to back up.

    Notes
    -----
    With :math:`k = D/R` and :math:`T_b(I) = T_0 + k\min(1, cI/24)` (see
    :func:`backup_duration`, :func:`increment_size`), the condition :math:`T_b(I) \le I`
    holds from

    .. math::

        I_{min} = \begin{cases}
            \frac{T_0}{1 - kc/24} & kc < 24 \text{ and } \frac{T_0}{1-kc/24} \le \frac{24}{c}\\
            T_0 + k & \text{otherwise}
        \end{cases}

    References
    ----------
    .. [1] W. C. Preston, "Backup & Recovery", O'Reilly, 2007, ch. 1 (backup window).

    Examples
    --------
    >>> round(min_backup_interval(4000.0, 0.03, 1800.0, overhead=0.1), 6)
    0.100279
    """
    d, c, r, o = _f(data_size), _f(daily_change), _f(throughput), _f(overhead)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(r > 0, d / np.where(r > 0, r, 1.0), np.where(d * c > 0, np.inf, 0.0))
        slope = k * c / HOURS_PER_DAY
        linear = o / np.where(slope < 1.0, 1.0 - slope, 1.0)
        cap = np.where(c > 0, HOURS_PER_DAY / np.where(c > 0, c, 1.0), np.inf)
        result = np.where((slope < 1.0) & (linear <= cap), linear, o + k)
    return _out(result)


def max_interval_for_rpo(
    rpo: ArrayLike,
    data_size: ArrayLike,
    daily_change: ArrayLike,
    hours_per_gb: ArrayLike,
    fixed: ArrayLike = 0.0,
) -> Any:
    r"""Largest backup interval whose worst-case RPO still meets a target.

    Parameters
    ----------
    rpo : array_like
        Target recovery point [h].
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day [1/day].
    hours_per_gb : array_like
        Hours each GB of changed source data spends in the pipeline before the point is
        usable where it survives [h/GB]: :math:`1/R_b` for the backup, plus
        :math:`1/R_{link}` for an off-site copy sent over the link.
    fixed : array_like, default 0.0
        Time that does not depend on the interval [h]: job overhead and copy lag.

    Returns
    -------
    float or ndarray
        The boundary :math:`I^*` [h]; negative where no interval meets the target.

    Notes
    -----
    The worst-case RPO of :func:`rpo_backup` with :func:`backup_duration` and
    :func:`increment_size` is continuous and increasing in the interval:

    .. math:: \mathrm{RPO}(I) = I + F + sD\min\left(1, \frac{cI}{24}\right)

    so the boundary is solved in closed form instead of sampling a grid:

    .. math::

        I^* = \begin{cases}
            \frac{\mathrm{RPO} - F}{1 + sDc/24} & \text{if } cI^*/24 \le 1 \\
            \mathrm{RPO} - F - sD & \text{otherwise}
        \end{cases}

    References
    ----------
    .. [1] NIST SP 800-34 Rev. 1, sec. 3.4.2 (backup frequency chosen from the RPO).
       https://doi.org/10.6028/NIST.SP.800-34r1

    Examples
    --------
    >>> round(max_interval_for_rpo(4.0, 4000.0, 0.03, 1 / 1800.0, fixed=0.1), 6)
    3.889197
    """
    t, d, c, s, f = _f(rpo), _f(data_size), _f(daily_change), _f(hours_per_gb), _f(fixed)
    # each term at its own broadcast shape: the design's figures once, not once per target
    with np.errstate(invalid="ignore"):
        room = t - f
        linear = room / (1.0 + s * d * c / HOURS_PER_DAY)
        saturated = room - s * d
        result = np.where(c * linear / HOURS_PER_DAY <= 1.0, linear, saturated)
        result = np.where(np.isnan(result), -np.inf, result)
    return _out(result)


def min_interval_for_rto(
    slack: ArrayLike,
    data_size: ArrayLike,
    daily_change: ArrayLike,
    throughput: ArrayLike,
    chain_days: ArrayLike,
    share: ArrayLike = 1.0,
) -> Any:
    r"""Shortest backup interval whose chain replay still fits in a restore's RTO.

    Parameters
    ----------
    slack : array_like
        RTO limit minus every interval-independent term of :func:`rto_restore` [h]
        (detection, provisioning, retrieval delay, data transfer).
    data_size : array_like
        Protected data [GB].
    daily_change : array_like
        Unique change per day [1/day].
    throughput : array_like
        Restore throughput [GB/h].
    chain_days : array_like
        Days of restore points in the chain before its full [day]: the retention days for
        a forever-forward chain, the full period (7) for periodic fulls, 0 for reverse
        incremental.
    share : array_like, default 1.0
        Share of the data the restore moves [-] (:func:`rto_restore`): its replay is
        that share of the chain's.

    Returns
    -------
    float or ndarray
        Smallest interval :math:`I_{lo}` [h] with replay within the slack: ``-inf`` when
        any interval works, ``inf`` when none does (negative slack).

    Notes
    -----
    Restoring the newest point replays :math:`n = 24 T/I - 1` increments of
    :math:`D c I / 24` each (:func:`chain_replay_time`, :func:`increment_size`), in total
    :math:`cD(T - I/24)` of data, which shrinks as the interval grows; a restore of the
    share :math:`s` replays :math:`s` of it. Replay within the slack :math:`\sigma` at
    throughput :math:`R` holds for

    .. math:: I \ge I_{lo} = 24\left(T - \frac{\sigma R}{s c D}\right)

    References
    ----------
    .. [1] W. C. Preston, "Backup & Recovery", O'Reilly, 2007, ch. 2 (restore of a full
       and its incrementals).

    Examples
    --------
    >>> min_interval_for_rto(2.0, 4000.0, 0.03, 1800.0, 14.0)  # 24 (14 - 2*1800/120)
    -384.0
    >>> min_interval_for_rto(-0.5, 4000.0, 0.03, 1800.0, 14.0)
    inf
    """
    sl, d, c, r, days = (_f(slack), _f(data_size), _f(daily_change), _f(throughput), _f(chain_days))
    change = (c * d) * _f(share)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = HOURS_PER_DAY * (days - sl * r / np.where(change > 0, change, 1.0))
    lo = np.where((change <= 0) | (days <= 0), -np.inf, lo)
    return _out(np.where(sl < 0, np.inf, lo))


def tape_drives(data_gb: ArrayLike, drive_throughput: ArrayLike, window: ArrayLike) -> Any:
    r"""Tape drives needed to write an amount of data within a backup window.

    Parameters
    ----------
    data_gb : array_like
        Data written to tape in one window [GB] (stored, reduced size).
    drive_throughput : array_like
        Sustained native write rate of one drive [GB/h], > 0.
    window : array_like
        Time the drives may run for it [h], > 0.

    Returns
    -------
    float or ndarray
        Whole drives [-], at least 1.

    Notes
    -----
    Drives write in parallel (one job stream each), so the drive hours are shared:

    .. math:: d = \max\left(1, \left\lceil \frac{S}{r\, W} \right\rceil\right)

    References
    ----------
    .. [1] LTO Program, "The LTO Program releases specifications for upcoming Generation 9",
       2020-09-09 (18 TB native per cartridge); LTO-9 full-height drives write 400 MB/s
       native (itjungle.com, "LTO-9 Drives and Cartridges Finally Get Out the Door",
       2021-09-08).

    Examples
    --------
    >>> tape_drives(5184.0, 1440.0, 12.0)  # 5.2 TB at 400 MB/s in a 12 h window
    1.0
    >>> tape_drives(100000.0, 1440.0, 24.0)  # 100 TB in a day: 69.4 drive hours
    3.0
    """
    hours = _f(data_gb) / _f(drive_throughput)
    return _out(np.maximum(np.ceil(hours / _f(window) - 1e-9), 1.0))


def tape_slots(stored_gb: ArrayLike, cartridge_gb: ArrayLike, spare: ArrayLike = 0.0) -> Any:
    r"""Library slots for the cartridges a tape copy keeps in the library.

    Parameters
    ----------
    stored_gb : array_like
        Data kept on cartridges in the library [GB] (stored, reduced size).
    cartridge_gb : array_like
        Native capacity of one cartridge [GB], > 0.
    spare : array_like, default 0
        Slots kept free for scratch cartridges and cleaning [-].

    Returns
    -------
    float or ndarray
        Slots [-].

    Notes
    -----
    .. math:: n = \left\lceil \frac{S}{c} \right\rceil + n_{spare}

    Cartridges sent to a vault leave the library: count only what stays in it.

    References
    ----------
    .. [1] LTO Program, "LTO-9 specifications", 2020-09-09: 18 TB native per cartridge.

    Examples
    --------
    >>> tape_slots(105000.0, 18000.0)
    6.0
    >>> tape_slots(105000.0, 18000.0, spare=2)
    8.0
    """
    return _out(np.ceil(_f(stored_gb) / _f(cartridge_gb) - 1e-9) + _f(spare))

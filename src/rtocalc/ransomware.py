"""Ransomware as its own outage clock: the time before restores start, the clean-point search.

Formula module: each public function is one pure, vectorised, cited equation.

After ransomware, restores do not start when the encryption is noticed: containment,
forensics and a clean environment come first, and restore points younger than the
intrusion may carry the attacker's foothold. The shipped ransomware scenario
(``rtocalc/data/scenarios.toml``) takes its figures from published surveys through the
functions here:

- :func:`survey_quantile`: a quantile of a survey's recovery time, read from the shares
  of victims it reports within each time bracket;
- :func:`time_before_restore`: the survey's recovery time less the restore itself (a
  survey's recovery time includes it; the model adds its own restore, so it is not
  counted twice);
- :func:`clean_point_time`: scanning the restore point before it returns to production,
  where the intrusion precedes the encryption (the attacker's dwell time);
- :func:`holds_clean_point`: whether a copy's retained points reach back past the
  intrusion (the rebuild of compromised systems needs a point from before it);
- :func:`clean_room_cost`: the monthly cost of an isolated recovery environment (a clean
  room, catalog section ``[isolated_recovery]``), which shortens containment and
  provisioning after ransomware.

Every function is pure and ufunc-like (scalars and arrays broadcast; scalar in, scalar
out). Units: hours [h], GB, GB/h, fractions [-].
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._array import as_float as _f
from ._array import scalar_out as _out
from .cost import amortised_cost

__all__ = [
    "clean_point_time",
    "clean_room_cost",
    "holds_clean_point",
    "survey_quantile",
    "time_before_restore",
]


def survey_quantile(bounds: ArrayLike, shares: ArrayLike, q: ArrayLike) -> Any:
    r"""A quantile of a duration that a survey reports as shares of victims per bracket.

    Parameters
    ----------
    bounds : array_like
        Upper bounds of the survey's brackets, increasing [h] (e.g. one week, one month).
    shares : array_like
        Share of victims within each bound (cumulative, non-decreasing) [-].
    q : array_like
        The quantile wanted [-] (0.5: the median).

    Returns
    -------
    float or ndarray
        The duration at quantile ``q`` [h], linear between the brackets (and from 0 at
        0 h below the first); ``inf`` where ``q`` is above the last share (the survey does
        not bound it).

    Notes
    -----
    With bounds :math:`t_k` and cumulative shares :math:`F_k` (:math:`t_0 = 0`,
    :math:`F_0 = 0`), for :math:`F_{k-1} < q \le F_k`:

    .. math:: t_q = t_{k-1} + \frac{q - F_{k-1}}{F_k - F_{k-1}}\,(t_k - t_{k-1})

    Linear interpolation of an empirical distribution function between its points
    (Hyndman and Fan's definition 4 applied to grouped data).

    References
    ----------
    .. [1] Sophos, "The State of Ransomware 2024" (5,000 organisations, 14 countries,
       April 2024): 35% of victims fully recovered within a week, 34% took more than a
       month (66% within a month).
    .. [2] R. J. Hyndman and Y. Fan, "Sample Quantiles in Statistical Packages", The
       American Statistician 50(4), 1996, pp. 361-365.

    Examples
    --------
    The median recovery of the 2024 survey, between one week (168 h, 35%) and one month
    (720 h, 66%): about 18 days.

    >>> round(survey_quantile([168.0, 720.0], [0.35, 0.66], 0.5) / 24, 1)
    18.1
    """
    t = np.concatenate([[0.0], np.asarray(bounds, dtype=float).ravel()])
    f = np.concatenate([[0.0], np.asarray(shares, dtype=float).ravel()])
    if t.size < 2 or np.any(np.diff(t) <= 0) or np.any(np.diff(f) < 0) or f[-1] > 1.0:
        raise ValueError(
            f"bounds, shares: {t[1:].tolist()!r}, {f[1:].tolist()!r} are not a survey's "
            "brackets; give increasing bounds [h] and non-decreasing cumulative shares "
            "within [0, 1], e.g. [168, 720] and [0.35, 0.66]"
        )
    qq = _f(q)
    inside = np.interp(np.minimum(qq, f[-1]), f, t)
    return _out(np.where(qq > f[-1], np.inf, inside))


def time_before_restore(recovery_time: ArrayLike, restore_time: ArrayLike) -> Any:
    r"""The time before restores may start, from a survey's recovery time.

    Parameters
    ----------
    recovery_time : array_like
        A survey's time from the attack until the victim fully recovered [h].
    restore_time : array_like
        The part of it spent restoring and verifying the data [h] (the model computes
        its own restore of the design's copy).

    Returns
    -------
    float or ndarray
        The time before restores start [h] (containment, forensics, a clean
        environment), at least 0.

    Notes
    -----
    .. math:: T_{cont} = \max(T_{survey} - T_{restore},\ 0)

    A survey's recovery time includes the restore itself; the model adds its own restore
    of the scenario's share (detection, decision, containment, provisioning, transfer),
    so the restore is taken out here and never counted twice.

    References
    ----------
    .. [1] Sophos, "The State of Ransomware 2025" (3,400 victims, 17 countries, June
       2025): 53% fully recovered within a week.
    .. [2] NIST SP 800-61 Rev. 2, "Computer Security Incident Handling Guide", sec. 3.3:
       containment, eradication and recovery, in that order.

    Examples
    --------
    A median recovery of one week, of which two days restore and verify the estate:

    >>> time_before_restore(7 * 24.0, 2 * 24.0) / 24
    5.0
    """
    return _out(np.maximum(_f(recovery_time) - _f(restore_time), 0.0))


def clean_point_time(
    share: ArrayLike, data_size: ArrayLike, scan_rate: ArrayLike, dwell: ArrayLike
) -> Any:
    r"""Scanning the restore point for the attacker's foothold before it returns [h].

    Parameters
    ----------
    share : array_like
        Share of the data the incident touches (the restore moves it) [-].
    data_size : array_like
        The data set [GB].
    scan_rate : array_like
        Scan throughput [GB/h]; ``inf`` for no scan.
    dwell : array_like
        Time from the intrusion to the encryption [h].

    Returns
    -------
    float or ndarray
        The scan time [h]; 0 where the dwell is 0 (the newest point before the damage is
        older than the intrusion) or there is no scan.

    Notes
    -----
    .. math:: T_{scan} = [\tau > 0]\,\frac{s\,D}{R_{scan}}

    The data comes from the newest point before the encryption (the RPO is measured
    from it as for any restore). With a dwell :math:`\tau > 0`, that point is younger
    than the intrusion and may hold the attacker's tools or persistence, so it is
    scanned before it returns to production (Veeam Secure Restore scans the mounted
    point with an antivirus engine; an infected system is rebuilt from a point older
    than the intrusion, see :func:`holds_clean_point`). Older data is needed only where
    the data itself was tampered with, which the scenario's share does not model.

    References
    ----------
    .. [1] Veeam Backup & Replication User Guide, "Secure Restore": the mounted restore
       point is scanned with antivirus software before the restore.
    .. [2] Mandiant, "M-Trends 2024": global median dwell time 10 days in 2023 (5 days
       in ransomware cases).

    Examples
    --------
    The whole of a 6 TB system at 500 GB/h after a 10-day dwell:

    >>> clean_point_time(1.0, 6000.0, 500.0, 240.0)
    12.0
    """
    s, d, r, tau = _f(share), _f(data_size), _f(scan_rate), _f(dwell)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where((tau > 0.0) & np.isfinite(r) & (r > 0.0), s * d / r, 0.0)
    return _out(t)


def holds_clean_point(span: ArrayLike, dwell: ArrayLike, detection: ArrayLike = 0.0) -> Any:
    r"""Whether a copy's retained points reach back past the intrusion.

    Parameters
    ----------
    span : array_like
        How far back the copy's retained points reach [h] (days of daily points times
        24, a snapshot window, the age of the oldest long-term point).
    dwell : array_like
        Time from the intrusion to the encryption [h].
    detection : array_like, default 0.0
        Time from the encryption until it is found [h] (points keep expiring meanwhile).

    Returns
    -------
    bool or ndarray of bool
        True where the oldest retained point predates the intrusion.

    Notes
    -----
    .. math:: \mathrm{clean} = \mathrm{span} \ge \tau + t_{detect}

    A system found compromised by the scan of :func:`clean_point_time` is rebuilt from a
    point older than the intrusion (its data from the newest point). A copy whose points
    all postdate the intrusion holds no such point: the intrusion must be within the
    retention, so with a median dwell of 10 days a 7-day snapshot window does not reach
    it, 14 days of daily backups do.

    References
    ----------
    .. [1] Mandiant, "M-Trends 2024": global median dwell time 10 days in 2023.
    .. [2] CISA, "#StopRansomware Guide" (2023), part 2: restore systems from a known
       clean point, rebuilding from images older than the compromise.

    Examples
    --------
    >>> holds_clean_point(14 * 24.0, 240.0, 1.0), holds_clean_point(7 * 24.0, 240.0, 1.0)
    (True, False)
    """
    ok = _f(span) >= _f(dwell) + _f(detection)
    arr = np.asarray(ok, dtype=bool)
    return bool(arr) if arr.ndim == 0 else arr


def clean_room_cost(
    price_per_month: ArrayLike,
    price_per_tb_month: ArrayLike,
    data_size: ArrayLike,
    setup_cost: ArrayLike,
    years: ArrayLike,
) -> Any:
    r"""Monthly cost of an isolated recovery environment (a clean room) [currency/month].

    Parameters
    ----------
    price_per_month : array_like
        Its standing cost: isolated account or vault, jump hosts, scanners
        [currency/month].
    price_per_tb_month : array_like
        Capacity held per TB of the protected data [currency/(TB month)].
    data_size : array_like
        The protected data [GB].
    setup_cost : array_like
        One-off design, build and runbook [currency].
    years : array_like
        Straight-line amortisation period of the setup [year], > 0.

    Returns
    -------
    float or ndarray
        Cost per month [currency/month].

    Notes
    -----
    .. math:: C = p + p_{TB}\,\frac{D}{1000} + \frac{C_{setup}}{12\,Y}

    The setup is amortised straight-line as every one-off cost of the model
    (:func:`rtocalc.cost.amortised_cost` with no interest).

    References
    ----------
    .. [1] NIST SP 800-209, "Security Guidelines for Storage Infrastructure" (2020), sec.
       4.10: isolated recovery environments for restoring after ransomware.
    .. [2] Amazon EC2 On-Demand pricing, us-east-1 (read 2026-12-05): m6i.large
       USD 0.096 per hour (about USD 70 per month), the size of a jump host or scanner.

    Examples
    --------
    A cloud clean room at USD 300/month standing cost and USD 20,000 setup over 3 years,
    for 6 TB with no capacity price:

    >>> round(clean_room_cost(300.0, 0.0, 6000.0, 20000.0, 3.0), 2)
    855.56
    """
    p, p_tb, d = _f(price_per_month), _f(price_per_tb_month), _f(data_size)
    return _out(p + p_tb * d / 1000.0 + _f(amortised_cost(setup_cost, years)))

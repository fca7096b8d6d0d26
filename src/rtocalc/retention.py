r"""Storage needed by a backup retention policy, in closed form.

Formula module: each public function is one pure, vectorised, cited equation.

A retention policy keeps a short-term chain of restore points (forever forward
incremental, reverse incremental, or forward incremental with periodic synthetic or
active fulls) and, optionally, long-term grandfather-father-son (GFS) full backups kept
for weeks, months and years. The restore-point simulators (Timothy Dewin's Restore Point
Simulator, rps.dewin.me, and the Veeam calculator) step through the schedule day by day
and report the worst moment. This module gives the same worst moment as a closed form,
so that an optimiser can evaluate 10^5 designs at once with numpy: there is no
day-by-day loop.

:func:`retention_storage` is the validated, public entry point and returns a
:class:`StorageEstimate`. ``retention_columns`` is the unvalidated vectorised core used
by the optimiser on whole columns of designs. :func:`unique_change` gives the fraction
of the data a block-cloned GFS full stores over the next newer point (by default RPS's
empirical ReFS table). The model, its equations and its assumptions are written out in
``docs/retention.md`` and in the Notes of :func:`retention_storage`.

Units are the library's canonical ones: sizes in GB (10^9 bytes), intervals in hours,
change rates as fractions per day; a month is 1/12 of a 365-day year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from ._array import as_float as _f
from ._frozen import RESULT_CONFIG
from ._render import Column, Document, Rendered, Table
from .models import SCHEMES as DESIGN_SCHEMES
from .physics import growth_factor
from .units import (
    HOURS_PER_DAY,
    HOURS_PER_MONTH,
    HOURS_PER_WEEK,
    HOURS_PER_YEAR,
    MONTHS,
    gfs_day,
    gfs_month,
    gfs_quarter_month,
    gfs_weekday,
)

__all__ = [
    "GFS_CHANGE_METHODS",
    "SCHEMES",
    "StorageEstimate",
    "gfs_nesting",
    "retention_storage",
    "unique_change",
]

FloatArray = NDArray[np.float64]

#: Backup chain schemes; a scheme's integer code is its index in this tuple: the schemes
#: a design may choose (:data:`rtocalc.models.SCHEMES`, in their order), then the
#: off-site backup copy's chain.
SCHEMES: tuple[str, ...] = (*DESIGN_SCHEMES, "backup_copy")
_FOREVER_FORWARD, _REVERSE, _SYNTHETIC_FULL, _ACTIVE_FULL, _BACKUP_COPY = range(len(SCHEMES))

_DAYS_PER_WEEK = HOURS_PER_WEEK / HOURS_PER_DAY  # 7
_DAYS_PER_MONTH = HOURS_PER_MONTH / HOURS_PER_DAY  # 30.4167 (1/12 of 365 days)
_DAYS_PER_YEAR = HOURS_PER_YEAR / HOURS_PER_DAY  # 365
_DAYS_PER_QUARTER = 3.0 * _DAYS_PER_MONTH  # 91.25
# Monthly fulls on the first Saturday of each month (RPS activeMonthDay 5, activeMonthWeek
# 1) are 28 or 35 days apart.
_MONTHLY_FULL_DAYS = (35.0, 28.0)
_EPS = 1e-9  # guards floor() of ratios that are whole numbers up to rounding

#: Models of the unique changed fraction between two block-cloned points (unique_change).
GFS_CHANGE_METHODS: tuple[str, ...] = ("rps", "independent")

# RPS pureengine.js, refsdiffperct, refsMethod 4 (the default): the changed fraction is
# _RPS_FACTORS[i] * c for a gap d < _RPS_EDGES[i] days (first such i), 100 % beyond.
_RPS_EDGES = np.array([2.0, 14.0, 38.0, 100.0, 193.0, 286.0, 379.0])
_RPS_FACTORS = np.array([1.0, 3.0, 5.0, 9.0, 12.0, 15.0, 18.0])


def _scheme_error(value: object) -> ValueError:
    names = ", ".join(repr(s) for s in SCHEMES)
    return ValueError(f"scheme: {value!r} is not a chain scheme; use one of {names}")


def _scheme_codes(scheme: ArrayLike | str) -> NDArray[np.int64]:
    """Scheme names or integer codes as an integer code array (index into SCHEMES)."""
    arr = np.asarray(scheme)
    if arr.dtype.kind in "USO":
        lookup = {name: code for code, name in enumerate(SCHEMES)}
        flat = arr.ravel()
        if arr.dtype.kind == "O" and not all(isinstance(x, str) for x in flat.tolist()):
            raise _scheme_error(next(x for x in flat.tolist() if not isinstance(x, str)))
        names, inverse = np.unique(flat.astype(str), return_inverse=True)
        codes = []
        for item in names.tolist():
            if item not in lookup:
                raise _scheme_error(item)
            codes.append(lookup[item])
        return np.asarray(codes, dtype=np.int64)[inverse].reshape(arr.shape)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise _scheme_error(arr.ravel()[0] if arr.ndim else arr.item())
    codes_arr = arr.astype(np.int64)
    if np.any((codes_arr < 0) | (codes_arr >= len(SCHEMES))):
        raise _scheme_error(codes_arr[(codes_arr < 0) | (codes_arr >= len(SCHEMES))].ravel()[0])
    return codes_arr


def _gfs_method(value: object, name: str = "gfs_change_method") -> str:
    """``value`` if it names a model of GFS_CHANGE_METHODS, else a ValueError naming it."""
    if isinstance(value, str) and value in GFS_CHANGE_METHODS:
        return value
    names = ", ".join(repr(m) for m in GFS_CHANGE_METHODS)
    raise ValueError(f"{name}: {value!r} is not a GFS change model; use one of {names}")


def _unique_change(days: ArrayLike, daily_change: ArrayLike, method: str) -> FloatArray:
    """Unvalidated core of :func:`unique_change` (``method`` is checked); float array."""
    method = _gfs_method(method, "method")
    d = _f(days)
    c = _f(daily_change)
    if method == "independent":
        # 1 - (1 - c)^d, written with expm1/log1p so that tiny rates keep their precision
        with np.errstate(divide="ignore", invalid="ignore"):
            u = -np.expm1(d * np.log1p(-np.minimum(c, 1.0)))
        u = np.where(c >= 1.0, 1.0, u)
        return np.asarray(np.where((c > 0.0) & (d > 0.0), u, 0.0), dtype=float)
    i = np.searchsorted(_RPS_EDGES, d, side="right")  # first edge above d
    beyond = i >= len(_RPS_EDGES)
    base = np.where(beyond, 1.0, _RPS_FACTORS[np.minimum(i, len(_RPS_FACTORS) - 1)] * c)
    with np.errstate(invalid="ignore"):  # inf days x no change: limit 0, not nan
        inject_limit = np.where(c > 0.0, np.maximum(d, 1.0) * c, 0.0)  # the gap's change
    return np.asarray(np.maximum(np.minimum(np.minimum(base, 1.0), inject_limit), c), dtype=float)


def _geo(
    first: FloatArray, count: FloatArray, step: float | FloatArray, log_rho: FloatArray
) -> FloatArray:
    """``sum(rho ** (first + i * step) for i in range(count))`` in closed form.

    ``log_rho`` <= 0 is the log of the size ratio of a point one unit older; ``count``
    may be 0.
    """
    n = np.maximum(count, 0.0)
    lq = log_rho * step
    den = -np.expm1(lq)  # 1 - q
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den > 0.0, -np.expm1(n * lq) / den, n)
    return np.asarray(np.exp(log_rho * first) * ratio, dtype=float)


def _credits(
    nest: ArrayLike, counts: Sequence[FloatArray]
) -> tuple[list[NDArray[np.bool_]], list[bool], list[bool]]:
    """Which tiers may count points the chain and finer tiers hold, on a calendar.

    ``nest`` is :func:`gfs_nesting`, ``counts`` the points kept per tier. A tier takes
    the cover of the chain and of the finer tiers only when it nests in every finer tier
    that keeps points: those tiers then nest in one another (the calendar's days are
    transitive), their covers add up as on the default calendar, and one more point of
    one tier moves the junction of one coarser tier only, which keeps storage monotone
    in every count (one more point of a tier a coarser one does not nest in only takes
    that tier's credit away). A tier that does not gets no credit (on the safe side).
    Returns, per tier, whether it is credited (bool arrays), and whether weekly or
    monthly chain fulls fall on its day.
    """
    nest = np.asarray(nest, dtype=bool)
    eligible = []
    for i in range(4):
        ok = np.ones(np.shape(counts[0]), dtype=bool)
        for j in range(i):
            if not nest[i, j]:
                ok = ok & ~(np.asarray(counts[j]) > 0.0)
        eligible.append(ok)
    on_weekly = [True, bool(nest[1, 0]), bool(nest[2, 0]), bool(nest[3, 0])]
    # A monthly full is also a weekly point (on a weekly day), but crediting it to both
    # tiers lets one more full save two GFS fulls, so that one more kept point could
    # store less (2366 -> 2248 GB for 35 -> 36 points, test_one_more_point_on_calendars_
    # that_share_fewer_points): it is credited to the monthly tier and those nested there.
    on_monthly = [False, True, bool(nest[2, 1]), bool(nest[3, 1])]
    return eligible, on_weekly, on_monthly


class _Columns(NamedTuple):
    """All outputs of the vectorised core (arrays of one broadcast shape)."""

    stored_gb: FloatArray
    fulls: FloatArray
    increments: FloatArray
    short_term_gb: FloatArray
    long_term_gb: FloatArray
    gfs_points: FloatArray


def retention_columns(
    data_size: ArrayLike,
    change_per_point: ArrayLike,
    *,
    data_reduction: ArrayLike = 1.0,
    scheme_code: ArrayLike | str = 0,
    points: ArrayLike = 14,
    full_every: ArrayLike = 7,
    weekly: ArrayLike = 0,
    monthly: ArrayLike = 0,
    yearly: ArrayLike = 0,
    block_clone: ArrayLike = False,
    point_days: ArrayLike = 1.0,
    daily_change: ArrayLike | None = None,
    growth_factor: ArrayLike = 1.0,
    annual_growth: ArrayLike = 0.0,
    gfs_change_weekly: ArrayLike | None = None,
    gfs_change_monthly: ArrayLike | None = None,
    gfs_change_yearly: ArrayLike | None = None,
    gfs_change_method: str = "rps",
    quarterly: ArrayLike = 0,
    full_every_min: ArrayLike | None = None,
    gfs_change_quarterly: ArrayLike | None = None,
    nesting: ArrayLike | None = None,
) -> _Columns:
    r"""Worst-moment storage of a retention policy for whole columns of designs.

    Private, unvalidated and pure: every argument broadcasts with numpy rules and every
    output is a float array of the broadcast shape. :func:`retention_storage` validates
    its inputs, converts the schedule to points, and calls this core; see its Notes and
    ``docs/retention.md`` for the equations.

    Parameters
    ----------
    data_size : array_like
        Source data size at the start of the horizon [GB].
    change_per_point : array_like
        Fraction of the data changed between two restore points [-], in [0, 1].
    data_reduction : array_like, default 1.0
        Compression x deduplication ratio of the backup files [-], >= 1.
    scheme_code : array_like of int, or str, default 0
        Chain scheme: index into :data:`SCHEMES` (0 forever_forward, 1 reverse,
        2 synthetic_full, 3 active_full, 4 backup_copy), or a scheme name.
    points : array_like, default 14
        Short-term restore points kept [-], >= 1 (rounded to a whole number).
    full_every : array_like, default 7
        Restore points per full period of the periodic schemes [-], >= 1 (1 means every
        point is a full); for calendar fulls the longest period. Ignored by the other
        schemes.
    weekly, monthly, yearly : array_like, default 0
        GFS full points kept per tier [-].
    block_clone : array_like of bool or 0/1, default False
        Whether the target fast-clones (ReFS / XFS reflink Fast Clone).
    point_days : array_like, default 1.0
        Time between restore points [day] (interval / 24 h).
    daily_change : array_like, optional
        Fraction of the data changed per day [1/day]; default ``change_per_point /
        point_days``. Used by the ``'independent'`` GFS change model only; the ``'rps'``
        table takes the change per restore point, as the simulator does.
    growth_factor : array_like, default 1.0
        Data size at the end of the horizon over ``data_size`` [-], ``(1+g)**years``.
    annual_growth : array_like, default 0.0
        Annual data growth ``g`` [1/year]: a point ``a`` days older than the end of the
        horizon is sized ``growth_factor * (1+g)**(-a/365)``.
    gfs_change_weekly, gfs_change_monthly, gfs_change_yearly : array_like, optional
        Unique changed fraction between two consecutive GFS points of the tier [-];
        default :func:`unique_change` of the tier's period (7, 365/12, 365 days).
    gfs_change_method : {'rps', 'independent'}, default 'rps'
        Model of the defaults above (see :func:`unique_change`).
    quarterly : array_like, default 0
        Quarterly GFS full points kept [-].
    full_every_min : array_like, optional
        Restore points of the shortest full period [-] (calendar fulls: 28 days of a
        month against 35 for the longest); default ``full_every``.
    gfs_change_quarterly : array_like, optional
        As ``gfs_change_weekly`` for the quarterly tier (3 x 365/12 days).
    nesting : array_like of bool, shape (4, 4), optional
        :func:`gfs_nesting` of the GFS calendar (one for every design); default the
        simulator's calendar, on which every tier nests in every finer one.

    Returns
    -------
    _Columns
        ``stored_gb`` (total GB at the worst moment), ``fulls`` and ``increments`` of
        the short-term chain then, ``short_term_gb``, ``long_term_gb`` and
        ``gfs_points`` (GFS fulls kept outside the chain).

    Notes
    -----
    With :math:`N_j = p + j - 1` points and :math:`F_j` fulls in the chain when the
    oldest retained point is the :math:`j`-th of its chain, the chain stores
    :math:`\frac{D G}{r}\left[\sum_{\rm fulls}\rho^{a} + c\sum_{\rm incs}\rho^{a}\right]`
    (:math:`a` the age of a point in restore points, :math:`\rho = (1+g)^{-\Delta/365}`),
    and tier :math:`T` adds :math:`n_T - k_T` fulls outside the chain, :math:`k_T` being
    the fewest of its points that the chain and the finer tiers always hold.

    Examples
    --------
    >>> cols = retention_columns(
    ...     1000.0, 0.05, data_reduction=2.0, scheme_code=[0, 1, 2, 3], points=14
    ... )
    >>> cols.fulls.tolist(), cols.increments.tolist()
    ([1.0, 1.0, 3.0, 3.0], [13.0, 13.0, 17.0, 17.0])
    >>> cols.stored_gb.tolist()
    [825.0, 825.0, 1925.0, 1925.0]
    """
    code = _scheme_codes(scheme_code)
    gfs_change_method = _gfs_method(gfs_change_method)
    D = _f(data_size)
    c = np.clip(_f(change_per_point), 0.0, 1.0)
    r = _f(data_reduction)
    p = np.maximum(np.floor(_f(points) + 0.5), 1.0)
    W, M, Q, Y = (
        np.maximum(np.floor(_f(x) + 0.5), 0.0) for x in (weekly, monthly, quarterly, yearly)
    )
    dt = _f(point_days)
    bc = np.asarray(block_clone).astype(bool)
    G = _f(growth_factor)
    g = _f(annual_growth)
    cd = np.clip(c / dt if daily_change is None else _f(daily_change), 0.0, 1.0)
    fe = _f(full_every)
    fe_min = fe if full_every_min is None else _f(full_every_min)
    (code, D, c, r, p, W, M, Q, Y, dt, bc, G, g, cd, fe, fe_min) = np.broadcast_arrays(
        code, D, c, r, p, W, M, Q, Y, dt, bc, G, g, cd, fe, fe_min
    )

    # The RPS table (refsdiffperct) scales the change rate of one run (R8 of issue 14);
    # the independent model compounds the change per day.
    c_gap = c if gfs_change_method == "rps" else cd

    def u(given: ArrayLike | None, days: ArrayLike) -> FloatArray:
        """Unique change over a gap of ``days`` between two kept fulls, given or modelled."""
        if given is not None:
            return np.broadcast_to(np.clip(_f(given), 0.0, 1.0), D.shape)
        modelled = _unique_change(days, c_gap, gfs_change_method)
        # never more than the change the restore points wrote in the gap (matters only
        # for points more than a day apart, where RPS's per-run table would exceed it)
        with np.errstate(invalid="ignore"):
            written = np.where(c > 0.0, _f(days) * c / dt, 0.0)
        return np.clip(np.minimum(modelled, np.maximum(written, c)), 0.0, 1.0)

    full_gb = D / r  # one full at the initial data size
    clone_chain = bc & (code == _SYNTHETIC_FULL)  # synthetic fulls are fast-cloned
    clone_gfs = bc & (code != _ACTIVE_FULL)  # GFS fulls are cloned unless read actively
    # Size of a point one restore point older, relative (growth extrapolated backwards).
    log_day = -np.log1p(g) / _DAYS_PER_YEAR  # log of the size ratio one day older
    log_rho = log_day * dt  # ... one restore point older
    shrink = -np.expm1(log_rho)  # 1 - rho, accurately

    periodic = (code == _SYNTHETIC_FULL) | (code == _ACTIVE_FULL)
    f = np.where(periodic, np.maximum(np.floor(fe + 0.5), 1.0), 1.0)  # longest period
    f_lo = np.where(periodic, np.clip(np.floor(fe_min + 0.5), 1.0, f), 1.0)  # shortest
    # Two GFS points are never closer than the files that can carry the flags: two
    # restore points (a forever chain's), or two fulls of a periodic chain (a primary
    # job flags only its fulls). A tier's period is at least that spacing, in the ages,
    # the covers and the unique change alike (it changes nothing while the files are at
    # most a week apart).
    spacing = np.where(periodic, f_lo * dt, dt)
    periods = tuple(
        np.maximum(P, spacing)
        for P in (_DAYS_PER_WEEK, _DAYS_PER_MONTH, _DAYS_PER_QUARTER, _DAYS_PER_YEAR)
    )
    counts = (W, M, Q, Y)
    given = (gfs_change_weekly, gfs_change_monthly, gfs_change_quarterly, gfs_change_yearly)
    cost = [np.where(clone_gfs, u(x, P), 1.0) for x, P in zip(given, periods, strict=True)]
    nest = np.tril(np.ones((4, 4), dtype=bool), -1) if nesting is None else np.asarray(nesting)
    credit, from_weekly_fulls, from_monthly_fulls = _credits(nest, (W, M, Q, Y))
    # The GFS ladder: a tier's points older than the finer tiers' and the chain's cover
    # are taken to start just beyond a whole number of the finer periods, so a tier's
    # point j (0 = newest) is (j + 1) periods plus the finer periods plus one interval
    # old, counted from the newest restore point. The chain's length never ages it, so
    # one more short-term point never makes the long-term points smaller (RPS keeps a
    # backup copy job's GFS fulls behind the chain, older by up to its span: with growth
    # the ladder sizes them larger, docs/retention.md, *Growth*).
    offset = (0.0, periods[0], periods[0] + periods[1], periods[0] + periods[1] + periods[2])
    behind = dt

    def chain_at(j: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Points and fulls of the chain at phase ``j``, and the newer points beyond its
        oldest chain (minus one)."""
        n = np.where(periodic, p + j - 1.0, p)
        after = p - 2.0 - f + j  # newer points beyond the oldest chain's own, minus one
        fulls = np.where(
            periodic, 1.0 + np.where(after >= 0.0, 1.0 + np.floor(after / f_lo + _EPS), 0.0), 1.0
        )
        return n, fulls, after

    n_f, F_f, _ = chain_at(f)
    # Effective change per point under growth. An increment holds at least the data the
    # source grew by since the previous point (new data are changed blocks): c >= 1 - rho,
    # so a forever chain one point longer, whose full (merged up to the oldest point) is
    # then a point older and 1 - rho smaller, never stores less. A periodic chain's
    # fulls all age by a point: the change per point pays for the aging of its F fulls
    # (on top of c when it has GFS points, which it trades one for one against the GFS
    # points it takes over).
    gfs_max = W + M + Q + Y
    with np.errstate(divide="ignore", invalid="ignore"):
        aging = shrink * F_f / (1.0 - shrink * n_f)
    periodic_c = np.where(
        shrink * n_f < 1.0, np.where(gfs_max > 0.0, c + aging, np.maximum(c, aging)), 1.0
    )
    c_g = np.minimum(np.where(periodic, periodic_c, np.maximum(c, shrink)), 1.0)

    def stored_chain(n: FloatArray, fulls: FloatArray) -> FloatArray:
        """Fulls' worth of the chain (sizes relative to the end-of-horizon size)."""
        everything = _geo(np.zeros_like(n), n, 1.0, log_rho)
        oldest = np.exp(log_rho * (n - 1.0))
        # fulls after the oldest chain's: the youngest at age n-1-f-(fulls-2) f_lo
        later = np.maximum(fulls - 1.0, 0.0)
        youngest = np.maximum(n - 1.0 - f - (later - 1.0) * f_lo, 0.0)
        later_sum = _geo(youngest, later, f_lo, log_rho)
        full_sum = oldest + later_sum
        periodic_plain = full_sum + c_g * (everything - full_sum)
        # A fast-cloned synthetic full costs its change plus the growth since the point
        # it clones (RPS LinkReFS): rho^a - (1 - c) rho^(a+1).
        periodic_clone = oldest + c_g * (everything - oldest) + shrink * (1.0 - c_g) * later_sum
        forever = oldest + c_g * (everything - oldest)  # full merged to the oldest point
        reverse = 1.0 + c_g * (everything - 1.0)  # newest full, older reverse increments
        return np.select(
            [clone_chain, periodic, code == _REVERSE],
            [periodic_clone, periodic_plain, reverse],
            forever,
        )

    def gfs_at(fulls: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Fulls' worth and count of the GFS points kept outside a chain of ``fulls``."""
        # Weekly flags sit on the chain's fulls (periodic schemes): on the first full of
        # each week, so a chain of F fulls fP days apart holds at least floor(F fP / 7)
        # of them when fP divides a week (one less full when it does not: the flags then
        # fall unevenly), every full when fP >= 7. The other schemes keep their GFS fulls
        # outside the chain (backup copy, R1).
        fp = f * dt
        monthly_fulls = periodic & (f_lo * dt >= 28.0 - _EPS)
        per_week = _DAYS_PER_WEEK / fp
        even = np.abs(per_week - np.round(per_week)) < 1e-9
        k_chain_w = np.where(
            fp >= _DAYS_PER_WEEK - _EPS,
            fulls * periods[0],  # every full a weekly point, a weekly period apart
            (fulls - np.where(even, 0.0, 1.0)) * fp,
        )
        # days of history the chain (and then the finer tiers) always holds; the chain's
        # fulls fall on the weekly day (weekly fulls) or the monthly day (monthly fulls)
        # and carry the flags of the tiers whose points fall on that day too
        chain_w = np.where(periodic, np.maximum(k_chain_w, 0.0), 0.0)
        # Monthly fulls count a month of cover per full. On Fast Clone the GFS part falls
        # continuously with the cover (the junction rule), so the cover must not grow
        # faster than the chain pays for it: a full adds f_lo points (28 days in the
        # shortest month), not 365/12 days; without Fast Clone a full is a month.
        month = np.where(clone_gfs, np.minimum(periods[1], f_lo * dt), periods[1])
        chain_m = np.where(monthly_fulls, fulls * month, 0.0)
        total = np.zeros_like(fulls)
        extra = np.zeros_like(fulls)
        rate = c / dt  # the chain's cost per day of a fast-cloned synthetic chain
        spans: list[FloatArray] = []  # days of history each tier holds or shares
        for i, (n, P, cst) in enumerate(zip(counts, periods, cost, strict=True)):
            # Without Fast Clone every GFS point is a whole full, so storage steps down
            # by a full at each whole point a cover takes over, and one more chain
            # point (one more full at most) must take over one point of one tier at
            # most. A tier nested in a finer tier has its points among the finer
            # tier's, so a cover holds its points only within the finer tier's points it
            # holds: the chain's cover reaches it through the finer tier's span, counted
            # in whole points of the finer tier (floor to its period), not in days
            # beyond them (issue 14: 72 h points with a full each, 61 -> 62 points took
            # over a weekly and a monthly point at once and stored a full less). On Fast
            # Clone the junction rule makes the GFS part continuous in the cover instead,
            # and spans stay in days. (Nesting is transitive on a calendar, so a credited
            # tier's finer nested tiers are credited and their spans hold the chain's.)
            via_finer = [nest[i, j] and from_weekly_fulls[j] for j in range(i)]
            from_w = chain_w if from_weekly_fulls[i] and not any(via_finer) else 0.0
            via_finer = [nest[i, j] and from_monthly_fulls[j] for j in range(i)]
            from_m = chain_m if from_monthly_fulls[i] and not any(via_finer) else 0.0
            cover = np.where(monthly_fulls, from_m, from_w)
            for j in range(i):  # the finer tiers that hold this one's newer points
                if nest[i, j]:  # ... their own points and the points they share
                    cover = np.maximum(cover, spans[j])
            cover = np.where(credit[i], cover, 0.0)
            held = np.floor(cover / P + _EPS)  # this tier's points the cover holds
            whole = P * np.maximum(held, n)  # ... in whole points (see above)
            spans.append(np.where(clone_gfs, np.maximum(cover, n * P), whole))
            k = np.minimum(n, held)
            m_ex = n - k
            # ages: extra point j (j = k .. n-1) is (j + 1) P + offset days old
            first = (k + 1.0) * P + offset[i] + behind
            sizes = _geo(first, m_ex, P, log_day)
            first_size = np.where(m_ex > 0.0, np.exp(log_day * first), 0.0)
            # The first point beyond the cover shares the gap g with the cover's oldest
            # point; its cost grows with g at the finer tier's rate, capped at a period.
            gap = np.clip((k + 1.0) * P - cover, 0.0, P)
            junction = np.where(cover > 0.0, np.minimum(cst, rate * gap), cst)
            head = np.where(clone_gfs, junction, cst)
            total = total + cst * sizes - (cst - head) * first_size
            extra = extra + m_ex
            rate = cst / P
        return total, extra

    def at_phase(j: FloatArray) -> tuple[FloatArray, ...]:
        n, fulls, _ = chain_at(j)
        short = full_gb * G * stored_chain(n, fulls)
        gfs_cost, gfs_n = gfs_at(fulls)
        return fulls, n - fulls, short, full_gb * G * gfs_cost, gfs_n

    # The worst moment ends a stretch of phases with the same fulls: j = f (the longest
    # chain), or a phase just before one more full enters the window (two of them when
    # the full periods differ, as calendar months do).
    best = at_phase(f)
    best_total = best[2] + best[3]
    for back in (0.0, 1.0):
        j = f - np.mod(p - 2.0, f_lo) - 1.0 - back * f_lo
        ok = periodic & (j >= 1.0)
        if not np.any(ok):  # e.g. no calendar months: no second jump
            continue
        cand = at_phase(np.where(ok, j, f))
        total = cand[2] + cand[3]
        pick = ok & (total > best_total * (1.0 + 1e-12) + 1e-12)
        best = tuple(np.where(pick, y, x) for x, y in zip(best, cand, strict=True))
        best_total = np.where(pick, total, best_total)
    fulls, incs, short, long_, gfs = best
    return _Columns(
        stored_gb=np.asarray(short + long_, dtype=float),
        fulls=np.asarray(fulls, dtype=float),
        increments=np.asarray(incs, dtype=float),
        short_term_gb=np.asarray(short, dtype=float),
        long_term_gb=np.asarray(long_, dtype=float),
        gfs_points=np.asarray(gfs, dtype=float),
    )


# --- public API -------------------------------------------------------------------------

Number = float | FloatArray


def _scalar_or_array(x: FloatArray) -> Number:
    if x.ndim == 0:
        return float(x)
    out = np.array(x, dtype=float)
    out.flags.writeable = False
    return out


class StorageEstimate(Rendered, BaseModel):
    """Worst-moment storage of a backup retention policy.

    Fields are floats when every input of :func:`retention_storage` was a scalar, and
    read-only numpy arrays of the broadcast shape otherwise.
    """

    model_config = ConfigDict(**RESULT_CONFIG, arbitrary_types_allowed=True)

    stored_gb: Number = Field(
        description="Total data on disk at the worst moment of the cycle [GB]: "
        "short_term_gb + long_term_gb."
    )
    fulls: Number = Field(
        description="Full backups in the short-term chain at the worst moment [-]."
    )
    increments: Number = Field(
        description="Incremental or reverse-incremental backups in the short-term chain "
        "at the worst moment [-]."
    )
    short_term_gb: Number = Field(
        description="Data of the short-term chain (fulls and increments) [GB]."
    )
    long_term_gb: Number = Field(
        description="Data of the GFS (weekly, monthly, yearly) fulls kept outside the "
        "short-term chain [GB]."
    )
    gfs_points: Number = Field(
        description="GFS full backups kept outside the short-term chain [-]; GFS points "
        "that are fulls of the chain, or carry several flags, are counted once."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _read_only(cls, value: Any) -> Any:
        """Lists (read back from JSON) and arrays become read-only float arrays."""
        if isinstance(value, np.ndarray) and not value.flags.writeable:
            return value  # made by retention_storage: kept as it is, no copy
        if isinstance(value, list | tuple | np.ndarray):
            return _scalar_or_array(np.asarray(value, dtype=float))
        return value

    @field_serializer("*")
    def _plain(self, value: Number) -> Any:
        """A float, or nested lists of the array's shape."""
        if isinstance(value, float):
            return value
        return np.asarray(value, dtype=float).tolist()

    def _document_(self) -> Document:
        v = self.stored_gb
        fields = (
            self.stored_gb, self.fulls, self.increments, self.short_term_gb,
            self.long_term_gb, self.gfs_points,
        )  # fmt: skip
        columns = np.broadcast_arrays(*(np.asarray(x, dtype=float).ravel() for x in fields))
        rows = tuple(tuple(float(c[k]) for c in columns) for k in range(columns[0].size))
        table = Table(_STORAGE_COLUMNS, rows)
        if isinstance(v, float):
            title = (
                f"{v:,.1f} GB at the worst moment ({self.fulls:.0f} full + "
                f"{self.increments:.0f} incremental = {self.short_term_gb:,.1f} GB; "
                f"{self.gfs_points:.0f} GFS full = {self.long_term_gb:,.1f} GB)"
            )
            return Document(title, (), frame=table)
        arr = np.asarray(v)
        if arr.size == 0:
            return Document("StorageEstimate for 0 designs", (), frame=table)
        title = (
            f"StorageEstimate for {arr.size} designs: {float(arr.min()):,.1f} to "
            f"{float(arr.max()):,.1f} GB at the worst moment"
        )
        return Document(title, (), frame=table)


_STORAGE_COLUMNS = (
    Column("stored", "stored", "size"),
    Column("fulls", "fulls", "number"),
    Column("increments", "increments", "number"),
    Column("short_term", "short-term chain", "size"),
    Column("long_term", "long-term (GFS) fulls", "size"),
    Column("gfs_points", "GFS points", "number"),
)


def _numeric(name: str, value: ArrayLike, accepted: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number; use {accepted}") from None
    return arr


def _require(name: str, arr: FloatArray, ok: NDArray[np.bool_], what: str, accepted: str) -> None:
    bad = ~(np.isfinite(arr) & ok)
    if np.any(bad):
        first = float(arr[bad].ravel()[0]) if arr.ndim else float(arr)
        raise ValueError(f"{name}: {first!r} is not {what}; use {accepted}")


def _whole(name: str, value: ArrayLike, minimum: int, accepted: str) -> FloatArray:
    arr = _numeric(name, value, accepted)
    with np.errstate(invalid="ignore"):
        ok = (arr == np.floor(arr)) & (arr >= minimum)
    _require(name, arr, ok, f"a whole number >= {minimum}", accepted)
    return arr


def _flag(name: str, value: ArrayLike) -> NDArray[np.bool_]:
    """A bool, 0/1, or an array of them, as a bool array; else a ValueError naming it."""
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind in "iuf":
        with np.errstate(invalid="ignore"):
            ok = (arr == 0) | (arr == 1)
        if np.all(ok):
            return arr.astype(bool)
        first = arr[~ok].ravel()[0].item() if arr.ndim else arr.item()
        raise ValueError(f"{name}: {first!r} is not a bool or 0/1; use True, False, 1 or 0")
    raise ValueError(f"{name}: {value!r} is not a bool or 0/1; use True, False, 1 or 0")


#: Full-period names of :func:`retention_storage` and their (longest, shortest) days.
_FULL_PERIODS: dict[str, tuple[float, float]] = {
    "weekly": (_DAYS_PER_WEEK, _DAYS_PER_WEEK),
    "monthly": _MONTHLY_FULL_DAYS,
}


def _full_period(value: ArrayLike | str) -> tuple[FloatArray, FloatArray]:
    """``full_every`` as (longest, shortest) days between fulls."""
    accepted = "'weekly', 'monthly' or days between fulls > 0, e.g. 7.0"
    arr = np.asarray(value)
    if arr.dtype.kind in "USO":
        longest = np.empty(arr.shape)
        shortest = np.empty(arr.shape)
        for idx, item in np.ndenumerate(arr):
            item = item.item() if isinstance(item, np.generic) else item
            if isinstance(item, str) and item in _FULL_PERIODS:
                longest[idx], shortest[idx] = _FULL_PERIODS[item]
                continue
            try:
                days = float(item)
            except (TypeError, ValueError):
                raise ValueError(
                    f"full_every: {item!r} is not a full period; use {accepted}"
                ) from None
            longest[idx] = shortest[idx] = days
    else:
        longest = _numeric("full_every", value, accepted)
        shortest = longest
    _require("full_every", longest, longest > 0.0, "a positive duration", accepted)
    return longest, shortest


# --- GFS calendar ------------------------------------------------------------------------


def gfs_nesting(
    *,
    weekly_on: str = "sunday",
    monthly_on: str = "first sunday",
    quarterly_on: str = "first sunday",
    quarterly_month: str = "first",
    yearly_on: str = "first sunday",
    yearly_month: str | int = "january",
) -> NDArray[np.bool_]:
    r"""Which GFS tiers' points are always points of a finer tier, on a calendar.

    A GFS point is the restore point nearest the tier's moment (at the job's GFS hour).
    A coarser tier's point is also a finer tier's point exactly when the two moments fall
    on the same day every time: then one full carries both flags, and the two tiers
    share their points (they *nest*). The settings are those of the Veeam Restore Point
    Simulator [1]_ and of Veeam's GFS retention [2]_, with the simulator's defaults.

    Parameters
    ----------
    weekly_on : str, default 'sunday'
        Weekday of the weekly points [weekday].
    monthly_on : str, default 'first sunday'
        Day of the month of the monthly points [day of month]: ``'<week> <weekday>'``
        with week ``'first'``, ``'second'``, ``'third'``, ``'fourth'`` or ``'last'``, or
        ``'day N'`` (N in 1..31; beyond the month's length, its last day).
    quarterly_on : str, default 'first sunday'
        Day of the quarterly points, in their month, as ``monthly_on`` [day of month].
    quarterly_month : {'first', 'last'}, default 'first'
        Month of the quarter the quarterly points fall in [month of quarter].
    yearly_on : str, default 'first sunday'
        Day of the yearly points, in their month, as ``monthly_on`` [day of month].
    yearly_month : str or int, default 'january'
        Month of the yearly points, a name or 1..12 [month].

    Returns
    -------
    numpy.ndarray of bool, shape (4, 4)
        ``nest[i, j]`` (tiers in the order weekly, monthly, quarterly, yearly; ``j < i``)
        is True when every point of tier ``i`` is a point of the finer tier ``j``. The
        diagonal and the upper triangle are False. Read-only.

    Raises
    ------
    ValueError
        If a setting is not one of the accepted forms; the message names the setting,
        the value and the accepted form.

    Notes
    -----
    With :math:`d_T` the day rule of tier :math:`T` (a (week, weekday) pair or a day of
    the month), :math:`w` the weekly weekday and :math:`S_q` the quarter's months,

    .. math::

        \mathrm{nest}_{T,W} = [d_T = (\cdot, w)], \quad
        \mathrm{nest}_{T,M} = [d_T = d_M], \quad
        \mathrm{nest}_{Y,Q} = [d_Y = d_Q]\,[m_Y \in S_q]:

    * a monthly, quarterly or yearly tier nests in the weekly tier when its rule is a
      weekday rule on ``weekly_on``;
    * a quarterly or yearly tier nests in the monthly tier when its rule equals
      ``monthly_on`` (every month has a monthly point);
    * the yearly tier nests in the quarterly tier when its rule equals ``quarterly_on``
      and ``yearly_month`` is one of the quarters' months (January, April, July, October
      for ``'first'``; March, June, September, December for ``'last'``).

    A day-of-month rule never nests in the weekly tier: it falls on the weekly day only
    in some months, and the worst moment is one where it does not. Otherwise the week
    and the month do not change storage: the points of a tier stay a period apart
    (28 to 35 days for a month), at the worst moment as at any other.

    References
    ----------
    .. [1] T. Dewin, Restore Point Simulator, https://rps.dewin.me; source
       https://github.com/tdewin/rps/blob/master/pureengine.js (``GFSWeeklyDay``,
       ``GFSMonthlyMonthWeek``, ``GFSMonthlyDayOfMonth``, ``GFSQuarterlyMonth``,
       ``GFSYearlyMonth``; ``markforGFS``).
    .. [2] Veeam Backup & Replication User Guide, "Long-Term Retention Policy (GFS)".
       https://helpcenter.veeam.com/docs/backup/vsphere/gfs_retention_policy.html

    Examples
    --------
    The simulator's defaults nest every tier in every finer one:

    >>> int(gfs_nesting().sum())
    6

    Monthly points on the 1st of the month share no point with the Sunday weeklies, and
    yearly points in June are not points of the first month of a quarter:

    >>> nest = gfs_nesting(monthly_on="day 1", yearly_month="june")
    >>> bool(nest[1, 0]), bool(nest[3, 2]), bool(nest[3, 0])
    (False, False, True)
    """
    w = gfs_weekday("weekly_on", weekly_on)
    rules = (
        gfs_day("monthly_on", monthly_on),
        gfs_day("quarterly_on", quarterly_on),
        gfs_day("yearly_on", yearly_on),
    )
    q_month = gfs_quarter_month("quarterly_month", quarterly_month)
    y_month = MONTHS.index(gfs_month("yearly_month", yearly_month))  # 0 = January
    nest = np.zeros((4, 4), dtype=bool)
    for i, rule in enumerate(rules, start=1):
        nest[i, 0] = rule.split()[0] != "day" and rule.split()[1] == w
        if i >= 2:
            nest[i, 1] = rule == rules[0]
    quarter_months = range(0, 12, 3) if q_month == "first" else range(2, 12, 3)
    nest[3, 2] = rules[2] == rules[1] and y_month in quarter_months
    nest.flags.writeable = False
    return nest


def unique_change(
    days: ArrayLike,
    daily_change: ArrayLike,
    *,
    method: str = "rps",
) -> Number:
    r"""Fraction of the data whose blocks changed over a gap of ``days``.

    On a block-clone (Fast Clone) repository a GFS full whose increments are gone stores
    only the block versions no newer kept point references: the blocks that changed
    between it and the next newer kept point. This function gives that fraction of a
    full for a gap of ``days`` between the two points.

    Parameters
    ----------
    days : array_like
        Gap between the block-cloned point and the point it is compared with [day], >= 0;
        7, 365/12 and 365 for weekly, monthly and yearly GFS points. ``inf`` (no newer
        point) gives 1, or 0 without change.
    daily_change : array_like
        Fraction of the data changed per day [1/day], in [0, 1].
    method : {'rps', 'independent'}, default 'rps'
        ``'rps'``: the empirical step table of the Restore Point Simulator (default
        ReFS model, ``refsMethod`` 4). ``'independent'``: every block changes
        independently with probability ``daily_change`` per day.

    Returns
    -------
    float or ndarray
        Unique changed fraction [-], in [0, 1]: a float when both inputs are scalars,
        else an array of their broadcast shape.

    Raises
    ------
    ValueError
        If ``days`` is negative or nan, ``daily_change`` is outside [0, 1], or
        ``method`` is not one of :data:`GFS_CHANGE_METHODS`; the message names the
        parameter, the value and the accepted form.

    See Also
    --------
    retention_storage : uses it for the GFS fulls of block-clone targets.

    Notes
    -----
    With :math:`c` = ``daily_change`` and :math:`d` = ``days``:

    *'rps'* reproduces ``refsdiffperct`` of RPS [1]_ (``refsMethod = 4``, its default), a
    step function of the gap fitted to observed ReFS savings, then capped:

    .. math::

        b(d) = c \times \begin{cases}
            1 & d < 2 \\ 3 & d < 14 \\ 5 & d < 38 \\ 9 & d < 100 \\
            12 & d < 193 \\ 15 & d < 286 \\ 18 & d < 379
        \end{cases}, \quad b(d) = 1 \text{ for } d \ge 379,

    .. math::

        u_{\mathrm{rps}}(d) = \max\bigl(c,\ \min(1,\ b(d),\ \max(d, 1)\,c)\bigr).

    The "inject limit" :math:`\max(d, 1)\,c` keeps the result below the change written
    in the gap, and the floor :math:`c` at one day's change. RPS measures :math:`d` in
    whole days (``moment.diff``); a fractional gap is used as given here, which changes
    nothing at the GFS gaps 7, 365/12 and 365 days.

    *'independent'* assumes each block changes with probability :math:`c` per day,
    independently of other blocks and days, so a block is unchanged after :math:`d`
    days with probability :math:`(1 - c)^d`:

    .. math::

        u_{\mathrm{ind}}(d) = 1 - (1 - c)^d \le \min(1,\ d\,c) \quad (d \ge 1).

    This is the expected unique change for uniformly scattered writes, and an upper
    bound for real data, whose daily change concentrates on the same hot blocks
    (logs, indexes, temp files) and so covers far fewer distinct blocks over weeks and
    months: at :math:`c` = 5 % it gives 30 % a week and 79 % a month against RPS's 15 %
    and 25 %. Both models are non-decreasing in :math:`d` and give :math:`c` for one
    day. At high change rates or gaps under a week the capped RPS table can exceed the
    independent value (e.g. 100 % against 99.2 % at 7 days and :math:`c` = 50 %).

    References
    ----------
    .. [1] T. Dewin, Restore Point Simulator, https://rps.dewin.me; source
       https://github.com/tdewin/rps/blob/master/pureengine.js
       (``VeeamBackupConfigurationObject.refsdiffperct``).

    Examples
    --------
    A week, a month and a year at 5 % a day with the RPS table (3c, 5c, 18c):

    >>> round(unique_change(7, 0.05), 12)
    0.15
    >>> round(unique_change(365 / 12, 0.05), 12)
    0.25
    >>> round(unique_change(365, 0.05), 12)
    0.9

    The same week with independent block changes, ``1 - 0.95**7``:

    >>> round(unique_change(7, 0.05, method="independent"), 5)
    0.30166

    Arrays broadcast; a one-day gap is one day's change and a 2-day gap is capped by
    the inject limit 2c:

    >>> unique_change([1, 2, 7, 400], 0.05).round(12)
    array([0.05, 0.1 , 0.15, 1.  ])
    """
    d = _numeric("days", days, "a gap in days >= 0, e.g. 7.0")
    with np.errstate(invalid="ignore"):
        bad = ~(d >= 0.0)  # nan or negative; +inf is a valid gap
    if np.any(bad):
        first = float(d[bad].ravel()[0]) if d.ndim else float(d)
        raise ValueError(
            f"days: {first!r} is not a non-negative gap; use a gap in days >= 0, e.g. 7.0"
        )
    c = _numeric("daily_change", daily_change, "a fraction per day in [0, 1], e.g. 0.05")
    _require(
        "daily_change",
        c,
        (c >= 0.0) & (c <= 1.0),
        "a fraction in [0, 1]",
        "a fraction of the data changed per day, e.g. 0.05 for 5 %",
    )
    return _scalar_or_array(_unique_change(d, c, _gfs_method(method, "method")))


def retention_storage(
    data_size: ArrayLike,
    *,
    daily_change: ArrayLike,
    data_reduction: ArrayLike = 1.0,
    scheme: str | Sequence[str] | ArrayLike = "forever_forward",
    points: ArrayLike,
    interval: ArrayLike = 24.0,
    full_every: ArrayLike | str = 7.0,
    weekly: ArrayLike = 0,
    monthly: ArrayLike = 0,
    yearly: ArrayLike = 0,
    block_clone: ArrayLike = False,
    annual_growth: ArrayLike = 0.0,
    years: ArrayLike = 0.0,
    gfs_change_method: str = "rps",
    quarterly: ArrayLike = 0,
    weekly_on: str = "sunday",
    monthly_on: str = "first sunday",
    quarterly_on: str = "first sunday",
    yearly_on: str = "first sunday",
    quarterly_month: str = "first",
    yearly_month: str | int = "january",
) -> StorageEstimate:
    r"""Storage a backup retention policy needs at its worst moment.

    Parameters
    ----------
    data_size : array_like
        Source data protected by the job, at the start of the horizon [GB].
    daily_change : array_like
        Fraction of the data changed per day [1/day], in [0, 1].
    data_reduction : array_like, default 1.0
        Compression x deduplication ratio of the backup files [-], >= 1 (2.0 is 2:1).
    scheme : str or array_like of str, default 'forever_forward'
        Short-term chain: ``'forever_forward'`` (forever forward incremental),
        ``'reverse'`` (reverse incremental), ``'synthetic_full'`` or ``'active_full'``
        (forward incremental with a periodic synthetic or active full), or
        ``'backup_copy'`` (a backup copy job: a forever forward chain whose GFS fulls
        are kept outside it).
    points : array_like of int
        Short-term restore points kept by the retention policy [-], >= 1.
    interval : array_like, default 24.0
        Time between restore points [h], > 0.
    full_every : array_like or str, default 7.0
        Time between periodic fulls [day], > 0, or ``'weekly'`` (7 days) or
        ``'monthly'`` (on the calendar: the first Saturday of each month, so fulls are
        28 or 35 days apart); ignored by forever_forward, reverse and backup_copy.
    weekly, monthly, yearly : array_like of int, default 0
        GFS full backups kept [-]: weekly for ``weekly`` weeks, monthly for ``monthly``
        months, yearly for ``yearly`` years.
    block_clone : array_like of bool or 0/1, default False
        Whether the repository fast-clones blocks (Veeam Fast Clone on ReFS, or XFS with
        reflink): synthetic and GFS fulls then store only blocks not already on disk.
    annual_growth : array_like, default 0.0
        Compound growth of the source data [1/year], >= 0.
    years : array_like, default 0.0
        Planning horizon [year], >= 0. Storage is sized at the steady state of the end of
        the horizon: every restore point has the data size of its own date, and points
        older than the start of the horizon are sized by extrapolating the growth
        backwards, as if the policy had run long before.
    gfs_change_method : {'rps', 'independent'}, default 'rps'
        Model of the unique changed fraction a block-cloned GFS full stores (see
        :func:`unique_change`): ``'rps'``, the Restore Point Simulator's empirical ReFS
        step table on the change per restore point (reproduces RPS); ``'independent'``,
        independent daily block changes (an upper bound). Ignored without
        ``block_clone``.
    quarterly : array_like of int, default 0
        Quarterly GFS full backups kept [-].
    weekly_on : str, default 'sunday'
        GFS calendar (one for every design; the Restore Point Simulator's defaults):
        weekday of the weekly points.
    monthly_on, quarterly_on, yearly_on : str, default 'first sunday'
        Day of the monthly points, and of the quarterly and yearly points in their
        month: ``'<week> <weekday>'`` (week ``'first'`` .. ``'fourth'`` or ``'last'``)
        or ``'day N'`` (N in 1..31, the month's last day beyond its length).
    quarterly_month : {'first', 'last'}, default 'first'
        Month of the quarter of the quarterly points.
    yearly_month : str or int, default 'january'
        Month of the yearly points, a name or 1..12.

    Returns
    -------
    StorageEstimate
        ``stored_gb`` [GB], ``fulls`` and ``increments`` of the short-term chain [-],
        ``short_term_gb`` and ``long_term_gb`` [GB], and ``gfs_points`` [-], at the worst
        moment. Floats when every input is a scalar, read-only arrays otherwise.

    Raises
    ------
    ValueError
        If an input is not finite or out of range; the message names the parameter, the
        offending value and the accepted form.

    Notes
    -----
    The rules, each with a worked example and the simulator's conventions, are in
    ``docs/retention.md``; in brief, with :math:`D` the data size, :math:`r` the data
    reduction, :math:`\Delta` = interval / 24 h, :math:`c = \min(1, c_d\,\Delta)` the
    change per restore point, a full is :math:`D/r` and an increment :math:`c\,D/r`.

    *Growth.* A point :math:`a` restore points older than the end of the horizon is
    sized :math:`\rho^{a}` of the end size :math:`G = (1+g)^T`, with
    :math:`\rho = (1+g)^{-\Delta/365}` (RPS ``getSourceSize`` on the point's date).
    Three conventions keep one more kept point from storing less at every interval: an
    increment holds at least the growth since the previous point (the change per point
    is at least :math:`1-\rho`, and a periodic chain's pays for the aging of its fulls);
    a GFS point is sized at its place on its tier's ladder counted from the newest point,
    whatever the chain's length (RPS puts a backup copy job's GFS fulls behind the
    chain, so with growth they are sized larger here); and a tier's period is at least
    the spacing of the files that carry its flags (:math:`\Delta`, or :math:`f_{lo}
    \Delta` for the fulls of a primary job).

    *Short-term chain at its worst moment* (retention is applied after each job, and a
    forward chain is deleted only when every point in it is out of retention). With
    :math:`p` points kept and :math:`f` (:math:`f_{lo}`) points in the longest
    (shortest) full period, when the oldest retained point is the :math:`j`-th of its
    chain (:math:`1 \le j \le f`):

    .. math::

        N_j = p + j - 1, \qquad
        F_j = 1 + [p - 2 - f + j \ge 0]\,\bigl(1 + \lfloor (p - 2 - f + j) / f_{lo}
        \rfloor\bigr).

    forever_forward and backup_copy keep 1 full (merged up to the oldest point) and
    :math:`p-1` increments; reverse the newest full and :math:`p-1` reverse increments.
    The chain stores :math:`\frac{DG}{r}[\sum_{\rm fulls}\rho^a + c\sum_{\rm incs}
    \rho^a]`; with block cloning a synthetic full costs one increment (plus the growth
    since the point it clones) and active fulls are never cloned.

    *Long-term (GFS) points.* Tier :math:`T` (weekly, monthly, quarterly, yearly; periods
    :math:`P_T` = 7, 365/12, 365/4, 365 days) keeps :math:`n_T - k_T` fulls outside the
    chain, where :math:`k_T = \min(n_T, \lfloor L / P_T \rfloor)` are the tier's points
    that the chain and the finer tiers always hold (they nest on the simulator's default
    calendar). :math:`L` starts at the chain's weekly flags (:math:`7F_j` with weekly
    or longer fulls; none for backup_copy, forever_forward and reverse, whose GFS fulls
    live outside the chain) and grows to :math:`P_T \max(\lfloor L / P_T \rfloor,
    n_T)` after each tier: a coarser tier nested in this one has its points among this
    tier's, so one more point takes over one point of one tier at most (with block
    cloning, where storage is continuous in :math:`L`, :math:`\max(L, n_T P_T)`; a
    chain of calendar-month fulls then covers :math:`\min(365/12, f_{lo}\Delta)` days
    per full, the days its points pay for).
    Without block cloning each costs a full; with it, :math:`u(P_T)` of a full
    (:func:`unique_change`, never more than the change the points wrote in the gap), and
    the first one beyond :math:`L` :math:`\min(u(P_T), g\,u_f/P_f)` for a gap :math:`g`
    days past :math:`L` (the finer tier's cost per day). Extra point :math:`j` of a tier
    is :math:`(j+1) P_T` plus the finer periods plus one interval old.

    *Calendar.* The settings change storage only through which tiers share their
    points (:func:`gfs_nesting`): :math:`L` above counts only the chain's flags and the
    finer tiers that tier :math:`T` nests in (weekly flags on the chain's fulls for
    tiers on the weekly day, monthly fulls for tiers on the monthly day). A tier that
    nests in none keeps all :math:`n_T` points outside the chain. The week of the month,
    the month of the quarter or year, and the weekday (when every tier moves with it)
    leave every tier's points a period apart and the worst moment unchanged; for
    periodic schemes the chain's fulls are taken on the weekly (monthly) GFS day.

    The stored total is the maximum of short + long term over the phases that end a
    stretch of constant :math:`F_j`. Working space for merges and transforms, which the
    simulators add on top, is not included.

    References
    ----------
    .. [1] Veeam Backup & Replication User Guide, "Forward Incremental Backup Retention
       Policy". https://helpcenter.veeam.com/docs/backup/vsphere/retention_incremental.html
    .. [2] Veeam Backup & Replication User Guide, "Reverse Incremental Backup Retention
       Policy". https://helpcenter.veeam.com/docs/vbr/userguide/retention_reversed_hv.html
    .. [3] Veeam Backup & Replication User Guide, "Long-Term Retention Policy (GFS)" and
       "Assignment of GFS Flags".
       https://helpcenter.veeam.com/docs/backup/vsphere/gfs_retention_policy.html,
       https://helpcenter.veeam.com/docs/backup/vsphere/gfs_how_flags_assigned.html
    .. [4] Veeam Backup & Replication User Guide, "Fast Clone".
       https://helpcenter.veeam.com/docs/backup/vsphere/backup_repository_block_cloning.html
    .. [5] T. Dewin, Restore Point Simulator, rps.dewin.me; source
       https://github.com/tdewin/rps (``pureengine.js``: ``recalcPointIDs``,
       ``mergeVBK``, ``LinkReFS``, ``refsdiffperct``).

    Examples
    --------
    Fourteen daily points with a weekly synthetic full peak at 3 fulls and 17 increments:

    >>> est = retention_storage(1000.0, daily_change=0.05, data_reduction=2.0,
    ...                         scheme="synthetic_full", points=14)
    >>> est.fulls, est.increments, est.stored_gb
    (3.0, 17.0, 1925.0)

    Forever forward incremental keeps one full:

    >>> print(retention_storage(1000.0, daily_change=0.05, data_reduction=2.0, points=14))
    825.0 GB at the worst moment (1 full + 13 incremental = 825.0 GB; 0 GFS full = 0.0 GB)

    Arrays broadcast, one design per element:

    >>> retention_storage(1000.0, daily_change=0.05, data_reduction=2.0,
    ...                   scheme="synthetic_full", points=[7, 14, 30]).stored_gb
    array([1275., 1925., 3750.])

    GFS fulls on a Fast Clone target, 4 weekly, 12 monthly and 7 yearly, with the RPS
    table (default) and with independent block changes:

    >>> kw = dict(daily_change=0.05, data_reduction=2.0, scheme="synthetic_full",
    ...           points=14, weekly=4, monthly=12, yearly=7, block_clone=True)
    >>> round(retention_storage(1000.0, **kw).stored_gb, 2)
    5150.89
    >>> round(retention_storage(1000.0, gfs_change_method="independent", **kw).stored_gb, 2)
    8523.18

    A backup copy job keeps its GFS fulls outside the chain (1000 GiB, 2:1, 10 %/day:
    the simulator's 3150 GiB), and monthly active fulls keep up to 35 days of
    increments (4550 GiB: 3 fulls and 61 increments):

    >>> retention_storage(1000.0, daily_change=0.1, data_reduction=2.0,
    ...                   scheme="backup_copy", points=14, weekly=4).stored_gb
    3150.0
    >>> est = retention_storage(1000.0, daily_change=0.1, data_reduction=2.0,
    ...                         scheme="active_full", points=30, full_every="monthly")
    >>> est.fulls, est.increments, round(est.stored_gb, 6)
    (3.0, 61.0, 4550.0)

    Monthly points on the 1st of the month are not Sunday weeklies, so none of the 3
    monthly points shares a weekly's full (the simulator: 6650 against 6150 GiB):

    >>> kw = dict(daily_change=0.1, data_reduction=2.0, scheme="backup_copy", points=14,
    ...           weekly=8, monthly=3)
    >>> retention_storage(1000.0, **kw).stored_gb
    6150.0
    >>> retention_storage(1000.0, monthly_on="day 1", **kw).stored_gb
    6650.0
    """
    # --- validation at the public boundary ---------------------------------------------
    D = _numeric("data_size", data_size, "a size in GB, e.g. 1000.0")
    _require("data_size", D, D >= 0.0, "a non-negative size", "a size in GB >= 0, e.g. 1000.0")
    cd = _numeric("daily_change", daily_change, "a fraction per day in [0, 1], e.g. 0.05")
    _require(
        "daily_change",
        cd,
        (cd >= 0.0) & (cd <= 1.0),
        "a fraction in [0, 1]",
        "a fraction of the data changed per day, e.g. 0.05 for 5 %",
    )
    r = _numeric("data_reduction", data_reduction, "a ratio >= 1, e.g. 2.0 for 2:1")
    _require("data_reduction", r, r >= 1.0, "a ratio >= 1", "a ratio >= 1, e.g. 2.0 for 2:1")
    if isinstance(scheme, str):
        code: NDArray[np.int64] | int = _scheme_codes(scheme).item()
    else:
        arr_s = np.asarray(scheme)
        if arr_s.dtype.kind not in "USO":
            raise _scheme_error(scheme)
        code = _scheme_codes(arr_s)
    p = _whole("points", points, 1, "a whole number of restore points >= 1, e.g. 14")
    h = _numeric("interval", interval, "hours between restore points > 0, e.g. 24.0")
    _require("interval", h, h > 0.0, "a positive duration", "hours between points, e.g. 24.0")
    fe, fe_min = _full_period(full_every)
    tiers = {
        name: _whole(name, value, 0, f"a whole number of {name} GFS fulls >= 0, e.g. 4")
        for name, value in (
            ("weekly", weekly),
            ("monthly", monthly),
            ("quarterly", quarterly),
            ("yearly", yearly),
        )
    }
    bc_arr = _flag("block_clone", block_clone)
    g = _numeric("annual_growth", annual_growth, "a fraction per year >= 0, e.g. 0.2")
    _require("annual_growth", g, g >= 0.0, "a non-negative rate", "a fraction per year, e.g. 0.2")
    T = _numeric("years", years, "a horizon in years >= 0, e.g. 3.0")
    _require("years", T, T >= 0.0, "a non-negative horizon", "a horizon in years, e.g. 3.0")
    method = _gfs_method(gfs_change_method)
    nesting = gfs_nesting(
        weekly_on=weekly_on,
        monthly_on=monthly_on,
        quarterly_on=quarterly_on,
        quarterly_month=quarterly_month,
        yearly_on=yearly_on,
        yearly_month=yearly_month,
    )

    # --- schedule in points, then the vectorised core ----------------------------------
    dt = h / HOURS_PER_DAY
    cols = retention_columns(
        D,
        np.minimum(1.0, cd * dt),
        data_reduction=r,
        scheme_code=code,
        points=p,
        full_every=np.maximum(1.0, np.floor(fe / dt + 0.5)),
        full_every_min=np.maximum(1.0, np.floor(fe_min / dt + 0.5)),
        weekly=tiers["weekly"],
        monthly=tiers["monthly"],
        quarterly=tiers["quarterly"],
        yearly=tiers["yearly"],
        block_clone=bc_arr,
        point_days=dt,
        daily_change=cd,
        growth_factor=growth_factor(g, T),
        annual_growth=g,
        gfs_change_method=method,
        nesting=nesting,
    )
    return StorageEstimate(**{k: _scalar_or_array(v) for k, v in cols._asdict().items()})

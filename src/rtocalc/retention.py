r"""Storage needed by a backup retention policy, in closed form.

A retention policy keeps a short-term chain of restore points (forever forward
incremental, reverse incremental, or forward incremental with periodic synthetic or
active fulls) and, optionally, long-term grandfather-father-son (GFS) full backups kept
for weeks, months and years. The restore-point simulators (Timothy Dewin's Restore Point
Simulator, rps.dewin.me, and the Veeam calculator) step through the schedule day by day
and report the worst moment. This module gives the same worst moment as a closed form,
so that an optimiser can evaluate 10^5 designs at once with numpy: there is no
day-by-day loop.

:func:`retention_storage` is the validated, public entry point and returns a
:class:`StorageEstimate`. ``_retention_columns`` is the unvalidated vectorised core used
by the optimiser on whole columns of designs. :func:`unique_change` gives the fraction
of the data a block-cloned GFS full stores over the next newer point (by default RPS's
empirical ReFS table). The model, its equations and its assumptions are written out in
``docs/retention.md`` and in the Notes of :func:`retention_storage`.

Units are the library's canonical ones: sizes in GB (10^9 bytes), intervals in hours,
change rates as fractions per day; a month is 1/12 of a 365-day year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from ._array import _f
from ._render import Column, Document, Rendered, Table
from .units import HOURS_PER_DAY, HOURS_PER_MONTH, HOURS_PER_WEEK, HOURS_PER_YEAR

__all__ = [
    "GFS_CHANGE_METHODS",
    "SCHEMES",
    "StorageEstimate",
    "retention_storage",
    "unique_change",
]

FloatArray = NDArray[np.float64]

#: Backup chain schemes; a scheme's integer code is its index in this tuple.
SCHEMES: tuple[str, ...] = ("forever_forward", "reverse", "synthetic_full", "active_full")
_FOREVER_FORWARD, _REVERSE, _SYNTHETIC_FULL, _ACTIVE_FULL = range(len(SCHEMES))

_DAYS_PER_WEEK = HOURS_PER_WEEK / HOURS_PER_DAY  # 7
_DAYS_PER_MONTH = HOURS_PER_MONTH / HOURS_PER_DAY  # 30.4167 (1/12 of 365 days)
_DAYS_PER_YEAR = HOURS_PER_YEAR / HOURS_PER_DAY  # 365
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
        codes = []
        for item in arr.ravel().tolist():
            if not isinstance(item, str) or item not in lookup:
                raise _scheme_error(item)
            codes.append(lookup[item])
        return np.asarray(codes, dtype=np.int64).reshape(arr.shape)
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


def _tier_sum(
    first: FloatArray,
    count: FloatArray,
    period_days: float,
    growth_factor: FloatArray,
    annual_growth: FloatArray,
    cost: FloatArray,
    first_cost: FloatArray,
) -> FloatArray:
    """Cost-weighted size of a tier's points ``first .. count-1`` (see :func:`_aged_sum`):
    ``cost`` each, the first of them ``first_cost``."""
    every = _aged_sum(first, count, period_days, growth_factor, annual_growth)
    head = _aged_sum(
        first, np.minimum(first + 1.0, count), period_days, growth_factor, annual_growth
    )
    return cost * every - (cost - first_cost) * head


def _aged_sum(
    first: FloatArray,
    count: FloatArray,
    period_days: float,
    growth_factor: FloatArray,
    annual_growth: FloatArray,
) -> FloatArray:
    r"""Sum of the size factors of points ``j = first .. count-1`` taken ``j`` periods ago.

    The size factor of a point of age ``a`` days is
    :math:`\max(\min(G, 1),\ G\,(1+g)^{-a/365})`: the data size at the moment it was
    taken, relative to the initial size, never below the initial size. With ``g = 0``
    every point is sized at ``G`` (no back-dating). The sum is a geometric series up to
    the last point younger than the start of the horizon, plus the older points at 1.
    """
    m = np.maximum(count - first, 0.0)
    lam = (period_days / _DAYS_PER_YEAR) * np.log1p(annual_growth)  # log growth per period
    grows = lam > 0.0
    lam_s = np.where(grows, lam, 1.0)
    floor_val = np.minimum(growth_factor, 1.0)
    log_g = np.log(np.maximum(growth_factor, 1e-300))
    last = np.where(grows, np.floor(log_g / lam_s + _EPS), np.inf)  # last j with G e^{-lam j} >= 1
    m1 = np.clip(last - first + 1.0, 0.0, m)  # points of the sum still in the growth phase
    geo = np.where(
        grows,
        np.exp(-lam_s * first) * np.expm1(-lam_s * m1) / np.expm1(-lam_s),
        m1,
    )
    return np.asarray(growth_factor * geo + (m - m1) * floor_val, dtype=float)


class _Columns(NamedTuple):
    """All outputs of the vectorised core (arrays of one broadcast shape)."""

    stored_gb: FloatArray
    fulls: FloatArray
    increments: FloatArray
    short_term_gb: FloatArray
    long_term_gb: FloatArray
    gfs_points: FloatArray


def _retention_columns(
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
) -> _Columns:
    r"""Worst-moment storage of a retention policy for whole columns of designs.

    Private, unvalidated and pure: every argument broadcasts with numpy rules and every
    output is a float array of the broadcast shape. :func:`retention_storage` validates
    its inputs, converts the schedule to points, and calls this core; see its Notes for
    the equations.

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
        2 synthetic_full, 3 active_full), or a scheme name (array of names).
    points : array_like, default 14
        Short-term restore points kept [-], >= 1 (rounded to a whole number).
    full_every : array_like, default 7
        Restore points per full period of the periodic schemes [-], >= 1 (1 means every
        point is a full); ignored for forever_forward and reverse.
    weekly, monthly, yearly : array_like, default 0
        GFS full points kept per tier [-].
    block_clone : array_like of bool, default False
        Whether the target fast-clones (ReFS / XFS reflink Fast Clone): synthetic and GFS
        fulls then store only blocks not already on disk.
    point_days : array_like, default 1.0
        Time between restore points [day] (interval / 24 h); places the GFS points.
    daily_change : array_like, optional
        Fraction of the data changed per day [1/day]; default ``change_per_point /
        point_days``. Only used for the GFS unique-change fractions below.
    growth_factor : array_like, default 1.0
        Data size at the end of the horizon over ``data_size`` [-], ``(1+g)**years``.
        The short-term chain is sized at ``data_size * growth_factor``.
    annual_growth : array_like, default 0.0
        Annual data growth ``g`` [1/year], only used to size long-term points at the data
        size of the moment they were taken (never below ``data_size``); 0 sizes them all
        at the end-of-horizon size, which is conservative.
    gfs_change_weekly, gfs_change_monthly, gfs_change_yearly : array_like, optional
        Unique changed fraction between two consecutive GFS points of the tier [-],
        applied to every point of the tier; default ``unique_change(k,
        daily_change, method=gfs_change_method)`` with ``k`` = 7, 365/12 and 365 days,
        except for the first monthly and yearly point beyond the finer tiers, whose next
        newer kept point is the oldest of those: ``k`` is that shorter gap. Used only on
        block-clone targets.
    gfs_change_method : {'rps', 'independent'}, default 'rps'
        Model of the defaults above (see :func:`unique_change`): RPS's empirical ReFS
        step table, or independent daily block changes.

    Returns
    -------
    _Columns
        ``stored_gb`` (total GB on disk at the worst moment, short-term + long-term),
        ``fulls`` and ``increments`` (backups in the short-term chain at that moment),
        ``short_term_gb`` (GB of the short-term chain), ``long_term_gb`` (GB of the GFS
        fulls kept outside it) and ``gfs_points`` (GFS fulls kept outside it).

    Notes
    -----
    The full model is in the Notes of :func:`retention_storage`. In brief, with
    :math:`N = p + f - 1` and :math:`F = \lceil N / f \rceil` for the periodic schemes:

    .. math::

        S = \frac{D\,G}{r} \left[F + (N - F)\,c\right] \quad\text{or, fast-cloned
        synthetic fulls,}\quad S = \frac{D\,G}{r}\left[1 + (N - 1)\,c\right]

    and each GFS full kept outside the chain costs a full (or, fast-cloned, the unique
    changed fraction ``u`` of one) at the data size of its time.

    Examples
    --------
    >>> cols = _retention_columns(
    ...     1000.0, 0.05, data_reduction=2.0, scheme_code=[0, 1, 2, 3], points=14
    ... )
    >>> cols.fulls.tolist(), cols.increments.tolist()
    ([1.0, 1.0, 3.0, 3.0], [13.0, 13.0, 17.0, 17.0])
    >>> cols.stored_gb.tolist()
    [825.0, 825.0, 1925.0, 1925.0]
    """
    code = _scheme_codes(scheme_code)
    D = _f(data_size)
    c = np.clip(_f(change_per_point), 0.0, 1.0)
    r = _f(data_reduction)
    p = np.maximum(np.floor(_f(points) + 0.5), 1.0)
    W = np.maximum(np.floor(_f(weekly) + 0.5), 0.0)
    M = np.maximum(np.floor(_f(monthly) + 0.5), 0.0)
    Y = np.maximum(np.floor(_f(yearly) + 0.5), 0.0)
    dt = _f(point_days)
    bc = np.asarray(block_clone, dtype=bool)
    G = _f(growth_factor)
    g = _f(annual_growth)
    cd = np.clip(c / dt if daily_change is None else _f(daily_change), 0.0, 1.0)

    def gfs_change(given: ArrayLike | None, days: ArrayLike) -> FloatArray:
        """Unique change between consecutive GFS points of a tier, given or modelled."""
        if given is not None:
            return _f(given)
        return _unique_change(days, cd, gfs_change_method)

    gfs_change_method = _gfs_method(gfs_change_method)
    u_w = gfs_change(gfs_change_weekly, _DAYS_PER_WEEK)
    u_m = gfs_change(gfs_change_monthly, _DAYS_PER_MONTH)
    u_y = gfs_change(gfs_change_yearly, _DAYS_PER_YEAR)
    (code, D, c, r, p, W, M, Y, dt, bc, G, g, u_w, u_m, u_y, fe) = np.broadcast_arrays(
        code, D, c, r, p, W, M, Y, dt, bc, G, g, u_w, u_m, u_y, _f(full_every)
    )

    periodic = code >= _SYNTHETIC_FULL
    f = np.where(periodic, np.maximum(np.floor(fe + 0.5), 1.0), 1.0)  # points per full period
    full_gb = D / r  # one full at the initial data size
    clone_chain = bc & (code == _SYNTHETIC_FULL)  # synthetic fulls are fast-cloned
    clone_gfs = bc & (code != _ACTIVE_FULL)  # GFS fulls are cloned unless read actively

    # Long-term tiers above the weekly one do not depend on the phase of the chain: the
    # chain covers at least the p newest points, p * dt days, at every moment.
    span = p * dt
    cover_w = np.maximum(span, _DAYS_PER_WEEK * W)
    k_m = np.minimum(M, np.floor(cover_w / _DAYS_PER_MONTH + _EPS))
    cover_m = np.maximum(cover_w, _DAYS_PER_MONTH * M)
    k_y = np.minimum(Y, np.floor(cover_m / _DAYS_PER_YEAR + _EPS))
    cost_w = np.where(clone_gfs, np.clip(u_w, 0.0, 1.0), 1.0)
    cost_m = np.where(clone_gfs, np.clip(u_m, 0.0, 1.0), 1.0)
    cost_y = np.where(clone_gfs, np.clip(u_y, 0.0, 1.0), 1.0)
    # The oldest point of a tier (j periods back) is (j + 1) periods old at the worst
    # moment; the first one beyond the finer tiers' cover shares blocks with the oldest
    # point of that cover, so a cloned one costs the change over that shorter gap.
    first_m = np.where(
        clone_gfs,
        np.clip(gfs_change(None, (k_m + 1.0) * _DAYS_PER_MONTH - cover_w), 0.0, 1.0),
        1.0,
    )
    first_y = np.where(
        clone_gfs,
        np.clip(gfs_change(None, (k_y + 1.0) * _DAYS_PER_YEAR - cover_m), 0.0, 1.0),
        1.0,
    )
    if gfs_change_monthly is not None:
        first_m = cost_m
    if gfs_change_yearly is not None:
        first_y = cost_y
    long_my = _tier_sum(k_m, M, _DAYS_PER_MONTH, G, g, cost_m, first_m) + _tier_sum(
        k_y, Y, _DAYS_PER_YEAR, G, g, cost_y, first_y
    )

    # Weekly points sit on the chain's fulls when fulls are at least a week apart
    # (phase-locked); otherwise the worst phase of a 7-day grid over the chain is taken.
    locked = periodic & (f * dt >= _DAYS_PER_WEEK - _EPS)
    lag = np.where(periodic, (f - 1.0) * dt, 0.0)
    k_w_free = np.minimum(W, np.floor(np.maximum(span - lag, 0.0) / _DAYS_PER_WEEK + _EPS))

    def at_phase(j: FloatArray) -> tuple[FloatArray, ...]:
        """Chain and totals when the oldest kept point is the j-th of its chain."""
        n = np.where(periodic, p + j - 1.0, p)
        fulls = np.where(periodic, 1.0 + np.floor((p - 2.0 + j) / f + _EPS), 1.0)
        incs = n - fulls
        chain = np.where(clone_chain, 1.0 + (n - 1.0) * c, fulls + incs * c)
        short = full_gb * G * chain
        k_w = np.where(locked, np.minimum(W, fulls), k_w_free)
        long_ = full_gb * (cost_w * _aged_sum(k_w, W, _DAYS_PER_WEEK, G, g) + long_my)
        return fulls, incs, short, long_, W - k_w

    # The worst moment is at the end of a constant-fulls stretch of phases: j = f (the
    # longest chain), or the phase just before one more full enters the window.
    j_end = f
    j_before = f - np.mod(p - 2.0, f) - 1.0
    has_jump = periodic & (j_before >= 1.0)
    a = at_phase(j_end)
    b = at_phase(np.where(has_jump, j_before, j_end))
    total_a = a[2] + a[3]
    total_b = b[2] + b[3]
    pick_b = has_jump & (total_b > total_a * (1.0 + 1e-12) + 1e-12)
    fulls, incs, short, long_, n_w = (np.where(pick_b, y, x) for x, y in zip(a, b, strict=True))
    gfs = n_w + (M - k_m) + (Y - k_y)
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

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

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

    @field_serializer("*")
    def _plain(self, value: Number) -> float | list[float]:
        if isinstance(value, float):
            return value
        return [float(x) for x in np.asarray(value, dtype=float).ravel()]

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
    full_every: ArrayLike = 7.0,
    weekly: ArrayLike = 0,
    monthly: ArrayLike = 0,
    yearly: ArrayLike = 0,
    block_clone: ArrayLike = False,
    annual_growth: ArrayLike = 0.0,
    years: ArrayLike = 0.0,
    gfs_change_method: str = "rps",
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
        (forward incremental with a periodic synthetic or active full).
    points : array_like of int
        Short-term restore points kept by the retention policy [-], >= 1.
    interval : array_like, default 24.0
        Time between restore points [h], > 0.
    full_every : array_like, default 7.0
        Time between periodic fulls [day], > 0; ignored by forever_forward and reverse.
    weekly, monthly, yearly : array_like of int, default 0
        GFS full backups kept [-]: weekly for ``weekly`` weeks, monthly for ``monthly``
        months, yearly for ``yearly`` years.
    block_clone : array_like of bool, default False
        Whether the repository fast-clones blocks (Veeam Fast Clone on ReFS, or XFS with
        reflink): synthetic and GFS fulls then store only blocks not already on disk.
    annual_growth : array_like, default 0.0
        Compound growth of the source data [1/year], >= 0.
    years : array_like, default 0.0
        Planning horizon [year], >= 0: sizes are those at its end.
    gfs_change_method : {'rps', 'independent'}, default 'rps'
        Model of the unique changed fraction a block-cloned GFS full stores (see
        :func:`unique_change`): ``'rps'``, the Restore Point Simulator's empirical ReFS
        step table (reproduces RPS); ``'independent'``, independent daily block changes
        (an upper bound). Ignored without ``block_clone``.

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
    *Sizes.* With :math:`D` the data size, :math:`r` the data reduction, :math:`c_d` the
    daily change and :math:`\Delta` = interval / 24 h the time between points in days,
    a full is :math:`D/r` and an increment :math:`c\,D/r` with the linear per-point
    change the simulators use, :math:`c = \min(1, c_d\,\Delta)`. Data grows as
    :math:`G = (1+g)^{T}` over the horizon :math:`T` years; the short-term chain is sized
    at :math:`D G`.

    *Short-term chain at its worst moment* (retention is applied after each job, and a
    forward chain is deleted only when every point in it is out of retention). With
    :math:`p` points kept and :math:`f = \max(1, \mathrm{round}(24\,\mathrm{full\_every}
    / \mathrm{interval}))` points per full period:

    - forever_forward: 1 full + :math:`p-1` increments (the oldest increment is merged
      into the full);
    - reverse: 1 full (the newest point) + :math:`p-1` reverse increments;
    - synthetic_full, active_full: :math:`N = p + f - 1` points, of which
      :math:`F = \lceil N/f \rceil` fulls and :math:`N - F` increments, reached when the
      oldest point still in retention is the last point of its chain. More generally,
      when it is the :math:`j`-th point (:math:`1 \le j \le f`),
      :math:`N_j = p + j - 1` and :math:`F_j = 1 + \lfloor (p - 2 + j)/f \rfloor`.

    The chain stores :math:`S = \frac{DG}{r}[F + (N-F)c]`. With block cloning, a
    synthetic full is cloned from the full and increments still on disk and writes only
    that point's changed blocks, so :math:`S = \frac{DG}{r}[1 + (N-1)c]`; active fulls
    read everything from production into a new file and are never cloned.

    *Long-term (GFS) points.* GFS flags are put on fulls of the chain; one file may carry
    weekly, monthly and yearly flags and is stored once. A GFS point costs extra storage
    only when it lies outside the short-term chain and is not already counted in a
    lower tier:

    - weekly, fulls at least a week apart (periodic schemes): the flags sit on the
      chain's fulls, :math:`k_W = \min(W, F_j)` are in the chain;
    - weekly otherwise (forever_forward, reverse, fulls less than a week apart):
      :math:`k_W = \min(W, \lfloor (p\Delta - (f-1)\Delta)/7 \rfloor)` (the fewest points
      of a 7-day grid inside the chain, worst phase; :math:`f = 1` for the two
      forever schemes);
    - monthly: :math:`k_M = \min(M, \lfloor L_W / m \rfloor)` with
      :math:`L_W = \max(p\Delta, 7W)` and :math:`m` = 365/12 days;
    - yearly: :math:`k_Y = \min(Y, \lfloor L_M / 365 \rfloor)` with
      :math:`L_M = \max(L_W, mM)`.

    :math:`n_W = W - k_W`, :math:`n_M = M - k_M`, :math:`n_Y = Y - k_Y` fulls are kept
    outside the chain (``gfs_points``); the extra point :math:`j` of a tier with period
    :math:`P` (:math:`j = k \ldots n-1`) is sized at the data of its time,
    :math:`D\max(1, G(1+g)^{-jP/365})/r`. Without block cloning each costs a full; with
    it (synthetic fulls, or GFS fulls made by a forever chain) it costs its unique
    changed blocks, :math:`u(P)` of a full, the blocks changed between it and the next
    newer point kept, :math:`P` days later (:func:`unique_change`):

    - ``gfs_change_method='rps'`` (default), the Restore Point Simulator's empirical
      ReFS table ``refsdiffperct`` [5]_: :math:`u = \max(c_d, \min(1, b(P),
      \max(P, 1)\,c_d))` with :math:`b` = :math:`c_d`, 3, 5, 9, 12, 15, 18
      :math:`c_d` for gaps under 2, 14, 38, 100, 193, 286, 379 days and 1 beyond, so
      :math:`u(7) = 3c_d`, :math:`u(365/12) = 5c_d`, :math:`u(365) = 18c_d` (capped at
      1). This is the default because it reproduces the simulator.
    - ``gfs_change_method='independent'``: each block changes independently with
      probability :math:`c_d` per day, :math:`u(P) = 1 - (1-c_d)^{P}`; an upper bound
      for real data, whose change concentrates on hot blocks.

    For one day both give :math:`u = c_d`, the simulators' linear increment.

    The stored total is the maximum of short + long term over the two candidate phases
    :math:`j = f` and the phase just before :math:`F_j` steps up (with block cloning,
    six increments can cost less than the weekly full they replace). Working space for
    merges and transforms, which the simulators add on top, is not included.

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
    5185.42
    >>> round(retention_storage(1000.0, gfs_change_method="independent", **kw).stored_gb, 2)
    8529.4
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
    fe = _numeric("full_every", full_every, "days between fulls > 0, e.g. 7.0")
    _require("full_every", fe, fe > 0.0, "a positive duration", "days between fulls, e.g. 7.0")
    tiers = {
        name: _whole(name, value, 0, f"a whole number of {name} GFS fulls >= 0, e.g. 4")
        for name, value in (("weekly", weekly), ("monthly", monthly), ("yearly", yearly))
    }
    bc_arr = np.asarray(block_clone)
    if bc_arr.dtype.kind != "b":
        raise ValueError(f"block_clone: {block_clone!r} is not a bool; use True or False")
    g = _numeric("annual_growth", annual_growth, "a fraction per year >= 0, e.g. 0.2")
    _require("annual_growth", g, g >= 0.0, "a non-negative rate", "a fraction per year, e.g. 0.2")
    T = _numeric("years", years, "a horizon in years >= 0, e.g. 3.0")
    _require("years", T, T >= 0.0, "a non-negative horizon", "a horizon in years, e.g. 3.0")
    method = _gfs_method(gfs_change_method)

    # --- schedule in points, then the vectorised core ----------------------------------
    dt = h / HOURS_PER_DAY
    cols = _retention_columns(
        D,
        np.minimum(1.0, cd * dt),
        data_reduction=r,
        scheme_code=code,
        points=p,
        full_every=np.maximum(1.0, np.floor(fe / dt + 0.5)),
        weekly=tiers["weekly"],
        monthly=tiers["monthly"],
        yearly=tiers["yearly"],
        block_clone=bc_arr,
        point_days=dt,
        daily_change=cd,
        growth_factor=(1.0 + g) ** T,
        annual_growth=g,
        gfs_change_method=method,
    )
    return StorageEstimate(**{k: _scalar_or_array(v) for k, v in cols._asdict().items()})

"""Money: what a design costs per month, and what disruptions are expected to cost.

Pure, ufunc-like functions in the style of numpy-financial: scalars and arrays broadcast,
a scalar input gives a scalar output. Money is in the catalog's currency; recurring
amounts are per month (730 h/month, 12 months/year), losses per hour or per year as named.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._array import _f, _out
from .units import MONTHS_PER_YEAR

__all__ = [
    "amortised_cost",
    "drill_cost",
    "expected_annual_loss",
    "standby_cost",
    "storage_cost",
    "total_cost_of_ownership",
]


def storage_cost(
    stored_gb: ArrayLike,
    price_per_gb_month: ArrayLike,
    *,
    min_storage_days: ArrayLike = 0.0,
    ingest_per_day: ArrayLike = 0.0,
) -> Any:
    r"""Monthly cost of keeping data on a storage tier.

    Parameters
    ----------
    stored_gb : array_like
        Data kept on the tier at the worst moment of the retention cycle [GB].
    price_per_gb_month : array_like
        Tier price [currency/(GB month)].
    min_storage_days : array_like, default 0
        Minimum billable storage duration of the tier [day].
    ingest_per_day : array_like, default 0
        Data written to the tier per day [GB/day].

    Returns
    -------
    float or ndarray
        Storage cost [currency/month].

    Notes
    -----
    An object deleted before the tier's minimum storage duration is billed for the rest
    of it. In steady state every object written is therefore billed for at least
    :math:`t_{min}` days, so the billed volume is at least the ingest rate times the
    minimum duration:

    .. math:: C_s = p \cdot \max\left(S,\ a \, t_{min}\right)

    with :math:`a` the ingest [GB/day]. The bill never falls as retention grows.

    References
    ----------
    .. [1] Amazon Web Services, "Amazon S3 pricing", storage and minimum storage duration
       charges (Standard-IA 30 days, Glacier Deep Archive 180 days: "objects deleted prior
       to 180 days incur a pro-rated charge equal to the storage charge for the remaining
       days"). https://aws.amazon.com/s3/pricing/

    Examples
    --------
    >>> storage_cost(1000.0, 0.023)
    23.0
    >>> round(storage_cost(1000.0, 0.00099, min_storage_days=180, ingest_per_day=100.0), 4)
    17.82
    """
    billed = np.maximum(_f(stored_gb), _f(ingest_per_day) * _f(min_storage_days))
    return _out(_f(price_per_gb_month) * billed)


def amortised_cost(one_time: ArrayLike, years: ArrayLike, rate: ArrayLike = 0.0) -> Any:
    r"""Monthly payment that repays a one-time cost over a number of years.

    Parameters
    ----------
    one_time : array_like
        One-time cost [currency].
    years : array_like
        Amortisation period [year], > 0.
    rate : array_like, default 0.0
        Annual discount (interest) rate [1/year]; 0 gives straight-line amortisation.

    Returns
    -------
    float or ndarray
        Monthly amount [currency/month].

    Notes
    -----
    The capital recovery factor with monthly rate :math:`i = r/12` over :math:`n = 12y`
    months, the same annuity formula as ``numpy_financial.pmt``:

    .. math:: A = P \frac{i}{1 - (1 + i)^{-n}}, \qquad A = \frac{P}{n} \text{ when } i = 0

    References
    ----------
    .. [1] numpy-financial, ``pmt``. https://numpy.org/numpy-financial/latest/pmt.html
    .. [2] E. L. Grant, W. G. Ireson, "Principles of Engineering Economy", capital recovery
       factor.

    Examples
    --------
    >>> amortised_cost(36000.0, 3)
    1000.0
    >>> round(amortised_cost(36000.0, 3, rate=0.06), 2)
    1095.19
    """
    p = _f(one_time)
    n = _f(years) * MONTHS_PER_YEAR
    i = _f(rate) / MONTHS_PER_YEAR
    # the factor depends on the period and rate only: computed at their (usually scalar)
    # shape, then applied to every one-time cost
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(i == 0.0, 1.0 / n, i / (1.0 - np.power(1.0 + i, -n)))
        monthly = p * factor
    return _out(np.where(p == 0.0, 0.0, monthly))


def standby_cost(
    compute_cost: ArrayLike,
    standby_fraction: ArrayLike,
    replica_gb: ArrayLike = 0.0,
    replica_price_per_gb_month: ArrayLike = 0.0,
    witness: ArrayLike = 0.0,
) -> Any:
    r"""Monthly cost of a standby environment.

    Parameters
    ----------
    compute_cost : array_like
        Production compute cost [currency/month].
    standby_fraction : array_like
        Standby compute as a fraction of production [-] (pilot light small, warm standby
        scaled down, hot standby and active/active a full copy).
    replica_gb : array_like, default 0
        Data kept at the standby site [GB].
    replica_price_per_gb_month : array_like, default 0
        Price of the standby's storage [currency/(GB month)].
    witness : array_like, default 0
        A third-site witness or observer, which automatic failover needs
        [currency/month].

    Returns
    -------
    float or ndarray
        Standby cost [currency/month].

    Notes
    -----
    .. math:: C_{sb} = f \cdot C_{compute} + S_{replica} \cdot p_{replica} + C_{witness}

    References
    ----------
    .. [1] Amazon Web Services, "Disaster Recovery of Workloads on AWS: Recovery in the
       Cloud", 2021 (pilot light, warm standby: a scaled-down copy of production).
       https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html
    .. [2] Microsoft, "Deploy a cloud witness for a failover cluster" (a witness at a
       third site arbitrates between the two sites).
       https://learn.microsoft.com/windows-server/failover-clustering/deploy-cloud-witness

    Examples
    --------
    >>> standby_cost(6000.0, 0.5, 4000.0, 0.08)
    3320.0
    >>> standby_cost(6000.0, 0.5, 4000.0, 0.08, witness=20.0)
    3340.0
    """
    return _out(
        _f(compute_cost) * _f(standby_fraction)
        + _f(replica_gb) * _f(replica_price_per_gb_month)
        + _f(witness)
    )


def drill_cost(
    drills_per_year: ArrayLike,
    staff_hours: ArrayLike,
    labor_rate: ArrayLike,
    restore_gb: ArrayLike = 0.0,
    price_per_gb: ArrayLike = 0.0,
) -> Any:
    r"""Monthly cost of restore drills (recovery tests).

    Parameters
    ----------
    drills_per_year : array_like
        Restore tests per year [1/year].
    staff_hours : array_like
        Staff time per drill [h].
    labor_rate : array_like
        Cost of one staff hour [currency/h].
    restore_gb : array_like, default 0
        Data read back per drill [GB] (stored, reduced size).
    price_per_gb : array_like, default 0
        Retrieval plus egress price of the copy tested [currency/GB].

    Returns
    -------
    float or ndarray
        Drill cost [currency/month].

    Notes
    -----
    .. math:: C_{drill} = \frac{n}{12}\left(h \cdot w + S \cdot p_{read}\right)

    References
    ----------
    .. [1] NIST SP 800-34 Rev. 1, sec. 3.5 (testing, training and exercises; recovery
       tests at least annually). https://doi.org/10.6028/NIST.SP.800-34r1

    Examples
    --------
    >>> round(drill_cost(2, 8, 100.0, 2000.0, 0.09), 2)  # 2/12 x (800 + 180)
    163.33
    """
    return _out(
        _f(drills_per_year)
        / MONTHS_PER_YEAR
        * (_f(staff_hours) * _f(labor_rate) + _f(restore_gb) * _f(price_per_gb))
    )


def expected_annual_loss(
    rate: ArrayLike,
    rto: ArrayLike,
    rpo: ArrayLike,
    downtime_cost: ArrayLike,
    data_loss_cost: ArrayLike,
    *,
    axis: int | None = -1,
) -> Any:
    r"""Expected yearly cost of disruptions (annualised loss expectancy).

    Parameters
    ----------
    rate : array_like
        Annual rate of each scenario [1/year].
    rto : array_like
        Downtime each scenario causes [h].
    rpo : array_like
        Committed work each scenario loses [h].
    downtime_cost : array_like
        Cost of one hour of downtime [currency/h].
    data_loss_cost : array_like
        Cost of one hour of lost work [currency/h].
    axis : int or None, default -1
        Axis holding the scenarios, summed over; ``None`` returns the per-scenario terms.

    Returns
    -------
    float or ndarray
        Expected loss [currency/year]; ``inf`` when a scenario with a positive rate has no
        recovery and a positive cost for the quantity it loses without limit.

    Notes
    -----
    The annualised loss expectancy (ALE = ARO x SLE) with the single loss expectancy made
    of downtime and lost work:

    .. math:: \mathrm{EAL} = \sum_s \lambda_s
        \left(\mathrm{RTO}_s\, c_{down} + \mathrm{RPO}_s\, c_{loss}\right)

    An unrecoverable scenario has :math:`\mathrm{RTO}_s = \mathrm{RPO}_s = \infty`. Each
    product is taken with :math:`0 \cdot \infty = 0` on its own (an hour that costs
    nothing costs nothing however many are lost; a scenario that never happens costs
    nothing), before the terms are added: an unrecoverable scenario with a positive rate
    and a positive downtime cost loses :math:`\infty` even when lost data costs 0.

    Use worst-case RPO/RTO for the worst case, the mean-case RPO of
    :func:`rtocalc.physics.rpo_backup` for the mean case.

    References
    ----------
    .. [1] NIST SP 800-30 Rev. 1, "Guide for Conducting Risk Assessments", 2012, and
       FIPS 65 (1979) for annualised loss expectancy. https://doi.org/10.6028/NIST.SP.800-30r1

    Examples
    --------
    >>> expected_annual_loss([1.0, 0.1], [2.0, 10.0], [1.0, 24.0], 5000.0, 1000.0)
    18400.0
    >>> inf = float("inf")  # the second scenario is unrecoverable; lost data costs 0
    >>> expected_annual_loss([1.0, 0.1], [2.0, inf], [1.0, inf], 5000.0, 0.0)
    inf
    >>> expected_annual_loss([1.0, 0.0], [2.0, inf], [1.0, inf], 5000.0, 0.0)
    10000.0
    """
    lam, t, p, dc, lc = _f(rate), _f(rto), _f(rpo), _f(downtime_cost), _f(data_loss_cost)
    per = _times(lam, _times(t, dc) + _times(p, lc))
    shape = np.broadcast_shapes(lam.shape, t.shape, p.shape, dc.shape, lc.shape)
    if per.shape != shape:
        per = np.broadcast_to(per, shape).copy()
    return _out(per if axis is None else per.sum(axis=axis))


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a * b`` with 0 x inf = 0: a zero factor makes the product 0, even if the other
    is infinite (no cost per hour, or no rate, makes an unrecoverable outage cost 0); a
    nan factor stays nan."""
    with np.errstate(invalid="ignore"):
        out = np.asarray(a * b)
    nan = np.isnan(out)  # with no nan factor, only 0 x inf gives nan
    if nan.any():
        out = np.where(nan & ~np.isnan(a) & ~np.isnan(b), 0.0, out)
    return out


def total_cost_of_ownership(outlay: ArrayLike, annual_loss: ArrayLike) -> Any:
    r"""Monthly total cost of ownership: outlay plus expected loss.

    Parameters
    ----------
    outlay : array_like
        Monthly cost of the design [currency/month].
    annual_loss : array_like
        Expected annual loss [currency/year], see :func:`expected_annual_loss`.

    Returns
    -------
    float or ndarray
        TCO [currency/month].

    Notes
    -----
    .. math:: \mathrm{TCO} = C + \frac{\mathrm{EAL}}{12}

    References
    ----------
    .. [1] Gartner, "Total cost of ownership" (definition); NIST SP 800-30 Rev. 1 for the
       expected loss term. https://doi.org/10.6028/NIST.SP.800-30r1

    Examples
    --------
    >>> total_cost_of_ownership(3000.0, 12000.0)
    4000.0
    """
    return _out(_f(outlay) + _f(annual_loss) / MONTHS_PER_YEAR)

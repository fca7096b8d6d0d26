"""Money: what a design costs per month, and what disruptions are expected to cost.

Formula module: each public function is one pure, vectorised, cited equation.

Pure, ufunc-like functions in the style of numpy-financial: scalars and arrays broadcast,
a scalar input gives a scalar output. Money is in the catalog's currency; recurring
amounts are per month (730 h/month, 12 months/year), losses per hour or per year as named.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._array import as_float as _f
from ._array import scalar_out as _out
from .units import HOURS_PER_MONTH, MONTHS_PER_YEAR

__all__ = [
    "amortised_cost",
    "cloud_recovery_cost",
    "drill_cost",
    "expected_annual_loss",
    "licence_cost",
    "own_site_cost",
    "request_cost",
    "restore_cost",
    "standby_cost",
    "storage_cost",
    "tape_library_cost",
    "total_cost_of_ownership",
]

#: bytes in a KiB and in a decimal GB
_BYTES_PER_KIB = 1024.0
_BYTES_PER_GB = 1e9


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


def request_cost(data_gb: ArrayLike, price_per_1000: ArrayLike, object_kib: ArrayLike) -> Any:
    r"""Cost of the object-storage requests that write or read an amount of data.

    Parameters
    ----------
    data_gb : array_like
        Data written (PUT) or read (GET) [GB, decimal]; per month for a monthly bill, per
        restore for one restore.
    price_per_1000 : array_like
        Price of 1,000 requests of that kind [currency/1000 requests].
    object_kib : array_like
        Size of one stored object [KiB]; 0 means the tier bills no requests (disk, tape)
        and the cost is 0.

    Returns
    -------
    float or ndarray
        Request cost [currency] (per month when ``data_gb`` is per month).

    Notes
    -----
    A backup application writes its data as objects of a fixed size, one request each:

    .. math:: N = \frac{10^9 S}{1024\, s_{obj}}, \qquad C_{req} = \frac{N}{1000}\, p

    with :math:`S` in GB and :math:`s_{obj}` in KiB. Veeam stores 1 MiB blocks that
    compress to about 512 KiB objects [2]_, which is why the request count is high.

    References
    ----------
    .. [1] Amazon Web Services, "Amazon S3 pricing", requests and data retrievals: S3
       Standard PUT, COPY, POST, LIST 0.005 USD and GET 0.0004 USD per 1,000 requests
       (us-east-1). https://aws.amazon.com/s3/pricing/
    .. [2] Veeam, "Veeam Backup for AWS best practices: object storage sizing" (1 MiB
       blocks compressed to about 512 KiB objects).

    Examples
    --------
    >>> round(request_cost(4718.0, 0.01, 512.0), 2)  # a month of 155 GB/day to Standard-IA
    89.99
    >>> request_cost(1000.0, 0.005, 0.0)  # disk: no requests billed
    0.0
    """
    size = _f(object_kib)
    with np.errstate(divide="ignore", invalid="ignore"):
        objects = _f(data_gb) * _BYTES_PER_GB / (size * _BYTES_PER_KIB)
        out = objects / 1000.0 * _f(price_per_1000)
    return _out(np.where(size > 0.0, out, 0.0))


def licence_cost(
    workloads: ArrayLike,
    price_per_workload_year: ArrayLike,
    protected_tb: ArrayLike = 0.0,
    price_per_tb_year: ArrayLike = 0.0,
) -> Any:
    r"""Monthly cost of software licences, per licensed unit and per protected TB.

    The one home of every licence of a plan: backup software per workload, replication
    software per replicated server, a database replica's edition per core, a protection
    mechanism's licence per workload and per TB.

    Parameters
    ----------
    workloads : array_like
        Licensed units [-]: instances protected (a VM, a physical server, a database
        instance) or, for per-core products, cores.
    price_per_workload_year : array_like
        Subscription price of one unit [currency/year].
    protected_tb : array_like, default 0
        Protected (front-end) data for capacity-licensed workloads [TB, decimal].
    price_per_tb_year : array_like, default 0
        Subscription price per protected TB [currency/(TB year)].

    Returns
    -------
    float or ndarray
        Licence cost [currency/month].

    Notes
    -----
    .. math:: C_{lic} = \frac{n\, p_{inst} + T\, p_{TB}}{12}

    References
    ----------
    .. [1] Veeam, "End User Software Licensing Policy" (v18, October 2025): Veeam Universal
       License, one instance per VM, server or application server; NAS 500 GB per
       instance; offered in packs of 10 instances.
    .. [2] AWS, "AWS Elastic Disaster Recovery pricing": billed per replicating source
       server per hour, https://aws.amazon.com/disaster-recovery/pricing/
    .. [3] Microsoft, "SQL Server 2022 pricing": per-core licences in 2-core packs, a
       minimum of four cores per instance; Always On availability groups in Enterprise
       edition (Standard: basic availability groups),
       https://www.microsoft.com/sql-server/sql-server-2022-pricing

    Examples
    --------
    >>> licence_cost(1, 240.0)
    20.0
    >>> licence_cost(1, 240.0, protected_tb=6.0, price_per_tb_year=480.0)
    260.0

    A SQL Server replica's Enterprise step, 4 cores at 2,008 a core-year:

    >>> round(licence_cost(4, 2008.0), 2)
    669.33
    """
    return _out(
        (_f(workloads) * _f(price_per_workload_year) + _f(protected_tb) * _f(price_per_tb_year))
        / MONTHS_PER_YEAR
    )


def cloud_recovery_cost(
    restore_gb: ArrayLike,
    run_hours: ArrayLike,
    compute_price_per_hour: ArrayLike,
    volume_price_per_gb_month: ArrayLike,
    data_reduction: ArrayLike = 1.0,
) -> Any:
    r"""What running recovered systems in the cloud costs per incident, until failback.

    Parameters
    ----------
    restore_gb : array_like
        Data restored into the cloud [GB] (stored, reduced size, as the copy bills it).
    run_hours : array_like
        How long the recovered systems run in the cloud until failback [h].
    compute_price_per_hour : array_like
        On-demand compute of the recovered systems [currency/h].
    volume_price_per_gb_month : array_like
        Block storage the restored data occupies while it runs [currency/(GB month)].
    data_reduction : array_like, default 1
        Reduction of the stored copy [-]: the volumes hold the data unreduced.

    Returns
    -------
    float or ndarray
        Cost of one recovery into the cloud [currency], before the provider charges of
        the restore and the failback (:func:`restore_cost`).

    Notes
    -----
    .. math:: C = T\,p_\mathrm{compute} + S\,r\,p_\mathrm{volume}\frac{T}{730}

    A restore from object storage into compute in the same region pays no data transfer
    out; the failback to on-premises moves the restored share back and pays the egress
    then (the copy's ``egress_price_per_gb`` in :func:`restore_cost`: the same data, later).

    References
    ----------
    .. [1] Amazon Web Services, "Amazon EC2 On-Demand Pricing" (per-hour prices while an
       instance runs), https://aws.amazon.com/ec2/pricing/on-demand/
    .. [2] Amazon Web Services, "Amazon EBS pricing" (gp3 0.08 USD/GB-month, us-east-1),
       https://aws.amazon.com/ebs/pricing/
    .. [3] Amazon Web Services, "Amazon S3 pricing", data transfer: transfers from S3 to
       any AWS service within the same region are free, https://aws.amazon.com/s3/pricing/

    Examples
    --------
    Two instances at 0.384 USD/h for 14 days (336 h) and 5 TB (reduced 2:1) on gp3:
    336 x 0.768 + 5,000 x 2 x 0.08 x 336 / 730 = 258.05 + 368.22:

    >>> round(cloud_recovery_cost(5_000.0, 336.0, 0.768, 0.08, 2.0), 2)
    626.27
    """
    t = _f(run_hours)
    volumes = _f(restore_gb) * _f(data_reduction) * _f(volume_price_per_gb_month)
    return _out(t * _f(compute_price_per_hour) + volumes * t / HOURS_PER_MONTH)


def restore_cost(
    restore_gb: ArrayLike,
    retrieval_price_per_gb: ArrayLike,
    egress_price_per_gb: ArrayLike,
    get_price_per_1000: ArrayLike = 0.0,
    object_kib: ArrayLike = 0.0,
) -> Any:
    r"""What one restore from a copy costs in provider charges: retrieval, egress, reads.

    Parameters
    ----------
    restore_gb : array_like
        Data read back [GB] (stored, reduced size: what the provider bills).
    retrieval_price_per_gb : array_like
        Retrieval fee of the tier [currency/GB].
    egress_price_per_gb : array_like
        Data transfer out of the provider [currency/GB].
    get_price_per_1000 : array_like, default 0
        Price of 1,000 GET requests [currency/1000 requests].
    object_kib : array_like, default 0
        Stored object size [KiB]; 0: no request charges.

    Returns
    -------
    float or ndarray
        Cost of one restore [currency].

    Notes
    -----
    .. math:: C_{restore} = S\,(p_{retr} + p_{egress}) + C_{req}(S, p_{GET}, s_{obj})

    with :math:`C_{req}` of :func:`request_cost`. Times the annual rate of the scenario
    that needs the restore it is a yearly expected cost
    (:func:`expected_annual_loss`, ``incident_cost``).

    References
    ----------
    .. [1] Amazon Web Services, "Amazon S3 pricing": retrieval (Standard-IA 0.01 USD/GB,
       Glacier Deep Archive standard retrieval 0.02 USD/GB) and data transfer out to the
       internet (0.09 USD/GB, first 10 TB a month). https://aws.amazon.com/s3/pricing/

    Examples
    --------
    >>> round(restore_cost(5184.0, 0.01, 0.09), 2)  # 5.184 TB back from Standard-IA
    518.4
    >>> round(restore_cost(5184.0, 0.01, 0.09, 0.001, 512.0), 2)  # plus ~9.9 M GETs
    528.29
    """
    s = _f(restore_gb)
    return _out(
        s * (_f(retrieval_price_per_gb) + _f(egress_price_per_gb))
        + request_cost(s, get_price_per_1000, object_kib)
    )


def own_site_cost(
    purchase: ArrayLike,
    amortisation_years: ArrayLike,
    power_kw: ArrayLike,
    price_per_kw_month: ArrayLike,
    rack_units: ArrayLike = 0.0,
    price_per_rack_unit_month: ArrayLike = 0.0,
) -> Any:
    r"""Monthly cost of equipment the organisation owns at its own (second) site.

    Parameters
    ----------
    purchase : array_like
        List price of the equipment (servers, disk shelves, drives) [currency].
    amortisation_years : array_like
        Straight-line amortisation period of the purchase [year], > 0.
    power_kw : array_like
        Power the equipment draws [kW].
    price_per_kw_month : array_like
        Price of a kW of power and cooling at the site, space included where the site
        prices by power (colocation) [currency/(kW month)].
    rack_units : array_like, default 0
        Rack space the equipment takes [U].
    price_per_rack_unit_month : array_like, default 0
        Price of one rack unit where the site prices space apart from power
        [currency/(U month)]; 0 where the power price includes the space.

    Returns
    -------
    float or ndarray
        Monthly cost [currency/month].

    Notes
    -----
    Straight-line amortisation (:func:`amortised_cost` at rate 0) plus the site's
    running charges:

    .. math:: C = \frac{P}{12\,Y} + K\,p_\mathrm{kW} + U\,p_\mathrm{U}

    Divided by the usable capacity of a storage server it is the per-GB monthly price
    of the repository at the second site (a target's ``own_site`` in the catalog); for the
    hosts that run restored systems there it is a monthly fee.

    References
    ----------
    .. [1] TeleGeography, "Three colocation facts every networker should know": median
       North American colocation price 275 USD per kW per month (4 kW cabinet, space
       included), https://blog.telegeography.com/three-colocation-facts-every-networker-should-know
    .. [2] E. L. Grant, W. G. Ireson, "Principles of Engineering Economy", straight-line
       depreciation.

    Examples
    --------
    A 24,000 USD storage server over 5 years drawing 0.4 kW at 275 USD/kW-month:
    24,000 / 60 + 0.4 x 275 = 400 + 110 = 510 per month:

    >>> round(own_site_cost(24_000.0, 5, 0.4, 275.0), 6)
    510.0
    >>> round(own_site_cost(24_000.0, 5, 0.0, 0.0, 2, 30.0), 6)  # 2 U at 30 per U
    460.0
    """
    monthly = (
        _f(amortised_cost(purchase, amortisation_years))
        + _f(power_kw) * _f(price_per_kw_month)
        + _f(rack_units) * _f(price_per_rack_unit_month)
    )
    return _out(monthly)


def tape_library_cost(
    drives: ArrayLike,
    slots: ArrayLike,
    base_price: ArrayLike,
    base_drives: ArrayLike,
    base_slots: ArrayLike,
    drive_price: ArrayLike,
    module_price: ArrayLike,
    module_slots: ArrayLike,
) -> Any:
    r"""Purchase price of a tape library with enough drives and slots.

    Parameters
    ----------
    drives : array_like
        Drives needed [-], see :func:`rtocalc.physics.tape_drives`.
    slots : array_like
        Cartridge slots needed [-], see :func:`rtocalc.physics.tape_slots`.
    base_price : array_like
        Base library with its drives [currency].
    base_drives : array_like
        Drives in the base library [-].
    base_slots : array_like
        Slots in the base library [-].
    drive_price : array_like
        Each drive added [currency].
    module_price : array_like
        Each expansion module [currency].
    module_slots : array_like
        Slots per expansion module [-], > 0.

    Returns
    -------
    float or ndarray
        One-time cost [currency].

    Notes
    -----
    .. math:: P = P_0 + p_d \max(0, d - d_0) + p_m \left\lceil
        \frac{\max(0, n - n_0)}{n_m} \right\rceil

    Expansion modules add slots (and drive bays); drives are bought separately.

    References
    ----------
    .. [1] IBM, "TS4300 Tape Library: Introduction": a 3U base module of 40 slots and 3
       half-height drives, up to 7 modules. https://www.ibm.com/docs/en/ts4300-tape-library
    .. [2] LTO Program, "LTO-9 specifications", 2020-09-09 (18 TB native per cartridge).

    Examples
    --------
    >>> tape_library_cost(1, 30, 15000.0, 1, 40, 7000.0, 8000.0, 40)
    15000.0
    >>> tape_library_cost(3, 100, 15000.0, 1, 40, 7000.0, 8000.0, 40)  # 2 drives, 2 modules
    45000.0
    """
    extra_d = np.maximum(_f(drives) - _f(base_drives), 0.0)
    extra_n = np.maximum(_f(slots) - _f(base_slots), 0.0)
    modules = np.ceil(extra_n / _f(module_slots))
    return _out(_f(base_price) + extra_d * _f(drive_price) + modules * _f(module_price))


def expected_annual_loss(
    rate: ArrayLike,
    rto: ArrayLike,
    rpo: ArrayLike,
    downtime_cost: ArrayLike,
    data_loss_cost: ArrayLike,
    *,
    incident_cost: ArrayLike = 0.0,
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
    incident_cost : array_like, default 0
        Provider charges of each scenario's recovery [currency per occurrence], e.g. the
        retrieval and egress of a restore from the cloud (:func:`restore_cost`).
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
        \left(\mathrm{RTO}_s\, c_{down} + \mathrm{RPO}_s\, c_{loss} + E_s\right)

    with :math:`E_s` the provider charges of recovering (``incident_cost``).

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
    >>> expected_annual_loss(0.02, 20.0, 4.0, 8000.0, 3000.0, incident_cost=518.4)
    3450.368
    """
    lam, t, p, dc, lc = _f(rate), _f(rto), _f(rpo), _f(downtime_cost), _f(data_loss_cost)
    e = _f(incident_cost)
    shape = np.broadcast_shapes(lam.shape, t.shape, p.shape, dc.shape, lc.shape, e.shape)
    # lam (t dc + p lc + e), in that order, in one array of the whole shape
    per = _times(t, dc, out=np.empty(shape))
    per += _times(p, lc)
    per += e
    _times(lam, per, out=per)
    return _out(per if axis is None else per.sum(axis=axis))


def _times(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a * b`` with 0 x inf = 0: a zero factor makes the product 0, even if the other
    is infinite (no cost per hour, or no rate, makes an unrecoverable outage cost 0); a
    nan factor stays nan. Written to ``out`` when given (it may be ``a`` or ``b``)."""
    small, big = (a, b) if a.size <= b.size else (b, a)
    zero_inf = None  # where one factor is 0 and the other infinite (found before ``out``
    # is written): only possible where the smaller factor has a zero or an infinity
    if not (np.isfinite(small).all() and small.all()):
        zero_inf = ((small == 0) & np.isinf(big)) | (np.isinf(small) & (big == 0))
    with np.errstate(invalid="ignore"):
        product = np.asarray(np.multiply(a, b, out=out))
    if zero_inf is not None and zero_inf.any():
        if out is None:
            product = np.where(zero_inf, 0.0, product)
        else:
            np.copyto(out, 0.0, where=zero_inf)
    return product


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

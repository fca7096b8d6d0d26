"""Reference values for the money functions, computed by hand from their sources."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtocalc import cost


def test_storage_cost_and_minimum_duration():
    # AWS S3 pricing: Standard $0.023/GB-month -> 1000 GB = $23/month
    assert cost.storage_cost(1000.0, 0.023) == pytest.approx(23.0)
    # Glacier Deep Archive bills at least 180 days: writing 100 GB a day and keeping each
    # object 10 days (1000 GB stored) bills 100 x 180 = 18,000 GB -> 18000 x 0.00099 = 17.82
    assert cost.storage_cost(1000.0, 0.00099, min_storage_days=180, ingest_per_day=100.0) == (
        pytest.approx(17.82)
    )
    # kept longer than the minimum: only what is stored is billed
    assert cost.storage_cost(20000.0, 0.00099, min_storage_days=180, ingest_per_day=100.0) == (
        pytest.approx(19.8)
    )


def test_amortisation_matches_numpy_financial_pmt():
    # numpy_financial.pmt(0.06/12, 36, -36000) = 1095.1933... (annuity formula)
    i, n, p = 0.06 / 12, 36, 36000.0
    expected = p * i / (1 - (1 + i) ** -n)
    assert cost.amortised_cost(p, 3, 0.06) == pytest.approx(expected)
    assert expected == pytest.approx(1095.19, abs=0.01)
    assert cost.amortised_cost(15000.0, 5) == pytest.approx(250.0)
    assert cost.amortised_cost(0.0, 5) == 0.0


def test_expected_annual_loss_by_hand():
    # ALE = sum rate x (RTO x downtime + RPO x data loss) (NIST SP 800-30, FIPS 65)
    # 1/yr x (2 h x 5000 + 1 h x 1000) + 0.1/yr x (10 h x 5000 + 24 h x 1000) = 11000 + 7400
    assert cost.expected_annual_loss([1.0, 0.1], [2.0, 10.0], [1.0, 24.0], 5000, 1000) == (
        pytest.approx(18400.0)
    )
    # an unrecoverable scenario with a zero rate costs nothing, with a positive rate: inf
    assert cost.expected_annual_loss([0.0], [np.inf], [np.inf], 1.0, 1.0) == 0.0
    assert math.isinf(cost.expected_annual_loss([0.1], [np.inf], [1.0], 1.0, 1.0))
    per = cost.expected_annual_loss([1.0, 2.0], [1.0, 1.0], [0.0, 0.0], 10.0, 0.0, axis=None)
    np.testing.assert_array_equal(per, [10.0, 20.0])


def test_expected_loss_takes_zero_times_inf_per_term():
    """Issue 19, item 2: an unrecoverable scenario (RTO = RPO = inf) with downtime at
    $1,000/h and lost data at $0/h loses inf x 1000 + inf x 0 = inf + 0 = inf a year; the
    sum was nan and then set to 0, so the scenario was dropped."""
    inf = np.inf
    assert math.isinf(cost.expected_annual_loss([0.02], [inf], [inf], 1000.0, 0.0))
    assert math.isinf(cost.expected_annual_loss([0.02], [inf], [inf], 0.0, 1000.0))
    # with both costs 0 or the rate 0, the unrecoverable scenario costs nothing
    assert cost.expected_annual_loss([0.02], [inf], [inf], 0.0, 0.0) == 0.0
    assert cost.expected_annual_loss([0.0, 1.0], [inf, 2.0], [inf, 1.0], 1000.0, 0.0) == 2000.0
    # per term on arrays too, and a recoverable scenario beside it is unaffected
    per = cost.expected_annual_loss(
        [[1.0, 0.02]], [[2.0, inf]], [[1.0, inf]], [[1000.0], [0.0]], 0.0, axis=None
    )
    np.testing.assert_array_equal(per, [[2000.0, inf], [0.0, 0.0]])
    # a nan input is not silently turned into 0
    assert math.isnan(cost.expected_annual_loss([1.0], [np.nan], [1.0], 1000.0, 0.0))


@given(
    rate=st.floats(0.0, 10.0),
    rto=st.floats(0.0, 1e4) | st.just(math.inf),
    rpo=st.floats(0.0, 1e4) | st.just(math.inf),
    down=st.sampled_from([0.0, 0.01, 1000.0]),
    loss=st.sampled_from([0.0, 0.01, 1000.0]),
)
def test_expected_loss_is_never_nan(rate, rto, rpo, down, loss):
    """The loss is the hand sum with 0 x inf = 0 taken in each product, never nan."""

    def times(a: float, b: float) -> float:
        return 0.0 if a == 0.0 or b == 0.0 else a * b

    got = cost.expected_annual_loss([rate], [rto], [rpo], down, loss)
    assert not math.isnan(got)
    assert got == times(rate, times(rto, down) + times(rpo, loss))


_COSTLY = st.sampled_from([0.0, 0.5, 3.0, 1e4, math.inf, math.nan])


@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 6)),
    data=st.data(),
)
def test_expected_loss_per_term_on_arrays(shape, data):
    """On arrays (scenarios x rows, rates per scenario, costs per row or one) every term
    is the hand product with 0 x inf = 0 and nan kept, the same bits as the scalar sum."""
    s, n = shape

    def draw(*dims: int) -> np.ndarray:
        cells = data.draw(st.lists(_COSTLY, min_size=math.prod(dims), max_size=math.prod(dims)))
        return np.array(cells, dtype=float).reshape(dims)

    rate, rto, rpo, charge = draw(s, 1), draw(s, n), draw(s, n), draw(s, n)
    down, lost = draw(n), draw(1)

    def times(a: float, b: float) -> float:
        if math.isnan(a) or math.isnan(b):
            return math.nan
        return 0.0 if a == 0.0 or b == 0.0 else a * b

    got = cost.expected_annual_loss(rate, rto, rpo, down, lost, incident_cost=charge, axis=None)
    assert got.shape == (s, n)
    for i in range(s):
        for j in range(n):
            term = times(rto[i, j], down[j]) + times(rpo[i, j], lost[0]) + charge[i, j]
            want = times(rate[i, 0], term)
            assert got[i, j] == want or (math.isnan(got[i, j]) and math.isnan(want))


def test_tco_standby_drills():
    assert cost.total_cost_of_ownership(3000.0, 12000.0) == 4000.0
    assert cost.standby_cost(6000.0, 0.5, 4000.0, 0.08) == pytest.approx(3320.0)
    # 2 drills/yr x (8 h x $100 + 2000 GB x $0.09) / 12 = 163.33
    assert cost.drill_cost(2, 8, 100.0, 2000.0, 0.09) == pytest.approx(163.3333333)


@given(
    s=st.floats(0, 1e6),
    p=st.floats(0, 1),
    tmin=st.floats(0, 365),
    a=st.floats(0, 1e4),
    more=st.floats(0, 1e6),
)
def test_storage_cost_never_below_plain_price_and_monotone(s, p, tmin, a, more):
    plain = cost.storage_cost(s, p)
    billed = cost.storage_cost(s, p, min_storage_days=tmin, ingest_per_day=a)
    assert billed >= plain * (1 - 1e-12)
    # keeping more data (longer retention, same ingest) never lowers the bill
    assert cost.storage_cost(s + more, p, min_storage_days=tmin, ingest_per_day=a) >= billed


# --- issue 13 item 4: costs a CFO recognises ------------------------------------------------


def test_request_cost_by_hand():
    # AWS S3 pricing (us-east-1): Standard-IA PUT 0.01 USD per 1,000 requests; Veeam writes
    # ~512 KiB objects (1 MiB blocks compressed; vendor_facts sec. 7 and the catalog source).
    # The default example writes 6 TB x 1.2^3 / 2 x 3 %/day = 155.52 GB/day; a 730 h month
    # (30.4167 days) = 4,730.4 GB -> 4,730.4e9 / 524,288 B = 9,022,522 objects -> 9,022.5 x
    # 0.01 = 90.23 USD/month, the "about $90/mo" of issue 13.
    month_gb = 155.52 * 730.0 / 24.0
    objects = month_gb * 1e9 / (512 * 1024)
    assert objects == pytest.approx(9_022_522, rel=1e-6)
    assert cost.request_cost(month_gb, 0.01, 512.0) == pytest.approx(90.225, abs=0.01)
    # S3 Standard GET 0.0004 USD per 1,000: reading 1 TB back = 1,907,349 GETs = 0.763 USD
    assert cost.request_cost(1000.0, 0.0004, 512.0) == pytest.approx(0.76294, rel=1e-4)
    # block or file storage bills no requests: object size 0 gives 0, not inf or nan
    assert cost.request_cost(1000.0, 0.005, 0.0) == 0.0
    np.testing.assert_array_equal(cost.request_cost([1.0, 2.0], 0.005, [0.0, 0.0]), [0.0, 0.0])


def test_licence_cost_by_hand():
    # Veeam licensing policy: 1 instance per VM or server; 250 USD per instance-year
    # (catalog ESTIMATE) -> 250 / 12 = 20.83 USD/month per workload
    assert cost.licence_cost(1, 250.0) == pytest.approx(20.8333, rel=1e-4)
    # NAS at 500 GB per instance: 2 instances per TB -> 500 USD per TB-year; 6 TB = 250/mo
    assert cost.licence_cost(0, 250.0, 6.0, 500.0) == pytest.approx(250.0)
    np.testing.assert_allclose(cost.licence_cost([1, 10], 120.0), [10.0, 100.0])


def test_restore_cost_by_hand():
    # AWS S3 pricing: Standard-IA retrieval 0.01 USD/GB + data transfer out 0.09 USD/GB;
    # restoring the default example's full (6 TB x 1.728 / 2 = 5,184 GB) = 5,184 x 0.10
    assert cost.restore_cost(5184.0, 0.01, 0.09) == pytest.approx(518.4)
    # plus GETs at 0.001 USD per 1,000 (Standard-IA, catalog ESTIMATE) of 512 KiB objects:
    # 5,184e9 / 524,288 = 9,887,695 GETs -> 9.89 USD
    assert cost.restore_cost(5184.0, 0.01, 0.09, 0.001, 512.0) == pytest.approx(
        518.4 + 9.8877, abs=1e-3
    )
    # Glacier Deep Archive: standard retrieval 0.02 USD/GB + egress 0.09 -> 1 TB = 110 USD
    assert cost.restore_cost(1000.0, 0.02, 0.09) == pytest.approx(110.0)
    assert cost.restore_cost(1000.0, 0.0, 0.0) == 0.0  # on premises: no provider charges


def test_expected_loss_counts_restore_charges():
    # a site loss (0.02/yr) restored from the cloud: 0.02 x (20 h x 8000 + 4 h x 3000 + 518.4)
    got = cost.expected_annual_loss(0.02, 20.0, 4.0, 8000.0, 3000.0, incident_cost=518.4)
    assert got == pytest.approx(0.02 * (160000.0 + 12000.0 + 518.4))
    # per scenario, and a scenario that never happens costs nothing however dear its restore
    per = cost.expected_annual_loss(
        [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], 10.0, 0.0, incident_cost=[5.0, 1e6], axis=None
    )
    np.testing.assert_allclose(per, [15.0, 0.0])
    # an unrecoverable scenario stays unbounded (restore charges add to it, never nan)
    assert math.isinf(
        cost.expected_annual_loss(0.1, math.inf, math.inf, 1.0, 1.0, incident_cost=100.0)
    )


def test_tape_library_cost_by_hand():
    # IBM TS4300: 40 slots and up to 3 half-height drives in the base; expansion modules of
    # 40 slots. Catalog ESTIMATE: base with one drive 15,000, each drive 7,000, module 8,000.
    assert cost.tape_library_cost(1, 40, 15000.0, 1, 40, 7000.0, 8000.0, 40) == 15000.0
    # 4 drives and 85 slots: 3 drives more (21,000) and ceil(45/40) = 2 modules (16,000)
    assert cost.tape_library_cost(4, 85, 15000.0, 1, 40, 7000.0, 8000.0, 40) == 52000.0


@given(
    gb=st.floats(0, 1e7),
    price=st.floats(0, 1),
    size=st.sampled_from([0.0, 512.0, 524288.0]),
    more=st.floats(0, 1e6),
)
def test_request_cost_finite_and_monotone(gb, price, size, more):
    """Never negative, inf or nan; more data never costs less; no object size, no charge."""
    a = cost.request_cost(gb, price, size)
    b = cost.request_cost(gb + more, price, size)
    assert math.isfinite(a) and 0.0 <= a <= b
    if size == 0.0:
        assert a == 0.0

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

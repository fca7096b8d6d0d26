"""to_dataframe() of the tabular results: the rows() records, in a pandas DataFrame.

Skipped without pandas (extra ``rtocalc[pandas]``), except the tests that hide pandas to
check the install hint.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import rtocalc
from rtocalc.policy import check_files

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORKLOAD = rtocalc.Workload(data_size="2 TB", compute_cost="$5,000/mo")
# ransomware left out of scope: its containment alone takes days (tests/test_ransomware.py)
NO_RANSOMWARE_48H = {sc: "48 h" for sc in ("logical", "hardware", "site", "region")}
ASK = rtocalc.Requirements(rpo="4 h", rto=NO_RANSOMWARE_48H, offsite=True, budget="$1,000/mo")


@pytest.fixture(scope="module")
def plan():
    result = rtocalc.cheapest(WORKLOAD, ASK)
    assert result.plan is not None
    return result.plan


@pytest.fixture(scope="module")
def curve():
    return rtocalc.cost_curve(WORKLOAD, ASK, axis="rto")


@pytest.fixture(scope="module")
def report():
    return check_files(EXAMPLES / "policy" / "policy.toml", EXAMPLES / "policy" / "inventory.toml")


def test_plan_rows_are_the_scenarios(plan):
    rows = plan.rows()
    assert [r["scenario"] for r in rows] == [o.name for o in plan.by_scenario]
    for r, o in zip(rows, plan.by_scenario, strict=True):
        assert (r["rpo_h"], r["rto_h"], r["meets"]) == (o.rpo, o.rto, o.meets)
        assert r["survivors"] == ", ".join(o.survivors)


def test_cost_curve_rows_are_the_steps(curve):
    rows = curve.rows()
    assert [r["target_h"] for r in rows] == [s.target for s in curve.steps]
    assert [r["monthly_cost_USD"] for r in rows] == [s.monthly_cost for s in curve.steps]
    assert [r["knee"] for r in rows] == [s.target in curve.knees for s in curve.steps]
    assert rows[-1]["looser_than_h"] is None
    assert all(
        r["interval_h"] == s.plan.design.interval for r, s in zip(rows, curve.steps, strict=True)
    )


def test_check_report_rows_are_the_systems(report):
    rows = report.rows()
    assert [r["system"] for r in rows] == [s.name for s in report.systems]
    assert sum(r["violations"] for r in rows) == report.violations
    assert sum(r["warnings"] for r in rows) == report.warnings
    failing = [r for r in rows if r["status"] == "fail"]
    assert failing, "the example inventory has a failing system"
    assert all(r["fix_changes"] for r in failing)


@pytest.mark.parametrize("which", ["plan", "curve", "report"])
def test_to_dataframe_has_the_rows(request, which):
    pd = pytest.importorskip("pandas")
    obj = request.getfixturevalue(which)
    df = obj.to_dataframe()
    assert isinstance(df, pd.DataFrame)
    rows = obj.rows()
    assert list(df.columns) == list(rows[0])
    assert len(df) == len(rows)
    first = df.iloc[0].to_dict()
    for key, value in rows[0].items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            assert pd.isna(first[key])
        else:
            assert first[key] == value


@pytest.mark.parametrize(
    ("which", "owner"),
    [
        ("plan", "Plan.to_dataframe()"),
        ("curve", "CostCurve.to_dataframe()"),
        ("report", "CheckReport.to_dataframe()"),
    ],
)
def test_to_dataframe_without_pandas_says_how_to_install_it(request, monkeypatch, which, owner):
    obj = request.getfixturevalue(which)
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(ImportError) as info:
        obj.to_dataframe()
    assert owner in str(info.value)
    assert 'pip install "rtocalc[pandas]"' in str(info.value)

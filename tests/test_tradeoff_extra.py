"""Frontier and cost curves: exports, renderings, scoped curves and the budget pruning."""

from __future__ import annotations

import csv
import io
import sys

import pytest

from rtocalc.tradeoff import cost_curve, frontier
from rtocalc.units import format_duration, format_money

BUDGET = 1000.0  # [USD/month] between the cheapest and the dearest frontier points


@pytest.fixture(scope="module")
def full_front(default):
    return frontier(
        default.workload, default.requirements, impact=default.impact, catalog=default.catalog
    )


@pytest.fixture(scope="module")
def small_front(default):
    return frontier(
        default.workload,
        default.requirements,
        impact=default.impact,
        catalog=default.catalog,
        max_cost=BUDGET,
    )


@pytest.fixture(scope="module")
def site_curve(default):
    return cost_curve(
        default.workload,
        default.requirements,
        axis="rto",
        impact=default.impact,
        catalog=default.catalog,
        scopes=["site"],
    )


@pytest.fixture(scope="module")
def retention_curve(default):
    return cost_curve(
        default.workload,
        default.requirements,
        axis="retention",
        impact=default.impact,
        catalog=default.catalog,
    )


# --- (a) Frontier.to_dataframe -------------------------------------------------------------


def test_to_dataframe_has_the_csv_columns(small_front):
    pd = pytest.importorskip("pandas")
    df = small_front.to_dataframe()
    assert isinstance(df, pd.DataFrame)
    header = next(csv.reader(io.StringIO(small_front.to_csv())))
    assert list(df.columns) == header
    assert len(df) == len(small_front)


def test_to_dataframe_without_pandas_says_how_to_install_it(small_front, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(ImportError) as info:
        small_front.to_dataframe()
    assert 'pip install "rtocalc[pandas]"' in str(info.value)


# --- (b) CostCurve renderings ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["site_curve", "retention_curve"])
def test_cost_curve_renderings_show_every_step_cost(request, which):
    curve = request.getfixturevalue(which)
    assert len(curve.steps) >= 2
    text, md, page = str(curve), curve.to_markdown(), curve._repr_html_()
    assert text.startswith(f"Cheapest monthly cost as the {curve.axis.upper()} target moves")
    assert md.startswith(f"**Cheapest monthly cost as the {curve.axis.upper()} target moves")
    assert f"\n| {curve.axis.upper()} target |" in md
    assert page.startswith("<table>")
    for step in curve.steps:
        cost = format_money(step.monthly_cost, curve.currency)
        assert cost in text and cost in md and cost in page
    # one table row per step in every rendering
    assert len(text.splitlines()) == 3 + len(curve.steps)
    assert len(md.splitlines()) == 4 + len(curve.steps)  # title, blank, header, rule
    assert page.count("<tr>") == 1 + len(curve.steps)
    if curve.knees:
        assert "knee" in text and "knee" in md and "knee" in page


# --- (c) Frontier renderings -----------------------------------------------------------------


def test_frontier_renderings_show_every_point(small_front):
    assert len(small_front) >= 2
    text, md, page = str(small_front), small_front.to_markdown(), small_front._repr_html_()
    assert text.startswith(f"{len(small_front)} Pareto-optimal designs over cost, RTO and RPO")
    assert "\n| per month | RTO | RPO | design |\n" in md
    assert page.startswith("<table>")
    assert len(text.splitlines()) == 3 + len(small_front)
    assert len(md.splitlines()) == 4 + len(small_front)  # title, blank, header, rule
    # HTML shows every point up to 60, else the first and last five, as pandas does
    n = len(small_front)
    shown = list(small_front) if n <= 60 else [*list(small_front)[:5], *list(small_front)[-5:]]
    assert page.count("<tr>") == 1 + len(shown) + (n > 60)
    assert (f"<p>{n} rows × 4 columns</p>" in page) == (n > 60)
    for plan in small_front:
        cost = format_money(plan.monthly_cost, small_front.currency)
        rto, rpo = format_duration(plan.rto, digits=3), format_duration(plan.rpo, digits=3)
        for out in (text, md, page) if plan in shown else (text, md):
            assert cost in out and rto in out and rpo in out


# --- (d) cost_curve(scopes=...) ---------------------------------------------------------------


def test_site_scope_moves_only_the_site_limit(default, site_curve):
    ask = default.requirements
    assert site_curve.ask == ask.limit("rto", "site")
    assert len(site_curve.steps) >= 2
    for step in site_curve.steps:
        plan = step.plan
        assert plan.requirements is not None
        assert plan.requirements.rto == {**ask.rto, "site": step.target}
        assert plan.requirements.rpo == ask.rpo
        for outcome in plan.by_scenario:
            assert outcome.rpo_limit == ask.limit("rpo", outcome.scope)
            if outcome.scope == "site":
                assert outcome.rto_limit == step.target
                assert outcome.rto <= step.target + 1e-9
            else:  # the other scopes keep the ask's limits
                assert outcome.rto_limit == ask.limit("rto", outcome.scope)
                assert outcome.meets


def test_unknown_scope_is_named(default):
    with pytest.raises(ValueError, match="moon"):
        cost_curve(
            default.workload,
            default.requirements,
            axis="rto",
            catalog=default.catalog,
            scopes=["moon"],
        )


# --- (e) frontier(max_cost=...) ---------------------------------------------------------------


def test_pruned_frontier_equals_the_full_one_filtered_by_cost(full_front, small_front):
    assert all(p.monthly_cost <= BUDGET + 1e-9 for p in small_front)
    assert small_front.monthly_cost.max() <= BUDGET + 1e-9
    # the budget does cut the frontier, and pruning does not change what survives
    assert full_front.monthly_cost.max() > BUDGET and len(small_front) < len(full_front)
    within = [p for p in full_front if p.monthly_cost <= BUDGET + 1e-9]
    assert [p.design for p in small_front] == [p.design for p in within]
    assert [p.monthly_cost for p in small_front] == pytest.approx(
        [p.monthly_cost for p in within], rel=1e-12
    )
    assert small_front.space_size == full_front.space_size

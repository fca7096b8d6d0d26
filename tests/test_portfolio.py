"""Portfolio optimisation: the MILP against brute force, Smith's rule, infeasibility, CLI."""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rtocalc
from rtocalc import BusinessImpact, Requirements, Workload, cheapest, portfolio
from rtocalc.cli import main
from rtocalc.portfolio import PortfolioSystem, _brute_force, _solve, greedy, recovery_order

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portfolio"

money = st.floats(0.0, 1000.0, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def tables(draw, links: bool = False):
    """2-4 systems with 2-5 candidates each: outlay, objective, traffic; a budget."""
    m = draw(st.integers(2, 4))
    outlay, objective, traffic = [], [], []
    for _ in range(m):
        k = draw(st.integers(2, 5))
        outlay.append(np.array(draw(st.lists(money, min_size=k, max_size=k))))
        objective.append(np.array(draw(st.lists(money, min_size=k, max_size=k))))
        traffic.append(np.array(draw(st.lists(money, min_size=k, max_size=k))))
    budget = draw(st.floats(0.0, 4000.0)).__round__(2)
    capacity = draw(st.floats(0.0, 4000.0)).__round__(2) if links else None
    return outlay, objective, traffic if links else None, budget, capacity


@given(tables(links=False))
@settings(max_examples=60)
def test_milp_equals_brute_force(case):
    outlay, objective, _, budget, _ = case
    best = _brute_force(outlay, objective, budget)
    sol = _solve(outlay, objective, budget)
    if math.isinf(best):
        assert sol.choice is None and sol.status == "infeasible"
    else:
        assert sol.choice is not None
        assert sol.objective == pytest.approx(best, abs=1e-6)
        assert sum(outlay[i][j] for i, j in enumerate(sol.choice)) <= budget + 1e-6


@given(tables(links=True))
@settings(max_examples=60)
def test_milp_with_link_equals_brute_force(case):
    outlay, objective, traffic, budget, capacity = case
    best = _brute_force(outlay, objective, budget, traffic, capacity)
    sol = _solve(outlay, objective, budget, traffic, capacity)
    if math.isinf(best):
        assert sol.choice is None
    else:
        assert sol.choice is not None
        assert sol.objective == pytest.approx(best, abs=1e-6)
        assert sum(traffic[i][j] for i, j in enumerate(sol.choice)) <= capacity + 1e-6


@given(tables(links=True), st.floats(0.0, 500.0))
@settings(max_examples=60)
def test_larger_budget_never_increases_objective(case, more):
    outlay, objective, traffic, budget, capacity = case
    a = _solve(outlay, objective, budget, traffic, capacity, duals=False)
    b = _solve(outlay, objective, budget + more, traffic, capacity, duals=False)
    if a.choice is not None:
        assert b.choice is not None
        assert b.objective <= a.objective + 1e-6


@given(tables(links=True))
@settings(max_examples=40)
def test_greedy_is_feasible_and_never_beats_the_milp(case):
    outlay, objective, traffic, budget, capacity = case
    choice, value = greedy(outlay, objective, budget, traffic, capacity)
    best = _brute_force(outlay, objective, budget, traffic, capacity)
    if choice is not None:
        assert sum(outlay[i][j] for i, j in enumerate(choice)) <= budget + 1e-6
        assert sum(traffic[i][j] for i, j in enumerate(choice)) <= capacity + 1e-6
        assert value >= best - 1e-6


# --- Smith's rule ---------------------------------------------------------------------------


def _weighted_completion(order, p, w):
    return sum(w[i] * c for i, c in zip(order, np.cumsum(p[list(order)]), strict=True))


@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.0, 50.0), min_size=n, max_size=n),
            st.lists(st.floats(0.0, 100.0), min_size=n, max_size=n),
        )
    )
)
@settings(max_examples=60)
def test_smith_order_equals_best_permutation(case):
    p, w = (np.array(v) for v in case)
    smith = _weighted_completion(recovery_order(p, w), p, w)
    best = min(_weighted_completion(o, p, w) for o in itertools.permutations(range(len(p))))
    assert smith == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_pinned_priorities_restore_first_in_their_order():
    order = recovery_order([1.0, 1.0, 5.0, 9.0], [1.0, 9.0, 1.0, 1.0], [None, None, 2, 1])
    assert order.tolist() == [3, 2, 1, 0]


# --- end to end on real systems ---------------------------------------------------------------

ASK = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "1 d"}, offsite=True)
IMPACT = BusinessImpact(downtime_cost="$5,000/h", data_loss_cost="$2,000/h")


def _systems(sizes=("500 GB", "2 TB", "6 TB"), ask=ASK):
    return [
        PortfolioSystem(name=f"sys{i}", workload=Workload(data_size=s), requirements=ask)
        for i, s in enumerate(sizes)
    ]


@pytest.fixture(scope="module")
def tco_plan():
    return portfolio.optimize(
        _systems(), budget=5000, links=1000, restore_capacity=2000, impact=IMPACT
    )


def test_plans_meet_limits_and_fit_the_budget(tco_plan):
    assert tco_plan.feasible and tco_plan.status == "optimal"
    assert tco_plan.gap <= 1e-6
    assert all(s.plan.meets_requirements for s in tco_plan)
    assert tco_plan.total_outlay <= 5000
    assert tco_plan.budget_slack == pytest.approx(5000 - tco_plan.total_outlay)
    assert tco_plan.link_traffic <= 1000
    assert tco_plan.total_tco == pytest.approx(sum(s.plan.tco_monthly for s in tco_plan), rel=1e-9)
    assert len(tco_plan.restore_order) == 3


def test_outlay_objective_without_contention_is_the_sum_of_cheapest():
    plan = portfolio.optimize(_systems(), budget=None, objective="outlay")
    alone = sum(cheapest(s.workload, ASK).plan.monthly_cost for s in _systems())
    assert plan.total_outlay == pytest.approx(alone, rel=1e-9)


def test_tight_budget_binds_with_a_shadow_price():
    loose = portfolio.optimize(_systems(), budget=None, impact=IMPACT)
    floor = portfolio.optimize(_systems(), budget=None, impact=IMPACT, objective="outlay")
    mid = (loose.total_outlay + floor.total_outlay) / 2
    tight = portfolio.optimize(_systems(), budget=mid, impact=IMPACT)
    assert tight.feasible and tight.total_outlay <= mid + 1e-6
    assert tight.objective_value >= loose.objective_value - 1e-6
    (budget,) = tight.binding
    assert budget.constraint == "budget" and budget.shadow_price >= 0


def test_budget_below_the_sum_of_minima_gives_the_smallest_budget():
    plan = portfolio.optimize(_systems(), budget=10, objective="outlay")
    assert not plan.feasible
    floor = portfolio.optimize(_systems(), budget=None, objective="outlay").total_outlay
    assert plan.smallest_budget == pytest.approx(floor, rel=1e-9)
    assert any("smallest budget" in r for r in plan.reasons)
    again = portfolio.optimize(_systems(), budget=plan.smallest_budget, objective="outlay")
    assert again.feasible


def test_a_system_with_impossible_limits_is_named_with_its_reasons():
    impossible = Requirements(rpo="1 min", rto="1 min", offsite=True)
    systems = [*_systems(("1 TB",)), *_systems(("50 TB",), ask=impossible)]
    systems[1] = systems[1].model_copy(update={"name": "bigdata"})
    plan = portfolio.optimize(systems, budget=1e6)
    assert not plan.feasible
    assert len(plan.reasons) == 1 and plan.reasons[0].startswith("bigdata:")
    assert plan.smallest_budget is None


def test_link_too_small_for_any_choice_is_named():
    ask = Requirements(rpo={"site": "15 min"}, rto={"site": "4 h"})  # needs the WAN
    plan = portfolio.optimize(_systems(ask=ask), budget=None, links=0.001)
    assert not plan.feasible
    assert any(r.startswith("link:") for r in plan.reasons)


def test_contention_is_reported_with_a_fix():
    ask = Requirements(rpo="1 d", rto={"site": "1 d"}, offsite=True)
    systems = _systems(("20 TB", "20 TB", "20 TB"), ask=ask)
    plan = portfolio.optimize(systems, budget=None, objective="outlay", restore_capacity=1000)
    assert all(s.rto_alone is not None and s.rto_alone <= 24 for s in plan)
    missed = plan.contention
    assert missed, "three 20 TB restores over a 1 TB/h pipe cannot all finish within a day"
    assert all("standby" in s.fix and "priority" in s.fix for s in missed)
    assert plan.restore_order[0] not in {s.name for s in missed}


def test_renderings(tco_plan):
    text = str(tco_plan)
    assert "sys0" in text and "budget" in text
    md = tco_plan.to_markdown()
    assert "| system |" in md
    assert "<table>" in tco_plan._repr_html_()
    back = portfolio.PortfolioPlan.model_validate_json(tco_plan.model_dump_json())
    assert back.total_outlay == tco_plan.total_outlay
    assert tco_plan.to_csv().count("\n") == 4


def test_to_dataframe_without_pandas_says_how_to_install_it(tco_plan, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError) as info:
        tco_plan.to_dataframe()
    assert 'pip install "rtocalc[pandas]"' in str(info.value)


def test_module_is_public():
    assert "portfolio" in rtocalc.__all__ and rtocalc.portfolio is portfolio


def test_rejects_duplicate_names_and_bad_objective():
    with pytest.raises(ValueError, match="twice"):
        portfolio.optimize(_systems(("1 TB", "1 TB")) * 2, budget=None)
    with pytest.raises(ValueError, match="objective"):
        portfolio.optimize(_systems(), budget=None, objective="cheap")  # type: ignore[arg-type]


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_solves_the_example_inventory(capsys):
    code = main(["portfolio", str(EXAMPLES / "inventory.toml"), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["feasible"] and len(data["systems"]) >= 20
    assert data["total_outlay"] <= data["budget"]


def test_cli_budget_option_and_csv(capsys):
    code = main(["portfolio", str(EXAMPLES / "inventory.toml"), "--budget", "$10/mo"])
    out = capsys.readouterr().out
    assert code == 0 and "smallest budget" in out
    code = main(["portfolio", str(EXAMPLES / "inventory.toml"), "--format", "csv"])
    assert code == 0 and capsys.readouterr().out.startswith("system,")


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(portfolio, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0

"""The negotiation: verdicts, limits in numbers, counter-offers, zero downtime, rounds."""

from __future__ import annotations

import json

import pytest

from rtocalc import (
    BusinessImpact,
    Negotiation,
    Requirements,
    Scenario,
    Workload,
    frontier,
    load_scenario,
    negotiate,
)
from rtocalc.cli import main


@pytest.fixture(scope="module")
def default():
    return load_scenario()


@pytest.fixture(scope="module")
def zero():
    return load_scenario("examples/zero_downtime.toml")


@pytest.fixture(scope="module")
def over_budget(default):
    ask = default.requirements.model_copy(update={"budget": 400.0})
    return negotiate(default.workload, ask, impact=default.impact, catalog=default.catalog)


def test_verdicts(default, zero, over_budget):
    fits = negotiate(
        default.workload, default.requirements, impact=default.impact, catalog=default.catalog
    )
    assert fits.verdict == "fits_budget" and fits.plan is not None
    assert fits.plan.monthly_cost <= default.requirements.budget
    assert not fits.counter_offers  # nothing to give up
    assert over_budget.verdict == "over_budget"
    assert over_budget.plan is not None and over_budget.plan.monthly_cost > 400
    impossible = negotiate(
        zero.workload, zero.requirements, impact=zero.impact, catalog=zero.catalog
    )
    assert impossible.verdict == "impossible" and impossible.plan is None and impossible.limits
    free = negotiate(
        default.workload,
        default.requirements.model_copy(update={"budget": None}),
        catalog=default.catalog,
    )
    assert free.verdict == "no_budget"


def test_counter_offers_fit_the_budget_and_are_pareto_minimal(default, over_budget):
    ask = over_budget.ask
    assert over_budget.counter_offers
    front = frontier(default.workload, ask, impact=default.impact, catalog=default.catalog)
    fitting = [p for p in front if p.monthly_cost <= 400 + 1e-9]
    for offer in over_budget.counter_offers:
        assert offer.monthly_cost <= 400 + 1e-9
        assert offer.gives_up
        if offer.kind == "rto_rpo":  # no fitting design is at least as good on both axes
            better = [
                p
                for p in fitting
                if p.rto <= offer.rto
                and p.rpo <= offer.rpo
                and (p.rto, p.rpo) != (offer.rto, offer.rpo)
            ]
            assert not better
        else:  # a single relaxation of a hard ask: the plan meets the rest of the ask
            assert offer.plan.meets_requirements
    best_rto, best_rpo = over_budget.best_rto_in_budget, over_budget.best_rpo_in_budget
    assert best_rto is not None and best_rpo is not None
    assert best_rto.rto == min(p.rto for p in fitting)
    assert best_rpo.rpo == min(p.rpo for p in fitting)


def test_binding_limit_numbers_are_in_the_explanation():
    # 40 TB at the fastest default target (1 GB/s = 3600 GB/h) takes 40000/3600 = 11.1 h
    w = Workload(data_size="40 TB", daily_change="2%/day")
    impact = BusinessImpact(
        scenarios=[Scenario(name="Corruption", scope="logical", rate=1, detection="0 h")]
    )
    n = negotiate(w, Requirements(rpo="24 h", rto="4 h", budget="$5,000/mo"), impact=impact)
    assert n.verdict == "impossible"
    text = str(n)
    for number in ("40 TB", "1 GB/s", "11.1 h", "4 h"):
        assert number in text


def test_zero_downtime_and_break_even(zero):
    n = negotiate(zero.workload, zero.requirements, impact=zero.impact, catalog=zero.catalog)
    z = n.zero_downtime
    assert z is not None
    assert z.rto_floor > 0  # detection and failover cannot be bought away
    assert 0 < z.availability < 1
    assert z.multiple is None or z.multiple >= 1
    assert z.break_even_rto is not None and z.break_even_cost is not None
    # the break-even step has the lowest total cost of ownership of the curve: one step
    # tighter or looser never costs less in outlay plus expected loss
    from rtocalc.negotiate import _possible
    from rtocalc.tradeoff import cost_curve

    curve = cost_curve(
        zero.workload,
        _possible(zero.requirements, n.limits),
        axis="rto",
        impact=zero.impact,
        catalog=zero.catalog,
        scopes=["hardware", "site"],
    )
    tco = [s.plan.tco_monthly for s in curve.steps]
    i = [s.target for s in curve.steps].index(z.break_even_rto)
    assert tco[i] == min(tco)
    assert "pays for itself" in z.note


def test_zero_downtime_without_costs_says_what_it_needs(default):
    n = negotiate(default.workload, default.requirements, catalog=default.catalog)
    assert n.zero_downtime is not None and n.zero_downtime.break_even_rto is None
    assert "needs downtime and data-loss costs" in n.zero_downtime.note


def test_rounds_and_revise(over_budget):
    second = over_budget.revise(rto="5 d", budget="$450/mo")
    assert len(second.history) == 1 and second.history[0].verdict == "over_budget"
    assert second.ask.budget == 450.0
    assert len(second.rounds) == 2
    with pytest.raises(TypeError, match="revise: \\['rtp'\\] are not fields of the ask"):
        over_budget.revise(rtp="1 h")


def test_renderings_and_json(over_budget):
    text = str(over_budget)
    for section in (
        "Verdict:",
        "The ask:",
        "Counter-offers that fit the budget:",
        "Zero downtime:",
        "Questions for the business:",
    ):
        assert section in text
    assert over_budget.to_markdown().startswith("## Verdict")
    assert "<ul>" in over_budget._repr_html_()
    again = Negotiation.model_validate_json(over_budget.model_dump_json())
    assert again.model_dump() == over_budget.model_dump()
    questions = [q.question for q in over_budget.questions]
    assert any("how often must backups run" in q for q in questions)
    assert any("kept" in q for q in questions) and any("down" in q for q in questions)


def test_cli_negotiate_and_frontier(capsys, default):
    assert main(["negotiate"]) == 0
    out = capsys.readouterr().out
    assert "Verdict: the ask cannot be met" in out and "Counter-offers" in out
    assert (
        main(["negotiate", "examples/default.toml", "--budget", "$400/mo", "--format", "json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "over_budget" and data["budget"] == 400.0
    assert main(["negotiate", "--rto", "15 minuets"]) == 2
    err = capsys.readouterr().err
    assert "rto: '15 minuets' is not a duration" in err and "Traceback" not in err
    assert main(["frontier", "examples/default.toml"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("monthly_cost_USD,rto_h,rpo_h") and len(lines) > 5

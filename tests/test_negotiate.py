"""The negotiation: verdicts, limits in numbers, counter-offers, zero downtime, rounds."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from rtocalc import (
    BusinessImpact,
    Catalog,
    Negotiation,
    Reason,
    Requirements,
    Retention,
    Scenario,
    Workload,
    cheapest,
    cost_curve,
    frontier,
    load_scenario,
    negotiate,
)
from rtocalc.cli import main
from rtocalc.models import SCOPES
from rtocalc.negotiate import _zero_downtime, possible_ask
from rtocalc.optimize import OPEN_LIMIT, cheapest_plan
from rtocalc.space import build_space, evaluate_space
from rtocalc.tradeoff import _at, _rto_candidates, _rto_relaxed, scopes_in
from rtocalc.units import parse_duration, parse_money
from strategies import asks, small_catalogs, workloads


@pytest.fixture(scope="module")
def zero():
    return load_scenario(EXAMPLES / "zero_downtime.toml")


#: below the $836.61/mo the ask cost with issue 13's complete prices (circuit, licence) and
#: a recovery into the cloud (issue 12, item 3), now $919.94/mo: the example names the cloud
#: clean room (issue 13 item 5), whose share every design pays ($50/mo + $2,000 setup / 60
#: months = $83.33/mo), so the budget of $800/mo moves with it and the same three designs
#: (no off-site copy, a looser RTO/RPO, a shorter retention) are the counter-offers
OVER_BUDGET = 800.0 + 50.0 + 2000.0 / 60.0


@pytest.fixture(scope="module")
def over_budget(default):
    ask = default.requirements.model_copy(update={"budget": OVER_BUDGET})
    return negotiate(default.workload, ask, impact=default.impact, catalog=default.catalog)


def test_verdicts(default, zero, over_budget):
    fits = negotiate(
        default.workload, default.requirements, impact=default.impact, catalog=default.catalog
    )
    assert fits.verdict == "fits_budget" and fits.plan is not None
    assert fits.plan.monthly_cost <= default.requirements.budget
    assert not fits.counter_offers  # nothing to give up
    assert over_budget.verdict == "over_budget"
    assert over_budget.plan is not None and over_budget.plan.monthly_cost > OVER_BUDGET
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
    fitting = [p for p in front if p.monthly_cost <= OVER_BUDGET + 1e-9]
    for offer in over_budget.counter_offers:
        assert offer.monthly_cost <= OVER_BUDGET + 1e-9
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
    # a database restored, not booted from its backup files: no instant recovery
    no_ir = Catalog.default().override(
        {"targets": {k: {"instant_recovery": False} for k in Catalog.default().targets}}
    )
    # and no snapshots: reverting the whole volume takes minutes whatever its size
    no_ir = Catalog.from_dict({**no_ir.model_dump(), "protection": {}})
    n = negotiate(
        w, Requirements(rpo="24 h", rto="4 h", budget="$5,000/mo"), impact=impact, catalog=no_ir
    )
    assert n.verdict == "impossible"
    text = n.text(detail=True)  # the technical appendix writes out the clock
    assert "11 h" in str(n)  # the plain summary rounds it
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
    from rtocalc.negotiate import possible_ask
    from rtocalc.tradeoff import cost_curve

    curve = cost_curve(
        zero.workload,
        possible_ask(zero.requirements, n.limits),
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
        "Options:",
        "Options by kind of failure",
        "Zero downtime:",
        "Questions for the business:",
    ):
        assert section in text
    assert over_budget.to_markdown().startswith("## Verdict")
    assert "<ul>" in over_budget._repr_html_()
    again = Negotiation.model_validate_json(over_budget.model_dump_json())
    assert again.model_dump() == over_budget.model_dump()
    assert again == over_budget  # issue 16: the private catalog made them differ
    assert again != over_budget.revise(rto="4 h")
    questions = [q.question for q in over_budget.questions]
    assert any("how often must backups run" in q for q in questions)
    assert any("kept" in q for q in questions) and any("down" in q for q in questions)


def test_cli_negotiate_and_frontier(capsys, default):
    assert main(["negotiate"]) == 0
    out = capsys.readouterr().out
    assert "Verdict: the ask cannot be met" in out and "Options:" in out
    assert (
        main(
            [
                "negotiate",
                str(EXAMPLES / "default.toml"),
                "--budget",
                "$800/mo",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "over_budget" and data["budget"] == 800.0
    assert main(["negotiate", "--rto", "15 minuets"]) == 2
    err = capsys.readouterr().err
    assert "rto: '15 minuets' is not a duration" in err and "Traceback" not in err
    assert main(["frontier", str(EXAMPLES / "default.toml"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("monthly_cost_USD,rto_h,rpo_h") and len(lines) > 5
    # text by default, as every command (issue 16)
    assert main(["frontier", str(EXAMPLES / "default.toml")]) == 0
    text = capsys.readouterr().out
    assert "Pareto-optimal designs" in text and len(text.splitlines()) == len(lines) + 2


def _fits(plan, budget):
    return plan is not None and plan.monthly_cost <= budget + 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    # ransomware's limit within reach of its containment (issue 13 item 5) where every
    # scope keeps a limit (scopes None): a flat one is never met
    ask=asks(ransomware_in_reach=True),
    scopes=st.sampled_from([("hardware",), ("hardware", "site"), ("logical", "site"), None]),
    loosen=st.sampled_from([30.0, 1.0]),
    between=st.sampled_from([0.5, 0.0, 1.0, 2.0, None]),
    costs=st.sampled_from([(0.0, 0.0), (5000.0, 2000.0)]),
)
def test_negotiation_equals_its_parts_computed_alone(
    catalog, workload, ask, scopes, loosen, between, costs
):
    """negotiate() shares one space, outlay bound and evaluation between its parts and
    builds only the plans it keeps; each part is still what the public function gives
    when run alone: cheapest(), frontier(max_cost=budget) read as the documented
    counter-offers, cheapest() on each single relaxation, and cost_curve() at the
    candidate RTO targets. Budgets lie between the cheapest design with no RPO or RTO
    limit and the cheapest meeting the ask (``between`` 0 and 1), so that every verdict
    occurs."""
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    kept = SCOPES if scopes is None else scopes  # limits for some scopes only
    rpo = {s: ask.limit("rpo", s) * loosen for s in kept}
    rto = {s: ask.limit("rto", s) * loosen for s in kept}
    limits = Requirements(rpo=rpo, rto=rto)
    ask = ask.model_copy(update={"rpo": limits.rpo, "rto": limits.rto})
    budget = None
    if between is not None:
        lowest = cheapest(workload, ask.model_copy(update={"rpo": {}, "rto": {}}), catalog=catalog)
        low = lowest.plan.monthly_cost if lowest.plan is not None else 100.0
        meets = cheapest(workload, ask, impact=impact, catalog=catalog).plan
        high = meets.monthly_cost if meets is not None else 3 * low
        budget = low + between * (high - low)
    ask = ask.model_copy(update={"budget": budget})
    n = negotiate(workload, ask, impact=impact, catalog=catalog)
    event(f"{n.verdict}, {len(n.counter_offers)} counter-offers")
    res = cheapest(workload, ask, impact=impact, catalog=catalog)
    assert (n.plan, n.limits) == (res.plan, res.reasons)
    offers = [o for o in n.counter_offers if o.kind == "rto_rpo"]
    hard = [o for o in n.counter_offers if o.kind != "rto_rpo"]
    if budget is None or n.verdict == "fits_budget":
        assert not n.counter_offers and n.best_rto_in_budget is None
    else:
        front = frontier(workload, ask, impact=impact, catalog=catalog, max_cost=budget)
        fits = [p for p in front if _fits(p, budget)]
        expected = []
        for p in fits:  # the fitting points no other beats on both RTO and RPO, once
            if any(
                (q.rto, q.rpo) != (p.rto, p.rpo) and q.rto <= p.rto and q.rpo <= p.rpo for q in fits
            ):
                continue
            if not any(abs(e.rto - p.rto) < 1e-9 and abs(e.rpo - p.rpo) < 1e-9 for e in expected):
                expected.append(p)
        # the options drop a point another option beats on every figure shown (the
        # property test below checks that those dropped are beaten)
        offered = [o.plan.design for o in n.options]
        assert [o.plan for o in offers] == [p for p in expected if p.design in offered]
        best_rto = n.best_rto_in_budget.plan if n.best_rto_in_budget else None
        best_rpo = n.best_rpo_in_budget.plan if n.best_rpo_in_budget else None
        assert best_rto == min(fits, key=lambda p: (p.rto, p.rpo, p.monthly_cost), default=None)
        assert best_rpo == min(fits, key=lambda p: (p.rpo, p.rto, p.monthly_cost), default=None)
        ret = ask.retention
        relaxations = []
        if n.verdict == "over_budget":
            relaxations = [
                ("retention", ret.yearly, {"retention": ret.model_copy(update={"yearly": 0})}),
                (  # the long-term tiers beyond weekly dropped, the calendar kept
                    "retention",
                    ret.monthly or ret.quarterly or ret.yearly,
                    {
                        "retention": Retention(
                            daily=ret.daily, weekly=ret.weekly, **ret.calendar
                        )
                    },
                ),
                ("retention", ret.daily > 7, {"retention": ret.model_copy(update={"daily": 7})}),
                ("offsite", ask.offsite, {"offsite": False}),
                ("immutable", ask.immutable, {"immutable": False}),
            ]
        alone = [
            (kind, plan)
            for kind, asked, update in relaxations
            if asked
            and _fits(
                plan := cheapest(
                    workload, ask.model_copy(update=update), impact=impact, catalog=catalog
                ).plan,
                budget,
            )
        ]
        assert sorted((o.kind, o.plan.model_dump_json()) for o in hard) == sorted(
            (kind, plan.model_dump_json()) for kind, plan in alone if plan.design in offered
        )
    # the scopes some standby of the catalog survives (catalog data)
    standby = {sc for x in catalog.strategies.values() if x.replica for sc in x.survives}
    failover = [s for s in SCOPES if s in standby and s in scopes_in(ask, "rto")]
    possible = possible_ask(ask, res.reasons)
    moving = failover or scopes_in(possible, "rto")
    space = build_space(catalog, ask.retention)
    lifted = evaluate_space(space, workload, _rto_relaxed(possible, moving), impact, catalog)
    targets = _rto_candidates(
        lifted,
        np.isin([s.scope for s in impact.scenarios], moving),
        max(possible.limit("rto", s) for s in moving),
        round_values=False,
    )
    curve = cost_curve(
        workload,
        possible,
        targets=targets,
        impact=impact,
        catalog=catalog,
        scopes=failover or None,
    )
    assert n.zero_downtime == _zero_downtime(
        curve, res.plan, ask, impact, catalog.currency, failover or scopes_in(ask, "rto")
    )


@pytest.mark.parametrize("name", ["default.toml", "zero_downtime.toml"])
def test_break_even_equals_brute_force_tco_over_a_fine_rto_grid(name):
    """Issue 19 oracle: the break-even is the least TCO of the cheapest plan over RTO
    targets. Brute force: the cheapest plan (an exact search) at 60 RTO targets from the
    floor to a week, each plan's TCO; none is below the break-even's, and the
    break-even's outlay is the cheapest at its own target."""
    sc = load_scenario(EXAMPLES / name)
    w, ask, imp, cat = sc.workload, sc.requirements, sc.impact, sc.catalog
    n = negotiate(w, ask, impact=imp, catalog=cat)
    zd = n.zero_downtime
    assert zd is not None and zd.break_even_rto is not None
    res = cheapest(w, ask, impact=imp, catalog=cat)
    possible = possible_ask(ask, res.reasons)
    moving = [s for s in ("hardware", "site") if s in scopes_in(ask, "rto")]
    held = {
        s: possible.limit("rto", s)
        for s in scopes_in(possible, "rto")
        if s not in moving and np.isfinite(possible.limit("rto", s))
    }

    def plan_at(t: float):
        return cheapest_plan(w, _at(possible, "rto", held, moving, t), imp, cat)

    at_be = plan_at(zd.break_even_rto)
    assert at_be is not None
    assert at_be.monthly_cost == pytest.approx(zd.break_even_cost, rel=1e-12)
    grid = np.geomspace(zd.rto_floor, 168.0, 60)
    tcos = [p.tco_monthly for t in grid if (p := plan_at(float(t))) is not None]
    assert tcos and min(tcos) >= at_be.tco_monthly * (1 - 1e-12) - 1e-9


def test_shortlist_reads_origins_not_wording(over_budget):
    # issue 17, item 3: the handout keeps an option for where it comes from, whatever its
    # name or gives-up words say (the shortlist used to match "budget buys" / "gives up")
    base = over_budget.options[0].model_copy(update={"tier": "", "meets_ask": False})

    def opt(number, origins, name="Counter-offer", gives_up=("RTO 4 h -> 8 h",)):
        return base.model_copy(
            update={"number": number, "origins": origins, "name": name, "gives_up": gives_up}
        )

    options = (
        *(opt(i, ("relaxed_rto_rpo",)) for i in range(1, 5)),
        # reworded: neither starts with "gives up" nor names "budget buys"
        opt(5, ("relaxed_retention",), gives_up=("drops the yearly points",)),
        opt(6, ("shortest_downtime",), name="Fastest recovery within the budget"),
        # worded like the budget's best, but a plain RTO/RPO counter-offer
        opt(7, ("relaxed_rto_rpo",), name="what the budget buys", gives_up=("gives up x",)),
    )
    n = over_budget.model_copy(update={"options": options})
    assert [o.number for o in n._shortlist()] == [5, 6]


def test_options_carry_their_origins(over_budget):
    # each option says where it comes from, and its name says the same in words
    words = {
        "meets_ask": "meets the ask",
        "shortest_downtime": "shortest downtime",
        "least_work_lost": "least work lost",
    }
    assert over_budget.options
    for o in over_budget.options:
        assert o.origins and len(set(o.origins)) == len(o.origins)
        for origin in o.origins:
            if origin in words:
                assert words[origin] in o.name
            else:
                assert o.name.startswith("Counter-offer")
        if "meets_ask" in o.origins:
            assert o.meets_ask and o.number == 1
    kinds = {f"relaxed_{c.kind}" for c in over_budget.counter_offers}
    assert kinds <= {x for o in over_budget.options for x in o.origins}


def test_possible_ask_reads_limit_kind_and_scope(default):
    # possible_ask opens the limits the reasons name by their fields, not by parsing
    # the 'rto[site]' label
    ask = default.requirements.model_copy(update={"rto": 4.0, "rpo": 1.0})
    site = Reason(
        constraint="rto[site]",
        limit_kind="rto",
        scope="site",
        limit=4.0,
        best=9.0,
        shortfall=5.0,
        message="RTO 4 h for a site loss cannot be met",
    )
    yes_no = Reason(
        constraint="offsite",
        limit_kind="offsite",
        limit=None,
        best=None,
        shortfall=None,
        message="the catalog has no off-site target or method",
    )
    open_ = possible_ask(ask, (site, yes_no))
    assert open_.limit("rto", "site") == OPEN_LIMIT
    for s in scopes_in(ask, "rto"):
        if s != "site":
            assert open_.limit("rto", s) == ask.limit("rto", s)
    assert open_.rpo == ask.rpo and open_.mtd is None
    # a reason from before the fields existed opens nothing
    legacy = Reason(constraint="rto[site]", limit=4.0, best=9.0, shortfall=5.0, message="legacy")
    assert possible_ask(ask, (legacy,)) is ask


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"constraint": "rto[site]", "limit_kind": "rpo", "scope": "site"}, "expected 'rpo"),
        ({"constraint": "rto", "limit_kind": "rto"}, "a scope is required"),
        ({"constraint": "offsite", "limit_kind": "offsite", "scope": "site"}, "scope"),
        ({"constraint": "rto[site]", "scope": "site"}, "without limit_kind"),
    ],
)
def test_reason_constraint_must_agree_with_its_fields(fields, match):
    with pytest.raises(ValueError, match=match):
        Reason(limit=None, best=None, shortfall=None, message="m", **fields)


def test_reasons_from_the_search_have_fields(default):
    # every reason optimize makes fills limit_kind (and scope for rto/rpo)
    ask = default.requirements.model_copy(update={"rto": 1 / 60, "rpo": 1 / 60})
    res = cheapest(default.workload, ask, impact=default.impact, catalog=default.catalog)
    assert not res.feasible and res.reasons
    for r in res.reasons:
        assert r.limit_kind is not None
        assert (r.scope is not None) == (r.limit_kind in ("rto", "rpo"))


def _shown_figures(n):
    """Each option's figures as the options table displays them, read back from the cells
    (the oracle for dominance at the precision shown): cost, one-off, and per failure the
    downtime and work lost, typical and worst; plus whether it meets the ask and which
    hard asks it keeps (the words beside the table)."""
    table = n._table()
    col = {c.name: i for i, c in enumerate(table.columns)}

    def read(row, name):
        text = table.columns[col[name]].cell(row[col[name]], n.currency)
        if table.columns[col[name]].kind == "money":
            return parse_money(text.removesuffix("/mo"), currency=n.currency, per="once")
        return math.inf if text == "no recovery" else parse_duration(text)

    figures = {}
    for row in table.rows:
        number = row[col["option"]]
        if number == "the ask":
            continue
        figures.setdefault(int(number.split()[0]), []).extend(
            read(row, name)
            for name in (
                "monthly_cost", "one_time_cost", "downtime", "downtime_worst", "work_lost",
                "work_lost_worst",
            )
        )  # fmt: skip
    for o in n.options:
        figures[o.number] += [not o.meets_ask] + [
            f"relaxed_{k}" in o.origins for k in ("retention", "offsite", "immutable")
        ]
    return figures


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(),
    between=st.sampled_from([0.2, 0.6, 0.95]),
    loosen=st.sampled_from([1.0, 30.0]),
)
def test_no_offered_option_is_dominated_at_the_precision_shown(
    catalog, workload, ask, between, loosen
):
    """Vendor item 1: no option offered costs at least as much as another and reads no
    better on any figure shown (cost, downtime and work lost per failure, as displayed);
    two options that read the same are one offer."""
    impact = BusinessImpact(downtime_cost=5000.0, data_loss_cost=2000.0)
    ask = ask.model_copy(update={"rpo": ask.rpo * loosen, "rto": ask.rto * loosen})
    lowest = cheapest(workload, ask.model_copy(update={"rpo": {}, "rto": {}}), catalog=catalog)
    low = lowest.plan.monthly_cost if lowest.plan is not None else 100.0
    meets = cheapest(workload, ask, impact=impact, catalog=catalog).plan
    high = meets.monthly_cost if meets is not None else 3 * low
    ask = ask.model_copy(update={"budget": low + between * (high - low)})
    n = negotiate(workload, ask, impact=impact, catalog=catalog)
    event(f"{len(n.options)} options")
    figures = _shown_figures(n)
    for i, a in figures.items():
        for j, b in figures.items():
            if i != j:
                assert not all(x <= y for x, y in zip(b, a, strict=True)), (i, j, a, b)
    # the counter-offers kept are those offered
    offered = [o.plan.design for o in n.options]
    assert all(c.plan.design in offered for c in n.counter_offers)
    assert [o.number for o in n.options] == list(range(1, len(n.options) + 1))


def test_zero_downtime_drops_the_option_dominated_at_the_precision_shown(zero):
    """The zero-downtime meeting offered $1,011, $1,983 and $2,041/mo; the dearest read
    the same work lost as the $1,983 one (13 min typical, 20 min worst, each failure) and
    recovered more slowly (1.1 h -> 8 h worst after a deletion, 30 min -> 11 h after a
    hardware failure). It is no longer offered, and the $1,983 option is now also the
    least work lost the budget buys: on the figures shown it is."""
    n = negotiate(zero.workload, zero.requirements, impact=zero.impact, catalog=zero.catalog)
    assert [round(o.monthly_cost) for o in n.options] == [1011, 1983]
    assert n.options[1].origins == ("relaxed_rto_rpo", "least_work_lost")
    assert n.options[1].name == "Counter-offer, the least work lost the budget buys"
    assert [o.tier for o in n.options] == ["good", "best"]
    # still the technically least RPO in the appendix: 2,041 is not an option
    assert round(n.best_rpo_in_budget.monthly_cost) == 2041
    assert n.best_rpo_in_budget.plan.design not in [o.plan.design for o in n.options]


def test_what_the_budget_buys_says_it_keeps_the_hard_asks_where_a_relaxation_beats_it(default):
    """At $880/mo the default ask is over budget. The only design within it that keeps
    the retention and both copies backs up nightly to tape and loses up to a week after a
    site loss; two cheaper-or-equal offers give up off-site long-term points or the monthly
    and yearly points and lose at most 2.4 h. The tape design is the least work lost the
    budget buys only with the hard asks kept, and its name says so; where no relaxation
    beats it, the short name stays (test above)."""
    ask = default.requirements.model_copy(update={"budget": 880.0})
    n = negotiate(default.workload, ask, impact=default.impact, catalog=default.catalog)
    assert n.verdict == "over_budget"
    named = [o for o in n.options if "least_work_lost" in o.origins]
    assert len(named) == 1
    tape = named[0]
    assert tape.origins == ("relaxed_rto_rpo", "shortest_downtime", "least_work_lost")
    assert tape.name == (
        "Counter-offer, the shortest downtime and the least work lost the budget buys "
        "keeping the retention and copies asked"
    )
    hard = {"relaxed_retention", "relaxed_offsite", "relaxed_immutable"}
    relaxed = [o for o in n.options if hard & set(o.origins)]
    assert relaxed and all(o.monthly_cost <= 880.0 for o in relaxed)
    assert min(o.plan.rpo for o in relaxed) < tape.plan.rpo

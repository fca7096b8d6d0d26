"""Uncertain inputs: distributions, Monte Carlo simulation, robust choice, sensitivity."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    LogNormal,
    Requirements,
    Samples,
    Sensitivity,
    Triangular,
    UncertainImpact,
    UncertainWorkload,
    Uniform,
    UnitError,
    Workload,
    cheapest,
    evaluate,
    robust_cheapest,
    sensitivity,
    simulate,
)
from rtocalc.cli import main
from rtocalc.space import build_space
from rtocalc.uncertainty import first_order_index, load_uncertain_scenario, parse_distribution

ASK = Requirements(rpo="24 h", rto={"logical": "4 h", "site": "1 d"}, offsite=True)
IMPACT = BusinessImpact(downtime_cost="$1,000/h", data_loss_cost="$500/h")
LOCAL = Design(interval="24 h", target="local_disk")


# --- distributions and parsing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2 TB..4 TB", "size", Uniform(low=2000.0, high=4000.0)),
        ("triangular(2 TB, 3 TB, 5 TB)", "size", Triangular(low=2000.0, mode=3000.0, high=5000.0)),
        ("lognormal(median=3 TB, p90=5 TB)", "size", LogNormal(median=3000.0, p90=5000.0)),
        ("samples(1 TB, 2 TB)", "size", Samples(values=(1000.0, 2000.0))),
        ("uniform(1%/day, 3%/day)", "fraction", Uniform(low=0.01, high=0.03)),
        (
            "triangular($1,000/h, $2,000/h, $3,000/h)",
            "money_hour",
            Triangular(low=1000.0, mode=2000.0, high=3000.0),
        ),
        ({"low": "1 TB", "high": "2 TB"}, "size", Uniform(low=1000.0, high=2000.0)),
        (
            {"low": 1, "mode": 2, "high": 3},
            "number",
            Triangular(low=1.0, mode=2.0, high=3.0),
        ),
        ({"median": "10%", "p90": "20%"}, "growth", LogNormal(median=0.1, p90=0.2)),
        ({"values": ["1 TB", "3 TB"]}, "size", Samples(values=(1000.0, 3000.0))),
        ("2 TB", "size", 2000.0),
        (0.5, "number", 0.5),
    ],
)
def test_parse_distribution_forms(text, kind, expected):
    assert parse_distribution(text, kind, "x") == expected


@pytest.mark.parametrize(
    ("value", "kind", "fragment"),
    [
        ("4 TB..2 TB", "size", "low <= high"),
        ("triangular(1 TB, 2 TB)", "size", "wrong arguments for triangular()"),
        ("lognormal(median=3 TB)", "size", "wrong arguments for lognormal()"),
        ("lognormal(median=5 TB, p90=3 TB)", "size", "median <= p90"),
        ("gamma(1, 2)", "size", "is not a size"),
        ("2 TB..4 parsecs", "size", "holds '4 parsecs'"),
        ("1 TB..2 TB..3 TB", "size", "is not a range"),
        ({"low": 1}, "size", "is not a distribution table"),
        ("60 GB/day..90 GB/day", "fraction", "is a size per day"),
        ("1..0.5", "ratio", "holds"),
    ],
)
def test_parse_distribution_errors_name_field_value_and_form(value, kind, fragment):
    with pytest.raises(UnitError) as info:
        parse_distribution(value, kind, "data_size")
    msg = str(info.value)
    assert msg.startswith(f"data_size: {value!r}")
    assert fragment in msg
    assert "use e.g." in msg


def test_distribution_quantiles_and_medians():
    assert Uniform(low=2, high=4).median == 3.0
    tri = Triangular(low=0, mode=0, high=1)
    assert tri.quantile(0.75) == pytest.approx(0.5)
    assert tri.median == pytest.approx(1 - np.sqrt(0.5))
    ln = LogNormal(median=3, p90=5)
    assert ln.median == 3
    assert float(ln.quantile(0.9)) == pytest.approx(5.0)
    assert float(ln.quantile(0.1)) == pytest.approx(9.0 / 5.0)
    assert Samples(values=(1, 2, 3, 10)).median == 2.5


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(low=1, high=3),
        Triangular(low=1, mode=1.5, high=4),
        LogNormal(median=2, p90=3),
    ],
)
def test_samples_follow_the_quantiles(dist):
    x = dist.sample(40_000, np.random.default_rng(0))
    for q in (0.1, 0.5, 0.9):
        assert np.quantile(x, q) == pytest.approx(float(dist.quantile(q)), rel=0.03, abs=0.03)


def test_samples_draw_the_values_with_replacement():
    x = Samples(values=(1, 2, 2, 5)).sample(40_000, np.random.default_rng(0))
    assert set(np.unique(x)) == {1.0, 2.0, 5.0}
    assert np.mean(x == 2.0) == pytest.approx(0.5, abs=0.01)


@given(
    low=st.floats(0, 1e6),
    width=st.floats(0, 1e6),
    mode_at=st.floats(0, 1),
    q=st.lists(st.floats(0, 1), min_size=2, max_size=2),
)
def test_quantiles_are_monotone_and_within_support(low, width, mode_at, q):
    high = low + width
    tri = Triangular(low=low, mode=low + mode_at * width, high=high)
    a, b = sorted(q)
    for d in (Uniform(low=low, high=high), tri):
        qa, qb = float(d.quantile(a)), float(d.quantile(b))
        assert low - 1e-6 <= qa <= qb + 1e-6 * max(1.0, high) and qb <= high + 1e-6 * max(1, high)


def test_degenerate_distributions_sample_exactly():
    rng = np.random.default_rng(1)
    for d in (
        Uniform(low=2.5, high=2.5),
        Triangular(low=2.5, mode=2.5, high=2.5),
        LogNormal(median=2.5, p90=2.5),
        Samples(values=(2.5,)),
    ):
        assert np.all(d.sample(100, rng) == 2.5)
        assert float(d.quantile(0.3)) == 2.5


def test_uncertain_workload_validation_and_median():
    w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..3%/day")
    assert w.median().data_size == 3000.0
    assert w.median().daily_change == pytest.approx(0.02)
    assert w.uncertain() == ("data_size", "daily_change")
    with pytest.raises(ValueError, match=re.escape("data_size: '2 TB..x'")):
        UncertainWorkload(data_size="2 TB..x")
    with pytest.raises(ValueError, match="data_reduction"):
        UncertainWorkload(data_size="1 TB", data_reduction="0.5..2")
    assert UncertainWorkload.of(Workload(data_size="1 TB")).median() == Workload(data_size="1 TB")


def test_uncertain_impact_validation():
    imp = UncertainImpact(downtime_cost="$1,000/h..$3,000/h", rates={"site": "0.01..0.03"})
    assert imp.median().downtime_cost == 2000.0
    with pytest.raises(ValueError, match="name no planned scenario"):
        UncertainImpact(rates={"meteor": 0.1})
    with pytest.raises(ValueError, match=r"rates\.site"):
        UncertainImpact(rates={"site": "a..b"})


# --- simulation --------------------------------------------------------------------------

POINT = Workload(
    data_size="3 TB",
    daily_change="2%/day",
    annual_growth="10%",
    compute_cost="$5,000/mo",
    data_reduction="2:1",
)
DEGENERATE = UncertainWorkload(
    data_size=Uniform(low=3000, high=3000),
    daily_change="2%/day..2%/day",
    annual_growth=Samples(values=(0.1,)),
    compute_cost="triangular($5,000/mo, $5,000/mo, $5,000/mo)",
    data_reduction=LogNormal(median=2, p90=2),
)


@pytest.mark.parametrize("workload", [POINT, DEGENERATE], ids=["workload", "degenerate"])
def test_degenerate_inputs_equal_the_deterministic_model_exactly(workload):
    design = cheapest(POINT, ASK, impact=IMPACT).plan.design
    plan = evaluate(POINT, design, ASK, impact=IMPACT)
    imp = UncertainImpact(downtime_cost="$1,000/h..$1,000/h", data_loss_cost="$500/h")
    sim = simulate(workload, design, samples=64, seed=3, impact=imp, requirements=ASK)
    assert np.all(sim.values("monthly_cost") == plan.monthly_cost)
    assert np.all(sim.values("eal") == plan.expected_annual_loss)
    for oc in plan.by_scenario:
        assert np.all(sim.values(f"rpo:{oc.name}") == oc.rpo)
        assert np.all(sim.values(f"rto:{oc.name}") == oc.rto)
        assert sim.p_meets_scenario[oc.name] == float(oc.meets)
    assert sim.p_meets == 1.0
    assert sim.monthly_cost.p5 == sim.monthly_cost.p95 == plan.monthly_cost
    # with the ask instead of a design, the design is the cheapest at the median inputs
    by_ask = simulate(workload, ASK, samples=64, seed=3, impact=imp)
    assert by_ask.design == design
    assert by_ask.monthly_cost == sim.monthly_cost


def test_same_seed_same_numbers_other_seed_other_numbers():
    w = UncertainWorkload(data_size="lognormal(median=3 TB, p90=5 TB)", annual_growth="0..30%")
    a = simulate(w, ASK, samples=500, seed=7)
    b = simulate(w, ASK, samples=500, seed=7)
    c = simulate(w, ASK, samples=500, seed=8)
    assert a.model_dump_json() == b.model_dump_json()
    assert np.array_equal(a.values("monthly_cost"), b.values("monthly_cost"))
    assert a.monthly_cost != c.monthly_cost


def test_wider_input_range_never_narrows_a_monotone_output():
    # the same uniform draws u map to low + (high - low) u: the wider range's samples
    # bracket the narrower one's, and restore time grows with the data size
    narrow = UncertainWorkload(data_size="2 TB..4 TB")
    wide = UncertainWorkload(data_size="1 TB..6 TB")
    name = "Accidental deletion or corruption"
    sn = simulate(narrow, LOCAL, samples=2000, seed=5).rto[name]
    sw = simulate(wide, LOCAL, samples=2000, seed=5).rto[name]
    assert sw.min <= sn.min and sw.max >= sn.max
    assert sw.p5 <= sn.p5 and sw.p95 >= sn.p95


def test_restore_time_with_uniform_size_is_uniform():
    """Hand-checked: with no change, no growth and no reduction, restoring the typical
    incident's share s of the data from the local disk takes detection + s D / R
    (physics.rto_restore; s D / R stays under the 10 min instant recovery), so
    D ~ U(a, b) gives RTO ~ U(det + s a / R, det + s b / R)."""
    cat = Catalog.default()
    r = cat.targets["local_disk"].read_throughput
    scen = BusinessImpact().scenarios[0]
    assert scen.scope == "logical"
    a, b = 1000.0, 5000.0
    w = UncertainWorkload(data_size=Uniform(low=a, high=b), daily_change=0.0)
    sim = simulate(w, LOCAL, samples=20_000, seed=11)
    x = sim.values(f"rto:{scen.name}")
    lo, hi = scen.detection + scen.share * a / r, scen.detection + scen.share * b / r
    assert hi - scen.detection < cat.targets["local_disk"].instant_recovery_time
    assert lo <= x.min() and x.max() <= hi
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        assert np.quantile(x, q) == pytest.approx(lo + q * (hi - lo), abs=0.01 * (hi - lo))
    assert sim.rto[scen.name].mean == pytest.approx((lo + hi) / 2, abs=0.01 * (hi - lo))


def test_uncertain_costs_and_rates_scale_expected_loss():
    rate = BusinessImpact().scenarios[0]
    imp = UncertainImpact(
        downtime_cost="$1,000/h..$3,000/h", rates={rate.name: Samples(values=(rate.rate,))}
    )
    sim = simulate(Workload(data_size="1 TB"), LOCAL, samples=4000, seed=2, impact=imp)
    fixed = simulate(
        Workload(data_size="1 TB"),
        LOCAL,
        samples=10,
        seed=2,
        impact=BusinessImpact(downtime_cost="$1/h"),
    )
    per_dollar = fixed.values("eal")[0]
    eal = sim.values("eal")
    assert np.allclose(eal, per_dollar * sim.values("downtime_cost"))


def test_simulation_renders_and_serialises():
    w = UncertainWorkload(data_size="2 TB..4 TB")
    sim = simulate(w, ASK, samples=200, seed=1)
    text, md, html = str(sim), sim.to_markdown(), sim._repr_html_()
    assert "monthly cost" in text and "| monthly cost" in md and "<table>" in html
    data = json.loads(sim.model_dump_json())
    assert data["samples"] == 200 and 0.0 <= data["p_meets"] <= 1.0
    assert set(data["rpo"]) == {s.name for s in BusinessImpact().scenarios}
    with pytest.raises(KeyError, match="not simulated"):
        sim.values("nope")
    open_sim = simulate(w, LOCAL, samples=10, seed=1)
    assert open_sim.p_meets is None and open_sim.p_meets_scenario == {}


def test_simulate_errors():
    w = UncertainWorkload(data_size="1 TB")
    with pytest.raises(ValueError, match="samples: 0"):
        simulate(w, LOCAL, samples=0)
    with pytest.raises(TypeError, match="design_or_requirements"):
        simulate(w, "local_disk")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="workload"):
        simulate({"data_size": 1}, LOCAL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"design\.target"):
        simulate(w, Design(interval="1 h", target="nope"))
    impossible = Requirements(rpo="1 min", rto="1 min")
    with pytest.raises(ValueError, match="no design meets the ask at the median"):
        simulate(w, impossible, samples=10)
    # the ask is given once: as the second argument, or with a design as requirements=
    with pytest.raises(TypeError, match="requirements: the ask is already given"):
        simulate(w, ASK, samples=10, requirements=ASK)
    with pytest.raises(TypeError, match="requirements: the ask is already given"):
        sensitivity(w, ASK, samples=10, requirements=ASK)


# --- robust choice ------------------------------------------------------------------------


def test_robust_choice_on_point_inputs_is_the_cheapest():
    res = robust_cheapest(POINT, ASK, samples=50, seed=1, impact=IMPACT)
    plan = cheapest(POINT, ASK, impact=IMPACT).plan
    assert res.feasible and res.probability == 1.0
    assert res.design == plan.design == res.median_design
    assert res.monthly_cost == plan.monthly_cost


def test_robust_choice_meets_the_confidence_and_costs_no_less():
    # sizes from 2 TB to 20 TB: on the catalog's schedules (docs/decisions.md, section 40)
    # and with recovery into the cloud, the median plan of 2-4 TB met the ask in 99.85 % of
    # the samples, so no confidence short of 0.999 needed a dearer design; over 2-20 TB the
    # median plan meets it in 87.8 %, and 0.9 needs a dearer one
    w = UncertainWorkload(data_size="2 TB..20 TB", annual_growth="lognormal(median=10%, p90=30%)")
    res = robust_cheapest(w, ASK, confidence=0.9, samples=2000, seed=4)
    assert res.feasible and res.probability >= 0.9
    assert res.median_probability is not None and res.median_probability < 0.9
    median_cost = cheapest(w.median(), ASK).plan.monthly_cost
    assert res.monthly_cost >= median_cost
    check = simulate(w, res.design, samples=2000, seed=4, requirements=ASK)
    assert check.p_meets == res.probability
    assert "meets the ask in" in str(res)
    lower = robust_cheapest(w, ASK, confidence=0.5, samples=2000, seed=4)
    assert lower.monthly_cost <= res.monthly_cost


def test_robust_choice_errors_and_infeasible():
    w = UncertainWorkload(data_size="1 TB")
    with pytest.raises(ValueError, match="confidence"):
        robust_cheapest(w, ASK, confidence=1.5)
    with pytest.raises(TypeError, match="requirements"):
        robust_cheapest(w, LOCAL)  # type: ignore[arg-type]
    res = robust_cheapest(w, Requirements(rpo="1 min", rto="1 min"), samples=20, seed=1)
    assert not res.feasible and res.design is None and "No design" in str(res)


# --- sensitivity --------------------------------------------------------------------------


def test_sensitivity_ranks_the_input_that_matters():
    w = UncertainWorkload(
        data_size="1 TB..8 TB", daily_change="2%/day..2.1%/day", compute_cost="$1,000/mo"
    )
    s = sensitivity(w, ASK, samples=4000, seed=3)
    names = [e.name for e in s.entries]
    assert names[0] == "data_size" and set(names) == {"data_size", "daily_change"}
    top = s.entries[0]
    assert top.cost_low < s.monthly_cost < top.cost_high
    assert top.first_order_cost > 0.8
    assert all(0.0 <= e.first_order_cost <= 1.0 for e in s.entries)
    assert top.meets_low is not None and "data_size" in str(s)


def test_first_order_index_of_known_models():
    rng = np.random.default_rng(0)
    x1, x2 = rng.random(20_000), rng.random(20_000)
    y = x1 + 0.1 * x2  # S1 = 1 / (1 + 0.01) for equal-variance inputs
    assert first_order_index(x1, y) == pytest.approx(1 / 1.01, abs=0.01)
    assert first_order_index(x2, y) == pytest.approx(0.01 / 1.01, abs=0.01)
    assert first_order_index(x1, np.ones(20_000)) == 0.0


# --- files and command line ---------------------------------------------------------------

SCENARIO = """
[workload]
data_size = "2 TB..4 TB"
daily_change = "triangular(1%/day, 2%/day, 4%/day)"
annual_growth = { median = "10%", p90 = "25%" }

[requirements]
rpo = "24 h"
rto = { logical = "4 h", site = "1 d" }
offsite = true

[impact]
downtime_cost = "$1,000/h..$2,000/h"

[impact.rates]
site = "0.01..0.05"
"""


def test_load_uncertain_scenario(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(SCENARIO)
    sc = load_uncertain_scenario(f)
    assert sc.workload.data_size == Uniform(low=2000.0, high=4000.0)
    assert sc.impact.downtime_cost == Uniform(low=1000.0, high=2000.0)
    assert sc.requirements.offsite
    assert sc.impact.rates == {"site": Uniform(low=0.01, high=0.05)}
    bad = tmp_path / "bad.toml"
    bad.write_text(SCENARIO.replace('site = "0.01..0.05"', 'meteor = "0.01..0.05"'))
    with pytest.raises(ValueError, match="name no planned scenario"):
        load_uncertain_scenario(bad)


def test_cli_simulate_json_and_text(tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text(SCENARIO)
    assert main(["simulate", str(f), "--samples", "300", "--seed", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["samples"] == 300 and data["seed"] == 2
    assert main(["simulate", str(f), "--samples", "300", "--seed", "2"]) == 0
    assert "meets the ask in" in capsys.readouterr().out


def test_cli_simulate_errors(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text(SCENARIO.replace('"2 TB..4 TB"', '"2 TB..4 XB"'))
    assert main(["simulate", str(f), "--samples", "10"]) == 2
    err = capsys.readouterr().err
    assert "data_size" in err and "4 XB" in err
    assert main(["simulate", str(tmp_path / "missing.toml")]) == 2


def test_docstring_examples_run():
    import doctest

    import rtocalc.uncertainty

    result = doctest.testmod(rtocalc.uncertainty, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 5


# --- cheapest(confidence=...) -------------------------------------------------------------


def test_cheapest_with_confidence_reports_robust_cheapest():
    w = UncertainWorkload(data_size="2 TB..4 TB", annual_growth="lognormal(median=10%, p90=30%)")
    res = cheapest(w, ASK, confidence=0.9, samples=2000, seed=4)
    robust = robust_cheapest(w, ASK, confidence=0.9, samples=2000, seed=4)
    assert res.feasible and res.probability is not None and res.probability >= 0.9
    assert res.probability == robust.probability
    assert res.confidence == 0.9 and res.samples == 2000
    assert res.plan.design == robust.design
    assert res.plan.monthly_cost == robust.monthly_cost
    assert res.objective == "outlay" and res.reasons == ()
    # uncertain inputs without confidence: robust at the default 0.9
    assert cheapest(w, ASK, samples=2000, seed=4) == res
    json.loads(res.model_dump_json())


def test_cheapest_with_degenerate_distributions_is_the_deterministic_cheapest():
    det = cheapest(POINT, ASK, impact=IMPACT)
    res = cheapest(UncertainWorkload.of(POINT), ASK, impact=IMPACT, samples=50, seed=1)
    assert res.probability == 1.0 and res.confidence == 0.9
    assert res.plan == det.plan
    assert res.model_copy(update={"probability": None, "confidence": None, "samples": None}) == det
    point = cheapest(POINT, ASK, impact=UncertainImpact.of(IMPACT), confidence=1.0, samples=20)
    assert point.plan == det.plan and point.probability == 1.0
    assert det.probability is None and det.confidence is None and det.samples is None


@pytest.mark.slow
def test_cheapest_with_confidence_errors_and_reasons():
    w = UncertainWorkload(data_size="1 TB")
    with pytest.raises(ValueError, match="confidence"):
        cheapest(w, ASK, confidence=1.5)
    with pytest.raises(ValueError, match="objective"):
        cheapest(w, ASK, objective="tco")
    with pytest.raises(TypeError, match="workload"):
        cheapest(LOCAL, ASK, confidence=0.9)  # type: ignore[arg-type]
    impossible = Requirements(rpo="1 min", rto="1 min")
    res = cheapest(w, impossible, samples=20, seed=1)
    assert not res.feasible and res.plan is None and res.probability is None
    assert res.reasons[-1].constraint == "confidence"
    assert len(res.reasons) > 1  # the median inputs' own reasons come first
    # reachable at the median, not at 100% of a wide range
    wide = UncertainWorkload(data_size="lognormal(median=1 TB, p90=30 TB)")
    ask = Requirements(rpo="24 h", rto={"logical": "2 h"})
    res = cheapest(wide, ask, confidence=1.0, samples=500, seed=1)  # quantile 1 is inf
    assert not res.feasible and [r.constraint for r in res.reasons] == ["confidence"]
    assert "of 500 samples; the best candidate meets it in" in res.reasons[0].message
    assert "cannot be met" in str(res)


# --- uncertain catalog prices ---------------------------------------------------------------

STANDBY = Design(
    interval="12 h",
    target="local_disk",
    offsite="cloud_copy_hot",
    link="wan_1g",
    replication="async",
    strategy="warm_standby",
)
POINT_PRICES = {
    "targets.local_disk.price_per_gb_month": 0.05,
    "targets.object_hot.price_per_gb_month": 0.031,
    "links.wan_1g.price_per_month": 700.0,
    "offsite.cloud_copy_hot.price_per_month": 20.0,
    "strategies.warm_standby.standby_fraction": 0.4,
}
DEGENERATE_PRICES = {
    "targets.local_disk.price_per_gb_month": "0.05..0.05",
    "targets.object_hot.price_per_gb_month": Triangular(low=0.031, mode=0.031, high=0.031),
    "links.wan_1g.price_per_month": "$700/mo..$700/mo",
    "offsite.cloud_copy_hot.price_per_month": {"values": ["$20/mo"]},
    "strategies.warm_standby.standby_fraction": "lognormal(median=40%, p90=40%)",
}


def _nested(flat):
    out: dict = {}
    for key, v in flat.items():
        t, name, field = key.split(".")
        out.setdefault(t, {}).setdefault(name, {})[field] = v
    return out


@pytest.mark.parametrize("prices", [POINT_PRICES, DEGENERATE_PRICES], ids=["point", "degenerate"])
def test_degenerate_prices_equal_the_deterministic_model_exactly(prices):
    catalog = Catalog.default().override(_nested(POINT_PRICES))
    plan = evaluate(POINT, STANDBY, ASK, impact=IMPACT, catalog=catalog)
    assert plan.cost_breakdown["standby"] > 0 and plan.cost_breakdown["link"] == 700.0
    for workload in (POINT, DEGENERATE):
        sim = simulate(
            workload, STANDBY, samples=64, seed=3, impact=IMPACT, requirements=ASK, prices=prices
        )
        assert np.all(sim.values("monthly_cost") == plan.monthly_cost)
        assert np.all(sim.values("eal") == plan.expected_annual_loss)
        assert sim.p_meets == float(plan.meets_requirements)
    det = cheapest(POINT, ASK, impact=IMPACT, catalog=catalog).plan
    res = robust_cheapest(POINT, ASK, samples=32, seed=1, impact=IMPACT, prices=prices)
    assert res.design == det.design and res.monthly_cost == det.monthly_cost
    assert res.mean_monthly_cost == det.monthly_cost
    sens = sensitivity(UncertainWorkload.of(POINT), STANDBY, samples=64, seed=1, prices=prices)
    assert sens.entries == () and sens.monthly_cost == plan.monthly_cost


def test_the_old_name_cost_median_warns_and_old_json_loads():
    """Sensitivity.cost_median was renamed monthly_cost (the outlay at the median inputs, as
    RobustChoice.monthly_cost): the old attribute warns for one release, old JSON loads."""
    w = UncertainWorkload(data_size="2 TB..4 TB")
    sens = sensitivity(w, Design(interval="24 h", target="local_disk"), samples=64, seed=1)
    with pytest.warns(DeprecationWarning, match="Sensitivity.monthly_cost"):
        assert sens.cost_median == sens.monthly_cost
    data = json.loads(sens.model_dump_json())
    assert "cost_median" not in data
    data["cost_median"] = data.pop("monthly_cost")
    with pytest.warns(DeprecationWarning, match="cost_median"):
        assert Sensitivity.model_validate(data) == sens


def test_wider_price_range_never_narrows_the_cost_range():
    key = "targets.local_disk.price_per_gb_month"
    w = UncertainWorkload(data_size="2 TB..4 TB")
    runs = {
        width: simulate(w, LOCAL, samples=2000, seed=5, prices={key: rng}).monthly_cost
        for width, rng in (("point", 0.025), ("narrow", "0.02..0.03"), ("wide", "0.01..0.04"))
    }
    for a, b in (("point", "narrow"), ("narrow", "wide")):
        assert runs[b].min <= runs[a].min and runs[b].max >= runs[a].max
        assert runs[b].p5 <= runs[a].p5 and runs[b].p95 >= runs[a].p95
    # a price scales its cost item: with a point workload the cost is linear in the draws
    sim = simulate(POINT, LOCAL, samples=500, seed=2, prices={key: "0.02..0.03"})
    price, cost = sim.values(key), sim.values("monthly_cost")
    assert np.allclose(np.polyval(np.polyfit(price, cost, 1), price), cost, rtol=1e-12)
    assert sim.inputs[key].min >= 0.02 and sim.inputs[key].max <= 0.03


def test_uncertain_prices_in_robust_choice_and_sensitivity():
    key = "targets.local_disk.price_per_gb_month"
    w = UncertainWorkload(data_size="2 TB..4 TB")
    prices = {key: "0.01..0.05", "links.wan_500m.price_per_month": "$300/mo..$500/mo"}
    res = robust_cheapest(w, ASK, samples=1000, seed=3, prices=prices)
    check = simulate(w, res.design, samples=1000, seed=3, requirements=ASK, prices=prices)
    assert res.probability == check.p_meets >= 0.9
    assert res.mean_monthly_cost == pytest.approx(check.monthly_cost.mean, rel=1e-12)
    via = cheapest(w, ASK, samples=1000, seed=3, prices=prices)
    assert via.plan.design == res.design and via.probability == res.probability
    sens = sensitivity(w, LOCAL, samples=2000, seed=1, prices={key: "0.01..0.05"})
    entry = next(e for e in sens.entries if e.name == key)
    assert (entry.low, entry.high) == pytest.approx((0.012, 0.048))
    assert entry.cost_low < sens.monthly_cost < entry.cost_high
    assert entry.first_order_cost > 0.3 and key in str(sens)


def test_parse_prices_errors():
    from rtocalc.uncertainty import parse_prices

    cat = Catalog.default()
    assert parse_prices(None, cat) == {}
    with pytest.raises(ValueError, match="not an uncertain catalog price"):
        parse_prices({"targets.local_disk.read_throughput": "1..2"}, cat)
    with pytest.raises(ValueError, match="no targets entry 'floppy'"):
        parse_prices({"targets.floppy.price_per_gb_month": "1..2"}, cat)
    with pytest.raises(ValueError, match=r"links\.wan_1g\.price_per_month"):
        parse_prices({"links.wan_1g.price_per_month": "cheap..dear"}, cat)


def test_load_uncertain_scenario_with_catalog_prices(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(
        SCENARIO
        + """
[catalog.targets.object_hot]
price_per_gb_month = "0.02..0.03"

[catalog.links.wan_1g]
price_per_month = { low = "$500/mo", high = "$900/mo" }

[catalog.strategies.warm_standby]
standby_fraction = 0.3
"""
    )
    sc = load_uncertain_scenario(f)
    assert sc.prices == {
        "targets.object_hot.price_per_gb_month": Uniform(low=0.02, high=0.03),
        "links.wan_1g.price_per_month": Uniform(low=500.0, high=900.0),
    }
    assert sc.catalog.targets["object_hot"].price_per_gb_month == pytest.approx(0.025)
    assert sc.catalog.links["wan_1g"].price_per_month == 700.0
    assert sc.catalog.strategies["warm_standby"].standby_fraction == 0.3
    sim = simulate(sc.workload, sc.requirements, samples=200, seed=1, prices=sc.prices)
    assert "targets.object_hot.price_per_gb_month" in sim.inputs


def _local_catalog() -> Catalog:
    """The default catalog cut to one local disk target, one link and restore-to-new:
    a few designs, one per backup scheme."""
    data = Catalog.default().model_dump()
    data["targets"] = {"local_disk": data["targets"]["local_disk"]}
    data["offsite"] = {}
    data["links"] = {"wan_100m": data["links"]["wan_100m"]}
    data["strategies"] = {"restore": data["strategies"]["restore"]}
    return Catalog.from_dict(data)


def test_robust_choice_searches_the_interval_on_the_samples():
    """Issue 19, item 6: the reverse-incremental design misses the ask at every stressed
    input above the median, and at its median interval (24 h) it meets it in 88.6 % of
    the samples (an RPO just above a day loses the samples with the slowest backups), so
    "no design" was the answer; at 23.99 h it meets it in 90 %, which the search on the
    samples finds. The RTO is checked against the whole data set (the worst incident),
    restored rather than run from the backup files (no instant recovery)."""
    cat = _local_catalog()
    cat = cat.override({"targets": {k: {"instant_recovery": False} for k in cat.targets}})
    w = UncertainWorkload(
        data_size="1 TB..3 TB", daily_change="2%/day..10%/day", annual_growth="0%..40%"
    )
    ask = Requirements(
        rpo={"logical": 24.20262526097493},
        rto={"logical": 2.67956376147944},
        incident="worst",
    )
    res = robust_cheapest(w, ask, confidence=0.9, samples=2000, seed=5, catalog=cat)
    assert res.feasible and res.design is not None and res.probability >= 0.9
    # every 12 h: the schedule below nightly (it was 23.99 h, the continuous interval the
    # samples allowed, before solved intervals moved onto the catalog's schedules;
    # docs/decisions.md, section 40)
    assert res.design.scheme == "reverse" and res.design.interval == 12.0
    check = simulate(w, res.design, samples=2000, seed=5, requirements=ask, catalog=cat)
    assert check.p_meets == res.probability
    at_median = res.design.model_copy(update={"interval": 24.0})
    median = simulate(w, at_median, samples=2000, seed=5, requirements=ask, catalog=cat)
    assert median.p_meets == pytest.approx(0.886)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.floats(200.0, 5000.0),
    spread=st.floats(1.1, 3.0),
    change=st.floats(0.01, 0.1),
    rpo=st.floats(1.0, 30.0),
    rto=st.floats(0.5, 12.0),
    # the search drops designs that fail at every stressed input from the median up
    # (documented); at a confidence of 0.8 and more no such design reaches it
    confidence=st.sampled_from([0.8, 0.9]),
)
# found by the random profile: the oracle's 16 h met an RPO of 19 h more cheaply than the
# 12 h schedule the search may take, before the oracle tried schedules only
@pytest.mark.slow
@example(size=200.0, spread=1.1, change=0.02043141852945239, rpo=19.0, rto=2.0, confidence=0.8)
def test_robust_no_design_verdict_agrees_with_simulate(
    size, spread, change, rpo, rto, confidence
):
    """Issue 19 oracle: simulate() every design of a small catalog at a grid of intervals
    on the same samples. When one meets the ask in ``confidence`` of them, the robust
    search finds a design, at no more outlay at the median inputs; when it says "no
    design", none does."""
    cat = _local_catalog()
    n = 200
    w = UncertainWorkload(
        data_size=Uniform(low=size, high=size * spread),
        daily_change=Uniform(low=change / 2, high=change * 1.5),
    )
    ask = Requirements(rpo={"logical": rpo}, rto={"logical": rto})
    res = robust_cheapest(w, ask, confidence=confidence, samples=n, seed=2, catalog=cat)
    best = np.inf
    for row in range(len(build_space(cat, ask.retention))):
        # the catalog's schedules, the intervals a solved design may take (docs/decisions.md,
        # section 40): a design met only at 16 h, between two schedules, is no plan to return
        for interval in cat.schedules.backup:
            design = build_space(cat, ask.retention).design(row, interval)
            sim = simulate(w, design, samples=n, seed=2, requirements=ask, catalog=cat)
            if sim.p_meets >= confidence:
                cost = evaluate(w.median(), design, ask, catalog=cat).monthly_cost
                best = min(best, cost)
    if np.isfinite(best):
        assert res.feasible and res.monthly_cost <= best * (1 + 1e-9) + 1e-9
    if res.feasible:
        check = simulate(w, res.design, samples=n, seed=2, requirements=ask, catalog=cat)
        assert check.p_meets == res.probability >= confidence


# --- Monte Carlo in blocks ------------------------------------------------------------------


@pytest.mark.parametrize("block", [1, 777, 4096])
def test_simulation_is_the_same_whatever_the_block_size(monkeypatch, block):
    """Samples are evaluated in blocks of uncertainty._BLOCK rows; every figure of every
    sample, and so every summary, is bitwise the one of a single block."""
    from rtocalc import uncertainty

    w = UncertainWorkload(
        data_size="2 TB..4 TB",
        daily_change="triangular(1%/day, 3%/day, 6%/day)",
        data_reduction="lognormal(median=2, p90=3)",
    )
    imp = UncertainImpact(downtime_cost="1000..5000", data_loss_cost=300)
    ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
    prices = {"targets.object_hot.price_per_gb_month": "0.02..0.03"}
    n = 3000 if block > 1 else 50

    def run():
        return simulate(w, ask, samples=n, seed=11, impact=imp, prices=prices)

    monkeypatch.setattr(uncertainty, "_BLOCK", 10**9)
    whole = run()
    monkeypatch.setattr(uncertainty, "_BLOCK", block)
    parts = run()
    assert parts.model_dump_json() == whole.model_dump_json()
    for name in whole._arrays:
        assert np.array_equal(parts.values(name), whole.values(name), equal_nan=True), name


@pytest.mark.parametrize("block", [5, 257])
def test_robust_search_is_the_same_whatever_the_block_size(monkeypatch, block):
    """The robust search evaluates (candidate x sample) rows in blocks of
    uncertainty._BLOCK rows: the choice, its probability, its mean outlay with sampled
    prices and the search's counts are those of a single block, bitwise."""
    from rtocalc import uncertainty

    w = UncertainWorkload(
        data_size="2 TB..4 TB",
        daily_change="triangular(1%/day, 3%/day, 6%/day)",
        data_reduction="lognormal(median=2, p90=3)",
    )
    imp = UncertainImpact(downtime_cost="1000..5000", data_loss_cost=300)
    ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
    prices = {"targets.object_hot.price_per_gb_month": "0.02..0.03"}

    def run():
        return robust_cheapest(w, ask, samples=240, seed=5, impact=imp, prices=prices)

    monkeypatch.setattr(uncertainty, "_BLOCK", 10**9)
    whole = run()
    monkeypatch.setattr(uncertainty, "_BLOCK", block)
    sizes = []  # samples per block
    real = uncertainty._columns

    def recorded(uw, draws):
        sizes.append(len(draws["data_size"]))
        return real(uw, draws)

    monkeypatch.setattr(uncertainty, "_columns", recorded)
    parts = run()
    assert whole.feasible and whole.evaluated > 1
    assert parts.model_dump_json() == whole.model_dump_json()
    assert len(sizes) > 240 // block and max(sizes) <= block

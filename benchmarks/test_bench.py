"""Speed of the model (pytest-benchmark).

Run: ``python -m pytest benchmarks --benchmark-only`` (CI runs them once, untimed, as a
smoke test). Targets from the core issue: at least 10 million design-scenario
evaluations per second on one core, and ``cheapest()`` on the default scenario under
20 ms. Compare the vectorised evaluation with the per-design loop in the same run: the
ratio is what vectorisation buys, whatever the machine's load.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rtocalc import cheapest, evaluate, load_scenario
from rtocalc.space import build_space, evaluate_space


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


@pytest.fixture(scope="module")
def space(scenario):
    return build_space(scenario.catalog, scenario.requirements.retention)


def test_evaluate_whole_space(benchmark, scenario, space):
    """Every design of the default space, every scenario, one broadcast evaluation."""
    s = scenario
    ev = benchmark(evaluate_space, space, s.workload, s.requirements, s.impact, s.catalog)
    pairs = len(space) * len(s.impact.scenarios)
    benchmark.extra_info["designs"] = len(space)
    benchmark.extra_info["design_scenario_pairs"] = pairs
    if benchmark.stats:
        per_s = pairs / benchmark.stats.stats.median
        benchmark.extra_info["pairs_per_second"] = per_s
    assert ev.feasible.any()


def test_evaluate_whole_space_new_workload(benchmark, scenario, space):
    """The whole space with a new ``Workload`` object each call: the rows' figures that a
    space remembers for a workload (the benchmark above reuses them) are computed again,
    as for the first evaluation of a system; the rate the speed target is read from."""
    s = scenario
    ask, impact, catalog = s.requirements, s.impact, s.catalog
    ev = benchmark(lambda: evaluate_space(space, s.workload.model_copy(), ask, impact, catalog))
    pairs = len(space) * len(s.impact.scenarios)
    benchmark.extra_info["design_scenario_pairs"] = pairs
    if benchmark.stats:
        benchmark.extra_info["pairs_per_second"] = pairs / benchmark.stats.stats.median
    assert ev.feasible.any()


def test_evaluate_per_design_loop(benchmark, scenario, space):
    """The same evaluation as a per-design Python loop (200 designs) for comparison."""
    s = scenario
    rows = np.linspace(0, len(space) - 1, 200).astype(int)
    designs = [space.design(int(i), 4.0) for i in rows]

    def loop():
        return [
            evaluate(s.workload, d, s.requirements, impact=s.impact, catalog=s.catalog)
            for d in designs
        ]

    plans = benchmark(loop)
    benchmark.extra_info["designs"] = len(designs)
    benchmark.extra_info["design_scenario_pairs"] = len(designs) * len(s.impact.scenarios)
    assert len(plans) == len(designs)


def test_cheapest_default(benchmark, scenario):
    """``cheapest()`` on the shipped default scenario (target: under 20 ms)."""
    s = scenario
    res = benchmark(cheapest, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert res.feasible


def test_cheapest_default_new_workload(benchmark, scenario):
    """``cheapest()`` on the default scenario with a new ``Workload`` object each call: the
    figures and outlay bound remembered for a workload (the benchmark above reuses them)
    are computed again, as for the first ask about a system."""
    s = scenario
    ask, impact, catalog = s.requirements, s.impact, s.catalog
    res = benchmark(lambda: cheapest(s.workload.model_copy(), ask, impact=impact, catalog=catalog))
    assert res.feasible


def test_cheapest_default_tco(benchmark, scenario):
    """``cheapest(objective="tco")``: both ends of every interval range, weaker bound."""
    s = scenario
    res = benchmark(
        cheapest, s.workload, s.requirements, impact=s.impact, catalog=s.catalog, objective="tco"
    )
    assert res.feasible


def test_cheapest_infeasible(benchmark, scenario):
    """An ask no design meets: the whole space is evaluated to explain why."""
    s = scenario
    ask = s.requirements.model_copy(update={"rto": 0.05})
    res = benchmark(cheapest, s.workload, ask, impact=s.impact, catalog=s.catalog)
    assert not res.feasible


def test_cheapest_zero_downtime(benchmark):
    """``cheapest()`` on the shipped zero-downtime example (issue target: under 20 ms): no
    design meets it, so the whole space is evaluated and explained."""
    s = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "zero_downtime.toml")
    res = benchmark(cheapest, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert not res.feasible
    assert any(r.limit_kind == "rto" for r in res.reasons)


def test_negotiate_default(benchmark, scenario):
    """``negotiate()`` on the default scenario (issue target: under 100 ms)."""
    from rtocalc import negotiate

    s = scenario
    n = benchmark(negotiate, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert n.verdict == "fits_budget"


def test_negotiate_zero_downtime(benchmark):
    """``negotiate()`` on the shipped zero-downtime example (``rtocalc negotiate``'s default):
    an impossible ask, so the whole space is evaluated for its reasons and again with the
    RTO lifted for the zero-downtime curve."""
    from rtocalc import negotiate

    s = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "zero_downtime.toml")
    n = benchmark(negotiate, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert n.verdict == "impossible"


def test_negotiate_zero_downtime_new_workload(benchmark):
    """``negotiate()`` on the zero-downtime example with a new ``Workload`` object each
    call: nothing remembered for the workload is reused, as for the first meeting about a
    system (the target holds here too)."""
    from rtocalc import negotiate

    s = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "zero_downtime.toml")
    ask, impact, catalog = s.requirements, s.impact, s.catalog
    n = benchmark(lambda: negotiate(s.workload.model_copy(), ask, impact=impact, catalog=catalog))
    assert n.verdict == "impossible"


def _rto_jobs(scenario, space):
    """Exact searches at 14 RTO targets after a hardware failure and a site loss (the other
    limits as asked), each met by some design: the steps of a cost curve."""
    from rtocalc._search import Job, bound
    from rtocalc.models import SCOPES

    s = scenario
    ask = s.requirements
    b = bound(space, s.workload, ask.retention, s.catalog)
    held = {sc: ask.limit("rto", sc) for sc in SCOPES}
    jobs = []
    for t in (0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 24, 48):
        table = {**held, "hardware": t, "site": t}
        jobs.append(Job(s.workload, ask.model_copy(update={"rto": table, "mtd": None}), b))
    return jobs


def test_search_side_by_side(benchmark, scenario, space):
    """14 exact searches (a cost curve's RTO steps) side by side: one evaluation per round
    for all of them (compare with the one-by-one loop below in the same run)."""
    from rtocalc._search import search

    jobs = _rto_jobs(scenario, space)
    found = benchmark(search, space, jobs, scenario.impact, scenario.catalog)
    benchmark.extra_info["jobs"] = len(jobs)
    assert any(f.best is not None for f in found)


def test_search_one_by_one(benchmark, scenario, space):
    """The same 14 searches one after the other (one evaluation per search and round)."""
    from rtocalc._search import search

    jobs = _rto_jobs(scenario, space)

    def loop():
        return [search(space, [j], scenario.impact, scenario.catalog)[0] for j in jobs]

    found = benchmark(loop)
    assert any(f.best is not None for f in found)


def test_handout_zero_downtime(benchmark):
    """The meeting's HTML handout of the zero-downtime negotiation (options table, inline
    SVG chart, risks), from a negotiation already computed: rendering only."""
    from rtocalc import negotiate

    s = load_scenario("examples/zero_downtime.toml")
    n = negotiate(s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    page = benchmark(n.handout)
    assert "<svg" in page and "<table>" in page


def test_frontier_default(benchmark, scenario):
    """``frontier()`` over the whole default space at 8 intervals per design."""
    from rtocalc import frontier

    s = scenario
    f = benchmark(frontier, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    benchmark.extra_info["points"] = len(f)
    assert len(f) > 10


def test_retention_storage_columns(benchmark):
    """Worst-moment retention storage of 10^5 policies in one broadcast call.

    Every chain scheme of the original four, with and without block clone, with weekly,
    monthly and yearly GFS tiers and growth: the closed form the kernel evaluates.
    """
    from rtocalc import retention_storage

    rng = np.random.default_rng(14)
    n = 100_000
    schemes = np.array(["forever_forward", "reverse", "synthetic_full", "active_full"])
    kw = dict(
        daily_change=rng.uniform(0.005, 0.2, n),
        data_reduction=rng.uniform(1.0, 3.0, n),
        scheme=schemes[rng.integers(0, 4, n)],
        points=rng.integers(1, 60, n),
        interval=rng.choice([4.0, 12.0, 24.0], n),
        full_every=7.0,
        weekly=rng.integers(0, 9, n),
        monthly=rng.integers(0, 13, n),
        yearly=rng.integers(0, 8, n),
        block_clone=rng.integers(0, 2, n).astype(bool),
        annual_growth=rng.uniform(0.0, 0.3, n),
        years=3.0,
    )
    est = benchmark(retention_storage, 1000.0, **kw)
    benchmark.extra_info["policies"] = n
    assert np.all(np.asarray(est.stored_gb) > 0.0)

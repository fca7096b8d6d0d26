"""Speed and quality of :func:`rtocalc.portfolio.optimize` on large portfolios.

Run: ``python -m pytest benchmarks/test_bench_portfolio.py --benchmark-only`` or
``PYTHONPATH=src python benchmarks/test_bench_portfolio.py`` for the table of the closing
note (size, times, proven gap, greedy's extra cost). Targets from the portfolio issue:
1,000 systems under 5 s, 10,000 under 60 s, gap proven under 0.1%.

Realistic mix: the 12 kinds of system of ``examples/portfolio/inventory.toml`` (tiers 1-3,
their impacts) with data sizes scaled by one of three seeded factors, so the portfolio has
36 distinct system types however large it is (candidates are computed once per type).
The budget sits halfway between the sum of the cheapest designs and the outlay of the
unconstrained TCO optimum, so it binds; the shared link capacity sits halfway between the
least traffic the systems' limits allow and the traffic of that optimum.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from rtocalc import portfolio
from rtocalc.portfolio import PortfolioSystem, _all_candidates, _solve, greedy

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "portfolio" / "inventory.toml"
SCALES = (0.5, 0.75, 1.0)


def make_systems(n: int, seed: int = 2026) -> tuple[list[PortfolioSystem], portfolio.PortfolioFile]:
    f = portfolio.load_portfolio(EXAMPLE)
    kinds = f.systems[:12]
    rng = np.random.default_rng(seed)
    pick, scale = rng.integers(0, len(kinds), n), rng.choice(SCALES, n)
    out = []
    for i in range(n):
        k = kinds[int(pick[i])]
        w = k.workload.model_copy(update={"data_size": k.workload.data_size * float(scale[i])})
        out.append(k.model_copy(update={"name": f"{k.name}-{i:05d}", "workload": w}))
    return out, f


def limits(systems: list[PortfolioSystem], f: portfolio.PortfolioFile) -> tuple[float, float]:
    """A budget and a link capacity that both bind."""
    imps = [s.impact for s in systems]
    cands = _all_candidates(systems, imps, f.catalog, "tco")  # type: ignore[arg-type]
    cheapest = sum(float(c.outlay.min()) for c in cands)
    best = [int(np.argmin(c.tco)) for c in cands]
    free = sum(float(c.outlay[j]) for c, j in zip(cands, best, strict=True))
    traffic = sum(float(c.traffic[j]) for c, j in zip(cands, best, strict=True))
    least = sum(float(c.traffic.min()) for c in cands)
    return cheapest + 0.5 * (free - cheapest), least + 0.5 * (traffic - least)


def run(n: int) -> dict[str, float]:
    systems, f = make_systems(n)
    budget, links = limits(systems, f)
    t0 = time.perf_counter()
    plan = portfolio.optimize(
        systems, budget=budget, links=links, restore_capacity=f.restore_capacity, catalog=f.catalog
    )
    total = time.perf_counter() - t0
    imps = [s.impact for s in systems]
    t1 = time.perf_counter()
    cands = _all_candidates(systems, imps, f.catalog, "tco")  # type: ignore[arg-type]
    t2 = time.perf_counter()
    outlay, obj, traf = (
        [c.outlay for c in cands],
        [c.tco for c in cands],
        [c.traffic for c in cands],
    )
    _solve(outlay, obj, budget, traf, links, mip_rel_gap=1e-6)
    t3 = time.perf_counter()
    _, g = greedy(outlay, obj, budget, traf, links)
    return {
        "systems": n,
        "total_s": total,
        "candidates_s": t2 - t1,
        "milp_s": t3 - t2,
        "candidates": plan.candidates,
        "gap": plan.gap,
        "objective": plan.objective_value,
        "greedy_extra": (g - plan.objective_value) / plan.objective_value,
        "greedy_extra_abs": g - plan.objective_value,
        "feasible": plan.feasible,
    }


@pytest.mark.parametrize("n", [100, 1_000, 10_000])
def test_portfolio(benchmark, n):
    """End-to-end optimize() (candidates, MILP, duals, plans, shared recovery)."""
    systems, f = make_systems(n)
    budget, links = limits(systems, f)
    plan = benchmark.pedantic(
        portfolio.optimize,
        args=(systems,),
        kwargs={
            "budget": budget,
            "links": links,
            "restore_capacity": f.restore_capacity,
            "catalog": f.catalog,
        },
        rounds=1,
        iterations=1,
    )
    assert plan.feasible and plan.gap <= 1e-3
    assert plan.total_outlay <= budget + 1e-6 and plan.link_traffic <= links + 1e-6
    benchmark.extra_info.update(systems=n, gap=plan.gap, candidates=plan.candidates)


if __name__ == "__main__":
    print(
        "| systems | total [s] | candidates [s] | MILP+duals [s] | candidates | gap "
        "| greedy extra |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in (100, 1_000, 10_000):
        r = run(n)
        print(
            f"| {n:,} | {r['total_s']:.2f} | {r['candidates_s']:.2f} | {r['milp_s']:.2f} | "
            f"{r['candidates']:,} | {r['gap']:.1e} | {100 * r['greedy_extra']:.4f}% "
            f"({r['greedy_extra_abs']:,.2f}/month) |",
            flush=True,
        )

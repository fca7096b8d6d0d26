"""Speed and quality of :func:`rtocalc.portfolio.plan_portfolio` on large portfolios.

Run: ``python -m pytest benchmarks/test_bench_portfolio.py --benchmark-only`` or
``PYTHONPATH=src python benchmarks/test_bench_portfolio.py`` for the table of the closing
note: per size, CPU and wall time of ``plan_portfolio()`` (median of the runs), the peak memory of
the process, the proven gap, the candidates and the system types. Each size runs in a fresh
process (so the peak memory is that size's), ``--rounds N`` times. Targets from the estate
issue: 10,000 systems under 1.5 s, 100,000 under 10 s with less than 2 GB and a gap at most
1e-6.

Realistic mix: the 12 kinds of system of ``examples/portfolio/inventory.toml`` (tiers 1-3,
their impacts) with data sizes scaled by one of three seeded factors, so the portfolio has
36 distinct system types however large it is. The budget sits halfway between the sum of the
cheapest designs and the outlay of the unconstrained TCO optimum, so it binds; the shared
link capacity sits halfway between the least traffic the systems' limits allow and the
traffic of that optimum, or at the traffic of the cheapest designs where that is more (so
that some assignment meets both limits).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rtocalc import portfolio
from rtocalc.portfolio import PortfolioSystem, _candidates, _types

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "portfolio" / "inventory.toml"
SCALES = (0.5, 0.75, 1.0)
SIZES = (100, 1_000, 10_000, 100_000)


def make_systems(n: int, seed: int = 2026) -> tuple[list[PortfolioSystem], portfolio.PortfolioFile]:
    f = portfolio.load_portfolio(EXAMPLE)
    kinds = f.systems[:12]
    rng = np.random.default_rng(seed)
    pick, scale = rng.integers(0, len(kinds), n), rng.choice(SCALES, n)
    # one workload object per (kind, scale), as an inventory of many similar systems has
    scaled = {
        (k, x): kinds[k].workload.model_copy(
            update={"data_size": kinds[k].workload.data_size * float(x)}
        )
        for k in range(len(kinds))
        for x in SCALES
    }
    out = []
    for i in range(n):
        k, x = int(pick[i]), float(scale[i])
        out.append(
            kinds[k].model_copy(
                update={"name": f"{kinds[k].name}-{i:06d}", "workload": scaled[k, x]}
            )
        )
    return out, f


def limits(systems: list[PortfolioSystem], f: portfolio.PortfolioFile) -> tuple[float, float]:
    """A budget and a link capacity that both bind."""
    imps = [s.impact for s in systems]
    kind, first = _types(systems, imps)  # type: ignore[arg-type]
    counts = np.bincount(kind)
    cands = [
        _candidates(systems[i].workload, systems[i].requirements, imps[i], f.catalog, "tco")  # type: ignore[arg-type]
        for i in first
    ]
    cheapest = sum(n * float(c.outlay.min()) for n, c in zip(counts, cands, strict=True))
    best = [np.unravel_index(int(np.argmin(c.tco)), c.tco.shape) for c in cands]
    free = sum(n * float(c.outlay[j]) for n, c, j in zip(counts, cands, best, strict=True))
    traffic = sum(n * float(c.traffic[j[0]]) for n, c, j in zip(counts, cands, best, strict=True))
    least = sum(n * float(c.traffic.min()) for n, c in zip(counts, cands, strict=True))
    # the cheapest designs must fit the link too (the two limits bind together only where
    # some assignment meets both; the designs vendors support changed which one does)
    low = [np.unravel_index(int(np.argmin(c.outlay)), c.outlay.shape) for c in cands]
    at_cheapest = sum(
        n * float(c.traffic[j[0]]) for n, c, j in zip(counts, cands, low, strict=True)
    )
    links = max(least + 0.5 * (traffic - least), at_cheapest)
    return cheapest + 0.5 * (free - cheapest), links


def run(n: int, rounds: int = 3) -> dict[str, float]:
    """plan_portfolio() on ``n`` systems, ``rounds`` times: medians of CPU and wall time."""
    systems, f = make_systems(n)
    budget, links = limits(systems, f)
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        plan = portfolio.plan_portfolio(
            systems,
            budget=budget,
            links=links,
            restore_capacity=f.restore_capacity,
            catalog=f.catalog,
        )
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    kind, _ = _types(systems, [s.impact for s in systems])  # type: ignore[arg-type]
    return {
        "systems": n,
        "cpu_s": statistics.median(cpu),
        "wall_s": statistics.median(wall),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "gap": plan.gap,
        "candidates": plan.candidates,
        "types": int(kind.max()) + 1,
        "objective": plan.objective_value,
        "feasible": plan.feasible,
    }


@pytest.mark.parametrize("n", [100, 1_000, 10_000, 100_000])
def test_portfolio(benchmark, n):
    """End-to-end plan_portfolio() (types, candidates, MILP, duals, plans, shared recovery)."""
    systems, f = make_systems(n)
    budget, links = limits(systems, f)
    plan = benchmark.pedantic(
        portfolio.plan_portfolio,
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
    assert plan.feasible and plan.gap <= 1e-6
    assert plan.total_monthly_cost <= budget + 1e-6 and plan.link_traffic <= links + 1e-6
    benchmark.extra_info.update(systems=n, gap=plan.gap, candidates=plan.candidates)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(run(int(sys.argv[2]), int(sys.argv[3]))))
        raise SystemExit(0)
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    print("| systems | CPU [s] | wall [s] | peak memory [MB] | gap | candidates | types |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in SIZES:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), str(rounds)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {n:,} | {r['cpu_s']:.3f} | {r['wall_s']:.3f} | {r['peak_mb']:,.0f} | "
            f"{r['gap']:.1e} | {r['candidates']:,} | {r['types']} |",
            flush=True,
        )

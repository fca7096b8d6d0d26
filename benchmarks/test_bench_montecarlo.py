"""Monte Carlo in bounded memory: ``simulate()`` with 1,000,000 samples, and the robust
search (``robust_cheapest()``) with 100,000.

Each measurement runs in a fresh process so that its peak memory (``ru_maxrss``) is its
own. Target from the estate issue: 1,000,000 samples in under 5 s and 500 MB.

Run ``python benchmarks/test_bench_montecarlo.py [--samples N] [--runs R] [--src DIR ...]``
for the table (medians over the runs; ``--src`` measures another checkout of the package,
e.g. the code before a change; ``--robust`` measures ``robust_cheapest()``, 100,000
samples by default), or ``python -m pytest benchmarks/test_bench_montecarlo.py
--benchmark-only`` (100,000 and 20,000 samples, in process).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CODE = """
import json, resource, sys, time
from rtocalc import Requirements, simulate
from rtocalc.uncertainty import UncertainImpact, UncertainWorkload
w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="triangular(1%/day, 3%/day, 6%/day)",
                      data_reduction="lognormal(median=2, p90=3)")
imp = UncertainImpact(downtime_cost="1000..5000", data_loss_cost=300)
ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
simulate(w, ask, samples=1000, seed=1, impact=imp)  # imports, catalog, space
c0, w0 = time.process_time(), time.perf_counter()
sim = simulate(w, ask, samples=int(sys.argv[1]), seed=1, impact=imp)
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": peak, "p_meets": sim.p_meets}))
"""

ROBUST = """
import json, resource, sys, time
from rtocalc import Requirements, robust_cheapest
from rtocalc.uncertainty import UncertainImpact, UncertainWorkload
w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="triangular(1%/day, 3%/day, 6%/day)",
                      data_reduction="lognormal(median=2, p90=3)")
imp = UncertainImpact(downtime_cost="1000..5000", data_loss_cost=300)
ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
robust_cheapest(w, ask, samples=200, seed=1, impact=imp)  # imports, catalog, space
c0, w0 = time.process_time(), time.perf_counter()
res = robust_cheapest(w, ask, samples=int(sys.argv[1]), seed=1, impact=imp)
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": peak, "p_meets": res.probability}))
"""


def run(src: Path, samples: int, code: str = CODE) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(samples)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_simulate_100k(benchmark):
    from rtocalc import Requirements, simulate
    from rtocalc.uncertainty import UncertainWorkload

    w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..6%/day")
    ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
    sim = benchmark.pedantic(
        simulate, args=(w, ask), kwargs={"samples": 100_000, "seed": 1}, rounds=3, iterations=1
    )
    assert sim.samples == 100_000


def test_robust_cheapest_20k(benchmark):
    from rtocalc import Requirements, robust_cheapest
    from rtocalc.uncertainty import UncertainWorkload

    w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..6%/day")
    ask = Requirements(rpo="4 h", rto={"hardware": "8 h", "site": "24 h"}, offsite=True)
    res = benchmark.pedantic(
        robust_cheapest, args=(w, ask), kwargs={"samples": 20_000, "seed": 1}, rounds=3
    )
    assert res.samples == 20_000


if __name__ == "__main__":
    robust = "--robust" in sys.argv
    samples = (
        int(sys.argv[sys.argv.index("--samples") + 1])
        if "--samples" in sys.argv
        else (100_000 if robust else 1_000_000)
    )
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    srcs = [Path(sys.argv[i + 1]) for i, a in enumerate(sys.argv) if a == "--src"] or [SRC]
    name = "robust_cheapest()" if robust else "simulate()"
    print(f"{name}, {samples:,} samples, median of {runs} fresh processes")
    print("| source | CPU [s] | wall [s] | peak memory [MB] | P(meets) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for src in srcs:
        rs = [run(src, samples, ROBUST if robust else CODE) for _ in range(runs)]
        print(
            f"| {src} | {statistics.median(r['cpu'] for r in rs):.2f} | "
            f"{statistics.median(r['wall'] for r in rs):.2f} | "
            f"{statistics.median(r['peak_mb'] for r in rs):,.0f} | {rs[0]['p_meets']:.4f} |",
            flush=True,
        )

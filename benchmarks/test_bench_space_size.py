"""How evaluation time grows with the design space (pytest-benchmark).

Run: ``python -m pytest benchmarks/test_bench_space_size.py --benchmark-only``. The
default space (81,468 designs with every mechanism of issue 12) is evaluated whole, every k-th
row of it (smaller spaces), and tiled two and four times (larger spaces: the same rows
repeated, so the per-choice tables are the default catalog's and only the row count
grows). Each benchmark records the designs, the design-scenario pairs and the pairs per
second of its median, so one run shows the rate at each size side by side: the fixed
cost of a call (Python and per-choice tables, a few milliseconds) dominates small
spaces, and the per-row work large ones. ``cheapest()`` on the shipped zero-downtime
example (infeasible: its reasons need the whole space) is here too, as the issue's
target names both shipped examples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rtocalc import cheapest, load_scenario
from rtocalc.space import build_space, evaluate_space

#: space sizes as multiples of the default space (below 1: every k-th row)
SIZES = (1 / 64, 1 / 16, 1 / 4, 1 / 2, 1, 2, 4)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


@pytest.fixture(scope="module")
def space(scenario):
    return build_space(scenario.catalog, scenario.requirements.retention)


def _rows(n: int, size: float) -> np.ndarray:
    """Rows of a space ``size`` times the default one (``n`` rows)."""
    if size >= 1:
        return np.tile(np.arange(n), int(size))
    return np.arange(0, n, round(1 / size))


@pytest.mark.parametrize("size", SIZES, ids=[f"x{s:g}" for s in SIZES])
def test_evaluate_space_size(benchmark, scenario, space, size):
    """The whole evaluation (interval solved) of a space ``size`` times the default."""
    s = scenario
    sub = space.take(_rows(len(space), size))
    ev = benchmark(evaluate_space, sub, s.workload, s.requirements, s.impact, s.catalog)
    pairs = len(sub) * len(s.impact.scenarios)
    benchmark.extra_info["designs"] = len(sub)
    benchmark.extra_info["design_scenario_pairs"] = pairs
    if benchmark.stats:
        benchmark.extra_info["pairs_per_second"] = pairs / benchmark.stats.stats.median
    assert len(ev.feasible) == len(sub)


def test_cheapest_zero_downtime(benchmark):
    """``cheapest()`` on the shipped zero-downtime example (issue target: under 20 ms):
    no design meets its one-minute RTO, so the whole space is evaluated for the reasons."""
    s = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "zero_downtime.toml")
    res = benchmark(cheapest, s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert not res.feasible and res.reasons

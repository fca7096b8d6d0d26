"""Speed of ``rtocalc check`` on a large inventory (pytest-benchmark).

Run: ``python -m pytest benchmarks/test_bench_policy.py --benchmark-only``. Target from
the policy-as-code issue: checking an inventory of 10,000 systems in under 2 s.

The inventory repeats the six compliant systems of ``examples/policy/inventory.toml``
with their data sizes scaled by a seeded random factor (so no two workloads are equal),
and misconfigures every 100th system (a 36 h backup interval, over every tier's RPO):
100 failing systems, each needing its own cheapest compliant design. The other systems
pass or only warn, as their templates do.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rtocalc.policy import Inventory, Policy, check, check_files, load_inventory, load_policy

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "policy"
N = 10_000
BROKEN_EVERY = 100


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(EXAMPLES / "policy.toml")


@pytest.fixture(scope="module")
def inventory(policy: Policy) -> Inventory:
    example = load_inventory(EXAMPLES / "inventory.toml", policy)
    templates = [s for s in example.systems if s.name != "crm"]  # crm is the violation
    scale = np.random.default_rng(2026).uniform(0.2, 1.0, N)
    systems = []
    for i in range(N):
        t = templates[i % len(templates)]
        size = t.workload.data_size * float(scale[i])
        workload = t.workload.model_copy(update={"data_size": size})
        design = t.design
        if i % BROKEN_EVERY == BROKEN_EVERY - 1:
            design = design.model_copy(update={"interval": 36.0})
        systems.append(
            t.model_copy(
                update={"name": f"{t.name}-{i:05d}", "workload": workload, "design": design}
            )
        )
    return Inventory(systems=systems, catalog=example.catalog)


def test_check_10000_systems(benchmark, policy, inventory):
    """``check()`` of 10,000 loaded systems, cheapest fixes of the 100 failing ones included."""
    report = benchmark(check, policy, inventory)
    assert len(report.systems) == N
    assert report.failed == N // BROKEN_EVERY
    assert all(s.fix is not None and s.fix.feasible for s in report.systems if s.status == "fail")
    benchmark.extra_info["systems"] = N
    benchmark.extra_info["failing"] = report.failed


def test_check_10000_systems_without_fixes(benchmark, policy, inventory):
    """The same check without the cheapest fixes: the batched evaluation alone."""
    report = benchmark(check, policy, inventory, fixes=False)
    assert report.failed == N // BROKEN_EVERY


def test_check_files_10000_systems(benchmark, inventory, tmp_path_factory):
    """``rtocalc check`` end to end: reading and validating the TOML files, then the check."""
    path = tmp_path_factory.mktemp("bench") / "inventory.toml"
    lines = []
    for s in inventory.systems:
        tables = {
            "workload": s.workload.model_dump(exclude_none=True),
            "design": s.design.model_dump(exclude_none=True),
        }
        lines += ["[[systems]]", f"name = {json.dumps(s.name)}", f"tier = {json.dumps(s.tier)}"]
        for key, table in tables.items():
            cells = ", ".join(f"{k} = {json.dumps(v)}" for k, v in table.items())
            lines.append(f"{key} = {{ {cells} }}")
    path.write_text("\n".join(lines), encoding="utf-8")
    report = benchmark.pedantic(
        check_files, args=(EXAMPLES / "policy.toml", path), rounds=3, iterations=1
    )
    assert len(report.systems) == N
    assert report.failed == N // BROKEN_EVERY

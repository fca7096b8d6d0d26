"""Time and peak memory of ``rtocalc check`` on inventories where every system fails.

Run: ``python -m pytest benchmarks/test_bench_check_memory.py --benchmark-only``.

Issue 16 found that ``check`` held every failing system's fix search at once: 1,000
failing systems took 86 s and 7.4 GB, 10,000 were killed at 24 GB. Now systems are
checked and fixed 64 at a time (:data:`rtocalc.policy.CHECK_BATCH`) and the text output
is printed as each batch is done, so memory stays flat in the number of systems.

Each system has its own workload (data size 100 GB + i GB), so every failing system
needs its own search for the cheapest compliant design: the worst case for the fixes.
The command runs in a subprocess that reports its own peak resident set size
(``resource.getrusage``), so the figures are those of one command line run, not of the
test process. The time is the benchmark's (one round: a run takes minutes at 10,000).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

resource = pytest.importorskip("resource")  # Unix only

POLICY = Path(__file__).resolve().parents[1] / "examples" / "policy" / "policy.toml"

_CHILD = """
import resource, sys
from rtocalc.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
# ru_maxrss: kilobytes on Linux, bytes on macOS
scale = 1 if sys.platform == "darwin" else 1024
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale, file=sys.stderr)
sys.exit(code)
"""


def failing_inventory(path: Path, n: int) -> Path:
    """``n`` tier-2 systems, each failing (its off-site copy goes by daily tape courier)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('name = "all failing"\n')
        for i in range(n):
            fh.write(
                f'[[systems]]\nname = "sys-{i:05d}"\ntier = "tier-2"\n'
                f'workload = {{ data_size = "{100 + i} GB", daily_change = "2%/day", '
                'data_reduction = "2:1", compute_cost = "$3,000/mo" }\n'
                'design = { interval = "3 h", scheme = "synthetic_full", '
                'target = "local_hardened", offsite = "tape_vault_daily", longterm = "tape" }\n'
            )
    return path


def run_check(inventory: Path, *flags: str) -> tuple[int, int, int]:
    """Exit status, lines printed and peak memory [bytes] of one ``rtocalc check``."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, "check", str(POLICY), str(inventory), *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    peak = int(proc.stderr.strip().splitlines()[-1])
    return proc.returncode, len(proc.stdout.splitlines()), peak


@pytest.mark.parametrize("fixes", [True, False], ids=["fixes", "no-fixes"])
@pytest.mark.parametrize("n", [1_000, 10_000])
def test_check_failing_systems(benchmark, tmp_path, n, fixes):
    """``rtocalc check`` of ``n`` failing systems: wall time and peak memory."""
    inventory = failing_inventory(tmp_path / "inventory.toml", n)
    flags = () if fixes else ("--no-fixes",)
    code, lines, peak = benchmark.pedantic(
        run_check, args=(inventory, *flags), rounds=1, iterations=1
    )
    assert code == 1
    assert lines > n  # at least one line per system, then the summary
    benchmark.extra_info["systems"] = n
    benchmark.extra_info["peak_memory_MB"] = round(peak / 1e6, 1)
    print(f"\n{n} failing systems, fixes={fixes}: peak memory {peak / 1e6:.0f} MB")

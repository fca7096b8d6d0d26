"""Cold start: ``import rtocalc``, each CLI command and the first ``cheapest()`` in a fresh
process.

Every measurement starts a new interpreter (``subprocess``), so it includes Python's own
start-up (about 0.02 s, the "python -c pass" row) and whatever each command imports;
every command of the CLI has a row (``test_every_cli_command_is_measured``). CPU time is
the child's user + system time (``resource.RUSAGE_CHILDREN``), wall time the elapsed
time; the table gives the median over ``--runs`` runs. Targets from the estate issue:
``import rtocalc`` under 0.2 s CPU, ``rtocalc plan`` on the shipped example under 0.3 s,
the first ``cheapest()`` of a process under twice a warm one.

Run ``python benchmarks/test_bench_coldstart.py [--runs N] [--src DIR ...]``: one column
pair per source tree (``--src /path/to/other/src`` measures another checkout of the
package, e.g. the code before a change, with its ``examples/`` beside ``src/``; a command
that fails stops the run rather than being timed). Byte code is written and used, as in
an installed package (a first unmeasured run compiles it), unless ``--no-bytecode``.
``python -m pytest benchmarks/test_bench_coldstart.py --benchmark-only`` runs the same
commands under pytest-benchmark.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
EX = ROOT / "examples"

UNCERTAIN = """
[workload]
data_size = "2 TB..4 TB"
daily_change = "triangular(1%/day, 3%/day, 6%/day)"

[requirements]
rpo = "4 h"
rto = { hardware = "8 h", site = "24 h" }
offsite = true

[impact]
downtime_cost = "$8,000/h"
data_loss_cost = "$3,000/h"
"""

FIRST_CALL = """
import time
from rtocalc import Requirements, Workload, cheapest
w, ask = Workload(data_size="6 TB"), Requirements(rpo="4 h", rto="8 h", offsite=True)
t0 = time.process_time(); cheapest(w, ask); t1 = time.process_time()
warm = []
for _ in range(5):
    a = time.process_time(); cheapest(w, ask); warm.append(time.process_time() - a)
warm.sort()
print(t1 - t0, warm[2])
"""


FLOOR = "import numpy, pydantic\nclass M(pydantic.BaseModel):\n    x: int"


def commands(tmp: Path) -> dict[str, list[str]]:
    """The measured commands (arguments after the interpreter)."""
    unc = tmp / "uncertain.toml"
    unc.write_text(UNCERTAIN)
    # `agree` writes its record: a copy, agreed again on every run with the same answer
    record = tmp / "meeting.toml"
    shutil.copy(EX / "meeting/meeting.toml", record)
    cli = ["-m", "rtocalc"]
    return {
        "python -c pass": ["-c", "pass"],
        # what no command that validates an input and evaluates designs can go below:
        # the interpreter, numpy, pydantic and its first model (with its plugin scan)
        "floor: numpy + one pydantic model": ["-c", FLOOR],
        # the same with one OpenBLAS thread, as the CLI asks for (cli._one_blas_thread)
        "floor, one OpenBLAS thread (as the CLI)": [
            "-c",
            "import os\nos.environ.setdefault('OPENBLAS_NUM_THREADS', '1')\n" + FLOOR,
        ],
        "import rtocalc": ["-c", "import rtocalc"],
        # the names are imported on first use: what a script that validates an input pays
        "import the input models": ["-c", "from rtocalc import Requirements, Workload"],
        "rtocalc --version": [*cli, "--version"],
        "rtocalc schema": [*cli, "schema"],
        "rtocalc plan": [*cli, "plan"],
        "rtocalc negotiate": [*cli, "negotiate"],
        "rtocalc frontier": [*cli, "frontier", str(EX / "default.toml")],
        "rtocalc check": [
            *cli,
            "check",
            str(EX / "policy/policy.toml"),
            str(EX / "policy/inventory.toml"),
        ],
        "rtocalc simulate": [*cli, "simulate", str(unc), "--samples", "10000", "--seed", "1"],
        "rtocalc portfolio": [*cli, "portfolio", str(EX / "portfolio/inventory.toml")],
        "rtocalc agree": [
            *cli,
            "agree",
            str(record),
            "--option",
            "1",
            "--by",
            "CFO",
            "--date",
            "2026-12-01",
            "--policy-tier",
            "gold",
        ],
    }


def _env(src: Path, bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU and wall time of one fresh interpreter running ``args`` [s]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    run = subprocess.run(
        [sys.executable, *args], env=env, check=False, capture_output=True, cwd=str(ROOT)
    )
    wall = time.perf_counter() - t0
    if run.returncode not in (0, 1):  # 1: `check` found a violation; 2 is an input error
        # a failing command would be timed as a fast one (e.g. a tree without examples/)
        raise RuntimeError(f"{args} failed ({run.returncode}): {run.stderr.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def first_call(env: dict[str, str]) -> tuple[float, float]:
    """CPU time of the first and of a warm ``cheapest()`` in one fresh process [s]."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALL], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1])


with tempfile.TemporaryDirectory() as _tmp:
    NAMES = tuple(commands(Path(_tmp)))


def test_every_cli_command_is_measured():
    # argparse names every command when it refuses an unknown one
    err = subprocess.run(
        [sys.executable, "-m", "rtocalc", "no-such-command"], capture_output=True, text=True
    ).stderr
    listed = set(re.findall(r"'([a-z]+)'", err.split("choose from", 1)[1]))
    measured = {n.removeprefix("rtocalc ") for n in NAMES if n.startswith("rtocalc ")}
    assert "plan" in listed and listed <= measured


@pytest.mark.parametrize("name", NAMES)
def test_cold_start(benchmark, name, tmp_path):
    """A fresh interpreter per round (pytest-benchmark times the wall clock)."""
    args = commands(tmp_path)[name]
    env = _env(SRC, bytecode=True)
    measure(args, env)  # compile byte code once
    benchmark.pedantic(measure, args=(args, env), rounds=5, iterations=1)


if __name__ == "__main__":
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    srcs = [Path(sys.argv[i + 1]) for i, a in enumerate(sys.argv) if a == "--src"] or [SRC]
    bytecode = "--no-bytecode" not in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(Path(tmp))
        envs = [_env(s, bytecode) for s in srcs]
        head = " | ".join(f"CPU {i} [s] | wall {i} [s]" for i in range(len(srcs)))
        print("sources: " + ", ".join(f"{i}: {s}" for i, s in enumerate(srcs)))
        print(f"| measurement | {head} |")
        print("| --- |" + " ---: |" * (2 * len(srcs)))
        for env in envs:
            for args in cmds.values():
                measure(args, env)  # byte code, file cache
        for name, args in cmds.items():
            cells = []
            # interleave the sources run by run, so that load on the machine hits both alike
            samples: list[list[tuple[float, float]]] = [[] for _ in srcs]
            for _ in range(runs):
                for k, env in enumerate(envs):
                    samples[k].append(measure(args, env))
            for s in samples:
                cells.append(f"{statistics.median(c for c, _ in s):.3f}")
                cells.append(f"{statistics.median(w for _, w in s):.3f}")
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        cells = []
        for env in envs:
            firsts, warms = zip(*(first_call(env) for _ in range(runs)), strict=True)
            first, warm = statistics.median(firsts), statistics.median(warms)
            cells.append(
                f"{1000 * first:.1f} ms first, {1000 * warm:.1f} ms warm ({first / warm:.2f}x)"
            )
        print("| first cheapest() in a fresh process (CPU) | " + " | ".join(cells) + " |")

"""Fuzz test of the command line: mutated copies of the shipped example files.

Every command is run in-process on an example file with a few mutations (a value swapped
for a hostile one, a line deleted, duplicated or cut, a byte that is not UTF-8, ...).
Whatever the input, the command must end with exit status 0, 1 or 2, raise nothing (so no
traceback can reach a user), print no ``inf`` or ``nan`` in its results, keep its error
lines short, and finish within the per-example deadline of hypothesis (generous, so that
it catches runaway work such as a quadratic parser, not a slow machine).

Issue 16 reported what an earlier campaign of this kind found; the regression tests for
each finding are in ``test_cli.py`` and ``test_units.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rtocalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

#: Values swapped in for a value of the file (TOML source text).
HOSTILE = [
    '"inf"', '"nan"', "inf", "nan", "-1", "0", '"0"', "1e308", '"1e308"', '"$1e308/mo"',
    '"1e308 TB"', '"-4 h"', '"15 minuets"', '"€4.000/mo"', '"0 TB/h"', '"0 GB"', '"٣ TB"',
    '"$' + " " * 300 + 'x"', "[]", "{}", "[[[[[[1]]]]]]", "true", '"P"', '"PT0S"',
    '"100 PB"', '"1e-300 GB"', "4000", "1e20", '"1 s"', '"100000 yr"', '"0%"', '"100%"',
    '"1000000%"', '"1:1"', '"1e9:1"', '"XYZ"', '"usd"', '""', '"2 TB..4 TB"',
    '"lognormal(median=3 TB, p90=2 TB)"', '"triangular(1 TB, 2 TB, 3 TB)"', '"0..0"',
    '"../policy/policy.toml"', '"/dev/zero"', '"-"', '"x"', '"$0/mo"', '"$0.0001/mo"',
    '"1 Gbps"', '"0 Mbps"', '"1 ms"', '"99 yearly"', '"0 daily"', '"3650 daily, 100 yearly"',
]  # fmt: skip
NAME_KEYS = {"name", "description", "owner", "tier", "policy"}
ASSIGNMENT = re.compile(r"(?P<key>[\w.\"-]+)\s*=\s*(?P<value>\"[^\"\n]*\"|[^,}\]\n]+)")
# an infinity or NaN written as a number; user text in quotes (echoed in errors) aside
SHOWN_INF = re.compile(r"(?<![\w'\"-])-?(?:inf|infinity|nan)(?![\w'\"-])", re.IGNORECASE)

SCENARIOS = [EXAMPLES / "default.toml", EXAMPLES / "zero_downtime.toml"]


@st.composite
def mutated(draw: st.DrawFn, source: Path) -> tuple[bytes, bool]:
    """The text of ``source`` with one to three mutations; True if a quoted "inf" or
    "nan" may have become a name (which a result may then print)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    named_inf = False
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["value", "value", "value", "delete", "dup", "insert", "cut"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "value":
            spots = list(ASSIGNMENT.finditer(lines[i]))
            if not spots:
                continue
            spot = draw(st.sampled_from(spots))
            value = draw(st.sampled_from(HOSTILE))
            key = spot["key"].strip('"').rsplit(".", 1)[-1]
            named_inf |= key in NAME_KEYS and value in ('"inf"', '"nan"')
            line = lines[i]
            lines[i] = line[: spot.start("value")] + value + line[spot.end("value") :]
        elif op == "delete":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(["[workload]", "x = 1", "[[systems]]", "["])))
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        if not lines:
            lines = [""]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if draw(st.integers(0, 19)) == 0:  # now and then, a byte that is not UTF-8
        k = draw(st.integers(0, len(data)))
        data = data[:k] + b"\xff" + data[k:]
    return data, named_inf


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def check_outcome(code: int, out: str, err: str, *, named_inf: bool, exits=(0, 1, 2)) -> None:
    assert code in exits, (code, out[-2000:], err[-2000:])
    assert "Traceback" not in out + err
    if code == 2:
        lines = err.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), err[-2000:]
        assert max(len(line) for line in lines) < 1000, max(lines, key=len)[:300]
    elif not named_inf:
        found = SHOWN_INF.search(out)
        assert found is None, out[max(0, found.start() - 300) : found.end() + 100]


FUZZ = settings(
    # a longer campaign: RTOCALC_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz_cli.py
    max_examples=int(os.environ.get("RTOCALC_FUZZ_EXAMPLES", "30")),
    deadline=timedelta(seconds=60),  # per example: a runaway, not a slow machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # no shrinking: a case is a whole file, shrinking it takes minutes, and the failing
    # file is printed as it is
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@FUZZ
@given(
    st.sampled_from(SCENARIOS).flatmap(mutated),
    st.sampled_from([["plan"], ["plan", "--objective", "tco"], ["frontier"], ["negotiate"]]),
)
def test_scenario_commands_survive_mutated_examples(case, command):
    data, named_inf = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.toml"
        path.write_bytes(data)
        code, out, err = run([*command, str(path)])
    check_outcome(code, out, err, named_inf=named_inf, exits=(0, 2))


@FUZZ
@given(st.sampled_from(SCENARIOS).flatmap(mutated))
def test_simulate_survives_mutated_examples(case):
    data, named_inf = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.toml"
        path.write_bytes(data)
        code, out, err = run(["simulate", str(path), "--samples", "64", "--seed", "1"])
    check_outcome(code, out, err, named_inf=named_inf, exits=(0, 2))


@FUZZ
@given(
    st.sampled_from(["policy.toml", "inventory.toml"]).flatmap(
        lambda name: st.tuples(st.just(name), mutated(EXAMPLES / "policy" / name))
    ),
    st.sampled_from([[], ["--strict"], ["--no-fixes"], ["--format", "markdown"]]),
)
def test_check_survives_mutated_examples(case, flags):
    name, (data, named_inf) = case
    with tempfile.TemporaryDirectory() as tmp:
        for other in ("policy.toml", "inventory.toml"):
            (Path(tmp) / other).write_bytes((EXAMPLES / "policy" / other).read_bytes())
        (Path(tmp) / name).write_bytes(data)
        args = [str(Path(tmp) / "policy.toml"), str(Path(tmp) / "inventory.toml")]
        code, out, err = run(["check", *args, *flags])
    check_outcome(code, out, err, named_inf=named_inf)


@pytest.mark.slow
@FUZZ
@given(
    st.sampled_from(["policy.toml", "inventory.toml"]).flatmap(
        lambda name: st.tuples(st.just(name), mutated(EXAMPLES / "portfolio" / name))
    ),
    st.sampled_from([[], ["--objective", "outlay"], ["--restore-capacity", "0 TB/h"]]),
)
def test_portfolio_survives_mutated_examples(case, flags):
    name, (data, named_inf) = case
    with tempfile.TemporaryDirectory() as tmp:
        for other in ("policy.toml", "inventory.toml"):
            (Path(tmp) / other).write_bytes((EXAMPLES / "portfolio" / other).read_bytes())
        (Path(tmp) / name).write_bytes(data)
        code, out, err = run(["portfolio", str(Path(tmp) / "inventory.toml"), *flags])
    check_outcome(code, out, err, named_inf=named_inf, exits=(0, 2))

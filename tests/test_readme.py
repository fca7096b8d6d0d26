"""README stays true: its Python tour runs and its commands name real subcommands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)


def test_first_lines_are_the_two_commands():
    (first, *_) = _blocks("bash")
    lines = [x for x in first.strip().splitlines() if x.strip()]
    assert lines[0] == "python -m pip install . && python -m rtocalc negotiate"
    assert lines[1] == 'python -m pip install ".[test]" && python -m pytest'


def test_python_tour_runs(capsys):
    (tour,) = _blocks("python")
    namespace: dict[str, object] = {}
    exec(compile(tour, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "Verdict" in out


@pytest.mark.parametrize("command", ["negotiate", "plan", "frontier", "schema"])
def test_documented_commands_exist(command):
    from rtocalc.cli import _parser

    assert command in README.read_text()
    assert command in _parser().format_help()

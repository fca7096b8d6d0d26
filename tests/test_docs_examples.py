"""The runnable examples of the docs run as they are.

A fenced ```python block of a page in ``docs/*.md`` is runnable when the line before its
opening fence (blank lines aside) is the HTML comment ``<!-- run -->``, which Markdown and
the Sphinx build do not show. Each runnable block runs in a fresh namespace with the
repository root as the working directory, so it may read ``examples/`` and
``src/rtocalc/data/``. Other blocks (shell sessions, fragments, output) are not run.

Quoted outputs are compared with what the code prints now, so they cannot drift. A
```console block marked ``<!-- output -->`` is a session: each ``$ rtocalc ...`` line runs
(in this process, from the repository root) and the lines after it, up to the next ``$``,
are its expected output (stdout and stderr). A ```text block marked
``<!-- output: rtocalc ARGS -->`` is the output of that one command. The comparison is
doctest's: runs of whitespace are equal (so wrapped lines match) and ``...`` matches
anything, for the parts a page leaves out or that may vary.

A ```python (or ```pycon) block written as an interactive session (``>>>`` prompts, then
the printed output) is run by doctest with the same comparison, so its quoted output is
checked too; a line whose output may vary ends in ``# doctest: +ELLIPSIS`` with ``...``
or ``# doctest: +SKIP``.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
from pathlib import Path

import pytest

from rtocalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MARKER = "<!-- run -->"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


def runnable_blocks(text: str) -> list[tuple[int, str]]:
    """(line number of the fence, code) of every marked ```python block of a page."""
    out = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        if before == MARKER:
            out.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return out


_QUOTED = re.compile(
    r"^<!-- output(?:: (?P<command>[^\n]*?))? -->[ \t]*\n\s*^```(?P<kind>console|text)[ \t]*\n"
    r"(?P<body>.*?)^```[ \t]*$",
    re.M | re.S,
)


def quoted_outputs(text: str) -> list[tuple[int, list[str], str, int | None]]:
    """(line, command argv, expected output, expected exit code or None) of every marked
    output block of a page; ``$ echo $?`` after a command quotes its exit code."""
    out: list[tuple[int, list[str], str, int | None]] = []
    for match in _QUOTED.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        body = match.group("body")
        if match.group("kind") == "text":
            command = match.group("command")
            assert command, f"line {line}: a text output block names its command"
            out.append((line, shlex.split(command), body, None))
            continue
        parts = re.split(r"^\$ (.*)\n", body, flags=re.M)
        for command, expected in zip(parts[1::2], parts[2::2], strict=True):
            if command.strip() == "echo $?":
                last = out.pop()
                out.append((*last[:3], int(expected)))
            else:
                out.append((line, shlex.split(command), expected, None))
    return out


def _outputs() -> list[pytest.param]:
    params = []
    for page in sorted(DOCS.glob("*.md")):
        for line, argv, expected, code in quoted_outputs(page.read_text(encoding="utf-8")):
            params.append(pytest.param(argv, expected, code, id=f"{page.name}:{line}:{argv[1]}"))
    return params


def _printed(argv: list[str]) -> tuple[str, int]:
    """What ``argv`` (an ``rtocalc`` command line) prints, stdout then stderr, and its
    exit code."""
    assert argv[0] == "rtocalc", f"{argv}: quoted outputs are of rtocalc commands"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv[1:])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return out.getvalue() + err.getvalue(), code


@pytest.mark.parametrize(("argv", "expected", "code"), _outputs())
def test_quoted_output_matches(argv, expected, code, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    got, exit_code = _printed(argv)
    if code is not None:
        assert exit_code == code, f"{shlex.join(argv)} exits {exit_code}, the page says {code}"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.OutputChecker().check_output(expected, got, flags), (
        f"{shlex.join(argv)} prints now:\n{got}"
    )


def test_output_blocks_are_found():
    text = (
        "<!-- output -->\n\n```console\n$ rtocalc plan\nA\n...\n$ rtocalc schema x\nB\n```\n"
        "<!-- output: rtocalc negotiate -->\n```text\nC\n```\n"
    )
    assert quoted_outputs(text) == [
        (1, ["rtocalc", "plan"], "A\n...\n", None),
        (1, ["rtocalc", "schema", "x"], "B\n", None),
        (10, ["rtocalc", "negotiate"], "C\n", None),
    ]
    session = "<!-- output -->\n```console\n$ rtocalc check a b\nX\n$ echo $?\n1\n```\n"
    assert quoted_outputs(session) == [(1, ["rtocalc", "check", "a", "b"], "X\n", 1)]


def _examples() -> list[pytest.param]:
    params = []
    for page in sorted(DOCS.glob("*.md")):
        for line, code in runnable_blocks(page.read_text(encoding="utf-8")):
            params.append(pytest.param(page, code, id=f"{page.name}:{line}"))
    return params


EXAMPLES = _examples()


_SESSION = re.compile(r"^```(?:python|pycon)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)


def session_blocks(text: str) -> list[tuple[int, str]]:
    """(line number of the fence, text) of every ```python/```pycon block of a page that
    is an interactive session (it has ``>>>`` prompts)."""
    return [
        (text.count("\n", 0, m.start()) + 1, m.group("body"))
        for m in _SESSION.finditer(text)
        if re.search(r"^>>> ", m.group("body"), re.M)
    ]


def _sessions() -> list[pytest.param]:
    params = []
    for page in sorted(DOCS.glob("*.md")):
        for line, body in session_blocks(page.read_text(encoding="utf-8")):
            params.append(pytest.param(page, line, body, id=f"{page.name}:{line}"))
    return params


SESSIONS = _sessions()


@pytest.mark.parametrize(("page", "line", "body"), SESSIONS)
def test_docs_session_prints_what_the_page_shows(page, line, body, monkeypatch):
    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(
        body, {"__name__": f"docs_session_{page.stem}"}, f"{page.name}:{line}", str(page), line
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()


def test_sessions_are_found_and_a_wrong_output_fails():
    assert any(p.values[0].name == "retention.md" for p in SESSIONS)
    text = "```python\n>>> 1 + 1\n3\n```\n\n```python\nx = 1\n```\n"
    assert session_blocks(text) == [(1, ">>> 1 + 1\n3\n")]
    test = doctest.DocTestParser().get_doctest(session_blocks(text)[0][1], {}, "t", "t", 1)
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _text: None)
    assert runner.failures == 1


@pytest.mark.parametrize(("page", "code"), EXAMPLES)
def test_docs_example_runs(page, code, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": f"docs_example_{page.stem}"}
    exec(compile(code, str(page), "exec"), namespace)


def test_the_how_to_and_concepts_pages_have_runnable_examples():
    pages = {p.values[0].name for p in EXAMPLES}
    assert {"howto.md", "concepts.md"} <= pages


def test_only_marked_blocks_run():
    text = "```python\nraise SystemExit\n```\n\n<!-- run -->\n\n```python\nx = 1\n```\n"
    assert runnable_blocks(text) == [(7, "x = 1\n")]

"""The runnable examples of the docs run as they are.

A fenced ```python block of a page in ``docs/*.md`` is runnable when the line before its
opening fence (blank lines aside) is the HTML comment ``<!-- run -->``, which Markdown and
the Sphinx build do not show. Each runnable block runs in a fresh namespace with the
repository root as the working directory, so it may read ``examples/`` and
``src/rtocalc/data/``. Other blocks (shell sessions, fragments, output) are not run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def _examples() -> list[pytest.param]:
    params = []
    for page in sorted(DOCS.glob("*.md")):
        for line, code in runnable_blocks(page.read_text(encoding="utf-8")):
            params.append(pytest.param(page, code, id=f"{page.name}:{line}"))
    return params


EXAMPLES = _examples()


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

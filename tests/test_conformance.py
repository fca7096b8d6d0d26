"""Conformance of the public API: documented, cited, typed, and examples that run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re

import pydantic
import pytest

import rtocalc
from rtocalc import cost, physics, protection, retention, units

FORMULA_MODULES = (physics, cost, protection, retention)
PUBLIC_MODULES = (
    "rtocalc.physics",
    "rtocalc.cost",
    "rtocalc.protection",
    "rtocalc.retention",
    "rtocalc.units",
    "rtocalc.models",
    "rtocalc.optimize",
)


def _public_functions(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj


FORMULAS = [f for m in FORMULA_MODULES for f in _public_functions(m)]


def _section(doc: str, title: str) -> str:
    """The text of a numpydoc section (empty if absent)."""
    m = re.search(
        rf"^\s*{title}\n\s*-{{3,}}\n(.*?)(?=^\s*\w[\w ]*\n\s*-{{3,}}\n|\Z)", doc, re.S | re.M
    )
    return m.group(1) if m else ""


def _documented_parameters(doc: str) -> list[str]:
    names: list[str] = []
    indent = None
    for line in _section(doc, "Parameters").splitlines():
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        if indent is None:
            indent = lead
        if lead == indent and " : " in line:
            names += [n.strip() for n in line.split(" : ")[0].split(",")]
    return names


@pytest.mark.parametrize(("name", "func"), FORMULAS, ids=[n for n, _ in FORMULAS])
def test_formula_docstrings(name, func):
    """Every formula states its equation (Notes), its source (References) and an Example."""
    doc = inspect.getdoc(func) or ""
    for section in ("Parameters", "Returns", "Notes", "References", "Examples"):
        assert _section(doc, section).strip(), f"{name}: no {section} section"
    assert "[" in _section(doc, "Parameters"), f"{name}: parameters must state units"
    assert ".. math::" in _section(doc, "Notes") or "math:" in _section(doc, "Notes"), name


@pytest.mark.parametrize(
    ("name", "func"),
    [*FORMULAS, *_public_functions(units), *_public_functions(rtocalc)],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_documented_parameters_match_signature(name, func):
    doc = inspect.getdoc(func) or ""
    documented = _documented_parameters(doc)
    actual = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
    assert documented == actual, f"{name}: documented {documented} != signature {actual}"


def _models():
    for module in (rtocalc.models, rtocalc.results, rtocalc.retention, rtocalc.files):
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, pydantic.BaseModel):
                yield obj


@pytest.mark.parametrize("model", list(_models()), ids=lambda m: m.__name__)
def test_every_field_is_described_and_models_are_frozen(model):
    assert model.__doc__, f"{model.__name__} has no docstring"
    assert model.model_config.get("frozen"), f"{model.__name__} is not frozen"
    for field, info in model.model_fields.items():
        assert info.description, f"{model.__name__}.{field} has no description"


def test_all_is_sorted_and_importable():
    for module in (rtocalc, physics, cost, protection, retention, units):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name} missing"
    assert len(set(rtocalc.__all__)) == len(rtocalc.__all__)


def test_typed_package():
    files = importlib.resources.files("rtocalc")
    assert files.joinpath("py.typed").is_file()


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
    assert result.attempted > 0 or module_name == "rtocalc.optimize"


def test_model_page_covers_every_formula():
    """docs/model.md (or retention.md) documents every public formula by name, so the
    model page and the docstrings cannot drift apart silently."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"
    text = (docs / "model.md").read_text() + (docs / "retention.md").read_text()
    missing = [name for name, _ in FORMULAS if name.rsplit(".", 1)[1] not in text]
    assert not missing, f"docs/model.md does not mention {missing}"

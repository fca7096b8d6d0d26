"""Conformance of the public API: documented, cited, typed, and examples that run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import pydantic
import pytest
from numpydoc.docscrape import FunctionDoc

import rtocalc


def _public_module_names() -> list[str]:
    """``rtocalc`` and every module of the package whose name has no leading underscore
    and that does not declare itself private (a docstring paragraph starting "Private
    module"), found by walking the package rather than listed by hand."""
    names = ["rtocalc"]
    for info in pkgutil.iter_modules(rtocalc.__path__):
        if info.name.startswith("_"):
            continue
        name = f"rtocalc.{info.name}"
        doc = importlib.import_module(name).__doc__ or ""
        if re.search(r"^Private module", doc, re.M):
            continue
        names.append(name)
    return names


PUBLIC_MODULES = _public_module_names()

#: the modules of formulas: pure, vectorised functions, each with its equation (Notes),
#: its source (References), units and an example. A module declares itself one with a
#: docstring line starting "Formula module", so a new one is found, not listed.
FORMULA_MODULES = [
    importlib.import_module(name)
    for name in PUBLIC_MODULES
    if re.search(r"^Formula module", importlib.import_module(name).__doc__ or "", re.M)
]


def _public_functions(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj


FORMULAS = [f for m in FORMULA_MODULES for f in _public_functions(m)]


def _documented_parameters(func) -> list[str]:
    """The parameter names of a numpydoc docstring, as numpydoc's parser reads them."""
    names: list[str] = []
    for param in FunctionDoc(func)["Parameters"]:
        names += [n.strip() for n in param.name.split(",")]
    return names


def _defined_for(obj, name: str) -> bool:
    """Whether ``obj`` belongs to public module ``name``: defined there, or in one of its
    private parts that it re-exports (``rtocalc._policy_models`` for ``rtocalc.policy``)."""
    part = f"rtocalc._{name.rpartition('.')[2]}_"
    return obj.__module__ == name or obj.__module__.startswith(part)


def _public_functions_of_every_module():
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for fname in getattr(module, "__all__", ()):
            obj = getattr(module, fname)
            if inspect.isfunction(obj) and _defined_for(obj, name):
                yield f"{name}.{fname}", obj


@pytest.mark.parametrize(("name", "func"), FORMULAS, ids=[n for n, _ in FORMULAS])
def test_formula_docstrings(name, func):
    """Every formula states its equation (Notes), its source (References) and an Example,
    as numpydoc's parser reads the docstring; its parameters state their units."""
    doc = FunctionDoc(func)
    for section in ("Parameters", "Returns", "Notes", "References", "Examples"):
        assert doc[section], f"{name}: no {section} section"
    described = " ".join(f"{p.type} {' '.join(p.desc)}" for p in doc["Parameters"])
    assert "[" in described, f"{name}: parameters must state units"
    assert "math:" in "\n".join(doc["Notes"]), f"{name}: Notes must state the equation"


def test_formula_modules_are_found():
    """The walk finds the formula modules by their "Formula module" paragraph."""
    found = {m.__name__ for m in FORMULA_MODULES}
    assert {"rtocalc.physics", "rtocalc.cost", "rtocalc.retention"} <= found
    assert "rtocalc.optimize" not in found and len(FORMULAS) > 20


@pytest.mark.parametrize(
    ("name", "func"),
    list(_public_functions_of_every_module()),
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_documented_parameters_match_signature(name, func):
    """Every public function of every public module documents its parameters, in order,
    as numpydoc's parser reads the docstring (``*args``/``**kwargs`` by their names)."""
    documented = [n.lstrip("*") for n in _documented_parameters(func)]
    actual = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
    assert documented == actual, f"{name}: documented {documented} != signature {actual}"


def test_public_modules_are_found():
    """The walk finds the public modules and leaves the private ones out."""
    assert {"rtocalc.physics", "rtocalc.optimize", "rtocalc.policy"} <= set(PUBLIC_MODULES)
    assert "rtocalc.space" not in PUBLIC_MODULES  # "Private module: ..."
    assert not any(n.startswith("rtocalc._") for n in PUBLIC_MODULES)


def _models():
    """Every pydantic model a public module defines and exports (found, not listed)."""
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if (
                inspect.isclass(obj)
                and issubclass(obj, pydantic.BaseModel)
                and _defined_for(obj, name)
            ):
                yield obj


@pytest.mark.parametrize("model", list(_models()), ids=lambda m: m.__qualname__)
def test_every_field_is_described_and_models_are_frozen(model):
    assert model.__doc__, f"{model.__name__} has no docstring"
    assert model.model_config.get("frozen"), f"{model.__name__} is not frozen"
    assert model.model_config.get("extra") == "forbid", f"{model.__name__} takes any field"
    for field, info in model.model_fields.items():
        assert info.description, f"{model.__name__}.{field} has no description"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_is_sorted_and_importable(module_name):
    """Every public module declares ``__all__``: sorted (isort style, as ruff's RUF022
    keeps it: constants, then classes, then functions), without duplicates, each name
    importable."""
    module = importlib.import_module(module_name)
    names = list(module.__all__)

    def isort_key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)

    assert names == sorted(names, key=isort_key), f"{module_name}.__all__ is not sorted"
    assert len(set(names)) == len(names), f"{module_name}.__all__ has duplicates"
    for name in names:
        assert hasattr(module, name), f"{module_name}.{name} missing"


def test_typed_package():
    files = importlib.resources.files("rtocalc")
    assert files.joinpath("py.typed").is_file()


#: modules whose docstrings must carry examples (the formulas, units and the models)
_MUST_HAVE_EXAMPLES = {"rtocalc.physics", "rtocalc.cost", "rtocalc.retention", "rtocalc.units"}


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
    assert result.attempted > 0 or module_name not in _MUST_HAVE_EXAMPLES


def test_model_page_covers_every_formula():
    """docs/model.md (or retention.md) documents every public formula by name, so the
    model page and the docstrings cannot drift apart silently."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"
    text = (docs / "model.md").read_text() + (docs / "retention.md").read_text()
    missing = [name for name, _ in FORMULAS if name.rsplit(".", 1)[1] not in text]
    assert not missing, f"docs/model.md does not mention {missing}"

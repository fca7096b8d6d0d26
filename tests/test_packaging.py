"""Packaging: licence text, Project-URLs, classifiers, the declared minimum versions.

The minimum versions pyproject.toml declares are the ones .ci/run installs from
.ci/minimum-versions.txt and tests; a test keeps the two in step.
"""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version

import rtocalc

ROOT = Path(__file__).resolve().parents[1]
with open(ROOT / "pyproject.toml", "rb") as _fh:
    PROJECT = tomllib.load(_fh)["project"]


def _lower_bounds(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        m = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", req)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / ".ci" / "minimum-versions.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, ver = line.partition("==")
            pins[name.strip().lower()] = ver.strip()
    return pins


def test_the_licence_file_is_the_bsd_3_clause_text():
    text = (ROOT / "LICENSE").read_text()
    assert PROJECT["license"] == "BSD-3-Clause"
    assert "LICENSE" in PROJECT["license-files"]
    assert text.startswith("BSD 3-Clause License")
    assert "rtocalc developers" in text
    assert "Neither the name of the copyright holder nor the names of its" in text


def test_project_urls_point_at_pages_of_the_repository():
    urls = PROJECT["urls"]
    assert {"Documentation", "Changelog"} <= set(urls)
    for url in urls.values():
        assert "://" not in url  # no public host exists: never an invented one
        assert (ROOT / url).is_file(), url


def test_classifiers_name_every_supported_python():
    classifiers = set(PROJECT["classifiers"])
    for minor in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {minor}" in classifiers
    assert PROJECT["requires-python"] == ">=3.11"


def test_ci_installs_exactly_the_declared_minimums():
    declared = _lower_bounds(PROJECT["dependencies"])
    for extra in ("pandas", "plot", "test"):
        declared.update(_lower_bounds(PROJECT["optional-dependencies"][extra]))
    pins = _pins()
    tested = {"numpy", "scipy", "pydantic", "pandas", "matplotlib", "pytest", "hypothesis"}
    for name in tested | {"jsonschema", "pytest-benchmark"}:
        assert Version(pins[name]) == Version(declared[name]), name


def test_pydantic_below_2_8_is_excluded():
    (pydantic,) = [d for d in PROJECT["dependencies"] if d.startswith("pydantic")]
    assert ">=2.8" in pydantic


def test_show_versions_names_the_dependencies(capsys):
    rtocalc.show_versions()
    out = capsys.readouterr().out
    for name in ("python", "platform", "rtocalc", "numpy", "scipy", "pydantic"):
        assert re.search(rf"^{name}:\s+\S", out, re.M), name
    info = rtocalc._versions.versions()
    assert info["numpy"] == importlib.metadata.version("numpy")
    assert info["python"] == sys.version.split()[0]


def test_an_absent_optional_package_is_named_not_installed(monkeypatch):
    real = importlib.metadata.version

    def fake(name: str) -> str:
        if name == "matplotlib":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(rtocalc._versions, "version", fake)
    assert rtocalc._versions.versions()["matplotlib"] is None


def test_the_docs_serve_mathjax_themselves():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert '"sphinx-mathjax-offline"' in conf
    assert not re.search(r"mathjax_path\s*=\s*[\"']https?:", conf)
    offline = pytest.importorskip("sphinx-mathjax-offline")
    assert (Path(offline.__file__).parent / "static" / "mathjax" / "tex-chtml.js").is_file()


def test_the_readme_test_command_runs_the_slow_tests_too():
    """Slow tests carry the registered ``slow`` marker (a quick local run deselects them
    with ``-m "not slow"``), but README's ``python -m pytest`` and CI run every test: no
    default option deselects them, and the marker is in use."""
    with open(ROOT / "pyproject.toml", "rb") as fh:
        options = tomllib.load(fh)["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in options["markers"])
    assert "-m" not in options["addopts"].split() and "slow" not in options["addopts"]
    assert "python -m pytest\n" in (ROOT / "README.md").read_text(encoding="utf-8")
    marked = [
        p.name
        for p in (ROOT / "tests").glob("test_*.py")
        if "@pytest.mark.slow\n" in p.read_text(encoding="utf-8")
    ]
    assert len(marked) >= 5, marked

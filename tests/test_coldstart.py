"""Cold start: what ``import rtocalc`` loads, names imported on first use, the default
catalog built once per process. (Times are measured in benchmarks/test_bench_coldstart.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

import rtocalc
from rtocalc import Catalog

HEAVY = ("numpy", "scipy", "pandas", "matplotlib")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_import_loads_no_heavy_dependency():
    loaded = _modules_after("import rtocalc")
    assert not {m for m in loaded if m.split(".")[0] in (*HEAVY, "pydantic", "pydantic_core")}
    assert not {m for m in loaded if m.startswith("rtocalc.")}


def test_an_input_model_loads_pydantic_and_the_models_only():
    loaded = _modules_after("from rtocalc import Workload\nWorkload(data_size='1 TB')")
    assert "pydantic" in loaded and "rtocalc.models" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert "rtocalc.optimize" not in loaded


def test_the_plan_command_loads_neither_the_tradeoff_nor_scipy():
    loaded = _modules_after("from rtocalc.cli import main\nmain(['plan'])")
    assert "rtocalc.optimize" in loaded
    assert not {m for m in loaded if m.startswith(("rtocalc.tradeoff", "scipy", "pandas"))}
    # numpy loads numpy.random on import itself before 2.0 (the minimum is 1.23.2)
    if int(__import__("numpy").__version__.split(".")[0]) >= 2:
        assert "numpy.random" not in loaded


def test_cheapest_loads_neither_scipy_nor_the_uncertainty_module():
    loaded = _modules_after(
        "from rtocalc import Requirements, Workload, cheapest\n"
        "cheapest(Workload(data_size='1 TB'), Requirements(rpo='1 d', rto='1 d'))"
    )
    assert "numpy" in loaded
    assert not {m for m in loaded if m.startswith(("scipy", "pandas", "matplotlib"))}
    assert "rtocalc.uncertainty" not in loaded


@pytest.mark.parametrize("name", rtocalc.__all__)
def test_every_public_name_resolves_and_is_listed(name):
    assert getattr(rtocalc, name) is getattr(rtocalc, name)
    assert name in dir(rtocalc)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        rtocalc.nothing  # noqa: B018


def test_lazy_names_are_the_modules_objects():
    from rtocalc import portfolio, uncertainty

    assert rtocalc.simulate is uncertainty.simulate and rtocalc.portfolio is portfolio


def test_the_default_catalog_is_built_once():
    assert Catalog.default() is Catalog.default()


def test_z90_is_the_normal_quantile():
    from scipy.special import ndtri

    from rtocalc import _distributions

    assert float(ndtri(0.9)) == _distributions.Z90


def test_negotiate_is_the_function_after_its_module_is_imported():
    code = (
        "import rtocalc, rtocalc.tradeoff, rtocalc.negotiate\n"
        "f = rtocalc.negotiate\n"
        "assert callable(f) and f.__module__ == 'rtocalc.negotiate'\n"
        "from rtocalc import negotiate\nassert callable(negotiate)\nprint('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"

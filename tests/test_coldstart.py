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
    # nor the meeting record's models (the schema command's), nor difflib (misspellings')
    assert not {"rtocalc.meeting", "difflib"} & loaded
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


# --- the shipped catalog's JSON copy ------------------------------------------------------

REGENERATE = "regenerate it with `python -m rtocalc._catalog_data`"


def _data_dir(tmp_path, toml_text, json_text=None):
    (tmp_path / "catalog.toml").write_text(toml_text, encoding="utf-8")
    if json_text is not None:
        (tmp_path / "catalog.json").write_text(json_text, encoding="utf-8")
    return tmp_path


def test_the_json_copy_is_the_shipped_toml():
    import json
    import tomllib
    from importlib import resources

    from rtocalc._catalog_data import json_copy

    data = resources.files("rtocalc.data")
    toml_bytes = data.joinpath("catalog.toml").read_bytes()
    shipped = data.joinpath("catalog.json").read_text(encoding="utf-8")
    assert shipped == json_copy(toml_bytes), f"catalog.json is stale: {REGENERATE}"
    # the same data, order included (the catalog's order is the optimiser's tie-break)
    copy = json.loads(shipped)["catalog"]
    parsed = tomllib.loads(toml_bytes.decode("utf-8"))
    assert copy == parsed
    assert json.dumps(copy) == json.dumps(parsed)


def test_the_default_catalog_is_the_toml_catalog():
    import tomllib
    from importlib import resources

    text = resources.files("rtocalc.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    assert Catalog.default() == Catalog.from_dict(tomllib.loads(text))


def test_a_current_json_copy_is_what_is_read(tmp_path):
    import json

    from rtocalc._catalog_data import default_catalog_data, json_copy

    toml = '[catalog]\nname = "toml"\nprice = 0.1\n'
    body = json.loads(json_copy(toml.encode()))
    assert body["catalog"] == {"catalog": {"name": "toml", "price": 0.1}}
    body["catalog"]["catalog"]["name"] = "json"  # marks which file was read
    got = default_catalog_data(_data_dir(tmp_path, toml, json.dumps(body)))
    assert got == {"catalog": {"name": "json", "price": 0.1}}


@pytest.mark.parametrize(
    "json_text",
    [
        None,  # no copy
        "{not json",
        '["a", "list"]',
        '{"catalog": {"catalog": {"name": "stale"}}}',  # no digest
        '{"source_sha256": "0", "catalog": {"catalog": {"name": "stale"}}}',
    ],
)
def test_a_missing_broken_or_stale_json_copy_falls_back_to_the_toml(tmp_path, json_text):
    from rtocalc._catalog_data import default_catalog_data

    toml = '[catalog]\nname = "toml"\n'
    assert default_catalog_data(_data_dir(tmp_path, toml, json_text)) == {
        "catalog": {"name": "toml"}
    }


def test_an_edited_toml_is_read_although_the_copy_was_made_before(tmp_path):
    from rtocalc._catalog_data import default_catalog_data, json_copy

    old = json_copy(b'[catalog]\nname = "before"\n')
    got = default_catalog_data(_data_dir(tmp_path, '[catalog]\nname = "after"\n', old))
    assert got == {"catalog": {"name": "after"}}


# --- the CLI's OpenBLAS threads -------------------------------------------------------------

_THREADS = (
    "import os, sys\nfrom rtocalc.cli import main\nmain(['schema', 'catalog'])\n"
    "import numpy\n"
    "print(os.environ.get('OPENBLAS_NUM_THREADS'), len(os.listdir('/proc/self/task')), "
    "file=sys.stderr)"
)


def _cli_threads(preset: str | None) -> list[str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    out = subprocess.run(
        [sys.executable, "-c", _THREADS], env=env, capture_output=True, text=True, check=True
    )
    return out.stderr.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_a_cli_process_runs_numpy_on_one_thread():
    assert _cli_threads(None) == ["1", "1"]


def test_the_users_openblas_setting_is_kept():
    assert _cli_threads("2")[0] == "2"


def test_main_called_from_python_leaves_the_environment_alone(monkeypatch, capsys):
    import os

    import numpy  # noqa: F401  (a caller that has numpy loaded already)

    from rtocalc.cli import main

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert main(["schema", "catalog"]) == 0
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    capsys.readouterr()

"""Command line: ``rtocalc plan`` and ``rtocalc schema``, exit codes and error lines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rtocalc
from rtocalc import BusinessImpact, Result, cheapest
from rtocalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "data" / "bad"
DOLLARS = re.compile(r"\$\d[\d,]*(\.\d+)?/mo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_lines(err: str) -> list[str]:
    lines = err.splitlines()
    assert lines, "no error printed"
    for line in lines:
        assert line.startswith("error: "), line
    assert "Traceback" not in err
    return lines


_ASK = '[requirements]\nrpo = "4 h"\nrto = "8 h"\n'
_WORKLOAD = '[workload]\ndata_size = "2 TB"\n'


# --- plan: the shipped example ---------------------------------------------------------------


@pytest.fixture(scope="module")
def default_result(default) -> Result:
    s = default
    return cheapest(s.workload, s.requirements, impact=s.impact, catalog=s.catalog)


def test_plan_without_file_runs_the_shipped_example(capsys):
    code, out, err = run(capsys, "plan")
    assert code == 0
    assert err == ""
    assert "Verdict" in out
    for scenario in BusinessImpact().scenarios:
        assert scenario.name in out
    assert DOLLARS.search(out), out


def test_plan_json_validates_as_result(capsys, default_result):
    code, out, err = run(capsys, "plan", "--format", "json")
    assert code == 0
    assert err == ""
    data = json.loads(out)
    assert data["feasible"] is True
    assert data["currency"] == "USD"
    result = Result.model_validate_json(out)
    assert isinstance(result, rtocalc.Result)
    assert result == default_result
    assert Result.model_validate(data) == default_result


def test_plan_markdown_has_a_table(capsys):
    code, out, _ = run(capsys, "plan", "--format", "markdown")
    assert code == 0
    assert "|---" in out
    assert DOLLARS.search(out)
    for scenario in BusinessImpact().scenarios:
        assert scenario.name in out


def test_plan_text_is_the_default_format(capsys):
    _, text, _ = run(capsys, "plan")
    _, explicit, _ = run(capsys, "plan", "--format", "text")
    assert text == explicit


def test_plan_objective_tco(capsys):
    code, out, err = run(capsys, "plan", "--objective", "tco")
    assert code == 0
    assert err == ""
    assert "Verdict" in out
    code, out, _ = run(capsys, "plan", "--objective", "tco", "--format", "json")
    assert code == 0
    result = Result.model_validate_json(out)
    assert result.objective == "tco"
    assert result.feasible


def test_plan_explicit_example_file_matches_default(capsys):
    _, default, _ = run(capsys, "plan", "--format", "json")
    code, explicit, _ = run(
        capsys, "plan", str(ROOT / "examples" / "default.toml"), "--format", "json"
    )
    assert code == 0
    assert json.loads(explicit) == json.loads(default)


def test_plan_ask_that_cannot_be_met_is_an_answer(capsys, tmp_path):
    path = write(
        tmp_path,
        """
[workload]
data_size = "500 TB"

[requirements]
rpo = "1 h"
rto = "10 min"

[[impact.scenarios]]
name = "Accidental deletion"
scope = "logical"
rate = 1
""",
    )
    code, out, err = run(capsys, "plan", str(path))
    assert code == 0
    assert err == ""
    assert "cannot be met" in out
    assert "Accidental deletion" in out
    assert "10 min" in out
    code, out, _ = run(capsys, "plan", str(path), "--format", "json")
    assert code == 0
    result = Result.model_validate_json(out)
    assert not result.feasible
    assert result.plan is None
    assert result.reasons
    code, out, _ = run(capsys, "plan", str(path), "--format", "markdown")
    assert code == 0
    assert "cannot be met" in out


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plan", "--format", "pdf"])
    assert info.value.code == 2
    assert "pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("rtocalc ")


# --- bad input: exit 2, one line per error, no traceback -------------------------------------

BAD_FIELDS = [
    pytest.param(
        _WORKLOAD + '[requirements]\nrpo = "15 minuets"\nrto = "4 h"\n',
        "requirements.rpo",
        "'15 minuets'",
        "'15 min'",
        id="rpo-typo",
    ),
    pytest.param(
        '[workload]\ndata_size = "-2 TB"\n' + _ASK,
        "workload.data_size",
        "'-2 TB'",
        "'2 TB'",
        id="size-negative",
    ),
    pytest.param(
        '[workload]\ndata_size = "2 TX"\n' + _ASK,
        "workload.data_size",
        "'2 TX'",
        "'2 TB'",
        id="size-unit",
    ),
    pytest.param(
        "[workload]\ndata_size = nan\n" + _ASK,
        "workload.data_size",
        "nan",
        "'2 TB'",
        id="size-nan",
    ),
    pytest.param(
        '[workload]\ndata_size = "2 TB"\ndaily_change = "150%/day"\n' + _ASK,
        "workload.daily_change",
        "'150%/day'",
        "'3%/day'",
        id="change-150",
    ),
    pytest.param(
        '[workload]\ndata_size = "2 TB"\ndata_reduction = "0.5"\n' + _ASK,
        "workload.data_reduction",
        "'0.5'",
        "'2:1'",
        id="reduction",
    ),
    pytest.param(
        '[workload]\ndata_size = "2 TB"\nhorizon = -1\n' + _ASK,
        "workload.horizon",
        "-1",
        "0.023",
        id="horizon-negative",
    ),
    pytest.param(
        '[workload]\ndata_size = "2 TB"\ndayly_change = "3%"\n' + _ASK,
        "workload.dayly_change",
        "'3%'",
        "check the spelling",
        id="workload-typo",
    ),
    pytest.param(
        _WORKLOAD + _ASK + 'budget = "€300/mo"\n',
        "requirements.budget",
        "'€300/mo'",
        "'$4,000/mo'",
        id="budget-eur",
    ),
    pytest.param(
        _WORKLOAD + _ASK + 'budget = "$300/mo"\n[catalog.catalog]\ncurrency = "EUR"\n',
        "requirements.budget",
        "'$300/mo'",
        "EUR",
        id="budget-usd-in-eur-catalog",
    ),
    pytest.param(
        _WORKLOAD + _ASK + 'retention = "14 dayly"\n',
        "requirements.retention",
        "'14 dayly'",
        "'14 daily, 8 weekly",
        id="retention-typo",
    ),
    pytest.param(
        _WORKLOAD + '[requirements]\nrpo = { site = "1 h", galaxy = "2 h" }\nrto = "4 h"\n',
        "requirements.rpo",
        "'galaxy'",
        "'logical'",
        id="rpo-unknown-scope",
    ),
    pytest.param(
        _WORKLOAD + _ASK + '[impact]\ndowntime_cost = "lots"\n',
        "impact.downtime_cost",
        "'lots'",
        "'$4,000/mo'",
        id="downtime-cost",
    ),
    pytest.param(
        _WORKLOAD + _ASK + '[[impact.scenarios]]\nname = "x"\nscope = "site"\nrate = -1\n',
        "impact.scenarios[0].rate",
        "-1",
        "0.023",
        id="scenario-rate",
    ),
    pytest.param(
        _WORKLOAD
        + _ASK
        + '[[impact.scenarios]]\nname = "a"\nscope = "site"\nrate = 1\n'
        + '[[impact.scenarios]]\nname = "a"\nscope = "region"\nrate = 1\n',
        "impact.scenarios",
        "'a'",
        "give each scenario once",
        id="duplicate-scenarios",
    ),
    pytest.param(
        _WORKLOAD + _ASK + '[catalog.targets.object_hot]\nprice_per_gb_month = "abc"\n',
        "catalog.targets.object_hot.price_per_gb_month",
        "'abc'",
        "0.023",
        id="catalog-price",
    ),
    pytest.param(
        _WORKLOAD + _ASK + '[catalog.links.wan_1g]\nprice_per_month = "€219/mo"\n',
        "catalog.links.wan_1g.price_per_month",
        "'€219/mo'",
        "'$4,000/mo'",
        id="catalog-link-currency",
    ),
]


@pytest.mark.parametrize(("text", "field", "value", "accepted"), BAD_FIELDS)
def test_bad_field_exits_2_with_one_line(capsys, tmp_path, text, field, value, accepted):
    path = write(tmp_path, text)
    code, out, err = run(capsys, "plan", str(path))
    assert code == 2
    assert out == ""
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: {field}: "), line
    assert value in line
    assert accepted in line


def test_all_errors_of_a_file_are_reported_at_once(capsys):
    path = BAD / "three_errors.toml"
    code, out, err = run(capsys, "plan", str(path))
    assert code == 2
    assert out == ""
    lines = error_lines(err)
    assert len(lines) == 3
    expected = [
        ("workload.data_size", "'2 TX'", "'2 TB'"),
        ("workload.compute_cost", "'abc'", "'$4,000/mo'"),
        ("requirements.rpo", "'15 minuets'", "'15 min'"),
    ]
    for line, (field, value, accepted) in zip(lines, expected, strict=True):
        assert line.startswith(f"error: {path}: {field}: "), line
        assert value in line
        assert accepted in line


def test_errors_in_every_table_are_reported_at_once(capsys, tmp_path):
    path = write(
        tmp_path,
        """
[workload]
data_size = "2 TB"
compute_cost = "abc"

[requirements]
rpo = "15 minuets"
rto = "4 h"

[impact]
downtime_cost = "lots"

[catalog.targets.object_hot]
price_per_gb_month = -1

[extra]
x = 1
""",
    )
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == 5
    text = "\n".join(lines)
    for field in (
        "extra",
        "catalog.targets.object_hot.price_per_gb_month",
        "workload.compute_cost",
        "requirements.rpo",
        "impact.downtime_cost",
    ):
        assert f": {field}: " in text, field


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("not_toml.toml", "not valid TOML"),
        ("no_workload.toml", "[workload]: missing table"),
        ("unknown_table.toml", "requirement: unknown table"),
        ("catalog_unknown_key.toml", "catalog.targets.object_hot.price_per_gb_mnth: 0.02"),
        ("catalog_unknown_offsite_target.toml", "catalog.offsite.tape_vault_weekly.target:"),
        # issue 16: tracebacks and unbounded messages on hostile files
        ("not_utf8.toml", "is not UTF-8 text (byte 0xe9 at offset 35)"),
        ("deep_nesting.toml", "nests tables or arrays"),
        ("long_value.toml", "(40002 characters) is too long (more than 200 characters)"),
        ("ambiguous_money.toml", "workload.compute_cost: '€4.000/mo' is ambiguous"),
    ],
)
def test_bad_files(capsys, name, needle):
    path = BAD / name
    code, out, err = run(capsys, "plan", str(path))
    assert code == 2
    assert out == ""
    lines = error_lines(err)
    assert any(line.startswith(f"error: {path}: ") and needle in line for line in lines), err


def test_not_toml_names_the_position(capsys):
    _, _, err = run(capsys, "plan", str(BAD / "not_toml.toml"))
    [line] = error_lines(err)
    assert "line 2" in line


def test_unknown_table_lists_the_known_tables(capsys):
    _, _, err = run(capsys, "plan", str(BAD / "unknown_table.toml"))
    lines = error_lines(err)
    assert len(lines) == 2  # the unknown [requirement] and the missing [requirements]
    assert "[workload], [requirements], [impact], [catalog]" in lines[0]
    assert "[requirements]: missing table" in lines[1]


def test_catalog_unknown_key_names_the_value_and_the_fix(capsys):
    _, _, err = run(capsys, "plan", str(BAD / "catalog_unknown_key.toml"))
    [line] = error_lines(err)
    assert "not a known field" in line
    assert "check the spelling" in line


def test_catalog_unknown_offsite_target_lists_the_targets(capsys):
    _, _, err = run(capsys, "plan", str(BAD / "catalog_unknown_offsite_target.toml"))
    [line] = error_lines(err)
    assert "'tapes'" in line
    assert "'tape'" in line
    assert "'object_archive'" in line


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "nope.toml"
    code, out, err = run(capsys, "plan", str(path))
    assert code == 2
    assert out == ""
    [line] = error_lines(err)
    assert line == f"error: {path}: no such file"


def test_missing_requirements_table(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert line == f"error: {path}: [requirements]: missing table"


def test_missing_catalog_file(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD + _ASK + '[catalog]\nfile = "mine.toml"\n')
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: catalog.file: ")
    assert "mine.toml" in line


def test_catalog_file_relative_to_the_scenario(capsys, tmp_path):
    shipped = ROOT / "src" / "rtocalc" / "data" / "catalog.toml"
    (tmp_path / "mine.toml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    path = write(tmp_path, _WORKLOAD + _ASK + '[catalog]\nfile = "mine.toml"\n')
    code, with_file, _ = run(capsys, "plan", str(path), "--format", "json")
    assert code == 0
    plain = write(tmp_path, _WORKLOAD + _ASK, name="plain.toml")
    code, without, _ = run(capsys, "plan", str(plain), "--format", "json")
    assert code == 0
    assert json.loads(with_file) == json.loads(without)


def test_catalog_not_a_table(capsys, tmp_path):
    path = write(tmp_path, 'catalog = "default"\n' + _WORKLOAD + _ASK)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert f"{path}: catalog" in line


def test_catalog_file_not_toml(capsys, tmp_path):
    (tmp_path / "mine.toml").write_text("[targets\n", encoding="utf-8")
    path = write(tmp_path, _WORKLOAD + _ASK + '[catalog]\nfile = "mine.toml"\n')
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert "not valid TOML" in line


def test_per_scope_error_has_one_dotted_path(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD + '[requirements]\nrpo = { site = "soon" }\nrto = "4 h"\n')
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: requirements.rpo.site: 'soon' "), line


def test_retention_zero_daily_names_the_value(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD + _ASK + 'retention = "0 daily"\n')
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: requirements.retention")
    assert "'0 daily'" in line


def test_bad_daily_change_does_not_hide_other_workload_errors(capsys, tmp_path):
    path = write(tmp_path, '[workload]\ndata_size = "2 TX"\ndaily_change = "150%/day"\n' + _ASK)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    assert len(error_lines(err)) == 2



@pytest.mark.parametrize("command", ["plan", "negotiate", "simulate"])
def test_a_clean_room_the_catalog_lacks_exits_2(capsys, tmp_path, command):
    # found by test_fuzz_cli: requirements.isolated_recovery = "inf" passed validation
    # (a text) and ended every command in a traceback from the kernel; the key is now
    # checked against the scenario's own catalog when the file is read
    text = (ROOT / "examples" / "default.toml").read_text(encoding="utf-8")
    assert 'isolated_recovery = "cloud_clean_room"' in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace('"cloud_clean_room"', '"inf"'), encoding="utf-8")
    code, out, err = run(capsys, command, str(path))
    assert code == 2 and out == ""
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: requirements.isolated_recovery: 'inf' is not a key")
    assert "'cloud_clean_room', 'cyber_vault'" in line

def test_table_given_as_string(capsys, tmp_path):
    path = write(tmp_path, 'requirements = "strict"\n' + _WORKLOAD)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert line.startswith(f"error: {path}: requirements: ")
    assert "'strict'" in line


# --- schema ----------------------------------------------------------------------------------


def test_schema_prints_json_schema(capsys):
    code, out, err = run(capsys, "schema")
    assert code == 0
    assert err == ""
    schema = json.loads(out)
    assert schema["type"] == "object"
    assert {"workload", "requirements"} <= set(schema["properties"])
    assert {"workload", "requirements"} <= set(schema["required"])
    assert "impact" in schema["properties"]
    assert "catalog" in schema["properties"]
    _, explicit, _ = run(capsys, "schema", "scenario")
    assert explicit == out


# --- module entry point ----------------------------------------------------------------------


def test_python_m_rtocalc_plan():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "rtocalc", "plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Verdict" in proc.stdout
    assert proc.stderr == ""


# --- hostile input (issue 16) -----------------------------------------------------------------


def test_error_lines_are_short_whatever_the_value(capsys):
    _, _, err = run(capsys, "plan", str(BAD / "long_value.toml"))
    assert max(len(line) for line in error_lines(err)) < 400


def test_dash_reads_standard_input(capsys, monkeypatch):
    import io

    text = (ROOT / "examples" / "default.toml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    code, out, err = run(capsys, "plan", "-", "--format", "json")
    assert code == 0 and err == ""
    expected = run(capsys, "plan", str(ROOT / "examples" / "default.toml"), "--format", "json")
    assert json.loads(out) == json.loads(expected[1])


def test_check_reads_the_inventory_from_standard_input(capsys, monkeypatch):
    import io

    inv = (ROOT / "examples" / "policy" / "inventory.toml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(inv)))
    code, out, _ = run(capsys, "check", str(ROOT / "examples" / "policy" / "policy.toml"), "-")
    assert code == 1 and "crm [tier-2]" in out


def test_policy_and_inventory_cannot_both_be_standard_input(capsys):
    code, _, err = run(capsys, "check", "-", "-")
    assert code == 2 and "cannot both be '-'" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking(capsys, tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "plan", str(fifo))
    assert code == 2
    [line] = error_lines(err)
    assert "is not a regular file" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_unread(capsys):
    code, _, err = run(capsys, "plan", "/dev/zero")
    assert code == 2 and "is not a regular file" in err


def test_a_directory_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "plan", str(tmp_path))
    assert code == 2
    [line] = error_lines(err)
    assert "is a directory" in line or "is not a regular file" in line


def test_files_larger_than_the_bound_are_refused(capsys, tmp_path, monkeypatch):
    from rtocalc import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, _WORKLOAD + _ASK + "#" * 200 + "\n")
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2 and "is larger than" in err


def _catalog_outside(tmp_path: Path, reference: str) -> Path:
    secret = tmp_path / "secret.toml"
    secret.write_text('[registry]\ntoken = "hunter2-very-secret"\n', encoding="utf-8")
    sub = tmp_path / "project"
    sub.mkdir()
    return write(sub, _WORKLOAD + _ASK + f'[catalog]\nfile = "{reference}"\n')


@pytest.mark.parametrize("reference", ["../secret.toml", "/etc/hostname", "/dev/zero"])
def test_references_outside_the_directory_are_refused(capsys, tmp_path, reference):
    path = _catalog_outside(tmp_path, reference)
    code, out, err = run(capsys, "plan", str(path))
    assert code == 2 and out == ""
    [line] = error_lines(err)
    assert "catalog.file" in line and "is outside the directory" in line
    assert "--allow-outside-paths" in line
    assert "hunter2" not in err


def test_allow_outside_paths_reads_the_reference_but_quotes_no_content(capsys, tmp_path):
    path = _catalog_outside(tmp_path, "../secret.toml")
    code, _, err = run(capsys, "plan", str(path), "--allow-outside-paths")
    assert code == 2
    # allowed: the file is read and its errors quote a short excerpt of the value
    assert "registry" in err
    assert max(len(line) for line in error_lines(err)) < 400


def test_allowed_reference_to_a_device_is_still_refused(capsys, tmp_path):
    (tmp_path / "b").mkdir()
    path = _catalog_outside(tmp_path / "b", "/dev/zero")
    code, _, err = run(capsys, "plan", str(path), "--allow-outside-paths")
    assert code == 2 and "is not a regular file" in err


def test_references_inside_the_directory_are_read(capsys, tmp_path):
    (tmp_path / "cat").mkdir()
    shipped = Path(rtocalc.__file__).parent / "data" / "catalog.toml"
    (tmp_path / "cat" / "c.toml").write_bytes(shipped.read_bytes())
    path = write(tmp_path, _WORKLOAD + _ASK + '[catalog]\nfile = "cat/c.toml"\n')
    code, out, err = run(capsys, "plan", str(path))
    assert code == 0 and err == "" and "exact over" in out


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("--samples", "0", "argument --samples: 0 is out of range"),
        ("--samples", "many", "argument --samples: 'many' is not a whole number"),
        ("--seed", "-1", "argument --seed: -1 is out of range"),
    ],
)
def test_simulate_blames_bad_flags_on_the_command_line(capsys, flag, value, needle):
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(ROOT / "examples" / "default.toml"), flag, value])
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert needle in err and "default.toml" not in err


def test_check_accepts_the_portfolio_inventory(capsys):
    code, out, err = run(
        capsys,
        "check",
        str(ROOT / "examples" / "policy" / "policy.toml"),
        str(ROOT / "examples" / "portfolio" / "inventory.toml"),
    )
    assert code in (0, 1) and err == ""
    assert "24 systems checked" in out


def test_the_portfolio_example_ships_the_policy_it_names():
    # examples/portfolio/policy.toml is a copy (a file may only name files beside it)
    assert (ROOT / "examples" / "portfolio" / "policy.toml").read_text(encoding="utf-8") == (
        ROOT / "examples" / "policy" / "policy.toml"
    ).read_text(encoding="utf-8")


# --- check: streaming, --no-fixes -----------------------------------------------------------


def _inventory(tmp_path: Path, n: int) -> Path:
    lines = ['name = "many"']
    for i in range(n):
        lines.append(
            f'[[systems]]\nname = "s{i}"\ntier = "tier-{1 + i % 3}"\n'
            f'workload = {{ data_size = "{100 + 37 * i} GB" }}\n'
            'design = { interval = "24 h", target = "local_disk" }'
        )
    return write(tmp_path, "\n".join(lines) + "\n", "inventory.toml")


def test_check_streams_the_same_text_as_the_report(capsys, tmp_path):
    from rtocalc.policy import check, load_inventory, load_policy

    policy = ROOT / "examples" / "policy" / "policy.toml"
    inv = _inventory(tmp_path, 150)  # more than one batch
    code, out, err = run(capsys, "check", str(policy), str(inv))
    report = check(load_policy(policy), load_inventory(inv))
    assert err == ""
    assert code == report.exit_code == 1
    assert out == report.render("text")


def test_check_batches_give_the_results_of_one_batch():
    from rtocalc.policy import Inventory, iter_check, load_policy

    policy = load_policy(ROOT / "examples" / "policy" / "policy.toml")
    systems = [
        {
            "name": f"s{i}",
            "tier": f"tier-{1 + i % 3}",
            "workload": {"data_size": f"{100 + 200 * (i % 4)} GB"},  # repeats: the cache
            "design": {"interval": "24 h", "target": "local_disk"},
        }
        for i in range(12)
    ]
    inv = Inventory(systems=systems)
    whole = list(iter_check(policy, inv, batch=100))
    for batch in (1, 5):
        assert list(iter_check(policy, inv, batch=batch)) == whole


def test_no_fixes_skips_the_search(capsys):
    args = [
        "check",
        str(ROOT / "examples" / "policy" / "policy.toml"),
        str(ROOT / "examples" / "policy" / "inventory.toml"),
    ]
    code, out, _ = run(capsys, *args, "--no-fixes")
    assert code == 1
    assert "crm [tier-2]" in out and "fix:" not in out
    code, out, _ = run(capsys, *args, "--no-fixes", "--format", "json")
    assert code == 1
    assert all(s["fix"] is None for s in json.loads(out)["systems"])
    _, with_fixes, _ = run(capsys, *args)
    assert "fix:" in with_fixes


# --- tracebacks that became errors or answers (issue 16, item 4) ---------------------------


def test_a_horizon_that_overflows_is_an_input_error(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD + 'annual_growth = "30%"\nhorizon = 4000\n' + _ASK)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert "workload.horizon: 4000.0 is out of range; use a number at most 100" in line


def test_growth_beyond_any_storage_is_an_input_error(capsys, tmp_path):
    path = write(tmp_path, _WORKLOAD + 'annual_growth = "3000%"\nhorizon = 90\n' + _ASK)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert "workload.horizon: 90 years of 3000% growth" in line


@pytest.mark.parametrize("value", ['"inf"', '"nan"', '"٣"', "0"])
def test_amortisation_years_must_be_a_finite_positive_number(capsys, tmp_path, value):
    path = write(tmp_path, _WORKLOAD + _ASK + f"[catalog.catalog]\namortisation_years = {value}\n")
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    assert "catalog.catalog.amortisation_years" in err


def test_a_zero_restore_capacity_is_an_input_error(capsys):
    inv = str(ROOT / "examples" / "portfolio" / "inventory.toml")
    code, out, err = run(capsys, "portfolio", inv, "--restore-capacity", "0 TB/h")
    assert code == 2 and out == ""
    [line] = error_lines(err)
    assert "restore_capacity" in line and "must be positive" in line


def test_frontier_text_of_an_empty_frontier(default, capsys, tmp_path):
    from rtocalc import frontier

    s = default
    empty = frontier(s.workload, s.requirements, catalog=s.catalog, max_cost=0.001)
    assert len(empty) == 0
    assert str(empty).startswith("0 Pareto-optimal designs")
    assert empty.to_csv().startswith("monthly_cost_USD,rto_h,rpo_h,interval,")
    assert empty.to_csv().count("\n") == 1  # the header alone


def test_frontier_takes_max_cost_as_money_text(default):
    from rtocalc import frontier

    s = default
    by_text = frontier(s.workload, s.requirements, catalog=s.catalog, max_cost="$1,000/mo")
    by_number = frontier(s.workload, s.requirements, catalog=s.catalog, max_cost=1000.0)
    assert by_text == by_number and len(by_text) > 0
    with pytest.raises(ValueError, match="max_cost: '€5/mo' is in EUR"):
        frontier(s.workload, s.requirements, catalog=s.catalog, max_cost="€5/mo")


def test_simulate_answers_an_ask_no_design_meets(capsys, tmp_path):
    path = write(
        tmp_path, '[workload]\ndata_size = "2 TB..4 TB"\n[requirements]\nrpo = "1 s"\nrto = "1 s"\n'
    )
    code, out, err = run(capsys, "simulate", str(path), "--samples", "50")
    assert code == 0 and err == ""
    assert "No design meets the ask at the median inputs" in out and "Why:" in out


def test_simulate_reports_a_currency_error_once(capsys, tmp_path):
    path = write(
        tmp_path,
        '[workload]\ndata_size = "2 TB..4 TB"\ncompute_cost = "€100/mo"\n' + _ASK
        + '[catalog.catalog]\ncurrency = "usd"\n',
    )
    code, _, err = run(capsys, "simulate", str(path), "--samples", "50")
    assert code == 2
    lines = error_lines(err)
    assert not any("missing table" in line for line in lines), lines
    assert any("catalog.catalog.currency: 'usd'" in line for line in lines)


# --- one vocabulary for infinity (issue 16, item 5) -----------------------------------------

_INF = re.compile(r"(?<![\w'\"-])-?(?:inf|infinity|nan)(?![\w'\"-])", re.IGNORECASE)


def test_the_portfolio_example_shows_no_inf(capsys):
    inv = str(ROOT / "examples" / "portfolio" / "inventory.toml")
    for flags in ([], ["--objective", "outlay"], ["--format", "markdown"]):
        code, out, _ = run(capsys, "portfolio", inv, *flags)
        assert code == 0
        assert _INF.search(out) is None, flags


def test_portfolio_with_outlay_objective_writes_unbounded_loss(capsys):
    inv = str(ROOT / "examples" / "portfolio" / "inventory.toml")
    _, out, _ = run(capsys, "portfolio", inv, "--objective", "outlay")
    assert "expected loss unbounded" in out or "expected loss " in out
    assert "/year/year" not in out and "unbounded/" not in out


def test_simulate_writes_no_recovery_where_plan_does(capsys, tmp_path):
    # no copy survives a site loss: RTO and RPO there are "no recovery", never "inf"
    path = write(
        tmp_path,
        '[workload]\ndata_size = "1 TB..2 TB"\n[requirements]\nrpo = { hardware = "1 d" }\n'
        'rto = { hardware = "3 d" }\n',
    )
    code, out, _ = run(capsys, "simulate", str(path), "--samples", "50", "--seed", "1")
    assert code == 0
    assert _INF.search(out) is None


def test_a_huge_price_is_out_of_range(capsys, tmp_path):
    # 1e308 made costs overflow to inf and the negotiation print "nanx the unbounded"
    ask = _WORKLOAD + _ASK + 'budget = "$100/mo"\n'
    path = write(tmp_path, ask + "[catalog.targets.object_hot]\nprice_per_gb_month = 1e308\n")
    code, _, err = run(capsys, "negotiate", str(path))
    assert code == 2
    [line] = error_lines(err)
    assert "price_per_gb_month: 1e+308 is out of range; use a number up to 1e15" in line
    path = write(tmp_path, ask + "[catalog.targets.object_hot]\nprice_per_gb_month = 1e15\n")
    for command in ("plan", "negotiate"):
        code, out, _ = run(capsys, command, str(path))
        assert code == 0
        assert _INF.search(out) is None, out


def test_money_beyond_the_bound_is_out_of_range():
    from rtocalc.units import UnitError, parse_money

    assert parse_money("$1e15/mo") == 1e15
    with pytest.raises(UnitError, match="is out of range: more than 1e"):
        parse_money("$2e15/mo")


# --- conventions: wrapping, progress (issue 16, item 12) -------------------------------------


def test_text_is_wrapped_to_the_terminal_only(capsys, monkeypatch):
    from rtocalc import cli

    long = "word " * 40
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(cli.shutil, "get_terminal_size", lambda: os.terminal_size((50, 20)))
    cli._print(long.strip() + "\n  a  b  aligned  table  row " + "x" * 60)
    out = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 49 for line in out[:-1])
    assert " ".join(x.strip() for x in out[:-1]) == long.strip()
    assert out[1].startswith("  ")  # continuation lines are indented
    assert out[-1].startswith("  a  b  aligned")  # aligned lines are never wrapped
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    cli._print(long.strip())
    assert capsys.readouterr().out == long.strip() + "\n"  # a pipe gets one line


def test_progress_is_shown_on_a_terminal_after_a_second(capsys, monkeypatch):
    from rtocalc import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    progress = cli._Progress("checked", after=0.0)
    progress(64, 1000)
    progress(128, 1000)
    progress.close()
    err = capsys.readouterr().err
    assert "\rchecked: 64 of 1,000" in err and "\rchecked: 128 of 1,000" in err
    assert err.endswith("\r\033[K")
    quiet = cli._Progress("checked")  # less than a second: nothing
    quiet(64, 1000)
    quiet.close()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    piped = cli._Progress("checked", after=0.0)
    piped(64, 1000)
    assert capsys.readouterr().err == ""


def test_check_reports_progress_per_batch():
    from rtocalc.policy import Inventory, iter_check, load_policy

    policy = load_policy(ROOT / "examples" / "policy" / "policy.toml")
    systems = [
        {
            "name": f"s{i}",
            "tier": "tier-3",
            "workload": {"data_size": "100 GB"},
            "design": {"interval": "12 h", "target": "local_disk"},
        }
        for i in range(10)
    ]
    seen: list[tuple[int, int]] = []
    inventory = Inventory(systems=systems)
    list(iter_check(policy, inventory, batch=4, progress=lambda *a: seen.append(a)))
    assert seen == [(4, 10), (8, 10), (10, 10)]


@pytest.mark.parametrize("command", ["check", "portfolio"])
def test_a_non_text_inventory_name_is_an_error_of_the_file(capsys, tmp_path, command):
    # found by tests/test_fuzz_cli.py: `name = inf` escaped as a raw pydantic error
    text = (ROOT / "examples" / "policy" / "inventory.toml").read_text(encoding="utf-8")
    inv = write(tmp_path, text.replace('name = "production"', "name = inf"), "inventory.toml")
    policy = str(ROOT / "examples" / "policy" / "policy.toml")
    argv = [policy, str(inv)] if command == "check" else [str(inv), "--policy", policy]
    code, out, err = run(capsys, command, *argv)
    assert code == 2 and out == ""
    assert error_lines(err) == [f"error: {inv}: name: inf is not a text; use a quoted string"]


def test_an_empty_cost_curve_renders():
    from rtocalc.tradeoff import CostCurve

    empty = CostCurve(
        axis="rto",
        unit="h",
        steps=(),
        knees=(),
        knee_factor=2.0,
        ask=None,
        budget=None,
        currency="USD",
        infeasible_below=None,
    )
    text, markdown = str(empty), empty.to_markdown()  # each was a TypeError
    assert any(line.lstrip().startswith("RTO target") for line in text.splitlines())
    assert any(line.startswith("| RTO target") for line in markdown.splitlines())

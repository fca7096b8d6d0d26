"""Policy as code: file formats, ``rtocalc check``, its outputs, exit codes and errors."""

from __future__ import annotations

import doctest
import inspect
import json
import math
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import numpy as np
import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rtocalc
import rtocalc.testing
from rtocalc import BusinessImpact, Catalog, Design, Requirements, Retention, Workload, evaluate
from rtocalc import policy as policy_module
from rtocalc._batch import cheapest_plans, evaluate_systems
from rtocalc.cli import main
from rtocalc.files import InputError, ScenarioFile
from rtocalc.policy import (
    CheckReport,
    Finding,
    Fix,
    Inventory,
    Policy,
    ScenarioLimits,
    System,
    SystemCheck,
    Tier,
    check,
    check_files,
    load_inventory,
    load_policy,
)
from rtocalc.schemas import json_schema
from rtocalc.space import build_space, has_immutable, has_offsite, space_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "policy"
POLICY = EXAMPLES / "policy.toml"
INVENTORY = EXAMPLES / "inventory.toml"
SCENARIOS = BusinessImpact().scenarios
SITE = "Loss of the primary site (fire, flood, prolonged power failure)"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def error_lines(err: str) -> list[str]:
    lines = err.splitlines()
    assert lines, "no error printed"
    for line in lines:
        assert line.startswith("error: "), line
    assert "Traceback" not in err
    return lines


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def example_systems() -> list[dict[str, object]]:
    return tomllib.loads(INVENTORY.read_text(encoding="utf-8"))["systems"]  # type: ignore[no-any-return]


def inventory_text(systems: list[dict[str, object]]) -> str:
    """An inventory file with the given systems (inline tables)."""
    out = []
    for s in systems:
        out.append("[[systems]]")
        for key, value in s.items():
            out.append(f"{key} = {_toml(value)}")
        out.append("")
    return "\n".join(out)


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


@pytest.fixture(scope="module")
def example_report() -> CheckReport:
    return check_files(POLICY, INVENTORY)


# --- the shipped example ------------------------------------------------------------------


def test_example_fails_on_its_one_deliberate_violation(capsys):
    code, out, err = run(capsys, "check", POLICY, INVENTORY)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    violations = [x for x in lines if ": warning: " not in x and not x.startswith("FAIL")]
    assert len(violations) == 1
    line = violations[0]
    assert line.startswith(f"crm [tier-2]: '{SITE}' (site): RPO 1.13 d > limit 1 d; fix: ")
    assert "offsite tape_vault_daily -> cloud_copy_infrequent" in line
    # the tape courier and library cost more than the cloud copy with its link's circuit
    # (issue 13: an estimate) and the licence; since issue 12's recovery into the cloud a
    # lost site restores in the cloud region from that copy, so the 100 Mbit/s link
    # suffices without the replicated snapshots of the protection axis: $553.31/mo (it was
    # $734/mo with them, $954/mo before). Issue 13 item 5: tier-2 restores into the cloud
    # clean room after ransomware (its survey-derived containment of 5 d cannot meet the
    # tier's 3 d without one), whose share every design of the tier pays, the same design
    # as before: $50/mo + $2,000 setup / 60 months = $83.33/mo, so 553.31 + 83.33 =
    # $636.64/mo, printed $637/mo; the declared design pays it too (2,038.19 -> 2,121.52),
    # so the saving is unchanged
    assert "strategy restore -> cloud_recovery" in line
    assert "protection" not in line.split("; fix: ")[1]
    assert "($637/mo, -$1,485/mo)" in line
    assert lines[-1].startswith("FAIL: 7 systems checked: 5 passed, 1 failed (1 violation)")


def test_example_report_fields(example_report):
    r = example_report
    assert (r.passed, r.failed, r.warned, r.violations, r.warnings) == (5, 1, 1, 1, 3)
    assert r.exit_code == 1 and not r.ok
    assert r.policy == "Example Corp DR policy" and r.inventory == "production"
    assert len({s.tier for s in r.systems}) == 3
    crm = next(s for s in r.systems if s.name == "crm")
    (finding,) = crm.findings
    assert (finding.metric, finding.scope, finding.scenario) == ("rpo", "site", SITE)
    assert finding.achieved is not None and finding.achieved > finding.limit == 24.0
    assert crm.fix is not None and crm.fix.feasible and crm.fix.design is not None
    assert crm.fix.design.offsite == "cloud_copy_infrequent"
    assert crm.fix.cost_change == pytest.approx(crm.fix.monthly_cost - crm.monthly_cost)
    # the fix meets the tier: check it in place of the declared design
    policy = load_policy(POLICY)
    inventory = load_inventory(INVENTORY, policy)
    systems = [
        s.model_copy(update={"design": crm.fix.design}) if s.name == "crm" else s
        for s in inventory.systems
    ]
    repaired = check(policy, inventory.model_copy(update={"systems": tuple(systems)}))
    assert repaired.violations == 0 and repaired.exit_code == 0


def test_example_warnings_fail_only_with_strict(capsys):
    code, out, _ = run(capsys, "check", POLICY, INVENTORY, "--strict")
    assert code == 1
    warnings = [x for x in out.splitlines() if x.startswith("build-cache [tier-3]: warning: ")]
    assert len(warnings) == 3
    assert any("'Regional disaster" in w and "no copy survives" in w for w in warnings)
    assert "(strict: warnings fail)" in out


def test_exit_0_when_every_system_passes(capsys, tmp_path):
    systems = [s for s in example_systems() if s["name"] != "crm"]
    inv = write(tmp_path, "inventory.toml", inventory_text(systems))
    code, out, err = run(capsys, "check", POLICY, inv)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("PASS: 6 systems checked: 5 passed, 0 failed")
    # the build cache's warnings fail a strict check, and only those
    code, _, _ = run(capsys, "check", POLICY, inv, "--strict")
    assert code == 1
    strict_ok = [s for s in systems if s["name"] != "build-cache"]
    inv2 = write(tmp_path, "inventory2.toml", inventory_text(strict_ok))
    code, out, _ = run(capsys, "check", POLICY, inv2, "--strict")
    assert code == 0
    assert out.startswith("PASS: 5 systems checked: 5 passed")


def test_json_output_parses_and_round_trips(capsys, example_report):
    code, out, err = run(capsys, "check", POLICY, INVENTORY, "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["exit_code"] == 1 and data["violations"] == 1
    assert [s["name"] for s in data["systems"]] == [
        "erp",
        "payments",
        "crm",
        "file-server",
        "hr-payroll",
        "intranet-wiki",
        "build-cache",
    ]
    crm = data["systems"][2]
    assert crm["status"] == "fail"
    assert crm["findings"][0]["metric"] == "rpo" and crm["findings"][0]["unit"] == "h"
    assert crm["fix"]["design"]["offsite"] == "cloud_copy_infrequent"
    # infinities are written as strings (valid JSON) and read back
    assert data["systems"][6]["findings"][0]["achieved"] == "Infinity"
    assert CheckReport.model_validate_json(out) == example_report


def test_outputs_are_deterministic(capsys):
    for fmt in ("text", "json", "junit", "markdown"):
        _, first, _ = run(capsys, "check", POLICY, INVENTORY, "--format", fmt)
        _, second, _ = run(capsys, "check", POLICY, INVENTORY, "--format", fmt)
        assert first == second, fmt


@pytest.mark.parametrize(("strict", "failures"), [(False, 1), (True, 2)])
def test_junit_output_parses_with_the_right_counts(capsys, strict, failures):
    argv = ["check", POLICY, INVENTORY, "--format", "junit"] + (["--strict"] if strict else [])
    code, out, _ = run(capsys, *argv)
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0")) == 7
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == int(suite.get("failures", "-1")) == failures
    assert int(root.get("failures", "-1")) == failures
    assert suite.get("errors") == "0"
    assert {c.get("name") for c in cases} == {s["name"] for s in example_systems()}
    crm = next(c for c in cases if c.get("name") == "crm")
    failure = crm.find("failure")
    assert failure is not None and failure.get("type") == "violation"
    assert failure.text is not None and "RPO 1.13 d > limit 1 d" in failure.text
    assert crm.get("classname") == "rtocalc.tier-2"
    cache = next(c for c in cases if c.get("name") == "build-cache")
    if strict:
        assert cache.find("failure") is not None
        assert cache.find("failure").get("type") == "warning"  # type: ignore[union-attr]
    else:
        out_el = cache.find("system-out")
        assert out_el is not None and out_el.text is not None and "warning" in out_el.text


def test_junit_escapes_names():
    system = SystemCheck(
        name='a&b <c> "d"',
        tier="t",
        status="fail",
        monthly_cost=1.0,
        rpo=1.0,
        rto=1.0,
        findings=(
            Finding(
                severity="violation",
                metric="monthly_cost",
                scenario=None,
                scope=None,
                achieved=2.0,
                limit=1.0,
                unit="USD/month",
                message="monthly cost $2/mo > limit $1/mo & <more>",
            ),
        ),
        fix=None,
    )
    xml = CheckReport.of([system]).to_junit()
    case = ET.fromstring(xml.encode()).find("testsuite/testcase")
    assert case is not None and case.get("name") == 'a&b <c> "d"'
    failure = case.find("failure")
    assert failure is not None and failure.text is not None and "& <more>" in failure.text


def test_markdown_output(capsys):
    code, out, _ = run(capsys, "check", POLICY, INVENTORY, "--format", "markdown")
    assert code == 1
    assert out.startswith("## FAIL: 7 systems checked")
    assert "| system | tier | status |" in out and "|---|" in out
    assert "| crm | tier-2 | FAIL |" in out
    assert "- crm [tier-2]: " in out


def test_report_renderings(example_report):
    r = example_report
    assert str(r).splitlines()[-1] == r.summary()
    assert r.render("text") == str(r) + "\n"
    assert r.render("json") == r.model_dump_json(indent=2) + "\n"
    page = r._repr_html_()  # the rendering system's HTML: a table and the findings
    assert "<table>" in page and page.count("<tr>") == len(r.systems) + 1 and "<li>" in page
    crm = r.systems[2]
    assert str(crm) == "\n".join(crm.lines())
    assert str(r.systems[0]) == "erp [tier-1]: pass"
    assert str(crm.findings[0]) == crm.findings[0].message
    assert crm.fix is not None and str(crm.fix) == crm.fix.summary
    with pytest.raises(ValueError, match="is not a format"):
        r.render("pdf")  # type: ignore[arg-type]


def test_check_agrees_with_evaluate_on_the_example(example_report):
    """Each system's figures are those of rtocalc.evaluate for its design and tier."""
    policy = load_policy(POLICY)
    inventory = load_inventory(INVENTORY, policy)
    for system, result in zip(inventory.systems, example_report.systems, strict=True):
        tier = policy.tiers[system.tier]
        req = tier.requirements(policy.scenarios, retention=system.retention or tier.retention)
        plan = evaluate(system.workload, system.design, req, catalog=inventory.catalog)
        assert result.monthly_cost == pytest.approx(plan.monthly_cost, rel=1e-12)
        assert result.rpo == pytest.approx(plan.rpo, rel=1e-12)
        assert result.rto == pytest.approx(plan.rto, rel=1e-12)
        assert (result.status == "fail") == (not plan.meets_requirements)


# --- the batch evaluation equals rtocalc.evaluate, system by system --------------------------


def test_batch_evaluation_equals_evaluate_per_system():
    rng = np.random.default_rng(42)
    catalog = Catalog.default()
    req = Requirements(
        rpo="4 h",
        rto={"logical": "8 h", "site": "1 d"},
        retention="14 daily, 8 weekly, 12 monthly",
        offsite=True,
        immutable=True,
    )
    space = build_space(catalog, req.retention)
    workloads, designs = [], []
    for _ in range(120):
        workloads.append(
            Workload(
                data_size=float(rng.uniform(50, 30_000)),
                daily_change=float(rng.uniform(0.002, 0.2)),
                annual_growth=float(rng.uniform(0, 0.5)),
                data_reduction=float(rng.uniform(1, 3)),
                compute_cost=float(rng.uniform(0, 20_000)),
                horizon=float(rng.choice([0.0, 1.0, 3.0, 5.0])),
                peak_write_rate=None if rng.random() < 0.5 else float(rng.uniform(1, 500)),
                secondary_distance_km=float(rng.choice([10.0, 50.0, 500.0])),
            )
        )
        row = int(rng.integers(len(space)))
        # 15 min, not 6 min as before: an explicit interval below the catalog's shortest
        # schedule is now refused (docs/decisions.md, section 40)
        designs.append(space.design(row, float(rng.choice([0.25, 0.5, 2.0, 6.0, 24.0, 72.0]))))
    impact = BusinessImpact(downtime_cost="$1,000/h", data_loss_cost="$300/h")
    ev = evaluate_systems(workloads, designs, req, impact, catalog)
    for i, (w, d) in enumerate(zip(workloads, designs, strict=True)):
        plan = evaluate(w, d, req, impact=impact, catalog=catalog)
        got = np.stack([ev.rpo[:, i], ev.rto[:, i], ev.rpo_mean_of(i)])
        want = np.array([[o.rpo for o in plan.by_scenario], [o.rto for o in plan.by_scenario]])
        want = np.vstack([want, [o.rpo_mean for o in plan.by_scenario]])
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert ev.outlay[i] == pytest.approx(plan.monthly_cost, rel=1e-12)
        assert ev.eal[i] == pytest.approx(plan.expected_annual_loss, rel=1e-12)
        assert ev.backup_duration[i] == pytest.approx(plan.backup_duration, rel=1e-12)
        assert bool(ev.feasible[i]) == plan.meets_requirements
        for k, v in plan.cost_breakdown.items():
            assert ev.breakdown[k][i] == pytest.approx(v, rel=1e-12, abs=1e-12)


# --- bad input: exit 2, one line per problem, file + path + value + accepted form -----------

_GOOD_SYSTEM = """
[[systems]]
name = "erp"
tier = "tier-1"
workload = { data_size = "4 TB" }
design = { interval = "15 min", scheme = "synthetic_full", target = "local_hardened" }
"""


def test_inventory_errors_are_all_reported_at_once(capsys, tmp_path):
    inv = write(
        tmp_path,
        "inv.toml",
        _GOOD_SYSTEM
        + """
[[systems]]
name = "crm"
workload = { data_size = "1 TB" }
design = { interval = "4 h", target = "local_disk" }

[[systems]]
name = "erp"
tier = "tier-4"
workload = { data_size = "1 TB" }
design = { interval = "4 h", target = "local_dsik" }

[[systems]]
name = "wiki"
tier = "tier-3"
workload = { data_size = "200 GB" }
design = { interval = "4 hourz", target = "local_disk" }
""",
    )
    code, out, err = run(capsys, "check", POLICY, inv)
    assert code == 2
    assert out == ""
    lines = error_lines(err)
    src = str(inv)
    expected = [
        f"error: {src}: systems[1].tier: is required (system 'crm')",
        f"error: {src}: systems[2].name: 'erp' is already the name of systems[0]; give each "
        "system a unique name",
        f"error: {src}: systems[2].tier: 'tier-4' is not a tier of the policy; use one of "
        "'tier-1', 'tier-2', 'tier-3' (system 'erp')",
        f"error: {src}: systems[2].design.target: 'local_dsik' is not in the catalog; use one "
        "of 'local_disk', 'local_hardened', 'object_hot', 'object_infrequent', "
        "'object_archive', 'tape', 'second_site_hardened' (system 'erp')",
        f"error: {src}: systems[3].design.interval: '4 hourz' is not a duration; use e.g. "
        "'15 min', '4 h', 'PT15M' (system 'wiki')",
    ]
    assert lines == expected


@pytest.mark.parametrize(
    ("system", "path", "value", "form"),
    [
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\n'
            'workload = { data_size = "1 TB", daily_change = "3%/week" }\n'
            'design = { interval = "1 h", target = "local_disk" }\n',
            "systems[0].workload.daily_change",
            "'3%/week'",
            "'3%/day'",
            id="nested-workload",
        ),
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\nworkload = { data_size = "1 TB" }\n'
            'design = { interval = "-1 h", target = "local_disk" }\n',
            "systems[0].design.interval",
            "'-1 h'",
            "'4 h'",
            id="negative-interval",
        ),
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\nworkload = { data_size = "1 TB" }\n'
            'design = { interval = "1 h", target = "local_disk", scheme = "daily" }\n',
            "systems[0].design.scheme",
            "'daily'",
            "'forever_forward'",
            id="scheme",
        ),
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\nworkload = { data_size = "1 TB" }\n'
            'design = { interval = "1 h", target = "local_disk", strategy = "warm_standby" }\n',
            "systems[0].design.replication",
            "'none'",
            "'async' or 'sync'",
            id="strategy-without-replication",
        ),
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\nworkload = { data_size = "1 TB" }\n'
            'design = { interval = "1 h", target = "local_disk" }\nretention = "14 dayly"\n',
            "systems[0].retention",
            "'14 dayly'",
            "'14 daily, 8 weekly",
            id="retention",
        ),
        pytest.param(
            '[[systems]]\nname = ""\ntier = "tier-3"\nworkload = { data_size = "1 TB" }\n'
            'design = { interval = "1 h", target = "local_disk" }\n',
            "systems[0].name",
            "''",
            "at least 1 character",
            id="empty-name",
        ),
        pytest.param(
            '[[systems]]\nname = "a"\ntier = "tier-3"\n'
            'design = { interval = "1 h", target = "local_disk" }\n',
            "systems[0].workload",
            "is required",
            "is required",
            id="no-workload",
        ),
        pytest.param(
            'systems = "none"\n',
            "systems",
            "'none'",
            "[[systems]]",
            id="systems-not-a-list",
        ),
        pytest.param(
            '[catalog.targets.local_disk]\nprice_per_gb_month = "cheap"\n' + _GOOD_SYSTEM,
            "catalog.targets.local_disk.price_per_gb_month",
            "'cheap'",
            "0.023",
            id="catalog-override",
        ),
        pytest.param(
            'owner = "me"\n' + _GOOD_SYSTEM,
            "owner",
            "'owner'",
            "[[systems]]",
            id="unknown-top-level",
        ),
    ],
)
def test_inventory_error_names_file_path_value_and_form(
    capsys, tmp_path, system, path, value, form
):
    inv = write(tmp_path, "inv.toml", system)
    code, out, err = run(capsys, "check", POLICY, inv)
    assert code == 2 and out == ""
    lines = error_lines(err)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"error: {inv}: {path}: "), line
    assert value in line and form in line, line


@pytest.mark.parametrize(
    ("policy", "path", "value", "form"),
    [
        pytest.param(
            '[tiers.gold]\nrpo = "15 minuets"\nrto = "4 h"\n',
            "tiers.gold.rpo",
            "'15 minuets'",
            "'15 min'",
            id="duration",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = { site = "4 h", moon = "1 h" }\n',
            "tiers.gold.rto",
            "'moon'",
            "'site'",
            id="scope",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = { site = "four hours" }\n',
            "tiers.gold.rto.site",
            "'four hours'",
            "'4 h'",
            id="scope-duration",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\nmax_monthly_cost = "lots"\n',
            "tiers.gold.max_monthly_cost",
            "'lots'",
            "'$4,000/mo'",
            id="money",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\nretention = "14 daily, 8 weakly"\n',
            "tiers.gold.retention",
            "'14 daily, 8 weakly'",
            "'14 daily, 8 weekly",
            id="retention",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\n[tiers.gold.scenarios."Alien invasion"]\n'
            'rto = "1 h"\n',
            "tiers.gold.scenarios.Alien invasion",
            "'Alien invasion'",
            "'Primary storage failure'",
            id="unknown-scenario",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\n[tiers.gold.scenarios.'
            '"Primary storage failure"]\nrto = "soon"\n',
            "tiers.gold.scenarios.Primary storage failure.rto",
            "'soon'",
            "'4 h'",
            id="scenario-limit",
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\n', "tiers.gold.rto", "is required", "", id="no-rto"
        ),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\nrtoo = "1 h"\n',
            "tiers.gold.rtoo",
            "'1 h'",
            "did you mean 'rto'?",
            id="typo",
        ),
        pytest.param(
            'currency = "usd"\n[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\n',
            "currency",
            "'usd'",
            "'USD'",
            id="currency",
        ),
        pytest.param("tiers = {}\n", "tiers", "{}", "[tiers.tier-1]", id="no-tiers"),
        pytest.param(
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\nmtd = "2 h"\nwrt = "3 h"\n',
            "tiers.gold.wrt",
            "3 h exceeds",
            "mtd 2 h",
            id="wrt-over-mtd",
        ),
        pytest.param(
            '[[scenarios]]\nname = "Fire"\nscope = "building"\nrate = 0.1\n'
            '[tiers.gold]\nrpo = "1 h"\nrto = "4 h"\n',
            "scenarios[0].scope",
            "'building'",
            "'site'",
            id="scenario-scope",
        ),
    ],
)
def test_policy_error_names_file_path_value_and_form(capsys, tmp_path, policy, path, value, form):
    pol = write(tmp_path, "policy.toml", policy)
    code, out, err = run(capsys, "check", pol, INVENTORY)
    assert code == 2 and out == ""
    lines = [x for x in error_lines(err) if x.startswith(f"error: {pol}: ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {pol}: {path}: "), lines[0]
    assert value in lines[0] and form in lines[0], lines[0]


def test_policy_and_inventory_errors_are_reported_together(capsys, tmp_path):
    pol = write(
        tmp_path,
        "policy.toml",
        '[tiers.gold]\nrpo = "15 minuets"\nrto = "4 h"\n'
        '[tiers.silver]\nrpo = "1 h"\nrto = "soon"\n',
    )
    inv = write(
        tmp_path,
        "inv.toml",
        '[[systems]]\nname = "a"\ntier = "bronze"\nworkload = { data_size = "1 TB" }\n'
        'design = { interval = "1 hour", target = "local_disk" }\n',
    )
    code, _, err = run(capsys, "check", pol, inv)
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == 3
    assert lines[0].startswith(f"error: {pol}: tiers.gold.rpo: '15 minuets'")
    assert lines[1].startswith(f"error: {pol}: tiers.silver.rto: 'soon'")
    # the tier names are known even though the policy is invalid
    assert lines[2].startswith(f"error: {inv}: systems[0].tier: 'bronze' is not a tier")
    assert "'gold', 'silver'" in lines[2]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param("tiers = [", "not valid TOML", id="not-toml"),
        pytest.param(None, "no such file", id="missing"),
    ],
)
def test_unreadable_files_exit_2(capsys, tmp_path, text, needle):
    path = tmp_path / "policy.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", path, INVENTORY)
    assert code == 2 and out == ""
    (line,) = error_lines(err)
    assert line.startswith(f"error: {path}: ") and needle in line
    code, _, err = run(capsys, "check", POLICY, path)
    assert code == 2
    (line,) = error_lines(err)
    assert line.startswith(f"error: {path}: ") and needle in line


def test_currency_mismatch_exit_2(capsys, tmp_path):
    pol = write(
        tmp_path, "policy.toml", 'currency = "EUR"\n[tiers.tier-1]\nrpo = "1 h"\nrto = "4 h"\n'
    )
    inv = write(tmp_path, "inv.toml", _GOOD_SYSTEM)
    code, _, err = run(capsys, "check", pol, inv)
    assert code == 2
    (line,) = error_lines(err)
    assert line.startswith(f"error: {pol}: currency: 'EUR' differs") and "'USD'" in line


def test_a_clean_room_the_inventorys_catalog_lacks_exits_2(capsys, tmp_path):
    # found by test_fuzz_cli: a tier naming an isolated recovery environment that the
    # inventory's catalog has no [isolated_recovery] entry for ended `rtocalc check` in a
    # traceback from the kernel; the pair of files is now validated together
    pol = write(
        tmp_path,
        "policy.toml",
        '[tiers.tier-1]\nrpo = "1 h"\nrto = "4 h"\nisolated_recovery = "100000 yr"\n',
    )
    inv = write(tmp_path, "inv.toml", _GOOD_SYSTEM)
    code, out, err = run(capsys, "check", pol, inv)
    assert code == 2 and out == ""
    (line,) = error_lines(err)
    assert line.startswith(f"error: {pol}: tiers.tier-1.isolated_recovery: '100000 yr' is not")
    assert f"catalog of {inv}" in line and "'cloud_clean_room'" in line
    assert "Traceback" not in err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", str(POLICY)])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["check", str(POLICY), str(INVENTORY), "--format", "xml"])
    assert info.value.code == 2
    assert "xml" in capsys.readouterr().err


def test_python_api_errors():
    policy = Policy(tiers={"gold": {"rpo": "1 h", "rto": "4 h"}})
    inv = Inventory(
        systems=[
            {
                "name": "a",
                "tier": "silver",
                "workload": {"data_size": "1 TB"},
                "design": {"interval": "1 h", "target": "local_disk"},
            }
        ]
    )
    with pytest.raises(InputError) as info:
        check(policy, inv)
    assert info.value.errors == [
        "inventory: systems[0].tier: 'silver' is not a tier of the policy; use one of 'gold'"
    ]
    with pytest.raises(TypeError, match=r"expected a rtocalc\.policy\.Policy"):
        check(inv, policy)  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError) as exc:
        Inventory(
            systems=[
                {"name": "a", "tier": "t", "workload": {"data_size": 1}, "design": d}
                for d in (
                    {"interval": 1, "target": "local_disk"},
                    {"interval": 1, "target": "nowhere"},
                )
            ]
        )
    messages = [e["msg"] for e in exc.value.errors()]
    assert any("'a' is already the name of systems[0]" in m for m in messages)
    assert any("'nowhere' is not in the catalog" in m for m in messages)
    with pytest.raises(pydantic.ValidationError, match="not a scenario of the policy"):
        Policy(tiers={"gold": {"rpo": 1, "rto": 4, "scenarios": {"Meteor": {"rto": 1}}}})


# --- the JSON Schemas ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "model", "example"),
    [
        ("policy", Policy, POLICY),
        ("inventory", Inventory, INVENTORY),
        ("scenario", ScenarioFile, ROOT / "examples" / "default.toml"),
    ],
)
def test_schema_validates_the_shipped_examples(capsys, kind, model, example):
    code, out, err = run(capsys, "schema", kind)
    assert (code, err) == (0, "")
    schema = json.loads(out)
    assert schema == json_schema(kind)  # the model's schema, [catalog] as overrides
    jsonschema.Draft202012Validator.check_schema(schema)
    data = tomllib.loads(example.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert not errors, [e.message for e in errors]
    # the schema's keys are the model's fields, and the file validates through the models
    assert set(schema["properties"]) == set(model.model_fields)
    required = {k for k, f in model.model_fields.items() if f.is_required()}
    assert set(schema.get("required", [])) == required
    assert set(data) <= set(schema["properties"])


def test_schema_rejects_what_the_models_reject():
    schema = Inventory.model_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    data = tomllib.loads(INVENTORY.read_text(encoding="utf-8"))
    del data["systems"][0]["tier"]
    data["systems"][1]["design"]["intervall"] = "1 h"
    messages = [e.message for e in validator.iter_errors(data)]
    assert any("'tier' is a required property" in m for m in messages)
    assert any("'intervall' was unexpected" in m for m in messages)


def test_the_examples_validate_through_the_models():
    policy = load_policy(POLICY)
    assert sorted(policy.tiers) == ["tier-1", "tier-2", "tier-3"]
    assert policy.tiers["tier-1"].scenarios  # a per-scenario limit is shown
    inventory = load_inventory(INVENTORY, policy)
    assert len(inventory.systems) >= 5
    assert {s.tier for s in inventory.systems} == set(policy.tiers)


@pytest.mark.parametrize(
    "model",
    [CheckReport, Finding, Fix, Inventory, Policy, ScenarioLimits, System, SystemCheck, Tier],
    ids=lambda m: m.__name__,
)
def test_models_are_frozen_and_documented(model):
    assert model.__doc__
    assert model.model_config.get("frozen")
    for name, info in model.model_fields.items():
        assert info.description, f"{model.__name__}.{name}"


def test_docstring_examples_run():
    for module in (policy_module, rtocalc.testing):
        result = doctest.testmod(
            module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
        )
        assert result.failed == 0 and result.attempted > 0


# --- tier semantics ------------------------------------------------------------------------


def test_per_scenario_limits_replace_the_scope_limit():
    tier = Tier(
        rpo="1 h",
        rto={"site": "4 h", "hardware": "2 h"},
        scenarios={SITE: {"rto": "1 d"}, "Primary storage failure": {"rpo": "15 min"}},
        mtd="20 h",
    )
    rpo, rto = tier.limits(SCENARIOS)
    by_name = {s.name: i for i, s in enumerate(SCENARIOS)}
    assert rto[by_name[SITE]] == 20.0  # 1 d, capped by mtd - wrt
    assert rpo[by_name["Primary storage failure"]] == 0.25
    assert rto[by_name["Primary storage failure"]] == 2.0
    assert rto[by_name["Accidental deletion or corruption"]] == 20.0  # no rto: mtd - wrt
    req = tier.requirements(SCENARIOS)
    assert req.limit("rto", "site") == 20.0
    assert req.limit("rpo", "hardware") == 0.25 and req.limit("rpo", "logical") == 1.0
    assert req.limit("rto", "logical") == 20.0
    open_tier = Tier(rpo={}, rto={"site": "4 h"}, scenarios={SITE: {"rpo": "1 h"}})
    rpo, rto = open_tier.limits(SCENARIOS)
    assert rpo[by_name[SITE]] == 1.0 and rto[by_name[SITE]] == 4.0
    assert math.isinf(rpo[by_name["Primary storage failure"]])
    assert open_tier.requirements(SCENARIOS).rpo == {"site": 1.0}
    plain = tier.requirements()
    assert plain.rpo == 1.0 and plain.limit("rto", "site") == 4.0


def test_system_retention_below_the_tier_is_a_violation():
    policy = Policy(
        tiers={"t": {"rpo": {"logical": "1 d"}, "rto": {}, "retention": "14 daily, 8 weekly"}}
    )
    inv = Inventory(
        systems=[
            {
                "name": "a",
                "tier": "t",
                "workload": {"data_size": "100 GB"},
                "design": {"interval": "12 h", "target": "local_disk"},
                "retention": "7 daily, 8 weekly",
            }
        ]
    )
    report = check(policy, inv)
    (finding,) = [f for f in report.systems[0].findings if f.severity == "violation"]
    assert (finding.metric, finding.achieved, finding.limit) == ("retention", 7.0, 14.0)
    fix = report.systems[0].fix
    assert fix is not None and fix.retention == Retention(daily=14, weekly=8)
    assert "keep 14 daily points (now 7)" in fix.changes


def test_yes_no_window_and_link_violations():
    policy = Policy(tiers={"t": {"rpo": {}, "rto": {}, "offsite": True, "immutable": True}})
    systems = [
        {
            "name": "no-copies",
            "tier": "t",
            "workload": {"data_size": "100 GB"},
            "design": {"interval": "12 h", "target": "local_disk"},
        },
        {
            "name": "window",  # 500 TB at 1 GB/s cannot be backed up hourly
            "tier": "t",
            "workload": {"data_size": "500 TB", "daily_change": "50%/day"},
            "design": {
                "interval": "1 h",
                "scheme": "synthetic_full",
                "target": "local_hardened",
                "offsite": "tape_vault_weekly",
            },
        },
        {
            "name": "link",  # 50 TB/day of change over 100 Mbit/s
            "tier": "t",
            "workload": {"data_size": "100 TB", "daily_change": "50%/day"},
            "design": {
                "interval": "24 h",
                "scheme": "synthetic_full",
                "target": "local_hardened",
                "offsite": "cloud_copy_hot",
                "link": "wan_100m",
            },
        },
    ]
    report = check(policy, Inventory(systems=systems), fixes=False)
    metrics = [[f.metric for f in s.findings if f.severity == "violation"] for s in report.systems]
    assert metrics == [["offsite", "immutable"], ["backup_window"], ["link"]]
    window = report.systems[1].findings[0]
    assert window.achieved is not None and window.limit == 1.0 and window.achieved > 1.0
    link = report.systems[2].findings[0]
    assert link.unit == "GB/h" and link.limit == pytest.approx(45.0)
    assert all(s.fix is None for s in report.systems)  # fixes=False


def test_cost_over_the_maximum_is_a_violation_with_a_cheaper_fix():
    policy = Policy(tiers={"t": {"rpo": {"logical": "1 d"}, "rto": {}, "max_monthly_cost": 200}})
    inv = Inventory(
        systems=[
            {
                "name": "gold-plated",
                "tier": "t",
                "workload": {"data_size": "1 TB", "compute_cost": "$5,000/mo"},
                "design": {
                    "interval": "4 h",
                    "target": "local_disk",
                    "replication": "async",
                    "link": "wan_1g",
                    "strategy": "hot_standby",
                },
            }
        ]
    )
    report = check(policy, inv)
    system = report.systems[0]
    (cost,) = [f for f in system.findings if f.severity == "violation"]
    assert cost.metric == "monthly_cost" and cost.unit == "USD/month"
    assert cost.achieved is not None and cost.achieved > 200.0
    assert system.fix is not None and system.fix.cost_change is not None
    assert system.fix.cost_change < 0 and system.fix.within_max_cost
    assert "-$" in system.lines()[0]


def test_infeasible_tier_gives_the_reason():
    policy = Policy(tiers={"t": {"rpo": "1 min", "rto": "1 min"}})
    inv = Inventory(
        systems=[
            {
                "name": "a",
                "tier": "t",
                "workload": {"data_size": "1 TB"},
                "design": {"interval": "1 h", "target": "local_disk"},
            }
        ]
    )
    fix = check(policy, inv).systems[0].fix
    assert fix is not None and not fix.feasible and fix.design is None
    assert fix.summary.startswith("fix: none, no design in the catalog meets t for this workload (")


def test_fixes_are_computed_once_per_workload_and_tier(monkeypatch):
    calls: list[list[Workload]] = []
    real = policy_module.cheapest_plans

    def counting(workloads, *args, **kwargs):
        calls.append(list(workloads))
        return real(workloads, *args, **kwargs)

    monkeypatch.setattr(policy_module, "cheapest_plans", counting)
    policy = Policy(tiers={"t": {"rpo": {"logical": "4 h"}, "rto": {"hardware": "1 d"}}})
    bad = {"interval": "24 h", "target": "local_disk"}
    systems = [
        {"name": f"s{i}", "tier": "t", "workload": {"data_size": size}, "design": bad}
        for i, size in enumerate(["1 TB", "1 TB", "2 TB", "1 TB"])
    ] + [
        {
            "name": "ok",
            "tier": "t",
            "workload": {"data_size": "3 TB"},
            "design": {"interval": "1 h", "target": "local_disk"},
        }
    ]
    report = check(policy, Inventory(systems=systems))
    assert report.failed == 4
    # one search for the tier, over the two distinct failing workloads; none for "ok"
    assert [[w.data_size for w in ws] for ws in calls] == [[1000.0, 2000.0]]
    fixes = [s.fix for s in report.systems[:4]]
    assert fixes[0] == fixes[1] == fixes[3] != fixes[2]


@pytest.mark.parametrize("tier", ["tier-1", "tier-2", "tier-3"])
def test_batched_fix_search_equals_cheapest(tier):
    """cheapest_plans finds, workload by workload, the plan rtocalc.cheapest finds."""
    policy = load_policy(POLICY)
    t = policy.tiers[tier]
    req = t.requirements(policy.scenarios)
    rng = np.random.default_rng(7)
    workloads = [
        Workload(
            data_size=float(rng.uniform(50, 8_000)),
            daily_change=float(rng.uniform(0.005, 0.1)),
            annual_growth=float(rng.uniform(0, 0.3)),
            data_reduction=float(rng.uniform(1, 3)),
            compute_cost=float(rng.uniform(0, 10_000)),
        )
        for _ in range(12)
    ] + [Workload(data_size="400 TB", daily_change="40%/day")]  # nothing meets tier-1
    plans = cheapest_plans(workloads, req, policy.impact, Catalog.default())
    for w, plan in zip(workloads, plans, strict=True):
        result = rtocalc.cheapest(w, req, impact=policy.impact)
        if result.plan is None:
            assert plan is None
        else:
            assert plan is not None
            assert plan.design == result.plan.design
            assert plan.monthly_cost == pytest.approx(result.plan.monthly_cost, rel=1e-12)
            assert plan.by_scenario == result.plan.by_scenario


# --- properties ---------------------------------------------------------------------------

_CATALOG = Catalog.default()
_RETENTION = Retention(daily=14, weekly=4, monthly=6)
_SPACE = build_space(_CATALOG, _RETENTION)


@st.composite
def systems(draw: st.DrawFn) -> tuple[Workload, Design]:
    """A workload and a design of the default space that runs (window and link fine)."""
    workload = Workload(
        data_size=draw(st.floats(50.0, 20_000.0)),
        daily_change=draw(st.floats(0.002, 0.1)),
        annual_growth=draw(st.floats(0.0, 0.3)),
        data_reduction=draw(st.floats(1.0, 3.0)),
        compute_cost=draw(st.floats(0.0, 10_000.0)),
    )
    row = draw(st.integers(0, len(_SPACE) - 1))
    design = _SPACE.design(row, draw(st.sampled_from([0.5, 1.0, 4.0, 12.0, 24.0])))
    plan = evaluate(workload, design, Requirements(rpo={}, rto={}, retention=_RETENTION))
    assume(not plan.violations)  # the backup window and the link carry the design
    return workload, design


def _inventory(workload: Workload, design: Design) -> Inventory:
    system = System(name="s", tier="t", workload=workload, design=design, retention=_RETENTION)
    return Inventory(systems=[system], catalog=_CATALOG)


def _fitted_tier(workload: Workload, design: Design, margin: float) -> dict[str, object]:
    """A tier that the design meets: its own figures plus a margin, per scope."""
    plan = evaluate(workload, design, Requirements(rpo={}, rto={}, retention=_RETENTION))
    rpo = {o.scope: o.rpo * (1 + margin) for o in plan.by_scenario if math.isfinite(o.rpo)}
    rto = {o.scope: o.rto * (1 + margin) for o in plan.by_scenario if math.isfinite(o.rto)}
    one = space_of(_CATALOG, design)
    return {
        "rpo": rpo,
        "rto": rto,
        "retention": _RETENTION,
        "offsite": bool(has_offsite(one, _CATALOG, _RETENTION)[0]),
        "immutable": bool(has_immutable(one, _CATALOG, _RETENTION)[0]),
        "max_monthly_cost": plan.monthly_cost * (1 + margin),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    system=systems(),
    margin=st.floats(1e-6, 0.5),
    loosen=st.lists(st.floats(1.0, 10.0), min_size=12, max_size=12),
    drop=st.lists(st.booleans(), min_size=10, max_size=10),
    fewer=st.tuples(st.integers(0, 14), st.integers(0, 4), st.integers(0, 6)),
    yes_no=st.tuples(st.booleans(), st.booleans()),
)
def test_a_passing_design_keeps_passing_when_the_policy_is_relaxed(
    system, margin, loosen, drop, fewer, yes_no
):
    workload, design = system
    tier = _fitted_tier(workload, design, margin)
    inventory = _inventory(workload, design)
    before = check(Policy(tiers={"t": tier}), inventory, fixes=False)
    assert before.violations == 0, [str(s) for s in before.systems]
    # relax: longer limits, scopes dropped (no limit), fewer points, more money, fewer musts
    relaxed = dict(tier)
    for k, metric in enumerate(("rpo", "rto")):
        limits = dict(tier[metric])  # type: ignore[call-overload]
        relaxed[metric] = {
            scope: value * loosen[5 * k + i]
            for i, (scope, value) in enumerate(sorted(limits.items()))
            if not drop[5 * k + i]
        }
    relaxed["retention"] = Retention(
        daily=max(1, _RETENTION.daily - fewer[0]),
        weekly=_RETENTION.weekly - fewer[1],
        monthly=_RETENTION.monthly - fewer[2],
    )
    relaxed["max_monthly_cost"] = float(tier["max_monthly_cost"]) * loosen[10]  # type: ignore[arg-type]
    relaxed["offsite"] = bool(tier["offsite"]) and yes_no[0]
    relaxed["immutable"] = bool(tier["immutable"]) and yes_no[1]
    after = check(Policy(tiers={"t": relaxed}), inventory, fixes=False)
    assert after.violations == 0, [str(s) for s in after.systems]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    system=systems(),
    scenario=st.integers(0, len(SCENARIOS) - 1),
    metric=st.sampled_from(["rpo", "rto"]),
    factor=st.one_of(
        st.sampled_from([0.5, 0.999, 1 - 1e-7, 1.0, 1 + 1e-7, 1.001, 2.0]),
        st.floats(0.01, 100.0),
    ),
)
def test_a_violation_is_reported_exactly_when_achieved_exceeds_the_limit(
    system, scenario, metric, factor
):
    workload, design = system
    sc = SCENARIOS[scenario]
    open_plan = evaluate(workload, design, Requirements(rpo={}, rto={}, retention=_RETENTION))
    baseline = getattr(open_plan.by_scenario[scenario], metric)
    assume(math.isfinite(baseline) and baseline > 0)
    limit = baseline * factor
    other = "rto" if metric == "rpo" else "rpo"
    tier = {metric: {sc.scope: limit}, other: {}, "retention": _RETENTION}
    report = check(Policy(tiers={"t": tier}), _inventory(workload, design), fixes=False)
    found = [
        f for f in report.systems[0].findings if f.severity == "violation" and f.scenario == sc.name
    ]
    # what rtocalc.evaluate reports for the design under this very limit
    req = Requirements(**{metric: {sc.scope: limit}, other: {}}, retention=_RETENTION)
    achieved = getattr(evaluate(workload, design, req).by_scenario[scenario], metric)
    if achieved > limit + 1e-9:
        assert len(found) == 1
        assert found[0].metric == metric
        assert found[0].achieved == pytest.approx(achieved, rel=1e-12)
        assert found[0].limit == limit
        assert report.exit_code == 1
    else:
        assert found == []
        assert report.violations == 0 and report.exit_code == 0
    # the cost limit: a violation exactly when the cost exceeds it
    cost = open_plan.monthly_cost
    for cap in (cost * factor, cost):
        tier = {"rpo": {}, "rto": {}, "retention": _RETENTION, "max_monthly_cost": cap}
        report = check(Policy(tiers={"t": tier}), _inventory(workload, design), fixes=False)
        result = report.systems[0]
        assert result.monthly_cost == pytest.approx(cost, rel=1e-12)
        assert report.violations == int(result.monthly_cost > cap)
        if report.violations:
            (f,) = result.findings[: report.violations]
            assert (f.metric, f.achieved, f.limit) == ("monthly_cost", result.monthly_cost, cap)


def test_the_docs_examples_are_valid():
    """The policy and inventory shown in docs/policy.md load and check."""
    import re

    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    blocks = [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", text, flags=re.S)]
    policy_data, inventory_data = blocks[0], blocks[1]
    policy = policy_module.policy_from_dict(policy_data, source="docs policy")
    assert policy.tiers["tier-1"].model_dump() == load_policy(POLICY).tiers["tier-1"].model_dump()
    inventory = policy_module.inventory_from_dict(
        inventory_data, source="docs inventory", policy=policy
    )
    report = check(policy, inventory)
    crm = next(s for s in report.systems if s.name == "crm")
    assert crm.status == "fail" and crm.findings[0].metric == "rpo"
    assert "rtocalc check examples/policy/policy.toml examples/policy/inventory.toml " in text
    assert "pip install rtocalc" in text


@pytest.mark.parametrize(
    "func",
    [
        getattr(policy_module, n)
        for n in policy_module.__all__
        if inspect.isfunction(getattr(policy_module, n))
    ]
    + [
        rtocalc.testing.assert_meets,
        Tier.requirements,
        Tier.limits,
        CheckReport.render,
        CheckReport.of,
    ],
    ids=lambda f: f.__qualname__,
)
def test_documented_parameters_match_signature(func):
    from test_conformance import _documented_parameters

    actual = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
    assert _documented_parameters(func) == actual

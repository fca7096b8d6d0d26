"""``rtocalc.testing.assert_meets``: the policy check as a pytest assertion."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rtocalc import BusinessImpact, Catalog, Design, Requirements, Scenario, Workload, evaluate
from rtocalc.policy import Inventory, Policy, SystemCheck, Tier, check, load_policy
from rtocalc.testing import assert_meets

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policy" / "policy.toml"
SITE = "Loss of the primary site (fire, flood, prolonged power failure)"

WORKLOAD = Workload(data_size="1.5 TB", daily_change="2%/day", annual_growth="10%",
                    data_reduction="2:1", compute_cost="$3,000/mo")  # fmt: skip
GOOD = Design(interval="3 h", scheme="synthetic_full", target="local_hardened",
              offsite="cloud_copy_infrequent", longterm="object_infrequent",
              link="wan_500m")  # fmt: skip
# the deliberate violation: the off-site copy goes by daily tape courier (1 d lag)
ARCHIVE = GOOD.model_copy(update={"offsite": "tape_vault_daily", "longterm": "tape", "link": None})


@pytest.fixture(scope="module")
def tier_2() -> Tier:
    return load_policy(POLICY).tiers["tier-2"]


def test_passing_design_returns_its_result(tier_2):
    result = assert_meets(GOOD, tier_2, workload=WORKLOAD)
    assert isinstance(result, SystemCheck)
    assert result.status == "pass" and result.findings == () and result.fix is None
    plan = evaluate(WORKLOAD, GOOD, tier_2.requirements())
    assert result.monthly_cost == pytest.approx(plan.monthly_cost, rel=1e-12)


def test_failure_message_has_the_lines_of_rtocalc_check(tier_2):
    with pytest.raises(AssertionError) as info:
        assert_meets(ARCHIVE, tier_2, workload=WORKLOAD, name="crm", label="tier-2")
    message = str(info.value)
    head, *lines = message.splitlines()
    assert head == "crm [tier-2] misses its limits (1 violation):"
    # the same line as `rtocalc check` prints for the same system
    inventory = Inventory(
        systems=[{"name": "crm", "tier": "tier-2", "workload": WORKLOAD, "design": ARCHIVE}]
    )
    report = check(load_policy(POLICY), inventory)
    (cli_line,) = report.systems[0].lines()
    assert lines == ["  " + cli_line]
    assert f"'{SITE}' (site): RPO 1.13 d > limit 1 d; fix: the cheapest compliant" in message
    # without a label the tier is called "tier"
    with pytest.raises(AssertionError, match=r"^crm \[tier\] misses its limits"):
        assert_meets(ARCHIVE, tier_2, workload=WORKLOAD, name="crm")


def test_requirements_are_accepted_and_their_budget_is_the_maximum_cost():
    ask = Requirements(rpo={"logical": "4 h"}, rto={"hardware": "1 d"}, budget="$50/mo")
    with pytest.raises(AssertionError) as info:
        assert_meets(GOOD, ask, workload=WORKLOAD)
    message = str(info.value)
    assert message.startswith("design [requirements] misses its limits (1 violation):")
    assert "monthly cost $" in message and "> limit $50.00/mo" in message
    assert_meets(GOOD, ask.model_copy(update={"budget": None}), workload=WORKLOAD)


def test_a_mapping_is_validated_as_a_tier():
    assert_meets(GOOD, {"rpo": {"logical": "4 h"}, "rto": {}}, workload=WORKLOAD)
    with pytest.raises(AssertionError, match=r"RPO 3\.08 h > limit 2 h"):
        assert_meets(GOOD, {"rpo": {"logical": "2 h"}, "rto": {}}, workload=WORKLOAD)


def test_a_plan_is_checked_by_its_figures(tier_2):
    good = evaluate(WORKLOAD, GOOD, tier_2.requirements())
    assert assert_meets(good, tier_2).status == "pass"
    bad = evaluate(WORKLOAD, ARCHIVE, tier_2.requirements())
    with pytest.raises(AssertionError) as info:
        assert_meets(bad, tier_2, name="crm")
    message = str(info.value)
    assert "RPO 1.13 d > limit 1 d" in message
    assert "fix:" not in message  # a fix needs the workload
    with pytest.raises(AssertionError) as info:
        assert_meets(bad, tier_2, workload=WORKLOAD, name="crm")
    assert "fix: the cheapest compliant design changes" in str(info.value)


def test_plan_yes_no_cost_and_window_limits():
    w = Workload(data_size="500 TB", daily_change="50%/day")
    design = Design(interval="1 h", target="local_disk")
    plan = evaluate(w, design)
    tier = Tier(rpo={}, rto={}, offsite=True, immutable=True, max_monthly_cost=1)
    with pytest.raises(AssertionError) as info:
        assert_meets(plan, tier)
    message = str(info.value)
    assert "(4 violations)" in message
    off, imm = "retained point has an off-site copy", "retained point has an immutable copy"
    for words in (off, imm, "monthly cost", "backup job takes"):
        assert words in message
    with pytest.raises(AssertionError) as again:
        assert_meets(design, tier, workload=w)
    # the same lines from the design evaluated here, with the cheapest fix appended
    from_design = [line.split("; fix:")[0] for line in str(again.value).splitlines()]
    assert from_design == message.splitlines()
    assert "(4 violations)" in str(again.value)


def test_strict_fails_on_warnings():
    tier = {"rpo": {"logical": "1 d"}, "rto": {}}
    design = Design(interval="12 h", target="local_disk")
    result = assert_meets(design, tier, workload=WORKLOAD)
    assert result.status == "warn"
    assert {f.scope for f in result.findings} == {"ransomware", "site", "region"}
    with pytest.raises(AssertionError) as info:
        assert_meets(design, tier, workload=WORKLOAD, strict=True)
    head, *lines = str(info.value).splitlines()
    assert head == "design [tier] misses its limits (3 warnings):"
    assert all(": warning: " in line for line in lines) and len(lines) == 3


def test_custom_scenarios_and_catalog():
    impact = BusinessImpact(
        scenarios=[Scenario(name="Fat finger", scope="logical", rate=2, detection="10 min")]
    )
    tier = Tier(rpo={}, rto={}, scenarios={"Fat finger": {"rpo": "2 h"}})
    catalog = Catalog.default().override({"targets": {"local_disk": {"job_overhead": "1 h"}}})
    design = Design(interval="1 h", target="local_disk")
    assert_meets(design, tier, workload=WORKLOAD, impact=impact)
    with pytest.raises(AssertionError, match="'Fat finger' \\(logical\\): RPO"):
        assert_meets(design, tier, workload=WORKLOAD, impact=impact, catalog=catalog)
    with pytest.raises(ValueError, match="'Fat finger' is not a scenario of the impact"):
        assert_meets(design, tier, workload=WORKLOAD)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((GOOD, {"rpo": 1, "rto": 1}), {}, TypeError, "a Design needs workload="),
        (("design", {"rpo": 1, "rto": 1}), {"workload": WORKLOAD}, TypeError, "got str"),
        ((GOOD, 42), {"workload": WORKLOAD}, TypeError, "tier_or_requirements"),
        ((GOOD, {"rpo": 1, "rto": 1}), {"workload": {"data_size": 1}}, TypeError, "workload:"),
        ((GOOD, {"rpo": 1, "rto": 1}), {"workload": WORKLOAD, "catalog": {}}, TypeError, "Catalog"),
    ],
)
def test_wrong_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        assert_meets(*args, **kwargs)


def test_plan_without_a_scenario_of_the_impact(tier_2):
    impact = BusinessImpact(scenarios=[Scenario(name="Other", scope="site", rate=1)])
    plan = evaluate(WORKLOAD, GOOD, tier_2.requirements())
    with pytest.raises(ValueError, match="evaluated without scenario 'Other'"):
        assert_meets(plan, tier_2, impact=impact)


@pytest.mark.slow
def test_pytest_output_is_the_message_without_helper_frames(tmp_path):
    test_file = tmp_path / "test_dr.py"
    test_file.write_text(
        textwrap.dedent(
            f"""
            from rtocalc import Design, Workload
            from rtocalc.policy import load_policy
            from rtocalc.testing import assert_meets

            def test_crm_meets_tier_2():
                tier = load_policy({str(POLICY)!r}).tiers["tier-2"]
                workload = Workload(data_size="1.5 TB", daily_change="2%/day",
                                    annual_growth="10%", data_reduction="2:1")
                design = Design(interval="3 h", scheme="synthetic_full",
                                target="local_hardened", offsite="tape_vault_daily",
                                longterm="tape")
                assert_meets(design, tier, workload=workload, name="crm")
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "1 failed" in out
    assert "AssertionError: crm [tier] misses its limits (1 violation):" in out
    assert "crm [tier]: 'Loss of the primary site" in out and "RPO 1.13 d > limit 1 d" in out
    assert "rtocalc/testing.py" not in out  # __tracebackhide__ hides the helper's frame
    assert "FAILED test_dr.py::test_crm_meets_tier_2 - AssertionError: crm [tier]" in out


def test_check_of_one_system_policy_and_assert_meets_agree():
    policy = Policy(tiers={"t": {"rpo": {"logical": "2 h"}, "rto": {"hardware": "4 h"}}})
    for interval in ("1 h", "2 h", "3 h"):
        design = Design(interval=interval, target="local_disk")
        report = check(
            policy,
            Inventory(systems=[{"name": "x", "tier": "t", "workload": WORKLOAD, "design": design}]),
        )
        if report.violations:
            with pytest.raises(AssertionError):
                assert_meets(design, policy.tiers["t"], workload=WORKLOAD)
        else:
            assert_meets(design, policy.tiers["t"], workload=WORKLOAD)

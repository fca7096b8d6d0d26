"""Input models: parsing at the edge, the default catalog and scenarios, JSON round trips,
error messages (field, value given, accepted form) and immutability."""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from pydantic import BaseModel, ValidationError, field_validator, model_validator

from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    Plan,
    Policy,
    Requirements,
    Result,
    Retention,
    Scenario,
    UncertainImpact,
    UncertainWorkload,
    UnitError,
    Workload,
    cheapest,
    evaluate,
)
from rtocalc._frozen import FrozenDict
from rtocalc.files import format_validation_error
from rtocalc.models import SCOPES, raise_errors
from rtocalc.units import FieldError
from strategies import requirement_models, workload_models

INF = math.inf


@pytest.fixture(scope="module")
def default_catalog() -> Catalog:
    return Catalog.default()


def _messages(exc: ValidationError) -> str:
    """The user-facing error lines (not ``str(exc)``, which echoes the input anyway)."""
    return "\n".join(format_validation_error(exc))


# --- parsing at the edge -------------------------------------------------------------------


def test_workload_parses_strings_into_canonical_floats():
    w = Workload(data_size="4 TB", daily_change="3%/day")
    assert w.data_size == 4000.0  # GB, decimal
    assert w.daily_change == pytest.approx(0.03)
    assert isinstance(w.data_size, float)
    assert isinstance(w.daily_change, float)


def test_workload_defaults():
    w = Workload(data_size="4 TB")
    assert w.daily_change == 0.03
    assert w.annual_growth == 0.0
    assert w.data_reduction == 1.0
    assert w.peak_write_rate is None
    assert w.horizon == 3.0


@pytest.mark.parametrize(
    ("size", "change", "expected"),
    [
        ("4 TB", "60 GB/day", 0.015),
        ("4 TB", "1.2 TB/day", 0.3),
        ("4 TB", "2.5 GB/h", 0.015),  # 60 GB per day
        (4000.0, "60 GB/day", 0.015),
        ("4 TB", "4 TB/day", 1.0),
    ],
)
def test_daily_change_as_size_converts_with_data_size(size, change, expected):
    assert Workload(data_size=size, daily_change=change).daily_change == pytest.approx(expected)


def test_peak_rate_defaults_to_daily_change_over_eight_hours():
    w = Workload(data_size="4 TB", daily_change="3%/day")
    assert w.peak_rate == pytest.approx(4000.0 * 0.03 / 8.0)  # 15 GB/h
    given_rate = Workload(data_size="4 TB", peak_write_rate="50 MB/s")
    assert given_rate.peak_rate == pytest.approx(180.0)  # 50 MB/s = 180 GB/h


def test_final_size_compounds_growth_over_the_horizon():
    w = Workload(data_size="4 TB", annual_growth="20%", horizon=3)
    assert w.final_size == pytest.approx(4000.0 * 1.2 * 1.2 * 1.2)  # 6912 GB
    assert Workload(data_size="4 TB", annual_growth="20%", horizon=0).final_size == 4000.0
    assert Workload(data_size="4 TB", horizon=10).final_size == 4000.0


def test_requirements_one_value_for_every_scope():
    r = Requirements(rpo="15 min", rto="4 h")
    assert r.rpo == 0.25
    assert r.rto == 4.0
    for scope in SCOPES:
        assert r.limit("rpo", scope) == 0.25
        assert r.limit("rto", scope) == 4.0


def test_requirements_per_scope_table():
    r = Requirements(rpo={"site": "1 h"}, rto={"site": "4 h", "logical": "30 min"})
    assert r.rpo == {"site": 1.0}
    assert r.rto == {"site": 4.0, "logical": 0.5}
    assert r.limit("rpo", "site") == 1.0
    assert r.limit("rpo", "logical") == INF  # a scope missing from the table has no limit
    assert r.limit("rto", "logical") == 0.5
    assert r.limit("rto", "region") == INF


def test_limit_with_mtd_and_wrt():
    r = Requirements(rpo="1 h", rto={"site": "8 h", "logical": "1 h"}, mtd="6 h", wrt="2 h")
    assert r.limit("rto", "site") == 4.0  # min(8, 6 - 2)
    assert r.limit("rto", "logical") == 1.0  # min(1, 4)
    assert r.limit("rto", "region") == 4.0  # no rto, but mtd - wrt still binds
    assert r.limit("rpo", "site") == 1.0  # mtd bounds downtime, not data loss
    no_wrt = Requirements(rpo="1 h", rto="12 h", mtd="1 d")
    assert no_wrt.limit("rto", "site") == 12.0


def test_retention_text_and_abbreviations():
    full = Retention.model_validate("14 daily, 8 weekly, 12 monthly, 7 yearly")
    assert (full.daily, full.weekly, full.monthly, full.yearly) == (14, 8, 12, 7)
    assert Retention.model_validate("14d, 8w, 12m, 7y") == full
    assert Retention.model_validate(" 14 D , 8 W,12 M, 7 Y ") == full
    assert Retention.model_validate("7 yearly, 14 daily, 12 monthly, 8 weekly") == full
    assert str(full) == "14 daily, 8 weekly, 12 monthly, 7 yearly"
    short = Retention.model_validate("30 daily")
    assert (short.daily, short.weekly, short.monthly, short.yearly) == (30, 0, 0, 0)
    assert not short.gfs
    assert full.gfs
    assert full.reach_days == 7 * 365
    assert Requirements(rpo="1 h", rto="1 h", retention="7 d, 4 w").retention.weekly == 4


def test_business_impact_default_scenarios_one_per_scope():
    impact = BusinessImpact()
    assert sorted(s.scope for s in impact.scenarios) == sorted(SCOPES)
    assert len({s.name for s in impact.scenarios}) == len(SCOPES)
    for s in impact.scenarios:
        assert s.source.strip(), s.name
        assert s.date.strip(), s.name
        assert s.rate > 0
        assert s.detection >= 0
    assert impact.downtime_cost == 0.0
    assert impact.data_loss_cost == 0.0


def test_default_catalog_entries_are_sourced_and_dated(default_catalog):
    assert default_catalog.currency == "USD"
    sections = {
        "targets": default_catalog.targets,
        "offsite": default_catalog.offsite,
        "links": default_catalog.links,
        "strategies": default_catalog.strategies,
    }
    for section, entries in sections.items():
        assert entries, section
        for key, entry in entries.items():
            assert entry.source.strip(), f"{section}.{key}"
            assert entry.date.strip(), f"{section}.{key}"
    for single in (default_catalog.replication, default_catalog.operations):
        assert single.source.strip()
        assert single.date.strip()


def test_default_catalog_has_the_required_keys(default_catalog):
    assert {
        "local_disk",
        "local_hardened",
        "object_hot",
        "object_infrequent",
        "object_archive",
        "tape",
    } <= set(default_catalog.targets)
    assert {
        "restore",
        "pilot_light",
        "warm_standby",
        "hot_standby",
        "active_active",
    } <= set(default_catalog.strategies)
    assert len(default_catalog.links) >= 3
    for method in default_catalog.offsite.values():
        assert method.target in default_catalog.targets


def test_default_catalog_archive_tier_has_retrieval_delay_and_minimum_duration(default_catalog):
    archive = default_catalog.targets["object_archive"]
    # Amazon S3 User Guide, "Understanding archive retrieval options"
    # (restoring-objects-retrieval-options.html): Standard retrievals "typically finish
    # within 12 hours for objects stored in the S3 Glacier Deep Archive storage class".
    assert archive.retrieval_delay > 0
    assert archive.retrieval_delay == pytest.approx(12.0)
    assert archive.min_storage_days > 0
    assert archive.retrieval_price_per_gb > 0


def test_catalog_parses_units(default_catalog):
    assert default_catalog.targets["local_disk"].write_throughput == pytest.approx(3600.0)
    assert default_catalog.targets["local_disk"].job_overhead == pytest.approx(5 / 60)
    assert default_catalog.links["wan_1g"].bandwidth == pytest.approx(1000.0)
    assert default_catalog.offsite["tape_vault_weekly"].lag == pytest.approx(7 * 24.0)


def test_override_changes_one_price_and_leaves_the_rest(default_catalog):
    cheaper = default_catalog.override({"targets": {"object_hot": {"price_per_gb_month": 0.02}}})
    assert cheaper.targets["object_hot"].price_per_gb_month == 0.02
    assert default_catalog.targets["object_hot"].price_per_gb_month == 0.023  # unchanged
    before = default_catalog.model_dump()
    after = cheaper.model_dump()
    after["targets"]["object_hot"]["price_per_gb_month"] = 0.023
    assert after == before
    assert cheaper.override({"targets": {"object_hot": {"price_per_gb_month": 0.023}}}) == (
        default_catalog
    )


def test_override_accepts_unit_strings(default_catalog):
    faster = default_catalog.override({"links": {"wan_1g": {"price_per_month": "$2,628/yr"}}})
    assert faster.links["wan_1g"].price_per_month == pytest.approx(219.0)


_SOURCED = 'source = "test"\ndate = "2026-01-01"\n'
_SMALL_CATALOG = f"""
[catalog]
name = "small"
currency = "EUR"

[targets.disk]
location = "primary"
roles = ["primary", "longterm"]
price_per_gb_month = 0.004
write_throughput = "500 MB/s"
read_throughput = "1 GB/s"
setup_cost = "€1,000"
{_SOURCED}
[targets.vault]
location = "vault"
roles = ["offsite", "longterm"]
price_per_gb_month = 0.0003
write_throughput = "300 MB/s"
read_throughput = "300 MB/s"
retrieval_delay = "1 d"
{_SOURCED}
[offsite.courier]
target = "vault"
lag = "1 w"
price_per_month = "€200/mo"
{_SOURCED}
[links.small]
bandwidth = "100 Mbps"
price_per_month = "€1,200/yr"
{_SOURCED}
[strategies.restore]
provisioning_time = "2 h"
{_SOURCED}
[replication]
async_lag = "1 min"
sync_max_distance_km = 100
replica_price_per_gb_month = 0.05
{_SOURCED}
[operations]
drills_per_year = 1
drill_hours = 4
labor_rate = 80
{_SOURCED}"""


def test_catalog_from_toml(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(_SMALL_CATALOG, encoding="utf-8")
    catalog = Catalog.from_toml(path)
    assert catalog.currency == "EUR"
    assert catalog.catalog.name == "small"
    assert set(catalog.targets) == {"disk", "vault"}
    assert catalog.targets["disk"].write_throughput == pytest.approx(1800.0)
    assert catalog.targets["disk"].setup_cost == 1000.0
    assert catalog.targets["vault"].retrieval_delay == 24.0
    assert catalog.offsite["courier"].lag == 168.0
    assert catalog.offsite["courier"].price_per_month == 200.0
    assert catalog.links["small"].price_per_month == pytest.approx(100.0)
    assert catalog.strategies["restore"].provisioning_time == 2.0
    assert catalog.replication.async_lag == pytest.approx(1 / 60)
    assert Catalog.from_toml(str(path)) == catalog


def test_catalog_from_toml_checks_amounts_against_its_currency(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(_SMALL_CATALOG.replace('"€200/mo"', '"$200/mo"'), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        Catalog.from_toml(path)
    msg = _messages(info.value)
    assert "offsite.courier.price_per_month" in msg
    assert "'$200/mo'" in msg
    assert "in EUR" in msg


# --- JSON round trips ----------------------------------------------------------------------


def _round_trip(x: BaseModel) -> None:
    text = x.model_dump_json()
    assert type(x).model_validate_json(text) == x


@given(workload_models())
def test_workload_json_round_trip(w):
    _round_trip(w)


@given(requirement_models())
def test_requirements_json_round_trip(r):
    _round_trip(r)


@pytest.mark.parametrize(
    "model",
    [
        Workload(data_size="4 TB", daily_change="60 GB/day", peak_write_rate="50 MB/s"),
        Requirements(rpo="15 min", rto={"site": "4 h"}, retention="14 d, 7 y", budget="$2k/mo"),
        Requirements(rpo={}, rto="1 h", mtd="8 h", wrt="2 h", offsite=True, immutable=True),
        BusinessImpact(),
        BusinessImpact(
            downtime_cost="$8,000/h",
            data_loss_cost="$3,000/h",
            scenarios=[{"name": "oops", "scope": "logical", "rate": 2, "detection": "5 min"}],
        ),
        Retention.model_validate("14 daily, 8 weekly, 12 monthly, 7 yearly"),
        Design(interval="1 h", target="local_hardened", offsite="cloud_copy_infrequent"),
        Design(
            interval="15 min",
            scheme="synthetic_full",
            target="local_disk",
            longterm="tape",
            replication="async",
            link="wan_1g",
            strategy="warm_standby",
        ),
    ],
    ids=lambda m: type(m).__name__,
)
def test_model_json_round_trip(model):
    _round_trip(model)


def test_default_catalog_json_round_trip(default_catalog):
    _round_trip(default_catalog)


def test_default_scenario_result_and_plan_json_round_trip(default):
    s = default
    for objective in ("outlay", "tco"):
        res = cheapest(
            s.workload, s.requirements, impact=s.impact, catalog=s.catalog, objective=objective
        )
        assert res.feasible
        assert isinstance(res.plan, Plan)
        _round_trip(res)
        _round_trip(res.plan)
        assert Result.model_validate_json(res.model_dump_json()) == res


def test_infeasible_result_json_round_trip():
    only_logical = BusinessImpact(scenarios=[{"name": "oops", "scope": "logical", "rate": 1}])
    res = cheapest(
        Workload(data_size="500 TB"), Requirements(rpo="1 h", rto="10 min"), impact=only_logical
    )
    assert not res.feasible
    assert res.plan is None
    assert res.reasons
    _round_trip(res)


def test_plan_with_unsurvivable_scenario_json_round_trip(default):
    s = default
    # Backups on local disk only, no off-site copy: nothing survives a regional disaster.
    design = Design(interval="24 h", target="local_disk")
    plan = evaluate(s.workload, design, s.requirements, impact=s.impact, catalog=s.catalog)
    region = next(o for o in plan.by_scenario if o.scope == "region")
    assert region.rpo == INF
    assert region.rto == INF
    assert plan.rpo == INF
    assert plan.meets_requirements is False
    text = plan.model_dump_json()
    assert '"Infinity"' in text
    assert Plan.model_validate_json(text) == plan
    unchecked = evaluate(s.workload, design, impact=s.impact, catalog=s.catalog)
    assert unchecked.meets_requirements is None
    _round_trip(unchecked)


# --- error messages: field, value given (repr), accepted form --------------------------------

_NAN = float("nan")


def _case(
    case_id: str,
    model: type[BaseModel],
    data: Any,
    field: str,
    value: str,
    accepted: str,
    context: dict[str, str] | None = None,
) -> Any:
    return pytest.param(model, data, context, field, value, accepted, id=case_id)


_USD = {"currency": "USD"}

# id, model, data, field, value repr, accepted form (, validation context)
ERROR_CASES = [
    _case(
        "rpo-typo",
        Requirements,
        {"rpo": "15 minuets", "rto": "4 h"},
        "rpo",
        "'15 minuets'",
        "'15 min'",
    ),
    _case("size-negative", Workload, {"data_size": "-2 TB"}, "data_size", "'-2 TB'", "'2 TB'"),
    _case("size-nan", Workload, {"data_size": "nan"}, "data_size", "'nan'", "'2 TB'"),
    _case("size-inf", Workload, {"data_size": "inf"}, "data_size", "'inf'", "'2 TB'"),
    _case("size-unit", Workload, {"data_size": "2 TX"}, "data_size", "'2 TX'", "'2 TB'"),
    _case("size-neg-number", Workload, {"data_size": -2}, "data_size", "-2", "'2 TB'"),
    _case("size-nan-number", Workload, {"data_size": _NAN}, "data_size", "nan", "'2 TB'"),
    _case("size-inf-number", Workload, {"data_size": INF}, "data_size", "inf", "'2 TB'"),
    _case("size-bool", Workload, {"data_size": True}, "data_size", "True", "'2 TB'"),
    _case(
        "cost-negative",
        Workload,
        {"data_size": 1, "compute_cost": -1.5},
        "compute_cost",
        "-1.5",
        "'$4,000/mo'",
    ),
    _case("horizon-nan", Workload, {"data_size": 1, "horizon": _NAN}, "horizon", "nan", "0.023"),
    _case(
        "distance-inf",
        Workload,
        {"data_size": 1, "secondary_distance_km": "inf"},
        "secondary_distance_km",
        "'inf'",
        "0.023",
    ),
    _case(
        "growth-negative",
        Workload,
        {"data_size": 1, "annual_growth": "-5%"},
        "annual_growth",
        "'-5%'",
        "'20%'",
    ),
    _case(
        "peak-nan",
        Workload,
        {"data_size": 1, "peak_write_rate": "nan MB/s"},
        "peak_write_rate",
        "'nan MB/s'",
        "'200 MB/s'",
    ),
    _case(
        "rate-negative", Scenario, {"name": "x", "scope": "site", "rate": -1}, "rate", "-1", "0.023"
    ),
    _case("rto-inf", Requirements, {"rpo": "1 h", "rto": INF}, "rto", "inf", "'4 h'"),
    _case(
        "rpo-table-nan",
        Requirements,
        {"rpo": {"site": "nan"}, "rto": "1 h"},
        "rpo.site",
        "'nan'",
        "'4 h'",
    ),
    _case(
        "change-150",
        Workload,
        {"data_size": "4 TB", "daily_change": "150%/day"},
        "daily_change",
        "'150%/day'",
        "'3%/day'",
    ),
    _case(
        "change-negative",
        Workload,
        {"data_size": "4 TB", "daily_change": "-3%"},
        "daily_change",
        "'-3%'",
        "'3%/day'",
    ),
    _case(
        "change-nan",
        Workload,
        {"data_size": "4 TB", "daily_change": _NAN},
        "daily_change",
        "nan",
        "'3%/day'",
    ),
    _case(
        "change-too-big",
        Workload,
        {"data_size": "4 TB", "daily_change": "5 TB/day"},
        "daily_change",
        "'5 TB/day'",
        "100%/day",
    ),
    _case(
        "reduction-0.5",
        Workload,
        {"data_size": "4 TB", "data_reduction": "0.5"},
        "data_reduction",
        "'0.5'",
        "'2:1'",
    ),
    _case(
        "budget-eur",
        Requirements,
        {"rpo": "1 h", "rto": "1 h", "budget": "€300/mo"},
        "budget",
        "'€300/mo'",
        "'$4,000/mo'",
        _USD,
    ),
    _case(
        "budget-EUR-code",
        Requirements,
        {"rpo": "1 h", "rto": "1 h", "budget": "EUR 300/mo"},
        "budget",
        "'EUR 300/mo'",
        "'$4,000/mo'",
        _USD,
    ),
    _case(
        "downtime-eur",
        BusinessImpact,
        {"downtime_cost": "€5k/h"},
        "downtime_cost",
        "'€5k/h'",
        "'$4,000/mo'",
        _USD,
    ),
    _case(
        "retention-typo",
        Requirements,
        {"rpo": "1 h", "rto": "1 h", "retention": "14 dayly"},
        "retention",
        "'14 dayly'",
        "'14 daily, 8 weekly",
    ),
    _case(
        "retention-twice",
        Retention,
        "14 daily, 7 d",
        "retention",
        "'14 daily, 7 d'",
        "name each once",
    ),
    _case(
        "rpo-scope",
        Requirements,
        {"rpo": {"galaxy": "1 h"}, "rto": "1 h"},
        "rpo",
        "'galaxy'",
        "'logical'",
    ),
    _case(
        "rto-scope",
        Requirements,
        {"rpo": "1 h", "rto": {"site": "1 h", "Site": "2 h"}},
        "rto",
        "'Site'",
        "'site'",
    ),
    _case(
        "duplicate-scenarios",
        BusinessImpact,
        {
            "scenarios": [
                {"name": "a", "scope": "site", "rate": 1},
                {"name": "a", "scope": "region", "rate": 1},
            ]
        },
        "scenarios",
        "'a'",
        "give each scenario once",
    ),
    _case(
        "no-scenarios", BusinessImpact, {"scenarios": []}, "scenarios", "", "at least one scenario"
    ),
    _case(
        "design-interval-0",
        Design,
        {"interval": 0, "target": "local_disk"},
        "interval",
        "0",
        "'1 h'",
    ),
    _case(
        "design-interval-negative",
        Design,
        {"interval": -1, "target": "local_disk"},
        "interval",
        "-1",
        "'4 h'",
    ),
    _case(
        "wrt-above-mtd",
        Requirements,
        {"rpo": "1 h", "rto": "1 h", "mtd": "2 h", "wrt": "3 h"},
        "wrt",
        "3 h",
        "maximum tolerable downtime",
    ),
]


@pytest.mark.parametrize(("model", "data", "context", "field", "value", "accepted"), ERROR_CASES)
def test_error_names_field_value_and_accepted_form(model, data, context, field, value, accepted):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context=context or None)
    msg = _messages(info.value)
    assert f"{field}:" in msg or f"{field}." in msg
    assert value in msg
    assert accepted in msg
    assert "Traceback" not in msg


def test_errors_are_value_errors_not_bare_unit_errors():
    """A bad unit inside a model surfaces as a pydantic ValidationError (a ValueError)."""
    with pytest.raises(ValueError, match="15 minuets"):
        Requirements(rpo="15 minuets", rto="4 h")


def test_all_field_errors_of_a_model_are_reported_together():
    with pytest.raises(ValidationError) as info:
        Workload(data_size="2 TX", compute_cost="abc", horizon=-1)
    lines = format_validation_error(info.value)
    assert len(lines) == 3
    assert [line.split(":", 1)[0] for line in lines] == ["data_size", "compute_cost", "horizon"]


def test_bad_daily_change_does_not_hide_other_field_errors():
    with pytest.raises(ValidationError) as info:
        Workload(data_size="2 TX", daily_change="150%/day", compute_cost="abc")
    msg = _messages(info.value)
    for field in ("data_size", "daily_change", "compute_cost"):
        assert field in msg


@pytest.mark.parametrize("text", ["0 daily", "5000 daily"])
def test_retention_out_of_range_names_value_and_accepted_form(text):
    with pytest.raises(ValidationError) as info:
        Requirements(rpo="1 h", rto="1 h", retention=text)
    msg = _messages(info.value)
    assert "retention" in msg
    assert repr(text) in msg
    assert "'14 daily" in msg


def test_retention_zero_daily_is_rejected():
    with pytest.raises(ValidationError) as info:
        Requirements(rpo="1 h", rto="1 h", retention="0 daily")
    msg = _messages(info.value)
    assert "retention.daily" in msg
    assert "1" in msg


def test_scenario_unknown_scope_names_the_value():
    with pytest.raises(ValidationError) as info:
        Scenario(name="x", scope="moon", rate=1)
    assert "'moon'" in _messages(info.value)


def test_scenario_unknown_scope_is_rejected_with_accepted_scopes():
    with pytest.raises(ValidationError) as info:
        Scenario(name="x", scope="moon", rate=1)
    msg = _messages(info.value)
    assert msg.startswith("scope:")
    for scope in SCOPES:
        assert repr(scope) in msg


@pytest.mark.parametrize(
    ("model", "data", "typo"),
    [
        (Workload, {"data_size": "4 TB", "dayly_change": "3%"}, "dayly_change"),
        (Requirements, {"rpo": "1 h", "rto": "1 h", "offiste": True}, "offiste"),
        (Scenario, {"name": "x", "scope": "site", "rate": 1, "sorce": "me"}, "sorce"),
        (Design, {"interval": 1, "target": "local_disk", "stratgy": "restore"}, "stratgy"),
        (BusinessImpact, {"downtime_cost": 1, "dowtime_cost": 2}, "dowtime_cost"),
    ],
)
def test_unknown_field_is_rejected(model, data, typo):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    msg = _messages(info.value)
    assert msg.startswith(f"{typo}: ")
    assert repr(data[typo]) in msg
    assert "not a known field" in msg


def test_unknown_field_message_names_the_accepted_fields():
    with pytest.raises(ValidationError) as info:
        Workload(data_size="4 TB", dayly_change="3%")
    assert "daily_change" in _messages(info.value)


def test_catalog_override_with_unknown_offsite_target(default_catalog):
    with pytest.raises(ValidationError) as info:
        default_catalog.override({"offsite": {"tape_vault_weekly": {"target": "tapes"}}})
    msg = _messages(info.value)
    assert "offsite.tape_vault_weekly.target:" in msg
    assert "'tapes'" in msg
    assert "'tape'" in msg  # the accepted target keys are listed
    assert "'object_archive'" in msg


def test_catalog_override_with_primary_target_as_offsite(default_catalog):
    with pytest.raises(ValidationError) as info:
        default_catalog.override({"offsite": {"cloud_copy_hot": {"target": "local_disk"}}})
    msg = _messages(info.value)
    assert "offsite.cloud_copy_hot.target:" in msg
    assert "'local_disk'" in msg
    assert "'offsite' role" in msg


def test_catalog_reference_errors_are_one_line_each(default_catalog):
    with pytest.raises(ValidationError) as info:
        default_catalog.override(
            {"offsite": {"cloud_copy_hot": {"target": "x"}, "cloud_copy_archive": {"target": "y"}}}
        )
    assert len(format_validation_error(info.value)) == 2


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"targets": {"object_hot": {"price_per_gb_mnth": 0.02}}}, "price_per_gb_mnth", "0.02"),
        ({"target": {"object_hot": {}}}, "target", "{'object_hot': {}}"),
        ({"targets": {"object_hot": {"price_per_gb_month": -1}}}, "price_per_gb_month", "-1"),
        ({"links": {"wan_1g": {"price_per_month": "€219/mo"}}}, "price_per_month", "'€219/mo'"),
    ],
)
def test_catalog_override_with_bad_key_or_value(default_catalog, changes, field, value):
    with pytest.raises(ValidationError) as info:
        default_catalog.override(changes)
    msg = _messages(info.value)
    assert f"{field}:" in msg
    assert value in msg


def test_catalog_without_restore_strategy(default_catalog):
    data = default_catalog.model_dump()
    del data["strategies"]["restore"]
    with pytest.raises(ValidationError) as info:
        Catalog.from_dict(data)
    msg = _messages(info.value)
    assert "strategies" in msg
    assert "'restore'" in msg
    assert "restore-to-new" in msg


def test_catalog_restore_strategy_must_not_need_a_replica(default_catalog):
    with pytest.raises(ValidationError, match=r"strategies\.restore\.replica"):
        default_catalog.override({"strategies": {"restore": {"replica": True}}})


@pytest.mark.parametrize("interval", [0, 0.0, "0 h", "0 min", "PT0S"])
def test_design_interval_zero_is_rejected(interval):
    with pytest.raises(ValidationError) as info:
        Design(interval=interval, target="local_disk")
    msg = _messages(info.value)
    assert msg.startswith("interval:")
    assert "positive" in msg
    assert "'1 h'" in msg


def test_design_interval_zero_message_repeats_the_value_given():
    with pytest.raises(ValidationError) as info:
        Design(interval="0 min", target="local_disk")
    assert "'0 min'" in _messages(info.value)


# --- frozen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Workload(data_size="4 TB"), "data_size", 1.0),
        (Requirements(rpo="1 h", rto="1 h"), "rpo", 2.0),
        (Retention(), "daily", 7),
        (BusinessImpact(), "downtime_cost", 1.0),
        (Scenario(name="x", scope="site", rate=1), "rate", 2.0),
        (Design(interval=1, target="local_disk"), "interval", 2.0),
        (Catalog.default(), "replication", None),
        (Catalog.default().targets["tape"], "price_per_gb_month", 0.0),
    ],
    ids=lambda x: type(x).__name__ if isinstance(x, BaseModel) else None,
)
def test_models_are_frozen(model, field, value):
    before = getattr(model, field)
    with pytest.raises(ValidationError, match="frozen"):
        setattr(model, field, value)
    assert getattr(model, field) == before


def _mutable_parts(obj: Any, where: str = "") -> list[str]:
    """Every dict, list or set reachable from a model's fields that could be changed."""
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _mutable_parts(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, FrozenDict):
        for key, value in obj.items():
            found += _mutable_parts(value, f"{where}[{key!r}]")
    elif isinstance(obj, dict | list | set | bytearray):
        found.append(where)
    elif isinstance(obj, tuple | frozenset):
        for i, value in enumerate(obj):
            found += _mutable_parts(value, f"{where}[{i}]")
    return found


def test_a_frozen_catalog_cannot_be_changed_in_place():
    """Issue 19, item 1: ``cat.targets["local_disk"] = <100x price>`` went through, and
    evaluate() kept returning the remembered $141.67 instead of $967.33 (since issue 13
    both include the software licence, 250 USD a year: 20.83 USD/month)."""
    cat = Catalog.default()
    w, d = Workload(data_size="2 TB"), Design(interval="24 h", target="local_disk")
    before = evaluate(w, d, catalog=cat).monthly_cost
    assert before == pytest.approx(141.67 + 250.0 / 12.0, abs=0.01)
    dear = cat.targets["local_disk"].model_copy(update={"price_per_gb_month": 3.0})
    for table in ("targets", "offsite", "links", "strategies"):
        mapping = getattr(cat, table)
        key = next(iter(mapping))
        with pytest.raises(TypeError, match="frozen rtocalc model"):
            mapping[key] = dear
        with pytest.raises(TypeError, match="frozen rtocalc model"):
            del mapping[key]
        for change in ("clear", "popitem", "update", "setdefault", "pop"):
            with pytest.raises(TypeError, match="frozen rtocalc model"):
                getattr(mapping, change)(*([key] if change in ("pop", "setdefault") else []))
    assert evaluate(w, d, catalog=cat).monthly_cost == before
    # the way to change a price: a new catalog, with its own (not remembered) figures
    dearer = cat.override({"targets": {"local_disk": {"price_per_gb_month": 3.0}}})
    assert evaluate(w, d, catalog=dearer).monthly_cost > 5 * before
    assert not _mutable_parts(cat) and not _mutable_parts(dearer)


@given(requirement_models())
def test_requirements_tables_are_read_only(r):
    assert not _mutable_parts(r)
    for table in (r.rpo, r.rto):
        if isinstance(table, Mapping):
            with pytest.raises(TypeError, match="frozen rtocalc model"):
                table["site"] = 1.0  # type: ignore[index]


def test_copies_and_round_trips_stay_read_only(default):
    """model_copy(update=...) freezes the mappings and lists it is given; JSON, pickle and
    deep copies give equal, read-only models."""
    ask = Requirements(rpo="1 h", rto={"site": "4 h"})
    copied = ask.model_copy(update={"rto": {"site": 2.0, "logical": 1.0}})
    assert copied.limit("rto", "logical") == 1.0 and not _mutable_parts(copied)
    with pytest.raises(TypeError):
        copied.rto["site"] = 9.0  # type: ignore[index]
    target = Catalog.default().targets["tape"]
    assert target.model_copy(update={"roles": ["longterm"]}).roles == ("longterm",)
    for model in (
        default.catalog,
        default.requirements,
        default.impact,
        Policy.model_validate(
            {"tiers": {"gold": {"rpo": "1 h", "rto": "4 h", "scenarios": {}}}}
        ),
    ):
        again = type(model).model_validate_json(model.model_dump_json())
        for clone in (again, pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
            assert clone == model and not _mutable_parts(clone)
        assert not _mutable_parts(model)
        assert isinstance(model.model_dump(), dict)
    uncertain = UncertainImpact(downtime_cost="1000..3000", rates={"site": "0.01..0.05"})
    for clone in (pickle.loads(pickle.dumps(uncertain)), copy.deepcopy(uncertain)):
        assert clone == uncertain and not _mutable_parts(clone)
    assert not _mutable_parts(uncertain)


def test_retention_quarterly_and_calendar():
    # Issue 14: a quarterly tier (0..400) in the text and table forms, and the GFS
    # calendar settings, validated and in canonical form.
    ret = Retention.model_validate("14 daily, 8 weekly, 12 monthly, 4 quarterly, 7 yearly")
    assert ret.quarterly == 4 and ret.gfs
    assert Retention.model_validate("14d, 4q") == Retention(daily=14, quarterly=4)
    assert Retention(quarterly=1).gfs and Retention(quarterly=4).reach_days == 365.0
    assert str(ret) == "14 daily, 8 weekly, 12 monthly, 4 quarterly, 7 yearly"
    moved = Retention(
        monthly=3, weekly_on="Monday", monthly_on="LAST  friday", quarterly_month="last",
        yearly_on="day 31", yearly_month=6,
    )  # fmt: skip
    assert moved.calendar == {
        "weekly_on": "monday",
        "monthly_on": "last friday",
        "quarterly_on": "first sunday",
        "quarterly_month": "last",
        "yearly_on": "day 31",
        "yearly_month": "june",
    }
    assert str(moved).startswith("14 daily, 3 monthly (weekly_on monday; ")
    assert Retention.model_validate(moved.model_dump()) == moved


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quarterly", 401, "quarterly: 401 is out of range; keep 0..400 quarterly"),
        ("quarterly", 1.5, "quarterly: 1.5 is not a whole number of points"),
        ("weekly_on", "sun", "weekly_on: 'sun' is not a weekday; use one of monday"),
        ("monthly_on", "fifth sunday", "monthly_on: 'fifth sunday' is not a day of the month"),
        ("monthly_on", "day 0", "monthly_on: 'day 0' is not a day of the month; use"),
        ("quarterly_on", 3, "quarterly_on: 3 is not a day of the month"),
        ("quarterly_month", "middle", "quarterly_month: 'middle' is not a month of a quarter"),
        ("yearly_on", "first", "yearly_on: 'first' is not a day of the month"),
        ("yearly_month", 0, "yearly_month: 0 is not a month; use a month name or 1..12"),
        ("yearly_month", "janvier", "yearly_month: 'janvier' is not a month"),
    ],
)
def test_retention_bad_quarterly_or_calendar_names_field_and_form(field, value, message):
    with pytest.raises(ValidationError) as info:
        Requirements(rpo="1 h", rto="1 h", retention={"daily": 14, field: value})
    assert message in str(info.value)
    assert "retention" in str(info.value)


def test_retention_text_rejects_quarterly_out_of_range():
    with pytest.raises(ValidationError, match=r"quarterly: .* has 500 quarterly; keep 0\.\.400"):
        Retention.model_validate("14 daily, 500 quarterly")


# --- the field of an error, read from pydantic's structured error (issue 17, item 2) ------


class _Probe(BaseModel):
    """A model whose validators raise the errors the file readers must join to a path."""

    rpo: Any = None
    retention: Any = None
    limits: Any = None

    @field_validator("rpo")
    @classmethod
    def _rpo(cls, v: Any) -> Any:
        if v == "unit":  # a unit error about a sub-field: rpo.site
            raise UnitError("rpo.site", "soon", "duration", "'15 min'")
        if v == "plain":  # a plain ValueError whose text looks like a field and a message
            raise ValueError("rpo.site: is text, not a field")
        return v

    @field_validator("retention")
    @classmethod
    def _retention(cls, v: Any) -> Any:
        if v == "same":  # the field the location already names
            raise FieldError("retention", "'14 dailies' is not a retention")
        if v == "other":  # a field that is not a suffix of the location
            raise FieldError("weekly", "must be at most 520")
        return v

    @model_validator(mode="after")
    def _limits(self) -> _Probe:
        if self.limits == "model":  # a model-level error: the location is empty
            raise FieldError("limits.rto", "is below the RPO")
        if self.limits == "many":  # one line per (loc, message), the field in ctx
            raise_errors(
                "_Probe",
                [
                    (("limits", "rto"), FieldError("rto", "too short"), 1),
                    (("limits",), FieldError("limits.rpo", "too short"), 2),
                    (("limits",), "rto: a text message names no field", 3),
                ],
            )
        return self


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"rpo": "unit"}, "rpo.site: 'soon' is not a duration; use e.g. '15 min'"),
        ({"rpo": "plain"}, "rpo: rpo.site: is text, not a field"),
        ({"retention": "same"}, "retention: '14 dailies' is not a retention"),
        ({"retention": "other"}, "retention: weekly: must be at most 520"),
        ({"limits": "model"}, "limits.rto: is below the RPO"),
    ],
)
def test_the_field_comes_from_the_error_not_from_its_message(data, line):
    """files._merge_name reads the field from ctx (the FieldError or UnitError pydantic
    keeps, or raise_errors' ctx['field']); a message that merely starts with a word and a
    colon is not parsed (it was, with a regular expression)."""
    with pytest.raises(ValidationError) as info:
        _Probe(**data)
    assert format_validation_error(info.value) == [line]


def test_raise_errors_keeps_each_field_in_the_context():
    with pytest.raises(ValidationError) as info:
        _Probe(limits="many")
    errors = info.value.errors()
    assert [e["ctx"].get("field") for e in errors] == ["rto", "limits.rpo", None]
    assert format_validation_error(info.value, "f.toml") == [
        "f.toml: limits.rto: too short",
        "f.toml: limits.rpo: too short",
        "f.toml: limits: rto: a text message names no field",
    ]


def test_field_error_reads_as_before_and_pickles():
    err = FieldError("design.target", "'x' is not in the catalog")
    assert str(err) == "design.target: 'x' is not in the catalog" and isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert (again.field, again.detail, str(again)) == (err.field, err.detail, str(err))


def test_uncertain_inputs_report_one_line_per_field():
    """UncertainWorkload joined its fields' errors in one message; each is now a line of
    its own, under its field."""
    with pytest.raises(ValidationError) as info:
        UncertainWorkload(data_size="lots", daily_change="2%/day..oops")
    lines = format_validation_error(info.value, under="workload")
    assert [line.split(":")[0] for line in lines] == ["workload.data_size", "workload.daily_change"]

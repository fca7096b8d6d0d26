"""JSON Schemas: every shipped file validates, and what the reader accepts validates.

The schemas are for editors and CI linters; a schema that rejects a file rtocalc reads is a
false alarm in every editor, so the catalog overrides the reader accepts are generated
from the shipped catalog and checked against the schema.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtocalc.cli import main
from rtocalc.files import InputError, scenario_from_dict
from rtocalc.schemas import KINDS, json_schema

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CATALOG = ROOT / "src" / "rtocalc" / "data" / "catalog.toml"


def _kind(path: Path) -> str:
    """The kind of a shipped file, from where it lives."""
    if path == CATALOG:
        return "catalog"
    if path.stem == "policy":  # the policy example, and the portfolio's copy of it
        return "policy"
    if path.parent.name == "meeting":
        return "meeting" if path.stem == "meeting" else "inventory"
    if path.parent.name == "policy":
        return "inventory"
    if path.parent.name == "portfolio":
        return "portfolio"
    return "scenario"


SHIPPED = sorted([*EXAMPLES.rglob("*.toml"), CATALOG])


def _validator(kind: str):
    schema = json_schema(kind)
    return jsonschema.Draft202012Validator(schema)


def _errors(kind: str, data: object) -> list[str]:
    return [e.message for e in _validator(kind).iter_errors(data)]


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_valid_and_names_its_dialect_and_id(kind):
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith(f"urn:rtocalc:schema:{kind}:")


def test_every_kind_has_a_shipped_file():
    assert {_kind(p) for p in SHIPPED} == set(KINDS)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_validates_against_its_schema(path):
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    assert _errors(_kind(path), data) == []


def test_the_portfolio_schema_knows_the_shared_limits_and_the_inventory_rejects_them():
    with open(EXAMPLES / "portfolio" / "inventory.toml", "rb") as fh:
        data = tomllib.load(fh)
    extra = {"policy", "budget", "links", "restore_capacity", "objective", "impacts"}
    assert extra & set(data)
    assert extra <= set(json_schema("portfolio")["properties"])
    assert _errors("inventory", data)  # an inventory for check does not take them
    assert _errors("portfolio", {**data, "budgett": "$1/mo"})


with open(CATALOG, "rb") as _fh:
    _SHIPPED_CATALOG = tomllib.load(_fh)
_TABLES = ("targets", "offsite", "links", "strategies")


@st.composite
def overrides(draw):
    """A [catalog] table of overrides: some fields of some shipped entries, as written."""
    out: dict[str, dict] = {}
    for table in draw(st.sets(st.sampled_from(_TABLES), min_size=1, max_size=3)):
        entries = _SHIPPED_CATALOG[table]
        for key in draw(st.sets(st.sampled_from(sorted(entries)), min_size=1, max_size=2)):
            fields = sorted(entries[key])
            chosen = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=4))
            out.setdefault(table, {})[key] = {f: entries[key][f] for f in chosen}
    for table in draw(st.sets(st.sampled_from(("replication", "operations", "catalog")))):
        fields = sorted(_SHIPPED_CATALOG[table])
        chosen = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=2))
        out[table] = {f: _SHIPPED_CATALOG[table][f] for f in chosen}
    return out


def _scenario(catalog: dict) -> dict:
    with open(EXAMPLES / "default.toml", "rb") as fh:
        data = tomllib.load(fh)
    return {**data, "catalog": catalog}


@pytest.mark.slow
@given(overrides())
def test_catalog_overrides_the_reader_accepts_validate(catalog):
    data = _scenario(catalog)
    scenario_from_dict(data)  # accepted: they are the shipped figures
    assert _errors("scenario", data) == []


def test_a_new_catalog_entry_validates_and_is_read():
    link = dict(_SHIPPED_CATALOG["links"]["wan_1g"], label="10 Gbit/s", bandwidth="10 Gbps")
    data = _scenario({"links": {"wan_10g": link}, "catalog": {"currency": "USD"}})
    assert "wan_10g" in scenario_from_dict(data).catalog.links
    assert _errors("scenario", data) == []


@pytest.mark.parametrize(
    "catalog",
    [
        {"targets": {"object_hot": {"price_per_gb_mnth": 0.02}}},  # misspelt field
        {"targets": {"object_hot": {"immutable": "perhaps"}}},  # not a yes/no
        {"registry": {"token": "x"}},  # not a table of the catalog
    ],
)
def test_overrides_the_reader_rejects_are_schema_errors_too(catalog):
    data = _scenario(catalog)
    with pytest.raises(InputError):
        scenario_from_dict(data)
    assert _errors("scenario", data)


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="kind: 'portfolios' is not a kind"):
        json_schema("portfolios")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_prints_each_schema(capsys, kind):
    assert main(["schema", kind]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == json_schema(kind)

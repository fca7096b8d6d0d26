"""JSON Schemas of rtocalc's input files, for editors and CI linters.

``rtocalc schema KIND`` prints one; :func:`json_schema` returns it. Kinds:

``scenario``
    a planning scenario (``rtocalc plan``, ``negotiate``, ``frontier``): ``[workload]``,
    ``[requirements]``, ``[impact]`` and ``[catalog]`` overrides;
``policy``
    the tiers of a DR policy (``rtocalc check``);
``inventory``
    the systems a policy applies to, with their declared designs (``rtocalc check``);
``portfolio``
    an inventory read as a portfolio (``rtocalc portfolio``): the inventory's fields and
    the shared limits (``policy``, ``budget``, ``links``, ``restore_capacity``,
    ``objective``, ``[impacts.NAME]``);
``catalog``
    a whole catalog file (``catalog.file``), the schema of the shipped ``catalog.toml``;
``meeting``
    the record of a meeting (``rtocalc negotiate --record``, ``rtocalc agree``).

A ``[catalog]`` table of a scenario or inventory holds *overrides* merged key by key into
the default catalog (or into ``catalog.file``), so every field of its entries is optional
there; whether a new entry is complete is checked when the file is read. Every schema
names its dialect (``$schema``, JSON Schema 2020-12) and has an ``$id``: a URN with the
kind and rtocalc's version, as no public host serves the schemas.
"""

from __future__ import annotations

import copy
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from .files import ScenarioFile
from .models import Catalog

__all__ = ["KINDS", "Kind", "json_schema"]

Kind = Literal["scenario", "policy", "inventory", "portfolio", "catalog", "meeting"]
#: the kinds of input file, as ``rtocalc schema`` names them
KINDS: tuple[Kind, ...] = ("scenario", "policy", "inventory", "portfolio", "catalog", "meeting")

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _version() -> str:
    try:
        return version("rtocalc")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def _partial(node: Any) -> Any:
    """``node`` with every ``required`` list dropped, recursively (overrides are partial)."""
    if isinstance(node, dict):
        return {k: _partial(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_partial(v) for v in node]
    return node


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """``node`` with its ``$ref``s to ``#/$defs/NAME`` pointed at ``names[NAME]``."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                name = v.removeprefix("#/$defs/")
                out[k] = "#/$defs/" + names.get(name, name)
            else:
                out[k] = _renamed(v, names)
        return out
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


def _with_catalog_overrides(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``catalog`` property replaced by the overrides' schema.

    The catalog's definitions are added under ``CatalogOverride...`` names, every field
    optional, so a file's own definitions (e.g. the workload's) keep their required
    fields.
    """
    whole = Catalog.model_json_schema()
    defs = whole.pop("$defs", {})
    names = {name: f"CatalogOverride{name}" for name in defs}
    out = copy.deepcopy(schema)
    out.setdefault("$defs", {})
    for name, body in defs.items():
        out["$defs"][names[name]] = _partial(_renamed(body, names))
    top = _partial(_renamed(whole, names))
    top["title"] = "Catalog overrides"
    top["description"] = (
        "Overrides merged key by key into the default catalog, e.g. "
        "[catalog.targets.object_hot] price_per_gb_month = 0.02; or file = "
        "'my-catalog.toml' (relative to this file) to start from a catalog file. Every "
        "field is optional here; a new entry must still be complete."
    )
    top["properties"] = {
        "file": {
            "type": "string",
            "minLength": 1,
            "description": "Catalog file to start from, relative to this file.",
        },
        **top.get("properties", {}),
    }
    top.pop("default", None)
    out["properties"]["catalog"] = top
    return out


def json_schema(kind: Kind = "scenario") -> dict[str, Any]:
    """The JSON Schema of one kind of input file.

    Parameters
    ----------
    kind : {"scenario", "policy", "inventory", "portfolio", "catalog", "meeting"}
        The kind of file.

    Returns
    -------
    dict
        A JSON Schema (2020-12) with ``$schema`` and ``$id``.

    Raises
    ------
    ValueError
        For an unknown kind, naming the kinds.

    Examples
    --------
    >>> from rtocalc.schemas import json_schema
    >>> s = json_schema("portfolio")
    >>> s["$id"].startswith("urn:rtocalc:schema:portfolio:"), "budget" in s["properties"]
    (True, True)
    """
    # the policy and portfolio modules load the optimiser, the meeting module the
    # negotiation's results: only when a schema is asked
    from .meeting import MeetingRecord
    from .policy import Inventory, Policy
    from .portfolio import settings_json_schema

    if kind == "scenario":
        body = _with_catalog_overrides(ScenarioFile.model_json_schema())
    elif kind == "policy":
        body = Policy.model_json_schema()
    elif kind == "inventory":
        body = _with_catalog_overrides(Inventory.model_json_schema())
    elif kind == "portfolio":
        body = _with_catalog_overrides(Inventory.model_json_schema())
        settings = settings_json_schema()
        body["$defs"].update(settings.get("$defs", {}))
        body["properties"].update(settings["properties"])
        body["title"] = "Portfolio"
        body["description"] = (
            "An inventory read as a portfolio (rtocalc portfolio): the systems and the "
            "shared limits; requirements come from each system's tier in the policy."
        )
    elif kind == "catalog":
        body = Catalog.model_json_schema()
    elif kind == "meeting":
        body = MeetingRecord.model_json_schema()
    else:
        raise ValueError(f"kind: {kind!r} is not a kind of input file; use one of {KINDS}")
    return {"$schema": _DIALECT, "$id": f"urn:rtocalc:schema:{kind}:{_version()}", **body}

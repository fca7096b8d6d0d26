"""The shipped catalog's data, read from a JSON copy of ``data/catalog.toml``.

``tomllib`` is pure Python: it parses the 48 kB catalog in about 10 ms, while ``json``
(a C parser) reads the same data in about 0.3 ms, and every fresh process that plans with
the default catalog pays that parse (docs/decisions.md, "The shipped catalog as JSON").
``data/catalog.json`` holds the parsed TOML and the SHA-256 of the TOML text it was made
from; it is used only while that digest matches the TOML shipped beside it, so an edited
catalog.toml is never shadowed by a stale copy (it is then parsed as TOML, as before,
and ``tests/test_coldstart.py`` fails until the copy is regenerated with
``python -m rtocalc._catalog_data``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["default_catalog_data", "json_copy", "write_json_copy"]

TOML_NAME = "catalog.toml"
JSON_NAME = "catalog.json"


def _digest(toml_bytes: bytes) -> str:
    return hashlib.sha256(toml_bytes).hexdigest()


def json_copy(toml_bytes: bytes) -> str:
    """The text of ``catalog.json`` for the TOML ``toml_bytes``: its data and its digest.

    Keys keep the TOML's order (the order of a catalog's entries is the optimiser's last
    tie-break); TOML's values are all JSON values here (strings, numbers, booleans,
    arrays, tables: the catalog writes dates as strings), and floats round-trip exactly.
    """
    data = tomllib.loads(toml_bytes.decode("utf-8"))
    body = {"source_sha256": _digest(toml_bytes), "catalog": data}
    return json.dumps(body, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def default_catalog_data(data_dir: Traversable | None = None) -> dict[str, Any]:
    """The shipped catalog as nested mappings, as ``tomllib`` reads ``catalog.toml``.

    From ``catalog.json`` when its digest is the TOML's, else from the TOML itself.
    ``data_dir``: the directory holding both (default: the package's ``data``).
    """
    if data_dir is None:
        data_dir = resources.files("rtocalc.data")
    toml_bytes = data_dir.joinpath(TOML_NAME).read_bytes()
    try:
        copy = json.loads(data_dir.joinpath(JSON_NAME).read_bytes())
    except (OSError, ValueError):
        copy = None
    if isinstance(copy, dict) and copy.get("source_sha256") == _digest(toml_bytes):
        data = copy["catalog"]
        if isinstance(data, dict):
            return data
    return tomllib.loads(toml_bytes.decode("utf-8"))


def write_json_copy() -> str:
    """Regenerate ``catalog.json`` beside ``catalog.toml`` in the source tree; returns
    its path."""
    data_dir = resources.files("rtocalc.data")
    text = json_copy(data_dir.joinpath(TOML_NAME).read_bytes())
    target = data_dir.joinpath(JSON_NAME)
    with open(str(target), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return str(target)


if __name__ == "__main__":
    print(f"wrote {write_json_copy()}")

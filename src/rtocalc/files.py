"""Scenario files (TOML): workload, requirements, impact and catalog overrides.

Errors are collected for the whole file and reported together, each naming the file,
the path of the field, the value given and the accepted form.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .models import BusinessImpact, Catalog, Requirements, Workload

__all__ = ["InputError", "ScenarioFile", "default_scenario_path", "load_scenario"]


class InputError(ValueError):
    """Invalid input file: ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


class ScenarioFile(BaseModel):
    """A planning scenario as written in a TOML file.

    ``[workload]``, ``[requirements]`` and ``[impact]`` follow :class:`Workload`,
    :class:`Requirements` and :class:`BusinessImpact`; ``[catalog]`` holds overrides
    merged into the default catalog, or ``catalog.file`` names a catalog file (relative
    to the scenario file) to start from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    workload: Workload = Field(description="The protected system.")
    requirements: Requirements = Field(description="The business ask.")
    impact: BusinessImpact = Field(
        default_factory=BusinessImpact, description="Downtime and data-loss costs, scenarios."
    )
    catalog: Catalog = Field(default_factory=Catalog.default, description="Priced options.")


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or "function-" in part:
            continue  # pydantic's names for union members and validators
        else:
            out += ("." if out else "") + str(part)
    return out


def format_validation_error(err: ValidationError, prefix: str = "") -> list[str]:
    """One line per error: ``prefix: path.to.field: message``."""
    lines = []
    for e in err.errors():
        path = _loc(tuple(e["loc"]))
        msg = str(e["msg"]).removeprefix("Value error, ")
        leaf = path.rsplit(".", 1)[-1] if path else ""
        if leaf and msg.startswith(leaf + ": "):
            msg = msg[len(leaf) + 2 :]
        if e["type"] == "missing":
            msg = "is required"
        elif e["type"] == "extra_forbidden":
            msg = f"{e.get('input')!r} is not a known field; check the spelling"
        where = f"{prefix}: " if prefix else ""
        lines.append(f"{where}{path}: {msg}" if path else f"{where}{msg}")
    return lines


def default_scenario_path() -> Path:
    """The shipped example scenario (``examples/default.toml``)."""
    packaged = resources.files("rtocalc.data").joinpath("default_scenario.toml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "examples" / "default.toml"


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning I/O and syntax errors into an :class:`InputError`."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError([f"{p}: no such file"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"{p}: not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise InputError([f"{p}: cannot read: {exc.strerror}"]) from None


def load_scenario(path: str | Path | None = None) -> ScenarioFile:
    """Load and validate a scenario file (the shipped example when ``path`` is None).

    Parameters
    ----------
    path : str or Path, optional
        TOML file with ``[workload]``, ``[requirements]``, optional ``[impact]`` and
        ``[catalog]`` tables; None loads ``examples/default.toml``.

    Returns
    -------
    ScenarioFile

    Raises
    ------
    InputError
        With every problem of the file, one line each.
    """
    p = Path(path) if path is not None else default_scenario_path()
    data = read_toml(p)
    return scenario_from_dict(data, source=str(p), base=p.parent)


def scenario_from_dict(
    data: Mapping[str, Any], *, source: str = "<scenario>", base: Path | None = None
) -> ScenarioFile:
    """Validate a scenario given as nested mappings; see :func:`load_scenario`."""
    errors: list[str] = []
    raw = dict(data)
    unknown = sorted(set(raw) - {"workload", "requirements", "impact", "catalog"})
    for key in unknown:
        errors.append(
            f"{source}: {key}: unknown table; use [workload], [requirements], [impact], [catalog]"
        )
    catalog: Catalog | None = None
    overrides = dict(raw.get("catalog") or {})
    try:
        file = overrides.pop("file", None)
        start = Catalog.from_toml((base or Path(".")) / str(file)) if file else Catalog.default()
        catalog = start.override(overrides) if overrides else start
    except ValidationError as exc:
        errors += [
            line.replace(": ", ": catalog.", 1) for line in format_validation_error(exc, source)
        ]
    except OSError as exc:
        errors.append(f"{source}: catalog.file: {exc}")
    currency = catalog.currency if catalog is not None else "USD"
    parts: dict[str, Any] = {}
    for key, model in (
        ("workload", Workload),
        ("requirements", Requirements),
        ("impact", BusinessImpact),
    ):
        if key not in raw:
            if key != "impact":
                errors.append(f"{source}: [{key}]: missing table")
            continue
        try:
            parts[key] = model.model_validate(raw[key], context={"currency": currency})
        except ValidationError as exc:
            errors += [
                line.replace(": ", f": {key}.", 1) for line in format_validation_error(exc, source)
            ]
    if errors:
        raise InputError(errors)
    if catalog is not None:
        parts["catalog"] = catalog
    return ScenarioFile(**parts)

"""Loading policy and inventory files (TOML) and dicts into validated models.

Private module of :mod:`rtocalc.policy`, which re-exports its public functions (their
public home is ``rtocalc.policy``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    ValidationError,
)

from . import units
from ._policy_models import Error as _Error
from ._policy_models import Inventory, Policy, System
from ._policy_models import default_scenarios as _default_scenarios
from ._policy_models import design_errors as _design_errors
from ._policy_models import error_lines as _lines
from ._policy_models import name_errors as _name_errors
from ._policy_models import tier_errors as _tier_errors
from ._policy_models import unknown_scenario as _unknown_scenario
from .files import InputError, base_of, format_validation_error, read_toml, scenario_catalog
from .models import Catalog

#: Top-level fields of an inventory that ``rtocalc portfolio`` reads and ``check`` ignores.
PORTFOLIO_FIELDS = ("policy", "budget", "links", "restore_capacity", "objective", "impacts")


# --- loading files ----------------------------------------------------------------------


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file.

    Parameters
    ----------
    path : str or Path
        TOML file with ``[tiers.<name>]`` tables and optional ``[[scenarios]]``.

    Returns
    -------
    Policy

    Raises
    ------
    InputError
        With every problem of the file, one line each, naming the file, the path of the
        field, the value and the accepted form.
    """
    p = Path(path)
    return policy_from_dict(read_toml(p), source=str(p))


def policy_from_dict(data: Mapping[str, Any], *, source: str = "<policy>") -> Policy:
    """Validate a policy given as nested mappings (the TOML schema).

    Parameters
    ----------
    data : Mapping
        The parsed file.
    source : str
        Name of the file, for error messages.

    Returns
    -------
    Policy

    Raises
    ------
    InputError
        With every problem, one line each.
    """
    raw = dict(data)
    currency = raw.get("currency", "USD")
    valid_currency = isinstance(currency, str) and len(currency) == 3 and currency.isupper()
    names = _raw_scenario_names(raw.get("scenarios"))
    errors: list[str] = []
    tiers = raw.get("tiers")
    if isinstance(tiers, Mapping):
        refs: list[_Error] = []
        for tier, body in tiers.items():
            own = body.get("scenarios") if isinstance(body, Mapping) else None
            if isinstance(own, Mapping):
                refs += [
                    (
                        ("tiers", str(tier), "scenarios", str(key)),
                        _unknown_scenario(key, names),
                        key,
                    )
                    for key in own
                    if key not in names
                ]
        errors += _lines(source, refs)
    try:
        policy = Policy.model_validate(
            raw,
            context={
                "currency": currency if valid_currency else None,
                "references_checked": True,
            },
        )
    except ValidationError as exc:
        errors = format_validation_error(exc, source) + errors
        raise InputError(errors) from None
    if errors:
        raise InputError(errors)
    return policy


def _raw_scenario_names(value: Any) -> list[str]:
    if value is None:
        return [s.name for s in _default_scenarios()]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [
            s["name"] for s in value if isinstance(s, Mapping) and isinstance(s.get("name"), str)
        ]
    return []


def isolated_recovery_errors(
    policy: Policy, catalog: Catalog, policy_source: str, catalog_source: str
) -> list[str]:
    """One line per tier whose ``isolated_recovery`` is not a key of ``catalog``.

    A tier names the clean room by its key in the catalog that the systems are evaluated
    with (the inventory's), which the policy file alone cannot check.
    """
    keys = ", ".join(repr(k) for k in catalog.isolated_recovery) or "none in that catalog"
    return [
        f"{policy_source}: tiers.{name}.isolated_recovery: {units.excerpt(tier.isolated_recovery)}"
        f" is not a key of the [isolated_recovery] section of the catalog of {catalog_source};"
        f" use one of {keys}, or leave it out"
        for name, tier in policy.tiers.items()
        if tier.isolated_recovery is not None
        and tier.isolated_recovery not in catalog.isolated_recovery
    ]


def load_inventory(
    path: str | Path,
    policy: Policy | Collection[str] | None = None,
    *,
    allow_outside: bool = False,
) -> Inventory:
    """Load and validate an inventory file.

    Parameters
    ----------
    path : str or Path
        TOML file with ``[[systems]]`` tables and an optional ``[catalog]`` table of
        overrides (or ``catalog.file``, relative to the inventory); ``"-"`` reads
        standard input.
    policy : Policy or collection of str, optional
        When given, every system's tier must be one of its tiers (or one of the names).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside the inventory file's directory.

    Returns
    -------
    Inventory

    Raises
    ------
    InputError
        With every problem of the file, one line each.
    """
    p = Path(path)
    return inventory_from_dict(
        read_toml(p), source=str(p), base=base_of(p), policy=policy, allow_outside=allow_outside
    )


def inventory_from_dict(
    data: Mapping[str, Any],
    *,
    source: str = "<inventory>",
    base: Path | None = None,
    policy: Policy | Collection[str] | None = None,
    allow_outside: bool = False,
) -> Inventory:
    """Validate an inventory given as nested mappings (the TOML schema).

    Parameters
    ----------
    data : Mapping
        The parsed file.
    source : str
        Name of the file, for error messages.
    base : Path, optional
        Directory that ``catalog.file`` is relative to (default: the working directory).
    policy : Policy or collection of str, optional
        When given, every system's tier must be one of its tiers (or one of the names).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside ``base``.

    Returns
    -------
    Inventory

    Raises
    ------
    InputError
        With every problem, one line each: each system is validated on its own, so the
        problems of all systems are reported together.
    """
    raw = dict(data)
    errors: list[str] = []
    allowed = {"name", "description", "systems", "catalog", *PORTFOLIO_FIELDS}
    for key in sorted(set(raw) - allowed):
        errors.append(
            f"{source}: {key}: {units.excerpt(key)} is not a known field; use [[systems]], "
            "[catalog], name or description (or the portfolio's "
            + ", ".join(PORTFOLIO_FIELDS)
            + ")"
        )
    catalog, catalog_errors = scenario_catalog(
        raw.get("catalog", {}), source=source, base=base, allow_outside=allow_outside
    )
    errors += catalog_errors
    currency = catalog.currency if catalog is not None else None
    raw_systems = raw.get("systems")
    if raw_systems is None:
        errors.append(f"{source}: systems: is required; add a [[systems]] table per system")
        raw_systems = []
    elif not isinstance(raw_systems, list) or not raw_systems:
        errors.append(
            f"{source}: systems: {units.excerpt(raw_systems)} is not a list of tables; add a "
            "[[systems]] "
            "table per system"
        )
        raw_systems = []
    names = [item.get("name") if isinstance(item, Mapping) else None for item in raw_systems]
    per_system: list[tuple[int, str]] = []  # (system index, line), reported by index

    def which(i: int) -> str:
        return f" (system {names[i]!r})" if isinstance(names[i], str) else ""

    systems: list[tuple[int, System]] = []
    for i, item in enumerate(raw_systems):
        try:
            systems.append((i, System.model_validate(item, context={"currency": currency})))
        except ValidationError as exc:
            per_system += [
                (i, line + which(i))
                for line in format_validation_error(exc, source, under=f"systems[{i}]")
            ]
    cross = _name_errors(names)
    if policy is not None:
        known = list(policy.tiers) if isinstance(policy, Policy) else list(policy)
        tiers = [item.get("tier") if isinstance(item, Mapping) else None for item in raw_systems]
        cross += _tier_errors(tiers, known)
    if catalog is not None:
        cross += _design_errors(systems, catalog)
        if isinstance(policy, Policy):
            errors += isolated_recovery_errors(policy, catalog, "the policy", source)
    for error in cross:
        i = int(error[0][1])
        suffix = "" if error[0][-1] == "name" else which(i)
        per_system += [(i, line + suffix) for line in _lines(source, [error])]
    errors += [line for _, line in sorted(per_system, key=lambda x: x[0])]
    for key in ("name", "description"):
        if not isinstance(raw.get(key, ""), str):
            errors.append(
                f"{source}: {key}: {units.excerpt(raw[key])} is not a text; use a quoted string"
            )
    if errors:
        raise InputError(errors)
    assert catalog is not None
    return Inventory.model_validate(
        {
            "name": raw.get("name", ""),
            "description": raw.get("description", ""),
            "systems": [s for _, s in systems],
            "catalog": catalog,
        },
        context={"references_checked": True},
    )

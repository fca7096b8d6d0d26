"""Deprecated names of renamed result fields, kept for one release.

A renamed field of a result model keeps its old name in two places: as a read-only
property that warns and returns the new field (:func:`renamed`), and as a key that
``model_validate`` and ``model_validate_json`` still accept in serialised results
written before the rename (:func:`accept_old_names`). Results serialise under the new
name only. docs/changelog.md (*Deprecated*) lists every renamed field.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["accept_old_names", "renamed"]


def _warn(owner: str, old: str, new: str, stacklevel: int) -> None:
    warnings.warn(
        f"{owner}.{old} is deprecated; use {owner}.{new} (same value)",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def renamed(obj: Any, old: str, new: str) -> Any:
    """The value of field ``new`` of ``obj``, read under its old name ``old``: warns.

    The body of the deprecated property ``old`` (a typed property, so that mypy and the
    API reference see it)::

        @property
        def total_outlay(self) -> float:
            return renamed(self, "total_outlay", "total_monthly_cost")
    """
    _warn(type(obj).__name__, old, new, stacklevel=4)
    return getattr(obj, new)


def accept_old_names(data: Any, owner: str, names: Mapping[str, str]) -> Any:
    """``data`` with each old key of ``names`` (old -> new) renamed, warning once per key.

    For a ``model_validator(mode="before")``: a serialised result written before a rename
    still loads. A mapping that holds both names is left alone, so the model's own
    "extra fields not permitted" error names the old key.
    """
    if not isinstance(data, Mapping) or not any(old in data for old in names):
        return data
    out = dict(data)
    for old, new in names.items():
        if old in out and new not in out:
            _warn(owner, old, new, stacklevel=5)
            out[new] = out.pop(old)
    return out

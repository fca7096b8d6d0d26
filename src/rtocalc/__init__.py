"""rtocalc: backup and disaster-recovery planning as numbers.

Model RPO, RTO, retention and backup frequency as cost functions, find the cheapest
design that meets the business ask, and explain what each ask costs.

The public API is small: the input models, :func:`cheapest`, :func:`evaluate` and
:func:`retention_storage`; :func:`check` with :class:`Policy` and :class:`Inventory` for
disaster-recovery policy as code (pytest helpers in :mod:`rtocalc.testing`). The
formula modules :mod:`rtocalc.physics`, :mod:`rtocalc.cost`, :mod:`rtocalc.protection`,
:mod:`rtocalc.ransomware` and :mod:`rtocalc.retention`,
and the parsers in :mod:`rtocalc.units` are public modules for planners who want the
equations on their own.

``import rtocalc`` loads no other module: every name (the input models and pydantic
included, numpy and scipy too) is imported on first use (:pep:`562`), so a script or a
CLI command pays only for what it uses.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names imported on first use, for type checkers
    from . import cost, physics, portfolio, protection, ransomware, units
    from ._versions import show_versions
    from .files import InputError, ScenarioFile, load_scenario
    from .models import (
        BusinessImpact,
        Catalog,
        Design,
        Requirements,
        Retention,
        Scenario,
        Workload,
    )
    from .negotiate import CounterOffer, Negotiation, negotiate
    from .optimize import cheapest, evaluate
    from .policy import CheckReport, Inventory, Policy, Tier, check, load_inventory, load_policy
    from .results import Plan, Reason, Result, ScenarioOutcome
    from .retention import StorageEstimate, retention_storage
    from .tradeoff import CostCurve, CostStep, Frontier, cost_curve, frontier
    from .uncertainty import (
        LogNormal,
        RobustChoice,
        Samples,
        Sensitivity,
        Simulation,
        Triangular,
        UncertainImpact,
        UncertainWorkload,
        Uniform,
        robust_cheapest,
        sensitivity,
        simulate,
    )
    from .units import UnitError

    __version__: str

#: module of each name imported on first use
_MODULES = frozenset({"cost", "physics", "portfolio", "protection", "ransomware", "units"})
_LAZY = {
    "BusinessImpact": "models",
    "Catalog": "models",
    "Design": "models",
    "Requirements": "models",
    "Retention": "models",
    "Scenario": "models",
    "Workload": "models",
    "UnitError": "units",
    "cheapest": "optimize",
    "evaluate": "optimize",
    "Plan": "results",
    "Reason": "results",
    "Result": "results",
    "ScenarioOutcome": "results",
    "StorageEstimate": "retention",
    "retention_storage": "retention",
    "InputError": "files",
    "ScenarioFile": "files",
    "load_scenario": "files",
    "show_versions": "_versions",
    "CounterOffer": "negotiate",
    "Negotiation": "negotiate",
    "negotiate": "negotiate",
    "CheckReport": "policy",
    "Inventory": "policy",
    "Policy": "policy",
    "Tier": "policy",
    "check": "policy",
    "load_inventory": "policy",
    "load_policy": "policy",
    "CostCurve": "tradeoff",
    "CostStep": "tradeoff",
    "Frontier": "tradeoff",
    "cost_curve": "tradeoff",
    "frontier": "tradeoff",
    "LogNormal": "uncertainty",
    "RobustChoice": "uncertainty",
    "Samples": "uncertainty",
    "Sensitivity": "uncertainty",
    "Simulation": "uncertainty",
    "Triangular": "uncertainty",
    "UncertainImpact": "uncertainty",
    "UncertainWorkload": "uncertainty",
    "Uniform": "uncertainty",
    "robust_cheapest": "uncertainty",
    "sensitivity": "uncertainty",
    "simulate": "uncertainty",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("rtocalc")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0"
    elif name in _MODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'rtocalc' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module: the function ``negotiate`` keeps its name when its module
    ``rtocalc.negotiate`` is imported (the import system then sets the package attribute
    of the same name to the module, as the eager import used to overwrite it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "negotiate" and isinstance(value, types.ModuleType):
            value = value.negotiate
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "BusinessImpact",
    "Catalog",
    "CheckReport",
    "CostCurve",
    "CostStep",
    "CounterOffer",
    "Design",
    "Frontier",
    "InputError",
    "Inventory",
    "LogNormal",
    "Negotiation",
    "Plan",
    "Policy",
    "Reason",
    "Requirements",
    "Result",
    "Retention",
    "RobustChoice",
    "Samples",
    "Scenario",
    "ScenarioFile",
    "ScenarioOutcome",
    "Sensitivity",
    "Simulation",
    "StorageEstimate",
    "Tier",
    "Triangular",
    "UncertainImpact",
    "UncertainWorkload",
    "Uniform",
    "UnitError",
    "Workload",
    "__version__",
    "cheapest",
    "check",
    "cost",
    "cost_curve",
    "evaluate",
    "frontier",
    "load_inventory",
    "load_policy",
    "load_scenario",
    "negotiate",
    "physics",
    "portfolio",
    "protection",
    "ransomware",
    "retention_storage",
    "robust_cheapest",
    "sensitivity",
    "show_versions",
    "simulate",
    "units",
]

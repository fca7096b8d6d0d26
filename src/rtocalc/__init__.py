"""rtocalc: backup and disaster-recovery planning as numbers.

Model RPO, RTO, retention and backup frequency as cost functions, find the cheapest
design that meets the business ask, and explain what each ask costs.

The public API is small: the input models, :func:`cheapest`, :func:`evaluate` and
:func:`retention_storage`; :func:`check` with :class:`Policy` and :class:`Inventory` for
disaster-recovery policy as code (pytest helpers in :mod:`rtocalc.testing`). The
formula modules :mod:`rtocalc.physics`, :mod:`rtocalc.cost` and :mod:`rtocalc.retention`,
and the parsers in :mod:`rtocalc.units` are public modules for planners who want the
equations on their own.
"""

from importlib.metadata import PackageNotFoundError, version

from . import cost, physics, portfolio, units
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

try:
    __version__ = version("rtocalc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
    "retention_storage",
    "robust_cheapest",
    "sensitivity",
    "show_versions",
    "simulate",
    "units",
]

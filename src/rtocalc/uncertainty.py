"""Uncertain inputs: Monte Carlo simulation, robust choice and sensitivity.

Planning figures are guesses: next year's change rate, growth and disaster rates are
known as ranges. This module lets the numeric inputs of a :class:`~rtocalc.Workload`
and the costs and scenario rates of a :class:`~rtocalc.BusinessImpact` be given as
distributions, and evaluates a design over many samples of them at once: every sample
is one row of a :class:`~rtocalc.space.WorkloadColumns`, and the design is repeated
per row, so one call of :func:`rtocalc.space.evaluate_space` evaluates all samples (no
per-sample Python loop).

Catalog prices may be distributions too (``prices=`` of :func:`simulate`,
:func:`robust_cheapest` and :func:`sensitivity`; the ``[catalog]`` table of a scenario
file): outlay is linear in each price, so per-sample costs are the outlay at the median
prices plus, per uncertain price, its deviation from the median times the outlay's slope
in it (see ``docs/uncertainty.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from . import cost, units
from ._distributions import (
    DIST_TYPES as _DIST_TYPES,
)
from ._distributions import Frozen as _Frozen
from ._distributions import LogNormal, Samples, Triangular, Uncertain, Uniform, has_spread
from ._distributions import draw as _draw
from ._distributions import median_of as _median
from ._distributions import quantile_of as _quantile
from ._frozen import FrozenDict, FrozenMap
from ._random import SeedLike, as_seed
from ._renamed import accept_old_names, renamed
from ._render import Column, Document, Lines, Rendered, Table
from ._search import cannot_win, cheapest_design
from .models import (
    BusinessImpact,
    Catalog,
    Design,
    Message,
    Requirements,
    Scenario,
    Workload,
    raise_errors,
)
from .space import (
    DesignSpace,
    FloatArray,
    WorkloadColumns,
    build_space,
    evaluate_space,
    has_immutable,
    has_offsite,
    row_costs,
    space_of,
)
from .units import FieldError

__all__ = [
    "LogNormal",
    "RobustChoice",
    "Samples",
    "Sensitivity",
    "SensitivityEntry",
    "Simulation",
    "Summary",
    "Triangular",
    "UncertainImpact",
    "UncertainWorkload",
    "Uniform",
    "load_uncertain_scenario",
    "parse_distribution",
    "parse_prices",
    "robust_cheapest",
    "sensitivity",
    "simulate",
]

_OPEN = Requirements(rpo={}, rto={})


# --- parsing -------------------------------------------------------------------------------

Kind = Literal[
    "size", "fraction", "growth", "ratio", "money_month", "money_hour", "throughput", "number"
]

_FORMS = (
    "'2 TB', a range '2 TB..4 TB' (uniform), 'triangular(2 TB, 3 TB, 5 TB)', "
    "'lognormal(median=3 TB, p90=5 TB)', 'samples(2 TB, 3 TB, 4 TB)' or a table "
    "{low, high} / {low, mode, high} / {median, p90} / {values}"
)


def _unit_parser(kind: str, field: str, currency: str | None) -> Callable[[Any], float]:
    def number(v: Any) -> float:
        try:
            if isinstance(v, str) and not v.isascii():  # other scripts' digits
                raise ValueError
            x = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError, OverflowError):
            raise units.UnitError(field, v, "number", "0.5") from None
        if isinstance(v, bool) or not (0.0 <= x < math.inf):
            raise units.UnitError(
                field, v, "number", "0.5", "must be a finite, non-negative number"
            )
        return x

    def change(v: Any) -> float:
        what, x = units.parse_daily_change(v, field=field)
        if what != "fraction":
            raise units.UnitError(
                field,
                v,
                "fraction",
                "'3%/day' or '2%/day..4%/day'",
                "is a size per day; give uncertain changes as fractions per day",
            )
        return x

    parsers: dict[str, Callable[[Any], float]] = {
        "size": lambda v: units.parse_size(v, field=field),
        "fraction": change,
        "growth": lambda v: units.parse_fraction(v, field=field, allow_above_one=True),
        "ratio": lambda v: units.parse_ratio(v, field=field),
        "money_month": lambda v: units.parse_money(v, field=field, per="month", currency=currency),
        "money_hour": lambda v: units.parse_money(v, field=field, per="hour", currency=currency),
        "throughput": lambda v: units.parse_throughput(v, field=field),
        "number": number,
    }
    if kind not in parsers:
        raise FieldError("kind", f"{kind!r} is not a field kind; use one of {sorted(parsers)}")
    return parsers[kind]


_CALL = re.compile(r"^\s*(triangular|lognormal|samples|uniform)\s*\((.*)\)\s*$", re.I | re.S)
_SPLIT = re.compile(r",(?!\d{3}(?!\d))")  # commas, but not thousands separators


def parse_distribution(
    value: Any, kind: str, field: str = "value", *, currency: str | None = None
) -> float | Uniform | Triangular | LogNormal | Samples:
    """Parse a value or a distribution of a field of the given kind.

    Parameters
    ----------
    value : object
        A plain value (number or text, e.g. ``"2 TB"``), a distribution object, a text
        (``"2 TB..4 TB"``, ``"triangular(2 TB, 3 TB, 5 TB)"``,
        ``"lognormal(median=3 TB, p90=5 TB)"``, ``"samples(2 TB, 3 TB)"``) or a table
        (``{low, high}``, ``{low, mode, high}``, ``{median, p90}``, ``{values}``).
    kind : str
        Unit kind of the field: ``"size"``, ``"fraction"`` (daily change), ``"growth"``,
        ``"ratio"``, ``"money_month"``, ``"money_hour"``, ``"throughput"``, ``"number"``.
    field : str, default "value"
        Field name, for error messages.
    currency : str, optional
        Currency that money amounts must be in.

    Returns
    -------
    float or Uniform or Triangular or LogNormal or Samples
        A plain value in the field's canonical unit, or a distribution in that unit.

    Raises
    ------
    rtocalc.UnitError
        Naming the field, the value and the accepted forms.

    Notes
    -----
    Every end point is parsed with the unit parser of the field (:mod:`rtocalc.units`),
    so its checks (sizes non-negative, ratios at least 1, ...) apply to each end.

    References
    ----------
    .. [1] D. Vose, *Risk Analysis: A Quantitative Guide*, 3rd ed., Wiley, 2008,
       ch. 9 (triangular and uniform expert estimates).

    Examples
    --------
    >>> parse_distribution("2 TB..4 TB", "size", "data_size")
    Uniform(kind='uniform', low=2000.0, high=4000.0)
    >>> parse_distribution("3%/day", "fraction", "daily_change")
    0.03
    """
    one = _unit_parser(kind, field, currency)

    def fail(problem: str) -> units.UnitError:
        return units.UnitError(field, value, "distribution", _FORMS, problem)

    try:
        if isinstance(value, _DIST_TYPES):
            return value
        if isinstance(value, Mapping):
            keys = set(value)
            if keys == {"low", "high"}:
                return Uniform(low=one(value["low"]), high=one(value["high"]))
            if keys == {"low", "mode", "high"}:
                return Triangular(
                    low=one(value["low"]), mode=one(value["mode"]), high=one(value["high"])
                )
            if keys == {"median", "p90"}:
                return LogNormal(median=one(value["median"]), p90=one(value["p90"]))
            if keys == {"values"} and isinstance(value["values"], list | tuple):
                return Samples(values=tuple(one(v) for v in value["values"]))
            raise fail("is not a distribution table")
        if isinstance(value, str):
            m = _CALL.match(value)
            if m:
                name = m.group(1).lower()
                args = [a.strip() for a in _SPLIT.split(m.group(2)) if a.strip()]
                named = dict(a.split("=", 1) for a in args if "=" in a)
                named = {k.strip().lower(): v.strip() for k, v in named.items()}
                plain = [a for a in args if "=" not in a]
                if name == "triangular" and len(plain) == 3 and not named:
                    lo, mo, hi = (one(a) for a in plain)
                    return Triangular(low=lo, mode=mo, high=hi)
                if name == "uniform" and len(plain) == 2 and not named:
                    return Uniform(low=one(plain[0]), high=one(plain[1]))
                if name == "lognormal" and not plain and set(named) == {"median", "p90"}:
                    return LogNormal(median=one(named["median"]), p90=one(named["p90"]))
                if name == "samples" and plain and not named:
                    return Samples(values=tuple(one(a) for a in plain))
                raise fail(f"has the wrong arguments for {name}()")
            if ".." in value:
                parts = value.split("..")
                if len(parts) != 2:
                    raise fail("is not a range")
                return Uniform(low=one(parts[0].strip()), high=one(parts[1].strip()))
        return one(value)
    except ValidationError as exc:
        raise fail("is not a valid distribution: " + exc.errors()[0]["msg"]) from None
    except units.UnitError as exc:
        if exc.value is value:
            raise
        raise units.UnitError(
            field, value, exc.kind, exc.expected, f"holds {exc.value!r}, which {exc.problem}"
        ) from None


# --- uncertain inputs --------------------------------------------------------------------

_WORKLOAD_KINDS: dict[str, str] = {
    "data_size": "size",
    "daily_change": "fraction",
    "annual_growth": "growth",
    "data_reduction": "ratio",
    "peak_write_rate": "throughput",
    "compute_cost": "money_month",
}
#: sampled values are clipped into each field's valid range (log-normal tails)
_CLIP: dict[str, tuple[float, float]] = {
    "data_size": (0.0, math.inf),
    "daily_change": (0.0, 1.0),
    "annual_growth": (0.0, math.inf),
    "data_reduction": (1.0, math.inf),
    "peak_write_rate": (0.0, math.inf),
    "compute_cost": (0.0, math.inf),
    "downtime_cost": (0.0, math.inf),
    "data_loss_cost": (0.0, math.inf),
}


def _currency(info: Any) -> str | None:
    ctx = getattr(info, "context", None)
    return ctx.get("currency") if isinstance(ctx, Mapping) else None


class UncertainWorkload(_Frozen):
    """A :class:`~rtocalc.Workload` whose numeric fields may be distributions.

    Each of ``data_size``, ``daily_change``, ``annual_growth``, ``data_reduction``,
    ``peak_write_rate`` and ``compute_cost`` takes what :class:`~rtocalc.Workload` takes,
    or a distribution (see :func:`parse_distribution`); values are held in the
    Workload's canonical units. Samples outside a field's valid range (a log-normal tail
    above 100%/day) are clipped into it.

    Examples
    --------
    >>> w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="3%/day")
    >>> w.median().data_size
    3000.0
    """

    data_size: Uncertain = Field(description="Protected data today [GB].")
    daily_change: Uncertain = Field(0.03, description="Unique change per day [1/day].")
    annual_growth: Uncertain = Field(0.0, description="Compound growth per year [1/year].")
    data_reduction: Uncertain = Field(1.0, description="Data reduction ratio [-].")
    peak_write_rate: Uncertain | None = Field(
        None, description="Peak write rate today [GB/h]; None: daily change over 8 h."
    )
    compute_cost: Uncertain = Field(0.0, description="Production compute [currency/month].")
    secondary_distance_km: float = Field(50.0, description="Distance to the secondary site [km].")
    horizon: float = Field(3.0, description="Planning horizon [year].")
    kind: Literal["server", "database"] = Field(
        "server", description="'server' or 'database' (see Workload.kind)."
    )

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any, info: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        errors: list[tuple[tuple[str | int, ...], Message, Any]] = []
        for name, kind in _WORKLOAD_KINDS.items():
            if name in out and out[name] is not None:
                try:
                    out[name] = parse_distribution(out[name], kind, name, currency=_currency(info))
                except units.UnitError as exc:
                    errors.append(((name,), exc, out[name]))
        if errors:
            raise_errors(cls.__name__, errors)
        return out

    @model_validator(mode="after")
    def _check_median(self) -> UncertainWorkload:
        self.median()  # the Workload's own checks on the median inputs
        return self

    @classmethod
    def of(cls, workload: Workload) -> UncertainWorkload:
        """The (degenerate) uncertain workload of a plain one."""
        return cls.model_validate(workload.model_dump())

    def at(self, q: Mapping[str, float] | float = 0.5) -> Workload:
        """The Workload with each uncertain field at quantile ``q`` (per field or for all)."""
        values: dict[str, Any] = {}
        for name in _WORKLOAD_KINDS:
            x = getattr(self, name)
            if x is None:
                values[name] = None
                continue
            qq = q.get(name, 0.5) if isinstance(q, Mapping) else q
            lo, hi = _CLIP[name]
            values[name] = float(np.clip(_quantile(x, qq), lo, hi))
        values["secondary_distance_km"] = self.secondary_distance_km
        values["horizon"] = self.horizon
        values["kind"] = self.kind
        return Workload.model_validate(values)

    def median(self) -> Workload:
        """The Workload at the median of every field."""
        return self.at(0.5)

    def uncertain(self) -> tuple[str, ...]:
        """Names of the fields with a spread (p5 != p95)."""
        return tuple(
            n for n in _WORKLOAD_KINDS if (x := getattr(self, n)) is not None and has_spread(x)
        )


class UncertainImpact(_Frozen):
    """A :class:`~rtocalc.BusinessImpact` whose costs and scenario rates may be distributions.

    Examples
    --------
    >>> imp = UncertainImpact(downtime_cost="$1,000/h..$3,000/h", rates={"site": "0.01..0.03"})
    >>> imp.median().downtime_cost
    2000.0
    """

    downtime_cost: Uncertain = Field(0.0, description="Cost of an hour of downtime [currency/h].")
    data_loss_cost: Uncertain = Field(0.0, description="Cost of an hour of lost work [currency/h].")
    scenarios: tuple[Scenario, ...] = Field(
        default_factory=lambda: BusinessImpact().scenarios,
        description="Disruptions planned for (rates as the median if uncertain).",
    )
    rates: FrozenMap[str, Uncertain] = Field(
        default_factory=FrozenDict,
        description="Uncertain annual rates by scenario name or scope [1/year]; others as given.",
    )

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any, info: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        errors: list[tuple[tuple[str | int, ...], Message, Any]] = []
        for name in ("downtime_cost", "data_loss_cost"):
            if name in out:
                try:
                    out[name] = parse_distribution(
                        out[name], "money_hour", name, currency=_currency(info)
                    )
                except units.UnitError as exc:
                    errors.append(((name,), exc, out[name]))
        rates = out.get("rates", {})
        if isinstance(rates, Mapping):
            parsed = {}
            for k, v in rates.items():
                try:
                    parsed[k] = parse_distribution(v, "number", f"rates.{k}")
                except units.UnitError as exc:
                    errors.append((("rates", k), exc, v))
            out["rates"] = parsed
        if errors:
            raise_errors(cls.__name__, errors)
        return out

    @model_validator(mode="after")
    def _known(self) -> UncertainImpact:
        names = [s.name for s in self.scenarios] + [s.scope for s in self.scenarios]
        unknown = sorted(set(self.rates) - set(names))
        if unknown:
            raise FieldError(
                "rates", f"{unknown} name no planned scenario; use a scenario name or scope "
                f"of {names}"
            )
        self.median()
        return self

    @classmethod
    def of(cls, impact: BusinessImpact) -> UncertainImpact:
        """The (degenerate) uncertain impact of a plain one."""
        return cls(
            downtime_cost=impact.downtime_cost,
            data_loss_cost=impact.data_loss_cost,
            scenarios=impact.scenarios,
        )

    def at(self, q: Mapping[str, float] | float = 0.5) -> BusinessImpact:
        """The BusinessImpact with each uncertain figure at quantile ``q``."""

        def qq(name: str) -> float:
            return q.get(name, 0.5) if isinstance(q, Mapping) else q

        scen = tuple(
            s.model_copy(update={"rate": max(0.0, _quantile(self.rates[k], qq(f"rate.{k}")))})
            if (k := self.rate_key(s)) is not None
            else s
            for s in self.scenarios
        )
        return BusinessImpact(
            downtime_cost=max(0.0, _quantile(self.downtime_cost, qq("downtime_cost"))),
            data_loss_cost=max(0.0, _quantile(self.data_loss_cost, qq("data_loss_cost"))),
            scenarios=scen,
        )

    def rate_key(self, scenario: Scenario) -> str | None:
        """The key of ``rates`` that sets a scenario's rate (its name, else its scope)."""
        for key in (scenario.name, scenario.scope):
            if key in self.rates:
                return key
        return None

    def median(self) -> BusinessImpact:
        """The BusinessImpact at the median of every figure."""
        return self.at(0.5)

    def inputs(self) -> dict[str, Uncertain]:
        """Every figure by input name (``downtime_cost``, ``rate.<scenario>``, ...)."""
        out: dict[str, Uncertain] = {
            "downtime_cost": self.downtime_cost,
            "data_loss_cost": self.data_loss_cost,
        }
        out.update({f"rate.{k}": v for k, v in self.rates.items()})
        return out


# --- uncertain catalog prices ----------------------------------------------------------------

#: uncertain catalog fields: table -> field -> unit kind
_PRICE_FIELDS: dict[str, dict[str, str]] = {
    "targets": {"price_per_gb_month": "number"},
    "links": {"price_per_month": "money_month"},
    "offsite": {"price_per_month": "money_month"},
    "strategies": {"standby_fraction": "growth"},
}
_PRICE_FORMS = ", ".join(f"'{t}.<key>.{f}'" for t, fs in _PRICE_FIELDS.items() for f in fs)

Prices = Mapping[str, Any]


def parse_prices(prices: Prices | None, catalog: Catalog) -> dict[str, Uncertain]:
    """Validate uncertain catalog prices, keyed ``"<table>.<key>.<field>"``.

    ``prices`` maps e.g. ``"targets.object_hot.price_per_gb_month"`` to a value or a
    distribution (as :func:`parse_distribution` takes; a per-GB price and a standby
    fraction are plain numbers, link and off-site fees money per month). Uncertain fields:
    targets' ``price_per_gb_month``, links' and off-site methods' ``price_per_month``,
    strategies' ``standby_fraction``.

    Parameters
    ----------
    prices : mapping of str to value or distribution, optional
        The uncertain prices by key; None for none.
    catalog : Catalog
        The catalog whose entries the keys name.

    Returns
    -------
    dict of str to Uncertain
        The validated distributions by key.

    Raises
    ------
    ValueError
        Naming every key or value that is not accepted, with the accepted forms.
    """
    out: dict[str, Uncertain] = {}
    errors: list[str] = []
    for key, value in (prices or {}).items():
        parts = str(key).split(".")
        if len(parts) != 3 or parts[2] not in _PRICE_FIELDS.get(parts[0], {}):
            errors.append(f"prices: {key!r} is not an uncertain catalog price; use {_PRICE_FORMS}")
            continue
        table = getattr(catalog, parts[0])
        if parts[1] not in table:
            errors.append(
                f"prices: {key!r}: the catalog has no {parts[0]} entry {parts[1]!r}; use one "
                f"of {sorted(table)}"
            )
            continue
        try:
            kind = _PRICE_FIELDS[parts[0]][parts[2]]
            out[key] = parse_distribution(value, kind, key, currency=catalog.currency)
        except units.UnitError as exc:
            errors.append(str(exc))
    if errors:
        raise ValueError("; ".join(errors))
    return out


def _price_changes(values: Mapping[str, float]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, v in values.items():
        t, name, field = key.split(".")
        nested.setdefault(t, {}).setdefault(name, {})[field] = v
    return nested


def median_catalog(catalog: Catalog, prices: Mapping[str, Uncertain]) -> Catalog:
    """The catalog with every uncertain price at its median."""
    if not prices:
        return catalog
    return catalog.override(_price_changes({k: _median(x) for k, x in prices.items()}))


def _price_delta(
    space: Any,
    interval: FloatArray,
    cols: WorkloadColumns,
    requirements: Requirements | None,
    catalog: Catalog,
    prices: Mapping[str, Uncertain],
    values: Mapping[str, FloatArray],
) -> FloatArray:
    """Outlay per row at the price ``values`` minus the outlay at the median prices.

    ``catalog`` holds the median prices. Outlay is linear in each price, so the change is
    the sum over prices of (value - median) times the slope, the outlay's change for a
    unit rise of that price alone (two :func:`row_costs` calls per price).
    """
    n = len(interval)
    delta = np.zeros(n)
    if not prices:
        return delta
    ret = (requirements if requirements is not None else _OPEN).retention
    base = row_costs(space, interval, cols, ret, catalog).outlay
    for key, x in prices.items():
        t, name, field = key.split(".")
        m = getattr(getattr(catalog, t)[name], field)
        dv = np.asarray(values[key], dtype=float) - _median(x)
        if not np.any(dv != 0.0):
            continue
        plus = catalog.override(_price_changes({key: m + 1.0}))
        slope = row_costs(space, interval, cols, ret, plus).outlay - base
        delta = delta + dv * slope
    return np.asarray(delta, dtype=float)


def _draw_prices(
    prices: Mapping[str, Uncertain], n: int, rng: np.random.Generator
) -> dict[str, FloatArray]:
    return {k: np.maximum(_draw(x, n, rng), 0.0) for k, x in prices.items()}


# --- drawing samples -----------------------------------------------------------------------


def as_uncertain(
    workload: Workload | UncertainWorkload, impact: BusinessImpact | UncertainImpact | None
) -> tuple[UncertainWorkload, UncertainImpact]:
    if isinstance(workload, Workload):
        workload = UncertainWorkload.of(workload)
    elif not isinstance(workload, UncertainWorkload):
        raise TypeError(
            f"workload: expected a rtocalc.Workload or UncertainWorkload, got "
            f"{type(workload).__name__}"
        )
    if impact is None:
        impact = UncertainImpact()
    elif isinstance(impact, BusinessImpact):
        impact = UncertainImpact.of(impact)
    elif not isinstance(impact, UncertainImpact):
        raise TypeError(
            f"impact: expected a rtocalc.BusinessImpact or UncertainImpact, got "
            f"{type(impact).__name__}"
        )
    return workload, impact


def _draw_inputs(
    uw: UncertainWorkload, ui: UncertainImpact, n: int, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """Independent draws of every input, in a fixed order (so a seed reproduces them)."""
    out: dict[str, FloatArray] = {}
    for name in _WORKLOAD_KINDS:
        x = getattr(uw, name)
        if x is not None:
            lo, hi = _CLIP[name]
            out[name] = np.clip(_draw(x, n, rng), lo, hi)
    for name, x in ui.inputs().items():
        out[name] = np.maximum(_draw(x, n, rng), 0.0)
    return out


def _columns(uw: UncertainWorkload, draws: Mapping[str, FloatArray]) -> WorkloadColumns:
    """Workload columns of the draws, one sample per row."""
    size, change = draws["data_size"], draws["daily_change"]
    n = len(size)
    peak = draws.get("peak_write_rate")
    return WorkloadColumns(
        data_size=size,
        daily_change=change,
        annual_growth=draws["annual_growth"],
        data_reduction=draws["data_reduction"],
        peak_rate=np.asarray(size * change / 8.0 if peak is None else peak, dtype=float),
        compute_cost=draws["compute_cost"],
        secondary_distance_km=np.full(n, uw.secondary_distance_km),
        horizon=np.full(n, uw.horizon),
    )


def _eal(
    ui: UncertainImpact,
    draws: Mapping[str, FloatArray],
    rto: FloatArray,
    rpo: FloatArray,
    incident: FloatArray,
) -> FloatArray:
    """Expected annual loss per row with per-row costs and rates (rows last); ``incident``
    is the provider charges of each scenario's recovery (S, N) [currency]."""
    n = rto.shape[-1]
    rates = np.stack(
        [
            draws[f"rate.{k}"] if (k := ui.rate_key(s)) is not None else np.full(n, s.rate)
            for s in ui.scenarios
        ]
    )
    return np.asarray(
        cost.expected_annual_loss(
            rates,
            rto,
            rpo,
            draws["downtime_cost"],
            draws["data_loss_cost"],
            incident_cost=incident,
            axis=0,
        ),
        dtype=float,
    ) * np.ones(n)


# --- results -------------------------------------------------------------------------------


class Summary(Rendered, _Frozen):
    """Quantile summary of a simulated quantity (in the quantity's unit)."""

    p5: float = Field(description="5th percentile.")
    p50: float = Field(description="Median.")
    p95: float = Field(description="95th percentile.")
    mean: float = Field(description="Mean (inf when any sample is inf).")
    min: float = Field(description="Smallest sample.")
    max: float = Field(description="Largest sample.")

    @classmethod
    def of(cls, x: FloatArray) -> Summary:
        """Summary of the samples ``x``."""
        a = np.asarray(x, dtype=float)
        with np.errstate(invalid="ignore"):
            qs = np.quantile(a, [0.05, 0.5, 0.95])
        if np.isnan(qs).any():  # interpolating between infinite samples
            qs = np.where(np.isnan(qs), np.quantile(a, [0.05, 0.5, 0.95], method="higher"), qs)
        p5, p50, p95 = (float(v) for v in qs)
        with np.errstate(invalid="ignore"):
            mean = float(a.mean())
        return cls(p5=p5, p50=p50, p95=p95, mean=mean, min=float(a.min()), max=float(a.max()))

    def _document_(self) -> Document:
        return Document("", (_summary_table("number", (("", "", self),)),))


#: the columns of a table of summaries; ``kind`` formats the numbers
def _summary_table(
    kind: Any, rows: tuple[tuple[str, str, Summary], ...], title: str = "", per: str = "mo"
) -> Table:
    columns = (
        Column("quantity", "quantity"),
        Column("unit", "unit", show=kind == "number"),
        *(
            Column(key, name, kind, per=per)
            for key, name in (("p5", "p5"), ("p50", "median"), ("p95", "p95"), ("mean", "mean"))
        ),
        Column("min", "min", kind, per=per, show=False),
        Column("max", "max", kind, per=per, show=False),
    )
    values = tuple(
        (label, unit, s.p5, s.p50, s.p95, s.mean, s.min, s.max) for label, unit, s in rows
    )
    return Table(columns, values, title)


def _fmt_h(h: float) -> str:
    return units.format_duration(h, digits=3)


class Simulation(Rendered, _Frozen):
    """Monte Carlo outcome of one design over uncertain inputs.

    Raw samples are available with :meth:`values` (not serialised).
    """

    design: Design = Field(description="The simulated design (interval as evaluated).")
    samples: int = Field(description="Number of samples [-].")
    seed: int | None = Field(description="Seed of numpy.random.default_rng.")
    currency: str = Field(description="Currency of the costs (ISO 4217).")
    requirements: Requirements | None = Field(description="The ask checked, or None.")
    monthly_cost: Summary = Field(description="Monthly outlay [currency/month].")
    expected_annual_loss: Summary = Field(description="Expected annual loss [currency/year].")
    rpo: dict[str, Summary] = Field(description="RPO by scenario name [h].")
    rto: dict[str, Summary] = Field(description="RTO by scenario name [h].")
    worst_rpo: Summary = Field(description="Worst RPO over scenarios in scope [h].")
    worst_rto: Summary = Field(description="Worst RTO over scenarios in scope [h].")
    p_meets: float | None = Field(
        description="Fraction of samples meeting the whole ask (every scenario, backup "
        "window, link, off-site, immutable) [-]; None without requirements."
    )
    p_meets_scenario: dict[str, float] = Field(
        description="Fraction of samples meeting each scenario's RPO and RTO [-]."
    )
    p_meets_rpo: dict[str, float] = Field(
        description="Fraction of samples within each scenario's RPO limit [-]."
    )
    p_meets_rto: dict[str, float] = Field(
        description="Fraction of samples within each scenario's RTO limit [-]."
    )
    inputs: dict[str, Summary] = Field(description="The sampled inputs (canonical units).")

    _arrays: dict[str, FloatArray] = PrivateAttr(default_factory=dict)

    def values(self, name: str) -> FloatArray:
        """Raw samples: ``monthly_cost``, ``eal``, ``rpo:<scenario>``, ``rto:<scenario>``,
        ``feasible`` (0/1) or an input name."""
        if name not in self._arrays:
            raise KeyError(f"{name!r}: not simulated; use one of {sorted(self._arrays)}")
        return self._arrays[name]

    def _rows(self) -> list[tuple[str, str, Summary]]:
        rows = [("monthly cost", f"{self.currency}/month", self.monthly_cost)]
        rows.append(("expected annual loss", f"{self.currency}/year", self.expected_annual_loss))
        for name in self.rpo:
            rows.append((f"RPO {name}", "h", self.rpo[name]))
            rows.append((f"RTO {name}", "h", self.rto[name]))
        return rows

    def _cells(self) -> list[tuple[str, list[str]]]:
        """Label and p5, median, p95, mean of every row, through the units formatters
        (durations with their unit, "no recovery" and "unbounded" for infinities)."""
        out = []
        for label, unit, s in self._rows():
            vals = [s.p5, s.p50, s.p95, s.mean]
            if unit == "h":
                out.append((label, [units.format_duration(v, digits=3) for v in vals]))
            else:
                money = [units.format_money(v, self.currency, per=None) for v in vals]
                out.append((f"{label} [{unit}]", money))
        return out

    def _head(self) -> str:
        d = self.design
        p = "n/a" if self.p_meets is None else f"{self.p_meets:.1%}"
        return (
            f"Simulation of {d.target} every {_fmt_h(d.interval)} ({d.scheme}, off-site "
            f"{d.offsite}, replication {d.replication}, strategy {d.strategy}) over "
            f"{self.samples} samples (seed {self.seed}); meets the ask in {p} of samples"
        )

    def _document_(self) -> Document:
        cur = self.currency
        costs = (("monthly cost", f"{cur}/month", self.monthly_cost),)
        losses = (("expected annual loss", f"{cur}/year", self.expected_annual_loss),)
        times = tuple(
            row
            for name in self.rpo
            for row in ((f"RPO {name}", "h", self.rpo[name]), (f"RTO {name}", "h", self.rto[name]))
        )
        blocks: list[Lines | Table] = [
            _summary_table("money", costs, "Costs over the samples"),
            _summary_table("money", losses, per="yr"),
            _summary_table("hours", times, "Recovery per scenario"),
        ]
        if self.p_meets_scenario:
            columns = (
                Column("scenario", "scenario"),
                Column("p_meets", "meets", "fraction"),
                Column("p_meets_rpo", "meets RPO", "fraction"),
                Column("p_meets_rto", "meets RTO", "fraction"),
            )
            rows = tuple(
                (n, p, self.p_meets_rpo.get(n), self.p_meets_rto.get(n))
                for n, p in self.p_meets_scenario.items()
            )
            blocks.append(Table(columns, rows, "Share of samples meeting the ask"))
        frame = _summary_table("number", (*costs, *losses, *times))
        return Document(self._head(), tuple(blocks), cur, frame)


def _check_samples(samples: int) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise FieldError("samples", f"{samples!r} is not a positive whole number; use e.g. 10_000")


#: samples per evaluation call of :func:`simulate`: the kernel's working set is that of one
#: block, and the results are the same whatever its size (every metric of a row depends on
#: that row alone)
_BLOCK = 16_384


def _simulate_design(
    design: Design,
    uw: UncertainWorkload,
    ui: UncertainImpact,
    requirements: Requirements | None,
    catalog: Catalog,
    samples: int,
    seed: int | None,
    prices: Mapping[str, Uncertain] | None = None,
) -> Simulation:
    prices = prices or {}
    rng = np.random.default_rng(seed)
    draws = _draw_inputs(uw, ui, samples, rng)
    price_draws = _draw_prices(prices, samples, rng)
    cat = median_catalog(catalog, prices)
    one = space_of(cat, design)
    req = requirements if requirements is not None else _OPEN
    med = ui.median()
    n_s = len(ui.scenarios)
    outlay, eal = np.empty(samples), np.empty(samples)
    feasible = np.empty(samples, dtype=bool)
    rpo, rto = np.empty((n_s, samples)), np.empty((n_s, samples))
    meets = np.empty((n_s, samples), dtype=bool)
    worst_rpo, worst_rto = np.empty(samples), np.empty(samples)
    rpo_limit = rto_limit = np.full(n_s, np.inf)
    for start in range(0, samples, _BLOCK):
        stop = min(start + _BLOCK, samples)
        space = one.take(np.zeros(stop - start, dtype=np.int64))
        part = {k: v[start:stop] for k, v in draws.items()}
        # columns of their own (not rows of the whole sample's): the kernel's per-workload
        # figures are then computed for the block's rows only
        c = _columns(uw, part)
        ev = evaluate_space(space, c, req, med, cat)
        outlay[start:stop] = ev.outlay + _price_delta(
            space,
            ev.interval,
            c,
            requirements,
            cat,
            prices,
            {k: v[start:stop] for k, v in price_draws.items()},
        )
        eal[start:stop] = _eal(ui, part, ev.rto, ev.rpo, ev.restore_cost)
        feasible[start:stop] = ev.feasible
        rpo[:, start:stop], rto[:, start:stop] = ev.rpo, ev.rto
        meets[:, start:stop] = ev.meets_scenario
        worst_rpo[start:stop], worst_rto[start:stop] = ev.worst_rpo, ev.worst_rto
        rpo_limit, rto_limit = ev.rpo_limit, ev.rto_limit
    names = [s.name for s in ui.scenarios]
    draws = {**draws, **price_draws}
    arrays: dict[str, FloatArray] = {"monthly_cost": outlay, "eal": eal, **draws}
    arrays["feasible"] = feasible.astype(float)
    for i, name in enumerate(names):
        arrays[f"rpo:{name}"] = rpo[i]
        arrays[f"rto:{name}"] = rto[i]
    tol = units.TOL
    has_req = requirements is not None
    sim = Simulation(
        design=design,
        samples=samples,
        seed=seed,
        currency=catalog.currency,
        requirements=requirements,
        monthly_cost=Summary.of(outlay),
        expected_annual_loss=Summary.of(eal),
        rpo={n: Summary.of(rpo[i]) for i, n in enumerate(names)},
        rto={n: Summary.of(rto[i]) for i, n in enumerate(names)},
        worst_rpo=Summary.of(worst_rpo),
        worst_rto=Summary.of(worst_rto),
        p_meets=float(feasible.mean()) if has_req else None,
        p_meets_scenario=(
            {n: float(meets[i].mean()) for i, n in enumerate(names)} if has_req else {}
        ),
        p_meets_rpo=(
            {n: float((rpo[i] <= rpo_limit[i] + tol).mean()) for i, n in enumerate(names)}
            if has_req
            else {}
        ),
        p_meets_rto=(
            {n: float((rto[i] <= rto_limit[i] + tol).mean()) for i, n in enumerate(names)}
            if has_req
            else {}
        ),
        inputs={k: Summary.of(v) for k, v in draws.items()},
    )
    sim._arrays.update(arrays)
    return sim


def _median_design(
    uw: UncertainWorkload, requirements: Requirements, ui: UncertainImpact, catalog: Catalog
) -> Design:
    design = cheapest_design(uw.median(), requirements, ui.median(), catalog)
    if design is None:
        raise FieldError(
            "design_or_requirements", "no design meets the ask at the median inputs; call "
            "rtocalc.cheapest(...) on the median workload for the reasons, or pass a Design"
        )
    return design


def simulate(
    workload: Workload | UncertainWorkload,
    design_or_requirements: Design | Requirements,
    *,
    samples: int = 10_000,
    seed: SeedLike = None,
    impact: BusinessImpact | UncertainImpact | None = None,
    catalog: Catalog | None = None,
    requirements: Requirements | None = None,
    prices: Prices | None = None,
) -> Simulation:
    """Monte Carlo simulation of a design (or of the cheapest plan) over uncertain inputs.

    Parameters
    ----------
    workload : Workload or UncertainWorkload
        The protected system; numeric fields may be distributions.
    design_or_requirements : Design or Requirements
        A design to simulate (its interval as given), or an ask: the design is then the
        cheapest one at the median inputs (:func:`rtocalc.cheapest`), and the ask is
        checked in every sample.
    samples : int, default 10000
        Number of Monte Carlo samples [-].
    seed : int or numpy.random.Generator, optional
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same numbers.
        A generator gives one integer seed drawn from it, recorded in the result.
    impact : BusinessImpact or UncertainImpact, optional
        Costs and scenarios; costs and rates may be distributions. Default: the shipped
        scenarios, zero costs.
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    requirements : Requirements, optional
        With a design: the ask to check (probabilities are None/empty without one).
        Only with a design: when ``design_or_requirements`` is the ask, giving one here
        too is a ``TypeError`` (the ask is given once).
    prices : mapping, optional
        Uncertain catalog prices by ``"<table>.<key>.<field>"`` (see
        :func:`parse_prices`), e.g. ``{"targets.object_hot.price_per_gb_month":
        "0.02..0.03"}``; the catalog's other prices are as given.

    Returns
    -------
    Simulation
        Quantile summaries of cost, expected loss, RPO and RTO per scenario, and the
        fraction of samples meeting the ask.

    Notes
    -----
    Inputs are drawn independently, in a fixed order, from one generator. The samples
    become the rows of a :class:`rtocalc.space.WorkloadColumns` and the design is repeated
    once per row, so the model is evaluated for all samples in one broadcast call; the
    expected annual loss is recomputed per row with the sampled costs and rates,
    :math:`\\mathrm{EAL} = \\sum_s \\lambda_s (\\mathrm{RTO}_s c_{down} +
    \\mathrm{RPO}_s c_{loss})`.
    With degenerate distributions every sample equals :func:`rtocalc.evaluate`.

    References
    ----------
    .. [1] N. Metropolis and S. Ulam, "The Monte Carlo method", *J. Am. Stat. Assoc.*
       44(247), 335-341, 1949. https://doi.org/10.1080/01621459.1949.10483310

    Examples
    --------
    >>> from rtocalc import Design
    >>> w = UncertainWorkload(data_size="2 TB..4 TB")
    >>> sim = simulate(w, Design(interval="24 h", target="local_disk"), samples=1000, seed=1)
    >>> sim.monthly_cost.p5 <= sim.monthly_cost.p50 <= sim.monthly_cost.p95
    True
    """
    _check_samples(samples)
    uw, ui = as_uncertain(workload, impact)
    catalog = catalog if catalog is not None else Catalog.default()
    parsed = parse_prices(prices, catalog)
    if isinstance(design_or_requirements, Requirements):
        if requirements is not None:
            raise TypeError(
                "requirements: the ask is already given as design_or_requirements; give "
                "requirements= only with a Design, e.g. simulate(workload, design, "
                "requirements=ask), or the ask alone, simulate(workload, ask)"
            )
        requirements = design_or_requirements
        design = _median_design(uw, requirements, ui, median_catalog(catalog, parsed))
    elif isinstance(design_or_requirements, Design):
        design = design_or_requirements
    else:
        raise TypeError(
            "design_or_requirements: expected a rtocalc.Design or rtocalc.Requirements, got "
            f"{type(design_or_requirements).__name__}"
        )
    return _simulate_design(
        design, uw, ui, requirements, catalog, samples, as_seed(seed), parsed
    )


# --- robust choice -------------------------------------------------------------------------


class RobustChoice(Rendered, _Frozen):
    """The cheapest design meeting the ask in at least a given fraction of samples."""

    feasible: bool = Field(description="A design reaches the confidence.")
    design: Design | None = Field(description="The chosen design, or None.")
    probability: float | None = Field(
        description="Fraction of samples in which the chosen design meets the ask [-]."
    )
    monthly_cost: float | None = Field(
        description="Outlay at the median inputs [currency/month] (the objective)."
    )
    mean_monthly_cost: float | None = Field(
        description="Mean outlay over the samples [currency/month]."
    )
    confidence: float = Field(description="Required fraction of samples [-].")
    samples: int = Field(description="Number of samples [-].")
    seed: int | None = Field(description="Seed of numpy.random.default_rng.")
    median_design: Design | None = Field(
        description="The cheapest design at the median inputs (rtocalc.cheapest), or None."
    )
    median_probability: float | None = Field(
        description="Fraction of samples in which median_design meets the ask [-]."
    )
    best_probability: float | None = Field(
        None,
        description="Highest fraction of samples meeting the ask over the candidates "
        "simulated [-]; None when no candidate was simulated.",
    )
    candidates: int = Field(
        description="Candidate designs: those meeting the ask at some stressed input [-]."
    )
    evaluated: int = Field(
        description="Candidate designs whose interval was searched before the search "
        "stopped [-]."
    )
    currency: str = Field(description="Currency of the costs (ISO 4217).")

    def _document_(self) -> Document:
        if self.design is None:
            title = (
                f"No design meets the ask in {self.confidence:.0%} of {self.samples} samples "
                f"({self.candidates} candidates tried)"
            )
        else:
            d = self.design
            cost = Column("", "", "money").cell(self.monthly_cost, self.currency)
            title = (
                f"{d.target} every {_fmt_h(d.interval)} ({d.scheme}, off-site {d.offsite}, "
                f"replication {d.replication}, strategy {d.strategy}): {cost} at the median "
                f"inputs, meets the ask in {self.probability or 0.0:.1%} of {self.samples} "
                f"samples (the cheapest at the median meets it in "
                f"{self.median_probability or 0.0:.1%})"
            )
        columns = (
            Column("choice", "design"),
            Column("interval", "interval", "hours", infinite="-"),
            Column("monthly_cost", "outlay at the median inputs", "money"),
            Column("mean_monthly_cost", "mean outlay", "money"),
            Column("probability", "meets the ask", "fraction"),
        )
        rows = []
        if self.design is not None:
            rows.append(
                (
                    "robust choice", self.design.interval, self.monthly_cost,
                    self.mean_monthly_cost, self.probability,
                )
            )  # fmt: skip
        if self.median_design is not None:
            rows.append(
                (
                    "cheapest at the median", self.median_design.interval, None, None,
                    self.median_probability,
                )
            )  # fmt: skip
        table = Table(columns, tuple(rows))
        footer = Lines(
            (
                f"Confidence {self.confidence:.1%}; {self.evaluated:,d} of "
                f"{self.candidates:,d} candidates simulated over {self.samples:,d} samples "
                f"(seed {self.seed}).",
            )
        )
        return Document(title, (table, footer), self.currency)


#: rows (candidate x sample) of a batch of candidates of the robust search (evaluated in
#: blocks of :data:`_BLOCK` rows)
_BATCH_ROWS = 200_000
#: quantile levels (adverse side) at which candidate intervals are solved
_LEVELS = (0.5, 0.75, 0.9, 0.95, 0.99)


def robust_cheapest(
    workload: Workload | UncertainWorkload,
    requirements: Requirements,
    *,
    confidence: float = 0.9,
    samples: int = 10_000,
    seed: SeedLike = None,
    impact: BusinessImpact | UncertainImpact | None = None,
    catalog: Catalog | None = None,
    prices: Prices | None = None,
) -> RobustChoice:
    """The cheapest design that meets the ask in at least ``confidence`` of the samples.

    Parameters
    ----------
    workload : Workload or UncertainWorkload
        The protected system; numeric fields may be distributions.
    requirements : Requirements
        The ask.
    confidence : float, default 0.9
        Required fraction of samples meeting the whole ask, in (0, 1] [-].
    samples : int, default 10000
        Number of Monte Carlo samples [-].
    seed : int or numpy.random.Generator, optional
        Seed of :func:`numpy.random.default_rng`; a generator gives one integer seed drawn
        from it, recorded in the result.
    impact : BusinessImpact or UncertainImpact, optional
        As for :func:`simulate`.
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    prices : mapping, optional
        Uncertain catalog prices, as for :func:`simulate`; the objective uses their
        medians (prices change costs, never whether the ask is met).

    Returns
    -------
    RobustChoice
        The design, the fraction of samples in which it meets the ask, its outlay at
        the median inputs; ``feasible`` False when no candidate reaches the confidence.

    Notes
    -----
    The objective is the outlay at the median inputs. Candidates are the designs of the
    whole space (off-site and immutable asks checked first) that meet the ask at some
    interval at stressed inputs: every input at its quantile 0.5, 0.75, 0.9, 0.95, 0.99
    and ``confidence`` on its adverse side (larger data, change, growth and peak rate,
    smaller reduction), or at the adverse extreme of the samples; the others are
    dropped. Candidates are taken in order of a lower bound of their outlay (at the
    longest interval, 24 h, at the median inputs) in growing batches, until the best
    found costs less than every bound left. Each design's interval is searched on the
    samples: in each sample the design meets the ask between its shortest and longest
    feasible intervals (both solved, as :func:`rtocalc.cheapest` solves one), so the
    longest interval held by at least ``confidence`` of those ranges is one of their
    longest ends; the longest few such ends are simulated until one meets the ask in
    ``confidence`` of the samples. Outlay never rises with the interval, so that is the
    design's cheapest interval reaching the confidence: the result is exact over the
    candidate designs whenever each sample's feasible intervals form one range.

    References
    ----------
    .. [1] A. Ben-Tal, L. El Ghaoui and A. Nemirovski, *Robust Optimization*, Princeton
       University Press, 2009, ch. 2 (chance constraints).

    Examples
    --------
    >>> from rtocalc import Requirements
    >>> ask = Requirements(rpo="24 h", rto={"logical": "8 h"})
    >>> w = UncertainWorkload(data_size="1 TB..3 TB")
    >>> res = robust_cheapest(w, ask, confidence=0.9, samples=500, seed=1)
    >>> res.feasible and res.probability >= 0.9
    True
    """
    _check_samples(samples)
    if not (isinstance(confidence, int | float) and 0.0 < confidence <= 1.0):
        raise FieldError("confidence", f"{confidence!r} must be in (0, 1]; use e.g. 0.9")
    if not isinstance(requirements, Requirements):
        raise TypeError(
            f"requirements: expected a rtocalc.Requirements, got {type(requirements).__name__}"
        )
    drawn = as_seed(seed)
    uw, ui = as_uncertain(workload, impact)
    given = catalog if catalog is not None else Catalog.default()
    parsed = parse_prices(prices, given)
    catalog = median_catalog(given, parsed)
    imp = ui.median()
    rng = np.random.default_rng(drawn)
    draws = _draw_inputs(uw, ui, samples, rng)
    price_draws = _draw_prices(parsed, samples, rng)

    space = build_space(catalog, requirements.retention)
    keep = np.ones(len(space), bool)
    if requirements.offsite:
        keep &= has_offsite(space, catalog)
    if requirements.immutable:
        keep &= has_immutable(space, catalog)
    space = space.take(np.flatnonzero(keep))
    med = uw.median()
    stressed = []
    # quantile 1 of an unbounded distribution is inf: the samples' extreme stands for it
    for level in sorted({*_LEVELS, min(float(confidence), 0.999)}):
        adverse = {n: level for n in _WORKLOAD_KINDS}
        adverse["data_reduction"] = 1.0 - level
        stressed.append(uw.at(adverse))
    worst = {
        n: (float(v.min()) if n == "data_reduction" else float(v.max()))
        for n, v in draws.items()
        if n in _WORKLOAD_KINDS
    }
    stressed.append(med.model_copy(update=worst))
    # the designs feasible at some interval at some stressed workload (one call); the
    # others are dropped
    n_sp, n_w = len(space), len(stressed)
    rows = np.tile(np.arange(n_sp), n_w)
    owner = np.repeat(np.arange(n_w), n_sp)
    ev = evaluate_space(
        space.take(rows), WorkloadColumns.of(stressed).take(owner), requirements, imp, catalog
    )
    designs = np.unique(rows[ev.feasible])
    # each design's outlay at the median inputs at the longest interval: a lower bound of
    # its outlay at any interval (outlay never rises with the interval)
    bound = row_costs(
        space.take(designs),
        np.full(designs.size, units.HOURS_PER_DAY),
        med,
        requirements.retention,
        catalog,
    ).outlay
    by_bound = np.lexsort((designs, bound))
    order, bound = designs[by_bound], bound[by_bound]
    median_design = cheapest_design(med, requirements, imp, catalog)
    best: tuple[float, float, float, int] | None = None  # (outlay, RTO, RPO, position)
    chosen: tuple[int, float] | None = None  # (row of space, interval)
    best_p: float | None = None
    done = 0
    k = 4
    while done < len(order):
        if best is not None and cannot_win(float(bound[done]), best[0]):
            break  # no design left can cost less, nor tie
        k = max(1, min(k, _BATCH_ROWS // samples, len(order) - done))
        block = order[done : done + k]
        interval, p = _interval_on_samples(
            space.take(block), uw, draws, requirements, imp, catalog, confidence
        )
        if np.isfinite(p).any():
            best_p = max(float(np.nanmax(p)), best_p or 0.0)
        ok = np.flatnonzero(np.isfinite(interval))
        if ok.size:
            at = replace(space.take(block[ok]), interval=interval[ok])
            med_eval = evaluate_space(at, med, requirements, imp, catalog)
            for j, b in enumerate(ok):
                key = (
                    float(med_eval.outlay[j]),
                    float(med_eval.worst_rto[j]),
                    float(med_eval.worst_rpo[j]),
                    done + int(b),
                )
                if best is None or key < best:
                    best, chosen = key, (int(block[b]), float(interval[b]))
        done += len(block)
        k *= 4
    chosen_p = chosen_mean = 0.0
    if chosen is not None:
        # the chosen design at its interval over every sample: the fraction meeting the
        # ask and the mean outlay (with the sampled prices)
        row, iv = chosen
        on = _on_samples(
            space.take(np.array([row])),
            uw,
            draws,
            requirements,
            imp,
            catalog,
            interval=np.array([iv]),
            prices=(parsed, price_draws),
        )
        chosen_p = float(on["feasible"][0].mean())
        chosen_mean = float(on["outlay"][0].mean())
    median_p = None
    if median_design is not None:
        sim = _simulate_design(median_design, uw, ui, requirements, given, samples, drawn, parsed)
        median_p = sim.p_meets
    return RobustChoice(
        feasible=chosen is not None,
        design=None if chosen is None else space.design(*chosen),
        probability=None if chosen is None else chosen_p,
        monthly_cost=None if best is None else best[0],
        mean_monthly_cost=None if chosen is None else chosen_mean,
        confidence=float(confidence),
        samples=samples,
        seed=drawn,
        median_design=median_design,
        median_probability=median_p,
        best_probability=best_p,
        candidates=len(order),
        evaluated=done,
        currency=catalog.currency,
    )


#: intervals simulated per design and round: the longest the samples' ranges allow
_VERIFIED = 1


def _on_samples(
    designs: DesignSpace,
    uw: UncertainWorkload,
    draws: Mapping[str, FloatArray],
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    *,
    interval: FloatArray | None = None,
    interval_rule: str = "longest",
    prices: tuple[Mapping[str, Uncertain], Mapping[str, FloatArray]] | None = None,
) -> dict[str, Any]:
    """Every design of ``designs`` evaluated on every sample of ``draws``, in blocks.

    Returns ``feasible``, ``interval`` and ``outlay`` (with the sampled prices when
    ``prices``, the parsed prices and their draws, is given) as arrays of shape
    (designs, samples). ``interval`` gives each design's interval (default: solved by
    ``interval_rule``). A call evaluates about :data:`_BLOCK` rows (design x sample):
    every figure of a row depends on that row alone, so the arrays are the same
    whatever the block size, and the kernel's working set is that of one block.
    """
    b, n = len(designs), len(draws["data_size"])
    out: dict[str, Any] = {
        "feasible": np.empty((b, n), dtype=bool),
        "interval": np.empty((b, n)),
        "outlay": np.empty((b, n)),
    }
    step = max(1, _BLOCK // max(b, 1))  # samples per block
    for start in range(0, n, step):
        stop = min(start + step, n)
        m = stop - start
        # columns of the block's samples alone: the per-workload figures are computed
        # for those samples only
        part = _columns(uw, {k: v[start:stop] for k, v in draws.items()})
        sub = designs.take(np.repeat(np.arange(b), m))
        if interval is not None:
            sub = replace(sub, interval=np.repeat(interval, m))
        rows = part.take(np.tile(np.arange(m), b))
        ev = evaluate_space(
            sub, rows, requirements, impact, catalog, interval_rule=interval_rule
        )
        outlay = ev.outlay
        if prices is not None:
            parsed, values = prices
            block_values = {k: np.tile(v[start:stop], b) for k, v in values.items()}
            delta = _price_delta(
                sub, ev.interval, rows, requirements, catalog, parsed, block_values
            )
            outlay = outlay + delta
        out["feasible"][:, start:stop] = ev.feasible.reshape(b, m)
        out["interval"][:, start:stop] = ev.interval.reshape(b, m)
        out["outlay"][:, start:stop] = outlay.reshape(b, m)
    return out


def _interval_on_samples(
    block: DesignSpace,
    uw: UncertainWorkload,
    draws: Mapping[str, FloatArray],
    requirements: Requirements,
    impact: BusinessImpact,
    catalog: Catalog,
    confidence: float,
) -> tuple[FloatArray, FloatArray]:
    """Per design of ``block``: the longest backup interval meeting the ask in at least
    ``confidence`` of the samples ``draws``, searched on the samples (in blocks,
    :func:`_on_samples`).

    In each sample a design meets the ask at intervals within its shortest and longest
    feasible ones (``evaluate_space`` with either rule). The fraction of samples whose
    range holds an interval only falls just past a longest interval, so the longest
    interval reaching ``confidence`` is one of them: the longest few that reach it by
    the ranges are simulated, a few at a time, longest first, until one reaches it (a
    sample's feasible intervals may have gaps, so the ranges can overstate). Exact when
    every sample's feasible intervals form one range.

    Returns
    -------
    interval : ndarray
        The interval per design [h], nan where none reaches ``confidence``.
    probability : ndarray
        Per design, the highest fraction of samples meeting the ask at the intervals
        simulated [-] (nan where no sample meets it at any interval).
    """
    b, n = len(block), len(draws["data_size"])
    args = (uw, draws, requirements, impact, catalog)
    longest = _on_samples(block, *args)
    shortest = _on_samples(block, *args, interval_rule="shortest")
    ok = longest["feasible"] & shortest["feasible"]
    hi, lo = longest["interval"], shortest["interval"]
    del longest, shortest
    need = confidence * n - 1e-9
    interval = np.full(b, np.nan)
    probability = np.full(b, np.nan)
    queue: list[list[float]] = []  # per design: candidates left to simulate, longest first
    for d in range(b):
        his, los = np.sort(hi[d][ok[d]]), np.sort(lo[d][ok[d]])
        if not his.size:
            queue.append([])
            continue
        cand = np.unique(his)[::-1]  # longest first
        # samples whose range holds the candidate: lo <= I (started) minus hi < I (ended)
        held = np.searchsorted(los, cand + 1e-9, "right") - np.searchsorted(his, cand - 1e-9)
        reach = cand[held >= need]
        queue.append([float(x) for x in (reach if reach.size else cand[[np.argmax(held)]])])
    while True:
        tried = [(d, x) for d in range(b) if np.isnan(interval[d]) for x in queue[d][:_VERIFIED]]
        if not tried:
            return interval, probability
        for d in range(b):
            del queue[d][:_VERIFIED]
        owner = np.array([d for d, _ in tried])
        at = np.array([x for _, x in tried])
        p = _on_samples(block.take(owner), *args, interval=at)["feasible"].mean(axis=1)
        for j, (d, x) in enumerate(tried):  # each design's candidates, longest first
            probability[d] = np.fmax(probability[d], p[j])
            if np.isnan(interval[d]) and p[j] >= confidence - 1e-12:
                interval[d] = x


# --- sensitivity -----------------------------------------------------------------------------


class SensitivityEntry(Rendered, _Frozen):
    """The effect of one uncertain input."""

    name: str = Field(description="Input name (a Workload field, downtime_cost, rate.<scenario>).")
    low: float = Field(description="The input's 5th percentile (canonical unit).")
    high: float = Field(description="The input's 95th percentile (canonical unit).")
    cost_low: float = Field(description="Monthly outlay with the input at low [currency/month].")
    cost_high: float = Field(description="Monthly outlay with the input at high [currency/month].")
    eal_low: float = Field(description="Expected annual loss at low [currency/year].")
    eal_high: float = Field(description="Expected annual loss at high [currency/year].")
    meets_low: bool | None = Field(description="The ask is met with the input at low.")
    meets_high: bool | None = Field(description="The ask is met with the input at high.")
    first_order_cost: float = Field(
        description="First-order (Sobol) index of the input on monthly outlay [-]."
    )
    first_order_meets: float = Field(
        description="First-order index on meeting the ask (0/1 outcome) [-]."
    )
    first_order_eal: float = Field(description="First-order index on expected annual loss [-].")

    def _document_(self) -> Document:
        return Document(self.name, frame=Table(_ENTRY_COLUMNS, (_entry_row(self),)))


class Sensitivity(Rendered, _Frozen):
    """Inputs ranked by their effect on cost and on meeting the ask."""

    design: Design = Field(description="The design studied.")
    monthly_cost: float = Field(
        description="Monthly outlay at the median inputs [currency/month], as RobustChoice's."
    )
    meets_median: bool | None = Field(description="The ask is met at the median inputs.")
    samples: int = Field(description="Samples behind the variance-based indices [-].")
    entries: tuple[SensitivityEntry, ...] = Field(
        description="One per uncertain input, ranked by the larger of the first-order "
        "indices on cost and on meeting the ask, then by the tornado swing in cost."
    )
    currency: str = Field(description="Currency of the costs (ISO 4217).")

    @property
    def cost_median(self) -> float:
        """Deprecated name of :attr:`monthly_cost`; removed in the next release."""
        return float(renamed(self, "cost_median", "monthly_cost"))

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        return accept_old_names(data, "Sensitivity", {"cost_median": "monthly_cost"})

    def _document_(self) -> Document:
        rows = tuple(_entry_row(e) for e in self.entries)
        title = (
            f"Sensitivity of {self.design.target} every {_fmt_h(self.design.interval)}: "
            f"{Column('', '', 'money').cell(self.monthly_cost, self.currency)} at the median inputs"
        )
        return Document(title, (Table(_ENTRY_COLUMNS, rows),), self.currency)


_ENTRY_COLUMNS = (
    Column("input", "input"),
    Column("low", "p5", "number", show=False),
    Column("high", "p95", "number", show=False),
    Column("cost_low", "cost @p5", "money"),
    Column("cost_high", "cost @p95", "money"),
    Column("eal_low", "loss @p5", "money", per="yr", show=False),
    Column("eal_high", "loss @p95", "money", per="yr", show=False),
    Column("s1_cost", "S1 cost", "number"),
    Column("s1_meets", "S1 meets", "number"),
    Column("s1_eal", "S1 loss", "number", show=False),
    Column("meets_low", "meets @p5", "flag"),
    Column("meets_high", "meets @p95", "flag"),
)


def _entry_row(e: SensitivityEntry) -> tuple[Any, ...]:
    return (
        e.name, e.low, e.high, e.cost_low, e.cost_high, e.eal_low, e.eal_high,
        e.first_order_cost, e.first_order_meets, e.first_order_eal, e.meets_low, e.meets_high,
    )  # fmt: skip


def first_order_index(x: FloatArray, y: FloatArray, bins: int = 20) -> float:
    """Binned estimate of the first-order Sobol index ``Var(E[y|x]) / Var(y)``."""
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        y = np.where(np.isfinite(y), y, np.nanmax(np.where(np.isfinite(y), y, np.nan)) * 2.0 + 1.0)
    var = float(y.var())
    if var <= 0.0 or not math.isfinite(var) or x.size < 2 * bins:
        return 0.0
    rank = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    b = (rank * bins) // x.size
    counts = np.bincount(b, minlength=bins).astype(float)
    means = np.bincount(b, weights=y, minlength=bins) / np.maximum(counts, 1.0)
    between = float(np.sum(counts * (means - y.mean()) ** 2) / y.size)
    return float(min(1.0, max(0.0, between / var)))


def sensitivity(
    workload: Workload | UncertainWorkload,
    design_or_requirements: Design | Requirements,
    *,
    samples: int = 10_000,
    seed: SeedLike = None,
    impact: BusinessImpact | UncertainImpact | None = None,
    catalog: Catalog | None = None,
    requirements: Requirements | None = None,
    prices: Prices | None = None,
) -> Sensitivity:
    """Rank the uncertain inputs by their effect on cost and on meeting the ask.

    Parameters
    ----------
    workload : Workload or UncertainWorkload
        The protected system; numeric fields may be distributions.
    design_or_requirements : Design or Requirements
        As for :func:`simulate`.
    samples : int, default 10000
        Samples behind the variance-based indices [-].
    seed : int or numpy.random.Generator, optional
        Seed of :func:`numpy.random.default_rng`; a generator gives one integer seed drawn
        from it, recorded in the result.
    impact : BusinessImpact or UncertainImpact, optional
        As for :func:`simulate`.
    catalog : Catalog, optional
        Priced options; default :meth:`Catalog.default`.
    requirements : Requirements, optional
        As for :func:`simulate`.
    prices : mapping, optional
        Uncertain catalog prices, as for :func:`simulate`; each with a spread is an input
        (named by its key).

    Returns
    -------
    Sensitivity
        One entry per input with a spread: tornado values (input at its p5 and p95, the
        others at their medians) and first-order indices, ranked.

    Notes
    -----
    The tornado evaluates ``2k + 1`` rows (k inputs) in one call. The first-order index
    of input :math:`X_i` on output :math:`Y` is
    :math:`S_i = \\mathrm{Var}(E[Y \\mid X_i]) / \\mathrm{Var}(Y)`, estimated from the
    Monte Carlo samples of :func:`simulate` by grouping them into 20 equal-count bins of
    :math:`X_i` (the between-bin variance); it carries a small positive bias of about
    ``bins / samples``.

    References
    ----------
    .. [1] A. Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley, 2008,
       sec. 1.2.5 and 4.
       https://doi.org/10.1002/9780470725184

    Examples
    --------
    >>> from rtocalc import Design
    >>> w = UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..2%/day")
    >>> s = sensitivity(w, Design(interval="24 h", target="local_disk"), samples=2000, seed=1)
    >>> s.entries[0].name
    'data_size'
    """
    sim = simulate(
        workload,
        design_or_requirements,
        samples=samples,
        seed=as_seed(seed),
        impact=impact,
        catalog=catalog,
        requirements=requirements,
        prices=prices,
    )
    uw, ui = as_uncertain(workload, impact)
    catalog = catalog if catalog is not None else Catalog.default()
    parsed = parse_prices(prices, catalog)
    catalog = median_catalog(catalog, parsed)
    req = sim.requirements
    names = [n for n in uw.uncertain()]
    names += [n for n, x in ui.inputs().items() if has_spread(x)]
    names += [n for n, x in parsed.items() if has_spread(x)]
    # tornado: row 0 all medians, then (p5, p95) per input
    k = len(names)
    base_w = {n: _median(getattr(uw, n)) for n in _WORKLOAD_KINDS if getattr(uw, n) is not None}
    base_i = {n: _median(x) for n, x in ui.inputs().items()}
    q_rows: list[dict[str, float]] = [{}]
    for n in names:
        q_rows += [{n: 0.05}, {n: 0.95}]
    table: dict[str, FloatArray] = {}
    for n, v in {**base_w, **base_i}.items():
        x = getattr(uw, n) if n in _WORKLOAD_KINDS else ui.inputs()[n]
        lo, hi = _CLIP.get(n, (0.0, math.inf))
        table[n] = np.array(
            [float(np.clip(_quantile(x, q[n]) if n in q else v, lo, hi)) for q in q_rows]
        )
    for n, x in parsed.items():
        table[n] = np.array([max(0.0, _quantile(x, q.get(n, 0.5))) for q in q_rows])
    cols = _columns(uw, table)
    space = space_of(catalog, sim.design).take(np.zeros(2 * k + 1, dtype=np.int64))
    ev = evaluate_space(space, cols, req or _OPEN, ui.median(), catalog)
    outlay = ev.outlay + _price_delta(space, ev.interval, cols, req, catalog, parsed, table)
    eal = _eal(ui, table, ev.rto, ev.rpo, ev.restore_cost)
    meets = ev.feasible if req is not None else None
    feas = sim.values("feasible")
    entries = []
    for i, n in enumerate(names):
        lo_r, hi_r = 1 + 2 * i, 2 + 2 * i
        x = sim.values(n)
        entries.append(
            SensitivityEntry(
                name=n,
                low=float(table[n][lo_r]),
                high=float(table[n][hi_r]),
                cost_low=float(outlay[lo_r]),
                cost_high=float(outlay[hi_r]),
                eal_low=float(eal[lo_r]),
                eal_high=float(eal[hi_r]),
                meets_low=None if meets is None else bool(meets[lo_r]),
                meets_high=None if meets is None else bool(meets[hi_r]),
                first_order_cost=first_order_index(x, sim.values("monthly_cost")),
                first_order_meets=first_order_index(x, feas) if req is not None else 0.0,
                first_order_eal=first_order_index(x, sim.values("eal")),
            )
        )
    entries.sort(
        key=lambda e: (
            -max(e.first_order_cost, e.first_order_meets),
            -abs(e.cost_high - e.cost_low),
            e.name,
        )
    )
    return Sensitivity(
        design=sim.design,
        monthly_cost=float(outlay[0]),
        meets_median=None if meets is None else bool(meets[0]),
        samples=samples,
        entries=tuple(entries),
        currency=catalog.currency,
    )


# --- scenario files ------------------------------------------------------------------------


class UncertainScenario(_Frozen):
    """A scenario file whose workload figures, impact costs and scenario rates may be
    distributions."""

    workload: UncertainWorkload = Field(description="The protected system.")
    requirements: Requirements = Field(description="The business ask.")
    impact: UncertainImpact = Field(description="Costs, scenarios and uncertain rates.")
    catalog: Catalog = Field(description="Priced options (uncertain prices at their medians).")
    prices: FrozenMap[str, Uncertain] = Field(
        default_factory=FrozenDict,
        description="Uncertain catalog prices by '<table>.<key>.<field>' (see parse_prices).",
    )


def load_uncertain_scenario(
    path: str | Path, *, allow_outside: bool = False
) -> UncertainScenario:
    """Load a scenario TOML file whose numeric inputs may be distribution strings.

    Parameters
    ----------
    path : str or Path
        TOML file as for :func:`rtocalc.load_scenario`; ``[workload]`` fields and
        ``[impact]`` costs and ``[[impact.scenarios]]`` rates may be distributions
        (``"2 TB..4 TB"``, ``"triangular(...)"``, ``"lognormal(median=..., p90=...)"``
        or a table), and so may the prices of :func:`parse_prices` in ``[catalog]``
        (``[catalog.targets.object_hot] price_per_gb_month = "0.02..0.03"``).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside the scenario file's directory.

    Returns
    -------
    UncertainScenario

    Raises
    ------
    rtocalc.files.InputError
        With every problem of the file, one line each.
    """
    from .files import (
        InputError,
        base_of,
        format_validation_error,
        read_toml,
        scenario_from_dict,
    )

    p = Path(path)
    data = read_toml(p)
    source = str(p)
    errors: list[str] = []
    raw = dict(data)
    plain = dict(raw)
    uw: UncertainWorkload | None = None
    currency = None
    cat = raw.get("catalog")
    if isinstance(cat, Mapping):
        info = cat.get("catalog")
        if isinstance(info, Mapping) and isinstance(info.get("currency"), str):
            currency = info["currency"]
    ctx = {"currency": currency or "USD"}
    price_raw: dict[str, Any] = {}
    if isinstance(cat, Mapping):
        cat_plain = dict(cat)
        for table, fields in _PRICE_FIELDS.items():
            entries = cat.get(table)
            if not isinstance(entries, Mapping):
                continue
            new_entries = dict(entries)
            for name, entry in entries.items():
                if not isinstance(entry, Mapping):
                    continue
                new_entry = dict(entry)
                for field, kind in fields.items():
                    if field not in entry:
                        continue
                    key = f"{table}.{name}.{field}"
                    try:
                        d = parse_distribution(entry[field], kind, key, currency=currency)
                    except units.UnitError:
                        continue  # not a distribution: the catalog reports a bad value
                    if isinstance(d, _DIST_TYPES):
                        price_raw[key] = d
                        new_entry[field] = d.median
                new_entries[name] = new_entry
            cat_plain[table] = new_entries
        plain["catalog"] = cat_plain
    wl = raw.get("workload")
    if isinstance(wl, Mapping):
        try:
            uw = UncertainWorkload.model_validate(dict(wl), context=ctx)
            plain["workload"] = uw.median().model_dump()
        except ValidationError as exc:
            errors += format_validation_error(exc, source, under="workload")
            # reported above: a stand-in lets the rest of the file be checked, without a
            # false "[workload]: missing table"
            plain["workload"] = {"data_size": 0.0}
    imp = raw.get("impact", {})
    ui_data: dict[str, Any] = {}
    if isinstance(imp, Mapping):
        imp_plain = dict(imp)
        extra = imp_plain.pop("rates", {})
        rates: dict[str, Any] = dict(extra) if isinstance(extra, Mapping) else {}
        scen = imp.get("scenarios")
        if isinstance(scen, list):
            new = []
            for s in scen:
                if isinstance(s, Mapping) and isinstance(s.get("rate"), str | Mapping):
                    try:
                        float(s["rate"])
                    except (TypeError, ValueError):
                        rates[str(s.get("name"))] = s["rate"]
                        s = {**s, "rate": 0.0}
                new.append(s)
            imp_plain["scenarios"] = new
        for k in ("downtime_cost", "data_loss_cost"):
            if k in imp:
                ui_data[k] = imp[k]
                imp_plain.pop(k)
        plain["impact"] = imp_plain
        ui_data["rates"] = rates
    try:
        base = scenario_from_dict(
            plain, source=source, base=base_of(p), allow_outside=allow_outside
        )
    except InputError as exc:
        raise InputError(errors + exc.errors) from None
    try:
        ui = UncertainImpact.model_validate(
            {**ui_data, "scenarios": base.impact.scenarios},
            context={"currency": base.catalog.currency},
        )
    except ValidationError as exc:
        errors += format_validation_error(exc, source, under="impact")
    prices: dict[str, Uncertain] = {}
    try:
        prices = parse_prices(price_raw, base.catalog)
    except ValueError as exc:
        errors.append(f"{source}: catalog: {exc}")
    if errors or uw is None:
        raise InputError(errors or [f"{source}: [workload]: missing table"])
    return UncertainScenario(
        workload=uw,
        requirements=base.requirements,
        impact=ui,
        catalog=base.catalog,
        prices=prices,
    )

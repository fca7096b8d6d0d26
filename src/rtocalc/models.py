"""Inputs of the model: workload, business ask, business impact, catalog and designs.

Every model is a frozen pydantic v2 model. Strings such as ``"15 min"``, ``"2 TB"`` or
``"$4,000/mo"`` are parsed here, at the edge, into plain floats in canonical units
(hours, GB, GB/h, Mbit/s, currency per month); nothing below this module re-validates.
``model_dump_json`` / ``model_validate_json`` round-trip exactly.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError

from . import units
from ._catalog_data import default_catalog_data
from ._frozen import FrozenDict, FrozenMap, FrozenModel, freeze
from .units import (
    GFS_CALENDAR_DEFAULTS,
    FieldError,
    gfs_day,
    gfs_month,
    gfs_quarter_month,
    gfs_weekday,
)

__all__ = [
    "SCHEMES",
    "SCOPES",
    "BusinessImpact",
    "Catalog",
    "Design",
    "Licences",
    "Link",
    "OffsiteMethod",
    "Operations",
    "OwnSite",
    "Protection",
    "Replication",
    "Requirements",
    "Retention",
    "Scenario",
    "Strategy",
    "Target",
    "Workload",
]

Scope = Literal["logical", "ransomware", "hardware", "site", "region"]
SCOPES: tuple[str, ...] = ("logical", "ransomware", "hardware", "site", "region")
Scheme = Literal["forever_forward", "reverse", "synthetic_full", "active_full"]
SCHEMES: tuple[str, ...] = ("forever_forward", "reverse", "synthetic_full", "active_full")
Location = Literal["primary", "cloud", "vault", "second_site"]
Role = Literal["primary", "offsite", "longterm"]
ReplicationMode = Literal["none", "async", "sync"]
WorkloadKind = Literal["server", "database"]
ProtectionKind = Literal["snapshot", "journal", "log_backup", "replica"]
Placement = Literal["same_storage", "other_storage", "secondary_site", "other_region"]
PLACEMENTS: tuple[str, ...] = ("same_storage", "other_storage", "secondary_site", "other_region")


# --- annotated field types: parse at the edge, hold canonical floats -------------------


def _name(info: ValidationInfo) -> str:
    return info.field_name or "value"


def _duration(v: Any, info: ValidationInfo) -> float:
    return units.parse_duration(v, field=_name(info))


def _size(v: Any, info: ValidationInfo) -> float:
    return units.parse_size(v, field=_name(info))


def _throughput(v: Any, info: ValidationInfo) -> float:
    return units.parse_throughput(v, field=_name(info))


def _bandwidth(v: Any, info: ValidationInfo) -> float:
    return units.parse_bandwidth(v, field=_name(info))


def _fraction(v: Any, info: ValidationInfo) -> float:
    return units.parse_fraction(v, field=_name(info))


def _growth(v: Any, info: ValidationInfo) -> float:
    return units.parse_fraction(v, field=_name(info), allow_above_one=True)


def _ratio(v: Any, info: ValidationInfo) -> float:
    return units.parse_ratio(v, field=_name(info))


def _currency_of(info: ValidationInfo) -> str | None:
    ctx = info.context
    return ctx.get("currency") if isinstance(ctx, Mapping) else None


def _money_month(v: Any, info: ValidationInfo) -> float:
    return units.parse_money(v, field=_name(info), per="month", currency=_currency_of(info))


def _money_hour(v: Any, info: ValidationInfo) -> float:
    return units.parse_money(v, field=_name(info), per="hour", currency=_currency_of(info))


def _money_once(v: Any, info: ValidationInfo) -> float:
    return units.parse_money(v, field=_name(info), per="once", currency=_currency_of(info))


def _nonneg(v: Any, info: ValidationInfo) -> float:
    """A plain non-negative finite number (prices per GB, counts, km)."""
    name = _name(info)
    given = units.excerpt(v)
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise FieldError(name, f"{given} is not a number; use e.g. 0.023 or 100")
    try:
        if isinstance(v, str):
            if len(v) > units.MAX_TEXT_LENGTH or not v.isascii():  # no other scripts' digits
                raise ValueError
            x = float(v.replace(",", ""))
        else:
            x = float(v)
    except (ValueError, OverflowError):
        raise FieldError(name, f"{given} is not a number; use e.g. 0.023 or 100") from None
    if not (x >= 0.0 and x != float("inf")):
        raise FieldError(name, f"{given} must be a finite, non-negative number; use e.g. 0.023")
    if x > units.MAX_AMOUNT:  # prices, counts and distances: far beyond any real one
        raise FieldError(name, f"{given} is out of range; use a number up to 1e15")
    return x


def wrt_beyond_mtd(wrt: float, mtd: float | None) -> str | None:
    """Why a work recovery time ``wrt`` [h] does not fit inside the maximum tolerable
    downtime ``mtd`` [h] (None: it fits, or no mtd is set): the rule of ``Requirements``
    and of a policy's tiers."""
    if mtd is None or wrt <= mtd:
        return None
    return (
        f"{units.format_duration(wrt)} exceeds mtd {units.format_duration(mtd)}; the "
        "work recovery time must fit inside the maximum tolerable downtime"
    )


#: A message of :func:`raise_errors`: a text, or an error that names its field
Message = str | FieldError | units.UnitError


def raise_errors(title: str, errors: Sequence[tuple[tuple[str | int, ...], Message, Any]]) -> None:
    """Raise one pydantic error per ``(loc, message, input)``, so each gets its own line.

    A message that is a :class:`~rtocalc.units.FieldError` or
    :class:`~rtocalc.units.UnitError` keeps its field in the error's ``ctx["field"]``,
    where the file readers find it (the message text is the error's ``str``).
    """
    details = [
        InitErrorDetails(
            type=PydanticCustomError("value_error", "{message}", _context(message)),
            loc=loc,
            input=value,
        )
        for loc, message, value in errors
    ]
    raise ValidationError.from_exception_data(title, details)


def _context(message: Message) -> dict[str, str]:
    if isinstance(message, str):
        return {"message": message}
    return {"message": str(message), "field": message.field}


class _TextOrNumber:
    """JSON Schema of a quantity given as a number in canonical units or as a text.

    The parsers accept both, so the schema (for editors validating input files) must too;
    the text's form is checked by the parser, not by the schema. A fresh dict on every
    call: pydantic before 2.9 edits the schema it is given (adding a field's default), and
    one shared dict (``WithJsonSchema``) then differs from one call to the next.
    """

    __slots__ = ("example",)

    def __init__(self, example: str) -> None:
        self.example = example

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        text = {"type": "string", "examples": [self.example]}
        return {"anyOf": [{"type": "number", "minimum": 0}, text]}


def _text_or_number(example: str) -> _TextOrNumber:
    """The JSON Schema annotation of a quantity with units (see :class:`_TextOrNumber`)."""
    return _TextOrNumber(example)


Hours = Annotated[float, BeforeValidator(_duration), _text_or_number("15 min")]
GB = Annotated[float, BeforeValidator(_size), _text_or_number("2 TB")]
GBPerHour = Annotated[float, BeforeValidator(_throughput), _text_or_number("500 MB/s")]
MbitPerSecond = Annotated[float, BeforeValidator(_bandwidth), _text_or_number("1 Gbps")]
Fraction = Annotated[float, BeforeValidator(_fraction), _text_or_number("3%")]
Growth = Annotated[float, BeforeValidator(_growth), _text_or_number("20%")]
Ratio = Annotated[float, BeforeValidator(_ratio), _text_or_number("2:1")]
MoneyPerMonth = Annotated[float, BeforeValidator(_money_month), _text_or_number("$4,000/mo")]
MoneyPerHour = Annotated[float, BeforeValidator(_money_hour), _text_or_number("$8,000/h")]
MoneyOnce = Annotated[float, BeforeValidator(_money_once), _text_or_number("$12,000")]
NonNegative = Annotated[float, BeforeValidator(_nonneg), _text_or_number("0.023")]


class InputModel(FrozenModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="strings", validate_default=False
    )


# --- the protected system ---------------------------------------------------------------


def _daily_change(v: Any, info: ValidationInfo) -> float:
    """A daily change as a fraction, or a size per day converted with data_size."""
    name = _name(info)
    kind, value = units.parse_daily_change(v, field=name)
    if kind == "fraction":
        return value
    size = info.data.get("data_size")
    if size is None:
        # data_size is missing or invalid and reported on its own; validation fails anyway.
        return value
    if size <= 0.0:
        raise FieldError(
            name, f"{units.excerpt(v)} is a size per day, which needs a positive data_size; "
            "give the change as a fraction, e.g. '3%/day'"
        )
    if value > size:
        raise FieldError(
            name, f"{units.excerpt(v)} is more than the whole data set "
            f"({units.format_size(size)}) per day; use at most 100%/day"
        )
    return float(value / size)


DailyChange = Annotated[float, BeforeValidator(_daily_change), _text_or_number("3%/day")]


_MAX_FINAL_SIZE = 1e12  # [GB]: a zettabyte, beyond any single system's data


class Workload(InputModel):
    """One protected system: how much data, how fast it changes, what it runs on.

    Examples
    --------
    >>> w = Workload(data_size="4 TB", daily_change="3%/day", compute_cost="$6,000/mo")
    >>> w.data_size, w.daily_change, w.peak_rate
    (4000.0, 0.03, 15.0)
    """

    data_size: GB = Field(description="Protected data today [GB], e.g. '4 TB'.")
    kind: WorkloadKind = Field(
        "server",
        description=(
            "'server' (files, VMs, applications) or 'database': database-native protection "
            "(log backups, database replicas) is offered for a database only. Default 'server'."
        ),
    )
    daily_change: DailyChange = Field(
        0.03,
        description=(
            "Unique data changed per day as a fraction of the data [1/day], e.g. '3%/day', "
            "or a size per day ('60 GB/day') converted with data_size. Default 3%/day, the "
            "sizing default of the Veeam calculator and restore point simulator."
        ),
    )
    annual_growth: Growth = Field(
        0.0, description="Compound data growth per year [1/year], e.g. '20%'. Default 0."
    )
    data_reduction: Ratio = Field(
        1.0,
        description=(
            "Data reduction ratio of backups (compression x deduplication) [-], e.g. '2:1'. "
            "Default 1 (none), the conservative choice."
        ),
    )
    peak_write_rate: GBPerHour | None = Field(
        None,
        description=(
            "Peak write rate today [GB/h], e.g. '50 MB/s'; it grows with the data over the "
            "horizon. Default (None): the day's change written within an 8-hour business "
            "day, data_size x daily_change / 8 h."
        ),
    )
    compute_cost: MoneyPerMonth = Field(
        0.0,
        description="Production compute cost [currency/month]; standbys cost a fraction of it.",
    )
    secondary_distance_km: NonNegative = Field(
        50.0,
        description=(
            "Distance to the secondary site holding replicas [km]; synchronous replication "
            "needs it within the catalog's limit. Default 50 km (a metro pair)."
        ),
    )
    horizon: NonNegative = Field(
        3.0,
        le=100.0,
        description=(
            "Planning horizon [year], at most 100: storage and restore sizes are those at "
            "its end, after growth. Default 3 years."
        ),
    )

    @model_validator(mode="after")
    def _final_size_is_finite(self) -> Self:
        try:  # a bound check, in plain floats: building an input model loads no numpy
            final = self.data_size * (1.0 + self.annual_growth) ** self.horizon
        except OverflowError:
            final = float("inf")
        if not final <= _MAX_FINAL_SIZE:
            raise FieldError(
                "horizon", f"{self.horizon:g} years of {self.annual_growth:.0%} growth would "
                f"grow {units.format_size(self.data_size, digits=3)} beyond "
                f"{units.format_size(_MAX_FINAL_SIZE, digits=3)}; use a shorter horizon or a "
                "smaller annual_growth"
            )
        return self

    @property
    def peak_rate(self) -> float:
        """Peak write rate [GB/h]: the given one, or daily change over 8 hours."""
        if self.peak_write_rate is not None:
            return self.peak_write_rate
        return self.data_size * self.daily_change / 8.0

    @property
    def final_size(self) -> float:
        """Data size at the end of the planning horizon [GB]."""
        # physics.growth_factor (numpy's power, as for workloads per row: the same bits);
        # imported here, as an input model alone loads no numpy
        from .physics import growth_factor

        return float(self.data_size * growth_factor(self.annual_growth, self.horizon))


# --- the business ask --------------------------------------------------------------------

_RETENTION_WORDS = {
    "daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly",
    "yearly": "yearly",
}  # fmt: skip
_RETENTION_RE = re.compile(
    r"^\s*([0-9]+)\s*(daily|weekly|monthly|quarterly|yearly|d|w|m|q|y)\s*$", re.I
)
_RETENTION_ABBR = {"d": "daily", "w": "weekly", "m": "monthly", "q": "quarterly", "y": "yearly"}
_RETENTION_LIMITS = {
    "daily": (1, 3650),
    "weekly": (0, 520),
    "monthly": (0, 1200),
    "quarterly": (0, 400),
    "yearly": (0, 100),
}
#: The GFS calendar settings of Retention and how each is checked and put in canonical form.
_CALENDAR_CHECKS = {
    "weekly_on": gfs_weekday,
    "monthly_on": gfs_day,
    "quarterly_on": gfs_day,
    "quarterly_month": gfs_quarter_month,
    "yearly_on": gfs_day,
    "yearly_month": gfs_month,
}
_RETENTION_FORM = "'14 daily, 8 weekly, 12 monthly, 7 yearly'"


def _retention_range_error(key: str, value: Any, problem: str) -> FieldError:
    lo, hi = _RETENTION_LIMITS[key]
    return FieldError(
        key, f"{units.excerpt(value)} {problem}; keep {lo}..{hi} {key}, e.g. {_RETENTION_FORM}"
    )


class Retention(InputModel):
    """How far back restore points must reach: grandfather-father-son (GFS).

    ``daily`` is the number of days of short-term restore points (taken at the backup
    interval); ``weekly``, ``monthly``, ``quarterly``, ``yearly`` count long-term full
    points. The calendar settings (``weekly_on`` .. ``yearly_month``, the Restore Point
    Simulator's defaults) say on which day each tier's points fall; they change storage
    only through which tiers share points (see :func:`rtocalc.retention.gfs_nesting`).

    Examples
    --------
    >>> Retention.model_validate("14 daily, 8 weekly, 12 monthly, 7 yearly").yearly
    7
    >>> Retention(daily=14, monthly=12, quarterly=8, monthly_on="Day 1").monthly_on
    'day 1'
    """

    daily: int = Field(14, ge=1, le=3650, description="Days of short-term restore points [day].")
    weekly: int = Field(0, ge=0, le=520, description="Weekly long-term points kept [-].")
    monthly: int = Field(0, ge=0, le=1200, description="Monthly long-term points kept [-].")
    quarterly: int = Field(0, ge=0, le=400, description="Quarterly long-term points kept [-].")
    yearly: int = Field(0, ge=0, le=100, description="Yearly long-term points kept [-].")
    weekly_on: str = Field("sunday", description="Weekday of the weekly points.")
    monthly_on: str = Field(
        "first sunday",
        description="Day of the monthly points: '<first|second|third|fourth|last> <weekday>' "
        "or 'day N' (N in 1..31).",
    )
    quarterly_on: str = Field(
        "first sunday", description="Day of the quarterly points in their month, as monthly_on."
    )
    quarterly_month: Literal["first", "last"] = Field(
        "first", description="Month of the quarter of the quarterly points: 'first' or 'last'."
    )
    yearly_on: str = Field(
        "first sunday", description="Day of the yearly points in their month, as monthly_on."
    )
    yearly_month: str = Field(
        "january", description="Month of the yearly points: a month name (or 1..12)."
    )

    @model_validator(mode="before")
    @classmethod
    def _parse_text(cls, data: Any) -> Any:
        if isinstance(data, Mapping | Retention):
            return data
        shown = units.excerpt(data)
        if not isinstance(data, str):
            raise FieldError("retention", f"{shown} is not a retention; use e.g. {_RETENTION_FORM}")
        out: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in data.split(","))):
            m = _RETENTION_RE.match(part)
            if not m:
                raise FieldError(
                    "retention", f"{shown} is not a retention; use e.g. {_RETENTION_FORM}"
                )
            key = _RETENTION_ABBR.get(m.group(2).lower(), m.group(2).lower())
            if key in out:
                raise FieldError("retention", f"{shown} names {key!r} twice; name each once")
            out[key] = int(m.group(1))
        if not out:
            raise FieldError(
                "retention", f"{shown} is empty; use e.g. '14 daily, 8 weekly, 12 monthly'"
            )
        errors = [
            ((key,), _retention_range_error(key, data, f"has {n} {key}"), data)
            for key, n in out.items()
            if not _RETENTION_LIMITS[key][0] <= n <= _RETENTION_LIMITS[key][1]
        ]
        if errors:
            raise_errors(cls.__name__, errors)
        return out

    @field_validator(*_CALENDAR_CHECKS, mode="before")
    @classmethod
    def _calendar(cls, v: Any, info: ValidationInfo) -> str:
        key = _name(info)
        return _CALENDAR_CHECKS[key](key, v)

    @field_validator("daily", "weekly", "monthly", "quarterly", "yearly", mode="before")
    @classmethod
    def _count(cls, v: Any, info: ValidationInfo) -> int:
        key = _name(info)
        n: int | None = None
        if isinstance(v, int) and not isinstance(v, bool):
            n = v
        elif isinstance(v, float) and v.is_integer():
            n = int(v)
        elif isinstance(v, str) and v.strip().isdigit() and v.isascii():
            n = int(v.strip())
        if n is None:
            raise FieldError(
                key, f"{units.excerpt(v)} is not a whole number of points; use e.g. "
                + _RETENTION_FORM
            )
        if not _RETENTION_LIMITS[key][0] <= n <= _RETENTION_LIMITS[key][1]:
            raise _retention_range_error(key, v, "is out of range")
        return n

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A table of counts, or the same as one text (``'14 daily, 8 weekly'``)."""
        table = dict(handler.resolve_ref_schema(handler(core_schema)))
        text = {"type": "string", "examples": ["14 daily, 8 weekly, 12 monthly, 7 yearly"]}
        return {"anyOf": [table, text], "description": table.pop("description", "")}

    @property
    def gfs(self) -> bool:
        """Whether any long-term (weekly, monthly, quarterly or yearly) points are kept."""
        return self.weekly + self.monthly + self.quarterly + self.yearly > 0

    @property
    def calendar(self) -> dict[str, str]:
        """The GFS calendar settings, as keyword arguments of ``retention_storage``."""
        return {key: getattr(self, key) for key in _CALENDAR_CHECKS}

    @property
    def reach_days(self) -> float:
        """How far back the oldest restore point reaches [day]."""
        return float(
            max(
                self.daily,
                7 * self.weekly,
                30.4167 * self.monthly,
                91.25 * self.quarterly,
                365 * self.yearly,
            )
        )

    def __str__(self) -> str:
        parts = [f"{getattr(self, k)} {k}" for k in _RETENTION_WORDS if getattr(self, k)]
        moved = [
            f"{key} {getattr(self, key)}"
            for key, default in GFS_CALENDAR_DEFAULTS.items()
            if getattr(self, key) != default
        ]
        return ", ".join(parts) + (f" ({'; '.join(moved)})" if moved else "")


def _per_scope(v: Any, info: ValidationInfo) -> Any:
    """Accept one duration for every scope, or a table of durations by scope."""
    name = _name(info)
    if isinstance(v, Mapping):
        out: dict[str, float] = {}
        for scope, val in v.items():
            if scope not in SCOPES:
                raise FieldError(
                    name, f"{scope!r} is not a scenario scope; use one of "
                    + ", ".join(repr(s) for s in SCOPES)
                )
            out[scope] = units.parse_duration(val, field=f"{name}.{scope}")
        return out
    return units.parse_duration(v, field=name)


_DURATION_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "examples": ["4 h"]}]
}
PerScope = Annotated[
    float | FrozenMap[Scope, float],
    BeforeValidator(_per_scope),
    AfterValidator(freeze),
    WithJsonSchema(
        {
            "anyOf": [
                *_DURATION_SCHEMA["anyOf"],
                {
                    "type": "object",
                    "propertyNames": {"enum": list(SCOPES)},
                    "additionalProperties": _DURATION_SCHEMA,
                },
            ]
        }
    ),
]


class Requirements(InputModel):
    """The business ask: how much data may be lost, how long systems may be down.

    ``rpo`` and ``rto`` are one duration for every scenario, or a table by scenario scope
    (as AWS Resilience Hub sets them per disruption type); a scope missing from the table
    has no limit. When ``mtd`` is given the recovery must also leave ``wrt`` for work
    recovery: the effective RTO limit is ``min(rto, mtd - wrt)``.

    Examples
    --------
    >>> r = Requirements(rpo="15 min", rto={"site": "4 h", "logical": "1 h"}, offsite=True)
    >>> r.limit("rpo", "site"), r.limit("rto", "site"), r.limit("rto", "region")
    (0.25, 4.0, inf)
    """

    rpo: PerScope = Field(description="Largest tolerated data loss [h], or a table by scope.")
    rto: PerScope = Field(description="Longest tolerated downtime [h], or a table by scope.")
    retention: Retention = Field(
        default_factory=Retention, description="Restore points to keep (GFS)."
    )
    offsite: bool = Field(False, description="An off-site copy is required.")
    immutable: bool = Field(False, description="An immutable (ransomware-proof) copy is required.")
    budget: MoneyPerMonth | None = Field(
        None, description="Money available [currency/month]; None for no budget."
    )
    mtd: Hours | None = Field(None, description="Maximum tolerable downtime [h] (NIST SP 800-34).")
    wrt: Hours = Field(0.0, description="Work recovery time after systems are back [h].")
    isolated_recovery: str | None = Field(
        None,
        description=(
            "Key of the catalog's isolated recovery environment (clean room) that "
            "ransomware restores go to, or None for none."
        ),
    )
    incident: Literal["typical", "worst"] = Field(
        "typical",
        description=(
            "Which incident of each scenario the RTO limit is checked against: the typical "
            "one (its ``share`` of the data) or the worst (``share_worst``)."
        ),
    )

    @model_validator(mode="after")
    def _check_mtd(self) -> Self:
        problem = wrt_beyond_mtd(self.wrt, self.mtd)
        if problem is not None:
            raise FieldError("wrt", problem)
        return self

    def isolated(self, catalog: Catalog) -> IsolatedRecovery | None:
        """The catalog entry of :attr:`isolated_recovery` (None for none)."""
        if self.isolated_recovery is None:
            return None
        entry = catalog.isolated_recovery.get(self.isolated_recovery)
        if entry is None:
            keys = ", ".join(repr(k) for k in catalog.isolated_recovery) or "none in the catalog"
            raise FieldError(
                "isolated_recovery", f"{self.isolated_recovery!r} is not a key of the "
                f"catalog's [isolated_recovery] section; use one of {keys}, or leave it out"
            )
        return entry

    def limit(self, metric: Literal["rpo", "rto"], scope: str) -> float:
        """The limit [h] on ``metric`` for scenarios of ``scope`` (``inf`` when none)."""
        value = self.rpo if metric == "rpo" else self.rto
        lim = value.get(scope, float("inf")) if isinstance(value, Mapping) else float(value)  # type: ignore[call-overload]
        if metric == "rto" and self.mtd is not None:
            lim = min(lim, self.mtd - self.wrt)
        return float(lim)


# --- business impact -------------------------------------------------------------------


class Scenario(InputModel):
    """A kind of disruption: how often it happens and what it destroys (its scope).

    Scopes: ``logical`` (corruption, human error: replicas carry the damage),
    ``ransomware`` (only immutable copies survive), ``hardware`` (primary storage lost),
    ``site`` (everything at the primary site lost), ``region`` (primary and secondary site
    lost; cloud regions and tape vaults are assumed outside the region).
    """

    name: str = Field(min_length=1, description="Scenario name.")
    scope: Scope = Field(description="What the disruption destroys.")
    rate: NonNegative = Field(description="Expected occurrences per year [1/year].")
    detection: Hours = Field(
        0.25, description="From the disruption until monitoring or users raise the alarm [h]."
    )
    decision: Hours = Field(
        0.0,
        description=(
            "From the alarm until a person declares the disaster and invokes recovery [h]; "
            "manual recovery only (automatic failover replaces it with its health checks)."
        ),
    )
    containment: Hours = Field(
        0.0,
        description=(
            "After the decision, before any restore may start: containment, forensics and a "
            "clean environment (ransomware) [h], for a typical incident."
        ),
    )
    containment_worst: Hours | None = Field(
        None,
        description=(
            "The same for the worst incident [h] (a pessimistic quantile); None: as "
            "`containment`."
        ),
    )
    dwell: Hours = Field(
        0.0,
        description=(
            "From the intrusion to the damage (attacker dwell time) [h]: restore points "
            "younger than it may hold the attacker's foothold and are scanned first."
        ),
    )
    scan_rate: GBPerHour | None = Field(
        None,
        description=(
            "Scanning a restore point for malware before it returns to production [GB/h] "
            "(only where `dwell` > 0); None: no scan."
        ),
    )
    share: Fraction = Field(
        1.0, description="Share of the data a typical incident touches and a restore moves [-]."
    )
    share_worst: Fraction = Field(
        1.0, description="Share of the data the worst incident touches [-]."
    )
    source: str = Field("", description="Where the rate comes from.")
    date: str = Field("", description="Date of the source (ISO 8601).")

    @model_validator(mode="after")
    def _shares(self) -> Self:
        if not 0.0 < self.share <= self.share_worst:
            raise FieldError(
                "share", f"{self.share!r} must be above 0 and at most share_worst "
                f"({self.share_worst!r}); use e.g. '5%' for a typical incident"
            )
        if self.containment_worst is not None and self.containment_worst < self.containment:
            raise FieldError(
                "containment_worst", f"{self.containment_worst!r} h is below containment "
                f"({self.containment!r} h); the worst incident's containment is at least the "
                "typical one's, e.g. containment = '5 d', containment_worst = '28 d'"
            )
        if self.scan_rate is not None and self.dwell <= 0.0:
            raise FieldError(
                "scan_rate", f"{self.scan_rate!r} GB/h is given with dwell = 0; restore points "
                "are scanned only when the intrusion precedes the damage: set dwell (e.g. "
                "'10 d') or leave scan_rate out"
            )
        return self

    def containment_for(
        self, worst: bool = False, isolated: IsolatedRecovery | None = None
    ) -> float:
        """Containment before restores start [h], for the typical or the ``worst``
        incident; with an isolated recovery environment (ransomware only), no longer than
        its own ``containment``: restores go to the clean room while forensics go on."""
        hours = self.containment
        if worst and self.containment_worst is not None:
            hours = self.containment_worst
        if isolated is not None and self.scope == "ransomware":
            hours = min(hours, isolated.containment)
        return hours

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, v: Any) -> Any:
        if not (isinstance(v, str) and v in SCOPES):
            raise FieldError(
                "scope", f"{units.excerpt(v)} is not a scenario scope; use one of "
                + ", ".join(repr(s) for s in SCOPES)
            )
        return v


@cache
def _default_scenarios() -> tuple[Scenario, ...]:
    """The shipped scenarios, read and validated once per process (frozen models in a
    tuple: every default impact shares them)."""
    raw = tomllib.loads(resources.files("rtocalc.data").joinpath("scenarios.toml").read_text())
    return tuple(Scenario.model_validate(s) for s in raw["scenarios"])


class BusinessImpact(InputModel):
    """What downtime and lost work cost the business, and which disruptions to plan for.

    The default scenarios come from ``rtocalc/data/scenarios.toml`` (one per scope, each
    rate with its source). Costs default to 0: without them, expected losses are 0 and
    only outlay is optimised.
    """

    downtime_cost: MoneyPerHour = Field(
        0.0, description="Cost of one hour of downtime [currency/h]."
    )
    data_loss_cost: MoneyPerHour = Field(
        0.0, description="Cost of one hour of lost committed work [currency/h]."
    )
    scenarios: tuple[Scenario, ...] = Field(
        default_factory=_default_scenarios, description="Disruptions planned for."
    )

    @field_validator("scenarios", mode="before")
    @classmethod
    def _not_empty(cls, v: Any) -> Any:
        if isinstance(v, list | tuple) and not v:
            raise FieldError(
                "scenarios", f"{units.excerpt(v)} is empty; give at least one scenario"
            )
        return v

    @field_validator("scenarios")
    @classmethod
    def _unique(cls, v: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        names = [s.name for s in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise FieldError("scenarios", f"names {dup} appear twice; give each scenario once")
        return v


# --- catalog -----------------------------------------------------------------------------


class _Sourced(InputModel):
    label: str = Field("", description="Human-readable name.")
    source: str = Field(description="Where the figures come from (document, URL).")
    date: str = Field(description="When the figures were read (ISO 8601).")


class OwnSite(InputModel):
    """The hardware and facility figures of a target at the organisation's own second
    site: its storage servers and the hosts that run restored systems there, bought at
    list price and amortised, and the site's power and space
    (:func:`rtocalc.cost.own_site_cost`)."""

    server_price: MoneyOnce = Field(description="List price of one storage server [currency].")
    server_usable_gb: GB = Field(description="Usable capacity of one storage server [GB].")
    server_power_kw: NonNegative = Field(0.0, description="Power one storage server draws [kW].")
    server_rack_units: NonNegative = Field(0.0, description="Rack space of one server [U].")
    host_price: MoneyOnce = Field(
        0.0, description="List price of the hosts that run restored systems there [currency]."
    )
    host_power_kw: NonNegative = Field(0.0, description="Power the restore hosts draw [kW].")
    host_rack_units: NonNegative = Field(0.0, description="Rack space of the restore hosts [U].")
    amortisation_years: NonNegative = Field(
        5.0, description="Straight-line amortisation period of the hardware [year], > 0."
    )
    price_per_kw_month: NonNegative = Field(
        0.0,
        description=(
            "Power and cooling, space included where priced by power [currency/(kW month)]."
        ),
    )
    price_per_rack_unit_month: NonNegative = Field(
        0.0, description="Rack space priced apart from power [currency/(U month)]."
    )

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if not self.server_usable_gb > 0:
            raise FieldError(
                "server_usable_gb", f"{self.server_usable_gb:g} must be above 0; use the usable "
                "capacity of one storage server, e.g. '180 TB'"
            )
        if not self.amortisation_years > 0:
            raise FieldError(
                "amortisation_years", f"{self.amortisation_years:g} must be above 0; use the "
                "hardware's amortisation period in years, e.g. 5"
            )
        return self

    @property
    def storage_price_per_gb_month(self) -> float:
        """Storage servers amortised, powered and racked, per usable GB [currency/(GB month)]."""
        from . import cost  # numpy: not loaded by an input model alone (tests/test_coldstart)

        return float(
            cost.own_site_cost(
                self.server_price,
                self.amortisation_years,
                self.server_power_kw,
                self.price_per_kw_month,
                self.server_rack_units,
                self.price_per_rack_unit_month,
            )
        ) / self.server_usable_gb

    @property
    def host_price_per_month(self) -> float:
        """The restore hosts amortised, powered and racked [currency/month]."""
        from . import cost

        return float(
            cost.own_site_cost(
                self.host_price,
                self.amortisation_years,
                self.host_power_kw,
                self.price_per_kw_month,
                self.host_rack_units,
                self.price_per_rack_unit_month,
            )
        )


class Target(_Sourced):
    """A backup target tier: where backup data is kept, what it costs, how fast it reads."""

    location: Location = Field(
        description=(
            "'primary' site, 'cloud' region, tape 'vault' or the organisation's own "
            "'second_site'."
        )
    )
    outside_region: bool = Field(
        True,
        description=(
            "An off-site target lies outside the primary site's region, so it survives a "
            "regional disaster (a second site in the same metro area does not)."
        ),
    )
    own_site: OwnSite | None = Field(
        None,
        description=(
            "Hardware and facility of a target at the own second site: their per-GB price "
            "adds to price_per_gb_month, the restore hosts to the off-site copy's fee."
        ),
    )
    roles: tuple[Role, ...] = Field(description="Roles it can play: primary, offsite, longterm.")
    price_per_gb_month: NonNegative = Field(description="Storage price [currency/(GB month)].")
    write_throughput: GBPerHour = Field(description="Sustained backup ingest [GB/h].")
    read_throughput: GBPerHour = Field(description="Sustained restore throughput [GB/h].")
    retrieval_delay: Hours = Field(0.0, description="Time to first byte on restore [h].")
    retrieval_price_per_gb: NonNegative = Field(0.0, description="Retrieval fee [currency/GB].")
    egress_price_per_gb: NonNegative = Field(0.0, description="Egress fee [currency/GB].")
    min_storage_days: NonNegative = Field(0.0, description="Minimum billable duration [day].")
    immutable: bool = Field(False, description="Holds copies ransomware cannot alter.")
    block_clone: bool = Field(
        False, description="Synthetic and GFS fulls store changed blocks only."
    )
    job_overhead: Hours = Field(0.0, description="Fixed time per backup job [h].")
    setup_cost: MoneyOnce = Field(0.0, description="One-time cost, amortised [currency].")
    instant_recovery: bool = Field(
        False,
        description=(
            "Systems can run from the backup files here (instant recovery) while the restore "
            "moves the data behind them."
        ),
    )
    instant_recovery_time: Hours = Field(
        0.0, description="From the start of an instant recovery until the system serves [h]."
    )
    put_price_per_1000: NonNegative = Field(
        0.0, description="Price of 1,000 write (PUT) requests [currency/1000 requests]."
    )
    get_price_per_1000: NonNegative = Field(
        0.0, description="Price of 1,000 read (GET) requests [currency/1000 requests]."
    )
    object_size_kib: NonNegative = Field(
        0.0,
        description=(
            "Size of one stored object [KiB]: each is one request to write or read; 0 for "
            "block, file or tape storage, which bills no requests."
        ),
    )
    cartridge_gb: GB = Field(
        0.0,
        description=(
            "Native capacity of one tape cartridge [GB]; above 0 the target is a tape "
            "library whose drives and slots are sized from the data written to it, and "
            "setup_cost is the price of its base library."
        ),
    )
    library_drives: NonNegative = Field(
        1.0, description="Tape: drives in the base library that setup_cost buys [-]."
    )
    library_slots: NonNegative = Field(
        0.0, description="Tape: cartridge slots in the base library [-]."
    )
    drive_price: MoneyOnce = Field(0.0, description="Tape: each drive added [currency].")
    module_price: MoneyOnce = Field(
        0.0, description="Tape: each expansion module of module_slots slots [currency]."
    )
    module_slots: NonNegative = Field(
        1.0, description="Tape: slots per expansion module [-], above 0."
    )
    spare_slots: NonNegative = Field(
        0.0, description="Tape: slots kept for scratch and cleaning cartridges [-]."
    )
    tape_window: Hours = Field(
        168.0,
        description=(
            "Tape: hours a week the drives may write (the windows between backup jobs and "
            "the business day) [h per week], at most 168."
        ),
    )
    schemes: tuple[Scheme, ...] = Field(
        SCHEMES,  # type: ignore[arg-type]
        description=(
            "Chain schemes the vendor supports on this target, for the main chain and for an "
            "off-site copy (empty: it holds GFS fulls only, no chain of increments)."
        ),
    )

    @field_validator("schemes", mode="before")
    @classmethod
    def _known_schemes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = (value,)
        if isinstance(value, (list, tuple)):
            bad = [v for v in value if v not in SCHEMES]
            if bad:
                raise FieldError(
                    "schemes", f"{bad[0]!r} is not a chain scheme; use some of "
                    + ", ".join(repr(s) for s in SCHEMES)
                )
        return value

    @model_validator(mode="after")
    def _tape_library(self) -> Self:
        if self.cartridge_gb > 0 and not self.module_slots > 0:
            raise FieldError(
                "module_slots", f"{self.module_slots:g} must be above 0 for a tape library "
                "(cartridge_gb > 0); use the slots of one expansion module, e.g. 40"
            )
        if not 0.0 < self.tape_window <= 168.0:
            raise FieldError(
                "tape_window", f"{self.tape_window:g} h is not within a week (168 h); use "
                "the hours a week the drives may write, e.g. '84 h' (12 h a night)"
            )
        return self

    @property
    def storage_price(self) -> float:
        """Storage price the designs pay [currency/(GB month)]: ``price_per_gb_month``
        plus, at an own second site, its hardware, power and space per usable GB."""
        extra = self.own_site.storage_price_per_gb_month if self.own_site is not None else 0.0
        return self.price_per_gb_month + extra

    @model_validator(mode="after")
    def _own_site_placed(self) -> Self:
        if self.own_site is not None and self.location != "second_site":
            raise FieldError(
                "own_site", f"given for a target at location {self.location!r}; own hardware "
                "and facility figures belong to a target at location 'second_site'"
            )
        return self

    @model_validator(mode="after")
    def _chain_needs_scheme(self) -> Self:
        if "primary" in self.roles and not self.schemes:
            raise FieldError(
                "schemes", "[] but roles has 'primary': a target that holds the main chain "
                "needs at least one of " + ", ".join(repr(s) for s in SCHEMES)
            )
        return self


class OffsiteMethod(_Sourced):
    """A way to get a copy of the backups off site: copy job to the cloud, tape vaulting."""

    target: str = Field(description="Key of the target that holds the copy.")
    lag: Hours = Field(0.0, description="Schedule lag or vault pickup interval [h].")
    price_per_month: MoneyPerMonth = Field(0.0, description="Fixed fee [currency/month].")
    bandwidth: MbitPerSecond = Field(
        0.0,
        description=(
            "Bandwidth of the method's own circuit [Mbit/s] (site-to-site link to an own "
            "second site), which caps the copy; 0: none (a cloud copy takes the design's link)."
        ),
    )


class Link(_Sourced):
    """A WAN link size with its monthly price."""

    bandwidth: MbitPerSecond = Field(description="Bandwidth [Mbit/s].")
    price_per_month: MoneyPerMonth = Field(
        description="Price of the provider's port [currency/month]."
    )
    circuit_price_per_month: MoneyPerMonth = Field(
        0.0,
        description=(
            "The carrier circuit from the site to the provider and its cross-connect "
            "[currency/month]."
        ),
    )


class Strategy(_Sourced):
    """A recovery strategy: from restore-to-new to active/active and stretched clusters.

    A standby (``replica = true``) fails over in ``failover_time``. A manual one waits for
    the scenario's detection and a person's decision first; an automatic one
    (``automatic = true``: health checks and a witness at a third site decide) waits only
    for its ``health_check`` time. ``survives`` lists the scopes its standby lives
    through: a same-site HA pair (``replica_site = "primary"``) absorbs a hardware
    failure only, a standby at a second site also a site loss. No standby survives
    logical damage or ransomware: it carries them.
    """

    failover_time: Hours = Field(0.0, description="Switch-over time of a standby [h].")
    provisioning_time: Hours = Field(0.0, description="Time to provision before a restore [h].")
    standby_fraction: NonNegative = Field(
        0.0, description="Standby compute as a fraction of production [-]."
    )
    replica: bool = Field(False, description="Needs a continuously replicated copy.")
    replica_storage: bool = Field(False, description="Keeps a full copy of the data at standby.")
    automatic: bool = Field(
        False, description="Fails over by itself on health checks (needs a third-site witness)."
    )
    health_check: Hours = Field(
        0.0, description="Time automatic failover takes to detect and decide [h]."
    )
    survives: tuple[Scope, ...] = Field(
        ("hardware", "site"), description="Scopes the standby lives through."
    )
    replica_site: Literal["primary", "secondary"] = Field(
        "secondary", description="Where the standby runs: the primary site or a second site."
    )
    replication_modes: tuple[ReplicationMode, ...] = Field(
        ("async", "sync"), description="Replication modes the standby supports."
    )
    witness_price_per_month: MoneyPerMonth = Field(
        0.0, description="Third-site witness or observer [currency/month]."
    )
    recovers_in_cloud: bool = Field(
        False,
        description=(
            "Restores from a cloud copy run in the cloud region, on compute provisioned on "
            "demand (provisioning_time), at the copy's own read rate without crossing the WAN; "
            "the recovered systems run there until failback."
        ),
    )
    compute_price_per_hour: MoneyPerHour = Field(
        0.0, description="Cloud compute of the recovered systems while they run [currency/h]."
    )
    cloud_run_time: Hours = Field(
        0.0,
        description="How long recovered systems run in the cloud until failback [h].",
    )

    @model_validator(mode="after")
    def _cloud(self) -> Self:
        if self.recovers_in_cloud and self.replica:
            raise FieldError(
                "recovers_in_cloud", "true with replica = true; a recovery into the cloud "
                "restores from a backup copy on demand, so use replica = false"
            )
        return self

    @model_validator(mode="after")
    def _standby(self) -> Self:
        bad = sorted(set(self.survives) & {"logical", "ransomware"})
        if bad:
            raise FieldError(
                "survives", f"{bad} cannot be survived by a standby, which carries logical "
                "damage and encryption; use scopes among 'hardware', 'site', 'region'"
            )
        if self.replica_site == "primary" and set(self.survives) - {"hardware"}:
            raise FieldError(
                "survives", f"{list(self.survives)} includes scopes that destroy the primary "
                "site, where this standby runs; use ['hardware']"
            )
        if self.replica and not set(self.replication_modes) - {"none"}:
            raise FieldError(
                "replication_modes", f"{list(self.replication_modes)} has no mode for a "
                "replica; use 'async', 'sync' or both"
            )
        if self.replica_site == "primary" and tuple(self.replication_modes) != ("sync",):
            raise FieldError(
                "replication_modes", f"{list(self.replication_modes)} for a same-site standby; "
                "use ['sync'] (a same-site pair mirrors synchronously over the LAN)"
            )
        return self


class IsolatedRecovery(_Sourced):
    """An isolated recovery environment (a clean room) for recovery after ransomware.

    Restores go into an environment the attacker's credentials cannot reach (its own
    identity, network and management plane), scanned and validated there, while the
    forensics of production go on: restores may start after the environment's own
    ``containment`` (confirming its isolation, choosing the clean point) rather than the
    scenario's, onto infrastructure ready after ``provisioning_time``. It serves the
    ``ransomware`` scope only; other scenarios restore as before.
    """

    containment: Hours = Field(
        description="From the decision until restores into it may start [h]."
    )
    provisioning_time: Hours = Field(
        0.0, description="Until it can take restores [h] (0: standing, already built)."
    )
    price_per_month: MoneyPerMonth = Field(
        0.0, description="Standing cost: isolated account, jump hosts, scanners [currency/month]."
    )
    price_per_tb_month: NonNegative = Field(
        0.0, description="Capacity held for the protected data [currency/(TB month)]."
    )
    setup_cost: MoneyOnce = Field(
        0.0, description="Design, build and runbook; amortised [currency]."
    )


class Protection(_Sourced):
    """An extra protection mechanism beside the backups: snapshots, a journal, a database.

    Storage snapshots (``kind = "snapshot"``), journal-based continuous replication
    (``"journal"``), database log backups (``"log_backup"``) and database replicas
    (``"replica"``). Its figures come from :mod:`rtocalc.protection`. What it survives
    follows from the data, never from its name: ``window`` (how far back its points reach)
    covers logical damage found within it; ransomware only when ``immutable`` and found
    within the window; a hardware failure when ``placement`` is not ``same_storage``; a
    site loss at ``secondary_site`` or ``other_region``; a regional disaster only at
    ``other_region``. A replica with no delay has ``window = 0``: it carries the damage.
    """

    kind: ProtectionKind = Field(description="'snapshot', 'journal', 'log_backup' or 'replica'.")
    interval: Hours = Field(
        description=(
            "Time between recovery points [h]: the snapshot or log-backup interval, the "
            "journal checkpoint interval, a replica's shipping lag (0 when synchronous)."
        )
    )
    min_interval: Hours = Field(
        0.0,
        description=(
            "Shortest interval the product supports or people run [h] (catalog data with "
            "its source); ``interval`` may not be shorter."
        ),
    )
    window: Hours = Field(
        description=(
            "How far back its points reach [h]: snapshot retention, journal history, "
            "log-backup retention, a replica's apply delay (0: none)."
        )
    )
    placement: Placement = Field(
        description=(
            "Where its points live: 'same_storage' as production, 'other_storage' at the "
            "same site, a 'secondary_site', or an 'other_region'."
        )
    )
    immutable: bool = Field(
        False,
        description="Its points are immutable or isolated from an attacker's credentials.",
    )
    database_only: bool = Field(False, description="Needs a workload of kind 'database'.")
    revert_time: Hours | None = Field(
        None,
        description=(
            "Whole-data path: volume revert, failover or rewind to a point [h]; it discards "
            "later writes. None: no such path."
        ),
    )
    mount_time: Hours | None = Field(
        None,
        description=(
            "Item path: from the start of an item-level restore until data moves [h]. "
            "None: no item-level path."
        ),
    )
    item_throughput: GBPerHour = Field(
        0.0, description="Item path: throughput of the item-level copy [GB/h]."
    )
    replay_span: Hours = Field(
        0.0,
        description=(
            "Log to replay on recovery, as the time it covers [h]: the span since the base "
            "(full) backup for log backups, the apply delay for a delayed replica."
        ),
    )
    replay_rate: GBPerHour = Field(
        0.0, description="Log replay (redo apply) throughput [GB/h] in changed data."
    )
    automatic: bool = Field(
        False, description="Fails over by itself on health checks (needs a third-site witness)."
    )
    health_check: Hours = Field(
        0.0, description="Time automatic failover takes to detect and decide [h]."
    )
    price_per_gb_month: NonNegative = Field(
        0.0, description="Storage price of its change data and copy [currency/(GB month)]."
    )
    full_copy: bool = Field(
        False, description="Keeps a full copy of the data on other storage (mirror, replica)."
    )
    licence_per_month: MoneyPerMonth = Field(
        0.0, description="Licence per protected workload [currency/month]."
    )
    licence_per_tb_month: NonNegative = Field(
        0.0, description="Licence per TB of protected data [currency/(TB month)]."
    )
    compute_fraction: NonNegative = Field(
        0.0, description="Standby server compute as a fraction of the workload's [-]."
    )
    setup_cost: MoneyOnce = Field(0.0, description="One-time cost, amortised [currency].")

    @model_validator(mode="after")
    def _paths(self) -> Self:
        if self.revert_time is None and self.mount_time is None:
            raise ValueError(
                "revert_time and mount_time are both None: a mechanism needs at least one "
                "recovery path; give e.g. revert_time = '2 min' or mount_time = '5 min'"
            )
        if self.mount_time is not None and not self.item_throughput > 0.0:
            raise FieldError(
                "item_throughput", f"{self.item_throughput!r} must be positive when mount_time "
                "is given (the item path copies data); use e.g. '500 MB/s'"
            )
        if self.replay_span > 0.0 and not self.replay_rate > 0.0:
            raise FieldError(
                "replay_rate", f"{self.replay_rate!r} must be positive when replay_span is "
                "given; use e.g. '100 GB/h'"
            )
        if self.kind in ("log_backup", "replica") and not self.database_only:
            raise FieldError(
                "database_only", f"False for a {self.kind!r}, which is database-native; use true"
            )
        if self.interval < self.min_interval - 1e-9:
            raise FieldError(
                "interval", f"{units.format_duration(self.interval)} is shorter than this "
                f"mechanism's minimum, min_interval = "
                f"{units.format_duration(self.min_interval)}; use at least that"
            )
        if self.immutable and self.window <= 0.0:
            raise FieldError(
                "immutable", "True with window = 0: an immutable copy must keep points for a "
                "while; give a window, e.g. '7 d'"
            )
        return self


class Replication(_Sourced):
    """Replication settings shared by all designs."""

    async_lag: Hours = Field(description="Steady-state lag of asynchronous replication [h].")
    sync_max_distance_km: NonNegative = Field(description="Largest distance for sync [km].")
    replica_price_per_gb_month: NonNegative = Field(
        description="Replica storage price [currency/(GB month)]."
    )


class Operations(_Sourced):
    """Recurring operational costs: restore drills."""

    drills_per_year: NonNegative = Field(description="Restore tests per year [1/year].")
    drill_hours: NonNegative = Field(description="Staff hours per drill [h].")
    labor_rate: NonNegative = Field(description="Cost of a staff hour [currency/h].")


class Licences(_Sourced):
    """Backup software licences: per protected workload and per protected TB."""

    per_workload_per_year: NonNegative = Field(
        0.0,
        description=(
            "Subscription price of the licence one protected workload (one VM, server or "
            "database instance) consumes [currency/year]."
        ),
    )
    per_tb_per_year: NonNegative = Field(
        0.0,
        description=(
            "Subscription price per TB of protected data, for capacity-licensed products "
            "[currency/(TB year)]."
        ),
    )
    replication_per_workload_per_year: NonNegative = Field(
        0.0,
        description=(
            "Subscription price of the replication software one server workload consumes "
            "when its design replicates to a standby (replication 'async' or 'sync') "
            "[currency/year]."
        ),
    )
    database_replica_per_core_per_year: NonNegative = Field(
        0.0,
        description=(
            "What a database replica adds per licensed core of a database workload whose "
            "design replicates to a standby (e.g. the step from SQL Server Standard to "
            "Enterprise for full Always On availability groups) [currency/(core year)]."
        ),
    )
    database_replica_cores: NonNegative = Field(
        0.0,
        description=(
            "Licensed cores of a database workload's instance, for "
            "database_replica_per_core_per_year [-]."
        ),
    )


class Schedules(_Sourced):
    """The backup schedules people run: the intervals a solved design may take.

    ``backup`` lists the image-level backup job's schedules, shortest first: the first is
    the shortest interval any plan runs (explicit intervals below it are refused), the
    last at most 24 h (nightly: daily restore points are always kept). The interval
    solve takes the longest schedule that meets the ask (docs/decisions.md, "Operable
    schedules").
    """

    backup: tuple[Hours, ...] = Field(
        description="Image-level backup schedules [h], strictly ascending, at most 24 h."
    )

    @field_validator("backup")
    @classmethod
    def _ascending(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        text = "[" + ", ".join(units.format_duration(x) for x in v) + "]"
        if not v:
            raise FieldError(
                "backup", "[] is empty; give the schedules people run, e.g. "
                "['15 min', '1 h', '4 h', '24 h']"
            )
        if v[0] <= 0.0 or any(b <= a for a, b in pairwise(v)):
            raise FieldError(
                "backup", f"{text} must be positive and strictly ascending; use e.g. "
                "['15 min', '1 h', '4 h', '24 h']"
            )
        if v[-1] > 24.0 + 1e-9:
            raise FieldError(
                "backup", f"{text} has a schedule longer than 24 h (daily points are always "
                "kept); end the list at '24 h' or earlier"
            )
        return v

    @property
    def minimum(self) -> float:
        """The shortest backup schedule [h]."""
        return float(self.backup[0])


#: the schedule list of a catalog that gives none (the shipped catalog's, see its source)
STANDARD_SCHEDULES = (0.25, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 24.0)


_CURRENCY_RE = re.compile(r"[A-Z]{3}")


class CatalogInfo(InputModel):
    """Catalog header: name, currency and amortisation period."""

    name: str = Field("custom", description="Catalog name.")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    date: str = Field("", description="Date of the catalog (ISO 8601).")
    amortisation_years: float = Field(
        5.0,
        gt=0,
        le=100,
        allow_inf_nan=False,
        description="Straight-line amortisation period of one-time costs [year], at most 100.",
    )
    description: str = Field("", description="Free text.")

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v: Any) -> Any:
        if not (isinstance(v, str) and _CURRENCY_RE.fullmatch(v)):
            raise FieldError(
                "currency", f"{units.excerpt(v)} is not an ISO 4217 code; use e.g. 'USD', 'EUR'"
            )
        return v


class Catalog(InputModel):
    """Priced options a design chooses from: targets, off-site methods, links, strategies.

    ``Catalog.default()`` loads the shipped catalog (every figure with its source and
    date, see the docs page *Default catalog*); ``Catalog.from_toml(path)`` loads one of
    your own with the same schema; ``catalog.override({...})`` changes entries.
    """

    catalog: CatalogInfo = Field(default_factory=CatalogInfo, description="Header.")
    targets: FrozenMap[str, Target] = Field(description="Backup target tiers by key.")
    offsite: FrozenMap[str, OffsiteMethod] = Field(
        default_factory=FrozenDict, description="Off-site methods."
    )
    links: FrozenMap[str, Link] = Field(description="WAN link sizes by key.")
    strategies: FrozenMap[str, Strategy] = Field(description="Recovery strategies by key.")
    protection: FrozenMap[str, Protection] = Field(
        default_factory=FrozenDict,
        description="Extra protection mechanisms (snapshots, journals, database) by key.",
    )
    isolated_recovery: FrozenMap[str, IsolatedRecovery] = Field(
        default_factory=FrozenDict,
        description="Isolated recovery environments (clean rooms) for ransomware by key.",
    )
    replication: Replication = Field(description="Replication settings.")
    operations: Operations = Field(description="Restore drill costs.")
    schedules: Schedules = Field(
        default_factory=lambda: Schedules(
            backup=STANDARD_SCHEDULES,
            source="not given: rtocalc's standard schedules (15 min to nightly)",
            date="",
        ),
        description="Backup schedules a solved design may run (the shortest is the minimum).",
    )
    licences: Licences = Field(
        default_factory=lambda: Licences(
            source="not given: the catalog prices no software licences", date=""
        ),
        description="Backup software licence prices (none when the catalog gives none).",
    )

    @model_validator(mode="after")
    def _references(self) -> Self:
        errors: list[tuple[tuple[str | int, ...], Message, Any]] = []
        for key, method in self.offsite.items():
            target = self.targets.get(method.target)
            loc = ("offsite", key, "target")
            if target is None:
                errors.append(
                    (
                        loc,
                        FieldError(
                            "target",
                            f"{method.target!r} is not a target key; use one of "
                            + ", ".join(repr(k) for k in self.targets),
                        ),
                        method.target,
                    )
                )
            elif "offsite" not in target.roles or target.location == "primary":
                errors.append(
                    (
                        loc,
                        FieldError(
                            "target",
                            f"{method.target!r} is at the primary site or lacks the "
                        "'offsite' role; use a 'cloud' or 'vault' target with that role",
                        ),
                        method.target,
                    )
                )
            elif not target.schemes:
                errors.append(
                    (
                        loc,
                        FieldError(
                            "target",
                            f"{method.target!r} holds GFS fulls only (schemes = []), not "
                        "the chain an off-site copy carries; use a target with chain schemes",
                        ),
                        method.target,
                    )
                )
        if "restore" not in self.strategies:
            errors.append(
                (
                    ("strategies",),
                    FieldError(
                        "strategies", "no 'restore' entry; every catalog needs restore-to-new"
                    ),
                    sorted(self.strategies),
                )
            )
        elif self.strategies["restore"].replica:
            errors.append(
                (
                    ("strategies", "restore", "replica"),
                    FieldError(
                        "replica", "True must be false (restore needs no replica); use false"
                    ),
                    True,
                )
            )
        if not any("primary" in t.roles for t in self.targets.values()):
            errors.append(
                (
                    ("targets",),
                    FieldError("targets", "no target has the 'primary' role; add one"),
                    None,
                )
            )
        if not self.links:
            errors.append(
                (("links",), FieldError("links", "{} is empty; give at least one link"), {})
            )
        if errors:
            raise_errors(type(self).__name__, errors)
        return self

    @classmethod
    def default(cls) -> Catalog:
        """The shipped catalog (``rtocalc/data/catalog.toml``).

        It is read and validated once per process: every call returns the same object, so
        the caches keyed by a catalog's identity (its design space, its price tables) serve
        every call that uses the default. It is read from a JSON copy of the TOML while the
        copy is up to date (``rtocalc._catalog_data``): the same data, parsed in a
        fraction of the time.
        """
        global _DEFAULT_CATALOG
        if _DEFAULT_CATALOG is None or type(_DEFAULT_CATALOG) is not cls:
            _DEFAULT_CATALOG = cls.from_dict(default_catalog_data())
        return _DEFAULT_CATALOG

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalog:
        """Validate a catalog given as nested mappings (the TOML schema)."""
        header = data.get("catalog", {})
        currency = header.get("currency", "USD") if isinstance(header, Mapping) else "USD"
        if not (isinstance(currency, str) and _CURRENCY_RE.fullmatch(currency)):
            currency = None  # reported by CatalogInfo; amounts are then not checked against it
        return cls.model_validate(data, context={"currency": currency})

    @classmethod
    def from_toml(cls, path: str | Path) -> Catalog:
        """Load a catalog file with the schema of the default catalog."""
        with open(path, "rb") as fh:
            return cls.from_dict(tomllib.load(fh))

    def override(self, changes: Mapping[str, Any]) -> Catalog:
        """A new catalog with ``changes`` merged in (nested mappings merge key by key).

        Examples
        --------
        >>> cheaper = {"targets": {"object_hot": {"price_per_gb_month": 0.02}}}
        >>> c = Catalog.default().override(cheaper)
        >>> c.targets["object_hot"].price_per_gb_month
        0.02
        """
        return Catalog.from_dict(_merge(self.model_dump(), changes))

    @property
    def currency(self) -> str:
        """ISO 4217 code of every price in the catalog."""
        return self.catalog.currency


_DEFAULT_CATALOG: Catalog | None = None  # Catalog.default(), built on first use


def _merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# --- one design ---------------------------------------------------------------------------


def _positive_duration(v: Any, info: ValidationInfo) -> float:
    name = _name(info)
    hours = units.parse_duration(v, field=name)
    if hours <= 0.0:
        raise FieldError(name, f"{units.excerpt(v)} must be positive; use e.g. '1 h' or '24 h'")
    return hours


PositiveHours = Annotated[float, BeforeValidator(_positive_duration), _text_or_number("4 h")]


class Design(InputModel):
    """One choice of every decision variable.

    Examples
    --------
    >>> Design(interval="1 h", scheme="synthetic_full", target="local_hardened",
    ...        offsite="cloud_copy_infrequent").interval
    1.0
    """

    interval: PositiveHours = Field(description="Time between backups [h].")
    scheme: Scheme = Field("forever_forward", description="Backup chain scheme.")
    target: str = Field(description="Target key of the main backup chain.")
    offsite: str | None = Field(None, description="Off-site method key, or None.")
    longterm: str | None = Field(
        None, description="Target key for GFS points, or None to keep them with the chain."
    )
    replication: ReplicationMode = Field("none", description="Replication to the secondary site.")
    link: str | None = Field(None, description="WAN link key (needed for cloud, replication).")
    strategy: str = Field("restore", description="Recovery strategy key.")
    protection: str | None = Field(
        None, description="Protection mechanism key (snapshots, journal, database), or None."
    )

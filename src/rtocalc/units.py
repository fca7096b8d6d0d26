"""Parse and format the quantities of backup and disaster-recovery planning.

Inside rtocalc every quantity is a plain ``float`` in one canonical unit:

==================  =======================================================
quantity            canonical unit
==================  =======================================================
duration            hours (h)
size                gigabytes, GB = 10**9 bytes
data throughput     GB per hour (GB/h)
link bandwidth      megabits per second (Mbit/s)
money               currency units per month (730 h/month, 8760 h/year)
fraction            dimensionless, 0.2 means 20 %
ratio               dimensionless, at least 1 (2.0 means 2:1)
==================  =======================================================

Strings such as ``"15 min"``, ``"2 TB"``, ``"1 Gbps"`` or ``"$48k/year"``
exist only at the edge of the library (configuration files, the command line,
reports).  The ``parse_*`` functions turn them into canonical floats and the
``format_*`` functions turn canonical floats back into short human-readable
strings.  Every parse function raises :class:`UnitError` (a
:class:`ValueError`) with a message that names the field, repeats the
offending value and shows accepted forms, so that callers such as pydantic
validators can pass it on unchanged.

Constants
---------
HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_MONTH, HOURS_PER_YEAR : float
    24, 168, 730 and 8760 hours.  A month is 1/12 of a 365-day year.
DAYS_PER_WEEK : float
    7.
MONTHS_PER_YEAR : float
    12.
TOL : float
    1e-9: the tolerance of every "meets" test (an achieved RPO, RTO or outlay within
    ``TOL`` of its limit meets it), so that rounding never turns a limit met exactly
    into a miss.
GB_PER_TB : float
    1000 (decimal units).
GB_PER_GIB : float
    2**30 / 10**9 = 1.073741824.
GBPH_PER_MBITPS : float
    0.45: a 1 Mbit/s link moves 0.45 GB of data per hour.
MBITPS_PER_GBPH : float
    1 / 0.45: the link bandwidth needed per GB/h of data throughput.
NO_RECOVERY, UNBOUNDED : str
    How outputs write an infinite time (``"no recovery"``) and an infinite size,
    rate or amount of money (``"unbounded"``); no output shows ``inf`` or ``nan``.
MAX_TEXT_LENGTH : int
    200: the longest text a unit field accepts.
MAX_AMOUNT : float
    1e15: the largest amount of money accepted.

Examples
--------
>>> from rtocalc.units import parse_duration, parse_size, format_duration
>>> parse_duration("15 min")
0.25
>>> parse_size("2 TB")
2000.0
>>> format_duration(36.0)
'1.5 d'
>>> HOURS_PER_YEAR == MONTHS_PER_YEAR * HOURS_PER_MONTH
True
>>> round(100 * GBPH_PER_MBITPS, 9)  # a 100 Mbit/s link, in GB/h
45.0
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

__all__ = [
    "DAYS_PER_WEEK",
    "GBPH_PER_MBITPS",
    "GB_PER_GIB",
    "GB_PER_TB",
    "HOURS_PER_DAY",
    "HOURS_PER_MONTH",
    "HOURS_PER_WEEK",
    "HOURS_PER_YEAR",
    "MBITPS_PER_GBPH",
    "MONTHS_PER_YEAR",
    "NO_RECOVERY",
    "TOL",
    "UNBOUNDED",
    "UnitError",
    "format_bandwidth",
    "format_duration",
    "format_money",
    "format_size",
    "format_throughput",
    "money_currency",
    "parse_bandwidth",
    "parse_daily_change",
    "parse_duration",
    "parse_fraction",
    "parse_money",
    "parse_ratio",
    "parse_size",
    "parse_throughput",
]

# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------

HOURS_PER_DAY: Final = 24.0
HOURS_PER_WEEK: Final = 168.0
HOURS_PER_MONTH: Final = 730.0
HOURS_PER_YEAR: Final = 8760.0
DAYS_PER_WEEK: Final = HOURS_PER_WEEK / HOURS_PER_DAY
MONTHS_PER_YEAR: Final = 12.0

TOL: Final = 1e-9

_BYTES_PER_GB: Final = 1e9
GB_PER_TB: Final = 1000.0
GB_PER_GIB: Final = 2.0**30 / _BYTES_PER_GB

_SECONDS_PER_HOUR: Final = 3600.0
_SECONDS_PER_DAY: Final = HOURS_PER_DAY * _SECONDS_PER_HOUR
_BITS_PER_BYTE: Final = 8.0
_BITS_PER_MBIT: Final = 1e6
# 1 Mbit/s = 10**6 / 8 B/s = 1.25e5 B/s = 4.5e8 B/h = 0.45 GB/h.
GBPH_PER_MBITPS: Final = _BITS_PER_MBIT / _BITS_PER_BYTE * _SECONDS_PER_HOUR / _BYTES_PER_GB
MBITPS_PER_GBPH: Final = 1.0 / GBPH_PER_MBITPS

# Durations are resolved in seconds, which are exact for every supported unit,
# and converted to hours by a single final division.
_DURATION_ALIASES: Final = (
    (("s", "sec", "secs", "second", "seconds"), 1.0),
    (("m", "min", "mins", "minute", "minutes"), 60.0),
    (("h", "hr", "hrs", "hour", "hours"), _SECONDS_PER_HOUR),
    (("d", "day", "days"), _SECONDS_PER_DAY),
    (("w", "wk", "wks", "week", "weeks"), HOURS_PER_WEEK * _SECONDS_PER_HOUR),
    (("mo", "mon", "mos", "month", "months"), HOURS_PER_MONTH * _SECONDS_PER_HOUR),
    (("y", "yr", "yrs", "year", "years"), HOURS_PER_YEAR * _SECONDS_PER_HOUR),
)
_DURATION_SECONDS: Final[Mapping[str, float]] = MappingProxyType(
    {alias: seconds for aliases, seconds in _DURATION_ALIASES for alias in aliases}
)
# Units allowed after "/" or "per": a bare "m" could be a minute or a month.
_PERIOD_SECONDS: Final[Mapping[str, float]] = MappingProxyType(
    {alias: seconds for alias, seconds in _DURATION_SECONDS.items() if alias != "m"}
)

# SI and IEC prefixes, shared by sizes (bytes) and rates (bytes or bits).
_PREFIX_MULTIPLIERS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "": 1.0,
        "k": 1e3,
        "m": 1e6,
        "g": 1e9,
        "t": 1e12,
        "p": 1e15,
        "ki": 2.0**10,
        "mi": 2.0**20,
        "gi": 2.0**30,
        "ti": 2.0**40,
        "pi": 2.0**50,
    }
)
_SIZE_BYTES: Final[Mapping[str, float]] = MappingProxyType(
    {f"{prefix}b": multiplier for prefix, multiplier in _PREFIX_MULTIPLIERS.items()}
    | {"byte": 1.0, "bytes": 1.0}
)

_MONEY_MAGNITUDES: Final[Mapping[str, float]] = MappingProxyType({"k": 1e3, "m": 1e6})
_CURRENCY_SYMBOLS: Final[Mapping[str, str]] = MappingProxyType({"$": "USD", "€": "EUR", "£": "GBP"})
_SYMBOL_FOR_CURRENCY: Final[Mapping[str, str]] = MappingProxyType(
    {code: symbol for symbol, code in _CURRENCY_SYMBOLS.items()}
)
# Active ISO 4217 codes; a three-letter word must be one of these to be read as
# a currency, so that e.g. "4000 hrs" is not mistaken for 4000 units of "HRS".
_ISO_4217_CODES: Final = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
    BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK
    LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF
    YER ZAR ZMW ZWG
"""
_ISO_4217: Final = frozenset(_ISO_4217_CODES.split())

# Labels and sizes (in the canonical unit) used by the formatters, ascending.
_DURATION_LABELS: Final = (
    ("s", 1.0 / _SECONDS_PER_HOUR),
    ("min", 60.0 / _SECONDS_PER_HOUR),
    ("h", 1.0),
    ("d", HOURS_PER_DAY),
    ("w", HOURS_PER_WEEK),
)
# (label, key in _PREFIX_MULTIPLIERS)
_DECIMAL_PREFIXES: Final = (("", ""), ("k", "k"), ("M", "m"), ("G", "g"), ("T", "t"), ("P", "p"))
_BINARY_PREFIXES: Final = tuple((f"{label}i", f"{key}i") for label, key in _DECIMAL_PREFIXES[1:])
_SIZE_LABELS: Final = tuple(
    (f"{label}B", _PREFIX_MULTIPLIERS[key] / _BYTES_PER_GB) for label, key in _DECIMAL_PREFIXES
)
_BINARY_SIZE_LABELS: Final = tuple(
    (f"{label}B", _PREFIX_MULTIPLIERS[key] / _BYTES_PER_GB)
    for label, key in _DECIMAL_PREFIXES[:1] + _BINARY_PREFIXES
)
_THROUGHPUT_LABELS: Final = tuple(
    (f"{label}B/s", _PREFIX_MULTIPLIERS[key] * _SECONDS_PER_HOUR / _BYTES_PER_GB)
    for label, key in _DECIMAL_PREFIXES[:-1]
)
_BANDWIDTH_LABELS: Final = tuple(
    (f"{label}bit/s", _PREFIX_MULTIPLIERS[key] / _BITS_PER_MBIT)
    for label, key in _DECIMAL_PREFIXES[:-1]
)

# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def excerpt(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to about `limit` characters for an error message.

    A long value is shown by its start and its length, so that a message never
    repeats a whole file or a crafted megabyte-long string.

    Parameters
    ----------
    value : object
        The value to show.
    limit : int, default 60
        Longest excerpt of the representation [characters].

    Returns
    -------
    str
        E.g. ``"'xxxxx...' (40000 characters)"``.

    Examples
    --------
    >>> excerpt("15 minuets")
    "'15 minuets'"
    >>> excerpt("$" + " " * 1000 + "x", limit=10)
    "'$        ...' (1002 characters)"
    """
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # a deeply nested value; int digits limit
        return f"a {type(value).__name__}"
    if len(text) <= limit:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters"
    quote = text[0] if isinstance(value, str) else ""
    return f"{text[:limit]}...{quote} ({size})"


class FieldError(ValueError):
    """A value error about one named field: the field, and what is wrong with it.

    ``str(err)`` is ``"field: detail"``, the form of every message of the input models;
    the file readers (:func:`rtocalc.files.format_validation_error`) read ``field`` from
    the error pydantic keeps in its ``ctx``, instead of parsing the message, to join it
    with the error's location. Internal: raised by validators, caught as ``ValueError``.

    Examples
    --------
    >>> err = FieldError("retention", "'14 dailies' is not a retention")
    >>> print(err)
    retention: '14 dailies' is not a retention
    >>> isinstance(err, ValueError), err.field, err.detail
    (True, 'retention', "'14 dailies' is not a retention")
    """

    field: str
    detail: str

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}")

    def __reduce__(self) -> tuple[type[FieldError], tuple[str, str]]:
        return type(self), (self.field, self.detail)


class UnitError(ValueError):
    """A value that cannot be read as the quantity a field expects.

    The message stands alone (field, offending value, accepted forms), so it
    can be shown to a user or re-raised by a validator unchanged.

    Parameters
    ----------
    field : str
        Name of the field or parameter being parsed, e.g. ``"rpo"``.
    value : object
        The offending input, exactly as given.
    kind : str
        The kind of quantity expected, e.g. ``"duration"``.
    expected : str
        Accepted forms, e.g. ``"'15 min', '4 h', 'PT15M'"``.
    problem : str, optional
        What is wrong with `value`; defaults to ``"is not a {kind}"``.

    Attributes
    ----------
    field : str
        Name of the field or parameter being parsed.
    value : object
        The offending input.
    kind : str
        The kind of quantity expected.
    expected : str
        Accepted forms.
    problem : str
        What is wrong with `value`.

    Examples
    --------
    >>> err = UnitError("rpo", "15 minuets", "duration", "'15 min', '4 h', 'PT15M'")
    >>> print(err)
    rpo: '15 minuets' is not a duration; use e.g. '15 min', '4 h', 'PT15M'
    >>> isinstance(err, ValueError), err.field, err.value
    (True, 'rpo', '15 minuets')
    """

    field: str
    value: object
    kind: str
    expected: str
    problem: str

    def __init__(
        self,
        field: str,
        value: object,
        kind: str,
        expected: str,
        problem: str | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.kind = kind
        self.expected = expected
        self.problem = f"is not a {kind}" if problem is None else problem
        super().__init__(f"{field}: {excerpt(value)} {self.problem}; use e.g. {expected}")

    def __reduce__(self) -> tuple[type[UnitError], tuple[str, object, str, str, str]]:
        return type(self), (self.field, self.value, self.kind, self.expected, self.problem)


@dataclass(frozen=True)
class _Kind:
    """A kind of quantity: its name in messages and accepted example inputs."""

    name: str
    examples: tuple[str, ...]

    @property
    def expected(self) -> str:
        return ", ".join(repr(example) for example in self.examples)


_DURATION: Final = _Kind("duration", ("15 min", "4 h", "PT15M"))
_SIZE: Final = _Kind("size", ("500 GB", "2 TB", "1.5 TiB"))
_THROUGHPUT: Final = _Kind("throughput", ("200 MB/s", "1 Gbps"))
_BANDWIDTH: Final = _Kind("bandwidth", ("100 Mbit/s", "1 Gbps"))
_DAILY_CHANGE: Final = _Kind("daily change", ("3%/day", "60 GB/day"))
_MONEY: Final = _Kind("money amount", ("$4,000/mo", "48000/yr"))
_RATIO: Final = _Kind("ratio", ("2:1", "2x"))
_FRACTION: Final = _Kind("fraction", ("20%", "0.2"))


def _fail(
    kind: _Kind,
    field: str,
    value: object,
    problem: str | None = None,
    *,
    expected: str | None = None,
) -> UnitError:
    """Build (not raise) the error for `value`, so callers can ``raise _fail(...)``."""
    if expected is None:
        expected = kind.expected
    return UnitError(field, value, kind.name, expected, problem)


def _checked(number: float, kind: _Kind, field: str, value: object) -> float:
    """Return `number` if finite and non-negative (``-0.0`` becomes ``0.0``); amounts
    of money also at most :data:`MAX_AMOUNT`."""
    if not math.isfinite(number) or number < 0.0:
        raise _fail(kind, field, value, f"must be a finite, non-negative {kind.name}")
    if kind is _MONEY and number > MAX_AMOUNT:
        raise _fail(kind, field, value, f"is out of range: more than {MAX_AMOUNT:.0e}")
    return number + 0.0


# ---------------------------------------------------------------------------
# Tokenizer: "<prefix> <sign><number> <unit>"
# ---------------------------------------------------------------------------

# ASCII digits only ([0-9], not \d): float() would read other scripts' digits too.
_NUMBER_PATTERN: Final = r"""
    (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?   # 4  1,500  1.5  1e3
  | \.[0-9]+(?:[eE][+-]?[0-9]+)?                                       # .5
  | (?i:nan|inf(?:inity|inite)?|unbounded)                            # read, then rejected
"""
# Linear on any input: whitespace runs are possessive and the words of the prefix are
# separated by whitespace, so no two quantifiers can share a character.
_QUANTITY_RE: Final = re.compile(
    rf"""
    (?:(?P<sign1>[+-])\s*+)?
    (?:(?P<prefix>[^0-9\s.+-]+(?:\s++[^0-9\s.+-]+)*)\s*+)??   # currency: $  USD
    (?:(?P<sign2>[+-])\s*+)?
    (?P<number>{_NUMBER_PATTERN})
    (?P<unit>.*)
    """,
    re.VERBOSE | re.DOTALL,
)
#: How every output writes an infinite time (no copy to recover from): never "inf".
NO_RECOVERY: Final = "no recovery"
#: How every output writes an infinite size, rate or amount of money: never "inf".
UNBOUNDED: Final = "unbounded"
#: Largest amount of money accepted, per any period: beyond every real price, and small
#: enough that sums and products of amounts stay finite [currency].
MAX_AMOUNT: Final = 1e15
#: Longest text a unit field accepts [characters]; longer values are rejected unread.
MAX_TEXT_LENGTH: Final = 200
_ISO_NUMBER: Final = r"[0-9]+(?:[.,][0-9]+)?"
_ISO_8601_RE: Final = re.compile(
    rf"""
    (?P<sign>[+-])?P(?!$)
    (?:(?P<years>{_ISO_NUMBER})Y)?
    (?:(?P<months>{_ISO_NUMBER})M)?
    (?:(?P<weeks>{_ISO_NUMBER})W)?
    (?:(?P<days>{_ISO_NUMBER})D)?
    (?:T(?!$)
        (?:(?P<hours>{_ISO_NUMBER})H)?
        (?:(?P<minutes>{_ISO_NUMBER})M)?
        (?:(?P<seconds>{_ISO_NUMBER})S)?
    )?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ISO_8601_SECONDS: Final = tuple(
    (f"{unit}s", _DURATION_SECONDS[unit])  # regex group name, seconds
    for unit in ("year", "month", "week", "day", "hour", "minute", "second")
)
# Data rates: "MB/s", "Gbps", "100 Mbit/s", "2 TB/day".  B = bytes, b = bits.
_RATE_UNIT_RE: Final = re.compile(
    r"(?P<prefix>[kKmMgGtTpP]i?)?(?P<base>(?i:bytes?|bits?)|B|b)(?:ps|/(?P<per>.+))"
)
_FRACTION_UNIT_RE: Final = re.compile(r"(?P<percent>%|percent|pct)?(?:/(?P<per>.+))?", re.I)
_RATIO_UNIT_RE: Final = re.compile(
    rf"[x×]|:(?P<denominator>{_NUMBER_PATTERN})", re.VERBOSE | re.IGNORECASE
)
_MONEY_UNIT_RE: Final = re.compile(
    r"""
    (?P<magnitude>[kKmM](?![A-Za-z]))?\s*          # 48k  1.2M
    (?P<currency>[$€£]|[A-Za-z]{3}(?![A-Za-z]))?   # 300€  12,345 CHF
    (?:/(?P<per>.+))?                              # /mo  /yr
    """,
    re.VERBOSE,
)


# "4.000": four thousand in much of Europe, four in the English-speaking world
_THOUSANDS_DOT_RE: Final = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")


class _Quantity(NamedTuple):
    """A tokenized string: text before the number, the signed number, the unit."""

    prefix: str
    number: float
    unit: str
    text: str = ""  # the number as written


def _to_float(text: str) -> float:
    """Convert a match of ``_NUMBER_PATTERN`` to float."""
    lowered = text.lower()
    if lowered == "unbounded" or lowered.startswith("inf"):
        return math.inf
    return float(text.replace(",", ""))


def _tokenize(text: str) -> _Quantity | None:
    """Split ``"$ 1,500.5 GB / day"`` into prefix, signed number and unit."""
    match = _QUANTITY_RE.fullmatch(text.strip())
    if match is None or (match["sign1"] and match["sign2"]):
        return None
    number = _to_float(match["number"])
    if "-" in (match["sign1"], match["sign2"]):
        number = -number
    unit = re.sub(r"\s*([/:])\s*", r"\1", match["unit"].strip())
    unit = re.sub(r"\s+per\s+", "/", unit, flags=re.IGNORECASE)
    return _Quantity(match["prefix"] or "", number, unit, match["number"])


def _coerce(value: object, kind: _Kind, field: str) -> float | str:
    """Return a real number as float, a non-blank string as is, or raise."""
    if isinstance(value, bool):
        raise _fail(kind, field, value)
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range
            return math.inf
    if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
        raise _fail(kind, field, value, f"is too long (more than {MAX_TEXT_LENGTH} characters)")
    if isinstance(value, str) and value.strip():
        return value
    raise _fail(kind, field, value)


def _quantity(text: str, kind: _Kind, field: str, *, allow_prefix: bool = False) -> _Quantity:
    """Tokenize `text` or raise; a prefix (currency) is an error unless allowed."""
    quantity = _tokenize(text)
    if quantity is None or (quantity.prefix and not allow_prefix):
        raise _fail(kind, field, text)
    return quantity


def _scaled(quantity: _Quantity, units: Mapping[str, float], default: float) -> float | None:
    """Number times the factor of its (case-insensitive) unit, or None if unknown."""
    factor = units.get(quantity.unit.lower()) if quantity.unit else default
    return None if factor is None else quantity.number * factor


def _rate_factors(unit: str) -> tuple[float, float] | None:
    """Bits per unit amount and seconds per period of a rate unit like ``'MB/s'``."""
    match = _RATE_UNIT_RE.fullmatch(unit)
    if match is None:
        return None
    base = match["base"]
    per_bit = 1.0 if base == "b" or base.lower().startswith("bit") else _BITS_PER_BYTE
    seconds = 1.0 if match["per"] is None else _PERIOD_SECONDS.get(match["per"].lower())
    if seconds is None:
        return None
    return _PREFIX_MULTIPLIERS[(match["prefix"] or "").lower()] * per_bit, seconds


# Rate targets: (bits per unit amount, seconds per period).
_GB_PER_HOUR: Final = (_BITS_PER_BYTE * _BYTES_PER_GB, _SECONDS_PER_HOUR)
_MBIT_PER_SECOND: Final = (_BITS_PER_MBIT, 1.0)


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def _format_number(number: float, digits: int = 6) -> str:
    """Up to `digits` significant digits, no trailing zeros, no exponent below 1e15."""
    text = f"{number:.{digits}g}"
    if "e+" in text and int(text.partition("e+")[2]) < 15:
        text = format(Decimal(text), "f")
    return text


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


@lru_cache(maxsize=4096)  # a pure function of hashable arguments: explanations and
# renderings format the same few values again and again
def _format_scaled(
    value: float,
    labels: tuple[tuple[str, float], ...],
    digits: int = 6,
    *,
    whole: bool = False,
    whole_only: tuple[str, ...] = (),
) -> str:
    """Format `value` in the largest of `labels` (ascending) in which it is >= 1.

    With `whole`, a smaller label (still >= 1) in which the value is a whole number
    written with fewer digits wins: ``10 d``, not ``1.42857 w`` (ties keep the larger).
    Labels in `whole_only` are used for whole numbers only (``2 w``, never ``4.2 w``).
    """
    if math.isnan(value) or value == -math.inf:
        raise ValueError(f"cannot format {value!r}")
    if value == math.inf:
        return UNBOUNDED
    magnitude = abs(value)
    fits = [labels[0]] + [
        (candidate, candidate_size)
        for candidate, candidate_size in labels[1:]
        if float(text := _format_number(magnitude / candidate_size, digits)) >= 1.0
        and (candidate not in whole_only or "." not in text)
    ]
    label, size = fits[-1]
    text = _format_number(magnitude / size, digits)
    if whole:
        for candidate, candidate_size in reversed(fits[:-1]):
            shorter = _format_number(magnitude / candidate_size, digits)
            if "." not in shorter and _digit_count(shorter) < _digit_count(text):
                label, text = candidate, shorter
    sign = "-" if value < 0.0 and float(text) != 0.0 else ""
    return f"{sign}{text} {label}"


# ---------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------


def _iso_8601_seconds(text: str) -> float | None:
    """Seconds of an ISO 8601 duration such as ``'P1DT2H30M'``, or None."""
    match = _ISO_8601_RE.fullmatch(text.strip())
    if match is None:
        return None
    seconds = sum(
        float(match[name].replace(",", ".")) * size
        for name, size in _ISO_8601_SECONDS
        if match[name] is not None
    )
    return -seconds if match["sign"] == "-" else seconds


def parse_duration(value: object, field: str = "duration") -> float:
    """Parse a duration to hours.

    Parameters
    ----------
    value : object
        A non-negative number of hours (``int`` or ``float``, not ``bool``), a
        :class:`datetime.timedelta`, or a string: a number and a unit
        (``"30 s"``, ``"15 min"``, ``"15m"``, ``"4 h"``, ``"4 hours"``,
        ``"1.5 d"``, ``"2 w"``, ``"1 mo"``, ``"1 yr"``), a bare number of hours
        (``"4"``), or an ISO 8601 duration (``"PT15M"``, ``"P1DT2H30M"``,
        ``"P2W"``).  Units are case-insensitive; ``m`` is minutes.  A month is
        730 h and a year 8760 h, also in ISO 8601 durations.
    field : str, default "duration"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    float
        The duration in hours, finite and non-negative.

    Raises
    ------
    UnitError
        If `value` is not a duration, or is negative, NaN or infinite.

    See Also
    --------
    format_duration : The inverse operation.

    Examples
    --------
    >>> parse_duration("15 min")
    0.25
    >>> parse_duration("P1DT2H30M")
    26.5
    >>> parse_duration("1.5 d"), parse_duration(4), parse_duration("1 mo")
    (36.0, 4.0, 730.0)
    >>> parse_duration("15 minuets", "rpo")
    Traceback (most recent call last):
    ...
    rtocalc.units.UnitError: rpo: '15 minuets' is not a duration; use e.g. '15 min', '4 h', 'PT15M'
    """
    if isinstance(value, timedelta):
        return _checked(value.total_seconds() / _SECONDS_PER_HOUR, _DURATION, field, value)
    raw = _coerce(value, _DURATION, field)
    if isinstance(raw, float):
        return _checked(raw, _DURATION, field, value)
    seconds = _iso_8601_seconds(raw)
    if seconds is None:
        seconds = _scaled(_quantity(raw, _DURATION, field), _DURATION_SECONDS, _SECONDS_PER_HOUR)
    if seconds is None:
        raise _fail(_DURATION, field, value)
    return _checked(seconds / _SECONDS_PER_HOUR, _DURATION, field, value)


def format_duration(hours: float, *, digits: int = 6) -> str:
    """Format a duration in hours for humans.

    Durations read as people write them: the unit is the largest of s, min,
    h, d and w in which the value is at least 1, with weeks for whole weeks
    only (``2 w``; ``10 d``, not ``1.42857 w``; ``29.4 d``, not ``4.2 w``),
    unless a smaller unit (in which it is also at least 1) gives a whole
    number with fewer digits (``30 h``, not ``1.25 d``; ``1.5 d`` stays, as
    ``36 h`` is no shorter). The number has up to `digits` significant
    digits, without trailing zeros, so that
    ``parse_duration(format_duration(x))`` equals ``x`` to a relative
    tolerance of 1e-5.

    Parameters
    ----------
    hours : float
        Duration in hours.  Negative values (e.g. a missed target) keep their
        sign; ``math.inf`` (a time that never ends: no copy to recover from, a
        lag that grows without end) is formatted as :data:`NO_RECOVERY`.
    digits : int, default 6
        Significant digits; reports for people use 3.

    Returns
    -------
    str
        E.g. ``"15 min"``, ``"4 h"``, ``"1.5 d"``, ``"2 w"``, ``"0 s"``.

    Raises
    ------
    ValueError
        If `hours` is NaN or ``-inf``.

    See Also
    --------
    parse_duration : The inverse operation.

    Examples
    --------
    >>> format_duration(0.25), format_duration(4), format_duration(36)
    ('15 min', '4 h', '1.5 d')
    >>> format_duration(336), format_duration(0), format_duration(50 / 24)
    ('2 w', '0 s', '125 min')
    >>> format_duration(240), format_duration(241, digits=3), format_duration(8760)
    ('10 d', '10 d', '365 d')
    >>> format_duration(float("inf"))
    'no recovery'
    >>> format_duration(3.847413, digits=3)
    '3.85 h'
    """
    hours = float(hours)
    if hours == math.inf:
        return NO_RECOVERY
    return _format_scaled(hours, _DURATION_LABELS, digits, whole=True, whole_only=("w",))


# ---------------------------------------------------------------------------
# Sizes, throughput and bandwidth
# ---------------------------------------------------------------------------


def parse_size(value: object, field: str = "size") -> float:
    """Parse a data size to decimal gigabytes (10**9 bytes).

    Parameters
    ----------
    value : object
        A non-negative number of GB, or a string with a number and a unit:
        ``B``, ``kB``, ``MB``, ``GB``, ``TB``, ``PB`` (powers of 1000) or
        ``KiB``, ``MiB``, ``GiB``, ``TiB``, ``PiB`` (powers of 1024).  Units are
        case-insensitive and always mean bytes (``"500 gb"`` is 500 GB).  The
        number may use an exponent (``"1e3 GB"``) and comma thousands
        separators (``"1,500 GB"``).  A bare number string is GB.
    field : str, default "size"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    float
        The size in GB, finite and non-negative.

    Raises
    ------
    UnitError
        If `value` is not a size, or is negative, NaN or infinite.

    See Also
    --------
    format_size : The inverse operation.

    Examples
    --------
    >>> parse_size("2 TB"), parse_size("1,500 GB"), parse_size(500)
    (2000.0, 1500.0, 500.0)
    >>> parse_size("1.5 TiB")
    1649.267441664
    >>> parse_size("800 MiB")
    0.8388608
    """
    raw = _coerce(value, _SIZE, field)
    if isinstance(raw, str):
        size = _scaled(_quantity(raw, _SIZE, field), _SIZE_BYTES, _BYTES_PER_GB)
        if size is None:
            raise _fail(_SIZE, field, value)
        raw = size / _BYTES_PER_GB
    return _checked(raw, _SIZE, field, value)


def format_size(gb: float, *, binary: bool = False, digits: int = 6) -> str:
    """Format a size in GB for humans.

    Parameters
    ----------
    gb : float
        Size in decimal GB.  ``math.inf`` is formatted as ``"unbounded"``.
    binary : bool, default False
        Use KiB, MiB, GiB, TiB and PiB instead of kB, MB, GB, TB and PB.
    digits : int, default 6
        Significant digits; reports for people use 3.

    Returns
    -------
    str
        The size in the largest unit in which it is at least 1, with up to 6
        significant digits, e.g. ``"2 TB"`` or ``"1.5 TiB"``.

    Raises
    ------
    ValueError
        If `gb` is NaN or ``-inf``.

    See Also
    --------
    parse_size : The inverse operation.

    Examples
    --------
    >>> format_size(2000), format_size(0.5), format_size(0)
    ('2 TB', '500 MB', '0 B')
    >>> format_size(1649.267441664, binary=True)
    '1.5 TiB'
    """
    return _format_scaled(float(gb), _BINARY_SIZE_LABELS if binary else _SIZE_LABELS, digits)


def _parse_rate(value: object, field: str, kind: _Kind, target: tuple[float, float]) -> float:
    """Parse a data rate, in bytes or bits per period, to `target` units."""
    raw = _coerce(value, kind, field)
    if isinstance(raw, str):
        quantity = _quantity(raw, kind, field)
        factors = _rate_factors(quantity.unit) if quantity.unit else target
        if factors is None:
            raise _fail(kind, field, value)
        (bits, seconds), (target_bits, target_seconds) = factors, target
        raw = quantity.number * bits * target_seconds / (target_bits * seconds)
    return _checked(raw, kind, field, value)


def parse_throughput(value: object, field: str = "throughput") -> float:
    """Parse a data throughput to GB per hour.

    Parameters
    ----------
    value : object
        A non-negative number of GB/h, or a string with a number and a rate
        unit: an amount of data, ``/`` (or ``per``) and a period, e.g.
        ``"200 MB/s"``, ``"500 GB/h"``, ``"2 TB/day"``, ``"100 Mbit/s"``, or a
        ``ps`` unit such as ``"1 Gbps"``.  Upper-case ``B`` (or ``byte``) means
        bytes, lower-case ``b`` (or ``bit``) means bits; prefixes k, M, G, T, P
        are powers of 1000 and Ki, Mi, Gi, Ti, Pi powers of 1024.  A bare
        number string is GB/h.
    field : str, default "throughput"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    float
        Throughput in GB/h, finite and non-negative.

    Raises
    ------
    UnitError
        If `value` is not a throughput, or is negative, NaN or infinite.

    See Also
    --------
    parse_bandwidth : The same grammar, in Mbit/s.
    format_throughput : The inverse operation.

    Examples
    --------
    >>> parse_throughput("200 MB/s"), parse_throughput("1 Gbps")
    (720.0, 450.0)
    >>> parse_throughput("60 GB/day"), parse_throughput(500)
    (2.5, 500.0)
    """
    return _parse_rate(value, field, _THROUGHPUT, _GB_PER_HOUR)


def parse_bandwidth(value: object, field: str = "bandwidth") -> float:
    """Parse a link bandwidth to megabits per second.

    Parameters
    ----------
    value : object
        A non-negative number of Mbit/s, or a string in the grammar of
        :func:`parse_throughput`, e.g. ``"100 Mbit/s"``, ``"1 Gbps"``,
        ``"10 Gb/s"`` or ``"200 MB/s"``.  A bare number string is Mbit/s.
    field : str, default "bandwidth"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    float
        Bandwidth in Mbit/s, finite and non-negative.

    Raises
    ------
    UnitError
        If `value` is not a bandwidth, or is negative, NaN or infinite.

    See Also
    --------
    format_bandwidth : The inverse operation.

    Examples
    --------
    >>> parse_bandwidth("1 Gbps"), parse_bandwidth("10 Gb/s"), parse_bandwidth(100)
    (1000.0, 10000.0, 100.0)
    >>> parse_bandwidth("200 MB/s")
    1600.0
    """
    return _parse_rate(value, field, _BANDWIDTH, _MBIT_PER_SECOND)


def format_throughput(gbph: float) -> str:
    """Format a data throughput in GB/h as bytes per second.

    Parameters
    ----------
    gbph : float
        Throughput in GB/h.  ``math.inf`` is formatted as ``"unbounded"``.

    Returns
    -------
    str
        The throughput in the largest of B/s, kB/s, MB/s, GB/s and TB/s in
        which it is at least 1, with up to 6 significant digits.

    Raises
    ------
    ValueError
        If `gbph` is NaN or ``-inf``.

    See Also
    --------
    parse_throughput : The inverse operation.

    Examples
    --------
    >>> format_throughput(720), format_throughput(4320), format_throughput(2.5)
    ('200 MB/s', '1.2 GB/s', '694.444 kB/s')
    """
    return _format_scaled(float(gbph), _THROUGHPUT_LABELS)


def format_bandwidth(mbitps: float) -> str:
    """Format a link bandwidth in Mbit/s.

    Parameters
    ----------
    mbitps : float
        Bandwidth in Mbit/s.  ``math.inf`` is formatted as ``"unbounded"``.

    Returns
    -------
    str
        The bandwidth in the largest of bit/s, kbit/s, Mbit/s, Gbit/s and
        Tbit/s in which it is at least 1, with up to 6 significant digits.

    Raises
    ------
    ValueError
        If `mbitps` is NaN or ``-inf``.

    See Also
    --------
    parse_bandwidth : The inverse operation.

    Examples
    --------
    >>> format_bandwidth(100), format_bandwidth(1000), format_bandwidth(10000)
    ('100 Mbit/s', '1 Gbit/s', '10 Gbit/s')
    """
    return _format_scaled(float(mbitps), _BANDWIDTH_LABELS)


# ---------------------------------------------------------------------------
# Fractions, daily change and ratios
# ---------------------------------------------------------------------------

_FractionPeriod = Literal["hour", "day", "week", "month", "year"]


def _fraction(
    raw: float | _Quantity,
    kind: _Kind,
    field: str,
    value: object,
    *,
    allow_above_one: bool,
    per: _FractionPeriod | None,
) -> float:
    """Read a number, percentage or ``'20%/yr'``-style string as a fraction."""
    if isinstance(raw, _Quantity):
        match = _FRACTION_UNIT_RE.fullmatch(raw.unit)
        if match is None:
            raise _fail(kind, field, value)
        if match["per"] is not None:
            seconds = _PERIOD_SECONDS.get(match["per"].lower())
            if seconds is None:
                raise _fail(kind, field, value)
            if per is not None and seconds != _PERIOD_SECONDS[per]:
                raise _fail(kind, field, value, f"is per {match['per']}, but must be per {per}")
        raw = raw.number / 100.0 if match["percent"] else raw.number
    fraction = _checked(raw, kind, field, value)
    if fraction > 1.0 and not allow_above_one:
        raise _fail(kind, field, value, "must not exceed 100% (a fraction of 1)")
    return fraction


def parse_fraction(
    value: object,
    field: str = "fraction",
    *,
    allow_above_one: bool = False,
    per: _FractionPeriod | None = None,
) -> float:
    """Parse a fraction or percentage.

    Parameters
    ----------
    value : object
        A non-negative number (``0.2``), or a string: a number (``"0.2"``) or a
        percentage (``"20%"``, ``"20 %"``, ``"20 percent"``), optionally
        followed by a period (``"20%/yr"``).
    field : str, default "fraction"
        Name of the field being parsed, used in error messages.
    allow_above_one : bool, default False
        Accept fractions above 1 (100 %), e.g. for growth rates.
    per : {"hour", "day", "week", "month", "year"}, optional
        The period the field is measured over.  If given, a period in the
        string must be this one (``"20%/mo"`` is rejected for a yearly field,
        fractions per period are not converted because they compound).  If
        None, a period in the string is accepted as a plain annotation.

    Returns
    -------
    float
        The fraction, e.g. 0.2 for 20 %.

    Raises
    ------
    UnitError
        If `value` is not a fraction, is negative, NaN or infinite, exceeds 1
        while `allow_above_one` is False, or names a period other than `per`.

    Examples
    --------
    >>> parse_fraction("20%"), parse_fraction("20%/yr"), parse_fraction(0.2)
    (0.2, 0.2, 0.2)
    >>> parse_fraction("150%", allow_above_one=True)
    1.5
    >>> parse_fraction("20", "growth")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rtocalc.units.UnitError: growth: '20' must not exceed 100% (a fraction of 1); use e.g. ...
    """
    raw = _coerce(value, _FRACTION, field)
    quantity = raw if isinstance(raw, float) else _quantity(raw, _FRACTION, field)
    return _fraction(quantity, _FRACTION, field, value, allow_above_one=allow_above_one, per=per)


def parse_daily_change(
    value: object, field: str = "daily_change"
) -> tuple[Literal["fraction", "size"], float]:
    """Parse the daily change rate of a data set, as a fraction or a size.

    Parameters
    ----------
    value : object
        A fraction of the data set per day: a number (``0.03``, ``"0.03"``) or
        a percentage (``"3%"``, ``"3%/day"``, ``"3 %/d"``); or an amount of
        data per day: ``"60 GB/day"``, ``"1.5 TB/day"``, ``"60 GB/d"``.  Size
        units are those of :func:`parse_size` (bytes, whatever the case).  A
        size without a period (``"60 GB"``) means per day, and other periods
        are converted (``"2.5 GB/h"`` is 60 GB per day); fractions must be per
        day since they compound.
    field : str, default "daily_change"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    kind : {"fraction", "size"}
        Whether the change is a fraction of the data set or an amount.
    amount : float
        The fraction per day (at most 1) or the GB per day.

    Raises
    ------
    UnitError
        If `value` is not a daily change, is negative, NaN or infinite, or is
        a fraction above 100 % or not per day.

    Examples
    --------
    >>> parse_daily_change("3%/day"), parse_daily_change(0.03)
    (('fraction', 0.03), ('fraction', 0.03))
    >>> parse_daily_change("1.5 TB/day")
    ('size', 1500.0)
    """
    raw = _coerce(value, _DAILY_CHANGE, field)
    quantity = raw if isinstance(raw, float) else _quantity(raw, _DAILY_CHANGE, field)
    if isinstance(quantity, _Quantity) and _FRACTION_UNIT_RE.fullmatch(quantity.unit) is None:
        # A size per period; sizes are bytes whatever the case ("60 gb/day").
        size, _, period = quantity.unit.partition("/")
        size_bytes = _SIZE_BYTES.get(size.lower())
        seconds = _PERIOD_SECONDS.get(period.lower()) if period else _SECONDS_PER_DAY
        if size_bytes is None or seconds is None:
            raise _fail(_DAILY_CHANGE, field, value)
        gb_per_day = quantity.number * size_bytes * _SECONDS_PER_DAY / (_BYTES_PER_GB * seconds)
        return "size", _checked(gb_per_day, _DAILY_CHANGE, field, value)
    return "fraction", _fraction(
        quantity, _DAILY_CHANGE, field, value, allow_above_one=False, per="day"
    )


def parse_ratio(value: object, field: str = "ratio") -> float:
    """Parse a reduction ratio such as a compression or deduplication ratio.

    Parameters
    ----------
    value : object
        A number of at least 1, or a string: ``"2:1"``, ``"2x"``, ``"2 x"``,
        ``"2"``.  ``"3:2"`` is 1.5.
    field : str, default "ratio"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    float
        The ratio, at least 1 (``2.0`` means the data shrinks to half).

    Raises
    ------
    UnitError
        If `value` is not a ratio, is NaN or infinite, or is below 1.

    Examples
    --------
    >>> parse_ratio("2:1"), parse_ratio("2.5x"), parse_ratio("3:2"), parse_ratio(2)
    (2.0, 2.5, 1.5, 2.0)
    """
    raw = _coerce(value, _RATIO, field)
    if isinstance(raw, str):
        quantity = _quantity(raw, _RATIO, field)
        match = _RATIO_UNIT_RE.fullmatch(quantity.unit) if quantity.unit else None
        denominator = 1.0
        if match is not None and match["denominator"] is not None:
            denominator = _to_float(match["denominator"])
        if (quantity.unit and match is None) or denominator == 0.0:
            raise _fail(_RATIO, field, value)
        raw = quantity.number / denominator
    ratio = _checked(raw, _RATIO, field, value)
    if ratio < 1.0:
        raise _fail(_RATIO, field, value, "must be at least 1 (1:1 means no reduction)")
    return ratio


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------


def _currency_code(currency: str) -> str:
    """Validate a currency argument (not user input) and upper-case it."""
    if re.fullmatch(r"[A-Za-z]{3}", currency) is None:
        raise ValueError(f"currency must be a three-letter ISO 4217 code, not {currency!r}")
    return currency.upper()


def _money_parts(
    value: object, field: str, currency: str | None
) -> tuple[float, float | None, str | None]:
    """Amount, period in seconds (or None) and currency (or None) of `value`."""
    raw = _coerce(value, _MONEY, field)
    if isinstance(raw, float):
        return _checked(raw, _MONEY, field, value), None, None
    quantity = _quantity(raw, _MONEY, field, allow_prefix=True)
    if _THOUSANDS_DOT_RE.fullmatch(quantity.text):
        raise _fail(
            _MONEY,
            field,
            value,
            "is ambiguous: a '.' before three digits may separate thousands",
            expected="'4000', '4,000' or '4.0' (',' separates thousands, '.' decimals)",
        )
    match = _MONEY_UNIT_RE.fullmatch(quantity.unit)
    if match is None:
        raise _fail(_MONEY, field, value)
    named: set[str] = set()
    for token in (quantity.prefix, match["currency"]):
        if token:
            code = _CURRENCY_SYMBOLS.get(token, token.upper())
            if code not in _ISO_4217 and code != currency:
                raise _fail(_MONEY, field, value)
            named.add(code)
    if len(named) > 1:
        raise _fail(_MONEY, field, value, f"names two currencies ({' and '.join(sorted(named))})")
    period = None
    if match["per"] is not None:
        period = _PERIOD_SECONDS.get(match["per"].lower())
        if period is None:
            raise _fail(_MONEY, field, value)
    magnitude = _MONEY_MAGNITUDES[match["magnitude"].lower()] if match["magnitude"] else 1.0
    amount = _checked(quantity.number * magnitude, _MONEY, field, value)
    return amount, period, named.pop() if named else None


def parse_money(
    value: object,
    field: str = "money",
    *,
    per: Literal["month", "hour", "year", "once"] = "month",
    currency: str | None = None,
) -> float:
    """Parse an amount of money, converting it to a cost per `per`.

    Parameters
    ----------
    value : object
        A non-negative number (an amount per `per`), or a string: an optional
        currency (``$``, ``€``, ``£`` or an ISO 4217 code, before or after the
        number), a number with optional comma thousands separators and an
        optional ``k`` (thousand) or ``M`` (million) suffix, and an optional
        period after ``/`` or ``per``: ``h``/``hr``/``hour``, ``d``/``day``,
        ``w``/``week``, ``mo``/``month``, ``y``/``yr``/``year``.  E.g.
        ``"$4,000/mo"``, ``"48000/yr"``, ``"$48k/year"``, ``"€300 / month"``,
        ``"USD 1,200/yr"``, ``"EUR 5k/h"``, ``"1.2M/yr"``.  An amount without
        a period is taken to be per `per`.
    field : str, default "money"
        Name of the field being parsed, used in error messages.
    per : {"month", "hour", "year", "once"}, default "month"
        Period of the result.  Periods convert with 730 h per month, 8760 h
        per year and 24 h per day.  ``"once"`` is a one-off amount and
        rejects strings that name a period.
    currency : str, optional
        ISO 4217 code the amount must be in.  A string naming another
        currency is rejected (there is no exchange-rate conversion).

    Returns
    -------
    float
        The amount per `per`, finite and non-negative.

    Raises
    ------
    UnitError
        If `value` is not a money amount, is negative, NaN or infinite, names
        a currency other than `currency` or two different currencies, or names
        a period while `per` is ``"once"``.
    ValueError
        If `per` or `currency` is invalid (a programming error).

    See Also
    --------
    money_currency : The currency a money string names.
    format_money : Format an amount.

    Examples
    --------
    >>> parse_money("$4,000/mo"), parse_money("$48k/year"), parse_money(4000)
    (4000.0, 4000.0, 4000.0)
    >>> parse_money("48000/yr", per="hour") * 8760
    48000.0
    >>> parse_money("1.2M/yr", per="year")
    1200000.0
    >>> parse_money("€300/mo", "budget", currency="USD")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rtocalc.units.UnitError: budget: '€300/mo' is in EUR, but amounts here are in USD; use e.g. ...
    """
    if per not in ("month", "hour", "year", "once"):
        raise ValueError(f"per must be 'month', 'hour', 'year' or 'once', not {per!r}")
    code = None if currency is None else _currency_code(currency)
    amount, period, named = _money_parts(value, field, code)
    if code is not None and named is not None and named != code:
        examples = f"{format_money(4000, code)!r}, {format_money(48000, code, per='yr')!r}"
        raise _fail(
            _MONEY,
            field,
            value,
            f"is in {named}, but amounts here are in {code}",
            expected=examples,
        )
    if period is None:
        return amount
    if per == "once":
        example = repr(format_money(10000, code or named or "USD", per=None))
        raise _fail(_MONEY, field, value, "is a recurring amount, not a one-off", expected=example)
    return _checked(amount * _PERIOD_SECONDS[per] / period, _MONEY, field, value)


def money_currency(value: object, field: str = "money") -> str | None:
    """Return the ISO 4217 code a money amount names, if any.

    Parameters
    ----------
    value : object
        A money amount as accepted by :func:`parse_money`.
    field : str, default "money"
        Name of the field being parsed, used in error messages.

    Returns
    -------
    str or None
        E.g. ``"USD"`` for ``"$4,000/mo"``; None for plain numbers and
        strings without a currency.

    Raises
    ------
    UnitError
        If `value` is not a valid money amount.

    Examples
    --------
    >>> money_currency("$4,000/mo"), money_currency("EUR 5k/h"), money_currency("4000/mo")
    ('USD', 'EUR', None)
    >>> money_currency("12,345 chf/mo")
    'CHF'
    """
    return _money_parts(value, field, None)[2]


def format_money(amount: float, currency: str = "USD", *, per: str | None = "mo") -> str:
    """Format an amount of money for humans.

    Parameters
    ----------
    amount : float
        The amount.  Negative amounts (e.g. savings) keep their sign;
        ``math.inf`` is formatted as ``"unbounded"``.
    currency : str, default "USD"
        ISO 4217 code.  USD, EUR and GBP are written as a ``$``, ``€`` or ``£``
        prefix, other codes after the number.
    per : str or None, default "mo"
        Period label appended after ``/``, e.g. ``"h"``, ``"mo"``, ``"yr"``;
        None for no suffix.  It is a label only: `amount` is not converted.

    Returns
    -------
    str
        Amounts of 100 or more are rounded half-up to whole units, smaller
        ones to cents; thousands are separated by commas.

    Raises
    ------
    ValueError
        If `amount` is NaN or ``-inf``, or `currency` or `per` is invalid.

    See Also
    --------
    parse_money : The inverse operation.

    Examples
    --------
    >>> format_money(4000), format_money(1234.5, "EUR"), format_money(12345, "CHF")
    ('$4,000/mo', '€1,235/mo', '12,345 CHF/mo')
    >>> format_money(12.5, per="h"), format_money(48000, "GBP", per="yr")
    ('$12.50/h', '£48,000/yr')
    >>> format_money(10_000, per=None)
    '$10,000'
    """
    code = _currency_code(currency)
    if per is not None and per.lower() not in _PERIOD_SECONDS:
        raise ValueError(f"per must be a period such as 'h', 'mo' or 'yr', not {per!r}")
    amount = float(amount)
    if math.isnan(amount) or amount == -math.inf:
        raise ValueError(f"cannot format {amount!r}")
    if amount == math.inf:
        return UNBOUNDED
    context = Context(prec=400, rounding=ROUND_HALF_UP)  # enough for any float
    exact = Decimal(repr(abs(amount)))
    rounded = exact.quantize(Decimal("0.01"), context=context)
    if rounded >= 100:  # decided on cents, so that 99.999 becomes "100", not "100.00"
        digits = f"{exact.quantize(Decimal(1), context=context):,}"
    else:
        digits = f"{rounded:,.2f}"
    sign = "-" if amount < 0.0 and rounded != 0 else ""
    suffix = "" if per is None else f"/{per}"
    symbol = _SYMBOL_FOR_CURRENCY.get(code)
    if symbol is None:
        return f"{sign}{digits} {code}{suffix}"
    return f"{sign}{symbol}{digits}{suffix}"


# ---------------------------------------------------------------------------
# GFS calendar settings (the words of Retention and retention_storage)
# ---------------------------------------------------------------------------

#: Weekday names of the GFS calendar settings (``weekly_on``, ``monthly_on`` ...).
WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
#: Weeks of a month (or of a quarter's or year's month) a GFS point can fall in.
WEEKS: tuple[str, ...] = ("first", "second", "third", "fourth", "last")
#: Month names of ``yearly_month``.
MONTHS: tuple[str, ...] = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
#: Months of a quarter its GFS point can fall in (``quarterly_month``).
QUARTER_MONTHS: tuple[str, ...] = ("first", "last")
_DAY_FORM = "'<first|second|third|fourth|last> <weekday>' or 'day N' (N in 1..31)"

#: Calendar settings of :func:`retention_storage` and their defaults: the Restore Point
#: Simulator's (``GFSWeeklyDay`` 6, ``GFSMonthlyDay`` 6 with ``GFSMonthlyMonthWeek`` 1,
#: the same for the quarter's first month and for January).
GFS_CALENDAR_DEFAULTS: dict[str, str] = {
    "weekly_on": "sunday",
    "monthly_on": "first sunday",
    "quarterly_on": "first sunday",
    "quarterly_month": "first",
    "yearly_on": "first sunday",
    "yearly_month": "january",
}


def gfs_weekday(name: str, value: object) -> str:
    """``value`` as a weekday name (``'sunday'``), else a ValueError naming ``name``."""
    text = " ".join(value.lower().split()) if isinstance(value, str) else None
    if text in WEEKDAYS:
        return text
    raise FieldError(name, f"{value!r} is not a weekday; use one of {', '.join(WEEKDAYS)}")


def gfs_day(name: str, value: object) -> str:
    """``value`` as a day of the month in canonical form (``'first sunday'``,
    ``'day 15'``), else a ValueError naming ``name``, the value and the accepted form."""
    text = " ".join(value.lower().split()) if isinstance(value, str) else ""
    words = text.split()
    if len(words) == 2 and words[0] in WEEKS and words[1] in WEEKDAYS:
        return text
    day = len(words) == 2 and words[0] == "day" and words[1].isdigit() and words[1].isascii()
    if day and 1 <= int(words[1]) <= 31:
        return f"day {int(words[1])}"
    raise FieldError(
        name, f"{value!r} is not a day of the month; use {_DAY_FORM}, e.g. 'first sunday'"
    )


def gfs_month(name: str, value: object) -> str:
    """``value`` (a month name or 1..12) as a month name, else a ValueError naming it."""
    is_integer = isinstance(value, numbers.Integral)  # numpy integers too
    number = int(value) if is_integer and not isinstance(value, bool) else -1  # type: ignore[call-overload]
    if 1 <= number <= 12:
        return MONTHS[number - 1]
    text = " ".join(value.lower().split()) if isinstance(value, str) else None
    if text in MONTHS:
        return text
    if text is not None and text.isdigit() and text.isascii() and 1 <= int(text) <= 12:
        return MONTHS[int(text) - 1]
    raise FieldError(name, f"{value!r} is not a month; use a month name or 1..12, e.g. 'january'")


def gfs_quarter_month(name: str, value: object) -> str:
    """``value`` as ``'first'`` or ``'last'`` (month of a quarter), else a ValueError."""
    text = " ".join(value.lower().split()) if isinstance(value, str) else None
    if text in QUARTER_MONTHS:
        return text
    raise FieldError(
        name, f"{value!r} is not a month of a quarter; use 'first' or 'last', e.g. 'first'"
    )

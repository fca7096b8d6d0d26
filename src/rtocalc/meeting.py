"""The meeting's record: each round of a negotiation, and the agreement that ends it.

A record is a plain TOML file (``rtocalc negotiate FILE --record meeting.toml`` appends
a round, ``rtocalc agree meeting.toml --option N`` writes the agreement). Each round
keeps the ask, the answer (verdict and numbered options), the date, the catalog's name
and date and the assumptions behind the answer (the scenarios: how often each failure
happens, its detection and decision times, the share of the data it touches). The
agreement keeps the option agreed, who agreed and when, and the limits the option
reaches, rounded up to two significant digits; :meth:`Agreement.policy_toml` writes them
as a tier of a policy file that ``rtocalc check`` enforces.

Durations are written with units ("1.2 d"); amounts of money as numbers in the record's
``currency``. :func:`load_meeting` validates a file (JSON Schema: ``rtocalc schema
meeting``); writing it back gives the same text.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from ._frozen import RESULT_CONFIG, FrozenModel
from .files import InputError, format_validation_error, read_toml
from .models import Design, Requirements, Retention, Scenario
from .units import FieldError, format_duration, format_money, parse_duration

__all__ = [
    "Agreement",
    "MeetingRecord",
    "RecordedOption",
    "RecordedRound",
    "ceil_duration",
    "load_meeting",
]

Verdict = Literal["fits_budget", "over_budget", "no_budget", "impossible"]


class _Record(FrozenModel):
    model_config = RESULT_CONFIG


def ceil_duration(hours: float) -> str:
    """``hours`` written with two significant digits, never less than ``hours``.

    An agreed limit reads as people say it ("1.2 d") and the option agreed still meets
    it.

    Parameters
    ----------
    hours : float
        A finite duration >= 0 [h].

    Returns
    -------
    str
        The duration rounded up to two significant digits, e.g. ``"1.2 d"``.

    Raises
    ------
    ValueError
        For an infinite, negative or NaN duration (an infinite one has no limit).

    Examples
    --------
    >>> ceil_duration(1.234)
    '1.3 h'
    """
    if not (math.isfinite(hours) and hours >= 0):
        raise FieldError("ceil_duration", f"{hours!r} is not a finite duration >= 0")
    for k in range(200):
        text = format_duration(hours * (1 + 0.005 * k), digits=2)
        if parse_duration(text) >= hours:
            return text
    return format_duration(hours)  # pragma: no cover - 2 digits round by at most 5 %


class RecordedOption(_Record):
    """An option of a round: its design, cost, and the limits it reaches per scope."""

    number: int = Field(ge=1, description="Its number in the round.")
    name: str = Field(description="What the option is, in words.")
    monthly_cost: float = Field(ge=0, description="Outlay [currency/month].")
    design: Design = Field(description="The design.")
    rto: dict[str, str] = Field(
        description="Downtime it reaches per scope (the ask's incident), e.g. '1.07 h'."
    )
    rpo: dict[str, str] = Field(description="Work lost it reaches per scope (worst case).")


class RecordedRound(_Record):
    """One round: the ask, the answer, the date, the catalog and the assumptions."""

    number: int = Field(ge=1, description="The round's number, from 1.")
    date: str = Field(description="When the round was answered (ISO 8601, UTC).")
    catalog: str = Field(description="The catalog's name.")
    catalog_date: str = Field(description="The catalog's date (ISO 8601).")
    verdict: Verdict = Field(description="The verdict.")
    monthly_cost: float | None = Field(
        None, description="Cheapest outlay that meets the ask [currency/month], if any."
    )
    ask: Requirements = Field(description="The ask of the round.")
    scenarios: tuple[Scenario, ...] = Field(
        description="The scenarios assumed: rate, detection, decision, shares."
    )
    options: tuple[RecordedOption, ...] = Field(description="The options answered.")


class Agreement(_Record):
    """What was agreed: an option of a round, by whom and when, and its limits."""

    round: int = Field(ge=1, description="The round whose option was agreed.")
    option: int = Field(ge=1, description="The option agreed.")
    by: str = Field(description="Who agreed.")
    date: str = Field(description="When (ISO 8601, UTC).")
    monthly_cost: float = Field(ge=0, description="Outlay of the option [currency/month].")
    design: Design = Field(description="The design agreed.")
    rto: dict[str, str] = Field(
        description="Agreed downtime limit per scope (the option's, rounded up)."
    )
    rpo: dict[str, str] = Field(
        description="Agreed limit on work lost per scope (the option's, rounded up)."
    )
    retention: Retention = Field(description="Restore points kept (the round's ask).")
    offsite: bool = Field(description="An off-site copy (the round's ask).")
    immutable: bool = Field(description="An immutable copy (the round's ask).")
    incident: Literal["typical", "worst"] = Field(
        "typical", description="Which incident the downtime limits hold for."
    )

    def policy(
        self,
        tier: str,
        *,
        currency: str,
        scenarios: tuple[Scenario, ...] = (),
        name: str = "",
    ) -> dict[str, Any]:
        """The agreed limits as a policy (the TOML schema of ``rtocalc check``) of one tier.

        The tier's maximum monthly cost is the option's outlay rounded up to the dollar
        (or unit). ``scenarios`` are the round's assumptions, so that ``check`` uses the
        rates and times the agreement was made on.

        Returns
        -------
        dict
            Nested mappings; :meth:`policy_toml` writes them.
        """
        body: dict[str, Any] = {
            "description": (
                f"Agreed on {self.date} by {self.by}: option {self.option} of round "
                f"{self.round}."
            ),
            "rpo": dict(self.rpo),
            "rto": dict(self.rto),
            "retention": str(self.retention),
            "offsite": self.offsite,
            "immutable": self.immutable,
            "max_monthly_cost": float(math.ceil(self.monthly_cost - 1e-9)),
        }
        out: dict[str, Any] = {
            "name": name or f"Agreed DR limits ({tier})",
            "currency": currency,
            "tiers": {tier: body},
        }
        if scenarios:
            out["scenarios"] = [_scenario(s) for s in scenarios]
        return out

    def policy_toml(
        self,
        tier: str,
        *,
        currency: str,
        scenarios: tuple[Scenario, ...] = (),
        name: str = "",
    ) -> str:
        """:meth:`policy` as TOML text.

        Parameters
        ----------
        tier : str
            The tier's name.
        currency : str
            ISO 4217 code of the record.
        scenarios : tuple of Scenario, optional
            The scenarios the agreement was made on.
        name : str, optional
            The policy's name.

        Returns
        -------
        str
        """
        data = self.policy(tier, currency=currency, scenarios=scenarios, name=name)
        lines = [
            f"# The limits agreed in the meeting (rtocalc agree): option {self.option} of "
            f"round {self.round}, {format_money(self.monthly_cost, currency)}",
            f"name = {_inline(data['name'])}",
            f"currency = {_inline(currency)}",
            "",
            f"[tiers.{_key(tier)}]",
        ]
        lines += [f"{_key(k)} = {_inline(v)}" for k, v in data["tiers"][tier].items()]
        for s in data.get("scenarios", ()):
            lines += ["", "[[scenarios]]", *(f"{_key(k)} = {_inline(v)}" for k, v in s.items())]
        return "\n".join(lines) + "\n"


class MeetingRecord(_Record):
    """The record of a meeting: its rounds, oldest first, and the agreement, if any."""

    version: Literal[1] = Field(1, description="Version of the record's format.")
    scenario: str = Field("", description="The scenario file the rounds answered.")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    rounds: tuple[RecordedRound, ...] = Field((), description="The rounds, oldest first.")
    agreement: Agreement | None = Field(None, description="What was agreed, if anything.")

    @model_validator(mode="after")
    def _consistent(self) -> MeetingRecord:
        numbers = [r.number for r in self.rounds]
        if numbers != list(range(1, len(numbers) + 1)):
            raise FieldError("rounds", f"numbered {numbers}; number them 1, 2, 3, ... in order")
        a = self.agreement
        if a is not None:
            if not 1 <= a.round <= len(self.rounds):
                raise FieldError(
                    "agreement.round", f"{a.round} is not a round of the record; use 1 to "
                    f"{len(self.rounds)}"
                )
            known = [o.number for o in self.rounds[a.round - 1].options]
            if a.option not in known:
                raise FieldError(
                    "agreement.option", f"round {a.round} has no option {a.option}; its options "
                    f"are {known or 'none'}"
                )
        return self

    def append(self, round_: RecordedRound) -> MeetingRecord:
        """This record with ``round_`` appended (numbered after the last).

        An agreement already made stays; a new round after it is allowed (a meeting
        may reopen) and the agreement keeps naming its own round.
        """
        new = round_.model_copy(update={"number": len(self.rounds) + 1})
        return self.model_copy(update={"rounds": (*self.rounds, new)})

    def agree(
        self, option: int, *, by: str = "", date: str = "", round: int | None = None
    ) -> MeetingRecord:
        """This record with option ``option`` of round ``round`` (default: the last) agreed.

        Raises
        ------
        ValueError
            When the record has no such round or option.
        """
        if not self.rounds:
            raise FieldError("agree", "the record has no rounds; record one with --record first")
        r = len(self.rounds) if round is None else round
        if not 1 <= r <= len(self.rounds):
            raise FieldError(
                "agree", f"round {r} is not in the record; use 1 to {len(self.rounds)}"
            )
        rnd = self.rounds[r - 1]
        chosen = next((o for o in rnd.options if o.number == option), None)
        if chosen is None:
            known = [o.number for o in rnd.options]
            raise FieldError(
                "agree", f"round {r} has no option {option}; its options are {known or 'none'}"
            )
        agreement = agreement_of(chosen, rnd, by=by, date=date)
        return self.model_copy(update={"agreement": agreement})

    def to_toml(self) -> str:
        """The record as TOML text (``load_meeting`` reads it back to an equal record).

        Returns
        -------
        str
        """
        lines = [
            "# The record of a meeting: rounds of `rtocalc negotiate --record`, the agreement",
            "# of `rtocalc agree`. Durations with units; money in `currency` per month.",
            "version = 1",
            f"scenario = {_inline(self.scenario)}",
            f"currency = {_inline(self.currency)}",
        ]
        for r in self.rounds:
            lines += ["", "[[rounds]]"]
            lines += _entries(
                {
                    "number": r.number,
                    "date": r.date,
                    "catalog": r.catalog,
                    "catalog_date": r.catalog_date,
                    "verdict": r.verdict,
                    "monthly_cost": r.monthly_cost,
                    "ask": _ask(r.ask),
                }
            )
            lines.append("scenarios = [")
            lines += [f"  {_inline(_scenario(s))}," for s in r.scenarios]
            lines.append("]")
            lines.append("options = [")
            lines += [
                "  "
                + _inline(
                    {
                        "number": o.number,
                        "name": o.name,
                        "monthly_cost": o.monthly_cost,
                        "design": _design(o.design),
                        "rto": o.rto,
                        "rpo": o.rpo,
                    }
                )
                + ","
                for o in r.options
            ]
            lines.append("]")
        a = self.agreement
        if a is not None:
            lines += ["", "[agreement]"]
            lines += _entries(
                {
                    "round": a.round,
                    "option": a.option,
                    "by": a.by,
                    "date": a.date,
                    "monthly_cost": a.monthly_cost,
                    "design": _design(a.design),
                    "rto": a.rto,
                    "rpo": a.rpo,
                    "retention": str(a.retention),
                    "offsite": a.offsite,
                    "immutable": a.immutable,
                    "incident": a.incident,
                }
            )
        return "\n".join(lines) + "\n"


def recorded_round(
    *,
    date: str,
    catalog: str,
    catalog_date: str,
    verdict: Verdict,
    monthly_cost: float | None,
    ask: Requirements,
    scenarios: tuple[Scenario, ...],
    options: list[tuple[int, str, float, Design, dict[str, float], dict[str, float]]],
) -> RecordedRound:
    """A round as the record keeps it: every duration as it is written (units, six
    significant digits), so that the round read back from its TOML equals it.

    ``options`` are (number, name, monthly cost, design, downtime per scope [h], work
    lost per scope [h]); infinite values (no recovery) are left out.
    """
    data = {
        "number": 1,
        "date": date,
        "catalog": catalog,
        "catalog_date": catalog_date,
        "verdict": verdict,
        "monthly_cost": monthly_cost,
        "ask": {k: v for k, v in _ask(ask).items() if v is not None},
        "scenarios": [_scenario(s) for s in scenarios],
        "options": [
            {
                "number": n,
                "name": name,
                "monthly_cost": cost,
                "design": {k: v for k, v in _design(d).items() if v is not None},
                "rto": {k: _duration(v) for k, v in rto.items() if math.isfinite(v)},
                "rpo": {k: _duration(v) for k, v in rpo.items() if math.isfinite(v)},
            }
            for n, name, cost, d, rto, rpo in options
        ],
    }
    return RecordedRound.model_validate(data)


def agreement_of(
    option: RecordedOption, rnd: RecordedRound, *, by: str = "", date: str = ""
) -> Agreement:
    """The agreement on ``option`` of ``rnd``: its limits rounded up to two digits."""
    return Agreement(
        round=rnd.number,
        option=option.number,
        by=by or "not named",
        date=date or rnd.date,
        monthly_cost=option.monthly_cost,
        design=option.design,
        rto={k: ceil_duration(parse_duration(v)) for k, v in option.rto.items()},
        rpo={k: ceil_duration(parse_duration(v)) for k, v in option.rpo.items()},
        retention=rnd.ask.retention,
        offsite=rnd.ask.offsite,
        immutable=rnd.ask.immutable,
        incident=rnd.ask.incident,
    )


def meeting_from_dict(data: Mapping[str, Any], *, source: str = "<meeting>") -> MeetingRecord:
    """Validate a record given as nested mappings (the TOML schema).

    Raises
    ------
    InputError
        With every problem, one line each, naming ``source``.
    """
    try:
        return MeetingRecord.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, source)) from None


def load_meeting(path: str | Path) -> MeetingRecord:
    """Read and validate a meeting record file.

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    MeetingRecord

    Raises
    ------
    InputError
        For a file that cannot be read, is not TOML or does not validate.
    """
    return meeting_from_dict(read_toml(path), source=str(path))


def loads_meeting(text: str, *, source: str = "<meeting>") -> MeetingRecord:
    """:func:`load_meeting` for TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"{source}: not TOML: {exc}"]) from None
    return meeting_from_dict(data, source=source)


# --- TOML ---------------------------------------------------------------------------------


def _key(key: str) -> str:
    bare = key and all((c.isalnum() and c.isascii()) or c in "-_" for c in key)
    return key if bare else json.dumps(key, ensure_ascii=False)


def _inline(value: Any) -> str:
    """A TOML value on one line (inline tables and arrays nest)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items() if v is not None)
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def _entries(data: Mapping[str, Any]) -> list[str]:
    return [f"{_key(k)} = {_inline(v)}" for k, v in data.items() if v is not None]


def _duration(hours: float) -> str:
    return format_duration(hours)


def _per_scope(value: float | Mapping[Any, float]) -> str | dict[str, str]:
    if isinstance(value, Mapping):
        return {k: _duration(v) for k, v in value.items()}
    return _duration(float(value))


def _ask(ask: Requirements) -> dict[str, Any]:
    return {
        "rpo": _per_scope(ask.rpo),
        "rto": _per_scope(ask.rto),
        "retention": str(ask.retention),
        "offsite": ask.offsite,
        "immutable": ask.immutable,
        "budget": ask.budget,
        "mtd": None if ask.mtd is None else _duration(ask.mtd),
        "wrt": _duration(ask.wrt),
        "incident": ask.incident,
        "isolated_recovery": ask.isolated_recovery,
    }


def _design(d: Design) -> dict[str, Any]:
    # the interval to twelve digits: a design re-evaluated from the record (by `check`)
    # must reach the limits agreed from it
    return {
        "interval": format_duration(d.interval, digits=12),
        "scheme": d.scheme,
        "target": d.target,
        "offsite": d.offsite,
        "longterm": d.longterm,
        "replication": d.replication,
        "link": d.link,
        "strategy": d.strategy,
    }


def _scenario(s: Scenario) -> dict[str, Any]:
    out = {
        "name": s.name,
        "scope": s.scope,
        "rate": s.rate,
        "detection": _duration(s.detection),
        "decision": _duration(s.decision),
        "share": s.share,
        "share_worst": s.share_worst,
        # the ransomware clock (left out where absent, as in records made before it)
        "containment": _duration(s.containment) if s.containment else None,
        "containment_worst": None
        if s.containment_worst is None
        else _duration(s.containment_worst),
        "dwell": _duration(s.dwell) if s.dwell else None,
        "scan_rate": s.scan_rate,
    }
    return {k: v for k, v in out.items() if v is not None}

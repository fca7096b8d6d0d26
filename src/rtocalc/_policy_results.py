"""The results of a policy check: findings, fixes, one system's check and the report.

Private module of :mod:`rtocalc.policy`, which re-exports its public classes (their
public home is ``rtocalc.policy``).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
)

from ._frozen import RESULT_CONFIG
from ._render import (
    Column,
    Document,
    Items,
    Lines,
    Rendered,
    Table,
    hours_words,
)
from .models import (
    Design,
    Retention,
)
from .units import FieldError

# --- results ----------------------------------------------------------------------------

Metric = Literal[
    "rpo",
    "rto",
    "offsite",
    "immutable",
    "retention",
    "monthly_cost",
    "backup_window",
    "link",
    "out_of_scope",
]


class _CheckResult(Rendered, BaseModel):
    model_config = RESULT_CONFIG

    def _document_(self) -> Document:
        # a finding, a fix or a system is its lines; the report defines a table
        return Document("", (Lines(tuple(str(self).splitlines())),))


class Finding(_CheckResult):
    """One limit a system misses (a violation) or passes only by a gap (a warning)."""

    severity: Literal["violation", "warning"] = Field(
        description="'violation' fails the check; 'warning' fails it only with --strict."
    )
    metric: Metric = Field(
        description=(
            "What is checked: 'rpo', 'rto' (per scenario), 'offsite', 'immutable', "
            "'retention', 'monthly_cost', 'backup_window', 'link', or 'out_of_scope' "
            "(no copy survives a scenario the tier sets no limit for)."
        )
    )
    scenario: str | None = Field(description="Scenario name (None for system-wide limits).")
    scope: str | None = Field(description="Scenario scope (None for system-wide limits).")
    achieved: float | None = Field(
        description=(
            "What the design achieves, in ``unit`` (inf when no copy survives; None for "
            "yes/no limits)."
        )
    )
    limit: float | None = Field(description="The tier's limit, in ``unit`` (None for yes/no).")
    unit: str = Field(
        description=(
            "Unit of achieved and limit: 'h', 'GB/h', 'points' (retention), the currency "
            "code per month for monthly_cost, or '' for yes/no."
        )
    )
    message: str = Field(description="The finding in words, with its numbers.")

    def __str__(self) -> str:
        return self.message


class Fix(_CheckResult):
    """The cheapest design that meets the tier, as a change to the declared design."""

    feasible: bool = Field(description="Whether any design in the catalog meets the tier.")
    design: Design | None = Field(description="The cheapest compliant design, or None.")
    retention: Retention = Field(
        description="Retention it keeps: the system's, raised to the tier's where short."
    )
    monthly_cost: float | None = Field(description="Its outlay [currency/month], or None.")
    cost_change: float | None = Field(
        description="Its outlay minus the declared design's [currency/month], or None."
    )
    within_max_cost: bool | None = Field(
        description="Whether it fits the tier's maximum monthly cost (None without one)."
    )
    changes: tuple[str, ...] = Field(
        description="What to change, field by field, e.g. 'interval 24 h -> 4 h'."
    )
    summary: str = Field(description="The fix in words, as printed after each violation.")

    def __str__(self) -> str:
        return self.summary


class SystemCheck(_CheckResult):
    """How one system's declared design fares against its tier."""

    name: str = Field(description="System name.")
    tier: str = Field(description="Its tier.")
    status: Literal["pass", "warn", "fail"] = Field(
        description="'fail' with any violation, 'warn' with warnings only, else 'pass'."
    )
    monthly_cost: float = Field(description="Outlay of the declared design [currency/month].")
    rpo: float = Field(description="Worst data loss over the tier's scenarios in scope [h].")
    rto: float = Field(description="Worst downtime over the tier's scenarios in scope [h].")
    findings: tuple[Finding, ...] = Field(description="Violations, then warnings.")
    fix: Fix | None = Field(description="Cheapest compliant design (failing systems only).")

    def lines(self, *, warnings: bool = True, violations: bool = True) -> list[str]:
        """One line per finding: ``system [tier]: finding; cheapest fix``.

        Parameters
        ----------
        warnings : bool
            Include warning lines (``system [tier]: warning: finding``).
        violations : bool
            Include violation lines.

        Returns
        -------
        list of str
            Violations first, then warnings (findings are stored in that order).
        """
        out = []
        for f in self.findings:
            if f.severity == "violation" and violations:
                fix = f"; {self.fix.summary}" if self.fix is not None else ""
                out.append(f"{self.name} [{self.tier}]: {f.message}{fix}")
            elif f.severity == "warning" and warnings:
                out.append(f"{self.name} [{self.tier}]: warning: {f.message}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) or f"{self.name} [{self.tier}]: pass"


class CheckReport(_CheckResult):
    """Every system of an inventory checked against its tier of a policy."""

    policy: str = Field(description="Name of the policy (may be empty).")
    inventory: str = Field(description="Name of the inventory (may be empty).")
    currency: str = Field(description="ISO 4217 code of every amount.")
    strict: bool = Field(description="Whether warnings fail the check.")
    scenarios: tuple[str, ...] = Field(description="Scenarios every system was checked in.")
    systems: tuple[SystemCheck, ...] = Field(description="One result per system, in order.")
    passed: int = Field(description="Systems without findings [-].")
    warned: int = Field(description="Systems with warnings only [-].")
    failed: int = Field(description="Systems with violations [-].")
    violations: int = Field(description="Violations over all systems [-].")
    warnings: int = Field(description="Warnings over all systems [-].")
    ok: bool = Field(description="Whether the check passes (no violation; no warning if strict).")
    exit_code: int = Field(description="Exit status of ``rtocalc check``: 0 pass, 1 fail.")

    @classmethod
    def of(
        cls,
        systems: Sequence[SystemCheck],
        *,
        policy: str = "",
        inventory: str = "",
        currency: str = "USD",
        strict: bool = False,
        scenarios: Sequence[str] = (),
    ) -> CheckReport:
        """Build a report, counting the results of ``systems``.

        Parameters
        ----------
        systems : sequence of SystemCheck
            One result per system.
        policy : str
            Name of the policy.
        inventory : str
            Name of the inventory.
        currency : str
            ISO 4217 code of every amount.
        strict : bool
            Whether warnings fail the check.
        scenarios : sequence of str
            Names of the scenarios checked.

        Returns
        -------
        CheckReport
        """
        violations = sum(f.severity == "violation" for s in systems for f in s.findings)
        warnings = sum(f.severity == "warning" for s in systems for f in s.findings)
        ok = violations == 0 and not (strict and warnings)
        return cls(
            policy=policy,
            inventory=inventory,
            currency=currency,
            strict=strict,
            scenarios=tuple(scenarios),
            systems=tuple(systems),
            passed=sum(s.status == "pass" for s in systems),
            warned=sum(s.status == "warn" for s in systems),
            failed=sum(s.status == "fail" for s in systems),
            violations=violations,
            warnings=warnings,
            ok=ok,
            exit_code=0 if ok else 1,
        )

    def _document_(self) -> Document:
        """The verdict, a table of the systems, then the findings; the DataFrame's table
        (:meth:`rows`) adds the counts, the findings and the fix of each system."""
        cur = self.currency
        shown = (
            Column("system", "system"),
            Column("tier", "tier"),
            Column("status", "status"),
            Column("monthly_cost", "monthly cost", "money"),
            Column("rpo", "worst RPO", "hours"),
            Column("rto", "worst RTO", "hours"),
            Column("findings", "findings", "count"),
        )
        table = Table(
            shown,
            tuple(
                (s.name, s.tier, s.status.upper() if s.status != "pass" else "pass",
                 s.monthly_cost, s.rpo, s.rto, len(s.findings))
                for s in self.systems
            ),
        )  # fmt: skip
        frame = Table(
            (
                *shown[:6],
                Column("violations", "violations", "count"),
                Column("warnings", "warnings", "count"),
                Column("findings", "findings"),
                Column("fix_monthly_cost", "fix: monthly cost", "money"),
                Column("fix_changes", "fix: changes"),
            ),
            tuple(
                (
                    s.name, s.tier, s.status, s.monthly_cost, s.rpo, s.rto,
                    sum(f.severity == "violation" for f in s.findings),
                    sum(f.severity == "warning" for f in s.findings),
                    "; ".join(f.message for f in s.findings),
                    None if s.fix is None else s.fix.monthly_cost,
                    "" if s.fix is None else "; ".join(s.fix.changes),
                )
                for s in self.systems
            ),
        )  # fmt: skip
        found = self.lines()
        blocks: tuple[Table | Items, ...] = (table, Items("Findings", tuple(found)))
        return Document(self.summary(), blocks if found else (table,), cur, frame)

    def lines(self) -> list[str]:
        """Violation lines, then warning lines, system by system in inventory order.

        Returns
        -------
        list of str
        """
        out = [line for s in self.systems if s.findings for line in s.lines(warnings=False)]
        return out + [
            line for s in self.systems if s.findings for line in s.lines(violations=False)
        ]

    def summary(self) -> str:
        """One line: how many systems passed, failed and warned, and the verdict.

        Returns
        -------
        str
        """
        return summary_line(
            systems=len(self.systems),
            passed=self.passed,
            failed=self.failed,
            warned=self.warned,
            violations=self.violations,
            warnings=self.warnings,
            strict=self.strict,
        )

    def __str__(self) -> str:
        return "\n".join([*self.lines(), self.summary()])

    def render(self, fmt: Literal["text", "markdown", "json", "junit"] = "text") -> str:
        """The report in one of the formats of ``rtocalc check``, ending in a newline.

        Parameters
        ----------
        fmt : {"text", "markdown", "json", "junit"}
            Plain text (one line per violation, then warnings and a summary), Markdown,
            JSON (``model_dump_json``) or JUnit XML (:meth:`to_junit`).

        Returns
        -------
        str
        """
        if fmt == "json":
            return self.model_dump_json(indent=2) + "\n"
        if fmt == "junit":
            return self.to_junit()
        if fmt == "markdown":
            return self.to_markdown() + "\n"
        if fmt == "text":
            return str(self) + "\n"
        raise FieldError("fmt", f"{fmt!r} is not a format; use 'text', 'markdown', 'json', 'junit'")

    def to_junit(self) -> str:
        """JUnit XML: one testsuite, one testcase per system, failures with their lines.

        Warnings are failures when the report is strict, else they go to the testcase's
        ``system-out``. The output has no timestamps, so it is the same on every run.

        Returns
        -------
        str
            An XML document (UTF-8 declaration included).
        """
        failures = sum(
            1 for s in self.systems if s.status == "fail" or (self.strict and s.status == "warn")
        )
        suites = ET.Element(
            "testsuites",
            name="rtocalc check",
            tests=str(len(self.systems)),
            failures=str(failures),
            errors="0",
        )
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"rtocalc check: {self.policy or 'policy'}",
            tests=str(len(self.systems)),
            failures=str(failures),
            errors="0",
            skipped="0",
        )
        for s in self.systems:
            case = ET.SubElement(suite, "testcase", classname=f"rtocalc.{s.tier}", name=s.name)
            bad = s.lines(warnings=self.strict)
            if s.status == "fail" or (self.strict and s.status == "warn"):
                v = sum(f.severity == "violation" for f in s.findings)
                w = len(s.findings) - v
                what = _n(v, "violation") if v else _n(w, "warning")
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{s.name}: {what}",
                    type="violation" if v else "warning",
                )
                failure.text = "\n".join(bad)
            elif s.findings:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(s.lines())
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def summary_line(
    *,
    systems: int,
    passed: int,
    failed: int,
    warned: int,
    violations: int,
    warnings: int,
    strict: bool,
) -> str:
    """The verdict of a check from its counts (:meth:`CheckReport.summary`)."""
    ok = violations == 0 and not (strict and warnings)
    verdict = "PASS" if ok else "FAIL"
    tail = " (strict: warnings fail)" if strict else ""
    return (
        f"{verdict}: {_n(systems, 'system')} checked: {passed} passed, "
        f"{failed} failed ({_n(violations, 'violation')}), {warned} with "
        f"warnings only ({_n(warnings, 'warning')}){tail}."
    )


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def hours_text(h: float) -> str:
    return hours_words(h) + ("" if math.isfinite(h) else " (no copy survives)")

"""Renderings of result objects: plain text, Markdown and HTML.

Plain text is written for a business reader; Markdown for tickets and wikis; HTML for
Jupyter (``_repr_html_``). Numbers are formatted with the units of :mod:`rtocalc.units`;
sizes are decimal (GB = 10^9 bytes, TB = 10^12 bytes) and say so.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from .units import format_duration, format_money, format_size

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import Design, Requirements
    from .negotiate import Negotiation
    from .results import Plan, Result
    from .tradeoff import CostCurve, Frontier

__all__ = ["describe_design", "to_html", "to_markdown", "to_text"]

_SCHEME_WORDS = {
    "forever_forward": "forever-forward incremental chain",
    "reverse": "reverse incremental chain",
    "synthetic_full": "incrementals with a weekly synthetic full",
    "active_full": "incrementals with a weekly active full",
}
_ITEMS = {
    "storage": "storage",
    "link": "WAN link",
    "standby": "standby",
    "offsite_fees": "off-site fees",
    "one_time": "one-time costs (amortised)",
    "drills": "restore drills",
}


def describe_design(design: Design) -> str:
    """One sentence describing a design in words."""
    parts = [
        f"back up every {format_duration(design.interval, digits=3)} to {design.target} "
        f"({_SCHEME_WORDS[design.scheme]})"
    ]
    parts.append(f"copy off site with {design.offsite}" if design.offsite else "no off-site copy")
    if design.longterm:
        parts.append(f"keep long-term points on {design.longterm}")
    if design.replication != "none":
        parts.append(f"{design.replication} replication over {design.link}")
    elif design.link:
        parts.append(f"WAN link {design.link}")
    parts.append(f"recover by {design.strategy.replace('_', ' ')}")
    return "; ".join(parts)


def _d(hours: float) -> str:
    return format_duration(hours, digits=3) if math.isfinite(hours) else "no recovery"


def _lim(hours: float) -> str:
    return format_duration(hours, digits=3) if math.isfinite(hours) else "-"


def _money(amount: float, currency: str, per: str | None = "mo") -> str:
    return format_money(amount, currency, per=per) if math.isfinite(amount) else "unbounded"


def _scenario_rows(plan: Plan) -> list[list[str]]:
    rows = []
    for oc in plan.by_scenario:
        rows.append(
            [
                oc.name,
                f"{oc.rate:g}",
                _d(oc.rpo),
                _lim(oc.rpo_limit),
                _d(oc.rto),
                _lim(oc.rto_limit),
                oc.recovered_from,
                "yes" if oc.meets else "NO",
            ]
        )
    return rows


_HEAD = ["scenario", "per year", "RPO", "RPO limit", "RTO", "RTO limit", "recovered from", "meets"]


def _plan_lines(plan: Plan) -> list[str]:
    cur = plan.currency
    lines = [
        f"Design: {describe_design(plan.design)}.",
        f"Monthly cost: {_money(plan.monthly_cost, cur)} ("
        + ", ".join(
            f"{_ITEMS.get(k, k)} {_money(v, cur)}" for k, v in plan.cost_breakdown.items() if v
        )
        + ")",
        f"Worst case over the scenarios in scope: RPO {_d(plan.rpo)}, RTO {_d(plan.rto)}; "
        f"one backup job takes {format_duration(plan.backup_duration, digits=3)}.",
        "Storage (decimal units, 1 TB = 10^12 bytes): "
        + (
            ", ".join(f"{k} {format_size(v, digits=3)}" for k, v in plan.storage_gb.items())
            or "none"
        )
        + ".",
    ]
    if plan.expected_annual_loss > 0:
        lines.append(
            f"Expected loss from disruptions: {_money(plan.expected_annual_loss, cur, 'yr')} "
            f"worst case, {_money(plan.expected_annual_loss_mean, cur, 'yr')} mean case; "
            f"total cost of ownership {_money(plan.tco_monthly, cur)}."
        )
    return lines


def _table_text(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [
        fmt.format(*r) for r in rows
    ]


def _verdict(result: Result) -> str:
    cur = result.currency
    if not result.feasible or result.plan is None:
        return "Verdict: the ask cannot be met by any design in the catalog."
    cost = result.plan.monthly_cost
    if result.budget is None:
        return f"Verdict: the ask can be met for {_money(cost, cur)}; no budget was given."
    gap = result.budget - cost
    if gap >= 0:
        return (
            f"Verdict: fits the budget. The cheapest design that meets the ask costs "
            f"{_money(cost, cur)} against a budget of {_money(result.budget, cur)} "
            f"({_money(gap, cur)} to spare)."
        )
    return (
        f"Verdict: meets the ask but over budget. The cheapest design that meets it costs "
        f"{_money(cost, cur)}, {_money(-gap, cur)} more than the budget of "
        f"{_money(result.budget, cur)}."
    )


def _ask_words(ask: Requirements, currency: str) -> str:
    def limits(metric: str) -> str:
        value = getattr(ask, metric)
        if isinstance(value, dict):
            return ", ".join(f"{k} {_lim(v)}" for k, v in value.items()) or "none"
        return _lim(float(value))

    parts = [f"RPO {limits('rpo')}", f"RTO {limits('rto')}", f"retention {ask.retention}"]
    if ask.offsite:
        parts.append("off-site copy")
    if ask.immutable:
        parts.append("immutable copy")
    if ask.budget is not None:
        parts.append(f"budget {_money(ask.budget, currency)}")
    return "; ".join(parts)


_VERDICTS = {
    "impossible": "the ask cannot be met: no design in the catalog reaches it.",
    "over_budget": "the ask can be met, but not within the budget.",
    "fits_budget": "the ask fits the budget.",
    "no_budget": "the ask can be met; no budget was given.",
}


def _negotiation_sections(n: Negotiation) -> list[tuple[str, list[str]]]:
    cur = n.currency
    out: list[tuple[str, list[str]]] = [("The ask", [_ask_words(n.ask, cur)])]
    if n.limits:
        out.append(("Why not: the limits that bind", [r.message for r in n.limits]))
    if n.plan is not None:
        gap = ""
        if n.budget is not None:
            diff = n.plan.monthly_cost - n.budget
            gap = (
                f", {_money(diff, cur)} over the budget"
                if diff > 0
                else f", {_money(-diff, cur)} under the budget"
            )
        out.append(
            (
                "Cheapest design that meets the ask",
                [f"{_money(n.plan.monthly_cost, cur)}{gap}: {describe_design(n.plan.design)}."],
            )
        )
    best = []
    if n.best_rto_in_budget is not None:
        o = n.best_rto_in_budget
        best.append(
            f"shortest RTO: {_d(o.rto)} (RPO {_d(o.rpo)}) for {_money(o.monthly_cost, cur)}"
        )
    if n.best_rpo_in_budget is not None:
        o = n.best_rpo_in_budget
        best.append(
            f"smallest RPO: {_d(o.rpo)} (RTO {_d(o.rto)}) for {_money(o.monthly_cost, cur)}"
        )
    if best:
        out.append(("What the budget buys (worst case over the scenarios in scope)", best))
    if n.counter_offers:
        lines = [
            f"{i}. {_money(o.monthly_cost, cur)}: "
            + "; ".join(o.gives_up or ("the ask as is",))
            + f" ({describe_design(o.plan.design)})"
            for i, o in enumerate(n.counter_offers, 1)
        ]
        out.append(("Counter-offers that fit the budget", lines))
    elif n.budget is not None and n.verdict != "fits_budget":
        out.append(("Counter-offers that fit the budget", ["none: no design fits the budget"]))
    if n.zero_downtime is not None:
        out.append(("Zero downtime", [n.zero_downtime.note]))
    out.append(
        (
            "Questions for the business",
            [f"{q.question} Sets {', '.join(q.parameters)}; now {q.current}." for q in n.questions],
        )
    )
    if n.history:
        out.append(
            (
                "Earlier rounds",
                [
                    f"round {i}: {_ask_words(r.ask, cur)} -> {r.verdict.replace('_', ' ')}"
                    + (f" ({_money(r.monthly_cost, cur)})" if r.monthly_cost is not None else "")
                    for i, r in enumerate(n.history, 1)
                ],
            )
        )
    return out


def _curve_rows(c: CostCurve) -> list[list[str]]:
    unit = (lambda x: f"{x:g} days") if c.unit == "days" else _lim
    return [
        [
            unit(st.target),
            _money(st.monthly_cost, c.currency),
            "knee" if st.target in c.knees else "",
            describe_design(st.plan.design),
        ]
        for st in c.steps
    ]


def _frontier_rows(f: Frontier) -> list[list[str]]:
    return [
        [_money(p.monthly_cost, f.currency), _d(p.rto), _d(p.rpo), describe_design(p.design)]
        for p in f.plans
    ]


def to_text(obj: BaseModel) -> str:
    """Plain-text rendering of a result object."""
    from .negotiate import Negotiation
    from .results import Plan, Reason, Result, ScenarioOutcome
    from .tradeoff import CostCurve, Frontier

    if isinstance(obj, Negotiation):
        lines = [f"Verdict: {_VERDICTS[obj.verdict]}"]
        for title, body in _negotiation_sections(obj):
            lines += ["", f"{title}:"] + [f"  {b}" if b[:1].isdigit() else f"- {b}" for b in body]
        return "\n".join(lines)
    if isinstance(obj, CostCurve):
        head = [obj.axis.upper() + " target", "cheapest", "", "design"]
        title = f"Cheapest monthly cost as the {obj.axis.upper()} target moves ({obj.unit}):"
        return "\n".join([title, *_table_text(head, _curve_rows(obj))])
    if isinstance(obj, Frontier):
        title = f"{len(obj.plans)} Pareto-optimal designs over cost, RTO and RPO (worst case):"
        rows = _table_text(["per month", "RTO", "RPO", "design"], _frontier_rows(obj))
        return "\n".join([title, *rows])
    if isinstance(obj, Result):
        lines = [_verdict(obj)]
        if obj.plan is not None:
            lines += ["", *_plan_lines(obj.plan), ""]
            lines += _table_text(_HEAD, _scenario_rows(obj.plan))
        else:
            lines += ["", "Why:"] + [f"- {r.message}" for r in obj.reasons]
        lines += [
            "",
            f"(exact over {obj.space_size:,} designs; minimised {obj.objective}.)",
        ]
        return "\n".join(lines)
    if isinstance(obj, Plan):
        lines = [*_plan_lines(obj), "", *_table_text(_HEAD, _scenario_rows(obj))]
        if obj.violations:
            lines += ["", "Misses the ask:"] + [f"- {v}" for v in obj.violations]
        return "\n".join(lines)
    if isinstance(obj, ScenarioOutcome):
        return f"{obj.name}: RPO {_d(obj.rpo)}, RTO {_d(obj.rto)} from the {obj.recovered_from}" + (
            "" if obj.meets else " (misses the ask)"
        )
    if isinstance(obj, Reason):
        return obj.message
    return repr(obj)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    return ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"] + [
        "| " + " | ".join(r) + " |" for r in esc
    ]


def to_markdown(obj: BaseModel) -> str:
    """Markdown rendering of a result object."""
    from .negotiate import Negotiation
    from .results import Plan, Result
    from .tradeoff import CostCurve, Frontier

    if isinstance(obj, Negotiation):
        lines = [f"## Verdict: {_VERDICTS[obj.verdict]}"]
        for title, body in _negotiation_sections(obj):
            lines += ["", f"**{title}**", ""] + [b if b[:1].isdigit() else f"- {b}" for b in body]
        return "\n".join(lines)
    if isinstance(obj, CostCurve):
        head = [f"{obj.axis.upper()} target", "cheapest per month", "", "design"]
        return "\n".join(_md_table(head, _curve_rows(obj)))
    if isinstance(obj, Frontier):
        return "\n".join(_md_table(["per month", "RTO", "RPO", "design"], _frontier_rows(obj)))
    if isinstance(obj, Result):
        lines = ["## " + _verdict(obj).removeprefix("Verdict: "), ""]
        if obj.plan is not None:
            lines += [to_markdown(obj.plan)]
        else:
            lines += ["**Why:**", ""] + [f"- {r.message}" for r in obj.reasons]
        return "\n".join(lines)
    if isinstance(obj, Plan):
        cur = obj.currency
        lines = [f"**Design:** {describe_design(obj.design)}.", ""]
        lines += _md_table(
            ["cost item", "per month"],
            [[_ITEMS.get(k, k), _money(v, cur)] for k, v in obj.cost_breakdown.items()]
            + [["**total**", f"**{_money(obj.monthly_cost, cur)}**"]],
        )
        lines += ["", *_md_table(_HEAD, _scenario_rows(obj))]
        if obj.violations:
            lines += ["", "**Misses the ask:**", ""] + [f"- {v}" for v in obj.violations]
        return "\n".join(lines)
    return to_text(obj)


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def to_html(obj: BaseModel) -> str:
    """Compact HTML rendering for Jupyter."""
    from .negotiate import Negotiation
    from .results import Plan, Result
    from .tradeoff import CostCurve, Frontier

    if isinstance(obj, Negotiation):
        parts = [f"<p><b>Verdict: {html.escape(_VERDICTS[obj.verdict])}</b></p>"]
        for title, body in _negotiation_sections(obj):
            items = "".join(f"<li>{html.escape(b)}</li>" for b in body)
            parts.append(f"<p><b>{html.escape(title)}</b></p><ul>{items}</ul>")
        return "".join(parts)
    if isinstance(obj, CostCurve):
        return _html_table(
            [f"{obj.axis.upper()} target", "cheapest per month", "", "design"], _curve_rows(obj)
        )
    if isinstance(obj, Frontier):
        return _html_table(["per month", "RTO", "RPO", "design"], _frontier_rows(obj))
    if isinstance(obj, Result):
        head = f"<p><b>{html.escape(_verdict(obj))}</b></p>"
        if obj.plan is not None:
            return head + to_html(obj.plan)
        items = "".join(f"<li>{html.escape(r.message)}</li>" for r in obj.reasons)
        return head + f"<ul>{items}</ul>"
    if isinstance(obj, Plan):
        cur = obj.currency
        costs = _html_table(
            ["cost item", "per month"],
            [[_ITEMS.get(k, k), _money(v, cur)] for k, v in obj.cost_breakdown.items()]
            + [["total", _money(obj.monthly_cost, cur)]],
        )
        return (
            f"<p>{html.escape(describe_design(obj.design))}</p>"
            + costs
            + _html_table(_HEAD, _scenario_rows(obj))
        )
    return f"<pre>{html.escape(to_text(obj))}</pre>"

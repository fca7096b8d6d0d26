"""One rendering system for every result: text, Markdown, HTML and DataFrame.

A result does not format itself. It declares what it shows as a :class:`Document`: a
headline, then blocks of lines (:class:`Lines`), of bullet points (:class:`Items`) and
tables (:class:`Table`) whose cells are raw values with a :class:`Column` that says what
they are (a duration, an amount of money, a size, ...). Four renderers consume it:
:func:`to_text` (``str(result)``), :func:`to_markdown`, :func:`to_html`
(``_repr_html_`` in Jupyter) and :func:`to_dataframe`. Numbers are formatted by
:mod:`rtocalc.units` only, so every result says "no recovery" and "unbounded" the same
way, and a column's name in a DataFrame is its name plus its unit (``rto_h``,
``monthly_cost_USD``, ``rate_per_year``, ``stored_gb``) in every result.

:class:`Rendered` is the mixin that gives a result class ``__str__``, ``to_markdown``,
``_repr_html_``, ``rows`` and ``to_dataframe`` from its ``_document_()`` method.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .units import format_duration, format_money, format_size

if TYPE_CHECKING:
    from .models import Design

__all__ = [
    "HTML_MAX_ROWS",
    "HTML_MIN_ROWS",
    "NO_LIMIT",
    "NO_RECOVERY",
    "UNBOUNDED",
    "Column",
    "Document",
    "Items",
    "Lines",
    "Rendered",
    "Table",
    "availability_words",
    "dataframe",
    "describe_design",
    "duration_words",
    "hours_words",
    "money_words",
    "plain_design",
    "rate_words",
    "svg_cost_chart",
    "to_dataframe",
    "to_html",
    "to_markdown",
    "to_page",
    "to_text",
    "whole_money",
]

Kind = Literal[
    "text", "hours", "days", "money", "size", "rate", "fraction", "count", "number", "flag"
]
#: kinds whose cells are numbers: right-aligned in Markdown and HTML
NUMERIC: frozenset[str] = frozenset(
    {"hours", "days", "money", "size", "rate", "fraction", "count", "number"}
)
#: the unit each kind adds to a column's name in a DataFrame (money adds the currency)
_SUFFIX = {"hours": "_h", "days": "_days", "size": "_gb", "rate": "_per_year"}

#: HTML tables longer than this show their first and last HTML_MIN_ROWS // 2 rows, as
#: pandas does with display.max_rows = 60 and display.min_rows = 10
HTML_MAX_ROWS = 60
HTML_MIN_ROWS = 10

#: the one vocabulary for infinity: an achieved duration no copy reaches ("no recovery"),
#: a limit that is not set ("-"), an amount without bound ("unbounded"); a missing
#: number is "unknown". Every result, table and sentence says them the same way.
NO_RECOVERY = "no recovery"
NO_LIMIT = "-"
UNBOUNDED = "unbounded"


def money_words(amount: float, currency: str, per: str | None = "mo") -> str:
    """An amount for a reader: ``"$1,234.50/mo"``; ``UNBOUNDED`` when infinite,
    "unknown" when nan. ``per`` is the period ("mo", "yr" or None)."""
    if math.isnan(amount):
        return "unknown"
    return format_money(amount, currency, per=per) if math.isfinite(amount) else UNBOUNDED


def hours_words(hours: float, *, digits: int = 3, infinite: str = NO_RECOVERY) -> str:
    """A duration [h] for a reader: ``"4.2 h"``; ``infinite`` (``NO_RECOVERY`` for an
    achieved time, ``NO_LIMIT`` for a limit) when infinite, "unknown" when nan."""
    if math.isnan(hours):
        return "unknown"
    return format_duration(hours, digits=digits) if math.isfinite(hours) else infinite


@dataclass(frozen=True)
class Column:
    """What a table column holds and how its cells are shown.

    ``name`` plus the kind's unit is the column's name in a DataFrame; ``title`` its
    header in text, Markdown and HTML. ``infinite`` is shown for an infinite duration or
    amount ("no recovery" for an achieved RTO, "-" for an absent limit); ``words`` are
    the two words of a flag; ``per`` is the period of an amount ("mo", "yr" or None).
    A column with ``show=False`` is in the DataFrame only.
    """

    name: str
    title: str
    kind: Kind = "text"
    per: str | None = "mo"
    infinite: str = NO_RECOVERY
    words: tuple[str, str] = ("yes", "no")
    show: bool = True
    digits: int = 3

    def key(self, currency: str) -> str:
        """The column's name in a DataFrame: its name and its unit."""
        if self.kind == "money":
            return f"{self.name}_{currency}"
        return self.name + _SUFFIX.get(self.kind, "")

    def cell(self, value: Any, currency: str) -> str:
        """``value`` formatted for a reader."""
        if value is None:
            return ""
        kind = self.kind
        if kind == "flag":
            return self.words[0] if value else self.words[1]
        if kind == "text":
            return str(value)
        x = float(value)
        if kind == "hours":
            return hours_words(x, digits=self.digits, infinite=self.infinite)
        if kind == "money":
            return money_words(x, currency, per=self.per)
        if math.isnan(x):
            return "unknown"
        if kind in ("size", "days") and math.isinf(x):
            return self.infinite
        if kind == "days":
            return f"{x:g} days"
        if kind == "size":
            return format_size(x, digits=3)
        if kind == "fraction":
            return f"{x:.1%}"
        if kind == "count":
            return f"{int(x):,d}"
        return f"{x:.4g}"  # rate, number


@dataclass(frozen=True)
class Table:
    """Rows of raw values under their columns; ``title`` is shown above it."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    title: str = ""

    def shown(self) -> list[int]:
        """Indices of the columns shown to a reader."""
        return [i for i, c in enumerate(self.columns) if c.show]

    def records(self, currency: str) -> list[dict[str, Any]]:
        """One flat record per row, keyed by the columns' DataFrame names."""
        keys = [c.key(currency) for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Lines:
    """A paragraph: lines of text, shown as they are."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Items:
    """A titled list of points, bulleted or numbered."""

    title: str
    items: tuple[str, ...]
    numbered: bool = False


Block = Lines | Items | Table


@dataclass(frozen=True)
class Document:
    """What a result shows: a headline, blocks, and the table its DataFrame holds.

    ``frame`` is the table of :func:`to_dataframe` and ``rows()``; without one, the
    first table of ``blocks``.
    """

    title: str
    blocks: tuple[Block, ...] = ()
    currency: str = "USD"
    frame: Table | None = field(default=None)

    def table(self) -> Table | None:
        """The table of the DataFrame, or None."""
        if self.frame is not None:
            return self.frame
        return next((b for b in self.blocks if isinstance(b, Table)), None)


_SCHEME_WORDS = {
    "forever_forward": "forever-forward incremental chain",
    "reverse": "reverse incremental chain",
    "synthetic_full": "incrementals with a weekly synthetic full",
    "active_full": "incrementals with a weekly active full",
}


def schedule_words(interval: float, digits: int = 3) -> str:
    """A backup interval [h] as people say it: "nightly", "every 4 h", "every 15 min"
    (``digits`` significant digits)."""
    if interval == 24.0:
        return "nightly"
    return f"every {format_duration(interval, digits=digits)}"


def describe_design(
    design: Design, labels: Mapping[str, str] | None = None, chain_offsite: bool = False
) -> str:
    """One sentence describing a design in words.

    Parameters
    ----------
    design : Design
        The design.
    labels : mapping of str to str, optional
        The catalog's labels by ``"targets.KEY"``, ``"offsite.KEY"``, ``"links.KEY"``,
        ``"strategies.KEY"`` and ``"protection.KEY"`` (as ``Plan.labels``); a part
        without a label, or every part without ``labels``, is named by its catalog key.
    chain_offsite : bool, default False
        Whether the backup target itself is away from the primary site
        (``Plan.chain_offsite``): a design without a copy job then still has its
        backups off site, and the sentence says so rather than "no off-site copy".

    Returns
    -------
    str
        E.g. "back up every 2 h to local_disk (forever-forward incremental chain); ...".
    """
    names = labels or {}

    def name(section: str, key: str | None) -> str:
        return names.get(f"{section}.{key}") or str(key)

    parts = [
        f"back up {schedule_words(design.interval)} to {name('targets', design.target)} "
        f"({_SCHEME_WORDS.get(design.scheme, design.scheme)})"
    ]
    parts.append(
        f"copy off site with {name('offsite', design.offsite)}"
        if design.offsite
        else _no_copy_words(chain_offsite)
    )
    if design.longterm:
        parts.append(f"keep long-term points on {name('targets', design.longterm)}")
    if design.replication != "none":
        parts.append(f"{design.replication} replication over {name('links', design.link)}")
    elif design.link:
        parts.append(f"WAN link {name('links', design.link)}")
    if design.protection:
        parts.append(f"protection {name('protection', design.protection)}")
    strategy = names.get(f"strategies.{design.strategy}") or design.strategy.replace("_", " ")
    parts.append(f"recover by {strategy}")
    return "; ".join(parts)


_PLAIN_SCHEMES = {
    "forever_forward": "one full backup, then changes only",
    "reverse": "the newest backup kept whole, older ones as changes",
    "synthetic_full": "changes, with a weekly full built on the backup storage",
    "active_full": "changes, with a weekly full read from production",
}


#: words for the parts of the outage clock (:func:`rtocalc.space.path_clock`)
_CLOCK_WORDS = {
    "detection": "detection {}",
    "decision": "a person declares the disaster: {}",
    "health_check": "health checks decide automatically: {}",
    "containment": "containment and forensics before any restore: {}",
    "scan": "scanning the restore point for the attacker's foothold: {}",
    "failover": "failover {}",
    "provisioning": "provisioning {}",
    "retrieval": "retrieval delay {}",
    "transfer": "moving the data: {}",
    "replay": "replaying the incremental chain: {}",
    "instant_recovery": "instant recovery runs it from the backup files: {}",
    "restore_complete": "full speed once the restore behind it completes, {} after the incident",
    "revert": "reverting to the point (volume revert, failover or rewind): {}",
    "mount": "starting the item restore: {}",
    "log_replay": "replaying the database log: {}",
}


def clock_words(clock: Mapping[str, float], transfer: str | None = None) -> str:
    """The parts of an outage clock in words, in order (``transfer`` replaces the
    generic words for moving the data), each to 3 significant digits."""
    words = []
    for part, hours in clock.items():
        if part == "restore_complete" and not math.isfinite(hours):
            words.append("the full restore behind it never completes")
        elif part == "transfer" and transfer is not None:
            words.append(f"{transfer}: {format_duration(hours, digits=3)}")
        else:
            words.append(
                _CLOCK_WORDS.get(part, part + " {}").format(format_duration(hours, digits=3))
            )
    return ", ".join(words)


def duration_words(hours: float) -> str:
    """A duration for a business reader: two significant digits ("1.2 d", "10 min")."""
    return hours_words(hours, digits=2)


def rate_words(rate: float) -> str:
    """How often a failure is expected, in words: "2 a year", "1 in 7 years"."""
    if not (math.isfinite(rate) and rate > 0):
        return "not expected"
    if rate >= 0.95:
        return f"{rate:.2g} a year"
    years = 1.0 / rate
    return f"1 in {years:.2g} years" if years < 100 else f"1 in {years:,.0f} years"


def availability_words(availability: float, downtime: float) -> str:
    """Availability with as many decimals as its nines need, and the downtime it means.

    The unavailability ``1 - availability`` is shown to two significant digits, so
    99.8895 % is "99.89 %" and 99.99 % keeps its four nines; ``downtime`` is the expected
    downtime per year [h].
    """
    down = f"expected downtime {duration_words(downtime)} a year"
    gap = (1.0 - availability) * 100.0
    if not math.isfinite(gap) or gap <= 0.0:
        return f"availability 100 % ({down})"
    if gap >= 100.0:
        return f"availability 0 % ({down})"
    decimals = max(0, 1 - math.floor(math.log10(gap)))
    shown = f"{100.0 - gap:.{decimals}f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return f"availability {shown} % ({down})"


def _no_copy_words(chain_offsite: bool) -> str:
    """A design without a copy job: its only copy is off site, or it has none there."""
    return "no separate off-site copy (the backups are off site)" if chain_offsite else (
        "no off-site copy"
    )


def plain_design(design: Design, labels: Mapping[str, str], chain_offsite: bool = False) -> str:
    """One sentence describing a design for a business reader.

    ``labels`` maps ``"targets.KEY"``, ``"offsite.KEY"``, ``"links.KEY"``,
    ``"strategies.KEY"`` and ``"protection.KEY"`` to the catalog's labels; a key without
    a label is shown as is. ``chain_offsite`` as :func:`describe_design`'s.
    """

    def label(section: str, key: str) -> str:
        return labels.get(f"{section}.{key}") or key

    parts = [
        f"back up {schedule_words(design.interval, digits=2)} to "
        f"{label('targets', design.target)} "
        f"({_PLAIN_SCHEMES.get(design.scheme, design.scheme)})"
    ]
    parts.append(
        f"off site: {label('offsite', design.offsite)}"
        if design.offsite
        else _no_copy_words(chain_offsite)
    )
    if design.longterm:
        parts.append(f"long-term points: {label('targets', design.longterm)}")
    if design.replication != "none":
        how = "a moment behind" if design.replication == "async" else "in step"
        parts.append(
            f"a standby kept {how} over {label('links', design.link or '')}"
        )
    elif design.link:
        parts.append(f"network link: {label('links', design.link)}")
    if design.protection:
        parts.append(f"also: {label('protection', design.protection)}")
    parts.append(f"recovery: {label('strategies', design.strategy)}")
    return "; ".join(parts)


# --- text ---------------------------------------------------------------------------------


def _cells(table: Table, currency: str) -> tuple[list[str], list[list[str]]]:
    shown = table.shown()
    head = [table.columns[i].title for i in shown]
    rows = [[table.columns[i].cell(r[i], currency) for i in shown] for r in table.rows]
    return head, rows


def _text_table(table: Table, currency: str) -> list[str]:
    head, rows = _cells(table, currency)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [table.title] if table.title else []
    out += [fmt.format(*head).rstrip(), fmt.format(*("-" * w for w in widths))]
    return out + [fmt.format(*r).rstrip() for r in rows]


def to_text(doc: Document) -> str:
    """Plain text: the headline, then each block after a blank line."""
    parts: list[list[str]] = [[doc.title]] if doc.title else []
    for b in doc.blocks:
        if isinstance(b, Lines):
            parts.append(list(b.lines))
        elif isinstance(b, Items):
            bullets = (
                [f"  {i}. {t}" for i, t in enumerate(b.items, 1)]
                if b.numbered
                else [f"- {t}" for t in b.items]
            )
            parts.append([f"{b.title}:", *bullets] if b.title else bullets)
        else:
            parts.append(_text_table(b, doc.currency))
    return "\n\n".join("\n".join(p) for p in parts)


# --- Markdown -----------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(doc: Document) -> str:
    """Markdown: the headline as a heading, tables as pipe tables (numbers right)."""
    parts: list[str] = [f"## {doc.title}"] if doc.title else []
    for b in doc.blocks:
        if isinstance(b, Lines):
            parts += list(b.lines)
        elif isinstance(b, Items):
            marks = [f"{i}." if b.numbered else "-" for i in range(1, len(b.items) + 1)]
            body = "\n".join(f"{m} {t}" for m, t in zip(marks, b.items, strict=True))
            parts.append(f"**{b.title}**\n\n{body}" if b.title else body)
        else:
            head, rows = _cells(b, doc.currency)
            align = [
                "---:" if b.columns[i].kind in NUMERIC else "---" for i in b.shown()
            ]
            lines = [f"**{b.title}**", ""] if b.title else []
            lines += ["| " + " | ".join(_md_escape(h) for h in head) + " |"]
            lines += ["|" + "|".join(align) + "|"]
            lines += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


# --- HTML ---------------------------------------------------------------------------------

_RIGHT = ' style="text-align: right;"'


def _html_table(table: Table, currency: str) -> str:
    head, rows = _cells(table, currency)
    right = [table.columns[i].kind in NUMERIC for i in table.shown()]
    n = len(rows)
    if n > HTML_MAX_ROWS:
        half = HTML_MIN_ROWS // 2
        rows = [*rows[:half], ["…"] * len(head), *rows[-half:]]

    def tr(cells: Sequence[str], tag: str) -> str:
        return (
            "<tr>"
            + "".join(
                f"<{tag}{_RIGHT if r else ''}>{html.escape(c)}</{tag}>"
                for c, r in zip(cells, right, strict=True)
            )
            + "</tr>"
        )

    caption = f"<caption>{html.escape(table.title)}</caption>" if table.title else ""
    body = "".join(tr(r, "td") for r in rows)
    out = f"<table>{caption}<thead>{tr(head, 'th')}</thead><tbody>{body}</tbody></table>"
    if n > HTML_MAX_ROWS:
        out += f"<p>{n:,d} rows × {len(head)} columns</p>"
    return out


def to_html(doc: Document) -> str:
    """HTML for Jupyter: numbers right-aligned, long tables cut as pandas cuts them."""
    parts: list[str] = [f"<p><b>{html.escape(doc.title)}</b></p>"] if doc.title else []
    for b in doc.blocks:
        if isinstance(b, Lines):
            parts.append("<p>" + "<br>".join(html.escape(t) for t in b.lines) + "</p>")
        elif isinstance(b, Items):
            tag = "ol" if b.numbered else "ul"
            items = "".join(f"<li>{html.escape(t)}</li>" for t in b.items)
            head = f"<p><b>{html.escape(b.title)}</b></p>" if b.title else ""
            parts.append(f"{head}<{tag}>{items}</{tag}>")
        else:
            parts.append(_html_table(b, doc.currency))
    return "".join(parts)


# --- the handout: a self-contained page and its chart ---------------------------------


def _nice_money_ticks(top: float) -> list[float]:
    """Round money ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of 10."""
    if not (math.isfinite(top) and top > 0):
        return [0.0, 1.0]
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step) + 1)]


def whole_money(amount: float, currency: str) -> str:
    """An amount rounded to whole currency units, without cents or period ("$12",
    "1,234 CHF"): the ticks of a money axis."""
    return format_money(float(round(amount)), currency, per=None).replace(".00", "")


_DURATION_TICKS = (
    1 / 60, 5 / 60, 15 / 60, 1.0, 4.0, 12.0, 24.0, 72.0, 168.0, 336.0, 720.0,
)  # fmt: skip


def svg_cost_chart(
    curve: Sequence[tuple[float, float]],
    *,
    currency: str,
    budget: float | None = None,
    ask: float | None = None,
    markers: Sequence[tuple[float, float, str]] = (),
    title: str = "",
    width: int = 640,
    height: int = 280,
) -> str:
    """An inline SVG of monthly cost against recovery time, drawn without matplotlib.

    ``curve`` holds (tightest recovery time [h], cheapest outlay) steps, tightest first;
    the cost holds from a step's time until the next looser step. The time axis is
    logarithmic. ``budget`` is drawn as a horizontal line, ``ask`` as a vertical one,
    ``markers`` (time, cost, label) as numbered points. Infinite values are left out.
    """
    pts = [(x, y) for x, y in curve if math.isfinite(x) and x > 0 and math.isfinite(y)]
    marks = [(x, y, t) for x, y, t in markers if math.isfinite(x) and x > 0 and math.isfinite(y)]
    xs = [x for x, _ in pts] + [x for x, _, _ in marks]
    if ask is not None and math.isfinite(ask) and ask > 0:
        xs.append(ask)
    if not xs:
        xs = [1.0]
    lo, hi = math.log10(min(xs) / 2), math.log10(max(xs) * 2)
    if hi - lo < 1:
        lo, hi = lo - 0.5, hi + 0.5
    ys = [y for _, y in pts] + [y for _, y, _ in marks]
    if budget is not None and math.isfinite(budget):
        ys.append(budget)
    yticks = _nice_money_ticks(max(ys, default=1.0) * 1.05)
    top = yticks[-1]
    left, right, up, down = 78, 16, 28 if title else 12, 42
    pw, ph = width - left - right, height - up - down

    def px(x: float) -> float:
        return left + (math.log10(x) - lo) / (hi - lo) * pw

    def py(y: float) -> float:
        return up + ph - y / top * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{html.escape(title or "monthly cost against recovery time")}">'
    ]
    if title:
        out.append(
            f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" '
            f'font-size="13" font-weight="bold">{html.escape(title)}</text>'
        )
    out.append(
        f'<rect x="{left}" y="{up}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>'
    )
    for y in yticks:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
            f'stroke="#e4e4e4"/><text x="{left - 6}" y="{py(y) + 4:.1f}" '
            f'text-anchor="end" font-size="11">{html.escape(whole_money(y, currency))}</text>'
        )
    for x in _DURATION_TICKS:
        if lo <= math.log10(x) <= hi:
            out.append(
                f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{up}" y2="{up + ph}" '
                f'stroke="#e4e4e4"/><text x="{px(x):.1f}" y="{up + ph + 15}" '
                f'text-anchor="middle" font-size="11">{format_duration(x, digits=2)}</text>'
            )
    out.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 6}" text-anchor="middle" font-size="12">'
        "recovery time (logarithmic)</text>"
        f'<text x="14" y="{up + ph / 2:.0f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {up + ph / 2:.0f})">cost per month</text>'
    )
    if pts:
        # the cheapest cost holds from each step's time to the next looser step's
        path = [f"M{px(pts[0][0]):.1f},{py(pts[0][1]):.1f}"]
        for x1, y1 in pts[1:]:
            path.append(f"H{px(x1):.1f}V{py(y1):.1f}")
        path.append(f"H{left + pw}")
        out.append(
            f'<path class="curve" d="{"".join(path)}" fill="none" stroke="#1f5fa8" '
            'stroke-width="2"/>'
        )
        # left of the tightest step no design reaches: shaded
        out.append(
            f'<rect class="unreachable" x="{left}" y="{up}" '
            f'width="{max(0.0, px(pts[0][0]) - left):.1f}" height="{ph}" fill="#eee" '
            'opacity="0.7"/>'
        )
    if budget is not None and math.isfinite(budget):
        out.append(
            f'<line class="budget" x1="{left}" x2="{left + pw}" y1="{py(budget):.1f}" '
            f'y2="{py(budget):.1f}" stroke="#2a8a2a" stroke-dasharray="6 3"/>'
            f'<text x="{left + pw - 4}" y="{py(budget) - 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#2a8a2a">budget '
            f"{html.escape(format_money(budget, currency))}</text>"
        )
    if ask is not None and math.isfinite(ask) and ask > 0:
        out.append(
            f'<line class="ask" x1="{px(ask):.1f}" x2="{px(ask):.1f}" y1="{up}" '
            f'y2="{up + ph}" stroke="#c0392b" stroke-dasharray="4 3"/>'
            f'<text x="{px(ask) + 4:.1f}" y="{up + 12}" font-size="11" fill="#c0392b">'
            f"asked {format_duration(ask, digits=2)}</text>"
        )
    placed: list[tuple[float, float]] = []
    for x, y, label in marks:
        cx, cy = px(x), py(y)
        while any(abs(cx - a) < 14 and abs(cy - b) < 14 for a, b in placed):
            cx += 15  # markers on the same spot: side by side
        placed.append((cx, cy))
        out.append(
            f'<circle class="option" cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="#fff" '
            f'fill-opacity="0.8" stroke="#333"/><text x="{cx:.1f}" y="{cy + 4:.1f}" '
            f'text-anchor="middle" font-size="10">{html.escape(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


_PAGE_CSS = """
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; color: #111;
       max-width: 60em; margin: 1.5em auto; padding: 0 1em; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 0.3em; }
h2 { font-size: 11.5pt; margin: 1em 0 0.3em; }
p, ul, ol { margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 2px 5px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
caption { text-align: left; font-weight: bold; padding: 2px 0; }
svg.chart { width: 100%; height: auto; max-width: 640px; display: block; }
.signatures { display: flex; gap: 3em; margin-top: 1.2em; }
.signatures div { flex: 1; border-top: 1px solid #333; padding-top: 2px; font-size: 9pt; }
.meta { color: #555; font-size: 8.5pt; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  table, svg.chart, .signatures { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .appendix { break-before: page; page-break-before: always; }
}
"""


def _page_block(b: Block | str, currency: str) -> str:
    if isinstance(b, str):  # raw markup the caller built (the chart)
        return b
    if isinstance(b, Lines):
        return "<p>" + "<br>".join(html.escape(t) for t in b.lines) + "</p>"
    if isinstance(b, Items):
        tag = "ol" if b.numbered else "ul"
        items = "".join(f"<li>{html.escape(t)}</li>" for t in b.items)
        head = f"<h2>{html.escape(b.title)}</h2>" if b.title else ""
        return f"{head}<{tag}>{items}</{tag}>"
    titles, rows = _cells(b, currency)
    right = [b.columns[i].kind in NUMERIC for i in b.shown()]

    def tr(cells: Sequence[str], tag: str) -> str:
        return "<tr>" + "".join(
            f"<{tag}{_RIGHT if r else ''}>{html.escape(c)}</{tag}>"
            for c, r in zip(cells, right, strict=True)
        ) + "</tr>"

    caption = f"<caption>{html.escape(b.title)}</caption>" if b.title else ""
    body = "".join(tr(r, "td") for r in rows)
    return f"<table>{caption}<thead>{tr(titles, 'th')}</thead><tbody>{body}</tbody></table>"


def to_page(
    doc: Document,
    sections: Sequence[tuple[str, Sequence[Block | str]]],
    *,
    title: str,
    appendix_at: int | None = None,
) -> str:
    """A self-contained HTML page: inline CSS, no external reference, print CSS for A4.

    ``sections`` are (heading, blocks); a block may be a string of markup built by the
    caller (an inline SVG). The section at index ``appendix_at`` (the first of a technical
    appendix, if any) starts a new printed page.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_PAGE_CSS}</style></head><body>",
        f"<h1>{html.escape(doc.title)}</h1>",
    ]
    for i, (heading, blocks) in enumerate(sections):
        cls = ' class="appendix"' if i == appendix_at else ""
        inner = "".join(_page_block(b, doc.currency) for b in blocks)
        head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
        parts.append(f"<section{cls}>{head}{inner}</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- DataFrame ----------------------------------------------------------------------------


def dataframe(records: list[dict[str, Any]], owner: str, columns: Sequence[str] = ()) -> Any:
    """``records`` as a pandas DataFrame; ``owner`` names the method in the install hint."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            f'{owner}() needs pandas; install it with pip install "rtocalc[pandas]"'
        ) from exc
    if records:
        return pd.DataFrame(records)
    return pd.DataFrame(columns=list(columns))


def to_dataframe(doc: Document, owner: str) -> Any:
    """The document's table as a pandas DataFrame of raw values (columns keep their units)."""
    table = doc.table()
    if table is None:
        return dataframe([], owner)
    keys = [c.key(doc.currency) for c in table.columns]
    return dataframe(table.records(doc.currency), owner, keys)


class Rendered:
    """Mixin: ``str()``, Markdown, HTML, ``rows()`` and a DataFrame from ``_document_()``."""

    __slots__ = ()

    def _document_(self) -> Document:
        raise NotImplementedError  # pragma: no cover - every result class defines it

    def __str__(self) -> str:
        return to_text(self._document_())

    def to_markdown(self) -> str:
        """Markdown rendering: a heading, lists and pipe tables.

        Returns
        -------
        str
        """
        return to_markdown(self._document_())

    def _repr_html_(self) -> str:
        return to_html(self._document_())

    def rows(self) -> list[dict[str, Any]]:
        """The result's table as flat records, keys ending in their unit.

        Returns
        -------
        list of dict
            One record per table row: ``rto_h``, ``monthly_cost_USD``, ...
        """
        doc = self._document_()
        table = doc.table()
        return [] if table is None else table.records(doc.currency)

    def to_dataframe(self) -> Any:
        """The result's table (:meth:`rows`) as a pandas DataFrame.

        Needs ``pip install "rtocalc[pandas]"``.

        Returns
        -------
        pandas.DataFrame
            Raw values in canonical units; column names end in their unit.
        """
        return to_dataframe(self._document_(), f"{type(self).__name__}.to_dataframe")

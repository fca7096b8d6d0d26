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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .units import format_duration, format_money, format_size

if TYPE_CHECKING:
    from .models import Design

__all__ = [
    "HTML_MAX_ROWS",
    "HTML_MIN_ROWS",
    "Column",
    "Document",
    "Items",
    "Lines",
    "Rendered",
    "Table",
    "dataframe",
    "describe_design",
    "to_dataframe",
    "to_html",
    "to_markdown",
    "to_text",
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
    infinite: str = "no recovery"
    words: tuple[str, str] = ("yes", "no")
    show: bool = True

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
        if math.isnan(x):
            return "unknown"
        if kind in ("hours", "money", "size", "days") and math.isinf(x):
            return self.infinite if kind != "money" else "unbounded"
        if kind == "hours":
            return format_duration(x, digits=3)
        if kind == "days":
            return f"{x:g} days"
        if kind == "money":
            return format_money(x, currency, per=self.per)
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


def schedule_words(interval: float) -> str:
    """A backup interval [h] as people say it: "nightly", "every 4 h", "every 15 min"."""
    if interval == 24.0:
        return "nightly"
    return f"every {format_duration(interval, digits=3)}"


def describe_design(design: Design) -> str:
    """One sentence describing a design in words."""
    parts = [
        f"back up {schedule_words(design.interval)} to {design.target} "
        f"({_SCHEME_WORDS.get(design.scheme, design.scheme)})"
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
            parts.append([f"{b.title}:", *bullets])
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
            parts.append(f"**{b.title}**\n\n{body}")
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
            parts.append(f"<p><b>{html.escape(b.title)}</b></p><{tag}>{items}</{tag}>")
        else:
            parts.append(_html_table(b, doc.currency))
    return "".join(parts)


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

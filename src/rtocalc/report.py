"""Renderings of result objects: plain text, Markdown and HTML.

Plain text is written for a business reader; Markdown for tickets and wikis; HTML for
Jupyter (``_repr_html_``). Every result declares what it shows as structured blocks and
tables (see ``rtocalc._render``); these functions render them, the same as ``str(obj)``,
``obj.to_markdown()`` and ``obj._repr_html_()``. Numbers are formatted with the units of
:mod:`rtocalc.units`; sizes are decimal (GB = 10^9 bytes, TB = 10^12 bytes) and say so.
"""

from __future__ import annotations

import html
from typing import Any

from . import _render
from ._render import describe_design

__all__ = ["describe_design", "to_html", "to_markdown", "to_text"]


def _document(obj: Any) -> _render.Document | None:
    make = getattr(obj, "_document_", None)
    return make() if callable(make) else None


def to_text(obj: Any) -> str:
    """Plain-text rendering of a result object.

    Parameters
    ----------
    obj : object
        A result of rtocalc (a plan, a result, a negotiation, a cost curve, ...); other
        objects are rendered with ``str``.

    Returns
    -------
    str
    """
    doc = _document(obj)
    return _render.to_text(doc) if doc is not None else str(obj)


def to_markdown(obj: Any) -> str:
    """Markdown rendering of a result object.

    Parameters
    ----------
    obj : object
        A result of rtocalc (a plan, a result, a negotiation, a cost curve, ...); other
        objects are rendered with ``str``.

    Returns
    -------
    str
    """
    doc = _document(obj)
    if doc is not None:
        return _render.to_markdown(doc)
    md = getattr(obj, "to_markdown", None)
    return md() if callable(md) else str(obj)


def to_html(obj: Any) -> str:
    """Compact HTML rendering for Jupyter.

    Parameters
    ----------
    obj : object
        A result of rtocalc (a plan, a result, a negotiation, a cost curve, ...); other
        objects are rendered with ``str``.

    Returns
    -------
    str
    """
    doc = _document(obj)
    if doc is not None:
        return _render.to_html(doc)
    page = getattr(obj, "_repr_html_", None)
    return page() if callable(page) else f"<pre>{html.escape(str(obj))}</pre>"

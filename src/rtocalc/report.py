"""Renderings of result objects: plain text, Markdown and HTML.

Plain text is written for a business reader; Markdown for tickets and wikis; HTML for
Jupyter (``_repr_html_``). Every result declares what it shows as structured blocks and
tables (see ``rtocalc._render``); these functions render them, the same as ``str(obj)``,
``obj.to_markdown()`` and ``obj._repr_html_()``. Numbers are formatted with the units of
:mod:`rtocalc.units`; sizes are decimal (GB = 10^9 bytes, TB = 10^12 bytes) and say so.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from ._render import describe_design

__all__ = ["describe_design", "to_html", "to_markdown", "to_text"]


def _render_as(obj: Any, method: str, fallback: Callable[[Any], str]) -> str:
    """``obj``'s own rendering ``method`` (every result of rtocalc has one, built on
    :mod:`rtocalc._render`), else ``fallback``."""
    own = getattr(obj, method, None)
    return own() if callable(own) else fallback(obj)


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
    return str(obj)


def to_markdown(obj: Any) -> str:
    """Markdown rendering of a result object.

    Parameters
    ----------
    obj : object
        A result of rtocalc (a plan, a result, a negotiation, a cost curve, ...); other
        objects are rendered with their ``to_markdown()`` or ``str``.

    Returns
    -------
    str
    """
    return _render_as(obj, "to_markdown", str)


def to_html(obj: Any) -> str:
    """Compact HTML rendering for Jupyter.

    Parameters
    ----------
    obj : object
        A result of rtocalc (a plan, a result, a negotiation, a cost curve, ...); other
        objects are rendered with their ``_repr_html_()`` or as preformatted ``str``.

    Returns
    -------
    str
    """
    return _render_as(obj, "_repr_html_", _preformatted)


def _preformatted(obj: Any) -> str:
    return f"<pre>{html.escape(str(obj))}</pre>"

"""Two small Sphinx directives for rtocalc's reference pages.

``.. rtocalc-class:: rtocalc.Workload``
    A class page: its docstring, a table of its fields (name, type, default and the
    description, which names the unit) for pydantic models, then the methods and
    properties the class itself defines. Methods inherited from pydantic's ``BaseModel``
    are left out: they are pydantic's, documented there.
``.. rtocalc-cli::``
    The command-line reference: the ``--help`` of ``rtocalc`` and of every command, as
    argparse prints it (generated from the parser, so it cannot drift).
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
import typing
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _type_name(annotation: Any) -> str:
    """A short type: ``Annotated`` quantities by their base type (the unit is in the
    description), unions joined with ``|``, rtocalc's module paths dropped."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type) and not args:
        return annotation.__name__
    text = repr(annotation).replace("typing.", "")
    return re.sub(r"\brtocalc\.(?:\w+\.)*", "", text)


def _default(info: Any) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return "see description" if info.default_factory.__name__ == "<lambda>" else (
            f"{info.default_factory.__name__}()"
        )
    value = info.default
    return "None" if value is None else repr(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _own_members(cls: type) -> list[tuple[str, str]]:
    """Public methods and properties defined by rtocalc on ``cls`` (not pydantic's)."""
    out = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("rtocalc"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in {n for n, _ in out}:
                continue
            if name in getattr(cls, "model_fields", {}):
                continue
            if isinstance(value, property):
                out.append((name, "autoproperty"))
            elif isinstance(value, classmethod | staticmethod) or inspect.isfunction(value):
                out.append((name, "automethod"))
    return out


class ClassPage(SphinxDirective):
    """``.. rtocalc-class:: dotted.Name``: docstring, fields with units, own methods."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = self.arguments[0]
        cls = _resolve(path)
        lines = [f".. autoclass:: {path}", "   :no-members:", ""]
        fields = getattr(cls, "model_fields", None)
        if fields:
            lines += [
                ".. list-table:: Fields (units in brackets: the canonical units of the glossary)",
                "   :header-rows: 1",
                "   :widths: 18 17 15 50",
                "",
                "   * - field",
                "     - type",
                "     - default",
                "     - description [unit]",
            ]
            for name, info in fields.items():
                lines += [
                    f"   * - ``{name}``",
                    f"     - {_cell(_type_name(info.annotation))}",
                    f"     - {_cell(_default(info))}",
                    f"     - {_cell(info.description or '')}",
                ]
            lines.append("")
        for name, kind in _own_members(cls):
            lines += [f".. {kind}:: {path}.{name}", ""]
        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(StringList(lines, source=path), self.content_offset, node)
        return list(node.children)


class CliReference(SphinxDirective):
    """``.. rtocalc-cli::``: the help of the command line and of each command."""

    def run(self) -> list[nodes.Node]:
        import argparse

        from rtocalc.cli import _parser

        parser = _parser()
        out: list[nodes.Node] = [nodes.literal_block(text=parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    section = nodes.section(ids=[f"rtocalc-{name}"])
                    section += nodes.title(text=f"rtocalc {name}")
                    section += nodes.literal_block(text=sub.format_help())
                    out.append(section)
        return out


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("rtocalc-class", ClassPage)
    app.add_directive("rtocalc-cli", CliReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""The package's own imports point one way and cross no module's private names.

The import graph of ``src/rtocalc`` is read from the source (AST), with imports at module
level, inside functions and under ``TYPE_CHECKING``. The layers are written down once,
in :data:`LAYERS`; ``python tests/test_architecture.py`` prints the graph by layer.
Lazy imports of third-party modules inside functions (scipy, matplotlib, pandas) are not
in the graph: the rules are about rtocalc's own modules. The package ``__init__`` is the
facade over everything (PEP 562 lazy names) and is left out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "rtocalc"

#: rtocalc's modules from the bottom layer up; a module may import modules of its own
#: layer or below, never above (and the graph has no cycle, within a layer either)
LAYERS: tuple[tuple[str, ...], ...] = (
    # helpers and quantities, no model
    ("_array", "_catalog_data", "_frozen", "_random", "_renamed", "_versions", "units"),
    # the formulas (pure functions), the input models, the portfolio's MILP
    (
        "physics",
        "cost",
        "protection",
        "ransomware",
        "retention",
        "models",
        "_distributions",
        "_portfolio_milp",
        "_render",
    ),
    # reading files, results, the design space's columns and evaluation
    (
        "files",
        "results",
        "meeting",
        "_policy_models",
        "_policy_files",
        "_policy_results",
        "_space_tables",
        "_space_protection",
        "_space_design",
        "_space_paths",
        "_space_costs",
        "_space_evaluation",
        "_space_figures",
        "_space_interval",
        "_space_kernel",
        "space",
    ),
    # the one exact search
    ("_search",),
    # uncertain inputs: Monte Carlo, the robust search (uses the exact search)
    ("uncertainty",),
    # the cheapest design and its explanation; robust when asked (uses the layer below)
    ("optimize",),
    # many asks side by side: cost curves, batches of systems
    ("tradeoff", "_batch"),
    # the uses: negotiation, policy checks, portfolios
    ("negotiate", "policy", "portfolio"),
    # presentation and entry points
    ("testing", "schemas", "report", "plot", "cli", "__main__"),
)

LAYER = {m: i for i, names in enumerate(LAYERS) for m in names}


@dataclass(frozen=True, order=True)
class Import:
    """One import of a module of the package by another."""

    source: str
    target: str
    #: "module", "function" or "type-checking"
    where: str
    line: int
    #: the names imported (``from .x import a, b``), or the attributes used on the module
    names: tuple[str, ...]


def _module_of(node: ast.ImportFrom, modules: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(target module, names) of a ``from`` import of the package, [] for others."""
    if node.level == 1:
        if node.module is None:  # from . import x, y: each a module (or the facade)
            return [(a.name, ()) for a in node.names if a.name in modules]
        return [(node.module.split(".")[0], tuple(a.name for a in node.names))]
    if node.level == 0 and node.module and node.module.split(".")[0] == "rtocalc":
        parts = node.module.split(".")
        if len(parts) > 1:
            return [(parts[1], tuple(a.name for a in node.names))]
        return [(a.name, ()) for a in node.names if a.name in modules]
    return []


def _imports_of(path: Path, modules: set[str]) -> list[Import]:
    """The imports of the package's modules in one source file."""
    source = path.stem
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str, int, tuple[str, ...], str | None]] = []
    stack: list[tuple[ast.AST, str]] = [(tree, "module")]
    while stack:
        node, where = stack.pop()
        for child in ast.iter_child_nodes(node):
            here = where
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                here = "function" if where == "module" else where
            elif (
                isinstance(child, ast.If)
                and where == "module"
                and "TYPE_CHECKING" in ast.unparse(child.test)
            ):
                stack.append((ast.Module(body=child.body, type_ignores=[]), "type-checking"))
                stack.append((ast.Module(body=child.orelse, type_ignores=[]), where))
                continue
            if isinstance(child, ast.ImportFrom):
                for target, names in _module_of(child, modules):
                    local = next(
                        (a.asname or a.name for a in child.names if not names and a.name == target),
                        None,
                    )
                    found.append((target, here, child.lineno, names, local))
            stack.append((child, here))
    # for ``from . import x`` the names are the attributes read on ``x``
    used: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            used.setdefault(node.value.id, set()).add(node.attr)
    return sorted(
        Import(
            source,
            target,
            where,
            line,
            names if local is None else tuple(sorted(used.get(local, ()))),
        )
        for target, where, line, names, local in found
    )


def imports(src: Path = SRC) -> list[Import]:
    """Every import of one of the package's modules by another (not by ``__init__``).

    For ``from . import x`` the names are the attributes the importing module reads on
    ``x`` (``x.name``), so that private names reached through the module count too.
    """
    modules = {p.stem for p in src.glob("*.py")} - {"__init__"}
    return [
        i
        for path in sorted(src.glob("*.py"))
        if path.stem != "__init__"
        for i in _imports_of(path, modules)
    ]


def cycles(edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if e.source != e.target:
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(out)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


EDGES = imports()


def test_every_module_has_a_layer():
    modules = {p.stem for p in SRC.glob("*.py")} - {"__init__"}
    assert modules == set(LAYER), "add new modules to LAYERS (or remove gone ones)"
    assert len(LAYER) == sum(len(x) for x in LAYERS), "a module is listed twice"


def test_the_import_graph_has_no_cycle():
    assert cycles(EDGES) == []


def test_no_import_goes_up_a_layer():
    up = [
        f"{e.source} (layer {LAYER[e.source]}) imports {e.target} (layer {LAYER[e.target]}) "
        f"at line {e.line} ({e.where})"
        for e in EDGES
        if e.target in LAYER and LAYER[e.target] > LAYER[e.source]
    ]
    assert up == []


def test_no_module_imports_another_modules_private_names():
    crossings = [
        f"{e.source} line {e.line}: {e.target}.{name}"
        for e in EDGES
        for name in e.names
        if _private(name) and e.target != e.source
    ]
    assert crossings == []


def test_the_checks_can_fail(tmp_path):
    """The reader finds a cycle, a function-level import and a private crossing."""
    (tmp_path / "a.py").write_text("from .b import x\nfrom . import c\nc._hidden()\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import _y\n")
    (tmp_path / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rtocalc.a import z\n"
    )
    edges = imports(tmp_path)
    assert cycles(edges) == [["a", "b", "c"]]
    seen = {(e.source, e.target, e.where, e.names) for e in edges}
    assert ("b", "a", "function", ("_y",)) in seen
    assert ("c", "a", "type-checking", ("z",)) in seen
    assert ("a", "c", ("_hidden",)) in {(e.source, e.target, e.names) for e in edges}


def render(edges: list[Import]) -> str:
    """The graph by layer, each module with the modules it imports (function-level ones
    marked ``*``, type-checking ones ``t``)."""
    lines = []
    mark = {"module": "", "function": "*", "type-checking": "t"}
    for i, names in enumerate(LAYERS):
        lines.append(f"layer {i}:")
        for m in names:
            targets = sorted({(e.target, mark[e.where]) for e in edges if e.source == m})
            shown = ", ".join(t + k for t, k in targets) or "-"
            lines.append(f"  {m} -> {shown}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(EDGES))
    print("cycles:", cycles(EDGES) or "none")

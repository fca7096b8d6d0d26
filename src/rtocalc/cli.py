"""Command line: ``rtocalc plan``, ``rtocalc schema``.

Exit status: 0 when the command ran (an ask that cannot be met is an answer, printed
with its reasons), 2 for invalid input (one line per error, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from . import __version__
from .files import InputError, ScenarioFile, format_validation_error, load_scenario
from .optimize import cheapest

__all__ = ["main"]

_FORMATS = ("text", "markdown", "json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rtocalc",
        description="Backup and disaster-recovery planning as numbers.",
    )
    parser.add_argument("--version", action="version", version=f"rtocalc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plan = sub.add_parser(
        "plan",
        help="cheapest design that meets the ask in a scenario file",
        description=(
            "Find the cheapest design that meets the ask of a TOML scenario file "
            "(workload, requirements, impact, catalog overrides). Without FILE, runs the "
            "shipped example scenario."
        ),
    )
    plan.add_argument("file", nargs="?", metavar="FILE", help="scenario TOML file")
    plan.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    plan.add_argument(
        "--objective",
        choices=("outlay", "tco"),
        default="outlay",
        help="minimise monthly outlay (default) or outlay plus expected loss",
    )

    schema = sub.add_parser("schema", help="print the JSON Schema of an input file")
    schema.add_argument("kind", nargs="?", default="scenario", choices=("scenario",))
    return parser


def _emit(result: object, fmt: str) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2)  # type: ignore[attr-defined, no-any-return]
    if fmt == "markdown":
        return result.to_markdown()  # type: ignore[attr-defined, no-any-return]
    return str(result)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "schema":
            print(json.dumps(ScenarioFile.model_json_schema(), indent=2))
            return 0
        scenario = load_scenario(args.file)
        result = cheapest(
            scenario.workload,
            scenario.requirements,
            impact=scenario.impact,
            catalog=scenario.catalog,
            objective=args.objective,
        )
        print(_emit(result, args.format))
        return 0
    except InputError as exc:
        for line in exc.errors:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for line in format_validation_error(exc):
            print(f"error: {line}", file=sys.stderr)
        return 2

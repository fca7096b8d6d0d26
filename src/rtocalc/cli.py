"""Command line: ``rtocalc plan``, ``negotiate``, ``frontier``, ``check``, ``simulate``,
``schema``.

Exit status: 0 when the command ran (an ask that cannot be met is an answer, printed
with its reasons), 2 for invalid input (one line per error, no traceback); ``check``
exits 1 when a system violates its tier.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from . import __version__
from .files import (
    InputError,
    default_scenario_path,
    format_validation_error,
    load_scenario,
)
from .models import Requirements
from .negotiate import negotiate
from .optimize import cheapest
from .policy import check_files
from .schemas import KINDS, json_schema
from .tradeoff import frontier

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

    neg = sub.add_parser(
        "negotiate",
        help="the ask against the budget: verdict, limits, counter-offers, zero downtime",
        description=(
            "Answer the business ask of a TOML scenario file against its budget: the "
            "verdict, the physical limits that bind, the cheapest design, counter-offers "
            "that fit the budget, and what zero downtime costs. Without FILE, runs the "
            "shipped example: off-site backups and zero downtime on a budget that cannot "
            "pay for it. Flags override the file's ask."
        ),
    )
    neg.add_argument("file", nargs="?", metavar="FILE", help="scenario TOML file")
    neg.add_argument("--budget", help="budget per month, e.g. '$4,000/mo'")
    neg.add_argument("--rto", help="RTO for every scenario, e.g. '4 h'")
    neg.add_argument("--rpo", help="RPO for every scenario, e.g. '15 min'")
    neg.add_argument("--format", choices=_FORMATS, default="text", help="output format")

    front = sub.add_parser(
        "frontier",
        help="Pareto-optimal designs over cost, RTO and RPO",
        description="The Pareto-optimal designs over (monthly cost, worst RTO, worst RPO).",
    )
    front.add_argument("file", metavar="FILE", help="scenario TOML file")
    front.add_argument(
        "--format",
        choices=("csv", "json", "text", "markdown"),
        default="csv",
        help="output format (default csv)",
    )

    chk = sub.add_parser(
        "check",
        help="check an inventory of systems against a DR policy (for CI)",
        description=(
            "Evaluate every system's declared design in the INVENTORY file with the model "
            "and compare it with the limits of its tier in the POLICY file. Prints one line "
            "per violation (system, scenario, metric, achieved, limit, cheapest compliant "
            "design). Exit status: 0 all pass, 1 any violation (or warning with --strict), "
            "2 invalid input."
        ),
    )
    chk.add_argument("policy", metavar="POLICY", help="policy TOML file (tiers)")
    chk.add_argument("inventory", metavar="INVENTORY", help="inventory TOML file (systems)")
    chk.add_argument(
        "--format",
        choices=("text", "markdown", "json", "junit"),
        default="text",
        help="output format (junit: JUnit XML for CI test reports)",
    )
    chk.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (a scenario out of scope that no copy survives)",
    )

    sim = sub.add_parser(
        "simulate",
        help="Monte Carlo over uncertain inputs: cost, RPO/RTO and P(meets the ask)",
        description=(
            "Simulate the cheapest design at the median inputs of a TOML scenario file whose "
            "workload figures, impact costs and scenario rates may be distributions "
            "('2 TB..4 TB', 'triangular(2 TB, 3 TB, 5 TB)', "
            "'lognormal(median=3 TB, p90=5 TB)')."
        ),
    )
    sim.add_argument("file", metavar="FILE", help="scenario TOML file")
    sim.add_argument("--samples", type=int, default=10_000, help="samples (default 10000)")
    sim.add_argument("--seed", type=int, default=None, help="random seed (reproducible)")
    sim.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    port = sub.add_parser(
        "portfolio",
        help="one design per system of an inventory under one budget and link",
        description=(
            "Choose one design per system of the INVENTORY file (the format of 'check'; "
            "limits from each system's tier, declared designs ignored) so that the total "
            "outlay fits the budget and the traffic fits the shared link, minimising total "
            "outlay plus expected loss (exact MILP, HiGHS). Exit status: 0 solved (a "
            "portfolio that cannot fit is an answer, printed with its reasons), 2 invalid input."
        ),
    )
    port.add_argument("inventory", metavar="INVENTORY", help="inventory TOML file (systems)")
    port.add_argument("--policy", help="policy TOML file (default: the inventory's policy field)")
    port.add_argument("--budget", help="total budget, e.g. '$40,000/mo' (overrides the file)")
    port.add_argument("--links", help="shared link capacity, e.g. '1 Gbps' (overrides the file)")
    port.add_argument(
        "--restore-capacity", help="shared restore pipe, e.g. '2 TB/h' (overrides the file)"
    )
    port.add_argument("--objective", choices=("tco", "outlay"), help="what to minimise")
    port.add_argument("--format", choices=(*_FORMATS, "csv"), default="text", help="output format")

    schema = sub.add_parser("schema", help="print the JSON Schema of an input file")
    schema.add_argument("kind", nargs="?", default="scenario", choices=KINDS)
    return parser


def _emit(result: object, fmt: str) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2)  # type: ignore[attr-defined, no-any-return]
    if fmt == "markdown":
        return result.to_markdown()  # type: ignore[attr-defined, no-any-return]
    return str(result)


def _negotiate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file or default_scenario_path("zero_downtime"))
    changes = {k: getattr(args, k) for k in ("budget", "rto", "rpo") if getattr(args, k)}
    ask = scenario.requirements
    if changes:
        data = {**ask.model_dump(), **changes}
        try:
            ask = Requirements.model_validate(data, context={"currency": scenario.catalog.currency})
        except ValidationError as exc:
            raise InputError(format_validation_error(exc, "command line")) from None
    result = negotiate(scenario.workload, ask, impact=scenario.impact, catalog=scenario.catalog)
    print(_emit(result, args.format))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "schema":
            print(json.dumps(json_schema(args.kind), indent=2))
            return 0
        if args.command == "simulate":
            from .uncertainty import load_uncertain_scenario, simulate

            unc = load_uncertain_scenario(args.file)
            try:
                simulation = simulate(
                    unc.workload,
                    unc.requirements,
                    samples=args.samples,
                    seed=args.seed,
                    impact=unc.impact,
                    catalog=unc.catalog,
                    prices=unc.prices,
                )
            except ValueError as exc:
                raise InputError([f"{args.file}: {exc}"]) from None
            print(_emit(simulation, args.format))
            return 0
        if args.command == "portfolio":
            from .portfolio import run_cli

            return run_cli(args)
        if args.command == "check":
            report = check_files(args.policy, args.inventory, strict=args.strict)
            print(report.render(args.format), end="")
            return int(report.exit_code)
        if args.command == "negotiate":
            return _negotiate(args)
        if args.command == "frontier":
            scenario = load_scenario(args.file)
            front = frontier(
                scenario.workload,
                scenario.requirements,
                impact=scenario.impact,
                catalog=scenario.catalog,
            )
            print(front.to_csv() if args.format == "csv" else _emit(front, args.format), end="")
            print() if args.format != "csv" else None
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
    except BrokenPipeError:
        # the reader closed the pipe (e.g. `rtocalc schema | head`): stop quietly, as Unix
        # tools do; point stdout at devnull so the interpreter's final flush cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0

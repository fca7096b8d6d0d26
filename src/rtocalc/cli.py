"""Command line: ``rtocalc plan``, ``negotiate``, ``agree``, ``frontier``, ``check``,
``simulate``, ``portfolio``, ``schema``.

Exit status: 0 when the command ran (an ask that cannot be met is an answer, printed
with its reasons), 2 for invalid input (one line per error, no traceback); ``check``
exits 1 when a system violates its tier.

Conventions: ``-`` as a file name reads standard input; every command prints text by
default (``--format`` chooses another); text is wrapped to the terminal's width when
standard output is a terminal (never when it is a pipe or a file, so that each finding
stays one line for ``grep``); long runs report progress on standard error when it is a
terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from . import units
from .files import (
    InputError,
    default_scenario_path,
    format_validation_error,
    load_scenario,
)
from .models import Requirements
from .schemas import KINDS, json_schema

# Each command imports what it uses (numpy, the optimiser, the negotiation, scipy...)
# in its own function, so a command pays only for its own modules at start-up.

__all__ = ["main"]

_FORMATS = ("text", "markdown", "json")
_FILE_HELP = "scenario TOML file ('-' for standard input)"
_OUTSIDE_HELP = (
    "let catalog.file (and a portfolio's policy) name files outside the directory of the "
    "file naming them"
)
_MAX_SAMPLES = 10_000_000
_MAX_SEED = 2**128  # numpy's SeedSequence takes any non-negative int; a bound keeps it sane


class _Version(argparse.Action):
    """``--version``: reads the installed version only when asked (importlib.metadata
    costs about 0.05 s at start-up)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from . import __version__

        print(f"rtocalc {__version__}")
        parser.exit()


def _outside(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-outside-paths", action="store_true", help=_OUTSIDE_HELP)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rtocalc",
        description="Backup and disaster-recovery planning as numbers.",
    )
    parser.add_argument("--version", action=_Version)
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
    plan.add_argument("file", nargs="?", metavar="FILE", help=_FILE_HELP)
    plan.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    plan.add_argument(
        "--objective",
        choices=("outlay", "tco"),
        default="outlay",
        help="minimise monthly outlay (default) or outlay plus expected loss",
    )
    _outside(plan)

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
    neg.add_argument("file", nargs="?", metavar="FILE", help=_FILE_HELP)
    neg.add_argument("--budget", help="budget per month, e.g. '$4,000/mo'")
    neg.add_argument("--rto", help="RTO for every scenario, e.g. '4 h'")
    neg.add_argument("--rpo", help="RPO for every scenario, e.g. '15 min'")
    neg.add_argument(
        "--format",
        choices=(*_FORMATS, "html"),
        default="text",
        help=(
            "output format: text for the meeting, markdown or html for the one-page handout "
            "(html is a self-contained page that prints on one or two A4/Letter pages), "
            "json for the whole result"
        ),
    )
    neg.add_argument(
        "--detail",
        action="store_true",
        help="add the technical appendix: parameter names, catalog keys, worst cases",
    )
    neg.add_argument(
        "--record",
        metavar="MEETING",
        help=(
            "append this round (ask, answer, date, catalog date, scenario assumptions) to "
            "the meeting record MEETING (a TOML file, created if absent)"
        ),
    )
    neg.add_argument(
        "--date", default="", help="date of the recorded round (ISO 8601; default now, UTC)"
    )
    _plot_flag(neg, "what the last hours of downtime cost (rtocalc.plot.zero_downtime)")
    _outside(neg)

    agree = sub.add_parser(
        "agree",
        help="record the option agreed in a meeting; export its limits as a policy tier",
        description=(
            "Record in MEETING (written by 'negotiate --record') that option N of a round "
            "was agreed, by whom and when. The agreed limits are the option's, rounded up "
            "to two significant digits. With --policy-tier, print them as a policy file of "
            "one tier that 'rtocalc check' enforces (or write it to --policy-out)."
        ),
    )
    agree.add_argument("meeting", metavar="MEETING", help="meeting record TOML file")
    agree.add_argument(
        "--option", required=True, type=_whole("--option", 1, 10_000), help="the option agreed"
    )
    agree.add_argument(
        "--round", type=_whole("--round", 1, 10_000), help="the round (default: the last)"
    )
    agree.add_argument("--by", default="", help="who agreed, e.g. 'J. Smith, CFO'")
    agree.add_argument("--date", default="", help="when (ISO 8601; default now, UTC)")
    agree.add_argument("--policy-tier", metavar="NAME", help="export the limits as tier NAME")
    agree.add_argument(
        "--policy-out", metavar="FILE", help="write the policy to FILE instead of printing it"
    )

    front = sub.add_parser(
        "frontier",
        help="Pareto-optimal designs over cost, RTO and RPO",
        description="The Pareto-optimal designs over (monthly cost, worst RTO, worst RPO).",
    )
    front.add_argument("file", metavar="FILE", help=_FILE_HELP)
    front.add_argument(
        "--format",
        choices=("text", "csv", "json", "markdown"),
        default="text",
        help="output format (default text, as for every command)",
    )
    _plot_flag(front, "the frontier (rtocalc.plot.frontier)")
    _outside(front)

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
    chk.add_argument("policy", metavar="POLICY", help="policy TOML file (tiers); '-' for stdin")
    chk.add_argument(
        "inventory", metavar="INVENTORY", help="inventory TOML file (systems); '-' for stdin"
    )
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
    chk.add_argument(
        "--no-fixes",
        action="store_true",
        help="do not search the cheapest compliant design of failing systems (faster)",
    )
    _outside(chk)

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
    sim.add_argument("file", metavar="FILE", help=_FILE_HELP)
    sim.add_argument(
        "--samples",
        type=_whole("--samples", 1, _MAX_SAMPLES),
        default=10_000,
        help="samples (default 10000)",
    )
    sim.add_argument(
        "--seed",
        type=_whole("--seed", 0, _MAX_SEED),
        default=None,
        help="random seed, a whole number >= 0 (reproducible)",
    )
    sim.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    _plot_flag(sim, "a histogram of the simulated monthly outlay (rtocalc.plot.simulation)")
    _outside(sim)

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
    port.add_argument(
        "inventory", metavar="INVENTORY", help="inventory TOML file (systems); '-' for stdin"
    )
    port.add_argument("--policy", help="policy TOML file (default: the inventory's policy field)")
    port.add_argument("--budget", help="total budget, e.g. '$40,000/mo' (overrides the file)")
    port.add_argument("--links", help="shared link capacity, e.g. '1 Gbps' (overrides the file)")
    port.add_argument(
        "--restore-capacity", help="shared restore pipe, e.g. '2 TB/h' (overrides the file)"
    )
    port.add_argument("--objective", choices=("tco", "outlay"), help="what to minimise")
    port.add_argument("--format", choices=(*_FORMATS, "csv"), default="text", help="output format")
    _plot_flag(port, "the restore timeline after a site loss (rtocalc.plot.restore_timeline)")
    _outside(port)

    schema = sub.add_parser("schema", help="print the JSON Schema of an input file")
    schema.add_argument("kind", nargs="?", default="scenario", choices=KINDS)
    return parser


def _plot_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help=f"also draw {what} to FILE (.png or .svg; needs the plot extra)",
    )


def _check_plot(path: str) -> None:
    if not path.lower().endswith((".png", ".svg")):
        raise InputError([f"--plot: {units.excerpt(path)} is not a .png or .svg file name"])


def _plot(path: str | None, draw: Callable[[Any], object]) -> None:
    """Draw with ``draw(ax)`` into ``path`` (PNG or SVG), when a path is given."""
    if not path:
        return
    _check_plot(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError(
            ['--plot needs matplotlib; install it with pip install "rtocalc[plot]"']
        ) from None
    fig, ax = plt.subplots(figsize=(10, 4.5))  # the legend sits right of the axes
    try:
        draw(ax)
        fig.tight_layout()
        fig.savefig(path, dpi=150)
    except OSError as exc:
        raise InputError([f"--plot: {path}: cannot write: {exc.strerror}"]) from None
    finally:
        plt.close(fig)


def _whole(flag: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high], else an error naming ``flag``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{units.excerpt(text)} is not a whole number; use e.g. {max(low, 42)}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is out of range; use a whole number from {low} to {high:,}"
            )
        return value

    parse.__name__ = flag  # argparse names the type in some messages
    return parse


def _short(text: str, limit: int = 300) -> str:
    """A message cut to ``limit`` characters (the values it quotes may be long)."""
    return text if len(text) <= limit else text[:limit] + "..."


def _emit(result: object, fmt: str) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2)  # type: ignore[attr-defined, no-any-return]
    if fmt == "markdown":
        return result.to_markdown()  # type: ignore[attr-defined, no-any-return]
    return str(result)


def _wrap(text: str, width: int) -> str:
    """Wrap the prose lines of ``text`` to ``width``; aligned (table) lines stay as is."""
    out = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        if len(line) <= width or "  " in body or body.startswith("|"):
            out.append(line)
            continue
        out += textwrap.wrap(
            body,
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return "\n".join(out)


def _print(text: str, fmt: str = "text", *, end: str = "\n") -> None:
    """Print a command's output; text is wrapped to the terminal when printed to one."""
    if fmt == "text" and sys.stdout.isatty():
        text = _wrap(text, max(40, shutil.get_terminal_size().columns - 1))
    print(text, end=end)


class _Progress:
    """``done/total`` on standard error, when it is a terminal and the run is long."""

    def __init__(self, what: str, *, after: float = 1.0) -> None:
        self.what = what
        self.start = time.monotonic()
        self.after = after
        self.shown = False
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.after:
            return
        sys.stderr.write(f"\r{self.what}: {done:,} of {total:,}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _check(args: argparse.Namespace) -> int:
    from .policy import CheckReport, iter_check, load_check_files

    policy, inventory = load_check_files(
        args.policy, args.inventory, allow_outside=args.allow_outside_paths
    )
    progress = _Progress("rtocalc check: systems checked")
    results = iter_check(policy, inventory, fixes=not args.no_fixes, progress=progress)
    if args.format != "text":
        try:
            systems = list(results)
        finally:
            progress.close()
        report = CheckReport.of(
            systems,
            policy=policy.name,
            inventory=inventory.name,
            currency=inventory.catalog.currency,
            strict=args.strict,
            scenarios=[s.name for s in policy.impact.scenarios],
        )
        print(report.render(args.format), end="")
        return int(report.exit_code)
    # text: each violation as soon as its batch is done, then warnings and the summary;
    # only the counts and the (short) warning lines are kept, not the results
    counts = {"pass": 0, "warn": 0, "fail": 0}
    violations = warnings = 0
    later: list[str] = []
    try:
        for one in results:
            counts[one.status] += 1
            v = sum(f.severity == "violation" for f in one.findings)
            violations += v
            warnings += len(one.findings) - v
            if one.findings:
                lines = one.lines(warnings=False)
                if lines:
                    progress.close()
                    _print("\n".join(lines))
                later += one.lines(violations=False)
    finally:
        progress.close()
    summary = _summary(counts, violations, warnings, strict=args.strict)
    _print("\n".join([*later, summary]))
    return 0 if violations == 0 and not (args.strict and warnings) else 1


def _summary(counts: dict[str, int], violations: int, warnings: int, *, strict: bool) -> str:
    """The summary line of :meth:`CheckReport.summary`, from counts alone."""
    from .policy import summary_line

    return summary_line(
        systems=sum(counts.values()),
        passed=counts["pass"],
        failed=counts["fail"],
        warned=counts["warn"],
        violations=violations,
        warnings=warnings,
        strict=strict,
    )


def _portfolio(args: argparse.Namespace, draw: Callable[[Any], None] | None = None) -> int:
    """``rtocalc portfolio``: the inventory's plan in the chosen format; ``draw``, when
    given, is called with the plan before it is printed (``--plot``)."""
    from .portfolio import Settings, load_portfolio, plan_portfolio

    f = load_portfolio(
        args.inventory, args.policy, allow_outside=getattr(args, "allow_outside_paths", False)
    )
    given = {
        k: v
        for k, v in (
            ("budget", args.budget),
            ("links", args.links),
            ("restore_capacity", args.restore_capacity),
        )
        if v is not None
    }
    try:
        opts = Settings.model_validate(given, context={"currency": f.catalog.currency})
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, "command line")) from None
    plan = plan_portfolio(
        f.systems,
        budget=opts.budget if args.budget is not None else f.budget,
        links=opts.links if args.links is not None else f.links,
        restore_capacity=(
            opts.restore_capacity if args.restore_capacity is not None else f.restore_capacity
        ),
        catalog=f.catalog,
        objective=args.objective or f.objective,
    )
    if draw is not None:
        draw(plan)
    if args.format == "json":
        print(plan.model_dump_json(indent=2))
    elif args.format == "markdown":
        print(plan.to_markdown())
    elif args.format == "csv":
        print(plan.to_csv() if plan.feasible else str(plan), end="" if plan.feasible else "\n")
    else:
        print(plan)
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from .optimize import cheapest
    from .uncertainty import load_uncertain_scenario, simulate

    unc = load_uncertain_scenario(args.file, allow_outside=args.allow_outside_paths)
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
        # no design to simulate when none meets the ask at the median inputs (the
        # catalog holds the median prices): that is an answer with reasons, as for `plan`
        median = cheapest(
            unc.workload.median(),
            unc.requirements,
            impact=unc.impact.median(),
            catalog=unc.catalog,
        )
        if median.feasible:
            raise InputError([f"{args.file}: {_short(str(exc))}"]) from None
        if args.format == "text":
            _print("No design meets the ask at the median inputs: nothing to simulate.")
        _print(_emit(median, args.format), args.format)
        return 0
    if args.plot:
        from . import plot

        _plot(args.plot, lambda ax: plot.simulation(simulation, ax))
    _print(_emit(simulation, args.format), args.format)
    return 0


def _negotiate(args: argparse.Namespace) -> int:
    from .negotiate import negotiate

    scenario = load_scenario(
        args.file or default_scenario_path("zero_downtime"),
        allow_outside=args.allow_outside_paths,
    )
    changes = {k: getattr(args, k) for k in ("budget", "rto", "rpo") if getattr(args, k)}
    ask = scenario.requirements
    if changes:
        data = {**ask.model_dump(), **changes}
        try:
            ask = Requirements.model_validate(data, context={"currency": scenario.catalog.currency})
        except ValidationError as exc:
            raise InputError(format_validation_error(exc, "command line")) from None
    record = None
    if args.record:
        record = _meeting(args.record, scenario.catalog.currency, args.file)
    result = negotiate(scenario.workload, ask, impact=scenario.impact, catalog=scenario.catalog)
    if args.plot:
        from . import plot

        _plot(args.plot, lambda ax: plot.zero_downtime(result, ax, catalog=scenario.catalog))
    if record is not None:
        record = record.append(result.record(date=args.date))
        _write(args.record, record.to_toml())
        print(f"rtocalc: round {len(record.rounds)} recorded in {args.record}", file=sys.stderr)
    if args.format in ("html", "markdown"):
        print(result.handout(args.format, detail=args.detail), end="")
    elif args.format == "text":
        _print(result.text(detail=args.detail))
    else:
        _print(_emit(result, args.format), args.format)
    return 0


def _meeting(path: str, currency: str, scenario: str | None) -> Any:
    """The meeting record at ``path``, or a new one when there is no such file."""
    from pathlib import Path

    from .meeting import MeetingRecord, load_meeting

    if not Path(path).exists():
        return MeetingRecord(scenario=scenario or "", currency=currency)
    record = load_meeting(path)
    if record.currency != currency:
        raise InputError(
            [
                f"{path}: the record is in {record.currency} and the scenario's catalog in "
                f"{currency}; record the meeting in one currency (another --record file)"
            ]
        )
    return record


def _write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole (a temporary file renamed over it)."""
    from pathlib import Path

    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError([f"{path}: cannot write: {exc.strerror}"]) from None


def _agree(args: argparse.Namespace) -> int:
    from .meeting import load_meeting
    from .policy import policy_from_dict

    record = load_meeting(args.meeting)
    try:
        record = record.agree(args.option, by=args.by, date=args.date, round=args.round)
    except ValueError as exc:
        raise InputError([f"{args.meeting}: {exc}"]) from None
    a = record.agreement
    assert a is not None
    _write(args.meeting, record.to_toml())
    summary = [
        f"Agreed: option {a.option} of round {a.round}, "
        f"{units.format_money(a.monthly_cost, record.currency)}, by {a.by} on {a.date}.",
        "Down at most: " + ", ".join(f"{v} ({k})" for k, v in a.rto.items()) + ".",
        "Work lost at most: " + ", ".join(f"{v} ({k})" for k, v in a.rpo.items()) + ".",
        f"Recorded in {args.meeting}.",
    ]
    if not args.policy_tier:
        _print("\n".join(summary))
        return 0
    scenarios = record.rounds[a.round - 1].scenarios
    text = a.policy_toml(args.policy_tier, currency=record.currency, scenarios=scenarios)
    import tomllib

    policy_from_dict(tomllib.loads(text), source="the exported policy")  # it must load
    print("\n".join(summary), file=sys.stderr)
    if args.policy_out:
        _write(args.policy_out, text)
        print(f"rtocalc: tier {args.policy_tier!r} written to {args.policy_out}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "plot", None):
        _check_plot(args.plot)  # before the work, not after it
    if args.command == "schema":
        print(json.dumps(json_schema(args.kind), indent=2))
        return 0
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "portfolio":
        def draw(plan: Any) -> None:
            from . import plot

            _plot(args.plot, lambda ax: plot.restore_timeline(plan, ax))

        try:
            return _portfolio(args, draw=draw if args.plot else None)
        except (InputError, ValidationError):
            raise
        except ValueError as exc:  # a value the optimiser refuses, e.g. a zero capacity
            raise InputError([_short(str(exc))]) from None
    if args.command == "check":
        return _check(args)
    if args.command == "negotiate":
        return _negotiate(args)
    if args.command == "agree":
        return _agree(args)
    from .optimize import cheapest

    scenario = load_scenario(args.file, allow_outside=args.allow_outside_paths)
    if args.command == "frontier":
        from .tradeoff import frontier

        front = frontier(
            scenario.workload,
            scenario.requirements,
            impact=scenario.impact,
            catalog=scenario.catalog,
        )
        if args.plot:
            from . import plot

            _plot(args.plot, lambda ax: plot.frontier(front, ax))
        if args.format == "csv":
            print(front.to_csv(), end="")
        else:
            _print(_emit(front, args.format), args.format)
        return 0
    result = cheapest(
        scenario.workload,
        scenario.requirements,
        impact=scenario.impact,
        catalog=scenario.catalog,
        objective=args.objective,
    )
    _print(_emit(result, args.format), args.format)
    if result.plan is not None:  # also on stderr: a CSV or JSON reader sees it too
        for line in result.plan.warnings:
            print(f"warning: {line}", file=sys.stderr)
    return 0


def _one_blas_thread() -> None:
    """Let OpenBLAS start no worker threads in a command-line process.

    numpy's OpenBLAS starts one worker thread per core when numpy is imported, and they
    spin for a while: about 0.13 s of CPU time on the 2-core machine, a fifth of a whole
    ``rtocalc plan`` (docs/decisions.md, "The CLI's cost"). No command does linear algebra
    that threads would speed up (the kernel is elementwise; the MILP is HiGHS's own
    code), so a fresh process asks for one thread, unless the user set
    ``OPENBLAS_NUM_THREADS`` or numpy is loaded already (``main`` called from Python).
    """
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the command ran, 1 for a failed check, 2 for invalid input (module
        docstring).
    """
    _one_blas_thread()
    args = _parser().parse_args(argv)
    try:
        return _run(args)
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

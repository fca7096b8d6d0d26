"""Plots of rtocalc results with matplotlib (``pip install "rtocalc[plot]"``).

Every function draws on the Axes it is given (or on a new figure when ``ax`` is None),
returns that Axes and never calls ``plt.show()``. Costs are labelled with their currency
per month; durations are drawn in hours on a log scale with readable ticks ("15 min",
"4 h", "3 d", from :func:`rtocalc.units.format_duration`).

matplotlib is imported inside each function, so ``import rtocalc.plot`` works without it;
calling a function without it raises :class:`ImportError` saying how to install it.
These helpers live in the ``rtocalc.plot`` namespace only (not in ``rtocalc.__all__``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._render import whole_money
from .units import TOL, format_duration, format_money

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .models import Catalog
    from .negotiate import Negotiation
    from .portfolio import PortfolioPlan
    from .results import Plan
    from .tradeoff import CostCurve, Frontier
    from .uncertainty import Sensitivity, Simulation

__all__ = [
    "cost_breakdown",
    "cost_curve",
    "frontier",
    "restore_timeline",
    "simulation",
    "tornado",
    "zero_downtime",
]

#: Label suffix of every duration axis: the ticks carry their own unit.
DURATION_UNITS = "[duration: min, h, d]"

_MIN, _H, _D, _W = 1 / 60, 1.0, 24.0, 168.0
# tick positions of duration axes [h], sparse to dense: round durations people name;
# the sparsest ladder that puts at least four ticks in view is used
_LADDERS: tuple[tuple[float, ...], ...] = (
    (_MIN, 5 * _MIN, 15 * _MIN, _H, 4 * _H, 12 * _H, _D, 3 * _D, _W, 4 * _W, 13 * _W, 52 * _W),
    (
        *(m * _MIN for m in (1, 2, 3, 5, 10, 15, 20, 30, 45)),
        *(h * _H for h in (1, 2, 3, 4, 6, 8, 12, 18)),
        *(d * _D for d in (1, 1.5, 2, 3, 4, 5)),
        *(w * _W for w in (1, 2, 3, 4, 6, 8, 13, 26, 39, 52)),
    ),
)
# steps [h] of a linear duration axis: ticks at their multiples read as round durations
_STEPS: tuple[float, ...] = (
    *(m * _MIN for m in (1, 2, 5, 10, 15, 30)),
    *(h * _H for h in (1, 2, 3, 4, 6, 8, 12, 18)),
    *(d * _D for d in (1, 1.5, 2, 3, 4, 5)),
    *(w * _W for w in (1, 2, 4, 8, 13, 26, 52)),
)


def _pyplot(func: str) -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f'rtocalc.plot.{func}() needs matplotlib; install it with pip install "rtocalc[plot]"'
        ) from exc
    return plt


def _axes(plt: Any, ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(layout="constrained")
    return new  # type: ignore[no-any-return]


def _duration_tick_values(vmin: float, vmax: float) -> list[float]:
    """Tick positions [h] between two hours: round durations when at least four fit
    (three on a range narrower than a decade), else evenly spaced values (a narrow range
    such as 24.5 h to 25 h)."""
    from matplotlib.ticker import MaxNLocator

    lo, hi = sorted((float(vmin), float(vmax)))
    wanted = 4 if lo > 0 and hi >= 10 * lo else 3
    for ladder in _LADDERS:
        ticks = [t for t in ladder if lo <= t <= hi]
        if len(ticks) >= wanted:
            return ticks[:: max(1, math.ceil(len(ticks) / 9))]
    return [float(t) for t in MaxNLocator(nbins=4).tick_values(lo, hi) if lo <= t <= hi]


def _duration_ticks(axis: Any, *, linear: bool = False) -> None:
    """Readable duration ticks (min, h, d) on an axis whose values are hours: round
    durations on a log axis, or evenly spaced multiples of one on a linear axis."""
    from matplotlib.ticker import FuncFormatter, Locator, NullFormatter, NullLocator

    values = _linear_duration_tick_values if linear else _duration_tick_values

    class DurationLocator(Locator):  # type: ignore[misc,unused-ignore]
        def __call__(self) -> list[float]:
            assert self.axis is not None  # set when the locator is put on an axis
            return self.tick_values(*self.axis.get_view_interval())

        def tick_values(self, vmin: float, vmax: float) -> list[float]:
            return values(vmin, vmax)

    axis.set_major_locator(DurationLocator())
    axis.set_major_formatter(
        FuncFormatter(lambda x, _pos: "0" if x == 0 else format_duration(x, digits=3))
    )
    if not linear:
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())


def _linear_duration_tick_values(vmin: float, vmax: float) -> list[float]:
    """Evenly spaced tick positions [h] on a linear time axis: multiples of the smallest
    round duration step (1 min ... 52 w) that puts at most eight ticks in view."""
    lo, hi = sorted((float(vmin), float(vmax)))
    span = hi - lo
    if span <= 0:
        return [lo]
    step = _STEPS[-1]
    for candidate in _STEPS:
        if span / candidate <= 8:
            step = candidate
            break
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def _money_ticks(axis: Any, currency: str) -> None:
    """Whole-unit money ticks on a linear axis: tick positions are whole amounts when
    the range allows, labels never show cents ("$1,235", not "$1,234.56")."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    axis.set_major_formatter(FuncFormatter(lambda y, _pos: whole_money(y, currency)))


def _money_axis(ax: Axes, currency: str, label: str = "Monthly cost") -> None:
    ax.set_ylabel(f"{label} [{currency}/month]")
    _money_ticks(ax.yaxis, currency)


def _title(ax: Axes, text: str) -> None:
    """Set a title wrapped to the width of the figure (a long one would be cut off)."""
    import textwrap

    size = float(ax.title.get_fontsize())
    fig = ax.figure
    width_pt = float(fig.bbox.width) / float(fig.dpi) * 72.0
    # an average glyph is about 0.6 em wide; keep a margin of a few characters
    chars = max(20, int(width_pt / (0.6 * size)) - 4)
    ax.set_title("\n".join(textwrap.wrap(text, chars)) or text)


def _shade_unreachable(ax: Axes, floor: float, what: str, *, ask: float | None = None) -> None:
    """Shade the targets tighter than ``floor`` [h] on a log duration axis: no design
    reaches them. The view starts at half the floor (or of the ask when tighter)."""
    left = 0.5 * min(floor, ask if ask is not None and 0 < ask < math.inf else floor)
    ax.set_xlim(left=left)
    ax.axvspan(
        left,
        floor,
        color="grey",
        alpha=0.2,
        linewidth=0,
        label=f"not reachable: {what} under {_dur(floor)}",
        zorder=0,
    )


def _legend(ax: Axes, *args: Any) -> None:
    """A legend outside the axes, right of them: it never covers the data."""
    ax.legend(*args, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def _dur(hours: float) -> str:
    return format_duration(hours, digits=3)


def _step_xy(steps: list[tuple[float, float | None, float]]) -> tuple[list[float], list[float]]:
    """Corner points of a step function from (target, looser_than, value) triples sorted
    tightest (smallest) first: each value holds from its target up to the next target;
    the last one is drawn on to twice its target."""
    xs: list[float] = []
    ys: list[float] = []
    for target, looser, value in steps:
        end = looser if looser is not None else 2.0 * target
        xs += [target, end]
        ys += [value, value]
    return xs, ys


def cost_curve(curve: CostCurve, ax: Axes | None = None) -> Axes:
    """Draw a cost curve: the cheapest monthly cost as one target of the ask moves.

    The curve is a step function (each step holds from its target to the next looser
    one); the knees are marked, and the ask (vertical) and the budget (horizontal) are
    drawn when the curve has them. RTO and RPO axes are in hours on a log scale with
    duration ticks, targets tighter than the tightest step (no design reaches them)
    shaded; a retention axis is in days. The legend is right of the axes.

    Parameters
    ----------
    curve : CostCurve
        From :func:`rtocalc.cost_curve`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on, with a legend.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> ask = rtocalc.Requirements(rpo="4 h", rto="8 h", budget="$1,000/mo")
    >>> curve = rtocalc.cost_curve(rtocalc.Workload(data_size="2 TB"), ask)
    >>> ax = rtocalc.plot.cost_curve(curve)
    """
    plt = _pyplot("cost_curve")
    ax = _axes(plt, ax)
    name = curve.axis.upper() if curve.axis != "retention" else "Retention"
    if curve.axis == "retention":
        # more days cost more: step i holds for days in (looser_than, target]
        pts = sorted(((s.target, s.monthly_cost) for s in curve.steps), key=lambda p: p[0])
        xs: list[float] = []
        ys: list[float] = []
        start = 0.0
        for target, cost in pts:
            xs += [start, target]
            ys += [cost, cost]
            start = target
        ax.set_xlabel("Daily restore points kept [days]")
    else:
        xs, ys = _step_xy([(s.target, s.looser_than, s.monthly_cost) for s in curve.steps])
        ax.set_xscale("log")
        _duration_ticks(ax.xaxis)
        ax.set_xlabel(f"{name} target {DURATION_UNITS}")
    ax.plot(xs, ys, color="C0", linewidth=2, label="cheapest design")
    if curve.knees:
        at = {s.target: s.monthly_cost for s in curve.steps}
        kx = [k for k in curve.knees if k in at]
        ax.plot(
            kx,
            [at[k] for k in kx],
            linestyle="none",
            marker="o",
            markersize=8,
            color="C3",
            label=f"knee (cost x{curve.knee_factor:g} or more)",
        )
    if curve.ask is not None:
        ask = _dur(curve.ask) if curve.unit == "h" else f"{curve.ask:g} days"
        ax.axvline(curve.ask, color="C2", linestyle="--", label=f"ask: {ask}")
    if curve.budget is not None:
        ax.axhline(
            curve.budget,
            color="C1",
            linestyle=":",
            label=f"budget: {format_money(curve.budget, curve.currency)}",
        )
    if curve.axis != "retention" and curve.steps:
        _shade_unreachable(ax, min(s.target for s in curve.steps), name, ask=curve.ask)
    _money_axis(ax, curve.currency)
    _title(ax, f"Cheapest monthly cost as the {name} target moves")
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax)
    return ax


def frontier(front: Frontier, ax: Axes | None = None) -> Axes:
    """Draw a Pareto frontier: monthly cost against worst RTO, worst RPO as colour.

    Parameters
    ----------
    front : Frontier
        From :func:`rtocalc.frontier`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's. The colourbar takes room from it.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (the RTO axis is logarithmic, in hours with duration ticks);
        the colourbar of the RPO is on the same figure.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> front = rtocalc.frontier(rtocalc.Workload(data_size="2 TB"))
    >>> ax = rtocalc.plot.frontier(front)
    """
    plt = _pyplot("frontier")
    from matplotlib.colors import LogNorm, Normalize

    ax = _axes(plt, ax)
    ax.set_xscale("log")
    _duration_ticks(ax.xaxis)
    ax.set_xlabel(f"Worst RTO over the scenarios in scope {DURATION_UNITS}")
    _money_axis(ax, front.currency)
    _title(ax, f"Pareto frontier: {len(front)} designs no other beats")
    ax.grid(True, which="major", alpha=0.3)
    if not len(front):
        return ax
    rpo = front.rpo
    norm = LogNorm() if (rpo > 0).all() and rpo.max() > rpo.min() else Normalize()
    points = ax.scatter(
        front.rto,
        front.monthly_cost,
        c=rpo,
        norm=norm,
        cmap="viridis",
        edgecolors="black",
        linewidths=0.5,
        zorder=3,
    )
    bar = ax.figure.colorbar(points, ax=ax)
    bar.set_label(f"Worst RPO {DURATION_UNITS}")
    _duration_ticks(bar.ax.yaxis)
    return ax


def cost_breakdown(plan: Plan, ax: Axes | None = None) -> Axes:
    """Draw the monthly outlay of a plan as one horizontal bar per cost item.

    Parameters
    ----------
    plan : Plan
        From :func:`rtocalc.evaluate`, :func:`rtocalc.cheapest` (``result.plan``) or any
        other result that carries plans.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; bars are labelled with their amounts, the largest at the top.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> ask = rtocalc.Requirements(rpo="4 h", rto="1 w")  # a week: ransomware takes days
    >>> result = rtocalc.cheapest(rtocalc.Workload(data_size="2 TB"), ask)
    >>> result.feasible
    True
    >>> ax = rtocalc.plot.cost_breakdown(result.plan)
    """
    plt = _pyplot("cost_breakdown")
    ax = _axes(plt, ax)
    items = sorted(plan.cost_breakdown.items(), key=lambda kv: kv[1])
    names = [k.replace("_", " ") for k, _ in items]
    values = [v for _, v in items]
    bars = ax.barh(names, values, color="C0")
    ax.bar_label(bars, labels=[format_money(v, plan.currency) for v in values], padding=3)
    ax.set_xlabel(f"Monthly outlay [{plan.currency}/month]")
    _money_ticks(ax.xaxis, plan.currency)
    ax.set_ylabel("Cost item")
    ax.set_xlim(0, max([*values, 1.0]) * 1.25)  # room for the amounts
    _title(ax, f"Monthly outlay: {format_money(plan.monthly_cost, plan.currency)}")
    return ax


def zero_downtime(
    negotiation: Negotiation,
    ax: Axes | None = None,
    *,
    curve: CostCurve | None = None,
    catalog: Catalog | None = None,
) -> Axes:
    """Draw what the last hours of downtime cost: outlay and expected loss against RTO.

    Along the steps of the RTO cost curve behind ``negotiation.zero_downtime``, three
    step lines: the cheapest monthly outlay, the expected loss per month (expected
    annual loss / 12) of that design, and their sum (total cost of ownership). The
    break-even RTO (lowest total), the budget and the ask's RTO (when finite) are
    marked; RTOs under the floor are shaded as not reachable. The legend is right of
    the axes.

    Parameters
    ----------
    negotiation : Negotiation
        From :func:`rtocalc.negotiate`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.
    curve : CostCurve, optional
        The RTO cost curve to draw; default :meth:`rtocalc.Negotiation.rto_curve`
        (computed again as :func:`rtocalc.negotiate` does: about as long as the
        negotiation itself).
    catalog : Catalog, optional
        Catalog for that computation; default the negotiation's own, or
        :meth:`rtocalc.Catalog.default` for a negotiation read back from JSON.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on, with a legend.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> impact = rtocalc.BusinessImpact(downtime_cost="$2,000/h")
    >>> ask = rtocalc.Requirements(rpo="5 min", rto="5 min", budget="$1,000/mo")
    >>> n = rtocalc.negotiate(rtocalc.Workload(data_size="2 TB"), ask, impact=impact)
    >>> ax = rtocalc.plot.zero_downtime(n)
    """
    plt = _pyplot("zero_downtime")
    if curve is None:
        curve = negotiation.rto_curve(catalog)
    ax = _axes(plt, ax)
    ax.set_xscale("log")
    _duration_ticks(ax.xaxis)
    ax.set_xlabel(f"RTO target {DURATION_UNITS}")
    _money_axis(ax, negotiation.currency, "Cost")
    _title(ax, "What the last hours of downtime cost")
    ax.grid(True, which="major", alpha=0.3)
    steps = [(s.target, s.looser_than, s.plan) for s in curve.steps]
    series = (
        ("monthly outlay", "C0", "-", [p.monthly_cost for _, _, p in steps]),
        ("expected loss / 12", "C3", "--", [p.expected_annual_loss / 12.0 for _, _, p in steps]),
        ("total (outlay + loss)", "black", "-.", [p.tco_monthly for _, _, p in steps]),
    )
    for label, color, style, values in series:
        xs, ys = _step_xy([(t, lt, v) for (t, lt, _), v in zip(steps, values, strict=True)])
        ax.plot(xs, ys, color=color, linestyle=style, linewidth=2, label=label)
    zd = negotiation.zero_downtime
    if zd is not None and zd.break_even_rto is not None:
        be = zd.break_even_rto
        total = next((p.tco_monthly for t, _, p in steps if abs(t - be) <= TOL), math.nan)
        ax.axvline(be, color="C2", linestyle=":", linewidth=1.5)
        ax.plot(
            [be],
            [total],
            linestyle="none",
            marker="*",
            markersize=14,
            color="C2",
            label=f"break-even: RTO {_dur(be)}",
        )
    if negotiation.budget is not None:
        ax.axhline(
            negotiation.budget,
            color="C1",
            linestyle=":",
            label=f"budget: {format_money(negotiation.budget, negotiation.currency)}",
        )
    # the ask's RTO on the curve's failures (the curve itself carries a relaxed ask)
    scopes = zd.scopes if zd is not None and zd.scopes else ("hardware", "site")
    limits = [negotiation.ask.limit("rto", scope) for scope in scopes]
    finite = [x for x in limits if x is not None and 0 < x < math.inf]
    ask = min(finite) if finite else None
    if ask is not None:
        ax.axvline(ask, color="C4", linestyle="--", linewidth=1.5, label=f"ask: RTO {_dur(ask)}")
    if steps:
        _shade_unreachable(ax, min(t for t, _, _ in steps), "RTO", ask=ask)
    _legend(ax)
    return ax


def restore_timeline(portfolio_plan: PortfolioPlan, ax: Axes | None = None) -> Axes:
    """Draw the restore timeline of a portfolio after a site loss.

    One row per system, in restore order (first at the top): a light bar while it waits
    for the shared restore pipe (``restore_wait``), then its recovery up to its site RTO
    under contention (``effective_rto`` = ``rto_alone`` + ``restore_wait``), blue when the
    RTO limit is met and red when it is missed; a black tick marks each finite site RTO
    limit. Systems that no copy recovers after a site loss (infinite RTO) are labelled
    "not recovered"; systems without a site scenario are left out. Without a restore
    capacity nothing is shared: every system starts at 0 and rows are in input order.

    Parameters
    ----------
    portfolio_plan : PortfolioPlan
        From :func:`rtocalc.portfolio.plan_portfolio`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: time since the site loss on a linear axis with duration
        ticks, one labelled row per system, a legend.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> from rtocalc.portfolio import PortfolioSystem, plan_portfolio
    >>> ask = rtocalc.Requirements(rpo="1 d", rto={"site": "2 d"}, offsite=True)
    >>> systems = [PortfolioSystem(name=n, workload=rtocalc.Workload(data_size=size),
    ...                            requirements=ask) for n, size in (("a", "2 TB"), ("b", "1 TB"))]
    >>> plan = plan_portfolio(systems, budget=None, restore_capacity=1000.0)
    >>> ax = rtocalc.plot.restore_timeline(plan)
    """
    plt = _pyplot("restore_timeline")
    ax = _axes(plt, ax)
    by_name = {s.name: s for s in portfolio_plan.systems}
    names = [n for n in portfolio_plan.restore_order if n in by_name]
    names += [s.name for s in portfolio_plan.systems if s.name not in names]
    rows = [by_name[n] for n in names if by_name[n].rto_alone is not None]
    labels: list[str] = []
    ends: list[float] = []
    for y, s in enumerate(rows):
        wait = s.restore_wait or 0.0
        alone = s.rto_alone if s.rto_alone is not None else math.inf
        finish = s.effective_rto if s.effective_rto is not None else wait + alone
        limit = s.rto_limit if s.rto_limit is not None else math.inf
        labels.append(s.name)
        if wait > 0:
            ax.barh(y, wait, left=0.0, color="lightgrey", edgecolor="grey", label="waiting")
        if math.isfinite(finish):
            missed = finish > limit + TOL
            ax.barh(
                y,
                finish - wait,
                left=wait,
                color="C3" if missed else "C0",
                edgecolor="black" if missed else "none",
                label="RTO missed" if missed else "RTO met",
            )
            ends.append(finish)
        else:
            ax.text(wait, y, " not recovered", va="center", ha="left", color="C3")
        if math.isfinite(limit):
            ax.plot(
                [limit],
                [y],
                linestyle="none",
                marker="|",
                markersize=14,
                markeredgewidth=2.5,
                color="black",
                label="site RTO limit",
            )
            ends.append(limit)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # first restored at the top
    if not rows:  # an infeasible portfolio has no plan; or no system has a site scenario
        ax.text(0.5, 0.5, "no system to draw", transform=ax.transAxes, ha="center")
    ax.set_xlim(0.0, max([*ends, 1.0]) * 1.05)
    _duration_ticks(ax.xaxis, linear=True)
    ax.set_xlabel(f"Time since the site loss {DURATION_UNITS}")
    ax.set_ylabel("System (restore order)")
    missed_n = sum(
        1
        for s in rows
        if s.effective_rto is not None
        and s.rto_limit is not None
        and s.effective_rto > s.rto_limit + TOL
    )
    _title(ax, f"Restore timeline after a site loss: {missed_n} of {len(rows)} miss their RTO")
    ax.grid(True, axis="x", alpha=0.3)
    handles, texts = ax.get_legend_handles_labels()
    unique = dict(zip(texts, handles, strict=True))
    legend = {
        "waiting": "waiting for the restore pipe",
        "RTO met": "recovery (RTO met)",
        "RTO missed": "recovery (RTO missed)",
        "site RTO limit": "site RTO limit",
    }
    keys = [k for k in legend if k in unique]
    if keys:
        _legend(ax, [unique[k] for k in keys], [legend[k] for k in keys])
    return ax


_INPUT_WORDS = {
    "data_size": "Data size",
    "daily_change": "Daily change",
    "annual_growth": "Annual growth",
    "data_reduction": "Data reduction",
    "peak_write_rate": "Peak write rate",
    "compute_cost": "Compute cost",
    "downtime_cost": "Downtime cost",
    "data_loss_cost": "Data loss cost",
}


def _input_words(name: str) -> str:
    """An uncertain input's name in words ("Data size", "Rate of site loss")."""
    if name in _INPUT_WORDS:
        return _INPUT_WORDS[name]
    if name.startswith("rate."):
        return "Rate of " + name.removeprefix("rate.").replace("_", " ")
    return name.replace("_", " ").capitalize()


def _input_value(name: str, value: float, currency: str) -> str:
    """An uncertain input's value in its unit (canonical units of rtocalc.uncertainty)."""
    from .units import format_size, format_throughput

    if name == "data_size":
        return format_size(value, digits=3)
    if name == "daily_change":
        return f"{100 * value:.3g}%/day"
    if name == "annual_growth":
        return f"{100 * value:.3g}%/year"
    if name == "data_reduction":
        return f"{value:.3g}:1"
    if name == "peak_write_rate":
        return format_throughput(value)
    if name == "compute_cost":
        return format_money(value, currency)
    if name in ("downtime_cost", "data_loss_cost"):
        return format_money(value, currency, per="h")
    if name.startswith("rate."):
        return f"{value:.3g}/year"
    return f"{value:.3g}"


def tornado(sensitivity: Sensitivity, ax: Axes | None = None) -> Axes:
    """Draw a tornado of the monthly outlay: one row per uncertain input.

    Parameters
    ----------
    sensitivity : Sensitivity
        From :func:`rtocalc.sensitivity`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: per input two horizontal bars from the outlay at the median
        inputs (vertical line) to the outlay with that input at its 5th percentile (C0)
        and at its 95th (C1), the others at their medians. Rows are ranked by the swing
        ``|cost_high - cost_low|``, the largest at the top; each is labelled with the
        input's name and its p5 and p95 values in their units. Bars whose end misses the
        ask are hatched.

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> w = rtocalc.UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..3%/day")
    >>> design = rtocalc.Design(interval="24 h", target="local_disk")
    >>> s = rtocalc.sensitivity(w, design, samples=500, seed=1)
    >>> ax = rtocalc.plot.tornado(s)
    >>> len(ax.get_yticklabels())
    2
    """
    plt = _pyplot("tornado")
    from matplotlib.patches import Patch

    ax = _axes(plt, ax)
    cur = sensitivity.currency
    base = sensitivity.monthly_cost
    # smallest swing first: barh draws bottom-up, so the largest ends at the top
    entries = sorted(
        enumerate(sensitivity.entries),
        key=lambda ie: (abs(ie[1].cost_high - ie[1].cost_low), -ie[0]),
    )
    labels = []
    for y, (_, e) in enumerate(entries):
        for end, cost, meets, colour in (
            ("low", e.cost_low, e.meets_low, "C0"),
            ("high", e.cost_high, e.meets_high, "C1"),
        ):
            ax.barh(
                y,
                cost - base,
                left=base,
                height=0.6,
                color=colour,
                hatch="//" if meets is False else None,
                edgecolor="black" if meets is False else colour,
                gid=f"{e.name}:{end}",
            )
        labels.append(
            f"{_input_words(e.name)}\n"
            f"{_input_value(e.name, e.low, cur)} .. {_input_value(e.name, e.high, cur)}"
        )
    ax.set_yticks(range(len(entries)), labels)
    ax.axvline(base, color="black", linewidth=1)
    handles = [
        Patch(color="C0", label="input at p5"),
        Patch(color="C1", label="input at p95"),
    ]
    if any(e.meets_low is False or e.meets_high is False for e in sensitivity.entries):
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="//", label="ask missed"))
    _legend(ax, handles, [h.get_label() for h in handles])
    ax.set_xlabel(f"Monthly outlay [{cur}/month]")
    _money_ticks(ax.xaxis, cur)
    ax.set_ylabel("Uncertain input (p5 .. p95)")
    d = sensitivity.design
    _title(
        ax,
        f"Monthly outlay of {d.target} every {_dur(d.interval)}: "
        f"{format_money(base, cur)} at the median inputs",
    )
    if not entries:
        ax.text(0.5, 0.5, "no uncertain input", transform=ax.transAxes, ha="center")
    return ax


def simulation(sim: Simulation, ax: Axes | None = None) -> Axes:
    """Draw a histogram of the simulated monthly outlay of a :class:`~rtocalc.Simulation`.

    The samples are ``sim.values("monthly_cost")``; the 5th percentile, median and 95th
    percentile (``sim.monthly_cost``) are drawn as vertical lines, and the budget of the
    ask when it has one.

    Parameters
    ----------
    sim : Simulation
        From :func:`rtocalc.simulate` (a simulation read back from JSON has no samples).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: samples per bin against the monthly outlay, a legend.

    Raises
    ------
    ValueError
        If the simulation carries no samples (read back from JSON).

    Examples
    --------
    >>> import rtocalc, rtocalc.plot
    >>> w = rtocalc.UncertainWorkload(data_size="2 TB..4 TB")
    >>> sim = rtocalc.simulate(w, rtocalc.Requirements(rpo="1 d", rto="1 w"), samples=500, seed=1)
    >>> ax = rtocalc.plot.simulation(sim)
    """
    plt = _pyplot("simulation")
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    try:
        costs = np.asarray(sim.values("monthly_cost"), dtype=float)
    except KeyError:
        raise ValueError(
            "simulation: no samples to draw (a Simulation read back from JSON keeps only "
            "its summaries); draw the result of rtocalc.simulate()"
        ) from None
    costs = costs[np.isfinite(costs)]
    ax = _axes(plt, ax)
    cur = sim.currency
    if costs.size:
        lo, hi = float(costs.min()), float(costs.max())
        if hi - lo <= 1e-9 * max(1.0, abs(hi)):
            # every sample costs the same (no uncertain input moves the cost): one bar,
            # 2 % of the amount wide, else it would be too thin to see
            half = max(0.5, 0.01 * abs(hi))
            ax.hist(costs, bins=1, range=(lo - half, hi + half), color="C0", alpha=0.8)
        else:
            bins = min(40, max(5, int(math.sqrt(costs.size))))
            ax.hist(costs, bins=bins, color="C0", alpha=0.8)
    s = sim.monthly_cost
    for value, label, style in (
        (s.p5, "5th percentile", ":"),
        (s.p50, "median", "-"),
        (s.p95, "95th percentile", "--"),
    ):
        if math.isfinite(value):
            ax.axvline(
                value,
                color="black",
                linestyle=style,
                linewidth=1.5,
                label=f"{label}: {format_money(value, cur)}",
            )
    budget = sim.requirements.budget if sim.requirements is not None else None
    if budget is not None:
        ax.axvline(
            budget,
            color="C1",
            linestyle="-.",
            linewidth=2,
            label=f"budget: {format_money(budget, cur)}",
        )
    _money_ticks(ax.xaxis, cur)
    ax.set_xlabel(f"Monthly outlay [{cur}/month]")
    ax.set_ylabel("Samples")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    d = sim.design
    title = f"Monthly outlay of {d.target} every {_dur(d.interval)} over {sim.samples} samples"
    if sim.p_meets is not None:
        title += f"; meets the ask in {sim.p_meets:.0%}"
    _title(ax, title)
    ax.grid(True, axis="y", alpha=0.3)
    _legend(ax)
    return ax

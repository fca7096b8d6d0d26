"""rtocalc.plot: each function draws the expected artists on a non-interactive backend.

Skipped without matplotlib (README's ``pip install ".[test]"`` does not install it; CI
installs ``.[test,plot,pandas]``), except the test that hides matplotlib to check the
install hint.
"""

from __future__ import annotations

import doctest
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rtocalc
import rtocalc.plot

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    return matplotlib


@pytest.fixture
def plt(mpl):
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


WORKLOAD = rtocalc.Workload(data_size="2 TB", compute_cost="$5,000/mo")
# ransomware left out of scope: its containment alone takes days (tests/test_ransomware.py)
NO_RANSOMWARE_48H = {sc: "48 h" for sc in ("logical", "hardware", "site", "region")}
ASK = rtocalc.Requirements(rpo="4 h", rto=NO_RANSOMWARE_48H, offsite=True, budget="$1,000/mo")


# the RTO curve over the scopes a standby survives, where its knees are the standbys: with
# ransomware out of scope and the regional disaster in it, every design's worst RTO is the
# region's restore, which no standby shortens, so ASK's curve has no knee (main's flat 48 h
# had knees only because ransomware's then 1-day detection bounded every design's RTO)
FAILOVER_48H = rtocalc.Requirements(
    rpo="4 h", rto={"hardware": "48 h", "site": "48 h"}, offsite=True, budget="$1,000/mo"
)


@pytest.fixture(scope="module")
def rto_curve():
    return rtocalc.cost_curve(WORKLOAD, FAILOVER_48H, axis="rto")


@pytest.fixture(scope="module")
def negotiation():
    impact = rtocalc.BusinessImpact(downtime_cost="$2,000/h", data_loss_cost="$1,000/h")
    zero = rtocalc.Requirements(rpo="5 min", rto="5 min", offsite=True, budget="$1,000/mo")
    return rtocalc.negotiate(WORKLOAD, zero, impact=impact)


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def _tick_texts(ax, axis="x") -> list[str]:
    ax.figure.canvas.draw()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in labels if t.get_text()]


def _assert_title_fits(ax) -> None:
    fig = ax.figure
    fig.canvas.draw()
    box = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert box.width <= fig.bbox.width, (ax.get_title(), box.width, fig.bbox.width)


def _assert_legend_outside(ax) -> None:
    """The legend is right of the axes: it covers none of the data."""
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend.x0 >= ax.get_window_extent().x1


def _assert_unreachable_shaded(ax, floor: float, what: str) -> None:
    spans = [p for p in ax.patches if p.get_label().startswith("not reachable")]
    assert len(spans) == 1
    label = spans[0].get_label()
    assert label == f"not reachable: {what} under {rtocalc.units.format_duration(floor, digits=3)}"
    assert label in _legend(ax)
    # it covers the view from its left edge to the floor
    # axvspan draws a Rectangle (matplotlib >= 3.9) or a Polygon (older): read its extent
    xs = spans[0].get_path().transformed(spans[0].get_patch_transform()).vertices[:, 0]
    if not hasattr(spans[0], "get_x"):
        xs = spans[0].get_xy()[:, 0]
    left, right = float(min(xs)), float(max(xs))
    assert right == pytest.approx(floor)
    assert left == pytest.approx(ax.get_xlim()[0]) and left < floor


def _assert_whole_money(labels: list[str]) -> None:
    assert labels, "the money axis has labelled ticks"
    for label in labels:
        assert label.startswith(("$", "-$")) and "." not in label, labels


def test_cost_curve_draws_steps_knees_ask_and_budget(plt, rto_curve):
    assert rto_curve.knees and rto_curve.ask is not None and rto_curve.budget is not None
    ax = rtocalc.plot.cost_curve(rto_curve)
    # the step line, the knee markers, the ask and the budget lines
    assert len(ax.get_lines()) == 4
    labels = _legend(ax)
    assert "cheapest design" in labels
    assert any(x.startswith("knee") for x in labels)
    assert "ask: 2 d" in labels
    assert "budget: $1,000/mo" in labels
    assert ax.get_xscale() == "log"
    assert "[duration: min, h, d]" in ax.get_xlabel()
    assert ax.get_ylabel() == "Monthly cost [USD/month]"
    assert all(t.endswith(("s", "min", "h", "d", "w")) for t in _tick_texts(ax))
    _assert_unreachable_shaded(ax, rto_curve.steps[0].target, "RTO")
    _assert_legend_outside(ax)
    _assert_whole_money(_tick_texts(ax, "y"))
    # the step line covers every step at its cost
    xs, ys = ax.get_lines()[0].get_data()
    for step in rto_curve.steps:
        assert step.target in list(xs)
        assert step.monthly_cost in list(ys)


def test_cost_curve_of_retention_is_in_days(plt):
    curve = rtocalc.cost_curve(WORKLOAD, ASK, axis="retention")
    ax = rtocalc.plot.cost_curve(curve)
    assert ax.get_xlabel() == "Daily restore points kept [days]"
    assert ax.get_xscale() == "linear"
    assert "ask: 14 days" in _legend(ax)


def test_cost_curve_draws_on_a_given_axes(plt, rto_curve):
    _, (left, right) = plt.subplots(1, 2)
    assert rtocalc.plot.cost_curve(rto_curve, ax=right) is right
    assert not left.get_lines()
    assert len(plt.get_fignums()) == 1  # no new figure


def test_frontier_colours_by_rpo_with_a_labelled_colourbar(plt):
    front = rtocalc.frontier(WORKLOAD, ASK, max_cost=3000)
    fig, ax = plt.subplots()
    assert rtocalc.plot.frontier(front, ax=ax) is ax
    (points,) = ax.collections
    assert len(points.get_offsets()) == len(front)
    assert list(points.get_array()) == list(front.rpo)
    assert ax.get_xscale() == "log"
    assert "RTO" in ax.get_xlabel() and "[duration: min, h, d]" in ax.get_xlabel()
    assert ax.get_ylabel() == "Monthly cost [USD/month]"
    bar_axes = [a for a in fig.axes if a is not ax]
    assert len(bar_axes) == 1
    assert bar_axes[0].get_ylabel() == "Worst RPO [duration: min, h, d]"
    assert all(t.endswith(("s", "min", "h", "d", "w")) for t in _tick_texts(bar_axes[0], "y"))


def test_frontier_when_nothing_fits_has_axes_and_no_points(plt):
    front = rtocalc.frontier(WORKLOAD, ASK, max_cost=1.0)
    assert len(front) == 0
    ax = rtocalc.plot.frontier(front)
    assert not ax.collections
    assert "[USD/month]" in ax.get_ylabel()


def test_cost_breakdown_has_one_bar_per_item(plt):
    plan = rtocalc.cheapest(WORKLOAD, ASK).plan
    ax = rtocalc.plot.cost_breakdown(plan)
    assert len(ax.patches) == len(plan.cost_breakdown)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted(plan.cost_breakdown.values()))
    assert ax.get_xlabel() == "Monthly outlay [USD/month]"
    assert sum(widths) == pytest.approx(plan.monthly_cost)
    names = {t.get_text() for t in ax.get_yticklabels()}
    assert names == {k.replace("_", " ") for k in plan.cost_breakdown}
    _, given = plt.subplots()
    assert rtocalc.plot.cost_breakdown(plan, ax=given) is given


def test_zero_downtime_marks_the_break_even(plt, negotiation):
    zd = negotiation.zero_downtime
    assert zd is not None and zd.break_even_rto is not None
    ax = rtocalc.plot.zero_downtime(negotiation)
    # outlay, expected loss / 12, total, break-even marker, break-even, budget and ask lines
    assert len(ax.get_lines()) == 7
    labels = _legend(ax)
    assert labels[:3] == ["monthly outlay", "expected loss / 12", "total (outlay + loss)"]
    assert f"break-even: RTO {rtocalc.units.format_duration(zd.break_even_rto, digits=3)}" in (
        labels
    )
    assert "budget: $1,000/mo" in labels
    assert "[duration: min, h, d]" in ax.get_xlabel()
    assert ax.get_ylabel() == "Cost [USD/month]"
    # the ask (RTO 5 min) is drawn, and the RTOs under the floor are shaded as unreachable
    ask = [ln for ln in ax.get_lines() if ln.get_label() == "ask: RTO 5 min"]
    assert len(ask) == 1 and list(ask[0].get_xdata()) == pytest.approx([5 / 60, 5 / 60])
    _assert_unreachable_shaded(ax, zd.rto_floor, "RTO")
    _assert_legend_outside(ax)
    _assert_whole_money(_tick_texts(ax, "y"))
    # the outlay line starts at the RTO floor, at the cost the negotiation reports
    xs, ys = ax.get_lines()[0].get_data()
    assert xs[0] == pytest.approx(zd.rto_floor)
    assert ys[0] == pytest.approx(zd.cost_at_floor)


def test_zero_downtime_from_json_and_a_given_curve(plt, negotiation):
    """A negotiation read back from JSON has no catalog: the default one is used; a
    given curve is drawn as it is."""
    back = rtocalc.Negotiation.model_validate_json(negotiation.model_dump_json())
    _, ax = plt.subplots()
    assert rtocalc.plot.zero_downtime(back, ax=ax) is ax
    xs, _ = ax.get_lines()[0].get_data()
    assert xs[0] == pytest.approx(negotiation.zero_downtime.rto_floor)
    curve = rtocalc.cost_curve(WORKLOAD, ASK, axis="rto")
    ax2 = rtocalc.plot.zero_downtime(negotiation, curve=curve)
    xs2, ys2 = ax2.get_lines()[0].get_data()
    assert xs2[0] == curve.steps[0].target and ys2[0] == curve.steps[0].monthly_cost


def test_duration_ticks_are_round_durations_or_evenly_spaced():
    pytest.importorskip("matplotlib")
    from rtocalc.plot import _duration_tick_values

    assert _duration_tick_values(0.5, 100) == [1.0, 4.0, 12.0, 24.0, 72.0]
    # a decade or more gets at least four ticks: 4 h to 2 d had only 4 h, 12 h and 1 d
    assert _duration_tick_values(4.0, 48.0) == [4.0, 6.0, 8.0, 12.0, 18.0, 24.0, 36.0, 48.0]
    assert _duration_tick_values(1.0, 3.0) == [1.0, 2.0, 3.0]
    narrow = _duration_tick_values(24.5, 25.0)
    assert len(narrow) >= 3 and all(24.5 <= t <= 25.0 for t in narrow)


@pytest.fixture(scope="module")
def portfolio_plan():
    from rtocalc.portfolio import PortfolioSystem, plan_portfolio

    site = rtocalc.Requirements(rpo="1 d", rto={"site": "2 d"}, offsite=True)
    systems = [
        PortfolioSystem(
            name=name,
            workload=rtocalc.Workload(data_size=size),
            requirements=site,
            impact=rtocalc.BusinessImpact(downtime_cost=cost),
        )
        for name, size, cost in (
            ("big", "6 TB", "$10/h"),
            ("small", "500 GB", "$50/h"),
            ("mid", "3 TB", "$20/h"),
        )
    ]
    # a narrow pipe: the last system restored waits past its limit
    # the systems share one WAN circuit, paid once outside the portfolio (docs/portfolio.md)
    shared = rtocalc.Catalog.default().override(
        {"links": {k: {"circuit_price_per_month": 0.0} for k in rtocalc.Catalog.default().links}}
    )
    # restores over the pipe to new servers: without issue 12's recovery into the cloud,
    # whose faster in-region restores would keep every system within its limit
    shared = shared.model_copy(
        update={"strategies": {k: v for k, v in shared.strategies.items() if k != "cloud_recovery"}}
    )
    return plan_portfolio(
        systems, budget=None, restore_capacity=300.0, objective="outlay", catalog=shared
    )


def test_restore_timeline_draws_rows_in_restore_order_and_marks_misses(plt, portfolio_plan):
    plan = portfolio_plan
    ax = rtocalc.plot.restore_timeline(plan)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == list(plan.restore_order)
    assert ax.yaxis_inverted()  # first restored at the top
    # one recovery bar per system, from its wait to its effective RTO
    ends = sorted(round(p.get_x() + p.get_width(), 9) for p in ax.patches)
    for s in plan:
        assert round(s.effective_rto, 9) in ends
    # one limit marker per system, at its limit
    markers = [ln for ln in ax.get_lines() if ln.get_marker() == "|"]
    assert sorted(float(ln.get_xdata()[0]) for ln in markers) == pytest.approx(
        sorted(s.rto_limit for s in plan)
    )
    missed = [s for s in plan if s.effective_rto > s.rto_limit]
    assert missed, "the fixture should make a system miss its limit"
    assert f"{len(missed)} of {len(plan)} miss" in ax.get_title()
    red = [p for p in ax.patches if p.get_facecolor()[:3] == plt.matplotlib.colors.to_rgb("C3")]
    assert len(red) == len(missed)
    labels = _legend(ax)
    assert "recovery (RTO missed)" in labels and "site RTO limit" in labels
    _assert_legend_outside(ax)
    assert ax.get_xlabel() == "Time since the site loss [duration: min, h, d]"
    assert ax.get_xscale() == "linear"
    ticks = _tick_texts(ax)
    assert ticks[0] == "0" and all(t.endswith(("min", "h", "d", "w")) for t in ticks[1:])
    # a grey bar while each system waits for the pipe, ending where its recovery starts
    grey = plt.matplotlib.colors.to_rgb("lightgrey")
    waits = [p.get_width() for p in ax.patches if p.get_facecolor()[:3] == grey]
    assert sorted(waits) == pytest.approx(sorted(s.restore_wait for s in plan if s.restore_wait))


def test_restore_timeline_draws_on_a_given_axes_without_capacity(plt):
    from rtocalc.portfolio import PortfolioSystem, plan_portfolio

    site = rtocalc.Requirements(rpo="1 d", rto={"site": "2 d"}, offsite=True)
    systems = [
        PortfolioSystem(name=n, workload=rtocalc.Workload(data_size="1 TB"), requirements=site)
        for n in ("a", "b")
    ]
    plan = plan_portfolio(systems, budget=None)
    assert plan.restore_order == ()
    _, ax = plt.subplots()
    assert rtocalc.plot.restore_timeline(plan, ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert all(p.get_x() == 0 for p in ax.patches)  # nothing waits


def test_restore_timeline_of_an_infeasible_portfolio_says_there_is_nothing_to_draw(plt):
    import warnings

    from rtocalc.portfolio import PortfolioSystem, plan_portfolio

    site = rtocalc.Requirements(rpo="1 d", rto={"site": "2 d"}, offsite=True)
    systems = [PortfolioSystem(name="a", workload=WORKLOAD, requirements=site)]
    plan = plan_portfolio(systems, budget=1.0)
    assert not plan.feasible
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no singular-limits warning
        ax = rtocalc.plot.restore_timeline(plan)
        ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.texts] == ["no system to draw"]
    assert "0 of 0 miss" in ax.get_title()


def test_linear_duration_ticks_are_round_steps():
    pytest.importorskip("matplotlib")
    from rtocalc.plot import _linear_duration_tick_values

    assert _linear_duration_tick_values(0, 26) == [0, 4, 8, 12, 16, 20, 24]
    assert _linear_duration_tick_values(0, 0.5) == pytest.approx(
        [0, 5 / 60, 10 / 60, 15 / 60, 20 / 60, 25 / 60, 30 / 60]
    )


@pytest.mark.parametrize(
    "name",
    [
        "cost_curve",
        "frontier",
        "cost_breakdown",
        "zero_downtime",
        "restore_timeline",
        "tornado",
        "simulation",
    ],
)
def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch, name):
    for module in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    with pytest.raises(ImportError, match=r'pip install "rtocalc\[plot\]"'):
        getattr(rtocalc.plot, name)(None)


def test_docstring_examples_run(plt):
    result = doctest.testmod(rtocalc.plot, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_tornado_ranks_inputs_by_swing_with_units_and_hatches_misses(plt):
    w = rtocalc.UncertainWorkload(
        data_size="1 TB..8 TB", daily_change="1%/day..3%/day", compute_cost="$100/mo..$200/mo"
    )
    ask = rtocalc.Requirements(rpo="24 h", rto={"logical": "4 h"})
    design = rtocalc.Design(interval="24 h", target="local_disk")
    s = rtocalc.sensitivity(w, design, samples=400, seed=1, requirements=ask)
    ax = rtocalc.plot.tornado(s)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # rows named in words, not by field name
    words = {"data_size": "Data size", "daily_change": "Daily change"}
    words["compute_cost"] = "Compute cost"
    swing = {words[e.name]: abs(e.cost_high - e.cost_low) for e in s.entries}
    names = [label.split("\n")[0] for label in labels]
    assert sorted(names) == sorted(swing)
    assert [swing[n] for n in names] == sorted(swing[n] for n in names)  # largest on top
    size = next(label for label in labels if label.startswith("Data size"))
    assert "TB" in size and "%/day" in next(la for la in labels if la.startswith("Daily"))
    assert "$" in next(la for la in labels if la.startswith("Compute cost"))
    _assert_legend_outside(ax)
    assert ax.get_xlabel() == "Monthly outlay [USD/month]"
    assert "at the median inputs" in ax.get_title().replace("\n", " ")
    _assert_title_fits(ax)
    bars = {p.get_gid(): p for p in ax.patches}
    e = next(e for e in s.entries if e.name == "data_size")
    low, high = bars["data_size:low"], bars["data_size:high"]
    assert low.get_x() == pytest.approx(s.monthly_cost)
    assert low.get_x() + low.get_width() == pytest.approx(e.cost_low)
    assert high.get_x() + high.get_width() == pytest.approx(e.cost_high)
    assert e.meets_high is False and high.get_hatch() == "//"  # 8 TB misses the 4 h RTO
    assert "ask missed" in _legend(ax)
    _, given = plt.subplots()
    assert rtocalc.plot.tornado(s, ax=given) is given


def test_tornado_without_uncertain_inputs_draws_empty_axes(plt):
    s = rtocalc.sensitivity(
        rtocalc.Workload(data_size="1 TB"),
        rtocalc.Design(interval="24 h", target="local_disk"),
        samples=50,
        seed=1,
    )
    ax = rtocalc.plot.tornado(s)
    assert len(ax.patches) == 0 and len(ax.get_yticklabels()) == 0


@pytest.fixture(scope="module")
def simulated():
    w = rtocalc.UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..3%/day")
    ask = rtocalc.Requirements(rpo="1 d", rto="1 w", budget="$1,000/mo")
    return rtocalc.simulate(w, ask, samples=400, seed=3)


def test_simulation_draws_a_histogram_with_its_quantiles_and_the_budget(plt, simulated):
    sim = simulated
    ax = rtocalc.plot.simulation(sim)
    costs = sim.values("monthly_cost")
    # the bars hold every sample, and span the samples' range
    assert sum(p.get_height() for p in ax.patches) == len(costs)
    left = min(p.get_x() for p in ax.patches)
    right = max(p.get_x() + p.get_width() for p in ax.patches)
    assert left == pytest.approx(costs.min()) and right == pytest.approx(costs.max())
    lines = {ln.get_label(): float(ln.get_xdata()[0]) for ln in ax.get_lines()}
    m = sim.monthly_cost
    assert lines == {
        f"5th percentile: {rtocalc.units.format_money(m.p5)}": pytest.approx(m.p5),
        f"median: {rtocalc.units.format_money(m.p50)}": pytest.approx(m.p50),
        f"95th percentile: {rtocalc.units.format_money(m.p95)}": pytest.approx(m.p95),
        "budget: $1,000/mo": pytest.approx(1000.0),
    }
    assert ax.get_xlabel() == "Monthly outlay [USD/month]" and ax.get_ylabel() == "Samples"
    assert f"meets the ask in {sim.p_meets:.0%}" in ax.get_title().replace("\n", " ")
    _assert_whole_money(_tick_texts(ax))
    _assert_title_fits(ax)
    _assert_legend_outside(ax)


def test_simulation_without_spread_draws_one_visible_bar(plt):
    # no uncertain input: every sample costs the same
    sim = rtocalc.simulate(
        rtocalc.UncertainWorkload(data_size="2 TB"),
        rtocalc.Requirements(rpo="1 d", rto="1 w"),
        samples=50,
        seed=1,
    )
    ax = rtocalc.plot.simulation(sim)
    (bar,) = [p for p in ax.patches if p.get_height() > 0]
    assert bar.get_height() == 50
    cost = sim.monthly_cost.p50
    assert bar.get_x() < cost < bar.get_x() + bar.get_width()
    assert bar.get_width() == pytest.approx(max(1.0, 0.02 * cost))


def test_simulation_read_back_from_json_has_no_samples_to_draw(plt, simulated):
    from rtocalc.uncertainty import Simulation

    back = Simulation.model_validate_json(simulated.model_dump_json())
    with pytest.raises(ValueError, match="no samples to draw"):
        rtocalc.plot.simulation(back)


def test_money_ticks_are_whole_units_even_on_a_narrow_range(plt):
    plan = rtocalc.evaluate(
        rtocalc.Workload(data_size="10 GB"),
        rtocalc.Design(interval="24 h", target="local_disk"),
    )
    ax = rtocalc.plot.cost_breakdown(plan)
    _assert_whole_money(_tick_texts(ax))
    # a range of a few units: the old ticks read "€0.50", "€1.50"
    _, ax = plt.subplots()
    ax.set_ylim(0.0, 3.0)
    rtocalc.plot._money_axis(ax, "EUR")
    labels = _tick_texts(ax, "y")
    assert labels == ["€0", "€1", "€2", "€3"]


def test_long_titles_are_wrapped_to_the_figure(plt):
    _, ax = plt.subplots(figsize=(3, 2))
    rtocalc.plot._title(ax, "a long title " * 12)
    assert "\n" in ax.get_title()
    _assert_title_fits(ax)


@settings(deadline=None)
@given(
    lo=st.floats(1 / 60, 52 * 168 / 10),
    decades=st.floats(1.0, 5.0),
)
def test_a_decade_of_durations_gets_four_labelled_ticks(lo, decades):
    pytest.importorskip("matplotlib")
    from rtocalc.plot import _duration_tick_values

    hi = min(lo * 10**decades, 52 * 168.0)
    ticks = _duration_tick_values(lo, hi)
    assert len(ticks) >= 4 and len(ticks) <= 9
    assert all(lo <= t <= hi for t in ticks) and ticks == sorted(set(ticks))
    labels = [rtocalc.units.format_duration(t, digits=3) for t in ticks]
    assert len(set(labels)) == len(labels)


def test_axis_labels_are_words_not_field_names(plt, rto_curve, negotiation, simulated):
    w = rtocalc.UncertainWorkload(data_size="1 TB..8 TB", daily_change="1%/day..3%/day")
    design = rtocalc.Design(interval="24 h", target="local_disk")
    sens = rtocalc.sensitivity(w, design, samples=300, seed=1)
    axes = [
        rtocalc.plot.cost_curve(rto_curve),
        rtocalc.plot.frontier(rtocalc.frontier(WORKLOAD, ASK)),
        rtocalc.plot.zero_downtime(negotiation),
        rtocalc.plot.simulation(simulated),
        rtocalc.plot.tornado(sens),
    ]
    for ax in axes:
        texts = [ax.get_xlabel(), ax.get_ylabel()]
        texts += _legend(ax) if ax.get_legend() is not None else []
        texts += _tick_texts(ax, "y") if ax.get_yscale() == "linear" else []
        for text in texts:
            assert "_" not in text, text
    tornado_rows = _tick_texts(axes[-1], "y")
    assert {row.split("\n")[0] for row in tornado_rows} == {"Data size", "Daily change"}

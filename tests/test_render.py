"""One rendering system: every result class renders as text, Markdown, HTML and a DataFrame.

The classes are discovered (every subclass of ``rtocalc._render.Rendered`` in the package),
so a new result type is covered, and the list the issue names must be among them.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import pkgutil
import re
from html.parser import HTMLParser

import numpy as np
import pytest

import rtocalc
from conftest import EXAMPLES
from rtocalc import (
    BusinessImpact,
    Design,
    Requirements,
    UncertainWorkload,
    Workload,
    portfolio,
    units,
)
from rtocalc._render import (
    HTML_MAX_ROWS,
    NO_LIMIT,
    NO_RECOVERY,
    UNBOUNDED,
    Column,
    Document,
    Items,
    Lines,
    Rendered,
    Table,
    hours_words,
    money_words,
    plain_design,
    to_html,
    to_markdown,
    to_text,
)

WORKLOAD = Workload(data_size="2 TB", daily_change="2%/day", compute_cost="$3,000/mo")
# ransomware left out of scope: its containment alone takes days (tests/test_ransomware.py)
NO_RANSOMWARE_48H = {sc: "48 h" for sc in ("logical", "hardware", "site", "region")}
ASK = Requirements(rpo="4 h", rto=NO_RANSOMWARE_48H, offsite=True, budget="$600/mo")
IMPACT = BusinessImpact(downtime_cost="$2,000/h", data_loss_cost="$500/h")
UNCERTAIN = UncertainWorkload(data_size="2 TB..4 TB", daily_change="1%/day..3%/day")
LOCAL = Design(interval="24 h", target="local_disk")

#: the result types issues 16 and 17 name, plus their parts
NAMED = {
    "CheckReport",
    "Binding",
    "CostCurve",
    "CostStep",
    "CounterOffer",
    "FailureOutcome",
    "Finding",
    "Fix",
    "Frontier",
    "Negotiation",
    "Option",
    "Plan",
    "PortfolioPlan",
    "Question",
    "Reason",
    "Result",
    "RobustChoice",
    "Round",
    "ScenarioOutcome",
    "Sensitivity",
    "SensitivityEntry",
    "Simulation",
    "StorageEstimate",
    "Summary",
    "SystemCheck",
    "SystemPlan",
    "ZeroDowntime",
}


def _rendered_classes() -> dict[str, type]:
    """Every public class of the package that renders through ``rtocalc._render``."""
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(rtocalc.__path__, "rtocalc."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Rendered)
                and obj is not Rendered
                and not name.startswith("_")
                # a base of the results (rtocalc.results.ResultModel) renders nothing itself
                and obj._document_ is not Rendered._document_
            ):
                found[name] = obj
    return found


@pytest.fixture(scope="module")
def instances() -> dict[str, list[object]]:
    """At least one instance of every result class, several where their shapes differ."""
    out: dict[str, list[object]] = {}

    def add(obj: object) -> None:
        out.setdefault(type(obj).__name__, []).append(obj)

    met = rtocalc.cheapest(WORKLOAD, ASK.model_copy(update={"budget": None}), impact=IMPACT)
    unmet = rtocalc.cheapest(WORKLOAD, ASK.model_copy(update={"rto": 0.01}))
    add(met)
    add(unmet)
    assert met.plan is not None and unmet.reasons
    add(met.plan)
    add(met.plan.by_scenario[0])
    add(unmet.reasons[0])
    n = rtocalc.negotiate(WORKLOAD, ASK, impact=IMPACT)
    add(n)
    # the ask fits its budget since the recovery into the cloud (issue 12): counter-offers
    # come from an ask no design meets
    offers = rtocalc.negotiate(WORKLOAD, ASK.model_copy(update={"rto": 8.0}), impact=IMPACT)
    for offer in offers.counter_offers[:1]:
        add(offer)
    for option in n.options[:1]:
        add(option)
        add(option.outcomes[0])
    if n.zero_downtime is not None:
        add(n.zero_downtime)
    add(n.questions[0])
    add(n.rounds[0])
    curve = rtocalc.cost_curve(WORKLOAD, ASK, axis="rto")
    add(curve)
    add(curve.steps[0])
    add(rtocalc.frontier(WORKLOAD, ASK, intervals=(4.0, 24.0)))
    sim = rtocalc.simulate(UNCERTAIN, ASK, samples=200, seed=1)
    add(sim)
    add(sim.monthly_cost)
    add(rtocalc.robust_cheapest(UNCERTAIN, ASK, samples=200, seed=1))
    add(rtocalc.robust_cheapest(UNCERTAIN, ASK.model_copy(update={"rpo": 0.001}), samples=50))
    sens = rtocalc.sensitivity(UNCERTAIN, LOCAL, samples=400, seed=1)
    add(sens)
    add(sens.entries[0])
    add(rtocalc.retention_storage(6000, daily_change=0.03, points=14))
    add(rtocalc.retention_storage([6000.0, 100.0], daily_change=0.03, points=14))
    systems = [
        portfolio.PortfolioSystem(
            name=f"sys{i}",
            workload=Workload(data_size=f"{i + 1} TB"),
            requirements=ASK.model_copy(update={"budget": None}),
        )
        for i in range(2)
    ]
    plan = portfolio.plan_portfolio(systems, budget=2000, links=1000, impact=IMPACT)
    assert plan.feasible, plan.reasons
    add(plan)
    add(plan.systems[0])
    for b in plan.shared:
        add(b)
    add(portfolio.plan_portfolio(systems, budget=1.0))  # no plan fits: reasons
    report = rtocalc.check(
        rtocalc.load_policy(EXAMPLES / "policy" / "policy.toml"),
        rtocalc.load_inventory(EXAMPLES / "policy" / "inventory.toml"),
    )
    add(report)
    failing = next(s for s in report.systems if s.status == "fail")
    add(failing)
    add(failing.findings[0])
    assert failing.fix is not None
    add(failing.fix)
    add(rtocalc.policy.CheckReport.of([]))  # an empty inventory: no table rows
    return out


def test_every_named_result_type_uses_the_rendering_system():
    assert set(_rendered_classes()) >= NAMED


def test_every_result_class_has_an_instance(instances):
    assert set(_rendered_classes()) <= set(instances)


class _Balanced(HTMLParser):
    """Checks that every opened tag is closed in order (void tags aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


_NUMBERISH = re.compile(r"(?<![\w.])(inf|nan)(?![\w])", re.IGNORECASE)


RENDERED = sorted(_rendered_classes())


def _no_bare_constant(token: str) -> None:
    raise AssertionError(f"JSON has a bare {token} (not JSON): write it as a string")


@pytest.mark.parametrize("name", RENDERED)
def test_each_result_renders_in_every_format(instances, name):
    """Every discovered result class (not a hand list): text, Markdown, HTML, JSON and a
    DataFrame, none showing inf or nan, the JSON valid and read back to an equal model."""
    pd = pytest.importorskip("pandas")
    for obj in instances[name]:
        text, md, page = str(obj), obj.to_markdown(), obj._repr_html_()
        for out in (text, md, page):
            assert isinstance(out, str) and out.strip()
            assert not _NUMBERISH.search(out), f"{name} shows inf/nan: {out[:300]}"
        dumped = obj.model_dump_json()
        assert isinstance(json.loads(dumped, parse_constant=_no_bare_constant), dict)
        assert type(obj).model_validate_json(dumped).model_dump_json() == dumped
        assert text != repr(obj)
        parser = _Balanced()
        parser.feed(page)
        assert parser.stack == []
        df = obj.to_dataframe()
        assert isinstance(df, pd.DataFrame)
        rows = obj.rows()
        assert len(df) == len(rows)
        if rows:
            assert list(df.columns) == list(rows[0])


def test_every_result_class_has_the_one_result_config():
    """Frozen, no unknown fields, inf and nan as JSON strings: the same for every result."""
    for name, cls in _rendered_classes().items():
        config = cls.model_config
        assert config.get("frozen") and config.get("extra") == "forbid", name
        assert config.get("ser_json_inf_nan") == "strings", name


def test_one_vocabulary_for_infinity_money_and_durations():
    """Sentences (money_words, hours_words) and table cells (Column) say the same."""
    inf, nan = math.inf, math.nan
    hours, limit = Column("t", "t", "hours"), Column("t", "t", "hours", infinite=NO_LIMIT)
    money, yearly = Column("c", "c", "money"), Column("c", "c", "money", per="yr")
    assert hours_words(inf) == hours.cell(inf, "USD") == NO_RECOVERY == "no recovery"
    assert hours_words(inf, infinite=NO_LIMIT) == limit.cell(inf, "USD") == "-"
    assert money_words(inf, "USD") == money.cell(inf, "USD") == UNBOUNDED == "unbounded"
    assert money_words(nan, "USD") == hours_words(nan) == money.cell(nan, "USD") == "unknown"
    # 1,234.5 USD/month: whole dollars above $1,000 (rtocalc.units.format_money)
    assert money_words(1234.5, "USD") == money.cell(1234.5, "USD") == "$1,235/mo"
    assert money_words(1234.5, "EUR", "yr") == yearly.cell(1234.5, "EUR") == "€1,235/yr"
    assert hours_words(4.25) == hours.cell(4.25, "") == "4.25 h"


def test_column_names_carry_their_unit(instances):
    """Money ends in the currency, durations in _h, sizes in _gb, rates in _per_year."""
    for objs in instances.values():
        for obj in objs:
            doc = obj._document_()
            table = doc.table()
            if table is None:
                continue
            keys = [c.key(doc.currency) for c in table.columns]
            assert len(set(keys)) == len(keys)
            for c, key in zip(table.columns, keys, strict=True):
                unit = {"money": "_" + doc.currency, "hours": "_h", "size": "_gb"}.get(c.kind)
                if unit is not None:
                    assert key.endswith(unit), (type(obj).__name__, key)
            # the names other results share mean the same thing everywhere
            for shared in ("rpo_h", "rto_h", "interval_h", f"monthly_cost_{doc.currency}"):
                assert shared not in keys or keys.count(shared) == 1


def test_same_quantity_same_name_across_results(instances):
    plan = instances["Plan"][0]
    frontier = instances["Frontier"][0]
    curve = instances["CostCurve"][0]
    folio = instances["PortfolioPlan"][0]
    for obj in (frontier, curve, folio):
        keys = set(obj.rows()[0])
        assert {"rpo_h", "rto_h", "monthly_cost_USD", "interval_h"} <= keys
    assert {"rpo_h", "rto_h", "rate_per_year", "rpo_limit_h"} <= set(plan.rows()[0])


# --- the renderers on their own ---------------------------------------------------------------

COLUMNS = (
    Column("name", "name"),
    Column("rto", "RTO", "hours"),
    Column("cost", "cost", "money"),
    Column("limit", "limit", "hours", infinite="-"),
    Column("share", "share", "fraction"),
    Column("ok", "ok", "flag", words=("yes", "NO")),
    Column("hidden", "hidden", "number", show=False),
)


def _doc(n: int) -> Document:
    rows = tuple(
        (f"r{i}", float(i) if i else math.inf, 100.0 * i, math.inf, i / max(n, 1), i % 2 == 0, i)
        for i in range(n)
    )
    return Document(
        "Title | with a pipe",
        (Lines(("a line", "another <line>")), Items("Points", ("one", "two"), numbered=True),
         Table(COLUMNS, rows, "the table")),
        "EUR",
    )  # fmt: skip


def test_text_formats_cells_by_kind_and_hides_frame_only_columns():
    text = to_text(_doc(3))
    lines = text.splitlines()
    assert lines[0] == "Title | with a pipe"
    assert "  1. one" in lines and "  2. two" in lines
    head = next(line for line in lines if line.startswith("name"))
    assert "hidden" not in head and "RTO" in head
    row0 = next(line for line in lines if line.startswith("r0"))
    assert "no recovery" in row0 and " - " in row0 + " " and "yes" in row0
    row1 = next(line for line in lines if line.startswith("r1"))
    assert "1 h" in row1 and "€100" in row1 and "33.3%" in row1 and "NO" in row1
    assert all(line == line.rstrip() for line in lines)


def test_markdown_right_aligns_numbers_and_escapes_pipes():
    md = to_markdown(_doc(2))
    assert md.startswith("## Title | with a pipe")
    assert "|---|---:|---:|---:|---:|---|" in md
    assert "1. one" in md and "**Points**" in md and "**the table**" in md


def test_html_escapes_right_aligns_and_truncates_like_pandas():
    short = to_html(_doc(3))
    assert "&lt;line&gt;" in short and "<ol>" in short
    assert '<td style="text-align: right;">1 h</td>' in short
    assert "<td>r1</td>" in short  # text stays left
    assert short.count("<tr>") == 4 and "rows ×" not in short
    n = HTML_MAX_ROWS + 1
    long = to_html(_doc(n))
    assert long.count("<tr>") == 1 + 10 + 1  # header, first and last five, the ellipsis row
    assert "<td>r4</td>" in long and "<td>r5</td>" not in long
    assert f"<td>r{n - 5}</td>" in long and f"<td>r{n - 6}</td>" not in long
    assert f"<p>{n} rows × 6 columns</p>" in long
    exact = to_html(_doc(HTML_MAX_ROWS))
    assert exact.count("<tr>") == 1 + HTML_MAX_ROWS


def test_an_empty_table_renders_its_header():
    doc = Document("", (Table(COLUMNS, ()),))
    assert to_text(doc).splitlines()[0].startswith("name")
    assert "<thead>" in to_html(doc)


def test_dataframe_keeps_raw_values_and_every_column():
    pd = pytest.importorskip("pandas")
    df = rtocalc._render.to_dataframe(_doc(3), "X.to_dataframe")
    assert list(df.columns) == ["name", "rto_h", "cost_EUR", "limit_h", "share", "ok", "hidden"]
    assert np.isinf(df["rto_h"][0]) and df["cost_EUR"][2] == 200.0
    empty = rtocalc._render.to_dataframe(Document("", (Table(COLUMNS, ()),)), "X")
    assert isinstance(empty, pd.DataFrame) and list(empty.columns)[:2] == ["name", "rto_h"]


def test_results_str_is_the_text_renderer(instances):
    result = instances["Result"][0]
    assert str(result) == rtocalc.report.to_text(result)
    assert result.to_markdown() == rtocalc.report.to_markdown(result)
    assert result._repr_html_() == rtocalc.report.to_html(result)


def test_a_plan_says_how_each_scenario_recovers_and_which_incident_is_checked(default):
    """Issue 12, items 2 and 5: the plan's text names the copy each scenario recovers from,
    the parts of its outage clock, the incident the RTO limit is checked against and, where
    that is the typical one, the worst incident's RTO. By hand on the default example
    (scenarios.toml: deletion detected after 1 h, the worst touching 100 % of the data;
    catalog.toml: instant recovery from the disk repository in 10 min): the worst deletion
    is served 1 h + 10 min = 70 min after it happens."""
    s = default
    plan = rtocalc.cheapest(s.workload, s.requirements, impact=s.impact, catalog=s.catalog).plan
    text = str(plan)
    logical = plan.by_scenario[0]
    assert logical.rto_worst == pytest.approx(1.0 + 10.0 / 60.0, rel=1e-12)
    assert (
        "How each scenario recovers (RTO for its typical incident, which the RTO limit is "
        "checked against):" in text
    )
    line = next(x for x in text.splitlines() if x.startswith(f"- {logical.name}: "))
    assert "detection 1 h, moving the data: " in line
    rto = units.format_duration(logical.rto, digits=3)
    assert line.endswith(f"; RTO {rto}; the worst incident 70 min")
    # a site loss is declared by a person (scenarios.toml: decision 1 h), in the clock's words
    site = next(x for x in text.splitlines() if x.startswith("- Loss of the primary site"))
    assert "a person declares the disaster: 1 h" in site
    # instant recovery after a storage failure: both times, the second from the incident
    # (the whole data set moved behind it: detection 5 min + decision 15 min + the move)
    hw = plan.by_scenario[2]
    assert hw.clock["instant_recovery"] == pytest.approx(10.0 / 60.0)
    done = units.format_duration(hw.clock["restore_complete"], digits=3)
    assert f"full speed once the restore behind it completes, {done} after the incident" in text
    assert hw.clock["restore_complete"] > hw.rto
    # checked against the worst incident: the title says so, and no second figure
    worst = s.requirements.model_copy(update={"incident": "worst"})
    plan = rtocalc.cheapest(s.workload, worst, impact=s.impact, catalog=s.catalog).plan
    text = str(plan)
    assert "(RTO for its worst incident, which the RTO limit is checked against)" in text
    assert "; the worst incident" not in text
    # no copy survives a site loss of a design with its backups on site only
    local = rtocalc.evaluate(
        s.workload, Design(interval="24 h", target="local_disk"), impact=s.impact
    )
    assert f"- {plan.by_scenario[3].name}: no copy survives" in str(local)


def test_a_design_without_a_copy_job_says_whether_its_backups_are_off_site(default):
    """Backups written straight to cloud object storage are off site with no copy job
    (catalog.toml: ``object_infrequent`` is in the 'cloud' location); the design's words
    must not say "no off-site copy" then, in either vocabulary."""
    s = default
    cloud = rtocalc.evaluate(
        s.workload, Design(interval="24 h", target="object_infrequent", link="wan_1g"),
        impact=s.impact,
    )
    local = rtocalc.evaluate(
        s.workload, Design(interval="24 h", target="local_disk"), impact=s.impact
    )
    assert cloud.chain_offsite and not local.chain_offsite
    assert "; no separate off-site copy (the backups are off site);" in str(cloud)
    assert "no off-site copy" not in str(cloud)
    assert "; no off-site copy;" in str(local)
    assert "; no separate off-site copy (the backups are off site);" in plain_design(
        cloud.design, {}, cloud.chain_offsite
    )
    assert "; no off-site copy;" in plain_design(local.design, {}, local.chain_offsite)
    # the JSON keeps it
    assert type(cloud).model_validate_json(cloud.model_dump_json()).chain_offsite

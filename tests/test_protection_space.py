"""The protection axis in the design space, the kernel and the plans: snapshots, journals
and database-native protection as a recovery path (issue 12, item 3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from rtocalc import (
    BusinessImpact,
    Catalog,
    Design,
    Requirements,
    Scenario,
    Workload,
    cheapest,
    evaluate,
    negotiate,
)
from rtocalc.files import load_scenario
from rtocalc.space import Path, build_space, evaluate_space, path_clock, path_rto, space_of
from strategies import workloads

CATALOG = Catalog.default()
RETENTION = load_scenario(EXAMPLES / "default.toml").requirements.retention
SERVER_SPACE = build_space(CATALOG, RETENTION)
#: the default space before the protection axis (measured at the ARCH-SPLIT merge)
SPACE_BEFORE = 12_948


def test_default_space_grows_by_the_protection_axis_at_most_about_five_times():
    # 4 mechanisms for every workload and 2 more for databases; a mechanism at another
    # site needs a link, so rows without one take each of the 4 links. Measured without
    # the off-site copy to the own second site, which came later (tests/test_second_site.py)
    before_site = CATALOG.model_copy(
        update={
            "offsite": {k: v for k, v in CATALOG.offsite.items() if k != "second_site_copy"},
            "strategies": {k: v for k, v in CATALOG.strategies.items() if k != "cloud_recovery"},
        }
    )
    plain = build_space(before_site, RETENTION)
    assert len(plain) == 65_244
    assert len(plain) / SPACE_BEFORE < 5.1
    assert len(build_space(before_site, RETENTION, database=True)) == 91_392
    database = build_space(CATALOG, RETENTION, database=True)
    assert len(SERVER_SPACE) == 81_468
    assert len(database) == 114_120
    keys = SERVER_SPACE.keys.protection
    offered = {keys[k] for k in np.unique(SERVER_SPACE.protection) if k >= 0}
    assert offered == {k for k, x in CATALOG.protection.items() if not x.database_only}
    offered_db = {keys[k] for k in np.unique(database.protection) if k >= 0}
    assert offered_db == set(CATALOG.protection)


def test_a_remote_mechanism_always_has_a_link():
    remote = np.array(
        [
            CATALOG.protection[k].placement in ("secondary_site", "other_region")
            for k in SERVER_SPACE.keys.protection
        ]
        + [False]
    )
    assert (SERVER_SPACE.link[remote[SERVER_SPACE.protection]] >= 0).all()


def _archive_impact() -> BusinessImpact:
    return BusinessImpact(
        downtime_cost="$5,000/h",
        scenarios=[
            Scenario(
                name="Deleted folder",
                scope="logical",
                rate=2,
                detection="1 h",
                share="0.001%",
                share_worst="100%",
            )
        ],
    )


def test_deleted_folder_of_a_200tb_archive_restores_in_minutes_from_snapshots():
    # docs/model.md §15: 200 TB archive, a 2 GB folder deleted and noticed after 1 h. The
    # hourly snapshots kept 7 d hold it; the item path (volume snapshot restore-file)
    # mounts in 5 min and copies 2 GB at 500 MB/s = 1800 GB/h (4 s): 1 h + 5.07 min.
    w = Workload(data_size="200 TB", daily_change="1%/day")
    impact = _archive_impact()
    design = Design(
        interval="24 h", target="object_infrequent", link="wan_1g", protection="snapshot_local"
    )
    space = space_of(CATALOG, design)
    ev = evaluate_space(space, w, Requirements(rpo={}, rto={}), impact, CATALOG)
    clock = path_clock(ev, 0, 0, Path.PROTECTION)
    assert clock == pytest.approx({"detection": 1.0, "mount": 5 / 60, "transfer": 2 / 1800})
    rto = float(path_rto(ev.paths, Path.PROTECTION, 0)[0])
    assert rto == pytest.approx(sum(clock.values()))  # the parts add up to the kernel's
    assert ev.rpo_rows[Path.PROTECTION, 0] == 1.0  # the hourly snapshot before it
    plan = evaluate(w, design, impact=impact)
    (outcome,) = plan.by_scenario
    label = CATALOG.protection["snapshot_local"].label
    assert any(s.startswith(label) for s in outcome.survivors)
    assert outcome.rto <= rto  # the fastest surviving path is chosen
    # its cost: 200,000 GB x 1 %/day x 7 d of change at 0.08 USD/GB-month = 1,120 USD
    assert plan.cost_breakdown["protection"] == pytest.approx(1120.0)
    # when the whole volume is corrupt, the snapshot reverts in 2 min whatever its size
    whole = BusinessImpact(scenarios=[impact.scenarios[0].model_copy(update={"share": 1.0})])
    (o,) = evaluate(w, design, impact=whole).by_scenario
    assert o.path == "protection" and o.clock == pytest.approx({"detection": 1.0, "revert": 2 / 60})


def test_one_database_of_a_40tb_estate_to_a_point_in_time():
    # docs/model.md §15: one 400 GB database (1 %) damaged at 10:07, found after 15 min.
    # Log backups every 15 min: restore its full (400 GB at 1800 GB/h) and replay up to a
    # day of its log (8 GB at 180 GB/h) after a 10 min start: 26.2 min, RPO 15 min.
    w = Workload(data_size="40 TB", daily_change="2%/day", kind="database")
    impact = BusinessImpact(
        scenarios=[
            Scenario(name="Bad deployment", scope="logical", rate=1, detection="15 min", share="1%")
        ]
    )
    design = Design(interval="24 h", target="local_disk", protection="sql_log_backup")
    (o,) = evaluate(w, design, impact=impact).by_scenario
    assert o.path == "protection" and o.rpo == pytest.approx(0.25)
    assert o.rto == pytest.approx(0.25 + 1 / 6 + 400 / 1800 + 8 / 180)


def test_database_native_mechanism_on_a_server_is_refused_by_name():
    w = Workload(data_size="1 TB")
    with pytest.raises(ValueError, match=r"design\.protection: 'sql_log_backup' is database"):
        evaluate(w, Design(interval="24 h", target="local_disk", protection="sql_log_backup"))


def test_journal_whose_link_cannot_carry_the_peak_is_not_offered():
    # 200 TB x 1 %/day written in 8 h: 250 GB/h peak; 100 Mbit/s carries 45 GB/h
    w = Workload(data_size="200 TB", daily_change="1%/day")
    design = Design(interval="24 h", target="local_disk", protection="journal_cdp", link="wan_100m")
    plan = evaluate(w, design, Requirements(rpo="1 d", rto="1 d"), impact=_archive_impact())
    assert not plan.meets_requirements
    assert any("cannot carry the peak writes" in v for v in plan.violations)
    fast = design.model_copy(update={"link": "wan_10g"})  # 4500 GB/h
    assert evaluate(
        w, fast, Requirements(rpo="1 d", rto="1 d"), impact=_archive_impact()
    ).meets_requirements


def test_unknown_protection_key_is_named():
    with pytest.raises(ValueError, match=r"design\.protection: 'zfs' is not in the catalog"):
        evaluate(
            Workload(data_size="1 TB"),
            Design(interval="24 h", target="local_disk", protection="zfs"),
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workload=workloads(kinds=("server", "database")),
    row=st.integers(0, len(SERVER_SPACE) - 1),
    interval=st.sampled_from([1.0, 4.0, 24.0]),
    mechanism=st.sampled_from(sorted(CATALOG.protection)),
)
def test_adding_a_mechanism_never_recovers_later(workload, row, interval, mechanism):
    """A design with a mechanism added recovers every scenario no later than without it:
    with downtime priced alone and no limits, the kernel chooses the fastest surviving
    path, and the mechanism only adds one."""
    if CATALOG.protection[mechanism].database_only and workload.kind != "database":
        mechanism = "snapshot_local"
    base = SERVER_SPACE.design(row, interval).model_copy(update={"protection": None})
    if base.link is None and CATALOG.protection[mechanism].placement == "secondary_site":
        added = base.model_copy(update={"protection": mechanism, "link": "wan_10g"})
    else:
        added = base.model_copy(update={"protection": mechanism})
    impact = BusinessImpact(downtime_cost="$1,000/h")
    before = evaluate(workload, base, impact=impact)
    after = evaluate(workload, added, impact=impact)
    for b, a in zip(before.by_scenario, after.by_scenario, strict=True):
        assert a.rto <= b.rto * (1 + 1e-12) or (math.isinf(a.rto) and math.isinf(b.rto))


def test_zero_downtime_example_names_what_binds():
    """The shipped zero-downtime ask (1 min RPO and RTO, off-site, immutable): no design
    meets it; logical damage still needs a point from before it, found an hour later."""
    s = load_scenario(EXAMPLES / "zero_downtime.toml")
    n = negotiate(s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert n.verdict != "feasible"
    res = cheapest(s.workload, s.requirements, impact=s.impact, catalog=s.catalog)
    assert not res.feasible
    assert res.space_size == 81_468


def test_protection_rto_per_mechanism_table_equals_per_row():
    """With one workload the kernel computes the mechanism's RTO per (mechanism,
    strategy) pair and gathers it; per row (one workload per row) gives the same bits."""
    from dataclasses import replace

    s = load_scenario(EXAMPLES / "default.toml")
    ev = evaluate_space(SERVER_SPACE, s.workload, s.requirements, s.impact, CATALOG)
    x = ev.paths
    assert x.data_size.strides == (0,)  # one workload: broadcast views, the table path
    rows = replace(x, data_size=np.array(x.data_size), daily_change=np.array(x.daily_change))
    scenarios = list(range(len(s.impact.scenarios)))
    for sc in [*scenarios, scenarios]:
        a = path_rto(x, Path.PROTECTION, sc)
        b = path_rto(rows, Path.PROTECTION, sc)
        assert np.array_equal(a, b)


def test_an_automatic_mechanism_counts_in_the_shortest_lead():
    """Regression (random hypothesis profile, test_optimiser_equals_brute_force): the
    search stopped before it started (``detection_binds``) for an RTO below ransomware's
    1 d of detection, although an automatic protection mechanism starts with its health
    checks, as the kernel's protection path does, and a design met the ask. Since issue 13
    item 5, ransomware is detected in 1 h and its containment (5 d, survey-derived)
    follows every lead, an automatic one included: the ask's limit lies between the
    automatic lead (1 min + containment) and the manual one (1 h + containment)."""
    from rtocalc import BusinessImpact, Catalog, Requirements
    from rtocalc.space import detection_binds

    (x,) = (x for x in BusinessImpact().scenarios if x.scope == "ransomware")
    assert (x.detection, x.decision, x.containment) == (1.0, 0.0, 120.0)
    ask = Requirements(rpo="1 d", rto={"ransomware": x.containment + 0.5})
    plain = Catalog.default()
    auto = plain.override(
        {"protection": {"snapshot_immutable": {"automatic": True, "health_check": "1 min"}}}
    )
    assert detection_binds(ask, BusinessImpact(), plain)  # 1 h to detect, then contain
    assert not detection_binds(ask, BusinessImpact(), auto)
    # containment still precedes the automatic mechanism: half an hour less binds again
    tighter = Requirements(rpo="1 d", rto={"ransomware": x.containment - 0.5})
    assert detection_binds(tighter, BusinessImpact(), auto)

"""The column kernel: its per-path figures, its path choice and its interval solve agree."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

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
    load_scenario,
)
from rtocalc._space_kernel import _arrays
from rtocalc.space import Path as RecoveryPath
from rtocalc.space import build_space, evaluate_space, gather_rows, space_of, take_rows
from strategies import asks, small_catalogs, workloads

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COSTS = st.tuples(st.sampled_from([0.0, 100.0, 5000.0]), st.sampled_from([0.0, 10.0, 3000.0]))


def _evaluation(catalog, workload, ask, costs, rule="longest"):
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    return evaluate_space(space, workload, ask, impact, catalog, interval_rule=rule), impact


def _check_choice(ev, impact) -> None:
    """The kernel's choice, checked from the per-path figures: a surviving path that meets
    both limits if any does, else any surviving path; the least loss score among those (up
    to rounding: the kernel sums it in another order); that path's RPO and RTO, and inf
    where no copy survives."""
    w_down, w_loss = impact.downtime_cost, impact.data_loss_cost
    if w_down + w_loss <= 0:
        w_down = w_loss = 1.0
    alive = ev.paths.alive
    cols = np.arange(len(ev.space))
    for s in range(len(impact.scenarios)):
        rto = ev.rto_in(s)  # (P, N), inf where dead
        rpo = np.where(alive[:, s], ev.rpo_rows, np.inf)
        meets = alive[:, s] & (rpo <= ev.rpo_limit[s] + 1e-9) & (rto <= ev.rto_limit[s] + 1e-9)
        pool = np.where(meets.any(axis=0), meets, alive[:, s])
        with np.errstate(invalid="ignore"):
            score = (w_down * rto if w_down else 0.0) + (w_loss * rpo if w_loss else 0.0)
        score = np.where(pool, np.minimum(score, 1e300), np.inf)
        best = score.min(axis=0)
        p = ev.path[s]
        dead = ~alive[:, s].any(axis=0)
        assert (pool[p, cols] | dead).all()
        ok = score[p, cols] <= best + 1e-9 * np.maximum(1.0, np.abs(best))
        assert (ok | dead).all()
        assert np.array_equal(np.where(dead, np.inf, rpo[p, cols]), ev.rpo[s])
        assert np.array_equal(np.where(dead, np.inf, rto[p, cols]), ev.rto[s])
        in_scope = np.isfinite(ev.rpo_limit[s]) or np.isfinite(ev.rto_limit[s])
        assert np.array_equal(ev.meets_scenario[s], meets.any(axis=0) | (not in_scope))


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), costs=COSTS)
def test_chosen_path_is_the_best_surviving_path(catalog, workload, ask, costs):
    """On random small catalogs: see :func:`_check_choice`."""
    ev, impact = _evaluation(catalog, workload, ask, costs)
    _check_choice(ev, impact)


def test_chosen_path_on_the_shipped_examples():
    """Every design of both shipped examples: see :func:`_check_choice`."""
    for name in ("default.toml", "zero_downtime.toml"):
        sc = load_scenario(EXAMPLES / name)
        space = build_space(sc.catalog, sc.requirements.retention)
        ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
        _check_choice(ev, sc.impact)


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(ransomware_in_reach=True),
    costs=COSTS,
    rule=st.sampled_from(["longest", "shortest"]),
)
def test_solved_interval_is_the_best_feasible_one(catalog, workload, ask, costs, rule):
    """Where some schedule meets the ask, the solved one does, and none of the catalog's
    longer (longest rule) or shorter (shortest rule) schedules does.

    The solve used to return the continuous boundary, checked against a fine grid of 40
    intervals; it now returns the best of the catalog's schedules (docs/decisions.md,
    section 40), so the grid is the schedule list: an interval between two schedules may
    meet the ask, but no plan runs on it."""
    ev, impact = _evaluation(catalog, workload, ask, costs, rule)
    met = ev.meets_scenario.all(axis=0) & ev.window_ok
    grid = np.asarray(catalog.schedules.backup)
    assert np.isin(ev.interval, grid).all()
    for row in np.flatnonzero(met):
        sub = ev.space.take(np.array([row] * len(grid)))
        beyond = (
            grid > ev.interval[row] + 1e-6 if rule == "longest" else grid < ev.interval[row] - 1e-6
        )
        beyond &= grid >= ev.min_interval[row] - 1e-9
        if not beyond.any():
            continue
        at = evaluate_space(replace(sub, interval=grid), workload, ask, impact, catalog)
        assert not (at.meets_scenario.all(axis=0) & at.window_ok)[beyond].any()


def test_threads_share_the_catalog_tables_safely(default):
    """Evaluations in threads over more catalogs than the table cache keeps give the
    results of the same evaluations run one after another."""
    from concurrent.futures import ThreadPoolExecutor

    sc = default
    catalogs = [
        sc.catalog.override({"links": {"wan_1g": {"price_per_month": 900.0 + i}}})
        for i in range(20)
    ]
    whole = build_space(sc.catalog, sc.requirements.retention)
    space = whole.take(np.arange(0, len(whole), 97))

    def run(cat):
        ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, cat)
        return ev.outlay, ev.interval, ev.path

    alone = [run(c) for c in catalogs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(run, catalogs * 3))
    for i, got in enumerate(together):
        for a, b in zip(alone[i % len(catalogs)], got, strict=True):
            assert np.array_equal(a, b)


def _equal(a, b) -> bool:
    """Every array of two evaluations equal, bit for bit (NaN equal to NaN)."""

    def arrays(x, prefix=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from arrays(v, f"{prefix}.{k}")
        elif dataclasses.is_dataclass(x):  # the path figures, the outage clock
            for f in dataclasses.fields(x):
                if not f.name.startswith("_"):  # a memo (Clock._scans) is no output
                    yield from arrays(getattr(x, f.name), f"{prefix}.{f.name}")
        elif isinstance(x, np.ndarray):
            yield prefix, x

    for name in a.__dataclass_fields__:
        if name == "space" or name.startswith("_"):  # how rows were grouped: no output
            continue
        left, right = dict(arrays(getattr(a, name), name)), dict(arrays(getattr(b, name), name))
        assert left.keys() == right.keys(), name
        for key, x in left.items():
            y = right[key]
            same = x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
            assert same, key
    return True


def test_figures_per_choice_equal_figures_per_row(default):
    """On the default space the figures that do not depend on the interval are computed
    once per catalog choice and gathered; computed row by row (one workload per row, or a
    few rows) they are the same numbers, so every output is equal bit for bit."""
    from rtocalc.space import WorkloadColumns

    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    whole = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    rows = np.arange(0, len(space), 37)
    per_row = evaluate_space(
        space.take(rows),
        WorkloadColumns.of([sc.workload] * rows.size),
        sc.requirements,
        sc.impact,
        sc.catalog,
    )
    few = evaluate_space(space.take(rows[:50]), sc.workload, sc.requirements, sc.impact, sc.catalog)
    from rtocalc.space import take_rows

    assert _equal(take_rows(whole, rows), per_row)
    assert _equal(take_rows(whole, rows[:50]), few)


def test_rows_of_one_design_read_the_storage_of_the_whole_space(default):
    """Rows of one design with a workload each (a Monte Carlo block) compute the
    retention storage for the (scheme, block clone) pairs they read only: every output
    is the one of the space evaluated with every pair, bit for bit."""
    from rtocalc.space import WorkloadColumns, take_rows

    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    whole = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    # one row of each scheme, with and without an off-site copy and a long-term target
    picks = {
        (int(space.scheme[i]), int(space.offsite[i]) >= 0, int(space.longterm[i]) >= 0): i
        for i in range(len(space))
    }
    assert len(picks) >= 8
    for row in picks.values():
        rows = np.full(2, row)
        one = evaluate_space(
            space.take(rows),
            WorkloadColumns.of([sc.workload] * 2),
            sc.requirements,
            sc.impact,
            sc.catalog,
        )
        assert _equal(take_rows(whole, rows), one), row


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), costs=COSTS)
def test_one_workload_or_one_per_row_agree(catalog, workload, ask, costs):
    """Random small catalogs: the space evaluated with one workload (figures per choice
    where the grid is no larger than the space) equals it with the workload per row."""
    from rtocalc.space import WorkloadColumns

    ev, impact = _evaluation(catalog, workload, ask, costs)
    cols = WorkloadColumns.of([workload] * len(ev.space))
    assert _equal(ev, evaluate_space(ev.space, cols, ask, impact, catalog))


def test_remembered_figures_are_those_of_the_ask(default):
    """The figures per choice are remembered per ask object: the same ask twice, an equal
    ask, and the same ask with other limits each give what a first evaluation gives."""
    import rtocalc._space_figures as kernel

    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)

    def run(ask, limits=None):
        return evaluate_space(space, sc.workload, ask, sc.impact, sc.catalog, limits=limits)

    first = run(sc.requirements)
    assert _equal(first, run(sc.requirements))
    assert _equal(first, run(sc.requirements.model_copy()))
    tighter = (np.full(5, 0.5), np.full(5, 2.0))
    cached = run(sc.requirements, tighter)
    kernel._FIGURES.clear()
    assert _equal(cached, run(sc.requirements, tighter))
    assert not np.array_equal(cached.feasible, first.feasible)


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks())
def test_an_rto_below_detection_is_never_met(catalog, workload, ask):
    """Where some scenario's RTO limit is below its detection time no design is feasible,
    and the search, which stops before evaluating, finds what the whole space says."""
    from rtocalc import cheapest
    from rtocalc.space import detection_binds

    impact = BusinessImpact()
    tight = ask.model_copy(update={"rto": min(x.detection for x in impact.scenarios) / 2})
    assert detection_binds(tight, impact, catalog)
    space = build_space(catalog, tight.retention)
    assert not evaluate_space(space, workload, tight, impact, catalog).feasible.any()
    res = cheapest(workload, tight, impact=impact, catalog=catalog)
    assert not res.feasible and res.reasons


def test_spaces_are_shared_and_read_only(default):
    """One space per (catalog, retention): the same object each time, columns read-only."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    assert build_space(sc.catalog, sc.requirements.retention) is space
    assert not space.target.flags.writeable
    try:
        space.strategy[0] = 1
    except ValueError:
        pass
    else:
        raise AssertionError("a shared space's columns must be read-only")


def test_ask_independent_figures_are_remembered_by_the_space(default):
    """Which copies survive, each row's figures gathered from the workload's figures per
    catalog choice (rates, delays, traffic, the link and yes/no checks) and the kinds of
    rows alike on B depend on the space and the workload alone: a second ask of the
    workload reads them from the space (read-only; the clean-point hold after ransomware
    works on a copy), and the evaluation is the one a fresh space gives, bit for bit."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    first = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    kept = [v for k, (_, v) in space._figures.items() if k[0] == "alive"]
    assert kept and all(not a.flags.writeable for a in kept)
    assert any(k[0] == "b_kinds" for k in space._figures)
    rows = [v for k, (_, v) in space._figures.items() if k[0] == "rows"]
    assert rows and len(_arrays(rows[0])) >= 16
    assert not any(a.flags.writeable for a in _arrays(rows[0]))
    other = sc.requirements.model_copy(update={"rpo": 1.0})
    again = evaluate_space(space, sc.workload, other, sc.impact, sc.catalog)
    # a copy of the space's rows remembers nothing yet: computed afresh
    fresh = space.take(np.arange(len(space)))
    assert space.remembers and not fresh.remembers and not fresh._figures
    anew = evaluate_space(fresh, sc.workload, other, sc.impact, sc.catalog)
    assert _equal(again, anew)
    assert not fresh._figures  # rows taken for one evaluation keep nothing
    # the ransomware scenario's hold changed the evaluation's copy, not the space's
    assert any(x.scope == "ransomware" for x in sc.impact.scenarios)
    assert first.paths.alive.flags.writeable
    assert not any(np.shares_memory(first.paths.alive, a) for a in kept)


def test_rto_limit_equal_to_a_copys_rto_keeps_its_interval_window():
    """Issue 19, item 4: at an RTO limit equal to a restore's RTO (every cost-curve
    breakpoint), the interval solve's slack, limit - (detection + fixed restore time),
    rounded to -3.5e-18 and ruled the chain out, while the "meets" test (limit + 1e-9)
    accepts it: the shortest interval came out as the 24 h fallback, not the shortest
    the backup window allows."""
    catalog = Catalog.default()
    impact = BusinessImpact(
        scenarios=[Scenario(name="x", scope="logical", rate=1.0, detection=0.1)]
    )
    workload = Workload(data_size=74.87437185929647)
    one = space_of(catalog, Design(interval=24, scheme="reverse", target="local_disk"))
    at_24 = evaluate_space(one, workload, Requirements(rpo=48, rto=1000), impact, catalog)
    limit = float(at_24.rto[0, 0])  # a reverse chain: no replay, the same at any interval
    transfer = at_24.paths.transfer[RecoveryPath.PRIMARY][0]
    assert (limit - 0.1) - transfer < 0.0  # the rounding this case is about
    ask = Requirements(rpo=48, rto=limit)
    # shortest: the catalog's shortest schedule, 15 min (it was the backup window, 5 min,
    # before solved intervals moved onto schedules; docs/decisions.md, section 40)
    assert at_24.min_interval[0] < 0.25
    for rule, expected in (("shortest", 0.25), ("longest", 24.0)):
        solve = replace(one, interval=None)
        ev = evaluate_space(solve, workload, ask, impact, catalog, interval_rule=rule)
        assert ev.feasible[0] and ev.interval[0] == expected


def test_a_scenario_without_limits_constrains_no_interval():
    """A local-only design survives no site loss; with limits on corruption only, the
    site, region and ransomware scenarios are out of scope, and the shortest interval is
    the shortest the backup window allows (it was the 24 h RPO fallback: the solve took
    the unsurvivable scenarios for unmet ones)."""
    catalog = Catalog.default()
    one = space_of(catalog, Design(interval=24, scheme="reverse", target="local_disk"))
    ask = Requirements(rpo={"logical": "24 h"}, rto={"logical": "8 h"})
    w = Workload(data_size="2 TB")
    solve = replace(one, interval=None)
    short = evaluate_space(solve, w, ask, BusinessImpact(), catalog, interval_rule="shortest")
    long = evaluate_space(solve, w, ask, BusinessImpact(), catalog)
    assert short.feasible[0] and long.feasible[0]
    # the shortest schedule the job fits (15 min), no longer the backup window itself
    # (5 min): solved intervals are the catalog's schedules (docs/decisions.md, 40)
    assert short.min_interval[0] < 0.25
    assert short.interval[0] == 0.25 < long.interval[0]
    site = [s.scope == "site" for s in BusinessImpact().scenarios]
    assert not short.paths.alive[:, site].any()  # no copy survives a site loss


def test_every_recovery_path_is_a_unit(default):
    """The kernel's choice reads every path from one place: each member of Path has its
    label, its RTO function, its domain of figures, its row of RPOs and of survival, and
    the chosen path is always a member (the "none survives" sentinel stored as 0)."""
    from rtocalc._space_figures import PATH_DOMAIN
    from rtocalc._space_kernel import path_units
    from rtocalc._space_paths import RTO_OF
    from rtocalc.space import NO_PATH, PATHS

    assert tuple(p.label for p in RecoveryPath) == PATHS
    assert len(RecoveryPath) == NO_PATH
    assert set(RTO_OF) == set(PATH_DOMAIN) == set(RecoveryPath)
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    assert ev.rpo_rows.shape == (len(RecoveryPath), len(space))
    assert ev.paths.alive.shape == (len(RecoveryPath), len(sc.impact.scenarios), len(space))
    units = path_units(ev.paths, ev.rpo_rows)
    assert [u.path for u in units] == list(RecoveryPath)
    for u in units:
        assert np.array_equal(u.rpo, ev.rpo_rows[u.path])
        assert np.array_equal(u.rto(0), ev.rto_of(u.path, 0)[0])
    assert set(np.unique(ev.path)) <= set(range(len(RecoveryPath)))
    # the chosen path's figures are the ones reported, wherever a copy survives
    s = 0
    alive = ev.paths.alive[:, s, :].any(axis=0)
    chosen = ev.path[s]
    rto = np.concatenate([ev.rto_of(p, 0) for p in RecoveryPath])
    assert np.array_equal(ev.rto[s, alive], rto[chosen[alive], np.flatnonzero(alive)])
    assert np.isinf(ev.rto[s, ~alive]).all()


def test_restore_prices_per_target_and_strategy_equal_per_row():
    """restore_prices computes its figures per (target, strategy) pair and gathers them;
    with one data reduction per row it computes them per row: the same bits (the default
    catalog has a strategy that recovers into the cloud, so both branches price it)."""
    from rtocalc._space_paths import restore_prices
    from rtocalc._space_tables import Tables

    s = load_scenario()
    space = build_space(s.catalog, s.requirements.retention)
    tab = Tables.of(s.catalog)
    price = s.catalog.replication.replica_price_per_gb_month
    dr = s.workload.data_reduction
    tables = restore_prices(tab, space, dr, price)
    per_row = restore_prices(tab, space, np.full(len(space), dr), price)
    assert tables.code is not None and per_row.code is None
    # every (path, row) position: the flat positions path * N + row
    every = np.arange((len(RecoveryPath) + 1) * len(space))
    gb, fixed = tables.chosen(every)
    gb_rows, fixed_rows = per_row.chosen(every)
    assert fixed is not None and fixed_rows is not None and fixed.any()
    assert gb.tobytes() == gb_rows.tobytes()
    assert fixed.tobytes() == fixed_rows.tobytes()
    # what the kernel reads: the charges of chosen (path, row) positions
    at = np.random.default_rng(3).integers(0, gb.size, 5000)
    for whole, left, right in zip(
        (gb, fixed), tables.chosen(at), per_row.chosen(at), strict=True
    ):
        assert left is not None and right is not None
        assert left.tobytes() == right.tobytes() == whole.reshape(-1)[at].tobytes()


def test_rto_in_skips_only_paths_that_survive_nowhere():
    """Evaluation.rto_in leaves out paths whose copy survives the scenario in no row; every
    value equals each path's own RTO where its copy survives, inf elsewhere."""
    s = load_scenario()
    space = build_space(s.catalog, s.requirements.retention)
    rows = space.take(np.arange(0, len(space), 97))
    ev = evaluate_space(rows, s.workload, s.requirements, s.impact, s.catalog)
    for sc in range(len(s.impact.scenarios)):
        full = np.concatenate([ev.rto_of(p, [sc]) for p in RecoveryPath])
        full[~ev.paths.alive[:, sc]] = np.inf
        assert ev.rto_in(sc).tobytes() == full.tobytes()


def _fastest_bytes(f):
    return f.rto.tobytes() + f.row.tobytes()


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), costs=COSTS)
def test_kept_fastest_paths_are_those_of_the_rtos(catalog, workload, ask, costs):
    """Each path's fastest recovery, kept by the kernel as it chooses, is the minimum and
    first argmin of Evaluation.rto_in (the same bits): what explain() reads either way."""
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    ev = evaluate_space(space, workload, ask, impact, catalog, fastest=True)
    kept = ev.fastest
    assert kept is not None
    recomputed = replace(ev, fastest=None).fastest_paths()
    assert _fastest_bytes(kept) == _fastest_bytes(recomputed)
    for s in range(len(impact.scenarios)):
        rto = ev.rto_in(s)
        assert np.array_equal(kept.rto[:, s], rto.min(axis=1))


def test_fastest_paths_of_row_blocks_put_together(default):
    """gather_rows combines the blocks' fastest recoveries into the whole space's (ties to
    the first row); taking rows drops the summary, which then is computed for them."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    args = (sc.workload, sc.requirements.model_copy(update={"rto": 0.05}), sc.impact, sc.catalog)
    whole = evaluate_space(space, *args, fastest=True)
    rng = np.random.default_rng(7)
    owner = rng.integers(0, 3, len(space))
    parts = []
    for k in range(3):
        rows = np.flatnonzero(owner == k)
        parts.append((rows, evaluate_space(space.take(rows), *args, fastest=True)))
    put = gather_rows(parts)
    assert put.fastest is not None and whole.fastest is not None
    assert _fastest_bytes(put.fastest) == _fastest_bytes(whole.fastest)
    sub = take_rows(whole, np.arange(0, len(space), 5))
    assert sub.fastest is None
    part = evaluate_space(space.take(np.arange(0, len(space), 5)), *args, fastest=True)
    assert _fastest_bytes(sub.fastest_paths()) == _fastest_bytes(part.fastest)


def test_a_space_of_no_rows_evaluates_to_no_rows(default):
    """Zero rows (a cost curve whose yes/no asks no design meets) evaluate to empty
    columns, every path's fastest recovery inf: no error."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention).take(np.arange(0))
    ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog, fastest=True)
    assert ev.rto.shape == (len(sc.impact.scenarios), 0) and not ev.feasible.size
    assert ev.fastest is not None and np.isinf(ev.fastest.rto).all()


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), costs=COSTS)
def test_an_evaluation_without_costs_is_the_same_but_for_them(catalog, workload, ask, costs):
    """evaluate_space(priced=False) leaves out the costs (nan, and empty breakdowns) and
    changes nothing else: every other field is the same bits as the priced evaluation's."""
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    priced = evaluate_space(space, workload, ask, impact, catalog, fastest=True)
    bare = evaluate_space(space, workload, ask, impact, catalog, fastest=True, priced=False)
    assert priced.priced and not bare.priced
    costs_of = ("outlay", "eal", "tco", "restore_cost", "purchases")
    for name in costs_of:
        assert np.isnan(getattr(bare, name)).all()
    assert bare.breakdown == {} and bare.storage == {}
    for f in dataclasses.fields(priced):
        if f.name in (*costs_of, "breakdown", "storage", "priced", "space", "paths", "fastest"):
            continue
        if f.name.startswith("_"):  # how the rows were grouped: no output
            continue
        a, b = getattr(priced, f.name), getattr(bare, f.name)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes(), f.name
    assert _fastest_bytes(priced.fastest) == _fastest_bytes(bare.fastest)
    for p in RecoveryPath:
        assert priced.rto_of(p).tobytes() == bare.rto_of(p).tobytes()


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), costs=COSTS)
def test_an_evaluation_without_outcomes_is_the_same_but_for_them(catalog, workload, ask, costs):
    """evaluate_space(priced=False, outcomes=False) also leaves out the chosen path's RPO
    and RTO per scenario and their worst (nan) and changes nothing else: feasibility, the
    path taken and every path's own figures are the same bits as without costs alone."""
    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    _by_kind_and_by_row(lambda: _same_but_outcomes(space, workload, ask, impact, catalog))


def _same_but_outcomes(space, workload, ask, impact, catalog) -> None:
    bare = evaluate_space(space, workload, ask, impact, catalog, priced=False)
    least = evaluate_space(space, workload, ask, impact, catalog, priced=False, outcomes=False)
    outcomes = ("rpo", "rto", "worst_rpo", "worst_rto")
    for name in outcomes:
        assert np.isnan(getattr(least, name)).all()
    for f in dataclasses.fields(bare):
        if f.name in (*outcomes, "breakdown", "storage", "space", "paths", "fastest"):
            continue
        if f.name.startswith("_"):  # how the rows were grouped: no output
            continue
        a, b = getattr(bare, f.name), getattr(least, f.name)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes(), f.name
    assert bare.paths == least.paths
    for p in RecoveryPath:
        assert bare.rto_of(p).tobytes() == least.rto_of(p).tobytes()


def test_outcomes_are_left_out_only_without_costs(default):
    """The expected loss reads the outcomes: leaving them out of a priced evaluation is
    refused, naming both options."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    with pytest.raises(ValueError, match="outcomes: False needs priced=False"):
        evaluate_space(
            space.take(np.arange(8)),
            sc.workload,
            sc.requirements,
            sc.impact,
            sc.catalog,
            outcomes=False,
        )


def test_gathering_parts_with_and_without_costs(default):
    """Parts of which one has no costs gather to an evaluation without costs: nan in that
    part's rows of the cost columns, the other part's costs kept, no breakdown."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    args = (sc.workload, sc.requirements, sc.impact, sc.catalog)
    whole = evaluate_space(space, *args)
    a, b = np.arange(0, 3000), np.arange(3000, len(space))
    put = gather_rows(
        [
            (a, evaluate_space(space.take(a), *args)),
            (b, evaluate_space(space.take(b), *args, priced=False)),
        ]
    )
    assert not put.priced and put.breakdown == {} and put.storage == {}
    assert put.outlay[a].tobytes() == whole.outlay[a].tobytes()
    assert np.isnan(put.outlay[b]).all()
    assert put.interval.tobytes() == whole.interval.tobytes()


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(),
    costs=COSTS,
    rule=st.sampled_from(["longest", "shortest"]),
)
def test_rows_alike_are_worked_once(catalog, workload, ask, costs, rule):
    """The interval solve and the RTOs of the interval-dependent paths run once per kind
    of row (the same catalog entry, the same scenarios met whatever the interval), those of
    the other paths (failover, long-term restore, protection) once per entry, and so do
    the keys that choose among them (order_key); all are spread to the rows: every output
    equals the evaluation row by row, bit for bit, for both interval rules."""
    by_kind, by_row = _by_kind_and_by_row(
        lambda: _evaluation(catalog, workload, ask, costs, rule)[0]
    )
    assert _equal(by_kind, by_row)


def _by_kind_and_by_row(evaluate):
    """``evaluate()`` with rows always grouped by kind on a grid, then never."""
    from unittest import mock

    from rtocalc import _space_figures

    with mock.patch.object(_space_figures, "KIND_SHARE", 1.0):
        by_kind = evaluate()
    with mock.patch.object(_space_figures, "KIND_SHARE", -1.0):
        by_row = evaluate()
    return by_kind, by_row


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(),
    costs=COSTS,
    intervals=st.lists(st.sampled_from([0.25, 1.0, 4.0, 8.0, 24.0]), min_size=1, max_size=3),
)
def test_rows_alike_at_given_intervals_are_worked_once(catalog, workload, ask, costs, intervals):
    """At given intervals (the frontier's design and interval pairs) rows with the same
    entry of the chain's domain and the same interval are one kind for the
    interval-dependent paths: every output equals the evaluation row by row, bit for bit."""
    from dataclasses import replace

    impact = BusinessImpact(downtime_cost=costs[0], data_loss_cost=costs[1])
    space = build_space(catalog, ask.retention)
    rows = np.repeat(np.arange(len(space)), len(intervals))
    pairs = replace(space.take(rows), interval=np.tile(np.array(intervals), len(space)))
    by_kind, by_row = _by_kind_and_by_row(
        lambda: evaluate_space(pairs, workload, ask, impact, catalog)
    )
    assert _equal(by_kind, by_row)


_HOURS = st.one_of(
    st.floats(0.0, 1e6, allow_subnormal=False),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, np.inf, np.nan]),
)


@given(data=st.data())
def test_order_keys_choose_by_the_rule(data):
    """Keys of order_key, compared strictly in path order, choose the path the rule of
    docs/model.md section 6 chooses: among surviving copies, those meeting both limits
    first, then the smaller score w_down RTO + w_loss RPO (a zero weight leaves its term
    out), then the earlier path; none where no copy survives. A path whose score is NaN
    is never chosen (it compares with nothing). The reference is a plain loop per row."""
    from rtocalc._space_paths import DEAD, SURVIVES, order_key

    n_paths, n = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 12))
    cells = st.lists(_HOURS, min_size=n_paths * n, max_size=n_paths * n)
    rto = np.array(data.draw(cells), dtype=float).reshape(n_paths, n)
    rpo = np.array(data.draw(cells), dtype=float).reshape(n_paths, n)
    flags = st.lists(st.booleans(), min_size=n_paths * n, max_size=n_paths * n)
    alive = np.array(data.draw(flags)).reshape(n_paths, n)
    limits = st.sampled_from([0.0, 0.5, 1.0, 4.0, 1e5, np.inf])
    rto_lim, rpo_lim = data.draw(limits), data.draw(limits)
    w_down, w_loss = data.draw(st.sampled_from([(1.0, 1.0), (0.0, 3.0), (250.0, 0.0), (8e3, 2e4)]))

    best = np.full(n, DEAD)
    chosen = np.full(n, -1)
    for p in range(n_paths):
        loss = w_loss * rpo[p] if w_loss else None
        key = order_key(rto[p], loss, rto_lim, rpo[p] <= rpo_lim, alive[p], w_down)
        better = key < best
        best = np.minimum(best, key)
        chosen[better] = p
    for j in range(n):
        candidates = []
        for p in range(n_paths):
            down = w_down * rto[p, j] if w_down else 0.0
            score = down + (w_loss * rpo[p, j] if w_loss else 0.0)
            if alive[p, j] and not np.isnan(score):
                meets = rto[p, j] <= rto_lim and rpo[p, j] <= rpo_lim
                candidates.append((not meets, score, p))
        expect = min(candidates) if candidates else None
        assert chosen[j] == (-1 if expect is None else expect[2])
        assert (best[j] < SURVIVES) == (expect is not None and not expect[0])


def test_rows_alike_on_the_default_space(default):
    """On the default space the rows fall into far fewer kinds than rows (what makes
    working by kind worth it), every row's kind has its entry and scenarios met, and the
    evaluation equals the one row by row."""
    from unittest import mock

    from rtocalc import _space_figures, _space_interval

    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    seen = []
    real = _space_interval.alike_rows

    def spy(A, B, tables):
        got = real(A, B, tables)
        seen.append((A.code, [B.rows(t) for t in tables], got))
        return got

    with mock.patch("rtocalc._space_kernel.alike_rows", spy):
        ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    code, fixed_ok, kinds = seen[0]
    assert kinds is not None
    assert len(code) == len(space) and 0 < kinds.first.size < len(space) / 10
    assert np.array_equal(code[kinds.first][kinds.which], code)
    for ok in fixed_ok:
        assert np.array_equal(ok[kinds.first][kinds.which], ok)
    with mock.patch.object(_space_figures, "KIND_SHARE", -1.0):
        by_row = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    assert _equal(ev, by_row)


def test_path_rtos_read_only_the_figures_they_declare():
    """The kernel computes a path's RTO per kind of row from the figures in RTO_READS
    alone (PathFigures.for_rto): with every other per-row figure removed, each path's RTO
    in each scenario is the same bits."""
    from rtocalc._space_paths import PER_SCENARIO_FIGURES, RTO_OF, RTO_READS

    s = load_scenario()
    space = build_space(s.catalog, s.requirements.retention)
    rows = space.take(np.arange(0, len(space), 41))
    ev = evaluate_space(rows, s.workload, s.requirements, s.impact, s.catalog)
    x = ev.paths
    others = {
        f.name: None
        for f in dataclasses.fields(x)
        if f.name not in RTO_READS and f.name not in PER_SCENARIO_FIGURES
    }
    assert others  # alive, replay_n, inc, ... are left out
    bare = replace(x, **others)
    for p in RecoveryPath:
        for sc in range(len(s.impact.scenarios)):
            assert RTO_OF[p](bare, p, sc).tobytes() == RTO_OF[p](x, p, sc).tobytes()


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), grouped=st.booleans())
def test_solved_intervals_are_the_evaluations(catalog, workload, ask, grouped):
    """solved_intervals gives each row's solved interval and link check, the same bits
    as the whole evaluation, with rows grouped by kind or not."""
    from unittest import mock

    from rtocalc import _space_figures
    from rtocalc._space_kernel import solved_intervals

    impact = BusinessImpact()
    space = build_space(catalog, ask.retention)
    with mock.patch.object(_space_figures, "KIND_SHARE", 1.0 if grouped else -1.0):
        interval, link_ok = solved_intervals(space, workload, ask, impact, catalog)
        ev = evaluate_space(space, workload, ask, impact, catalog)
    assert interval.tobytes() == ev.interval.tobytes()
    assert np.array_equal(link_ok, ev.link_ok)


def test_solved_intervals_on_the_default_space(default):
    """The same on the whole default space (rows grouped by the default rule)."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    from rtocalc._space_kernel import solved_intervals

    interval, link_ok = solved_intervals(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    assert interval.tobytes() == ev.interval.tobytes()
    assert np.array_equal(link_ok, ev.link_ok)


@SLOW
@given(catalog=small_catalogs(), workload=workloads(), ask=asks(), replay=st.booleans())
def test_path_rtos_by_kind_are_the_rows(catalog, workload, ask, replay):
    """Evaluation.rto_of computes a path's RTO once per kind of rows where the kernel
    grouped them, and spreads it: the same bits as the path's RTO function on the rows,
    with and without the chain replay; rows taken from the evaluation drop the kinds."""
    from unittest import mock

    from rtocalc import _space_figures
    from rtocalc.space import path_rto

    impact = BusinessImpact()
    space = build_space(catalog, ask.retention)
    with mock.patch.object(_space_figures, "KIND_SHARE", 1.0):  # grouped wherever on a grid
        ev = evaluate_space(space, workload, ask, impact, catalog)
    S = len(impact.scenarios)
    for p in RecoveryPath:
        got = ev.rto_of(p, list(range(S)), replay=replay)
        want = path_rto(ev.paths, p, list(range(S)), replay=replay)
        assert got.tobytes() == want.tobytes(), p
    assert take_rows(ev, np.arange(len(space)))._kinds is None


def test_path_rtos_by_kind_on_the_default_space(default):
    """On the default space every path's RTOs are computed by kind (each path has kinds),
    and equal the RTO functions on the rows."""
    from rtocalc.space import path_rto

    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
    assert ev._kinds is not None and set(ev._kinds) == {int(p) for p in RecoveryPath}
    for p in RecoveryPath:
        for replay in (True, False):
            got = ev.rto_of(p, replay=replay)
            assert got.tobytes() == path_rto(ev.paths, p, slice(None), replay=replay).tobytes()

"""The column kernel: its per-path figures, its path choice and its interval solve agree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtocalc import BusinessImpact, load_scenario
from rtocalc.space import build_space, evaluate_space
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
    alive = ev.extra["alive"]
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
    for name in ("examples/default.toml", "examples/zero_downtime.toml"):
        sc = load_scenario(Path(__file__).resolve().parents[1] / name)
        space = build_space(sc.catalog, sc.requirements.retention)
        ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog)
        _check_choice(ev, sc.impact)


@SLOW
@given(
    catalog=small_catalogs(),
    workload=workloads(),
    ask=asks(),
    costs=COSTS,
    rule=st.sampled_from(["longest", "shortest"]),
)
def test_solved_interval_is_the_best_feasible_one(catalog, workload, ask, costs, rule):
    """Where some interval meets the ask, the solved one does, and none in a fine grid of
    longer (longest rule) or shorter (shortest rule) intervals does."""
    ev, impact = _evaluation(catalog, workload, ask, costs, rule)
    met = ev.meets_scenario.all(axis=0) & ev.window_ok
    grid = np.geomspace(ev.min_interval.min(), 24.0, 40)
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


def test_threads_share_the_catalog_tables_safely():
    """Evaluations in threads over more catalogs than the table cache keeps give the
    results of the same evaluations run one after another."""
    from concurrent.futures import ThreadPoolExecutor

    sc = load_scenario()
    catalogs = [
        sc.catalog.override({"links": {"wan_1g": {"price_per_month": 900.0 + i}}})
        for i in range(20)
    ]
    space = build_space(sc.catalog, sc.requirements.retention).take(np.arange(0, 20_000, 97))

    def run(cat):
        ev = evaluate_space(space, sc.workload, sc.requirements, sc.impact, cat)
        return ev.outlay, ev.interval, ev.path

    alone = [run(c) for c in catalogs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(run, catalogs * 3))
    for i, got in enumerate(together):
        for a, b in zip(alone[i % len(catalogs)], got, strict=True):
            assert np.array_equal(a, b)

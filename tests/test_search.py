"""The one exact search (``rtocalc._search``): many jobs side by side give what each
job's own search gives, and the kernel's limits per row give what each row's own
evaluation gives."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtocalc import BusinessImpact, Catalog, Requirements, Workload
from rtocalc._search import (
    Job,
    Ranking,
    bound,
    scenario_limits,
    search,
    yes_no_mask,
    yes_no_rows,
    yes_no_space,
)
from rtocalc.models import SCOPES
from rtocalc.optimize import _search as single_search
from rtocalc.space import build_space, evaluate_space
from strategies import asks, workloads

SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: fields compared between the shared and the separate evaluations
_FIELDS = (
    "interval",
    "feasible",
    "outlay",
    "eal",
    "rpo",
    "rto",
    "path",
    "meets_scenario",
    "worst_rpo",
    "worst_rto",
)


def _rto_ask(base: Requirements, table: dict[str, float]) -> Requirements:
    return base.model_copy(update={"rto": table, "mtd": None})


@SLOW
@given(
    limits=st.lists(
        st.fixed_dictionaries(
            {s: st.sampled_from([0.05, 0.5, 2.0, 8.0, 36.0, float("inf")]) for s in SCOPES}
        ),
        min_size=2,
        max_size=4,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_limits_per_row_equal_each_rows_own_evaluation(default, limits, seed):
    """Rows evaluated together, each with its own RPO/RTO limits per scenario, get exactly
    the figures that evaluating them apart with those limits gives (every figure of a row
    depends on that row and its limits alone)."""
    space = build_space(default.catalog, default.requirements.retention)
    rng = np.random.default_rng(seed)
    parts = [np.sort(rng.choice(len(space), size=40, replace=False)) for _ in limits]
    asks_ = [
        _rto_ask(default.requirements, {k: v for k, v in t.items() if np.isfinite(v)})
        for t in limits
    ]
    lims = [scenario_limits(a, default.impact) for a in asks_]
    rows = np.concatenate(parts)
    owner = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    per_row = tuple(np.stack([lim[k] for lim in lims], axis=1)[:, owner] for k in range(2))
    together = evaluate_space(
        space.take(rows),
        default.workload,
        default.requirements,
        default.impact,
        default.catalog,
        limits=per_row,
    )
    start = 0
    for part, ask in zip(parts, asks_, strict=True):
        alone = evaluate_space(
            space.take(part), default.workload, ask, default.impact, default.catalog
        )
        sl = slice(start, start + len(part))
        start += len(part)
        for name in _FIELDS:
            np.testing.assert_array_equal(
                getattr(together, name)[..., sl], getattr(alone, name), err_msg=name
            )


@SLOW
@given(
    workload=workloads(),
    ask=asks(ransomware_in_reach=True),
    factors=st.lists(st.sampled_from([0.1, 0.5, 2.0, 10.0]), min_size=1, max_size=4),
)
def test_jobs_side_by_side_equal_their_own_searches(workload, ask, factors):
    """Jobs with different RTO limits searched side by side find, each, the plan of its
    own search: the same design, interval and cost (ties broken alike)."""
    catalog, impact = Catalog.default(), BusinessImpact()
    space = build_space(catalog, ask.retention)
    b = bound(space, workload, ask.retention, catalog)
    reqs = [_rto_ask(ask, {s: f * max(ask.limit("rto", s), 0.01) for s in SCOPES}) for f in factors]
    together = search(space, [Job(workload, r, b) for r in reqs], impact, catalog)
    for r, found in zip(reqs, together, strict=True):
        alone = single_search(space, workload, r, impact, catalog, "outlay", bound=b)
        assert (found.best is None) == (alone.best is None)
        if found.best is None:
            continue
        (ev1, row1), (ev2, row2) = found.best, alone.best
        assert (
            ev1.space.take(np.array([row1])).target.tolist()
            == ev2.space.take(np.array([row2])).target.tolist()
        )
        for name in ("outlay", "interval", "worst_rto", "worst_rpo"):
            assert getattr(ev1, name)[row1] == getattr(ev2, name)[row2], name
        np.testing.assert_array_equal(ev1.rto_limit, scenario_limits(r, impact)[1])


def test_workloads_side_by_side_equal_their_own_searches(default):
    """Several workloads under one ask (the policy fixes' batch) find what each workload's
    own search finds."""
    catalog, impact, ask = default.catalog, default.impact, default.requirements
    space = build_space(catalog, ask.retention)
    loads = [Workload(data_size=f"{x} TB", daily_change="5%") for x in (0.5, 2, 6, 20)]
    jobs = [Job(w, ask, bound(space, w, ask.retention, catalog)) for w in loads]
    together = search(space, jobs, impact, catalog)
    for w, job, found in zip(loads, jobs, together, strict=True):
        alone = single_search(space, w, ask, impact, catalog, "outlay", bound=job.bound)
        assert (found.best is None) == (alone.best is None)
        if found.best is not None:
            (ev1, r1), (ev2, r2) = found.best, alone.best
            assert ev1.outlay[r1] == ev2.outlay[r2]
            assert ev1.interval[r1] == ev2.interval[r2]


@given(
    outlay=st.lists(
        st.sampled_from([0.0, -0.0, 1.0, 2.5, 2.5, 7.0, float("nan"), float("inf")])
        | st.floats(0.0, 100.0),
        min_size=1,
        max_size=300,
    ),
    keep=st.data(),
    sizes=st.lists(st.integers(1, 400), min_size=1, max_size=6),
)
def test_ranking_prefix_is_the_full_sort_prefix(outlay, keep, sizes):
    """Every prefix the search asks for, in any order of sizes, is the one a full sort of
    the candidates by (bound, row) gives: ties (many equal bounds, -0.0 and 0.0), NaN
    (sorted last) and inf included."""
    values = np.array(outlay, dtype=float)
    mask = np.array(keep.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))))
    full = np.lexsort((np.arange(len(values)), values))
    full = full[mask[full]]
    ranking = Ranking(values, np.flatnonzero(mask))
    assert len(ranking) == len(full)
    for m in sizes:
        assert np.array_equal(ranking.upto(m), full[:m])


def test_the_bound_is_remembered_per_workload_and_read_only():
    """The outlay bound (each row's outlay at 24 h) is computed once per (space, workload,
    retention, catalog) and shared read-only; another workload gets its own."""
    from rtocalc.space import row_costs

    cat = Catalog.default()
    ask = Requirements(rpo="4 h", rto="8 h")
    space = build_space(cat, ask.retention)
    w = Workload(data_size="2 TB")
    first = bound(space, w, ask.retention, cat)
    assert bound(space, w, ask.retention, cat) is first
    direct = row_costs(space, np.full(len(space), 24.0), w, ask.retention, cat).outlay
    assert first.outlay.tobytes() == direct.tobytes()
    assert not first.outlay.flags.writeable
    bigger = bound(space, Workload(data_size="20 TB"), ask.retention, cat)
    assert bigger is not first and (bigger.outlay >= first.outlay).all()
    assert (bigger.outlay > first.outlay).any()


def test_the_yes_no_rows_are_remembered_by_the_space():
    """The rows that meet an ask's yes/no parts, and their sub-space, are taken once per
    (space, catalog, retention, off-site, immutable): asks that differ elsewhere (a cost
    curve's RTO) share them; other yes/no asks or another catalog get their own."""
    cat = Catalog.default()
    ask = Requirements(rpo="4 h", rto="8 h", offsite=True)
    space = build_space(cat, ask.retention)
    rows, sub = yes_no_space(space, ask, cat)
    assert np.array_equal(rows, np.flatnonzero(yes_no_rows(space, ask, cat)))
    assert 0 < len(rows) < len(space) and not rows.flags.writeable
    assert np.array_equal(sub.target, space.target[rows])
    assert sub.remembers  # kept with the space: its figures are worth remembering
    assert np.array_equal(sub.protection, space.protection[rows])
    again = yes_no_space(space, ask.model_copy(update={"rto": "1 h"}), cat)
    assert again[1] is sub
    both = ask.model_copy(update={"immutable": True})
    rows2, sub2 = yes_no_space(space, both, cat)
    assert sub2 is not sub and np.array_equal(rows2, np.flatnonzero(yes_no_rows(space, both, cat)))
    other = Catalog.default().model_copy(update={"currency": cat.currency})
    assert yes_no_space(space, ask, other)[1] is not sub
    # no yes/no ask: every row, the space itself
    rows3, sub3 = yes_no_space(space, Requirements(rpo="4 h", rto="8 h"), cat)
    assert sub3 is space and len(rows3) == len(space)
    # a search needs the rows alone: no sub-space is taken until one is asked for
    fresh = Catalog.default().model_copy(update={"currency": cat.currency})
    mask = yes_no_mask(space, both, fresh)
    assert np.array_equal(mask, yes_no_rows(space, both, fresh))
    assert [v[2] for v in space._subsets.values() if v[0][0] is fresh] == [None]
    assert np.array_equal(yes_no_space(space, both, fresh)[1].target, sub2.target)

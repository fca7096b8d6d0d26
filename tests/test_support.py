"""Vendor support rules (catalog data) and long-term points that obey the ask (issue 13).

Each rule has a test that a violating design is excluded from the design space and that
:func:`rtocalc.evaluate` refuses it with a clear error, citing the vendor source; a
property test checks every plan the library returns against every rule.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import rtocalc
from rtocalc import Catalog, Design, Requirements, Workload, cheapest, evaluate
from rtocalc.models import SCHEMES, Retention
from rtocalc.space import build_space
from strategies import asks, workloads

CAT = rtocalc.Catalog.default()
GFS = Retention(daily=14, weekly=4, monthly=12, yearly=7)
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _rows(catalog: Catalog, retention: Retention) -> list[tuple[str, str, str | None, str | None]]:
    """(target, scheme, off-site target, long-term target) of every row of the space."""
    space = build_space(catalog, retention)
    k = space.keys
    out = []
    for t, s, o, lt in zip(space.target, space.scheme, space.offsite, space.longterm, strict=True):
        off = catalog.offsite[k.offsite[o]].target if o >= 0 else None
        out.append((k.targets[t], SCHEMES[s], off, k.targets[lt] if lt >= 0 else None))
    return out


def violations(design: Design, catalog: Catalog) -> list[str]:
    """Every support rule ``design`` breaks (empty when the vendor supports it)."""
    bad = []
    if design.scheme not in catalog.targets[design.target].schemes:
        bad.append(f"target {design.target} / {design.scheme}")
    if design.offsite is not None:
        off = catalog.offsite[design.offsite].target
        if design.scheme not in catalog.targets[off].schemes:
            bad.append(f"offsite {off} / {design.scheme}")
    if design.longterm is not None and "longterm" not in catalog.targets[design.longterm].roles:
        bad.append(f"longterm {design.longterm}")
    return bad


def points_unmet(design: Design, catalog: Catalog, ask: Requirements) -> list[str]:
    """Retained GFS points that break the ask's off-site or immutable demand."""
    if not ask.retention.gfs:
        return []
    home = catalog.targets[design.longterm or design.target]
    bad = []
    if ask.offsite and home.location == "primary":
        bad.append("GFS points at the primary site")
    if ask.immutable and not home.immutable:
        bad.append("GFS points on mutable storage")
    return bad


# --- each rule: excluded from the space, refused by evaluate -------------------------------


def test_hardened_repository_takes_forward_chains_with_periodic_fulls_only() -> None:
    # Veeam Help Center, Hardened Repository: Requirements and Limitations
    # (helpcenter.veeam.com/docs/backup/hyperv/hardened_repository_limitations.html): "use
    # only a forward incremental backup method with enabled active full backup or synthetic
    # full backup ... you cannot select a reverse or a forever forward incremental backup
    # method."
    assert CAT.targets["local_hardened"].schemes == ("synthetic_full", "active_full")
    rows = _rows(CAT, GFS)
    on_hardened = {s for t, s, _, _ in rows if t == "local_hardened"}
    assert on_hardened == {"synthetic_full", "active_full"}
    for scheme in ("reverse", "forever_forward"):
        with pytest.raises(ValueError, match="does not support scheme") as err:
            evaluate(
                Workload(data_size=500), Design(interval=24, scheme=scheme, target="local_hardened")
            )
        msg = str(err.value)
        assert "design.target" in msg and "'local_hardened'" in msg and repr(scheme) in msg
        assert "'synthetic_full', 'active_full'" in msg


def test_immutable_object_storage_takes_no_reverse_chain() -> None:
    # Reverse incremental rewrites the newest full in place (Veeam User Guide "Reverse
    # Incremental Backup (Deprecated)"), which S3 Object Lock in compliance mode forbids;
    # forever forward chains stay immutable through block generation (Veeam Help Center
    # "Block Generation", object_storage_block_generation.html).
    for key in ("object_hot", "object_infrequent"):
        assert "reverse" not in CAT.targets[key].schemes
        assert "forever_forward" in CAT.targets[key].schemes
    rows = _rows(CAT, GFS)
    assert not [
        r
        for r in rows
        if r[1] == "reverse" and (r[0].startswith("object") or (r[2] or "").startswith("object"))
    ]
    assert any(r[1] == "forever_forward" and r[2] == "object_hot" for r in rows)
    with pytest.raises(ValueError, match="does not support scheme") as err:
        evaluate(
            Workload(data_size=500),
            Design(
                interval=24,
                scheme="reverse",
                target="local_disk",
                offsite="cloud_copy_hot",
                link="wan_1g",
            ),
        )
    msg = str(err.value)
    assert "design.offsite" in msg and "'object_hot'" in msg and "'reverse'" in msg
    assert "'forever_forward', 'synthetic_full', 'active_full'" in msg


def test_archive_tier_holds_gfs_fulls_only() -> None:
    # Veeam "Limitations for Archive Tier" (v11): "Incremental backup files cannot be stored
    # in the archive tier"; only GFS-flagged fulls go there. Veeam does not support S3
    # lifecycle rules on its buckets (object_storage_repository_cal.html), so the catalog
    # has no lifecycle-transition copy to Glacier.
    archive = CAT.targets["object_archive"]
    assert archive.schemes == () and archive.roles == ("longterm",)
    assert not [m for m in CAT.offsite.values() if m.target == "object_archive"]
    rows = _rows(CAT, GFS)
    assert not [r for r in rows if "object_archive" in (r[0], r[2])]
    assert any(r[3] == "object_archive" for r in rows)  # as the GFS target it stays
    # a user catalog that puts an off-site copy on a GFS-only target is refused
    data = CAT.model_dump()
    data["targets"]["object_archive"]["roles"] = ["offsite", "longterm"]
    data["offsite"]["to_archive"] = {
        "target": "object_archive",
        "source": "x",
        "date": "2026-12-05",
    }
    with pytest.raises(ValueError, match="holds GFS fulls only"):
        Catalog.model_validate(data)


def test_tape_takes_periodic_full_chains_only() -> None:
    # Veeam User Guide "Virtual Full Backup": "tape archives are static: tape jobs cannot
    # rebuild backups once they are written to tape"; forever and reverse chains go to tape
    # as periodic synthesized fulls, which the off-site copy sized with the chain's scheme
    # would not show.
    rows = _rows(CAT, GFS)
    assert {r[1] for r in rows if r[2] == "tape"} == {"synthetic_full", "active_full"}
    with pytest.raises(ValueError, match=r"design\.offsite: its target 'tape'"):
        evaluate(
            Workload(data_size=500),
            Design(
                interval=24,
                scheme="forever_forward",
                target="local_disk",
                offsite="tape_vault_weekly",
            ),
        )


def test_schemes_default_to_all_and_bad_names_are_named() -> None:
    data = CAT.model_dump()
    target = data["targets"]["local_disk"]
    del target["schemes"]
    assert Catalog.model_validate(data).targets["local_disk"].schemes == SCHEMES
    target["schemes"] = ["forward"]
    with pytest.raises(ValueError, match="schemes: 'forward' is not a chain scheme; use some of"):
        Catalog.model_validate(data)
    target["schemes"] = []
    with pytest.raises(ValueError, match="schemes: \\[\\] but roles has 'primary'"):
        Catalog.model_validate(data)


def test_space_keeps_every_supported_combination() -> None:
    # the filter removes only unsupported rows: with every scheme allowed everywhere the
    # space is as large as before minus nothing
    data = CAT.model_dump()
    for t in data["targets"].values():
        t["schemes"] = list(SCHEMES)
    data["targets"]["object_archive"]["roles"] = ["longterm"]
    loose = Catalog.model_validate(data)
    strict_rows = set(_rows(CAT, GFS))
    loose_rows = _rows(loose, GFS)
    expected = {
        r
        for r in loose_rows
        if not violations(Design(interval=24, scheme=r[1], target=r[0]), CAT)
        and (r[2] is None or r[1] in CAT.targets[r[2]].schemes)
    }
    assert strict_rows <= set(loose_rows)
    assert {r[:4] for r in strict_rows} == {r[:4] for r in expected}


# --- long-term points obey the ask (item 3) ----------------------------------------------


def test_offsite_ask_is_not_met_by_gfs_points_at_the_primary_site() -> None:
    w = Workload(data_size=2000, daily_change=0.02)
    ask = Requirements(rpo=24, rto=24 * 7, retention=GFS, offsite=True)  # a week: ransomware
    on_site = Design(
        interval=12,
        scheme="synthetic_full",
        target="local_hardened",
        offsite="cloud_copy_hot",
        longterm="local_disk",
        link="wan_1g",
    )
    plan = evaluate(w, on_site, requirements=ask)
    assert plan.meets_requirements is False
    assert any(
        "GFS points (4 weekly, 12 monthly, 7 yearly) stay at the primary site on 'local_disk'" in v
        for v in plan.violations
    )
    # the same points on the cloud long-term target meet it
    off_site = on_site.model_copy(update={"longterm": "object_archive"})
    assert evaluate(w, off_site, requirements=ask).meets_requirements is True
    # and without a separate long-term target they stay with the chain, at the primary site
    chain = on_site.model_copy(update={"longterm": None})
    assert evaluate(w, chain, requirements=ask).meets_requirements is False
    best = cheapest(w, ask).plan
    assert best is not None and not points_unmet(best.design, CAT, ask)


def test_immutable_ask_is_not_met_by_gfs_points_on_mutable_storage() -> None:
    w = Workload(data_size=2000, daily_change=0.02)
    ask = Requirements(rpo=24, rto=24 * 7, retention=GFS, immutable=True)  # a week: ransomware
    mutable = Design(
        interval=12,
        scheme="synthetic_full",
        target="local_hardened",
        offsite="cloud_copy_hot",
        longterm="local_disk",
        link="wan_1g",
    )
    plan = evaluate(w, mutable, requirements=ask)
    assert plan.meets_requirements is False
    assert any("stay on mutable storage on 'local_disk'" in v for v in plan.violations)
    immutable = mutable.model_copy(update={"longterm": None})
    assert evaluate(w, immutable, requirements=ask).meets_requirements is True
    # short-term points on mutable disk with only the GFS points immutable do not meet it
    short = Design(
        interval=24, scheme="synthetic_full", target="local_disk", longterm="local_hardened"
    )
    plan = evaluate(w, short, requirements=ask)
    assert plan.meets_requirements is False
    assert any(
        "short-term points on 'local_disk' have no immutable copy" in v for v in plan.violations
    )
    best = cheapest(w, ask).plan
    assert best is not None and not points_unmet(best.design, CAT, ask)


# --- every plan the library returns obeys every rule --------------------------------------


@pytest.mark.slow
@given(w=workloads(), ask=asks(ransomware_in_reach=True))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_cheapest_plans_obey_every_rule(w: Workload, ask: Requirements) -> None:
    plan = cheapest(w, ask).plan
    if plan is not None:
        assert not violations(plan.design, CAT)
        assert not points_unmet(plan.design, CAT, ask)


@pytest.mark.slow
@given(w=workloads(), ask=asks(ransomware_in_reach=True))
@SLOW
def test_every_returned_plan_obeys_every_rule(w: Workload, ask: Requirements) -> None:
    designs: list[Design] = []
    neg = rtocalc.negotiate(w, ask.model_copy(update={"budget": 2000.0}))
    for offer in (neg.best_rto_in_budget, neg.best_rpo_in_budget, *neg.counter_offers):
        if offer is not None:
            designs.append(offer.plan.design)
    if neg.plan is not None:
        designs.append(neg.plan.design)
        assert not points_unmet(neg.plan.design, CAT, ask)
    designs += [p.design for p in rtocalc.frontier(w, ask, max_cost=5000).plans]
    curve = rtocalc.cost_curve(w, ask, axis="rto", targets=[1.0, 8.0, 48.0])
    designs += [step.plan.design for step in curve.steps]
    robust = rtocalc.robust_cheapest(w, ask, samples=200, seed=1)
    if robust.design is not None:
        designs.append(robust.design)
    for d in designs:
        assert not violations(d, CAT), d
    assert np.all([d.scheme in SCHEMES for d in designs])

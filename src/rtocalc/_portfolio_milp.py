"""The portfolio's multiple-choice problem: one option per system under shared limits.

Private module of :mod:`rtocalc.portfolio` (which imports these names under their old
private names): a mixed-integer program over types of interchangeable systems, solved
with :func:`scipy.optimize.milp` (HiGHS), and the duals of its LP relaxation as shadow
prices (docs/portfolio.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .units import TOL

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SystemType:
    """Interchangeable systems: their number and their options' figures."""

    count: int
    outlay: FloatArray  # (K, 2) [currency/month] at the long and the short end
    objective: FloatArray  # (K, 2) [currency/month]
    traffic: FloatArray  # (K,) [Mbit/s]
    mix: NDArray[np.bool_]  # (K,) whether the two ends may be mixed
    link: IntArray | None = None  # (K,) the shared link each option uses, -1 none


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "infeasible" or the solver's message
    counts: list[IntArray] | None  # per type: systems on each option
    weights: list[FloatArray] | None  # per type: summed weight on each option's long end
    objective: float
    gap: float
    prices: dict[str, float]  # constraint -> objective saved per unit of capacity
    bought: NDArray[np.bool_] | None = None  # (L,) the shared links paid for


def points(
    outlay: Sequence[FloatArray],
    objective: Sequence[FloatArray],
    traffic: Sequence[FloatArray] | None,
) -> list[SystemType]:
    """One type of one system per row of the tables, its candidates as points."""
    out = []
    for i, o in enumerate(outlay):
        o = np.asarray(o, dtype=float)
        f = np.asarray(objective[i], dtype=float)
        t = np.asarray(traffic[i], dtype=float) if traffic is not None else np.zeros(o.size)
        out.append(
            SystemType(
                1, np.column_stack([o, o]), np.column_stack([f, f]), t, np.zeros(o.size, bool)
            )
        )
    return out


def solve_types(
    types: Sequence[SystemType],
    budget: float | None,
    capacity: float | None = None,
    *,
    mip_rel_gap: float = 1e-9,
    time_limit: float | None = None,
    duals: bool = True,
    relaxed: bool = False,
    charges: FloatArray | None = None,
) -> Solution:
    """Assign every system of every type an option: min total objective, total outlay <=
    budget, total traffic <= capacity (each row only when its limit is given).

    ``charges`` (L,) [currency/month] are the fixed charges of the shared links (port and
    circuit): link ``l`` gets a binary ``y_l``, paid once in the objective and the budget
    row, with ``z_tk <= n_t y_l`` for every option ``k`` that uses it (``SystemType.link``);
    the options' own outlay and objective exclude the charge.

    Variables per (type t, option k): an integer ``z`` in [0, n_t], the number of the
    type's systems on the option, and for a mixable option two continuous weights
    ``a`` (long end) and ``b`` (short end) with ``a + b = z``. Rows: sum_k z_tk = n_t per
    type, a + b - z = 0 per mixable option, and the budget and link rows. ``relaxed``
    solves the LP relaxation instead (its objective is the LP's value; for tests).
    """
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import coo_matrix, vstack

    if not types:
        return Solution("optimal", [], [], 0.0, 0.0, {})
    if any(len(t.traffic) == 0 for t in types):
        return Solution("infeasible", None, None, math.inf, math.inf, {})
    sizes = np.array([len(t.traffic) for t in types], dtype=np.int64)
    nz = int(sizes.sum())
    mix = np.concatenate([t.mix for t in types])
    nm = int(mix.sum())
    count = np.array([t.count for t in types], dtype=float)
    o = np.concatenate([t.outlay for t in types])
    f = np.nan_to_num(np.concatenate([t.objective for t in types]), posinf=1e15)
    tr = np.concatenate([t.traffic for t in types])
    fixed = np.zeros(0) if charges is None else np.asarray(charges, dtype=float)
    n_l = fixed.size
    lk = np.concatenate(
        [t.link if t.link is not None else np.full(len(t.traffic), -1) for t in types]
    ).astype(np.int64)
    # variable layout: z (nz), then a and b of the mixable options (nm each), then y (n_l)
    m_idx = np.flatnonzero(mix)
    nvar = nz + 2 * nm + n_l
    a_col, b_col = nz + np.arange(nm), nz + nm + np.arange(nm)
    y_col = nz + 2 * nm + np.arange(n_l)
    c = np.concatenate([np.where(mix, 0.0, f[:, 0]), f[m_idx, 0], f[m_idx, 1], fixed])
    owner = np.repeat(np.arange(len(types)), sizes)
    eq_r = [
        owner,
        len(types) + np.arange(nm),
        len(types) + np.arange(nm),
        len(types) + np.arange(nm),
    ]
    eq_c = [np.arange(nz), a_col, b_col, m_idx]
    eq_v = [np.ones(nz), np.ones(nm), np.ones(nm), -np.ones(nm)]
    n_eq = len(types) + nm
    a_eq = coo_matrix(
        (np.concatenate(eq_v), (np.concatenate(eq_r), np.concatenate(eq_c))), shape=(n_eq, nvar)
    ).tocsr()
    b_eq = np.concatenate([count, np.zeros(nm)])
    rows: list[FloatArray] = []
    ub: list[float] = []
    names: list[str] = []
    if budget is not None:
        rows.append(
            np.concatenate([np.where(mix, 0.0, o[:, 0]), o[m_idx, 0], o[m_idx, 1], fixed])
        )
        ub.append(float(budget) + TOL)
        names.append("budget")
    if capacity is not None:
        rows.append(np.concatenate([np.where(mix, 0.0, tr), tr[m_idx], tr[m_idx], np.zeros(n_l)]))
        ub.append(float(capacity) + TOL)
        names.append("link")
    # linking rows z_tk - n_t y_l <= 0: an option on link l only once l is paid for
    uses = np.flatnonzero((lk >= 0) & (lk < n_l))
    n_use = uses.size
    linking = coo_matrix(
        (
            np.concatenate([np.ones(n_use), -count[owner[uses]]]),
            (np.tile(np.arange(n_use), 2), np.concatenate([uses, y_col[lk[uses]]])),
        ),
        shape=(n_use, nvar),
    )
    a_ub = (
        vstack([coo_matrix(np.vstack(rows)), linking]).tocsr()
        if rows
        else linking.tocsr()
    )
    ub.extend([0.0] * n_use)
    upper = np.concatenate(
        [
            np.repeat(count, sizes),
            np.repeat(count, sizes)[m_idx],
            np.repeat(count, sizes)[m_idx],
            np.ones(n_l),
        ]
    )
    whole = 0.0 if relaxed else 1.0
    integrality = np.concatenate([np.full(nz, whole), np.zeros(2 * nm), np.full(n_l, whole)])
    options: dict[str, Any] = {"mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = time_limit
    # HiGHS meets a row within its feasibility tolerance (about 1e-7 of it after scaling),
    # so a chosen portfolio may exceed the budget by that much. The library's promise is
    # spend <= budget + allowed (TOL of the budget): a solution beyond it first moves
    # weight of its mixed options to their cheaper end (the interval's continuous part
    # absorbs the excess, :func:`trim`); if that is not enough (whole designs over the
    # budget) it is solved again against the budget row lowered by twice the excess, at
    # most ``_RESOLVES`` times.
    allowed = None if budget is None else TOL * max(1.0, abs(float(budget)))
    limits = np.array(ub)
    for _ in range(_RESOLVES + 1):
        constraints = [LinearConstraint(a_eq, b_eq, b_eq)]
        if a_ub.shape[0]:
            constraints.append(LinearConstraint(a_ub, -np.inf, limits))
        res = milp(
            c,
            integrality=integrality,
            bounds=Bounds(np.zeros(nvar), upper),
            constraints=constraints,
            options=options,
        )
        if res.x is None:
            status = "infeasible" if res.status == 2 else str(res.message)
            return Solution(status, None, None, math.inf, math.inf, {})
        x = np.asarray(res.x)
        z = np.rint(x[:nz]).astype(np.int64)
        w = np.where(mix, 0.0, z).astype(float)  # points: every system at the long end
        w[m_idx] = np.clip(x[a_col], 0.0, z[m_idx])
        # a link is paid for when an option on it is chosen (a free link may be left at 0)
        bought = np.zeros(n_l, bool)
        bought[lk[uses][z[uses] > 0]] = True
        paid = float(fixed[bought].sum())
        # a relaxation's counts are fractions: there is nothing to round, trim or re-solve
        if budget is None or allowed is None or relaxed:
            break
        excess = spend_of(o, z, w) + paid - float(budget)
        if excess > allowed:
            w = trim(o, z, w, mix, excess)
            excess = spend_of(o, z, w) + paid - float(budget)
        if excess <= allowed:
            break
        limits[0] -= 2.0 * excess
    else:
        return Solution(
            "infeasible: no choice fits the budget beyond the solver's tolerance",
            None, None, math.inf, math.inf, {},
        )  # fmt: skip
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    counts = [z[s : s + k] for s, k in zip(starts, sizes, strict=True)]
    weights = [w[s : s + k] for s, k in zip(starts, sizes, strict=True)]
    value = (
        float(res.fun) if relaxed else float(np.sum(w * f[:, 0] + (z - w) * f[:, 1])) + paid
    )
    gap = float(res.mip_gap) if getattr(res, "mip_gap", None) is not None else 0.0
    prices: dict[str, float] = {}
    if duals and names:
        lp = linprog(
            c,
            A_ub=a_ub,
            b_ub=np.array(ub),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=np.column_stack([np.zeros(nvar), upper]),
            method="highs",
        )
        if lp.status == 0:
            marg = np.asarray(lp.ineqlin.marginals, dtype=float)
            prices = {name: float(-marg[k]) for k, name in enumerate(names)}
    status = "optimal" if res.status == 0 else str(res.message)
    return Solution(status, counts, weights, value, gap, prices, bought)


#: how often a portfolio beyond the budget's tolerance is solved again (lowered row)
_RESOLVES = 3


def spend_of(outlay: FloatArray, counts: IntArray, weights: FloatArray) -> float:
    """Total outlay of a solution [currency/month]: ``weights`` of the systems at each
    option's long end, ``counts - weights`` at its short end (``outlay`` (K, 2))."""
    return float(np.sum(weights * outlay[:, 0] + (counts - weights) * outlay[:, 1]))


def trim(
    outlay: FloatArray, counts: IntArray, weights: FloatArray, mix: NDArray[np.bool_], excess: float
) -> FloatArray:
    """``weights`` with ``excess`` [currency/month] of spend moved off: systems of mixed
    options move from the dearer end to the cheaper long end (a longer interval), in
    option order, until the excess is gone or no mixed option has room."""
    w = weights.copy()
    for i in np.flatnonzero(mix):
        slope = float(outlay[i, 1] - outlay[i, 0])  # saved per unit of weight moved
        room = float(counts[i] - w[i])
        if excess <= 0.0:
            break
        if slope <= 0.0 or room <= 0.0:
            continue
        step = min(room, excess / slope)
        w[i] += step
        excess -= step * slope
    return w


@dataclass(frozen=True)
class Choice:
    status: str
    choice: IntArray | None  # candidate index per system
    objective: float
    gap: float
    prices: dict[str, float]


def solve(
    outlay: Sequence[FloatArray],
    objective: Sequence[FloatArray],
    budget: float | None,
    traffic: Sequence[FloatArray] | None = None,
    capacity: float | None = None,
    *,
    mip_rel_gap: float = 1e-9,
    time_limit: float | None = None,
    duals: bool = True,
) -> Choice:
    """Choose one candidate per system (each system its own type, candidates as points)."""
    sol = solve_types(
        points(outlay, objective, traffic),
        budget,
        capacity if traffic is not None else None,
        mip_rel_gap=mip_rel_gap,
        time_limit=time_limit,
        duals=duals,
    )
    if sol.counts is None:
        return Choice(sol.status, None, sol.objective, sol.gap, sol.prices)
    choice = np.array([int(np.argmax(c)) for c in sol.counts], dtype=np.int64)
    return Choice(sol.status, choice, sol.objective, sol.gap, sol.prices)

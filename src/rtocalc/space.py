"""The design space as columns: one row per design, every metric evaluated at once.

A design space is a struct of numpy integer arrays (one per decision variable) indexing
into the catalog's entries. :func:`evaluate_space` gathers the catalog figures for every
row and calls the formula functions of :mod:`rtocalc.physics`, :mod:`rtocalc.retention`
and :mod:`rtocalc.cost` once, on whole columns: there is no per-design Python loop.

This module is the facade of the kernel's private modules, each small and named for
what it holds:

- :mod:`rtocalc._space_tables`: catalog figures as arrays (:class:`Tables`);
- :mod:`rtocalc._space_design`: the design space (:class:`DesignSpace`,
  :func:`build_space`, :func:`space_of`) and the support checks;
- :mod:`rtocalc._space_paths`: the recovery paths (:class:`Path`), the outage clock and
  each path's RTO (:func:`path_rto`);
- :mod:`rtocalc._space_evaluation`: :class:`Evaluation` and its row subsets
  (:func:`take_rows`, :func:`gather_rows`), :func:`path_clock`;
- :mod:`rtocalc._space_figures`: figures per combination of catalog choices;
- :mod:`rtocalc._space_interval`: the backup interval solve;
- :mod:`rtocalc._space_kernel`: :func:`evaluate_space` (a recovery path is a unit there);
- :mod:`rtocalc._space_costs`: storage and monthly outlay (:func:`row_costs`);
- :mod:`rtocalc._space_protection`: the protection axis (snapshots, journals,
  database-native protection): its catalog tables and figures.

Private module: the public entry points are :func:`rtocalc.cheapest` and
:func:`rtocalc.evaluate`.
"""

from __future__ import annotations

from ._space_costs import RowCosts, row_costs
from ._space_design import (
    DesignSpace,
    Keys,
    WorkloadColumns,
    build_space,
    check_interval,
    detection_binds,
    has_immutable,
    has_offsite,
    space_of,
    unmet_points,
)
from ._space_evaluation import Evaluation, gather_rows, path_clock, take_rows
from ._space_figures import figures_of
from ._space_kernel import evaluate_space
from ._space_paths import INTERVAL_DEPENDENT, NO_PATH, PATHS, Path, PathFigures, path_rto
from ._space_protection import protection_words
from ._space_tables import REPLICATION, FloatArray, IntArray

__all__ = [
    "INTERVAL_DEPENDENT",
    "NO_PATH",
    "PATHS",
    "REPLICATION",
    "DesignSpace",
    "Evaluation",
    "FloatArray",
    "IntArray",
    "Keys",
    "Path",
    "PathFigures",
    "RowCosts",
    "WorkloadColumns",
    "build_space",
    "check_interval",
    "detection_binds",
    "evaluate_space",
    "figures_of",
    "gather_rows",
    "has_immutable",
    "has_offsite",
    "path_clock",
    "path_rto",
    "protection_words",
    "row_costs",
    "space_of",
    "take_rows",
    "unmet_points",
]

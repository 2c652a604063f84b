"""The linear formulation shared by the exact solvers, solved by HiGHS (scipy).

One binary variable per candidate pair (:class:`~.problem.Edges`). Rows: each application's
number of reviewers, each reviewer's load, one row per (application, institution) and
(application, country) that has two or more candidates, each application's outside
reviewer. Without diversity rows the matrix is that of a bipartite b-matching (totally
unimodular): the linear relaxation is integral, so the LP (a min-cost flow) is exact; the
diversity rows are laminar with it as long as an institution lies in one country, and the
integrality of the answer is checked anyway (a MILP takes over when it is fractional).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from scipy.sparse import coo_array, csr_array

from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    Edges,
    FloatArray,
    IntArray,
)

_INTEGRAL = 1e-6


@dataclass(frozen=True)
class Rows:
    """Constraint rows over the edge variables: ``lower <= matrix @ x <= upper``."""

    matrix: csr_array
    lower: FloatArray
    upper: FloatArray


def _group_rows(edges: Edges, labels: IntArray, n_rows_before: int) -> tuple[IntArray, IntArray]:
    """Row ids (from ``n_rows_before``) of at-most-one groups with two or more edges."""
    key = edges.rows * (int(labels.max()) + 1) + labels[edges.cols]
    unique, group, counts = np.unique(key, return_inverse=True, return_counts=True)
    del unique
    used = counts[group] >= 2
    renumber = np.cumsum(counts >= 2) - 1
    return np.flatnonzero(used), n_rows_before + renumber[group[used]]


def constraint_rows(
    problem: AssignmentProblem,
    edges: Edges,
    *,
    exact_k: bool = True,
    loads: bool = True,
    outside: bool = True,
) -> Rows:
    """The rows of the assignment's rules over ``edges``.

    ``exact_k=False`` asks for at most ``k`` reviewers per application (a partial
    assignment); ``loads=False`` drops the minimum loads; ``outside=False`` the outside rule.
    """
    n_app, n_rev, n = problem.n_applications, problem.n_reviewers, len(edges)
    index = np.arange(n)
    row_ids = [edges.rows, n_app + edges.cols]
    col_ids = [index, index]
    k = problem.k.astype(np.float64)
    lower = [k if exact_k else np.zeros(n_app), problem.min_load.astype(np.float64)]
    upper = [k, problem.max_load.astype(np.float64)]
    if not loads:
        lower[1] = np.zeros(n_rev)
    count = n_app + n_rev
    for labels in (problem.institution, problem.country):
        if labels is None or n == 0:
            continue
        members, groups = _group_rows(edges, labels, count)
        n_groups = int(groups.max()) + 1 - count if len(groups) else 0
        row_ids.append(groups)
        col_ids.append(members)
        lower.append(np.zeros(n_groups))
        upper.append(np.ones(n_groups))
        count += n_groups
    if outside and problem.outside is not None:
        marked = np.flatnonzero(problem.outside[edges.rows, edges.cols])
        row_ids.append(count + edges.rows[marked])
        col_ids.append(marked)
        lower.append(np.minimum(1.0, k))
        upper.append(np.full(n_app, np.inf))
        count += n_app
    matrix = coo_array(
        (np.ones(sum(len(r) for r in row_ids)), (np.concatenate(row_ids), np.concatenate(col_ids))),
        shape=(count, n),
    ).tocsr()
    return Rows(matrix, np.concatenate(lower), np.concatenate(upper))


def solve_binary(
    objective: FloatArray,
    rows: Rows,
    *,
    time_limit: float,
    extra: list[LinearConstraint] | None = None,
    n_continuous: int = 0,
    lp_first: bool = True,
) -> tuple[FloatArray | None, bool]:
    """Maximise ``objective @ x`` over binary ``x`` (plus ``n_continuous`` free
    continuous variables at the end, whose columns ``extra`` constraints carry).

    Returns the solution (``None`` when infeasible or out of time without one) and whether
    it is proven optimal. The LP relaxation is tried first when ``lp_first``: integral, it
    is the optimum (and far faster than branch and bound on a flow-like matrix).
    """
    n = len(objective) - n_continuous
    if len(objective) == 0:  # nothing to choose: feasible when choosing nothing is
        feasible = bool(np.all(rows.lower <= 0) and np.all(rows.upper >= 0))
        return (np.zeros(0) if feasible else None), True
    lower = np.concatenate([np.zeros(n), np.full(n_continuous, -np.inf)])
    upper = np.concatenate([np.ones(n), np.full(n_continuous, np.inf)])
    if n_continuous:
        padding = csr_array((rows.matrix.shape[0], n_continuous))
        from scipy.sparse import hstack

        matrix = hstack([rows.matrix, padding]).tocsr()
    else:
        matrix = rows.matrix
    constraints = [LinearConstraint(matrix, rows.lower, rows.upper), *(extra or [])]
    if lp_first:
        lp = _lp(objective, constraints, lower, upper, time_limit)
        if lp is not None and lp.status == 0:
            x = np.asarray(lp.x, dtype=np.float64)
            if np.all(np.abs(x[:n] - np.round(x[:n])) <= _INTEGRAL):
                x[:n] = np.round(x[:n])
                return x, True
        elif lp is not None and lp.status == 2:
            return None, True  # the relaxation is infeasible: so is the problem
    result = milp(
        -objective,
        constraints=constraints,
        bounds=Bounds(lower, upper),
        integrality=np.concatenate([np.ones(n), np.zeros(n_continuous)]),
        options={"time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        return None, result.status == 2
    x = np.asarray(result.x, dtype=np.float64)
    x[:n] = np.round(x[:n])
    return x, result.status == 0


def _lp(
    objective: FloatArray,
    constraints: list[LinearConstraint],
    lower: FloatArray,
    upper: FloatArray,
    time_limit: float,
) -> OptimizeResult | None:
    """The LP relaxation by HiGHS (``linprog`` wants ``<=`` and ``==`` blocks)."""
    from scipy.sparse import vstack

    ub_blocks = []
    ub_values = []
    eq_blocks = []
    eq_values = []
    for constraint in constraints:
        matrix = csr_array(constraint.A)
        lo = np.asarray(constraint.lb, dtype=np.float64) * np.ones(matrix.shape[0])
        hi = np.asarray(constraint.ub, dtype=np.float64) * np.ones(matrix.shape[0])
        equal = lo == hi
        if equal.any():
            eq_blocks.append(matrix[np.flatnonzero(equal)])
            eq_values.append(hi[equal])
        upper_rows = ~equal & np.isfinite(hi)
        if upper_rows.any():
            ub_blocks.append(matrix[np.flatnonzero(upper_rows)])
            ub_values.append(hi[upper_rows])
        lower_rows = ~equal & np.isfinite(lo)
        if lower_rows.any():
            ub_blocks.append(-matrix[np.flatnonzero(lower_rows)])
            ub_values.append(-lo[lower_rows])
    result: OptimizeResult = linprog(
        -objective,
        A_ub=vstack(ub_blocks).tocsr() if ub_blocks else None,
        b_ub=np.concatenate(ub_values) if ub_values else None,
        A_eq=vstack(eq_blocks).tocsr() if eq_blocks else None,
        b_eq=np.concatenate(eq_values) if eq_values else None,
        bounds=np.column_stack([lower, upper]),
        method="highs",
        options={"time_limit": time_limit, "presolve": True},
    )
    return result

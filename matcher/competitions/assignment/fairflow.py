"""FairFlow (Kobren, Saha & McCallum, KDD 2019): a fair assignment by repeated flows.

From the paper's definition: start from the most-total assignment (a min-cost flow); for a
target ``T`` on every application's total expertise, repeat a *refine* step: the
applications below ``T`` (the poor ones) and those at or above ``T + A_max`` (rich enough
to lose any reviewer and stay above ``T``; ``A_max`` the largest expertise) each give up
their weakest reviewer, and a flow hands one reviewer back to each, the poor ones served
first (their expertise weighted far above the rich ones'); stop when nobody is below
``T`` (success) or the total shortfall stops shrinking (failure). A binary search over
``T`` keeps the highest target reached. The paper proves every application then gets at
least ``T - A_max``; it is a heuristic for the max-min problem that :mod:`.minmax` solves
exactly, and much cheaper.

Diversity rules are kept in each step: a replacement reviewer must not share an
institution or country (when those rules apply) with the application's remaining
reviewers, and it must come from outside the applicants' countries when the drained
reviewer was the application's only outside one.
"""

from __future__ import annotations

import time

import numpy as np

from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.exact import ExactSolver
from matcher.competitions.assignment.fast import FastSolver
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    BoolArray,
    Edges,
    FloatArray,
    IntArray,
    application_totals,
)

_SEARCH_STEPS = 10
_REFINE_ROUNDS = 30
_POOR_WEIGHT = 1000.0
_EXACT_PAIRS = 400_000


class FairFlowSolver(AssignmentSolver):
    """FairFlow: binary search on the target, each target refined by drain-and-reflow
    flows (see the module docstring)."""

    name = "fairflow"
    objective = "fair"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        started = time.monotonic()
        large = problem.n_pairs > _EXACT_PAIRS
        start_kind = FastSolver if large else ExactSolver
        start = start_kind(
            seed=self.seed, time_limit=self.time_limit, shortlist=self.shortlist
        ).solve(problem)
        if start is None or problem.n_applications == 0:
            return start
        edges = problem.edges(self._shortlist_size(problem) if large else self.shortlist)
        best = start
        low = float(application_totals(problem, start).min())
        high = _upper_bound(problem, edges)
        a_max = float(np.abs(edges.values).max()) if len(edges) else 0.0
        for _ in range(_SEARCH_STEPS):
            if high - low <= 1e-4 or time.monotonic() - started > self.time_limit:
                break
            target = (low + high) / 2
            refined = self._refine(problem, edges, best, target, a_max)
            if refined is None:
                high = target
            else:
                best = refined
                low = max(target, float(application_totals(problem, refined).min()))
        return AssignmentSolution(best.rows, best.cols, optimal=False)

    def _refine(
        self,
        problem: AssignmentProblem,
        edges: Edges,
        solution: AssignmentSolution,
        target: float,
        a_max: float,
    ) -> AssignmentSolution | None:
        rows, cols = solution.rows.copy(), solution.cols.copy()
        for _ in range(_REFINE_ROUNDS):
            current = AssignmentSolution(rows, cols)
            totals = application_totals(problem, current)
            shortfall = float(np.clip(target - totals, 0, None).sum())
            poor = totals < target
            if not poor.any():
                return current
            rich = totals >= target + a_max
            step = _drain_and_reflow(problem, edges, rows, cols, poor, rich)
            if step is None:
                return None
            new_rows, new_cols = step
            new_totals = application_totals(problem, AssignmentSolution(new_rows, new_cols))
            if float(np.clip(target - new_totals, 0, None).sum()) >= shortfall - 1e-9:
                return None
            rows, cols = new_rows, new_cols
        return None


def _upper_bound(problem: AssignmentProblem, edges: Edges) -> float:
    """The smallest, over applications, of the sum of its ``k`` best candidates."""
    bound = np.inf
    order = np.lexsort((-edges.values, edges.rows))
    starts = np.searchsorted(edges.rows[order], np.arange(problem.n_applications))
    ends = np.searchsorted(edges.rows[order], np.arange(problem.n_applications), side="right")
    for i in range(problem.n_applications):
        top = edges.values[order[starts[i] : ends[i]]][: int(problem.k[i])]
        bound = min(bound, float(top.sum()))
    return float(bound)


def _drain_and_reflow(
    problem: AssignmentProblem,
    edges: Edges,
    rows: IntArray,
    cols: IntArray,
    poor: BoolArray,
    rich: BoolArray,
) -> tuple[IntArray, IntArray] | None:
    """Drain the weakest reviewer of each poor and rich application; hand one back to
    each by a flow that serves the poor first. ``None`` when no reflow exists."""
    values = np.nan_to_num(np.asarray(problem.scores[rows, cols], np.float64))
    drained_apps = np.flatnonzero(poor | rich)
    # Each drained application's weakest reviewer (ties: the higher reviewer index).
    order = np.lexsort((-cols, values, rows))
    first = np.searchsorted(rows[order], drained_apps)
    dropped = order[first]
    keep = np.ones(len(rows), dtype=np.bool_)
    keep[dropped] = False
    kept_rows, kept_cols = rows[keep], cols[keep]
    load = np.bincount(kept_cols, minlength=problem.n_reviewers)
    slot = np.full(problem.n_applications, -1, dtype=np.int64)
    slot[drained_apps] = np.arange(len(drained_apps))
    candidate = slot[edges.rows] >= 0
    candidate &= load[edges.cols] < problem.max_load[edges.cols]
    assigned = set(zip(kept_rows.tolist(), kept_cols.tolist(), strict=True))
    candidate &= np.fromiter(
        (
            (i, j) not in assigned
            for i, j in zip(edges.rows.tolist(), edges.cols.tolist(), strict=True)
        ),
        dtype=np.bool_,
        count=len(edges),
    )
    for labels in (problem.institution, problem.country):
        if labels is not None:
            used = set(zip(kept_rows.tolist(), labels[kept_cols].tolist(), strict=True))
            candidate &= np.fromiter(
                (
                    (i, lab) not in used
                    for i, lab in zip(edges.rows.tolist(), labels[edges.cols].tolist(), strict=True)
                ),
                dtype=np.bool_,
                count=len(edges),
            )
    if problem.outside is not None:
        has = np.bincount(
            kept_rows,
            weights=problem.outside[kept_rows, kept_cols],
            minlength=problem.n_applications,
        )
        must = has < 1
        candidate &= ~must[edges.rows] | problem.outside[edges.rows, edges.cols]
    sub = edges.subset(candidate)
    sub = Edges(slot[sub.rows], sub.cols, sub.values)
    n_drained = len(drained_apps)
    shape = (n_drained, problem.n_reviewers)
    reflow = AssignmentProblem(
        scores=np.broadcast_to(np.float32(0), shape),
        allowed=np.broadcast_to(np.True_, shape),
        k=np.ones(n_drained, dtype=np.int64),
        min_load=np.clip(problem.min_load - load, 0, None),
        max_load=problem.max_load - load,
    )
    weight: FloatArray = sub.values * np.where(poor[drained_apps][sub.rows], _POOR_WEIGHT, 1.0)
    x, _ = solve_binary(weight, constraint_rows(reflow, sub), time_limit=60.0)
    if x is None:
        return None
    picked = np.flatnonzero(x > 0.5)
    new_rows = np.concatenate([kept_rows, drained_apps[sub.rows[picked]]])
    new_cols = np.concatenate([kept_cols, sub.cols[picked]])
    return new_rows, new_cols

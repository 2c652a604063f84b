"""FairFlow (Kobren, Saha & McCallum, KDD 2019): a fair assignment by repeated flows.

From the paper's definition: start from the most-total assignment (a min-cost flow); for a
target ``T`` on every application's total expertise, repeat a *refine* step: the
applications below ``T`` (the poor ones) each drop their weakest reviewer and take one
back; those at or above ``T + A_max`` (rich enough to lose any reviewer and stay at or
above ``T``; ``A_max`` the largest expertise) may each release one reviewer to a poor one
and take one back from spare capacity; one flow decides who moves, the poor applications'
expertise weighted far above the rich ones'; stop when nobody is below
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
import numpy.typing as npt
from scipy.sparse import coo_array

from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.exact import ExactSolver
from matcher.competitions.assignment.fast import FastSolver
from matcher.competitions.assignment.formulation import Rows, solve_binary
from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    BoolArray,
    Edges,
    IntArray,
    application_totals,
    floor_bound,
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
        high = floor_bound(problem, edges)
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


def _pair_mask(
    edges: Edges, rows: IntArray, cols: IntArray, n_reviewers: int
) -> npt.NDArray[np.bool_]:
    """Per edge, whether its pair is among ``(rows, cols)``."""
    return np.isin(edges.rows * n_reviewers + edges.cols, rows * n_reviewers + cols)


def _label_clash(
    edges: Edges, rows: IntArray, cols: IntArray, labels: IntArray
) -> npt.NDArray[np.bool_]:
    """Per edge, whether its reviewer's label is already on its application."""
    width = int(labels.max()) + 1
    return np.isin(edges.rows * width + labels[edges.cols], rows * width + labels[cols])


def _drain_and_reflow(
    problem: AssignmentProblem,
    edges: Edges,
    rows: IntArray,
    cols: IntArray,
    poor: BoolArray,
    rich: BoolArray,
) -> tuple[IntArray, IntArray] | None:
    """One refine step: each poor application drops its weakest reviewer and takes one
    back; each rich one may release one reviewer (to a poor one) and takes one back from
    spare capacity. One flow-like program (HiGHS) decides which reviewers move, the poor
    applications' expertise weighted far above the rich ones'. ``None`` when it has no
    solution."""
    n_rev = problem.n_reviewers
    values = np.nan_to_num(np.asarray(problem.scores[rows, cols], np.float64))
    poor_apps = np.flatnonzero(poor)
    # Each poor application's weakest reviewer (ties: the higher reviewer index) is dropped.
    order = np.lexsort((-cols, values, rows))
    ordered = rows[order]
    dropped = order[np.searchsorted(ordered, poor_apps)]
    keep = np.ones(len(rows), dtype=np.bool_)
    keep[dropped] = False
    kept_rows, kept_cols = rows[keep], cols[keep]
    load = np.bincount(kept_cols, minlength=n_rev)
    # Releases: a rich application's pairs (not its only outside reviewer).
    releasable = rich[kept_rows]
    if problem.outside is not None:
        outside_kept = problem.outside[kept_rows, kept_cols]
        count = np.bincount(kept_rows, weights=outside_kept, minlength=problem.n_applications)
        releasable &= ~(outside_kept & (count[kept_rows] <= 1))
    release = np.flatnonzero(releasable)
    # New pairs: for poor and rich applications, reviewers not on them, diversity kept
    # against the reviewers they keep (a rich one against all its current reviewers).
    takers = poor | rich
    candidate = takers[edges.rows] & ~_pair_mask(edges, kept_rows, kept_cols, n_rev)
    for labels in (problem.institution, problem.country):
        if labels is not None:
            candidate &= ~_label_clash(edges, kept_rows, kept_cols, labels)
    if problem.outside is not None:
        has = np.bincount(
            kept_rows,
            weights=problem.outside[kept_rows, kept_cols],
            minlength=problem.n_applications,
        )
        must = poor & (has < 1)
        candidate &= ~must[edges.rows] | problem.outside[edges.rows, edges.cols]
    new = edges.subset(candidate)
    n_x, n_r = len(new), len(release)
    x_index, r_index = np.arange(n_x), n_x + np.arange(n_r)
    # Rows: one per poor application (= 1), one per rich application (new - released = 0),
    # one per rich application (released <= 1), one per reviewer (load bounds).
    app_row = np.full(problem.n_applications, -1, dtype=np.int64)
    app_row[poor_apps] = np.arange(len(poor_apps))
    rich_apps = np.flatnonzero(rich)
    app_row[rich_apps] = len(poor_apps) + np.arange(len(rich_apps))
    cap_row = len(poor_apps) + len(rich_apps) + np.arange(len(rich_apps))
    cap_of = np.full(problem.n_applications, -1, dtype=np.int64)
    cap_of[rich_apps] = cap_row
    reviewer_row = len(poor_apps) + 2 * len(rich_apps) + np.arange(n_rev)
    released_rows, released_cols = kept_rows[release], kept_cols[release]
    matrix = coo_array(
        (
            np.concatenate(
                [np.ones(n_x), -np.ones(n_r), np.ones(n_r), np.ones(n_x), -np.ones(n_r)]
            ),
            (
                np.concatenate(
                    [
                        app_row[new.rows],
                        app_row[released_rows],
                        cap_of[released_rows],
                        reviewer_row[new.cols],
                        reviewer_row[released_cols],
                    ]
                ),
                np.concatenate([x_index, r_index, r_index, x_index, r_index]),
            ),
        ),
        shape=(len(poor_apps) + 2 * len(rich_apps) + n_rev, n_x + n_r),
    ).tocsr()
    lower = np.concatenate(
        [
            np.ones(len(poor_apps)),
            np.zeros(2 * len(rich_apps)),
            (problem.min_load - load).astype(np.float64),
        ]
    )
    upper = np.concatenate(
        [
            np.ones(len(poor_apps)),
            np.zeros(len(rich_apps)),
            np.ones(len(rich_apps)),
            (problem.max_load - load).astype(np.float64),
        ]
    )
    weight = np.concatenate(
        [
            new.values * np.where(poor[new.rows], _POOR_WEIGHT, 1.0),
            -np.nan_to_num(np.asarray(problem.scores[released_rows, released_cols], np.float64)),
        ]
    )
    x, _ = solve_binary(weight, Rows(matrix, lower, upper), time_limit=60.0)
    if x is None:
        return None
    taken = np.flatnonzero(x[:n_x] > 0.5)
    gone = np.zeros(len(kept_rows), dtype=np.bool_)
    gone[release[x[n_x:] > 0.5]] = True
    new_rows = np.concatenate([kept_rows[~gone], new.rows[taken]])
    new_cols = np.concatenate([kept_cols[~gone], new.cols[taken]])
    return new_rows, new_cols

"""The large-competition solver: the exact formulation on a shortlist of candidates."""

from __future__ import annotations

import numpy as np

from matcher.competitions.assignment.base import AssignmentSolver, chosen
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import AssignmentProblem, AssignmentSolution

_REPAIRS = 6
# Up to this many allowed pairs the full graph is the last resort (beyond, it would not fit).
_FULL_PAIRS = 5_000_000
# A partial answer counts each review this much above its expertise (most reviews first).
_COVERAGE_BONUS = 10.0


class FastSolver(AssignmentSolver):
    """Maximise total expertise over a sparse candidate graph.

    Each application keeps its ``shortlist`` best allowed reviewers (and its best outside
    ones when the outside rule applies); each reviewer keeps its best applications. The
    flow LP on that graph (tens of candidates per application instead of every expert) is
    solved by HiGHS. When applications crowd the same topics their shortlists share the
    same few reviewers and the graph may have no assignment: the repair step then solves
    the partial problem (as many reviews as possible), gives each application left short
    its best reviewers among those with load to spare, and solves again. Small problems
    fall back on the full graph, so that the solver finds an assignment whenever one
    exists there.
    """

    name = "fast"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        size = self._shortlist_size(problem)
        if size >= problem.n_reviewers:
            return self._solve_on(problem, None)
        edges = problem.edges(size)
        for attempt in range(_REPAIRS):
            x, _ = solve_binary(
                edges.values, constraint_rows(problem, edges), time_limit=self.time_limit
            )
            if x is not None:
                return chosen(edges, x, False)
            rows = constraint_rows(problem, edges, exact_k=False, loads=False, outside=False)
            partial, _ = solve_binary(
                edges.values + _COVERAGE_BONUS, rows, time_limit=self.time_limit
            )
            if partial is None:
                break
            picked = partial[: len(edges)] > 0.5
            counts = np.bincount(edges.rows[picked], minlength=problem.n_applications)
            loads = np.bincount(edges.cols[picked], minlength=problem.n_reviewers)
            short = np.flatnonzero(counts < problem.k)
            spare = loads < problem.max_load
            if len(short) == 0:
                # Everyone is served but a load or outside rule fails: widen everywhere.
                short = np.arange(problem.n_applications)
            added = problem.best_among(spare, size * (attempt + 1), short)
            # A wider shortlist as well: the repaired graph is then close to the optimum's.
            edges = problem.with_pairs(problem.edges(size * 2 ** (attempt + 1)), *added)
        if problem.n_pairs <= _FULL_PAIRS:
            return self._solve_on(problem, None)
        return None

    def _solve_on(self, problem: AssignmentProblem, size: int | None) -> AssignmentSolution | None:
        edges = problem.edges(size)
        x, optimal = solve_binary(
            edges.values, constraint_rows(problem, edges), time_limit=self.time_limit
        )
        return None if x is None else chosen(edges, x, optimal)

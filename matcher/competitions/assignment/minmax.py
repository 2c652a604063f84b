"""The fair exact solver: the best worst-served application first, then most total."""

from __future__ import annotations

import numpy as np
from scipy.optimize import LinearConstraint
from scipy.sparse import coo_array, hstack

from matcher.competitions.assignment.base import AssignmentSolver, chosen
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    Edges,
    floor_bound,
)

_SLACK = 1e-6


def _totals_matrix(problem: AssignmentProblem, edges: Edges) -> coo_array:
    """Row ``i``: the expertise of application ``i``'s candidate pairs."""
    return coo_array(
        (edges.values, (edges.rows, np.arange(len(edges)))),
        shape=(problem.n_applications, len(edges)),
    )


class MinMaxSolver(AssignmentSolver):
    """Lexicographic max-min expertise by two MILPs (HiGHS), as OpenReview's MinMax and
    FairIR aim at (Kobren et al. 2019; Stelmakh et al. 2019 for the lexicographic view).

    Stage one maximises ``t`` subject to every application's total expertise being at
    least ``t`` and every rule of the assignment; stage two fixes that floor and maximises
    the total. Both stages are exact (up to the time limit): the worst-served
    application is as well served as any assignment allows, and among such assignments
    the total is the largest.
    """

    name = "minmax"
    exact = True
    objective = "fair"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        edges = problem.edges(self.shortlist)
        rows = constraint_rows(problem, edges)
        # The most-total assignment first: its worst case is a lower bound on the floor,
        # and when it meets the upper bound (each application's k best candidates) it is
        # already the answer (no assignment has a better worst case nor a larger total).
        start, start_optimal = solve_binary(edges.values, rows, time_limit=self.time_limit)
        if start is None:
            self.timed_out_ = not start_optimal  # ``optimal`` there: infeasibility proven
            return None
        values = np.bincount(
            edges.rows, weights=edges.values * start[: len(edges)], minlength=problem.n_applications
        )
        lower, upper = float(values.min()), floor_bound(problem, edges)
        if lower >= upper - _SLACK * max(1.0, abs(upper)):
            return chosen(edges, start, start_optimal and self.shortlist is None)
        totals = _totals_matrix(problem, edges)
        n = len(edges)
        # Stage one: variables x (binary) and t (free); sum_e s_e x_e - t >= 0 per application.
        floor = LinearConstraint(
            hstack([totals, coo_array(-np.ones((problem.n_applications, 1)))]).tocsr(),
            np.zeros(problem.n_applications),
            np.full(problem.n_applications, np.inf),
        )
        bounds = LinearConstraint(
            coo_array(([1.0], ([0], [n])), shape=(1, n + 1)).tocsr(), [lower], [upper]
        )
        objective = np.zeros(n + 1)
        objective[-1] = 1.0
        x, optimal = solve_binary(
            objective,
            rows,
            time_limit=self.time_limit,
            extra=[floor, bounds],
            n_continuous=1,
            lp_first=False,
        )
        if x is None:  # out of time without a better floor: the most-total answer
            return chosen(edges, start, False)
        best_floor = float(x[-1])
        # Stage two: the floor fixed (a hair of slack for the solver's tolerances).
        fixed = LinearConstraint(
            totals.tocsr(),
            np.full(problem.n_applications, best_floor - _SLACK * max(1.0, abs(best_floor))),
            np.full(problem.n_applications, np.inf),
        )
        second, second_optimal = solve_binary(
            edges.values, rows, time_limit=self.time_limit, extra=[fixed], lp_first=False
        )
        if second is None:  # out of time in stage two: stage one's answer is still fair
            return chosen(edges, x, False)
        return chosen(edges, second, optimal and second_optimal and self.shortlist is None)

"""The exact solver: most total expertise, by linear programming (HiGHS)."""

from __future__ import annotations

from matcher.competitions.assignment.base import AssignmentSolver, chosen
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import AssignmentProblem, AssignmentSolution


class ExactSolver(AssignmentSolver):
    """Maximise total expertise over every allowed pair.

    Without diversity rules this is a min-cost flow (bipartite b-matching), whose LP is
    integral; HiGHS solves the LP and the answer's integrality is checked, a MILP (branch
    and bound) taking over otherwise. ``None`` proves that no assignment exists (or the time
    limit passed without one).
    """

    name = "exact"
    exact = True

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        edges = problem.edges(self.shortlist)
        rows = constraint_rows(problem, edges)
        x, optimal = solve_binary(edges.values, rows, time_limit=self.time_limit)
        if x is None:
            self.timed_out_ = not optimal  # ``optimal`` there: infeasibility was proven
            return None
        return chosen(edges, x, optimal and self.shortlist is None)

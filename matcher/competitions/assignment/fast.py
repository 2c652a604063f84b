"""The large-competition solver: the exact formulation on a shortlist of candidates."""

from __future__ import annotations

from matcher.competitions.assignment.base import AssignmentSolver, chosen
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import AssignmentProblem, AssignmentSolution

_RETRIES = 3


class FastSolver(AssignmentSolver):
    """Maximise total expertise over a sparse candidate graph.

    Each application keeps its ``shortlist`` best allowed reviewers (and its best outside
    ones when the outside rule applies); each reviewer keeps enough of its best
    applications to reach its minimum load. The flow LP on that graph (tens of candidates
    per application instead of every expert) is solved by HiGHS; when the shortlist leaves
    the problem infeasible it is doubled and solved again, and finally the full graph is
    tried, so that the solver finds an assignment whenever one exists.
    """

    name = "fast"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        size = self._shortlist_size(problem)
        for _ in range(_RETRIES):
            if size >= problem.n_reviewers:
                break
            edges = problem.edges(size)
            x, _ = solve_binary(
                edges.values, constraint_rows(problem, edges), time_limit=self.time_limit
            )
            if x is not None:
                return chosen(edges, x, False)
            size *= 2
        edges = problem.edges(None)
        x, optimal = solve_binary(
            edges.values, constraint_rows(problem, edges), time_limit=self.time_limit
        )
        return None if x is None else chosen(edges, x, optimal)

"""A random feasible assignment (seeded): the floor any solver must beat."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.exact import ExactSolver
from matcher.competitions.assignment.fast import FastSolver
from matcher.competitions.assignment.problem import AssignmentProblem, AssignmentSolution

# Above this many allowed pairs the random weights go through the shortlist solver.
_EXACT_PAIRS = 400_000


class RandomSolver(AssignmentSolver):
    """Every rule met, expertise ignored: the exact formulation with independent uniform
    random weights (seeded) instead of expertise, so the assignment is a random vertex of
    the feasible set. ``None`` exactly when no assignment exists."""

    name = "random"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        rng = np.random.default_rng(self.seed)
        weights = rng.random(problem.scores.shape, dtype=np.float32)
        shuffled = replace(problem, scores=weights)
        kind = ExactSolver if problem.n_pairs <= _EXACT_PAIRS else FastSolver
        solver = kind(seed=self.seed, time_limit=self.time_limit, shortlist=self.shortlist)
        solution = solver.solve(shuffled)
        return None if solution is None else replace(solution, optimal=False)

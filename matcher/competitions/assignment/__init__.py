"""Expert assignment for grant competitions: encoding, solvers by name, explanations.

:func:`assign` is the entry point; :class:`AssignmentProblem` is what every solver sees
(arrays, no ids); :data:`SOLVERS` the registry (``exact``, ``fast``, ``minmax``,
``fairflow``, ``greedy``, ``random``; ``auto`` chooses).
"""

from __future__ import annotations

from matcher.competitions.assignment.assign import (
    Assignment,
    assign,
    encode,
    reviewer_pool,
    solve_problem,
)
from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.explain import Shortfall, shortfalls
from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    application_totals,
    violations,
)
from matcher.competitions.assignment.registry import (
    SOLVER_NAMES,
    SOLVERS,
    choose_solver,
    get_solver,
)

__all__ = [
    "SOLVERS",
    "SOLVER_NAMES",
    "Assignment",
    "AssignmentProblem",
    "AssignmentSolution",
    "AssignmentSolver",
    "Shortfall",
    "application_totals",
    "assign",
    "choose_solver",
    "encode",
    "get_solver",
    "reviewer_pool",
    "shortfalls",
    "solve_problem",
    "violations",
]

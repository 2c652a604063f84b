"""Assignment solvers by name, and the automatic choice."""

from __future__ import annotations

from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.exact import ExactSolver
from matcher.competitions.assignment.fairflow import FairFlowSolver
from matcher.competitions.assignment.fast import FastSolver
from matcher.competitions.assignment.greedy import GreedySolver
from matcher.competitions.assignment.minmax import MinMaxSolver
from matcher.competitions.assignment.problem import AssignmentProblem
from matcher.competitions.assignment.random_feasible import RandomSolver

SOLVERS: dict[str, type[AssignmentSolver]] = {
    kind.name: kind
    for kind in (ExactSolver, FastSolver, MinMaxSolver, FairFlowSolver, GreedySolver, RandomSolver)
}
SOLVER_NAMES = ("auto", *SOLVERS)

AUTO_EXACT_PAIRS = 500_000
"""``auto`` solves exactly up to this many allowed pairs (the flow LP takes seconds to a
minute there); above it the shortlist solver (:class:`FastSolver`)."""

AUTO_MINMAX_PAIRS = 20_000
"""``auto`` with the fair objective uses the exact two-stage MILP up to this many allowed
pairs (branch and bound grows fast), FairFlow above it."""


def choose_solver(name: str, problem: AssignmentProblem, objective: str = "total") -> str:
    """The registered solver ``name`` stands for (``"auto"`` resolved for ``problem``).

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if name != "auto":
        if name not in SOLVERS:
            raise ValueError(
                f"unknown assignment solver {name!r}; choose one of {', '.join(SOLVER_NAMES)}"
            )
        return name
    if objective == "fair":
        return MinMaxSolver.name if problem.n_pairs <= AUTO_MINMAX_PAIRS else FairFlowSolver.name
    return ExactSolver.name if problem.n_pairs <= AUTO_EXACT_PAIRS else FastSolver.name


def get_solver(
    name: str, *, seed: int = 0, time_limit: float = 60.0, shortlist: int | None = None
) -> AssignmentSolver:
    """The solver registered under ``name`` (not ``"auto"``: see :func:`choose_solver`)."""
    if name not in SOLVERS:
        raise ValueError(
            f"unknown assignment solver {name!r}; choose one of {', '.join(SOLVER_NAMES)}"
        )
    return SOLVERS[name](seed=seed, time_limit=time_limit, shortlist=shortlist)

"""Team solvers behind one interface, chosen by name from a small registry."""

from __future__ import annotations

from matcher.solvers.base import (
    GroupBound,
    SaturatingTerm,
    Selection,
    TeamProblem,
    TeamSolver,
    is_feasible,
    violations,
)
from matcher.solvers.local_search import LocalSearchSolver
from matcher.solvers.milp import MilpSolver

SOLVERS: dict[str, type[TeamSolver]] = {
    MilpSolver.name: MilpSolver,
    LocalSearchSolver.name: LocalSearchSolver,
}
DEFAULT_SOLVER = MilpSolver.name


def get_solver(name: str = DEFAULT_SOLVER, time_limit: float = 30.0) -> TeamSolver:
    """The solver registered under ``name``."""
    try:
        return SOLVERS[name](time_limit=time_limit)
    except KeyError:
        raise ValueError(
            f"unknown solver {name!r}; choose one of {', '.join(sorted(SOLVERS))}"
        ) from None


__all__ = [
    "DEFAULT_SOLVER",
    "SOLVERS",
    "GroupBound",
    "LocalSearchSolver",
    "MilpSolver",
    "SaturatingTerm",
    "Selection",
    "TeamProblem",
    "TeamSolver",
    "get_solver",
    "is_feasible",
    "violations",
]

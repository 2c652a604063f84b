"""What every assignment solver receives and returns, and the constructor they share."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    Edges,
    FloatArray,
)

DEFAULT_SHORTLIST = 24
"""Candidates per application the large-scale solvers keep (at least ``3 k``)."""


class AssignmentSolver(ABC):
    """Chooses reviewers for every application of an :class:`AssignmentProblem`.

    Parameters
    ----------
    seed : int
        Seed of any randomness (ties are broken by index, so runs repeat exactly).
    time_limit : float
        Seconds a MILP may run (per stage).
    shortlist : int or None
        Candidates kept per application (``None``: every allowed pair; the large-scale
        solvers default to :data:`DEFAULT_SHORTLIST`).
    """

    name: str = ""
    exact: bool = False
    """Whether a returned solution is proven optimal for :attr:`objective` and ``None``
    proves that no assignment exists."""
    objective: str = "total"

    def __init__(
        self, *, seed: int = 0, time_limit: float = 60.0, shortlist: int | None = None
    ) -> None:
        self.seed = seed
        self.time_limit = time_limit
        self.shortlist = shortlist
        self.timed_out_ = False
        """Set by :meth:`solve` when it returned ``None`` because time ran out (no proof
        that no assignment exists)."""

    @abstractmethod
    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        """An assignment meeting every rule, or ``None`` when none was found."""

    def _shortlist_size(self, problem: AssignmentProblem) -> int:
        k = int(problem.k.max()) if len(problem.k) else 1
        return max(self.shortlist or DEFAULT_SHORTLIST, 3 * k)


def chosen(edges: Edges, x: FloatArray, optimal: bool) -> AssignmentSolution:
    """The solution of a 0/1 vector over ``edges``."""
    picked = np.flatnonzero(x[: len(edges)] > 0.5)
    return AssignmentSolution(edges.rows[picked], edges.cols[picked], optimal=optimal)

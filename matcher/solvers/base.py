"""What every team solver receives and returns.

:class:`TeamProblem` is the encoded problem: arrays indexed by candidate position, with the
call's rules already translated into groups and bounds. Solvers never see ids, profiles or
routes, only these arrays, so that the objective and the rules stay defined in one place
(:mod:`matcher.teams`) and solvers can be swapped freely.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GroupBound:
    """At least ``minimum`` and at most ``maximum`` of the candidates in ``members``."""

    name: str
    members: BoolArray
    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class TeamProblem:
    """A team to choose among ``n`` candidates.

    Maximise ``sum(value[i] * x[i]) + sum(lead_value[i] * lead[i])`` subject to
    ``min_size <= sum(x) <= max_size``, every :class:`GroupBound`, exactly one lead among
    ``lead_allowed`` candidates who are also members, ``x[i] = 1`` where ``pinned``.
    """

    value: FloatArray
    lead_value: FloatArray
    lead_allowed: BoolArray
    pinned: BoolArray
    min_size: int
    max_size: int
    groups: list[GroupBound] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.value)


@dataclass(frozen=True)
class Selection:
    """A solver's answer: candidate positions chosen, and which of them leads."""

    members: list[int]
    lead: int

    def objective(self, problem: TeamProblem) -> float:
        return float(problem.value[self.members].sum() + problem.lead_value[self.lead])


def is_feasible(problem: TeamProblem, selection: Selection) -> bool:
    """Whether ``selection`` satisfies every constraint of ``problem``."""
    chosen = np.zeros(problem.n, dtype=bool)
    chosen[selection.members] = True
    if len(set(selection.members)) != len(selection.members):
        return False
    if not problem.min_size <= chosen.sum() <= problem.max_size:
        return False
    if not (chosen[selection.lead] and problem.lead_allowed[selection.lead]):
        return False
    if (problem.pinned & ~chosen).any():
        return False
    for group in problem.groups:
        count = int((group.members & chosen).sum())
        if count < group.minimum or (group.maximum is not None and count > group.maximum):
            return False
    return True


class TeamSolver(ABC):
    """Chooses a team for a :class:`TeamProblem`.

    Parameters
    ----------
    time_limit : float
        Seconds a solver may spend on one problem.
    """

    name: str

    def __init__(self, time_limit: float = 30.0) -> None:
        self.time_limit = time_limit

    @abstractmethod
    def solve(self, problem: TeamProblem) -> Selection | None:
        """The best selection found, or ``None`` when none satisfies the constraints.

        An exact solver returns ``None`` only when it proves infeasibility.
        """

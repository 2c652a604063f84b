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
class SaturatingTerm:
    """An objective term with diminishing returns.

    Its value is ``weight * sum_j g(sum_i matrix[i, j] * x[i])``: column ``j`` collects what
    the chosen candidates bring to one thing (a part of the call, an institution), and ``g``
    is concave and piecewise linear: slope ``slopes[k]`` over a segment of width
    ``widths[k]``, flat after the last segment. Slopes must not increase, so the second
    expert on the same part of a call adds less than the first, and a copy adds nothing
    once the part is saturated.
    """

    name: str
    matrix: FloatArray
    weight: float
    widths: tuple[float, ...] = (1.0,)
    slopes: tuple[float, ...] = (1.0,)

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.slopes) or not self.widths:
            raise ValueError("a saturating term needs one slope per segment width")
        if any(b > a for a, b in zip(self.slopes, self.slopes[1:], strict=False)):
            raise ValueError("saturating term slopes must not increase (concave)")
        if min(self.widths) <= 0 or min(self.slopes) < 0:
            raise ValueError("segment widths must be positive and slopes non-negative")

    def gain(self, totals: FloatArray) -> float:
        """``weight * sum_j g(totals[j])`` for column totals ``totals``."""
        value = 0.0
        start = 0.0
        for width, slope in zip(self.widths, self.slopes, strict=True):
            value += slope * float(np.clip(totals - start, 0.0, width).sum())
            start += width
        return self.weight * value

    def value(self, members: list[int]) -> float:
        """The term's value for the chosen candidate positions."""
        return self.gain(self.matrix[members].sum(axis=0))


@dataclass(frozen=True)
class TeamProblem:
    """A team to choose among ``n`` candidates.

    Maximise ``sum(value[i] * x[i]) + sum(lead_value[i] * lead[i])`` plus every
    :class:`SaturatingTerm`, subject to ``min_size <= sum(x) <= max_size``, every
    :class:`GroupBound`, exactly one lead among ``lead_allowed`` candidates who are also
    members, ``x[i] = 1`` where ``pinned``.
    """

    value: FloatArray
    lead_value: FloatArray
    lead_allowed: BoolArray
    pinned: BoolArray
    min_size: int
    max_size: int
    groups: list[GroupBound] = field(default_factory=list)
    terms: list[SaturatingTerm] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.value)


@dataclass(frozen=True)
class Selection:
    """A solver's answer: candidate positions chosen, and which of them leads."""

    members: list[int]
    lead: int

    def objective(self, problem: TeamProblem) -> float:
        """The objective of this selection, every term included."""
        return sum(self.objective_parts(problem).values())

    def objective_parts(self, problem: TeamProblem) -> dict[str, float]:
        """The objective split into its linear part, the lead bonus and each term."""
        parts = {
            "members": float(problem.value[self.members].sum()),
            "lead": float(problem.lead_value[self.lead]),
        }
        for term in problem.terms:
            parts[term.name] = term.value(self.members)
        return parts


def is_feasible(problem: TeamProblem, selection: Selection) -> bool:
    """Whether ``selection`` satisfies every constraint of ``problem``."""
    return not violations(problem, selection)


def violations(problem: TeamProblem, selection: Selection) -> list[str]:
    """The constraints of ``problem`` that ``selection`` breaks (empty when feasible)."""
    broken: list[str] = []
    chosen = np.zeros(problem.n, dtype=bool)
    chosen[selection.members] = True
    if len(set(selection.members)) != len(selection.members):
        broken.append("a candidate is chosen twice")
    size = int(chosen.sum())
    if not problem.min_size <= size <= problem.max_size:
        broken.append(f"team size {size} outside {problem.min_size}-{problem.max_size}")
    if not (chosen[selection.lead] and problem.lead_allowed[selection.lead]):
        broken.append("the lead is not a member allowed to lead")
    if (problem.pinned & ~chosen).any():
        broken.append("a pinned candidate is missing")
    for group in problem.groups:
        count = int((group.members & chosen).sum())
        if count < group.minimum or (group.maximum is not None and count > group.maximum):
            broken.append(f"{group.name}: {count} outside {group.minimum}-{group.maximum}")
    return broken


class TeamSolver(ABC):
    """Chooses a team for a :class:`TeamProblem`.

    Parameters
    ----------
    time_limit : float
        Seconds a solver may spend on one problem.
    """

    name: str
    #: Whether ``solve`` returning ``None`` proves that no feasible team exists.
    exact: bool = False

    def __init__(self, time_limit: float = 30.0) -> None:
        self.time_limit = time_limit

    @abstractmethod
    def solve(self, problem: TeamProblem) -> Selection | None:
        """The best selection found, or ``None`` when none was found.

        An exact solver returns ``None`` only when it proves infeasibility; a heuristic
        one may miss a feasible team, which the caller confirms with an exact solver.
        """

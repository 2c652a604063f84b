"""What a team is worth (:class:`TeamObjective`) and what assembly answers (:class:`TeamResult`).

The objective itself is described in :mod:`matcher.teams`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.model import Call, Team

FloatMatrix = npt.NDArray[np.float32]
#: ``(call, profile ids) -> (part texts, coverage matrix)``: how well each profile's
#: evidence covers each part of the call, 0 to 1, shape ``(len(ids), n_parts)``.
CoverageFn = Callable[[Call, Sequence[str]], tuple[list[str], FloatMatrix]]


@dataclass(frozen=True)
class TeamObjective:
    """Weights of the team objective (see :mod:`matcher.teams`)."""

    route_weight: float = 0.2
    lead_weight: float = 0.5
    threshold_quantile: float = 0.9
    member_threshold: float | None = None
    coverage_weight: float = 1.0
    coverage_widths: tuple[float, ...] = (1.0, 1.0)
    coverage_slopes: tuple[float, ...] = (1.0, 0.25)
    diversity_weight: float = 0.05
    #: An alternative shares at most this share of any earlier suggestion's members.
    alternative_overlap: float = 0.5
    #: A member "covers" a part of the call from this coverage up.
    covers_threshold: float = 0.5
    pool_size: int = 300
    per_group_pool: int = 30
    time_limit: float = 30.0

    def __post_init__(self) -> None:
        weights = (self.route_weight, self.lead_weight, self.coverage_weight, self.diversity_weight)
        if min(weights) < 0:
            raise ValueError("team objective weights must be non-negative")
        if not 0 <= self.threshold_quantile <= 1:
            raise ValueError("threshold_quantile must be within 0-1")
        if not 0 <= self.alternative_overlap < 1:
            raise ValueError("alternative_overlap must be within 0 (disjoint) and 1")


@dataclass(frozen=True)
class Relaxation:
    """One change to a call's rules (or the offices) under which a team exists."""

    description: str
    steps: int
    objective: float
    team: Team
    #: Whether the call's own rules change (opening an office or unpinning does not).
    changes_rules: bool = True


@dataclass(frozen=True)
class TeamResult:
    """The best team and diverse alternatives, or the reasons there is none.

    When no team exists, ``reasons`` says which rules the pool cannot meet and
    ``relaxations`` lists the smallest changes under which a team exists, smallest first.
    """

    call_id: str
    team: Team | None
    reasons: list[str]
    alternatives: list[Team] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return self.team is not None

    @property
    def teams(self) -> list[Team]:
        """The best team first, then the alternatives."""
        return [self.team, *self.alternatives] if self.team is not None else []

"""What a team is worth (:class:`TeamObjective`) and what assembly answers (:class:`TeamResult`).

The objective itself is described in :mod:`matcher.teams`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.model import Call, Profile, Team

FloatMatrix = npt.NDArray[np.float32]
#: ``(call, profile ids) -> (part texts, coverage matrix)``: how well each profile's
#: evidence covers each part of the call, 0 to 1, shape ``(len(ids), n_parts)``.
CoverageFn = Callable[[Call, Sequence[str]], tuple[list[str], FloatMatrix]]


#: How senior each career stage is, for the lead's seniority (0 doctoral .. 1 senior).
STAGE_SENIORITY = {"doctoral": 0.0, "early": 1 / 3, "mid": 2 / 3, "senior": 1.0}
#: Publications (or past projects) at which the track record counts fully (log-scaled).
RECORD_SATURATION = 20
#: Share of the career stage in the seniority when both it and the record count.
STAGE_SHARE = 0.75


def track_record(profile: Profile) -> float:
    """0 to 1: ``log(1 + publications) / log(1 + RECORD_SATURATION)``, capped at 1."""
    return min(1.0, math.log1p(len(profile.publications)) / math.log1p(RECORD_SATURATION))


def lead_seniority(call: Call, profile: Profile) -> float:
    """How well ``profile``'s seniority and track record suit it to lead a team, 0 to 1.

    ``STAGE_SHARE`` (0.75) of the career stage (:data:`STAGE_SENIORITY`) plus the rest of
    the track record (:func:`track_record`). The stage is left out, so the record alone
    counts, when the profile's stage is unknown or when the call's rules name the stages
    that may lead (``lead_career_stages``): the call has then said who may lead, and an
    early-career call is not turned against its early-career leads.
    """
    record = track_record(profile)
    if profile.career_stage is None or call.rules.lead_career_stages is not None:
        return record
    return STAGE_SHARE * STAGE_SENIORITY[profile.career_stage] + (1 - STAGE_SHARE) * record


@dataclass(frozen=True)
class TeamObjective:
    """Weights of the team objective (see :mod:`matcher.teams`).

    ``lead_seniority_weight`` times :func:`lead_seniority` of the lead is added to the
    objective, so a senior member with a track record leads rather than a doctoral or
    early-career one of similar relevance; 0 chooses the lead by relevance alone.
    """

    route_weight: float = 0.2
    lead_weight: float = 0.5
    lead_seniority_weight: float = 0.3
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
        weights = (
            self.route_weight,
            self.lead_weight,
            self.lead_seniority_weight,
            self.coverage_weight,
            self.diversity_weight,
        )
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

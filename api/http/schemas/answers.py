"""Schemas of the derived answers: candidates with evidence, teams, partners, what-if."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from matcher.model import Route, Team

Solver = Literal["exact", "fast"]


class ProfileSummary(BaseModel):
    """The public identity of a profile in an answer (never its contact data)."""

    id: str
    name: str
    kind: str
    country: str | None
    institution: str | None


class EligibilityPublic(BaseModel):
    """Whether a profile may join a team for a call, and why not (``Matcher.eligibility``)."""

    eligible: bool = Field(description="The call's rules admit the profile.")
    reachable: bool = Field(description="A route reaches the profile from the home side.")
    may_join: bool = Field(description="Eligible and reachable.")
    rule: str | None = Field(default=None, description="The first rule that fails, if any.")
    reason: str | None = Field(
        default=None,
        description="Why not, with the profile's value, e.g. \"country KZ is not among the "
        "call's eligible countries RU, CN\".",
    )


class Evidence(BaseModel):
    """Why a profile scores what it scores for a call (see ``Matcher.explain``)."""

    score: float
    parts: dict[str, float]
    publications: list[dict[str, Any]]
    matched_keywords: list[str]
    is_match: bool = Field(
        description="The score reaches the match threshold and the profile may join the call."
    )
    reaches_threshold: bool = Field(
        default=False, description="The score alone reaches the match threshold."
    )
    eligibility: EligibilityPublic | None = None
    match_threshold: float
    call_parts: list[dict[str, Any]] = []
    part_coverage: list[float] = []


class CandidatePublic(BaseModel):
    """A profile that may join a team for the call: eligible and reachable."""

    rank: int
    profile: ProfileSummary
    relevance: float
    route: Route
    evidence: Evidence | None = None


class CandidatesPublic(BaseModel):
    """The best candidates for a call, best first."""

    call_id: str
    abstains: bool = Field(description="Nobody in the pool reaches the match threshold.")
    candidates: list[CandidatePublic]
    nobody_may_join: str | None = Field(
        default=None,
        description="When no profile may join the call's team (so ``candidates`` is empty): why.",
    )
    data_version: int = Field(
        default=0, description="The data version this answer reflects (also X-Data-Version)."
    )


class RelaxationPublic(BaseModel):
    """A change under which a team exists."""

    description: str
    steps: int
    objective: float
    team: Team


class TeamsPublic(BaseModel):
    """The best team for a call and diverse alternatives, or why there is none."""

    call_id: str
    feasible: bool
    team: Team | None
    alternatives: list[Team]
    reasons: list[str]
    relaxations: list[RelaxationPublic]
    data_version: int = Field(
        default=0, description="The data version this answer reflects (also X-Data-Version)."
    )


class PartnerPublic(BaseModel):
    """A suggested partner with the parts of its score."""

    rank: int
    profile: ProfileSummary
    score: float
    relevance: float
    joint_works: int
    fills_country: bool
    route: Route
    joint_titles: list[str]


class PartnersPublic(BaseModel):
    """Suggested partners for a researcher (``call_id`` null) or a partial team."""

    call_id: str | None
    team: list[str]
    partners: list[PartnerPublic]
    nobody_may_join: str | None = Field(
        default=None,
        description="When no profile may join the call's team (so ``partners`` is empty): why.",
    )
    data_version: int = Field(
        default=0, description="The data version this answer reflects (also X-Data-Version)."
    )


class Outcome(BaseModel):
    """One call in one scenario."""

    feasible: bool
    objective: float | None
    size: int


class WhatIfCall(BaseModel):
    """One call before and after the change."""

    call_id: str
    before: Outcome
    after: Outcome
    gained: bool
    lost: bool
    improvement: float | None


class WhatIfPublic(BaseModel):
    """How the calls fare if the office opened (or closed)."""

    change: str
    viable_before: int
    viable_after: int
    gained: list[str]
    lost: list[str]
    improved: list[str]
    total_improvement: float
    calls: list[WhatIfCall]
    data_version: int = Field(
        default=0, description="The data version this answer reflects (also X-Data-Version)."
    )

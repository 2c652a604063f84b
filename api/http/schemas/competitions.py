"""Schemas of grant competitions (``/calls/{call_id}/applications``, ``.../assignment``,
``.../reviews``, ``.../ranking``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from api.http.schemas.base import NewRecord, RequestModel
from matcher.model import Application, Number

AssignmentSolver = Literal["auto", "exact", "fairflow", "minmax", "greedy", "random", "fast"]
"""The solvers of :func:`matcher.competitions.assign` a coordinator may choose."""


class ApplicationCreate(Application, NewRecord):
    """A new application, in the interchange form (a line of ``applications.jsonl``); its
    ``call_id`` may be left out (the path names the call) but must match when given."""

    call_id: str | None = Field(  # type: ignore[assignment]
        default=None, max_length=200, description="The call; default: the one in the path."
    )


class ApplicationPublic(Application):
    """A stored application, with who submitted it and when. A reviewer does not see the
    applicants' declared conflicts (``conflicts`` is then empty)."""

    submitted_by: str
    created_at: dt.datetime


class ApplicationPage(BaseModel):
    """A call's applications the caller may see, in id order."""

    call_id: str
    items: list[ApplicationPublic]


class ApplicationsCreated(BaseModel):
    """What a submission stored (one application, or every one of a file)."""

    call_id: str
    created: int
    ids: list[str]


class RuleFailurePublic(BaseModel):
    """One rule of the call an application's team breaks."""

    rule: str = Field(description="A stable code, e.g. 'min_team_size', 'required_countries:CN'.")
    message: str
    members: list[str] = []


class ApplicationCheckPublic(BaseModel):
    """The rule check of one application: each failure and the smallest fixes."""

    application_id: str
    title: str
    ok: bool
    failures: list[RuleFailurePublic]
    fixes: list[str]
    fixable: bool | None = Field(
        default=None, description="Whether a change of members alone makes the team eligible."
    )


class CompetitionCheckPublic(BaseModel):
    """The rule checks of a call's applications."""

    call_id: str
    checks: list[ApplicationCheckPublic]
    failing: list[str] = Field(description="Ids of the applications that fail a rule.")
    by_rule: dict[str, list[str]] = Field(description="Per rule, the applications failing it.")


class AssignmentRequest(RequestModel):
    """Assign reviewers to a call's applications: by a solver, or by hand (``pairs``, each
    pair still checked against the conflicts of interest)."""

    solver: AssignmentSolver = "auto"
    seed: StrictInt = Field(default=0, ge=0, le=2**31 - 1)
    pairs: dict[str, list[str]] | None = Field(
        default=None,
        description="By hand: application id -> reviewer profile ids (solver 'manual').",
    )
    accept_partial: StrictBool = Field(
        default=False,
        description="Store the best partial assignment when no full one exists (else 409).",
    )


class EvidencePublic(BaseModel):
    """One of a reviewer's publications that makes them an expert for an application."""

    title: str
    year: int | None = None
    score: float | None = None


class ReviewerPairPublic(BaseModel):
    """One reviewer of one application."""

    application_id: str
    application_title: str
    reviewer_id: str | None = Field(
        default=None, description="Withheld from a reviewer looking at others' pairs."
    )
    reviewer_name: str | None = None
    expertise: float
    evidence: list[EvidencePublic] = []
    reviewed: bool = False


class ConflictPublic(BaseModel):
    """A reviewer kept off an application, and why."""

    application_id: str
    reviewer_id: str
    reviewer_name: str
    kind: str = Field(
        description="'team_member', 'same_institution', 'coauthor', 'collaborator', 'declared'."
    )
    detail: str


class AssignmentPublic(BaseModel):
    """A call's reviewer assignment as the caller may see it: coordinators see every pair,
    the loads and the conflicts; a reviewer only their own pairs (``view='reviewer'``)."""

    call_id: str
    view: Literal["full", "reviewer"]
    solver: str
    created_at: dt.datetime
    total: float | None = None
    minimum: float | None = None
    loads: dict[str, int] = {}
    pairs: list[ReviewerPairPublic]
    conflicts: list[ConflictPublic] = []
    infeasible: list[str] = []


class ReviewCreate(RequestModel):
    """A review: a reviewer's score of an application assigned to them. A researcher's
    ``reviewer_id`` is their own profile (it may be left out); a coordinator names it."""

    application_id: str = Field(min_length=1, max_length=200)
    reviewer_id: str | None = Field(default=None, min_length=1, max_length=200)
    score: Number = Field(allow_inf_nan=False)
    confidence: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    comment: str = Field(default="", max_length=20_000)


class ReviewPublic(BaseModel):
    """A stored review."""

    application_id: str
    reviewer_id: str
    score: float
    confidence: float | None = None
    comment: str = ""
    created_at: dt.datetime


class ReviewPage(BaseModel):
    """A call's reviews the caller may see (a reviewer: their own)."""

    call_id: str
    items: list[ReviewPublic]


class ReviewsCreated(BaseModel):
    """How many reviews a submission stored."""

    call_id: str
    created: int


class ReviewScorePublic(BaseModel):
    """One review in the ranking: the raw score and the one adjusted for the reviewer's
    bias (how much above or below the average reviewer they grade)."""

    reviewer_id: str
    reviewer_name: str
    score: float
    adjusted: float | None
    bias: float | None


class RankingRowPublic(BaseModel):
    """One application in the ranking: its reviewers' raw mean, the score calibrated for
    each reviewer's harshness, and whether the reviewers disagree (and why)."""

    rank: int | None = Field(description="None: not ranked (no review yet).")
    application_id: str
    title: str
    raw_mean: float | None
    calibrated: float | None
    std_error: float | None
    n_reviews: int
    disagreement: bool
    reasons: list[str] = []
    broken_rules: list[str] = Field(
        default=[], description="The call's rules the team breaks (rule codes); empty: none."
    )
    reviews: list[ReviewScorePublic] = []


class RankingPublic(BaseModel):
    """A call's applications ranked by calibrated score."""

    call_id: str
    rows: list[RankingRowPublic]
    warnings: list[str] = []
    scale: tuple[float, float] = (0.0, 1.0)
    reviewer_bias: dict[str, float] = Field(
        default={}, description="Per reviewer, how much above (below) the mean they grade."
    )

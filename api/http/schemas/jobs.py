"""Schemas of background jobs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool

from api.http.schemas.base import RequestModel


class RankJobCreate(RequestModel):
    """Rank every call: the ``k`` best profiles per call."""

    kind: Literal["rank"]
    k: int = Field(default=10, ge=1, le=1000)


class RoundJobCreate(RequestModel):
    """Score and staff the whole round (``matcher.rounds.run_round``)."""

    kind: Literal["round"]
    top_k: int = Field(default=10, ge=1, le=1000)
    staffing: Literal["joint", "lagrangian", "greedy", "independent"] = "joint"
    solver: Literal["exact", "fast"] = "exact"
    time_limit: float = Field(default=300.0, gt=0, le=3600)
    eligible_only: StrictBool = Field(
        default=False, description="Score only the profiles that may join each call's team."
    )
    scores_with_eligibility: StrictBool = Field(
        default=False,
        description="Add eligible, reachable and reason columns to the scores files.",
    )


JobCreate = Annotated[RankJobCreate | RoundJobCreate, Field(discriminator="kind")]
"""A new job, by kind."""


class StaffingDetail(BaseModel):
    """A round's staffing after its last iteration (``matcher.rounds.progress``)."""

    iteration: int = Field(description="Iterations completed.")
    iterations: int = Field(description="The planned maximum.")
    gap: float = Field(description="Proven relative gap of the best round found so far.")
    bound: float = Field(description="Proven upper bound on the joint objective.")
    best: float = Field(description="Joint objective of the best round found so far.")
    staffed: int = Field(description="Calls staffed in that round.")
    seconds_left: float | None = Field(
        description="Iterations left times the mean seconds per iteration; null once stopped."
    )
    stopped: Literal["gap reached", "all iterations", "time limit", "interrupted"] | None = Field(
        description="Why the iterations ended; null while they run."
    )


class JobPublic(BaseModel):
    """A job: ``status`` queued, running, succeeded or failed; ``progress`` 0 to 1 within
    ``stage``; ``detail`` what the stage reports besides (a round's staffing: iterations,
    proven gap, calls staffed, time left); ``result`` when it succeeded, ``error`` when it
    failed."""

    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    stage: str
    progress: float
    detail: StaffingDetail | None = None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    data_version: int


class JobFile(BaseModel):
    """A file a finished job wrote, to download from ``href``."""

    name: str
    bytes: int
    content_type: str
    href: str

"""Schemas of API keys, introductions and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from api.http.schemas.base import RequestModel
from api.http.settings import ServiceRole
from matcher.model import Contact, Identifier, Route


class ApiKeyCreate(RequestModel):
    """A new key: office staff are bound to an office id, researchers to a profile id."""

    role: ServiceRole
    binding: Identifier | None = None
    label: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _bound_when_needed(self) -> ApiKeyCreate:
        needs = self.role in ("office_staff", "researcher")
        if needs and self.binding is None:
            raise ValueError(f"a {self.role} key needs a binding (office or profile id)")
        if not needs and self.binding is not None:
            raise ValueError(f"a {self.role} key takes no binding")
        return self


class ApiKeyPublic(BaseModel):
    """A stored key (never its secret)."""

    id: int
    role: str
    binding: str | None
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class ApiKeyCreated(ApiKeyPublic):
    """A new key; ``key`` is shown this once and stored only hashed."""

    key: str


class WhoAmI(BaseModel):
    """The caller's role and binding."""

    role: str
    binding: str | None
    actor: str


class IntroductionCreate(RequestModel):
    """A researcher asks to be introduced to a partner (through the office on the route)."""

    partner_id: Identifier
    call_id: Identifier | None = None
    office_id: Identifier | None = Field(
        default=None,
        description="The office to go through; default: the one on the route to the partner.",
    )
    message: str = Field(default="", max_length=5000)


class IntroductionDecision(RequestModel):
    """Office staff forward a pending request to the partner, or decline it."""

    decision: Literal["forward", "decline"]
    note: str = Field(default="", max_length=5000)


class IntroductionAnswer(RequestModel):
    """The partner accepts or declines a forwarded request."""

    answer: Literal["accept", "decline"]
    note: str = Field(default="", max_length=5000)


IntroductionStatus = Literal["pending", "forwarded", "accepted", "declined", "withdrawn", "expired"]


class IntroductionPublic(BaseModel):
    """A request for an introduction. ``partner_contact`` and ``requester_contact`` are
    filled only where the contacts are exchanged: after the partner accepts, the
    requester sees the partner's and the partner the requester's; the office's staff see
    both once they forwarded it. ``consent_token`` is in the forward's answer only."""

    id: int
    requester_id: str
    partner_id: str
    office_id: str
    call_id: str | None
    message: str
    route: dict[str, Any]
    status: IntroductionStatus
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str
    requested_by: str = ""
    team_ref: str | None = None
    forwarded_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    answered_by: str | None = None
    answer_note: str = ""
    closed_at: dt.datetime | None = None
    partner_contact: Contact | None = None
    requester_contact: Contact | None = None
    consent_token: str | None = Field(
        default=None,
        description="The partner's one-time consent token (link /app/consent/<token>); "
        "only in the answer to the forward.",
    )


class TeamIntroductionCreate(RequestModel):
    """A coordinator asks for introductions to every foreign member of a suggested team."""

    call_id: Identifier
    requester_id: Identifier = Field(description="The home-side team member introduced.")
    member_ids: list[Identifier] = Field(min_length=2, max_length=50)
    message: str = Field(default="", max_length=5000)


class TeamMemberResult(BaseModel):
    """What became of one member: an introduction, or the refusal (status and reason)."""

    member_id: str
    created: bool
    status_code: int
    reason: str | None = None
    introduction: IntroductionPublic | None = None


class TeamIntroductionResult(BaseModel):
    """Per member: each foreign member's request is made or refused on its own."""

    team_ref: str
    call_id: str
    requester_id: str
    results: list[TeamMemberResult]


class OfficeLoadPublic(BaseModel):
    """An office's introductions in the current round against its capacity."""

    office_id: str
    pending: int
    forwarded: int
    accepted: int
    load: int
    capacity: int | None
    full: bool
    round_days: int
    round_start: dt.datetime


class ReminderPublic(BaseModel):
    """A request waiting longer than the reminder days."""

    introduction_id: int
    waiting_on: Literal["office", "partner"]
    office_id: str
    requester_id: str
    partner_id: str
    since: dt.datetime


class OfficeRequestCreate(RequestModel):
    """A request for an office's service as such."""

    service: Literal["information_support", "expert_advice"]
    message: str = Field(min_length=1, max_length=5000)


class OfficeRequestAnswer(RequestModel):
    """The office staff's answer to a service request."""

    answer: str = Field(min_length=1, max_length=5000)


class OfficeRequestPublic(BaseModel):
    """A request for an office's service."""

    id: int
    office_id: str
    service: str
    requester_id: str | None
    requested_by: str
    message: str
    status: Literal["pending", "answered"]
    created_at: dt.datetime
    answered_at: dt.datetime | None
    answered_by: str | None
    answer: str


class AuditPublic(BaseModel):
    """One recorded action."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


__all__ = [
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "AuditPublic",
    "IntroductionAnswer",
    "IntroductionCreate",
    "IntroductionDecision",
    "IntroductionPublic",
    "IntroductionStatus",
    "OfficeLoadPublic",
    "OfficeRequestAnswer",
    "OfficeRequestCreate",
    "OfficeRequestPublic",
    "ReminderPublic",
    "Route",
    "TeamIntroductionCreate",
    "TeamIntroductionResult",
    "TeamMemberResult",
    "WhoAmI",
]

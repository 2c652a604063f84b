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
    """Office staff accept or decline a request."""

    decision: Literal["accept", "decline"]
    note: str = Field(default="", max_length=5000)


class IntroductionPublic(BaseModel):
    """A request for an introduction. ``partner_contact`` (and ``requester_contact``) are
    filled only after acceptance, for the requester and the office's staff."""

    id: int
    requester_id: str
    partner_id: str
    office_id: str
    call_id: str | None
    message: str
    route: dict[str, Any]
    status: Literal["pending", "accepted", "declined"]
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str
    partner_contact: Contact | None = None
    requester_contact: Contact | None = None


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
    "IntroductionCreate",
    "IntroductionDecision",
    "IntroductionPublic",
    "Route",
    "WhoAmI",
]

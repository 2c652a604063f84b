"""Schemas of the four kinds of records: Create (the interchange form), Update (partial),
Public (what a reader gets back), and a page of a list."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.base import NewRecord, RequestModel
from matcher.model import (
    Call,
    CallRules,
    CareerStage,
    Contact,
    Count,
    CountryCode,
    Date,
    Identifier,
    Institution,
    InstitutionKind,
    NonEmptyText,
    Office,
    OfficeService,
    OfficeStatus,
    Profile,
    ProfileKind,
    Publication,
)


class ProfileCreate(Profile, NewRecord):
    """A new profile, in the interchange form (``profiles.jsonl``)."""


class InstitutionCreate(Institution, NewRecord):
    """A new institution, in the interchange form."""


class OfficeCreate(Office, NewRecord):
    """A new foreign office, in the interchange form."""


class CallCreate(Call, NewRecord):
    """A new call with its rules, in the interchange form."""


class _Update(RequestModel):
    """A partial update: fields left out keep their value; ``null`` resets a field to its
    default. Extra fields are kept, as in the interchange form."""

    model_config = ConfigDict(extra="allow")


class ProfileUpdate(_Update):
    """Fields of a profile to change."""

    name: NonEmptyText | None = None
    kind: ProfileKind | None = None
    country: CountryCode | None = None
    institution: Identifier | None = None
    languages: list[str] | None = None
    keywords: list[NonEmptyText] | None = None
    summary: str | None = None
    publications: list[Publication] | None = None
    collaborators: list[Identifier] | None = None
    conflicts: list[Identifier] | None = None
    career_stage: CareerStage | None = None
    capacity: Count | None = Field(default=None, ge=0)
    contact: Contact | None = None


class InstitutionUpdate(_Update):
    """Fields of an institution to change."""

    name: NonEmptyText | None = None
    country: CountryCode | None = None
    kind: InstitutionKind | None = None
    consortia: list[NonEmptyText] | None = None
    agreements: list[Identifier] | None = None


class OfficeUpdate(_Update):
    """Fields of an office to change."""

    name: NonEmptyText | None = None
    operator: NonEmptyText | None = None
    home_country: CountryCode | None = None
    country: CountryCode | None = None
    status: OfficeStatus | None = None
    partner_institutions: list[Identifier] | None = None
    services: list[OfficeService] | None = None
    capacity: Count | None = Field(default=None, ge=0)


class CallUpdate(_Update):
    """Fields of a call to change (``rules`` is replaced as a whole)."""

    title: NonEmptyText | None = None
    description: str | None = None
    keywords: list[NonEmptyText] | None = None
    funder: str | None = None
    deadline: Date | None = None
    rules: CallRules | None = None


class _Stamped(BaseModel):
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int | None = Field(
        default=None, description="The record's version; its ETag is this number quoted."
    )


class ProfilePublic(Profile, _Stamped):
    """A profile as a reader sees it. ``contact`` is present only for roles allowed to see
    it (admin, the researcher themself, and after an accepted introduction the requester and
    the office's staff); ``contact_hidden`` says it was withheld."""

    contact_hidden: bool = False


class InstitutionPublic(Institution, _Stamped):
    """An institution as stored."""


class OfficePublic(Office, _Stamped):
    """An office as stored."""


class CallPublic(Call, _Stamped):
    """A call as stored."""


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, and ``total`` matches of the filters."""

    items: list[T]
    total: int
    offset: int
    limit: int


class ImportReport(BaseModel):
    """What a bulk import did."""

    collection: str
    created: int
    updated: int
    data_version: int

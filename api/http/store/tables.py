"""The tables of the store (SQLAlchemy 2 declarative mapping).

The four kinds of records keep their full interchange form in ``data`` (JSON, extra
fields included) and copy the fields that lists filter on into columns of their own, so
filtering runs in the database. ``search`` holds the lower-cased name and keywords for
the keyword filter (a plain ``LIKE`` that behaves the same on SQLite and PostgreSQL).

The schema itself is created by the Alembic migrations in ``api/http/store/migrations``; these
classes must describe the newest revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    """The current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC, whatever the database keeps.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back its
    session's zone. Both are read as UTC with an offset, so every response carries one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as UTC without its offset
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, dt.datetime: UtcDateTime()}  # noqa: RUF012


class RecordRow:
    """Columns shared by the four kinds of records."""

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(8), index=True)
    kind: Mapped[str | None] = mapped_column(String(32), index=True)
    search: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The data version of the record's last write: its entity tag. Taken from the store's
    # ever-growing counter, so a record deleted and created again never reuses one.
    version: Mapped[int] = mapped_column(Integer, default=0)


class ProfileRow(RecordRow, Base):
    """A researcher or organisation profile."""

    __tablename__ = "profiles"


class InstitutionRow(RecordRow, Base):
    """An institution."""

    __tablename__ = "institutions"


class OfficeRow(RecordRow, Base):
    """A foreign representative office (``kind`` holds its status)."""

    __tablename__ = "offices"


class CallRow(RecordRow, Base):
    """A grant call (``country`` is unused; ``countries`` lists the ones its rules name)."""

    __tablename__ = "calls"

    countries: Mapped[str] = mapped_column(Text, default="")


class MetaRow(Base):
    """Counters of the store; ``data_version`` grows with every change to the records."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ApiKeyRow(Base):
    """An API key created through the admin endpoint (only its SHA-256 is stored)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    binding: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


OPEN_STATUSES = ("pending", "forwarded")
"""Introduction statuses still waiting for a decision (the office's, then the partner's)."""


class IntroductionRow(Base):
    """A request to be introduced to a partner through an office.

    ``pending`` (the office decides) -> ``forwarded`` (the partner decides) or
    ``declined``; ``forwarded`` -> ``accepted`` or ``declined``; an open request may be
    ``withdrawn`` by its requester or become ``expired``. ``decided_*`` and ``note`` are
    the office's step, ``answered_*`` and ``answer_note`` the partner's. Rows from before
    migration 0005 that are ``accepted`` were accepted by the office alone.
    """

    __tablename__ = "introductions"
    # One open request per requester and partner: concurrent identical requests
    # cannot both be stored. One-time consent links are looked up by their hash.
    __table_args__ = (
        Index(
            "uq_introductions_pending",
            "requester_id",
            "partner_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'forwarded')"),
            postgresql_where=text("status IN ('pending', 'forwarded')"),
        ),
        Index("uq_introductions_consent", "consent_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    requester_id: Mapped[str] = mapped_column(Text, index=True)
    partner_id: Mapped[str] = mapped_column(Text, index=True)
    office_id: Mapped[str] = mapped_column(Text, index=True)
    call_id: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    # Who asked (the researcher, or the coordinator of a team introduction).
    requested_by: Mapped[str] = mapped_column(Text, default="")
    # The suggested team a team introduction belongs to (one value per team request).
    team_ref: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    forwarded_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    answered_by: Mapped[str | None] = mapped_column(Text)
    answer_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    # When the last reminder was queued (at most one per reminder period; migration 0008).
    reminded_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    # SHA-256 of the partner's one-time consent link; cleared when used.
    consent_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class OfficeRequestRow(Base):
    """A request for an office's service as such (``information_support``,
    ``expert_advice``): ``pending`` until the staff answer it with a note (``answered``)."""

    __tablename__ = "office_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(Text, index=True)
    service: Mapped[str] = mapped_column(String(32))
    requester_id: Mapped[str | None] = mapped_column(Text, index=True)
    requested_by: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    answered_by: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")


class AuditRow(Base):
    """Who did what, when: introductions, decisions, contact disclosures, key changes."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]]


class JobRow(Base):
    """A background job (a grant round, a ranking): status, progress, result."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    #: What the stage reports besides its fraction (a round's staffing: iterations, gap).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    params: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    data_version: Mapped[int] = mapped_column(Integer, default=0)


class UserRow(Base):
    """A person's account in the web application: a role and its binding, as an API key
    has, and a password (its Argon2 hash) set through an invitation link."""

    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email", "email", unique=True),
        Index("ix_users_invite_hash", "invite_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(32))
    binding: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    locale: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # SHA-256 of the one-time invitation (or access reset) token; cleared when used.
    invite_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    invite_expires_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    # The person's choice on /app/account: no e-mail at all when false (nothing queued).
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True)


class WebSessionRow(Base):
    """A signed-in browser: the SHA-256 of its cookie, the user, its CSRF token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class OutcomeRow(Base):
    """A recorded outcome (:class:`matcher.model.Outcome`, in ``data``): an accepted or
    declined introduction, an application, a funded grant. ``introduction_id`` links an
    outcome recorded when an introduction was decided (at most one per introduction)."""

    __tablename__ = "outcomes"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    call_id: Mapped[str | None] = mapped_column(Text, index=True)
    date: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]]
    introduction_id: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    created_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    """An e-mail to send (:mod:`api.http.notifications`): queued in the transaction of the
    change it tells about, sent by the service's sender, retried until sent or failed."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str] = mapped_column(String(64), index=True)
    # What the message is about, as the audit trail names it ("introduction:12").
    object: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recipient: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    # queued -> sending (claimed by one sender) -> sent; or back to queued with a later
    # next_attempt_at after a failure; failed after the last allowed attempt.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class ApplicationRow(Base):
    """An application to a call (:class:`matcher.model.Application`, in ``data``), as
    submitted: ``lead`` and ``team`` copied out so a researcher's own are found by query
    (``team`` as ``|p1|p2|``, matched with ``LIKE``)."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    call_id: Mapped[str] = mapped_column(Text, index=True)
    lead: Mapped[str] = mapped_column(Text, index=True)
    team: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]]
    submitted_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AssignmentRow(Base):
    """A call's current reviewer assignment: the solver that made it, when, by whom, and
    its summary in ``data`` (total, minimum, loads, conflicts that excluded reviewers).
    Its pairs are :class:`ReviewerPairRow`; a new assignment replaces both at once."""

    __tablename__ = "assignments"

    call_id: Mapped[str] = mapped_column(Text, primary_key=True)
    solver: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReviewerPairRow(Base):
    """One reviewer assigned to one application: the expertise score and the evidence
    (the reviewer's best publications for it)."""

    __tablename__ = "reviewer_pairs"
    __table_args__ = (Index("uq_reviewer_pairs", "application_id", "reviewer_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(Text, index=True)
    application_id: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[str] = mapped_column(Text, index=True)
    expertise: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[dict[str, Any]]


class ReviewRow(Base):
    """A reviewer's review of an application (:class:`matcher.model.Review`): one per
    reviewer and application, enforced by the database (a second submission is refused)."""

    __tablename__ = "reviews"
    __table_args__ = (Index("uq_reviews", "application_id", "reviewer_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(Text, index=True)
    application_id: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[str] = mapped_column(Text, index=True)
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


RECORD_TABLES: dict[str, type[ProfileRow | InstitutionRow | OfficeRow | CallRow]] = {
    "profiles": ProfileRow,
    "institutions": InstitutionRow,
    "offices": OfficeRow,
    "calls": CallRow,
}
"""The record tables by collection name (the URL segment)."""

__all__ = [
    "OPEN_STATUSES",
    "RECORD_TABLES",
    "ApiKeyRow",
    "ApplicationRow",
    "AssignmentRow",
    "AuditRow",
    "Base",
    "CallRow",
    "InstitutionRow",
    "IntroductionRow",
    "JobRow",
    "MetaRow",
    "OfficeRequestRow",
    "OfficeRow",
    "OutcomeRow",
    "ProfileRow",
    "ReviewRow",
    "ReviewerPairRow",
    "UserRow",
    "WebSessionRow",
]

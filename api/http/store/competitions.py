"""Queries on a grant competition's records: applications, the reviewer assignment of a
call and its pairs, reviews.

Every transaction that changes them calls :func:`bump_competition_version` first: the
update locks the counter's row (PostgreSQL's row lock, SQLite's write lock) until the
transaction ends, so competition writers take turns and each reads what the previous one
wrote. It is a counter of its own, not the data version: the engine is fitted on the
records, which these writes leave alone, so they must not make it refit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from api.http.store.tables import (
    ApplicationRow,
    AssignmentRow,
    MetaRow,
    ReviewerPairRow,
    ReviewRow,
    utcnow,
)
from matcher.model import Application, Review

COUNTER = "competition_version"


def bump_competition_version(session: Session) -> int:
    """Add one to the competitions' counter (call it first in a writing transaction);
    returns the new value."""
    session.execute(update(MetaRow).where(MetaRow.key == COUNTER).values(value=MetaRow.value + 1))
    value = session.scalar(select(MetaRow.value).where(MetaRow.key == COUNTER))
    return int(value or 0)


def team_key(team: Iterable[str]) -> str:
    """The ``team`` column of an application: ``|p1|p2|`` (a member is ``%|id|%``)."""
    return "|" + "|".join(team) + "|"


# ----------------------------------------------------------------------- applications


def get_application(session: Session, application_id: str) -> ApplicationRow | None:
    """The stored application, or ``None``."""
    return session.get(ApplicationRow, application_id)


def existing_application_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are stored applications (of any call)."""
    wanted = list(set(ids))
    found: set[str] = set()
    # In slices: SQLite limits the number of bound parameters of one statement.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(ApplicationRow.id).where(ApplicationRow.id.in_(chunk))))
    return found


def save_applications(
    session: Session, applications: Sequence[Application], submitted_by: str
) -> list[ApplicationRow]:
    """Insert applications (the caller checked their ids are free and references hold)."""
    rows = [
        ApplicationRow(
            id=application.id,
            call_id=application.call_id,
            lead=application.lead,
            team=team_key(application.team),
            data=application.model_dump(mode="json", exclude_none=True),
            submitted_by=submitted_by,
            created_at=utcnow(),
        )
        for application in applications
    ]
    session.add_all(rows)
    return rows


def list_applications(
    session: Session, call_id: str, *, member: str | None = None
) -> list[ApplicationRow]:
    """A call's applications in id order; with ``member``, those whose team includes it."""
    query = select(ApplicationRow).where(ApplicationRow.call_id == call_id)
    if member is not None:
        query = query.where(ApplicationRow.team.contains(f"|{member}|", autoescape=True))
    return list(session.scalars(query.order_by(ApplicationRow.id)))


def as_application(row: ApplicationRow) -> Application:
    """The domain form of a stored application."""
    return Application.model_validate(row.data)


def count_applications(session: Session) -> dict[str, int]:
    """How many applications each call has (calls without any are absent)."""
    rows = session.execute(
        select(ApplicationRow.call_id, func.count()).group_by(ApplicationRow.call_id)
    )
    return {call_id: int(count) for call_id, count in rows}


# ------------------------------------------------------------------------ assignment


@dataclass
class StoredPair:
    """One stored reviewer of one application."""

    application_id: str
    reviewer_id: str
    expertise: float
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StoredAssignment:
    """A call's stored assignment: its solver, when and by whom, its summary, its pairs."""

    call_id: str
    solver: str
    created_by: str
    created_at: dt.datetime
    data: dict[str, Any]
    pairs: list[StoredPair]


def replace_assignment(
    session: Session,
    call_id: str,
    solver: str,
    summary: dict[str, Any],
    pairs: Sequence[StoredPair],
    created_by: str,
) -> None:
    """Store a call's assignment in place of the previous one (in the caller's
    transaction: the old pairs go and the new arrive together)."""
    session.execute(delete(ReviewerPairRow).where(ReviewerPairRow.call_id == call_id))
    session.execute(delete(AssignmentRow).where(AssignmentRow.call_id == call_id))
    session.flush()
    session.add(
        AssignmentRow(
            call_id=call_id,
            solver=solver,
            data=summary,
            created_by=created_by,
            created_at=utcnow(),
        )
    )
    session.add_all(
        ReviewerPairRow(
            call_id=call_id,
            application_id=pair.application_id,
            reviewer_id=pair.reviewer_id,
            expertise=float(pair.expertise),
            evidence={"publications": pair.evidence},
        )
        for pair in pairs
    )


def load_assignment(session: Session, call_id: str) -> StoredAssignment | None:
    """A call's stored assignment, or ``None`` when none was made."""
    row = session.get(AssignmentRow, call_id)
    if row is None:
        return None
    pair_rows = session.scalars(
        select(ReviewerPairRow)
        .where(ReviewerPairRow.call_id == call_id)
        .order_by(ReviewerPairRow.application_id, ReviewerPairRow.expertise.desc())
    )
    pairs = [
        StoredPair(p.application_id, p.reviewer_id, p.expertise, p.evidence.get("publications", []))
        for p in pair_rows
    ]
    return StoredAssignment(call_id, row.solver, row.created_by, row.created_at, row.data, pairs)


def assigned_to(session: Session, reviewer_id: str) -> list[ReviewerPairRow]:
    """Every pair assigned to a reviewer, over all calls."""
    query = (
        select(ReviewerPairRow)
        .where(ReviewerPairRow.reviewer_id == reviewer_id)
        .order_by(ReviewerPairRow.call_id, ReviewerPairRow.application_id)
    )
    return list(session.scalars(query))


def is_assigned(session: Session, application_id: str, reviewer_id: str) -> bool:
    """Whether the reviewer is assigned to the application."""
    query = select(ReviewerPairRow.id).where(
        ReviewerPairRow.application_id == application_id,
        ReviewerPairRow.reviewer_id == reviewer_id,
    )
    return session.scalar(query) is not None


# --------------------------------------------------------------------------- reviews


def save_reviews(
    session: Session, call_id: str, reviews: Sequence[Review], submitted_by: str
) -> list[ReviewRow]:
    """Insert reviews (one per reviewer and application: the database refuses another)."""
    rows = [
        ReviewRow(
            call_id=call_id,
            application_id=review.application_id,
            reviewer_id=review.reviewer_id,
            score=review.score,
            confidence=review.confidence,
            comment=review.comment,
            submitted_by=submitted_by,
            created_at=utcnow(),
        )
        for review in reviews
    ]
    session.add_all(rows)
    return rows


def list_reviews(
    session: Session, call_id: str, *, reviewer_id: str | None = None
) -> list[ReviewRow]:
    """A call's reviews (optionally one reviewer's), by application then reviewer."""
    query = select(ReviewRow).where(ReviewRow.call_id == call_id)
    if reviewer_id is not None:
        query = query.where(ReviewRow.reviewer_id == reviewer_id)
    return list(session.scalars(query.order_by(ReviewRow.application_id, ReviewRow.reviewer_id)))


def reviewed_pairs(session: Session, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (application, reviewer) pairs already have a review."""
    wanted = set(pairs)
    if not wanted:
        return set()
    applications = sorted({application for application, _ in wanted})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(applications), 500):
        chunk = applications[start : start + 500]
        rows = session.execute(
            select(ReviewRow.application_id, ReviewRow.reviewer_id).where(
                ReviewRow.application_id.in_(chunk)
            )
        )
        found.update((a, r) for a, r in rows if (a, r) in wanted)
    return found


def as_review(row: ReviewRow) -> Review:
    """The domain form of a stored review."""
    return Review(
        application_id=row.application_id,
        reviewer_id=row.reviewer_id,
        score=row.score,
        confidence=row.confidence,
        comment=row.comment,
    )


__all__ = [
    "StoredAssignment",
    "StoredPair",
    "as_application",
    "as_review",
    "assigned_to",
    "bump_competition_version",
    "count_applications",
    "existing_application_ids",
    "get_application",
    "is_assigned",
    "list_applications",
    "list_reviews",
    "load_assignment",
    "replace_assignment",
    "reviewed_pairs",
    "save_applications",
    "save_reviews",
    "team_key",
]

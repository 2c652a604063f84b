"""Queries on the recorded outcomes (:class:`matcher.model.Outcome`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.store.tables import OutcomeRow, utcnow
from matcher.model import Outcome


def load_outcomes(session: Session) -> list[Outcome]:
    """Every stored outcome, ordered by date, then id (the engine's dataset takes them)."""
    rows = session.scalars(select(OutcomeRow.data).order_by(OutcomeRow.date, OutcomeRow.id))
    return [Outcome.model_validate(data) for data in rows]


def save_outcome(
    session: Session, outcome: Outcome, created_by: str, introduction_id: int | None = None
) -> OutcomeRow:
    """Insert one outcome (the caller checked its id is free and its references hold)."""
    row = OutcomeRow(
        id=outcome.id,
        kind=outcome.kind,
        call_id=outcome.call_id,
        date=outcome.date.isoformat(),
        data=outcome.model_dump(mode="json", exclude_none=True),
        introduction_id=introduction_id,
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(row)
    return row


def list_outcomes(
    session: Session, *, call_id: str | None = None, offset: int = 0, limit: int = 100
) -> list[OutcomeRow]:
    """One page of outcomes, newest first (optionally those of one call)."""
    query = select(OutcomeRow)
    if call_id is not None:
        query = query.where(OutcomeRow.call_id == call_id)
    query = query.order_by(OutcomeRow.date.desc(), OutcomeRow.id).offset(offset).limit(limit)
    return list(session.scalars(query))

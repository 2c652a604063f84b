"""``/outcomes``: what happened to introductions and teams, fed back to the engine.

An accepted introduction, an application or a funded grant is evidence of collaboration:
once recorded, the next fit of the engine counts it as past joint work (a ``collaboration``
route between the members, the linear partner score's collaboration term) and, for teams,
as a past team the learned partner model trains on. Admins and coordinators record outcomes
here; an introduction's decision records its own (:func:`record_introduction_outcome`).
Recording one bumps the data version, so the engine refits with it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from api.http.deps import EditorDep, LimitQuery, OffsetQuery, ServiceDep
from api.http.errors import ApiError
from api.http.routes.profiles import ERRORS
from api.http.routes.records import writing
from api.http.schemas.errors import Problem
from api.http.schemas.outcomes import OutcomeCreate, OutcomePage, OutcomePublic
from api.http.service import audit
from api.http.store import records as store
from api.http.store.outcomes import list_outcomes, save_outcome
from api.http.store.tables import IntroductionRow, OutcomeRow, utcnow
from matcher.model import Outcome
from matcher.references import KnownIds, first_reference_problem

router = APIRouter(prefix="/outcomes", tags=["outcomes"])
_INTRODUCTION_KINDS = {"accepted": "introduction_accepted", "declined": "introduction_declined"}


def public(row: OutcomeRow) -> OutcomePublic:
    """The API form of a stored outcome."""
    return OutcomePublic.model_validate(
        {
            **row.data,
            "introduction_id": row.introduction_id,
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


@router.post(
    "", response_model=OutcomePublic, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def create_outcome(
    service: ServiceDep, principal: EditorDep, outcome: OutcomeCreate
) -> OutcomePublic:
    """Record an outcome (admin, coordinator): its members must be stored profiles and its
    call a stored call; 409 when the id is taken."""
    domain = Outcome.model_validate(outcome.model_dump(mode="json", exclude_none=True))
    with writing(service) as (session, _version):
        if session.get(OutcomeRow, domain.id) is not None:
            raise ApiError(
                409,
                f"an outcome with id {domain.id!r} exists",
                [Problem(field="body.id", value=domain.id, reason="id already taken")],
            )
        _check_references(session, domain)
        row = save_outcome(session, domain, principal.actor)
        audit(session, principal, "outcome.create", f"outcomes:{domain.id}", {"kind": domain.kind})
        session.flush()
        return public(row)


@router.get("", response_model=OutcomePage, responses=ERRORS)
def outcomes(
    service: ServiceDep,
    principal: EditorDep,
    call_id: Annotated[str | None, Query(max_length=200)] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    """Recorded outcomes, newest first, optionally for one call (admin, coordinator)."""
    with service.database.session() as session:
        rows = list_outcomes(session, call_id=call_id, offset=offset, limit=limit)
        return {"items": [public(row) for row in rows], "offset": offset, "limit": limit}


def _check_references(session: Session, outcome: Outcome) -> None:
    problem = first_reference_problem(
        [outcome],
        profiles=KnownIds(lambda ids: store.existing_ids(session, "profiles", ids), "the store"),
        calls=KnownIds(lambda ids: store.existing_ids(session, "calls", ids), "the store"),
    )
    if problem is not None:
        raise ApiError(
            422,
            f"body: {problem}",
            [Problem(field=f"body.{problem.field}", value=problem.value, reason=problem.reason)],
        )


def record_introduction_outcome(session: Session, row: IntroductionRow) -> OutcomeRow | None:
    """Record the outcome of a decided introduction, in the caller's transaction.

    An accepted introduction becomes ``introduction_accepted`` (a route between the
    requester and the partner from the next fit on), a declined one
    ``introduction_declined`` (recorded, no route). Nothing for an undecided one; an
    introduction already recorded keeps its outcome. The data version is bumped, so the
    engine refits with it.

    Parameters
    ----------
    session : Session
        The transaction that decided the introduction.
    row : IntroductionRow
        The introduction, with its new status.

    Returns
    -------
    OutcomeRow or None
        The recorded outcome, or ``None`` when the introduction is not decided.
    """
    kind = _INTRODUCTION_KINDS.get(row.status)
    if kind is None:
        return None
    existing = session.query(OutcomeRow).filter_by(introduction_id=row.id).one_or_none()
    if existing is not None:
        return existing
    decided = row.closed_at or row.decided_at or utcnow()
    outcome = Outcome.model_validate(
        {
            "id": f"introduction-{row.id}",
            "kind": kind,
            "call_id": row.call_id,
            "members": [row.requester_id, row.partner_id],
            "date": decided.date(),
            "note": row.note,
        }
    )
    store.bump_version(session)
    return save_outcome(session, outcome, row.decided_by or "", introduction_id=row.id)


__all__ = ["create_outcome", "outcomes", "record_introduction_outcome", "router"]

"""What a delete would leave behind: the records that name the deleted one (competition
records included), the keys bound to it, the introductions that involve it.

The references are those of :mod:`matcher.references` (a profile's institution,
collaborators, conflicts and coauthors; an office's partner institutions; an institution's
agreements), found with the same rules: a stored record refers to the deleted one when the
rules, asked with every id but the deleted one known, report exactly that id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from api.http.store.records import MODELS, DomainRecord
from api.http.store.tables import (
    RECORD_TABLES,
    ApiKeyRow,
    ApplicationRow,
    IntroductionRow,
    ReviewerPairRow,
    utcnow,
)
from matcher.references import KnownIds, reference_problems

REFERRING: dict[str, tuple[str, ...]] = {
    "institutions": ("profiles", "offices", "institutions"),
    "profiles": ("profiles",),
    "offices": (),
    "calls": (),
}
"""The collections whose records may name a record of each collection."""

KEY_ROLES: dict[str, str] = {"profiles": "researcher", "offices": "office_staff"}
"""The role of the keys bound to a record of each collection."""


@dataclass(frozen=True)
class Referrer:
    """A stored record naming another: its collection, id, and the field naming it."""

    collection: str
    record_id: str
    field: str


def referrers(session: Session, collection: str, record_id: str) -> list[Referrer]:
    """The stored records that name ``record_id`` of ``collection``, ordered.

    Parameters
    ----------
    session : Session
        The delete's transaction.
    collection : str
        The collection of the record to delete.
    record_id : str
        Its id.

    Returns
    -------
    list of Referrer
        Empty when nothing names it.
    """
    everything_but_it = KnownIds(lambda ids: set(ids) - {record_id})
    found: list[Referrer] = []
    for source in REFERRING[collection]:
        for candidate in _candidates(session, source, record_id):
            problems = reference_problems(
                [candidate], institutions=everything_but_it, profiles=everything_but_it
            )
            found.extend(
                Referrer(source, candidate.id, problem.field)
                for problem in problems
                if problem.value == record_id
            )
    found.extend(competition_referrers(session, collection, record_id))
    return found


def competition_referrers(session: Session, collection: str, record_id: str) -> list[Referrer]:
    """The applications that name a call or a profile (as the lead, in the team, as a
    declared conflict) and the reviewer assignments that name a profile as a reviewer.

    A competition's records are evidence of what was submitted and who reviewed it, so
    they block a delete rather than being removed with it.
    """
    if collection == "calls":
        rows = session.scalars(select(ApplicationRow.id).where(ApplicationRow.call_id == record_id))
        return [Referrer("applications", app_id, "call_id") for app_id in rows]
    if collection != "profiles":
        return []
    found: list[Referrer] = []
    needle = json.dumps(record_id)
    query = select(ApplicationRow).where(
        cast(ApplicationRow.data, Text).contains(needle, autoescape=True)
    )
    for row in session.scalars(query.order_by(ApplicationRow.id)):
        data = row.data
        for field in ("lead", "team", "conflicts"):
            value = data.get(field)
            if value == record_id or (isinstance(value, list) and record_id in value):
                found.append(Referrer("applications", row.id, field))
                break
    pairs = session.scalars(
        select(ReviewerPairRow.application_id)
        .where(ReviewerPairRow.reviewer_id == record_id)
        .order_by(ReviewerPairRow.application_id)
    )
    found.extend(Referrer("reviewer assignments", app_id, "reviewer_id") for app_id in pairs)
    return found


def _candidates(session: Session, source: str, record_id: str) -> list[DomainRecord]:
    """Records of ``source`` whose stored form mentions ``record_id`` as a JSON string.

    A text search narrows the scan in the database; the reference rules then decide.
    """
    table = RECORD_TABLES[source]
    needle = json.dumps(record_id)  # the stored JSON is written by json.dumps too
    query = select(table.data).where(
        cast(table.data, Text).contains(needle, autoescape=True), table.id != record_id
    )
    model = MODELS[source]
    return [model.model_validate(data) for data in session.scalars(query.order_by(table.id))]


def revoke_keys(session: Session, collection: str, record_id: str) -> int:
    """Revoke the stored keys bound to a record (in the caller's transaction); returns
    how many."""
    role = KEY_ROLES.get(collection)
    if role is None:
        return 0
    result = session.execute(
        update(ApiKeyRow)
        .where(
            ApiKeyRow.role == role,
            ApiKeyRow.binding == record_id,
            ApiKeyRow.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_introductions(session: Session, collection: str, record_id: str) -> list[int]:
    """Delete the introductions that involve a profile or go through an office; returns
    their ids (the audit trail keeps their history)."""
    if collection == "profiles":
        involved = or_(
            IntroductionRow.requester_id == record_id, IntroductionRow.partner_id == record_id
        )
    elif collection == "offices":
        involved = IntroductionRow.office_id == record_id
    else:
        return []
    ids = list(session.scalars(select(IntroductionRow.id).where(involved)))
    if ids:
        session.execute(delete(IntroductionRow).where(IntroductionRow.id.in_(ids)))
    return ids

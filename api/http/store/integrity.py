"""What a delete would leave behind: the records that name the deleted one, the keys
bound to it, the introductions that involve it.

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
from api.http.store.tables import RECORD_TABLES, ApiKeyRow, IntroductionRow, utcnow
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

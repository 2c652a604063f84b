"""Queries on the four kinds of records, the data version, and the dataset they form.

Every change to a record bumps ``data_version`` in the same transaction, so the service
knows when its fitted engine is stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.http.store.outcomes import load_outcomes
from api.http.store.tables import (
    RECORD_TABLES,
    CallRow,
    InstitutionRow,
    MetaRow,
    OfficeRow,
    ProfileRow,
    utcnow,
)
from matcher.dataset import Dataset
from matcher.model import Call, Institution, Office, Profile

Collection = Literal["profiles", "institutions", "offices", "calls"]
RecordRowType = ProfileRow | InstitutionRow | OfficeRow | CallRow
DomainRecord = Profile | Institution | Office | Call

MODELS: dict[str, type[DomainRecord]] = {
    "profiles": Profile,
    "institutions": Institution,
    "offices": Office,
    "calls": Call,
}
"""The domain model of each collection."""

SINGULAR = {
    "profiles": "profile",
    "institutions": "institution",
    "offices": "office",
    "calls": "call",
}


def record_data(record: BaseModel) -> dict[str, Any]:
    """The interchange form of a record (what ``write_jsonl`` writes), extra fields kept."""
    return record.model_dump(mode="json", exclude_none=True)


def call_countries(call: Call) -> str:
    """``|RU|CN|``: the countries a call's rules name, for the country filter."""
    rules = call.rules
    named = set(rules.required_countries) | set(rules.eligible_countries or ())
    named |= set(rules.lead_countries or ())
    return "|" + "|".join(sorted(named)) + "|" if named else ""


def _columns(record: DomainRecord) -> dict[str, Any]:
    """The filter columns copied out of a record."""
    if isinstance(record, Profile):
        words = [record.name, *record.keywords]
        return {"name": record.name, "country": record.country, "kind": record.kind, "w": words}
    if isinstance(record, Institution):
        words = [record.name, *record.consortia]
        return {"name": record.name, "country": record.country, "kind": record.kind, "w": words}
    if isinstance(record, Office):
        words = [record.name, record.operator]
        return {"name": record.name, "country": record.country, "kind": record.status, "w": words}
    words = [record.title, *record.keywords]
    return {"name": record.title, "country": None, "kind": None, "w": words}


def _fill(row: RecordRowType, record: DomainRecord, version: int) -> None:
    columns = _columns(record)
    row.name = columns["name"]
    row.country = columns["country"]
    row.kind = columns["kind"]
    # Newline-separated and lower-cased: a keyword filter is a substring match on it.
    row.search = "\n".join(columns["w"]).lower()
    row.data = record_data(record)
    row.updated_at = utcnow()
    row.version = version
    if isinstance(row, CallRow) and isinstance(record, Call):
        row.countries = call_countries(record)


# --------------------------------------------------------------------------- version


def data_version(session: Session) -> int:
    """The data version: grows with every change to the records."""
    value = session.scalar(select(MetaRow.value).where(MetaRow.key == "data_version"))
    return int(value or 0)


def bump_version(session: Session) -> int:
    """Add one to the data version (in the caller's transaction); returns the new value.

    A transaction that changes records calls this **first**: the update locks the counter's
    row until the transaction ends (PostgreSQL's row lock; SQLite's write lock), so the
    store's writers run one after the other and each reads what the previous one wrote.
    The new value is the version of every record the transaction writes.
    """
    session.execute(
        update(MetaRow).where(MetaRow.key == "data_version").values(value=MetaRow.value + 1)
    )
    return data_version(session)


# --------------------------------------------------------------------------- records


def get_row(session: Session, collection: str, record_id: str) -> RecordRowType | None:
    """The row of one record, or ``None``."""
    return cast(RecordRowType | None, session.get(RECORD_TABLES[collection], record_id))


def existing_ids(session: Session, collection: str, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are stored."""
    table = RECORD_TABLES[collection]
    wanted = list(set(ids))
    found: set[str] = set()
    # In slices: SQLite limits the number of bound parameters of one statement.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(table.id).where(table.id.in_(chunk))))
    return found


def count(session: Session, collection: str) -> int:
    """How many records a collection holds."""
    table = RECORD_TABLES[collection]
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


@dataclass(frozen=True)
class Filters:
    """List filters: ``country`` (ISO code), ``kind`` (profile or institution kind, office
    status), ``keyword`` (a case-insensitive substring of the name or a keyword)."""

    country: str | None = None
    kind: str | None = None
    keyword: str | None = None


def list_rows(
    session: Session, collection: str, filters: Filters, offset: int, limit: int
) -> tuple[list[RecordRowType], int]:
    """One page of rows matching ``filters``, ordered by id, and the total matching."""
    table = RECORD_TABLES[collection]
    query = select(table)
    if filters.country is not None:
        if table is CallRow:
            query = query.where(CallRow.countries.contains(f"|{filters.country}|"))
        else:
            query = query.where(table.country == filters.country)
    if filters.kind is not None:
        query = query.where(table.kind == filters.kind)
    if filters.keyword:
        query = query.where(table.search.contains(filters.keyword.lower(), autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(query.order_by(table.id).offset(offset).limit(limit)).all()
    return [cast(RecordRowType, row) for row in rows], total


def save(
    session: Session, collection: str, record: DomainRecord, version: int
) -> tuple[RecordRowType, bool]:
    """Insert or replace one record at ``version``; returns the row and whether it was
    created."""
    table = RECORD_TABLES[collection]
    row = get_row(session, collection, record.id)
    created = row is None
    if row is None:
        row = table(id=record.id, created_at=utcnow())
        session.add(row)
    _fill(row, record, version)
    return row, created


def save_many(
    session: Session, collection: str, records: Sequence[DomainRecord], version: int
) -> tuple[int, int]:
    """Insert or replace many records at ``version``; returns (created, updated)."""
    table = RECORD_TABLES[collection]
    present = existing_ids(session, collection, (r.id for r in records))
    created = updated = 0
    for record in records:
        if record.id in present:
            found = get_row(session, collection, record.id)
            assert found is not None
            row = found
            updated += 1
        else:
            row = table(id=record.id, created_at=utcnow())
            session.add(row)
            created += 1
        _fill(row, record, version)
    return created, updated


def delete(session: Session, collection: str, record_id: str) -> bool:
    """Delete one record; returns whether it existed."""
    row = get_row(session, collection, record_id)
    if row is None:
        return False
    session.delete(row)
    return True


def load_dataset(session: Session) -> Dataset:
    """Every stored record, as the dataset the engine is fitted on (ordered by id), with
    the recorded outcomes."""
    parts: dict[str, list[Any]] = {}
    for collection, table in RECORD_TABLES.items():
        model = MODELS[collection]
        rows = session.scalars(select(table.data).order_by(table.id)).all()
        parts[collection] = [model.model_validate(data) for data in rows]
    return Dataset(
        profiles=parts["profiles"],
        calls=parts["calls"],
        institutions=parts["institutions"],
        offices=parts["offices"],
        outcomes=load_outcomes(session),
    )

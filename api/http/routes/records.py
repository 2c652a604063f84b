"""What the four record resources share: list, read, create, update, delete, import.

The resource modules (``profiles``, ``institutions``, ``offices``, ``calls``) declare
their endpoints with their own schemas and call these helpers.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.http.auth import Principal
from api.http.errors import ApiError, not_found, validation_problems
from api.http.record_changes import check_references, read_import
from api.http.schemas.errors import Problem
from api.http.schemas.records import ImportReport
from api.http.service import Service, audit, contact_visible_ids
from api.http.store import records as store
from api.http.store.records import MODELS, SINGULAR, DomainRecord, Filters, RecordRowType

ImportMode = Literal["create", "upsert"]

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-ndjson": {
                "schema": {"type": "string"},
                "example": '{"id": "r-1", "name": "A. Researcher", "country": "RU"}\n',
            }
        },
        "description": "JSON Lines: one record a line, in the interchange format.",
    }
}
"""OpenAPI description of a bulk import body (read raw, not as JSON)."""


def public(
    collection: str,
    row: RecordRowType,
    principal: Principal,
    visible: set[str] | None,
    session: Session | None = None,
) -> dict[str, Any]:
    """A row as the caller may see it (a profile's contact only where allowed)."""
    data = dict(row.data)
    data["created_at"] = row.created_at
    data["updated_at"] = row.updated_at
    if collection == "profiles" and "contact" in data:
        allowed = visible is None or row.id in visible
        if not allowed:
            data.pop("contact")
            data["contact_hidden"] = True
        elif session is not None and principal.role != "admin" and row.id != principal.binding:
            # Contact data disclosed to someone other than its owner: recorded.
            audit(session, principal, "contact.shown", f"profile:{row.id}")
    return data


def list_records(
    service: Service,
    principal: Principal,
    collection: str,
    filters: Filters,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """One page of records matching the filters."""
    with service.database.session() as session:
        rows, total = store.list_rows(session, collection, filters, offset, limit)
        visible = contact_visible_ids(session, principal) if collection == "profiles" else None
        items = [public(collection, row, principal, visible, session) for row in rows]
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def read_record(
    service: Service, principal: Principal, collection: str, record_id: str
) -> dict[str, Any]:
    """One record (404 when there is none)."""
    with service.database.session() as session:
        row = store.get_row(session, collection, record_id)
        if row is None:
            raise not_found(SINGULAR[collection], record_id)
        visible = contact_visible_ids(session, principal) if collection == "profiles" else None
        return public(collection, row, principal, visible, session)


def create_record(
    service: Service, principal: Principal, collection: str, record: DomainRecord
) -> dict[str, Any]:
    """Store a new record (409 when the id is taken)."""
    # The request schema is a subclass of the domain model; store the domain form.
    domain = MODELS[collection].model_validate(store.record_data(record))
    with service.database.session() as session:
        if store.get_row(session, collection, domain.id) is not None:
            raise ApiError(
                409,
                f"a {SINGULAR[collection]} with id {domain.id!r} exists; update it instead",
                [Problem(field="body.id", value=domain.id, reason="id already taken")],
            )
        check_references(session, [domain])
        row, _ = store.save(session, collection, domain)
        store.bump_version(session)
        audit(session, principal, f"{SINGULAR[collection]}.create", f"{collection}:{domain.id}")
        session.flush()
        visible = contact_visible_ids(session, principal) if collection == "profiles" else None
        return public(collection, row, principal, visible)


def update_record(
    service: Service,
    principal: Principal,
    collection: str,
    record_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Apply a partial update: given fields replace the stored ones, ``null`` removes one
    (its default applies); the result is validated as a whole."""
    if "id" in changes and changes["id"] != record_id:
        raise ApiError(
            422,
            "the id of a record cannot change",
            [Problem(field="body.id", value=changes["id"], reason="differs from the path id")],
        )
    with service.database.session() as session:
        row = store.get_row(session, collection, record_id)
        if row is None:
            raise not_found(SINGULAR[collection], record_id)
        merged = dict(row.data)
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        try:
            domain = MODELS[collection].model_validate(merged)
        except ValidationError as error:
            problems = validation_problems(error.errors(include_url=False), "body")
            raise ApiError(
                422, f"invalid {SINGULAR[collection]}: {problems[0].reason}", problems
            ) from None
        check_references(session, [domain])
        row, _ = store.save(session, collection, domain)
        store.bump_version(session)
        audit(
            session,
            principal,
            f"{SINGULAR[collection]}.update",
            f"{collection}:{record_id}",
            {"fields": sorted(changes)},
        )
        session.flush()
        visible = contact_visible_ids(session, principal) if collection == "profiles" else None
        return public(collection, row, principal, visible)


def delete_record(service: Service, principal: Principal, collection: str, record_id: str) -> None:
    """Delete a record (404 when there is none)."""
    with service.database.session() as session:
        if not store.delete(session, collection, record_id):
            raise not_found(SINGULAR[collection], record_id)
        store.bump_version(session)
        audit(session, principal, f"{SINGULAR[collection]}.delete", f"{collection}:{record_id}")


def _import(
    service: Service, principal: Principal, collection: str, body: bytes, mode: ImportMode
) -> ImportReport:
    loaded = read_import(collection, body)
    records: list[DomainRecord] = loaded.records
    with service.database.session() as session:
        if mode == "create":
            taken = store.existing_ids(session, collection, (r.id for r in records))
            for record, place in zip(records, loaded.places, strict=True):
                if record.id in taken:
                    line = place.number
                    raise ApiError(
                        409,
                        f"body line {line}: field 'id': a {SINGULAR[collection]} with id "
                        f"{record.id!r} exists (import with mode=upsert to replace it)",
                        [
                            Problem(
                                field="id", value=record.id, line=line, reason="id already taken"
                            )
                        ],
                    )
        check_references(session, records, loaded.places)
        created, updated = store.save_many(session, collection, records)
        version = store.bump_version(session)
        audit(
            session,
            principal,
            f"{SINGULAR[collection]}.import",
            collection,
            {"created": created, "updated": updated},
        )
    return ImportReport(
        collection=collection, created=created, updated=updated, data_version=version
    )


async def import_records(
    request: Request, service: Service, principal: Principal, collection: str, mode: ImportMode
) -> ImportReport:
    """Import a JSON Lines body, all or nothing (one transaction)."""
    body = await request.body()
    return await run_in_threadpool(_import, service, principal, collection, body, mode)

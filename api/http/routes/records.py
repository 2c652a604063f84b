"""What the four record resources share: list, read, create, update, delete, import.

The resource modules (``profiles``, ``institutions``, ``offices``, ``calls``) declare
their endpoints with their own schemas and call these helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.http.auth import Principal
from api.http.errors import ApiError, not_found, only_sent, validation_problems
from api.http.permissions import check_edit
from api.http.record_changes import check_references, read_import
from api.http.schemas.errors import Problem
from api.http.schemas.records import ImportReport
from api.http.service import Service, audit
from api.http.store import integrity
from api.http.store import records as store
from api.http.store.records import MODELS, SINGULAR, DomainRecord, Filters
from api.http.views import Viewer, etag

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

IfMatch = Annotated[
    str | None,
    Header(
        max_length=1000,
        description="The ETag of the record as last read: the change is made only if the "
        "record is still at that version (412 otherwise). Without it, a PATCH merges its "
        "fields into the newest version and a DELETE is unconditional.",
    ),
]


@contextmanager
def writing(service: Service) -> Iterator[tuple[Session, int]]:
    """A transaction that changes records, and the version its writes carry.

    The data version is bumped first, which makes the writers of the store take turns
    (see :func:`api.http.store.records.bump_version`): what a request reads in it is what
    it changes, and no concurrent write lands in between. A constraint the database still
    finds broken at commit is a conflict (409), never a 500.
    """
    try:
        with service.database.session() as session:
            yield session, store.bump_version(session)
    except IntegrityError:
        raise ApiError(
            409,
            "the change conflicts with a concurrent one; read the record again and retry",
            [Problem(reason="conflicting concurrent change")],
        ) from None


def check_precondition(collection: str, version: int, if_match: str | None) -> None:
    """Refuse (412) a change whose ``If-Match`` names no current tag of the record."""
    if if_match is None:
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" in tags or etag(version) in tags:
        return
    raise ApiError(
        412,
        f"the {SINGULAR[collection]} changed since it was read (now at ETag {etag(version)})",
        [Problem(field="header.If-Match", value=if_match, reason="not the current ETag")],
    )


def _tagged(response: Response | None, view: dict[str, Any]) -> dict[str, Any]:
    if response is not None:
        response.headers["ETag"] = etag(view["version"])
    return view


def list_records(
    service: Service,
    principal: Principal,
    collection: str,
    filters: Filters,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """One page of records matching the filters, as the caller may see them."""
    with service.database.session() as session:
        rows, total = store.list_rows(session, collection, filters, offset, limit)
        viewer = Viewer.of(session, principal)
        items = [viewer.record(collection, row) for row in rows]
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def read_record(
    service: Service,
    principal: Principal,
    collection: str,
    record_id: str,
    response: Response | None = None,
) -> dict[str, Any]:
    """One record (404 when there is none), with its ETag."""
    with service.database.session() as session:
        row = store.get_row(session, collection, record_id)
        if row is None:
            raise not_found(SINGULAR[collection], record_id)
        return _tagged(response, Viewer.of(session, principal).record(collection, row))


def create_record(
    service: Service,
    principal: Principal,
    collection: str,
    record: DomainRecord,
    response: Response | None = None,
) -> dict[str, Any]:
    """Store a new record (409 when the id is taken, concurrently too)."""
    # The request schema is a subclass of the domain model; store the domain form.
    domain = MODELS[collection].model_validate(store.record_data(record))
    with writing(service) as (session, version):
        if store.get_row(session, collection, domain.id) is not None:
            raise ApiError(
                409,
                f"a {SINGULAR[collection]} with id {domain.id!r} exists; update it instead",
                [Problem(field="body.id", value=domain.id, reason="id already taken")],
            )
        check_references(session, [domain])
        row, _ = store.save(session, collection, domain, version)
        audit(session, principal, f"{SINGULAR[collection]}.create", f"{collection}:{domain.id}")
        session.flush()
        return _tagged(response, Viewer.of(session, principal).record(collection, row))


def update_record(
    service: Service,
    principal: Principal,
    collection: str,
    record_id: str,
    changes: dict[str, Any],
    if_match: str | None = None,
    response: Response | None = None,
) -> dict[str, Any]:
    """Apply a partial update: given fields replace the stored ones, ``null`` removes one
    (its default applies); the result is validated as a whole.

    Only the fields the caller's role may change are accepted (403 naming the others);
    with ``If-Match``, only if the record is still at that version (412). Error bodies
    carry only the values the caller sent.
    """
    changes = _without_same_id(changes, record_id)
    check_edit(principal, collection, record_id, changes)
    with writing(service) as (session, version):
        row = store.get_row(session, collection, record_id)
        if row is None:
            raise not_found(SINGULAR[collection], record_id)
        check_precondition(collection, row.version, if_match)
        domain = _merged(collection, row.data, changes)
        try:
            check_references(session, [domain])
        except ApiError as error:
            raise ApiError(error.status, error.detail, only_sent(error.problems, changes)) from None
        row, _ = store.save(session, collection, domain, version)
        audit(
            session,
            principal,
            f"{SINGULAR[collection]}.update",
            f"{collection}:{record_id}",
            {"fields": sorted(changes)},
        )
        session.flush()
        return _tagged(response, Viewer.of(session, principal).record(collection, row))


def _without_same_id(changes: dict[str, Any], record_id: str) -> dict[str, Any]:
    """``changes`` without an ``id`` equal to the path's (422 for another one)."""
    if "id" not in changes:
        return changes
    if changes["id"] != record_id:
        raise ApiError(
            422,
            "the id of a record cannot change",
            [Problem(field="body.id", value=changes["id"], reason="differs from the path id")],
        )
    return {name: value for name, value in changes.items() if name != "id"}


def _merged(collection: str, stored: dict[str, Any], changes: dict[str, Any]) -> DomainRecord:
    """The stored record with ``changes`` applied, validated (422 echoing only what was
    sent: the stored values are the caller's to read, not the error's to show)."""
    merged = dict(stored)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    try:
        return MODELS[collection].model_validate(merged)
    except ValidationError as error:
        problems = only_sent(validation_problems(error.errors(include_url=False), "body"), changes)
        raise ApiError(
            422, f"invalid {SINGULAR[collection]}: {problems[0].reason}", problems
        ) from None


def delete_record(
    service: Service,
    principal: Principal,
    collection: str,
    record_id: str,
    if_match: str | None = None,
) -> None:
    """Delete a record: 404 when there is none, 412 on a stale ``If-Match``, 409 naming
    the records that still name it. The keys bound to a deleted profile or office are
    revoked and the introductions involving it deleted, in the same transaction."""
    with writing(service) as (session, _version):
        row = store.get_row(session, collection, record_id)
        if row is None:
            raise not_found(SINGULAR[collection], record_id)
        check_precondition(collection, row.version, if_match)
        _refuse_if_named(session, collection, record_id)
        revoked = integrity.revoke_keys(session, collection, record_id)
        introductions = integrity.delete_introductions(session, collection, record_id)
        session.delete(row)
        detail: dict[str, object] = {"keys_revoked": revoked, "introductions": introductions}
        audit(
            session,
            principal,
            f"{SINGULAR[collection]}.delete",
            f"{collection}:{record_id}",
            detail,
        )


def _refuse_if_named(session: Session, collection: str, record_id: str) -> None:
    found = integrity.referrers(session, collection, record_id)
    if not found:
        return
    names = sorted({f"{r.collection}/{r.record_id}" for r in found})
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    raise ApiError(
        409,
        f"{SINGULAR[collection]} {record_id!r} is named by {shown}; change those first",
        [
            Problem(
                field=referrer.field,
                value=f"{referrer.collection}/{referrer.record_id}",
                reason=f"names this {SINGULAR[collection]}",
            )
            for referrer in found[:100]
        ],
    )


def import_body(
    service: Service, principal: Principal, collection: str, body: bytes, mode: ImportMode
) -> ImportReport:
    """Import the JSON Lines ``body`` into ``collection``, all or nothing (one transaction).

    What ``POST /{collection}/import`` does once it has the body (the web's upload page
    calls it with an uploaded file's bytes).

    Raises
    ------
    ApiError
        422 naming the line, field and reason of the first problem; 409 for an id taken
        in ``create`` mode.
    """
    loaded = read_import(collection, body)
    records: list[DomainRecord] = loaded.records
    with writing(service) as (session, version):
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
        created, updated = store.save_many(session, collection, records, version)
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
    return await run_in_threadpool(import_body, service, principal, collection, body, mode)

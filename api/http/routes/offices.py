"""``/offices``: foreign representative offices, and what-if one opened (or closed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.http.deps import (
    CountryQuery,
    EditorDep,
    KeywordQuery,
    LimitQuery,
    OffsetQuery,
    PrincipalDep,
    ServiceDep,
    SideQuery,
)
from api.http.routes import records
from api.http.routes.answers import current_engine, served, side_of, whatif_public
from api.http.routes.profiles import ERRORS
from api.http.schemas.answers import Solver, WhatIfPublic
from api.http.schemas.records import ImportReport, OfficeCreate, OfficePublic, OfficeUpdate, Page
from api.http.store.records import Filters
from matcher.model import OfficeStatus
from matcher.whatif import compare

router = APIRouter(prefix="/offices", tags=["offices"])
COLLECTION = "offices"
OfficeId = Annotated[str, Path(min_length=1, max_length=200, description="Office id.")]


@router.get("", response_model=Page[OfficePublic], responses=ERRORS)
def list_offices(
    service: ServiceDep,
    principal: PrincipalDep,
    country: CountryQuery = None,
    kind: Annotated[OfficeStatus | None, Query(description="The office's status.")] = None,
    keyword: KeywordQuery = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    """Offices, filtered by host country, status and keyword (name or operator)."""
    filters = Filters(country=country, kind=kind, keyword=keyword)
    return records.list_records(service, principal, COLLECTION, filters, offset, limit)


@router.post("", response_model=OfficePublic, status_code=status.HTTP_201_CREATED, responses=ERRORS)
def create_office(
    service: ServiceDep, principal: EditorDep, office: OfficeCreate, response: Response
) -> dict[str, Any]:
    """Create an office (admin, coordinator)."""
    return records.create_record(service, principal, COLLECTION, office, response)


@router.post(
    "/import", response_model=ImportReport, responses=ERRORS, openapi_extra=records.IMPORT_BODY
)
async def import_offices(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    mode: Annotated[records.ImportMode, Query()] = "create",
) -> ImportReport:
    """Import offices from a JSON Lines body, all or nothing (admin, coordinator)."""
    return await records.import_records(request, service, principal, COLLECTION, mode)


@router.get("/{office_id}", response_model=OfficePublic, responses=ERRORS)
def read_office(
    service: ServiceDep, principal: PrincipalDep, office_id: OfficeId, response: Response
) -> dict[str, Any]:
    """One office."""
    return records.read_record(service, principal, COLLECTION, office_id, response)


@router.patch("/{office_id}", response_model=OfficePublic, responses=ERRORS)
def update_office(
    service: ServiceDep,
    principal: PrincipalDep,
    office_id: OfficeId,
    changes: OfficeUpdate,
    response: Response,
    if_match: records.IfMatch = None,
) -> dict[str, Any]:
    """Change fields of an office; which fields each role may change is in
    :mod:`api.http.permissions` (403 naming a field the caller may not change)."""
    return records.update_record(
        service,
        principal,
        COLLECTION,
        office_id,
        changes.model_dump(exclude_unset=True),
        if_match,
        response,
    )


@router.delete("/{office_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_office(
    service: ServiceDep,
    principal: EditorDep,
    office_id: OfficeId,
    if_match: records.IfMatch = None,
) -> None:
    """Delete an office (admin, coordinator); 409 while other records name it."""
    records.delete_record(service, principal, COLLECTION, office_id, if_match)


@router.get("/{office_id}/what-if", response_model=WhatIfPublic, responses=ERRORS)
async def what_if(
    service: ServiceDep,
    _principal: PrincipalDep,
    office_id: OfficeId,
    change: Annotated[str, Query(pattern="^(open|close)$")] = "open",
    solver: Solver = "fast",
    side: SideQuery = None,
) -> Response:
    """Every call's best team before and after the office opens (or closes): which calls
    gain a viable team, which lose theirs, how the objective changes, from ``side`` (an
    office is a route only for the side it is run from)."""
    fitted = await current_engine(service.engine)
    side = side_of(fitted, side)

    def build() -> WhatIfPublic:
        fitted.dataset.office(office_id)  # 404 for an unknown office
        before = fitted.matcher.from_side(side)
        if change == "open":
            after = before.what_if([office_id])
        else:
            after = before.what_if(close_offices=[office_id])
        report = compare(before, after, f"{change} office {office_id}", solver=solver)
        return whatif_public(report).model_copy(update={"data_version": fitted.version})

    key = ("what-if", office_id, change, solver, side)
    return await served(service.engine, fitted, key, build)

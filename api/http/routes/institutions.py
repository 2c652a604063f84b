"""``/institutions``: universities, research centres, companies, agencies."""

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
)
from api.http.routes import records
from api.http.routes.profiles import ERRORS
from api.http.schemas.records import (
    ImportReport,
    InstitutionCreate,
    InstitutionPublic,
    InstitutionUpdate,
    Page,
)
from api.http.store.records import Filters
from matcher.model import InstitutionKind

router = APIRouter(prefix="/institutions", tags=["institutions"])
COLLECTION = "institutions"
InstitutionId = Annotated[str, Path(min_length=1, max_length=200, description="Institution id.")]


@router.get("", response_model=Page[InstitutionPublic], responses=ERRORS)
def list_institutions(
    service: ServiceDep,
    principal: PrincipalDep,
    country: CountryQuery = None,
    kind: Annotated[InstitutionKind | None, Query()] = None,
    keyword: KeywordQuery = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    """Institutions, filtered by country, kind and keyword (name or consortium)."""
    filters = Filters(country=country, kind=kind, keyword=keyword)
    return records.list_records(service, principal, COLLECTION, filters, offset, limit)


@router.post(
    "", response_model=InstitutionPublic, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def create_institution(
    service: ServiceDep, principal: EditorDep, institution: InstitutionCreate, response: Response
) -> dict[str, Any]:
    """Create an institution (admin, coordinator)."""
    return records.create_record(service, principal, COLLECTION, institution, response)


@router.post(
    "/import", response_model=ImportReport, responses=ERRORS, openapi_extra=records.IMPORT_BODY
)
async def import_institutions(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    mode: Annotated[records.ImportMode, Query()] = "create",
) -> ImportReport:
    """Import institutions from a JSON Lines body, all or nothing (admin, coordinator)."""
    return await records.import_records(request, service, principal, COLLECTION, mode)


@router.get("/{institution_id}", response_model=InstitutionPublic, responses=ERRORS)
def read_institution(
    service: ServiceDep, principal: PrincipalDep, institution_id: InstitutionId, response: Response
) -> dict[str, Any]:
    """One institution."""
    return records.read_record(service, principal, COLLECTION, institution_id, response)


@router.patch("/{institution_id}", response_model=InstitutionPublic, responses=ERRORS)
def update_institution(
    service: ServiceDep,
    principal: PrincipalDep,
    institution_id: InstitutionId,
    changes: InstitutionUpdate,
    response: Response,
    if_match: records.IfMatch = None,
) -> dict[str, Any]:
    """Change fields of an institution; which fields each role may change is in
    :mod:`api.http.permissions` (403 naming a field the caller may not change)."""
    return records.update_record(
        service,
        principal,
        COLLECTION,
        institution_id,
        changes.model_dump(exclude_unset=True),
        if_match,
        response,
    )


@router.delete("/{institution_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_institution(
    service: ServiceDep,
    principal: EditorDep,
    institution_id: InstitutionId,
    if_match: records.IfMatch = None,
) -> None:
    """Delete an institution (admin, coordinator); 409 while other records name it."""
    records.delete_record(service, principal, COLLECTION, institution_id, if_match)

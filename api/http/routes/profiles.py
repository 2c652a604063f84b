"""``/profiles``: researcher and organisation profiles, and partners abroad for one."""

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
from api.http.errors import forbidden
from api.http.routes import records
from api.http.routes.answers import current_engine, partner_public, served, side_of
from api.http.schemas.answers import PartnersPublic
from api.http.schemas.errors import ErrorBody
from api.http.schemas.records import ImportReport, Page, ProfileCreate, ProfilePublic, ProfileUpdate
from api.http.store.records import Filters
from matcher.model import ProfileKind

router = APIRouter(prefix="/profiles", tags=["profiles"])
COLLECTION = "profiles"
ProfileId = Annotated[str, Path(min_length=1, max_length=200, description="Profile id.")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 413, 422)
}


@router.get("", response_model=Page[ProfilePublic], responses=ERRORS)
def list_profiles(
    service: ServiceDep,
    principal: PrincipalDep,
    country: CountryQuery = None,
    kind: Annotated[ProfileKind | None, Query()] = None,
    keyword: KeywordQuery = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    """Profiles, filtered by country, kind and keyword, ordered by id."""
    filters = Filters(country=country, kind=kind, keyword=keyword)
    return records.list_records(service, principal, COLLECTION, filters, offset, limit)


@router.post(
    "", response_model=ProfilePublic, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def create_profile(
    service: ServiceDep, principal: EditorDep, profile: ProfileCreate, response: Response
) -> dict[str, Any]:
    """Create a profile (admin, coordinator)."""
    return records.create_record(service, principal, COLLECTION, profile, response)


@router.post(
    "/import", response_model=ImportReport, responses=ERRORS, openapi_extra=records.IMPORT_BODY
)
async def import_profiles(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    mode: Annotated[
        records.ImportMode, Query(description="create: ids must be new; upsert: replace.")
    ] = "create",
) -> ImportReport:
    """Import profiles from a JSON Lines body, all or nothing (admin, coordinator)."""
    return await records.import_records(request, service, principal, COLLECTION, mode)


@router.get("/{profile_id}", response_model=ProfilePublic, responses=ERRORS)
def read_profile(
    service: ServiceDep, principal: PrincipalDep, profile_id: ProfileId, response: Response
) -> dict[str, Any]:
    """One profile; ``contact`` only for roles allowed to see it."""
    return records.read_record(service, principal, COLLECTION, profile_id, response)


@router.patch("/{profile_id}", response_model=ProfilePublic, responses=ERRORS)
def update_profile(
    service: ServiceDep,
    principal: PrincipalDep,
    profile_id: ProfileId,
    changes: ProfileUpdate,
    response: Response,
    if_match: records.IfMatch = None,
) -> dict[str, Any]:
    """Change fields of a profile; which fields each role may change is in
    :mod:`api.http.permissions` (403 naming a field the caller may not change)."""
    return records.update_record(
        service,
        principal,
        COLLECTION,
        profile_id,
        changes.model_dump(exclude_unset=True),
        if_match,
        response,
    )


@router.delete("/{profile_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_profile(
    service: ServiceDep,
    principal: EditorDep,
    profile_id: ProfileId,
    if_match: records.IfMatch = None,
) -> None:
    """Delete a profile (admin, coordinator); 409 while other records name it."""
    records.delete_record(service, principal, COLLECTION, profile_id, if_match)


@router.get("/{profile_id}/partners-abroad", response_model=PartnersPublic, responses=ERRORS)
async def partners_abroad(
    service: ServiceDep,
    principal: PrincipalDep,
    profile_id: ProfileId,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    side: SideQuery = None,
) -> Response:
    """The best partners in other countries for one researcher, with the route to each
    from ``side``: by default the engine's side, and for a researcher (who may ask only
    for themself) their own profile's country.
    """
    if principal.role == "researcher" and not principal.is_researcher(profile_id):
        raise forbidden("a researcher asks for partners for their own profile only")
    fitted = await current_engine(service.engine)
    if side is None and principal.role == "researcher" and fitted.dataset.has_profile(profile_id):
        side = fitted.dataset.profile(profile_id).country
    side = side_of(fitted, side)

    def build() -> PartnersPublic:
        fitted.dataset.profile(profile_id)  # 404 for an unknown profile
        suggestions = fitted.matcher.from_side(side).partners_abroad(profile_id, k)
        return PartnersPublic(
            call_id=None,
            team=[profile_id],
            partners=[
                partner_public(fitted.dataset, s, rank) for rank, s in enumerate(suggestions, 1)
            ],
            data_version=fitted.version,
        )

    key = ("partners-abroad", profile_id, k, side)
    return await served(service.engine, fitted, key, build)

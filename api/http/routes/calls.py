"""``/calls``: grant calls, and the answers about one: candidates with evidence, teams,
partners for a partial team."""

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
from api.http.errors import ApiError
from api.http.routes import records
from api.http.routes.answers import (
    candidate_public,
    current_engine,
    evidence,
    partner_public,
    served,
    side_of,
    teams_public,
)
from api.http.routes.profiles import ERRORS
from api.http.schemas.answers import CandidatesPublic, Evidence, PartnersPublic, Solver, TeamsPublic
from api.http.schemas.errors import Problem
from api.http.schemas.records import CallCreate, CallPublic, CallUpdate, ImportReport, Page
from api.http.store.records import Filters

router = APIRouter(prefix="/calls", tags=["calls"])
COLLECTION = "calls"
CallId = Annotated[str, Path(min_length=1, max_length=200, description="Call id.")]
IdList = Annotated[list[str], Query(max_length=50)]


@router.get("", response_model=Page[CallPublic], responses=ERRORS)
def list_calls(
    service: ServiceDep,
    principal: PrincipalDep,
    country: CountryQuery = None,
    keyword: KeywordQuery = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    """Calls, filtered by a country their rules name (required, eligible or lead) and by
    keyword (title or keywords)."""
    filters = Filters(country=country, keyword=keyword)
    return records.list_records(service, principal, COLLECTION, filters, offset, limit)


@router.post("", response_model=CallPublic, status_code=status.HTTP_201_CREATED, responses=ERRORS)
def create_call(
    service: ServiceDep, principal: EditorDep, call: CallCreate, response: Response
) -> dict[str, Any]:
    """Create a call (admin, coordinator)."""
    return records.create_record(service, principal, COLLECTION, call, response)


@router.post(
    "/import", response_model=ImportReport, responses=ERRORS, openapi_extra=records.IMPORT_BODY
)
async def import_calls(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    mode: Annotated[records.ImportMode, Query()] = "create",
) -> ImportReport:
    """Import calls from a JSON Lines body, all or nothing (admin, coordinator)."""
    return await records.import_records(request, service, principal, COLLECTION, mode)


@router.get("/{call_id}", response_model=CallPublic, responses=ERRORS)
def read_call(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId, response: Response
) -> dict[str, Any]:
    """One call."""
    return records.read_record(service, principal, COLLECTION, call_id, response)


@router.patch("/{call_id}", response_model=CallPublic, responses=ERRORS)
def update_call(
    service: ServiceDep,
    principal: PrincipalDep,
    call_id: CallId,
    changes: CallUpdate,
    response: Response,
    if_match: records.IfMatch = None,
) -> dict[str, Any]:
    """Change fields of a call; which fields each role may change is in
    :mod:`api.http.permissions` (403 naming a field the caller may not change)."""
    return records.update_record(
        service,
        principal,
        COLLECTION,
        call_id,
        changes.model_dump(exclude_unset=True),
        if_match,
        response,
    )


@router.delete("/{call_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_call(
    service: ServiceDep,
    principal: EditorDep,
    call_id: CallId,
    if_match: records.IfMatch = None,
) -> None:
    """Delete a call (admin, coordinator); 409 while other records name it."""
    records.delete_record(service, principal, COLLECTION, call_id, if_match)


@router.get("/{call_id}/candidates", response_model=CandidatesPublic, responses=ERRORS)
async def candidates(
    service: ServiceDep,
    _principal: PrincipalDep,
    call_id: CallId,
    k: Annotated[int, Query(ge=1, le=200, description="How many.")] = 10,
    explain: Annotated[bool, Query(description="Add each candidate's evidence.")] = True,
    side: SideQuery = None,
) -> Response:
    """The best eligible, reachable profiles for a call, with the route to each and the
    evidence behind each score (publications, keywords, call parts covered). ``side``:
    the point of view routes start from."""
    fitted = await current_engine(service.engine)
    side = side_of(fitted, side)

    def build() -> CandidatesPublic:
        fitted.dataset.call(call_id)  # 404 for an unknown call
        matcher = fitted.matcher.from_side(side)
        pool = matcher.candidates(call_id, k)
        return CandidatesPublic(
            call_id=call_id,
            abstains=matcher.abstains(call_id),
            candidates=[
                candidate_public(fitted, call_id, candidate, rank, explain, side)
                for rank, candidate in enumerate(pool, 1)
            ],
            nobody_may_join=matcher.nobody_may_join(call_id),
            data_version=fitted.version,
        )

    key = ("candidates", call_id, k, explain, side)
    return await served(service.engine, fitted, key, build)


@router.get("/{call_id}/candidates/{profile_id}", response_model=Evidence, responses=ERRORS)
async def explain(
    service: ServiceDep,
    _principal: PrincipalDep,
    call_id: CallId,
    profile_id: Annotated[str, Path(min_length=1, max_length=200)],
    side: SideQuery = None,
) -> Response:
    """Why one profile scores what it scores for a call, and whether it may join the
    call's team from ``side`` (the point of view routes start from)."""
    fitted = await current_engine(service.engine)
    side = side_of(fitted, side)

    def build() -> Evidence:
        fitted.dataset.call(call_id)
        fitted.dataset.profile(profile_id)
        return evidence(fitted, call_id, profile_id, side)

    return await served(service.engine, fitted, ("explain", call_id, profile_id, side), build)


@router.get("/{call_id}/teams", response_model=TeamsPublic, responses=ERRORS)
async def teams(
    service: ServiceDep,
    _principal: PrincipalDep,
    call_id: CallId,
    pin: IdList = [],  # noqa: B006 - FastAPI copies query defaults
    ban: IdList = [],  # noqa: B006
    solver: Solver = "exact",
    alternatives: Annotated[int, Query(ge=0, le=5, description="More diverse teams.")] = 0,
    open_office: IdList = [],  # noqa: B006
    side: SideQuery = None,
) -> Response:
    """The best team for a call under its rules, with the route to each member, and
    ``alternatives`` diverse others; when none exists, which rule fails and the smallest
    relaxations. ``open_office``: as if these offices were open (what-if). ``side``: the
    point of view routes start from (its offices, agreements and people)."""
    fitted = await current_engine(service.engine)
    side = side_of(fitted, side)
    pins = list(dict.fromkeys(pin))

    def build() -> TeamsPublic:
        dataset = fitted.dataset
        dataset.call(call_id)
        _known_profiles(dataset.has_profile, pin, "pin")
        _known_profiles(dataset.has_profile, ban, "ban")
        both = sorted(set(pin) & set(ban))
        if both:
            raise ApiError(
                422,
                f"profiles both pinned and banned: {both}",
                [Problem(field="query.ban", value=both, reason="also pinned")],
            )
        for office_id in open_office:
            dataset.office(office_id)
        matcher = fitted.matcher.from_side(side)
        matcher = matcher.what_if(open_office) if open_office else matcher
        result = matcher.team(
            call_id, pin=pins, ban=set(ban), solver=solver, alternatives=alternatives
        )
        return teams_public(result).model_copy(update={"data_version": fitted.version})

    # Errors name the position of an id in the query, so the key keeps the lists as given.
    key = (
        "teams",
        call_id,
        tuple(pin),
        tuple(ban),
        solver,
        alternatives,
        tuple(open_office),
        side,
    )
    return await served(service.engine, fitted, key, build)


@router.get("/{call_id}/partners", response_model=PartnersPublic, responses=ERRORS)
async def partners(
    service: ServiceDep,
    _principal: PrincipalDep,
    call_id: CallId,
    team: IdList = [],  # noqa: B006
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    side: SideQuery = None,
) -> Response:
    """The best profiles to add to a partial team for a call (relevance, the countries
    the team still needs, the route from ``side``, past collaboration)."""
    fitted = await current_engine(service.engine)
    side = side_of(fitted, side)

    def build() -> PartnersPublic:
        fitted.dataset.call(call_id)
        _known_profiles(fitted.dataset.has_profile, team, "team")
        members = list(dict.fromkeys(team))
        matcher = fitted.matcher.from_side(side)
        suggestions = matcher.partners(call_id, members, k)
        return PartnersPublic(
            call_id=call_id,
            team=members,
            partners=[
                partner_public(fitted.dataset, s, rank) for rank, s in enumerate(suggestions, 1)
            ],
            nobody_may_join=matcher.nobody_may_join(call_id),
            data_version=fitted.version,
        )

    key = ("partners", call_id, tuple(team), k, side)
    return await served(service.engine, fitted, key, build)


def _known_profiles(has_profile: Any, ids: list[str], field: str) -> None:
    for position, profile_id in enumerate(ids):
        if not has_profile(profile_id):
            raise ApiError(
                404,
                f"no profile with id {profile_id!r}",
                [
                    Problem(
                        field=f"query.{field}.{position}",
                        value=profile_id,
                        reason="no profile with this id",
                    )
                ],
            )

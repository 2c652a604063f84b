"""Dependencies of the routes (``Annotated`` aliases, as in FastAPI's full-stack template)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from api.http.auth import Principal
from api.http.errors import ApiError, forbidden
from api.http.schemas.errors import Problem
from api.http.service import Service
from api.http.throttle import KeyThrottle
from matcher.model import CountryCode

_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (see README, Roles)."
)


# The dependencies are ``async``: a plain ``def`` dependency costs a hop to the thread
# pool on every request, which under load costs more than the check itself. Only the
# database lookup of a stored key goes to a thread.


async def get_service(request: Request) -> Service:
    """The service the app was created with."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_principal(
    request: Request, service: ServiceDep, key: Annotated[str | None, Security(_api_key)]
) -> Principal:
    """The caller, from the ``X-API-Key`` header (401 when missing or unknown; 429 while
    the client address is throttled for sending unknown keys)."""
    if not key:
        raise ApiError(
            401,
            "missing API key: send it in the X-API-Key header",
            [Problem(field="header.X-API-Key", reason="missing")],
        )
    throttle: KeyThrottle = request.app.state.key_throttle
    client = request.client.host if request.client is not None else "unknown"
    wait = throttle.retry_after(client)
    if wait is not None:
        reason = f"too many unknown API keys from this address; try again in {wait} s"
        raise ApiError(
            429,
            reason,
            [Problem(field="header.X-API-Key", reason=reason)],
            headers={"Retry-After": str(wait)},
        )
    principal = service.configured_principal(key)
    if principal is None:
        principal = await run_in_threadpool(service.principal, key)
    if principal is None:
        throttle.record_failure(client)
        raise ApiError(
            401,
            "unknown or revoked API key",
            [Problem(field="header.X-API-Key", reason="unknown or revoked")],
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only ``roles`` (403 for the others)."""

    async def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise forbidden(
                f"the {principal.role} role may not do this (needs {' or '.join(roles)})"
            )
        return principal

    return check


AdminDep = Annotated[Principal, Depends(require("admin"))]
EditorDep = Annotated[Principal, Depends(require("admin", "coordinator"))]

OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]
LimitQuery = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
CountryQuery = Annotated[CountryCode | None, Query(description="ISO 3166-1 alpha-2 country code.")]
SideQuery = Annotated[
    CountryCode | None,
    Query(
        description="Point of view: the country routes start from (its offices, its "
        "institutions' agreements, past collaboration with its people); a code or a name. "
        "Default: the engine's side (the most common home country of the offices).",
    ),
]
KeywordQuery = Annotated[
    str | None,
    Query(max_length=200, description="Case-insensitive part of the name or a keyword."),
]
KindQuery = Annotated[str | None, Query(max_length=32, description="Kind (office: status).")]

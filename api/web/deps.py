"""Dependencies of the pages: the service, the signed-in session, roles, and the CSRF
check of every form post."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.http.service import Service
from api.web import sessions
from api.web.sessions import WebSession


class SignInRequired(Exception):
    """No live session: the page redirects to the sign-in form."""


class PageError(Exception):
    """A page answered with an error page: a status and a message a person reads.

    Parameters
    ----------
    status : int
        The HTTP status (403, 404, 409, 422...).
    message : str
        What went wrong (already in the page's language).
    problems : list of (field, reason), optional
        Each field and its reason (a loader's file, line and field, say).
    """

    def __init__(
        self, status: int, message: str, problems: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


async def get_service(request: Request) -> Service:
    """The service the application was created with."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def optional_session(request: Request, service: ServiceDep) -> WebSession | None:
    """The signed-in session of the browser, if any."""
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if not cookie:
        return None

    def lookup() -> WebSession | None:
        with service.database.session() as session:
            return sessions.find(session, cookie)

    return await run_in_threadpool(lookup)


MaybeSignedIn = Annotated[WebSession | None, Depends(optional_session)]


async def signed_in(web: MaybeSignedIn) -> WebSession:
    """The signed-in session (else a redirect to the sign-in form)."""
    if web is None:
        raise SignInRequired
    return web


SignedIn = Annotated[WebSession, Depends(signed_in)]


def role(*roles: str) -> Callable[[WebSession], Awaitable[WebSession]]:
    """A dependency admitting only the signed-in users of ``roles`` (403 page otherwise)."""

    async def check(web: SignedIn) -> WebSession:
        if web.user.role not in roles:
            raise PageError(403, "forbidden")
        return web

    return check


async def checked_form(request: Request, web: SignedIn) -> WebSession:
    """A form post of a signed-in user, refused (403) without the session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not sessions.same_token(web.csrf_token, sent if isinstance(sent, str) else None):
        raise PageError(403, "csrf")
    return web


FormPost = Annotated[WebSession, Depends(checked_form)]


def form_post_of(*roles: str) -> Callable[[WebSession], Awaitable[WebSession]]:
    """A form post (CSRF-checked) by one of ``roles``."""

    async def check(web: FormPost) -> WebSession:
        if web.user.role not in roles:
            raise PageError(403, "forbidden")
        return web

    return check


Coordinator = Annotated[WebSession, Depends(role("admin", "coordinator"))]
CoordinatorPost = Annotated[WebSession, Depends(form_post_of("admin", "coordinator"))]
Researcher = Annotated[WebSession, Depends(role("researcher"))]
ResearcherPost = Annotated[WebSession, Depends(form_post_of("researcher"))]
Staff = Annotated[WebSession, Depends(role("office_staff"))]
StaffPost = Annotated[WebSession, Depends(form_post_of("office_staff"))]
Admin = Annotated[WebSession, Depends(role("admin"))]
AdminPost = Annotated[WebSession, Depends(form_post_of("admin"))]

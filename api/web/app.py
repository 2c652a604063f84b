"""The web application: server-rendered pages for people, mounted at ``/app`` in the
service's own FastAPI application (one process, one store, one engine).

Pages call the same route functions the JSON API exposes (with the signed-in person's
:class:`~api.http.auth.Principal`), so every rule, check and view of the service holds
for them by construction; only the rendering is the web's own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.errors import ApiError, input_error_detail, validation_problems
from api.http.service import Service
from api.http.throttle import KeyThrottle
from api.web.deps import PageError, SignInRequired, optional_session
from api.web.pages import BASE, render
from api.web.routes import ROUTERS
from matcher.errors import InputError, UnknownIdError
from matcher.teams.pool import TeamRulesError

log = logging.getLogger("grantmatch.web")


def create_web(service: Service) -> FastAPI:
    """The pages, as an application to mount at :data:`api.web.pages.BASE`."""
    web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web.state.service = service
    settings = service.settings
    web.state.login_throttle = KeyThrottle(
        settings.key_failure_limit,
        settings.key_failure_window_seconds,
        settings.key_throttle_clients,
    )
    web.mount("/static", StaticFiles(packages=[("api.web", "static")]), name="static")
    web.middleware("http")(_security_headers)
    # Pages are text (a call page with its evidence is about 80 KiB): compressed, about 8x
    # smaller on the wire. Only the pages: the JSON API's answers are served as they were.
    web.add_middleware(GZipMiddleware, minimum_size=1024)
    for router in ROUTERS:
        web.include_router(router)
    _install_page_errors(web)
    return web


SECURITY_HEADERS = {
    # Scripts only from this site (no inline script, so an injected one would not run);
    # inline style attributes are allowed (progress meters); plots are data: images.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
"""Headers of every page (and static file) of the web application."""


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def install_web(app: FastAPI, service: Service) -> None:
    """Mount the pages at ``/app`` and send ``/`` there."""
    app.mount(BASE, create_web(service))

    @app.get("/", include_in_schema=False)
    async def _home() -> RedirectResponse:
        return RedirectResponse(f"{BASE}/", status_code=307)


async def error_page(
    request: Request, status: int, message: str, problems: list[tuple[str, str]] | None = None
) -> Response:
    """An error page in the request's language (the sign-in state read again: the
    dependency that failed may not have produced it)."""
    service: Service = request.app.state.service
    try:
        web = await optional_session(request, service)
    except Exception:  # an error page must render even with a broken store
        web = None
    return render(
        request,
        "error.html",
        web,
        {"status": status, "message": message, "problems": problems or []},
        status=status,
    )


def _install_page_errors(web: FastAPI) -> None:
    @web.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _error: SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = f"{BASE}/"
        from urllib.parse import urlencode

        return RedirectResponse(f"{BASE}/login?{urlencode({'next': target})}", status_code=303)

    @web.exception_handler(PageError)
    async def _page(request: Request, error: PageError) -> Response:
        if error.status == 403:
            await _audit_denial(request, error.message)
        return await error_page(request, error.status, error.message, error.problems)

    @web.exception_handler(ApiError)
    async def _api(request: Request, error: ApiError) -> Response:
        problems = [(p.field or "", p.reason) for p in error.problems]
        if error.status == 403:
            await _audit_denial(request, error.detail)
        return await error_page(request, error.status, error.detail, problems)

    @web.exception_handler(UnknownIdError)
    async def _unknown(request: Request, error: UnknownIdError) -> Response:
        return await error_page(request, 404, str(error))

    @web.exception_handler(TeamRulesError)
    async def _rules(request: Request, error: TeamRulesError) -> Response:
        return await error_page(request, 422, str(error))

    @web.exception_handler(InputError)
    async def _input(request: Request, error: InputError) -> Response:
        return await error_page(request, 422, input_error_detail(error))

    @web.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        problems = [(p.field or "", p.reason) for p in validation_problems(error.errors())]
        return await error_page(request, 422, "invalid", problems)

    @web.exception_handler(ValidationError)
    async def _model(request: Request, error: ValidationError) -> Response:
        found = validation_problems(error.errors(include_url=False), "form")
        return await error_page(request, 422, "invalid", [(p.field or "", p.reason) for p in found])

    @web.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        message = "not_found" if error.status_code == 404 else str(error.detail)
        return await error_page(request, error.status_code, message)

    @web.exception_handler(Exception)
    async def _last(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return await error_page(request, 500, "internal")


async def _audit_denial(request: Request, reason: str) -> None:
    """A refused page is in the audit trail, as a refused API call is."""
    service: Service = request.app.state.service
    web = await optional_session(request, service)
    if web is None:
        return
    from api.http.service import audit

    def record() -> None:
        with service.database.session() as session:
            audit(
                session,
                web.user.principal,
                "access.denied",
                f"{request.method} {request.url.path}",
                {"reason": reason},
            )

    await run_in_threadpool(record)

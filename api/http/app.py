"""The FastAPI application: ``create_app(settings)``.

Start it with ``grantmatch serve``; the OpenAPI documentation is at ``/docs``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig

from api.http.body_checks import BodyLimits
from api.http.engine import EngineWarming
from api.http.errors import install_handlers
from api.http.middleware import RequestLimits
from api.http.openapi import install_openapi
from api.http.query import refuse_unknown_query
from api.http.routes import (
    audit,
    calls,
    competitions,
    engine,
    imports,
    institutions,
    introductions,
    jobs,
    keys,
    meta,
    notifications,
    offices,
    outcomes,
    profiles,
)
from api.http.schemas.errors import ErrorBody
from api.http.service import Service
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.throttle import KeyThrottle
from api.web import install_web
from matcher import __version__

DESCRIPTION = """
Grant-call and research-team matchmaking over HTTP: profiles, institutions, foreign offices
and calls in a database; the best candidates for a call with their evidence; teams that meet
a call's rules with the route to each member; partners; what-if an office opened; grant
rounds as background jobs; introductions brokered by the offices.

People use the web application at `/app` (sign-in with a password); programs send an
API key in the `X-API-Key` header. Roles: `admin`, `coordinator`, `office_staff`
(bound to an office), `researcher` (bound to a profile).
"""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The application, with its store migrated and (on startup) its job worker running.

    Parameters
    ----------
    settings : Settings, optional
        Default: read from the environment.
    database : Database, optional
        Default: opened from ``settings.resolved_database_url()``.
    """
    settings = settings or Settings()
    service = Service(settings, database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(
        title="grantmatch",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry=_telemetry(settings.telemetry),
        # App-level, so that every route refuses query parameters it does not declare.
        dependencies=[Depends(refuse_unknown_query)],
    )
    app.state.service = service
    app.state.key_throttle = KeyThrottle(
        settings.key_failure_limit,
        settings.key_failure_window_seconds,
        settings.key_throttle_clients,
    )
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        body_limits=BodyLimits(
            max_depth=settings.max_json_depth,
            max_string_chars=settings.max_string_chars,
            max_record_bytes=settings.max_record_bytes,
        ),
    )
    install_openapi(app)
    install_handlers(app, service.record_denial)
    app.add_exception_handler(EngineWarming, _engine_warming)  # type: ignore[arg-type]
    modules = (
        meta,
        engine,
        profiles,
        institutions,
        offices,
        calls,
        competitions,
        imports,
        introductions,
        outcomes,
        notifications,
        jobs,
        keys,
        audit,
    )
    for module in modules:
        app.include_router(module.router)
    install_web(app, service)
    logging.getLogger("grantmatch.api").setLevel(logging.INFO)
    return app


def _telemetry(enabled: bool) -> TelemetryConfig:
    """FastAPI's native OpenTelemetry: on, through the global providers, or wholly off."""
    if enabled:
        return {}
    return {"tracing": False, "metrics": False, "logs": False}


async def _engine_warming(_request: Request, error: EngineWarming) -> JSONResponse:
    """503 while the very first engine is being fitted, with ``Retry-After`` (the more
    specific class: it wins over the generic ``ApiError`` handler)."""
    body = ErrorBody(detail=error.detail, errors=error.problems).model_dump(mode="json")
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(error.retry_after)})

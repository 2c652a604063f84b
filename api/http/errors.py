"""Errors the service answers with a 4xx and a body that says what is wrong.

Every handler here answers with :class:`api.http.schemas.errors.ErrorBody`: a summary and the
problems, each with its field, value and reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.methods import AllowedMethods, allow_header
from api.http.privacy import scrub_reason
from api.http.schemas.errors import ErrorBody, Problem
from matcher.errors import InputError, UnknownIdError
from matcher.teams.pool import TeamRulesError

log = logging.getLogger("grantmatch.api")


class ApiError(Exception):
    """An answer other than success: a status code, a summary and the problems.

    Parameters
    ----------
    status : int
        The HTTP status (4xx).
    detail : str
        A one-line summary.
    problems : list of Problem, optional
        The field, value and reason of each problem.
    headers : dict, optional
        Headers of the answer (e.g. ``Retry-After`` of a 429).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}


def not_found(kind: str, identifier: str, field: str = "path.id") -> ApiError:
    """404 for an unknown id."""
    return ApiError(
        404,
        f"no {kind} with id {identifier!r}",
        [Problem(field=field, value=identifier, reason=f"no {kind} with this id")],
    )


def forbidden(reason: str) -> ApiError:
    """403 with the reason."""
    return ApiError(403, reason, [Problem(field="header.X-API-Key", reason=reason)])


def _shown(value: Any) -> Any:
    """A JSON-safe, bounded copy of an offending value for the error body."""
    try:
        encoded = jsonable_encoder(value)
    except Exception:  # an exotic input value must not turn a 422 into a 500
        encoded = repr(value)
    text = repr(encoded)
    if len(text) > 300:
        return text[:300] + "…"
    return encoded


def validation_problems(errors: Any, prefix: str = "") -> list[Problem]:
    """Problems from pydantic's error list (``loc`` joined into a dotted field)."""
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        field = ".".join([prefix, *loc] if prefix else loc) or None
        reason = str(error.get("msg", "invalid value"))
        problems.append(Problem(field=field, value=_shown(error.get("input")), reason=reason))
    return problems


def input_error_problem(error: InputError) -> Problem:
    """A problem from the loaders' :class:`InputError` (line, field, reason)."""
    reason = scrub_reason(error.field, error.reason)
    return Problem(field=error.field, line=error.line, reason=reason, value=None)


def input_error_detail(error: InputError, source: str = "body") -> str:
    """The loaders' one-line message about ``source``: ``body line 4: field 'id': ...``."""
    where = source if error.line is None else f"{source} line {error.line}"
    what = f"field '{error.field}': " if error.field else ""
    return f"{where}: {what}{scrub_reason(error.field, error.reason)}"


def only_sent(problems: list[Problem], sent: dict[str, Any], prefix: str = "body") -> list[Problem]:
    """``problems`` with each value kept only where the caller sent it.

    An update is validated merged with the stored record, so pydantic's offending input
    can be a stored value (or, for a missing field, the whole stored record) the caller
    never sent; those are dropped.
    """
    # Built anew, not copied: a Problem drops private values when it is validated.
    return [
        Problem(
            field=problem.field,
            value=_sent_value(problem.field, sent, prefix),
            reason=problem.reason,
            line=problem.line,
        )
        for problem in problems
    ]


def _sent_value(field: str | None, sent: dict[str, Any], prefix: str) -> Any:
    parts = (field or "").split(".")
    if parts[:1] == [prefix]:
        parts = parts[1:]
    value: Any = sent
    for part in parts:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return None if value is sent else value


def _body(status: int, detail: str, problems: list[Problem]) -> JSONResponse:
    payload = ErrorBody(detail=detail, errors=problems).model_dump(mode="json")
    return JSONResponse(payload, status_code=status)


DenialRecorder = Callable[[str | None, str, str, str], None]
"""``record(key, method, path, reason)``: audits a refused access."""


def install_handlers(app: FastAPI, record_denial: DenialRecorder | None = None) -> None:
    """Register the error handlers on ``app``.

    Parameters
    ----------
    app : FastAPI
        The application.
    record_denial : callable, optional
        Called (in a worker thread) for every 403, so that each refused access is in the
        audit trail whichever route refused it.
    """

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        if error.status == 403 and record_denial is not None:
            key = request.headers.get("X-API-Key")
            await run_in_threadpool(
                record_denial, key, request.method, request.url.path, error.detail
            )
        response = _body(error.status, error.detail, error.problems)
        response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = validation_problems(error.errors())
        summary = "; ".join(f"{p.field}: {p.reason}" for p in problems[:3])
        return _body(422, f"invalid request: {summary}", problems)

    @app.exception_handler(ValidationError)
    async def _model_invalid(_request: Request, error: ValidationError) -> JSONResponse:
        problems = validation_problems(error.errors(include_url=False), "body")
        summary = "; ".join(f"{p.field}: {p.reason}" for p in problems[:3])
        return _body(422, f"invalid record: {summary}", problems)

    @app.exception_handler(UnknownIdError)
    async def _unknown(_request: Request, error: UnknownIdError) -> JSONResponse:
        problem = Problem(field=error.kind, value=error.identifier, reason=str(error))
        return _body(404, str(error), [problem])

    @app.exception_handler(TeamRulesError)
    async def _team_rules(_request: Request, error: TeamRulesError) -> JSONResponse:
        # Only the caller's pins can contradict the data (bans never do).
        return _body(422, str(error), [Problem(field="query.pin", reason=str(error))])

    @app.exception_handler(InputError)
    async def _input(_request: Request, error: InputError) -> JSONResponse:
        return _body(422, input_error_detail(error), [input_error_problem(error)])

    methods = AllowedMethods(app.openapi)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            allowed = methods.for_path(request.url.path)
            if allowed is not None:
                headers["Allow"] = allow_header(allowed)
            if request.method == "OPTIONS":
                # No route declares OPTIONS: the router's 405 is the place to answer it.
                return Response(status_code=204, headers=headers)
        detail = str(error.detail)
        response = _body(error.status_code, detail, [Problem(field=None, reason=detail)])
        response.headers.update(headers)
        return response

    @app.exception_handler(Exception)
    async def _last_line(request: Request, error: Exception) -> JSONResponse:
        # The last line of defence only: causes of 500s are fixed where they arise. This
        # logs the traceback and keeps the body clean (no stack trace to the client).
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _body(500, "internal error; the server log has the details", [])

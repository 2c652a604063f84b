"""``/calls/{call_id}/applications``, ``.../assignment``, ``.../reviews``, ``.../ranking``:
a call's grant competition.

Teams submit applications (one as JSON, or a file of them); a coordinator checks them
against the call's rules, assigns expert reviewers under conflicts of interest and load,
collects the reviews and ranks the applications with each reviewer's harshness calibrated.
Who sees what: coordinators and admins see everything; a researcher sees the applications
they are on and those assigned to them for review, and reviews only their own; applicants
never see who reviews them. Office staff take no part.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.http.auth import Principal
from api.http.deps import PrincipalDep, ServiceDep
from api.http.errors import (
    ApiError,
    forbidden,
    input_error_detail,
    input_error_problem,
    not_found,
    validation_problems,
)
from api.http.routes.calls import CallId
from api.http.routes.profiles import ERRORS
from api.http.schemas.competitions import (
    ApplicationCreate,
    ApplicationPage,
    ApplicationPublic,
    ApplicationsCreated,
)
from api.http.schemas.errors import Problem
from api.http.service import Service, audit
from api.http.store import competitions as store
from api.http.store import records
from api.http.store.tables import ApplicationRow
from matcher.errors import InputError
from matcher.io.readers import read_records
from matcher.model import Application

router = APIRouter(prefix="/calls", tags=["competitions"])

FileFormat = Literal["jsonl", "csv", "parquet"]
_MEDIA_FORMATS: dict[str, FileFormat] = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
}
EDITORS = ("admin", "coordinator")

APPLICATION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ApplicationCreate"}},
            "application/x-ndjson": {
                "schema": {"type": "string"},
                "example": '{"id": "a-1", "call_id": "c-1", "title": "T", "team": ["r-1"], '
                '"lead": "r-1"}\n',
            },
            "text/csv": {"schema": {"type": "string"}, "example": "id,call_id,title,team,lead\n"},
        },
        "description": "One application as JSON, or a file of them: JSON Lines, CSV (a team "
        "as 'p1;p2'), Parquet (application/vnd.apache.parquet). A file is stored all or "
        "nothing.",
    }
}
"""OpenAPI description of a submission (read raw: its media type says its format)."""


def _editor(principal: Principal) -> bool:
    return principal.role in EDITORS


def _call_exists(session: Session, call_id: str) -> None:
    if records.get_row(session, "calls", call_id) is None:
        raise not_found("call", call_id, "path.call_id")


@contextmanager
def _writing(service: Service) -> Iterator[Session]:
    """A transaction of competition writes: the writers take turns (the counter is bumped
    first); a uniqueness the database still finds broken at commit is a 409, never a 500."""
    try:
        with service.database.session() as session:
            store.bump_competition_version(session)
            yield session
    except IntegrityError:
        raise ApiError(
            409,
            "the change conflicts with a concurrent one (it is already stored)",
            [Problem(reason="conflicting concurrent change")],
        ) from None


# ---------------------------------------------------------------------- applications


def parse_applications(
    body: bytes,
    media_type: str,
    file_format: FileFormat | None,
    call_id: str,
    name: str = "body",
) -> tuple[list[Application], list[int | None]]:
    """The applications of a submission, and the line each starts on (``None``: a JSON
    body of one).

    Parameters
    ----------
    body : bytes
        The request body (or an uploaded file's bytes).
    media_type : str
        Its media type: ``application/json`` is one application (call id optional); the
        file types are read by the loaders.
    file_format : {"jsonl", "csv", "parquet"}, optional
        Overrides the media type.
    call_id : str
        The call of the path (a JSON application without its ``call_id`` is for it).
    name : str
        What errors call the input.

    Raises
    ------
    ApiError
        415 for an unknown media type; 422 naming the line, field and reason.
    """
    chosen = file_format or _MEDIA_FORMATS.get(media_type)
    if chosen is None and media_type in ("application/json", ""):
        return [_one_application(body, call_id)], [None]
    if chosen is None:
        raise ApiError(
            415,
            f"cannot read {media_type!r}: send application/json, application/x-ndjson, "
            "text/csv or application/vnd.apache.parquet",
            [Problem(field="header.Content-Type", value=media_type, reason="unsupported")],
        )
    try:
        loaded = read_records(body, Application, format=chosen, name=name)  # type: ignore[type-var]
    except InputError as error:
        raise ApiError(422, input_error_detail(error, name), [input_error_problem(error)]) from None
    return list(loaded.records), [place.number for place in loaded.places]


def _one_application(body: bytes, call_id: str) -> Application:
    try:
        data = json.loads(body)
    except ValueError as error:
        problem = Problem(field="body", reason=f"not JSON: {error}")
        raise ApiError(422, f"body: {problem.reason}", [problem]) from None
    if not isinstance(data, dict):
        problem = Problem(field="body", reason="one application is a JSON object")
        raise ApiError(422, f"body: {problem.reason}", [problem])
    if data.get("call_id") is None:
        data["call_id"] = call_id
    try:
        created = ApplicationCreate.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error.errors(include_url=False), "body")
        raise ApiError(422, f"{problems[0].field}: {problems[0].reason}", problems) from None
    return Application.model_validate(created.model_dump(mode="json", exclude_none=True))


def store_applications(
    service: Service,
    principal: Principal,
    call_id: str,
    applications: Sequence[Application],
    lines: Sequence[int | None],
) -> ApplicationsCreated:
    """Check and store submitted applications, all or nothing.

    A researcher may submit only applications they lead; coordinators and admins any.
    Refused: an application of another call (422), a team member, lead or declared
    conflict who is no stored profile (422 naming the field), an id already taken (409).
    """
    if principal.role not in (*EDITORS, "researcher"):
        raise forbidden(f"the {principal.role} role may not submit applications")
    with _writing(service) as session:
        _call_exists(session, call_id)
        for application, line in zip(applications, lines, strict=True):
            _check_application(session, principal, call_id, application, line)
        taken = store.existing_application_ids(session, (a.id for a in applications))
        if taken:
            first = sorted(taken)[0]
            line = lines[[a.id for a in applications].index(first)]
            raise located(409, line, "id", first, "an application with this id exists")
        store.save_applications(session, applications, principal.actor)
        for application in applications:
            audit(session, principal, "application.submit", f"application:{application.id}")
    return ApplicationsCreated(
        call_id=call_id, created=len(applications), ids=[a.id for a in applications]
    )


def located(status: int, line: int | None, name: str, value: Any, reason: str) -> ApiError:
    """An error about a field of a submission: ``body.<field>`` of a JSON body, or the
    field and line of a file's record (as the loaders name them)."""
    where = "body" if line is None else f"body line {line}"
    field = f"body.{name}" if line is None else name
    return ApiError(
        status,
        f"{where}: field '{name}': {reason}",
        [Problem(field=field, value=value, reason=reason, line=line)],
    )


def _check_application(
    session: Session, principal: Principal, call_id: str, application: Application, line: int | None
) -> None:
    if application.call_id != call_id:
        raise located(
            422, line, "call_id", application.call_id, f"not the call of the path ({call_id!r})"
        )
    if principal.role == "researcher" and principal.binding != application.lead:
        raise forbidden(
            f"a researcher may submit only applications they lead (lead is {application.lead!r})"
        )
    known = records.existing_ids(session, "profiles", [*application.team, *application.conflicts])
    for name, ids in (("team", application.team), ("conflicts", application.conflicts)):
        for position, profile_id in enumerate(ids):
            if profile_id not in known:
                raise located(
                    422, line, f"{name}.{position}", profile_id, "no profile with this id"
                )


@router.post(
    "/{call_id}/applications",
    response_model=ApplicationsCreated,
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 415: ERRORS[422]},
    openapi_extra=APPLICATION_BODY,
)
async def submit_applications(
    request: Request,
    service: ServiceDep,
    principal: PrincipalDep,
    call_id: CallId,
    format: Annotated[
        FileFormat | None, Query(description="The file's format (default: by media type).")
    ] = None,
) -> ApplicationsCreated:
    """Submit one application (JSON) or a file of them (JSON Lines, CSV, Parquet; all or
    nothing). A researcher submits for a team they lead; coordinators and admins for any."""
    if principal.role not in (*EDITORS, "researcher"):
        raise forbidden(f"the {principal.role} role may not submit applications")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    applications, lines = parse_applications(body, media_type, format, call_id)
    return await run_in_threadpool(
        store_applications, service, principal, call_id, applications, lines
    )


def application_public(row: ApplicationRow, *, hide_conflicts: bool = False) -> ApplicationPublic:
    """The API form of a stored application (a reviewer's without declared conflicts)."""
    data = dict(row.data)
    if hide_conflicts:
        data["conflicts"] = []
    return ApplicationPublic.model_validate(
        {**data, "submitted_by": row.submitted_by, "created_at": row.created_at}
    )


def visible_applications(
    session: Session, principal: Principal, call_id: str
) -> list[ApplicationPublic]:
    """The call's applications the caller may see: all for coordinators; for a researcher
    those they are on, and those assigned to them (without the declared conflicts)."""
    if _editor(principal):
        return [application_public(row) for row in store.list_applications(session, call_id)]
    if principal.role != "researcher" or principal.binding is None:
        raise forbidden(f"the {principal.role} role takes no part in competitions")
    me = principal.binding
    own = {
        row.id: application_public(row)
        for row in store.list_applications(session, call_id, member=me)
    }
    for pair in store.assigned_to(session, me):
        if pair.call_id == call_id and pair.application_id not in own:
            row = store.get_application(session, pair.application_id)
            if row is not None:
                own[row.id] = application_public(row, hide_conflicts=True)
    return [own[key] for key in sorted(own)]


@router.get("/{call_id}/applications", response_model=ApplicationPage, responses=ERRORS)
def list_applications(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId
) -> ApplicationPage:
    """A call's applications: every one for coordinators and admins; a researcher's own
    and those assigned to them for review."""
    with service.database.session() as session:
        _call_exists(session, call_id)
        return ApplicationPage(
            call_id=call_id, items=visible_applications(session, principal, call_id)
        )


__all__ = [
    "list_applications",
    "parse_applications",
    "router",
    "store_applications",
    "submit_applications",
    "visible_applications",
]

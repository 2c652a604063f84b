"""Uploading data files: interchange records (JSON Lines, imported at once, all or nothing)
and the files of outside sources (OpenAlex, ORCID, CORDIS, a spreadsheet: imported by a
background job).

Both go through the JSON API's own functions (:func:`api.http.routes.records.import_body`,
:func:`api.http.routes.imports.queue_import`), so an upload here is checked, stored and
audited exactly as ``POST /{kind}/import`` and ``POST /imports/{source}`` are. A refused
file is shown with its name and every located problem (line, field, reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final, get_args

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from api.http.body_checks import BodyLimits, first_problem
from api.http.errors import ApiError
from api.http.routes import imports, jobs, records
from api.http.schemas.jobs import JobPublic
from api.web.deps import Coordinator, CoordinatorPost, PageError, ServiceDep
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.sessions import WebSession

router = APIRouter()

RECORD_KINDS: Final = ("profiles", "calls", "institutions", "offices")
"""Interchange records, imported at once from a JSON Lines file."""
SOURCES: Final = get_args(imports.Source)
"""Outside sources, imported by a background job."""
MODES: Final = get_args(records.ImportMode)
MAX_FILE_NAME: Final = 200

JobId = Annotated[str, Path(min_length=1, max_length=64)]
FileName = Annotated[str, Path(min_length=1, max_length=100)]


@dataclass(frozen=True)
class FileProblem:
    """One located problem of an uploaded file, as the page's table shows it."""

    file: str
    line: int | None
    field: str
    reason: str


@router.get("/upload")
async def upload_form(request: Request, service: ServiceDep, web: Coordinator) -> Response:
    """The upload form, and the recent import jobs."""
    return render(request, "upload.html", web, await _page_values(request, service, web))


@router.post("/upload")
async def upload(
    request: Request,
    service: ServiceDep,
    web: CoordinatorPost,
    file: UploadFile,
    kind: Annotated[str, Form(max_length=32)],
    mode: Annotated[str, Form(max_length=16)] = "create",
) -> Response:
    """Import the uploaded file: records at once (the counts, or every problem with its
    line and field, and nothing stored); an outside source's file as a job (its page)."""
    _ = gettext_for(language_of(request, web))
    name = _file_name(file)
    problems: list[tuple[str, str]] = []
    if kind not in (*RECORD_KINDS, *SOURCES):
        problems.append(("kind", _("Choose what the file holds.")))
    if mode not in MODES:
        problems.append(("mode", _("Choose create or upsert.")))
    if not name:
        problems.append(("file", _("Choose a file to upload.")))
    if problems:
        raise PageError(422, "invalid", problems)
    body = await file.read()
    chosen_mode: records.ImportMode = "upsert" if mode == "upsert" else "create"
    if kind in SOURCES:
        source: imports.Source = kind  # type: ignore[assignment]  # checked just above
        try:
            job = await run_in_threadpool(
                imports.queue_import, service, web.user.principal, source, name, body, chosen_mode
            )
        except ApiError as error:
            return await _refused(request, service, web, kind, name, error, error.problems)
        return redirect(
            f"{BASE}/upload/jobs/{job.id}", _("The import of %(name)s is queued.") % {"name": name}
        )
    refused = _body_problem(service, body, name)
    if refused is not None:
        return render(
            request,
            "upload.html",
            web,
            {
                **await _page_values(request, service, web),
                "kind": kind,
                "mode": mode,
                "refused": refused,
            },
            status=422,
        )
    try:
        report = await run_in_threadpool(
            records.import_body, service, web.user.principal, kind, body, chosen_mode
        )
    except ApiError as error:
        return await _refused(request, service, web, kind, name, error, error.problems)
    message = _("%(name)s: %(created)s created, %(updated)s updated (%(kind)s).") % {
        "name": name,
        "created": report.created,
        "updated": report.updated,
        "kind": kind_labels(_)[kind],
    }
    return redirect(f"{BASE}/upload", message)


def kind_labels(_: Any) -> dict[str, str]:
    """What each kind of upload is called, in the page's language."""
    return {
        "profiles": _("Profiles"),
        "calls": _("Calls"),
        "institutions": _("Institutions"),
        "offices": _("Offices"),
        "openalex": "OpenAlex",
        "orcid": "ORCID",
        "cordis": "CORDIS",
        "spreadsheet": _("Spreadsheet (CSV, TSV, XLSX)"),
    }


def _file_name(file: UploadFile) -> str:
    """The uploaded file's bare name (no folder a browser may send)."""
    raw = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return raw.strip()[:MAX_FILE_NAME]


def _body_problem(service: ServiceDep, body: bytes, name: str) -> dict[str, Any] | None:
    """The request-body checks every JSON body of the API passes (UTF-8, depth, string
    and record size), on the uploaded file: the form's body is a file, not JSON, so the
    service's middleware leaves them to this page."""
    settings = service.settings
    limits = BodyLimits(
        max_depth=settings.max_json_depth,
        max_string_chars=settings.max_string_chars,
        max_record_bytes=settings.max_record_bytes,
    )
    problem = first_problem(body, limits)
    if problem is None:
        return None
    return {
        "detail": f"{name} line {problem.line}: {problem.reason}",
        "problems": [FileProblem(name, problem.line, "", problem.reason)],
    }


async def _refused(
    request: Request,
    service: ServiceDep,
    web: WebSession,
    kind: str,
    name: str,
    error: ApiError,
    problems: list[Any],
) -> Response:
    """The form again, with the file's problems (nothing was stored)."""
    rows = [
        FileProblem(name, problem.line, _field(problem.field), problem.reason)
        for problem in problems
    ] or [FileProblem(name, None, "", error.detail)]
    detail = error.detail.replace("body line", f"{name} line", 1)
    if detail.startswith("body"):
        detail = name + detail[len("body") :]
    refused = {"detail": detail, "problems": rows}
    values = {**await _page_values(request, service, web), "kind": kind, "refused": refused}
    return render(request, "upload.html", web, values, status=error.status)


def _field(field: str | None) -> str:
    """A problem's field as a person reads it (``query.name`` is the file's name)."""
    if not field:
        return ""
    if field.startswith(("query.", "path.")):
        return "file" if field == "query.name" else field.split(".", 1)[1]
    return field


async def _page_values(request: Request, service: ServiceDep, web: WebSession) -> dict[str, Any]:
    recent = await run_in_threadpool(_import_jobs, service, web)
    return {
        "labels": kind_labels(gettext_for(language_of(request, web))),
        "record_kinds": RECORD_KINDS,
        "sources": SOURCES,
        "modes": MODES,
        "jobs": recent,
        "kind": "profiles",
        "mode": "create",
    }


def _import_jobs(service: ServiceDep, web: WebSession) -> list[JobPublic]:
    """The latest import jobs (newest first), from the API's job listing."""
    listing = jobs.list_jobs(service, web.user.principal, offset=0, limit=200)
    return [job for job in listing.items if job.kind == "import"][:20]


@router.get("/upload/jobs/{job_id}")
async def import_job(
    request: Request, service: ServiceDep, web: Coordinator, job_id: JobId
) -> Response:
    """An import job: its progress while it runs, then what it stored or why it failed."""
    job = await run_in_threadpool(jobs.read_job, service, web.user.principal, job_id)
    if job.kind != "import":
        return redirect(f"{BASE}/rounds/{job.id}")
    return render(request, "rounds/import_job.html", web, {"job": job, "running": _running(job)})


@router.get("/upload/jobs/{job_id}/files/{name}")
async def import_job_file(
    service: ServiceDep, web: Coordinator, job_id: JobId, name: FileName
) -> FileResponse:
    """A file an import job wrote (its report, the identity review)."""
    return await run_in_threadpool(jobs.download_file, service, web.user.principal, job_id, name)


def _running(job: JobPublic) -> bool:
    return job.status in ("queued", "running")

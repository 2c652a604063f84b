"""``/jobs``: asynchronous jobs (a grant round, a ranking) with status and progress, and the
files a finished round job wrote."""

from __future__ import annotations

import pathlib
from typing import Annotated

from fastapi import APIRouter, Body, Path, status
from fastapi.responses import FileResponse
from sqlalchemy import func, select

from api.http.deps import EditorDep, LimitQuery, OffsetQuery, ServiceDep
from api.http.errors import ApiError, not_found
from api.http.jobs import job_directory, job_files
from api.http.routes.profiles import ERRORS
from api.http.schemas.errors import Problem
from api.http.schemas.jobs import JobCreate, JobFile, JobPublic
from api.http.schemas.records import Page
from api.http.service import audit
from api.http.store.tables import JobRow

router = APIRouter(prefix="/jobs", tags=["jobs"])
JobId = Annotated[str, Path(min_length=1, max_length=64, description="Job id.")]
FileName = Annotated[str, Path(min_length=1, max_length=100, description="A listed file name.")]

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
}
"""Content type by file extension; anything else is served as bytes."""


def public_job(row: JobRow) -> JobPublic:
    """A stored job as the API shows it."""
    job = JobPublic.model_validate(row, from_attributes=True)
    if job.result is not None and "out_dir" in job.result:
        # Round jobs stored before results held file names only carry a server path.
        job.result = {k: v for k, v in job.result.items() if k != "out_dir"}
    return job


@router.post("", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED, responses=ERRORS)
def submit(
    service: ServiceDep, principal: EditorDep, job: Annotated[JobCreate, Body()]
) -> JobPublic:
    """Queue a job (admin, coordinator); poll ``GET /jobs/{id}`` for its progress."""
    params = job.model_dump(exclude={"kind"})
    job_id = service.jobs.submit(job.kind, params, principal.actor)
    with service.database.session() as session:
        audit(session, principal, "job.submit", f"job:{job_id}", {"kind": job.kind})
        row = session.get(JobRow, job_id)
        assert row is not None
        return public_job(row)


@router.get("", response_model=Page[JobPublic], responses=ERRORS)
def list_jobs(
    service: ServiceDep, _principal: EditorDep, offset: OffsetQuery = 0, limit: LimitQuery = 50
) -> Page[JobPublic]:
    """Jobs, newest first."""
    with service.database.session() as session:
        total = int(session.scalar(select(func.count()).select_from(JobRow)) or 0)
        rows = session.scalars(
            select(JobRow).order_by(JobRow.created_at.desc(), JobRow.id).offset(offset).limit(limit)
        ).all()
        return Page[JobPublic](
            items=[public_job(r) for r in rows], total=total, offset=offset, limit=limit
        )


@router.get("/{job_id}", response_model=JobPublic, responses=ERRORS)
def read_job(
    service: ServiceDep,
    _principal: EditorDep,
    job_id: JobId,
) -> JobPublic:
    """A job's status, stage, progress, and its result or error."""
    with service.database.session() as session:
        row = session.get(JobRow, job_id)
        if row is None:
            raise not_found("job", job_id)
        return public_job(row)


def _content_type(name: str) -> str:
    suffix = name[name.rfind(".") :] if "." in name else ""
    return CONTENT_TYPES.get(suffix.lower(), "application/octet-stream")


def _finished_files(service: ServiceDep, job_id: str) -> dict[str, pathlib.Path]:
    """The downloadable files of a succeeded job, by name (404 unknown job, 409 unfinished)."""
    with service.database.session() as session:
        row = session.get(JobRow, job_id)
        if row is None:
            raise not_found("job", job_id)
        status_, known_id = row.status, row.id
    if status_ != "succeeded":
        raise ApiError(
            409,
            f"job {job_id} has not succeeded (it is {status_}); its files come when it does",
            [Problem(field="path.job_id", value=job_id, reason=f"job is {status_}")],
        )
    # The folder is named by the stored id, never by what the request said.
    folder = job_directory(service.settings, known_id)
    return {path.name: path for path in job_files(folder)}


@router.get("/{job_id}/files", response_model=list[JobFile], responses=ERRORS)
def list_files(service: ServiceDep, _principal: EditorDep, job_id: JobId) -> list[JobFile]:
    """The files a finished job wrote (a round: scores and teams as CSV and Parquet,
    ``summary.json``, ``report.html``), with their size, type and download path."""
    files = _finished_files(service, job_id)
    return [
        JobFile(
            name=name,
            bytes=path.stat().st_size,
            content_type=_content_type(name),
            href=f"/jobs/{job_id}/files/{name}",
        )
        for name, path in files.items()
    ]


@router.get(
    "/{job_id}/files/{name}",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {t: {} for t in CONTENT_TYPES.values()}}},
)
def download_file(
    service: ServiceDep, _principal: EditorDep, job_id: JobId, name: FileName
) -> FileResponse:
    """One file of a finished job, by a name from its listing (anything else is 404:
    no path is ever built from the request)."""
    path = _finished_files(service, job_id).get(name)
    if path is None:
        raise ApiError(
            404,
            f"job {job_id} has no file {name!r}",
            [Problem(field="path.name", value=name, reason="not a file of this job")],
        )
    return FileResponse(path, media_type=_content_type(name), filename=name)

"""``/jobs``: asynchronous jobs (a grant round, a ranking) with status and progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, status
from sqlalchemy import func, select

from api.http.deps import EditorDep, LimitQuery, OffsetQuery, ServiceDep
from api.http.errors import not_found
from api.http.routes.profiles import ERRORS
from api.http.schemas.jobs import JobCreate, JobPublic
from api.http.schemas.records import Page
from api.http.service import audit
from api.http.store.tables import JobRow

router = APIRouter(prefix="/jobs", tags=["jobs"])


def _public(row: JobRow) -> JobPublic:
    return JobPublic.model_validate(row, from_attributes=True)


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
        return _public(row)


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
            items=[_public(r) for r in rows], total=total, offset=offset, limit=limit
        )


@router.get("/{job_id}", response_model=JobPublic, responses=ERRORS)
def read_job(
    service: ServiceDep,
    _principal: EditorDep,
    job_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> JobPublic:
    """A job's status, stage, progress, and its result or error."""
    with service.database.session() as session:
        row = session.get(JobRow, job_id)
        if row is None:
            raise not_found("job", job_id)
        return _public(row)

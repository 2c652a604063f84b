"""``/imports/{source}``: an uploaded file of an outside source (OpenAlex, ORCID, CORDIS, a
spreadsheet) imported into the store as a background job (:mod:`api.http.importing`)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status

from api.http.auth import Principal
from api.http.deps import EditorDep, ServiceDep
from api.http.errors import ApiError
from api.http.importing import save_upload
from api.http.jobs import job_directory
from api.http.routes.jobs import public_job
from api.http.routes.profiles import ERRORS
from api.http.routes.records import ImportMode
from api.http.schemas.errors import Problem
from api.http.schemas.jobs import JobPublic
from api.http.service import Service, audit
from api.http.store.tables import JobRow

router = APIRouter(prefix="/imports", tags=["imports"])

Source = Literal["openalex", "orcid", "cordis", "spreadsheet"]

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The file as downloaded (a .zip holds several, e.g. CORDIS's export).",
    }
}


@router.post(
    "/{source}",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
    openapi_extra=UPLOAD_BODY,
)
async def import_upload(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    source: Annotated[Source, Path(description="The source the file comes from.")],
    name: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"^[^/\\\x00-\x1f]+$",
            description="The file's name: its suffix says its format (.jsonl, .gz, .xml, "
            ".tar.gz, .json, .csv, .xlsx, .zip).",
        ),
    ],
    mode: Annotated[
        ImportMode, Query(description="create: ids must be new; upsert: replace.")
    ] = "create",
    resolve: Annotated[
        bool | None,
        Query(
            description="Merge the institutions and people that are one (matcher.identity, "
            "against the bundled world-universities list; the pairs it is unsure of are in "
            "the job's identity-review.csv); false: exact duplicates only. Default: true, "
            "except for cordis (its organisation ids already identify each record)."
        ),
    ] = None,
) -> JobPublic:
    """Queue the import of one uploaded file (admin, coordinator); poll ``GET /jobs/{id}``:
    its result has the kept, merged and dropped counts and what was stored."""
    body = await request.body()
    return queue_import(service, principal, source, name, body, mode, resolve)


def queue_import(
    service: Service,
    principal: Principal,
    source: Source,
    name: str,
    body: bytes,
    mode: ImportMode = "create",
    resolve: bool | None = None,
) -> JobPublic:
    """Check an uploaded file's name and size, keep it, and queue its import job.

    What ``POST /imports/{source}`` does once it has the body (the web's upload page calls
    it with an uploaded file's bytes).

    Raises
    ------
    ApiError
        422 for a file type the source does not read, or an empty file.
    """
    from matcher.importers import ImportFile, get_importer

    importer = get_importer(source)
    suffix = ImportFile(name, b"").suffix
    if name.startswith(".") or (suffix not in importer.suffixes and suffix != ".zip"):
        accepted = ", ".join(s or "no suffix" for s in (*importer.suffixes, ".zip"))
        raise ApiError(
            422,
            f"query name: {source} reads {accepted} files, not {name!r}",
            [Problem(field="query.name", value=name, reason="unsupported file type")],
        )
    if not body:
        raise ApiError(422, "body: the upload is empty", [Problem(field="body", reason="empty")])
    params = {"source": source, "name": PurePath(name).name, "mode": mode, "resolve": resolve}

    def keep_upload(job_id: str) -> None:
        save_upload(job_directory(service.settings, job_id), name, body)

    job_id = service.jobs.submit("import", params, principal.actor, prepare=keep_upload)
    with service.database.session() as session:
        audit(session, principal, "import.submit", f"job:{job_id}", {"source": source})
        row = session.get(JobRow, job_id)
        assert row is not None
        return public_job(row)

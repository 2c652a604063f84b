"""Importing an uploaded file of an outside source (OpenAlex, ORCID, CORDIS, a spreadsheet)
as a background job: what ``grantmatch import`` does, into the store.

``POST /imports/{source}`` saves the upload in the job's folder (hidden: never listed for
download) and queues an ``import`` job; :func:`run_import_job` runs
:func:`matcher.importers.run_import` on it and saves every record it made in **one
transaction**, with the same checks as ``POST /{kind}/import`` (ids new unless
``mode=upsert``; references to the store's records by :mod:`matcher.references`). The job's
result holds the kept, merged and dropped counts, what was created and updated, and the
data version; ``import-report.json`` is its downloadable file, with ``identity-review.csv``
(the pairs identity resolution was unsure of, not merged) when there are any. A bad file
fails the job with the located error (file, line or row, field, reason) and stores nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from api.http.errors import ApiError
from api.http.jobs import JobContext, Progress, job_directory
from api.http.record_changes import check_references
from api.http.store import records as store
from api.http.store.records import DomainRecord
from api.http.store.tables import AuditRow, JobRow, utcnow
from matcher.errors import GrantmatchError

#: Where a job keeps its upload: hidden, so ``GET /jobs/{id}/files`` never lists it.
UPLOAD_FOLDER: Final = ".upload"
REPORT_NAME: Final = "import-report.json"
REVIEW_NAME: Final = "identity-review.csv"


class ImportJobError(GrantmatchError):
    """An import that cannot be stored (an id taken, a reference to nothing)."""


def upload_path(folder: Path, name: str) -> Path:
    """Where the upload called ``name`` (a bare file name, checked by the route) is kept."""
    return folder / UPLOAD_FOLDER / Path(name).name


def save_upload(folder: Path, name: str, data: bytes) -> None:
    """Keep an upload for its job (before the job is queued)."""
    path = upload_path(folder, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def run_import_job(
    context: JobContext, job_id: str, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Import the job's upload and store the records, all or nothing."""
    from matcher.importers import IdentityOptions, ImportFile, get_importer, run_import

    resolve = params.get("resolve")
    if resolve is None:
        resolve = get_importer(str(params["source"])).resolves_by_default
    folder = job_directory(context.settings, job_id)
    upload = upload_path(folder, str(params["name"]))
    try:
        progress("read", 0.0)
        result = run_import(
            str(params["source"]),
            [ImportFile(str(params["name"]), upload.read_bytes())],
            identity=IdentityOptions(resolve=bool(resolve)),
        )
        progress("store", 0.5)
        saved, version = _store(context, job_id, result.records, str(params.get("mode", "create")))
    finally:
        upload.unlink(missing_ok=True)
    counts = result.counts()
    (folder / REPORT_NAME).write_text(
        json.dumps(
            {**counts, "saved": saved, "data_version": version}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    files = [REPORT_NAME]
    resolution = result.identities.resolution
    if resolution is not None and resolution.review:
        resolution.write_review(folder / REVIEW_NAME)
        files.append(REVIEW_NAME)
    return {"counts": counts, "saved": saved, "data_version": version, "files": files}


def _store(
    context: JobContext, job_id: str, imported: Any, mode: str
) -> tuple[dict[str, dict[str, int]], int]:
    batches: list[tuple[str, list[DomainRecord]]] = [
        ("institutions", list(imported.institutions)),
        ("profiles", list(imported.profiles)),
        ("calls", list(imported.calls)),
    ]
    saved: dict[str, dict[str, int]] = {}
    with context.database.session() as session:
        version = store.bump_version(session)
        for collection, records in batches:
            if not records:
                continue
            if mode == "create":
                taken = store.existing_ids(session, collection, (r.id for r in records))
                if taken:
                    raise ImportJobError(
                        f"{len(taken)} of the imported {collection} exist already (e.g. "
                        f"{sorted(taken)[0]!r}); import with mode=upsert to replace them"
                    )
            try:
                check_references(session, records)
            except ApiError as error:
                raise ImportJobError(f"{collection}: {error.detail}") from None
            created, updated = store.save_many(session, collection, records, version)
            saved[collection] = {"created": created, "updated": updated}
        job = session.get(JobRow, job_id)
        session.add(
            AuditRow(
                at=utcnow(),
                actor=job.created_by if job is not None else "",
                action="import.job",
                target=f"job:{job_id}",
                detail={"saved": saved},
            )
        )
    return saved, version

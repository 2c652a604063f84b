"""Background jobs stored in the database: a grant round, a ranking of every call, an
import of an uploaded file.

A job is a row of the ``jobs`` table (status, stage, progress, result, error), run by one
worker thread. Queued jobs survive a restart (they are queued again at start); a job that
was running when its process died is marked failed, with the reason, at the next start:
no job is ever lost.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from api.http.engine import MatcherCache
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.records import data_version, load_dataset
from api.http.store.tables import JobRow, utcnow

if TYPE_CHECKING:
    from matcher.rounds.progress import StaffingProgress

log = logging.getLogger("grantmatch.api.http.jobs")

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class JobContext:
    """What a job may use: the store, the settings and the fitted engine."""

    database: Database
    settings: Settings
    engine: MatcherCache


JobHandler = Callable[[JobContext, str, dict[str, Any], Progress], dict[str, Any]]

RESTART_REASON = (
    "the server stopped while this job was running (its process ended); submit it again"
)


def _rank(
    context: JobContext, _job_id: str, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """The ``k`` best profiles of every call (what ``grantmatch rank`` writes)."""
    progress("fit", 0.0)
    fitted = context.engine.get()
    progress("rank", 0.0)
    calls = fitted.dataset.calls
    rows: list[dict[str, Any]] = []
    for position, call in enumerate(calls, start=1):
        for ranked in fitted.matcher.rank(call.id, int(params.get("k", 10))):
            rows.append(
                {
                    "call_id": ranked.call_id,
                    "profile_id": ranked.profile_id,
                    "score": round(ranked.score, 6),
                    "rank": ranked.rank,
                }
            )
        progress("rank", position / len(calls))
    return {"rows": rows, "calls": len(calls), "profiles": len(fitted.dataset.profiles)}


def _round(
    context: JobContext, job_id: str, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """A whole grant round (:func:`matcher.rounds.run_round`), outputs in the data folder."""
    # Imported here: the rounds package (and its optional engines) is only needed by
    # this kind of job.
    from matcher.rounds import RoundConfig, run_round

    with context.database.session() as session:
        dataset = load_dataset(session)
    config = RoundConfig(
        backend=context.settings.backend,
        top_k=int(params.get("top_k", 10)),
        staffing=params.get("staffing", "joint"),
        solver=str(params.get("solver", "exact")),
        time_limit=float(params.get("time_limit", 300.0)),
        eligible_only=bool(params.get("eligible_only", False)),
        scores_with_eligibility=bool(params.get("scores_with_eligibility", False)),
    )
    out_dir = job_directory(context.settings, job_id)
    summary = run_round(dataset, out_dir, config, progress=progress)
    # File names only: a result never shows a server path (GET /jobs/{id}/files serves them).
    return {"summary": summary.to_json(), "files": [path.name for path in job_files(out_dir)]}


def job_directory(settings: Settings, job_id: str) -> Path:
    """Where a job writes its files: ``<data directory>/jobs/<job id>``."""
    return settings.data_directory() / "jobs" / job_id


def job_files(folder: Path) -> list[Path]:
    """The files a job left for download: regular files directly in ``folder``, by name.

    Hidden entries (the round's ``.checkpoints``), folders and symbolic links are left
    out: only what is listed here can be downloaded, whatever name a request asks for.
    """
    if not folder.is_dir():
        return []
    return sorted(
        entry
        for entry in folder.iterdir()
        if not entry.name.startswith(".") and not entry.is_symlink() and entry.is_file()
    )


def _import(
    context: JobContext, job_id: str, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """An uploaded file of an outside source into the store (:mod:`api.http.importing`)."""
    from api.http.importing import run_import_job

    return run_import_job(context, job_id, params, progress)


HANDLERS: dict[str, JobHandler] = {"rank": _rank, "round": _round, "import": _import}
"""Job kinds and what runs them."""


class JobRunner:
    """Runs queued jobs one at a time in a background thread.

    Parameters
    ----------
    context : JobContext
        The store, settings and engine cache the jobs run with.
    """

    def __init__(self, context: JobContext) -> None:
        self.context = context
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def recover(self) -> None:
        """Mark the jobs a dead process left running as failed; queue the queued ones."""
        with self.context.database.session() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.status == "running")
                .values(status="failed", error=RESTART_REASON, finished_at=utcnow())
            )
            queued = session.scalars(
                select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.created_at)
            ).all()
        for job_id in queued:
            self._queue.put(job_id)

    def start(self) -> None:
        """Start the worker thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="grantmatch-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop after its current job (a job still running then is
        reported failed at the next start)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def submit(
        self,
        kind: str,
        params: dict[str, Any],
        actor: str,
        prepare: Callable[[str], None] | None = None,
    ) -> str:
        """Store a new queued job and hand it to the worker; returns its id.

        ``prepare(job_id)`` runs first, before the job can start (an import saves its
        upload in the job's folder).
        """
        job_id = str(uuid.uuid4())
        if prepare is not None:
            prepare(job_id)
        with self.context.database.session() as session:
            session.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    status="queued",
                    stage="",
                    progress=0.0,
                    params=params,
                    created_by=actor,
                    created_at=utcnow(),
                    data_version=data_version(session),
                )
            )
        self._queue.put(job_id)
        return job_id

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            self.run(job_id)

    def run(self, job_id: str) -> None:
        """Run one job to its end, recording progress, the result or the error."""
        with self.context.database.session() as session:
            job = session.get(JobRow, job_id)
            if job is None or job.status != "queued":
                return
            job.status, job.started_at = "running", utcnow()
            kind, params = job.kind, dict(job.params)
        handler = HANDLERS.get(kind)
        try:
            if handler is None:
                raise ValueError(f"unknown job kind {kind!r}")
            result = handler(self.context, job_id, params, self._progress(job_id))
        except Exception as error:  # a job's failure is its result, never the worker's end
            log.exception("job %s (%s) failed", job_id, kind)
            self._finish(job_id, "failed", None, f"{type(error).__name__}: {error}")
        else:
            self._finish(job_id, "succeeded", result, None)

    def _progress(self, job_id: str) -> Progress:
        last: dict[str, Any] = {"stage": "", "at": 0.0}

        def report(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
            # Written at most twice a second (and at each new stage): progress callbacks
            # can come thousands of times per job. A detail (one per staffing iteration,
            # seconds apart) is always written, so the last iteration shown is the last done;
            # it stays after its stage, so a finished round says how its staffing ended.
            now = time.monotonic()
            if (
                stage == last["stage"]
                and now - float(last["at"]) < 0.5
                and fraction < 1.0
                and detail is None
            ):
                return
            last["stage"], last["at"] = stage, now
            with self.context.database.session() as session:
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id)
                    .values(
                        stage=stage,
                        progress=max(0.0, min(1.0, float(fraction))),
                        **({} if detail is None else {"detail": detail.to_json()}),
                    )
                )

        return report

    def _finish(
        self, job_id: str, status: str, result: dict[str, Any] | None, error: str | None
    ) -> None:
        with self.context.database.session() as session:
            values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": error}
            if result is not None:
                values["result"] = result
                values["progress"] = 1.0
            session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

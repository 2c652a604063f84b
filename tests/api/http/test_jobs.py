"""Jobs: stored in the database with status, progress and results; a restart runs the
queued ones and reports the ones a dead process left running as failed."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.http.jobs import RESTART_REASON
from api.http.store.db import Database
from api.http.store.tables import JobRow, utcnow
from tests.api.http.conftest import ADMIN, COORDINATOR, AppFactory, auth, load_small


def wait_for(client: TestClient, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll a job until it ends (bounded; the bound is a safety net, not an assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}", headers=auth(ADMIN)).json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_a_rank_job_runs_in_the_background(small_client: TestClient) -> None:
    submitted = small_client.post("/jobs", json={"kind": "rank", "k": 2}, headers=auth(COORDINATOR))
    assert submitted.status_code == 202, submitted.text
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 1.0 and len(job["result"]["rows"]) == 3 * 2
    listed = small_client.get("/jobs", headers=auth(ADMIN)).json()
    assert listed["items"][0]["id"] == job["id"]


def test_a_round_job_runs_the_whole_round(small_client: TestClient) -> None:
    submitted = small_client.post(
        "/jobs",
        json={"kind": "round", "top_k": 3, "staffing": "greedy", "solver": "fast"},
        headers=auth(ADMIN),
    )
    assert submitted.status_code == 202
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    summary = job["result"]["summary"]
    assert summary["calls"] == 3 and summary["profiles"] == 29
    assert job["stage"] in ("embed", "score", "staff", "write")


def test_a_failing_job_is_reported_failed(make_client: AppFactory) -> None:
    client = make_client()  # an empty store: the ranking cannot fit an engine
    job_id = client.post("/jobs", json={"kind": "rank"}, headers=auth(ADMIN)).json()["id"]
    job = wait_for(client, job_id)
    assert job["status"] == "failed" and "no profiles" in job["error"]


def test_jobs_survive_a_restart_or_are_reported_failed(
    make_client: AppFactory, sqlite_url: str
) -> None:
    first = make_client(run_jobs=False)  # a server whose worker never picks jobs up
    load_small(first)
    queued = first.post("/jobs", json={"kind": "rank", "k": 1}, headers=auth(ADMIN)).json()["id"]
    # A job the previous process was running when it died.
    database = Database(sqlite_url)
    with database.session() as session:
        session.add(
            JobRow(
                id="dead-job",
                kind="rank",
                status="running",
                stage="rank",
                progress=0.4,
                params={"k": 1},
                created_by="test",
                created_at=utcnow(),
                started_at=utcnow(),
            )
        )
    first.__exit__(None, None, None)
    second = make_client()  # the restart
    dead = second.get("/jobs/dead-job", headers=auth(ADMIN)).json()
    assert dead["status"] == "failed" and dead["error"] == RESTART_REASON
    assert wait_for(second, queued)["status"] == "succeeded"
    with database.session() as session:
        statuses = set(session.scalars(select(JobRow.status)))
    assert statuses == {"failed", "succeeded"}
    database.dispose()


def test_bad_job_requests_say_what_is_wrong(small_client: TestClient) -> None:
    response = small_client.post("/jobs", json={"kind": "nope"}, headers=auth(ADMIN))
    assert response.status_code == 422
    response = small_client.post("/jobs", json={"kind": "round", "top_k": 0}, headers=auth(ADMIN))
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["field"].endswith("top_k") and problem["value"] == 0
    assert small_client.get("/jobs/unknown", headers=auth(ADMIN)).status_code == 404


def test_a_round_jobs_files_are_listed_and_downloaded_without_server_paths(
    small_client: TestClient,
) -> None:
    submitted = small_client.post(
        "/jobs",
        json={"kind": "round", "top_k": 3, "staffing": "greedy", "solver": "fast"},
        headers=auth(ADMIN),
    )
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    service = small_client.app.state.service  # type: ignore[attr-defined]
    home = str(service.settings.data_directory())
    assert "out_dir" not in job["result"] and home not in json.dumps(job)
    listed = small_client.get(f"/jobs/{job['id']}/files", headers=auth(COORDINATOR))
    assert listed.status_code == 200, listed.text
    files = {f["name"]: f for f in listed.json()}
    assert {"scores.csv", "teams.csv", "summary.json", "report.html"} <= set(files)
    assert set(job["result"]["files"]) == set(files) and home not in listed.text
    assert not any(name.startswith(".") for name in files)  # no checkpoints
    types = {
        "scores.csv": "text/csv",
        "summary.json": "application/json",
        "report.html": "text/html",
        "scores.parquet": "application/vnd.apache.parquet",
    }
    for name, kind in types.items():
        if name not in files:
            continue
        response = small_client.get(files[name]["href"], headers=auth(ADMIN))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(kind)
        assert len(response.content) == files[name]["bytes"]
    summary = small_client.get(f"/jobs/{job['id']}/files/summary.json", headers=auth(ADMIN))
    assert summary.json()["calls"] == 3
    scores = small_client.get(f"/jobs/{job['id']}/files/scores.csv", headers=auth(ADMIN))
    assert scores.text.splitlines()[0].startswith("call_id")


def test_job_files_refuse_other_roles_path_tricks_and_unfinished_jobs(
    small_client: TestClient,
) -> None:
    submitted = small_client.post(
        "/jobs",
        json={"kind": "round", "top_k": 2, "staffing": "greedy", "solver": "fast"},
        headers=auth(ADMIN),
    )
    job_id = submitted.json()["id"]
    assert wait_for(small_client, job_id)["status"] == "succeeded"
    researcher = small_client.post(
        "/keys", json={"role": "researcher", "binding": "s-ru-methane"}, headers=auth(ADMIN)
    ).json()["key"]
    for path in (f"/jobs/{job_id}/files", f"/jobs/{job_id}/files/scores.csv"):
        assert small_client.get(path, headers=auth(researcher)).status_code == 403
        assert small_client.get(path).status_code == 401
    tricks = [
        "..%2F..%2Fgrantmatch.sqlite",
        "%2E%2E",
        ".checkpoints",
        "summary.json%00",
        "%2Fetc%2Fpasswd",
        "scores.csv%2F..%2F..%2Fsummary.json",
        "nope.csv",
    ]
    for name in tricks:
        response = small_client.get(f"/jobs/{job_id}/files/{name}", headers=auth(ADMIN))
        assert response.status_code in (400, 404, 422), (name, response.status_code)
        assert "content-disposition" not in response.headers
    assert small_client.get("/jobs/no-such-job/files", headers=auth(ADMIN)).status_code == 404
    # A job that has not run yet: its files are 409, not an empty list.
    database = small_client.app.state.service.database  # type: ignore[attr-defined]
    with database.session() as session:
        session.add(
            JobRow(
                id="queued-job",
                kind="round",
                status="queued",
                stage="",
                progress=0.0,
                params={},
                created_by="test",
                created_at=utcnow(),
            )
        )
    assert small_client.get("/jobs/queued-job/files", headers=auth(ADMIN)).status_code == 409


def test_a_round_job_can_score_with_eligibility(small_client: TestClient) -> None:
    submitted = small_client.post(
        "/jobs",
        json={
            "kind": "round",
            "top_k": 3,
            "staffing": "greedy",
            "solver": "fast",
            "scores_with_eligibility": True,
        },
        headers=auth(ADMIN),
    )
    assert submitted.status_code == 202, submitted.text
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    scores = small_client.get(f"/jobs/{job['id']}/files/scores.csv", headers=auth(ADMIN))
    assert scores.text.splitlines()[0] == "call_id,profile_id,score,rank,eligible,reachable,reason"

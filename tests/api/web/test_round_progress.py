"""A running round's page shows its staffing: iteration, proven gap, calls staffed and the
time left (or why it stopped), in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import Settings
from api.http.store.tables import JobRow, utcnow
from api.web.demo import seed_demo
from matcher.rounds.progress import StaffingProgress
from tests.api.web.conftest import LiveServer, SignIn, screenshot


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'pages.sqlite'}",
        backend="tfidf",
        run_jobs=False,
    )
    app = create_app(settings)
    seeded = seed_demo(app.state.service.database)
    password = next(a.password for a in seeded if a.role == "coordinator")
    with TestClient(app) as test_client:
        login = test_client.get("/app/login").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert found is not None
        signed_in = test_client.post(
            "/app/login",
            data={
                "email": "coordinator@demo.grantmatch.org",
                "password": password,
                "csrf_token": found.group(1),
                "next": "",
            },
            follow_redirects=False,
        )
        assert signed_in.status_code == 303
        yield test_client


def _running_round(client: TestClient, detail: StaffingProgress) -> str:
    """A round job as the job runner leaves it in the middle of its staffing."""
    service = client.app.state.service  # type: ignore[attr-defined]
    job_id = "00000000-0000-4000-8000-000000000018"
    with service.database.session() as session:
        session.add(
            JobRow(
                id=job_id,
                kind="round",
                status="running",
                stage="staff",
                progress=0.3,
                detail=detail.to_json(),
                params={"top_k": 10},
                created_by="coordinator@demo.grantmatch.org",
                created_at=utcnow(),
                started_at=utcnow(),
                data_version=0,
            )
        )
    return job_id


def _staffing(client: TestClient, job_id: str, language: str) -> str:
    page = client.get(f"/app/rounds/{job_id}", headers={"Accept-Language": language})
    assert page.status_code == 200, page.text
    found = re.search(r'<dd id="job-staffing">(.*?)</dd>', page.text, flags=re.DOTALL)
    assert found is not None, page.text
    return " ".join(found.group(1).split())


def test_a_running_rounds_page_shows_iteration_gap_staffed_and_time_left(
    client: TestClient,
) -> None:
    running = StaffingProgress(3, 30, 0.0041, 246.0, 245.0, 10, seconds_left=12.4)
    job_id = _running_round(client, running)
    assert _staffing(client, job_id, "en") == (
        "iteration 3 of 30, proven gap 0.41%, 10 calls staffed, about 12 s left"
    )
    assert _staffing(client, job_id, "ru") == (
        "итерация 3 из 30, доказанный разрыв 0,41%, конкурсов с командой: 10, осталось около 12 с"
    )


def test_a_stopped_staffing_says_why(client: TestClient) -> None:
    stopped = StaffingProgress(4, 30, 0.0, 246.0, 246.0, 10, stopped="gap reached")
    job_id = _running_round(client, stopped)
    assert _staffing(client, job_id, "en").endswith("10 calls staffed, stopped: gap reached")


def test_the_staffing_line_reads_in_a_real_browser_in_russian_on_a_phone(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    from api.http.store.db import Database

    database = Database(f"sqlite:///{live_server.home / 'web.sqlite'}")
    job_id = "00000000-0000-4000-8000-000000000181"
    try:
        with database.session() as session:
            session.add(
                JobRow(
                    id=job_id,
                    kind="round",
                    status="running",
                    stage="staff",
                    progress=0.3,
                    detail=StaffingProgress(
                        3, 30, 0.0041, 246.0, 245.0, 10, seconds_left=12.4
                    ).to_json(),
                    params={"top_k": 10},
                    created_by="coordinator@demo.grantmatch.org",
                    created_at=utcnow(),
                    started_at=utcnow(),
                    data_version=0,
                )
            )
    finally:
        database.dispose()
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/rounds/{job_id}")
    staffing = page.locator("#job-staffing")
    assert " ".join(staffing.inner_text().split()) == (
        "итерация 3 из 30, доказанный разрыв 0,41%, конкурсов с командой: 10, осталось около 12 с"
    )
    box = staffing.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375  # no sideways scrolling
    screenshot(page, "round-staffing-progress-ru-375")

"""A round job tells how its staffing went: iterations, proven gap, calls staffed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, auth
from tests.api.http.test_jobs import wait_for


def test_a_lagrangian_round_job_keeps_its_staffing_detail(small_client: TestClient) -> None:
    submitted = small_client.post(
        "/jobs",
        json={"kind": "round", "top_k": 3, "staffing": "lagrangian"},
        headers=auth(COORDINATOR),
    )
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["detail"] is None  # nothing to tell before it runs
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    summary = job["result"]["summary"]
    detail = job["detail"]
    assert detail["iteration"] == summary["iterations"] >= 1
    assert detail["iterations"] == 30 and detail["staffed"] == summary["staffed"]
    assert detail["stopped"] in ("gap reached", "all iterations")
    assert detail["seconds_left"] is None  # it ended
    assert detail["gap"] == pytest.approx(summary["gap"], abs=1e-8)
    assert detail["bound"] == pytest.approx(summary["bound"], abs=1e-6)


def test_a_greedy_round_job_has_no_staffing_detail(small_client: TestClient) -> None:
    submitted = small_client.post(
        "/jobs",
        json={"kind": "round", "top_k": 3, "staffing": "greedy", "solver": "fast"},
        headers=auth(ADMIN),
    )
    job = wait_for(small_client, submitted.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["detail"] is None and job["result"]["summary"]["iterations"] is None

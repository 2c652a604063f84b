"""A call's competition over HTTP: applications submitted (JSON, JSON Lines, CSV) and
checked against the store, who may submit and see what, the rule checks, reviewers
assigned (by a solver or by hand, refused with reasons when infeasible), reviews, the
ranking; and real parallel clients submitting one review twice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, auth, new_key

CALL = "c-methane"
LEAD = "s-ru-methane"
APPLICATION: dict[str, Any] = {
    "id": "a-methane-1",
    "call_id": CALL,
    "title": "Forecasting methane emission in deep coal seams",
    "abstract": "Gas emission forecasting and methane drainage for outburst prevention.",
    "keywords": ["methane drainage", "gas emission forecasting"],
    "team": [LEAD, "s-cn-agreement"],
    "lead": LEAD,
}


def _submit(client: TestClient, key: str, body: dict[str, Any], call: str = CALL) -> httpx.Response:
    return client.post(f"/calls/{call}/applications", json=body, headers=auth(key))


def test_a_coordinator_submits_an_application_and_reads_it_back(small_client: TestClient) -> None:
    created = _submit(small_client, COORDINATOR, APPLICATION)
    assert created.status_code == 201, created.text
    assert created.json() == {"call_id": CALL, "created": 1, "ids": ["a-methane-1"]}
    listed = small_client.get(f"/calls/{CALL}/applications", headers=auth(COORDINATOR))
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["team"] == [LEAD, "s-cn-agreement"]
    assert item["title"] == APPLICATION["title"]


def test_the_call_id_may_be_left_to_the_path(small_client: TestClient) -> None:
    body = {k: v for k, v in APPLICATION.items() if k != "call_id"}
    created = _submit(small_client, COORDINATOR, body)
    assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"team": [LEAD, "nobody"]}, 422, "body.team.1"),
        ({"conflicts": ["ghost"]}, 422, "body.conflicts.0"),
        ({"lead": "s-cn-agreement", "team": [LEAD]}, 422, "body"),
        ({"call_id": "c-remediation"}, 422, "body.call_id"),
        ({"title": ""}, 422, "body.title"),
        ({"id": "a/b"}, 422, "body.id"),
    ],
)
def test_a_bad_application_is_refused_naming_the_field(
    small_client: TestClient, change: dict[str, Any], status: int, field: str
) -> None:
    response = _submit(small_client, COORDINATOR, {**APPLICATION, **change})
    assert response.status_code == status, response.text
    fields = [problem["field"] for problem in response.json()["errors"]]
    assert any(f is not None and f.startswith(field) for f in fields), fields


def test_an_unknown_call_is_404_and_a_taken_id_409(small_client: TestClient) -> None:
    assert _submit(small_client, COORDINATOR, APPLICATION, "c-none").status_code == 404
    assert _submit(small_client, COORDINATOR, APPLICATION).status_code == 201
    again = _submit(small_client, COORDINATOR, APPLICATION)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "body.id"


def test_a_file_of_applications_is_stored_all_or_nothing(small_client: TestClient) -> None:
    good = {**APPLICATION, "id": "a-file-1"}
    bad = {**APPLICATION, "id": "a-file-2", "team": [LEAD, "nobody"]}
    import json

    body = "\n".join(json.dumps(x) for x in (good, bad)) + "\n"
    headers = {**auth(COORDINATOR), "Content-Type": "application/x-ndjson"}
    refused = small_client.post(f"/calls/{CALL}/applications", content=body, headers=headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()["errors"][0]
    assert (problem["line"], problem["field"]) == (2, "team.1")
    listed = small_client.get(f"/calls/{CALL}/applications", headers=auth(COORDINATOR))
    assert listed.json()["items"] == []
    csv = (
        "id,call_id,title,team,lead\n"
        f"a-csv-1,{CALL},Methane drainage,{LEAD};s-cn-agreement,{LEAD}\n"
        f"a-csv-2,{CALL},Gas control,{LEAD},{LEAD}\n"
    )
    headers = {**auth(COORDINATOR), "Content-Type": "text/csv"}
    stored = small_client.post(f"/calls/{CALL}/applications", content=csv, headers=headers)
    assert stored.status_code == 201, stored.text
    assert stored.json()["ids"] == ["a-csv-1", "a-csv-2"]


def test_a_malformed_file_names_its_line(small_client: TestClient) -> None:
    headers = {**auth(COORDINATOR), "Content-Type": "application/x-ndjson"}
    body = '{"id": "a-1", "call_id": "c-methane", "title": "T", "team": ["s-ru-methane"]}\n'
    response = small_client.post(f"/calls/{CALL}/applications", content=body, headers=headers)
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["line"] == 1 and problem["field"] == "lead"
    other = small_client.post(
        f"/calls/{CALL}/applications",
        content="x",
        headers={**auth(ADMIN), "Content-Type": "image/png"},
    )
    assert other.status_code == 415


def test_a_researcher_submits_only_what_they_lead(small_client: TestClient) -> None:
    lead = new_key(small_client, "researcher", LEAD)
    other = new_key(small_client, "researcher", "s-cn-agreement")
    staff = new_key(small_client, "office_staff", "off-kuzbass-cn")
    assert _submit(small_client, other, APPLICATION).status_code == 403
    assert _submit(small_client, staff, APPLICATION).status_code == 403
    assert _submit(small_client, lead, APPLICATION).status_code == 201
    # A team member sees it; someone else on no team sees nothing; staff may not look.
    mine = small_client.get(f"/calls/{CALL}/applications", headers=auth(other))
    assert [a["id"] for a in mine.json()["items"]] == ["a-methane-1"]
    outsider = new_key(small_client, "researcher", "s-ru-health")
    nothing = small_client.get(f"/calls/{CALL}/applications", headers=auth(outsider))
    assert nothing.json()["items"] == []
    refused = small_client.get(f"/calls/{CALL}/applications", headers=auth(staff))
    assert refused.status_code == 403

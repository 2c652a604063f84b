"""Private data reaches no response through a side door: error bodies echo only what the
caller sent, never a private field's value, and introductions show contact data through
the same view as the records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, SMALL, AppFactory, auth, load_small

STORED = [json.loads(line) for line in (SMALL / "profiles.jsonl").read_text().splitlines()]
EMAILS = [p["contact"]["email"] for p in STORED if p.get("contact")]
PARTNER = "s-cn-partner"


@pytest.fixture
def store(database_url: str, make_client: AppFactory) -> TestClient:
    client = make_client(url=database_url)
    load_small(client)
    return client


def _leaks(text: str) -> list[str]:
    return [email for email in EMAILS if email in text] + (["phone"] if "555-0100" in text else [])


def _values(body: dict[str, Any]) -> list[Any]:
    return [problem["value"] for problem in body["errors"]]


def test_a_failed_update_echoes_no_stored_value(store: TestClient) -> None:
    # Removing a required field makes the merged record invalid: pydantic's "input" of a
    # missing field is the whole stored record, contact data included.
    response = store.patch(f"/profiles/{PARTNER}", json={"name": None}, headers=auth(COORDINATOR))
    assert response.status_code == 422
    assert _leaks(response.text) == []
    assert "Harbin" not in response.text  # nor the stored summary the caller did not send
    assert all(value is None for value in _values(response.json()))


def test_a_failed_office_update_echoes_only_what_was_sent(store: TestClient) -> None:
    response = store.patch(
        "/offices/off-kuzbass-cn", json={"home_country": "CN"}, headers=auth(COORDINATOR)
    )
    assert response.status_code == 422
    assert _values(response.json()) == [None]  # "country" failed, with its stored value
    assert "REC Kuzbass" not in response.text


def test_private_fields_are_never_echoed_even_when_sent(store: TestClient) -> None:
    sent = {"contact": {"email": "secret@example.org", "phone": ["+7 999 secret"]}}
    for method, path, body in (
        ("POST", "/profiles", sent),  # no id, no name: "input" is the whole body
        ("POST", "/profiles", {"id": "p-s", "name": "S", **sent}),
        ("PATCH", f"/profiles/{PARTNER}", sent),
    ):
        response = store.request(method, path, json=body, headers=auth(ADMIN))
        assert response.status_code == 422, (method, path, response.text)
        assert "secret" not in response.text, (method, path, response.text)


def test_an_import_error_never_echoes_a_private_value(store: TestClient) -> None:
    line = {"id": "p-imp", "name": "I", "contact": {"phone": ["+7 999 secret"]}}
    response = store.post(
        "/profiles/import", content=json.dumps(line).encode() + b"\n", headers=auth(ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contact.phone"
    assert "secret" not in response.text


def test_no_answer_a_coordinator_gets_carries_contact_data(store: TestClient) -> None:
    headers = auth(COORDINATOR)
    bodies = [
        store.get("/profiles?limit=500", headers=headers).text,
        store.get(f"/profiles/{PARTNER}", headers=headers).text,
        store.patch(f"/profiles/{PARTNER}", json={"summary": "New."}, headers=headers).text,
        store.post(
            "/profiles",
            json={"id": "p-c", "name": "C", "contact": {"email": "c@x.org"}},
            headers=headers,
        ).text,
        store.post("/profiles", json={"id": PARTNER, "name": "Again"}, headers=headers).text,
        store.get("/introductions", headers=headers).text,
    ]
    for text in bodies:
        assert _leaks(text) == [] and "c@x.org" not in text, text

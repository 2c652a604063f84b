"""Denied accesses are in the audit trail, with who, what and why."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, AppFactory, auth, load_small


@pytest.fixture
def store(database_url: str, make_client: AppFactory) -> TestClient:
    client = make_client(url=database_url)
    load_small(client)
    return client


def _key(client: TestClient, role: str, binding: str) -> str:
    response = client.post("/keys", json={"role": role, "binding": binding}, headers=auth(ADMIN))
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def _denials(client: TestClient) -> list[dict[str, Any]]:
    body = client.get("/audit?action=access.denied&limit=500", headers=auth(ADMIN)).json()
    items: list[dict[str, Any]] = body["items"]
    return items


def test_denied_accesses_to_private_data_are_audited(store: TestClient) -> None:
    intruder = _key(store, "researcher", "s-kz-soil")
    researcher = _key(store, "researcher", "s-ru-methane")
    other_staff = _key(store, "office_staff", "off-rs-kz")
    contact = {"contact": {"email": "mine@example.org"}}
    assert (
        store.patch("/profiles/s-ru-methane", json=contact, headers=auth(intruder)).status_code
        == 403
    )
    intro = store.post(
        "/introductions", json={"partner_id": "s-cn-partner"}, headers=auth(researcher)
    ).json()
    decision = f"/introductions/{intro['id']}/decision"
    assert (
        store.post(decision, json={"decision": "accept"}, headers=auth(other_staff)).status_code
        == 403
    )
    assert store.get(f"/introductions/{intro['id']}", headers=auth(intruder)).status_code == 403

    denied = _denials(store)
    seen = {(d["actor"].split(" ")[0], d["target"]) for d in denied}
    assert ("researcher:s-kz-soil", "PATCH /profiles/s-ru-methane") in seen
    assert ("office_staff:off-rs-kz", f"POST {decision}") in seen
    assert ("researcher:s-kz-soil", f"GET /introductions/{intro['id']}") in seen
    assert all(d["detail"]["reason"] for d in denied)

"""Denied accesses are in the audit trail, with who, what and why."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, auth, new_key


def _denials(client: TestClient) -> list[dict[str, Any]]:
    body = client.get("/audit?action=access.denied&limit=500", headers=auth(ADMIN)).json()
    items: list[dict[str, Any]] = body["items"]
    return items


def test_denied_accesses_to_private_data_are_audited(loaded_store: TestClient) -> None:
    intruder = new_key(loaded_store, "researcher", "s-kz-soil")
    researcher = new_key(loaded_store, "researcher", "s-ru-methane")
    other_staff = new_key(loaded_store, "office_staff", "off-rs-kz")
    contact = {"contact": {"email": "mine@example.org"}}
    assert (
        loaded_store.patch(
            "/profiles/s-ru-methane", json=contact, headers=auth(intruder)
        ).status_code
        == 403
    )
    intro = loaded_store.post(
        "/introductions", json={"partner_id": "s-cn-partner"}, headers=auth(researcher)
    ).json()
    decision = f"/introductions/{intro['id']}/decision"
    assert (
        loaded_store.post(
            decision, json={"decision": "forward"}, headers=auth(other_staff)
        ).status_code
        == 403
    )
    assert (
        loaded_store.get(f"/introductions/{intro['id']}", headers=auth(intruder)).status_code == 403
    )

    denied = _denials(loaded_store)
    seen = {(d["actor"].split(" ")[0], d["target"]) for d in denied}
    assert ("researcher:s-kz-soil", "PATCH /profiles/s-ru-methane") in seen
    assert ("office_staff:off-rs-kz", f"POST {decision}") in seen
    assert ("researcher:s-kz-soil", f"GET /introductions/{intro['id']}") in seen
    assert all(d["detail"]["reason"] for d in denied)

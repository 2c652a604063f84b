"""Roles and API keys: each forbidden access, contact data only where allowed, and the
introduction flow (request, decision, disclosure) with its audit trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, AppFactory, auth

RESEARCHER = "s-ru-methane"
PARTNER = "s-cn-partner"  # reached through the China office's partner institution
OFFICE = "off-kuzbass-cn"


def new_key(client: TestClient, role: str, binding: str | None) -> str:
    response = client.post(
        "/keys", json={"role": role, "binding": binding, "label": "test"}, headers=auth(ADMIN)
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


@pytest.fixture
def keys(small_client: TestClient) -> dict[str, str]:
    return {
        "admin": ADMIN,
        "coordinator": COORDINATOR,
        "researcher": new_key(small_client, "researcher", RESEARCHER),
        "other_researcher": new_key(small_client, "researcher", "s-kz-soil"),
        "staff": new_key(small_client, "office_staff", OFFICE),
        "other_staff": new_key(small_client, "office_staff", "off-rs-kz"),
    }


def test_no_key_or_a_wrong_key_is_401(small_client: TestClient) -> None:
    for headers in ({}, auth("not-a-key-at-all")):
        response = small_client.get("/profiles", headers=headers)
        assert response.status_code == 401
        assert response.json()["errors"][0]["field"] == "header.X-API-Key"
    assert small_client.get("/health").status_code == 200  # the only open endpoint


FORBIDDEN: list[tuple[str, str, str, dict[str, object] | None]] = [
    ("researcher", "POST", "/profiles", {"id": "x1", "name": "X"}),
    ("staff", "POST", "/calls", {"id": "c-x", "title": "X"}),
    ("researcher", "POST", "/calls/import", None),
    ("staff", "DELETE", "/profiles/s-kz-soil", None),
    ("researcher", "PATCH", "/profiles/s-kz-soil", {"summary": "not mine"}),
    ("staff", "PATCH", "/offices/off-rs-kz", {"capacity": 1}),
    ("researcher", "PATCH", "/offices/off-kuzbass-cn", {"capacity": 1}),
    ("coordinator", "PATCH", "/institutions/ru-kuzstu", None),  # allowed: a control
    ("researcher", "GET", "/profiles/s-kz-soil/partners-abroad", None),
    ("coordinator", "GET", "/audit", None),
    ("staff", "GET", "/audit", None),
    ("coordinator", "POST", "/keys", {"role": "admin"}),
    ("researcher", "GET", "/keys", None),
    ("coordinator", "DELETE", "/keys/1", None),
    ("researcher", "POST", "/jobs", {"kind": "rank"}),
    ("staff", "GET", "/jobs", None),
    ("coordinator", "POST", "/introductions", {"partner_id": PARTNER}),
    ("staff", "POST", "/introductions", {"partner_id": PARTNER}),
    ("admin", "POST", "/introductions", {"partner_id": PARTNER}),
]
"""(role, method, path, body) of every access a role is refused (one store for all: the
setup is the slow part)."""


def test_each_forbidden_access_is_403(small_client: TestClient, keys: dict[str, str]) -> None:
    for role, method, path, body in FORBIDDEN:
        response = small_client.request(method, path, json=body, headers=auth(keys[role]))
        if role == "coordinator" and path.startswith("/institutions"):
            assert response.status_code == 422  # allowed: only the body is missing
            continue
        assert response.status_code == 403, (role, method, path, response.text)
        assert response.json()["detail"]


def test_own_records_may_be_edited(small_client: TestClient, keys: dict[str, str]) -> None:
    mine = small_client.patch(
        f"/profiles/{RESEARCHER}", json={"summary": "Gas."}, headers=auth(keys["researcher"])
    )
    assert mine.status_code == 200 and mine.json()["summary"] == "Gas."
    office = small_client.patch(
        f"/offices/{OFFICE}", json={"name": "Kuzbass in China"}, headers=auth(keys["staff"])
    )
    assert office.status_code == 200 and office.json()["name"] == "Kuzbass in China"


def contact_of(client: TestClient, key: str, profile_id: str) -> object:
    body = client.get(f"/profiles/{profile_id}", headers=auth(key)).json()
    return body.get("contact")


def test_contact_data_is_shown_only_to_allowed_roles(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    assert contact_of(small_client, keys["admin"], PARTNER) is not None
    assert contact_of(small_client, keys["researcher"], RESEARCHER) is not None  # themself
    for role in ("coordinator", "researcher", "other_researcher", "staff", "other_staff"):
        assert contact_of(small_client, keys[role], PARTNER) is None, role
    listed = small_client.get("/profiles?limit=500", headers=auth(keys["coordinator"])).json()
    assert all(p.get("contact") is None for p in listed["items"])
    assert any(p["contact_hidden"] for p in listed["items"])
    # Answers never carry contact data.
    answer = small_client.get("/calls/c-methane/candidates", headers=auth(keys["researcher"]))
    assert answer.status_code == 200 and "email" not in answer.text


def test_an_introduction_shares_contact_data_only_after_the_partner_accepts(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    requested = small_client.post(
        "/introductions",
        json={"partner_id": PARTNER, "call_id": "c-methane", "message": "Joint proposal?"},
        headers=auth(keys["researcher"]),
    )
    assert requested.status_code == 201, requested.text
    intro = requested.json()
    assert intro["office_id"] == OFFICE and intro["route"]["kind"] == "office_partner"
    assert intro["status"] == "pending" and intro["partner_contact"] is None
    path = f"/introductions/{intro['id']}"
    partner = new_key(small_client, "researcher", PARTNER)
    # A second open request for the same partner is refused.
    assert (
        small_client.post(
            "/introductions", json={"partner_id": PARTNER}, headers=auth(keys["researcher"])
        ).status_code
        == 409
    )
    # Before forwarding: nobody but admin sees the partner's contact data, and the
    # partner does not see the request yet.
    assert contact_of(small_client, keys["researcher"], PARTNER) is None
    assert contact_of(small_client, keys["staff"], PARTNER) is None
    assert small_client.get(path, headers=auth(partner)).status_code == 403
    # Who may not decide: the requester, another office's staff, a coordinator, admin.
    for role in ("researcher", "other_staff", "coordinator", "admin"):
        response = small_client.post(
            f"{path}/decision", json={"decision": "forward"}, headers=auth(keys[role])
        )
        assert response.status_code == 403, role
    # Who may not read it: another researcher, another office's staff.
    for role in ("other_researcher", "other_staff"):
        assert small_client.get(path, headers=auth(keys[role])).status_code == 403, role
    assert small_client.get("/introductions", headers=auth(keys["other_staff"])).json() == []
    # The partner may not answer before the office forwards.
    early = small_client.post(f"{path}/answer", json={"answer": "accept"}, headers=auth(partner))
    assert early.status_code == 403
    # The office's staff forward it: they broker, so they see both sides; the requester
    # and the partner see nothing of each other yet.
    forwarded = small_client.post(
        f"{path}/decision", json={"decision": "forward", "note": "ok"}, headers=auth(keys["staff"])
    )
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["status"] == "forwarded" and forwarded.json()["consent_token"]
    assert forwarded.json()["partner_contact"]["email"]
    assert forwarded.json()["requester_contact"]["email"]
    waiting = small_client.get(path, headers=auth(keys["researcher"])).json()
    assert waiting["status"] == "forwarded" and waiting["partner_contact"] is None
    assert waiting["consent_token"] is None
    assert contact_of(small_client, keys["researcher"], PARTNER) is None
    assert contact_of(small_client, partner, RESEARCHER) is None
    # Neither the requester nor another researcher answers for the partner.
    for key in (keys["researcher"], keys["other_researcher"]):
        response = small_client.post(f"{path}/answer", json={"answer": "accept"}, headers=auth(key))
        assert response.status_code == 403
    # The partner accepts: contacts go both ways.
    accepted = small_client.post(
        f"{path}/answer", json={"answer": "accept", "note": "glad to"}, headers=auth(partner)
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["requester_contact"]["email"]
    assert accepted.json()["partner_contact"] is None
    seen = small_client.get(path, headers=auth(keys["researcher"])).json()
    assert seen["status"] == "accepted" and seen["partner_contact"]["email"]
    assert seen["requester_contact"] is None and seen["answer_note"] == "glad to"
    assert contact_of(small_client, keys["researcher"], PARTNER) is not None
    assert contact_of(small_client, partner, RESEARCHER) is not None
    assert contact_of(small_client, keys["staff"], PARTNER) is not None
    # Still hidden from everyone else.
    assert contact_of(small_client, keys["other_researcher"], PARTNER) is None
    assert contact_of(small_client, keys["other_staff"], PARTNER) is None
    coordinator_view = small_client.get(path, headers=auth(keys["coordinator"])).json()
    assert coordinator_view["partner_contact"] is None
    # Decided once only, by each side.
    again = small_client.post(
        f"{path}/decision", json={"decision": "decline"}, headers=auth(keys["staff"])
    )
    assert again.status_code == 409
    twice = small_client.post(f"{path}/answer", json={"answer": "decline"}, headers=auth(partner))
    assert twice.status_code == 409 and "accepted" in twice.json()["detail"]
    # Every step is in the audit trail, with who and when.
    trail = small_client.get("/audit?limit=500", headers=auth(ADMIN)).json()["items"]
    actions = {(e["action"], e["actor"].split(" ")[0]) for e in trail}
    assert ("introduction.request", f"researcher:{RESEARCHER}") in actions
    assert ("introduction.forward", f"office_staff:{OFFICE}") in actions
    assert ("introduction.partner_accept", f"researcher:{PARTNER}") in actions
    assert ("contact.shown", f"researcher:{RESEARCHER}") in actions
    assert ("contact.shown", f"researcher:{PARTNER}") in actions
    assert all(e["at"] for e in trail)


def test_a_declined_introduction_shares_nothing(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    intro = small_client.post(
        "/introductions", json={"partner_id": PARTNER}, headers=auth(keys["researcher"])
    ).json()
    declined = small_client.post(
        f"/introductions/{intro['id']}/decision",
        json={"decision": "decline"},
        headers=auth(keys["staff"]),
    )
    assert declined.status_code == 200 and declined.json()["partner_contact"] is None
    assert contact_of(small_client, keys["researcher"], PARTNER) is None
    trail = small_client.get("/audit?action=introduction.decline", headers=auth(ADMIN)).json()
    assert trail["total"] == 1


def test_an_unreachable_partner_has_no_office_to_ask(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    response = small_client.post(
        "/introductions", json={"partner_id": "s-de-none"}, headers=auth(keys["researcher"])
    )
    assert response.status_code == 409 and "no open office" in response.json()["detail"]


def test_a_revoked_key_stops_working(small_client: TestClient) -> None:
    created = small_client.post("/keys", json={"role": "coordinator"}, headers=auth(ADMIN)).json()
    assert small_client.get("/me", headers=auth(created["key"])).json()["role"] == "coordinator"
    listed = small_client.get("/keys", headers=auth(ADMIN)).json()
    assert listed and all("key" not in k for k in listed)
    assert small_client.delete(f"/keys/{created['id']}", headers=auth(ADMIN)).status_code == 204
    assert small_client.get("/me", headers=auth(created["key"])).status_code == 401


def test_keys_need_a_binding_that_exists(small_client: TestClient) -> None:
    for body in (
        {"role": "researcher"},
        {"role": "office_staff", "binding": "no-such-office"},
        {"role": "admin", "binding": "x"},
    ):
        response = small_client.post("/keys", json=body, headers=auth(ADMIN))
        assert response.status_code == 422, body


def test_settings_keys_bind_roles(make_client: AppFactory) -> None:
    client = make_client(keys='[{"key": "staff-key-001", "role": "office_staff", "binding": "o1"}]')
    me = client.get("/me", headers=auth("staff-key-001")).json()
    assert me["role"] == "office_staff" and me["binding"] == "o1"
    with pytest.raises(ValueError, match="needs a binding"):
        make_client(keys="researcher-key:researcher")

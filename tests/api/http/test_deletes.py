"""Deletes leave no dangling reference: a record others name is not deleted (409 naming
them), and the keys bound to a deleted profile or office stop working at once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.http.conftest import (
    ADMIN,
    COORDINATOR,
    auth,
    new_key,
)


def test_an_institution_others_name_is_not_deleted(loaded_store: TestClient) -> None:
    response = loaded_store.delete("/institutions/cn-hit", headers=auth(COORDINATOR))
    assert response.status_code == 409, response.text
    named = {p["value"] for p in response.json()["errors"]}
    assert {"profiles/s-cn-partner", "profiles/s-cn-metal", "offices/off-kuzbass-cn"} <= named
    assert loaded_store.get("/institutions/cn-hit", headers=auth(COORDINATOR)).status_code == 200
    # Every profile can still be edited.
    edited = loaded_store.patch(
        "/profiles/s-cn-partner", json={"summary": "x"}, headers=auth(ADMIN)
    )
    assert edited.status_code == 200


def test_a_profile_others_name_is_not_deleted(loaded_store: TestClient) -> None:
    response = loaded_store.delete("/profiles/s-ru-methane", headers=auth(COORDINATOR))
    assert response.status_code == 409, response.text
    assert "profiles/s-ru-ventilation" in {p["value"] for p in response.json()["errors"]}


def test_deleting_a_profile_revokes_its_keys(loaded_store: TestClient) -> None:
    person = {"id": "p-gone", "name": "Gone", "contact": {"email": "first@example.org"}}
    assert loaded_store.post("/profiles", json=person, headers=auth(ADMIN)).status_code == 201
    key = new_key(loaded_store, "researcher", "p-gone")
    assert loaded_store.get("/profiles/p-gone", headers=auth(key)).json()["contact"]
    assert loaded_store.delete("/profiles/p-gone", headers=auth(COORDINATOR)).status_code == 204
    assert loaded_store.get("/me", headers=auth(key)).status_code == 401
    # Someone else under the same id: the old key reads nothing.
    other = {"id": "p-gone", "name": "Other", "contact": {"email": "second@example.org"}}
    assert loaded_store.post("/profiles", json=other, headers=auth(ADMIN)).status_code == 201
    response = loaded_store.get("/profiles/p-gone", headers=auth(key))
    assert response.status_code == 401 and "second@" not in response.text


def test_deleting_an_office_revokes_its_staff_keys(loaded_store: TestClient) -> None:
    office = {
        "id": "off-gone",
        "name": "Gone",
        "operator": "X",
        "home_country": "RU",
        "country": "DE",
    }
    assert loaded_store.post("/offices", json=office, headers=auth(ADMIN)).status_code == 201
    staff = new_key(loaded_store, "office_staff", "off-gone")
    assert loaded_store.get("/me", headers=auth(staff)).status_code == 200
    assert loaded_store.delete("/offices/off-gone", headers=auth(COORDINATOR)).status_code == 204
    assert loaded_store.get("/me", headers=auth(staff)).status_code == 401


def test_a_recreated_partner_is_not_disclosed_through_an_old_introduction(
    loaded_store: TestClient,
) -> None:
    researcher = new_key(loaded_store, "researcher", "s-ru-methane")
    staff = new_key(loaded_store, "office_staff", "off-kuzbass-cn")
    intro = loaded_store.post(
        "/introductions", json={"partner_id": "s-cn-partner"}, headers=auth(researcher)
    ).json()
    partner = new_key(loaded_store, "researcher", "s-cn-partner")
    forwarded = loaded_store.post(
        f"/introductions/{intro['id']}/decision", json={"decision": "forward"}, headers=auth(staff)
    )
    assert forwarded.status_code == 200
    accepted = loaded_store.post(
        f"/introductions/{intro['id']}/answer", json={"answer": "accept"}, headers=auth(partner)
    )
    assert accepted.status_code == 200
    assert loaded_store.delete("/profiles/s-cn-partner", headers=auth(ADMIN)).status_code == 204
    newcomer = {
        "id": "s-cn-partner",
        "name": "Someone new",
        "country": "CN",
        "institution": "cn-hit",
        "contact": {"email": "newcomer@example.org"},
    }
    assert loaded_store.post("/profiles", json=newcomer, headers=auth(ADMIN)).status_code == 201
    for key in (researcher, staff):
        assert "newcomer@" not in loaded_store.get("/profiles/s-cn-partner", headers=auth(key)).text
        assert "newcomer@" not in loaded_store.get("/introductions", headers=auth(key)).text

"""Which fields each role may change: one table per kind of record, enforced for every
edit; a forbidden field is a 403 that names it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, AppFactory, auth, load_small

OFFICE = "off-kuzbass-cn"
RESEARCHER = "s-ru-methane"


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


@pytest.mark.parametrize(
    "body",
    [
        {"country": "BY"},
        {"home_country": "CN"},
        {"partner_institutions": ["cn-cumt"]},
        {"status": "closed"},
        {"capacity": 50},
        {"services": []},
        {"operator": "Someone else"},
        {"name": "Fine", "country": "BY"},
    ],
)
def test_office_staff_cannot_change_the_structure_of_their_office(
    store: TestClient, body: dict[str, object]
) -> None:
    staff = _key(store, "office_staff", OFFICE)
    response = store.patch(f"/offices/{OFFICE}", json=body, headers=auth(staff))
    assert response.status_code == 403, response.text
    structural = sorted(set(body) - {"name"})
    assert [p["field"] for p in response.json()["errors"]] == [f"body.{f}" for f in structural]
    stored = store.get(f"/offices/{OFFICE}", headers=auth(ADMIN)).json()
    assert stored["country"] == "CN" and stored["name"] != "Fine"


def test_office_staff_edit_the_name_and_coordinators_the_structure(store: TestClient) -> None:
    staff = _key(store, "office_staff", OFFICE)
    renamed = store.patch(f"/offices/{OFFICE}", json={"name": "New name"}, headers=auth(staff))
    assert renamed.status_code == 200 and renamed.json()["name"] == "New name"
    moved = store.patch(
        f"/offices/{OFFICE}", json={"partner_institutions": ["cn-cumt"]}, headers=auth(COORDINATOR)
    )
    assert moved.status_code == 200, moved.text


@pytest.mark.parametrize(
    "body",
    [{"institution": "cn-hit"}, {"country": "CN"}, {"kind": "organization"}, {"capacity": 9}],
)
def test_researchers_cannot_change_where_their_profile_belongs(
    store: TestClient, body: dict[str, object]
) -> None:
    researcher = _key(store, "researcher", RESEARCHER)
    response = store.patch(f"/profiles/{RESEARCHER}", json=body, headers=auth(researcher))
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["field"] == f"body.{next(iter(body))}"


def test_researchers_edit_the_content_of_their_profile(store: TestClient) -> None:
    researcher = _key(store, "researcher", RESEARCHER)
    body = {
        "name": "Ivan G.",
        "summary": "Methane.",
        "keywords": ["methane"],
        "languages": ["ru"],
        "contact": {"email": "ivan@example.org"},
        "career_stage": "senior",
    }
    response = store.patch(f"/profiles/{RESEARCHER}", json=body, headers=auth(researcher))
    assert response.status_code == 200, response.text
    assert response.json()["contact"]["email"] == "ivan@example.org"

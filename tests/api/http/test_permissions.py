"""Which fields each role may change: one table per kind of record, enforced for every
edit; a forbidden field is a 403 that names it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import (
    ADMIN,
    COORDINATOR,
    auth,
    new_key,
)

OFFICE = "off-kuzbass-cn"
RESEARCHER = "s-ru-methane"


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
    loaded_store: TestClient, body: dict[str, object]
) -> None:
    staff = new_key(loaded_store, "office_staff", OFFICE)
    response = loaded_store.patch(f"/offices/{OFFICE}", json=body, headers=auth(staff))
    assert response.status_code == 403, response.text
    structural = sorted(set(body) - {"name"})
    assert [p["field"] for p in response.json()["errors"]] == [f"body.{f}" for f in structural]
    stored = loaded_store.get(f"/offices/{OFFICE}", headers=auth(ADMIN)).json()
    assert stored["country"] == "CN" and stored["name"] != "Fine"


def test_office_staff_edit_the_name_and_coordinators_the_structure(
    loaded_store: TestClient,
) -> None:
    staff = new_key(loaded_store, "office_staff", OFFICE)
    renamed = loaded_store.patch(
        f"/offices/{OFFICE}", json={"name": "New name"}, headers=auth(staff)
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "New name"
    moved = loaded_store.patch(
        f"/offices/{OFFICE}", json={"partner_institutions": ["cn-cumt"]}, headers=auth(COORDINATOR)
    )
    assert moved.status_code == 200, moved.text


@pytest.mark.parametrize(
    "body",
    [{"institution": "cn-hit"}, {"country": "CN"}, {"kind": "organization"}, {"capacity": 9}],
)
def test_researchers_cannot_change_where_their_profile_belongs(
    loaded_store: TestClient, body: dict[str, object]
) -> None:
    researcher = new_key(loaded_store, "researcher", RESEARCHER)
    response = loaded_store.patch(f"/profiles/{RESEARCHER}", json=body, headers=auth(researcher))
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["field"] == f"body.{next(iter(body))}"


def test_researchers_edit_the_content_of_their_profile(loaded_store: TestClient) -> None:
    researcher = new_key(loaded_store, "researcher", RESEARCHER)
    body = {
        "name": "Ivan G.",
        "summary": "Methane.",
        "keywords": ["methane"],
        "languages": ["ru"],
        "contact": {"email": "ivan@example.org"},
        "career_stage": "senior",
    }
    response = loaded_store.patch(f"/profiles/{RESEARCHER}", json=body, headers=auth(researcher))
    assert response.status_code == 200, response.text
    assert response.json()["contact"]["email"] == "ivan@example.org"

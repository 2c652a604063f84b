"""``/outcomes``: recorded by coordinators or by an introduction's decision, loaded into the
engine's dataset, where an accepted introduction becomes a collaboration route."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.http.service import Service
from tests.api.http.conftest import ADMIN, COORDINATOR, auth
from tests.api.http.test_roles import keys, new_key  # noqa: F401  (fixture)

REQUESTER = "s-ru-methane"
REACHED_BY_OFFICE = "s-cn-office-only"


def _service(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


def _route_kind(client: TestClient, profile_id: str) -> str | None:
    fitted = _service(client).engine.get()  # the engine of the store's current version
    route = fitted.matcher.routes_.route(fitted.dataset.profile(profile_id))
    return None if route is None else route.kind


def test_an_outcome_round_trips_and_becomes_a_route(small_client: TestClient) -> None:
    assert _route_kind(small_client, REACHED_BY_OFFICE) == "office"
    body = {
        "id": "o-1",
        "kind": "introduction_accepted",
        "members": [REQUESTER, REACHED_BY_OFFICE],
        "date": "2026-11-20",
        "note": "met at the forum",
    }
    created = small_client.post("/outcomes", json=body, headers=auth(COORDINATOR))
    assert created.status_code == 201, created.text
    assert created.json()["created_by"].startswith("coordinator")
    assert small_client.post("/outcomes", json=body, headers=auth(ADMIN)).status_code == 409
    listed = small_client.get("/outcomes", headers=auth(ADMIN)).json()["items"]
    assert [(o["id"], o["kind"], o["date"]) for o in listed] == [
        ("o-1", "introduction_accepted", "2026-11-20")
    ]
    fitted = _service(small_client).engine.get()
    assert [o.id for o in fitted.dataset.outcomes] == ["o-1"]
    assert _route_kind(small_client, REACHED_BY_OFFICE) == "collaboration"


def test_a_declined_outcome_is_recorded_and_changes_no_route(small_client: TestClient) -> None:
    body = {
        "id": "o-2",
        "kind": "declined",
        "call_id": "c-methane",
        "members": [REQUESTER, REACHED_BY_OFFICE],
        "date": "2026-11-21",
    }
    assert small_client.post("/outcomes", json=body, headers=auth(ADMIN)).status_code == 201
    assert _route_kind(small_client, REACHED_BY_OFFICE) == "office"


def test_unknown_ids_and_bad_fields_are_named(small_client: TestClient) -> None:
    body = {
        "id": "o-3",
        "kind": "funded",
        "call_id": "c-nope",
        "members": [REQUESTER, "s-nobody"],
        "date": "2026-11-21",
    }
    response = small_client.post("/outcomes", json=body, headers=auth(ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.members.1"
    body["members"] = [REQUESTER, REACHED_BY_OFFICE]
    response = small_client.post("/outcomes", json=body, headers=auth(ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.call_id"
    response = small_client.post(
        "/outcomes", json={**body, "call_id": "c-methane", "kind": "won"}, headers=auth(ADMIN)
    )
    assert response.status_code == 422


def test_only_admins_and_coordinators_record_outcomes(small_client: TestClient) -> None:
    researcher = new_key(small_client, "researcher", REQUESTER)
    body = {
        "id": "o-4",
        "kind": "applied",
        "call_id": "c-methane",
        "members": [REQUESTER, REACHED_BY_OFFICE],
        "date": "2026-11-21",
    }
    assert small_client.post("/outcomes", json=body, headers=auth(researcher)).status_code == 403
    assert small_client.get("/outcomes", headers=auth(researcher)).status_code == 403


def test_an_accepted_introduction_records_its_outcome(
    small_client: TestClient,
    keys: dict[str, str],  # noqa: F811
) -> None:
    requested = small_client.post(
        "/introductions",
        json={"partner_id": "s-cn-partner", "call_id": "c-methane"},
        headers=auth(keys["researcher"]),
    ).json()
    forwarded = small_client.post(
        f"/introductions/{requested['id']}/decision",
        json={"decision": "forward"},
        headers=auth(keys["staff"]),
    )
    assert forwarded.status_code == 200, forwarded.text
    # Nothing is recorded until the partner answers.
    assert small_client.get("/outcomes", headers=auth(ADMIN)).json()["items"] == []
    partner = new_key(small_client, "researcher", "s-cn-partner")
    accepted = small_client.post(
        f"/introductions/{requested['id']}/answer",
        json={"answer": "accept"},
        headers=auth(partner),
    )
    assert accepted.status_code == 200, accepted.text
    (recorded,) = small_client.get("/outcomes", headers=auth(ADMIN)).json()["items"]
    assert recorded["kind"] == "introduction_accepted"
    assert recorded["introduction_id"] == requested["id"]
    assert recorded["members"] == [REQUESTER, "s-cn-partner"]
    assert recorded["call_id"] == "c-methane"
    fitted = _service(small_client).engine.get()
    assert fitted.matcher.routes_.joint_works("s-cn-partner")[REQUESTER] >= 1

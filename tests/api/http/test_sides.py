"""The ``side`` query parameter: answers from a point of view, cached per side."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.service import Service
from tests.api.http.conftest import ADMIN, auth, new_key

KZ_OFFICE = {
    "id": "off-kz-by",
    "name": "KazNU office in Belarus",
    "operator": "KazNU consortium",
    "home_country": "KZ",
    "country": "BY",
    "status": "open",
    "partner_institutions": ["by-bsu"],
    "services": ["introductions"],
}


@pytest.fixture
def client(small_client: TestClient) -> TestClient:
    """The small fixture (offices run from RU; the one in Belarus negotiating) and an open
    office in Belarus run from Kazakhstan."""
    response = small_client.post("/offices", json=KZ_OFFICE, headers=auth(ADMIN))
    assert response.status_code == 201, response.text
    _service(small_client).engine.get()  # waits for the refit the write started
    return small_client


def _service(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


def _get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params, headers=auth(ADMIN))
    assert response.status_code == 200, response.text
    return response.json()


def _belarusians(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["profile"]["id"]: c["route"]
        for c in body["candidates"]
        if c["profile"]["country"] == "BY"
    }


def test_candidates_from_the_kazakh_side_go_through_its_office(client: TestClient) -> None:
    url = "/calls/c-by-materials/candidates"
    russian = _get(client, url, k=50, explain=False)
    assert _belarusians(russian) == {}
    kazakh = _get(client, url, k=50, explain=False, side="KZ")
    routes = _belarusians(kazakh)
    assert routes["s-by-edu"]["kind"] == "office_partner"
    assert {route["via"] for route in routes.values()} == {"off-kz-by"}
    # A country name is the same side, and the answer is cached under the code.
    assert _get(client, url, k=50, explain=False, side="Kazakhstan") == kazakh
    fitted = _service(client).engine.get()
    assert fitted.answers.peek(("candidates", "c-by-materials", 50, False, "KZ")) is not None
    assert fitted.answers.peek(("candidates", "c-by-materials", 50, False, "RU")) is not None


def test_evidence_and_teams_from_a_side(client: TestClient) -> None:
    evidence = _get(client, "/calls/c-by-materials/candidates/s-by-edu")
    assert not evidence["eligibility"]["reachable"]
    assert "run from KZ serve that side" in evidence["eligibility"]["reason"]
    from_kz = _get(client, "/calls/c-by-materials/candidates/s-by-edu", side="KZ")
    assert from_kz["eligibility"]["may_join"]
    assert not _get(client, "/calls/c-by-materials/teams", solver="fast")["feasible"]
    team = _get(client, "/calls/c-by-materials/teams", solver="fast", side="KZ")
    assert team["feasible"]
    members = team["team"]["members"]
    assert any(m["route"]["via"] == "off-kz-by" for m in members if m["country"] == "BY")
    partners = _get(client, "/calls/c-by-materials/partners", team=["s-ru-metal"], side="KZ")
    assert any(p["route"]["via"] == "off-kz-by" for p in partners["partners"])


def test_what_if_from_a_side(client: TestClient) -> None:
    url = "/offices/off-kz-by/what-if"
    assert _get(client, url, change="close")["lost"] == []
    assert "c-by-materials" in _get(client, url, change="close", side="KZ")["lost"]


def test_a_researcher_sees_partners_abroad_from_their_own_side(client: TestClient) -> None:
    researcher = new_key(client, "researcher", "s-kz-soil")
    url = "/profiles/s-kz-soil/partners-abroad"
    own = client.get(url, params={"k": 50}, headers=auth(researcher))
    assert own.status_code == 200, own.text
    routes = {p["profile"]["id"]: p["route"] for p in own.json()["partners"]}
    assert routes["s-by-edu"]["via"] == "off-kz-by"
    assert all(p["profile"]["country"] != "KZ" for p in own.json()["partners"])
    # An administrator asking for the same profile gets the engine's side (RU) by default.
    russian = _get(client, url, k=50)
    assert "s-by-edu" not in {p["profile"]["id"] for p in russian["partners"]}
    assert _get(client, url, k=50, side="KZ") == own.json()


def test_an_unknown_side_is_422_naming_the_parameter(client: TestClient) -> None:
    response = client.get(
        "/calls/c-methane/candidates", params={"side": "Narnia"}, headers=auth(ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.side"

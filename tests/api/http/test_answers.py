"""Derived answers over HTTP: candidates with evidence, teams, partners, what-if; the
engine is refitted only when the data changed."""

from __future__ import annotations

import inspect

import pytest
from fastapi.testclient import TestClient

from api.http.service import Service
from matcher.engine import Matcher
from tests.api.http.conftest import ADMIN, AppFactory, auth, load_small


def service_of(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


def test_candidates_come_with_routes_and_evidence(small_client: TestClient) -> None:
    response = small_client.get("/calls/c-methane/candidates", params={"k": 5}, headers=auth(ADMIN))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["rank"] for c in body["candidates"]] == [1, 2, 3, 4, 5]
    relevance = [c["relevance"] for c in body["candidates"]]
    assert relevance == sorted(relevance, reverse=True)
    best = body["candidates"][0]
    assert best["route"]["kind"] and best["evidence"]["publications"]
    assert best["evidence"]["score"] == pytest.approx(best["relevance"], abs=1e-4)
    one = small_client.get(
        f"/calls/c-methane/candidates/{best['profile']['id']}", headers=auth(ADMIN)
    )
    assert one.status_code == 200 and one.json()["parts"]
    missing = small_client.get("/calls/nope/candidates", headers=auth(ADMIN))
    assert missing.status_code == 404 and missing.json()["errors"][0]["value"] == "nope"


def test_teams_with_alternatives_pins_bans_and_what_if(small_client: TestClient) -> None:
    response = small_client.get(
        "/calls/c-methane/teams", params={"alternatives": 1, "solver": "fast"}, headers=auth(ADMIN)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["feasible"] and body["team"]["members"]
    if "alternatives" in inspect.signature(Matcher.team).parameters:
        assert len(body["alternatives"]) <= 1
    first = body["team"]["members"][0]["profile_id"]
    banned = small_client.get(
        "/calls/c-methane/teams", params={"ban": [first], "solver": "fast"}, headers=auth(ADMIN)
    ).json()
    assert first not in [m["profile_id"] for m in (banned["team"] or {"members": []})["members"]]
    # The Belarus call has no team until the office in negotiation opens.
    closed = small_client.get("/calls/c-by-materials/teams", headers=auth(ADMIN)).json()
    assert not closed["feasible"] and closed["reasons"] and closed["relaxations"]
    opened = small_client.get(
        "/calls/c-by-materials/teams", params={"open_office": "off-kuzbass-by"}, headers=auth(ADMIN)
    ).json()
    assert opened["feasible"]
    whatif = small_client.get("/offices/off-kuzbass-by/what-if", headers=auth(ADMIN)).json()
    assert "c-by-materials" in whatif["gained"] and whatif["viable_after"] > whatif["viable_before"]
    both = small_client.get(
        "/calls/c-methane/teams", params={"pin": [first], "ban": [first]}, headers=auth(ADMIN)
    )
    assert both.status_code == 422


def test_partners_for_a_team_and_abroad(small_client: TestClient) -> None:
    team = small_client.get(
        "/calls/c-methane/partners", params={"team": ["s-ru-methane"], "k": 3}, headers=auth(ADMIN)
    )
    assert team.status_code == 200, team.text
    assert team.json()["partners"] and all(
        p["profile"]["id"] != "s-ru-methane" for p in team.json()["partners"]
    )
    abroad = small_client.get("/profiles/s-ru-methane/partners-abroad", headers=auth(ADMIN))
    assert abroad.status_code == 200
    assert all(p["profile"]["country"] != "RU" for p in abroad.json()["partners"])
    unknown = small_client.get(
        "/calls/c-methane/partners", params={"team": ["ghost"]}, headers=auth(ADMIN)
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "query.team.0"


def test_the_engine_is_refitted_only_when_the_data_changed(small_client: TestClient) -> None:
    service = service_of(small_client)
    for _ in range(3):
        small_client.get("/calls/c-methane/candidates", headers=auth(ADMIN))
    fits = service.engine.fits
    small_client.get("/calls/c-methane/teams", headers=auth(ADMIN))
    assert service.engine.fits == fits  # reads never refit
    small_client.patch("/calls/c-methane", json={"keywords": ["soil"]}, headers=auth(ADMIN))
    fresh = service.engine.get()  # waits for the background refit the write started
    assert service.engine.fits == fits + 1
    answer = small_client.get("/calls/c-methane/candidates", headers=auth(ADMIN))
    assert answer.headers["X-Data-Version"] == str(fresh.version)
    assert answer.json()["data_version"] == fresh.version
    small_client.get("/calls/c-methane/teams", headers=auth(ADMIN))
    assert service.engine.fits == fits + 1


def test_an_empty_store_answers_409_not_500(make_client: AppFactory) -> None:
    client = make_client()
    client.post("/calls", json={"id": "c1", "title": "Coal"}, headers=auth(ADMIN))
    response = client.get("/calls/c1/candidates", headers=auth(ADMIN))
    assert response.status_code == 409 and "import" in response.json()["detail"]


@pytest.mark.model
def test_the_default_model_serves_the_small_fixture(make_client: AppFactory) -> None:
    # The real default backend ("auto": the fixture holds Chinese text, so the multilingual
    # model), not the tfidf stand-in.
    client = make_client(backend="auto")
    load_small(client)
    response = client.get("/calls/c-methane/candidates", params={"k": 3}, headers=auth(ADMIN))
    assert response.status_code == 200, response.text
    ids = [c["profile"]["id"] for c in response.json()["candidates"]]
    assert "s-ru-methane" in ids
    model_id = service_of(client).engine.get().matcher.encoder_.model_id.lower()
    assert "tfidf" not in model_id and ("use" in model_id or "minilm" in model_id)
    teams = client.get("/calls/c-methane/teams", headers=auth(ADMIN)).json()
    assert teams["feasible"]


def test_evidence_says_when_a_relevant_profile_may_not_join(small_client: TestClient) -> None:
    """A German methane expert scores high for the RU-CN methane call but may not join it:
    the answer says so and why, instead of calling it a match."""
    response = small_client.get("/calls/c-methane/candidates/s-de-none", headers=auth(ADMIN))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["eligibility"]["eligible"] is False
    assert body["eligibility"]["may_join"] is False
    assert "DE" in body["eligibility"]["reason"]
    assert body["is_match"] is False
    candidates = small_client.get(
        "/calls/c-methane/candidates", params={"k": 200, "explain": False}, headers=auth(ADMIN)
    ).json()
    assert "s-de-none" not in [c["profile"]["id"] for c in candidates["candidates"]]
    assert candidates["nobody_may_join"] is None
    eligible = small_client.get(
        f"/calls/c-methane/candidates/{candidates['candidates'][0]['profile']['id']}",
        headers=auth(ADMIN),
    ).json()
    assert eligible["eligibility"] == {
        "eligible": True,
        "reachable": True,
        "may_join": True,
        "rule": None,
        "reason": None,
    }


@pytest.mark.parametrize("inline", [False, True])
def test_an_answer_is_the_same_computed_on_the_loop_or_in_a_thread(
    small_client: TestClient, inline: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cheap answers are computed on the event loop, the others in a thread: either way
    the same body, and a refused request is the same 404 (not a 500, not a hung loop)."""
    from api.http.routes import answers

    measured = 0.0 if inline else float("inf")
    monkeypatch.setattr(answers, "_typical_seconds", {"partners": measured})
    seen = []
    for member in ("s-ru-methane", "s-ru-ventilation"):
        response = small_client.get(
            "/calls/c-methane/partners", params={"team": [member], "k": 3}, headers=auth(ADMIN)
        )
        assert response.status_code == 200, response.text
        seen.append([p["profile"]["id"] for p in response.json()["partners"]])
    assert seen[0] and seen[1] and seen[0] != seen[1]
    unknown = small_client.get(
        "/calls/c-methane/partners", params={"team": ["ghost"]}, headers=auth(ADMIN)
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "query.team.0"

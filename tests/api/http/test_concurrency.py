"""Concurrent requests keep the store's invariants: real parallel clients against a real
server on loopback, on SQLite and on PostgreSQL.

One decision per introduction; one pending introduction per requester and partner; one
record per id; no edit lost; a stale ``If-Match`` refused with 412.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.api.http.conftest import ADMIN, COORDINATOR, new_postgres_database
from tests.api.http.live import client, in_parallel, live_server, load_small

PARALLEL = 12
OFFICE = "off-kuzbass-cn"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server holding the small fixture, one per backend for the whole module."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("live")
        url = f"sqlite:///{folder / 'grantmatch.sqlite'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    with live_server(url) as base_url:
        load_small(base_url, ADMIN)
        yield base_url


def _key(base_url: str, role: str, binding: str) -> str:
    with client(base_url, ADMIN) as http:
        response = http.post("/keys", json={"role": role, "binding": binding})
        assert response.status_code == 201, response.text
        key: str = response.json()["key"]
        return key


def _statuses(responses: list[httpx.Response | Exception]) -> Counter[int]:
    for response in responses:
        assert isinstance(response, httpx.Response), response
    return Counter(r.status_code for r in responses if isinstance(r, httpx.Response))


def test_parallel_decisions_on_one_introduction_have_one_winner(live: str) -> None:
    researcher = _key(live, "researcher", "s-ru-methane-phd")
    staff = _key(live, "office_staff", OFFICE)
    with client(live, researcher) as http:
        asked = http.post("/introductions", json={"partner_id": "s-cn-partner"})
    assert asked.status_code == 201, asked.text
    path = f"/introductions/{asked.json()['id']}/decision"
    decisions = ["forward" if i % 2 else "decline" for i in range(PARALLEL)]

    def decide(decision: str) -> httpx.Response:
        with client(live, staff) as http:
            return http.post(path, json={"decision": decision})

    responses = in_parallel([partial(decide, d) for d in decisions])

    assert _statuses(responses) == {200: 1, 409: PARALLEL - 1}
    winner = next(r for r in responses if isinstance(r, httpx.Response) and r.status_code == 200)
    with client(live, ADMIN) as http:
        final = http.get(f"/introductions/{asked.json()['id']}").json()
        trail = http.get("/audit", params={"limit": 500}).json()["items"]
    assert final["status"] == winner.json()["status"]
    target = f"introduction:{asked.json()['id']}"
    decided = [
        e
        for e in trail
        if e["target"] == target and e["action"] in ("introduction.forward", "introduction.decline")
    ]
    assert len(decided) == 1


def test_parallel_identical_introduction_requests_make_one(live: str) -> None:
    researcher = _key(live, "researcher", "s-ru-coalchem")
    body = {"partner_id": "s-cn-metal", "call_id": "c-methane"}
    with client(live, researcher) as http:  # the engine fitted before the race
        assert http.get("/calls/c-methane/candidates?k=1").status_code == 200

    def ask() -> httpx.Response:
        with client(live, researcher) as http:
            return http.post("/introductions", json=body)

    responses = in_parallel([ask] * PARALLEL)

    assert _statuses(responses) == {201: 1, 409: PARALLEL - 1}
    with client(live, researcher) as http:
        mine = http.get("/introductions").json()
    assert [i["partner_id"] for i in mine if i["status"] == "pending"] == ["s-cn-metal"]


def test_a_withdrawal_racing_the_partners_acceptance_has_one_winner(live: str) -> None:
    researcher = _key(live, "researcher", "s-ru-ventilation")
    staff = _key(live, "office_staff", OFFICE)
    partner = _key(live, "researcher", "s-cn-zh")
    with client(live, researcher) as http:
        asked = http.post("/introductions", json={"partner_id": "s-cn-zh"})
    assert asked.status_code == 201, asked.text
    path = f"/introductions/{asked.json()['id']}"
    with client(live, staff) as http:
        assert http.post(f"{path}/decision", json={"decision": "forward"}).status_code == 200

    def act(who: str) -> httpx.Response:
        if who == "requester":
            with client(live, researcher) as http:
                return http.post(f"{path}/withdraw")
        with client(live, partner) as http:
            return http.post(f"{path}/answer", json={"answer": "accept"})

    responses = in_parallel(
        [partial(act, "requester" if i % 2 else "partner") for i in range(PARALLEL)]
    )

    assert _statuses(responses) == {200: 1, 409: PARALLEL - 1}
    winner = next(r for r in responses if isinstance(r, httpx.Response) and r.status_code == 200)
    with client(live, ADMIN) as http:
        final = http.get(path).json()
        trail = http.get("/audit", params={"limit": 500}).json()["items"]
    assert final["status"] == winner.json()["status"] in ("withdrawn", "accepted")
    moved = [
        e
        for e in trail
        if e["target"] == f"introduction:{asked.json()['id']}"
        and e["action"] in ("introduction.partner_accept", "introduction.withdraw")
    ]
    assert len(moved) == 1


def test_parallel_requests_to_one_office_never_pass_its_capacity(live: str) -> None:
    capacity = 3
    with client(live, COORDINATOR) as http:
        changed = http.patch("/offices/off-rs-kz", json={"capacity": capacity})
        assert changed.status_code == 200, changed.text
    requesters = [
        "s-ru-methane", "s-ru-methane-phd", "s-ru-health", "s-ru-digital", "s-ru-food",
        "s-ru-edu", "s-ru-water", "s-ru-ruonly", "s-ru-reclaim", "s-ru-metal",
        "s-ru-metal-junior", "s-org-fccc",
    ]  # fmt: skip
    keys = [_key(live, "researcher", r) for r in requesters[:PARALLEL]]
    with client(live, keys[0]) as http:  # the engine fitted before the race
        assert http.get("/calls/c-methane/candidates?k=1").status_code == 200

    def ask(key: str) -> httpx.Response:
        with client(live, key) as http:
            return http.post("/introductions", json={"partner_id": "s-kz-soil"})

    responses = in_parallel([partial(ask, k) for k in keys])

    assert _statuses(responses) == {201: capacity, 409: PARALLEL - capacity}
    refused = [r for r in responses if isinstance(r, httpx.Response) and r.status_code == 409]
    assert all(f"of its capacity of {capacity}" in r.json()["detail"] for r in refused)
    with client(live, ADMIN) as http:
        load = http.get("/offices/off-rs-kz/load").json()
    assert load["load"] == capacity and load["full"]


def test_parallel_creates_of_one_id_make_one_and_409s(live: str) -> None:
    def create(position: int) -> httpx.Response:
        with client(live, COORDINATOR) as http:
            return http.post("/calls", json={"id": "c-race", "title": f"Race {position}"})

    responses = in_parallel([partial(create, p) for p in range(PARALLEL)])

    assert _statuses(responses) == {201: 1, 409: PARALLEL - 1}


def test_parallel_edits_of_one_record_lose_nothing(live: str) -> None:
    with client(live, COORDINATOR) as http:
        assert http.post("/calls", json={"id": "c-edits", "title": "Edits"}).status_code == 201

    def edit(position: int) -> httpx.Response:
        with client(live, COORDINATOR) as http:
            return http.patch("/calls/c-edits", json={f"note_{position}": position})

    responses = in_parallel([partial(edit, p) for p in range(PARALLEL)])

    assert _statuses(responses) == {200: PARALLEL}
    with client(live, COORDINATOR) as http:
        final = http.get("/calls/c-edits").json()
    assert {f"note_{p}": p for p in range(PARALLEL)}.items() <= final.items()


def test_parallel_edits_with_one_etag_have_one_winner(live: str) -> None:
    with client(live, COORDINATOR) as http:
        assert http.post("/calls", json={"id": "c-etag", "title": "ETag"}).status_code == 201
        etag = http.get("/calls/c-etag").headers["ETag"]

    def edit(position: int) -> httpx.Response:
        with client(live, COORDINATOR) as http:
            return http.patch(
                "/calls/c-etag", json={"title": f"Title {position}"}, headers={"If-Match": etag}
            )

    responses = in_parallel([partial(edit, p) for p in range(PARALLEL)])

    assert _statuses(responses) == {200: 1, 412: PARALLEL - 1}
    winner = next(r for r in responses if isinstance(r, httpx.Response) and r.status_code == 200)
    with client(live, COORDINATOR) as http:
        final = http.get("/calls/c-etag")
    assert final.json()["title"] == winner.json()["title"]
    assert final.headers["ETag"] == winner.headers["ETag"] != etag


def test_if_match_guards_patch_and_delete(live: str) -> None:
    with client(live, COORDINATOR) as http:
        created = http.post("/calls", json={"id": "c-guard", "title": "Guard"})
        first = created.headers["ETag"]
        assert http.get("/calls/c-guard").headers["ETag"] == first
        changed = http.patch("/calls/c-guard", json={"title": "B"}, headers={"If-Match": first})
        assert changed.status_code == 200 and changed.headers["ETag"] != first
        stale = http.patch("/calls/c-guard", json={"title": "C"}, headers={"If-Match": first})
        assert stale.status_code == 412
        assert stale.json()["errors"][0]["field"] == "header.If-Match"
        assert http.delete("/calls/c-guard", headers={"If-Match": first}).status_code == 412
        assert http.get("/calls/c-guard").json()["title"] == "B"
        assert http.patch("/calls/c-guard", json={"title": "D"}).status_code == 200  # no If-Match
        assert (
            http.patch("/calls/c-guard", json={"title": "E"}, headers={"If-Match": "*"}).status_code
            == 200
        )
        current = http.get("/calls/c-guard").headers["ETag"]
        assert http.delete("/calls/c-guard", headers={"If-Match": current}).status_code == 204
        # Created again: a new version, so the old tags stay stale.
        again = http.post("/calls", json={"id": "c-guard", "title": "Again"})
        assert again.headers["ETag"] not in (first, current)

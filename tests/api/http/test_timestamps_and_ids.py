"""Every timestamp carries its time zone, and an id that can be created can be read."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, AppFactory, auth, load_small


@pytest.fixture
def store(database_url: str, make_client: AppFactory) -> TestClient:
    client = make_client(url=database_url)
    load_small(client)
    return client


def _aware(text: str) -> bool:
    return dt.datetime.fromisoformat(text).utcoffset() == dt.timedelta(0)


def test_every_timestamp_carries_its_time_zone(store: TestClient) -> None:
    headers = auth(ADMIN)
    profile = store.get("/profiles/s-ru-methane", headers=headers).json()
    listed = store.get("/calls", headers=headers).json()["items"][0]
    key = store.post("/keys", json={"role": "coordinator"}, headers=headers).json()
    keys = store.get("/keys", headers=headers).json()[0]
    audit = store.get("/audit", headers=headers).json()["items"][0]
    stamps = [
        profile["created_at"],
        profile["updated_at"],
        listed["updated_at"],
        key["created_at"],
        keys["created_at"],
        audit["at"],
    ]
    assert all(_aware(stamp) for stamp in stamps), stamps


UNREADABLE = ["a/b", "a?b", "a#b", " a", "a ", "a\tb", "a\x01b", "a\nb", ".", "..", "x" * 201]


@pytest.mark.parametrize("identifier", UNREADABLE)
def test_an_id_a_path_cannot_carry_is_refused_at_creation(
    make_client: AppFactory, identifier: str
) -> None:
    client = make_client()
    created = client.post("/calls", json={"id": identifier, "title": "T"}, headers=auth(ADMIN))
    assert created.status_code == 422, created.text
    assert created.json()["errors"][0]["field"] == "body.id"
    line = json.dumps({"id": identifier, "title": "T"}).encode() + b"\n"
    imported = client.post("/calls/import", content=line, headers=auth(ADMIN))
    assert imported.status_code == 422, imported.text
    problem = imported.json()["errors"][0]
    assert (problem["line"], problem["field"]) == (1, "id")
    assert client.get("/calls", headers=auth(ADMIN)).json()["total"] == 0


def test_ids_with_unusual_but_readable_characters_round_trip(make_client: AppFactory) -> None:
    client = make_client()
    for identifier in ("a b", "ü-1", "c.d", "a:b", "a%b", "x" * 200):
        created = client.post("/calls", json={"id": identifier, "title": "T"}, headers=auth(ADMIN))
        assert created.status_code == 201, (identifier, created.text)
        from urllib.parse import quote

        read = client.get(f"/calls/{quote(identifier, safe='')}", headers=auth(ADMIN))
        assert read.status_code == 200 and read.json()["id"] == identifier

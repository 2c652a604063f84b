"""The store on SQLite and on a real PostgreSQL: migrations keep data, records round-trip,
lists filter and page, imports are all-or-nothing with line-numbered errors."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from api.http.store.migrate import current_revision, head_revision, upgrade
from tests.api.http.conftest import ADMIN, SMALL, AppFactory, auth, load_small

PROFILE: dict[str, Any] = {
    "id": "p-new",
    "name": "Nina Novak",
    "country": "ru",
    "keywords": ["coal mine methane", "sensors"],
    "publications": [{"title": "Methane sensors underground", "year": 2021}],
    "contact": {"email": "nina@example.org"},
    "orcid": "0000-0001",
}


def test_migrations_build_the_schema_from_nothing(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision() == "0010"
    tables = set(inspect(engine).get_table_names())
    assert {"profiles", "calls", "jobs", "introductions", "audit", "api_keys"} <= tables
    engine.dispose()


def test_an_upgrade_keeps_the_data_already_stored(
    database_url: str, make_client: AppFactory
) -> None:
    # A database at the first revision, holding a profile and a call...
    engine = create_engine(database_url)
    upgrade(engine, "0001")
    call: dict[str, Any] = {
        "id": "c-old",
        "title": "Old call",
        "rules": {"required_countries": {"CN": 1}},
    }
    with engine.begin() as connection:
        rows: list[tuple[str, dict[str, Any], str]] = [
            ("profiles", PROFILE | {"country": "RU"}, PROFILE["name"]),
            ("calls", call, call["title"]),
        ]
        for table, record, name in rows:
            connection.execute(
                text(
                    f"INSERT INTO {table} (id, name, country, kind, search, data, created_at, "
                    "updated_at) VALUES (:id, :name, :country, :kind, :search, :data, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {
                    "id": record["id"],
                    "name": name,
                    "country": record.get("country"),
                    "kind": "researcher" if table == "profiles" else None,
                    "search": name.lower(),
                    "data": json.dumps(record),
                },
            )
    engine.dispose()
    # ... is upgraded by the service at start, and everything is still there.
    client = make_client(url=database_url)
    assert current_revision(client.app.state.service.database.engine) == head_revision()  # type: ignore[attr-defined]
    profile = client.get("/profiles/p-new", headers=auth(ADMIN)).json()
    assert profile["name"] == "Nina Novak" and profile["orcid"] == "0000-0001"
    # The migration filled the new column from the stored call: the filter finds it.
    found = client.get("/calls", params={"country": "CN"}, headers=auth(ADMIN)).json()
    assert [c["id"] for c in found["items"]] == ["c-old"]


def test_records_round_trip_with_extra_fields(database_url: str, make_client: AppFactory) -> None:
    client = make_client(url=database_url)
    created = client.post("/profiles", json=PROFILE, headers=auth(ADMIN))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["country"] == "RU" and body["orcid"] == "0000-0001"
    assert body["contact"]["email"] == "nina@example.org"
    again = client.post("/profiles", json=PROFILE, headers=auth(ADMIN))
    assert again.status_code == 409
    changed = client.patch(
        "/profiles/p-new", json={"summary": "Gas.", "orcid": None}, headers=auth(ADMIN)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["summary"] == "Gas." and "orcid" not in changed.json()
    assert client.delete("/profiles/p-new", headers=auth(ADMIN)).status_code == 204
    assert client.get("/profiles/p-new", headers=auth(ADMIN)).status_code == 404
    assert client.delete("/profiles/p-new", headers=auth(ADMIN)).status_code == 404


def test_lists_filter_and_page(database_url: str, make_client: AppFactory) -> None:
    client = make_client(url=database_url)
    load_small(client)
    everyone = client.get("/profiles", params={"limit": 500}, headers=auth(ADMIN)).json()
    assert everyone["total"] == 29
    ids = [p["id"] for p in everyone["items"]]
    assert ids == sorted(ids)
    page = client.get("/profiles", params={"offset": 5, "limit": 5}, headers=auth(ADMIN)).json()
    assert [p["id"] for p in page["items"]] == ids[5:10] and page["total"] == 29
    chinese = client.get("/profiles", params={"country": "cn"}, headers=auth(ADMIN)).json()
    assert chinese["total"] > 0 and all(p["country"] == "CN" for p in chinese["items"])
    orgs = client.get("/profiles", params={"kind": "organization"}, headers=auth(ADMIN)).json()
    assert orgs["total"] == 1
    methane = client.get("/profiles", params={"keyword": "METHANE"}, headers=auth(ADMIN)).json()
    assert "s-ru-methane" in [p["id"] for p in methane["items"]]
    # A keyword with LIKE wildcards matches them literally.
    assert (
        client.get("/profiles", params={"keyword": "%"}, headers=auth(ADMIN)).json()["total"] == 0
    )
    negotiating = client.get("/offices", params={"kind": "negotiating"}, headers=auth(ADMIN))
    assert [o["id"] for o in negotiating.json()["items"]] == ["off-kuzbass-by"]
    by_calls = client.get("/calls", params={"country": "BY"}, headers=auth(ADMIN)).json()
    assert [c["id"] for c in by_calls["items"]] == ["c-by-materials"]


def test_an_import_is_all_or_nothing_with_the_line_of_the_error(
    database_url: str, make_client: AppFactory
) -> None:
    client = make_client(url=database_url)
    lines = (SMALL / "institutions.jsonl").read_text().splitlines()
    broken = [*lines[:3], "", '{"id": "x-bad", "name": "Bad", "country": "Narnia"}', *lines[3:]]
    response = client.post(
        "/institutions/import", content="\n".join(broken).encode(), headers=auth(ADMIN)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["line"] == 5 and body["errors"][0]["field"] == "country"
    assert "line 5" in body["detail"]
    # Nothing of the valid lines was kept.
    assert client.get("/institutions", headers=auth(ADMIN)).json()["total"] == 0
    # A reference to a profile that exists nowhere: rejected with its line and field.
    load_small(client)
    dangling = json.dumps({"id": "p-x", "name": "X", "collaborators": ["nobody"]})
    response = client.post("/profiles/import", content=dangling.encode(), headers=auth(ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "collaborators.0"
    # Ids already stored: 409 in create mode, replaced in upsert mode.
    again = (SMALL / "calls.jsonl").read_bytes()
    assert client.post("/calls/import", content=again, headers=auth(ADMIN)).status_code == 409
    upsert = client.post(
        "/calls/import", params={"mode": "upsert"}, content=again, headers=auth(ADMIN)
    )
    assert upsert.status_code == 200 and upsert.json()["updated"] == 3


def test_text_with_nul_characters_is_refused_not_a_500(
    database_url: str, make_client: AppFactory
) -> None:
    client = make_client(url=database_url)
    response = client.post(
        "/institutions", json={"id": "a\u0000b", "name": "X", "country": "RU"}, headers=auth(ADMIN)
    )
    assert response.status_code == 422 and "NUL" in response.text
    assert client.get("/profiles/a%00b", headers=auth(ADMIN)).status_code == 400
    assert client.get("/profiles?keyword=%00", headers=auth(ADMIN)).status_code == 400
    client_ok: TestClient = client
    assert client_ok.get("/health").json()["status"] == "ok"


def test_revision_0003_versions_records_and_keeps_one_pending_request(
    database_url: str, make_client: AppFactory
) -> None:
    # A database at 0002 holding a record and two identical pending requests (the race
    # before 0003 could store them).
    engine = create_engine(database_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO calls (id, name, search, data, created_at, updated_at, countries) "
                "VALUES ('c-old', 'Old', 'old', :data, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '')"
            ),
            {"data": json.dumps({"id": "c-old", "title": "Old"})},
        )
        for _ in range(2):
            connection.execute(
                text(
                    "INSERT INTO introductions (requester_id, partner_id, office_id, message, "
                    "route, status, created_at, note) VALUES ('a', 'b', 'o', '', '{}', "
                    "'pending', CURRENT_TIMESTAMP, '')"
                )
            )
    engine.dispose()
    client = make_client(url=database_url)
    read = client.get("/calls/c-old", headers=auth(ADMIN))
    assert read.status_code == 200 and read.headers["ETag"] == f'"{read.json()["version"]}"'
    statuses = [i["status"] for i in client.get("/introductions", headers=auth(ADMIN)).json()]
    assert statuses == ["pending", "declined"]

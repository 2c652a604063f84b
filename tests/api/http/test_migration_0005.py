"""Migration 0005 (the introduction flow) keeps the rows made before it readable: an
accepted request stays accepted, with its contacts shown; a pending one can be forwarded;
the one-open-request rule now covers forwarded requests; and it downgrades cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from api.http.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.api.http.conftest import AppFactory, auth, load_small
from tests.api.http.test_roles import new_key


def test_rows_from_before_0005_stay_readable_and_usable(
    database_url: str, make_client: AppFactory
) -> None:
    engine = create_engine(database_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        for partner, status in (("s-cn-partner", "accepted"), ("s-cn-metal", "pending")):
            connection.execute(
                text(
                    "INSERT INTO introductions (requester_id, partner_id, office_id, message, "
                    "route, status, created_at, note) VALUES ('s-ru-methane', :partner, "
                    "'off-kuzbass-cn', '', '{}', :status, CURRENT_TIMESTAMP, '')"
                ),
                {"partner": partner, "status": status},
            )
    engine.dispose()
    client = make_client(url=database_url)
    load_small(client)
    researcher = new_key(client, "researcher", "s-ru-methane")
    staff = new_key(client, "office_staff", "off-kuzbass-cn")
    mine = client.get("/introductions", headers=auth(researcher)).json()
    assert [(i["partner_id"], i["status"]) for i in mine] == [
        ("s-cn-partner", "accepted"),
        ("s-cn-metal", "pending"),
    ]
    assert mine[0]["partner_contact"]["email"] and mine[0]["answered_at"] is None
    assert mine[1]["requested_by"] == "" and mine[1]["team_ref"] is None
    forwarded = client.post(
        f"/introductions/{mine[1]['id']}/decision",
        json={"decision": "forward"},
        headers=auth(staff),
    )
    assert forwarded.status_code == 200, forwarded.text
    # A forwarded request is open: a second one to the same partner is refused.
    again = client.post(
        "/introductions", json={"partner_id": "s-cn-metal"}, headers=auth(researcher)
    )
    assert again.status_code == 409


def test_0005_downgrades_to_0004(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    upgrade(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
    assert current_revision(engine) == "0004"
    columns = {c["name"] for c in inspect(engine).get_columns("introductions")}
    assert (
        "consent_hash" not in columns and "office_requests" not in inspect(engine).get_table_names()
    )
    upgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()

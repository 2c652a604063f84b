"""The introduction flow's periodic pass (:mod:`api.http.reminders`) against the real SMTP
test server of ``test_notifications``: reminders go to whoever must answer, once per
period; overdue requests expire and their requester is told; the service's thread runs
the pass by itself."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select

from api.http.notifications import configure
from api.http.reminders import sweep
from api.http.service import Service
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.migrate import alembic_config, current_revision, head_revision, upgrade
from api.http.store.tables import AuditRow, IntroductionRow, OutboxRow
from tests.api.http.conftest import auth, new_key
from tests.api.http.test_notifications import (
    OFFICE,
    PARTNER,
    RESEARCHER,
    SmtpServer,
    _free_port,
    add_user,
    request_introduction,
    settings_for,
    start,
    subject,
)

STAFF = "staff@example.org"
REQUESTER = "requester@example.org"
PARTNER_USER = "partner@example.org"
REMINDER = "Reminder: an introduction waits for your answer"


# The fixtures of test_notifications (the real SMTP server, the started clients).
@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(_free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def started() -> Iterator[list[TestClient]]:
    clients: list[TestClient] = []
    yield clients
    for client in clients:
        client.__exit__(None, None, None)
    configure(Settings())


def with_people(started: list[TestClient], url: str, port: int, **extra: Any) -> Any:
    """A started service with an office's staff, the requester and the partner."""
    client, service = start(started, settings_for(url, port, **extra))
    add_user(service, STAFF, "office_staff", OFFICE)
    add_user(service, REQUESTER, "researcher", RESEARCHER)
    add_user(service, PARTNER_USER, "researcher", PARTNER)
    return client, service


def age(service: Service, introduction_id: int, days: float) -> None:
    """Move a request's past ``days`` back in time (as if that much time had passed)."""
    shift = dt.timedelta(days=days)
    with service.database.session() as session:
        row = session.get(IntroductionRow, introduction_id)
        assert row is not None
        row.created_at -= shift
        if row.forwarded_at is not None:
            row.forwarded_at -= shift
        if row.reminded_at is not None:
            row.reminded_at -= shift


def reminders_to(smtp: SmtpServer, address: str) -> int:
    return sum(subject(m) == REMINDER for m in smtp.inbox.to(address))


def pass_and_send(service: Service) -> None:
    """One periodic pass, then the sender's round."""
    sweep(service.database, service.settings)
    service.sender.send_due()


def test_a_waiting_request_reminds_the_office_then_the_partner_once_per_period(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = with_people(started, sqlite_url, smtp.port)
    intro = request_introduction(client, new_key(client, "researcher", RESEARCHER))
    service.sender.send_due()  # the request's own message to the staff
    pass_and_send(service)
    assert reminders_to(smtp, STAFF) == 0  # not waiting long enough yet

    age(service, intro["id"], 8)
    pass_and_send(service)
    assert reminders_to(smtp, STAFF) == 1
    (reminder,) = [m for m in smtp.inbox.to(STAFF) if subject(m) == REMINDER]
    assert "/app/office" in str(reminder.get_payload(decode=True))
    pass_and_send(service)  # the same period: no second reminder
    age(service, intro["id"], 3)
    pass_and_send(service)
    assert reminders_to(smtp, STAFF) == 1

    # The office forwards: now the partner must answer, and is reminded a period later.
    forwarded = client.post(
        f"/introductions/{intro['id']}/decision",
        json={"decision": "forward"},
        headers=auth(new_key(client, "office_staff", OFFICE)),
    )
    assert forwarded.status_code == 200, forwarded.text
    pass_and_send(service)
    assert reminders_to(smtp, PARTNER_USER) == 0
    age(service, intro["id"], 8)
    pass_and_send(service)
    assert reminders_to(smtp, PARTNER_USER) == 1
    assert reminders_to(smtp, STAFF) == 1
    assert reminders_to(smtp, REQUESTER) == 0
    pass_and_send(service)
    assert reminders_to(smtp, PARTNER_USER) == 1
    # Another period: another reminder.
    age(service, intro["id"], 8)
    pass_and_send(service)
    assert reminders_to(smtp, PARTNER_USER) == 2
    with service.database.session() as session:
        actions = session.scalars(
            select(AuditRow.action).where(AuditRow.target == f"introduction:{intro['id']}")
        ).all()
    assert actions.count("introduction.remind") == 3


def test_a_decided_request_is_not_reminded(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = with_people(started, sqlite_url, smtp.port)
    intro = request_introduction(client, new_key(client, "researcher", RESEARCHER))
    declined = client.post(
        f"/introductions/{intro['id']}/decision",
        json={"decision": "decline", "note": "Not now."},
        headers=auth(new_key(client, "office_staff", OFFICE)),
    )
    assert declined.status_code == 200, declined.text
    age(service, intro["id"], 8)
    result = sweep(service.database, service.settings)
    assert result.reminded == [] and result.expired == []
    service.sender.send_due()
    for address in (STAFF, REQUESTER, PARTNER_USER):
        assert reminders_to(smtp, address) == 0


def test_an_overdue_request_expires_in_the_background_and_the_requester_is_told(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = with_people(started, sqlite_url, smtp.port)
    intro = request_introduction(client, new_key(client, "researcher", RESEARCHER))
    age(service, intro["id"], 31)
    result = sweep(service.database, service.settings)
    assert result.expired == [intro["id"]]
    assert result.reminded == []  # expired first: nobody is reminded of it
    service.sender.send_due()
    with service.database.session() as session:
        row = session.get(IntroductionRow, intro["id"])
        assert row is not None and row.status == "expired"
    told = smtp.inbox.to(REQUESTER)
    assert [subject(m) for m in told] == ["Your request to meet Li Jing expired"]
    assert reminders_to(smtp, STAFF) == 0
    # A second pass finds nothing more to do.
    assert sweep(service.database, service.settings).expired == []


def test_two_services_sweeping_at_once_remind_once(
    smtp: SmtpServer, database_url: str, started: list[TestClient]
) -> None:
    client, service = with_people(started, database_url, smtp.port)
    intro = request_introduction(client, new_key(client, "researcher", RESEARCHER))
    age(service, intro["id"], 8)
    first, second = Database(database_url), Database(database_url)
    try:
        barrier = threading.Barrier(2)
        reminded: list[list[int]] = []

        def run(database: Database) -> None:
            barrier.wait()
            reminded.append(sweep(database, service.settings).reminded)

        threads = [threading.Thread(target=run, args=(db,)) for db in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        first.dispose()
        second.dispose()
    assert sorted(len(ids) for ids in reminded) == [0, 1]
    with service.database.session() as session:
        queued = session.scalars(
            select(OutboxRow.recipient).where(OutboxRow.event == "introduction.reminder")
        ).all()
    assert queued == [STAFF]


def test_the_service_thread_sends_reminders_without_being_asked(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = with_people(
        started,
        sqlite_url,
        smtp.port,
        run_jobs=True,
        notify_poll_seconds=0.05,
        introduction_sweep_seconds=0.05,
    )
    intro = request_introduction(client, new_key(client, "researcher", RESEARCHER))
    age(service, intro["id"], 8)
    # The thread sweeps and sends in the background; wait (generously) for the mail.
    deadline = time.monotonic() + 60
    while not reminders_to(smtp, STAFF) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reminders_to(smtp, STAFF) == 1


def test_0008_adds_reminded_at_and_downgrades_to_0007(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine)
    assert "reminded_at" in {c["name"] for c in inspect(engine).get_columns("introductions")}
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0007")
    assert current_revision(engine) == "0007"
    assert "reminded_at" not in {c["name"] for c in inspect(engine).get_columns("introductions")}
    upgrade(engine)
    assert current_revision(engine) == head_revision() == "0010"
    engine.dispose()

"""E-mail notifications: the outbox written with the change, messages per event in the
recipient's language, and the sender against a real SMTP server (aiosmtpd) started here:
delivery, retries while the server is down, opt-out, rollback, two senders."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
import threading
import time
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.http import notifications
from api.http.app import create_app
from api.http.notifications import (
    MESSAGES,
    Sender,
    configure,
    notify_introduction_decided,
    notify_introduction_expired,
    notify_introduction_forwarded,
    notify_introduction_reminder,
    notify_introduction_requested,
    notify_introduction_withdrawn,
    notify_partner_accepted,
    notify_partner_declined,
)
from api.http.service import Service
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.tables import IntroductionRow, OutboxRow, UserRow, utcnow
from api.web import accounts
from api.web.i18n import translations
from tests.api.http.conftest import ADMIN, COORDINATOR, KEYS, auth, load_small, new_key

RESEARCHER = "s-ru-methane"
PARTNER = "s-cn-partner"
OFFICE = "off-kuzbass-cn"
PARTNER_EMAIL = "s-cn-partner@example.org"  # the partner's private contact e-mail
FIELD = re.compile(r"%\((\w+)\)s")


# ----------------------------------------------------------------- the SMTP test server


class Inbox:
    """What an aiosmtpd server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SmtpServer:
    """A real SMTP server on loopback, started and stopped by a test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(_free_port()).start()
    yield server
    server.stop()


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def subject(message: Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


# ----------------------------------------------------------------------- the service


def settings_for(url: str, port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "api_keys": KEYS,
        "backend": "tfidf",
        "run_jobs": False,
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": "grantmatch <noreply@example.org>",
        "public_url": "https://grantmatch.example.org",
        "notify_retry_seconds": 60.0,
        "notify_max_attempts": 3,
    }
    return Settings(**(values | extra))


@pytest.fixture
def started() -> Iterator[list[TestClient]]:
    clients: list[TestClient] = []
    yield clients
    for client in clients:
        client.__exit__(None, None, None)
    configure(Settings())


def start(clients: list[TestClient], settings: Settings) -> tuple[TestClient, Service]:
    """A started client on ``settings`` holding the small fixture."""
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.__enter__()
    clients.append(client)
    load_small(client)
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return client, service


def add_user(
    service: Service,
    email_address: str,
    role: str,
    binding: str | None,
    *,
    locale: str | None = None,
    notify: bool = True,
) -> int:
    with service.database.session() as session:
        row, _token = accounts.invite(session, email_address, email_address, role, binding)
        row.locale = locale
        row.notify_email = notify
        session.flush()
        return row.id


def outbox(service: Service) -> list[OutboxRow]:
    with service.database.session() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def request_introduction(client: TestClient, key: str) -> dict[str, Any]:
    response = client.post(
        "/introductions",
        json={"partner_id": PARTNER, "call_id": "c-methane", "message": "Joint proposal?"},
        headers=auth(key),
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# ------------------------------------------------------------------------- the tests


def test_a_request_mails_the_office_staff_in_their_language(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = start(started, settings_for(sqlite_url, smtp.port))
    add_user(service, "ru-staff@example.org", "office_staff", OFFICE, locale="ru")
    add_user(service, "en-staff@example.org", "office_staff", OFFICE)
    add_user(service, "quiet-staff@example.org", "office_staff", OFFICE, notify=False)
    add_user(service, "other-staff@example.org", "office_staff", "off-rs-kz")
    add_user(service, "gazov@example.org", "researcher", RESEARCHER, locale="ru")
    researcher_key = new_key(client, "researcher", RESEARCHER)

    intro = request_introduction(client, researcher_key)
    assert service.sender.send_due() == 2

    russian = smtp.inbox.to("ru-staff@example.org")
    english = smtp.inbox.to("en-staff@example.org")
    assert len(russian) == 1 and len(english) == 1
    assert subject(russian[0]) == "Запрос на знакомство: Ivan Gazov просит познакомить с Li Jing"
    assert russian[0]["Content-Language"] == "ru"
    assert "Здравствуйте" in body(russian[0])
    assert "https://grantmatch.example.org/app/office" in body(russian[0])
    assert subject(english[0]) == "Introduction request: Ivan Gazov asks to meet Li Jing"
    assert "Ivan Gazov asks your office" in body(english[0])
    # Opted out, another office's staff: nothing.
    assert smtp.inbox.to("quiet-staff@example.org") == []
    assert smtp.inbox.to("other-staff@example.org") == []
    assert {row.recipient for row in outbox(service)} == {
        "ru-staff@example.org",
        "en-staff@example.org",
    }
    assert all(row.status == "sent" and row.sent_at for row in outbox(service))
    assert all(row.object == f"introduction:{intro['id']}" for row in outbox(service))

    # The office forwards: the requester is told (in Russian), the partner is asked.
    add_user(service, "li.jing@example.org", "researcher", PARTNER)
    staff_key = new_key(client, "office_staff", OFFICE)
    forwarded = client.post(
        f"/introductions/{intro['id']}/decision",
        json={"decision": "forward", "note": "Prof. Li works on methane drainage."},
        headers=auth(staff_key),
    )
    assert forwarded.status_code == 200, forwarded.text
    assert service.sender.send_due() == 2
    (told,) = smtp.inbox.to("gazov@example.org")
    assert subject(told) == russian_subject("Your request to meet %(partner)s is forwarded")
    assert "/app/me/introductions" in body(told)
    (asked,) = smtp.inbox.to("li.jing@example.org")
    assert subject(asked) == "Ivan Gazov would like to meet you"
    assert "/app/me/requests" in body(asked)

    # The partner accepts: both sides are told, and neither message carries a contact
    # (each sees the other's on the page, where the visibility rules apply).
    answered = client.post(
        f"/introductions/{intro['id']}/answer",
        json={"answer": "accept"},
        headers=auth(new_key(client, "researcher", PARTNER)),
    )
    assert answered.status_code == 200, answered.text
    assert service.sender.send_due() == 2
    assert len(smtp.inbox.to("gazov@example.org")) == 2
    assert len(smtp.inbox.to("li.jing@example.org")) == 2
    for _rcpt, message in smtp.inbox.messages:
        assert PARTNER_EMAIL not in body(message)
        assert "+86" not in body(message)


def russian_subject(english: str) -> str:
    """A subject in Russian, from the catalogue (with the test's partner)."""
    from api.web.i18n import translations

    return str(translations("ru").gettext(english) % {"partner": "Li Jing"})


def test_the_service_thread_sends_without_being_asked(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    settings = settings_for(sqlite_url, smtp.port, run_jobs=True, notify_poll_seconds=0.05)
    client, service = start(started, settings)
    add_user(service, "staff@example.org", "office_staff", OFFICE)
    request_introduction(client, new_key(client, "researcher", RESEARCHER))
    # The sender polls in the background; wait (generously) for the mail to arrive.
    deadline = time.monotonic() + 60
    while not smtp.inbox.to("staff@example.org") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(smtp.inbox.to("staff@example.org")) == 1


def test_a_server_that_is_down_keeps_the_message_queued_until_it_is_up(
    sqlite_url: str, started: list[TestClient]
) -> None:
    port = _free_port()  # nothing listens there yet
    client, service = start(started, settings_for(sqlite_url, port))
    add_user(service, "staff@example.org", "office_staff", OFFICE, locale="ru")
    request_introduction(client, new_key(client, "researcher", RESEARCHER))

    now = utcnow()
    assert service.sender.send_due(now=now) == 0
    (row,) = outbox(service)
    assert row.status == "queued" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at == now + dt.timedelta(seconds=60)
    # Not due again before its wait is over.
    assert service.sender.send_due(now=now + dt.timedelta(seconds=30)) == 0
    assert outbox(service)[0].attempts == 1

    server = SmtpServer(port).start()
    try:
        assert service.sender.send_due(now=now + dt.timedelta(seconds=61)) == 1
        (sent,) = server.inbox.to("staff@example.org")
        assert subject(sent).startswith("Запрос на знакомство")
    finally:
        server.stop()
    (row,) = outbox(service)
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None


def test_after_the_last_attempt_a_message_is_failed_shown_and_retried_by_the_admin(
    sqlite_url: str, started: list[TestClient]
) -> None:
    port = _free_port()
    client, service = start(started, settings_for(sqlite_url, port, notify_max_attempts=2))
    add_user(service, "staff@example.org", "office_staff", OFFICE)
    request_introduction(client, new_key(client, "researcher", RESEARCHER))
    now = utcnow()
    service.sender.send_due(now=now)
    service.sender.send_due(now=now + dt.timedelta(seconds=61))  # waits 60 s, then 120 s
    (row,) = outbox(service)
    assert row.status == "failed" and row.attempts == 2 and "Error" in (row.last_error or "")
    # Never lost: the admin sees it...
    failed = client.get("/notifications?status=failed", headers=auth(ADMIN))
    assert failed.status_code == 200
    assert [n["id"] for n in failed.json()] == [row.id]
    assert failed.json()[0]["last_error"]
    assert client.get("/notifications", headers=auth(COORDINATOR)).status_code == 403
    # ...and may queue it again; it is then sent once the server is up.
    assert client.post(f"/notifications/{row.id}/retry", headers=auth(ADMIN)).status_code == 200
    assert client.post(f"/notifications/{row.id}/retry", headers=auth(ADMIN)).status_code == 409
    server = SmtpServer(port).start()
    try:
        assert service.sender.send_due() == 1
        assert len(server.inbox.to("staff@example.org")) == 1
    finally:
        server.stop()


def test_without_an_smtp_host_messages_stay_queued_for_the_admin_to_see(
    sqlite_url: str, started: list[TestClient]
) -> None:
    settings = settings_for(sqlite_url, 25, smtp_host=None)
    client, service = start(started, settings)
    add_user(service, "staff@example.org", "office_staff", OFFICE)
    request_introduction(client, new_key(client, "researcher", RESEARCHER))
    assert service.sender.send_due() == 0
    listed = client.get("/notifications", headers=auth(ADMIN)).json()
    assert [(n["recipient"], n["status"], n["attempts"]) for n in listed] == [
        ("staff@example.org", "queued", 0)
    ]
    assert listed[0]["event"] == "introduction.requested"


def test_an_opted_out_person_gets_nothing(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = start(started, settings_for(sqlite_url, smtp.port))
    add_user(service, "quiet@example.org", "office_staff", OFFICE, notify=False)
    request_introduction(client, new_key(client, "researcher", RESEARCHER))
    assert outbox(service) == []  # not even queued
    assert service.sender.send_due() == 0
    assert smtp.inbox.messages == []


def test_a_rolled_back_change_queues_nothing(
    smtp: SmtpServer, sqlite_url: str, started: list[TestClient]
) -> None:
    client, service = start(started, settings_for(sqlite_url, smtp.port))
    add_user(service, "staff@example.org", "office_staff", OFFICE)
    with pytest.raises(RuntimeError), service.database.session() as session:
        row = new_introduction(session, "pending")
        assert len(notify_introduction_requested(session, row)) == 1
        raise RuntimeError("the change fails after the message was queued")
    assert outbox(service) == []
    # Through the API: a refused duplicate request (409) queues nothing either.
    key = new_key(client, "researcher", RESEARCHER)
    request_introduction(client, key)
    again = client.post("/introductions", json={"partner_id": PARTNER}, headers=auth(key))
    assert again.status_code == 409
    assert len(outbox(service)) == 1
    assert service.sender.send_due() == 1
    assert len(smtp.inbox.messages) == 1


def test_two_senders_send_each_message_once(smtp: SmtpServer, database_url: str) -> None:
    settings = settings_for(database_url, smtp.port)
    first, second = Database(database_url), Database(database_url)
    try:
        with first.session() as session:
            for number in range(30):
                notifications.enqueue(
                    session,
                    event="test",
                    about=f"test:{number}",
                    recipient=f"person{number}@example.org",
                    language="en",
                    subject=f"message {number}",
                    body="hello",
                )
        barrier = threading.Barrier(2)
        counts: list[int] = []

        def run(database: Database) -> None:
            barrier.wait()
            counts.append(Sender(database, settings).send_due())

        threads = [threading.Thread(target=run, args=(db,)) for db in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        subjects = sorted(subject(m) for _rcpt, m in smtp.inbox.messages)
        assert subjects == sorted(f"message {n}" for n in range(30))
        assert sum(counts) == 30
        with first.session() as session:
            statuses = set(session.scalars(select(OutboxRow.status)))
        assert statuses == {"sent"}
    finally:
        first.dispose()
        second.dispose()


# ------------------------------------------------- each event: recipients and language


@pytest.fixture
def store(sqlite_url: str, started: list[TestClient]) -> Service:
    settings = settings_for(sqlite_url, 25, smtp_host=None)
    _client, service = start(started, settings)
    add_user(service, "staff@example.org", "office_staff", OFFICE, locale="ru")
    add_user(service, "requester@example.org", "researcher", RESEARCHER, locale="ru")
    add_user(service, "partner@example.org", "researcher", PARTNER)
    return service


def new_introduction(session: Any, status: str) -> IntroductionRow:
    row = IntroductionRow(
        requester_id=RESEARCHER,
        partner_id=PARTNER,
        office_id=OFFICE,
        call_id=None,
        message="",
        route={},
        status=status,
        created_at=utcnow(),
        note="",
    )
    session.add(row)
    session.flush()
    return row


def sent_by(store: Service, status: str, notify: Any, **options: Any) -> list[tuple[str, str]]:
    """(recipient, subject) of what ``notify`` queues for an introduction in ``status``."""
    with store.database.session() as session:
        row = new_introduction(session, status)
        try:
            queued = notify(session, row, **options)
        finally:
            session.delete(row)  # one pending request per pair may exist
        return [(q.recipient, q.subject) for q in queued]


def test_each_event_goes_to_its_recipients_in_their_language(store: Service) -> None:
    assert sent_by(store, "forwarded", notify_introduction_forwarded) == [
        ("requester@example.org", "Ваш запрос на знакомство с Li Jing передан"),
        ("partner@example.org", "Ivan Gazov would like to meet you"),
    ]
    assert sent_by(store, "forwarded", notify_introduction_decided) == sent_by(
        store, "forwarded", notify_introduction_forwarded
    )
    assert sent_by(store, "declined", notify_introduction_decided) == [
        ("requester@example.org", "Ваш запрос на знакомство с Li Jing отклонён")
    ]
    assert sent_by(store, "accepted", notify_partner_accepted) == [
        ("requester@example.org", "Знакомство состоялось: Li Jing"),
        ("partner@example.org", "Introduction agreed: Ivan Gazov"),
    ]
    assert sent_by(store, "declined", notify_partner_declined) == [
        ("requester@example.org", "Li Jing отказался(-ась) от знакомства")
    ]
    assert sent_by(store, "withdrawn", notify_introduction_withdrawn) == [
        ("staff@example.org", "Запрос на знакомство отозван: Ivan Gazov и Li Jing")
    ]
    withdrawn = sent_by(store, "withdrawn", notify_introduction_withdrawn, partner_was_asked=True)
    assert [recipient for recipient, _ in withdrawn] == [
        "staff@example.org",
        "partner@example.org",
    ]
    assert sent_by(store, "expired", notify_introduction_expired) == [
        ("requester@example.org", "Срок вашего запроса на знакомство с Li Jing истёк")
    ]
    assert sent_by(store, "pending", notify_introduction_reminder) == [
        ("staff@example.org", "Напоминание: запрос на знакомство ждёт вашего ответа")
    ]
    assert sent_by(store, "forwarded", notify_introduction_reminder) == [
        ("partner@example.org", "Reminder: an introduction waits for your answer")
    ]
    assert sent_by(store, "accepted", notify_introduction_reminder) == []
    with pytest.raises(ValueError, match="not decided"):
        sent_by(store, "pending", notify_introduction_decided)


def test_no_message_carries_contact_data(store: Service) -> None:
    with store.database.session() as session:
        row = new_introduction(session, "accepted")
        queued = notify_partner_accepted(session, row) + notify_introduction_decided(session, row)
        assert queued
        for message in queued:
            assert PARTNER_EMAIL not in message.body
            assert f"{RESEARCHER}@example.org" not in message.body
            assert "/app/me/introductions" in message.body


def test_a_profile_without_an_account_is_mailed_only_when_allowed(store: Service) -> None:
    with store.database.session() as session:
        session.query(UserRow).filter(UserRow.binding == PARTNER).delete()
    assert sent_by(store, "forwarded", notify_introduction_forwarded)[1:] == []
    configure(store.settings.model_copy(update={"notify_profile_contacts": True}))
    # Its contact e-mail, in English (the profile speaks zh and en; zh has no catalogue).
    assert sent_by(store, "forwarded", notify_introduction_forwarded)[1:] == [
        (PARTNER_EMAIL, "Ivan Gazov would like to meet you")
    ]


def test_an_opted_out_or_disabled_account_does_not_fall_back_to_the_profile(
    store: Service,
) -> None:
    configure(store.settings.model_copy(update={"notify_profile_contacts": True}))
    with store.database.session() as session:
        for row in session.scalars(select(UserRow).where(UserRow.binding == PARTNER)):
            row.notify_email = False
    assert sent_by(store, "forwarded", notify_introduction_forwarded)[1:] == []


def test_every_message_has_a_russian_translation_with_the_same_fields() -> None:
    russian = translations("ru")
    for message in MESSAGES:
        translated = russian.gettext(message)
        assert translated != message, message
        assert set(FIELD.findall(translated)) == set(FIELD.findall(message)), message

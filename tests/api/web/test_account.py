"""The account settings page in a real browser: office staff turn e-mail off (then nothing
is queued for them when a request comes) and on again; a researcher, in Russian, changes
the language of the pages and e-mails; a signed-out visitor is sent to sign in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from api.http.notifications import notify_introduction_requested
from api.http.store.db import Database
from api.http.store.tables import IntroductionRow, UserRow, utcnow
from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

OFFICE = "off-kuzbass-cn"


class Rollback(Exception):
    """Ends a probe's transaction without keeping anything."""


@pytest.fixture
def store(live_server: LiveServer) -> Iterator[Database]:
    """The live server's store, opened beside it."""
    database = Database(f"sqlite:///{live_server.home / 'web.sqlite'}", migrate=False)
    yield database
    database.dispose()


def staff_mailed_for_a_request(database: Database, staff_email: str) -> bool:
    """Whether a new request through the office would queue a mail to ``staff_email``
    (probed in a transaction that is rolled back: the shared store is left as it was)."""
    mailed: list[str] = []
    try:
        with database.session() as session:
            row = IntroductionRow(
                requester_id="r-0033",
                partner_id="probe-partner-account-test",
                office_id=OFFICE,
                call_id=None,
                message="",
                route={},
                status="pending",
                created_at=utcnow(),
                note="",
            )
            session.add(row)
            session.flush()
            mailed = [q.recipient for q in notify_introduction_requested(session, row)]
            raise Rollback
    except Rollback:
        pass
    return staff_email in mailed


def save(page: Page) -> None:
    page.click("#account-form button[type=submit]")
    page.wait_for_load_state()


def test_office_staff_turn_email_off_and_on(
    sign_in: SignIn, live_server: LiveServer, store: Database
) -> None:
    staff = live_server.account("office_staff")
    page = sign_in("office_staff")
    page.click("a.who")  # the name in the header opens the settings
    page.wait_for_load_state()
    assert page.url.endswith("/app/account")
    expect(page.locator("h1")).to_have_text("Account settings")
    box = page.locator("#notify-email")
    expect(box).to_be_checked()
    assert staff_mailed_for_a_request(store, staff.email)
    try:
        box.uncheck()
        save(page)
        expect(page.locator(".flash")).to_have_text("Your settings are saved.")
        expect(page.locator("#notify-email")).not_to_be_checked()
        with store.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == staff.email))
            assert row is not None and row.notify_email is False
        assert not staff_mailed_for_a_request(store, staff.email)
        screenshot(page, "account-email-off")
    finally:
        page.goto(f"{live_server.url}/app/account")
        page.locator("#notify-email").check()
        save(page)
    expect(page.locator("#notify-email")).to_be_checked()
    assert staff_mailed_for_a_request(store, staff.email)


def test_a_researcher_chooses_the_language_in_russian(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("researcher", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/account")
    expect(page.locator("h1")).to_have_text("Настройки учётной записи")
    expect(page.locator("label[for=notify-email]")).to_have_text(
        "Присылать мне письма о знакомствах"
    )
    screenshot(page, "account-ru-375")
    before = page.locator("#account-locale").input_value()
    try:
        page.select_option("#account-locale", "en")
        save(page)
        expect(page.locator("h1")).to_have_text("Account settings")
        expect(page.locator(".flash")).to_have_text("Your settings are saved.")
        expect(page.locator("#account-locale")).to_have_value("en")
    finally:
        page.select_option("#account-locale", before)
        save(page)
    expect(page.locator("h1")).to_have_text("Настройки учётной записи")


def test_every_role_has_the_page_and_a_visitor_is_sent_to_sign_in(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    for role in ("admin", "coordinator"):
        page = sign_in(role)
        page.goto(f"{live_server.url}/app/account")
        expect(page.locator("#notify-email")).to_be_visible()
    visitor = sign_in(None)
    visitor.goto(f"{live_server.url}/app/account")
    assert "/login" in visitor.url


def test_a_form_without_its_token_is_refused(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    response = page.request.post(
        f"{live_server.url}/app/account", form={"notify_email": "", "locale": ""}
    )
    assert response.status == 403

"""The office staff's inbox in a real browser, with the researcher's side of each
introduction: a request arrives without contact data, is accepted (or declined) with a
note, and the partner's contact appears for the requester only; the load meter; the page
refused to the other roles; the journey in Russian.

The demo office is the one in China (off-kuzbass-cn); the demo researcher (r-0033) asks
for introductions to Chinese partners at its partner institutions. The server is shared
by every web test, so each test uses its own partner.
"""

from __future__ import annotations

import re
import secrets
import uuid

import pytest
from playwright.sync_api import Page, expect

from api.http.store.db import Database
from api.web import accounts
from matcher.datasets import load_demo
from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

REQUESTER = "r-0033"


def contact_of(profile_id: str) -> tuple[str, str]:
    """A demo profile's e-mail and phone (to check where they are, and are not, shown)."""
    contact = load_demo().profile(profile_id).contact
    assert contact is not None and contact.email and contact.phone
    return contact.email, contact.phone


def ask_for_introduction(
    page: Page, live_server: LiveServer, partner_id: str, message: str, call_id: str = ""
) -> None:
    """The researcher asks, from the partners page filtered to China."""
    page.goto(f"{live_server.url}/app/me/partners?country=CN")
    card = page.locator(f"article[data-partner={partner_id}]")
    card.locator("summary").click()
    card.locator("textarea[name=message]").fill(message)
    if call_id:
        card.locator("select[name=call_id]").select_option(call_id)
    card.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/app/me/introductions")


def load_now(page: Page) -> int:
    return int(page.locator("[role=meter]").get_attribute("aria-valuenow") or "-1")


def another_researcher(live_server: LiveServer, profile_id: str) -> tuple[str, str]:
    """A second researcher account (bound to ``profile_id``), made in the store directly."""
    email = f"other-{uuid.uuid4().hex[:8]}@example.org"
    password = secrets.token_urlsafe(12)
    database = Database(f"sqlite:///{live_server.home / 'web.sqlite'}")
    try:
        with database.session() as session:
            row, _token = accounts.invite(
                session, email, "Other researcher", "researcher", profile_id
            )
            session.flush()
            accounts.set_password(session, row.id, password)
    finally:
        database.dispose()
    return email, password


def sign_in_as(sign_in: SignIn, email: str, password: str) -> Page:
    page = sign_in(None)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    return page


def test_an_accepted_introduction_shows_the_contact_to_the_requester_only(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    partner = "r-0209"  # Liang Yuhan, Liaoning Technical University (office partner)
    partner_email, partner_phone = contact_of(partner)
    requester_email, _ = contact_of(REQUESTER)
    staff = sign_in("office_staff")
    load_before = load_now(staff)

    researcher = sign_in("researcher")
    ask_for_introduction(
        researcher, live_server, partner, "Joint methane drainage proposal", "c-rsf-nsfc-methane"
    )
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "pending")
    expect(mine).to_contain_text("Shown once the office accepts.")
    assert partner_email not in researcher.content()

    # The office sees the request, with names, the call and the message, and no contact.
    staff.reload()
    card = staff.locator(f"#pending-heading ~ .cards article[data-partner={partner}]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Alexandra Gerasimova")
    expect(card).to_contain_text("Liang Yuhan")
    expect(card).to_contain_text("Liaoning Technical University")
    expect(card).to_contain_text("coal mine methane drainage")
    expect(card).to_contain_text("Joint methane drainage proposal")
    html = staff.content()
    assert partner_email not in html and partner_phone not in html
    assert requester_email not in html
    assert load_now(staff) == load_before + 1
    screenshot(staff, "office-inbox-en")

    card.get_by_label("Note to the researcher (optional)").fill("Prof. Liang expects your e-mail.")
    card.get_by_role("button", name="Accept").click()
    staff.wait_for_load_state()
    expect(staff.locator(".flash")).to_contain_text("accepted")
    decided = staff.locator(f"#decided-heading ~ .cards article[data-partner={partner}]")
    expect(decided).to_have_attribute("data-status", "accepted")
    # After acceptance the office sees both sides' contacts.
    expect(decided).to_contain_text(partner_email)
    expect(decided).to_contain_text(requester_email)
    assert load_now(staff) == load_before + 1  # accepted still counts
    screenshot(staff, "office-inbox-accepted-en")

    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "accepted")
    expect(mine.locator(".contact")).to_contain_text(partner_email)
    expect(mine.locator(".contact")).to_contain_text(partner_phone)
    expect(mine.locator(".note")).to_have_text("Prof. Liang expects your e-mail.")
    screenshot(researcher, "researcher-introductions-en")

    # Another researcher sees none of it.
    email, password = another_researcher(live_server, "r-0042")
    other = sign_in_as(sign_in, email, password)
    for path in ("/app/me/introductions", "/app/me/partners?country=CN", "/app/me"):
        other.goto(f"{live_server.url}{path}")
        assert partner_email not in other.content(), path
        assert partner_phone not in other.content(), path


def test_a_declined_introduction_keeps_the_contact_hidden(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    partner = "r-0205"  # Li Ruoxi, Liaoning Technical University
    partner_email, _ = contact_of(partner)
    researcher = sign_in("researcher")
    ask_for_introduction(researcher, live_server, partner, "Digital twins of mine ventilation")

    staff = sign_in("office_staff")
    load_before = load_now(staff)
    card = staff.locator(f"#pending-heading ~ .cards article[data-partner={partner}]")
    card.get_by_label("Note to the researcher (optional)").fill("Prof. Li is on leave this year.")
    card.get_by_role("button", name="Decline").click()
    staff.wait_for_load_state()
    expect(staff.locator(".flash")).to_contain_text("declined")
    decided = staff.locator(f"#decided-heading ~ .cards article[data-partner={partner}]")
    expect(decided).to_have_attribute("data-status", "declined")
    assert partner_email not in staff.content()
    assert load_now(staff) == load_before - 1  # a declined request no longer counts

    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "declined")
    expect(mine.locator(".note")).to_have_text("Prof. Li is on leave this year.")
    expect(mine).to_contain_text("Not shared: the office declined the request.")
    assert partner_email not in researcher.content()


@pytest.mark.parametrize("role", ["researcher", "coordinator", "admin"])
def test_the_inbox_is_refused_to_other_roles(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/office")
    assert response is not None and response.status == 403
    expect(page.locator("p.error[data-status='403']")).to_have_text(
        "Your role does not give access to this page."
    )


def test_a_decision_needs_the_forms_token(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("office_staff")
    response = page.request.post(
        f"{live_server.url}/app/office/introductions/1/decision",
        form={"decision": "accept", "csrf_token": "forged"},
    )
    assert response.status == 403


def test_the_introduction_journey_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    partner = "r-0210"  # Song Peng, Liaoning Technical University
    partner_email, _ = contact_of(partner)
    researcher = sign_in("researcher", locale="ru-RU")
    expect(researcher.locator("h1")).to_contain_text("Мой профиль")
    screenshot(researcher, "researcher-profile-ru")
    researcher.goto(f"{live_server.url}/app/me/partners?country=CN")
    expect(researcher.locator("h1")).to_have_text("Партнёры за рубежом")
    expect(researcher.locator("#country option:checked")).to_have_text(re.compile("^Китай"))
    screenshot(researcher, "researcher-partners-ru")
    card = researcher.locator(f"article[data-partner={partner}]")
    card.locator("summary").click()
    expect(card.locator("summary")).to_have_text("Попросить о знакомстве")
    card.locator("textarea[name=message]").fill("Совместная заявка по цифровым двойникам")
    card.locator("button[type=submit]").click()
    researcher.wait_for_url(f"{live_server.url}/app/me/introductions")
    expect(researcher.locator(".flash")).to_contain_text("отправлен в представительство")

    staff = sign_in("office_staff", locale="ru-RU")
    expect(staff.locator("h1")).to_have_text("Запросы на знакомство")
    card = staff.locator(f"#pending-heading ~ .cards article[data-partner={partner}]")
    expect(card).to_contain_text("ожидает")
    screenshot(staff, "office-inbox-ru")
    card.get_by_role("button", name="Принять").click()
    staff.wait_for_load_state()
    expect(staff.locator(".flash")).to_contain_text("принят")

    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_contain_text("принят")
    expect(mine.locator(".contact")).to_contain_text(partner_email)
    screenshot(researcher, "researcher-introductions-ru")
    researcher.goto(f"{live_server.url}/app/me/calls")
    expect(researcher.locator("h1")).to_have_text("Конкурсы для меня")


def test_the_inbox_fits_a_phone(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("office_staff", width=375)
    screenshot(page, "office-inbox-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

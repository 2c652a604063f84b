"""The introduction flow in a real browser: a request arrives in the office's inbox
without contact data, the office forwards it (or declines it) with a note, the partner
accepts or declines (signed in on "requests to meet me", or through the one-time consent
link without signing in), and only then are the contacts exchanged, both ways; the
requester withdraws; the load meter; the pages refused to the other roles; the journey in
Russian.

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


def forward(staff: Page, partner: str, note: str = "") -> str:
    """The office forwards the pending request to ``partner``; returns the consent link
    the flash shows."""
    staff.reload()
    card = staff.locator(f"#pending-heading ~ .cards article[data-partner={partner}]")
    if note:
        card.get_by_label("Note to the researcher and the partner (optional)").fill(note)
    card.get_by_role("button", name="Forward to the partner").click()
    staff.wait_for_load_state()
    flash = staff.locator(".flash").inner_text()
    found = re.search(r"https?://\S+/app/consent/[A-Za-z0-9_-]+", flash)
    assert found, flash
    return found.group(0)


USED_BY_OTHER_TESTS = {"r-0205", "r-0209", "r-0210", "r-0223"}


def unasked_partner(page: Page, live_server: LiveServer) -> str:
    """A Chinese partner on the researcher's list whom no test asked for yet (the server
    is shared), with contact data on record."""
    page.goto(f"{live_server.url}/app/me/partners?country=CN")
    demo = load_demo()
    for card in page.locator("article[data-partner]").all():
        found = card.get_attribute("data-partner") or ""
        contact = demo.profile(found).contact
        fresh = card.locator("a.badge").count() == 0 and found not in USED_BY_OTHER_TESTS
        if fresh and contact is not None and contact.email and contact.phone:
            return found
    raise AssertionError("no Chinese partner left to ask")


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


def sign_in_as(sign_in: SignIn, email: str, password: str, locale: str = "en-GB") -> Page:
    page = sign_in(None, locale=locale)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    return page


def test_contacts_are_exchanged_only_after_the_partner_accepts(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    partner = "r-0209"  # Liang Yuhan, Liaoning Technical University (office partner)
    partner_email, partner_phone = contact_of(partner)
    requester_email, requester_phone = contact_of(REQUESTER)
    staff = sign_in("office_staff")
    load_before = load_now(staff)

    researcher = sign_in("researcher")
    ask_for_introduction(
        researcher, live_server, partner, "Joint methane drainage proposal", "c-rsf-nsfc-methane"
    )
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "pending")
    expect(mine).to_contain_text("Shown once the partner accepts.")
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

    # The office forwards it: it brokers, so it sees both sides now; nobody else does.
    forward(staff, partner, "Prof. Liang will answer soon.")
    expect(staff.locator(".flash")).to_contain_text("forwarded to the partner")
    waiting = staff.locator(f"#forwarded-heading ~ .cards article[data-partner={partner}]")
    expect(waiting).to_have_attribute("data-status", "forwarded")
    expect(waiting).to_contain_text(partner_email)
    expect(waiting).to_contain_text(requester_email)
    assert load_now(staff) == load_before + 1  # forwarded still counts
    screenshot(staff, "office-inbox-forwarded-en")
    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "forwarded")
    expect(mine.locator(".note")).to_have_text("Prof. Liang will answer soon.")
    assert partner_email not in researcher.content()

    # The partner, signed in, sees the request on "requests to meet me" and accepts.
    email, password = another_researcher(live_server, partner)
    them = sign_in_as(sign_in, email, password)
    them.goto(f"{live_server.url}/app/me/requests")
    asked = them.locator(f"article[data-requester={REQUESTER}]")
    expect(asked).to_have_attribute("data-status", "forwarded")
    expect(asked).to_contain_text("Joint methane drainage proposal")
    assert requester_email not in them.content()
    screenshot(them, "partner-requests-en")
    asked.get_by_label("Note to the researcher (optional)").fill("Glad to talk.")
    asked.get_by_role("button", name="Accept").click()
    them.wait_for_load_state()
    expect(them.locator(".flash")).to_contain_text("You accepted request")
    asked = them.locator(f"article[data-requester={REQUESTER}]")
    expect(asked).to_have_attribute("data-status", "accepted")
    expect(asked.locator(".contact")).to_contain_text(requester_email)
    expect(asked.locator(".contact")).to_contain_text(requester_phone)

    # The requester now sees the partner's contact, and the partner's note.
    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]")
    expect(mine).to_have_attribute("data-status", "accepted")
    expect(mine.locator(".contact")).to_contain_text(partner_email)
    expect(mine.locator(".contact")).to_contain_text(partner_phone)
    expect(mine.locator(".answer-note")).to_have_text("Glad to talk.")
    screenshot(researcher, "researcher-introductions-en")
    staff.reload()
    closed = staff.locator(f"#decided-heading ~ .cards article[data-partner={partner}]")
    expect(closed).to_have_attribute("data-status", "accepted")

    # Another researcher sees none of it.
    email, password = another_researcher(live_server, "r-0042")
    other = sign_in_as(sign_in, email, password)
    for path in (
        "/app/me/introductions",
        "/app/me/requests",
        "/app/me/partners?country=CN",
        "/app/me",
    ):
        other.goto(f"{live_server.url}{path}")
        assert partner_email not in other.content(), path
        assert partner_phone not in other.content(), path
        assert requester_email not in other.content(), path


def test_the_partner_answers_through_the_one_time_link_without_signing_in(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    researcher = sign_in("researcher")
    partner = unasked_partner(researcher, live_server)
    partner_email, _ = contact_of(partner)
    requester_email, _ = contact_of(REQUESTER)
    ask_for_introduction(researcher, live_server, partner, "Methane sensors")
    staff = sign_in("office_staff")
    link = forward(staff, partner)

    visitor = sign_in(None)
    visitor.goto(link)
    expect(visitor.locator("h1")).to_have_text("A request to meet you")
    expect(visitor.locator("main, body").first).to_contain_text("Alexandra Gerasimova")
    assert requester_email not in visitor.content()
    screenshot(visitor, "partner-consent-link-en")
    # A forged form token is refused.
    forged = visitor.request.post(link, form={"answer": "accept", "csrf_token": "forged"})
    assert forged.status == 403
    visitor.get_by_role("button", name="Accept").click()
    visitor.wait_for_load_state()
    expect(visitor.locator("[data-status=accepted]")).to_contain_text(requester_email)

    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]").first
    expect(mine).to_have_attribute("data-status", "accepted")
    expect(mine.locator(".contact")).to_contain_text(partner_email)
    # The link works once.
    again = visitor.goto(link)
    assert again is not None and again.status == 404


def test_the_office_declines_and_the_contact_stays_hidden(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    partner = "r-0205"  # Li Ruoxi, Liaoning Technical University
    partner_email, _ = contact_of(partner)
    researcher = sign_in("researcher")
    ask_for_introduction(researcher, live_server, partner, "Digital twins of mine ventilation")

    staff = sign_in("office_staff")
    load_before = load_now(staff)
    card = staff.locator(f"#pending-heading ~ .cards article[data-partner={partner}]")
    card.get_by_label("Note to the researcher and the partner (optional)").fill(
        "Prof. Li is on leave this year."
    )
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


def test_the_requester_withdraws_a_forwarded_request(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    partner = "r-0210"  # Song Peng (the Russian journey's partner, after it)
    researcher = sign_in("researcher")
    researcher.goto(f"{live_server.url}/app/me/introductions")
    if researcher.locator(f"article[data-partner={partner}][data-status=pending]").count() == 0:
        ask_for_introduction(researcher, live_server, partner, "Mine digital twins")
    staff = sign_in("office_staff")
    link = forward(staff, partner)
    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}][data-status=forwarded]")
    mine.get_by_role("button", name="Withdraw").click()
    researcher.wait_for_load_state()
    expect(researcher.locator(".flash")).to_contain_text("withdrawn")
    expect(researcher.locator(f"article[data-partner={partner}]").first).to_have_attribute(
        "data-status", "withdrawn"
    )
    # The partner's link died with it.
    visitor = sign_in(None)
    gone = visitor.goto(link)
    assert gone is not None and gone.status == 404


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
        form={"decision": "forward", "csrf_token": "forged"},
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
    expect(card).to_contain_text("ждёт представительства")
    screenshot(staff, "office-inbox-ru")
    card.get_by_role("button", name="Переслать партнёру").click()
    staff.wait_for_load_state()
    expect(staff.locator(".flash")).to_contain_text("переслан партнёру")

    email, password = another_researcher(live_server, partner)
    them = sign_in_as(sign_in, email, password, locale="ru-RU")
    them.goto(f"{live_server.url}/app/me/requests")
    expect(them.locator("h1")).to_have_text("Просьбы о знакомстве со мной")
    screenshot(them, "partner-requests-ru")
    them.get_by_role("button", name="Принять").first.click()
    them.wait_for_load_state()
    expect(them.locator(".flash")).to_contain_text("Вы приняли запрос")

    researcher.reload()
    mine = researcher.locator(f"article[data-partner={partner}]").first
    expect(mine).to_contain_text("принят")
    expect(mine.locator(".contact")).to_contain_text(partner_email)
    screenshot(researcher, "researcher-introductions-ru")
    researcher.goto(f"{live_server.url}/app/me/calls")
    expect(researcher.locator("h1")).to_have_text("Конкурсы для меня")


def test_the_inbox_fits_a_phone(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("office_staff", width=375)
    screenshot(page, "office-inbox-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

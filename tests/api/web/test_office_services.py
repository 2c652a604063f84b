"""Office services in a real browser: a researcher (or a coordinator) asks an open office
for information support or expert advice, the office's staff answer from their inbox, the
asker sees the answer; a service the office does not offer is refused with the reason;
the pages refused to the other roles; the journey in Russian.

The demo office staff account is the office in China (off-kuzbass-cn), which offers
information support, logistics and introductions, not expert advice. The server is shared
by every web test, so each test finds its own request by a unique message.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

OFFICE = "off-kuzbass-cn"


def ask(page: Page, live_server: LiveServer, office: str, message: str) -> str:
    """Ask ``office`` for its first service from the services page; returns the new
    request's card id (``request-N``)."""
    page.goto(f"{live_server.url}/app/services")
    card = page.locator(f"article[data-office={office}]").first
    card.locator("textarea[name=message]").fill(message)
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    mine = page.locator("article.service-request", has_text=message)
    expect(mine).to_have_count(1)
    card_id = mine.get_attribute("id")
    assert card_id is not None
    return card_id


def answer(staff: Page, live_server: LiveServer, message: str, text: str) -> None:
    """The office's staff answer the request carrying ``message`` from their inbox."""
    staff.goto(f"{live_server.url}/app/office")
    card = staff.locator("#service-requests article", has_text=message)
    expect(card).to_have_attribute("data-status", "pending")
    card.locator("textarea[name=answer]").fill(text)
    card.locator("button[type=submit]").click()
    staff.wait_for_load_state()


def test_a_researcher_asks_and_the_office_answers(sign_in: SignIn, live_server: LiveServer) -> None:
    message = f"Which Chinese funders co-fund mining projects? {uuid.uuid4().hex[:8]}"
    researcher = sign_in("researcher")
    researcher.get_by_role("link", name="Ask an office").click()
    expect(researcher.locator("h1")).to_have_text("Ask an office")
    china = researcher.locator(f"article[data-office={OFFICE}]")
    expect(china).to_contain_text("information support")
    expect(china).to_contain_text("logistics")
    # Only what the office offers and can be asked for as such.
    options = china.locator("select[name=service] option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", "information_support")
    kazakhstan = researcher.locator("article[data-office=off-rs-kz] select[name=service] option")
    expect(kazakhstan).to_have_count(2)
    card_id = ask(researcher, live_server, OFFICE, message)
    expect(researcher.locator("p.flash")).to_contain_text("went to REC Kuzbass")
    mine = researcher.locator(f"#{card_id}")
    expect(mine).to_have_attribute("data-status", "pending")
    expect(mine).not_to_contain_text("Answer\n")
    screenshot(researcher, "services-asked-en")

    staff = sign_in("office_staff")
    staff.goto(f"{live_server.url}/app/office")
    waiting = staff.locator("#service-requests article", has_text=message)
    expect(waiting).to_contain_text("Alexandra Gerasimova")
    expect(waiting).to_contain_text("information support")
    screenshot(staff, "services-office-inbox-en")
    answer(staff, live_server, message, "The NSFC joint programme; see its 2025 guide.")
    expect(staff.locator("p.flash")).to_contain_text("answered")
    done = staff.locator("#service-requests article", has_text=message)
    expect(done).to_have_attribute("data-status", "answered")
    expect(done.locator("textarea")).to_have_count(0)

    researcher.reload()
    answered = researcher.locator(f"#{card_id}")
    expect(answered).to_have_attribute("data-status", "answered")
    expect(answered.locator(".answer")).to_have_text(
        "The NSFC joint programme; see its 2025 guide."
    )
    screenshot(researcher, "services-answered-en")


def test_a_coordinator_asks_for_expert_advice(sign_in: SignIn, live_server: LiveServer) -> None:
    message = f"Expert advice on a water call, please {uuid.uuid4().hex[:8]}"
    coordinator = sign_in("coordinator")
    coordinator.get_by_role("link", name="Ask an office").click()
    card = coordinator.locator("article[data-office=off-rs-kz]")
    card.locator("select[name=service]").select_option("expert_advice")
    card.locator("textarea[name=message]").fill(message)
    card.locator("button[type=submit]").click()
    coordinator.wait_for_load_state()
    mine = coordinator.locator("article.service-request", has_text=message)
    expect(mine).to_contain_text("expert advice")
    expect(mine).to_have_attribute("data-to-office", "off-rs-kz")


def test_a_service_the_office_does_not_offer_is_refused(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    message = f"Expert advice from China {uuid.uuid4().hex[:8]}"
    researcher = sign_in("researcher")
    researcher.goto(f"{live_server.url}/app/services")
    card = researcher.locator(f"article[data-office={OFFICE}]")
    # The form does not offer it: a hand-made form (or an old page) sends it anyway.
    card.locator("select[name=service]").evaluate(
        "s => s.add(new Option('expert advice', 'expert_advice', true, true))"
    )
    card.locator("textarea[name=message]").fill(message)
    card.locator("button[type=submit]").click()
    researcher.wait_for_load_state()
    flash = researcher.locator("p.flash.error")
    expect(flash).to_have_text(
        "REC Kuzbass representative office in China does not offer expert advice. "
        "It offers: information support, logistics, introductions."
    )
    expect(researcher.locator("article.service-request", has_text=message)).to_have_count(0)
    screenshot(researcher, "services-refused-en")


def test_asking_needs_the_forms_token(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("researcher")
    response = page.request.post(
        f"{live_server.url}/app/services",
        form={"office": OFFICE, "service": "information_support", "message": "x"},
    )
    assert response.status == 403


@pytest.mark.parametrize("role", ["admin", "office_staff"])
def test_the_services_page_is_refused_to(
    role: str, sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/services")
    assert response is not None and response.status == 403
    expect(page.locator("p.error[data-status='403']")).to_have_text(
        "Your role does not give access to this page."
    )


@pytest.mark.parametrize("role", ["admin", "coordinator", "researcher"])
def test_answering_is_refused_to(role: str, sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in(role)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        f"{live_server.url}/app/office/requests/1/answer",
        form={"answer": "no", "csrf_token": token or ""},
    )
    assert response.status == 403


def test_the_services_journey_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    message = f"Нужна информация о фондах Китая {uuid.uuid4().hex[:8]}"
    researcher = sign_in("researcher", locale="ru-RU", width=375)
    researcher.get_by_role("link", name="Обратиться в представительство").click()
    expect(researcher.locator("h1")).to_have_text("Обратиться в представительство")
    expect(researcher.locator(f"article[data-office={OFFICE}]")).to_contain_text(
        "информационная поддержка"
    )
    card_id = ask(researcher, live_server, OFFICE, message)
    expect(researcher.locator(f"#{card_id}")).to_contain_text("ждёт представительства")
    staff = sign_in("office_staff", locale="ru-RU")
    staff.goto(f"{live_server.url}/app/office")
    expect(staff.locator("#services-heading")).to_contain_text("Запросы услуг")
    card = staff.locator("#service-requests article", has_text=message)
    card.get_by_label("Ваш ответ").fill("Смотрите программу NSFC.")
    card.get_by_role("button", name="Отправить ответ").click()
    staff.wait_for_load_state()
    screenshot(staff, "services-office-inbox-ru")
    researcher.reload()
    expect(researcher.locator(f"#{card_id} .answer")).to_have_text("Смотрите программу NSFC.")
    screenshot(researcher, "services-answered-ru")

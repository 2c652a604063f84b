"""The coordinator's outcomes page in a real browser: recording an outcome (English and
Russian), and the page refused to other roles. The outcomes recorded here are declined
ones: they change no route, so the shared live server's other tests see the same data."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

REQUESTER = "r-0001"  # Artem Sergeev
PARTNER = "r-0002"  # Lyudmila Tikhonova


def test_a_coordinator_records_an_outcome(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/outcomes")
    expect(page.locator("h1")).to_have_text("Outcomes")
    note = f"test {uuid.uuid4().hex[:8]}"
    page.select_option("#outcome-kind", "declined")
    page.select_option("#outcome-call", index=1)
    page.fill("#outcome-members", f"{REQUESTER}, {PARTNER}")
    page.fill("#outcome-date", "2026-11-30")
    page.fill("#outcome-note", note)
    page.locator("form[action$='/outcomes'] button").click()
    page.wait_for_url("**/app/outcomes")
    expect(page.locator(".flash")).to_contain_text("The outcome is recorded.")
    row = page.locator("tr", has_text=note)
    expect(row).to_contain_text("Artem Sergeev")
    expect(row).to_contain_text("team declined")
    screenshot(page, "outcomes-en")


def test_an_unknown_member_is_named(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/outcomes")
    page.select_option("#outcome-kind", "introduction_declined")
    page.fill("#outcome-members", f"{REQUESTER}, nobody-here")
    page.locator("form[action$='/outcomes'] button").click()
    expect(page.locator("body")).to_contain_text("nobody-here")


def test_the_outcomes_page_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/outcomes")
    expect(page.locator("h1")).to_have_text("Итоги")
    note = f"тест {uuid.uuid4().hex[:8]}"
    page.select_option("#outcome-kind", "introduction_declined")
    page.fill("#outcome-members", f"{REQUESTER}, {PARTNER}")
    page.fill("#outcome-note", note)
    page.locator("form[action$='/outcomes'] button").click()
    page.wait_for_url("**/app/outcomes")
    expect(page.locator(".flash")).to_contain_text("Итог записан.")
    expect(page.locator("tr", has_text=note)).to_contain_text("знакомство отклонено")
    screenshot(page, "outcomes-ru-375")


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
def test_other_roles_may_not_open_the_outcomes_page(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/outcomes")
    assert response is not None and response.status == 403
    expect(page.locator("[data-status='403']")).to_be_visible()

"""The point of view on the coordinator's call page, in a real browser: switched to
Kazakhstan, the routes start from the Kazakh side (the demo's offices are all run from
Russia, so from Kazakhstan only agreements and past collaboration are routes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

METHANE = "c-rsf-nsfc-methane"


def test_the_coordinator_sees_a_call_from_the_kazakh_side(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{METHANE}")
    expect(page.locator("#side-note")).to_have_attribute("data-side", "RU")
    expect(
        page.locator("#candidates td.route").filter(has_text="Through the office")
    ).not_to_have_count(0)
    page.select_option("#side", "KZ")
    page.wait_for_url("**side=KZ*")
    note = page.locator("#side-note")
    expect(note).to_have_attribute("data-side", "KZ")
    expect(note).to_contain_text("Seen from Kazakhstan: no open office is run from there")
    routes = page.locator("#candidates td.route")
    expect(routes.filter(has_text="Agreement between")).not_to_have_count(0)
    expect(routes.filter(has_text="Through the office")).to_have_count(0)
    # Russians are foreign from the Kazakh side: none is "Home country".
    expect(page.locator('#candidates tr[data-country="RU"] td.route').filter(
        has_text="Home country")).to_have_count(0)  # fmt: skip
    expect(page.locator("#team-1-members")).to_be_visible()
    # Pins and bans keep the point of view.
    expect(page.locator('#resolve input[name="side"]')).to_have_value("KZ")
    screenshot(page, "call-side-kz")


def test_the_point_of_view_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU")
    page.goto(f"{live_server.url}/app/calls/{METHANE}?side=Казахстан")
    expect(page.locator('label[for="side"]')).to_contain_text("Точка зрения")
    expect(page.locator("#side-note")).to_contain_text("открытых представительств у неё нет")
    expect(page.locator("#side option:checked")).to_have_text("Казахстан")
    screenshot(page, "call-side-kz-ru")


def test_an_unknown_point_of_view_is_a_422_page(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    response = page.goto(f"{live_server.url}/app/calls/{METHANE}?side=Narnia")
    assert response is not None and response.status == 422
    expect(page.locator('[data-status="422"]')).to_be_visible()

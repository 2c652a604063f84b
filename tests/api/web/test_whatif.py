"""The coordinator's what-if page in a real browser: opening the negotiating office,
closing an open one, an agreement, in English and Russian."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

BELARUS_OFFICE = "off-kuzbass-by"  # negotiating in the demo data
NO_TEAM = "c-ru-by-materials"  # staffed only through the office in Belarus


def viable(page: Page) -> tuple[int, int]:
    return (
        int(page.locator("#viable-before").inner_text()),
        int(page.locator("#viable-after").inner_text()),
    )


def test_opening_the_negotiating_office_gives_a_call_a_team(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/whatif")
    expect(page.locator("h1")).to_have_text("What-if")
    page.select_option("#open-office", BELARUS_OFFICE)
    page.locator("form", has=page.locator("#open-office")).locator("button").click()
    page.wait_for_url(f"**/app/whatif?change=open&office={BELARUS_OFFICE}")
    expect(page.locator("#result-heading")).to_contain_text("Belarus")
    before, after = viable(page)
    assert after > before
    gained = page.locator(f'#whatif-calls tr[data-call-id="{NO_TEAM}"]')
    expect(gained).to_have_attribute("data-effect", "gained")
    expect(gained).to_contain_text("gains a team")
    screenshot(page, "whatif-open-en")
    # The call's page opens as if the office were open: with a team.
    gained.locator("a").click()
    page.wait_for_url(f"**/app/calls/{NO_TEAM}?open_office={BELARUS_OFFICE}")
    expect(page.locator("#team-1-members")).to_be_visible()


def test_closing_an_open_office_loses_teams_or_changes_nothing_honestly(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/whatif?change=close&office=off-kuzbass-cn")
    expect(page.locator("#result-heading")).to_contain_text("China")
    before, after = viable(page)
    lost = page.locator('#whatif-calls tr[data-effect="lost"]').count()
    gained = page.locator('#whatif-calls tr[data-effect="gained"]').count()
    assert before - after == lost - gained
    assert after <= before


def test_an_agreement_what_if_is_shown(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/whatif")
    page.select_option("#agreement-first", "ru-sibsiu")
    page.select_option("#agreement-second", "by-bntu")
    page.locator("form", has=page.locator("#agreement-first")).locator("button").click()
    page.wait_for_url("**/app/whatif?change=agreement*")
    expect(page.locator("#result-heading")).to_contain_text(
        "Siberian State Industrial University — Belarusian National Technical University"
    )
    # An agreement with a Belarusian university opens a route to Belarus without the office.
    row = page.locator(f'#whatif-calls tr[data-call-id="{NO_TEAM}"]')
    expect(row).to_have_attribute("data-effect", "gained")
    before, after = viable(page)
    assert after == before + page.locator('#whatif-calls tr[data-effect="gained"]').count()


def test_the_same_institution_twice_is_refused(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    response = page.goto(
        f"{live_server.url}/app/whatif?change=agreement&first=ru-kuzstu&second=ru-kuzstu"
    )
    assert response is not None and response.status == 422
    expect(page.locator(".problems")).to_contain_text("second")


def test_the_what_if_page_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/whatif?change=open&office={BELARUS_OFFICE}")
    expect(page.locator("h1")).to_have_text("Что если")
    expect(page.locator("#open-heading")).to_have_text("Открыть представительство")
    row = page.locator(f'#whatif-calls tr[data-call-id="{NO_TEAM}"]')
    expect(row).to_contain_text("появляется команда")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "whatif-open-ru-375")

"""The what-if page from a point of view, in a real browser: the office in Belarus is run
from Russia, so opening it gives a call a team seen from Russia and, seen from Kazakhstan,
changes nothing, which the page says; the side stays in the forms and the links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

BELARUS_OFFICE = "off-kuzbass-by"  # negotiating in the demo data, run from Russia
NO_TEAM = "c-ru-by-materials"  # staffed only through the office in Belarus


def viable(page: Page) -> tuple[int, int]:
    return (
        int(page.locator("#viable-before").inner_text()),
        int(page.locator("#viable-after").inner_text()),
    )


def test_switching_to_kazakhstan_explains_an_office_run_from_russia(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/whatif?change=open&office={BELARUS_OFFICE}")
    expect(page.locator("#side")).to_have_value("RU")
    before, after = viable(page)
    assert after > before
    expect(page.locator("#other-side-note")).to_have_count(0)

    page.select_option("#side", "KZ")
    page.wait_for_url("**/app/whatif?**side=KZ**")
    assert f"office={BELARUS_OFFICE}" in page.url and "change=open" in page.url
    expect(page.locator("#side-note")).to_have_attribute("data-side", "KZ")
    expect(page.locator("#other-side-note")).to_have_text(
        "REC Kuzbass representative office in Belarus is run from Russia, not from "
        "Kazakhstan: seen from Kazakhstan it is no route, so opening or closing it "
        "changes no team."
    )
    before, after = viable(page)
    assert after == before
    expect(page.locator('#whatif-calls tr[data-effect="gained"]')).to_have_count(0)
    screenshot(page, "whatif-side-kz-en")
    # The side stays: in the forms and in the links to the calls.
    expect(page.locator("form:has(#open-office) input[name=side]")).to_have_value("KZ")
    link = page.locator("#whatif-calls tbody a").first.get_attribute("href")
    assert link is not None and "side=KZ" in link


def test_an_agreement_seen_from_kazakhstan_is_between_its_institutions(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/whatif?side=KZ")
    groups = page.locator("#agreement-first optgroup")
    expect(groups).to_have_count(1)
    expect(groups).to_have_attribute("label", "Kazakhstan")
    page.locator("form", has=page.locator("#agreement-first")).locator("button").click()
    page.wait_for_url("**/app/whatif?change=agreement*side=KZ*")
    before, after = viable(page)
    gained = page.locator('#whatif-calls tr[data-effect="gained"]').count()
    lost = page.locator('#whatif-calls tr[data-effect="lost"]').count()
    assert after - before == gained - lost


def test_an_unknown_point_of_view_is_refused(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    response = page.goto(f"{live_server.url}/app/whatif?side=Atlantis")
    assert response is not None and response.status == 422
    expect(page.locator("main")).to_contain_text("Unknown point of view.")


def test_the_point_of_view_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/whatif?change=open&office={BELARUS_OFFICE}&side=KZ")
    expect(page.get_by_label("Точка зрения")).to_have_value("KZ")
    expect(page.locator("#other-side-note")).to_contain_text("не является путём")
    screenshot(page, "whatif-side-kz-ru")

"""The researcher's pages in a real browser: their profile, the calls that fit them,
partners abroad and requests for an introduction; each refused to the other roles.

The demo researcher is Alexandra Gerasimova (r-0033, KuzSTU). The live server is shared
by every web test: what a test changes in her profile it puts back, and each test asks
for introductions to partners no other test uses.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

RESEARCHER_PAGES = (
    "/app/me",
    "/app/me/calls",
    "/app/me/calls/c-rsf-nsfc-methane",
    "/app/me/partners",
    "/app/me/introductions",
    "/app/me/requests",
)


def save(page: Page) -> None:
    page.get_by_role("button", name="Save profile", exact=True).click()
    page.wait_for_load_state()


def test_the_researcher_adds_a_keyword_and_a_publication_and_sees_them_saved(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("researcher")
    assert page.url == f"{live_server.url}/app/me"
    expect(page.locator("#name")).to_have_value("Alexandra Gerasimova")
    screenshot(page, "researcher-profile-en")
    keywords = page.locator("#keywords").input_value()
    page.fill("#keywords", keywords + ", underground hydrogen storage")
    new_row = page.locator("fieldset.publication").last
    new_row.get_by_label("Title").fill("Methane drainage boreholes in gassy seams")
    new_row.get_by_label("Year").fill("2024")
    save(page)

    expect(page.locator(".flash")).to_have_text("Your profile was saved.")
    # Saved: the form is read back from the store, one keyword a line.
    saved = page.locator("#keywords").input_value().splitlines()
    assert saved[-1] == "underground hydrogen storage"
    assert saved[:-1] == [k.strip() for k in keywords.splitlines()]
    titles = [
        page.locator(f"#pub-{i}-title").input_value()
        for i in range(page.locator("fieldset.publication").count())
    ]
    assert "Methane drainage boreholes in gassy seams" in titles
    added = titles.index("Methane drainage boreholes in gassy seams")
    expect(page.locator(f"#pub-{added}-year")).to_have_value("2024")

    # What the form does not show is kept: the co-authors of her first publication.
    stored = httpx.get(
        f"{live_server.url}/profiles/r-0033", headers={"X-API-Key": ENGINE_KEY}
    ).json()
    assert stored["publications"][0]["coauthors"] == ["r-0042"]
    assert stored["keywords"][-1] == "underground hydrogen storage"

    # Put the profile back for the other tests (and check that removing works).
    page.fill("#keywords", "\n".join(saved[:-1]))
    page.check(f"input[name=pub-{added}-remove]")
    save(page)
    expect(page.locator(".flash")).to_have_text("Your profile was saved.")
    assert page.locator("#keywords").input_value().splitlines() == saved[:-1]
    assert "Methane drainage boreholes in gassy seams" not in page.content()


def test_bad_input_is_shown_next_to_each_field_and_nothing_is_saved(
    sign_in: SignIn,
) -> None:
    page = sign_in("researcher")
    page.fill("#name", "   ")
    page.fill("#pub-0-year", "3000")
    save(page)

    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#name-error")).to_have_text("This field cannot be empty.")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pub-0-year-error")).to_have_text("At most 2100.")
    # The form keeps what was typed, so it can be corrected.
    expect(page.locator("#pub-0-year")).to_have_value("3000")
    screenshot(page, "researcher-profile-errors-en")
    page.goto(page.url)
    expect(page.locator("#name")).to_have_value("Alexandra Gerasimova")
    assert page.locator("#pub-0-year").input_value() != "3000"

    # Another empty publication row, without saving what is typed.
    rows = page.locator("fieldset.publication").count()
    page.fill("#summary", "Typed, not saved yet.")
    page.get_by_role("button", name="Add another publication row").click()
    page.wait_for_load_state()
    expect(page.locator("fieldset.publication")).to_have_count(rows + 1)
    expect(page.locator("#summary")).to_have_value("Typed, not saved yet.")
    page.goto(page.url)
    assert page.locator("#summary").input_value() != "Typed, not saved yet."


def test_an_edit_made_elsewhere_meanwhile_is_not_overwritten(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    first = sign_in("researcher")
    second = first.context.new_page()
    second.goto(f"{live_server.url}/app/me")
    summary = second.locator("#summary").input_value()
    second.fill("#summary", summary + " Edited in another window.")
    save(second)
    expect(second.locator(".flash")).to_have_text("Your profile was saved.")

    # The first window still has the old version: its save is refused, named, and the
    # other window's edit is kept.
    first.fill("#languages", "ru, en, zh")
    save(first)
    expect(first.locator("#conflict")).to_contain_text("Nothing was saved")
    expect(first.locator("#conflict")).to_contain_text("Languages")
    expect(first.locator("#summary")).to_have_value(summary + " Edited in another window.")
    expect(first.locator("#languages")).to_have_value("ru, en")

    # Saved again from the fresh form, it goes through; then the summary is put back.
    first.fill("#languages", "ru, en")
    first.fill("#summary", summary)
    save(first)
    expect(first.locator(".flash")).to_have_text("Your profile was saved.")
    expect(first.locator("#summary")).to_have_value(summary)


def test_the_calls_that_fit_come_first_with_their_evidence(sign_in: SignIn) -> None:
    page = sign_in("researcher")
    page.click("header nav >> text=Calls for me")
    rows = page.locator("tbody tr[data-call]")
    expect(rows.first).to_be_visible()
    screenshot(page, "researcher-calls-en")
    eligible = [
        "not eligible" not in rows.nth(i).locator("td.eligibility").inner_text()
        for i in range(rows.count())
    ]
    # Those she may join first, and among them the best scores first.
    assert eligible == sorted(eligible, reverse=True)
    assert any(eligible)
    # A methane researcher's best call is a real match.
    expect(rows.first.locator("td.fit")).to_have_text("match")
    first_score = rows.first.locator("td.num").inner_text()
    title = rows.first.locator("td.title").inner_text().splitlines()[0]
    rows.first.get_by_role("link", name=re.compile("Evidence for")).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#score")).to_contain_text(first_score)
    expect(page.get_by_role("heading", name="Matched keywords")).to_be_visible()
    screenshot(page, "researcher-evidence-en")


def test_partners_abroad_filtered_to_china_with_their_routes(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("researcher")
    page.goto(f"{live_server.url}/app/me/partners")
    all_cards = page.locator("article.partner").count()
    page.select_option("#country", "CN")
    page.wait_for_url(re.compile(r"country=CN"))
    cards = page.locator("article.partner")
    expect(cards.first).to_be_visible()
    assert 0 < cards.count() <= all_cards
    for i in range(cards.count()):
        expect(cards.nth(i)).to_contain_text("China")
    # Each with a route, and the way to ask for an introduction.
    expect(cards.first.locator(".route")).not_to_be_empty()
    expect(cards.first.locator("summary")).to_have_text("Request an introduction")
    screenshot(page, "researcher-partners-cn-en")


def test_a_second_request_while_one_is_pending_and_a_partner_without_office_are_refused(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("researcher")
    page.goto(f"{live_server.url}/app/me/partners?country=CN")
    card = page.locator("article[data-partner=r-0223]")  # Wu Chao, HIT: no other test's
    card.locator("summary").click()
    card.get_by_label("Message to the office").fill("Coal mine methane sensors")
    card.get_by_role("button", name=re.compile("Send the request")).click()
    page.wait_for_url(f"{live_server.url}/app/me/introductions")
    expect(page.locator(".flash")).to_contain_text("was sent to the office")
    expect(page.locator("article[data-partner=r-0223]")).to_have_attribute("data-status", "pending")

    page.goto(f"{live_server.url}/app/me/partners?country=CN")
    card = page.locator("article[data-partner=r-0223]")
    expect(card.locator("a.badge")).to_have_text("introduction requested")
    card.locator("summary").click()
    card.get_by_role("button", name=re.compile("Send the request")).click()
    page.wait_for_load_state()
    expect(page.locator(".flash.error")).to_have_text(
        "Your request for an introduction to Wu Chao is still pending."
    )
    assert "country=CN" in page.url

    # Germany has no office on any route: the request is refused with the reason.
    page.goto(f"{live_server.url}/app/me/partners?country=DE")
    card = page.locator("article.partner").first
    name = card.locator("h2").inner_text().rsplit(" ", 1)[0]
    card.locator("summary").click()
    card.get_by_role("button", name=re.compile("Send the request")).click()
    page.wait_for_load_state()
    expect(page.locator(".flash.error")).to_have_text(
        f"No open office can introduce you to {name} (none in their country)."
    )


@pytest.mark.parametrize("role", ["coordinator", "office_staff", "admin"])
def test_the_researcher_pages_are_refused_to_other_roles(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    for path in RESEARCHER_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 403, path
        expect(page.locator("p.error[data-status='403']")).to_have_text(
            "Your role does not give access to this page."
        )


def test_the_partners_page_fits_a_phone(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("researcher", width=375)
    for path, name in (
        ("/app/me/partners?country=CN", "researcher-partners-375"),
        ("/app/me", "researcher-profile-375"),
        ("/app/me/calls", "researcher-calls-375"),
    ):
        page.goto(f"{live_server.url}{path}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 375, (path, wide)
        screenshot(page, name)

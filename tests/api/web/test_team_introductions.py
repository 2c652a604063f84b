"""A coordinator asks, from a suggested team on the call page, for introductions of a
home-side member to every foreign member at once; the team's page shows each member's
status, and who has accepted once a partner accepts.

Runs after the other introduction tests (the server is shared): its requests come from
another requester than theirs.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot
from tests.api.web.test_office import another_researcher, sign_in_as

pytestmark = pytest.mark.slow

CALL = "c-rsf-nsfc-methane"


def test_a_coordinator_requests_introductions_for_a_suggested_team(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{CALL}")
    best = page.locator("#team-1")
    foreign = [
        row.get_attribute("data-profile-id") or ""
        for row in best.locator("tr[data-profile-id]").all()
        if row.get_attribute("data-country") != "RU"
    ]
    assert foreign
    best.locator("details.team-introductions summary").click()
    requester = best.locator("select[name=requester_id]").input_value()
    best.get_by_label("Message to the offices and the partners").fill("A team for the call")
    best.get_by_role("button", name="Request the introductions").click()
    page.wait_for_load_state()
    assert "/app/introductions/team/" in page.url, page.url
    expect(page.locator("h1")).to_have_text("Team introductions")
    rows = page.locator("#team-introductions tbody tr")
    made = [r.get_attribute("data-partner") or "" for r in rows.all()]
    refused = [
        li.get_attribute("data-member") or "" for li in page.locator("li[data-member]").all()
    ]
    assert sorted(made + refused) == sorted(foreign)
    assert made
    for row in rows.all():
        expect(row).to_have_attribute("data-status", "pending")
    team_url = page.url.split("?")[0]
    screenshot(page, "team-introductions-en")

    # The office forwards the first one; its partner accepts; the team page shows it.
    partner = made[0]
    staff = sign_in("office_staff")
    card = staff.locator(
        f"#pending-heading ~ .cards article[data-partner='{partner}'][data-requester='{requester}']"
    )
    expect(card).to_have_count(1)  # the demo team's Chinese members: the China office
    card.get_by_role("button", name="Forward to the partner").click()
    staff.wait_for_load_state()
    email, password = another_researcher(live_server, partner)
    them = sign_in_as(sign_in, email, password)
    them.goto(f"{live_server.url}/app/me/requests")
    them.locator(f"article[data-requester='{requester}']").get_by_role(
        "button", name="Accept"
    ).click()
    them.wait_for_load_state()
    page.goto(team_url)
    expect(page.locator(f"#team-introductions tr[data-partner='{partner}']")).to_have_attribute(
        "data-status", "accepted"
    )
    expect(page.locator("#team-accepted")).to_contain_text("1 of")


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
def test_the_team_page_is_refused_to_other_roles(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/introductions/team/whatever")
    assert response is not None and response.status == 403
    expect(page.locator("p.error[data-status='403']")).to_be_visible()

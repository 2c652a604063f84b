"""The coordinator's call pages in a real browser: the list and its filters, a call's
candidates with evidence and routes, the suggested teams, pins and bans, a call without a
team, the Russian interface, a phone's width, and the refusals for other roles."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect

from api.http.store.records import call_countries
from matcher.datasets import load_demo
from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

METHANE = "c-rsf-nsfc-methane"
NO_TEAM = "c-ru-by-materials"  # needs a Belarusian member; the office in Belarus is negotiating
FOREIGN_ROUTES = ("Agreement between", "Through the office", "Past collaboration")


def methane_is_open() -> bool:
    """Whether the methane call's deadline (in the demo data) has not passed today (UTC)."""
    methane = next(c for c in load_demo().calls if c.id == METHANE)
    return methane.deadline is None or methane.deadline >= dt.datetime.now(dt.UTC).date()


def shown_call_ids(page: Page) -> set[str]:
    rows = page.locator("#calls-table tbody tr")
    return {rows.nth(i).get_attribute("data-call-id") or "" for i in range(rows.count())}


def team_member_ids(page: Page, table: str = "#team-1-members") -> list[str]:
    rows = page.locator(f"{table} tbody tr")
    return [rows.nth(i).get_attribute("data-profile-id") or "" for i in range(rows.count())]


def test_the_coordinator_filters_the_calls_by_country(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls")
    demo = load_demo()
    assert shown_call_ids(page) >= {call.id for call in demo.calls}
    screenshot(page, "calls-list-en")
    page.select_option("#f-country", "CN")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/app/calls?*country=CN*")
    with_china = {call.id for call in demo.calls if "|CN|" in call_countries(call)}
    shown = shown_call_ids(page)
    assert METHANE in shown
    assert with_china <= shown
    without_china = {call.id for call in demo.calls} - with_china
    assert without_china and not (shown & without_china)
    row = page.locator(f'#calls-table tr[data-call-id="{METHANE}"]')
    expect(row).to_contain_text("China")
    expect(row).to_contain_text("Mar 15, 2027")
    expect(row.locator(".badge")).to_have_text("open" if methane_is_open() else "closed")


def test_a_text_search_and_a_funder_narrow_the_list(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls?q=methane")
    assert METHANE in shown_call_ids(page)
    assert "c-rec-food" not in shown_call_ids(page)
    page.goto(f"{live_server.url}/app/calls")
    page.select_option("#f-funder", "REC Kuzbass")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/app/calls?*funder=REC+Kuzbass*")
    expected = {c.id for c in load_demo().calls if c.funder == "REC Kuzbass"}
    assert expected and shown_call_ids(page) == expected


def test_the_call_page_shows_candidates_with_evidence_and_routes_and_a_team(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls")
    page.click(f'#calls-table tr[data-call-id="{METHANE}"] a')
    page.wait_for_url(f"**/app/calls/{METHANE}")
    expect(page.locator("h1")).to_contain_text("coal mine methane")
    expect(page.locator("#rules")).to_contain_text("China: at least 1")

    candidates = page.locator("#candidates tbody tr")
    assert candidates.count() >= 5
    first = candidates.first
    expect(first.locator("th")).not_to_be_empty()
    first.locator("details.evidence summary").click()
    expect(first.locator("details.evidence")).to_contain_text("Matched keywords:")
    expect(first.locator("details.evidence")).to_contain_text("Publications behind the score:")
    expect(first.locator("details.evidence")).to_contain_text("Call parts covered")
    expect(first.locator(".publications li").first).not_to_be_empty()

    # A candidate in China is reached through an office, an agreement or a collaboration,
    # named (never a bare id).
    chinese = page.locator('#candidates tbody tr[data-country="CN"]').first
    route = chinese.locator("td.route").inner_text()
    assert route.startswith(FOREIGN_ROUTES), route
    assert "Home country" not in route

    team = page.locator("#team-1-members")
    expect(team).to_be_visible()
    expect(team.locator(".badge", has_text="lead")).to_have_count(1)
    foreign = team.locator('tbody tr[data-country="CN"]').first
    expect(foreign.locator("td.route")).not_to_have_text("Home country")
    assert page.locator("section.suggestion").count() == 3  # the best and two alternatives
    screenshot(page, "call-page-en")


def test_banning_a_member_re_solves_the_team_without_them_and_a_pin_keeps_one(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{METHANE}")
    before = team_member_ids(page)
    foreign = page.locator('#team-1-members tbody tr[data-country="CN"]').first
    banned = foreign.get_attribute("data-profile-id") or ""
    banned_name = foreign.locator("th").inner_text().split(banned)[0].strip()
    # A candidate outside the best team, pinned into it.
    outside = next(
        row_id
        for row_id in (
            page.locator("#chooser tbody tr").nth(i).get_attribute("data-profile-id")
            for i in range(page.locator("#chooser tbody tr").count())
        )
        if row_id and row_id not in before
    )
    page.check(f'#chooser tr[data-profile-id="{banned}"] input[name=ban]')
    page.check(f'#chooser tr[data-profile-id="{outside}"] input[name=pin]')
    page.click("#resolve button[type=submit]")
    page.wait_for_url(f"**/app/calls/{METHANE}?*ban={banned}*")
    assert f"pin={outside}" in page.url
    after = team_member_ids(page)
    assert banned not in after
    assert outside in after
    for index in (2, 3):
        if page.locator(f"#team-{index}-members").count():
            assert banned not in team_member_ids(page, f"#team-{index}-members")
            assert outside in team_member_ids(page, f"#team-{index}-members")
    expect(page.locator("#pins-bans")).to_contain_text(f"Banned: {banned_name}")
    expect(page.locator(f'#chooser tr[data-profile-id="{banned}"] input[name=ban]')).to_be_checked()
    # The address is shareable: opened afresh it gives the same team.
    page.goto(page.url)
    assert team_member_ids(page) == after
    page.click("#pins-bans a")
    assert team_member_ids(page) == before


def test_a_call_without_a_team_shows_the_reason_and_the_smallest_relaxation(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{NO_TEAM}")
    expect(page.locator("#no-team h3")).to_have_text("No team meets the rules")
    expect(page.locator("#no-team-reasons li").first).to_contain_text("Belarus")
    relaxation = page.locator("#relaxations li").first
    expect(relaxation.locator(".relaxation")).to_have_text(
        "open the office REC Kuzbass representative office in Belarus (now negotiating)"
    )
    screenshot(page, "call-no-team-en")
    relaxation.locator("a.relax-open").click()
    page.wait_for_url(f"**/app/calls/{NO_TEAM}?*open_office=off-kuzbass-by*")
    expect(page.locator("#assumed-open")).to_contain_text(
        "REC Kuzbass representative office in Belarus"
    )
    belarusian = page.locator('#team-1-members tbody tr[data-country="BY"]').first
    expect(belarusian.locator("td.route")).to_contain_text(
        "REC Kuzbass representative office in Belarus"
    )
    expect(page.locator("#no-team")).to_have_count(0)


def test_the_office_selector_solves_as_if_the_office_were_open(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{NO_TEAM}")
    page.select_option("#open-office", "off-kuzbass-by")
    page.click("#resolve button[type=submit]")
    page.wait_for_url("**open_office=off-kuzbass-by*")
    expect(page.locator("#team-1-members")).to_be_visible()


def test_an_unknown_call_is_a_404_page(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator")
    response = page.goto(f"{live_server.url}/app/calls/no-such-call")
    assert response is not None and response.status == 404
    expect(page.locator('[data-status="404"]')).to_be_visible()


def test_the_call_pages_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU")
    page.goto(f"{live_server.url}/app/calls?country=CN")
    expect(page.locator("h1")).to_have_text("Конкурсы")
    row = page.locator(f'#calls-table tr[data-call-id="{METHANE}"]')
    methane = next(c for c in load_demo().calls if c.id == METHANE)
    assert methane.deadline is not None
    russian_date = format_date(methane.deadline, format="medium", locale="ru")
    assert "мар" in russian_date
    expect(row).to_contain_text(russian_date)
    expect(row).to_contain_text("Китай")
    expect(row.locator(".badge")).to_have_text("открыт" if methane_is_open() else "закрыт")
    screenshot(page, "calls-list-ru")
    row.locator("a").click()
    page.wait_for_url(f"**/app/calls/{METHANE}")
    expect(page.locator("h2#teams-heading")).to_have_text("Предлагаемые команды")
    expect(page.locator("h2#candidates-heading")).to_have_text("Подходящие кандидаты по рангу")
    expect(page.locator("#rules")).to_contain_text("Размер команды")
    expect(page.locator("#team-1-heading")).to_have_text("Лучшая команда")
    screenshot(page, "call-page-ru")
    page.goto(f"{live_server.url}/app/calls/{NO_TEAM}")
    expect(page.locator("#no-team h3")).to_have_text("Ни одна команда не удовлетворяет правилам")
    expect(page.locator("#relaxations .relaxation").first).to_have_text(
        "открыть представительство «REC Kuzbass representative office in Belarus» (идут переговоры)"
    )
    expect(page.locator("#relaxations")).to_contain_text("из страны Беларусь")
    screenshot(page, "call-no-team-ru")


def test_the_call_page_fits_a_phone(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", width=375)
    for path in ("/app/calls", f"/app/calls/{METHANE}", f"/app/calls/{NO_TEAM}"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
    screenshot(page, "call-no-team-375")


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
@pytest.mark.parametrize("path", ["/app/calls", f"/app/calls/{METHANE}", "/app/whatif"])
def test_other_roles_may_not_open_the_coordinator_pages(
    sign_in: SignIn, live_server: LiveServer, role: str, path: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 403
    expect(page.locator('[data-status="403"]')).to_be_visible()


# Without a browser: the open/closed filter on a call whose deadline has passed.


def signed_in_client(live_server: LiveServer, role: str) -> httpx.Client:
    client = httpx.Client(base_url=live_server.url, timeout=120)
    form = client.get("/app/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    account = live_server.account(role)
    signed = client.post(
        "/app/login",
        data={"email": account.email, "password": account.password, "csrf_token": token},
    )
    assert signed.status_code == 303, signed.text[:500]
    return client


@pytest.fixture
def closed_call(live_server: LiveServer) -> Iterator[str]:
    """A call whose deadline passed yesterday (made through the JSON API, deleted after)."""
    call_id = f"c-web-closed-{uuid.uuid4().hex[:8]}"
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    headers = {"X-API-Key": ENGINE_KEY}
    created = httpx.post(
        f"{live_server.url}/calls",
        headers=headers,
        json={
            "id": call_id,
            "title": "A closed test call on methane in coal mines",
            "funder": "Web test funder",
            "deadline": yesterday.isoformat(),
            "rules": {"required_countries": {"RU": 1, "CN": 1}, "eligible_countries": ["RU", "CN"]},
        },
    )
    assert created.status_code == 201, created.text
    try:
        yield call_id
    finally:
        httpx.delete(f"{live_server.url}/calls/{call_id}", headers=headers)


def test_the_status_filter_sorts_calls_by_their_deadline(
    live_server: LiveServer, closed_call: str
) -> None:
    client = signed_in_client(live_server, "coordinator")
    try:
        # The pages read the engine's data, refitted shortly after a change.
        deadline = time.monotonic() + 120
        while closed_call not in client.get("/app/calls").text:
            assert time.monotonic() < deadline, "the new call never reached the engine"
            time.sleep(0.3)
        closed = client.get("/app/calls", params={"status": "closed"}).text
        opened = client.get("/app/calls", params={"status": "open"}).text
        assert closed_call in closed
        assert closed_call not in opened
        assert (METHANE in opened) == methane_is_open()
        assert (METHANE in closed) != methane_is_open()
        both = client.get("/app/calls", params={"country": "CN"}).text
        assert closed_call in both and METHANE in both
        assert client.get("/app/calls", params={"status": "later"}).status_code == 422
    finally:
        client.close()


def test_a_long_list_of_calls_comes_in_pages(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.web.routes import calls

    # The server runs in this process: a small page size makes the demo's calls span pages.
    monkeypatch.setattr(calls, "CALLS_PER_PAGE", 4)
    client = signed_in_client(live_server, "coordinator")
    try:
        seen: list[str] = []
        page = 1
        while True:
            html = client.get("/app/calls", params={"page": page}).text
            ids = re.findall(r'<tr data-call-id="([^"]+)"', html)
            assert 1 <= len(ids) <= 4
            seen += ids
            if 'rel="next"' not in html:
                break
            page += 1
        demo_ids = {c.id for c in load_demo().calls}
        assert len(seen) == len(set(seen)) and demo_ids <= set(seen)
        assert page == -(-len(seen) // 4)
    finally:
        client.close()


def test_pinning_and_banning_one_person_is_refused_by_name(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/calls/{METHANE}")
    first = page.locator("#chooser tbody tr").first
    profile_id = first.get_attribute("data-profile-id")
    name = next(p.name for p in load_demo().profiles if p.id == profile_id)
    first.locator("input[name=pin]").check()
    first.locator("input[name=ban]").check()
    page.click("#resolve button[type=submit]")
    expect(page.locator('[data-status="422"]')).to_have_text(
        f"Nobody can be pinned and banned at once: {name}."
    )

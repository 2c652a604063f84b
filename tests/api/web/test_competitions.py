"""Grant competitions in a real browser: the coordinator opens the demo competition,
uploads more applications, sees each rule check, assigns reviewers (their evidence, the
conflicts that kept others off), imports the reviews and sees the ranking; a researcher who
is an expert reviews the applications assigned to them (in English, and in Russian on a
phone); the pages refused to other roles.

The live server is shared: each test works on a call of its own, with applications whose
ids are new each time; the experts are the demo's.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import FilePayload, expect

from matcher.competitions import find_conflicts
from matcher.datasets import load_demo
from matcher.model import Application
from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

REVIEWER = "r-0033"  # Alexandra Gerasimova, the demo researcher (KuzSTU, methane)
COORDINATOR_CALL = "c-rsf-nsfc-methane"
REVIEW_CALLS = {"en": "c-rsf-nsfc-carbon", "ru": "c-rec-hydrogen"}


def _api(live_server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, headers={"X-API-Key": ENGINE_KEY}, timeout=120)


def _payload(name: str, mime_type: str, text: str) -> FilePayload:
    """A file for an ``<input type=file>``, made in memory."""
    return {"name": name, "mimeType": mime_type, "buffer": text.encode()}


def test_a_coordinator_runs_a_competition(sign_in: SignIn, live_server: LiveServer) -> None:
    experts = {profile.id for profile in load_demo().profiles if profile.expert}
    tag = uuid.uuid4().hex[:6]
    applications = [
        {
            "id": f"a-{tag}-drainage",
            "call_id": COORDINATOR_CALL,
            "title": "Methane drainage ahead of longwall faces",
            "abstract": "Forecasting gas emission and draining coal mine methane before mining.",
            "keywords": ["methane drainage", "gas emission forecasting"],
            "team": ["r-0031", "r-0196", "r-0198"],
            "lead": "r-0031",
        },
        {
            "id": f"a-{tag}-russia-only",
            "call_id": COORDINATOR_CALL,
            "title": "Coal seam degassing by hydraulic fracturing",
            "abstract": "Hydraulic fracturing of coal seams to degas them.",
            "team": ["r-0034", "r-0039", "r-0041"],
            "lead": "r-0034",
        },
        {
            "id": f"a-{tag}-monitoring",
            "call_id": COORDINATOR_CALL,
            "title": "Underground gas monitoring for outburst prevention",
            "abstract": "Sensors and models of underground gas to prevent outbursts.",
            "team": ["r-0037", "r-0201", "r-0202"],
            "lead": "r-0037",
        },
    ]
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/competitions")
    expect(page.locator("h1")).to_have_text("Competitions")
    page.locator(f"tr[data-call-id='{COORDINATOR_CALL}'] a").click()
    page.wait_for_url(f"**/app/calls/{COORDINATOR_CALL}/competition")
    # The demo's own applications to the call are there, checked.
    expect(page.locator("#application-app-methane-01")).to_be_visible()

    # Upload the applications file.
    body = "\n".join(json.dumps(a) for a in applications) + "\n"
    page.set_input_files(
        "#applications-file",
        files=_payload("applications.jsonl", "application/x-ndjson", body),
    )
    page.locator("form[action$='/competition/applications'] button").click()
    expect(page.locator(".flash")).to_contain_text("3 application(s) stored.")

    # The rule checks: the Russian-only team breaks the call's required countries.
    failing = page.locator(f"#application-a-{tag}-russia-only")
    expect(failing).to_have_attribute("data-ok", "false")
    expect(failing).to_contain_text("required_countries:CN")
    expect(failing.locator(".fixes li").first).to_be_visible()
    expect(page.locator(f"#application-a-{tag}-drainage")).to_contain_text("meets every rule")

    # Assign the reviewers: each application gets three, with their evidence.
    page.select_option("#solver", "exact")
    page.locator("#assign-button").click()
    expect(page.locator(".flash")).to_contain_text("Reviewers assigned")
    for application in applications:
        rows = page.locator(f"#assignment-table tr[data-application-id='{application['id']}']")
        expect(rows).to_have_count(3)
        for reviewer in rows.evaluate_all("rs => rs.map(r => r.dataset.reviewerId)"):
            assert reviewer in experts
            assert reviewer not in application["team"]
    expect(page.locator("#assignment-table details summary").first).to_contain_text(
        "Best publications"
    )
    expect(page.locator("#conflicts")).to_be_visible()
    screenshot(page, "competition-assigned-en")

    # The reviews come back as a file; one application splits its reviewers.
    with _api(live_server) as http:
        assigned = http.get(f"/calls/{COORDINATOR_CALL}/assignment").json()["pairs"]
    lines = ["application_id,reviewer_id,score,comment"]
    split = applications[2]["id"]
    for position, pair in enumerate(assigned):
        disputed = pair["application_id"] == split
        score = (1 if position % 2 else 10) if disputed else 6 + position % 3
        lines.append(f"{pair['application_id']},{pair['reviewer_id']},{score},ok")
    page.set_input_files(
        "#reviews-file",
        files=_payload("reviews.csv", "text/csv", "\n".join(lines) + "\n"),
    )
    page.locator("form[action$='/competition/reviews'] button").click()
    expect(page.locator(".flash")).to_contain_text(f"{len(assigned)} review(s) stored.")
    ranking = page.locator("#ranking-table")
    expect(ranking.locator("tbody tr")).to_have_count(len({p["application_id"] for p in assigned}))
    expect(ranking.locator(f"tr[data-application-id='{split}']")).to_have_attribute(
        "data-disagreement", "true"
    )
    expect(ranking.locator(f"tr[data-application-id='{split}']")).to_contain_text("disagree")
    # The Russian-only team is ranked by its reviews but marked as breaking the rules.
    marked = ranking.locator(f"tr[data-application-id='a-{tag}-russia-only'] [data-broken-rules]")
    expect(marked).to_have_attribute("data-broken-rules", re.compile(r"\brequired_countries:CN\b"))
    expect(ranking.locator(f"tr[data-application-id='{split}'] [data-broken-rules]")).to_have_count(
        0
    )
    screenshot(page, "competition-ranked-en")


def _assign_to_the_reviewer(live_server: LiveServer, call_id: str) -> dict[str, Any]:
    """A new application to ``call_id`` whose team has no conflict with the demo
    researcher, assigned to her by hand; returns the application."""
    dataset = load_demo()
    me = dataset.profile(REVIEWER)
    call = dataset.call(call_id)
    required = list(call.rules.required_countries) or ["RU"]
    tag = uuid.uuid4().hex[:6]
    team: list[str] = []
    for country in required:
        for profile in dataset.profiles:
            if (
                profile.kind == "researcher"
                and profile.country == country
                and profile.institution != me.institution
                and profile.id not in team
            ):
                trial = Application(
                    id="probe",
                    call_id=call_id,
                    title="probe",
                    team=[*team, profile.id],
                    lead=([*team, profile.id])[0],
                )
                if not find_conflicts(dataset, [trial], [REVIEWER]).mask.any():
                    team.append(profile.id)
                    break
    application = {
        "id": f"a-{tag}-review",
        "call_id": call_id,
        "title": f"Coal to hydrogen and carbon, {tag}",
        "abstract": "Turning coal and methane into hydrogen and carbon materials.",
        "keywords": ["hydrogen production", "methane pyrolysis"],
        "team": team,
        "lead": team[0],
    }
    with _api(live_server) as http:
        created = http.post(f"/calls/{call_id}/applications", json=application)
        assert created.status_code == 201, created.text
        assigned = http.post(
            f"/calls/{call_id}/assignment", json={"pairs": {application["id"]: [REVIEWER]}}
        )
        assert assigned.status_code == 200, assigned.text
    return application


def test_an_expert_reviews_an_application_assigned_to_her(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    application = _assign_to_the_reviewer(live_server, REVIEW_CALLS["en"])
    page = sign_in("researcher")
    page.locator("nav a", has_text="My reviews").click()
    page.wait_for_url("**/app/me/reviews")
    card = page.locator(f"#review-{application['id']}")
    expect(card).to_contain_text(application["title"])
    card.locator("input[name=score]").fill("7")
    card.locator("select[name=confidence]").select_option("4")
    card.locator("textarea[name=comment]").fill("A sound plan.")
    screenshot(page, "competition-review-form-en")
    card.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Your review is stored.")
    expect(page.locator(f"#review-{application['id']} .review-done")).to_contain_text("7")
    with _api(live_server) as http:
        stored = http.get(f"/calls/{REVIEW_CALLS['en']}/reviews").json()["items"]
    mine = [r for r in stored if r["application_id"] == application["id"]]
    assert [(r["reviewer_id"], r["score"], r["confidence"]) for r in mine] == [(REVIEWER, 7, 4)]


def test_an_expert_reviews_in_russian_on_a_phone(sign_in: SignIn, live_server: LiveServer) -> None:
    application = _assign_to_the_reviewer(live_server, REVIEW_CALLS["ru"])
    page = sign_in("researcher", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/me/reviews")
    expect(page.locator("h1")).to_have_text("Мои рецензии")
    card = page.locator(f"#review-{application['id']}")
    card.locator("input[name=score]").fill("8.5")
    card.locator("textarea[name=comment]").fill("Хорошая заявка.")
    card.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Ваша рецензия сохранена.")
    expect(page.locator(f"#review-{application['id']} .review-done")).to_contain_text(
        "рецензия дана"
    )
    screenshot(page, "competition-review-ru-375")


def test_the_competition_page_in_russian(sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in("coordinator", locale="ru-RU", width=375)
    # Reached from the call's own page.
    page.goto(f"{live_server.url}/app/calls/{REVIEW_CALLS['ru']}")
    link = page.locator("#competition-link")
    expect(link).to_contain_text("Конкурсный отбор")
    link.click()
    page.wait_for_url(f"**/app/calls/{REVIEW_CALLS['ru']}/competition")
    expect(page.locator("h1")).to_contain_text("Конкурс")
    expect(page.locator("#assign-button")).to_be_visible()
    screenshot(page, "competition-ru-375")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("researcher", "/app/competitions"),
        ("researcher", f"/app/calls/{COORDINATOR_CALL}/competition"),
        ("office_staff", "/app/competitions"),
        ("office_staff", f"/app/calls/{COORDINATOR_CALL}/competition"),
        ("office_staff", "/app/me/reviews"),
        ("coordinator", "/app/me/reviews"),
        ("admin", "/app/me/reviews"),
    ],
)
def test_other_roles_may_not_open_the_competition_pages(
    sign_in: SignIn, live_server: LiveServer, role: str, path: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 403
    expect(page.locator("[data-status='403']")).to_be_visible()

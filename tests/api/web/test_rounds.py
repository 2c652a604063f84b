"""Grant rounds in a real browser: start one, watch it finish, read the grant office's
report (names, every team, a sortable table, CSV exports, plots, every file), and the
roles that may not."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

API = {"X-API-Key": ENGINE_KEY}
WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 10)"""


def _api(live_server: LiveServer, path: str) -> httpx.Response:
    response = httpx.get(f"{live_server.url}{path}", headers=API, timeout=60)
    assert response.status_code == 200, response.text
    return response


def _wait_for_job(live_server: LiveServer, job_id: str, timeout: float = 300) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, object] = _api(live_server, f"/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture(scope="module")
def finished_round(live_server: LiveServer) -> Iterator[str]:
    """A small round started through the JSON API (for the refusals)."""
    response = httpx.post(
        f"{live_server.url}/jobs", headers=API, json={"kind": "round", "top_k": 3}, timeout=60
    )
    assert response.status_code == 202, response.text
    job_id: str = response.json()["id"]
    assert _wait_for_job(live_server, job_id)["status"] == "succeeded"
    yield job_id


def _column_values(page: Page, table: str, column: int) -> list[float]:
    values: list[str] = page.locator(f"{table} tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{column}].getAttribute('data-value'))"
    )
    return [float(v) for v in values]


def test_a_coordinator_runs_a_round_and_reads_its_named_report(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/rounds")
    page.fill("#top_k", "4")
    page.check("#eligible_only")
    page.click("#round-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app/rounds/*")
    job_id = page.url.rsplit("/", 1)[1]
    # The page reloads itself while the round is queued or running.
    expect(page.locator("[data-job-status]").first).to_have_attribute(
        "data-job-status", "succeeded", timeout=300_000
    )
    assert page.locator("[data-refresh-seconds]").count() == 0
    expect(page.locator("#job-progress")).to_have_attribute("aria-valuenow", "100")

    job = _api(live_server, f"/jobs/{job_id}").json()
    assert job["params"]["top_k"] == 4 and job["params"]["eligible_only"] is True
    teams_csv = _api(live_server, f"/jobs/{job_id}/files/teams.csv").text
    members = list(csv.DictReader(io.StringIO(teams_csv)))
    calls = list(dict.fromkeys(row["call_id"] for row in members))
    summary = job["result"]["summary"]

    # Every team (one row per staffed call), and every call of the round.
    teams = page.locator("#round-teams tbody tr")
    expect(teams).to_have_count(len(calls))
    assert len(calls) == summary["staffed"]
    expect(page.locator("#round-calls tbody tr")).to_have_count(summary["calls"])
    unstaffed = list(summary["unstaffed"])
    for call_id in unstaffed:
        line = page.locator("#round-calls tbody tr", has_text=call_id)
        expect(line).to_contain_text("no team")
        expect(line).to_contain_text(summary["unstaffed"][call_id][0][:40])

    # Names, not only ids: the lead of the first team and its call's title.
    first = members[0]
    profile = _api(live_server, f"/profiles/{first['profile_id']}").json()
    call = _api(live_server, f"/calls/{first['call_id']}").json()
    row = page.locator("#round-teams tbody tr", has_text=call["title"])
    expect(row).to_contain_text(profile["name"])
    institution = _api(live_server, f"/institutions/{first['institution']}").json()
    expect(row).to_contain_text(institution["name"])

    # Sorting by the objective: ascending, then descending.
    header = page.locator("#round-teams th", has_text="Objective")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ascending = _column_values(page, "#round-teams", 1)
    assert ascending == sorted(ascending)
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert _column_values(page, "#round-teams", 1) == sorted(ascending, reverse=True)

    # The named teams table as CSV: one row per member, names beside the ids.
    with page.expect_download() as download_info:
        page.click("#export-teams")
    download = download_info.value
    assert download.suggested_filename.endswith("-teams.csv")
    text = download.path().read_text(encoding="utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == len(members)
    assert exported[0]["profile_id"] == first["profile_id"]
    assert exported[0]["name"] == profile["name"]
    assert exported[0]["call_title"] == call["title"]

    # The plots are images that load, and every file of the job is a link.
    plots = page.locator("figure.plot img")
    assert plots.count() >= 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.plot img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    files = _api(live_server, f"/jobs/{job_id}/files").json()
    for listed in files:
        expect(page.locator(f"#round-files a[href$='/files/{listed['name']}']")).to_have_count(1)
    with page.expect_download() as file_download:
        page.click("#round-files a[href$='/files/summary.json']")
    assert file_download.value.path().read_text().strip().startswith("{")
    screenshot(page, "round-report-en")

    # The round is listed on the rounds page.
    page.goto(f"{live_server.url}/app/rounds")
    expect(page.locator(f"#rounds a[href$='/rounds/{job_id}']")).to_have_count(1)
    screenshot(page, "rounds-en")


def test_the_round_report_in_russian_at_phone_width(
    sign_in: SignIn, live_server: LiveServer, finished_round: str
) -> None:
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/rounds/{finished_round}")
    expect(page.locator("#teams-title")).to_contain_text("Команды")
    expect(page.locator("#round-calls thead")).to_contain_text("Конкурс")
    screenshot(page, "round-report-ru-375")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, (width, page.evaluate(WIDE))


def test_a_round_with_options_out_of_range_is_refused_with_the_field(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in("coordinator")
    page.goto(f"{live_server.url}/app/rounds")
    before = _api(live_server, "/jobs?limit=500").json()["total"]
    # The browser's own checks off, as an old browser would send it.
    page.locator("#round-form").evaluate("form => { form.noValidate = true; }")
    page.fill("#top_k", "5000")
    page.click("#round-form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator(".problems")).to_contain_text("top_k")
    assert _api(live_server, "/jobs?limit=500").json()["total"] == before


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
def test_roles_that_may_not_run_rounds_get_403(
    sign_in: SignIn, live_server: LiveServer, finished_round: str, role: str
) -> None:
    page = sign_in(role)
    for path in (
        "/app/rounds",
        f"/app/rounds/{finished_round}",
        f"/app/rounds/{finished_round}/files/teams.csv",
        f"/app/rounds/{finished_round}/export/teams.csv",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 403, path
        expect(page.locator("[data-status='403']")).to_be_visible()

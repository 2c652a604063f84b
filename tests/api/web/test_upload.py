"""Uploading data files in a real browser: a refused file with its line and field named
and nothing stored, the counts of a good one, an outside source's file imported by a job,
the Russian page, and the roles that may not upload."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 10)"""


def _profile(profile_id: str, country: str = "RU") -> str:
    return json.dumps({"id": profile_id, "name": f"Test Person {profile_id}", "country": country})


def _stored(live_server: LiveServer, profile_id: str) -> bool:
    response = httpx.get(
        f"{live_server.url}/profiles/{profile_id}", headers={"X-API-Key": ENGINE_KEY}
    )
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


def _upload(page: Page, live_server: LiveServer, path: Path, kind: str, mode: str) -> None:
    page.goto(f"{live_server.url}/app/upload")
    page.set_input_files("#file", str(path))
    page.select_option("#kind", kind)
    page.select_option("#mode", mode)
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()


def test_a_file_with_an_error_on_line_2_is_refused_with_the_line_and_field_and_nothing_stored(
    sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    first, second = f"t-up-{uuid.uuid4().hex[:10]}", f"t-up-{uuid.uuid4().hex[:10]}"
    path = tmp_path / "people-with-error.jsonl"
    path.write_text(_profile(first) + "\n" + _profile(second, country="RUS") + "\n")
    page = sign_in("coordinator")
    _upload(page, live_server, path, "profiles", "create")

    expect(page.locator("#refused [role=alert]")).to_contain_text("Nothing was stored")
    row = page.locator("#problems tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("people-with-error.jsonl")
    expect(row.locator("[data-line]")).to_have_text("2")
    expect(row.locator("[data-field]")).to_have_text("country")
    expect(row.locator("td").nth(3)).to_contain_text("RUS")
    screenshot(page, "upload-errors-en")
    # All or nothing: the good first line was not stored either.
    assert not _stored(live_server, first)
    assert not _stored(live_server, second)


def test_a_good_file_is_imported_and_the_counts_are_shown_then_upserted(
    sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    ids = [f"t-up-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    path = tmp_path / "people.jsonl"
    path.write_text("".join(_profile(i) + "\n" for i in ids))
    page = sign_in("coordinator")
    _upload(page, live_server, path, "profiles", "create")
    expect(page.locator(".flash")).to_have_text("people.jsonl: 3 created, 0 updated (Profiles).")
    assert all(_stored(live_server, i) for i in ids)

    # The same file again: create refuses the taken id (line 1, field id)...
    _upload(page, live_server, path, "profiles", "create")
    expect(page.locator("#problems [data-line]")).to_have_text("1")
    expect(page.locator("#problems [data-field]")).to_have_text("id")
    # ...upsert replaces the records.
    _upload(page, live_server, path, "profiles", "upsert")
    expect(page.locator(".flash")).to_have_text("people.jsonl: 0 created, 3 updated (Profiles).")


def test_a_spreadsheet_is_imported_by_a_job_whose_page_shows_what_was_stored(
    sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    name = f"Sheet Person {uuid.uuid4().hex[:8]}"
    path = tmp_path / "people.csv"
    path.write_text(f"name,country,keywords\n{name},KZ,hydrology\n")
    page = sign_in("coordinator")
    _upload(page, live_server, path, "spreadsheet", "create")
    assert "/app/upload/jobs/" in page.url
    # The page reloads itself while the job runs.
    expect(page.locator("[data-job-status]").first).to_have_attribute(
        "data-job-status", "succeeded", timeout=120_000
    )
    saved = page.locator("#import-saved tbody tr")
    expect(saved).to_have_count(1)
    expect(saved.locator("th")).to_have_text("profiles")
    expect(saved.locator("td").nth(0)).to_have_text("1")
    screenshot(page, "upload-import-job-en")
    # The job is listed on the upload page, and its report downloads.
    page.click("text=Back to the uploads")
    expect(page.locator("#import-jobs")).to_contain_text("people.csv")


def test_a_source_file_of_the_wrong_type_is_refused_with_the_file_named(
    sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 not a source file")
    page = sign_in("coordinator")
    _upload(page, live_server, path, "cordis", "create")
    expect(page.locator("#problems tbody tr td").nth(0)).to_have_text("notes.pdf")
    expect(page.locator("#problems [data-field]")).to_have_text("file")
    expect(page.locator("#problems")).to_contain_text("unsupported file type")


def test_the_upload_errors_in_russian_at_phone_width(
    sign_in: SignIn, live_server: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "calls.jsonl"
    bad_call = {"id": f"t-call-{uuid.uuid4().hex[:8]}", "title": ""}
    path.write_text(json.dumps(bad_call) + "\n")
    page = sign_in("coordinator", locale="ru-RU", width=375)
    page.goto(f"{live_server.url}/app/upload")
    expect(page.locator("h1")).to_have_text("Загрузка данных")
    page.set_input_files("#file", str(path))
    page.select_option("#kind", "calls")
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#refused h2")).to_have_text("Файл не импортирован")
    expect(page.locator("#problems thead")).to_contain_text("Строка")
    expect(page.locator("#problems [data-line]")).to_have_text("1")
    expect(page.locator("#problems [data-field]")).to_have_text("title")
    # Nothing wider than the phone's screen but the scrolling table.
    screenshot(page, "upload-errors-ru-375")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, (width, page.evaluate(WIDE))


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
def test_roles_that_may_not_upload_get_403(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/upload")
    assert response is not None and response.status == 403
    expect(page.locator("[data-status='403']")).to_be_visible()
    assert page.locator("#upload-form").count() == 0


def _signed_in_client(live_server: LiveServer, role: str) -> tuple[httpx.Client, str]:
    """An HTTP client signed in as ``role``, and its session's form token."""
    account = live_server.account(role)
    client = httpx.Client(base_url=live_server.url)
    form = client.get("/app/login").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    signed = client.post(
        "/app/login",
        data={"email": account.email, "password": account.password, "csrf_token": token},
    )
    assert signed.status_code == 303, signed.text
    # Every page of a signed-in user (a 403 page too) carries the session's form token.
    page = client.get("/app/upload")
    session_token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client, session_token


@pytest.mark.parametrize("role", ["researcher", "office_staff"])
def test_an_upload_posted_by_a_role_that_may_not_upload_stores_nothing(
    live_server: LiveServer, role: str
) -> None:
    profile_id = f"t-up-{uuid.uuid4().hex[:10]}"
    client, token = _signed_in_client(live_server, role)
    try:
        refused = client.post(
            "/app/upload",
            data={"csrf_token": token, "kind": "profiles", "mode": "create"},
            files={"file": ("p.jsonl", (_profile(profile_id) + "\n").encode())},
        )
    finally:
        client.close()
    assert refused.status_code == 403
    assert 'data-status="403"' in refused.text
    assert not _stored(live_server, profile_id)


def test_an_upload_without_the_form_token_stores_nothing(live_server: LiveServer) -> None:
    profile_id = f"t-up-{uuid.uuid4().hex[:10]}"
    client, _token = _signed_in_client(live_server, "coordinator")
    try:
        refused = client.post(
            "/app/upload",
            data={"kind": "profiles", "mode": "create"},
            files={"file": ("p.jsonl", (_profile(profile_id) + "\n").encode())},
        )
    finally:
        client.close()
    assert refused.status_code == 403
    assert not _stored(live_server, profile_id)


def test_a_file_that_is_not_text_is_refused_with_its_line(live_server: LiveServer) -> None:
    good = f"t-up-{uuid.uuid4().hex[:10]}"
    client, token = _signed_in_client(live_server, "coordinator")
    body = (_profile(good) + "\n").encode() + b'{"id": "x\xff", "name": "B"}\n'
    try:
        refused = client.post(
            "/app/upload",
            data={"csrf_token": token, "kind": "profiles", "mode": "create"},
            files={"file": ("latin1.jsonl", body)},
        )
    finally:
        client.close()
    assert refused.status_code == 422
    assert "latin1.jsonl line 2" in refused.text
    assert "not valid UTF-8" in refused.text
    assert not _stored(live_server, good)

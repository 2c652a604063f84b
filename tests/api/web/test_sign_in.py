"""Signing in and out in a real browser, in English and Russian; the refusals."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.web.conftest import LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

HOMES = {
    "admin": "/app/admin/users",
    "coordinator": "/app/calls",
    "researcher": "/app/me",
    "office_staff": "/app/office",
}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_signs_in_to_its_home_and_signs_out(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    assert page.url == live_server.url + HOMES[role]
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/app/login")
    # Signed out: the home page sends the browser back to the form.
    page.goto(f"{live_server.url}{HOMES[role]}")
    assert "/app/login" in page.url


def test_a_wrong_password_is_refused_without_saying_which_part(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(None)
    page.fill("input[name=email]", live_server.account("coordinator").email)
    page.fill("input[name=password]", "not-the-password")
    page.click("form.stack button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Wrong e-mail or password.")
    assert "/app/login" in page.url
    screenshot(page, "sign-in-error-en")


def test_the_interface_is_russian_for_a_russian_browser(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(None, locale="ru-RU")
    expect(page.locator("h1")).to_have_text("Вход")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    screenshot(page, "sign-in-ru")
    page.fill("input[name=email]", live_server.account("coordinator").email)
    page.fill("input[name=password]", live_server.account("coordinator").password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app/calls")
    expect(page.locator("header nav")).to_contain_text("Конкурсы")


def test_the_language_switch_changes_the_interface(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(None)
    expect(page.locator("h1")).to_have_text("Sign in")
    page.select_option("#language-switch", "ru")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Вход")
    page.select_option("#language-switch", "en")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Sign in")


def test_a_signed_out_visitor_is_sent_to_the_sign_in_form_and_back(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(None)
    page.goto(f"{live_server.url}/app/calls")
    assert "/app/login?next=%2Fapp%2Fcalls" in page.url
    account = live_server.account("coordinator")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app/calls")


def test_a_form_posted_without_the_session_token_is_refused(live_server: LiveServer) -> None:
    account = live_server.account("coordinator")
    with httpx.Client(base_url=live_server.url) as client:
        form = client.get("/app/login")
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        # The sign-in form's token must match its own cookie: a forged post fails.
        forged = httpx.post(
            f"{live_server.url}/app/login",
            data={"email": account.email, "password": account.password, "csrf_token": "x" * 20},
        )
        assert forged.status_code == 403
        signed = client.post(
            "/app/login",
            data={"email": account.email, "password": account.password, "csrf_token": token},
        )
        assert signed.status_code == 303
        # Signed in, a post without the session's token changes nothing.
        refused = client.post("/app/logout", data={})
        assert refused.status_code == 403
        assert client.get("/app/calls", follow_redirects=False).status_code != 303


def test_the_session_cookie_is_http_only_and_same_site(live_server: LiveServer) -> None:
    account = live_server.account("researcher")
    with httpx.Client(base_url=live_server.url) as client:
        form = client.get("/app/login")
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        signed = client.post(
            "/app/login",
            data={"email": account.email, "password": account.password, "csrf_token": token},
        )
        cookie = next(
            h for h in signed.headers.get_list("set-cookie") if h.startswith("gm_session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie

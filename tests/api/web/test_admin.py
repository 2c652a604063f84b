"""The admin's users page in a real browser: inviting a researcher who then signs in,
resetting access (the old password and sessions end), disabling, a binding to nothing
refused with the field named, the audit trail, Russian, and the roles that may not."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.api.web.conftest import ENGINE_KEY, LiveServer, SignIn, screenshot

pytestmark = pytest.mark.slow

BOUND_PROFILE = "r-0002"
PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def fresh(browser: Browser) -> Iterator[list[BrowserContext]]:
    """New browser contexts (another person's browser), closed after the test."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _new_page(browser: Browser, opened: list[BrowserContext]) -> Page:
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(60_000)
    opened.append(context)
    return context.new_page()


def _invite(page: Page, live_server: LiveServer, email: str, role: str, binding: str) -> None:
    page.goto(f"{live_server.url}/app/admin/users")
    page.fill("#invite-email", email)
    page.fill("#invite-name", "Invited Researcher")
    page.select_option("#invite-role", role)
    page.fill("#invite-binding", binding)
    page.click("#invite-form button[type=submit]")
    page.wait_for_load_state()


def _choose_password(page: Page, link: str, password: str) -> None:
    page.goto(link)
    page.fill("#password", password)
    page.fill("#repeat", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def _sign_in(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/app/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def _audited(live_server: LiveServer, action: str) -> list[str]:
    response = httpx.get(
        f"{live_server.url}/audit",
        params={"action": action, "limit": 500},
        headers={"X-API-Key": ENGINE_KEY},
    )
    assert response.status_code == 200, response.text
    return [item["target"] for item in response.json()["items"]]


def test_an_invited_researcher_sets_a_password_signs_in_and_loses_access_on_reset(
    sign_in: SignIn, live_server: LiveServer, browser: Browser, fresh: list[BrowserContext]
) -> None:
    email = f"invited-{uuid.uuid4().hex[:8]}@example.org"
    admin = sign_in("admin")
    _invite(admin, live_server, email, "researcher", BOUND_PROFILE)
    expect(admin.locator("h1")).to_have_text("Invitation link")
    expect(admin.locator("main")).to_contain_text("There is no e-mail sending yet")
    profile = httpx.get(
        f"{live_server.url}/profiles/{BOUND_PROFILE}", headers={"X-API-Key": ENGINE_KEY}
    ).json()
    expect(admin.locator("main dl")).to_contain_text(profile["name"])
    link = admin.locator("#invite-link").input_value()
    screenshot(admin, "admin-invitation-link-en")
    assert link.startswith(f"{live_server.url}/app/invite/")

    # The users page lists the account as invited, bound to the profile by name.
    admin.goto(f"{live_server.url}/app/admin/users")
    row = admin.locator(f"#users tr[data-email='{email}']")
    expect(row.locator("[data-account-status]")).to_have_attribute("data-account-status", "invited")
    expect(row).to_contain_text(profile["name"])

    # The invited person, in their own browser: a password, then sign-in lands on /app/me.
    person = _new_page(browser, fresh)
    _choose_password(person, link, PASSWORD)
    assert person.url.endswith("/app/login")
    expect(person.locator(".flash")).to_have_text("Password set. Sign in with it.")
    _sign_in(person, live_server, email, PASSWORD)
    assert person.url == f"{live_server.url}/app/me"
    # The link is used up.
    used = person.context.new_page()
    answer = used.goto(link)
    assert answer is not None and answer.status == 404
    admin.reload()
    expect(row.locator("[data-account-status]")).to_have_attribute("data-account-status", "active")

    # Reset access: a new link; the old password and the open session stop working.
    row.locator("form[action$='/reset'] button").click()
    admin.wait_for_load_state()
    expect(admin.locator("h1")).to_have_text("Access reset")
    new_link = admin.locator("#invite-link").input_value()
    assert new_link != link
    person.goto(f"{live_server.url}/app/")
    assert "/app/login" in person.url
    _sign_in(person, live_server, email, PASSWORD)
    expect(person.locator("#login-error")).to_have_text("Wrong e-mail or password.")
    _choose_password(person, new_link, PASSWORD + "-new")
    _sign_in(person, live_server, email, PASSWORD + "-new")
    assert person.url == f"{live_server.url}/app/me"

    # Disable: no sign-in any more.
    admin.goto(f"{live_server.url}/app/admin/users")
    row.locator("form[action$='/disable'] button").click()
    admin.wait_for_load_state()
    expect(admin.locator(".flash")).to_have_text(f"{email} is disabled.")
    expect(row.locator("[data-account-status]")).to_have_attribute(
        "data-account-status", "disabled"
    )
    screenshot(admin, "admin-users-en")
    person.goto(f"{live_server.url}/app/")
    assert "/app/login" in person.url
    _sign_in(person, live_server, email, PASSWORD + "-new")
    expect(person.locator("#login-error")).to_be_visible()

    # Each action is in the audit trail.
    for action in ("user.invite", "user.reset_access", "user.disable"):
        assert any(target.startswith("user:") for target in _audited(live_server, action))


def test_a_binding_to_an_unknown_profile_is_a_field_error_and_no_account(
    sign_in: SignIn, live_server: LiveServer
) -> None:
    email = f"unbound-{uuid.uuid4().hex[:8]}@example.org"
    admin = sign_in("admin")
    _invite(admin, live_server, email, "researcher", "no-such-profile")
    error = admin.locator("[data-field-error='binding']")
    expect(error).to_have_text("There is no profile with this id.")
    expect(admin.locator("#invite-binding")).to_have_attribute("aria-invalid", "true")
    # The form keeps what was typed; no account was made.
    expect(admin.locator("#invite-email")).to_have_value(email)
    expect(admin.locator(f"#users tr[data-email='{email}']")).to_have_count(0)
    # An office staff member must name an office.
    _invite(admin, live_server, email, "office_staff", BOUND_PROFILE)
    expect(error).to_have_text("There is no office with this id.")
    screenshot(admin, "admin-users-binding-error-en")


def test_the_users_page_in_russian_at_phone_width(sign_in: SignIn, live_server: LiveServer) -> None:
    admin = sign_in("admin", locale="ru-RU", width=375)
    admin.goto(f"{live_server.url}/app/admin/users")
    expect(admin.locator("h1")).to_have_text("Пользователи")
    expect(admin.locator("#invite-title")).to_have_text("Пригласить пользователя")
    expect(admin.locator("#users thead")).to_contain_text("Роль")
    screenshot(admin, "admin-users-ru-375")
    # Only the accounts table scrolls sideways; the page itself fits the phone.
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("role", ["coordinator", "researcher", "office_staff"])
def test_roles_other_than_admin_may_not_manage_users(
    sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    page = sign_in(role)
    response = page.goto(f"{live_server.url}/app/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator("[data-status='403']")).to_be_visible()
    assert page.locator("#invite-form").count() == 0


def test_an_invitation_posted_by_a_coordinator_is_refused(live_server: LiveServer) -> None:
    account = live_server.account("coordinator")
    email = f"forged-{uuid.uuid4().hex[:8]}@example.org"
    with httpx.Client(base_url=live_server.url) as client:
        form = client.get("/app/login").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/app/login",
            data={"email": account.email, "password": account.password, "csrf_token": token},
        )
        session_token = (
            client.get("/app/rounds").text.split('name="csrf_token" value="')[1].split('"')[0]
        )
        refused = client.post(
            "/app/admin/users",
            data={"csrf_token": session_token, "email": email, "role": "admin"},
        )
    assert refused.status_code == 403
    assert email not in _users_page(live_server)


def _users_page(live_server: LiveServer) -> str:
    """Every account's e-mail, as the admin's page lists them."""
    admin = live_server.account("admin")
    with httpx.Client(base_url=live_server.url) as client:
        form = client.get("/app/login").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/app/login",
            data={"email": admin.email, "password": admin.password, "csrf_token": token},
        )
        return client.get("/app/admin/users").text

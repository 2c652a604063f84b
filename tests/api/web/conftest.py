"""Fixtures of the web application's tests: the service serving the demo data on a real
port (uvicorn in a thread), its demo accounts, and a real headless Chromium driven by
Playwright.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it where
missing), or the one ``GRANTMATCH_CHROMIUM`` names; Playwright never downloads one. A
missing browser fails the browser tests with the reason: they are never skipped.

Screenshots of the main pages go to ``build/screenshots/`` (ignored by git) for a reviewer.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from api.http.app import create_app
from api.http.settings import Settings
from api.web.demo import DemoAccount, seed_demo

ROOT = Path(__file__).parents[3]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The real engine (the default backend would load two models; TF-IDF is the same engine
# with the lighter, real lexical embedder, so the pages' tests stay quick).
ENGINE_KEY = "web-tests-admin-key"
BACKEND = os.environ.get("GRANTMATCH_WEB_TEST_BACKEND", "tfidf")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """The service on a real port, with the demo accounts by role."""

    url: str
    accounts: dict[str, DemoAccount]
    home: Path

    def account(self, role: str) -> DemoAccount:
        """The demo account of a role (``office_staff`` is the office in China)."""
        return self.accounts[role]


def start_server(
    home: Path, backend: str = BACKEND
) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve a fresh app (store in ``home``) on a free port; returns when it answers."""
    settings = Settings(
        home=home,
        database_url=f"sqlite:///{home / 'web.sqlite'}",
        backend=backend,
        engine_refit_interval=0.5,
        engine_poll_seconds=0.2,
        access_log=False,
        api_keys=f"{ENGINE_KEY}:admin",
    )
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web test server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def wait_for_engine(url: str, timeout: float = 300) -> None:
    """Wait until the first engine is fitted (pages with answers would wait anyway)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # The engine's state is public to any role; the first page of answers waits for
        # the fit itself, this only keeps each test's timing out of it.
        response = httpx.get(f"{url}/engine", headers={"X-API-Key": ENGINE_KEY})
        if response.status_code == 200 and response.json().get("version"):
            return
        time.sleep(0.2)
    raise RuntimeError("the engine did not fit in time")


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The service with the demo data and accounts, shared by the web tests."""
    home = Path(tempfile.mkdtemp(prefix="grantmatch-web-"))
    try:
        from api.http.store.db import Database

        database = Database(f"sqlite:///{home / 'web.sqlite'}")
        seeded = seed_demo(database)
        database.dispose()
        server, thread, url = start_server(home)
        wait_for_engine(url)
        yield LiveServer(url, {a.role: a for a in seeded}, home)
        server.should_exit = True
        thread.join(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def chromium_path() -> str:
    """Debian's Chromium, or ``GRANTMATCH_CHROMIUM``; fails the test with the fix."""
    configured = os.environ.get("GRANTMATCH_CHROMIUM")
    for candidate in (configured, "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail(
        "Chromium not found (looked for GRANTMATCH_CHROMIUM, /usr/bin/chromium, chromium on "
        "the PATH): apt-get install chromium (.ci/run does it)"
    )


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the session (each test opens its own context)."""
    launched = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
    yield launched
    launched.close()


SignIn = Callable[..., Page]


@pytest.fixture
def sign_in(browser: Browser, live_server: LiveServer) -> Iterator[SignIn]:
    """``sign_in(role, locale="en-GB", width=1280)``: a new browser context signed in
    through the sign-in form as that role's demo account; returns its page."""
    contexts = []

    def open_as(role: str | None, locale: str = "en-GB", width: int = 1280) -> Page:
        context = browser.new_context(
            locale=locale,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": locale},
        )
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/app/login")
        if role is None:
            return page
        account = live_server.account(role)
        page.fill("input[name=email]", account.email)
        page.fill("input[name=password]", account.password)
        page.click("form.stack button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, page.content()[:2000]
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in ``build/screenshots/<name>.png`` for a reviewer."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

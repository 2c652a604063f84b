"""The pages' guarantees that need no browser: the sign-in throttle, security headers, the
next-page check, error pages that never leak a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import Settings
from api.web.demo import seed_demo


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'pages.sqlite'}",
        backend="tfidf",
        run_jobs=False,
        key_failure_limit=3,
    )
    app = create_app(settings)
    seeded = seed_demo(app.state.service.database)
    with TestClient(app) as test_client:
        yield test_client, {a.role: a.password for a in seeded}


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _sign_in(client: TestClient, email: str, password: str, next_: str = "") -> Any:
    token = _token(client.get("/app/login").text)
    return client.post(
        "/app/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next_},
        follow_redirects=False,
    )


def test_repeated_failed_sign_ins_are_throttled(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    test_client, passwords = client
    email = "coordinator@demo.grantmatch.org"
    statuses = [_sign_in(test_client, email, "wrong password!").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    # Even the right password waits now: guessing is slowed for the whole address.
    throttled = _sign_in(test_client, email, passwords["coordinator"])
    assert throttled.status_code == 429
    assert "Try again in" in throttled.text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/app", "/docs", "/app\\@evil.example"]
)
def test_sign_in_never_sends_the_browser_off_the_application(
    client: tuple[TestClient, dict[str, str]], target: str
) -> None:
    test_client, passwords = client
    answer = _sign_in(
        test_client, "coordinator@demo.grantmatch.org", passwords["coordinator"], target
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/calls"


def test_pages_carry_the_security_headers(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, _passwords = client
    for path in ("/app/login", "/app/static/app.css", "/app/no-such-page"):
        answer = test_client.get(path)
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"


def test_an_unknown_page_is_a_page_not_json(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, _passwords = client
    answer = test_client.get("/app/no-such-page", headers={"Accept-Language": "ru"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "По этому адресу страницы нет." in answer.text


def test_the_api_keeps_answering_json(client: tuple[TestClient, dict[str, str]]) -> None:
    test_client, _passwords = client
    answer = test_client.get("/calls")
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("missing API key")


def test_the_root_sends_people_to_the_application(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    test_client, _passwords = client
    answer = test_client.get("/", follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"] == "/app/"

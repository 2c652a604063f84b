"""Crafted input gets a 4xx that says what is wrong, on a connection that stays usable;
unknown query parameters are refused; OPTIONS and 405 carry ``Allow``; repeated unknown
keys are throttled."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import Settings
from tests.api.http.conftest import ADMIN, KEYS, SMALL, AppFactory, auth


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 with the default limits (empty store)."""
    folder: Path = tmp_path_factory.mktemp("live")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'live.sqlite'}",
        api_keys=KEYS,
        backend="tfidf",
        run_jobs=False,
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


PROFILE_LINE = (SMALL / "profiles.jsonl").read_text().splitlines()[0]

CRAFTED = {
    "lone surrogate": ("/profiles", b'{"id": "p-x", "name": "A \\ud800 B"}', 422, "surrogate"),
    "nested 300 deep": (
        "/profiles",
        f'{{"id": "p-x", "name": "A", "extra": {_deep(300)}}}'.encode(),
        422,
        "nested deeper than 32",
    ),
    "import line nested 1000 deep": (
        "/profiles/import",
        f'{PROFILE_LINE}\n{{"id": "p-y", "name": "B", "x": {_deep(1000)}}}\n'.encode(),
        422,
        "body line 2: arrays and objects nested deeper",
    ),
    "import surrogate": (
        "/profiles/import",
        b'{"id": "p-y", "name": "B\\udc00"}\n',
        422,
        "body line 1: a string holds a lone UTF-16 surrogate",
    ),
    "10 MiB name": (
        "/profiles",
        b'{"id": "p-x", "name": "' + b"a" * (10 * 1024 * 1024) + b'"}',
        422,
        "a string of 10485760 characters (at most 100000)",
    ),
    "2 MiB record": (
        "/profiles",
        json.dumps({"id": "p-x", "name": "A", "keywords": ["k" * 1000] * 2048}).encode(),
        413,
        "a record larger than 1048576 bytes",
    ),
    "long string": (
        "/profiles",
        b'{"id": "p-x", "name": "' + b"a" * 100_001 + b'"}',
        422,
        "a string of 100001 characters",
    ),
    "not UTF-8": ("/profiles", b'{"id": "p-x", "name": "\xed\xa0\x80"}', 422, "not valid UTF-8"),
}


def _local_port(response: httpx.Response) -> int:
    stream: Any = response.extensions["network_stream"]
    port: int = stream.get_extra_info("client_addr")[1]
    return port


def assert_error_shape(body: dict[str, Any]) -> None:
    """The documented shape of every 4xx body."""
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str)
    assert body["errors"], body
    for problem in body["errors"]:
        assert set(problem) == {"field", "value", "reason", "line"}, problem


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_crafted_bodies_get_a_4xx_and_the_connection_stays_usable(live_url: str, case: str) -> None:
    path, body, status, expected = CRAFTED[case]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(base_url=live_url, limits=limits, timeout=60) as client:
        ports = [_local_port(client.get("/health"))]
        response = client.post(
            path, content=body, headers=auth(ADMIN) | {"content-type": "application/json"}
        )
        ports.append(_local_port(response))
        after = client.get("/me", headers=auth(ADMIN))
        ports.append(_local_port(after))
    assert response.status_code == status, response.text[:300]
    assert expected in response.json()["detail"], response.json()
    assert_error_shape(response.json())
    assert "close" not in response.headers.get("connection", "")
    assert after.status_code == 200 and after.json()["role"] == "admin"
    assert len(set(ports)) == 1, "the connection was not kept"


def test_deep_but_allowed_bodies_are_accepted(make_client: AppFactory) -> None:
    client = make_client()
    extra = json.loads(_deep(30))
    emoji = "\U0001f600"  # escaped as a surrogate pair by json.dumps: a valid pair
    body = json.dumps({"id": "p-ok", "name": f"A {emoji}", "extra": extra})
    response = client.post(
        "/profiles", content=body, headers=auth(ADMIN) | {"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == f"A {emoji}"


def test_limits_come_from_the_settings(sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url, api_keys=KEYS, backend="tfidf", run_jobs=False, max_json_depth=4
    )
    with TestClient(create_app(settings)) as client:
        body = {"id": "p-x", "name": "A", "extra": [[[[1]]]]}
        response = client.post("/profiles", json=body, headers=auth(ADMIN))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "body line 1: arrays and objects nested deeper than 4 levels"
    )
    assert response.json()["errors"][0] == {
        "field": "body",
        "value": None,
        "reason": "arrays and objects nested deeper than 4 levels",
        "line": 1,
    }


# ----------------------------------------------------------------- query parameters


def test_unknown_query_parameters_are_refused(small_client: TestClient) -> None:
    response = small_client.get("/profiles", params={"contry": "RU"}, headers=auth(ADMIN))
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body)
    assert "'contry'" in body["detail"]
    assert "country, keyword, kind, limit, offset" in body["detail"]
    assert body["errors"][0]["field"] == "query.contry"
    assert body["errors"][0]["value"] == "RU"
    # Everywhere, not only on lists: a path with no parameters takes none.
    assert small_client.get("/me", params={"as": "admin"}, headers=auth(ADMIN)).status_code == 422
    team = small_client.get(
        "/calls/c-methane/partners",
        params={"team": ["s-ru-methane"], "k": 3, "teem": "x"},
        headers=auth(ADMIN),
    )
    assert team.status_code == 422 and team.json()["errors"][0]["field"] == "query.teem"
    # Declared ones still work, repeated ones included.
    ok = small_client.get("/profiles", params={"country": "RU", "limit": 2}, headers=auth(ADMIN))
    assert ok.status_code == 200


# ------------------------------------------------------------------------- Allow


def test_options_and_405_carry_allow(small_client: TestClient) -> None:
    options = small_client.options("/profiles")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, OPTIONS, POST"
    item = small_client.options("/profiles/s-ru-methane")
    assert item.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"
    assert small_client.options("/profiles/import").headers["allow"] == "OPTIONS, POST"
    wrong = small_client.put("/profiles", json={}, headers=auth(ADMIN))
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, OPTIONS, POST"
    assert_error_shape(wrong.json())


# ---------------------------------------------------------------------- throttle


def test_repeated_bad_keys_are_throttled(sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url,
        api_keys=KEYS,
        backend="tfidf",
        run_jobs=False,
        key_failure_limit=3,
        key_failure_window_seconds=30,
    )
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.7", 4000)) as guesser:
        other = TestClient(app, client=("198.51.100.2", 4000))
        for attempt in range(3):
            response = guesser.get("/me", headers=auth(f"guess-{attempt:08d}"))
            assert response.status_code == 401
        throttled = guesser.get("/me", headers=auth("guess-99999999"))
        assert throttled.status_code == 429
        assert 1 <= int(throttled.headers["retry-after"]) <= 30
        assert_error_shape(throttled.json())
        # Even a good key waits from that address, so guessing learns nothing meanwhile.
        assert guesser.get("/me", headers=auth(ADMIN)).status_code == 429
        assert other.get("/me", headers=auth(ADMIN)).status_code == 200
        # A missing key is no guess: it is not counted.
        assert other.get("/me").status_code == 401
        assert other.get("/me", headers=auth(ADMIN)).status_code == 200


# ------------------------------------------------------------ found by schemathesis


def test_pins_that_contradict_the_data_are_a_422(small_client: TestClient) -> None:
    busy = {"id": "p-busy", "name": "Busy", "country": "RU", "capacity": 0}
    assert small_client.post("/profiles", json=busy, headers=auth(ADMIN)).status_code == 201
    pinned = small_client.get(
        "/calls/c-methane/teams", params={"pin": "p-busy"}, headers=auth(ADMIN)
    )
    assert pinned.status_code == 422, pinned.text
    assert_error_shape(pinned.json())
    assert pinned.json()["errors"][0]["field"] == "query.pin"
    assert "pinned profile p-busy (Busy)" in pinned.json()["detail"]

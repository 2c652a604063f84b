"""Bad input answers 4xx with a body naming field, value and reason; big bodies 413; and no
endpoint answers 500 to anything the OpenAPI schema lets a fuzzer send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from api.http.app import create_app
from api.http.settings import Settings
from tests.api.http.conftest import ADMIN, KEYS, AppFactory, auth, load_small


def test_invalid_fields_are_named_with_value_and_reason(small_client: TestClient) -> None:
    response = small_client.post(
        "/calls",
        json={"id": "c-bad", "title": "T", "rules": {"min_team_size": 5, "max_team_size": 2}},
        headers=auth(ADMIN),
    )
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["field"].startswith("body.rules") and "min_team_size" in problem["reason"]
    bad_query = small_client.get("/profiles", params={"limit": 0}, headers=auth(ADMIN))
    assert bad_query.status_code == 422
    assert bad_query.json()["errors"][0] | {"reason": ""} == {
        "field": "query.limit",
        "value": "0",
        "reason": "",
        "line": None,
    }
    country = small_client.get("/profiles", params={"country": "XX"}, headers=auth(ADMIN))
    assert country.status_code == 422 and country.json()["errors"][0]["field"] == "query.country"
    patched = small_client.patch(
        "/profiles/s-ru-methane", json={"publications": [{"year": 1}]}, headers=auth(ADMIN)
    )
    assert patched.status_code == 422
    assert {p["field"] for p in patched.json()["errors"]} >= {"body.publications.0.title"}
    not_json = small_client.post(
        "/profiles", content=b"{nope", headers=auth(ADMIN) | {"content-type": "application/json"}
    )
    assert not_json.status_code == 422 and not_json.json()["detail"]


def test_bodies_over_the_limit_are_413(make_client: AppFactory) -> None:
    client = make_client(max_body_bytes=2048)
    big = b'{"id": "x", "name": "' + b"a" * 4096 + b'"}'
    response = client.post("/profiles/import", content=big, headers=auth(ADMIN))
    assert response.status_code == 413 and "larger than 2048" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(8):
            yield b"a" * 1024

    streamed = client.post("/profiles/import", content=chunks(), headers=auth(ADMIN))
    assert streamed.status_code == 413


# ----------------------------------------------------------------------------- fuzzing

# The bulk imports take JSON Lines text: the fuzzer sends it like text/plain.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")

RESEARCHER_KEY = "fuzz-researcher-1"
STAFF_KEY = "fuzz-staff-00001"


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    keys = (
        f"{KEYS},{RESEARCHER_KEY}:researcher:s-ru-methane,{STAFF_KEY}:office_staff:off-kuzbass-cn"
    )
    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder / 'fuzz.sqlite'}",
            api_keys=keys,
            backend="tfidf",
            run_jobs=False,  # the worker is tested elsewhere; queued jobs just wait here
            max_body_bytes=256 * 1024,
        )
    )
    with TestClient(app) as client:
        load_small(client)
    yield app
    app.state.service.database.dispose()


def _key_for(path: str, method: str) -> str:
    """The key that gets past the role check, so the fuzzer reaches the handler's code."""
    if method == "POST" and (
        path in ("/introductions", "/offices/{office_id}/requests")
        or (path.endswith(("/answer", "/withdraw")) and path.startswith("/introductions"))
    ):
        return RESEARCHER_KEY
    if path.endswith(("/decision", "/consent-link")) or path.endswith(
        "/requests/{request_id}/answer"
    ):
        return STAFF_KEY
    return ADMIN


def _fuzz(operation: Any, mode: GenerationMode, calls: list[int]) -> None:
    """A few inputs of one operation in one mode (valid or invalid); fails on a 5xx."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: keep it bounded
    )
    def check(case: schemathesis.Case[Any]) -> None:
        calls.append(1)
        response = case.call(headers={"X-API-Key": _key_for(case.path, case.method)})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} ({mode.value}) -> "
            f"{response.status_code}: {response.text[:300]}"
        )

    check()


def test_no_input_makes_a_server_error(fuzz_app: FastAPI) -> None:
    """Valid and invalid inputs from the OpenAPI schema (schemathesis), a few per operation
    and mode, with a key of a role that may call the operation: never a 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures: list[str] = []
    calls: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # our own schema is valid
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, calls)
            except Unsatisfiable:
                continue  # no invalid input exists (an operation without parameters)
            except AssertionError as error:
                failures.append(str(error).splitlines()[0])
    assert len(calls) > 100
    assert not failures, "\n".join(failures)

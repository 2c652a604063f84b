"""Schemathesis against the app, every check enabled: the examples, coverage and fuzzing
phases per operation (positive and negative data), then the stateful phase over the links
between operations. The import endpoints get JSON Lines bodies from a media type strategy,
so generated bodies reach their handler.

Bounded: a few examples per operation, a deadline per example, a fixed seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
import schemathesis.engine
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from schemathesis.engine import events
from schemathesis.engine.recorder import ScenarioRecorder

from api.http.app import create_app
from api.http.settings import Settings
from tests.api.http.conftest import ADMIN, KEYS, SMALL, load_small

RESEARCHER_KEY = "fuzz-researcher-1"
STAFF_KEY = "fuzz-staff-00001"
EXAMPLES = 8

SEMANTIC_422 = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]
"""What a schema-valid request may get where the service checks rules JSON Schema cannot
state (see ``CONFIG``), or a version it cannot know: a generated ``If-Match`` is well formed
but names no current version of the record, so 412 is the right answer to it."""

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 12,
        "headers": {"X-API-Key": ADMIN},
        # NUL characters are refused in every string (PostgreSQL cannot store them).
        "generation": {"max-examples": EXAMPLES, "mode": "all", "allow-x00": False},
        # Every check; not max_response_time, which is a wall-clock limit: speed is measured
        # in benchmarks/api_load.py, never asserted on a shared, noisy machine.
        "checks": {"enabled": True},
        "suppress-health-check": ["all"],
        "workers": 1,
        "operations": [
            # Keys of the roles that may call these, so that the inputs reach the handler.
            {"include-name": "POST /introductions", "headers": {"X-API-Key": RESEARCHER_KEY}},
            {"include-path-regex": "/decision$", "headers": {"X-API-Key": STAFF_KEY}},
            # Import bodies come from the JSON Lines strategy below; the examples phase
            # cannot use a strategy and has nothing else to send.
            {"include-path-regex": "/import$", "phases": {"examples": {"enabled": False}}},
            # Record bodies are checked against the store and across fields (references
            # to other records, call rules that contradict each other, a key's role and
            # binding): a body the schema allows may still be refused with a 422 naming
            # the rule. An upload's name must have a suffix its source reads, and the file
            # is read by the importer's job, not checked against a schema.
            {
                "include-path-regex": "^/(profiles|institutions|offices|calls|keys|jobs|imports)",
                "include-method-regex": "^(POST|PATCH|DELETE)$",
                "checks": {"positive_data_acceptance": {"expected-statuses": SEMANTIC_422}},
            },
        ],
    }
)


def _import_lines() -> st.SearchStrategy[bytes]:
    """JSON Lines import bodies: fixture records, some changed, some broken."""
    lines = [
        line
        for kind in ("institutions", "offices", "profiles", "calls")
        for line in (SMALL / f"{kind}.jsonl").read_text().splitlines()
        if line.strip()
    ]
    record = st.sampled_from(lines)
    renamed = st.builds(
        lambda line, suffix: json.dumps({**json.loads(line), "id": f"fuzz-{suffix}"}),
        record,
        st.integers(0, 10**6),
    )
    broken = st.text(max_size=40).map(lambda text: text.replace("\n", " "))
    body = st.lists(st.one_of(record, renamed, broken, st.just("")), min_size=1, max_size=6)
    return body.map(lambda rows: "\n".join(rows).encode())


schemathesis.openapi.media_type("application/x-ndjson", _import_lines())


@schemathesis.serializer("application/x-ndjson")
def _send_lines(_ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    """JSON Lines go as they are (the documented example is text)."""
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    keys = (
        f"{KEYS},{RESEARCHER_KEY}:researcher:s-ru-methane,{STAFF_KEY}:office_staff:off-kuzbass-cn"
    )
    settings = Settings(
        database_url=f"sqlite:///{folder / 'fuzz.sqlite'}",
        api_keys=keys,
        backend="tfidf",
        run_jobs=False,  # the worker is tested elsewhere; queued jobs just wait here
        max_body_bytes=256 * 1024,
        key_failure_limit=1_000_000,  # the auth checks send wrong keys on purpose
    )
    app = create_app(settings)
    with TestClient(app) as client:
        load_small(client)
        yield schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    app.state.service.database.dispose()


def _failures(event: events.EngineEvent) -> Iterator[str]:
    """The failed checks and errors an engine event reports, one line each."""
    if isinstance(event, events.ScenarioFinished):
        for case_id, checks in event.recorder.checks.items():
            case = event.recorder.cases[case_id].value
            for check in checks:
                if check.failure_info is not None:
                    failure = check.failure_info.failure
                    first = (failure.message.splitlines() or [""])[0][:200]
                    sample = check.failure_info.code_sample[:400]
                    yield f"{case.method} {case.path}: {failure.title}: {first}\n    {sample}"
    elif isinstance(event, events.NonFatalError | events.FatalError):
        yield f"error: {event!r}"
    elif isinstance(event, events.EngineFinished):
        yield from (f"after the run: {failure.title}" for failure in event.failures)


def _import_statuses(recorder: ScenarioRecorder) -> set[int]:
    return {
        interaction.response.status_code
        for interaction in recorder.interactions.values()
        if interaction.response is not None
        and urlsplit(interaction.request.uri).path.endswith("/import")
    }


@pytest.mark.slow
def test_api_conforms_to_its_schema(api_schema: schemathesis.BaseSchema) -> None:
    """Every phase (examples, coverage, fuzzing, stateful), every check: no failure."""
    found: list[str] = []
    scenarios = 0
    imports: set[int] = set()
    for event in schemathesis.engine.from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios += 1
            imports |= _import_statuses(event.recorder)
        found.extend(_failures(event))
    assert scenarios > 80
    # Generated JSON Lines reached the import handlers: imported, or refused by line.
    assert {200, 422} <= imports, imports
    assert not found, f"{len(found)} failures:\n" + "\n".join(sorted(set(found)))

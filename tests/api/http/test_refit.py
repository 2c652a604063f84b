"""Background refits: reads never wait for a refit, the swap is atomic, a write starts a fit
by itself, the first fit may make a request wait (then 503), the watcher stops with the app.

Slow fits are injected through ``MatcherCache.fit_function`` and held with events: no
assertion depends on how long anything takes (timeouts are safety nets only).
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.engine import AnswerCache, MatcherCache
from api.http.fitting import Progress, fit_matcher
from api.http.service import Service
from api.http.settings import Settings
from matcher.dataset import Dataset
from matcher.engine import Matcher
from tests.api.http.conftest import ADMIN, AppFactory, auth, load_small

SAFETY = 60.0
"""Seconds after which a wait gives up (a hang fails the test instead of blocking it)."""


def service_of(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


def store_version(client: TestClient) -> int:
    version: int = client.get("/health").json()["data_version"]
    return version


class HeldFit:
    """A fit that signals when it starts and waits for ``release`` before fitting."""

    def __init__(self, backend: str = "tfidf") -> None:
        self.real = fit_matcher(backend, cache_path=None)
        self.started = threading.Event()
        self.release = threading.Event()
        self.versions_started = 0

    def __call__(self, dataset: Dataset, previous: Matcher | None, progress: Progress) -> Matcher:
        self.versions_started += 1
        self.started.set()
        assert self.release.wait(SAFETY), "the test never released the fit"
        return self.real(dataset, previous, progress)


@pytest.fixture
def ready_client(make_client: AppFactory) -> Iterator[TestClient]:
    """The small fixture, its first engine fitted, refits not held back."""
    client = make_client()
    load_small(client)
    engine = service_of(client).engine
    engine.refit_interval = 0.0
    engine.get()
    yield client


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + SAFETY
    while not condition():
        assert time.monotonic() < deadline, "condition not reached (safety timeout)"
        time.sleep(0.02)


def test_a_read_during_a_refit_is_answered_from_the_old_engine(ready_client: TestClient) -> None:
    engine = service_of(ready_client).engine
    old = engine.current().version
    held = HeldFit()
    engine.fit_function = held
    patched = ready_client.patch(
        "/calls/c-methane", json={"keywords": ["soil"]}, headers=auth(ADMIN)
    )
    assert patched.status_code == 200
    engine.notify()
    assert held.started.wait(SAFETY)  # the watcher is inside the fit, held there
    new = store_version(ready_client)
    for path in ("/calls/c-methane/candidates", "/calls/c-methane/teams", "/engine"):
        response = ready_client.get(path, headers=auth(ADMIN))
        assert response.status_code == 200, response.text
    answer = ready_client.get("/calls/c-methane/candidates?k=3", headers=auth(ADMIN))
    # Answered while the fit was still blocked: from the old engine, saying so.
    assert not held.release.is_set() and engine.status().fitting == new
    assert answer.headers["X-Data-Version"] == str(old) and answer.json()["data_version"] == old
    assert answer.headers["X-Data-Version-Latest"] == str(new)
    assert answer.headers["X-Engine-Fitting"] == str(new)
    status = ready_client.get("/engine", headers=auth(ADMIN)).json()
    assert status["version"] == old and status["fitting"] == new and status["stale"]
    held.release.set()
    assert engine.get().version == new
    after = ready_client.get("/calls/c-methane/candidates?k=3", headers=auth(ADMIN))
    assert after.headers["X-Data-Version"] == str(new) and "X-Engine-Fitting" not in after.headers


def test_the_swap_is_atomic_an_answer_matches_its_version(ready_client: TestClient) -> None:
    client = ready_client
    engine = service_of(client).engine
    profile = client.get("/calls/c-methane/candidates?k=1", headers=auth(ADMIN)).json()
    profile_id = profile["candidates"][0]["profile"]["id"]
    stored = client.get(f"/profiles/{profile_id}", headers=auth(ADMIN)).json()
    names = {store_version(client): stored["name"]}
    seen: list[tuple[str, int, str | None]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            response = client.get(
                "/calls/c-methane/candidates",
                params={"k": 200, "explain": False},
                headers=auth(ADMIN),
            )
            body = response.json()
            name = next(
                (
                    c["profile"]["name"]
                    for c in body["candidates"]
                    if c["profile"]["id"] == profile_id
                ),
                None,
            )
            seen.append((response.headers["X-Data-Version"], body["data_version"], name))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for number in range(5):
            name = f"Renamed {number}"
            patched = client.patch(
                f"/profiles/{profile_id}", json={"name": name}, headers=auth(ADMIN)
            )
            assert patched.status_code == 200
            names[store_version(client)] = name  # the only writer: this version is this name
            engine.notify()
        final = engine.get()
        wait_until(lambda: any(int(v) == final.version for v, _, _ in seen))
    finally:
        stop.set()
        for reader in readers:
            reader.join(SAFETY)
    assert len({v for v, _, _ in seen}) >= 2  # answers came from more than one engine
    for header, body_version, shown in seen:
        assert int(header) == body_version
        assert shown == names[body_version]


def test_an_import_starts_a_fit_without_any_read(make_client: AppFactory) -> None:
    client = make_client()
    engine = service_of(client).engine
    fitted = threading.Event()
    real = engine.fit_function

    def watched(dataset: Dataset, previous: Matcher | None, progress: Progress) -> Matcher:
        matcher = real(dataset, previous, progress)
        fitted.set()
        return matcher

    engine.fit_function = watched
    load_small(client)  # only imports: no answer is asked for
    assert fitted.wait(SAFETY)
    version = store_version(client)
    wait_until(lambda: engine.status().version == version)
    status = client.get("/engine", headers=auth(ADMIN)).json()
    assert status["version"] == version and not status["stale"] and status["fits"] >= 1


def test_the_first_fit_answers_503_with_retry_after_past_its_wait(
    make_client: AppFactory,
) -> None:
    client = make_client()
    engine = service_of(client).engine
    held = HeldFit()
    engine.fit_function = held
    engine.first_fit_wait = 0.1
    load_small(client)
    assert held.started.wait(SAFETY)
    response = client.get("/calls/c-methane/candidates", headers=auth(ADMIN))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert "first time" in response.json()["detail"]
    progress = client.get("/engine", headers=auth(ADMIN)).json()
    assert progress["version"] is None and progress["fitting"] is not None
    held.release.set()
    engine.first_fit_wait = SAFETY
    assert client.get("/calls/c-methane/candidates", headers=auth(ADMIN)).status_code == 200


def test_threads_stop_when_the_app_shuts_down(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, api_keys=f"{ADMIN}:admin", backend="tfidf")
    with TestClient(create_app(settings)) as client:
        load_small(client)
        service = service_of(client)
        service.engine.get()
        engine_thread, job_thread = service.engine._thread, service.jobs._thread
        assert engine_thread is not None and engine_thread.is_alive()
        assert job_thread is not None and job_thread.is_alive()
    assert not engine_thread.is_alive() and not job_thread.is_alive()
    assert not service.engine.running


def test_without_a_watcher_the_engine_fits_in_the_caller(sqlite_url: str) -> None:
    # A service that was never started (a script using Service directly) still answers.
    service = Service(Settings(database_url=sqlite_url, backend="tfidf", run_jobs=False))
    engine: MatcherCache = service.engine
    with pytest.raises(Exception, match="no profiles"):
        engine.current()
    service.stop()


def test_concurrent_misses_of_one_answer_compute_it_once() -> None:
    cache = AnswerCache()
    entered, release = threading.Event(), threading.Event()
    computed: list[int] = []

    def compute() -> bytes:
        computed.append(1)
        entered.set()
        assert release.wait(SAFETY)
        return b"{}"

    first = threading.Thread(target=cache.get, args=(("k",), compute))
    first.start()
    assert entered.wait(SAFETY)  # the first thread is computing, held
    others = [threading.Thread(target=cache.get, args=(("k",), compute)) for _ in range(5)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(SAFETY)
    assert computed == [1] and cache.get(("k",), compute) == b"{}"


class FailsOnceThenHeld(HeldFit):
    """The first fit fails; the next ones are held like :class:`HeldFit`."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def __call__(self, dataset: Dataset, previous: Matcher | None, progress: Progress) -> Matcher:
        if not self.failed:
            self.failed = True
            raise ValueError("a fit that fails once")
        return super().__call__(dataset, previous, progress)


def test_engine_status_shows_a_fit_error_only_until_a_newer_version_is_fitted(
    ready_client: TestClient,
) -> None:
    """A failed fit's error belongs to its version: once a newer version is being fitted,
    `GET /engine` no longer reports the old failure as if it were the current state."""
    engine = service_of(ready_client).engine
    fit = FailsOnceThenHeld()
    engine.fit_function = fit
    first = ready_client.patch("/calls/c-methane", json={"keywords": ["soil"]}, headers=auth(ADMIN))
    assert first.status_code == 200, first.text
    wait_until(lambda: ready_client.get("/engine", headers=auth(ADMIN)).json()["error"] is not None)
    second = ready_client.patch(
        "/calls/c-methane", json={"keywords": ["water"]}, headers=auth(ADMIN)
    )
    assert second.status_code == 200, second.text
    assert fit.started.wait(SAFETY)
    status = ready_client.get("/engine", headers=auth(ADMIN)).json()
    try:
        assert status["fitting"] == status["latest_version"] == store_version(ready_client)
        assert status["error"] is None
    finally:
        fit.release.set()
    wait_until(lambda: engine.current().version == store_version(ready_client))


def test_a_replaced_engine_is_freed_as_soon_as_it_is_dropped(ready_client: TestClient) -> None:
    """Without a garbage collection: a full collection of a large engine is a pause that
    every request waits for, so the service keeps engines out of its reach and relies on
    them being freed by reference counting."""
    client = ready_client
    engine = service_of(client).engine
    for path in ("candidates", "teams?solver=fast", "partners?team=s-ru-methane"):
        assert client.get(f"/calls/c-methane/{path}", headers=auth(ADMIN)).status_code == 200
    served = engine.current()
    old_version, old_matcher = served.version, weakref.ref(served.matcher)
    del served
    gc.collect()
    gc.disable()
    try:
        patched = client.patch("/calls/c-methane", json={"keywords": ["soil"]}, headers=auth(ADMIN))
        assert patched.status_code == 200
        engine.notify()
        assert engine.get().version > old_version
        wait_until(lambda: old_matcher() is None)
    finally:
        gc.enable()


def test_the_partner_model_of_answers_is_a_setting(make_client: AppFactory, tmp_path: Path) -> None:
    """Linear by default (milliseconds per answer and per refit); ``learned`` is fitted
    before the swap, and on the small fixture falls back to linear, saying why."""
    for setting, expected in (("linear", "was asked for"), ("learned", "too little history")):
        client = make_client(url=f"sqlite:///{tmp_path / setting}.sqlite", partner_model=setting)
        load_small(client)
        answer = client.get(
            "/calls/c-methane/partners", params={"team": "s-ru-methane"}, headers=auth(ADMIN)
        )
        assert answer.status_code == 200
        info = service_of(client).engine.get().matcher.partner_model()
        assert info.kind == "linear" and expected in info.reason

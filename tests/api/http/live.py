"""A real server on loopback and parallel clients, for the tests of concurrent requests.

The app runs under uvicorn in a thread (its own event loop, FastAPI's thread pool for the
routes), so requests sent from several client threads at once really run at once against the
store. Counts are small and every wait is bounded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from api.http.app import create_app
from api.http.settings import Settings
from tests.api.http.conftest import IMPORT_ORDER, KEYS, SMALL

TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str, keys: str = KEYS) -> Iterator[str]:
    """Serve a fresh app over ``database_url`` on 127.0.0.1; yields its base URL."""
    settings = Settings(database_url=database_url, api_keys=keys, backend="tfidf")
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(TIMEOUT_S)


def client(base_url: str, key: str) -> httpx.Client:
    """A client of the live server sending ``key``."""
    return httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=TIMEOUT_S)


def load_small(base_url: str, key: str) -> None:
    """Import the small fixture into the live server's store."""
    with client(base_url, key) as http:
        for collection in IMPORT_ORDER:
            body = (SMALL / f"{collection}.jsonl").read_bytes()
            response = http.post(f"/{collection}/import", content=body)
            assert response.status_code == 200, response.text


def in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` at once, one thread each, released together by a barrier; returns
    their results in order (an exception is returned in its place)."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT_S)
    results: list[Any] = [None] * len(calls)

    def run(position: int) -> None:
        barrier.wait()
        try:
            results[position] = calls[position]()
        except Exception as error:  # reported to the test, not lost in the thread
            results[position] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"
    return results

"""``grantmatch serve`` starts the service on loopback; ``grantmatch db upgrade`` migrates."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.cli import main
from api.http.store.db import Database
from api.http.store.migrate import current_revision, head_revision
from tests.api.http.conftest import ADMIN, KEYS, SMALL, auth


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_starts_the_service_with_one_command(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {
        "GRANTMATCH_HOME": str(tmp_path),
        "GRANTMATCH_API_KEYS": KEYS,
        "GRANTMATCH_BACKEND": "tfidf",
    }
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # bounded wait for the port to open (not a timing assertion)
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert health.json()["database"] == "sqlite"
        assert (tmp_path / "grantmatch.sqlite").exists()
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
        body = (SMALL / "institutions.jsonl").read_bytes()
        imported = httpx.post(f"{base}/institutions/import", content=body, headers=auth(ADMIN))
        assert imported.json()["created"] == 15
    finally:
        server.terminate()
        server.wait(30)


def test_db_upgrade_migrates_a_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    database = Database(url, migrate=False)
    assert current_revision(database.engine) == head_revision() == "0003"
    database.dispose()

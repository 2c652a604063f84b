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
    assert current_revision(database.engine) == head_revision() == "0010"
    database.dispose()


@pytest.mark.slow
def test_serve_demo_prints_accounts_that_sign_in(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {"GRANTMATCH_HOME": str(tmp_path), "GRANTMATCH_BACKEND": "tfidf"}
    command = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--demo"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(6)]
        assert f"open http://127.0.0.1:{port}/app/ in a browser" in lines[0]
        coordinator = next(line.split() for line in lines if "coordinator@" in line)
        email, password = coordinator[1], coordinator[2]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=base) as client:
            while True:  # bounded wait for the port to open (not a timing assertion)
                try:
                    form = client.get("/app/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
            signed = client.post(
                "/app/login", data={"email": email, "password": password, "csrf_token": token}
            )
            assert signed.status_code == 303
            assert signed.headers["location"] == "/app/calls"
        # The demo's store is its own file: a real store is never touched.
        assert (tmp_path / "demo.sqlite").exists()
        assert not (tmp_path / "grantmatch.sqlite").exists()
    finally:
        server.terminate()
        server.wait(30)

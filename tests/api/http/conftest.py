"""Fixtures of the HTTP service tests: a throwaway PostgreSQL cluster, databases on both
SQLite and PostgreSQL, apps with API keys, the small fixture loaded into a store.

The PostgreSQL cluster is started once per session on 127.0.0.1 (a free port, its unix
socket in the temp folder) from the binaries in ``GRANTMATCH_PG_BIN`` (default
``/usr/lib/postgresql/15/bin``, else ``initdb`` on the PATH). PostgreSQL refuses to run as
root, so as root the cluster runs as the ``postgres`` system user (created if missing).
Missing binaries fail the tests that need them, with the reason: they are never skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.http.app import create_app
from api.http.settings import Settings
from api.http.store.db import Database

FIXTURES = Path(__file__).parents[2] / "fixtures"
SMALL = FIXTURES / "small"
IMPORT_ORDER = ("institutions", "offices", "profiles", "calls")

ADMIN = "admin-key-0001"
COORDINATOR = "coord-key-0001"
KEYS = f"{ADMIN}:admin,{COORDINATOR}:coordinator"


def _pg_bin() -> Path:
    configured = os.environ.get("GRANTMATCH_PG_BIN")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path("/usr/lib/postgresql/15/bin"))
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    pytest.fail(
        "PostgreSQL binaries (initdb, pg_ctl) not found in "
        + ", ".join(str(c) for c in candidates)
        + ": install PostgreSQL (apt-get install postgresql; .ci/run does it) or set "
        "GRANTMATCH_PG_BIN to the folder holding them"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _unprivileged_user() -> str | None:
    """The user to run PostgreSQL as (``None``: the current user, when not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
            check=True,
        )
    return "postgres"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback; yields the URL of its server."""
    binaries = _pg_bin()
    user = _unprivileged_user()
    # Under /tmp directly: pytest's own temp folders are private to root, and the
    # postgres user must reach its data and socket folders.
    root = Path(tempfile.mkdtemp(prefix="grantmatch-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    run: dict[str, Any] = {"check": True, "capture_output": True, "text": True}
    if user is not None:
        run["user"] = user
    port = _free_port()
    try:
        subprocess.run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            **run,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            **run,
        )
    except subprocess.CalledProcessError as error:
        log = root / "server.log"
        shutil.rmtree(root, ignore_errors=True) if not log.exists() else None
        pytest.fail(f"cannot start PostgreSQL: {error.stderr or error.stdout}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            **{**run, "check": False},
        )
        shutil.rmtree(root, ignore_errors=True)


def new_postgres_database(server: str) -> str:
    """A fresh, empty database on the cluster; returns its URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grantmatch.sqlite'}"
    server: str = request.getfixturevalue("postgres_server")
    return new_postgres_database(server)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database."""
    return f"sqlite:///{tmp_path / 'grantmatch.sqlite'}"


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(sqlite_url: str) -> Iterator[AppFactory]:
    """Build a started TestClient: ``make_client(url=..., keys=..., backend=...)``."""
    clients: list[TestClient] = []

    def build(
        url: str | None = None,
        keys: str = KEYS,
        backend: str = "tfidf",
        run_jobs: bool = True,
        max_body_bytes: int = 4 * 1024 * 1024,
        partner_model: Literal["linear", "learned"] = "linear",
    ) -> TestClient:
        settings = Settings(
            database_url=url or sqlite_url,
            api_keys=keys,
            backend=backend,
            run_jobs=run_jobs,
            max_body_bytes=max_body_bytes,
            partner_model=partner_model,
        )
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def auth(key: str) -> dict[str, str]:
    """The header of an API key."""
    return {"X-API-Key": key}


def load_small(client: TestClient, key: str = ADMIN) -> None:
    """Import the small fixture through the bulk import endpoints."""
    for collection in IMPORT_ORDER:
        body = (SMALL / f"{collection}.jsonl").read_bytes()
        response = client.post(f"/{collection}/import", content=body, headers=auth(key))
        assert response.status_code == 200, response.text


@pytest.fixture
def small_client(make_client: AppFactory) -> TestClient:
    """A client on an SQLite store holding the small fixture (tfidf backend)."""
    client = make_client()
    load_small(client)
    return client


@pytest.fixture
def loaded_store(database_url: str, make_client: AppFactory) -> TestClient:
    """A client on a store holding the small fixture, on SQLite and on PostgreSQL."""
    client = make_client(url=database_url)
    load_small(client)
    return client


def new_key(client: TestClient, role: str, binding: str) -> str:
    """A stored API key for ``role`` bound to ``binding``, created by the admin."""
    response = client.post("/keys", json={"role": role, "binding": binding}, headers=auth(ADMIN))
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def open_database(url: str) -> Database:
    """The store at ``url`` (migrated)."""
    return Database(url)

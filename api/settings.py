"""Settings read from the environment (one place, so the CLI and the service agree).

``GRANTMATCH_HOME``
    The data directory (default ``~/.cache/grantmatch``). The vector cache lives in
    ``$GRANTMATCH_HOME/cache/vectors.sqlite``.
``GRANTMATCH_CACHE``
    ``off`` disables the vector cache; any other value is the path of the cache file.

The HTTP service reads its own settings (database URL, host, port, API keys) through
:class:`Settings`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def data_dir() -> Path:
    """The data directory."""
    configured = os.environ.get("GRANTMATCH_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "grantmatch"


def vector_cache_path() -> Path | None:
    """Where embeddings are cached (``None`` when the cache is off)."""
    configured = os.environ.get("GRANTMATCH_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "cache" / "vectors.sqlite"


# --------------------------------------------------------------------------- the service
# The HTTP service reads everything through one pydantic-settings class, so that the
# environment variables, their types and their defaults are documented in one place.

ServiceRole = Literal["admin", "coordinator", "office_staff", "researcher"]


class Settings(BaseSettings):
    """Settings of the HTTP service, from ``GRANTMATCH_*`` environment variables.

    Attributes
    ----------
    home : Path, optional
        ``GRANTMATCH_HOME``, the data directory (see :func:`data_dir`).
    database_url : str, optional
        ``GRANTMATCH_DATABASE_URL``: an SQLAlchemy URL, e.g.
        ``postgresql+psycopg://user:pass@host/db``. Default: the SQLite file
        ``$GRANTMATCH_HOME/grantmatch.sqlite``.
    host, port : str, int
        ``GRANTMATCH_HOST`` (default ``127.0.0.1``), ``GRANTMATCH_PORT`` (default 8000).
    backend : str
        ``GRANTMATCH_BACKEND``: the embedding backend the engine is fitted with.
    api_keys : str
        ``GRANTMATCH_API_KEYS``: keys as a JSON list of ``{"key", "role", "binding"}``
        objects, or comma-separated ``key:role[:binding]`` (binding: the office id of
        office staff, the profile id of a researcher).
    max_body_bytes : int
        ``GRANTMATCH_MAX_BODY_BYTES``: larger request bodies are answered 413.
    """

    model_config = SettingsConfigDict(env_prefix="GRANTMATCH_", extra="ignore")

    home: Path | None = None
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    backend: str = "auto"
    api_keys: str = ""
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    run_jobs: bool = Field(default=True, description="Start the background job worker.")

    def data_directory(self) -> Path:
        """The data directory: ``home`` when set, else :func:`data_dir`."""
        return self.home.expanduser() if self.home is not None else data_dir()

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_directory() / 'grantmatch.sqlite'}"

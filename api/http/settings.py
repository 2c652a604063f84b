"""Settings of the HTTP service, read from the environment through one class.

Where files live (``GRANTMATCH_HOME``, ``GRANTMATCH_CACHE``) is shared with the CLI and the
Python API: see :mod:`embeddings.locations`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from embeddings.locations import data_dir

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
        ``GRANTMATCH_MAX_BODY_BYTES``: larger request bodies are answered 413 (default
        32 MiB).
    max_record_bytes : int
        ``GRANTMATCH_MAX_RECORD_BYTES``: the largest record (a create or update body, one
        line of an import) in bytes; larger ones are answered 413 (default 1 MiB).
    max_json_depth : int
        ``GRANTMATCH_MAX_JSON_DEPTH``: the deepest nesting of arrays and objects in one
        record, the record itself being level 1; deeper ones are answered 422 (default 32).
    max_string_chars : int
        ``GRANTMATCH_MAX_STRING_CHARS``: the longest string in a body (a value or a key),
        in characters; longer ones are answered 422 (default 100,000).
    key_failure_limit : int
        ``GRANTMATCH_KEY_FAILURE_LIMIT``: unknown API keys one client address may send
        within the window before its requests are answered 429 (default 10).
    key_failure_window_seconds : float
        ``GRANTMATCH_KEY_FAILURE_WINDOW_SECONDS``: the window those failures are counted in;
        a throttled client may try again once its oldest failure is this old (default 60).
    key_throttle_clients : int
        ``GRANTMATCH_KEY_THROTTLE_CLIENTS``: how many client addresses the throttle keeps
        (the least recently failing are forgotten first; default 10,000).
    engine_poll_seconds, engine_refit_interval, engine_first_fit_wait : float
        ``GRANTMATCH_ENGINE_*``: the background refits (see :mod:`api.http.engine`).
    partner_model : {"linear", "learned"}
        ``GRANTMATCH_PARTNER_MODEL``: the partner model of the service's answers (default
        ``linear``). The engine's own default is ``learned`` where the data's history
        suffices (R@10 0.147 against 0.130 on CORDIS), but it costs minutes per refit and
        tenths of a second per partner list at 50,000 profiles, against 0.3 ms for the
        linear score: a service that refits on every edit and answers many users at once
        opts in.
    telemetry : bool
        ``GRANTMATCH_TELEMETRY``: FastAPI's native OpenTelemetry tracing, metrics and logs,
        through the globally configured providers (default off: unconfigured, it records
        nothing, yet its per-request check cost about a tenth of a cached answer's time).
    access_log : bool
        ``GRANTMATCH_ACCESS_LOG``: one log line per request from ``grantmatch serve``
        (default on).
    introduction_round_days, introduction_expiry_days, introduction_reminder_days : int
        ``GRANTMATCH_INTRODUCTION_*``: the introduction flow (see
        :mod:`api.http.introductions`). The round an office's ``capacity`` is counted in
        (the last 365 days by default); the days a request may wait for the office's or the
        partner's decision before it expires (30); the days after which a waiting request
        is due a reminder (7).
    introduction_sweep_seconds : float
        ``GRANTMATCH_INTRODUCTION_SWEEP_SECONDS``: how often the service's background pass
        expires overdue requests and sends the reminders due (300; see
        :mod:`api.http.reminders`).
    web_secure_cookies : bool
        ``GRANTMATCH_WEB_SECURE_COOKIES``: mark the web application's session cookie
        ``Secure`` (sent over HTTPS only). Turn it on wherever the service is reached
        through HTTPS; off by default so that ``http://127.0.0.1`` works.
    smtp_host, smtp_port, smtp_user, smtp_password, smtp_starttls, smtp_from
        ``GRANTMATCH_SMTP_*``: the mail server notifications are sent through
        (:mod:`api.http.notifications`). Without a host nothing is sent: messages stay
        queued in the outbox (``GET /notifications`` shows them) until one is configured.
    public_url : str
        ``GRANTMATCH_PUBLIC_URL``: the address people reach the service at, for the links
        in e-mails (default ``http://<host>:<port>``).
    notify_max_attempts, notify_retry_seconds, notify_poll_seconds : int, float, float
        ``GRANTMATCH_NOTIFY_*``: a message is tried up to ``max_attempts`` times, waiting
        ``retry_seconds`` doubled at each failure, before it is marked failed; the sender
        looks for due messages every ``poll_seconds``.
    notify_profile_contacts : bool
        ``GRANTMATCH_NOTIFY_PROFILE_CONTACTS``: also write to the contact e-mail of a
        profile that has no account (default off: only account holders, who can opt out).
    """

    model_config = SettingsConfigDict(env_prefix="GRANTMATCH_", extra="ignore")

    home: Path | None = None
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    backend: str = "auto"
    api_keys: str = ""
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    max_record_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Above about 200 levels the JSON decoder and pydantic run out of recursion.
    max_json_depth: int = Field(default=32, ge=4, le=200)
    max_string_chars: int = Field(default=100_000, ge=256)
    key_failure_limit: int = Field(default=10, ge=1)
    key_failure_window_seconds: float = Field(default=60.0, gt=0, le=86_400)
    key_throttle_clients: int = Field(default=10_000, ge=1)
    run_jobs: bool = Field(default=True, description="Start the background job worker.")
    partner_model: Literal["linear", "learned"] = Field(
        default="linear", description="The partner model of answers (see the docstring)."
    )
    telemetry: bool = Field(default=False, description="FastAPI's native OpenTelemetry.")
    access_log: bool = Field(default=True, description="A log line per request (serve).")
    introduction_round_days: int = Field(default=365, ge=1, le=3660)
    introduction_expiry_days: int = Field(default=30, ge=1, le=3660)
    introduction_reminder_days: int = Field(default=7, ge=1, le=3660)
    introduction_sweep_seconds: float = Field(default=300.0, gt=0, le=86_400)
    web_secure_cookies: bool = Field(
        default=False, description="Session cookie sent over HTTPS only (web application)."
    )

    # -- e-mail notifications (api.http.notifications) -----------------------------------
    smtp_host: str | None = Field(default=None, description="SMTP server; none: nothing sent.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "grantmatch <noreply@localhost>"
    public_url: str | None = None
    notify_max_attempts: int = Field(default=8, ge=1, le=100)
    notify_retry_seconds: float = Field(default=60.0, ge=0, le=86_400)
    notify_poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    notify_profile_contacts: bool = False

    # -- the engine's background refits (api.http.engine; docs/service-r12.md) ----------
    engine_poll_seconds: float = Field(
        default=0.5, gt=0, le=60, description="How often the engine watcher reads the data version."
    )
    engine_refit_interval: float = Field(
        default=10.0,
        ge=0,
        le=3600,
        description="Least seconds between two background refits (bounds lag and CPU share).",
    )
    engine_first_fit_wait: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="How long a request waits for the very first fit before a 503.",
    )

    def data_directory(self) -> Path:
        """The data directory: ``home`` when set, else :func:`data_dir`."""
        return self.home.expanduser() if self.home is not None else data_dir()

    def resolved_public_url(self) -> str:
        """The service's address for links in e-mails, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_directory() / 'grantmatch.sqlite'}"

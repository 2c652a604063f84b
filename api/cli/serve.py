"""``grantmatch serve`` (the HTTP service) and ``grantmatch db upgrade`` (migrations).

They need the ``service`` extra (``pip install 'grantmatch[service]'``); without it they say
so in one line. Settings come from the environment (:class:`api.http.settings.Settings`);
the options override host, port and database URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from matcher.extras import require_extra

if TYPE_CHECKING:
    from api.http.settings import Settings
    from api.http.store.db import Database

db_app = typer.Typer(help="The service's database: schema migrations.", no_args_is_help=True)


def _settings(host: str | None, port: int | None, database_url: str | None) -> Settings:
    require_extra("service", "fastapi", "uvicorn", "sqlalchemy", "alembic", "pydantic_settings")
    from api.http.settings import Settings

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if database_url is not None:
        overrides["database_url"] = database_url
    return Settings(**overrides)  # type: ignore[arg-type]  # checked by pydantic


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address (default GRANTMATCH_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default GRANTMATCH_PORT, 8000).")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL (default GRANTMATCH_DATABASE_URL, else SQLite in "
            "$GRANTMATCH_HOME/grantmatch.sqlite).",
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Serve the bundled demo data with one account per role, each given a new "
            "password that is printed (store: $GRANTMATCH_HOME/demo.sqlite unless "
            "--database-url).",
        ),
    ] = False,
) -> None:
    """Start the HTTP service and the web application (pages at /app, OpenAPI docs at
    /docs). Migrates the database first."""
    if demo and database_url is None:
        database_url = _demo_database_url()
    settings = _settings(host, port, database_url)
    import uvicorn
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from api.http.app import create_app

    # The service runs requests in parallel threads; BLAS threads inside each request on
    # top of that oversubscribe the cores (12x slower candidates under 20 clients here).
    threadpool_limits(limits=1)
    app = create_app(settings)
    address = f"http://{settings.host}:{settings.port}"
    typer.echo(f"grantmatch on {address}: open {address}/app/ in a browser (API docs: /docs)")
    if demo:
        _print_demo_accounts(app.state.service.database)
    elif not app.state.service.keys:
        typer.echo(
            "warning: GRANTMATCH_API_KEYS is empty; only keys created in the database work "
            "(set e.g. GRANTMATCH_API_KEYS='my-admin-key:admin')",
            err=True,
        )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=settings.access_log,
    )


def _demo_database_url() -> str:
    from embeddings.locations import data_dir

    return f"sqlite:///{data_dir() / 'demo.sqlite'}"


def _print_demo_accounts(database: Database) -> None:
    from api.web.demo import seed_demo

    accounts = seed_demo(database)
    typer.echo("Sign in with one of the demo accounts (new passwords at every start):")
    for account in accounts:
        bound = f" ({account.binding})" if account.binding else ""
        typer.echo(f"  {account.role + bound:<32} {account.email:<34} {account.password}")


@db_app.command("upgrade")
def db_upgrade(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="SQLAlchemy URL (default: settings).")
    ] = None,
    revision: Annotated[str, typer.Option("--revision", help="Target revision.")] = "head",
) -> None:
    """Bring the database schema to the newest revision, keeping the data."""
    url = _settings(None, None, database_url).resolved_database_url()
    from api.http.store.db import Database
    from api.http.store.migrate import current_revision, upgrade

    database = Database(url, migrate=False)
    before = current_revision(database.engine)
    upgrade(database.engine, revision)
    after = current_revision(database.engine)
    database.dispose()
    typer.echo(f"database schema: {before or 'empty'} -> {after}")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``db`` to ``app``."""
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")

"""Alembic environment: runs the migrations on the connection the caller passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from api.http.store.tables import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    # Batch mode lets ALTER TABLE work on SQLite (it copies the table); PostgreSQL alters
    # in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Run on ``config.attributes["connection"]``, or on ``sqlalchemy.url`` (CLI use)."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("give a connection (api.http.store.migrate.upgrade) or sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as own:
        _run(own)
    engine.dispose()


run_migrations()

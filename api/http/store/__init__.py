"""The service's store: SQLAlchemy tables, Alembic migrations and the queries on them.

SQLite (the default file ``$GRANTMATCH_HOME/grantmatch.sqlite``) and PostgreSQL (by URL)
share one schema; :func:`api.http.store.migrate.upgrade` brings a database to the newest
revision without losing its data.
"""

from api.http.store.db import Database
from api.http.store.migrate import upgrade

__all__ = ["Database", "upgrade"]

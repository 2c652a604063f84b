"""The HTTP service: the FastAPI app (:mod:`api.http.app`), its routes, schemas, store
(SQLAlchemy + Alembic), keys and roles, jobs, and settings. Needs the ``service`` extra."""

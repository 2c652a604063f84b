"""``/health`` (no key needed) and ``/me`` (who the key belongs to)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.http.deps import PrincipalDep, ServiceDep
from api.http.schemas.access import WhoAmI
from api.http.store.migrate import current_revision
from api.http.store.records import data_version

router = APIRouter(tags=["service"])


@router.get("/health")
def health(service: ServiceDep) -> dict[str, Any]:
    """Whether the service and its database answer; the schema revision and data version."""
    with service.database.session() as session:
        version = data_version(session)
    return {
        "status": "ok",
        "database": service.database.engine.dialect.name,
        "schema_revision": current_revision(service.database.engine),
        "data_version": version,
    }


@router.get("/me", response_model=WhoAmI)
def me(principal: PrincipalDep) -> WhoAmI:
    """The caller's role and binding."""
    return WhoAmI(role=principal.role, binding=principal.binding, actor=principal.actor)

"""``/engine``: which data version answers reflect, and the progress of a background fit."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from api.http.deps import PrincipalDep, ServiceDep
from api.http.routes.profiles import ERRORS
from api.http.schemas.engine import EnginePublic

router = APIRouter(tags=["service"])


@router.get("/engine", response_model=EnginePublic, responses=ERRORS)
def engine(service: ServiceDep, _principal: PrincipalDep) -> EnginePublic:
    """The served engine's data version and, while one runs, the fit of a newer version
    (stage and progress). An import starts a fit at once; poll this to follow it."""
    status = service.engine.status()
    stale = status.latest_version is not None and (
        status.version is None or status.version < status.latest_version
    )
    return EnginePublic(**asdict(status), stale=stale)

"""``/audit``: who did what, when (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.http.deps import AdminDep, LimitQuery, OffsetQuery, ServiceDep
from api.http.routes.profiles import ERRORS
from api.http.schemas.access import AuditPublic
from api.http.schemas.records import Page
from api.http.store.tables import AuditRow

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditPublic], responses=ERRORS)
def read_audit(
    service: ServiceDep,
    _principal: AdminDep,
    action: Annotated[
        str | None, Query(max_length=64, description="e.g. introduction.accept")
    ] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> Page[AuditPublic]:
    """The audit trail, newest first."""
    query = select(AuditRow)
    if action:
        query = query.where(AuditRow.action == action)
    with service.database.session() as session:
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = session.scalars(query.order_by(AuditRow.id.desc()).offset(offset).limit(limit)).all()
        items = [
            AuditPublic(
                id=r.id, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=r.detail
            )
            for r in rows
        ]
    return Page[AuditPublic](items=items, total=total, offset=offset, limit=limit)

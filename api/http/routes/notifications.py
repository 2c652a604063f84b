"""``/notifications``: the e-mail outbox, for the admin: what is queued (all of it while
no SMTP server is configured), sent, and failed after every attempt; a failed message can
be queued again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from api.http.deps import AdminDep, ServiceDep
from api.http.errors import ApiError, not_found
from api.http.notifications import retry
from api.http.routes.profiles import ERRORS
from api.http.schemas.errors import Problem
from api.http.service import audit
from api.http.store.tables import OutboxRow

router = APIRouter(prefix="/notifications", tags=["notifications"])
NotificationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Status = Literal["queued", "sending", "sent", "failed"]


class NotificationPublic(BaseModel):
    """One e-mail of the outbox."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    event: str
    object: str
    user_id: int | None
    recipient: str
    language: str
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@router.get("", response_model=list[NotificationPublic], responses=ERRORS)
def list_notifications(
    service: ServiceDep,
    principal: AdminDep,
    status: Annotated[Status | None, Query(description="Only messages in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[NotificationPublic]:
    """The newest messages of the outbox (admin only)."""
    query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxRow.status == status)
    with service.database.session() as session:
        return [NotificationPublic.model_validate(row) for row in session.scalars(query)]


@router.post("/{notification_id}/retry", response_model=NotificationPublic, responses=ERRORS)
def retry_notification(
    service: ServiceDep, principal: AdminDep, notification_id: NotificationId
) -> NotificationPublic:
    """Queue a failed message again, due now (admin only)."""
    with service.database.session() as session:
        row = session.get(OutboxRow, notification_id)
        if row is None:
            raise not_found("notification", str(notification_id))
        if not retry(session, notification_id):
            raise ApiError(
                409,
                f"notification {notification_id} is {row.status}, not failed",
                [Problem(field="path.notification_id", value=notification_id, reason=row.status)],
            )
        audit(session, principal, "notification.retry", f"notification:{notification_id}")
        session.refresh(row)
        return NotificationPublic.model_validate(row)

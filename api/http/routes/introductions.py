"""``/introductions``: a researcher asks to be introduced to a suggested partner through
the office on the route; that office's staff accept or decline. Contact data is shared
(with the requester, and with the office's staff) only after acceptance. Every request,
decision and disclosure is in the audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.http.auth import Principal
from api.http.deps import PrincipalDep, ServiceDep, require
from api.http.errors import ApiError, forbidden, not_found
from api.http.notifications import notify_introduction_decided, notify_introduction_requested
from api.http.routes.profiles import ERRORS
from api.http.schemas.access import IntroductionCreate, IntroductionDecision, IntroductionPublic
from api.http.schemas.errors import Problem
from api.http.service import audit
from api.http.store.tables import IntroductionRow, utcnow
from api.http.views import Viewer
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.model import Contact, Office, Route

router = APIRouter(prefix="/introductions", tags=["introductions"])
IntroductionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ResearcherDep = Annotated[Principal, Depends(require("researcher"))]
StaffDep = Annotated[Principal, Depends(require("office_staff"))]


def _office_for(
    matcher: Matcher, dataset: Dataset, partner_id: str, wanted: str | None
) -> tuple[Office, Route | None]:
    """The office an introduction to ``partner_id`` goes through, and the route.

    The office on the route (an open office in the partner's country, or the one whose
    partner institution employs them); for a route through an agreement or a past
    collaboration, an open office in the partner's country brokers the contact.
    """
    partner = dataset.profile(partner_id)
    route = matcher.routes_.route(partner)
    if wanted is not None:
        office = dataset.office(wanted)
        if office.country != partner.country:
            raise ApiError(
                422,
                f"office {wanted!r} is in {office.country}, the partner in {partner.country}",
                [
                    Problem(
                        field="body.office_id", value=wanted, reason="not in the partner's country"
                    )
                ],
            )
        return office, route
    if route is not None and route.kind in ("office", "office_partner") and route.via:
        return dataset.office(route.via), route
    hosts = sorted(
        (o for o in dataset.offices if o.country == partner.country and o.status == "open"),
        key=lambda o: o.id,
    )
    if not hosts:
        raise ApiError(
            409,
            f"no open office on the route to {partner_id!r} (country {partner.country})",
            [Problem(field="body.partner_id", value=partner_id, reason="no office to broker it")],
        )
    return hosts[0], route


def _public(session: Session, row: IntroductionRow, principal: Principal) -> IntroductionPublic:
    """An introduction as the caller sees it: contact data only after acceptance, only for
    the requester (the partner's) and the office's staff (both), and only through the
    records' view (:class:`api.http.views.Viewer`)."""
    out = IntroductionPublic(
        id=row.id,
        requester_id=row.requester_id,
        partner_id=row.partner_id,
        office_id=row.office_id,
        call_id=row.call_id,
        message=row.message,
        route=row.route,
        status=row.status,
        created_at=row.created_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        note=row.note,
    )
    if row.status != "accepted":
        return out
    viewer = Viewer.of(session, principal)
    where = f"introduction:{row.id}"
    if principal.is_researcher(row.requester_id) or principal.is_staff_of(row.office_id):
        out.partner_contact = _contact(viewer.contact(row.partner_id, where))
    if principal.is_staff_of(row.office_id):
        out.requester_contact = _contact(viewer.contact(row.requester_id, where))
    return out


def _contact(data: dict[str, Any] | None) -> Contact | None:
    return None if data is None else Contact.model_validate(data)


def _may_see(principal: Principal, row: IntroductionRow) -> bool:
    return (
        principal.role in ("admin", "coordinator")
        or principal.is_researcher(row.requester_id)
        or principal.is_staff_of(row.office_id)
    )


def _already_pending(partner_id: str, pending: int | None = None) -> ApiError:
    which = f"introduction {pending}" if pending is not None else "an introduction"
    return ApiError(
        409,
        f"{which} to {partner_id!r} is still pending",
        [Problem(field="body.partner_id", value=partner_id, reason="pending")],
    )


@router.post(
    "", response_model=IntroductionPublic, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def request_introduction(
    service: ServiceDep, principal: ResearcherDep, request: IntroductionCreate
) -> IntroductionPublic:
    """A researcher asks for an introduction to a partner, through the office on the route
    (or ``office_id``, an office in the partner's country)."""
    requester = principal.binding
    assert requester is not None  # researcher keys are always bound
    if request.partner_id == requester:
        raise ApiError(
            422,
            "a researcher cannot ask to be introduced to themself",
            [Problem(field="body.partner_id", value=request.partner_id, reason="is the requester")],
        )
    fitted = service.engine.get()
    fitted.dataset.profile(requester)
    fitted.dataset.profile(request.partner_id)
    if request.call_id is not None:
        fitted.dataset.call(request.call_id)
    office, route = _office_for(
        fitted.matcher, fitted.dataset, request.partner_id, request.office_id
    )
    with service.database.session() as session:
        pending = session.scalar(
            select(IntroductionRow.id).where(
                IntroductionRow.requester_id == requester,
                IntroductionRow.partner_id == request.partner_id,
                IntroductionRow.status == "pending",
            )
        )
        if pending is not None:
            raise _already_pending(request.partner_id, pending)
        row = IntroductionRow(
            requester_id=requester,
            partner_id=request.partner_id,
            office_id=office.id,
            call_id=request.call_id,
            message=request.message,
            route=route.model_dump() if route is not None else {},
            status="pending",
            created_at=utcnow(),
            note="",
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # A concurrent identical request was stored first (the pending index).
            raise _already_pending(request.partner_id) from None
        audit(
            session,
            principal,
            "introduction.request",
            f"introduction:{row.id}",
            {"partner": request.partner_id, "office": office.id},
        )
        notify_introduction_requested(session, row)
        return _public(session, row, principal)


@router.get("", response_model=list[IntroductionPublic], responses=ERRORS)
def list_introductions(service: ServiceDep, principal: PrincipalDep) -> list[IntroductionPublic]:
    """The introductions the caller may see: a researcher's own requests, an office's
    requests for its staff, all for admin and coordinators."""
    query = select(IntroductionRow).order_by(IntroductionRow.id)
    if principal.role == "researcher":
        query = query.where(IntroductionRow.requester_id == principal.binding)
    elif principal.role == "office_staff":
        query = query.where(IntroductionRow.office_id == principal.binding)
    with service.database.session() as session:
        return [_public(session, row, principal) for row in session.scalars(query)]


@router.get("/{introduction_id}", response_model=IntroductionPublic, responses=ERRORS)
def read_introduction(
    service: ServiceDep, principal: PrincipalDep, introduction_id: IntroductionId
) -> IntroductionPublic:
    """One introduction (its requester, the office's staff, admin and coordinators)."""
    with service.database.session() as session:
        row = session.get(IntroductionRow, introduction_id)
        if row is None:
            raise not_found("introduction", str(introduction_id))
        if not _may_see(principal, row):
            raise forbidden("only the requester, the office's staff, admin and coordinators")
        return _public(session, row, principal)


@router.post("/{introduction_id}/decision", response_model=IntroductionPublic, responses=ERRORS)
def decide(
    service: ServiceDep,
    principal: StaffDep,
    introduction_id: IntroductionId,
    decision: IntroductionDecision,
) -> IntroductionPublic:
    """The office's staff accept or decline a pending request."""
    with service.database.session() as session:
        row = session.get(IntroductionRow, introduction_id)
        if row is None:
            raise not_found("introduction", str(introduction_id))
        if not principal.is_staff_of(row.office_id):
            raise forbidden(f"only the staff of office {row.office_id!r} decide this request")
        # Only a pending request changes: of concurrent decisions, the first to update
        # wins and the others find it decided (the row is locked until the winner commits).
        decided = session.execute(
            update(IntroductionRow)
            .where(IntroductionRow.id == introduction_id, IntroductionRow.status == "pending")
            .values(
                status="accepted" if decision.decision == "accept" else "declined",
                decided_at=utcnow(),
                decided_by=principal.actor,
                note=decision.note,
            )
        )
        session.refresh(row)
        if decided.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(
                409,
                f"introduction {introduction_id} was already {row.status}",
                [Problem(field="path.introduction_id", value=introduction_id, reason=row.status)],
            )
        audit(
            session,
            principal,
            f"introduction.{decision.decision}",
            f"introduction:{row.id}",
            {"requester": row.requester_id, "partner": row.partner_id},
        )
        notify_introduction_decided(session, row)
        session.flush()
        return _public(session, row, principal)

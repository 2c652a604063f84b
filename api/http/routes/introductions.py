"""``/introductions``: a researcher (or a coordinator, for a whole suggested team) asks to
be introduced to a partner through an office that offers introductions; the office's
staff forward the request to the partner or decline it; the partner (signed in, or
through a one-time link) accepts or declines; only then are the contacts exchanged both
ways. The requester may withdraw an open request; undecided ones expire. ``/offices/{id}/
load`` gives an office's load against its capacity; ``/offices/{id}/requests`` are the
requests for the office's other services (information support, expert advice).

The transitions themselves live in :mod:`api.http.introductions` (engine-independent);
this module checks the engine's facts (routes, services, eligibility) and the callers.
Every request, decision and disclosure is in the audit trail.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.http import introductions as flow
from api.http import notifications as notify
from api.http.auth import Principal
from api.http.deps import PrincipalDep, ServiceDep, require
from api.http.errors import ApiError, forbidden, not_found
from api.http.reminders import expire_and_notify
from api.http.routes.outcomes import record_introduction_outcome
from api.http.routes.profiles import ERRORS
from api.http.schemas.access import (
    IntroductionAnswer,
    IntroductionCreate,
    IntroductionDecision,
    IntroductionPublic,
    OfficeLoadPublic,
    OfficeRequestAnswer,
    OfficeRequestCreate,
    OfficeRequestPublic,
    ReminderPublic,
    TeamIntroductionCreate,
    TeamIntroductionResult,
    TeamMemberResult,
)
from api.http.schemas.errors import Problem
from api.http.service import Service, audit
from api.http.store.tables import IntroductionRow, OfficeRequestRow, utcnow
from api.http.views import Viewer
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.errors import UnknownIdError
from matcher.model import Contact, Identifier, Office, Route

router = APIRouter(tags=["introductions"])
IntroductionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
OfficeId = Annotated[Identifier, Path()]
TeamRef = Annotated[str, Path(min_length=1, max_length=36)]
ResearcherDep = Annotated[Principal, Depends(require("researcher"))]
StaffDep = Annotated[Principal, Depends(require("office_staff"))]
EditorDep = Annotated[Principal, Depends(require("admin", "coordinator"))]
ServiceAskerDep = Annotated[Principal, Depends(require("researcher", "coordinator"))]
BROKER = "introductions"
"""The office service that brokers contacts."""


# -- which office, and may the partner be introduced -----------------------------------


def _offers(office: Office) -> str:
    return ", ".join(office.services) or "none"


def _office_for(
    matcher: Matcher,
    dataset: Dataset,
    partner_id: str,
    wanted: str | None,
    side: str | None = None,
) -> tuple[Office, Route | None]:
    """The office an introduction to ``partner_id`` goes through, and the route, seen from
    the requester's ``side`` (their country; ``None``: the engine's default side).

    ``wanted`` (an open office in the partner's country offering introductions), else the
    office on the route when it offers introductions, else the first open office in the
    partner's country that does, an office run from the requester's side first (an office
    serves its operator's side; another side's office is the last resort). 409 when there
    is none: only offices offering ``introductions`` broker contacts.
    """
    partner = dataset.profile(partner_id)
    viewed = matcher.from_side(side)
    route = viewed.routes_.route(partner)
    own_side = viewed.routes_.home_country
    if wanted is not None:
        office = dataset.office(wanted)
        field = "body.office_id"
        if office.country != partner.country:
            raise ApiError(
                422,
                f"office {wanted!r} is in {office.country}, the partner in {partner.country}",
                [Problem(field=field, value=wanted, reason="not in the partner's country")],
            )
        if BROKER not in office.services:
            raise ApiError(
                409,
                f"office {wanted!r} does not offer introductions (its services: {_offers(office)})",
                [Problem(field=field, value=wanted, reason="does not offer introductions")],
            )
        if office.status != "open":
            raise ApiError(
                409,
                f"office {wanted!r} is {office.status}, not open",
                [Problem(field=field, value=wanted, reason=f"office {office.status}")],
            )
        return office, route
    if route is not None and route.kind in ("office", "office_partner") and route.via:
        office = dataset.office(route.via)
        if BROKER in office.services and office.status == "open":
            return office, route
    hosts = sorted(
        (
            o
            for o in dataset.offices
            if o.country == partner.country and o.status == "open" and BROKER in o.services
        ),
        key=lambda o: (o.home_country != own_side, o.id),
    )
    if not hosts:
        raise ApiError(
            409,
            f"no open office offering introductions on the route to {partner_id!r} "
            f"(country {partner.country})",
            [Problem(field="body.partner_id", value=partner_id, reason="no office to broker it")],
        )
    return hosts[0], route


def _check_eligible(matcher: Matcher, call_id: str, partner_id: str) -> None:
    """422 when the call's rules do not admit the partner (the rule and the reason)."""
    verdict = matcher.eligibility(call_id, partner_id)
    if not verdict.eligible:
        raise ApiError(
            422,
            f"{partner_id!r} may not join a team for call {call_id!r}: {verdict.reason}",
            [
                Problem(
                    field="body.call_id", value=call_id, reason=f"{verdict.rule}: {verdict.reason}"
                )
            ],
        )


def _full(load: flow.OfficeLoad) -> ApiError:
    return ApiError(
        409,
        f"office {load.office_id!r} is full: {load.load} of its capacity of {load.capacity} "
        f"introductions in this round (the last {load.round_days} days)",
        [
            Problem(
                field="body.office_id",
                value=load.office_id,
                reason=f"load {load.load} of capacity {load.capacity}",
            )
        ],
    )


# -- what a caller sees ----------------------------------------------------------------


def _public(session: Session, row: IntroductionRow, principal: Principal) -> IntroductionPublic:
    """An introduction as the caller sees it. Contacts only where exchanged (see
    :func:`api.http.service.contact_visible_ids`), through the records' view."""
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
        requested_by=row.requested_by or "",
        team_ref=row.team_ref,
        forwarded_at=row.forwarded_at,
        answered_at=row.answered_at,
        answered_by=row.answered_by,
        answer_note=row.answer_note or "",
        closed_at=row.closed_at,
    )
    staff = principal.is_staff_of(row.office_id)
    shared = row.status == "accepted" or (staff and row.status == "forwarded")
    if not shared:
        return out
    viewer = Viewer.of(session, principal)
    where = f"introduction:{row.id}"
    if principal.is_researcher(row.requester_id) or staff:
        out.partner_contact = _contact(viewer.contact(row.partner_id, where))
    if principal.is_researcher(row.partner_id) or staff:
        out.requester_contact = _contact(viewer.contact(row.requester_id, where))
    return out


def _contact(data: dict[str, Any] | None) -> Contact | None:
    return None if data is None else Contact.model_validate(data)


def _may_see(principal: Principal, row: IntroductionRow) -> bool:
    return (
        principal.role in ("admin", "coordinator")
        or principal.is_researcher(row.requester_id)
        or principal.is_staff_of(row.office_id)
        or (principal.is_researcher(row.partner_id) and row.forwarded_at is not None)
    )


def _already_open(partner_id: str, pending: int | None = None) -> ApiError:
    which = f"introduction {pending}" if pending is not None else "an introduction"
    return ApiError(
        409,
        f"{which} to {partner_id!r} is still open (pending or forwarded)",
        [Problem(field="body.partner_id", value=partner_id, reason="pending")],
    )


def _refused(error: flow.TransitionRefused) -> ApiError:
    return ApiError(
        409,
        str(error),
        [Problem(field="path.introduction_id", value=error.introduction_id, reason=error.status)],
    )


def _expire(service: Service, session: Session) -> None:
    """Expire overdue requests before reading or changing any (lazily, in the caller's
    transaction; the service's background pass does the same, see
    :mod:`api.http.reminders`)."""
    expire_and_notify(session, service.settings.introduction_expiry_days)


def _notify_answer(session: Session, row: IntroductionRow) -> None:
    """Tell both sides of the partner's answer (in the answering transaction)."""
    if row.status == "accepted":
        notify.notify_partner_accepted(session, row)
    else:
        notify.notify_partner_declined(session, row)


def _row(session: Session, introduction_id: int) -> IntroductionRow:
    row = session.get(IntroductionRow, introduction_id)
    if row is None:
        raise not_found("introduction", str(introduction_id))
    return row


# -- making requests -------------------------------------------------------------------


def open_introduction(
    service: Service,
    principal: Principal,
    *,
    requester_id: str,
    partner_id: str,
    call_id: str | None,
    office_id: str | None,
    message: str,
    team_ref: str | None = None,
) -> IntroductionPublic:
    """Check and store one request (the single and the team requests share it).

    Refused: 422 for oneself or a partner the call does not admit, 409 without an office
    offering introductions, with the office full, or with an open request already.
    """
    if partner_id == requester_id:
        raise ApiError(
            422,
            "a researcher cannot ask to be introduced to themself",
            [Problem(field="body.partner_id", value=partner_id, reason="is the requester")],
        )
    fitted = service.engine.get()
    fitted.dataset.profile(requester_id)
    fitted.dataset.profile(partner_id)
    if call_id is not None:
        fitted.dataset.call(call_id)
        _check_eligible(fitted.matcher, call_id, partner_id)
    side = fitted.dataset.profile(requester_id).country
    office, route = _office_for(fitted.matcher, fitted.dataset, partner_id, office_id, side)
    settings = service.settings
    with service.database.session() as session:
        _expire(service, session)
        flow.lock_office(session, office.id)
        pending = session.scalar(
            select(IntroductionRow.id).where(
                IntroductionRow.requester_id == requester_id,
                IntroductionRow.partner_id == partner_id,
                IntroductionRow.status.in_(("pending", "forwarded")),
            )
        )
        if pending is not None:
            raise _already_open(partner_id, pending)
        load = flow.office_load(
            session, office.id, office.capacity, settings.introduction_round_days
        )
        if load.full:
            raise _full(load)
        try:
            row = flow.create(
                session,
                principal,
                requester_id=requester_id,
                partner_id=partner_id,
                office_id=office.id,
                call_id=call_id,
                message=message,
                route=route.model_dump() if route is not None else {},
                team_ref=team_ref,
            )
        except IntegrityError:
            # A concurrent identical request was stored first (the open-request index).
            raise _already_open(partner_id) from None
        notify.notify_introduction_requested(session, row)
        return _public(session, row, principal)


@router.post(
    "/introductions",
    response_model=IntroductionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def request_introduction(
    service: ServiceDep, principal: ResearcherDep, request: IntroductionCreate
) -> IntroductionPublic:
    """A researcher asks for an introduction to a partner, through the office on the route
    (or ``office_id``, an office in the partner's country) offering introductions."""
    requester = principal.binding
    assert requester is not None  # researcher keys are always bound
    return open_introduction(
        service,
        principal,
        requester_id=requester,
        partner_id=request.partner_id,
        call_id=request.call_id,
        office_id=request.office_id,
        message=request.message,
    )


@router.post(
    "/introduction-teams",
    response_model=TeamIntroductionResult,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def request_team_introductions(
    service: ServiceDep, principal: EditorDep, request: TeamIntroductionCreate
) -> TeamIntroductionResult:
    """A coordinator asks for introductions of ``requester_id`` (a home-side member of the
    team) to every foreign member of a suggested team (members from another country
    than the requester's), each through the office on that member's route.

    Per member, not all-or-nothing: each request is made or refused on its own (an
    office full or a member the call does not admit must not block the others); each
    result carries its status code and reason. Every request made carries the same
    ``team_ref``.
    """
    if request.requester_id not in request.member_ids:
        raise ApiError(
            422,
            f"the requester {request.requester_id!r} is not in the team",
            [Problem(field="body.requester_id", value=request.requester_id, reason="not in team")],
        )
    fitted = service.engine.get()
    fitted.dataset.call(request.call_id)
    home = fitted.dataset.profile(request.requester_id).country
    team_ref = uuid.uuid4().hex
    results: list[TeamMemberResult] = []
    for member_id in dict.fromkeys(request.member_ids):
        if member_id == request.requester_id:
            continue
        try:
            member = fitted.dataset.profile(member_id)
        except UnknownIdError:
            results.append(
                TeamMemberResult(
                    member_id=member_id,
                    created=False,
                    status_code=404,
                    reason=f"unknown profile {member_id!r}",
                )
            )
            continue
        if member.country == home:
            continue  # a home-side member needs no introduction
        try:
            made = open_introduction(
                service,
                principal,
                requester_id=request.requester_id,
                partner_id=member_id,
                call_id=request.call_id,
                office_id=None,
                message=request.message,
                team_ref=team_ref,
            )
        except ApiError as error:
            results.append(
                TeamMemberResult(
                    member_id=member_id,
                    created=False,
                    status_code=error.status,
                    reason=error.detail,
                )
            )
            continue
        results.append(
            TeamMemberResult(member_id=member_id, created=True, status_code=201, introduction=made)
        )
    return TeamIntroductionResult(
        team_ref=team_ref,
        call_id=request.call_id,
        requester_id=request.requester_id,
        results=results,
    )


# -- reading ---------------------------------------------------------------------------


@router.get("/introductions", response_model=list[IntroductionPublic], responses=ERRORS)
def list_introductions(service: ServiceDep, principal: PrincipalDep) -> list[IntroductionPublic]:
    """The introductions the caller may see: a researcher's own requests and the ones
    forwarded to them as partner, an office's requests for its staff, all for admin and
    coordinators."""
    query = select(IntroductionRow).order_by(IntroductionRow.id)
    if principal.role == "researcher":
        query = query.where(
            or_(
                IntroductionRow.requester_id == principal.binding,
                (IntroductionRow.partner_id == principal.binding)
                & IntroductionRow.forwarded_at.is_not(None),
            )
        )
    elif principal.role == "office_staff":
        query = query.where(IntroductionRow.office_id == principal.binding)
    with service.database.session() as session:
        _expire(service, session)
        return [_public(session, row, principal) for row in session.scalars(query)]


@router.get("/introductions/reminders", response_model=list[ReminderPublic], responses=ERRORS)
def list_reminders(service: ServiceDep, principal: EditorDep) -> list[ReminderPublic]:
    """The open requests waiting longer than ``GRANTMATCH_INTRODUCTION_REMINDER_DAYS``, on
    the office or on the partner, oldest first (what the notifications remind of)."""
    with service.database.session() as session:
        _expire(service, session)
        due = flow.reminders_due(session, service.settings.introduction_reminder_days)
        return [ReminderPublic.model_validate(r, from_attributes=True) for r in due]


@router.get(
    "/introduction-teams/{team_ref}", response_model=list[IntroductionPublic], responses=ERRORS
)
def read_team(
    service: ServiceDep, principal: PrincipalDep, team_ref: TeamRef
) -> list[IntroductionPublic]:
    """The introductions of one team request (the ones the caller may see)."""
    with service.database.session() as session:
        _expire(service, session)
        rows = session.scalars(
            select(IntroductionRow)
            .where(IntroductionRow.team_ref == team_ref)
            .order_by(IntroductionRow.id)
        )
        return [_public(session, r, principal) for r in rows if _may_see(principal, r)]


@router.get("/introductions/{introduction_id}", response_model=IntroductionPublic, responses=ERRORS)
def read_introduction(
    service: ServiceDep, principal: PrincipalDep, introduction_id: IntroductionId
) -> IntroductionPublic:
    """One introduction (its requester, its partner once forwarded, the office's staff,
    admin and coordinators)."""
    with service.database.session() as session:
        _expire(service, session)
        row = _row(session, introduction_id)
        if not _may_see(principal, row):
            raise forbidden(
                "only the requester, the partner, the office's staff, admin and coordinators"
            )
        return _public(session, row, principal)


# -- transitions -----------------------------------------------------------------------


@router.post(
    "/introductions/{introduction_id}/decision", response_model=IntroductionPublic, responses=ERRORS
)
def decide(
    service: ServiceDep,
    principal: StaffDep,
    introduction_id: IntroductionId,
    decision: IntroductionDecision,
) -> IntroductionPublic:
    """The office's staff forward a pending request to the partner (the answer carries
    the partner's one-time ``consent_token``) or decline it."""
    with service.database.session() as session:
        _expire(service, session)
        row = _row(session, introduction_id)
        if not principal.is_staff_of(row.office_id):
            raise forbidden(f"only the staff of office {row.office_id!r} decide this request")
        try:
            if decision.decision == "forward":
                row, token = flow.forward(session, principal, row, decision.note)
                notify.notify_introduction_forwarded(session, row)
                out = _public(session, row, principal)
                out.consent_token = token
                return out
            row = flow.decline_by_office(session, principal, row, decision.note)
        except flow.TransitionRefused as error:
            raise _refused(error) from None
        record_introduction_outcome(session, row)
        notify.notify_introduction_decided(session, row)
        return _public(session, row, principal)


@router.post(
    "/introductions/{introduction_id}/consent-link",
    response_model=IntroductionPublic,
    responses=ERRORS,
)
def renew_consent_link(
    service: ServiceDep, principal: StaffDep, introduction_id: IntroductionId
) -> IntroductionPublic:
    """A new one-time consent link for a forwarded request (the old one stops working)."""
    with service.database.session() as session:
        _expire(service, session)
        row = _row(session, introduction_id)
        if not principal.is_staff_of(row.office_id):
            raise forbidden(f"only the staff of office {row.office_id!r} broker this request")
        try:
            token = flow.new_consent_token(session, principal, row)
        except flow.TransitionRefused as error:
            raise _refused(error) from None
        out = _public(session, row, principal)
        out.consent_token = token
        return out


@router.post(
    "/introductions/{introduction_id}/answer", response_model=IntroductionPublic, responses=ERRORS
)
def answer(
    service: ServiceDep,
    principal: ResearcherDep,
    introduction_id: IntroductionId,
    body: IntroductionAnswer,
) -> IntroductionPublic:
    """The partner accepts or declines a forwarded request; on acceptance the contacts
    are exchanged both ways."""
    with service.database.session() as session:
        _expire(service, session)
        row = _row(session, introduction_id)
        if not principal.is_researcher(row.partner_id) or row.forwarded_at is None:
            raise forbidden("only the partner answers a request forwarded to them")
        try:
            row = flow.answer(session, principal, row, body.answer == "accept", body.note)
        except flow.TransitionRefused as error:
            raise _refused(error) from None
        # An accepted introduction is evidence of collaboration: a route from the next fit.
        record_introduction_outcome(session, row)
        _notify_answer(session, row)
        return _public(session, row, principal)


@router.post(
    "/introductions/{introduction_id}/withdraw",
    response_model=IntroductionPublic,
    responses=ERRORS,
)
def withdraw(
    service: ServiceDep, principal: ResearcherDep, introduction_id: IntroductionId
) -> IntroductionPublic:
    """The requester withdraws a pending or forwarded request."""
    with service.database.session() as session:
        _expire(service, session)
        row = _row(session, introduction_id)
        if not principal.is_researcher(row.requester_id):
            raise forbidden("only the requester withdraws a request")
        try:
            row = flow.withdraw(session, principal, row)
        except flow.TransitionRefused as error:
            raise _refused(error) from None
        notify.notify_introduction_withdrawn(
            session, row, partner_was_asked=row.forwarded_at is not None
        )
        return _public(session, row, principal)


def consent_request(service: Service, token: str) -> IntroductionRow | None:
    """The forwarded request a consent link belongs to (for the link's page, which has
    no signed-in caller); ``None`` for an unknown, used or expired link."""
    with service.database.session() as session:
        _expire(service, session)
        row = flow.by_token(session, token)
        if row is not None:
            session.expunge(row)
        return row


def consent_answer(service: Service, token: str, accept: bool, note: str) -> IntroductionRow | None:
    """The partner's answer through the one-time link; ``None`` for an unknown, used or
    expired link. Raises ``ApiError`` 409 when the request changed meanwhile."""
    with service.database.session() as session:
        _expire(service, session)
        try:
            row = flow.answer_by_token(session, token, accept, note)
        except flow.TransitionRefused as error:
            raise _refused(error) from None
        if row is not None:
            record_introduction_outcome(session, row)
            _notify_answer(session, row)
            session.flush()
            session.expunge(row)
        return row


# -- offices: load and service requests ------------------------------------------------


def _office(service: Service, office_id: str) -> Office:
    return service.engine.get().dataset.office(office_id)


@router.get("/offices/{office_id}/load", response_model=OfficeLoadPublic, responses=ERRORS)
def read_office_load(
    service: ServiceDep, principal: PrincipalDep, office_id: OfficeId
) -> OfficeLoadPublic:
    """An office's introductions in the current round against its capacity (admin,
    coordinators and the office's staff)."""
    if principal.role not in ("admin", "coordinator") and not principal.is_staff_of(office_id):
        raise forbidden("only admin, coordinators and the office's staff")
    office = _office(service, office_id)
    with service.database.session() as session:
        _expire(service, session)
        load = flow.office_load(
            session, office.id, office.capacity, service.settings.introduction_round_days
        )
        return OfficeLoadPublic.model_validate(load.as_dict())


def _request_public(row: OfficeRequestRow) -> OfficeRequestPublic:
    return OfficeRequestPublic.model_validate(row, from_attributes=True)


@router.post(
    "/offices/{office_id}/requests",
    response_model=OfficeRequestPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def request_service(
    service: ServiceDep, principal: ServiceAskerDep, office_id: OfficeId, body: OfficeRequestCreate
) -> OfficeRequestPublic:
    """Ask an open office for a service it offers (information support, expert advice);
    its staff answer with a note. No contact data is exchanged."""
    office = _office(service, office_id)
    if body.service not in office.services or office.status != "open":
        why = (
            f"office {office_id!r} is {office.status}, not open"
            if office.status != "open"
            else f"office {office_id!r} does not offer {body.service} "
            f"(its services: {_offers(office)})"
        )
        raise ApiError(409, why, [Problem(field="body.service", value=body.service, reason=why)])
    with service.database.session() as session:
        row = OfficeRequestRow(
            office_id=office_id,
            service=body.service,
            requester_id=principal.binding if principal.role == "researcher" else None,
            requested_by=principal.actor,
            message=body.message,
            status="pending",
            created_at=utcnow(),
            answer="",
        )
        session.add(row)
        session.flush()
        audit(
            session,
            principal,
            "office_request.create",
            f"office_request:{row.id}",
            {"office": office_id, "service": body.service},
        )
        return _request_public(row)


@router.get(
    "/offices/{office_id}/requests", response_model=list[OfficeRequestPublic], responses=ERRORS
)
def list_service_requests(
    service: ServiceDep, principal: PrincipalDep, office_id: OfficeId
) -> list[OfficeRequestPublic]:
    """The service requests to an office: all for its staff, admin and coordinators; a
    researcher's own."""
    query = select(OfficeRequestRow).where(OfficeRequestRow.office_id == office_id)
    if principal.role == "researcher":
        query = query.where(OfficeRequestRow.requester_id == principal.binding)
    elif principal.role == "office_staff" and not principal.is_staff_of(office_id):
        raise forbidden("only the office's staff")
    with service.database.session() as session:
        return [_request_public(r) for r in session.scalars(query.order_by(OfficeRequestRow.id))]


@router.post(
    "/offices/{office_id}/requests/{request_id}/answer",
    response_model=OfficeRequestPublic,
    responses=ERRORS,
)
def answer_service_request(
    service: ServiceDep,
    principal: StaffDep,
    office_id: OfficeId,
    request_id: IntroductionId,
    body: OfficeRequestAnswer,
) -> OfficeRequestPublic:
    """The office's staff answer a pending service request with a note (once)."""
    if not principal.is_staff_of(office_id):
        raise forbidden(f"only the staff of office {office_id!r}")
    with service.database.session() as session:
        row = session.get(OfficeRequestRow, request_id)
        if row is None or row.office_id != office_id:
            raise not_found("office request", str(request_id), "path.request_id")
        done = session.execute(
            update(OfficeRequestRow)
            .where(OfficeRequestRow.id == request_id, OfficeRequestRow.status == "pending")
            .values(
                status="answered",
                answered_at=utcnow(),
                answered_by=principal.actor,
                answer=body.answer,
            )
        )
        session.refresh(row)
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(
                409,
                f"request {request_id} was already answered",
                [Problem(field="path.request_id", value=request_id, reason=row.status)],
            )
        audit(
            session,
            principal,
            "office_request.answer",
            f"office_request:{row.id}",
            {"office": office_id},
        )
        return _request_public(row)

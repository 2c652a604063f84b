"""Pages of an office's staff: the inbox of introduction requests through their office,
the office's step on each (forward to the partner with a note, or decline), a fresh
one-time consent link for a forwarded request, and the office's load against its
capacity in the current round.

The requests, the steps, the load and the contact data come from the JSON API's
:mod:`api.http.routes.introductions` with the staff member's principal: contact data
appears only where the service's view discloses it (both sides, once forwarded).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.errors import ApiError
from api.http.routes import introductions as intro_routes
from api.http.routes.answers import current_engine
from api.http.schemas.access import IntroductionDecision
from api.web.deps import ServiceDep, Staff, StaffPost
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.routes import services
from api.web.routes.researcher import introduction_view
from matcher.errors import UnknownIdError

router = APIRouter()
IntroductionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def consent_url(request: Request, token: str) -> str:
    """The partner's one-time consent link, absolute (it is sent by e-mail)."""
    return f"{str(request.base_url).rstrip('/')}{BASE}/consent/{token}"


@router.get("/office")
async def inbox(request: Request, service: ServiceDep, web: Staff) -> Response:
    """The requests through this office: waiting for the office (oldest first: they have
    waited longest), waiting for the partner, then the closed ones (newest first)."""
    _ = gettext_for(language_of(request, web))
    principal = web.user.principal
    found = await run_in_threadpool(intro_routes.list_introductions, service, principal)
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    office_id = web.user.binding or ""
    try:
        name = dataset.office(office_id).name
        load = await run_in_threadpool(intro_routes.read_office_load, service, principal, office_id)
        meter = load.model_dump() | {
            "share": None if not load.capacity else min(load.load / load.capacity, 1.0),
            "over": load.capacity is not None and load.load > load.capacity,
        }
    except UnknownIdError:  # an office deleted since the account was made
        name = office_id
        meter = None
    views = [introduction_view(dataset, i, _) for i in found]
    asked = await services.requests_to(service, principal, [office_id]) if office_id else []
    kinds = services.service_names(_)
    return render(
        request,
        "office/inbox.html",
        web,
        {
            "office": {"id": office_id, "name": name},
            "pending": [v for v in views if v["status"] == "pending"],
            "forwarded": [v for v in views if v["status"] == "forwarded"],
            "decided": [v for v in reversed(views) if v["status"] not in ("pending", "forwarded")],
            "load": meter,
            # Service requests: those waiting first (oldest first), then the answered ones.
            "service_requests": [
                services.request_view(r, dataset, kinds)
                for r in sorted(asked, key=lambda r: (r.status != "pending", r.id))
            ],
        },
    )


@router.post("/office/introductions/{introduction_id}/decision")
async def decide(
    request: Request,
    service: ServiceDep,
    web: StaffPost,
    introduction_id: IntroductionId,
    decision: Annotated[Literal["forward", "decline"], Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Forward a request to the partner or decline it (the API's ``decide``); a request
    changed meanwhile comes back as a message. The flash after a forward carries the
    partner's one-time consent link (shown this once)."""
    _ = gettext_for(language_of(request, web))
    body = IntroductionDecision(decision=decision, note=note)
    try:
        done = await run_in_threadpool(
            intro_routes.decide, service, web.user.principal, introduction_id, body
        )
    except ApiError as error:
        if error.status != 409:
            raise
        return redirect(
            f"{BASE}/office",
            _("Request %(id)s was already decided.") % {"id": introduction_id},
            kind="error",
        )
    if decision == "decline":
        text = _("Request %(id)s declined.") % {"id": introduction_id}
    else:
        text = _(
            "Request %(id)s forwarded to the partner. Their one-time consent link "
            "(for a partner without an account): %(link)s"
        ) % {"id": introduction_id, "link": consent_url(request, done.consent_token or "")}
    return redirect(f"{BASE}/office#intro-{introduction_id}", text)


@router.post("/office/introductions/{introduction_id}/consent-link")
async def renew_link(
    request: Request, service: ServiceDep, web: StaffPost, introduction_id: IntroductionId
) -> Response:
    """A new one-time consent link for a forwarded request (the old one stops working)."""
    _ = gettext_for(language_of(request, web))
    try:
        done = await run_in_threadpool(
            intro_routes.renew_consent_link, service, web.user.principal, introduction_id
        )
    except ApiError as error:
        if error.status != 409:
            raise
        return redirect(
            f"{BASE}/office",
            _("Request %(id)s is no longer waiting for the partner.") % {"id": introduction_id},
            kind="error",
        )
    text = _("A new consent link for request %(id)s (the old one no longer works): %(link)s") % {
        "id": introduction_id,
        "link": consent_url(request, done.consent_token or ""),
    }
    return redirect(f"{BASE}/office#intro-{introduction_id}", text)

"""Pages of an office's staff: the inbox of introduction requests through their office,
the decision on each (accept or decline, with a note), and the office's load against its
capacity.

The requests, the decisions and the contact data come from the JSON API's
:mod:`api.http.routes.introductions` with the staff member's principal: contact data
appears only where the service's view discloses it (both sides, after acceptance).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.errors import ApiError
from api.http.routes import introductions as intro_routes
from api.http.routes.answers import current_engine
from api.http.schemas.access import IntroductionDecision
from api.web.deps import ServiceDep, Staff, StaffPost
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.routes.researcher import introduction_view
from matcher.errors import UnknownIdError

router = APIRouter()
IntroductionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
COUNTED = ("pending", "accepted")
"""The requests that count against an office's capacity (declined ones do not)."""


def office_load(statuses: list[str], capacity: int | None) -> dict[str, Any]:
    """An office's load: pending and accepted requests, against its capacity.

    Parameters
    ----------
    statuses : list of str
        The status of each request through the office.
    capacity : int or None
        The office's capacity (introductions per round); ``None`` when not set.

    Returns
    -------
    dict
        ``pending``, ``accepted``, ``load`` (their sum), ``capacity`` and ``share``
        (load over capacity, capped at 1 for the meter; ``None`` without a capacity).
    """
    pending = statuses.count("pending")
    accepted = statuses.count("accepted")
    load = pending + accepted
    share = None if not capacity else min(load / capacity, 1.0)
    return {
        "pending": pending,
        "accepted": accepted,
        "load": load,
        "capacity": capacity,
        "share": share,
        "over": capacity is not None and load > capacity,
    }


@router.get("/office")
async def inbox(request: Request, service: ServiceDep, web: Staff) -> Response:
    """The requests through this office, pending first (oldest first: they have waited
    longest), then the decided ones (newest first)."""
    _ = gettext_for(language_of(request, web))
    found = await run_in_threadpool(intro_routes.list_introductions, service, web.user.principal)
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    office_id = web.user.binding or ""
    try:
        office = dataset.office(office_id)
        name, capacity = office.name, office.capacity
    except UnknownIdError:  # an office deleted since the account was made
        name, capacity = office_id, None
    pending = [introduction_view(dataset, i, _) for i in found if i.status == "pending"]
    decided = [introduction_view(dataset, i, _) for i in reversed(found) if i.status != "pending"]
    return render(
        request,
        "office/inbox.html",
        web,
        {
            "office": {"id": office_id, "name": name},
            "pending": pending,
            "decided": decided,
            "load": office_load([i.status for i in found], capacity),
        },
    )


@router.post("/office/introductions/{introduction_id}/decision")
async def decide(
    request: Request,
    service: ServiceDep,
    web: StaffPost,
    introduction_id: IntroductionId,
    decision: Annotated[Literal["accept", "decline"], Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Accept or decline a request (the API's ``decide``); a request decided meanwhile
    comes back as a message."""
    _ = gettext_for(language_of(request, web))
    body = IntroductionDecision(decision=decision, note=note)
    try:
        await run_in_threadpool(
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
    done = (
        _("Request %(id)s accepted: both sides' contacts are now shown.")
        if decision == "accept"
        else _("Request %(id)s declined.")
    )
    return redirect(f"{BASE}/office#intro-{introduction_id}", done % {"id": introduction_id})

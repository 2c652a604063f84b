"""Pages: office services as such. A researcher or a coordinator asks an open office for
information support or expert advice (only the services that office offers); the office's
staff answer once with a note, from their inbox.

Every step is the JSON API's :mod:`api.http.routes.introductions` route function
(``request_service``, ``list_service_requests``, ``answer_service_request``) called with
the signed-in person's principal: the page adds names and translations, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from api.http.auth import Principal
from api.http.errors import ApiError
from api.http.routes import introductions as intro_routes
from api.http.routes.answers import current_engine
from api.http.schemas.access import OfficeRequestAnswer, OfficeRequestCreate, OfficeRequestPublic
from api.http.service import Service
from api.web.deps import ServiceDep, StaffPost, form_post_of, role
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.sessions import WebSession
from matcher.dataset import Dataset
from matcher.model import Office

router = APIRouter()

Asker = Annotated[WebSession, Depends(role("researcher", "coordinator"))]
"""Who may ask an office for a service (the API's ``request_service`` allows these)."""
AskerPost = Annotated[WebSession, Depends(form_post_of("researcher", "coordinator"))]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Requestable = Literal["information_support", "expert_advice"]
REQUESTABLE: tuple[str, ...] = ("information_support", "expert_advice")
"""The services asked for as such (``introductions`` go through the introduction flow)."""


def service_names(_: Callable[[str], str]) -> dict[str, str]:
    """Every office service's name in the page's language."""
    return {
        "information_support": _("information support"),
        "expert_advice": _("expert advice"),
        "logistics": _("logistics"),
        "introductions": _("introductions"),
    }


def askable_offices(dataset: Dataset) -> list[Office]:
    """The open offices that offer a service asked for as such."""
    return [
        o
        for o in dataset.offices
        if o.status == "open" and any(s in REQUESTABLE for s in o.services)
    ]


def request_view(
    row: OfficeRequestPublic, dataset: Dataset, names: dict[str, str]
) -> dict[str, Any]:
    """A service request with the office's and the requester's names."""
    office = next((o for o in dataset.offices if o.id == row.office_id), None)
    requester = (
        dataset.profile(row.requester_id).name
        if row.requester_id and dataset.has_profile(row.requester_id)
        else None
    )
    return row.model_dump() | {
        "office_name": office.name if office else row.office_id,
        "service_name": names.get(row.service, row.service),
        "requester_name": requester,
    }


async def requests_to(
    service: Service, principal: Principal, office_ids: list[str]
) -> list[OfficeRequestPublic]:
    """The service requests to these offices that ``principal`` may see (the API decides)."""
    found: list[OfficeRequestPublic] = []
    for office_id in office_ids:
        found += await run_in_threadpool(
            intro_routes.list_service_requests, service, principal, office_id
        )
    return found


@router.get("/services")
async def services_page(request: Request, service: ServiceDep, web: Asker) -> Response:
    """The open offices with their services, a form per office, and the asker's requests
    (newest first) with the offices' answers."""
    _ = gettext_for(language_of(request, web))
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    principal = web.user.principal
    offices = askable_offices(dataset)
    names = service_names(_)
    found = await requests_to(service, principal, [o.id for o in dataset.offices])
    # A coordinator may see every request to an office: this page shows only their own.
    mine = [r for r in found if r.requested_by == principal.actor]
    return render(
        request,
        "services.html",
        web,
        {
            "offices": offices,
            "service_names": names,
            "requestable": REQUESTABLE,
            "requests": [
                request_view(r, dataset, names)
                for r in sorted(mine, key=lambda r: r.id, reverse=True)
            ],
        },
    )


@router.post("/services")
async def ask(
    request: Request,
    service: ServiceDep,
    web: AskerPost,
    office: Annotated[str, Form(min_length=1, max_length=200)],
    kind: Annotated[Requestable, Form(alias="service")],
    message: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Ask an office for a service (the API's ``request_service``); a refusal (the office
    does not offer it, or is not open) comes back as a message on the page."""
    _ = gettext_for(language_of(request, web))
    names = service_names(_)
    if not message.strip():
        return redirect(f"{BASE}/services", _("Write what you need."), kind="error")
    fitted = await current_engine(service.engine)
    found = fitted.dataset.office(office)  # an unknown office: the 404 page
    body = OfficeRequestCreate(service=kind, message=message.strip())
    try:
        done = await run_in_threadpool(
            intro_routes.request_service, service, web.user.principal, office, body
        )
    except ApiError as error:
        if error.status != 409:
            raise
        if found.status != "open":
            text = _("%(office)s is not open: it takes no requests.") % {"office": found.name}
        else:
            text = _("%(office)s does not offer %(service)s. It offers: %(services)s.") % {
                "office": found.name,
                "service": names[kind],
                "services": ", ".join(names.get(s, s) for s in found.services) or "—",
            }
        return redirect(f"{BASE}/services", text, kind="error")
    text = _("Your request %(id)s went to %(office)s.") % {"id": done.id, "office": found.name}
    return redirect(f"{BASE}/services#request-{done.id}", text)


@router.post("/office/requests/{request_id}/answer")
async def answer(
    request: Request,
    service: ServiceDep,
    web: StaffPost,
    request_id: RequestId,
    answer: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The office's staff answer a service request (the API's ``answer_service_request``);
    one answered meanwhile comes back as a message."""
    _ = gettext_for(language_of(request, web))
    if not answer.strip():
        return redirect(f"{BASE}/office#service-{request_id}", _("Write an answer."), kind="error")
    office_id = web.user.binding or ""
    try:
        await run_in_threadpool(
            intro_routes.answer_service_request,
            service,
            web.user.principal,
            office_id,
            request_id,
            OfficeRequestAnswer(answer=answer.strip()),
        )
    except ApiError as error:
        if error.status != 409:
            raise
        return redirect(
            f"{BASE}/office#service-{request_id}",
            _("Service request %(id)s was already answered.") % {"id": request_id},
            kind="error",
        )
    return redirect(
        f"{BASE}/office#service-{request_id}",
        _("Service request %(id)s answered.") % {"id": request_id},
    )

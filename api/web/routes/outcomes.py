"""Pages: outcomes. A coordinator records what happened to a team or an introduction (an
application, a funded grant, an accepted or declined introduction) and sees those recorded;
the next fit of the engine counts them as past collaboration.

Through the JSON API's ``/outcomes`` route functions (``create_outcome``, ``outcomes``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.routes import outcomes as outcomes_api
from api.http.routes.answers import current_engine
from api.http.schemas.outcomes import OutcomeCreate
from api.web.deps import Coordinator, CoordinatorPost, ServiceDep
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from matcher.dataset import Dataset

router = APIRouter()
KINDS = ("introduction_accepted", "introduction_declined", "applied", "funded", "declined")


@router.get("/outcomes")
async def outcomes_page(request: Request, service: ServiceDep, web: Coordinator) -> Response:
    """The outcomes recorded, newest first, and the form to record one."""
    fitted = await current_engine(service.engine)
    page = await run_in_threadpool(outcomes_api.outcomes, service, web.user.principal, None, 0, 200)
    dataset = fitted.dataset
    items = [_row(item.model_dump(), dataset) for item in page["items"]]
    values: dict[str, Any] = {
        "items": items,
        "kinds": KINDS,
        "calls": sorted(dataset.calls, key=lambda c: c.title),
        "today": dt.date.today().isoformat(),
    }
    return render(request, "outcomes/index.html", web, values)


@router.post("/outcomes")
async def record_outcome(
    request: Request,
    service: ServiceDep,
    web: CoordinatorPost,
    kind: Annotated[str, Form(max_length=32)],
    members: Annotated[str, Form(max_length=5000)],
    date: Annotated[str, Form(max_length=10)],
    call_id: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record one outcome (the API's ``create_outcome``); a wrong field is shown on the
    error page, named."""
    _ = gettext_for(language_of(request, web))
    body = OutcomeCreate.model_validate(
        {
            "id": f"outcome-{uuid.uuid4().hex[:12]}",
            "kind": kind,
            "call_id": call_id or None,
            "members": [m.strip() for m in members.replace(";", ",").split(",") if m.strip()],
            "date": date,
            "note": note,
        }
    )
    await run_in_threadpool(outcomes_api.create_outcome, service, web.user.principal, body)
    return redirect(f"{BASE}/outcomes", _("The outcome is recorded."))


def _row(item: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    names = [(m, dataset.profile(m).name if dataset.has_profile(m) else m) for m in item["members"]]
    call = item.get("call_id")
    title = next((c.title for c in dataset.calls if c.id == call), call) if call else None
    return {**item, "names": names, "call_title": title}

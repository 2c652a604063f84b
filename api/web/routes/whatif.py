"""Pages: what-if. Open an office that is negotiating (or closed), close an open one, or
sign an agreement between two institutions, and see how many more calls get a viable team
and how much better the best teams get.

Offices go through the JSON API's ``/offices/{id}/what-if`` route function; an agreement
(which the JSON API has no endpoint for) through the same engine calls the command line's
``grantmatch whatif --add-agreement`` makes (:meth:`Matcher.what_if` and
:func:`matcher.whatif.compare`), cached per data version like every answer.

Both are seen from a point of view (``side``, as on the call page): an office is a route
only for the country it is run from, and "our institution" in an agreement is one of that
country's.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.engine import Fitted
from api.http.routes import offices as offices_api
from api.http.routes.answers import current_engine, served, side_of, whatif_public
from api.http.schemas.answers import WhatIfPublic
from api.web.deps import Coordinator, PageError, ServiceDep
from api.web.pages import render
from api.web.routes.calls import Names, answer_json
from api.web.sides import by_country_name, points_of_view, side_query
from matcher.model import Institution
from matcher.whatif import compare

router = APIRouter()

SOLVER: Literal["fast"] = "fast"
"""Every call is solved twice per scenario: the fast solver keeps the page quick (the JSON
API's what-if uses it by default too)."""

Change = Annotated[Literal["", "open", "close", "agreement"], Query()]
IdQuery = Annotated[str, Query(max_length=200)]
SideQuery = Annotated[str, Query(max_length=100)]


@router.get("/whatif")
async def whatif_page(
    request: Request,
    service: ServiceDep,
    web: Coordinator,
    change: Change = "",
    office: IdQuery = "",
    first: IdQuery = "",
    second: IdQuery = "",
    side: SideQuery = "",
) -> Response:
    """The three kinds of change to choose from, and the outcome of the chosen one, from
    a point of view (``side``; default the engine's)."""
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    side_asked = side_query(side, request, web)
    seen_from = side_asked or fitted.matcher.side
    report: dict[str, Any] | None = None
    description = ""
    names = Names(dataset)
    if change in ("open", "close"):
        if not office:
            raise PageError(422, "invalid", [("office", "choose an office")])
        response = await offices_api.what_if(
            service, web.user.principal, office, change=change, solver=SOLVER, side=side_asked
        )
        report = answer_json(response)
        description = names.office(office)
    elif change == "agreement":
        report = await _agreement(service, fitted, first, second, side_asked)
        description = f"{names.institution(first)} — {names.institution(second)}"
    home = seen_from
    chosen = next((o for o in dataset.offices if o.id == office), None) if report else None
    institutions = sorted(dataset.institutions, key=lambda i: (i.country, i.name))
    return render(
        request,
        "whatif.html",
        web,
        {
            "change": change,
            "office": office,
            "first": first,
            "second": second,
            "description": description,
            "report": report,
            "already": _already_so(fitted, change, office, first, second),
            "rows": _rows(report, names) if report else [],
            "to_open": [o for o in dataset.offices if o.status != "open"],
            "to_close": [o for o in dataset.offices if o.status == "open"],
            "home_institutions": [i for i in institutions if home is None or i.country == home],
            "foreign_institutions": [i for i in institutions if home is None or i.country != home],
            "names": names,
            # The call pages the results link to: the office assumed open, the same side.
            "call_query": urlencode(
                ({"open_office": office} if change == "open" else {})
                | ({"side": side_asked} if side_asked else {})
            ),
            "side": seen_from,
            "side_asked": side_asked,
            "sides": by_country_name(points_of_view(dataset, seen_from), request, web),
            "side_offices": [
                o for o in dataset.offices if o.status == "open" and o.home_country == seen_from
            ],
            # An office run from elsewhere is no route from this side: say so, not just "0".
            "other_side_office": (
                chosen if chosen is not None and chosen.home_country != seen_from else None
            ),
        },
    )


async def _agreement(
    service: ServiceDep, fitted: Fitted, first: str, second: str, side: str | None
) -> dict[str, Any]:
    """Every call before and after ``first`` and ``second`` sign an agreement, seen from
    ``side`` (``None``: the engine's)."""
    problems = [
        (field, "choose an institution")
        for field, value in (("first", first), ("second", second))
        if not value
    ]
    if problems:
        raise PageError(422, "invalid", problems)
    if first == second:
        raise PageError(422, "invalid", [("second", "an institution different from the first")])
    pair = tuple(sorted((first, second)))

    def build() -> WhatIfPublic:
        before = fitted.matcher.from_side(side)
        after = before.what_if(agreements=[(pair[0], pair[1])])  # unknown id: 404 page
        report = compare(before, after, f"agreement {pair[0]}–{pair[1]}", solver=SOLVER)
        return whatif_public(report).model_copy(update={"data_version": fitted.version})

    key = ("web-what-if-agreement", *pair, SOLVER, side_of(fitted, side))
    response = await served(service.engine, fitted, key, build)
    return answer_json(response)


def _already_so(fitted: Fitted, change: str, office: str, first: str, second: str) -> bool:
    """Whether the change describes the data as it is (so nothing can change)."""
    dataset = fitted.dataset
    if change in ("open", "close") and office:
        is_open = dataset.office(office).status == "open"
        return is_open == (change == "open")
    if change == "agreement":
        found: Institution | None = dataset.institution(first)
        return found is not None and second in found.agreements
    return False


def _rows(report: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    """The calls of a report, those that changed first (gained, lost, improved, worse)."""
    rows = []
    for row in report["calls"]:
        improvement = row["improvement"]
        if row["gained"]:
            effect, order = "gained", 0
        elif row["lost"]:
            effect, order = "lost", 1
        elif improvement is not None and improvement > 1e-9:
            effect, order = "better", 2
        elif improvement is not None and improvement < -1e-9:
            effect, order = "worse", 3
        else:
            effect, order = "same", 4
        rows.append({**row, "title": names.call(row["call_id"]), "effect": effect, "order": order})
    return sorted(rows, key=lambda r: (r["order"], r["title"]))

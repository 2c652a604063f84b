"""Pages: the coordinator's calls. The list with filters (open or closed by deadline,
funder, country, text), and one call's page: its text and rules, the ranked eligible
candidates with the evidence and the route to each, the suggested teams with pins, bans
and an office assumed open, or why no team exists and the smallest relaxations.

Every answer comes from the JSON API's route functions (``candidates``, ``teams``); the
pages only read names from the engine's dataset and render.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.routes import calls as calls_api
from api.http.routes.answers import current_engine
from api.http.store.records import call_countries
from api.web.deps import Coordinator, PageError, ServiceDep
from api.web.i18n import Formatter
from api.web.pages import gettext_for, language_of, render
from api.web.sides import by_country_name, points_of_view, side_query
from matcher.dataset import Dataset
from matcher.model import Call, Office

router = APIRouter()

CALLS_PER_PAGE = 100
"""How many calls one page of the list shows."""
CANDIDATES_SHOWN = 20
"""How many ranked candidates the call page lists."""
ALTERNATIVES = 2
"""How many alternative teams the call page asks for beside the best one."""

CallStatus = Literal["open", "closed"]
StatusFilter = Annotated[Literal["", "open", "closed"], Query(description="By deadline.")]
TextFilter = Annotated[str, Query(max_length=200)]
CountryFilter = Annotated[str, Query(pattern="^([A-Za-z]{2})?$")]
IdsQuery = Annotated[list[str], Query(max_length=50)]
SideFilter = Annotated[str, Query(max_length=100)]


def call_status(call: Call, today: dt.date) -> CallStatus:
    """``open`` until the end of the deadline's day (a call without a deadline is open)."""
    if call.deadline is None or call.deadline >= today:
        return "open"
    return "closed"


def countries_of(call: Call) -> list[str]:
    """The countries a call's rules name (required, eligible or lead), as the JSON API's
    country filter reads them."""
    return [code for code in call_countries(call).split("|") if code]


def filter_calls(
    calls: Iterable[Call],
    today: dt.date,
    status: str = "",
    funder: str = "",
    country: str = "",
    text: str = "",
) -> list[Call]:
    """The calls that pass every filter given (an empty filter passes everything).

    Parameters
    ----------
    calls : iterable of Call
        The calls to filter.
    today : date
        The day deadlines are compared with.
    status : {"", "open", "closed"}
        By deadline (see :func:`call_status`).
    funder : str
        The funder, exactly as the call names it.
    country : str
        An ISO country code the call's rules name.
    text : str
        A case-insensitive part of the title, description, keywords, funder or id.

    Returns
    -------
    list of Call
        The matching calls, open ones first, then by deadline and title.
    """
    needle = text.strip().casefold()
    wanted_country = country.upper()
    found = []
    for call in calls:
        if status and call_status(call, today) != status:
            continue
        if funder and call.funder != funder:
            continue
        if wanted_country and wanted_country not in countries_of(call):
            continue
        if needle and needle not in _searchable(call):
            continue
        found.append(call)
    return sorted(
        found,
        key=lambda c: (call_status(c, today) != "open", c.deadline or dt.date.max, c.title),
    )


def _searchable(call: Call) -> str:
    words = [call.id, call.title, call.description, call.funder or "", *call.keywords]
    return " ".join(words).casefold()


def today_utc() -> dt.date:
    """The day deadlines are compared with (UTC, as the service's other dates)."""
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class Names:
    """Display names of the ids in answers, from the engine's dataset."""

    dataset: Dataset

    def profile(self, profile_id: str | None) -> str:
        """A profile's name (the id when the data has no such profile)."""
        if profile_id is None or not self.dataset.has_profile(profile_id):
            return profile_id or ""
        return self.dataset.profile(profile_id).name

    def institution(self, institution_id: str | None) -> str:
        """An institution's name (the id when it is not described; empty for none)."""
        return "" if institution_id is None else self.dataset.institution_name(institution_id)

    def office(self, office_id: str | None) -> str:
        """An office's name (the id when the data has no such office)."""
        found = self.office_record(office_id)
        return found.name if found is not None else office_id or ""

    def office_record(self, office_id: str | None) -> Office | None:
        """The office, or ``None``."""
        return next((o for o in self.dataset.offices if o.id == office_id), None)

    def call(self, call_id: str) -> str:
        """A call's title (the id when the data has no such call)."""
        return next((c.title for c in self.dataset.calls if c.id == call_id), call_id)


_RELAXATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"open office (?P<office>\S+) \(.*, now (?P<status>\w+)\)"), "office"),
    (re.compile(r"unpin (?P<profile>\S+)"), "unpin"),
    (re.compile(r"raise the per-institution cap from (?P<a>\d+) to (?P<b>\d+)"), "cap"),
    (
        re.compile(r"require (?P<a>\d+) instead of (?P<b>\d+) member\(s\) from (?P<country>\w\w)"),
        "country",
    ),
    (
        re.compile(r"require (?P<a>\d+) instead of (?P<b>\d+) (?P<stage>\w+)-career member\(s\)"),
        "stage",
    ),
    (re.compile(r"let a lead come from any country"), "lead_country"),
    (re.compile(r"let a lead be of any career stage"), "lead_stage"),
    (re.compile(r"raise the maximum team size from (?P<a>\d+) to (?P<b>\d+)"), "max_size"),
    (re.compile(r"lower the minimum team size from (?P<a>\d+) to (?P<b>\d+)"), "min_size"),
)


def describe_relaxation(description: str, names: Names, language: str) -> str | None:
    """A relaxation the engine describes (``"open office X (..., now negotiating), and
    require 0 instead of 1 member(s) from BY"``) in the page's language, with names
    instead of ids; ``None`` when a part is not one of the engine's known phrasings (the
    page then shows the engine's English)."""
    _ = gettext_for(language)
    formatter = Formatter(language)
    parts = []
    for part in description.split(", and "):
        text = _relaxation_part(part.strip(), names, formatter, _)
        if text is None:
            return None
        parts.append(text)
    return str(_("; and ")).join(parts)


def _relaxation_part(part: str, names: Names, formatter: Formatter, _: Any) -> str | None:
    for pattern, kind in _RELAXATIONS:
        found = pattern.fullmatch(part)
        if found is None:
            continue
        values = found.groupdict()
        if kind == "office":
            status = {"negotiating": _("now negotiating"), "closed": _("now closed")}
            return str(_("open the office %(office)s (%(status)s)")) % {
                "office": names.office(values["office"]),
                "status": status.get(values["status"], values["status"]),
            }
        if kind == "unpin":
            return str(_("unpin %(name)s")) % {"name": names.profile(values["profile"])}
        if kind == "cap":
            return str(_("allow %(b)s instead of %(a)s members per institution")) % values
        if kind == "country":
            country = formatter.country(values["country"])
            return str(_("require %(a)s instead of %(b)s member(s) from %(country)s")) % {
                **values,
                "country": country,
            }
        if kind == "stage":
            stage = _STAGES.get(values["stage"], values["stage"])
            return str(_("require %(a)s instead of %(b)s member(s) at the stage: %(stage)s")) % {
                **values,
                "stage": _(stage),
            }
        if kind == "lead_country":
            return str(_("let the lead come from any country"))
        if kind == "lead_stage":
            return str(_("let the lead be of any career stage"))
        if kind == "max_size":
            return str(_("raise the largest team size from %(a)s to %(b)s")) % values
        return str(_("lower the smallest team size from %(a)s to %(b)s")) % values
    return None


_STAGES = {"doctoral": "doctoral", "early": "early career", "mid": "mid career", "senior": "senior"}
"""Career stages as the call page names them (its template holds their translations)."""


@router.get("/calls")
async def call_list(
    request: Request,
    service: ServiceDep,
    web: Coordinator,
    status: StatusFilter = "",
    funder: TextFilter = "",
    country: CountryFilter = "",
    q: TextFilter = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every call of the data, filtered by status, funder, country and text, a hundred
    to a page."""
    fitted = await current_engine(service.engine)
    everything = list(fitted.dataset.calls)
    today = today_utc()
    matching = filter_calls(everything, today, status, funder, country, q)
    pages = max(1, -(-len(matching) // CALLS_PER_PAGE))
    page = min(page, pages)
    shown = matching[(page - 1) * CALLS_PER_PAGE : page * CALLS_PER_PAGE]
    funders = sorted({c.funder for c in everything if c.funder})
    countries = by_country_name(
        {code for c in everything for code in countries_of(c)}, request, web
    )
    return render(
        request,
        "calls/list.html",
        web,
        {
            "calls": [
                {"call": c, "status": call_status(c, today), "countries": countries_of(c)}
                for c in shown
            ],
            "total": len(everything),
            "matching": len(matching),
            "page": page,
            "pages": pages,
            "funders": funders,
            "countries": countries,
            "filters": {"status": status, "funder": funder, "country": country.upper(), "q": q},
            "today": today,
        },
    )


@router.get("/calls/{call_id}")
async def call_page(
    request: Request,
    service: ServiceDep,
    web: Coordinator,
    call_id: Annotated[str, Path(min_length=1, max_length=200)],
    pin: IdsQuery = [],  # noqa: B006 - FastAPI copies query defaults
    ban: IdsQuery = [],  # noqa: B006
    open_office: IdsQuery = [],  # noqa: B006
    side: SideFilter = "",
) -> Response:
    """One call: its text and rules, the ranked candidates with evidence and routes, and
    the suggested teams (re-solved with the pins, bans and offices assumed open of the
    query, so the address can be shared), from a point of view (``side``: routes start
    from that country's offices, agreements and people; default the engine's)."""
    fitted = await current_engine(service.engine)
    call = fitted.dataset.call(call_id)  # an unknown call: the 404 page
    principal = web.user.principal
    side_asked = side_query(side, request, web)
    seen_from = side_asked or fitted.matcher.side
    pins = _unique(pin)
    bans = _unique(ban)
    offices_open = _unique(open_office)
    names = Names(fitted.dataset)
    both = [i for i in pins if i in bans]
    if both:
        _ = gettext_for(language_of(request, web))
        message = _("Nobody can be pinned and banned at once: %(names)s.") % {
            "names": ", ".join(names.profile(i) for i in both)
        }
        raise PageError(422, message, [("ban", i) for i in both])
    candidates = answer_json(
        await calls_api.candidates(
            service, principal, call_id, k=CANDIDATES_SHOWN, explain=True, side=side_asked
        )
    )
    teams = answer_json(
        await calls_api.teams(
            service,
            principal,
            call_id,
            pin=pins,
            ban=bans,
            solver="exact",
            alternatives=ALTERNATIVES,
            open_office=offices_open,
            side=side_asked,
        )
    )
    return render(
        request,
        "calls/call.html",
        web,
        {
            "call": call,
            "status": call_status(call, today_utc()),
            "countries": countries_of(call),
            "candidates": candidates,
            "teams": teams,
            "suggestions": _suggestions(teams),
            "chooser": _chooser(candidates, teams, pins, bans, names),
            "relaxation_offices": _relaxation_offices(teams, fitted.dataset.offices),
            "relaxation_texts": [
                describe_relaxation(r["description"], names, language_of(request, web))
                for r in teams.get("relaxations", [])
            ],
            # Only the side's own offices are routes for it: only they can be assumed open.
            "closed_offices": [
                o
                for o in fitted.dataset.offices
                if o.status != "open" and o.home_country == seen_from
            ],
            "side": seen_from,
            "side_asked": side_asked,
            "sides": by_country_name(points_of_view(fitted.dataset, seen_from), request, web),
            "side_offices": [
                o
                for o in fitted.dataset.offices
                if o.status == "open" and o.home_country == seen_from
            ],
            "pins": pins,
            "pin_names": [names.profile(i) for i in pins],
            "ban_names": [names.profile(i) for i in bans],
            "open_office_names": [names.office(i) for i in offices_open],
            "bans": bans,
            "open_office": offices_open,
            "names": names,
        },
    )


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in ids if i.strip()))


def answer_json(response: Response) -> dict[str, Any]:
    """The JSON body of a route function's answer."""
    found: dict[str, Any] = json.loads(bytes(response.body))
    return found


def _suggestions(teams: dict[str, Any]) -> list[dict[str, Any]]:
    """The best team, then the alternatives (none when no team exists)."""
    if not teams.get("team"):
        return []
    return [teams["team"], *teams.get("alternatives", [])]


def _chooser(
    candidates: dict[str, Any],
    teams: dict[str, Any],
    pins: list[str],
    bans: list[str],
    names: Names,
) -> list[dict[str, Any]]:
    """The people the pin-and-ban form offers: the best team's members, the ranked
    candidates, and whoever is pinned or banned now (so a ban can be lifted)."""
    order: list[str] = []
    team = teams.get("team") or {}
    order += [m["profile_id"] for m in team.get("members", [])]
    order += [c["profile"]["id"] for c in candidates.get("candidates", [])]
    order += pins + bans
    in_team = {m["profile_id"] for m in team.get("members", [])}
    rows = []
    for profile_id in dict.fromkeys(order):
        profile = (
            names.dataset.profile(profile_id) if names.dataset.has_profile(profile_id) else None
        )
        rows.append(
            {
                "id": profile_id,
                "name": names.profile(profile_id),
                "institution": names.institution(profile.institution if profile else None),
                "country": profile.country if profile else None,
                "in_team": profile_id in in_team,
                "pinned": profile_id in pins,
                "banned": profile_id in bans,
            }
        )
    return rows


def _relaxation_offices(teams: dict[str, Any], offices: Sequence[Office]) -> dict[int, Office]:
    """Per relaxation (by position), the office it opens, if it is one of opening an
    office: the page offers to re-solve as if that office were open."""
    found: dict[int, Office] = {}
    waiting = [o for o in offices if o.status != "open"]
    for position, relaxation in enumerate(teams.get("relaxations", [])):
        words = set(relaxation.get("description", "").replace("(", " ").split())
        office = next((o for o in waiting if o.id in words), None)
        if office is not None:
            found[position] = office
    return found

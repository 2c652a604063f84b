"""Pages of a researcher: their own profile, the calls that fit them, partners abroad
(with a request for an introduction), and their introductions.

Every read and write goes through the JSON API's route functions with the signed-in
researcher's principal (:mod:`api.http.routes.profiles`, ``calls``, ``introductions``),
so the service's rules hold here by construction: what a researcher may change
(:data:`api.http.permissions.PROFILE_CONTENT`), the record's version (``If-Match``),
and whose contact data anyone sees (:class:`api.http.views.Viewer`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.http.auth import Principal
from api.http.errors import ApiError
from api.http.routes import calls as call_routes
from api.http.routes import introductions as intro_routes
from api.http.routes import profiles as profile_routes
from api.http.routes.answers import current_engine
from api.http.schemas.access import (
    IntroductionAnswer,
    IntroductionCreate,
    IntroductionPublic,
    TeamIntroductionCreate,
)
from api.http.schemas.records import ProfileUpdate
from api.http.service import Service
from api.http.views import Viewer
from api.web import sessions
from api.web.deps import (
    Coordinator,
    CoordinatorPost,
    PageError,
    Researcher,
    ResearcherPost,
    ServiceDep,
)
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.sessions import FORM_COOKIE, WebSession
from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.model import CareerStage

router = APIRouter()

CAREER_STAGES: tuple[CareerStage, ...] = ("doctoral", "early", "mid", "senior")
PARTNERS_ASKED = 100
"""Partners abroad asked of the engine (the API's most); the country filter picks among
them, so a country's list is its best among the researcher's hundred best abroad."""
PARTNERS_SHOWN = 25
MAX_PUBLICATION_ROWS = 1000
"""The most publication rows a form post is read for."""
CallId = Annotated[str, Path(min_length=1, max_length=200)]
ProfileId = Annotated[str, Path(min_length=1, max_length=200)]
CountryFilter = Annotated[str, Query(max_length=2)]
IntroductionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ConsentToken = Annotated[str, Path(min_length=16, max_length=100)]
Gettext = Callable[[str], str]


def own_profile_id(web: WebSession) -> str:
    """The profile a researcher's account is bound to."""
    profile_id = web.user.binding
    if profile_id is None:  # accounts of bound roles always have one
        raise PageError(403, "forbidden")
    return profile_id


# -- names and routes, shared with the office's pages -----------------------------------


def profile_card(dataset: Dataset, profile_id: str) -> dict[str, Any]:
    """Name, institution and country of a profile for a page (its id when the engine's
    data does not have it yet)."""
    if not dataset.has_profile(profile_id):
        return {"id": profile_id, "name": profile_id, "institution": "", "country": None}
    profile = dataset.profile(profile_id)
    institution = dataset.institution_name(profile.institution) if profile.institution else ""
    return {
        "id": profile.id,
        "name": profile.name,
        "institution": institution,
        "country": profile.country,
    }


def office_name(dataset: Dataset, office_id: str) -> str:
    """An office's name (its id when unknown)."""
    try:
        return dataset.office(office_id).name
    except UnknownIdError:  # an office deleted since: the id is all there is
        return office_id


def call_title(dataset: Dataset, call_id: str | None) -> str:
    """A call's title (its id when unknown; empty for none)."""
    if call_id is None:
        return ""
    try:
        return dataset.call(call_id).title
    except UnknownIdError:  # a call deleted since
        return call_id


def route_text(dataset: Dataset, route: Mapping[str, Any], _: Gettext) -> str:
    """The route to a partner in words: the office, partner institution, agreement or
    past collaboration it goes through."""
    kind = route.get("kind")
    via = route.get("via") or ""
    if kind == "office":
        return _("Through the office: %(name)s") % {"name": office_name(dataset, via)}
    if kind == "office_partner":
        return _("Partner institution of the office: %(name)s") % {
            "name": office_name(dataset, via)
        }
    if kind == "agreement":
        return _("Agreement with %(name)s") % {"name": dataset.institution_name(via) or via}
    if kind == "collaboration":
        name = dataset.profile(via).name if dataset.has_profile(via) else via
        return _("Past collaboration (through %(name)s)") % {"name": name}
    if kind == "domestic":
        return _("In the home country")
    if kind == "open":
        return _("No established route")
    return str(route.get("description") or kind or "")


def introduction_view(dataset: Dataset, intro: IntroductionPublic, _: Gettext) -> dict[str, Any]:
    """An introduction with names for a page; the contacts are the ones the route
    function disclosed to this caller (none before the partner accepts)."""
    return {
        "id": intro.id,
        "status": intro.status,
        "requester": profile_card(dataset, intro.requester_id),
        "partner": profile_card(dataset, intro.partner_id),
        "office": {"id": intro.office_id, "name": office_name(dataset, intro.office_id)},
        "call": {"id": intro.call_id, "title": call_title(dataset, intro.call_id)},
        "message": intro.message,
        "route": route_text(dataset, intro.route, _) if intro.route else "",
        "created_at": intro.created_at,
        "decided_at": intro.decided_at,
        "note": intro.note,
        "forwarded_at": intro.forwarded_at,
        "answered_at": intro.answered_at,
        "answer_note": intro.answer_note,
        "closed_at": intro.closed_at,
        "team_ref": intro.team_ref,
        "partner_contact": intro.partner_contact,
        "requester_contact": intro.requester_contact,
    }


# -- the profile form ----------------------------------------------------------------------


@dataclass
class PublicationRow:
    """One publication's row in the form; ``ref`` is its position in the stored list
    (``None`` for a new one), so that what the form does not show (coauthors, extra
    fields) is kept."""

    ref: int | None
    title: str = ""
    year: str = ""
    abstract: str = ""
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.year.strip() or self.abstract.strip())


@dataclass
class ProfileDraft:
    """The profile form's values, as shown and as sent."""

    name: str = ""
    summary: str = ""
    keywords: str = ""
    languages: str = ""
    career_stage: str = ""
    email: str = ""
    phone: str = ""
    publications: list[PublicationRow] = field(default_factory=list)

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> ProfileDraft:
        """The form filled from a stored profile."""
        contact = stored.get("contact") or {}
        rows = [
            PublicationRow(
                ref=position,
                title=str(item.get("title", "")),
                year="" if item.get("year") is None else str(item["year"]),
                abstract=str(item.get("abstract", "")),
            )
            for position, item in enumerate(stored.get("publications") or [])
        ]
        return cls(
            name=str(stored.get("name", "")),
            summary=str(stored.get("summary", "")),
            keywords="\n".join(stored.get("keywords") or []),
            languages=", ".join(stored.get("languages") or []),
            career_stage=str(stored.get("career_stage") or ""),
            email=str(contact.get("email") or ""),
            phone=str(contact.get("phone") or ""),
            publications=rows,
        )

    @classmethod
    def sent(cls, form: FormData) -> ProfileDraft:
        """The form as the browser sent it."""

        def text(name: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else ""

        count = text("pub_count")
        rows = []
        for position in range(min(int(count), MAX_PUBLICATION_ROWS) if count.isdigit() else 0):
            prefix = f"pub-{position}-"
            ref = text(prefix + "ref")
            rows.append(
                PublicationRow(
                    ref=int(ref) if ref.isdigit() else None,
                    title=text(prefix + "title"),
                    year=text(prefix + "year"),
                    abstract=text(prefix + "abstract"),
                    remove=bool(text(prefix + "remove")),
                )
            )
        return cls(
            name=text("name"),
            summary=text("summary"),
            keywords=text("keywords"),
            languages=text("languages"),
            career_stage=text("career_stage"),
            email=text("email"),
            phone=text("phone"),
            publications=rows,
        )


def split_list(text: str, separators: str) -> list[str]:
    """Items of a list typed one per line or separated by any of ``separators``, trimmed,
    without empty ones or repeats."""
    for separator in separators:
        text = text.replace(separator, "\n")
    items = (item.strip() for item in text.split("\n"))
    return list(dict.fromkeys(item for item in items if item))


def changes_of(draft: ProfileDraft, stored: Mapping[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The profile fields the form sets, and for each publication sent the form row it
    came from (to put an error next to it).

    Stored publications keep what the form does not show (coauthors, extra fields); the
    stored contact keeps its extra fields.
    """
    stored_publications = stored.get("publications") or []
    publications: list[dict[str, Any]] = []
    rows: list[int] = []
    for position, row in enumerate(draft.publications):
        if row.remove or row.blank:
            continue
        base = (
            dict(stored_publications[row.ref])
            if row.ref is not None and row.ref < len(stored_publications)
            else {}
        )
        base.update(title=row.title, abstract=row.abstract.strip())
        base["year"] = row.year.strip() or None
        publications.append(base)
        rows.append(position)
    contact: dict[str, Any] | None = None
    if draft.email.strip() or draft.phone.strip():
        contact = dict(stored.get("contact") or {})
        contact.update(email=draft.email.strip() or None, phone=draft.phone.strip() or None)
    changes = {
        "name": draft.name,
        "summary": draft.summary.strip(),
        "keywords": split_list(draft.keywords, ",;"),
        "languages": split_list(draft.languages, ", ;"),
        "career_stage": draft.career_stage or None,
        "publications": publications,
        "contact": contact,
    }
    return changes, rows


def form_field(loc: tuple[Any, ...] | list[Any], publication_rows: list[int]) -> str:
    """The id of the form field a validation error's location points at."""
    parts = [str(part) for part in loc if str(part) not in ("body", "form")]
    if not parts:
        return "form"
    head = parts[0]
    if head == "publications" and len(parts) > 1 and parts[1].isdigit():
        sent = int(parts[1])
        row = publication_rows[sent] if sent < len(publication_rows) else sent
        return f"pub-{row}-{parts[2] if len(parts) > 2 else 'title'}"
    if head == "contact":
        return f"contact-{parts[1]}" if len(parts) > 1 else "email"
    return head


def reason_of(error: Mapping[str, Any], _: Gettext) -> str:
    """A validation error in the page's language (pydantic's English for the rare
    kinds without a translation here)."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("string_too_short", "missing"):
        return _("This field cannot be empty.")
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("A whole number, please.")
    if kind == "literal_error":
        return _("Choose one of the offered values.")
    return str(error.get("msg", _("Invalid value.")))


def _comparable(stored: Mapping[str, Any], names: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values of ``names`` in the form an update sends them (defaults filled
    in), so that only what really changed is sent."""
    values = {name: stored.get(name) for name in names}
    try:
        return ProfileUpdate.model_validate(values).model_dump(mode="json", exclude_unset=True)
    except ValidationError:  # a stored value the schema no longer takes: compare as is
        return values


async def _stored_profile(service: Service, web: WebSession) -> dict[str, Any]:
    profile: dict[str, Any] = await run_in_threadpool(
        profile_routes.read_profile, service, web.user.principal, own_profile_id(web), Response()
    )
    return profile


def _profile_page(
    request: Request,
    web: WebSession,
    draft: ProfileDraft,
    version: int,
    *,
    errors: dict[str, list[str]] | None = None,
    conflict: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "researcher/profile.html",
        web,
        {
            "draft": draft,
            "version": version,
            "errors": errors or {},
            "conflict": conflict,
            "career_stages": CAREER_STAGES,
            "profile_id": own_profile_id(web),
        },
        status=status,
    )


@router.get("/me")
async def my_profile(request: Request, service: ServiceDep, web: Researcher) -> Response:
    """The researcher's own profile, as a form."""
    stored = await _stored_profile(service, web)
    draft = ProfileDraft.of(stored)
    draft.publications.append(PublicationRow(ref=None))
    return _profile_page(request, web, draft, int(stored["version"]))


@router.post("/me")
async def save_my_profile(request: Request, service: ServiceDep, web: ResearcherPost) -> Response:
    """Save the profile through the API's ``update_profile`` (only the fields that
    changed; ``If-Match`` the version the form was read at, so an edit made elsewhere
    meanwhile is never silently overwritten)."""
    _ = gettext_for(language_of(request, web))
    form = await request.form()
    draft = ProfileDraft.sent(form)
    version_sent = form.get("version")
    version = int(version_sent) if isinstance(version_sent, str) and version_sent.isdigit() else 0
    if form.get("action") == "add_publication":
        draft.publications.append(PublicationRow(ref=None))
        return _profile_page(request, web, draft, version)
    stored = await _stored_profile(service, web)
    changes, publication_rows = changes_of(draft, stored)
    try:
        update = ProfileUpdate.model_validate(changes)
    except ValidationError as error:
        errors: dict[str, list[str]] = {}
        for item in error.errors(include_url=False):
            where = form_field(item["loc"], publication_rows)
            errors.setdefault(where, []).append(reason_of(item, _))
        return _profile_page(request, web, draft, version, errors=errors, status=422)
    sent = update.model_dump(mode="json", exclude_unset=True)
    before = _comparable(stored, sent)
    changed = {name: value for name, value in sent.items() if before.get(name) != value}
    if not changed:
        return redirect(f"{BASE}/me", _("Nothing to save: the profile is unchanged."))
    try:
        await run_in_threadpool(
            profile_routes.update_profile,
            service,
            web.user.principal,
            own_profile_id(web),
            ProfileUpdate.model_validate(changed),
            Response(),
            f'"{version}"',
        )
    except ApiError as error:
        if error.status == 412:
            return await _conflict_page(request, service, web, changed)
        if error.status != 422:
            raise
        errors = {}
        for problem in error.problems:
            loc = (problem.field or "form").split(".")
            errors.setdefault(form_field(loc, publication_rows), []).append(problem.reason)
        return _profile_page(request, web, draft, version, errors=errors, status=422)
    return redirect(f"{BASE}/me", _("Your profile was saved."))


async def _conflict_page(
    request: Request, service: Service, web: WebSession, changed: dict[str, Any]
) -> Response:
    """The profile changed elsewhere since the form was read: the form again with the
    saved version, naming the fields this form changed that now differ from it."""
    newest = await _stored_profile(service, web)
    fresh = ProfileDraft.of(newest)
    fresh.publications.append(PublicationRow(ref=None))
    now = _comparable(newest, changed)
    lost = sorted(name for name in changed if now.get(name) != changed[name])
    return _profile_page(request, web, fresh, int(newest["version"]), conflict=lost, status=409)


# -- calls that fit ------------------------------------------------------------------------


async def _evidence(
    service: Service, web: WebSession, call_id: str, profile_id: str
) -> dict[str, Any]:
    response = await call_routes.explain(service, web.user.principal, call_id, profile_id)
    evidence: dict[str, Any] = json.loads(bytes(response.body))
    return evidence


def _is_open(deadline: dt.date | None) -> bool:
    return deadline is None or deadline >= dt.datetime.now(dt.UTC).date()


@router.get("/me/calls")
async def my_calls(request: Request, service: ServiceDep, web: Researcher) -> Response:
    """Every call scored for this researcher (the engine's explanation of their score,
    call by call), those they may join and that fit best first."""
    profile_id = own_profile_id(web)
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    dataset.profile(profile_id)  # 404 page while the engine does not know the profile
    rows = []
    for call in dataset.calls:
        evidence = await _evidence(service, web, call.id, profile_id)
        eligibility = evidence.get("eligibility") or {}
        rows.append(
            {
                "call": call,
                "open": _is_open(call.deadline),
                "score": evidence["score"],
                "fits": evidence["reaches_threshold"],
                "may_join": bool(eligibility.get("may_join", True)),
                "reason": eligibility.get("reason"),
                "keywords": evidence["matched_keywords"],
            }
        )
    rows.sort(key=lambda row: (not row["may_join"], not row["open"], -row["score"]))
    return render(
        request,
        "researcher/calls.html",
        web,
        {"rows": rows, "threshold": fitted.matcher.match_threshold},
    )


@router.get("/me/calls/{call_id}")
async def my_call_evidence(
    request: Request, service: ServiceDep, web: Researcher, call_id: CallId
) -> Response:
    """Why this researcher scores what they score for one call."""
    profile_id = own_profile_id(web)
    fitted = await current_engine(service.engine)
    call = fitted.dataset.call(call_id)
    evidence = await _evidence(service, web, call_id, profile_id)
    parts = list(
        zip(evidence.get("call_parts") or [], evidence.get("part_coverage") or [], strict=False)
    )
    return render(
        request,
        "researcher/evidence.html",
        web,
        {"call": call, "open": _is_open(call.deadline), "evidence": evidence, "parts": parts},
    )


# -- partners abroad and introductions ----------------------------------------------------


@router.get("/me/partners")
async def my_partners(
    request: Request, service: ServiceDep, web: Researcher, country: CountryFilter = ""
) -> Response:
    """The best partners abroad (the API's ``partners_abroad``), by country, each with
    the route and a request for an introduction."""
    _ = gettext_for(language_of(request, web))
    profile_id = own_profile_id(web)
    fitted = await current_engine(service.engine)
    dataset = fitted.dataset
    # Routes from the researcher's own side: their country's offices, agreements, people.
    own = dataset.profile(profile_id).country if dataset.has_profile(profile_id) else None
    response = await profile_routes.partners_abroad(
        service, web.user.principal, profile_id, PARTNERS_ASKED, side=own
    )
    partners = json.loads(bytes(response.body))["partners"]
    counts: dict[str, int] = {}
    for partner in partners:
        code = partner["profile"]["country"] or ""
        counts[code] = counts.get(code, 0) + 1
    country = country.upper()
    chosen = [p for p in partners if not country or p["profile"]["country"] == country]
    asked = await run_in_threadpool(intro_routes.list_introductions, service, web.user.principal)
    latest = {  # ordered by id: the last wins
        intro.partner_id: intro.status for intro in asked if intro.requester_id == profile_id
    }
    rows = [
        {
            "profile": profile_card(dataset, p["profile"]["id"]),
            "introduction": latest.get(p["profile"]["id"]),
            "score": p["score"],
            "route_kind": p["route"]["kind"],
            "route": route_text(dataset, p["route"], _),
            "joint_works": p["joint_works"],
        }
        for p in chosen[:PARTNERS_SHOWN]
    ]
    calls = sorted(
        (c for c in dataset.calls if _is_open(c.deadline)), key=lambda c: c.title.casefold()
    )
    return render(
        request,
        "researcher/partners.html",
        web,
        {
            "rows": rows,
            "country": country,
            "countries": sorted(counts.items()),
            "total": len(chosen),
            "calls": calls,
        },
    )


@router.post("/me/partners/{partner_id}/introduction")
async def request_introduction(
    request: Request,
    service: ServiceDep,
    web: ResearcherPost,
    partner_id: ProfileId,
    message: Annotated[str, Form(max_length=5000)] = "",
    call_id: Annotated[str, Form(max_length=200)] = "",
    country: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    """Ask for an introduction (the API's ``request_introduction``); a refusal comes
    back to the partners' page as a message."""
    _ = gettext_for(language_of(request, web))
    back = f"{BASE}/me/partners" + (f"?country={country}" if country.isalpha() else "")
    fitted = await current_engine(service.engine)
    partner = profile_card(fitted.dataset, partner_id)["name"]
    body = IntroductionCreate(partner_id=partner_id, call_id=call_id or None, message=message)
    try:
        await run_in_threadpool(
            intro_routes.request_introduction, service, web.user.principal, body
        )
    except ApiError as error:
        reasons = {problem.reason for problem in error.problems}
        if "pending" in reasons:
            text = _("Your request for an introduction to %(name)s is still pending.")
        elif "no office to broker it" in reasons:
            text = _("No open office can introduce you to %(name)s (none in their country).")
        else:
            text = _("The request for an introduction to %(name)s was refused: %(reason)s")
        return redirect(back, text % {"name": partner, "reason": error.detail}, kind="error")
    return redirect(
        f"{BASE}/me/introductions",
        _("Your request for an introduction to %(name)s was sent to the office.")
        % {"name": partner},
    )


@router.get("/me/introductions")
async def my_introductions(request: Request, service: ServiceDep, web: Researcher) -> Response:
    """The researcher's own requests and their state; a partner's contact appears once
    the partner accepted (as the API's view discloses it); an open one can be withdrawn."""
    _ = gettext_for(language_of(request, web))
    me = own_profile_id(web)
    found = await run_in_threadpool(intro_routes.list_introductions, service, web.user.principal)
    fitted = await current_engine(service.engine)
    rows = [
        introduction_view(fitted.dataset, intro, _)
        for intro in reversed(found)
        if intro.requester_id == me
    ]
    waiting = sum(1 for i in found if i.partner_id == me and i.status == "forwarded")
    return render(request, "researcher/introductions.html", web, {"rows": rows, "waiting": waiting})


@router.post("/me/introductions/{introduction_id}/withdraw")
async def withdraw_introduction(
    request: Request, service: ServiceDep, web: ResearcherPost, introduction_id: IntroductionId
) -> Response:
    """Withdraw an open request (the API's ``withdraw``)."""
    _ = gettext_for(language_of(request, web))
    try:
        await run_in_threadpool(intro_routes.withdraw, service, web.user.principal, introduction_id)
    except ApiError as error:
        if error.status != 409:
            raise
        return redirect(
            f"{BASE}/me/introductions",
            _("Request %(id)s can no longer be withdrawn: %(reason)s")
            % {"id": introduction_id, "reason": error.detail},
            kind="error",
        )
    return redirect(
        f"{BASE}/me/introductions#intro-{introduction_id}",
        _("Request %(id)s withdrawn.") % {"id": introduction_id},
    )


@router.get("/me/requests")
async def requests_to_meet_me(request: Request, service: ServiceDep, web: Researcher) -> Response:
    """Requests to meet this researcher that an office forwarded: accept or decline each.
    The requester's contact appears once accepted."""
    _ = gettext_for(language_of(request, web))
    me = own_profile_id(web)
    found = await run_in_threadpool(intro_routes.list_introductions, service, web.user.principal)
    fitted = await current_engine(service.engine)
    rows = [
        introduction_view(fitted.dataset, intro, _)
        for intro in reversed(found)
        if intro.partner_id == me
    ]
    return render(request, "researcher/requests.html", web, {"rows": rows})


@router.post("/me/requests/{introduction_id}/answer")
async def answer_request(
    request: Request,
    service: ServiceDep,
    web: ResearcherPost,
    introduction_id: IntroductionId,
    answer: Annotated[Literal["accept", "decline"], Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Accept or decline a request forwarded to this researcher (the API's ``answer``)."""
    _ = gettext_for(language_of(request, web))
    body = IntroductionAnswer(answer=answer, note=note)
    try:
        await run_in_threadpool(
            intro_routes.answer, service, web.user.principal, introduction_id, body
        )
    except ApiError as error:
        if error.status != 409:
            raise
        return redirect(
            f"{BASE}/me/requests",
            _("Request %(id)s is no longer waiting for your answer: %(reason)s")
            % {"id": introduction_id, "reason": error.detail},
            kind="error",
        )
    text = (
        _("You accepted request %(id)s: you now see each other's contact.")
        if answer == "accept"
        else _("You declined request %(id)s.")
    )
    return redirect(f"{BASE}/me/requests#intro-{introduction_id}", text % {"id": introduction_id})


# -- the partner's one-time consent link (no sign-in) --------------------------------------


def _consent_unknown(_: Gettext) -> PageError:
    return PageError(
        404,
        _("This consent link is unknown, already used or expired. Ask the office for a new one."),
    )


def _consent_context(service: Service, token: str, _: Gettext) -> dict[str, Any]:
    row = intro_routes.consent_request(service, token)
    if row is None:
        raise _consent_unknown(_)
    dataset = service.engine.get().dataset
    return {
        "token": token,
        "id": row.id,
        "requester": profile_card(dataset, row.requester_id),
        "partner": profile_card(dataset, row.partner_id),
        "office": {"id": row.office_id, "name": office_name(dataset, row.office_id)},
        "call": {"id": row.call_id, "title": call_title(dataset, row.call_id)},
        "message": row.message,
        "note": row.note,
    }


@router.get("/consent/{token}")
async def consent_form(request: Request, service: ServiceDep, token: ConsentToken) -> Response:
    """The page a partner's one-time link opens: the request, accept or decline. No
    sign-in: the link is the partner's proof; the form carries the sign-in form's token."""
    _ = gettext_for(language_of(request, None))
    context = await run_in_threadpool(_consent_context, service, token, _)
    return render(
        request, "researcher/consent.html", None, context, form_token=sessions.new_form_token()
    )


@router.post("/consent/{token}")
async def consent_answer(
    request: Request,
    service: ServiceDep,
    token: ConsentToken,
    answer: Annotated[Literal["accept", "decline"], Form()],
    csrf_token: Annotated[str, Form(max_length=100)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The partner's answer through the link (used once); the requester's contact is
    shown on acceptance."""
    if not sessions.same_token(request.cookies.get(FORM_COOKIE), csrf_token):
        raise PageError(403, "csrf")
    _ = gettext_for(language_of(request, None))
    try:
        row = await run_in_threadpool(
            intro_routes.consent_answer, service, token, answer == "accept", note
        )
    except ApiError:  # the request changed meanwhile (withdrawn, expired)
        row = None
    if row is None:
        raise _consent_unknown(_)
    requester = profile_card(service.engine.get().dataset, row.requester_id)
    contact = None
    if row.status == "accepted":
        contact = await run_in_threadpool(
            _requester_contact, service, row.partner_id, row.requester_id, row.id
        )
    return render(
        request,
        "researcher/consent_done.html",
        None,
        {"status": row.status, "requester": requester, "contact": contact},
    )


def _requester_contact(
    service: Service, partner_id: str, requester_id: str, introduction_id: int
) -> dict[str, Any] | None:
    """The requester's contact for the partner who just accepted through the link, seen
    as that partner through the records' view (so the disclosure is audited)."""
    with service.database.session() as session:
        partner = Principal("researcher", partner_id, "consent link")
        return Viewer.of(session, partner).contact(requester_id, f"introduction:{introduction_id}")


# -- team introductions (a coordinator, from a suggested team on the call page) ------------


@router.post("/calls/{call_id}/team-introductions")
async def request_team_introductions(
    request: Request,
    service: ServiceDep,
    web: CoordinatorPost,
    call_id: CallId,
    requester_id: Annotated[str, Form(min_length=1, max_length=200)],
    member_ids: Annotated[list[str], Form(min_length=2, max_length=50)],
    message: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Ask for introductions of a home-side member to every foreign member of a suggested
    team (the API's ``request_team_introductions``); the team's page follows, with what
    was refused and why."""
    body = TeamIntroductionCreate(
        call_id=call_id, requester_id=requester_id, member_ids=member_ids, message=message
    )
    result = await run_in_threadpool(
        intro_routes.request_team_introductions, service, web.user.principal, body
    )
    refused = [
        f"{r.member_id}={r.status_code}:{r.reason or ''}" for r in result.results if not r.created
    ]
    if not any(r.created for r in result.results):
        _ = gettext_for(language_of(request, web))
        reasons = "; ".join(f"{r.member_id}: {r.reason}" for r in result.results)
        return redirect(
            f"{BASE}/calls/{call_id}",
            _("No introduction was requested: %(reasons)s")
            % {"reasons": reasons or _("the team has no foreign member")},
            kind="error",
        )
    query = urlencode({"refused": refused}, doseq=True)
    return redirect(f"{BASE}/introductions/team/{result.team_ref}?{query}")


@router.get("/introductions/team/{team_ref}")
async def team_introductions(
    request: Request,
    service: ServiceDep,
    web: Coordinator,
    team_ref: Annotated[str, Path(min_length=1, max_length=36)],
    refused: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006 - copied
) -> Response:
    """The introductions of one team request: who has accepted, who is waiting."""
    _ = gettext_for(language_of(request, web))
    found = await run_in_threadpool(intro_routes.read_team, service, web.user.principal, team_ref)
    if not found:
        raise PageError(404, "not_found")
    dataset = (await current_engine(service.engine)).dataset
    rows = [introduction_view(dataset, intro, _) for intro in found]
    first = found[0]
    reasons = []
    for item in refused:
        member, _sep, reason = item.partition("=")
        reasons.append(
            {
                "member_id": member,
                "name": profile_card(dataset, member)["name"],
                "reason": reason.partition(":")[2],
            }
        )
    return render(
        request,
        "researcher/team.html",
        web,
        {
            "rows": rows,
            "call": {"id": first.call_id, "title": call_title(dataset, first.call_id)},
            "requester": profile_card(dataset, first.requester_id),
            "accepted": sum(1 for i in found if i.status == "accepted"),
            "refused": reasons,
        },
    )

"""Pages: grant competitions. For coordinators, the calls with applications and one call's
competition: the applications with each rule check (the failures named, the smallest fix),
applications and reviews uploaded from files, reviewers assigned (the solver chosen), the
assignment with each reviewer's evidence and the conflicts that kept others off, and the
ranking with each reviewer's harshness calibrated and disagreement flagged. For a
researcher who reviews: the applications assigned to them and a review form for each.

Every answer comes from the JSON API's route functions (:mod:`api.http.routes.competitions`);
the pages only read names from the engine's dataset and render.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.errors import ApiError
from api.http.routes import competitions as api
from api.http.routes.answers import current_engine
from api.http.schemas.competitions import (
    AssignmentPublic,
    AssignmentRequest,
    CompetitionCheckPublic,
    RankingPublic,
    ReviewCreate,
)
from api.http.store import competitions as competition_store
from api.web.deps import (
    Coordinator,
    CoordinatorPost,
    PageError,
    Researcher,
    ResearcherPost,
    ServiceDep,
)
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from matcher.dataset import Dataset

router = APIRouter()

CallPath = Annotated[str, Path(min_length=1, max_length=200)]
SOLVERS = ("auto", "exact", "fairflow", "minmax", "greedy", "fast", "random")
FORMATS: dict[str, api.FileFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}
REASONS_SHOWN = 3
"""How many reasons of an infeasible assignment the flash message names."""


class Names:
    """Names of profiles and institutions from the engine's dataset (the id where none)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def profile(self, profile_id: str) -> str:
        """A profile's name."""
        has = self.dataset.has_profile(profile_id)
        return self.dataset.profile(profile_id).name if has else profile_id

    def institution_of(self, profile_id: str) -> str:
        """The name of a profile's institution (empty when unknown)."""
        if not self.dataset.has_profile(profile_id):
            return ""
        institution = self.dataset.profile(profile_id).institution
        return self.dataset.institution_name(institution) if institution else ""


@router.get("/competitions")
async def competitions_page(request: Request, service: ServiceDep, web: Coordinator) -> Response:
    """The calls, each with its number of applications, linked to its competition."""
    fitted = await current_engine(service.engine)

    def counts() -> dict[str, int]:
        with service.database.session() as session:
            return competition_store.count_applications(session)

    per_call = await run_in_threadpool(counts)
    calls = sorted(fitted.dataset.calls, key=lambda c: (-per_call.get(c.id, 0), c.title))
    values = {"calls": calls, "counts": per_call}
    return render(request, "competitions/index.html", web, values)


@router.get("/calls/{call_id}/competition")
async def competition_page(
    request: Request, service: ServiceDep, web: Coordinator, call_id: CallPath
) -> Response:
    """One call's competition: applications and their checks, the assignment, the ranking."""
    fitted = await current_engine(service.engine)
    call = fitted.dataset.call(call_id)
    principal = web.user.principal
    page = await run_in_threadpool(api.list_applications, service, principal, call_id)
    checks: CompetitionCheckPublic | None = None
    if page.items:
        checks = await api.application_checks(service, principal, call_id)
    assignment: AssignmentPublic | None = None
    try:
        assignment = await run_in_threadpool(api.read_assignment, service, principal, call_id)
    except ApiError as error:
        if error.status != 404:
            raise
    ranking: RankingPublic = await api.ranking(service, principal, call_id)
    values: dict[str, Any] = {
        "call": call,
        "applications": page.items,
        "checks": {c.application_id: c for c in checks.checks} if checks else {},
        "by_rule": checks.by_rule if checks else {},
        "assignment": assignment,
        "reviewers_of": _reviewers_of(assignment),
        "conflicts_of": _conflicts_of(assignment),
        "ranking": ranking,
        "solvers": SOLVERS,
        "names": Names(fitted.dataset),
    }
    return render(request, "competitions/call.html", web, values)


def _reviewers_of(assignment: AssignmentPublic | None) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for pair in assignment.pairs if assignment else []:
        found.setdefault(pair.application_id, []).append(pair)
    return found


def _conflicts_of(assignment: AssignmentPublic | None) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for conflict in assignment.conflicts if assignment else []:
        found.setdefault(conflict.application_id, []).append(conflict)
    return found


def _format_of(file: UploadFile, _: Any) -> tuple[str, api.FileFormat]:
    name = PurePath((file.filename or "").replace("\\", "/")).name.strip()
    chosen = FORMATS.get(PurePath(name).suffix.lower())
    if not name or chosen is None:
        raise PageError(
            422,
            _("Choose a .jsonl, .csv or .parquet file."),
            [("file", name or "-")],
        )
    return name, chosen


@router.post("/calls/{call_id}/competition/applications")
async def upload_applications(
    request: Request, service: ServiceDep, web: CoordinatorPost, call_id: CallPath, file: UploadFile
) -> Response:
    """Store the applications of an uploaded file (all or nothing; a bad line is named)."""
    _ = gettext_for(language_of(request, web))
    name, chosen = _format_of(file, _)
    body = await file.read()
    applications, lines = api.parse_applications(body, "", chosen, name=name)
    created = await run_in_threadpool(
        api.store_applications, service, web.user.principal, call_id, applications, lines
    )
    flash = _("%(n)s application(s) stored.") % {"n": created.created}
    return redirect(f"{BASE}/calls/{call_id}/competition", flash)


@router.post("/calls/{call_id}/competition/assign")
async def assign(
    request: Request,
    service: ServiceDep,
    web: CoordinatorPost,
    call_id: CallPath,
    solver: Annotated[str, Form(max_length=16)] = "auto",
) -> Response:
    """Assign the reviewers (the API's ``assign_reviewers``); when no full assignment
    exists, the reasons come back as the message and nothing changes."""
    _ = gettext_for(language_of(request, web))
    if solver not in SOLVERS:
        raise PageError(422, _("Choose a solver."), [("solver", solver)])
    body = AssignmentRequest.model_validate({"solver": solver})
    target = f"{BASE}/calls/{call_id}/competition"
    try:
        assigned = await api.assign_reviewers(service, web.user.principal, call_id, body)
    except ApiError as error:
        if error.status != 409:
            raise
        reasons = [p.reason for p in error.problems][:REASONS_SHOWN]
        text = _("No assignment gives every application its reviewers: %(why)s") % {
            "why": "; ".join(reasons)
        }
        return redirect(f"{target}#assignment", text, kind="error")
    flash = _("Reviewers assigned: %(n)s pair(s) by the %(solver)s solver.") % {
        "n": len(assigned.pairs),
        "solver": assigned.solver,
    }
    return redirect(f"{target}#assignment", flash)


@router.post("/calls/{call_id}/competition/reviews")
async def upload_reviews(
    request: Request, service: ServiceDep, web: CoordinatorPost, call_id: CallPath, file: UploadFile
) -> Response:
    """Import the reviewers' scores from a file (all or nothing; a bad line is named)."""
    _ = gettext_for(language_of(request, web))
    name, chosen = _format_of(file, _)
    body = await file.read()
    reviews, lines = api.parse_reviews(body, "", chosen, name=name)
    created = await run_in_threadpool(
        api.store_reviews, service, web.user.principal, call_id, reviews, lines
    )
    flash = _("%(n)s review(s) stored.") % {"n": created.created}
    return redirect(f"{BASE}/calls/{call_id}/competition#ranking", flash)


# --------------------------------------------------------------------------- reviewer


@router.get("/me/reviews")
async def my_reviews(request: Request, service: ServiceDep, web: Researcher) -> Response:
    """The applications assigned to the signed-in researcher, and a review form for each
    they have not reviewed yet."""
    fitted = await current_engine(service.engine)
    principal = web.user.principal
    me = str(principal.binding)

    def calls_with_pairs() -> list[str]:
        with service.database.session() as session:
            pairs = competition_store.assigned_to(session, me)
        return list(dict.fromkeys(pair.call_id for pair in pairs))

    known_calls = {call.id for call in fitted.dataset.calls}
    sections = []
    for call_id in await run_in_threadpool(calls_with_pairs):
        if call_id not in known_calls:  # deleted since; its pairs are left alone
            continue
        assignment = await run_in_threadpool(api.read_assignment, service, principal, call_id)
        page = await run_in_threadpool(api.list_applications, service, principal, call_id)
        reviews = await run_in_threadpool(api.list_reviews, service, principal, call_id)
        applications = {a.id: a for a in page.items}
        done = {r.application_id: r for r in reviews.items}
        items = [
            {
                "pair": pair,
                "application": applications.get(pair.application_id),
                "review": done.get(pair.application_id),
            }
            for pair in assignment.pairs
        ]
        sections.append({"call": fitted.dataset.call(call_id), "items": items})
    values = {"sections": sections, "names": Names(fitted.dataset)}
    return render(request, "competitions/reviews.html", web, values)


@router.post("/me/reviews")
async def submit_review(
    request: Request,
    service: ServiceDep,
    web: ResearcherPost,
    call_id: Annotated[str, Form(min_length=1, max_length=200)],
    application_id: Annotated[str, Form(min_length=1, max_length=200)],
    score: Annotated[float, Form(allow_inf_nan=False)],
    confidence: Annotated[str, Form(max_length=8)] = "",
    comment: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Store the researcher's review of an application assigned to them."""
    _ = gettext_for(language_of(request, web))
    review = ReviewCreate.model_validate(
        {
            "application_id": application_id,
            "score": score,
            "confidence": float(confidence) if confidence.strip() else None,
            "comment": comment,
        }
    )
    await run_in_threadpool(
        api.store_reviews, service, web.user.principal, call_id, [review], [None]
    )
    return redirect(f"{BASE}/me/reviews#review-{application_id}", _("Your review is stored."))

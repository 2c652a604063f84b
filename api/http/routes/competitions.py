"""``/calls/{call_id}/applications``, ``.../assignment``, ``.../reviews``, ``.../ranking``:
a call's grant competition.

Teams submit applications (one as JSON, or a file of them); a coordinator checks them
against the call's rules, assigns expert reviewers under conflicts of interest and load,
collects the reviews and ranks the applications with each reviewer's harshness calibrated.
Who sees what: coordinators and admins see everything; a researcher sees the applications
they are on and those assigned to them for review, and reviews only their own; applicants
never see who reviews them. Office staff take no part.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.http.auth import Principal
from api.http.deps import EditorDep, PrincipalDep, ServiceDep
from api.http.errors import (
    ApiError,
    forbidden,
    input_error_detail,
    input_error_problem,
    not_found,
)
from api.http.routes.answers import current_engine
from api.http.routes.calls import CallId
from api.http.routes.profiles import ERRORS
from api.http.schemas.competitions import (
    ApplicationCheckPublic,
    ApplicationCreate,
    ApplicationPage,
    ApplicationPublic,
    ApplicationsCreated,
    AssignmentPublic,
    AssignmentRequest,
    CompetitionCheckPublic,
    ConflictPublic,
    EvidencePublic,
    RankingPublic,
    RankingRowPublic,
    ReviewCreate,
    ReviewerPairPublic,
    ReviewPage,
    ReviewPublic,
    ReviewScorePublic,
    ReviewsCreated,
    RuleFailurePublic,
)
from api.http.schemas.errors import Problem
from api.http.service import Service, audit
from api.http.store import competitions as store
from api.http.store import records
from api.http.store.tables import ApplicationRow, ReviewRow
from matcher.competitions import (
    Assignment,
    assign,
    check_competition,
    expertise_matrix,
    find_conflicts,
    rank_applications,
)
from matcher.engine import Matcher
from matcher.errors import InputError
from matcher.io.readers import read_records
from matcher.model import Application, Review

router = APIRouter(prefix="/calls", tags=["competitions"])

FileFormat = Literal["jsonl", "csv", "parquet"]
_MEDIA_FORMATS: dict[str, FileFormat] = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
}
EDITORS = ("admin", "coordinator")

FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        "description": "A file in the interchange format, stored all or nothing: JSON Lines; "
        "also CSV (text/csv, lists as 'a;b') and Parquet (application/vnd.apache.parquet), "
        "by their media type or the format parameter.",
    }
}
"""OpenAPI description of an uploaded file (read raw: its media type says its format)."""


def _editor(principal: Principal) -> bool:
    return principal.role in EDITORS


def _call_exists(session: Session, call_id: str) -> None:
    if records.get_row(session, "calls", call_id) is None:
        raise not_found("call", call_id, "path.call_id")


@contextmanager
def _writing(service: Service) -> Iterator[Session]:
    """A transaction of competition writes: the writers take turns (the counter is bumped
    first); a uniqueness the database still finds broken at commit is a 409, never a 500."""
    try:
        with service.database.session() as session:
            store.bump_competition_version(session)
            yield session
    except IntegrityError:
        raise ApiError(
            409,
            "the change conflicts with a concurrent one (it is already stored)",
            [Problem(reason="conflicting concurrent change")],
        ) from None


# ---------------------------------------------------------------------- applications


def parse_applications(
    body: bytes,
    media_type: str,
    file_format: FileFormat | None,
    name: str = "body",
) -> tuple[list[Application], list[int | None]]:
    """The applications of a file, and the line (row) each starts on.

    Parameters
    ----------
    body : bytes
        The request body (or an uploaded file's bytes).
    media_type : str
        Its media type (``application/x-ndjson``, ``text/csv``,
        ``application/vnd.apache.parquet``).
    file_format : {"jsonl", "csv", "parquet"}, optional
        Overrides the media type.
    name : str
        What errors call the input.

    Raises
    ------
    ApiError
        415 for an unknown media type; 422 naming the line, field and reason.
    """
    chosen = file_format or _MEDIA_FORMATS.get(media_type)
    if chosen is None:
        raise _unsupported(media_type)
    try:
        loaded = read_records(body, Application, format=chosen, name=name)
    except InputError as error:
        raise ApiError(422, input_error_detail(error, name), [input_error_problem(error)]) from None
    return list(loaded.records), [place.number for place in loaded.places]


def _unsupported(media_type: str) -> ApiError:
    return ApiError(
        415,
        f"cannot read {media_type!r}: send application/x-ndjson, text/csv or "
        "application/vnd.apache.parquet (or name the format)",
        [Problem(field="header.Content-Type", value=media_type, reason="unsupported")],
    )


def store_applications(
    service: Service,
    principal: Principal,
    call_id: str,
    applications: Sequence[Application],
    lines: Sequence[int | None],
) -> ApplicationsCreated:
    """Check and store submitted applications, all or nothing.

    A researcher may submit only applications they lead; coordinators and admins any.
    Refused: an application of another call (422), a team member, lead or declared
    conflict who is no stored profile (422 naming the field), an id already taken (409).
    """
    if principal.role not in (*EDITORS, "researcher"):
        raise forbidden(f"the {principal.role} role may not submit applications")
    with _writing(service) as session:
        _call_exists(session, call_id)
        for application, line in zip(applications, lines, strict=True):
            _check_application(session, principal, call_id, application, line)
        taken = store.existing_application_ids(session, (a.id for a in applications))
        if taken:
            first = sorted(taken)[0]
            line = lines[[a.id for a in applications].index(first)]
            raise located(409, line, "id", first, "an application with this id exists")
        store.save_applications(session, applications, principal.actor)
        for application in applications:
            audit(session, principal, "application.submit", f"application:{application.id}")
    return ApplicationsCreated(
        call_id=call_id, created=len(applications), ids=[a.id for a in applications]
    )


def located(status: int, line: int | None, name: str, value: Any, reason: str) -> ApiError:
    """An error about a field of a submission: ``body.<field>`` of a JSON body, or the
    field and line of a file's record (as the loaders name them)."""
    where = "body" if line is None else f"body line {line}"
    field = f"body.{name}" if line is None else name
    return ApiError(
        status,
        f"{where}: field '{name}': {reason}",
        [Problem(field=field, value=value, reason=reason, line=line)],
    )


def _check_application(
    session: Session, principal: Principal, call_id: str, application: Application, line: int | None
) -> None:
    if application.call_id != call_id:
        raise located(
            422, line, "call_id", application.call_id, f"not the call of the path ({call_id!r})"
        )
    if principal.role == "researcher" and principal.binding != application.lead:
        raise forbidden(
            f"a researcher may submit only applications they lead (lead is {application.lead!r})"
        )
    known = records.existing_ids(session, "profiles", [*application.team, *application.conflicts])
    for name, ids in (("team", application.team), ("conflicts", application.conflicts)):
        for position, profile_id in enumerate(ids):
            if profile_id not in known:
                raise located(
                    422, line, f"{name}.{position}", profile_id, "no profile with this id"
                )


@router.post(
    "/{call_id}/applications",
    response_model=ApplicationsCreated,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def submit_application(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId, application: ApplicationCreate
) -> ApplicationsCreated:
    """Submit one application (its ``call_id`` may be left to the path). A researcher
    submits for a team they lead; coordinators and admins for any. Every member and
    declared conflict must be a stored profile (422 naming the field); 409 for a taken id."""
    data = application.model_dump(mode="json", exclude_none=True)
    domain = Application.model_validate({**data, "call_id": data.get("call_id", call_id)})
    return store_applications(service, principal, call_id, [domain], [None])


@router.post(
    "/{call_id}/applications/import",
    response_model=ApplicationsCreated,
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 415: ERRORS[422]},
    openapi_extra=FILE_BODY,
)
async def import_applications(
    request: Request,
    service: ServiceDep,
    principal: PrincipalDep,
    call_id: CallId,
    format: Annotated[
        FileFormat | None, Query(description="The file's format (default: by media type).")
    ] = None,
) -> ApplicationsCreated:
    """Submit a file of applications (JSON Lines, CSV with a team as ``p1;p2``, Parquet),
    all or nothing, a bad line named. A researcher only applications they lead."""
    if principal.role not in (*EDITORS, "researcher"):
        raise forbidden(f"the {principal.role} role may not submit applications")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    applications, lines = parse_applications(body, media_type, format)
    return await run_in_threadpool(
        store_applications, service, principal, call_id, applications, lines
    )


def application_public(row: ApplicationRow, *, hide_conflicts: bool = False) -> ApplicationPublic:
    """The API form of a stored application (a reviewer's without declared conflicts)."""
    data = dict(row.data)
    if hide_conflicts:
        data["conflicts"] = []
    return ApplicationPublic.model_validate(
        {**data, "submitted_by": row.submitted_by, "created_at": row.created_at}
    )


def visible_applications(
    session: Session, principal: Principal, call_id: str
) -> list[ApplicationPublic]:
    """The call's applications the caller may see: all for coordinators; for a researcher
    those they are on, and those assigned to them (without the declared conflicts)."""
    if _editor(principal):
        return [application_public(row) for row in store.list_applications(session, call_id)]
    if principal.role != "researcher" or principal.binding is None:
        raise forbidden(f"the {principal.role} role takes no part in competitions")
    me = principal.binding
    own = {
        row.id: application_public(row)
        for row in store.list_applications(session, call_id, member=me)
    }
    for pair in store.assigned_to(session, me):
        if pair.call_id == call_id and pair.application_id not in own:
            row = store.get_application(session, pair.application_id)
            if row is not None:
                own[row.id] = application_public(row, hide_conflicts=True)
    return [own[key] for key in sorted(own)]


@router.get("/{call_id}/applications", response_model=ApplicationPage, responses=ERRORS)
def list_applications(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId
) -> ApplicationPage:
    """A call's applications: every one for coordinators and admins; a researcher's own
    and those assigned to them for review."""
    with service.database.session() as session:
        _call_exists(session, call_id)
        return ApplicationPage(
            call_id=call_id, items=visible_applications(session, principal, call_id)
        )


# ------------------------------------------------------------------------ assignment


def _profile_names(session: Session, ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for profile_id in sorted(ids):
        row = records.get_row(session, "profiles", profile_id)
        names[profile_id] = row.name if row is not None else profile_id
    return names


def _titles(session: Session, call_id: str) -> dict[str, str]:
    return {row.id: str(row.data["title"]) for row in store.list_applications(session, call_id)}


def assignment_view(
    session: Session, principal: Principal, stored: store.StoredAssignment
) -> AssignmentPublic:
    """A call's stored assignment as the caller may see it.

    Coordinators and admins see every pair with its evidence, the loads and the conflicts
    that kept reviewers off. A researcher sees only the pairs assigned to them: never who
    else reviews an application, and so never who reviews their own (an applicant is never
    one of its reviewers). Other roles are refused.
    """
    titles = _titles(session, stored.call_id)
    reviewed = store.reviewed_pairs(
        session, ((p.application_id, p.reviewer_id) for p in stored.pairs)
    )
    if _editor(principal):
        pairs = stored.pairs
        view: Literal["full", "reviewer"] = "full"
    elif principal.role == "researcher" and principal.binding is not None:
        pairs = [p for p in stored.pairs if p.reviewer_id == principal.binding]
        view = "reviewer"
    else:
        raise forbidden(f"the {principal.role} role takes no part in competitions")
    conflicts = stored.data.get("conflicts", []) if view == "full" else []
    names = _profile_names(
        session, {p.reviewer_id for p in pairs} | {c["reviewer_id"] for c in conflicts}
    )
    return AssignmentPublic(
        call_id=stored.call_id,
        view=view,
        solver=stored.solver,
        created_at=stored.created_at,
        total=stored.data.get("total") if view == "full" else None,
        minimum=stored.data.get("minimum") if view == "full" else None,
        loads=stored.data.get("loads", {}) if view == "full" else {},
        infeasible=stored.data.get("infeasible", []) if view == "full" else [],
        pairs=[
            ReviewerPairPublic(
                application_id=p.application_id,
                application_title=titles.get(p.application_id, p.application_id),
                reviewer_id=p.reviewer_id,
                reviewer_name=names.get(p.reviewer_id),
                expertise=p.expertise,
                evidence=[EvidencePublic.model_validate(e) for e in p.evidence],
                reviewed=(p.application_id, p.reviewer_id) in reviewed,
            )
            for p in pairs
        ],
        conflicts=[
            ConflictPublic(**c, reviewer_name=names.get(c["reviewer_id"], c["reviewer_id"]))
            for c in conflicts
        ],
    )


@router.get("/{call_id}/assignment", response_model=AssignmentPublic, responses=ERRORS)
def read_assignment(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId
) -> AssignmentPublic:
    """The call's reviewer assignment: every pair, with each reviewer's evidence, the loads
    and the conflicts that excluded others, for coordinators and admins; a reviewer sees
    only their own applications. 404 until reviewers are assigned."""
    with service.database.session() as session:
        _call_exists(session, call_id)
        if not _editor(principal) and principal.role != "researcher":
            raise forbidden(f"the {principal.role} role takes no part in competitions")
        stored = store.load_assignment(session, call_id)
        if stored is None:
            raise ApiError(
                404,
                f"no reviewers are assigned for call {call_id!r} yet",
                [Problem(field="path.call_id", value=call_id, reason="no assignment yet")],
            )
        return assignment_view(session, principal, stored)


# --------------------------------------------------------------------------- reviews


def store_reviews(
    service: Service,
    principal: Principal,
    call_id: str,
    reviews: Sequence[ReviewCreate],
    lines: Sequence[int | None],
) -> ReviewsCreated:
    """Check and store reviews, all or nothing.

    A researcher reviews only applications assigned to them (their own ``reviewer_id``);
    a coordinator or admin may enter (import) any assigned reviewer's. Refused: an
    application of another call (422), a pair that is not assigned (403 for a researcher,
    422 for a coordinator), a review already stored for the pair (409, concurrently too).
    """
    if not _editor(principal) and principal.role != "researcher":
        raise forbidden(f"the {principal.role} role takes no part in competitions")
    domain: list[Review] = []
    with _writing(service) as session:
        _call_exists(session, call_id)
        seen: set[tuple[str, str]] = set()
        for review, line in zip(reviews, lines, strict=True):
            reviewer = _reviewer_of(principal, review, line)
            pair = (review.application_id, reviewer)
            application = store.get_application(session, review.application_id)
            if application is None or application.call_id != call_id:
                raise located(
                    422,
                    line,
                    "application_id",
                    review.application_id,
                    f"no application with this id in call {call_id!r}",
                )
            if not store.is_assigned(session, *pair):
                if principal.role == "researcher":
                    raise forbidden(f"application {review.application_id!r} is not assigned to you")
                raise located(
                    422, line, "reviewer_id", reviewer, "not assigned to this application"
                )
            if pair in seen or store.reviewed_pairs(session, [pair]):
                raise located(
                    409,
                    line,
                    "application_id",
                    review.application_id,
                    "already reviewed by " + reviewer,
                )
            seen.add(pair)
            domain.append(
                Review(
                    application_id=review.application_id,
                    reviewer_id=reviewer,
                    score=review.score,
                    confidence=review.confidence,
                    comment=review.comment,
                )
            )
        store.save_reviews(session, call_id, domain, principal.actor)
        for review_ in domain:
            target = f"application:{review_.application_id}"
            audit(session, principal, "review.submit", target, {"reviewer": review_.reviewer_id})
        session.flush()
    return ReviewsCreated(call_id=call_id, created=len(domain))


def _reviewer_of(principal: Principal, review: ReviewCreate, line: int | None) -> str:
    if principal.role == "researcher":
        if review.reviewer_id not in (None, principal.binding):
            raise forbidden("a researcher submits only their own reviews")
        return str(principal.binding)
    if review.reviewer_id is None:
        raise located(422, line, "reviewer_id", None, "name the reviewer")
    return review.reviewer_id


def parse_reviews(
    body: bytes, media_type: str, file_format: FileFormat | None, name: str = "body"
) -> tuple[list[ReviewCreate], list[int | None]]:
    """The reviews of a file (JSON Lines, CSV, Parquet, as :func:`matcher.io.read_reviews`
    reads them) and the line (row) of each; 415 or 422 as :func:`parse_applications`."""
    chosen = file_format or _MEDIA_FORMATS.get(media_type)
    if chosen is None:
        raise _unsupported(media_type)
    try:
        loaded = read_records(body, Review, format=chosen, name=name)
    except InputError as error:
        raise ApiError(422, input_error_detail(error, name), [input_error_problem(error)]) from None
    reviews = [ReviewCreate.model_validate(r.model_dump()) for r in loaded.records]
    return reviews, [place.number for place in loaded.places]


@router.post(
    "/{call_id}/reviews",
    response_model=ReviewsCreated,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def submit_review(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId, review: ReviewCreate
) -> ReviewsCreated:
    """Submit a review of an application assigned to the caller (a researcher; their own
    ``reviewer_id``), or enter an assigned reviewer's (coordinators, admins). One review
    per reviewer and application: a second is refused (409), concurrently too."""
    return store_reviews(service, principal, call_id, [review], [None])


@router.post(
    "/{call_id}/reviews/import",
    response_model=ReviewsCreated,
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 415: ERRORS[422]},
    openapi_extra=FILE_BODY,
)
async def import_reviews(
    request: Request,
    service: ServiceDep,
    principal: EditorDep,
    call_id: CallId,
    format: Annotated[
        FileFormat | None, Query(description="The file's format (default: by media type).")
    ] = None,
) -> ReviewsCreated:
    """Import the reviewers' scores from a file (admin, coordinator): application_id,
    reviewer_id, score, confidence, comment; each pair assigned; all or nothing, a bad
    line named."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    reviews, lines = parse_reviews(body, media_type, format)
    return await run_in_threadpool(store_reviews, service, principal, call_id, reviews, lines)


def review_public(row: ReviewRow) -> ReviewPublic:
    """The API form of a stored review."""
    return ReviewPublic(
        application_id=row.application_id,
        reviewer_id=row.reviewer_id,
        score=row.score,
        confidence=row.confidence,
        comment=row.comment,
        created_at=row.created_at,
    )


@router.get("/{call_id}/reviews", response_model=ReviewPage, responses=ERRORS)
def list_reviews(service: ServiceDep, principal: PrincipalDep, call_id: CallId) -> ReviewPage:
    """A call's reviews: all for coordinators and admins; a researcher's own."""
    with service.database.session() as session:
        _call_exists(session, call_id)
        if _editor(principal):
            rows = store.list_reviews(session, call_id)
        elif principal.role == "researcher" and principal.binding is not None:
            rows = store.list_reviews(session, call_id, reviewer_id=principal.binding)
        else:
            raise forbidden(f"the {principal.role} role takes no part in competitions")
        return ReviewPage(call_id=call_id, items=[review_public(row) for row in rows])


# ------------------------------------------------------------------------ rule checks


def _stored_applications(session: Session, principal: Principal, call_id: str) -> list[Application]:
    """The call's applications whose checks or ranking the caller may see: every one for
    coordinators and admins, a researcher's own (the teams they are on)."""
    if _editor(principal):
        rows = store.list_applications(session, call_id)
    elif principal.role == "researcher" and principal.binding is not None:
        rows = store.list_applications(session, call_id, member=principal.binding)
    else:
        raise forbidden(f"the {principal.role} role takes no part in competitions")
    return [store.as_application(row) for row in rows]


def checks_public(
    call_id: str, applications: Sequence[Application], matcher: Matcher
) -> CompetitionCheckPublic:
    """The rule checks of applications (:func:`matcher.competitions.check_competition`)."""
    checked = check_competition(matcher, applications)
    titles = {a.id: a.title for a in applications}
    return CompetitionCheckPublic(
        call_id=call_id,
        checks=[
            ApplicationCheckPublic(
                application_id=check.application_id,
                title=titles.get(check.application_id, check.application_id),
                ok=check.ok,
                failures=[
                    RuleFailurePublic(rule=f.rule, message=f.message, members=list(f.members))
                    for f in check.failures
                ],
                fixes=list(check.fixes),
                fixable=check.fixable,
            )
            for check in checked.checks
        ],
        failing=[check.application_id for check in checked.failing],
        by_rule=checked.by_rule,
    )


@router.get(
    "/{call_id}/applications/checks", response_model=CompetitionCheckPublic, responses=ERRORS
)
async def application_checks(
    service: ServiceDep, principal: PrincipalDep, call_id: CallId
) -> CompetitionCheckPublic:
    """Every application checked against the call's rules: each failed rule named (a
    stable code, the members concerned) and, where the team can be fixed, the smallest
    change. Coordinators and admins see all; a researcher their own applications'."""

    def read() -> list[Application]:
        with service.database.session() as session:
            _call_exists(session, call_id)
            return _stored_applications(session, principal, call_id)

    applications = await run_in_threadpool(read)
    fitted = await current_engine(service.engine)
    return await run_in_threadpool(checks_public, call_id, applications, fitted.matcher)


# ------------------------------------------------------------ assigning the reviewers

CONFLICTS_SHOWN = 20
"""How many of the reviewers kept off one application are stored with their reasons (the
counts per kind are stored for all)."""
EVIDENCE_SHOWN = 3
"""How many of a reviewer's best publications are stored as the evidence of a pair."""


def _summary(assignment: Assignment, applications: Sequence[Application]) -> dict[str, Any]:
    conflicts: list[dict[str, str]] = []
    per_application: dict[str, int] = {}
    index = assignment.conflicts
    if index is not None:
        for application_id, reviewer_id, reasons in index.pairs():
            shown = per_application.get(application_id, 0)
            per_application[application_id] = shown + 1
            if shown >= CONFLICTS_SHOWN:
                continue
            conflicts.extend(
                {
                    "application_id": application_id,
                    "reviewer_id": reviewer_id,
                    "kind": reason.kind,
                    "detail": reason.detail,
                }
                for reason in reasons
            )
    return {
        "total": float(assignment.total),
        "minimum": float(assignment.minimum),
        "loads": {r: n for r, n in assignment.loads.items() if n},
        "infeasible": list(assignment.infeasible),
        "optimal": bool(assignment.optimal),
        "conflicts": conflicts,
        "conflicted_reviewers": per_application,
        "applications": len(applications),
    }


def _pairs(assignment: Assignment) -> list[store.StoredPair]:
    pairs: list[store.StoredPair] = []
    for application_id, reviewers in assignment.pairs.items():
        for reviewer_id in reviewers:
            evidence = []
            if assignment.scores is not None:
                evidence = [
                    {"title": e.title, "year": e.year, "score": round(float(e.similarity), 4)}
                    for e in assignment.scores.evidence(application_id, reviewer_id, EVIDENCE_SHOWN)
                ]
            expertise = float(assignment.expertise.get((application_id, reviewer_id), 0.0))
            pairs.append(store.StoredPair(application_id, reviewer_id, expertise, evidence))
    return pairs


def _by_hand(
    matcher: Matcher, applications: Sequence[Application], chosen: dict[str, list[str]]
) -> Assignment:
    """An assignment a coordinator made by hand, checked against the conflicts of interest
    (every other rule, k and load included, is theirs to judge)."""
    known = {a.id: a for a in applications}
    dataset = matcher.dataset_
    for application_id, reviewers in chosen.items():
        if application_id not in known:
            raise ApiError(
                422,
                f"body: field 'pairs': no application {application_id!r} in this call",
                [
                    Problem(
                        field=f"body.pairs.{application_id}",
                        value=application_id,
                        reason="no application with this id in the call",
                    )
                ],
            )
        for position, reviewer_id in enumerate(reviewers):
            if not dataset.has_profile(reviewer_id):
                raise ApiError(
                    422,
                    f"body: field 'pairs.{application_id}.{position}': no profile {reviewer_id!r}",
                    [
                        Problem(
                            field=f"body.pairs.{application_id}.{position}",
                            value=reviewer_id,
                            reason="no profile with this id",
                        )
                    ],
                )
    pool = sorted({r for reviewers in chosen.values() for r in reviewers})
    subset = [known[a] for a in chosen]
    index = find_conflicts(dataset, subset, pool)
    for application_id, reviewers in chosen.items():
        for position, reviewer_id in enumerate(reviewers):
            reasons = index.reasons(reviewer_id, application_id)
            if reasons:
                why = "; ".join(f"{r.kind}: {r.detail}" for r in reasons)
                raise ApiError(
                    422,
                    f"body: {reviewer_id!r} may not review {application_id!r} ({why})",
                    [
                        Problem(
                            field=f"body.pairs.{application_id}.{position}",
                            value=reviewer_id,
                            reason=f"conflict of interest: {why}",
                        )
                    ],
                )
    scores = expertise_matrix(matcher, subset, pool) if pool else None
    expertise: dict[tuple[str, str], float] = {}
    loads: dict[str, int] = {}
    sums: dict[str, float] = {}
    for application_id, reviewers in chosen.items():
        for reviewer_id in reviewers:
            value = 0.0
            if scores is not None:
                value = scores.score(application_id, reviewer_id)
            expertise[(application_id, reviewer_id)] = value
            loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
            sums[application_id] = sums.get(application_id, 0.0) + value
    return Assignment(
        call_id=applications[0].call_id,
        solver="manual",
        pairs={a: list(dict.fromkeys(r)) for a, r in chosen.items()},
        expertise=expertise,
        loads=loads,
        total=sum(expertise.values()),
        minimum=min(sums.values(), default=0.0),
        infeasible=[],
        conflicts=index,
        scores=scores,
    )


@router.post("/{call_id}/assignment", response_model=AssignmentPublic, responses=ERRORS)
async def assign_reviewers(
    service: ServiceDep, principal: EditorDep, call_id: CallId, request: AssignmentRequest
) -> AssignmentPublic:
    """Assign reviewers to every application of the call (admin, coordinator): ``k`` from
    the expert pool each, most expertise under the call's review settings (conflicts of
    interest, loads, diversity), by the solver chosen; or the pairs given by hand (checked
    against the conflicts). The new assignment replaces the call's previous one. 409 with
    the reasons when no application can get its ``k`` conflict-free reviewers
    (``accept_partial`` stores the best partial one instead)."""

    def read() -> list[Application]:
        with service.database.session() as session:
            _call_exists(session, call_id)
            return [store.as_application(r) for r in store.list_applications(session, call_id)]

    applications = await run_in_threadpool(read)
    if not applications:
        raise ApiError(
            409,
            f"call {call_id!r} has no applications to assign reviewers to",
            [Problem(field="path.call_id", value=call_id, reason="no applications")],
        )
    fitted = await current_engine(service.engine)

    def solve() -> Assignment:
        if request.pairs is not None:
            chosen = {a: list(dict.fromkeys(r)) for a, r in request.pairs.items()}
            return _by_hand(fitted.matcher, applications, chosen)
        try:
            return assign(fitted.matcher, applications, solver=request.solver, seed=request.seed)
        except ValueError as error:  # settings the solver cannot take, named
            raise ApiError(
                422, str(error), [Problem(field="body.solver", reason=str(error))]
            ) from None

    assignment = await run_in_threadpool(solve)
    if assignment.infeasible and not request.accept_partial:
        raise ApiError(
            409,
            f"no assignment gives every application of {call_id!r} its reviewers: "
            + "; ".join(assignment.infeasible[:5]),
            [
                Problem(field="path.call_id", value=call_id, reason=reason)
                for reason in assignment.infeasible
            ],
        )
    summary = _summary(assignment, applications)
    pairs = await run_in_threadpool(_pairs, assignment)

    def save() -> AssignmentPublic:
        with _writing(service) as session:
            # The applications may have changed while the solver ran: assign those stored.
            stored_ids = {r.id for r in store.list_applications(session, call_id)}
            kept = [p for p in pairs if p.application_id in stored_ids]
            store.replace_assignment(
                session, call_id, assignment.solver, summary, kept, principal.actor
            )
            audit(
                session,
                principal,
                "assignment.create",
                f"call:{call_id}",
                {"solver": assignment.solver, "pairs": len(kept)},
            )
            session.flush()
            stored = store.load_assignment(session, call_id)
            assert stored is not None  # just written in this transaction
            return assignment_view(session, principal, stored)

    return await run_in_threadpool(save)


# -------------------------------------------------------------------------- ranking


@router.get("/{call_id}/ranking", response_model=RankingPublic, responses=ERRORS)
async def ranking(service: ServiceDep, principal: EditorDep, call_id: CallId) -> RankingPublic:
    """The call's applications ranked by their reviewers' scores, each reviewer's harshness
    or leniency calibrated out (an additive model); disagreement between reviewers flagged
    with the reason, and the applications whose team breaks a rule of the call marked with
    the rules (admin, coordinator)."""

    def read() -> tuple[list[Application], list[Review], Any, dict[str, str]]:
        with service.database.session() as session:
            _call_exists(session, call_id)
            applications = [
                store.as_application(r) for r in store.list_applications(session, call_id)
            ]
            reviews = [store.as_review(r) for r in store.list_reviews(session, call_id)]
            stored = store.load_assignment(session, call_id)
            names = _profile_names(session, {r.reviewer_id for r in reviews})
        return applications, reviews, stored, names

    applications, reviews, stored, names = await run_in_threadpool(read)
    if not applications:
        return RankingPublic(call_id=call_id, rows=[], warnings=["the call has no applications"])
    assigned: dict[str, list[str]] | None = None
    if stored is not None:
        assigned = {}
        for pair in stored.pairs:
            assigned.setdefault(pair.application_id, []).append(pair.reviewer_id)
    fitted = await current_engine(service.engine)
    broken = await run_in_threadpool(_broken_rules, fitted.matcher, applications)
    ranked = rank_applications(applications, reviews, assignment=assigned, broken_rules=broken)
    calibration = ranked.calibration
    return RankingPublic(
        call_id=call_id,
        rows=[
            RankingRowPublic(
                rank=row.rank,
                application_id=row.application_id,
                title=row.title,
                raw_mean=_finite(row.raw_mean),
                calibrated=_finite(row.calibrated),
                std_error=_finite(row.std_error),
                n_reviews=row.n_reviews,
                disagreement=row.disagreement,
                reasons=list(row.reasons),
                broken_rules=list(row.broken_rules),
                reviews=[
                    ReviewScorePublic(
                        reviewer_id=s.reviewer_id,
                        reviewer_name=names.get(s.reviewer_id, s.reviewer_id),
                        score=s.score,
                        adjusted=_finite(s.adjusted),
                        bias=_finite(s.bias),
                    )
                    for s in row.reviews
                ],
            )
            for row in ranked.rows
        ],
        warnings=list(ranked.warnings),
        scale=ranked.scale,
        reviewer_bias={r: float(b) for r, b in calibration.bias_.items()} if calibration else {},
    )


def _broken_rules(matcher: Matcher, applications: Sequence[Application]) -> dict[str, list[str]]:
    """The rule codes each application's team breaks (the checks, without the fixes)."""
    checked = check_competition(matcher, applications, fixes=False)
    return {check.application_id: list(check.rules) for check in checked.failing}


def _finite(value: float | None) -> float | None:
    """``value``, or ``None`` for a missing or undefined one (JSON has no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


__all__ = [
    "application_checks",
    "assign_reviewers",
    "assignment_view",
    "import_applications",
    "import_reviews",
    "list_applications",
    "list_reviews",
    "parse_applications",
    "parse_reviews",
    "ranking",
    "read_assignment",
    "router",
    "store_applications",
    "store_reviews",
    "submit_application",
    "submit_review",
    "visible_applications",
]

"""Grant rounds: start one, watch its progress, and read its report as the grant office
needs it (names, not ids; every team; sortable tables; CSV exports; the plots; every file
of the job).

The job is the JSON API's (:func:`api.http.routes.jobs.submit`, ``read_job``,
``list_files``, ``download_file``): the round is computed and its files written once, by
:func:`matcher.rounds.run_round`. This page only reads the job's ``teams.csv`` and
``summary.json`` result and names what they hold with the served engine's records.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, get_args

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.http.auth import Principal
from api.http.errors import ApiError, validation_problems
from api.http.routes import jobs
from api.http.routes.answers import current_engine
from api.http.schemas.jobs import JobFile, JobPublic, RoundJobCreate
from api.web.deps import Coordinator, CoordinatorPost, PageError, ServiceDep
from api.web.i18n import Formatter
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.sessions import WebSession
from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.model import Call

router = APIRouter()

JobId = Annotated[str, Path(min_length=1, max_length=64)]
FileName = Annotated[str, Path(min_length=1, max_length=100)]
PlotNumber = Annotated[int, Path(ge=1, le=50)]

STAFFINGS: Final = get_args(RoundJobCreate.model_fields["staffing"].annotation)
SOLVERS: Final = get_args(RoundJobCreate.model_fields["solver"].annotation)
TEAMS_FILE: Final = "teams.csv"
REPORT_FILE: Final = "report.html"
REFRESH_SECONDS: Final = 2
_PLOT: Final = re.compile(
    r"<h2>(?P<title>[^<]*)</h2>\s*<p class=\"note\">(?P<caption>[^<]*)</p>\s*"
    r"<div class=\"figure\">(?P<svg><svg.*?</svg>)\s*</div>",
    re.DOTALL,
)
"""A plot of the round's ``report.html`` (:mod:`matcher.rounds.report`'s template)."""


@dataclass(frozen=True)
class Member:
    """A team member, named."""

    profile_id: str
    name: str
    role: str
    relevance: float
    country: str
    institution_id: str
    institution: str
    route_kind: str
    via_id: str
    via: str


@dataclass
class NamedTeam:
    """A call's team, named."""

    call_id: str
    call_title: str
    objective: float
    members: list[Member] = field(default_factory=list)

    @property
    def lead(self) -> Member | None:
        """The lead (``None`` in a malformed file)."""
        return next((m for m in self.members if m.role == "lead"), None)

    @property
    def countries(self) -> list[str]:
        """The members' countries, each once, in member order."""
        return list(dict.fromkeys(m.country for m in self.members if m.country))


@dataclass(frozen=True)
class CallLine:
    """One call of the round: staffed or not, and why not."""

    call_id: str
    title: str
    funder: str
    deadline: str
    staffed: bool
    size: int
    objective: float | None
    reasons: list[str]


@dataclass(frozen=True)
class Plot:
    """A plot of the round's report."""

    number: int
    title: str
    caption: str
    svg: str


@dataclass
class RoundReport:
    """Everything the report page shows."""

    summary: dict[str, Any]
    teams: list[NamedTeam]
    calls: list[CallLine]
    files: list[JobFile]
    plots: list[Plot]
    offices: list[tuple[str, str, int, int | None]]


# --- starting rounds and listing jobs ---------------------------------------------------


@router.get("/rounds")
async def rounds_page(request: Request, service: ServiceDep, web: Coordinator) -> Response:
    """The form that starts a round, and the rounds (and rankings) so far."""
    return render(request, "rounds/index.html", web, await _index_values(service, web))


@router.post("/rounds")
async def start_round(
    request: Request,
    service: ServiceDep,
    web: CoordinatorPost,
    top_k: Annotated[str, Form(max_length=20)] = "10",
    staffing: Annotated[str, Form(max_length=20)] = "joint",
    solver: Annotated[str, Form(max_length=20)] = "exact",
    time_limit: Annotated[str, Form(max_length=20)] = "300",
    eligible_only: Annotated[str | None, Form(max_length=10)] = None,
    scores_with_eligibility: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Queue a round job with the form's options; its page follows the progress."""
    _ = gettext_for(language_of(request, web))
    sent = {
        "kind": "round",
        "top_k": top_k.strip(),
        "staffing": staffing,
        "solver": solver,
        "time_limit": time_limit.strip().replace(",", "."),
        "eligible_only": eligible_only is not None,
        "scores_with_eligibility": scores_with_eligibility is not None,
    }
    try:
        job = RoundJobCreate.model_validate(sent)
    except ValidationError as error:
        problems = [
            (p.field or "", p.reason) for p in validation_problems(error.errors(include_url=False))
        ]
        values = {**await _index_values(service, web), "form": sent, "problems": problems}
        return render(request, "rounds/index.html", web, values, status=422)
    created = await run_in_threadpool(jobs.submit, service, web.user.principal, job)
    return redirect(f"{BASE}/rounds/{created.id}", _("The round is queued."))


async def _index_values(service: ServiceDep, web: WebSession) -> dict[str, Any]:
    listing = await run_in_threadpool(jobs.list_jobs, service, web.user.principal, 0, 200)
    defaults = RoundJobCreate(kind="round")
    return {
        "jobs": [job for job in listing.items if job.kind != "import"],
        "form": defaults.model_dump(),
        "problems": [],
        "staffings": STAFFINGS,
        "solvers": SOLVERS,
        "limits": {name: _bounds(name) for name in ("top_k", "time_limit")},
    }


def _bounds(name: str) -> tuple[float, float]:
    """The smallest and largest value the job's schema takes for a number field."""
    low, high = 1.0, 1000.0
    for constraint in RoundJobCreate.model_fields[name].metadata:
        for attribute in ("ge", "gt"):
            if getattr(constraint, attribute, None) is not None:
                low = max(1.0, float(getattr(constraint, attribute)))
        if getattr(constraint, "le", None) is not None:
            high = float(constraint.le)
    return low, high


# --- one round: progress, report, exports ------------------------------------------------


@router.get("/rounds/{job_id}")
async def round_page(
    request: Request, service: ServiceDep, web: Coordinator, job_id: JobId
) -> Response:
    """A round's progress while it runs (the page reloads itself), then its report."""
    job = await run_in_threadpool(jobs.read_job, service, web.user.principal, job_id)
    if job.kind == "import":
        return redirect(f"{BASE}/upload/jobs/{job.id}")
    values: dict[str, Any] = {
        "job": job,
        "running": job.status in ("queued", "running"),
        "report": None,
    }
    if job.kind == "round" and job.status == "succeeded":
        dataset = (await current_engine(service.engine)).dataset
        values["report"] = await run_in_threadpool(
            build_report, service, web.user.principal, job, dataset
        )
    return render(request, "rounds/job.html", web, values)


@router.get("/rounds/{job_id}/files/{name}")
async def round_file(
    service: ServiceDep, web: Coordinator, job_id: JobId, name: FileName
) -> FileResponse:
    """One file the job wrote, as ``GET /jobs/{id}/files/{name}`` serves it."""
    return await run_in_threadpool(jobs.download_file, service, web.user.principal, job_id, name)


@router.get("/rounds/{job_id}/plots/{number}.svg")
async def round_plot(
    service: ServiceDep, web: Coordinator, job_id: JobId, number: PlotNumber
) -> Response:
    """A plot of the round's report, as an SVG image (an ``<img>`` runs no script)."""
    plots = await run_in_threadpool(_plots_of, service, web.user.principal, job_id)
    if number > len(plots):
        raise PageError(404, "not_found")
    response = Response(plots[number - 1].svg, media_type="image/svg+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@router.get("/rounds/{job_id}/export/{table}.csv")
async def export_table(
    request: Request,
    service: ServiceDep,
    web: Coordinator,
    job_id: JobId,
    table: Annotated[str, Path(pattern="^(teams|calls)$")],
) -> Response:
    """The report's table (teams, one row per member; or the calls), named, as CSV."""
    job = await run_in_threadpool(jobs.read_job, service, web.user.principal, job_id)
    if job.kind != "round" or job.status != "succeeded":
        _ = gettext_for(language_of(request, web))
        raise PageError(409, _("The round has not finished: its tables come when it succeeds."))
    dataset = (await current_engine(service.engine)).dataset
    report = await run_in_threadpool(build_report, service, web.user.principal, job, dataset)
    formatter = Formatter(language_of(request, web))
    text = teams_csv(report, formatter) if table == "teams" else calls_csv(report, formatter)
    short = job.id.split("-")[0]
    return Response(
        # With a byte-order mark: spreadsheet programs then read the names as UTF-8.
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="round-{short}-{table}.csv"'},
    )


def build_report(
    service: ServiceDep, principal: Principal, job: JobPublic, dataset: Dataset
) -> RoundReport:
    """A finished round's report: its teams and calls named from ``dataset``, its files
    and its plots.

    Parameters
    ----------
    service : Service
        The service (the job's files are read through the JSON API's functions).
    principal : Principal
        Who reads it.
    job : JobPublic
        The succeeded round job.
    dataset : Dataset
        The records names come from (an id no longer stored is shown as it is).
    """
    files = jobs.list_files(service, principal, job.id)
    names = {f.name for f in files}
    rows: list[dict[str, str]] = []
    if TEAMS_FILE in names:
        path = jobs.download_file(service, principal, job.id, TEAMS_FILE).path
        with open(path, encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
    summary = dict((job.result or {}).get("summary") or {})
    teams = named_teams(rows, dataset)
    plots = _read_plots(service, principal, job.id) if REPORT_FILE in names else []
    return RoundReport(
        summary=summary,
        teams=teams,
        calls=call_lines(teams, summary.get("unstaffed") or {}, dataset),
        files=files,
        plots=plots,
        offices=_office_load(summary, dataset),
    )


def named_teams(rows: Iterable[dict[str, str]], dataset: Dataset) -> list[NamedTeam]:
    """The teams of ``teams.csv`` rows (one per member), named, in the file's order."""
    teams: dict[str, NamedTeam] = {}
    for row in rows:
        call_id = row["call_id"]
        team = teams.get(call_id)
        if team is None:
            team = teams[call_id] = NamedTeam(
                call_id, _call_title(dataset, call_id), _number(row["team_objective"])
            )
        team.members.append(_member(row, dataset))
    return list(teams.values())


def _member(row: dict[str, str], dataset: Dataset) -> Member:
    profile_id = row["profile_id"]
    name = dataset.profile(profile_id).name if dataset.has_profile(profile_id) else profile_id
    institution_id = row.get("institution") or ""
    via_id = row.get("via") or ""
    return Member(
        profile_id=profile_id,
        name=name,
        role=row.get("role") or "",
        relevance=_number(row.get("relevance")),
        country=row.get("country") or "",
        institution_id=institution_id,
        institution=dataset.institution_name(institution_id) if institution_id else "",
        route_kind=row.get("route_kind") or "",
        via_id=via_id,
        via=_any_name(dataset, via_id),
    )


def _any_name(dataset: Dataset, record_id: str) -> str:
    """The name of an office, institution or profile a route goes through."""
    if not record_id:
        return ""
    try:
        return dataset.office(record_id).name
    except UnknownIdError:
        pass
    institution = dataset.institution(record_id)
    if institution is not None:
        return institution.name
    if dataset.has_profile(record_id):
        return dataset.profile(record_id).name
    return record_id


def _call(dataset: Dataset, call_id: str) -> Call | None:
    try:
        return dataset.call(call_id)
    except UnknownIdError:  # a call deleted since the round
        return None


def _call_title(dataset: Dataset, call_id: str) -> str:
    call = _call(dataset, call_id)
    return call.title if call is not None else call_id


def _number(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def call_lines(
    teams: list[NamedTeam], unstaffed: dict[str, list[str]], dataset: Dataset
) -> list[CallLine]:
    """Every call of the round (in the data's order): its team's size and objective, or
    why it has none."""
    by_call = {team.call_id: team for team in teams}
    in_round = set(by_call) | set(unstaffed)
    ordered = [c.id for c in dataset.calls if c.id in in_round]
    ordered += sorted(in_round - set(ordered))
    lines = []
    for call_id in ordered:
        known = _call(dataset, call_id)
        team = by_call.get(call_id)
        lines.append(
            CallLine(
                call_id=call_id,
                title=known.title if known else call_id,
                funder=(known.funder or "") if known else "",
                deadline=known.deadline.isoformat() if known and known.deadline else "",
                staffed=team is not None,
                size=len(team.members) if team else 0,
                objective=team.objective if team else None,
                reasons=list(unstaffed.get(call_id, [])),
            )
        )
    return lines


def _office_load(
    summary: dict[str, Any], dataset: Dataset
) -> list[tuple[str, str, int, int | None]]:
    """(office id, name, introductions used, capacity) per office of the round."""
    load = summary.get("office_load") or {}
    found = []
    for office_id in sorted(load):
        used, capacity = load[office_id]
        found.append((office_id, _any_name(dataset, office_id), int(used), capacity))
    return found


def _read_plots(service: ServiceDep, principal: Principal, job_id: str) -> list[Plot]:
    path = jobs.download_file(service, principal, job_id, REPORT_FILE).path
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    return [
        Plot(number, html.unescape(m["title"]), html.unescape(m["caption"]), m["svg"])
        for number, m in enumerate(_PLOT.finditer(text), start=1)
    ]


def _plots_of(service: ServiceDep, principal: Principal, job_id: str) -> list[Plot]:
    job = jobs.read_job(service, principal, job_id)
    if job.kind != "round":
        return []
    try:
        return _read_plots(service, principal, job_id)
    except ApiError:
        return []


def teams_csv(report: RoundReport, formatter: Formatter) -> str:
    """The teams table, one row per member, with names beside the ids."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "call_id",
            "call_title",
            "team_objective",
            "role",
            "profile_id",
            "name",
            "institution_id",
            "institution",
            "country",
            "country_name",
            "relevance",
            "route_kind",
            "via_id",
            "via",
        ]
    )
    for team in report.teams:
        for member in team.members:
            writer.writerow(
                [
                    team.call_id,
                    team.call_title,
                    f"{team.objective:.6f}",
                    member.role,
                    member.profile_id,
                    member.name,
                    member.institution_id,
                    member.institution,
                    member.country,
                    formatter.country(member.country),
                    f"{member.relevance:.6f}",
                    member.route_kind,
                    member.via_id,
                    member.via,
                ]
            )
    return buffer.getvalue()


def calls_csv(report: RoundReport, _formatter: Formatter) -> str:
    """The per-call summary: staffed or not, the team's size and objective, why not."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["call_id", "title", "funder", "deadline", "staffed", "team_size", "objective", "why_not"]
    )
    for line in report.calls:
        writer.writerow(
            [
                line.call_id,
                line.title,
                line.funder,
                line.deadline,
                "true" if line.staffed else "false",
                line.size,
                "" if line.objective is None else f"{line.objective:.6f}",
                " | ".join(line.reasons),
            ]
        )
    return buffer.getvalue()

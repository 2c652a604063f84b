"""Teams and what-if: ``grantmatch teams`` and ``grantmatch whatif``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.common import (
    DEFAULT_BACKEND,
    BackendOpt,
    CallsOpt,
    DataOpt,
    InstitutionsOpt,
    OfficesOpt,
    OutcomesOpt,
    ProfilesOpt,
    QuietOpt,
    SideOpt,
    SolverOpt,
    UsageError,
    check_ids,
    check_side,
    check_solver,
    fit_matcher,
    load_data,
    split_ids,
)

if TYPE_CHECKING:
    from matcher.teams import TeamObjective, TeamResult
    from matcher.whatif import WhatIfReport

#: ``--weight NAME=VALUE`` names and the :class:`~matcher.teams.TeamObjective` field each sets.
OBJECTIVE_WEIGHTS = {
    "route": "route_weight",
    "lead": "lead_weight",
    "coverage": "coverage_weight",
    "diversity": "diversity_weight",
    "threshold_quantile": "threshold_quantile",
    "alternative_overlap": "alternative_overlap",
    "lead_seniority": "lead_seniority_weight",
}

WeightOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--weight",
        help="Objective weight NAME=VALUE (repeatable): " + ", ".join(OBJECTIVE_WEIGHTS) + ".",
    ),
]


def teams(
    call: Annotated[str, typer.Option("--call", help="Call id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    alternatives: Annotated[
        int, typer.Option("--alternatives", help="How many diverse alternative teams to add.")
    ] = 0,
    pin: Annotated[str, typer.Option("--pin", help="Profile ids that must be in the team.")] = "",
    ban: Annotated[str, typer.Option("--ban", help="Profile ids that must not be.")] = "",
    open_office: Annotated[
        str, typer.Option("--open-office", help="What-if: office ids to treat as open.")
    ] = "",
    solver: SolverOpt = "exact",
    weight: WeightOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the teams as JSON.")] = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    side: SideOpt = None,
) -> None:
    """Suggest teams for a call that meet its rules, with the route to each member."""
    from api.cli import render
    from matcher.io import write_text_atomic

    if alternatives < 0:
        raise UsageError("--alternatives must be 0 or more")
    check_solver(solver)
    objective = team_objective(weight or [])
    side = check_side(side)
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    check_ids(dataset, [(None, call, [*split_ids(pin), *split_ids(ban)])])
    for office_id in split_ids(open_office):
        dataset.office(office_id)
    matcher = fit_matcher(dataset, backend, quiet or as_json, objective, side=side)
    if open_office:
        matcher = matcher.what_if(split_ids(open_office))
    result = matcher.team(
        call, pin=split_ids(pin), ban=split_ids(ban), solver=solver, alternatives=alternatives
    )
    payload = team_result_payload(result)
    if out is not None:
        write_text_atomic(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", out)
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = render.make_console()
    console.print(render.call_header(dataset.call(call)))
    console.print(
        render.pool_line(
            int(matcher.may_join(call).sum()), len(dataset.profiles), matcher.nobody_may_join(call)
        )
    )
    console.print(render.team_panel(dataset, result))


def team_objective(values: list[str], **defaults: float) -> TeamObjective:
    """A :class:`~matcher.teams.TeamObjective` from ``--weight NAME=VALUE`` options.

    ``defaults`` are field values the options start from.
    """
    from matcher.teams import TeamObjective

    changes: dict[str, float] = dict(defaults)
    for value in values:
        name, sep, number = value.partition("=")
        if not sep or name.strip() not in OBJECTIVE_WEIGHTS:
            raise UsageError(
                f"--weight {value!r}: write NAME=VALUE with NAME one of "
                + ", ".join(OBJECTIVE_WEIGHTS)
            )
        try:
            changes[OBJECTIVE_WEIGHTS[name.strip()]] = float(number)
        except ValueError:
            raise UsageError(f"--weight {value!r}: {number!r} is not a number") from None
    try:
        return TeamObjective(**changes)  # type: ignore[arg-type]
    except ValueError as error:
        raise UsageError(f"--weight: {error}") from None


def team_result_payload(result: TeamResult) -> dict[str, Any]:
    """The JSON form of a :class:`~matcher.teams.TeamResult` (``teams --json`` and ``--out``)."""
    return {
        "call_id": result.call_id,
        "feasible": result.feasible,
        "team": result.team.model_dump(mode="json") if result.team else None,
        "alternatives": [team.model_dump(mode="json") for team in result.alternatives],
        "reasons": result.reasons,
        "relaxations": [
            {
                "description": r.description,
                "steps": r.steps,
                "objective": r.objective,
                "team": r.team.model_dump(mode="json"),
            }
            for r in result.relaxations
        ],
    }


def whatif(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    open_office: Annotated[
        str, typer.Option("--open-office", help="Office ids to open (comma-separated).")
    ] = "",
    close_office: Annotated[
        str, typer.Option("--close-office", help="Office ids to close (comma-separated).")
    ] = "",
    add_agreement: Annotated[
        list[str] | None,
        typer.Option("--add-agreement", help="INST1:INST2, an agreement to add (repeatable)."),
    ] = None,
    solver: Annotated[str, typer.Option("--solver", help="exact or fast.")] = "exact",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    side: SideOpt = None,
) -> None:
    """How many more calls get a viable team, and how much better, after a change."""
    from api.cli import render
    from matcher.whatif import compare

    agreements = [_agreement(value) for value in add_agreement or []]
    opened, closed = split_ids(open_office), split_ids(close_office)
    if not (opened or closed or agreements):
        raise UsageError("give --open-office, --close-office or --add-agreement")
    check_solver(solver)
    side = check_side(side)
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    for office_id in [*opened, *closed]:
        dataset.office(office_id)
    for pair in agreements:
        for institution_id in pair:
            if dataset.institution(institution_id) is None:
                raise UsageError(f"--add-agreement: unknown institution {institution_id!r}")
    matcher = fit_matcher(dataset, backend, quiet or as_json, side=side)
    changed = matcher.what_if(opened, agreements, close_offices=closed)
    change = "; ".join(
        [f"open {o}" for o in opened]
        + [f"close {o}" for o in closed]
        + [f"agreement {a}–{b}" for a, b in agreements]
    )
    report = compare(matcher, changed, change, solver=solver)
    if as_json:
        typer.echo(json.dumps(whatif_payload(report), ensure_ascii=False, indent=2))
        return
    console = render.make_console()
    console.print(render.whatif_table(report))
    console.print(
        f"{len(report.gained)} more call(s) get a viable team"
        + (f" ({', '.join(report.gained)})" if report.gained else "")
        + f"; {len(report.improved)} get a better one"
        + (f"; {len(report.lost)} lose theirs" if report.lost else "")
        + f"; total objective change {report.total_improvement:+.3f}"
    )


def _agreement(value: str) -> tuple[str, str]:
    first, sep, second = value.partition(":")
    if not sep or not first.strip() or not second.strip():
        raise UsageError(f"--add-agreement {value!r}: write it as INSTITUTION1:INSTITUTION2")
    return first.strip(), second.strip()


def whatif_payload(report: WhatIfReport) -> dict[str, Any]:
    """The JSON form of a what-if report."""
    return {
        "change": report.change,
        "viable_before": report.viable_before,
        "viable_after": report.viable_after,
        "gained": report.gained,
        "lost": report.lost,
        "improved": report.improved,
        "total_improvement": report.total_improvement,
        "calls": [
            {
                "call_id": row.call_id,
                "before": {"feasible": row.before.feasible, "objective": row.before.objective},
                "after": {"feasible": row.after.feasible, "objective": row.after.objective},
            }
            for row in report.rows
        ],
    }


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command()(teams)
    app.command()(whatif)

"""The ``grantmatch`` command.

Every command reads the interchange files (JSON Lines, CSV or Parquet), fits a
:class:`~matcher.engine.Matcher`, and prints readable output or writes the batch CSVs.
Errors in the input or in the arguments are printed as one clear line on stderr with exit
code 2; nothing is written when a command fails.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from api import render
from api.output import write_partner_queries, write_partners, write_rankings
from api.settings import vector_cache_path
from embeddings import DEFAULT_BACKEND
from matcher.dataset import Dataset
from matcher.datasets import demo_paths
from matcher.engine import Matcher
from matcher.errors import GrantmatchError
from matcher.io import load_dataset, read_partner_queries, write_text_atomic
from matcher.solvers import get_solver
from matcher.teams import TeamObjective, TeamResult
from matcher.whatif import WhatIfReport, compare

app = typer.Typer(
    name="grantmatch",
    help="Grant-call and research-team matchmaking: rank, explain, assemble teams, find partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ProfilesOpt = Annotated[
    Path | None, typer.Option("--profiles", help="Profiles file (.jsonl, .csv or .parquet).")
]
CallsOpt = Annotated[Path | None, typer.Option("--calls", help="Calls file.")]
InstitutionsOpt = Annotated[
    Path | None, typer.Option("--institutions", help="Institutions file (agreements).")
]
OfficesOpt = Annotated[Path | None, typer.Option("--offices", help="Foreign offices file.")]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A folder with profiles/calls/institutions/offices.jsonl; the options above "
        "override single files. Use 'demo' for the bundled demo data.",
    ),
]
BackendOpt = Annotated[
    str, typer.Option("--backend", help="Embedding backend (see `grantmatch backends`).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]


class UsageError(GrantmatchError):
    """Arguments that do not fit together."""


def _data_files(
    data: Path | None,
    profiles: Path | None,
    calls: Path | None,
    institutions: Path | None,
    offices: Path | None,
) -> dict[str, Path | None]:
    files: dict[str, Path | None] = {
        "profiles": None,
        "calls": None,
        "institutions": None,
        "offices": None,
    }
    if data is not None:
        if str(data) == "demo":
            files.update(demo_paths())
        elif not data.is_dir():
            raise UsageError(f"--data {data}: not a folder")
        else:
            for name in files:
                candidate = data / f"{name}.jsonl"
                files[name] = candidate if candidate.exists() else None
    given = {"profiles": profiles, "calls": calls, "institutions": institutions, "offices": offices}
    files.update({name: path for name, path in given.items() if path is not None})
    if files["profiles"] is None or files["calls"] is None:
        raise UsageError("give --profiles and --calls (or --data DIR, or --data demo)")
    return files


def _load(
    data: Path | None,
    profiles: Path | None,
    calls: Path | None,
    institutions: Path | None,
    offices: Path | None,
) -> Dataset:
    files = _data_files(data, profiles, calls, institutions, offices)
    assert files["profiles"] is not None  # _data_files insists on it
    return load_dataset(
        files["profiles"],
        files["calls"],
        institutions=files["institutions"],
        offices=files["offices"],
    )


def _fit(
    dataset: Dataset, backend: str, quiet: bool, team_objective: TeamObjective | None = None
) -> Matcher:
    console = render.make_console(stderr=True)
    if not quiet:
        console.print(
            f"[dim]Embedding {len(dataset.profiles)} profiles and {len(dataset.calls)} calls "
            f"with the '{backend}' backend…[/dim]"
        )
    matcher = Matcher(
        backend,
        cache_path=vector_cache_path(),
        team_objective=team_objective,
        show_progress=not quiet and console.is_terminal,
    ).fit(dataset)
    if not quiet:
        console.print(f"[dim]Embedded with {matcher.encoder_.model_id}[/dim]")
    return matcher


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@app.command()
def rank(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    out: Annotated[Path, typer.Option("--out", help="CSV to write.")] = Path("scores.csv"),
    top_k: Annotated[int, typer.Option("--top-k", help="Profiles per call; 0 for all.")] = 10,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    only_matches: Annotated[
        bool,
        typer.Option(
            "--only-matches",
            help="Write only rows whose score reaches the match threshold (a call nobody "
            "matches then has no rows).",
        ),
    ] = False,
) -> None:
    """Rank profiles for every call: CSV call_id,profile_id,score,rank.

    A call for which nobody reaches the match threshold (see README, Relevance) is named
    on stderr: its rows are weak matches only.
    """
    if top_k < 0:
        raise UsageError("--top-k must be 0 (every pair) or positive")
    dataset = _load(data, profiles, calls, institutions, offices)
    matcher = _fit(dataset, backend, quiet)
    rows = matcher.rank_all(top_k)
    if only_matches:
        rows = (row for row in rows if row.score >= matcher.match_threshold)
    count = write_rankings(out, rows)
    console = render.make_console(stderr=True)
    abstaining = [c.id for c in dataset.calls if matcher.abstains(c.id)]
    for call_id in abstaining:
        best = float(matcher.relevance_of(call_id).max()) if dataset.profiles else 0.0
        console.print(
            f"[yellow]no real match for call {call_id}:[/yellow] the best score is "
            f"{best:.3f}, below the match threshold {matcher.match_threshold:.2f}; "
            "its rows are weak matches only",
            highlight=False,
        )
    if not quiet:
        console.print(f"Wrote {count} rows to {out}")


@app.command()
def partners(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    call: Annotated[str | None, typer.Option("--call", help="Call id.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Comma-separated profile ids.")] = None,
    queries: Annotated[
        Path | None,
        typer.Option("--queries", help='JSON Lines of {"id", "call_id", "team": [ids]}.'),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Suggestions per team; 0 for all.")] = 10,
    out: Annotated[Path, typer.Option("--out", help="CSV to write.")] = Path("partners.csv"),
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """The best profiles to add to a partial team for a call (or a batch with --queries)."""
    if k < 0:
        raise UsageError("--k must be 0 (all) or positive")
    if (queries is None) == (call is None):
        raise UsageError("give either --call with --team, or --queries")
    if call is not None and team is None:
        raise UsageError("--call needs --team ID1,ID2 (the partial team)")
    batch = read_partner_queries(queries) if queries is not None else None
    dataset = _load(data, profiles, calls, institutions, offices)
    checks: list[tuple[str | None, str, list[str]]] = [(None, call or "", _ids(team or ""))]
    if batch is not None:
        checks = [(query_id, call_id, members) for query_id, call_id, members in batch]
    _check_query_ids(dataset, checks)
    matcher = _fit(dataset, backend, quiet)
    if batch is None:
        assert call is not None and team is not None
        count = write_partners(out, call, matcher.partners(call, _ids(team), k))
    else:
        answers = ((qid, cid, matcher.partners(cid, members, k)) for qid, cid, members in batch)
        count = write_partner_queries(out, answers)
    if not quiet:
        render.make_console(stderr=True).print(f"Wrote {count} rows to {out}")


def _check_query_ids(dataset: Dataset, queries: list[tuple[str | None, str, list[str]]]) -> None:
    """Reject unknown calls and profiles before the expensive embedding step."""
    for query_id, call_id, members in queries:
        where = f"query {query_id!r}: " if query_id is not None else ""
        try:
            dataset.call(call_id)
            for member in members:
                dataset.profile(member)
        except GrantmatchError as error:
            raise UsageError(f"{where}{error}") from None


@app.command()
def explain(
    call: Annotated[str, typer.Option("--call", help="Call id.")],
    profile: Annotated[str, typer.Option("--profile", help="Profile id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """Why a profile scores what it scores for a call: parts, publications, keywords."""
    dataset = _load(data, profiles, calls, institutions, offices)
    _check_query_ids(dataset, [(None, call, [profile])])
    matcher = _fit(dataset, backend, quiet)
    render.make_console().print(render.explanation_panel(dataset, matcher.explain(call, profile)))


@app.command()
def teams(
    call: Annotated[str, typer.Option("--call", help="Call id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
    alternatives: Annotated[
        int, typer.Option("--alternatives", help="How many diverse alternative teams to add.")
    ] = 0,
    pin: Annotated[str, typer.Option("--pin", help="Profile ids that must be in the team.")] = "",
    ban: Annotated[str, typer.Option("--ban", help="Profile ids that must not be.")] = "",
    open_office: Annotated[
        str, typer.Option("--open-office", help="What-if: office ids to treat as open.")
    ] = "",
    solver: Annotated[
        str, typer.Option("--solver", help="exact (MILP, optimal) or fast (greedy + local search).")
    ] = "exact",
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            help="Objective weight NAME=VALUE (repeatable): " + ", ".join(OBJECTIVE_WEIGHTS) + ".",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the teams as JSON.")] = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """Suggest teams for a call that meet its rules, with the route to each member."""
    if alternatives < 0:
        raise UsageError("--alternatives must be 0 or more")
    get_solver(solver)  # an unknown solver fails before the expensive embedding
    objective = _team_objective(weight or [])
    dataset = _load(data, profiles, calls, institutions, offices)
    _check_query_ids(dataset, [(None, call, [*_ids(pin), *_ids(ban)])])
    for office_id in _ids(open_office):
        dataset.office(office_id)
    matcher = _fit(dataset, backend, quiet or as_json, objective)
    if open_office:
        matcher = matcher.what_if(_ids(open_office))
    result = matcher.team(
        call, pin=_ids(pin), ban=_ids(ban), solver=solver, alternatives=alternatives
    )
    payload = team_result_payload(result)
    if out is not None:
        write_text_atomic(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", out)
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = render.make_console()
    console.print(render.call_header(dataset.call(call)))
    console.print(render.team_panel(dataset, result))


OBJECTIVE_WEIGHTS = {
    "route": "route_weight",
    "lead": "lead_weight",
    "coverage": "coverage_weight",
    "diversity": "diversity_weight",
    "threshold_quantile": "threshold_quantile",
    "alternative_overlap": "alternative_overlap",
}


def _team_objective(values: list[str]) -> TeamObjective:
    """A :class:`TeamObjective` from ``--weight NAME=VALUE`` options."""
    changes: dict[str, float] = {}
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
    """The JSON form of a :class:`TeamResult` (``teams --json`` and ``--out``)."""
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


@app.command()
def whatif(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
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
) -> None:
    """How many more calls get a viable team, and how much better, after a change."""
    agreements = [_agreement(value) for value in add_agreement or []]
    if not (open_office or close_office or agreements):
        raise UsageError("give --open-office, --close-office or --add-agreement")
    get_solver(solver)
    dataset = _load(data, profiles, calls, institutions, offices)
    for office_id in [*_ids(open_office), *_ids(close_office)]:
        dataset.office(office_id)
    for pair in agreements:
        for institution_id in pair:
            if dataset.institution(institution_id) is None:
                raise UsageError(f"--add-agreement: unknown institution {institution_id!r}")
    matcher = _fit(dataset, backend, quiet or as_json)
    changed = matcher.what_if(_ids(open_office), agreements, close_offices=_ids(close_office))
    change = "; ".join(
        [f"open {o}" for o in _ids(open_office)]
        + [f"close {o}" for o in _ids(close_office)]
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


@app.command("partners-abroad")
def partners_abroad(
    profile: Annotated[str, typer.Option("--profile", help="Researcher id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
    k: Annotated[int, typer.Option("--k", help="How many.")] = 10,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """The best partners in other countries for one researcher, and how to reach them."""
    dataset = _load(data, profiles, calls, institutions, offices)
    dataset.profile(profile)  # an unknown id fails here, before the expensive embedding
    matcher = _fit(dataset, backend, quiet)
    suggestions = matcher.partners_abroad(profile, k)
    name = dataset.profile(profile).name
    render.make_console().print(
        render.partners_table(dataset, f"Partners abroad for {name}", suggestions)
    )


@app.command()
def demo(
    calls: Annotated[int, typer.Option("--calls", help="How many calls to show.")] = 3,
    backend: BackendOpt = DEFAULT_BACKEND,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the bundled demo data files to this folder and stop."),
    ] = None,
) -> None:
    """Run the whole pipeline on the bundled demo data and print what it finds."""
    from api.demo import export_demo, run_demo

    if export is not None:
        export_demo(export)
        render.make_console().print(f"Wrote the demo data files to {export}")
        return
    run_demo(render.make_console(), backend=backend, n_calls=calls)


@app.command()
def validate(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    data: DataOpt = None,
) -> None:
    """Check input files (fields, types, references) without embedding anything."""
    dataset = _load(data, profiles, calls, institutions, offices)
    render.make_console().print("OK: " + render.dataset_summary(dataset))


@app.command()
def backends() -> None:
    """List the embedding backends."""
    from embeddings import DEFAULT_BACKEND, available_backends

    for name in available_backends():
        typer.echo(f"{name}{'  (default)' if name == DEFAULT_BACKEND else ''}")


# Grant rounds (issue 6): the command's logic lives in api/round_cmd.py.
from api.round_cmd import round_command  # noqa: E402

app.command("round")(round_command)

# The HTTP service (issue 7): the commands' logic lives in api/serve_cmd.py.
from api.serve_cmd import db_app, serve_command  # noqa: E402

app.command("serve")(serve_command)
app.add_typer(db_app, name="db")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grantmatch`` command; returns the exit code."""
    # The model's weights load from the installed package; transformers' own loading bar
    # would only add noise to our output.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        app(args=argv, standalone_mode=False)
    except GrantmatchError as error:
        render.make_console(stderr=True).print(
            f"[bold red]error:[/bold red] {error}", highlight=False
        )
        return 2
    except (ValueError, OSError) as error:
        # Library errors about arguments (unknown backend or solver, unreadable output path).
        render.make_console(stderr=True).print(
            f"[bold red]error:[/bold red] {error}", highlight=False
        )
        return 2
    except KeyboardInterrupt:
        render.make_console(stderr=True).print("interrupted")
        return 130
    except typer.Exit as exit_:
        return int(exit_.exit_code)
    except Exception as error:  # click's usage errors arrive here in non-standalone mode
        import click

        if isinstance(error, click.ClickException):
            error.show()
            return error.exit_code
        if isinstance(error, click.exceptions.Abort):
            return 130
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

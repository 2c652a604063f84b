"""``grantmatch competition``: check applications, assign expert reviewers, rank by reviews.

A whole competition on the bundled demo (no data options: the demo world and its
applications)::

    grantmatch competition check --call CALL
    grantmatch competition assign --call CALL --out assignment.csv
    grantmatch competition demo-reviews --assignment assignment.csv --out reviews.csv
    grantmatch competition rank --reviews reviews.csv --assignment assignment.csv

``demo-reviews`` invents reviews (for trying ``rank`` out); real ones come back from the
reviewers in the same format.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
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
    UsageError,
    fit_matcher,
    load_data,
)

if TYPE_CHECKING:
    from rich.console import Console

    from matcher.competitions import CompetitionRanking
    from matcher.competitions.assignment import Assignment
    from matcher.competitions.checks import CompetitionCheck
    from matcher.dataset import Dataset
    from matcher.engine import Matcher
    from matcher.model import Application, Review, ReviewSettings

competition_app = typer.Typer(
    help="Grant competitions: check applications against the call's rules, assign expert "
    "reviewers under conflicts of interest and load, rank by calibrated reviews.",
    no_args_is_help=True,
)

ApplicationsOpt = Annotated[
    Path | None,
    typer.Option(
        "--applications",
        help="Applications file (.jsonl, .csv or .parquet); default: applications.jsonl of "
        "--data (the bundled demo's without data options).",
    ),
]
CallOpt = Annotated[
    str | None,
    typer.Option("--call", help="Only the applications to this call (default: all)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _out_option(what: str) -> Any:
    return typer.Option("--out", help=f"Write {what} to this file (.csv or .json).")


# -- loading -----------------------------------------------------------------------------------


def _load(
    data: Path | None,
    profiles: Path | None,
    calls: Path | None,
    institutions: Path | None,
    offices: Path | None,
    outcomes: Path | None,
    applications: Path | None,
) -> tuple[Dataset, Path]:
    """The dataset (the bundled demo when no data option is given) and the applications
    file (default: the data folder's ``applications.jsonl``)."""
    if data is None and profiles is None and calls is None:
        data = Path("demo")
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    return dataset, applications or _default_applications(data)


def _default_applications(data: Path | None) -> Path:
    if data is not None and str(data) == "demo":
        from matcher.datasets import demo_paths

        found = dict(demo_paths()).get("applications")
        if found is not None:
            return found
    elif data is not None and (data / "applications.jsonl").exists():
        return data / "applications.jsonl"
    where = f" (no applications.jsonl in {data})" if data is not None else ""
    raise UsageError(f"give --applications{where}")


def _applications(
    dataset: Dataset, path: Path, call: str | None, reviews: Path | None = None
) -> tuple[list[Application], list[Review]]:
    """The applications (of ``call`` when given) and reviews, checked against the dataset."""
    from matcher.competitions import load_competition

    competition = load_competition(path, dataset, reviews=reviews)
    applications = competition.applications
    if call is not None:
        dataset.call(call)  # an unknown call: a clear error before anything else
        applications = [a for a in applications if a.call_id == call]
        if not applications:
            raise UsageError(f"--call {call}: no application in {path} is to this call")
    kept = {a.id for a in applications}
    return applications, [r for r in competition.reviews if r.application_id in kept]


def _check_out(out: Path | None) -> None:
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"--out {out}: name a .csv or a .json file")


def _write_table(out: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """``rows`` as CSV (``columns`` in order) or as a JSON list, by ``out``'s suffix."""
    from matcher.io import write_text_atomic

    if out.suffix.lower() == ".json":
        write_text_atomic(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n", out)
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(buffer.getvalue(), out)


def _console(stderr: bool = False) -> Console:
    from api.cli import render

    return render.make_console(stderr=stderr)


# -- check -------------------------------------------------------------------------------------


@competition_app.command("check")
def check(
    call: CallOpt = None,
    applications: ApplicationsOpt = None,
    out: Annotated[Path | None, _out_option("the report, one row per broken rule")] = None,
    as_json: JsonOpt = False,
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """Check every application's team against its call's rules; name the smallest fix."""
    from matcher.competitions import check_competition
    from matcher.competitions.checks import ROW_COLUMNS

    _check_out(out)
    dataset, path = _load(data, profiles, calls, institutions, offices, outcomes, applications)
    chosen, _ = _applications(dataset, path, call)
    matcher = fit_matcher(dataset, backend, quiet or as_json)
    console = _console(stderr=True)
    with _status(console, f"Checking {len(chosen)} applications…", not (quiet or as_json)):
        report = check_competition(matcher, chosen)
    if out is not None:
        if out.suffix.lower() == ".json":
            _write_table(out, (), [c.to_dict() for c in report.checks])
        else:
            _write_table(out, ROW_COLUMNS, report.to_rows())
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in report.checks], ensure_ascii=False, indent=2))
        return
    _print_check(dataset, chosen, report)


def _print_check(dataset: Dataset, chosen: list[Application], report: CompetitionCheck) -> None:
    from rich.markup import escape
    from rich.table import Table

    titles = {a.id: a for a in chosen}
    console = _console()
    for call_id in dict.fromkeys(a.call_id for a in chosen):
        table = Table(title=f"{dataset.call(call_id).title} [{call_id}]", show_lines=True)
        table.add_column("application")
        table.add_column("team", justify="right")
        table.add_column("check")
        table.add_column("smallest fix")
        for found in report.checks:
            if found.call_id != call_id:
                continue
            application = titles[found.application_id]
            verdict = (
                "[green]eligible[/green]"
                if found.ok
                else "\n".join(
                    f"[red]{escape(f.rule)}[/red]: {escape(f.message)}" for f in found.failures
                )
            )
            table.add_row(
                f"{escape(application.title)}\n[dim]{application.id}[/dim]",
                str(len(application.team)),
                verdict,
                escape("\n".join(found.fixes)),
            )
        console.print(table)
    failing = report.failing
    console.print(
        f"{len(report.checks) - len(failing)} of {len(report.checks)} applications meet "
        "every rule"
        + "".join(f"\n  {rule}: {', '.join(ids)}" for rule, ids in report.by_rule.items()),
        highlight=False,
    )


def _status(console: Console, message: str, show: bool) -> AbstractContextManager[object]:
    """A spinner with ``message`` on ``console`` while the work runs (none unless ``show``)."""
    return console.status(message) if show else nullcontext()


# -- assign ------------------------------------------------------------------------------------


@competition_app.command("assign")
def assign(
    call: CallOpt = None,
    applications: ApplicationsOpt = None,
    solver: Annotated[
        str,
        typer.Option(
            "--solver",
            help="auto (exact when small enough, else fast; minmax/fairflow for the call's "
            "'fair' objective), exact, fast, minmax, fairflow, fairflow_floor, greedy or random.",
        ),
    ] = "auto",
    k: Annotated[
        int | None,
        typer.Option("--k", help="Reviewers per application (default: the call's setting)."),
    ] = None,
    max_load: Annotated[
        int | None,
        typer.Option("--max-load", help="Most applications per reviewer (default: the call's)."),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option("--objective", help="total or fair (default: the call's setting)."),
    ] = None,
    eligible_only: Annotated[
        bool,
        typer.Option(
            "--eligible-only",
            help="Assign reviewers only to the applications whose team meets every rule of the "
            "call (the others are named).",
        ),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random solver.")] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds per MILP stage.")
    ] = 60.0,
    out: Annotated[Path | None, _out_option("the pairs, one row per reviewer")] = None,
    as_json: JsonOpt = False,
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """Assign expert reviewers to a call's applications: most expertise, no conflicts."""
    from matcher.competitions import assign as assign_reviewers
    from matcher.competitions.assignment.registry import SOLVER_NAMES

    _check_out(out)
    if solver not in SOLVER_NAMES:
        raise UsageError(f"--solver {solver!r}: choose one of {', '.join(SOLVER_NAMES)}")
    if objective not in (None, "total", "fair"):
        raise UsageError(f"--objective {objective!r}: choose total or fair")
    dataset, path = _load(data, profiles, calls, institutions, offices, outcomes, applications)
    chosen, _ = _applications(dataset, path, call)
    calls_applied = list(dict.fromkeys(a.call_id for a in chosen))
    if len(calls_applied) > 1:
        raise UsageError(
            f"the applications are to {len(calls_applied)} calls ({', '.join(calls_applied)}): "
            "choose one with --call"
        )
    settings = _settings(dataset, calls_applied[0], k, max_load, objective)
    matcher = fit_matcher(dataset, backend, quiet or as_json)
    console = _console(stderr=True)
    if eligible_only:
        chosen = _eligible(matcher, chosen, console, quiet or as_json)
    working = f"Scoring the experts against {len(chosen)} applications and solving ({solver})…"
    with _status(console, working, not (quiet or as_json)):
        result = assign_reviewers(
            matcher, chosen, solver=solver, seed=seed, settings=settings, time_limit=time_limit
        )
    rows = assignment_rows(dataset, result)
    if out is not None:
        _write_table(out, ASSIGNMENT_COLUMNS, rows)
    if as_json:
        typer.echo(json.dumps(_assignment_payload(result, rows), ensure_ascii=False, indent=2))
        return
    _print_assignment(dataset, chosen, result)
    if out is not None and not quiet:
        console.print(f"[dim]{len(rows)} pairs written to {out}[/dim]")


def _eligible(
    matcher: Matcher, chosen: list[Application], console: Console, quiet: bool
) -> list[Application]:
    """The applications whose team meets every rule; the others named on ``console``."""
    from matcher.competitions import check_competition

    report = check_competition(matcher, chosen, fixes=False)
    failing = {c.application_id: c.rules for c in report.failing}
    if not quiet and failing:
        console.print(
            f"[yellow]{len(failing)} application(s) left out, their team breaking a rule:"
            "[/yellow] "
            + "; ".join(f"{app} ({', '.join(rules)})" for app, rules in failing.items()),
            highlight=False,
        )
    kept = [a for a in chosen if a.id not in failing]
    if not kept:
        raise UsageError("--eligible-only: no application meets every rule of its call")
    return kept


def _settings(
    dataset: Dataset, call_id: str, k: int | None, max_load: int | None, objective: str | None
) -> ReviewSettings:
    changes: dict[str, object] = {}
    if k is not None:
        changes["reviewers_per_application"] = k
    if max_load is not None:
        changes["max_load"] = max_load
    if objective is not None:
        changes["objective"] = objective
    from pydantic import ValidationError

    from matcher.io.locations import explain

    options = {"reviewers_per_application": "--k", "max_load": "--max-load"}
    review = dataset.call(call_id).review
    try:
        # Validated again (model_copy does not): k >= 1, min_load <= max_load.
        return review.model_validate({**review.model_dump(), **changes})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        option = options.get(field, "--k/--max-load")
        raise UsageError(f"{option}: {explain(first)} (call {call_id})") from None


#: The columns of ``assign --out`` (``rank --assignment`` reads the first two).
ASSIGNMENT_COLUMNS = (
    "application_id",
    "reviewer_id",
    "rank",
    "expertise",
    "reviewer",
    "country",
    "institution",
    "evidence",
)


def assignment_rows(dataset: Dataset, result: Assignment) -> list[dict[str, Any]]:
    """One row per assigned pair: :data:`ASSIGNMENT_COLUMNS` (evidence: the reviewer's best
    publications for the application, ``" | "``-separated)."""
    rows = []
    for row in result.to_rows():
        profile = dataset.profile(row["reviewer_id"])
        rows.append(
            {
                **row,
                "reviewer": profile.name,
                "country": profile.country or "",
                "institution": dataset.institution_name(profile.institution),
                "evidence": " | ".join(_evidence(result, row["application_id"], profile.id)),
            }
        )
    return rows


def _evidence(result: Assignment, application_id: str, reviewer_id: str, k: int = 2) -> list[str]:
    if result.scores is None:
        return []
    found = result.scores.evidence(application_id, reviewer_id, k=k)
    return [f"{e.title} ({e.year})" if e.year else e.title for e in found]


def _conflicts(result: Assignment, application_id: str) -> list[str]:
    """Who may not review the application, and why (every reason, ``; ``-separated)."""
    if result.conflicts is None:
        return []
    return [
        f"{reviewer}: {'; '.join(c.detail for c in found)}"
        for app, reviewer, found in result.conflicts.pairs()
        if app == application_id
    ]


def _conflict_lines(dataset: Dataset, result: Assignment, application_id: str) -> list[str]:
    """One short line per excluded reviewer: who, the first reason, the kinds of the rest."""
    if result.conflicts is None:
        return []
    lines = []
    for app, reviewer, found in result.conflicts.pairs():
        if app != application_id:
            continue
        kinds = sorted({c.kind for c in found[1:]})
        more = f" (+{len(found) - 1} more: {', '.join(kinds)})" if len(found) > 1 else ""
        lines.append(f"{dataset.profile(reviewer).name} ({reviewer}): {found[0].detail}{more}")
    return lines


def _assignment_payload(result: Assignment, rows: list[dict[str, Any]]) -> dict[str, Any]:
    low, high = result.load_spread()
    return {
        "call_id": result.call_id,
        "solver": result.solver,
        "optimal": result.optimal,
        "total": result.total,
        "minimum": result.minimum,
        "loads": result.loads,
        "load_spread": [low, high],
        "infeasible": result.infeasible,
        "pairs": rows,
        "conflicts": {
            application_id: _conflicts(result, application_id) for application_id in result.pairs
        },
    }


def _print_assignment(dataset: Dataset, chosen: list[Application], result: Assignment) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    for application in chosen:
        table = Table(
            title=f"{escape(application.title)} [dim]({application.id})[/dim]",
            title_justify="left",
            show_lines=False,
        )
        table.add_column("reviewer")
        table.add_column("where")
        table.add_column("expertise", justify="right")
        table.add_column("evidence (best publications for this application)")
        for reviewer_id in result.pairs.get(application.id, []):
            profile = dataset.profile(reviewer_id)
            table.add_row(
                f"{escape(profile.name)} [dim]({reviewer_id})[/dim]",
                f"{profile.country or '??'} · "
                + escape(_clip(dataset.institution_name(profile.institution), 32)),
                f"{result.expertise[(application.id, reviewer_id)]:.3f}",
                escape("\n".join(_evidence(result, application.id, reviewer_id))),
            )
        console.print(table)
        excluded = _conflict_lines(dataset, result, application.id)
        if excluded:
            shown = "\n  ".join(escape(line) for line in excluded[:5])
            more = f"\n  … and {len(excluded) - 5} more" if len(excluded) > 5 else ""
            console.print(
                f"[dim]Excluded for conflicts of interest ({len(excluded)}):\n  {shown}{more}"
                "[/dim]",
                highlight=False,
            )
    low, high = result.load_spread()
    console.print(
        f"Solver {result.solver}{' (optimal)' if result.optimal else ''}: total expertise "
        f"{result.total:.3f}, worst-served application {result.minimum:.3f}, reviewer loads "
        f"{low}-{high}, {result.seconds:.1f} s",
        highlight=False,
    )
    for reason in result.infeasible:
        console.print(f"[yellow]not assigned in full:[/yellow] {escape(reason)}", highlight=False)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- invented reviews for the demo --------------------------------------------------------------


@competition_app.command("demo-reviews")
def demo_reviews(
    assignment: Annotated[
        Path, typer.Option("--assignment", help="The pairs written by `competition assign`.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Reviews file to write (.csv or .jsonl).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same reviews.")] = 0,
    quiet: QuietOpt = False,
) -> None:
    """Write INVENTED reviews of the assigned pairs, to try `competition rank` on the demo."""
    from matcher.competitions import invent_reviews
    from matcher.io import write_jsonl

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise UsageError(f"--out {out}: name a .csv or a .jsonl file")
    pairs, expertise = read_assignment(assignment)
    reviews = invent_reviews(pairs, seed=seed, expertise=expertise or None)
    if suffix == ".jsonl":
        write_jsonl(reviews, out)
    else:
        _write_table(
            out,
            REVIEW_COLUMNS,
            [{**r.model_dump(), "confidence": r.confidence or ""} for r in reviews],
        )
    if not quiet:
        _console(stderr=True).print(
            f"[bold yellow]{len(reviews)} INVENTED reviews[/bold yellow] written to {out}: "
            "made up for trying `grantmatch competition rank`, not anyone's opinion.",
            highlight=False,
        )


#: The columns of a reviews CSV (the fields of :class:`~matcher.model.Review`).
REVIEW_COLUMNS = ("application_id", "reviewer_id", "score", "confidence", "comment")


def read_assignment(path: Path) -> tuple[dict[str, list[str]], dict[tuple[str, str], float]]:
    """The pairs (and their expertise, when given) of an ``assign --out`` file.

    A CSV needs the columns ``application_id`` and ``reviewer_id`` (``expertise``
    optional; other columns are ignored); a JSON file is a list of such objects.

    Raises
    ------
    InputError
        Located by file, line and field: a missing file or column, an empty id, a pair
        listed twice, an expertise that is not a number.
    """
    from matcher.errors import InputError

    if not path.is_file():
        raise InputError("no such file", path=path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        records = _json_records(text, path)
    else:
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            c for c in ("application_id", "reviewer_id") if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise InputError(f"missing column {missing[0]!r}", path=path, line=1)
        records = [(reader.line_num, dict(row)) for row in reader]
    pairs: dict[str, list[str]] = {}
    expertise: dict[tuple[str, str], float] = {}
    for line, record in records:
        app = str(record.get("application_id") or "").strip()
        reviewer = str(record.get("reviewer_id") or "").strip()
        for name, given in (("application_id", app), ("reviewer_id", reviewer)):
            if not given:
                raise InputError("an id is required", path=path, line=line, field=name)
        if reviewer in pairs.setdefault(app, []):
            raise InputError(
                f"reviewer {reviewer!r} is listed twice for application {app!r}",
                path=path,
                line=line,
                field="reviewer_id",
            )
        pairs[app].append(reviewer)
        stated = record.get("expertise")
        if stated not in (None, ""):
            try:
                expertise[(app, reviewer)] = float(str(stated))
            except ValueError:
                raise InputError(
                    f"{stated!r} is not a number", path=path, line=line, field="expertise"
                ) from None
    if not pairs:
        raise InputError("the file holds no pairs", path=path)
    if expertise and len(expertise) < sum(len(r) for r in pairs.values()):
        expertise = {}  # partial: the invented confidences would not be comparable
    return pairs, expertise


def _json_records(text: str, path: Path) -> list[tuple[int | None, dict[str, Any]]]:
    from matcher.errors import InputError

    try:
        loaded = json.loads(text)
    except ValueError as error:
        raise InputError(f"not JSON: {error}", path=path) from None
    if isinstance(loaded, dict):
        loaded = loaded.get("pairs")
    if not isinstance(loaded, list) or not all(isinstance(item, dict) for item in loaded):
        raise InputError("expected a list of {application_id, reviewer_id} objects", path=path)
    return [(None, item) for item in loaded]


# -- rank --------------------------------------------------------------------------------------


@competition_app.command("rank")
def rank(
    reviews: Annotated[
        Path, typer.Option("--reviews", help="Reviews file (.jsonl, .csv or .parquet).")
    ],
    applications: ApplicationsOpt = None,
    assignment: Annotated[
        Path | None,
        typer.Option(
            "--assignment",
            help="The pairs of `competition assign --out`: warns of missing reviews and of "
            "reviews from reviewers not assigned.",
        ),
    ] = None,
    call: CallOpt = None,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="The score scale LOW-HIGH, e.g. 1-10 (default: the smallest of 0-1, 1-5, "
            "0-5, 1-7, 1-10, 0-10, 1-100, 0-100 holding every score).",
        ),
    ] = None,
    spread: Annotated[
        float | None,
        typer.Option(
            "--spread",
            help="Flag an application when its reviewers' bias-adjusted scores differ by more "
            "than this (default: 40% of the scale).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings (missing or unassigned reviews) as errors."),
    ] = False,
    check_rules: Annotated[
        bool,
        typer.Option(
            "--check/--no-check",
            help="Check each team against its call's rules and mark the applications that "
            "break one (needs the engine; --no-check ranks by the reviews alone).",
        ),
    ] = True,
    out: Annotated[Path | None, _out_option("the ranking")] = None,
    as_json: JsonOpt = False,
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
) -> None:
    """Rank each call's applications by reviewers' scores calibrated for harsh and lenient
    reviewers, with the disagreement flagged and the teams that break a rule marked."""
    from matcher.competitions import rank_applications
    from matcher.competitions.reviews import RANKING_COLUMNS

    _check_out(out)
    bounds = _scale(scale)
    if spread is not None and not spread > 0:
        raise UsageError("--spread must be above 0")
    dataset, path = _load(data, profiles, calls, institutions, offices, outcomes, applications)
    chosen, scores = _applications(dataset, path, call, reviews)
    pairs = None
    if assignment is not None:
        pairs, _ = read_assignment(assignment)
        kept = {a.id for a in chosen}
        pairs = {app: reviewers for app, reviewers in pairs.items() if app in kept or not call}
    broken = _broken_rules(dataset, chosen, backend, quiet or as_json) if check_rules else None
    ranking = rank_applications(
        chosen,
        scores,
        assignment=pairs,
        scale=bounds,
        spread_threshold=spread,
        broken_rules=broken,
    )
    if strict and ranking.warnings:
        raise UsageError(
            f"{len(ranking.warnings)} warning(s) with --strict; the first: {ranking.warnings[0]}"
        )
    if out is not None:
        _write_table(out, RANKING_COLUMNS, ranking.to_rows())
    if as_json:
        typer.echo(json.dumps(ranking_payload(ranking), ensure_ascii=False, indent=2))
        return
    errors = _console(stderr=True)
    if not quiet:
        for warning in ranking.warnings:
            errors.print(f"[yellow]warning:[/yellow] {_escape(warning)}", highlight=False)
    _print_ranking(dataset, ranking)


def _broken_rules(
    dataset: Dataset, chosen: list[Application], backend: str, quiet: bool
) -> dict[str, list[str]]:
    """The rule codes each application's team breaks (the checks of ``check``, no fixes)."""
    from matcher.competitions import check_competition

    matcher = fit_matcher(dataset, backend, quiet)
    report = check_competition(matcher, chosen, fixes=False)
    return {c.application_id: list(c.rules) for c in report.failing}


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _scale(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    low, sep, high = value.partition("-")
    try:
        bounds = (float(low), float(high)) if sep else None
    except ValueError:
        bounds = None
    if bounds is None or not bounds[1] > bounds[0]:
        raise UsageError(f"--scale {value!r}: write LOW-HIGH with LOW below HIGH, e.g. 1-10")
    return bounds


def ranking_payload(ranking: CompetitionRanking) -> dict[str, Any]:
    """The JSON form of a ranking: rows with every review, the biases, the warnings."""
    calibration = ranking.calibration
    return {
        "scale": list(ranking.scale),
        "warnings": ranking.warnings,
        "mean": calibration.mean_ if calibration else None,
        "noise": _finite(calibration.noise_) if calibration else None,
        "biases": dict(sorted(calibration.bias_.items())) if calibration else {},
        "rows": [
            {
                "call_id": row.call_id,
                "rank": row.rank,
                "application_id": row.application_id,
                "title": row.title,
                "calibrated_score": _finite(row.calibrated),
                "std_error": _finite(row.std_error),
                "raw_mean": _finite(row.raw_mean),
                "n_reviews": row.n_reviews,
                "disagreement": row.disagreement,
                "reasons": row.reasons,
                "broken_rules": row.broken_rules,
                "reviews": [
                    {
                        "reviewer_id": r.reviewer_id,
                        "score": r.score,
                        "adjusted": r.adjusted,
                        "bias": r.bias,
                        "confidence": r.confidence,
                    }
                    for r in row.reviews
                ],
            }
            for row in ranking.rows
        ],
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _print_ranking(dataset: Dataset, ranking: CompetitionRanking) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    for call_id in dict.fromkeys(row.call_id for row in ranking.rows):
        table = Table(title=f"{escape(dataset.call(call_id).title)} [{call_id}]")
        table.add_column("rank", justify="right")
        table.add_column("application")
        table.add_column("calibrated", justify="right")
        table.add_column("raw mean", justify="right")
        table.add_column("reviews (raw → adjusted)")
        table.add_column("disagreement")
        if any(row.broken_rules for row in ranking.rows):
            table.add_column("breaks rules")
        for row in ranking.rows:
            if row.call_id != call_id:
                continue
            table.add_row(
                "—" if row.rank is None else str(row.rank),
                f"{escape(_clip(row.title, 48))}\n[dim]{row.application_id}[/dim]",
                "—"
                if row.rank is None
                else f"{row.calibrated:.2f}"
                + (f" ± {row.std_error:.2f}" if math.isfinite(row.std_error) else ""),
                "—" if row.rank is None else f"{row.raw_mean:.2f}",
                "\n".join(
                    f"{r.reviewer_id}: {r.score:g} → {r.adjusted:.1f}"
                    for r in sorted(row.reviews, key=lambda r: r.reviewer_id)
                ),
                "[bold yellow]yes[/bold yellow]: " + escape("; ".join(row.reasons))
                if row.disagreement
                else "",
                *(
                    ["[bold red]" + escape(", ".join(row.broken_rules)) + "[/bold red]"]
                    if any(r.broken_rules for r in ranking.rows)
                    else []
                ),
            )
        console.print(table)
    calibration = ranking.calibration
    if calibration is None:
        console.print("No review could be used: nothing is ranked.")
        return
    biased = sorted((b, r) for r, b in calibration.bias_.items() if calibration.n_reviews_[r] > 1)
    line = f"Scale {ranking.scale[0]:g}-{ranking.scale[1]:g}; {len(ranking.flagged)} flagged."
    single = sum(1 for n in calibration.n_reviews_.values() if n == 1)
    if single:
        line += (
            f" {single} of {len(calibration.n_reviews_)} reviewers gave a single review: their "
            "scores count as given (one score cannot show a harsh or lenient reviewer)."
        )
    if biased:
        harsh, lenient = biased[0], biased[-1]
        line += (
            f" Harshest reviewer {_name(dataset, harsh[1])} ({harsh[0]:+.2f}), most lenient "
            f"{_name(dataset, lenient[1])} ({lenient[0]:+.2f}): their scores are adjusted by "
            "that much."
        )
    console.print(line, highlight=False)


def _name(dataset: Dataset, profile_id: str) -> str:
    from rich.markup import escape

    from matcher.errors import GrantmatchError

    try:
        return f"{escape(dataset.profile(profile_id).name)} ({profile_id})"
    except GrantmatchError:  # a reviewer without a profile (a library caller's reviews)
        return profile_id


def register(app: typer.Typer) -> None:
    """Add ``competition`` and its commands to ``app``."""
    app.add_typer(competition_app, name="competition")

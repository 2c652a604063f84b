"""Relevance and partners: ``grantmatch rank``, ``explain``, ``partners``, ``partners-abroad``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import (
    DEFAULT_BACKEND,
    BackendOpt,
    CallsOpt,
    DataOpt,
    InstitutionsOpt,
    OfficesOpt,
    ProfilesOpt,
    QuietOpt,
    UsageError,
    check_ids,
    fit_matcher,
    load_data,
    split_ids,
)


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
    from api.cli import render
    from api.cli.output import write_rankings

    if top_k < 0:
        raise UsageError("--top-k must be 0 (every pair) or positive")
    dataset = load_data(data, profiles, calls, institutions, offices)
    matcher = fit_matcher(dataset, backend, quiet)
    rows = matcher.rank_all(top_k)
    if only_matches:
        rows = (row for row in rows if row.score >= matcher.match_threshold)
    count = write_rankings(out, rows)
    console = render.make_console(stderr=True)
    for call in dataset.calls:
        if not matcher.abstains(call.id):
            continue
        best = float(matcher.relevance_of(call.id).max()) if dataset.profiles else 0.0
        console.print(
            f"[yellow]no real match for call {call.id}:[/yellow] the best score is "
            f"{best:.3f}, below the match threshold {matcher.match_threshold:.2f}; "
            "its rows are weak matches only",
            highlight=False,
        )
    if not quiet:
        console.print(f"Wrote {count} rows to {out}")


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
    from api.cli import render
    from api.cli.output import write_partner_queries, write_partners
    from matcher.io import read_partner_queries

    if k < 0:
        raise UsageError("--k must be 0 (all) or positive")
    if (queries is None) == (call is None):
        raise UsageError("give either --call with --team, or --queries")
    if call is not None and team is None:
        raise UsageError("--call needs --team ID1,ID2 (the partial team)")
    batch = read_partner_queries(queries) if queries is not None else None
    dataset = load_data(data, profiles, calls, institutions, offices)
    if batch is None:
        check_ids(dataset, [(None, call or "", split_ids(team or ""))])
    else:
        check_ids(dataset, batch)
    matcher = fit_matcher(dataset, backend, quiet)
    if batch is None:
        assert call is not None and team is not None  # checked above
        count = write_partners(out, call, matcher.partners(call, split_ids(team), k))
    else:
        answers = ((qid, cid, matcher.partners(cid, members, k)) for qid, cid, members in batch)
        count = write_partner_queries(out, answers)
    if not quiet:
        render.make_console(stderr=True).print(f"Wrote {count} rows to {out}")


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
    from api.cli import render

    dataset = load_data(data, profiles, calls, institutions, offices)
    check_ids(dataset, [(None, call, [profile])])
    matcher = fit_matcher(dataset, backend, quiet)
    render.make_console().print(render.explanation_panel(dataset, matcher.explain(call, profile)))


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
    from api.cli import render

    dataset = load_data(data, profiles, calls, institutions, offices)
    name = dataset.profile(profile).name  # an unknown id fails here, before the embedding
    matcher = fit_matcher(dataset, backend, quiet)
    suggestions = matcher.partners_abroad(profile, k)
    render.make_console().print(
        render.partners_table(dataset, f"Partners abroad for {name}", suggestions)
    )


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command()(rank)
    app.command()(partners)
    app.command()(explain)
    app.command("partners-abroad")(partners_abroad)

"""Relevance and partners: ``grantmatch rank``, ``explain``, ``partners``, ``partners-abroad``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    UsageError,
    check_ids,
    check_side,
    fit_matcher,
    load_data,
    split_ids,
)

if TYPE_CHECKING:
    from rich.console import Console

    from matcher.engine import Matcher, RankedProfile
    from matcher.partners import PartnerSuggestion


def rank(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    out: Annotated[Path, typer.Option("--out", help="CSV to write.")] = Path("scores.csv"),
    top_k: Annotated[int, typer.Option("--top-k", help="Profiles per call; 0 for all.")] = 10,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
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
    with_eligibility: Annotated[
        bool,
        typer.Option(
            "--with-eligibility",
            help="Add the columns eligible,reachable,reason: whether the profile may join "
            "the call's team, and why not.",
        ),
    ] = False,
    eligible_only: Annotated[
        bool,
        typer.Option(
            "--eligible-only",
            help="Rank only profiles that may join the call's team (eligible under its "
            "rules and reachable by a route): the K best of them.",
        ),
    ] = False,
    side: SideOpt = None,
) -> None:
    """Rank profiles for every call: CSV call_id,profile_id,score,rank.

    A call for which nobody reaches the match threshold (see README, Relevance) is named
    on stderr: its rows are weak matches only. So is a call nobody may join (no profile
    is eligible and reachable), with the rules that exclude them; and, unless
    --with-eligibility or --eligible-only, how many rows are profiles that may not join.
    """
    from rich.markup import escape

    from api.cli import render
    from api.cli.output import write_rankings

    if top_k < 0:
        raise UsageError("--top-k must be 0 (every pair) or positive")
    side = check_side(side)
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    matcher = fit_matcher(dataset, backend, quiet, side=side)
    excluded = 0

    def counted(row: RankedProfile) -> RankedProfile:
        nonlocal excluded
        if not matcher.eligibility(row.call_id, row.profile_id).may_join:
            excluded += 1
        return row

    rows: Iterator[RankedProfile] = matcher.rank_all(top_k, eligible_only=eligible_only)
    if only_matches:
        rows = (row for row in rows if row.score >= matcher.match_threshold)
    if not (with_eligibility or eligible_only):
        rows = map(counted, rows)
    count = write_rankings(out, rows, matcher.eligibility if with_eligibility else None)
    console = render.make_console(stderr=True)
    for call in dataset.calls:
        nobody = matcher.nobody_may_join(call.id)
        if nobody is not None:
            console.print(
                f"[yellow]nobody may join call {escape(call.id)}:[/yellow] {escape(nobody)}",
                highlight=False,
            )
    if excluded:
        console.print(
            f"[yellow]{excluded} of {count} rows are profiles that may not join their "
            "call's team[/yellow] (ineligible under its rules or unreachable); "
            "--with-eligibility adds eligible,reachable,reason columns, --eligible-only "
            "ranks only those who may join",
            highlight=False,
        )
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
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    side: SideOpt = None,
) -> None:
    """The best profiles to add to a partial team for a call (or a batch with --queries)."""
    from rich.markup import escape

    from api.cli import render
    from api.cli.output import write_partner_queries, write_partners
    from matcher.io import read_partner_queries

    if k < 0:
        raise UsageError("--k must be 0 (all) or positive")
    if (queries is None) == (call is None):
        raise UsageError("give either --call with --team, or --queries")
    if call is not None and team is None:
        raise UsageError("--call needs --team ID1,ID2 (the partial team)")
    side = check_side(side)
    batch = read_partner_queries(queries) if queries is not None else None
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    if batch is None:
        check_ids(dataset, [(None, call or "", split_ids(team or ""))])
    else:
        check_ids(dataset, batch)
    matcher = fit_matcher(dataset, backend, quiet, side=side)
    asked = [(None, call or "", split_ids(team or ""))] if batch is None else list(batch)
    blocked = _calls_nobody_may_join(matcher, [cid for _, cid, _ in asked])
    console = render.make_console(stderr=True)
    for call_id, reason in blocked.items():
        console.print(
            f"[yellow]no partner can be suggested for call {escape(call_id)}:[/yellow] "
            f"{escape(reason)}",
            highlight=False,
        )
    if asked and all(cid in blocked for _, cid, _ in asked):
        # Not one query can be answered, whatever the team: the calls' rules exclude every
        # profile in the data (e.g. member_kinds left at "researcher" over organisations).
        raise UsageError(
            "no partner can be suggested for any query: nobody in the data may join "
            + ", ".join(blocked)
            + " (reasons above); no output written"
        )
    if batch is None:
        assert call is not None and team is not None  # checked above
        suggestions = matcher.partners(call, split_ids(team), k)
        _note_empty(console, None, call, suggestions, blocked)
        count = write_partners(out, call, suggestions)
    else:
        answers = []
        for qid, cid, members in batch:
            suggestions = matcher.partners(cid, members, k)
            _note_empty(console, qid, cid, suggestions, blocked)
            answers.append((qid, cid, suggestions))
        count = write_partner_queries(out, answers)
    if not quiet:
        console.print(f"Wrote {count} rows to {out}")


def _calls_nobody_may_join(matcher: Matcher, call_ids: list[str]) -> dict[str, str]:
    """Per call (in first-asked order) that no profile may join, the reason."""
    blocked: dict[str, str] = {}
    for call_id in dict.fromkeys(call_ids):
        reason = matcher.nobody_may_join(call_id)
        if reason is not None:
            blocked[call_id] = reason
    return blocked


def _note_empty(
    console: Console,
    query_id: str | None,
    call_id: str,
    suggestions: list[PartnerSuggestion],
    blocked: dict[str, str],
) -> None:
    """Name on stderr a query that gets no suggestion although its call has candidates."""
    from rich.markup import escape

    if suggestions or call_id in blocked:
        return
    which = f"query {query_id} (call {call_id})" if query_id is not None else f"call {call_id}"
    console.print(
        f"[yellow]no partner left for {escape(which)}:[/yellow] every eligible, reachable "
        "profile is in the team, declares a conflict with it, or is at an institution "
        "already at the call's per-institution cap",
        highlight=False,
    )


def explain(
    call: Annotated[str, typer.Option("--call", help="Call id.")],
    profile: Annotated[str, typer.Option("--profile", help="Profile id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    side: SideOpt = None,
) -> None:
    """Why a profile scores what it scores for a call: parts, publications, keywords, and
    whether it may join the call's team from the side (--side)."""
    from api.cli import render

    side = check_side(side)
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    check_ids(dataset, [(None, call, [profile])])
    matcher = fit_matcher(dataset, backend, quiet, side=side)
    render.make_console().print(render.explanation_panel(dataset, matcher.explain(call, profile)))


def partners_abroad(
    profile: Annotated[str, typer.Option("--profile", help="Researcher id.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    k: Annotated[int, typer.Option("--k", help="How many.")] = 10,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    side: SideOpt = None,
) -> None:
    """The best partners in other countries for one researcher, and how to reach them
    from the side (--side)."""
    from api.cli import render

    side = check_side(side)
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    name = dataset.profile(profile).name  # an unknown id fails here, before the embedding
    matcher = fit_matcher(dataset, backend, quiet, side=side)
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

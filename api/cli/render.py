"""Readable terminal output of rankings, explanations, teams and partner lists (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.model import Call, Route, Team
from matcher.partners import PartnerSuggestion
from matcher.relevance import Explanation
from matcher.routes import home_countries, infer_home_country
from matcher.teams import Candidate, TeamResult
from matcher.whatif import WhatIfReport

ROUTE_LABELS = {
    "domestic": "home",
    "collaboration": "past collaboration",
    "office_partner": "office partner",
    "agreement": "agreement",
    "office": "office",
    "open": "open",
}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _who(dataset: Dataset, profile_id: str) -> str:
    profile = dataset.profile(profile_id)
    return f"{profile.name} [dim]({profile_id})[/dim]"


def _where(dataset: Dataset, profile_id: str) -> str:
    profile = dataset.profile(profile_id)
    institution = _clip(dataset.institution_name(profile.institution), 38)
    return f"{profile.country or '??'} · {institution}"


def route_text(route: Route) -> str:
    cost = f" [dim](cost {route.cost:.2f})[/dim]" if route.kind != "domestic" else ""
    return f"{ROUTE_LABELS[route.kind]}: {route.description}{cost}"


def call_header(call: Call) -> Text:
    rules = call.rules
    countries = ", ".join(f"{c}≥{n}" for c, n in rules.required_countries.items()) or "any"
    funder = f" — {call.funder}" if call.funder else ""
    text = Text()
    text.append(f"{call.title}", style="bold")
    text.append(f" [{call.id}]{funder}\n", style="dim")
    text.append(
        f"team {rules.min_team_size}-{rules.max_team_size}, required countries: {countries}"
        + (
            f", max {rules.max_per_institution} per institution"
            if rules.max_per_institution
            else ""
        )
        + (f", lead from {', '.join(rules.lead_countries)}" if rules.lead_countries else ""),
        style="dim",
    )
    admits = [" and ".join(f"{kind}s" for kind in rules.member_kinds)]
    if rules.eligible_countries is not None:
        admits.append("from " + ", ".join(rules.eligible_countries))
    if rules.eligible_consortia is not None:
        admits.append("in consortia " + ", ".join(rules.eligible_consortia))
    text.append("\nadmits " + " ".join(admits), style="dim")
    return text


def pool_line(may_join: int, total: int, nobody: str | None) -> Text:
    """How many profiles may join a call's team (eligible and reachable), or why none."""
    if nobody is not None:
        return Text(f"Nobody may join this call: {nobody}", style="bold yellow")
    return Text(
        f"{may_join} of {total} profiles may join (eligible under the rules and reachable)",
        style="dim",
    )


def candidates_table(
    dataset: Dataset, ranking: list[Candidate], explanations: dict[str, Explanation]
) -> Table:
    table = Table(title="Best eligible, reachable candidates", title_justify="left", expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("score", justify="right", width=6)
    table.add_column("candidate", ratio=2)
    table.add_column("where", ratio=2)
    table.add_column("strongest evidence", ratio=4)
    table.add_column("route", ratio=1)
    for rank, candidate in enumerate(ranking, start=1):
        explanation = explanations.get(candidate.profile.id)
        evidence = ""
        if explanation and explanation.publications:
            best = explanation.publications[0]
            year = f" ({best.year})" if best.year else ""
            evidence = f"{_clip(best.title, 70)}{year} [dim]sim {best.similarity:.2f}[/dim]"
        table.add_row(
            str(rank),
            f"{candidate.relevance:.3f}",
            _who(dataset, candidate.profile.id),
            _where(dataset, candidate.profile.id),
            evidence,
            ROUTE_LABELS[candidate.route.kind],
        )
    return table


def team_panel(dataset: Dataset, result: TeamResult) -> Panel | Group:
    """The suggested teams of a call (best first), or why none exists and what to relax."""
    if result.team is None:
        body = Text("No team satisfies the call's rules:\n", style="bold red")
        for reason in result.reasons:
            body.append(f" • {reason}\n")
        if result.relaxations:
            body.append("Smallest relaxations under which a team exists:\n", style="bold")
            for relaxation in result.relaxations:
                body.append(
                    f" • {relaxation.description} → team of {len(relaxation.team.members)}, "
                    f"objective {relaxation.objective:.3f}\n"
                )
        return Panel(body, title="Suggested team", title_align="left")
    panels = [
        _one_team_panel(dataset, team, number) for number, team in enumerate(result.teams, start=1)
    ]
    return panels[0] if len(panels) == 1 else Group(*panels)


def _one_team_panel(dataset: Dataset, team: Team, number: int) -> Panel:
    table = Table(expand=True, show_edge=False)
    table.add_column("role", width=6)
    table.add_column("member", ratio=2)
    table.add_column("where", ratio=2)
    table.add_column("rel.", justify="right", width=5)
    table.add_column("how they are reached", ratio=3)
    table.add_column("covers", ratio=2)
    for member in team.members:
        table.add_row(
            member.role,
            _who(dataset, member.profile_id),
            _where(dataset, member.profile_id),
            f"{member.relevance:.2f}",
            route_text(member.route),
            _clip("; ".join(member.covers), 60),
        )
    parts = ", ".join(f"{name} {value:+.3f}" for name, value in team.parts.items())
    footer = Text()
    footer.append(f"Objective parts: {parts}\n", style="dim")
    footer.append("Rules met: " + "; ".join(team.rules_satisfied), style="dim")
    for note in team.notes:
        footer.append(f"\n{note}", style="italic")
    title = "Suggested team" if number == 1 else f"Alternative {number - 1}"
    return Panel(
        Group(table, footer),
        title=f"{title} (objective {team.objective:.3f}, solver {team.solver})",
        title_align="left",
    )


def whatif_table(report: WhatIfReport) -> Table:
    """Every call before and after a what-if change."""
    table = Table(
        title=f"What if: {report.change} — viable calls {report.viable_before} → "
        f"{report.viable_after}",
        title_justify="left",
        expand=True,
    )
    table.add_column("call", ratio=2)
    table.add_column("before", ratio=1)
    table.add_column("after", ratio=1)
    table.add_column("change", ratio=2)
    for row in report.rows:
        before = f"{row.before.objective:.3f}" if row.before.feasible else "no team"
        after = f"{row.after.objective:.3f}" if row.after.feasible else "no team"
        if row.gained:
            change = "[green]gains a viable team[/green]"
        elif row.lost:
            change = "[red]loses its team[/red]"
        elif row.improvement is not None and abs(row.improvement) > 1e-9:
            change = f"objective {row.improvement:+.3f}"
        else:
            change = "[dim]no change[/dim]"
        table.add_row(row.call_id, before, after, change)
    return table


def explanation_panel(dataset: Dataset, explanation: Explanation) -> Panel:
    profile = dataset.profile(explanation.profile_id)
    call = dataset.call(explanation.call_id)
    text = Text()
    text.append(f"{profile.name} ({profile.id}) for {call.title} ({call.id})\n", style="bold")
    text.append(f"score {explanation.score:.3f} = weighted mean of ")
    text.append(", ".join(f"{name} {value:.3f}" for name, value in explanation.parts.items()))
    text.append("\n")
    eligibility = explanation.eligibility
    relevant = explanation.reaches_threshold
    if explanation.is_match:
        verdict = "a real match"
    elif relevant:
        verdict = "relevant (above the match threshold) but may not join this call"
    else:
        verdict = "below the match threshold"
    text.append(f"{verdict} (threshold {explanation.match_threshold:.2f})\n")
    if eligibility is not None:
        text.append("Eligibility: ", style="bold")
        if eligibility.may_join:
            assert eligibility.route is not None  # reachable
            route = eligibility.route
            text.append(
                f"eligible and reachable ({ROUTE_LABELS[route.kind]}: {route.description})\n"
            )
        else:
            label = "not eligible" if not eligibility.eligible else "eligible, not reachable"
            text.append(f"{label}: {eligibility.reason}\n", style="bold red")
    if explanation.call_abstains:
        text.append(
            "Nobody in the pool reaches the threshold for this call: its best candidates are "
            "weak matches only.\n",
            style="bold yellow",
        )
    if explanation.publications:
        counted = explanation.counted_publications
        how = explanation.aggregation or f"best {counted}"
        text.append(f"Publications ({how}; similarity", style="bold")
        if explanation.lexical_weight > 0:
            text.append(
                f" = dense/lexical blend, lexical {explanation.lexical_weight:g}", style="bold"
            )
        text.append("):\n", style="bold")
        for rank, publication in enumerate(explanation.publications, start=1):
            marker = "*" if rank <= counted else " "
            year = f" ({publication.year})" if publication.year else ""
            text.append(f" {marker} {publication.similarity:.3f}  {publication.title}{year}\n")
            if explanation.lexical_weight > 0:
                text.append(
                    f"        dense {publication.dense:.3f}, lexical {publication.lexical:.3f}\n",
                    style="dim",
                )
            if publication.covers:
                shown = [
                    part if len(part) <= 60 else part[:59] + "…" for part in publication.covers
                ]
                text.append("        covers: " + "; ".join(shown) + "\n")
    if explanation.matched_keywords:
        text.append("Keywords shared with the call: ", style="bold")
        text.append(", ".join(explanation.matched_keywords) + "\n")
    if explanation.call_parts:
        text.append("Parts of the call covered by this profile's evidence:\n", style="bold")
        for part, value in zip(explanation.call_parts, explanation.part_coverage, strict=False):
            text.append(f"  {value:.2f}  [{part.kind}] {part.text}\n")
    return Panel(text, title="Why this score", title_align="left")


def partners_table(dataset: Dataset, title: str, suggestions: list[PartnerSuggestion]) -> Table:
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("score", justify="right", width=6)
    table.add_column("partner", ratio=2)
    table.add_column("where", ratio=2)
    table.add_column("why", ratio=4)
    for rank, suggestion in enumerate(suggestions, start=1):
        why = [f"similarity {suggestion.relevance:.2f}"]
        if suggestion.joint_works:
            why.append(f"{suggestion.joint_works} joint work(s)")
        if suggestion.fills_country:
            profile = dataset.profile(suggestion.profile_id)
            why.append(f"fills the {profile.country} requirement")
        why.append(route_text(suggestion.route))
        table.add_row(
            str(rank),
            f"{suggestion.score:.3f}",
            _who(dataset, suggestion.profile_id),
            _where(dataset, suggestion.profile_id),
            "; ".join(why),
        )
    return table


def dataset_summary(dataset: Dataset) -> str:
    countries = sorted({p.country for p in dataset.profiles if p.country})
    open_offices = [o for o in dataset.offices if o.status == "open"]
    other = [o for o in dataset.offices if o.status != "open"]
    lines = [
        f"{len(dataset.profiles)} profiles in {len(countries)} countries "
        f"({', '.join(countries)}), {len(dataset.institutions)} institutions, "
        f"{len(dataset.calls)} calls",
        f"{len(open_offices)} open offices: "
        + ", ".join(
            f"{o.name} ({country_name(o.country)}, run from {o.home_country})" for o in open_offices
        ),
    ]
    if other:
        lines.append(
            "not open: " + ", ".join(f"{o.name} ({o.status})" for o in other),
        )
    sides = home_countries(dataset.offices)
    if len(sides) > 1:
        # An office is a route only for the side it is run from: say which side uses it.
        default = infer_home_country(dataset.offices)
        lines.append(
            "points of view: "
            + ", ".join(
                f"{side} ({count} office{'s' if count != 1 else ''}"
                f"{', default' if side == default else ''})"
                for side, count in sorted(sides.items())
            )
            + "; an office is a route from its own home country's side (--side CC)"
        )
    if dataset.outcomes:
        ties = sum(outcome.is_tie for outcome in dataset.outcomes)
        lines.append(
            f"{len(dataset.outcomes)} recorded outcomes ({ties} evidence of collaboration)"
        )
    return "\n".join(lines)


def make_console(stderr: bool = False) -> Console:
    """A console that stays readable when piped (wide enough for the tables)."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=140)
    return console

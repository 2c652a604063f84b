"""A solver's selection back into a :class:`~matcher.model.Team`.

The team carries each member's role, relevance, route and the parts of the call it
covers, the objective and its parts, the rules it meets with the team's actual figures,
and notes on how well it covers the call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from matcher.model import Call, Profile, Route, Team, TeamMember
from matcher.routes import RouteFinder
from matcher.solvers import Selection
from matcher.teams.encoding import EncodedTeam
from matcher.teams.objective import TeamObjective, lead_seniority
from matcher.teams.pool import Candidate


def decode_team(
    encoded: EncodedTeam,
    selection: Selection,
    solver: str,
    routes: RouteFinder,
    objective: TeamObjective,
) -> Team:
    """The :class:`Team` of a solver's selection, with routes, parts and coverage."""
    call, shortlist, problem = encoded.call, encoded.shortlist, encoded.problem
    chosen = [shortlist[i] for i in selection.members]
    team_profiles = [c.profile for c in chosen]
    covers = covered_parts(encoded, selection.members, objective.covers_threshold)
    members = []
    for position, candidate in zip(selection.members, chosen, strict=True):
        members.append(
            TeamMember(
                profile_id=candidate.profile.id,
                role="lead" if position == selection.lead else "member",
                relevance=candidate.relevance,
                country=candidate.profile.country,
                institution=candidate.profile.institution,
                route=_route_within_team(candidate, team_profiles, routes),
                covers=covers.get(position, []),
            )
        )
    members.sort(key=lambda m: (m.role != "lead", -m.relevance))
    solved = selection.objective_parts(problem)
    parts = {
        "relevance": float(sum(c.relevance for c in chosen)),
        "route_cost": -objective.route_weight * float(sum(c.route.cost for c in chosen)),
        "size_threshold": -encoded.threshold * len(chosen),
        "lead": solved["lead"],
    }
    lead = shortlist[selection.lead].profile
    seniority = lead_seniority(call, lead)
    if objective.lead_seniority_weight > 0:
        parts["lead_seniority"] = objective.lead_seniority_weight * seniority
        parts["lead"] = solved["lead"] - parts["lead_seniority"]
    for name in ("coverage", "diversity"):
        if name in solved:
            parts[name] = solved[name]
    return Team(
        call_id=call.id,
        members=members,
        objective=selection.objective(problem),
        parts=parts,
        rules_satisfied=describe_rules(call, team_profiles, members),
        solver=solver,
        notes=[
            _lead_note(lead, seniority),
            *coverage_notes(encoded, selection.members, objective.covers_threshold),
        ],
    )


def _lead_note(lead: Profile, seniority: float) -> str:
    stage = f"{lead.career_stage} career" if lead.career_stage else "career stage unknown"
    works = len(lead.publications)
    return (
        f"lead {lead.id}: {stage}, {works} publication{'s' if works != 1 else ''} "
        f"(seniority {seniority:.2f})"
    )


def _route_within_team(candidate: Candidate, team: list[Profile], routes: RouteFinder) -> Route:
    """The candidate's route, described relative to the team chosen where that is closer
    (e.g. a past collaboration with a teammate instead of an office)."""
    others = [p for p in team if p.id != candidate.profile.id]
    route = routes.route(candidate.profile, others)
    if route is None or route.cost > candidate.route.cost:
        return candidate.route
    return route


def covered_parts(
    encoded: EncodedTeam, members: list[int], covers_threshold: float
) -> dict[int, list[str]]:
    """Per chosen position, the parts of the call it covers best in the team."""
    if encoded.coverage is None or not members:
        return {}
    block = encoded.coverage[members]
    best = np.argmax(block, axis=0)
    covers: dict[int, list[str]] = {}
    for part, row in enumerate(best):
        if block[row, part] >= covers_threshold:
            covers.setdefault(members[int(row)], []).append(encoded.part_texts[part])
    return covers


def coverage_notes(encoded: EncodedTeam, members: list[int], covers_threshold: float) -> list[str]:
    """How many parts of the call the team covers, and the first few it covers weakly."""
    if encoded.coverage is None or not members:
        return []
    best = encoded.coverage[members].max(axis=0)
    covered = best >= covers_threshold
    notes = [f"covers {int(covered.sum())} of {len(best)} parts of the call"]
    missing = [text for text, ok in zip(encoded.part_texts, covered, strict=True) if not ok]
    if missing:
        notes.append("weakly covered: " + "; ".join(missing[:5]))
    return notes


def describe_rules(
    call: Call, profiles: Sequence[Profile], members: Sequence[TeamMember]
) -> list[str]:
    """One line per rule of ``call`` that the team meets, with the team's actual figures."""
    rules = call.rules
    lines = [f"team size {len(profiles)} within {rules.min_team_size}-{rules.max_team_size}"]
    countries = Counter(p.country for p in profiles)
    for country, needed in rules.required_countries.items():
        lines.append(f"{countries[country]} member(s) from {country} (at least {needed})")
    if rules.eligible_countries is not None:
        lines.append(f"all members from eligible countries {', '.join(rules.eligible_countries)}")
    if rules.max_per_institution is not None:
        busiest = max(Counter(p.institution for p in profiles).values())
        lines.append(f"at most {busiest} per institution (cap {rules.max_per_institution})")
    stages = Counter(p.career_stage for p in profiles)
    for stage, needed in rules.min_career_stage_counts.items():
        lines.append(f"{stages[stage]} {stage}-career member(s) (at least {needed})")
    lead = next(m for m in members if m.role == "lead")
    if rules.lead_countries is not None or rules.lead_career_stages is not None:
        lines.append(f"lead {lead.profile_id} meets the lead rules")
    return lines

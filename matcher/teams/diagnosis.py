"""Why a call has no team: which rules the reachable pool cannot meet, in words."""

from __future__ import annotations

from collections import Counter

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.model import Call
from matcher.routes import RouteFinder
from matcher.teams.pool import Candidate, eligibility_problem, may_lead


def diagnose(
    call: Call,
    pool: list[Candidate],
    pinned: set[str],
    dataset: Dataset,
    routes: RouteFinder,
) -> list[str]:
    """Which rules the reachable pool cannot meet, and what would relax them."""
    rules = call.rules
    reasons: list[str] = []
    if len(pool) < rules.min_team_size:
        reasons.append(
            f"only {len(pool)} eligible, reachable candidates; the call needs at least "
            f"{rules.min_team_size} members"
        )
    counts = Counter(c.profile.country for c in pool)
    for country, needed in rules.required_countries.items():
        if counts[country] < needed:
            reasons.append(
                country_shortfall(call, country, needed, counts[country], dataset, routes)
            )
    stages = Counter(c.profile.career_stage for c in pool)
    for stage, needed in rules.min_career_stage_counts.items():
        if stages[stage] < needed:
            reasons.append(
                f"needs at least {needed} {stage}-career members; the reachable pool has "
                f"{stages[stage]}"
            )
    if not any(may_lead(call, c.profile) for c in pool):
        reasons.append("no reachable candidate satisfies the lead rules")
    if rules.max_per_institution is not None:
        institutions = Counter(c.profile.institution for c in pool)
        capped = sum(
            min(n, rules.max_per_institution) if inst else n for inst, n in institutions.items()
        )
        if capped < rules.min_team_size:
            reasons.append(
                f"with at most {rules.max_per_institution} members per institution only "
                f"{capped} can be chosen; raise the per-institution cap"
            )
    if len(pinned) > rules.max_team_size:
        reasons.append(f"{len(pinned)} pinned profiles exceed max_team_size")
    if not reasons:
        reasons.append(
            "the rules cannot all be met at once by this pool (each is satisfiable alone); "
            "relax the per-institution cap, the office capacities or the pins"
        )
    return reasons


def country_shortfall(
    call: Call,
    country: str,
    needed: int,
    reachable: int,
    dataset: Dataset,
    routes: RouteFinder,
) -> str:
    """Why too few members from ``country`` can be reached, and which office would help."""
    name = country_name(country)
    message = (
        f"needs at least {needed} member(s) from {name} ({country}); {reachable} eligible "
        "candidate(s) can be reached"
    )
    unreached = [
        p
        for p in dataset.profiles
        if p.country == country
        and eligibility_problem(call, p, dataset) is None
        and routes.route(p) is None
    ]
    if not unreached:
        return message + f", and the data has no other eligible candidates in {name}"
    closed = [
        o
        for o in dataset.offices
        if o.country == country and not routes.office_is_open(o) and routes.serves_side(o)
    ]
    if closed:
        office = closed[0]
        return (
            message + f"; {len(unreached)} more are reachable only through {office.name}, "
            f"which is {office.status} (what-if: open office {office.id})"
        )
    # An office there run from another country serves that side only.
    others = sorted(
        {o.home_country for o in dataset.offices if o.country == country}
        - {routes.home_country or ""}
    )
    elsewhere = f"; offices there run from {', '.join(others)} serve that side" if others else ""
    return (
        message + f"; {len(unreached)} more have no route from the {routes.home_country} side "
        f"(no open office of that side in {name}, no agreement, no past collaboration"
        f"{elsewhere})"
    )

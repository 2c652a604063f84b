"""The demo's promise about its world: every call can be staffed through the routes it names.

Not a reference rule (those belong to :func:`matcher.load_dataset`): a world that breaks
this promise still loads, but the demo's walkthrough would not work on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from matcher.model import Call, Profile

from .dataset import World
from .tables import HOME_COUNTRY

# Calls that can only be staffed once a negotiating office opens (the "what if" of the demo).
WHAT_IF_CALLS = {"c-ru-by-materials": "off-kuzbass-by"}
# Routes that do not depend on how an engine treats an office's whole host country.
STRICT_ROUTES = frozenset({"domestic", "collaboration", "office_partner", "agreement"})


def route_to(profile: Profile, world: World, open_offices: set[str]) -> str | None:
    """How a profile is reached from Russia: the best route, or ``None``.

    ``domestic`` (Russian), ``collaboration`` (joint work with a Russian profile),
    ``office_partner`` (its institution is a partner of an open office), ``agreement`` (its
    institution signed an agreement with a Russian one), ``office`` (an open office in its
    country, without a partnership: the weakest route).
    """
    profiles, institutions = world.profile_index, world.institution_index
    if profile.country == HOME_COUNTRY:
        return "domestic"
    if any(c in profiles and profiles[c].country == HOME_COUNTRY for c in profile.collaborators):
        return "collaboration"
    open_now = [o for o in world.offices if o.id in open_offices]
    if any(profile.institution in o.partner_institutions for o in open_now):
        return "office_partner"
    inst = institutions.get(profile.institution or "")
    if inst is not None and any(
        a in institutions and institutions[a].country == HOME_COUNTRY for a in inst.agreements
    ):
        return "agreement"
    if any(o.country == profile.country for o in open_now):
        return "office"
    return None


def open_office_ids(world: World, also_open: Iterable[str] = ()) -> set[str]:
    """Ids of the offices open now, plus ``also_open`` (a what-if)."""
    return {o.id for o in world.offices if o.status == "open"} | set(also_open)


def call_candidates(
    call: Call, world: World, open_offices: set[str], routes: frozenset[str] = STRICT_ROUTES
) -> list[Profile]:
    """Profiles on the call's topic that its rules admit and that a route reaches."""
    rules = call.rules
    topics = set((call.model_extra or {}).get("topics", []))
    consortia = set(rules.eligible_consortia or ())
    members = {i.id for i in world.institutions if consortia & set(i.consortia)}
    return [
        p
        for p in world.profiles
        if p.kind in rules.member_kinds
        and rules.country_is_eligible(p.country)
        and topics & set((p.model_extra or {}).get("topics", []))
        and (not consortia or p.institution in members)
        and route_to(p, world, open_offices) in routes
    ]


def team_meets_rules(call: Call, team: Sequence[Profile]) -> bool:
    """Whether ``team`` (lead first) satisfies every rule of the call."""
    rules = call.rules
    countries = Counter(p.country for p in team)
    stages = Counter(p.career_stage for p in team)
    per_institution = Counter(p.institution for p in team)
    lead = team[0] if team else None
    return (
        rules.min_team_size <= len(team) <= rules.max_team_size
        and len({p.id for p in team}) == len(team)
        and all(countries[c] >= k for c, k in rules.required_countries.items())
        and all(stages[s] >= k for s, k in rules.min_career_stage_counts.items())
        and all(rules.country_is_eligible(p.country) and p.kind in rules.member_kinds for p in team)
        and (
            rules.max_per_institution is None
            or max(per_institution.values()) <= rules.max_per_institution
        )
        and lead is not None
        and (rules.lead_countries is None or lead.country in rules.lead_countries)
        and (rules.lead_career_stages is None or lead.career_stage in rules.lead_career_stages)
    )


def find_team(call: Call, pool: Sequence[Profile]) -> list[Profile] | None:
    """A greedy team meeting the call's rules from ``pool`` (lead first), or ``None``."""
    rules = call.rules
    pool = sorted(pool, key=lambda p: p.id)
    leads = [
        p
        for p in pool
        if (rules.lead_countries is None or p.country in rules.lead_countries)
        and (rules.lead_career_stages is None or p.career_stage in rules.lead_career_stages)
    ]
    for lead in leads[:25]:
        team = [lead]

        def can_add(p: Profile, team: list[Profile] = team) -> bool:
            same_institution = sum(m.institution == p.institution for m in team)
            return (
                p.id not in {m.id for m in team}
                and len(team) < rules.max_team_size
                and (
                    rules.max_per_institution is None
                    or same_institution < rules.max_per_institution
                )
            )

        for country, need in sorted(rules.required_countries.items()):
            for p in pool:
                if sum(m.country == country for m in team) >= need:
                    break
                if p.country == country and can_add(p):
                    team.append(p)
        for stage, need in sorted(rules.min_career_stage_counts.items()):
            for p in pool:
                if sum(m.career_stage == stage for m in team) >= need:
                    break
                if p.career_stage == stage and can_add(p):
                    team.append(p)
        for p in pool:
            if len(team) >= rules.min_team_size:
                break
            if can_add(p):
                team.append(p)
        if team_meets_rules(call, team):
            return team
    return None


def check_calls(world: World, what_if: dict[str, str] = WHAT_IF_CALLS) -> None:
    """Every call can be staffed through strict routes; a what-if call only with its office.

    Not a reference rule (those belong to :func:`matcher.load_dataset`, see
    :func:`.dataset.write_validated`): this is the promise the demo makes about its world.
    """
    for call in world.calls:
        opened = open_office_ids(world)
        team = find_team(call, call_candidates(call, world, opened))
        office = what_if.get(call.id)
        if office is None and team is None:
            raise ValueError(f"call {call.id} cannot be staffed")
        if office is not None:
            if team is not None:
                raise ValueError(f"call {call.id} is staffed without opening {office}")
            opened = open_office_ids(world, [office])
            if find_team(call, call_candidates(call, world, opened)) is None:
                raise ValueError(f"call {call.id} cannot be staffed even with {office} open")

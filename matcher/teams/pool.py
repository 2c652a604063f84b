"""Who may join a call's team: eligibility, the reachable pool, the shortlist, the threshold.

A call's *pool* is every profile that is eligible under its rules and reachable by a
route; the solver sees a *shortlist* of it (the best of the pool, plus the best of every
group a rule counts, plus the pins). The *member threshold* is what a member must bring to
be worth adding beyond the minimum team size.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.errors import GrantmatchError
from matcher.model import Call, Profile, Route
from matcher.routes import RouteFinder
from matcher.teams.objective import TeamObjective


@dataclass(frozen=True)
class Candidate:
    """A profile that may join the call's team, with its relevance and route."""

    profile: Profile
    relevance: float
    route: Route


class TeamRulesError(GrantmatchError):
    """The user's pins or bans contradict the data (a pinned profile that is ineligible)."""


@dataclass(frozen=True)
class Ineligibility:
    """Why a profile may not join a call's team: the rule (a ``CallRules`` field, or
    ``capacity``) and the sentence naming the rule and the profile's value."""

    rule: str
    reason: str


def _plural(kind: str) -> str:
    return "researchers" if kind == "researcher" else "organizations"


def ineligibility(call: Call, profile: Profile, dataset: Dataset) -> Ineligibility | None:
    """The first rule of ``call`` that ``profile`` fails, and why (``None`` when it may join).

    The one place the eligibility rules are written: the member kinds, the eligible
    countries, the eligible consortia and the profile's capacity. Rounds vectorise the
    same rules (:mod:`matcher.rounds.pools`), and tests hold the two equal.
    """
    rules = call.rules
    if profile.kind not in rules.member_kinds:
        admitted = " and ".join(_plural(kind) for kind in rules.member_kinds)
        only = " only" if len(rules.member_kinds) == 1 else ""
        return Ineligibility(
            "member_kinds", f"member kind {profile.kind}: the call admits {admitted}{only}"
        )
    if not rules.country_is_eligible(profile.country):
        allowed = ", ".join(rules.eligible_countries or ())
        if profile.country is None:
            reason = f"country unknown: the call admits members from {allowed} only"
        else:
            reason = (
                f"country {profile.country} is not among the call's eligible countries {allowed}"
            )
        return Ineligibility("eligible_countries", reason)
    if rules.eligible_consortia is not None:
        institution = dataset.institution(profile.institution) if profile.institution else None
        consortia = set(institution.consortia) if institution else set()
        if not consortia & set(rules.eligible_consortia):
            wanted = ", ".join(rules.eligible_consortia)
            if profile.institution is None:
                where = "no institution"
            elif institution is None:
                where = f"institution {profile.institution} (not in the institutions file)"
            else:
                member_of = ", ".join(sorted(consortia)) or "no consortium"
                where = f"institution {institution.id} ({member_of})"
            return Ineligibility(
                "eligible_consortia",
                f"{where} is not in the call's eligible consortia {wanted}",
            )
    if profile.capacity < 1:
        return Ineligibility("capacity", "capacity 0: no team left to join this round")
    return None


def eligibility_problem(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    """Why ``profile`` may not join a team for ``call`` (``None`` when it may); the reason
    of :func:`ineligibility`."""
    problem = ineligibility(call, profile, dataset)
    return None if problem is None else problem.reason


def may_lead(call: Call, profile: Profile) -> bool:
    """Whether ``profile`` meets the call's lead rules (lead countries and career stages)."""
    rules = call.rules
    if rules.lead_countries is not None and profile.country not in rules.lead_countries:
        return False
    return rules.lead_career_stages is None or profile.career_stage in rules.lead_career_stages


def reachable_candidates(
    dataset: Dataset,
    routes: RouteFinder,
    call: Call,
    relevance: npt.NDArray[np.float32],
    exclude: Collection[str] = (),
) -> list[Candidate]:
    """Eligible, reachable profiles for ``call`` (``relevance`` aligned with profiles)."""
    pool: list[Candidate] = []
    for position, profile in enumerate(dataset.profiles):
        if profile.id in exclude:
            continue
        if eligibility_problem(call, profile, dataset) is not None:
            continue
        route = routes.route(profile)
        if route is not None:
            pool.append(Candidate(profile, float(relevance[position]), route))
    return pool


def check_pins(dataset: Dataset, call: Call, pinned: set[str], pool: list[Candidate]) -> None:
    """Raise :class:`TeamRulesError` for the first pinned profile outside ``pool``, and why."""
    in_pool = {candidate.profile.id for candidate in pool}
    for profile_id in sorted(pinned - in_pool):
        profile = dataset.profile(profile_id)
        problem = eligibility_problem(call, profile, dataset)
        reason = f"is not eligible: {problem}" if problem else "cannot be reached by any route"
        raise TeamRulesError(f"pinned profile {profile_id} ({profile.name}) {reason}")


def lead_stage_groups(call: Call, objective: TeamObjective) -> list[str]:
    """Career stages whose best possible leads the shortlist also takes: every stage when
    the lead's seniority is weighted and the call leaves the lead's stage open (a senior
    lead a little less relevant than the best may then be the better choice)."""
    if objective.lead_seniority_weight <= 0 or call.rules.lead_career_stages is not None:
        return []
    return ["senior", "mid", "early", "doctoral"]


def shortlist(
    call: Call, pool: list[Candidate], pinned: set[str], objective: TeamObjective
) -> list[Candidate]:
    """The best of the pool, plus the best of every group a rule counts, plus the pins."""
    by_relevance = sorted(pool, key=lambda c: (-c.relevance, c.profile.id))
    chosen = {c.profile.id: c for c in by_relevance[: objective.pool_size]}
    rules = call.rules
    group_keys: list[tuple[str, str]] = [("country", c) for c in rules.required_countries]
    group_keys += [("stage", s) for s in rules.min_career_stage_counts]
    for attribute, value in group_keys:
        in_group = [
            c
            for c in by_relevance
            if (c.profile.country if attribute == "country" else c.profile.career_stage) == value
        ]
        chosen.update({c.profile.id: c for c in in_group[: objective.per_group_pool]})
    leads = [c for c in by_relevance if may_lead(call, c.profile)]
    chosen.update({c.profile.id: c for c in leads[: objective.per_group_pool]})
    for stage in lead_stage_groups(call, objective):
        staged = [c for c in leads if c.profile.career_stage == stage]
        chosen.update({c.profile.id: c for c in staged[: objective.per_group_pool]})
    chosen.update({c.profile.id: c for c in pool if c.profile.id in pinned})
    return sorted(chosen.values(), key=lambda c: (-c.relevance, c.profile.id))


def member_threshold(
    dataset: Dataset,
    call: Call,
    relevance: npt.NDArray[np.float32],
    objective: TeamObjective,
) -> float:
    """Relevance a member must exceed to be worth adding beyond the minimum size.

    ``objective.member_threshold`` when set; otherwise the ``threshold_quantile`` of
    relevance among the profiles eligible for ``call`` (reachable or not, so that it does
    not move with the routes); 0 when nobody is eligible.
    """
    if objective.member_threshold is not None:
        return objective.member_threshold
    eligible = [
        position
        for position, profile in enumerate(dataset.profiles)
        if eligibility_problem(call, profile, dataset) is None
    ]
    if not eligible:
        return 0.0
    return float(np.quantile(relevance[eligible], objective.threshold_quantile))

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


def eligibility_problem(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    """Why ``profile`` may not join a team for ``call`` (``None`` when it may)."""
    rules = call.rules
    if rules.eligible_consortia is not None:
        institution = dataset.institution(profile.institution) if profile.institution else None
        consortia = set(institution.consortia) if institution else set()
        if not consortia & set(rules.eligible_consortia):
            return f"is not at an institution of {', '.join(rules.eligible_consortia)}"
    if profile.kind not in rules.member_kinds:
        return f"is an {profile.kind}, the call takes {', '.join(rules.member_kinds)} members"
    if not rules.country_is_eligible(profile.country):
        return f"country {profile.country or 'unknown'} is not eligible for {call.id}"
    if profile.capacity < 1:
        return "has no capacity left this round"
    return None


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
        reason = problem or "cannot be reached by any route"
        raise TeamRulesError(f"pinned profile {profile_id} ({profile.name}) {reason}")


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

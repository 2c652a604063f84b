"""Team assembly: a call's rules as hard constraints, relevance and routes as the objective.

The objective of a team is

    sum over members of (relevance - route_weight * route_cost - member_threshold)
    + lead_weight * relevance of the lead

``member_threshold`` is what a member must bring to be worth adding beyond the call's
minimum team size. By default it is the ``threshold_quantile`` of relevance among the
call's eligible, reachable pool, so it means the same on every embedding backend: a team
grows past its minimum size only with members in the top of the pool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.errors import GrantmatchError
from matcher.model import Call, Profile, Route, Team, TeamMember
from matcher.routes import RouteFinder
from matcher.solvers import GroupBound, Selection, TeamProblem, get_solver


@dataclass(frozen=True)
class TeamObjective:
    """Weights of the team objective (see the module docstring)."""

    route_weight: float = 0.2
    lead_weight: float = 0.5
    threshold_quantile: float = 0.9
    member_threshold: float | None = None
    pool_size: int = 300
    per_group_pool: int = 30


@dataclass(frozen=True)
class Candidate:
    """A profile that may join the call's team, with its relevance and route."""

    profile: Profile
    relevance: float
    route: Route


@dataclass(frozen=True)
class TeamResult:
    """A team, or the reasons there is none."""

    call_id: str
    team: Team | None
    reasons: list[str]

    @property
    def feasible(self) -> bool:
        return self.team is not None


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


def _may_lead(call: Call, profile: Profile) -> bool:
    rules = call.rules
    if rules.lead_countries is not None and profile.country not in rules.lead_countries:
        return False
    return rules.lead_career_stages is None or profile.career_stage in rules.lead_career_stages


class TeamAssembler:
    """Builds teams for calls from relevance scores and routes.

    Parameters
    ----------
    dataset : Dataset
        The profiles and calls.
    routes : RouteFinder
        Routes to foreign candidates.
    objective : TeamObjective
        Weights of the objective.
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        objective: TeamObjective | None = None,
    ) -> None:
        self.dataset = dataset
        self.routes = routes
        self.objective = objective or TeamObjective()

    def candidates(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        exclude: Collection[str] = (),
    ) -> list[Candidate]:
        """Eligible, reachable profiles for ``call`` (``relevance`` aligned with profiles)."""
        pool: list[Candidate] = []
        for position, profile in enumerate(self.dataset.profiles):
            if profile.id in exclude:
                continue
            if eligibility_problem(call, profile, self.dataset) is not None:
                continue
            route = self.routes.route(profile)
            if route is not None:
                pool.append(Candidate(profile, float(relevance[position]), route))
        return pool

    def assemble(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
        solver: str = "exact",
    ) -> TeamResult:
        """The best team for ``call`` under its rules, or the reasons there is none."""
        pinned = set(pin)
        overlap = pinned & set(ban)
        if overlap:
            raise TeamRulesError(f"profiles both pinned and banned: {', '.join(sorted(overlap))}")
        pool = self.candidates(call, relevance, exclude=ban)
        self._check_pins(call, pinned, pool)
        shortlist = self._shortlist(call, pool, pinned)
        threshold = self.member_threshold(pool)
        problem = self._encode(call, shortlist, pinned, threshold)
        selection = get_solver(solver).solve(problem)
        if selection is None:
            return TeamResult(call.id, None, self.diagnose(call, pool, pinned))
        team = self._decode(call, shortlist, problem, selection, solver, threshold)
        return TeamResult(call.id, team, [])

    def _check_pins(self, call: Call, pinned: set[str], pool: list[Candidate]) -> None:
        in_pool = {candidate.profile.id for candidate in pool}
        for profile_id in sorted(pinned - in_pool):
            profile = self.dataset.profile(profile_id)
            problem = eligibility_problem(call, profile, self.dataset)
            reason = problem or "cannot be reached by any route"
            raise TeamRulesError(f"pinned profile {profile_id} ({profile.name}) {reason}")

    def _shortlist(self, call: Call, pool: list[Candidate], pinned: set[str]) -> list[Candidate]:
        """The best of the pool, plus the best of every group a rule counts, plus the pins."""
        by_relevance = sorted(pool, key=lambda c: (-c.relevance, c.profile.id))
        chosen = {c.profile.id: c for c in by_relevance[: self.objective.pool_size]}
        rules = call.rules
        group_keys: list[tuple[str, str]] = [("country", c) for c in rules.required_countries]
        group_keys += [("stage", s) for s in rules.min_career_stage_counts]
        for attribute, value in group_keys:
            in_group = [
                c
                for c in by_relevance
                if (c.profile.country if attribute == "country" else c.profile.career_stage)
                == value
            ]
            chosen.update({c.profile.id: c for c in in_group[: self.objective.per_group_pool]})
        leads = [c for c in by_relevance if _may_lead(call, c.profile)]
        chosen.update({c.profile.id: c for c in leads[: self.objective.per_group_pool]})
        chosen.update({c.profile.id: c for c in pool if c.profile.id in pinned})
        return sorted(chosen.values(), key=lambda c: (-c.relevance, c.profile.id))

    def member_threshold(self, pool: Sequence[Candidate]) -> float:
        """Relevance a member must exceed to be worth adding beyond the minimum size."""
        if self.objective.member_threshold is not None:
            return self.objective.member_threshold
        if not pool:
            return 0.0
        scores = np.asarray([candidate.relevance for candidate in pool])
        return float(np.quantile(scores, self.objective.threshold_quantile))

    def _encode(
        self,
        call: Call,
        shortlist: list[Candidate],
        pinned: set[str],
        threshold: float,
    ) -> TeamProblem:
        rules = call.rules
        relevance = np.asarray([c.relevance for c in shortlist], dtype=np.float64)
        cost = np.asarray([c.route.cost for c in shortlist], dtype=np.float64)
        countries = np.asarray([c.profile.country or "" for c in shortlist])
        stages = np.asarray([c.profile.career_stage or "" for c in shortlist])
        institutions = np.asarray([c.profile.institution or "" for c in shortlist])
        groups = [
            GroupBound(f"country {country}", countries == country, minimum=count)
            for country, count in rules.required_countries.items()
        ]
        groups += [
            GroupBound(f"career stage {stage}", stages == stage, minimum=count)
            for stage, count in rules.min_career_stage_counts.items()
        ]
        if rules.max_per_institution is not None:
            crowded = Counter(i for i in institutions if i)
            groups += [
                GroupBound(
                    f"institution {inst}", institutions == inst, maximum=rules.max_per_institution
                )
                for inst, count in crowded.items()
                if count > rules.max_per_institution
            ]
        groups += self._office_capacity_groups(shortlist)
        return TeamProblem(
            value=relevance - self.objective.route_weight * cost - threshold,
            lead_value=self.objective.lead_weight * relevance,
            lead_allowed=np.asarray([_may_lead(call, c.profile) for c in shortlist]),
            pinned=np.asarray([c.profile.id in pinned for c in shortlist]),
            min_size=rules.min_team_size,
            max_size=rules.max_team_size,
            groups=groups,
        )

    def _office_capacity_groups(self, shortlist: list[Candidate]) -> list[GroupBound]:
        via = np.asarray([self.routes.uses_office(c.route) or "" for c in shortlist])
        groups = []
        for office_id in sorted(set(via) - {""}):
            capacity = self.dataset.office(office_id).capacity
            if capacity is not None:
                groups.append(GroupBound(f"office {office_id}", via == office_id, maximum=capacity))
        return groups

    def _decode(
        self,
        call: Call,
        shortlist: list[Candidate],
        problem: TeamProblem,
        selection: Selection,
        solver: str,
        threshold: float,
    ) -> Team:
        chosen = [shortlist[i] for i in selection.members]
        team_profiles = [c.profile for c in chosen]
        members = []
        for position, candidate in zip(selection.members, chosen, strict=True):
            # Describe each route relative to the team actually chosen where that is closer.
            others = [p for p in team_profiles if p.id != candidate.profile.id]
            route = self.routes.route(candidate.profile, others)
            if route is None or route.cost > candidate.route.cost:
                route = candidate.route
            members.append(
                TeamMember(
                    profile_id=candidate.profile.id,
                    role="lead" if position == selection.lead else "member",
                    relevance=candidate.relevance,
                    country=candidate.profile.country,
                    institution=candidate.profile.institution,
                    route=route,
                )
            )
        members.sort(key=lambda m: (m.role != "lead", -m.relevance))
        relevance_sum = float(sum(c.relevance for c in chosen))
        route_cost = float(sum(c.route.cost for c in chosen))
        parts = {
            "relevance": relevance_sum,
            "route_cost": -self.objective.route_weight * route_cost,
            "size_threshold": -threshold * len(chosen),
            "lead": float(problem.lead_value[selection.lead]),
        }
        return Team(
            call_id=call.id,
            members=members,
            objective=selection.objective(problem),
            parts=parts,
            rules_satisfied=describe_rules(call, team_profiles, members),
            solver=solver,
        )

    def diagnose(self, call: Call, pool: list[Candidate], pinned: set[str]) -> list[str]:
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
                reasons.append(self._country_shortfall(call, country, needed, counts[country]))
        stages = Counter(c.profile.career_stage for c in pool)
        for stage, needed in rules.min_career_stage_counts.items():
            if stages[stage] < needed:
                reasons.append(
                    f"needs at least {needed} {stage}-career members; the reachable pool has "
                    f"{stages[stage]}"
                )
        if not any(_may_lead(call, c.profile) for c in pool):
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

    def _country_shortfall(self, call: Call, country: str, needed: int, reachable: int) -> str:
        name = country_name(country)
        message = (
            f"needs at least {needed} member(s) from {name} ({country}); {reachable} eligible "
            "candidate(s) can be reached"
        )
        unreached = [
            p
            for p in self.dataset.profiles
            if p.country == country
            and eligibility_problem(call, p, self.dataset) is None
            and self.routes.route(p) is None
        ]
        if not unreached:
            return message + f", and the data has no other eligible candidates in {name}"
        closed = [o for o in self.dataset.offices if o.country == country and o.status != "open"]
        if closed:
            office = closed[0]
            return (
                message + f"; {len(unreached)} more are reachable only through {office.name}, "
                f"which is {office.status} (what-if: open office {office.id})"
            )
        return (
            message + f"; {len(unreached)} more have no route (no open office in {name}, "
            "no agreement, no past collaboration)"
        )


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

"""Who may join a call's team: eligibility, the reachable pool, the shortlist, the threshold.

A call's *pool* is every profile that is eligible under its rules and reachable by a
route; the solver sees a *shortlist* of it (the best of the pool, plus the best of every
group a rule counts, plus the pins). The *member threshold* is what a member must bring to
be worth adding beyond the minimum team size.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

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


BoolArray = npt.NDArray[np.bool_]


class EligibilityMasks(Protocol):
    """Eligibility and routes of every profile, computed once per call signature (what
    :class:`matcher.eligibility.EligibilityChecker` provides): the pool is then built
    with array operations instead of a rule walk over every profile per request."""

    def eligible_mask(self, call: Call) -> BoolArray:
        """Per profile (dataset order), whether the call's rules admit it."""
        ...

    def may_join_mask(self, call: Call) -> BoolArray:
        """Per profile, whether it is eligible for ``call`` and reachable."""
        ...

    def profile_routes(self) -> list[Route | None]:
        """Each profile's route (``None``: unreachable)."""
        ...


@dataclass(frozen=True)
class ProfileColumns:
    """The profile attributes the shortlist groups by, as integer codes in dataset order
    (comparing codes is what makes the groups cheap)."""

    countries: npt.NDArray[np.int32]
    stages: npt.NDArray[np.int32]
    codes: dict[str | None, int]
    """The code of each country and career stage value (``None`` included)."""
    id_rank: npt.NDArray[np.int64]
    """Each profile's position in id order (the shortlist's tie-break)."""
    positions: dict[str, int]

    @classmethod
    def of(cls, profiles: Sequence[Profile]) -> ProfileColumns:
        """The columns of ``profiles``."""
        codes: dict[str | None, int] = {}

        def coded(values: list[str | None]) -> npt.NDArray[np.int32]:
            return np.asarray([codes.setdefault(v, len(codes)) for v in values], dtype=np.int32)

        ids = np.asarray([p.id for p in profiles], dtype=str)
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
        return cls(
            countries=coded([p.country for p in profiles]),
            stages=coded([p.career_stage for p in profiles]),
            codes=codes,
            id_rank=id_rank,
            positions={p.id: i for i, p in enumerate(profiles)},
        )

    def code(self, value: str | None) -> int:
        """The code of ``value`` (-1, which no profile has, for a value none has)."""
        return self.codes.get(value, -1)


def _positions_of(columns: ProfileColumns, ids: Collection[str]) -> list[int]:
    return [columns.positions[i] for i in ids if i in columns.positions]


def _joinable(
    masks: EligibilityMasks, columns: ProfileColumns, call: Call, exclude: Collection[str]
) -> BoolArray:
    joinable = masks.may_join_mask(call).copy()
    joinable[_positions_of(columns, exclude)] = False
    return joinable


def preselected_pool(
    dataset: Dataset,
    masks: EligibilityMasks,
    columns: ProfileColumns,
    call: Call,
    relevance: npt.NDArray[np.float32],
    objective: TeamObjective,
    *,
    pin: Collection[str] = (),
    ban: Collection[str] = (),
) -> list[Candidate]:
    """The part of the eligible, reachable pool (less ``ban``) that :func:`shortlist` can
    choose from, in shortlist order.

    :func:`shortlist` takes the best ``pool_size`` of the pool and the best
    ``per_group_pool`` of each group a rule counts (by the same order), plus the pins.
    Each of those is within the best of its group here too, so ``shortlist`` of this
    preselection equals ``shortlist`` of the whole pool; only the profiles that can be
    chosen become :class:`Candidate` objects (a few hundred instead of every eligible
    profile: the pool of 50,000 profiles took a second per call to build in Python).
    """
    positions = np.flatnonzero(_joinable(masks, columns, call, ban))
    scores = relevance[positions].astype(np.float64)
    order = positions[np.lexsort((columns.id_rank[positions], -scores))]
    keep = np.zeros(len(order), dtype=bool)
    keep[: objective.pool_size] = True
    for members in _rule_groups(call, objective, columns, order):
        rank = np.cumsum(members) - 1
        keep |= members & (rank < objective.per_group_pool)
    keep |= np.isin(order, _positions_of(columns, pin))
    routes = masks.profile_routes()
    profiles = dataset.profiles
    chosen: list[Candidate] = []
    for position in order[keep].tolist():
        route = routes[position]
        assert route is not None  # may_join_mask admits reachable profiles only
        chosen.append(Candidate(profiles[position], float(relevance[position]), route))
    return chosen


def _rule_groups(
    call: Call, objective: TeamObjective, columns: ProfileColumns, order: npt.NDArray[np.intp]
) -> list[BoolArray]:
    """Membership (along ``order``) of every group :func:`shortlist` takes the best of."""
    rules = call.rules
    countries, stages = columns.countries[order], columns.stages[order]
    groups = [countries == columns.code(country) for country in rules.required_countries]
    groups += [stages == columns.code(stage) for stage in rules.min_career_stage_counts]
    leads = np.ones(len(order), dtype=bool)
    if rules.lead_countries is not None:
        leads &= np.isin(countries, [columns.code(c) for c in rules.lead_countries])
    if rules.lead_career_stages is not None:
        leads &= np.isin(stages, [columns.code(s) for s in rules.lead_career_stages])
    groups.append(leads)
    groups += [
        leads & (stages == columns.code(stage)) for stage in lead_stage_groups(call, objective)
    ]
    return groups


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
    eligible: BoolArray | None = None,
) -> float:
    """Relevance a member must exceed to be worth adding beyond the minimum size.

    ``objective.member_threshold`` when set; otherwise the ``threshold_quantile`` of
    relevance among the profiles eligible for ``call`` (reachable or not, so that it does
    not move with the routes); 0 when nobody is eligible. ``eligible``, when given, is
    that set as a mask (:meth:`EligibilityMasks.eligible_mask`).
    """
    if objective.member_threshold is not None:
        return objective.member_threshold
    if eligible is None:
        eligible = np.fromiter(
            (eligibility_problem(call, p, dataset) is None for p in dataset.profiles),
            dtype=bool,
            count=len(dataset.profiles),
        )
    if not eligible.any():
        return 0.0
    return float(np.quantile(relevance[eligible], objective.threshold_quantile))

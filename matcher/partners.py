"""Partner suggestions: who should join a partial team, and who abroad suits a researcher.

A candidate's partner score adds to its relevance what the engine knows beyond text:

    relevance
    + collaboration_weight * collaboration strength with the team (past joint works,
      log-scaled, 1 at ``saturation`` joint works)
    - route_weight * route cost (how hard the candidate is to reach)
    + need_weight if the candidate's country is one the call requires and the team lacks

Ineligible and unreachable candidates, and the team's own members, are never suggested.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.model import Call, Profile, Route
from matcher.routes import RouteFinder
from matcher.teams import eligibility_problem

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PartnerWeights:
    """Weights of the partner score (see the module docstring)."""

    collaboration_weight: float = 0.3
    route_weight: float = 0.2
    need_weight: float = 0.1
    saturation: int = 4


@dataclass(frozen=True)
class PartnerSuggestion:
    """A suggested partner with the parts of its score."""

    profile_id: str
    score: float
    relevance: float
    joint_works: int
    route: Route
    fills_country: bool
    joint_titles: tuple[str, ...] = ()


def joint_titles(candidate: Profile, team_ids: set[str]) -> tuple[str, ...]:
    """Titles of the candidate's publications shared with the team: what they worked on."""
    return tuple(p.title for p in candidate.publications if team_ids & set(p.coauthors))


class PartnerFinder:
    """Ranks profiles to add to a team, or to partner with a researcher.

    Parameters
    ----------
    dataset : Dataset
        The profiles and calls; ``relevance`` arrays passed to the methods are aligned
        with ``dataset.profiles``.
    routes : RouteFinder
        Routes and joint-work counts.
    weights : PartnerWeights
        Weights of the score.
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        weights: PartnerWeights | None = None,
    ) -> None:
        self.dataset = dataset
        self.routes = routes
        self.weights = weights or PartnerWeights()
        self._pool_routes: list[Route | None] | None = None
        self._cost: FloatArray | None = None
        self._eligible: dict[str, npt.NDArray[np.bool_]] = {}
        self._country_masks: dict[str, npt.NDArray[np.bool_]] = {}
        self._attributes = _Attributes(dataset.profiles)
        self._position = {p.id: i for i, p in enumerate(dataset.profiles)}
        self._countries = np.asarray([p.country or "" for p in dataset.profiles], dtype=object)
        self._institutions = np.asarray(
            [p.institution or "" for p in dataset.profiles], dtype=object
        )
        # Who declares a conflict with whom, read from either side.
        self._conflicts: dict[str, set[int]] = {}
        for position, profile in enumerate(dataset.profiles):
            for other in profile.conflicts:
                self._conflicts.setdefault(other, set()).add(position)
                if other in self._position:
                    self._conflicts.setdefault(profile.id, set()).add(self._position[other])

    def pool_routes(self) -> list[Route | None]:
        """Each profile's best route from the home side at large (computed once)."""
        if self._pool_routes is None:
            self._pool_routes = [self.routes.route(p) for p in self.dataset.profiles]
        return self._pool_routes

    def route_costs(self) -> FloatArray:
        """Route cost per profile, ``inf`` where unreachable (computed once)."""
        if self._cost is None:
            self._cost = np.asarray(
                [r.cost if r else np.inf for r in self.pool_routes()], dtype=np.float32
            )
        return self._cost

    def eligible_for(self, call: Call) -> npt.NDArray[np.bool_]:
        """Which profiles the call's rules admit (computed once per call)."""
        mask = self._eligible.get(call.id)
        if mask is None:
            mask = self._attributes.eligible(call, self.dataset)
            self._eligible[call.id] = mask
        return mask

    def _in_countries(self, countries: set[str]) -> npt.NDArray[np.bool_]:
        """Which profiles are in one of ``countries`` (a mask per country, made once)."""
        mask = np.zeros(len(self._countries), dtype=bool)
        for country in countries:
            found = self._country_masks.get(country)
            if found is None:
                found = self._countries == country
                self._country_masks[country] = found
            mask |= found
        return mask

    def _strength(self, joint: npt.NDArray[np.int64]) -> FloatArray:
        """Collaboration strength of joint-work counts: log-scaled, 1 at ``saturation``."""
        scaled = np.log1p(joint) / math.log1p(self.weights.saturation)
        return np.minimum(1.0, scaled).astype(np.float32)

    def _rank(
        self,
        base: FloatArray,
        allowed: npt.NDArray[np.bool_],
        team: Sequence[Profile],
        need_countries: set[str],
        k: int,
    ) -> list[PartnerSuggestion]:
        """Shared scoring: base similarity plus collaboration, route and need terms."""
        routes = self.pool_routes()
        joint = np.zeros(len(base), dtype=np.int64)
        for member in team:
            for other, count in self.routes.joint_works(member.id).items():
                position = self._position.get(other)
                if position is not None:
                    joint[position] += count
        cost = self.route_costs()
        reachable = np.isfinite(cost)
        need = self._in_countries(need_countries).astype(np.float32)
        w = self.weights
        score = (
            base
            + w.collaboration_weight * self._strength(joint)
            - w.route_weight * np.where(reachable, cost, 0.0)
            + w.need_weight * need
        )
        score = np.where(allowed & reachable, score, -np.inf)
        order = _best_first(score, k)
        team_ids = {m.id for m in team}
        suggestions = []
        for position in order:
            profile = self.dataset.profiles[position]
            route = routes[position]
            assert route is not None  # reachable was required above
            if team and joint[position] > 0:
                route = self.routes.route(profile, team) or route
            suggestions.append(
                PartnerSuggestion(
                    profile_id=profile.id,
                    score=float(score[position]),
                    relevance=float(base[position]),
                    joint_works=int(joint[position]),
                    route=route,
                    fills_country=bool(need[position]),
                    joint_titles=joint_titles(profile, team_ids),
                )
            )
        return suggestions

    def for_team(
        self, call: Call, relevance: FloatArray, team_ids: Sequence[str], k: int = 10
    ) -> list[PartnerSuggestion]:
        """The ``k`` best profiles to add to ``team_ids`` for ``call`` (``k <= 0``: all).

        A suggestion keeps the team within the call's rules: eligible, reachable, no
        declared conflict with a member, and no institution past the per-institution cap.
        """
        team = [self.dataset.profile(profile_id) for profile_id in team_ids]
        allowed = self.eligible_for(call).copy()
        for member in team:
            allowed[self._position[member.id]] = False
            allowed[list(self._conflicts.get(member.id, ()))] = False
        cap = call.rules.max_per_institution
        if cap is not None:
            per_institution = Counter(p.institution for p in team if p.institution)
            full = [inst for inst, count in per_institution.items() if count >= cap]
            if full:
                allowed &= ~np.isin(self._institutions, full)
        present = {p.country for p in team}
        counts = {c: sum(1 for p in team if p.country == c) for c in present}
        need = {
            country
            for country, minimum in call.rules.required_countries.items()
            if counts.get(country, 0) < minimum
        }
        return self._rank(relevance, allowed, team, need, k)

    def abroad(
        self, researcher_id: str, similarity: FloatArray, k: int = 10
    ) -> list[PartnerSuggestion]:
        """The ``k`` best partners abroad for one researcher, by similarity of their work."""
        researcher = self.dataset.profile(researcher_id)
        allowed = (self._countries != "") & (self._countries != (researcher.country or ""))
        allowed[self._position[researcher.id]] = False
        return self._rank(similarity, allowed, [researcher], set(), k)


def _best_first(score: FloatArray, k: int) -> npt.NDArray[np.intp]:
    """Positions of the ``k`` best finite scores (``k <= 0``: all), best first, ties in
    position order.

    A full stable sort of 50,000 scores costs milliseconds per answer; only the scores
    from the ``k``-th best up are sorted (every score tied with the ``k``-th is kept, so
    the order is the full sort's).
    """
    candidates = np.flatnonzero(np.isfinite(score))
    if 0 < k < len(candidates):
        kth = np.partition(score[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[score[candidates] >= kth]
    order: npt.NDArray[np.intp] = candidates[np.argsort(-score[candidates], kind="stable")]
    return order if k <= 0 else order[:k]


class _Attributes:
    """What eligibility looks at, per profile, as codes into the distinct values.

    A call's rules are then evaluated once per distinct kind, country and institution
    (a handful) instead of once per profile (50,000): :func:`eligibility_problem` stays the
    definition, applied to one representative profile per combination of values.
    """

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.representatives: dict[tuple[str, str | None, str | None, bool], Profile] = {}
        codes: dict[tuple[str, str | None, str | None, bool], int] = {}
        self.codes = np.empty(len(profiles), dtype=np.int64)
        for position, profile in enumerate(profiles):
            key = (profile.kind, profile.country, profile.institution, profile.capacity >= 1)
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(codes)
                self.representatives[key] = profile
            self.codes[position] = code

    def eligible(self, call: Call, dataset: Dataset) -> npt.NDArray[np.bool_]:
        """Which profiles the call's rules admit."""
        admitted = np.asarray(
            [eligibility_problem(call, p, dataset) is None for p in self.representatives.values()],
            dtype=bool,
        )
        mask: npt.NDArray[np.bool_] = admitted[self.codes]
        return mask

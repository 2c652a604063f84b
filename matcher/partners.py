"""Partner suggestions: who should join a partial team, and who abroad suits a researcher.

Two models score a candidate for a team (``PartnerWeights.model``):

* ``"learned"`` (the default): a ranker fitted at ``Matcher.fit`` on the dataset's own
  past teams (:mod:`matcher.partner_model`), minus the route cost and plus the
  required-country bonus below. It falls back to the linear score when the data has too
  little history (``LearnedOptions.min_history_teams``), and every suggestion says which
  model scored it and why. It is the default because it beats the linear score and
  co-participation on all 1,920 CORDIS partner-recovery queries (benchmarks/RESULTS.md).
* ``"linear"``: the score below, the fallback. Partners abroad for one researcher always
  use it.

The linear partner score adds to a candidate's relevance what the engine knows beyond text:

    relevance
    + collaboration_weight * collaboration strength with the team (past joint works,
      log-scaled, 1 at ``saturation`` joint works)
    + topic_weight * topic strength: the same joint works, each counting its calibrated
      closeness to the call (clipped at 0), log-scaled the same way
      (:class:`matcher.partner_model.TopicTies`)
    - route_weight * route cost (how hard the candidate is to reach)
    + need_weight if the candidate's country is one the call requires and the team lacks

Ineligible and unreachable candidates, and the team's own members, are never suggested.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.eligibility import EligibilityChecker
from matcher.model import Call, Profile, Route
from matcher.partner_model import (
    SCORE_SCALE,
    LearnedOptions,
    LearnedPartnerModel,
    PartnerModelInfo,
    PartnerReason,
    TopicTies,
)
from matcher.routes import RouteFinder

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PartnerWeights:
    """Weights of the partner score (see the module docstring)."""

    collaboration_weight: float = 0.3
    #: Weight of the joint works weighted by their closeness to the call (topic ties),
    #: log-scaled like ``collaboration_weight`` and 1 at ``saturation``; tuned on
    #: past teams (benchmarks/RESULTS.md, "Partner recovery (CORDIS)").
    topic_weight: float = 0.8
    route_weight: float = 0.2
    need_weight: float = 0.1
    saturation: int = 4
    #: ``"learned"`` (the default: fitted on the data's own history at ``Matcher.fit``;
    #: linear, with a note, when there is too little) or ``"linear"``. See
    #: benchmarks/RESULTS.md.
    model: str = "learned"
    #: How the learned model is trained (threshold of history, seed, feature groups).
    learned: LearnedOptions = field(default_factory=LearnedOptions)

    def __post_init__(self) -> None:
        if self.model not in ("learned", "linear"):
            raise ValueError(
                f"PartnerWeights.model must be 'learned' or 'linear', not {self.model!r}"
            )


#: Suggestions (best first) that get their reasons; the rest of a long list gets none.
EXPLAINED = 50


@dataclass(frozen=True)
class PartnerSuggestion:
    """A suggested partner with the parts of its score.

    ``model`` is the model that scored it (``"learned"`` or ``"linear"``); ``note`` says why
    the linear score was used when the learned one was asked for (too little history).
    ``reasons`` are the two or three features (groups) that carried the score most, best
    first (see :class:`matcher.partner_model.PartnerReason`); only the first
    :data:`EXPLAINED` suggestions of a list have them.
    """

    profile_id: str
    score: float
    relevance: float
    joint_works: int
    route: Route
    fills_country: bool
    joint_titles: tuple[str, ...] = ()
    reasons: tuple[PartnerReason, ...] = ()
    model: str = "linear"
    note: str = ""


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
    model, model_info : LearnedPartnerModel, PartnerModelInfo, optional
        The learned model (``None``: the linear score) and why it is or is not used.
    eligibility : EligibilityChecker, optional
        Shared eligibility masks (made here when not given).
    topic_ties : TopicTies, optional
        Topic-weighted joint works for the linear score's topic term (without it, or
        without the call's vector, the term is 0).
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        weights: PartnerWeights | None = None,
        model: LearnedPartnerModel | None = None,
        model_info: PartnerModelInfo | None = None,
        eligibility: EligibilityChecker | None = None,
        topic_ties: TopicTies | None = None,
    ) -> None:
        self.dataset = dataset
        self.topic_ties = topic_ties
        self.routes = routes
        self.eligibility = eligibility or EligibilityChecker(dataset, routes)
        self.weights = weights or PartnerWeights()
        self.model = model
        self.note = ""
        if model is None and self.weights.model == "learned":
            self.note = model_info.reason if model_info else "no learned model was fitted"
        self._cost: FloatArray | None = None
        self._country_masks: dict[str, npt.NDArray[np.bool_]] = {}
        self._position = {p.id: i for i, p in enumerate(dataset.profiles)}
        self._countries = np.asarray([p.country or "" for p in dataset.profiles], dtype=object)
        self._institutions = np.asarray(
            [p.institution or "" for p in dataset.profiles], dtype=object
        )
        self._orders: OrderedDict[tuple[str, frozenset[str]], _CallOrder] = OrderedDict()
        self._route_term: npt.NDArray[np.floating[Any]] | None = None
        self._by_institution: dict[str, list[int]] = {}
        for position, profile in enumerate(dataset.profiles):
            if profile.institution:
                self._by_institution.setdefault(profile.institution, []).append(position)
        # Who declares a conflict with whom, read from either side.
        self._conflicts: dict[str, set[int]] = {}
        for position, profile in enumerate(dataset.profiles):
            for other in profile.conflicts:
                self._conflicts.setdefault(other, set()).add(position)
                if other in self._position:
                    self._conflicts.setdefault(profile.id, set()).add(self._position[other])

    def pool_routes(self) -> list[Route | None]:
        """Each profile's best route from the home side at large (computed once)."""
        return self.eligibility.profile_routes()

    def route_costs(self) -> FloatArray:
        """Route cost per profile, ``inf`` where unreachable (computed once)."""
        if self._cost is None:
            self._cost = np.asarray(
                [r.cost if r else np.inf for r in self.pool_routes()], dtype=np.float32
            )
        return self._cost

    def eligible_for(self, call: Call) -> npt.NDArray[np.bool_]:
        """Which profiles the call's rules admit (computed once per call)."""
        return self.eligibility.eligible_mask(call)

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

    def _strength(self, joint: npt.NDArray[np.int64] | npt.NDArray[np.float64]) -> FloatArray:
        """Collaboration strength of (topic-weighted) joint-work counts: log-scaled, 1 at
        ``saturation``."""
        scaled = np.log1p(joint) / math.log1p(self.weights.saturation)
        return np.minimum(1.0, scaled).astype(np.float32)

    def _rank(
        self,
        base: FloatArray,
        allowed: npt.NDArray[np.bool_],
        team: Sequence[Profile],
        need_countries: set[str],
        k: int,
        query: npt.NDArray[np.float32] | None = None,
        note: str = "",
        text: str | None = None,
    ) -> list[PartnerSuggestion]:
        """Shared scoring: the learned or linear score, then route and need terms.
        ``query`` and ``text`` are the call's vector and text (the learned model reads both)."""
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
        learned = self.model is not None and query is not None
        features: npt.NDArray[np.float64] | None = None
        topic = np.zeros(len(base))
        if learned:
            assert self.model is not None and query is not None
            team_positions = [self._position[m.id] for m in team]
            log_odds, features = self.model.score(query, team_positions, text)
            core = (SCORE_SCALE * log_odds).astype(np.float32)
        else:
            if self.topic_ties is not None and query is not None and w.topic_weight:
                topic = self.topic_ties(query, [self._position[m.id] for m in team])
            core = (
                base
                + w.collaboration_weight * self._strength(joint)
                + w.topic_weight * self._strength(topic)
            )
        route_term = w.route_weight * np.where(reachable, cost, 0.0)
        score = core - route_term + w.need_weight * need
        score = np.where(allowed & reachable, score, -np.inf)
        chosen = _best_first(score, k)
        explained = chosen[:EXPLAINED]
        if learned:
            assert self.model is not None and features is not None
            # Reasons are measured against the call's typical candidate: every finite score.
            candidates = np.flatnonzero(np.isfinite(score))
            reasons = self.model.reasons(features, explained, candidates)
        else:
            reasons = self._linear_reasons_of(base, joint, topic, need, explained.tolist())
        return self._suggestions(
            chosen.tolist(), score, base, joint, topic, need, team, reasons, learned, note
        )

    def _linear_reasons_of(
        self,
        base: FloatArray,
        joint: Indexable,
        topic: Indexable,
        need: FloatArray,
        positions: Sequence[int],
    ) -> list[tuple[PartnerReason, ...]]:
        return [
            self._linear_reasons(float(base[p]), int(joint[p]), float(topic[p]), bool(need[p]))
            for p in positions[:EXPLAINED]
        ]

    def _suggestions(
        self,
        chosen: Sequence[int],
        score: Indexable,
        base: FloatArray,
        joint: Indexable,
        topic: Indexable,
        need: FloatArray,
        team: Sequence[Profile],
        reasons: Sequence[tuple[PartnerReason, ...]],
        learned: bool,
        note: str,
    ) -> list[PartnerSuggestion]:
        """The suggestions at ``chosen`` (best first), with their score's parts."""
        routes = self.pool_routes()
        team_ids = {m.id for m in team}
        suggestions = []
        for rank, position in enumerate(chosen):
            profile = self.dataset.profiles[position]
            route = routes[position]
            assert route is not None  # reachable was required
            joint_works = int(joint[position])
            if team and joint_works > 0:
                route = self.routes.route(profile, team) or route
            suggestions.append(
                PartnerSuggestion(
                    profile_id=profile.id,
                    score=float(score[position]),
                    relevance=float(base[position]),
                    joint_works=joint_works,
                    route=route,
                    fills_country=bool(need[position]),
                    joint_titles=joint_titles(profile, team_ids),
                    reasons=reasons[rank] if rank < len(reasons) else (),
                    model="learned" if learned else "linear",
                    note="" if learned else note,
                )
            )
        return suggestions

    def _linear_reasons(
        self, relevance: float, joint: int, topic: float, need: bool
    ) -> tuple[PartnerReason, ...]:
        """The linear score's positive parts, largest first (at most three)."""
        w = self.weights
        # Scalars: numpy's per-call overhead on one-element arrays was a third of a partner
        # list's time.
        saturation = math.log1p(self.weights.saturation)
        strength = min(1.0, math.log1p(joint) / saturation)
        topic_strength = min(1.0, math.log1p(topic) / saturation)
        parts = [
            ("relevance", relevance, (("relevance", relevance),), f"relevance {relevance:.2f}"),
            (
                "collaboration",
                w.collaboration_weight * strength,
                (("joint_works", float(joint)),),
                f"{joint} joint work(s) with the team",
            ),
            (
                "topic_collaboration",
                w.topic_weight * topic_strength,
                (("topic_joint", topic),),
                f"joint work with the team on this topic (closeness summed {topic:.2f})",
            ),
            (
                "need",
                w.need_weight * need,
                (("fills_country", float(need)),),
                "from a required country the team lacks",
            ),
        ]
        kept = sorted((p for p in parts if p[1] > 0), key=lambda p: -p[1])[:3]
        reasons = tuple(
            PartnerReason(group, value, values, f"{text} (+{value:.2f})")
            for group, value, values, text in kept
        )
        return reasons

    def for_team(
        self,
        call: Call,
        relevance: FloatArray,
        team_ids: Sequence[str],
        k: int = 10,
        query: npt.NDArray[np.float32] | None = None,
    ) -> list[PartnerSuggestion]:
        """The ``k`` best profiles to add to ``team_ids`` for ``call`` (``k <= 0``: all).

        A suggestion keeps the team within the call's rules: eligible, reachable, no
        declared conflict with a member, and no institution past the per-institution cap.
        ``query`` is the call's vector: with it and a learned model, the learned score
        ranks; without either, the linear one.
        """
        team = [self.dataset.profile(profile_id) for profile_id in team_ids]
        present = {p.country for p in team}
        counts = {c: sum(1 for p in team if p.country == c) for c in present}
        need = {
            country
            for country, minimum in call.rules.required_countries.items()
            if counts.get(country, 0) < minimum
        }
        if self.model is None and 0 < k <= _PREFIX // 2:
            fast = self._linear_for_team(call, relevance, team, need, k, query)
            if fast is not None:
                return fast
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
        return self._rank(relevance, allowed, team, need, k, query, self.note, call.text)

    def _static_order(self, call: Call, base: FloatArray, need: set[str]) -> _CallOrder:
        """The linear score without the team's terms, and the best positions by it (cached
        per call and set of needed countries)."""
        key = (call.id, frozenset(need))
        entry = self._orders.get(key)
        if entry is not None and _same_array(entry.base, base):
            self._orders.move_to_end(key)
            return entry
        cost = self.route_costs()
        reachable = np.isfinite(cost)
        w = self.weights
        if self._route_term is None:
            self._route_term = w.route_weight * np.where(reachable, cost, 0.0)
        route_term = self._route_term
        need_mask = self._in_countries(need).astype(np.float32)
        # The same operations, in the same order, as _rank's: equal floats, equal ties.
        static = np.where(
            self.eligible_for(call) & reachable,
            base - route_term + w.need_weight * need_mask,
            -np.inf,
        ).astype(np.float32)
        finite = np.flatnonzero(np.isfinite(static))
        truncated = len(finite) > _PREFIX
        if truncated:
            kth = np.partition(static[finite], len(finite) - _PREFIX)[len(finite) - _PREFIX]
            finite = finite[static[finite] >= kth]
        order = finite[np.lexsort((finite, -static[finite]))][:_PREFIX]
        entry = _CallOrder(base, static, need_mask, route_term, order, truncated)
        self._orders[key] = entry
        if len(self._orders) > _CACHED_ORDERS:
            self._orders.popitem(last=False)  # least recently used
        return entry

    def _linear_for_team(
        self,
        call: Call,
        base: FloatArray,
        team: Sequence[Profile],
        need: set[str],
        k: int,
        query: npt.NDArray[np.float32] | None,
    ) -> list[PartnerSuggestion] | None:
        """:meth:`_rank`'s linear list, from the call's static order plus the few profiles
        the team changes (its collaborators, its members and conflicts, full
        institutions): what a request costs then is the team's history, not a pass over
        every profile. ``None`` when the cached order runs out (the caller ranks all)."""
        entry = self._static_order(call, base, need)
        w = self.weights
        excluded: set[int] = set()
        for member in team:
            excluded.add(self._position[member.id])
            excluded.update(self._conflicts.get(member.id, ()))
        cap = call.rules.max_per_institution
        if cap is not None:
            per_institution = Counter(p.institution for p in team if p.institution)
            for institution, count in per_institution.items():
                if count >= cap:
                    excluded.update(self._by_institution.get(institution, ()))
        joint = _SparseValues()
        for member in team:
            for other, count in self.routes.joint_works(member.id).items():
                position = self._position.get(other)
                if position is not None:
                    joint[position] = joint.get(position, 0) + count
        topic = _SparseValues()
        if self.topic_ties is not None and query is not None and w.topic_weight:
            positions, values = self.topic_ties.sparse(query, [self._position[m.id] for m in team])
            topic.update(zip(positions.tolist(), values.tolist(), strict=True))
        touched = np.asarray(
            sorted(p for p in set(joint) | set(topic) if p not in excluded), dtype=np.int64
        )
        touched = touched[np.isfinite(entry.static[touched])]
        joint_t = np.asarray([joint.get(p, 0) for p in touched.tolist()], dtype=np.int64)
        topic_t = np.asarray([topic.get(p, 0.0) for p in touched.tolist()], dtype=np.float64)
        core = (
            base[touched]
            + w.collaboration_weight * self._strength(joint_t)
            + w.topic_weight * self._strength(topic_t)
        )
        boosted = core - entry.route_term[touched] + w.need_weight * entry.need_mask[touched]
        scores = dict(zip(touched.tolist(), boosted.tolist(), strict=True))
        untouched: list[int] = []
        for position in entry.order.tolist():
            if position not in excluded and position not in scores:
                untouched.append(position)
                if len(untouched) == k:
                    break
        if len(untouched) < k and entry.truncated:
            return None
        scores.update((p, float(entry.static[p])) for p in untouched)
        chosen = sorted(scores, key=lambda p: (-scores[p], p))[:k]
        return self._suggestions(
            chosen,
            scores,
            base,
            joint,
            topic,
            entry.need_mask,
            team,
            self._linear_reasons_of(base, joint, topic, entry.need_mask, chosen),
            learned=False,
            note=self.note,
        )

    def abroad(
        self, researcher_id: str, similarity: FloatArray, k: int = 10
    ) -> list[PartnerSuggestion]:
        """The ``k`` best partners abroad for one researcher, by similarity of their work."""
        researcher = self.dataset.profile(researcher_id)
        allowed = (self._countries != "") & (self._countries != (researcher.country or ""))
        allowed[self._position[researcher.id]] = False
        return self._rank(similarity, allowed, [researcher], set(), k)


_PREFIX = 1024
"""Positions of a call's static partner order kept (a list of up to half as many is
ranked from it; longer ones, or teams that exclude most of it, rank every profile)."""


_CACHED_ORDERS = 256
"""Static orders kept per finder, least recently used dropped first (each holds two
float arrays over the profiles: 400 kB at 50,000 profiles)."""


class Indexable(Protocol):
    """A value per profile position: an array, or a mapping of the few that are set."""

    def __getitem__(self, position: int, /) -> Any: ...


class _SparseValues(dict[int, Any]):
    """A mapping of positions to values that reads 0 for the positions it lacks."""

    def __missing__(self, _position: int) -> int:
        return 0


@dataclass(frozen=True)
class _CallOrder:
    """A call's linear partner score without the team's terms, per profile (``-inf``
    where the call's rules or the routes exclude it), and the best positions by it.

    ``base`` (the relevance row it was made from) is held so that the cache can recognise
    the same row by its memory: an array kept alive cannot have its address reused.
    """

    base: FloatArray
    static: FloatArray
    need_mask: FloatArray
    route_term: npt.NDArray[np.floating[Any]]
    order: IntArray
    truncated: bool


def _same_array(a: FloatArray, b: FloatArray) -> bool:
    """Whether ``a`` and ``b`` are the same memory (the same relevance row)."""
    return a is b or (
        a.shape == b.shape
        and a.strides == b.strides
        and a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    )


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

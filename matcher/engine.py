"""The Python API in one object: fit a dataset once, then ask for rankings, teams, partners."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from embeddings import DEFAULT_BACKEND, Encoder, shared_space
from embeddings.locations import DEFAULT_CACHE
from matcher.countries import normalize_country
from matcher.coverage import CallPart, call_parts, coverage_matrix
from matcher.dataset import Dataset, with_agreements
from matcher.eligibility import BoolArray, Eligibility, EligibilityChecker
from matcher.evidence import (
    EvidenceIndex,
    FloatMatrix,
    IntArray,
    embed_unique,
    encode_as,
    make_encoder,
)
from matcher.model import Call
from matcher.partner_model import (
    LearnedPartnerModel,
    PartnerModelInfo,
    TopicTies,
    fit_partner_model,
)
from matcher.partners import PartnerFinder, PartnerSuggestion, PartnerWeights
from matcher.relevance import (
    Explanation,
    RelevanceScorer,
    RelevanceWeights,
    profile_vectors,
    top_k_indices,
)
from matcher.routes import RouteCosts, RouteFinder
from matcher.teams import Candidate, CoverageFn, TeamAssembler, TeamObjective, TeamResult

SIDES_KEPT = 8
"""Points of view a fitted matcher keeps answers for (:meth:`Matcher.from_side`), least
recently asked dropped first: each holds every profile's route and the candidate orders."""


@dataclass(frozen=True)
class RankedProfile:
    """One row of a ranking: ``rank`` 1 is the best; higher ``score`` is more relevant."""

    call_id: str
    profile_id: str
    score: float
    rank: int


class Matcher:
    """Scores profiles against calls, assembles teams and suggests partners.

    ``__init__`` only stores the configuration; :meth:`fit` embeds the dataset (each
    distinct text once) and computes every profile's relevance to every call.

    Parameters
    ----------
    encoder : str or Encoder
        An embedding backend name (see :func:`embeddings.available_backends`; ``"auto"``,
        the default, takes the English model for an all-English dataset and a multilingual
        one otherwise) or an encoder instance.
    cache_path : path, "auto" or None
        SQLite file of the persistent vector cache: re-fitting after a small change
        embeds only the texts that changed. ``"auto"`` (the default) is the cache the CLI
        and the service use (``$GRANTMATCH_HOME/cache/vectors.sqlite``, or
        ``GRANTMATCH_CACHE``; see :mod:`embeddings.locations`); ``None``: no cache.
    relevance : RelevanceWeights, optional
        How the parts of relevance are blended.
    team_objective : TeamObjective, optional
        Weights of the team objective.
    partner_weights : PartnerWeights, optional
        Weights of the partner score, and which model ranks partners (``model``:
        ``"learned"``, the default, fitted on the dataset's own past teams at :meth:`fit`,
        which falls back to the linear score when the history is too thin, or
        ``"linear"``; see :meth:`partner_model`).
    route_costs : RouteCosts, optional
        Cost of each kind of route.
    home_country : str, optional
        The default side (point of view): the country teams are built from and routes
        start from; inferred from the offices (the most common home country) when omitted.
        :meth:`from_side` gives the answers from another side.
    show_progress : bool
        Show a progress bar while embedding.

    Examples
    --------
    >>> from matcher import Matcher, load_demo
    >>> matcher = Matcher().fit(load_demo())          # doctest: +SKIP
    >>> matcher.rank("call-ru-cn-methane", k=5)       # doctest: +SKIP
    """

    partner_info_: PartnerModelInfo

    def __init__(
        self,
        encoder: str | Encoder = DEFAULT_BACKEND,
        *,
        cache_path: str | Path | None = DEFAULT_CACHE,
        relevance: RelevanceWeights | None = None,
        team_objective: TeamObjective | None = None,
        partner_weights: PartnerWeights | None = None,
        route_costs: RouteCosts | None = None,
        home_country: str | None = None,
        show_progress: bool = False,
    ) -> None:
        self.encoder = encoder
        self.cache_path = cache_path
        self.relevance = relevance
        self.team_objective = team_objective
        self.partner_weights = partner_weights
        self.route_costs = route_costs
        self.home_country = home_country
        self.show_progress = show_progress

    # -- fitting -------------------------------------------------------------------------

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        return self.encoder_.encode(texts, show_progress=self.show_progress)

    def _encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return encode_as(self.encoder_, texts, "query")

    def fit(self, dataset: Dataset) -> Matcher:
        """Embed ``dataset`` and score every profile against every call; returns ``self``."""
        self.encoder_ = make_encoder(dataset, self.encoder, self.cache_path)
        calibration = self.encoder_.calibrate
        self.dataset_ = dataset
        self.index_ = EvidenceIndex.build(dataset.profiles, self._encode)
        weights = self.relevance or RelevanceWeights()
        self.scorer_ = RelevanceScorer(
            weights,
            calibration=calibration,
            lexical=RelevanceScorer.lexical_index(self.index_, weights),
            backend=self.encoder_.name,
        )
        call_texts = [call.text for call in dataset.calls]
        self.call_vectors_ = embed_unique(call_texts, self._encode_queries)
        # Call parts are embedded lazily, per call, the first time coverage is asked for.
        self._part_vectors: dict[str, FloatMatrix] = {}
        self.scores_ = self.scorer_.score_matrix(self.call_vectors_, self.index_, call_texts)
        self._call_position = {call.id: i for i, call in enumerate(dataset.calls)}
        self._profile_position = {p.id: i for i, p in enumerate(dataset.profiles)}
        self._profile_vectors: FloatMatrix | None = None
        self._id_rank: IntArray | None = None
        self._candidate_order: dict[str, IntArray] = {}
        self._ties: TopicTies | None = None
        # The learned partner model is fitted on first use (partners, partner_model, warm):
        # it takes seconds to minutes, and most commands never ask for partners.
        self.partner_model_: LearnedPartnerModel | None = None
        self._partner_model_fitted = False
        self._sides: OrderedDict[str, Matcher] = OrderedDict()
        self._sides_lock = threading.Lock()
        self._origin: weakref.ref[Matcher] | None = None
        self._set_routes(RouteFinder(dataset, self.home_country, self.route_costs))
        return self

    # -- points of view ------------------------------------------------------------------

    @property
    def side(self) -> str | None:
        """The point of view this matcher answers from (the routes' home country)."""
        self._check_fitted()
        return self.routes_.home_country

    def from_side(self, country: str | None) -> Matcher:
        """This fitted matcher's answers from another point of view.

        Routes start from ``country``: its offices (those whose ``home_country`` it is),
        its institutions' agreements (both ways) and past collaboration with its people;
        profiles of ``country`` are domestic. Relevance, embeddings and the partner model
        are shared, not recomputed. The copies are kept per side (the
        :data:`SIDES_KEPT` most recently asked for).

        Parameters
        ----------
        country : str or None
            A country code or name (``"KZ"``, ``"Kazakhstan"``, ``"Казахстан"``);
            ``None`` or this matcher's own side returns ``self``.

        Raises
        ------
        ValueError
            For a value that is not a country.
        """
        self._check_fitted()
        if country is None:
            return self
        side = normalize_country(country)
        if side == self.routes_.home_country:
            return self
        with self._sides_lock:  # a service asks from several threads
            found = self._sides.get(side)
            if found is not None:
                self._sides.move_to_end(side)
                return found
            return self._new_side(side)

    def _new_side(self, side: str) -> Matcher:
        copy = self._copy()
        copy._origin = weakref.ref(self)
        routes = self.routes_
        copy._set_routes(
            RouteFinder(
                self.dataset_, side, self.route_costs, routes.assume_open, routes.assume_closed
            )
        )
        self._sides[side] = copy
        while len(self._sides) > SIDES_KEPT:
            self._sides.popitem(last=False)
        return copy

    def _copy(self) -> Matcher:
        """A shallow copy sharing what was fitted, with the per-routes caches emptied."""
        copy = Matcher.__new__(Matcher)
        copy.__dict__.update(self.__dict__)
        copy._candidate_order = {}  # the routes differ: so do the candidate pools
        copy._sides = OrderedDict()
        copy._sides_lock = threading.Lock()
        return copy

    def _ensure_partner_model(self) -> None:
        """Fit the partner model if that has not been done; give the finder the result."""
        if not self._partner_model_fitted:
            origin = self._origin() if self._origin is not None else None
            if origin is not None:
                # A side's copy shares its origin's model (it does not depend on routes).
                origin._ensure_partner_model()
                self.partner_model_ = origin.partner_model_
                self.partner_info_ = origin.partner_info_
            else:
                self._fit_partner_model()
            self._partner_model_fitted = True
            self.partners_ = self._partner_finder(self.routes_)

    def _fit_partner_model(self) -> None:
        weights = self.partner_weights or PartnerWeights()
        self.partner_model_ = None
        if weights.model == "learned":
            self.partner_model_, self.partner_info_ = fit_partner_model(
                self.dataset_,
                self.index_,
                self.encoder_.calibrate,
                weights.learned,
                self._call_vectors_by_id(),
            )
        else:
            self.partner_info_ = PartnerModelInfo(
                "linear", "the linear score was asked for (PartnerWeights.model)", 0, 0, 0, 0.0, ()
            )

    def partner_model(self) -> PartnerModelInfo:
        """Which partner model :meth:`partners` uses (``kind``: ``"learned"`` or
        ``"linear"``), why linear when it is (``reason``), on how many past teams and
        examples it was fitted, how long that took and its features (fitting it now if
        it was not yet)."""
        self._check_fitted()
        self._ensure_partner_model()
        return self.partner_info_

    def with_partner_weights(self, weights: PartnerWeights) -> Matcher:
        """A copy of this fitted matcher with other partner weights (the partner model is
        refitted; embeddings and relevance are kept)."""
        self._check_fitted()
        copy = self._copy()
        copy._origin = None
        copy.partner_weights = weights
        copy.partner_model_ = None
        copy._partner_model_fitted = False
        copy._set_routes(self.routes_)
        return copy

    def _set_routes(self, routes: RouteFinder) -> None:
        self.routes_ = routes
        self.eligibility_ = EligibilityChecker(self.dataset_, routes)
        self.teams_ = TeamAssembler(
            self.dataset_,
            routes,
            self.team_objective,
            coverage=_weak_coverage(self),
            eligibility=self.eligibility_,
        )
        self.partners_ = self._partner_finder(routes)

    def _partner_finder(self, routes: RouteFinder) -> PartnerFinder:
        fitted = self._partner_model_fitted
        return PartnerFinder(
            self.dataset_,
            routes,
            self.partner_weights,
            model=self.partner_model_ if fitted else None,
            model_info=self.partner_info_ if fitted else None,
            eligibility=self.eligibility_,
            topic_ties=self._topic_ties(),
        )

    def _topic_ties(self) -> TopicTies:
        """Topic-weighted joint works for the linear partner score (the work history is
        built on first use, or shared with the learned model's)."""
        history = self.partner_model_.builder.history if self.partner_model_ else None
        if history is not None or self._ties is None:
            self._ties = TopicTies(
                self.dataset_,
                self.index_,
                self.encoder_.calibrate,
                history,
                self._call_vectors_by_id(),
            )
        return self._ties

    def _call_vectors_by_id(self) -> dict[str, FloatMatrix]:
        """Each call's vector: the text of the outcomes recorded for it (partner history)."""
        return {call_id: self.call_vectors_[i] for call_id, i in self._call_position.items()}

    def _team_coverage(
        self, call: Call, profile_ids: Sequence[str]
    ) -> tuple[list[str], FloatMatrix]:
        """The coverage term's input: the call's parts and how well each profile covers them."""
        parts = [part.text for part in self.call_parts(call.id)]
        return parts, self.coverage(call.id, profile_ids)

    def _check_fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise RuntimeError("call fit(dataset) before asking the Matcher for answers")

    def relevance_of(self, call_id: str) -> FloatMatrix:
        """Every profile's relevance to one call, aligned with ``dataset_.profiles``."""
        self._check_fitted()
        self.dataset_.call(call_id)  # UnknownIdError for an unknown call
        row: FloatMatrix = self.scores_[self._call_position[call_id]]
        return row

    def call_parts(self, call_id: str) -> list[CallPart]:
        """The parts of a call (keywords and sentences) that coverage is measured on."""
        self._check_fitted()
        return call_parts(self.dataset_.call(call_id))

    def _call_part_vectors(self, call_id: str) -> FloatMatrix:
        """Query vectors of a call's parts, embedded once per fitted matcher."""
        vectors = self._part_vectors.get(call_id)
        if vectors is None:
            texts = [part.text for part in self.call_parts(call_id)]
            vectors = embed_unique(texts, self._encode_queries)
            self._part_vectors[call_id] = vectors
        return vectors

    def coverage(self, call_id: str, profile_ids: Sequence[str]) -> FloatMatrix:
        """How well each profile's evidence covers each part of a call.

        Parameters
        ----------
        call_id : str
            The call; its parts are :meth:`call_parts`.
        profile_ids : sequence of str
            The profiles (repeats allowed).

        Returns
        -------
        ndarray of float32, shape (len(profile_ids), n_parts)
            Per profile and part, the best calibrated similarity of its evidence, in [0, 1].
        """
        vectors = self._call_part_vectors(call_id)
        positions = []
        for profile_id in profile_ids:
            self.dataset_.profile(profile_id)  # UnknownIdError for an unknown profile
            positions.append(self._profile_position[profile_id])
        return coverage_matrix(
            vectors, self.index_, np.asarray(positions, np.int64), self.encoder_.calibrate
        )

    def expertise(
        self,
        texts: Sequence[str],
        profile_ids: Sequence[str],
        *,
        vectors: FloatMatrix | None = None,
    ) -> FloatMatrix:
        """Relevance of profiles to arbitrary texts (e.g. grant applications), scored
        exactly as profiles are scored against calls: each piece of evidence's calibrated
        similarity, publications aggregated so that the best count most, blended with the
        keywords and summary (:class:`~matcher.relevance.RelevanceWeights`).

        Parameters
        ----------
        texts : sequence of str
            The texts, embedded as queries (each distinct text once).
        profile_ids : sequence of str
            The profiles (columns).
        vectors : ndarray of float32, shape (len(texts), dim), optional
            The texts' query vectors when the caller already has them.

        Returns
        -------
        ndarray of float32, shape (len(texts), len(profile_ids))
            On the engine's calibrated relevance scale (0 for a profile without evidence).

        Raises
        ------
        UnknownIdError
            For an unknown profile id.
        """
        self._check_fitted()
        positions = np.asarray(
            [self._profile_position[self.dataset_.profile(p).id] for p in profile_ids], np.int64
        )
        if vectors is None:
            vectors = embed_unique(list(texts), self._encode_queries)
        weights = self.scorer_.weights
        if len(texts) == 0 or len(positions) == 0:
            return np.zeros((len(texts), len(positions)), dtype=np.float32)
        if weights.lexical > 0 or weights.recency_half_life is not None:
            # The lexical statistics and the recency reference year belong to the whole
            # index: score against all of it and keep the asked-for columns.
            full = self.scorer_.score_matrix(vectors, self.index_, list(texts))
            return np.ascontiguousarray(full[:, positions])
        # Dense only: score against the asked-for profiles' evidence alone (a reviewer
        # pool is usually a small part of the data set).
        unique, inverse = np.unique(positions, return_inverse=True)
        local = np.full(len(self.index_.profile_ids), -1, dtype=np.int64)
        local[unique] = np.arange(len(unique))
        rows = np.flatnonzero(local[self.index_.owner] >= 0)
        index = self.index_
        subset = EvidenceIndex(
            profile_ids=[index.profile_ids[p] for p in unique.tolist()],
            owner=local[index.owner[rows]],
            kind=index.kind[rows],
            item=index.item[rows],
            vectors=index.vectors[rows],
            year=None if index.year is None else index.year[rows],
        )
        scores = self.scorer_.score_matrix(vectors, subset)
        return np.ascontiguousarray(scores[:, inverse])

    # -- answers -------------------------------------------------------------------------

    def rank(
        self, call_id: str, k: int = 10, *, eligible_only: bool = False
    ) -> list[RankedProfile]:
        """The ``k`` most relevant profiles for one call (``k <= 0``: every profile).

        With ``eligible_only``, only profiles that may join the call's team (eligible
        under its rules and reachable, see :meth:`eligibility`) are ranked: the ``k``
        best of them, ranks 1 to ``k``. Otherwise everyone is ranked, eligible or not.
        """
        scores = self.relevance_of(call_id)
        if eligible_only:
            allowed = np.flatnonzero(self.may_join(call_id))
            positions = allowed[top_k_indices(scores[allowed], k)]
        else:
            positions = top_k_indices(scores, k)
        return [
            RankedProfile(call_id, self.dataset_.profiles[p].id, float(scores[p]), rank)
            for rank, p in enumerate(positions, start=1)
        ]

    def eligibility(self, call_id: str, profile_id: str) -> Eligibility:
        """Whether a profile may join a team for a call, and if not, why.

        Returns
        -------
        Eligibility
            ``eligible`` (the call's member kinds, eligible countries and consortia admit
            it, and it has capacity), ``reachable`` (a route reaches it), ``route``, and
            ``rule`` / ``reason`` naming the first failing rule with the profile's value,
            e.g. "country KZ is not among the call's eligible countries RU, CN".
        """
        self._check_fitted()
        call = self.dataset_.call(call_id)
        return self.eligibility_.check(call, self.dataset_.profile(profile_id))

    def may_join(self, call_id: str) -> BoolArray:
        """Per profile (aligned with ``dataset_.profiles``): eligible for the call and
        reachable."""
        self._check_fitted()
        return self.eligibility_.may_join_mask(self.dataset_.call(call_id))

    def nobody_may_join(self, call_id: str) -> str | None:
        """Why no profile at all may join the call's team (``None`` when someone may):
        the failing rules with how many profiles fail each and an example."""
        self._check_fitted()
        return self.eligibility_.nobody_reason(self.dataset_.call(call_id))

    def candidates(self, call_id: str, k: int = 10) -> list[Candidate]:
        """The ``k`` most relevant profiles that may join a team for the call: eligible
        under its rules and reachable by a route, best first (``k <= 0``: all of them)."""
        positions = self.candidate_positions(call_id)
        relevance = self.relevance_of(call_id)
        routes = self.partners_.pool_routes()
        chosen = positions if k <= 0 else positions[:k]
        pool = []
        for position in chosen.tolist():
            route = routes[position]
            assert route is not None  # reachable was required
            pool.append(
                Candidate(self.dataset_.profiles[position], float(relevance[position]), route)
            )
        return pool

    def candidate_positions(self, call_id: str) -> IntArray:
        """Positions (in ``dataset_.profiles``) of the call's eligible, reachable profiles,
        best first, ties by profile id: the order of :meth:`candidates`.

        Vectorised over the pool: eligibility per call and the route per profile are
        computed once per fitted matcher (see :meth:`warm`), so that a candidates answer
        costs a sort, not a walk of every profile's routes.
        """
        cached = self._candidate_order.get(call_id)
        if cached is not None:
            return cached
        relevance = self.relevance_of(call_id)
        allowed = self.partners_.eligible_for(self.dataset_.call(call_id))
        positions = np.flatnonzero(allowed & np.isfinite(self.partners_.route_costs()))
        # lexsort: the last key is the primary one (relevance, descending), ties by id.
        order = np.lexsort((self._id_order()[positions], -relevance[positions]))
        result: IntArray = positions[order]
        self._candidate_order[call_id] = result
        return result

    def _id_order(self) -> IntArray:
        """Each profile's rank by id (a numeric key for tie-breaking by id)."""
        if self._id_rank is None:
            ids = [p.id for p in self.dataset_.profiles]
            rank = np.empty(len(ids), dtype=np.int64)
            rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
            self._id_rank = rank
        return self._id_rank

    def warm(self, call_ids: Sequence[str] | None = None) -> None:
        """Compute now what answers would otherwise compute on first use: every profile's
        route, each call's eligibility and candidate order, the profile vectors, the work
        history of the partner score's topic ties, the learned partner model when it is
        asked for.

        A service calls it on a freshly fitted matcher before serving from it, so that no
        request pays for it.
        """
        self._check_fitted()
        self._ensure_partner_model()
        self.partners_.route_costs()
        if self.partners_.topic_ties is not None:
            self.partners_.topic_ties.history  # noqa: B018 - built on first use
        self._id_order()
        for call_id in call_ids if call_ids is not None else [c.id for c in self.dataset_.calls]:
            self.candidate_positions(call_id)
        if self._profile_vectors is None:
            self._profile_vectors = self._comparable_profile_vectors()

    def rank_all(self, k: int = 10, *, eligible_only: bool = False) -> Iterator[RankedProfile]:
        """:meth:`rank` for every call, in the dataset's call order."""
        for call in self.dataset_.calls:
            yield from self.rank(call.id, k, eligible_only=eligible_only)

    def explain(self, call_id: str, profile_id: str) -> Explanation:
        """The parts of one score, the publications and keywords behind it, and whether
        the profile may join the call at all.

        ``is_match`` is true only for a real match: the score reaches the match threshold
        (``reaches_threshold``) *and* the profile may join the call's team
        (``eligibility``, with the reason when it may not).
        """
        self._check_fitted()
        call = self.dataset_.call(call_id)
        profile = self.dataset_.profile(profile_id)
        explanation = self.scorer_.explain(
            call,
            self.call_vectors_[self._call_position[call_id]],
            profile,
            self._profile_position[profile_id],
            self.index_,
            parts=self.call_parts(call_id),
            part_vectors=self._call_part_vectors(call_id),
        )
        eligibility = self.eligibility(call_id, profile_id)
        return replace(
            explanation,
            call_abstains=self.abstains(call_id),
            reaches_threshold=explanation.is_match,
            is_match=explanation.is_match and eligibility.may_join,
            eligibility=eligibility,
        )

    @property
    def match_threshold(self) -> float:
        """The score from which a profile is a real match for a call (calibrated scale)."""
        self._check_fitted()
        return self.scorer_.match_threshold

    def abstains(self, call_id: str) -> bool:
        """Whether nobody in the pool is a real match for the call.

        True when the best relevance among all profiles is below :attr:`match_threshold`
        (``RelevanceWeights.match_threshold``, by default the value measured for the
        embedding backend): the ranking then holds weak matches only,
        and answers should say so instead of presenting them as good ones.
        """
        scores = self.relevance_of(call_id)
        return not (len(scores) and float(scores.max()) >= self.match_threshold)

    def team(
        self,
        call_id: str,
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
        solver: str = "exact",
        alternatives: int = 0,
        relax: bool = True,
    ) -> TeamResult:
        """The best team for a call under its rules, and ``alternatives`` diverse others.

        Parameters
        ----------
        call_id : str
            The call.
        pin, ban : sequence of str
            Profiles every suggested team must include, or must not.
        solver : {"exact", "fast"}
            The exact MILP, or greedy construction plus local search (a fast answer that
            is confirmed by the exact solver when it finds no team).
        alternatives : int
            How many more teams to suggest; each shares at most half of the members of
            every suggestion before it (the pins aside).
        relax : bool
            When no team exists, search for the smallest relaxations under which one does
            (``TeamResult.relaxations``).
        """
        relevance = self.relevance_of(call_id)
        for profile_id in [*pin, *ban]:
            self.dataset_.profile(profile_id)
        return self.teams_.assemble(
            self.dataset_.call(call_id),
            relevance,
            pin=pin,
            ban=ban,
            solver=solver,
            alternatives=alternatives,
            relax=relax,
        )

    def partners(self, call_id: str, team: Sequence[str], k: int = 10) -> list[PartnerSuggestion]:
        """The ``k`` best profiles to add to a partial ``team`` for a call.

        Ranked by the learned partner model (the default; fitted on the first call) when
        the data's history suffices, otherwise (or with ``PartnerWeights(model="linear")``) by
        the linear score (:meth:`partner_model` says which; each suggestion carries
        ``model``, ``note`` and its ``reasons``).
        """
        relevance = self.relevance_of(call_id)
        query = self.call_vectors_[self._call_position[call_id]]
        self._ensure_partner_model()
        return self.partners_.for_team(self.dataset_.call(call_id), relevance, team, k, query)

    def _comparable_profile_vectors(self) -> FloatMatrix:
        # A per-language-pair encoder's passages compare in its multilingual space only.
        return shared_space(self.encoder_, profile_vectors(self.index_))

    def partners_abroad(self, profile_id: str, k: int = 10) -> list[PartnerSuggestion]:
        """The ``k`` best partners in other countries for one researcher.

        Similarity is the cosine of the two profiles' mean evidence vectors (-1 to 1).
        """
        self._check_fitted()
        self.dataset_.profile(profile_id)
        if self._profile_vectors is None:
            self._profile_vectors = self._comparable_profile_vectors()
        vectors = self._profile_vectors
        # Raw cosine of the profiles' mean vectors: the backend calibration is fitted on a
        # short text against an abstract and does not describe two averaged profiles.
        similarity = vectors @ vectors[self._profile_position[profile_id]]
        return self.partners_.abroad(profile_id, np.asarray(similarity, np.float32), k)

    def what_if(
        self,
        open_offices: Collection[str] = (),
        agreements: Collection[tuple[str, str]] = (),
        close_offices: Collection[str] = (),
    ) -> Matcher:
        """A copy of this fitted matcher in which the given offices are open (or closed) and
        the given institution pairs have signed agreements (relevance is not recomputed)."""
        self._check_fitted()
        dataset = self.dataset_
        if agreements:
            dataset = with_agreements(dataset, agreements)
        copy = self._copy()
        copy.dataset_ = dataset
        opened = set(self.routes_.assume_open) | set(open_offices)
        closed = set(self.routes_.assume_closed) | set(close_offices)
        copy._set_routes(
            RouteFinder(dataset, self.routes_.home_country, self.route_costs, opened, closed)
        )
        return copy

    def describe(self) -> dict[str, Any]:
        """Sizes of what was fitted, for logs and progress output."""
        self._check_fitted()
        return {
            "profiles": len(self.dataset_.profiles),
            "calls": len(self.dataset_.calls),
            "evidence_rows": len(self.index_.owner),
            "encoder": self.encoder_.model_id,
            "home_country": self.routes_.home_country,
            "side": self.routes_.home_country,
        }


def _weak_coverage(matcher: Matcher) -> CoverageFn:
    """``matcher._team_coverage`` without a strong reference back to the matcher.

    The assembler is held by the matcher; a bound method would close a reference cycle,
    and an engine in a cycle is freed only by a full garbage collection (a second-long
    pause at 50,000 profiles) instead of as soon as the service drops it.
    """
    method = weakref.WeakMethod(matcher._team_coverage)

    def coverage(call: Call, profile_ids: Sequence[str]) -> tuple[list[str], FloatMatrix]:
        bound = method()
        if bound is None:
            raise RuntimeError("the Matcher this team assembler belongs to is gone")
        return bound(call, profile_ids)

    return coverage

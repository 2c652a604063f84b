"""The learned partner model: who joins a team, learned from the dataset's own history.

**History.** Every past work in the data is a past team: a publication (for an organisation,
a past project) with its owner and its ``coauthors`` that are profiles in the data, counted
once however many members list it; a pair of ``collaborators`` with more joint works declared
than coauthored adds text-less two-member works. A work has the year of its publication
(unknown years count as older than every known one) and the vector of its text. Recorded
outcomes that are evidence of collaboration (an accepted introduction, an application, a
funded grant: :func:`matcher.routes.tie_outcomes`) are works too, with their date, their
members and their call's vector as text (when the call is known): applied and funded teams
of at least ``min_team_size`` are training examples like any past team.

**Training examples** (:func:`training_works`, the splitter). Every past team with at least
``min_team_size`` members and a known year, optionally only those before ``before_year``, is
one example of "given the rest of the team and the topic, who joined": one member (with at
least one earlier work, chosen with the seed) is hidden, the other members with earlier work
are the team (as a query's team is read: members the history has never seen add nothing),
the work's own text is the call. Its features are computed from the history *as of* that work
(:meth:`TeamHistory.visible`): works of the same year or earlier, never the work itself and
never a later one, so no example sees its own outcome or the future; an outcome's example
sees no outcome dated after it (to the day), and an example with a year only sees outcomes
of its year or earlier, as it sees publications. The hidden member is the
positive; ``negatives`` others are drawn among the candidates near the team (the best 500 by
personalised PageRank, text or on-topic work) and as many among the rest, each weighted by
the inverse of its chance of being drawn, so the sample stays unbiased (unweighted hard
negatives teach the model that well-connected candidates never join).

**Estimators** (``LearnedOptions.estimator``). ``"logistic"``: a weighted logistic
regression on the features (missing as 0, arcsinh, standardised; pointwise log-loss);
``"pairwise"``: a linear ranker fitted on joiner-versus-negative pairs of each example
(:class:`PairwiseLogistic`); ``"hgb"``: scikit-learn's ``HistGradientBoostingClassifier``
(pointwise, monotone in the tie and closeness features, seeded, no early stopping).
``"auto"`` (the default) chooses among :data:`AUTO_CANDIDATES` on a **time-aware validation
split**: the latest quarter of the training teams (by year, then data order; at most
``validation_examples``) is held out, every candidate is fitted on the teams before them
and scored by the mean reciprocal rank of the held-out joiner among all candidates
(estimated from every "near" candidate and a weighted sample of the rest); the winner is
then refitted on all teams. With too few teams to hold out (:data:`MIN_VALIDATION`), it
takes :data:`AUTO_FALLBACK`. Every step is seeded, so a seed gives the same model.

**Features** (:data:`FEATURE_GROUPS`), per candidate, from the visible history only:

* ``text``: calibrated similarity of the call to the candidate's best and mean past work, to
  its keywords and summary, and the sum of its on-topic work (similarity above 0);
* ``lexical``: the mean calibrated TF-IDF similarity (:class:`matcher.lexical.LexicalIndex`,
  fitted on the works' texts) of the call's text to the candidate's past works: the exact
  terms (a method, a material, an acronym) the dense vectors blur;
* ``joint``: joint works with the team's members, how many members it worked with (and
  their share of the team); counts (joint works, works, on-topic work, Adamic-Adar) are
  scaled to the size of the full history, so an example that sees a third of it compares;
* ``topic_joint``: the same joint works weighted by how close each is to the call (sum and
  best);
* ``network``: a weighted Adamic-Adar index (collaborators it shares with the team, each
  counting ``1 / log(2 + its works)``) and personalised PageRank from the team on the
  collaboration graph (restart 0.3, 10 sparse iterations over the work x profile incidence
  matrix, never a dense profile x profile matrix);
* ``activity``: number of past works, years since its last one;
* ``country``: the share of the topic's past work (similarity squared) done in the
  candidate's country, and how many team members share its country;
* ``query_norm``: where the candidate stands among this call's candidates: best-work and
  keyword similarity as z-scores, topic-weighted and direct joint works and PageRank as
  shares of the call's strongest;
* and the team's size as context.

**Scores and explanations.** A suggestion's score is ``0.1 x`` the model's log-odds, minus
the route cost and plus the required-country bonus exactly as in the linear score
(:class:`matcher.partners.PartnerWeights`). Its reasons are per feature-group deltas: the
log-odds lost when that group's features are replaced by those of the call's typical
candidate (the per-feature median over the candidates); the groups that carried it most are
named with their values.

**Fallback.** With fewer than ``min_history_teams`` (50) past teams of at least
``min_team_size`` (3) members, or fewer than that many usable ones (with two members who have
earlier work: one to hold out, one as the team), there is too little history to learn from:
:func:`fit_partner_model` returns ``None`` with the reason, and the engine uses the linear
score and says so in every suggestion (``PartnerSuggestion.note``).
"""

from __future__ import annotations

import math
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex, EvidenceKind
from matcher.lexical import LexicalIndex
from matcher.routes import joint_work_counts, tie_outcomes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Calibrate = Callable[[npt.ArrayLike], npt.NDArray[np.float32]]

#: The features, by group; a group is what explanations and ablations name.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "text": ("text_max", "text_mean", "text_profile", "topic_activity"),
    # Words shared with the call (TF-IDF over the works' texts): exact terms the dense
    # vectors blur; the mean, not the best, so a candidate with many works is not favoured.
    "lexical": ("lexical_mean",),
    "joint": ("joint_works", "members_worked_with", "members_share"),
    "topic_joint": ("topic_joint", "topic_joint_max"),
    # Per-query normalisation: where the candidate stands in this call's candidate list.
    "query_norm": ("text_max_z", "text_profile_z", "topic_joint_rel", "joint_rel", "ppr_rel"),
    "network": ("adamic_adar", "ppr"),
    "activity": ("works", "years_since_last"),
    "country": ("country_topic_share", "country_in_team"),
}
#: Context features: never explained, never left out.
CONTEXT_FEATURES: tuple[str, ...] = ("team_size",)
FEATURES: tuple[str, ...] = (
    *(name for names in FEATURE_GROUPS.values() for name in names),
    *CONTEXT_FEATURES,
)
GROUP_LABELS: dict[str, str] = {
    "text": "text relevance",
    "lexical": "words shared with the call",
    "joint": "joint works with the team",
    "topic_joint": "joint works with the team on this topic",
    "query_norm": "stands out among this call's candidates",
    "network": "close in the collaboration network",
    "activity": "activity and recency",
    "country": "country the topic draws",
}
#: Log-odds to the partner score's scale (route and need terms keep their linear weights).
SCORE_SCALE = 0.1
PPR_RESTART = 0.3
PPR_ITERATIONS = 10


@dataclass(frozen=True)
class LearnedOptions:
    """How the learned partner model is trained (see the module docstring)."""

    min_history_teams: int = 50
    min_team_size: int = 3
    max_training_teams: int = 3000
    negatives: int = 40  # per stratum (near the team / the rest), weighted
    holdouts: int = 1  # members held out in turn per training team
    seed: int = 0
    exclude_groups: tuple[str, ...] = ()
    #: "logistic" (the default: best on the 2022-H2 validation of benchmarks/RESULTS.md),
    #: "auto" (chosen inside the fit on a time-aware validation split, see
    #: :func:`fit_partner_model`), "pairwise" (a linear ranker on joiner-vs-negative pairs)
    #: or "hgb" (gradient boosting).
    estimator: str = "logistic"
    regularisation: float = 1.0  # C of "logistic" and "pairwise" (smaller: stronger)
    validation_examples: int = 300  # at most this many last-year teams choose "auto"
    same_year: bool = True  # a training example sees works of its own year (not itself)
    before_year: int | None = None  # train only on works before this year
    monotone: bool = True  # the odds only grow with ties and closeness (MONOTONE)
    #: A training example's team: its members with earlier work (True, as a query's team
    #: is read) or every other member (False: the rule before 2026-12-02, for ablations).
    known_team: bool = True


@dataclass(frozen=True)
class PartnerReason:
    """One feature group that carried a suggestion: how much it added to the log-odds over
    the call's typical candidate, and the group's feature values."""

    group: str
    contribution: float
    values: tuple[tuple[str, float], ...]
    text: str


@dataclass(frozen=True)
class PartnerModelInfo:
    """Which partner model the engine uses, and on what it was fitted."""

    kind: str  # "learned" or "linear"
    reason: str  # why linear (too little history, or asked for); empty when learned
    history_teams: int  # past teams with at least min_team_size members
    examples: int  # training examples (teams) used
    rows: int  # training rows (positives and sampled negatives)
    fit_seconds: float
    features: tuple[str, ...]
    #: The fitted estimator ("logistic C=1", ...); empty when linear.
    estimator: str = ""
    #: With ``estimator="auto"``: each candidate and its MRR on the validation split.
    validation: tuple[tuple[str, float], ...] = ()


class TeamHistory:
    """Past works as a sparse work x profile incidence matrix, with years and text vectors.

    Attributes
    ----------
    incidence : csr_matrix, shape (n_works, n_profiles)
        1 where the profile took part in the work.
    years : ndarray of int
        Year per work (``-1``: unknown, older than any known year).
    vectors : ndarray of float32, shape (n_works, dim)
        The work's text vector (zeros for text-less works).
    has_text : ndarray of bool
    texts : list of str
        The work's text (title and abstract; an outcome's call text), empty when text-less.
    days : ndarray of int
        Day (proleptic ordinal) of a recorded outcome's work; ``-1`` for publications.

    Parameters
    ----------
    dataset : Dataset
        Profiles (publications, collaborators) and recorded outcomes.
    index : EvidenceIndex
        The publications' vectors.
    call_vectors : mapping of str to ndarray, optional
        Call id to its vector: an outcome's text. Without one, outcomes are text-less works.
    """

    def __init__(
        self,
        dataset: Dataset,
        index: EvidenceIndex,
        call_vectors: Mapping[str, npt.NDArray[np.float32]] | None = None,
    ) -> None:
        position = {p.id: i for i, p in enumerate(dataset.profiles)}
        row_of: dict[tuple[int, int], int] = {}
        publication_rows = np.flatnonzero(index.kind == EvidenceKind.PUBLICATION)
        for row in publication_rows:
            row_of[(int(index.owner[row]), int(index.item[row]))] = int(row)
        seen: dict[tuple[frozenset[int], str, int | None], int] = {}
        members: list[list[int]] = []
        years: list[int] = []
        text_rows: list[int] = []
        texts: list[str] = []
        for owner, profile in enumerate(dataset.profiles):
            for item, publication in enumerate(profile.publications):
                team = {owner} | {position[c] for c in publication.coauthors if c in position}
                key = (frozenset(team), publication.text, publication.year)
                if key in seen:
                    continue
                seen[key] = len(members)
                members.append(sorted(team))
                years.append(-1 if publication.year is None else publication.year)
                text_rows.append(row_of.get((owner, item), -1))
                texts.append(publication.text)
        # Declared collaborations beyond the coauthored ones: text-less two-member works.
        coauthored: Counter[tuple[int, int]] = Counter()
        for listed in members:
            for i, first in enumerate(listed):
                for second in listed[i + 1 :]:
                    coauthored[(first, second)] += 1
        for source, counts in joint_work_counts(dataset.profiles).items():
            one = position.get(source)
            if one is None:
                continue
            for target, count in counts.items():
                other = position.get(target)
                if other is None or other <= one:
                    continue
                for _ in range(count - coauthored[(one, other)]):
                    members.append([one, other])
                    years.append(-1)
                    text_rows.append(-1)
                    texts.append("")
        days = [-1] * len(members)
        call_texts = {call.id: call.text for call in dataset.calls}
        outcome_texts: dict[int, npt.NDArray[np.float32]] = {}
        for outcome in tie_outcomes(dataset.outcomes):
            listed = sorted({position[m] for m in outcome.members if m in position})
            if len(listed) < 2:
                continue
            vector = (call_vectors or {}).get(outcome.call_id or "")
            if vector is not None:
                outcome_texts[len(members)] = vector
            members.append(listed)
            years.append(outcome.date.year)
            text_rows.append(-1)
            texts.append(call_texts.get(outcome.call_id or "", "") if vector is not None else "")
            days.append(outcome.date.toordinal())
        n_works, n_profiles = len(members), len(dataset.profiles)
        indptr = np.zeros(n_works + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(m) for m in members])
        indices = np.asarray([p for m in members for p in m], dtype=np.int64)
        self.incidence = sp.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(n_works, n_profiles)
        )
        self.by_profile = self.incidence.tocsc()  # column slices: each profile's works
        self.transposed = self.incidence.T.tocsr()
        self.years = np.asarray(years, dtype=np.int64)
        self.sizes = np.diff(indptr)
        self.text_rows = np.asarray(text_rows, dtype=np.int64)
        from_index = self.text_rows >= 0
        dim = index.vectors.shape[1] if index.vectors.ndim == 2 else 0
        self.vectors = np.zeros((n_works, dim), dtype=np.float32)
        self.vectors[from_index] = index.vectors[self.text_rows[from_index]]
        self.has_text = from_index.copy()
        for work, vector in outcome_texts.items():
            if dim and len(vector) == dim:
                self.vectors[work] = vector
                self.has_text[work] = True
        self.days = np.asarray(days, dtype=np.int64)
        self.members = members
        #: Each work's text (empty for text-less works): what lexical features match.
        self.texts = texts

    @property
    def n_works(self) -> int:
        return int(self.incidence.shape[0])

    @property
    def n_profiles(self) -> int:
        return int(self.incidence.shape[1])

    def teams_of_size(self, min_team_size: int) -> int:
        """How many past works (with text) have at least ``min_team_size`` members."""
        return int(np.sum((self.sizes >= min_team_size) & self.has_text))

    def visible(self, work: int, same_year: bool = True) -> BoolArray:
        """The works an example built on ``work`` may see: none later than it (with
        ``same_year``, those of its own year too; otherwise strictly earlier), never itself.
        For a recorded outcome's work, no outcome dated after it, whatever the year rule."""
        year = self.years[work]
        mask = self.years <= year if same_year else self.years < year
        mask = mask | (self.years < 0)
        if self.days[work] >= 0:
            mask &= self.days <= self.days[work]  # publications (-1) are kept
        mask[work] = False
        return np.asarray(mask, dtype=bool)

    def column_max(self, values: FloatArray, fill: float) -> FloatArray:
        """Per profile, the largest of ``values`` (one per work) over its works."""
        csc = self.by_profile
        out = np.full(self.n_profiles, fill, dtype=np.float64)
        counts = np.diff(csc.indptr)
        nonempty = np.flatnonzero(counts)
        if len(nonempty):
            reduced = np.maximum.reduceat(values[csc.indices], csc.indptr[nonempty])
            out[nonempty] = reduced
        return out


class TopicTies:
    """Topic-weighted joint works with a team: each past work shared with a team member
    counts its calibrated similarity to the call (clipped at 0), once per member in it.

    The strongest single signal on CORDIS partner recovery (benchmarks/RESULTS.md); the
    linear partner score adds it (``PartnerWeights.topic_weight``). The work history is
    built on first use and can be shared with a learned model's.
    """

    def __init__(
        self,
        dataset: Dataset,
        index: EvidenceIndex,
        calibrate: Calibrate,
        history: TeamHistory | None = None,
        call_vectors: Mapping[str, npt.NDArray[np.float32]] | None = None,
    ) -> None:
        self.dataset = dataset
        self.index = index
        self.calibrate = calibrate
        self.call_vectors = call_vectors
        self._history = history

    @property
    def history(self) -> TeamHistory:
        if self._history is None:
            self._history = TeamHistory(self.dataset, self.index, self.call_vectors)
        return self._history

    def __call__(self, query: npt.NDArray[np.float32], team: Sequence[int]) -> FloatArray:
        """Per profile, the sum over its joint works with ``team`` of their closeness to
        ``query`` (a work with two team members counts twice)."""
        positions, values = self.sparse(query, team)
        result: FloatArray = np.zeros(self.history.n_profiles)
        result[positions] = values
        return result

    def sparse(
        self, query: npt.NDArray[np.float32], team: Sequence[int]
    ) -> tuple[IntArray, FloatArray]:
        """:meth:`__call__` as the profiles it is non-zero for (ascending) and their values.

        Only the team's own works and their members are touched: a partner list costs
        what the team's history holds, not a pass over every work of the data.
        """
        h = self.history
        nothing: tuple[IntArray, FloatArray] = (np.zeros(0, dtype=np.int64), np.zeros(0))
        if not len(team) or not h.n_works:
            return nothing
        member_works, member_counts, _ = _slices(h.by_profile, team)
        works, slot = np.unique(member_works, return_inverse=True)
        on_team = np.bincount(slot, weights=member_counts, minlength=len(works))
        keep = h.has_text[works] & (on_team > 0)
        works, on_team = works[keep], on_team[keep]
        if not len(works):
            return nothing
        raw = h.vectors[works] @ query
        sims = np.clip(np.asarray(self.calibrate(raw), dtype=np.float64), 0.0, None)
        members, member_counts, sizes = _slices(h.incidence, works.tolist())
        weights = np.repeat(on_team * sims, sizes) * member_counts
        positions, slot = np.unique(members, return_inverse=True)
        values: FloatArray = np.bincount(slot, weights=weights, minlength=len(positions)).astype(
            np.float64
        )
        off_team = ~np.isin(positions, np.asarray(team, np.int64))
        return positions[off_team].astype(np.int64), values[off_team]


def _slices(
    matrix: sp.csr_matrix | sp.csc_matrix, items: Sequence[int]
) -> tuple[IntArray, FloatArray, IntArray]:
    """The stored entries of some rows (CSR) or columns (CSC): their indices, values and
    how many each item has. Read from the index arrays directly: scipy's fancy indexing
    costs a tenth of a millisecond in checks per call, more than these few slices."""
    pointers = matrix.indptr
    starts = [int(pointers[i]) for i in items]
    stops = [int(pointers[i + 1]) for i in items]
    indices = np.concatenate([matrix.indices[a:b] for a, b in zip(starts, stops, strict=True)])
    values = np.concatenate([matrix.data[a:b] for a, b in zip(starts, stops, strict=True)])
    sizes = np.asarray(stops, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
    return indices.astype(np.int64), values.astype(np.float64), sizes


def training_works(history: TeamHistory, options: LearnedOptions) -> IntArray:
    """The past works that are training examples (the splitter).

    Works with at least ``min_team_size`` members, text and a known year, before
    ``before_year`` when it is given; at most ``max_training_teams`` of them (a seeded
    sample), in index order.
    """
    ok = (history.sizes >= options.min_team_size) & history.has_text & (history.years >= 0)
    if options.before_year is not None:
        ok &= history.years < options.before_year
    works = np.flatnonzero(ok)
    if len(works) > options.max_training_teams:
        rng = np.random.default_rng(options.seed)
        works = np.sort(rng.choice(works, options.max_training_teams, replace=False))
    return works.astype(np.int64)


class FeatureBuilder:
    """Computes :data:`FEATURES` for every profile, given a team, a topic and a history mask."""

    def __init__(
        self,
        dataset: Dataset,
        index: EvidenceIndex,
        history: TeamHistory,
        calibrate: Calibrate,
    ) -> None:
        self.history = history
        self.calibrate = calibrate
        n = len(dataset.profiles)
        profile_rows = np.flatnonzero(index.kind != EvidenceKind.PUBLICATION)
        self._profile_rows = profile_rows
        self._profile_owner = index.owner[profile_rows]
        self._profile_vectors = index.vectors[profile_rows] if len(profile_rows) else None
        codes: dict[str, int] = {}
        self.country = np.asarray(
            [
                codes.setdefault(p.country, len(codes)) if p.country else -1
                for p in dataset.profiles
            ],
            dtype=np.int64,
        )
        self.n_countries = len(codes)
        self.n = n
        self._lexical: LexicalIndex | None = None

    @property
    def lexical(self) -> LexicalIndex:
        """TF-IDF over the works' texts (built on first use; IDF from the whole history:
        word statistics, not who joined what)."""
        if self._lexical is None:
            self._lexical = LexicalIndex.build(self.history.texts, "tfidf")
        return self._lexical

    def lexical_similarities(self, text: str) -> FloatArray:
        """Calibrated TF-IDF similarity of ``text`` to each work's text (0: text-less)."""
        h = self.history
        if not h.n_works:
            return np.zeros(0)
        sims = np.asarray(self.lexical.similarities([text])[0], dtype=np.float64)
        return np.where(h.has_text, sims, 0.0)

    def similarities(self, query: npt.NDArray[np.float32]) -> FloatArray:
        """Calibrated similarity of each work's text to the query (0 for text-less works)."""
        h = self.history
        raw = h.vectors @ query if h.vectors.shape[1] else np.zeros(h.n_works, np.float32)
        sims = np.asarray(self.calibrate(raw), dtype=np.float64)
        return np.where(h.has_text, sims, 0.0)

    def profile_text(self, query: npt.NDArray[np.float32]) -> FloatArray:
        """Best calibrated similarity of each profile's keywords and summary (NaN: none)."""
        out = np.full(self.n, np.nan)
        if self._profile_vectors is None or not len(self._profile_rows):
            return out
        sims = np.asarray(self.calibrate(self._profile_vectors @ query), dtype=np.float64)
        out_max = np.full(self.n, -np.inf)
        np.maximum.at(out_max, self._profile_owner, sims)
        return np.where(np.isfinite(out_max), out_max, np.nan)

    def features(
        self,
        query: npt.NDArray[np.float32],
        team: Sequence[int],
        visible: BoolArray | None = None,
        sims: FloatArray | None = None,
        text: str | None = None,
    ) -> FloatArray:
        """The feature matrix, shape (n_profiles, len(FEATURES)), for one query.

        ``query`` is the call's vector, ``text`` its text (without it the lexical
        features are missing), ``visible`` the works the example may see (default all).
        """
        h = self.history
        a = np.ones(h.n_works) if visible is None else visible.astype(np.float64)
        s = self.similarities(query) if sims is None else sims
        s_pos = np.clip(s, 0.0, None)
        team_idx = np.asarray(list(team), dtype=np.int64)
        incidence, transposed = h.incidence, h.transposed
        # Per work: how many team members took part (visible works only).
        on_team = np.asarray(h.by_profile[:, team_idx].sum(axis=1)).ravel() * a
        works = transposed @ a
        joint = transposed @ on_team
        worked_with = np.zeros(self.n)
        for member in team_idx:
            member_works = np.asarray(h.by_profile[:, member].toarray()).ravel() * a
            worked_with += (transposed @ member_works) > 0
        worked_with[team_idx] = 0.0
        topic_joint = transposed @ (on_team * s_pos)
        topic_joint_max = h.column_max(np.where(on_team > 0, s_pos, 0.0), 0.0)
        text_max = h.column_max(np.where(a > 0, s, -np.inf), -np.inf)
        text_max = np.where(works > 0, text_max, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            text_mean = np.where(works > 0, (transposed @ (a * s)) / works, np.nan)
        topic_activity = transposed @ (a * s_pos)
        lexical_mean = np.full(self.n, np.nan)
        if text is not None:
            lexical = self.lexical_similarities(text)
            with np.errstate(invalid="ignore", divide="ignore"):
                lexical_mean = np.where(works > 0, (transposed @ (a * lexical)) / works, np.nan)
        # Weighted Adamic-Adar: collaborators shared with the team, each 1 / log(2 + works).
        inv = worked_with / np.log(2.0 + works)
        through = incidence @ inv
        adamic_adar = transposed @ (a * through) - works * inv
        # Personalised PageRank from the team over the weighted collaboration graph.
        strength = transposed @ (a * np.maximum(h.sizes - 1, 0))
        restart = np.zeros(self.n)
        restart[team_idx] = 1.0 / max(len(team_idx), 1)
        rank = restart.copy()
        safe = np.where(strength > 0, strength, 1.0)
        for _ in range(PPR_ITERATIONS):
            spread = rank / safe
            walked = transposed @ (a * (incidence @ spread)) - works * spread
            rank = PPR_RESTART * restart + (1 - PPR_RESTART) * walked
        visible_years = np.where(a > 0, h.years, -1)
        reference = visible_years.max() if len(visible_years) else -1
        last = h.column_max(visible_years.astype(np.float64), -1.0)
        years_since = np.where(last >= 0, reference - last, np.nan)
        # Where the topic's past work was done: share of similarity-squared mass per country.
        mass = transposed @ (a * s_pos**2)
        has_country = self.country >= 0
        per_country = np.bincount(
            self.country[has_country], weights=mass[has_country], minlength=self.n_countries
        )
        total = per_country.sum()
        share = per_country / total if total > 0 else per_country
        # A profile without a country (code -1) reads the trailing 0.
        country_share = np.append(share, 0.0)[self.country]
        team_codes = self.country[team_idx]
        team_countries = np.bincount(team_codes[team_codes >= 0], minlength=self.n_countries)
        in_team = np.append(team_countries, 0)[self.country]
        # Counts per unit of history: an example that sees a third of the history has its
        # counts scaled up to the size the full history gives at query time.
        scale = h.n_works / max(float(a.sum()), 1.0)
        joint, topic_joint, works = joint * scale, topic_joint * scale, works * scale
        topic_activity, adamic_adar = topic_activity * scale, adamic_adar * scale
        columns = {
            "text_max": text_max,
            "text_mean": text_mean,
            "text_profile": self.profile_text(query),
            "topic_activity": topic_activity,
            "lexical_mean": lexical_mean,
            "joint_works": joint,
            "members_worked_with": worked_with,
            "members_share": worked_with / max(len(team_idx), 1),
            "topic_joint": topic_joint,
            "topic_joint_max": topic_joint_max,
            "adamic_adar": adamic_adar,
            "ppr": rank * self.n,
            "works": works,
            "years_since_last": years_since,
            "country_topic_share": country_share,
            "country_in_team": in_team.astype(np.float64),
            "team_size": np.full(self.n, float(len(team_idx))),
        }
        candidate = np.ones(self.n, dtype=bool)
        candidate[team_idx] = False
        columns.update(_query_normalised(columns, candidate, works > 0))
        return np.column_stack([columns[name] for name in FEATURES])


def _zscore(values: FloatArray, among: BoolArray) -> FloatArray:
    """``values`` as z-scores over the finite values of ``among`` (NaN stays NaN)."""
    pool = values[among & np.isfinite(values)]
    if len(pool) < 2:
        return np.zeros_like(values)
    spread = float(pool.std())
    return (values - float(pool.mean())) / (spread if spread > 0 else 1.0)


def _relative(values: FloatArray, among: BoolArray) -> FloatArray:
    """``values`` over the largest among ``among`` (0 when none has any)."""
    pool = values[among]
    top = float(pool.max()) if len(pool) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _query_normalised(
    columns: dict[str, FloatArray], candidate: BoolArray, active: BoolArray
) -> dict[str, FloatArray]:
    """The :data:`FEATURE_GROUPS` ``query_norm`` features, over this call's candidates (not
    the team): text similarity as z-scores (over those with past work), ties as shares of
    the strongest. A call whose every candidate reads close (a broad topic) and one where
    few do then compare."""
    return {
        "text_max_z": _zscore(columns["text_max"], candidate & active),
        "text_profile_z": _zscore(columns["text_profile"], candidate),
        "topic_joint_rel": _relative(columns["topic_joint"], candidate),
        "joint_rel": _relative(columns["joint_works"], candidate),
        "ppr_rel": _relative(columns["ppr"], candidate),
    }


#: The "near" stratum of negatives: the best candidates by each of these features.
NEAR_BY = ("ppr", "text_max", "topic_activity")
NEAR_TOP = 500


def _near(features: FloatArray, allowed: BoolArray) -> BoolArray:
    """The "near" candidates: the :data:`NEAR_TOP` best allowed ones by any of
    :data:`NEAR_BY`."""
    pool = np.flatnonzero(allowed)
    near_mask = np.zeros(len(allowed), dtype=bool)
    for name in NEAR_BY:
        column = np.nan_to_num(features[pool, FEATURES.index(name)], nan=-np.inf)
        near_mask[pool[np.argsort(-column, kind="stable")[:NEAR_TOP]]] = True
    return near_mask


def _negatives(
    features: FloatArray, allowed: BoolArray, count: int, rng: np.random.Generator
) -> tuple[IntArray, FloatArray]:
    """Negatives and their weights: ``count`` drawn uniformly among the "near" candidates
    (the :data:`NEAR_TOP` best by any of :data:`NEAR_BY`, where a ranking is decided) and
    ``count`` among the rest, each weighted by the inverse of its chance of being drawn.

    The weights keep the sample unbiased: a pointwise model fitted on it estimates the
    odds of joining over *all* candidates up to one constant, which ranking ignores.
    (Taking the top candidates as negatives without weights teaches the opposite of the
    truth: that the best-connected candidates never join.)
    """
    pool = np.flatnonzero(allowed)
    near_mask = _near(features, allowed)
    picked: list[IntArray] = []
    weights: list[FloatArray] = []
    for stratum in (pool[near_mask[pool]], pool[~near_mask[pool]]):
        if not len(stratum):
            continue
        draw = rng.choice(stratum, min(count, len(stratum)), replace=False)
        picked.append(np.sort(draw).astype(np.int64))
        weights.append(np.full(len(draw), len(stratum) / len(draw)))
    rows = np.concatenate(picked)
    weight = np.concatenate(weights)
    # One constant for the whole example (ranking ignores it): mean negative weight 1.
    return rows, weight * (len(weight) / weight.sum())


@dataclass
class LearnedPartnerModel:
    """A fitted partner ranker over one dataset's history."""

    builder: FeatureBuilder
    estimator: Any
    columns: IntArray  # the feature columns the estimator uses
    empty: IntArray  # positions (in ``columns``) of features never filled in training: 0
    info: PartnerModelInfo

    def log_odds(self, features: FloatArray) -> FloatArray:
        x = features[:, self.columns]
        x[:, self.empty] = 0.0
        with _one_thread():
            return np.asarray(self.estimator.decision_function(x), np.float64)

    def score(
        self, query: npt.NDArray[np.float32], team: Sequence[int], text: str | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Log-odds of joining ``team`` for every profile, and the feature matrix.

        ``query`` is the call's vector and ``text`` its text (for the lexical features).
        The team is read as the training examples' teams are: its members with past work.
        """
        features = self.builder.features(query, self.known_team(team), text=text)
        return self.log_odds(features), features

    def known_team(self, team: Sequence[int]) -> list[int]:
        """The members of ``team`` with at least one past work in the history."""
        works = np.diff(self.builder.history.by_profile.indptr)
        return [int(m) for m in team if works[m] > 0]

    def reasons(
        self, features: FloatArray, rows: IntArray, candidates: IntArray, top: int = 3
    ) -> list[tuple[PartnerReason, ...]]:
        """Per row in ``rows``: the feature groups that carried its score most (positive
        log-odds deltas against the typical candidate among ``candidates``)."""
        if not len(rows):
            return []
        baseline = None
        if len(candidates):
            with warnings.catch_warnings():  # a feature nobody has (all NaN) stays NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                baseline = np.nanmedian(features[candidates], axis=0)
        used = {FEATURES[c] for c in self.columns}
        groups = [g for g, names in FEATURE_GROUPS.items() if set(names) & used]
        chosen = features[rows]
        full = self.log_odds(chosen)
        deltas = np.zeros((len(rows), len(groups)))
        for j, group in enumerate(groups):
            swapped = chosen.copy()
            for name in FEATURE_GROUPS[group]:
                column = FEATURES.index(name)
                swapped[:, column] = np.nan if baseline is None else baseline[column]
            deltas[:, j] = full - self.log_odds(swapped)
        answers = []
        for i in range(len(rows)):
            order = np.argsort(-deltas[i], kind="stable")
            picked = [j for j in order[:top] if deltas[i, j] > 1e-6]
            answers.append(
                tuple(_reason(groups[j], float(deltas[i, j]), chosen[i]) for j in picked)
            )
        return answers


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _reason(group: str, contribution: float, row: FloatArray) -> PartnerReason:
    values = tuple((name, float(row[FEATURES.index(name)])) for name in FEATURE_GROUPS[group])
    described = ", ".join(f"{name} {_fmt(value)}" for name, value in values)
    text = f"{GROUP_LABELS[group]} (+{contribution:.2f} log-odds: {described})"
    return PartnerReason(group=group, contribution=contribution, values=values, text=text)


def _one_thread() -> Any:
    """OpenMP and BLAS on one thread: the trees are small, and on shared cores the
    default thread pool spins (a fit was 10x slower with it on 2 busy cores)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    return threadpool_limits(1)


#: Features the odds of joining may only grow with (-1: only fall with) in the gradient-
#: boosted model: more ties to the team, closer work, never a lower chance.
MONOTONE: dict[str, int] = {
    "text_max": 1,
    "topic_activity": 1,
    "joint_works": 1,
    "members_worked_with": 1,
    "members_share": 1,
    "topic_joint": 1,
    "topic_joint_max": 1,
    "adamic_adar": 1,
    "ppr": 1,
    "years_since_last": -1,
    "country_topic_share": 1,
    "text_max_z": 1,
    "topic_joint_rel": 1,
    "joint_rel": 1,
    "ppr_rel": 1,
}


@dataclass(frozen=True)
class Candidate:
    """One estimator the learned model may use: its kind and regularisation."""

    kind: str  # "logistic", "pairwise" or "hgb"
    regularisation: float = 1.0

    @property
    def label(self) -> str:
        return self.kind if self.kind == "hgb" else f"{self.kind} C={self.regularisation:g}"


#: What ``estimator="auto"`` chooses among on the time-aware validation split.
AUTO_CANDIDATES: tuple[Candidate, ...] = (
    Candidate("logistic", 1.0),
    Candidate("logistic", 0.05),
    Candidate("pairwise", 1.0),
    Candidate("hgb"),
)
#: ``"auto"`` without enough history for a validation split.
AUTO_FALLBACK = Candidate("logistic", 1.0)
ESTIMATORS = ("auto", "logistic", "pairwise", "hgb")


def _preprocessing() -> Any:
    """Missing values as 0, heavy tails compressed (arcsinh), then standardised."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True),
        FunctionTransformer(np.arcsinh),
        StandardScaler(),
    )


class PairwiseLogistic:
    """A linear ranker fitted on pairs: within each example, the joiner against each of
    its negatives (and the reverse), weighted like the negative; the odds of the joiner
    winning are logistic in the difference of the (preprocessed) features.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression on the pairs.
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(
        self, x: FloatArray, y: FloatArray, groups: IntArray, sample_weight: FloatArray
    ) -> PairwiseLogistic:
        """Fit on rows ``x`` with labels ``y`` (1: the joiner), example ids ``groups``."""
        from sklearn.linear_model import LogisticRegression

        self.preprocessing_ = _preprocessing().fit(x)
        z = self.preprocessing_.transform(x)
        positive_of = np.full(int(groups.max()) + 1, -1, dtype=np.int64)
        positive_of[groups[y == 1]] = np.flatnonzero(y == 1)
        negatives = np.flatnonzero((y == 0) & (positive_of[groups] >= 0))
        diffs = z[positive_of[groups[negatives]]] - z[negatives]
        weight = sample_weight[negatives]
        self.model_ = LogisticRegression(C=self.C, fit_intercept=False, max_iter=1000).fit(
            np.vstack([diffs, -diffs]),
            np.r_[np.ones(len(diffs)), np.zeros(len(diffs))],
            sample_weight=np.r_[weight, weight],
        )
        self.coef_ = np.asarray(self.model_.coef_, dtype=np.float64).ravel()
        return self

    def decision_function(self, x: FloatArray) -> FloatArray:
        """The ranking score (a log-odds up to a per-call constant)."""
        return np.asarray(self.preprocessing_.transform(x) @ self.coef_, dtype=np.float64)


def _make_estimator(
    candidate: Candidate, seed: int, monotone: bool, used: Sequence[str] = FEATURES
) -> Any:
    if candidate.kind == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        steps = [*_preprocessing().steps]
        model = LogisticRegression(max_iter=1000, C=candidate.regularisation)
        return Pipeline([*steps, ("logisticregression", model)])
    if candidate.kind == "pairwise":
        return PairwiseLogistic(candidate.regularisation)
    if candidate.kind != "hgb":
        raise ValueError(
            f"unknown partner estimator {candidate.kind!r} (one of {', '.join(ESTIMATORS)})"
        )
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
        monotonic_cst=[MONOTONE.get(name, 0) if monotone else 0 for name in used],
    )


def fit_partner_model(
    dataset: Dataset,
    index: EvidenceIndex,
    calibrate: Calibrate,
    options: LearnedOptions | None = None,
    call_vectors: Mapping[str, npt.NDArray[np.float32]] | None = None,
) -> tuple[LearnedPartnerModel | None, PartnerModelInfo]:
    """Fit the learned partner model on ``dataset``'s own history (or say why not).

    Returns the model (``None`` when there is too little history) and its
    :class:`PartnerModelInfo`. ``call_vectors`` (call id to vector) give recorded
    outcomes their call's text, so applied and funded teams are training examples.
    """
    options = options or LearnedOptions()
    unknown = set(options.exclude_groups) - set(FEATURE_GROUPS)
    if unknown:
        raise ValueError(f"unknown feature groups {sorted(unknown)}; known: {list(FEATURE_GROUPS)}")
    started = time.perf_counter()
    history = TeamHistory(dataset, index, call_vectors)
    n_teams = history.teams_of_size(options.min_team_size)
    columns = np.asarray(
        [
            i
            for i, name in enumerate(FEATURES)
            if not any(name in FEATURE_GROUPS[g] for g in options.exclude_groups)
        ],
        dtype=np.int64,
    )
    used = tuple(FEATURES[i] for i in columns)

    def linear(reason: str, examples: int = 0, rows: int = 0) -> PartnerModelInfo:
        return PartnerModelInfo(
            "linear", reason, n_teams, examples, rows, time.perf_counter() - started, used
        )

    if n_teams < options.min_history_teams:
        return None, linear(
            f"too little history to learn from: {n_teams} past teams with at least "
            f"{options.min_team_size} members, fewer than {options.min_history_teams}"
        )
    if options.estimator not in ESTIMATORS:
        raise ValueError(
            f"unknown partner estimator {options.estimator!r} (one of {', '.join(ESTIMATORS)})"
        )
    builder = FeatureBuilder(dataset, index, history, calibrate)
    rng = np.random.default_rng(options.seed)
    works = training_works(history, options)
    blocks: list[FloatArray] = []
    labels: list[FloatArray] = []
    sample_weights: list[FloatArray] = []
    groups: list[IntArray] = []
    example_works: list[int] = []
    examples = 0
    for work in works:
        visible = history.visible(int(work), options.same_year)
        members = np.asarray(history.members[work], dtype=np.int64)
        known = _known_members(history, members, visible)
        if len(known) < _least_known(options):
            continue
        for hidden in rng.permutation(known)[: options.holdouts]:
            team = _example_team(members if not options.known_team else known, int(hidden))
            text = history.texts[work]
            features = builder.features(history.vectors[work], team, visible, text=text)
            allowed = np.ones(builder.n, dtype=bool)
            allowed[members] = False
            negatives, negative_weights = _negatives(features, allowed, options.negatives, rng)
            rows = np.concatenate([[hidden], negatives]).astype(np.int64)
            blocks.append(features[rows])
            labels.append(np.r_[1.0, np.zeros(len(negatives))])
            sample_weights.append(np.r_[1.0, negative_weights])
            groups.append(np.full(len(rows), len(groups), dtype=np.int64))
            example_works.append(int(work))
        examples += 1
    if examples < min(options.min_history_teams, options.max_training_teams):
        return None, linear(
            f"too little history to learn from: {examples} usable past teams (two members "
            f"with earlier work: one to hold out, one as the team), fewer than "
            f"{options.min_history_teams}",
            examples,
        )
    x = np.vstack(blocks)[:, columns]
    # A feature the history never fills (e.g. no profile has keywords) is read as 0.
    empty = np.flatnonzero(np.isnan(x).all(axis=0)).astype(np.int64)
    x[:, empty] = 0.0
    y = np.concatenate(labels)
    weight = np.concatenate(sample_weights)
    group = np.concatenate(groups)
    candidate = Candidate(options.estimator, options.regularisation)
    scores: tuple[tuple[str, float], ...] = ()
    if options.estimator == "auto":
        row_works = np.asarray(example_works, dtype=np.int64)[group]
        split = _validation_split(history, builder, works, options, rng)
        candidate, scores = _choose(
            split, (x, y, weight, group, row_works), columns, empty, options, used
        )
    estimator = _fit_estimator(candidate, options, used, x, y, weight, group)
    info = PartnerModelInfo(
        "learned",
        "",
        n_teams,
        examples,
        len(y),
        time.perf_counter() - started,
        used,
        candidate.label,
        scores,
    )
    return LearnedPartnerModel(builder, estimator, columns, empty, info), info


def _known_members(history: TeamHistory, members: IntArray, visible: BoolArray) -> IntArray:
    """The members of a work with at least one visible work (they can be held out)."""
    seen = np.asarray(history.by_profile[:, members].T @ visible.astype(np.float64))
    return members[seen.ravel() > 0]


def _least_known(options: LearnedOptions) -> int:
    """Members with earlier work a training team needs: one to hold out, and (with
    ``known_team``) one left as the team."""
    return 2 if options.known_team else 1


def _example_team(known: IntArray, hidden: int) -> list[int]:
    """A training example's team: the members with earlier work, less the hidden one
    (``LearnedOptions.known_team``; otherwise ``known`` is every member).

    A query's team is posed the same way (:meth:`LearnedPartnerModel.score` leaves out
    members without past work): a member the history has never seen adds nothing but
    its count, and counting it in training and not at query time skews the team-size
    and share features (R@10 +0.008 on the 2022-H2 validation, benchmarks/RESULTS.md).
    """
    return [int(m) for m in known if m != hidden]


def _fit_estimator(
    candidate: Candidate,
    options: LearnedOptions,
    used: Sequence[str],
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray,
    group: IntArray,
) -> Any:
    estimator = _make_estimator(candidate, options.seed, options.monotone, used)
    with _one_thread():
        if candidate.kind == "logistic":
            estimator.fit(x, y, logisticregression__sample_weight=weight)
        elif candidate.kind == "pairwise":
            estimator.fit(x, y, group, weight)
        else:
            estimator.fit(x, y, sample_weight=weight)
    return estimator


@dataclass(frozen=True)
class ValidationSplit:
    """The latest past teams, held out from the candidates' training.

    Per team, the hidden member's features (first row), then every "near" candidate
    (weight 1) and a sample of the rest (weighted): enough to estimate the joiner's rank.
    ``works`` are the held-out teams.
    """

    works: IntArray
    blocks: tuple[FloatArray, ...]
    weights: tuple[FloatArray, ...]


#: Fewer validation teams (or earlier training teams) than this: "auto" takes
#: :data:`AUTO_FALLBACK`.
MIN_VALIDATION = 30
#: At most this share of the training teams (the latest) is held out for validation.
VALIDATION_SHARE = 0.25


def _validation_split(
    history: TeamHistory,
    builder: FeatureBuilder,
    works: IntArray,
    options: LearnedOptions,
    rng: np.random.Generator,
) -> ValidationSplit | None:
    """The time-aware validation split of ``estimator="auto"`` (``None``: too little).

    Its teams are the latest training teams (by year, then in data order: years are all
    the time a work has, and CORDIS-like data list projects by id, roughly by date), at
    most :data:`VALIDATION_SHARE` of them and ``validation_examples``; the candidates are
    fitted on the teams before them. Each sees the history as a training team does.
    """
    count = min(options.validation_examples, int(VALIDATION_SHARE * len(works)))
    if count < MIN_VALIDATION or len(works) - count < MIN_VALIDATION:
        return None
    order = np.lexsort((works, history.years[works]))
    held_out = np.sort(works[order[-count:]])
    blocks: list[FloatArray] = []
    weights: list[FloatArray] = []
    for work in held_out:
        visible = history.visible(int(work), options.same_year)
        members = np.asarray(history.members[work], dtype=np.int64)
        known = _known_members(history, members, visible)
        if len(known) < _least_known(options):
            continue
        hidden = int(rng.choice(known))
        team = _example_team(members if not options.known_team else known, hidden)
        text = history.texts[work]
        features = builder.features(history.vectors[work], team, visible, text=text)
        allowed = np.ones(builder.n, dtype=bool)
        allowed[members] = False
        near = _near(features, allowed)
        rest = np.flatnonzero(allowed & ~near)
        sample = np.sort(rng.choice(rest, min(options.negatives, len(rest)), replace=False))
        rows = np.concatenate([[hidden], np.flatnonzero(near), sample]).astype(np.int64)
        blocks.append(features[rows])
        rest_weight = len(rest) / max(len(sample), 1)
        weights.append(np.r_[1.0, np.ones(int(near.sum())), np.full(len(sample), rest_weight)])
    if len(blocks) < MIN_VALIDATION:
        return None
    return ValidationSplit(held_out, tuple(blocks), tuple(weights))


def _choose(
    split: ValidationSplit | None,
    training: tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray],  # row_works last
    columns: IntArray,
    empty: IntArray,
    options: LearnedOptions,
    used: Sequence[str],
) -> tuple[Candidate, tuple[tuple[str, float], ...]]:
    """The candidate with the best MRR on ``split``, each fitted on the training rows of
    the teams before it (ties: the earlier in :data:`AUTO_CANDIDATES`)."""
    if split is None:
        return AUTO_FALLBACK, ()
    x, y, weight, group, row_works = training
    earlier = ~np.isin(row_works, split.works)
    scores: list[tuple[str, float]] = []
    best, best_mrr = AUTO_FALLBACK, -1.0
    for candidate in AUTO_CANDIDATES:
        estimator = _fit_estimator(
            candidate, options, used, x[earlier], y[earlier], weight[earlier], group[earlier]
        )
        mrr = _validation_mrr(estimator, split, columns, empty)
        scores.append((candidate.label, round(mrr, 4)))
        if mrr > best_mrr:
            best, best_mrr = candidate, mrr
    return best, tuple(scores)


def _validation_mrr(
    estimator: Any, split: ValidationSplit, columns: IntArray, empty: IntArray
) -> float:
    """Mean reciprocal of the joiner's estimated rank (weighted count of candidates that
    score above it, ties half) over the validation teams."""
    reciprocal = []
    for block, weights in zip(split.blocks, split.weights, strict=True):
        features = block[:, columns]
        features[:, empty] = 0.0
        with _one_thread():
            score = np.asarray(estimator.decision_function(features), dtype=np.float64)
        above = float(weights[1:][score[1:] > score[0]].sum())
        tied = float(weights[1:][score[1:] == score[0]].sum())
        reciprocal.append(1.0 / (1.0 + above + tied / 2.0))
    return float(np.mean(reciprocal))


def history_summary(history: TeamHistory) -> dict[str, int]:
    """Sizes of a history, for logs."""
    by_size: defaultdict[int, int] = defaultdict(int)
    for size in history.sizes:
        by_size[int(size)] += 1
    return {
        "works": history.n_works,
        "profiles": history.n_profiles,
        **{f"size_{k}": v for k, v in sorted(by_size.items())},
    }

"""Relevance of profiles to calls, computed from the evidence one piece at a time.

Each piece of a profile's evidence (every publication or, for an organisation, every past
project; the keyword list; the summary) gets a similarity to the call: a blend of the dense
cosine of the embedding backend and a lexical score (:mod:`matcher.lexical`), both on the
common calibrated scale (0 = unrelated, 1 = a title against its own abstract), so the blend
weight keeps its meaning on every backend. A profile's relevance then blends three parts:

``publications``
    the publications' similarities aggregated so that the best evidence counts most
    (:attr:`RelevanceWeights.aggregation`: the mean of the ``top_k`` best, a rank-discounted
    mean of the ``top_k`` best, or a percentile), optionally discounted by age;
``keywords``
    the profile's keywords, embedded as one text;
``summary``
    the profile's summary.

The parts are weighted by :class:`RelevanceWeights`; a part a profile lacks is left out and
the remaining weights are renormalised, so a profile is not punished for having no summary.
Scores are never rescaled within a call: the same number means the same thing in every
row, across calls and across profiles, which is what lets :attr:`RelevanceWeights.match_threshold`
say "nobody in this pool is a real match" (abstention).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.coverage import CallPart
from matcher.evidence import EvidenceIndex, EvidenceKind, FloatMatrix, IntArray
from matcher.lexical import LexicalIndex, LexicalMethod
from matcher.model import Call, Profile

if TYPE_CHECKING:
    from matcher.eligibility import Eligibility

Calibration = Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]
Aggregation = Literal["top_k_mean", "rank_decay", "percentile"]

# Gathered similarity blocks are kept under this many floats (about 200 MB) per step.
_BLOCK_FLOATS = 50_000_000

MATCH_THRESHOLDS: dict[str, float] = {"minilm": 0.5, "use": 0.8, "tfidf": 0.4}
"""Per embedding backend, the relevance from which a profile is a real match.

The calibration puts every backend on one scale for a short text against an abstract, but a
call against whole papers sits differently per backend (USE scores abstract pairs high,
hashed TF-IDF low), so the threshold is measured per backend on DBLP expert finding against
off-topic CORDIS calls (``benchmarks/expert_finding_dblp.py``, see ``benchmarks/RESULTS.md``):
the value that keeps nearly every real query answered while abstaining on most calls that
nobody in the pool matches. Other backends (e5, custom encoders) get
:data:`DEFAULT_MATCH_THRESHOLD`."""

DEFAULT_MATCH_THRESHOLD = 0.5


def match_threshold_for(weights: RelevanceWeights, backend: str | None) -> float:
    """The match threshold ``weights`` asks for, or the one measured for ``backend``."""
    if weights.match_threshold is not None:
        return weights.match_threshold
    return MATCH_THRESHOLDS.get(backend or "", DEFAULT_MATCH_THRESHOLD)


@dataclass(frozen=True)
class RelevanceWeights:
    """How relevance is computed: the parts' blend, the aggregation, the lexical share.

    Defaults are the best measured on the DBLP expert-finding benchmark and CORDIS partner
    recovery (``benchmarks/RESULTS.md``, "Relevance ranking quality").

    Attributes
    ----------
    publications, keywords, summary : float
        Weights of the three parts (non-negative; a missing part drops out).
    top_k : int
        How many of the best publications the aggregation looks at (1: the best only).
    aggregation : {"top_k_mean", "rank_decay", "percentile"}
        ``top_k_mean``: mean of the ``top_k`` best; ``rank_decay``: their mean weighted
        1, 1/2, 1/3, ... by rank; ``percentile``: the ``percentile``-th percentile of all
        the profile's publications.
    percentile : float
        Used by ``aggregation="percentile"`` (0-100).
    lexical : float
        Share of the lexical score in each evidence similarity, 0 (dense only) to 1
        (lexical only).
    lexical_method : {"tfidf", "bm25"}
        The lexical score (:mod:`matcher.lexical`).
    recency_half_life : float or None
        When set, a publication's (positive) similarity is multiplied by
        ``0.5 ** (age / recency_half_life)``, age in years before the newest publication
        of the index; publications without a year are not discounted.
    match_threshold : float or None
        A score from this value up is a real match; a call whose best profile scores below
        it abstains (:meth:`matcher.Matcher.abstains`). ``None``: the value measured for the
        embedding backend (:data:`MATCH_THRESHOLDS`).
    """

    publications: float = 0.6
    keywords: float = 0.25
    summary: float = 0.15
    top_k: int = 2
    aggregation: Aggregation = "top_k_mean"
    percentile: float = 90.0
    lexical: float = 0.0
    lexical_method: LexicalMethod = "bm25"
    recency_half_life: float | None = None
    match_threshold: float | None = None

    def __post_init__(self) -> None:
        if min(self.publications, self.keywords, self.summary) < 0:
            raise ValueError("relevance weights must be non-negative")
        if self.publications + self.keywords + self.summary <= 0:
            raise ValueError("at least one relevance weight must be positive")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")
        if self.aggregation not in ("top_k_mean", "rank_decay", "percentile"):
            raise ValueError(f"unknown aggregation {self.aggregation!r}")
        if not 0 <= self.percentile <= 100:
            raise ValueError("percentile must be between 0 and 100")
        if not 0 <= self.lexical <= 1:
            raise ValueError("lexical must be between 0 and 1")
        if self.recency_half_life is not None and self.recency_half_life <= 0:
            raise ValueError("recency_half_life must be positive")


@dataclass(frozen=True)
class PublicationEvidence:
    """One publication behind a score, and how well it matches the call.

    ``similarity`` is what the score uses (the blend, after any recency discount);
    ``dense`` and ``lexical`` are its two calibrated components; ``covers`` the parts of the
    call (:mod:`matcher.coverage`) this publication covers (dense similarity from 0.5 up).
    """

    index: int
    title: str
    year: int | None
    similarity: float
    dense: float = 0.0
    lexical: float = 0.0
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why a profile scores what it scores for a call.

    ``call_parts`` and ``part_coverage`` (the profile's best evidence per part, 0 to 1) are
    filled when the explanation comes from :meth:`matcher.Matcher.explain`;
    ``reaches_threshold`` says whether the score reaches ``match_threshold``, and
    ``call_abstains`` whether nobody in the pool does. ``is_match`` is a real match: from
    the scorer, the threshold alone; from :meth:`matcher.Matcher.explain`, the threshold
    *and* ``eligibility.may_join`` (a profile the call does not admit, or that no route
    reaches, is never called a match).
    """

    call_id: str
    profile_id: str
    score: float
    parts: dict[str, float]
    publications: list[PublicationEvidence]
    matched_keywords: list[str]
    counted_publications: int = field(default=0)
    call_parts: list[CallPart] = field(default_factory=list)
    part_coverage: list[float] = field(default_factory=list)
    match_threshold: float = 0.5
    is_match: bool = False
    call_abstains: bool = False
    aggregation: str = ""
    lexical_weight: float = 0.0
    reaches_threshold: bool = False
    eligibility: Eligibility | None = None


@dataclass(frozen=True)
class _PublicationBucket:
    """Profiles with a similar number of publications, padded to one width."""

    profiles: IntArray
    rows: IntArray  # shape (n_profiles, width); padding points at the NaN column


def _publication_buckets(index: EvidenceIndex) -> list[_PublicationBucket]:
    """Group profiles by publication count into power-of-two widths (at most 2x padding)."""
    is_publication = index.kind == EvidenceKind.PUBLICATION
    rows = np.flatnonzero(is_publication)
    owners = index.owner[rows]
    counts = np.bincount(owners, minlength=index.n_profiles)
    order = np.argsort(owners, kind="stable")
    rows, owners = rows[order], owners[order]
    starts = np.concatenate([[0], np.cumsum(counts)])
    padding_row = len(index.owner)
    buckets: list[_PublicationBucket] = []
    with_publications = np.flatnonzero(counts > 0)
    widths = 1 << np.ceil(np.log2(counts[with_publications])).astype(np.int64)
    for width in np.unique(widths):
        members = with_publications[widths == width]
        matrix = np.full((len(members), int(width)), padding_row, dtype=np.int64)
        for slot, profile in enumerate(members):
            own = rows[starts[profile] : starts[profile + 1]]
            matrix[slot, : len(own)] = own
        buckets.append(_PublicationBucket(profiles=members, rows=matrix))
    return buckets


def _single_rows(index: EvidenceIndex, kind: EvidenceKind) -> IntArray:
    """Per profile, the row of its single evidence of ``kind`` (or the padding row)."""
    result = np.full(index.n_profiles, len(index.owner), dtype=np.int64)
    rows = np.flatnonzero(index.kind == kind)
    result[index.owner[rows]] = rows
    return result


def _top_k_mean(block: FloatMatrix, k: int) -> FloatMatrix:
    """Mean of the ``k`` largest values on the last axis, ignoring NaN padding."""
    if block.shape[-1] > k:
        # Negate so that NaN padding (sorted last by partition) never displaces a real value.
        block = -np.partition(-block, k - 1, axis=-1)[..., :k]
    with warnings.catch_warnings():
        # An all-padding slice gives NaN ("no publication"), which is what we want.
        warnings.simplefilter("ignore", RuntimeWarning)
        mean: FloatMatrix = np.nanmean(block, axis=-1).astype(np.float32)
    return mean


def _rank_decay(block: FloatMatrix, k: int) -> FloatMatrix:
    """Mean of the ``k`` largest values weighted 1, 1/2, 1/3, ... by rank (NaN ignored)."""
    # Sorting descending puts NaN padding last (negation sorts NaN to the end).
    ordered = -np.sort(-block, axis=-1)[..., :k]
    weights = (1.0 / np.arange(1, ordered.shape[-1] + 1)).astype(np.float32)
    present = ~np.isnan(ordered)
    total = np.where(present, ordered, 0.0) @ weights
    norm = present.astype(np.float32) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(norm > 0, total / norm, np.nan)
    return result.astype(np.float32)


def _percentile(block: FloatMatrix, q: float) -> FloatMatrix:
    """The ``q``-th percentile on the last axis (linear interpolation), ignoring NaN."""
    with warnings.catch_warnings():
        # An all-padding slice gives NaN ("no publication"), which is what we want.
        warnings.simplefilter("ignore", RuntimeWarning)
        value = np.nanpercentile(block, q, axis=-1)
    return np.asarray(value, dtype=np.float32)


def aggregate(block: FloatMatrix, weights: RelevanceWeights) -> FloatMatrix:
    """Aggregate publication similarities on the last axis (NaN = no publication there).

    Parameters
    ----------
    block : ndarray of float32, shape (..., width)
        Similarities, NaN-padded.
    weights : RelevanceWeights
        ``aggregation``, ``top_k`` and ``percentile``.

    Returns
    -------
    ndarray of float32, shape (...)
        NaN where a slice holds no publication.
    """
    if weights.aggregation == "rank_decay":
        return _rank_decay(block, weights.top_k)
    if weights.aggregation == "percentile":
        return _percentile(block, weights.percentile)
    return _top_k_mean(block, weights.top_k)


def recency_factors(index: EvidenceIndex, half_life: float | None) -> FloatMatrix | None:
    """Per evidence row, ``0.5 ** (age / half_life)`` (1 for rows without a year)."""
    if half_life is None or index.year is None or len(index.year) == 0:
        return None
    known = index.year >= 0
    if not known.any():
        return None
    newest = int(index.year[known].max())
    age = np.where(known, newest - index.year, 0).astype(np.float32)
    factors: FloatMatrix = np.power(np.float32(0.5), age / np.float32(half_life)).astype(np.float32)
    return factors


class RelevanceScorer:
    """Scores every profile against every call from an :class:`EvidenceIndex`.

    Parameters
    ----------
    weights : RelevanceWeights
        Blend of the parts, the publication aggregation and the lexical share.
    calibration : callable, optional
        Maps raw cosine similarities of the embedding backend onto a common scale (see
        :mod:`embeddings`); identity when ``None``.
    lexical : LexicalIndex, optional
        The lexical index of the evidence rows (same order as the evidence index). Without
        it (or without the call texts) the lexical share is left out: the dense similarity
        is used alone.
    backend : str, optional
        Name of the embedding backend, for its measured match threshold.
    """

    def __init__(
        self,
        weights: RelevanceWeights | None = None,
        calibration: Calibration | None = None,
        lexical: LexicalIndex | None = None,
        backend: str | None = None,
    ) -> None:
        self.weights = weights or RelevanceWeights()
        self.calibration = calibration
        self.lexical = lexical
        self.match_threshold = match_threshold_for(self.weights, backend)

    @staticmethod
    def lexical_index(index: EvidenceIndex, weights: RelevanceWeights) -> LexicalIndex | None:
        """The lexical index ``weights`` needs for ``index`` (``None`` when dense only)."""
        if weights.lexical <= 0 or not index.texts:
            return None
        return LexicalIndex.build(index.texts, weights.lexical_method)

    def _dense(
        self, call_vectors: FloatMatrix, index: EvidenceIndex, rows: IntArray | None = None
    ) -> FloatMatrix:
        vectors = index.vectors if rows is None else index.vectors[rows]
        raw = call_vectors @ vectors.T
        if self.calibration is not None:
            raw = self.calibration(raw)
        return np.asarray(raw, dtype=np.float32)

    def _uses_lexical(self, call_texts: Sequence[str] | None) -> bool:
        return self.weights.lexical > 0 and self.lexical is not None and call_texts is not None

    def _similarities(
        self,
        call_vectors: FloatMatrix,
        index: EvidenceIndex,
        call_texts: Sequence[str] | None = None,
        recency: FloatMatrix | None = None,
        rows: IntArray | None = None,
    ) -> FloatMatrix:
        """Blended calibrated similarities, with one trailing NaN column for padding.

        With ``rows``, only those evidence rows (in that order): an explanation needs one
        profile's rows, and the whole index costs milliseconds per call at 50,000 profiles.
        """
        blended = self._dense(call_vectors, index, rows)
        if recency is not None and rows is not None:
            recency = recency[rows]
        if self._uses_lexical(call_texts):
            assert self.lexical is not None and call_texts is not None
            share = np.float32(self.weights.lexical)
            lexical = self.lexical.similarities(call_texts)
            if rows is not None:
                lexical = lexical[:, rows]
            blended = (np.float32(1.0) - share) * blended + share * lexical
        if recency is not None:
            # Discount only positive evidence: an old unrelated paper must not look better.
            blended = np.where(blended > 0, blended * recency, blended).astype(np.float32)
        padded = np.empty((blended.shape[0], blended.shape[1] + 1), dtype=np.float32)
        padded[:, :-1] = blended
        padded[:, -1] = np.nan
        return padded

    def score_matrix(
        self,
        call_vectors: FloatMatrix,
        index: EvidenceIndex,
        call_texts: Sequence[str] | None = None,
    ) -> FloatMatrix:
        """Relevance of every profile to every call, shape ``(n_calls, n_profiles)``.

        ``call_texts`` (one per call vector) feed the lexical share; without them the
        score is dense only.
        """
        n_calls = call_vectors.shape[0]
        scores = np.zeros((n_calls, index.n_profiles), dtype=np.float32)
        if n_calls == 0 or index.n_profiles == 0:
            return scores
        buckets = _publication_buckets(index)
        keyword_rows = _single_rows(index, EvidenceKind.KEYWORDS)
        summary_rows = _single_rows(index, EvidenceKind.SUMMARY)
        recency = recency_factors(index, self.weights.recency_half_life)
        widest = max((bucket.rows.size for bucket in buckets), default=1)
        step = max(1, _BLOCK_FLOATS // max(widest, len(index.owner) + 1))
        for start in range(0, n_calls, step):
            stop = min(n_calls, start + step)
            texts = None if call_texts is None else list(call_texts[start:stop])
            similarities = self._similarities(call_vectors[start:stop], index, texts, recency)
            scores[start:stop] = self._blend(similarities, buckets, keyword_rows, summary_rows)
        return scores

    def _blend(
        self,
        similarities: FloatMatrix,
        buckets: list[_PublicationBucket],
        keyword_rows: IntArray,
        summary_rows: IntArray,
    ) -> FloatMatrix:
        n_calls, n_profiles = similarities.shape[0], len(keyword_rows)
        publication_part = np.full((n_calls, n_profiles), np.nan, dtype=np.float32)
        for bucket in buckets:
            block = similarities[:, bucket.rows]
            publication_part[:, bucket.profiles] = aggregate(block, self.weights)
        parts = [
            (publication_part, self.weights.publications),
            (similarities[:, keyword_rows], self.weights.keywords),
            (similarities[:, summary_rows], self.weights.summary),
        ]
        total = np.zeros((n_calls, n_profiles), dtype=np.float32)
        weight_sum = np.zeros((n_calls, n_profiles), dtype=np.float32)
        for values, weight in parts:
            present = ~np.isnan(values)
            total += np.where(present, values, 0.0) * weight
            weight_sum += present * np.float32(weight)
        with np.errstate(invalid="ignore", divide="ignore"):
            blended = np.where(weight_sum > 0, total / weight_sum, 0.0)
        return blended.astype(np.float32)

    def explain(
        self,
        call: Call,
        call_vector: FloatMatrix,
        profile: Profile,
        profile_index: int,
        index: EvidenceIndex,
        max_publications: int = 5,
        *,
        parts: Sequence[CallPart] = (),
        part_vectors: FloatMatrix | None = None,
        covers_threshold: float = 0.5,
    ) -> Explanation:
        """The parts of one score and the publications and keywords it rests on.

        With ``parts`` and their ``part_vectors`` each publication also lists the parts of
        the call it covers (dense calibrated similarity from ``covers_threshold`` up), and
        the explanation carries the profile's coverage of every part.
        """
        rows = index.rows_of(profile_index)
        vector = call_vector.reshape(1, -1)
        texts = [call.text] if self._uses_lexical([call.text]) else None
        recency = recency_factors(index, self.weights.recency_half_life)
        similarities = self._similarities(vector, index, texts, recency, rows)[0, :-1]
        dense = self._dense(vector, index, rows)[0]
        lexical = (
            self.lexical.similarities([call.text])[0, rows]
            if texts is not None and self.lexical is not None
            else np.zeros(len(rows), dtype=np.float32)
        )
        covered = np.zeros((len(rows), 0), dtype=np.float32)
        if parts and part_vectors is not None:
            covered = np.asarray(index.vectors[rows] @ part_vectors.T, dtype=np.float32)
            if self.calibration is not None:
                covered = self.calibration(covered)
        kinds = index.kind[rows]
        score_parts: dict[str, float] = {}
        publication_mask = kinds == EvidenceKind.PUBLICATION
        ranked: list[PublicationEvidence] = []
        if publication_mask.any():
            publication_similarities = similarities[publication_mask]
            items = index.item[rows][publication_mask]
            positions = np.flatnonzero(publication_mask)
            order = np.argsort(-publication_similarities, kind="stable")
            score_parts["publications"] = float(
                aggregate(publication_similarities.reshape(1, -1), self.weights)[0]
            )
            for position in order[:max_publications]:
                row = positions[position]
                publication = profile.publications[int(items[position])]
                covers = tuple(
                    part.text
                    for part, value in zip(parts, covered[row], strict=False)
                    if value >= covers_threshold
                )
                ranked.append(
                    PublicationEvidence(
                        index=int(items[position]),
                        title=publication.title,
                        year=publication.year,
                        similarity=float(publication_similarities[position]),
                        dense=float(dense[row]),
                        lexical=float(lexical[row]),
                        covers=covers,
                    )
                )
        for kind, name in ((EvidenceKind.KEYWORDS, "keywords"), (EvidenceKind.SUMMARY, "summary")):
            mask = kinds == kind
            if mask.any():
                score_parts[name] = float(similarities[mask][0])
        weights = {
            "publications": self.weights.publications,
            "keywords": self.weights.keywords,
            "summary": self.weights.summary,
        }
        weight_sum = sum(weights[name] for name in score_parts)
        score = (
            sum(score_parts[name] * weights[name] for name in score_parts) / weight_sum
            if score_parts and weight_sum > 0
            else 0.0
        )
        part_coverage = (
            [float(v) for v in np.clip(covered.max(axis=0), 0.0, 1.0)]
            if covered.shape[1] and len(rows)
            else [0.0] * len(parts)
        )
        counted = (
            min(self.weights.top_k, int(publication_mask.sum()))
            if self.weights.aggregation != "percentile"
            else int(publication_mask.sum())
        )
        return Explanation(
            call_id=call.id,
            profile_id=profile.id,
            score=float(score),
            parts=score_parts,
            publications=ranked,
            matched_keywords=matched_keywords(call, profile),
            counted_publications=counted,
            call_parts=list(parts),
            part_coverage=part_coverage,
            match_threshold=self.match_threshold,
            is_match=float(score) >= self.match_threshold,
            reaches_threshold=float(score) >= self.match_threshold,
            aggregation=describe_aggregation(self.weights),
            lexical_weight=self.weights.lexical if texts is not None else 0.0,
        )


def describe_aggregation(weights: RelevanceWeights) -> str:
    """One phrase naming how publications are aggregated, for explanations."""
    if weights.aggregation == "percentile":
        return f"{weights.percentile:g}th percentile of all publications"
    if weights.top_k == 1:
        text = "best publication"
    elif weights.aggregation == "rank_decay":
        text = f"rank-discounted mean of the {weights.top_k} best publications"
    else:
        text = f"mean of the {weights.top_k} best publications"
    if weights.recency_half_life is not None:
        text += f", discounted by age (half-life {weights.recency_half_life:g} years)"
    return text


def _word_stems(text: str) -> set[str]:
    """Lower-cased word prefixes (5 letters) so that 'methane'/'methanol' stay apart but
    'reclamation'/'reclaimed' overlap; crude, language-agnostic, used only for display."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return {word[:5] for word in words if len(word) >= 4}


def matched_keywords(call: Call, profile: Profile) -> list[str]:
    """Profile keywords that share a word with the call's keywords or text."""
    call_stems = _word_stems(" ".join([call.title, call.description, *call.keywords]))
    return [keyword for keyword in profile.keywords if _word_stems(keyword) & call_stems]


def top_k_indices(scores: npt.NDArray[np.float32], k: int) -> IntArray:
    """Indices of the ``k`` largest scores, best first (all of them, sorted, for ``k <= 0``)."""
    if k <= 0 or k >= len(scores):
        return np.argsort(-scores, kind="stable").astype(np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")].astype(np.int64)


def profile_vectors(index: EvidenceIndex) -> FloatMatrix:
    """One unit vector per profile: the mean of its evidence vectors (zero when it has none)."""
    # A sparse (profiles x rows) matrix of ones times the vectors: one pass over the
    # vectors, where np.add.at took seconds at 50,000 profiles.
    rows = len(index.owner)
    membership = sp.csr_matrix(
        (np.ones(rows, dtype=np.float32), (index.owner, np.arange(rows))),
        shape=(index.n_profiles, rows),
    )
    sums: FloatMatrix = np.asarray(membership @ index.vectors, dtype=np.float32)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    sums /= norms  # in place: a second matrix of 200 MB at 50,000 profiles otherwise
    return sums


__all__: Sequence[str] = [
    "Aggregation",
    "Explanation",
    "PublicationEvidence",
    "RelevanceScorer",
    "RelevanceWeights",
    "aggregate",
    "describe_aggregation",
    "match_threshold_for",
    "matched_keywords",
    "profile_vectors",
    "top_k_indices",
]

"""Relevance of profiles to calls, computed from the evidence one piece at a time.

A profile's relevance to a call blends three parts, each a similarity between the call's
vector and the profile's evidence vectors:

``publications``
    the mean of the ``top_k`` best-matching publications (the best evidence counts most,
    as expertise matchers do; one strong paper is not diluted by ten unrelated ones);
``keywords``
    the profile's keywords, embedded as one text;
``summary``
    the profile's summary.

The parts are weighted by :class:`RelevanceWeights`; a part a profile lacks is left out and
the remaining weights are renormalised, so a profile is not punished for having no summary.
Scores are never rescaled within a call: the same number means the same thing in every
row, across calls and across profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.evidence import EvidenceIndex, EvidenceKind, FloatMatrix, IntArray
from matcher.model import Call, Profile

Calibration = Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]

# Gathered similarity blocks are kept under this many floats (about 200 MB) per step.
_BLOCK_FLOATS = 50_000_000


@dataclass(frozen=True)
class RelevanceWeights:
    """How the parts of relevance are blended, and how publications are aggregated."""

    publications: float = 0.6
    keywords: float = 0.25
    summary: float = 0.15
    top_k: int = 3

    def __post_init__(self) -> None:
        if min(self.publications, self.keywords, self.summary) < 0:
            raise ValueError("relevance weights must be non-negative")
        if self.publications + self.keywords + self.summary <= 0:
            raise ValueError("at least one relevance weight must be positive")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")


@dataclass(frozen=True)
class PublicationEvidence:
    """One publication behind a score, and how well it matches the call."""

    index: int
    title: str
    year: int | None
    similarity: float


@dataclass(frozen=True)
class Explanation:
    """Why a profile scores what it scores for a call."""

    call_id: str
    profile_id: str
    score: float
    parts: dict[str, float]
    publications: list[PublicationEvidence]
    matched_keywords: list[str]
    counted_publications: int = field(default=0)


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
    with np.errstate(invalid="ignore"):
        mean: FloatMatrix = np.nanmean(block, axis=-1).astype(np.float32)
    return mean


class RelevanceScorer:
    """Scores every profile against every call from an :class:`EvidenceIndex`.

    Parameters
    ----------
    weights : RelevanceWeights
        Blend of the parts and the publication aggregation.
    calibration : callable, optional
        Maps raw cosine similarities of the embedding backend onto a common scale (see
        :mod:`embeddings`); identity when ``None``.
    """

    def __init__(
        self,
        weights: RelevanceWeights | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.weights = weights or RelevanceWeights()
        self.calibration = calibration

    def _similarities(self, call_vectors: FloatMatrix, index: EvidenceIndex) -> FloatMatrix:
        """Calibrated similarities, with one trailing NaN column for padding."""
        raw = call_vectors @ index.vectors.T
        if self.calibration is not None:
            raw = self.calibration(raw)
        padded = np.empty((raw.shape[0], raw.shape[1] + 1), dtype=np.float32)
        padded[:, :-1] = raw
        padded[:, -1] = np.nan
        return padded

    def score_matrix(self, call_vectors: FloatMatrix, index: EvidenceIndex) -> FloatMatrix:
        """Relevance of every profile to every call, shape ``(n_calls, n_profiles)``."""
        n_calls = call_vectors.shape[0]
        scores = np.zeros((n_calls, index.n_profiles), dtype=np.float32)
        if n_calls == 0 or index.n_profiles == 0:
            return scores
        buckets = _publication_buckets(index)
        keyword_rows = _single_rows(index, EvidenceKind.KEYWORDS)
        summary_rows = _single_rows(index, EvidenceKind.SUMMARY)
        widest = max((bucket.rows.size for bucket in buckets), default=1)
        step = max(1, _BLOCK_FLOATS // max(widest, len(index.owner) + 1))
        for start in range(0, n_calls, step):
            stop = min(n_calls, start + step)
            similarities = self._similarities(call_vectors[start:stop], index)
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
            publication_part[:, bucket.profiles] = _top_k_mean(block, self.weights.top_k)
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
    ) -> Explanation:
        """The parts of one score and the publications and keywords it rests on."""
        rows = index.rows_of(profile_index)
        similarities = self._similarities(call_vector.reshape(1, -1), index)[0, rows]
        kinds = index.kind[rows]
        parts: dict[str, float] = {}
        publication_mask = kinds == EvidenceKind.PUBLICATION
        ranked: list[PublicationEvidence] = []
        if publication_mask.any():
            publication_similarities = similarities[publication_mask]
            items = index.item[rows][publication_mask]
            order = np.argsort(-publication_similarities, kind="stable")
            top = publication_similarities[order[: self.weights.top_k]]
            parts["publications"] = float(top.mean())
            for position in order[:max_publications]:
                publication = profile.publications[int(items[position])]
                ranked.append(
                    PublicationEvidence(
                        index=int(items[position]),
                        title=publication.title,
                        year=publication.year,
                        similarity=float(publication_similarities[position]),
                    )
                )
        for kind, name in ((EvidenceKind.KEYWORDS, "keywords"), (EvidenceKind.SUMMARY, "summary")):
            mask = kinds == kind
            if mask.any():
                parts[name] = float(similarities[mask][0])
        weights = {
            "publications": self.weights.publications,
            "keywords": self.weights.keywords,
            "summary": self.weights.summary,
        }
        weight_sum = sum(weights[name] for name in parts)
        score = sum(parts[name] * weights[name] for name in parts) / weight_sum if parts else 0.0
        return Explanation(
            call_id=call.id,
            profile_id=profile.id,
            score=float(score),
            parts=parts,
            publications=ranked,
            matched_keywords=matched_keywords(call, profile),
            counted_publications=min(self.weights.top_k, len(ranked)),
        )


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
    sums = np.zeros((index.n_profiles, index.vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, index.owner, index.vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    vectors: FloatMatrix = (sums / norms).astype(np.float32)
    return vectors


__all__: Sequence[str] = [
    "Explanation",
    "PublicationEvidence",
    "RelevanceScorer",
    "RelevanceWeights",
    "matched_keywords",
    "profile_vectors",
    "top_k_indices",
]

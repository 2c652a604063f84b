"""Batch relevance for a whole round: profiles in chunks, top lists per call, no dense matrix.

This computes the same numbers as :meth:`matcher.relevance.RelevanceScorer.score_matrix`
(tested to float32 rounding), faster, and one chunk of profiles at a time:

* Each chunk's evidence vectors are laid out once so that one matrix product gives every
  similarity the chunk needs: first the keyword rows of the chunk's profiles that have
  keywords, then the summary rows of those that have a summary (no row for a missing part,
  so profiles without them cost no arithmetic), then the
  publications, profiles grouped by their exact publication count ``c`` and laid out
  publication-major, so that the similarities of bucket ``c`` reshape, without a copy, to
  ``(calls, c, profiles)``.
* The top-``k`` mean over publications is then a running top-``k`` over ``c`` contiguous
  ``(calls, profiles)`` slices with element-wise ``maximum``/``minimum`` (a partial sorting
  network), instead of gathering padded rows and partitioning millions of short rows, which
  is what made the generic scorer 2.6x the matrix-product floor.
* Calibration maps are affine (``(raw - unrelated) / scale``), so they are folded into the
  blend weights and a per-profile bias instead of a pass over every similarity.

Columns of a chunk's score block are in the layout's order; ``ChunkLayout.order`` maps
them back to profile indices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from embeddings import Calibration
from matcher.evidence import EvidenceIndex, EvidenceKind, FloatMatrix, IntArray
from matcher.relevance import RelevanceWeights

CalibrationLike = Calibration | Callable[[FloatMatrix], FloatMatrix] | None


@dataclass(frozen=True)
class ProfileLayout:
    """Where each profile's evidence rows are, computed once per round."""

    publication_rows: IntArray  # rows of publications, grouped by profile
    publication_starts: IntArray  # profile p's publications: rows[starts[p]:starts[p+1]]
    keyword_rows: IntArray  # per profile, its keyword row or -1
    summary_rows: IntArray  # per profile, its summary row or -1

    @classmethod
    def of(cls, index: EvidenceIndex) -> ProfileLayout:
        """The layout of ``index``'s evidence rows."""
        n = index.n_profiles
        is_publication = index.kind == EvidenceKind.PUBLICATION
        rows = np.flatnonzero(is_publication)
        order = np.argsort(index.owner[rows], kind="stable")
        rows = rows[order]
        counts = np.bincount(index.owner[rows], minlength=n)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        single = []
        for kind in (EvidenceKind.KEYWORDS, EvidenceKind.SUMMARY):
            per_profile = np.full(n, -1, dtype=np.int64)
            kind_rows = np.flatnonzero(index.kind == kind)
            per_profile[index.owner[kind_rows]] = kind_rows
            single.append(per_profile)
        return cls(rows.astype(np.int64), starts, single[0], single[1])


@dataclass(frozen=True)
class ChunkLayout:
    """One chunk of profiles, laid out for a single matrix product (see the module doc).

    Attributes
    ----------
    order : ndarray of int
        Profile index of each column of the chunk's score block.
    vectors : ndarray of float32, shape (keywords + summaries + publications, dim)
        Keyword rows, summary rows, then publication rows bucket by bucket.
    keyword_columns, summary_columns : ndarray of int
        The columns whose profile has a keyword list (a summary), in the order of their
        rows in ``vectors``.
    coefficients : ndarray of float32, shape (3, n)
        Blend weight of the publication, keyword and summary part per column (already
        divided by the sum of the weights of the parts the profile has).
    buckets : list of (count, first column, number of profiles, first vector row)
        Profiles with ``count`` publications occupy a contiguous run of columns.
    """

    order: IntArray
    vectors: FloatMatrix
    coefficients: FloatMatrix
    buckets: list[tuple[int, int, int, int]]
    keyword_columns: IntArray
    summary_columns: IntArray

    @property
    def n(self) -> int:
        return len(self.order)


def chunk_layout(
    index: EvidenceIndex,
    layout: ProfileLayout,
    profiles: IntArray,
    weights: RelevanceWeights,
) -> ChunkLayout:
    """Lay out the evidence of ``profiles`` (indices into ``index``) for one chunk."""
    counts = layout.publication_starts[profiles + 1] - layout.publication_starts[profiles]
    # Group by exact publication count (stable, so profile order is kept within a bucket).
    by_count = np.argsort(counts, kind="stable")
    order = profiles[by_count]
    counts = counts[by_count]
    dim = index.vectors.shape[1]
    blocks: list[FloatMatrix] = []
    present_columns: list[IntArray] = []
    for rows in (layout.keyword_rows[order], layout.summary_rows[order]):
        columns = np.flatnonzero(rows >= 0)
        blocks.append(index.vectors[rows[columns]])
        present_columns.append(columns.astype(np.int64))
    buckets: list[tuple[int, int, int, int]] = []
    vector_row = sum(len(columns) for columns in present_columns)
    for count in np.unique(counts):
        columns = np.flatnonzero(counts == count)
        first, size = int(columns[0]), len(columns)
        if count > 0:
            starts = layout.publication_starts[order[columns]]
            # Publication-major: row j * size + i holds publication j of profile i.
            rows = layout.publication_rows[starts[None, :] + np.arange(count)[:, None]]
            blocks.append(index.vectors[rows.reshape(-1)])
        buckets.append((int(count), first, size, vector_row))
        vector_row += int(count) * size
    has = np.stack(
        [counts > 0, layout.keyword_rows[order] >= 0, layout.summary_rows[order] >= 0]
    ).astype(np.float32)
    weight = np.asarray(
        [weights.publications, weights.keywords, weights.summary], dtype=np.float32
    )[:, None]
    total = (has * weight).sum(axis=0)
    coefficients = np.where(total > 0, has * weight / np.where(total > 0, total, 1), 0)
    return ChunkLayout(
        order=order.astype(np.int64),
        vectors=np.concatenate(blocks, axis=0) if blocks else np.zeros((0, dim), np.float32),
        coefficients=coefficients.astype(np.float32),
        buckets=buckets,
        keyword_columns=present_columns[0],
        summary_columns=present_columns[1],
    )


def _top_k_sum(block: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.float32]:
    """Sum of the ``k`` largest of ``block[:, j, :]`` over ``j`` (block: calls, count, n)."""
    count = block.shape[1]
    if count <= k:
        total: npt.NDArray[np.float32] = block.sum(axis=1, dtype=np.float32)
        return total
    tops = [block[:, j, :].copy() for j in range(k)]
    # Sort the first k columns descending (small k: a few max/min), then insert the rest.
    for i in range(k):
        for j in range(k - 1, i, -1):
            high = np.maximum(tops[j - 1], tops[j])
            np.minimum(tops[j - 1], tops[j], out=tops[j])
            tops[j - 1] = high
    for j in range(k, count):
        value = block[:, j, :]
        for i in range(k - 1):
            high = np.maximum(tops[i], value)
            value = np.minimum(tops[i], value)
            tops[i] = high
        np.maximum(tops[k - 1], value, out=tops[k - 1])
    total = tops[0]
    for top in tops[1:]:
        total += top
    return total


def score_chunk(
    call_vectors: FloatMatrix,
    chunk: ChunkLayout,
    weights: RelevanceWeights,
    calibration: CalibrationLike = None,
) -> FloatMatrix:
    """Relevance of the chunk's profiles to every call, shape ``(calls, chunk.n)``.

    Columns follow ``chunk.order``. Equal to the matching columns of
    :meth:`~matcher.relevance.RelevanceScorer.score_matrix` up to float32 rounding.
    """
    n_calls, n = call_vectors.shape[0], chunk.n
    similarities = call_vectors @ chunk.vectors.T
    coefficients = chunk.coefficients
    bias: npt.NDArray[np.float32] | None = None
    if isinstance(calibration, Calibration):
        # Affine: calibrate(mean) == mean(calibrate), so fold it into the blend.
        scale = np.float32(calibration.scale)
        coefficients = coefficients / scale
        bias = -np.float32(calibration.unrelated) * chunk.coefficients.sum(axis=0) / scale
    elif calibration is not None:
        similarities = np.asarray(calibration(similarities), dtype=np.float32)
    k = weights.top_k
    publication = np.zeros((n_calls, n), dtype=np.float32)
    for count, first, size, row in chunk.buckets:
        if count == 0:
            continue
        block = similarities[:, row : row + count * size].reshape(n_calls, count, size)
        publication[:, first : first + size] = _top_k_sum(block, k) / np.float32(min(k, count))
    scores = publication
    scores *= coefficients[0]
    first = 0
    for part, columns in ((1, chunk.keyword_columns), (2, chunk.summary_columns)):
        rows = similarities[:, first : first + len(columns)]
        first += len(columns)
        if len(columns) == n:  # every profile has this part: no scatter needed
            scores += rows * coefficients[part]
        elif len(columns):
            scores[:, columns] += rows * coefficients[part][columns]
    if bias is not None:
        scores += bias
    return scores


#: Columns per group of the two-level top-k, and how many columns per wanted one make it pay.
_GROUP = 16
_GROUPED_TOP_MIN_RATIO = 64


def _grouped_top(scores: FloatMatrix, k: int) -> IntArray:
    """Per row, the positions of ``k`` largest values: exact, and ties as good as any.

    The maxima of groups of ``_GROUP`` columns (any partition of the columns would do) are
    partitioned first; the ``k`` best values
    of a row all lie in its ``k`` groups with the largest maxima (or can be swapped for
    equal values there): a group outside those has a maximum no larger than the ``k``
    maxima chosen. Only those ``k * _GROUP`` columns (and the ragged tail) are then
    partitioned, about a sixteenth of the work of partitioning every column.
    """
    rows, n = scores.shape
    width = n // _GROUP  # group g holds columns g, g + width, g + 2 * width, ...
    grouped = width * _GROUP
    # Reducing the middle axis is element-wise maxima of contiguous slices (fast in numpy).
    maxima = scores[:, :grouped].reshape(rows, _GROUP, width).max(axis=1)
    groups = np.argpartition(-maxima, k - 1, axis=1)[:, :k]
    members = np.arange(_GROUP) * width
    candidates = (groups[:, :, None] + members).reshape(rows, k * _GROUP)
    if grouped < n:
        tail = np.broadcast_to(np.arange(grouped, n), (rows, n - grouped))
        candidates = np.concatenate([candidates, tail], axis=1)
    values = np.take_along_axis(scores, candidates, axis=1)
    best = np.argpartition(-values, k - 1, axis=1)[:, :k]
    positions: IntArray = np.take_along_axis(candidates, best, axis=1)
    return positions


def top_per_row(
    scores: FloatMatrix, k: int, columns: IntArray | None = None
) -> tuple[IntArray, FloatMatrix]:
    """Per row, the ``k`` best columns (unsorted) and their scores.

    Returns ``(indices, values)`` of shape ``(rows, min(k, n))``; ``columns`` maps the
    block's columns to the indices returned.
    """
    n = scores.shape[1]
    if k >= n:
        positions: IntArray = np.broadcast_to(np.arange(n), scores.shape)
    elif n >= _GROUPED_TOP_MIN_RATIO * k:
        positions = _grouped_top(scores, k)
    else:
        positions = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(scores, positions, axis=1)
    indices = positions if columns is None else columns[positions]
    return np.ascontiguousarray(indices, dtype=np.int64), np.ascontiguousarray(values)


def best_first(indices: IntArray, values: FloatMatrix, k: int) -> tuple[IntArray, FloatMatrix]:
    """Per row, the ``k`` best ``(index, value)`` pairs, best first; ties by lower index."""
    order = np.lexsort((indices, -values), axis=-1) if indices.size else indices
    take = order[..., :k]
    return (
        np.take_along_axis(indices, take, axis=-1),
        np.take_along_axis(values, take, axis=-1),
    )


__all__ = [
    "ChunkLayout",
    "ProfileLayout",
    "best_first",
    "chunk_layout",
    "score_chunk",
    "top_per_row",
]

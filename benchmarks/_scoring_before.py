"""The round scorer as it was before issue 18, frozen for ``round_scoring.py --variants``.

A copy of ``chunk_layout``, ``score_chunk`` and ``top_per_row`` of
:mod:`matcher.rounds.scoring` and of the per-call merge of :class:`matcher.rounds.chunks.Merger`
at commit afcebcb, so the benchmark can time the old and the new scorer in the same run
(the numbers are the same: ``tests/matcher/rounds/test_scoring.py``). Not used by the package.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from embeddings import Calibration
from matcher.evidence import EvidenceIndex, FloatMatrix, IntArray
from matcher.relevance import RelevanceWeights
from matcher.rounds.scoring import CalibrationLike, ChunkLayout, ProfileLayout


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


def round_top(
    index: EvidenceIndex,
    calls: FloatMatrix,
    weights: RelevanceWeights,
    calibration: Calibration,
    top_k: int,
    chunk: int,
) -> list[tuple[IntArray, FloatMatrix]]:
    """Every call's top list, chunk by chunk, merged call by call as before issue 18."""
    layout = ProfileLayout.of(index)
    top = [(np.zeros(0, np.int64), np.zeros(0, np.float32)) for _ in range(len(calls))]
    for start in range(0, index.n_profiles, chunk):
        members = np.arange(start, min(index.n_profiles, start + chunk))
        laid_out = chunk_layout(index, layout, members, weights)
        scores = score_chunk(calls, laid_out, weights, calibration)
        top_index, top_score = top_per_row(scores, top_k, laid_out.order)
        for call, (kept_index, kept_score) in enumerate(top):
            merged_index = np.concatenate([kept_index, top_index[call]])
            merged_score = np.concatenate([kept_score, top_score[call]])
            order = np.lexsort((merged_index, -merged_score))[:top_k]
            top[call] = merged_index[order], merged_score[order]
    return top

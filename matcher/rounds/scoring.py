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
* After the product (one BLAS call per chunk, the same call as before: splitting it would
  change the last bits of some similarities), the rest runs by blocks of
  ``_CALL_BLOCK`` calls on a few threads (numpy releases the GIL in element-wise
  operations). A block copies each bucket's similarities, publication-major, into
  contiguous scratch (numpy runs element-wise operations on contiguous arrays as one flat
  loop, two to three times faster per element than on strided slices) and writes the
  bucket's top-``k`` sums into its rows of scores; the blend then runs once over those
  contiguous rows, and the block picks its calls' top lists (:func:`score_and_top`). Per
  element the operations and their order are those of the single-threaded pre-issue-18
  scorer, so scores are equal to the bit whatever the threads.

Columns of a chunk's score block are in the layout's order; ``ChunkLayout.order`` maps
them back to profile indices.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    row_parts: list[IntArray] = []
    present_columns: list[IntArray] = []
    for rows in (layout.keyword_rows[order], layout.summary_rows[order]):
        columns = np.flatnonzero(rows >= 0)
        row_parts.append(rows[columns])
        present_columns.append(columns.astype(np.int64))
    buckets: list[tuple[int, int, int, int]] = []
    vector_row = sum(len(columns) for columns in present_columns)
    values, firsts, sizes = np.unique(counts, return_index=True, return_counts=True)
    for count, first, size in zip(values.tolist(), firsts.tolist(), sizes.tolist(), strict=True):
        if count > 0:
            starts = layout.publication_starts[order[first : first + size]]
            # Publication-major: row j * size + i holds publication j of profile i.
            rows = layout.publication_rows[starts[None, :] + np.arange(count)[:, None]]
            row_parts.append(rows.reshape(-1))
        buckets.append((count, first, size, vector_row))
        vector_row += count * size
    # One gather of the rows of every part, in the order described above (no second copy);
    # ``take`` copies whole rows, where fancy indexing goes element by element (6 ms
    # against 8 ms for 22,600 rows of 384 floats).
    vectors = (
        np.take(index.vectors, np.concatenate(row_parts), axis=0)
        if row_parts
        else np.zeros((0, dim))
    )
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
        vectors=vectors.astype(np.float32, copy=False),
        coefficients=coefficients.astype(np.float32),
        buckets=buckets,
        keyword_columns=present_columns[0],
        summary_columns=present_columns[1],
    )


#: Calls per block of the post-product work: a block's slices of one bucket (its running
#: top-k buffers) stay in a core's cache, and blocks are what the threads share out.
_CALL_BLOCK = 64


def scoring_threads() -> int:
    """Threads for the work after a chunk's matrix product: the CPUs this process may use
    (at most 8), or ``GRANTMATCH_SCORING_THREADS``. Results do not depend on it."""
    configured = os.environ.get("GRANTMATCH_SCORING_THREADS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(
                f"GRANTMATCH_SCORING_THREADS={configured!r}: not a whole number of threads (>= 1)"
            )
        return int(configured)
    return max(1, min(8, len(os.sched_getaffinity(0))))


def _top_k_sum_into(
    block: npt.NDArray[np.float32],
    k: int,
    out: npt.NDArray[np.float32],
    scratch: list[npt.NDArray[np.float32]],
) -> None:
    """Write the sum of the ``k`` largest of ``block[j]`` over ``j`` into ``out``.

    ``block`` is publication-major, ``(count, rows, size)``, with ``count > k``; it is
    scratch and is overwritten. The same element-wise operations in the same order as the
    pre-issue-18 scorer (so the same float32 results), with every intermediate in
    ``block`` or ``scratch`` (two more arrays shaped like ``out``).
    """
    count = block.shape[0]
    spare, low = scratch[0], scratch[1]
    # The running top k live in the block's first k slices (read once, then free).
    tops = [block[j] for j in range(k)]
    # Sort the first k descending with a bubble network.
    for i in range(k):
        for j in range(k - 1, i, -1):
            np.maximum(tops[j - 1], tops[j], out=spare)
            np.minimum(tops[j - 1], tops[j], out=tops[j])
            tops[j - 1], spare = spare, tops[j - 1]
    # Insert the rest: the value pushed down a level is the minimum of the two.
    for j in range(k, count):
        value = block[j]
        for i in range(k - 1):
            np.maximum(tops[i], value, out=spare)
            np.minimum(tops[i], value, out=low)
            tops[i], spare = spare, tops[i]
            value = low
        np.maximum(tops[k - 1], value, out=tops[k - 1])
    if k == 1:
        np.copyto(out, tops[0])
        return
    np.add(tops[0], tops[1], out=out)
    for top in tops[2:]:
        out += top


@dataclass(frozen=True)
class _Part:
    """An optional part (keywords or summary) of a chunk's profiles.

    ``rows`` are its similarity rows; ``columns`` is ``None`` when every profile has the
    part (rows and columns then match one to one), else the columns of the profiles that
    have it; ``weights`` are their blend weights.
    """

    rows: slice
    columns: IntArray | None
    weights: FloatMatrix


def _parts(chunk: ChunkLayout, coefficients: FloatMatrix) -> list[_Part]:
    """The chunk's optional parts, keywords first (the order of the additions)."""
    parts = []
    first_row = 0
    for part, present in ((1, chunk.keyword_columns), (2, chunk.summary_columns)):
        rows = slice(first_row, first_row + len(present))
        first_row += len(present)
        if len(present) == chunk.n:
            parts.append(_Part(rows, None, coefficients[part]))
        elif len(present):
            parts.append(_Part(rows, present, coefficients[part, present]))
    return parts


def _divisors(chunk: ChunkLayout, k: int) -> FloatMatrix:
    """Per column, what its top-k sum is divided by: ``min(k, count)``, or 1 (an exact
    no-op on the zero) for profiles without publications."""
    divisors = np.ones(chunk.n, dtype=np.float32)
    for count, first, size, _ in chunk.buckets:
        if count:
            divisors[first : first + size] = min(k, count)
    return divisors


@dataclass(frozen=True)
class _Blend:
    """What every call block of one chunk needs after the product."""

    similarities: FloatMatrix
    chunk: ChunkLayout
    k: int
    coefficients: FloatMatrix
    divisors: FloatMatrix
    parts: list[_Part]
    bias: FloatMatrix | None
    scores: FloatMatrix
    top_k: int | None

    def block(self, start: int, stop: int) -> tuple[IntArray, FloatMatrix] | None:
        """Score calls ``start:stop`` into ``scores`` and pick their top.

        Per element the operations and their order are those of the pre-issue-18 scorer
        (top-k sum, divided by its count, times the publication weight, plus each part's
        similarity times its weight, plus the calibration bias), so results are equal to the
        bit. The top-k sums are written bucket by bucket, the blend then runs once over the
        block's contiguous rows of scores (one numpy call per step, not one per bucket).

        A bucket's publication similarities are first copied, publication-major, into
        contiguous scratch: numpy then runs the top-k steps as flat loops, where on the
        strided slices of the similarity block it iterates row by row (and copies through
        its buffers), two to three times slower per element.
        """
        similarities = self.similarities[start:stop]
        scores = self.scores[start:stop]
        rows = stop - start
        buckets = self.chunk.buckets
        widest = max((size for _, _, size, _ in buckets), default=0)
        deepest = max((count * size for count, _, size, _ in buckets), default=0)
        # Flat scratch, sliced per bucket so that every view is contiguous.
        flat = [np.empty(rows * widest, dtype=np.float32) for _ in range(2)]
        # (Also the scratch of the parts' products, a block of scores.)
        spread = np.empty(rows * max(deepest, self.chunk.n), dtype=np.float32)
        for count, first, size, row in buckets:
            target = scores[:, first : first + size]
            region = similarities[:, row : row + count * size].reshape(rows, count, size)
            if count == 0:
                target.fill(0)
            elif count <= self.k:
                np.add.reduce(region, axis=1, out=target)
            else:
                block = spread[: rows * count * size].reshape(count, rows, size)
                np.copyto(block, region.transpose(1, 0, 2))
                scratch = [array[: rows * size].reshape(rows, size) for array in flat]
                _top_k_sum_into(block, self.k, target, scratch)
        np.divide(scores, self.divisors, out=scores)
        np.multiply(scores, self.coefficients[0], out=scores)
        product = spread[: scores.size].reshape(scores.shape)
        for part in self.parts:
            part_rows = similarities[:, part.rows]
            if part.columns is None:
                scores += np.multiply(part_rows, part.weights, out=product)
            else:
                scores[:, part.columns] += part_rows * part.weights
        if self.bias is not None:
            scores += self.bias
        if self.top_k is None:
            return None
        return top_per_row(scores, self.top_k, self.chunk.order)


def _score(
    call_vectors: FloatMatrix,
    chunk: ChunkLayout,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int | None,
    threads: int | None,
) -> tuple[FloatMatrix, list[tuple[IntArray, FloatMatrix] | None]]:
    """The chunk's scores and, with ``top_k``, each call block's top list."""
    similarities = call_vectors @ chunk.vectors.T
    return _blend(similarities, chunk, weights, calibration, top_k, threads)


def _blend(
    similarities: FloatMatrix,
    chunk: ChunkLayout,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int | None,
    threads: int | None,
) -> tuple[FloatMatrix, list[tuple[IntArray, FloatMatrix] | None]]:
    """Everything after the product: see :func:`_score`."""
    n_calls, n = similarities.shape[0], chunk.n
    coefficients = chunk.coefficients
    bias: FloatMatrix | None = None
    if isinstance(calibration, Calibration):
        # Affine: calibrate(mean) == mean(calibrate), so fold it into the blend.
        scale = np.float32(calibration.scale)
        coefficients = coefficients / scale
        bias = -np.float32(calibration.unrelated) * chunk.coefficients.sum(axis=0) / scale
    elif calibration is not None:
        similarities = np.asarray(calibration(similarities), dtype=np.float32)
    blend = _Blend(
        similarities=similarities,
        chunk=chunk,
        k=weights.top_k,
        coefficients=coefficients,
        divisors=_divisors(chunk, weights.top_k),
        parts=_parts(chunk, coefficients),
        bias=bias,
        scores=np.empty((n_calls, n), dtype=np.float32),
        top_k=top_k,
    )
    starts = list(range(0, n_calls, _CALL_BLOCK))
    workers = min(len(starts), scoring_threads() if threads is None else max(1, threads))
    if workers <= 1:
        tops = [blend.block(a, min(n_calls, a + _CALL_BLOCK)) for a in starts]
    else:
        # numpy releases the GIL in these element-wise operations, so the threads overlap.
        with ThreadPoolExecutor(workers, thread_name_prefix="grantmatch-score") as pool:
            tops = list(pool.map(lambda a: blend.block(a, min(n_calls, a + _CALL_BLOCK)), starts))
    return blend.scores, tops


def score_chunk(
    call_vectors: FloatMatrix,
    chunk: ChunkLayout,
    weights: RelevanceWeights,
    calibration: CalibrationLike = None,
    *,
    threads: int | None = None,
) -> FloatMatrix:
    """Relevance of the chunk's profiles to every call, shape ``(calls, chunk.n)``.

    Columns follow ``chunk.order``. Equal to the matching columns of
    :meth:`~matcher.relevance.RelevanceScorer.score_matrix` up to float32 rounding.
    ``threads`` (default :func:`scoring_threads`) share the work after the matrix product
    out by blocks of calls; the result does not depend on it.
    """
    scores, _ = _score(call_vectors, chunk, weights, calibration, None, threads)
    return scores


def score_and_top(
    call_vectors: FloatMatrix,
    chunk: ChunkLayout,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int,
    *,
    threads: int | None = None,
) -> tuple[FloatMatrix, IntArray, FloatMatrix]:
    """:func:`score_chunk` and, fused with it, :func:`top_per_row` of its result.

    Returns ``(scores, top_index, top_score)``: each call's top list is picked by the thread
    that scored the call, while its block of scores is still in cache. Indices are profile
    indices (``chunk.order`` applied).
    """
    scores, tops = _score(call_vectors, chunk, weights, calibration, top_k, threads)
    picked = [top for top in tops if top is not None]
    if not picked:  # no calls
        width = min(top_k, chunk.n)
        return scores, np.zeros((0, width), np.int64), np.zeros((0, width), np.float32)
    index = np.concatenate([i for i, _ in picked])
    value = np.concatenate([v for _, v in picked])
    return scores, index, value


#: Columns per group of the two-level top-k (a power of two: its maxima are taken by
#: halving), and how many columns per wanted one make it pay.
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
    # Halving with contiguous slices is element-wise maxima over the same groups, and
    # faster than reducing the middle axis of a (rows, _GROUP, width) view.
    maxima = np.maximum(scores[:, : grouped // 2], scores[:, grouped // 2 : grouped])
    while maxima.shape[1] > width:
        half = maxima.shape[1] // 2
        maxima = np.maximum(maxima[:, :half], maxima[:, half:])
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
    "score_and_top",
    "score_chunk",
    "scoring_threads",
    "top_per_row",
]

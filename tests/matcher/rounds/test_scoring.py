"""Round scoring after issue 18: threaded, fused, and equal to the bit to the plain scorer.

The reference below is the straightforward chunk scorer the fused one replaced (one
operation at a time over whole arrays, new arrays for every intermediate). The fused
scorer promises the same float32 operations per element in the same order, so the
comparisons are exact (``array_equal`` on the bits), not to a tolerance; the agreement of
both with :class:`~matcher.relevance.RelevanceScorer` is tested in ``test_rounds.py``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from embeddings import Calibration
from matcher.evidence import EvidenceIndex, FloatMatrix
from matcher.model import Profile, Publication
from matcher.relevance import RelevanceWeights
from matcher.rounds.chunks import ChunkResult, ChunkTask, Merger, SpecArrays, run_chunk
from matcher.rounds.scoring import (
    CalibrationLike,
    ChunkLayout,
    ProfileLayout,
    chunk_layout,
    score_and_top,
    score_chunk,
    scoring_threads,
    top_per_row,
)


def _reference_top_k_sum(block: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.float32]:
    count = block.shape[1]
    if count <= k:
        total: npt.NDArray[np.float32] = block.sum(axis=1, dtype=np.float32)
        return total
    tops = [block[:, j, :].copy() for j in range(k)]
    for i in range(k):
        for j in range(k - 1, i, -1):
            high = np.maximum(tops[j - 1], tops[j])
            tops[j] = np.minimum(tops[j - 1], tops[j])
            tops[j - 1] = high
    for j in range(k, count):
        value = block[:, j, :]
        for i in range(k - 1):
            high = np.maximum(tops[i], value)
            value = np.minimum(tops[i], value)
            tops[i] = high
        tops[k - 1] = np.maximum(tops[k - 1], value)
    total = tops[0]
    for top in tops[1:]:
        total = total + top
    return total


def _reference_scores(
    calls: FloatMatrix, chunk: ChunkLayout, weights: RelevanceWeights, calibration: CalibrationLike
) -> FloatMatrix:
    """The pre-issue-18 chunk scorer, one whole-array operation at a time."""
    n_calls, n = calls.shape[0], chunk.n
    similarities = calls @ chunk.vectors.T
    coefficients: FloatMatrix = chunk.coefficients
    bias: FloatMatrix | None = None
    if isinstance(calibration, Calibration):
        scale = np.float32(calibration.scale)
        coefficients = coefficients / scale
        bias = -np.float32(calibration.unrelated) * chunk.coefficients.sum(axis=0) / scale
    elif calibration is not None:
        similarities = np.asarray(calibration(similarities), dtype=np.float32)
    k = weights.top_k
    scores: FloatMatrix = np.zeros((n_calls, n), dtype=np.float32)
    for count, first, size, row in chunk.buckets:
        if count:
            block = similarities[:, row : row + count * size].reshape(n_calls, count, size)
            scores[:, first : first + size] = _reference_top_k_sum(block, k) / np.float32(
                min(k, count)
            )
    scores = scores * coefficients[0]
    first = 0
    for part, columns in ((1, chunk.keyword_columns), (2, chunk.summary_columns)):
        rows = similarities[:, first : first + len(columns)]
        first += len(columns)
        scores[:, columns] += rows * coefficients[part][columns]
    if bias is not None:
        scores = scores + bias
    return scores


def _world(seed: int, n: int, ties: bool, parts: str = "some") -> tuple[EvidenceIndex, FloatMatrix]:
    """Profiles with 0-13 publications, some without keywords or summary (``parts``:
    ``"all"`` have both, ``"none"`` neither); with ``ties`` every vector is rounded to
    quarters, so equal similarities are everywhere."""
    rng = np.random.default_rng(seed)
    profiles = [
        Profile(
            id=f"p{i}",
            name="x",
            keywords=["k"] if parts == "all" or (parts == "some" and i % 3) else [],
            summary="s" if parts == "all" or (parts == "some" and i % 2) else "",
            publications=[Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(0, 14)))],
        )
        for i in range(n)
    ]

    def vectors(count: int) -> FloatMatrix:
        values = rng.standard_normal((count, 16)).astype(np.float32)
        values /= np.linalg.norm(values, axis=1, keepdims=True)
        if ties:
            values = (np.round(values * 4) / 4).astype(np.float32)
        return values

    index = EvidenceIndex.build(profiles, lambda texts: vectors(len(texts)))
    return index, vectors(150)  # 150 calls: more than two blocks of calls, a ragged last one


CALIBRATION = Calibration(unrelated=0.12, related=0.71)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("top_k", [1, 2, 3, 5])
@pytest.mark.parametrize(
    "calibration", [None, CALIBRATION, CALIBRATION.apply], ids=["raw", "affine", "callable"]
)
def test_fused_scores_equal_the_plain_scorer_to_the_bit(
    ties: bool, top_k: int, calibration: CalibrationLike
) -> None:
    index, calls = _world(top_k, 400, ties)
    weights = RelevanceWeights(top_k=top_k)
    layout = ProfileLayout.of(index)
    for start in range(0, 400, 170):
        chunk = chunk_layout(index, layout, np.arange(start, min(400, start + 170)), weights)
        expected = _reference_scores(calls, chunk, weights, calibration)
        for threads in (1, 2, 3):
            got = score_chunk(calls, chunk, weights, calibration, threads=threads)
            assert got.dtype == np.float32
            np.testing.assert_array_equal(got.view(np.int32), expected.view(np.int32))


@pytest.mark.parametrize("parts", ["all", "none"])
@pytest.mark.parametrize("top_k", [1, 2, 4])
def test_every_or_no_profile_with_keywords_and_summary_scores_to_the_bit(
    parts: str, top_k: int
) -> None:
    # "all": the parts' similarity rows match the chunk's columns one to one (one product
    # over the whole block of scores, no column index); "none": no part rows at all.
    index, calls = _world(top_k + 40, 300, ties=True, parts=parts)
    weights = RelevanceWeights(top_k=top_k)
    layout = ProfileLayout.of(index)
    chunk = chunk_layout(index, layout, np.arange(300), weights)
    assert len(chunk.keyword_columns) == (300 if parts == "all" else 0)
    assert any(count == 0 for count, *_ in chunk.buckets)  # profiles without publications
    for calibration in (None, CALIBRATION, CALIBRATION.apply):
        expected = _reference_scores(calls, chunk, weights, calibration)
        for threads in (1, 2):
            got, top_index, top_score = score_and_top(
                calls, chunk, weights, calibration, 7, threads=threads
            )
            np.testing.assert_array_equal(got.view(np.int32), expected.view(np.int32))
            # The top lists are those of the reference scores, ties at the 7th included.
            want_index, want_score = top_per_row(expected, 7, chunk.order)
            np.testing.assert_array_equal(top_index, want_index)
            np.testing.assert_array_equal(top_score, want_score)
    kth = -np.sort(-expected, axis=1)[:, 6:7]
    assert (expected == kth).sum(axis=1).max() > 1  # the boundary is tied somewhere


@pytest.mark.parametrize("n", [170, 1300])  # 1,300 columns take the two-level top-k
@pytest.mark.parametrize("k", [1, 10])
def test_fused_top_lists_equal_the_top_of_the_scores_even_at_ties(n: int, k: int) -> None:
    # Rounded vectors: many profiles tie at each call's k-th value.
    index, calls = _world(n + k, n, ties=True)
    weights = RelevanceWeights()
    chunk = chunk_layout(index, ProfileLayout.of(index), np.arange(n), weights)
    scores = score_chunk(calls, chunk, weights, CALIBRATION, threads=1)
    expected_index, expected_score = top_per_row(scores, k, chunk.order)
    kth = -np.sort(-scores, axis=1)[:, k - 1 : k]
    assert (scores == kth).sum(axis=1).max() > 1  # the boundary is tied somewhere
    for threads in (1, 2):
        got_scores, index_, score_ = score_and_top(
            calls, chunk, weights, CALIBRATION, k, threads=threads
        )
        np.testing.assert_array_equal(got_scores, scores)
        np.testing.assert_array_equal(index_, expected_index)
        np.testing.assert_array_equal(score_, expected_score)


def _brute_top(results: list[ChunkResult], call: int, k: int) -> list[tuple[float, int]]:
    pairs = [
        (float(s), int(i))
        for r in results
        for i, s in zip(r.top_index[call], r.top_score[call], strict=True)
    ]
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:k]


def test_merged_top_lists_are_the_best_by_score_then_index_in_any_order() -> None:
    index, calls = _world(7, 600, ties=True)
    weights = RelevanceWeights()
    layout = ProfileLayout.of(index)
    no_specs = SpecArrays(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    results = []
    for number, start in enumerate(range(0, 600, 130)):
        chunk = chunk_layout(index, layout, np.arange(start, min(600, start + 130)), weights)
        task = ChunkTask(number, chunk, np.zeros((0, chunk.n), dtype=bool))
        result = run_chunk(task, calls, weights, CALIBRATION, 12, no_specs, threads=1)
        threaded = run_chunk(task, calls, weights, CALIBRATION, 12, no_specs, threads=3)
        np.testing.assert_array_equal(threaded.top_index, result.top_index)
        np.testing.assert_array_equal(threaded.top_score, result.top_score)
        results.append(result)
    merged = []
    for order in (range(len(results)), reversed(range(len(results)))):
        merger = Merger(len(calls), 12, no_specs)
        for number in order:
            merger.add(results[number])
        merged.append(merger)
    assert len(merged[0].top) == len(calls)
    for call in range(len(calls)):
        expected = _brute_top(results, call, 12)
        for merger in merged:
            got_index, got_score = merger.top[call]
            assert list(zip(got_score.tolist(), got_index.tolist(), strict=True)) == expected
    assert merged[0].top[:2][1][0].tolist() == merged[0].top[1][0].tolist()


def test_scoring_threads_come_from_the_environment_or_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRANTMATCH_SCORING_THREADS", "3")
    assert scoring_threads() == 3
    monkeypatch.delenv("GRANTMATCH_SCORING_THREADS")
    assert 1 <= scoring_threads() <= 8
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("GRANTMATCH_SCORING_THREADS", bad)
        with pytest.raises(ValueError, match="GRANTMATCH_SCORING_THREADS"):
            scoring_threads()

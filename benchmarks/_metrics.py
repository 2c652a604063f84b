"""Ranking metrics for the quality benchmarks: binary relevance, one ranked list per query.

A ranking is given as its relevance vector: ``relevance[i]`` is true when the item at rank
``i + 1`` is relevant. ``n_relevant`` is the number of relevant items in the whole pool; it
defaults to the relevant items in the list, which is right when every candidate is ranked.

The ``expected_random_*`` functions give the exact expectation of each metric over a
uniformly random ranking of ``n`` items of which ``r`` are relevant (the "random" baseline,
without sampling).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Relevance = Sequence[bool] | Sequence[int] | npt.NDArray[np.generic]


def _as_bool(relevance: Relevance) -> BoolArray:
    return np.asarray(relevance, dtype=bool).reshape(-1)


def _pool_relevant(relevance: BoolArray, n_relevant: int | None) -> int:
    found = int(relevance.sum())
    if n_relevant is None:
        return found
    if n_relevant < found:
        raise ValueError(f"n_relevant ({n_relevant}) is below the relevant items listed ({found})")
    return n_relevant


def average_precision(relevance: Relevance, n_relevant: int | None = None) -> float:
    """Mean of precision@i over the ranks i of the relevant items (0 when none is relevant).

    Relevant items missing from the list (``n_relevant`` above those listed) count as
    retrieved with precision 0.
    """
    hits = _as_bool(relevance)
    total = _pool_relevant(hits, n_relevant)
    if total == 0:
        return 0.0
    ranks = np.flatnonzero(hits) + 1
    precisions = np.arange(1, len(ranks) + 1) / ranks
    return float(precisions.sum() / total)


def reciprocal_rank(relevance: Relevance) -> float:
    """1 / rank of the first relevant item (0 when none is relevant)."""
    hits = np.flatnonzero(_as_bool(relevance))
    return 1.0 / float(hits[0] + 1) if len(hits) else 0.0


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def precision_at_k(relevance: Relevance, k: int) -> float:
    """Relevant items among the first ``k``, divided by ``k`` (a short list counts as misses)."""
    _check_k(k)
    return float(_as_bool(relevance)[:k].sum() / k)


def recall_at_k(relevance: Relevance, k: int, n_relevant: int | None = None) -> float:
    """Share of the pool's relevant items found among the first ``k`` (0 when none exists)."""
    _check_k(k)
    hits = _as_bool(relevance)
    total = _pool_relevant(hits, n_relevant)
    return float(hits[:k].sum() / total) if total else 0.0


def mean_average_precision(rankings: Iterable[Relevance]) -> float:
    """MAP: the mean of :func:`average_precision` over queries."""
    return _mean(average_precision(ranking) for ranking in rankings)


def mean_reciprocal_rank(rankings: Iterable[Relevance]) -> float:
    """MRR: the mean of :func:`reciprocal_rank` over queries."""
    return _mean(reciprocal_rank(ranking) for ranking in rankings)


def _mean(values: Iterable[float]) -> float:
    collected = list(values)
    if not collected:
        raise ValueError("no queries to average over")
    return float(np.mean(collected))


def relevance_in_rank_order(
    scores: npt.ArrayLike, relevant: npt.ArrayLike, rng: np.random.Generator | None = None
) -> BoolArray:
    """Relevance vector of the ranking by descending score.

    Ties are broken by position (stable) when ``rng`` is ``None``, otherwise uniformly at
    random, so that a system with many equal scores is not credited with the order of
    the input.
    """
    values = np.asarray(scores, dtype=np.float64).reshape(-1)
    mask = np.asarray(relevant, dtype=bool).reshape(-1)
    if values.shape != mask.shape:
        raise ValueError(f"scores {values.shape} and relevance {mask.shape} differ in shape")
    if rng is None:
        order = np.argsort(-values, kind="stable")
    else:
        order = np.lexsort((rng.random(len(values)), -values))
    return mask[order]


def expected_random_average_precision(n: int, r: int) -> float:
    """E[AP] over uniformly random rankings of ``n`` items, ``r`` relevant.

    Rank i holds a relevant item with probability r/n; given that, the expected number of
    relevant items at ranks 1..i is 1 + (i - 1)(r - 1)/(n - 1). Summing precision@i gives
    (H_n + (r - 1)/(n - 1) * (n - H_n)) / n, with H_n the n-th harmonic number.
    """
    _check_pool(n, r)
    if r == 0:
        return 0.0
    harmonic = math.fsum(1.0 / i for i in range(1, n + 1))
    spread = (r - 1) / (n - 1) if n > 1 else 0.0
    return (harmonic + spread * (n - harmonic)) / n


def expected_random_reciprocal_rank(n: int, r: int) -> float:
    """E[RR] over uniformly random rankings: sum over i of P(first hit at i) / i."""
    _check_pool(n, r)
    if r == 0:
        return 0.0
    placements = math.comb(n, r)
    return math.fsum(math.comb(n - i, r - 1) / placements / i for i in range(1, n - r + 2))


def expected_random_precision_at_k(n: int, r: int, k: int) -> float:
    """E[P@k] over uniformly random rankings: r/n for k <= n (a short list counts misses)."""
    _check_pool(n, r)
    _check_k(k)
    return (r / n) * min(k, n) / k


def expected_random_recall_at_k(n: int, r: int, k: int) -> float:
    """E[R@k] over uniformly random rankings: min(k, n)/n (0 when nothing is relevant)."""
    _check_pool(n, r)
    _check_k(k)
    return min(k, n) / n if r else 0.0


def _check_pool(n: int, r: int) -> None:
    if n < 1 or not 0 <= r <= n:
        raise ValueError(f"need 1 <= n and 0 <= r <= n, got n={n}, r={r}")


def bootstrap_mean_ci(
    values: npt.ArrayLike, *, resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of per-query values."""
    data = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(data) == 0:
        raise ValueError("no values to resample")
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(resamples, len(data)))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


__all__ = [
    "average_precision",
    "bootstrap_mean_ci",
    "expected_random_average_precision",
    "expected_random_precision_at_k",
    "expected_random_recall_at_k",
    "expected_random_reciprocal_rank",
    "mean_average_precision",
    "mean_reciprocal_rank",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "relevance_in_rank_order",
]

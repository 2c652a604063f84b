"""The ranking metrics of the quality benchmarks, on examples computed by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from benchmarks._metrics import (
    average_precision,
    bootstrap_mean_ci,
    expected_random_average_precision,
    expected_random_precision_at_k,
    expected_random_recall_at_k,
    expected_random_reciprocal_rank,
    mean_average_precision,
    mean_reciprocal_rank,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    relevance_in_rank_order,
)


def test_average_precision_hand_computed() -> None:
    # Hits at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert average_precision([1, 0, 1, 0, 0]) == pytest.approx(5 / 6)
    # Hits at ranks 2 and 4: (1/2 + 2/4) / 2.
    assert average_precision([False, True, False, True]) == pytest.approx(0.5)
    assert average_precision([1, 1, 0]) == pytest.approx(1.0)


def test_average_precision_counts_unlisted_relevant_items_as_misses() -> None:
    # Same hits, but a third relevant item was never retrieved.
    assert average_precision([1, 0, 1, 0, 0], n_relevant=3) == pytest.approx(5 / 9)
    with pytest.raises(ValueError):
        average_precision([1, 1], n_relevant=1)


def test_metrics_are_zero_without_relevant_items() -> None:
    assert average_precision([0, 0, 0]) == 0.0
    assert reciprocal_rank([0, 0]) == 0.0
    assert recall_at_k([0, 0], 1) == 0.0


def test_reciprocal_rank_hand_computed() -> None:
    assert reciprocal_rank([0, 0, 1, 1]) == pytest.approx(1 / 3)
    assert reciprocal_rank([1, 0]) == 1.0


def test_precision_and_recall_at_k_hand_computed() -> None:
    ranking = [1, 0, 1, 0, 1, 0]
    assert precision_at_k(ranking, 2) == pytest.approx(1 / 2)
    assert precision_at_k(ranking, 3) == pytest.approx(2 / 3)
    assert recall_at_k(ranking, 3) == pytest.approx(2 / 3)
    assert recall_at_k(ranking, 3, n_relevant=4) == pytest.approx(1 / 2)
    # A list shorter than k counts the missing ranks as misses.
    assert precision_at_k([1, 1], 10) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        precision_at_k(ranking, 0)


def test_means_over_queries() -> None:
    rankings = [[1, 0, 1, 0, 0], [0, 1, 0, 1]]
    assert mean_average_precision(rankings) == pytest.approx((5 / 6 + 0.5) / 2)
    assert mean_reciprocal_rank(rankings) == pytest.approx((1 + 1 / 2) / 2)
    with pytest.raises(ValueError):
        mean_average_precision([])


def test_rank_order_is_by_descending_score_and_stable_without_rng() -> None:
    scores = [0.1, 0.9, 0.5, 0.5]
    relevant = [True, False, True, False]
    assert relevance_in_rank_order(scores, relevant).tolist() == [False, True, False, True]


def test_random_tie_breaking_only_permutes_within_ties() -> None:
    scores = [0.5, 0.5, 0.1]
    relevant = [False, True, False]
    rng = np.random.default_rng(0)
    orders = [relevance_in_rank_order(scores, relevant, rng).tolist() for _ in range(200)]
    assert all(order[2] is False for order in orders)
    # The relevant tied item comes first about half of the time: E[RR] = (1 + 1/2) / 2.
    assert np.mean([reciprocal_rank(order) for order in orders]) == pytest.approx(0.75, abs=0.05)


def _all_rankings(n: int, r: int) -> list[list[int]]:
    """Every placement of r relevant items among n ranks (each equally likely)."""
    return [[int(i in hits) for i in range(n)] for hits in itertools.combinations(range(n), r)]


@pytest.mark.parametrize(("n", "r"), [(1, 1), (2, 1), (5, 2), (6, 3), (7, 7), (4, 0)])
def test_random_expectations_match_enumeration(n: int, r: int) -> None:
    rankings = _all_rankings(n, r)
    assert expected_random_average_precision(n, r) == pytest.approx(
        np.mean([average_precision(ranking) for ranking in rankings])
    )
    assert expected_random_reciprocal_rank(n, r) == pytest.approx(
        np.mean([reciprocal_rank(ranking) for ranking in rankings])
    )
    for k in (1, 2, n + 3):
        assert expected_random_precision_at_k(n, r, k) == pytest.approx(
            np.mean([precision_at_k(ranking, k) for ranking in rankings])
        )
        assert expected_random_recall_at_k(n, r, k) == pytest.approx(
            np.mean([recall_at_k(ranking, k) for ranking in rankings])
        )


def test_random_expectations_hand_computed() -> None:
    # n=2, r=1: AP = RR = (1 + 1/2) / 2.
    assert expected_random_average_precision(2, 1) == pytest.approx(0.75)
    assert expected_random_reciprocal_rank(2, 1) == pytest.approx(0.75)
    assert expected_random_precision_at_k(10, 3, 5) == pytest.approx(0.3)
    with pytest.raises(ValueError):
        expected_random_average_precision(3, 4)


def test_bootstrap_interval_brackets_the_mean_and_collapses_on_constants() -> None:
    assert bootstrap_mean_ci([0.4] * 10) == pytest.approx((0.4, 0.4))
    values = np.linspace(0.0, 1.0, 50)
    low, high = bootstrap_mean_ci(values, seed=1)
    assert low < values.mean() < high
    assert bootstrap_mean_ci(values, seed=1) == (low, high)

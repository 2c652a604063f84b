from __future__ import annotations

import numpy as np
import pytest

from matcher.evidence import EvidenceIndex, EvidenceKind, embed_unique
from matcher.model import Call, Profile, Publication
from matcher.relevance import RelevanceScorer, RelevanceWeights, matched_keywords, top_k_indices
from tests.conftest import KeywordEncoder


def _profile(pid: str, titles: list[str], **fields: object) -> Profile:
    return Profile(id=pid, name=pid, publications=[Publication(title=t) for t in titles], **fields)


def _scores(profiles: list[Profile], call_texts: list[str], **weights: object) -> np.ndarray:
    encoder = KeywordEncoder()
    index = EvidenceIndex.build(profiles, encoder.encode)
    scorer = RelevanceScorer(RelevanceWeights(**weights))  # type: ignore[arg-type]
    return scorer.score_matrix(encoder.encode(call_texts), index)


def test_best_evidence_counts_most_one_strong_paper_beats_many_weak() -> None:
    specialist = _profile("a", ["methane drainage", "soil survey", "soil sampling", "food"])
    generalist = _profile("b", ["coal methane soil water", "coal methane soil energy"])
    scores = _scores([specialist, generalist], ["methane"], top_k=1)
    assert scores[0, 0] > scores[0, 1]


def test_top_k_mean_averages_the_k_best_publications() -> None:
    profile = _profile("a", ["methane", "methane", "soil"])
    one = _scores([profile], ["methane"], top_k=1, keywords=0, summary=0)
    two = _scores([profile], ["methane"], top_k=2, keywords=0, summary=0)
    three = _scores([profile], ["methane"], top_k=3, keywords=0, summary=0)
    assert one[0, 0] == pytest.approx(two[0, 0], abs=1e-6)
    assert three[0, 0] < two[0, 0]


def test_missing_parts_are_left_out_not_counted_as_zero() -> None:
    with_summary = _profile("a", ["methane"], summary="methane")
    without = _profile("b", ["methane"])
    scores = _scores([with_summary, without], ["methane"])
    assert scores[0, 0] == pytest.approx(scores[0, 1], abs=1e-6)


def test_profile_without_any_evidence_scores_zero() -> None:
    scores = _scores([_profile("a", []), _profile("b", ["methane"])], ["methane"])
    assert scores[0, 0] == 0.0
    assert scores[0, 1] > 0.5


def test_scores_are_not_rescaled_per_call() -> None:
    profiles = [_profile("a", ["methane"]), _profile("b", ["soil"])]
    together = _scores(profiles, ["methane", "soil water"])
    alone = _scores(profiles, ["methane"])
    assert together[0] == pytest.approx(alone[0])


def test_matrix_equals_per_pair_explanation_on_ragged_publication_counts() -> None:
    rng = np.random.default_rng(0)
    words = ["methane", "coal", "soil", "water", "learning", "health", "food", "energy"]
    profiles = [
        _profile(
            f"p{i}",
            [" ".join(rng.choice(words, 3)) for _ in range(int(rng.integers(0, 20)))],
            keywords=[str(rng.choice(words))] if i % 2 else [],
            summary=str(rng.choice(words)) if i % 3 else "",
        )
        for i in range(40)
    ]
    encoder = KeywordEncoder()
    index = EvidenceIndex.build(profiles, encoder.encode)
    scorer = RelevanceScorer()
    calls = ["methane coal", "soil water", "food health energy"]
    vectors = encoder.encode(calls)
    matrix = scorer.score_matrix(vectors, index)
    for c, text in enumerate(calls):
        call = Call(id=f"c{c}", title=text)
        for p, profile in enumerate(profiles):
            explained = scorer.explain(call, vectors[c], profile, p, index)
            assert explained.score == pytest.approx(float(matrix[c, p]), abs=1e-5)


def test_explanation_names_the_best_publications_first() -> None:
    profile = _profile("a", ["soil erosion", "methane capture", "food safety"])
    encoder = KeywordEncoder()
    index = EvidenceIndex.build([profile], encoder.encode)
    call = Call(id="c", title="methane")
    explanation = RelevanceScorer().explain(call, encoder.encode(["methane"])[0], profile, 0, index)
    assert explanation.publications[0].title == "methane capture"
    assert explanation.publications[0].similarity > explanation.publications[1].similarity


def test_distinct_texts_are_embedded_once() -> None:
    encoder = KeywordEncoder()
    shared = "Methane drainage in coal seams"
    profiles = [_profile(f"p{i}", [shared, shared]) for i in range(5)]
    index = EvidenceIndex.build(profiles, encoder.encode)
    assert sum(len(batch) for batch in encoder.calls) == 1
    assert index.vectors.shape == (10, encoder.dim)
    assert (index.kind == EvidenceKind.PUBLICATION).all()


def test_embed_unique_keeps_order() -> None:
    encoder = KeywordEncoder()
    vectors = embed_unique(["soil", "methane", "soil"], encoder.encode)
    assert np.allclose(vectors[0], vectors[2])
    assert not np.allclose(vectors[0], vectors[1])


def test_matched_keywords_share_a_word_with_the_call() -> None:
    call = Call(id="c", title="Coal mine methane", keywords=["gas drainage"])
    profile = Profile(id="p", name="P", keywords=["methane emissions", "drainage", "poetry"])
    assert matched_keywords(call, profile) == ["methane emissions", "drainage"]


def test_top_k_indices_best_first_and_zero_means_all() -> None:
    scores = np.asarray([0.1, 0.9, 0.5, 0.7], dtype=np.float32)
    assert top_k_indices(scores, 2).tolist() == [1, 3]
    assert top_k_indices(scores, 0).tolist() == [1, 3, 2, 0]


def test_weights_are_validated() -> None:
    with pytest.raises(ValueError, match="top_k"):
        RelevanceWeights(top_k=0)
    with pytest.raises(ValueError, match="non-negative"):
        RelevanceWeights(keywords=-1)

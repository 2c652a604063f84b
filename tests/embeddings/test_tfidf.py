"""The model-free lexical fallback: hashed word + character n-gram vectors."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from embeddings import TfidfEncoder
from embeddings.tfidf import char_features, word_features


def test_vectors_are_stable_across_instances_and_runs() -> None:
    text = "Real-time monitoring of methane concentration in longwall coal mining"
    a = TfidfEncoder().encode([text])[0]
    b = TfidfEncoder().encode(["unrelated first", text])[1]
    assert np.array_equal(a, b)
    # A fixed digest: if this changes, the scheme changed and SCHEME_VERSION must be bumped.
    digest = hashlib.sha256(np.round(a, 4).tobytes()).hexdigest()[:16]
    assert digest == REFERENCE_DIGEST


REFERENCE_DIGEST = "5d49adb9b69920f7"


def test_inflected_russian_forms_match_through_character_ngrams() -> None:
    encoder = TfidfEncoder()
    query, inflected, other = encoder.encode(
        ["мониторинг метана в шахтах", "мониторинга метановыделения шахты", "урожайность пшеницы"]
    )
    assert float(query @ inflected) > 0.2 > abs(float(query @ other))


def test_features_skip_stop_words_and_split_cjk_into_bigrams() -> None:
    assert word_features("The methane of the mines") == ["methane", "mines"]
    assert "methane mines" in word_features("methane mines")
    assert word_features("煤矿瓦斯") == ["煤矿", "矿瓦", "瓦斯"]
    assert " met" in char_features("methane") and "煤" in char_features("煤矿")


def test_empty_text_is_a_zero_vector_and_dim_is_validated() -> None:
    vectors = TfidfEncoder(dim=64).encode(["", "the of and"])
    assert vectors.shape == (2, 64) and not vectors.any()
    with pytest.raises(ValueError, match="even"):
        TfidfEncoder(dim=63)
    assert TfidfEncoder(dim=64).model_id == "tfidf@hashed-tfidf-v1/d64"

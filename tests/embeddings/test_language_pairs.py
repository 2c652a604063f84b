"""Per-language-pair scoring: English pairs by the English model, the rest by a multilingual one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from embeddings import Encoder, Matrix, TextKind, get_encoder, shared_space
from embeddings.base import l2_normalize
from embeddings.calibration import Calibration
from embeddings.language_pairs import LanguagePairEncoder, LengthAwareCalibration, word_count
from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Call, Profile, Publication


class Random(Encoder):
    """Deterministic random unit vectors per text (different per seed)."""

    def __init__(self, name: str, dim: int, seed: int, calibration: Calibration) -> None:
        self.name, self.version, self.dim, self.seed = name, "1", dim, seed
        self.calibration = calibration
        self.languages = None

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        rows = [
            np.random.default_rng([self.seed, *map(ord, text[:20])]).normal(size=self.dim)
            for text in texts
        ]
        return l2_normalize(np.array(rows).reshape(len(texts), self.dim))


TEXTS = [
    "Methane drainage in underground coal mines",
    "Digital pedagogy for rural schools",
    "Дегазация угольных пластов на шахтах Кузбасса",
    "煤矿瓦斯抽采技术",
]


def test_dot_products_are_the_calibrated_similarity_of_the_model_for_each_pair() -> None:
    english = Random("en", 8, 1, Calibration(0.05, 0.65))
    multi = Random("multi", 6, 2, Calibration(0.1, 0.4))
    pair = LanguagePairEncoder(english, multi)
    assert pair.dim == 8 + 2 * 6 + 2 and pair.kind_sensitive
    sims = pair.encode(TEXTS, kind="query") @ pair.encode(TEXTS, kind="passage").T
    m = english.calibrate(english.encode(TEXTS) @ english.encode(TEXTS).T)
    t = multi.calibrate(multi.encode(TEXTS) @ multi.encode(TEXTS).T)
    english_rows = np.array([True, True, False, False])
    expected = np.where(english_rows[:, None] & english_rows[None, :], m, t)
    np.testing.assert_allclose(sims, expected, atol=1e-5)
    np.testing.assert_allclose(pair.calibrate(sims), sims)
    # Passages compare with each other in the multilingual space, across languages.
    passages = pair.encode(TEXTS, kind="passage")
    np.testing.assert_allclose(shared_space(pair, passages), multi.encode(TEXTS), atol=1e-6)
    assert shared_space(english, passages) is not None  # other encoders: unchanged


def test_a_cross_language_calibration_scores_english_with_other_pairs_on_its_own_anchors() -> None:
    english = Random("en", 8, 1, Calibration(0.05, 0.65))
    multi = Random("multi", 6, 2, Calibration(0.1, 0.4))
    multi.cross_language_calibration = Calibration(0.07, 0.27)  # type: ignore[attr-defined]
    pair = LanguagePairEncoder(english, multi)
    assert "0.07:0.27" in pair.version  # other anchors, other vectors in the cache
    sims = pair.encode(TEXTS, kind="query") @ pair.encode(TEXTS, kind="passage").T
    m_raw = english.encode(TEXTS) @ english.encode(TEXTS).T
    t_raw = multi.encode(TEXTS) @ multi.encode(TEXTS).T
    is_en = np.array([True, True, False, False])
    both = is_en[:, None] & is_en[None, :]
    neither = ~is_en[:, None] & ~is_en[None, :]
    expected = np.where(
        both,
        english.calibrate(m_raw),
        np.where(
            neither,
            multi.calibrate(t_raw),
            multi.cross_language_calibration.apply(t_raw),  # type: ignore[attr-defined]
        ),
    )
    np.testing.assert_allclose(sims, expected, atol=1e-5)
    # The anchors differ, so the Russian-English pair really is scored differently.
    assert abs(expected[0, 2] - multi.calibrate(t_raw)[0, 2]) > 0.01
    # Passages still compare in the multilingual space, English and others alike.
    passages = pair.encode(TEXTS, kind="passage")
    np.testing.assert_allclose(shared_space(pair, passages), multi.encode(TEXTS), atol=1e-6)
    mean = shared_space(pair, passages[[0, 2]].mean(axis=0, keepdims=True))
    np.testing.assert_allclose(
        mean, l2_normalize(multi.encode(TEXTS)[[0, 2]].mean(axis=0, keepdims=True)), atol=1e-6
    )


def test_an_empty_batch_and_numbers_only_texts() -> None:
    pair = LanguagePairEncoder(
        Random("en", 4, 1, Calibration(0, 1)), Random("m", 3, 2, Calibration(0, 1))
    )
    assert pair.encode([]).shape == (0, 4 + 6 + 2)
    # A text without letters counts as English: it never switches a pair to the other model.
    vector = pair.encode(["2021-2023"], kind="passage")[0]
    assert vector[-2] == 1.0


@pytest.mark.model
@pytest.mark.slow
def test_an_english_corpus_with_one_russian_text_scores_english_pairs_as_minilm_alone() -> None:
    english = {
        "methane": ["Methane drainage and gas monitoring in underground coal mines."],
        "pedagogy": ["Training teachers to use digital learning platforms in rural schools."],
        "soil": ["Phytoremediation of soils contaminated with lead and cadmium near smelters."],
    }
    russian = ["Дегазация угольных пластов и прогноз газовыделения метана на шахтах Кузбасса."]
    profiles = [
        Profile(id=key, name=key, publications=[Publication(title=t) for t in texts])
        for key, texts in {**english, "ru-methane": russian}.items()
    ]
    call = Call(id="call", title="Preventing methane explosions in coal mines: gas drainage")
    dataset = Dataset(profiles=profiles, calls=[call])
    auto = Matcher("auto", cache_path=None).fit(dataset)
    assert auto.encoder_.name == "minilm+use"
    alone = Matcher("minilm", cache_path=None).fit(Dataset(profiles=profiles[:3], calls=[call]))
    np.testing.assert_allclose(
        auto.relevance_of("call")[:3], alone.relevance_of("call"), rtol=0, atol=1e-5
    )
    # The Russian methane researcher is still found: the two methane profiles lead. (Which
    # one first depends on how the two models' calibrations compare on such short texts.)
    order = np.argsort(-auto.relevance_of("call"))
    assert {profiles[i].id for i in order[:2]} == {"methane", "ru-methane"}
    direct = get_encoder("minilm+use", threads=1)
    assert direct.calibration.unrelated == 0.0


def test_new_calibration_anchors_give_a_new_vector_identity() -> None:
    # The blocks are scaled by both calibrations: cached vectors made under other anchors
    # must not be reused.
    english = Random("en", 4, 1, Calibration(0.05, 0.65))
    before = LanguagePairEncoder(english, Random("m", 3, 2, Calibration(0.1, 0.4)))
    after = LanguagePairEncoder(english, Random("m", 3, 2, Calibration(0.1, 0.5)))
    assert before.model_id != after.model_id
    same = LanguagePairEncoder(english, Random("m", 3, 2, Calibration(0.1, 0.4)))
    assert before.model_id == same.model_id


def test_a_few_russian_texts_leave_every_english_score_of_an_english_corpus_unchanged() -> None:
    english_model = Random("en", 16, 1, Calibration(0.05, 0.65))
    multilingual = Random("multi", 12, 2, Calibration(0.1, 0.4))
    english = {
        "methane": "Methane drainage and gas monitoring in underground coal mines.",
        "pedagogy": "Training teachers to use digital learning platforms in rural schools.",
        "soil": "Phytoremediation of soils contaminated with lead and cadmium near smelters.",
    }
    russian = {
        "ru-methane": "Дегазация угольных пластов и прогноз газовыделения на шахтах Кузбасса.",
        "ru-soil": "Очистка почв от тяжёлых металлов с помощью растений вблизи заводов.",
    }
    calls = [
        Call(id="c1", title="Preventing methane explosions in coal mines: gas drainage"),
        Call(id="c2", title="Digital skills of school teachers"),
    ]

    def profiles(texts: dict[str, str]) -> list[Profile]:
        return [
            Profile(id=k, name=k, publications=[Publication(title=t)]) for k, t in texts.items()
        ]

    alone = Matcher(english_model, cache_path=None).fit(
        Dataset(profiles=profiles(english), calls=calls)
    )
    mixed = Matcher(LanguagePairEncoder(english_model, multilingual), cache_path=None).fit(
        Dataset(profiles=profiles({**english, **russian}), calls=calls)
    )
    for call in calls:
        np.testing.assert_allclose(
            mixed.relevance_of(call.id)[: len(english)],
            alone.relevance_of(call.id),
            rtol=0,
            atol=1e-5,
        )


def test_length_aware_anchors_score_each_query_on_the_anchors_of_its_own_length() -> None:
    english = Random("en", 8, 1, Calibration(0.05, 0.65))
    multi = Random("multi", 6, 2, Calibration(0.1, 0.4))
    multi.cross_language_calibration = Calibration(0.07, 0.27)  # type: ignore[attr-defined]
    by_length = LengthAwareCalibration(
        short=Calibration(0.07, 0.27), long=Calibration(0.1, 0.6), short_words=5, long_words=40
    )
    multi.cross_language_by_length = by_length  # type: ignore[attr-defined]
    pair = LanguagePairEncoder(english, multi)
    long_query = " ".join(["Methane drainage in underground coal mines"] * 8)  # 48 words
    queries = [*TEXTS, long_query]
    sims = pair.encode(queries, kind="query") @ pair.encode(TEXTS, kind="passage").T
    t_raw = multi.encode(queries) @ multi.encode(TEXTS).T
    m_raw = english.encode(queries) @ english.encode(TEXTS).T
    is_en = np.array([True, True, False, False])
    query_en = np.array([True, True, False, False, True])
    for i, text in enumerate(queries):
        cross = by_length.at(word_count(text)).apply(t_raw[i])
        expected = np.where(
            query_en[i] & is_en,
            english.calibrate(m_raw[i]),
            np.where(~query_en[i] & ~is_en, multi.calibrate(t_raw[i]), cross),
        )
        np.testing.assert_allclose(sims[i], expected, atol=1e-5)
    # The 48-word query is past the long break point: the long anchors, not the short ones.
    np.testing.assert_allclose(sims[4, 2], Calibration(0.1, 0.6).apply(t_raw[4, 2]), atol=1e-5)
    assert abs(sims[4, 2] - Calibration(0.07, 0.27).apply(t_raw[4, 2])) > 0.01
    # Passages do not depend on the option: they still compare in the multilingual space.
    passages = pair.encode(TEXTS, kind="passage")
    np.testing.assert_allclose(shared_space(pair, passages), multi.encode(TEXTS), atol=1e-6)
    assert by_length.tag() in pair.version  # other anchors, other cached vectors


def test_length_aware_weight_moves_in_log_words_between_the_break_points() -> None:
    by_length = LengthAwareCalibration(
        short=Calibration(0.0, 1.0), long=Calibration(0.2, 0.7), short_words=10, long_words=1000
    )
    assert by_length.weight(3) == 0.0 and by_length.weight(5000) == 1.0
    assert by_length.weight(100) == pytest.approx(0.5)
    # Halfway, the score is the mean of both ends' scores, at any cosine.
    cosines = np.array([-0.2, 0.1, 0.5, 0.9])
    np.testing.assert_allclose(
        by_length.at(100).apply(cosines),
        (Calibration(0.0, 1.0).apply(cosines) + Calibration(0.2, 0.7).apply(cosines)) / 2,
        atol=1e-6,
    )
    assert word_count("Дегазация угольных пластов") == 3
    assert word_count("煤矿瓦斯抽采技术") == 8
    with pytest.raises(ValueError, match="short_words < long_words"):
        LengthAwareCalibration(Calibration(0, 1), Calibration(0, 1), 50, 10)

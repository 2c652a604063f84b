"""Tajik in Persian script: the transliteration and the option that embeds both spellings."""

from __future__ import annotations

import numpy as np

from embeddings.base import l2_normalize
from embeddings.languages import detect_language
from embeddings.neutral import LanguageNeutralEncoder
from embeddings.tajik import tajik_to_persian, with_persian_script
from tests.embeddings.test_language_neutral import LanguageTopic

TAJIK = "Таназзули чарогоҳҳои даштӣ ва барқарорсозии онҳо дар Тоҷикистон."


def test_cyrillic_tajik_is_rewritten_letter_by_letter_in_persian_script() -> None:
    assert tajik_to_persian("чарогоҳ") == "چراگاه"
    assert tajik_to_persian("хона") == "خانه"  # a final а is written ه
    assert tajik_to_persian("об") == "آب"  # an initial о carries its alef
    assert tajik_to_persian("ва") == "و"
    persian = tajik_to_persian(TAJIK)
    assert not any("\u0400" <= char <= "\u04ff" for char in persian)  # no Cyrillic left
    assert persian.endswith(".")  # punctuation kept
    assert tajik_to_persian("GIS 2024") == "GIS 2024"


def test_only_tajik_rows_become_the_mean_of_both_spellings() -> None:
    vectors = l2_normalize(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32))
    seen: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return np.array([[0.0, 0.0, 1.0]] * len(texts), dtype=np.float32)

    out = with_persian_script(vectors, ["water", TAJIK], ["en", "tg"], embed)
    np.testing.assert_allclose(out[0], vectors[0])
    np.testing.assert_allclose(out[1], [0.0, 1 / np.sqrt(2), 1 / np.sqrt(2)], atol=1e-6)
    assert seen == [tajik_to_persian(TAJIK)]
    np.testing.assert_allclose(vectors[1], [0.0, 1.0, 0.0])  # the input is not changed


def test_the_neutral_encoder_option_embeds_tajik_twice_and_changes_the_identity() -> None:
    assert detect_language(TAJIK) == "tg"
    plain_base, option_base = LanguageTopic({}), LanguageTopic({})
    plain = LanguageNeutralEncoder(plain_base)
    option = LanguageNeutralEncoder(option_base, tajik_persian=True)
    assert plain.version != option.version  # other vectors, other cache entries
    english = "Degradation of steppe pastures and their restoration in Tajikistan."
    np.testing.assert_allclose(option.encode([english]), plain.encode([english]), atol=1e-6)
    assert not np.allclose(option.encode([TAJIK]), plain.encode([TAJIK]), atol=1e-3)
    assert tajik_to_persian(TAJIK) in option_base.seen
    assert tajik_to_persian(TAJIK) not in plain_base.seen

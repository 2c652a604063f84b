"""Transliteration: Russian, Kazakh and Mongolian rules, and back to Cyrillic."""

from __future__ import annotations

import pytest

from matcher.identity.transliterate import guess_language, strip_accents, to_cyrillic, to_latin


@pytest.mark.parametrize(
    ("cyrillic", "language", "latin"),
    [
        (
            "Кемеровский государственный университет",
            "ru",
            "Kemerovskiy gosudarstvennyy universitet",
        ),
        ("Щукин Юрий Хасанович", "ru", "Shchukin Yuriy Khasanovich"),
        ("Подъём", "ru", "Podem"),
        ("Қазақ ұлттық университеті", "kk", "Kazak ulttyk universiteti"),
        ("Әл-Фараби атындағы", "kk", "Al-Farabi atyndagy"),
        ("Монгол Улсын Их Сургууль", "mn", "Mongol Ulsyn Ikh Surguuli"),
        ("Өлзий Жаргал", "mn", "Olzii Jargal"),
    ],
)
def test_each_language_romanises_by_its_own_rules(cyrillic: str, language: str, latin: str) -> None:
    assert to_latin(cyrillic, language) == latin  # type: ignore[arg-type]


def test_the_language_is_guessed_from_the_letters_only_it_uses() -> None:
    assert guess_language("Қазақ ұлттық университеті") == "kk"
    assert guess_language("Өлзий") == "mn"
    assert guess_language("Кемерово") == "ru"
    # The guess picks the rules: ү is u in both Kazakh and Mongolian, ж differs.
    assert to_latin("Жүзбай") == "Juzbai"
    assert to_latin("Жұлдыз") == "Zhuldyz"


def test_latin_text_and_other_characters_pass_through() -> None:
    assert to_latin("Kemerovo State University") == "Kemerovo State University"
    assert to_latin("НИИ № 5 (Томск)") == "NII № 5 (Tomsk)"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'uk'"):
        to_latin("Київ", "uk")  # type: ignore[arg-type]


def test_latin_goes_back_to_cyrillic() -> None:
    assert to_cyrillic("Kemerovo") == "Кемерово"
    assert to_latin(to_cyrillic("Tomsk")) == "Tomsk"


def test_accents_are_stripped_including_letters_that_do_not_decompose() -> None:
    assert strip_accents("Universität Łódź Ørsted Straße") == "Universitat Lodz Orsted Strasse"

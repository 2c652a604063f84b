"""Script- and function-word-based language detection used by the "auto" backend."""

from __future__ import annotations

import pytest

from embeddings import detect_language, detect_languages, is_english_only


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Methane drainage in underground coal mines", "en"),
        ("Graphene; polymer composites; tensile strength", "en"),  # no function words
        ("Прогноз газовыделения метана в очистных забоях угольных шахт", "ru"),
        ("Қазақстанның дала аймақтарында құрғақшылыққа төзімді бидай сорттары сыналды", "kk"),
        ("Хэт их бэлчээх нь Монголын бэлчээрийн доройтолд хүргэдэг", "mn"),
        ("煤层释放的甲烷是地下煤矿爆炸的主要原因之一。", "zh"),
        ("メタンは炭鉱爆発の主な原因の一つです。", "ja"),
        ("메탄은 탄광 폭발의 주요 원인이다", "ko"),
        ("Die Methanfreisetzung ist eine der Ursachen für Explosionen in den Gruben", "de"),
        ("Le méthane est une des causes des explosions dans les mines", "fr"),
        ("ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ", "mn"),  # traditional Mongolian script
        ("2021-2023, 42 %", "und"),
        ("", "und"),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_a_russian_text_quoting_one_kazakh_place_name_stays_russian() -> None:
    text = (
        "Исследование выполнено на шахтах Кузбасса и Карагандинского бассейна (Қарағанды); "
        "рассмотрены методы дегазации угольных пластов и прогноз газовыделения в лавах."
    )
    assert detect_language(text) == "ru"


def test_detect_languages_and_english_only() -> None:
    corpus = ["Coal mine safety", "Безопасность угольных шахт", "煤矿安全", "12345"]
    assert detect_languages(corpus) == {"en", "ru", "zh"}
    assert is_english_only(["Coal mine safety", "Deep learning for MRI", "2022"])
    assert not is_english_only(corpus)
    assert is_english_only([])

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


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Short titles and sentences in the languages of the region's partners (CLD3 decides).
        ("Degassing of coal seams in underground mines", "en"),
        ("Rapid molecular diagnosis of tuberculosis", "en"),
        ("Деградация степных пастбищ из-за перевыпаса скота", "ru"),
        ("Суармалы суды басқаруды жетілдіру және су шығынын азайту", "kk"),
        ("Хээрийн бэлчээрийн доройтол ба ургамлан нөмрөгийг нөхөн сэргээх арга", "mn"),
        ("耐药结核病的快速分子诊断", "zh"),
        ("Sirdaryo havzasidagi kanallarda sug'orish suvini boshqarish", "uz"),
        ("Raqamli pedagogika va onlayn taʼlim", "uz"),
        ("Жер титирөө коркунучун баалоо жана эски кыш үйлөрдү бекемдөө", "ky"),
        ("Ифлосшавии зимистонаи ҳаво дар шаҳрҳо аз печҳои ангиштии хонагӣ", "tg"),
        ("Зімовае забруджванне паветра ў гарадах ад вугальных печаў", "be"),
        # CLD3 alone says Bulgarian; without ъ (or ы-less Ukrainian letters) it stays Russian.
        ("Риск засух в условиях изменения климата (на примере Таджикистана)", "ru"),
        ("Управління водними ресурсами в басейні річки", "uk"),
    ],
)
def test_detect_language_of_short_texts_in_the_regions_languages(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_every_probe_text_is_detected() -> None:
    import json
    from pathlib import Path

    probe = Path(__file__).parents[2] / "benchmarks" / "data" / "language_probe.jsonl"
    records = [json.loads(line) for line in probe.read_text(encoding="utf-8").splitlines()]
    wrong = [r["id"] for r in records if detect_language(r["text"]) != r["language"]]
    assert len(records) == 90
    assert wrong == []

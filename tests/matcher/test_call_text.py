"""Administrative sentences of a call are rules, not research parts to cover."""

from __future__ import annotations

import pytest

from matcher import Matcher
from matcher.call_text import administrative_cue, is_administrative
from matcher.coverage import call_parts
from matcher.dataset import Dataset
from matcher.model import Call, Profile, Publication
from tests.conftest import KeywordEncoder

HYDROGEN_CALL = Call(
    id="c-h2",
    title="Hydrogen from coal and mine methane",
    description=(
        "Projects develop hydrogen production from coal gasification and mine methane. "
        "Each project is led from the Russian side. "
        "The Russian principal investigator must be a senior researcher. "
        "Grants of up to 7 million roubles a year are awarded for 36 months."
    ),
    keywords=["hydrogen production"],
)


def test_rule_sentences_are_not_call_parts() -> None:
    # Regression: "Each project is led from the Russian side" and the PI rule were call
    # parts, and a hydrogen researcher was credited with covering them.
    texts = [part.text for part in call_parts(HYDROGEN_CALL)]
    assert texts == [
        "hydrogen production",
        "Hydrogen from coal and mine methane",
        "Projects develop hydrogen production from coal gasification and mine methane.",
    ]


def test_rules_are_left_out_of_the_embedded_call_text() -> None:
    assert "led from" not in HYDROGEN_CALL.text
    assert "principal investigator" not in HYDROGEN_CALL.text
    assert "coal gasification" in HYDROGEN_CALL.text


def test_the_matcher_neither_covers_nor_explains_rule_sentences() -> None:
    researcher = Profile(
        id="h2",
        name="Hydrogen researcher",
        publications=[Publication(title="coal gasification for hydrogen and methane")],
    )
    dataset = Dataset(profiles=[researcher], calls=[HYDROGEN_CALL])
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    parts = [part.text for part in matcher.explain("c-h2", "h2").call_parts]
    assert not any("led from" in part or "investigator" in part for part in parts)
    assert matcher.coverage("c-h2", ["h2"]).shape == (1, 3)


@pytest.mark.parametrize(
    ("sentence", "administrative"),
    [
        ("Teams must include researchers from both countries.", True),
        ("Projects should improve the forecasting of gas emission into longwall faces.", False),
        ("Consortia should validate their methods on real industrial data.", False),
        ("Руководитель проекта должен иметь учёную степень кандидата наук.", True),
        ("Размер гранта составляет от 4 до 7 млн рублей ежегодно.", True),
        ("Исследования должны быть направлены на разработку методов дегазации пластов.", False),
        ("中方项目负责人须具有高级专业技术职务。", True),
        ("资助强度为每项200万元，资助期限为3年。", True),
        ("研究内容包括低阶煤制备活性炭及超级电容器多孔碳电极材料。", False),
        ("Жоба жетекшісі PhD дәрежесіне ие болуы тиіс.", True),
        ("Өтінімдер 2025 жылғы 1 наурызға дейін қабылданады.", True),
        ("Көмір шахталарындағы метан бөлінуін болжау әдістерін әзірлеу.", False),
        ("Төслийн удирдагч нь доктор зэрэгтэй байх шаардлагатай.", True),
        ("Санхүүжилтийн хэмжээ жилд 100 сая төгрөг хүртэл байна.", True),
        ("Бэлчээрийн доройтол, нөхөн сэргээлтийн механизмыг судлах.", False),
    ],
)
def test_rules_are_recognised_in_every_supported_language(
    sentence: str, administrative: bool
) -> None:
    assert is_administrative(sentence) is administrative
    cue = administrative_cue(sentence)
    assert (cue is not None) is administrative
    if cue is not None:
        kind, _, matched = cue.partition(": ")
        assert kind and matched and matched.lower() in sentence.lower()


def test_the_title_is_kept_even_when_it_names_a_rule() -> None:
    call = Call(id="c", title="Research groups led by leading scientists: lung health")
    assert [part.text for part in call_parts(call)] == [call.title]

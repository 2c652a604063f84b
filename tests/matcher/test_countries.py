"""Countries and languages as people write them: codes and names to ISO codes."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from matcher.countries import country_names, normalize_country
from matcher.languages import normalize_language
from matcher.model import Profile


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("RU", "RU"),
        ("ru", "RU"),
        ("UK", "GB"),
        ("EL", "GR"),
        ("XK", "XK"),
        ("Россия", "RU"),
        ("Российская Федерация", "RU"),
        ("РФ", "RU"),
        ("российская федерация.", "RU"),
        ("Russia", "RU"),
        ("Kazakhstan", "KZ"),
        ("Қазақстан", "KZ"),
        ("Казахстан", "KZ"),
        ("Ресей", "RU"),
        ("中国", "CN"),
        ("中华人民共和国", "CN"),
        ("КНР", "CN"),
        ("Беларусь", "BY"),
        ("Белоруссия", "BY"),
        ("Republic of Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Монголия", "MN"),
        ("Монгол Улс", "MN"),
        ("Кыргызстан", "KG"),
        ("Germany", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
    ],
)
def test_codes_and_names_map_to_the_iso_code(written: str, code: str) -> None:
    assert normalize_country(written) == code


def test_an_unknown_name_suggests_the_closest_known_one() -> None:
    closest = r"unknown country 'Kazakstn'.*did you mean 'Kazakstan' \(KZ\)"
    with pytest.raises(ValueError, match=closest):
        normalize_country("Kazakstn")
    with pytest.raises(ValueError, match=r"did you mean 'Россия' \(RU\)"):
        normalize_country("Росия")


def test_an_unknown_two_letter_code_keeps_the_code_message() -> None:
    code_message = r"unknown country code 'XX' \(expected ISO 3166-1 alpha-2"
    with pytest.raises(ValueError, match=code_message):
        normalize_country("XX")


def test_the_curated_table_names_every_variant_once() -> None:
    text = resources.files("matcher").joinpath("data", "country_names.json").read_text("utf-8")
    table = {code: names for code, names in json.loads(text).items() if code != "_about"}
    known = country_names()
    for code, names in table.items():
        assert normalize_country(code) == code  # the keys are real codes
        for name in names:
            assert known.lookup(name) == code, name


def test_profile_files_accept_country_names() -> None:
    profile = Profile.model_validate({"id": "p1", "name": "A", "country": "Россия"})
    assert profile.country == "RU"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("rus", "ru"),
        ("русский", "ru"),
        ("Русский язык", "ru"),
        ("English", "en"),
        ("английский", "en"),
        ("казахский", "kk"),
        ("қазақ тілі", "kk"),
        ("中文", "zh"),
        ("китайский", "zh"),
        ("монгольский", "mn"),
        ("Mongolian", "mn"),
        ("белорусский", "be"),
    ],
)
def test_language_codes_and_names_map_to_iso_639_1(written: str, code: str) -> None:
    assert normalize_language(written) == code


def test_an_unknown_language_suggests_the_closest() -> None:
    closest = r"unknown language 'руский'.*did you mean 'русский' \(ru\)"
    with pytest.raises(ValueError, match=closest):
        normalize_language("руский")

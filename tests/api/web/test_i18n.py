"""The interface's languages: negotiation, catalogues, localised dates and numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from api.web.i18n import Formatter, choose, languages, missing_translations, negotiate, translations


def test_russian_and_english_are_offered() -> None:
    assert languages()[0] == "en"
    assert "ru" in languages()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5", "ru"),
        ("fr;q=0.9, en;q=0.3, ru;q=0.7", "ru"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("ru;q=abc", "en"),
        ("ru;q=0, en;q=0.1", "en"),
    ],
)
def test_the_browser_language_is_negotiated(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_the_account_choice_wins_over_cookie_and_browser() -> None:
    assert choose("ru", "en", "en-GB") == "ru"
    assert choose(None, "ru", "en-GB") == "ru"
    assert choose(None, "xx", "ru") == "ru"


def test_every_message_of_the_pages_has_a_russian_translation() -> None:
    # Lists each untranslated message with where it is used (scripts/web-messages).
    assert missing_translations("ru") == {}


def test_the_russian_catalogue_translates() -> None:
    assert translations("ru").gettext("Sign in") == "Вход"
    assert translations("en").gettext("Sign in") == "Sign in"


def test_dates_numbers_and_countries_follow_the_locale() -> None:
    russian, english = Formatter("ru"), Formatter("en")
    day = dt.date(2027, 3, 15)
    assert english.date(day) == "Mar 15, 2027"
    # CLDR's own spacing (a narrow no-break space before "г." in recent versions).
    assert russian.date(day).startswith("15 мар. 2027")
    assert russian.date("2027-03-15") == russian.date(day)
    assert english.number(12345.678, 1) == "12,345.7"
    assert russian.number(12345.678, 1) == "12\xa0345,7"
    assert russian.country("CN") == "Китай"
    assert english.country("cn") == "China"
    assert english.country("QQ") == "QQ"

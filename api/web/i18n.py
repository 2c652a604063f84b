"""The interface's languages: gettext catalogues read with Babel, the locale of a request,
and dates, numbers and country names in that locale.

Messages are written in English in the templates and the code (``_("...")``); each other
language has its catalogues in ``api/web/locale/<lang>/LC_MESSAGES/*.po``. Every ``.po``
file of a language is read at start and merged (one file per part of the application,
so parts can be translated apart); no compiled ``.mo`` file is kept in the repository.
A language is offered as soon as its folder exists: Kazakh (``kk``) and Chinese (``zh``)
need only their catalogues. ``scripts/web-messages`` extracts the messages with
``pybabel`` and lists what each catalogue still lacks.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGE_COOKIE = "gm_lang"


@cache
def languages() -> tuple[str, ...]:
    """The interface's languages: English, then every language with catalogues."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The merged catalogues of a language (English: the messages as written)."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    merged: gettext.NullTranslations | None = None
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = gettext.GNUTranslations(buffer)
        if merged is None:
            merged = part
        else:
            merged.add_fallback(part)
    return merged or gettext.NullTranslations()


def negotiate(accept_language: str | None, offered: Iterable[str] | None = None) -> str:
    """The best offered language for an ``Accept-Language`` header (default English)."""
    offered = tuple(offered or languages())
    wanted: list[tuple[float, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:  # q=0 means "not this one"
            # Stable: equal qualities keep the header's order.
            wanted.append((-quality + position * 1e-6, tag.replace("_", "-")))
    for _, tag in sorted(wanted):
        if tag == "*":
            break
        primary = tag.split("-")[0].lower()
        if primary in offered:
            return primary
    return SOURCE_LANGUAGE


def choose(user_locale: str | None, cookie: str | None, accept_language: str | None) -> str:
    """A request's language: the account's choice, else the browser's cookie, else the
    ``Accept-Language`` header, else English."""
    for choice in (user_locale, cookie):
        if choice in languages():
            return choice
    return negotiate(accept_language)


class Formatter:
    """Dates, numbers and country names in one locale (Babel's CLDR data)."""

    def __init__(self, language: str) -> None:
        self.language = language
        try:
            self.locale = Locale.parse(language)
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse(SOURCE_LANGUAGE)

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        """A date in the locale's medium format (an ISO string is parsed first)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            try:
                parsed = dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
            return format_date(parsed, format="medium", locale=self.locale)
        return format_date(value, format="medium", locale=self.locale)

    def datetime(self, value: dt.datetime | None) -> str:
        """A moment in the locale's short format, in UTC."""
        if value is None:
            return ""
        return format_datetime(value, format="short", tzinfo=dt.UTC, locale=self.locale) + " UTC"

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number with the locale's separators and ``digits`` decimals."""
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None) -> str:
        """A share (0-1) as a percentage."""
        return "" if value is None else format_percent(value, locale=self.locale)

    def country(self, code: str | None) -> str:
        """A country's name in the locale (the code when CLDR has none)."""
        if not code:
            return ""
        return str(self.locale.territories.get(code.upper(), code.upper()))

    def language_name(self, code: str) -> str:
        """A language's name in that language itself (for the switcher)."""
        try:
            return str(Locale.parse(code).get_display_name(code) or code).capitalize()
        except (UnknownLocaleError, ValueError):
            return code


def extracted_messages() -> dict[str, list[str]]:
    """Every message the templates and the code of :mod:`api.web` mark for translation,
    with where each is (``file:line``), as ``pybabel extract`` finds them."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).parent
    template_options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True"}
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(root),
        [("**/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"**/templates/**.html": template_options},
    ):
        text = message if isinstance(message, str) else message[0]
        found.setdefault(text, []).append(f"{filename}:{line}")
    return found


def missing_translations(language: str) -> dict[str, list[str]]:
    """The extracted messages a language's catalogues lack (or leave empty)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    translated: set[str] = set()
    for po_file in folder.glob("*.po"):
        with po_file.open("rb") as handle:
            for entry in read_po(handle, locale=language):
                if entry.id and entry.string and not entry.fuzzy:
                    translated.add(entry.id if isinstance(entry.id, str) else entry.id[0])
    return {m: where for m, where in extracted_messages().items() if m not in translated}

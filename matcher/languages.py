"""Languages: ISO 639-1 codes, and language names as people write them.

:func:`normalize_language` takes a code (``ru``, ``RU``, the ISO 639-2/3 ``rus``) or a name
in English, Russian, Kazakh, Chinese, Mongolian and more (``русский``, ``English``,
``казахский``, ``қазақ тілі``, ``中文``): the ISO 639 names and their pycountry translations,
plus the curated variants in ``matcher/data/language_names.json`` (see :mod:`matcher.names`).
An unknown name is an error that suggests the closest known one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Final

import pycountry

from matcher.names import NameTable, build_table, curated_names, name_key, translations

#: Words that may follow a language's name ("русский язык", "қазақ тілі", "монгол хэл").
_LANGUAGE_WORDS: Final = ("язык", "тілі", "тил", "хэл", "language")


def normalize_language(value: str) -> str:
    """Return the ISO 639-1 code of a language code or name.

    Parameters
    ----------
    value : str
        ``ru``, ``rus``, ``Russian``, ``русский``, ``русский язык``, ``орыс тілі``, ``俄语``...

    Returns
    -------
    str
        The two-letter code, lower case (``ru``).

    Raises
    ------
    ValueError
        If the value is no known language code or name; the message suggests the closest.
    """
    text = value.strip()
    code = _codes().get(text.lower())
    if code is not None:
        return code
    table = language_names()
    found = table.lookup(text)
    if found is None:
        words = name_key(text).split()
        if len(words) > 1 and words[-1] in _LANGUAGE_WORDS:
            found = table.lookup(" ".join(words[:-1]))
    if found is not None:
        return found
    message = f"unknown language {value!r} (expected an ISO 639-1 code or a language name"
    closest = table.closest(text)
    if closest is None:
        raise ValueError(message + ", e.g. 'ru' or 'Russian')")
    raise ValueError(message + f"; did you mean {closest[0]!r} ({closest[1]})?)")


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """ISO 639-1 codes and the ISO 639-2/3 codes of the same languages, to 639-1."""
    codes: dict[str, str] = {}
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2 is None:
            continue
        codes[str(alpha_2)] = str(alpha_2)
        for attribute in ("alpha_3", "bibliographic"):
            other = getattr(language, attribute, None)
            if other:
                codes[str(other)] = str(alpha_2)
    return codes


@lru_cache(maxsize=1)
def language_names() -> NameTable:
    """Every language name :func:`normalize_language` knows, with its ISO 639-1 code."""
    return build_table(_iso_names(), curated_names("language_names.json"))


def _iso_names() -> Iterator[tuple[str, str]]:
    english = [
        (str(getattr(language, attribute)), str(language.alpha_2))
        for language in pycountry.languages
        if getattr(language, "alpha_2", None)
        for attribute in ("name", "common_name")
        if getattr(language, attribute, None)
    ]
    yield from english
    yield from translations("iso639-3", pycountry.LOCALES_DIR, english)

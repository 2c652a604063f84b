"""Countries: ISO 3166-1 alpha-2 codes, and country names as people write them.

:func:`normalize_country` takes a code (``RU``, ``ru``, the EU's ``UK`` and ``EL``) or a
name in English, Russian, Kazakh, Chinese, Mongolian and more (``Россия``, ``Российская
Федерация``, ``РФ``, ``Қазақстан``, ``中国``, ``Republic of Korea``): the ISO names and
their pycountry translations, plus the curated variants in ``matcher/data/country_names.json``
(see :mod:`matcher.names`). An unknown name is an error that suggests the closest known one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import pycountry

from matcher.names import NameTable, build_table, curated_names, translations

# Codes that real data sources use in place of the ISO code (CORDIS writes UK and EL).
_ALIASES = {"UK": "GB", "EL": "GR"}
# User-assigned codes in wide use that ISO 3166-1 does not list: the EU (and CORDIS) write
# XK for Kosovo.
_EXTRA_NAMES = {"XK": "Kosovo"}


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries) | frozenset(_EXTRA_NAMES)


def accepted_spellings() -> list[str]:
    """Every spelling :func:`normalize_country` accepts, upper and lower case, aliases
    included (the ``enum`` of a country field in an API schema)."""
    codes = sorted(_known_codes() | frozenset(_ALIASES))
    return codes + [code.lower() for code in codes]


def normalize_country(code: str) -> str:
    """Return the ISO 3166-1 alpha-2 form of a country code or name.

    Upper-cases a code and maps the aliases used by EU data (``UK`` -> ``GB``,
    ``EL`` -> ``GR``); a name (``Россия``, ``Kazakhstan``, ``中国``) is looked up in
    :func:`country_names`, ignoring case, accents and punctuation.

    Raises
    ------
    ValueError
        If the value is neither a known alpha-2 code nor a known country name; the message
        suggests the closest known name.
    """
    upper = code.strip().upper()
    upper = _ALIASES.get(upper, upper)
    if upper in _known_codes():
        return upper
    named = country_names().lookup(code)
    if named is not None:
        return named
    raise ValueError(_unknown(code))


def _unknown(value: str) -> str:
    stripped = value.strip()
    if len(stripped) == 2 and stripped.isascii():
        return f"unknown country code {value!r} (expected ISO 3166-1 alpha-2, e.g. 'RU')"
    message = f"unknown country {value!r} (expected an ISO 3166-1 alpha-2 code or a country name"
    closest = country_names().closest(value)
    if closest is None:
        return message + ", e.g. 'RU' or 'Russia')"
    name, code = closest
    return message + f"; did you mean {name!r} ({code})?)"


@lru_cache(maxsize=1)
def country_names() -> NameTable:
    """Every country name :func:`normalize_country` knows, with its code.

    Built once: the ISO names (official and common ones too), their pycountry
    translations, and the curated variants in ``matcher/data/country_names.json``.
    """
    return build_table(_iso_names(), curated_names("country_names.json"))


def _iso_names() -> Iterator[tuple[str, str]]:
    english = [
        (str(getattr(country, attribute)), str(country.alpha_2))
        for country in pycountry.countries
        for attribute in ("name", "official_name", "common_name")
        if getattr(country, attribute, None)
    ]
    yield from english
    yield from translations("iso3166-1", pycountry.LOCALES_DIR, english)
    yield from ((name, code) for code, name in _EXTRA_NAMES.items())


def country_name(code: str | None) -> str:
    """Human-readable name of a country code (``'RU'`` -> ``'Russian Federation'``)."""
    if code is None:
        return "unknown country"
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)

"""ISO 3166-1 alpha-2 country codes: validation and display names."""

from __future__ import annotations

from functools import lru_cache

import pycountry

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
    """Return the ISO 3166-1 alpha-2 form of ``code``.

    Upper-cases the code and maps the aliases used by EU data (``UK`` -> ``GB``,
    ``EL`` -> ``GR``).

    Raises
    ------
    ValueError
        If the code is not a known alpha-2 country code.
    """
    upper = code.strip().upper()
    upper = _ALIASES.get(upper, upper)
    if upper not in _known_codes():
        raise ValueError(f"unknown country code {code!r} (expected ISO 3166-1 alpha-2, e.g. 'RU')")
    return upper


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

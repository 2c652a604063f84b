"""Transliteration between Cyrillic and Latin, with Russian, Kazakh and Mongolian rules.

Names reach grantmatch in both scripts: "Кемеровский государственный университет" from a
Russian grant office, "Kemerovo State University" from a publisher. Comparison happens in
Latin, so every Cyrillic name is romanised first.

The romanisation tables are explicit (one per language, below) rather than a library's,
because matching needs the spellings people actually write in English: Russian follows
BGN/PCGN without diacritics (``й`` -> ``y``, ``х`` -> ``kh``, ``ц`` -> ``ts``), the
spelling of passports and of most English-language institution names; Kazakh adds its nine
letters as in the 2021 Latin alphabet without diacritics (``қ`` -> ``q`` would not match
English usage, so ``k``); Mongolian follows MNS 5217:2012, the national standard used on
passports (``ү`` -> ``u``, ``ө`` -> ``o``, ``ж`` -> ``j``). The reverse direction
(:func:`to_cyrillic`) uses ``cyrtranslit``'s Russian rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal, get_args

CyrillicLanguage = Literal["ru", "kk", "mn"]
"""The Cyrillic languages with their own romanisation rules."""

LANGUAGES: Final[tuple[CyrillicLanguage, ...]] = get_args(CyrillicLanguage)

_RUSSIAN: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip

# Kazakh: the Russian letters plus nine of its own.
_KAZAKH: Final[dict[str, str]] = {
    **_RUSSIAN,
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i",
}  # fmt: skip

# Mongolian (MNS 5217:2012): differs from Russian where Mongolian pronunciation does.
_MONGOLIAN: Final[dict[str, str]] = {
    **_RUSSIAN,
    "е": "ye", "ё": "yo", "ж": "j", "й": "i", "ө": "o", "ү": "u", "щ": "sh", "ы": "y",
    "ь": "i", "ъ": "i",
}  # fmt: skip

_TABLES: Final[dict[CyrillicLanguage, dict[str, str]]] = {
    "ru": _RUSSIAN,
    "kk": _KAZAKH,
    "mn": _MONGOLIAN,
}

# Letters that only one of the languages uses tell which rules apply.
_KAZAKH_ONLY: Final = frozenset("әғқңұһі")
_MONGOLIAN_OR_KAZAKH: Final = frozenset("өү")
_CYRILLIC: Final = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


def guess_language(text: str) -> CyrillicLanguage:
    """Which rules fit a Cyrillic ``text``: Kazakh or Mongolian by their own letters, else Russian.

    Parameters
    ----------
    text : str
        Any text; only its letters are looked at.

    Returns
    -------
    {"ru", "kk", "mn"}
        ``kk`` if a letter only Kazakh uses appears (``ә ғ қ ң ұ һ і``), ``mn`` if ``ө`` or
        ``ү`` appears without one, otherwise ``ru``.
    """
    letters = set(text.lower())
    if letters & _KAZAKH_ONLY:
        return "kk"
    if letters & _MONGOLIAN_OR_KAZAKH:
        return "mn"
    return "ru"


def to_latin(text: str, language: CyrillicLanguage | None = None) -> str:
    """Romanise the Cyrillic letters of ``text``; other characters are kept.

    Parameters
    ----------
    text : str
        A name in any script.
    language : {"ru", "kk", "mn"}, optional
        The rules; by default guessed from the letters (:func:`guess_language`).

    Returns
    -------
    str
        ``text`` with every Cyrillic letter romanised, the case of the first letter kept.

    Raises
    ------
    ValueError
        If ``language`` is not one of the supported ones.

    Examples
    --------
    >>> to_latin("Кемеровский государственный университет")
    'Kemerovskiy gosudarstvennyy universitet'
    >>> to_latin("Қазақ ұлттық университеті")
    'Kazak ulttyk universiteti'
    >>> to_latin("Монгол Улсын Их Сургууль", "mn")
    'Mongol Ulsyn Ikh Surguuli'
    """
    if language is not None and language not in _TABLES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    if not has_cyrillic(text):
        return text
    table = _TABLES[language or guess_language(text)]
    out: list[str] = []
    for char in text:
        lower = char.lower()
        latin = table.get(lower)
        if latin is None:
            out.append(char)
        elif char != lower and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Write Latin ``text`` in Russian Cyrillic (``cyrtranslit``'s Russian rules).

    Parameters
    ----------
    text : str
        A name in Latin letters.

    Returns
    -------
    str
        The name in Cyrillic letters; a letter-by-letter rendering, for display and for
        searching Cyrillic sources, not a translation.

    Examples
    --------
    >>> to_cyrillic("Kemerovo")
    'Кемерово'
    """
    import cyrtranslit

    return str(cyrtranslit.to_cyrillic(text, "ru"))


def strip_accents(text: str) -> str:
    """``text`` without diacritics: ``"Universität Wien"`` -> ``"Universitat Wien"``.

    Letters that decompose into a base letter and marks lose the marks; a few that do not
    (``ø``, ``ł``, ``ß``, ``æ``, ``đ``) are spelled out.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return kept.translate(_UNDECOMPOSABLE)


_UNDECOMPOSABLE: Final = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d",
     "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE", "þ": "th"}
)  # fmt: skip

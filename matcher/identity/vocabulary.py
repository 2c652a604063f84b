"""The words institution names are built from, across languages, mapped to one English concept.

"Universitet", "Universität", "universiteti" and "Их Сургууль" all say *university*;
"государственный", "мемлекеттік" and "staatlich" say *state*. Mapping them to one concept is
what lets "Кемеровский государственный университет" meet "Kemerovo State University":
transliteration alone gives "kemerovskiy gosudarstvennyy universitet".

Words are matched by prefix on romanised, lower-cased, accent-free tokens, so that one
entry covers a word's inflections (Russian cases, Kazakh possessives). The lists are
curated for the languages grantmatch's users write (English, Russian, Kazakh, Mongolian)
and the European languages of CORDIS; a word not listed stays a distinctive token.
"""

from __future__ import annotations

from typing import Final

CONCEPT_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    "university": (
        "universit", "universid", "uniwersyt", "univerzit", "yliopist", "egyetem",
        "universiteit", "panepistim", "univ",
    ),
    "state": ("gosudarstv", "memlekett", "staatl", "estatal", "statal", "state"),
    "national": (
        "nation", "natsional", "nacional", "nazional", "ulttyk", "undesn", "narodow",
        "ulsyn", "ethnik",
    ),
    "technical": ("tekhnich", "technic", "technisch", "tecnic", "techniq", "tekhnikal", "tech"),
    "technology": ("tekhnolog", "technolog", "tecnolog", "tekhnologi"),
    "polytechnic": ("politekh", "polytech", "politecn", "politechn", "polytekh"),
    "institute": ("institut", "instytut", "istitut"),
    "academy": ("akadem", "academ", "akademi"),
    "science": (
        "nauk", "nauch", "scien", "cienc", "wissenschaft", "gylym", "shinjlekh", "scienz",
        "sciences", "ukhaan",
    ),
    "education": ("bolovsrol", "obrazovan", "education", "educaci", "educazi", "bilim"),
    "research": ("issledovat", "research", "forschung", "recherch", "ricerc", "investigac"),
    "federal": ("federal",),
    "medical": ("meditsin", "medic", "medizin", "medit", "meditsyn"),
    "pedagogical": ("pedagog",),
    "agricultural": ("agrar", "agricult", "selskokhoz", "agronom"),
    "economics": ("ekonom", "econom", "okonom"),
    "college": ("colleg", "kolledzh", "kollej"),
    "school": ("school", "shkol", "escuel", "ecole", "scuol", "schule"),
    "higher": ("vyssh", "higher", "hoch", "superior", "superieur", "vysok"),
    "centre": ("tsentr", "center", "centre", "centro", "zentrum", "ortalyg"),
    "foundation": ("foundation", "fundac", "fondaz", "fondation", "stiftung", "stichting"),
    "hospital": ("hospital", "bolnits", "klinik", "clinic", "ospedal", "hopital"),
    "laboratory": ("laborator",),
    "applied": ("priklad", "applied", "angewandt", "aplicad", "applicat"),
    "engineering": ("engineer", "inzhener", "ingegner", "ingenier", "ingenieur"),
    "humanities": ("gumanitar", "humanit"),
}  # fmt: skip
"""Each concept and the word prefixes that say it (romanised, lower case, no accents)."""

EXONYMS: Final[dict[str, tuple[str, ...]]] = {
    "russia": ("rossiysk", "russia", "rossii", "rossiya"),
    "kazakh": ("kazakh", "kazak", "qazaq"),
    "mongol": ("mongol",),
    "siberia": ("sibir", "siberi"),
    "moscow": ("moskov", "moskv", "moscow"),
    "petersburg": ("peterburg", "petersburg"),
    "eurasia": ("evraz", "eurasi", "euraz"),
}
"""Places named differently in Russian and English: distinctive words, spelled one way."""

PHRASES: Final[dict[str, str]] = {
    "ikh surguul": "university",  # Mongolian их сургууль: "big school"
    "ikh surguuli": "university",
    "saint petersburg": "petersburg",
    "sankt peterburg": "petersburg",
    "st petersburg": "petersburg",
    "sankt petersburg": "petersburg",
    "sankt peterburgskiy": "petersburg",
}
"""Several words that say one thing, replaced before words are looked at one by one."""

RUSSIAN_INITIALS: Final[dict[str, str]] = {
    "university": "u",
    "state": "g",
    "national": "n",
    "technical": "t",
    "technology": "t",
    "polytechnic": "p",
    "institute": "i",
    "academy": "a",
    "research": "i",
    "federal": "f",
    "medical": "m",
    "pedagogical": "p",
    "agricultural": "a",
    "economics": "e",
    "humanities": "g",
}
"""The first letter of each concept's Russian word, for acronyms like КемГУ from English names."""

STOPWORDS: Final = frozenset(
    {
        "of", "the", "and", "for", "in", "at", "on", "a", "an", "de", "del", "della", "dei",
        "di", "da", "do", "dos", "das", "der", "die", "des", "du", "la", "le", "les", "el",
        "van", "von", "y", "i", "e", "et", "und", "en", "im", "imeni", "named", "after",
        "atyndagy", "nersemel", "zu", "fur", "voor", "och", "og", "per", "pour",
    }
)  # fmt: skip
"""Words that carry nothing for matching (romanised, lower case)."""


def _longest_first(table: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    pairs = ((prefix, word) for word, prefixes in table.items() for prefix in prefixes)
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_CONCEPTS_ORDERED: Final = _longest_first(CONCEPT_PREFIXES)
_EXONYMS_ORDERED: Final = _longest_first(EXONYMS)


def concept_of(token: str) -> str | None:
    """The concept a romanised lower-case ``token`` says, or ``None`` for a distinctive word.

    Examples
    --------
    >>> concept_of("gosudarstvennyy"), concept_of("universitat"), concept_of("kemerovo")
    ('state', 'university', None)
    """
    if token in CONCEPT_PREFIXES:
        return token
    return _first_prefix(token, _CONCEPTS_ORDERED)


def exonym_of(token: str) -> str | None:
    """The one spelling of a place ``token`` names (``moskovskiy`` -> ``moscow``), or ``None``."""
    return _first_prefix(token, _EXONYMS_ORDERED)


def _first_prefix(token: str, ordered: tuple[tuple[str, str], ...]) -> str | None:
    for prefix, word in ordered:
        if token.startswith(prefix):
            return word
    return None

"""Tables of names as people write them (countries, languages), matched loosely, with the
closest known name suggested when nothing matches.

A :class:`NameTable` maps *keys* (names with case, accents, dots, brackets and the ё/е
difference ignored, see :func:`name_key`) to codes. It is built from the ISO names that
pycountry ships, their pycountry translations, and a curated table of variants kept as
package data (``matcher/data/*.json``). A name the sources give to two different codes is
left out (it would be a guess), unless the curated table names it: the curated table wins.
"""

from __future__ import annotations

import difflib
import gettext
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Final

#: The pycountry locales whose translations are read: the languages of the users and
#: partners this project serves.
TRANSLATION_LOCALES: Final = ("ru", "kk", "zh_CN", "zh_TW", "mn", "be", "uk", "ky", "uz")

_DROPPED: Final = str.maketrans({c: " " for c in ".,()[]'\"’`«»-–—_/"})


def name_key(text: str) -> str:
    """The form names are compared in: case, accents, punctuation and ё/е ignored.

    >>> name_key("  Российская  Федерация. ") == name_key("российская федерация")
    True
    >>> name_key("P.R. China")
    'p r china'
    """
    if text.isascii():  # most names and titles: nothing to decompose
        return " ".join(text.lower().translate(_DROPPED).split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Combining marks go (é -> e, ё -> е, й -> и on both sides alike); letters stay.
    bare = decomposed.translate(_combining_marks())
    return " ".join(bare.translate(_DROPPED).split())


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """A ``str.translate`` table deleting every combining mark of the Basic Multilingual Plane."""
    return {code: None for code in range(0x300, 0x10000) if unicodedata.combining(chr(code))}


@dataclass
class NameTable:
    """Names (by key) to codes, and the name to show for each key in suggestions."""

    codes: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    #: Which name a suggestion prefers among equally close ones: lower first (the curated
    #: names, then English, then the translations in :data:`TRANSLATION_LOCALES` order).
    rank: dict[str, int] = field(default_factory=dict)

    def lookup(self, text: str) -> str | None:
        """The code of ``text`` if it is a known name, else ``None``."""
        return self.codes.get(name_key(text))

    def closest(self, text: str) -> tuple[str, str] | None:
        """The known name closest to ``text`` and its code, if one is reasonably close."""
        key = name_key(text)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(key)
        best: tuple[float, int, str] | None = None
        for candidate in self.codes:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                continue
            score = matcher.ratio()
            entry = (-score, self.rank.get(candidate, len(self.rank)), candidate)
            if score >= 0.6 and (best is None or entry < best):
                best = entry
        if best is None:
            return None
        return self.shown[best[2]], self.codes[best[2]]


def build_table(generated: Iterable[tuple[str, str]], curated: dict[str, list[str]]) -> NameTable:
    """A :class:`NameTable` from (name, code) pairs and a curated ``{code: [names]}`` table.

    Generated names that two codes share are left out; curated names always count.
    """
    table = NameTable()
    ambiguous: set[str] = set()
    for name, code in generated:
        key = name_key(name)
        if not key or key in ambiguous:
            continue
        if table.codes.get(key, code) != code:
            ambiguous.add(key)
            del table.codes[key]
            continue
        table.codes[key] = code
        table.shown.setdefault(key, name.strip())
        table.rank.setdefault(key, len(table.rank) + 1)
    for code, names in curated.items():
        for name in names:
            key = name_key(name)
            table.codes[key] = code
            table.shown[key] = name.strip()
            table.rank[key] = 0
    return table


def curated_names(filename: str) -> dict[str, list[str]]:
    """The curated ``{code: [names]}`` table in ``matcher/data/<filename>``, without ``_about``."""
    text = resources.files("matcher").joinpath("data", filename).read_text(encoding="utf-8")
    table: dict[str, list[str]] = json.loads(text)
    return {code: names for code, names in table.items() if not code.startswith("_")}


def translations(
    domain: str, locales_dir: str, pairs: Iterable[tuple[str, str]]
) -> Iterable[tuple[str, str]]:
    """Each (name, code) pair's name translated into every locale of
    :data:`TRANSLATION_LOCALES` that pycountry ships for ``domain``, with its code
    (names without a translation are skipped)."""
    pairs = [(name, code) for name, code in pairs if name]
    for locale in TRANSLATION_LOCALES:
        try:
            catalogue = gettext.translation(domain, locales_dir, languages=[locale])
        except OSError:  # a pycountry release without this locale
            continue
        for name, code in pairs:
            translated = catalogue.gettext(name)
            if translated != name:
                yield translated, code

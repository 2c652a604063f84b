"""Acronyms and abbreviations: "КемГУ", "KemSU" and "KSU" for Kemerovo State University.

Acronyms are generated from a full name in both traditions:

* initials of the significant words: "Kemerovo State University" -> ``ksu``,
  "Кемеровский государственный университет" -> ``kgu``;
* the Russian habit of a first syllable plus initials: ``kemgu`` (КемГУ), and its English
  counterpart ``kemsu`` (KemSU);
* from an English name, the initials of each concept's Russian word too (state ->
  *gosudarstvennyy* -> ``g``), so "Kemerovo State University" also yields ``kemgu``.

All acronyms are romanised and lower case, so "КемГУ" and "KemGU" compare equal.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from matcher.identity.normalise import InstitutionKey, romanised_tokens
from matcher.identity.vocabulary import RUSSIAN_INITIALS, concept_of

_ACRONYM_SHAPE: Final = re.compile(r"^[^\W\d_][\w.&-]{1,11}$")
_MIN_WORDS: Final = 2
_LEADING_WORDS_DROPPED: Final = 2
_MIN_LETTERS: Final = 3  # two letters name too many institutions to resolve anything


def looks_like_acronym(text: str) -> bool:
    """Whether ``text`` reads as an acronym: one short word with two or more capitals.

    Examples
    --------
    >>> looks_like_acronym("КемГУ"), looks_like_acronym("KemSU"), looks_like_acronym("NMBU")
    (True, True, True)
    >>> looks_like_acronym("Kemerovo"), looks_like_acronym("ICIQ-CERCA")
    (False, True)
    """
    stripped = text.strip()
    if " " in stripped or not _ACRONYM_SHAPE.match(stripped):
        return False
    capitals = sum(1 for char in stripped if char.isupper())
    return capitals >= 2


def acronym_form(text: str) -> str:
    """An acronym as compared: romanised, lower case, no dots (``Кем.ГУ`` -> ``kemgu``).

    A hyphenated acronym keeps its first part (``ICIQ-CERCA`` -> ``iciq``), the institution's
    own; what follows is usually a network it belongs to.
    """
    first = text.strip().split("-")[0]
    return "".join(romanised_tokens(first.replace(".", "")))


AcronymKind = Literal["initials", "syllabic", "tail-initials", "tail-syllabic"]
"""How an acronym was made: initials of every word ("KSU"), a first syllable plus initials
("KemSU"), or either after leaving out up to two leading words ("KazNU" of "Al-Farabi Kazakh
National University"); the last two are weaker evidence."""


def acronyms_of(key: InstitutionKey) -> frozenset[str]:
    """The acronyms a full name may be written as (romanised, lower case).

    Parameters
    ----------
    key : InstitutionKey
        The name's key (:func:`~matcher.identity.normalise.institution_key`).

    Returns
    -------
    frozenset of str
        Empty for a name of fewer than two significant words (an acronym of one word is
        not one people use). :func:`acronym_kinds` tells how each was made.

    Examples
    --------
    >>> from matcher.identity.normalise import institution_key
    >>> sorted(acronyms_of(institution_key("Kemerovo State University")))
    ['kemgu', 'kemsu', 'kgu', 'ksu']
    """
    return frozenset(acronym_kinds(key))


def acronym_kinds(key: InstitutionKey) -> dict[str, AcronymKind]:
    """Each acronym of :func:`acronyms_of` with how it was made (the strongest way, if several).

    Examples
    --------
    >>> from matcher.identity.normalise import institution_key
    >>> acronym_kinds(institution_key("Kemerovo State University"))["kemsu"]
    'syllabic'
    """
    words = list(key.tokens)
    found: dict[str, AcronymKind] = {}
    # Leading words are often a dedication ("Al-Farabi Kazakh National University": KazNU).
    for start in range(min(_LEADING_WORDS_DROPPED + 1, len(words) - _MIN_WORDS + 1)):
        tail = words[start:]
        if all(concept_of(word) is not None for word in tail):
            break  # only generic words left: "SU" says no institution
        russian = [_russian_initial(word) for word in tail]
        for initials in (_initials(tail), "".join(russian)):
            made: list[tuple[str, AcronymKind]] = [
                (initials, "initials" if start == 0 else "tail-initials"),
                (tail[0][:3] + initials[1:], "syllabic" if start == 0 else "tail-syllabic"),
            ]
            for acronym, kind in made:
                if len(acronym) >= _MIN_LETTERS and acronym not in found:
                    found[acronym] = kind
    return found


def written_with_syllable(text: str) -> bool:
    """Whether an acronym shows a syllable in lower case after its first letter ("KemSU",
    "КемГУ"), which only a syllabic acronym can match: "GRAB" is four initials.

    Examples
    --------
    >>> written_with_syllable("KemSU"), written_with_syllable("GRAB")
    (True, False)
    """
    stripped = text.strip()
    return any(char.islower() for char in stripped[1:]) and any(
        char.isupper() for char in stripped[1:]
    )


def _initials(words: list[str]) -> str:
    return "".join(word[0] for word in words)


def _russian_initial(word: str) -> str:
    concept = concept_of(word)
    if concept is None or concept == word[:1]:
        return word[0]
    return RUSSIAN_INITIALS.get(concept, word[0])

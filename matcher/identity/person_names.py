"""Person names: parsed into surname and given names, and compared across their variants.

The same researcher is "Ivan Petrov", "Petrov, I.", "I. I. Petrov", "Петров Иван
Иванович" and "Petrov I.I."; "Haining Tian" is also "Tian Haining". A name is parsed into
romanised surname words and given names (full or initials), and two names are compatible
when a surname word is shared and the given names agree in order, full name against full
name or initial against initial.

>>> parse_person_name("Петров Иван Иванович")
PersonName(surname=('petrov',), given=('ivan', 'ivanovich'))
>>> parse_person_name("Tandava, Venkata S.R.K.")
PersonName(surname=('tandava',), given=('venkata', 's', 'r', 'k'))
>>> name_evidence(parse_person_name("I. Petrov"), parse_person_name("Петров Иван Иванович"))
(0.5, ('same surname', 'given names agree by initials'))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz

from matcher.identity.transliterate import strip_accents, to_latin

_PARTICLES: Final = frozenset(
    {"van", "von", "de", "den", "der", "da", "di", "del", "della", "dos", "du", "la", "le",
     "ter", "ten", "al", "el", "bin", "ibn", "lo", "mac", "st"}
)  # fmt: skip
_TITLES: Final = frozenset({"dr", "prof", "professor", "phd", "mr", "mrs", "ms", "by", "jr", "sr"})
_PATRONYMIC: Final = re.compile(r"(?:ovich|evich|ich|ovna|evna|ichna|ogly|kyzy|uly)$")
_AFFILIATION_MARK: Final = re.compile(r"(?<=\w{2})\s+[a-z](?:\s*,\s*[a-z])*[\s*]*$")
_NOT_LETTER: Final = re.compile(r"[^a-z.\-' ]+")

# Confidence of the name alone, before institution, co-author and ORCID evidence.
FULL_NAME: Final = 0.7
INITIALS_ONLY: Final = 0.5
EXTRA_AGREEMENT: Final = 0.05  # a second given name or initial agreeing too
SURNAME_ONLY: Final = 0.3
FUZZY_SURNAME_PENALTY: Final = 0.1
SWAPPED_ORDER_PENALTY: Final = 0.1
_SPELLING_RATIO: Final = 88.0  # rapidfuzz ratio of folded spellings: Yuriy ~ Iurii


@dataclass(frozen=True)
class PersonName:
    """A person's name, romanised and lower case.

    Attributes
    ----------
    surname : tuple of str
        The surname's words (hyphenated parts apart, particles kept: ``den``, ``hartog``).
    given : tuple of str
        Given names and patronymics, in order; an initial is one letter.
    """

    surname: tuple[str, ...]
    given: tuple[str, ...]

    @property
    def surname_words(self) -> frozenset[str]:
        """The surname's words without particles."""
        return frozenset(w for w in self.surname if w not in _PARTICLES) or frozenset(self.surname)

    @property
    def key(self) -> str:
        """``surname|first initial``: what candidate pairs are blocked on."""
        last = sorted(self.surname_words)[-1] if self.surname_words else ""
        return f"{fold(last)}|{self.given[0][0] if self.given else ''}"


def fold(word: str) -> str:
    """One spelling for transliteration variants: ``yuriy``, ``iurii`` and ``yuri`` -> ``iuri``."""
    folded = word.replace("kh", "h").replace("y", "i").replace("j", "i").replace("w", "v")
    return re.sub(r"(.)\1+", r"\1", folded)


def parse_person_name(text: str) -> PersonName:
    """Parse a person's name as written in publications, registries or spreadsheets.

    Parameters
    ----------
    text : str
        "Given Surname", "Surname, Given", "G. Surname", "Surname G.", "Surname Given
        Patronymic" (Russian order, recognised by the patronymic), in any script.

    Returns
    -------
    PersonName
        Empty tuples when nothing name-like is left.
    """
    # A trailing lower-case letter is an affiliation mark ("Elisa Ravesio a"), not an initial.
    text = _AFFILIATION_MARK.sub("", unicodedata.normalize("NFKC", text))
    latin = strip_accents(to_latin(text)).lower()
    latin = latin.replace("‐", "-").replace("–", "-")
    if "," in latin:
        surname_part, _, given_part = latin.partition(",")
        return PersonName(_surname_words(_words(surname_part)), _given_words(_words(given_part)))
    words = _words(latin)
    if not words:
        return PersonName((), ())
    initials = [_is_initial(word) for word in words]
    if initials[0] and not all(initials):
        first_full = initials.index(False)
        return PersonName(_surname_words(words[first_full:]), _given_words(words[:first_full]))
    if len(words) > 1 and initials[-1] and not initials[0]:
        first_initial = initials.index(True)
        return PersonName(
            _surname_words(words[:first_initial]), _given_words(words[first_initial:])
        )
    if len(words) == 3 and _PATRONYMIC.search(words[2]):
        return PersonName(_surname_words(words[:1]), _given_words(words[1:]))
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return PersonName(_surname_words(words[start:]), _given_words(words[:start]))


def _words(text: str) -> list[str]:
    # "N.Mohammed" is an initial and a name: the dot separates them.
    spaced = re.sub(r"\.(?=[a-z]{2})", ". ", _NOT_LETTER.sub(" ", text))
    words = [word.strip("-'") for word in spaced.split()]
    return [w for w in words if w and w.strip(".") not in _TITLES and w.strip(".")]


def _is_initial(word: str) -> bool:
    bare = word.replace(".", "").replace("-", "")
    return len(bare) == 1 or (
        "." in word and all(len(part) <= 1 for part in re.split(r"[.\-]", word))
    )


def _surname_words(words: list[str]) -> tuple[str, ...]:
    return tuple(part for word in words for part in word.replace(".", "").split("-") if part)


def _given_words(words: list[str]) -> tuple[str, ...]:
    given: list[str] = []
    for word in words:
        if _is_initial(word):
            given.extend(letter for letter in re.split(r"[.\-]", word) if letter)
        else:
            given.extend(part for part in word.replace(".", "").split("-") if part)
    return tuple(given)


def name_evidence(a: PersonName, b: PersonName) -> tuple[float, tuple[str, ...]]:
    """How far the names alone say two people are one, and why.

    Parameters
    ----------
    a, b : PersonName

    Returns
    -------
    (float, tuple of str)
        0 for incompatible names (different surnames, or given names that disagree); else
        0.7 for full given names agreeing, 0.5 for initials only, 0.3 for a surname with
        no given names, +0.05 when a second given name or initial agrees, -0.1 for a
        surname that agrees only up to spelling, -0.1 for names in swapped order.
    """
    score, evidence = _oriented(a, b)
    if score > 0:
        return score, evidence
    # "Tian Haining" / "Петров Иван": one given name and one surname, in the other order.
    for left, right in ((_swapped(a), b), (a, _swapped(b))):
        if left is not None and right is not None:
            score, evidence = _oriented(left, right)
            if score > 0:
                return round(score - SWAPPED_ORDER_PENALTY, 4), (*evidence, "name order swapped")
    return 0.0, ()


def _swapped(name: PersonName | None) -> PersonName | None:
    if name is None or len(name.given) != 1 or len(name.given[0]) < 2:
        return None
    return PersonName(name.given, name.surname)


def _oriented(a: PersonName, b: PersonName) -> tuple[float, tuple[str, ...]]:
    shared = a.surname_words & b.surname_words
    fuzzy = False
    if not shared:
        shared = _similar_words(a.surname_words, b.surname_words)
        fuzzy = True
    if not shared:
        return 0.0, ()
    given_a = [g for g in a.given if g not in b.surname_words]
    given_b = [g for g in b.given if g not in a.surname_words]
    evidence = ["surname spelled alike" if fuzzy else "same surname"]
    if not given_a or not given_b:
        return SURNAME_ONLY - (FUZZY_SURNAME_PENALTY if fuzzy else 0.0), (
            *evidence,
            "no given names to compare",
        )
    agreements: list[str] = []
    for x, y in zip(given_a, given_b, strict=False):
        agreement = _given_agreement(x, y)
        if agreement is None:
            return 0.0, ()
        agreements.append(agreement)
    score = FULL_NAME if agreements[0] == "full" else INITIALS_ONLY
    evidence.append(
        "same given name" if agreements[0] == "full" else "given names agree by initials"
    )
    if len(agreements) > 1:
        score += EXTRA_AGREEMENT
        evidence.append(f"{len(agreements)} given names or initials agree")
    if fuzzy:
        score -= FUZZY_SURNAME_PENALTY
    return round(score, 4), tuple(evidence)


def _given_agreement(x: str, y: str) -> str | None:
    if len(x) > 1 and len(y) > 1:
        same = x == y or fuzz.ratio(fold(x), fold(y)) >= _SPELLING_RATIO
        return "full" if same else None
    return "initial" if x[0] == y[0] or fold(x)[0] == fold(y)[0] else None


def _similar_words(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    return frozenset(
        x
        for x in a
        for y in b
        if len(x) >= 4 and len(y) >= 4 and fuzz.ratio(fold(x), fold(y)) >= _SPELLING_RATIO
    )

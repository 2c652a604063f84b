"""Name normalisation: one comparable form for a name however it was written.

Three levels, each used where it fits:

* :func:`simple_form`: case, accents, punctuation and spacing folded; what "normalised
  exact matching" compares (the benchmark's second baseline);
* :func:`romanised_tokens`: also Cyrillic romanised (:mod:`.transliterate`), dotted
  abbreviations joined ("S.R.L." -> "srl");
* :func:`institution_key`: also legal forms stripped (:mod:`.legal_forms`), words mapped to
  concepts across languages (:mod:`.vocabulary`) and the rest stemmed, so that
  "ФГБОУ ВО «Кемеровский государственный университет»" and "Kemerovo State University"
  have the same key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from matcher.identity.legal_forms import strip_legal_tokens, strip_long_forms
from matcher.identity.transliterate import CyrillicLanguage, strip_accents, to_latin
from matcher.identity.vocabulary import PHRASES, STOPWORDS, concept_of, exonym_of

# A person's initials before a surname ("имени М.В. Ломоносова", "T.F. Gorbachev ..."): the
# dedication is spelled with or without them, so they are dropped.
_INITIALS_BEFORE_NAME: Final = re.compile(r"\b(?:[^\W\d_]\.\s?){1,3}(?=\s*[^\W\d_]{3,})")
_DOTTED_LETTER: Final = re.compile(r"(?<=\b\w)\.(?=\w\b)")
_NOT_WORD: Final = re.compile(r"[^0-9a-z]+")
_SPACES: Final = re.compile(r"\s+")
_POLISH_LLC: Final = re.compile(r"\bsp z o ?o\b")
# Russian adjective endings (romanised) that a place takes in a name, and the "-sk" of the
# place itself: Kemerovskiy <- Kemerovo, Tomskiy <- Tomsk.
_ADJECTIVE_ENDING: Final = re.compile(
    r"(?<=\w\w)(?:skiy|skaya|skoe|skogo|skoy|skikh|skii|skij|sky|ski|sk)$"
)
_VOWELS: Final = "aeiouy"
_MIN_VOWEL_STEM: Final = 6


def simple_form(text: str) -> str:
    """Case, accents, punctuation and spacing folded.

    >>> simple_form("Universität  Wien!")
    'universitat wien'
    """
    folded = strip_accents(unicodedata.normalize("NFKC", text)).casefold()
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", folded)).strip()


def romanised_tokens(text: str, language: CyrillicLanguage | None = None) -> list[str]:
    """The words of ``text`` romanised, lower case, accent-free, punctuation dropped.

    Parameters
    ----------
    text : str
        A name in any script.
    language : {"ru", "kk", "mn"}, optional
        Cyrillic rules (:func:`~matcher.identity.transliterate.to_latin`); guessed by default.

    Returns
    -------
    list of str

    Examples
    --------
    >>> romanised_tokens("ООО «Ромашка»")
    ['ooo', 'romashka']
    >>> romanised_tokens("Software Imagination & Vision S.R.L.")
    ['software', 'imagination', 'vision', 'srl']
    """
    latin = strip_accents(to_latin(unicodedata.normalize("NFKC", text), language)).lower()
    latin = _DOTTED_LETTER.sub("", latin)
    latin = _NOT_WORD.sub(" ", latin)
    latin = _POLISH_LLC.sub("spzoo", latin)
    return latin.split()


def stem(token: str) -> str:
    """A distinctive word's stem: Russian adjective endings and final vowels dropped.

    ``kemerovskiy`` and ``kemerovo`` both give ``kemerov``, ``tomskiy`` and ``tomsk``
    ``tom``, ``altayskiy`` and ``altai`` ``altai``; words under four letters are kept whole.
    """
    if len(token) < 4 or token.isdigit():
        return token
    stemmed = _ADJECTIVE_ENDING.sub("", token)
    # A noun's final vowel (Kemerovo, Karaganda) goes, only from words of 6+ letters and
    # only when no adjective ending went: "MLLI" is not "MLL", "Altayskiy" is "Altay".
    if stemmed == token and len(token) >= _MIN_VOWEL_STEM and stemmed[-1] in _VOWELS:
        stemmed = stemmed[:-1]
    # Altay / Altai, Semey / Semei: a final y and i are one sound in romanised names.
    return stemmed[:-1] + "i" if stemmed.endswith("y") and len(stemmed) > 3 else stemmed


@dataclass(frozen=True)
class InstitutionKey:
    """An institution name in comparable form.

    Attributes
    ----------
    name : str
        The name as given.
    tokens : tuple of str
        Its romanised words, legal forms and stopwords stripped, phrases left as written
        (what acronyms are made from: Монгол Улсын Их Сургууль gives МУИС).
    concepts : frozenset of str
        The generic words, as English concepts (``university``, ``state``...).
    distinctive : tuple of str
        The other words, stemmed, in order (``kemerov``): what tells institutions apart.
    legal_forms : tuple of str
        The legal forms stripped.
    """

    name: str
    tokens: tuple[str, ...]
    concepts: frozenset[str]
    distinctive: tuple[str, ...]
    legal_forms: tuple[str, ...]

    @property
    def text(self) -> str:
        """The key as one string, order-free: concepts then distinctive words, sorted."""
        return " ".join([*sorted(self.concepts), *sorted(self.distinctive)])

    @property
    def distinctive_text(self) -> str:
        """The distinctive words, sorted, as one string."""
        return " ".join(sorted(self.distinctive))


def institution_key(name: str, language: CyrillicLanguage | None = None) -> InstitutionKey:
    """Normalise an institution name for matching.

    Parameters
    ----------
    name : str
        The name in any script, with or without a legal form.
    language : {"ru", "kk", "mn"}, optional
        Cyrillic rules; guessed by default.

    Returns
    -------
    InstitutionKey

    Examples
    --------
    >>> institution_key("ФГБОУ ВО «Кемеровский государственный университет»").text
    'state university kemerov'
    >>> institution_key("Kemerovo State University").text
    'state university kemerov'
    """
    without_initials = _INITIALS_BEFORE_NAME.sub(" ", name)
    if len(without_initials.split()) < 2:
        # "R.E.D. SRL", "R.I. SPA": the initials are the name, not a dedication before one.
        without_initials = name
    text, long_forms = strip_long_forms(" ".join(romanised_tokens(without_initials, language)))
    words, short_forms = strip_legal_tokens(text.split())
    text = " ".join(words)
    for phrase, replacement in PHRASES.items():
        text = re.sub(rf"\b{phrase}\b", replacement, text)
    concepts: set[str] = set()
    distinctive: list[str] = []
    for token in text.split():
        if token in STOPWORDS:
            continue
        concept = concept_of(token)
        if concept is not None:
            concepts.add(concept)
            continue
        distinctive.append(exonym_of(token) or stem(token))
    return InstitutionKey(
        name=name,
        tokens=tuple(word for word in words if word not in STOPWORDS),
        concepts=frozenset(concepts),
        distinctive=tuple(distinctive),
        legal_forms=(*long_forms, *short_forms),
    )

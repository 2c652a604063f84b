"""How alike two institution names are, from their keys (:mod:`.normalise`).

The score in [0, 1] weighs the distinctive words (which tell institutions apart: a city, a
person, a field) against the generic concepts (university, state, medical...):

* the distinctive words are compared with rapidfuzz's token-sort ratio (order-free, tolerant
  of a letter or two: transliteration variants, inflections); when one side's words are all
  in the other's ("Moscow" in "Lomonosov Moscow"), the token-set ratio counts, discounted
  to 0.85 of itself, since "Tomsk State University" is contained in "Tomsk State University
  of Control Systems" too;
* the concepts must agree: the score is multiplied by ``0.5 + 0.5 * Jaccard(concepts)``,
  so "Kemerovo State University" and "Kemerovo State Medical University" score 0.83;
* numbers must agree: "University of Paris 1" and "University of Paris 8", "ORGANISATION 12"
  and "ORGANISATION 120" score 0 (a fuzzy ratio sees one character's difference).
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz

from matcher.identity.normalise import InstitutionKey

SUBSET_DISCOUNT: Final = 0.85
_MIN_PREFIX: Final = 5
_PREFIX_SHARE: Final = 0.8
GENERIC_ONLY_CAP: Final = 0.8  # two names of generic words only ("State University") say little


def concept_agreement(a: InstitutionKey, b: InstitutionKey) -> float:
    """Jaccard similarity of the two names' concepts (1 when neither has any)."""
    union = a.concepts | b.concepts
    return len(a.concepts & b.concepts) / len(union) if union else 1.0


def distinctive_similarity(a: InstitutionKey, b: InstitutionKey) -> float:
    """Similarity of the distinctive words, in [0, 1] (0 when either has none).

    A word that begins like a word of the other name (a shared prefix of five letters or
    more, covering 80% of the shorter) counts as that word: Russian derivations
    ("karagandinskiy" from Karaganda) outrun the stemmer.
    """
    if not a.distinctive or not b.distinctive:
        return 0.0
    first = " ".join(sorted(_aligned(a.distinctive, b.distinctive)))
    second = b.distinctive_text
    ordered = fuzz.token_sort_ratio(first, second) / 100
    contained = fuzz.token_set_ratio(first, second) / 100
    return max(ordered, SUBSET_DISCOUNT * contained)


def _aligned(words: tuple[str, ...], others: tuple[str, ...]) -> list[str]:
    return [next((other for other in others if _same_stem(word, other)), word) for word in words]


def _same_stem(word: str, other: str) -> bool:
    shared = 0
    for x, y in zip(word, other, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= _MIN_PREFIX and shared >= _PREFIX_SHARE * min(len(word), len(other))


def name_similarity(a: InstitutionKey, b: InstitutionKey) -> float:
    """How alike two institution names are, in [0, 1]; 1 for equal keys.

    Parameters
    ----------
    a, b : InstitutionKey

    Returns
    -------
    float

    Examples
    --------
    >>> from matcher.identity.normalise import institution_key as key
    >>> name_similarity(key("Кемеровский государственный университет"),
    ...                 key("Kemerovo State University"))
    1.0
    >>> round(name_similarity(key("Kemerovo State University"),
    ...                       key("Kemerovo State Medical University")), 2)
    0.83
    """
    if a.text == b.text:
        return 1.0 if a.distinctive else min(1.0, GENERIC_ONLY_CAP)
    numbers, other_numbers = _numbers(a), _numbers(b)
    if numbers and other_numbers and numbers != other_numbers:
        return 0.0
    agreement = 0.5 + 0.5 * concept_agreement(a, b)
    if a.distinctive and b.distinctive:
        return distinctive_similarity(a, b) * agreement
    if not a.distinctive and not b.distinctive:
        return GENERIC_ONLY_CAP * concept_agreement(a, b)
    return 0.0


def _numbers(key: InstitutionKey) -> frozenset[str]:
    """The name's words with a digit: numbered institutions differ by them alone."""
    return frozenset(word for word in key.distinctive if any(c.isdigit() for c in word))

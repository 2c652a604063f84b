"""Resolving institution names against a reference list: one id for each institution.

>>> from matcher.identity.reference import ReferenceInstitution
>>> reference = [ReferenceInstitution("kemsu", "Kemerovo State University", "RU"),
...              ReferenceInstitution("tsu", "Tomsk State University", "RU")]
>>> resolver = InstitutionResolver().fit(reference)
>>> [match.reference_id for match in resolver.resolve(
...     ["КемГУ", "Кемеровский государственный университет", "KemSU", "Томский политех"])]
['kemsu', 'kemsu', 'kemsu', None]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from rapidfuzz import fuzz, process

from matcher.identity.acronyms import (
    AcronymKind,
    acronym_form,
    acronym_kinds,
    looks_like_acronym,
    written_with_syllable,
)
from matcher.identity.normalise import InstitutionKey, institution_key
from matcher.identity.reference import ReferenceInstitution
from matcher.identity.similarity import name_similarity

Status = Literal["resolved", "review", "unresolved"]
_Offer = Callable[[int, float, str], None]  # records a candidate: entry, score, why

# Confidence of an acronym match, by where the acronym comes from.
GIVEN_ACRONYM: Final = 0.95  # the reference lists it (ROR acronyms, the dataset's own)
GENERATED_ACRONYM: Final = 0.9  # made from the reference's whole name, country agreeing
WEAKER_ACRONYM: Final = 0.05  # less: no country to agree, or leading words left out
AMBIGUITY_PENALTY: Final = 0.15  # several institutions fit equally well
_CANDIDATE_CUTOFF: Final = 55.0
_STRENGTH: Final[dict[AcronymKind, int]] = {
    "initials": 3,
    "syllabic": 3,
    "tail-initials": 1,
    "tail-syllabic": 1,
}


@dataclass(frozen=True)
class InstitutionMatch:
    """What a name resolved to, how sure, and why.

    Attributes
    ----------
    query : str
        The name as given.
    country : str or None
        The country given with it.
    reference_id, reference_name : str or None
        The institution it resolved to (the best candidate for ``review``), or ``None``.
    confidence : float
        In [0, 1]; ``resolved`` at or above the resolver's ``threshold``, ``review`` at or
        above ``review_threshold``.
    status : {"resolved", "review", "unresolved"}
    evidence : tuple of str
        Why, in words: ``"acronym 'kemgu' of 'Kemerovo State University'"``.
    alternatives : tuple of (str, float)
        Other candidates' ids and confidences, best first (at most three).
    """

    query: str
    country: str | None
    reference_id: str | None
    reference_name: str | None
    confidence: float
    status: Status
    evidence: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass
class _Variant:
    """One name of a reference entry, as indexed."""

    entry: int
    key: InstitutionKey


@dataclass
class _Candidate:
    entry: int
    score: float
    evidence: list[str] = field(default_factory=list)


class InstitutionResolver:
    """Resolve institution names (any script, with legal forms, acronyms) to a reference list.

    A name is compared with every name and alias of the reference after normalisation
    (transliteration, legal forms, concepts across languages: :mod:`.normalise`); an
    acronym ("КемГУ", "KemSU") is looked up among the reference's given acronyms and those
    generated from its names (:mod:`.acronyms`). Candidates come from an exact key index and
    a rapidfuzz search over the distinctive words, within the name's country when given.

    Parameters
    ----------
    threshold : float
        Confidence at or above which a name is ``resolved``.
    review_threshold : float
        Confidence at or above which an unresolved name is listed for ``review``.
    use_acronyms : bool
        Look acronym-shaped names up among acronyms.
    use_fuzzy : bool
        Score near matches; off, only equal keys (and acronyms) match.
    use_country : bool
        Only consider reference entries of the name's country (or of none) when it is given.
    margin : float
        How far ahead of the runner-up the best candidate must be to be resolved.

    Attributes
    ----------
    entries_ : list of ReferenceInstitution
        The reference, as fitted.
    """

    def __init__(
        self,
        threshold: float = 0.9,
        review_threshold: float = 0.75,
        *,
        use_acronyms: bool = True,
        use_fuzzy: bool = True,
        use_country: bool = True,
        margin: float = 0.02,
    ) -> None:
        self.threshold = threshold
        self.review_threshold = review_threshold
        self.use_acronyms = use_acronyms
        self.use_fuzzy = use_fuzzy
        self.use_country = use_country
        self.margin = margin

    def fit(self, reference: Iterable[ReferenceInstitution]) -> InstitutionResolver:
        """Index the reference's names, aliases and acronyms.

        Parameters
        ----------
        reference : iterable of ReferenceInstitution
            E.g. :func:`~matcher.identity.reference.bundled_universities` plus
            :func:`~matcher.identity.reference.from_institutions` of a dataset.

        Returns
        -------
        InstitutionResolver
            ``self``.

        Raises
        ------
        ValueError
            If the thresholds are not ordered in [0, 1].
        """
        if not 0.0 <= self.review_threshold <= self.threshold <= 1.0:
            raise ValueError(
                "expected 0 <= review_threshold <= threshold <= 1, got "
                f"{self.review_threshold} and {self.threshold}"
            )
        self.entries_: list[ReferenceInstitution] = list(reference)
        self.variants_: list[_Variant] = []
        self.by_key_: dict[str, list[int]] = defaultdict(list)
        self.given_acronyms_: dict[str, set[int]] = defaultdict(set)
        self.generated_acronyms_: dict[str, dict[int, AcronymKind]] = defaultdict(dict)
        by_country: dict[str | None, list[int]] = defaultdict(list)
        for index, entry in enumerate(self.entries_):
            for acronym in entry.acronyms:
                self.given_acronyms_[acronym_form(acronym)].add(index)
            for name in entry.names:
                if looks_like_acronym(name):
                    self.given_acronyms_[acronym_form(name)].add(index)
                key = institution_key(name)
                variant = len(self.variants_)
                self.variants_.append(_Variant(index, key))
                self.by_key_[key.text].append(variant)
                by_country[entry.country].append(variant)
                for acronym, kind in acronym_kinds(key).items():
                    known = self.generated_acronyms_[acronym]
                    if index not in known or _STRENGTH[kind] > _STRENGTH[known[index]]:
                        known[index] = kind
        self.country_variants_: dict[str | None, tuple[list[int], list[str]]] = {
            country: (variants, [self.variants_[v].key.distinctive_text for v in variants])
            for country, variants in by_country.items()
        }
        return self

    def resolve(
        self, names: Sequence[str], countries: Sequence[str | None] | None = None
    ) -> list[InstitutionMatch]:
        """Resolve each name (with its country, when known).

        Parameters
        ----------
        names : sequence of str
        countries : sequence of str or None, optional
            ISO alpha-2 codes, one per name.

        Returns
        -------
        list of InstitutionMatch
            One per name, in order.
        """
        if countries is not None and len(countries) != len(names):
            raise ValueError(f"got {len(names)} names but {len(countries)} countries")
        given = countries if countries is not None else [None] * len(names)
        return [self.resolve_one(name, country) for name, country in zip(names, given, strict=True)]

    def resolve_one(self, name: str, country: str | None = None) -> InstitutionMatch:
        """Resolve one name; see :meth:`resolve`."""
        candidates = self._candidates(name, country)
        if not candidates:
            return InstitutionMatch(name, country, None, None, 0.0, "unresolved")
        ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.entry))
        best = ranked[0]
        confidence = best.score
        evidence = list(best.evidence)
        if len(ranked) > 1 and best.score - ranked[1].score < self.margin:
            confidence = max(0.0, confidence - AMBIGUITY_PENALTY)
            evidence.append(
                f"ambiguous: {self.entries_[ranked[1].entry].name!r} fits as well "
                f"({ranked[1].score:.2f})"
            )
        status: Status = (
            "resolved"
            if confidence >= self.threshold
            else "review"
            if confidence >= self.review_threshold
            else "unresolved"
        )
        entry = self.entries_[best.entry]
        shown = status != "unresolved"
        return InstitutionMatch(
            query=name,
            country=country,
            reference_id=entry.id if shown else None,
            reference_name=entry.name if shown else None,
            confidence=round(confidence, 4),
            status=status,
            evidence=tuple(evidence),
            alternatives=tuple((self.entries_[c.entry].id, round(c.score, 4)) for c in ranked[1:4]),
        )

    def candidates(
        self, name: str, country: str | None = None, limit: int = 5
    ) -> list[tuple[ReferenceInstitution, float, tuple[str, ...]]]:
        """The reference entries a name may be, best first, with their scores and evidence.

        Parameters
        ----------
        name : str
        country : str, optional
        limit : int
            At most this many.

        Returns
        -------
        list of (ReferenceInstitution, float, tuple of str)
        """
        ranked = sorted(self._candidates(name, country).values(), key=lambda c: (-c.score, c.entry))
        return [
            (self.entries_[c.entry], round(c.score, 4), tuple(c.evidence)) for c in ranked[:limit]
        ]

    def _country_fits(self, entry: int, country: str | None) -> bool:
        other = self.entries_[entry].country
        return not self.use_country or country is None or other is None or other == country

    def _candidates(self, name: str, country: str | None) -> dict[int, _Candidate]:
        found: dict[int, _Candidate] = {}

        def offer(entry: int, score: float, why: str) -> None:
            if not self._country_fits(entry, country):
                return
            current = found.get(entry)
            if current is None or score > current.score:
                found[entry] = _Candidate(entry, score, [why])

        if self.use_acronyms and looks_like_acronym(name):
            self._acronym_candidates(name, country, offer)
        key = institution_key(name)
        for variant in self.by_key_.get(key.text, []):
            owner = self.variants_[variant].entry
            offer(owner, name_similarity(key, self.variants_[variant].key), "same normalised name")
        if self.use_fuzzy:
            for variant in self._near_variants(key, country):
                other = self.variants_[variant]
                score = name_similarity(key, other.key)
                offer(other.entry, score, f"similar name {other.key.name!r} ({score:.2f})")
        return found

    def _acronym_candidates(self, name: str, country: str | None, offer: _Offer) -> None:
        form = acronym_form(name)
        given = {e for e in self.given_acronyms_.get(form, ()) if self._country_fits(e, country)}
        for entry in given:
            offer(
                entry, GIVEN_ACRONYM, f"acronym {form!r} listed for {self.entries_[entry].name!r}"
            )
        syllable = written_with_syllable(name)
        for entry, kind in self.generated_acronyms_.get(form, {}).items():
            if entry in given or not self._country_fits(entry, country):
                continue
            if kind.endswith("syllabic") and not syllable:
                continue  # "GRAB" is four initials, not Gra(nds) B(arrages)
            confidence = GENERATED_ACRONYM
            confidence -= WEAKER_ACRONYM if country is None else 0.0
            confidence -= WEAKER_ACRONYM if kind.startswith("tail") else 0.0
            offer(entry, confidence, f"acronym {form!r} of {self.entries_[entry].name!r}")

    def _near_variants(self, key: InstitutionKey, country: str | None) -> list[int]:
        query = key.distinctive_text
        if not query:
            return []
        groups = (
            [country, None]
            if self.use_country and country is not None
            else list(self.country_variants_)
        )
        near: list[int] = []
        for group in groups:
            if group not in self.country_variants_:
                continue
            variants, choices = self.country_variants_[group]
            for _, _, position in process.extract(
                query,
                choices,
                scorer=fuzz.WRatio,
                limit=10,
                score_cutoff=_CANDIDATE_CUTOFF,
            ):
                near.append(variants[position])
        return near

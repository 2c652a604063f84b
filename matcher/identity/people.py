"""Merging people: by ORCID when both have one, otherwise by name variant, institution and
co-authors, with a confidence; uncertain pairs go to a review list, not into a merge.

Evidence and its weight (the confidence is clipped to [0, 1]):

* ORCID: the same iD is certain (1.0); two different iDs are two people (0.0), whatever
  the names say;
* the name (:func:`~matcher.identity.person_names.name_evidence`): 0.7 for agreeing full
  given names, 0.5 for initials only, nothing for incompatible names;
* the institution: +0.2 when both name the same one (after institution resolution), -0.2
  when they name different ones;
* the country: -0.2 when both are known and differ;
* co-authors: +0.1 per co-author the two share (by name variant), at most +0.3.

A pair at or above ``threshold`` (0.8) is merged; at or above ``review_threshold`` (0.5)
it is listed for review. So "Ivan Petrov" twice, alone, is for review; with the same
institution, or one shared co-author, it is merged; "I. Petrov" and "Ivan Petrov" need both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Final, Literal

from matcher.identity.person_names import PersonName, fold, name_evidence, parse_person_name

SAME_INSTITUTION: Final = 0.2
OTHER_INSTITUTION: Final = -0.2
OTHER_COUNTRY: Final = -0.2
PER_SHARED_COAUTHOR: Final = 0.1
MAX_COAUTHOR_BONUS: Final = 0.3
_ORCID: Final = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])")

Decision = Literal["merge", "review", "distinct"]


def normalise_orcid(value: str) -> str | None:
    """The bare ``0000-0002-1825-0097`` form of an ORCID iD (URL or not), or ``None``.

    Examples
    --------
    >>> normalise_orcid("https://orcid.org/0000-0002-1825-0097")
    '0000-0002-1825-0097'
    >>> normalise_orcid("not an orcid") is None
    True
    """
    match = _ORCID.search(value.strip().upper())
    return "-".join(match.groups()) if match else None


@dataclass(frozen=True)
class PersonRecord:
    """What the resolver knows of one person record.

    Attributes
    ----------
    id : str
    name : str
        As written, in any script and order.
    orcid : str or None
        Any form :func:`normalise_orcid` reads.
    institution : str or None
        An institution id, already resolved to one id per institution.
    country : str or None
    coauthors : tuple of str
        Names of people this one has published or worked with.
    aliases : tuple of str
        Other names the person is known by (an ORCID record's other names, OpenAlex's
        alternatives): a pair is judged by the best-agreeing of all its names.
    """

    id: str
    name: str
    orcid: str | None = None
    institution: str | None = None
    country: str | None = None
    coauthors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonMatch:
    """The verdict on a pair of records: merge, review or distinct, with confidence and why."""

    first: str
    second: str
    confidence: float
    decision: Decision
    evidence: tuple[str, ...] = ()


@dataclass
class _Prepared:
    record: PersonRecord
    name: PersonName
    orcid: str | None
    coauthor_keys: frozenset[str] = field(default_factory=frozenset)
    #: Other names as written and parsed (none that parses as the name itself).
    aliases: tuple[tuple[str, PersonName], ...] = ()

    @property
    def names(self) -> tuple[PersonName, ...]:
        return (self.name, *(parsed for _, parsed in self.aliases))


class PersonResolver:
    """Find the records that are one person, and those that may be.

    Candidate pairs share a blocking key (a surname word and the first initial, in either
    name order) or an ORCID; each pair is scored (see the module's docstring) and pairs
    are merged from the most confident down, never joining two different ORCIDs.

    Parameters
    ----------
    threshold : float
        Confidence at or above which two records are merged.
    review_threshold : float
        Confidence at or above which a pair not merged is listed for review.
    use_institution, use_coauthors : bool
        Whether those kinds of evidence count (for ablations).
    max_block : int
        The most records one blocking key pairs with each other. A key shared by more (a
        very common name: ``wang|w`` among 100,000 Chinese researchers) would make millions
        of pairs; its records are paired only within one institution, and those without an
        institution are not paired by it (counted in ``crowded_blocks_``).

    Attributes
    ----------
    clusters_ : list of list of str
        Record ids that are one person, each list in input order; singletons included.
    canonical_ : dict of str to str
        Each record id to its cluster's first id.
    merges_ : list of PersonMatch
        The pairs that joined clusters, most confident first.
    review_ : list of PersonMatch
        Pairs listed for review: in the review band, or above the threshold but kept apart
        (their clusters hold different ORCIDs).
    crowded_blocks_ : dict of str to int
        The blocking keys over ``max_block`` records, with their sizes.
    """

    def __init__(
        self,
        threshold: float = 0.8,
        review_threshold: float = 0.5,
        *,
        use_institution: bool = True,
        use_coauthors: bool = True,
        max_block: int = 1000,
    ) -> None:
        self.threshold = threshold
        self.review_threshold = review_threshold
        self.use_institution = use_institution
        self.use_coauthors = use_coauthors
        self.max_block = max_block

    def compare(self, first: PersonRecord, second: PersonRecord) -> PersonMatch:
        """Score one pair of records.

        Parameters
        ----------
        first, second : PersonRecord

        Returns
        -------
        PersonMatch
        """
        return self._compare(self._prepare(first), self._prepare(second))

    def fit(self, records: Iterable[PersonRecord]) -> PersonResolver:
        """Cluster ``records`` into people.

        Parameters
        ----------
        records : iterable of PersonRecord
            Ids must be unique.

        Returns
        -------
        PersonResolver
            ``self``.

        Raises
        ------
        ValueError
            If the thresholds are not ordered in [0, 1], or an id repeats.
        """
        if not 0.0 <= self.review_threshold <= self.threshold <= 1.0:
            raise ValueError(
                "expected 0 <= review_threshold <= threshold <= 1, got "
                f"{self.review_threshold} and {self.threshold}"
            )
        prepared = [self._prepare(record) for record in records]
        position = {item.record.id: index for index, item in enumerate(prepared)}
        if len(position) != len(prepared):
            raise ValueError("person record ids must be unique")
        scored = [self._compare(prepared[i], prepared[j]) for i, j in sorted(self._pairs(prepared))]
        scored.sort(key=lambda match: (-match.confidence, position[match.first]))
        parent = list(range(len(prepared)))
        orcids: list[set[str]] = [{item.orcid} if item.orcid else set() for item in prepared]

        def root(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        self.merges_: list[PersonMatch] = []
        self.review_: list[PersonMatch] = []
        for match in scored:
            if match.decision == "distinct":
                continue
            a, b = root(position[match.first]), root(position[match.second])
            if a == b:
                continue
            if match.decision == "review":
                self.review_.append(match)
            elif len(orcids[a] | orcids[b]) > 1:
                self.review_.append(
                    PersonMatch(
                        match.first,
                        match.second,
                        match.confidence,
                        "review",
                        (*match.evidence, "not merged: the records' groups hold different ORCIDs"),
                    )
                )
            else:
                keep, drop = min(a, b), max(a, b)
                parent[drop] = keep
                orcids[keep] |= orcids[drop]
                self.merges_.append(match)
        self.review_ = _one_per_cluster_pair(self.review_, lambda i: root(position[i]))
        groups: dict[int, list[str]] = defaultdict(list)
        for index, item in enumerate(prepared):
            groups[root(index)].append(item.record.id)
        self.clusters_ = [groups[key] for key in sorted(groups)]
        self.canonical_ = {member: cluster[0] for cluster in self.clusters_ for member in cluster}
        return self

    def _pairs(self, prepared: Sequence[_Prepared]) -> set[tuple[int, int]]:
        """Pairs sharing an ORCID or a blocking key (a surname word with a first initial)."""
        blocks: dict[str, list[int]] = defaultdict(list)
        for index, item in enumerate(prepared):
            for key in _blocking_keys(item):
                blocks[key].append(index)
        pairs: set[tuple[int, int]] = set()
        self.crowded_blocks_: dict[str, int] = {}
        for key, members in blocks.items():
            if len(members) <= self.max_block:
                pairs.update(combinations(members, 2))
                continue
            self.crowded_blocks_[key] = len(members)
            by_place: dict[str, list[int]] = defaultdict(list)
            for index in members:
                place = prepared[index].record.institution
                if place is not None:
                    by_place[place].append(index)
            for group in by_place.values():
                if len(group) <= self.max_block:
                    pairs.update(combinations(group, 2))
        return pairs

    def _prepare(self, record: PersonRecord) -> _Prepared:
        name = parse_person_name(record.name)
        aliases = [(alias, parse_person_name(alias)) for alias in dict.fromkeys(record.aliases)]
        return _Prepared(
            record=record,
            name=name,
            orcid=normalise_orcid(record.orcid) if record.orcid else None,
            coauthor_keys=frozenset(
                key for key in (parse_person_name(name).key for name in record.coauthors) if key
            ),
            aliases=tuple(
                (text, parsed) for text, parsed in aliases if parsed.surname and parsed != name
            ),
        )

    def _compare(self, a: _Prepared, b: _Prepared) -> PersonMatch:
        first, second = a.record, b.record
        if a.orcid and b.orcid:
            if a.orcid == b.orcid:
                return PersonMatch(first.id, second.id, 1.0, "merge", (f"same ORCID {a.orcid}",))
            return PersonMatch(first.id, second.id, 0.0, "distinct", ("different ORCIDs",))
        score, evidence = _best_name_evidence(a, b)
        if score <= 0:
            return PersonMatch(first.id, second.id, 0.0, "distinct", ("names disagree",))
        if self.use_institution and first.institution and second.institution:
            same = first.institution == second.institution
            score += SAME_INSTITUTION if same else OTHER_INSTITUTION
            evidence.append(
                f"same institution {first.institution!r}"
                if same
                else f"different institutions ({first.institution!r}, {second.institution!r})"
            )
        if first.country and second.country and first.country != second.country:
            score += OTHER_COUNTRY
            evidence.append(f"different countries ({first.country}, {second.country})")
        if self.use_coauthors:
            own = {name.key for name in (*a.names, *b.names)}
            shared = sorted((a.coauthor_keys & b.coauthor_keys) - own)
            if shared:
                score += min(MAX_COAUTHOR_BONUS, PER_SHARED_COAUTHOR * len(shared))
                evidence.append(f"{len(shared)} shared co-author(s)")
        confidence = round(min(1.0, max(0.0, score)), 4)
        return PersonMatch(
            first.id, second.id, confidence, self._decide(confidence), tuple(evidence)
        )

    def _decide(self, confidence: float) -> Decision:
        if confidence >= self.threshold:
            return "merge"
        if confidence >= self.review_threshold:
            return "review"
        return "distinct"


def _best_name_evidence(a: _Prepared, b: _Prepared) -> tuple[float, list[str]]:
    """The name evidence of the best-agreeing pair of the two records' names (own names first,
    so that an alias only counts when it agrees better)."""
    best, why = name_evidence(a.name, b.name)
    evidence = list(why)
    left_names = [(a.record.name, a.name), *a.aliases]
    right_names = [(b.record.name, b.name), *b.aliases]
    for left_text, left in left_names:
        for right_text, right in right_names:
            score, reasons = name_evidence(left, right)
            if score > best:
                best = score
                evidence = [*reasons, f"other name: {left_text!r} ~ {right_text!r}"]
    return best, evidence


def _one_per_cluster_pair(
    matches: list[PersonMatch], cluster: Callable[[str], int]
) -> list[PersonMatch]:
    """The most confident pair for each two clusters still apart (input is best first)."""
    seen: set[tuple[int, int]] = set()
    kept: list[PersonMatch] = []
    for match in matches:
        a, b = sorted((cluster(match.first), cluster(match.second)))
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            kept.append(match)
    return kept


def _blocking_keys(item: _Prepared) -> set[str]:
    keys = {f"orcid:{item.orcid}"} if item.orcid else set()
    for name in item.names:
        initials = {word[0] for word in name.given[:1]} | {word[0] for word in name.surname[:1]}
        words = set(name.surname_words) | {w for w in name.given[:1] if len(w) > 1}
        for word in words:
            for initial in initials:
                keys.add(f"{fold(word)}|{initial}")
    return keys

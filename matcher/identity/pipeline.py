"""One identity per institution and person, over the engine's records.

:func:`resolve_identities` is what an import pipeline calls after reading its sources:
institutions that are one (by name, alias, acronym, or by resolving to the same entry of
the reference list) are merged, profiles that are one person (ORCID, or name variant plus
institution plus co-authors) or one organisation are merged, and every reference to a
merged id is rewritten. Nothing uncertain is merged: it is listed in the report's review
list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from matcher.identity.acronyms import looks_like_acronym
from matcher.identity.institutions import InstitutionResolver
from matcher.identity.normalise import simple_form
from matcher.identity.people import PersonRecord, PersonResolver, normalise_orcid
from matcher.identity.reference import (
    ReferenceInstitution,
    bundled_universities,
    from_institutions,
)
from matcher.identity.report import IdentityReport, Kind, Merge, ReviewItem
from matcher.model import Institution, Office, Profile

_T = TypeVar("_T")


#: How :class:`InstitutionResolver` words a link made by fuzzy similarity alone.
FUZZY_EVIDENCE = "similar name "


@dataclass(frozen=True)
class _Link:
    first: int
    second: int
    confidence: float
    evidence: tuple[str, ...]
    #: False for a link between two records of the dataset made by fuzzy similarity alone:
    #: such a link is listed for review, never merged. On CORDIS's 18,353 organisations
    #: most of them were different ones ("THALES DIS FRANCE" / "THALES DMS FRANCE",
    #: "MOA BIOTECH" / "KOA BIOTECH"); the reference, curated and distinct, keeps them.
    mergeable: bool = True


def resolve_identities(
    profiles: Sequence[Profile],
    institutions: Sequence[Institution] = (),
    *,
    reference: Iterable[ReferenceInstitution] | None = None,
    institution_threshold: float = 0.9,
    institution_review_threshold: float = 0.75,
    person_threshold: float = 0.8,
    person_review_threshold: float = 0.5,
) -> tuple[list[Profile], list[Institution], IdentityReport]:
    """Merge the records that are one institution or one person.

    Parameters
    ----------
    profiles : sequence of Profile
        Researchers and organisations; a researcher's ORCID is read from its extra field
        ``orcid`` (any form: bare, or the ``https://orcid.org/`` URL), its other names from
        ``aliases`` (a list of names, as the importers write them).
    institutions : sequence of Institution
        May be empty: a profile's ``institution`` is then free text, and spellings of one
        institution are rewritten to one.
    reference : iterable of ReferenceInstitution, optional
        What institutions are resolved against; by default the bundled world-universities
        list (:func:`~matcher.identity.reference.bundled_universities`). Pass ``[]`` for
        none, or add a ROR dump (:func:`~matcher.identity.reference.load_ror`).
    institution_threshold, institution_review_threshold : float
        See :class:`~matcher.identity.institutions.InstitutionResolver`.
    person_threshold, person_review_threshold : float
        See :class:`~matcher.identity.people.PersonResolver`.

    Returns
    -------
    (list of Profile, list of Institution, IdentityReport)
        The records after merging, in input order (a merged group at its first record's
        place), and what was done.
    """
    report = IdentityReport()
    if reference is None:
        reference_resolver: InstitutionResolver | None = _bundled_resolver(
            institution_threshold, institution_review_threshold
        )
    else:
        reference_list = list(reference)
        reference_resolver = (
            InstitutionResolver(institution_threshold, institution_review_threshold).fit(
                reference_list
            )
            if reference_list
            else None
        )

    def resolver() -> InstitutionResolver:
        return InstitutionResolver(institution_threshold, institution_review_threshold)

    new_institutions = list(institutions)
    if institutions:
        new_institutions, report.institution_ids = _merge_institutions(
            institutions, resolver, reference_resolver, report
        )
        remap_institution: Callable[[str], str] = lambda value: report.institution_ids.get(  # noqa: E731
            value, value
        )
    else:
        free_text = _free_text_institutions(profiles, resolver, reference_resolver, report)
        report.institution_ids = free_text
        remap_institution = lambda value: free_text.get(value, value)  # noqa: E731

    profiles = [
        profile.model_copy(update={"institution": remap_institution(profile.institution)})
        if profile.institution is not None
        and remap_institution(profile.institution) != profile.institution
        else profile
        for profile in profiles
    ]
    merged_profiles = _merge_profiles(
        profiles, resolver, person_threshold, person_review_threshold, report
    )
    report.counts = {
        "institutions_in": len(institutions),
        "institutions_out": len(new_institutions),
        "profiles_in": len(profiles),
        "profiles_out": len(merged_profiles),
    }
    return merged_profiles, new_institutions, report


@lru_cache(maxsize=2)
def _bundled_resolver(threshold: float, review_threshold: float) -> InstitutionResolver:
    """The resolver over the bundled list, fitted once per process (a second or two): an
    import service resolves every upload against it. Queries do not change a fitted resolver."""
    return InstitutionResolver(threshold, review_threshold).fit(bundled_universities())


def remap_offices(offices: Sequence[Office], report: IdentityReport) -> list[Office]:
    """Offices with their ``partner_institutions`` rewritten to the merged institution ids.

    Parameters
    ----------
    offices : sequence of Office
    report : IdentityReport
        From :func:`resolve_identities`.

    Returns
    -------
    list of Office
    """
    return [
        office.model_copy(
            update={
                "partner_institutions": _unique(
                    report.institution_ids.get(i, i) for i in office.partner_institutions
                )
            }
        )
        for office in offices
    ]


# -- institutions -----------------------------------------------------------------------


def _cluster(
    entries: Sequence[ReferenceInstitution],
    make_resolver: Callable[[], InstitutionResolver],
    reference_resolver: InstitutionResolver | None,
    kind: Kind,
    report: IdentityReport,
) -> tuple[list[list[int]], dict[int, str], dict[int, list[_Link]]]:
    """Group entries that are one institution: among themselves and via the reference.

    Returns the groups (indices in input order), each entry's reference link, and the links
    that joined each group (by its first index). Review items go into ``report``.
    """
    own = make_resolver().fit(entries)
    position = {id(entry): index for index, entry in enumerate(entries)}
    links: dict[tuple[int, int], _Link] = {}

    def offer(
        a: int, b: int, confidence: float, evidence: tuple[str, ...], mergeable: bool = True
    ) -> None:
        pair = (min(a, b), max(a, b))
        known = links.get(pair)
        # A mergeable link wins over a fuzzy one; among equals, the more confident.
        if known is None or (mergeable, confidence) > (known.mergeable, known.confidence):
            links[pair] = _Link(pair[0], pair[1], confidence, evidence, mergeable)

    for index, entry in enumerate(entries):
        for name in dict.fromkeys((*entry.names, *entry.acronyms)):
            for other, score, evidence in own.candidates(name, entry.country):
                other_index = position[id(other)]
                if other_index != index and score >= own.review_threshold:
                    fuzzy = all(why.startswith(FUZZY_EVIDENCE) for why in evidence)
                    offer(index, other_index, score, evidence, mergeable=not fuzzy)
    linked: dict[int, str] = {}
    if reference_resolver is not None:
        by_reference: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        for index, entry in enumerate(entries):
            match = max(
                (reference_resolver.resolve_one(name, entry.country) for name in entry.names),
                key=lambda m: m.confidence,
            )
            if match.status == "resolved" and match.reference_id is not None:
                linked[index] = match.reference_id
                by_reference[match.reference_id].append(
                    (index, match.confidence, match.reference_name or "")
                )
        for reference_id, resolved in by_reference.items():
            first, first_confidence, reference_name = resolved[0]
            for second, confidence, _ in resolved[1:]:
                offer(
                    first,
                    second,
                    min(first_confidence, confidence),
                    (f"both resolve to {reference_name!r} ({reference_id})",),
                )
    parent = list(range(len(entries)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    joined: dict[int, list[_Link]] = defaultdict(list)
    pending: list[_Link] = []
    for link in sorted(
        links.values(), key=lambda item: (-item.confidence, item.first, item.second)
    ):
        a, b = root(link.first), root(link.second)
        if a == b:
            continue
        if link.confidence >= own.threshold and link.mergeable:
            keep, drop = min(a, b), max(a, b)
            parent[drop] = keep
            joined[keep].extend([*joined.pop(drop, []), link])
        else:
            pending.append(link)
    seen: set[tuple[int, int]] = set()
    for link in pending:
        a, b = sorted((root(link.first), root(link.second)))
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            report.review.append(
                ReviewItem(
                    kind,
                    entries[link.first].id,
                    entries[link.first].name,
                    entries[link.second].id,
                    entries[link.second].name,
                    link.confidence,
                    link.evidence,
                )
            )
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(entries)):
        groups[root(index)].append(index)
    return [groups[key] for key in sorted(groups)], linked, joined


def _merge_institutions(
    institutions: Sequence[Institution],
    make_resolver: Callable[[], InstitutionResolver],
    reference_resolver: InstitutionResolver | None,
    report: IdentityReport,
) -> tuple[list[Institution], dict[str, str]]:
    entries = from_institutions(institutions)
    groups, linked, joined = _cluster(
        entries, make_resolver, reference_resolver, "institution", report
    )
    id_map = {
        institutions[index].id: institutions[group[0]].id for group in groups for index in group[1:]
    }
    merged: list[Institution] = []
    for group in groups:
        members = [institutions[index] for index in group]
        names = _unique(name for index in group for name in entries[index].names)
        display = next((name for name in names if not looks_like_acronym(name)), names[0])
        kept = members[0]
        extra: dict[str, Any] = dict(kept.model_extra or {})
        aliases = [name for name in names if name != display]
        if aliases:
            extra["aliases"] = aliases
        links = [linked[index] for index in group if index in linked]
        if links:
            extra["reference_id"] = links[0]
            report.reference_links[kept.id] = links[0]
        if len(members) > 1:
            extra["merged_ids"] = [member.id for member in members[1:]]
            report.merges.append(
                _merge_entry("institution", kept.id, members, names, joined[group[0]])
            )
        data = kept.model_dump(exclude_none=True) | extra
        data.update(
            name=display,
            consortia=_unique(c for member in members for c in member.consortia),
            agreements=[
                agreement
                for agreement in _unique(
                    id_map.get(a, a) for member in members for a in member.agreements
                )
                if agreement != kept.id
            ],
        )
        merged.append(Institution.model_validate(data))
    return merged, id_map


def _merge_entry(
    kind: Kind,
    kept: str,
    members: Sequence[Institution | Profile],
    names: Sequence[str],
    links: Sequence[_Link],
) -> Merge:
    return Merge(
        kind=kind,
        kept=kept,
        merged=tuple(member.id for member in members[1:]),
        names=tuple(names),
        confidence=min((link.confidence for link in links), default=1.0),
        evidence=tuple(why for link in links for why in link.evidence),
    )


def _free_text_institutions(
    profiles: Sequence[Profile],
    make_resolver: Callable[[], InstitutionResolver],
    reference_resolver: InstitutionResolver | None,
    report: IdentityReport,
) -> dict[str, str]:
    """Without an institutions file: one spelling for each institution profiles name."""
    countries: dict[str, Counter[str | None]] = defaultdict(Counter)
    for profile in profiles:
        if profile.institution is not None:
            countries[profile.institution][profile.country] += 1
    names = list(countries)
    entries = [
        ReferenceInstitution(name, name, countries[name].most_common(1)[0][0], source="profiles")
        for name in names
    ]
    groups, linked, _ = _cluster(entries, make_resolver, reference_resolver, "institution", report)
    mapping: dict[str, str] = {}
    for group in groups:
        spellings = [names[index] for index in group]
        kept = next((s for s in spellings if not looks_like_acronym(s)), spellings[0])
        for index in group:
            if index in linked:
                report.reference_links.setdefault(kept, linked[index])
        for spelling in spellings:
            if spelling != kept:
                mapping[spelling] = kept
        if len(spellings) > 1:
            report.merges.append(
                Merge(
                    "institution",
                    kept,
                    tuple(s for s in spellings if s != kept),
                    tuple(spellings),
                    1.0,
                    ("free-text institution spellings of one institution",),
                )
            )
    return mapping


# -- profiles ---------------------------------------------------------------------------


def _merge_profiles(
    profiles: Sequence[Profile],
    make_resolver: Callable[[], InstitutionResolver],
    threshold: float,
    review_threshold: float,
    report: IdentityReport,
) -> list[Profile]:
    by_id = {profile.id: profile for profile in profiles}
    researchers = [p for p in profiles if p.kind == "researcher"]
    organisations = [p for p in profiles if p.kind == "organization"]
    people = PersonResolver(threshold, review_threshold).fit(
        _person_record(profile, by_id) for profile in researchers
    )
    groups: list[list[str]] = [list(cluster) for cluster in people.clusters_]
    if people.crowded_blocks_:
        key, size = max(people.crowded_blocks_.items(), key=lambda item: item[1])
        report.notes.append(
            f"{len(people.crowded_blocks_):,} very common name(s) (e.g. {key!r}: {size:,} "
            f"records) compared only within one institution; records without one are not "
            "compared by them"
        )
    names = {profile.id: profile.name for profile in profiles}
    for match in people.review_:
        report.review.append(
            ReviewItem(
                "profile",
                match.first,
                names[match.first],
                match.second,
                names[match.second],
                match.confidence,
                match.evidence,
            )
        )
    person_links: dict[str, list[str]] = defaultdict(list)
    person_confidence: dict[str, float] = {}
    for match in people.merges_:
        kept = people.canonical_[match.first]
        person_links[kept].extend(match.evidence)
        person_confidence[kept] = min(person_confidence.get(kept, 1.0), match.confidence)
    if organisations:
        entries = [
            ReferenceInstitution(p.id, p.name, p.country, source="profiles") for p in organisations
        ]
        org_groups, _, joined = _cluster(entries, make_resolver, None, "profile", report)
        for org_group in org_groups:
            ids = [organisations[index].id for index in org_group]
            groups.append(ids)
            if len(ids) > 1:
                links = joined[org_group[0]]
                person_links[ids[0]].extend(why for link in links for why in link.evidence)
                person_confidence[ids[0]] = min(link.confidence for link in links)
    order = {profile.id: index for index, profile in enumerate(profiles)}
    groups.sort(key=lambda ids: order[ids[0]])
    id_map = {member: ids[0] for ids in groups for member in ids[1:]}
    report.profile_ids = id_map
    merged: list[Profile] = []
    for ids in groups:
        members = [by_id[member] for member in ids]
        if len(members) > 1:
            report.merges.append(
                Merge(
                    "profile",
                    ids[0],
                    tuple(ids[1:]),
                    tuple(_unique(m.name for m in members)),
                    person_confidence.get(ids[0], 1.0),
                    tuple(_unique(person_links[ids[0]])),
                )
            )
        merged.append(_merged_profile(members, id_map))
    return merged


def _person_record(profile: Profile, by_id: dict[str, Profile]) -> PersonRecord:
    extra = profile.model_extra or {}
    orcid = extra.get("orcid")
    aliases = extra.get("aliases")
    coauthor_ids = [*profile.collaborators, *(c for p in profile.publications for c in p.coauthors)]
    return PersonRecord(
        id=profile.id,
        name=profile.name,
        orcid=normalise_orcid(orcid) if isinstance(orcid, str) else None,
        institution=profile.institution,
        country=profile.country,
        coauthors=tuple(_unique(by_id[c].name for c in coauthor_ids if c in by_id)),
        aliases=tuple(a for a in aliases if isinstance(a, str))
        if isinstance(aliases, list)
        else (),
    )


def _merged_profile(members: Sequence[Profile], id_map: dict[str, str]) -> Profile:
    kept = members[0]
    data = kept.model_dump(exclude_none=True)
    for other in members[1:]:
        for field_name, value in other.model_dump(exclude_none=True).items():
            if data.get(field_name) in (None, "", []) and value not in (None, "", []):
                data[field_name] = value
    seen_titles: set[tuple[str, int | None]] = set()
    publications: list[dict[str, Any]] = []
    for member in members:
        for publication in member.publications:
            title_key = (simple_form(publication.title), publication.year)
            if title_key not in seen_titles:
                seen_titles.add(title_key)
                publications.append(publication.model_dump(exclude_none=True))

    def remap(ids: Iterable[str]) -> list[str]:
        return [id_map.get(i, i) for i in ids if id_map.get(i, i) != kept.id]

    for dumped in publications:
        dumped["coauthors"] = _unique(remap(dumped.get("coauthors", [])))
    data.update(
        languages=_unique(lang for m in members for lang in m.languages),
        keywords=_unique_folded(k for m in members for k in m.keywords),
        publications=publications,
        collaborators=remap(c for m in members for c in m.collaborators),
        conflicts=_unique(remap(c for m in members for c in m.conflicts)),
        capacity=max(m.capacity for m in members),
    )
    if len(members) > 1:
        data["merged_ids"] = [
            merged
            for merged in _unique(
                merged for m in members for merged in (*_extra_list(m, "merged_ids"), m.id)
            )
            if merged != kept.id
        ]
        # Every name of the group, and the names each member was already known by.
        aliases = [
            name
            for name in _unique(n for m in members for n in (m.name, *_extra_list(m, "aliases")))
            if name != kept.name
        ]
        if aliases:
            data["aliases"] = aliases
    return Profile.model_validate(data)


def _extra_list(record: Profile, name: str) -> list[str]:
    value = (record.model_extra or {}).get(name)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def _unique_folded(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept

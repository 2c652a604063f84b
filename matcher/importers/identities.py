"""One identity per person and institution: the single place where imported records are
merged before they are written.

:func:`resolve_identities` is the hook of the import pipeline for entity resolution. First,
records with the **same id** are merged (one record read from two files, or a spreadsheet's
two rows of one person: the interchange files need unique ids). Then
:func:`matcher.identity.resolve_identities` runs: institutions are merged by name, alias,
acronym and transliteration, among the import's own and against a reference list (the
bundled world-universities list and/or a ROR dump); people by ORCID, else by name variant
(their ``aliases`` too) plus institution plus co-authors; uncertain pairs are listed for
review, not merged. Every reference to a merged-away id then names the survivor.

With ``IdentityOptions(resolve=False)`` (``grantmatch import --no-resolve``) only exact
duplicates are merged: the same id, the same ORCID iD, the same normalised name at the same
institution (a name alone is never enough); institutions with the same id or the same
normalised name in the same country.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from matcher.identity import IdentityReport as Resolution
from matcher.identity import Merge, ReferenceInstitution, ReviewItem, bundled_universities
from matcher.identity import resolve_identities as resolve_entities
from matcher.importers.base import ImportedRecords
from matcher.model import Institution, Profile
from matcher.names import name_key

#: What :func:`resolve_identities` does, as the import summary says it.
RESOLVER = (
    "matcher.identity (institutions by name, acronym, transliteration and the reference; "
    "people by ORCID, else name variant + institution + co-authors)"
)
EXACT_ONLY = "exact duplicates only (same id, same ORCID, same normalised name and institution)"

Record = TypeVar("Record", Profile, Institution)


@dataclass(frozen=True)
class IdentityOptions:
    """How an import resolves identities.

    Attributes
    ----------
    resolve : bool
        Run :mod:`matcher.identity`; off, only exact duplicates are merged.
    bundled : bool
        Resolve institutions against the bundled world-universities list too.
    reference : tuple of ReferenceInstitution
        More reference entries (a ROR dump, :func:`matcher.identity.load_ror`).
    """

    resolve: bool = True
    bundled: bool = True
    reference: tuple[ReferenceInstitution, ...] = ()

    def reference_list(self) -> list[ReferenceInstitution] | None:
        """What to pass as ``reference``: ``None`` for the bundled list alone (its fitted
        resolver is cached), else the entries."""
        if self.bundled and not self.reference:
            return None
        return [*(bundled_universities() if self.bundled else []), *self.reference]


@dataclass
class IdentityReport:
    """What :func:`resolve_identities` merged: ``(kind, reason) -> records merged away``.

    Attributes
    ----------
    resolver : str
        What ran, in words.
    merged : dict of (str, str) to int
        Records merged away by kind and reason (institution spellings of free-text
        institutions count as ``institution name``).
    resolution : matcher.identity.IdentityReport or None
        The resolver's own report (each merge's confidence and evidence, the pairs left
        for review); ``None`` when it did not run.
    """

    resolver: str = RESOLVER
    merged: dict[tuple[str, str], int] = field(default_factory=dict)
    resolution: Resolution | None = None

    @property
    def review(self) -> list[ReviewItem]:
        """The pairs that may be one but were not merged (empty when the resolver did not run)."""
        return list(self.resolution.review) if self.resolution is not None else []


def resolve_identities(
    records: ImportedRecords, options: IdentityOptions | None = None
) -> tuple[ImportedRecords, IdentityReport]:
    """Merge the records that stand for one person or one institution.

    Parameters
    ----------
    records : ImportedRecords
        What an importer made.
    options : IdentityOptions, optional
        Whether to run :mod:`matcher.identity`, and against which reference; by default it
        runs, against the bundled world-universities list.

    Returns
    -------
    records : ImportedRecords
        The records with each group merged into its first record (its fields win; empty
        ones are filled from the others; lists are united), and every reference to a
        merged-away id (a profile's institution, collaborators, conflicts, coauthors, an
        institution's agreements) pointed at the survivor.
    report : IdentityReport
        How many records were merged, by kind and reason, and what is left for review.
    """
    options = options or IdentityOptions()
    report = IdentityReport(resolver=RESOLVER if options.resolve else EXACT_ONLY)
    institution_keys: list[tuple[str, Callable[[Institution], Hashable]]] = [
        ("same id", lambda record: record.id)
    ]
    profile_keys: list[tuple[str, Callable[[Profile], Hashable]]] = [
        ("same id", lambda record: record.id)
    ]
    if not options.resolve:
        institution_keys.append(
            ("same name and country", lambda record: (name_key(record.name), record.country))
        )
        profile_keys[:0] = [
            ("same ORCID", _orcid_key),
            ("same name and institution", _name_institution_key),
        ]
    institutions, institution_ids = _merge_all(
        records.institutions, institution_keys, _merge_institutions, "institution", report
    )
    profiles = [_renamed_institution(profile, institution_ids) for profile in records.profiles]
    profiles, profile_ids = _merge_all(profiles, profile_keys, _merge_profiles, "profile", report)
    if profile_ids:
        profiles = [_renamed_profiles(profile, profile_ids) for profile in profiles]
    if institution_ids:
        institutions = [_renamed_agreements(item, institution_ids) for item in institutions]
    if options.resolve:
        profiles, institutions, report.resolution = resolve_entities(
            profiles, institutions, reference=options.reference_list()
        )
        records.log.notes.extend(report.resolution.notes)
        kinds = {profile.id: profile.kind for profile in profiles}
        for merge in report.resolution.merges:
            key = _merge_reason(merge, kinds, free_text=not institutions)
            report.merged[key] = report.merged.get(key, 0) + len(merge.merged)
    resolved = ImportedRecords(profiles, institutions, records.calls, records.log)
    for (kind, reason), count in report.merged.items():
        resolved.log.merge(kind, reason, count)
    return resolved, report


def _merge_reason(merge: Merge, kinds: Mapping[str, str], *, free_text: bool) -> tuple[str, str]:
    """How the import summary counts one of the resolver's merges (``free_text``: the import
    has no institution records, so institution merges are spellings of free text)."""
    if merge.kind == "institution":
        if free_text:
            return "institution name", "spellings of one institution (transliteration, acronyms)"
        return "institution", "one institution under several names"
    if kinds.get(merge.kept) == "organization":
        return "profile", "one organisation under several names"
    if merge.evidence and all(why.startswith("same ORCID") for why in merge.evidence):
        return "profile", "same ORCID"
    return "profile", "name variant with institution, co-author or ORCID evidence"


def _orcid_key(profile: Profile) -> Hashable:
    orcid = (profile.model_extra or {}).get("orcid")
    return orcid.strip().upper() if isinstance(orcid, str) and orcid.strip() else None


def _name_institution_key(profile: Profile) -> Hashable:
    if not profile.institution:
        return None
    return (profile.kind, name_key(profile.name), name_key(profile.institution))


def _merge_all(
    records: Sequence[Record],
    keys: Sequence[tuple[str, Callable[[Record], Hashable]]],
    merge: Callable[[Record, Record], Record],
    kind: str,
    report: IdentityReport,
) -> tuple[list[Record], dict[str, str]]:
    """Merge ``records`` key by key; return the survivors and ``{merged id: survivor id}``."""
    renamed: dict[str, str] = {}
    current = list(records)
    for reason, key in keys:
        survivors: dict[Hashable, int] = {}
        kept: list[Record] = []
        for record in current:
            value = key(record)
            position = survivors.get(value) if value is not None else None
            if position is None:
                if value is not None:
                    survivors[value] = len(kept)
                kept.append(record)
                continue
            survivor = kept[position]
            if record.id != survivor.id:
                renamed[record.id] = survivor.id
            kept[position] = merge(survivor, record)
            report.merged[(kind, reason)] = report.merged.get((kind, reason), 0) + 1
        current = kept
    # A chain a -> b -> c (merged by two keys) points straight at c.
    for old in list(renamed):
        target = renamed[old]
        while target in renamed and renamed[target] != target:
            target = renamed[target]
        renamed[old] = target
    return current, renamed


def _union(first: Sequence[Any], second: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


def _filled(first: Record, second: Record) -> dict[str, Any]:
    """The fields ``first`` leaves empty and ``second`` has (extras included)."""
    update: dict[str, Any] = {}
    for name in type(first).model_fields:
        mine, theirs = getattr(first, name), getattr(second, name)
        if mine in (None, "", []) and theirs not in (None, "", []):
            update[name] = theirs
    for name, theirs in (second.model_extra or {}).items():
        if (first.model_extra or {}).get(name) in (None, "", []):
            update[name] = theirs
    return update


def _merge_profiles(first: Profile, second: Profile) -> Profile:
    update = _filled(first, second)
    seen = {(name_key(p.title), p.year) for p in first.publications}
    extra = [p for p in second.publications if (name_key(p.title), p.year) not in seen]
    update.update(
        keywords=_union(first.keywords, second.keywords),
        languages=_union(first.languages, second.languages),
        publications=[*first.publications, *extra],
        collaborators=[*first.collaborators, *second.collaborators],
        conflicts=_union(first.conflicts, second.conflicts),
    )
    return _updated(first, update)


def _merge_institutions(first: Institution, second: Institution) -> Institution:
    update = _filled(first, second)
    update.update(
        consortia=_union(first.consortia, second.consortia),
        agreements=_union(first.agreements, second.agreements),
    )
    return _updated(first, update)


def _updated(record: Record, update: dict[str, Any]) -> Record:
    extras = {k: v for k, v in update.items() if k not in type(record).model_fields}
    fields = {k: v for k, v in update.items() if k in type(record).model_fields}
    copy = record.model_copy(update=fields, deep=False)
    if extras and copy.model_extra is not None:
        copy.model_extra.update(extras)
    return copy


def _renamed_institution(profile: Profile, renamed: dict[str, str]) -> Profile:
    if profile.institution is None or profile.institution not in renamed:
        return profile
    return profile.model_copy(update={"institution": renamed[profile.institution]})


def _renamed_agreements(institution: Institution, renamed: dict[str, str]) -> Institution:
    agreements = [renamed.get(other, other) for other in institution.agreements]
    agreements = [other for other in dict.fromkeys(agreements) if other != institution.id]
    if agreements == institution.agreements:
        return institution
    return institution.model_copy(update={"agreements": agreements})


def _renamed_ids(ids: Sequence[str], renamed: dict[str, str], own: str) -> list[str]:
    return [renamed.get(other, other) for other in ids if renamed.get(other, other) != own]


def _renamed_profiles(profile: Profile, renamed: dict[str, str]) -> Profile:
    names = set(profile.collaborators) | set(profile.conflicts)
    names.update(co for publication in profile.publications for co in publication.coauthors)
    if not names & renamed.keys():
        return profile
    publications = [
        publication.model_copy(
            update={
                "coauthors": list(
                    dict.fromkeys(_renamed_ids(publication.coauthors, renamed, profile.id))
                )
            }
        )
        for publication in profile.publications
    ]
    return profile.model_copy(
        update={
            "collaborators": _renamed_ids(profile.collaborators, renamed, profile.id),
            "conflicts": list(dict.fromkeys(_renamed_ids(profile.conflicts, renamed, profile.id))),
            "publications": publications,
        }
    )

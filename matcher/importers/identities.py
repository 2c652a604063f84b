"""One identity per person and institution: the single place where imported records are
merged before they are written.

:func:`resolve_identities` is the hook of the import pipeline for entity resolution. Today
it merges **exact duplicates only**:

* profiles with the same id, or the same ORCID iD (the ``orcid`` extra field), or the same
  name and institution once case, accents and punctuation are ignored (a name without an
  institution is never merged on the name alone);
* institutions with the same id, or the same normalised name in the same country.

Fuzzy resolution (transliterated and abbreviated names, name variants with co-author
evidence, a reference list of institutions) belongs to :mod:`matcher.identity`; it plugs in
here, taking and returning the same :class:`~matcher.importers.base.ImportedRecords`: call
it from :func:`resolve_identities` (after or instead of the exact merges), count what it
merges in :attr:`IdentityReport.merged` by ``(kind, reason)``, say what ran in
:attr:`IdentityReport.resolver`, and point references at the survivors as
:func:`_renamed_profiles` and :func:`_renamed_agreements` do. The pipeline
(:func:`matcher.importers.run_import`) calls nothing else, and checks the references after.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from matcher.importers.base import ImportedRecords
from matcher.model import Institution, Profile
from matcher.names import name_key

#: What :func:`resolve_identities` does today, as the import summary says it.
RESOLVER = "exact duplicates only (same id, same ORCID, same normalised name and institution)"

Record = TypeVar("Record", Profile, Institution)


@dataclass
class IdentityReport:
    """What :func:`resolve_identities` merged: ``(kind, reason) -> records merged away``."""

    resolver: str = RESOLVER
    merged: dict[tuple[str, str], int] = field(default_factory=dict)


def resolve_identities(records: ImportedRecords) -> tuple[ImportedRecords, IdentityReport]:
    """Merge the records that stand for one person or one institution.

    Parameters
    ----------
    records : ImportedRecords
        What an importer made.

    Returns
    -------
    records : ImportedRecords
        The records with duplicates merged into the first of each group (its fields win;
        empty ones are filled from the others; lists are united), and every reference to a
        merged-away id (a profile's institution, collaborators, conflicts, coauthors, an
        institution's agreements) pointed at the survivor.
    report : IdentityReport
        How many records were merged, by kind and reason.
    """
    report = IdentityReport()
    institutions, institution_ids = _merge_all(
        records.institutions,
        [
            ("same id", lambda record: record.id),
            ("same name and country", lambda record: (name_key(record.name), record.country)),
        ],
        _merge_institutions,
        "institution",
        report,
    )
    profiles = [_renamed_institution(profile, institution_ids) for profile in records.profiles]
    profiles, profile_ids = _merge_all(
        profiles,
        [
            ("same ORCID", _orcid_key),
            ("same name and institution", _name_institution_key),
            ("same id", lambda record: record.id),
        ],
        _merge_profiles,
        "profile",
        report,
    )
    if profile_ids:
        profiles = [_renamed_profiles(profile, profile_ids) for profile in profiles]
    if institution_ids:
        institutions = [_renamed_agreements(item, institution_ids) for item in institutions]
    resolved = ImportedRecords(profiles, institutions, records.calls, records.log)
    for (kind, reason), count in report.merged.items():
        resolved.log.merge(kind, reason, count)
    return resolved, report


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

"""Identity resolution in the import: one record per institution and person, the rest asked."""

from __future__ import annotations

from matcher.identity import ReferenceInstitution
from matcher.importers import IdentityOptions, ImportedRecords, resolve_identities
from matcher.model import Institution, Profile
from tests.matcher.importers.helpers import imported

#: One person in both scripts at one university named in both; an uncertain pair (a full
#: name and an initial, one without an institution) that must be asked, not merged.
SHEET = (
    "ФИО;Организация;Страна\n"
    "Петров Иван Сергеевич;Кемеровский государственный университет;Россия\n"
    "Petrov Ivan Sergeevich;Kemerovo State University;Russian Federation\n"
    "Ольга Смирнова;Томский государственный университет;Россия\n"
    "O. Smirnova;;Россия\n"
)


def test_spellings_of_one_institution_and_one_person_are_merged_and_the_unsure_asked() -> None:
    result = imported("spreadsheet", ("list.csv", SHEET))
    profiles = result.records.profiles

    assert [p.name for p in profiles] == [
        "Петров Иван Сергеевич",
        "Ольга Смирнова",
        "O. Smirnova",
    ]
    petrov = profiles[0]
    assert petrov.institution == "Кемеровский государственный университет"
    assert (petrov.model_extra or {})["aliases"] == ["Petrov Ivan Sergeevich"]
    review = result.identities.review
    assert [(r.kind, r.first_name, r.second_name) for r in review] == [
        ("profile", "Ольга Смирнова", "O. Smirnova")
    ]
    assert result.counts()["identity"]["to_review"] == 1


def test_without_resolution_the_spellings_stay_apart() -> None:
    result = imported("spreadsheet", ("list.csv", SHEET), identity=IdentityOptions(resolve=False))

    assert len(result.records.profiles) == 4
    assert len({p.institution for p in result.records.profiles}) == 4
    assert result.identities.review == [] and result.identities.resolution is None


def test_institution_records_merge_and_every_reference_follows() -> None:
    records = ImportedRecords(
        profiles=[
            Profile(id="a", name="Ivan Petrov", institution="i1", orcid="0000-0002-0000-0001"),
            Profile(id="b", name="Иван Петров", institution="i2", orcid="0000-0002-0000-0001"),
            Profile(id="c", name="Olga Smirnova", institution="i3", collaborators=["b"]),
        ],
        institutions=[
            Institution(id="i1", name="Kemerovo State University", country="RU"),
            Institution(id="i2", name="КемГУ", country="RU", agreements=["i3"]),
            Institution(id="i3", name="Tomsk State University", country="RU", agreements=["i2"]),
        ],
    )
    resolved, report = resolve_identities(records, IdentityOptions(bundled=False))

    assert [i.id for i in resolved.institutions] == ["i1", "i3"]
    assert resolved.institutions[0].agreements == ["i3"]
    assert resolved.institutions[1].agreements == ["i1"]
    assert [p.id for p in resolved.profiles] == ["a", "c"]
    assert resolved.profiles[1].collaborators == ["a"]
    assert report.merged == {
        ("institution", "one institution under several names"): 1,
        ("profile", "same ORCID"): 1,
    }
    assert resolved.log.merged == report.merged


def test_a_reference_list_links_institutions_to_its_entries() -> None:
    records = ImportedRecords(
        institutions=[
            Institution(id="i1", name="Кемеровский государственный университет", country="RU")
        ]
    )
    entry = ReferenceInstitution(
        "https://ror.org/0example1", "Kemerovo State University", "RU", acronyms=("KemSU",)
    )
    options = IdentityOptions(bundled=False, reference=(entry,))

    resolved, report = resolve_identities(records, options)

    assert (resolved.institutions[0].model_extra or {})["reference_id"] == entry.id
    assert report.resolution is not None
    assert report.resolution.reference_links == {"i1": entry.id}


def test_name_variants_an_importer_keeps_are_evidence() -> None:
    # An ORCID record's other name (a maiden name) is the name a sheet knows her by.
    records = ImportedRecords(
        profiles=[
            Profile(id="a", name="Maria Ivanova", institution="KemSU", aliases=["Maria Sidorova"]),
            Profile(id="b", name="Sidorova, Maria", institution="KemSU"),
        ]
    )
    resolved, report = resolve_identities(records, IdentityOptions(bundled=False))

    assert [p.id for p in resolved.profiles] == ["a"]
    assert (resolved.profiles[0].model_extra or {})["aliases"] == [
        "Maria Sidorova",
        "Sidorova, Maria",
    ]
    assert report.resolution is not None
    assert any("other name" in why for why in report.resolution.merges[0].evidence)

"""resolve_identities: the engine's records merged, references rewritten, a report."""

from __future__ import annotations

import pytest

from matcher.identity import load_ror, remap_offices, resolve_identities
from matcher.io import load_dataset
from matcher.model import Institution, Profile
from tests.conftest import FIXTURES

DATA = FIXTURES / "identity" / "dataset"


@pytest.fixture(scope="module")
def resolved() -> tuple[list[Profile], list[Institution], object]:
    dataset = load_dataset(
        DATA / "profiles.jsonl",
        DATA / "calls.jsonl",
        DATA / "institutions.jsonl",
        DATA / "offices.jsonl",
    )
    return resolve_identities(
        dataset.profiles,
        dataset.institutions,
        reference=load_ror(FIXTURES / "identity" / "ror_v2.json"),
    )


def test_spellings_of_one_institution_become_one(resolved: tuple) -> None:  # type: ignore[type-arg]
    _, institutions, report = resolved
    by_id = {i.id: i for i in institutions}
    assert set(by_id) == {"kemsu", "tsu", "kemsmu", "kaznu"}
    kemsu = by_id["kemsu"]
    assert kemsu.model_extra is not None
    assert kemsu.model_extra["merged_ids"] == ["kemgu", "kemsu-legal"]
    assert kemsu.model_extra["reference_id"] == "https://ror.org/0example01"
    assert kemsu.consortia == ["Siberian Universities"]  # merged in from kemsu-legal
    # tsu's agreement with kemgu now names kemsu.
    assert by_id["tsu"].agreements == ["kemsu"]
    assert report.institution_ids == {"kemgu": "kemsu", "kemsu-legal": "kemsu", "kaznu-en": "kaznu"}


def test_people_merge_by_orcid_and_by_name_with_evidence(resolved: tuple) -> None:  # type: ignore[type-arg]
    profiles, _, report = resolved
    by_id = {p.id: p for p in profiles}
    assert set(by_id) == {"p1", "p3", "p4", "p5", "p7"}
    # p2 (Петров Иван Иванович, at КемГУ) is p1 (Ivan Petrov, at Kemerovo State University).
    petrov = by_id["p1"]
    assert petrov.model_extra is not None and petrov.model_extra["merged_ids"] == ["p2"]
    assert petrov.keywords == ["coal chemistry", "catalysis"]
    assert [pub.title for pub in petrov.publications] == ["Catalytic coal upgrading"]
    # p5 and p6 share an ORCID; p6's conflict comes along.
    assert by_id["p5"].conflicts == ["p3"]
    # References to merged profiles now name the kept one.
    assert by_id["p4"].collaborators == ["p1", "p1"]
    assert by_id["p4"].institution == "kemsu"
    merges = {(m.kind, m.kept): m for m in report.merges}
    assert "same ORCID 0000-0003-1415-9269" in merges[("profile", "p5")].evidence
    assert "same institution 'kemsu'" in merges[("profile", "p1")].evidence


def test_uncertain_pairs_are_listed_not_merged(resolved: tuple) -> None:  # type: ignore[type-arg]
    profiles, institutions, report = resolved
    review = {(item.kind, item.first_id, item.second_id) for item in report.review}
    # Kemerovo State Medical University is another institution, close enough to ask.
    assert ("institution", "kemsu", "kemsmu") in review
    # Anna Sidorova and A. Sidorova (ORCID) at one institution: initials only, asked.
    assert ("profile", "p4", "p5") in review
    assert "p4" in {p.id for p in profiles} and "kemsmu" in {i.id for i in institutions}
    csv_text = report.review_csv().splitlines()
    assert csv_text[0] == "kind,first_id,first_name,second_id,second_name,confidence,evidence"
    assert len(csv_text) == len(report.review) + 1


def test_offices_follow_the_merged_institutions(resolved: tuple) -> None:  # type: ignore[type-arg]
    dataset = load_dataset(DATA / "profiles.jsonl", institutions=DATA / "institutions.jsonl",
                           offices=DATA / "offices.jsonl")  # fmt: skip
    _, _, report = resolved
    [office] = remap_offices(dataset.offices, report)
    assert office.partner_institutions == ["kaznu"]


def test_free_text_institutions_get_one_spelling() -> None:
    profiles = [
        Profile(id="a", name="Ivan Petrov", country="RU", institution="Kemerovo State University"),
        Profile(id="b", name="Anna Sidorova", country="RU", institution="КемГУ"),
        Profile(id="c", name="Olga Ivanova", country="RU", institution="Tomsk State University"),
    ]
    merged, institutions, report = resolve_identities(profiles, reference=[])
    assert institutions == []
    assert [p.institution for p in merged] == [
        "Kemerovo State University",
        "Kemerovo State University",
        "Tomsk State University",
    ]
    assert report.institution_ids == {"КемГУ": "Kemerovo State University"}


def test_organisation_profiles_merge_by_name_without_legal_form() -> None:
    names = [
        ("o1", "SOFTWARE IMAGINATION & VISION SRL", "RO"),
        ("o2", "Software Imagination and Vision S.R.L.", "RO"),
        ("o3", "SOFTWARE IMAGINATION & VISION SRL", "IT"),
    ]
    profiles = [
        Profile(id=id_, name=name, kind="organization", country=country)
        for id_, name, country in names
    ]
    merged, _, report = resolve_identities(profiles, reference=[])
    assert [p.id for p in merged] == ["o1", "o3"]
    assert report.profile_ids == {"o2": "o1"}


def test_nothing_to_merge_changes_nothing() -> None:
    profiles = [Profile(id="a", name="Ivan Petrov"), Profile(id="b", name="Anna Sidorova")]
    merged, _, report = resolve_identities(profiles, reference=[])
    assert merged == profiles
    assert report.merges == [] and report.review == []
    assert report.summary().startswith("institutions: 0 -> 0; profiles: 2 -> 2; 0 merges")


def test_dataset_institutions_alike_only_by_fuzzy_similarity_are_asked_not_merged() -> None:
    institutions = [
        Institution(id="a", name="THALES DIS FRANCE SAS", country="FR"),
        Institution(id="b", name="THALES DMS FRANCE SAS", country="FR"),
        Institution(id="c", name="Thales DIS France", country="FR"),
    ]
    _, merged, report = resolve_identities([], institutions, reference=[])

    assert [i.id for i in merged] == ["a", "b"]  # c: the same name once the legal form is gone
    assert [(r.first_id, r.second_id) for r in report.review] == [("a", "b")]
    assert all(why.startswith("similar name") for why in report.review[0].evidence)

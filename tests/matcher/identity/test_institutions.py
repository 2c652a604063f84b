"""InstitutionResolver: names, transliterations, acronyms and aliases to one reference id."""

from __future__ import annotations

import pytest

from matcher.identity.institutions import InstitutionResolver
from matcher.identity.normalise import institution_key
from matcher.identity.reference import ReferenceInstitution, load_ror
from matcher.identity.similarity import name_similarity
from tests.conftest import FIXTURES

REFERENCE = [
    ReferenceInstitution("kemsu", "Kemerovo State University", "RU"),
    ReferenceInstitution("kemsmu", "Kemerovo State Medical University", "RU"),
    ReferenceInstitution("tsu", "Tomsk State University", "RU"),
    ReferenceInstitution("ksu-kz", "Karaganda State University", "KZ"),
    ReferenceInstitution("kaznu", "Al-Farabi Kazakh National University", "KZ"),
    ReferenceInstitution("uva", "University of Amsterdam", "NL"),
]


@pytest.fixture(scope="module")
def resolver() -> InstitutionResolver:
    return InstitutionResolver().fit(REFERENCE)


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Kemerovo State University", None, "kemsu"),
        ("Кемеровский государственный университет", "RU", "kemsu"),
        ("ФГБОУ ВО «Кемеровский государственный университет»", None, "kemsu"),
        ("КемГУ", "RU", "kemsu"),
        ("KemSU", "RU", "kemsu"),
        ("Томский государственный университет", None, "tsu"),
        ("Әл-Фараби атындағы Қазақ ұлттық университеті", "KZ", "kaznu"),
        ("UNIVERSITEIT VAN AMSTERDAM", "NL", "uva"),
    ],
)
def test_variants_of_one_institution_resolve_to_it(
    resolver: InstitutionResolver, name: str, country: str | None, expected: str
) -> None:
    match = resolver.resolve_one(name, country)
    assert (match.status, match.reference_id) == ("resolved", expected)
    assert match.confidence >= resolver.threshold
    assert match.evidence


def test_an_acronym_made_without_leading_words_is_weaker_evidence(
    resolver: InstitutionResolver,
) -> None:
    # KazNU leaves "Al-Farabi" out: a guess worth a review, unless the reference lists it.
    guessed = resolver.resolve_one("KazNU", "KZ")
    assert (guessed.status, guessed.reference_id) == ("review", "kaznu")
    listed = InstitutionResolver().fit(
        [ReferenceInstitution("kaznu", "Al-Farabi Kazakh National University", "KZ",
                              acronyms=("KazNU",))]
    )  # fmt: skip
    assert listed.resolve_one("KazNU", "KZ").status == "resolved"


def test_an_all_capitals_acronym_is_read_as_initials_only() -> None:
    reference = [ReferenceInstitution("icold", "Commission Internationale des Grands Barrages")]
    resolver = InstitutionResolver().fit(reference)
    assert resolver.resolve_one("GRAB").status == "unresolved"
    assert resolver.resolve_one("CIGB").reference_id == "icold"


def test_a_near_but_different_institution_goes_to_review_not_resolved(
    resolver: InstitutionResolver,
) -> None:
    reference = [REFERENCE[0]]
    only_kemsu = InstitutionResolver().fit(reference)
    match = only_kemsu.resolve_one("Kemerovo State Medical University", "RU")
    assert match.status == "review"
    assert match.reference_id == "kemsu"
    assert resolver.review_threshold <= match.confidence < resolver.threshold


def test_an_unknown_institution_is_unresolved(resolver: InstitutionResolver) -> None:
    match = resolver.resolve_one("Novosibirsk State Technical University", "RU")
    assert (match.status, match.reference_id) == ("unresolved", None)


def test_an_acronym_shared_by_two_institutions_is_left_for_review(
    resolver: InstitutionResolver,
) -> None:
    # KSU is Kemerovo State and Karaganda State: without a country, it could be either.
    match = resolver.resolve_one("KSU")
    assert match.status != "resolved"
    assert any("ambiguous" in why for why in match.evidence)
    # The country tells them apart.
    assert resolver.resolve_one("KSU", "KZ").reference_id == "ksu-kz"


def test_the_country_keeps_institutions_of_other_countries_out(
    resolver: InstitutionResolver,
) -> None:
    assert resolver.resolve_one("Kemerovo State University", "KZ").status == "unresolved"
    assert (
        InstitutionResolver(use_country=False)
        .fit(REFERENCE)
        .resolve_one("Kemerovo State University", "KZ")
        .reference_id
        == "kemsu"
    )


def test_fuzzy_matching_and_acronyms_can_be_switched_off() -> None:
    exact = InstitutionResolver(use_fuzzy=False, use_acronyms=False).fit(REFERENCE)
    assert exact.resolve_one("Кемеровский государственный университет").reference_id == "kemsu"
    assert exact.resolve_one("KemSU", "RU").status == "unresolved"


def test_a_ror_dump_brings_its_labels_and_acronyms() -> None:
    resolver = InstitutionResolver().fit(load_ror(FIXTURES / "identity" / "ror_v2.json"))
    ror_kemsu = "https://ror.org/0example01"
    assert resolver.resolve_one("Кемеровский государственный университет").reference_id == (
        ror_kemsu
    )
    assert resolver.resolve_one("KemSU").confidence == 0.95  # a listed acronym
    # A Mongolian acronym comes from the Mongolian label ROR gives.
    assert resolver.resolve_one("МУИС", "MN").reference_id == "https://ror.org/0example02"


def test_resolve_keeps_order_and_checks_lengths(resolver: InstitutionResolver) -> None:
    matches = resolver.resolve(["KemSU", "Tomsk State University"], ["RU", "RU"])
    assert [m.reference_id for m in matches] == ["kemsu", "tsu"]
    with pytest.raises(ValueError, match="2 names but 1 countries"):
        resolver.resolve(["a", "b"], ["RU"])


def test_unordered_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="review_threshold <= threshold"):
        InstitutionResolver(threshold=0.5, review_threshold=0.8).fit(REFERENCE)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("University of Paris 1", "University of Paris 8"),
        ("Школа № 5", "Школа № 12"),
        ("ORGANISATION 12", "ORGANISATION 120"),
    ],
)
def test_numbered_institutions_with_other_numbers_are_not_alike(first: str, second: str) -> None:
    assert name_similarity(institution_key(first), institution_key(second)) == 0.0
    # The same number in other words still is.
    assert name_similarity(institution_key(first), institution_key(first.upper() + ".")) == 1.0

"""PersonResolver and person names: ORCID, name variants, institution and co-author evidence."""

from __future__ import annotations

import pytest

from matcher.identity.people import PersonRecord, PersonResolver, normalise_orcid
from matcher.identity.person_names import name_evidence, parse_person_name


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ivan Petrov", "Petrov, Ivan"),
        ("Ivan Petrov", "Петров Иван Иванович"),
        ("I. I. Petrov", "Petrov I.I."),
        ("V.S.R.K. Tandava", "Tandava, Venkata S.R.K."),
        ("Maria Crespo Ribadeneyra", "Crespo Ribadeneyra, Maria"),
        ("Tim den Hartog", "den Hartog, Tim"),
        ("Юрий Гагарин", "Yuri Gagarin"),
        ("Haining Tian", "Tian Haining"),
        ("Elisa Ravesio a", "Ravesio E."),
        ("Brayan Paredes‐Goyes", "Brayan Paredes-Goyes"),
    ],
)
def test_variants_of_one_name_are_compatible(first: str, second: str) -> None:
    score, evidence = name_evidence(parse_person_name(first), parse_person_name(second))
    assert score >= 0.4, evidence


@pytest.mark.parametrize(
    ("first", "second"),
    [("Ivan Petrov", "Igor Petrov"), ("I. Petrov", "A. Petrov"), ("Ivan Petrov", "Ivan Sidorov")],
)
def test_different_people_are_not(first: str, second: str) -> None:
    assert name_evidence(parse_person_name(first), parse_person_name(second)) == (0.0, ())


def test_full_given_names_count_more_than_initials() -> None:
    full, _ = name_evidence(parse_person_name("Ivan Petrov"), parse_person_name("Petrov, Ivan"))
    initials, _ = name_evidence(parse_person_name("I. Petrov"), parse_person_name("Ivan Petrov"))
    assert full > initials


def test_orcid_forms() -> None:
    assert normalise_orcid("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert normalise_orcid("0000000218250097") == "0000-0002-1825-0097"
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalise_orcid("n/a") is None


def test_the_same_orcid_merges_whatever_the_names_say() -> None:
    resolver = PersonResolver().fit(
        [
            PersonRecord("a", "Anna Sidorova", orcid="0000-0003-1415-9269"),
            PersonRecord("b", "Анна Иванова", orcid="https://orcid.org/0000-0003-1415-9269"),
        ]
    )
    assert resolver.clusters_ == [["a", "b"]]
    assert resolver.merges_[0].confidence == 1.0
    assert resolver.merges_[0].evidence == ("same ORCID 0000-0003-1415-9269",)


def test_different_orcids_are_never_merged_even_through_a_third_record() -> None:
    resolver = PersonResolver().fit(
        [
            PersonRecord("a", "Ivan Petrov", orcid="0000-0002-1825-0097", institution="i1"),
            PersonRecord("b", "Ivan Petrov", institution="i1"),
            PersonRecord("c", "Ivan Petrov", orcid="0000-0001-5109-3700", institution="i1"),
        ]
    )
    assert ["a", "c"] not in resolver.clusters_
    assert not any({"a", "c"} <= set(cluster) for cluster in resolver.clusters_)
    assert (
        resolver.compare(
            PersonRecord("a", "Ivan Petrov", orcid="0000-0002-1825-0097"),
            PersonRecord("c", "Ivan Petrov", orcid="0000-0001-5109-3700"),
        ).decision
        == "distinct"
    )
    # The record kept apart by the conflict is listed for review, saying why.
    assert any("different ORCIDs" in " ".join(m.evidence) for m in resolver.review_)


def test_a_name_alone_is_for_review_and_evidence_makes_a_merge() -> None:
    alone = PersonResolver().fit(
        [PersonRecord("a", "Ivan Petrov"), PersonRecord("b", "Petrov, Ivan")]
    )
    assert alone.clusters_ == [["a"], ["b"]]
    [pair] = alone.review_
    assert (pair.first, pair.second, pair.decision, pair.confidence) == ("a", "b", "review", 0.7)

    same_place = PersonResolver().fit(
        [
            PersonRecord("a", "Ivan Petrov", institution="kemsu"),
            PersonRecord("b", "Петров Иван Иванович", institution="kemsu"),
        ]
    )
    assert same_place.clusters_ == [["a", "b"]]
    assert "same institution 'kemsu'" in same_place.merges_[0].evidence

    coauthors = PersonResolver().fit(
        [
            PersonRecord("a", "I. Petrov", institution="kemsu", coauthors=("Anna Sidorova",)),
            PersonRecord("b", "Ivan Petrov", institution="kemsu", coauthors=("Sidorova, A.",)),
        ]
    )
    assert coauthors.clusters_ == [["a", "b"]]
    assert "1 shared co-author(s)" in coauthors.merges_[0].evidence


def test_conflicting_evidence_lowers_the_confidence_below_review() -> None:
    match = PersonResolver().compare(
        PersonRecord("a", "I. Petrov", institution="kemsu", country="RU"),
        PersonRecord("b", "Ivan Petrov", institution="tsu", country="KZ"),
    )
    assert match.decision == "distinct"
    assert "different institutions ('kemsu', 'tsu')" in match.evidence


def test_evidence_kinds_can_be_switched_off() -> None:
    records = (
        PersonRecord("a", "Ivan Petrov", institution="kemsu"),
        PersonRecord("b", "Ivan Petrov", institution="kemsu"),
    )
    assert PersonResolver().compare(*records).decision == "merge"
    assert PersonResolver(use_institution=False).compare(*records).decision == "review"


def test_repeated_ids_and_unordered_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        PersonResolver().fit([PersonRecord("a", "X Y"), PersonRecord("a", "X Y")])
    with pytest.raises(ValueError, match="review_threshold <= threshold"):
        PersonResolver(threshold=0.4).fit([])


def test_other_names_count_when_they_agree_better_than_the_names() -> None:
    married = PersonRecord("a", "Maria Ivanova", institution="kemsu", aliases=("Maria Sidorova",))
    maiden = PersonRecord("b", "Sidorova, Maria", institution="kemsu")

    match = PersonResolver().compare(married, maiden)

    assert match.decision == "merge"
    assert "other name: 'Maria Sidorova' ~ 'Sidorova, Maria'" in match.evidence
    # Found as a candidate pair too: the alias's surname is a blocking key.
    assert PersonResolver().fit([married, maiden]).clusters_ == [["a", "b"]]
    without = PersonRecord("a", "Maria Ivanova", institution="kemsu")
    assert PersonResolver().compare(without, maiden).decision == "distinct"


def test_a_very_common_name_is_compared_only_within_one_institution() -> None:
    records = [
        PersonRecord("a", "Wang Wei", institution="tsinghua"),
        PersonRecord("b", "Wang Wei", institution="tsinghua"),
        PersonRecord("c", "Wang Wei", institution="fudan"),
        PersonRecord("d", "Wang Wei"),
    ]
    crowded = PersonResolver(max_block=3).fit(records)

    assert crowded.clusters_ == [["a", "b"], ["c"], ["d"]]
    assert crowded.review_ == []  # d is compared with nobody, c with nobody at its institution
    assert crowded.crowded_blocks_ and max(crowded.crowded_blocks_.values()) == 4
    roomy = PersonResolver(max_block=4).fit(records)
    assert roomy.clusters_ == [["a", "b"], ["c"], ["d"]] and roomy.review_
    assert roomy.crowded_blocks_ == {}

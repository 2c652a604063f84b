"""The reference rules: each rule, ids known from the batch or a lookup, asked in batches."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from matcher.model import Call, Institution, Office, Profile
from matcher.references import (
    CheckedRecord,
    KnownIds,
    ReferenceProblem,
    first_reference_problem,
    reference_problems,
)


class RecordingLookup:
    """An in-memory store that remembers every question, as a database query would run."""

    def __init__(self, ids: Collection[str]) -> None:
        self.ids = set(ids)
        self.asked: list[frozenset[str]] = []

    def __call__(self, ids: frozenset[str]) -> set[str]:
        self.asked.append(ids)
        return self.ids & ids


def profile(identifier: str, **fields: object) -> Profile:
    return Profile.model_validate({"id": identifier, "name": identifier.upper(), **fields})


def institution(identifier: str, *agreements: str) -> Institution:
    return Institution(id=identifier, name=identifier, country="RU", agreements=list(agreements))


def office(*partners: str) -> Office:
    return Office.model_validate(
        {
            "id": "o1",
            "name": "Office",
            "operator": "REC Kuzbass",
            "home_country": "RU",
            "country": "MN",
            "partner_institutions": list(partners),
        }
    )


def problems(records: list[CheckedRecord], **known: KnownIds | None) -> list[tuple[int, str, str]]:
    return [(p.index, p.field, p.reason) for p in reference_problems(records, **known)]


STORED_INSTITUTIONS = KnownIds.among(["kuzstu", "must"])


# --------------------------------------------------------------------------- each rule


def test_a_profile_institution_must_be_known() -> None:
    records: list[CheckedRecord] = [
        profile("p1", institution="kuzstu"),
        profile("p2", institution="tpu"),
    ]

    assert problems(records, institutions=STORED_INSTITUTIONS) == [
        (1, "institution", "unknown institution 'tpu'")
    ]


def test_without_any_known_institution_an_institution_is_free_text() -> None:
    records: list[CheckedRecord] = [profile("p1", institution="tpu"), office("num")]

    assert problems(records) == []


def test_an_institution_in_the_batch_makes_institutions_checked() -> None:
    records: list[CheckedRecord] = [institution("kuzstu"), profile("p1", institution="tpu")]

    assert problems(records) == [(1, "institution", "unknown institution 'tpu'")]


def test_office_partners_must_be_known_institutions() -> None:
    records: list[CheckedRecord] = [office("must", "num")]

    assert problems(records, institutions=STORED_INSTITUTIONS) == [
        (0, "partner_institutions.1", "unknown institution 'num'")
    ]


def test_agreements_must_name_known_institutions_other_than_the_signer() -> None:
    records: list[CheckedRecord] = [
        institution("kuzstu", "kuzstu", "cumt", "nsu"),
        institution("cumt"),
    ]

    assert problems(records) == [
        (0, "agreements.0", "an institution cannot sign an agreement with itself ('kuzstu')"),
        (0, "agreements.2", "unknown institution 'nsu'"),
    ]


def coauthored(other: str) -> dict[str, object]:
    return {"publications": [{"title": "T", "coauthors": ["p2", other]}]}


@pytest.mark.parametrize(
    ("links", "field", "relation"),
    [
        (lambda other: {"collaborators": ["p2", other]}, "collaborators.1", "collaborator"),
        (lambda other: {"conflicts": [other]}, "conflicts.0", "conflict"),
        (coauthored, "publications.0.coauthors.1", "coauthor"),
    ],
    ids=["collaborators", "conflicts", "coauthors"],
)
def test_profile_links_must_name_other_known_profiles(
    links: Callable[[str], dict[str, object]], field: str, relation: str
) -> None:
    naming_itself: list[CheckedRecord] = [profile("p1", **links("p1")), profile("p2")]
    naming_unknown: list[CheckedRecord] = [profile("p1", **links("p9")), profile("p2")]

    assert problems(naming_itself) == [(0, field, f"a profile cannot be its own {relation} ('p1')")]
    assert problems(naming_unknown) == [(0, field, "unknown profile 'p9'")]


def test_calls_name_no_records_and_pass() -> None:
    assert problems([Call(id="c1", title="T")]) == []


# --------------------------------------------------------------------------- the problems


def test_a_problem_says_which_record_field_and_value() -> None:
    records: list[CheckedRecord] = [profile("p0"), profile("p1", collaborators=["p0", "p7"])]

    problem = first_reference_problem(records)

    assert problem == ReferenceProblem(
        index=1,
        record_id="p1",
        field="collaborators.1",
        value="p7",
        reason="unknown profile 'p7'",
    )
    assert str(problem) == "field 'collaborators.1': unknown profile 'p7'"


def test_a_lookup_with_a_source_names_it_in_the_reason() -> None:
    records: list[CheckedRecord] = [profile("p1", institution="tpu")]

    problem = first_reference_problem(
        records, institutions=KnownIds.among(["kuzstu"], source="institutions.jsonl")
    )

    assert problem is not None
    assert problem.reason == (
        "unknown institution 'tpu' (no institution with this id in institutions.jsonl)"
    )


def test_rules_are_checked_in_a_fixed_order_each_over_the_whole_batch() -> None:
    records: list[CheckedRecord] = [
        profile("p1", collaborators=["p9"]),
        office("num"),
        profile("p2", institution="tpu"),
        institution("kuzstu", "nsu"),
    ]

    assert [field for _, field, _ in problems(records)] == [
        "agreements.0",
        "institution",
        "partner_institutions.0",
        "collaborators.0",
    ]


def test_every_reference_holding_gives_no_problem() -> None:
    records: list[CheckedRecord] = [
        institution("kuzstu", "must"),
        profile("p1", institution="kuzstu", collaborators=["p2"]),
        office("must"),
    ]

    assert (
        first_reference_problem(
            records, institutions=STORED_INSTITUTIONS, profiles=KnownIds.among(["p2"])
        )
        is None
    )


# --------------------------------------------------------------------------- batch and lookups


def test_the_batch_and_the_store_are_known_together() -> None:
    stored = RecordingLookup(["p-stored"])
    records: list[CheckedRecord] = [
        profile("p1", collaborators=["p2", "p-stored"]),
        profile("p2", conflicts=["p-gone"]),
    ]

    found = problems(records, profiles=KnownIds(stored))

    assert found == [(1, "conflicts.0", "unknown profile 'p-gone'")]


def test_each_lookup_is_asked_once_with_every_id_outside_the_batch() -> None:
    stored_profiles = RecordingLookup(["s1", "s2"])
    stored_institutions = RecordingLookup(["kuzstu", "must"])
    records: list[CheckedRecord] = [
        profile("p1", institution="kuzstu", collaborators=["s1", "p2", "s1"]),
        profile(
            "p2",
            institution="tpu",
            conflicts=["s2"],
            publications=[{"title": "T", "coauthors": ["p1", "s3"]}],
        ),
        office("must", "tpu"),
    ]

    found = problems(
        records, institutions=KnownIds(stored_institutions), profiles=KnownIds(stored_profiles)
    )

    assert stored_profiles.asked == [frozenset({"s1", "s2", "s3"})]
    assert stored_institutions.asked == [frozenset({"kuzstu", "must", "tpu"})]
    assert [field for _, field, _ in found] == [
        "institution",
        "partner_institutions.1",
        "publications.0.coauthors.1",
    ]


def test_a_lookup_is_not_asked_when_the_batch_answers_everything() -> None:
    stored = RecordingLookup([])
    records: list[CheckedRecord] = [profile("p1", collaborators=["p2"]), profile("p2")]

    assert problems(records, profiles=KnownIds(stored)) == []
    assert stored.asked == []


def test_an_institution_batch_is_checked_against_itself_and_the_store() -> None:
    stored = RecordingLookup(["cumt"])
    records: list[CheckedRecord] = [institution("kuzstu", "cumt", "must"), institution("must")]

    assert problems(records, institutions=KnownIds(stored)) == []
    assert stored.asked == [frozenset({"cumt"})]

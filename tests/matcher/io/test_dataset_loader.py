"""Loading a dataset: every file read, and the references between files checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io import load_dataset
from tests.matcher.io.helpers import FIXTURES, MINIMAL_PROFILE, assert_located, raised, write


def test_load_dataset_reads_every_file() -> None:
    dataset = load_dataset(
        FIXTURES / "profiles.jsonl",
        calls=FIXTURES / "calls.csv",
        institutions=FIXTURES / "institutions.jsonl",
        offices=FIXTURES / "offices.csv",
    )

    assert len(dataset.profiles) == 4
    assert dataset.call("c1").rules.max_team_size == 5
    assert dataset.institution_name("cumt").startswith("中国矿业大学")
    assert dataset.office("kuzbass-cn").partner_institutions == ["cumt"]


def test_without_institutions_an_institution_is_free_text(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "institution": "TPU"}')

    dataset = load_dataset(path)

    assert dataset.institution_name("TPU") == "TPU"
    assert dataset.calls == ()


def test_an_unknown_institution_is_reported(tmp_path: Path) -> None:
    profiles = write(
        tmp_path,
        "profiles.jsonl",
        MINIMAL_PROFILE,
        '{"id": "p2", "name": "B", "institution": "tpu"}',
    )
    institutions = FIXTURES / "institutions.jsonl"

    with pytest.raises(InputError) as excinfo:
        load_dataset(profiles, institutions=institutions)

    assert_located(
        raised(excinfo),
        profiles,
        2,
        "institution",
        "unknown institution 'tpu'",
        "institutions.jsonl",
    )


def test_an_unknown_coauthor_is_reported(tmp_path: Path) -> None:
    bad = '{"id": "p2", "name": "B", "publications": [{"title": "T", "coauthors": ["p1", "p9"]}]}'
    profiles = write(tmp_path, "profiles.jsonl", MINIMAL_PROFILE, bad)

    with pytest.raises(InputError) as excinfo:
        load_dataset(profiles)

    assert_located(
        raised(excinfo), profiles, 2, "publications.0.coauthors.1", "unknown profile 'p9'"
    )


def test_a_profile_cannot_be_its_own_collaborator(tmp_path: Path) -> None:
    profiles = write(
        tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "collaborators": ["p1"]}'
    )

    with pytest.raises(InputError) as excinfo:
        load_dataset(profiles)

    assert_located(
        raised(excinfo), profiles, 1, "collaborators.0", "cannot be its own collaborator"
    )


def test_an_unknown_agreement_partner_is_reported(tmp_path: Path) -> None:
    institutions = write(
        tmp_path,
        "institutions.jsonl",
        '{"id": "kuzstu", "name": "KuzSTU", "country": "RU", "agreements": ["nsu"]}',
    )

    with pytest.raises(InputError) as excinfo:
        load_dataset(FIXTURES / "profiles.jsonl", institutions=institutions)

    assert_located(raised(excinfo), institutions, 1, "agreements.0", "unknown institution 'nsu'")


def test_an_unknown_office_partner_is_reported(tmp_path: Path) -> None:
    offices = write(
        tmp_path,
        "offices.jsonl",
        '{"id": "o1", "name": "Office", "operator": "REC Kuzbass", "home_country": "RU",'
        ' "country": "MN", "partner_institutions": ["must", "num"]}',
    )

    with pytest.raises(InputError) as excinfo:
        load_dataset(
            FIXTURES / "profiles.jsonl",
            institutions=FIXTURES / "institutions.jsonl",
            offices=offices,
        )

    assert_located(
        raised(excinfo), offices, 1, "partner_institutions.1", "unknown institution 'num'"
    )


def test_a_reference_error_reads_as_documented(tmp_path: Path) -> None:
    profiles = write(
        tmp_path,
        "profiles.jsonl",
        MINIMAL_PROFILE,
        '{"id": "p2", "name": "B", "conflicts": ["p1", "p3"]}',
    )

    with pytest.raises(InputError) as excinfo:
        load_dataset(profiles)

    assert str(excinfo.value) == (
        f"{profiles}:2: field 'conflicts.1': unknown profile 'p3' "
        f"(no profile with this id in {profiles})"
    )


def test_agreements_are_checked_before_the_files_that_name_institutions(tmp_path: Path) -> None:
    profiles = write(tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "institution": "x"}')
    institutions = write(
        tmp_path,
        "institutions.jsonl",
        '{"id": "kuzstu", "name": "KuzSTU", "country": "RU", "agreements": ["kuzstu"]}',
    )

    with pytest.raises(InputError) as excinfo:
        load_dataset(profiles, institutions=institutions)

    assert_located(raised(excinfo), institutions, 1, "agreements.0", "with itself ('kuzstu')")

"""Validation of every record kind: pydantic's errors in plain words, with the field."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io import read_calls, read_profiles, read_records
from matcher.model import Profile
from tests.matcher.io.helpers import FIXTURES, MINIMAL_PROFILE, assert_located, raised, write


def test_country_codes_are_normalised() -> None:
    wang = read_profiles(FIXTURES / "profiles.jsonl")[2]

    assert wang.country == "CN"


def test_eu_codes_uk_el_and_kosovo_are_accepted() -> None:
    # CORDIS writes UK, EL and XK (Kosovo, a user-assigned code ISO does not list).
    from matcher.countries import country_name, normalize_country

    assert [normalize_country(c) for c in ("UK", "el", "XK")] == ["GB", "GR", "XK"]
    assert country_name("XK") == "Kosovo"


def test_a_missing_required_field_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", MINIMAL_PROFILE, '{"id": "p2"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 2, "name", "missing required field")


def test_a_wrong_type_is_reported_with_the_nested_field(tmp_path: Path) -> None:
    bad = '{"id": "p1", "name": "A", "publications": [{"title": "T", "year": "abc"}]}'
    path = write(tmp_path, "profiles.jsonl", bad)

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(
        raised(excinfo), path, 1, "publications.0.year", "expected an integer, got 'abc'"
    )


def test_a_value_outside_its_choices_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "kind": "team"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(
        raised(excinfo), path, 1, "kind", "expected 'researcher' or 'organization', got 'team'"
    )


def test_an_unknown_country_code_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "country": "XX"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(
        raised(excinfo),
        path,
        1,
        "country",
        "unknown country code 'XX' (expected ISO 3166-1 alpha-2, e.g. 'RU')",
    )


def test_an_unknown_country_code_as_a_key_names_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "calls.jsonl",
        '{"id": "c1", "title": "T", "rules": {"required_countries": {"XX": 1}}}',
    )

    with pytest.raises(InputError) as excinfo:
        read_calls(path)

    assert_located(
        raised(excinfo), path, 1, "rules.required_countries.XX", "unknown country code 'XX'"
    )


def test_a_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "profiles.jsonl",
        '{"id": "p0", "name": "Z"}',
        MINIMAL_PROFILE,
        '{"id": "p2", "name": "B"}',
        '{"id": " p1 ", "name": "Again"}',
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 4, "id", "duplicate id 'p1' (first seen on line 2)")


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["empty", "blank-lines"])
def test_a_file_without_records_is_reported(content: str, tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "no records")


def test_contradicting_team_sizes_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "calls.jsonl",
        '{"id": "c1", "title": "T", "rules": {"min_team_size": 6, "max_team_size": 5}}',
    )

    with pytest.raises(InputError) as excinfo:
        read_calls(path)

    assert_located(
        raised(excinfo), path, 1, "rules", "min_team_size (6) is above max_team_size (5)"
    )


def test_a_required_country_outside_the_eligible_ones_is_reported(tmp_path: Path) -> None:
    rules = '{"required_countries": {"RU": 1, "CN": 1}, "eligible_countries": ["RU", "MN"]}'
    path = write(tmp_path, "calls.jsonl", f'{{"id": "c1", "title": "T", "rules": {rules}}}')

    with pytest.raises(InputError) as excinfo:
        read_calls(path)

    assert_located(
        raised(excinfo),
        path,
        1,
        "rules",
        "required_countries ['CN'] are not in eligible_countries ['MN', 'RU']",
    )


def test_a_failed_read_leaves_the_garbage_collector_on(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", "{}")

    with pytest.raises(InputError):
        read_profiles(path)

    assert gc.isenabled()


def test_read_records_keeps_each_records_place_for_later_checks() -> None:
    body = b'{"id": "p1", "name": "A"}\n\n{"id": "p2", "name": "B", "institution": "tpu"}\n'

    loaded = read_records(body, Profile, format="jsonl", name="request body")
    error = loaded.places[1].error("unknown institution 'tpu'", "institution")

    assert [profile.id for profile in loaded.records] == ["p1", "p2"]
    assert [place.number for place in loaded.places] == [1, 3]
    assert str(error) == "request body:3: field 'institution': unknown institution 'tpu'"

"""JSON Lines: reading records, reporting bad lines precisely, and atomic writing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.io import read_calls, read_profiles, write_jsonl
from matcher.model import Profile, Publication
from tests.matcher.io.helpers import FIXTURES, MINIMAL_PROFILE, assert_located, raised, write


def test_profiles_read_from_json_lines() -> None:
    profiles = read_profiles(FIXTURES / "profiles.jsonl")

    assert [profile.id for profile in profiles] == ["p1", "p2", "p3", "p4"]
    petrov = profiles[0]
    assert petrov.country == "RU"
    assert petrov.publications[0].coauthors == ["p2"]
    assert petrov.collaborators == ["p3", "p3"]
    assert petrov.contact is not None and petrov.contact.email == "petrov@example.org"


def test_a_profile_may_have_no_country_and_publications_without_abstract_or_year() -> None:
    lab = read_profiles(FIXTURES / "profiles.jsonl")[3]

    assert lab.country is None
    assert lab.kind == "organization"
    assert lab.publications == [Publication(title="Pilot project on mine water treatment")]
    assert lab.publications[0].abstract == ""
    assert lab.publications[0].year is None


def test_unknown_fields_are_kept() -> None:
    lab = read_profiles(FIXTURES / "profiles.jsonl")[3]
    call = read_calls(FIXTURES / "calls.jsonl")[1]

    assert lab.model_extra == {"orcid": "not-applicable", "source": "forum 2024"}
    assert call.model_extra == {"programme": "REC Kuzbass seed grants"}


def test_russian_and_chinese_text_survive() -> None:
    profiles = read_profiles(FIXTURES / "profiles.jsonl")

    assert profiles[1].name == "Анна Смирнова"
    assert profiles[1].publications[0].title == "Восстановление почв на отвалах"
    assert profiles[2].name == "王伟"
    assert profiles[2].summary == "煤矿瓦斯抽采与安全监测。"


def test_ndjson_suffix_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "profiles.NDJSON"
    path.write_bytes(b'{"id": "p1", "name": "A"}\r\n\r\n{"id": "p2", "name": "B"}\r\n')

    assert [profile.id for profile in read_profiles(path)] == ["p1", "p2"]


def test_write_jsonl_round_trips(tmp_path: Path) -> None:
    profiles = read_profiles(FIXTURES / "profiles.jsonl")
    path = tmp_path / "out" / "profiles.jsonl"
    path.parent.mkdir()

    assert write_jsonl(profiles, path) == len(profiles)
    assert read_profiles(path) == profiles
    assert "Анна Смирнова" in path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["profiles.jsonl"]


def test_write_jsonl_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    write_jsonl([Profile(id="old", name="Old")], path)

    def failing() -> Iterator[Profile]:
        yield Profile(id="new", name="New")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl(failing(), path)

    assert [profile.id for profile in read_profiles(path)] == ["old"]
    assert [p.name for p in tmp_path.iterdir()] == ["profiles.jsonl"]


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(codec="utf-8"), min_size=1).filter(str.strip))
def test_any_text_survives_write_and_read(name: str, tmp_path: Path) -> None:
    # Includes U+2028, U+0085 and lone "\r": JSON allows them raw, line splitting must not.
    profile = Profile(id="p1", name=name, summary=name + "\u2028\x85\r")
    path = tmp_path / "profiles.jsonl"
    write_jsonl([profile, Profile(id="p2", name="B")], path)

    assert read_profiles(path) == [profile, Profile(id="p2", name="B")]


def test_invalid_json_is_reported_with_the_decoders_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", MINIMAL_PROFILE, '{"id": "p2", "name": "B",}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 2, None, "invalid JSON", "Expecting property name")


def test_a_json_value_that_is_not_an_object_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", MINIMAL_PROFILE, '["p2", "B"]')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 2, None, "expected a JSON object, got an array")


def test_a_repeated_key_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", '{"id": "p1", "name": "A", "name": "B"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 1, None, "invalid JSON", "duplicate key 'name'")


def test_blank_lines_keep_physical_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", "", MINIMAL_PROFILE, "   ", "", '{"id": "p2"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 5, "name", "missing required field")

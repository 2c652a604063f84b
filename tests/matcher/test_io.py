"""The loaders: valid input in every format, and every kind of bad input reported precisely."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.io import (
    load_dataset,
    read_calls,
    read_institutions,
    read_offices,
    read_profiles,
    write_jsonl,
)
from matcher.model import Profile, Publication

FIXTURES = Path(__file__).parent.parent / "fixtures" / "io"

MINIMAL_PROFILE = '{"id": "p1", "name": "Ivan Petrov"}'


def write(directory: Path, name: str, *lines: str) -> Path:
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def raised(excinfo: pytest.ExceptionInfo[InputError]) -> InputError:
    return excinfo.value


def assert_located(
    error: InputError, path: Path, line: int | None, field: str | None, *reasons: str
) -> None:
    """The error names the file, the line, the field, and says why."""
    message = str(error)
    assert str(path) in message
    assert error.line == line
    assert error.field == field
    if line is not None:
        where = f"{path}: row {line}:" if path.suffix == ".parquet" else f"{path}:{line}:"
        assert where in message
    if field is not None:
        assert f"field '{field}'" in message
    for reason in reasons:
        assert reason in message, f"{reason!r} not in {message!r}"


def jsonl_rows(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_parquet(rows: list[dict[str, Any]], path: Path) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    table = pa.table({column: pa.array([row.get(column) for row in rows]) for column in columns})
    pq.write_table(table, path)
    return path


def as_json_strings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            key: json.dumps(value) if isinstance(value, list | dict) else value
            for key, value in row.items()
        }
        for row in rows
    ]


# --------------------------------------------------------------------------- valid input


def test_profiles_read_from_json_lines() -> None:
    profiles = read_profiles(FIXTURES / "profiles.jsonl")

    assert [profile.id for profile in profiles] == ["p1", "p2", "p3", "p4"]
    petrov = profiles[0]
    assert petrov.country == "RU"
    assert petrov.publications[0].coauthors == ["p2"]
    assert petrov.collaborators == ["p3", "p3"]
    assert petrov.contact is not None and petrov.contact.email == "petrov@example.org"


def test_country_codes_are_normalised() -> None:
    wang = read_profiles(FIXTURES / "profiles.jsonl")[2]

    assert wang.country == "CN"


def test_eu_codes_uk_el_and_kosovo_are_accepted() -> None:
    # CORDIS writes UK, EL and XK (Kosovo, a user-assigned code ISO does not list).
    from matcher.countries import country_name, normalize_country

    assert [normalize_country(c) for c in ("UK", "el", "XK")] == ["GB", "GR", "XK"]
    assert country_name("XK") == "Kosovo"


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


@pytest.mark.parametrize(
    ("reader", "stem"),
    [
        (read_profiles, "profiles"),
        (read_calls, "calls"),
        (read_institutions, "institutions"),
        (read_offices, "offices"),
    ],
)
def test_csv_reads_to_the_same_records_as_json_lines(reader: Any, stem: str) -> None:
    assert reader(FIXTURES / f"{stem}.csv") == reader(FIXTURES / f"{stem}.jsonl")


def test_csv_rules_can_be_one_json_cell(tmp_path: Path) -> None:
    rules = {"min_team_size": 2, "max_team_size": 5, "required_countries": {"RU": 1}}
    cell = json.dumps(rules).replace('"', '""')
    path = write(tmp_path, "calls.csv", "id,title,rules", f'c1,Mine safety,"{cell}"')

    assert read_calls(path)[0].rules.required_countries == {"RU": 1}


@pytest.mark.parametrize("encode", [lambda rows: rows, as_json_strings], ids=["native", "json"])
def test_parquet_reads_to_the_same_records_as_json_lines(encode: Any, tmp_path: Path) -> None:
    for reader, stem in [(read_profiles, "profiles"), (read_calls, "calls")]:
        rows = encode(jsonl_rows(FIXTURES / f"{stem}.jsonl"))
        parquet = write_parquet(rows, tmp_path / f"{stem}.parquet")

        assert reader(parquet) == reader(FIXTURES / f"{stem}.jsonl")


def test_parquet_map_columns_read_as_objects(tmp_path: Path) -> None:
    required = pa.array([[("RU", 1), ("CN", 1)]], type=pa.map_(pa.string(), pa.int64()))
    rules = pa.StructArray.from_arrays([required], names=["required_countries"])
    table = pa.table({"id": ["c1"], "title": ["Mine safety"], "rules": rules})
    pq.write_table(table, tmp_path / "calls.parquet")

    assert read_calls(tmp_path / "calls.parquet")[0].rules.required_countries == {"RU": 1, "CN": 1}


def test_ndjson_suffix_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "profiles.NDJSON"
    path.write_bytes(b'{"id": "p1", "name": "A"}\r\n\r\n{"id": "p2", "name": "B"}\r\n')

    assert [profile.id for profile in read_profiles(path)] == ["p1", "p2"]


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_bytes("\ufeff".encode() + MINIMAL_PROFILE.encode())

    assert read_profiles(path)[0].id == "p1"


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


# --------------------------------------------------------------------------- JSON Lines errors


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


def test_blank_lines_keep_physical_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", "", MINIMAL_PROFILE, "   ", "", '{"id": "p2"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 5, "name", "missing required field")


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["empty", "blank-lines"])
def test_a_file_without_records_is_reported(content: str, tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "no records")


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.jsonl"

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "no such file")


def test_an_unsupported_suffix_names_the_accepted_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.json", MINIMAL_PROFILE)

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "'.json'", ".jsonl, .ndjson, .csv, .parquet")


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_bytes(
        (MINIMAL_PROFILE + "\n").encode() + '{"id": "p2", "name": "Анна"}'.encode("cp1251")
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 2, None, "not valid UTF-8", "0xc0")


def test_a_utf16_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text(MINIMAL_PROFILE, encoding="utf-16")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "UTF-16", "save it as UTF-8")


# --------------------------------------------------------------------------- call rules


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


# --------------------------------------------------------------------------- cross references


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


# --------------------------------------------------------------------------- CSV and Parquet errors


def test_invalid_json_in_a_csv_cell_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "profiles.csv",
        "id,name,publications",
        'p1,A,"[{""title"": ""T""}]"',
        'p2,B,"[{""title"": ""T"",}]"',
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 3, "publications", "invalid JSON in the cell")


def test_csv_lines_count_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "profiles.csv",
        "id,name,summary,capacity",
        'p1,A,"first line',
        'second line",1',
        "",
        "p2,B,,two",
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 5, "capacity", "expected an integer, got 'two'")


def test_a_csv_row_with_too_many_cells_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.csv", "id,name", "p1,A", "p2,B,extra")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 3, None, "3 cells", "2 columns")


def test_a_csv_field_given_twice_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "calls.csv",
        "id,title,rules,rules.max_team_size",
        'c1,T,"{""max_team_size"": 4}",5',
    )

    with pytest.raises(InputError) as excinfo:
        read_calls(path)

    assert_located(raised(excinfo), path, 2, "rules.max_team_size", "given twice")


def test_a_csv_header_only_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.csv", "id,name")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "no records")


def test_a_duplicate_id_in_csv_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.csv", "id,name", "p1,A", "p2,B", "p1,C")

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 4, "id", "duplicate id 'p1' (first seen on line 2)")


def test_a_wrong_type_in_parquet_is_reported_by_row(tmp_path: Path) -> None:
    publications = [[{"title": "T", "year": "2020"}], [{"title": "U", "year": "abc"}]]
    path = write_parquet(
        [
            {"id": "p1", "name": "A", "publications": publications[0]},
            {"id": "p2", "name": "B", "publications": publications[1]},
        ],
        tmp_path / "profiles.parquet",
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    error = raised(excinfo)
    assert_located(error, path, 2, "publications.0.year", "expected an integer, got 'abc'")
    assert re.search(r"profiles\.parquet: row 2: field 'publications\.0\.year'", str(error))


def test_a_duplicate_id_in_parquet_names_both_rows(tmp_path: Path) -> None:
    path = write_parquet(
        [{"id": "p1", "name": "A"}, {"id": "p1", "name": "B"}], tmp_path / "profiles.parquet"
    )

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, 2, "id", "duplicate id 'p1' (first seen on row 1)")
    assert "row 2" in str(excinfo.value)


def test_a_failed_read_leaves_the_garbage_collector_on(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.jsonl", "{}")

    with pytest.raises(InputError):
        read_profiles(path)

    assert gc.isenabled()


def test_a_file_that_is_not_parquet_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.parquet", MINIMAL_PROFILE)

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "not a readable Parquet file")

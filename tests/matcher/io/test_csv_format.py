"""CSV: the same records as JSON Lines, and bad rows reported by the line they start on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matcher.errors import InputError
from matcher.io import read_calls, read_institutions, read_offices, read_profiles
from tests.matcher.io.helpers import FIXTURES, assert_located, raised, write


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

"""Parquet: native and text columns read to the same records, errors located by row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matcher.errors import InputError
from matcher.io import read_calls, read_profiles
from tests.matcher.io.helpers import (
    FIXTURES,
    MINIMAL_PROFILE,
    as_json_strings,
    assert_located,
    jsonl_rows,
    raised,
    write,
    write_parquet,
)


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


def test_a_file_that_is_not_parquet_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.parquet", MINIMAL_PROFILE)

    with pytest.raises(InputError) as excinfo:
        read_profiles(path)

    assert_located(raised(excinfo), path, None, None, "not a readable Parquet file")

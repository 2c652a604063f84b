"""Inputs: files (their suffixes and encodings), bytes and binary streams, named in errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io import FORMATS, Format, read_calls, read_offices, read_profiles
from tests.matcher.io.helpers import (
    FIXTURES,
    MINIMAL_PROFILE,
    assert_located,
    jsonl_rows,
    raised,
    write,
    write_parquet,
)


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_bytes("\ufeff".encode() + MINIMAL_PROFILE.encode())

    assert read_profiles(path)[0].id == "p1"


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


# --------------------------------------------------------------------------- bytes and streams


def parquet_bytes(stem: str, tmp_path: Path) -> bytes:
    return write_parquet(
        jsonl_rows(FIXTURES / f"{stem}.jsonl"), tmp_path / "x.parquet"
    ).read_bytes()


def content(stem: str, format: Format, tmp_path: Path) -> bytes:
    if format == "parquet":
        return parquet_bytes(stem, tmp_path)
    suffix = ".jsonl" if format == "jsonl" else ".csv"
    return (FIXTURES / f"{stem}{suffix}").read_bytes()


@pytest.mark.parametrize("format", FORMATS)
def test_bytes_read_to_the_same_records_as_the_file(format: Format, tmp_path: Path) -> None:
    data = content("profiles", format, tmp_path)

    assert read_profiles(data, format=format) == read_profiles(FIXTURES / "profiles.jsonl")


@pytest.mark.parametrize("format", FORMATS)
def test_a_binary_stream_reads_to_the_same_records_as_the_file(
    format: Format, tmp_path: Path
) -> None:
    stream = io.BytesIO(content("calls", format, tmp_path))

    assert read_calls(stream, format=format) == read_calls(FIXTURES / "calls.jsonl")


@pytest.mark.parametrize("name", ["upload.CSV", "offices.csv"])
def test_a_name_with_a_suffix_gives_the_format(name: str) -> None:
    data = (FIXTURES / "offices.csv").read_bytes()

    assert read_offices(data, name=name) == read_offices(FIXTURES / "offices.jsonl")


def test_an_open_file_gives_its_name_and_format(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.csv", "id,name", "p1,A", "p2,")

    with path.open("rb") as stream, pytest.raises(InputError) as excinfo:
        read_profiles(stream)

    assert_located(raised(excinfo), path, 3, "name", "missing required field")


def test_errors_in_bytes_name_the_input_like_a_file() -> None:
    body = "\n".join([MINIMAL_PROFILE, "", "", '{"id": "", "name": "B"}']).encode()

    with pytest.raises(InputError) as excinfo:
        read_profiles(body, format="jsonl", name="request body")

    assert str(excinfo.value) == "request body:4: field 'id': must not be empty"
    assert (excinfo.value.path, excinfo.value.line) == ("request body", 4)


def test_errors_in_csv_bytes_name_the_input_and_line() -> None:
    with pytest.raises(InputError) as excinfo:
        read_profiles(b"id,name\np1,A\np1,B\n", format="csv", name="upload")

    assert str(excinfo.value) == ("upload:3: field 'id': duplicate id 'p1' (first seen on line 2)")


def test_errors_in_parquet_bytes_name_the_input_and_row(tmp_path: Path) -> None:
    rows = [{"id": "p1", "name": "A", "capacity": "1"}, {"id": "p2", "name": "B", "capacity": "x"}]
    data = write_parquet(rows, tmp_path / "profiles.parquet").read_bytes()

    with pytest.raises(InputError) as excinfo:
        read_profiles(data, name="upload.parquet")

    assert str(excinfo.value) == (
        "upload.parquet: row 2: field 'capacity': expected an integer, got 'x'"
    )


def test_without_a_name_errors_give_the_line_or_row(tmp_path: Path) -> None:
    data = write_parquet([{"id": "p1"}], tmp_path / "profiles.parquet").read_bytes()

    with pytest.raises(InputError) as jsonl_error:
        read_profiles(b'{"id": "p1"}\n', format="jsonl")
    with pytest.raises(InputError) as parquet_error:
        read_profiles(data, format="parquet")

    assert str(jsonl_error.value) == "line 1: field 'name': missing required field"
    assert str(parquet_error.value) == "row 1: field 'name': missing required field"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file holds no records"),
        ("Анна".encode("cp1251"), "not valid UTF-8"),
        (b"not parquet", "not a readable Parquet file"),
    ],
    ids=["empty", "not-utf8", "not-parquet"],
)
def test_bad_bytes_are_reported_with_the_name(data: bytes, reason: str) -> None:
    format: Format = "parquet" if reason.startswith("not a readable") else "jsonl"

    with pytest.raises(InputError) as excinfo:
        read_profiles(data, format=format, name="request body")

    assert str(excinfo.value).startswith("request body")
    assert reason in str(excinfo.value)


@pytest.mark.parametrize("name", [None, "request body"])
def test_bytes_without_a_format_are_refused_clearly(name: str | None) -> None:
    with pytest.raises(ValueError, match=r"cannot tell the format .*pass format= \(jsonl, csv"):
        read_profiles(MINIMAL_PROFILE.encode(), name=name)


def test_a_stream_without_a_format_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="cannot tell the format of bytes or a stream"):
        read_profiles(io.BytesIO(MINIMAL_PROFILE.encode()))


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'json'; expected one of jsonl, csv"):
        read_profiles(MINIMAL_PROFILE.encode(), format="json")  # type: ignore[arg-type]


def test_a_name_with_an_unsupported_suffix_is_reported_like_a_file() -> None:
    with pytest.raises(InputError) as excinfo:
        read_profiles(MINIMAL_PROFILE.encode(), name="upload.json")

    assert str(excinfo.value) == (
        "upload.json: unsupported file type ('.json'); "
        "accepted suffixes: .jsonl, .ndjson, .csv, .parquet"
    )


def test_a_text_stream_is_refused() -> None:
    with pytest.raises(TypeError, match="binary stream"):
        read_profiles(io.StringIO(MINIMAL_PROFILE), format="jsonl")  # type: ignore[arg-type]


def test_a_format_overrides_the_suffix_and_a_name_the_path(tmp_path: Path) -> None:
    path = write(tmp_path, "export.txt", MINIMAL_PROFILE, '{"id": "p2"}')

    with pytest.raises(InputError) as excinfo:
        read_profiles(path, format="jsonl", name="the export")

    assert str(excinfo.value) == "the export:2: field 'name': missing required field"

"""Shared helpers of the loader tests: writing inputs, and checking that errors are located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matcher.errors import InputError

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "io"

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

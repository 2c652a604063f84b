"""JSON Lines: one JSON object per line, read strictly and written atomically.

Blank lines are skipped and errors still give the physical line number; a key repeated
inside one object, ``NaN`` and ``Infinity`` are errors. The strict decoder is shared with
the JSON held in CSV and Parquet cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final, TextIO

from pydantic import BaseModel

from matcher.io.atomic import atomic_text_writer
from matcher.io.locations import Place, RawRecords
from matcher.io.sources import Input, PathArg


def json_lines_objects(source: Input, model: type[BaseModel]) -> RawRecords:
    """The JSON object of every non-blank line, with its place.

    ``model`` is unused: JSON already has the record's shape (it is there so that every
    format's reader has one signature).
    """
    text = source.read_text()
    # Split on "\n" only: str.splitlines() also splits on U+2028 and friends, which JSON
    # allows raw inside strings, and would shift every later line number.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        place = Place(source.name, number)
        try:
            value = parse_json(line)
        except ValueError as error:
            raise place.error(f"invalid JSON: {json_reason(error)}") from None
        if not isinstance(value, dict):
            raise place.error(f"expected a JSON object, got {_json_kind(value)}")
        yield place, value


def parse_json(text: str) -> Any:
    """Decode JSON, rejecting repeated keys, ``NaN`` and ``Infinity``.

    Raises
    ------
    ValueError
        With a reason :func:`json_reason` puts in words.
    """
    return _DECODER.decode(text)


def json_reason(error: ValueError) -> str:
    """Why :func:`parse_json` failed, with the column (and line, for multi-line text)."""
    if isinstance(error, json.JSONDecodeError):
        where = f"line {error.lineno}, column {error.colno}" if error.lineno > 1 else ""
        return f"{error.msg} at {where or f'column {error.colno}'}"
    return str(error)


def write_jsonl(records: Iterable[BaseModel], path: PathArg) -> int:
    """Write records as JSON Lines, atomically.

    The lines go to a temporary file in the target's directory, which is flushed to disk
    and then renamed over the target: a reader sees the old file or the complete new one,
    never a half-written file, even if writing fails or the machine stops.

    Parameters
    ----------
    records : iterable of pydantic.BaseModel
        The records, each written as ``model_dump(mode="json", exclude_none=True)``
        (extra fields included), UTF-8 without escaping non-ASCII text.
    path : str or os.PathLike
        The file to write; replaced if it exists.

    Returns
    -------
    int
        The number of records written.

    Raises
    ------
    OSError
        If the directory does not exist or cannot be written; the target is then untouched.
    """
    with atomic_text_writer(path) as stream:
        return _write_lines(records, stream)


class _JsonProblem(ValueError):
    """JSON that the standard decoder accepts but the interchange format does not."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _JsonProblem(f"duplicate key {_first_repeated(key for key, _ in pairs)!r}")
    return result


def _first_repeated(keys: Iterable[str]) -> str:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no key is repeated")


def _reject_constant(name: str) -> Any:
    raise _JsonProblem(f"{name} is not a JSON value")


# One decoder for every line: json.loads with hooks would build a new one each call.
_DECODER: Final = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_reject_constant)


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return "a number"


def _write_lines(records: Iterable[BaseModel], stream: TextIO) -> int:
    count = 0
    for record in records:
        data = record.model_dump(mode="json", exclude_none=True)
        stream.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count

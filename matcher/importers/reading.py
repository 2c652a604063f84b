"""Reading helpers the importers share: JSON Lines and delimited text with their places,
typed access to nested JSON with located errors, and stable ids.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.countries import normalize_country
from matcher.errors import InputError
from matcher.importers.base import ImportFile
from matcher.io.csv_format import checked_header
from matcher.io.json_lines import json_reason, parse_json
from matcher.io.locations import Place, dotted, explain
from matcher.names import name_key

#: The separators a delimited text file may use; the header line tells which.
DELIMITERS: Final = (",", ";", "\t")
_CELL_LIMIT: Final = 64 * 1024 * 1024

Record = TypeVar("Record", bound=BaseModel)


def json_lines(file: ImportFile) -> Iterator[tuple[Place, dict[str, Any]]]:
    """The JSON object of every non-blank line of ``file``, with its place.

    Strict as the interchange loader (the same decoder and messages): a repeated key,
    ``NaN``, a line that is not an object are located errors. Lines are decoded one at a
    time, never the whole file at once: a snapshot part is hundreds of MiB.
    """
    for number, raw in enumerate(io.BytesIO(file.content()), start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                f"not valid UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                path=file.name,
                line=number,
            ) from None
        if not line.strip():
            continue
        place = Place(file.name, number)
        try:
            value = parse_json(line)
        except ValueError as error:
            raise place.error(f"invalid JSON: {json_reason(error)}") from None
        if not isinstance(value, dict):
            raise place.error(f"expected a JSON object, got {type(value).__name__}")
        yield place, value


def sniff_delimiter(text: str) -> str:
    """The separator of a delimited text: the one of ``,``, ``;`` and tab that the first
    non-blank line (the header) holds most often; ``,`` when it holds none."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def delimited_rows(
    file: ImportFile, text: str | None = None
) -> tuple[list[str], Iterator[tuple[Place, dict[str, str]]]]:
    """The header and the rows of a delimited text file (``,``, ``;`` or tab, sniffed).

    ``text`` is the decoded content when the caller decoded it (another encoding than
    UTF-8); by default the file is read as UTF-8.

    Returns
    -------
    header : list of str
        The column names, stripped.
    rows : iterator of (Place, dict)
        Each non-blank data row's place (the line it starts on, the header being line 1
        when it is the first line) and its cells by column.

    Raises
    ------
    InputError
        The file is empty, a header cell is empty or repeated, a row has a different
        number of cells than the header, or the quoting is broken.
    """
    text = file.text() if text is None else text
    chosen = sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen, strict=True)
    header: list[str] | None = None
    header_line = 0
    last_line = 0
    try:
        for row in reader:
            place = Place(file.name, last_line + 1)
            last_line = reader.line_num
            if any(cell.strip() for cell in row):
                header, header_line = check_header(row, place), place.number
                break
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", path=file.name, line=reader.line_num) from None
    if header is None:
        raise InputError("the file is empty (no header row)", path=file.name)
    columns = header

    def rows() -> Iterator[tuple[Place, dict[str, str]]]:
        nonlocal last_line
        try:
            for row in reader:
                place = Place(file.name, last_line + 1)
                last_line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(columns):
                    raise place.error(
                        f"the row has {len(row)} cells but the header (line {header_line}) has "
                        f"{len(columns)} columns (separator {chosen!r})"
                    )
                yield place, dict(zip(columns, row, strict=True))
        except csv.Error as error:
            raise InputError(
                f"malformed CSV: {error}", path=file.name, line=reader.line_num
            ) from None

    return columns, rows()


def check_header(row: Sequence[object], place: Place) -> list[str]:
    """The stripped column names of a header row; empty or repeated names are errors."""
    names = ["" if cell is None else str(cell).strip() for cell in row]
    while names and not names[-1]:  # spreadsheets often carry empty trailing columns
        names.pop()
    return checked_header(names, place)


@contextmanager
def located(place: Place, field: str | None) -> Iterator[None]:
    """Turn a ``ValueError`` raised inside the block into an :class:`InputError` at ``place``."""
    try:
        yield
    except InputError:
        raise
    except ValueError as error:
        raise place.error(str(error), field) from None


def where(place: Place) -> str:
    """A place as import reports show it: ``file.csv:4`` or ``file.xlsx: row 4``."""
    if place.unit == "row":
        return f"{place.source}: row {place.number}"
    return f"{place.source}:{place.number}"


def country_at(value: object, place: Place, field: str) -> str | None:
    """A country code from a code or a name; empty means unknown (``None``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise place.error(f"expected a country code or name, got {value!r}", field)
    with located(place, field):
        return normalize_country(value)


def text_at(obj: dict[str, Any], key: str, place: Place, field: str) -> str | None:
    """``obj[key]`` as stripped text, ``None`` when absent, null or blank."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise place.error(f"expected a string, got {type(value).__name__}", field)
    return value.strip() or None


def object_at(obj: dict[str, Any], key: str, place: Place, field: str) -> dict[str, Any]:
    """``obj[key]`` as an object, ``{}`` when absent or null."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise place.error(f"expected an object, got {type(value).__name__}", field)
    return value


def list_at(obj: dict[str, Any], key: str, place: Place, field: str) -> list[Any]:
    """``obj[key]`` as a list, ``[]`` when absent or null."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise place.error(f"expected a list, got {type(value).__name__}", field)
    return value


def year_at(value: object, place: Place, field: str) -> int | None:
    """A publication year from a number or ``YYYY...`` text; out of 1900-2100 is ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise place.error(f"expected a year, got {value!r}", field)
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and value.strip()[:4].isdigit():
        year = int(value.strip()[:4])
    else:
        raise place.error(f"expected a year, got {value!r}", field)
    return year if 1900 <= year <= 2100 else None


def stable_id(prefix: str, *parts: str) -> str:
    """A short id that the same (normalised) parts always get: ``org-3f9c2a71d0``."""
    digest = hashlib.sha1("\x1f".join(name_key(part) for part in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:10]}"


def top_keywords(counts: dict[str, int], limit: int = 10) -> list[str]:
    """The ``limit`` most frequent keywords, ties in first-seen order."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return [keyword for keyword, _ in ranked[:limit]]


def validated(model: type[Record], place: Place | None, source: str, **values: Any) -> Record:
    """``model(**values)``, a validation error located at ``place`` (or ``source``)."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        if place is not None:
            raise place.error(explain(first), dotted(first["loc"])) from None
        raise InputError(explain(first), path=source, field=dotted(first["loc"])) from None

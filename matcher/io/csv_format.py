"""CSV: a header row naming the fields, then one record per row, cells as in :mod:`.cells`.

Blank rows are skipped; every other row must have as many cells as the header has columns.
Errors give the line a row starts on, the header being line 1, counting line breaks inside
quoted cells.
"""

from __future__ import annotations

import csv
import io
from typing import Final

from pydantic import BaseModel

from matcher.errors import InputError
from matcher.io.cells import record_from_cells
from matcher.io.locations import Place, RawRecords
from matcher.io.sources import Input

# Python's default (131,072 characters) is too small for a publications cell holding
# a prolific author's abstracts. Raising a process-wide limit only makes other readers
# more permissive, so it is never lowered back.
_CSV_CELL_LIMIT: Final = 64 * 1024 * 1024


def csv_objects(source: Input, model: type[BaseModel]) -> RawRecords:
    """The fields of every non-blank data row, with its place."""
    text = source.read_text()
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_CELL_LIMIT))
    # newline="" keeps quoted line breaks inside cells, as the csv module requires.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    last_line = 0
    try:
        for row in reader:
            place = Place(source.name, last_line + 1)
            last_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_line = _csv_header(row, place), place.number
                continue
            if len(row) != len(header):
                raise place.error(
                    f"the row has {len(row)} cells but the header (line {header_line}) "
                    f"has {len(header)} columns"
                )
            yield place, record_from_cells(model, zip(header, row, strict=True), place)
    except csv.Error as error:
        raise InputError(
            f"malformed CSV: {error}", path=source.name, line=reader.line_num
        ) from None


def _csv_header(row: list[str], place: Place) -> list[str]:
    return checked_header([name.strip() for name in row], place)


def checked_header(names: list[str], place: Place) -> list[str]:
    """``names`` (a header's column names, stripped), once none is empty or repeated.

    Raises
    ------
    InputError
        At ``place``, naming the empty column's position or the repeated name.
    """
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise place.error(f"column {position} of the header has no name")
        if name in seen:
            raise place.error(f"column {name!r} appears twice in the header")
        seen.add(name)
    return names

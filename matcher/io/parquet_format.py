"""Parquet: one record per row, read with pyarrow; cells as in :mod:`.cells`.

Columns may be native (list, struct, map) or hold text. Errors give ``row N``, counting the
first data row as 1.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from matcher.errors import InputError
from matcher.io.cells import record_from_cells
from matcher.io.locations import Place, RawRecords
from matcher.io.sources import Input, require_file


def parquet_objects(source: Input, model: type[BaseModel]) -> RawRecords:
    """The fields of every row, with its place."""
    rows = _read_parquet_rows(source)
    for number, row in enumerate(rows, start=1):
        place = Place(source.name, number, unit="row")
        yield place, record_from_cells(model, row.items(), place)


def _read_parquet_rows(source: Input) -> list[dict[str, Any]]:
    # pyarrow is heavy: imported only when Parquet is read.
    import pyarrow as pa
    import pyarrow.parquet as pq

    if source.path is not None:
        require_file(source.path, source.name)
    # A file is given to pyarrow by path so that it can map it rather than copy it.
    where = source.path if source.path is not None else pa.BufferReader(source.read_bytes())
    try:
        table = pq.read_table(where)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"not a readable Parquet file: {error}", path=source.name) from None
    rows: list[dict[str, Any]] = table.to_pylist(maps_as_pydicts="strict")
    return rows

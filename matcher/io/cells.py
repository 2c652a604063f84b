"""The cell conventions CSV and Parquet share: how a table's cells become a record's fields.

* an empty cell (or one holding only spaces, or a Parquet null) means the field is absent;
* list fields take a JSON array (``["coal", "safety"]``) or a ``;``-separated string
  (``coal; safety``);
* object fields (``publications``, ``rules``, ``contact``, ``rules.required_countries``)
  take JSON; a column named ``rules.max_team_size`` sets one field of ``rules``;
* a native (non-text) Parquet value is taken as it is, a null inside a struct meaning absent;
* a column the model does not define is kept as text (an extra field).
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any, Final, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from matcher.io.json_lines import json_reason, parse_json
from matcher.io.locations import Place

LIST_SEPARATOR: Final = ";"


class _Absent:
    """Marks a cell that leaves its field out (an empty cell or a null)."""


_ABSENT: Final = _Absent()

_Shape = Literal["scalar", "list", "object"]


def record_from_cells(
    model: type[BaseModel],
    cells: Iterable[tuple[str, object]],
    place: Place,
    prefix: str = "",
) -> dict[str, Any]:
    """Build a record's fields from (column, value) pairs.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The record's model: its field types say which cells hold lists and objects.
    cells : iterable of (str, object)
        The column names and cell values of one row; ``head.rest`` columns fill object fields.
    place : Place
        Where the row is, for errors.
    prefix : str
        The dotted path of ``model`` inside the record, for errors in nested fields.

    Returns
    -------
    dict
        The fields, ready for ``model.model_validate``.

    Raises
    ------
    InputError
        If a cell holds invalid JSON or a field is given twice.
    """
    record: dict[str, Any] = {}
    nested: dict[str, list[tuple[str, object]]] = {}
    for column, value in cells:
        head, dot, rest = column.partition(".")
        if dot and _nested_model(model, head) is not None:
            nested.setdefault(head, []).append((rest, value))
            continue
        decoded = _decode_cell(_shape(model, column), value, place, prefix + column)
        if decoded is not _ABSENT:
            record[column] = decoded
    for head, subcells in nested.items():
        submodel = _nested_model(model, head)
        assert submodel is not None  # checked when the column was grouped
        parts = record_from_cells(submodel, subcells, place, f"{prefix}{head}.")
        if parts:
            _merge_parts(record, head, parts, place, prefix)
    return record


def _merge_parts(
    record: dict[str, Any], head: str, parts: dict[str, Any], place: Place, prefix: str
) -> None:
    whole = record.setdefault(head, {})
    if not isinstance(whole, dict):
        raise place.error(
            f"expected an object to merge the '{prefix}{head}.*' columns into", prefix + head
        )
    for key, value in parts.items():
        if key in whole:
            raise place.error(
                f"given twice: in column '{prefix}{head}' and in column '{prefix}{head}.{key}'",
                f"{prefix}{head}.{key}",
            )
        whole[key] = value


def _decode_cell(shape: _Shape, value: object, place: Place, name: str) -> object:
    if value is None:
        return _ABSENT
    if not isinstance(value, str):
        return _without_nulls(value)
    if not value.strip():
        return _ABSENT
    if shape == "scalar":
        return value
    if shape == "list" and not value.lstrip().startswith("["):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    try:
        return parse_json(value)
    except ValueError as error:
        raise place.error(f"invalid JSON in the cell: {json_reason(error)}", name) from None


def _without_nulls(value: object) -> object:
    """Drop null members of objects: a null in a Parquet struct means the field is absent."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) if isinstance(item, dict | list) else item for item in value]
    return value


@cache
def _shape(model: type[BaseModel], name: str) -> _Shape:
    info = model.model_fields.get(name)
    return "scalar" if info is None else _shape_of(info.annotation)


@cache
def _nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    info = model.model_fields.get(name)
    return None if info is None else _model_in(info.annotation)


def _shape_of(annotation: Any) -> _Shape:
    annotation = _unwrap(annotation)
    origin = get_origin(annotation) or annotation
    if origin in (list, tuple, set, frozenset):
        return "list"
    if origin is dict or _model_in(annotation) is not None:
        return "object"
    return "scalar"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to ``X``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return _unwrap(options[0])
    return annotation

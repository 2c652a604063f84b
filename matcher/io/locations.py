"""Where a record sits in its input, and error messages a person preparing a file understands.

Every reader locates a problem with a :class:`Place` (a physical line of a text file, or a
Parquet row) and turns pydantic's validation errors into words with :func:`explain`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from pydantic_core import ErrorDetails

from matcher.errors import InputError


class RowInputError(InputError):
    """An :class:`InputError` located by Parquet row rather than by text line."""

    @property
    def message(self) -> str:
        what = f"field '{self.field}': " if self.field else ""
        where = f"{self.path}: row {self.line}" if self.path is not None else f"row {self.line}"
        return f"{where}: {what}{self.reason}"


@dataclass(frozen=True)
class Place:
    """Where a record sits: a physical line of a text input, or a 1-based Parquet row.

    ``source`` is the name the input goes by in messages (a file path, or a name such as
    ``request body``); ``None`` leaves it out.
    """

    source: str | None
    number: int
    unit: Literal["line", "row"] = "line"

    def error(self, reason: str, field: str | None = None) -> InputError:
        """An :class:`InputError` at this place, for ``field`` (dotted) when given."""
        kind = RowInputError if self.unit == "row" else InputError
        return kind(reason, path=self.source, line=self.number, field=field)

    def describe(self) -> str:
        """``line N`` or ``row N``, as other messages refer to this place."""
        return f"{self.unit} {self.number}"


RawRecords: TypeAlias = Iterator[tuple[Place, dict[str, Any]]]
"""What each format's reader yields: every record's place and its fields, not yet validated."""


_EXPECTED: Final = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "date_type": "a date like 2025-03-31",
    "date_parsing": "a date like 2025-03-31",
    "date_from_datetime_parsing": "a date like 2025-03-31",
    "date_from_datetime_inexact": "a date like 2025-03-31",
}

_BOUNDS: Final = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "above"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "below"),
}


def explain(error: ErrorDetails) -> str:
    """Pydantic's error in words a person preparing a data file understands.

    Parameters
    ----------
    error : pydantic_core.ErrorDetails
        One entry of ``ValidationError.errors()``.

    Returns
    -------
    str
        The reason, e.g. ``expected an integer, got 'abc'``.
    """
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = _show(error["input"])
    if kind == "missing":
        return "missing required field"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {got}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {got}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}, got {got}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must have at least {ctx['min_length']} characters, got {got}"
    message = error["msg"]
    return f"{message[:1].lower()}{message[1:]}, got {got}"


def dotted(loc: tuple[int | str, ...]) -> str | None:
    """Pydantic's error location as a dotted field (``publications.0.year``), or ``None``."""
    # "[key]" marks an error in a dict key (e.g. a country code); the key itself names it.
    parts = [str(part) for part in loc if part != "[key]"]
    return ".".join(parts) or None


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else _json_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # a circular structure cannot come from a file, but never fail here
        return repr(value)

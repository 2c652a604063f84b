"""What every request schema shares: no NUL characters anywhere in the input; and the
rule for the id of a new record."""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, field_validator, model_validator

MAX_ID_LENGTH = 200
"""The longest id: the path parameters of the record endpoints accept no longer one."""

_PATH_BREAKERS = "/?#\\"


def unreadable_id(identifier: str) -> str | None:
    """Why a new record's id could not be read back at ``/{kind}/{id}``, or ``None``.

    Refused: characters that end or split a path segment (``/ ? # \\``), control
    characters, leading or trailing white space (clients and proxies trim it), the dot
    segments ``.`` and ``..`` (clients resolve them away), and more than
    :data:`MAX_ID_LENGTH` characters.
    """
    if len(identifier) > MAX_ID_LENGTH:
        return f"an id has at most {MAX_ID_LENGTH} characters"
    if identifier != identifier.strip():
        return "an id cannot start or end with white space"
    if identifier in (".", ".."):
        return "an id cannot be '.' or '..'"
    for character in identifier:
        if character in _PATH_BREAKERS:
            return f"an id cannot contain {character!r} (a path cannot carry it)"
        if unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp"):
            return f"an id cannot contain the control character {character!r}"
    return None


def find_nul(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL character, or ``None``."""
    if isinstance(value, str):
        return path or "value" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = find_nul(item, where)
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            found = find_nul(item, f"{path}.{position}" if path else str(position))
            if found is not None:
                return found
    return None


class RequestModel(BaseModel):
    """Base of request bodies. Text with NUL characters is refused: PostgreSQL cannot
    store it, and no real name, id or abstract contains one."""

    @model_validator(mode="before")
    @classmethod
    def _reject_nul(cls, data: Any) -> Any:
        found = find_nul(data)
        if found is not None:
            raise ValueError(f"field '{found}' contains a NUL character")
        return data


class NewRecord(RequestModel):
    """Base of the schemas that create a record: its id must be readable back by path."""

    @field_validator("id", mode="before", check_fields=False)
    @classmethod
    def _readable_id(cls, value: Any) -> Any:
        if isinstance(value, str):
            problem = unreadable_id(value)
            if problem is not None:
                raise ValueError(problem)
        return value

"""What every request schema shares: no NUL characters anywhere in the input."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator


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

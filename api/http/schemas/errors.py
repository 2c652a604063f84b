"""The body of every 4xx answer: what is wrong, and where."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Problem(BaseModel):
    """One problem: the field (dotted, prefixed by where it came from: ``body``,
    ``query``, ``path``, or ``line N`` of an import), the value, and the reason."""

    field: str | None = None
    value: Any = None
    reason: str
    line: int | None = None


class ErrorBody(BaseModel):
    """A 4xx answer: ``detail`` is a one-line summary, ``errors`` the problems."""

    detail: str
    errors: list[Problem] = []

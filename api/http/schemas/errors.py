"""The body of every 4xx answer: what is wrong, and where."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator

from api.http.privacy import is_private_path, scrub


class Problem(BaseModel):
    """One problem: the field (dotted, prefixed by where it came from: ``body``,
    ``query``, ``path``, or ``line N`` of an import), the value, and the reason.

    The value of a private field (a profile's ``contact``) is never shown, and private
    fields are removed from a value that is a whole object: every error path builds its
    problems with this class, so none can echo contact data.
    """

    field: str | None = None
    value: Any = None
    reason: str
    line: int | None = None

    @model_validator(mode="after")
    def _no_private_value(self) -> Problem:
        if is_private_path(self.field):
            self.value = None
        else:
            self.value = scrub(self.value)
        return self


class ErrorBody(BaseModel):
    """A 4xx answer: ``detail`` is a one-line summary, ``errors`` the problems."""

    detail: str
    errors: list[Problem] = []

"""Errors that reach the user: each says where the problem is and why."""

from __future__ import annotations

from pathlib import Path


class GrantmatchError(Exception):
    """Base class of every error grantmatch reports to a user (CLI exit code 2, API 4xx)."""


class InputError(GrantmatchError):
    """Bad input data, located by file, line (or row) and field.

    Parameters
    ----------
    reason : str
        Why the value is rejected, in words a user understands.
    path : str or Path, optional
        The file the value came from.
    line : int, optional
        1-based line number (JSON Lines) or row number counting the header as line 1 (CSV).
    field : str, optional
        Dotted path of the offending field, e.g. ``publications.0.year``.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {what}{self.reason}" if where else f"{what}{self.reason}"


class UnknownIdError(GrantmatchError):
    """An id given by the user (a call, a profile, an office) is not in the data."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"no {kind} with id {identifier!r}")

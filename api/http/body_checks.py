"""A cheap scan of a request body before anything parses it: nesting depth, string length,
record size, UTF-8 and lone UTF-16 surrogates.

Every body the service takes is JSON (one record) or JSON Lines (an import), so one scan
serves both: it walks the strings and brackets of the text and never builds the values.
Parsers then only ever see bodies they handle safely: Python's JSON decoder recurses once
per level (a thousand levels is a ``RecursionError``), pydantic refuses to serialise deep
values, and neither SQLite nor PostgreSQL can store a lone surrogate.

A *record* is one top-level JSON value: the body of a create or an update, one line of an
import. Problems are located by the body's line, as the import loaders locate theirs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

_TOKENS: Final = re.compile(rb'[\[\]{}]|"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A bracket, or a whole JSON string (escapes included)."""

_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")
"""The escape of a UTF-16 surrogate (paired or not)."""

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
"""A surrogate left in decoded text: JSON decoding joins every well-formed pair."""

_OPENING: Final = frozenset(b"[{")
_QUOTE: Final = ord('"')


@dataclass(frozen=True)
class BodyLimits:
    """What a body may hold (see :class:`api.http.settings.Settings`).

    Attributes
    ----------
    max_depth : int
        Deepest nesting of arrays and objects in one record (the record itself is 1).
    max_string_chars : int
        Longest string (a value or a key), in characters once decoded.
    max_record_bytes : int
        Largest record, in bytes of the body.
    """

    max_depth: int
    max_string_chars: int
    max_record_bytes: int


@dataclass(frozen=True)
class BodyProblem:
    """Why a body is refused: the HTTP status, the body line and the reason."""

    status: int
    line: int
    reason: str

    @property
    def detail(self) -> str:
        """The one-line summary, in the loaders' ``body line N: ...`` style."""
        return f"body line {self.line}: {self.reason}"


def first_problem(body: bytes, limits: BodyLimits) -> BodyProblem | None:
    """The first thing in ``body`` that breaks ``limits`` or is not text, or ``None``.

    Parameters
    ----------
    body : bytes
        The whole request body.
    limits : BodyLimits
        The bounds to enforce.
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return BodyProblem(422, _line(body, error.start), "the body is not valid UTF-8 text")
    # Only bodies that escape a surrogate at all pay for decoding their strings.
    check_surrogates = _SURROGATE_ESCAPE.search(body) is not None
    depth = 0
    record_start = 0
    for token in _TOKENS.finditer(body):
        first = token.group()[0]
        if first == _QUOTE:
            problem = _string_problem(token.group(), limits.max_string_chars, check_surrogates)
        elif first in _OPENING:
            if depth == 0:
                record_start = token.start()
            depth += 1
            problem = _depth_problem(depth, limits.max_depth)
        else:
            depth = max(depth - 1, 0)  # an unbalanced bracket is the parser's to report
            problem = None
        in_record = depth > 0 or first != _QUOTE  # a closing bracket ends its record
        if problem is None and in_record:
            problem = _size_problem(token.end() - record_start, limits)
        if problem is not None:
            status, reason = problem
            return BodyProblem(status, _line(body, token.start()), reason)
    return None


def _string_problem(token: bytes, max_chars: int, check_surrogates: bool) -> tuple[int, str] | None:
    # The escaped form is never shorter than the text, so most strings need no decoding.
    too_long_maybe = len(token) - 2 > max_chars
    if not too_long_maybe and not (check_surrogates and _SURROGATE_ESCAPE.search(token)):
        return None
    try:
        text: str = json.loads(token)
    except ValueError:
        return None  # a malformed escape: the parser names it
    if len(text) > max_chars:
        return 422, f"a string of {len(text)} characters (at most {max_chars})"
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:
        code = f"\\u{ord(lone.group()):04x}"
        return 422, f"a string holds a lone UTF-16 surrogate ({code}), which is not text"
    return None


def _depth_problem(depth: int, max_depth: int) -> tuple[int, str] | None:
    if depth > max_depth:
        return 422, f"arrays and objects nested deeper than {max_depth} levels"
    return None


def _size_problem(size: int, limits: BodyLimits) -> tuple[int, str] | None:
    if size > limits.max_record_bytes:
        return 413, f"a record larger than {limits.max_record_bytes} bytes"
    return None


def _line(body: bytes, offset: int) -> int:
    return body.count(b"\n", 0, offset) + 1


__all__ = ["BodyLimits", "BodyProblem", "first_problem"]

"""Which fields are private, and how an error body is kept from echoing them.

One list of private fields for the whole service: the record views
(:mod:`api.http.views`) withhold them from callers who may not see them, and every
problem of an error body (:class:`api.http.schemas.errors.Problem`) drops their values,
whoever asks, so that no error path can echo contact data.
"""

from __future__ import annotations

from typing import Any

PRIVATE_FIELDS: dict[str, frozenset[str]] = {
    "profiles": frozenset({"contact"}),
    "institutions": frozenset(),
    "offices": frozenset(),
    "calls": frozenset(),
}
"""The private fields of each kind of record (top-level names of the interchange form)."""

_PRIVATE_NAMES = frozenset().union(*PRIVATE_FIELDS.values())


def is_private_path(field: str | None) -> bool:
    """Whether a dotted field (``body.contact.email``, ``line 3 contact``) lies in a
    private field of any kind of record."""
    if not field:
        return False
    parts = field.replace(" ", ".").split(".")
    return any(part in _PRIVATE_NAMES for part in parts)


def scrub(value: Any) -> Any:
    """``value`` without the private fields of any mapping inside it."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in _PRIVATE_NAMES}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def scrub_reason(field: str | None, reason: str) -> str:
    """A reason without the offending value when the field is private.

    The loaders' reasons end with ``, got <value>``; that tail is cut.
    """
    if not is_private_path(field):
        return reason
    head, _, _ = reason.partition(", got ")
    return f"{head} (the value of a private field is not shown)"

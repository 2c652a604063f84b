"""Who may change which fields: one table per kind of record and role, checked for every
edit in one place (:func:`check_edit`).

Structural fields decide where a record sits in the matching (an office's host country,
operator, partner institutions, status, capacity, services; a profile's institution,
country, kind, capacity) and so whom it reaches; they belong to admin and coordinators.
A researcher edits the content of their own profile; office staff edit their own office's
name. Fields outside a role's list are refused, unknown extra fields included.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.http.auth import Principal
from api.http.errors import ApiError
from api.http.schemas.errors import Problem

EVERY_FIELD = None
"""A role that may change every field of a kind."""

PROFILE_CONTENT = frozenset(
    {
        "name",
        "languages",
        "keywords",
        "summary",
        "publications",
        "collaborators",
        "conflicts",
        "career_stage",
        "contact",
    }
)
"""What a researcher may change in their own profile."""

OFFICE_CONTENT = frozenset({"name"})
"""What an office's staff may change in their own office."""

EDITABLE: dict[str, dict[str, frozenset[str] | None]] = {
    "profiles": {"admin": EVERY_FIELD, "coordinator": EVERY_FIELD, "researcher": PROFILE_CONTENT},
    "offices": {"admin": EVERY_FIELD, "coordinator": EVERY_FIELD, "office_staff": OFFICE_CONTENT},
    "institutions": {"admin": EVERY_FIELD, "coordinator": EVERY_FIELD},
    "calls": {"admin": EVERY_FIELD, "coordinator": EVERY_FIELD},
}
"""The fields each role may change, by kind of record; a role not listed changes none.
Bound roles change only their own record (see :func:`owns`)."""


def owns(principal: Principal, collection: str, record_id: str) -> bool:
    """Whether a bound caller's binding is this record (a researcher's profile, an office
    staff member's office); unbound roles own nothing."""
    own_collection = {"researcher": "profiles", "office_staff": "offices"}.get(principal.role)
    return own_collection == collection and principal.binding == record_id


def check_edit(
    principal: Principal, collection: str, record_id: str, fields: Iterable[str]
) -> None:
    """Refuse an edit the caller may not make.

    Parameters
    ----------
    principal : Principal
        The caller.
    collection : str
        The kind of record.
    record_id : str
        The record edited.
    fields : iterable of str
        The fields the edit changes.

    Raises
    ------
    ApiError
        403 when the role may not edit this kind or this record, or naming each field
        it may not change.
    """
    table = EDITABLE[collection]
    role = principal.role
    if role not in table:
        raise _refused(f"the {role} role may not edit {collection}")
    allowed = table[role]
    if allowed is EVERY_FIELD:
        return
    if not owns(principal, collection, record_id):
        raise _refused(f"a {role} edits only their own {collection[:-1]}")
    refused = sorted(set(fields) - allowed)
    if refused:
        raise ApiError(
            403,
            f"the {role} role may not change {', '.join(refused)} (may change: "
            f"{', '.join(sorted(allowed))})",
            [
                Problem(field=f"body.{name}", reason=f"the {role} role may not change it")
                for name in refused
            ],
        )


def _refused(reason: str) -> ApiError:
    return ApiError(403, reason, [Problem(field="header.X-API-Key", reason=reason)])

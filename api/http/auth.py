"""API keys and roles.

Keys come from ``GRANTMATCH_API_KEYS`` (see :class:`api.http.settings.Settings`) and from the
admin endpoint ``POST /keys``, which stores only their SHA-256. A request names its key in
the ``X-API-Key`` header.

Roles: ``admin`` (everything, the audit trail, keys), ``coordinator`` (records, answers,
jobs), ``office_staff`` bound to one office (answers; decides the introductions through
its office), ``researcher`` bound to one profile (answers; edits its own profile; asks
for introductions).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any, get_args

from api.http.settings import ServiceRole

ROLES: tuple[str, ...] = get_args(ServiceRole)
BOUND_ROLES = ("office_staff", "researcher")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role, its binding (office or profile id), and a name for the
    audit trail."""

    role: str
    binding: str | None
    key_ref: str

    @property
    def actor(self) -> str:
        """How the audit trail names the caller."""
        bound = f":{self.binding}" if self.binding else ""
        return f"{self.role}{bound} ({self.key_ref})"

    def is_researcher(self, profile_id: str) -> bool:
        """Whether the caller is the researcher with this profile."""
        return self.role == "researcher" and self.binding == profile_id

    def is_staff_of(self, office_id: str) -> bool:
        """Whether the caller works at this office."""
        return self.role == "office_staff" and self.binding == office_id


def hash_key(key: str) -> str:
    """The SHA-256 hex digest a key is stored and looked up by."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    """A fresh random key (URL-safe)."""
    return "gm_" + secrets.token_urlsafe(24)


def _check_entry(key: str, role: str, binding: str | None, where: str) -> None:
    if len(key) < 8:
        raise ValueError(f"GRANTMATCH_API_KEYS: {where}: a key needs at least 8 characters")
    if role not in ROLES:
        raise ValueError(f"GRANTMATCH_API_KEYS: {where}: unknown role {role!r}; one of {ROLES}")
    if role in BOUND_ROLES and not binding:
        raise ValueError(f"GRANTMATCH_API_KEYS: {where}: a {role} key needs a binding")
    if role not in BOUND_ROLES and binding:
        raise ValueError(f"GRANTMATCH_API_KEYS: {where}: a {role} key takes no binding")


def parse_keys(text: str) -> dict[str, Principal]:
    """Keys from the ``GRANTMATCH_API_KEYS`` setting, by their hash.

    Parameters
    ----------
    text : str
        A JSON list of ``{"key", "role", "binding"}`` objects, or comma-separated
        ``key:role[:binding]`` entries.

    Raises
    ------
    ValueError
        Naming the entry that is malformed.
    """
    text = text.strip()
    entries: list[tuple[str, str, str | None]] = []
    if text.startswith("["):
        loaded: Any = json.loads(text)
        for position, item in enumerate(loaded):
            if not isinstance(item, dict) or "key" not in item or "role" not in item:
                raise ValueError(f"GRANTMATCH_API_KEYS: entry {position}: need key and role")
            entries.append((str(item["key"]), str(item["role"]), item.get("binding")))
    elif text:
        for item in text.split(","):
            parts = [part.strip() for part in item.strip().split(":")]
            if len(parts) not in (2, 3):
                raise ValueError(f"GRANTMATCH_API_KEYS: {item!r}: write key:role[:binding]")
            entries.append((parts[0], parts[1], parts[2] if len(parts) == 3 else None))
    keys: dict[str, Principal] = {}
    for position, (key, role, binding) in enumerate(entries, start=1):
        _check_entry(key, role, binding, f"entry {position}")
        keys[hash_key(key)] = Principal(role, binding, f"settings key {position}")
    return keys

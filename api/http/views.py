"""What a caller sees of a stored record: one role-aware view for every kind of record.

Every response that carries a stored record builds it here (lists, reads, creates,
updates, introductions), so the private fields of :data:`api.http.privacy.PRIVATE_FIELDS`
reach only the callers allowed to see them, by construction rather than by each route's
care. Error bodies never carry stored records (see :func:`api.http.errors.only_sent`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from api.http.auth import Principal
from api.http.privacy import PRIVATE_FIELDS
from api.http.service import audit, contact_visible_ids
from api.http.store.records import RecordRowType, get_row


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its time zone: a naive value (SQLite keeps none) is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def etag(version: int) -> str:
    """The strong entity tag of a record at ``version``."""
    return f'"{version}"'


@dataclass
class Viewer:
    """A caller, with the profiles whose private fields they may see.

    Parameters
    ----------
    principal : Principal
        The caller.
    session : Session
        The request's transaction; disclosures to someone other than the owner are
        audited in it.
    """

    principal: Principal
    session: Session

    @classmethod
    def of(cls, session: Session, principal: Principal) -> Viewer:
        """The viewer for ``principal``, reading in ``session``."""
        return cls(principal, session)

    @cached_property
    def visible(self) -> set[str] | None:
        """Profiles whose private fields the caller may see; ``None``: every profile
        (read once, when a record with private fields is first shown)."""
        return contact_visible_ids(self.session, self.principal)

    def may_see_private(self, collection: str, record_id: str) -> bool:
        """Whether the caller may see the private fields of this record."""
        if not PRIVATE_FIELDS[collection]:
            return True
        return self.visible is None or record_id in self.visible

    def disclose(self, collection: str, record_id: str, where: str | None = None) -> None:
        """Audit that private data of a record went to someone other than its owner."""
        principal = self.principal
        if principal.role == "admin" or record_id == principal.binding:
            return
        target = where or f"{collection[:-1]}:{record_id}"
        detail: dict[str, object] | None = {collection[:-1]: record_id} if where else None
        audit(self.session, principal, "contact.shown", target, detail)

    def record(self, collection: str, row: RecordRowType) -> dict[str, Any]:
        """The record in ``row`` as this caller may see it."""
        data = dict(row.data)
        private = PRIVATE_FIELDS[collection] & data.keys()
        if private and not self.may_see_private(collection, row.id):
            for name in private:
                data.pop(name)
            data["contact_hidden"] = True
        elif private:
            self.disclose(collection, row.id)
        data["created_at"] = as_utc(row.created_at)
        data["updated_at"] = as_utc(row.updated_at)
        data["version"] = row.version
        return data

    def contact(self, profile_id: str, where: str) -> dict[str, Any] | None:
        """A profile's contact data for this caller, or ``None`` (withheld or none).

        Parameters
        ----------
        profile_id : str
            The profile.
        where : str
            The audit target the disclosure is recorded under (e.g. ``introduction:3``).
        """
        if not self.may_see_private("profiles", profile_id):
            return None
        row = get_row(self.session, "profiles", profile_id)
        if row is None or "contact" not in row.data:
            return None
        self.disclose("profiles", profile_id, where)
        contact: dict[str, Any] = row.data["contact"]
        return contact

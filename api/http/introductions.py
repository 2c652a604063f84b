"""The introduction flow, independent of the engine and of HTTP: every transition of a
request, the office's load against its capacity, expiry and the reminders due.

States (see :class:`api.http.store.tables.IntroductionRow`)::

    pending --office forwards--> forwarded --partner accepts--> accepted
       |                            |------partner declines--> declined
       |--office declines--> declined
    pending | forwarded --requester withdraws--> withdrawn
    pending | forwarded --nobody decides within the expiry days--> expired

Every transition is one conditional ``UPDATE`` (``WHERE status IN (...)``): of two actors
racing (a withdrawal and a forward, two decisions), the first to update wins and the other
finds the request changed and gets :class:`TransitionRefused`. Each is audited in the same
transaction. These functions are what the notifications hook into: :func:`create`
(the office has a request), :func:`forward` (the partner has one; it returns the one-time
consent token for the link), :func:`decline_by_office`, :func:`answer` /
:func:`answer_by_token` (both sides are told; contacts are exchanged on acceptance),
:func:`withdraw`, :func:`expire_overdue` (the expired ones), :func:`reminders_due`.

**The round** an office's ``capacity`` ("introductions per round") is counted in is a
sliding window of ``GRANTMATCH_INTRODUCTION_ROUND_DAYS`` (default 365) days back from now:
the load is the number of introductions through the office created in that window that
are pending, forwarded or accepted (declined, withdrawn and expired ones free their place).
A sliding window needs no calendar of rounds, which the data does not have, and a place
freed by a refusal is usable at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from api.http.auth import Principal
from api.http.service import audit
from api.http.store.tables import OPEN_STATUSES, IntroductionRow, OfficeRow, utcnow

COUNTED = ("pending", "forwarded", "accepted")
"""The statuses that take a place in an office's capacity."""
SYSTEM = Principal("system", None, "expiry")
"""The actor the audit trail names for expiries."""
REMINDER = Principal("system", None, "reminder")
"""The actor the audit trail names for reminders."""


class TransitionRefused(Exception):
    """A transition that the request's current status does not allow.

    Parameters
    ----------
    introduction_id : int
        The request.
    status : str
        Its status now.
    wanted : str
        The transition asked for.
    """

    def __init__(self, introduction_id: int, status: str, wanted: str) -> None:
        super().__init__(f"introduction {introduction_id} is {status}: it cannot be {wanted}")
        self.introduction_id = introduction_id
        self.status = status
        self.wanted = wanted


@dataclass(frozen=True)
class OfficeLoad:
    """An office's introductions in the current round against its capacity."""

    office_id: str
    pending: int
    forwarded: int
    accepted: int
    capacity: int | None
    round_days: int
    round_start: dt.datetime

    @property
    def load(self) -> int:
        """The places taken: pending, forwarded and accepted introductions."""
        return self.pending + self.forwarded + self.accepted

    @property
    def full(self) -> bool:
        """Whether a new introduction would exceed the capacity."""
        return self.capacity is not None and self.load >= self.capacity

    def as_dict(self) -> dict[str, Any]:
        """The load for a response or a page (``share``: load over capacity, capped at 1
        for a meter; ``None`` without a capacity)."""
        share = None if not self.capacity else min(self.load / self.capacity, 1.0)
        return {
            "office_id": self.office_id,
            "pending": self.pending,
            "forwarded": self.forwarded,
            "accepted": self.accepted,
            "load": self.load,
            "capacity": self.capacity,
            "share": share,
            "full": self.full,
            "over": self.capacity is not None and self.load > self.capacity,
            "round_days": self.round_days,
            "round_start": self.round_start,
        }


@dataclass(frozen=True)
class Reminder:
    """A request waiting longer than the reminder days: on whom, since when."""

    introduction_id: int
    waiting_on: str  # "office" or "partner"
    office_id: str
    requester_id: str
    partner_id: str
    since: dt.datetime


def hash_token(token: str) -> str:
    """The SHA-256 hex digest a consent token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def office_load(
    session: Session,
    office_id: str,
    capacity: int | None,
    round_days: int,
    now: dt.datetime | None = None,
) -> OfficeLoad:
    """The office's load in the round ending ``now`` (see the module's docstring).

    Parameters
    ----------
    session : Session
        A transaction.
    office_id : str
        The office.
    capacity : int or None
        Its capacity (introductions per round).
    round_days : int
        The round's length in days.
    now : datetime, optional
        The end of the round (default: now).

    Returns
    -------
    OfficeLoad
        Pending, forwarded and accepted introductions created in the round.
    """
    start = (now or utcnow()) - dt.timedelta(days=round_days)
    rows = session.execute(
        select(IntroductionRow.status, func.count())
        .where(
            IntroductionRow.office_id == office_id,
            IntroductionRow.status.in_(COUNTED),
            IntroductionRow.created_at >= start,
        )
        .group_by(IntroductionRow.status)
    ).all()
    counts = {status: int(n) for status, n in rows}
    return OfficeLoad(
        office_id,
        counts.get("pending", 0),
        counts.get("forwarded", 0),
        counts.get("accepted", 0),
        capacity,
        round_days,
        start,
    )


def lock_office(session: Session, office_id: str) -> None:
    """Serialise the requests through one office until the transaction ends, so that
    counting its load and adding a request cannot interleave with another's (PostgreSQL:
    the office's row lock; SQLite: the database's write lock, taken by the update)."""
    session.execute(
        update(OfficeRow).where(OfficeRow.id == office_id).values(search=OfficeRow.search)
    )


def create(
    session: Session,
    principal: Principal,
    *,
    requester_id: str,
    partner_id: str,
    office_id: str,
    call_id: str | None,
    message: str,
    route: dict[str, Any],
    team_ref: str | None = None,
) -> IntroductionRow:
    """Store a new pending request (the caller has checked services, capacity and
    eligibility under :func:`lock_office`); audited as ``introduction.request``.

    Raises
    ------
    sqlalchemy.exc.IntegrityError
        On flush, when an open request of the requester to the partner exists.
    """
    row = IntroductionRow(
        requester_id=requester_id,
        partner_id=partner_id,
        office_id=office_id,
        call_id=call_id,
        message=message,
        route=route,
        status="pending",
        created_at=utcnow(),
        note="",
        requested_by=principal.actor,
        team_ref=team_ref,
        answer_note="",
    )
    session.add(row)
    session.flush()
    detail: dict[str, object] = {"partner": partner_id, "office": office_id}
    if team_ref is not None:
        detail["team"] = team_ref
    audit(session, principal, "introduction.request", f"introduction:{row.id}", detail)
    return row


def _transition(
    session: Session,
    principal: Principal,
    row: IntroductionRow,
    allowed: Iterable[str],
    wanted: str,
    values: dict[str, Any],
    action: str,
) -> IntroductionRow:
    """Move ``row`` with one conditional update; :class:`TransitionRefused` when its
    status (read inside the update) is not among ``allowed``."""
    done = session.execute(
        update(IntroductionRow)
        .where(IntroductionRow.id == row.id, IntroductionRow.status.in_(tuple(allowed)))
        .values(**values)
    )
    session.refresh(row)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise TransitionRefused(row.id, row.status, wanted)
    audit(
        session,
        principal,
        action,
        f"introduction:{row.id}",
        {"requester": row.requester_id, "partner": row.partner_id, "status": row.status},
    )
    session.flush()
    return row


def forward(
    session: Session, principal: Principal, row: IntroductionRow, note: str
) -> tuple[IntroductionRow, str]:
    """The office forwards a pending request to the partner.

    Returns
    -------
    tuple
        The row, and the partner's one-time consent token (stored only hashed: this is
        the only time it exists in clear; the link is ``/app/consent/<token>``).
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    values = {
        "status": "forwarded",
        "decided_at": now,
        "decided_by": principal.actor,
        "forwarded_at": now,
        "note": note,
        "consent_hash": hash_token(token),
    }
    _transition(session, principal, row, ("pending",), "forwarded", values, "introduction.forward")
    return row, token


def new_consent_token(session: Session, principal: Principal, row: IntroductionRow) -> str:
    """A fresh consent link for a forwarded request (the old one stops working)."""
    token = secrets.token_urlsafe(32)
    values = {"consent_hash": hash_token(token)}
    _transition(
        session, principal, row, ("forwarded",), "given a new link", values, "introduction.relink"
    )
    return token


def decline_by_office(
    session: Session, principal: Principal, row: IntroductionRow, note: str
) -> IntroductionRow:
    """The office declines a pending request."""
    now = utcnow()
    values = {
        "status": "declined",
        "decided_at": now,
        "decided_by": principal.actor,
        "closed_at": now,
        "note": note,
    }
    return _transition(
        session, principal, row, ("pending",), "declined", values, "introduction.decline"
    )


def answer(
    session: Session, principal: Principal, row: IntroductionRow, accept: bool, note: str
) -> IntroductionRow:
    """The partner accepts or declines a forwarded request; on acceptance the contacts
    are exchanged both ways (see :func:`api.http.service.contact_visible_ids`)."""
    now = utcnow()
    values = {
        "status": "accepted" if accept else "declined",
        "answered_at": now,
        "answered_by": principal.actor,
        "answer_note": note,
        "closed_at": now,
        "consent_hash": None,
    }
    action = "introduction.partner_accept" if accept else "introduction.partner_decline"
    wanted = "accepted" if accept else "declined"
    return _transition(session, principal, row, ("forwarded",), wanted, values, action)


def by_token(session: Session, token: str) -> IntroductionRow | None:
    """The forwarded request a consent link belongs to, or ``None`` (unknown, used, or
    no longer forwarded)."""
    return session.scalar(
        select(IntroductionRow).where(
            IntroductionRow.consent_hash == hash_token(token),
            IntroductionRow.status == "forwarded",
        )
    )


def answer_by_token(
    session: Session, token: str, accept: bool, note: str
) -> IntroductionRow | None:
    """The partner's answer through the signed one-time link; ``None`` when the link is
    unknown or already used. Raises :class:`TransitionRefused` when it lost a race."""
    row = by_token(session, token)
    if row is None:
        return None
    principal = Principal("partner", row.partner_id, "consent link")
    return answer(session, principal, row, accept, note)


def withdraw(session: Session, principal: Principal, row: IntroductionRow) -> IntroductionRow:
    """The requester withdraws an open (pending or forwarded) request."""
    values = {"status": "withdrawn", "closed_at": utcnow(), "consent_hash": None}
    return _transition(
        session, principal, row, OPEN_STATUSES, "withdrawn", values, "introduction.withdraw"
    )


def _waiting_since(cutoff: dt.datetime) -> Any:
    """Open requests waiting since before ``cutoff``: pending ones since they were made,
    forwarded ones since they were forwarded."""
    return or_(
        and_(IntroductionRow.status == "pending", IntroductionRow.created_at < cutoff),
        and_(IntroductionRow.status == "forwarded", IntroductionRow.forwarded_at < cutoff),
    )


def expire_overdue(session: Session, expiry_days: int, now: dt.datetime | None = None) -> list[int]:
    """Expire the open requests nobody decided within ``expiry_days`` (the office for a
    pending one, the partner for a forwarded one); audited as ``introduction.expire``.

    Called lazily before the flow's reads and transitions. Each row is expired by a
    conditional update, so an expiry racing a decision changes the row at most once.

    Returns
    -------
    list of int
        The ids of the requests expired now.
    """
    moment = now or utcnow()
    cutoff = moment - dt.timedelta(days=expiry_days)
    due = list(session.scalars(select(IntroductionRow.id).where(_waiting_since(cutoff))))
    expired: list[int] = []
    for introduction_id in due:
        done = session.execute(
            update(IntroductionRow)
            .where(IntroductionRow.id == introduction_id, _waiting_since(cutoff))
            .values(status="expired", closed_at=moment, consent_hash=None)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            expired.append(introduction_id)
            audit(
                session,
                SYSTEM,
                "introduction.expire",
                f"introduction:{introduction_id}",
                {"days": expiry_days},
            )
    return expired


def reminders_due(
    session: Session, reminder_days: int, now: dt.datetime | None = None
) -> list[Reminder]:
    """The open requests waiting longer than ``reminder_days``: on the office (pending)
    or on the partner (forwarded), oldest first. For the notifications to send.

    Parameters
    ----------
    session : Session
        A transaction.
    reminder_days : int
        How long a request may wait before a reminder is due.
    now : datetime, optional
        Default: now.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=reminder_days)
    out: list[Reminder] = []
    for row in session.scalars(select(IntroductionRow).where(_waiting_since(cutoff))):
        forwarded = row.status == "forwarded" and row.forwarded_at is not None
        since = row.forwarded_at if forwarded and row.forwarded_at else row.created_at
        out.append(
            Reminder(
                row.id,
                "partner" if forwarded else "office",
                row.office_id,
                row.requester_id,
                row.partner_id,
                since,
            )
        )
    return sorted(out, key=lambda r: (r.since, r.introduction_id))


def _not_reminded_since(cutoff: dt.datetime) -> Any:
    """Requests not reminded within the period ending now (never, or before ``cutoff``).
    A reminder of the office's step is older than the forward, so a forwarded request's
    partner is reminded a period after the forward whatever the office was sent."""
    return or_(IntroductionRow.reminded_at.is_(None), IntroductionRow.reminded_at < cutoff)


def claim_reminders(
    session: Session, reminder_days: int, now: dt.datetime | None = None
) -> list[IntroductionRow]:
    """Claim the reminders due now: the requests of :func:`reminders_due` not reminded
    within the last ``reminder_days``, each marked ``reminded_at = now`` by a conditional
    update (of two services claiming at once, one wins: a request is reminded at most
    once per period); audited as ``introduction.remind``.

    Parameters
    ----------
    session : Session
        The transaction that also queues the reminders (a claim and its messages commit
        together or not at all).
    reminder_days : int
        The reminder period in days.
    now : datetime, optional
        Default: now.

    Returns
    -------
    list of IntroductionRow
        The requests claimed, oldest waiting first.
    """
    moment = now or utcnow()
    cutoff = moment - dt.timedelta(days=reminder_days)
    claimed: list[IntroductionRow] = []
    for due in reminders_due(session, reminder_days, moment):
        done = session.execute(
            update(IntroductionRow)
            .where(
                IntroductionRow.id == due.introduction_id,
                _waiting_since(cutoff),
                _not_reminded_since(cutoff),
            )
            .values(reminded_at=moment)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            continue  # reminded within the period, by this service or another
        row = session.get(IntroductionRow, due.introduction_id)
        if row is None:
            continue
        session.refresh(row)
        audit(
            session,
            REMINDER,
            "introduction.remind",
            f"introduction:{row.id}",
            {"waiting_on": due.waiting_on, "days": reminder_days},
        )
        claimed.append(row)
    return claimed


__all__ = [
    "COUNTED",
    "OfficeLoad",
    "Reminder",
    "TransitionRefused",
    "answer",
    "answer_by_token",
    "by_token",
    "claim_reminders",
    "create",
    "decline_by_office",
    "expire_overdue",
    "forward",
    "hash_token",
    "lock_office",
    "new_consent_token",
    "office_load",
    "reminders_due",
    "withdraw",
]

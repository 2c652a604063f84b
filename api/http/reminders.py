"""The introduction flow's periodic pass: expire the overdue requests and remind whoever
must answer a waiting one, with the e-mails that tell about it.

:func:`expire_and_notify` is also what the API runs lazily before its reads and changes
(:mod:`api.http.routes.introductions`); :func:`sweep` runs both steps, and
:class:`Sweeper` runs :func:`sweep` at most every ``introduction_sweep_seconds`` from the
e-mail sender's thread (:class:`api.http.notifications.Sender`), so that requests expire
and reminders go out even when nobody opens the pages.

Each change and its messages are one transaction, and each change is a conditional
``UPDATE`` (:func:`api.http.introductions.expire_overdue`,
:func:`api.http.introductions.claim_reminders`): two services sweeping the same store
expire a request once and remind it once per period.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.http import introductions as flow
from api.http import notifications as notify
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.tables import IntroductionRow, utcnow

log = logging.getLogger("grantmatch.api.http.reminders")


def expire_and_notify(
    session: Session, expiry_days: int, now: dt.datetime | None = None
) -> list[int]:
    """Expire the overdue requests and tell each requester (in the caller's transaction).

    Parameters
    ----------
    session : Session
        The transaction.
    expiry_days : int
        The days a request may wait for a decision.
    now : datetime, optional
        Default: now.

    Returns
    -------
    list of int
        The ids of the requests expired now.
    """
    expired = flow.expire_overdue(session, expiry_days, now)
    for introduction_id in expired:
        row = session.get(IntroductionRow, introduction_id)
        if row is not None:
            notify.notify_introduction_expired(session, row)
    return expired


def remind_and_notify(
    session: Session, reminder_days: int, now: dt.datetime | None = None
) -> list[int]:
    """Claim the reminders due and queue them: to the office's staff of a pending request,
    to the partner of a forwarded one (in the caller's transaction).

    Returns
    -------
    list of int
        The ids of the requests reminded now.
    """
    reminded = flow.claim_reminders(session, reminder_days, now)
    for row in reminded:
        notify.notify_introduction_reminder(session, row)
    return [row.id for row in reminded]


@dataclass(frozen=True)
class SweepResult:
    """What one pass changed."""

    expired: list[int]
    reminded: list[int]


def sweep(database: Database, settings: Settings, now: dt.datetime | None = None) -> SweepResult:
    """One pass: expire the overdue requests, then remind the waiting ones (an expired
    request is not reminded); each step is its own transaction.

    Parameters
    ----------
    database : Database
        The store.
    settings : Settings
        ``introduction_expiry_days`` and ``introduction_reminder_days``.
    now : datetime, optional
        Default: now.
    """
    moment = now or utcnow()
    with database.session() as session:
        expired = expire_and_notify(session, settings.introduction_expiry_days, moment)
    with database.session() as session:
        reminded = remind_and_notify(session, settings.introduction_reminder_days, moment)
    if expired or reminded:
        log.info("introductions: %d expired, %d reminded", len(expired), len(reminded))
    return SweepResult(expired, reminded)


class Sweeper:
    """Runs :func:`sweep` when called, at most once every ``introduction_sweep_seconds``
    (the first call runs it).

    Parameters
    ----------
    database : Database
        The store.
    settings : Settings
        The flow's days and ``introduction_sweep_seconds``.
    """

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._last: float | None = None
        self._lock = threading.Lock()

    def __call__(self) -> SweepResult | None:
        """Sweep if the interval has passed since the last pass; ``None`` otherwise."""
        with self._lock:
            moment = time.monotonic()
            if self._last is not None and moment - self._last < (
                self.settings.introduction_sweep_seconds
            ):
                return None
            self._last = moment
        return sweep(self.database, self.settings)


__all__ = ["SweepResult", "Sweeper", "expire_and_notify", "remind_and_notify", "sweep"]

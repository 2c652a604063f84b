"""The service object behind the HTTP API: the store, the keys, the fitted engine, jobs.

The engine (:class:`api.http.engine.MatcherCache`) is fitted on the store's dataset in the
background and refitted when the store's data version has moved on (every change to a record
bumps it); answers are served from the last fitted engine meanwhile.
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.http.auth import Principal, hash_key, parse_keys
from api.http.engine import MatcherCache
from api.http.jobs import JobContext, JobRunner
from api.http.notifications import Sender, configure
from api.http.settings import Settings
from api.http.store.db import Database
from api.http.store.tables import ApiKeyRow, AuditRow, IntroductionRow, utcnow

log = logging.getLogger("grantmatch.api")


class Service:
    """Everything a request needs: settings, store, keys, the engine cache, the jobs.

    Parameters
    ----------
    settings : Settings
        The service settings.
    database : Database, optional
        The store (default: opened, and migrated, from ``settings``).
    """

    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        self.settings = settings
        self.database = database or Database(settings.resolved_database_url())
        self.keys = parse_keys(settings.api_keys)
        self.engine = MatcherCache(
            self.database,
            settings.backend,
            partner_model=settings.partner_model,
            poll_seconds=settings.engine_poll_seconds,
            refit_interval=settings.engine_refit_interval,
            first_fit_wait=settings.engine_first_fit_wait,
        )
        self.jobs = JobRunner(JobContext(self.database, self.settings, self.engine))
        configure(settings)
        # Imported here: the introduction flow imports this module (for ``audit``).
        from api.http.reminders import Sweeper

        # The sender's thread also expires requests and sends the reminders due.
        self.sender = Sender(self.database, settings, chores=Sweeper(self.database, settings))

    def configured_principal(self, key: str) -> Principal | None:
        """The caller of a key from the settings (``GRANTMATCH_API_KEYS``), without the
        database; ``None`` when the key is not one of them."""
        return self.keys.get(hash_key(key))

    def principal(self, key: str) -> Principal | None:
        """The caller a key belongs to, or ``None`` for an unknown or revoked key."""
        digest = hash_key(key)
        known = self.keys.get(digest)
        if known is not None:
            return known
        with self.database.session() as session:
            row = session.scalar(
                select(ApiKeyRow).where(
                    ApiKeyRow.key_hash == digest, ApiKeyRow.revoked_at.is_(None)
                )
            )
            if row is None:
                return None
            return Principal(row.role, row.binding, f"key {row.id}")

    def record_denial(self, key: str | None, method: str, path: str, reason: str) -> None:
        """Audit a refused access (403) by a known caller, in a transaction of its own (the
        request's was rolled back with the refusal).

        Parameters
        ----------
        key : str or None
            The ``X-API-Key`` the request sent.
        method, path : str
            What was asked.
        reason : str
            Why it was refused.
        """
        principal = self.principal(key) if key else None
        if principal is None:
            return
        with self.database.session() as session:
            audit(session, principal, "access.denied", f"{method} {path}", {"reason": reason})

    def start(self) -> None:
        """Start the engine watcher (it fits at once, and again whenever the data changes)
        and the job worker (after marking jobs a dead process left running failed), and
        the e-mail sender, which also expires introductions and queues reminders (both
        only with ``run_jobs``)."""
        self.engine.start()
        self.jobs.recover()
        if self.settings.run_jobs:
            self.jobs.start()
            self.sender.start()

    def stop(self) -> None:
        """Stop the job worker, the e-mail sender and the engine watcher; close the database
        connections."""
        self.jobs.stop()
        self.sender.stop()
        self.engine.stop()
        self.database.dispose()


def audit(
    session: Session,
    principal: Principal,
    action: str,
    target: str,
    detail: dict[str, object] | None = None,
) -> None:
    """Record an action (who, what, on what, when) in the caller's transaction."""
    session.add(
        AuditRow(
            at=utcnow(),
            actor=principal.actor,
            action=action,
            target=target,
            detail=dict(detail or {}),
        )
    )


def contact_visible_ids(session: Session, principal: Principal) -> set[str] | None:
    """Profiles whose contact data the caller may see; ``None`` means every profile.

    Admin sees all. A researcher sees their own, and the other side of each introduction
    the partner accepted: the partner's as requester, the requester's as partner (contacts
    are exchanged both ways only after the partner's consent). Office staff see both sides
    of the introductions through their office once forwarded (they broker them) and while
    forwarded or accepted. A coordinator sees none.
    """
    if principal.role == "admin":
        return None
    visible: set[str] = set()
    if principal.role == "researcher" and principal.binding is not None:
        me = principal.binding
        visible.add(me)
        rows = session.execute(
            select(IntroductionRow.requester_id, IntroductionRow.partner_id).where(
                IntroductionRow.status == "accepted",
                or_(IntroductionRow.requester_id == me, IntroductionRow.partner_id == me),
            )
        ).all()
        for requester, partner in rows:
            visible.add(partner if requester == me else requester)
    elif principal.role == "office_staff" and principal.binding is not None:
        rows = session.execute(
            select(IntroductionRow.requester_id, IntroductionRow.partner_id).where(
                IntroductionRow.status.in_(("forwarded", "accepted")),
                IntroductionRow.office_id == principal.binding,
            )
        ).all()
        for requester, partner in rows:
            visible.update((requester, partner))
    return visible

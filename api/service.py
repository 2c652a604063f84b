"""The service object behind the HTTP API: the store, the keys, the fitted engine, jobs.

The engine (:class:`matcher.engine.Matcher`) is fitted on the store's current dataset and
cached; it is refitted only when the store's data version has moved on (every change to a
record bumps it), so a burst of queries pays for one fit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Principal, hash_key, parse_keys
from api.errors import ApiError
from api.schemas.errors import Problem
from api.settings import Settings, vector_cache_path
from api.store.db import Database
from api.store.records import data_version, load_dataset
from api.store.tables import ApiKeyRow, AuditRow, IntroductionRow, utcnow
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.errors import GrantmatchError
from matcher.relevance import Explanation
from matcher.teams import Candidate

log = logging.getLogger("grantmatch.api")


@dataclass(frozen=True)
class Fitted:
    """A matcher fitted on the dataset of one data version, and answers cached for it."""

    matcher: Matcher
    dataset: Dataset
    version: int
    _pools: dict[str, list[Candidate]] = field(default_factory=dict, repr=False)
    _pool_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _explanations: dict[tuple[str, str], Explanation] = field(default_factory=dict, repr=False)

    def explanation(self, call_id: str, profile_id: str) -> Explanation:
        """``Matcher.explain``, cached for this data version: an explanation costs tens of
        milliseconds at 50,000 profiles, and a call's top candidates are asked for again
        and again. (A race computes one twice and stores equal values.)"""
        key = (call_id, profile_id)
        found = self._explanations.get(key)
        if found is None:
            found = self.matcher.explain(call_id, profile_id)
            self._explanations[key] = found
        return found

    def candidate_pool(self, call_id: str) -> list[Candidate]:
        """Every eligible, reachable candidate of a call, best first.

        Cached per call for this data version: ``Matcher.candidates`` walks the whole pool
        (routes and rules per profile, about a second per call at 50,000 profiles), and
        its answer changes only with the data. One thread computes a missing entry while
        the others wait (the work is CPU-bound under the GIL: computing it in every waiting
        thread at once only multiplies it).
        """
        pool = self._pools.get(call_id)
        if pool is not None:
            return pool
        with self._pool_lock:
            pool = self._pools.get(call_id)
            if pool is None:
                pool = self.matcher.candidates(call_id, 0)
                self._pools[call_id] = pool
            return pool


class MatcherCache:
    """The fitted engine of the store's current data, refitted when the data changes.

    Parameters
    ----------
    database : Database
        The store.
    backend : str
        The embedding backend name.
    """

    def __init__(self, database: Database, backend: str) -> None:
        self.database = database
        self.backend = backend
        self._lock = threading.Lock()
        self._fitted: Fitted | None = None
        self.fits = 0

    def get(self) -> Fitted:
        """The matcher for the current data version (fitting it if the data changed).

        Raises
        ------
        ApiError
            409 when the store holds no profiles or no calls, or the engine cannot be
            fitted on what it holds.
        """
        with self.database.session() as session:
            version = data_version(session)
        fitted = self._fitted
        if fitted is not None and fitted.version == version:
            return fitted
        # One fit at a time: concurrent requests for a stale engine wait for this one
        # instead of each fitting their own copy.
        with self._lock:
            fitted = self._fitted
            if fitted is not None and fitted.version >= version:
                return fitted
            with self.database.session() as session:
                # The version is read before the records: if a write lands in between,
                # the data is newer than the version and the next request refits.
                version = data_version(session)
                dataset = load_dataset(session)
            fitted = Fitted(self._fit(dataset), dataset, version)
            self._fitted = fitted
            self.fits += 1
            return fitted

    def _fit(self, dataset: Dataset) -> Matcher:
        if not dataset.profiles or not dataset.calls:
            raise ApiError(
                409,
                "the store holds no profiles or no calls yet; import them first",
                [Problem(field="store", reason="the engine needs profiles and calls")],
            )
        try:
            return Matcher(self.backend, cache_path=vector_cache_path()).fit(dataset)
        except (GrantmatchError, ValueError) as error:
            raise ApiError(
                409,
                f"the engine cannot be fitted on the stored data: {error}",
                [Problem(field="store", reason=str(error))],
            ) from None


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
        from api.jobs import JobRunner  # here: jobs imports this module

        self.settings = settings
        self.database = database or Database(settings.resolved_database_url())
        self.keys = parse_keys(settings.api_keys)
        self.engine = MatcherCache(self.database, settings.backend)
        self.jobs = JobRunner(self)

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

    def start(self) -> None:
        """Start the job worker (after marking jobs a dead process left running failed)."""
        self.jobs.recover()
        if self.settings.run_jobs:
            self.jobs.start()

    def stop(self) -> None:
        """Stop the job worker and close the database connections."""
        self.jobs.stop()
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

    Admin sees all; a researcher sees their own, and the partners of their accepted
    introductions; office staff see both sides of the accepted introductions through
    their office; a coordinator sees none.
    """
    if principal.role == "admin":
        return None
    visible: set[str] = set()
    accepted = IntroductionRow.status == "accepted"
    if principal.role == "researcher" and principal.binding is not None:
        visible.add(principal.binding)
        query = select(IntroductionRow.partner_id).where(
            accepted, IntroductionRow.requester_id == principal.binding
        )
        visible.update(session.scalars(query))
    elif principal.role == "office_staff" and principal.binding is not None:
        rows = session.execute(
            select(IntroductionRow.requester_id, IntroductionRow.partner_id).where(
                accepted, IntroductionRow.office_id == principal.binding
            )
        ).all()
        for requester, partner in rows:
            visible.update((requester, partner))
    return visible

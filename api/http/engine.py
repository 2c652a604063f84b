"""The engine behind the service's answers: fitted on the store's data, refitted when it changes.

:class:`MatcherCache` holds the :class:`Fitted` matcher of the current data version; request
handlers and jobs both read it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from api.http.errors import ApiError
from api.http.schemas.errors import Problem
from api.http.store.db import Database
from api.http.store.records import data_version, load_dataset
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.errors import GrantmatchError
from matcher.relevance import Explanation
from matcher.teams import Candidate


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
            return Matcher(self.backend).fit(dataset)
        except (GrantmatchError, ValueError) as error:
            raise ApiError(
                409,
                f"the engine cannot be fitted on the stored data: {error}",
                [Problem(field="store", reason=str(error))],
            ) from None

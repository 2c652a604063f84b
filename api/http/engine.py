"""The engine behind the service's answers: fitted in the background, swapped atomically.

Refit model
-----------
:class:`MatcherCache` holds the :class:`Fitted` matcher that answers are served from. A
watcher thread (started and stopped with the service) polls the store's data version; when
it has moved past the served engine's, the watcher fits a new engine in the background
(incrementally: :mod:`api.http.fitting`) while requests keep being answered from the old
one, then swaps the reference in one assignment. So:

- a read never waits for a refit (:meth:`MatcherCache.current`), except while there is no
  engine at all: the very first fit makes a request wait up to ``first_fit_wait``
  seconds, after which it is answered 503 with ``Retry-After`` and the fit's progress;
- every answer names the data version it reflects (``X-Data-Version``, and
  ``data_version`` in the body), the store's newest version the watcher has seen
  (``X-Data-Version-Latest``) and, while one runs, the version being fitted
  (``X-Engine-Fitting``);
- an import (any write) starts a fit within ``poll_seconds`` without any read;
- jobs and writes that validate against the engine (:meth:`MatcherCache.get`) wait for the
  engine of the store's current version instead.

Every answer of one request comes from one :class:`Fitted` (the handler takes the
reference once), so an answer's version always matches its content.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from api.http.errors import ApiError
from api.http.fitting import DatasetLoader, FitFunction, fit_matcher
from api.http.schemas.errors import Problem
from api.http.store.db import Database
from api.http.store.records import data_version
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.errors import GrantmatchError
from matcher.relevance import Explanation

log = logging.getLogger("grantmatch.api.http.engine")

_STABLE_LOAD_TRIES = 5
"""Reads of the records before a fit settles for data newer than its version."""

ANSWER_CACHE_BYTES = 64 * 1024 * 1024
"""Serialised answers kept per engine (the oldest are dropped first)."""


class AnswerCache:
    """Serialised answers of one engine, by (endpoint, parameters), within a byte budget.

    Only answers that do not depend on the caller go in: no answer carries contact data,
    and role checks run before the cache is consulted.

    Parameters
    ----------
    max_bytes : int
        Budget of the stored bodies; the oldest entries are dropped to stay within it.
    """

    def __init__(self, max_bytes: int = ANSWER_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._bodies: dict[tuple[object, ...], bytes] = {}
        self._size = 0
        self._lock = threading.Lock()
        self._flights: dict[tuple[object, ...], threading.Lock] = {}
        self.hits = 0

    def peek(self, key: tuple[object, ...]) -> bytes | None:
        """The cached body for ``key``, if any."""
        body = self._bodies.get(key)
        if body is not None:
            self.hits += 1
        return body

    def get(self, key: tuple[object, ...], compute: Callable[[], bytes]) -> bytes:
        """The cached body for ``key``, computing and storing it on a miss.

        One thread computes a missing body while the others asking for it wait: right
        after a swap every client asks for the same few answers at once, and the work is
        CPU-bound under the GIL (fifty threads computing one answer take fifty times as
        long). An error is raised in the computing thread only; the next one retries.
        """
        body = self.peek(key)
        if body is not None:
            return body
        with self._lock:
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = threading.Lock()
        with flight:
            body = self._bodies.get(key)
            if body is None:
                try:
                    body = compute()
                    self._store(key, body)
                finally:
                    with self._lock:
                        self._flights.pop(key, None)
        return body

    def _store(self, key: tuple[object, ...], body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            while self._bodies and self._size + len(body) > self.max_bytes:
                self._size -= len(self._bodies.pop(next(iter(self._bodies))))
            if key not in self._bodies:
                self._bodies[key] = body
                self._size += len(body)


@dataclass(frozen=True)
class Fitted:
    """A matcher fitted on the dataset of one data version, and answers cached for it."""

    matcher: Matcher
    dataset: Dataset
    version: int
    fitted_at: float = field(default_factory=time.time)
    answers: AnswerCache = field(default_factory=AnswerCache, repr=False)
    _explanations: dict[tuple[str, str, str | None], Explanation] = field(
        default_factory=dict, repr=False
    )

    def explanation(self, call_id: str, profile_id: str, side: str | None = None) -> Explanation:
        """``Matcher.explain`` (from ``side``, default the engine's), cached for this data
        version: an explanation costs tens of milliseconds at 50,000 profiles, and a call's
        top candidates are asked for again and again. (A race computes one twice and
        stores equal values.)"""
        matcher = self.matcher.from_side(side)
        key = (call_id, profile_id, matcher.side)
        found = self._explanations.get(key)
        if found is None:
            found = matcher.explain(call_id, profile_id)
            self._explanations[key] = found
        return found


@dataclass(frozen=True)
class EngineStatus:
    """Where the engine stands (``GET /engine``).

    Attributes
    ----------
    version : int or None
        Data version of the engine answers are served from (``None``: none yet).
    latest_version : int or None
        The store's newest data version the watcher has seen.
    fitting : int or None
        Data version being fitted now, if a fit runs.
    stage, progress : str, float
        Stage of the running fit (``load``, ``embed``, ``warm``) and its fraction done.
    fits : int
        Fits completed since the start.
    fitted_at : float or None
        When the served engine was swapped in (Unix time).
    last_fit_seconds : float or None
        How long the last completed fit took.
    error : str or None
        Why the fit of ``latest_version`` failed (the previous engine keeps serving).
    """

    version: int | None
    latest_version: int | None
    fitting: int | None
    stage: str
    progress: float
    fits: int
    fitted_at: float | None
    last_fit_seconds: float | None
    error: str | None


class EngineWarming(ApiError):
    """503: no engine has been fitted yet; retry after ``retry_after`` seconds."""

    def __init__(self, status: EngineStatus, retry_after: int) -> None:
        stage = f"{status.stage} {status.progress:.0%}" if status.fitting is not None else "queued"
        super().__init__(
            503,
            f"the engine is being fitted for the first time ({stage}); retry shortly",
            [Problem(field="engine", reason=f"first fit in progress: {stage}")],
        )
        self.retry_after = retry_after


class MatcherCache:
    """The served engine, refitted in the background when the store's data changes.

    Parameters
    ----------
    database : Database
        The store.
    backend : str
        The embedding backend name.
    partner_model : {"linear", "learned"}
        The partner model answers use (see :func:`api.http.fitting.fit_matcher`).
    fit : callable, optional
        The seam that fits an engine: ``(dataset, previous matcher or None, progress) ->
        matcher`` (default :func:`api.http.fitting.fit_matcher`). Also settable as
        :attr:`fit_function` before :meth:`start`; tests inject slow or blocking fits here.
    poll_seconds : float
        How often the watcher reads the data version.
    refit_interval : float
        Least seconds between the starts of two background refits: under a stream of
        edits the engine lags by up to this much, and refits take at most a bounded share
        of the CPU. Fits that a job or a write waits for are not held back.
    first_fit_wait : float
        How long a request waits for the very first fit before it is answered 503.
    """

    def __init__(
        self,
        database: Database,
        backend: str = "auto",
        *,
        fit: FitFunction | None = None,
        partner_model: str = "linear",
        poll_seconds: float = 0.5,
        refit_interval: float = 10.0,
        first_fit_wait: float = 60.0,
    ) -> None:
        self.database = database
        self.backend = backend
        self.fit_function: FitFunction = fit or fit_matcher(backend, partner_model=partner_model)
        self.poll_seconds = poll_seconds
        self.refit_interval = refit_interval
        self.first_fit_wait = first_fit_wait
        self.fits = 0
        self._fitted: Fitted | None = None
        self._loader = DatasetLoader()
        self._fit_lock = threading.Lock()  # one fit at a time
        self._changed = threading.Condition()  # notified at each swap or failed fit
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._urgent = False
        self._thread: threading.Thread | None = None
        self._latest: int | None = None
        self._fitting: int | None = None
        self._stage, self._progress = "", 0.0
        self._error: tuple[int, ApiError] | None = None
        self._last_start = -math.inf
        self._last_seconds: float | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the watcher thread (it fits the first engine at once)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._watch, name="grantmatch-engine", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the watcher (a fit in progress finishes first; its result is dropped if the
        process ends)."""
        self._stop.set()
        self._wake.set()
        with self._changed:
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the watcher thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # -- what requests use ---------------------------------------------------------------

    def current(self) -> Fitted:
        """The engine to answer from now: the last one fitted, never waiting for a refit.

        Raises
        ------
        EngineWarming
            503 when no engine exists yet and the first fit did not end within
            ``first_fit_wait`` seconds.
        ApiError
            409 when there is no engine and the store cannot be fitted on.
        """
        fitted = self._fitted
        if fitted is not None:
            return fitted
        version = self._read_version()
        return self._wait(lambda f: f is not None, version, self.first_fit_wait)

    @property
    def served(self) -> Fitted | None:
        """The engine answers come from now (``None`` before the first fit)."""
        return self._fitted

    def get(self) -> Fitted:
        """The engine of the store's current data version, waiting for its fit.

        For jobs, and for writes that validate ids against the engine: they must see the
        data as it is now, and may wait.

        Raises
        ------
        ApiError
            409 when the store holds no profiles or no calls, or the engine cannot be
            fitted on what it holds.
        """
        version = self._read_version()
        fitted = self._fitted
        if fitted is not None and fitted.version >= version:
            return fitted
        return self._wait(lambda f: f is not None and f.version >= version, version, None)

    def status(self) -> EngineStatus:
        """Where the engine stands (served version, running fit, last error)."""
        fitted, error, latest = self._fitted, self._error, self._latest
        if error is not None and latest is not None and error[0] < latest:
            # That failure was about an older version; a newer one is due or being fitted.
            error = None
        return EngineStatus(
            version=fitted.version if fitted else None,
            latest_version=latest,
            fitting=self._fitting,
            stage=self._stage if self._fitting is not None else "",
            progress=self._progress if self._fitting is not None else 0.0,
            fits=self.fits,
            fitted_at=fitted.fitted_at if fitted else None,
            last_fit_seconds=self._last_seconds,
            error=error[1].detail if error else None,
        )

    def notify(self) -> None:
        """Ask the watcher to look at the data version now (instead of at its next poll)."""
        self._wake.set()

    # -- waiting -------------------------------------------------------------------------

    def _wait(
        self, ready: Callable[[Fitted | None], bool], version: int, timeout: float | None
    ) -> Fitted:
        """Wait until ``ready(served engine)``; raise the fit error of ``version`` or later."""
        if not self.running:
            self._refresh(urgent=True)  # no watcher (a service that was not started)
        else:
            self._urgent = True
            self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                fitted = self._fitted
                if ready(fitted):
                    assert fitted is not None
                    return fitted
                if self._error is not None and self._error[0] >= version:
                    raise self._error[1]
                remaining = None if deadline is None else deadline - time.monotonic()
                if self._stop.is_set() or (remaining is not None and remaining <= 0):
                    raise EngineWarming(self.status(), self._retry_after())
                self._changed.wait(1.0 if remaining is None else min(1.0, remaining))

    def _retry_after(self) -> int:
        """Seconds a client should wait before asking again (the last fit's duration)."""
        return max(1, math.ceil(self._last_seconds or 5.0))

    # -- the watcher and the fit ---------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                self._refresh(urgent=False)
            except Exception:  # the watcher must outlive a failing store or fit
                log.exception("engine refresh failed")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def _read_version(self) -> int:
        with self.database.session() as session:
            version = data_version(session)
        self._latest = version
        return version

    def _refresh(self, urgent: bool) -> None:
        """Fit the store's current version unless it is served or already failed."""
        with self._fit_lock:
            version = self._read_version()
            fitted = self._fitted
            if fitted is not None and fitted.version >= version:
                return
            if self._error is not None and self._error[0] >= version:
                return  # failed at this version: only a change of the data can help
            if fitted is not None and not (urgent or self._urgent):
                pause = self._last_start + self.refit_interval - time.monotonic()
                if pause > 0 and not self._stop.wait(pause):
                    version = self._read_version()
            if self._stop.is_set():
                return
            self._urgent = False
            self._fit(version)

    def _fit(self, version: int) -> None:
        self._last_start = started = time.monotonic()
        self._fitting, self._stage, self._progress = version, "load", 0.0
        previous = self._fitted
        try:
            version, dataset = self._load_stable()
            self._fitting = version
            _check_fittable(dataset)
            matcher = self._fit_matcher(dataset, previous.matcher if previous else None)
        except ApiError as error:
            self._fail(version, error)
            return
        except Exception as error:
            log.exception("fitting the engine on data version %s failed", version)
            self._fail(version, _internal(error))
            return
        fitted = Fitted(matcher, dataset, version)
        with self._changed:
            self._fitted = fitted  # the swap: one reference assignment
            self._error = None
            self._fitting = None
            self.fits += 1
            self._last_seconds = time.monotonic() - started
            self._changed.notify_all()
        del previous, fitted, matcher, dataset
        _exempt_from_collection()
        log.info(
            "engine fitted on data version %s in %.1f s (%s records re-read)",
            version,
            self._last_seconds,
            self._loader.reread,
        )

    def _load_stable(self) -> tuple[int, Dataset]:
        """The dataset and the data version it is exactly the data of.

        SQLite runs these reads without a common snapshot, so the version is read before
        and after the records: equal means no write landed in between (a write bumps the
        version in its own transaction). Otherwise the records are read again (only the
        changed ones, so it is cheap). After a few tries under a stream of writes, the
        earlier version is kept: the data is then at least that version, and the next poll
        refits.
        """
        for _attempt in range(_STABLE_LOAD_TRIES):
            with self.database.session() as session:
                before = data_version(session)
                dataset = self._loader.load(session)
                after = data_version(session)
            if before == after:
                break
        return before, dataset

    def _fit_matcher(self, dataset: Dataset, previous: Matcher | None) -> Matcher:
        try:
            return self.fit_function(dataset, previous, self._report)
        except (GrantmatchError, ValueError) as error:
            raise ApiError(
                409,
                f"the engine cannot be fitted on the stored data: {error}",
                [Problem(field="store", reason=str(error))],
            ) from None

    def _report(self, stage: str, fraction: float) -> None:
        self._stage, self._progress = stage, max(0.0, min(1.0, float(fraction)))

    def _fail(self, version: int, error: ApiError) -> None:
        with self._changed:
            self._error = (version, error)
            self._fitting = None
            self._changed.notify_all()


def _exempt_from_collection() -> None:
    """Move every object alive now (mostly the new engine: millions of them at 50,000
    profiles) out of the cyclic garbage collector's reach.

    Otherwise each full collection walks the whole engine, a pause of about a second that
    every request in flight waits for (it was the p99 of the load benchmark). Engines hold
    no reference cycles (``tests/matcher/test_engine_lifetime.py``), so the replaced one is
    still freed, by reference counting, as soon as its last request ends.
    """
    gc.freeze()


def _check_fittable(dataset: Dataset) -> None:
    if not dataset.profiles or not dataset.calls:
        raise ApiError(
            409,
            "the store holds no profiles or no calls yet; import them first",
            [Problem(field="store", reason="the engine needs profiles and calls")],
        )


def _internal(error: Exception) -> ApiError:
    """A failed fit's error as answers report it (the details are in the server log)."""
    return ApiError(
        500,
        f"the engine could not be fitted ({type(error).__name__}); see the server log",
        [Problem(field="engine", reason="fit failed")],
    )

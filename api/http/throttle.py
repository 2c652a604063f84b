"""Throttling of clients that keep sending unknown API keys (guessing them).

After ``limit`` unknown keys from one client address within ``window`` seconds, every
request from that address that needs a key is answered 429 until the oldest of those
failures is ``window`` seconds old. Other addresses are unaffected. The record lives in
memory (one process), is shared by the worker threads under a lock, and keeps at most
``max_clients`` addresses, forgetting the least recently failing first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class KeyThrottle:
    """Failed key attempts per client address, in a sliding window.

    Parameters
    ----------
    limit : int
        Failures within the window after which an address is throttled.
    window : float
        The window, in seconds.
    max_clients : int
        Most addresses remembered.
    clock : callable, optional
        Monotonic seconds (for tests); default :func:`time.monotonic`.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        max_clients: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try a key again, or ``None`` if it may now."""
        with self._lock:
            failures = self._recent(client, self._clock())
            if failures is None or len(failures) < self.limit:
                return None
            return max(1, math.ceil(failures[0] + self.window - self._clock()))

    def record_failure(self, client: str) -> None:
        """Count one unknown key from ``client``."""
        with self._lock:
            now = self._clock()
            failures = self._recent(client, now)
            if failures is None:
                # Only the last ``limit`` failures decide a block, so no more are kept.
                failures = deque(maxlen=self.limit)
                self._failures[client] = failures
            failures.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def _recent(self, client: str, now: float) -> deque[float] | None:
        """The client's failures within the window (older ones dropped); lock held."""
        failures = self._failures.get(client)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[client]
            return None
        return failures


__all__ = ["KeyThrottle"]

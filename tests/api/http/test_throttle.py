"""The key throttle's window, bound and thread safety (a fake clock)."""

from __future__ import annotations

import threading

from api.http.throttle import KeyThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_throttled_until_its_oldest_failure_leaves_the_window() -> None:
    clock = Clock()
    throttle = KeyThrottle(limit=2, window=10, max_clients=100, clock=clock)
    throttle.record_failure("a")
    clock.now += 4
    throttle.record_failure("a")
    assert throttle.retry_after("a") == 6
    assert throttle.retry_after("b") is None
    clock.now += 6
    assert throttle.retry_after("a") is None


def test_the_record_is_bounded() -> None:
    throttle = KeyThrottle(limit=1, window=60, max_clients=3, clock=Clock())
    for client in "abcd":
        throttle.record_failure(client)
    assert throttle.retry_after("a") is None  # forgotten: least recently failing
    assert all(throttle.retry_after(client) is not None for client in "bcd")


def test_failures_from_many_threads_are_all_counted() -> None:
    throttle = KeyThrottle(limit=400, window=60, max_clients=10, clock=Clock())

    def fail() -> None:
        for _ in range(50):
            throttle.record_failure("a")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.retry_after("a") is not None

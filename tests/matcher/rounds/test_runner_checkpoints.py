"""The staffing checkpoint's writer: the newest state reaches the disk, failures are told."""

from __future__ import annotations

import threading

import pytest

from matcher.rounds.checkpoints import LatestWriter


def test_close_waits_for_the_newest_item() -> None:
    written: list[int] = []
    gate = threading.Event()

    def write(item: int) -> None:
        gate.wait()
        written.append(item)

    writer: LatestWriter[int] = LatestWriter(write)
    writer.put(1)  # being written (held at the gate) while the next ones arrive
    for item in (2, 3, 4):
        writer.put(item)
    gate.set()
    writer.close()
    assert written[-1] == 4  # the newest always lands last
    assert written == sorted(written) and set(written) <= {1, 2, 3, 4}


def test_a_failed_write_is_raised_by_close() -> None:
    def write(item: int) -> None:
        raise OSError(f"disk full writing {item}")

    writer: LatestWriter[int] = LatestWriter(write)
    writer.put(7)
    with pytest.raises(OSError, match="disk full writing 7"):
        writer.close()


def test_closing_an_unused_writer_does_nothing() -> None:
    LatestWriter[int](lambda item: None).close()

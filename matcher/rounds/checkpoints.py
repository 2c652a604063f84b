"""Checkpoints of a round, under ``DIR/.checkpoints``: per-chunk score files, the state of the
Lagrangian staffing after its last completed iteration, and the finished staffing.

A manifest records a hash of the inputs (every record, in order) and of the settings that
change results; a resumed run refuses different inputs or settings with a clear error
instead of mixing two rounds. Every checkpoint file is written to a temporary name and
renamed, so a file under its final name is always complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from matcher.dataset import Dataset
from matcher.errors import GrantmatchError
from matcher.io import write_text_atomic

MANIFEST = "manifest.json"

T = TypeVar("T")


class ResumeError(GrantmatchError):
    """A round cannot resume from the checkpoints it was pointed at."""


def dataset_hash(dataset: Dataset) -> str:
    """SHA-256 of every record of the dataset, in order."""
    digest = hashlib.sha256()
    for kind in ("profiles", "calls", "institutions", "offices"):
        digest.update(kind.encode())
        for record in getattr(dataset, kind):
            digest.update(record.model_dump_json().encode())
            digest.update(b"\n")
    return digest.hexdigest()


class Checkpoints:
    """The checkpoint folder of one round.

    Parameters
    ----------
    folder : Path
        ``DIR/.checkpoints``.
    identity : dict
        What the round's results depend on (input hash, settings, encoder, chunking).
    resume : bool
        Reuse checkpoints whose manifest matches ``identity``; otherwise start afresh.
    """

    def __init__(self, folder: Path, identity: dict[str, Any], resume: bool) -> None:
        self.folder = folder
        self.identity = identity
        manifest = folder / MANIFEST
        if resume and manifest.exists():
            try:
                found = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise ResumeError(f"{manifest}: unreadable checkpoint manifest ({error})") from None
            if found != identity:
                changed = sorted(
                    key for key in set(found) | set(identity) if found.get(key) != identity.get(key)
                )
                raise ResumeError(
                    f"{manifest}: cannot resume, the checkpoints were made from different "
                    f"{', '.join(changed)}; rerun without --resume to start afresh"
                )
        else:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            write_text_atomic(json.dumps(identity, indent=1, sort_keys=True) + "\n", manifest)

    def chunk_path(self, number: int) -> Path:
        """Where chunk ``number``'s scores are kept."""
        return self.folder / f"chunk-{number:06d}.npz"

    def done_chunks(self) -> set[int]:
        """Chunks with a complete score file."""
        return {int(p.stem.split("-")[1]) for p in self.folder.glob("chunk-*.npz")}

    @property
    def staffing_path(self) -> Path:
        """The finished staffing (absent while it runs, and after an interrupted one)."""
        return self.folder / "staffing.json"

    @property
    def iteration_path(self) -> Path:
        """The Lagrangian staffing's state after its last completed iteration."""
        return self.folder / "lagrangian.json"

    def save_iteration(self, state: dict[str, Any]) -> None:
        """Keep ``state`` (a ``LagrangianState.to_json()``) as the one to resume from."""
        write_text_atomic(json.dumps(state, sort_keys=True) + "\n", self.iteration_path)

    def last_iteration(self) -> dict[str, Any] | None:
        """The state saved by :meth:`save_iteration`, or ``None`` if there is none.

        Raises
        ------
        ResumeError
            If the file cannot be read as a JSON object.
        """
        path = self.iteration_path
        if not path.exists():
            return None
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ResumeError(f"{path}: unreadable staffing checkpoint ({error})") from None
        if not isinstance(found, dict):
            raise ResumeError(f"{path}: unreadable staffing checkpoint (not a JSON object)")
        return found

    def remove(self) -> None:
        """Drop the checkpoints (after the outputs are complete)."""
        shutil.rmtree(self.folder, ignore_errors=True)


class LatestWriter(Generic[T]):
    """Writes, on a thread of its own, the newest item handed to it with ``write``.

    The staffing's state after an iteration is serialised and written while the next
    iteration already solves (hundreds of thousands of prices take a fraction of a second
    to write, and the per-call solves release the interpreter to this thread while they
    wait on HiGHS or on worker processes). An item handed over while an older one is still
    waiting replaces it: only the newest matters to a resume. :meth:`close` waits until the
    newest item is written and raises the error of a failed write.

    Parameters
    ----------
    write : callable
        Writes one item (atomically: a resume must never find half a file).
    """

    def __init__(self, write: Callable[[T], None]) -> None:
        self._write = write
        self._changed = threading.Condition()
        self._pending: list[T] = []  # at most one: the newest item not yet written
        self._closing = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def put(self, item: T) -> None:
        """Hand over ``item``; it replaces an older one still waiting."""
        with self._changed:
            if self._error is not None:
                return  # close() reports it
            self._pending[:] = [item]
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="grantmatch-checkpoint", daemon=True
                )
                self._thread.start()
            self._changed.notify()

    def close(self) -> None:
        """Wait until the newest item is written; raise the error of a failed write."""
        with self._changed:
            self._closing = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._closing:
                    self._changed.wait()
                if not self._pending:
                    return
                item = self._pending.pop()
            try:
                self._write(item)
            except BaseException as error:  # handed to close(), in the caller's thread
                with self._changed:
                    self._error = error
                    self._pending.clear()
                return

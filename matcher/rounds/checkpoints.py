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
from pathlib import Path
from typing import Any

from matcher.dataset import Dataset
from matcher.errors import GrantmatchError
from matcher.io import write_text_atomic

MANIFEST = "manifest.json"


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

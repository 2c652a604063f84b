"""Atomic writing: a reader sees the old file or the complete new one, never a half-written file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from matcher.io.sources import PathArg


def write_text_atomic(text: str, path: PathArg) -> None:
    """Write ``text`` to ``path`` (UTF-8) atomically, like :func:`matcher.io.write_jsonl`.

    Parameters
    ----------
    text : str
        The whole content.
    path : str or os.PathLike
        The file to write; replaced if it exists.

    Raises
    ------
    OSError
        If the directory does not exist or cannot be written; the target is then untouched.
    """
    with atomic_text_writer(path) as stream:
        stream.write(text)


@contextmanager
def atomic_text_writer(path: PathArg) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` only if the block completes.

    The text goes to a temporary file in the target's directory, flushed to disk and then
    renamed over the target; on any error the temporary file is removed and the target is
    untouched.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; replaced if it exists.

    Yields
    ------
    TextIO
        A UTF-8 stream writing ``\\n`` line ends.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # os.open with 0o666 lets the umask decide the permissions, as for any new file
    # (tempfile would create it readable by the owner only).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

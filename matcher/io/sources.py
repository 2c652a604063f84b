"""What the readers read from: a file path, the bytes themselves, or a binary stream.

A path picks its format from its suffix. Bytes and streams carry no suffix, so they need a
``format`` or a ``name`` ending in one; the name also stands for the input in error
messages (``request body:4: field 'id': ...``), as a file's path does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Final, Literal, Protocol, TypeAlias, get_args

from matcher.errors import InputError

PathArg: TypeAlias = str | os.PathLike[str]
"""A file path, as a string or a :class:`~pathlib.Path`."""


class BinaryStream(Protocol):
    """Anything with ``read()`` returning bytes: an open ``rb`` file, ``io.BytesIO``, an upload."""

    def read(self, size: int = -1, /) -> bytes: ...


Source: TypeAlias = PathArg | bytes | BinaryStream
"""Where records come from: a file path (``str`` or path-like), the bytes, or a binary stream."""

Format = Literal["jsonl", "csv", "parquet"]
"""An interchange format: JSON Lines, CSV or Parquet."""

FORMATS: Final[tuple[Format, ...]] = get_args(Format)

JSON_LINES_SUFFIXES: Final = (".jsonl", ".ndjson")
CSV_SUFFIX: Final = ".csv"
PARQUET_SUFFIX: Final = ".parquet"
ACCEPTED_SUFFIXES: Final = (*JSON_LINES_SUFFIXES, CSV_SUFFIX, PARQUET_SUFFIX)


@dataclass(frozen=True)
class Input:
    """One input resolved for reading: its format, its name in messages, and its content.

    Exactly one of ``path`` and ``data`` is set: a file is read only when a reader asks,
    so that a missing file is reported after an unsupported suffix, as it always was.
    """

    format: Format
    name: str | None
    path: Path | None = None
    data: bytes | None = None

    def read_bytes(self) -> bytes:
        """The content, read from the file if the input is one."""
        if self.data is not None:
            return self.data
        assert self.path is not None  # one of the two is always set
        require_file(self.path, self.name)
        try:
            return self.path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read the file: {error.strerror}", path=self.name) from None

    def read_text(self) -> str:
        """The content decoded as UTF-8, with or without a byte order mark."""
        data = self.read_bytes()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError("the file is UTF-16; save it as UTF-8", path=self.name)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            byte = data[error.start]
            raise InputError(
                f"not valid UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
                path=self.name,
                line=line,
            ) from None


def resolve(source: Source, format: Format | None = None, name: str | None = None) -> Input:
    """Resolve a reader's ``source``, ``format`` and ``name`` arguments into an :class:`Input`.

    Parameters
    ----------
    source : str, os.PathLike, bytes or BinaryStream
        A file path, the content itself, or a binary stream (read to its end here).
    format : {"jsonl", "csv", "parquet"}, optional
        The format; by default taken from the suffix of the path, or of ``name``.
    name : str, optional
        What errors call the input; by default the path, or a stream's ``name`` attribute
        when it is a string (an open file). Without one, errors give only the line.

    Returns
    -------
    Input

    Raises
    ------
    InputError
        If the path's (or the name's) suffix is not one of the accepted ones.
    ValueError
        If ``format`` is not a known format, or bytes or a stream come without a format
        and without a name that has a suffix.
    TypeError
        If a stream yields text rather than bytes.
    """
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        shown = name if name is not None else str(path)
        return Input(format or _format_of(path, shown), shown, path=path)
    if isinstance(source, bytes | bytearray | memoryview):
        return _in_memory(bytes(source), format, name)
    return _in_memory(_read_stream(source), format, name or _stream_name(source))


def require_file(path: Path, name: str | None) -> None:
    """Raise :class:`InputError`, naming the file ``name``, unless ``path`` is a file."""
    if not path.exists():
        raise InputError("no such file", path=name)
    if path.is_dir():
        raise InputError("is a directory, not a file", path=name)


def _in_memory(data: bytes, format: Format | None, name: str | None) -> Input:
    if format is None:
        if name is None or not PurePath(name).suffix:
            what = f"the format of {name!r}" if name else "the format of bytes or a stream"
            raise ValueError(
                f"cannot tell {what}: pass format= ({', '.join(FORMATS)}) "
                f"or a name ending in {', '.join(ACCEPTED_SUFFIXES)}"
            )
        format = _format_of(PurePath(name), name)
    return Input(format, name, data=data)


def _format_of(path: PurePath, shown: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        return "jsonl"
    if suffix == CSV_SUFFIX:
        return "csv"
    if suffix == PARQUET_SUFFIX:
        return "parquet"
    described = f"'{path.suffix}'" if path.suffix else "no suffix"
    raise InputError(
        f"unsupported file type ({described}); accepted suffixes: {', '.join(ACCEPTED_SUFFIXES)}",
        path=shown,
    )


def _read_stream(stream: BinaryStream) -> bytes:
    try:
        data = stream.read()
    except OSError as error:
        raise InputError(f"cannot read the stream: {error}") from None
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"expected a binary stream (bytes), but read {type(data).__name__}")
    return bytes(data)


def _stream_name(stream: BinaryStream) -> str | None:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) else None

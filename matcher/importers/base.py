"""What every importer shares: the files it reads, the records it makes, and its log.

An importer turns the files of one outside source (an OpenAlex snapshot, ORCID records,
a CORDIS export, a spreadsheet) into the interchange records (:class:`~matcher.model.Profile`,
:class:`~matcher.model.Institution`, :class:`~matcher.model.Call`). It raises
:class:`~matcher.errors.InputError` naming the file, the line (or row), the field and the
reason for a file it cannot read; what it leaves out on purpose (a work without a title, a
third party of a CORDIS project) it counts in its :class:`ImportLog` with the reason and the
first place, so that nothing is skipped silently.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from matcher.errors import InputError
from matcher.io.sources import PathArg, require_file
from matcher.model import Call, Institution, Profile


@dataclass(frozen=True)
class ImportFile:
    """One input file: the name errors call it by, and its bytes (decompressed if ``.gz``).

    Parameters
    ----------
    name : str
        The file's path or upload name, as messages show it; its suffix tells the format.
    data : bytes
        The content.
    """

    name: str
    data: bytes
    #: Whether the file came out of a ``.zip`` the user gave: an importer skips (and
    #: notes) a member it does not read, where a file named on its own is an error.
    in_archive: bool = False

    @classmethod
    def from_path(cls, path: PathArg) -> ImportFile:
        """Read ``path`` (a ``.gz`` file is decompressed; its name keeps the ``.gz``).

        Raises
        ------
        InputError
            If the file is missing, a directory, unreadable, or not valid gzip.
        """
        shown = str(path)
        require_file(Path(path), shown)
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise InputError(f"cannot read the file: {error.strerror}", path=shown) from None
        return cls(shown, data)

    @property
    def suffix(self) -> str:
        """The format suffix, lower case, ignoring a trailing ``.gz`` (``.jsonl``, ``.xml``)."""
        # A member of an archive is named "archive.zip[member.csv]".
        member = self.name[self.name.rfind("[") + 1 : -1] if self.name.endswith("]") else self.name
        parts = Path(member.lower()).suffixes
        if parts and parts[-1] == ".gz":
            parts = parts[:-1]
        return parts[-1] if parts else ""

    def content(self) -> bytes:
        """The bytes, gunzipped when the name ends in ``.gz`` (OpenAlex snapshot parts do)."""
        if not self.name.lower().endswith(".gz") or self.name.lower().endswith(".tar.gz"):
            return self.data
        try:
            return gzip.decompress(self.data)
        except (OSError, EOFError) as error:
            raise InputError(f"not a valid gzip file: {error}", path=self.name) from None

    def text(self) -> str:
        """The content decoded as UTF-8 (with or without a byte order mark)."""
        data = self.content()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise InputError(
                f"not valid UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                path=self.name,
                line=line,
            ) from None


@dataclass
class Drop:
    """Records of one kind left out for one reason: how many, and where the first was."""

    count: int
    first: str


@dataclass
class ImportLog:
    """What an import kept, merged and left out, and why."""

    dropped: dict[tuple[str, str], Drop] = field(default_factory=dict)
    merged: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def drop(self, kind: str, reason: str, where: str) -> None:
        """Count one ``kind`` of record (``profile``, ``work``...) left out for ``reason``."""
        entry = self.dropped.get((kind, reason))
        if entry is None:
            self.dropped[(kind, reason)] = Drop(1, where)
        else:
            entry.count += 1

    def merge(self, kind: str, reason: str, count: int = 1) -> None:
        """Count ``count`` records of ``kind`` merged into another for ``reason``."""
        if count:
            self.merged[(kind, reason)] = self.merged.get((kind, reason), 0) + count

    def note(self, text: str) -> None:
        """Record something the user should know that is not a drop (e.g. ignored columns)."""
        self.notes.append(text)


@dataclass
class ImportedRecords:
    """The records an importer made, in a deterministic order, and its log."""

    profiles: list[Profile] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    log: ImportLog = field(default_factory=ImportLog)


@dataclass(frozen=True)
class ImportOptions:
    """Options some importers take.

    Attributes
    ----------
    columns : mapping of str to str or None, optional
        Spreadsheets: the user's column map (header -> field, ``None`` or ``""`` to ignore a
        column), over the default one (:data:`matcher.importers.columns.DEFAULT_COLUMNS`).
    """

    columns: Mapping[str, str | None] | None = None


class Importer(ABC):
    """One outside source: its name, what it reads, and how.

    Subclasses set :attr:`name`, :attr:`description` and :attr:`suffixes` and implement
    :meth:`read`; they are registered in :data:`matcher.importers.IMPORTERS`.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    #: The suffixes (lower case, ``.gz`` aside) this source's files may have.
    suffixes: ClassVar[tuple[str, ...]]
    #: Whether an import runs identity resolution unless told otherwise. Off for sources
    #: whose ids already identify each record (CORDIS): there, fuzzy merges measured 26
    #: right of 35 on the real export, worse than keeping the publisher's ids.
    resolves_by_default: ClassVar[bool] = True

    @abstractmethod
    def read(self, files: Sequence[ImportFile], options: ImportOptions) -> ImportedRecords:
        """Turn ``files`` into interchange records.

        Raises
        ------
        InputError
            Naming the file, line or row, field and reason of the first problem found.
        """

    def readable(self, files: Sequence[ImportFile], log: ImportLog) -> list[ImportFile]:
        """The files this source reads, ``.zip`` archives opened.

        A member of an archive this source does not read is skipped with a note; a file
        given on its own with another suffix is an error.

        Raises
        ------
        InputError
            No file given, a file of a type this source does not read, or a bad zip.
        """
        if not files:
            raise InputError(f"no input files given for {self.name}")
        readable: list[ImportFile] = []
        for file in (member for given in files for member in _opened(given)):
            if file.suffix in self.suffixes:
                readable.append(file)
            elif file.in_archive:
                log.note(f"skipped {file.name}: not a {self.name} file")
            else:
                shown = f"'{file.suffix}'" if file.suffix else "no suffix"
                raise InputError(
                    f"unsupported file type for {self.name} ({shown}); accepted: "
                    f"{', '.join(s or 'no suffix' for s in (*self.suffixes, '.zip'))}",
                    path=file.name,
                )
        if not readable:
            raise InputError(
                f"no {self.name} file in {', '.join(file.name for file in files)}", path=None
            )
        return readable


def _opened(file: ImportFile) -> list[ImportFile]:
    """``file``, or the files of a ``.zip`` (folders, hidden and ``__MACOSX`` entries aside)."""
    if file.suffix != ".zip":
        return [file]
    try:
        with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
            return [
                ImportFile(f"{file.name}[{info.filename}]", archive.read(info), in_archive=True)
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not Path(info.filename).name.startswith(".")
            ]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InputError(f"not a readable zip archive: {error}", path=file.name) from None

"""The import pipeline: read a source's files, resolve identities, check, write atomically.

``run_import("orcid", files)`` returns an :class:`ImportResult`; :func:`write_import` writes
its ``profiles.jsonl``, ``institutions.jsonl`` and ``calls.jsonl`` (those it has) into a
folder, each file atomically, after checking that the records reference each other as the
loaders require, so that every other command reads them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.errors import InputError
from matcher.importers.base import ImportedRecords, ImportFile, ImportLog, ImportOptions
from matcher.importers.identities import IdentityOptions, IdentityReport, resolve_identities
from matcher.importers.registry import get_importer
from matcher.io.json_lines import write_jsonl
from matcher.io.locations import dotted, explain
from matcher.io.readers import garbage_collector_paused
from matcher.io.sources import PathArg
from matcher.model import Institution, Profile
from matcher.references import first_reference_problem


@dataclass
class ImportResult:
    """The records of one import, ready to write, and what happened to the input."""

    source: str
    records: ImportedRecords
    identities: IdentityReport

    def counts(self) -> dict[str, Any]:
        """Kept, merged and dropped counts, with reasons (the import report, as JSON)."""
        log = self.records.log
        return {
            "source": self.source,
            "kept": {
                "profiles": len(self.records.profiles),
                "institutions": len(self.records.institutions),
                "calls": len(self.records.calls),
            },
            "merged": [
                {"kind": kind, "reason": reason, "count": count}
                for (kind, reason), count in log.merged.items()
            ],
            "dropped": [
                {"kind": kind, "reason": reason, "count": drop.count, "first": drop.first}
                for (kind, reason), drop in log.dropped.items()
            ],
            "identity_resolution": self.identities.resolver,
            "identity": self._identity_counts(),
            "notes": list(log.notes),
        }

    def _identity_counts(self) -> dict[str, Any]:
        resolution = self.identities.resolution
        if resolution is None:
            return {"resolved": False}
        return {
            "resolved": True,
            **resolution.counts,
            "merges": len(resolution.merges),
            "to_review": len(resolution.review),
            "reference_links": len(resolution.reference_links),
        }

    def summary_lines(self) -> list[str]:
        """The counts in plain words, one line each."""
        counts = self.counts()
        kept = ", ".join(f"{n:,} {kind}" for kind, n in counts["kept"].items() if n)
        lines = [f"kept {kept or 'nothing'}"]
        lines += [
            f"merged {item['count']:,} {item['kind']}(s): {item['reason']}"
            for item in counts["merged"]
        ]
        lines += [
            f"dropped {item['count']:,} {item['kind']}(s): {item['reason']} "
            f"(first: {item['first']})"
            for item in counts["dropped"]
        ]
        lines.append(f"identity resolution: {self.identities.resolver}")
        resolution = self.identities.resolution
        if resolution is not None:
            lines.append(
                f"{len(resolution.review):,} pair(s) to review (not merged); "
                f"{len(resolution.reference_links):,} institution(s) linked to the reference"
            )
        lines += [f"note: {note}" for note in counts["notes"]]
        return lines


def run_import(
    source: str,
    files: Sequence[ImportFile | PathArg],
    options: ImportOptions | None = None,
    identity: IdentityOptions | None = None,
) -> ImportResult:
    """Import ``files`` of ``source`` (see :func:`matcher.importers.available_importers`).

    Parameters
    ----------
    source : str
        ``openalex``, ``orcid``, ``cordis`` or ``spreadsheet``.
    files : sequence of ImportFile or path
        The files to read (paths are read here).
    options : ImportOptions, optional
        The column map of a spreadsheet.
    identity : IdentityOptions, optional
        How identities are resolved (:func:`~matcher.importers.resolve_identities`); by
        default with :mod:`matcher.identity` against the bundled world-universities list.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        For the first problem in the files (file, line or row, field, reason), or if the
        import holds no record at all.
    GrantmatchError
        If ``source`` is not a known source.
    """
    importer = get_importer(source)
    inputs = [
        item if isinstance(item, ImportFile) else ImportFile.from_path(item) for item in files
    ]
    log = ImportLog()
    readable = importer.readable(inputs, log)
    with garbage_collector_paused():
        try:
            records = importer.read(readable, options or ImportOptions())
        except ValidationError as error:
            # Importers check what they read and locate it; a record they still build
            # wrong is reported in words, never as a traceback.
            first = error.errors(include_url=False)[0]
            raise InputError(
                f"an imported {error.title.lower()} is invalid: {explain(first)}",
                field=dotted(first["loc"]),
            ) from None
        records.log.notes[:0] = log.notes
        records, identities = resolve_identities(records, identity)
    if not (records.profiles or records.institutions or records.calls):
        raise InputError(
            f"nothing to import from {', '.join(file.name for file in inputs)}: "
            + ("; ".join(_dropped(records)) or "the files hold no records")
        )
    _check_references(records)
    return ImportResult(source, records, identities)


#: The interchange files an import may write.
KINDS = ("institutions", "profiles", "calls")


def write_import(result: ImportResult, out: PathArg) -> dict[str, Path]:
    """Write the records as interchange files into folder ``out`` (created if missing).

    Each file is written atomically (:func:`matcher.io.write_jsonl`); a kind with no
    record gets no file, and a file of that kind already in ``out`` is left as it is (see
    :func:`stale_files`). Returns the files written, by kind.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for kind, records in (
        ("institutions", result.records.institutions),
        ("profiles", result.records.profiles),
        ("calls", result.records.calls),
    ):
        if records:
            path = folder / f"{kind}.jsonl"
            write_jsonl(records, path)
            written[kind] = path
    return written


def stale_files(written: dict[str, Path], out: PathArg) -> list[Path]:
    """Interchange files in ``out`` this import did not write (from an earlier one): the
    other commands would read them beside the new files when given ``--data out``."""
    return [
        Path(out) / f"{kind}.jsonl"
        for kind in KINDS
        if kind not in written and (Path(out) / f"{kind}.jsonl").exists()
    ]


def _dropped(records: ImportedRecords) -> list[str]:
    return [
        f"{drop.count} {kind}(s) dropped: {reason} (first: {drop.first})"
        for (kind, reason), drop in records.log.dropped.items()
    ]


def _check_references(records: ImportedRecords) -> None:
    """The loaders' reference rules, so that the written files load as they are.

    A failure here is a bug of an importer (it makes the references), said as such.
    """
    batch: list[Institution | Profile] = [*records.institutions, *records.profiles]
    problem = first_reference_problem(batch)
    if problem is not None:
        record = batch[problem.index]
        raise InputError(f"the imported record {record.id!r} is inconsistent: {problem}")

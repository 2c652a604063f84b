"""The importers by source name: one module per source, one small interface."""

from __future__ import annotations

import difflib

from matcher.errors import GrantmatchError
from matcher.importers.base import Importer
from matcher.importers.cordis import CordisImporter
from matcher.importers.openalex import OpenAlexImporter
from matcher.importers.orcid import OrcidImporter
from matcher.importers.spreadsheet import SpreadsheetImporter

#: Every source ``grantmatch import`` reads, by name.
IMPORTERS: dict[str, type[Importer]] = {
    importer.name: importer
    for importer in (OpenAlexImporter, OrcidImporter, CordisImporter, SpreadsheetImporter)
}


class UnknownSourceError(GrantmatchError):
    """An import source that no importer reads."""


def available_importers() -> dict[str, str]:
    """Each source's name and what it reads."""
    return {name: importer.description for name, importer in IMPORTERS.items()}


def get_importer(source: str) -> Importer:
    """The importer of ``source``.

    Raises
    ------
    UnknownSourceError
        If no importer has this name; the message names the closest and every source.
    """
    importer = IMPORTERS.get(source.strip().lower())
    if importer is not None:
        return importer()
    closest = difflib.get_close_matches(source.lower(), list(IMPORTERS), n=1)
    hint = f"did you mean {closest[0]!r}? " if closest else ""
    raise UnknownSourceError(
        f"unknown import source {source!r}: {hint}known sources: {', '.join(IMPORTERS)}"
    )

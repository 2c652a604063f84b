"""Importers: the files people have (OpenAlex, ORCID, CORDIS, spreadsheets) into the
interchange records.

One module per source, each an :class:`~matcher.importers.base.Importer` registered by name
in :data:`IMPORTERS` (as the team solvers are in :mod:`matcher.solvers`):

* :mod:`.openalex`: OpenAlex works and authors (the snapshot's JSON Lines, ``.gz`` or not;
  abstracts rebuilt from their inverted indexes);
* :mod:`.orcid`: ORCID public records (the public data file's XML, one file per record or
  its ``.tar.gz``, and the API's record JSON);
* :mod:`.cordis`: the EU's CORDIS projects and organisations CSV (``;`` or ``,``) into
  organisation profiles, projects as their publications and co-participation as coauthors;
* :mod:`.spreadsheet`: CSV (``,``/``;``/tab, sniffed) and XLSX sheets of researchers, with
  Russian, Kazakh and English headers mapped by :mod:`.columns` (a map the user overrides).

:func:`run_import` runs a source's importer, then :func:`resolve_identities` (merging what is
one institution or person with :mod:`matcher.identity`, :mod:`.identities`), checks the
references and returns the records with what was kept, merged and dropped, and why;
:func:`write_import` writes them atomically.

>>> from matcher.importers import available_importers
>>> sorted(available_importers())
['cordis', 'openalex', 'orcid', 'spreadsheet']
"""

from matcher.importers.base import (
    ImportedRecords,
    Importer,
    ImportFile,
    ImportLog,
    ImportOptions,
)
from matcher.importers.identities import IdentityOptions, IdentityReport, resolve_identities
from matcher.importers.pipeline import ImportResult, run_import, write_import
from matcher.importers.registry import (
    IMPORTERS,
    UnknownSourceError,
    available_importers,
    get_importer,
)

__all__ = [
    "IMPORTERS",
    "IdentityOptions",
    "IdentityReport",
    "ImportFile",
    "ImportLog",
    "ImportOptions",
    "ImportResult",
    "ImportedRecords",
    "Importer",
    "UnknownSourceError",
    "available_importers",
    "get_importer",
    "resolve_identities",
    "run_import",
    "write_import",
]

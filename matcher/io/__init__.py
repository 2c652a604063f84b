"""Reading and writing the interchange formats: JSON Lines, CSV and Parquet.

Every reader takes a file path, the bytes, or a binary stream, and returns complete results
or raises :class:`~matcher.errors.InputError` naming the input, the line (JSON Lines, CSV)
or row (Parquet), the dotted field and the reason of the *first* problem found. Nothing
half-loaded is ever returned.

The package, one module per concern:

* :mod:`.sources`: paths, bytes and streams, and which format they hold;
* :mod:`.json_lines`, :mod:`.csv_format`, :mod:`.parquet_format`: one module per format;
* :mod:`.cells`: how CSV and Parquet cells map to the same fields as JSON Lines;
* :mod:`.locations`: lines and rows, and error messages in plain words;
* :mod:`.readers`: the record readers; :mod:`.dataset_loader`: a whole dataset, with the
  references between files checked by :mod:`matcher.references`;
* :mod:`.atomic`: atomic writing.

>>> from matcher.io import read_profiles
>>> body = b'{"id": "p1", "name": "Ivan Petrov"}\\n'
>>> [profile.id for profile in read_profiles(body, format="jsonl", name="request body")]
['p1']
"""

from matcher.io.atomic import atomic_text_writer, write_text_atomic
from matcher.io.dataset_loader import load_dataset
from matcher.io.json_lines import write_jsonl
from matcher.io.locations import Place
from matcher.io.readers import (
    LoadedRecords,
    check_application_references,
    check_review_references,
    read_applications,
    read_calls,
    read_institutions,
    read_offices,
    read_outcomes,
    read_partner_queries,
    read_profiles,
    read_records,
    read_reviews,
)
from matcher.io.sources import (
    ACCEPTED_SUFFIXES,
    CSV_SUFFIX,
    FORMATS,
    JSON_LINES_SUFFIXES,
    PARQUET_SUFFIX,
    BinaryStream,
    Format,
    PathArg,
    Source,
)

__all__ = [
    "ACCEPTED_SUFFIXES",
    "CSV_SUFFIX",
    "FORMATS",
    "JSON_LINES_SUFFIXES",
    "PARQUET_SUFFIX",
    "BinaryStream",
    "Format",
    "LoadedRecords",
    "PathArg",
    "Place",
    "Source",
    "atomic_text_writer",
    "check_application_references",
    "check_review_references",
    "load_dataset",
    "read_applications",
    "read_calls",
    "read_institutions",
    "read_offices",
    "read_outcomes",
    "read_partner_queries",
    "read_profiles",
    "read_records",
    "read_reviews",
    "write_jsonl",
    "write_text_atomic",
]

"""The record readers: any format, from a path, bytes or a binary stream, all or nothing.

Every reader returns complete results or raises :class:`~matcher.errors.InputError` naming
the input, the line (JSON Lines, CSV) or row (Parquet), the dotted field and the reason of
the *first* problem found. Nothing half-loaded is ever returned.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.errors import InputError
from matcher.io.csv_format import csv_objects
from matcher.io.json_lines import json_lines_objects
from matcher.io.locations import Place, RawRecords, dotted, explain
from matcher.io.parquet_format import parquet_objects
from matcher.io.sources import Format, Input, Source, resolve
from matcher.model import Call, Institution, Office, Outcome, PartnerQuery, Profile

Record = TypeVar("Record", Profile, Call, Institution, Office, PartnerQuery, Outcome)

_FORMAT_READERS: dict[Format, Callable[[Input, type[BaseModel]], RawRecords]] = {
    "jsonl": json_lines_objects,
    "csv": csv_objects,
    "parquet": parquet_objects,
}


def read_profiles(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[Profile]:
    """Read researcher and organisation profiles.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input, e.g. ``request body`` gives ``request body:4: field
        'id': ...``; by default the path, or an open file's name. Without one, errors
        start with the line (``line 4: ...``).

    Returns
    -------
    list of Profile
        The profiles in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    return read_records(source, Profile, format=format, name=name).records


def read_calls(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[Call]:
    """Read grant calls with their rules.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input, e.g. ``request body`` gives ``request body:4: field
        'id': ...``; by default the path, or an open file's name. Without one, errors
        start with the line (``line 4: ...``).

    Returns
    -------
    list of Call
        The calls in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    return read_records(source, Call, format=format, name=name).records


def read_institutions(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[Institution]:
    """Read institutions (universities, research centres, companies, agencies).

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input, e.g. ``request body`` gives ``request body:4: field
        'id': ...``; by default the path, or an open file's name. Without one, errors
        start with the line (``line 4: ...``).

    Returns
    -------
    list of Institution
        The institutions in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    return read_records(source, Institution, format=format, name=name).records


def read_offices(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[Office]:
    """Read foreign representative offices.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input, e.g. ``request body`` gives ``request body:4: field
        'id': ...``; by default the path, or an open file's name. Without one, errors
        start with the line (``line 4: ...``).

    Returns
    -------
    list of Office
        The offices in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    return read_records(source, Office, format=format, name=name).records


def read_outcomes(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[Outcome]:
    """Read outcomes: accepted or declined introductions, applications, funded grants.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input; by default the path, or an open file's name.

    Returns
    -------
    list of Outcome
        The outcomes in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    return read_records(source, Outcome, format=format, name=name).records


def read_partner_queries(
    source: Source, *, format: Format | None = None, name: str | None = None
) -> list[tuple[str, str, list[str]]]:
    """Read ``grantmatch partners --queries`` lines: ``{"id", "call_id", "team": [ids]}``.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix, and
        chosen over a path's suffix when given.
    name : str, optional
        What errors call the input, e.g. ``request body`` gives ``request body:4: field
        'id': ...``; by default the path, or an open file's name. Without one, errors
        start with the line (``line 4: ...``).

    Returns
    -------
    list of (str, str, list of str)
        Each query's id, call id and team member ids.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, or a record is invalid or repeats an id.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    queries = read_records(source, PartnerQuery, format=format, name=name).records
    return [(query.id, query.call_id, list(query.team)) for query in queries]


@dataclass
class LoadedRecords(Generic[Record]):
    """The records of one input, each with its place, and an index by id.

    Attributes
    ----------
    name : str or None
        What errors call the input.
    records : list
        The records in input order.
    places : list of Place
        Where each record is (``places[i]`` for ``records[i]``); ``place.error(reason,
        field)`` makes an :class:`InputError` located there, as the readers' own.
    positions : dict of str to int
        The position of each id in ``records``.
    """

    name: str | None
    records: list[Record] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    def add(self, record: Record, place: Place) -> None:
        """Append ``record``; raise :class:`InputError` at ``place`` if its id was seen."""
        first = self.positions.get(record.id)
        if first is not None:
            seen = self.places[first].describe()
            raise place.error(f"duplicate id {record.id!r} (first seen on {seen})", "id")
        self.positions[record.id] = len(self.records)
        self.records.append(record)
        self.places.append(place)


def read_records(
    source: Source,
    model: type[Record],
    *,
    format: Format | None = None,
    name: str | None = None,
) -> LoadedRecords[Record]:
    """Read and validate every record of ``source`` as ``model``, keeping each one's place.

    For a caller that checks more about the records and reports it located like the
    readers' errors, e.g. a service checking references against its store::

        loaded = read_records(body, Profile, format="jsonl", name="request body")
        problem = first_reference_problem(loaded.records, profiles=stored_profiles)
        if problem is not None:
            raise loaded.places[problem.index].error(problem.reason, problem.field)

    Parameters
    ----------
    source, format, name
        As for :func:`read_profiles`.
    model : type
        ``Profile``, ``Call``, ``Institution``, ``Office``, ``Outcome`` or ``PartnerQuery``.

    Returns
    -------
    LoadedRecords
        The records in input order, their places, and their positions by id.

    Raises
    ------
    InputError
        For the first problem found; see :func:`read_profiles`.
    """
    resolved = resolve(source, format, name)
    raw_records = _FORMAT_READERS[resolved.format](resolved, model)
    loaded: LoadedRecords[Record] = LoadedRecords(resolved.name)
    with garbage_collector_paused():
        for place, raw in raw_records:
            loaded.add(_validate(model, raw, place), place)
    if not loaded.records:
        raise InputError("the file holds no records", path=resolved.name)
    return loaded


@contextmanager
def garbage_collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while inputs are parsed or checked.

    Parsing creates millions of long-lived containers and no cycles, and their allocation
    keeps triggering full collections that rescan everything built so far: two thirds of
    the time of a 100,000-profile file. The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _validate(model: type[Record], raw: dict[str, Any], place: Place) -> Record:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise place.error(explain(first), dotted(first["loc"])) from None

"""The record readers: any format, from a path, bytes or a binary stream, all or nothing.

Every reader returns complete results or raises :class:`~matcher.errors.InputError` naming
the input, the line (JSON Lines, CSV) or row (Parquet), the dotted field and the reason of
the *first* problem found. Nothing half-loaded is ever returned.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.dataset import Dataset
from matcher.errors import InputError
from matcher.io.csv_format import csv_objects
from matcher.io.json_lines import json_lines_objects
from matcher.io.locations import Place, RawRecords, dotted, explain
from matcher.io.parquet_format import parquet_objects
from matcher.io.sources import Format, Input, Source, resolve
from matcher.model import (
    Application,
    Call,
    Institution,
    Office,
    Outcome,
    PartnerQuery,
    Profile,
    Review,
)
from matcher.references import (
    KnownIds,
    ReferenceProblem,
    application_reference_problems,
    review_reference_problems,
)

Record = TypeVar(
    "Record", Profile, Call, Institution, Office, PartnerQuery, Outcome, Application, Review
)

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


def read_applications(
    source: Source,
    *,
    format: Format | None = None,
    name: str | None = None,
    dataset: Dataset | None = None,
) -> list[Application]:
    """Read a competition's applications: the call, the team and its lead, the proposal.

    In CSV a team is ``p1;p2`` or a JSON list, as other list cells; budget lines are a
    JSON list of ``{"item", "amount", "currency"}``.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary stream
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file (the format is chosen by
        the suffix, any case), the content itself, or a stream opened in binary mode.
    format : {"jsonl", "csv", "parquet"}, optional
        The format; needed for bytes and streams unless ``name`` ends in a suffix.
    name : str, optional
        What errors call the input; by default the path, or an open file's name.
    dataset : Dataset, optional
        When given, every application's ``call_id``, ``lead``, ``team`` and ``conflicts``
        must name its calls and profiles (:func:`check_application_references`).

    Returns
    -------
    list of Application
        The applications in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, a record is invalid or repeats an id,
        or (with ``dataset``) names an unknown call or profile: the first problem, located
        by file, line (or row) and field.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    loaded = read_records(source, Application, format=format, name=name)
    if dataset is not None:
        check_application_references(loaded, dataset)
    return loaded.records


def read_reviews(
    source: Source,
    *,
    format: Format | None = None,
    name: str | None = None,
    applications: Sequence[Application] | None = None,
    dataset: Dataset | None = None,
) -> list[Review]:
    """Read reviewers' scores: application, reviewer, score, confidence, comment.

    One review per reviewer and application: a second one is an error.

    Parameters
    ----------
    source, format, name
        As for :func:`read_applications`.
    applications : sequence of Application, optional
        When given, every review's ``application_id`` must name one of them.
    dataset : Dataset, optional
        When given, every review's ``reviewer_id`` must name one of its profiles.

    Returns
    -------
    list of Review
        The reviews in input order.

    Raises
    ------
    InputError
        If the input is missing, unreadable, empty, a record is invalid, a reviewer reviews
        an application twice, or a review names an unknown application or reviewer.
    ValueError
        If bytes or a stream come without a format and without a name with a suffix.
    """
    loaded = read_records(source, Review, format=format, name=name)
    if applications is not None or dataset is not None:
        check_review_references(loaded, applications=applications, dataset=dataset)
    return loaded.records


def check_application_references(
    applications: LoadedRecords[Application] | Sequence[Application], dataset: Dataset
) -> None:
    """Raise the first unknown call or profile an application names, located.

    Per application, in input order: ``call_id`` (a call of ``dataset``), ``lead``, each
    of ``team`` and each of the declared ``conflicts`` (profiles of ``dataset``).

    Parameters
    ----------
    applications : LoadedRecords or sequence of Application
        Applications as read (:func:`read_records`: the error names file, line and
        field), or records built in memory (the error names the application and field).
    dataset : Dataset
        The calls and profiles the applications refer to.

    Raises
    ------
    InputError
        For the first unknown id, e.g. ``applications.jsonl:4: field 'team.2': unknown
        profile 'p9' (no profile with this id in the dataset)``.
    """
    records = applications.records if isinstance(applications, LoadedRecords) else applications
    problems = application_reference_problems(
        records,
        profiles=KnownIds(_existing(dataset.has_profile), "the dataset"),
        calls=KnownIds(_existing(_has_call(dataset)), "the dataset"),
    )
    _raise_first(next(problems, None), applications, "application")


def check_review_references(
    reviews: LoadedRecords[Review] | Sequence[Review],
    *,
    applications: Sequence[Application] | None = None,
    dataset: Dataset | None = None,
) -> None:
    """Raise the first review naming an unknown application or reviewer, located.

    Parameters
    ----------
    reviews : LoadedRecords or sequence of Review
        Reviews as read (the error names file, line and field), or built in memory.
    applications : sequence of Application, optional
        The competition's applications; without them ``application_id`` is not checked.
    dataset : Dataset, optional
        The profiles reviewers are; without it ``reviewer_id`` is not checked.

    Raises
    ------
    InputError
        For the first unknown id.
    """
    records = reviews.records if isinstance(reviews, LoadedRecords) else reviews
    everything = KnownIds(lambda ids: ids)
    problems = review_reference_problems(
        records,
        applications=everything
        if applications is None
        else KnownIds.among((a.id for a in applications), "the applications"),
        profiles=everything
        if dataset is None
        else KnownIds(_existing(dataset.has_profile), "the dataset"),
    )
    _raise_first(next(problems, None), reviews, "review")


def review_key(application_id: str, reviewer_id: str) -> str:
    """The key of a review in :attr:`LoadedRecords.positions` (a review has no id)."""
    return f"{application_id}\x00{reviewer_id}"


def _existing(known: Callable[[str], bool]) -> Callable[[frozenset[str]], set[str]]:
    return lambda ids: {identifier for identifier in ids if known(identifier)}


def _has_call(dataset: Dataset) -> Callable[[str], bool]:
    calls = {call.id for call in dataset.calls}
    return calls.__contains__


def _raise_first(
    problem: ReferenceProblem | None,
    records: LoadedRecords[Any] | Sequence[Any],
    kind: str,
) -> None:
    if problem is None:
        return
    if isinstance(records, LoadedRecords):
        raise records.places[problem.index].error(problem.reason, problem.field)
    raise InputError(f"{kind} {problem.record_id!r}: {problem.reason}", field=problem.field)


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
        """Append ``record``; raise :class:`InputError` at ``place`` if its id was seen.

        A review has no id of its own: its key is its application and reviewer (one
        review per reviewer and application), ``positions`` keyed by
        :func:`review_key`.
        """
        if isinstance(record, Review):
            key = review_key(record.application_id, record.reviewer_id)
        else:
            key = record.id
        first = self.positions.get(key)
        if first is not None:
            seen = self.places[first].describe()
            if isinstance(record, Review):
                raise place.error(
                    f"a second review of application {record.application_id!r} by reviewer "
                    f"{record.reviewer_id!r} (first seen on {seen})",
                    "reviewer_id",
                )
            raise place.error(f"duplicate id {record.id!r} (first seen on {seen})", "id")
        self.positions[key] = len(self.records)
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
        ``Profile``, ``Call``, ``Institution``, ``Office``, ``Outcome``, ``PartnerQuery``,
        ``Application`` or ``Review``.

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

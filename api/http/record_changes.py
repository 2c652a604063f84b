"""Creating, updating and importing records: the loaders' validation plus the references
to what the store already holds.

A bulk import reads the body in memory with the same readers as the command line
(:mod:`matcher.io`), so its errors carry the line number, the field and the reason, and it
is all-or-nothing (one transaction). References are checked by the same rules, with the
same messages, as the loaders' (:mod:`matcher.references`), the store standing in for the
other files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.http.errors import ApiError, input_error_detail, input_error_problem
from api.http.schemas.base import find_nul, unreadable_id
from api.http.schemas.errors import Problem
from api.http.store.records import MODELS, DomainRecord, count, existing_ids, record_data
from matcher.errors import InputError
from matcher.io import LoadedRecords, Place, read_records
from matcher.references import KnownIds, ReferenceProblem, first_reference_problem


def read_import(collection: str, body: bytes) -> LoadedRecords[Any]:
    """The records of a JSON Lines body, each with the line it starts on.

    Parameters
    ----------
    collection : str
        ``profiles``, ``institutions``, ``offices`` or ``calls``.
    body : bytes
        The request body, read as it is (never written to disk).

    Returns
    -------
    LoadedRecords
        The records in body order and their places (``places[i].number`` is the line).

    Raises
    ------
    ApiError
        422 naming the line, field and reason of the first problem.
    """
    try:
        loaded: LoadedRecords[Any] = read_records(
            body, MODELS[collection], format="jsonl", name="body"
        )
        _refuse_nul(loaded)
        _refuse_unreadable_ids(loaded, body)
    except InputError as error:
        raise ApiError(422, input_error_detail(error), [input_error_problem(error)]) from None
    return loaded


def _refuse_nul(loaded: LoadedRecords[Any]) -> None:
    """PostgreSQL cannot store a NUL character; the single-record schemas refuse it too."""
    for record, place in zip(loaded.records, loaded.places, strict=True):
        found = find_nul(record_data(record))
        if found is not None:
            raise place.error("contains a NUL character", found)


def _refuse_unreadable_ids(loaded: LoadedRecords[Any], body: bytes) -> None:
    """The rule of the single-record schemas (:func:`unreadable_id`), on each line's id as
    written: the loaders trim white space, which must be refused here, not silently fixed."""
    lines = body.decode("utf-8-sig").split("\n")  # as the loader splits it
    for place in loaded.places:
        written = json.loads(lines[place.number - 1]).get("id")
        problem = unreadable_id(written) if isinstance(written, str) else None
        if problem is not None:
            raise place.error(problem, "id")


def check_references(
    session: Session, records: Sequence[DomainRecord], places: Sequence[Place] | None = None
) -> None:
    """Check the ids ``records`` name against the store and the records themselves.

    The rules and their messages are :mod:`matcher.references`'. As with the files, an
    institution is free text until the store holds an institution (or the records are
    institutions).

    Parameters
    ----------
    session : Session
        The transaction the records will be saved in.
    records : sequence of DomainRecord
        A request's records (one for a create or an update, the body's for an import).
    places : sequence of Place, optional
        Where each record is in an import body; the error then names its line.

    Raises
    ------
    ApiError
        422 for the first reference that breaks a rule.
    """
    problem = first_reference_problem(
        records,
        institutions=_stored(session, "institutions") if count(session, "institutions") else None,
        profiles=_stored(session, "profiles"),
    )
    if problem is not None:
        line = places[problem.index].number if places is not None else None
        raise _reference_error(problem, line)


def _stored(session: Session, collection: str) -> KnownIds:
    return KnownIds(lambda ids: existing_ids(session, collection, ids))


def _reference_error(problem: ReferenceProblem, line: int | None) -> ApiError:
    where = f"body line {line}: " if line is not None else ""
    return ApiError(
        422,
        f"{where}{problem}",
        [Problem(field=problem.field, value=problem.value, reason=problem.reason, line=line)],
    )

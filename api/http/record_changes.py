"""Creating, updating and importing records: the loaders' validation plus the references
to what the store already holds.

A bulk import reads the body with the same readers as the command line
(:mod:`matcher.io`), so its errors carry the line number, the field and the reason, and it
is all-or-nothing (one transaction).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from api.http.errors import ApiError, input_error_detail, input_error_problem
from api.http.schemas.base import find_nul
from api.http.schemas.errors import Problem
from api.http.store.records import (
    SINGULAR,
    DomainRecord,
    count,
    existing_ids,
    record_data,
)
from matcher.errors import InputError
from matcher.io import read_calls, read_institutions, read_offices, read_profiles
from matcher.model import Institution, Office, Profile

_READERS: dict[str, Callable[[Path], Sequence[DomainRecord]]] = {
    "profiles": read_profiles,
    "institutions": read_institutions,
    "offices": read_offices,
    "calls": read_calls,
}


def parse_json_lines(collection: str, body: bytes) -> tuple[list[DomainRecord], list[int]]:
    """The records of a JSON Lines body and the line each starts on.

    Raises
    ------
    ApiError
        422 naming the line, field and reason of the first problem.
    """
    with tempfile.TemporaryDirectory(prefix="grantmatch-import-") as folder:
        path = Path(folder) / f"{collection}.jsonl"
        path.write_bytes(body)
        try:
            records = list(_READERS[collection](path))
        except InputError as error:
            raise ApiError(422, input_error_detail(error), [input_error_problem(error)]) from None
    # The readers skip blank lines and count "\n" only; the same count gives each record's
    # line for the reference checks below.
    text = body.decode("utf-8-sig")
    lines = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    for record, line in zip(records, lines, strict=True):
        found = find_nul(record_data(record))
        if found is not None:
            raise ApiError(
                422,
                f"body line {line}: field '{found}': contains a NUL character",
                [Problem(field=found, line=line, reason="contains a NUL character")],
            )
    return records, lines


def _problem(line: int | None, field: str, value: str, reason: str) -> ApiError:
    where = f"body line {line}: " if line is not None else ""
    return ApiError(
        422,
        f"{where}field '{field}': {reason}",
        [Problem(field=field, value=value, reason=reason, line=line)],
    )


def check_references(
    session: Session,
    collection: str,
    records: Sequence[DomainRecord],
    lines: Sequence[int | None] | None = None,
) -> None:
    """Check the ids records name against the store and the batch itself.

    A profile's ``collaborators``, ``conflicts`` and publication ``coauthors`` must name
    other profiles (stored or in the batch); its ``institution``, an office's
    ``partner_institutions`` and an institution's ``agreements`` must name institutions,
    as soon as the store holds any institution (before that an institution is free text,
    as with the files).

    Raises
    ------
    ApiError
        422 for the first dangling reference, with its line when ``lines`` is given.
    """
    places: Sequence[int | None] = lines if lines is not None else [None] * len(records)
    if collection == "profiles":
        _check_profiles(session, records, places)
    elif collection == "offices":
        _check_institution_refs(
            session,
            records,
            places,
            lambda r: [
                (f"partner_institutions.{i}", v)
                for i, v in enumerate(r.partner_institutions if isinstance(r, Office) else [])
            ],
            batch_institutions=set(),
        )
    elif collection == "institutions":
        batch = {record.id for record in records}
        for record, line in zip(records, places, strict=True):
            assert isinstance(record, Institution)
            for position, other in enumerate(record.agreements):
                if other == record.id:
                    raise _problem(
                        line,
                        f"agreements.{position}",
                        other,
                        "an institution cannot sign an agreement with itself",
                    )
        _check_institution_refs(
            session,
            records,
            places,
            lambda r: [
                (f"agreements.{i}", v)
                for i, v in enumerate(r.agreements if isinstance(r, Institution) else [])
            ],
            batch_institutions=batch,
            always=True,
        )


def _check_institution_refs(
    session: Session,
    records: Sequence[DomainRecord],
    places: Sequence[int | None],
    refs: Callable[[DomainRecord], list[tuple[str, str]]],
    batch_institutions: set[str],
    always: bool = False,
) -> None:
    if not always and count(session, "institutions") == 0:
        return
    named = {value for record in records for _, value in refs(record)}
    known = existing_ids(session, "institutions", named) | batch_institutions
    for record, line in zip(records, places, strict=True):
        for field, value in refs(record):
            if value not in known:
                raise _problem(line, field, value, f"unknown institution {value!r}")


def _check_profiles(
    session: Session, records: Sequence[DomainRecord], places: Sequence[int | None]
) -> None:
    batch = {record.id for record in records}
    named: set[str] = set()
    institutions: set[str] = set()
    for record in records:
        assert isinstance(record, Profile)
        named.update(record.collaborators, record.conflicts)
        named.update(c for publication in record.publications for c in publication.coauthors)
        if record.institution is not None:
            institutions.add(record.institution)
    known = existing_ids(session, "profiles", named - batch) | batch
    check_institutions = count(session, "institutions") > 0
    known_institutions = existing_ids(session, "institutions", institutions)
    for record, line in zip(records, places, strict=True):
        assert isinstance(record, Profile)
        if (
            check_institutions
            and record.institution is not None
            and record.institution not in known_institutions
        ):
            raise _problem(
                line,
                "institution",
                record.institution,
                f"unknown institution {record.institution!r}",
            )
        refs = [(f"collaborators.{i}", v) for i, v in enumerate(record.collaborators)]
        refs += [(f"conflicts.{i}", v) for i, v in enumerate(record.conflicts)]
        refs += [
            (f"publications.{n}.coauthors.{i}", v)
            for n, publication in enumerate(record.publications)
            for i, v in enumerate(publication.coauthors)
        ]
        for field, value in refs:
            if value == record.id:
                raise _problem(line, field, value, "a profile cannot name itself")
            if value not in known:
                raise _problem(line, field, value, f"unknown {SINGULAR['profiles']} {value!r}")

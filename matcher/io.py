"""Reading and writing the interchange formats: JSON Lines, CSV and Parquet.

Every reader returns complete results or raises :class:`~matcher.errors.InputError`
naming the file, the line (JSON Lines, CSV) or row (Parquet), the dotted field and the
reason of the *first* problem found. Nothing half-loaded is ever returned.

CSV and Parquet map to the same fields as JSON Lines:

* an empty cell (or a Parquet null) means the field is absent;
* list fields take a JSON array (``["coal", "safety"]``) or a ``;``-separated string
  (``coal; safety``);
* object fields (``publications``, ``rules``, ``contact``, ``rules.required_countries``)
  take JSON; a column named ``rules.max_team_size`` sets one field of ``rules``;
* Parquet also takes native list and struct columns.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import secrets
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import (
    Annotated,
    Any,
    Final,
    Generic,
    Literal,
    TextIO,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from matcher.dataset import Dataset
from matcher.errors import InputError
from matcher.model import Call, Institution, Office, PartnerQuery, Profile

PathArg = str | os.PathLike[str]
"""A file path, as a string or a :class:`~pathlib.Path`."""

JSON_LINES_SUFFIXES: Final = (".jsonl", ".ndjson")
CSV_SUFFIX: Final = ".csv"
PARQUET_SUFFIX: Final = ".parquet"
ACCEPTED_SUFFIXES: Final = (*JSON_LINES_SUFFIXES, CSV_SUFFIX, PARQUET_SUFFIX)

# Python's default (131,072 characters) is too small for a publications cell holding
# a prolific author's abstracts. Raising a process-wide limit only makes other readers
# more permissive, so it is never lowered back.
_CSV_CELL_LIMIT: Final = 64 * 1024 * 1024

_LIST_SEPARATOR: Final = ";"

_Record = TypeVar("_Record", Profile, Call, Institution, Office, PartnerQuery)


# --------------------------------------------------------------------------- locations


class _RowInputError(InputError):
    """An :class:`InputError` located by Parquet row rather than by text line."""

    @property
    def message(self) -> str:
        what = f"field '{self.field}': " if self.field else ""
        return f"{self.path}: row {self.line}: {what}{self.reason}"


@dataclass(frozen=True)
class _Place:
    """Where a record sits: a physical line of a text file, or a 1-based Parquet row."""

    path: Path
    number: int
    unit: Literal["line", "row"] = "line"

    def error(self, reason: str, field: str | None = None) -> InputError:
        kind = _RowInputError if self.unit == "row" else InputError
        return kind(reason, path=self.path, line=self.number, field=field)

    def describe(self) -> str:
        return f"{self.unit} {self.number}"


@dataclass
class _Loaded(Generic[_Record]):
    """The records of one file, each with its place, and an index by id."""

    path: Path
    records: list[_Record] = field(default_factory=list)
    places: list[_Place] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    def add(self, record: _Record, place: _Place) -> None:
        first = self.positions.get(record.id)
        if first is not None:
            seen = self.places[first].describe()
            raise place.error(f"duplicate id {record.id!r} (first seen on {seen})", "id")
        self.positions[record.id] = len(self.records)
        self.records.append(record)
        self.places.append(place)

    def __iter__(self) -> Iterator[tuple[_Record, _Place]]:
        return zip(self.records, self.places, strict=True)


# --------------------------------------------------------------------------- public API


def read_profiles(path: PathArg) -> list[Profile]:
    """Read researcher and organisation profiles.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file.

    Returns
    -------
    list of Profile
        The profiles in file order.

    Raises
    ------
    InputError
        If the file is missing, unreadable, empty, or a record is invalid or repeats an id.
    """
    return _read_records(path, Profile).records


def read_calls(path: PathArg) -> list[Call]:
    """Read grant calls with their rules.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file.

    Returns
    -------
    list of Call
        The calls in file order.

    Raises
    ------
    InputError
        If the file is missing, unreadable, empty, or a record is invalid or repeats an id.
    """
    return _read_records(path, Call).records


def read_institutions(path: PathArg) -> list[Institution]:
    """Read institutions (universities, research centres, companies, agencies).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file.

    Returns
    -------
    list of Institution
        The institutions in file order.

    Raises
    ------
    InputError
        If the file is missing, unreadable, empty, or a record is invalid or repeats an id.
    """
    return _read_records(path, Institution).records


def read_offices(path: PathArg) -> list[Office]:
    """Read foreign representative offices.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file.

    Returns
    -------
    list of Office
        The offices in file order.

    Raises
    ------
    InputError
        If the file is missing, unreadable, empty, or a record is invalid or repeats an id.
    """
    return _read_records(path, Office).records


def read_partner_queries(path: PathArg) -> list[tuple[str, str, list[str]]]:
    """Read ``grantmatch partners --queries`` lines: ``{"id", "call_id", "team": [ids]}``.

    Returns
    -------
    list of (query id, call id, team member ids)
    """
    queries = _read_records(path, PartnerQuery).records
    return [(query.id, query.call_id, list(query.team)) for query in queries]


def load_dataset(
    profiles: PathArg,
    calls: PathArg | None = None,
    institutions: PathArg | None = None,
    offices: PathArg | None = None,
) -> Dataset:
    """Read the given files and check the references between them.

    Checked references: a profile's ``institution``, an office's ``partner_institutions``
    and an institution's ``agreements`` must name institutions of the institutions file
    (only when one is given: without it an institution is a free-text id); a profile's
    ``collaborators`` and its publications' ``coauthors`` must name other profiles of
    the profiles file.

    Parameters
    ----------
    profiles : str or os.PathLike
        The profiles file.
    calls, institutions, offices : str or os.PathLike, optional
        The other files; a kind left out is empty in the dataset.

    Returns
    -------
    Dataset
        All records, complete and consistent.

    Raises
    ------
    InputError
        For the first problem found, located by file, line (or row) and field.
    """
    loaded_profiles = _read_records(profiles, Profile)
    loaded_calls = _read_optional(calls, Call)
    loaded_institutions = _read_optional(institutions, Institution)
    loaded_offices = _read_optional(offices, Office)

    if loaded_institutions is not None:
        _check_agreements(loaded_institutions)
        _check_profile_institutions(loaded_profiles, loaded_institutions)
        if loaded_offices is not None:
            _check_office_partners(loaded_offices, loaded_institutions)
    _check_collaborations(loaded_profiles)

    return Dataset(
        profiles=loaded_profiles.records,
        calls=loaded_calls.records if loaded_calls else (),
        institutions=loaded_institutions.records if loaded_institutions else (),
        offices=loaded_offices.records if loaded_offices else (),
    )


def write_jsonl(records: Iterable[BaseModel], path: PathArg) -> int:
    """Write records as JSON Lines, atomically.

    The lines go to a temporary file in the target's directory, which is flushed to disk
    and then renamed over the target: a reader sees the old file or the complete new one,
    never a half-written file, even if writing fails or the machine stops.

    Parameters
    ----------
    records : iterable of pydantic.BaseModel
        The records, each written as ``model_dump(mode="json", exclude_none=True)``
        (extra fields included), UTF-8 without escaping non-ASCII text.
    path : str or os.PathLike
        The file to write; replaced if it exists.

    Returns
    -------
    int
        The number of records written.

    Raises
    ------
    OSError
        If the directory does not exist or cannot be written; the target is then untouched.
    """
    with atomic_text_writer(path) as stream:
        return _write_lines(records, stream)


def write_text_atomic(text: str, path: PathArg) -> None:
    """Write ``text`` to ``path`` (UTF-8) atomically, like :func:`write_jsonl`."""
    with atomic_text_writer(path) as stream:
        stream.write(text)


@contextmanager
def atomic_text_writer(path: PathArg) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` only if the block completes.

    The text goes to a temporary file in the target's directory, flushed to disk and then
    renamed over the target; on any error the temporary file is removed and the target is
    untouched.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # os.open with 0o666 lets the umask decide the permissions, as for any new file
    # (tempfile would create it readable by the owner only).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


# --------------------------------------------------------------------------- reading


def _read_optional(path: PathArg | None, model: type[_Record]) -> _Loaded[_Record] | None:
    return None if path is None else _read_records(path, model)


def _read_records(path: PathArg, model: type[_Record]) -> _Loaded[_Record]:
    file = Path(path)
    raw_records = _raw_records_reader(file)(file, model)
    loaded: _Loaded[_Record] = _Loaded(file)
    with _garbage_collector_paused():
        for place, raw in raw_records:
            loaded.add(_validate(model, raw, place), place)
    if not loaded.records:
        raise InputError("the file holds no records", path=file)
    return loaded


@contextmanager
def _garbage_collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is parsed.

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


_RawRecords = Iterator[tuple[_Place, dict[str, Any]]]


def _raw_records_reader(file: Path) -> Callable[[Path, type[BaseModel]], _RawRecords]:
    suffix = file.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        return _json_lines_objects
    if suffix == CSV_SUFFIX:
        return _csv_objects
    if suffix == PARQUET_SUFFIX:
        return _parquet_objects
    shown = f"'{file.suffix}'" if file.suffix else "no suffix"
    raise InputError(
        f"unsupported file type ({shown}); accepted suffixes: {', '.join(ACCEPTED_SUFFIXES)}",
        path=file,
    )


def _validate(model: type[_Record], raw: dict[str, Any], place: _Place) -> _Record:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise place.error(_explain(first), _dotted(first["loc"])) from None


def _read_text(file: Path) -> str:
    """The file's text, decoded as UTF-8 with or without a byte order mark."""
    data = _read_bytes(file)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16; save it as UTF-8", path=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise InputError(
            f"not valid UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
            path=file,
            line=line,
        ) from None


def _read_bytes(file: Path) -> bytes:
    _require_file(file)
    try:
        return file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", path=file) from None


def _require_file(file: Path) -> None:
    if not file.exists():
        raise InputError("no such file", path=file)
    if file.is_dir():
        raise InputError("is a directory, not a file", path=file)


# --------------------------------------------------------------------------- JSON Lines


def _json_lines_objects(file: Path, model: type[BaseModel]) -> _RawRecords:
    text = _read_text(file)
    # Split on "\n" only: str.splitlines() also splits on U+2028 and friends, which JSON
    # allows raw inside strings, and would shift every later line number.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        place = _Place(file, number)
        try:
            value = _parse_json(line)
        except ValueError as error:
            raise place.error(f"invalid JSON: {_json_reason(error)}") from None
        if not isinstance(value, dict):
            raise place.error(f"expected a JSON object, got {_json_kind(value)}")
        yield place, value


class _JsonProblem(ValueError):
    """JSON that the standard decoder accepts but the interchange format does not."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _JsonProblem(f"duplicate key {_first_repeated(key for key, _ in pairs)!r}")
    return result


def _first_repeated(keys: Iterable[str]) -> str:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no key is repeated")


def _reject_constant(name: str) -> Any:
    raise _JsonProblem(f"{name} is not a JSON value")


# One decoder for every line: json.loads with hooks would build a new one each call.
_DECODER: Final = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_reject_constant)


def _parse_json(text: str) -> Any:
    return _DECODER.decode(text)


def _json_reason(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        where = f"line {error.lineno}, column {error.colno}" if error.lineno > 1 else ""
        return f"{error.msg} at {where or f'column {error.colno}'}"
    return str(error)


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return "a number"


# --------------------------------------------------------------------------- CSV


def _csv_objects(file: Path, model: type[BaseModel]) -> _RawRecords:
    text = _read_text(file)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_CELL_LIMIT))
    # newline="" keeps quoted line breaks inside cells, as the csv module requires.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    last_line = 0
    try:
        for row in reader:
            place = _Place(file, last_line + 1)
            last_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_line = _csv_header(row, place), place.number
                continue
            if len(row) != len(header):
                raise place.error(
                    f"the row has {len(row)} cells but the header (line {header_line}) "
                    f"has {len(header)} columns"
                )
            yield place, _record_from_cells(model, zip(header, row, strict=True), place)
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", path=file, line=reader.line_num) from None


def _csv_header(row: list[str], place: _Place) -> list[str]:
    names = [name.strip() for name in row]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise place.error(f"column {position} of the header has no name")
        if name in seen:
            raise place.error(f"column {name!r} appears twice in the header")
        seen.add(name)
    return names


# --------------------------------------------------------------------------- Parquet


def _parquet_objects(file: Path, model: type[BaseModel]) -> _RawRecords:
    rows = _read_parquet_rows(file)
    for number, row in enumerate(rows, start=1):
        place = _Place(file, number, unit="row")
        yield place, _record_from_cells(model, row.items(), place)


def _read_parquet_rows(file: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq  # pyarrow is heavy: imported only when Parquet is read

    _require_file(file)
    try:
        table = pq.read_table(file)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"not a readable Parquet file: {error}", path=file) from None
    rows: list[dict[str, Any]] = table.to_pylist(maps_as_pydicts="strict")
    return rows


# --------------------------------------------------------------------------- cells


class _Absent:
    """Marks a cell that leaves its field out (an empty cell or a null)."""


_ABSENT: Final = _Absent()

_Shape = Literal["scalar", "list", "object"]


def _record_from_cells(
    model: type[BaseModel],
    cells: Iterable[tuple[str, object]],
    place: _Place,
    prefix: str = "",
) -> dict[str, Any]:
    """Build a record from (column, value) pairs; ``head.rest`` columns fill object fields."""
    record: dict[str, Any] = {}
    nested: dict[str, list[tuple[str, object]]] = {}
    for column, value in cells:
        head, dot, rest = column.partition(".")
        if dot and _nested_model(model, head) is not None:
            nested.setdefault(head, []).append((rest, value))
            continue
        decoded = _decode_cell(_shape(model, column), value, place, prefix + column)
        if decoded is not _ABSENT:
            record[column] = decoded
    for head, subcells in nested.items():
        submodel = _nested_model(model, head)
        assert submodel is not None  # checked when the column was grouped
        parts = _record_from_cells(submodel, subcells, place, f"{prefix}{head}.")
        if parts:
            _merge_parts(record, head, parts, place, prefix)
    return record


def _merge_parts(
    record: dict[str, Any], head: str, parts: dict[str, Any], place: _Place, prefix: str
) -> None:
    whole = record.setdefault(head, {})
    if not isinstance(whole, dict):
        raise place.error(
            f"expected an object to merge the '{prefix}{head}.*' columns into", prefix + head
        )
    for key, value in parts.items():
        if key in whole:
            raise place.error(
                f"given twice: in column '{prefix}{head}' and in column '{prefix}{head}.{key}'",
                f"{prefix}{head}.{key}",
            )
        whole[key] = value


def _decode_cell(shape: _Shape, value: object, place: _Place, name: str) -> object:
    if value is None:
        return _ABSENT
    if not isinstance(value, str):
        return _without_nulls(value)
    if not value.strip():
        return _ABSENT
    if shape == "scalar":
        return value
    if shape == "list" and not value.lstrip().startswith("["):
        return [part.strip() for part in value.split(_LIST_SEPARATOR) if part.strip()]
    try:
        return _parse_json(value)
    except ValueError as error:
        raise place.error(f"invalid JSON in the cell: {_json_reason(error)}", name) from None


def _without_nulls(value: object) -> object:
    """Drop null members of objects: a null in a Parquet struct means the field is absent."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) if isinstance(item, dict | list) else item for item in value]
    return value


@cache
def _shape(model: type[BaseModel], name: str) -> _Shape:
    info = model.model_fields.get(name)
    return "scalar" if info is None else _shape_of(info.annotation)


@cache
def _nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    info = model.model_fields.get(name)
    return None if info is None else _model_in(info.annotation)


def _shape_of(annotation: Any) -> _Shape:
    annotation = _unwrap(annotation)
    origin = get_origin(annotation) or annotation
    if origin in (list, tuple, set, frozenset):
        return "list"
    if origin is dict or _model_in(annotation) is not None:
        return "object"
    return "scalar"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to ``X``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return _unwrap(options[0])
    return annotation


# --------------------------------------------------------------------------- messages

_EXPECTED: Final = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "date_type": "a date like 2025-03-31",
    "date_parsing": "a date like 2025-03-31",
    "date_from_datetime_parsing": "a date like 2025-03-31",
    "date_from_datetime_inexact": "a date like 2025-03-31",
}

_BOUNDS: Final = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "above"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "below"),
}


def _explain(error: ErrorDetails) -> str:
    """Pydantic's error in words a person preparing a data file understands."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = _show(error["input"])
    if kind == "missing":
        return "missing required field"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {got}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {got}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}, got {got}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must have at least {ctx['min_length']} characters, got {got}"
    message = error["msg"]
    return f"{message[:1].lower()}{message[1:]}, got {got}"


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else _json_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # a circular structure cannot come from a file, but never fail here
        return repr(value)


def _dotted(loc: tuple[int | str, ...]) -> str | None:
    # "[key]" marks an error in a dict key (e.g. a country code); the key itself names it.
    parts = [str(part) for part in loc if part != "[key]"]
    return ".".join(parts) or None


# --------------------------------------------------------------------------- references


def _check_profile_institutions(
    profiles: _Loaded[Profile], institutions: _Loaded[Institution]
) -> None:
    for profile, place in profiles:
        if profile.institution is not None and profile.institution not in institutions.positions:
            raise place.error(
                _unknown("institution", profile.institution, institutions.path), "institution"
            )


def _check_office_partners(offices: _Loaded[Office], institutions: _Loaded[Institution]) -> None:
    for office, place in offices:
        for position, partner in enumerate(office.partner_institutions):
            if partner not in institutions.positions:
                raise place.error(
                    _unknown("institution", partner, institutions.path),
                    f"partner_institutions.{position}",
                )


def _check_agreements(institutions: _Loaded[Institution]) -> None:
    for institution, place in institutions:
        for position, partner in enumerate(institution.agreements):
            field_name = f"agreements.{position}"
            if partner == institution.id:
                raise place.error(
                    f"an institution cannot sign an agreement with itself ({partner!r})",
                    field_name,
                )
            if partner not in institutions.positions:
                raise place.error(_unknown("institution", partner, institutions.path), field_name)


def _check_collaborations(profiles: _Loaded[Profile]) -> None:
    for profile, place in profiles:
        for position, other in enumerate(profile.collaborators):
            _check_partner_profile(
                profile, other, "collaborator", profiles, place, f"collaborators.{position}"
            )
        for position, other in enumerate(profile.conflicts):
            _check_partner_profile(
                profile, other, "conflict", profiles, place, f"conflicts.{position}"
            )
        for number, publication in enumerate(profile.publications):
            for position, other in enumerate(publication.coauthors):
                _check_partner_profile(
                    profile,
                    other,
                    "coauthor",
                    profiles,
                    place,
                    f"publications.{number}.coauthors.{position}",
                )


def _check_partner_profile(
    profile: Profile,
    other: str,
    relation: str,
    profiles: _Loaded[Profile],
    place: _Place,
    field_name: str,
) -> None:
    if other == profile.id:
        raise place.error(f"a profile cannot be its own {relation} ({other!r})", field_name)
    if other not in profiles.positions:
        raise place.error(_unknown("profile", other, profiles.path), field_name)


def _unknown(kind: str, identifier: str, path: Path) -> str:
    return f"unknown {kind} {identifier!r} (no {kind} with this id in {path})"


# --------------------------------------------------------------------------- writing


def _write_lines(records: Iterable[BaseModel], stream: TextIO) -> int:
    count = 0
    for record in records:
        data = record.model_dump(mode="json", exclude_none=True)
        stream.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

"""Spreadsheets of researchers: CSV (``,``, ``;`` or tab, read from the header line; UTF-8,
or Windows-1251 as Russian Excel saves it) and XLSX (the first sheet, with openpyxl).

The header row's columns are mapped to profile fields by :mod:`matcher.importers.columns`
(Russian, Kazakh, Chinese and English headers by default; the user's ``--columns`` map over
it). Countries and languages may be names in any of those languages. A row without a name
is left out (counted); a bad value is an error naming the file, the line (CSV) or row
(XLSX), the column and the reason. Institutions stay free text (no institutions file):
matching the same organisation written in several ways is entity resolution's work.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from matcher.errors import InputError
from matcher.importers.base import ImportedRecords, Importer, ImportFile, ImportLog, ImportOptions
from matcher.importers.columns import CAREER_STAGES, map_headers
from matcher.importers.reading import (
    check_header,
    country_at,
    delimited_rows,
    stable_id,
    validated,
    where,
)
from matcher.io.locations import Place
from matcher.languages import normalize_language
from matcher.model import Contact, Profile, Publication
from matcher.names import name_key

_SPLIT: Final = re.compile(r"[;,\n]")
_TITLES: Final = re.compile(r"[;\n]")
_YEAR: Final = re.compile(r"\b(19\d\d|20\d\d)\b")
_XLSX: Final = (".xlsx", ".xlsm")


class SpreadsheetImporter(Importer):
    """CSV and XLSX sheets of researchers, with a column map."""

    name = "spreadsheet"
    description = "CSV (, ; or tab) and XLSX sheets of researchers; headers mapped by a column map"
    suffixes = (".csv", ".tsv", ".txt", *_XLSX)

    def read(self, files: Sequence[ImportFile], options: ImportOptions) -> ImportedRecords:
        log = ImportLog()
        profiles: list[Profile] = []
        for file in files:
            header, rows = _xlsx_rows(file) if file.suffix in _XLSX else _csv_rows(file, log)
            fields, ignored = map_headers(header, options.columns)
            _check_fields(fields, header, file)
            if ignored:
                log.note(
                    f"{file.name}: columns not imported: {', '.join(repr(c) for c in ignored)} "
                    "(map them with --columns)"
                )
            for place, row in rows:
                profile = _profile(file, place, row, fields, log)
                if profile is not None:
                    profiles.append(profile)
        return ImportedRecords(profiles=profiles, log=log)


def _csv_rows(
    file: ImportFile, log: ImportLog
) -> tuple[list[str], Iterator[tuple[Place, dict[str, Any]]]]:
    data = file.content()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Russian Excel saves "CSV" in Windows-1251; it decodes any byte but 0x98.
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            file.text()  # raises the located UTF-8 error
            raise
        log.note(f"{file.name}: not UTF-8, read as Windows-1251 (Cyrillic)")
    header, rows = delimited_rows(file, text)
    return header, rows


def _xlsx_rows(file: ImportFile) -> tuple[list[str], Iterator[tuple[Place, dict[str, Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(file.content()), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own errors alike
        raise InputError(f"not a readable XLSX workbook: {error}", path=file.name) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    number = 0
    for number, row in enumerate(values, start=1):
        if any(_cell(value) for value in row):
            header = check_header(list(row), Place(file.name, number, "row"))
            break
    if header is None:
        workbook.close()
        raise InputError("the first sheet is empty (no header row)", path=file.name)
    columns = header

    def rows() -> Iterator[tuple[Place, dict[str, Any]]]:
        try:
            for offset, row in enumerate(values, start=number + 1):
                cells = [_cell(value) for value in row]
                if not any(cells):
                    continue
                place = Place(file.name, offset, "row")
                if any(cells[len(columns) :]):
                    raise place.error(
                        f"the row has values beyond the header's {len(columns)} columns"
                    )
                cells += [""] * (len(columns) - len(cells))
                yield place, dict(zip(columns, cells[: len(columns)], strict=True))
        finally:
            workbook.close()

    return columns, rows()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _check_fields(fields: dict[str, str], header: list[str], file: ImportFile) -> None:
    seen: dict[str, str] = {}
    for column, field in fields.items():
        if field in seen:
            raise InputError(
                f"columns {seen[field]!r} and {column!r} both hold {field!r}; map one of them "
                "to null with --columns",
                path=file.name,
                line=1,
            )
        seen[field] = column
    if "name" not in seen and not {"first_name", "last_name"} & seen.keys():
        raise InputError(
            f"no column holds the name (columns: {', '.join(header)}); map one to 'name' "
            "(or 'last_name' and 'first_name') with --columns",
            path=file.name,
        )


def _split(text: str, pattern: re.Pattern[str] = _SPLIT) -> list[str]:
    return [item.strip() for item in pattern.split(text) if item.strip()]


def _profile(
    file: ImportFile, place: Place, row: dict[str, Any], fields: dict[str, str], log: ImportLog
) -> Profile | None:
    cells: dict[str, str] = {}
    column_of: dict[str, str] = {}
    for column, field in fields.items():
        value = str(row.get(column) or "").strip()
        if value:
            cells[field] = value
            column_of[field] = column
    name = cells.get("name") or " ".join(
        cells[part] for part in ("first_name", "middle_name", "last_name") if part in cells
    )
    if not name:
        log.drop("row", "no name", where(place))
        return None
    values: dict[str, Any] = {"name": name}
    institution = cells.get("institution")
    if institution:
        values["institution"] = institution
    if "country" in cells:
        values["country"] = country_at(cells["country"], place, column_of["country"])
    if "keywords" in cells:
        values["keywords"] = list(dict.fromkeys(_split(cells["keywords"])))
    if "languages" in cells:
        values["languages"] = _languages(cells["languages"], place, column_of["languages"])
    if "summary" in cells:
        values["summary"] = cells["summary"]
    if "publications" in cells:
        values["publications"] = [
            _publication(title) for title in _split(cells["publications"], _TITLES)
        ]
    if "career_stage" in cells:
        values["career_stage"] = _career_stage(
            cells["career_stage"], place, column_of["career_stage"]
        )
    if "capacity" in cells:
        text = cells["capacity"]
        if not text.isdigit():
            raise place.error(
                f"expected a whole number of teams, got {text!r}", column_of["capacity"]
            )
        values["capacity"] = int(text)
    if "kind" in cells:
        kind = cells["kind"].lower()
        if kind not in ("researcher", "organization"):
            raise place.error(
                f"expected 'researcher' or 'organization', got {cells['kind']!r}", column_of["kind"]
            )
        values["kind"] = kind
    if "orcid" in cells:
        orcid = cells["orcid"].rstrip("/").rsplit("/", 1)[-1].upper()
        if not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", orcid):
            raise place.error(
                f"not an ORCID iD: {cells['orcid']!r} (expected 0000-0002-1825-0097)",
                column_of["orcid"],
            )
        values["orcid"] = orcid
    if "contact.email" in cells or "contact.phone" in cells:
        values["contact"] = Contact(
            email=cells.get("contact.email"), phone=cells.get("contact.phone")
        )
    values["id"] = cells.get("id") or values.get("orcid") or _made_id(name, institution, place)
    return validated(Profile, place, file.name, **values)


def _made_id(name: str, institution: str | None, place: Place) -> str:
    # Name and institution: the same person in two rows (or two files) gets one id and is
    # merged. Without an institution a name is not enough to say so: the row counts too.
    if institution:
        return stable_id("p", name, institution)
    return stable_id("p", name, Path(place.source or "").name, str(place.number))


def _languages(text: str, place: Place, column: str) -> list[str]:
    codes = []
    for item in _split(text.replace("/", ",")):
        try:
            codes.append(normalize_language(item))
        except ValueError as error:
            raise place.error(str(error), column) from None
    return list(dict.fromkeys(codes))


def _career_stage(text: str, place: Place, column: str) -> str:
    stage = CAREER_STAGES.get(name_key(text))
    if stage is None:
        raise place.error(
            f"unknown career stage {text!r} (expected doctoral, early, mid or senior, or a "
            "word for one such as 'аспирант', 'доцент', 'профессор')",
            column,
        )
    return stage


def _publication(text: str) -> Publication:
    years = _YEAR.findall(text)
    return Publication(title=text, year=int(years[-1]) if years else None)

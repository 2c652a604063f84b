"""ORCID public records: the public data file's XML (one ``.xml`` per record, or the
``.tar.gz`` that holds them) and the JSON of the API's record endpoint
(``/v3.0/{orcid}/record``; ``/v2.1`` too), one record per ``.json`` file (or a list), or one
per line of a ``.jsonl`` file.

Each record with a public name becomes a researcher profile: id the ORCID iD (also in the
``orcid`` field), name (the credit name, else given and family names), country (the
person's address, else the current employer's), keywords (split at commas and semicolons),
the biography as summary, other names in ``aliases`` (for entity resolution), works as
publications (title and year: ORCID summaries carry no
abstract), and the current employer (no end date, latest start; else the latest) as
institution. Works that two imported records share (the same DOI) make their people
coauthors. Institutions take the ROR, Ringgold or GRID id ORCID disambiguated them with
(``ror-02e7b5302``), else an id made from the name and country; their kind is guessed from
the name (university, research centre, other).

XML is read namespace-agnostically (ORCID's 2.x and 3.0 schemas name the same elements)
with defusedxml, so a hostile file cannot expand entities.
"""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final
from xml.etree.ElementTree import Element, ParseError

from matcher.countries import normalize_country
from matcher.errors import InputError
from matcher.importers.base import ImportedRecords, Importer, ImportFile, ImportLog, ImportOptions
from matcher.importers.reading import json_lines, stable_id
from matcher.io.json_lines import json_reason, parse_json
from matcher.model import Institution, InstitutionKind, Profile, Publication
from matcher.names import name_key

_ORCID_ID: Final = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_UNIVERSITY: Final = (
    "univ",
    "университет",
    "университеті",
    "大学",
    "академия",
    "academy",
    "college",
    "school",
)
_RESEARCH: Final = (
    "institut",
    "институт",
    "center",
    "centre",
    "центр",
    "laborator",
    "лаборатор",
    "研究",
)


@dataclass
class Employment:
    """One employment of a record: the organisation and the years."""

    name: str
    country: str | None
    disambiguated: str | None
    start: int
    end: int | None


@dataclass
class OrcidRecord:
    """What the importer uses of one ORCID record, from XML or JSON."""

    source: str
    orcid: str
    name: str | None
    biography: str = ""
    keywords: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    country: str | None = None
    employments: list[Employment] = field(default_factory=list)
    works: list[tuple[str, int | None, str | None]] = field(default_factory=list)


class OrcidImporter(Importer):
    """ORCID public records (public data file XML, API record JSON)."""

    name = "orcid"
    description = (
        "ORCID public records: public data file XML (.xml, .tar.gz) or API record .json/.jsonl"
    )
    suffixes = (".xml", ".tar", ".tgz", ".json", ".jsonl", ".ndjson")

    def read(self, files: Sequence[ImportFile], options: ImportOptions) -> ImportedRecords:
        log = ImportLog()
        records: list[OrcidRecord] = []
        for file in files:
            for record in _records_of(file):
                if record.name is None:
                    log.drop("record", "no public name", record.source)
                    continue
                records.append(record)
        return _build(records, log)


# -- reading ------------------------------------------------------------------------------


def _records_of(file: ImportFile) -> Iterator[OrcidRecord]:
    if file.name.lower().endswith((".tar.gz", ".tgz", ".tar")):
        yield from _archive(file)
    elif file.suffix == ".xml":
        yield from_xml(file.content(), file.name)
    elif file.suffix == ".json":
        try:
            value = parse_json(file.text())
        except ValueError as error:
            raise InputError(f"invalid JSON: {json_reason(error)}", path=file.name) from None
        for position, item in enumerate(value if isinstance(value, list) else [value], 1):
            if not isinstance(item, dict):
                raise InputError(f"record {position}: expected a JSON object", path=file.name)
            yield from_json(
                item, file.name if not isinstance(value, list) else f"{file.name}[{position}]"
            )
    else:
        for place, item in json_lines(file):
            yield from_json(item, f"{file.name}:{place.number}")


def _archive(file: ImportFile) -> Iterator[OrcidRecord]:
    try:
        with tarfile.open(fileobj=io.BytesIO(file.data), mode="r:*") as archive:
            for member in archive:
                if not member.isfile() or not member.name.lower().endswith(".xml"):
                    continue
                stream = archive.extractfile(member)
                if stream is not None:
                    yield from_xml(stream.read(), f"{file.name}[{member.name}]")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise InputError(f"not a readable tar archive: {error}", path=file.name) from None


@lru_cache(maxsize=512)
def _local(tag: str) -> str:
    """``{http://www.orcid.org/ns/common}name`` -> ``name`` (ORCID has a few hundred tags)."""
    return tag.rsplit("}", 1)[-1]


def _first(element: Element | None, *path: str) -> Element | None:
    """The first descendant along ``path`` (local names, each a direct child)."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _text(element: Element | None, *path: str) -> str | None:
    found = _first(element, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _all(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    for child in element.iter():
        if _local(child.tag) == name:
            yield child


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text and text[:4].isdigit() and 1900 <= int(text[:4]) <= 2100 else None


def _country(value: str | None, source: str, field: str) -> str | None:
    if not value:
        return None
    try:
        return normalize_country(value)
    except ValueError as error:
        raise InputError(str(error), path=source, field=field) from None


def _orcid(value: str | None, source: str, field: str) -> str:
    found = _ORCID_ID.search(value or "")
    if found is None:
        raise InputError(f"no ORCID iD (got {value!r})", path=source, field=field)
    return found.group(0)


def from_xml(data: bytes, source: str) -> OrcidRecord:
    """One record of the public data file (``<record:record>``, 2.x or 3.0 schema).

    Raises
    ------
    InputError
        The XML is malformed (with its line), or the record has no ORCID iD.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except ParseError as error:
        line = error.position[0] if error.position else None
        raise InputError(f"malformed XML: {error}", path=source, line=line) from None
    except DefusedXmlException as error:
        raise InputError(f"refused XML: {error}", path=source) from None
    if _local(root.tag) != "record":
        raise InputError(
            f"not an ORCID record (root element <{_local(root.tag)}>, expected <record>)",
            path=source,
        )
    identifier = _text(root, "orcid-identifier", "path") or root.get("path")
    record = OrcidRecord(source, _orcid(identifier, source, "orcid-identifier.path"), None)
    person = _first(root, "person")
    name = _first(person, "name")
    record.name = _text(name, "credit-name") or _joined(
        _text(name, "given-names"), _text(name, "family-name")
    )
    record.biography = _text(person, "biography", "content") or ""
    record.keywords = [
        k.text.strip() for k in _all(_first(person, "keywords"), "content") if k.text
    ]
    record.other_names = [
        n.text.strip() for n in _all(_first(person, "other-names"), "content") if n.text
    ]
    countries = [c.text for c in _all(_first(person, "addresses"), "country") if c.text]
    record.country = _country(
        countries[0] if countries else None, source, "person.addresses.address.country"
    )
    activities = _first(root, "activities-summary")
    for summary in _all(_first(activities, "employments"), "employment-summary"):
        organization = _first(summary, "organization")
        org_name = _text(organization, "name")
        if org_name is None:
            continue
        disambiguated = _first(organization, "disambiguated-organization")
        record.employments.append(
            Employment(
                org_name,
                _country(
                    _text(organization, "address", "country"),
                    source,
                    "employment-summary.organization.address.country",
                ),
                _disambiguated(
                    _text(disambiguated, "disambiguation-source"),
                    _text(disambiguated, "disambiguated-organization-identifier"),
                ),
                _year(_text(summary, "start-date", "year")) or 0,
                _year(_text(summary, "end-date", "year")),
            )
        )
    for summary in _all(_first(activities, "works"), "work-summary"):
        title = _text(summary, "title", "title")
        if title is None:
            continue
        doi = next(
            (
                _text(external, "external-id-value")
                for external in _all(summary, "external-id")
                if (_text(external, "external-id-type") or "").lower() == "doi"
            ),
            None,
        )
        record.works.append((title, _year(_text(summary, "publication-date", "year")), doi))
    return record


def _joined(*parts: str | None) -> str | None:
    return " ".join(part for part in parts if part) or None


def _disambiguated(source: str | None, identifier: str | None) -> str | None:
    if not source or not identifier:
        return None
    value = identifier.rstrip("/").rsplit("/", 1)[-1]
    return f"{source.lower()}-{value}"


def _value(obj: Any, *path: str) -> Any:
    """``obj[a][b]...``, ``None`` where a step is missing or not an object."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _json_text(obj: Any, *path: str) -> str | None:
    value = _value(obj, *path)
    if isinstance(value, dict):  # ORCID wraps most strings: {"value": "..."}
        value = value.get("value")
    return value.strip() or None if isinstance(value, str) else None


def _json_list(obj: Any, *path: str) -> list[Any]:
    value = _value(obj, *path)
    return value if isinstance(value, list) else []


def from_json(data: dict[str, Any], source: str) -> OrcidRecord:
    """One record of the API's record endpoint (``/v3.0/{orcid}/record`` JSON).

    Raises
    ------
    InputError
        The record has no ORCID iD, or names an unknown country.
    """
    identifier = _json_text(data, "orcid-identifier", "path") or _json_text(data, "path")
    record = OrcidRecord(source, _orcid(identifier, source, "orcid-identifier.path"), None)
    name = _value(data, "person", "name")
    record.name = _json_text(name, "credit-name") or _joined(
        _json_text(name, "given-names"), _json_text(name, "family-name")
    )
    record.biography = _json_text(data, "person", "biography", "content") or ""
    record.other_names = [
        item["content"].strip()
        for item in _json_list(data, "person", "other-names", "other-name")
        if isinstance(item, dict) and isinstance(item.get("content"), str)
    ]
    record.keywords = [
        item["content"].strip()
        for item in _json_list(data, "person", "keywords", "keyword")
        if isinstance(item, dict) and isinstance(item.get("content"), str)
    ]
    addresses = _json_list(data, "person", "addresses", "address")
    country = _json_text(addresses[0], "country") if addresses else None
    record.country = _country(country, source, "person.addresses.address.0.country")
    employments = _value(data, "activities-summary", "employments") or {}
    summaries = [
        summary.get("employment-summary")
        for group in _json_list(employments, "affiliation-group")
        for summary in _json_list(group, "summaries")
        if isinstance(summary, dict)
    ] + _json_list(employments, "employment-summary")  # the 2.x shape
    for position, summary in enumerate(summaries):
        organization = _value(summary, "organization")
        org_name = _json_text(organization, "name")
        if org_name is None:
            continue
        record.employments.append(
            Employment(
                org_name,
                _country(
                    _json_text(organization, "address", "country"),
                    source,
                    f"activities-summary.employments.{position}.organization.address.country",
                ),
                _disambiguated(
                    _json_text(organization, "disambiguated-organization", "disambiguation-source"),
                    _json_text(
                        organization,
                        "disambiguated-organization",
                        "disambiguated-organization-identifier",
                    ),
                ),
                _year(_json_text(summary, "start-date", "year")) or 0,
                _year(_json_text(summary, "end-date", "year")),
            )
        )
    for group in _json_list(data, "activities-summary", "works", "group"):
        for summary in _json_list(group, "work-summary")[:1]:  # a group is one work
            title = _json_text(summary, "title", "title")
            if title is None:
                continue
            doi = next(
                (
                    _json_text(external, "external-id-value")
                    for external in _json_list(summary, "external-ids", "external-id")
                    if (_json_text(external, "external-id-type") or "").lower() == "doi"
                ),
                None,
            )
            record.works.append(
                (title, _year(_json_text(summary, "publication-date", "year")), doi)
            )
    return record


# -- building -----------------------------------------------------------------------------


def institution_kind(name: str) -> InstitutionKind:
    """A guess from the name: ``university``, ``research_centre`` or ``other``."""
    key = name_key(name)
    if any(word in key for word in _UNIVERSITY):
        return "university"
    if any(word in key for word in _RESEARCH):
        return "research_centre"
    return "other"


def _current(employments: list[Employment]) -> Employment | None:
    """The current employment (no end, latest start), else the one that ended last."""
    if not employments:
        return None
    current = [e for e in employments if e.end is None]
    if current:
        return max(current, key=lambda e: e.start)
    return max(employments, key=lambda e: (e.end or 0, e.start))


def _build(records: list[OrcidRecord], log: ImportLog) -> ImportedRecords:
    by_doi: dict[str, list[str]] = {}
    for record in records:
        for _, _, doi in record.works:
            if doi:
                by_doi.setdefault(doi.lower(), []).append(record.orcid)
    institutions: dict[str, Institution] = {}
    profiles: list[Profile] = []
    for record in records:
        employment = _current(record.employments)
        institution_id = None
        if employment is not None and employment.country is not None:
            institution_id = employment.disambiguated or stable_id(
                "org", employment.name, employment.country
            )
            institutions.setdefault(
                institution_id,
                Institution(
                    id=institution_id,
                    name=employment.name,
                    country=employment.country,
                    kind=institution_kind(employment.name),
                ),
            )
        elif employment is not None:
            log.drop("institution", "employer without a country", record.source)
        publications: list[Publication] = []
        seen: set[tuple[str, int | None]] = set()
        for title, year, doi in record.works:
            if (name_key(title), year) in seen:
                log.merge("work", "same title and year in one record")
                continue
            seen.add((name_key(title), year))
            coauthors = [o for o in by_doi.get((doi or "").lower(), []) if o != record.orcid]
            publications.append(
                Publication(title=title, year=year, coauthors=list(dict.fromkeys(coauthors)))
            )
        keywords = [
            part.strip()
            for keyword in record.keywords
            for part in re.split(r"[;,]", keyword)
            if part.strip()
        ]
        profiles.append(
            Profile(
                id=record.orcid,
                name=record.name or record.orcid,
                country=record.country or (employment.country if employment else None),
                institution=institution_id,
                keywords=list(dict.fromkeys(keywords)),
                summary=record.biography,
                publications=publications,
                orcid=record.orcid,
                **({"aliases": other} if (other := [n for n in record.other_names if n]) else {}),
            )
        )
    return ImportedRecords(profiles=profiles, institutions=list(institutions.values()), log=log)

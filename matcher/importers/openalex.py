"""OpenAlex works and authors: the snapshot's JSON Lines (``part_000.gz`` or plain), or an
API answer saved as ``.json`` (one object, a list, or a page with ``results``).

Every line is a work (``id`` ``https://openalex.org/W...``) or an author (``A...``); one
import may mix both. The people become researcher profiles (id: the short OpenAlex id,
``A5023888391``; their ORCID in the ``orcid`` field), with their works as publications (the
abstract rebuilt from ``abstract_inverted_index``, the year, the other imported authors as
coauthors), the author's ``display_name_alternatives`` in ``aliases`` (for entity
resolution), keywords from the author's topics or their works' keywords, languages from the
works, and the institution of their latest work (or the author's last known institution) as
institution, with its country. Institutions (``I...``) come from both.

When the import holds author lines, only those authors become profiles (works then only
give evidence); otherwise every author of the works does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from matcher.importers.base import ImportedRecords, Importer, ImportFile, ImportLog, ImportOptions
from matcher.importers.reading import (
    country_at,
    json_lines,
    list_at,
    object_at,
    text_at,
    top_keywords,
    where,
    year_at,
)
from matcher.io.json_lines import json_reason, parse_json
from matcher.io.locations import Place
from matcher.model import Institution, InstitutionKind, Profile, Publication

#: OpenAlex institution types to the interchange kinds.
INSTITUTION_KINDS: Final[dict[str, InstitutionKind]] = {
    "education": "university",
    "facility": "research_centre",
    "company": "company",
    "government": "agency",
}


def short_id(value: str) -> str:
    """``https://openalex.org/A123`` -> ``A123`` (a short id stays as it is)."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def short_orcid(value: str | None) -> str | None:
    """``https://orcid.org/0000-0002-1825-0097`` -> ``0000-0002-1825-0097``."""
    return value.rstrip("/").rsplit("/", 1)[-1].upper() if value else None


def abstract_text(index: object, place: Place, field: str) -> str:
    """The abstract an inverted index (``{word: [positions]}``) stands for.

    Raises
    ------
    InputError
        If the index is not an object of lists of non-negative integers.
    """
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise place.error(
            f"expected an object of word positions, got {type(index).__name__}", field
        )
    slots: dict[int, str] = {}
    for word, spots in index.items():
        # type() is: a bool is an int to isinstance, and never a position.
        if type(spots) is not list:
            raise place.error(f"word {word!r}: expected a list of positions, got {spots!r}", field)
        for position in spots:
            if type(position) is not int or position < 0:
                raise place.error(
                    f"word {word!r}: expected a list of positions, got {spots!r}", field
                )
            slots[position] = word
    return " ".join(slots[p] for p in sorted(slots))


@dataclass
class _Author:
    name: str
    orcid: str | None = None
    institution: str | None = None
    institution_year: int = -1
    country: str | None = None
    topics: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    works: list[int] = field(default_factory=list)
    keywords: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)


@dataclass
class _Work:
    title: str
    abstract: str
    year: int | None
    authors: list[str]


@dataclass
class _State:
    log: ImportLog
    authors: dict[str, _Author] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)  # authors that have an author line
    works: list[_Work] = field(default_factory=list)
    work_ids: set[str] = field(default_factory=set)
    institutions: dict[str, Institution] = field(default_factory=dict)
    no_country: set[str] = field(default_factory=set)


class OpenAlexImporter(Importer):
    """OpenAlex works and authors (snapshot JSON Lines, or saved API answers)."""

    name = "openalex"
    description = (
        "OpenAlex works and authors: snapshot JSON Lines (.jsonl, part_000.gz) or API .json"
    )
    suffixes = ("", ".jsonl", ".ndjson", ".json")

    def read(self, files: Sequence[ImportFile], options: ImportOptions) -> ImportedRecords:
        state = _State(ImportLog())
        for file in files:
            for place, entity in _entities(file):
                entity_id = text_at(entity, "id", place, "id")
                kind = short_id(entity_id or "")[:1].upper()
                if kind == "W":
                    _add_work(state, entity, place)
                elif kind == "A":
                    _add_author(state, entity, place)
                else:
                    raise place.error(
                        f"not an OpenAlex work or author (id {entity_id!r}; expected "
                        "https://openalex.org/W... or .../A...)",
                        "id",
                    )
        return _records(state)


def _entities(file: ImportFile) -> Iterator[tuple[Place, dict[str, Any]]]:
    if file.suffix != ".json":
        yield from json_lines(file)
        return
    try:
        value = parse_json(file.text())
    except ValueError as error:
        raise Place(file.name, 1).error(f"invalid JSON: {json_reason(error)}") from None
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]
    items = value if isinstance(value, list) else [value]
    for number, item in enumerate(items, start=1):
        place = Place(file.name, number, "row")
        if not isinstance(item, dict):
            raise place.error(f"expected a JSON object, got {type(item).__name__}")
        yield place, item


def _institution(state: _State, data: dict[str, Any], place: Place, field: str) -> str | None:
    """Register an institution object; its short id, or ``None`` if it cannot be one."""
    raw_id = text_at(data, "id", place, f"{field}.id")
    name = text_at(data, "display_name", place, f"{field}.display_name")
    if raw_id is None or name is None:
        state.log.drop("institution", "no id or no name", where(place))
        return None
    institution_id = short_id(raw_id)
    if institution_id in state.institutions:
        return institution_id
    country = country_at(data.get("country_code"), place, f"{field}.country_code")
    if country is None:
        if institution_id not in state.no_country:
            state.no_country.add(institution_id)
            state.log.drop("institution", "no country_code", where(place))
        return None
    kind = INSTITUTION_KINDS.get(str(data.get("type") or ""), "other")
    state.institutions[institution_id] = Institution(
        id=institution_id, name=name, country=country, kind=kind
    )
    return institution_id


def _author(state: _State, author_id: str, name: str) -> _Author:
    author = state.authors.get(author_id)
    if author is None:
        author = state.authors[author_id] = _Author(name)
    return author


def _add_author(state: _State, data: dict[str, Any], place: Place) -> None:
    author_id = short_id(str(data["id"]))
    name = text_at(data, "display_name", place, "display_name")
    if name is None:
        state.log.drop("author", "no display_name", where(place))
        return
    if author_id in state.listed:
        state.log.merge("author", "same OpenAlex id listed twice")
        return
    state.listed.add(author_id)
    author = _author(state, author_id, name)
    author.name = name
    author.orcid = short_orcid(text_at(data, "orcid", place, "orcid")) or author.orcid
    alternatives = list_at(data, "display_name_alternatives", place, "display_name_alternatives")
    author.other_names = [
        text.strip()
        for text in alternatives
        if isinstance(text, str) and text.strip() and text.strip() != name
    ]
    known = list_at(data, "last_known_institutions", place, "last_known_institutions")
    if not known and data.get("last_known_institution") is not None:
        known = [object_at(data, "last_known_institution", place, "last_known_institution")]
    for position, item in enumerate(known):
        field = f"last_known_institutions.{position}"
        if not isinstance(item, dict):
            raise place.error(f"expected an object, got {type(item).__name__}", field)
        institution = _institution(state, item, place, field)
        if institution is not None and author.institution is None:
            author.institution = institution
            author.country = state.institutions[institution].country
            break
    topics = list_at(data, "topics", place, "topics") or list_at(
        data, "x_concepts", place, "x_concepts"
    )
    for position, topic in enumerate(topics):
        if isinstance(topic, dict) and isinstance(topic.get("display_name"), str):
            if topic["display_name"].strip():
                author.topics.append(topic["display_name"].strip())
        else:
            raise place.error("expected an object with a display_name", f"topics.{position}")


def _work_keywords(data: dict[str, Any], place: Place) -> list[str]:
    for key in ("keywords", "topics", "concepts"):
        items = list_at(data, key, place, key)
        names = [
            item["display_name"].strip()
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("display_name"), str)
            and item["display_name"].strip()
        ]
        if names:
            return names[:5]
    return []


def _add_work(state: _State, data: dict[str, Any], place: Place) -> None:
    work_id = short_id(str(data["id"]))
    found_at = where(place)
    if work_id in state.work_ids:
        state.log.merge("work", "same OpenAlex id listed twice")
        return
    state.work_ids.add(work_id)
    title = text_at(data, "title", place, "title") or text_at(
        data, "display_name", place, "display_name"
    )
    if title is None:
        state.log.drop("work", "no title", found_at)
        return
    year = year_at(data.get("publication_year"), place, "publication_year")
    abstract = abstract_text(data.get("abstract_inverted_index"), place, "abstract_inverted_index")
    language = text_at(data, "language", place, "language")
    keywords = _work_keywords(data, place)
    authors: list[str] = []
    for position, authorship in enumerate(list_at(data, "authorships", place, "authorships")):
        field = f"authorships.{position}"
        if not isinstance(authorship, dict):
            raise place.error(f"expected an object, got {type(authorship).__name__}", field)
        person = object_at(authorship, "author", place, f"{field}.author")
        raw_id = text_at(person, "id", place, f"{field}.author.id")
        name = text_at(person, "display_name", place, f"{field}.author.display_name")
        if raw_id is None or name is None:
            state.log.drop("authorship", "no author id or name", found_at)
            continue
        author_id = short_id(raw_id)
        if author_id in authors:
            continue
        authors.append(author_id)
        author = _author(state, author_id, name)
        author.orcid = author.orcid or short_orcid(
            text_at(person, "orcid", place, f"{field}.author.orcid")
        )
        author.works.append(len(state.works))
        author.keywords.update(keywords)
        if language:
            author.languages[language.lower()] += 1
        _affiliate(state, author, authorship, year, place, field)
    if not authors:
        state.log.drop("work", "no author", found_at)
        return
    state.works.append(_Work(title, abstract, year, authors))


def _affiliate(
    state: _State,
    author: _Author,
    authorship: dict[str, Any],
    year: int | None,
    place: Place,
    field: str,
) -> None:
    """The author's institution: the one of their latest work (an author line's wins)."""
    for position, item in enumerate(
        list_at(authorship, "institutions", place, f"{field}.institutions")
    ):
        inner = f"{field}.institutions.{position}"
        if not isinstance(item, dict):
            raise place.error(f"expected an object, got {type(item).__name__}", inner)
        institution = _institution(state, item, place, inner)
        if institution is None:
            continue
        if author.institution is None or (year or 0) > author.institution_year:
            author.institution, author.institution_year = institution, year or 0
            author.country = state.institutions[institution].country
        return
    if author.country is None:
        countries = list_at(authorship, "countries", place, f"{field}.countries")
        if countries:
            author.country = country_at(countries[0], place, f"{field}.countries.0")


def _records(state: _State) -> ImportedRecords:
    people = state.listed if state.listed else set(state.authors)
    if state.listed:
        outside = len(set(state.authors) - state.listed)
        if outside:
            state.log.note(
                f"{outside:,} co-author(s) of the works have no author line: kept as "
                "coauthors only where imported, not as profiles"
            )
    profiles: list[Profile] = []
    used_institutions: set[str] = set()
    for author_id, author in state.authors.items():
        if author_id not in people:
            continue
        publications = [
            Publication(
                title=work.title,
                abstract=work.abstract,
                year=work.year,
                coauthors=[
                    other for other in work.authors if other != author_id and other in people
                ],
            )
            for work in (state.works[index] for index in author.works)
        ]
        extra: dict[str, Any] = {"orcid": author.orcid} if author.orcid else {}
        if author.other_names:
            extra["aliases"] = author.other_names
        profiles.append(
            Profile(
                id=author_id,
                name=author.name,
                country=author.country,
                institution=author.institution,
                keywords=list(dict.fromkeys(author.topics))[:10] or top_keywords(author.keywords),
                languages=[language for language, _ in author.languages.most_common()],
                publications=publications,
                **extra,
            )
        )
        if author.institution is not None:
            used_institutions.add(author.institution)
    institutions = [item for key, item in state.institutions.items() if key in used_institutions]
    unused = len(state.institutions) - len(institutions)
    if unused:
        state.log.note(f"{unused:,} institution(s) of co-authors without a profile are left out")
    return ImportedRecords(profiles=profiles, institutions=institutions, log=state.log)

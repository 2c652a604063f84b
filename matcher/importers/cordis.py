"""CORDIS: the EU's open-data export of projects and their organisations (``project.csv``
and ``organization.csv``, ``;``-separated as the EU publishes them, or ``,``; the
separator is read from the header line).

Every participating organisation becomes an organisation profile (id ``cordis-<organisationID>``,
kind ``organization``) and an institution of the same id (its kind from ``activityType``:
HES university, REC research centre, PRC company, PUB agency, OTH other), with its projects
as publications (title, objective as abstract, start year, the other participants as
coauthors: co-participation is collaboration) and the projects' keywords as keywords.
Third parties are not consortium members and are left out (counted). Without a projects
file, the organisations are imported without projects.

Both column spellings of the exports are read: ``projectID`` or ``id`` for a project's id,
``legalName`` or ``name`` for an organisation's name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from matcher.errors import InputError
from matcher.importers.base import ImportedRecords, Importer, ImportFile, ImportLog, ImportOptions
from matcher.importers.reading import country_at, delimited_rows, top_keywords, year_at
from matcher.io.locations import Place
from matcher.model import Institution, InstitutionKind, Profile, Publication

#: CORDIS activity types to the interchange kinds.
ACTIVITY_KINDS: Final[dict[str, InstitutionKind]] = {
    "HES": "university",
    "REC": "research_centre",
    "PRC": "company",
    "PUB": "agency",
    "OTH": "other",
}
_ORGANISATION_COLUMNS: Final = ("projectID", "organisationID", "country")
_PROJECT_COLUMNS: Final = ("title", "objective")


@dataclass
class _Organisation:
    name: str
    short_name: str | None
    country: str | None
    kind: InstitutionKind
    city: str | None
    projects: list[str] = field(default_factory=list)


@dataclass
class _Project:
    title: str
    objective: str
    year: int | None
    keywords: list[str]


class CordisImporter(Importer):
    """CORDIS projects and organisations CSV."""

    name = "cordis"
    description = (
        "CORDIS projects and organisations CSV (the EU open-data export; ; or , separated)"
    )
    suffixes = (".csv",)
    resolves_by_default = False  # organisation ids are CORDIS's own (PIC-based)

    def read(self, files: Sequence[ImportFile], options: ImportOptions) -> ImportedRecords:
        log = ImportLog()
        organisations: dict[str, _Organisation] = {}
        projects: dict[str, _Project] = {}
        members: dict[str, list[str]] = {}
        project_files = 0
        organisation_files = 0
        for file in files:
            header, rows = delimited_rows(file)
            if "organisationID" in header:
                organisation_files += 1
                _require(header, _ORGANISATION_COLUMNS, ("legalName", "name"), file)
                for place, row in rows:
                    _add_participation(row, place, organisations, members, log)
            elif all(column in header for column in _PROJECT_COLUMNS):
                project_files += 1
                _require(header, _PROJECT_COLUMNS, ("projectID", "id"), file)
                for place, row in rows:
                    _add_project(row, place, projects, log)
            elif file.in_archive:  # the EU's zip also holds topics, euroSciVoc, web links...
                log.note(f"skipped {file.name}: not a projects or organisations file")
            else:
                raise InputError(
                    "not a CORDIS projects or organisations file: the header has neither "
                    f"'organisationID' nor 'title' and 'objective' (columns read: "
                    f"{', '.join(header[:8])}{'...' if len(header) > 8 else ''})",
                    path=file.name,
                    line=1,
                )
        if not organisation_files:
            raise InputError(
                "a CORDIS import needs the organisations file (organization.csv): it says "
                "who took part in each project",
                path=files[0].name,
            )
        return _build(organisations, projects, members, bool(project_files), log)


def _require(
    header: list[str], needed: Sequence[str], one_of: Sequence[str], file: ImportFile
) -> None:
    missing = [column for column in needed if column not in header]
    if not any(column in header for column in one_of):
        missing.append(" or ".join(repr(c) for c in one_of))
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", path=file.name, line=1)


def _add_participation(
    row: dict[str, str],
    place: Place,
    organisations: dict[str, _Organisation],
    members: dict[str, list[str]],
    log: ImportLog,
) -> None:
    where = f"{place.source}:{place.number}"
    organisation_id = row["organisationID"].strip()
    project_id = row["projectID"].strip()
    if not organisation_id or not project_id:
        log.drop("participation", "no organisationID or projectID", where)
        return
    if row.get("role", "").strip() == "thirdParty":
        log.drop("participation", "third party (not a consortium member)", where)
        return
    organisation = organisations.get(organisation_id)
    if organisation is None:
        name = (row.get("legalName") or row.get("name") or "").strip() or (
            row.get("shortName") or ""
        ).strip()
        if not name:
            log.drop("participation", "organisation without a name", where)
            return
        organisation = organisations[organisation_id] = _Organisation(
            name=name,
            short_name=(row.get("shortName") or "").strip() or None,
            country=country_at(row["country"], place, "country"),
            kind=ACTIVITY_KINDS.get((row.get("activityType") or "").strip().upper(), "other"),
            city=(row.get("city") or "").strip() or None,
        )
    team = members.setdefault(project_id, [])
    if organisation_id not in team:
        team.append(organisation_id)
        organisation.projects.append(project_id)


def _add_project(
    row: dict[str, str], place: Place, projects: dict[str, _Project], log: ImportLog
) -> None:
    where = f"{place.source}:{place.number}"
    project_id = (row.get("projectID") or row.get("id") or "").strip()
    title = row["title"].strip()
    if not project_id or not title:
        log.drop("project", "no id or no title", where)
        return
    if project_id in projects:
        log.merge("project", "same projectID listed twice")
        return
    keywords = [k.strip() for k in (row.get("keywords") or "").replace(";", ",").split(",")]
    projects[project_id] = _Project(
        title=title,
        objective=row["objective"].strip(),
        year=year_at(row.get("startDate", "").strip(), place, "startDate"),
        keywords=[k for k in dict.fromkeys(keywords) if 1 < len(k) <= 80],
    )


def _build(
    organisations: dict[str, _Organisation],
    projects: dict[str, _Project],
    members: dict[str, list[str]],
    with_projects: bool,
    log: ImportLog,
) -> ImportedRecords:
    if with_projects:
        for project_id in members:
            if project_id not in projects:
                log.drop(
                    "participation", "project not in the projects file", f"project {project_id}"
                )
        for project_id in projects:
            if project_id not in members:
                log.drop(
                    "project", "no participant in the organisations file", f"project {project_id}"
                )
    else:
        log.note("no projects file: organisations imported without projects as evidence")
    profiles: list[Profile] = []
    institutions: list[Institution] = []
    for organisation_id, organisation in organisations.items():
        key = f"cordis-{organisation_id}"
        own = [p for p in organisation.projects if p in projects]
        if with_projects and not own:
            log.drop("organisation", "none of its projects is in the projects file", key)
            continue
        keywords: Counter[str] = Counter()
        publications = []
        for project_id in own:
            project = projects[project_id]
            keywords.update(project.keywords)
            publications.append(
                Publication(
                    title=project.title,
                    abstract=project.objective,
                    year=project.year,
                    coauthors=[f"cordis-{o}" for o in members[project_id] if o != organisation_id],
                )
            )
        extra = {"short_name": organisation.short_name} if organisation.short_name else {}
        if organisation.city:
            extra["city"] = organisation.city
        if organisation.country is not None:
            institutions.append(
                Institution(
                    id=key,
                    name=organisation.name,
                    country=organisation.country,
                    kind=organisation.kind,
                )
            )
        else:
            log.drop("institution", "organisation without a country", key)
        profiles.append(
            Profile(
                id=key,
                name=organisation.name,
                kind="organization",
                country=organisation.country,
                institution=key if organisation.country is not None else None,
                keywords=top_keywords(keywords),
                publications=publications,
                **extra,
            )
        )
    kept = {profile.id for profile in profiles}
    if len(kept) < len(organisations):
        # Coauthors must be imported profiles: drop those that were left out.
        profiles = [_only_kept(profile, kept) for profile in profiles]
    return ImportedRecords(profiles=profiles, institutions=institutions, log=log)


def _only_kept(profile: Profile, kept: set[str]) -> Profile:
    publications = [
        p.model_copy(update={"coauthors": [c for c in p.coauthors if c in kept]})
        for p in profile.publications
    ]
    return profile.model_copy(update={"publications": publications})

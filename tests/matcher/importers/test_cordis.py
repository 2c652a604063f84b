"""CORDIS projects and organisations into organisation profiles and institutions."""

from __future__ import annotations

import pytest

from matcher.errors import InputError
from tests.matcher.importers.helpers import IMPORTERS, imported

PROJECTS = IMPORTERS / "cordis" / "project.csv"
ORGANISATIONS = IMPORTERS / "cordis" / "organization.csv"


def test_organisations_become_profiles_with_projects_and_co_participation() -> None:
    result = imported("cordis", PROJECTS, ORGANISATIONS)
    profiles = {p.id: p for p in result.records.profiles}

    lomartov = profiles["cordis-912743326"]  # in all three projects
    assert (lomartov.kind, lomartov.country, lomartov.institution) == (
        "organization",
        "ES",
        "cordis-912743326",
    )
    assert [p.year for p in lomartov.publications] == [2022, 2022, 2022]
    soldac = next(p for p in lomartov.publications if p.title.startswith("Full spectrum SOLar"))
    assert soldac.abstract.startswith("Ethylene is the chemical industry")
    assert "cordis-999984253" in soldac.coauthors and "cordis-912743326" not in soldac.coauthors
    institutions = {i.id: i for i in result.records.institutions}
    # CORDIS writes UK for GB; HES is higher education.
    st_andrews = institutions["cordis-999984253"]
    assert (st_andrews.country, st_andrews.kind) == ("GB", "university")
    assert len(profiles) == len(
        {row.split(";")[2] for row in ORGANISATIONS.read_text().splitlines()[1:]}
    )


def test_comma_separated_exports_read_the_same() -> None:
    semicolons = imported("cordis", PROJECTS, ORGANISATIONS).records.profiles
    import csv
    import io

    def with_commas(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    commas = imported(
        "cordis",
        ("projects.csv", with_commas(PROJECTS.read_text())),
        ("organizations.csv", with_commas(ORGANISATIONS.read_text())),
    ).records.profiles
    assert [p.model_dump() for p in commas] == [p.model_dump() for p in semicolons]


def test_third_parties_and_missing_projects_are_counted() -> None:
    lines = ORGANISATIONS.read_text().splitlines()
    third = lines[1].replace(";participant;", ";thirdParty;", 1)
    orphan = "999;X;111;ORPHAN ORG;;participant;1;FR;PARIS;PRC;false;false;;;;;;"
    result = imported(
        "cordis", PROJECTS, ("organization.csv", "\n".join([lines[0], third, *lines[2:], orphan]))
    )

    dropped = {(d["kind"], d["reason"]): d for d in result.counts()["dropped"]}
    assert (
        dropped[("participation", "third party (not a consortium member)")]["first"]
        == "organization.csv:2"
    )
    assert ("organisation", "none of its projects is in the projects file") in dropped
    assert "cordis-111" not in {p.id for p in result.records.profiles}


def test_an_unknown_country_is_located() -> None:
    lines = ORGANISATIONS.read_text().splitlines()
    lines[3] = lines[3].replace(";ES;", ";Spian;", 1)
    with pytest.raises(InputError) as excinfo:
        imported("cordis", PROJECTS, ("organization.csv", "\n".join(lines)))
    assert (excinfo.value.line, excinfo.value.field) == (4, "country")
    assert "did you mean" in excinfo.value.reason


def test_the_organisations_file_is_required() -> None:
    with pytest.raises(InputError, match="needs the organisations file"):
        imported("cordis", PROJECTS)


def test_another_csv_is_not_taken_for_cordis() -> None:
    with pytest.raises(InputError, match="not a CORDIS projects or organisations file"):
        imported("cordis", ("people.csv", "name;country\nA;RU\n"))


def test_the_eu_zip_is_read_and_its_other_tables_are_skipped_with_a_note() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(PROJECTS, "project.csv")
        archive.write(ORGANISATIONS, "organization.csv")
        archive.writestr("topics.csv", "projectID;topic;title\n101069359;HORIZON-CL5;Topic\n")
        archive.writestr("readme.txt", "CORDIS export")
    result = imported("cordis", ("cordis-HORIZONprojects-csv.zip", buffer.getvalue()))

    assert len(result.records.profiles) == len(
        imported("cordis", PROJECTS, ORGANISATIONS).records.profiles
    )
    notes = result.counts()["notes"]
    assert any("topics.csv" in note and "skipped" in note for note in notes)
    assert any("readme.txt" in note for note in notes)

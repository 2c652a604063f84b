"""``grantmatch import``: each source on its fixture, into files every command reads."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import FIXTURES

IMPORTERS = FIXTURES / "importers"
CALLS = IMPORTERS / "calls.jsonl"

SOURCES = [
    ("openalex", ["openalex/works.jsonl", "openalex/authors.jsonl"], "c-methane"),
    ("orcid", ["orcid/0000-0002-0000-0001.xml", "orcid/0000-0002-0000-0002.json"], "c-methane"),
    ("cordis", ["cordis/project.csv", "cordis/organization.csv"], "c-capture"),
    ("spreadsheet", ["spreadsheet/researchers_ru.csv"], "c-methane"),
]


def _import(source: str, files: list[str], out: Path, *extra: str) -> int:
    return main(
        ["import", source, *(str(IMPORTERS / name) for name in files), "--out", str(out), *extra]
    )


@pytest.mark.parametrize(("source", "files", "call"), SOURCES)
def test_each_source_round_trips_into_rank_and_teams(
    source: str, files: list[str], call: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    assert _import(source, files, out, "--report", str(tmp_path / "report.json")) == 0
    printed = capsys.readouterr().out
    assert "kept" in printed and "identity resolution" in printed
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["source"] == source and report["kept"]["profiles"] > 0

    shutil.copy(CALLS, out / "calls.jsonl")
    assert main(["validate", "--data", str(out)]) == 0
    scores = tmp_path / "scores.csv"
    rank = [
        "rank",
        "--data",
        str(out),
        "--backend",
        "tfidf",
        "--top-k",
        "3",
        "--out",
        str(scores),
        "-q",
    ]
    assert main(rank) == 0
    with scores.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    imported = {json.loads(line)["id"] for line in (out / "profiles.jsonl").open(encoding="utf-8")}
    assert rows and {row["profile_id"] for row in rows} <= imported
    teams = tmp_path / "teams.json"
    args = ["teams", "--data", str(out), "--call", call, "--backend", "tfidf", "--solver", "fast"]
    assert main([*args, "--json", "--out", str(teams), "-q"]) == 0
    answer = json.loads(teams.read_text(encoding="utf-8"))
    assert answer["call_id"] == call


def test_a_bad_file_is_one_located_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text("ФИО;Страна\nПетров Иван;Россия\nЛи Мин;Кетай\n", encoding="utf-8")
    out = tmp_path / "data"

    code = main(["import", "spreadsheet", str(sheet), "--out", str(out)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"{sheet}:3: field 'Страна': unknown country 'Кетай'" in " ".join(err.split())
    assert "Traceback" not in err
    assert not out.exists()


def test_an_unknown_source_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", "scopus", str(CALLS), "--out", str(tmp_path)])
    assert code == 2
    assert "unknown import source 'scopus'" in capsys.readouterr().err


def test_a_column_map_is_taken_from_a_file(tmp_path: Path) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text("№;Сотрудник;Государство\n1;Ли Мин;КНР\n", encoding="utf-8")
    columns = IMPORTERS / "spreadsheet" / "columns.json"

    assert (
        main(
            [
                "import",
                "spreadsheet",
                str(sheet),
                "--out",
                str(tmp_path / "d"),
                "--columns",
                str(columns),
            ]
        )
        == 0
    )
    profile = json.loads((tmp_path / "d" / "profiles.jsonl").read_text(encoding="utf-8"))
    assert (profile["name"], profile["country"]) == ("Ли Мин", "CN")


def test_a_column_map_is_refused_for_other_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    columns = IMPORTERS / "spreadsheet" / "columns.json"
    code = _import(
        "orcid", ["orcid/0000-0002-0000-0002.json"], tmp_path / "d", "--columns", str(columns)
    )
    assert code == 2
    assert "--columns applies to the spreadsheet source only" in capsys.readouterr().err


def test_a_file_of_an_earlier_import_left_in_the_folder_is_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    assert _import("cordis", ["cordis/project.csv", "cordis/organization.csv"], out) == 0
    capsys.readouterr()
    assert _import("spreadsheet", ["spreadsheet/researchers_ru.csv"], out) == 0

    assert f"{out / 'institutions.jsonl'} is from before this import" in capsys.readouterr().err


SHEET = (
    "ФИО;Организация;Страна\n"
    "Петров Иван Сергеевич;Кемеровский государственный университет;Россия\n"
    "Petrov Ivan Sergeevich;Kemerovo State University;Russian Federation\n"
    "Ольга Смирнова;Томский государственный университет;Россия\n"
    "O. Smirnova;;Россия\n"
)


def test_an_import_merges_one_institution_and_person_and_lists_the_unsure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    out, review = tmp_path / "data", tmp_path / "review.csv"

    code = main(["import", "spreadsheet", str(sheet), "--out", str(out), "--review", str(review)])

    printed = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "merged 1 profile(s): name variant" in printed
    assert "merged 1 institution name(s)" in printed
    assert "1 pair(s) to review (not merged)" in printed
    profiles = [json.loads(line) for line in (out / "profiles.jsonl").open(encoding="utf-8")]
    assert [p["name"] for p in profiles] == [
        "Петров Иван Сергеевич",
        "Ольга Смирнова",
        "O. Smirnova",
    ]
    with review.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(row["first_name"], row["second_name"]) for row in rows] == [
        ("Ольга Смирнова", "O. Smirnova")
    ]
    assert not (out / "review.csv").exists()


def test_no_resolve_keeps_the_spellings_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    out = tmp_path / "data"

    assert main(["import", "spreadsheet", str(sheet), "--out", str(out), "--no-resolve"]) == 0

    assert "exact duplicates only" in capsys.readouterr().out
    profiles = [json.loads(line) for line in (out / "profiles.jsonl").open(encoding="utf-8")]
    assert len(profiles) == 4 and len({p.get("institution") for p in profiles}) == 4
    assert not (out / "review.csv").exists()
    code = main(
        [
            "import",
            "spreadsheet",
            str(sheet),
            "--out",
            str(out),
            "--no-resolve",
            "--review",
            "r.csv",
        ]
    )
    assert code == 2
    assert "need identity resolution" in capsys.readouterr().err


def test_a_ror_dump_is_a_reference_for_the_imported_institutions(tmp_path: Path) -> None:
    ror = FIXTURES / "identity" / "ror_v2.json"
    sheet = ["spreadsheet/researchers_ru.csv"]
    counts: dict[str, dict[str, int]] = {}
    for name, extra in (
        ("none", ["--no-bundled"]),
        ("ror", ["--no-bundled", "--reference", str(ror)]),
    ):
        report = tmp_path / f"{name}.json"
        assert _import("spreadsheet", sheet, tmp_path / name, "--report", str(report), *extra) == 0
        counts[name] = json.loads(report.read_text(encoding="utf-8"))["identity"]
    assert counts["none"]["reference_links"] == 0
    assert counts["ror"]["reference_links"] >= 1


def test_cordis_keeps_its_own_ids_unless_resolution_is_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CORDIS organisation ids identify each organisation: by default an import keeps them
    (exact duplicates only); ``--resolve`` runs identity resolution all the same."""
    files = ["cordis/project.csv", "cordis/organization.csv"]
    plain, resolved = tmp_path / "plain", tmp_path / "resolved"
    assert _import("cordis", files, plain) == 0
    assert not (plain / "review.csv").exists()
    assert _import("cordis", files, resolved, "--resolve") == 0
    assert (resolved / "review.csv").exists()
    assert _import("cordis", files, tmp_path / "x", "--review", str(tmp_path / "r.csv")) == 2
    assert "off by default for cordis" in capsys.readouterr().err

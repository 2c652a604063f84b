"""Spreadsheets: sniffed CSV, XLSX, Cyrillic headers and a user's column map."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from matcher.errors import InputError
from matcher.importers import IdentityOptions
from matcher.importers.columns import read_column_map
from tests.matcher.importers.helpers import IMPORTERS, imported

SHEET = IMPORTERS / "spreadsheet" / "researchers_ru.csv"
COLUMNS = IMPORTERS / "spreadsheet" / "columns.json"


def test_a_russian_semicolon_export_is_read_with_its_headers() -> None:
    result = imported("spreadsheet", SHEET)
    profiles = {p.name: p for p in result.records.profiles}

    petrov = profiles["Петров Иван Сергеевич"]
    assert petrov.country == "RU"
    assert petrov.institution == "Кемеровский государственный университет"
    assert petrov.languages == ["ru", "en"]
    assert petrov.career_stage == "mid"  # доцент
    assert [p.year for p in petrov.publications] == [2023, 2022]
    assert petrov.contact is not None and petrov.contact.email == "petrov@example.org"
    assert profiles["Нурланова Айгерим"].country == "KZ"  # Қазақстан
    assert profiles["Иванова Мария"].country == "BY"
    assert profiles["Zhang Wei"].languages == ["zh", "en"]


def test_rows_are_kept_merged_and_dropped_with_reasons() -> None:
    counts = imported("spreadsheet", SHEET).counts()

    assert counts["kept"]["profiles"] == 4
    # Row 6 repeats row 1 with a double space and a trailing dot: the same made id. Row 5 is
    # row 1 in Latin letters at the university's English name: identity resolution.
    merged = {(item["kind"], item["reason"]): item["count"] for item in counts["merged"]}
    assert merged[("profile", "same id")] == 1
    assert merged[("profile", "name variant with institution, co-author or ORCID evidence")] == 1
    assert merged[("institution name", "spellings of one institution (transliteration, acronyms)")]
    assert {"kind": "row", "reason": "no name", "count": 1, "first": f"{SHEET}:5"} in counts[
        "dropped"
    ]
    assert any("'№'" in note for note in counts["notes"])


def test_without_resolution_only_exact_duplicate_rows_merge() -> None:
    counts = imported("spreadsheet", SHEET, identity=IdentityOptions(resolve=False)).counts()

    assert counts["kept"]["profiles"] == 5
    assert counts["merged"] == [
        {"kind": "profile", "reason": "same name and institution", "count": 1}
    ]
    assert counts["identity"] == {"resolved": False}


def test_a_comma_separated_windows_1251_file_is_read() -> None:
    text = "ФИО,Страна,Языки\nПетров Иван,Россия,русский\n"
    result = imported("spreadsheet", ("list.csv", text.encode("cp1251")))
    assert result.records.profiles[0].country == "RU"
    assert any("Windows-1251" in note for note in result.counts()["notes"])


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_sheet_is_read_and_its_errors_name_the_row_and_column() -> None:
    good = _xlsx([["Фамилия", "Имя", "Страна", "Число команд"], ["Петров", "Иван", "РФ", 2]])
    profile = imported("spreadsheet", ("list.xlsx", good)).records.profiles[0]
    assert (profile.name, profile.country, profile.capacity) == ("Иван Петров", "RU", 2)

    bad = _xlsx([["ФИО", "Страна"], ["Петров Иван", "Россия"], ["Ли Мин", "Кетай"]])
    with pytest.raises(InputError) as excinfo:
        imported("spreadsheet", ("list.xlsx", bad))
    message = str(excinfo.value)
    assert message.startswith("list.xlsx: row 3: field 'Страна': unknown country 'Кетай'")
    assert "did you mean 'Китай' (CN)" in message


def test_a_user_column_map_names_other_headers() -> None:
    text = "№;Сотрудник;Вуз партнёра;Государство;Тематика\n1;Ли Мин;Цинхуа;КНР;горное дело\n"
    result = imported("spreadsheet", ("list.csv", text), columns=read_column_map(COLUMNS))
    profile = result.records.profiles[0]
    assert (profile.name, profile.institution, profile.country) == ("Ли Мин", "Цинхуа", "CN")
    assert profile.keywords == ["горное дело"]
    assert result.counts()["notes"] == []  # '№' is ignored on purpose


def test_without_a_name_column_the_error_says_how_to_map_one() -> None:
    with pytest.raises(InputError, match=r"no column holds the name .*--columns"):
        imported("spreadsheet", ("list.csv", "Сотрудник;Страна\nЛи;КНР\n"))


def test_a_bad_column_map_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text('{"Сотрудник": "nmae"}', encoding="utf-8")
    with pytest.raises(
        InputError, match=r"field 'Сотрудник': unknown field 'nmae'; did you mean 'name'"
    ):
        read_column_map(path)


def test_a_row_that_breaks_the_columns_is_located() -> None:
    with pytest.raises(InputError, match=r"list.csv:3: the row has 3 cells but the header"):
        imported("spreadsheet", ("list.csv", "ФИО;Страна\nА;РФ\nБ;РФ;лишнее\n"))


def test_an_unknown_language_suggests_the_closest() -> None:
    with pytest.raises(InputError) as excinfo:
        imported("spreadsheet", ("list.csv", "ФИО;Языки\nА;руский\n"))
    assert (excinfo.value.line, excinfo.value.field) == (2, "Языки")
    assert "did you mean 'русский' (ru)" in excinfo.value.reason

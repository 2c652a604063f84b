"""OpenAlex works and authors into profiles and institutions."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.importers.openalex import abstract_text
from matcher.io.locations import Place
from tests.matcher.importers.helpers import IMPORTERS, imported

WORKS = IMPORTERS / "openalex" / "works.jsonl"
AUTHORS = IMPORTERS / "openalex" / "authors.jsonl"


def test_authors_become_profiles_with_their_works_and_institutions() -> None:
    result = imported("openalex", WORKS, AUTHORS)
    profiles = {p.id: p for p in result.records.profiles}

    assert sorted(profiles) == ["A5000000001", "A5000000002", "A5000000003"]
    petrov = profiles["A5000000001"]
    assert (petrov.name, petrov.country, petrov.institution) == ("Ivan Petrov", "RU", "I4210001001")
    assert (petrov.model_extra or {})["orcid"] == "0000-0002-0000-0001"
    assert petrov.keywords == ["Coal Mine Gas Control"]  # the author's topics
    assert (petrov.model_extra or {})["aliases"] == ["I. Petrov", "Иван Петров"]
    assert petrov.languages == ["en", "ru"]
    forecast = next(p for p in petrov.publications if p.year == 2022)
    assert forecast.abstract.startswith("We forecast methane emission from coal seams")
    # Wei Zhang has no author line: a coauthor of the work, but no profile.
    assert forecast.coauthors == ["A5000000002"]
    institutions = {i.id: i for i in result.records.institutions}
    assert institutions["I4210003003"].kind == "research_centre"
    assert institutions["I4210002002"].country == "KZ"


def test_works_alone_make_every_author_a_profile() -> None:
    result = imported("openalex", WORKS)
    profiles = {p.id: p for p in result.records.profiles}

    assert "A5000000004" in profiles
    assert profiles["A5000000004"].country == "CN"
    # Keywords come from the works when there are no author lines.
    assert "Methane emission" in profiles["A5000000001"].keywords


def test_what_is_left_out_is_counted_with_the_reason_and_place() -> None:
    counts = imported("openalex", WORKS, AUTHORS).counts()

    assert {
        "kind": "work",
        "reason": "no title",
        "count": 1,
        "first": f"{WORKS}:4",
    } in counts["dropped"]


def test_the_inverted_index_is_put_back_in_order() -> None:
    index = {"methane": [1, 4], "Forecasting": [0], "emission": [2], "and": [3]}
    place = Place("w.jsonl", 1)
    assert abstract_text(index, place, "abstract_inverted_index") == (
        "Forecasting methane emission and methane"
    )


def test_a_broken_inverted_index_is_located(tmp_path: Path) -> None:
    work = {"id": "https://openalex.org/W1", "title": "T", "abstract_inverted_index": {"a": "0"}}
    with pytest.raises(InputError) as excinfo:
        imported("openalex", ("w.jsonl", "\n" + json.dumps(work) + "\n"))
    error = excinfo.value
    assert (error.path, error.line, error.field) == ("w.jsonl", 2, "abstract_inverted_index")
    assert "expected a list of positions" in error.reason


def test_a_snapshot_part_is_read_gzipped() -> None:
    data = gzip.compress(WORKS.read_bytes())
    result = imported("openalex", ("data/works/updated_date=2023-01-01/part_000.gz", data))
    assert len(result.records.profiles) == 4


def test_an_api_page_saved_as_json_is_read() -> None:
    page = {"meta": {"count": 3}, "results": [json.loads(line) for line in AUTHORS.open()]}
    result = imported("openalex", ("authors.json", json.dumps(page)))
    assert len(result.records.profiles) == 3


def test_an_unknown_country_code_is_located_with_a_suggestion() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "title": "T",
        "authorships": [
            {
                "author": {"id": "https://openalex.org/A1", "display_name": "X"},
                "institutions": [
                    {"id": "https://openalex.org/I1", "display_name": "U", "country_code": "Rusia"}
                ],
            }
        ],
    }
    with pytest.raises(InputError) as excinfo:
        imported("openalex", ("w.jsonl", json.dumps(work)))
    assert excinfo.value.field == "authorships.0.institutions.0.country_code"
    assert "did you mean" in excinfo.value.reason and "(RU)" in excinfo.value.reason


def test_a_line_that_is_neither_work_nor_author_is_an_error() -> None:
    with pytest.raises(InputError, match=r"x.jsonl:1: field 'id': not an OpenAlex work or author"):
        imported("openalex", ("x.jsonl", '{"id": "https://openalex.org/I1"}'))


def test_blank_topics_and_keywords_are_left_out() -> None:
    author = {
        "id": "https://openalex.org/A1",
        "display_name": "X",
        "topics": [{"display_name": " "}, {"display_name": "Mining"}],
    }
    work = {
        "id": "https://openalex.org/W1",
        "title": "T",
        "keywords": [{"display_name": ""}],
        "authorships": [{"author": {"id": "https://openalex.org/A1", "display_name": "X"}}],
    }
    text = json.dumps(author) + "\n" + json.dumps(work) + "\n"
    profile = imported("openalex", ("a.jsonl", text)).records.profiles[0]
    assert profile.keywords == ["Mining"]


def test_json_lines_are_read_strictly_and_located() -> None:
    with pytest.raises(InputError, match=r"w.jsonl:2: invalid JSON: duplicate key 'id'"):
        imported("openalex", ("w.jsonl", '\n{"id": "https://openalex.org/W1", "id": "x"}\n'))
    with pytest.raises(InputError, match=r"w.jsonl:3: not valid UTF-8 text \(byte 0xff\)"):
        imported(
            "openalex", ("w.jsonl", b'{"id": "https://openalex.org/W1", "title": "T"}\n\n\xff\n')
        )
    with pytest.raises(InputError, match=r"w.jsonl:1: expected a JSON object, got list"):
        imported("openalex", ("w.jsonl", "\ufeff[1]\n"))

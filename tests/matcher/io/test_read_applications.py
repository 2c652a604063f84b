"""Reading a competition's applications and reviews: every format, located errors, references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher import read_applications, read_reviews
from matcher.competitions import load_competition
from matcher.dataset import Dataset
from matcher.errors import InputError
from matcher.io import check_application_references, check_review_references
from matcher.model import Application, Call, Profile, Review
from tests.matcher.io.helpers import (
    as_json_strings,
    assert_located,
    jsonl_rows,
    raised,
    write,
    write_parquet,
)

DATASET = Dataset(
    profiles=[Profile(id=p, name=p.upper()) for p in ("p1", "p2", "p3", "e1")],
    calls=[Call(id="c1", title="Methane")],
)

APPLICATION = json.dumps(
    {
        "id": "a1",
        "call_id": "c1",
        "title": "Methane capture",
        "abstract": "Capturing methane in coal mines.",
        "keywords": ["methane", "coal"],
        "team": ["p1", "p2"],
        "lead": "p1",
        "budget": [{"item": "travel", "amount": 1200.5, "currency": "EUR"}],
        "conflicts": ["e1"],
        "submitted": "2025-03-01",
    }
)


def _application(**changes: object) -> str:
    record = json.loads(APPLICATION)
    record.update(changes)
    return json.dumps(record)


def test_applications_are_read_from_json_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "applications.jsonl", APPLICATION)

    (application,) = read_applications(path, dataset=DATASET)

    assert application.team == ["p1", "p2"] and application.lead == "p1"
    assert application.budget[0].amount == 1200.5
    assert application.conflicts == ["e1"]
    assert application.text == (
        "Methane capture. Capturing methane in coal mines. Keywords: methane, coal"
    )


def test_csv_teams_are_separated_lists_or_json_lists(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "applications.csv",
        "id,call_id,title,team,lead,budget",
        'a1,c1,Methane,p1;p2,p1,"[{""item"": ""travel"", ""amount"": 10}]"',
        'a2,c1,Coal,"[""p2"", ""p3""]",p3,',
    )

    applications = read_applications(path, dataset=DATASET)

    assert [a.team for a in applications] == [["p1", "p2"], ["p2", "p3"]]
    assert applications[0].budget[0].item == "travel"
    assert applications[1].budget == []


def test_parquet_applications_read_like_json_lines(tmp_path: Path) -> None:
    source = write(tmp_path, "applications.jsonl", APPLICATION)
    rows = as_json_strings(jsonl_rows(source))
    path = write_parquet(rows, tmp_path / "applications.parquet")

    assert read_applications(path) == read_applications(source)


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (_application(lead="p3"), "lead", "lead 'p3' is not in the team"),
        (_application(team=["p1", "p1"]), "team", "team repeats ['p1']"),
        (_application(team=[]), "team", "at least 1 item"),
        (_application(budget=[{"item": "x", "amount": -1}]), "budget.0.amount", "at least 0"),
        (_application(submitted=20250301), "submitted", "expected a date"),
    ],
)
def test_an_invalid_application_is_located(
    tmp_path: Path, line: str, field: str, reason: str
) -> None:
    path = write(tmp_path, "applications.jsonl", APPLICATION.replace("a1", "a0"), line)

    with pytest.raises(InputError) as excinfo:
        read_applications(path)

    assert_located(raised(excinfo), path, 2, field, reason)


def test_a_repeated_application_id_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "applications.jsonl", APPLICATION, APPLICATION)

    with pytest.raises(InputError) as excinfo:
        read_applications(path)

    assert_located(raised(excinfo), path, 2, "id", "duplicate id 'a1' (first seen on line 1)")


@pytest.mark.parametrize(
    ("line", "field", "unknown"),
    [
        (_application(call_id="c9"), "call_id", "unknown call 'c9'"),
        (_application(lead="p9", team=["p1", "p9"]), "lead", "unknown profile 'p9'"),
        (_application(team=["p1", "p2", "p9"]), "team.2", "unknown profile 'p9'"),
        (_application(conflicts=["e1", "e9"]), "conflicts.1", "unknown profile 'e9'"),
    ],
)
def test_an_unknown_call_or_profile_is_located(
    tmp_path: Path, line: str, field: str, unknown: str
) -> None:
    path = write(tmp_path, "applications.jsonl", APPLICATION.replace('"a1"', '"a0"'), line)

    with pytest.raises(InputError) as excinfo:
        read_applications(path, dataset=DATASET)

    assert_located(raised(excinfo), path, 2, field, unknown, "(no ", "with this id in the dataset)")


def test_applications_built_in_memory_are_checked_by_id() -> None:
    application = Application(id="a7", call_id="c1", title="T", team=["p1", "zz"], lead="p1")

    with pytest.raises(InputError, match=r"application 'a7': unknown profile 'zz'") as excinfo:
        check_application_references([application], DATASET)

    assert raised(excinfo).field == "team.1"


def test_reviews_are_read_and_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reviews.csv",
        "application_id,reviewer_id,score,confidence,comment",
        "a1,e1,4.5,0.8,Solid",
        "a1,p3,2,,",
    )
    applications = read_applications(write(tmp_path, "a.jsonl", APPLICATION))

    reviews = read_reviews(path, applications=applications, dataset=DATASET)

    assert reviews == [
        Review(application_id="a1", reviewer_id="e1", score=4.5, confidence=0.8, comment="Solid"),
        Review(application_id="a1", reviewer_id="p3", score=2.0),
    ]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("a1,e1,3", "reviewer_id", "a second review of application 'a1' by reviewer 'e1'"),
        ("a9,p2,3", "application_id", "unknown application 'a9'"),
        ("a1,x9,3", "reviewer_id", "unknown profile 'x9'"),
        ("a1,p2,high", "score", "expected a number, got 'high'"),
    ],
)
def test_a_bad_review_is_located(tmp_path: Path, row: str, field: str, reason: str) -> None:
    path = write(tmp_path, "reviews.csv", "application_id,reviewer_id,score", "a1,e1,4", row)
    applications = read_applications(write(tmp_path, "a.jsonl", APPLICATION))

    with pytest.raises(InputError) as excinfo:
        read_reviews(path, applications=applications, dataset=DATASET)

    assert_located(raised(excinfo), path, 3, field, reason)


def test_reviews_without_applications_or_dataset_check_only_themselves() -> None:
    reviews = read_reviews(
        b'{"application_id": "a", "reviewer_id": "r", "score": 1}\n', format="jsonl"
    )

    check_review_references(reviews)  # nothing to check against: no error

    with pytest.raises(InputError, match="review 'a/r': unknown profile 'r'"):
        check_review_references(reviews, dataset=DATASET)


def test_a_competition_loads_applications_and_reviews_together(tmp_path: Path) -> None:
    applications = write(tmp_path, "applications.jsonl", APPLICATION)
    reviews = write(
        tmp_path, "reviews.jsonl", '{"application_id": "a1", "reviewer_id": "e1", "score": 3}'
    )

    competition = load_competition(applications, DATASET, reviews=reviews)

    assert competition.application("a1").title == "Methane capture"
    assert competition.call_ids == ["c1"]
    assert [r.score for r in competition.reviews] == [3.0]
    assert competition.for_call("c1") == competition.applications


def test_a_competition_with_a_bad_review_is_not_half_loaded(tmp_path: Path) -> None:
    applications = write(tmp_path, "applications.jsonl", APPLICATION)
    reviews = write(
        tmp_path, "reviews.jsonl", '{"application_id": "a2", "reviewer_id": "e1", "score": 3}'
    )

    with pytest.raises(InputError) as excinfo:
        load_competition(applications, DATASET, reviews=reviews)

    assert_located(raised(excinfo), reviews, 1, "application_id", "unknown application 'a2'")

"""Eligibility in the command line's outputs: rank, explain, partners, teams."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from api.cli import main


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _profile(pid: str, country: str, kind: str = "researcher") -> dict[str, object]:
    return {
        "id": pid,
        "name": pid.upper(),
        "country": country,
        "kind": kind,
        "publications": [{"title": "coal mine methane drainage", "abstract": "methane coal"}],
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    _write(
        folder / "profiles.jsonl",
        [_profile("ru1", "RU"), _profile("cn1", "CN"), _profile("kz1", "KZ")],
    )
    rules = {"eligible_countries": ["RU", "CN"], "required_countries": {"RU": 1}}
    _write(
        folder / "calls.jsonl",
        [{"id": "c1", "title": "coal mine methane drainage", "rules": rules}],
    )
    return folder


def test_rank_keeps_its_stable_header_and_says_how_many_rows_may_not_join(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    code = main(
        ["rank", "--data", str(data), "--backend", "tfidf", "--top-k", "0", "--out", str(out), "-q"]
    )
    assert code == 0
    assert out.read_text().splitlines()[0] == "call_id,profile_id,score,rank"
    assert len(_rows(out)) == 3
    assert "1 of 3 rows are profiles that may not join" in capsys.readouterr().err


def test_rank_with_eligibility_adds_the_columns_with_the_reason(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    args = ["rank", "--data", str(data), "--backend", "tfidf", "--top-k", "0", "--out", str(out)]
    assert main([*args, "--with-eligibility", "-q"]) == 0
    header = out.read_text().splitlines()[0]
    assert header == "call_id,profile_id,score,rank,eligible,reachable,reason"
    by_id = {row["profile_id"]: row for row in _rows(out)}
    assert by_id["kz1"]["eligible"] == "false" and by_id["kz1"]["reachable"] == "true"
    assert by_id["kz1"]["reason"] == "country KZ is not among the call's eligible countries RU, CN"
    assert by_id["ru1"]["eligible"] == "true" and by_id["ru1"]["reason"] == ""


def test_rank_eligible_only_ranks_only_who_may_join(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    args = ["rank", "--data", str(data), "--backend", "tfidf", "--top-k", "0", "--out", str(out)]
    assert main([*args, "--eligible-only", "-q"]) == 0
    rows = _rows(out)
    assert {row["profile_id"] for row in rows} == {"ru1", "cn1"}
    assert sorted(row["rank"] for row in rows) == ["1", "2"]


def test_explain_says_why_a_relevant_profile_may_not_join(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "explain",
            "--data",
            str(data),
            "--backend",
            "tfidf",
            "--call",
            "c1",
            "--profile",
            "kz1",
            "-q",
        ]
    )
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "a real match" not in out
    assert "not eligible: country KZ is not among the call's eligible countries RU, CN" in out


def _organisations(tmp_path: Path, calls: list[dict[str, object]]) -> Path:
    folder = tmp_path / "orgs"
    folder.mkdir()
    _write(
        folder / "profiles.jsonl",
        [_profile(f"o{i}", "RU", kind="organization") for i in range(4)],
    )
    _write(folder / "calls.jsonl", calls)
    _write(
        folder / "queries.jsonl",
        [{"id": f"q-{call['id']}", "call_id": call["id"], "team": ["o0"]} for call in calls],
    )
    return folder


def test_partners_batch_that_no_query_can_answer_names_each_call_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression: organisations against calls whose member_kinds default to researchers
    # wrote an empty CSV and exited 0 without a word.
    folder = _organisations(
        tmp_path, [{"id": "c1", "title": "coal methane"}, {"id": "c2", "title": "coal mine"}]
    )
    out = tmp_path / "partners.csv"
    code = main(
        [
            "partners",
            "--data",
            str(folder),
            "--queries",
            str(folder / "queries.jsonl"),
            "--backend",
            "tfidf",
            "--out",
            str(out),
            "-q",
        ]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert not out.exists()
    for call_id in ("c1", "c2"):
        assert f"no partner can be suggested for call {call_id}" in err
    assert "fail rules.member_kinds" in err and "admits researchers only" in err


def test_partners_batch_names_the_blocked_call_and_answers_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _organisations(
        tmp_path,
        [
            {"id": "c1", "title": "coal methane"},
            {"id": "c2", "title": "coal mine", "rules": {"member_kinds": ["organization"]}},
        ],
    )
    out = tmp_path / "partners.csv"
    code = main(
        [
            "partners",
            "--data",
            str(folder),
            "--queries",
            str(folder / "queries.jsonl"),
            "--backend",
            "tfidf",
            "--out",
            str(out),
            "-q",
        ]
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 0
    assert out.read_text().splitlines()[0] == "query_id,call_id,profile_id,score,rank"
    assert {row["call_id"] for row in _rows(out)} == {"c2"}
    assert "no partner can be suggested for call c1" in err
    assert "call c2" not in err


def test_teams_shows_who_may_join(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["teams", "--data", str(data), "--backend", "tfidf", "--call", "c1", "-q"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "admits researchers from RU, CN" in out
    assert "2 of 3 profiles may join" in out

"""``--outcomes``: recorded outcomes read with the data and fed back to partner suggestions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import FIXTURES

DATA = FIXTURES / "outcomes"


def _partners(out: Path, *data: str) -> dict[str, float]:
    args = ["partners", *data, "--call", "c1", "--team", "ru2", "--backend", "tfidf"]
    assert main([*args, "--out", str(out), "-q"]) == 0
    with out.open(newline="", encoding="utf-8") as stream:
        return {row["profile_id"]: float(row["score"]) for row in csv.DictReader(stream)}


def test_recorded_outcomes_raise_the_partners_they_tie_to(tmp_path: Path) -> None:
    files = ["--profiles", str(DATA / "profiles.jsonl"), "--calls", str(DATA / "calls.jsonl")]
    files += ["--offices", str(DATA / "offices.jsonl")]
    without = _partners(tmp_path / "without.csv", *files)
    explicit = _partners(tmp_path / "with.csv", *files, "--outcomes", str(DATA / "outcomes.jsonl"))
    folder = _partners(tmp_path / "folder.csv", "--data", str(DATA))
    # cn1 was funded with ru2 (outcome x3): a past collaboration now; cn2 was not.
    assert explicit["cn1"] > without["cn1"]
    assert explicit["cn2"] == pytest.approx(without["cn2"])
    assert folder == explicit  # outcomes.jsonl in a --data folder is read too


def test_a_bad_outcomes_file_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "outcomes.jsonl"
    bad.write_text(
        '{"id": "y", "kind": "funded", "call_id": "c1", "members": ["ru1", "zz"], '
        '"date": "2026-01-01"}\n',
        encoding="utf-8",
    )
    code = main(["validate", "--data", str(DATA), "--outcomes", str(bad)])
    assert code == 2
    assert "outcomes.jsonl:1: field 'members.1': unknown profile 'zz'" in capsys.readouterr().err


def test_validate_counts_the_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", str(DATA)]) == 0
    assert "3 recorded outcomes (2 evidence of collaboration)" in capsys.readouterr().out

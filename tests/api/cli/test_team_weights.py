"""``--weight lead_seniority=...``: who leads a suggested team, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main


def _data(tmp_path: Path) -> Path:
    methane = {"title": "coal mine methane drainage", "abstract": "methane drainage in coal mines"}
    profiles = [
        {
            "id": "phd",
            "name": "Doctoral",
            "country": "RU",
            "career_stage": "doctoral",
            "publications": [methane, methane],
        },
        {
            "id": "prof",
            "name": "Senior",
            "country": "RU",
            "career_stage": "senior",
            "publications": [methane, {"title": "methane in coal mines"}]
            + [{"title": f"mine study {i}"} for i in range(10)],
        },
    ]
    call = {
        "id": "c1",
        "title": "coal mine methane drainage",
        "rules": {"min_team_size": 2, "max_team_size": 2},
    }
    (tmp_path / "profiles.jsonl").write_text("".join(json.dumps(p) + "\n" for p in profiles))
    (tmp_path / "calls.jsonl").write_text(json.dumps(call) + "\n")
    return tmp_path


def _lead(capsys: pytest.CaptureFixture[str]) -> str:
    team = json.loads(capsys.readouterr().out)["team"]
    return str(next(m["profile_id"] for m in team["members"] if m["role"] == "lead"))


def test_lead_seniority_weight_decides_who_leads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "teams",
        "--data",
        str(_data(tmp_path)),
        "--backend",
        "tfidf",
        "--call",
        "c1",
        "--json",
        "-q",
    ]
    assert main([*args, "--weight", "lead_seniority=2"]) == 0
    assert _lead(capsys) == "prof"
    assert main([*args, "--weight", "lead_seniority=0"]) == 0
    assert _lead(capsys) == "phd"
    assert main([*args, "--weight", "lead_seniority=-1"]) == 2
    assert "non-negative" in capsys.readouterr().err

"""Commands that need an extra say which one, in one line, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main
from tests.matcher.test_extras import hide


def test_serve_without_the_service_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hide(monkeypatch, "fastapi")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'grantmatch[service]'" in err
    assert "Traceback" not in err


def test_round_without_the_report_extra_fails_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hide(monkeypatch, "matplotlib")
    out = tmp_path / "round"
    assert main(["round", "--data", "demo", "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'grantmatch[report]'" in err
    assert "--no-report" in err
    assert not out.exists()


@pytest.mark.slow
def test_round_no_report_writes_the_tables_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hide(monkeypatch, "matplotlib")
    out = tmp_path / "round"
    args = ["round", "--data", "demo", "--out", str(out), "-q", "--no-report"]
    assert main([*args, "--staffing", "greedy", "--solver", "fast"]) == 0
    assert {p.name for p in out.iterdir()} >= {"scores.csv", "teams.csv", "summary.json"}
    assert not (out / "report.html").exists()


def test_round_takes_the_coverage_weight_and_refuses_a_bad_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Rounds staff with the coverage term (as `grantmatch teams`): a weight is accepted (the
    # run gets as far as the data, which is missing here) and a bad one refused by name.
    out = tmp_path / "round"
    missing = ["--profiles", str(tmp_path / "p.jsonl"), "--calls", str(tmp_path / "c.jsonl")]
    assert main(["round", *missing, "--out", str(out), "--weight", "coverage=0.5"]) == 2
    err = capsys.readouterr().err
    assert "p.jsonl: no such file" in err and "not supported by rounds" not in err
    assert main(["round", *missing, "--out", str(out), "--weight", "coverage=-1"]) == 2
    assert "non-negative" in capsys.readouterr().err
    assert not out.exists()

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


def test_round_refuses_the_coverage_weight_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["round", "--data", "demo", "--out", "x", "--weight", "coverage=0.5"])
    assert code == 2
    assert "coverage_weight" in capsys.readouterr().err

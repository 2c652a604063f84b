"""``--side``: answers from a point of view on the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import FIXTURES

KZ_OFFICE = {
    "id": "off-kz-by",
    "name": "KazNU office in Belarus",
    "operator": "KazNU consortium",
    "home_country": "KZ",
    "country": "BY",
    "partner_institutions": ["by-bsu"],
    "services": ["introductions"],
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The small fixture (offices run from RU, the one in Belarus negotiating) and an open
    office in Belarus run from Kazakhstan."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "small", folder)
    with (folder / "offices.jsonl").open("a", encoding="utf-8") as offices:
        offices.write(json.dumps(KZ_OFFICE) + "\n")
    return folder


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main([*args, "--backend", "tfidf", "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_teams_and_whatif_from_the_kazakh_side(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    teams = ["teams", "--data", str(data), "--call", "c-by-materials", "--json"]
    assert not json.loads(_run(capsys, *teams))["feasible"]
    kazakh = json.loads(_run(capsys, *teams, "--side", "Kazakhstan"))
    assert kazakh["feasible"]
    belarusians = [m for m in kazakh["team"]["members"] if m["country"] == "BY"]
    assert belarusians and all(m["route"]["via"] == "off-kz-by" for m in belarusians)
    whatif = ["whatif", "--data", str(data), "--close-office", "off-kz-by", "--json"]
    assert json.loads(_run(capsys, *whatif))["lost"] == []
    assert json.loads(_run(capsys, *whatif, "--side", "KZ"))["lost"] == ["c-by-materials"]


def test_explain_and_partners_abroad_from_a_side(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    explain = ["explain", "--data", str(data), "--call", "c-by-materials", "--profile", "s-by-edu"]
    assert "eligible, not reachable" in _run(capsys, *explain)
    assert "eligible and reachable" in _run(capsys, *explain, "--side", "KZ")
    abroad = ["partners-abroad", "--data", str(data), "--profile", "s-kz-soil", "--k", "40"]
    assert "KazNU office in Belarus" not in _run(capsys, *abroad)
    assert "KazNU office in Belarus" in _run(capsys, *abroad, "--side", "KZ")


def test_rank_with_eligibility_from_a_side(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def reachable(*side: str) -> str:
        out = tmp_path / "scores.csv"
        _run(capsys, "rank", "--data", str(data), "--top-k", "0", "--with-eligibility",
             "--out", str(out), *side)  # fmt: skip
        header, *rows = out.read_text(encoding="utf-8").splitlines()
        columns = header.split(",")
        for row in rows:
            cells = dict(zip(columns, row.split(","), strict=False))
            if (cells["call_id"], cells["profile_id"]) == ("c-by-materials", "s-by-edu"):
                return cells["reachable"]
        raise AssertionError("no row for s-by-edu")

    assert reachable() == "false"
    assert reachable("--side", "KZ") == "true"


def test_validate_names_the_points_of_view_and_a_bad_side_is_refused(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--data", str(data)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "KazNU office in Belarus (Belarus, run from KZ)" in out
    assert "points of view: KZ (1 office), RU (3 offices, default)" in out
    code = main(["teams", "--data", str(data), "--call", "c-methane", "--side", "Narnia"])
    assert code == 2
    assert "--side 'Narnia'" in capsys.readouterr().err

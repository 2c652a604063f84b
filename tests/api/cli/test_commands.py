"""The ``grantmatch`` command: batch CSVs, readable output, and clear errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import FIXTURES

SMALL = FIXTURES / "small"
IO = FIXTURES / "io"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


# -- errors: one line, exit 2, nothing written ---------------------------------------------


def test_bad_input_is_one_clear_line_with_exit_code_2_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "profiles.jsonl"
    bad.write_text('{"id": "p1", "name": "A"}\n{"id": "p2", "name": "B", "country": "XX"}\n')
    out = tmp_path / "scores.csv"
    code = main(
        [
            "rank",
            "--profiles",
            str(bad),
            "--calls",
            str(IO / "calls.jsonl"),
            "--out",
            str(out),
            "-q",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "profiles.jsonl:2" in err and "country" in err and "XX" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["validate", "--profiles", str(tmp_path / "nope.jsonl"), "--calls", str(IO / "calls.jsonl")]
    )
    assert code == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_missing_required_options_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--profiles", str(IO / "profiles.jsonl")]) == 2
    assert "--calls" in capsys.readouterr().err


def test_negative_top_k_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rank", "--data", str(IO), "--top-k", "-1", "--out", str(tmp_path / "x.csv")])
    assert code == 2
    assert "--top-k" in capsys.readouterr().err


def test_unknown_call_is_rejected_before_embedding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "partners",
            "--data",
            str(IO),
            "--call",
            "nope",
            "--team",
            "p1",
            "--out",
            str(tmp_path / "p.csv"),
        ]
    )
    assert code == 2
    assert "no call with id 'nope'" in capsys.readouterr().err


def test_validate_summarises_good_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", str(IO)]) == 0
    assert "OK:" in capsys.readouterr().out


def test_the_installed_command_runs_and_exits_2_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "validate",
            "--profiles",
            str(tmp_path / "x.jsonl"),
            "--calls",
            str(IO / "calls.jsonl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "x.jsonl" in result.stderr


# -- the real pipeline on the small fixture (real default model) ---------------------------


@pytest.mark.model
def test_rank_writes_the_documented_csv(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    assert main(["rank", "--data", str(SMALL), "--top-k", "3", "--out", str(out), "-q"]) == 0
    rows = _rows(out)
    assert list(rows[0]) == ["call_id", "profile_id", "score", "rank"]
    calls = json.loads("[" + ",".join((SMALL / "calls.jsonl").read_text().split("\n")[:-1]) + "]")
    assert len(rows) == 3 * len(calls)
    for call in calls:
        mine = [r for r in rows if r["call_id"] == call["id"]]
        assert [int(r["rank"]) for r in mine] == [1, 2, 3]
        scores = [float(r["score"]) for r in mine]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.model
def test_rank_top_k_zero_writes_every_pair_with_comparable_scores(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert main(["rank", "--data", str(SMALL), "--top-k", "0", "--out", str(out), "-q"]) == 0
    rows = _rows(out)
    n_profiles = sum(1 for line in (SMALL / "profiles.jsonl").read_text().splitlines() if line)
    n_calls = sum(1 for line in (SMALL / "calls.jsonl").read_text().splitlines() if line)
    assert len(rows) == n_profiles * n_calls
    # The same score for the same pair whatever else is in the file: compare with a run on
    # one call only (no rescaling within a call).
    single = tmp_path / "calls-one.jsonl"
    single.write_text((SMALL / "calls.jsonl").read_text().splitlines()[0] + "\n")
    one = tmp_path / "one.csv"
    assert (
        main(
            [
                "rank",
                "--data",
                str(SMALL),
                "--calls",
                str(single),
                "--top-k",
                "0",
                "--out",
                str(one),
                "-q",
            ]
        )
        == 0
    )
    together = {(r["call_id"], r["profile_id"]): float(r["score"]) for r in rows}
    for row in _rows(one):
        assert float(row["score"]) == pytest.approx(
            together[row["call_id"], row["profile_id"]], abs=1e-5
        )


@pytest.mark.model
def test_partners_single_and_batch(tmp_path: Path) -> None:
    calls = [json.loads(line) for line in (SMALL / "calls.jsonl").read_text().splitlines() if line]
    profiles = [json.loads(x) for x in (SMALL / "profiles.jsonl").read_text().splitlines() if x]
    call = calls[0]
    member = next(p["id"] for p in profiles if p.get("country") == "RU")
    out = tmp_path / "partners.csv"
    assert (
        main(
            [
                "partners",
                "--data",
                str(SMALL),
                "--call",
                call["id"],
                "--team",
                member,
                "--k",
                "4",
                "--out",
                str(out),
                "-q",
            ]
        )
        == 0
    )
    rows = _rows(out)
    assert list(rows[0]) == ["call_id", "profile_id", "score", "rank"]
    assert 0 < len(rows) <= 4 and member not in {r["profile_id"] for r in rows}

    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "call_id": call["id"], "team": [member]})
        + "\n"
        + json.dumps({"id": "q2", "call_id": calls[1]["id"], "team": []})
        + "\n"
    )
    batch = tmp_path / "batch.csv"
    assert (
        main(
            [
                "partners",
                "--data",
                str(SMALL),
                "--queries",
                str(queries),
                "--k",
                "2",
                "--out",
                str(batch),
                "-q",
            ]
        )
        == 0
    )
    rows = _rows(batch)
    assert list(rows[0]) == ["query_id", "call_id", "profile_id", "score", "rank"]
    assert {r["query_id"] for r in rows} == {"q1", "q2"}


@pytest.mark.model
def test_teams_json_and_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = [json.loads(line) for line in (SMALL / "calls.jsonl").read_text().splitlines() if line]
    call = calls[0]
    assert main(["teams", "--data", str(SMALL), "--call", call["id"], "--json", "-q"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["feasible"], payload["reasons"]
    members = payload["team"]["members"]
    rules = call.get("rules", {})
    assert rules.get("min_team_size", 2) <= len(members) <= rules.get("max_team_size", 6)
    assert all(m["route"]["kind"] for m in members)
    lead = payload["team"]["members"][0]["profile_id"]
    assert (
        main(["explain", "--data", str(SMALL), "--call", call["id"], "--profile", lead, "-q"]) == 0
    )
    assert "Why this score" in capsys.readouterr().out


def test_unknown_researcher_for_partners_abroad_is_rejected_before_embedding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["partners-abroad", "--data", str(IO), "--profile", "ghost", "-q"]) == 2
    assert "no profile with id 'ghost'" in capsys.readouterr().err


@pytest.mark.model
def test_teams_alternatives_fast_solver_and_relaxation_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "teams.json"
    args = ["teams", "--data", str(SMALL), "--call", "c-methane", "--alternatives", "2"]
    assert main([*args, "--solver", "fast", "--json", "--out", str(out), "-q"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == json.loads(out.read_text())
    assert payload["feasible"] and payload["alternatives"]
    assert payload["team"]["solver"].startswith("fast")
    # The Belarus call is infeasible; the answer names the smallest relaxation.
    assert main(["teams", "--data", str(SMALL), "--call", "c-by-materials", "--json", "-q"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert not payload["feasible"]
    assert payload["relaxations"][0]["description"].startswith("open office off-kuzbass-by")
    assert main(["teams", "--data", str(SMALL), "--call", "c-by-materials", "-q"]) == 0
    text = capsys.readouterr().out
    assert "Smallest relaxations" in text and "off-kuzbass-by" in text


@pytest.mark.model
def test_whatif_open_office_reports_the_calls_it_makes_viable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["whatif", "--data", str(SMALL), "--open-office", "off-kuzbass-by", "-q"]
    assert main([*args, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["gained"] == ["c-by-materials"]
    assert payload["viable_after"] == payload["viable_before"] + 1
    assert main(args) == 0
    assert "1 more call(s) get a viable team (c-by-materials)" in capsys.readouterr().out
    agreement = ["whatif", "--data", str(SMALL), "--add-agreement", "ru-kuzstu:cn-tsinghua"]
    assert main([*agreement, "--json", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["change"] == "agreement ru-kuzstu–cn-tsinghua"


def test_whatif_argument_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", "--data", str(SMALL)]) == 2
    assert "give --open-office" in capsys.readouterr().err
    assert main(["whatif", "--data", str(SMALL), "--add-agreement", "ru-kuzstu"]) == 2
    assert "INSTITUTION1:INSTITUTION2" in capsys.readouterr().err
    assert main(["whatif", "--data", str(SMALL), "--add-agreement", "ru-kuzstu:nowhere"]) == 2
    assert "unknown institution 'nowhere'" in capsys.readouterr().err
    assert main(["whatif", "--data", str(SMALL), "--open-office", "off-nowhere"]) == 2
    assert "off-nowhere" in capsys.readouterr().err
    assert main(["teams", "--data", str(SMALL), "--call", "c-methane", "--solver", "magic"]) == 2
    assert "unknown solver 'magic'" in capsys.readouterr().err
    teams = ["teams", "--data", str(SMALL), "--call", "c-methane"]
    assert main([*teams, "--weight", "charisma=2"]) == 2
    assert "NAME one of route, lead, coverage" in capsys.readouterr().err
    assert main([*teams, "--weight", "coverage=lots"]) == 2
    assert "'lots' is not a number" in capsys.readouterr().err
    assert main([*teams, "--weight", "coverage=-1"]) == 2
    assert "non-negative" in capsys.readouterr().err

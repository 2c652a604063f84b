"""``grantmatch competition``: a whole competition on the bundled demo, and clear errors.

The pipeline runs once per module on the demo world (no data options, the TF-IDF backend for
speed): check, assign, invented reviews, rank; the tests read what it wrote.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli import main
from matcher.datasets import demo_paths, load_demo
from matcher.io import read_applications
from matcher.model import Application


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@dataclass(frozen=True)
class Run:
    call: str
    applications: list[Application]
    folder: Path

    @property
    def check(self) -> Path:
        return self.folder / "check.csv"

    @property
    def assignment(self) -> Path:
        return self.folder / "assignment.csv"

    @property
    def reviews(self) -> Path:
        return self.folder / "reviews.csv"

    @property
    def ranking(self) -> Path:
        return self.folder / "ranking.csv"


def _demo_call() -> tuple[str, list[Application]]:
    """The demo call with the most applications, and its applications."""
    applications = read_applications(demo_paths()["applications"])
    call = Counter(a.call_id for a in applications).most_common(1)[0][0]
    return call, [a for a in applications if a.call_id == call]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("competition")
    call, applications = _demo_call()
    done = Run(call, applications, folder)
    common = ["--call", call, "--backend", "tfidf", "-q"]
    assert main(["competition", "check", *common, "--out", str(done.check)]) == 0
    assert main(["competition", "assign", *common, "--out", str(done.assignment)]) == 0
    assert (
        main(
            [
                "competition",
                "demo-reviews",
                "--assignment",
                str(done.assignment),
                "--out",
                str(done.reviews),
                "-q",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "competition",
                "rank",
                "--call",
                call,
                "--reviews",
                str(done.reviews),
                "--assignment",
                str(done.assignment),
                "--out",
                str(done.ranking),
                "--backend",
                "tfidf",
                "-q",
            ]
        )
        == 0
    )
    return done


# -- the whole competition on the demo --------------------------------------------------------


def test_check_reports_every_application_of_the_call_with_named_rules(run: Run) -> None:
    rows = _rows(run.check)
    assert {r["application_id"] for r in rows} == {a.id for a in run.applications}
    failing = [r for r in rows if r["ok"] == "false"]
    assert failing, "the demo has applications failing rules on purpose"
    assert all(r["rule"] and r["message"] for r in failing)
    assert all(r["rule"] == "" for r in rows if r["ok"] == "true")


def test_assign_gives_k_conflict_free_reviewers_within_their_load(run: Run) -> None:
    dataset = load_demo()
    settings = dataset.call(run.call).review
    rows = _rows(run.assignment)
    by_application: dict[str, list[str]] = {}
    for row in rows:
        by_application.setdefault(row["application_id"], []).append(row["reviewer_id"])
    assert set(by_application) <= {a.id for a in run.applications}
    loads = Counter(row["reviewer_id"] for row in rows)
    assert max(loads.values()) <= settings.max_load
    for application in run.applications:
        reviewers = by_application.get(application.id, [])
        assert len(reviewers) <= settings.reviewers_per_application
        team_institutions = {dataset.profile(m).institution for m in application.team}
        for reviewer_id in reviewers:
            reviewer = dataset.profile(reviewer_id)
            assert reviewer_id not in application.team
            assert reviewer_id not in application.conflicts
            assert reviewer.institution not in team_institutions
            if settings.experts_only:
                assert reviewer.expert
    k = settings.reviewers_per_application
    full = [a for a in run.applications if len(by_application.get(a.id, [])) == k]
    assert len(full) == len(run.applications), "the demo's call can be reviewed in full"
    assert all(row["evidence"] for row in rows)


def test_assign_eligible_only_leaves_out_the_failing_applications(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = {r["application_id"] for r in _rows(run.check) if r["ok"] == "false"}
    out = tmp_path / "assignment.csv"
    args = ["competition", "assign", "--call", run.call, "--backend", "tfidf", "--eligible-only"]
    assert main([*args, "--out", str(out)]) == 0
    assigned = {r["application_id"] for r in _rows(out)}
    assert assigned == {a.id for a in run.applications} - failing
    err = capsys.readouterr().err
    assert all(app in err for app in failing)


def test_demo_reviews_cover_the_assigned_pairs_and_say_they_are_invented(run: Run) -> None:
    pairs = {(r["application_id"], r["reviewer_id"]) for r in _rows(run.assignment)}
    reviews = _rows(run.reviews)
    assert {(r["application_id"], r["reviewer_id"]) for r in reviews} == pairs
    assert all("invented" in r["comment"] for r in reviews)


def test_rank_lists_every_application_ranked_with_a_flag(run: Run) -> None:
    rows = _rows(run.ranking)
    assert [r["application_id"] for r in rows] != []
    assert {r["application_id"] for r in rows} == {a.id for a in run.applications}
    ranked = [int(r["rank"]) for r in rows if r["rank"]]
    assert ranked == list(range(1, len(ranked) + 1))
    scores = [float(r["calibrated_score"]) for r in rows if r["rank"]]
    assert scores == sorted(scores, reverse=True)
    assert any(r["disagreement"] == "true" and r["reason"] for r in rows)


def test_rank_marks_the_applications_whose_team_breaks_a_rule(run: Run) -> None:
    broken: dict[str, set[str]] = {}
    for row in _rows(run.check):
        if row["ok"] == "false":
            broken.setdefault(row["application_id"], set()).add(row["rule"])
    assert broken, "the demo call has applications breaking rules on purpose"
    marked = {
        r["application_id"]: set(r["broken_rules"].split(";"))
        for r in _rows(run.ranking)
        if r["broken_rules"]
    }
    assert marked == broken


def test_rank_prints_a_table_and_json(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["competition", "rank", "--call", run.call, "--reviews", str(run.reviews)]
    args += ["--backend", "tfidf"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "calibrated" in out and run.applications[0].id in out
    assert main([*args, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["scale"] == [1.0, 10.0]
    assert {row["application_id"] for row in payload["rows"]} == {a.id for a in run.applications}
    assert set(payload["biases"]) == {r["reviewer_id"] for r in _rows(run.reviews)}


def test_a_missing_review_is_a_warning_and_an_error_with_strict(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = _rows(run.reviews)
    dropped = reviews.pop()
    fewer = tmp_path / "reviews.csv"
    _write_rows(fewer, reviews)
    args = ["competition", "rank", "--call", run.call, "--reviews", str(fewer)]
    args += ["--assignment", str(run.assignment), "--no-check"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert f"application '{dropped['application_id']}': 1 of" in err
    assert dropped["reviewer_id"] in err
    assert main([*args, "--strict", "--out", str(tmp_path / "r.csv")]) == 2
    assert "--strict" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


# -- errors: one located line, exit 2 -----------------------------------------------------------


def test_a_review_of_an_unknown_application_is_located(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = _rows(run.reviews)
    reviews[1]["application_id"] = "no-such-application"
    bad = tmp_path / "reviews.csv"
    _write_rows(bad, reviews)
    out = tmp_path / "ranking.csv"
    code = main(["competition", "rank", "--reviews", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "reviews.csv:3" in err and "application_id" in err and "no-such-application" in err
    assert "Traceback" not in err and not out.exists()


def test_a_bad_assignment_file_is_located(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "assignment.csv"
    bad.write_text("application_id,reviewer\na1,r1\n", encoding="utf-8")
    args = ["competition", "rank", "--reviews", str(run.reviews), "--assignment", str(bad)]
    assert main(args) == 2
    assert "assignment.csv:1" in capsys.readouterr().err
    bad.write_text("application_id,reviewer_id,expertise\na1,r1,high\n", encoding="utf-8")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "assignment.csv:2" in err and "expertise" in err and "'high'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rank", "--reviews", "x.csv", "--scale", "10-1"], "--scale"),
        (["rank", "--reviews", "x.csv", "--out", "ranking.txt"], ".csv or a .json"),
        (["assign", "--solver", "magic"], "--solver 'magic'"),
        (["assign", "--call", "no-such-call"], "no call with id 'no-such-call'"),
        (["assign", "--k", "0", "--call", "CALL"], "--k: must be at least 1"),
        (["demo-reviews", "--assignment", "missing.csv", "--out", "r.csv"], "missing.csv"),
    ],
)
def test_bad_arguments_are_one_line_with_exit_code_2(
    args: list[str], message: str, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [run.call if arg == "CALL" else arg for arg in args]
    if args[0] == "assign":
        args += ["--backend", "tfidf"]
    assert main(["competition", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_assign_without_a_call_on_several_calls_asks_for_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls = {a.call_id for a in read_applications(demo_paths()["applications"])}
    assert len(calls) > 1
    assert main(["competition", "assign", "--backend", "tfidf", "-q"]) == 2
    assert "choose one with --call" in capsys.readouterr().err


def test_the_group_lists_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["competition", "--help"]) == 0
    out = capsys.readouterr().out
    for command in ("check", "assign", "demo-reviews", "rank"):
        assert command in out


def test_check_and_assign_print_json(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--call", run.call, "--backend", "tfidf", "--json"]
    assert main(["competition", "check", *common]) == 0
    checks = json.loads(capsys.readouterr().out)
    failing = {r["application_id"] for r in _rows(run.check) if r["ok"] == "false"}
    assert {c["application_id"] for c in checks if not c["ok"]} == failing
    assert main(["competition", "assign", *common]) == 0
    payload = json.loads(capsys.readouterr().out)
    pairs = {(p["application_id"], p["reviewer_id"]) for p in payload["pairs"]}
    assert pairs == {(r["application_id"], r["reviewer_id"]) for r in _rows(run.assignment)}
    assert payload["infeasible"] == [] and payload["solver"] in ("exact", "minmax")
    assert all(isinstance(reasons, list) for reasons in payload["conflicts"].values())


def test_invented_reviews_as_json_lines_rank_the_same(run: Run, tmp_path: Path) -> None:
    reviews = tmp_path / "reviews.jsonl"
    args = ["competition", "demo-reviews", "--assignment", str(run.assignment)]
    assert main([*args, "--out", str(reviews), "-q"]) == 0
    ranking = tmp_path / "ranking.csv"
    rank = ["competition", "rank", "--call", run.call, "--reviews", str(reviews), "-q"]
    rank += ["--backend", "tfidf"]
    assert main([*rank, "--out", str(ranking)]) == 0
    assert _rows(ranking) == _rows(run.ranking)

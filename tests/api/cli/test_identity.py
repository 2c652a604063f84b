"""``grantmatch resolve``: merged interchange files, a report, a review list, located errors."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from matcher.io import load_dataset
from tests.conftest import FIXTURES

DATA = FIXTURES / "identity" / "dataset"
ROR = FIXTURES / "identity" / "ror_v2.json"


def test_resolve_writes_merged_files_that_load_and_a_review_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    review = tmp_path / "review.csv"
    code = main(
        ["resolve", str(DATA), "--out", str(out), "--review", str(review),
         "--no-bundled", "--reference", str(ROR)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "institutions: 7 -> 4; profiles: 7 -> 5" in capsys.readouterr().out
    merged = load_dataset(
        out / "profiles.jsonl", out / "calls.jsonl", out / "institutions.jsonl",
        out / "offices.jsonl",
    )  # fmt: skip
    assert len(merged.profiles) == 5 and len(merged.institutions) == 4
    assert merged.offices[0].partner_institutions == ["kaznu"]
    with review.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {(row["kind"], row["first_id"], row["second_id"]) for row in rows} >= {
        ("institution", "kemsu", "kemsmu"),
        ("profile", "p4", "p5"),
    }
    report = json.loads((out / "identity_report.json").read_text(encoding="utf-8"))
    assert report["institution_ids"]["kemgu"] == "kemsu"
    assert report["reference_links"]["kemsu"] == "https://ror.org/0example01"
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_the_review_list_defaults_to_the_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    (folder / "institutions.jsonl").unlink()
    (folder / "offices.jsonl").unlink()
    (folder / "profiles.jsonl").write_text(
        '{"id": "a", "name": "Ivan Petrov", "institution": "КемГУ", "country": "RU"}\n'
        '{"id": "b", "name": "Petrov, Ivan", "institution": "Kemerovo State University", '
        '"country": "RU"}\n',
        encoding="utf-8",
    )
    assert main(["resolve", str(folder), "--out", str(tmp_path / "out")]) == 0
    profiles = (tmp_path / "out" / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    # One institution spelling (resolved through the bundled list), then one person.
    assert len(profiles) == 1
    assert json.loads(profiles[0])["institution"] == "Kemerovo State University"
    assert (tmp_path / "out" / "review.csv").exists()


def test_a_bad_reference_file_is_one_located_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ror.json"
    bad.write_text('[\n{"id": "r1", "names": [{"value": "A", "types": ["label"]}],\n'
                   ' "locations": [{"geonames_details": {"country_code": "XX"}}]}\n]')  # fmt: skip
    out = tmp_path / "out"
    code = main(["resolve", str(DATA), "--out", str(out), "--reference", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:2" in err and "country_code" in err and "XX" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["resolve", "nowhere", "--out", "x"], "nowhere: not a folder"),
        (["resolve", str(FIXTURES / "identity"), "--out", "x"], "no profiles.jsonl"),
        (["resolve", str(DATA), "--out", "x", "--threshold", "1.5"], "--threshold"),
    ],
)
def test_usage_errors_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


def test_resolving_the_output_again_settles_only_pairs_it_asked_about(tmp_path: Path) -> None:
    # A merged profile keeps its other names as aliases, and aliases are name evidence: the
    # second run may merge a pair the first listed for review (A. Sidorova, whose ORCID is
    # also "Sidorova, Anna"'s, with Anna Sidorova at the same institution), never another;
    # the third run changes nothing.
    options = ["--no-bundled", "--reference", str(ROR)]
    runs = ["once", "twice", "thrice"]
    previous = DATA
    for run in runs:
        assert main(["resolve", str(previous), "--out", str(tmp_path / run), *options]) == 0
        previous = tmp_path / run

    def report(run: str) -> dict[str, Any]:
        text = (tmp_path / run / "identity_report.json").read_text(encoding="utf-8")
        return dict(json.loads(text))

    asked = {frozenset((r["first_id"], r["second_id"])) for r in report("once")["review"]}
    settled = {
        frozenset((merge["kept"], merged))
        for merge in report("twice")["merges"]
        for merged in merge["merged"]
    }
    assert settled <= asked
    assert report("thrice")["merges"] == []
    for name in ("profiles.jsonl", "institutions.jsonl", "offices.jsonl"):
        twice = (tmp_path / "twice" / name).read_text(encoding="utf-8")
        assert (tmp_path / "thrice" / name).read_text(encoding="utf-8") == twice

"""A round's scores show eligibility when asked, or list only the profiles that may join."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from matcher import Dataset, Matcher
from matcher.rounds import ResumeError, RoundConfig, run_round


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _base(vector_cache: str) -> dict[str, Any]:
    return {
        "backend": "tfidf",
        "cache_path": vector_cache,
        "chunk_size": 100,
        "staffing": "greedy",
        "report": False,
    }


def test_scores_keep_their_columns_and_gain_eligibility_only_when_asked(
    demo: Dataset, demo_matcher: Matcher, vector_cache: str, tmp_path: Path
) -> None:
    plain, asked = tmp_path / "plain", tmp_path / "asked"
    run_round(demo, plain, RoundConfig(**_base(vector_cache)))
    run_round(demo, asked, RoundConfig(**_base(vector_cache), scores_with_eligibility=True))
    header = (plain / "scores.csv").read_text().splitlines()[0]
    assert header == "call_id,profile_id,score,rank"
    rows = _rows(asked / "scores.csv")
    assert list(rows[0]) == [
        "call_id",
        "profile_id",
        "score",
        "rank",
        "eligible",
        "reachable",
        "reason",
    ]
    # The same rows, plus the answer of Matcher.eligibility for each.
    assert [(r["call_id"], r["profile_id"]) for r in rows] == [
        (r["call_id"], r["profile_id"]) for r in _rows(plain / "scores.csv")
    ]
    for row in rows:
        found = demo_matcher.eligibility(row["call_id"], row["profile_id"])
        assert row["eligible"] == ("true" if found.eligible else "false")
        assert row["reachable"] == ("true" if found.reachable else "false")
        assert row["reason"] == (found.reason or "")
    assert any(row["eligible"] == "false" for row in rows)  # the demo has such top rows
    table = pq.read_table(asked / "scores.parquet")
    assert str(table.schema.field("eligible").type) == "bool"
    # The teams do not depend on the columns.
    assert (plain / "teams.csv").read_bytes() == (asked / "teams.csv").read_bytes()


def test_eligible_only_scores_equal_the_matchers_eligible_ranking(
    demo: Dataset, demo_matcher: Matcher, vector_cache: str, tmp_path: Path
) -> None:
    run_round(demo, tmp_path, RoundConfig(**_base(vector_cache), eligible_only=True))
    rows = _rows(tmp_path / "scores.csv")
    expected = list(demo_matcher.rank_all(10, eligible_only=True))
    assert [(r["call_id"], r["profile_id"], int(r["rank"])) for r in rows] == [
        (r.call_id, r.profile_id, r.rank) for r in expected
    ]
    for row, r in zip(rows, expected, strict=True):
        assert float(row["score"]) == pytest.approx(r.score, abs=2e-6)


def test_resume_refuses_a_changed_eligible_only_but_not_a_changed_column_set(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    run_round(demo, tmp_path, RoundConfig(**_base(vector_cache)))
    with pytest.raises(ResumeError, match="config"):
        run_round(
            demo, tmp_path, RoundConfig(**_base(vector_cache), eligible_only=True), resume=True
        )
    resumed = run_round(
        demo,
        tmp_path,
        RoundConfig(**_base(vector_cache), scores_with_eligibility=True),
        resume=True,
    )
    assert resumed.resumed_chunks > 0
    assert "reason" in (tmp_path / "scores.csv").read_text().splitlines()[0]

"""Writing the batch interface's CSV files: atomically, with a stable header."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from matcher.eligibility import Eligibility
from matcher.engine import RankedProfile
from matcher.io import write_text_atomic
from matcher.partners import PartnerSuggestion

RANK_HEADER = ("call_id", "profile_id", "score", "rank")
#: ``rank --with-eligibility``: the stable columns, then whether the profile may join.
ELIGIBILITY_COLUMNS = ("eligible", "reachable", "reason")
PARTNER_QUERY_HEADER = ("query_id", "call_id", "profile_id", "score", "rank")


def _score(value: float) -> str:
    return f"{value:.6f}"


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    write_text_atomic(buffer.getvalue(), path)
    return count


def _flag(value: bool) -> str:
    return "true" if value else "false"


def write_rankings(
    path: Path,
    rows: Iterable[RankedProfile],
    eligibility: Callable[[str, str], Eligibility] | None = None,
) -> int:
    """``call_id,profile_id,score,rank``; returns the number of rows written.

    With ``eligibility`` (``(call id, profile id) -> Eligibility``) three columns follow:
    ``eligible,reachable`` (``true``/``false``) and ``reason`` (empty when both are true).
    """
    if eligibility is None:
        return _write_csv(
            path, RANK_HEADER, ((r.call_id, r.profile_id, _score(r.score), r.rank) for r in rows)
        )

    def with_eligibility(row: RankedProfile) -> tuple[object, ...]:
        found = eligibility(row.call_id, row.profile_id)
        return (
            row.call_id,
            row.profile_id,
            _score(row.score),
            row.rank,
            _flag(found.eligible),
            _flag(found.reachable),
            found.reason or "",
        )

    return _write_csv(path, RANK_HEADER + ELIGIBILITY_COLUMNS, map(with_eligibility, rows))


def write_partners(path: Path, call_id: str, suggestions: list[PartnerSuggestion]) -> int:
    """``call_id,profile_id,score,rank`` for one partial team."""
    return _write_csv(
        path,
        RANK_HEADER,
        (
            (call_id, s.profile_id, _score(s.score), rank)
            for rank, s in enumerate(suggestions, start=1)
        ),
    )


def write_partner_queries(
    path: Path, answers: Iterable[tuple[str, str, list[PartnerSuggestion]]]
) -> int:
    """``query_id,call_id,profile_id,score,rank`` for a batch of partial teams."""
    return _write_csv(
        path,
        PARTNER_QUERY_HEADER,
        (
            (query_id, call_id, s.profile_id, _score(s.score), rank)
            for query_id, call_id, suggestions in answers
            for rank, s in enumerate(suggestions, start=1)
        ),
    )

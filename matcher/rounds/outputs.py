"""A round's output tables (scores, teams) as CSV and Parquet, written atomically.

``scores`` has the columns of ``grantmatch rank`` (``call_id,profile_id,score,rank``),
then ``eligible,reachable,reason`` when asked for;
``teams`` one row per member. Values are formatted and ordered deterministically, so two
runs on the same inputs write byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from matcher.io import write_text_atomic
from matcher.model import Team

SCORE_COLUMNS = ("call_id", "profile_id", "score", "rank")
#: ``RoundConfig(scores_with_eligibility=True)``: whether the profile may join, and why not.
ELIGIBILITY_COLUMNS = ("eligible", "reachable", "reason")
TEAM_COLUMNS = (
    "call_id",
    "team_objective",
    "profile_id",
    "role",
    "relevance",
    "country",
    "institution",
    "route_kind",
    "via",
    "route_cost",
)
_FLOATS = {"score", "team_objective", "relevance", "route_cost"}
_BOOLS = {"eligible", "reachable"}


def team_rows(teams: Sequence[Team]) -> list[dict[str, Any]]:
    """One row per member of every team, lead first."""
    rows = []
    for team in teams:
        for member in team.members:
            rows.append(
                {
                    "call_id": team.call_id,
                    "team_objective": round(team.objective, 6),
                    "profile_id": member.profile_id,
                    "role": member.role,
                    "relevance": round(member.relevance, 6),
                    "country": member.country,
                    "institution": member.institution,
                    "route_kind": member.route.kind,
                    "via": member.route.via,
                    "route_cost": round(member.route.cost, 6),
                }
            )
    return rows


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in _BOOLS:
        return "true" if value else "false"
    return f"{value:.6f}" if name in _FLOATS else str(value)


def write_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], csv_path: Path, parquet_path: Path
) -> None:
    """Write ``rows`` to a CSV and a Parquet file, each atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(name, row[name]) for name in columns])
    write_text_atomic(buffer.getvalue(), csv_path)
    types = {
        name: pa.float64()
        if name in _FLOATS
        else pa.int64()
        if name == "rank"
        else pa.bool_()
        if name in _BOOLS
        else pa.string()
        for name in columns
    }
    table = pa.table(
        {name: pa.array([row[name] for row in rows], type=types[name]) for name in columns}
    )
    temporary = parquet_path.with_name(f".{parquet_path.name}.{secrets.token_hex(6)}.tmp")
    try:
        pq.write_table(table, temporary)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, parquet_path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""Diverse alternatives to the best team, and notes on what each trades against it.

Each alternative shares at most ``TeamObjective.alternative_overlap`` of the members of
every suggestion before it (the pins aside, which every team must have): one more group
bound per earlier suggestion, solved again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from matcher.model import Team
from matcher.solvers import GroupBound, Selection, TeamProblem
from matcher.teams.encoding import EncodedTeam

#: ``problem -> (selection or None, solver used)``.
SolveFn = Callable[[TeamProblem], tuple[Selection | None, str]]
#: ``(encoded, selection, solver used) -> team``.
DecodeFn = Callable[[EncodedTeam, Selection, str], Team]


def alternative_teams(
    encoded: EncodedTeam,
    found: list[Selection],
    count: int,
    overlap: float,
    solve: SolveFn,
    decode: DecodeFn,
) -> list[Team]:
    """Up to ``count`` more teams, each sharing at most ``overlap`` of the members of every
    selection in ``found`` and of every alternative before it (pins aside).

    ``found`` holds the selections so far (the best first) and is extended in place.
    """
    teams: list[Team] = []
    groups = list(encoded.problem.groups)
    for _ in range(count):
        previous = found[-1]
        members = np.zeros(encoded.problem.n, dtype=bool)
        members[previous.members] = True
        pinned = int((members & encoded.problem.pinned).sum())
        limit = max(pinned, int(overlap * len(previous.members)))
        groups.append(GroupBound(f"overlap with suggestion {len(found)}", members, maximum=limit))
        problem = replace(encoded.problem, groups=list(groups))
        selection, used = solve(problem)
        if selection is None:
            break
        found.append(selection)
        teams.append(decode(replace(encoded, problem=problem), selection, used))
    return teams


def describe_alternatives(teams: list[Team]) -> list[Team]:
    """The alternatives (``teams[1:]``) with notes on how each differs from ``teams[0]``."""
    best = teams[0]
    best_ids = {m.profile_id for m in best.members}
    described = []
    for number, team in enumerate(teams[1:], start=2):
        ids = {m.profile_id for m in team.members}
        shared = len(ids & best_ids)
        share = team.objective / best.objective if best.objective > 0 else float("nan")
        notes = [
            f"suggestion {number}: shares {shared} of {len(ids)} members with suggestion 1; "
            f"objective {team.objective:.3f}"
            + (f" ({share:.0%} of the best)" if share == share else ""),
            "brings in " + ", ".join(sorted(ids - best_ids)),
        ]
        for part in ("relevance", "coverage", "route_cost"):
            delta = team.parts.get(part, 0.0) - best.parts.get(part, 0.0)
            if abs(delta) > 1e-6:
                notes.append(f"{part} {delta:+.3f} against suggestion 1")
        described.append(team.model_copy(update={"notes": notes + team.notes}))
    return described

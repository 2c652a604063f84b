"""Feasible rounds from a Lagrangian relaxation: repair the relaxation's teams, then local search.

The relaxation's teams (each call solved alone on priced values) already fit the round's
capacities for most calls: most profiles are wanted by one call only. So the repair does not
re-solve every call one by one, as a plain greedy pass does: calls go best priced value
first, and a call whose relaxation team still fits what the calls before it left keeps it
(that team is optimal on the smaller problem too, since the capacity left only removes
options); only a call whose team hits a used-up profile or office is solved again, exactly,
on the capacity left.

The local search then improves a round on the true (unpriced) objective, one call at a time:
the call's team is freed and the call solved exactly on what the other calls leave, and the
new team kept when it is better (a call already at its stand-alone optimum cannot gain and
is skipped); an unstaffed call is staffed when a team fits the capacity left. Every move
keeps the round feasible and never lowers its objective.

Per-call answers are cached by everything their problem depends on (the values, which
candidates are used up, what each office has left), so an unchanged problem is never solved
twice; the exact solver is deterministic, so the cache changes no result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from matcher.rounds.staffing import CAPACITY_REASON
from matcher.solvers import GroupBound, Selection, TeamProblem, TeamSolver
from matcher.teams import EncodedTeam

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Residual:
    """What a round's profiles and offices have left while teams are taken.

    ``capacity`` holds the resources (profiles, then offices with a capacity);
    ``columns[call]`` and ``office_columns[call]`` map the call's candidates onto them
    (``-1``: no office with a capacity), as :class:`matcher.rounds.lagrangian._Resources`.
    """

    def __init__(
        self,
        capacity: FloatArray,
        columns: Mapping[str, IntArray],
        office_columns: Mapping[str, IntArray],
    ) -> None:
        self.left = np.append(capacity, np.inf)  # the last slot: "no office", never short
        self.columns = columns
        self.office_columns = office_columns

    def _used(self, call_id: str, members: list[int]) -> IntArray:
        picked = np.asarray(members, dtype=np.int64)
        used: IntArray = np.concatenate(
            [self.columns[call_id][picked], self.office_columns[call_id][picked]]
        )
        return used

    def fits(self, call_id: str, members: list[int]) -> bool:
        """Whether the team fits what is left (an office may be used twice by one team)."""
        used, counts = np.unique(self._used(call_id, members), return_counts=True)
        return bool(np.all(self.left[used] >= counts))

    def take(self, call_id: str, members: list[int]) -> None:
        np.subtract.at(self.left, self._used(call_id, members), 1.0)

    def give_back(self, call_id: str, members: list[int]) -> None:
        np.add.at(self.left, self._used(call_id, members), 1.0)

    def restrict(self, e: EncodedTeam, call_id: str, values: FloatArray) -> TeamProblem:
        """The call's problem on ``values`` with only what is left."""
        problem = e.problem
        groups = list(problem.groups)
        exhausted = self.left[self.columns[call_id]] <= 0
        if exhausted.any():
            groups.append(GroupBound(CAPACITY_REASON, exhausted, maximum=0))
        offices = self.office_columns[call_id]
        for office in np.unique(offices[offices >= 0]):
            via = offices == office
            left = int(self.left[office])
            if left < int(via.sum()):  # otherwise the office cannot bind
                groups.append(GroupBound("office capacity left this round", via, maximum=left))
        return replace(problem, value=values, groups=groups)

    def key(self, call_id: str, values: FloatArray) -> bytes:
        """Everything :meth:`restrict` depends on, as bytes (a cache key)."""
        offices = self.office_columns[call_id]
        return b"|".join(
            [
                values.tobytes(),
                (self.left[self.columns[call_id]] <= 0).tobytes(),
                np.minimum(self.left[offices], 64.0).tobytes(),
            ]
        )


class CallCache:
    """Each call's last exact answer, by the key of the problem it answered."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[bytes, Selection | None]] = {}
        self.hits = 0
        self.solves = 0

    def get(self, kind: str, call_id: str, key: bytes) -> tuple[bool, Selection | None]:
        found = self.answers.get((kind, call_id))
        if found is not None and found[0] == key:
            self.hits += 1
            return True, found[1]
        return False, None

    def put(self, kind: str, call_id: str, key: bytes, answer: Selection | None) -> None:
        self.solves += 1
        self.answers[(kind, call_id)] = (key, answer)


def solve_restricted(
    solver: TeamSolver,
    cache: CallCache,
    residual: Residual,
    e: EncodedTeam,
    call_id: str,
    values: FloatArray,
) -> Selection | None:
    """The call's exact optimum on ``values`` with what ``residual`` leaves (cached)."""
    key = residual.key(call_id, values)
    hit, answer = cache.get("restricted", call_id, key)
    if hit:
        return answer
    answer = solver.solve(residual.restrict(e, call_id, values))
    cache.put("restricted", call_id, key, answer)
    return answer


def repair(
    solver: TeamSolver,
    cache: CallCache,
    residual: Residual,
    encoded: Mapping[str, EncodedTeam],
    order: list[str],
    relaxed: Mapping[str, Selection],
    values: Mapping[str, FloatArray],
) -> dict[str, Selection]:
    """Calls in ``order``: the relaxation's team where it fits, else re-solved on the rest.

    Parameters
    ----------
    solver : TeamSolver
        The exact per-call solver.
    cache : CallCache
        Answers of earlier restricted solves.
    residual : Residual
        The capacity left; teams taken are subtracted from it.
    encoded : mapping
        Every call's team problem.
    order : list of str
        The calls, first served first.
    relaxed : mapping
        Each call's optimum on ``values`` with no capacity taken by other calls.
    values : mapping
        The member values each call is solved on (priced ones in the Lagrangian).

    Returns
    -------
    dict
        The feasible round's teams.
    """
    selections: dict[str, Selection] = {}
    for call_id in order:
        team = relaxed.get(call_id)
        if team is None or not residual.fits(call_id, team.members):
            team = solve_restricted(
                solver, cache, residual, encoded[call_id], call_id, values[call_id]
            )
        if team is not None:
            selections[call_id] = team
            residual.take(call_id, team.members)
    return selections


def local_search(
    solver: TeamSolver,
    cache: CallCache,
    residual: Residual,
    encoded: Mapping[str, EncodedTeam],
    selections: dict[str, Selection],
    alone: Mapping[str, float],
    passes: int = 2,
) -> dict[str, Selection]:
    """Re-optimise one call at a time on what the others leave (see the module docstring).

    ``residual`` must hold what ``selections`` leave; ``alone`` is each call's stand-alone
    optimum (calls without one are never staffed). Calls are visited in id order, so the
    result is deterministic. Returns the improved teams (``residual`` updated with them).
    """
    teams = dict(selections)
    for _ in range(passes):
        improved = False
        for call_id in sorted(alone):
            e = encoded[call_id]
            current = teams.get(call_id)
            value = e.problem.value
            if current is None:
                team = solve_restricted(solver, cache, residual, e, call_id, value)
                if team is not None:
                    teams[call_id] = team
                    residual.take(call_id, team.members)
                    improved = True
                continue
            before = current.objective(e.problem)
            best_alone = alone[call_id]
            if before >= best_alone - 1e-9 * max(1.0, abs(best_alone)):
                continue  # already its stand-alone optimum: nothing to gain
            residual.give_back(call_id, current.members)
            team = solve_restricted(solver, cache, residual, e, call_id, value)
            if team is not None and team.objective(e.problem) > before + 1e-9 * max(
                1.0, abs(before)
            ):
                teams[call_id] = team
                improved = True
            else:
                team = current
            residual.take(call_id, team.members)
        if not improved:
            break
    return teams

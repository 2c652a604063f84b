"""Staffing every call of a round at once, with capacities shared across calls.

Every call's team problem comes from :meth:`matcher.teams.TeamAssembler.encode_pool` (its rules,
objective and saturating terms unchanged). The *joint* staffing stacks them block-diagonally
into one MILP (HiGHS through ``scipy.optimize.milp``, as :mod:`matcher.solvers.milp` does for
one call) and links the blocks:

* per profile, the teams it joins across the round are at most its ``capacity``;
* per office with a capacity, the introductions through it across the round are at most
  its capacity.

Each call has a binary ``staffed``; every constraint of its block is conditional on it
(size bounds, group minimums and the one lead are multiplied by it), so a call that cannot
be staffed leaves the rest of the round feasible. The objective is the sum of the team
objectives plus a bonus ``B`` per staffed call, ``B`` larger than twice any one team's
objective range, so a call is left unstaffed only when staffing it would cost the other
calls more than a whole team is worth (in practice: when it cannot be staffed).

The *greedy* staffing takes calls one by one (best stand-alone objective first) and solves
each exactly on the capacity the calls before it left (:func:`staff_in_order`); it is the
baseline the joint staffing is measured against, and the repair step of the Lagrangian
decomposition (:mod:`matcher.rounds.lagrangian`) used when the joint MILP is too large.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from matcher.dataset import Dataset
from matcher.model import Call
from matcher.routes import RouteFinder
from matcher.solvers import GroupBound, Selection, TeamProblem, violations
from matcher.teams import Candidate, EncodedTeam, TeamAssembler, TeamObjective

CAPACITY_REASON = "capacity used by other calls"


class RoundAssembler(TeamAssembler):
    """A :class:`TeamAssembler` that encodes each call from the round's chunked scoring.

    ``pools`` holds each call's kept pool (see :mod:`matcher.rounds.pools`) and
    ``thresholds`` its exact member threshold over the whole pool, so :meth:`encode_call`
    builds the same problem as :meth:`~TeamAssembler.encode` on a dense relevance row
    without ever holding one.
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        objective: TeamObjective,
        pools: dict[str, list[Candidate]],
        thresholds: dict[str, float],
    ) -> None:
        super().__init__(dataset, routes, objective, coverage=None)
        self.pools = pools
        self.thresholds = thresholds

    def encode_call(self, call: Call) -> EncodedTeam:
        """The call's team problem over its kept pool, with its member threshold."""
        return self.encode_pool(call, self.pools.get(call.id, []), self.threshold_of(call))

    def threshold_of(self, call: Call) -> float:
        """The call's member threshold: the objective's fixed one, else the one computed
        while scoring (0 for a call nobody is eligible for, as on a dense row)."""
        if self.objective.member_threshold is not None:
            return self.objective.member_threshold
        return self.thresholds.get(call.id, 0.0)


@dataclass
class Staffing:
    """The teams chosen for a round, and why the other calls have none."""

    method: str
    selections: dict[str, Selection]
    solvers: dict[str, str]
    unstaffed: dict[str, list[str]]
    objective: float
    seconds: float
    gap: float | None = None
    notes: list[str] = field(default_factory=list)
    #: A proven upper bound on the joint objective (team objectives plus the staffing bonus
    #: per staffed call), where the method gives one.
    bound: float | None = None
    #: Whether the method was interrupted (Ctrl-C) and this is the best round found so far.
    interrupted: bool = False


def team_objectives(
    encoded: dict[str, EncodedTeam], selections: dict[str, Selection]
) -> dict[str, float]:
    """Each staffed call's team objective."""
    return {
        call_id: selection.objective(encoded[call_id].problem)
        for call_id, selection in selections.items()
    }


def capacity_violations(
    dataset: Dataset, encoded: dict[str, EncodedTeam], selections: dict[str, Selection]
) -> tuple[int, int]:
    """How many profiles and offices the selections put over their round capacity."""
    profiles, offices = usage(encoded, selections)
    over_profiles = sum(1 for p, n in profiles.items() if n > dataset.profile(p).capacity)
    over_offices = 0
    for office_id, n in offices.items():
        capacity = dataset.office(office_id).capacity
        if capacity is not None and n > capacity:
            over_offices += 1
    return over_profiles, over_offices


def usage(
    encoded: dict[str, EncodedTeam], selections: dict[str, Selection]
) -> tuple[Counter[str], Counter[str]]:
    """Teams per profile and introductions per office across the selections."""
    profiles: Counter[str] = Counter()
    offices: Counter[str] = Counter()
    for call_id, selection in selections.items():
        e = encoded[call_id]
        for i in selection.members:
            profiles[e.shortlist[i].profile.id] += 1
            office = e.offices[i]
            if office is not None:
                offices[office] += 1
    return profiles, offices


# -- one call alone ------------------------------------------------------------------------


def solve_alone(
    assembler: TeamAssembler, encoded: dict[str, EncodedTeam], solver: str
) -> tuple[dict[str, Selection], dict[str, str]]:
    """Every call on its own, capacities across calls ignored."""
    selections: dict[str, Selection] = {}
    used: dict[str, str] = {}
    for call_id, e in encoded.items():
        if e.problem.n == 0:
            continue
        selection, name = assembler.solve(e.problem, solver)
        if selection is not None:
            selections[call_id], used[call_id] = selection, name
    return selections, used


def _restricted(
    e: EncodedTeam, dataset: Dataset, profile_left: dict[str, int], office_left: dict[str, int]
) -> TeamProblem:
    """The call's problem with only what the calls staffed before it left."""
    exhausted = np.asarray([profile_left.get(c.profile.id, 1) <= 0 for c in e.shortlist])
    groups = list(e.problem.groups)
    if exhausted.any():
        groups.append(GroupBound(CAPACITY_REASON, exhausted, maximum=0))
    via = np.asarray([office or "" for office in e.offices])
    for office_id in sorted({o for o in e.offices if o is not None}):
        if office_id in office_left:
            groups.append(
                GroupBound(
                    f"office {office_id} left this round",
                    via == office_id,
                    maximum=max(0, office_left[office_id]),
                )
            )
    return replace(e.problem, groups=groups)


def solve_greedy(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    solver: str,
    alone: dict[str, Selection] | None = None,
) -> Staffing:
    """Calls one by one, best stand-alone objective first, on the capacity left."""
    started = time.perf_counter()
    if alone is None:
        alone, _ = solve_alone(assembler, encoded, solver)
    standalone = team_objectives(encoded, alone)
    order = sorted(alone, key=lambda c: (-standalone[c], c))
    selections, solvers = staff_in_order(dataset, assembler, encoded, order, solver)
    objective = sum(team_objectives(encoded, selections).values())
    return Staffing("greedy", selections, solvers, {}, objective, time.perf_counter() - started)


def staff_in_order(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    order: list[str],
    solver: str,
    values: dict[str, npt.NDArray[np.float64]] | None = None,
) -> tuple[dict[str, Selection], dict[str, str]]:
    """Calls in ``order``, each solved on the profile and office capacity the calls before it
    left; ``values`` replaces a call's member values (e.g. priced ones) where given."""
    profile_left = {p.id: p.capacity for p in dataset.profiles}
    office_left = {o.id: o.capacity for o in dataset.offices if o.capacity is not None}
    selections: dict[str, Selection] = {}
    solvers: dict[str, str] = {}
    for call_id in order:
        e = encoded[call_id]
        problem = _restricted(e, dataset, profile_left, office_left)
        if values is not None and call_id in values:
            problem = replace(problem, value=values[call_id])
        selection, name = assembler.solve(problem, solver)
        if selection is None:
            continue
        selections[call_id], solvers[call_id] = selection, name
        for i in selection.members:
            profile_left[e.shortlist[i].profile.id] -= 1
            office = e.offices[i]
            if office is not None and office in office_left:
                office_left[office] -= 1
    return selections, solvers


# -- all calls at once -----------------------------------------------------------------------


class _Rows:
    """A sparse constraint matrix built row block by row block (COO triplets)."""

    def __init__(self) -> None:
        self.rows: list[npt.NDArray[np.int64]] = []
        self.cols: list[npt.NDArray[np.int64]] = []
        self.vals: list[npt.NDArray[np.float64]] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, cols: npt.ArrayLike, vals: npt.ArrayLike, lower: float, upper: float) -> None:
        columns = np.asarray(cols, dtype=np.int64)
        row = len(self.lower)
        self.rows.append(np.full(len(columns), row, dtype=np.int64))
        self.cols.append(columns)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), columns.shape))
        self.lower.append(lower)
        self.upper.append(upper)

    def add_pairs(
        self,
        first: npt.NDArray[np.int64],
        second: npt.NDArray[np.int64],
        lower: float,
        upper: float,
    ) -> None:
        """One row ``first[i] - second[i]`` per ``i``, all with the same bounds."""
        start = len(self.lower)
        rows = np.arange(start, start + len(first), dtype=np.int64)
        self.rows.append(np.repeat(rows, 2))
        self.cols.append(np.stack([first, second], axis=1).reshape(-1))
        self.vals.append(np.tile([1.0, -1.0], len(first)))
        self.lower.extend([lower] * len(first))
        self.upper.extend([upper] * len(first))

    def matrix(self, n_columns: int) -> coo_array:
        return coo_array(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(len(self.lower), n_columns),
        )


def _objective_range(problem: TeamProblem) -> float:
    """A bound on the absolute objective of any team of ``problem``."""
    largest = np.sort(np.abs(problem.value))[::-1][: problem.max_size].sum()
    bound = float(largest) + float(np.abs(problem.lead_value).max(initial=0.0))
    for term in problem.terms:
        per_column = sum(w * s for w, s in zip(term.widths, term.slopes, strict=True))
        bound += term.weight * per_column * term.matrix.shape[1]
    return bound


def staffing_bonus(encoded: dict[str, EncodedTeam]) -> float:
    """The joint objective's reward per staffed call: above twice any team's objective range."""
    ranges = (_objective_range(e.problem) for e in encoded.values() if e.problem.n > 0)
    return 1.0 + 2.0 * max(ranges, default=0.0)


def joint_size(encoded: dict[str, EncodedTeam]) -> int:
    """Number of variables of the joint MILP."""
    total = 0
    for e in encoded.values():
        p = e.problem
        total += 2 * p.n + 1 + sum(t.matrix.shape[1] * len(t.widths) for t in p.terms)
    return total


def solve_joint(
    dataset: Dataset, encoded: dict[str, EncodedTeam], time_limit: float
) -> Staffing | None:
    """The joint MILP (see the module docstring); ``None`` if HiGHS found no solution."""
    started = time.perf_counter()
    blocks = [(call_id, e) for call_id, e in encoded.items() if e.problem.n > 0]
    bonus = staffing_bonus(encoded)
    rows = _Rows()
    objective: list[npt.NDArray[np.float64]] = []
    upper_bounds: list[npt.NDArray[np.float64]] = []
    integral: list[npt.NDArray[np.float64]] = []
    layout: list[tuple[str, int, int, int]] = []  # call, first x column, n, staffed column
    member_columns: dict[str, list[int]] = {}
    office_columns: dict[str, list[int]] = {}
    base = 0
    for call_id, e in blocks:
        p = e.problem
        n = p.n
        n_y = sum(t.matrix.shape[1] * len(t.widths) for t in p.terms)
        x = base + np.arange(n)
        lead = base + n + np.arange(n)
        y0 = base + 2 * n
        s = y0 + n_y
        # min_size * s <= sum(x) <= max_size * s
        rows.add(np.r_[x, s], np.r_[np.ones(n), -p.min_size], 0.0, np.inf)
        rows.add(np.r_[x, s], np.r_[np.ones(n), -p.max_size], -np.inf, 0.0)
        for group in p.groups:
            members = x[group.members]
            if group.minimum > 0:
                rows.add(
                    np.r_[members, s], np.r_[np.ones(len(members)), -group.minimum], 0.0, np.inf
                )
            if group.maximum is not None and group.maximum < len(members):
                rows.add(members, 1.0, -np.inf, float(group.maximum))
        rows.add(np.r_[lead, s], np.r_[np.ones(n), -1.0], 0.0, 0.0)  # one lead if staffed
        rows.add_pairs(lead, x, -np.inf, 0.0)  # lead_i - x_i <= 0: the lead is a member
        for pinned in np.flatnonzero(p.pinned):
            rows.add([x[pinned], s], [1.0, -1.0], 0.0, 0.0)
        y_objective: list[float] = []
        y_upper: list[float] = []
        offset = y0
        for term in p.terms:
            k = len(term.widths)
            for j in range(term.matrix.shape[1]):
                column = term.matrix[:, j]
                nonzero = np.flatnonzero(column)
                segments = offset + j * k + np.arange(k)
                rows.add(
                    np.r_[segments, x[nonzero]], np.r_[np.ones(k), -column[nonzero]], -np.inf, 0.0
                )
                y_objective.extend(term.weight * slope for slope in term.slopes)
                y_upper.extend(term.widths)
            offset += term.matrix.shape[1] * k
        objective.append(np.r_[p.value, p.lead_value, y_objective, bonus])
        upper_bounds.append(np.r_[np.ones(n), p.lead_allowed.astype(float), y_upper, 1.0])
        integral.append(np.r_[np.ones(2 * n), np.zeros(n_y), 1.0])
        layout.append((call_id, base, n, s))
        for i, candidate in enumerate(e.shortlist):
            member_columns.setdefault(candidate.profile.id, []).append(int(x[i]))
            office = e.offices[i]
            if office is not None:
                office_columns.setdefault(office, []).append(int(x[i]))
        base = int(s) + 1
    if base == 0:
        return Staffing("joint", {}, {}, {}, 0.0, time.perf_counter() - started)
    for profile_id in sorted(member_columns):
        columns = member_columns[profile_id]
        capacity = dataset.profile(profile_id).capacity
        if len(columns) > capacity:
            rows.add(columns, 1.0, -np.inf, float(capacity))
    for office_id in sorted(office_columns):
        columns = office_columns[office_id]
        office_capacity = dataset.office(office_id).capacity
        if office_capacity is not None and len(columns) > office_capacity:
            rows.add(columns, 1.0, -np.inf, float(office_capacity))
    result = milp(
        -np.concatenate(objective),
        constraints=LinearConstraint(rows.matrix(base).tocsr(), rows.lower, rows.upper),
        bounds=Bounds(np.zeros(base), np.concatenate(upper_bounds)),
        integrality=np.concatenate(integral),
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": 1e-7},
    )
    if result.x is None:
        return None
    values = result.x
    selections: dict[str, Selection] = {}
    for call_id, first, n, s in layout:
        if values[s] < 0.5:
            continue
        chosen = [int(i) for i in np.flatnonzero(values[first : first + n] > 0.5)]
        leader = int(np.argmax(values[first + n : first + 2 * n]))
        selections[call_id] = Selection(members=chosen, lead=leader)
    objective_value = sum(team_objectives(encoded, selections).values())
    gap = getattr(result, "mip_gap", None)
    staffing = Staffing(
        "joint",
        selections,
        {c: "joint-milp" for c in selections},
        {},
        objective_value,
        time.perf_counter() - started,
        gap=None if gap is None else float(gap),
    )
    if result.status == 1:
        staffing.notes.append(f"joint MILP stopped at its time limit ({time_limit:.0f} s)")
    return staffing


def check_selections(
    dataset: Dataset, encoded: dict[str, EncodedTeam], selections: dict[str, Selection]
) -> list[str]:
    """Every rule or capacity a set of teams breaks (empty when all hold)."""
    broken = [
        f"{call_id}: {problem}"
        for call_id, selection in selections.items()
        for problem in violations(encoded[call_id].problem, selection)
    ]
    profiles, offices = capacity_violations(dataset, encoded, selections)
    if profiles:
        broken.append(f"{profiles} profile(s) over capacity")
    if offices:
        broken.append(f"{offices} office(s) over capacity")
    return broken


def explain_unstaffed(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    staffing: Staffing,
    failed: dict[str, list[str]],
    solver: str,
) -> dict[str, list[str]]:
    """Why each call without a team has none: its own rules, or the round's capacities."""
    reasons: dict[str, list[str]] = dict(failed)
    profiles, offices = usage(encoded, staffing.selections)
    for call in dataset.calls:
        if call.id in staffing.selections or call.id in reasons:
            continue
        e = encoded[call.id]
        alone, _ = assembler.solve(e.problem, solver) if e.problem.n else (None, "")
        if alone is None:
            reasons[call.id] = assembler.diagnose(call, e.pool, set())
            continue
        busy = sorted(
            e.shortlist[i].profile.id
            for i in alone.members
            if profiles[e.shortlist[i].profile.id] >= e.shortlist[i].profile.capacity
        )
        full = sorted(
            {
                office
                for i in alone.members
                if (office := e.offices[i]) is not None
                and (capacity := dataset.office(office).capacity) is not None
                and offices[office] >= capacity
            }
        )
        detail = []
        if busy:
            detail.append("members at capacity: " + ", ".join(busy[:8]))
        if full:
            detail.append("offices at capacity: " + ", ".join(full))
        reasons[call.id] = [
            CAPACITY_REASON
            + (f" ({'; '.join(detail)})" if detail else "")
            + "; a team exists for this call on its own"
        ]
    return reasons

"""Staffing a round too large for the joint MILP: Lagrangian decomposition with a measured gap.

The joint MILP of :mod:`matcher.rounds.staffing` couples the calls only through the
capacities (teams per profile, introductions per office). Pricing those constraints
instead of imposing them splits the round into one team problem per call:

* every profile ``p`` and office ``o`` gets a price ``lambda_p, mu_o >= 0``; a candidate's
  value in every call drops by the price of its profile and of the office it is reached
  through;
* each call is solved alone, exactly, on the priced values, and is staffed in the
  relaxation when ``bonus + priced objective > 0``;
* ``L = sum over calls of max(0, bonus + priced objective) + sum_p lambda_p cap_p +
  sum_o mu_o cap_o`` is then an **upper bound** on the joint optimum for any prices (weak
  duality): that is what makes the gap measured, not guessed;
* prices follow the subgradient ``cap - use`` with a Polyak step toward the best round
  found so far, so over-used profiles and offices get dearer and idle ones cheaper.

Every iteration also builds a feasible round (the *repair*): calls one by one, best priced
objective first, each solved on what the calls before it left, on its priced values, so the
prices steer calls away from contested profiles and offices (a second foreign member is
not worth an introduction another call needs). The best repaired round is returned, with
``gap = (L - best) / L`` on the joint objective (the staffing bonus per call included, as in
the joint MILP). The plain greedy staffing is this repair at zero prices, so the first
iteration already equals it and later ones can only improve on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.rounds.staffing import Staffing, staff_in_order, staffing_bonus, team_objectives
from matcher.solvers import Selection, TeamProblem, get_solver
from matcher.teams import EncodedTeam, TeamAssembler

log = logging.getLogger(__name__)

#: HiGHS's default ``mip_rel_gap``: how far below its optimum a per-call answer may be.
MILP_RELATIVE_GAP = 1e-4

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Solves a batch of independent per-call problems exactly; results in input order.
CallSolves = Callable[[Sequence[TeamProblem]], list[Selection | None]]


@dataclass(frozen=True)
class _Resources:
    """The round's capacities as arrays, and each call's candidates mapped onto them."""

    capacity: FloatArray  # profiles first, then offices with a capacity
    columns: dict[str, IntArray]  # per call: profile resource of each candidate
    office_columns: dict[str, IntArray]  # per call: office resource, or -1

    @classmethod
    def of(cls, dataset: Dataset, encoded: dict[str, EncodedTeam]) -> _Resources:
        profile_ids = sorted({c.profile.id for e in encoded.values() for c in e.shortlist})
        offices = sorted(o.id for o in dataset.offices if o.capacity is not None)
        position = {p: i for i, p in enumerate(profile_ids)}
        office_position = {o: len(profile_ids) + i for i, o in enumerate(offices)}
        capacity = np.asarray(
            [dataset.profile(p).capacity for p in profile_ids]
            + [dataset.office(o).capacity for o in offices],
            dtype=np.float64,
        )
        columns = {
            call_id: np.asarray([position[c.profile.id] for c in e.shortlist], dtype=np.int64)
            for call_id, e in encoded.items()
        }
        office_columns = {
            call_id: np.asarray(
                [office_position.get(o, -1) if o is not None else -1 for o in e.offices],
                dtype=np.int64,
            )
            for call_id, e in encoded.items()
        }
        return cls(capacity, columns, office_columns)

    def price_of(self, call_id: str, prices: FloatArray) -> FloatArray:
        """What each candidate of the call costs at ``prices``."""
        offices = self.office_columns[call_id]
        extended = np.append(prices, 0.0)  # index -1: no office with a capacity
        cost: FloatArray = prices[self.columns[call_id]] + extended[offices]
        return cost

    def use(self, encoded: dict[str, EncodedTeam], selections: dict[str, Selection]) -> FloatArray:
        """How much of every resource the selections take."""
        used = np.zeros(len(self.capacity) + 1)
        for call_id, selection in selections.items():
            members = np.asarray(selection.members, dtype=np.int64)
            np.add.at(used, self.columns[call_id][members], 1.0)
            np.add.at(used, self.office_columns[call_id][members], 1.0)
        return used[:-1]  # drop the slot of "no office"


def solve_lagrangian(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    *,
    iterations: int = 30,
    tolerance: float = 1e-3,
    time_limit: float | None = None,
    step_scale: float = 1.0,
    patience: int = 2,
    solve_calls: CallSolves | None = None,
) -> Staffing:
    """Staff the round by Lagrangian decomposition (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
        The round's data (capacities of profiles and offices).
    assembler : TeamAssembler
        Solves one call's team problem; its exact solver makes the bound valid.
    encoded : dict
        Every call's team problem, by call id.
    iterations : int
        Most price updates.
    tolerance : float
        Stop once the relative gap to the bound is at most this.
    time_limit : float, optional
        Stop starting new iterations after this many seconds. ``None``: no limit, so the
        answer is the same on every machine (a time limit makes it depend on speed).
    step_scale : float
        Initial factor of the Polyak step ``scale * (bound - best) / |subgradient|^2``.
    patience : int
        Iterations without a better bound after which the step factor is halved.
    solve_calls : callable, optional
        Solves each iteration's batch of per-call problems exactly, results in input order
        (e.g. in parallel, :mod:`matcher.rounds.parallel`). ``None``: one by one here.

    Returns
    -------
    Staffing
        The best feasible round found, ``method="lagrangian"``, with ``bound`` the proven
        upper bound on the joint objective and ``gap`` the relative distance to it. Calls
        are always solved with the exact solver: the bound needs their true optima.
    """
    started = time.perf_counter()
    if solve_calls is None:
        exact = get_solver("exact", assembler.objective.time_limit)
        solve: CallSolves = lambda problems: [exact.solve(p) for p in problems]  # noqa: E731
    else:
        solve = solve_calls
    calls = sorted(c for c, e in encoded.items() if e.problem.n > 0)
    bonus = staffing_bonus(encoded)
    resources = _Resources.of(dataset, encoded)
    prices = np.zeros(len(resources.capacity))
    best: dict[str, Selection] = {}
    best_value = -np.inf
    bound = np.inf
    stalled = 0
    done = 0
    for _ in range(iterations):
        priced = {
            c: replace(
                encoded[c].problem,
                value=encoded[c].problem.value - resources.price_of(c, prices),
            )
            for c in calls
        }
        relaxed: dict[str, Selection] = {}
        priced_value: dict[str, float] = {}
        slack: dict[str, float] = {}
        for c, selection in zip(calls, solve([priced[c] for c in calls]), strict=True):
            if selection is None:
                continue  # the call's own rules cannot be met: never staffed
            team_value = selection.objective(priced[c])
            value = bonus + team_value
            priced_value[c] = value
            # The per-call MILP stops within HiGHS's relative gap: widen the bound by it.
            slack[c] = MILP_RELATIVE_GAP * abs(team_value)
            if value > 0:
                relaxed[c] = selection
        dual = sum(max(0.0, v + slack[c]) for c, v in priced_value.items()) + float(
            prices @ resources.capacity
        )
        if not np.isfinite(bound) or dual < bound - 1e-9 * max(1.0, abs(bound)):
            bound, stalled = dual, 0
        else:
            stalled += 1
            if stalled >= patience:  # the usual subgradient safeguard: halve the step
                step_scale, stalled = step_scale / 2, 0
        # Repair: calls best priced value first, each on the capacity left, priced values.
        order = sorted(priced_value, key=lambda c: (-priced_value[c], c))
        prices_by_call = {c: priced[c].value for c in order}
        repaired, _ = staff_in_order(dataset, assembler, encoded, order, "exact", prices_by_call)
        value = sum(team_objectives(encoded, repaired).values()) + bonus * len(repaired)
        if value > best_value:
            best, best_value = repaired, value
        done += 1
        gap = (bound - best_value) / max(abs(bound), 1e-9)
        log.debug(
            "iteration %d: bound %.3f, this repair %.3f (%d staffed), best %.3f, gap %.4f, %.1f s",
            done,
            dual,
            value,
            len(repaired),
            best_value,
            gap,
            time.perf_counter() - started,
        )
        out_of_time = time_limit is not None and time.perf_counter() - started > time_limit
        if gap <= tolerance or out_of_time:
            break
        subgradient = resources.capacity - resources.use(encoded, relaxed)
        # Only constraints that are violated or carry a price can move.
        subgradient[(prices <= 0) & (subgradient > 0)] = 0.0
        norm = float(subgradient @ subgradient)
        if norm == 0:
            break  # the relaxation's teams are feasible and priced fairly: optimal
        step = step_scale * (bound - best_value) / norm
        prices = np.maximum(0.0, prices - step * subgradient)
    final_gap = (bound - best_value) / max(abs(bound), 1e-9) if best_value > -np.inf else None
    objective = sum(team_objectives(encoded, best).values())
    return Staffing(
        "lagrangian",
        best,
        {c: "lagrangian" for c in best},
        {},
        objective,
        time.perf_counter() - started,
        gap=None if final_gap is None else max(0.0, float(final_gap)),
        bound=float(bound),
        notes=[
            f"Lagrangian decomposition: {done} iteration(s), joint objective "
            f"{best_value:.3f} of at most {bound:.3f} (bonus {bonus:.2f} per staffed call)"
        ],
    )

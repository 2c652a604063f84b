"""The exact solver: a mixed-integer linear program solved by HiGHS (``scipy.optimize.milp``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import csr_array

from matcher.solvers.base import Selection, TeamProblem, TeamSolver, is_feasible

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: ``scipy.optimize.milp`` statuses: solved to optimality; proven infeasible.
OPTIMAL, LP_INFEASIBLE = 0, 2
#: How far from 0 or 1 an LP value may be and still count as integral (HiGHS's primal
#: feasibility tolerance is 1e-7).
INTEGRAL_TOLERANCE = 1e-6
#: Seconds the MILP gets at least, even when the relaxation used up the time limit.
MIN_TIME_LIMIT = 0.1


@dataclass
class _Rows:
    """Constraint rows collected as coordinate triplets, one block at a time.

    Building the matrix once from triplets instead of stacking a sparse row per group costs
    about 0.5 ms for a 300-candidate call against 13 ms, which was half of a per-call solve.
    """

    rows: list[IntArray] = field(default_factory=list)
    cols: list[IntArray] = field(default_factory=list)
    vals: list[FloatArray] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    count: int = 0

    def add(self, rows: IntArray, cols: IntArray, vals: FloatArray) -> None:
        """Coefficients ``vals`` at (``count + rows``, ``cols``): rows relative to the block."""
        self.rows.append(self.count + rows)
        self.cols.append(cols)
        self.vals.append(vals)

    def close_block(self, size: int, lower: float, upper: float) -> None:
        """End a block of ``size`` rows, each bounded to ``[lower, upper]``."""
        self.lower.extend([lower] * size)
        self.upper.extend([upper] * size)
        self.count += size

    def constraint(self, n_columns: int) -> LinearConstraint:
        matrix = csr_array(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(self.count, n_columns),
        )
        return LinearConstraint(matrix, self.lower, self.upper)


def _ones(size: int) -> FloatArray:
    return np.ones(size, dtype=np.float64)


class MilpSolver(TeamSolver):
    """Optimal team by MILP.

    Variables are ``x`` (member) and ``lead`` per candidate, then one continuous ``y`` per
    column and segment of every saturating term. Constraints: team size bounds, each
    group's bounds, ``sum(lead) == 1`` and ``lead <= x``; pinned candidates have ``x``
    fixed to 1 and candidates who may not lead have ``lead`` fixed to 0. A term's column
    total bounds the sum of its segments (``sum_k y_jk <= sum_i M_ij x_i``); since slopes
    do not increase, the optimum fills the steepest segments first, which is exactly the
    concave gain.

    The linear relaxation is solved first (dual simplex): when its optimal vertex is integral
    it is the MILP's optimum, and the branch and bound never runs. On the synthetic national
    round (300 candidates a call) every call's relaxation was integral and a call took 3.6 ms
    against 19.4 ms for the solver before (``benchmarks/round_staffing.py --compare-solvers``);
    a fractional relaxation costs that one LP more (``benchmarks/team_solvers.py``).
    """

    name = "exact"
    exact = True

    def solve(self, problem: TeamProblem) -> Selection | None:
        n = problem.n
        if n == 0:
            return None
        model = _model(problem)
        started = time.perf_counter()
        relaxed = self._run(model, integral=False, time_limit=self.time_limit)
        if relaxed.status == LP_INFEASIBLE:
            return None  # no fractional team either, so no team at all
        if relaxed.status == OPTIMAL:
            selection = _integral_selection(problem, relaxed.x[: 2 * n])
            if selection is not None:
                return selection
        # The relaxation's time counts against the limit: one problem, one time limit.
        left = max(self.time_limit - (time.perf_counter() - started), MIN_TIME_LIMIT)
        result = self._run(model, integral=True, time_limit=left)
        if result.x is None:
            return None
        chosen = np.flatnonzero(result.x[:n] > 0.5)
        lead = int(np.argmax(result.x[n : 2 * n]))
        return Selection(members=[int(i) for i in chosen], lead=lead)

    def _run(self, model: _Model, *, integral: bool, time_limit: float) -> OptimizeResult:
        """HiGHS on ``model``: the MILP, or its linear relaxation (dual simplex)."""
        integrality = np.zeros(len(model.objective))
        integrality[: 2 * model.n] = 1.0 if integral else 0.0
        # No presolve: on these small models (at most a pool of 500) it costs more than it
        # saves, 31 against 23 ms on the MILPs of a CORDIS round's fractional relaxations.
        options = {"time_limit": time_limit, "disp": False, "presolve": False}
        return milp(
            model.objective,
            constraints=model.constraints,
            bounds=model.bounds,
            integrality=integrality,
            options=options,
        )


@dataclass(frozen=True)
class _Model:
    """One problem's MILP: ``x`` and ``lead`` (the first ``2n`` columns), then ``y``."""

    objective: FloatArray
    constraints: LinearConstraint
    bounds: Bounds
    n: int


def _model(problem: TeamProblem) -> _Model:
    """The MILP of ``problem``: see :class:`MilpSolver` for its variables and rows."""
    n = problem.n
    candidates = np.arange(n, dtype=np.int64)
    zero = np.zeros(n, dtype=np.int64)
    rows = _Rows()
    rows.add(zero, candidates, _ones(n))
    rows.close_block(1, problem.min_size, problem.max_size)
    for group in problem.groups:
        members = np.flatnonzero(group.members).astype(np.int64)
        rows.add(np.zeros_like(members), members, _ones(len(members)))
        rows.close_block(1, group.minimum, np.inf if group.maximum is None else group.maximum)
    rows.add(zero, n + candidates, _ones(n))
    rows.close_block(1, 1, 1)
    # lead_i - x_i <= 0: a lead must be a member.
    rows.add(candidates, candidates, -_ones(n))
    rows.add(candidates, n + candidates, _ones(n))
    rows.close_block(n, -np.inf, 0)
    y_objective: list[FloatArray] = []
    y_upper: list[FloatArray] = []
    column = 2 * n
    for term in problem.terms:
        m, k = term.matrix.shape[1], len(term.widths)
        # Row j: sum_k y_jk - sum_i M_ij x_i <= 0; column j's segments sit at
        # column + j*k ... column + j*k + k - 1.
        takers, parts = np.nonzero(term.matrix)
        rows.add(parts.astype(np.int64), takers.astype(np.int64), -term.matrix[takers, parts])
        segments = np.arange(m * k, dtype=np.int64)
        rows.add(segments // k, column + segments, _ones(m * k))
        rows.close_block(m, -np.inf, 0.0)
        y_objective.append(np.tile(term.weight * np.asarray(term.slopes, dtype=float), m))
        y_upper.append(np.tile(np.asarray(term.widths, dtype=float), m))
        column += m * k
    n_y = column - 2 * n
    return _Model(
        objective=-np.concatenate([problem.value, problem.lead_value, *y_objective]),
        constraints=rows.constraint(column),
        bounds=Bounds(
            np.concatenate([problem.pinned.astype(float), np.zeros(n), np.zeros(n_y)]),
            np.concatenate([_ones(n), problem.lead_allowed.astype(float), *y_upper]),
        ),
        n=n,
    )


def _integral_selection(problem: TeamProblem, x_and_lead: FloatArray) -> Selection | None:
    """The team of an integral LP solution, or ``None`` when the solution is fractional.

    An integral optimum of the linear relaxation is an optimum of the MILP (the relaxation's
    value bounds the MILP's, and this solution is one of the MILP's), so the MILP need not
    run. The rounded team is checked against every constraint, so a solution that is
    integral only within tolerance cannot slip through infeasible.
    """
    rounded = np.rint(x_and_lead)
    if np.abs(x_and_lead - rounded).max(initial=0.0) > INTEGRAL_TOLERANCE:
        return None
    n = problem.n
    members = np.flatnonzero(rounded[:n] > 0.5)
    leads = np.flatnonzero(rounded[n:] > 0.5)
    if len(leads) != 1:
        return None
    selection = Selection(members=[int(i) for i in members], lead=int(leads[0]))
    return selection if is_feasible(problem, selection) else None

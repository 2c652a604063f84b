"""The exact team solver as it was before issue 18's per-call speed-up, frozen for benchmarks.

A copy of :class:`matcher.solvers.milp.MilpSolver` at commit 6fe26f5: it stacks one sparse row
per group and always runs HiGHS's branch and bound, where the solver now builds the matrix from
coordinate triplets and solves the linear relaxation first. ``team_solvers.py`` times both on
the same problems and checks their objectives agree. Not used by the package.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from matcher.solvers.base import Selection, TeamProblem, TeamSolver


class MilpSolver(TeamSolver):
    """Optimal team by MILP.

    Variables are ``x`` (member) and ``lead`` per candidate, then one continuous ``y`` per
    column and segment of every saturating term. Constraints: team size bounds, each
    group's bounds, ``sum(lead) == 1`` and ``lead <= x``; pinned candidates have ``x``
    fixed to 1 and candidates who may not lead have ``lead`` fixed to 0. A term's column
    total bounds the sum of its segments (``sum_k y_jk <= sum_i M_ij x_i``); since slopes
    do not increase, the optimum fills the steepest segments first, which is exactly the
    concave gain.
    """

    name = "exact"
    exact = True

    def solve(self, problem: TeamProblem) -> Selection | None:
        n = problem.n
        if n == 0:
            return None
        segment_columns = [(term, term.matrix.shape[1]) for term in problem.terms]
        n_y = sum(m * len(term.widths) for term, m in segment_columns)
        ones = csr_array(np.ones((1, n)))
        zeros = csr_array((1, n))
        no_y = csr_array((1, n_y))
        rows = [hstack([ones, zeros, no_y])]
        lower: list[float] = [problem.min_size]
        upper: list[float] = [problem.max_size]
        for group in problem.groups:
            rows.append(hstack([csr_array(group.members.astype(float)[None, :]), zeros, no_y]))
            lower.append(group.minimum)
            upper.append(np.inf if group.maximum is None else group.maximum)
        rows.append(hstack([zeros, ones, no_y]))
        lower.append(1)
        upper.append(1)
        # lead_i - x_i <= 0: a lead must be a member.
        rows.append(
            hstack([-identity(n, format="csr"), identity(n, format="csr"), csr_array((n, n_y))])
        )
        lower.extend([-np.inf] * n)
        upper.extend([0] * n)
        y_objective: list[float] = []
        y_upper: list[float] = []
        offset = 0
        for term, m in segment_columns:
            k = len(term.widths)
            # Column j's segments sit at offset + j*k ... offset + j*k + k - 1.
            link = np.zeros((m, n_y))
            for j in range(m):
                link[j, offset + j * k : offset + (j + 1) * k] = 1.0
            rows.append(hstack([csr_array(-term.matrix.T), csr_array((m, n)), csr_array(link)]))
            lower.extend([-np.inf] * m)
            upper.extend([0.0] * m)
            for _ in range(m):
                y_objective.extend(term.weight * s for s in term.slopes)
                y_upper.extend(term.widths)
            offset += m * k
        constraints = LinearConstraint(vstack(rows).tocsr(), lower, upper)
        bounds = Bounds(
            np.concatenate([problem.pinned.astype(float), np.zeros(n), np.zeros(n_y)]),
            np.concatenate([np.ones(n), problem.lead_allowed.astype(float), y_upper]),
        )
        objective = -np.concatenate([problem.value, problem.lead_value, y_objective])
        result = milp(
            objective,
            constraints=constraints,
            bounds=bounds,
            integrality=np.concatenate([np.ones(2 * n), np.zeros(n_y)]),
            options={"time_limit": self.time_limit, "disp": False},
        )
        if result.x is None:
            return None
        chosen = np.flatnonzero(result.x[:n] > 0.5)
        lead = int(np.argmax(result.x[n : 2 * n]))
        return Selection(members=[int(i) for i in chosen], lead=lead)

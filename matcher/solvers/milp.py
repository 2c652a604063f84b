"""The exact solver: a mixed-integer linear program solved by HiGHS (``scipy.optimize.milp``)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from matcher.solvers.base import Selection, TeamProblem, TeamSolver


class MilpSolver(TeamSolver):
    """Optimal team by MILP.

    Variables are ``x`` (member) and ``lead`` per candidate. Constraints: team size bounds,
    each group's bounds, ``sum(lead) == 1`` and ``lead <= x``; pinned candidates have
    ``x`` fixed to 1 and candidates who may not lead have ``lead`` fixed to 0.
    """

    name = "exact"

    def solve(self, problem: TeamProblem) -> Selection | None:
        n = problem.n
        if n == 0:
            return None
        ones = csr_array(np.ones((1, n)))
        zeros = csr_array((1, n))
        rows = [hstack([ones, zeros])]
        lower: list[float] = [problem.min_size]
        upper: list[float] = [problem.max_size]
        for group in problem.groups:
            rows.append(hstack([csr_array(group.members.astype(float)[None, :]), zeros]))
            lower.append(group.minimum)
            upper.append(np.inf if group.maximum is None else group.maximum)
        rows.append(hstack([zeros, ones]))
        lower.append(1)
        upper.append(1)
        # lead_i - x_i <= 0: a lead must be a member.
        rows.append(hstack([-identity(n, format="csr"), identity(n, format="csr")]))
        lower.extend([-np.inf] * n)
        upper.extend([0] * n)
        constraints = LinearConstraint(vstack(rows).tocsr(), lower, upper)
        bounds = Bounds(
            np.concatenate([problem.pinned.astype(float), np.zeros(n)]),
            np.concatenate([np.ones(n), problem.lead_allowed.astype(float)]),
        )
        objective = -np.concatenate([problem.value, problem.lead_value])
        result = milp(
            objective,
            constraints=constraints,
            bounds=bounds,
            integrality=np.ones(2 * n),
            options={"time_limit": self.time_limit, "disp": False},
        )
        if result.x is None:
            return None
        chosen = np.flatnonzero(result.x[:n] > 0.5)
        lead = int(np.argmax(result.x[n:]))
        return Selection(members=[int(i) for i in chosen], lead=lead)

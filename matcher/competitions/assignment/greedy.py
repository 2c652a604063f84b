"""The greedy baseline: the best remaining pair first."""

from __future__ import annotations

import numpy as np

from matcher.competitions.assignment.base import AssignmentSolver
from matcher.competitions.assignment.problem import AssignmentProblem, AssignmentSolution

# Above this many allowed pairs the greedy pass looks at a shortlist per application.
_FULL_PAIRS = 2_000_000


class GreedySolver(AssignmentSolver):
    """Take pairs in decreasing expertise (ties by application, then reviewer index)
    whenever the application still needs a reviewer, the reviewer has load left and the
    diversity rules allow it (an application's last slot goes to an outside reviewer when
    it has none yet).

    A baseline: it ignores minimum loads and can leave an application short where an
    assignment exists; :func:`~matcher.competitions.assignment.assign` reports that.
    """

    name = "greedy"

    def solve(self, problem: AssignmentProblem) -> AssignmentSolution | None:
        full = problem.n_pairs <= _FULL_PAIRS
        edges = problem.edges(None if full else 4 * self._shortlist_size(problem))
        order = np.lexsort((edges.cols, edges.rows, -edges.values))
        need = problem.k.copy()
        load = np.zeros(problem.n_reviewers, dtype=np.int64)
        labels = [labels for labels in (problem.institution, problem.country) if labels is not None]
        taken: list[set[tuple[int, int]]] = [set() for _ in labels]
        has_outside = np.zeros(problem.n_applications, dtype=np.bool_)
        rows: list[int] = []
        cols: list[int] = []
        for e in order.tolist():
            i, j = int(edges.rows[e]), int(edges.cols[e])
            if need[i] == 0 or load[j] >= problem.max_load[j]:
                continue
            if any((i, int(lab[j])) in seen for lab, seen in zip(labels, taken, strict=True)):
                continue
            outside = problem.outside is not None and bool(problem.outside[i, j])
            if problem.outside is not None and need[i] == 1 and not has_outside[i] and not outside:
                continue
            need[i] -= 1
            load[j] += 1
            has_outside[i] |= outside
            for lab, seen in zip(labels, taken, strict=True):
                seen.add((i, int(lab[j])))
            rows.append(i)
            cols.append(j)
        return AssignmentSolution(np.asarray(rows, np.int64), np.asarray(cols, np.int64))

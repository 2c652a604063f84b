"""The encoded assignment problem: arrays only, no ids, no profiles.

The encoder (:mod:`matcher.competitions.assignment.assign`) keeps ids apart from indices and
scores apart from costs; solvers receive an :class:`AssignmentProblem` and return an
:class:`AssignmentSolution`, so the rules stay defined in one place and solvers can be
swapped freely (the layout of :mod:`matcher.solvers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ScoreMatrix = npt.NDArray[np.floating]

# Rows of the score matrix handled at once when shortlisting (bounds the temporary memory).
_CHUNK_ROWS = 512


@dataclass(frozen=True)
class Edges:
    """Candidate (application, reviewer) pairs, sorted by application then reviewer."""

    rows: IntArray
    cols: IntArray
    values: FloatArray

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, keep: BoolArray) -> Edges:
        return Edges(self.rows[keep], self.cols[keep], self.values[keep])


@dataclass(frozen=True)
class AssignmentProblem:
    """Give every application ``k[i]`` reviewers among those ``allowed``.

    Maximise the total of ``scores`` over the chosen pairs (or, for fair solvers, the worst
    application's total first), subject to: each application gets exactly ``k[i]``
    reviewers, all ``allowed`` (conflict-free and in the pool); each reviewer reviews
    between ``min_load[j]`` and ``max_load[j]`` applications; when ``institution`` is
    given, at most one reviewer per institution label on an application (likewise
    ``country``); when ``outside`` is given, every application gets at least one reviewer
    ``j`` with ``outside[i, j]`` (from outside its applicants' countries).

    Attributes
    ----------
    scores : ndarray, shape (n_applications, n_reviewers)
        Expertise of each pair (higher is better).
    allowed : ndarray of bool, same shape
        Pairs that may be assigned.
    k : ndarray of int, shape (n_applications,)
    min_load, max_load : ndarray of int, shape (n_reviewers,)
    institution, country : ndarray of int, shape (n_reviewers,), or None
        A label per reviewer (distinct labels for unknown values); ``None``: no such rule.
    outside : ndarray of bool, shape (n_applications, n_reviewers), or None
    """

    scores: ScoreMatrix
    allowed: BoolMatrix
    k: IntArray
    min_load: IntArray
    max_load: IntArray
    institution: IntArray | None = None
    country: IntArray | None = None
    outside: BoolMatrix | None = None

    @property
    def n_applications(self) -> int:
        return int(self.scores.shape[0])

    @property
    def n_reviewers(self) -> int:
        return int(self.scores.shape[1])

    @property
    def n_pairs(self) -> int:
        """How many pairs are allowed (the size of the exact formulation)."""
        return int(np.count_nonzero(self.allowed))

    @property
    def has_diversity(self) -> bool:
        return self.institution is not None or self.country is not None or self.outside is not None

    def edges(self, shortlist: int | None = None) -> Edges:
        """The allowed pairs: all of them, or per application its ``shortlist`` best plus,
        per reviewer, its best applications (twice the largest maximum load, so that loads
        stay satisfiable) and, where the outside rule applies, the best ``shortlist``
        outside reviewers."""
        if shortlist is None or shortlist >= self.n_reviewers:
            rows, cols = np.nonzero(self.allowed)
            return self._edges(rows.astype(np.int64), cols.astype(np.int64))
        chosen = [self._top_per_row(self.allowed, shortlist)]
        if self.outside is not None:
            chosen.append(self._top_per_row(self.allowed & self.outside, shortlist))
        # Every reviewer keeps its best applications too (twice its maximum load): without
        # them, crowded topics leave popular reviewers on every shortlist and the others
        # on none, and the shortlist has no assignment although the full graph has one.
        need = int(2 * self.max_load.max()) if len(self.max_load) else 0
        if need > 0:
            chosen.append(self._top_per_column(need))
        stacked = np.concatenate(chosen, axis=1)
        keys = np.unique(stacked[0] * self.n_reviewers + stacked[1])
        return self._edges(keys // self.n_reviewers, keys % self.n_reviewers)

    def best_among(
        self, reviewers: BoolArray, m: int, applications: IntArray | None = None
    ) -> tuple[IntArray, IntArray]:
        """Per application (or per one of ``applications``), its ``m`` best allowed pairs
        among ``reviewers`` (a mask)."""
        if applications is None:
            pairs = self._top_per_row(self.allowed & reviewers[None, :], max(1, m))
            return pairs[0], pairs[1]
        sub = AssignmentProblem(
            scores=self.scores[applications],
            allowed=self.allowed[applications] & reviewers[None, :],
            k=self.k[applications],
            min_load=self.min_load,
            max_load=self.max_load,
        )
        pairs = sub._top_per_row(sub.allowed, max(1, m))
        return applications[pairs[0]], pairs[1]

    def with_pairs(self, edges: Edges, rows: IntArray, cols: IntArray) -> Edges:
        """``edges`` and the pairs ``(rows, cols)`` together (each pair once)."""
        keys = np.unique(
            np.concatenate(
                [edges.rows * self.n_reviewers + edges.cols, rows * self.n_reviewers + cols]
            )
        )
        return self._edges(keys // self.n_reviewers, keys % self.n_reviewers)

    def _edges(self, rows: IntArray, cols: IntArray) -> Edges:
        order = np.lexsort((cols, rows))
        rows, cols = rows[order], cols[order]
        values = np.asarray(self.scores[rows, cols], dtype=np.float64)
        return Edges(rows, cols, np.nan_to_num(values))

    def _top_per_row(self, mask: BoolMatrix, m: int) -> IntArray:
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        for start in range(0, self.n_applications, _CHUNK_ROWS):
            stop = min(self.n_applications, start + _CHUNK_ROWS)
            block = np.where(mask[start:stop], self.scores[start:stop], -np.inf)
            top = np.argpartition(-block, m - 1, axis=1)[:, :m]
            taken = np.take_along_axis(block, top, axis=1)
            r, c = np.nonzero(np.isfinite(taken))
            rows.append(r + start)
            cols.append(top[r, c])
        return np.vstack([np.concatenate(rows), np.concatenate(cols)]).astype(np.int64)

    def _top_per_column(self, m: int) -> IntArray:
        m = min(m, self.n_applications)
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        for start in range(0, self.n_reviewers, _CHUNK_ROWS):
            stop = min(self.n_reviewers, start + _CHUNK_ROWS)
            block = np.where(self.allowed[:, start:stop], self.scores[:, start:stop], -np.inf).T
            top = np.argpartition(-block, m - 1, axis=1)[:, :m]
            taken = np.take_along_axis(block, top, axis=1)
            c, r = np.nonzero(np.isfinite(taken))
            rows.append(top[c, r])
            cols.append(c + start)
        return np.vstack([np.concatenate(rows), np.concatenate(cols)]).astype(np.int64)


@dataclass(frozen=True)
class AssignmentSolution:
    """Chosen pairs (application index, reviewer index), and whether the solver proved
    them optimal for its objective."""

    rows: IntArray
    cols: IntArray
    optimal: bool = False

    def reviewers_of(self, n_applications: int) -> list[list[int]]:
        chosen: list[list[int]] = [[] for _ in range(n_applications)]
        for i, j in zip(self.rows.tolist(), self.cols.tolist(), strict=True):
            chosen[i].append(j)
        return chosen


def application_totals(problem: AssignmentProblem, solution: AssignmentSolution) -> FloatArray:
    """Each application's total expertise under ``solution``."""
    values = np.nan_to_num(np.asarray(problem.scores[solution.rows, solution.cols], np.float64))
    totals = np.bincount(solution.rows, weights=values, minlength=problem.n_applications)
    return np.asarray(totals, dtype=np.float64)


def violations(problem: AssignmentProblem, solution: AssignmentSolution) -> list[str]:
    """Every rule ``solution`` breaks, in words (empty: feasible)."""
    found: list[str] = []
    rows, cols = solution.rows, solution.cols
    keys = rows * max(problem.n_reviewers, 1) + cols
    if len(np.unique(keys)) != len(keys):
        found.append("a reviewer is assigned twice to one application")
    if len(rows) and not problem.allowed[rows, cols].all():
        found.append("a pair that is not allowed (conflict or outside the pool) is assigned")
    counts = np.bincount(rows, minlength=problem.n_applications)
    for i in np.flatnonzero(counts != problem.k).tolist():
        found.append(f"application {i} has {counts[i]} reviewers, not {problem.k[i]}")
    loads = np.bincount(cols, minlength=problem.n_reviewers)
    for j in np.flatnonzero((loads < problem.min_load) | (loads > problem.max_load)).tolist():
        found.append(
            f"reviewer {j} has load {loads[j]}, "
            f"outside {problem.min_load[j]}..{problem.max_load[j]}"
        )
    for name, labels in (("institution", problem.institution), ("country", problem.country)):
        if labels is not None and len(rows):
            pair = rows * (int(labels.max()) + 1) + labels[cols]
            if len(np.unique(pair)) != len(pair):
                found.append(f"two reviewers of one {name} on an application")
    if problem.outside is not None:
        has = np.bincount(rows, weights=problem.outside[rows, cols], minlength=len(counts))
        for i in np.flatnonzero(has < 1).tolist():
            found.append(f"application {i} has no reviewer from outside its countries")
    return found


def floor_bound(problem: AssignmentProblem, edges: Edges) -> float:
    """An upper bound on the worst application's total: the smallest, over applications,
    of the sum of its ``k`` best candidates (``inf`` without applications)."""
    if problem.n_applications == 0:
        return float("inf")
    order = np.lexsort((-edges.values, edges.rows))
    ordered_rows = edges.rows[order]
    starts = np.searchsorted(ordered_rows, np.arange(problem.n_applications))
    ends = np.searchsorted(ordered_rows, np.arange(problem.n_applications), side="right")
    bound = np.inf
    for i in range(problem.n_applications):
        top = edges.values[order[starts[i] : ends[i]]][: int(problem.k[i])]
        bound = min(bound, float(top.sum()))
    return float(bound)

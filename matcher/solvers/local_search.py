"""The fast solver: greedy construction, then best-improvement local search.

Every move is checked against the constraints before it is taken, so the solver only ever
holds feasible teams once construction is done: a team it returns never breaks a rule.
Construction can fail on a tightly constrained pool (it may not find a team that exists);
it then returns ``None`` and the caller confirms with the exact solver, so infeasibility is
only ever reported when the exact solver proves it.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from matcher.solvers.base import FloatArray, Selection, TeamProblem, TeamSolver

_EPS = 1e-9
_NEG = -np.inf


class _State:
    """A set of chosen candidates with its group counts and term column totals."""

    def __init__(self, problem: TeamProblem) -> None:
        self.problem = problem
        n = problem.n
        self.chosen = np.zeros(n, dtype=bool)
        groups = problem.groups
        self.group_matrix = (
            np.vstack([g.members for g in groups]) if groups else np.zeros((0, n), dtype=bool)
        )
        self.group_min = np.asarray([g.minimum for g in groups], dtype=np.int64)
        self.group_max = np.asarray(
            [np.iinfo(np.int64).max if g.maximum is None else g.maximum for g in groups],
            dtype=np.int64,
        )
        self.counts = np.zeros(len(groups), dtype=np.int64)
        self.totals = [np.zeros(t.matrix.shape[1]) for t in problem.terms]
        self.lead_scores = np.where(problem.lead_allowed, problem.lead_value, _NEG)

    @property
    def size(self) -> int:
        return int(self.chosen.sum())

    def members(self) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.chosen)]

    def add(self, i: int) -> None:
        self.chosen[i] = True
        self.counts += self.group_matrix[:, i]
        for totals, term in zip(self.totals, self.problem.terms, strict=True):
            totals += term.matrix[i]

    def remove(self, i: int) -> None:
        self.chosen[i] = False
        self.counts -= self.group_matrix[:, i]
        for totals, term in zip(self.totals, self.problem.terms, strict=True):
            totals -= term.matrix[i]

    def best_lead(self, exclude: int | None = None) -> float:
        scores = np.where(self.chosen, self.lead_scores, _NEG)
        if exclude is not None:
            scores[exclude] = _NEG
        return float(scores.max()) if len(scores) else _NEG

    def objective(self) -> float:
        if not self.chosen.any():
            return _NEG
        members = self.members()
        value = float(self.problem.value[members].sum()) + self.best_lead()
        for totals, term in zip(self.totals, self.problem.terms, strict=True):
            value += term.gain(totals)
        return value

    # -- vectorised move evaluation --------------------------------------------------------

    def term_deltas(self, base: list[FloatArray], sign: float = 1.0) -> FloatArray:
        """Per candidate, the change of all terms when its row is added to ``base``."""
        delta = np.zeros(self.problem.n)
        for totals, term in zip(base, self.problem.terms, strict=True):
            before = term.gain(totals)
            delta += _row_gains(term.widths, term.slopes, term.weight, totals + sign * term.matrix)
            delta -= before
        return delta

    def addable(self, counts: npt.NDArray[np.int64], size: int) -> npt.NDArray[np.bool_]:
        """Candidates not chosen whose addition keeps every maximum (given counts, size)."""
        if size >= self.problem.max_size:
            return np.zeros(self.problem.n, dtype=bool)
        full = counts >= self.group_max
        blocked = self.group_matrix[full].any(axis=0)
        return ~self.chosen & ~blocked


def _row_gains(
    widths: tuple[float, ...], slopes: tuple[float, ...], weight: float, totals: FloatArray
) -> FloatArray:
    """``weight * sum_j g(totals[r, j])`` for every row ``r``."""
    value = np.zeros(totals.shape[0])
    start = 0.0
    for width, slope in zip(widths, slopes, strict=True):
        value += slope * np.clip(totals - start, 0.0, width).sum(axis=1)
        start += width
    return weight * value


class LocalSearchSolver(TeamSolver):
    """Greedy construction and swap/add/remove local search.

    Parameters
    ----------
    time_limit : float
        Seconds the local search may run.
    restarts : int
        Extra constructions, each forbidding one member of the best team so far as a
        starting point, to escape the greedy's first choice.
    """

    name = "fast"
    exact = False

    def __init__(self, time_limit: float = 30.0, restarts: int = 3) -> None:
        super().__init__(time_limit)
        self.restarts = restarts

    def solve(self, problem: TeamProblem) -> Selection | None:
        if problem.n == 0:
            return None
        deadline = time.monotonic() + self.time_limit
        best = self._run(problem, forbidden=None, deadline=deadline)
        if best is None:
            return None
        best_value = best.objective()
        first_members = [i for i in best.members() if not problem.pinned[i]]
        ranked = sorted(first_members, key=lambda i: -problem.value[i])
        for forbidden in ranked[: self.restarts]:
            if time.monotonic() > deadline:
                break
            state = self._run(problem, forbidden=forbidden, deadline=deadline)
            if state is not None and state.objective() > best_value + _EPS:
                best, best_value = state, state.objective()
        return self._selection(best)

    def _run(self, problem: TeamProblem, forbidden: int | None, deadline: float) -> _State | None:
        state = _State(problem)
        if not self._construct(state, forbidden):
            return None
        self._improve(state, deadline)
        return state

    @staticmethod
    def _selection(state: _State) -> Selection:
        members = state.members()
        scores = np.where(state.chosen, state.lead_scores, _NEG)
        return Selection(members=members, lead=int(np.argmax(scores)))

    # -- construction ----------------------------------------------------------------------

    def _marginal(self, state: _State) -> FloatArray:
        """Objective change of adding each candidate (lead bonus included)."""
        gain = state.problem.value + state.term_deltas(state.totals)
        current_lead = state.best_lead()
        lead_gain = np.maximum(state.lead_scores - max(current_lead, 0.0), 0.0)
        if current_lead == _NEG:
            lead_gain = np.where(np.isfinite(state.lead_scores), state.lead_scores, 0.0)
        return gain + lead_gain

    def _add_best(self, state: _State, allowed: npt.NDArray[np.bool_]) -> bool:
        options = allowed & state.addable(state.counts, state.size)
        if not options.any():
            return False
        gains = np.where(options, self._marginal(state), _NEG)
        state.add(int(np.argmax(gains)))
        return True

    def _construct(self, state: _State, forbidden: int | None) -> bool:
        problem = state.problem
        allowed = np.ones(problem.n, dtype=bool)
        if forbidden is not None:
            allowed[forbidden] = False
        for i in np.flatnonzero(problem.pinned):
            state.add(int(i))
        if (state.counts > state.group_max).any() or state.size > problem.max_size:
            return False
        # Meet the scarcest minimums first: they leave the fewest choices.
        while True:
            deficit = state.counts < state.group_min
            if not deficit.any():
                break
            addable = state.addable(state.counts, state.size) & allowed
            supply = (state.group_matrix[deficit] & addable).sum(axis=1)
            scarcest = np.flatnonzero(deficit)[int(np.argmin(supply))]
            if not self._add_best(state, allowed & state.group_matrix[scarcest]):
                return False
        if state.best_lead() == _NEG and not self._add_best(state, allowed & problem.lead_allowed):
            return False
        while state.size < problem.min_size:
            if not self._add_best(state, allowed):
                return False
        while state.size < problem.max_size:
            options = allowed & state.addable(state.counts, state.size)
            if not options.any():
                break
            gains = np.where(options, self._marginal(state), _NEG)
            if gains.max() <= _EPS:
                break
            state.add(int(np.argmax(gains)))
        return True

    # -- local search ----------------------------------------------------------------------

    def _improve(self, state: _State, deadline: float) -> None:
        current = state.objective()
        while time.monotonic() < deadline:
            move = self._best_move(state, current)
            if move is None:
                return
            out, into, value = move
            if out is not None:
                state.remove(out)
            if into is not None:
                state.add(into)
            current = value

    def _best_move(
        self, state: _State, current: float
    ) -> tuple[int | None, int | None, float] | None:
        problem = state.problem
        best: tuple[int | None, int | None, float] | None = None
        best_value = current + _EPS
        size = state.size
        members = state.members()
        # Add one.
        if size < problem.max_size:
            gains = np.where(state.addable(state.counts, size), self._marginal(state), _NEG)
            if gains.max() + current > best_value:
                into = int(np.argmax(gains))
                best, best_value = (
                    (None, into, current + float(gains[into])),
                    current + float(gains[into]),
                )
        base_value = float(problem.value[members].sum())
        for out in members:
            if problem.pinned[out]:
                continue
            counts = state.counts - state.group_matrix[:, out]
            at_min = state.group_matrix[:, out] & (state.counts <= state.group_min)
            totals = [
                t - term.matrix[out] for t, term in zip(state.totals, problem.terms, strict=True)
            ]
            lead_without = state.best_lead(exclude=out)
            terms_without = sum(term.gain(t) for t, term in zip(totals, problem.terms, strict=True))
            # Remove one.
            if size > problem.min_size and not at_min.any() and lead_without > _NEG:
                value = base_value - problem.value[out] + lead_without + terms_without
                if value > best_value:
                    best, best_value = (out, None, value), value
            # Swap one for one.
            state.chosen[out] = False
            addable = state.addable(counts, size - 1)
            state.chosen[out] = True
            addable[out] = False
            if at_min.any():
                addable &= state.group_matrix[at_min].all(axis=0)
            if not addable.any():
                continue
            lead = np.maximum(lead_without, state.lead_scores)
            swap_terms = terms_without + _swap_term_deltas(problem, totals)
            values = base_value - problem.value[out] + problem.value + lead + swap_terms
            values = np.where(addable & np.isfinite(lead), values, _NEG)
            into = int(np.argmax(values))
            if values[into] > best_value:
                best, best_value = (out, into, float(values[into])), float(values[into])
        return best


def _swap_term_deltas(problem: TeamProblem, totals: list[FloatArray]) -> FloatArray:
    """Per candidate, the gain of all terms once its row is added to ``totals``, minus
    their value at ``totals``."""
    delta = np.zeros(problem.n)
    for base, term in zip(totals, problem.terms, strict=True):
        delta += _row_gains(term.widths, term.slopes, term.weight, base + term.matrix)
        delta -= term.gain(base)
    return delta

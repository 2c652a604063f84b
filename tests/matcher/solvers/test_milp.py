"""The exact solver against enumeration, on both of its paths (relaxation first, then MILP)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import milp

import matcher.solvers.milp as milp_module
from matcher.solvers import GroupBound, MilpSolver, SaturatingTerm, Selection, TeamProblem
from matcher.solvers.base import is_feasible


def brute_force(problem: TeamProblem) -> float | None:
    """The best objective over every team and lead (tiny problems only)."""
    best: float | None = None
    for size in range(problem.min_size, problem.max_size + 1):
        for members in itertools.combinations(range(problem.n), size):
            for lead in members:
                selection = Selection(members=list(members), lead=lead)
                if is_feasible(problem, selection):
                    value = selection.objective(problem)
                    best = value if best is None or value > best else best
    return best


@st.composite
def problems(draw: st.DrawFn) -> TeamProblem:
    n = draw(st.integers(1, 7))
    values = st.floats(-1.0, 1.0, allow_nan=False, width=32)
    value = np.asarray(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.float64)
    lead_value = np.asarray(
        draw(st.lists(st.floats(0.0, 0.5, width=32), min_size=n, max_size=n)), dtype=np.float64
    )
    flags = st.lists(st.booleans(), min_size=n, max_size=n)
    lead_allowed = np.asarray(draw(flags), dtype=bool)
    pinned = np.asarray(draw(flags), dtype=bool) & (draw(st.integers(0, 3)) == 0)
    min_size = draw(st.integers(1, n))
    max_size = draw(st.integers(min_size, n))
    groups = []
    for k in range(draw(st.integers(0, 4))):
        members = np.asarray(draw(flags), dtype=bool)
        minimum = draw(st.integers(0, 2))
        maximum = draw(st.one_of(st.none(), st.integers(minimum, 3)))
        groups.append(GroupBound(f"g{k}", members, minimum, maximum))
    terms = []
    if draw(st.booleans()):
        columns = draw(st.integers(1, 3))
        matrix = np.asarray(
            draw(
                st.lists(
                    st.sampled_from([0.0, 0.5, 1.0]), min_size=n * columns, max_size=n * columns
                )
            ),
            dtype=np.float64,
        ).reshape(n, columns)
        terms.append(SaturatingTerm("coverage", matrix, 0.7, (1.0, 1.0), (1.0, 0.4)))
    return TeamProblem(
        value, lead_value, lead_allowed, pinned, min_size, max_size, groups=groups, terms=terms
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_exact_solver_finds_the_enumerated_optimum(problem: TeamProblem) -> None:
    optimum = brute_force(problem)
    selection = MilpSolver().solve(problem)
    if optimum is None:
        assert selection is None
        return
    assert selection is not None
    assert is_feasible(problem, selection)
    assert selection.objective(problem) == pytest.approx(optimum, abs=1e-6)


def _counting_milp(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for every HiGHS run, whether it had integer variables."""
    runs: list[bool] = []

    def counting(*args: Any, integrality: np.ndarray, **kwargs: Any) -> Any:
        runs.append(bool(integrality.any()))
        return milp(*args, integrality=integrality, **kwargs)

    monkeypatch.setattr(milp_module, "milp", counting)
    return runs


def test_a_fractional_relaxation_falls_back_to_the_milp(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three candidates, any two of them in a group of at most one: the relaxation takes
    # half of each (value 1.5), the best team is one candidate (value 1).
    n = 3
    pairs = [
        GroupBound(f"pair {a}{b}", np.isin(np.arange(n), [a, b]), 0, 1)
        for a, b in itertools.combinations(range(n), 2)
    ]
    problem = TeamProblem(
        value=np.array([1.0, 1.0, 1.0]),
        lead_value=np.zeros(n),
        lead_allowed=np.ones(n, dtype=bool),
        pinned=np.zeros(n, dtype=bool),
        min_size=1,
        max_size=3,
        groups=pairs,
    )
    runs = _counting_milp(monkeypatch)
    selection = MilpSolver().solve(problem)
    assert runs == [False, True]
    assert selection is not None and len(selection.members) == 1
    assert selection.objective(problem) == pytest.approx(1.0)


def test_an_integral_relaxation_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = TeamProblem(
        value=np.array([0.9, 0.2, -0.3, 0.5]),
        lead_value=np.array([0.0, 0.3, 0.0, 0.1]),
        lead_allowed=np.ones(4, dtype=bool),
        pinned=np.zeros(4, dtype=bool),
        min_size=2,
        max_size=3,
    )
    runs = _counting_milp(monkeypatch)
    selection = MilpSolver().solve(problem)
    assert runs == [False]
    assert selection == Selection(members=[0, 1, 3], lead=1)


def test_an_infeasible_relaxation_means_no_team(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = TeamProblem(
        value=np.ones(3),
        lead_value=np.zeros(3),
        lead_allowed=np.ones(3, dtype=bool),
        pinned=np.zeros(3, dtype=bool),
        min_size=1,
        max_size=3,
        groups=[GroupBound("needs four", np.ones(3, dtype=bool), 4, None)],
    )
    runs = _counting_milp(monkeypatch)
    assert MilpSolver().solve(problem) is None
    assert runs == [False]

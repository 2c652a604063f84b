"""Assignment solvers against brute force on small random instances.

Every instance is solved by enumerating every assignment: the exact solver must reach the
optimum total, the fair one the best worst case (then the best total among those), every
solver must keep every rule, and "no assignment" must be said exactly when none exists.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.competitions.assignment import (
    SOLVERS,
    AssignmentProblem,
    application_totals,
    choose_solver,
    get_solver,
    solve_problem,
    violations,
)


@dataclass(frozen=True)
class Optimum:
    total: float
    worst: float  # best worst-served application's total
    total_at_worst: float  # best total among assignments with that worst case


@st.composite
def problems(draw: st.DrawFn) -> AssignmentProblem:
    n_app = draw(st.integers(1, 3))
    n_rev = draw(st.integers(2, 6))
    k = draw(st.integers(1, 2))
    cells = n_app * n_rev
    scores = np.asarray(
        draw(st.lists(st.integers(0, 20), min_size=cells, max_size=cells)), np.float32
    ).reshape(n_app, n_rev) / np.float32(20)
    allowed = np.asarray(
        draw(st.lists(st.booleans(), min_size=cells, max_size=cells)), np.bool_
    ).reshape(n_app, n_rev) | draw(st.booleans())
    min_load = draw(st.integers(0, 1))
    max_load = draw(st.integers(max(1, min_load), 3))
    labels = st.lists(st.integers(0, 2), min_size=n_rev, max_size=n_rev)
    institution = draw(st.none() | labels)
    country = draw(st.none() | labels)
    outside = draw(st.none() | st.lists(st.booleans(), min_size=cells, max_size=cells))
    return AssignmentProblem(
        scores=scores,
        allowed=allowed,
        k=np.full(n_app, k, dtype=np.int64),
        min_load=np.full(n_rev, min_load, dtype=np.int64),
        max_load=np.full(n_rev, max_load, dtype=np.int64),
        institution=None if institution is None else np.asarray(institution, np.int64),
        country=None if country is None else np.asarray(country, np.int64),
        outside=None if outside is None else np.asarray(outside, np.bool_).reshape(n_app, n_rev),
    )


def brute_force(problem: AssignmentProblem) -> Optimum | None:
    """Enumerate every assignment meeting every rule (``None``: there is none)."""
    options = []
    for i in range(problem.n_applications):
        allowed = np.flatnonzero(problem.allowed[i]).tolist()
        options.append(list(itertools.combinations(allowed, int(problem.k[i]))))
    best: Optimum | None = None
    for choice in itertools.product(*options):
        load = np.zeros(problem.n_reviewers, dtype=np.int64)
        ok = True
        totals = []
        for i, reviewers in enumerate(choice):
            load[list(reviewers)] += 1
            for labels in (problem.institution, problem.country):
                if labels is not None and len(set(labels[list(reviewers)])) < len(reviewers):
                    ok = False
            if problem.outside is not None and not problem.outside[i, list(reviewers)].any():
                ok = False
            totals.append(sum(float(problem.scores[i, j]) for j in reviewers))
        if not ok or (load < problem.min_load).any() or (load > problem.max_load).any():
            continue
        total, worst = sum(totals), min(totals)
        if best is None:
            best = Optimum(total, worst, total)
            continue
        at_worst = best.total_at_worst
        if worst > best.worst + 1e-6:  # float32 sums tie within rounding
            at_worst = total
        elif abs(worst - best.worst) <= 1e-6:
            at_worst = max(at_worst, total)
        best = Optimum(max(best.total, total), max(best.worst, worst), at_worst)
    return best


@settings(max_examples=150, deadline=None)
@given(problems())
def test_exact_and_fair_match_brute_force_and_every_solver_keeps_the_rules(
    problem: AssignmentProblem,
) -> None:
    optimum = brute_force(problem)
    results = {name: solve_problem(problem, name) for name in SOLVERS}
    for name, (solution, reasons) in results.items():
        # Conflicts and pools hold even in a partial answer.
        assert problem.allowed[solution.rows, solution.cols].all(), name
        if not reasons:
            assert violations(problem, solution) == [], name
        if optimum is None:
            assert reasons, f"{name} claims an assignment where none exists"
        elif name != "greedy":  # the baseline may fail where an assignment exists
            assert not reasons, f"{name} found none where one exists: {reasons}"
    if optimum is None:
        return
    exact, _ = results["exact"]
    exact_totals = application_totals(problem, exact)
    assert exact_totals.sum() == pytest.approx(optimum.total, abs=1e-5)
    fair, _ = results["minmax"]
    fair_totals = application_totals(problem, fair)
    assert fair_totals.min() == pytest.approx(optimum.worst, abs=1e-4)
    assert fair_totals.sum() == pytest.approx(optimum.total_at_worst, abs=1e-4)
    for name in ("minmax", "fairflow"):
        totals = application_totals(problem, results[name][0])
        assert totals.min() >= exact_totals.min() - 1e-6, name
    for name in ("fast", "fairflow", "greedy", "random"):
        solution, reasons = results[name]
        if not reasons:  # a complete answer is one of the assignments enumerated
            assert application_totals(problem, solution).sum() <= optimum.total + 1e-5, name


def _instance(seed: int, n_app: int = 30, n_rev: int = 40) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        scores=rng.random((n_app, n_rev), dtype=np.float32),
        allowed=rng.random((n_app, n_rev)) > 0.2,
        k=np.full(n_app, 3, dtype=np.int64),
        min_load=np.ones(n_rev, dtype=np.int64),
        max_load=np.full(n_rev, 4, dtype=np.int64),
        institution=rng.integers(0, 15, n_rev),
        outside=rng.random((n_app, n_rev)) > 0.5,
    )


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_solvers_repeat_exactly(name: str) -> None:
    problem = _instance(3)
    first, _ = solve_problem(problem, name, seed=5)
    again, _ = solve_problem(problem, name, seed=5)
    assert first.rows.tolist() == again.rows.tolist()
    assert first.cols.tolist() == again.cols.tolist()


def test_the_random_solver_depends_on_its_seed_and_is_feasible() -> None:
    problem = _instance(4)
    one, reasons_one = solve_problem(problem, "random", seed=1)
    two, reasons_two = solve_problem(problem, "random", seed=2)
    assert reasons_one == reasons_two == []
    assert set(zip(one.rows.tolist(), one.cols.tolist(), strict=True)) != set(
        zip(two.rows.tolist(), two.cols.tolist(), strict=True)
    )
    exact, _ = solve_problem(problem, "exact")
    assert application_totals(problem, one).sum() < application_totals(problem, exact).sum()


def test_the_shortlist_solver_matches_the_exact_one_on_a_medium_instance() -> None:
    problem = _instance(5, n_app=60, n_rev=90)
    exact, _ = solve_problem(problem, "exact")
    fast = get_solver("fast", shortlist=12).solve(problem)
    assert fast is not None
    assert violations(problem, fast) == []
    ratio = application_totals(problem, fast).sum() / application_totals(problem, exact).sum()
    assert 0.99 <= ratio <= 1.0 + 1e-9


def test_infeasibility_is_explained_per_application_and_globally() -> None:
    problem = AssignmentProblem(
        scores=np.ones((2, 3), dtype=np.float32),
        allowed=np.array([[True, False, False], [True, True, True]]),
        k=np.array([2, 2]),
        min_load=np.zeros(3, dtype=np.int64),
        max_load=np.ones(3, dtype=np.int64),
    )
    solution, reasons = solve_problem(problem, "exact")
    rules = {(r.application, r.rule) for r in reasons}
    assert (0, "pool") in rules
    assert (None, "capacity") in rules  # 4 reviews needed, 3 at most
    assert problem.allowed[solution.rows, solution.cols].all()
    assert len(solution.rows) == 3  # the partial answer serves as many as the loads allow


def test_a_joint_shortage_is_explained_when_each_application_alone_is_fine() -> None:
    problem = AssignmentProblem(
        scores=np.ones((3, 3), dtype=np.float32),
        allowed=np.array([[True, True, False], [True, True, False], [True, True, True]]),
        k=np.array([2, 2, 1]),
        min_load=np.zeros(3, dtype=np.int64),
        max_load=np.array([1, 1, 5]),
    )
    _, reasons = solve_problem(problem, "exact")
    assert [r.rule for r in reasons] == ["joint"]


def test_auto_chooses_by_size_and_objective() -> None:
    problem = _instance(6)
    assert choose_solver("auto", problem) == "exact"
    assert choose_solver("auto", problem, "fair") == "minmax"
    assert choose_solver("greedy", problem, "fair") == "greedy"
    with pytest.raises(ValueError, match="unknown assignment solver 'best'"):
        choose_solver("best", problem)


def test_running_out_of_time_is_not_called_infeasible(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS stopped by the time limit without an answer proves nothing."""
    from matcher.competitions.assignment import exact

    monkeypatch.setattr(exact, "solve_binary", lambda *args, **kwargs: (None, False))
    _, reasons = solve_problem(_instance(7), "exact", time_limit=5)
    assert [r.rule for r in reasons] == ["time_limit"]
    assert "ran out of time (5 s)" in reasons[0].message

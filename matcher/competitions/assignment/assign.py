"""Expert assignment for a grant competition: ids in, ids out.

The encoder layer: it turns applications, the expert pool, conflicts of interest, expertise
and a call's :class:`~matcher.model.ReviewSettings` into an
:class:`~matcher.competitions.assignment.problem.AssignmentProblem` (indices and arrays),
runs a solver from the registry, and turns the answer back into ids, with the reasons
when no assignment exists.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matcher.competitions.assignment.base import chosen
from matcher.competitions.assignment.explain import Shortfall, joint_reason, shortfalls
from matcher.competitions.assignment.formulation import constraint_rows, solve_binary
from matcher.competitions.assignment.problem import (
    AssignmentProblem,
    AssignmentSolution,
    BoolMatrix,
    IntArray,
    application_totals,
    violations,
)
from matcher.competitions.assignment.registry import (
    AUTO_EXACT_PAIRS,
    SOLVERS,
    choose_solver,
    get_solver,
)
from matcher.competitions.conflicts import ConflictIndex, find_conflicts
from matcher.competitions.expertise import Expertise, expertise_matrix
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.model import Application, ReviewSettings

# In a partial assignment (no full one exists) every assigned pair is worth this much
# more than its expertise: as many reviews as possible first, then the most expertise.
_COVERAGE_BONUS = 10.0


@dataclass
class Assignment:
    """Reviewers for every application of a competition.

    Attributes
    ----------
    call_id : str or None
        The call whose review settings were used.
    solver : str
        The solver that produced it (``auto`` resolved).
    pairs : dict
        Application id to its reviewer ids, best expertise first.
    expertise : dict
        ``(application_id, reviewer_id)`` to the pair's expertise.
    loads : dict
        Reviewer id to the number of applications (every reviewer of the pool, 0 included).
    total : float
        Sum of the assigned pairs' expertise.
    minimum : float
        The worst-served application's sum.
    infeasible : list of str
        Why applications cannot get ``k`` conflict-free reviewers (each message starts with
        the application id), and reasons for the competition as a whole; empty when every
        application got its reviewers under every rule. When not empty, :attr:`pairs` is
        the best partial assignment (as many reviews as possible, then most expertise).
    optimal : bool
        Whether the solver proved the assignment optimal for its objective.
    seconds : float
        Time the solver took.
    k : int
        Reviewers asked for per application.
    infeasible_applications : list of str
        The applications named in :attr:`infeasible`.
    conflicts : ConflictIndex
        Every conflict between the pool and the applications, with reasons (to show why a
        reviewer was left out).
    scores : Expertise
        The expertise matrix; ``scores.evidence(application_id, reviewer_id)`` gives the
        publications behind a pair.
    """

    call_id: str | None
    solver: str
    pairs: dict[str, list[str]]
    expertise: dict[tuple[str, str], float]
    loads: dict[str, int]
    total: float
    minimum: float
    infeasible: list[str]
    optimal: bool = False
    seconds: float = 0.0
    k: int = 0
    infeasible_applications: list[str] = field(default_factory=list)
    conflicts: ConflictIndex | None = field(default=None, repr=False)
    scores: Expertise | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        """Whether every application got its reviewers under every rule."""
        return not self.infeasible

    def load_spread(self) -> tuple[int, int]:
        """The smallest and largest load among the pool's reviewers."""
        values = list(self.loads.values()) or [0]
        return min(values), max(values)

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per assigned pair (for CSV): application, reviewer, rank, expertise."""
        rows = []
        for application_id, reviewers in self.pairs.items():
            for rank, reviewer_id in enumerate(reviewers, start=1):
                rows.append(
                    {
                        "application_id": application_id,
                        "reviewer_id": reviewer_id,
                        "rank": rank,
                        "expertise": round(self.expertise[(application_id, reviewer_id)], 4),
                    }
                )
        return rows


def reviewer_pool(dataset: Dataset, settings: ReviewSettings) -> list[str]:
    """The candidate reviewers: profiles marked expert, or everyone when the call does
    not ask for experts only."""
    if settings.experts_only:
        return [p.id for p in dataset.profiles if p.expert]
    return [p.id for p in dataset.profiles]


def _labels(values: Sequence[str | None]) -> IntArray:
    """An integer label per value; each unknown value gets a label of its own."""
    codes: dict[str, int] = {}
    labels = np.empty(len(values), dtype=np.int64)
    unknown = len(set(v for v in values if v is not None))
    for position, value in enumerate(values):
        if value is None:
            labels[position] = unknown
            unknown += 1
        else:
            labels[position] = codes.setdefault(value, len(codes))
    return labels


def encode(
    dataset: Dataset,
    applications: Sequence[Application],
    reviewer_ids: Sequence[str],
    scores: np.ndarray,
    conflicts: BoolMatrix,
    settings: ReviewSettings,
) -> AssignmentProblem:
    """The assignment problem of a competition (ids to indices, the settings to arrays)."""
    reviewers = [dataset.profile(r) for r in reviewer_ids]
    n_rev = len(reviewers)
    outside = None
    if settings.outside_reviewer:
        countries = np.asarray([r.country or "" for r in reviewers])
        outside = np.zeros((len(applications), n_rev), dtype=np.bool_)
        for i, application in enumerate(applications):
            home = {dataset.profile(m).country for m in application.team if dataset.has_profile(m)}
            outside[i] = (countries != "") & ~np.isin(countries, sorted(c for c in home if c))
    return AssignmentProblem(
        scores=np.nan_to_num(np.asarray(scores, dtype=np.float32)),
        allowed=~conflicts,
        k=np.full(len(applications), settings.reviewers_per_application, dtype=np.int64),
        min_load=np.full(n_rev, settings.min_load, dtype=np.int64),
        max_load=np.full(n_rev, settings.max_load, dtype=np.int64),
        institution=_labels([r.institution for r in reviewers])
        if settings.one_per_institution
        else None,
        country=_labels([r.country for r in reviewers]) if settings.one_per_country else None,
        outside=outside,
    )


def _settings_of(
    dataset: Dataset, applications: Sequence[Application]
) -> tuple[str, ReviewSettings]:
    calls = sorted({a.call_id for a in applications})
    settings = {c: dataset.call(c).review for c in calls}
    first = settings[calls[0]]
    differing = [c for c in calls if settings[c] != first]
    if differing:
        raise ValueError(
            f"the applications belong to calls with different review settings ({calls[0]}, "
            f"{', '.join(differing)}): assign one call at a time"
        )
    return calls[0], first


def assign(
    matcher: Matcher,
    applications: Sequence[Application],
    *,
    solver: str = "auto",
    seed: int = 0,
    reviewer_ids: Sequence[str] | None = None,
    settings: ReviewSettings | None = None,
    time_limit: float = 60.0,
    shortlist: int | None = None,
) -> Assignment:
    """Assign ``k`` expert reviewers to every application of a competition.

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher: its data set holds the calls, the team members' and the experts'
        profiles; its relevance scores the experts' publications against the applications.
    applications : sequence of Application
        The competition's applications (of one call, or of calls with the same review
        settings).
    solver : {"auto", "exact", "fast", "minmax", "fairflow", "greedy", "random"}
        ``auto``: the exact solver when the problem is small enough, the shortlist one
        otherwise; with the call's ``review.objective == "fair"``, the exact max-min
        (``minmax``) when small enough, FairFlow otherwise.
    seed : int
        Seed of the ``random`` solver (every solver is deterministic).
    reviewer_ids : sequence of str, optional
        The pool; by default the profiles marked expert (or everyone, per the settings).
    settings : ReviewSettings, optional
        Overrides the call's ``review`` settings.
    time_limit : float
        Seconds per MILP stage.
    shortlist : int, optional
        Candidates kept per application by the solvers (``None``: their default).

    Returns
    -------
    Assignment
        Pairs, expertise, loads, totals and, when no full assignment exists, why.

    Raises
    ------
    ValueError
        For an unknown solver, no applications, or applications of calls with different
        review settings.
    UnknownIdError
        For an unknown call or reviewer.
    """
    if not applications:
        raise ValueError("no applications to assign reviewers to")
    dataset = matcher.dataset_
    call_id, call_settings = _settings_of(dataset, applications)
    settings = settings or call_settings
    if solver != "auto" and solver not in SOLVERS:
        choose_solver(solver, _empty_problem())  # raises the clear error
    pool = list(reviewer_ids) if reviewer_ids is not None else reviewer_pool(dataset, settings)
    conflicts = find_conflicts(dataset, applications, pool)
    scores = expertise_matrix(matcher, applications, pool)
    problem = encode(dataset, applications, pool, scores.scores, conflicts.mask, settings)
    name = choose_solver(solver, problem, settings.objective)
    started = time.monotonic()
    solution, reasons = solve_problem(
        problem, name, seed=seed, time_limit=time_limit, shortlist=shortlist
    )
    seconds = time.monotonic() - started
    if not pool:
        reasons.insert(
            0,
            Shortfall(
                None,
                "pool",
                "the expert pool is empty: no profile is marked expert (Profile.expert)"
                if settings.experts_only
                else "the data set has no profiles",
            ),
        )
    result = _decode(problem, solution, reasons, applications, pool, conflicts, scores)
    result.call_id = call_id
    result.solver = name
    result.seconds = seconds
    result.k = settings.reviewers_per_application
    return result


def solve_problem(
    problem: AssignmentProblem,
    name: str,
    *,
    seed: int = 0,
    time_limit: float = 60.0,
    shortlist: int | None = None,
) -> tuple[AssignmentSolution, list[Shortfall]]:
    """Solve ``problem`` with the registered solver ``name``; when no full assignment is
    found, the best partial one and the reasons.

    Returns
    -------
    solution, reasons
        ``reasons`` is empty when ``solution`` meets every rule.
    """
    reasons = shortfalls(problem)
    solution: AssignmentSolution | None = None
    if not reasons:
        solver = get_solver(name, seed=seed, time_limit=time_limit, shortlist=shortlist)
        solution = solver.solve(problem)
        if solution is not None:
            broken = violations(problem, solution)
            if not broken:
                return solution, []
            counts = np.bincount(solution.rows, minlength=problem.n_applications)
            for i in np.flatnonzero(counts < problem.k).tolist():
                reasons.append(
                    Shortfall(
                        i,
                        "solver",
                        f"the {name} solver gave it {counts[i]} of {problem.k[i]} reviewers "
                        "(an assignment may exist: the exact solver decides)",
                    )
                )
            if not reasons:
                reasons.append(
                    Shortfall(None, "solver", f"the {name} solver broke: " + "; ".join(broken[:5]))
                )
            return solution, reasons
        if solver.timed_out_:
            reasons.append(
                Shortfall(
                    None,
                    "time_limit",
                    f"the {name} solver ran out of time ({time_limit:g} s) before finding an "
                    "assignment (none is proven impossible): try the fast solver or a longer "
                    "time limit",
                )
            )
        elif not solver.exact:
            reasons.append(Shortfall(None, "solver", f"the {name} solver found no assignment"))
    partial = _partial(problem, time_limit)
    if not reasons:
        counts = np.bincount(partial.rows, minlength=problem.n_applications)
        reasons.append(joint_reason(problem, np.flatnonzero(counts < problem.k).tolist()))
    return partial, reasons


def _partial(problem: AssignmentProblem, time_limit: float) -> AssignmentSolution:
    """As many reviews as the rules allow (at most ``k`` each; minimum loads and the
    outside rule dropped), then the most expertise."""
    shortlist = None if problem.n_pairs <= AUTO_EXACT_PAIRS else 4 * int(problem.k.max())
    edges = problem.edges(shortlist)
    rows = constraint_rows(problem, edges, exact_k=False, loads=False, outside=False)
    x, _ = solve_binary(edges.values + _COVERAGE_BONUS, rows, time_limit=time_limit)
    if x is None:  # cannot happen (nothing assigned is feasible), but never crash on it
        return AssignmentSolution(np.zeros(0, np.int64), np.zeros(0, np.int64))
    return chosen(edges, x, False)


def _empty_problem() -> AssignmentProblem:
    empty = np.zeros((0, 0), dtype=np.float32)
    none = np.zeros(0, dtype=np.int64)
    return AssignmentProblem(empty, empty.astype(np.bool_), none, none, none)


def _fill(message: str, application_ids: Sequence[str], reviewer_ids: Sequence[str]) -> str:
    """Ids in place of the ``{a:i}`` / ``{r:j}`` index placeholders of a shortfall."""
    for kind, ids in (("a", application_ids), ("r", reviewer_ids)):
        while "{" + kind + ":" in message:
            start = message.index("{" + kind + ":")
            end = message.index("}", start)
            message = message[:start] + ids[int(message[start + 3 : end])] + message[end + 1 :]
    return message


def _conflict_note(conflicts: ConflictIndex, application_id: str, n_pool: int) -> str:
    counts = conflicts.count(application_id)
    if not counts:
        return f" (pool of {n_pool})"
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f" (pool of {n_pool}; in conflict: {kinds})"


def _decode(
    problem: AssignmentProblem,
    solution: AssignmentSolution,
    reasons: list[Shortfall],
    applications: Sequence[Application],
    pool: Sequence[str],
    conflicts: ConflictIndex,
    scores: Expertise,
) -> Assignment:
    """Back from indices to ids."""
    application_ids = [a.id for a in applications]
    values = np.nan_to_num(np.asarray(problem.scores[solution.rows, solution.cols], np.float64))
    order = np.lexsort((solution.cols, -values, solution.rows))
    pairs: dict[str, list[str]] = {a: [] for a in application_ids}
    expertise: dict[tuple[str, str], float] = {}
    for e in order.tolist():
        application_id = application_ids[int(solution.rows[e])]
        reviewer_id = pool[int(solution.cols[e])]
        pairs[application_id].append(reviewer_id)
        expertise[(application_id, reviewer_id)] = float(values[e])
    loads = np.bincount(solution.cols, minlength=len(pool))
    totals = application_totals(problem, solution)
    messages: list[str] = []
    short: list[str] = []
    for reason in reasons:
        text = _fill(reason.message, application_ids, pool)
        if reason.application is None:
            messages.append(text)
            continue
        application_id = application_ids[reason.application]
        if reason.rule == "pool":
            text += _conflict_note(conflicts, application_id, len(pool))
        messages.append(f"{application_id}: {text}")
        if application_id not in short:
            short.append(application_id)
    return Assignment(
        call_id=None,
        solver="",
        pairs=pairs,
        expertise=expertise,
        loads={r: int(n) for r, n in zip(pool, loads.tolist(), strict=True)},
        total=float(totals.sum()),
        minimum=float(totals.min()) if len(totals) else 0.0,
        infeasible=messages,
        optimal=solution.optimal and not messages,
        infeasible_applications=short,
        conflicts=conflicts,
        scores=scores,
    )

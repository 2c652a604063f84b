"""Why no assignment exists: per application, and for the competition as a whole.

Every reason given is a necessary condition that fails, so a reason is never invented:
an application with fewer conflict-free reviewers than ``k``, fewer distinct institutions
(or countries) among them than ``k`` when one per institution (country) is asked for, no
conflict-free reviewer from outside its applicants' countries when one is required; more
reviews needed than the reviewers' maximum loads allow, fewer than their minimum loads
ask for, a reviewer who cannot reach their minimum load. When all of these hold and the
exact solver still finds no assignment, the applications compete for the same reviewers
(:func:`joint_reason`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.competitions.assignment.problem import AssignmentProblem


@dataclass(frozen=True)
class Shortfall:
    """One failed necessary condition: ``application`` is its row index (``None`` for the
    competition as a whole); ``rule`` a stable code; ``message`` in words (indices are
    written as ``{a:i}`` / ``{r:j}`` placeholders the id layer fills in)."""

    application: int | None
    rule: str
    message: str


def _distinct(labels: np.ndarray, members: np.ndarray) -> int:
    return len(np.unique(labels[members]))


def shortfalls(problem: AssignmentProblem) -> list[Shortfall]:
    """Every necessary condition of feasibility that fails (empty: none fails)."""
    found: list[Shortfall] = []
    for i in range(problem.n_applications):
        k = int(problem.k[i])
        members = np.flatnonzero(problem.allowed[i])
        if len(members) < k:
            found.append(
                Shortfall(i, "pool", f"only {len(members)} conflict-free reviewers, {k} needed")
            )
            continue
        for name, labels in (("institution", problem.institution), ("country", problem.country)):
            if labels is not None and _distinct(labels, members) < k:
                found.append(
                    Shortfall(
                        i,
                        f"one_per_{name}",
                        f"its {len(members)} conflict-free reviewers come from only "
                        f"{_distinct(labels, members)} distinct {name}s; {k} needed, one per "
                        f"{name}",
                    )
                )
        if problem.outside is not None and not problem.outside[i, members].any():
            found.append(
                Shortfall(
                    i,
                    "outside_reviewer",
                    "no conflict-free reviewer comes from outside the applicants' countries",
                )
            )
    demand = int(problem.k.sum())
    capacity = int(problem.max_load.sum())
    if demand > capacity:
        found.append(
            Shortfall(
                None,
                "capacity",
                f"the applications need {demand} reviews; the {problem.n_reviewers} reviewers "
                f"can give at most {capacity} (maximum loads)",
            )
        )
    minimum = int(problem.min_load.sum())
    if minimum > demand:
        found.append(
            Shortfall(
                None,
                "min_load",
                f"the reviewers' minimum loads add up to {minimum} reviews, more than the "
                f"{demand} the applications need",
            )
        )
    reach = problem.allowed.sum(axis=0)
    for j in np.flatnonzero(reach < problem.min_load).tolist():
        found.append(
            Shortfall(
                None,
                "min_load",
                f"reviewer {{r:{j}}} may review only {int(reach[j])} applications (conflicts), "
                f"below their minimum load {int(problem.min_load[j])}",
            )
        )
    return found


def joint_reason(problem: AssignmentProblem, short: list[int]) -> Shortfall:
    """The reason when every necessary condition holds yet no assignment exists.

    ``short`` are the applications a best partial assignment leaves without ``k``
    reviewers: they compete for the same few conflict-free reviewers, whose loads (and
    the diversity rules) cannot serve them all at once.
    """
    names = ", ".join(f"{{a:{i}}}" for i in short[:10]) + (" ..." if len(short) > 10 else "")
    return Shortfall(
        None,
        "joint",
        "every application has enough conflict-free reviewers on its own, but not all at "
        "once: their pools overlap and the reviewers' maximum loads (with the diversity "
        f"rules) cannot serve them together; left short: {names or 'none'}",
    )

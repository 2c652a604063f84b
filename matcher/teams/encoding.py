"""A call's team as a solver problem (:class:`~matcher.solvers.TeamProblem`).

The problem is indexed like the shortlist: per candidate its value (relevance minus route
cost minus the member threshold), lead value (``lead_weight`` x relevance plus
``lead_seniority_weight`` x seniority) and whether it may lead or is pinned; the
call's rules, office capacities and conflicts of interest as group bounds; coverage and
diversity as saturating terms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.model import Call
from matcher.routes import RouteFinder
from matcher.solvers import GroupBound, SaturatingTerm, TeamProblem
from matcher.teams.objective import CoverageFn, TeamObjective, lead_seniority
from matcher.teams.pool import Candidate, may_lead

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EncodedTeam:
    """A call's team problem with the mapping back to profiles.

    ``problem`` is indexed like ``shortlist``; ``offices`` names the office each
    shortlisted candidate is reached through (``None`` for other routes), which a whole
    round needs to share office capacity across calls.
    """

    call: Call
    pool: list[Candidate]
    shortlist: list[Candidate]
    problem: TeamProblem
    threshold: float
    pinned: frozenset[str]
    part_texts: list[str]
    coverage: FloatArray | None
    offices: list[str | None]


def shortlist_coverage(
    coverage: CoverageFn | None,
    call: Call,
    shortlist: list[Candidate],
    objective: TeamObjective,
) -> tuple[list[str], FloatArray | None]:
    """The call's part texts and the shortlist's coverage of them, clipped to 0-1.

    ``([], None)`` when there is no coverage term (no function, nobody shortlisted, a zero
    weight, or a call without parts).
    """
    if coverage is None or not shortlist or objective.coverage_weight <= 0:
        return [], None
    part_texts, matrix = coverage(call, [c.profile.id for c in shortlist])
    if not part_texts:
        return [], None
    return part_texts, np.clip(np.asarray(matrix, dtype=np.float64), 0.0, 1.0)


def team_problem(
    call: Call,
    shortlist: list[Candidate],
    pinned: set[str],
    threshold: float,
    coverage: FloatArray | None,
    objective: TeamObjective,
    office_groups: list[GroupBound],
) -> TeamProblem:
    """The solver problem of ``call`` over ``shortlist``.

    ``office_groups`` are the office capacity bounds (:func:`office_capacity_groups`).
    """
    rules = call.rules
    relevance = np.asarray([c.relevance for c in shortlist], dtype=np.float64)
    cost = np.asarray([c.route.cost for c in shortlist], dtype=np.float64)
    countries = np.asarray([c.profile.country or "" for c in shortlist])
    stages = np.asarray([c.profile.career_stage or "" for c in shortlist])
    institutions = np.asarray([c.profile.institution or "" for c in shortlist])
    groups = [
        GroupBound(f"country {country}", countries == country, minimum=count)
        for country, count in rules.required_countries.items()
    ]
    groups += [
        GroupBound(f"career stage {stage}", stages == stage, minimum=count)
        for stage, count in rules.min_career_stage_counts.items()
    ]
    if rules.max_per_institution is not None:
        crowded = Counter(i for i in institutions if i)
        groups += [
            GroupBound(
                f"institution {inst}", institutions == inst, maximum=rules.max_per_institution
            )
            for inst, count in crowded.items()
            if count > rules.max_per_institution
        ]
    groups += office_groups
    groups += conflict_groups(shortlist)
    return TeamProblem(
        value=relevance - objective.route_weight * cost - threshold,
        lead_value=objective.lead_weight * relevance
        + objective.lead_seniority_weight
        * np.asarray([lead_seniority(call, c.profile) for c in shortlist], dtype=np.float64),
        lead_allowed=np.asarray([may_lead(call, c.profile) for c in shortlist]),
        pinned=np.asarray([c.profile.id in pinned for c in shortlist]),
        min_size=rules.min_team_size,
        max_size=rules.max_team_size,
        groups=groups,
        terms=saturating_terms(countries, institutions, coverage, objective),
    )


def saturating_terms(
    countries: npt.NDArray[np.str_],
    institutions: npt.NDArray[np.str_],
    coverage: FloatArray | None,
    objective: TeamObjective,
) -> list[SaturatingTerm]:
    """The coverage term (when there is coverage) and the diversity term (when weighted)."""
    terms: list[SaturatingTerm] = []
    if coverage is not None and coverage.shape[1] > 0:
        terms.append(
            SaturatingTerm(
                "coverage",
                coverage,
                objective.coverage_weight / coverage.shape[1],
                objective.coverage_widths,
                objective.coverage_slopes,
            )
        )
    if objective.diversity_weight > 0 and len(countries):
        terms.append(
            SaturatingTerm(
                "diversity", _diversity_matrix(countries, institutions), objective.diversity_weight
            )
        )
    return terms


def _diversity_matrix(
    countries: npt.NDArray[np.str_], institutions: npt.NDArray[np.str_]
) -> FloatArray:
    """Candidate x distinct (country, institution) label, 1 where the candidate has it."""
    labels = [f"country:{c}" for c in countries] + [f"inst:{i}" for i in institutions]
    # An unknown country or institution ("") is no label: it adds no diversity.
    distinct = sorted({label for label in labels if not label.endswith(":")})
    column = {label: j for j, label in enumerate(distinct)}
    matrix = np.zeros((len(countries), len(distinct)))
    for i, (country, institution) in enumerate(zip(countries, institutions, strict=True)):
        for label in (f"country:{country}", f"inst:{institution}"):
            if label in column:
                matrix[i, column[label]] = 1.0
    return matrix


def office_capacity_groups(
    shortlist: list[Candidate], dataset: Dataset, routes: RouteFinder
) -> list[GroupBound]:
    """One "at most its capacity" bound per office with a capacity that a route uses."""
    via = np.asarray([routes.uses_office(c.route) or "" for c in shortlist])
    groups = []
    for office_id in sorted(set(via) - {""}):
        capacity = dataset.office(office_id).capacity
        if capacity is not None:
            groups.append(GroupBound(f"office {office_id}", via == office_id, maximum=capacity))
    return groups


def conflict_groups(shortlist: list[Candidate]) -> list[GroupBound]:
    """One "at most one of the two" bound per declared conflict within the shortlist."""
    position = {c.profile.id: i for i, c in enumerate(shortlist)}
    pairs: set[tuple[int, int]] = set()
    for i, candidate in enumerate(shortlist):
        for other in candidate.profile.conflicts:
            j = position.get(other)
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    groups = []
    for i, j in sorted(pairs):
        members = np.zeros(len(shortlist), dtype=bool)
        members[[i, j]] = True
        groups.append(
            GroupBound(
                f"conflict {shortlist[i].profile.id}/{shortlist[j].profile.id}",
                members,
                maximum=1,
            )
        )
    return groups

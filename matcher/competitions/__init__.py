"""Grant competitions: applications checked against their call's rules, expert reviewers
assigned under conflicts of interest and load, reviews calibrated and ranked.

Modules: :mod:`~matcher.competitions.checks` (eligibility of submitted teams, with the
smallest fix), :mod:`~matcher.competitions.loading` (a competition's files checked against
a dataset), :mod:`~matcher.competitions.conflicts` (conflicts of interest, with reasons),
:mod:`~matcher.competitions.expertise` (reviewers' expertise, with evidence),
:mod:`~matcher.competitions.assignment` (expert assignment: encoding, solvers, explanations),
:mod:`~matcher.competitions.reviews` (reviewers' calibration, the ranking).
"""

from matcher.competitions.assignment import Assignment, AssignmentProblem, assign
from matcher.competitions.checks import (
    ROW_COLUMNS,
    RULE_ORDER,
    ApplicationCheck,
    CompetitionCheck,
    RuleFailure,
    check_application,
    check_competition,
    rule_failures,
)
from matcher.competitions.conflicts import Conflict, ConflictIndex, find_conflicts
from matcher.competitions.expertise import Expertise, expertise_matrix
from matcher.competitions.loading import Competition, load_competition
from matcher.competitions.reviews import (
    CompetitionRanking,
    RankedApplication,
    ReviewCalibration,
    ReviewerScore,
    calibrate,
    invent_reviews,
    rank_applications,
)

__all__ = [
    "ROW_COLUMNS",
    "RULE_ORDER",
    "ApplicationCheck",
    "Assignment",
    "AssignmentProblem",
    "Competition",
    "CompetitionCheck",
    "CompetitionRanking",
    "Conflict",
    "ConflictIndex",
    "Expertise",
    "RankedApplication",
    "ReviewCalibration",
    "ReviewerScore",
    "RuleFailure",
    "assign",
    "calibrate",
    "check_application",
    "check_competition",
    "expertise_matrix",
    "find_conflicts",
    "invent_reviews",
    "load_competition",
    "rank_applications",
    "rule_failures",
]

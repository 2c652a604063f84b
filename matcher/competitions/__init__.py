"""Grant competitions: applications checked against their call's rules, expert reviewers
assigned under conflicts of interest and load, reviews calibrated and ranked.
"""

# D: conflicts of interest, expertise, expert assignment.
from matcher.competitions.assignment import Assignment, AssignmentProblem, assign
from matcher.competitions.conflicts import Conflict, ConflictIndex, find_conflicts
from matcher.competitions.expertise import Expertise, expertise_matrix

__all__ = [
    # D
    "Assignment",
    "AssignmentProblem",
    "Conflict",
    "ConflictIndex",
    "Expertise",
    "assign",
    "expertise_matrix",
    "find_conflicts",
]

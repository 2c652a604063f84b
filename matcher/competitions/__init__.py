"""Grant competitions: applications checked against their call's rules, expert reviewers
assigned under conflicts of interest and load, reviews calibrated and ranked.

Modules: :mod:`~matcher.competitions.checks` (eligibility of submitted teams, with the
smallest fix), :mod:`~matcher.competitions.loading` (a competition's files checked against
a dataset).
"""

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
from matcher.competitions.loading import Competition, load_competition

__all__ = [
    "ROW_COLUMNS",
    "RULE_ORDER",
    "ApplicationCheck",
    "Competition",
    "CompetitionCheck",
    "RuleFailure",
    "check_application",
    "check_competition",
    "load_competition",
    "rule_failures",
]

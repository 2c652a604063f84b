"""Grant competitions: applications checked against a call's rules, expert reviewers assigned
under conflicts of interest and load, and the reviews calibrated into a ranking."""

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
    "CompetitionRanking",
    "RankedApplication",
    "ReviewCalibration",
    "ReviewerScore",
    "calibrate",
    "invent_reviews",
    "rank_applications",
]

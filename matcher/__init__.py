"""grantmatch's core: domain model, relevance, routes, teams and partners.

No HTTP and no model loading happen here beyond asking :mod:`embeddings` for an encoder.

>>> from matcher import Matcher, load_demo
>>> matcher = Matcher().fit(load_demo())     # doctest: +SKIP
"""

from matcher.dataset import Dataset
from matcher.datasets import demo_paths, load_demo
from matcher.engine import Matcher, RankedProfile
from matcher.errors import GrantmatchError, InputError, UnknownIdError
from matcher.io import (
    load_dataset,
    read_calls,
    read_institutions,
    read_offices,
    read_profiles,
    write_jsonl,
)
from matcher.model import (
    Call,
    CallRules,
    Contact,
    Institution,
    Office,
    Profile,
    Publication,
    Route,
    Team,
    TeamMember,
)
from matcher.partners import PartnerSuggestion, PartnerWeights
from matcher.relevance import Explanation, RelevanceWeights
from matcher.routes import RouteCosts
from matcher.teams import TeamObjective, TeamResult

__all__ = [
    "Call",
    "CallRules",
    "Contact",
    "Dataset",
    "Explanation",
    "GrantmatchError",
    "InputError",
    "Institution",
    "Matcher",
    "Office",
    "PartnerSuggestion",
    "PartnerWeights",
    "Profile",
    "Publication",
    "RankedProfile",
    "RelevanceWeights",
    "Route",
    "RouteCosts",
    "Team",
    "TeamMember",
    "TeamObjective",
    "TeamResult",
    "UnknownIdError",
    "demo_paths",
    "load_dataset",
    "load_demo",
    "read_calls",
    "read_institutions",
    "read_offices",
    "read_profiles",
    "write_jsonl",
]

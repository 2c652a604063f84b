"""grantmatch's core: domain model, relevance, routes, teams and partners.

No HTTP and no model loading happen here beyond asking :mod:`embeddings` for an encoder.

>>> from matcher import Matcher, load_demo
>>> matcher = Matcher().fit(load_demo())     # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from matcher.dataset import Dataset
    from matcher.datasets import demo_paths, load_demo
    from matcher.eligibility import Eligibility
    from matcher.engine import Matcher, RankedProfile
    from matcher.errors import GrantmatchError, InputError, UnknownIdError
    from matcher.io import (
        load_dataset,
        read_applications,
        read_calls,
        read_institutions,
        read_offices,
        read_outcomes,
        read_profiles,
        read_reviews,
        write_jsonl,
    )
    from matcher.model import (
        Application,
        BudgetLine,
        Call,
        CallRules,
        Contact,
        Institution,
        Office,
        Outcome,
        Profile,
        Publication,
        Review,
        ReviewSettings,
        Route,
        Team,
        TeamMember,
    )
    from matcher.partner_model import LearnedOptions, PartnerModelInfo, PartnerReason
    from matcher.partners import PartnerSuggestion, PartnerWeights
    from matcher.relevance import Explanation, RelevanceWeights
    from matcher.routes import RouteCosts
    from matcher.teams import TeamObjective, TeamResult

# Where each public name lives. Imported on first use (PEP 562): `import matcher`
# stays cheap, so the command line starts at once and pays only for what it uses.
_EXPORTS = {
    "Dataset": "matcher.dataset",
    "demo_paths": "matcher.datasets",
    "load_demo": "matcher.datasets",
    "Eligibility": "matcher.eligibility",
    "Matcher": "matcher.engine",
    "RankedProfile": "matcher.engine",
    "GrantmatchError": "matcher.errors",
    "InputError": "matcher.errors",
    "UnknownIdError": "matcher.errors",
    "load_dataset": "matcher.io",
    "read_applications": "matcher.io",
    "read_calls": "matcher.io",
    "read_institutions": "matcher.io",
    "read_offices": "matcher.io",
    "read_outcomes": "matcher.io",
    "read_profiles": "matcher.io",
    "read_reviews": "matcher.io",
    "write_jsonl": "matcher.io",
    "Application": "matcher.model",
    "BudgetLine": "matcher.model",
    "Call": "matcher.model",
    "CallRules": "matcher.model",
    "Contact": "matcher.model",
    "Institution": "matcher.model",
    "Office": "matcher.model",
    "Outcome": "matcher.model",
    "Profile": "matcher.model",
    "Publication": "matcher.model",
    "Review": "matcher.model",
    "ReviewSettings": "matcher.model",
    "Route": "matcher.model",
    "Team": "matcher.model",
    "TeamMember": "matcher.model",
    "LearnedOptions": "matcher.partner_model",
    "PartnerModelInfo": "matcher.partner_model",
    "PartnerReason": "matcher.partner_model",
    "PartnerSuggestion": "matcher.partners",
    "PartnerWeights": "matcher.partners",
    "Explanation": "matcher.relevance",
    "RelevanceWeights": "matcher.relevance",
    "RouteCosts": "matcher.routes",
    "TeamObjective": "matcher.teams",
    "TeamResult": "matcher.teams",
}

__all__ = [
    "Application",
    "BudgetLine",
    "Call",
    "CallRules",
    "Contact",
    "Dataset",
    "Eligibility",
    "Explanation",
    "GrantmatchError",
    "InputError",
    "Institution",
    "LearnedOptions",
    "Matcher",
    "Office",
    "Outcome",
    "PartnerModelInfo",
    "PartnerReason",
    "PartnerSuggestion",
    "PartnerWeights",
    "Profile",
    "Publication",
    "RankedProfile",
    "RelevanceWeights",
    "Review",
    "ReviewSettings",
    "Route",
    "RouteCosts",
    "Team",
    "TeamMember",
    "TeamObjective",
    "TeamResult",
    "UnknownIdError",
    "__version__",
    "demo_paths",
    "load_dataset",
    "load_demo",
    "read_applications",
    "read_calls",
    "read_institutions",
    "read_offices",
    "read_outcomes",
    "read_profiles",
    "read_reviews",
    "write_jsonl",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

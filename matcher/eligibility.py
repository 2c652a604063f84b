"""Who may join a call's team, and why not: eligibility under the call's rules and
reachability by a route, per (call, profile), with the rule and the value that fail.

The rules themselves are written once, in :func:`matcher.teams.pool.ineligibility`; the
routes are :class:`matcher.routes.RouteFinder`'s. This module only asks both and words the
answer: :class:`Eligibility` for one pair, boolean masks for a whole call (rankings filter
on them), and :meth:`EligibilityChecker.nobody_reason` when no profile at all may join.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.model import Call, Profile, Route
from matcher.routes import RouteFinder
from matcher.teams.pool import Ineligibility, ineligibility

BoolArray = npt.NDArray[np.bool_]

#: The ``rule`` of an :class:`Eligibility` whose profile is eligible but has no route.
ROUTE_RULE = "route"


@dataclass(frozen=True)
class Eligibility:
    """Whether one profile may join a team for one call, and why not.

    ``eligible``: the call's rules admit the profile (member kinds, eligible countries,
    eligible consortia, capacity). ``reachable``: a route reaches it from the home side
    (always true in data without offices). ``rule`` names the first failing rule (a
    ``CallRules`` field, ``capacity``, or ``route`` when only the route is missing) and
    ``reason`` says it with the profile's value, e.g. "country KZ is not among the call's
    eligible countries RU, CN"; both ``None`` when the profile may join.
    """

    call_id: str
    profile_id: str
    eligible: bool
    reachable: bool
    rule: str | None
    reason: str | None
    route: Route | None

    @property
    def may_join(self) -> bool:
        """Eligible and reachable: the profile can be in a suggested team."""
        return self.eligible and self.reachable


class ProfileAttributes:
    """What eligibility looks at, per profile, as codes into the distinct combinations.

    A call's rules are evaluated once per distinct kind, country, institution and
    capacity (a handful) instead of once per profile (50,000): :func:`ineligibility`
    stays the definition, applied to one representative profile per combination. Its
    reasons quote only these attributes, so a representative's answer is every member's.
    """

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.representatives: list[Profile] = []
        seen: dict[tuple[str, str | None, str | None, bool], int] = {}
        self.codes = np.empty(len(profiles), dtype=np.int64)
        for position, profile in enumerate(profiles):
            key = (profile.kind, profile.country, profile.institution, profile.capacity >= 1)
            code = seen.get(key)
            if code is None:
                code = seen[key] = len(self.representatives)
                self.representatives.append(profile)
            self.codes[position] = code


class EligibilityChecker:
    """Eligibility and reachability of every profile for every call of a dataset.

    Rules are evaluated once per distinct eligibility signature of the calls (member
    kinds, eligible countries, eligible consortia) and per distinct combination of profile
    attributes (:class:`ProfileAttributes`); routes once per profile. The engine, the
    partner finder and rounds share one instance, so nothing is computed twice.

    Parameters
    ----------
    dataset : Dataset
        Profiles, calls and institutions.
    routes : RouteFinder
        The routes from the home side.
    """

    def __init__(self, dataset: Dataset, routes: RouteFinder) -> None:
        self.dataset = dataset
        self.routes = routes
        self._routes: list[Route | None] | None = None
        self._reachable: BoolArray | None = None
        self._problems: dict[str, list[Ineligibility | None]] = {}
        self._eligible: dict[str, BoolArray] = {}
        self._attributes = ProfileAttributes(dataset.profiles)
        self._position = {p.id: i for i, p in enumerate(dataset.profiles)}

    def profile_routes(self) -> list[Route | None]:
        """Each profile's best route from the home side (``None``: unreachable)."""
        if self._routes is None:
            self._routes = [self.routes.route(p) for p in self.dataset.profiles]
        return self._routes

    @staticmethod
    def _signature(call: Call) -> str:
        rules = call.rules
        return repr((rules.member_kinds, rules.eligible_countries, rules.eligible_consortia))

    def _problems_by_code(self, call: Call) -> list[Ineligibility | None]:
        """The first failing rule per attribute combination (see :class:`ProfileAttributes`)."""
        signature = self._signature(call)
        problems = self._problems.get(signature)
        if problems is None:
            problems = [
                ineligibility(call, representative, self.dataset)
                for representative in self._attributes.representatives
            ]
            self._problems[signature] = problems
        return problems

    def _problem(self, call: Call, position: int) -> Ineligibility | None:
        return self._problems_by_code(call)[int(self._attributes.codes[position])]

    def eligible_mask(self, call: Call) -> BoolArray:
        """Per profile (in dataset order), whether the call's rules admit it."""
        signature = self._signature(call)
        mask = self._eligible.get(signature)
        if mask is None:
            admitted = np.asarray([p is None for p in self._problems_by_code(call)], dtype=bool)
            mask = admitted[self._attributes.codes]
            self._eligible[signature] = mask
        return mask

    def reachable_mask(self) -> BoolArray:
        """Per profile, whether a route reaches it (the same for every call)."""
        if self._reachable is None:
            routes = self.profile_routes()
            self._reachable = np.fromiter((r is not None for r in routes), bool, len(routes))
        return self._reachable

    def may_join_mask(self, call: Call) -> BoolArray:
        """Per profile, whether it is eligible for ``call`` and reachable."""
        return self.eligible_mask(call) & self.reachable_mask()

    def check(self, call: Call, profile: Profile) -> Eligibility:
        """Eligibility and reachability of one profile for one call, with the reason."""
        position = self._position[profile.id]
        problem = self._problem(call, position)
        route = self.profile_routes()[position]
        reasons = [problem.reason] if problem else []
        if route is None:
            reasons.append(self.unreachable_reason(profile))
        return Eligibility(
            call_id=call.id,
            profile_id=profile.id,
            eligible=problem is None,
            reachable=route is not None,
            rule=problem.rule if problem else (ROUTE_RULE if route is None else None),
            reason="; ".join(reasons) or None,
            route=route,
        )

    def unreachable_reason(self, profile: Profile) -> str:
        """Why no route reaches ``profile`` (which must be unreachable)."""
        if profile.country is None:
            return "not reachable: country unknown, so no office or agreement applies"
        name = f"{country_name(profile.country)} ({profile.country})"
        side = self.routes.home_country
        # An office run from another country serves that side only: say so, since the
        # data does have an office there.
        others = sorted(
            {
                o.home_country
                for o in self.dataset.offices
                if o.country == profile.country and not self.routes.serves_side(o)
            }
        )
        elsewhere = (
            f"; offices there run from {', '.join(others)} serve that side" if others else ""
        )
        waiting = [
            o
            for o in self.dataset.offices
            if o.country == profile.country
            and self.routes.serves_side(o)
            and not self.routes.office_is_open(o)
        ]
        if waiting:
            office = min(waiting, key=lambda o: o.id)
            return (
                f"not reachable: the office in {name}, {office.id}, is {office.status} "
                f"(no agreement or past collaboration either{elsewhere})"
            )
        return (
            f"not reachable from the {side} side: no open office of that side in {name}, "
            f"no agreement with an institution of {side}, no past collaboration with anyone "
            f"from {side}{elsewhere}"
        )

    def nobody_reason(self, call: Call) -> str | None:
        """Why no profile at all may join ``call`` (``None`` when someone may).

        Counts the profiles per failing rule, most common first, with an example of
        each, e.g. "none of 19000 profiles may join: 19000 fail rules.member_kinds (e.g.
        member kind organization: the call admits researchers only)".
        """
        reachable = self.reachable_mask()
        if (self.eligible_mask(call) & reachable).any():
            return None
        total = len(self.dataset.profiles)
        if total == 0:
            return "the data has no profiles"
        counts: Counter[str] = Counter()
        example: dict[str, str] = {}
        for position in range(total):
            problem = self._problem(call, position)
            if problem is not None:
                counts[problem.rule] += 1
                example.setdefault(problem.rule, problem.reason)
            elif not reachable[position]:
                counts[ROUTE_RULE] += 1
                profile = self.dataset.profiles[position]
                example.setdefault(ROUTE_RULE, self.unreachable_reason(profile))
        parts = []
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if rule == ROUTE_RULE:
                what = "are eligible but unreachable"
            elif rule == "capacity":
                what = "have no capacity"
            else:
                what = f"fail rules.{rule}"
            parts.append(f"{count} {what} (e.g. {example[rule]})")
        return f"none of {total} profiles may join: " + "; ".join(parts)

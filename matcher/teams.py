"""Team assembly: a call's rules as hard constraints, relevance and routes as the objective.

The objective of a team is

    sum over members of (relevance - route_weight * route_cost - member_threshold)
    + lead_weight * relevance of the lead
    + coverage_weight * mean over the call's parts of g(coverage of the part)
    + diversity_weight * (distinct institutions + distinct countries)

``member_threshold`` is what a member must bring to be worth adding beyond the call's
minimum team size. By default it is the ``threshold_quantile`` of relevance among the
profiles eligible for the call, so it means the same on every embedding backend (a team
grows past its minimum size only with members in the top of the pool) and does not move
when routes change: a what-if that opens an office compares objectives on one scale.

The coverage of a part of the call (one of its keywords or sentences) is the sum over
members of how well each member's evidence covers it (0 to 1). ``g`` has diminishing
returns: slope 1 up to one full cover, then 0.25 up to two, then flat. Five copies of the
same expert cover the same parts and gain nothing over one; five complementary experts
cover more parts. Diversity counts each distinct institution and country once.

The call's rules are hard constraints (:mod:`matcher.solvers` never trades a rule for
score): team size, members per required country, eligible countries and consortia, the
per-institution cap, career-stage minimums, a lead who meets the lead rules, declared
conflicts of interest (never two conflicting members in one team), office capacities,
and the user's pins and bans.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.errors import GrantmatchError
from matcher.model import Call, CallRules, Profile, Route, Team, TeamMember
from matcher.routes import RouteFinder
from matcher.solvers import (
    GroupBound,
    SaturatingTerm,
    Selection,
    TeamProblem,
    TeamSolver,
    get_solver,
)

FloatMatrix = npt.NDArray[np.float32]
#: ``(call, profile ids) -> (part texts, coverage matrix)``: how well each profile's
#: evidence covers each part of the call, 0 to 1, shape ``(len(ids), n_parts)``.
CoverageFn = Callable[[Call, Sequence[str]], tuple[list[str], FloatMatrix]]


@dataclass(frozen=True)
class TeamObjective:
    """Weights of the team objective (see the module docstring)."""

    route_weight: float = 0.2
    lead_weight: float = 0.5
    threshold_quantile: float = 0.9
    member_threshold: float | None = None
    coverage_weight: float = 1.0
    coverage_widths: tuple[float, ...] = (1.0, 1.0)
    coverage_slopes: tuple[float, ...] = (1.0, 0.25)
    diversity_weight: float = 0.05
    #: An alternative shares at most this share of any earlier suggestion's members.
    alternative_overlap: float = 0.5
    #: A member "covers" a part of the call from this coverage up.
    covers_threshold: float = 0.5
    pool_size: int = 300
    per_group_pool: int = 30
    time_limit: float = 30.0

    def __post_init__(self) -> None:
        weights = (self.route_weight, self.lead_weight, self.coverage_weight, self.diversity_weight)
        if min(weights) < 0:
            raise ValueError("team objective weights must be non-negative")
        if not 0 <= self.threshold_quantile <= 1:
            raise ValueError("threshold_quantile must be within 0-1")
        if not 0 <= self.alternative_overlap < 1:
            raise ValueError("alternative_overlap must be within 0 (disjoint) and 1")


@dataclass(frozen=True)
class Candidate:
    """A profile that may join the call's team, with its relevance and route."""

    profile: Profile
    relevance: float
    route: Route


@dataclass(frozen=True)
class Relaxation:
    """One change to a call's rules (or the offices) under which a team exists."""

    description: str
    steps: int
    objective: float
    team: Team
    #: Whether the call's own rules change (opening an office or unpinning does not).
    changes_rules: bool = True


@dataclass(frozen=True)
class TeamResult:
    """The best team and diverse alternatives, or the reasons there is none.

    When no team exists, ``reasons`` says which rules the pool cannot meet and
    ``relaxations`` lists the smallest changes under which a team exists, smallest first.
    """

    call_id: str
    team: Team | None
    reasons: list[str]
    alternatives: list[Team] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return self.team is not None

    @property
    def teams(self) -> list[Team]:
        """The best team first, then the alternatives."""
        return [self.team, *self.alternatives] if self.team is not None else []


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
    coverage: npt.NDArray[np.float64] | None
    offices: list[str | None]


class TeamRulesError(GrantmatchError):
    """The user's pins or bans contradict the data (a pinned profile that is ineligible)."""


def eligibility_problem(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    """Why ``profile`` may not join a team for ``call`` (``None`` when it may)."""
    rules = call.rules
    if rules.eligible_consortia is not None:
        institution = dataset.institution(profile.institution) if profile.institution else None
        consortia = set(institution.consortia) if institution else set()
        if not consortia & set(rules.eligible_consortia):
            return f"is not at an institution of {', '.join(rules.eligible_consortia)}"
    if profile.kind not in rules.member_kinds:
        return f"is an {profile.kind}, the call takes {', '.join(rules.member_kinds)} members"
    if not rules.country_is_eligible(profile.country):
        return f"country {profile.country or 'unknown'} is not eligible for {call.id}"
    if profile.capacity < 1:
        return "has no capacity left this round"
    return None


def _may_lead(call: Call, profile: Profile) -> bool:
    rules = call.rules
    if rules.lead_countries is not None and profile.country not in rules.lead_countries:
        return False
    return rules.lead_career_stages is None or profile.career_stage in rules.lead_career_stages


class TeamAssembler:
    """Builds teams for calls from relevance scores and routes.

    Parameters
    ----------
    dataset : Dataset
        The profiles and calls.
    routes : RouteFinder
        Routes to foreign candidates.
    objective : TeamObjective
        Weights of the objective.
    coverage : callable, optional
        ``(call, profile ids) -> (part texts, matrix)``: how well each profile covers each
        part of the call. Without it the objective has no coverage term.
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        objective: TeamObjective | None = None,
        coverage: CoverageFn | None = None,
    ) -> None:
        self.dataset = dataset
        self.routes = routes
        self.objective = objective or TeamObjective()
        self.coverage = coverage

    def candidates(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        exclude: Collection[str] = (),
    ) -> list[Candidate]:
        """Eligible, reachable profiles for ``call`` (``relevance`` aligned with profiles)."""
        pool: list[Candidate] = []
        for position, profile in enumerate(self.dataset.profiles):
            if profile.id in exclude:
                continue
            if eligibility_problem(call, profile, self.dataset) is not None:
                continue
            route = self.routes.route(profile)
            if route is not None:
                pool.append(Candidate(profile, float(relevance[position]), route))
        return pool

    # -- the public steps: encode, solve, decode --------------------------------------------

    def assemble(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
        solver: str = "exact",
        alternatives: int = 0,
        relax: bool = True,
    ) -> TeamResult:
        """The best team for ``call`` and up to ``alternatives`` diverse others.

        When no team satisfies the rules, the result says which rules fail and (with
        ``relax``) the smallest relaxations under which a team exists.
        """
        if alternatives < 0:
            raise ValueError("alternatives must be 0 or more")
        encoded = self.encode(call, relevance, pin=pin, ban=ban)
        selection, used = self.solve(encoded.problem, solver)
        if selection is None:
            reasons = self.diagnose(call, encoded.pool, set(encoded.pinned))
            found = self.relaxations(call, relevance, pin=pin, ban=ban) if relax else []
            if found:
                smallest = found[0]
                reasons.append(
                    f"smallest relaxation: {smallest.description} (then a team of "
                    f"{len(smallest.team.members)} exists)"
                )
            return TeamResult(call.id, None, reasons, relaxations=found)
        best = self.decode(encoded, selection, used)
        others = self._alternatives(encoded, [selection], solver, alternatives)
        teams = [best, *others]
        return TeamResult(call.id, best, [], alternatives=self._describe_alternatives(teams))

    def encode(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
    ) -> EncodedTeam:
        """The call's team problem over a shortlist of its eligible, reachable pool."""
        pinned = set(pin)
        overlap = pinned & set(ban)
        if overlap:
            raise TeamRulesError(f"profiles both pinned and banned: {', '.join(sorted(overlap))}")
        pool = self.candidates(call, relevance, exclude=ban)
        self._check_pins(call, pinned, pool)
        shortlist = self._shortlist(call, pool, pinned)
        threshold = self.call_threshold(call, relevance)
        part_texts: list[str] = []
        coverage: npt.NDArray[np.float64] | None = None
        if self.coverage is not None and shortlist and self.objective.coverage_weight > 0:
            part_texts, matrix = self.coverage(call, [c.profile.id for c in shortlist])
            if part_texts:
                coverage = np.clip(np.asarray(matrix, dtype=np.float64), 0.0, 1.0)
        problem = self._problem(call, shortlist, pinned, threshold, coverage)
        offices = [self.routes.uses_office(c.route) for c in shortlist]
        return EncodedTeam(
            call,
            pool,
            shortlist,
            problem,
            threshold,
            frozenset(pinned),
            part_texts,
            coverage,
            offices,
        )

    def solve(self, problem: TeamProblem, solver: str = "exact") -> tuple[Selection | None, str]:
        """Solve with ``solver``; a heuristic that finds nothing is confirmed by the exact
        solver, so ``None`` always means proven infeasible. Returns the solver used."""
        chosen: TeamSolver = get_solver(solver, self.objective.time_limit)
        selection = chosen.solve(problem)
        if selection is None and not chosen.exact:
            exact = get_solver("exact", self.objective.time_limit)
            return exact.solve(problem), f"{chosen.name}+exact"
        return selection, chosen.name

    def decode(self, encoded: EncodedTeam, selection: Selection, solver: str) -> Team:
        """The :class:`Team` of a solver's selection, with routes, parts and coverage."""
        call, shortlist, problem = encoded.call, encoded.shortlist, encoded.problem
        chosen = [shortlist[i] for i in selection.members]
        team_profiles = [c.profile for c in chosen]
        covers = self._covers(encoded, selection.members)
        members = []
        for position, candidate in zip(selection.members, chosen, strict=True):
            # Describe each route relative to the team actually chosen where that is closer.
            others = [p for p in team_profiles if p.id != candidate.profile.id]
            route = self.routes.route(candidate.profile, others)
            if route is None or route.cost > candidate.route.cost:
                route = candidate.route
            members.append(
                TeamMember(
                    profile_id=candidate.profile.id,
                    role="lead" if position == selection.lead else "member",
                    relevance=candidate.relevance,
                    country=candidate.profile.country,
                    institution=candidate.profile.institution,
                    route=route,
                    covers=covers.get(position, []),
                )
            )
        members.sort(key=lambda m: (m.role != "lead", -m.relevance))
        solved = selection.objective_parts(problem)
        parts = {
            "relevance": float(sum(c.relevance for c in chosen)),
            "route_cost": -self.objective.route_weight * float(sum(c.route.cost for c in chosen)),
            "size_threshold": -encoded.threshold * len(chosen),
            "lead": solved["lead"],
        }
        for name in ("coverage", "diversity"):
            if name in solved:
                parts[name] = solved[name]
        return Team(
            call_id=call.id,
            members=members,
            objective=selection.objective(problem),
            parts=parts,
            rules_satisfied=describe_rules(call, team_profiles, members),
            solver=solver,
            notes=self._coverage_notes(encoded, selection.members),
        )

    # -- alternatives ------------------------------------------------------------------------

    def _alternatives(
        self, encoded: EncodedTeam, found: list[Selection], solver: str, count: int
    ) -> list[Team]:
        """Up to ``count`` more teams, each sharing at most ``alternative_overlap`` of the
        members of every team before it (pins aside, which every team must have)."""
        teams: list[Team] = []
        groups = list(encoded.problem.groups)
        for _ in range(count):
            previous = found[-1]
            members = np.zeros(encoded.problem.n, dtype=bool)
            members[previous.members] = True
            pinned = int((members & encoded.problem.pinned).sum())
            limit = max(pinned, int(self.objective.alternative_overlap * len(previous.members)))
            groups.append(
                GroupBound(f"overlap with suggestion {len(found)}", members, maximum=limit)
            )
            problem = replace(encoded.problem, groups=list(groups))
            selection, used = self.solve(problem, solver)
            if selection is None:
                break
            found.append(selection)
            teams.append(self.decode(replace(encoded, problem=problem), selection, used))
        return teams

    @staticmethod
    def _describe_alternatives(teams: list[Team]) -> list[Team]:
        """The alternatives with notes on how each differs from the best team."""
        best = teams[0]
        best_ids = {m.profile_id for m in best.members}
        described = []
        for number, team in enumerate(teams[1:], start=2):
            ids = {m.profile_id for m in team.members}
            shared = len(ids & best_ids)
            share = team.objective / best.objective if best.objective > 0 else float("nan")
            notes = [
                f"suggestion {number}: shares {shared} of {len(ids)} members with suggestion 1; "
                f"objective {team.objective:.3f}"
                + (f" ({share:.0%} of the best)" if share == share else ""),
                "brings in " + ", ".join(sorted(ids - best_ids)),
            ]
            for part in ("relevance", "coverage", "route_cost"):
                delta = team.parts.get(part, 0.0) - best.parts.get(part, 0.0)
                if abs(delta) > 1e-6:
                    notes.append(f"{part} {delta:+.3f} against suggestion 1")
            described.append(team.model_copy(update={"notes": notes + team.notes}))
        return described

    # -- coverage ---------------------------------------------------------------------------

    def _covers(self, encoded: EncodedTeam, members: list[int]) -> dict[int, list[str]]:
        """Per chosen position, the parts of the call it covers best in the team."""
        if encoded.coverage is None or not members:
            return {}
        block = encoded.coverage[members]
        best = np.argmax(block, axis=0)
        covers: dict[int, list[str]] = {}
        for part, row in enumerate(best):
            if block[row, part] >= self.objective.covers_threshold:
                covers.setdefault(members[int(row)], []).append(encoded.part_texts[part])
        return covers

    def _coverage_notes(self, encoded: EncodedTeam, members: list[int]) -> list[str]:
        if encoded.coverage is None or not members:
            return []
        best = encoded.coverage[members].max(axis=0)
        covered = best >= self.objective.covers_threshold
        notes = [f"covers {int(covered.sum())} of {len(best)} parts of the call"]
        missing = [text for text, ok in zip(encoded.part_texts, covered, strict=True) if not ok]
        if missing:
            notes.append("weakly covered: " + "; ".join(missing[:5]))
        return notes

    # -- encoding ---------------------------------------------------------------------------

    def _check_pins(self, call: Call, pinned: set[str], pool: list[Candidate]) -> None:
        in_pool = {candidate.profile.id for candidate in pool}
        for profile_id in sorted(pinned - in_pool):
            profile = self.dataset.profile(profile_id)
            problem = eligibility_problem(call, profile, self.dataset)
            reason = problem or "cannot be reached by any route"
            raise TeamRulesError(f"pinned profile {profile_id} ({profile.name}) {reason}")

    def _shortlist(self, call: Call, pool: list[Candidate], pinned: set[str]) -> list[Candidate]:
        """The best of the pool, plus the best of every group a rule counts, plus the pins."""
        by_relevance = sorted(pool, key=lambda c: (-c.relevance, c.profile.id))
        chosen = {c.profile.id: c for c in by_relevance[: self.objective.pool_size]}
        rules = call.rules
        group_keys: list[tuple[str, str]] = [("country", c) for c in rules.required_countries]
        group_keys += [("stage", s) for s in rules.min_career_stage_counts]
        for attribute, value in group_keys:
            in_group = [
                c
                for c in by_relevance
                if (c.profile.country if attribute == "country" else c.profile.career_stage)
                == value
            ]
            chosen.update({c.profile.id: c for c in in_group[: self.objective.per_group_pool]})
        leads = [c for c in by_relevance if _may_lead(call, c.profile)]
        chosen.update({c.profile.id: c for c in leads[: self.objective.per_group_pool]})
        chosen.update({c.profile.id: c for c in pool if c.profile.id in pinned})
        return sorted(chosen.values(), key=lambda c: (-c.relevance, c.profile.id))

    def call_threshold(self, call: Call, relevance: npt.NDArray[np.float32]) -> float:
        """Relevance a member must exceed to be worth adding beyond the minimum size: the
        ``threshold_quantile`` of relevance among the profiles eligible for ``call``
        (reachable or not, so that it does not move with the routes)."""
        if self.objective.member_threshold is not None:
            return self.objective.member_threshold
        eligible = [
            position
            for position, profile in enumerate(self.dataset.profiles)
            if eligibility_problem(call, profile, self.dataset) is None
        ]
        if not eligible:
            return 0.0
        return float(np.quantile(relevance[eligible], self.objective.threshold_quantile))

    def _problem(
        self,
        call: Call,
        shortlist: list[Candidate],
        pinned: set[str],
        threshold: float,
        coverage: npt.NDArray[np.float64] | None,
    ) -> TeamProblem:
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
        groups += self._office_capacity_groups(shortlist)
        groups += _conflict_groups(shortlist)
        return TeamProblem(
            value=relevance - self.objective.route_weight * cost - threshold,
            lead_value=self.objective.lead_weight * relevance,
            lead_allowed=np.asarray([_may_lead(call, c.profile) for c in shortlist]),
            pinned=np.asarray([c.profile.id in pinned for c in shortlist]),
            min_size=rules.min_team_size,
            max_size=rules.max_team_size,
            groups=groups,
            terms=self._terms(countries, institutions, coverage),
        )

    def _terms(
        self,
        countries: npt.NDArray[np.str_],
        institutions: npt.NDArray[np.str_],
        coverage: npt.NDArray[np.float64] | None,
    ) -> list[SaturatingTerm]:
        objective = self.objective
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
            labels = [f"country:{c}" for c in countries] + [f"inst:{i}" for i in institutions]
            distinct = sorted({label for label in labels if not label.endswith(":")})
            column = {label: j for j, label in enumerate(distinct)}
            matrix = np.zeros((len(countries), len(distinct)))
            for i, (country, institution) in enumerate(zip(countries, institutions, strict=True)):
                for label in (f"country:{country}", f"inst:{institution}"):
                    if label in column:
                        matrix[i, column[label]] = 1.0
            terms.append(SaturatingTerm("diversity", matrix, objective.diversity_weight))
        return terms

    def _office_capacity_groups(self, shortlist: list[Candidate]) -> list[GroupBound]:
        via = np.asarray([self.routes.uses_office(c.route) or "" for c in shortlist])
        groups = []
        for office_id in sorted(set(via) - {""}):
            capacity = self.dataset.office(office_id).capacity
            if capacity is not None:
                groups.append(GroupBound(f"office {office_id}", via == office_id, maximum=capacity))
        return groups

    # -- infeasibility ----------------------------------------------------------------------

    def relaxations(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
        limit: int = 5,
    ) -> list[Relaxation]:
        """The smallest changes of the rules, pins or offices under which a team exists.

        Single changes are tried first (each proven by the exact solver); pairs of changes
        only when no single change is enough. Fewest steps first; at equal steps, changes
        that leave the call's rules alone (opening an office, unpinning) come first, then
        the best objective.
        """
        options = self._relaxation_options(call, pin)
        found = self._try_relaxations(call, options, relevance, ban)
        if not found:
            pairs = [
                _combine(a, b)
                for a, b in itertools.combinations(options, 2)
                if a.kind != b.kind or a.kind == "office"
            ]
            pairs.sort(key=lambda option: option.steps)
            found = self._try_relaxations(call, pairs[:60], relevance, ban)
        # Fewest steps first; at equal steps, what leaves the call's rules as they are
        # (opening an office, unpinning) before what changes them.
        found.sort(key=lambda r: (r.steps, r.changes_rules, -r.objective))
        return found[:limit]

    def _try_relaxations(
        self,
        call: Call,
        options: Sequence[_Option],
        relevance: npt.NDArray[np.float32],
        ban: Collection[str],
    ) -> list[Relaxation]:
        found: list[Relaxation] = []
        for option in options:
            assembler = self
            if option.open_offices:
                routes = RouteFinder(
                    self.dataset,
                    self.routes.home_country,
                    self.routes.costs,
                    self.routes.assume_open | option.open_offices,
                )
                assembler = TeamAssembler(self.dataset, routes, self.objective, self.coverage)
            try:
                rules = CallRules.model_validate({**call.rules.model_dump(), **option.changes})
                relaxed = call.model_copy(update={"rules": rules})
                encoded = assembler.encode(relaxed, relevance, pin=option.pins, ban=ban)
            except (ValidationError, TeamRulesError):
                continue
            selection, used = assembler.solve(encoded.problem, "exact")
            if selection is not None:
                team = assembler.decode(encoded, selection, used)
                found.append(
                    Relaxation(
                        option.description,
                        option.steps,
                        team.objective,
                        team,
                        changes_rules=bool(option.changes),
                    )
                )
        return found

    def _relaxation_options(self, call: Call, pin: Sequence[str]) -> list[_Option]:
        rules = call.rules
        options: list[_Option] = []

        def with_rules(description: str, steps: int, kind: str, **changes: object) -> None:
            try:
                CallRules.model_validate({**rules.model_dump(), **changes})
            except ValidationError:
                return
            options.append(_Option(description, steps, kind, changes, tuple(pin), frozenset()))

        for office in self.dataset.offices:
            if not self.routes.office_is_open(office) and (
                office.home_country == self.routes.home_country
            ):
                options.append(
                    _Option(
                        f"open office {office.id} ({office.name}, now {office.status})",
                        1,
                        "office",
                        {},
                        tuple(pin),
                        frozenset({office.id}),
                    )
                )
        if rules.max_per_institution is not None:
            for step in (1, 2, 3):
                cap = rules.max_per_institution + step
                with_rules(
                    f"raise the per-institution cap from {rules.max_per_institution} to {cap}",
                    step,
                    "institution",
                    max_per_institution=cap,
                )
        for country, needed in rules.required_countries.items():
            for step in range(1, needed + 1):
                lowered = {**rules.required_countries, country: needed - step}
                lowered = {c: n for c, n in lowered.items() if n > 0}
                with_rules(
                    f"require {needed - step} instead of {needed} member(s) from {country}",
                    step,
                    f"country {country}",
                    required_countries=lowered,
                )
        for stage, needed in rules.min_career_stage_counts.items():
            for step in range(1, needed + 1):
                stage_counts: dict[str, int] = {
                    str(k): v for k, v in rules.min_career_stage_counts.items()
                }
                stage_counts[stage] = needed - step
                stage_counts = {s: n for s, n in stage_counts.items() if n > 0}
                with_rules(
                    f"require {needed - step} instead of {needed} {stage}-career member(s)",
                    step,
                    f"stage {stage}",
                    min_career_stage_counts=stage_counts,
                )
        if rules.lead_countries is not None:
            with_rules("let a lead come from any country", 1, "lead country", lead_countries=None)
        if rules.lead_career_stages is not None:
            with_rules(
                "let a lead be of any career stage", 1, "lead stage", lead_career_stages=None
            )
        for step in (1, 2):
            size = rules.max_team_size + step
            with_rules(
                f"raise the maximum team size from {rules.max_team_size} to {size}",
                step,
                "max size",
                max_team_size=size,
            )
        for step in range(1, rules.min_team_size):
            size = rules.min_team_size - step
            with_rules(
                f"lower the minimum team size from {rules.min_team_size} to {size}",
                step,
                "min size",
                min_team_size=size,
            )
        for profile_id in pin:
            kept = tuple(p for p in pin if p != profile_id)
            options.append(_Option(f"unpin {profile_id}", 1, "pin", {}, kept, frozenset()))
        return options

    def diagnose(self, call: Call, pool: list[Candidate], pinned: set[str]) -> list[str]:
        """Which rules the reachable pool cannot meet, and what would relax them."""
        rules = call.rules
        reasons: list[str] = []
        if len(pool) < rules.min_team_size:
            reasons.append(
                f"only {len(pool)} eligible, reachable candidates; the call needs at least "
                f"{rules.min_team_size} members"
            )
        counts = Counter(c.profile.country for c in pool)
        for country, needed in rules.required_countries.items():
            if counts[country] < needed:
                reasons.append(self._country_shortfall(call, country, needed, counts[country]))
        stages = Counter(c.profile.career_stage for c in pool)
        for stage, needed in rules.min_career_stage_counts.items():
            if stages[stage] < needed:
                reasons.append(
                    f"needs at least {needed} {stage}-career members; the reachable pool has "
                    f"{stages[stage]}"
                )
        if not any(_may_lead(call, c.profile) for c in pool):
            reasons.append("no reachable candidate satisfies the lead rules")
        if rules.max_per_institution is not None:
            institutions = Counter(c.profile.institution for c in pool)
            capped = sum(
                min(n, rules.max_per_institution) if inst else n for inst, n in institutions.items()
            )
            if capped < rules.min_team_size:
                reasons.append(
                    f"with at most {rules.max_per_institution} members per institution only "
                    f"{capped} can be chosen; raise the per-institution cap"
                )
        if len(pinned) > rules.max_team_size:
            reasons.append(f"{len(pinned)} pinned profiles exceed max_team_size")
        if not reasons:
            reasons.append(
                "the rules cannot all be met at once by this pool (each is satisfiable alone); "
                "relax the per-institution cap, the office capacities or the pins"
            )
        return reasons

    def _country_shortfall(self, call: Call, country: str, needed: int, reachable: int) -> str:
        name = country_name(country)
        message = (
            f"needs at least {needed} member(s) from {name} ({country}); {reachable} eligible "
            "candidate(s) can be reached"
        )
        unreached = [
            p
            for p in self.dataset.profiles
            if p.country == country
            and eligibility_problem(call, p, self.dataset) is None
            and self.routes.route(p) is None
        ]
        if not unreached:
            return message + f", and the data has no other eligible candidates in {name}"
        closed = [o for o in self.dataset.offices if o.country == country and o.status != "open"]
        if closed:
            office = closed[0]
            return (
                message + f"; {len(unreached)} more are reachable only through {office.name}, "
                f"which is {office.status} (what-if: open office {office.id})"
            )
        return (
            message + f"; {len(unreached)} more have no route (no open office in {name}, "
            "no agreement, no past collaboration)"
        )


def describe_rules(
    call: Call, profiles: Sequence[Profile], members: Sequence[TeamMember]
) -> list[str]:
    """One line per rule of ``call`` that the team meets, with the team's actual figures."""
    rules = call.rules
    lines = [f"team size {len(profiles)} within {rules.min_team_size}-{rules.max_team_size}"]
    countries = Counter(p.country for p in profiles)
    for country, needed in rules.required_countries.items():
        lines.append(f"{countries[country]} member(s) from {country} (at least {needed})")
    if rules.eligible_countries is not None:
        lines.append(f"all members from eligible countries {', '.join(rules.eligible_countries)}")
    if rules.max_per_institution is not None:
        busiest = max(Counter(p.institution for p in profiles).values())
        lines.append(f"at most {busiest} per institution (cap {rules.max_per_institution})")
    stages = Counter(p.career_stage for p in profiles)
    for stage, needed in rules.min_career_stage_counts.items():
        lines.append(f"{stages[stage]} {stage}-career member(s) (at least {needed})")
    lead = next(m for m in members if m.role == "lead")
    if rules.lead_countries is not None or rules.lead_career_stages is not None:
        lines.append(f"lead {lead.profile_id} meets the lead rules")
    return lines


@dataclass(frozen=True)
class _Option:
    """A candidate relaxation: changed rule fields, the pins kept, offices to open."""

    description: str
    steps: int
    kind: str
    changes: dict[str, object]
    pins: tuple[str, ...]
    open_offices: frozenset[str]


def _combine(a: _Option, b: _Option) -> _Option:
    """Both relaxations at once."""
    return _Option(
        f"{a.description}, and {b.description}",
        a.steps + b.steps,
        f"{a.kind}+{b.kind}",
        {**a.changes, **b.changes},
        tuple(p for p in a.pins if p in b.pins),
        a.open_offices | b.open_offices,
    )


def _conflict_groups(shortlist: list[Candidate]) -> list[GroupBound]:
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

""":class:`TeamAssembler`: encode a call's team problem, solve it, decode the team.

The steps live in their own modules (:mod:`~matcher.teams.pool`,
:mod:`~matcher.teams.encoding`, :mod:`~matcher.teams.decoding`,
:mod:`~matcher.teams.alternatives`, :mod:`~matcher.teams.relaxations`,
:mod:`~matcher.teams.diagnosis`); the assembler holds the dataset, routes, objective and
coverage they share and composes them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from matcher.dataset import Dataset
from matcher.model import Call, Team
from matcher.routes import RouteFinder
from matcher.solvers import Selection, TeamProblem, TeamSolver, get_solver
from matcher.teams.alternatives import alternative_teams, describe_alternatives
from matcher.teams.decoding import decode_team
from matcher.teams.diagnosis import diagnose
from matcher.teams.encoding import (
    EncodedTeam,
    office_capacity_groups,
    shortlist_coverage,
    team_problem,
)
from matcher.teams.objective import CoverageFn, Relaxation, TeamObjective, TeamResult
from matcher.teams.pool import (
    Candidate,
    EligibilityMasks,
    ProfileColumns,
    TeamRulesError,
    check_pins,
    member_threshold,
    preselected_pool,
    reachable_candidates,
    shortlist,
)
from matcher.teams.relaxations import (
    RelaxationOption,
    relaxation_options,
    relaxed_call,
    relaxed_routes,
    search_relaxations,
)


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
    eligibility : EligibilityMasks, optional
        Eligibility masks and routes computed once per call signature (the engine passes
        its :class:`~matcher.eligibility.EligibilityChecker`): the pool is then selected
        with array operations, the same teams in a fraction of the time. Without it every
        profile's rules and route are walked per call.
    """

    def __init__(
        self,
        dataset: Dataset,
        routes: RouteFinder,
        objective: TeamObjective | None = None,
        coverage: CoverageFn | None = None,
        eligibility: EligibilityMasks | None = None,
    ) -> None:
        self.dataset = dataset
        self.routes = routes
        self.objective = objective or TeamObjective()
        self.coverage = coverage
        self.eligibility = eligibility
        self._columns: ProfileColumns | None = None

    def _profile_columns(self) -> ProfileColumns:
        if self._columns is None:
            self._columns = ProfileColumns.of(self.dataset.profiles)
        return self._columns

    def candidates(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        exclude: Collection[str] = (),
    ) -> list[Candidate]:
        """Eligible, reachable profiles for ``call`` (``relevance`` aligned with profiles)."""
        if self.eligibility is None:
            return reachable_candidates(self.dataset, self.routes, call, relevance, exclude)
        routes = self.eligibility.profile_routes()
        joinable = self.eligibility.may_join_mask(call).copy()
        positions = self._profile_columns().positions
        joinable[[positions[i] for i in exclude if i in positions]] = False
        profiles = self.dataset.profiles
        return [
            Candidate(profiles[p], float(relevance[p]), route)
            for p in np.flatnonzero(joinable).tolist()
            if (route := routes[p]) is not None
        ]

    def call_threshold(self, call: Call, relevance: npt.NDArray[np.float32]) -> float:
        """Relevance a member must exceed to be worth adding beyond the minimum size (see
        :func:`~matcher.teams.pool.member_threshold`)."""
        eligible = None if self.eligibility is None else self.eligibility.eligible_mask(call)
        return member_threshold(self.dataset, call, relevance, self.objective, eligible)

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
            return self._no_team(call, relevance, encoded, pin=pin, ban=ban, relax=relax)
        best = self.decode(encoded, selection, used)
        others = alternative_teams(
            encoded,
            [selection],
            alternatives,
            self.objective.alternative_overlap,
            lambda problem: self.solve(problem, solver),
            self.decode,
        )
        return TeamResult(call.id, best, [], alternatives=describe_alternatives([best, *others]))

    def _no_team(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        encoded: EncodedTeam,
        *,
        pin: Sequence[str],
        ban: Collection[str],
        relax: bool,
    ) -> TeamResult:
        """Why ``call`` has no team, and (with ``relax``) the smallest relaxations."""
        pool = encoded.pool
        if self.eligibility is not None:  # encode kept a preselection only
            pool = self.candidates(call, relevance, exclude=ban)
        reasons = self.diagnose(call, pool, set(encoded.pinned))
        found = self.relaxations(call, relevance, pin=pin, ban=ban) if relax else []
        if found:
            smallest = found[0]
            reasons.append(
                f"smallest relaxation: {smallest.description} (then a team of "
                f"{len(smallest.team.members)} exists)"
            )
        return TeamResult(call.id, None, reasons, relaxations=found)

    def encode(
        self,
        call: Call,
        relevance: npt.NDArray[np.float32],
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
    ) -> EncodedTeam:
        """The call's team problem over a shortlist of its eligible, reachable pool."""
        _refuse_pinned_and_banned(pin, ban)
        threshold = self.call_threshold(call, relevance)
        if self.eligibility is None:
            pool = self.candidates(call, relevance, exclude=ban)
        else:
            # Only the part of the pool the shortlist can choose from; the whole pool is
            # built when a diagnosis needs it (:meth:`_no_team`).
            pool = preselected_pool(
                self.dataset,
                self.eligibility,
                self._profile_columns(),
                call,
                relevance,
                self.objective,
                pin=pin,
                ban=ban,
            )
        return self.encode_pool(call, pool, threshold, pin=pin, ban=ban)

    def encode_pool(
        self,
        call: Call,
        pool: Sequence[Candidate],
        threshold: float,
        *,
        pin: Sequence[str] = (),
        ban: Collection[str] = (),
    ) -> EncodedTeam:
        """The call's team problem over a shortlist of ``pool``, with ``threshold`` as the
        member threshold.

        What :meth:`encode` does once it has the pool and the threshold; a grant round,
        which never holds a dense relevance row, gives the pool kept while scoring and the
        threshold computed there (:mod:`matcher.rounds.pools`).
        """
        _refuse_pinned_and_banned(pin, ban)
        pinned = set(pin)
        kept = [c for c in pool if c.profile.id not in ban]
        check_pins(self.dataset, call, pinned, kept)
        chosen = shortlist(call, kept, pinned, self.objective)
        part_texts, coverage = shortlist_coverage(self.coverage, call, chosen, self.objective)
        problem = team_problem(
            call,
            chosen,
            pinned,
            threshold,
            coverage,
            self.objective,
            office_capacity_groups(chosen, self.dataset, self.routes),
        )
        return EncodedTeam(
            call,
            kept,
            chosen,
            problem,
            threshold,
            frozenset(pinned),
            part_texts,
            coverage,
            [self.routes.uses_office(c.route) for c in chosen],
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
        return decode_team(encoded, selection, solver, self.routes, self.objective)

    # -- infeasibility ----------------------------------------------------------------------

    def diagnose(self, call: Call, pool: list[Candidate], pinned: set[str]) -> list[str]:
        """Which rules the reachable pool cannot meet, and what would relax them."""
        return diagnose(call, pool, pinned, self.dataset, self.routes)

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
        options = relaxation_options(call, pin, self.dataset, self.routes)

        def team_under(option: RelaxationOption) -> Team | None:
            return self._team_under(call, option, relevance, ban)

        return search_relaxations(options, team_under, limit)

    def _team_under(
        self,
        call: Call,
        option: RelaxationOption,
        relevance: npt.NDArray[np.float32],
        ban: Collection[str],
    ) -> Team | None:
        """The best team for ``call`` changed by ``option`` (exact), or ``None``."""
        assembler = self
        if option.open_offices:
            routes = relaxed_routes(self.dataset, self.routes, option)
            assembler = TeamAssembler(self.dataset, routes, self.objective, self.coverage)
        try:
            relaxed = relaxed_call(call, option)
            encoded = assembler.encode(relaxed, relevance, pin=option.pins, ban=ban)
        except (ValidationError, TeamRulesError):
            return None
        selection, used = assembler.solve(encoded.problem, "exact")
        return None if selection is None else assembler.decode(encoded, selection, used)


def _refuse_pinned_and_banned(pin: Sequence[str], ban: Collection[str]) -> None:
    overlap = set(pin) & set(ban)
    if overlap:
        raise TeamRulesError(f"profiles both pinned and banned: {', '.join(sorted(overlap))}")

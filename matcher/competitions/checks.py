"""Eligibility check of submitted teams: every rule of the call, named, with the smallest fix.

A grant office checks each application of a competition against its call's rules, the same
rules the team solver builds teams under (:mod:`matcher.teams`), with the same meaning:

* ``unknown_member``: a team member who is not a profile of the dataset;
* ``min_team_size`` / ``max_team_size``: the number of members listed;
* ``member_kinds``, ``eligible_countries``, ``eligible_consortia``, ``capacity``: a
  member the call does not admit (:func:`matcher.teams.pool.ineligibility`, rule by rule:
  a member failing two of them is named under both);
* ``unreachable``: a member no route reaches from the matcher's side (its offices, its
  institutions' agreements, past collaboration: :class:`matcher.routes.RouteFinder`);
* ``required_countries:XX``: fewer members from country XX than the call requires;
* ``min_career_stage_counts:STAGE``: fewer members of a career stage than required;
* ``max_per_institution``: more members from one institution than the cap (members
  without an institution are not counted, as in the solver);
* ``lead_countries`` / ``lead_career_stages``: the lead breaks a lead rule
  (:func:`matcher.teams.pool.may_lead`);
* ``declared_conflicts``: two members of whom one declares a conflict of interest with
  the other (:attr:`matcher.model.Profile.conflicts`), never in one team.

Each rule is checked on its own over the listed members (a count counts every known
member, admitted or not), so each failure names its rule, the members concerned and why.
Reachability is the matcher's side's (``matcher.from_side(country)`` checks from
another). Office capacities are not checked: they bound a round's introductions, not a
submitted team.

Where the team can be fixed, the fix is the smallest change of members: the team solver
is asked for a team under the call's rules that keeps as many of the listed members as
possible (fewest removals first, then fewest additions, the current lead kept when
allowed; additions chosen by relevance to the call among the eligible, reachable pool's
shortlist, the candidates the team solver itself considers).
The change is then said in words ("swap A for B", "add one CN member, e.g. B (reachable
via ...)", "remove A", "make B the lead"). When no change of members can meet the rules,
the smallest relaxation of the rules under which a team keeping the admissible members
exists is named (:mod:`matcher.teams.relaxations`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matcher.countries import country_name
from matcher.dataset import Dataset
from matcher.model import Application, Call, Profile
from matcher.routes import RouteFinder
from matcher.teams.encoding import team_problem
from matcher.teams.pool import Candidate, shortlist

if TYPE_CHECKING:
    from matcher.engine import Matcher

#: The order failures are reported in (a rule with a country or stage sorts by its head).
RULE_ORDER: tuple[str, ...] = (
    "unknown_member",
    "min_team_size",
    "max_team_size",
    "member_kinds",
    "eligible_countries",
    "eligible_consortia",
    "capacity",
    "unreachable",
    "required_countries",
    "min_career_stage_counts",
    "max_per_institution",
    "lead_countries",
    "lead_career_stages",
    "declared_conflicts",
)

# The fix search values a kept member far above any addition, so that the solver removes
# as few listed members as possible, then adds as few as possible; among additions the more
# relevant come first (relevance is on a 0-1 scale, clipped).
_KEEP = 100.0
_ADD = -1.0
_RELEVANCE_SHARE = 0.5
_KEEP_LEAD = 0.5


@dataclass(frozen=True)
class RuleFailure:
    """A rule of the call the submitted team breaks.

    Attributes
    ----------
    rule : str
        A stable code: a ``CallRules`` field (``min_team_size``, ``eligible_countries``,
        ...), with the country or stage after a colon for counted rules
        (``required_countries:CN``, ``min_career_stage_counts:senior``), or
        ``unknown_member``, ``capacity``, ``unreachable``, ``declared_conflicts``.
    message : str
        Why, in words, with the members' names and values.
    members : list of str
        The profile ids concerned (empty when the rule counts members who are missing).
    """

    rule: str
    message: str
    members: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        """The rule without its country or stage (``required_countries``)."""
        return self.rule.partition(":")[0]


@dataclass(frozen=True)
class ApplicationCheck:
    """The check of one application against its call's rules.

    Attributes
    ----------
    application_id, call_id : str
        The application and its call.
    failures : list of RuleFailure
        Every rule broken, in :data:`RULE_ORDER`; empty when the team is eligible.
    fixes : list of str
        The smallest change that makes the team eligible, in words (one sentence per
        step), or the smallest relaxation of the rules when no change of members is
        enough; empty when the team is eligible or fixes were not asked for.
    fixable : bool or None
        Whether a change of members alone makes the team eligible (``None`` when fixes
        were not searched for, or the team is eligible).
    fixed_team, fixed_lead : list of str, str or None
        The team after the smallest change (the listed members kept first, in their
        order, then the additions) and its lead; ``None`` unless ``fixable``.
    """

    application_id: str
    call_id: str
    failures: list[RuleFailure] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    fixable: bool | None = None
    fixed_team: list[str] | None = None
    fixed_lead: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the team meets every rule."""
        return not self.failures

    @property
    def rules(self) -> list[str]:
        """The codes of the rules broken, each once, in order."""
        return list(dict.fromkeys(failure.rule for failure in self.failures))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (``ok`` included)."""
        return {
            "application_id": self.application_id,
            "call_id": self.call_id,
            "ok": self.ok,
            "failures": [dataclasses.asdict(failure) for failure in self.failures],
            "fixes": list(self.fixes),
            "fixable": self.fixable,
            "fixed_team": self.fixed_team,
            "fixed_lead": self.fixed_lead,
        }


#: The columns of :meth:`CompetitionCheck.to_rows`.
ROW_COLUMNS: tuple[str, ...] = (
    "application_id",
    "call_id",
    "ok",
    "rule",
    "members",
    "message",
    "fixes",
)


@dataclass(frozen=True)
class CompetitionCheck:
    """The checks of a whole competition.

    Attributes
    ----------
    checks : list of ApplicationCheck
        One per application, in input order.
    """

    checks: list[ApplicationCheck]

    @property
    def failing(self) -> list[ApplicationCheck]:
        """The checks of applications that break a rule."""
        return [check for check in self.checks if not check.ok]

    @property
    def by_rule(self) -> dict[str, list[str]]:
        """Rule code -> ids of the applications breaking it (each once, input order)."""
        found: dict[str, list[str]] = defaultdict(list)
        for check in self.checks:
            for rule in check.rules:
                found[rule].append(check.application_id)
        return dict(sorted(found.items(), key=lambda item: _rule_rank(item[0])))

    def to_rows(self) -> list[dict[str, str]]:
        """Rows for a CSV report (:data:`ROW_COLUMNS`): one per failure, one per eligible
        application (``ok`` true, no rule). Members are ``;``-separated, fixes too."""
        rows: list[dict[str, str]] = []
        for check in self.checks:
            fixes = "; ".join(check.fixes)
            base = {"application_id": check.application_id, "call_id": check.call_id}
            if check.ok:
                rows.append(
                    {**base, "ok": "true", "rule": "", "members": "", "message": "", "fixes": ""}
                )
                continue
            for failure in check.failures:
                rows.append(
                    {
                        **base,
                        "ok": "false",
                        "rule": failure.rule,
                        "members": ";".join(failure.members),
                        "message": failure.message,
                        "fixes": fixes,
                    }
                )
        return rows


def check_application(
    matcher: Matcher, application: Application, *, fixes: bool = True
) -> ApplicationCheck:
    """Check one application's team against its call's rules; name the smallest fix.

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher: its dataset holds the call and profiles, its routes (its side,
        :meth:`~matcher.engine.Matcher.from_side`) say who is reachable, its relevance
        chooses the members a fix adds.
    application : Application
        The application.
    fixes : bool
        Search for the smallest change when the team fails (a solver run per failing
        application); ``False`` only lists the failures.

    Returns
    -------
    ApplicationCheck

    Raises
    ------
    UnknownIdError
        If the application's call is not in the matcher's dataset.
    """
    dataset = matcher.dataset_
    call = dataset.call(application.call_id)
    failures = rule_failures(
        call,
        application,
        dataset,
        matcher.routes_,
        unreachable_reason=matcher.eligibility_.unreachable_reason,
    )
    if not failures or not fixes:
        return ApplicationCheck(application.id, call.id, failures)
    change = smallest_change(matcher, call, application)
    if change is not None:
        return ApplicationCheck(
            application.id,
            call.id,
            failures,
            change.describe(application, matcher.dataset_, failures),
            fixable=True,
            fixed_team=change.team,
            fixed_lead=change.lead,
        )
    return ApplicationCheck(
        application.id, call.id, failures, _relaxation(matcher, call, application), False
    )


def check_competition(
    matcher: Matcher, applications: Iterable[Application], *, fixes: bool = True
) -> CompetitionCheck:
    """Check every application of a competition (see :func:`check_application`).

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher whose dataset holds the applications' calls and profiles.
    applications : iterable of Application
        The competition's applications.
    fixes : bool
        Search for the smallest change of every failing team.

    Returns
    -------
    CompetitionCheck
        The checks in input order; ``by_rule`` and ``to_rows`` report them.
    """
    return CompetitionCheck(
        [check_application(matcher, application, fixes=fixes) for application in applications]
    )


# -- the rules --------------------------------------------------------------------------------


def rule_failures(
    call: Call,
    application: Application,
    dataset: Dataset,
    routes: RouteFinder,
    *,
    unreachable_reason: Callable[[Profile], str] | None = None,
) -> list[RuleFailure]:
    """Every rule of ``call`` the application's team breaks, in :data:`RULE_ORDER`.

    Parameters
    ----------
    call : Call
        The call whose rules apply.
    application : Application
        The team (``team``, ``lead``).
    dataset : Dataset
        The profiles and institutions.
    routes : RouteFinder
        Who is reachable (from its side).
    unreachable_reason : callable, optional
        Why a profile cannot be reached, in words
        (:meth:`~matcher.eligibility.EligibilityChecker.unreachable_reason`).

    Returns
    -------
    list of RuleFailure
    """
    rules = call.rules
    unknown = [m for m in application.team if not dataset.has_profile(m)]
    team = [dataset.profile(m) for m in application.team if dataset.has_profile(m)]
    failures: list[RuleFailure] = []
    if unknown:
        failures.append(
            RuleFailure(
                "unknown_member",
                f"{_listed(unknown)} {_are(unknown)} not in the profiles",
                unknown,
            )
        )
    size = len(application.team)
    if size < rules.min_team_size:
        failures.append(
            RuleFailure(
                "min_team_size",
                f"a team of {size}; the call needs at least {rules.min_team_size} members",
            )
        )
    if size > rules.max_team_size:
        failures.append(
            RuleFailure(
                "max_team_size",
                f"a team of {size}; the call admits at most {rules.max_team_size} members",
                list(application.team),
            )
        )
    failures += _member_failures(call, team, dataset)
    failures += _unreachable(team, routes, unreachable_reason)
    failures += _count_failures(call, team)
    failures += _institution_failures(call, team, dataset)
    lead = dataset.profile(application.lead) if dataset.has_profile(application.lead) else None
    if lead is not None:
        failures += _lead_failures(call, lead)
    failures += _conflict_failures(team)
    return sorted(failures, key=lambda failure: _rule_rank(failure.head))


def _rule_rank(rule: str) -> int:
    head = rule.partition(":")[0]
    return RULE_ORDER.index(head) if head in RULE_ORDER else len(RULE_ORDER)


def _who(profile: Profile) -> str:
    return f"{profile.name} ({profile.id})"


def _listed(items: Sequence[str]) -> str:
    return ", ".join(items)


def _are(items: Sequence[object]) -> str:
    return "is" if len(items) == 1 else "are"


def _plural(kind: str) -> str:
    return "researchers" if kind == "researcher" else "organizations"


def _member_kinds(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    kinds = call.rules.member_kinds
    if profile.kind in kinds:
        return None
    only = " only" if len(kinds) == 1 else ""
    return f"{profile.kind}: the call admits {' and '.join(_plural(k) for k in kinds)}{only}"


def _eligible_countries(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    rules = call.rules
    if rules.country_is_eligible(profile.country):
        return None
    allowed = ", ".join(rules.eligible_countries or ())
    if profile.country is None:
        return f"country unknown; the call admits members from {allowed} only"
    return f"country {profile.country} is not among the eligible countries {allowed}"


def _eligible_consortia(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    wanted = call.rules.eligible_consortia
    if wanted is None:
        return None
    institution = dataset.institution(profile.institution) if profile.institution else None
    consortia = set(institution.consortia) if institution else set()
    if consortia & set(wanted):
        return None
    if profile.institution is None:
        where = "no institution"
    elif institution is None:
        where = f"institution {profile.institution} (not in the institutions file)"
    else:
        where = f"institution {institution.id} ({', '.join(sorted(consortia)) or 'no consortium'})"
    return f"{where} is not in the eligible consortia {', '.join(wanted)}"


def _capacity(call: Call, profile: Profile, dataset: Dataset) -> str | None:
    return None if profile.capacity >= 1 else "capacity 0: no team left to join this round"


#: The member rules of :func:`matcher.teams.pool.ineligibility`, each on its own.
_MEMBER_RULES: tuple[tuple[str, Callable[[Call, Profile, Dataset], str | None]], ...] = (
    ("member_kinds", _member_kinds),
    ("eligible_countries", _eligible_countries),
    ("eligible_consortia", _eligible_consortia),
    ("capacity", _capacity),
)


def _member_failures(call: Call, team: list[Profile], dataset: Dataset) -> list[RuleFailure]:
    failures = []
    for rule, problem in _MEMBER_RULES:
        reasons = {p.id: reason for p in team if (reason := problem(call, p, dataset))}
        if reasons:
            named = [p for p in team if p.id in reasons]
            message = "; ".join(f"{_who(p)}: {reasons[p.id]}" for p in named)
            failures.append(RuleFailure(rule, message, [p.id for p in named]))
    return failures


def _unreachable(
    team: list[Profile], routes: RouteFinder, reason: Callable[[Profile], str] | None
) -> list[RuleFailure]:
    unreached = [p for p in team if routes.route(p) is None]
    if not unreached:
        return []
    side = routes.home_country
    parts = [
        f"{_who(p)}: {reason(p) if reason else f'no route from the {side} side'}" for p in unreached
    ]
    return [RuleFailure("unreachable", "; ".join(parts), [p.id for p in unreached])]


def _count_failures(call: Call, team: list[Profile]) -> list[RuleFailure]:
    rules = call.rules
    failures = []
    for country, needed in rules.required_countries.items():
        present = [p for p in team if p.country == country]
        if len(present) < needed:
            have = f" ({_listed([_who(p) for p in present])})" if present else ""
            failures.append(
                RuleFailure(
                    f"required_countries:{country}",
                    f"needs at least {needed} member(s) from {country_name(country)} "
                    f"({country}); the team has {len(present)}{have}",
                    [p.id for p in present],
                )
            )
    for stage, needed in rules.min_career_stage_counts.items():
        present = [p for p in team if p.career_stage == stage]
        if len(present) < needed:
            have = f" ({_listed([_who(p) for p in present])})" if present else ""
            failures.append(
                RuleFailure(
                    f"min_career_stage_counts:{stage}",
                    f"needs at least {needed} {stage}-career member(s); the team has "
                    f"{len(present)}{have}",
                    [p.id for p in present],
                )
            )
    return failures


def _institution_failures(call: Call, team: list[Profile], dataset: Dataset) -> list[RuleFailure]:
    cap = call.rules.max_per_institution
    if cap is None:
        return []
    by_institution: dict[str, list[Profile]] = defaultdict(list)
    for profile in team:
        if profile.institution:  # as in the solver: no institution, no cap
            by_institution[profile.institution].append(profile)
    return [
        RuleFailure(
            "max_per_institution",
            f"{len(members)} members from {dataset.institution_name(institution)} "
            f"({_listed([_who(p) for p in members])}); the call admits at most {cap} per "
            "institution",
            [p.id for p in members],
        )
        for institution, members in by_institution.items()
        if len(members) > cap
    ]


def _lead_failures(call: Call, lead: Profile) -> list[RuleFailure]:
    rules = call.rules
    failures = []
    if rules.lead_countries is not None and lead.country not in rules.lead_countries:
        failures.append(
            RuleFailure(
                "lead_countries",
                f"the lead {_who(lead)} is from {lead.country or 'an unknown country'}; the "
                f"call's lead must come from {', '.join(rules.lead_countries)}",
                [lead.id],
            )
        )
    stages = rules.lead_career_stages
    if stages is not None and lead.career_stage not in stages:
        failures.append(
            RuleFailure(
                "lead_career_stages",
                f"the lead {_who(lead)} is {lead.career_stage or 'of unknown'}-career; the "
                f"call's lead must be {' or '.join(stages)}-career",
                [lead.id],
            )
        )
    return failures


def _conflict_failures(team: list[Profile]) -> list[RuleFailure]:
    ids = {p.id: p for p in team}
    pairs: set[tuple[str, str]] = set()
    for profile in team:
        for other in profile.conflicts:
            if other in ids and other != profile.id:
                a, b = sorted((profile.id, other))
                pairs.add((a, b))
    failures = []
    for a, b in sorted(pairs):
        first, second = ids[a], ids[b]
        declares = [p for p, q in ((first, second), (second, first)) if q.id in p.conflicts]
        who = " and ".join(_who(p) for p in declares)
        failures.append(
            RuleFailure(
                "declared_conflicts",
                f"{_who(first)} and {_who(second)} may not be in one team: {who} "
                f"declare{'s' if len(declares) == 1 else ''} a conflict of interest",
                [a, b],
            )
        )
    return failures


# -- the smallest fix -------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamChange:
    """A team after the smallest change of an application's members.

    Attributes
    ----------
    team : list of str
        The members: the kept ones in the application's order, then the additions.
    lead : str
        The lead.
    added : list of Candidate
        The members added, with their route and relevance.
    """

    team: list[str]
    lead: str
    added: list[Candidate]

    def removed(self, application: Application) -> list[str]:
        """The application's members left out."""
        return [m for m in application.team if m not in self.team]

    def describe(
        self,
        application: Application,
        dataset: Dataset,
        failures: Sequence[RuleFailure] = (),
    ) -> list[str]:
        """The change in words, one step per sentence.

        A removal and an addition from the same country are a swap, then any other
        removal and addition; the rest are removals and additions (with the added
        member's country, career stage and route; an addition is called by the country
        and stage it brings when ``failures`` lack them), then a change of lead.
        """
        removed = self.removed(application)
        steps: list[str] = []
        unpaired: list[Candidate] = []
        for candidate in self.added:
            same = next(
                (m for m in removed if _country(m, dataset) == candidate.profile.country), None
            )
            if same is None:
                unpaired.append(candidate)
                continue
            removed.remove(same)
            steps.append(f"swap {_named(same, dataset)} for {_introduced(candidate)}")
        for member in removed:
            if unpaired:
                steps.append(f"swap {_named(member, dataset)} for {_introduced(unpaired.pop(0))}")
            else:
                steps.append(f"remove {_named(member, dataset)}")
        lacking = {failure.rule.partition(":")[2] for failure in failures if ":" in failure.rule}
        for candidate in unpaired:
            profile = candidate.profile
            brings = [profile.country] if profile.country in lacking else []
            if profile.career_stage in lacking:
                brings.append(f"{profile.career_stage}-career")
            what = " ".join(brings) or profile.country or "unknown-country"
            steps.append(f"add one {what} member, e.g. {_introduced(candidate)}")
        if self.lead != application.lead:
            steps.append(f"make {_who(dataset.profile(self.lead))} the lead")
        return steps


def smallest_change(matcher: Matcher, call: Call, application: Application) -> TeamChange | None:
    """The smallest change of members under which the team meets every rule.

    Fewest removals first, then fewest additions (the more relevant additions first); the
    current lead stays lead when the rules allow. Additions come from the call's eligible,
    reachable pool (its shortlist, as the team solver sees it).

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher (its dataset, routes, relevance and team solver are used).
    call : Call
        The application's call.
    application : Application
        The application.

    Returns
    -------
    TeamChange or None
        ``None`` when no change of members meets the rules; no removal and no addition
        when the team already does.
    """
    relevance = matcher.relevance_of(call.id)
    assembler = matcher.teams_
    pool = assembler.candidates(call, relevance)
    listed = set(application.team)
    kept = {c.profile.id for c in pool if c.profile.id in listed}
    chosen = shortlist(call, pool, kept, assembler.objective)
    if not chosen:
        return None
    problem = team_problem(call, chosen, set(), 0.0, None, assembler.objective, [])
    scores = np.clip(np.asarray([c.relevance for c in chosen], dtype=np.float64), 0.0, 1.0)
    is_kept = np.asarray([c.profile.id in kept for c in chosen])
    problem = dataclasses.replace(
        problem,
        value=np.where(is_kept, _KEEP, _ADD + _RELEVANCE_SHARE * scores),
        lead_value=np.asarray(
            [_KEEP_LEAD if c.profile.id == application.lead else 0.0 for c in chosen]
        ),
        terms=[],
    )
    selection, _ = assembler.solve(problem, "exact")
    if selection is None:
        return None
    selected = [chosen[i] for i in selection.members]
    ids = {c.profile.id for c in selected}
    added = sorted(
        (c for c in selected if c.profile.id not in listed),
        key=lambda c: (-c.relevance, c.profile.id),
    )
    team = [m for m in application.team if m in ids] + [c.profile.id for c in added]
    return TeamChange(team, chosen[selection.lead].profile.id, added)


def _country(profile_id: str, dataset: Dataset) -> str | None:
    return dataset.profile(profile_id).country if dataset.has_profile(profile_id) else None


def _named(profile_id: str, dataset: Dataset) -> str:
    if not dataset.has_profile(profile_id):
        return f"{profile_id} (not in the profiles)"
    return _who(dataset.profile(profile_id))


def _introduced(candidate: Candidate) -> str:
    profile, route = candidate.profile, candidate.route
    via = "domestic" if route.kind == "domestic" else f"reachable via {route.description}"
    stage = f"{profile.career_stage}-career, " if profile.career_stage else ""
    return f"{_who(profile)} ({profile.country or 'country unknown'}, {stage}{via})"


def _relaxation(matcher: Matcher, call: Call, application: Application) -> list[str]:
    """When no change of members meets the rules: the smallest relaxation under which a
    team keeping the admissible listed members exists, or the diagnosis."""
    relevance = matcher.relevance_of(call.id)
    assembler = matcher.teams_
    pool = assembler.candidates(call, relevance)
    listed = set(application.team)
    keep = sorted(c.profile.id for c in pool if c.profile.id in listed)
    found = assembler.relaxations(call, relevance, pin=keep, limit=1)
    if found:
        return [f"no change of members meets the rules; relax them: {found[0].description}"]
    reasons = assembler.diagnose(call, pool, set(keep))
    return ["no change of members meets the rules: " + "; ".join(reasons)]

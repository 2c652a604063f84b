"""Team assembly: a call's rules as hard constraints, relevance and routes as the objective.

The objective of a team is

    sum over members of (relevance - route_weight * route_cost - member_threshold)
    + lead_weight * relevance of the lead
    + lead_seniority_weight * seniority of the lead (career stage and track record)
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

The lead's seniority (:func:`~matcher.teams.objective.lead_seniority`, 0 to 1) is 0.75 x
its career stage (doctoral 0, early 1/3, mid 2/3, senior 1) plus 0.25 x its track record
(publications, log-scaled, full at 20); the stage is left out when unknown or when the
call's ``lead_career_stages`` already say who may lead.

The call's rules are hard constraints (:mod:`matcher.solvers` never trades a rule for
score): team size, members per required country, eligible countries and consortia, the
per-institution cap, career-stage minimums, a lead who meets the lead rules, declared
conflicts of interest (never two conflicting members in one team), office capacities,
and the user's pins and bans.

By concern: :mod:`~matcher.teams.objective` (the weights and the answers),
:mod:`~matcher.teams.pool` (eligibility, the reachable pool, the shortlist, the member
threshold), :mod:`~matcher.teams.encoding` (the solver problem),
:mod:`~matcher.teams.decoding` (a selection back into a team),
:mod:`~matcher.teams.alternatives`, :mod:`~matcher.teams.relaxations` and
:mod:`~matcher.teams.diagnosis` (why there is no team), composed by
:class:`~matcher.teams.assembler.TeamAssembler`.
"""

from matcher.teams.alternatives import alternative_teams, describe_alternatives
from matcher.teams.assembler import TeamAssembler
from matcher.teams.decoding import coverage_notes, covered_parts, decode_team, describe_rules
from matcher.teams.diagnosis import country_shortfall, diagnose
from matcher.teams.encoding import (
    EncodedTeam,
    conflict_groups,
    office_capacity_groups,
    saturating_terms,
    shortlist_coverage,
    team_problem,
)
from matcher.teams.objective import (
    CoverageFn,
    FloatMatrix,
    Relaxation,
    TeamObjective,
    TeamResult,
    lead_seniority,
    track_record,
)
from matcher.teams.pool import (
    Candidate,
    Ineligibility,
    TeamRulesError,
    check_pins,
    eligibility_problem,
    ineligibility,
    lead_stage_groups,
    may_lead,
    member_threshold,
    reachable_candidates,
    shortlist,
)
from matcher.teams.relaxations import (
    RelaxationOption,
    combine,
    relaxation_options,
    search_relaxations,
)

__all__ = [
    "Candidate",
    "CoverageFn",
    "EncodedTeam",
    "FloatMatrix",
    "Ineligibility",
    "Relaxation",
    "RelaxationOption",
    "TeamAssembler",
    "TeamObjective",
    "TeamResult",
    "TeamRulesError",
    "alternative_teams",
    "check_pins",
    "combine",
    "conflict_groups",
    "country_shortfall",
    "coverage_notes",
    "covered_parts",
    "decode_team",
    "describe_alternatives",
    "describe_rules",
    "diagnose",
    "eligibility_problem",
    "ineligibility",
    "lead_seniority",
    "lead_stage_groups",
    "may_lead",
    "member_threshold",
    "office_capacity_groups",
    "reachable_candidates",
    "relaxation_options",
    "saturating_terms",
    "search_relaxations",
    "shortlist",
    "shortlist_coverage",
    "team_problem",
    "track_record",
]

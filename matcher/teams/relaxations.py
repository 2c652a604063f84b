"""The smallest changes under which a call that has no team gets one.

A :class:`RelaxationOption` is one change: open an office in negotiation, raise the
per-institution cap, require fewer members from a country or career stage, drop a lead
rule, change the size bounds, or unpin a profile. Single changes are tried first; pairs of
changes only when no single change is enough. Each is proven by solving the changed call
exactly, which the caller supplies (:func:`search_relaxations` knows nothing of solvers).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Team
from matcher.routes import RouteFinder
from matcher.teams.objective import Relaxation

#: How many pairs of changes are tried at most (fewest steps first).
MAX_PAIRS = 60


@dataclass(frozen=True)
class RelaxationOption:
    """A candidate relaxation: changed rule fields, the pins kept, offices to open."""

    description: str
    steps: int
    kind: str
    changes: dict[str, object]
    pins: tuple[str, ...]
    open_offices: frozenset[str]


#: ``option -> the best team under it, or None when there is still none``.
TeamUnderFn = Callable[[RelaxationOption], Team | None]


def search_relaxations(
    options: Sequence[RelaxationOption], team_under: TeamUnderFn, limit: int
) -> list[Relaxation]:
    """The ``limit`` smallest relaxations among ``options`` (or their pairs) with a team.

    Fewest steps first; at equal steps, changes that leave the call's rules alone (opening
    an office, unpinning) come first, then the best objective.
    """
    found = _relaxations_with_a_team(options, team_under)
    if not found:
        found = _relaxations_with_a_team(option_pairs(options)[:MAX_PAIRS], team_under)
    found.sort(key=lambda r: (r.steps, r.changes_rules, -r.objective))
    return found[:limit]


def _relaxations_with_a_team(
    options: Sequence[RelaxationOption], team_under: TeamUnderFn
) -> list[Relaxation]:
    found: list[Relaxation] = []
    for option in options:
        team = team_under(option)
        if team is not None:
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


def option_pairs(options: Sequence[RelaxationOption]) -> list[RelaxationOption]:
    """Every pair of changes of different kinds (or two offices), fewest steps first."""
    pairs = [
        combine(a, b)
        for a, b in itertools.combinations(options, 2)
        if a.kind != b.kind or a.kind == "office"
    ]
    pairs.sort(key=lambda option: option.steps)
    return pairs


def combine(a: RelaxationOption, b: RelaxationOption) -> RelaxationOption:
    """Both relaxations at once."""
    return RelaxationOption(
        f"{a.description}, and {b.description}",
        a.steps + b.steps,
        f"{a.kind}+{b.kind}",
        {**a.changes, **b.changes},
        tuple(p for p in a.pins if p in b.pins),
        a.open_offices | b.open_offices,
    )


def relaxed_call(call: Call, option: RelaxationOption) -> Call:
    """``call`` with the option's rule changes (``ValidationError`` if they contradict)."""
    rules = CallRules.model_validate({**call.rules.model_dump(), **option.changes})
    return call.model_copy(update={"rules": rules})


def relaxed_routes(dataset: Dataset, routes: RouteFinder, option: RelaxationOption) -> RouteFinder:
    """``routes`` with the option's offices opened as well."""
    return RouteFinder(
        dataset,
        routes.home_country,
        routes.costs,
        routes.assume_open | option.open_offices,
    )


def relaxation_options(
    call: Call, pin: Sequence[str], dataset: Dataset, routes: RouteFinder
) -> list[RelaxationOption]:
    """Every single change worth trying for ``call`` (each valid on its own): offices to
    open first, then rule changes, then unpinning one profile."""
    pins = tuple(pin)
    options = [
        RelaxationOption(
            f"open office {office.id} ({office.name}, now {office.status})",
            1,
            "office",
            {},
            pins,
            frozenset({office.id}),
        )
        for office in dataset.offices
        if not routes.office_is_open(office) and routes.serves_side(office)
    ]
    for description, steps, kind, changes in _rule_changes(call.rules):
        if _rules_valid(call.rules, changes):
            options.append(RelaxationOption(description, steps, kind, changes, pins, frozenset()))
    for profile_id in pin:
        kept = tuple(p for p in pin if p != profile_id)
        options.append(RelaxationOption(f"unpin {profile_id}", 1, "pin", {}, kept, frozenset()))
    return options


def _rules_valid(rules: CallRules, changes: dict[str, object]) -> bool:
    try:
        CallRules.model_validate({**rules.model_dump(), **changes})
    except ValidationError:  # the change contradicts another rule (e.g. sizes)
        return False
    return True


def _rule_changes(rules: CallRules) -> Iterator[tuple[str, int, str, dict[str, object]]]:
    """``(description, steps, kind, changed rule fields)`` for every rule change to try."""
    if rules.max_per_institution is not None:
        for step in (1, 2, 3):
            cap = rules.max_per_institution + step
            yield (
                f"raise the per-institution cap from {rules.max_per_institution} to {cap}",
                step,
                "institution",
                {"max_per_institution": cap},
            )
    for country, needed in rules.required_countries.items():
        for step in range(1, needed + 1):
            lowered = {**rules.required_countries, country: needed - step}
            yield (
                f"require {needed - step} instead of {needed} member(s) from {country}",
                step,
                f"country {country}",
                {"required_countries": {c: n for c, n in lowered.items() if n > 0}},
            )
    for stage, needed in rules.min_career_stage_counts.items():
        for step in range(1, needed + 1):
            stage_counts = {str(k): v for k, v in rules.min_career_stage_counts.items()}
            stage_counts[stage] = needed - step
            yield (
                f"require {needed - step} instead of {needed} {stage}-career member(s)",
                step,
                f"stage {stage}",
                {"min_career_stage_counts": {s: n for s, n in stage_counts.items() if n > 0}},
            )
    if rules.lead_countries is not None:
        yield "let a lead come from any country", 1, "lead country", {"lead_countries": None}
    if rules.lead_career_stages is not None:
        yield "let a lead be of any career stage", 1, "lead stage", {"lead_career_stages": None}
    for step in (1, 2):
        size = rules.max_team_size + step
        yield (
            f"raise the maximum team size from {rules.max_team_size} to {size}",
            step,
            "max size",
            {"max_team_size": size},
        )
    for step in range(1, rules.min_team_size):
        size = rules.min_team_size - step
        yield (
            f"lower the minimum team size from {rules.min_team_size} to {size}",
            step,
            "min size",
            {"min_team_size": size},
        )

"""Property tests: on small random rounds the joint and the Lagrangian staffings keep every
rule and capacity; joint >= Lagrangian >= greedy, and the Lagrangian bound is >= the joint
optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile
from matcher.rounds.lagrangian import solve_lagrangian
from matcher.rounds.staffing import (
    check_selections,
    solve_greedy,
    solve_joint,
    staffing_bonus,
    team_objectives,
)
from matcher.routes import RouteFinder
from matcher.solvers import Selection
from matcher.teams import EncodedTeam, TeamAssembler, TeamObjective

COUNTRIES = ["RU", "CN", "MN"]


@st.composite
def rounds(draw: st.DrawFn) -> tuple[Dataset, np.ndarray]:
    n_profiles = draw(st.integers(4, 14))
    n_calls = draw(st.integers(1, 5))
    institutions = [
        Institution(id=f"i-{c.lower()}-{k}", name=f"I {c} {k}", country=c)
        for c in COUNTRIES
        for k in range(2)
    ]
    profiles = []
    for i in range(n_profiles):
        country = draw(st.sampled_from(COUNTRIES))
        profiles.append(
            Profile(
                id=f"p{i}",
                name=f"P {i}",
                country=country,
                institution=f"i-{country.lower()}-{draw(st.integers(0, 1))}",
                career_stage=draw(st.sampled_from(["early", "mid", "senior"])),
                capacity=draw(st.integers(0, 2)),
            )
        )
    offices = [
        Office(
            id=f"off-{c.lower()}",
            name=f"Office {c}",
            operator="REC",
            home_country="RU",
            country=c,
            capacity=draw(st.one_of(st.none(), st.integers(0, 4))),
        )
        for c in ("CN", "MN")
    ]
    calls = []
    for j in range(n_calls):
        low = draw(st.integers(1, 3))
        required = draw(
            st.dictionaries(st.sampled_from(["CN", "MN"]), st.integers(1, 2), max_size=2)
        )
        high = max(low, sum(required.values()), draw(st.integers(low, 4)))
        calls.append(
            Call(
                id=f"c{j}",
                title=f"call {j}",
                rules=CallRules(
                    min_team_size=low,
                    max_team_size=high,
                    required_countries=required,
                    max_per_institution=draw(st.one_of(st.none(), st.integers(1, 3))),
                ),
            )
        )
    dataset = Dataset(profiles, calls, institutions, offices)
    seed = draw(st.integers(0, 2**32 - 1))
    relevance = np.random.default_rng(seed).random((n_calls, n_profiles)).astype(np.float32)
    return dataset, relevance


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_joint_staffing_keeps_rules_and_capacities(round_: tuple[Dataset, np.ndarray]) -> None:
    dataset, relevance = round_
    assembler = TeamAssembler(dataset, RouteFinder(dataset), TeamObjective(), coverage=None)
    encoded: dict[str, EncodedTeam] = {
        call.id: assembler.encode(call, relevance[j]) for j, call in enumerate(dataset.calls)
    }
    joint = solve_joint(dataset, encoded, time_limit=30)
    assert joint is not None
    assert check_selections(dataset, encoded, joint.selections) == []
    greedy = solve_greedy(dataset, assembler, encoded, "exact")
    assert check_selections(dataset, encoded, greedy.selections) == []
    bonus = staffing_bonus(encoded)

    def value(selections: dict[str, Selection]) -> float:
        return sum(team_objectives(encoded, selections).values()) + bonus * len(selections)

    assert value(joint.selections) >= value(greedy.selections) - 1e-6 * max(1.0, bonus)
    # Every decoded team meets its call's rules (the model's own description agrees).
    for call_id, selection in joint.selections.items():
        team = assembler.decode(encoded[call_id], selection, "joint")
        rules = dataset.call(call_id).rules
        assert rules.min_team_size <= len(team.members) <= rules.max_team_size


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_lagrangian_staffing_is_feasible_and_bounds_the_joint_optimum(
    round_: tuple[Dataset, np.ndarray],
) -> None:
    dataset, relevance = round_
    assembler = TeamAssembler(dataset, RouteFinder(dataset), TeamObjective(), coverage=None)
    encoded: dict[str, EncodedTeam] = {
        call.id: assembler.encode(call, relevance[j]) for j, call in enumerate(dataset.calls)
    }
    lagrangian = solve_lagrangian(dataset, assembler, encoded, iterations=15)
    assert check_selections(dataset, encoded, lagrangian.selections) == []
    joint = solve_joint(dataset, encoded, time_limit=30)
    greedy = solve_greedy(dataset, assembler, encoded, "exact")
    assert joint is not None
    bonus = staffing_bonus(encoded)

    def value(selections: dict[str, Selection]) -> float:
        return sum(team_objectives(encoded, selections).values()) + bonus * len(selections)

    tolerance = 1e-6 * max(1.0, bonus * len(dataset.calls))
    assert value(greedy.selections) <= value(lagrangian.selections) + tolerance
    assert value(lagrangian.selections) <= value(joint.selections) + tolerance
    assert lagrangian.bound is not None and lagrangian.gap is not None
    assert value(joint.selections) <= lagrangian.bound + tolerance
    assert lagrangian.gap >= 0

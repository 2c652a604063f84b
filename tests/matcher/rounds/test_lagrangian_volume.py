"""The volume method of the Lagrangian staffing: feasible, bounded by its proven bound,
never below the greedy staffing, and deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher import Dataset
from matcher.rounds import RoundConfig
from matcher.rounds.lagrangian import LagrangianState, Method, solve_lagrangian
from matcher.rounds.repair import Residual
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
from tests.matcher.rounds.test_lagrangian_seam import contested_round, encode
from tests.matcher.rounds.test_staffing_properties import rounds


def joint_value(encoded: dict[str, EncodedTeam], selections: dict[str, Selection]) -> float:
    bonus = staffing_bonus(encoded)
    return sum(team_objectives(encoded, selections).values()) + bonus * len(selections)


def check_against_joint_and_greedy(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    method: Method = "volume",
) -> None:
    volume = solve_lagrangian(
        dataset, assembler, encoded, method=method, iterations=10, tolerance=0.0
    )
    assert check_selections(dataset, encoded, volume.selections) == []
    joint = solve_joint(dataset, encoded, time_limit=30)
    greedy = solve_greedy(dataset, assembler, encoded, "exact")
    assert joint is not None
    tolerance = 1e-6 * max(1.0, staffing_bonus(encoded) * len(dataset.calls))
    assert volume.bound is not None and volume.gap is not None and volume.gap >= 0
    assert joint_value(encoded, joint.selections) <= volume.bound + tolerance
    assert joint_value(encoded, volume.selections) <= joint_value(encoded, joint.selections) + (
        tolerance
    )
    assert joint_value(encoded, greedy.selections) <= joint_value(encoded, volume.selections) + (
        tolerance
    )


@pytest.mark.parametrize("method", ["volume", "fast-subgradient"])
@pytest.mark.parametrize("seed", range(5))
def test_feasible_bounds_the_joint_optimum_and_beats_greedy(seed: int, method: Method) -> None:
    dataset = contested_round(seed, n_profiles=12, n_calls=5)
    assembler, encoded = encode(dataset, seed)
    check_against_joint_and_greedy(dataset, assembler, encoded, method)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_volume_on_random_rounds(round_: tuple[Dataset, np.ndarray]) -> None:
    dataset, relevance = round_
    assembler = TeamAssembler(dataset, RouteFinder(dataset), TeamObjective(), coverage=None)
    encoded = {
        call.id: assembler.encode(call, relevance[j]) for j, call in enumerate(dataset.calls)
    }
    check_against_joint_and_greedy(dataset, assembler, encoded)


def test_volume_is_deterministic() -> None:
    dataset = contested_round(3)
    assembler, encoded = encode(dataset, 3)
    runs = [
        solve_lagrangian(dataset, assembler, encoded, method="volume", iterations=6, tolerance=0.0)
        for _ in range(2)
    ]
    first, second = runs
    assert first.selections == second.selections
    assert (first.objective, first.bound, first.gap) == (second.objective, second.bound, second.gap)


def test_residual_counts_an_office_used_twice_by_one_team() -> None:
    capacity = np.asarray([1.0, 1.0, 1.0])  # two profiles, then one office
    columns = {"c": np.asarray([0, 1], dtype=np.int64)}
    offices = {"c": np.asarray([2, 2], dtype=np.int64)}
    residual = Residual(capacity, columns, offices)
    assert residual.fits("c", [0])
    assert not residual.fits("c", [0, 1])  # both through the office with one introduction
    residual.take("c", [0])
    assert not residual.fits("c", [1])
    residual.give_back("c", [0])
    assert residual.fits("c", [1])


def test_round_config_refuses_an_unknown_lagrangian_method() -> None:
    with pytest.raises(ValueError, match="lagrangian_method"):
        RoundConfig(lagrangian_method="bundle")  # type: ignore[arg-type]
    assert RoundConfig().lagrangian_method == "fast-subgradient"


def test_a_state_of_one_method_does_not_resume_the_other() -> None:
    dataset = contested_round(5, n_profiles=10, n_calls=3)
    assembler, encoded = encode(dataset, 5)
    states: list[LagrangianState] = []
    solve_lagrangian(
        dataset, assembler, encoded, method="subgradient", iterations=1, on_iteration=states.append
    )
    with pytest.raises(ValueError, match="resume with the method that made it"):
        solve_lagrangian(dataset, assembler, encoded, method="volume", start=states[0])

"""The Lagrangian staffing's seams: batched per-call solves, per-iteration states that resume
exactly, and Ctrl-C keeping the best feasible round."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from matcher import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile
from matcher.rounds.lagrangian import (
    LagrangianState,
    Method,
    serial_call_solves,
    solve_lagrangian,
)
from matcher.rounds.staffing import check_selections
from matcher.routes import RouteFinder
from matcher.solvers import Selection, TeamProblem
from matcher.teams import EncodedTeam, TeamAssembler, TeamObjective

COUNTRIES = ["RU", "CN", "MN"]


def contested_round(seed: int, n_profiles: int = 16, n_calls: int = 6) -> Dataset:
    """A small round where calls compete for the same profiles and offices."""
    rng = np.random.default_rng(seed)
    institutions = [
        Institution(id=f"i-{c.lower()}-{k}", name=f"I {c} {k}", country=c)
        for c in COUNTRIES
        for k in range(2)
    ]
    profiles = []
    for i in range(n_profiles):
        country = COUNTRIES[int(rng.integers(0, 3))]
        profiles.append(
            Profile(
                id=f"p{i}",
                name=f"P {i}",
                country=country,
                institution=f"i-{country.lower()}-{int(rng.integers(0, 2))}",
                career_stage=["early", "mid", "senior"][int(rng.integers(0, 3))],
                capacity=int(rng.integers(1, 3)),
            )
        )
    offices = [
        Office(
            id=f"off-{c.lower()}",
            name=f"Office {c}",
            operator="REC",
            home_country="RU",
            country=c,
            capacity=int(rng.integers(2, 5)),
        )
        for c in ("CN", "MN")
    ]
    calls = [
        Call(
            id=f"c{j}",
            title=f"call {j}",
            rules=CallRules(
                min_team_size=2,
                max_team_size=4,
                required_countries={["CN", "MN"][j % 2]: 1},
            ),
        )
        for j in range(n_calls)
    ]
    return Dataset(profiles, calls, institutions, offices)


def encode(dataset: Dataset, seed: int) -> tuple[TeamAssembler, dict[str, EncodedTeam]]:
    relevance = (
        np.random.default_rng(seed + 1)
        .random((len(dataset.calls), len(dataset.profiles)))
        .astype(np.float32)
    )
    assembler = TeamAssembler(dataset, RouteFinder(dataset), TeamObjective(), coverage=None)
    encoded = {
        call.id: assembler.encode(call, relevance[j]) for j, call in enumerate(dataset.calls)
    }
    return assembler, encoded


@pytest.fixture(scope="module")
def round_() -> tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]]:
    dataset = contested_round(7)
    assembler, encoded = encode(dataset, 7)
    return dataset, assembler, encoded


@pytest.fixture(params=["subgradient", "fast-subgradient", "volume"])
def method(request: pytest.FixtureRequest) -> Method:
    name: Method = request.param
    return name


def test_resume_after_k_iterations_equals_the_uninterrupted_run(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    states: list[LagrangianState] = []
    full = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=8,
        tolerance=0.0,
        on_iteration=states.append,
    )
    assert len(states) >= 3, "the round must need several iterations for this test to mean much"
    assert [s.iteration for s in states] == list(range(1, len(states) + 1))
    for k in (1, 2, len(states) - 1):
        # The state goes through JSON, as a checkpoint file would.
        start = LagrangianState.from_json(json.loads(json.dumps(states[k - 1].to_json())))
        resumed_states: list[LagrangianState] = []
        resumed = solve_lagrangian(
            dataset,
            assembler,
            encoded,
            method=method,
            iterations=8,
            tolerance=0.0,
            start=start,
            on_iteration=resumed_states.append,
        )
        assert resumed.selections == full.selections
        assert resumed.objective == full.objective
        assert resumed.bound == full.bound
        assert resumed.gap == full.gap
        later = [(s.iteration, s.bound, s.best_value, s.prices) for s in states[k:]]
        assert [(s.iteration, s.bound, s.best_value, s.prices) for s in resumed_states] == later


def test_resume_from_the_last_state_runs_nothing_more(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    states: list[LagrangianState] = []
    full = solve_lagrangian(
        dataset, assembler, encoded, method=method, iterations=4, on_iteration=states.append
    )
    calls: list[int] = []

    def counting(problems: Sequence[TeamProblem]) -> list[Selection | None]:
        calls.append(len(problems))
        return serial_call_solves(assembler.objective.time_limit)(problems)

    again = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=4,
        start=states[-1],
        solve_calls=counting,
    )
    assert calls == []
    assert again.selections == full.selections and again.bound == full.bound


def test_state_round_trips_through_json_exactly(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    states: list[LagrangianState] = []
    solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=3,
        tolerance=0.0,
        on_iteration=states.append,
    )
    for state in states:
        text = json.dumps(state.to_json())
        assert LagrangianState.from_json(json.loads(text)) == state
    first = states[0]
    assert first.iterations == 3 and first.staffed == len(first.best)
    assert first.bound >= first.best_value
    assert first.gap == pytest.approx((first.bound - first.best_value) / abs(first.bound))


def test_malformed_state_names_the_field() -> None:
    with pytest.raises(ValueError, match="'prices'"):
        LagrangianState.from_json(
            {
                "iteration": 1,
                "iterations": 2,
                "bound": "0x1p0",
                "best_value": "0x1p0",
                "gap": "0x0p0",
                "staffed": 0,
                "elapsed": "0x0p0",
                "prices": ["not a float"],
                "step_scale": "0x1p0",
                "stalled": 0,
                "best": {},
            }
        )
    with pytest.raises(ValueError, match="'iteration' is missing"):
        LagrangianState.from_json({"best": {}})


def test_a_state_of_another_round_is_refused(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    states: list[LagrangianState] = []
    solve_lagrangian(
        dataset, assembler, encoded, method=method, iterations=1, on_iteration=states.append
    )
    other = contested_round(8, n_profiles=9)
    other_assembler, other_encoded = encode(other, 8)
    with pytest.raises(ValueError, match="another round"):
        solve_lagrangian(other, other_assembler, other_encoded, method=method, start=states[0])


def test_batches_of_per_call_solves_go_through_solve_calls(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    batches: list[int] = []
    serial = serial_call_solves(assembler.objective.time_limit)

    def counting(problems: Sequence[TeamProblem]) -> list[Selection | None]:
        batches.append(len(problems))
        return serial(problems)

    states: list[LagrangianState] = []
    with_fake = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=3,
        tolerance=0.0,
        solve_calls=counting,
        on_iteration=states.append,
    )
    plain = solve_lagrangian(
        dataset, assembler, encoded, method=method, iterations=3, tolerance=0.0
    )
    assert len(batches) == len(states) and batches[0] == len(encoded)
    if method == "subgradient":
        assert batches == [len(encoded)] * len(states)
    else:  # only the calls whose priced values changed are solved again
        assert all(b <= len(encoded) for b in batches)
    assert with_fake.selections == plain.selections and with_fake.bound == plain.bound


def test_interrupt_from_on_iteration_keeps_the_best_round_so_far(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    seen: list[LagrangianState] = []

    def interrupt_at_two(state: LagrangianState) -> None:
        seen.append(state)
        if state.iteration == 2:
            raise KeyboardInterrupt

    staffing = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=8,
        tolerance=0.0,
        on_iteration=interrupt_at_two,
    )
    assert staffing.interrupted
    assert len(seen) == 2
    assert any("interrupted after 2 iteration(s)" in note for note in staffing.notes)
    assert staffing.selections == seen[-1].selections()
    assert staffing.selections, "the round staffs some calls by iteration 2"
    assert check_selections(dataset, encoded, staffing.selections) == []
    assert staffing.bound == seen[-1].bound


def test_interrupt_inside_the_per_call_solves_keeps_the_best_round_so_far(
    round_: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    method: Method,
) -> None:
    dataset, assembler, encoded = round_
    serial = serial_call_solves(assembler.objective.time_limit)
    batches: list[int] = []

    def interrupted_third_batch(problems: Sequence[TeamProblem]) -> list[Selection | None]:
        batches.append(len(problems))
        if len(batches) == 3:
            raise KeyboardInterrupt
        return serial(problems)

    seen: list[LagrangianState] = []
    staffing = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        method=method,
        iterations=8,
        tolerance=0.0,
        solve_calls=interrupted_third_batch,
        on_iteration=seen.append,
    )
    assert staffing.interrupted and [s.iteration for s in seen] == [1, 2]
    assert staffing.selections == seen[-1].selections()
    assert check_selections(dataset, encoded, staffing.selections) == []
    # The last state resumes to the uninterrupted answer.
    resumed = solve_lagrangian(
        dataset, assembler, encoded, method=method, iterations=8, tolerance=0.0, start=seen[-1]
    )
    full = solve_lagrangian(dataset, assembler, encoded, method=method, iterations=8, tolerance=0.0)
    assert not resumed.interrupted
    assert resumed.selections == full.selections and resumed.bound == full.bound

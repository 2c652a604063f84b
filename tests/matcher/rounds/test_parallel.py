"""Per-call solves in parallel: the same teams on 1, 2 or a Dask cluster's workers; a
failing or dying worker is a clear error; no worker outlives the staffing, even on Ctrl-C."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import distributed  # the "scale" extra, which scripts/test installs: never skipped
import numpy as np
import pytest

from matcher import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile
from matcher.rounds import RoundConfig, run_round
from matcher.rounds import parallel as parallel_module
from matcher.rounds.lagrangian import solve_lagrangian
from matcher.rounds.parallel import (
    CallSolveError,
    DaskCallSolves,
    ProcessCallSolves,
    SerialCallSolves,
    available_cores,
    resolve_workers,
    solve_exactly,
)
from matcher.rounds.staffing import check_selections
from matcher.routes import RouteFinder
from matcher.solvers import Selection, TeamProblem
from matcher.teams import EncodedTeam, TeamAssembler, TeamObjective

TIME_LIMIT = 30.0
#: Set by the test that interrupts a batch: the file a sleeping worker creates.
STARTED_ENV = "GRANTMATCH_TEST_WORKER_STARTED"
BOOM_SIZE = 5  # a problem with this max_size makes ``_explode`` fail


# Module-level, so the spawned workers import them by reference.
def _explode(problem: TeamProblem, time_limit: float) -> Selection | None:
    if problem.max_size == BOOM_SIZE:
        raise ValueError("boom")
    return solve_exactly(problem, time_limit)


def _die(problem: TeamProblem, time_limit: float) -> Selection | None:
    os._exit(3)


def _sleep(problem: TeamProblem, time_limit: float) -> Selection | None:
    Path(os.environ[STARTED_ENV]).touch()
    time.sleep(600)
    return None


def _round(seed: int = 7, n_profiles: int = 40, n_calls: int = 10) -> tuple[Dataset, np.ndarray]:
    """A small round with binding capacities: few RU profiles, offices with 3 introductions."""
    rng = np.random.default_rng(seed)
    countries = ["RU", "CN", "MN"]
    institutions = [
        Institution(id=f"i-{c.lower()}-{k}", name=f"I {c} {k}", country=c)
        for c in countries
        for k in range(3)
    ]
    profiles = [
        Profile(
            id=f"p{i}",
            name=f"P {i}",
            country=(country := countries[int(rng.integers(0, 3))]),
            institution=f"i-{country.lower()}-{int(rng.integers(0, 3))}",
            career_stage=["early", "mid", "senior"][int(rng.integers(0, 3))],
            capacity=int(rng.integers(1, 3)),
        )
        for i in range(n_profiles)
    ]
    offices = [
        Office(
            id=f"off-{c.lower()}",
            name=f"Office {c}",
            operator="REC",
            home_country="RU",
            country=c,
            capacity=3,
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
                required_countries={"CN": 1} if j % 2 else {"MN": 1},
                max_per_institution=2,
            ),
        )
        for j in range(n_calls)
    ]
    dataset = Dataset(profiles, calls, institutions, offices)
    return dataset, rng.random((n_calls, n_profiles)).astype(np.float32)


@pytest.fixture(scope="module")
def staffing_round() -> tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]]:
    dataset, relevance = _round()
    assembler = TeamAssembler(dataset, RouteFinder(dataset), TeamObjective(), coverage=None)
    encoded = {
        call.id: assembler.encode(call, relevance[j]) for j, call in enumerate(dataset.calls)
    }
    return dataset, assembler, encoded


@pytest.fixture(scope="module")
def problems(
    staffing_round: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
) -> list[TeamProblem]:
    _, _, encoded = staffing_round
    return [encoded[c].problem for c in sorted(encoded)]


@pytest.fixture(scope="module")
def local_client() -> Iterator[distributed.Client]:
    # In this process (threads), so the test starts no extra interpreter for Dask.
    with (
        distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def _alive(pool: ProcessCallSolves) -> list[bool]:
    return [p.is_alive() for p in pool.processes]


def _staffing_children() -> list[multiprocessing.process.BaseProcess]:
    """This process's staffing workers still running (finished ones are reaped)."""
    return [p for p in multiprocessing.active_children() if p.name == "grantmatch-staffing"]


@pytest.mark.slow
def test_selections_are_identical_serial_on_a_pool_and_on_dask(
    staffing_round: tuple[Dataset, TeamAssembler, dict[str, EncodedTeam]],
    local_client: distributed.Client,
) -> None:
    dataset, assembler, encoded = staffing_round
    serial = solve_lagrangian(
        dataset, assembler, encoded, iterations=6, solve_calls=SerialCallSolves(TIME_LIMIT)
    )
    assert len(serial.selections) >= 5  # a round worth staffing, not a trivial one
    assert check_selections(dataset, encoded, serial.selections) == []
    with ProcessCallSolves(2, TIME_LIMIT, min_batch=1, chunks_per_worker=3) as pool:
        pooled = solve_lagrangian(dataset, assembler, encoded, iterations=6, solve_calls=pool)
        assert pool.started  # the pool really solved them
    dask = solve_lagrangian(
        dataset,
        assembler,
        encoded,
        iterations=6,
        solve_calls=DaskCallSolves(TIME_LIMIT, client=local_client, min_batch=1),
    )
    for other in (pooled, dask):
        assert other.selections == serial.selections
        assert other.bound == serial.bound and other.gap == serial.gap
        assert other.objective == serial.objective


@pytest.mark.slow
def test_results_come_back_in_input_order(
    problems: list[TeamProblem], local_client: distributed.Client
) -> None:
    # Reversed and repeated, so that chunks of unequal work finish out of order.
    batch = problems[::-1] + problems
    expected = [solve_exactly(p, TIME_LIMIT) for p in batch]
    assert len({str(s) for s in expected}) > 1
    with ProcessCallSolves(3, TIME_LIMIT, min_batch=1, chunks_per_worker=2) as pool:
        assert pool(batch) == expected
        assert pool(batch[:1]) == expected[:1]  # below min_batch: solved here, same answer
    on_dask = DaskCallSolves(TIME_LIMIT, client=local_client, min_batch=1, chunks_per_worker=3)
    assert on_dask(batch) == expected


@pytest.mark.slow
def test_a_worker_given_only_new_values_answers_as_if_sent_the_whole_problem(
    problems: list[TeamProblem], local_client: distributed.Client
) -> None:
    # The second batch is every call priced (same rules, new values), as a Lagrangian
    # iteration sends it: the workers already hold those calls and get the values only.
    rng = np.random.default_rng(3)
    priced = [replace(p, value=p.value - rng.uniform(0, 0.6, p.n)) for p in problems]
    mixed = priced[::2] + problems[1::2]  # some calls back at their first values
    batches = (problems, priced, mixed, priced[::-1])
    expected = [[solve_exactly(p, TIME_LIMIT) for p in batch] for batch in batches]
    assert expected[0] != expected[1]  # the prices change teams: stale values would show
    with ProcessCallSolves(2, TIME_LIMIT, min_batch=1, chunks_per_worker=3) as pool:
        assert [pool(batch) for batch in batches] == expected
    with DaskCallSolves(TIME_LIMIT, client=local_client, min_batch=1) as on_dask:
        assert [on_dask(batch) for batch in batches] == expected


@pytest.mark.slow
def test_a_failing_problem_is_a_clear_error_and_stops_the_pool(
    problems: list[TeamProblem], local_client: distributed.Client
) -> None:
    batch = list(problems)
    batch[3] = replace(batch[3], max_size=BOOM_SIZE)
    pool = ProcessCallSolves(2, TIME_LIMIT, min_batch=1, solve_one=_explode)
    with (
        pool,
        pytest.raises(CallSolveError, match=r"problem 3 of the batch failed: ValueError: boom"),
    ):
        pool(batch)
    assert not pool.started and _staffing_children() == []
    on_dask = DaskCallSolves(TIME_LIMIT, client=local_client, min_batch=1, solve_one=_explode)
    with pytest.raises(CallSolveError, match=r"Dask worker.*problem 3 of the batch.*boom"):
        on_dask(batch)


@pytest.mark.slow
def test_a_dying_worker_is_an_error_not_a_hang(problems: list[TeamProblem]) -> None:
    with ProcessCallSolves(2, TIME_LIMIT, min_batch=1, solve_one=_die) as pool:
        with pytest.raises(CallSolveError, match="exit code 3"):
            pool(problems)
        assert not pool.started  # every worker stopped, the survivor too
        assert _staffing_children() == []


@pytest.mark.slow
def test_no_worker_outlives_the_block(problems: list[TeamProblem]) -> None:
    with ProcessCallSolves(2, TIME_LIMIT, min_batch=1) as pool:
        pool(problems)
        started = list(pool.processes)
        assert _alive(pool) == [True, True]  # kept between batches
        pool(problems)
        assert pool.processes == started  # not restarted
    assert not any(p.is_alive() for p in started) and _staffing_children() == []
    with pytest.raises(CallSolveError, match="closed"):
        pool(problems)
    # Ctrl-C between two iterations: leaving the block still stops them.
    with pytest.raises(KeyboardInterrupt), ProcessCallSolves(2, TIME_LIMIT, min_batch=1) as pool:
        pool(problems)
        started = list(pool.processes)
        raise KeyboardInterrupt
    assert started and not any(p.is_alive() for p in started)


@pytest.mark.slow
def test_ctrl_c_during_a_batch_stops_the_workers(
    problems: list[TeamProblem], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "started"
    monkeypatch.setenv(STARTED_ENV, str(marker))  # the spawned workers inherit it
    main = threading.main_thread().ident
    assert main is not None

    def interrupt_once_solving() -> None:
        while not marker.exists():
            time.sleep(0.05)
        signal.pthread_kill(main, signal.SIGINT)  # what Ctrl-C does to the driver

    pool = ProcessCallSolves(2, TIME_LIMIT, min_batch=1, solve_one=_sleep)
    started: list[object] = []
    original = pool._start

    def record() -> None:
        original()
        started.extend(pool.processes)

    monkeypatch.setattr(pool, "_start", record)
    threading.Thread(target=interrupt_once_solving, daemon=True).start()
    with pool, pytest.raises(KeyboardInterrupt):
        pool(problems)  # every worker sleeps 600 s: only stopping them ends this
    assert len(started) == 2 and not pool.started
    assert _staffing_children() == []


def test_worker_counts() -> None:
    assert resolve_workers(None) == resolve_workers(0) == available_cores() >= 1
    assert resolve_workers(3) == 3
    with pytest.raises(ValueError, match="0 or more"):
        resolve_workers(-1)
    with pytest.raises(ValueError, match="at least 2"):
        ProcessCallSolves(1, TIME_LIMIT)


def test_staffing_workers_setting() -> None:
    with pytest.raises(ValueError, match="staffing_workers"):
        RoundConfig(staffing_workers=-1)
    with pytest.raises(ValueError, match="Dask cluster"):
        RoundConfig(engine="dask", staffing_workers=4)
    RoundConfig(engine="dask", staffing_workers=1)  # solved in the driver: allowed
    # The teams never depend on it, so a round may resume with another count.
    assert RoundConfig(staffing_workers=1).fingerprint() == RoundConfig().fingerprint()
    assert RoundConfig(staffing_workers=2).fingerprint() == RoundConfig().fingerprint()


@pytest.mark.slow
def test_a_round_staffed_on_two_workers_writes_the_same_teams(
    demo: Dataset,
    vector_cache: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tight = Dataset(
        [p.model_copy(update={"capacity": 1}) for p in demo.profiles],
        demo.calls,
        demo.institutions,
        [o.model_copy(update={"capacity": 2}) if o.status == "open" else o for o in demo.offices],
    )
    monkeypatch.setattr(parallel_module, "MIN_BATCH", 1)  # the demo has only 11 calls
    outputs = {}
    for workers in (1, 2):
        config = RoundConfig(
            backend="tfidf",
            cache_path=vector_cache,
            staffing="lagrangian",
            lagrangian_iterations=4,
            staffing_workers=workers,
            report=False,
        )
        with caplog.at_level(logging.DEBUG, logger="matcher.rounds.parallel"):
            run_round(tight, tmp_path / str(workers), config)
        outputs[workers] = {
            name: (tmp_path / str(workers) / name).read_bytes()
            for name in ("teams.csv", "summary.json")
        }
    assert "started 2 staffing worker processes" in caplog.text
    assert "stopped 2 staffing worker processes" in caplog.text
    assert outputs[1] == outputs[2]

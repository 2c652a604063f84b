"""``run_round``: score a whole grant round in chunks, staff every call jointly, write it all.

Stages (each reported through ``progress(stage, fraction)``, or
``progress(stage, fraction, detail)``, see :mod:`matcher.rounds.progress`):

1. ``embed``: every distinct evidence and call text once (through the vector cache, so a
   resumed or repeated round embeds nothing it has seen).
2. ``score``: profiles in chunks (:mod:`matcher.rounds.scoring`), locally or on Dask
   (:mod:`matcher.rounds.engines`); each chunk's share of every call's top list and pool is
   checkpointed, and the full calls x profiles matrix is never held.
3. ``staff``: each call's team problem from its pool (:class:`RoundAssembler`; the call's
   parts embedded once and scored against its shortlist for the coverage term,
   :mod:`matcher.rounds.coverage`), then the joint MILP under the round's capacities
   (:mod:`matcher.rounds.staffing`), or its Lagrangian decomposition
   (:mod:`matcher.rounds.lagrangian`), whose state is checkpointed after every iteration and
   whose progress (iterations, proven gap, time left) is reported. Ctrl-C there keeps the best
   feasible round found so far: it is written as a complete result marked ``interrupted``,
   and a resume continues from the last iteration.
4. ``write``: scores and teams (CSV, Parquet), ``summary.json`` and ``report.html``, each
   written atomically and deterministically.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from embeddings import Encoder
from matcher.dataset import Dataset
from matcher.eligibility import EligibilityChecker
from matcher.evidence import EvidenceIndex, FloatMatrix, embed_unique, encode_as, make_encoder
from matcher.extras import require_extra
from matcher.io import write_text_atomic
from matcher.model import Team
from matcher.relevance import RelevanceWeights
from matcher.rounds.checkpoints import Checkpoints, LatestWriter, ResumeError, dataset_hash
from matcher.rounds.chunks import ChunkResult, ChunkTask, Merger, SpecArrays
from matcher.rounds.config import RoundConfig, RoundSummary
from matcher.rounds.coverage import RoundCoverage
from matcher.rounds.engines import run_dask, run_local
from matcher.rounds.lagrangian import LagrangianState, solve_lagrangian
from matcher.rounds.outputs import (
    ELIGIBILITY_COLUMNS,
    SCORE_COLUMNS,
    TEAM_COLUMNS,
    team_rows,
    write_table,
)
from matcher.rounds.parallel import open_call_solves
from matcher.rounds.pools import PoolPlan, plan_pools, profile_routes, quantile_from_top
from matcher.rounds.progress import (
    DetailedProgress,
    Progress,
    StaffingProgress,
    StopReason,
    detailed,
)
from matcher.rounds.scoring import ProfileLayout, chunk_layout
from matcher.rounds.staffing import (
    RoundAssembler,
    Staffing,
    explain_unstaffed,
    joint_size,
    solve_alone,
    solve_greedy,
    solve_joint,
    usage,
)
from matcher.routes import RouteFinder
from matcher.solvers import Selection
from matcher.teams import Candidate, EncodedTeam, TeamObjective, TeamRulesError

log = logging.getLogger(__name__)

#: Seconds to sleep after each chunk checkpoint; only for tests that interrupt a real run.
DELAY_ENV = "GRANTMATCH_ROUND_CHUNK_DELAY"
#: Seconds to sleep after each staffing iteration's checkpoint; only for tests likewise.
ITERATION_DELAY_ENV = "GRANTMATCH_ROUND_ITERATION_DELAY"
#: Share of the ``staff`` stage's bar given to encoding the calls' team problems.
_ENCODE_SHARE = 0.2


def _evidence_rows(dataset: Dataset) -> int:
    return sum(
        len(p.publications) + bool(p.keywords) + bool(p.summary.strip()) for p in dataset.profiles
    )


def chunk_size_for(dataset: Dataset, config: RoundConfig) -> int:
    """Profiles per chunk: one chunk's similarity block within ``config.memory_mb``."""
    if config.chunk_size is not None:
        return config.chunk_size
    n = max(1, len(dataset.profiles))
    rows_per_profile = _evidence_rows(dataset) / n + 2  # keyword and summary slots
    floats = config.memory_mb * 2**20 / 4 / 3  # similarities, scores and a working copy
    size = int(floats / (max(1, len(dataset.calls)) * rows_per_profile))
    return max(64, min(size, 100_000))


def _embed(
    dataset: Dataset, encoder: Encoder, progress: DetailedProgress
) -> tuple[EvidenceIndex, FloatMatrix]:
    total_texts = _evidence_rows(dataset) + len(dataset.calls)
    done = 0

    def encode(texts: Sequence[str], kind: Literal["query", "passage"] = "passage") -> FloatMatrix:
        nonlocal done
        parts = []
        for start in range(0, len(texts), 2048):
            batch = list(texts[start : start + 2048])
            parts.append(encoder.encode(batch, show_progress=False, kind=kind))
            done += len(batch)
            progress("embed", min(1.0, done / max(1, total_texts)))
        if not parts:
            return np.zeros((0, encoder.dim), dtype=np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)

    index = EvidenceIndex.build(dataset.profiles, encode)
    calls = embed_unique([c.text for c in dataset.calls], lambda t: encode(t, "query"))
    progress("embed", 1.0)
    return index, calls


def _tasks(
    index: EvidenceIndex,
    plan: PoolPlan,
    weights: RelevanceWeights,
    size: int,
    skip: set[int],
) -> Iterator[ChunkTask]:
    """Chunk tasks, built lazily so only the chunks in flight are held."""
    layout = ProfileLayout.of(index)
    for number, start in enumerate(range(0, index.n_profiles, size)):
        if number in skip:
            continue
        profiles = np.arange(start, min(index.n_profiles, start + size), dtype=np.int64)
        chunk = chunk_layout(index, layout, profiles, weights)
        yield ChunkTask(number, chunk, plan.masks[:, chunk.order])


def _pools(
    dataset: Dataset,
    plan: PoolPlan,
    merger: Merger,
    routes: Sequence[Any],
    objective: TeamObjective,
) -> tuple[dict[str, list[Candidate]], dict[str, float]]:
    pools: dict[str, list[Candidate]] = {}
    thresholds: dict[str, float] = {}
    by_call: dict[int, list[int]] = {}
    for s, spec in enumerate(plan.specs):
        by_call.setdefault(spec.call, []).append(s)
    for number, call in enumerate(dataset.calls):
        threshold_spec = plan.threshold_specs.get(number)
        chosen: dict[int, float] = {}
        for s in by_call.get(number, []):
            if s != threshold_spec:  # that one holds unreachable profiles too
                index, score = merger.kept[s]
                chosen.update(zip(index.tolist(), score.tolist(), strict=True))
        pools[call.id] = [
            Candidate(dataset.profiles[p], score, routes[p]) for p, score in sorted(chosen.items())
        ]
        if threshold_spec is not None:
            _, top = merger.kept[threshold_spec]
            thresholds[call.id] = quantile_from_top(
                top.astype(np.float64),
                int(plan.eligible_sizes[number]),
                objective.threshold_quantile,
            )
    return pools, thresholds


def _score_rows(
    dataset: Dataset,
    merger: Merger,
    pools: dict[str, list[Candidate]],
    routes: RouteFinder,
    config: RoundConfig,
) -> list[dict[str, Any]]:
    """The rows of ``scores``: per call its ``top_k`` best profiles (of all, or of those
    that may join with ``eligible_only``), with eligibility columns when asked for."""
    position = {p.id: i for i, p in enumerate(dataset.profiles)}
    checker = EligibilityChecker(dataset, routes) if config.scores_with_eligibility else None
    rows: list[dict[str, Any]] = []
    for number, call in enumerate(dataset.calls):
        if config.eligible_only:
            best = sorted(pools[call.id], key=lambda c: (-c.relevance, position[c.profile.id]))
            top = [(position[c.profile.id], c.relevance) for c in best[: config.top_k]]
        else:
            index_top, score_top = merger.top[number]
            top = [(int(p), float(score)) for p, score in zip(index_top, score_top, strict=True)]
        for rank, (p, score) in enumerate(top, start=1):
            row: dict[str, Any] = {
                "call_id": call.id,
                "profile_id": dataset.profiles[p].id,
                "score": float(score),
                "rank": rank,
            }
            if checker is not None:
                found = checker.check(call, dataset.profiles[p])
                row.update(eligible=found.eligible, reachable=found.reachable, reason=found.reason)
            rows.append(row)
    return rows


def _save_staffing(
    path: Path, staffing: Staffing, encoded: dict[str, EncodedTeam], iterations: int | None
) -> None:
    payload = {
        "method": staffing.method,
        "gap": staffing.gap,
        "bound": staffing.bound,
        "iterations": iterations,
        "notes": staffing.notes,
        "seconds": staffing.seconds,
        "teams": {
            call_id: {
                "members": [encoded[call_id].shortlist[i].profile.id for i in s.members],
                "lead": encoded[call_id].shortlist[s.lead].profile.id,
                "solver": staffing.solvers[call_id],
            }
            for call_id, s in sorted(staffing.selections.items())
        },
    }
    write_text_atomic(json.dumps(payload, indent=1, sort_keys=True) + "\n", path)


def _load_staffing(path: Path, encoded: dict[str, EncodedTeam]) -> tuple[Staffing, int | None]:
    """The finished staffing :func:`_save_staffing` wrote, and its iteration count."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    selections: dict[str, Selection] = {}
    solvers: dict[str, str] = {}
    for call_id, team in payload["teams"].items():
        position = {c.profile.id: i for i, c in enumerate(encoded[call_id].shortlist)}
        selections[call_id] = Selection(
            members=[position[p] for p in team["members"]], lead=position[team["lead"]]
        )
        solvers[call_id] = team["solver"]
    objective = sum(s.objective(encoded[c].problem) for c, s in selections.items())
    staffing = Staffing(
        payload["method"],
        selections,
        solvers,
        {},
        objective,
        float(payload["seconds"]),
        gap=payload["gap"],
        notes=list(payload["notes"]),
        bound=payload.get("bound"),
    )
    return staffing, payload.get("iterations")


def staff(
    dataset: Dataset,
    assembler: RoundAssembler,
    encoded: dict[str, EncodedTeam],
    config: RoundConfig,
    *,
    on_iteration: Callable[[LagrangianState], None] | None = None,
    start: LagrangianState | None = None,
) -> Staffing:
    """Choose the round's teams with ``config.staffing`` (see :class:`RoundConfig`).

    ``on_iteration`` and ``start`` go to the Lagrangian decomposition when it is used (see
    :func:`~matcher.rounds.lagrangian.solve_lagrangian`): a callback after every iteration,
    and the state to resume from.
    """
    if config.staffing == "independent":
        started = time.perf_counter()
        selections, solvers = solve_alone(assembler, encoded, config.solver)
        objective = sum(s.objective(encoded[c].problem) for c, s in selections.items())
        return Staffing(
            "independent",
            selections,
            solvers,
            {},
            objective,
            time.perf_counter() - started,
            notes=["calls solved one by one, capacities across calls ignored"],
        )
    notes: list[str] = []
    if config.staffing == "joint":
        size = joint_size(encoded)
        if size <= config.max_joint_variables:
            joint = solve_joint(dataset, encoded, config.time_limit)
            if joint is not None:
                return joint
            notes.append("joint MILP found no solution in its time limit; Lagrangian used")
        else:
            notes.append(
                f"joint MILP has {size} variables (limit {config.max_joint_variables}); "
                "Lagrangian decomposition used"
            )
    if config.staffing in ("joint", "lagrangian"):
        # The per-call solves in parallel (workers started for this staffing only).
        with open_call_solves(config, assembler.objective.time_limit) as solve_calls:
            staffing = solve_lagrangian(
                dataset,
                assembler,
                encoded,
                iterations=config.lagrangian_iterations,
                time_limit=config.lagrangian_time_limit,
                tolerance=config.lagrangian_gap,
                method=config.lagrangian_method,
                solve_calls=solve_calls,
                on_iteration=on_iteration,
                start=start,
            )
        staffing.notes[:0] = notes
        return staffing
    return solve_greedy(dataset, assembler, encoded, config.solver)


def _staff_fraction(iteration: int, iterations: int) -> float:
    """How far the ``staff`` stage is after ``iteration`` of at most ``iterations``."""
    return _ENCODE_SHARE + (1 - _ENCODE_SHARE) * min(1.0, iteration / max(1, iterations))


class _StaffingWatch:
    """Called after every Lagrangian iteration: checkpoints its state (atomically, so a
    resume always finds a complete one, and on a thread of its own, so the next iteration
    need not wait for it), logs it and reports the progress. :meth:`close` waits for the
    last checkpoint."""

    def __init__(
        self,
        checkpoints: Checkpoints,
        report: DetailedProgress,
        start: LagrangianState | None,
        time_limit: float | None,
    ) -> None:
        self.checkpoints = checkpoints
        self.report = report
        self.time_limit = time_limit
        self.last = start
        self.first = 0 if start is None else start.iteration
        self.started = time.perf_counter()
        self.delay = float(os.environ.get(ITERATION_DELAY_ENV, "0") or 0)
        self.writer: LatestWriter[LagrangianState] = LatestWriter(
            lambda state: checkpoints.save_iteration(state.to_json())
        )

    def __call__(self, state: LagrangianState) -> None:
        self.writer.put(state)
        self.last = state
        detail = self.detail(state)
        log.info(
            "staffing: %s; bound %.6f, best joint objective %.6f",
            detail.describe(),
            state.bound,
            state.best_value,
        )
        self.report("staff", _staff_fraction(state.iteration, state.iterations), detail)
        if self.delay:
            time.sleep(self.delay)

    def detail(self, state: LagrangianState, interrupted: bool = False) -> StaffingProgress:
        """``state`` as progress: the time left at this run's mean seconds per iteration."""
        stopped = self._stopped(state, interrupted)
        ran = state.iteration - self.first
        seconds_left = None
        if stopped is None and ran > 0:
            rate = (time.perf_counter() - self.started) / ran
            seconds_left = (state.iterations - state.iteration) * rate
        return StaffingProgress(
            iteration=state.iteration,
            iterations=state.iterations,
            gap=max(0.0, state.gap),
            bound=state.bound,
            best=state.best_value,
            staffed=state.staffed,
            seconds_left=seconds_left,
            stopped=stopped,
        )

    def _stopped(self, state: LagrangianState, interrupted: bool) -> StopReason | None:
        if interrupted:
            return "interrupted"
        if state.finished:
            # The method stops on its own at the gap tolerance, at optimal prices, or (an
            # opt-in) at its time limit.
            if self.time_limit is not None and state.elapsed > self.time_limit:
                return "time limit"
            return "gap reached"
        if state.iteration >= state.iterations:
            return "all iterations"
        return None


def _start_state(checkpoints: Checkpoints) -> LagrangianState | None:
    """The Lagrangian state to resume from, if an earlier run of this round saved one."""
    found = checkpoints.last_iteration()
    if found is None:
        return None
    try:
        return LagrangianState.from_json(found)
    except ValueError as error:
        raise ResumeError(f"{checkpoints.iteration_path}: {error}") from None


def _staff_resumably(
    dataset: Dataset,
    assembler: RoundAssembler,
    encoded: dict[str, EncodedTeam],
    config: RoundConfig,
    checkpoints: Checkpoints,
    report: DetailedProgress,
) -> tuple[Staffing, int | None, StaffingProgress | None]:
    """The staffing, its Lagrangian iterations and its last progress: read back when a
    finished one is checkpointed, else solved (from the last iteration's state, if any)."""
    if checkpoints.staffing_path.exists():
        staffing, iterations = _load_staffing(checkpoints.staffing_path, encoded)
        return staffing, iterations, None
    start = _start_state(checkpoints)
    watch = _StaffingWatch(checkpoints, report, start, config.lagrangian_time_limit)
    try:
        staffing = staff(dataset, assembler, encoded, config, on_iteration=watch, start=start)
    finally:
        watch.writer.close()  # the last iteration's state is on disk before anything else
    last = watch.last
    if staffing.interrupted and last is None:
        # Not one iteration finished: no round to keep, so stop as during scoring.
        raise KeyboardInterrupt
    iterations = None if last is None else last.iteration
    if not staffing.interrupted:
        # Only a finished staffing is final; an interrupted one resumes from `last`.
        _save_staffing(checkpoints.staffing_path, staffing, encoded, iterations)
    detail = None if last is None else watch.detail(last, staffing.interrupted)
    return staffing, iterations, detail


def run_round(
    dataset: Dataset,
    out_dir: Path,
    config: RoundConfig = RoundConfig(),  # noqa: B008 - frozen, so a shared default is safe
    *,
    resume: bool = False,
    progress: Progress | DetailedProgress | None = None,
) -> RoundSummary:
    """Score and staff a whole grant round, writing its outputs to ``out_dir``.

    Parameters
    ----------
    dataset : Dataset
        Profiles, calls, institutions and offices of the round.
    out_dir : Path
        Folder for ``scores.csv``/``.parquet``, ``teams.csv``/``.parquet``,
        ``summary.json``, ``report.html`` and the checkpoints (``.checkpoints/``).
    config : RoundConfig
        Backend, top-k, staffing method, engine, chunking, and the relevance weights,
        team objective and routes (as for :class:`matcher.Matcher`).
    resume : bool
        Continue from the checkpoints in ``out_dir`` (refused, with a
        :class:`~matcher.rounds.checkpoints.ResumeError`, if they were made from other
        inputs or settings). Finished chunks and a finished staffing are not recomputed;
        an interrupted Lagrangian staffing continues from its last completed iteration, and
        the outputs are byte-identical to an uninterrupted run's.
    progress : callable, optional
        ``progress(stage, fraction)``, stage one of ``embed``, ``score``, ``staff``,
        ``write``; fraction from 0 to 1. A callable that takes a third argument,
        ``progress(stage, fraction, detail)``, also gets a
        :class:`~matcher.rounds.progress.StaffingProgress` after every iteration of the
        Lagrangian staffing and at its end (``None`` otherwise).

    Returns
    -------
    RoundSummary
        Counts, objective, capacity use, timings, output files. ``interrupted`` is true
        when Ctrl-C (``KeyboardInterrupt``) stopped the Lagrangian staffing after at least
        one iteration: the outputs are then complete and hold the best feasible round found
        so far. Ctrl-C at any other point raises ``KeyboardInterrupt`` and leaves no
        ``summary.json``; either way ``resume=True`` continues.
    """
    if config.report:
        require_extra("report", "matplotlib", "jinja2")
    report = detailed(progress)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    objective = config.round_team_objective()
    weights = config.round_relevance()
    size = chunk_size_for(dataset, config)
    n_chunks = math.ceil(len(dataset.profiles) / size) if dataset.profiles else 0
    encoder = make_encoder(dataset, config.backend, config.cache_path)
    identity = {
        "inputs": dataset_hash(dataset),
        "config": config.fingerprint(),
        "encoder": encoder.model_id,
        "chunk_size": size,
        "format": 1,
    }
    checkpoints = Checkpoints(out_dir / ".checkpoints", identity, resume)
    # summary.json is written last; while it is absent the outputs are not complete.
    (out_dir / "summary.json").unlink(missing_ok=True)
    timings["prepare"] = time.perf_counter() - started

    started = time.perf_counter()
    index, call_vectors = _embed(dataset, encoder, report)
    timings["embed"] = time.perf_counter() - started

    started = time.perf_counter()
    routes = RouteFinder(dataset, config.home_country, config.round_route_costs())
    profile_route = profile_routes(dataset, routes)
    plan = plan_pools(
        dataset,
        profile_route,
        objective,
        config.pool_depth,
        score_depth=config.top_k if config.eligible_only else 0,
    )
    specs = SpecArrays(
        call=np.asarray([s.call for s in plan.specs], dtype=np.int64),
        mask=np.asarray([s.mask for s in plan.specs], dtype=np.int64),
        depth=np.asarray([s.depth for s in plan.specs], dtype=np.int64),
    )
    merger = Merger(len(dataset.calls), config.top_k, specs)
    done = checkpoints.done_chunks() & set(range(n_chunks))
    for number in sorted(done):
        merger.add(ChunkResult.load(checkpoints.chunk_path(number)))
    finished = len(done)
    report("score", finished / max(1, n_chunks))
    delay = float(os.environ.get(DELAY_ENV, "0") or 0)

    def on_result(result: ChunkResult) -> None:
        nonlocal finished
        result.save(checkpoints.chunk_path(result.number))
        merger.add(result)
        finished += 1
        report("score", finished / max(1, n_chunks))
        if delay:
            time.sleep(delay)

    calibration = getattr(encoder, "calibration", None)
    tasks = _tasks(index, plan, weights, size, done)
    if config.engine == "dask":
        run_dask(
            tasks,
            call_vectors,
            weights,
            calibration,
            config.top_k,
            specs,
            on_result,
            scheduler=config.scheduler,
            workers=config.dask_workers,
        )
    else:
        run_local(tasks, call_vectors, weights, calibration, config.top_k, specs, on_result)
    timings["score"] = time.perf_counter() - started

    started = time.perf_counter()
    pools, thresholds = _pools(dataset, plan, merger, profile_route, objective)
    coverage = None
    if objective.coverage_weight > 0:
        coverage = RoundCoverage(
            dataset, index, lambda texts: encode_as(encoder, texts, "query"), encoder.calibrate
        )
    assembler = RoundAssembler(dataset, routes, objective, pools, thresholds, coverage)
    encoded: dict[str, EncodedTeam] = {}
    failed: dict[str, list[str]] = {}
    for number, call in enumerate(dataset.calls):
        try:
            encoded[call.id] = assembler.encode_call(call)
        except TeamRulesError as error:
            failed[call.id] = [str(error)]
        report("staff", _ENCODE_SHARE * (number + 1) / max(1, len(dataset.calls)))
    staffing, iterations, detail = _staff_resumably(
        dataset, assembler, encoded, config, checkpoints, report
    )
    staffing.unstaffed = explain_unstaffed(
        dataset, assembler, encoded, staffing, failed, config.solver
    )
    teams: list[Team] = [
        assembler.decode(encoded[call.id], staffing.selections[call.id], staffing.solvers[call.id])
        for call in dataset.calls
        if call.id in staffing.selections
    ]
    # An interrupted staffing shows where it stopped, not a full bar.
    stopped_at = detail if staffing.interrupted else None
    report(
        "staff",
        1.0 if stopped_at is None else _staff_fraction(stopped_at.iteration, stopped_at.iterations),
        detail,
    )
    timings["staff"] = time.perf_counter() - started
    if coverage is not None:  # part of the staff stage: embedding the parts, the matrices
        timings["coverage"] = coverage.embed_seconds_ + coverage.seconds_

    started = time.perf_counter()
    score_rows = _score_rows(dataset, merger, pools, routes, config)
    files = {
        "scores_csv": "scores.csv",
        "scores_parquet": "scores.parquet",
        "teams_csv": "teams.csv",
        "teams_parquet": "teams.parquet",
        "summary": "summary.json",
    }
    if config.report:
        files["report"] = "report.html"
    score_columns = SCORE_COLUMNS + (ELIGIBILITY_COLUMNS if config.scores_with_eligibility else ())
    write_table(score_rows, score_columns, out_dir / "scores.csv", out_dir / "scores.parquet")
    report("write", 0.3)
    write_table(team_rows(teams), TEAM_COLUMNS, out_dir / "teams.csv", out_dir / "teams.parquet")
    report("write", 0.5)
    profile_use, office_use = usage(encoded, staffing.selections)
    office_load = {
        office.id: (office_use.get(office.id, 0), office.capacity)
        for office in dataset.offices
        if office.capacity is not None or office.id in office_use
    }
    summary = RoundSummary(
        calls=len(dataset.calls),
        profiles=len(dataset.profiles),
        staffed=len(teams),
        unstaffed={
            c.id: staffing.unstaffed[c.id] for c in dataset.calls if c.id in staffing.unstaffed
        },
        objective=float(sum(team.objective for team in teams)),
        staffing=staffing.method,
        encoder=encoder.model_id,
        chunks=n_chunks,
        profile_capacity_used=sum(profile_use.values()),
        office_load=office_load,
        files=files,
        resumed_chunks=len(done),
        gap=staffing.gap,
        bound=staffing.bound,
        iterations=iterations,
        interrupted=staffing.interrupted,
    )
    payload = summary.to_json()
    payload["notes"] = staffing.notes
    if config.report:
        # Imported here: matplotlib is an extra, and slow to import.
        from matcher.rounds.report import build_report

        html = build_report(dataset, summary, score_rows, teams, profile_use, staffing.notes)
        write_text_atomic(html, out_dir / "report.html")
    else:
        (out_dir / "report.html").unlink(missing_ok=True)  # never a stale report beside new data
    report("write", 0.8)
    # summary.json last: its presence says every other output is complete.
    write_text_atomic(
        json.dumps(payload, indent=1, sort_keys=True) + "\n", out_dir / "summary.json"
    )
    report("write", 1.0)
    timings["write"] = time.perf_counter() - started
    summary.timings = timings
    return summary

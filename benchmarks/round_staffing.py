"""Round staffing at national scale: a synthetic round of 1,000 calls x 100,000 profiles.

The instance comes from :func:`benchmarks._synthetic.synthetic_round` (countries, capacities
1-3, institutions, six offices whose capacities bind, calls of 3-6 with a home-country member
and one from the coordinator's country, as in ``round_cordis.py``), with topic-clustered
vectors instead of embedded texts. Pools come from the round's own code path: chunked
scoring (:mod:`matcher.rounds.scoring`), the pool plan (:mod:`matcher.rounds.pools`) and
:meth:`RoundAssembler.encode_call`. Then each method staffs the same encoded round:

* ``subgradient``: the Lagrangian decomposition as it was (plain subgradient steps,
  a full greedy repair every iteration);
* ``volume``: the default Lagrangian (:mod:`matcher.rounds.lagrangian`);
* ``fast-subgradient``: its cached solves, repair and local search with subgradient steps;
* ``greedy``: calls one by one, best stand-alone objective first;
* ``joint``: the joint MILP, where it has at most ``--max-joint-variables`` variables.

Printed per method: wall time of staffing, its CPU time (this process; the machine is shared,
so wall time depends on the load), calls staffed, team objective, joint objective
(team objectives + the staffing bonus per staffed call), its proven bound and gap, the gap
to the best bound any method proved (so greedy gets a measured gap too), and that distance
relative to the team objective alone (``team gap``): the bonus makes the joint objective
large, so the joint gap looks small; the team gap says how much team quality could be missing.

``--solver before`` solves every per-call problem with the exact solver as it was before
issue 18 (``benchmarks/_milp_before.py``), in the workers and in the driver, so that
``--solver before --methods subgradient`` is the staffing as it was, on the same instance.
``--dask-workers N`` runs the per-call solves on a Dask LocalCluster of N worker processes.
``--instance-cache FILE`` keeps the encoded round in a pickle file between runs (about a minute
of building and scoring at full size; rebuilt when the size or seed differ).
``--compare-solvers`` first times both exact solvers on every call's unpriced problem, in this
process, and checks that they choose the same teams.

    python benchmarks/round_staffing.py --calls 1000 --profiles 100000
    python benchmarks/round_staffing.py --calls 200 --profiles 20000 --methods volume joint
    python benchmarks/round_staffing.py --solver before --methods subgradient --workers 2
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._milp_before import MilpSolver as MilpSolverBefore
from benchmarks._synthetic import synthetic_round
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.rounds import RoundConfig
from matcher.rounds.chunks import ChunkResult, Merger, SpecArrays
from matcher.rounds.engines import run_local
from matcher.rounds.lagrangian import CallSolves, Method, solve_lagrangian
from matcher.rounds.parallel import (
    ProcessCallSolves,
    SerialCallSolves,
    open_call_solves,
    resolve_workers,
)
from matcher.rounds.pools import plan_pools, profile_routes
from matcher.rounds.runner import _pools, _tasks, chunk_size_for
from matcher.rounds.staffing import (
    RoundAssembler,
    Staffing,
    check_selections,
    joint_size,
    solve_greedy,
    solve_joint,
    staffing_bonus,
)
from matcher.routes import RouteFinder
from matcher.solvers import SOLVERS, MilpSolver, Selection, TeamProblem
from matcher.teams import EncodedTeam, TeamRulesError

METHODS = ("subgradient", "fast-subgradient", "volume", "greedy", "joint")


LAGRANGIAN: dict[str, Method] = {
    "subgradient": "subgradient",
    "fast-subgradient": "fast-subgradient",
    "volume": "volume",
}


def encode_round(
    dataset: Dataset, index: EvidenceIndex, call_vectors: np.ndarray, config: RoundConfig
) -> tuple[RoundAssembler, dict[str, EncodedTeam]]:
    """Each call's team problem, through the round's scoring, pools and encoding."""
    objective = config.round_team_objective()
    weights = config.round_relevance()
    routes = RouteFinder(dataset, config.home_country, config.round_route_costs())
    profile_route = profile_routes(dataset, routes)
    plan = plan_pools(dataset, profile_route, objective, config.pool_depth, score_depth=0)
    specs = SpecArrays(
        call=np.asarray([s.call for s in plan.specs], dtype=np.int64),
        mask=np.asarray([s.mask for s in plan.specs], dtype=np.int64),
        depth=np.asarray([s.depth for s in plan.specs], dtype=np.int64),
    )
    merger = Merger(len(dataset.calls), config.top_k, specs)
    size = chunk_size_for(dataset, config)

    def on_result(result: ChunkResult) -> None:
        merger.add(result)

    tasks = _tasks(index, plan, weights, size, set())
    run_local(tasks, call_vectors, weights, None, config.top_k, specs, on_result)
    pools, thresholds = _pools(dataset, plan, merger, profile_route, objective)
    assembler = RoundAssembler(dataset, routes, objective, pools, thresholds)
    encoded: dict[str, EncodedTeam] = {}
    for call in dataset.calls:
        try:
            encoded[call.id] = assembler.encode_call(call)
        except TeamRulesError:
            continue  # the call's rules cannot be met by anyone: not staffed by any method
    return assembler, encoded


def solve_before(problem: TeamProblem, time_limit: float) -> Selection | None:
    """A worker's per-call solve with the exact solver as it was before issue 18."""
    return MilpSolverBefore(time_limit).solve(problem)


@contextmanager
def call_solves(args: argparse.Namespace, time_limit: float) -> Iterator[CallSolves]:
    """The per-call solves the arguments ask for: the round's own, or the solver before."""
    if args.solver == "before":
        workers = resolve_workers(args.workers)
        solves: SerialCallSolves | ProcessCallSolves = (
            SerialCallSolves(time_limit, solve_before)
            if workers == 1
            else ProcessCallSolves(workers, time_limit, solve_one=solve_before)
        )
        with solves:
            yield solves
        return
    config = RoundConfig(
        staffing_workers=args.workers,
        engine="dask" if args.dask_workers else "local",
        dask_workers=args.dask_workers or 2,
        report=False,
        cache_path=None,
    )
    with open_call_solves(config, time_limit) as solve_calls:
        yield solve_calls


def instance(
    args: argparse.Namespace,
) -> tuple[Dataset, RoundAssembler, dict[str, EncodedTeam], float, float]:
    """The encoded round, built (and kept in ``--instance-cache``) or read back from there."""
    cache = Path(args.instance_cache) if args.instance_cache else None
    key = (args.calls, args.profiles, args.seed, args.dim)
    if cache is not None and cache.exists():
        with cache.open("rb") as file:
            saved_key, dataset, assembler, encoded = pickle.load(file)
        if saved_key == key:
            return dataset, assembler, encoded, 0.0, 0.0
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    dataset, index, call_vectors = synthetic_round(rng, args.calls, args.profiles, args.dim)
    built = time.perf_counter() - started
    started = time.perf_counter()
    config = RoundConfig(backend="tfidf", cache_path=None, report=False)
    assembler, encoded = encode_round(dataset, index, call_vectors, config)
    encoded_seconds = time.perf_counter() - started
    if cache is not None:
        with cache.open("wb") as file:
            pickle.dump((key, dataset, assembler, encoded), file, protocol=pickle.HIGHEST_PROTOCOL)
    return dataset, assembler, encoded, built, encoded_seconds


def compare_solvers(encoded: dict[str, EncodedTeam]) -> None:
    """Both exact solvers on every call's problem: milliseconds per call, same teams."""
    problems = [e.problem for e in encoded.values()]
    now, before = MilpSolver(), MilpSolverBefore()
    timings: dict[str, float] = {}
    answers: dict[str, list[Selection | None]] = {}
    for name, solver in (("before", before), ("now", now)):
        started = time.perf_counter()
        answers[name] = [solver.solve(problem) for problem in problems]
        timings[name] = 1000 * (time.perf_counter() - started) / len(problems)
    same = sum(a == b for a, b in zip(answers["before"], answers["now"], strict=True))
    print(
        f"exact solver per call: {timings['now']:.1f} ms now, {timings['before']:.1f} ms before "
        f"({timings['before'] / timings['now']:.1f}x); same team for {same} of {len(problems)}"
    )


def run_method(
    method: str,
    dataset: Dataset,
    assembler: RoundAssembler,
    encoded: dict[str, EncodedTeam],
    args: argparse.Namespace,
) -> Staffing | None:
    if method == "greedy":
        return solve_greedy(dataset, assembler, encoded, "exact")
    if method == "joint":
        size = joint_size(encoded)
        if size > args.max_joint_variables:
            print(f"joint: skipped, {size} variables > {args.max_joint_variables}")
            return None
        return solve_joint(dataset, encoded, args.joint_time_limit)
    with call_solves(args, assembler.objective.time_limit) as solve_calls:
        return solve_lagrangian(
            dataset,
            assembler,
            encoded,
            method=LAGRANGIAN[method],
            iterations=args.iterations,
            time_limit=args.time_limit,
            tolerance=args.gap,
            solve_calls=solve_calls,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--time-limit", type=float, default=None, help="Lagrangian, seconds")
    parser.add_argument("--max-joint-variables", type=int, default=150_000)
    parser.add_argument("--joint-time-limit", type=float, default=300.0)
    parser.add_argument(
        "--gap", type=float, default=0.02, help="Lagrangian: stop at this proven gap"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes for the per-call solves (0: per core)"
    )
    parser.add_argument(
        "--dask-workers", type=int, default=0, help="per-call solves on a Dask LocalCluster"
    )
    parser.add_argument(
        "--solver",
        choices=("now", "before"),
        default="now",
        help="the exact per-call solver: today's, or as it was before issue 18",
    )
    parser.add_argument(
        "--instance-cache",
        default=None,
        help="pickle file keeping the encoded instance between runs (built when missing)",
    )
    parser.add_argument(
        "--compare-solvers", action="store_true", help="time both exact solvers per call first"
    )
    parser.add_argument("--verbose", action="store_true", help="log each Lagrangian iteration")
    args = parser.parse_args()
    if args.solver == "before":
        SOLVERS["exact"] = MilpSolverBefore  # the driver's solves: repairs, greedy, search
    if args.verbose:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("matcher.rounds.lagrangian").setLevel(logging.DEBUG)
    dataset, assembler, encoded, built, encoded_seconds = instance(args)
    candidates = sum(e.problem.n for e in encoded.values())
    print(
        f"{args.calls} calls x {args.profiles} profiles (seed {args.seed}, dim {args.dim}); "
        f"built {built:.1f} s, scored + pools + encoded {encoded_seconds:.1f} s; "
        f"{len(encoded)} calls with a problem, {candidates} candidates in all, "
        f"joint MILP variables {joint_size(encoded)}"
    )
    if args.compare_solvers:
        compare_solvers(encoded)
    bonus = staffing_bonus(encoded)
    results: dict[str, Staffing] = {}
    cpu: dict[str, float] = {}
    for method in args.methods:
        cpu_started = time.process_time()
        staffing = run_method(method, dataset, assembler, encoded, args)
        cpu[method] = time.process_time() - cpu_started
        if staffing is None:
            continue
        broken = check_selections(dataset, encoded, staffing.selections)
        if broken:
            raise SystemExit(f"{method}: infeasible round: {broken[:3]}")
        results[method] = staffing
    bounds = [s.bound for s in results.values() if s.bound is not None]
    best_bound = min(bounds) if bounds else None
    print(f"staffing bonus per call {bonus:.3f}; best proven bound {best_bound}")
    print(
        f"{'method':12s} {'seconds':>8s} {'cpu s':>8s} {'staffed':>7s} {'team obj':>10s} "
        f"{'joint obj':>11s} "
        f"{'bound':>11s} {'gap':>8s} {'gap/best':>8s} {'team gap':>8s}"
    )
    for method, staffing in results.items():
        joint_objective = staffing.objective + bonus * len(staffing.selections)
        gap_best = team_gap = None
        if best_bound is not None:
            gap_best = (best_bound - joint_objective) / abs(best_bound)
            team_gap = (best_bound - joint_objective) / max(abs(staffing.objective), 1e-9)
        print(
            f"{method:12s} {staffing.seconds:8.1f} {cpu[method]:8.1f} "
            f"{len(staffing.selections):7d} "
            f"{staffing.objective:10.3f} {joint_objective:11.3f} "
            f"{'-' if staffing.bound is None else f'{staffing.bound:.3f}':>11s} "
            f"{'-' if staffing.gap is None else f'{staffing.gap:.4f}':>8s} "
            f"{'-' if gap_best is None else f'{gap_best:.4f}':>8s} "
            f"{'-' if team_gap is None else f'{team_gap:.4f}':>8s}"
        )
        for note in staffing.notes:
            print(f"    {note}")


if __name__ == "__main__":
    main()

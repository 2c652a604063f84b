"""How much the coverage term changes a call's team: `grantmatch teams` against a round.

For every call, three teams, capacities across calls ignored (``staffing="independent"``):

``teams``
    :meth:`matcher.Matcher.team` with the default objective, coverage term included: what
    ``grantmatch teams`` answers.
``round without coverage``
    ``run_round`` with ``coverage_weight=0`` (how rounds staffed before coverage came in).
``round with coverage``
    ``run_round`` with the default objective (``--skip-coverage-round`` leaves it out).

Each team is scored on the call's full problem (coverage term included, the one ``teams``
solves): its objective, and how well its members cover the call's parts (per part, the best
member's coverage; averaged over parts, and the share of parts some member covers at least
``covers_threshold``, 0.5). Reported: how many calls get a different team (members or lead),
member overlap (Jaccard), objective and coverage sums, and the round's stage timings.

    python benchmarks/round_coverage.py --demo
    python benchmarks/round_coverage.py --calls 250 --backend tfidf

Data: the bundled demo, or CORDIS (© European Union, CORDIS) built by
``benchmarks/round_cordis.py`` (10,000 organisations x N 2023 projects as calls).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.round_cordis import build
from matcher import Dataset, Matcher, load_demo
from matcher.io import load_dataset
from matcher.rounds import RoundConfig, run_round, runner
from matcher.rounds.staffing import RoundAssembler, Staffing, joint_size, solve_alone
from matcher.solvers import Selection
from matcher.teams import EncodedTeam, TeamObjective

OUT = Path(__file__).resolve().parent / "out" / "round_coverage"


@dataclass(frozen=True)
class Team:
    """A team as member ids and lead id."""

    members: frozenset[str]
    lead: str


@dataclass(frozen=True)
class Scored:
    """A team scored on the call's full problem (coverage included)."""

    objective: float
    mean_coverage: float
    parts_covered: float


def read_teams(path: Path) -> dict[str, Team]:
    members: dict[str, set[str]] = {}
    leads: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            members.setdefault(row["call_id"], set()).add(row["profile_id"])
            if row["role"] == "lead":
                leads[row["call_id"]] = row["profile_id"]
    return {c: Team(frozenset(m), leads[c]) for c, m in members.items()}


def score(encoded: EncodedTeam, team: Team, threshold: float) -> Scored | None:
    """``team`` on ``encoded``'s problem; ``None`` if a member is not on its shortlist."""
    position = {c.profile.id: i for i, c in enumerate(encoded.shortlist)}
    if not team.members <= position.keys():
        return None
    chosen = sorted(position[p] for p in team.members)
    objective = Selection(chosen, position[team.lead]).objective(encoded.problem)
    if encoded.coverage is None or encoded.coverage.shape[1] == 0:
        return Scored(objective, 0.0, 0.0)
    best = encoded.coverage[chosen].max(axis=0)
    return Scored(objective, float(best.mean()), float((best >= threshold).mean()))


def jaccard(a: Team, b: Team) -> float:
    return len(a.members & b.members) / len(a.members | b.members)


@dataclass
class RoundRun:
    """A round's teams, stage timings, and the per-call problems it staffed."""

    teams: dict[str, Team]
    timings: dict[str, float]
    assembler: RoundAssembler
    encoded: dict[str, EncodedTeam]


def round_teams(
    dataset: Dataset,
    backend: str,
    cache: str,
    objective: TeamObjective,
    out: Path,
    staffing: str = "independent",
    iterations: int = 30,
) -> RoundRun:
    config = RoundConfig(
        backend=backend,
        cache_path=cache,
        staffing=staffing,  # type: ignore[arg-type]  # checked by RoundConfig
        team_objective=objective,
        report=False,
        lagrangian_iterations=iterations,
    )
    captured: dict[str, Any] = {}
    real_staff = runner.staff

    def capture(
        dataset: Dataset,
        assembler: RoundAssembler,
        encoded: dict[str, EncodedTeam],
        config: RoundConfig,
        **kwargs: Any,
    ) -> Staffing:
        captured.update(assembler=assembler, encoded=encoded)
        return real_staff(dataset, assembler, encoded, config, **kwargs)

    runner.staff = capture
    try:
        started = time.perf_counter()
        summary = run_round(dataset, out, config)
    finally:
        runner.staff = real_staff
    timings = dict(summary.timings, wall=time.perf_counter() - started)
    timings["staffed"] = summary.staffed
    timings["objective"] = summary.objective
    return RoundRun(
        read_teams(out / "teams.csv"), timings, captured["assembler"], captured["encoded"]
    )


def solve_times(runs: dict[str, RoundRun], repeats: int) -> dict[str, list[float]]:
    """Seconds of every call's exact stand-alone solve, per variant, interleaved so both
    see the same machine load; the problems' MILP sizes too."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            solve_alone(run.assembler, run.encoded, "exact")
            seconds[name].append(time.perf_counter() - started)
    for name, run in runs.items():
        print(
            f"{name}: stand-alone exact solves of every call "
            + ", ".join(f"{s:.2f}" for s in seconds[name])
            + f" s; joint MILP variables {joint_size(run.encoded)}"
        )
    return seconds


def compare(
    name: str,
    matcher: Matcher,
    expected: dict[str, Team],
    got: dict[str, Team],
    verbose: bool = False,
) -> list[str]:
    """One table row per team source against ``teams`` (the Matcher's)."""
    dataset = matcher.dataset_
    threshold = matcher.teams_.objective.covers_threshold
    both = sorted(expected.keys() & got.keys())
    differ = [c for c in both if got[c] != expected[c]]
    overlaps = [jaccard(expected[c], got[c]) for c in both]
    scored: list[tuple[Scored, Scored]] = []
    ties = 0  # teams that differ at the same objective (to 1e-6): equally good answers
    worst = 0.0
    for call_id in both:
        call = dataset.call(call_id)
        encoded = matcher.teams_.encode(call, matcher.relevance_of(call_id))
        mine, theirs = (
            score(encoded, got[call_id], threshold),
            score(encoded, expected[call_id], threshold),
        )
        if mine is not None and theirs is not None:
            scored.append((mine, theirs))
            if call_id in differ:
                loss = theirs.objective - mine.objective
                ties += abs(loss) <= 1e-6
                worst = max(worst, loss)
                if verbose:
                    print(f"  {name}: {call_id} differs, objective {loss:+.2e} below teams'")
    objective = sum(m.objective for m, _ in scored)
    reference = sum(t.objective for _, t in scored)
    return [
        f"| {name} | {len(got)} | {len(differ)} ({len(differ) / max(1, len(both)):.1%}) "
        f"| {ties} | {worst:.4f} "
        f"| {statistics.mean(overlaps) if overlaps else 1.0:.3f} "
        f"| {min(overlaps, default=1.0):.2f} "
        f"| {objective:.2f} ({objective / reference if reference else 1.0:.4f}) "
        f"| {statistics.mean(m.mean_coverage for m, _ in scored):.4f} "
        f"| {statistics.mean(m.parts_covered for m, _ in scored):.4f} |",
        f"| teams (reference, same {len(scored)} calls) | {len(expected)} | - | - | - | - | - "
        f"| {reference:.2f} "
        f"| {statistics.mean(t.mean_coverage for _, t in scored):.4f} "
        f"| {statistics.mean(t.parts_covered for _, t in scored):.4f} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="the bundled demo instead of CORDIS")
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=250)
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--cache", default=str(OUT / "vectors.sqlite"))
    parser.add_argument("--skip-coverage-round", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="name each call that differs")
    parser.add_argument(
        "--solve-repeats", type=int, default=0, help="time the per-call solves of both rounds"
    )
    parser.add_argument(
        "--lagrangian",
        type=int,
        default=0,
        help="also staff both rounds with N Lagrangian iterations",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.demo:
        dataset, label = load_demo(), "demo"
    else:
        folder = build(args.profiles, args.calls)
        dataset = load_dataset(
            folder / "profiles.jsonl", folder / "calls.jsonl", offices=folder / "offices.jsonl"
        )
        label = f"cordis-{args.profiles}-{args.calls}"
    print(
        f"{label}: {len(dataset.profiles)} profiles, {len(dataset.calls)} calls, "
        f"backend {args.backend}; load average {os.getloadavg()[0]:.2f}"
    )
    started = time.perf_counter()
    matcher = Matcher(args.backend, cache_path=Path(args.cache)).fit(dataset)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    expected: dict[str, Team] = {}
    for call in dataset.calls:
        team = matcher.team(call.id, relax=False).team
        if team is not None:
            lead = next(m.profile_id for m in team.members if m.role == "lead")
            expected[call.id] = Team(frozenset(m.profile_id for m in team.members), lead)
    teams_seconds = time.perf_counter() - started
    print(f"Matcher fit {fit_seconds:.1f} s; teams for every call {teams_seconds:.1f} s")
    rows = [
        "| team | calls with a team | differ from teams | of which ties "
        "| largest objective loss | mean Jaccard | min Jaccard "
        "| objective with coverage (of teams') | mean part coverage | parts covered >= 0.5 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    variants = [("round without coverage", TeamObjective(coverage_weight=0.0))]
    if not args.skip_coverage_round:
        variants.append(("round with coverage", TeamObjective()))
    runs: dict[str, RoundRun] = {}
    for name, objective in variants:
        out = OUT / f"{label}-{args.backend}-{'with' if objective.coverage_weight else 'without'}"
        run = round_teams(dataset, args.backend, args.cache, objective, out)
        runs[name] = run
        print(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in run.timings.items()))
        found = compare(name, matcher, expected, run.teams, args.verbose)
        rows += found if len(rows) == 2 else found[:1]
    print("\n".join(rows))
    if args.solve_repeats:
        solve_times(runs, args.solve_repeats)
    if args.lagrangian:
        for name, objective in variants:
            out = OUT / f"{label}-{args.backend}-lagrangian-{objective.coverage_weight}"
            run = round_teams(
                dataset, args.backend, args.cache, objective, out, "lagrangian", args.lagrangian
            )
            print(
                f"{name}, Lagrangian {args.lagrangian} iterations: "
                + ", ".join(f"{k} {v:.2f}" for k, v in run.timings.items())
            )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

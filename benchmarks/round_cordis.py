"""A real grant round end to end, from texts: CORDIS organisations x 2023 projects as calls.

Profiles: the 10,000 organisations with the most Horizon Europe projects started 2021-2022,
each described by those projects (title + objective as its "publications"), kind
``organization``, capacity 1-3 (more projects, more capacity). Calls: 500 projects started
in 2023 (title, objective, keywords), teams of 3-6 organisations with at least one member
from Germany (the home country) and one from the coordinator's country where an office
serves it. Offices: one open office of a German agency in each of FR, IT, ES, NL, BE, PL,
with 25 introductions each (so capacities bind).

    python benchmarks/round_cordis.py --backend tfidf                 # local engine
    python benchmarks/round_cordis.py --backend tfidf --engine dask   # 2-worker LocalCluster
    python benchmarks/round_cordis.py --backend tfidf --compare-staffing
    python benchmarks/round_cordis.py --backend tfidf --staffing greedy --compare-staffing \
        --compare-methods volume subgradient   # both Lagrangians on the same encoded round
    python benchmarks/round_cordis.py --backend tfidf --staffing lagrangian \
        --staffing-workers 1 --compare-workers 2,dask:4   # same teams on 1, 2, Dask 4 workers

Data: CORDIS (© European Union, CORDIS), ../shared/data/cordis-dev.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from matcher.io import load_dataset, write_jsonl
from matcher.model import Call, CallRules, Office, Profile, Publication
from matcher.rounds import RoundConfig, run_round

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-dev"
OUT = Path(__file__).resolve().parent / "out" / "round_cordis"
OFFICE_COUNTRIES = ("FR", "IT", "ES", "NL", "BE", "PL")
COUNTRY = {"UK": "GB", "EL": "GR"}


def build(n_profiles: int, n_calls: int) -> Path:
    """Write profiles/calls/offices.jsonl under benchmarks/out (once)."""
    folder = OUT / f"data-{n_profiles}-{n_calls}"
    if (folder / "calls.jsonl").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(sys.maxsize)
    with (DATA / "projects.csv").open(encoding="utf-8") as stream:
        projects = {row["projectID"]: row for row in csv.DictReader(stream)}
    old = {p for p, row in projects.items() if row["startDate"][:4] in ("2021", "2022")}
    new = sorted(p for p, row in projects.items() if row["startDate"][:4] == "2023")
    organisations: dict[str, dict[str, Any]] = {}
    projects_of: dict[str, list[str]] = defaultdict(list)
    with (DATA / "organizations.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["projectID"] in old and row["country"]:
                organisations.setdefault(row["organisationID"], row)
                projects_of[row["organisationID"]].append(row["projectID"])
    chosen = sorted(projects_of, key=lambda o: (-len(projects_of[o]), o))[:n_profiles]
    profiles = []
    for org in sorted(chosen):
        row = organisations[org]
        own = sorted(set(projects_of[org]))[:30]
        profiles.append(
            Profile(
                id=f"org-{org}",
                name=row["legalName"] or org,
                kind="organization",
                country=COUNTRY.get(row["country"], row["country"]),
                publications=[
                    Publication(
                        title=projects[p]["title"], abstract=projects[p]["objective"][:1500]
                    )
                    for p in own
                ],
                capacity=1 + min(2, len(projects_of[org]) // 10),
            )
        )
    calls = []
    for project_id in new[:: max(1, len(new) // n_calls)][:n_calls]:
        row = projects[project_id]
        country = COUNTRY.get(row["coordinatorCountry"], row["coordinatorCountry"])
        required = {"DE": 1}
        if country in OFFICE_COUNTRIES:
            required[country] = 1
        calls.append(
            Call(
                id=f"call-{project_id}",
                title=row["title"],
                description=row["objective"][:2000],
                keywords=[k.strip() for k in row["keywords"].split(",") if k.strip()][:10],
                rules=CallRules(
                    min_team_size=3,
                    max_team_size=6,
                    required_countries=required,
                    member_kinds=["organization"],
                ),
            )
        )
    offices = [
        Office(
            id=f"off-{c.lower()}",
            name=f"Agency office {c}",
            operator="DE research agency",
            home_country="DE",
            country=c,
            capacity=25,
        )
        for c in OFFICE_COUNTRIES
    ]
    write_jsonl(profiles, folder / "profiles.jsonl")
    write_jsonl(calls, folder / "calls.jsonl")
    write_jsonl(offices, folder / "offices.jsonl")
    return folder


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _compare_workers(
    specs: str, dataset: Any, config: RoundConfig, captured: dict[str, Any], staff: Any
) -> None:
    """Staff the captured round again on each worker setting: wall time, same teams?"""
    first = captured["staffing"]
    print(
        f"staffing on the round's setting (staffing_workers={config.staffing_workers}, "
        f"engine {config.engine}): {captured['wall']:.1f} s wall, {len(first.selections)} "
        f"staffed, objective {first.objective:.3f}, gap {first.gap}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for spec in specs.split(","):
        engine, _, count = spec.strip().rpartition(":")
        workers = int(count)
        if engine == "dask":
            other = replace(config, engine="dask", dask_workers=workers, staffing_workers=None)
        else:
            other = replace(config, engine="local", staffing_workers=workers)
        started = time.perf_counter()
        staffing = staff(dataset, captured["assembler"], captured["encoded"], other)
        wall = time.perf_counter() - started
        print(
            f"staffing on {spec.strip()} worker(s): {wall:.1f} s wall (workers started "
            f"included), {len(staffing.selections)} staffed, objective "
            f"{staffing.objective:.3f}, gap {staffing.gap}, same teams as the round's: "
            f"{staffing.selections == first.selections}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--engine", default="local")
    parser.add_argument("--staffing", default="joint")
    parser.add_argument("--compare-staffing", action="store_true")
    parser.add_argument(
        "--compare-methods",
        nargs="*",
        default=["volume", "subgradient"],
        choices=["volume", "fast-subgradient", "subgradient"],
        help="Lagrangian methods --compare-staffing runs on the same encoded round",
    )
    parser.add_argument("--lagrangian-iterations", type=int, default=30)
    parser.add_argument("--cache", default=str(OUT / "vectors.sqlite"))
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--max-joint-variables", type=int, default=150_000)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--lagrangian-time-limit", type=float, default=None)
    parser.add_argument("--verbose", action="store_true", help="log each Lagrangian iteration")
    parser.add_argument(
        "--staffing-workers",
        type=int,
        default=None,
        help="processes for the per-call solves (default: one per core; 1: in the driver)",
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask LocalCluster workers")
    parser.add_argument(
        "--compare-workers",
        default="",
        help="after the round, staff it again with each of these worker settings "
        "(e.g. '1,2,dask:4') and check that the teams are the same",
    )
    args = parser.parse_args()
    if args.verbose:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("matcher.rounds.lagrangian").setLevel(logging.DEBUG)
    started = time.perf_counter()
    folder = build(args.profiles, args.calls)
    dataset = load_dataset(
        folder / "profiles.jsonl", folder / "calls.jsonl", offices=folder / "offices.jsonl"
    )
    load_seconds = time.perf_counter() - started
    texts = sum(len(p.publications) for p in dataset.profiles)
    print(f"{len(dataset.profiles)} profiles ({texts} project texts), {len(dataset.calls)} calls")
    config = RoundConfig(
        backend=args.backend,
        cache_path=args.cache,
        top_k=20,
        staffing=args.staffing,
        engine=args.engine,
        max_joint_variables=args.max_joint_variables,
        chunk_size=args.chunk_size,
        time_limit=args.time_limit,
        lagrangian_time_limit=args.lagrangian_time_limit,
        lagrangian_iterations=args.lagrangian_iterations,
        staffing_workers=args.staffing_workers,
        dask_workers=args.workers,
    )
    captured: dict[str, Any] = {}
    from matcher.rounds import runner

    real_staff = runner.staff
    if args.compare_staffing or args.compare_workers:

        def capture(
            dataset_: Any, assembler: Any, encoded: Any, config_: Any, **kwargs: Any
        ) -> Any:
            started = time.perf_counter()
            staffing = real_staff(dataset_, assembler, encoded, config_, **kwargs)
            captured.update(
                assembler=assembler,
                encoded=encoded,
                staffing=staffing,
                wall=time.perf_counter() - started,
            )
            return staffing

        runner.staff = capture  # type: ignore[assignment]
    out = OUT / f"run-{args.engine}-{args.staffing}"
    started = time.perf_counter()
    summary = run_round(dataset, out, config)
    wall = time.perf_counter() - started
    timings = summary.timings
    print(f"load {load_seconds:.1f} s; round wall {wall:.1f} s; peak RSS {_peak_mib():.0f} MiB")
    for stage, seconds in timings.items():
        print(f"  {stage:8s} {seconds:7.2f} s  {seconds / wall:6.1%}")
    print(
        f"staffed {summary.staffed}/{summary.calls}; objective {summary.objective:.3f}; "
        f"chunks {summary.chunks}; encoder {summary.encoder}"
    )
    reasons = Counter(
        "capacity" if r[0].startswith("capacity") else "own rules"
        for r in summary.unstaffed.values()
    )
    print(f"unstaffed: {dict(reasons)}; office load {summary.office_load}")
    if args.compare_workers:
        _compare_workers(args.compare_workers, dataset, config, captured, real_staff)
    if args.compare_staffing:
        from matcher.rounds.staffing import (
            capacity_violations,
            joint_size,
            solve_alone,
            solve_greedy,
            staffing_bonus,
        )

        encoded, assembler = captured["encoded"], captured["assembler"]
        saved = json.loads((out / ".checkpoints" / "staffing.json").read_text())
        t = time.perf_counter()
        alone, _ = solve_alone(assembler, encoded, "exact")
        alone_seconds = time.perf_counter() - t
        greedy = solve_greedy(dataset, assembler, encoded, "exact", alone=alone)
        alone_objective = sum(s.objective(encoded[c].problem) for c, s in alone.items())
        over = capacity_violations(dataset, encoded, alone)
        print(
            f"{saved['method']} (the round's staffing): {saved['seconds']:.1f} s, "
            f"gap {saved['gap']}, {summary.staffed} staffed, objective {summary.objective:.3f}; "
            f"notes {saved['notes']}; "
            f"joint MILP variables {joint_size(encoded)}"
        )
        print(
            f"greedy one by one (exact per call): {alone_seconds + greedy.seconds:.1f} s "
            f"({alone_seconds:.1f} s stand-alone solves for the order), "
            f"{len(greedy.selections)} staffed, objective {greedy.objective:.3f}"
        )
        print(
            f"independent (capacities ignored): {alone_seconds:.1f} s, {len(alone)} staffed, "
            f"objective {alone_objective:.3f}, over capacity: {over[0]} profiles, {over[1]} offices"
        )
        bonus = staffing_bonus(encoded)
        print(f"staffing bonus per call in the joint objective: {bonus:.2f}")
        from matcher.rounds.lagrangian import solve_lagrangian
        from matcher.rounds.parallel import open_call_solves

        greedy_joint = greedy.objective + bonus * len(greedy.selections)
        for method in args.compare_methods:
            cpu_started = time.process_time()
            # The round's own settings: its workers and its gap stop.
            with open_call_solves(config, assembler.objective.time_limit) as solve_calls:
                staffing = solve_lagrangian(
                    dataset,
                    assembler,
                    encoded,
                    method=method,
                    iterations=args.lagrangian_iterations,
                    time_limit=args.lagrangian_time_limit,
                    tolerance=config.lagrangian_gap,
                    solve_calls=solve_calls,
                )
            cpu_seconds = time.process_time() - cpu_started
            joint_objective = staffing.objective + bonus * len(staffing.selections)
            team_gap = (
                (staffing.bound - joint_objective) / max(staffing.objective, 1e-9)
                if staffing.bound is not None
                else None
            )
            print(
                f"lagrangian {method}: {staffing.seconds:.1f} s ({cpu_seconds:.1f} s CPU), "
                f"{len(staffing.selections)} "
                f"staffed, team objective {staffing.objective:.3f}, joint {joint_objective:.3f} "
                f"(greedy {greedy_joint:.3f}), bound {staffing.bound}, gap {staffing.gap}, "
                f"team gap {team_gap}; over capacity "
                f"{capacity_violations(dataset, encoded, staffing.selections)}; {staffing.notes}"
            )


if __name__ == "__main__":
    main()

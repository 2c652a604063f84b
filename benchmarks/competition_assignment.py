"""Expert assignment for grant competitions: quality against baselines, time per size.

Two parts, both through :mod:`matcher.competitions.assignment`:

``real`` (CORDIS, ``../shared/data/cordis-dev``)
    Horizon Europe projects that started in 2023 with at least 4 organisations in at least
    3 countries are the applications (title, objective, keywords; the team is the
    participating organisations); organisations with at least two projects that started
    before 2023 are the experts, their past projects their publications (the other
    participants as co-authors). Conflicts: a team member, a co-participant (co-author) of
    any member in a past project (:func:`find_conflicts`). Expertise: the engine's
    relevance (``minilm``, :func:`expertise_matrix`). Settings: ``k = 3``, at most one
    reviewer per country on an application, load at most ``--max-load``. An evenly spaced
    sample of applications and a seeded sample of experts (``--ratio`` per application).
``synthetic``
    Topic vectors for applications (crowding the popular topics) and reviewers (spread
    evenly), expertise the clipped cosine; maximum load
    ``ceil(k n_app / n_rev)``; reviewers in institutions, one per institution on an application;
    conflicts: every reviewer of the team's three institutions and a few random ones.

Solvers: ``exact``, ``minmax`` (up to 200 applications), ``fairflow``, ``fairflow_floor`` (up
to 200), ``fast``, ``greedy``, ``random``; above 5,000 applications ``--large-solvers``.

Reported per solver: total and minimum (worst application's) expertise, the share of the
exact optimum, load spread (min / max / std), conflicts violated (checked independently
against the conflict mask, must be 0), whether every application got ``k`` reviewers, time.

    python benchmarks/competition_assignment.py --real 100 1000 --synthetic 100 1000 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.competitions.assignment import (
    AssignmentProblem,
    application_totals,
    encode,
    solve_problem,
)
from matcher.model import ReviewSettings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-dev"


def _row(
    label: str,
    name: str,
    problem: AssignmentProblem,
    run: tuple[object, list[object]],
    seconds: float,
    optimum: float | None,
) -> dict[str, object]:
    solution, reasons = run
    totals = application_totals(problem, solution)  # type: ignore[arg-type]
    rows, cols = solution.rows, solution.cols  # type: ignore[attr-defined]
    loads = np.bincount(cols, minlength=problem.n_reviewers)
    counts = np.bincount(rows, minlength=problem.n_applications)
    return {
        "instance": label,
        "solver": name,
        "total": float(totals.sum()),
        "of_optimum": float(totals.sum() / optimum) if optimum else float("nan"),
        "minimum": float(totals.min()),
        "mean": float(totals.mean()),
        "load": f"{loads.min()}-{loads.max()} (sd {loads.std():.2f})",
        "violated": int((~problem.allowed[rows, cols]).sum()),
        "complete": bool(not reasons and (counts == problem.k).all()),
        "seconds": seconds,
    }


def run_solvers(
    label: str, problem: AssignmentProblem, names: Sequence[str], time_limit: float
) -> list[dict[str, object]]:
    results = []
    optimum: float | None = None
    for name in names:
        started = time.perf_counter()
        run = solve_problem(problem, name, seed=0, time_limit=time_limit)
        seconds = time.perf_counter() - started
        row = _row(label, name, problem, run, seconds, optimum)  # type: ignore[arg-type]
        if name == "exact" and row["complete"]:
            optimum = float(row["total"])  # type: ignore[arg-type]
            row["of_optimum"] = 1.0
        results.append(row)
        print(_format(row), flush=True)
    return results


def _format(row: dict[str, object]) -> str:
    share = row["of_optimum"]
    share_text = "" if share != share else f"{100 * float(share):.2f}%"  # type: ignore[arg-type]
    return (
        f"| {row['instance']} | {row['solver']} | {float(row['total']):.2f} | "  # type: ignore[arg-type]
        f"{share_text} | {float(row['minimum']):.3f} | {float(row['mean']):.3f} | "  # type: ignore[arg-type]
        f"{row['load']} | {row['violated']} | {'yes' if row['complete'] else 'no'} | "
        f"{float(row['seconds']):.1f} |"  # type: ignore[arg-type]
    )


HEADER = (
    "| instance | solver | total | of exact | minimum | mean/app | load min-max | "
    "conflicts violated | complete | seconds |\n|---|---|---:|---:|---:|---:|---|---:|---|---:|"
)


def synthetic(n_app: int, n_rev: int, seed: int = 0) -> AssignmentProblem:
    """Topic-structured expertise, institutions, conflicts (see the module docstring)."""
    rng = np.random.default_rng(seed)
    dim, topics = 32, 12
    centres = rng.normal(size=(topics, dim))

    popular = 1.0 / np.arange(1, topics + 1)  # applications crowd the first topics

    def points(n: int, weights: np.ndarray) -> np.ndarray:
        topic = rng.choice(topics, n, p=weights / weights.sum())
        x = centres[topic] + 0.8 * rng.normal(size=(n, dim))
        unit: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
        return unit

    applications, reviewers = points(n_app, popular), points(n_rev, np.ones(topics))
    scores = np.clip(applications @ reviewers.T, 0, None).astype(np.float32)
    n_inst = max(3, n_rev // 5)
    institution = rng.integers(0, n_inst, n_rev)
    team_institutions = rng.integers(0, n_inst, (n_app, 3))
    allowed = np.ones((n_app, n_rev), dtype=np.bool_)
    for column in range(3):
        allowed &= institution[None, :] != team_institutions[:, column : column + 1]
    random_conflicts = rng.integers(0, n_rev, (n_app, 5))
    np.put_along_axis(allowed, random_conflicts, False, axis=1)
    k = 3
    max_load = int(np.ceil(k * n_app / n_rev))  # little slack: reviewers are contested
    return AssignmentProblem(
        scores=scores,
        allowed=allowed,
        k=np.full(n_app, k, dtype=np.int64),
        min_load=np.zeros(n_rev, dtype=np.int64),
        max_load=np.full(n_rev, max_load, dtype=np.int64),
        institution=institution.astype(np.int64),
    )


def real(n_app: int, ratio: float, max_load: int, seed: int = 0) -> AssignmentProblem:
    """CORDIS applications and organisation experts (see the module docstring)."""
    from benchmarks.partner_recovery_cordis import CUTOFF, HELD_OUT, build_profiles, load_projects
    from matcher import Matcher
    from matcher.call_text import research_text
    from matcher.competitions import expertise_matrix, find_conflicts
    from matcher.dataset import Dataset
    from matcher.model import Application

    projects, names, country_of = load_projects(DATA)
    past = [p for p in projects if p.start and p.start < CUTOFF]
    future = [
        p
        for p in projects
        if p.start
        and CUTOFF <= p.start < HELD_OUT  # never 2024 or later
        and len(p.organisations) >= 4
        and len(p.countries) >= 3
    ]
    profiles = build_profiles(past, names, country_of)
    picks = np.linspace(0, len(future) - 1, n_app).round().astype(int)
    applications = []
    for p in (future[i] for i in picks):
        team = [f"org-{o}" for o in p.organisations]
        applications.append(
            Application(
                id=p.id,
                call_id="call-cordis",
                title=p.title,
                abstract=research_text(p.objective),
                keywords=list(p.keywords),
                team=team,
                lead=team[0],
            )
        )
    members = {m for a in applications for m in a.team}
    known = {p.id for p in profiles}
    # Team members without a pre-2023 project get a bare profile (their country matters).
    extra = []
    for member in sorted(members - known):
        org = member.removeprefix("org-")
        extra.append(
            profiles[0].model_copy(
                update={
                    "id": member,
                    "name": names.get(org, org),
                    "country": _country(country_of.get(org, "")),
                    "publications": [],
                }
            )
        )
    rng = np.random.default_rng(seed)
    seasoned = [p.id for p in profiles if len(p.publications) >= 2]
    n_rev = min(len(seasoned), round(ratio * n_app))
    pool = sorted(rng.choice(seasoned, n_rev, replace=False).tolist())
    dataset = Dataset(profiles=[*profiles, *extra])
    started = time.perf_counter()
    matcher = Matcher("minilm").fit(dataset)
    fitted = time.perf_counter() - started
    conflicts = find_conflicts(dataset, applications, pool)
    found = time.perf_counter() - started - fitted
    scores = expertise_matrix(matcher, applications, pool)
    scored = time.perf_counter() - started - fitted - found
    settings = ReviewSettings(
        reviewers_per_application=3,
        max_load=max_load,
        one_per_institution=False,
        one_per_country=True,
        experts_only=False,
    )
    print(
        f"real {n_app} x {n_rev}: fit {fitted:.1f} s, conflicts {found:.1f} s "
        f"({len(conflicts)} pairs), expertise {scored:.1f} s",
        flush=True,
    )
    return encode(dataset, applications, pool, scores.scores, conflicts.mask, settings)


def _country(code: str) -> str | None:
    from benchmarks.partner_recovery_cordis import _country as country

    return country(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--ratio", type=float, default=3.0, help="experts per application")
    parser.add_argument("--max-load", type=int, default=3)
    parser.add_argument("--synthetic", type=int, nargs="*", default=[100, 1000, 10000])
    parser.add_argument("--reviewers", type=float, nargs="*", default=[2.0, 5.0])
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument(
        "--large-solvers",
        nargs="*",
        default=["fast", "greedy", "random", "fairflow"],
        help="solvers for instances above 5,000 applications",
    )
    args = parser.parse_args(argv)
    print(
        f"{dt.date.today()} {platform.processor() or platform.machine()} "
        f"{os.cpu_count()} cores, python {platform.python_version()}",
        flush=True,
    )
    print(HEADER, flush=True)
    small = ["exact", "minmax", "fairflow", "fairflow_floor", "fast", "greedy", "random"]
    medium = ["exact", "fairflow", "fast", "greedy", "random"]
    for n in args.real:
        problem = real(n, args.ratio, args.max_load)
        names = small if n <= 200 else medium
        run_solvers(f"CORDIS {n} x {problem.n_reviewers}", problem, names, args.time_limit)
    for n in args.synthetic:
        for ratio in args.reviewers if n < 10000 else [2.0]:
            n_rev = int(ratio * n)
            started = time.perf_counter()
            problem = synthetic(n, n_rev)
            print(f"synthetic {n} x {n_rev}: built in {time.perf_counter() - started:.1f} s")
            if n <= 200:
                names = small
            elif n <= 5000:
                names = medium
            else:
                names = args.large_solvers
            run_solvers(f"synthetic {n} x {n_rev}", problem, names, args.time_limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

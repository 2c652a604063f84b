"""The fast team solver against the exact one: objective ratio and time per call.

Instances come from two sources, each encoded by the real :class:`~matcher.teams.TeamAssembler`
(rules, coverage and diversity terms, conflicts, office capacities), then solved by both
solvers on the same :class:`~matcher.solvers.TeamProblem`:

``random``
    synthetic pools of researchers in four countries with institutions, career stages,
    declared conflicts and an office with a capacity; rules drawn at random (required
    countries, per-institution cap, lead country and stage, career-stage minimums).
``cordis``
    real Horizon Europe projects from ``../shared/data/cordis-dev`` as calls: the pool is the
    organisations most similar (TF-IDF) to the project's text, scored from their *other*
    projects; the rules require the project's two most frequent participant countries and
    a lead from the coordinator's country; the coverage term uses the objective's
    sentences.

Pools have 50 to 500 candidates, teams 3 to 10 members. The exact solver is also timed as it
was before issue 18 (``benchmarks/_milp_before.py``: the same MILP, built by stacking sparse rows
and always branched), with the share of calls whose linear relaxation was already integral
(answered without the branch and bound) and the largest objective difference between the two.

    python benchmarks/team_solvers.py --random 120 --cordis 120
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import milp
from sklearn.feature_extraction.text import TfidfVectorizer

import matcher.solvers.milp as milp_module
from benchmarks._milp_before import MilpSolver as MilpSolverBefore
from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile
from matcher.routes import RouteFinder
from matcher.solvers import get_solver, is_feasible
from matcher.teams import TeamAssembler, TeamObjective

CORDIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-dev"
COUNTRIES = ["RU", "CN", "KZ", "MN"]
STAGES = ["doctoral", "early", "mid", "senior"]
CoverageFn = Callable[[Call, Sequence[str]], tuple[list[str], np.ndarray]]


def random_instance(
    rng: np.random.Generator, index: int
) -> tuple[Dataset, Call, np.ndarray, CoverageFn]:
    n = int(rng.integers(50, 501))
    size = int(rng.integers(3, 11))
    n_parts = int(rng.integers(3, 10))
    institutions = [
        Institution(id=f"i{k}", name=f"I{k}", country=COUNTRIES[k % 4]) for k in range(40)
    ]
    profiles = []
    for i in range(n):
        inst = int(rng.integers(0, 40))
        conflicts = [f"p{int(rng.integers(0, n))}"] if rng.random() < 0.03 else []
        profiles.append(
            Profile(
                id=f"p{i}",
                name=f"P{i}",
                country=COUNTRIES[inst % 4],
                institution=f"i{inst}",
                career_stage=STAGES[int(rng.integers(0, 4))],
                conflicts=[c for c in conflicts if c != f"p{i}"],
            )
        )
    offices = [
        Office(
            id="o-cn",
            name="Office CN",
            operator="REC",
            home_country="RU",
            country="CN",
            capacity=int(rng.integers(1, 4)),
        ),
        Office(id="o-kz", name="Office KZ", operator="REC", home_country="RU", country="KZ"),
        Office(id="o-mn", name="Office MN", operator="REC", home_country="RU", country="MN"),
    ]
    required = {"RU": 1}
    for country in rng.choice(COUNTRIES[1:], size=int(rng.integers(1, 3)), replace=False):
        required[str(country)] = 1
    rules = CallRules(
        min_team_size=max(3, min(size, sum(required.values()) + 1)) if size >= 3 else 3,
        max_team_size=size,
        required_countries=required if sum(required.values()) <= size else {"RU": 1},
        max_per_institution=int(rng.integers(1, 3)),
        lead_countries=["RU"],
        lead_career_stages=["mid", "senior"] if rng.random() < 0.5 else None,
        min_career_stage_counts={"early": 1} if rng.random() < 0.5 and size >= 4 else {},
    )
    call = Call(id=f"random-{index}", title="random call", rules=rules)
    dataset = Dataset(profiles=profiles, calls=[call], institutions=institutions, offices=offices)
    topic = rng.random(n_parts)
    affinity = rng.beta(2, 5, size=n)
    coverage = np.clip(affinity[:, None] * rng.random((n, n_parts)) * 2.2 * topic, 0, 1)
    relevance = (0.6 * affinity + 0.4 * coverage.mean(axis=1)).astype(np.float32)
    position = {p.id: i for i, p in enumerate(profiles)}

    def coverage_of(_call: Call, ids: Sequence[str]) -> tuple[list[str], np.ndarray]:
        return [f"part {j}" for j in range(n_parts)], coverage[[position[i] for i in ids]]

    return dataset, call, relevance, coverage_of


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text) if len(p.split()) >= 6]
    return parts[:8]


def cordis_instances(
    rng: np.random.Generator, count: int
) -> list[tuple[Dataset, Call, np.ndarray, CoverageFn]]:
    csv.field_size_limit(sys.maxsize)
    with (CORDIS / "projects.csv").open(encoding="utf-8") as handle:
        projects = {row["projectID"]: row for row in csv.DictReader(handle)}
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    org_projects: dict[str, list[str]] = defaultdict(list)
    org_info: dict[str, dict[str, str]] = {}
    with (CORDIS / "organizations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["projectID"] not in projects or row["role"] not in {
                "coordinator",
                "participant",
            }:
                continue
            members[row["projectID"]].append(row)
            org_projects[row["organisationID"]].append(row["projectID"])
            org_info[row["organisationID"]] = row
    orgs = sorted(o for o, ps in org_projects.items() if len(ps) >= 2)
    text_of = {p: f"{r['title']}. {r['objective']}" for p, r in projects.items()}
    candidates = sorted(
        p
        for p, rows in members.items()
        if len(rows) >= 5 and len({r["country"] for r in rows}) >= 3 and _sentences(text_of[p])
    )
    chosen = rng.choice(candidates, size=count, replace=False)
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_features=50_000
    )
    org_texts = [" ".join(text_of[p] for p in org_projects[o][:10]) for o in orgs]
    org_matrix = vectorizer.fit_transform(org_texts)
    instances: list[tuple[Dataset, Call, np.ndarray, CoverageFn]] = []
    for index, project in enumerate(chosen):
        rows = members[project]
        coordinator = next((r for r in rows if r["role"] == "coordinator"), rows[0])
        countries = Counter(c for r in rows if (c := _country(r["country"])) is not None)
        required = {c: 1 for c, _ in countries.most_common(2)}
        lead_country = _country(coordinator["country"]) or next(iter(required))
        required.setdefault(lead_country, 1)
        query = vectorizer.transform([text_of[project]])
        similarity = np.asarray((org_matrix @ query.T).todense()).ravel()
        n = int(rng.integers(50, 501))
        # The pool: the most similar organisations, plus a few from each required country.
        pool = list(np.argsort(-similarity)[:n])
        for country in required:
            in_country = [
                i
                for i in np.argsort(-similarity)[: 5 * n]
                if _country(org_info[orgs[i]]["country"]) == country
            ]
            pool += [i for i in in_country[:10] if i not in pool]
        pool = pool[: max(n, len(pool))]
        size = int(rng.integers(max(3, len(required)), 11))
        profiles = [
            Profile(
                id=f"o{orgs[i]}",
                name=org_info[orgs[i]]["legalName"][:80] or orgs[i],
                kind="organization",
                country=_country(org_info[orgs[i]]["country"]),
                institution=f"o{orgs[i]}",
            )
            for i in pool
        ]
        rules = CallRules(
            min_team_size=max(3, len(required)),
            max_team_size=size,
            required_countries=required,
            lead_countries=[lead_country],
            member_kinds=["organization"],
        )
        call = Call(
            id=f"cordis-{project}", title=projects[project]["title"] or project, rules=rules
        )
        relevance = similarity[pool].astype(np.float32)
        relevance = relevance / max(float(relevance.max()), 1e-9)
        parts = _sentences(text_of[project])
        part_matrix = vectorizer.transform(parts)
        cover = np.asarray((org_matrix[pool] @ part_matrix.T).todense())
        cover = np.clip(cover / max(float(cover.max()), 1e-9), 0, 1)
        position = {p.id: k for k, p in enumerate(profiles)}

        def coverage_of(
            _call: Call,
            ids: Sequence[str],
            cover: np.ndarray = cover,
            parts: list[str] = parts,
            position: dict[str, int] = position,
        ) -> tuple[list[str], np.ndarray]:
            return parts, cover[[position[i] for i in ids]]

        instances.append((Dataset(profiles=profiles, calls=[call]), call, relevance, coverage_of))
        if (index + 1) % 20 == 0:
            print(f"  built {index + 1}/{count} CORDIS instances", file=sys.stderr)
    return instances


def _country(code: str) -> str | None:
    code = code.strip()
    return {"UK": "GB", "EL": "GR"}.get(code, code) or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--random", type=int, default=120, help="random instances")
    parser.add_argument("--cordis", type=int, default=120, help="CORDIS instances")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    objective = TeamObjective(pool_size=500)
    instances = [("random", *random_instance(rng, i)) for i in range(args.random)]
    if args.cordis:
        instances += [("cordis", *case) for case in cordis_instances(rng, args.cordis)]
    exact, fast, before = get_solver("exact"), get_solver("fast"), MilpSolverBefore()
    branched = _count_branch_and_bound()
    results: dict[str, list[tuple[float, float, float, float, int]]] = defaultdict(list)
    before_ms: dict[str, list[float]] = defaultdict(list)
    relaxed: Counter[str] = Counter()
    largest_difference = 0.0
    infeasible: Counter[str] = Counter()
    fast_misses = 0
    for source, dataset, call, relevance, coverage_of in instances:
        assembler = TeamAssembler(dataset, RouteFinder(dataset), objective, coverage_of)
        encoded = assembler.encode(call, relevance)
        problem = encoded.problem
        started = time.perf_counter()
        old = before.solve(problem)
        before_ms[source].append(1000 * (time.perf_counter() - started))
        runs = len(branched)
        started = time.perf_counter()
        best = exact.solve(problem)
        exact_time = time.perf_counter() - started
        relaxed[source] += len(branched) == runs
        if (old is None) != (best is None):
            raise SystemExit(f"{call.id}: the exact solver before and now disagree on feasibility")
        if old is not None and best is not None:
            difference = abs(old.objective(problem) - best.objective(problem))
            largest_difference = max(largest_difference, difference)
        started = time.perf_counter()
        quick = fast.solve(problem)
        fast_time = time.perf_counter() - started
        if best is None:
            infeasible[source] += 1
            assert quick is None, "the fast solver found a team the exact one proves impossible"
            continue
        if quick is None:
            fast_misses += 1
            continue
        assert is_feasible(problem, quick) and is_feasible(problem, best)
        results[source].append(
            (best.objective(problem), quick.objective(problem), exact_time, fast_time, problem.n)
        )
    print(
        f"{'source':8} {'n':>4} {'ratio mean':>10} {'ratio worst':>11} {'gap mean':>9} "
        f"{'exact ms':>9} {'fast ms':>8} {'pool':>9} {'before ms':>9} {'LP only':>7}"
    )
    rows = [(name, values) for name, values in results.items()]
    rows.append(("all", [v for values in results.values() for v in values]))
    for name, values in rows:
        positive = [(e, f) for e, f, *_ in values if e > 1e-9]
        ratios = [f / e for e, f in positive]
        gaps = [(e - f) / max(abs(e), 1e-9) for e, f, *_ in values]
        print(
            f"{name:8} {len(values):4d} {statistics.mean(ratios):10.4f} {min(ratios):11.4f} "
            f"{statistics.mean(gaps):9.4f} {1000 * statistics.mean(v[2] for v in values):9.1f} "
            f"{1000 * statistics.mean(v[3] for v in values):8.1f} "
            f"{min(v[4] for v in values):4d}-{max(v[4] for v in values):<4d} "
            f"{_before_mean(before_ms, name):9.1f} {_share(relaxed, before_ms, name):7.1%}"
        )
    print(
        f"infeasible (both agree): {dict(infeasible)}; "
        f"fast found none where exact did: {fast_misses}"
    )
    print(f"largest objective difference, exact before and now: {largest_difference:.2e}")


def _count_branch_and_bound() -> list[bool]:
    """Grows by one every time the exact solver runs HiGHS with integer variables."""
    runs: list[bool] = []

    def counting(*args: Any, integrality: np.ndarray, **kwargs: Any) -> Any:
        if integrality.any():
            runs.append(True)
        return milp(*args, integrality=integrality, **kwargs)

    setattr(milp_module, "milp", counting)  # noqa: B010 - the module does not export it
    return runs


def _before_mean(before_ms: dict[str, list[float]], name: str) -> float:
    values = [v for key, vs in before_ms.items() if name in (key, "all") for v in vs]
    return statistics.mean(values)


def _share(relaxed: Counter[str], before_ms: dict[str, list[float]], name: str) -> float:
    """Share of the calls (infeasible ones included) answered by the relaxation alone."""
    if name == "all":
        return sum(relaxed.values()) / max(1, sum(len(v) for v in before_ms.values()))
    return relaxed[name] / max(1, len(before_ms[name]))


if __name__ == "__main__":
    main()

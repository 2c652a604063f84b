"""Learning from outcomes: do partner suggestions improve as recorded outcomes accumulate?

Replay on CORDIS (``../shared/data/cordis-dev``; projects starting in 2024 or later are never
read). The candidates are every organisation of the pre-2023 projects, as in
``partner_recovery_cordis.py``, and so are the queries: eligible 2023 projects, one known
participant hidden (same seed, same evenly spaced subset). What changes is what the engine
knows of the past:

* the **base history**: every organisation's pre-2023 projects are its ``publications`` (what
  it works on: the profiles' text, as in the usual pool), but who took part with it
  (``coauthors``) is kept only for the projects that started before 2022 (29 projects); the
  2022 ones are text only, dated 2023 (otherwise an outcome's training example would see the
  held-out member's own project as a one-member work of the same year: a leak);
* then the **2022 projects arrive quarter by quarter as recorded outcomes**: each one a
  ``funded`` :class:`~matcher.model.Outcome` dated at its start, naming its participants and
  its project as the call (title, objective, keywords). An outcome adds past collaboration
  (joint works, routes, the learned model's past teams and their features); the text was
  there from the start, so the steps measure what the outcomes' ties are worth.

After each step the same 2023 queries are answered through the engine (``Matcher``), and
partner recovery is measured with the functions of ``partner_recovery_cordis.py`` (recall@10,
recall@50, MRR with 95% bootstrap CIs; paired CIs of the change from the base history). A
reference row gives the usual benchmark pool (2022 projects as publications with their
co-participants): the same ties recorded the ordinary way.

Systems per step: the linear partner score (relevance + joint works + topic-weighted joint
works, outcomes included through ``RouteFinder.joint_works`` and the partner history), the
learned partner model (``PartnerWeights(model="learned")``; with too little history the
engine falls back to the linear score and the row says so), and co-participation counted
from the engine's joint works (publications and outcomes).

Usage::

    nice -n 19 python benchmarks/outcomes_replay.py --queries 300 \
        --cache ~/.cache/grantmatch/cache/vectors.sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._metrics import bootstrap_mean_ci
from benchmarks.partner_recovery_cordis import (
    CUTOFF,
    DEFAULT_CACHE,
    DEFAULT_DATA,
    HELD_OUT,
    Experiment,
    FloatArray,
    Project,
    Query,
    as_call,
    build_profiles,
    build_queries,
    load_projects,
    markdown,
)
from benchmarks.partner_recovery_cordis import Result as Row
from embeddings import CachedEncoder, Encoder, get_encoder
from matcher import Matcher, PartnerWeights, RelevanceWeights
from matcher.dataset import Dataset
from matcher.model import Call, Outcome, Profile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "outcomes_replay.md"
BASE_END = "2022-01-01"
#: The year given to the 2022 projects kept as text only (see :func:`pool_profiles`).
LATER = 2023
#: The steps: outcomes of the 2022 projects that started before each date.
STEP_ENDS = ("2022-01-01", "2022-04-01", "2022-07-01", "2022-10-01", CUTOFF)


def outcome_of(project: Project) -> Outcome:
    """A 2022 project as a recorded ``funded`` outcome of its call (the project's text)."""
    return Outcome(
        id=f"outcome-{project.id}",
        kind="funded",
        call_id=f"call-{project.id}",
        members=[f"org-{o}" for o in project.organisations],
        date=dt.date.fromisoformat(project.start[:10]),
    )


def pool_profiles(everyone: Sequence[Profile], base_end: str) -> list[Profile]:
    """Every candidate of the full pool with all its pre-2023 projects as publications (what
    it works on), but the co-participants (``coauthors``) only of the projects that started
    before ``base_end``: who worked with whom in 2022 is left to the outcomes. Those text-only
    projects are dated :data:`LATER`, so that no outcome's training example (dated in 2022)
    sees a member's own project again as a separate one-member work."""
    year = int(base_end[:4])
    return [
        profile.model_copy(
            update={
                "publications": [
                    p
                    if p.year is not None and p.year < year
                    else p.model_copy(update={"coauthors": [], "year": LATER})
                    for p in profile.publications
                ]
            }
        )
        for profile in everyone
    ]


@dataclass
class Step:
    label: str
    outcomes: int
    dataset: Dataset


class ReplayExperiment(Experiment):
    """The partner-recovery experiment on a dataset that carries outcomes and their calls
    (the query calls first, so ``call_vectors_[row]`` is query ``row``'s)."""

    def __init__(
        self,
        profiles: list[Profile],
        queries: list[Query],
        encoder: Encoder,
        outcomes: Sequence[Outcome],
        outcome_calls: Sequence[Call],
    ) -> None:
        super().__init__(profiles, queries, encoder)
        self.dataset = Dataset(
            profiles=profiles, calls=[*self.calls, *outcome_calls], outcomes=outcomes
        )

    def matcher(self, weights: RelevanceWeights, partner: PartnerWeights | None = None) -> Matcher:
        """As :meth:`Experiment.matcher`, the linear score unless asked otherwise (the linear
        rows never wait for a learned fit)."""
        return super().matcher(weights, partner or PartnerWeights(model="linear"))

    def joint_co_participation(self) -> FloatArray:
        """Joint works with the team as the engine counts them (publications and outcomes);
        ties by number of past projects."""
        matcher = self.matcher(RelevanceWeights(), PartnerWeights(model="linear"))
        counts = np.asarray([len(p.publications) for p in self.profiles], dtype=np.float64)
        scores = np.zeros((len(self.queries), len(self.profiles)))
        for row, query in enumerate(self.queries):
            for org in query.team:
                for other, count in matcher.routes_.joint_works(f"org-{org}").items():
                    scores[row, self.position[other]] += count
        return self._finish(scores + counts / (counts.max() + 1.0))

    def learned_or_fallback(self, linear_ranks: FloatArray) -> tuple[FloatArray, str]:
        """The learned model's ranks, or the linear ranks when the engine falls back."""
        learned = PartnerWeights(model="learned")
        info = self.matcher(RelevanceWeights(), learned).partner_model()
        if info.kind != "learned":
            return linear_ranks, f"falls back to linear: {info.reason}"
        ranks = self.learned_variants(RelevanceWeights(), [learned])[0]
        note = (
            f"{info.examples} examples from {info.history_teams} past teams, "
            f"fit {info.fit_seconds:.0f} s"
        )
        return ranks, note


def demo_round(backend: str, solver: str) -> str:
    """On the bundled demo: the calls with a viable team before and after a round of
    introductions is accepted and recorded as outcomes.

    The round: for each call with a team, every foreign member reached through an office
    accepts an introduction from the team's lead (or first home-side member); for each call
    without one, each country its rules require that nobody eligible is reachable in, the
    most relevant eligible profile there accepts an introduction from the call's most
    relevant eligible home-side profile (met at a forum, say: an introduction outside the
    offices). The engine is refitted with those ``introduction_accepted`` outcomes.
    """
    from embeddings.locations import vector_cache_path
    from matcher import load_demo
    from matcher.whatif import compare

    dataset = load_demo()
    before = Matcher(backend, cache_path=vector_cache_path()).fit(dataset)
    home = before.routes_.home_country
    outcomes: list[Outcome] = []

    def introduce(requester: str, partner: str, call_id: str) -> None:
        outcomes.append(
            Outcome(
                id=f"intro-{len(outcomes) + 1}",
                kind="introduction_accepted",
                call_id=call_id,
                members=[requester, partner],
                date=dt.date(2026, 11, 1),
            )
        )

    for call in dataset.calls:
        team = before.team(call.id, solver=solver, relax=False).team
        if team is not None:
            homes = [m for m in team.members if m.country == home]
            for member in team.members:
                if homes and member.route.kind in ("office", "office_partner"):
                    introduce(homes[0].profile_id, member.profile_id, call.id)
            continue
        relevance = before.relevance_of(call.id)
        may_join = before.may_join(call.id)
        order = np.argsort(-relevance)
        profiles = dataset.profiles
        home_side = [i for i in order if may_join[i] and profiles[i].country == home]
        for country in call.rules.required_countries:
            if country == home or not home_side:
                continue
            there = [
                i
                for i in order
                if profiles[i].country == country
                and call.rules.country_is_eligible(country)
                and profiles[i].kind in call.rules.member_kinds
            ]
            reachable = [i for i in there if before.routes_.route(profiles[i]) is not None]
            if there and not reachable:
                introduce(profiles[home_side[0]].id, profiles[there[0]].id, call.id)
    after = Matcher(backend, cache_path=vector_cache_path()).fit(dataset.replace(outcomes=outcomes))
    report = compare(before, after, "accepted introductions recorded", solver=solver)
    kinds = Counter(outcome.call_id for outcome in outcomes)
    lines = [
        f"- demo: {len(dataset.calls)} calls, backend {before.encoder_.name}, solver {solver}; "
        f"{len(outcomes)} accepted introductions recorded",
        f"- calls with a viable team: {report.viable_before} before, {report.viable_after} after; "
        f"gained: {', '.join(report.gained) or '-'}; lost: {', '.join(report.lost) or '-'}",
        f"- calls with a better team: {len(report.improved)} "
        f"(total objective gain {report.total_improvement:+.3f})",
        "",
        "| call | introductions | viable before | viable after | objective before | after |",
        "|---|---:|---|---|---:|---:|",
    ]
    for row in report.rows:
        lines.append(
            f"| {row.call_id} | {kinds.get(row.call_id, 0)} | {row.before.feasible} | "
            f"{row.after.feasible} | {_objective(row.before.objective)} | "
            f"{_objective(row.after.objective)} |"
        )
    return "\n".join(lines)


def _objective(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def paired_cells(ranks: FloatArray, base: FloatArray) -> str:
    """Paired change from the base history: R@10 and MRR differences with 95% CIs."""
    cells = []
    for values in ((ranks <= 10) * 1.0 - (base <= 10) * 1.0, 1.0 / ranks - 1.0 / base):
        low, high = bootstrap_mean_ci(values)
        cells.append(f"{values.mean():+.3f} [{low:+.3f}, {high:+.3f}]")
    return " | ".join(cells)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="cordis-dev folder")
    parser.add_argument("--queries", type=int, default=300, help="2023 queries (0: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the hidden-partner choice")
    parser.add_argument("--backend", default="minilm", help="embedding backend")
    parser.add_argument("--threads", type=int, default=2, help="encoder threads")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="SQLite vector cache ('off': none)"
    )
    parser.add_argument(
        "--steps", default="0,1,2,3,4", help="which steps to run (0: base, 4: all of 2022)"
    )
    parser.add_argument("--no-learned", action="store_true", help="linear and baseline only")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the 2022-as-publications row"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown output file")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="only the demo: calls gaining a viable team from accepted introductions",
    )
    parser.add_argument("--solver", default="exact", help="team solver of --demo")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    started = time.perf_counter()
    if args.demo:
        report = demo_round("auto" if args.backend == "minilm" else args.backend, args.solver)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
        print(report, f"\n({time.perf_counter() - started:.0f} s)", flush=True)
        return 0
    projects, names, countries = load_projects(args.data)
    assert all(p.start < HELD_OUT for p in projects)
    past = [p for p in projects if p.start and p.start < CUTOFF]
    future = [p for p in projects if p.start and CUTOFF <= p.start < HELD_OUT]
    everyone = build_profiles(past, names, countries)
    known = {p.id.removeprefix("org-") for p in everyone}
    queries = build_queries(future, known, args.queries, args.seed)
    base = [p for p in past if p.start < BASE_END]
    # A project of one organisation is no collaboration: it records no outcome.
    year_2022 = sorted(
        (p for p in past if p.start >= BASE_END and len(p.organisations) >= 2),
        key=lambda p: p.start,
    )
    profiles = pool_profiles(everyone, BASE_END)
    options = {"threads": args.threads} if args.backend != "tfidf" else {}
    encoder: Encoder = get_encoder(args.backend, **options)
    if str(args.cache) != "off":
        encoder = CachedEncoder(encoder, args.cache)
    print(
        f"pool {len(everyone)} organisations; base {len(base)} projects before {BASE_END} "
        f"(their co-participants kept; 2022 projects are text only); "
        f"{len(year_2022)} projects of 2022 as outcomes; {len(queries)} queries",
        flush=True,
    )
    rows: list[tuple[str, str, FloatArray, str]] = []  # step, system, ranks, note
    base_ranks: dict[str, FloatArray] = {}
    steps = [int(s) for s in args.steps.split(",")]
    for step in steps:
        end = STEP_ENDS[step]
        arrived = [p for p in year_2022 if p.start < end]
        label = "base history (before 2022)" if step == 0 else f"+ 2022 outcomes before {end}"
        t0 = time.perf_counter()
        experiment = ReplayExperiment(
            profiles,
            queries,
            encoder,
            [outcome_of(p) for p in arrived],
            [as_call(p) for p in arrived],
        )
        linear = experiment.linear_sweep(RelevanceWeights(), [PartnerWeights(model="linear")])[0]
        systems = [("linear partner score", linear, "")]
        systems.append(
            ("co-participation (engine's joint works)", experiment.joint_co_participation(), "")
        )
        if not args.no_learned:
            ranks, note = experiment.learned_or_fallback(linear)
            systems.append(("learned partner model", ranks, note))
        for system, ranks, note in systems:
            if step == steps[0]:
                base_ranks[system] = ranks
            rows.append((f"{label} ({len(arrived)} outcomes)", system, ranks, note))
            print(
                f"step {step} {system}: R@10 {np.mean(ranks <= 10):.3f} "
                f"MRR {np.mean(1 / ranks):.3f} {note}",
                flush=True,
            )
        print(f"step {step}: {time.perf_counter() - t0:.0f} s", flush=True)
        _write(args, argv, rows, base_ranks, started)
    if not args.no_reference:
        t0 = time.perf_counter()
        reference = Experiment(everyone, queries, encoder)
        linear = reference.linear_sweep(RelevanceWeights(), [PartnerWeights(model="linear")])[0]
        rows.append(
            ("reference: 2022 projects as publications", "linear partner score", linear, "")
        )
        if not args.no_learned:
            learned = reference.learned_variants(
                RelevanceWeights(), [PartnerWeights(model="learned")]
            )[0]
            rows.append(
                ("reference: 2022 projects as publications", "learned partner model", learned, "")
            )
        print(f"reference: {time.perf_counter() - t0:.0f} s", flush=True)
        _write(args, argv, rows, base_ranks, started)
    return 0


def _write(
    args: argparse.Namespace,
    argv: Sequence[str] | None,
    rows: list[tuple[str, str, FloatArray, str]],
    base_ranks: dict[str, FloatArray],
    started: float,
) -> None:
    table = markdown([Row(f"{step}: {system}", note, ranks) for step, system, ranks, note in rows])
    lines = [
        "| step: system | change in R@10 vs base [95% CI] | change in MRR vs base [95% CI] |",
        "|---|---|---|",
    ]
    for step, system, ranks, _ in rows:
        if system in base_ranks:
            lines.append(f"| {step}: {system} | {paired_cells(ranks, base_ranks[system])} |")
    command = " ".join(["python benchmarks/outcomes_replay.py", *(argv or sys.argv[1:])])
    report = "\n".join(
        [
            f"- command: `{command}`",
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
            f"{os.cpu_count()} CPUs (shared), {time.perf_counter() - started:.0f} s so far",
            "",
            table,
            "",
            "\n".join(lines),
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())

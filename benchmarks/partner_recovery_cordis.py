"""Partner recovery on CORDIS: can the engine name a consortium's missing organisation?

Protocol. Organisation profiles (kind ``organization``) are built only from the
Horizon Europe projects that started before 2023: each organisation's past projects are its
``publications`` (title, objective as abstract, start year, the other participants as
``coauthors``). Every 2023 project with at least 4 participating organisations in at least 3
countries, one of which also appears in earlier projects, is a query: that organisation is
hidden (chosen at random, seeded), the project becomes a call (title, objective, keywords; the
rules admit organisations from any country), and every organisation in the pool is ranked for it
given the call's text and the remaining partners that have a profile.

Systems (all in one run, on the same queries):

* ``grantmatch partners``: ``Matcher.partners(call_id, team, k=0)`` through the public API,
  with the linear partner score (the default: relevance plus past collaboration with the
  team, ``PartnerWeights``) and with the learned partner model (``model="learned"``, fitted
  on the pool's own pre-2023 history), its ablations (one feature group left out at a time)
  and model choices; the linear score with dense-only relevance; and variants of the
  relevance settings (aggregation, lexical share, recency) and of the collaboration weight;
* relevance alone (``Matcher.relevance_of``), dense only and blended;
* baselines: the most frequent participant (number of pre-2023 projects), co-participation
  with the remaining partners (joint pre-2023 projects; ties by frequency), topic-weighted
  co-participation (each joint project weighted by its calibrated similarity to the call,
  clipped at 0), TF-IDF text only
  (cosine of the project text with the concatenation of an organisation's past projects,
  scikit-learn, IDF fitted on the pre-2023 projects).

Reported: recall@10, recall@50 (one hidden organisation per query, so recall@k is the share
of queries where it is among the first k) and MRR (full ranking), with 95% bootstrap CIs.
The team's own members are never ranked. Texts are embedded once and kept in a SQLite vector
cache (``--cache``), so a re-run embeds nothing.

Modes: ``--validation`` runs the same protocol half a year earlier on past teams only (pool
before 2022-07-01, queries 2022-H2: where weights are tuned); ``--sweep`` the linear score over
a grid of collaboration and topic weights; ``--confirm`` the defaults and baselines only;
``--paired`` paired bootstrap CIs of the shipped scores' differences; ``--only`` a subset.

Usage::

    python benchmarks/partner_recovery_cordis.py [--queries 300] [--backend minilm]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError
from sklearn.feature_extraction.text import TfidfVectorizer

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._metrics import bootstrap_mean_ci
from embeddings import CachedEncoder, Encoder, get_encoder
from matcher import LearnedOptions, Matcher, PartnerWeights, RelevanceWeights
from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Profile, Publication
from matcher.partner_model import FEATURE_GROUPS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cordis-dev"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "partner_recovery_cordis.md"
DEFAULT_CACHE = ROOT / "benchmarks" / "out" / "vectors.sqlite"
CUTOFF = "2023-01-01"
#: The second round's learned default (2026-12-01), before the third round's changes.
SECOND_ROUND = LearnedOptions(known_team=False, exclude_groups=("lexical",))
#: Model choices of the learned partner model tried (beside the default, ``"auto"``).
LEARNED_CHOICES: tuple[tuple[str, LearnedOptions], ...] = (
    ("auto (estimator chosen inside the fit)", LearnedOptions(estimator="auto")),
    ("logistic regression C=0.05", LearnedOptions(estimator="logistic", regularisation=0.05)),
    ("pairwise logistic C=1", LearnedOptions(estimator="pairwise")),
    ("gradient boosting (hgb)", LearnedOptions(estimator="hgb")),
    ("gradient boosting, no monotone constraints", LearnedOptions(estimator="hgb", monotone=False)),
    ("strictly earlier history", LearnedOptions(same_year=False)),
    ("3 held-out members per team", LearnedOptions(holdouts=3)),
    ("seed 1", LearnedOptions(seed=1)),
    ("seed 2", LearnedOptions(seed=2)),
    ("training teams with every member (before 2026-12-02)", LearnedOptions(known_team=False)),
    ("every member, without lexical (the second round's model)", SECOND_ROUND),
)
#: ``--sweep``: the linear score's weights tried (tune with ``--validation``).
SWEEP_COLLABORATION = (0.0, 0.15, 0.3, 0.5)
SWEEP_TOPIC = (0.0, 0.15, 0.3, 0.5, 0.8, 1.2, 2.0)
#: ``--validation``: the same protocol half a year earlier, on past teams only (pool before
#: this date, queries from it up to CUTOFF); weights are tuned there, never on 2023.
VALIDATION_CUTOFF = "2022-07-01"
#: Projects starting from this date on are held out: never read, never tuned on.
HELD_OUT = "2024-01-01"
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    objective: str
    keywords: tuple[str, ...]
    start: str
    organisations: tuple[str, ...]  # distinct, in file order
    countries: frozenset[str]


@dataclass(frozen=True)
class Query:
    project: Project
    hidden: str
    team: tuple[str, ...]  # the remaining partners that have a profile


def _keywords(text: str) -> tuple[str, ...]:
    items = [item.strip() for item in text.replace(";", ",").split(",")]
    return tuple(dict.fromkeys(item for item in items if 1 < len(item) <= 80))[:10]


def load_projects(folder: Path) -> tuple[list[Project], dict[str, str], dict[str, str]]:
    """Projects with their organisations, and each organisation's name and country."""
    csv.field_size_limit(sys.maxsize)
    members: dict[str, list[str]] = defaultdict(list)
    countries: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    country_of: dict[str, str] = {}
    with (folder / "organizations.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            org = row["organisationID"].strip()
            if not org or row["role"] == "thirdParty":
                continue
            if org not in members[row["projectID"]]:
                members[row["projectID"]].append(org)
            countries[row["projectID"]].add(row["country"])
            names.setdefault(org, row["legalName"].strip() or org)
            country_of.setdefault(org, row["country"].strip())
    projects = []
    with (folder / "projects.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pid = row["projectID"]
            if not row["title"].strip() or pid not in members:
                continue
            if row["startDate"] >= HELD_OUT:
                continue
            projects.append(
                Project(
                    id=pid,
                    title=row["title"].strip(),
                    objective=row["objective"].strip(),
                    keywords=_keywords(row["keywords"]),
                    start=row["startDate"],
                    organisations=tuple(members[pid]),
                    countries=frozenset(countries[pid]),
                )
            )
    return projects, names, country_of


def _country(code: str) -> str | None:
    try:
        return Profile(id="x", name="x", country=code).country
    except ValidationError:
        return None


def build_profiles(
    past: Sequence[Project], names: dict[str, str], country_of: dict[str, str]
) -> list[Profile]:
    """One organisation profile per organisation in ``past``, its projects as publications."""
    projects_of: dict[str, list[Project]] = defaultdict(list)
    for project in past:
        for org in project.organisations:
            projects_of[org].append(project)
    profiles = []
    for org in sorted(projects_of):
        publications = [
            Publication(
                title=p.title,
                abstract=p.objective,
                year=int(p.start[:4]) if p.start[:4].isdigit() else None,
                coauthors=[f"org-{o}" for o in p.organisations if o != org],
            )
            for p in projects_of[org]
        ]
        profiles.append(
            Profile(
                id=f"org-{org}",
                name=names.get(org, org),
                kind="organization",
                country=_country(country_of.get(org, "")),
                publications=publications,
            )
        )
    return profiles


def build_queries(future: Sequence[Project], known: set[str], limit: int, seed: int) -> list[Query]:
    """Eligible 2023 projects, a hidden known participant each; a deterministic subsample."""
    rng = np.random.default_rng(seed)
    eligible = []
    for project in future:
        if len(project.organisations) < 4 or len(project.countries) < 3:
            continue
        candidates = [o for o in project.organisations if o in known]
        if not candidates:
            continue
        hidden = candidates[int(rng.integers(len(candidates)))]
        team = tuple(o for o in project.organisations if o != hidden and o in known)
        eligible.append(Query(project, hidden, team))
    if limit and len(eligible) > limit:
        # Evenly spaced over the file (ordered by project id): deterministic, spread out.
        picks = np.linspace(0, len(eligible) - 1, limit).round().astype(int)
        eligible = [eligible[i] for i in picks]
    return eligible


def as_call(project: Project) -> Call:
    return Call(
        id=f"call-{project.id}",
        title=project.title,
        description=project.objective,
        keywords=list(project.keywords),
        rules=CallRules(member_kinds=["organization"], min_team_size=1, max_team_size=200),
    )


# -- systems: each returns, per query, a score for every profile (-inf: not ranked) ----------

Scores = Callable[[Sequence[Query]], FloatArray]


def _excluded(queries: Sequence[Query], position: dict[str, int], n: int) -> npt.NDArray[np.bool_]:
    mask = np.zeros((len(queries), n), dtype=bool)
    for row, query in enumerate(queries):
        for org in query.team:
            mask[row, position[f"org-{org}"]] = True
    return mask


def rank_of_hidden(
    scores: FloatArray, queries: Sequence[Query], position: dict[str, int]
) -> FloatArray:
    """1-based rank of each hidden organisation (ties count half, as the expected rank)."""
    ranks = []
    for row, query in enumerate(queries):
        target = scores[row, position[f"org-{query.hidden}"]]
        above = np.sum(scores[row] > target)
        ties = np.sum(scores[row] == target) - 1
        ranks.append(1 + above + ties / 2.0)
    return np.asarray(ranks, dtype=np.float64)


@dataclass(frozen=True)
class Result:
    system: str
    note: str
    ranks: FloatArray


def _metric_cells(ranks: FloatArray) -> list[str]:
    cells = []
    for values in (ranks <= 10, ranks <= 50, 1.0 / ranks):
        values = np.asarray(values, dtype=np.float64)
        low, high = bootstrap_mean_ci(values)
        cells.append(f"{values.mean():.3f} [{low:.3f}, {high:.3f}]")
    return cells


def markdown(results: Sequence[Result]) -> str:
    lines = [
        "| system | notes | recall@10 [95% CI] | recall@50 [95% CI] | MRR [95% CI] | median rank |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        cells = _metric_cells(result.ranks)
        lines.append(
            f"| {result.system} | {result.note} | {' | '.join(cells)} | "
            f"{np.median(result.ranks):.0f} |"
        )
    return "\n".join(lines)


class Experiment:
    """Holds the pool, the queries and the encoder; evaluates systems on them."""

    def __init__(self, profiles: list[Profile], queries: list[Query], encoder: Encoder) -> None:
        self.profiles = profiles
        self.queries = queries
        self.encoder = encoder
        self.calls = [as_call(q.project) for q in queries]
        self.dataset = Dataset(profiles=profiles, calls=self.calls)
        self.position = {p.id: i for i, p in enumerate(profiles)}
        self.excluded = _excluded(queries, self.position, len(profiles))
        self._matchers: dict[tuple[RelevanceWeights, PartnerWeights], Matcher] = {}
        self.fit_seconds: dict[PartnerWeights, float] = {}

    def matcher(self, weights: RelevanceWeights, partner: PartnerWeights | None = None) -> Matcher:
        """A fitted matcher; partner variants share the embeddings and relevance of one fit
        with the linear partner score (``Matcher.with_partner_weights``)."""
        partner = partner or PartnerWeights()
        linear = PartnerWeights(model="linear")
        base_key = (weights, linear)
        if base_key not in self._matchers:
            self._matchers[base_key] = Matcher(
                self.encoder, relevance=weights, partner_weights=linear
            ).fit(self.dataset)
        key = (weights, partner)
        if key not in self._matchers:
            self._matchers[key] = self._matchers[base_key].with_partner_weights(partner)
            info = self._matchers[key].partner_model()
            self.fit_seconds[partner] = info.fit_seconds
            print(
                f"  partner model: {info.kind} {info.reason} ({info.history_teams} past teams, "
                f"{info.examples} examples, {info.rows} rows, fit {info.fit_seconds:.1f} s; "
                f"estimator {info.estimator or '-'}, validation MRR {info.validation})",
                flush=True,
            )
        return self._matchers[key]

    def _finish(self, scores: FloatArray) -> FloatArray:
        return rank_of_hidden(np.where(self.excluded, -np.inf, scores), self.queries, self.position)

    def relevance(self, weights: RelevanceWeights) -> FloatArray:
        matcher = self.matcher(weights)
        scores = np.asarray([matcher.relevance_of(c.id) for c in self.calls], dtype=np.float64)
        return self._finish(scores)

    def partners(
        self, weights: RelevanceWeights, partner: PartnerWeights | None = None, limit: int = 0
    ) -> FloatArray:
        matcher = self.matcher(weights, partner)
        queries = self.queries[:limit] if limit else self.queries
        scores = np.full((len(queries), len(self.profiles)), -np.inf)
        for row, (query, call) in enumerate(zip(queries, self.calls, strict=False)):
            team = [f"org-{o}" for o in query.team]
            for suggestion in matcher.partners(call.id, team, k=0):
                scores[row, self.position[suggestion.profile_id]] = suggestion.score
        if limit:
            masked = np.where(self.excluded[:limit], -np.inf, scores)
            return rank_of_hidden(masked, queries, self.position)
        return self._finish(scores)

    def linear_sweep(
        self, weights: RelevanceWeights, grid: Sequence[PartnerWeights]
    ) -> list[FloatArray]:
        """Ranks of the linear score for each weights in ``grid``, from its parts computed
        once per query through the engine's own finder (relevance, joint works, topic
        ties); every profile is reachable at the same cost here and no country is
        required, so the route and need terms are the same for every candidate. The
        last of ``grid`` is checked against ``Matcher.partners`` on the first queries."""
        matcher = self.matcher(weights)
        finder = matcher.partners_
        scores = [np.full((len(self.queries), len(self.profiles)), -np.inf) for _ in grid]
        for row, (query, call) in enumerate(zip(self.queries, self.calls, strict=True)):
            team = [self.position[f"org-{o}"] for o in query.team]
            base = matcher.relevance_of(call.id).astype(np.float64)
            joint = np.zeros(len(self.profiles))
            for member in team:
                for other, count in finder.routes.joint_works(self.profiles[member].id).items():
                    joint[self.position[other]] += count
            topic = finder.topic_ties(matcher.call_vectors_[row], team) if finder.topic_ties else 0
            for out, partner in zip(scores, grid, strict=True):
                saturation = math.log1p(partner.saturation)
                out[row] = (
                    base
                    + partner.collaboration_weight * np.minimum(1, np.log1p(joint) / saturation)
                    + partner.topic_weight * np.minimum(1, np.log1p(topic) / saturation)
                )
        checked = self.partners(weights, grid[-1], limit=20)
        expected = rank_of_hidden(
            np.where(self.excluded[:20], -np.inf, scores[-1][:20]), self.queries[:20], self.position
        )
        assert np.allclose(checked, expected), "the sweep's score is not the engine's"
        return [self._finish(values) for values in scores]

    def learned_variants(
        self, weights: RelevanceWeights, variants: Sequence[PartnerWeights]
    ) -> list[FloatArray]:
        """Ranks of each learned ``variants`` (each fitted as ``Matcher.partners`` fits it),
        scoring every variant on one feature matrix per query: the features depend on the
        data, the call and the team only, so ablations and model choices share them. Every
        profile is eligible and reachable at the same cost here, so the partner score orders
        candidates as the model's log-odds do; the first variant is checked against
        ``Matcher.partners`` on the first queries."""
        matchers = [self.matcher(weights, variant) for variant in variants]
        for m in matchers:
            m.partner_model()  # fitted on first use
        models = [m.partner_model_ for m in matchers]
        assert all(model is not None for model in models), "a variant fell back to linear"
        builder = models[0].builder  # type: ignore[union-attr]
        scores = [np.full((len(self.queries), len(self.profiles)), -np.inf) for _ in variants]
        for row, query in enumerate(self.queries):
            team = models[0].known_team([self.position[f"org-{o}"] for o in query.team])  # type: ignore[union-attr]
            text = self.calls[row].text
            features = builder.features(matchers[0].call_vectors_[row], team, text=text)
            for out, model in zip(scores, models, strict=True):
                out[row] = model.log_odds(features)  # type: ignore[union-attr]
        checked = self.partners(weights, variants[0], limit=10)
        expected = rank_of_hidden(
            np.where(self.excluded[:10], -np.inf, scores[0][:10]), self.queries[:10], self.position
        )
        assert np.allclose(checked, expected), "the batch's ranking is not the engine's"
        return [self._finish(values) for values in scores]

    def frequency(self) -> FloatArray:
        counts = np.asarray([len(p.publications) for p in self.profiles], dtype=np.float64)
        return self._finish(np.tile(counts, (len(self.queries), 1)))

    def co_participation(self) -> FloatArray:
        counts = np.asarray([len(p.publications) for p in self.profiles], dtype=np.float64)
        joint: dict[str, Counter[str]] = {}
        for profile in self.profiles:
            joint[profile.id] = Counter(c for p in profile.publications for c in p.coauthors)
        scores = np.zeros((len(self.queries), len(self.profiles)))
        for row, query in enumerate(self.queries):
            for org in query.team:
                for other, count in joint[f"org-{org}"].items():
                    scores[row, self.position[other]] += count
        # Ties (most organisations never worked with the team) broken by frequency.
        return self._finish(scores + counts / (counts.max() + 1.0))

    def topic_co_participation(self) -> FloatArray:
        """Joint projects with the team, each weighted by its (calibrated, dense, clipped at
        0) similarity to the call; ties by co-participation, then frequency."""
        matcher = self.matcher(RelevanceWeights(lexical=0.0), PartnerWeights(model="linear"))
        index = matcher.index_
        calibrate = matcher.encoder_.calibrate
        rows: dict[tuple[int, int], int] = {}
        for evidence in np.flatnonzero(index.item >= 0):
            rows[(int(index.owner[evidence]), int(index.item[evidence]))] = int(evidence)
        counts = np.asarray([len(p.publications) for p in self.profiles], dtype=np.float64)
        scores = np.zeros((len(self.queries), len(self.profiles)))
        joint = np.zeros((len(self.queries), len(self.profiles)))
        for row, query in enumerate(self.queries):
            vector = matcher.call_vectors_[row]
            for org in query.team:
                owner = self.position[f"org-{org}"]
                for item, publication in enumerate(self.profiles[owner].publications):
                    sim = float(calibrate(index.vectors[rows[(owner, item)]] @ vector))
                    for other in publication.coauthors:
                        scores[row, self.position[other]] += max(sim, 0.0)
                        joint[row, self.position[other]] += 1
        ties = joint / (joint.max() + 1.0) + counts / (counts.max() + 1.0) / (joint.max() + 1.0)
        return self._finish(scores + 1e-6 * ties)  # ties: at most 2e-6, below any real gap

    def tfidf(self) -> FloatArray:
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        documents = [" ".join(pub.text for pub in p.publications) for p in self.profiles]
        matrix = vectorizer.fit_transform(documents)
        queries = vectorizer.transform([c.text for c in self.calls])
        return self._finish(np.asarray((queries @ matrix.T).toarray(), dtype=np.float64))


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Writes a markdown report (--out) and prints it. Everything is deterministic "
        "for a given --seed and --queries.",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="cordis-dev folder")
    parser.add_argument(
        "--queries",
        type=int,
        default=300,
        help="evaluate this many of the eligible 2023 projects, evenly spaced over the file "
        "(0: all of them; the full run takes about 10x longer on 2 cores)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the hidden-partner choice")
    parser.add_argument(
        "--backend", default="minilm", help="embedding backend for the dense relevance"
    )
    parser.add_argument("--threads", type=int, default=2, help="encoder threads")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="SQLite vector cache so that re-runs embed nothing ('off' to disable)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the default, the dense-only engine and the baselines (no variants)",
    )
    parser.add_argument(
        "--partners-only",
        action="store_true",
        help="only the partner models (learned, its ablations and model choices; linear) and "
        "the co-participation baselines",
    )
    parser.add_argument(
        "--validation",
        action="store_true",
        help=f"tune on past teams: pool from projects before {VALIDATION_CUTOFF}, queries "
        f"from then until {CUTOFF} (the 2023 queries are not read)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="only the linear score over a grid of topic and collaboration weights, and the "
        "co-participation baselines (to tune the linear weights, with --validation)",
    )
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="only the defaults, the previous linear default, the chosen learned variants "
        "and the baselines (the confirmation run on all queries)",
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="only the shipped learned and linear scores, the previous linear default and "
        "co-participation, with paired bootstrap CIs of their differences",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only the systems whose name contains this (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown output file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    started = time.perf_counter()
    projects, names, country_of = load_projects(args.data)
    cutoff, end = (VALIDATION_CUTOFF, CUTOFF) if args.validation else (CUTOFF, HELD_OUT)
    past = [p for p in projects if p.start and p.start < cutoff]
    future = [p for p in projects if p.start and cutoff <= p.start < end]
    profiles = build_profiles(past, names, country_of)
    known = {p.id.removeprefix("org-") for p in profiles}
    queries = build_queries(future, known, args.queries, args.seed)
    options = {"threads": args.threads} if args.backend != "tfidf" else {}
    encoder: Encoder = get_encoder(args.backend, **options)
    if str(args.cache) != "off":
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        encoder = CachedEncoder(encoder, args.cache)
    experiment = Experiment(profiles, queries, encoder)
    default = RelevanceWeights()
    dense = RelevanceWeights(lexical=0.0)
    results: list[Result] = []

    def add(system: str, note: str, run: Callable[[], FloatArray]) -> None:
        if args.only and not any(part in system for part in args.only):
            return
        t0 = time.perf_counter()
        results.append(Result(system, note, run()))
        # A long run's table so far, in case it has to be stopped before the report.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".partial.md").write_text(markdown(results) + "\n", encoding="utf-8")
        r = results[-1].ranks
        print(
            f"{system}: R@10 {np.mean(r <= 10):.3f} R@50 {np.mean(r <= 50):.3f} "
            f"MRR {np.mean(1 / r):.3f} ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )

    if args.paired:
        return _paired(args, argv, started, experiment, past, future, known, default)
    if args.sweep:
        add("co-participation", "joint projects with the team", experiment.co_participation)
        add(
            "topic-weighted co-participation",
            "joint projects with the team, each weighted by its similarity to the call",
            experiment.topic_co_participation,
        )
        grid = [
            PartnerWeights(model="linear", collaboration_weight=c, topic_weight=t)
            for c in SWEEP_COLLABORATION
            for t in SWEEP_TOPIC
        ]
        t0 = time.perf_counter()
        swept = experiment.linear_sweep(default, grid)
        print(f"sweep: {time.perf_counter() - t0:.0f} s", flush=True)
        for partner, ranks in zip(grid, swept, strict=True):
            add(
                f"linear, collaboration {partner.collaboration_weight:g}, "
                f"topic {partner.topic_weight:g}",
                "sweep",
                partial(lambda r: r, ranks),
            )
        learned = PartnerWeights(model="learned")
        return _report(args, argv, started, experiment, results, past, future, known, learned)
    shipped = PartnerWeights()
    linear = replace(shipped, model="linear")
    learned = replace(shipped, model="learned")
    previous = replace(linear, topic_weight=0.0)
    add(
        f"grantmatch partners, learned{' (default)' if shipped.model == 'learned' else ''}",
        f"learned partner model ({learned.learned.estimator}, seed {learned.learned.seed})",
        lambda: experiment.partners(default, learned),
    )
    add(
        f"grantmatch partners, linear{' (default)' if shipped.model == 'linear' else ''}",
        f"relevance {default.aggregation} k={default.top_k}, {default.lexical_method} "
        f"{default.lexical:g} + collaboration {linear.collaboration_weight:g} + topic ties "
        f"{linear.topic_weight:g}",
        lambda: experiment.partners(default, linear),
    )
    add(
        "grantmatch partners, previous linear default",
        f"collaboration {previous.collaboration_weight:g}, no topic ties",
        lambda: experiment.partners(default, previous),
    )
    add(
        "co-participation",
        "joint projects with the team; ties by frequency",
        experiment.co_participation,
    )
    add(
        "topic-weighted co-participation",
        "joint projects with the team, each weighted by its similarity to the call",
        experiment.topic_co_participation,
    )
    if args.confirm:
        auto = LearnedOptions(estimator="auto")
        add(
            "learned, auto (estimator chosen inside the fit)",
            "model choice",
            lambda: experiment.partners(default, replace(learned, learned=auto)),
        )
        return _report(args, argv, started, experiment, results, past, future, known, learned)
    if not args.quick:
        # Ablations and model choices share each query's features (learned_variants).
        variants = [
            (f"learned, without {group}", ", ".join(FEATURE_GROUPS[group]), without)
            for group in FEATURE_GROUPS
            for without in [LearnedOptions(exclude_groups=(group,))]
        ] + [(f"learned, {label}", "model choice", choice) for label, choice in LEARNED_CHOICES]
        variants = [v for v in variants if not args.only or any(o in v[0] for o in args.only)]
        if variants:
            t0 = time.perf_counter()
            batch = experiment.learned_variants(
                default, [replace(learned, learned=options) for _, _, options in variants]
            )
            print(f"learned variants: {time.perf_counter() - t0:.0f} s", flush=True)
            for (system, note, _), ranks in zip(variants, batch, strict=True):
                add(system, note, partial(lambda r: r, ranks))
    if not args.partners_only:
        add(
            "grantmatch partners, linear, dense only",
            "lexical 0",
            lambda: experiment.partners(dense, linear),
        )
        add(
            "relevance only (default blend)",
            "no team information",
            lambda: experiment.relevance(default),
        )
        add("dense text only", f"{args.backend}, lexical 0", lambda: experiment.relevance(dense))
        add("TF-IDF text only", "sklearn, concatenated past projects", experiment.tfidf)
        add("most frequent participant", "pre-2023 projects", experiment.frequency)
    if not args.quick and not args.partners_only:
        for share in (0.3, 0.5, 0.7, 1.0):
            weights = RelevanceWeights(lexical=share)
            add(f"relevance only, bm25 {share:g}", "", partial(experiment.relevance, weights))
        for label, weights in (
            ("top_k 1", RelevanceWeights(top_k=1)),
            ("top_k 5", RelevanceWeights(top_k=5)),
            ("rank_decay k=5", RelevanceWeights(aggregation="rank_decay", top_k=5)),
            ("recency half-life 1 y", RelevanceWeights(recency_half_life=1.0)),
        ):
            add(
                f"relevance only, {label}",
                "default blend otherwise",
                partial(experiment.relevance, weights),
            )
        for weight in (0.3, 0.6):
            partner = PartnerWeights(collaboration_weight=weight)
            add(
                f"grantmatch partners, linear, collaboration_weight {weight:g}",
                "default relevance",
                partial(experiment.partners, default, partner),
            )
    return _report(args, argv, started, experiment, results, past, future, known, learned)


def _hit10(ranks: FloatArray) -> FloatArray:
    return (ranks <= 10).astype(np.float64)


def _hit50(ranks: FloatArray) -> FloatArray:
    return (ranks <= 50).astype(np.float64)


def _reciprocal(ranks: FloatArray) -> FloatArray:
    return 1.0 / ranks


def _paired(
    args: argparse.Namespace,
    argv: Sequence[str] | None,
    started: float,
    experiment: Experiment,
    past: Sequence[Project],
    future: Sequence[Project],
    known: set[str],
    default: RelevanceWeights,
) -> int:
    """The shipped learned and linear scores, the second round's learned default, the
    previous linear default and co-participation on the same queries, with paired
    bootstrap CIs of their differences (the batch paths, each checked against
    ``Matcher.partners`` on the first queries)."""
    shipped = PartnerWeights()
    learned = replace(shipped, model="learned")
    linear = replace(shipped, model="linear")
    previous = replace(linear, topic_weight=0.0)
    # The second round's learned default (2026-12-01): every other member as a training
    # example's team, no lexical features.
    second = replace(learned, learned=SECOND_ROUND)
    t0 = time.perf_counter()
    ranks: dict[str, FloatArray] = {}
    ranks["learned"], ranks["second-round learned"] = experiment.learned_variants(
        default, [learned, second]
    )
    print(f"learned: {time.perf_counter() - t0:.0f} s", flush=True)
    ranks["previous linear"], ranks["linear"] = experiment.linear_sweep(default, [previous, linear])
    ranks["co-participation"] = experiment.co_participation()
    results = [Result(name, "", values) for name, values in ranks.items()]
    lines = [
        markdown(results),
        "",
        "| difference (paired) | recall@10 [95% CI] | recall@50 [95% CI] | MRR [95% CI] |",
        "|---|---|---|---|",
    ]
    for first, other in (
        ("learned", "second-round learned"),
        ("learned", "linear"),
        ("learned", "co-participation"),
        ("second-round learned", "co-participation"),
        ("learned", "previous linear"),
        ("linear", "co-participation"),
        ("linear", "previous linear"),
    ):
        a, b = ranks[first], ranks[other]
        cells = []
        for metric in (_hit10, _hit50, _reciprocal):
            diff = metric(a) - metric(b)
            low, high = bootstrap_mean_ci(diff)
            cells.append(f"{diff.mean():+.3f} [{low:+.3f}, {high:+.3f}]")
        lines.append(f"| {first} - {other} | {' | '.join(cells)} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out.with_suffix(".ranks.npz"), *ranks.values(), names=list(ranks))
    text = "\n".join(
        [
            f"- command: `python benchmarks/partner_recovery_cordis.py "
            f"{' '.join(sys.argv[1:] if argv is None else argv)}`",
            f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- pool: {len(experiment.profiles)} organisations, {len(past)} projects; queries: "
            f"{len(experiment.queries)} of {len(build_queries(future, known, 0, args.seed))}",
            f"- learned model: {experiment.fit_seconds.get(learned, float('nan')):.1f} s fit",
            f"- total time: {math.ceil(time.perf_counter() - started)} s",
            "",
            *lines,
            "",
        ]
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _report(
    args: argparse.Namespace,
    argv: Sequence[str] | None,
    started: float,
    experiment: Experiment,
    results: Sequence[Result],
    past: Sequence[Project],
    future: Sequence[Project],
    known: set[str],
    learned: PartnerWeights,
) -> int:
    profiles, queries = experiment.profiles, experiment.queries
    encoder = experiment.encoder
    cutoff = VALIDATION_CUTOFF if args.validation else CUTOFF
    n_eligible = len(build_queries(future, known, 0, args.seed))
    facts = {
        "command": "`python benchmarks/partner_recovery_cordis.py "
        + " ".join(sys.argv[1:] if argv is None else argv)
        + "`",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPU cores",
        "encoder": encoder.model_id,
        "pool": f"{len(profiles)} organisations from {len(past)} projects that started before "
        f"{cutoff}",
        "queries": f"{len(queries)} of {n_eligible} eligible projects from {cutoff} on (evenly "
        "spaced), "
        f"remaining partners with a profile per query: mean "
        f"{np.mean([len(q.team) for q in queries]):.1f}",
        "learned model fit": f"{experiment.fit_seconds.get(learned, float('nan')):.1f} s "
        f"(history of {len(profiles)} organisations; whole fit of the default)",
        "total time": f"{math.ceil(time.perf_counter() - started)} s",
    }
    text = "\n".join(
        [
            "## Partner recovery (CORDIS)",
            "",
            *[f"- {k}: {v}" for k, v in facts.items()],
            "",
            markdown(results),
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

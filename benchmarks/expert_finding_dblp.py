"""Quality of the relevance ranking on the DBLP expert-finding benchmark (Brochier et al. 2020).

Protocol (``../shared/data/README.md``): each of the 114 query papers is a call; the 199
candidate authors are ranked for it; a candidate is relevant when its expert tags intersect
the paper's tags. Reported: MAP, MRR, P@10 and R@10 over the same queries for every system.

Profiles and calls. One :class:`~matcher.model.Profile` per candidate, one
:class:`~matcher.model.Publication` per document the candidate authored; one
:class:`~matcher.model.Call` per query paper. The data holds each paper as "Title Abstract"
run together with no separator, so the whole text goes into ``title`` (and ``abstract`` /
``description`` stay empty): the embedded text is the paper's text, unaltered by a split
heuristic. Profiles have no keywords and no summary, so the relevance score is the
publication part alone (the other weights drop out by renormalisation).

Leakage. A query paper is itself authored by candidates (70 author links, 49 candidates).
The primary protocol removes, for each query, that paper from its authors' profiles and
nothing else (leave-one-out per query: every other paper, other query papers included,
stays as evidence). Queries whose removal changes the same profiles share one fit. Two
diagnostic protocols are reported for the default: every query paper removed from every
profile, and no removal at all (leaky, an upper bound showing what the leak is worth).

Embedding once. A caching wrapper around the ``minilm`` encoder embeds every distinct text
in one pass; each variant then fits a :class:`~matcher.Matcher` through the public API on
the cached vectors, so a variant costs only the scoring.

Usage::

    python benchmarks/expert_finding_dblp.py [--data ../shared/data/expert-finding-dblp]
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
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._metrics import (
    average_precision,
    bootstrap_mean_ci,
    expected_random_average_precision,
    expected_random_precision_at_k,
    expected_random_recall_at_k,
    expected_random_reciprocal_rank,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    relevance_in_rank_order,
)
from embeddings import CachedEncoder as PersistentCache
from embeddings import Encoder, Matrix, TextKind, get_encoder
from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Call, Profile, Publication
from matcher.relevance import RelevanceWeights

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "expert-finding-dblp"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "expert_finding_dblp.md"
DEFAULT_CORDIS = ROOT.parent / "shared" / "data" / "cordis-dev"
DEFAULT_CACHE = ROOT / "benchmarks" / "out" / "vectors.sqlite"
K = 10
ALL_PUBLICATIONS = 1_000_000  # a top_k above any profile's size: the mean of all publications

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
Protocol = Literal["per-query", "all-queries", "none"]
DocLists = Sequence[tuple[int, ...]]
Scorer = Callable[[DocLists, Sequence[int]], FloatMatrix]


# -- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertData:
    """The benchmark: document texts, candidates with their documents and tags, queries."""

    texts: dict[int, str]
    candidates: tuple[int, ...]
    docs_of: dict[int, tuple[int, ...]]
    expert_tags: dict[int, frozenset[str]]
    queries: tuple[int, ...]
    query_tags: dict[int, frozenset[str]]

    def relevance(self) -> BoolMatrix:
        """``(n_queries, n_candidates)``: candidate tags intersect the query's tags."""
        return np.array(
            [
                [
                    bool(self.query_tags[q] & self.expert_tags.get(a, frozenset()))
                    for a in self.candidates
                ]
                for q in self.queries
            ]
        )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _tag_sets(rows: list[dict[str, str]], key: str) -> dict[int, frozenset[str]]:
    tags: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        tags[int(row[key])].add(row["tag"])
    return {item: frozenset(values) for item, values in tags.items()}


def load_data(folder: Path) -> ExpertData:
    """Read the six CSV files of the benchmark."""
    texts = {int(r["doc_idx"]): r["text"] for r in _rows(folder / "documents.csv")}
    candidates = tuple(int(r["author_idx"]) for r in _rows(folder / "candidate_pool.csv"))
    pool = set(candidates)
    docs: dict[int, list[int]] = defaultdict(list)
    for row in _rows(folder / "doc_author.csv"):
        if int(row["author_idx"]) in pool:
            docs[int(row["author_idx"])].append(int(row["doc_idx"]))
    query_rows = _rows(folder / "query_docs.csv")
    return ExpertData(
        texts=texts,
        candidates=candidates,
        docs_of={a: tuple(sorted(set(docs[a]))) for a in candidates},
        expert_tags=_tag_sets(_rows(folder / "expert_labels.csv"), "author_idx"),
        queries=tuple(dict.fromkeys(int(r["doc_idx"]) for r in query_rows)),
        query_tags=_tag_sets(query_rows, "doc_idx"),
    )


# -- leakage protocols --------------------------------------------------------------------


def _removed_docs(data: ExpertData, query: int, protocol: Protocol) -> frozenset[int]:
    """The documents taken out of every profile when ranking for ``query``."""
    if protocol == "none":
        return frozenset()
    if protocol == "all-queries":
        return frozenset(data.queries)
    authored = any(query in data.docs_of[a] for a in data.candidates)
    return frozenset({query}) if authored else frozenset()


def query_groups(data: ExpertData, protocol: Protocol) -> dict[frozenset[int], list[int]]:
    """Queries grouped by the documents removed for them (one fit per group)."""
    groups: dict[frozenset[int], list[int]] = defaultdict(list)
    for query in data.queries:
        groups[_removed_docs(data, query, protocol)].append(query)
    return dict(groups)


def profile_docs(data: ExpertData, removed: frozenset[int]) -> list[tuple[int, ...]]:
    """Each candidate's documents minus ``removed``, in candidate order."""
    return [tuple(d for d in data.docs_of[a] if d not in removed) for a in data.candidates]


def score_all(data: ExpertData, scorer: Scorer, protocol: Protocol) -> FloatMatrix:
    """Scores ``(n_queries, n_candidates)`` in query order, each under its own exclusions."""
    position = {query: row for row, query in enumerate(data.queries)}
    scores = np.zeros((len(data.queries), len(data.candidates)))
    for removed, queries in query_groups(data, protocol).items():
        rows = [position[q] for q in queries]
        scores[rows] = scorer(profile_docs(data, removed), queries)
    return scores


# -- the engine through its public API -----------------------------------------------------


class CachedEncoder(Encoder):
    """Wraps an encoder; each distinct text is embedded once and reused across fits."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.embedded = 0
        self._cache: dict[str, npt.NDArray[np.float32]] = {}

    @property
    def version(self) -> str:  # type: ignore[override]
        return self.inner.version

    def calibrate(self, similarities: npt.ArrayLike) -> npt.NDArray[np.float32]:
        return self.inner.calibrate(similarities)

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            # Every text is embedded as a passage (``kind`` is ignored): the DBLP queries are
            # papers too, and a query/passage-sensitive backend (e5) is not among those measured.
            vectors = self.inner.encode(missing, show_progress=show_progress)
            self._cache.update(zip(missing, vectors, strict=True))
            self.embedded += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


@dataclass
class MatcherScorer:
    """Fits ``Matcher(encoder, relevance=weights)`` per group of queries, returns ``scores``."""

    encoder: Encoder
    weights: RelevanceWeights
    publications: dict[int, Publication]
    calls: dict[int, Call]
    candidates: tuple[int, ...]
    _profiles: dict[tuple[int, tuple[int, ...]], Profile] = field(default_factory=dict)

    def _profile(self, author: int, docs: tuple[int, ...]) -> Profile:
        key = (author, docs)
        if key not in self._profiles:
            self._profiles[key] = Profile(
                id=f"author-{author}",
                name=f"author {author}",
                publications=[self.publications[d] for d in docs],
            )
        return self._profiles[key]

    def __call__(self, docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
        profiles = [self._profile(a, d) for a, d in zip(self.candidates, docs, strict=True)]
        dataset = Dataset(profiles=profiles, calls=[self.calls[q] for q in queries])
        matcher = Matcher(self.encoder, relevance=self.weights).fit(dataset)
        rows = [matcher.relevance_of(call.id) for call in dataset.calls]
        return np.asarray(rows, dtype=np.float64)


def build_records(data: ExpertData) -> tuple[dict[int, Publication], dict[int, Call]]:
    """One publication per document, one call per query paper (the whole text as title)."""
    publications = {d: Publication(title=text) for d, text in data.texts.items()}
    calls = {q: Call(id=f"query-{q}", title=data.texts[q]) for q in data.queries}
    return publications, calls


# -- baselines ----------------------------------------------------------------------------


def _concatenate(data: ExpertData, docs: DocLists) -> list[str]:
    return [" ".join(data.texts[d] for d in own) for own in docs]


def tfidf_scorer(data: ExpertData) -> Scorer:
    """Cosine between TF-IDF of the query and of the concatenation of a profile's papers.

    The vocabulary and IDF are fitted on all 1,641 paper texts (no labels involved).
    """
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    vectorizer.fit(list(data.texts.values()))

    def score(docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
        profiles = vectorizer.transform(_concatenate(data, docs))
        query_vectors = vectorizer.transform([data.texts[q] for q in queries])
        return np.asarray((query_vectors @ profiles.T).toarray(), dtype=np.float64)

    return score


def _bm25_weights(counts: sp.csr_matrix, k1: float, b: float) -> sp.csr_matrix:
    """BM25 term weights of each profile (rows) for each term (columns)."""
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    mean_length = lengths.mean() if lengths.mean() > 0 else 1.0
    n_profiles = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1.0 + (n_profiles - frequency + 0.5) / (frequency + 0.5))
    weights = counts.astype(np.float64).tocsr(copy=True)
    row_of = np.repeat(np.arange(n_profiles), np.diff(weights.indptr))
    tf = weights.data
    norm = k1 * (1.0 - b + b * lengths[row_of] / mean_length)
    weights.data = idf[weights.indices] * tf * (k1 + 1.0) / (tf + norm)
    return weights


def bm25_scorer(data: ExpertData, k1: float = 1.2, b: float = 0.75) -> Scorer:
    """Okapi BM25 of the query's distinct terms against each profile's concatenated papers."""
    vectorizer = CountVectorizer(stop_words="english")
    vectorizer.fit(list(data.texts.values()))

    def score(docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
        weights = _bm25_weights(vectorizer.transform(_concatenate(data, docs)), k1, b)
        terms = (vectorizer.transform([data.texts[q] for q in queries]) > 0).astype(np.float64)
        return np.asarray((terms @ weights.T).toarray(), dtype=np.float64)

    return score


def prolific_scorer(docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
    """The number of papers in each profile, the same for every query."""
    counts = np.array([len(own) for own in docs], dtype=np.float64)
    return np.tile(counts, (len(queries), 1))


# -- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PerQuery:
    """Per-query metric values (averaged over random tie-breaks where scores tie)."""

    ap: FloatMatrix
    rr: FloatMatrix
    precision: FloatMatrix
    recall: FloatMatrix


def _query_metrics(relevance: npt.NDArray[np.bool_]) -> tuple[float, float, float, float]:
    return (
        average_precision(relevance),
        reciprocal_rank(relevance),
        precision_at_k(relevance, K),
        recall_at_k(relevance, K),
    )


def _tie_averaged(scores: FloatMatrix, relevant: BoolMatrix, tie_seeds: int) -> list[float]:
    if len(np.unique(scores)) == len(scores):
        return list(_query_metrics(relevance_in_rank_order(scores, relevant)))
    rng = np.random.default_rng(0)
    draws = [
        _query_metrics(relevance_in_rank_order(scores, relevant, rng)) for _ in range(tie_seeds)
    ]
    return list(np.mean(draws, axis=0))


def evaluate(scores: FloatMatrix, relevant: BoolMatrix, tie_seeds: int) -> PerQuery:
    """Metrics per query; ties in the scores are broken at random, ``tie_seeds`` times."""
    values = np.array(
        [_tie_averaged(s, r, tie_seeds) for s, r in zip(scores, relevant, strict=True)]
    )
    return PerQuery(values[:, 0], values[:, 1], values[:, 2], values[:, 3])


def random_expectation(relevant: BoolMatrix) -> PerQuery:
    """The exact expected metrics of a uniformly random ranking, per query."""
    n = relevant.shape[1]
    counts = [int(r) for r in relevant.sum(axis=1)]
    return PerQuery(
        np.array([expected_random_average_precision(n, r) for r in counts]),
        np.array([expected_random_reciprocal_rank(n, r) for r in counts]),
        np.array([expected_random_precision_at_k(n, r, K) for r in counts]),
        np.array([expected_random_recall_at_k(n, r, K) for r in counts]),
    )


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    system: str
    note: str
    metrics: PerQuery
    exact: bool = False  # an analytic expectation: no confidence interval


def _interval(values: FloatMatrix) -> str:
    low, high = bootstrap_mean_ci(values)
    return f"{low:.3f}, {high:.3f}"


def _delta(row: Row, reference: Row) -> str:
    if row is reference:
        return "—"
    difference = row.metrics.ap - reference.metrics.ap
    return f"{difference.mean():+.3f} [{_interval(difference)}]"


def markdown_table(rows: Sequence[Row], reference: Row) -> str:
    """Rows of metrics; ΔMAP is paired with ``reference`` (bootstrap over queries)."""
    lines = [
        f"| system | aggregation / notes | MAP | MAP 95% CI | ΔMAP vs default [95% CI] "
        f"| MRR | P@{K} | R@{K} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        m = row.metrics
        interval = "exact" if row.exact else f"[{_interval(m.ap)}]"
        delta = "—" if row.exact else _delta(row, reference)
        lines.append(
            f"| {row.system} | {row.note} | {m.ap.mean():.3f} | {interval} | {delta} "
            f"| {m.rr.mean():.3f} | {m.precision.mean():.3f} | {m.recall.mean():.3f} |"
        )
    return "\n".join(lines)


# -- the run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    system: str
    note: str
    weights: RelevanceWeights
    backend: str = "minilm"


def _variants() -> list[Variant]:
    """Every configuration measured: aggregation, lexical blend, backend."""
    w = RelevanceWeights
    default = RelevanceWeights()
    out = [
        Variant(
            "grantmatch default",
            f"{default.aggregation} k={default.top_k}, lexical {default.lexical_method} "
            f"{default.lexical:g}",
            default,
        )
    ]
    dense = w(lexical=0.0)
    # Aggregation, dense only (minilm).
    for k in (1, 2, 3, 4, 5):
        out.append(
            Variant(
                f"dense, top_k_mean k={k}", "mean of the k best papers", w(top_k=k, lexical=0.0)
            )
        )
    for k in (3, 5, 10):
        out.append(
            Variant(
                f"dense, rank_decay k={k}",
                "weights 1, 1/2, ... of the k best",
                w(aggregation="rank_decay", top_k=k, lexical=0.0),
            )
        )
    for q in (75.0, 90.0):
        out.append(
            Variant(
                f"dense, percentile {q:g}",
                "of all the author's papers",
                w(aggregation="percentile", percentile=q, lexical=0.0),
            )
        )
    out.append(
        Variant(
            "dense, mean of all papers",
            "top_k above any profile's size",
            w(top_k=ALL_PUBLICATIONS, lexical=0.0),
        )
    )
    # Lexical blend on the dense default aggregation.
    for method in ("bm25", "tfidf"):
        for share in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
            out.append(
                Variant(
                    f"blend {method} {share:g}",
                    "top_k_mean k=3; share of lexical per paper",
                    w(lexical=share, lexical_method=method),
                )
            )
    for k in (2, 4):
        out.append(
            Variant(
                f"blend bm25 0.3, k={k}",
                "top_k_mean",
                w(top_k=k, lexical=0.3, lexical_method="bm25"),
            )
        )
    out.append(
        Variant(
            "blend bm25 0.3, rank_decay k=5", "", w(aggregation="rank_decay", top_k=5, lexical=0.3)
        )
    )
    # Other backends: dense only and with the blend.
    for backend in ("use", "tfidf"):
        out.append(Variant(f"{backend}, dense", "top_k_mean k=3", dense, backend))
        for share in (0.3, 0.5):
            out.append(
                Variant(
                    f"{backend}, blend bm25 {share:g}", "top_k_mean k=3", w(lexical=share), backend
                )
            )
    return out


def _matcher_scorer(data: ExpertData, encoder: Encoder, weights: RelevanceWeights) -> MatcherScorer:
    publications, calls = build_records(data)
    return MatcherScorer(encoder, weights, publications, calls, data.candidates)


def warm_cache(data: ExpertData, encoder: CachedEncoder) -> float:
    """Embed every text a profile or call can hold, in one pass; returns seconds taken."""
    publications, calls = build_records(data)
    authored = sorted({d for a in data.candidates for d in data.docs_of[a]})
    texts = [publications[d].text for d in authored] + [c.text for c in calls.values()]
    started = time.perf_counter()
    encoder.encode(texts)
    return time.perf_counter() - started


def run_systems(
    data: ExpertData, encoders: dict[str, CachedEncoder], tie_seeds: int
) -> tuple[list[Row], dict[str, FloatMatrix]]:
    """Every engine variant and baseline under the per-query leave-one-out protocol.

    Also returns the score matrices of each backend's first variant (for abstention).
    """
    relevant = data.relevance()
    rows: list[Row] = []
    scores_of: dict[str, FloatMatrix] = {}
    for variant in _variants():
        if variant.backend not in encoders:
            continue
        scorer = _matcher_scorer(data, encoders[variant.backend], variant.weights)
        scores = score_all(data, scorer, "per-query")
        scores_of.setdefault(variant.system, scores)
        note = f"{variant.backend}; {variant.note}"
        rows.append(Row(variant.system, note, evaluate(scores, relevant, tie_seeds)))
        print(f"{variant.system}: MAP {rows[-1].metrics.ap.mean():.3f}", flush=True)
    baselines: list[tuple[str, str, Scorer]] = [
        ("TF-IDF", "cosine to the concatenation of the profile's papers", tfidf_scorer(data)),
        ("BM25", "k1=1.2, b=0.75; profile = concatenated papers", bm25_scorer(data)),
        ("most prolific author", "number of papers (ties broken at random)", prolific_scorer),
    ]
    for system, note, scorer_fn in baselines:
        scores = score_all(data, scorer_fn, "per-query")
        rows.append(Row(system, note, evaluate(scores, relevant, tie_seeds)))
    rows.append(Row("random", "expected value, analytic", random_expectation(relevant), exact=True))
    return rows, scores_of


def run_protocols(data: ExpertData, encoder: CachedEncoder, tie_seeds: int) -> list[Row]:
    """The default under each leakage protocol (diagnostic)."""
    relevant = data.relevance()
    scorer = _matcher_scorer(data, encoder, RelevanceWeights())
    notes: list[tuple[Protocol, str]] = [
        ("per-query", "the query paper removed from its authors' profiles (primary)"),
        ("all-queries", "all 114 query papers removed from every profile"),
        ("none", "no removal: the query paper stays in its authors' profiles (LEAKY)"),
    ]
    return [
        Row(
            f"default, {protocol}",
            note,
            evaluate(score_all(data, scorer, protocol), relevant, tie_seeds),
        )
        for protocol, note in notes
    ]


# -- abstention -----------------------------------------------------------------------------

OFF_TOPIC_FIELDS = ("/medical and health sciences", "/agricultural sciences")
OFF_TOPIC_EXCLUDE = ("computer", "software", "data", "artificial intelligence", "informatics")


def off_topic_calls(folder: Path, limit: int) -> list[Call]:
    """CORDIS health and agriculture projects, far from DBLP's computer science (every 5th).

    Projects whose fields mention computing or data are left out, so that nobody in the DBLP
    pool is a real match for any of these calls.
    """
    csv.field_size_limit(sys.maxsize)
    calls: list[Call] = []
    eligible = 0
    with (folder / "projects.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fields = row["euroSciVoc"].lower()
            text = f"{row['title']} {row['objective']}".lower()
            if not fields.startswith(OFF_TOPIC_FIELDS) or any(
                word in fields or word in text for word in OFF_TOPIC_EXCLUDE
            ):
                continue
            if eligible % 5 == 0 and len(calls) < limit:
                calls.append(
                    Call(
                        id=f"cordis-{row['projectID']}",
                        title=row["title"],
                        description=row["objective"],
                    )
                )
            eligible += 1
    return calls


def abstention_report(
    data: ExpertData,
    encoder: CachedEncoder,
    weights: RelevanceWeights,
    dblp_scores: FloatMatrix,
    cordis: Path,
    n_off_topic: int,
    label: str,
) -> list[str]:
    """Score distributions of true and random pairs, and of the best score per call."""
    relevant = data.relevance()
    calls = off_topic_calls(cordis, n_off_topic)
    scorer = _matcher_scorer(data, encoder, weights)
    profiles = [
        scorer._profile(a, d)
        for a, d in zip(data.candidates, profile_docs(data, frozenset()), strict=True)
    ]
    matcher = Matcher(encoder, relevance=weights).fit(Dataset(profiles=profiles, calls=calls))
    off_best = np.array([matcher.relevance_of(c.id).max() for c in calls])
    dblp_best = dblp_scores.max(axis=1)
    true_pairs = dblp_scores[relevant]
    other_pairs = dblp_scores[~relevant]
    off_pairs = np.concatenate([matcher.relevance_of(c.id) for c in calls])

    def q(values: FloatMatrix) -> str:
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return f"{p10:.2f} / {p50:.2f} / {p90:.2f}"

    lines = [
        f"Abstention, {label} (scores on the calibrated scale; p10 / median / p90):",
        "",
        "| population | n | p10 / median / p90 |",
        "|---|---|---|",
        f"| DBLP (query, relevant candidate) pairs | {len(true_pairs)} | {q(true_pairs)} |",
        f"| DBLP (query, non-relevant candidate) pairs | {len(other_pairs)} | {q(other_pairs)} |",
        f"| off-topic CORDIS call vs DBLP candidate pairs | {len(off_pairs)} | {q(off_pairs)} |",
        f"| best score per DBLP query | {len(dblp_best)} | {q(dblp_best)} |",
        f"| best score per off-topic CORDIS call | {len(off_best)} | {q(off_best)} |",
        "",
        "| threshold | DBLP queries abstaining (wrongly) | off-topic calls abstaining (rightly) "
        "| relevant pairs >= threshold | off-topic pairs >= threshold |",
        "|---|---|---|---|---|",
    ]
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        lines.append(
            f"| {threshold:.1f} | {np.mean(dblp_best < threshold):.3f} | "
            f"{np.mean(off_best < threshold):.3f} | {np.mean(true_pairs >= threshold):.3f} | "
            f"{np.mean(off_pairs >= threshold):.4f} |"
        )
    return [*lines, ""]


def _describe(data: ExpertData) -> str:
    relevant = data.relevance().sum(axis=1)
    authored = sum(q in data.docs_of[a] for q in data.queries for a in data.candidates)
    empty = sum(not profile for profile in profile_docs(data, frozenset()))
    papers = [len(data.docs_of[a]) for a in data.candidates]
    return (
        f"{len(data.queries)} queries, {len(data.candidates)} candidates "
        f"({sum(bool(data.expert_tags.get(a)) for a in data.candidates)} with expert tags), "
        f"relevant per query {relevant.min()}–{relevant.max()} (mean {relevant.mean():.1f}); "
        f"papers per candidate mean {np.mean(papers):.1f}, {empty} candidates without papers; "
        f"{authored} (query, candidate-author) links removed by the per-query protocol."
    )


def report(
    data: ExpertData,
    systems: list[Row],
    protocols: list[Row],
    facts: dict[str, str],
    abstention: list[str],
) -> str:
    """The markdown written to the output file and printed."""
    lines = ["## Expert finding (DBLP): relevance ranking quality", ""]
    lines += [f"- {name}: {value}" for name, value in facts.items()]
    lines += [f"- data: {_describe(data)}", "", markdown_table(systems, systems[0]), ""]
    lines += ["Leakage protocols (the default; ΔMAP vs the primary per-query protocol):", ""]
    lines += [markdown_table(protocols, protocols[0]), ""]
    lines += abstention
    return "\n".join(lines)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="expert-finding-dblp folder"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown output file")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for the encoder")
    parser.add_argument("--tie-seeds", type=int, default=100, help="random tie-breaks averaged")
    parser.add_argument(
        "--backends",
        nargs="+",
        default=["minilm", "use", "tfidf"],
        help="embedding backends to measure (minilm is needed for the default)",
    )
    parser.add_argument(
        "--cordis", type=Path, default=DEFAULT_CORDIS, help="cordis-dev folder (off-topic calls)"
    )
    parser.add_argument(
        "--off-topic", type=int, default=100, help="off-topic CORDIS calls for abstention"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="SQLite vector cache, so that re-runs embed nothing ('off' to disable)",
    )
    return parser.parse_args(argv)


def _command(argv: Sequence[str] | None) -> str:
    arguments = list(sys.argv[1:] if argv is None else argv)
    return " ".join(["python benchmarks/expert_finding_dblp.py", *arguments])


def _encoder(name: str, args: argparse.Namespace) -> CachedEncoder:
    options = {"threads": args.threads} if name != "tfidf" else {}
    inner: Encoder = get_encoder(name, **options)
    if str(args.cache) != "off":
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        inner = PersistentCache(inner, args.cache)
    return CachedEncoder(inner)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    started = time.perf_counter()
    data = load_data(args.data)
    encoders = {name: _encoder(name, args) for name in args.backends}
    embed_seconds = {name: warm_cache(data, encoder) for name, encoder in encoders.items()}
    systems, scores_of = run_systems(data, encoders, args.tie_seeds)
    protocols = run_protocols(data, encoders["minilm"], args.tie_seeds)
    abstention: list[str] = []
    abstention += abstention_report(
        data,
        encoders["minilm"],
        RelevanceWeights(),
        scores_of["grantmatch default"],
        args.cordis,
        args.off_topic,
        "the default (minilm)",
    )
    for name in encoders:
        if name == "minilm":
            continue
        key = f"{name}, blend bm25 0.3"
        if key in scores_of:
            abstention += abstention_report(
                data,
                encoders[name],
                RelevanceWeights(lexical=0.3),
                scores_of[key],
                args.cordis,
                args.off_topic,
                f"{name}, blend bm25 0.3",
            )
    facts = {
        "command": f"`{_command(argv)}`",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPU cores, "
        f"encoder threads {args.threads}",
        "encoders": "; ".join(
            f"{enc.model_id} ({enc.embedded} texts, {embed_seconds[name]:.0f} s)"
            for name, enc in encoders.items()
        ),
        "total time": f"{math.ceil(time.perf_counter() - started)} s",
        "ties": f"broken uniformly at random, metrics averaged over {args.tie_seeds} draws; "
        "CIs: percentile bootstrap over queries (2,000 resamples)",
    }
    text = report(data, systems, protocols, facts, abstention)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

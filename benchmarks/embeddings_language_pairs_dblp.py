"""English expert finding (DBLP) when a few non-English profiles or calls join, both directions.

The regression of issue "Matching quality II", item 2: ``auto`` used to embed a whole corpus
with one model, so adding one Russian profile to an English corpus switched every English pair
from all-MiniLM-L6-v2 to multilingual USE. Here the DBLP expert-finding benchmark
(``benchmarks/expert_finding_dblp.py``: 114 query papers as calls, 199 candidate authors,
per-query leave-one-out) is run with the default relevance weights for each backend in
``--backends`` (default: ``minilm``, ``use``, ``minilm+use``, ``minilm+e5-neutral``):

* **profiles for a call** (the benchmark's own direction): MAP over the 114 queries, without
  distractors, with **5 Russian distractor profiles** (``5 ru``: 4 sentences each from the
  hand-written Russian set ``benchmarks/data/translations_en_ru_zh.tsv``: computing, physics,
  materials, energy, biology; never relevant, they can only push relevant authors down) and
  with **5 off-topic Russian profiles** (``5 ru off-topic``: mining, geoscience, society,
  chemistry, environment, no sentence about models, data or computing). The computing
  distractor is on DBLP's topics, labelled non-relevant only because it is not in DBLP: a
  language-neutral model *should* rank it high for a computing query, so ``5 ru`` measures
  language neutrality as much as harm; ``5 ru off-topic`` measures harm alone. ``5 en`` and
  ``5 en off-topic`` are the English originals of the same sentences (scored by minilm in every
  ``minilm+`` backend): a language-neutral scale ranks each Russian profile where its English
  twin ranks. For each distractor the share of (query, relevant author) pairs it outranks is
  printed;
* **calls for a profile** (the direction of the held-out benchmark in the issue, which ranks
  calls for each researcher): for each of the 59 candidates with expert tags, the 114 query
  papers ranked by that candidate's score, with the same distractor sets as **5 Russian
  calls** (the same sentences, one call per domain); MAP over candidates and the pairwise
  ordering loss (share of (relevant, non-relevant) call pairs in the wrong order, ties count
  half; lower is better, 0.5 is chance).

``--backends`` takes registry names and ``name@unrelated:related`` (cross-language anchors of
the language-neutral model, see :func:`build_encoder`). Then ``auto`` is resolved for each
pool, as it is now (:func:`embeddings.choose_backend`) and as it was (``use`` for the whole
corpus until 2026-11); DBLP itself holds 4 German papers, so ``auto`` never sees an
all-English corpus here. Reported: paired 95% bootstrap intervals of per-query
(per-candidate) differences against ``minilm`` and against the default (``minilm+use``).

Vectors of the underlying models come from the persistent vector cache (``--cache``), so a
re-run embeds nothing; e5 needs ~10 min for the ~950 texts on 2 cores the first time.

Usage::

    python benchmarks/embeddings_language_pairs_dblp.py     # ~10 min on 2 cores, cache warm
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._metrics import bootstrap_mean_ci
from benchmarks.embeddings_data import translations
from benchmarks.expert_finding_dblp import (
    DEFAULT_DATA,
    DocLists,
    ExpertData,
    FloatMatrix,
    MatcherScorer,
    build_records,
    evaluate,
    load_data,
    profile_docs,
    query_groups,
)
from embeddings import CachedEncoder, Encoder, Matrix, TextKind, choose_backend, get_encoder
from embeddings.calibration import Calibration
from embeddings.language_pairs import LanguagePairEncoder
from embeddings.locations import vector_cache_path
from embeddings.neutral import E5NeutralEncoder, LanguageNeutralEncoder
from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Call, Profile, Publication
from matcher.relevance import RelevanceWeights

N_DISTRACTORS = 5
DOMAINS = ("computing", "physics", "materials", "energy", "biology")
OFF_TOPIC_DOMAINS = ("mining", "geoscience", "society", "chemistry", "environment")
# Sentences of the off-topic domains that touch computing (models, data, sensors) are left out:
# the off-topic distractors must have nothing to do with DBLP's computer-science topics.
COMPUTING_WORDS = re.compile(
    r"neural|learning|algorithm|model|comput|network|software|data|satellite|drone|image",
    re.IGNORECASE,
)
DISTRACTOR_SETS = ("none", "5 ru", "5 ru off-topic", "5 en", "5 en off-topic")
DEFAULT_BACKENDS = ("minilm", "use", "minilm+use", "minilm+e5-neutral")
OLD_DEFAULT = "minilm+use"
Floats = npt.NDArray[np.float64]


class Memo(Encoder):
    """Embeds each distinct (kind, text) once across fits; passes ``kind`` through."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.kind_sensitive = inner.kind_sensitive
        self.calibration = inner.calibration
        self.languages = inner.languages
        self._cache: dict[tuple[str, str], npt.NDArray[np.float32]] = {}

    @property
    def version(self) -> str:  # type: ignore[override]
        return self.inner.version

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        key: TextKind = kind if self.kind_sensitive else "passage"
        missing = [t for t in dict.fromkeys(texts) if (key, t) not in self._cache]
        if missing:
            inner = (
                self.inner.encode(missing, kind=key)
                if self.kind_sensitive
                else self.inner.encode(missing)
            )
            self._cache.update(((key, t), v) for t, v in zip(missing, inner, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[(key, t)] for t in texts])


def cached_leaves(encoder: Encoder, cache: Path | None) -> Encoder:
    """``encoder`` with each underlying model behind the persistent vector cache.

    The per-language-pair and language-neutral encoders are built from other encoders; caching
    the models they are built from (rather than the composite) lets every composite reuse the
    same stored vectors.
    """
    if cache is None:
        return encoder
    if isinstance(encoder, LanguagePairEncoder):
        encoder.english = cached_leaves(encoder.english, cache)
        encoder.multilingual = cached_leaves(encoder.multilingual, cache)
        return encoder
    if isinstance(encoder, LanguageNeutralEncoder):
        encoder.base = cached_leaves(encoder.base, cache)
        return encoder
    return CachedEncoder(encoder, cache)


def _russian_by_domain(off_topic: bool = False, language: str = "ru") -> list[list[str]]:
    by_domain: dict[str, list[str]] = defaultdict(list)
    for row in translations():
        if off_topic and COMPUTING_WORDS.search(row["en"]):
            continue
        by_domain[row["domain"]].append(row[language])
    wanted = OFF_TOPIC_DOMAINS if off_topic else DOMAINS
    domains = [d for d in wanted if d in by_domain]
    if not off_topic:
        domains += sorted(set(by_domain) - set(DOMAINS))
    return [by_domain[domain][:4] for domain in domains[:N_DISTRACTORS]]


def distractor_profiles(off_topic: bool = False, language: str = "ru") -> list[Profile]:
    """Five Russian profiles of 4 sentences each (never relevant).

    ``off_topic=False``: computing, physics, materials, energy, biology (the computing one is on
    DBLP's topics: a language-neutral model *should* rank it high for a computing query);
    ``True``: mining, geoscience, society, chemistry, environment, without any sentence about
    models, data or computing. ``language="en"``: the English originals of the same sentences
    (the twins: a language-neutral scale ranks the Russian profile where its twin ranks).
    """
    tag = f"{language}-offtopic" if off_topic else f"{language}-distractor"
    return [
        Profile(
            id=f"{tag}-{i}",
            name=f"Russian distractor {i}",
            publications=[Publication(title=text) for text in texts],
        )
        for i, texts in enumerate(_russian_by_domain(off_topic, language))
    ]


def distractor_calls(off_topic: bool = False, language: str = "ru") -> list[Call]:
    """Five Russian (or English) calls, the same sentences joined (never relevant)."""
    tag = f"{language}-offtopic-call" if off_topic else f"{language}-call"
    return [
        Call(id=f"{tag}-{i}", title=" ".join(texts))
        for i, texts in enumerate(_russian_by_domain(off_topic, language))
    ]


@dataclass
class WithDistractors(MatcherScorer):
    """The benchmark's scorer with extra (never relevant) profiles in the pool."""

    extra: tuple[Profile, ...] = ()

    def __call__(self, docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
        return self.score([self.calls[q] for q in queries], docs)

    def score(self, calls: Sequence[Call], docs: DocLists) -> FloatMatrix:
        """``(len(calls), n_candidates + n_extra)`` relevance scores."""
        profiles = [self._profile(a, d) for a, d in zip(self.candidates, docs, strict=True)]
        dataset = Dataset(profiles=[*profiles, *self.extra], calls=list(calls))
        matcher = Matcher(self.encoder, relevance=self.weights, cache_path=None).fit(dataset)
        rows = [matcher.relevance_of(call.id) for call in dataset.calls]
        return np.asarray(rows, dtype=np.float64)


def score_queries(data: ExpertData, scorer: WithDistractors) -> FloatMatrix:
    """Per-query leave-one-out scores ``(n_queries, n_candidates + n_extra)``."""
    position = {query: row for row, query in enumerate(data.queries)}
    scores = np.zeros((len(data.queries), len(data.candidates) + len(scorer.extra)))
    for removed, queries in query_groups(data, "per-query").items():
        rows = [position[q] for q in queries]
        scores[rows] = scorer(profile_docs(data, removed), queries)
    return scores


def ordering_loss(scores: Floats, relevant: npt.NDArray[np.bool_]) -> Floats:
    """Per row: share of (relevant, non-relevant) pairs ordered wrongly (ties count half)."""
    out = []
    for row, rel in zip(scores, relevant, strict=True):
        good, bad = row[rel], row[~rel]
        wrong = (bad[None, :] > good[:, None]).sum() + 0.5 * (bad[None, :] == good[:, None]).sum()
        out.append(wrong / (good.size * bad.size))
    return np.asarray(out, dtype=np.float64)


def _ci(values: Floats) -> str:
    low, high = bootstrap_mean_ci(values)
    return f"{values.mean():+.4f} [{low:+.4f}, {high:+.4f}]"


def build_encoder(spec: str, threads: int, cache: Path | None) -> Encoder:
    """``name``, or ``name@unrelated:related``: the language-neutral model's anchors for a pair
    of an English and a non-English text (its ``cross_language_calibration``), a calibration
    variant such as ``minilm+e5-neutral@0.0719:0.2678`` (translation-matched), or
    ``name@length``: its ``length_aware_calibration`` (cross-language anchors by query length),
    ``name@length:short:long``: the same anchors with other break points (words)."""
    name, _, anchors = spec.partition("@")
    encoder = cached_leaves(get_encoder(name, threads=threads), cache)
    if anchors.startswith("length"):
        target = encoder.multilingual if isinstance(encoder, LanguagePairEncoder) else None
        if not isinstance(target, E5NeutralEncoder):
            raise SystemExit(f"{spec}: @length applies to minilm+e5-neutral only")
        by_length = E5NeutralEncoder.length_aware_calibration
        if ":" in anchors:
            short, long = (float(v) for v in anchors.removeprefix("length:").split(":"))
            by_length = replace(by_length, short_words=short, long_words=long)
        target.cross_language_by_length = by_length
    elif anchors:
        unrelated, related = (float(value) for value in anchors.split(":"))
        target = encoder.multilingual if isinstance(encoder, LanguagePairEncoder) else None
        if not isinstance(target, LanguageNeutralEncoder):
            raise SystemExit(f"{spec}: anchors apply to minilm+<language-neutral model> only")
        target.cross_language_calibration = Calibration(
            unrelated, related, source=f"variant {anchors}"
        )
    return Memo(encoder)


def outranked(scores: Floats, relevant: npt.NDArray[np.bool_], n_extra: int) -> Floats:
    """Per extra (distractor) column: share of (query, relevant candidate) pairs it outranks."""
    base = scores[:, : scores.shape[1] - n_extra]
    shares = []
    for column in range(base.shape[1], scores.shape[1]):
        above = scores[:, column][:, None] > base
        shares.append(float(above[relevant].mean()))
    return np.asarray(shares, dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tie-seeds", type=int, default=20)
    parser.add_argument(
        "--backends",
        nargs="+",
        default=list(DEFAULT_BACKENDS),
        help="registry names; name@unrelated:related: cross-language anchors (see build_encoder)",
    )
    parser.add_argument("--distractors", nargs="+", default=list(DISTRACTOR_SETS))
    parser.add_argument(
        "--cache",
        default=str(vector_cache_path() or "off"),
        help="SQLite vector cache of the underlying models ('off' to disable)",
    )
    args = parser.parse_args()
    cache = None if args.cache == "off" else Path(args.cache)

    data = load_data(args.data)
    publications, calls = build_records(data)
    extra_profiles = {
        "none": (),
        "5 ru": tuple(distractor_profiles()),
        "5 ru off-topic": tuple(distractor_profiles(off_topic=True)),
        "5 en": tuple(distractor_profiles(language="en")),
        "5 en off-topic": tuple(distractor_profiles(off_topic=True, language="en")),
    }
    extra_calls = {
        "none": [],
        "5 ru": distractor_calls(),
        "5 ru off-topic": distractor_calls(off_topic=True),
        "5 en": distractor_calls(language="en"),
        "5 en off-topic": distractor_calls(off_topic=True, language="en"),
    }
    relevant = data.relevance()
    tagged = np.flatnonzero(relevant.any(axis=0))  # candidates with at least one relevant query
    by_profile = relevant[:, tagged].T

    ap: dict[tuple[str, str], Floats] = {}  # profiles for a call
    rev_ap: dict[tuple[str, str], Floats] = {}  # calls for a profile
    rev_loss: dict[tuple[str, str], Floats] = {}
    for name in args.backends:
        encoder = build_encoder(name, args.threads, cache)
        for setting in args.distractors:
            extra = extra_profiles[setting]
            padded = np.hstack([relevant, np.zeros((len(relevant), len(extra)), dtype=bool)])
            scorer = WithDistractors(
                encoder, RelevanceWeights(), publications, calls, data.candidates, extra=extra
            )
            scores = score_queries(data, scorer)
            ap[(name, setting)] = evaluate(scores, padded, 20).ap
            reverse = scores[:, tagged].T
            target = by_profile
            if extra_calls[setting]:
                full = scorer.score(extra_calls[setting], profile_docs(data, frozenset()))
                reverse = np.hstack([reverse, full[:, tagged].T])
                target = np.hstack(
                    [by_profile, np.zeros((len(tagged), len(extra_calls[setting])), dtype=bool)]
                )
            rev_ap[(name, setting)] = evaluate(reverse, target, args.tie_seeds).ap
            rev_loss[(name, setting)] = ordering_loss(reverse, target)
            share = outranked(scores, relevant, len(extra)) if extra else np.zeros(0)
            print(
                f"{name} {setting}: MAP {ap[(name, setting)].mean():.4f}; calls for a "
                f"profile MAP {rev_ap[(name, setting)].mean():.4f} ordering loss "
                f"{rev_loss[(name, setting)].mean():.4f}"
                + (
                    "; share of (query, relevant author) pairs each distractor outranks: "
                    + " ".join(
                        f"{p.id.rsplit('-', 1)[-1]}:{v:.4f}"
                        for p, v in zip(extra, share, strict=True)
                    )
                    if extra
                    else ""
                ),
                flush=True,
            )
    # What "auto" chooses for each pool (DBLP itself holds 4 German papers), now and before.
    corpus = list(data.texts.values())
    for setting in args.distractors:
        texts = corpus + [
            p.title for profile in extra_profiles[setting] for p in profile.publications
        ]
        choices = {
            "until 2026-11": choose_backend(texts, multilingual="use", per_pair=False),
            "now": choose_backend(texts),
        }
        print(f"auto chose, distractors {setting}: {choices}")

    for title, values, lower_better in (
        ("Profiles for a call: AP per query (114)", ap, False),
        ("Calls for a profile: AP per tagged candidate (59)", rev_ap, False),
        ("Calls for a profile: pairwise ordering loss per tagged candidate (59)", rev_loss, True),
    ):
        print(f"\n{title}{' (lower is better)' if lower_better else ''}\n")
        print(
            "| backend | distractors | mean | 95% CI | vs minilm, same distractors "
            f"| vs {OLD_DEFAULT}, same distractors |"
        )
        print("|---|---|---|---|---|---|")
        for (name, setting), v in values.items():
            low, high = bootstrap_mean_ci(v)
            versus = [
                _ci(v - values[(ref, setting)]) if (ref, setting) in values else "n/a"
                for ref in ("minilm", OLD_DEFAULT)
            ]
            print(
                f"| {name} | {setting} | {v.mean():.4f} "
                f"| [{low:.4f}, {high:.4f}] | {versus[0]} | {versus[1]} |"
            )


if __name__ == "__main__":
    main()

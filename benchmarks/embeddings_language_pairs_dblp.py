"""English expert finding (DBLP) when a few non-English profiles join the pool.

The regression of issue "Matching quality II", item 2: ``auto`` used to embed a whole corpus
with one model, so adding one Russian profile to an English corpus switched every English pair
from all-MiniLM-L6-v2 to multilingual USE. Here the DBLP expert-finding benchmark
(``benchmarks/expert_finding_dblp.py``: 114 query papers as calls, 199 candidate authors,
per-query leave-one-out) is run with the default relevance weights for:

* ``minilm``, ``use``: one model for everything;
* ``minilm+use``: English pairs by minilm, every other pair by USE (``embeddings.language_pairs``);
* ``auto (before)``: ``per_pair=False``: one model for the corpus, ``use`` unless all English;
* ``auto (now)``: the default: ``minilm+use`` unless all English (DBLP holds 4 German papers,
  so ``auto`` never sees an all-English corpus here);

each without and with **5 Russian distractor profiles** (4 sentences each from the hand-written
Russian set ``benchmarks/data/translations_en_ru_zh.tsv``, computing and science topics close
to DBLP's). Distractors are never relevant: they can only push relevant authors down. Reported:
MAP over the 114 queries and paired 95% bootstrap intervals of per-query AP differences.

Usage::

    python benchmarks/embeddings_language_pairs_dblp.py     # ~5 min on 2 cores
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
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
    FloatMatrix,
    MatcherScorer,
    build_records,
    evaluate,
    load_data,
    score_all,
)
from embeddings import Encoder, Matrix, TextKind, choose_backend, get_encoder
from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Profile, Publication
from matcher.relevance import RelevanceWeights

N_DISTRACTORS = 5
DOMAINS = ("computing", "physics", "materials", "energy", "biology")


class Memo(Encoder):
    """Embeds each distinct (kind, text) once across fits; passes ``kind`` through."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.kind_sensitive = inner.kind_sensitive
        self.calibration = inner.calibration
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


def distractor_profiles() -> list[Profile]:
    by_domain: dict[str, list[str]] = defaultdict(list)
    for row in translations():
        by_domain[row["domain"]].append(row["ru"])
    domains = [d for d in DOMAINS if d in by_domain] + sorted(set(by_domain) - set(DOMAINS))
    return [
        Profile(
            id=f"ru-distractor-{i}",
            name=f"Russian distractor {i}",
            publications=[Publication(title=text) for text in by_domain[domain][:4]],
        )
        for i, domain in enumerate(domains[:N_DISTRACTORS])
    ]


@dataclass
class WithDistractors(MatcherScorer):
    """The benchmark's scorer with extra (never relevant) profiles in the pool."""

    extra: tuple[Profile, ...] = ()

    def __call__(self, docs: DocLists, queries: Sequence[int]) -> FloatMatrix:
        profiles = [self._profile(a, d) for a, d in zip(self.candidates, docs, strict=True)]
        dataset = Dataset(profiles=[*profiles, *self.extra], calls=[self.calls[q] for q in queries])
        matcher = Matcher(self.encoder, relevance=self.weights).fit(dataset)
        rows = [matcher.relevance_of(call.id) for call in dataset.calls]
        return np.asarray(rows, dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tie-seeds", type=int, default=20)
    args = parser.parse_args()

    data = load_data(args.data)
    publications, calls = build_records(data)
    distractors = tuple(distractor_profiles())
    relevant = data.relevance()
    padded = np.hstack([relevant, np.zeros((len(relevant), len(distractors)), dtype=bool)])
    encoders = {
        name: Memo(get_encoder(name, threads=args.threads))
        for name in ("minilm", "use", "minilm+use")
    }
    ap: dict[tuple[str, bool], npt.NDArray[np.float64]] = {}
    for name, encoder in encoders.items():
        for with_ru in (False, True):
            scorer = WithDistractors(
                encoder,
                RelevanceWeights(),
                publications,
                calls,
                data.candidates,
                extra=distractors if with_ru else (),
            )
            scores = score_all_padded(data, scorer, len(distractors) if with_ru else 0)
            target = padded if with_ru else relevant
            ap[(name, with_ru)] = evaluate(scores, target, args.tie_seeds).ap
            print(f"{name} ru={with_ru}: MAP {ap[(name, with_ru)].mean():.4f}", flush=True)
    # What "auto" chooses for each pool (DBLP itself holds 4 German papers, so even without
    # distractors the corpus is not all English).
    corpus = list(data.texts.values())
    extra_texts = [p.title for profile in distractors for p in profile.publications]
    for with_ru in (False, True):
        texts = corpus + (extra_texts if with_ru else [])
        for label, per_pair in (("auto (before)", False), ("auto (now)", True)):
            chosen = choose_backend(texts, per_pair=per_pair)
            print(f"{label}, ru={with_ru}: {chosen}")
            ap[(f"{label}: {chosen}", with_ru)] = ap[(chosen, with_ru)]
    reference = ap[("minilm", False)]
    print(
        "\n| backend | distractors | MAP | 95% CI | vs minilm, no distractors: mean dAP [95% CI] |"
    )
    print("|---|---|---|---|---|")
    for (name, with_ru), values in ap.items():
        low, high = bootstrap_mean_ci(values)
        d_low, d_high = bootstrap_mean_ci(values - reference)
        print(
            f"| {name} | {'5 ru' if with_ru else 'none'} | {values.mean():.3f} "
            f"| [{low:.3f}, {high:.3f}] | {np.mean(values - reference):+.4f} "
            f"[{d_low:+.4f}, {d_high:+.4f}] |"
        )
    for with_ru in (False, True):
        now = next(v for (k, r), v in ap.items() if k.startswith("auto (now)") and r == with_ru)
        before = next(
            v for (k, r), v in ap.items() if k.startswith("auto (before)") and r == with_ru
        )
        low, high = bootstrap_mean_ci(now - before)
        print(
            f"\nauto (now) - auto (before), {'5 ru' if with_ru else 'no'} distractors: mean dAP "
            f"{np.mean(now - before):+.4f} [{low:+.4f}, {high:+.4f}]"
        )


def score_all_padded(data: object, scorer: WithDistractors, extra: int) -> FloatMatrix:
    """:func:`score_all` with ``extra`` trailing distractor columns."""
    from benchmarks.expert_finding_dblp import ExpertData, profile_docs, query_groups

    assert isinstance(data, ExpertData)
    if extra == 0:
        return score_all(data, scorer, "per-query")
    position = {query: row for row, query in enumerate(data.queries)}
    scores = np.zeros((len(data.queries), len(data.candidates) + extra))
    for removed, queries in query_groups(data, "per-query").items():
        rows = [position[q] for q in queries]
        scores[rows] = scorer(profile_docs(data, removed), queries)
    return scores


if __name__ == "__main__":
    main()

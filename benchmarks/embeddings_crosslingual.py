"""Cross-lingual quality of each embedding backend.

On the hand-written set ``benchmarks/data/translations_en_ru_zh.tsv`` (64 English scientific
sentences with Russian and Chinese translations, see ``benchmarks/data/README.md``):

* **translation top-1**: for each English sentence, is its translation the nearest of the 64
  sentences in the other language (and the reverse direction)?
* **mixed pool top-1**: the translation must also beat the 63 *other English* sentences
  (several on the same subject), i.e. the model must not prefer "same language" over "same
  meaning": the situation of a Russian-only researcher among English ones;
* **kk / mn (indicative)**: 12 Kazakh and Mongolian sentences (not checked by native
  speakers), nearest of the 64 English sentences;
* **Russian-/Chinese-only researcher**: the rank of the foreign-language researcher for an
  English call among 6 English researchers (the test in
  ``tests/embeddings/test_cross_lingual_default.py``).

On ``../shared/data/csl-chinese`` (Chinese paper title + abstract, 67 disciplines in 13
categories): for each paper, does its nearest neighbour among the others share its discipline
(its category)? The same subset of papers is used for every backend.

Usage (from the repository root)::

    python benchmarks/embeddings_crosslingual.py             # all backends, ~6 min on 2 cores
    python benchmarks/embeddings_crosslingual.py --backends use tfidf --csl 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import csl_papers, translations, translations_kk_mn
from embeddings import Encoder, get_encoder
from tests.embeddings.test_cross_lingual_default import (
    CALL,
    CHINESE_ONLY,
    ENGLISH_PROFILES,
    RUSSIAN_ONLY,
)


def top1(sims: np.ndarray) -> float:
    return float(np.mean(sims.argmax(axis=1) == np.arange(len(sims))))


def mixed_pool(source: np.ndarray, target: np.ndarray) -> float:
    """Share of i where target[i] beats every other source[j] as neighbour of source[i]."""
    own = np.sum(source * target, axis=1)
    same = source @ source.T
    np.fill_diagonal(same, -np.inf)
    return float(np.mean(own > same.max(axis=1)))


def profile_rank(encoder: Encoder, texts: list[str], language: str) -> int:
    profiles = {language: texts, **ENGLISH_PROFILES}
    call = encoder.encode([CALL], kind="query")[0]
    scores = {name: float(np.max(encoder.encode(p) @ call)) for name, p in profiles.items()}
    return sorted(scores, key=scores.__getitem__, reverse=True).index(language) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tfidf", "minilm", "use", "e5"])
    parser.add_argument("--csl", type=int, default=600, help="CSL papers (same for all)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    pairs = translations()
    extra = translations_kk_mn()
    ids = [p["id"] for p in pairs]
    papers = csl_papers()
    step = max(1, len(papers) // args.csl)
    papers = papers[::step][: args.csl]
    discipline = np.array([p["discipline"] for p in papers])
    category = np.array([p["category"] for p in papers])

    header = (
        "| backend | en→ru | ru→en | en→zh | zh→en | mixed en→ru | mixed ru→en | mixed en→zh | "
        "mixed zh→en | kk→en* | mn→en* | RU-only rank | ZH-only rank | CSL NN same discipline | "
        "CSL NN same category | CSL s |"
    )
    rows = []
    for name in args.backends:
        encoder = get_encoder(name, threads=args.threads)
        en = encoder.encode([p["en"] for p in pairs])
        ru = encoder.encode([p["ru"] for p in pairs])
        zh = encoder.encode([p["zh"] for p in pairs])
        gold = np.array([ids.index(p["id"]) for p in extra])
        kk = float(np.mean((encoder.encode([p["kk"] for p in extra]) @ en.T).argmax(1) == gold))
        mn = float(np.mean((encoder.encode([p["mn"] for p in extra]) @ en.T).argmax(1) == gold))
        started = time.perf_counter()
        csl = encoder.encode([p["title"] + "。" + p["abstract"] for p in papers])
        csl_seconds = time.perf_counter() - started
        sims = csl @ csl.T
        np.fill_diagonal(sims, -np.inf)
        nn = sims.argmax(axis=1)
        row = [
            top1(en @ ru.T),
            top1(ru @ en.T),
            top1(en @ zh.T),
            top1(zh @ en.T),
            mixed_pool(en, ru),
            mixed_pool(ru, en),
            mixed_pool(en, zh),
            mixed_pool(zh, en),
            kk,
            mn,
        ]
        ranks = [
            profile_rank(encoder, RUSSIAN_ONLY, "ru"),
            profile_rank(encoder, CHINESE_ONLY, "zh"),
        ]
        csl_row = [
            float(np.mean(discipline[nn] == discipline)),
            float(np.mean(category[nn] == category)),
        ]
        rows.append((name, row, ranks, csl_row, csl_seconds))
        print(f"{name}: done", flush=True)

    print()
    print(
        f"# {len(pairs)} translation pairs; {len(extra)} kk/mn sentences; {len(papers)} CSL "
        f"papers ({len(set(discipline))} disciplines, {len(set(category))} categories); "
        "* = unverified kk/mn translations, 12 sentences, indicative only"
    )
    print(header)
    print("|---" * 16 + "|")
    for name, row, ranks, csl_row, seconds in rows:
        cells = [f"{v:.3f}" for v in row] + [f"{r} of 7" for r in ranks]
        cells += [f"{v:.3f}" for v in csl_row] + [f"{seconds:.0f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

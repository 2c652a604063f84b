"""Language-neutral cross-lingual retrieval: the language probe.

On ``benchmarks/data/language_probe.jsonl`` (10 research topics, one sentence each in en, ru,
kk, mn, zh, uz, ky, tg, be; unverified translations, see ``benchmarks/data/README.md``), each
text is a query (a call; e5 embeds it as ``query:``) and every other text a candidate
(``passage:``):

* **pair top-1** (language a -> b): is the b text on the query's topic the nearest of the 10
  b texts?
* **mixed pair top-1**: must it also beat the 9 other a texts (same language, other topics)?
  The situation of a Kazakh call among Kazakh and Russian profiles.
* **language bias**: over every query, every on-topic text in another language and every
  off-topic text in the query's language, the share of (on-topic, off-topic) pairs where the
  off-topic same-language text scores higher. 0 is language-neutral.

Variants ``<backend>-neutral`` remove each language's mean vector (see
:mod:`embeddings.neutral`); here the means are estimated **without the evaluated topic**
(leave one topic out), so the figures do not profit from the shipped reference set being
this probe. ``minilm+<multilingual>`` are the per-language-pair backends
(:mod:`embeddings.language_pairs`): English pairs by minilm, every other pair by the
multilingual model, each calibrated; built here from the same matrices (``e5-neutral`` with
leave-one-topic-out means).

Usage (from the repository root)::

    python benchmarks/embeddings_language_probe.py     # ~1 min on 2 cores
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embeddings import Encoder, get_encoder
from embeddings.calibration import Calibration
from embeddings.neutral import E5NeutralEncoder, language_means, neutralise

PROBE = Path(__file__).resolve().parent / "data" / "language_probe.jsonl"
LANGUAGES = ("en", "ru", "kk", "mn", "zh", "uz", "ky", "tg", "be")
Floats = npt.NDArray[np.float32]


def load_probe() -> list[dict[str, str]]:
    return [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()]


def probe_metrics(
    sims: Floats, languages: list[str], topics: list[str]
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float], float]:
    """(pair top-1, mixed pair top-1, language bias) of a query x candidate similarity matrix."""
    lang = np.asarray(languages)
    topic = np.asarray(topics)
    pair: dict[tuple[str, str], float] = {}
    mixed: dict[tuple[str, str], float] = {}
    codes = [code for code in LANGUAGES if code in set(languages)]
    for a in codes:
        queries = np.flatnonzero(lang == a)
        for b in codes:
            if a == b:
                continue
            candidates = np.flatnonzero(lang == b)
            hits = mixed_hits = 0
            for i in queries:
                target = int(candidates[topic[candidates] == topic[i]][0])
                hits += int(candidates[np.argmax(sims[i, candidates])] == target)
                others = np.concatenate([queries[queries != i], candidates[candidates != target]])
                mixed_hits += int(sims[i, target] > sims[i, others].max())
            pair[(a, b)] = hits / len(queries)
            mixed[(a, b)] = mixed_hits / len(queries)
    wins = 0
    total = 0
    for row in range(len(sims)):
        on_topic_other_language = sims[row, (lang != lang[row]) & (topic == topic[row])]
        off_topic_same_language = sims[row, (lang == lang[row]) & (topic != topic[row])]
        wins += int((off_topic_same_language[None, :] > on_topic_other_language[:, None]).sum())
        total += int(on_topic_other_language.size * off_topic_same_language.size)
    return pair, mixed, wins / total


def neutral_leave_topic_out(
    queries: Floats, passages: Floats, languages: list[str], topics: list[str]
) -> Floats:
    """Similarities after removing language means estimated without the query's topic."""
    lang = np.asarray(languages)
    topic = np.asarray(topics)
    sims = np.empty((len(queries), len(passages)), dtype=np.float32)
    for held_out in sorted(set(topics)):
        keep = topic != held_out
        rows = np.flatnonzero(~keep)
        q_means = language_means(queries[keep], list(lang[keep]))
        p_means = language_means(passages[keep], list(lang[keep]))
        q = neutralise(queries[rows], list(lang[rows]), q_means)
        p = neutralise(passages, languages, p_means)
        sims[rows] = q @ p.T
    return sims


def per_pair(
    english: Floats,
    multilingual: Floats,
    languages: list[str],
    cal_en: Calibration,
    cal_multi: Calibration,
) -> Floats:
    """Calibrated similarities: minilm's for English pairs, the multilingual model's else."""
    is_english = np.asarray(languages) == "en"
    both = is_english[:, None] & is_english[None, :]
    return np.where(both, cal_en.apply(english), cal_multi.apply(multilingual)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tfidf", "minilm", "use", "e5"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--matrix", default="e5-neutral", help="variant to print per pair")
    args = parser.parse_args()

    probe = load_probe()
    texts = [r["text"] for r in probe]
    languages = [r["language"] for r in probe]
    topics = [r["topic"] for r in probe]
    results = {}
    sims: dict[str, Floats] = {}
    encoders: dict[str, Encoder] = {}
    for name in args.backends:
        options = {} if name == "tfidf" else {"threads": args.threads}
        encoder = encoders[name] = get_encoder(name, **options)
        queries = encoder.encode(texts, kind="query")
        passages = encoder.encode(texts, kind="passage")
        sims[name] = queries @ passages.T
        results[name] = probe_metrics(sims[name], languages, topics)
        sims[f"{name}-neutral"] = neutral_leave_topic_out(queries, passages, languages, topics)
        results[f"{name}-neutral"] = probe_metrics(sims[f"{name}-neutral"], languages, topics)
    calibrations = {name: encoder.calibration for name, encoder in encoders.items()}
    if E5NeutralEncoder.neutral_calibration is not None:
        calibrations["e5-neutral"] = E5NeutralEncoder.neutral_calibration
    for multilingual in ("use", "e5-neutral"):
        if "minilm" in sims and multilingual in sims:
            combined = per_pair(
                sims["minilm"],
                sims[multilingual],
                languages,
                calibrations["minilm"],
                calibrations[multilingual],
            )
            results[f"minilm+{multilingual}"] = probe_metrics(combined, languages, topics)

    print(
        "| variant | pair top-1 min | pair top-1 mean | mixed pair top-1 min | mixed mean "
        "| pairs with mixed >= 0.95 (of 72) | language bias |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (pair, mixed, bias) in results.items():
        good = sum(value >= 0.95 for value in mixed.values())
        print(
            f"| {name} | {min(pair.values()):.2f} | {np.mean(list(pair.values())):.3f} "
            f"| {min(mixed.values()):.2f} | {np.mean(list(mixed.values())):.3f} "
            f"| {good} | {bias:.1%} |"
        )
    if args.matrix in results:
        _, mixed, _ = results[args.matrix]
        print(f"\nmixed pair top-1, {args.matrix} (row: query language, column: target)\n")
        print("| | " + " | ".join(LANGUAGES) + " |")
        print("|---" * (len(LANGUAGES) + 1) + "|")
        for a in LANGUAGES:
            cells = ["" if a == b else f"{mixed[(a, b)]:.1f}" for b in LANGUAGES]
            print(f"| {a} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

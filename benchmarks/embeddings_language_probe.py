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

Variants ``<backend>-neutral [means]`` remove each language's mean vector (see
:mod:`embeddings.neutral`), estimated three ways, never from the evaluated topic:

* ``probe-loo``: from the probe's other 9 topics (leave one topic out);
* ``reference``: from the 20 reference-only topics of the bundled reference set (disjoint from
  the probe: the strictest estimate);
* ``shipped-loo``: from what the shipped encoder uses (the 20 reference topics and the probe's
  10), less the evaluated topic.

``minilm+<multilingual>`` are the per-language-pair backends (:mod:`embeddings.language_pairs`):
English pairs by minilm, every other pair by the multilingual model, each calibrated with the
shipped calibration; built here from the same matrices. ``... translation-matched`` rows score
a pair of an English and a non-English text with e5-neutral's translation-matched anchors
(measured, not shipped; see :mod:`embeddings.neutral`). ``auto`` rows say what the default
chooses for the probe's texts. Uzbek texts are embedded with ASCII apostrophes, as
``e5-neutral`` does (``--raw-apostrophes``: as written).

Usage (from the repository root)::

    python benchmarks/embeddings_language_probe.py     # ~3 min on 2 cores (e5)
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

from embeddings import CachedEncoder, Encoder, choose_backend, get_encoder
from embeddings.calibration import Calibration
from embeddings.language_pairs import LengthAwareCalibration, word_count
from embeddings.locations import vector_cache_path
from embeddings.neutral import (
    E5NeutralEncoder,
    language_means,
    model_text,
    neutralise,
    reference_records,
)
from embeddings.tajik import with_persian_script

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


MeansFrom = str  # "probe-loo", "reference" or "shipped-loo"
MEANS: tuple[MeansFrom, ...] = ("probe-loo", "reference", "shipped-loo")


def neutral_similarities(
    probe: tuple[Floats, Floats],
    reference: tuple[Floats, Floats],
    languages: list[str],
    topics: list[str],
    reference_languages: list[str],
    means_from: MeansFrom,
) -> Floats:
    """Query x passage similarities after removing language means (never the query's topic).

    ``probe`` and ``reference`` are (query, passage) vectors of the probe texts and of the
    reference-only texts.
    """
    lang = np.asarray(languages)
    topic = np.asarray(topics)
    queries, passages = probe
    sims = np.empty((len(queries), len(passages)), dtype=np.float32)
    for held_out in sorted(set(topics)):
        keep = topic != held_out
        rows = np.flatnonzero(~keep)
        pools: list[tuple[Floats, Floats, list[str]]] = []
        if means_from in ("probe-loo", "shipped-loo"):
            pools.append((queries[keep], passages[keep], list(lang[keep])))
        if means_from in ("reference", "shipped-loo"):
            pools.append((*reference, reference_languages))
        codes = [code for _, _, pool_codes in pools for code in pool_codes]
        q_means = language_means(np.vstack([q for q, _, _ in pools]), codes)
        p_means = language_means(np.vstack([p for _, p, _ in pools]), codes)
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
    cal_cross: Calibration | LengthAwareCalibration | None = None,
    queries: list[str] | None = None,
) -> Floats:
    """Calibrated similarities: minilm's for English pairs, the multilingual model's else
    (with ``cal_cross`` for an English and a non-English text, where given; a length-aware
    one is read at each query's word count, ``queries`` being the rows' texts)."""
    is_english = np.asarray(languages) == "en"
    both = is_english[:, None] & is_english[None, :]
    neither = ~is_english[:, None] & ~is_english[None, :]
    multi = cal_multi.apply(multilingual)
    if isinstance(cal_cross, LengthAwareCalibration):
        if queries is None:
            raise ValueError("a length-aware calibration needs the query texts")
        crossed = np.vstack(
            [
                cal_cross.at(word_count(text)).apply(row)
                for text, row in zip(queries, multilingual, strict=True)
            ]
        )
        multi = np.where(neither, multi, crossed)
    elif cal_cross is not None:
        multi = np.where(neither, multi, cal_cross.apply(multilingual))
    return np.where(both, cal_en.apply(english), multi).astype(np.float32)


def _tajik(
    encoder: Encoder, vectors: tuple[Floats, Floats], texts: list[str], languages: list[str]
) -> tuple[Floats, Floats]:
    """Tajik rows as the mean of original and Persian-script vectors (``--tajik-persian``)."""
    query, passage = vectors
    return (
        with_persian_script(query, texts, languages, lambda t: encoder.encode(t, kind="query")),
        with_persian_script(passage, texts, languages, lambda t: encoder.encode(t, kind="passage")),
    )


def _embed(encoder: Encoder, texts: list[str]) -> tuple[Floats, Floats]:
    return encoder.encode(texts, kind="query"), encoder.encode(texts, kind="passage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tfidf", "minilm", "use", "e5"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--matrix", default="minilm+e5-neutral [shipped-loo]", help="variant to print per pair"
    )
    parser.add_argument("--raw-apostrophes", action="store_true", help="Uzbek as written")
    parser.add_argument(
        "--tajik-persian",
        action="store_true",
        help="e5: Tajik as the mean of original and Persian-script transliteration",
    )
    parser.add_argument(
        "--cache",
        default=str(vector_cache_path() or "off"),
        help="SQLite vector cache of the models ('off' to disable)",
    )
    args = parser.parse_args()

    probe = load_probe()
    languages = [r["language"] for r in probe]
    topics = [r["topic"] for r in probe]
    reference = [r for r in reference_records() if r["set"] == "reference"]
    reference_languages = [r["language"] for r in reference]

    def as_embedded(records: list[dict[str, str]]) -> list[str]:
        if args.raw_apostrophes:
            return [r["text"] for r in records]
        return [model_text(r["text"], r["language"]) for r in records]

    results = {}
    sims: dict[str, Floats] = {}
    calibrations: dict[str, Calibration] = {}
    for name in args.backends:
        options = {} if name == "tfidf" else {"threads": args.threads}
        encoder: Encoder = get_encoder(name, **options)
        calibrations[name] = encoder.calibration
        if args.cache != "off":
            encoder = CachedEncoder(encoder, args.cache)
        probe_vectors = _embed(encoder, as_embedded(probe))
        reference_vectors = _embed(encoder, as_embedded(reference))
        if args.tajik_persian and name == "e5":
            probe_vectors = _tajik(encoder, probe_vectors, as_embedded(probe), languages)
            reference_vectors = _tajik(
                encoder, reference_vectors, as_embedded(reference), reference_languages
            )
        sims[name] = probe_vectors[0] @ probe_vectors[1].T
        results[name] = probe_metrics(sims[name], languages, topics)
        for means_from in MEANS:
            variant = f"{name}-neutral [{means_from}]"
            sims[variant] = neutral_similarities(
                probe_vectors,
                reference_vectors,
                languages,
                topics,
                reference_languages,
                means_from,
            )
            results[variant] = probe_metrics(sims[variant], languages, topics)
    if E5NeutralEncoder.neutral_calibration is not None:
        calibrations["e5-neutral"] = E5NeutralEncoder.neutral_calibration
    combinations = [("use", "use")] + [(f"e5-neutral [{m}]", "e5-neutral") for m in MEANS]
    for multilingual, calibration in combinations:
        if "minilm" in sims and multilingual in sims and calibration in calibrations:
            combined = per_pair(
                sims["minilm"],
                sims[multilingual],
                languages,
                calibrations["minilm"],
                calibrations[calibration],
            )
            results[f"minilm+{multilingual}"] = probe_metrics(combined, languages, topics)
            if calibration == "e5-neutral":  # the cross-language calibration tried
                crossed = per_pair(
                    sims["minilm"],
                    sims[multilingual],
                    languages,
                    calibrations["minilm"],
                    calibrations[calibration],
                    E5NeutralEncoder.translation_matched_calibration,
                )
                results[f"minilm+{multilingual} translation-matched"] = probe_metrics(
                    crossed, languages, topics
                )
                by_length = per_pair(
                    sims["minilm"],
                    sims[multilingual],
                    languages,
                    calibrations["minilm"],
                    calibrations[calibration],
                    E5NeutralEncoder.length_aware_calibration,
                    [r["text"] for r in probe],
                )
                results[f"minilm+{multilingual} length-aware"] = probe_metrics(
                    by_length, languages, topics
                )

    chosen = choose_backend([r["text"] for r in probe])
    print(f"auto chooses {chosen!r} for the probe's texts\n")
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
        pair, mixed, _ = results[args.matrix]
        print(f"\npair top-1 below 0.95, {args.matrix}: ", end="")
        print({f"{a}->{b}": value for (a, b), value in pair.items() if value < 0.95})
        print(f"\nmixed pair top-1, {args.matrix} (row: query language, column: target)\n")
        print("| | " + " | ".join(LANGUAGES) + " |")
        print("|---" * (len(LANGUAGES) + 1) + "|")
        for a in LANGUAGES:
            cells = ["" if a == b else f"{mixed[(a, b)]:.1f}" for b in LANGUAGES]
            print(f"| {a} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

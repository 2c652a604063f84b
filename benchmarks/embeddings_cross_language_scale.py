"""Where minilm's and e5-neutral's calibrated scores agree, and what a translation costs.

``minilm+e5-neutral`` scores two English texts with minilm and every other pair with
e5-neutral, so a Russian researcher competes with English ones only if e5-neutral's
cross-language scores sit on minilm's scale. Two measurements:

* **regimes**: English pairs scored by both models (calibrated), percentiles by kind of pair:
  hand-written sentences (``benchmarks/data/translations_en_ru_zh.tsv``, the 64 English
  sentences, every pair of different sentences), CORDIS project titles vs their own and other
  projects' objectives (the calibration's own regime), titles vs titles, objectives vs
  objectives (the first 200 projects of ``cordis_projects``), and DBLP query papers vs the
  first 600 documents (``benchmarks/expert_finding_dblp.py``'s data). If the scales agreed
  everywhere, the percentiles would match in every row.
* **translation by length**: e5-neutral's cosine of an English text (query) with its Russian
  or Chinese translation (passage) against that of the English text with itself, and with
  other texts, for texts of 1, 2, 3 and 5 sentences (the 64 sentences joined by domain, 12
  domains). If the translation penalty shrank for longer texts, a calibration by length
  could correct sentences without over-ranking abstracts.
* **twin**: the small fixture (``tests/fixtures/small``) with one profile added, an English
  twin of the Russian-only soil researcher ``s-ru-ruonly`` (the same keywords, summary and
  publications, translated into English by the author of this benchmark), ranked for the
  soil-remediation call. A language-neutral scale gives the researcher and the twin about the
  same score. Backends as in ``--backends`` (``name@unrelated:related``: cross-language anchors
  of the language-neutral model, as in ``embeddings_language_pairs_dblp.py``).

Usage (from the repository root; the vectors come from the persistent vector cache)::

    python benchmarks/embeddings_cross_language_scale.py      # ~2 min cache warm, ~12 min cold
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import cordis_projects, translations
from benchmarks.embeddings_language_pairs_dblp import build_encoder, cached_leaves
from benchmarks.expert_finding_dblp import DEFAULT_DATA, load_data
from embeddings import Encoder, get_encoder
from embeddings.calibration import Calibration
from embeddings.locations import vector_cache_path
from matcher import Matcher, load_dataset
from matcher.dataset import Dataset

SMALL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "small"
PERCENTILES = (5, 25, 50, 75, 90, 95, 99)
TWIN_PUBLICATIONS = (  # s-ru-ruonly's publications, translated
    (
        "Remediation of soils contaminated with heavy metals using biochar",
        "In a field experiment, applying biochar reduced the mobility of zinc and lead in soils "
        "near a coal open pit.",
    ),
    (
        "Phytoremediation of technogenically contaminated soils of Kuzbass",
        "The accumulation of heavy metals by phytoremediating plants on contaminated sites was "
        "studied.",
    ),
    (
        "Restoring soil fertility on reclaimed dumps of coal open pits",
        "The content of humus and nutrients in young technosols on dumps of different ages was "
        "assessed.",
    ),
)
Floats = npt.NDArray[np.float32]


def calibrated(encoder: Encoder, queries: list[str], passages: list[str]) -> Floats:
    """Calibrated query x passage similarities (``query``/``passage`` kinds where they matter)."""
    if encoder.kind_sensitive:
        sims = encoder.encode(queries, kind="query") @ encoder.encode(passages, kind="passage").T
    else:
        sims = encoder.encode(queries) @ encoder.encode(passages).T
    return encoder.calibrate(sims)


def regimes(cache: Path | None, threads: int) -> None:
    """Percentiles of both models' calibrated scores on English pairs, by kind of pair."""
    minilm = cached_leaves(get_encoder("minilm", threads=threads), cache)
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    sentences = [row["en"] for row in translations()]
    projects = cordis_projects(200)
    titles = [p.title for p in projects]
    objectives = [p.objective for p in projects]
    dblp = load_data(DEFAULT_DATA)
    documents = [dblp.texts[key] for key in sorted(dblp.texts)][:600]
    own = np.eye(len(projects), dtype=bool)
    rows: list[tuple[str, list[str], list[str], npt.NDArray[np.bool_] | None]] = [
        ("sentence vs other sentence (64)", sentences, sentences, ~np.eye(64, dtype=bool)),
        ("CORDIS title vs other objective (200)", titles, objectives, ~own),
        ("CORDIS title vs own objective (200)", titles, objectives, own),
        ("CORDIS title vs title (100 x 100)", titles[:100], titles[100:], None),
        ("CORDIS objective vs objective (100 x 100)", objectives[:100], objectives[100:], None),
        ("CORDIS objective vs title (100 x 100)", objectives[:100], titles[100:], None),
        ("CORDIS objective vs sentence (100 x 64)", objectives[:100], sentences, None),
        ("sentence vs CORDIS title (64 x 200)", sentences, titles, None),
        (
            "DBLP query paper vs document (114 x 600)",
            [dblp.texts[q] for q in dblp.queries],
            documents,
            None,
        ),
        (
            "DBLP query paper vs sentence (114 x 64)",
            [dblp.texts[q] for q in dblp.queries],
            sentences,
            None,
        ),
    ]
    print(
        "| pairs | model | " + " | ".join(f"p{p}" for p in PERCENTILES) + " | median e5n - minilm |"
    )
    print("|---|---|" + "---|" * (len(PERCENTILES) + 1))
    pooled: dict[str, list[Floats]] = {
        "minilm": [],
        "e5-neutral": [],
        "minilm long": [],
        "e5-neutral long": [],
    }
    for label, queries, passages, mask in rows:
        m = calibrated(minilm, queries, passages)
        e = calibrated(e5n, queries, passages)
        if mask is not None:
            m, e = m[mask], e[mask]
        pooled["minilm"].append(m.ravel())
        pooled["e5-neutral"].append(e.ravel())
        if label.startswith("CORDIS objective"):  # abstract-length queries, DBLP held out
            pooled["minilm long"].append(m.ravel())
            pooled["e5-neutral long"].append(e.ravel())
        gap = float(np.median(e) - np.median(m))
        for model, values in (("minilm", m), ("e5-neutral", e)):
            cells = " | ".join(f"{v:.2f}" for v in np.percentile(values, PERCENTILES))
            last = f"{gap:+.2f}" if model == "e5-neutral" else ""
            print(f"| {label} | {model} | {cells} | {last} |", flush=True)
    quantile_matched(e5n.calibration, pooled)


def quantile_matched(own: Calibration, pooled: dict[str, list[Floats]]) -> None:
    """e5-neutral's anchors that map its score distribution on minilm's (a variant tried).

    Quantile matching, not regression: the 5th to 99th percentiles of e5-neutral's calibrated
    scores over every English pair above (pooled) against minilm's, a line through the
    quantile-quantile points, composed with e5-neutral's own calibration.
    """
    levels = np.arange(5, 100)
    for pool, what in (("", "all pairs"), (" long", "CORDIS objectives as queries")):
        x = np.percentile(np.concatenate(pooled["e5-neutral" + pool]), levels)
        y = np.percentile(np.concatenate(pooled["minilm" + pool]), levels)
        slope, shift = (float(v) for v in np.polyfit(x, y, 1))
        scale = own.scale / slope
        unrelated = own.unrelated - shift * scale
        print(
            f"quantile-matched over {what}: minilm ~= {slope:.3f} x e5-neutral {shift:+.3f}; "
            f"anchors {unrelated:.4f}:{unrelated + scale:.4f}"
        )


LENGTH_FIT_WORDS = (12, 24, 48, 96, 192)


def length_fit(cache: Path | None, threads: int) -> None:
    """How e5-neutral's scale sits against minilm's as CORDIS queries grow (the length fit).

    The first 100 CORDIS objectives as queries, cut to their first 12, 24, ..., 192 words and
    whole, against the passages of the quantile-matched anchors' pool (the other 100 projects'
    objectives and titles, the 64 sentences): per length the median gap (e5-neutral minus
    minilm, calibrated) and the quantile-matched line. The gap's position between the shortest
    cut (weight 0) and the whole objectives (weight 1), fitted as a line in log word count,
    gives the lengths at which :class:`embeddings.language_pairs.LengthAwareCalibration` moves
    from the translation-matched to the quantile-matched anchors. English pairs only, CORDIS
    only: the fixture, DBLP and the probe are held out.
    """
    minilm = cached_leaves(get_encoder("minilm", threads=threads), cache)
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    projects = cordis_projects(200)
    objectives = [p.objective for p in projects]
    passages = objectives[100:] + [p.title for p in projects[100:]]
    passages += [row["en"] for row in translations()]
    whole = float(np.median([len(text.split()) for text in objectives[:100]]))
    lengths: list[float] = []
    gaps: list[float] = []
    levels = np.arange(5, 100)
    print("| query words | minilm p50 | e5-neutral p50 | median gap | quantile line |")
    print("|---|---|---|---|---|")
    for words in (*LENGTH_FIT_WORDS, None):
        queries = [
            text if words is None else " ".join(text.split()[:words]) for text in objectives[:100]
        ]
        m = calibrated(minilm, queries, passages).ravel()
        e = calibrated(e5n, queries, passages).ravel()
        slope, shift = np.polyfit(np.percentile(e, levels), np.percentile(m, levels), 1)
        gap = float(np.median(e) - np.median(m))
        lengths.append(whole if words is None else float(words))
        gaps.append(gap)
        label = f"whole ({whole:.0f} median)" if words is None else str(words)
        print(
            f"| {label} | {np.median(m):.3f} | {np.median(e):.3f} | {gap:+.3f} "
            f"| {slope:.3f} x {shift:+.3f} |",
            flush=True,
        )
    weights = (np.asarray(gaps) - gaps[0]) / (gaps[-1] - gaps[0])
    slope, shift = np.polyfit(np.log(lengths), weights, 1)
    short_words, long_words = np.exp(-shift / slope), np.exp((1.0 - shift) / slope)
    print(
        "weights: " + ", ".join(f"{n:.0f}: {w:.2f}" for n, w in zip(lengths, weights, strict=True))
    )
    print(
        f"weight ~= {slope:.3f} x ln(words) {shift:+.3f}: 0 at {short_words:.1f} words, "
        f"1 at {long_words:.1f} words"
    )


def two_length_gap(cache: Path | None, threads: int) -> None:
    """The median gap (e5-neutral minus minilm) with queries *and* passages cut (CORDIS only).

    The first 100 CORDIS objectives as queries and the next 100 as passages, each cut to 12 or
    48 words or whole: whether e5-neutral's scale over minilm's depends on the passage's length
    as well as the query's (a query-length calibration cannot follow the passage's).
    """
    minilm = cached_leaves(get_encoder("minilm", threads=threads), cache)
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    objectives = [p.objective for p in cordis_projects(200)]
    cuts: tuple[int | None, ...] = (12, 48, None)

    def cut(texts: list[str], words: int | None) -> list[str]:
        return [text if words is None else " ".join(text.split()[:words]) for text in texts]

    names = {12: "12 words", 48: "48 words", None: "whole"}
    print("| queries \\ passages | " + " | ".join(names[c] for c in cuts) + " |")
    print("|---|" + "---|" * len(cuts))
    for q_words in cuts:
        queries = cut(objectives[:100], q_words)
        cells = []
        for p_words in cuts:
            passages = cut(objectives[100:], p_words)
            m = calibrated(minilm, queries, passages)
            e = calibrated(e5n, queries, passages)
            cells.append(f"{np.median(e) - np.median(m):+.3f}")
        print(f"| {names[q_words]} | " + " | ".join(cells) + " |", flush=True)


def translation_by_length(cache: Path | None, threads: int) -> None:
    """Medians of e5-neutral's cosines: English vs translation, vs itself, vs other texts."""
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    by_domain: dict[str, dict[str, list[str]]] = {}
    for row in translations():
        for lang in ("en", "ru", "zh"):
            by_domain.setdefault(row["domain"], {}).setdefault(lang, []).append(row[lang])
    domains = sorted(by_domain)
    same = np.eye(len(domains), dtype=bool)
    print(
        "| sentences per text | language | translation | original (itself) | other texts, "
        "translated | other texts, English |"
    )
    print("|---|---|---|---|---|---|")
    for k in (1, 2, 3, 5):
        english = [" ".join(by_domain[d]["en"][:k]) for d in domains]
        queries = e5n.encode(english, kind="query")
        original = queries @ e5n.encode(english, kind="passage").T
        for lang in ("ru", "zh"):
            texts = [" ".join(by_domain[d][lang][:k]) for d in domains]
            x = queries @ e5n.encode(texts, kind="passage").T
            print(
                f"| {k} | {lang} | {np.median(x[same]):.3f} | {np.median(original[same]):.3f} "
                f"| {np.median(x[~same]):.3f} | {np.median(original[~same]):.3f} |",
                flush=True,
            )


def twin(backends: list[str], cache: Path | None, threads: int) -> None:
    """The soil-remediation call's ranking with an English twin of the Russian-only researcher."""
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        institutions=SMALL / "institutions.jsonl",
        offices=SMALL / "offices.jsonl",
    )
    russian = dataset.profile("s-ru-ruonly")
    english = russian.model_copy(
        update={
            "id": "s-en-twin",
            "keywords": ["soil remediation", "heavy metals", "biochar", "reclamation"],
            "summary": "Associate professor. Main research areas: remediation of soils "
            "contaminated with heavy metals and reclamation of disturbed land.",
            "publications": [
                p.model_copy(update={"title": title, "abstract": abstract})
                for p, (title, abstract) in zip(
                    russian.publications, TWIN_PUBLICATIONS, strict=True
                )
            ],
            "languages": ["en"],
        }
    )
    with_twin = Dataset(
        profiles=[*dataset.profiles, english],
        calls=dataset.calls,
        institutions=dataset.institutions,
        offices=dataset.offices,
    )
    for spec in backends:
        matcher = Matcher(build_encoder(spec, threads, cache), cache_path=None).fit(with_twin)
        ranking = matcher.rank("c-remediation", k=len(with_twin.profiles))
        order = [row.profile_id for row in ranking]
        score = {row.profile_id: row.score for row in ranking}
        others = [p for p in order if p != "s-en-twin"]
        rank = others.index("s-ru-ruonly") + 1
        print(
            f"{spec}: s-ru-ruonly {score['s-ru-ruonly']:.3f} (rank {rank}"
            f" without the twin), its English twin {score['s-en-twin']:.3f}; top 5: "
            + ", ".join(f"{p} {score[p]:.3f}" for p in others[:5]),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends",
        nargs="+",
        default=[
            "minilm",
            "use",
            "e5-neutral",
            "minilm+use",
            "minilm+e5-neutral",
            "minilm+e5-neutral@0.0168:0.3533",
            "minilm+e5-neutral@0.0719:0.2678",
        ],
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-regimes", action="store_true")
    parser.add_argument(
        "--length-fit",
        action="store_true",
        help="only the length fit and the two-length gap (see length_fit, two_length_gap)",
    )
    parser.add_argument(
        "--cache",
        default=str(vector_cache_path() or "off"),
        help="SQLite vector cache of the underlying models ('off' to disable)",
    )
    args = parser.parse_args()
    cache = None if args.cache == "off" else Path(args.cache)
    if args.length_fit:
        length_fit(cache, args.threads)
        two_length_gap(cache, args.threads)
        return
    twin(args.backends, cache, args.threads)
    translation_by_length(cache, args.threads)
    if not args.skip_regimes:
        regimes(cache, args.threads)


if __name__ == "__main__":
    main()

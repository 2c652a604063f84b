"""Recompute the calibration anchors of every embedding backend (and check them).

For a deterministic sample of CORDIS projects it embeds each project's title (as a query) and
objective (as a passage). The *related* anchor is the median cosine of a title with its own
objective, the *unrelated* anchor the median cosine of a title with the other projects'
objectives. It prints the constants to paste into the backends (``calibration = ...``), and for
each backend where other kinds of pairs land on the calibrated scale: the spread of unrelated
pairs, and the hand-written translation pairs (en-ru, en-zh).

Usage (from the repository root)::

    python benchmarks/embeddings_calibration.py            # all backends, ~5 min on 2 cores
    python benchmarks/embeddings_calibration.py --backends tfidf minilm --projects 1000
    python benchmarks/embeddings_calibration.py --backends e5-neutral \
        --cache ~/.cache/grantmatch/cache/vectors.sqlite    # re-runs embed nothing
    python benchmarks/embeddings_calibration.py --cross-language \
        --cache ~/.cache/grantmatch/cache/vectors.sqlite    # tried variant, not shipped
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy.typing as npt

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import cordis_projects, translations
from benchmarks.embeddings_language_pairs_dblp import cached_leaves
from embeddings import get_encoder

Group = tuple[list[str], dict[str, list[str]]]


def translation_groups() -> list[Group]:
    """English texts and their translations by language: the 64 en/ru/zh sentences and the 20
    reference-only topics of the bundled reference set in 8 languages (never the probe)."""
    from embeddings.neutral import model_text, reference_records

    groups: list[Group] = []
    pairs = translations()
    groups.append(
        ([p["en"] for p in pairs], {lang: [p[lang] for p in pairs] for lang in ("ru", "zh")})
    )
    reference = [r for r in reference_records() if r["set"] == "reference"]
    text = {(r["topic"], r["language"]): model_text(r["text"], r["language"]) for r in reference}
    topics = sorted({r["topic"] for r in reference})
    others = sorted({r["language"] for r in reference} - {"en"})
    groups.append(
        (
            [text[(t, "en")] for t in topics],
            {lang: [text[(t, lang)] for t in topics] for lang in others},
        )
    )
    return groups


def translation_matched_anchors(cache: Path | None, threads: int) -> None:
    """``e5-neutral``'s anchors for an English and a non-English text (shipped).

    A translation should score what its original scores: with English texts as queries, the
    e5-neutral cosine of (English text, its translation) is mapped to that of (English text,
    itself), and (English text, another text's translation) to (English text, the other English
    text), medians over texts and languages. The line through the two points, composed with
    e5-neutral's own calibration, gives the cross-language anchors. Pairs of non-English texts
    keep the own calibration. Data: :func:`translation_groups`.
    """
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    medians: dict[str, list[npt.NDArray[np.float32]]] = defaultdict(list)
    for english, translated in translation_groups():
        same = np.eye(len(english), dtype=bool)
        queries = e5n.encode(english, kind="query")
        original = queries @ e5n.encode(english, kind="passage").T
        for lang, texts in translated.items():
            x = queries @ e5n.encode(texts, kind="passage").T
            ys_, yo_ = np.median(original[same]), np.median(original[~same])
            print(
                f"{lang}: translation {np.median(x[same]):.3f} (original {ys_:.3f}), "
                f"other {np.median(x[~same]):.3f} (original {yo_:.3f})"
            )
            medians["x_same"].append(x[same])
            medians["x_other"].append(x[~same])
            medians["y_same"].append(original[same])
            medians["y_other"].append(original[~same])
    xs, xo, ys, yo = (
        float(np.median(np.concatenate(medians[key])))
        for key in ("x_same", "x_other", "y_same", "y_other")
    )
    slope = (ys - yo) / (xs - xo)  # original cosine ~= slope * translation cosine + shift
    shift = yo - slope * xo
    own = e5n.calibration
    scale = own.scale / slope
    unrelated = (own.unrelated - shift) / slope
    print(
        f"translation {xs:.4f} / other {xo:.4f}; original {ys:.4f} / other {yo:.4f}; "
        f"original ~= {slope:.3f} x translation {shift:+.4f}"
    )
    print(
        f"cross_language_calibration = Calibration(unrelated={unrelated:.4f}, "
        f"related={unrelated + scale:.4f})"
    )


def cross_language_anchors(cache: Path | None, threads: int) -> None:
    """Anchors of ``e5-neutral`` such that a translation scores like the text (tried, not shipped).

    For English texts as queries and their translations as passages, the e5-neutral cosine of
    (English text, translation) should equal minilm's calibrated score of (English text,
    English version): the medians over translations (the same text) and over other texts fix
    the two anchors. Data: the 64 en/ru/zh sentences and the 20 reference-only topics of the
    bundled reference set in 8 languages (not the probe).
    """
    minilm = cached_leaves(get_encoder("minilm", threads=threads), cache)
    e5n = cached_leaves(get_encoder("e5-neutral", threads=threads), cache)
    groups = translation_groups()
    x_same, x_other, y_same, y_other = [], [], [], []
    for english, translated in groups:
        same = np.eye(len(english), dtype=bool)
        y = minilm.calibrate(minilm.encode(english) @ minilm.encode(english).T)
        queries = e5n.encode(english, kind="query")
        for lang, texts in translated.items():
            x = queries @ e5n.encode(texts, kind="passage").T
            x_same.append(x[same])
            x_other.append(x[~same])
            y_same.append(y[same])
            y_other.append(y[~same])
            print(
                f"{lang}: e5-neutral translation {np.median(x[same]):.3f}, "
                f"other {np.median(x[~same]):.3f}"
            )
    xs, xo, ys, yo = (
        float(np.median(np.concatenate(v))) for v in (x_same, x_other, y_same, y_other)
    )
    scale = (xs - xo) / (ys - yo)
    unrelated = xo - scale * yo
    print(f"minilm (calibrated): same text {ys:.3f}, other {yo:.3f}")
    print(
        f"cross_language_calibration = Calibration(unrelated={unrelated:.4f}, "
        f"related={unrelated + scale:.4f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tfidf", "minilm", "use", "e5"])
    parser.add_argument("--projects", type=int, default=1000, help="projects per backend")
    parser.add_argument("--e5-projects", type=int, default=200, help="projects for e5 (slow)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--cross-language",
        action="store_true",
        help="only e5-neutral's anchors matched to minilm across languages (a variant tried "
        "for minilm+e5-neutral, not shipped: see RESULTS.md)",
    )
    parser.add_argument(
        "--translation-matched",
        action="store_true",
        help="only e5-neutral's cross-language anchors (a translation scores what its original "
        "scores; shipped as E5NeutralEncoder.cross_language_calibration)",
    )
    parser.add_argument(
        "--cache",
        default="off",
        help="SQLite vector cache of the underlying models (default off: times the models)",
    )
    args = parser.parse_args()
    cache = None if args.cache == "off" else Path(args.cache)
    if args.cross_language:
        cross_language_anchors(cache, args.threads)
        return
    if args.translation_matched:
        translation_matched_anchors(cache, args.threads)
        return

    pairs = translations()
    rows = []
    for name in args.backends:
        n = args.e5_projects if name.startswith("e5") else args.projects
        projects = cordis_projects(limit=n, stride=8, offset=1)
        encoder = cached_leaves(get_encoder(name, threads=args.threads), cache)
        started = time.perf_counter()
        titles = encoder.encode([p.title for p in projects], kind="query")
        abstracts = encoder.encode([p.objective for p in projects], kind="passage")
        seconds = time.perf_counter() - started
        sims = titles @ abstracts.T
        related = np.diag(sims)
        unrelated = sims[~np.eye(len(projects), dtype=bool)]
        lo, hi = float(np.median(unrelated)), float(np.median(related))
        top1 = float(np.mean(sims.argmax(axis=1) == np.arange(len(projects))))
        # AUC of related vs unrelated pairs (probability a related pair outranks an unrelated).
        order = np.sort(unrelated)
        auc = float(np.mean(np.searchsorted(order, related) / len(order)))

        def cal(x: np.ndarray, lo: float = lo, hi: float = hi) -> np.ndarray:
            return (x - lo) / (hi - lo)

        en = encoder.encode([p["en"] for p in pairs])
        translated = {lang: encoder.encode([p[lang] for p in pairs]) for lang in ("ru", "zh")}
        trans = {
            lang: float(np.median(cal(np.sum(en * m, axis=1)))) for lang, m in translated.items()
        }
        rows.append(
            (
                name,
                encoder.model_id,
                n,
                lo,
                hi,
                float(np.percentile(cal(unrelated), 95)),
                float(np.percentile(cal(unrelated), 99)),
                float(np.percentile(cal(related), 10)),
                trans["ru"],
                trans["zh"],
                top1,
                auc,
                seconds,
            )
        )
        print(
            f"{name}: calibration = Calibration(unrelated={lo:.4f}, related={hi:.4f})  "
            f"# {n} CORDIS projects, {seconds:.0f}s",
            flush=True,
        )

    print()
    print(
        "| backend | projects | raw unrelated (0) | raw related (1) | unrelated p95 | "
        "unrelated p99 | related p10 | en-ru translation | en-zh translation | "
        "title->abstract top-1 | AUC |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, _mid, n, lo, hi, u95, u99, r10, ru, zh, top1, auc, _s in rows:
        print(
            f"| {name} | {n} | {lo:.3f} | {hi:.3f} | {u95:.2f} | {u99:.2f} | {r10:.2f} | "
            f"{ru:.2f} | {zh:.2f} | {top1:.3f} | {auc:.3f} |"
        )


if __name__ == "__main__":
    main()
